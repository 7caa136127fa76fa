/*
 * msglog.c -- the append-only message log, its verifier and the reader
 * of its last messages.
 *
 * A record is one line of fields separated by TAB.  Log format 2
 * (every record written now) has fifteen:
 *   time n id nick peer md5-received md5-computed verdict
 *   to tokey key spki sig text chain
 * and log format 1 (before keys, still read and verified) the ten
 * without to, tokey, key, spki and sig; a record's field count tells
 * its layout.  time is UTC with milliseconds (2026-11-27T09:01:02.345Z);
 * n is the message number or "-"; md5-received is "-" when none was
 * given.  to is a DM's recipient id and tokey its key fingerprint;
 * key is the sender's key fingerprint ("sha256:" and 64 hex digits)
 * and spki its public key, the base64 (padded) of its DER
 * SubjectPublicKeyInfo, whose SHA-256 the fingerprint is (both or
 * neither); sig the Ed25519 signature as received (88 characters of
 * base64) -- each "-" when there is none.  The text is escaped
 * (backslash as \\, TAB as \t, other control bytes and bytes that are
 * not UTF-8 as \xHH), so a text without TAB or backslash appears
 * verbatim; chain is SHA-256, in hex, of the previous record's chain
 * (64 zeros for the first record) followed by this record's bytes up
 * to and including the TAB before the chain.
 *
 * The verdict says what kind of record it is.  accepted (a MSG, or a
 * DM when to is set), and the rejection codes badhash, badtext, flood,
 * badsig and nouser: a message and its text, which for a rejection may
 * be cut (the escaped text ends with \c and the whole text's length;
 * md5-computed is still the whole text's).  A signed accepted message
 * verifies (PROTOCOL.md's signed bytes: "xchat/2 msg" NUL text, or
 * "xchat/2 dm" NUL tokey-or-"-" NUL text) against spki; a rejected one
 * need not (badsig says why it was refused), and may have a sig without
 * a key (an anonymous client's).  start: the server started (the chain
 * goes on); its text says "log format 2" in a run that writes format
 * 2, where message numbers go on from the run before (they only go up
 * for the life of the log) and a record of the old layout is bad; in
 * an older run (a start record without those words) numbers began at
 * 1 again.  rejects: one client's rejections counted, not recorded one
 * by one; its text is "count=N bytes=N" and "code=N" for each code.
 * segment: a new chain segment (a new file after SIGHUP, or a file
 * changed behind our back); its text is "reason=R prev=C", maybe
 * "size=N expected=N", and "last=N", the last message number written
 * before it (left out if none), so that a rotated file with no message
 * yet still tells where the numbers are; its chain starts from C, the
 * last chain value this server wrote, instead of the record before it,
 * so that a rotated file verifies on its own and a series of files can
 * be checked link by link.  A file whose first record is a segment
 * record of format 2 is in a format 2 run.  Server records (start,
 * rejects, segment) have no recipient, key or signature.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "keys.h"
#include "msglog.h"
#include "protocol.h"
#include "utf8.h"
#include "xmalloc.h"

#define GENESIS	"00000000000000000000000000000000" \
		"00000000000000000000000000000000"
#define TAILREAD	(64 * 1024)
/* Bytes of a record besides nick, peer and text (and the chain). */
#define RECROOM		(256 + 2 * KEYS_FP_LEN + MSGLOG_SPKI_MAX + \
			    KEYS_SIG_B64)
#define HEADMAX		(RECROOM + 64)	/* a newline and a segment record */

/* Why a new chain segment starts (the reason= of a segment record). */
enum seg {
	SEG_NONE,
	SEG_REOPEN,
	SEG_SHRANK,
	SEG_GREW,
	SEG_DELETED,
	SEG_REPLACED
};

static const char *const seg_reasons[] = {
	NULL, "reopen", "shrank", "grew", "deleted", "replaced"
};

struct msglog {
	int		 fd;
	char		*path;
	bool		 seekable;
	char		 chain[DIGEST_CHAIN_HEX + 1];
	dev_t		 dev;		/* of the open file */
	ino_t		 ino;
	off_t		 expect;	/* its size after our last write */
	bool		 renamed;	/* told MSGLOG_RENAMED for this file */

	enum seg	 seg;		/* a segment record is owed */
	off_t		 seg_size;	/* SHRANK, GREW: size found */
	off_t		 seg_expect;	/* and size expected */
	msglog_notify_cb notify;
	void		*notify_arg;

	char		 stamp[64];	/* time of the current batch */
	time_t		 stamp_sec;
	char		 stamp_base[24];

	char		*batch;		/* records of the current batch */
	size_t		 blen;
	size_t		 bcap;
	size_t		*ends;		/* end offset of each record */
	char		(*chains)[DIGEST_CHAIN_HEX + 1];
	uint64_t	*nums;		/* message number of each, or 0 */
	size_t		 nrec;
	size_t		 recap;

	char		*tail;		/* unwritten end of a torn record */
	size_t		 taillen;
	bool		 torn_kept;	/* the last commit kept a tail */
	uint64_t	 last_n;	/* the last message number written
					   (or found by msglog_history) */
};

static bool	is_hex(const char *, size_t);
static bool	is_lower_hex(const char *, size_t);

/*
 * Find the chain value of the last record in fd (a regular file).  A
 * last line with no newline is a record the server was killed while
 * writing and never acknowledged: cut it off and say so in err.
 */
static int
read_tail(struct msglog *lg, char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf, *p, *line;
	off_t		 start, window = TAILREAD;
	ssize_t		 n;
	size_t		 len;

	if (fstat(lg->fd, &st) == -1)
		return -1;
	if (st.st_size == 0)
		return 0;
again:
	start = st.st_size > window ? st.st_size - window : 0;
	len = (size_t)(st.st_size - start);
	buf = xmalloc(len + 1);
	n = pread(lg->fd, buf, len, start);
	if (n != (ssize_t)len) {
		free(buf);
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	buf[len] = '\0';
	/* A torn tail longer than the window: look further back. */
	if (start > 0 && memchr(buf, '\n', len) == NULL) {
		free(buf);
		window *= 2;
		goto again;
	}
	if (buf[len - 1] != '\n') {
		p = memrchr(buf, '\n', len);
		len = p == NULL ? 0 : (size_t)(p - buf) + 1;
		snprintf(err, errlen, "the last line of %s was incomplete "
		    "(%lld bytes, never acknowledged): removed", lg->path,
		    (long long)(st.st_size - start - (off_t)len));
		if (ftruncate(lg->fd, start + (off_t)len) == -1) {
			free(buf);
			return -1;
		}
	}
	if (len > 0) {
		buf[len - 1] = '\0';
		p = memrchr(buf, '\n', len - 1);
		line = p == NULL ? buf : p + 1;
		p = strrchr(line, '\t');
		if (p != NULL && strlen(p + 1) == DIGEST_CHAIN_HEX &&
		    is_hex(p + 1, DIGEST_CHAIN_HEX))
			memcpy(lg->chain, p + 1, DIGEST_CHAIN_HEX);
		else if (err[0] == '\0')
			snprintf(err, errlen, "the last record of %s has no "
			    "chain value: the chain starts again (the "
			    "verifier will report it)", lg->path);
	}
	free(buf);
	return 0;
}

/*
 * Open path as a log file: created if needed, non-blocking so that a
 * FIFO nobody reads cannot stall the server.  A regular file is opened
 * read-write (the tail must be readable) and locked; if cur is not
 * NULL and path is that file already, the lock is not tried (we hold
 * it) and 0 is returned with *fdp == -1.  Return 0, or -1 with a
 * sentence in err.
 */
static int
log_open_path(const char *path, const struct stat *cur, int *fdp,
    struct stat *st, char *err, size_t errlen)
{
	int	 fd, rfd, e;

	*fdp = -1;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK |
	    O_CLOEXEC, 0644);
	if (fd == -1 || fstat(fd, st) == -1) {
		e = errno;
		snprintf(err, errlen, "cannot open log file %s: %s", path,
		    strerror(e));
		goto fail;
	}
	if (cur != NULL && st->st_dev == cur->st_dev &&
	    st->st_ino == cur->st_ino) {
		close(fd);
		return 0;
	}
	if (S_ISREG(st->st_mode)) {
		if ((rfd = open(path, O_RDWR | O_APPEND | O_CLOEXEC)) == -1) {
			e = errno;
			snprintf(err, errlen, "cannot read log file %s: %s",
			    path, strerror(e));
			goto fail;
		}
		close(fd);
		fd = rfd;
		/*
		 * One server per log: a second one would cut or extend
		 * the file from its own idea of the size.  Taken before
		 * anything is read or cut, so a refused start touches
		 * nothing.
		 */
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			e = errno;
			if (e == EWOULDBLOCK)
				snprintf(err, errlen, "log file %s is in use "
				    "by another xchatd (it holds the lock)",
				    path);
			else
				snprintf(err, errlen, "cannot lock log file "
				    "%s: %s", path, strerror(e));
			goto fail;
		}
	}
	*fdp = fd;
	return 0;
