/*
 * refserver.c - the reference fan-out server of the benchmark.
 *
 * This file is part of xchat; see COPYING for the licence.
 *
 * A simple, correct epoll server speaking the subset of doc/PROTOCOL.md
 * that xchat-bench uses: WELCOME/USER/history/READY at accept, JOIN and
 * LEAVE, MSG with its MD5 checked and relayed to every other client as
 * "MSG n id nick md5 text" with "OK seq n" to the sender, NAK for bad
 * messages, PING/PONG, QUIT, ERR for the rest (NICK is not implemented).
 * One process, one thread, non-blocking sockets, TCP_NODELAY,
 * listen(SOMAXCONN). It exists so that xchatd's figures can be given as
 * ratios against a known design measured side by side on the same noisy
 * machine, not to be a chat server.
 *
 * The design is the one issue 5 describes for a fast server:
 *  - every wakeup collects the frames it has to broadcast (MSG, JOIN,
 *    LEAVE) once into a shared batch; each client gets the batch minus
 *    its own frames with one writev(), straight from the batch, and only
 *    what the socket does not take is copied into the client's own
 *    output buffer (bounded: past -s bytes the client is dropped, slow);
 *  - one log record per accepted message, with write(2), all of a
 *    wakeup's records in one write (or one write per record with -1),
 *    always before any OK for them is queued; a failed log write turns
 *    the wakeup's messages into "NAK seq nolog" and broadcasts nothing;
 *  - no allocation per message on the fan-out path.
 *
 * usage: refserver [-1] [-a addr] [-p port] [-l logfile] [-H history]
 *                  [-m maxclients] [-s slowlimit]
 *
 * Build:
 *	cc -std=c11 -O2 -Wall -Wextra -D_GNU_SOURCE -o bench/refserver \
 *	    bench/refserver.c $(pkg-config --cflags --libs libgcrypt)
 */

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gcrypt.h>

#define RBUF_SIZE	(256 * 1024)	/* one read per client per wakeup */
#define MAX_FRAME	4096		/* protocol limit, CR and LF included */
#define MAX_TEXT	4000
#define MAX_SEQ		18
#define MAX_TOKEN	64
#define MD5_HEX		32
#define MAX_EVENTS	256
#define MAX_IOV		256
#define ACCEPT_BURST	256		/* accepts per wakeup at most */
#define SLOT_SIZE	4352		/* one relayed MSG frame, at most */
#define REPLY_ARG	104
#define SWEEP_NS	1000000000ull	/* trim idle output buffers */

/* One connected client. */
struct client {
	int		 fd;
	uint64_t	 id;
	char		 nick[32];
	size_t		 idx;		/* position in the client table */
	bool		 dead;
	bool		 quitting;	/* BYE quit queued: close after flush */
	bool		 skipping;	/* discarding an oversize frame */
	bool		 want_out;	/* EPOLLOUT registered */
	bool		 used;		/* output buffer used since the sweep */
	char		*carry;		/* partial frame from the last read */
	size_t		 carry_len;
	char		*out;		/* what the socket did not take */
	size_t		 out_off;
	size_t		 out_len;
	size_t		 out_cap;
	uint64_t	 gen;		/* batch the next three refer to */
	size_t		 bat_from;	/* batch offset it starts receiving at */
	long		 own_head;	/* its own frames in the batch */
	long		 own_tail;
	uint64_t	 dirty_gen;	/* wakeup it was put on the dirty list */
	struct client	*next_dead;
};

/* One frame of the batch, sent to everyone but its author. */
struct frame {
	size_t		 off;
	size_t		 len;
	long		 next_own;	/* the author's next frame, or -1 */
	struct client	*author;	/* NULL: sent to everyone */
	bool		 msg;		/* a MSG (dropped if the log fails) */
};

/* A reply for one client, queued in order until the log is written. */
enum reply_kind { RP_OK, RP_NAK, RP_LINE };
struct reply {
	struct client	*c;
	enum reply_kind	 kind;
	uint64_t	 n;		/* RP_OK: the message number */
	char		 arg[REPLY_ARG]; /* seq, or the whole line */
	const char	*code;		/* RP_NAK */
};

