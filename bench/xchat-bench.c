/*
 * xchat-bench.c - load generator for the xchatd server.
 *
 * This file is part of xchat; see COPYING for the licence.
 *
 * Connects C clients at once, waits until every one has read its READY,
 * then lets S of them send MSG frames (at most W un-OK'd each, optionally
 * at a fixed total rate) for D seconds while every client reads everything.
 * It measures throughput, end-to-end latency (the text carries the send
 * time), connect time, the server's RSS and PING round trips, checks
 * digests, ordering and losses, and prints one key=value line on stdout.
 * With -T every client speaks the same protocol inside TLS 1.3 (a GnuTLS
 * client session, handshake in the epoll loop, no certificate check);
 * -H adds connections that send a ClientHello and then stall.
 *
 * Build:
 *	gcc -std=c11 -O2 -Wall -Wextra -D_GNU_SOURCE bench/xchat-bench.c \
 *	    $(pkg-config --cflags --libs libgcrypt gnutls) -lpthread -lm
 */

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <gcrypt.h>
#include <gnutls/gnutls.h>

#define RBUF_SIZE	(256 * 1024)	/* one read per wakeup, at most this */
#define MAX_FRAME	4096		/* protocol limit, CR and LF included */
#define MD5_HEX		32
#define FRAME_EXTRA	64		/* "MSG " seq " " md5 " " ... LF */
#define SMALL_OUT	8192		/* output buffer of a non-sender */
#define HIST_SUB	128		/* sub-buckets per octave: < 0.8% */
#define HIST_BUCKETS	(HIST_SUB * 58)
#define MAX_THREADS	16
#define MAX_ERR_LINES	20		/* stderr lines before going quiet */
#define CONNECT_TIMEOUT	60.0		/* seconds to get every READY */
#define DRAIN_TIMEOUT	2.0		/* seconds to wait for stragglers */
#define MIN_BYTES	24		/* "t=" + 20 digits + " " + 1 */
#define MAX_BYTES	4000
#define TLS_RECORD	16384		/* plaintext bytes in a TLS record */
#define TLS_PRIORITY	"NORMAL:-VERS-ALL:+VERS-TLS1.3"

enum phase { PH_CONNECT, PH_RUN, PH_DRAIN, PH_STOP };
enum role { R_RECV, R_SEND, R_PING, R_STALL };
enum cstate { CS_RETRY, CS_CONNECTING, CS_SHAKING, CS_WELCOME, CS_HELLO,
    CS_READY, CS_DEAD };

/* Log-linear histogram of nanosecond values. */
struct hist {
	uint64_t	count;
	uint64_t	max;
	uint64_t	b[HIST_BUCKETS];
};

struct options {
	const char	*host;
	const char	*port;
	unsigned	 clients;
	unsigned	 senders;
	unsigned	 bytes;
	double		 duration;
	unsigned	 window;
	double		 rate;
	unsigned	 ping_ms;
	long		 pid;
	bool		 quiet;
	unsigned	 threads;
	unsigned	 verify;
	bool		 tls;
	const char	*priority;
	unsigned	 stalls;
	unsigned	 stall_ms;
};

struct conn {
	int		 fd;
	enum role	 role;
	enum cstate	 state;
	unsigned	 num;		/* our number for it, from 1 */
	unsigned	 sidx;		/* sender index, 0 .. S-1 */
	uint64_t	 id;		/* ours, from WELCOME */
	uint64_t	 last_n;	/* last message number received */
	bool		 skipping;	/* discarding an oversize frame */
	bool		 want_out;	/* EPOLLOUT registered */
	char		*carry;		/* partial frame from the last read */
	size_t		 carry_len;
	char		*out;
	size_t		 out_off;
	size_t		 out_len;
	size_t		 out_cap;
	uint64_t	 seq_next;	/* next seq to send */
	uint64_t	 ack_next;	/* seq the next OK/NAK must carry */
	uint64_t	 sent;
	unsigned	 inflight;
	gnutls_session_t tls;		/* with -T, once connected */
	size_t		 tls_pend;	/* bytes of a record GnuTLS holds */
	uint64_t	 t_open;	/* a staller's start (or first start) */
};

struct stats {
	uint64_t	 accepted;
	uint64_t	 naks;
	uint64_t	 deliveries;
	uint64_t	 errors;
	uint64_t	 stall_started;	/* stalled handshakes begun */
	uint64_t	 stall_dropped;	/* of those, closed by the server */
	struct hist	 lat;
	struct hist	 ping;
};

struct worker {
	unsigned	 idx;
	int		 ep;
	int		 tfd_rate;	/* senders' pacing timer, or -1 */
	int		 tfd_ping;	/* ping client's timer, or -1 */
	struct conn	*conns;
	size_t		 nconns;
	struct conn	*ping;		/* the extra PING client, or NULL */
	struct conn	*stalls;	/* -H connections (worker 0) */
	size_t		 nstalls;
	enum phase	 phase;
	char		*rbuf;
	char		*text;		/* message text being built */
	uint64_t	 nverify;
	uint64_t	 inflight;	/* sum over our senders */
	uint64_t	 t_first_connect;
	uint64_t	 t_last_ready;
	struct stats	 st;
	pthread_t	 thr;

	/*
	 * Copies of the counters for the main thread's eyes, stored in this
	 * order, the last two with release: a reader that loads p_phase,
	 * then p_inflight, then the others (acquire) never sees an older
	 * count than the in-flight figure or the phase it goes with.
	 */
	_Atomic uint64_t p_accepted;
	_Atomic uint64_t p_deliveries;
	_Atomic uint64_t p_inflight;
	_Atomic int	 p_phase;
};

static struct options opt = {
	.host = "127.0.0.1", .port = "12345", .clients = 50, .senders = 5,
	.bytes = 100, .duration = 10, .window = 64, .rate = 0, .ping_ms = 0,
	.pid = 0, .quiet = false, .threads = 1, .verify = 16, .tls = false,
	.priority = TLS_PRIORITY, .stalls = 0, .stall_ms = 0
};