fail:
	if (fd != -1)
		close(fd);
	errno = e;
	return -1;
}

/* Make fd (opened by log_open_path, with st) the log's file. */
static void
log_use_fd(struct msglog *lg, int fd, const struct stat *st)
{
	if (lg->fd != -1)
		close(lg->fd);
	lg->fd = fd;
	lg->seekable = S_ISREG(st->st_mode);
	lg->dev = st->st_dev;
	lg->ino = st->st_ino;
	lg->expect = st->st_size;
	lg->renamed = false;
	lg->taillen = 0;	/* a torn record's start is not in this file */
}

/*
 * Open (creating if needed) the log at path for appending.  If the
 * file has records, the chain goes on from the last one.  Return NULL
 * with a sentence in err on failure; on success err may hold a
 * warning (empty string otherwise).
 */
struct msglog *
msglog_open(const char *path, char *err, size_t errlen)
{
	struct msglog	*lg;
	struct stat	 st;
	int		 fd;

	err[0] = '\0';
	lg = xcalloc(1, sizeof *lg);
	lg->fd = -1;
	lg->path = xstrdup(path);
	memcpy(lg->chain, GENESIS, sizeof lg->chain);
	if (log_open_path(path, NULL, &fd, &st, err, errlen) == -1)
		goto fail;
	log_use_fd(lg, fd, &st);
	if (lg->seekable) {
		if (read_tail(lg, err, errlen) == -1 ||
		    fstat(lg->fd, &st) == -1) {
			snprintf(err, errlen, "cannot read log file %s: %s",
			    path, strerror(errno));
			goto fail;
		}
		lg->expect = st.st_size;
	}
	return lg;
fail:
	if (lg->fd != -1)
		close(lg->fd);
	free(lg->path);
	free(lg);
	return NULL;
}

void
msglog_close(struct msglog *lg)
{
	if (lg == NULL)
		return;
	close(lg->fd);
	free(lg->batch);
	free(lg->ends);
	free(lg->chains);
	free(lg->nums);
	free(lg->tail);
	free(lg->path);
	free(lg);
}

const char *
msglog_path(const struct msglog *lg)
{
	return lg->path;
}

void
msglog_set_notify(struct msglog *lg, msglog_notify_cb fn, void *arg)
{
	lg->notify = fn;
	lg->notify_arg = arg;
}

static void
tell(struct msglog *lg, enum msglog_change what, const char *detail)
{
	if (lg->notify != NULL)
		lg->notify(lg->notify_arg, what, detail);
}

/* A segment record is owed: say why, to the log and to the caller. */
static void
owe_segment(struct msglog *lg, enum seg why, off_t size, off_t expect)
{
	static const enum msglog_change change[] = {
		MSGLOG_SAME, MSGLOG_REOPENED, MSGLOG_SHRANK, MSGLOG_GREW,
		MSGLOG_DELETED, MSGLOG_REPLACED
	};
	char	 detail[96] = "";

	lg->seg = why;
	lg->seg_size = size;
	lg->seg_expect = expect;
	if (why == SEG_SHRANK || why == SEG_GREW)
		snprintf(detail, sizeof detail, "%lld bytes, %lld expected",
		    (long long)size, (long long)expect);
	tell(lg, change[why], detail);
}

int
msglog_reopen(struct msglog *lg, char *err, size_t errlen)
{
	struct stat	 cur, st;
	int		 fd;

	err[0] = '\0';
	if (fstat(lg->fd, &cur) == -1)
		memset(&cur, 0, sizeof cur);
	if (log_open_path(lg->path, &cur, &fd, &st, err, errlen) == -1) {
		tell(lg, MSGLOG_REOPEN_FAILED, err);
		return -1;
	}
	if (fd == -1) {
		tell(lg, MSGLOG_SAME, "");
		return 0;
	}
	log_use_fd(lg, fd, &st);
	owe_segment(lg, SEG_REOPEN, 0, 0);
	return 0;
}

/*
 * Compare the open file with what we last wrote to it and with the
 * path, before a write.  A deleted file is replaced by a new one at
 * the path; a renamed one is written to until msglog_reopen.  Return
 * the open file's size (from fstat), -1 if it is not a regular file,
 * or -2 with *errnum set if a deleted file cannot be created again.
 */
static off_t
file_check(struct msglog *lg, int *errnum)
{
	struct stat	 st, pst;
	char		 err[256];
	bool		 there;
	int		 fd;

	if (!lg->seekable || fstat(lg->fd, &st) == -1)
		return -1;
	if (st.st_nlink == 0) {
		/* Deleted: what we write would be lost with the fd. */
		there = stat(lg->path, &pst) == 0;
		if (log_open_path(lg->path, NULL, &fd, &st, err,
		    sizeof err) == -1) {
			*errnum = errno != 0 ? errno : EIO;
			return -2;
		}
		log_use_fd(lg, fd, &st);
		owe_segment(lg, there ? SEG_REPLACED : SEG_DELETED, 0, 0);
		return lg->seekable ? st.st_size : -1;
	}
	if (!lg->renamed && (stat(lg->path, &pst) == -1 ||
	    pst.st_dev != st.st_dev || pst.st_ino != st.st_ino)) {
		lg->renamed = true;
		tell(lg, MSGLOG_RENAMED, "");
	}
	if (st.st_size != lg->expect) {
		owe_segment(lg, st.st_size < lg->expect ? SEG_SHRANK :
		    SEG_GREW, st.st_size, lg->expect);
		lg->expect = st.st_size;
	}
	return st.st_size;
}

/* Fix the batch's time stamp; the date part is formatted once a second. */
void
msglog_begin(struct msglog *lg)
{
	struct timespec	 ts;
	struct tm	 tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != lg->stamp_sec || lg->stamp_base[0] == '\0') {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(lg->stamp_base, sizeof lg->stamp_base,
		    "%Y-%m-%dT%H:%M:%S", &tm);
		lg->stamp_sec = ts.tv_sec;
	}
	snprintf(lg->stamp, sizeof lg->stamp, "%s.%03dZ", lg->stamp_base,
	    (int)(ts.tv_nsec / 1000000));
}

const char *
msglog_stamp(struct msglog *lg)
{
	if (lg->stamp[0] == '\0')
		msglog_begin(lg);
	return lg->stamp;
}

/*
 * Escape the character at s (at most len bytes) into d; *used gets how
 * many bytes of s it took.  Return how many bytes it wrote (1 to 4).
 */
static size_t
escape_one(const unsigned char *s, size_t len, char *d, size_t *used)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 c = s[0];
	size_t			 n;

	*used = 1;
	if (c >= 0x20 && c < 0x7f && c != '\\') {
		d[0] = (char)c;
		return 1;
	}
	if (c == '\\' || c == '\t') {
		d[0] = '\\';
		d[1] = c == '\t' ? 't' : '\\';
		return 2;
	}
	if (c >= 0x80 && (n = utf8_seq((const char *)s, len)) > 1) {
		memcpy(d, s, n);
		*used = n;
		return n;
	}
	d[0] = '\\';
	d[1] = 'x';
	d[2] = hex[c >> 4];
	d[3] = hex[c & 15];
	return 4;
}

size_t
msglog_escape(const char *src, size_t len, char *dst)
{
	const unsigned char	*s = (const unsigned char *)src;
	char			*d = dst;
	size_t			 i = 0, used;

	while (i < len) {
		d += escape_one(s + i, len - i, d, &used);
		i += used;
	}
	return (size_t)(d - dst);
}

/*
 * Escape src as msglog_escape does, but stop before the escaped text
 * would pass max bytes; then add \c and len (the whole length).  dst
 * needs max + 4 + 20 bytes.  A text that fits is escaped whole.
 */
