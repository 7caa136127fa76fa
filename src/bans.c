/*
 * bans.c -- bans for a time: the bans file read into an array (target,
 * until, reason), looked up by a linear search (an operator's list),
 * and rewritten through a temporary file renamed over it on each
 * change.  A rewrite copies the file as it is on disk, line for line,
 * leaving out only the lines of the target being changed and those of
 * bans that are over, then adds the new ban: comments, hostile lines
 * and lines added by hand since the last read stay.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bans.h"
#include "log.h"
#include "protocol.h"
#include "xmalloc.h"

struct ban {
	char		 target[BANS_TARGET_MAX + 1];
	time_t		 until;		/* BANS_FOREVER: never over */
	char		*reason;	/* "" for none */
};

struct bans {
	char		*path;
	struct ban	*v;
	size_t		 n, cap;
	unsigned	 warned;	/* warnings of the last read */
	unsigned long	 gen;		/* changes so far */
};

/* A read tells this many lines it skips, then only how many more. */
#define WARN_MAX	20

/* What one line of the file is. */
enum line_kind {
	LINE_BLANK,		/* empty, blanks only, or a comment */
	LINE_BAN,		/* a ban (maybe one that is over) */
	LINE_BAD		/* cannot be used: why says why */
};

/* A ban's end is over at now. */
static bool
over(time_t until, time_t now)
{
	return until != BANS_FOREVER && until <= now;
}

bool
bans_target(const char *s, size_t len, char *out)
{
	unsigned char	 a[16];
	char		 buf[INET6_ADDRSTRLEN + 1];
	size_t		 i;

	if (len == PROTO_KEY_LEN && strncmp(s, "sha256:", 7) == 0) {
		for (i = 7; i < len; i++)
			if (!((s[i] >= '0' && s[i] <= '9') ||
			    ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f')))
				return false;
		for (i = 0; i < len; i++)
			out[i] = i < 7 ? s[i] : (char)(s[i] >= 'A' &&
			    s[i] <= 'F' ? s[i] | 0x20 : s[i]);
		out[len] = '\0';
		return true;
	}
	if (len == 0 || len > INET6_ADDRSTRLEN - 1)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, a) == 1)
		return inet_ntop(AF_INET, a, out, BANS_TARGET_MAX + 1) != NULL;
	if (inet_pton(AF_INET6, buf, a) != 1)
		return false;
	/* ::ffff:1.2.3.4 is 1.2.3.4 (a v4 client of a v6 socket). */
	if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\377\377", 12) == 0)
		return inet_ntop(AF_INET, a + 12, out,
		    BANS_TARGET_MAX + 1) != NULL;
	return inet_ntop(AF_INET6, a, out, BANS_TARGET_MAX + 1) != NULL;
}

bool
bans_peer_address(const char *peer, char *out)
{
	const char	*end;

	if (peer[0] == '[') {
		if ((end = strchr(peer, ']')) == NULL)
			return false;
		return bans_target(peer + 1, (size_t)(end - peer - 1), out);
	}
	if ((end = strrchr(peer, ':')) == NULL)
		end = peer + strlen(peer);
	return bans_target(peer, (size_t)(end - peer), out);
}

/* Parse "forever" or a positive decimal Unix time into *until. */
static bool
parse_until(const char *s, size_t len, time_t *until)
{
	long long	 v = 0;
	size_t		 i;

	if (len == 7 && memcmp(s, "forever", 7) == 0) {
		*until = BANS_FOREVER;
		return true;
	}
	if (len == 0 || len > 18 || s[0] == '0')
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*until = (time_t)v;
	return (long long)*until == v;
}

/* The length of the field at s: up to a blank or the end. */
static size_t
field_len(const char *s, const char *end)
{
	const char	*p = s;

	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return (size_t)(p - s);
}

/* Skip blanks. */
static const char *
blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/*
 * One line (len bytes, no newline, no CR): what it is; a ban into *b
 * (its reason pointing into the line, *rlen bytes), or why it is bad.
 */