/* State shared by the main thread and the workers. */
static struct {
	_Atomic int		 phase;
	_Atomic unsigned	 ready;
	_Atomic unsigned	 dead;
	_Atomic int		 errlines;
	uint64_t		 t_start;	/* written before PH_RUN */
	struct addrinfo		*ai;		/* the first server's */
	struct addrinfo		*ais[16];	/* -p P1,P2: a cluster's */
	unsigned		 nai;
	gnutls_certificate_credentials_t cred;	/* with -T or -H */
	gnutls_priority_t	 prio;
	_Atomic int		 cipher;	/* of the first session */
} g;

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
sleep_ns(uint64_t ns)
{
	struct timespec ts = { ns / 1000000000u, ns % 1000000000u };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Print one diagnostic line on stderr, at most MAX_ERR_LINES in all. */
static void
errmsg(const char *fmt, ...)
{
	va_list ap;
	int n;

	n = atomic_fetch_add(&g.errlines, 1);
	if (n > MAX_ERR_LINES)
		return;
	if (n == MAX_ERR_LINES) {
		fprintf(stderr, "xchat-bench: further errors not shown\n");
		return;
	}
	fprintf(stderr, "xchat-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
fatalx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xchat-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n, size)) == NULL)
		fatalx("out of memory");
	return p;
}

/* Bucket of value v: exact below 2*HIST_SUB, then HIST_SUB per octave. */
static unsigned
hist_bucket(uint64_t v)
{
	unsigned e;

	if (v < 2 * HIST_SUB)
		return (unsigned)v;
	e = 63 - (unsigned)__builtin_clzll(v) - 7;
	return HIST_SUB * (e + 1) + (unsigned)((v >> e) - HIST_SUB);
}

/* Middle of the range of values that fall in bucket i. */
static double
hist_value(unsigned i)
{
	unsigned e;
	uint64_t m;

	if (i < 2 * HIST_SUB)
		return i;
	e = i / HIST_SUB - 1;
	m = i % HIST_SUB + HIST_SUB;
	return ((double)(m << e) + (double)((m + 1) << e)) / 2;
}

static void
hist_add(struct hist *h, uint64_t v)
{
	h->b[hist_bucket(v)]++;
	h->count++;
	if (v > h->max)
		h->max = v;
}

static void
hist_merge(struct hist *to, const struct hist *from)
{
	unsigned i;

	for (i = 0; i < HIST_BUCKETS; i++)
		to->b[i] += from->b[i];
	to->count += from->count;
	if (from->max > to->max)
		to->max = from->max;
}

/* The p-quantile (0 < p <= 1) of h in nanoseconds; h must not be empty. */
static double
hist_quantile(const struct hist *h, double p)
{
	uint64_t want, seen = 0;
	unsigned i;
	double v;

	want = (uint64_t)ceil(p * (double)h->count);
	if (want == 0)
		want = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want)
			break;
	}
	v = hist_value(i);
	return v > (double)h->max ? (double)h->max : v;
}

/* Write the lower-case hex MD5 of buf into hex (33 bytes with the NUL). */
static void
md5_hex(const void *buf, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char d[16];
	int i;

	gcry_md_hash_buffer(GCRY_MD_MD5, d, buf, len);
	for (i = 0; i < 16; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[MD5_HEX] = '\0';
}

/* Parse a decimal field at *pp, then skip one space; false if none. */
static bool
take_u64(char **pp, uint64_t *v)
{
	char *p = *pp;
	uint64_t n = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		n = n * 10 + (uint64_t)(*p++ - '0');
	if (*p == ' ')
		p++;
	else if (*p != '\0')
		return false;
	*pp = p;
	*v = n;
	return true;
}

static void	conn_read(struct worker *, struct conn *);
static void	stall_close(struct conn *);

static void
conn_count_error(struct worker *w)
{
	w->st.errors++;
}

static void
set_out_interest(struct worker *w, struct conn *c, bool want)
{
	struct epoll_event ev;

	if (c->want_out == want)
		return;
	ev.events = EPOLLIN | (want ? EPOLLOUT : 0);
	ev.data.ptr = c;
	if (epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		fatalx("epoll_ctl: %s", strerror(errno));
	c->want_out = want;
}

/*
 * Close c after a failure and count it as an error. A client lost before
 * READY also counts as dead, which ends the connect phase.
 */
static void
conn_kill(struct worker *w, struct conn *c, const char *why)
{
	if (c->state == CS_DEAD)
		return;
	if (w->phase != PH_STOP) {
		errmsg("client %u: %s", c->num, why);
		conn_count_error(w);
	}
	if (c->state != CS_READY)
		atomic_fetch_add(&g.dead, 1);
	if (c->tls != NULL)
		gnutls_deinit(c->tls);
	c->tls = NULL;
	c->tls_pend = 0;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->state = CS_DEAD;
	w->inflight -= c->inflight;
	c->inflight = 0;
}

/*
 * One TLS record of up to TLS_RECORD bytes from buf, like write(2). A
 * record GnuTLS could not send at once (EAGAIN) stays in GnuTLS: it is
 * not counted as written until a later call (with no data, as GnuTLS
 * asks) has sent it; the caller keeps those bytes and calls again.
 */
static ssize_t
tls_write(struct conn *c, const char *buf, size_t len)
{
	ssize_t r;
	size_t n;

	if (c->tls_pend > 0) {
		r = gnutls_record_send(c->tls, NULL, 0);
		n = c->tls_pend;
	} else {
		n = len < TLS_RECORD ? len : TLS_RECORD;
		r = gnutls_record_send(c->tls, buf, n);
	}
	if (r >= 0) {
		c->tls_pend = 0;
		return (ssize_t)n;
	}
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
		c->tls_pend = n;
		errno = EAGAIN;
		return -1;
	}
	errno = r == GNUTLS_E_PUSH_ERROR ? EPIPE : EPROTO;
	return -1;
}

/* Write what c has queued, as much as the socket takes. */
static void
conn_flush(struct worker *w, struct conn *c)
{
	ssize_t r;

	while (c->out_off < c->out_len) {
		if (c->tls != NULL)
			r = tls_write(c, c->out + c->out_off,
			    c->out_len - c->out_off);
		else
			r = write(c->fd, c->out + c->out_off,
			    c->out_len - c->out_off);
		if (r > 0) {
			c->out_off += (size_t)r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EAGAIN)
			break;
		conn_kill(w, c, r == 0 ? "write returned 0" : strerror(errno));
		return;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	set_out_interest(w, c, c->out_len != 0);
}

/* Make room for len more bytes of output; false if there is none. */
static bool
conn_room(struct conn *c, size_t len)
{
	if (c->out == NULL) {
		c->out_cap = SMALL_OUT;
		c->out = xcalloc(1, c->out_cap);
	}
	if (c->out_off > 0 && c->out_len + len > c->out_cap) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	return c->out_len + len <= c->out_cap;
}

/* Queue one small frame (a PING or a PONG) and send it. */
static void
conn_send_line(struct worker *w, struct conn *c, const char *verb,
    const char *arg)
{
	size_t len = strlen(verb) + strlen(arg) + 2;

	if (!conn_room(c, len)) {
		errmsg("client %u: output full, %s dropped", c->num,
		    verb);
		conn_count_error(w);
		return;
	}
	c->out_len += (size_t)sprintf(c->out + c->out_len, "%s %s\n", verb,
	    arg);
	conn_flush(w, c);
}

/* Start a non-blocking connect; on EAGAIN leave c to be retried. */
static void
conn_start(struct worker *w, struct conn *c)
{
	/* Over a cluster's servers (-p P1,P2) in turn. */
	struct addrinfo *ai = g.ais[c->num % g.nai];
	struct epoll_event ev;
	int fd, one = 1;

	if (w->t_first_connect == 0)
		w->t_first_connect = mono_ns();
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE)
			fatalx("socket: %s (raise the open file limit)",
			    strerror(errno));
		fatalx("socket: %s", strerror(errno));
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1 &&
	    errno != EINPROGRESS) {
		if (errno == EAGAIN || errno == EINTR) {
			close(fd);
			c->state = CS_RETRY;
			return;
		}
		c->fd = -1;
		close(fd);
		conn_kill(w, c, strerror(errno));
		return;
	}
	c->fd = fd;
	c->state = CS_CONNECTING;
	ev.events = EPOLLOUT;
	ev.data.ptr = c;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		fatalx("epoll_ctl: %s", strerror(errno));
	c->want_out = true;
}

