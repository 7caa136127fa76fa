/*
 * netio.h -- non-blocking socket helpers and the output buffer.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_NETIO_H
#define XCHAT_NETIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define NETIO_ADDRSTRLEN	64	/* "[v6-address]:port" and a NUL */

int	netio_setup_fd(int fd);
int	netio_listen(const char *addr, const char *port, char *err,
	    size_t errlen);
int	netio_connect(const char *host, const char *port, char *err,
	    size_t errlen);
void	netio_peer_name(int fd, char *buf, size_t len);
void	netio_sock_name(int fd, char *buf, size_t len);
bool	netio_port_valid(const char *);

/*
 * An output buffer: bytes queued for a descriptor.  off is where the
 * unsent bytes start, len how many there are.  outbuf_trim() gives
 * back the memory of an empty one, so idle connections cost little.
 */
struct outbuf {
	char	*buf;
	size_t	 off;
	size_t	 len;
	size_t	 cap;
};

void	outbuf_append(struct outbuf *, const void *, size_t);
char	*outbuf_reserve(struct outbuf *, size_t);
void	outbuf_commit(struct outbuf *, size_t);
ssize_t	outbuf_flush(struct outbuf *, int fd);
void	outbuf_trim(struct outbuf *);
void	outbuf_free(struct outbuf *);

#endif
