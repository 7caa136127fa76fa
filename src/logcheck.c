/*
 * logcheck.c -- msglog_verify() in a child process, its report read
 * back through a pipe: the head is kept whole, the tail in a sliding
 * window, so a huge report costs bounded memory.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evloop.h"
#include "logcheck.h"
#include "msglog.h"
#include "xmalloc.h"

#define CHECK_HEAD	16384	/* bytes of a report kept */
#define CHECK_TAIL	4096	/* and of its end */

static struct {
	pid_t		 pid;
	struct ev_io	*io;
	int		 vfd;		/* the child's verdict, binary */
	char		 head[CHECK_HEAD];
	size_t		 headlen;
	char		 tail[CHECK_TAIL];
	size_t		 taillen;
	bool		 cut;
	logcheck_done_fn *done;
	void		*arg;
} lc;

/* Keep the head whole and the last CHECK_TAIL bytes after it. */
static void
logcheck_take(char *buf, size_t k)
{
	size_t	 take, drop;

	if (lc.headlen < CHECK_HEAD) {
		take = CHECK_HEAD - lc.headlen;
		if (take > k)
			take = k;
		memcpy(lc.head + lc.headlen, buf, take);
		lc.headlen += take;
		memmove(buf, buf + take, k - take);
		k -= take;
	}
	if (k == 0)
		return;
	if (lc.taillen + k > CHECK_TAIL) {
		/* k <= CHECK_TAIL, the size of the read buffer */
		drop = lc.taillen + k - CHECK_TAIL;
		lc.cut = true;
		memmove(lc.tail, lc.tail + drop, lc.taillen - drop);
		lc.taillen -= drop;
	}
	memcpy(lc.tail + lc.taillen, buf, k);
	lc.taillen += k;
}

/* Report to the owner: head, a cut mark, tail; the verdict if any. */
static void
logcheck_finish(int status, const char *why)
{
	size_t	 len = lc.headlen + lc.taillen + 16;
	char	*report = xmalloc(len + 1);
	struct msglog_verdict v;
	bool	 have;

	/* The child has exited: its end of the pipe is closed. */
	have = read(lc.vfd, &v, sizeof v) == (ssize_t)sizeof v;
	close(lc.vfd);
	lc.vfd = -1;

	memcpy(report, lc.head, lc.headlen);
	len = lc.headlen;
	if (lc.cut) {
		memcpy(report + len, "\n[...]\n", 7);
		len += 7;
	}
	memcpy(report + len, lc.tail, lc.taillen);
	len += lc.taillen;
	report[len] = '\0';
	lc.done(lc.arg, status, why, report, len, have ? &v : NULL);
	free(report);
}

static void
logcheck_read(void *arg, int fd, int ev)
{
	char		 buf[CHECK_TAIL];
	ssize_t		 n;
	int		 st;

	(void)arg;
	(void)ev;
	n = read(fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		logcheck_take(buf, (size_t)n);
		return;
	}
	evloop_io_del(lc.io);
	lc.io = NULL;
	close(fd);
	while (waitpid(lc.pid, &st, 0) == -1 && errno == EINTR)
		;
	lc.pid = 0;
	if (WIFEXITED(st))
		logcheck_finish(WEXITSTATUS(st), NULL);
	else
		logcheck_finish(2, strsignal(WTERMSIG(st)));
}

/* In the child: close every descriptor but keep and keep2. */
static void
close_all_but(int keep, int keep2)
{
	DIR		*d;
	struct dirent	*e;
	int		 fd, dfd, max;

	if ((d = opendir("/proc/self/fd")) != NULL) {
		dfd = dirfd(d);
		while ((e = readdir(d)) != NULL) {
			fd = atoi(e->d_name);
			if (fd > 2 && fd != keep && fd != keep2 && fd != dfd)
				close(fd);
		}
		closedir(d);
		return;
	}
	max = (int)sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		if (fd != keep && fd != keep2)
			close(fd);
}

/* Close both ends of both pipes, keeping errno. */
static void
close_pipes(int p[2], int q[2])
{
	int	 e = errno;

	close(p[0]);
	close(p[1]);
	if (q[0] != -1) {
		close(q[0]);
		close(q[1]);
	}
	errno = e;
}

/*
 * In the child: the report to p, then the verdict's counts to q (far
 * less than PIPE_BUF: one write, never blocked).
 */
static void
logcheck_child(const char *file, int p, int q)
{
	struct msglog_verdict v;
	FILE	*fp;
	ssize_t	 w;
	int	 r;

	signal(SIGPIPE, SIG_DFL);
	close_all_but(p, q);
	if ((fp = fdopen(p, "w")) == NULL)
		_exit(2);
	memset(&v, 0, sizeof v);
	r = msglog_verify(file, fp, &v);
	fclose(fp);
	/* A failed write leaves the parent without counts: it says less. */
	w = write(q, &v, sizeof v);
	(void)w;
	_exit(r);
}

int
logcheck_start(const char *file, logcheck_done_fn *done, void *arg)
{
	int	 p[2], q[2] = { -1, -1 };

	if (lc.pid != 0) {
		errno = EBUSY;
		return -1;
	}
	if (pipe(p) == -1)
		return -1;
	if (pipe(q) == -1) {
		close_pipes(p, q);
		return -1;
	}
	fflush(NULL);
	switch (lc.pid = fork()) {
	case -1:
		lc.pid = 0;
		close_pipes(p, q);
		return -1;
	case 0:
		logcheck_child(file, p[1], q[1]);
	}
	close(p[1]);
	close(q[1]);
	/* Never wait on it: a child that died before writing says nothing. */
	(void)fcntl(q[0], F_SETFL, O_NONBLOCK);
	lc.vfd = q[0];
	lc.headlen = lc.taillen = 0;
	lc.cut = false;
	lc.done = done;
	lc.arg = arg;
	lc.io = evloop_io_add(p[0], EV_READ, logcheck_read, NULL);
	return 0;
}

int
logcheck_running(void)
{
	return lc.pid != 0;
}