/* A GnuTLS client session over c->fd (TLS 1.3, no certificate check). */
static bool
tls_session(struct conn *c)
{
	if (gnutls_init(&c->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK |
	    GNUTLS_NO_SIGNAL) < 0) {
		c->tls = NULL;
		return false;
	}
	if (gnutls_priority_set(c->tls, g.prio) < 0 ||
	    gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE,
	    g.cred) < 0) {
		gnutls_deinit(c->tls);
		c->tls = NULL;
		return false;
	}
	gnutls_transport_set_int(c->tls, c->fd);
	return true;
}

/*
 * Carry c's TLS handshake on; once done, wait for WELCOME like a plain
 * client (the server may already have sent it: read at once).
 */
static void
conn_shake(struct worker *w, struct conn *c)
{
	char why[128];
	int r;

	r = gnutls_handshake(c->tls);
	if (r == GNUTLS_E_SUCCESS) {
		c->state = CS_WELCOME;
		set_out_interest(w, c, false);
		atomic_store(&g.cipher, (int)gnutls_cipher_get(c->tls));
		conn_read(w, c);
		return;
	}
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED ||
	    !gnutls_error_is_fatal(r)) {
		set_out_interest(w, c, gnutls_record_get_direction(c->tls));
		return;
	}
	snprintf(why, sizeof why, "TLS handshake: %s", gnutls_strerror(r));
	conn_kill(w, c, why);
}

/* A connect finished (or failed): move on to waiting for WELCOME. */
static void
conn_connected(struct worker *w, struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		conn_kill(w, c, strerror(err));
		return;
	}
	if (opt.tls) {
		if (!tls_session(c)) {
			conn_kill(w, c, "cannot set up a TLS session");
			return;
		}
		c->state = CS_SHAKING;
		conn_shake(w, c);
		return;
	}
	c->state = CS_WELCOME;
	set_out_interest(w, c, false);
}

/* How many messages sender c should have sent by now at the fixed rate. */
static uint64_t
sender_due(const struct conn *c, uint64_t now)
{
	double per = opt.rate / opt.senders, x;

	if (now < g.t_start)
		return 0;
	/* Sender i's k-th message is due at (k + i/S) / per seconds. */
	x = (double)(now - g.t_start) / 1e9 * per -
	    (double)c->sidx / opt.senders;
	return x < 0 ? 0 : (uint64_t)x + 1;
}

/*
 * Queue as many MSG frames as the window (and the rate) allows and send
 * them in one write. The text starts with the send time.
 */
static void
sender_fill(struct worker *w, struct conn *c, uint64_t now)
{
	char hdr[64], hex[MD5_HEX + 1];
	uint64_t n, due, fit;
	size_t frame = opt.bytes + FRAME_EXTRA;
	int hl;

	if (w->phase != PH_RUN || c->state != CS_READY)
		return;
	n = opt.window - c->inflight;
	if (opt.rate > 0) {
		due = sender_due(c, now);
		n = due > c->sent ? (n < due - c->sent ? n : due - c->sent) : 0;
	}
	if (n == 0)
		return;
	conn_room(c, frame);
	fit = (c->out_cap - c->out_len) / frame;
	if (n > fit)
		n = fit;
	for (; n > 0; n--) {
		hl = snprintf(hdr, sizeof hdr, "t=%" PRIu64 " s=%u q=%" PRIu64
		    " ", now, c->sidx, c->seq_next);
		memcpy(w->text, hdr, (size_t)hl < opt.bytes ?
		    (size_t)hl : opt.bytes);
		md5_hex(w->text, opt.bytes, hex);
		c->out_len += (size_t)sprintf(c->out + c->out_len,
		    "MSG %" PRIu64 " %s ", c->seq_next, hex);
		memcpy(c->out + c->out_len, w->text, opt.bytes);
		c->out_len += opt.bytes;
		c->out[c->out_len++] = '\n';
		c->seq_next++;
		c->sent++;
		c->inflight++;
		w->inflight++;
	}
	conn_flush(w, c);
}

/* The PING client's timer fired: send one PING carrying the time. */
static void
ping_send(struct worker *w, uint64_t now)
{
	char tok[32];

	if (w->phase != PH_RUN || w->ping->state != CS_READY)
		return;
	snprintf(tok, sizeof tok, "%" PRIu64, now);
	conn_send_line(w, w->ping, "PING", tok);
}

/* A MSG relayed by the server: count, check and time it. */
static void
on_msg(struct worker *w, struct conn *c, char *p, uint64_t now)
{
	char hex[MD5_HEX + 1], *md5, *text, *sp;
	uint64_t n, from, ts;
	size_t tlen;

	if (c->state != CS_READY || c->role == R_PING)
		return;		/* history, or the PING client's copy */
	if (!take_u64(&p, &n) || !take_u64(&p, &from) ||
	    (sp = strchr(p, ' ')) == NULL) {
		errmsg("client %u: malformed MSG", c->num);
		conn_count_error(w);
		return;
	}
	md5 = sp + 1;
	if (strlen(md5) < MD5_HEX + 2 || md5[MD5_HEX] != ' ') {
		errmsg("client %u: malformed MSG %" PRIu64, c->num, n);
		conn_count_error(w);
		return;
	}
	text = md5 + MD5_HEX + 1;
	tlen = strlen(text);
	w->st.deliveries++;
	if (n <= c->last_n) {
		errmsg("client %u: MSG %" PRIu64 " after %" PRIu64,
		    c->num, n, c->last_n);
		conn_count_error(w);
	}
	c->last_n = n;
	if (from == c->id) {
		errmsg("client %u: got its own MSG %" PRIu64, c->num, n);
		conn_count_error(w);
	}
	if (tlen != opt.bytes) {
		errmsg("client %u: MSG %" PRIu64 " has %zu bytes",
		    c->num, n, tlen);
		conn_count_error(w);
	}
	if (opt.verify != 0 && ++w->nverify % opt.verify == 0) {
		md5_hex(text, tlen, hex);
		if (strncasecmp(hex, md5, MD5_HEX) != 0) {
			errmsg("client %u: MSG %" PRIu64
			    " digest mismatch", c->num, n);
			conn_count_error(w);
		}
	}
	text += 2;
	if (text[-2] == 't' && text[-1] == '=' && take_u64(&text, &ts))
		hist_add(&w->st.lat, now > ts ? now - ts : 0);
}

