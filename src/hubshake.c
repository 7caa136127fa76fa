/*
 * hubshake.c -- TLS handshakes in progress on the server: each
 * accepted TLS connection is carried on, without blocking, until its
 * handshake is done (then it is a client, hub_client_new) or fails or
 * takes longer than HUB_HANDSHAKE_MS.  Handshakes count against
 * -maxclients.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "evloop.h"
#include "fanout.h"
#include "hub.h"
#include "hub_int.h"
#include "log.h"
#include "tls.h"
#include "transport.h"
#include "xmalloc.h"

void
hub_shake_free(struct shake *s)
{
	struct hub	*h = s->hub;

	h->shakes[s->idx] = h->shakes[--h->nshakes];
	h->shakes[s->idx]->idx = s->idx;
	evloop_io_del(s->io);
	conn_close(s->conn);
	free(s);
}

/* Carry a TLS handshake on; once done, the connection is a client. */
static void
shake_io(void *arg, int fd, int events)
{
	struct shake	*s = arg;
	struct hub	*h = s->hub;
	struct conn	*cn = s->conn;
	struct conn_info ci;

	(void)fd;
	(void)events;
	h->now = hub_now_ms();
	switch (conn_handshake(cn)) {
	case 0:
		evloop_io_set(s->io, conn_wants(cn));
		return;
	case -1:
		conn_info(cn, &ci);
		log_debug("TLS handshake failed with client %d: %s",
		    conn_fd(cn), ci.error);
		hub_shake_free(s);
		return;
	}
	s->conn = NULL;
	hub_shake_free(s);
	hub_client_new(h, cn, true);
}

void
hub_shake_new(struct hub *h, struct tls_creds *tls, int fd)
{
	struct shake	*s;

	/* Handshakes count against maxclients (no BYE before TLS). */
	if (h->nclients + h->nshakes >= h->cfg.maxclients) {
		close(fd);
		return;
	}
	s = xcalloc(1, sizeof *s);
	s->hub = h;
	s->conn = tls_server_conn(tls, fd);
	s->since = h->now;
	if (h->nshakes == h->capshakes) {
		h->capshakes = h->capshakes ? h->capshakes * 2 : 16;
		h->shakes = xreallocarray(h->shakes, h->capshakes,
		    sizeof *h->shakes);
	}
	s->idx = h->nshakes;
	h->shakes[h->nshakes++] = s;
	s->io = evloop_io_add(fd, EV_READ, shake_io, s);
	shake_io(s, fd, EV_READ);
}

void
hub_shakes_expire(struct hub *h)
{
	unsigned	 i;

	for (i = 0; i < h->nshakes; i++) {
		if (h->now - h->shakes[i]->since < HUB_HANDSHAKE_MS)
			continue;
		log_debug("TLS client %d: no handshake in %d s",
		    conn_fd(h->shakes[i]->conn), HUB_HANDSHAKE_MS / 1000);
		hub_shake_free(h->shakes[i]);
		i--;
	}
}