static enum line_kind
ban_parse_line(const char *line, size_t len, struct ban *b, const char **reason,
    size_t *rlen, const char **why)
{
	const char	*end = line + len, *p = blanks(line, end);
	size_t		 n;

	if (p == end || *p == '#')
		return LINE_BLANK;
	if (memchr(line, '\0', len) != NULL) {
		*why = "a NUL byte";
		return LINE_BAD;
	}
	if (!proto_utf8_valid(line, len)) {
		*why = "not UTF-8";
		return LINE_BAD;
	}
	n = field_len(p, end);
	if (!bans_target(p, n, b->target)) {
		*why = "not an address or a key (sha256:...) first";
		return LINE_BAD;
	}
	p = blanks(p + n, end);
	n = field_len(p, end);
	if (!parse_until(p, n, &b->until)) {
		*why = "no end time (a Unix time in seconds, or forever) after "
		    "the address or key";
		return LINE_BAD;
	}
	p = blanks(p + n, end);
	*reason = p;
	*rlen = (size_t)(end - p);
	if (*rlen > 0 && !proto_away_valid(p, *rlen)) {
		*why = "a reason with control characters or over 200 bytes";
		return LINE_BAD;
	}
	return LINE_BAN;
}

/* The index of target's ban, or b->n. */
static size_t
find(const struct bans *b, const char *target)
{
	size_t	 i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->v[i].target, target) == 0)
			break;
	return i;
}

static void
ban_remove_at(struct bans *b, size_t i)
{
	free(b->v[i].reason);
	memmove(b->v + i, b->v + i + 1, (b->n - i - 1) * sizeof *b->v);
	b->n--;
	b->gen++;
}

/* Append a copy of ban nb with reason (rlen bytes). */
static void
ban_append(struct bans *b, const struct ban *nb, const char *reason,
    size_t rlen)
{
	if (b->n == b->cap) {
		b->cap = b->cap == 0 ? 16 : b->cap * 2;
		b->v = xreallocarray(b->v, b->cap, sizeof *b->v);
	}
	b->v[b->n] = *nb;
	b->v[b->n].reason = xstrndup(reason, rlen);
	b->n++;
	b->gen++;
}

static void
ban_clear(struct bans *b)
{
	while (b->n > 0)
		ban_remove_at(b, b->n - 1);
}

/*
 * Read up to cap bytes of a line of f into buf: *len the bytes, *nl
 * whether its newline came (it is not stored).  False at the end of
 * the file with nothing read.
 */
static bool
read_chunk(FILE *f, char *buf, size_t cap, size_t *len, bool *nl)
{
	size_t	 n = 0;
	int	 c = 0;

	*nl = false;
	while (n < cap && (c = getc(f)) != EOF) {
		if (c == '\n') {
			*nl = true;
			break;
		}
		buf[n++] = (char)c;
	}
	*len = n;
	return n > 0 || *nl;
}

/*
 * The next line of f: true with a whole line of at most BANS_LINE_MAX
 * bytes in buf (*len, a CR before the newline taken off), or with
 * *toolong set for a longer one (its first chunk in buf, *len bytes;
 * the rest is the caller's to read with read_chunk).  False at the end.
 */
static bool
next_line(FILE *f, char *buf, size_t *len, bool *toolong, bool *nl)
{
	if (!read_chunk(f, buf, BANS_LINE_MAX + 1, len, nl))
		return false;
	*toolong = *len > BANS_LINE_MAX;
	if (!*toolong && *len > 0 && buf[*len - 1] == '\r')
		(*len)--;
	return true;
}

/* Read the rest of a long line (copying it to out, if not NULL). */
static bool
rest_of_line(FILE *f, char *buf, bool nl, FILE *out)
{
	size_t	 n;

	while (!nl && read_chunk(f, buf, BANS_LINE_MAX + 1, &n, &nl))
		if (out != NULL && fwrite(buf, 1, n, out) != n)
			return false;
	return true;
}

/* One line read at load: a ban kept, a line skipped with a warning. */
/* True if a warning about a line may be told (WARN_MAX a read). */
static bool
warn_ok(struct bans *b)
{
	return b->warned++ < WARN_MAX;
}