/* OK or NAK for one of sender c's messages: they come back in order. */
static void
on_ack(struct worker *w, struct conn *c, bool ok, char *p)
{
	uint64_t seq;

	if (c->role != R_SEND || !take_u64(&p, &seq) || c->inflight == 0) {
		errmsg("client %u: unexpected %s", c->num,
		    ok ? "OK" : "NAK");
		conn_count_error(w);
		return;
	}
	if (seq != c->ack_next) {
		errmsg("client %u: %s %" PRIu64 ", expected %" PRIu64,
		    c->num, ok ? "OK" : "NAK", seq, c->ack_next);
		conn_count_error(w);
	}
	c->ack_next = seq + 1;
	c->inflight--;
	w->inflight--;
	if (ok)
		w->st.accepted++;
	else {
		w->st.naks++;
		errmsg("client %u: NAK %" PRIu64 " %s", c->num, seq, p);
	}
}

/* Dispatch one frame (NUL-terminated, without CR/LF) received on c. */
static void
on_frame(struct worker *w, struct conn *c, char *f, uint64_t now)
{
	char *arg = strchr(f, ' ');
	uint64_t v;

	if (arg != NULL)
		*arg++ = '\0';
	else
		arg = f + strlen(f);
	if (strcmp(f, "MSG") == 0)
		on_msg(w, c, arg, now);
	else if (strcmp(f, "OK") == 0)
		on_ack(w, c, true, arg);
	else if (strcmp(f, "NAK") == 0)
		on_ack(w, c, false, arg);
	else if (strcmp(f, "PONG") == 0 && c->role == R_PING) {
		if (take_u64(&arg, &v) && v <= now)
			hist_add(&w->st.ping, now - v);
	} else if (strcmp(f, "PING") == 0)
		conn_send_line(w, c, "PONG", arg);
	else if (strcmp(f, "WELCOME") == 0 && c->state == CS_WELCOME) {
		if (!take_u64(&arg, &c->id))
			conn_kill(w, c, "malformed WELCOME");
		else
			c->state = CS_HELLO;
	} else if (strcmp(f, "READY") == 0 && c->state == CS_HELLO) {
		c->state = CS_READY;
		w->t_last_ready = now;
		atomic_fetch_add(&g.ready, 1);
	} else if (strcmp(f, "BYE") == 0) {
		conn_kill(w, c, arg[0] == '\0' ? "BYE" : arg);
	} else if (strcmp(f, "ERR") == 0) {
		errmsg("client %u: ERR %s", c->num, arg);
		conn_count_error(w);
	} else if (strcmp(f, "USER") != 0 && strcmp(f, "JOIN") != 0 &&
	    strcmp(f, "LEAVE") != 0 && strcmp(f, "NICK") != 0) {
		errmsg("client %u: unexpected frame %.40s", c->num, f);
		conn_count_error(w);
	}
}

/*
 * Split the worker's buffer (len bytes: c's carried partial frame, then
 * what was read) on LF and handle the frames; keep the partial frame at
 * the end. False if c died meanwhile.
 */
static bool
conn_frames(struct worker *w, struct conn *c, size_t len, uint64_t now)
{
	char *p, *e, *lf, *end;
	size_t rest;

	p = w->rbuf;
	end = p + len;
	while ((lf = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		e = lf;
		if (e > p && e[-1] == '\r')
			e--;
		*e = '\0';
		if (c->skipping)
			c->skipping = false;
		else if (lf + 1 - p > MAX_FRAME) {
			errmsg("client %u: frame too long", c->num);
			conn_count_error(w);
		} else if (e > p)
			on_frame(w, c, p, now);
		if (c->state == CS_DEAD)
			return false;
		p = lf + 1;
	}
	rest = (size_t)(end - p);
	c->carry_len = 0;
	if (c->skipping) {
		/* Still inside an oversize frame: drop what we have. */
	} else if (rest >= MAX_FRAME) {
		errmsg("client %u: frame too long", c->num);
		conn_count_error(w);
		c->skipping = true;
	} else {
		memcpy(c->carry, p, rest);
		c->carry_len = rest;
	}
	return true;
}

/*
 * Read from c's TLS session: records into the worker's buffer after the
 * carried bytes while there is room for a whole one (about what one
 * read(2) takes in plain mode), then the frames; again as long as
 * GnuTLS holds decrypted bytes, since the socket will not wake epoll
 * for them (stopping there would leave them until more data arrives).
 * Undecrypted bytes still in the socket wake epoll as usual.
 */
static void
conn_read_tls(struct worker *w, struct conn *c)
{
	char why[128];
	size_t have, got;
	ssize_t r;
	uint64_t now;

	do {
		have = c->carry_len;
		memcpy(w->rbuf, c->carry, have);
		got = 0;
		while (RBUF_SIZE - have - got >= TLS_RECORD) {
			r = gnutls_record_recv(c->tls, w->rbuf + have + got,
			    RBUF_SIZE - have - got);
			if (r > 0) {
				got += (size_t)r;
				continue;
			}
			if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
				break;
			if (r == 0 || r == GNUTLS_E_PREMATURE_TERMINATION) {
				/* Handle what came before the end first. */
				if (got == 0 || conn_frames(w, c, have + got,
				    mono_ns()))
					conn_kill(w, c, "connection closed "
					    "by the server");
				return;
			}
			if (gnutls_error_is_fatal((int)r)) {
				snprintf(why, sizeof why, "TLS: %s",
				    gnutls_strerror((int)r));
				conn_kill(w, c, why);
				return;
			}
		}
		if (got == 0)
			break;
		now = mono_ns();
		if (!conn_frames(w, c, have + got, now))
			return;
		if (c->role == R_SEND)
			sender_fill(w, c, now);
		if (c->state == CS_DEAD)
			return;
	} while (gnutls_record_check_pending(c->tls) > 0);
}

/* Read from c into the worker's big buffer, then split it on LF. */
static void
conn_read(struct worker *w, struct conn *c)
{
	size_t have = c->carry_len;
	ssize_t r;
	uint64_t now;

	if (c->tls != NULL) {
		conn_read_tls(w, c);
		return;
	}
	memcpy(w->rbuf, c->carry, have);
	r = read(c->fd, w->rbuf + have, RBUF_SIZE - have);
	if (r == 0) {
		conn_kill(w, c, "connection closed by the server");
		return;
	}
	if (r == -1) {
		if (errno != EAGAIN && errno != EINTR)
			conn_kill(w, c, strerror(errno));
		return;
	}
	now = mono_ns();
	if (!conn_frames(w, c, have + (size_t)r, now))
		return;
	if (c->role == R_SEND)
		sender_fill(w, c, now);
}

static void
timer_set(int fd, uint64_t first_ns, uint64_t every_ns)
{
	struct itimerspec its;

	its.it_value.tv_sec = first_ns / 1000000000u;
	its.it_value.tv_nsec = first_ns % 1000000000u;
	its.it_interval.tv_sec = every_ns / 1000000000u;
	its.it_interval.tv_nsec = every_ns % 1000000000u;
	if (timerfd_settime(fd, 0, &its, NULL) == -1)
		fatalx("timerfd_settime: %s", strerror(errno));
}

static int
timer_new(struct worker *w, int *self)
{
	struct epoll_event ev;
	int fd;

	if ((fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
	    TFD_CLOEXEC)) == -1)
		fatalx("timerfd_create: %s", strerror(errno));
	ev.events = EPOLLIN;
	ev.data.ptr = self;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		fatalx("epoll_ctl: %s", strerror(errno));
	return fd;
}

