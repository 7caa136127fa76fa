/*
 * accounts.c -- the registry of nicks owned by keys: the accounts file
 * read into two arrays (registrations, bans), looked up by the hash of
 * a nick's uniqueness key, appended to with one write and an fsync per
 * change, rewritten through a temporary file for a removal.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"
#include "log.h"
#include "nickrules.h"
#include "protocol.h"
#include "xmalloc.h"

#define LINE_MAX_BYTES	1024	/* a longer line is skipped */

struct reg {
	char		 nick[PROTO_MAX_NICK + 1];
	char		 key[PROTO_KEY_LEN + 1];
	char		*nkey;		/* the nick's uniqueness key */
	uint64_t	 hash;		/* of nkey */
};

struct accounts {
	char		*path;
	struct reg	*regs;
	size_t		 nregs, capregs;
	char		(*bans)[PROTO_KEY_LEN + 1];
	size_t		 nbans, capbans;
};

static void
clear(struct accounts *a)
{
	size_t	 i;

	for (i = 0; i < a->nregs; i++)
		free(a->regs[i].nkey);
	a->nregs = 0;
	a->nbans = 0;
}

/* The registration whose nick has key nkey (klen bytes), or NULL. */
static struct reg *
find_nkey(const struct accounts *a, const char *nkey, size_t klen)
{
	uint64_t	 h = nick_hash(nkey, klen);
	size_t		 i;

	for (i = 0; i < a->nregs; i++)
		if (a->regs[i].hash == h && strlen(a->regs[i].nkey) == klen &&
		    memcmp(a->regs[i].nkey, nkey, klen) == 0)
			return &a->regs[i];
	return NULL;
}

/* Add a registration (nick valid, key a fingerprint); false if taken. */
static bool
add_reg(struct accounts *a, const char *nick, size_t len, const char *key)
{
	char		 nkey[NICK_KEY_MAX];
	size_t		 klen;
	struct reg	*r;

	if ((klen = nick_key(nick, len, nkey, sizeof nkey)) == 0 ||
	    find_nkey(a, nkey, klen) != NULL)
		return false;
	if (a->nregs == a->capregs) {
		a->capregs = a->capregs ? a->capregs * 2 : 16;
		a->regs = xreallocarray(a->regs, a->capregs, sizeof *a->regs);
	}
	r = &a->regs[a->nregs++];
	memcpy(r->nick, nick, len);
	r->nick[len] = '\0';
	snprintf(r->key, sizeof r->key, "%s", key);
	r->nkey = xstrndup(nkey, klen);
	r->hash = nick_hash(nkey, klen);
	return true;
}

static void
add_ban(struct accounts *a, const char *key)
{
	if (accounts_banned(a, key))
		return;
	if (a->nbans == a->capbans) {
		a->capbans = a->capbans ? a->capbans * 2 : 8;
		a->bans = xreallocarray(a->bans, a->capbans, sizeof *a->bans);
	}
	snprintf(a->bans[a->nbans++], PROTO_KEY_LEN + 1, "%s", key);
}

/* A key field: a fingerprint, not "-". */
static bool
key_ok(const char *s, size_t len)
{
	return len == PROTO_KEY_LEN && proto_key_valid(s, len);
}

/* One line (no newline): a registration, a ban, a comment or blank. */
static void
parse_line(struct accounts *a, char *line, unsigned no)
{
	char	*p = line, *nick, *key, *hash;
	size_t	 nlen, klen;
	bool	 extra;

	if ((hash = strstr(p, " #")) != NULL || (hash = strstr(p, "\t#")))
		*hash = '\0';
	p += strspn(p, " \t");
	if (*p == '\0' || *p == '#')
		return;
	if (!proto_utf8_valid(p, strlen(p))) {
		log_warnx("%s:%u: not UTF-8: line skipped", a->path, no);
		return;
	}
	if (*p == '!') {
		p += 1 + strspn(p + 1, " \t");
		p[strcspn(p, " \t")] = '\0';
		if (key_ok(p, strlen(p)))
			add_ban(a, p);
		else
			log_warnx("%s:%u: a ban needs a key (!sha256:...): "
			    "line skipped", a->path, no);
		return;
	}
	nick = p;
	nlen = strcspn(p, " \t");
	key = p + nlen + strspn(p + nlen, " \t");
	klen = strcspn(key, " \t");
	extra = key[klen] != '\0' &&
	    key[klen + strspn(key + klen, " \t")] != '\0';
	key[klen] = '\0';
	nick[nlen] = '\0';
	if (extra || !nick_valid(nick, nlen) || !key_ok(key, klen))
		log_warnx("%s:%u: not \"<nick> <key>\": line skipped",
		    a->path, no);
	else if (!add_reg(a, nick, nlen, key))
		log_warnx("%s:%u: the nick %s (or a look-alike) is registered "
		    "already: line skipped", a->path, no, nick);
}