static void
load_line(struct bans *b, const char *line, size_t len, unsigned no,
    time_t now)
{
	struct ban	 nb;
	const char	*why = NULL, *reason = NULL;
	size_t		 rlen = 0, i;

	switch (ban_parse_line(line, len, &nb, &reason, &rlen, &why)) {
	case LINE_BLANK:
		return;
	case LINE_BAD:
		if (warn_ok(b))
			log_warnx("%s:%u: %s: line skipped", b->path, no,
			    why);
		return;
	case LINE_BAN:
		break;
	}
	if ((i = find(b, nb.target)) < b->n) {
		if (warn_ok(b))
			log_warnx("%s:%u: %s is banned in an earlier line "
			    "too: this line counts", b->path, no, nb.target);
		ban_remove_at(b, i);
	}
	if (over(nb.until, now))
		return;
	if (b->n >= BANS_MAX) {
		if (warn_ok(b))
			log_warnx("%s:%u: over %d bans: line skipped",
			    b->path, no, BANS_MAX);
		return;
	}
	ban_append(b, &nb, reason, rlen);
}

/* Read the file into b (emptied first); false with err. */
static bool
ban_read_file(struct bans *b, time_t now, char *err, size_t errlen)
{
	FILE		*f;
	char		 line[BANS_LINE_MAX + 2];
	unsigned	 no = 0;
	size_t		 n;
	bool		 toolong, nl;

	ban_clear(b);
	b->warned = 0;
	if ((f = fopen(b->path, "r")) == NULL) {
		if (errno == ENOENT)
			return true;
		snprintf(err, errlen, "cannot read the bans file %s: %s",
		    b->path, strerror(errno));
		return false;
	}
	while (next_line(f, line, &n, &toolong, &nl)) {
		if (++no > BANS_LINES_MAX) {
			log_warnx("%s: over %d lines: the rest is not read",
			    b->path, BANS_LINES_MAX);
			break;
		}
		if (toolong) {
			if (warn_ok(b))
				log_warnx("%s:%u: over %d bytes: line skipped",
				    b->path, no, BANS_LINE_MAX);
			rest_of_line(f, line, nl, NULL);
			continue;
		}
		load_line(b, line, n, no, now);
	}
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read the bans file %s: %s",
		    b->path, strerror(errno));
		fclose(f);
		return false;
	}
	fclose(f);
	if (b->warned > WARN_MAX)
		log_warnx("%s: %u more lines skipped or overridden (not told "
		    "one by one)", b->path, b->warned - WARN_MAX);
	return true;
}

struct bans *
bans_load(const char *path, time_t now, char *err, size_t errlen)
{
	struct bans	*b = xcalloc(1, sizeof *b);

	b->path = xstrdup(path);
	if (!ban_read_file(b, now, err, errlen)) {
		bans_free(b);
		return NULL;
	}
	return b;
}

void
bans_free(struct bans *b)
{
	if (b == NULL)
		return;
	ban_clear(b);
	free(b->v);
	free(b->path);
	free(b);
}

bool
bans_reload(struct bans *b, time_t now, char *err, size_t errlen)
{
	struct bans	*nb = bans_load(b->path, now, err, errlen);
	struct bans	 t;

	if (nb == NULL)
		return false;
	t = *b;
	*b = *nb;
	b->gen = t.gen + 1;	/* never back to an earlier value */
	*nb = t;
	bans_free(nb);
	return true;
}

const char *
bans_path(const struct bans *b)
{
	return b->path;
}

bool
bans_match(const struct bans *b, const char *target, time_t now)
{
	size_t	 i = find(b, target);

	return i < b->n && !over(b->v[i].until, now);
}

/*
 * Copy the file (in, may be NULL: none) to out, one line at a time,
 * without the lines of target (NULL: none) and of bans over at now.
 */
static bool
copy_lines(FILE *in, FILE *out, const char *target, time_t now)
{
	struct ban	 nb;
	char		 line[BANS_LINE_MAX + 2];
	const char	*why, *reason;
	size_t		 n, rlen;
	bool		 toolong, nl;

	while (in != NULL && next_line(in, line, &n, &toolong, &nl)) {
		if (toolong) {
			if (fwrite(line, 1, n, out) != n ||
			    !rest_of_line(in, line, nl, out) ||
			    putc('\n', out) == EOF)
				return false;
			continue;
		}
		if (ban_parse_line(line, n, &nb, &reason, &rlen, &why) ==
		    LINE_BAN && ((target != NULL &&
		    strcmp(nb.target, target) == 0) || over(nb.until, now)))
			continue;
		if (fwrite(line, 1, n, out) != n || putc('\n', out) == EOF)
			return false;
	}
	return in == NULL || !ferror(in);
}