/* The main thread moved to phase ph: start or stop sending. */
static void
worker_enter(struct worker *w, enum phase ph, uint64_t now)
{
	uint64_t every;
	size_t i;

	w->phase = ph;
	if (ph == PH_RUN) {
		if (w->tfd_rate != -1) {
			every = (uint64_t)(1e9 / opt.rate);
			if (every < 100000)
				every = 100000;
			timer_set(w->tfd_rate, 1, every);
		}
		if (w->tfd_ping != -1)
			timer_set(w->tfd_ping, opt.ping_ms * 1000000ull,
			    opt.ping_ms * 1000000ull);
		for (i = 0; i < w->nconns; i++)
			if (w->conns[i].role == R_SEND)
				sender_fill(w, &w->conns[i], now);
		for (i = 0; i < w->nstalls; i++)
			w->stalls[i].t_open = now + opt.stall_ms * 1000000ull *
			    i / w->nstalls;
	} else if (ph == PH_DRAIN) {
		if (w->tfd_rate != -1)
			timer_set(w->tfd_rate, 0, 0);
		if (w->tfd_ping != -1)
			timer_set(w->tfd_ping, 0, 0);
		for (i = 0; i < w->nstalls; i++)
			stall_close(&w->stalls[i]);
	}
}

/* Handle a wakeup on one of the timers. */
static void
worker_timer(struct worker *w, int fd, uint64_t now)
{
	uint64_t ticks;
	size_t i;

	if (read(fd, &ticks, sizeof ticks) != sizeof ticks)
		return;
	if (fd == w->tfd_ping) {
		ping_send(w, now);
		return;
	}
	for (i = 0; i < w->nconns; i++)
		if (w->conns[i].role == R_SEND)
			sender_fill(w, &w->conns[i], now);
}

/*
 * Stalled handshakes (-H): connections that send a ClientHello and then
 * never read or write again, so that the server has that many
 * handshakes in progress during the sending period. A staller the
 * server drops (its handshake timeout) is replaced at once. With -J
 * each one is also replaced that many ms after it started, and the
 * first starts are spread evenly over the first J ms: after that, H
 * handshakes are in progress and H new ones start every J ms, evenly.
 * Without -J all start at once when the sending begins.
 */
static void
stall_close(struct conn *c)
{
	if (c->tls != NULL)
		gnutls_deinit(c->tls);
	c->tls = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->state = CS_RETRY;
}

static void
stall_start(struct worker *w, struct conn *c)
{
	struct addrinfo *ai = g.ai;
	struct epoll_event ev;
	int fd;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		fatalx("socket: %s", strerror(errno));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		c->state = CS_RETRY;	/* try again next time round */
		return;
	}
	c->fd = fd;
	c->state = CS_CONNECTING;
	ev.events = EPOLLOUT;
	ev.data.ptr = c;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		fatalx("epoll_ctl: %s", strerror(errno));
}

/* An event on a staller: connected (send the hello), or dropped. */
static void
stall_event(struct worker *w, struct conn *c, uint32_t events, uint64_t now)
{
	struct epoll_event ev;
	int err = 0, r;
	socklen_t len = sizeof err;

	if (c->state == CS_CONNECTING && !(events & (EPOLLHUP | EPOLLERR))) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
		    err == 0 && tls_session(c)) {
			r = gnutls_handshake(c->tls);	/* the ClientHello */
			if (r == GNUTLS_E_AGAIN) {
				c->state = CS_SHAKING;
				c->t_open = now;
				w->st.stall_started++;
				/* Only hear about the server closing it. */
				ev.events = EPOLLRDHUP;
				ev.data.ptr = c;
				if (epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd,
				    &ev) == -1)
					fatalx("epoll_ctl: %s",
					    strerror(errno));
				return;
			}
		}
	} else if (c->state == CS_SHAKING)
		w->st.stall_dropped++;
	stall_close(c);
	c->t_open = now;
	if (w->phase == PH_RUN)
		stall_start(w, c);
}

/* Start the stallers that are not running; replace the old ones (-J). */
static void
stall_tick(struct worker *w, uint64_t now)
{
	struct conn *c;
	size_t i;

	for (i = 0; i < w->nstalls; i++) {
		c = &w->stalls[i];
		if (c->state == CS_RETRY && now < c->t_open)
			continue;	/* its first start is not due yet */
		if (c->state == CS_SHAKING && opt.stall_ms > 0 &&
		    now - c->t_open >= opt.stall_ms * 1000000ull) {
			stall_close(c);
			c->t_open = now;
		}
		if (c->state == CS_RETRY)
			stall_start(w, c);
	}
}

