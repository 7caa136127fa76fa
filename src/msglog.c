/*
 * msglog.c -- the append-only message log and its verifier.
 *
 * A record is one line of ten fields separated by TAB:
 *   time  n  id  nick  peer  md5-received  md5-computed  verdict  text  chain
 * time is UTC with milliseconds (2026-11-27T09:01:02.345Z); n is the
 * message number or "-"; md5-received is "-" when none was given; the
 * text is escaped (backslash as \\, TAB as \t, other control bytes and
 * bytes that are not UTF-8 as \xHH), so a text without TAB or backslash
 * appears verbatim; chain is SHA-256, in hex, of the previous record's
 * chain (64 zeros for the first record) followed by this record's bytes
 * up to and including the TAB before the chain.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "msglog.h"
#include "protocol.h"
#include "utf8.h"
#include "xmalloc.h"

#define GENESIS	"0000000000000000000000000000000000000000000000000000000000000000"
#define TAILREAD	(64 * 1024)

struct msglog {
	int		 fd;
	char		*path;
	bool		 seekable;
	char		 chain[DIGEST_CHAIN_HEX + 1];

	char		 stamp[64];	/* time of the current batch */
	time_t		 stamp_sec;
	char		 stamp_base[24];

	char		*batch;		/* records of the current batch */
	size_t		 blen;
	size_t		 bcap;
	size_t		*ends;		/* end offset of each record */
	char		(*chains)[DIGEST_CHAIN_HEX + 1];
	size_t		 nrec;
	size_t		 recap;

	char		*tail;		/* unwritten end of a torn record */
	size_t		 taillen;
};

static bool	is_hex(const char *, size_t);

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
 * Open (creating if needed) the log at path for appending.  The file
 * is opened non-blocking so that a FIFO nobody reads cannot stall the
 * server.  If the file has records, the chain goes on from the last
 * one.  Return NULL with a sentence in err on failure; on success err
 * may hold a warning (empty string otherwise).
 */
struct msglog *
msglog_open(const char *path, char *err, size_t errlen)
{
	struct msglog	*lg;
	struct stat	 st;

	err[0] = '\0';
	lg = xcalloc(1, sizeof *lg);
	lg->path = xstrdup(path);
	memcpy(lg->chain, GENESIS, sizeof lg->chain);
	lg->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK |
	    O_CLOEXEC, 0644);
	if (lg->fd == -1 || fstat(lg->fd, &st) == -1) {
		snprintf(err, errlen, "cannot open log file %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (S_ISREG(st.st_mode)) {
		int	 rfd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);

		/* Reading the tail needs a readable descriptor. */
		if (rfd == -1) {
			snprintf(err, errlen, "cannot read log file %s: %s",
			    path, strerror(errno));
			goto fail;
		}
		close(lg->fd);
		lg->fd = rfd;
		lg->seekable = true;
		/*
		 * One server per log: a second one would cut or extend
		 * the file from its own idea of the size.  Taken before
		 * anything is read or cut, so a refused start touches
		 * nothing.
		 */
		if (flock(lg->fd, LOCK_EX | LOCK_NB) == -1) {
			if (errno == EWOULDBLOCK)
				snprintf(err, errlen, "log file %s is in use "
				    "by another xchatd (it holds the lock)",
				    path);
			else
				snprintf(err, errlen, "cannot lock log file "
				    "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (read_tail(lg, err, errlen) == -1) {
			snprintf(err, errlen, "cannot read log file %s: %s",
			    path, strerror(errno));
			goto fail;
		}
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
	free(lg->tail);
	free(lg->path);
	free(lg);
}

const char *
msglog_path(const struct msglog *lg)
{
	return lg->path;
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

size_t
msglog_escape(const char *src, size_t len, char *dst)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*s = (const unsigned char *)src;
	char			*d = dst;
	size_t			 i = 0, n;

	while (i < len) {
		unsigned char	 c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			*d++ = (char)c;
			i++;
		} else if (c == '\\') {
			*d++ = '\\';
			*d++ = '\\';
			i++;
		} else if (c == '\t') {
			*d++ = '\\';
			*d++ = 't';
			i++;
		} else if (c >= 0x80 && (n = utf8_seq(src + i, len - i)) > 1) {
			memcpy(d, s + i, n);
			d += n;
			i += n;
		} else {
			*d++ = '\\';
			*d++ = 'x';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 15];
			i++;
		}
	}
	return (size_t)(d - dst);
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