/* A client dropped while flushing: its LEAVE goes out in a new batch. */
struct leave {
	uint64_t	 id;
	char		 nick[32];
	const char	*reason;
};

static struct {
	const char	*addr;
	const char	*port;
	const char	*logfile;
	unsigned	 history;
	size_t		 maxclients;
	size_t		 slowlimit;
	bool		 log_each;
} opt = { "127.0.0.1", "12345", "refserver.log", 20, 10000,
	1024 * 1024, false };

static int		 ep;
static int		 lfd;
static bool		 lfd_on;
static int		 logfd;
static off_t		 log_size;
static volatile sig_atomic_t quit;

static struct client	**cl;		/* live clients, dense */
static size_t		 ncl;
static size_t		 clcap;
static struct client	*dead_list;
static uint64_t		 last_id;
static uint64_t		 last_n;
static uint64_t		 wake_gen;

static struct {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	struct frame	*fr;
	size_t		 nfr;
	size_t		 frcap;
	uint64_t	 gen;
} bat;

static struct {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	size_t		*ends;		/* end of each record (for -1) */
	size_t		 nrec;
	size_t		 reccap;
} logb;

static struct reply	*replies;
static size_t		 nreplies;
static size_t		 replycap;
static struct client	**dirty;
static size_t		 ndirty;
static size_t		 dirtycap;
static struct leave	*leaves;
static size_t		 nleaves;
static size_t		 leavecap;

static char		(*hist)[SLOT_SIZE];
static size_t		*hist_len;
static size_t		 hist_next;
static size_t		 hist_count;

static char		 rbuf[RBUF_SIZE + MAX_FRAME];
static char		 stamp[32];
static time_t		 stamp_sec = -1;

static void
fatalx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "refserver: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *
xrealloc(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatalx("allocation overflow");
	if ((p = realloc(p, n * size)) == NULL)
		fatalx("out of memory");
	return p;
}

/* Grow *p (of *cap elements of size) to hold at least want elements. */
static void
grow(void **p, size_t *cap, size_t want, size_t size)
{
	size_t n = *cap ? *cap : 16;

	if (want <= *cap)
		return;
	while (n < want)
		n *= 2;
	*p = xrealloc(*p, n, size);
	*cap = n;
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Write v in decimal at p; return the number of digits. */
static size_t
put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * True if s[0..len) is valid UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF) without control bytes other than TAB.
 */