/* Show our counters and phase to the main thread (see struct worker). */
static void
worker_publish(struct worker *w)
{
	atomic_store_explicit(&w->p_accepted, w->st.accepted,
	    memory_order_relaxed);
	atomic_store_explicit(&w->p_deliveries, w->st.deliveries,
	    memory_order_relaxed);
	atomic_store_explicit(&w->p_inflight, w->inflight,
	    memory_order_release);
	atomic_store_explicit(&w->p_phase, (int)w->phase,
	    memory_order_release);
}

/* One thread: its own epoll over its share of the clients. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event evs[256];
	struct conn *c;
	enum phase ph;
	uint64_t now;
	size_t i;
	int n, k;

	for (i = 0; i < w->nconns; i++)
		conn_start(w, &w->conns[i]);
	for (;;) {
		ph = atomic_load(&g.phase);
		if (ph != w->phase)
			worker_enter(w, ph, mono_ns());
		if (ph == PH_STOP)
			break;
		n = epoll_wait(w->ep, evs, 256, 10);
		if (n == -1 && errno != EINTR)
			fatalx("epoll_wait: %s", strerror(errno));
		now = mono_ns();
		for (k = 0; k < n; k++) {
			if (evs[k].data.ptr == &w->tfd_rate ||
			    evs[k].data.ptr == &w->tfd_ping) {
				worker_timer(w, *(int *)evs[k].data.ptr, now);
				continue;
			}
			c = evs[k].data.ptr;
			if (c->role == R_STALL) {
				stall_event(w, c, evs[k].events, now);
				continue;
			}
			if (c->state == CS_CONNECTING)
				conn_connected(w, c);
			else if (c->state == CS_SHAKING) {
				conn_shake(w, c);
				continue;
			} else if (c->state == CS_DEAD)
				continue;
			else if (evs[k].events & EPOLLOUT) {
				conn_flush(w, c);
				if (c->role == R_SEND)
					sender_fill(w, c, now);
			}
			if (c->state != CS_DEAD && c->state != CS_SHAKING &&
			    evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				conn_read(w, c);
		}
		if (w->phase == PH_CONNECT)
			for (i = 0; i < w->nconns; i++)
				if (w->conns[i].state == CS_RETRY)
					conn_start(w, &w->conns[i]);
		if (w->phase == PH_RUN && w->nstalls > 0)
			stall_tick(w, now);
		worker_publish(w);
	}
	return NULL;
}

/* VmRSS of process pid in KiB, or -1. */
static long
read_rss(long pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* CPU seconds (user + system) process pid has used so far, or -1. */
static double
read_cpu(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	ssize_t n;
	int fd;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* After the command name, which may hold anything: field 3 on. */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 2, "%*c %*d %*d "
	    "%*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds this process has used so far. */
static double
self_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void
usage(void)
{
	fprintf(stderr,
"usage: xchat-bench [-q] [-h host] [-p port] [-c clients] [-s senders]\n"
"                   [-b bytes] [-d seconds] [-w window] [-r rate]\n"
"                   [-P ping-ms] [-x server-pid] [-t threads] [-v every]\n"
"                   [-T] [-C priority] [-H stalls] [-J ms]\n"
"  -h host     server address (127.0.0.1)\n"
"  -p port     server port (12345); P1,P2,...: the servers of a cluster,\n"
"              the clients spread over them in turn\n"
"  -c clients  clients to connect (50)\n"
"  -s senders  how many of them send (5)\n"
"  -b bytes    bytes of text per message, %d to %d (100)\n"
"  -d seconds  how long to send once all are READY (10)\n"
"  -w window   un-OK'd messages per sender at most (64)\n"
"  -r rate     total messages per second, 0 = as fast as possible (0)\n"
"  -P ms       one extra client PINGs every ms milliseconds (0 = off)\n"
"  -x pid      read the server's VmRSS from /proc/pid/status\n"
"  -t threads  threads sharing the clients, 1 to %d (1)\n"
"  -v every    verify the digest of every n-th delivery, 0 = none (16)\n"
"  -T          every client over TLS 1.3 (GnuTLS, no certificate check)\n"
"  -C priority GnuTLS priority string of the TLS clients\n"
"              (NORMAL:-VERS-ALL:+VERS-TLS1.3)\n"
"  -H stalls   that many extra TLS connections send a ClientHello and\n"
"              stall while the clients send (0)\n"
"  -J ms       replace each stalled handshake ms after it started, the\n"
"              first starts spread over ms; 0 = all start at once and\n"
"              are replaced only when the server drops them (0)\n"
"  -q          no progress lines on stderr\n",
	    MIN_BYTES, MAX_BYTES, MAX_THREADS);
	exit(2);
}

/* Parse an unsigned option value in [lo, hi] or die with the usage. */
static unsigned long
num_arg(const char *s, unsigned long lo, unsigned long hi)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-' || v < lo ||
	    v > hi)
		usage();
	return v;
}

static double
real_arg(const char *s, double lo)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo) || isinf(v))
		usage();
	return v;
}

static void
parse_options(int argc, char **argv)
{
	int ch;

	while ((ch = getopt(argc, argv, "h:p:c:s:b:d:w:r:P:x:t:v:qTC:H:J:")) !=
	    -1) {
		switch (ch) {
		case 'h': opt.host = optarg; break;
		case 'p': opt.port = optarg; break;
		case 'c': opt.clients = num_arg(optarg, 1, 1000000); break;
		case 's': opt.senders = num_arg(optarg, 0, 1000000); break;
		case 'b':
			opt.bytes = num_arg(optarg, MIN_BYTES, MAX_BYTES);
			break;
		case 'd': opt.duration = real_arg(optarg, 0.001); break;
		case 'w': opt.window = num_arg(optarg, 1, 1000000); break;
		case 'r': opt.rate = real_arg(optarg, 0); break;
		case 'P': opt.ping_ms = num_arg(optarg, 0, 3600000); break;
		case 'x': opt.pid = (long)num_arg(optarg, 1, 1L << 30); break;
		case 't': opt.threads = num_arg(optarg, 1, MAX_THREADS); break;
		case 'v': opt.verify = num_arg(optarg, 0, 1000000); break;
		case 'q': opt.quiet = true; break;
		case 'T': opt.tls = true; break;
		case 'C': opt.priority = optarg; break;
		case 'H': opt.stalls = num_arg(optarg, 0, 100000); break;
		case 'J': opt.stall_ms = num_arg(optarg, 0, 3600000); break;
		default: usage();
		}
	}
	if (optind != argc || opt.senders > opt.clients)
		usage();
	if (opt.threads > opt.clients)
		opt.threads = opt.clients;
}