/*
 * Read one line of f into buf (cap bytes and a NUL), without its
 * newline; its full length in *len (over cap if it was too long) and
 * whether it held a NUL byte in *nul.  False at the end of the file.
 */
static bool
read_line(FILE *f, char *buf, size_t cap, size_t *len, bool *nul)
{
	size_t	 n = 0;
	int	 c;

	*nul = false;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\0')
			*nul = true;
		if (n < cap)
			buf[n] = (char)c;
		n++;
	}
	if (c == EOF && n == 0)
		return false;
	buf[n < cap ? n : cap] = '\0';
	*len = n;
	return true;
}

/* Read the file into a (emptied first); false with err. */
static bool
read_file(struct accounts *a, char *err, size_t errlen)
{
	FILE		*f;
	char		 line[LINE_MAX_BYTES + 1];
	unsigned	 no = 0;
	size_t		 n;
	bool		 nul;

	clear(a);
	if ((f = fopen(a->path, "r")) == NULL) {
		if (errno == ENOENT)
			return true;
		snprintf(err, errlen, "cannot read the accounts file %s: %s",
		    a->path, strerror(errno));
		return false;
	}
	while (read_line(f, line, LINE_MAX_BYTES, &n, &nul)) {
		no++;
		if (n > LINE_MAX_BYTES) {
			log_warnx("%s:%u: over %d bytes: line skipped",
			    a->path, no, LINE_MAX_BYTES);
			continue;
		}
		if (nul) {
			log_warnx("%s:%u: a NUL byte: line skipped", a->path,
			    no);
			continue;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		parse_line(a, line, no);
	}
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read the accounts file %s: %s",
		    a->path, strerror(errno));
		fclose(f);
		return false;
	}
	fclose(f);
	return true;
}

struct accounts *
accounts_load(const char *path, char *err, size_t errlen)
{
	struct accounts	*a = xcalloc(1, sizeof *a);

	a->path = xstrdup(path);
	if (!read_file(a, err, errlen)) {
		accounts_free(a);
		return NULL;
	}
	return a;
}

void
accounts_free(struct accounts *a)
{
	if (a == NULL)
		return;
	clear(a);
	free(a->regs);
	free(a->bans);
	free(a->path);
	free(a);
}

bool
accounts_reload(struct accounts *a, char *err, size_t errlen)
{
	struct accounts	*b = accounts_load(a->path, err, errlen);
	struct accounts	 t;

	if (b == NULL)
		return false;
	t = *a;
	*a = *b;
	*b = t;
	accounts_free(b);
	return true;
}

const char *
accounts_path(const struct accounts *a)
{
	return a->path;
}

const char *
accounts_owner(const struct accounts *a, const char *nick, size_t len)
{
	char		 nkey[NICK_KEY_MAX];
	size_t		 klen;
	struct reg	*r;

	if ((klen = nick_key(nick, len, nkey, sizeof nkey)) == 0)
		return NULL;
	r = find_nkey(a, nkey, klen);
	return r != NULL ? r->key : NULL;
}

const char *
accounts_nick_of(const struct accounts *a, const char *key)
{
	size_t	 i;

	for (i = a->nregs; i > 0; i--)
		if (strcmp(a->regs[i - 1].key, key) == 0)
			return a->regs[i - 1].nick;
	return NULL;
}

bool
accounts_member(const struct accounts *a, const char *key)
{
	return accounts_nick_of(a, key) != NULL;
}