static bool
text_ok(const unsigned char *s, size_t len)
{
	const unsigned char *e = s + len;
	unsigned char c;
	unsigned need;
	uint32_t cp, min;

	while (s < e) {
		c = *s++;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return false;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else
			return false;
		if ((size_t)(e - s) < need)
			return false;
		for (; need > 0; need--) {
			if ((*s & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*s++ & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

/* ---- output ------------------------------------------------------------ */

static void
set_out_interest(struct client *c, bool want)
{
	struct epoll_event ev;

	if (c->want_out == want || c->dead)
		return;
	ev.events = EPOLLIN | (want ? EPOLLOUT : 0);
	ev.data.ptr = c;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		fatalx("epoll_ctl: %s", strerror(errno));
	c->want_out = want;
}

/* Append len bytes to c's own output buffer. */
static void
out_append(struct client *c, const void *p, size_t len)
{
	if (c->out_off > 0 && c->out_len + len > c->out_cap) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + len > c->out_cap) {
		size_t n = c->out_cap ? c->out_cap : 4096;

		while (n < c->out_len + len)
			n *= 2;
		c->out = xrealloc(c->out, n, 1);
		c->out_cap = n;
	}
	memcpy(c->out + c->out_len, p, len);
	c->out_len += len;
	c->used = true;
}

static void
mark_dirty(struct client *c)
{
	if (c->dirty_gen == wake_gen)
		return;
	c->dirty_gen = wake_gen;
	grow((void **)&dirty, &dirtycap, ndirty + 1, sizeof *dirty);
	dirty[ndirty++] = c;
}

/* ---- the batch --------------------------------------------------------- */

static void
bat_reset(void)
{
	bat.len = 0;
	bat.nfr = 0;
	bat.gen++;
}

/* Make c's batch fields refer to the current batch. */
static void
bat_attach(struct client *c, size_t from)
{
	c->gen = bat.gen;
	c->bat_from = from;
	c->own_head = c->own_tail = -1;
}

/*
 * Make the len bytes already written at the end of the batch a frame
 * for every client but author (which may be NULL).
 */
static void
bat_push(struct client *author, size_t len, bool msg)
{
	struct frame *f;

	grow((void **)&bat.fr, &bat.frcap, bat.nfr + 1, sizeof *bat.fr);
	f = &bat.fr[bat.nfr];
	f->off = bat.len;
	f->len = len;
	f->next_own = -1;
	f->author = author;
	f->msg = msg;
	if (author != NULL) {
		if (author->gen != bat.gen)
			bat_attach(author, 0);
		if (author->own_tail == -1)
			author->own_head = (long)bat.nfr;
		else
			bat.fr[author->own_tail].next_own = (long)bat.nfr;
		author->own_tail = (long)bat.nfr;
	}
	bat.len += len;
	bat.nfr++;
}

/* Add a copy of s as a frame for every client but author. */
static void
bat_add(struct client *author, const char *s, size_t len, bool msg)
{
	grow((void **)&bat.buf, &bat.cap, bat.len + len, 1);
	memcpy(bat.buf + bat.len, s, len);
	bat_push(author, len, msg);
}

/* ---- clients ----------------------------------------------------------- */

/*
 * Drop c: close it now, free it at the end of the wakeup, tell the
 * others with LEAVE (in this batch, or in a new one when flushing).
 */
static void
client_kill(struct client *c, const char *reason, bool flushing)
{
	char line[96];
	int n;

	if (c->dead)
		return;
	c->dead = true;
	close(c->fd);
	c->fd = -1;
	c->next_dead = dead_list;
	dead_list = c;
	if (flushing) {
		grow((void **)&leaves, &leavecap, nleaves + 1, sizeof *leaves);
		leaves[nleaves].id = c->id;
		memcpy(leaves[nleaves].nick, c->nick, sizeof c->nick);
		leaves[nleaves].reason = reason;
		nleaves++;
		return;
	}
	n = snprintf(line, sizeof line, "LEAVE %" PRIu64 " %s %s\n", c->id,
	    c->nick, reason);
	bat_add(c, line, (size_t)n, false);
}

static void
reply_add(struct client *c, enum reply_kind kind, const char *arg,
    size_t arglen, const char *code)
{
	struct reply *r;

	grow((void **)&replies, &replycap, nreplies + 1, sizeof *replies);
	r = &replies[nreplies++];
	r->c = c;
	r->kind = kind;
	r->n = 0;
	r->code = code;
	if (arglen >= REPLY_ARG)
		arglen = REPLY_ARG - 1;
	memcpy(r->arg, arg, arglen);
	r->arg[arglen] = '\0';
}

static void
reply_line(struct client *c, const char *fmt, ...)
{
	char line[REPLY_ARG];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	reply_add(c, RP_LINE, line, (size_t)n < sizeof line ? (size_t)n :
	    sizeof line - 1, NULL);
}

/* Refresh the log's time stamp: UTC with milliseconds. */
static void
stamp_update(void)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != stamp_sec) {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
		stamp_sec = ts.tv_sec;
	}
	snprintf(stamp + 19, sizeof stamp - 19, ".%03dZ",
	    (int)(ts.tv_nsec / 1000000) % 1000);
}

/* A MSG frame: check it, then batch its relay and its log record. */
static void
on_msg(struct client *c, char *p, char *end)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char want[16], got[16];
	char *seq = p, *md5, *text, *q;
	size_t seqlen, tlen, i;
	struct reply *r;
	struct frame *f;
	int hi, lo;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	seqlen = (size_t)(p - seq);
	if (seqlen == 0 || seqlen > MAX_SEQ || (p < end && *p != ' ')) {
		reply_line(c, "ERR syntax MSG");
		return;
	}
	md5 = p + 1;
	if (p >= end || end - md5 < MD5_HEX ||
	    (md5 + MD5_HEX < end && md5[MD5_HEX] != ' ')) {
		reply_add(c, RP_NAK, seq, seqlen, "badhash");
		return;
	}
	for (i = 0; i < 16; i++) {
		hi = hexval((unsigned char)md5[2 * i]);
		lo = hexval((unsigned char)md5[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			reply_add(c, RP_NAK, seq, seqlen, "badhash");
			return;
		}
		want[i] = (unsigned char)(hi << 4 | lo);
	}
	text = md5 + MD5_HEX + 1;
	tlen = text < end ? (size_t)(end - text) : 0;
	if (tlen == 0 || tlen > MAX_TEXT ||
	    !text_ok((unsigned char *)text, tlen)) {
		reply_add(c, RP_NAK, seq, seqlen, "badtext");
		return;
	}
	gcry_md_hash_buffer(GCRY_MD_MD5, got, text, tlen);
	if (memcmp(want, got, sizeof got) != 0) {
		reply_add(c, RP_NAK, seq, seqlen, "badhash");
		return;
	}

	/* Accepted: MSG n id nick md5 text, encoded once, in the batch. */
	last_n++;
	grow((void **)&bat.buf, &bat.cap, bat.len + SLOT_SIZE, 1);
	q = bat.buf + bat.len;
	memcpy(q, "MSG ", 4);
	q += 4;
	q += put_u64(q, last_n);
	*q++ = ' ';
	q += put_u64(q, c->id);
	*q++ = ' ';
	i = strlen(c->nick);
	memcpy(q, c->nick, i);
	q += i;
	*q++ = ' ';
	for (i = 0; i < 16; i++) {
		*q++ = digits[got[i] >> 4];
		*q++ = digits[got[i] & 15];
	}
	*q++ = ' ';
	memcpy(q, text, tlen);
	q += tlen;
	*q++ = '\n';
	bat_push(c, (size_t)(q - (bat.buf + bat.len)), true);
	f = &bat.fr[bat.nfr - 1];

	/* The log record: time n id nick md5 text. */
	grow((void **)&logb.buf, &logb.cap, logb.len + SLOT_SIZE + 64, 1);
	q = logb.buf + logb.len;
	i = strlen(stamp);
	memcpy(q, stamp, i);
	q += i;
	*q++ = '\t';
	/* "n id nick md5 text\n" of the relayed frame, TAB-separated. */
	memcpy(q, bat.buf + f->off + 4, f->len - 4);
	for (i = 0; i < 4; i++)
		*(char *)memchr(q, ' ', f->len - 4) = '\t';
	q += f->len - 4;
	logb.len = (size_t)(q - logb.buf);
	grow((void **)&logb.ends, &logb.reccap, logb.nrec + 1,
	    sizeof *logb.ends);
	logb.ends[logb.nrec++] = logb.len;

	reply_add(c, RP_OK, seq, seqlen, NULL);
	r = &replies[nreplies - 1];
	r->n = last_n;
}

/* Dispatch one frame (without CR/LF, NUL-terminated at end) from c. */
static void
on_frame(struct client *c, char *f, char *end)
{
	char *arg = memchr(f, ' ', (size_t)(end - f)), verb[33], *p;
	size_t vlen, i;

	if (arg == NULL)
		arg = end;
	vlen = (size_t)(arg - f);
	if (arg < end)
		arg++;
	if (vlen == 3 && memcmp(f, "MSG", 3) == 0)
		on_msg(c, arg, end);
	else if (vlen == 4 && memcmp(f, "PING", 4) == 0) {
		for (p = arg; p < end && *p > 0x20 && *p < 0x7f; p++)
			;
		if (p != end || p == arg || end - arg > MAX_TOKEN)
			reply_line(c, "ERR syntax PING");
		else
			reply_line(c, "PONG %s", arg);
	} else if (vlen == 4 && memcmp(f, "PONG", 4) == 0)
		;
	else if (vlen == 4 && memcmp(f, "QUIT", 4) == 0) {
		reply_line(c, "BYE quit");
		c->quitting = true;
	} else {
		for (i = 0; i < vlen && i < 32; i++)
			verb[i] = f[i] > 0x20 && f[i] < 0x7f ? f[i] : '?';
		verb[i] = '\0';
		reply_line(c, "ERR unknown %s", verb);
	}
}

/* One read from c, split into frames. */
static void
client_read(struct client *c)
{
	char *p, *end, *lf, *e;
	size_t have = c->carry_len, rest;
	ssize_t r;

	if (have > 0)
		memcpy(rbuf, c->carry, have);
	r = read(c->fd, rbuf + have, RBUF_SIZE);
	if (r == 0) {
		client_kill(c, "closed", false);
		return;
	}
	if (r == -1) {
		if (errno != EAGAIN && errno != EINTR)
			client_kill(c, "error", false);
		return;
	}
	p = rbuf;
	end = rbuf + have + r;
	while (!c->quitting && (lf = memchr(p, '\n', (size_t)(end - p)))) {
		if (c->skipping) {
			c->skipping = false;
			p = lf + 1;
			continue;
		}
		if (lf + 1 - p > MAX_FRAME) {
			reply_line(c, "ERR toolong");
			p = lf + 1;
			continue;
		}
		e = lf;
		if (e > p && e[-1] == '\r')
			e--;
		*e = '\0';
		if (e > p)
			on_frame(c, p, e);
		p = lf + 1;
	}
	rest = c->quitting || c->skipping ? 0 : (size_t)(end - p);
	if (rest >= MAX_FRAME) {
		reply_line(c, "ERR toolong");
		c->skipping = true;
		rest = 0;
	}
	if (rest > 0 && c->carry == NULL)
		c->carry = xrealloc(NULL, MAX_FRAME, 1);
	if (rest > 0)
		memmove(c->carry, p, rest);
	c->carry_len = rest;
}

/*
 * Send c what it has pending, then the current batch minus its own
 * frames, with one writev; copy what the socket leaves. fired: the
 * socket said it is writable (EPOLLOUT) in this wakeup.
 */
static void
client_flush(struct client *c)
{
	struct iovec iov[MAX_IOV];
	size_t pend = c->out_len - c->out_off, from = 0, pos, i, k;
	long f = -1;
	int n = 0;
	bool iov0_out = pend > 0;	/* iov[0] is c->out */
	ssize_t r;

	if (c->dead)
		return;
	if (c->gen == bat.gen) {
		from = c->bat_from;
		f = c->own_head;
	}
	if (pend > 0)
		iov[n++] = (struct iovec){ c->out + c->out_off, pend };
	for (pos = from; f != -1; f = bat.fr[f].next_own) {
		if (bat.fr[f].off > pos) {
			if (n == MAX_IOV - 1)
				break;
			iov[n++] = (struct iovec){ bat.buf + pos,
			    bat.fr[f].off - pos };
		}
		pos = bat.fr[f].off + bat.fr[f].len;
	}
	if (f != -1) {
		/* Too many pieces: queue them all and send from the copy. */
		for (k = pend > 0 ? 1 : 0; k < (size_t)n; k++)
			out_append(c, iov[k].iov_base, iov[k].iov_len);
		for (; f != -1; f = bat.fr[f].next_own) {
			if (bat.fr[f].off > pos)
				out_append(c, bat.buf + pos,
				    bat.fr[f].off - pos);
			pos = bat.fr[f].off + bat.fr[f].len;
		}
		if (bat.len > pos)
			out_append(c, bat.buf + pos, bat.len - pos);
		n = 1;
		iov[0] = (struct iovec){ c->out + c->out_off,
		    c->out_len - c->out_off };
		iov0_out = true;
	} else if (bat.len > pos)
		iov[n++] = (struct iovec){ bat.buf + pos, bat.len - pos };
	if (n == 0)
		goto done;

	if (c->want_out && c->dirty_gen != wake_gen) {
		/* The socket was full and has not said otherwise: queue. */
		r = 0;
	} else {
		do
			r = writev(c->fd, iov, n);
		while (r == -1 && errno == EINTR);
		if (r == -1 && errno != EAGAIN) {
			client_kill(c, "error", true);
			return;
		}
		if (r == -1)
			r = 0;
	}
	for (i = 0; i < (size_t)n; i++) {
		size_t take = (size_t)r < iov[i].iov_len ? (size_t)r :
		    iov[i].iov_len;

		r -= (ssize_t)take;
		if (i == 0 && iov0_out)
			c->out_off += take;
		else if (take < iov[i].iov_len)
			out_append(c, (char *)iov[i].iov_base + take,
			    iov[i].iov_len - take);
	}
done:
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len - c->out_off > opt.slowlimit) {
		/* One try at telling it, as the protocol asks. */
		(void)!write(c->fd, "BYE slow\n", 9);
		client_kill(c, "slow", true);
		return;
	}
	if (c->quitting && c->out_len == 0) {
		client_kill(c, "quit", true);
		return;
	}
	set_out_interest(c, c->out_len != 0);
}

static struct {
	char	*buf;
	size_t	 len;
	size_t	 cap;
} hello;

static void
hello_add(const void *p, size_t len)
{
	grow((void **)&hello.buf, &hello.cap, hello.len + len, 1);
	memcpy(hello.buf + hello.len, p, len);
	hello.len += len;
}

/* Accept what is waiting, at most ACCEPT_BURST connections. */
static void
accept_some(void)
{
	struct epoll_event ev;
	struct client *c;
	char line[128];
	size_t i, k, users;
	int fd, one = 1, burst, len;
	ssize_t w;

	for (burst = 0; burst < ACCEPT_BURST; burst++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				/* Retry at the next sweep, not in a spin. */
				epoll_ctl(ep, EPOLL_CTL_DEL, lfd, NULL);
				lfd_on = false;
				fprintf(stderr, "refserver: accept: %s\n",
				    strerror(errno));
			}
			return;		/* EAGAIN, ECONNABORTED, ... */
		}
		if (ncl >= opt.maxclients) {
			(void)!write(fd, "BYE full\n", 9);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		c = xrealloc(NULL, 1, sizeof *c);
		memset(c, 0, sizeof *c);
		users = 0;
		c->fd = fd;
		c->id = ++last_id;
		snprintf(c->nick, sizeof c->nick, "user%" PRIu64, c->id);
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
			fatalx("epoll_ctl: %s", strerror(errno));

		/*
		 * WELCOME, USER..., history, READY: built in a scratch
		 * buffer and written at once; only what the socket does not
		 * take is kept (an idle client then costs its struct only).
		 */
		hello.len = 0;
		len = snprintf(line, sizeof line, "WELCOME %" PRIu64 " %s 1\n",
		    c->id, c->nick);
		hello_add(line, (size_t)len);
		for (i = 0; i < ncl; i++) {
			if (cl[i]->dead)
				continue;
			len = snprintf(line, sizeof line, "USER %" PRIu64
			    " %s\n", cl[i]->id, cl[i]->nick);
			hello_add(line, (size_t)len);
			users++;
		}
		for (k = 0; k < hist_count; k++) {
			i = (hist_next + opt.history - hist_count + k) %
			    opt.history;
			hello_add(hist[i], hist_len[i]);
		}
		len = snprintf(line, sizeof line, "READY %zu\n", users);
		hello_add(line, (size_t)len);
		do
			w = write(fd, hello.buf, hello.len);
		while (w == -1 && errno == EINTR);
		if (w < 0)
			w = 0;
		if ((size_t)w < hello.len)
			out_append(c, hello.buf + w, hello.len - (size_t)w);

		grow((void **)&cl, &clcap, ncl + 1, sizeof *cl);
		c->idx = ncl;
		cl[ncl++] = c;
		bat_attach(c, bat.len);
		len = snprintf(line, sizeof line, "JOIN %" PRIu64 " %s\n",
		    c->id, c->nick);
		bat_add(c, line, (size_t)len, false);
		mark_dirty(c);
	}
}