/* The TLS clients' shared credentials (none: no check) and priorities. */
static void
tls_setup(void)
{
	const char *where = NULL;
	int r;

	if (gnutls_check_version("3.6.5") == NULL)
		fatalx("GnuTLS %s is too old", gnutls_check_version(NULL));
	if ((r = gnutls_global_init()) < 0 ||
	    (r = gnutls_certificate_allocate_credentials(&g.cred)) < 0)
		fatalx("GnuTLS: %s", gnutls_strerror(r));
	if ((r = gnutls_priority_init(&g.prio, opt.priority, &where)) < 0)
		fatalx("priority %s: %s at \"%s\"", opt.priority,
		    gnutls_strerror(r), where != NULL ? where : "");
}

static void
resolve(void)
{
	struct addrinfo hints;
	int e;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	char ports[256], *p, *save = NULL;

	snprintf(ports, sizeof ports, "%s", opt.port);
	for (p = strtok_r(ports, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		if (g.nai == sizeof g.ais / sizeof g.ais[0])
			fatalx("-p: at most %zu ports",
			    sizeof g.ais / sizeof g.ais[0]);
		if ((e = getaddrinfo(opt.host, p, &hints, &g.ais[g.nai])) != 0)
			fatalx("%s port %s: %s", opt.host, p, gai_strerror(e));
		g.nai++;
	}
	if (g.nai == 0)
		fatalx("-p: no port");
	g.ai = g.ais[0];
}

/* Share the clients out among the workers, senders spread evenly. */
static struct worker *
workers_create(void)
{
	struct worker *ws, *w;
	struct conn *c;
	unsigned i, t, n;
	size_t outcap;

	ws = xcalloc(opt.threads, sizeof *ws);
	for (t = 0; t < opt.threads; t++) {
		w = &ws[t];
		w->idx = t;
		n = opt.clients / opt.threads +
		    (t < opt.clients % opt.threads) + (t == 0 && opt.ping_ms);
		w->conns = xcalloc(n, sizeof *w->conns);
		w->rbuf = xcalloc(1, RBUF_SIZE);
		w->text = xcalloc(1, opt.bytes);
		for (i = 0; i < opt.bytes; i++)
			w->text[i] = "abcdefghijklmnopqrstuvwxyz0123456789"
			    [i % 36];
		if ((w->ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
			fatalx("epoll_create1: %s", strerror(errno));
		w->tfd_rate = w->tfd_ping = -1;
	}
	outcap = (size_t)opt.window * (opt.bytes + FRAME_EXTRA) + SMALL_OUT;
	for (i = 0; i < opt.clients + (opt.ping_ms > 0); i++) {
		w = i == opt.clients ? &ws[0] : &ws[i % opt.threads];
		c = &w->conns[w->nconns++];
		c->fd = -1;
		c->num = i + 1;
		c->carry = xcalloc(1, MAX_FRAME);
		c->seq_next = c->ack_next = 1;
		if (i == opt.clients) {
			c->role = R_PING;
			w->ping = c;
			w->tfd_ping = timer_new(w, &w->tfd_ping);
		} else if (i < opt.senders) {
			c->role = R_SEND;
			c->sidx = i;
			c->out_cap = outcap;
			c->out = xcalloc(1, outcap);
			if (opt.rate > 0 && w->tfd_rate == -1)
				w->tfd_rate = timer_new(w, &w->tfd_rate);
		}
	}
	ws[0].stalls = xcalloc(opt.stalls + 1, sizeof *ws[0].stalls);
	for (i = 0; i < opt.stalls; i++) {
		c = &ws[0].stalls[ws[0].nstalls++];
		c->fd = -1;
		c->role = R_STALL;
		c->state = CS_RETRY;
	}
	return ws;
}

static void
sum_published(struct worker *ws, uint64_t *acc, uint64_t *del,
    uint64_t *infl)
{
	unsigned t;

	*acc = *del = *infl = 0;
	for (t = 0; t < opt.threads; t++) {
		*infl += atomic_load_explicit(&ws[t].p_inflight,
		    memory_order_acquire);
		*acc += atomic_load_explicit(&ws[t].p_accepted,
		    memory_order_relaxed);
		*del += atomic_load_explicit(&ws[t].p_deliveries,
		    memory_order_relaxed);
	}
}

/* Wait until every client is READY; false if one failed or time ran out. */
static bool
wait_ready(unsigned total)
{
	uint64_t t0 = mono_ns();
	unsigned ready;

	for (;;) {
		ready = atomic_load(&g.ready);
		if (ready == total)
			return true;
		if (ready + atomic_load(&g.dead) >= total) {
			errmsg("%u of %u clients failed to connect",
			    total - ready, total);
			return false;
		}
		if (mono_ns() - t0 > CONNECT_TIMEOUT * 1e9) {
			errmsg("only %u of %u clients READY after %.0f s",
			    ready, total, CONNECT_TIMEOUT);
			return false;
		}
		sleep_ns(200000);
	}
}

/* The sending period, with a progress line on stderr every second. */
static uint64_t
run_for(struct worker *ws)
{
	uint64_t now, end, next, acc, del, infl, pacc = 0, pdel = 0;

	end = g.t_start + (uint64_t)(opt.duration * 1e9);
	next = g.t_start + 1000000000u;
	while ((now = mono_ns()) < end) {
		if (now >= next) {
			sum_published(ws, &acc, &del, &infl);
			if (!opt.quiet)
				fprintf(stderr, "xchat-bench: %5.1f s "
				    "accepted %" PRIu64 " (%" PRIu64 "/s) "
				    "deliveries %" PRIu64 " (%" PRIu64 "/s)\n",
				    (double)(now - g.t_start) / 1e9, acc,
				    acc - pacc, del, del - pdel);
			pacc = acc;
			pdel = del;
			next += 1000000000u;
		}
		sleep_ns(end - now < 10000000u ? end - now : 10000000u);
	}
	return now;
}

/*
 * After sending stops, wait for the last OKs and deliveries. Counters
 * count only once every worker has seen PH_DRAIN and so sends no more.
 */
static void
drain(struct worker *ws)
{
	uint64_t t0 = mono_ns(), acc = 0, del = 0, infl = 0;
	unsigned t, entered;

	while (mono_ns() - t0 < DRAIN_TIMEOUT * 1e9) {
		for (t = entered = 0; t < opt.threads; t++)
			entered += atomic_load_explicit(&ws[t].p_phase,
			    memory_order_acquire) == PH_DRAIN;
		if (entered == opt.threads) {
			sum_published(ws, &acc, &del, &infl);
			if (infl == 0 && del >= acc * (opt.clients - 1))
				return;
		}
		sleep_ns(1000000);
	}
	if (!opt.quiet)
		fprintf(stderr, "xchat-bench: drain timed out: %" PRIu64
		    " in flight, %" PRIu64 " of %" PRIu64 " deliveries\n",
		    infl, del, acc * (opt.clients - 1));
}

static void
put_us(const char *key, const struct hist *h, double q)
{
	if (h->count == 0)
		printf(" %s=-", key);
	else if (q <= 0)
		printf(" %s=%.1f", key, (double)h->max / 1e3);
	else
		printf(" %s=%.1f", key, hist_quantile(h, q) / 1e3);
}

static void
put_kb(const char *key, long kb)
{
	if (kb < 0)
		printf(" %s=-", key);
	else
		printf(" %s=%ld", key, kb);
}

int
main(int argc, char **argv)
{
	struct worker *ws;
	struct stats st;
	uint64_t t_first = UINT64_MAX, t_ready = 0, t_end = 0, expected;
	long rss_start, rss_ready = -1, rss_end;
	unsigned t, total;
	bool ok;
	double dur, connect_s = -1, cpu0 = -1, cpu1 = -1, self0 = 0, self1 = 0;
	int64_t lost;

	parse_options(argc, argv);
	if (gcry_check_version(NULL) == NULL)
		fatalx("libgcrypt failed to initialise");
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	if (gcry_md_test_algo(GCRY_MD_MD5) != 0)
		fatalx("MD5 is not available in libgcrypt (FIPS mode?)");
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	resolve();
	if (opt.tls || opt.stalls > 0)
		tls_setup();

	total = opt.clients + (opt.ping_ms > 0);
	ws = workers_create();
	rss_start = read_rss(opt.pid);
	if (!opt.quiet)
		fprintf(stderr, "xchat-bench: connecting %u clients to %s "
		    "port %s\n", total, opt.host, opt.port);
	atomic_store(&g.phase, PH_CONNECT);
	for (t = 0; t < opt.threads; t++)
		if ((errno = pthread_create(&ws[t].thr, NULL, worker_main,
		    &ws[t])) != 0)
			fatalx("pthread_create: %s", strerror(errno));

	ok = wait_ready(total);
	if (ok) {
		rss_ready = read_rss(opt.pid);
		cpu0 = read_cpu(opt.pid);
		self0 = self_cpu();
		if (!opt.quiet)
			fprintf(stderr, "xchat-bench: all READY, sending for "
			    "%.2f s\n", opt.duration);
		g.t_start = mono_ns();
		atomic_store(&g.phase, PH_RUN);
		t_end = run_for(ws);
		cpu1 = read_cpu(opt.pid);
		self1 = self_cpu();
		atomic_store(&g.phase, PH_DRAIN);
		drain(ws);
	}
	rss_end = read_rss(opt.pid);
	atomic_store(&g.phase, PH_STOP);

	memset(&st, 0, sizeof st);
	for (t = 0; t < opt.threads; t++) {
		pthread_join(ws[t].thr, NULL);
		st.accepted += ws[t].st.accepted;
		st.naks += ws[t].st.naks;
		st.deliveries += ws[t].st.deliveries;
		st.errors += ws[t].st.errors;
		st.stall_started += ws[t].st.stall_started;
		st.stall_dropped += ws[t].st.stall_dropped;
		hist_merge(&st.lat, &ws[t].st.lat);
		hist_merge(&st.ping, &ws[t].st.ping);
		if (ws[t].t_first_connect != 0 &&
		    ws[t].t_first_connect < t_first)
			t_first = ws[t].t_first_connect;
		if (ws[t].t_last_ready > t_ready)
			t_ready = ws[t].t_last_ready;
	}
	if (ok)
		connect_s = (double)(t_ready - t_first) / 1e9;
	else if (st.errors == 0)
		st.errors = 1;	/* a timeout kills no client */
	dur = ok ? (double)(t_end - g.t_start) / 1e9 : 0;
	expected = st.accepted * (opt.clients - 1);
	lost = (int64_t)(expected - st.deliveries);

	printf("clients=%u senders=%u bytes=%u duration=%.2f accepted=%"
	    PRIu64, opt.clients, opt.senders, opt.bytes, dur, st.accepted);
	if (dur > 0)
		printf(" msgs_per_s=%.1f", (double)st.accepted / dur);
	else
		printf(" msgs_per_s=-");
	printf(" deliveries=%" PRIu64, st.deliveries);
	if (dur > 0)
		printf(" deliv_per_s=%.1f", (double)st.deliveries / dur);
	else
		printf(" deliv_per_s=-");
	put_us("lat_p50_us", &st.lat, 0.50);
	put_us("lat_p99_us", &st.lat, 0.99);
	put_us("lat_max_us", &st.lat, 0);
	if (connect_s >= 0)
		printf(" connect_s=%.3f", connect_s);
	else
		printf(" connect_s=-");
	put_kb("rss_start_kb", rss_start);
	put_kb("rss_ready_kb", rss_ready);
	put_kb("rss_end_kb", rss_end);
	if (dur > 0 && cpu0 >= 0 && cpu1 >= cpu0) {
		printf(" srv_cpu_pct=%.1f", 100 * (cpu1 - cpu0) / dur);
		if (st.deliveries > 0)
			printf(" srv_ns_per_deliv=%.1f", (cpu1 - cpu0) * 1e9 /
			    (double)st.deliveries);
		else
			printf(" srv_ns_per_deliv=-");
	} else
		printf(" srv_cpu_pct=- srv_ns_per_deliv=-");
	if (dur > 0)
		printf(" bench_cpu_pct=%.1f", 100 * (self1 - self0) / dur);
	else
		printf(" bench_cpu_pct=-");
	put_us("ping_p50_us", &st.ping, 0.50);
	put_us("ping_p99_us", &st.ping, 0.99);
	put_us("ping_max_us", &st.ping, 0);
	printf(" tls=%s", opt.tls && atomic_load(&g.cipher) != 0 ?
	    gnutls_cipher_get_name((gnutls_cipher_algorithm_t)
	    atomic_load(&g.cipher)) : "-");
	if (opt.stalls > 0)
		printf(" stalls_started=%" PRIu64 " stalls_dropped=%" PRIu64,
		    st.stall_started, st.stall_dropped);
	else
		printf(" stalls_started=- stalls_dropped=-");
	printf(" naks=%" PRIu64 " errors=%" PRIu64 " lost=%" PRId64 "\n",
	    st.naks, st.errors, lost);
	fflush(stdout);
	while (g.nai > 0)
		freeaddrinfo(g.ais[--g.nai]);
	return st.errors == 0 && lost == 0 && st.naks == 0 ? 0 : 1;
}