bool
accounts_banned(const struct accounts *a, const char *key)
{
	size_t	 i;

	for (i = 0; i < a->nbans; i++)
		if (strcmp(a->bans[i], key) == 0)
			return true;
	return false;
}

/* Append line (with its newline) to the file, synced; false with err. */
static bool
append(struct accounts *a, const char *line, char *err, size_t errlen)
{
	size_t	 len = strlen(line);
	int	 fd, e;

	fd = open(a->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd == -1 || write(fd, line, len) != (ssize_t)len ||
	    fsync(fd) == -1) {
		e = errno;
		if (fd != -1)
			close(fd);
		snprintf(err, errlen, "cannot write the accounts file %s: %s",
		    a->path, strerror(e));
		return false;
	}
	close(fd);
	return true;
}

bool
accounts_register(struct accounts *a, const char *nick, size_t len,
    const char *key, char *err, size_t errlen)
{
	char	 line[PROTO_MAX_NICK + PROTO_KEY_LEN + 8];

	if (len > PROTO_MAX_NICK || !key_ok(key, strlen(key)) ||
	    accounts_owner(a, nick, len) != NULL) {
		snprintf(err, errlen, "the nick is registered already");
		return false;
	}
	snprintf(line, sizeof line, "%.*s %s\n", (int)len, nick, key);
	if (!append(a, line, err, errlen))
		return false;
	if (!add_reg(a, nick, len, key)) {
		snprintf(err, errlen, "the nick cannot be registered");
		return false;
	}
	return true;
}

bool
accounts_ban(struct accounts *a, const char *key, char *err, size_t errlen)
{
	char	 line[PROTO_KEY_LEN + 4];

	if (!key_ok(key, strlen(key))) {
		snprintf(err, errlen, "not a key");
		return false;
	}
	if (accounts_banned(a, key))
		return true;
	snprintf(line, sizeof line, "!%s\n", key);
	if (!append(a, line, err, errlen))
		return false;
	add_ban(a, key);
	return true;
}

/*
 * Copy the file to out without nick's registration lines: every other
 * byte is kept, a long line too (only the start of a line is a nick).
 */
static bool
copy_without(const char *nick, FILE *in, FILE *out)
{
	char	 line[LINE_MAX_BYTES + 2], f[LINE_MAX_BYTES + 2];
	size_t	 n;
	bool	 start = true, skip = false;

	while (fgets(line, sizeof line, in) != NULL) {
		n = strlen(line);
		if (start) {
			snprintf(f, sizeof f, "%s", line + strspn(line, " \t"));
			f[strcspn(f, " \t\r\n")] = '\0';
			skip = strcmp(f, nick) == 0;
		}
		start = n > 0 && line[n - 1] == '\n';
		if (!skip && fputs(line, out) == EOF)
			return false;
	}
	return !ferror(in);
}

bool
accounts_remove(struct accounts *a, const char *nick, char *err,
    size_t errlen)
{
	char	 tmp[4200];
	FILE	*in, *out;
	bool	 ok;
	int	 fd;

	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", a->path, (long)getpid());
	if ((in = fopen(a->path, "r")) == NULL) {
		snprintf(err, errlen, "cannot read %s: %s", a->path,
		    strerror(errno));
		return false;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	out = fd != -1 ? fdopen(fd, "w") : NULL;
	ok = out != NULL && copy_without(nick, in, out) &&
	    fflush(out) == 0 && fsync(fileno(out)) == 0;
	fclose(in);
	if (out != NULL && fclose(out) == EOF)
		ok = false;
	if (!ok || rename(tmp, a->path) == -1) {
		snprintf(err, errlen, "cannot rewrite %s: %s", a->path,
		    strerror(errno));
		unlink(tmp);
		return false;
	}
	return read_file(a, err, errlen);
}

size_t
accounts_count(const struct accounts *a)
{
	return a->nregs;
}

void
accounts_at(const struct accounts *a, size_t i, const char **nick,
    const char **key)
{
	*nick = a->regs[i].nick;
	*key = a->regs[i].key;
}

size_t
accounts_nbans(const struct accounts *a)
{
	return a->nbans;
}

const char *
accounts_ban_at(const struct accounts *a, size_t i)
{
	return a->bans[i];
}