/* ---- the log ----------------------------------------------------------- */

static bool
write_all(const char *p, size_t len)
{
	ssize_t r;

	while (len > 0) {
		r = write(logfd, p, len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		len -= (size_t)r;
	}
	return true;
}

/*
 * Write the wakeup's log records, then queue every reply in order. If
 * the log cannot be written, its messages become NAK nolog and their
 * MSG frames leave the batch (the counter goes back).
 */
static void
commit(void)
{
	struct reply *r;
	char line[REPLY_ARG + 64], *old;
	size_t i, start, len, nold;
	struct frame *ofr;
	bool ok = true;

	if (logb.nrec > 0) {
		if (!opt.log_each)
			ok = write_all(logb.buf, logb.len);
		else
			for (i = 0, start = 0; ok && i < logb.nrec; i++) {
				ok = write_all(logb.buf + start,
				    logb.ends[i] - start);
				start = logb.ends[i];
			}
		if (ok)
			log_size += (off_t)logb.len;
		else {
			fprintf(stderr, "refserver: log: %s\n",
			    strerror(errno));
			(void)!ftruncate(logfd, log_size);
			last_n -= logb.nrec;
		}
	}
	if (!ok) {
		/* Rebuild the batch without its MSG frames. */
		old = bat.buf;
		ofr = bat.fr;
		nold = bat.nfr;
		bat.buf = NULL;
		bat.cap = 0;
		bat.fr = NULL;
		bat.frcap = 0;
		bat_reset();
		for (i = 0; i < nold; i++)
			if (!ofr[i].msg)
				bat_add(ofr[i].author, old + ofr[i].off,
				    ofr[i].len, false);
		free(old);
		free(ofr);
	} else if (opt.history > 0) {
		for (i = 0; i < bat.nfr; i++) {
			if (!bat.fr[i].msg)
				continue;
			memcpy(hist[hist_next], bat.buf + bat.fr[i].off,
			    bat.fr[i].len);
			hist_len[hist_next] = bat.fr[i].len;
			hist_next = (hist_next + 1) % opt.history;
			if (hist_count < opt.history)
				hist_count++;
		}
	}
	for (i = 0; i < nreplies; i++) {
		r = &replies[i];
		if (r->c->dead)
			continue;
		if (r->kind == RP_OK && !ok)
			len = (size_t)snprintf(line, sizeof line,
			    "NAK %s nolog\n", r->arg);
		else if (r->kind == RP_OK)
			len = (size_t)snprintf(line, sizeof line,
			    "OK %s %" PRIu64 "\n", r->arg, r->n);
		else if (r->kind == RP_NAK)
			len = (size_t)snprintf(line, sizeof line,
			    "NAK %s %s\n", r->arg, r->code);
		else
			len = (size_t)snprintf(line, sizeof line, "%s\n",
			    r->arg);
		out_append(r->c, line, len);
		mark_dirty(r->c);
	}
	nreplies = 0;
	logb.len = 0;
	logb.nrec = 0;
}

/* ---- the loop ---------------------------------------------------------- */

/* Flush every client that has something to send in this batch. */
static void
flush_all(void)
{
	char line[96];
	size_t i, nl;
	int n;

	if (bat.len > 0) {
		for (i = 0; i < ncl; i++)
			client_flush(cl[i]);
	} else
		for (i = 0; i < ndirty; i++)
			client_flush(dirty[i]);
	ndirty = 0;
	/* Clients dropped while flushing: a new batch with their LEAVEs. */
	while (nleaves > 0) {
		bat_reset();
		wake_gen++;
		nl = nleaves;
		nleaves = 0;
		for (i = 0; i < nl; i++) {
			n = snprintf(line, sizeof line, "LEAVE %" PRIu64
			    " %s %s\n", leaves[i].id, leaves[i].nick,
			    leaves[i].reason);
			bat_add(NULL, line, (size_t)n, false);
		}
		for (i = 0; i < ncl; i++)
			client_flush(cl[i]);
	}
}

/* Free the clients that died in this wakeup. */
static void
reap(void)
{
	struct client *c;

	while ((c = dead_list) != NULL) {
		dead_list = c->next_dead;
		cl[c->idx] = cl[--ncl];
		cl[c->idx]->idx = c->idx;
		free(c->carry);
		free(c->out);
		free(c);
	}
}

/* Once a second: free idle output buffers, listen again after EMFILE. */
static void
sweep(void)
{
	struct epoll_event ev;
	struct client *c;
	size_t i;

	for (i = 0; i < ncl; i++) {
		c = cl[i];
		if (c->out != NULL && c->out_len == 0 && !c->used) {
			free(c->out);
			c->out = NULL;
			c->out_cap = 0;
		}
		c->used = false;
	}
	if (!lfd_on) {
		ev.events = EPOLLIN;
		ev.data.ptr = NULL;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == 0)
			lfd_on = true;
	}
}

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void
usage(void)
{
	fprintf(stderr,
"usage: refserver [-1] [-a addr] [-p port] [-l logfile] [-H history]\n"
"                 [-m maxclients] [-s slowlimit-bytes]\n");
	exit(2);
}