long
msglog_unescape(const char *src, size_t len, char *dst)
{
	char	*d = dst;
	size_t	 i;
	int	 h, l;

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
		default:
			return -1;
		}
	}
	return (long)(d - dst);
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
	}
	start = batch_reserve(lg, 256 + r->nicklen + strlen(r->peer) +
	    4 * r->textlen + DIGEST_CHAIN_HEX);
	p = start;
	p = proto_put_str(p, lg->stamp);
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
	p += msglog_escape(r->text, r->textlen, p);
	*p++ = '\t';

	idx = lg->nrec;
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
msglog_pending(const struct msglog *lg)
{
	return lg->nrec;
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

/* Write buf fully if the descriptor takes it; return bytes written. */
static size_t
write_some(int fd, const char *buf, size_t len, int *errnum)
{
	size_t	 done = 0;
	ssize_t	 n;

	while (done < len) {
		n = write(fd, buf + done, len - done);
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

size_t
msglog_commit(struct msglog *lg, int *errnum)
{
	size_t	 done, k;
	off_t	 base;

	*errnum = 0;
	if (lg->nrec == 0)
		return 0;
	/* First finish a record torn by an earlier partial write. */
	if (lg->taillen > 0) {
		done = write_some(lg->fd, lg->tail, lg->taillen, errnum);
		memmove(lg->tail, lg->tail + done, lg->taillen - done);
		lg->taillen -= done;
		if (lg->taillen > 0) {
			k = 0;
			goto out;
		}
	}
	base = file_size(lg);
	done = write_some(lg->fd, lg->batch, lg->blen, errnum);
	for (k = 0; k < lg->nrec && lg->ends[k] <= done; k++)
		;
	if (k < lg->nrec && done > (k == 0 ? 0 : lg->ends[k - 1])) {
		size_t	 whole = k == 0 ? 0 : lg->ends[k - 1];

		/*
		 * A torn record: cut it off if the file still ends with
		 * exactly what we wrote (the sizes come from fstat, never
		 * from memory: the file may have been truncated or copied
		 * behind our back); else finish it later.
		 */
		if (base == -1 || file_size(lg) != base + (off_t)done ||
		    ftruncate(lg->fd, base + (off_t)whole) == -1) {
			lg->taillen = lg->ends[k] - done;
			lg->tail = xrealloc(lg->tail, lg->taillen);
			memcpy(lg->tail, lg->batch + done, lg->taillen);
		}
	}
	if (k > 0)
		memcpy(lg->chain, lg->chains[k - 1], sizeof lg->chain);
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

/*
 * Check one record (without its newline) against the previous chain
 * value.  Return NULL if it is good, or why it is bad.  *chain gets
 * the record's own chain field when it has one, so that one altered
 * record does not condemn all those after it.
 */
static const char *
check_record(char *line, size_t len, char chain[DIGEST_CHAIN_HEX + 1],
    char *text)
{
	struct proto_str f[MSGLOG_FIELDS];
	char		 md5[DIGEST_MD5_HEX + 1], want[DIGEST_CHAIN_HEX + 1];
	const char	*why = NULL;
	char		*p = line, *end = line + len, *tab;
	long		 tlen;
	int		 n = 0;

	while (n < MSGLOG_FIELDS) {
		tab = memchr(p, '\t', (size_t)(end - p));
		f[n].p = p;
		if (tab == NULL) {
			f[n++].len = (size_t)(end - p);
			break;
		}
		f[n++].len = (size_t)(tab - p);
		p = tab + 1;
	}
	if (n != MSGLOG_FIELDS || tab != NULL)
		return "wrong number of fields";
	if (f[9].len != DIGEST_CHAIN_HEX || !is_lower_hex(f[9].p, f[9].len))
		return "malformed chain value";
	digest_chain_hex(chain, line, (size_t)(f[9].p - line), want);
	memcpy(chain, f[9].p, DIGEST_CHAIN_HEX);
	if (memcmp(want, f[9].p, DIGEST_CHAIN_HEX) != 0)
		why = "chain broken (a record before it was removed, added "
		    "or altered)";

	if (!is_stamp(f[0].p, f[0].len))
		return "malformed time";
	if (!(f[1].len == 1 && f[1].p[0] == '-') && !is_num(f[1].p, f[1].len))
		return "malformed message number";
	if (!is_num(f[2].p, f[2].len))
		return "malformed client id";
	if (f[3].len == 0 || f[4].len == 0)
		return "empty nick or peer";
	if (!(f[5].len == 1 && f[5].p[0] == '-') &&
	    !proto_md5_valid(f[5].p, f[5].len))
		return "malformed received digest";
	if (f[6].len != DIGEST_MD5_HEX || !is_lower_hex(f[6].p, f[6].len))
		return "malformed computed digest";
	if ((tlen = msglog_unescape(f[8].p, f[8].len, text)) < 0)
		return "malformed text escape";
	digest_md5_hex(text, (size_t)tlen, md5);
	if (memcmp(md5, f[6].p, DIGEST_MD5_HEX) != 0)
		return "MD5 of the text does not match (text altered)";

#define VERDICT(s) (f[7].len == sizeof(s) - 1 && \
	memcmp(f[7].p, s, sizeof(s) - 1) == 0)
	if (VERDICT("accepted")) {
		if (f[1].len == 1 && f[1].p[0] == '-')
			return "accepted record without a message number";
		if (f[5].len != DIGEST_MD5_HEX ||
		    !digest_md5_equal(f[5].p, md5))
			return "accepted record whose received digest "
			    "does not match";
		if (!proto_text_valid(text, (size_t)tlen))
			return "accepted record with an invalid text";
		if (!proto_nick_valid(f[3].p, f[3].len))
			return "accepted record with an invalid nick";
	} else if (VERDICT("badhash")) {
		if (f[5].len == DIGEST_MD5_HEX &&
		    digest_md5_equal(f[5].p, md5))
			return "badhash record whose digests match";
	} else if (!VERDICT("badtext") && !VERDICT("flood") &&
	    !VERDICT("start"))
		return "unknown verdict";
#undef VERDICT
	return why;
}

int
msglog_verify(const char *path, FILE *out, struct msglog_verdict *v)
{
	FILE		*fp;
	char		*line = NULL, *text = NULL;
	char		 chain[DIGEST_CHAIN_HEX + 1];
	size_t		 cap = 0, tcap = 0;
	ssize_t		 len;
	unsigned long	 lineno = 0;
	const char	*why;
	struct msglog_verdict vv;

	if (v == NULL)
		v = &vv;
	memset(v, 0, sizeof *v);
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(out, "%s: cannot open: %s\n", path, strerror(errno));
		return 2;
	}
	memcpy(chain, GENESIS, sizeof chain);
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
		if ((size_t)len + 1 > tcap) {
			tcap = (size_t)len + 1;
			text = xrealloc(text, tcap);
		}
		why = check_record(line, (size_t)len, chain, text);
		if (why == NULL)
			v->good++;
		else {
			v->bad++;
			fprintf(out, "%s:%lu: bad record: %s\n", path, lineno,
			    why);
		}
	}
	if (ferror(fp)) {
		fprintf(out, "%s: read error: %s\n", path, strerror(errno));
		fclose(fp);
		free(line);
		free(text);
		return 2;
	}
	fclose(fp);
	free(line);
	free(text);
	fprintf(out, "%s: %lu records, %lu good, %lu bad%s\n", path,
	    v->records, v->good, v->bad,
	    v->torn ? ", torn last line ignored" : "");
	return v->bad == 0 ? 0 : 1;
}