/* Write ban nb as a line of the file. */
static bool
put_ban(FILE *out, const struct ban *nb)
{
	if (nb->until == BANS_FOREVER)
		return fprintf(out, "%s forever%s%s\n", nb->target,
		    *nb->reason != '\0' ? " " : "", nb->reason) > 0;
	return fprintf(out, "%s %lld%s%s\n", nb->target,
	    (long long)nb->until, *nb->reason != '\0' ? " " : "",
	    nb->reason) > 0;
}

/*
 * Rewrite the file through a temporary one: its lines without those of
 * target and of bans over at now, then add (if not NULL).  false with
 * err if it cannot be done (the file is as it was).
 */
static bool
rewrite(struct bans *b, const char *target, const struct ban *add,
    time_t now, char *err, size_t errlen)
{
	char	 tmp[4200];
	FILE	*in, *out;
	bool	 ok;
	int	 fd, e;

	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", b->path, (long)getpid());
	if ((in = fopen(b->path, "r")) == NULL && errno != ENOENT) {
		snprintf(err, errlen, "cannot read %s: %s", b->path,
		    strerror(errno));
		return false;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	out = fd != -1 ? fdopen(fd, "w") : NULL;
	ok = out != NULL && copy_lines(in, out, target, now) &&
	    (add == NULL || put_ban(out, add)) && fflush(out) == 0 &&
	    fsync(fileno(out)) == 0;
	e = errno;
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) == EOF && ok) {
		ok = false;
		e = errno;
	} else if (out == NULL && fd != -1)
		close(fd);
	if (ok && rename(tmp, b->path) == -1) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		snprintf(err, errlen, "cannot write the bans file %s: %s",
		    b->path, strerror(e));
		unlink(tmp);
	}
	return ok;
}

bool
bans_add(struct bans *b, const char *target, time_t until,
    const char *reason, char *err, size_t errlen)
{
	struct ban	 nb;
	size_t		 rlen, i;

	if (!bans_target(target, strlen(target), nb.target)) {
		snprintf(err, errlen, "%s is not an address or a key", target);
		return false;
	}
	if (reason == NULL)
		reason = "";
	reason = blanks(reason, reason + strlen(reason));
	rlen = strlen(reason);
	if (rlen > 0 && !proto_away_valid(reason, rlen)) {
		snprintf(err, errlen, "the reason has control characters or "
		    "is over %d bytes", PROTO_MAX_AWAY);
		return false;
	}
	if (over(until, time(NULL))) {
		snprintf(err, errlen, "the ban would be over already");
		return false;
	}
	if (b->n >= BANS_MAX && find(b, nb.target) == b->n) {
		snprintf(err, errlen, "%s holds %d bans already: lift some "
		    "first", b->path, BANS_MAX);
		return false;
	}
	nb.until = until;
	nb.reason = (char *)reason;
	if (!rewrite(b, nb.target, &nb, time(NULL), err, errlen))
		return false;
	if ((i = find(b, nb.target)) < b->n)
		ban_remove_at(b, i);
	ban_append(b, &nb, reason, rlen);
	return true;
}

bool
bans_lift(struct bans *b, const char *target, char *err, size_t errlen)
{
	char	 t[BANS_TARGET_MAX + 1];
	size_t	 i;

	if (!bans_target(target, strlen(target), t) ||
	    (i = find(b, t)) == b->n) {
		snprintf(err, errlen, "%s is not banned", target);
		return false;
	}
	if (!rewrite(b, t, NULL, time(NULL), err, errlen))
		return false;
	ban_remove_at(b, i);
	return true;
}

size_t
bans_expire(struct bans *b, time_t now)
{
	char	 err[4500];
	size_t	 i, gone = 0;

	for (i = 0; i < b->n; i++)
		if (over(b->v[i].until, now)) {
			ban_remove_at(b, i--);
			gone++;
		}
	if (gone > 0 && !rewrite(b, NULL, NULL, now, err, sizeof err))
		log_warnx("%s (%zu bans that are over stay in it, unused)",
		    err, gone);
	return gone;
}

size_t
bans_count(const struct bans *b)
{
	return b->n;
}

void
bans_at(const struct bans *b, size_t i, const char **target, time_t *until,
    const char **reason)
{
	*target = b->v[i].target;
	*until = b->v[i].until;
	*reason = b->v[i].reason;
}

unsigned long
bans_generation(const struct bans *b)
{
	return b->gen;
}