static unsigned long long
num_arg(const char *s, unsigned long long lo, unsigned long long hi)
{
	unsigned long long v;
	char *e;

	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno != 0 || e == s || *e != '\0' || v < lo || v > hi)
		usage();
	return v;
}

static void
setup(void)
{
	struct addrinfo hints, *ai;
	struct epoll_event ev;
	struct sigaction sa;
	struct rlimit rl;
	int one = 1, e;

	if (!gcry_check_version(GCRYPT_VERSION))
		fatalx("libgcrypt version mismatch");
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	if (gcry_md_test_algo(GCRY_MD_MD5) != 0)
		fatalx("MD5 is not available (FIPS mode?)");

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
	if ((e = getaddrinfo(opt.addr, opt.port, &hints, &ai)) != 0)
		fatalx("%s port %s: %s", opt.addr, opt.port, gai_strerror(e));
	lfd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (lfd == -1)
		fatalx("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(lfd, ai->ai_addr, ai->ai_addrlen) == -1)
		fatalx("bind %s port %s: %s", opt.addr, opt.port,
		    strerror(errno));
	if (listen(lfd, SOMAXCONN) == -1)
		fatalx("listen: %s", strerror(errno));
	freeaddrinfo(ai);

	/* Listen first, so a failed start creates no log. */
	logfd = open(opt.logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644);
	if (logfd == -1)
		fatalx("%s: %s", opt.logfile, strerror(errno));
	log_size = lseek(logfd, 0, SEEK_END);

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatalx("epoll_create1: %s", strerror(errno));
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		fatalx("epoll_ctl: %s", strerror(errno));
	lfd_on = true;
	if (opt.history > 0) {
		hist = xrealloc(NULL, opt.history, sizeof *hist);
		hist_len = xrealloc(NULL, opt.history, sizeof *hist_len);
	}
}

int
main(int argc, char **argv)
{
	struct epoll_event evs[MAX_EVENTS];
	struct client *c;
	uint64_t now, last_sweep;
	bool want_accept;
	int ch, n, i;

	while ((ch = getopt(argc, argv, "1a:p:l:H:m:s:")) != -1) {
		switch (ch) {
		case '1': opt.log_each = true; break;
		case 'a': opt.addr = optarg; break;
		case 'p': num_arg(optarg, 1, 65535); opt.port = optarg; break;
		case 'l': opt.logfile = optarg; break;
		case 'H': opt.history = (unsigned)num_arg(optarg, 0, 10000);
			break;
		case 'm': opt.maxclients = num_arg(optarg, 1, 1000000); break;
		case 's': opt.slowlimit = num_arg(optarg, 4096, SIZE_MAX / 4);
			break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	setup();

	last_sweep = mono_ns();
	while (!quit) {
		n = epoll_wait(ep, evs, MAX_EVENTS, 1000);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatalx("epoll_wait: %s", strerror(errno));
		}
		wake_gen++;
		bat_reset();
		stamp_update();
		want_accept = false;
		for (i = 0; i < n; i++) {
			c = evs[i].data.ptr;
			if (c == NULL) {
				want_accept = true;
				continue;
			}
			if (c->dead)
				continue;
			if (evs[i].events & EPOLLOUT)
				mark_dirty(c);
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				client_read(c);
			if (c->quitting)
				mark_dirty(c);
		}
		commit();
		if (want_accept)
			accept_some();
		flush_all();
		reap();
		now = mono_ns();
		if (now - last_sweep >= SWEEP_NS) {
			sweep();
			last_sweep = now;
		}
	}
	for (i = 0; i < (int)ncl; i++)
		if (!cl[i]->dead) {
			(void)!write(cl[i]->fd, "BYE shutdown\n", 13);
			close(cl[i]->fd);
		}
	close(logfd);
	return 0;
}
