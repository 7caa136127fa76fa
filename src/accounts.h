/*
 * accounts.h -- the server's registry of nicks owned by keys (version
 * 2): the accounts file, one "<nick> <key>" line per registration,
 * "!<key>" for a banned key, "#" comments.  Nicks are compared by
 * their uniqueness key (nickrules.h), so a look-alike of a registered
 * nick is that nick.  Hostile lines are skipped with a warning that
 * names the line; the file is only appended to (a registration, a ban)
 * or rewritten whole through a temporary file (a removal).
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_ACCOUNTS_H
#define XCHAT_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>

struct accounts;

/*
 * Read the accounts file at path (a missing file is an empty registry:
 * it is made, mode 0600, by the first registration).  Lines that
 * cannot be used (too long, not UTF-8, a bad nick or key, a nick whose
 * key is already registered) are skipped, each with a warning on
 * stderr naming the file and line.  NULL with a message in err if the
 * file exists but cannot be read.
 */
struct accounts *accounts_load(const char *path, char *err, size_t errlen);
void	 accounts_free(struct accounts *);
/*
 * Read the file again (SIGHUP); on failure keep what was read before
 * and return false with err.
 */
bool	 accounts_reload(struct accounts *, char *err, size_t errlen);
const char *accounts_path(const struct accounts *);

/*
 * The key that owns nick (len bytes, compared by uniqueness key), or
 * NULL if it is not registered.
 */
const char *accounts_owner(const struct accounts *, const char *nick,
	    size_t len);
/* The nick key registered last, or NULL. */
const char *accounts_nick_of(const struct accounts *, const char *key);
/* True if key owns some nick (members mode admits it). */
bool	 accounts_member(const struct accounts *, const char *key);
/* True if key is banned. */
bool	 accounts_banned(const struct accounts *, const char *key);

/*
 * Register nick to key: the line is appended and synced before this
 * returns true; false with err (the registry is unchanged) if the
 * nick is registered already or the file cannot be written.
 */
bool	 accounts_register(struct accounts *, const char *nick, size_t len,
	    const char *key, char *err, size_t errlen);
/* Ban key ("!<key>" appended); false with err. */
bool	 accounts_ban(struct accounts *, const char *key, char *err,
	    size_t errlen);
/*
 * Remove the registration of nick (exactly as registered), rewriting
 * the file (comments and bans kept); false with err.
 */
bool	 accounts_remove(struct accounts *, const char *nick, char *err,
	    size_t errlen);

/* The registrations, in file order, for a window to list. */
size_t	 accounts_count(const struct accounts *);
void	 accounts_at(const struct accounts *, size_t i, const char **nick,
	    const char **key);
/* The banned keys, in file order, for a window to list. */
size_t	 accounts_nbans(const struct accounts *);
const char *accounts_ban_at(const struct accounts *, size_t i);

#endif