static size_t
escape_cut(const char *src, size_t len, char *dst, size_t max)
{
	const unsigned char	*s = (const unsigned char *)src;
	char			 one[8];
	size_t			 i = 0, o = 0, n, used;

	while (i < len) {
		n = escape_one(s + i, len - i, one, &used);
		if (o + n > max)
			break;
		memcpy(dst + o, one, n);
		o += n;
		i += used;
	}
	if (i < len) {
		dst[o++] = '\\';
		dst[o++] = 'c';
		o = (size_t)(proto_put_u64(dst + o, len) - dst);
	}
	return o;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Undo the escaping into dst.  With full != NULL a text may end in \c
 * and a number, the length of the text it was cut from, stored in
 * *full (else *full is -1).  Return the length, or -1 if malformed.
 */
static long
unescape(const char *src, size_t len, char *dst, long long *full)
{
	char		*d = dst;
	uint64_t	 v;
	size_t		 i;
	int		 h, l;

	if (full != NULL)
		*full = -1;
	for (i = 0; i < len; i++) {
		if (src[i] == '\t' || src[i] == '\n')
			return -1;
		if (src[i] != '\\') {
			*d++ = src[i];
			continue;
		}
		if (++i >= len)
			return -1;
		switch (src[i]) {
		case '\\':
			*d++ = '\\';
			break;
		case 't':
			*d++ = '\t';
			break;
		case 'x':
			if (i + 2 >= len)
				return -1;
			h = hexval(src[i + 1]);
			l = hexval(src[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			*d++ = (char)(h << 4 | l);
			i += 2;
			break;
		case 'c':
			if (full == NULL || !proto_num_parse(src + i + 1,
			    len - i - 1, &v) || v > (uint64_t)LLONG_MAX)
				return -1;
			*full = (long long)v;
			return (long)(d - dst);
		default:
			return -1;
		}
	}
	return (long)(d - dst);
}

long
msglog_unescape(const char *src, size_t len, char *dst)
{
	return unescape(src, len, dst, NULL);
}

static char *
batch_reserve(struct msglog *lg, size_t n)
{
	if (lg->blen + n > lg->bcap) {
		size_t	 cap = lg->bcap == 0 ? 65536 : lg->bcap;

		while (cap < lg->blen + n)
			cap *= 2;
		lg->batch = xrealloc(lg->batch, cap);
		lg->bcap = cap;
	}
	return lg->batch + lg->blen;
}

/* True if s (len bytes) is padded base64 (RFC 4648). */
static bool
is_b64(const char *s, size_t len)
{
	size_t	 i, pad = 0;

	if (len == 0 || len % 4 != 0)
		return false;
	while (pad < 2 && s[len - 1 - pad] == '=')
		pad++;
	for (i = 0; i < len - pad; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
		    s[i] == '/'))
			return false;
	return true;
}

/* A key fingerprint as PROTOCOL.md writes it: sha256: and 64 hex. */
static bool
is_fp(const char *s, size_t len)
{
	return len == KEYS_FP_LEN - 1 && memcmp(s, "sha256:", 7) == 0 &&
	    is_lower_hex(s + 7, len - 7);
}

/* A signature: 64 bytes in padded base64. */
static bool
is_sig(const char *s, size_t len)
{
	return len == KEYS_SIG_B64 && is_b64(s, len) &&
	    s[len - 1] == '=' && s[len - 2] == '=';
}

/* Write s, or "-" if it is NULL or not ok; then a TAB. */
static char *
put_opt(char *p, const char *s, bool (*ok)(const char *, size_t))
{
	if (s == NULL || !ok(s, strnlen(s, MSGLOG_SPKI_MAX + 1)))
		*p++ = '-';
	else
		p = proto_put_str(p, s);
	*p++ = '\t';
	return p;
}

static bool
is_spki(const char *s, size_t len)
{
	return len <= MSGLOG_SPKI_MAX && is_b64(s, len);
}

/* The format 2 fields of r: to tokey key spki sig, each with a TAB. */
static char *
put_fields2(char *p, const struct msglog_rec *r)
{
	bool	 keyed = r->key != NULL && r->spki != NULL &&
		    is_fp(r->key, strnlen(r->key, KEYS_FP_LEN)) &&
		    is_spki(r->spki, strnlen(r->spki, MSGLOG_SPKI_MAX + 1));

	if (r->to == 0)
		*p++ = '-';
	else
		p = proto_put_u64(p, r->to);
	*p++ = '\t';
	p = put_opt(p, r->to != 0 ? r->tokey : NULL, is_fp);
	p = put_opt(p, keyed ? r->key : NULL, is_fp);
	p = put_opt(p, keyed ? r->spki : NULL, is_spki);
	return put_opt(p, r->sig, is_sig);
}

/*
 * Write the fields of r, each followed by TAB, at p (room for
 * RECROOM bytes, nick, peer and 4 times the text); return the end.
 */
static char *
put_fields(char *p, const char *stamp, const struct msglog_rec *r)
{
	p = proto_put_str(p, stamp);
	*p++ = '\t';
	if (r->n == 0)
		*p++ = '-';
	else
		p = proto_put_u64(p, r->n);
	*p++ = '\t';
	p = proto_put_u64(p, r->id);
	*p++ = '\t';
	p = proto_put(p, r->nick, r->nicklen);
	*p++ = '\t';
	p = proto_put_str(p, r->peer);
	*p++ = '\t';
	if (r->md5_recv == NULL)
		*p++ = '-';
	else
		p = proto_put(p, r->md5_recv, DIGEST_MD5_HEX);
	*p++ = '\t';
	p = proto_put(p, r->md5_comp, DIGEST_MD5_HEX);
	*p++ = '\t';
	p = proto_put_str(p, r->verdict);
	*p++ = '\t';
	p = put_fields2(p, r);
	if (r->cut > 0)
		p += escape_cut(r->text, r->textlen, p, r->cut);
	else
		p += msglog_escape(r->text, r->textlen, p);
	*p++ = '\t';
	return p;
}

/*
 * Format a record at the end of the batch and chain it to the record
 * before it (in the batch, or the last one written).
 */
size_t
msglog_add(struct msglog *lg, const struct msglog_rec *r)
{
	const char	*prev;
	char		*start, *p;
	size_t		 idx;

	if (lg->stamp[0] == '\0')
		msglog_begin(lg);
	if (lg->nrec == lg->recap) {
		lg->recap = lg->recap == 0 ? 64 : lg->recap * 2;
		lg->ends = xreallocarray(lg->ends, lg->recap,
		    sizeof *lg->ends);
		lg->chains = xreallocarray(lg->chains, lg->recap,
		    sizeof *lg->chains);
		lg->nums = xreallocarray(lg->nums, lg->recap,
		    sizeof *lg->nums);
	}
	start = batch_reserve(lg, RECROOM + r->nicklen + strlen(r->peer) +
	    (r->cut > 0 ? r->cut + 32 : 4 * r->textlen) + DIGEST_CHAIN_HEX);
	p = put_fields(start, lg->stamp, r);

	idx = lg->nrec;
	lg->nums[idx] = r->n;
	prev = idx == 0 ? lg->chain : lg->chains[idx - 1];
	digest_chain_hex(prev, start, (size_t)(p - start), lg->chains[idx]);
	p = proto_put(p, lg->chains[idx], DIGEST_CHAIN_HEX);
	*p++ = '\n';
	lg->blen += (size_t)(p - start);
	lg->ends[idx] = lg->blen;
	lg->nrec++;
	return idx;
}

size_t
msglog_add_rejects(struct msglog *lg, const struct msglog_rec *who,
    uint64_t bytes, const struct msglog_count *c, size_t ncodes)
{
	struct msglog_rec r = *who;
	char		 text[512], md5[DIGEST_MD5_HEX + 1], *p, *end;
	uint64_t	 total = 0;
	size_t		 i;

	for (i = 0; i < ncodes; i++)
		total += c[i].n;
	p = text + snprintf(text, sizeof text, "count=%llu bytes=%llu",
	    (unsigned long long)total, (unsigned long long)bytes);
	end = text + sizeof text;
	for (i = 0; i < ncodes && p < end; i++)
		if (c[i].n > 0)
			p += snprintf(p, (size_t)(end - p), " %s=%llu",
			    c[i].code, (unsigned long long)c[i].n);
	if (p >= end)
		p = end - 1;
	digest_md5_hex(text, (size_t)(p - text), md5);
	r.n = 0;
	r.md5_recv = NULL;
	r.md5_comp = md5;
	r.verdict = "rejects";
	r.text = text;
	r.textlen = (size_t)(p - text);
	r.cut = 0;
	return msglog_add(lg, &r);
}

size_t
msglog_pending(const struct msglog *lg)
{
	return lg->nrec;
}

bool
msglog_torn_kept(const struct msglog *lg)
{
	return lg->torn_kept;
}

/* The size of a regular log file now, or -1 (not one, or no fstat). */
static off_t
file_size(const struct msglog *lg)
{
	struct stat	 st;

	if (!lg->seekable || fstat(lg->fd, &st) == -1)
		return -1;
	return st.st_size;
}

/*
 * Write a then b with writev until all is written or the descriptor
 * takes no more; return the bytes written (errno in *errnum if short).
 */
static size_t
write_two(int fd, const char *a, size_t alen, const char *b, size_t blen,
    int *errnum)
{
	struct iovec	 iov[2];
	size_t		 done = 0, total = alen + blen, off;
	ssize_t		 n;
	int		 k;

	while (done < total) {
		k = 0;
		if (done < alen) {
			iov[k].iov_base = (char *)a + done;
			iov[k++].iov_len = alen - done;
		}
		off = done < alen ? 0 : done - alen;
		if (blen > off) {
			iov[k].iov_base = (char *)b + off;
			iov[k++].iov_len = blen - off;
		}
		n = writev(fd, iov, k);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			*errnum = errno;
			break;
		}
		if (n == 0) {
			*errnum = ENOSPC;
			break;
		}
		done += (size_t)n;
	}
	return done;
}

/*
 * Format the owed segment record into head (after a newline if the
 * file does not end with one), chained from the last value written,
 * and chain the batch after it.  Return the head's length; segchain
 * gets the segment record's chain value.
 */
static size_t
head_make(struct msglog *lg, off_t size, char *head,
    char segchain[DIGEST_CHAIN_HEX + 1])
{
	struct msglog_rec r;
	char		 text[256], md5[DIGEST_MD5_HEX + 1], c = '\n', *p;
	const char	*prev;
	size_t		 k, start, len;

	p = head;
	if (size > 0 && pread(lg->fd, &c, 1, size - 1) == 1 && c != '\n')
		*p++ = '\n';
	len = (size_t)snprintf(text, sizeof text, "reason=%s prev=%s",
	    seg_reasons[lg->seg], lg->chain);
	if (lg->seg == SEG_SHRANK || lg->seg == SEG_GREW)
		len += (size_t)snprintf(text + len, sizeof text - len,
		    " size=%lld expected=%lld", (long long)lg->seg_size,
		    (long long)lg->seg_expect);
	if (lg->last_n > 0)
		len += (size_t)snprintf(text + len, sizeof text - len,
		    " last=%llu", (unsigned long long)lg->last_n);
	digest_md5_hex(text, len, md5);
	memset(&r, 0, sizeof r);
	r.nick = "xchatd";
	r.nicklen = 6;
	r.peer = "-";
	r.md5_comp = md5;
	r.verdict = "segment";
	r.text = text;
	r.textlen = len;
	if (lg->stamp[0] == '\0')
		msglog_begin(lg);
	start = (size_t)(p - head);
	p = put_fields(p, lg->stamp, &r);
	digest_chain_hex(lg->chain, head + start, (size_t)(p - head) - start,
	    segchain);
	p = proto_put(p, segchain, DIGEST_CHAIN_HEX);
	*p++ = '\n';
	len = (size_t)(p - head);

	/* The batch now follows the segment record. */
	for (prev = segchain, start = 0, k = 0; k < lg->nrec; k++) {
		p = lg->batch + lg->ends[k] - 1 - DIGEST_CHAIN_HEX;
		digest_chain_hex(prev, lg->batch + start,
		    (size_t)(p - lg->batch) - start, lg->chains[k]);
		memcpy(p, lg->chains[k], DIGEST_CHAIN_HEX);
		prev = lg->chains[k];
		start = lg->ends[k];
	}
	return len;
}

/* Finish a record torn by an earlier write; false if still unfinished. */
static bool
tail_finish(struct msglog *lg, int *errnum)
{
	size_t	 done;

	if (lg->taillen == 0)
		return true;
	if (lg->seg != SEG_NONE) {
		/* The file changed: its start may be gone.  Drop it. */
		lg->taillen = 0;
		return true;
	}
	done = write_two(lg->fd, lg->tail, lg->taillen, NULL, 0, errnum);
	memmove(lg->tail, lg->tail + done, lg->taillen - done);
	lg->taillen -= done;
	if (lg->expect >= 0)
		lg->expect += (off_t)done;
	return lg->taillen == 0;
}

/*
 * After a write of done bytes of head (hlen bytes: maybe a newline,
 * then a segment record from segstart) and the batch: which records
 * are whole in the file?  A torn one is cut off if the file still ends
 * with exactly what we wrote (sizes from fstat: base is the size
 * before the write), else its rest is kept to be written first next
 * time.  The chain moves on past the last record that is (or will
 * be) whole.  Return how many of the batch's records are whole.
 */
static size_t
commit_account(struct msglog *lg, off_t base, const char *head, size_t hlen,
    size_t segstart, const char *segchain, size_t done)
{
	size_t	 nseg = hlen > 0, nall = nseg + lg->nrec, i, whole, end;
	bool	 torn;

#define REC_END(i) (nseg && (i) == 0 ? hlen : hlen + lg->ends[(i) - nseg])
#define REC_CHAIN(i) (nseg && (i) == 0 ? segchain : lg->chains[(i) - nseg])
	whole = done < segstart ? done : segstart;
	for (i = 0; i < nall && REC_END(i) <= done; i++)
		whole = REC_END(i);
	torn = i < nall && done > whole;
	if (torn && base >= 0 && file_size(lg) == base + (off_t)done &&
	    ftruncate(lg->fd, base + (off_t)whole) == 0) {
		done = whole;
		torn = false;
	}
	if (torn) {
		/* Finished by the next write: its number stays used. */
		end = REC_END(i);
		lg->taillen = end - done;
		lg->tail = xrealloc(lg->tail, lg->taillen);
		if (i < nseg)
			memcpy(lg->tail, head + done, lg->taillen);
		else
			memcpy(lg->tail, lg->batch + (done - hlen),
			    lg->taillen);
		lg->torn_kept = i >= nseg;
	}
	if (torn || i > 0)
		memcpy(lg->chain, REC_CHAIN(torn ? i : i - 1),
		    DIGEST_CHAIN_HEX);
	if (nseg && (torn || i > 0))
		lg->seg = SEG_NONE;
	if (base >= 0)
		lg->expect = base + (off_t)done;
	else if (lg->seekable)
		lg->expect = file_size(lg);
#undef REC_END
#undef REC_CHAIN
	return i > nseg ? i - nseg : 0;
}

size_t
msglog_commit(struct msglog *lg, int *errnum)
{
	char		 head[HEADMAX], segchain[DIGEST_CHAIN_HEX + 1];
	size_t		 hlen = 0, done, k = 0, i;
	off_t		 base;

	*errnum = 0;
	lg->torn_kept = false;
	if (lg->nrec == 0 && lg->seg == SEG_NONE)
		return 0;
	base = file_check(lg, errnum);
	if (base == -2 || !tail_finish(lg, errnum))
		goto out;
	if (base >= 0)
		base = lg->expect;	/* the fstat size, plus a tail */
	if (lg->seg != SEG_NONE)
		hlen = head_make(lg, base, head, segchain);
	done = write_two(lg->fd, head, hlen, lg->batch, lg->blen, errnum);
	k = commit_account(lg, base, head, hlen, hlen > 0 && head[0] == '\n',
	    segchain, done);
	/* The numbers now in the file (a kept torn record's too). */
	for (i = 0; i < k + (lg->torn_kept ? 1 : 0); i++)
		if (lg->nums[i] > lg->last_n)
			lg->last_n = lg->nums[i];
out:
	lg->nrec = 0;
	lg->blen = 0;
	lg->stamp[0] = '\0';
	return k;
}

static bool
is_hex(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (hexval(s[i]) < 0)
			return false;
	return true;
}

static bool
is_lower_hex(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool
is_num(const char *s, size_t len)
{
	uint64_t	 v;

	return proto_num_parse(s, len, &v);
}

/* Check a time stamp of the form 2026-11-27T09:01:02.345Z. */
static bool
is_stamp(const char *s, size_t len)
{
	static const char	 pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	size_t			 i;

	if (len != sizeof pat - 1)
		return false;
	for (i = 0; i < len; i++) {
		if (pat[i] == 'd') {
			if (s[i] < '0' || s[i] > '9')
				return false;
		} else if (s[i] != pat[i])
			return false;
	}
	return true;
}

/* A record split into its fields; in format 1, to .. sig are "-". */
struct lrec {
	int		 format;	/* 1 or 2 */
	struct proto_str time, n, id, nick, peer, md5r, md5c, verdict;
	struct proto_str to, tokey, key, spki, sig, text, chain;
};

#define IS(f, s) ((f).len == sizeof(s) - 1 && memcmp((f).p, s, (f).len) == 0)
#define IS_DASH(f) ((f).len == 1 && (f).p[0] == '-')

/*
 * Split a record (without its newline) at TAB: ten fields are log
 * format 1, fifteen log format 2.  NULL, or why it cannot be split.
 */
static const char *
split_record(const char *line, size_t len, struct lrec *r)
{
	static const struct proto_str dash = { "-", 1 };
	struct proto_str f[MSGLOG_FIELDS_2];
	const char	*p = line, *end = line + len, *tab;
	int		 n = 0, i;

	for (;;) {
		tab = memchr(p, '\t', (size_t)(end - p));
		f[n].p = p;
		f[n++].len = (size_t)((tab != NULL ? tab : end) - p);
		if (tab == NULL)
			break;
		if (n == MSGLOG_FIELDS_2)
			return "wrong number of fields";
		p = tab + 1;
	}
	if (n != MSGLOG_FIELDS && n != MSGLOG_FIELDS_2)
		return "wrong number of fields";
	r->format = n == MSGLOG_FIELDS ? 1 : 2;
	if (r->format == 1) {
		/* Text and chain follow the verdict; to .. sig are "-". */
		f[14] = f[9];
		f[13] = f[8];
		for (i = 8; i < 13; i++)
			f[i] = dash;
	}
	r->time = f[0];
	r->n = f[1];
	r->id = f[2];
	r->nick = f[3];
	r->peer = f[4];
	r->md5r = f[5];
	r->md5c = f[6];
	r->verdict = f[7];
	r->to = f[8];
	r->tokey = f[9];
	r->key = f[10];
	r->spki = f[11];
	r->sig = f[12];
	r->text = f[13];
	r->chain = f[14];
	if (r->chain.len != DIGEST_CHAIN_HEX ||
	    !is_lower_hex(r->chain.p, r->chain.len))
		return "malformed chain value";
	return NULL;
}

/*
 * The public keys the verifier has met, by their base64 SPKI as the
 * log writes it: each is parsed once (GnuTLS), and counts the messages
 * it signed.  Keys beyond VKEY_PUBS are parsed again for each
 * signature rather than kept (a hostile log may hold millions).
 */
#define VKEY_PUBS	65536

struct vkey {
	char		*spki;		/* as in the log, NUL-ended */
	size_t		 spkilen;
	uint32_t	 hash;
	struct keys_pub	*pub;		/* NULL if not kept or not a key */
	bool		 valid;		/* Ed25519, written canonically */
	char		 fp[KEYS_FP_LEN];
	unsigned long	 good;		/* messages signed and good */
	unsigned long	 unsig;		/* messages it sent unsigned */
};

struct vkeys {
	struct vkey	**slot;		/* open addressing, cap a power of 2 */
	size_t		 cap;
	size_t		 n;
	size_t		 pubs;		/* entries that keep their pub */
};

static uint32_t
fnv1a(const char *s, size_t len)
{
	uint32_t	 h = 2166136261u;

	while (len-- > 0) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static void
vkeys_grow(struct vkeys *t)
{
	struct vkey	**old = t->slot;
	size_t		  oldcap = t->cap, i, j;

	t->cap = t->cap == 0 ? 64 : t->cap * 2;
	t->slot = xcalloc(t->cap, sizeof *t->slot);
	for (i = 0; i < oldcap; i++) {
		if (old[i] == NULL)
			continue;
		for (j = old[i]->hash & (t->cap - 1); t->slot[j] != NULL;
		    j = (j + 1) & (t->cap - 1))
			;
		t->slot[j] = old[i];
	}
	free(old);
}

/* A key met for the first time: valid if canonical Ed25519 SPKI. */
static struct vkey *
vkey_new(struct vkeys *t, const char *spki, size_t len, uint32_t h)
{
	struct vkey	*k = xcalloc(1, sizeof *k);
	char		 canon[KEYS_SPKI_B64 + 1];

	k->spki = xmalloc(len + 1);
	memcpy(k->spki, spki, len);
	k->spki[len] = '\0';
	k->spkilen = len;
	k->hash = h;
	k->pub = keys_pub_from_spki_b64(spki, len);
	if (k->pub != NULL && keys_pub_spki_b64(k->pub, canon) &&
	    strlen(canon) == len && memcmp(canon, spki, len) == 0) {
		k->valid = true;
		keys_pub_fingerprint(k->pub, k->fp);
	}
	if (!k->valid || t->pubs >= VKEY_PUBS) {
		keys_pub_free(k->pub);
		k->pub = NULL;
	} else
		t->pubs++;
	return k;
}

/* The key whose SPKI is spki (len bytes of base64), met or new. */
static struct vkey *
vkey_get(struct vkeys *t, const char *spki, size_t len)
{
	uint32_t	 h = fnv1a(spki, len);
	struct vkey	*k;
	size_t		 j;

	if ((t->n + 1) * 4 > t->cap * 3)
		vkeys_grow(t);
	for (j = h & (t->cap - 1); (k = t->slot[j]) != NULL;
	    j = (j + 1) & (t->cap - 1))
		if (k->hash == h && k->spkilen == len &&
		    memcmp(k->spki, spki, len) == 0)
			return k;
	t->slot[j] = vkey_new(t, spki, len, h);
	t->n++;
	return t->slot[j];
}

/* Does sig (base64) sign the len bytes at data with k (valid)? */
static bool
vkey_verify(const struct vkey *k, const char *data, size_t len,
    const char *sig, size_t siglen)
{
	struct keys_pub	*pub = k->pub;
	bool		 ok;

	if (pub == NULL &&
	    (pub = keys_pub_from_spki_b64(k->spki, k->spkilen)) == NULL)
		return false;
	ok = keys_verify(pub, data, len, sig, siglen);
	if (pub != k->pub)
		keys_pub_free(pub);
	return ok;
}

static void
vkeys_free(struct vkeys *t)
{
	size_t	 i;

	for (i = 0; i < t->cap; i++) {
		if (t->slot[i] == NULL)
			continue;
		keys_pub_free(t->slot[i]->pub);
		free(t->slot[i]->spki);
		free(t->slot[i]);
	}
	free(t->slot);
	memset(t, 0, sizeof *t);
}

/* What the verifier carries from record to record and file to file. */
struct vstate {
	char		 chain[DIGEST_CHAIN_HEX + 1];	/* the last record's */
	bool		 first;		/* no record of this file read yet */
	unsigned long	 first_line;
	bool		 have_prev;	/* a file came before this one */
	char		 prevlast[DIGEST_CHAIN_HEX + 1];	/* its last */
	bool		 linked;	/* this file follows it */
	bool		 have_n;	/* last_n is the number to pass */
	uint64_t	 last_n;
	bool		 run2;		/* in a log format 2 run */
	unsigned long	 segments;
	char		*text;		/* the record's text, unescaped */
	char		*signed_bytes;	/* what its signature covers */
	size_t		 cap;		/* of both */
	struct vkeys	 keys;
	struct msglog_verdict *v;	/* this file's counts */
};

/*
 * Split the text of a server record ("key=value key=value ...", keys
 * of lower-case letters, values without spaces) into kv; return how
 * many words, or -1 if it is not of that form or has more than max.
 */
static int
split_kv(const char *s, size_t len, struct proto_str (*kv)[2], int max)
{
	const char	*w = s, *end = s + len, *sp, *eq;
	int		 n = 0;
	size_t		 i;

	while (w < end) {
		sp = memchr(w, ' ', (size_t)(end - w));
		if (sp == NULL)
			sp = end;
		eq = memchr(w, '=', (size_t)(sp - w));
		if (n == max || eq == NULL || eq == w || eq + 1 == sp)
			return -1;
		for (i = 0; w + i < eq; i++)
			if (w[i] < 'a' || w[i] > 'z')
				return -1;
		kv[n][0].p = w;
		kv[n][0].len = (size_t)(eq - w);
		kv[n][1].p = eq + 1;
		kv[n++][1].len = (size_t)(sp - eq - 1);
		if (sp + 1 == end)
			return -1;	/* a trailing space */
		w = sp + 1;
	}
	return n == 0 ? -1 : n;
}

/*
 * A segment record's text: "reason=R prev=C" and maybe more numbers
 * (size=, expected=, last=); true if well formed, with *prev pointing
 * at C and *last the value of last= (0 if none).
 */
static bool
segment_text(const char *s, size_t len, const char **prev, uint64_t *last)
{
	struct proto_str kv[8][2];
	uint64_t	 v;
	size_t		 i;
	int		 n, k;

	*last = 0;
	if ((n = split_kv(s, len, kv, 8)) < 2 || !IS(kv[0][0], "reason") ||
	    !IS(kv[1][0], "prev") || kv[1][1].len != DIGEST_CHAIN_HEX ||
	    !is_lower_hex(kv[1][1].p, DIGEST_CHAIN_HEX))
		return false;
	for (i = 1; i < sizeof seg_reasons / sizeof seg_reasons[0]; i++)
		if (kv[0][1].len == strlen(seg_reasons[i]) &&
		    memcmp(kv[0][1].p, seg_reasons[i], kv[0][1].len) == 0)
			break;
	if (i == sizeof seg_reasons / sizeof seg_reasons[0])
		return false;
	for (k = 2; k < n; k++) {
		if (!proto_num_parse(kv[k][1].p, kv[k][1].len, &v))
			return false;
		if (IS(kv[k][0], "last"))
			*last = v;
	}
	*prev = kv[1][1].p;
	return true;
}

/*
 * A rejects record's text: "count=N bytes=N" then "code=N" for each
 * code, the Ns of the codes adding up to count; true if so.
 */
static bool
rejects_text(const char *s, size_t len)
{
	struct proto_str kv[16][2];
	uint64_t	 count, bytes, v, sum = 0;
	int		 n, k;

	if ((n = split_kv(s, len, kv, 16)) < 3 || !IS(kv[0][0], "count") ||
	    !IS(kv[1][0], "bytes") ||
	    !proto_num_parse(kv[0][1].p, kv[0][1].len, &count) ||
	    !proto_num_parse(kv[1][1].p, kv[1][1].len, &bytes))
		return false;
	for (k = 2; k < n; k++) {
		if (!proto_num_parse(kv[k][1].p, kv[k][1].len, &v) ||
		    v == 0 || sum + v < sum)
			return false;
		sum += v;
	}
	return count > 0 && sum == count;
}

/*
 * The log format a start record's text names ("... log format 2,
 * ..."): 0 if it names none (older servers), -1 if the words are
 * there without a number this verifier can read.
 */
static int
start_format(const char *s, size_t len)
{
	static const char	 w[] = "log format ";
	const char		*p = s, *end = s + len, *d, *q;
	uint64_t		 v;

	while ((p = memmem(p, (size_t)(end - p), w, sizeof w - 1)) != NULL) {
		if (p == s || p[-1] == ' ') {
			d = p + sizeof w - 1;
			for (q = d; q < end && *q >= '0' && *q <= '9'; q++)
				;
			if ((q == end || *q == ',' || *q == ';' ||
			    *q == ' ') && proto_num_parse(d,
			    (size_t)(q - d), &v) && v < 1000)
				return (int)v;
			return -1;
		}
		p++;
	}
	return 0;
}

/*
 * The chain of a record: from the last record's value, or for a
 * segment record from the value its text names (which must be the
 * last record's, unless it is the file's first).  The first record of
 * a file also says whether the file follows the one before.
 */
static const char *
check_chain(const struct lrec *r, const char *line, struct vstate *st)
{
	char		 want[DIGEST_CHAIN_HEX + 1];
	const char	*prev = st->chain, *named = NULL, *why = NULL;
	char		 text[1024];
	uint64_t	 last;
	long		 tlen;

	if (IS(r->verdict, "segment")) {
		st->segments++;
		tlen = r->text.len < sizeof text ?
		    unescape(r->text.p, r->text.len, text, NULL) : -1;
		if (tlen >= 0 &&
		    segment_text(text, (size_t)tlen, &named, &last)) {
			if (!st->first &&
			    memcmp(named, st->chain, DIGEST_CHAIN_HEX) != 0)
				why = "a new chain segment that does not "
				    "follow the record before it (records "
				    "were removed or changed behind the "
				    "server's back)";
			prev = named;
		}
	}
	if (st->first) {
		st->linked = named != NULL && st->have_prev &&
		    memcmp(named, st->prevlast, DIGEST_CHAIN_HEX) == 0;
		if (!st->linked)
			st->have_n = false;
		st->first = false;
	}
	digest_chain_hex(prev, line, (size_t)(r->chain.p - line), want);
	memcpy(st->chain, r->chain.p, DIGEST_CHAIN_HEX);
	if (why == NULL && memcmp(want, r->chain.p, DIGEST_CHAIN_HEX) != 0)
		why = "chain broken (a record before it was removed, added "
		    "or altered)";
	return why;
}

/*
 * The fields every record has; the text is unescaped into st->text
 * (*tlen bytes; *full is the length it was cut from, or -1) and its
 * MD5 checked unless it was cut.
 */
static const char *
check_fields(const struct lrec *r, struct vstate *st, long *tlen,
    long long *full)
{
	char	 md5[DIGEST_MD5_HEX + 1];

	if (!is_stamp(r->time.p, r->time.len))
		return "malformed time";
	if (!IS_DASH(r->n) && !is_num(r->n.p, r->n.len))
		return "malformed message number";
	if (!is_num(r->id.p, r->id.len))
		return "malformed client id";
	if (r->nick.len == 0 || r->peer.len == 0)
		return "empty nick or peer";
	if (!IS_DASH(r->md5r) && !proto_md5_valid(r->md5r.p, r->md5r.len))
		return "malformed received digest";
	if (r->md5c.len != DIGEST_MD5_HEX ||
	    !is_lower_hex(r->md5c.p, r->md5c.len))
		return "malformed computed digest";
	if ((*tlen = unescape(r->text.p, r->text.len, st->text, full)) < 0)
		return "malformed text escape";
	if (*full >= 0)
		return *full > *tlen ? NULL : "cut text not shorter than the "
		    "length it gives";
	digest_md5_hex(st->text, (size_t)*tlen, md5);
	if (memcmp(md5, r->md5c.p, DIGEST_MD5_HEX) != 0)
		return "MD5 of the text does not match (text altered)";
	return NULL;
}

/*
 * The fields of log format 2: a recipient (and its key), the sender's
 * key and public key, a signature.  A public key must be an Ed25519
 * SubjectPublicKeyInfo whose SHA-256 is the key fingerprint; *kp gets
 * it (NULL if the record has none or it is bad).
 */
static const char *
check_fields2(const struct lrec *r, struct vstate *st, struct vkey **kp)
{
	struct vkey	*k;

	*kp = NULL;
	if (!IS_DASH(r->to) && !is_num(r->to.p, r->to.len))
		return "malformed recipient id";
	if (!IS_DASH(r->tokey) && !is_fp(r->tokey.p, r->tokey.len))
		return "malformed recipient key";
	if (!IS_DASH(r->tokey) && IS_DASH(r->to))
		return "a recipient key without a recipient";
	if (IS_DASH(r->key) != IS_DASH(r->spki))
		return "a key without its public key (spki), or a public key "
		    "without its key";
	if (!IS_DASH(r->sig) && !is_sig(r->sig.p, r->sig.len))
		return "malformed signature (not 88 characters of base64)";
	if (IS_DASH(r->key))
		return NULL;
	if (!is_fp(r->key.p, r->key.len))
		return "malformed key fingerprint";
	if (!is_spki(r->spki.p, r->spki.len))
		return "malformed public key (spki is not base64)";
	k = vkey_get(&st->keys, r->spki.p, r->spki.len);
	if (!k->valid)
		return "the public key (spki) is not the base64 DER "
		    "SubjectPublicKeyInfo of an Ed25519 key";
	if (memcmp(k->fp, r->key.p, KEYS_FP_LEN - 1) != 0)
		return "the public key (spki) does not hash to the key "
		    "fingerprint (key or public key altered)";
	*kp = k;
	return NULL;
}

/*
 * The signature of an accepted message, over what PROTOCOL.md says a
 * MSG or a DM signs, with the record's public key k; counted.
 */
static const char *
check_sig(const struct lrec *r, struct vstate *st, struct vkey *k,
    long tlen)
{
	char	 rkey[KEYS_FP_LEN];
	size_t	 n;

	if (IS_DASH(r->sig)) {
		st->v->unsigned_msgs++;
		if (k != NULL)
			k->unsig++;
		return NULL;
	}
	if (k == NULL) {
		st->v->sig_bad++;
		return "a signature without the signer's key (key and spki "
		    "are -)";
	}
	if (IS_DASH(r->to))
		n = keys_signed_msg(st->signed_bytes, st->text, (size_t)tlen);
	else {
		snprintf(rkey, sizeof rkey, "%.*s", (int)r->tokey.len,
		    r->tokey.p);
		n = keys_signed_dm(st->signed_bytes, rkey, st->text,
		    (size_t)tlen);
	}
	if (!vkey_verify(k, st->signed_bytes, n, r->sig.p, r->sig.len)) {
		st->v->sig_bad++;
		return "signature does not verify (text, key or signature "
		    "altered)";
	}
	st->v->signed_good++;
	k->good++;
	return NULL;
}

/* An accepted record: whole, digests equal, numbers going up. */
static const char *
check_accepted(const struct lrec *r, struct vstate *st, long tlen,
    long long full)
{
	uint64_t	 n;

	if (IS_DASH(r->n))
		return "accepted record without a message number";
	if (full >= 0)
		return "accepted record with a cut text";
	if (r->md5r.len != DIGEST_MD5_HEX ||
	    !digest_md5_equal(r->md5r.p, r->md5c.p))
		return "accepted record whose received digest does not match";
	if (!proto_text_valid(st->text, (size_t)tlen))
		return "accepted record with an invalid text";
	if (!proto_nick_valid(r->nick.p, r->nick.len))
		return "accepted record with an invalid nick";
	(void)proto_num_parse(r->n.p, r->n.len, &n);
	if (st->have_n && n <= st->last_n) {
		st->last_n = n;
		return st->run2 ? "message number not above the one before "
		    "it (in log format 2 numbers only go up: a record was "
		    "repeated or moved)" : "message number not above the "
		    "one before it (within a run of the server numbers "
		    "only go up: a record was repeated or moved)";
	}
	st->last_n = n;
	st->have_n = true;
	return NULL;
}

/*
 * A start record: the run it begins is in log format 2 if its text
 * says so; a run of format 1 numbers from 1 again.
 */
static const char *
check_start(const struct lrec *r, struct vstate *st, long tlen)
{
	int	 f = start_format(st->text, (size_t)tlen);

	st->run2 = f == 2 && r->format == 2;
	if (!st->run2)
		st->have_n = false;
	if (f == 2 && r->format != 2)
		return "a start record that says " MSGLOG_FORMAT_WORDS
		    " in the old layout (10 fields)";
	if (f != 0 && f != 1 && f != 2)
		return "a start record of a log format this verifier does "
		    "not know";
	return NULL;
}

static bool
is_rejection(const struct proto_str *verdict)
{
	return IS(*verdict, "badhash") || IS(*verdict, "badtext") ||
	    IS(*verdict, "flood") || IS(*verdict, "badsig") ||
	    IS(*verdict, "nouser");
}

/* The rules of each kind of record (its verdict). */
static const char *
check_kind(const struct lrec *r, struct vstate *st, long tlen,
    long long full, struct vkey *k)
{
	const char	*why, *sig, *dummy;
	uint64_t	 last;

	if (IS(r->verdict, "accepted")) {
		why = check_accepted(r, st, tlen, full);
		sig = full < 0 ? check_sig(r, st, k, tlen) : NULL;
		return why != NULL ? why : sig;
	}
	if (is_rejection(&r->verdict)) {
		if (IS(r->verdict, "badhash") &&
		    r->md5r.len == DIGEST_MD5_HEX &&
		    digest_md5_equal(r->md5r.p, r->md5c.p))
			return "badhash record whose digests match";
		return NULL;
	}
	if (full >= 0)
		return "cut text in a record that is not a rejection";
	if (!IS_DASH(r->to) || !IS_DASH(r->tokey) || !IS_DASH(r->key) ||
	    !IS_DASH(r->sig))
		return "a recipient, key or signature in a server record";
	if (IS(r->verdict, "start"))
		return check_start(r, st, tlen);
	if (!IS(r->verdict, "rejects") && !IS(r->verdict, "segment"))
		return "unknown verdict";
	if (!IS_DASH(r->n) || !IS_DASH(r->md5r))
		return "message number or received digest in a server record";
	if (IS(r->verdict, "rejects"))
		return rejects_text(st->text, (size_t)tlen) ? NULL :
		    "malformed rejects record";
	return segment_text(st->text, (size_t)tlen, &dummy, &last) ? NULL :
	    "malformed segment record";
}

/*
 * Check one record (without its newline).  Return NULL if it is good,
 * or why it is bad.  st->chain gets the record's own chain field when
 * it has one, so that one altered record does not condemn all those
 * after it.  A file that begins with a segment record of format 2 is
 * a format 2 run; a start record begins a run of its own format.
 */
static const char *
check_record(char *line, size_t len, struct vstate *st)
{
	struct lrec	 r;
	struct vkey	*k;
	const char	*why, *bad;
	long		 tlen;
	long long	 full;

	if ((why = split_record(line, len, &r)) != NULL)
		return why;
	if (st->first)
		st->run2 = IS(r.verdict, "segment") && r.format == 2;
	why = check_chain(&r, line, st);
	if (st->run2 && r.format == 1 && !IS(r.verdict, "start"))
		bad = "a record in the old layout (10 fields) inside a log "
		    "format 2 run";
	else if ((bad = check_fields(&r, st, &tlen, &full)) == NULL &&
	    (bad = check_fields2(&r, st, &k)) == NULL)
		bad = check_kind(&r, st, tlen, full, k);
	return bad != NULL ? bad : why;
}

/* Room for a record of len bytes in st's buffers. */
static void
vstate_room(struct vstate *st, size_t len)
{
	if (len + 1 <= st->cap)
		return;
	st->cap = len + 1;
	st->text = xrealloc(st->text, st->cap);
	st->signed_bytes = xrealloc(st->signed_bytes,
	    st->cap + 16 + KEYS_FP_LEN);
}

/* Check one file, going on from st; print and count into v. */
static int
verify_one(const char *path, FILE *out, struct vstate *st,
    struct msglog_verdict *v)
{
	FILE		*fp;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 len;
	unsigned long	 lineno = 0;
	const char	*why;

	memset(v, 0, sizeof *v);
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(out, "%s: cannot open: %s\n", path, strerror(errno));
		return 2;
	}
	memcpy(st->chain, GENESIS, sizeof st->chain);
	st->first = true;
	st->first_line = 0;
	st->segments = 0;
	st->v = v;
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (line[len - 1] != '\n') {
			v->torn = true;
			fprintf(out, "%s:%lu: torn last record (the server "
			    "stopped while writing it; it was never "
			    "acknowledged)\n", path, lineno);
			break;
		}
		line[--len] = '\0';
		v->records++;
		vstate_room(st, (size_t)len);
		why = check_record(line, (size_t)len, st);
		if (!st->first && st->first_line == 0)
			st->first_line = lineno;
		if (why == NULL)
			v->good++;
		else {
			v->bad++;
			fprintf(out, "%s:%lu: bad record: %s\n", path, lineno,
			    why);
		}
	}
	free(line);
	if (ferror(fp)) {
		fprintf(out, "%s: read error: %s\n", path, strerror(errno));
		fclose(fp);
		return 2;
	}
	fclose(fp);
	v->segments = st->segments;
	fprintf(out, "%s: %lu record%s, %lu good, %lu bad%s", path,
	    v->records, v->records == 1 ? "" : "s", v->good, v->bad,
	    v->torn ? ", torn last line ignored" : "");
	if (v->segments > 0)
		fprintf(out, ", %lu segment record%s", v->segments,
		    v->segments == 1 ? "" : "s");
	fputc('\n', out);
	return v->bad == 0 ? 0 : 1;
}

/* Add one file's verdict to the total. */
static void
verdict_add(struct msglog_verdict *v, const struct msglog_verdict *one)
{
	v->records += one->records;
	v->good += one->good;
	v->bad += one->bad;
	v->torn = v->torn || one->torn;
	v->segments += one->segments;
	v->signed_good += one->signed_good;
	v->sig_bad += one->sig_bad;
	v->unsigned_msgs += one->unsigned_msgs;
}

static int
vkey_cmp(const void *a, const void *b)
{
	return strcmp((*(struct vkey *const *)a)->fp,
	    (*(struct vkey *const *)b)->fp);
}

/*
 * After the summary: the messages by signature, then one line per key
 * that sent any (sorted by fingerprint).  v->keys gets their number.
 */
static void
print_keys(FILE *out, const char *label, struct msglog_verdict *v,
    const struct vkeys *t)
{
	struct vkey	**list;
	size_t		  i, n = 0;
	unsigned long	  all = v->signed_good + v->sig_bad + v->unsigned_msgs;

	fprintf(out, "%s: %lu message%s: %lu signed and good, %lu with a "
	    "bad signature, %lu unsigned\n", label, all, all == 1 ? "" : "s",
	    v->signed_good, v->sig_bad, v->unsigned_msgs);
	list = xreallocarray(NULL, t->n + 1, sizeof *list);
	for (i = 0; i < t->cap; i++)
		if (t->slot[i] != NULL &&
		    t->slot[i]->good + t->slot[i]->unsig > 0)
			list[n++] = t->slot[i];
	qsort(list, n, sizeof *list, vkey_cmp);
	for (i = 0; i < n; i++)
		fprintf(out, "%s: key %s: %lu signed and good, %lu "
		    "unsigned\n", label, list[i]->fp, list[i]->good,
		    list[i]->unsig);
	v->keys = n;
	free(list);
}

int
msglog_verify_files(const char *const *paths, size_t n, FILE *out,
    struct msglog_verdict *v)
{
	struct msglog_verdict one, vv;
	struct vstate	 st;
	const char	*prevpath = NULL;
	char		 label[64];
	size_t		 i;
	int		 rc = 0, r;

	if (v == NULL)
		v = &vv;
	memset(v, 0, sizeof *v);
	memset(&st, 0, sizeof st);
	for (i = 0; i < n; i++) {
		st.have_prev = prevpath != NULL;
		r = verify_one(paths[i], out, &st, &one);
		verdict_add(v, &one);
		if (r == 2) {
			rc = 2;
			prevpath = NULL;
			st.have_n = false;
			continue;
		}
		if (r == 1 && rc == 0)
			rc = 1;
		if (one.records == 0)
			continue;	/* an empty file: link across it */
		if (prevpath != NULL && !st.linked) {
			fprintf(out, "%s:%lu: does not follow %s: its first "
			    "record is not a segment record that names the "
			    "last chain value of %s (a file is missing, out "
			    "of order, or records were cut off its end)\n",
			    paths[i], st.first_line, prevpath, prevpath);
			v->links_bad++;
			if (rc == 0)
				rc = 1;
		}
		prevpath = paths[i];
		memcpy(st.prevlast, st.chain, sizeof st.prevlast);
	}
	if (n > 1)
		fprintf(out, "%zu files: %lu records, %lu good, %lu bad, "
		    "%lu broken links between files\n", n, v->records,
		    v->good, v->bad, v->links_bad);
	snprintf(label, sizeof label, "%zu files", n);
	print_keys(out, n == 1 ? paths[0] : label, v, &st.keys);
	vkeys_free(&st.keys);
	free(st.text);
	free(st.signed_bytes);
	return rc;
}

int
msglog_verify(const char *path, FILE *out, struct msglog_verdict *v)
{
	return msglog_verify_files(&path, 1, out, v);
}

/*
 * msglog_history: the end of the log read backwards, a window at a
 * time.  Messages are kept as copies (newest first) until the reading
 * stops, then given to the callback oldest first.
 */
#define HIST_FIRST	(64 * 1024)
#define HIST_WINDOW_MAX	(8 * 1024 * 1024)
#define HIST_LINE_MAX	(64 * 1024)	/* longer lines are not records */

static size_t	 hist_first = HIST_FIRST;

void
msglog_history_window(size_t first)
{
	hist_first = first > 0 ? first : HIST_FIRST;
}

struct hmsg {
	char		*buf;		/* the fields, then the text */
	struct msglog_msg m;
};

struct hist {
	unsigned	 max;
	struct hmsg	*msgs;		/* newest first */
	size_t		 n;
	size_t		 cap;
	bool		 have_n;	/* tail->last_n is known */
	struct msglog_tail *tail;
};

/* A copy of field f of the line copied to buf (line at its start). */
static const char *
hist_field(char *buf, const char *line, struct proto_str f)
{
	char	*p = buf + (f.p - line);

	p[f.len] = '\0';	/* the TAB after it, or the line's end */
	return p;
}

/*
 * Are the fields of an accepted message sound (the text whole, its
 * MD5 right, keys and signature well formed)?  Its text is unescaped
 * into text (room for r->text.len bytes); *tlen gets its length.
 */
static bool
hist_sound(const struct lrec *r, char *text, long *tlen)
{
	char	 md5[DIGEST_MD5_HEX + 1];

	if (!is_stamp(r->time.p, r->time.len) || !is_num(r->n.p, r->n.len) ||
	    !is_num(r->id.p, r->id.len) ||
	    !proto_nick_valid(r->nick.p, r->nick.len) ||
	    r->md5c.len != DIGEST_MD5_HEX ||
	    !is_lower_hex(r->md5c.p, DIGEST_MD5_HEX) ||
	    r->md5r.len != DIGEST_MD5_HEX ||
	    !digest_md5_equal(r->md5r.p, r->md5c.p))
		return false;
	if (IS_DASH(r->key) != IS_DASH(r->spki) ||
	    (!IS_DASH(r->key) && (!is_fp(r->key.p, r->key.len) ||
	    !is_spki(r->spki.p, r->spki.len))) ||
	    (!IS_DASH(r->sig) && !is_sig(r->sig.p, r->sig.len)))
		return false;
	if ((*tlen = unescape(r->text.p, r->text.len, text, NULL)) < 0 ||
	    !proto_text_valid(text, (size_t)*tlen))
		return false;
	digest_md5_hex(text, (size_t)*tlen, md5);
	return memcmp(md5, r->md5c.p, DIGEST_MD5_HEX) == 0;
}

/* Keep a copy of an accepted message (line, len bytes); false if bad. */
static bool
hist_take(struct hist *h, const char *line, size_t len,
    const struct lrec *r)
{
	struct hmsg	*hm;
	char		*buf = xmalloc(2 * len + 2);
	long		 tlen;
	uint64_t	 v;

	if (!hist_sound(r, buf + len + 1, &tlen)) {
		free(buf);
		return false;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	buf[len + 1 + tlen] = '\0';
	if (h->n == h->cap) {
		h->cap = h->cap == 0 ? 64 : h->cap * 2;
		h->msgs = xreallocarray(h->msgs, h->cap, sizeof *h->msgs);
	}
	hm = &h->msgs[h->n++];
	memset(hm, 0, sizeof *hm);
	hm->buf = buf;
	(void)proto_num_parse(r->n.p, r->n.len, &v);
	hm->m.n = v;
	(void)proto_num_parse(r->id.p, r->id.len, &v);
	hm->m.id = v;
	hm->m.stamp = hist_field(buf, line, r->time);
	hm->m.nick = hist_field(buf, line, r->nick);
	hm->m.nicklen = r->nick.len;
	hm->m.md5 = hist_field(buf, line, r->md5c);
	if (!IS_DASH(r->key)) {
		hm->m.key = hist_field(buf, line, r->key);
		hm->m.spki = hist_field(buf, line, r->spki);
	}
	if (!IS_DASH(r->sig))
		hm->m.sig = hist_field(buf, line, r->sig);
	hm->m.text = buf + len + 1;
	hm->m.textlen = (size_t)tlen;
	return true;
}

/* A segment record's last=, or 0. */
static uint64_t
hist_segment_last(const struct lrec *r)
{
	char		 text[1024];
	const char	*prev;
	uint64_t	 last;
	long		 tlen;

	if (r->text.len >= sizeof text ||
	    (tlen = unescape(r->text.p, r->text.len, text, NULL)) < 0 ||
	    !segment_text(text, (size_t)tlen, &prev, &last))
		return 0;
	return last;
}

/*
 * One record read (newest first); true once reading may stop.  A line
 * longer than any record can be is passed over unread (line is NULL
 * when it was not even kept).
 */
static bool
hist_line(struct hist *h, const char *line, size_t len)
{
	struct msglog_tail *t = h->tail;
	struct lrec	 r;
	uint64_t	 v;

	t->records++;
	if (line == NULL || len > HIST_LINE_MAX ||
	    split_record(line, len, &r) != NULL ||
	    !proto_num_parse(r.id.p, r.id.len, &v)) {
		t->skipped++;
		goto out;
	}
	if (v > t->max_id)
		t->max_id = v;
	if (!IS_DASH(r.n) && proto_num_parse(r.n.p, r.n.len, &v)) {
		h->have_n = true;
		if (v > t->last_n)
			t->last_n = v;
	}
	if (IS(r.verdict, "segment") && (v = hist_segment_last(&r)) > 0) {
		h->have_n = true;
		if (v > t->last_n)
			t->last_n = v;
	}
	if (IS(r.verdict, "accepted") && IS_DASH(r.to) && h->n < h->max &&
	    !hist_take(h, line, len, &r))
		t->skipped++;
out:
	return h->n >= h->max && h->have_n;
}

/*
 * The complete lines of buf (len bytes, from file offset lo), newest
 * first.  The head of buf before its first newline is a line only if
 * lo is 0; else its length goes to *carry (it is kept for the next
 * window).  Return true once reading may stop.
 */
static bool
hist_lines(struct hist *h, const char *buf, size_t len, off_t lo,
    size_t *carry)
{
	const char	*q;
	size_t		 e = len;

	*carry = 0;
	while (e > 0) {
		/* buf[e - 1] is a newline; find the line before it. */
		q = e > 1 ? memrchr(buf, '\n', e - 1) : NULL;
		if (q == NULL && lo > 0) {
			*carry = e;
			return false;
		}
		if (q == NULL)
			return hist_line(h, buf, e - 1);
		if (hist_line(h, q + 1, (size_t)(buf + e - 1 - q - 1)))
			return true;
		e = (size_t)(q - buf) + 1;
	}
	return false;
}

/*
 * Read the window before lo into the buffer, ahead of the carry (the
 * first carry bytes of the buffer, a line's end).  Return how many
 * bytes were read (lo moves back by as many), or -1.
 */
static ssize_t
hist_read(int fd, char **buf, size_t *cap, size_t window, off_t *lo,
    size_t carry)
{
	size_t	 want = *lo < (off_t)window ? (size_t)*lo : window, got = 0;
	ssize_t	 n;

	if (want + carry > *cap) {
		*cap = want + carry;
		*buf = xrealloc(*buf, *cap);
	}
	memmove(*buf + want, *buf, carry);
	while (got < want) {
		n = pread(fd, *buf + got, want - got, *lo - (off_t)want +
		    (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;	/* the file shrank */
			return -1;
		}
		got += (size_t)n;
	}
	*lo -= (off_t)want;
	return (ssize_t)want;
}

/*
 * Give the messages kept to fn, oldest first, and free them (all of
 * them if fn is NULL).
 */
static void
hist_deliver(struct hist *h, void (*fn)(void *, const struct msglog_msg *),
    void *arg)
{
	size_t	 i;

	for (i = h->n; i-- > 0;) {
		if (fn != NULL)
			fn(arg, &h->msgs[i].m);
		free(h->msgs[i].buf);
	}
	free(h->msgs);
}

int
msglog_history(struct msglog *lg, unsigned max,
    void (*fn)(void *arg, const struct msglog_msg *), void *arg,
    struct msglog_tail *tail)
{
	struct hist	 h;
	struct stat	 st;
	char		*buf = NULL, *nl;
	size_t		 cap = 0, carry = 0, window = hist_first;
	ssize_t		 got;
	off_t		 lo;
	bool		 done = false, skipping = false, first = true;
	int		 e;

	memset(tail, 0, sizeof *tail);
	memset(&h, 0, sizeof h);
	h.max = max;
	h.tail = tail;
	if (!lg->seekable)
		return 0;
	if (fstat(lg->fd, &st) == -1)
		return -1;
	lo = st.st_size;
	while (!done && lo > 0) {
		if ((got = hist_read(lg->fd, &buf, &cap, window, &lo,
		    carry)) == -1)
			goto fail;
		if (window < HIST_WINDOW_MAX)
			window *= 2;
		if (skipping || first) {
			/* Drop what follows the last newline read. */
			nl = memrchr(buf, '\n', (size_t)got + carry);
			if (nl == NULL && lo > 0) {
				carry = 0;
				continue;
			}
			if (skipping)	/* the long line's start is found */
				(void)hist_line(&h, NULL, 0);
			else if (nl != buf + got + carry - 1)
				tail->skipped++;	/* a torn tail */
			carry = nl == NULL ? 0 : (size_t)(nl - buf) + 1;
			got = 0;
			skipping = first = false;
		}
		done = hist_lines(&h, buf, (size_t)got + carry, lo, &carry);
		if (carry > HIST_LINE_MAX) {
			skipping = true;	/* not a record: pass over it */
			carry = 0;
		}
	}
	free(buf);
	if (tail->last_n > lg->last_n)
		lg->last_n = tail->last_n;
	hist_deliver(&h, fn, arg);
	return 0;
fail:
	e = errno;
	free(buf);
	hist_deliver(&h, NULL, NULL);
	errno = e;
	return -1;
}
