/*
 * knownusers.c -- the file of keys seen per server and nick
 * (knownusers.h): read once, bounded and line by line, with every
 * field checked; appended to with one write per line.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keys.h"
#include "knownusers.h"
#include "log.h"
#include "netio.h"
#include "nickrules.h"
#include "u64map.h"
#include "xmalloc.h"

struct ku_entry {
	char		*nickkey;		/* nick_key() of the nick */
	char		 key[KEYS_FP_LEN];
};

struct knownusers {
	char		*path;
	char		*host;
	char		*port;
	bool		 off;		/* no checks */
	bool		 ro;		/* nothing recorded */
	bool		 warned;	/* full, said once */
	size_t		 lines;		/* valid lines in the file */
	size_t		 skipped;
	struct ku_entry	*e;
	size_t		 n, cap;
	struct u64map	 idx;		/* nick_hash(nickkey) -> index */
};

/* A host we can write as one field: printable ASCII, no space. */
static bool
host_ok(const char *h)
{
	size_t	 i, n = strlen(h);

	if (n == 0 || n > 255)
		return false;
	for (i = 0; i < n; i++)
		if (h[i] <= ' ' || h[i] > '~')
			return false;
	return true;
}

/* The entry for a nick key, or NULL. */
static struct ku_entry *
entry_find(const struct knownusers *ku, const char *nk, size_t nklen)
{
	size_t		 it = 0;
	uint64_t	 i;

	while (u64map_next(&ku->idx, nick_hash(nk, nklen), &it, &i))
		if (strcmp(ku->e[i].nickkey, nk) == 0)
			return &ku->e[i];
	return NULL;
}

/* Remember nick key nk with key fp (a later one replaces). */
static void
entry_set(struct knownusers *ku, const char *nk, size_t nklen,
    const char *fp)
{
	struct ku_entry	*e = entry_find(ku, nk, nklen);

	if (e == NULL) {
		if (ku->n == ku->cap) {
			ku->cap = ku->cap ? ku->cap * 2 : 32;
			ku->e = xreallocarray(ku->e, ku->cap, sizeof *ku->e);
		}
		u64map_put(&ku->idx, nick_hash(nk, nklen), ku->n);
		e = &ku->e[ku->n++];
		e->nickkey = xstrndup(nk, nklen);
	}
	snprintf(e->key, sizeof e->key, "%s", fp);
}

/*
 * The nick key of nick into nk (NICK_KEY_MAX bytes): 0 if the nick is
 * not valid, or is a user<digits> nick (never recorded).
 */
static size_t
ku_nickkey(const char *nick, size_t len, char *nk)
{
	char	 digits[PROTO_MAX_NICK + 1];
	size_t	 n;

	if (!nick_valid(nick, len) ||
	    (n = nick_key(nick, len, nk, NICK_KEY_MAX)) == 0 ||
	    nick_key_userid(nk, n, digits, sizeof digits))
		return 0;
	return n;
}

/*
 * One line of the file (len bytes, no LF, NUL-terminated in place):
 * "<host> <port> <nick> <key>".  false if it is malformed.
 */
static bool
ku_parse_line(struct knownusers *ku, char *line, size_t len)
{
	char	*f[5], *p = line, nk[NICK_KEY_MAX], fp[KEYS_FP_LEN];
	size_t	 nklen;
	int	 k;

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (memchr(line, '\0', len) != NULL)
		return false;
	for (k = 0; k < 5 && p != NULL; k++)
		f[k] = strsep(&p, " ");
	if (k != 4 || !host_ok(f[0]) || !netio_port_valid(f[1]) ||
	    !keys_fp_parse(f[3], fp) ||
	    (nklen = ku_nickkey(f[2], strlen(f[2]), nk)) == 0)
		return false;
	ku->lines++;
	if (strcmp(f[0], ku->host) == 0 && strcmp(f[1], ku->port) == 0)
		entry_set(ku, nk, nklen, fp);
	return true;
}

/*
 * The next line of f into line (KU_LINE_MAX + 1 bytes, NUL-terminated,
 * without its LF) and its length into *len, which may count NUL
 * bytes.  Returns 1 for a line, 0 at the end, -1 for a line too long
 * (read to its end and dropped).  *total counts the bytes read.
 */
static int
ku_read_line(FILE *f, char *line, size_t *len, size_t *total)
{
	size_t	 n = 0;
	int	 c;
	bool	 toolong = false;

	while ((c = getc(f)) != EOF) {
		(*total)++;
		if (c == '\n')
			break;
		if (n < KU_LINE_MAX)
			line[n++] = (char)c;
		else
			toolong = true;
	}
	if (c == EOF && n == 0 && !toolong)
		return 0;
	line[n] = '\0';
	*len = n;
	return toolong ? -1 : 1;
}

/* Read the file (KU_FILE_MAX bytes at most) line by line. */
static void
ku_read(struct knownusers *ku)
{
	FILE	*f;
	char	 line[KU_LINE_MAX + 1];
	size_t	 len, total = 0;
	int	 r;

	if ((f = fopen(ku->path, "r")) == NULL) {
		if (errno != ENOENT) {
			log_warn("%s: keys seen are not checked against it",
			    ku->path);
			ku->ro = true;
		}
		return;
	}
	while (total < KU_FILE_MAX &&
	    (r = ku_read_line(f, line, &len, &total)) != 0) {
		if (r == -1)
			ku->skipped++;
		else if (len > 0 && line[0] != '#' &&
		    !ku_parse_line(ku, line, len))
			ku->skipped++;
	}
	fclose(f);
	if (ku->skipped > 0)
		log_warnx("%s: %zu malformed lines skipped", ku->path,
		    ku->skipped);
}

struct knownusers *
knownusers_open(const char *path, const char *host, const char *port)
{
	struct knownusers	*ku = xcalloc(1, sizeof *ku);

	ku->path = xstrdup(path);
	ku->host = xstrdup(host);
	ku->port = xstrdup(port);
	if (!host_ok(host) || !netio_port_valid(port)) {
		ku->off = true;
		return ku;
	}
	ku_read(ku);
	return ku;
}

void
knownusers_free(struct knownusers *ku)
{
	size_t	 i;

	if (ku == NULL)
		return;
	for (i = 0; i < ku->n; i++)
		free(ku->e[i].nickkey);
	free(ku->e);
	u64map_free(&ku->idx);
	free(ku->path);
	free(ku->host);
	free(ku->port);
	free(ku);
}

/* Append the line for nick and key; false with errno. */
static bool
ku_append(struct knownusers *ku, const char *nick, size_t len,
    const char *fp)
{
	static const char head[] = "# xchat known_users: the keys seen "
	    "for each nick, per server (see xchat(1)).\n"
	    "# <host> <port> <nick> <key>; a later line wins.\n";
	char		 line[KU_LINE_MAX + 1];
	struct stat	 st;
	int		 fd, n, e;
	bool		 ok;

	if (ku->ro || ku->off || ku->lines >= KU_LINES_MAX) {
		if (!ku->warned && ku->lines >= KU_LINES_MAX)
			log_warnx("%s is full (%d lines): no more keys are "
			    "recorded", ku->path, KU_LINES_MAX);
		ku->warned = true;
		errno = ENOSPC;
		return false;
	}
	n = snprintf(line, sizeof line, "%s %s %.*s %s\n", ku->host, ku->port,
	    (int)len, nick, fp);
	if (n < 0 || (size_t)n >= sizeof line) {
		errno = ENAMETOOLONG;
		return false;
	}
	fd = open(ku->path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1)
		return false;
	ok = fstat(fd, &st) == 0 && (st.st_size > 0 ||
	    write(fd, head, sizeof head - 1) == (ssize_t)(sizeof head - 1)) &&
	    write(fd, line, (size_t)n) == n;
	e = errno;
	if (close(fd) == -1 && ok) {
		ok = false;
		e = errno;
	}
	errno = e;
	if (ok)
		ku->lines++;
	return ok;
}

enum ku_result
knownusers_see(struct knownusers *ku, const char *nick, size_t len,
    const char *key, char *old)
{
	char		 nk[NICK_KEY_MAX];
	size_t		 nklen;
	struct ku_entry	*e;
	bool		 keyed = strcmp(key, "-") != 0;

	if (ku == NULL || ku->off || (keyed && !keys_fp_parse(key, NULL)) ||
	    (nklen = ku_nickkey(nick, len, nk)) == 0)
		return KU_OFF;
	if ((e = entry_find(ku, nk, nklen)) == NULL) {
		if (!keyed)
			return KU_ANON;
		if (!ku_append(ku, nick, len, key) && errno != ENOSPC)
			log_warn("cannot record the key of a nick in %s",
			    ku->path);
		entry_set(ku, nk, nklen, key);
		return KU_NEW;
	}
	if (keyed && strcmp(e->key, key) == 0)
		return KU_SAME;
	if (old != NULL)
		snprintf(old, KEYS_FP_LEN, "%s", e->key);
	return keyed ? KU_CHANGED : KU_LOST;
}

bool
knownusers_lookup(const struct knownusers *ku, const char *nick,
    size_t len, char *key)
{
	char		 nk[NICK_KEY_MAX];
	size_t		 nklen;
	struct ku_entry	*e;

	if (ku == NULL || ku->off || (nklen = ku_nickkey(nick, len, nk)) == 0 ||
	    (e = entry_find(ku, nk, nklen)) == NULL)
		return false;
	snprintf(key, KEYS_FP_LEN, "%s", e->key);
	return true;
}

bool
knownusers_accept(struct knownusers *ku, const char *nick, size_t len,
    const char *key)
{
	char	 nk[NICK_KEY_MAX];
	size_t	 nklen;

	if (ku == NULL || ku->off || !keys_fp_parse(key, NULL) ||
	    (nklen = ku_nickkey(nick, len, nk)) == 0) {
		errno = EINVAL;
		return false;
	}
	if (!ku_append(ku, nick, len, key))
		return false;
	entry_set(ku, nk, nklen, key);
	return true;
}

size_t
knownusers_skipped(const struct knownusers *ku)
{
	return ku->skipped;
}
