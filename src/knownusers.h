/*
 * knownusers.h -- the keys the client has seen for each nick on each
 * server, in the file ~/.xchat/known_users (issue 12), so that a nick
 * it knew with one key that comes back with another, or without one,
 * is noticed.  One line per server, nick and key:
 *
 *	<host> <port> <nick> <key>
 *
 * Nicks are compared by their uniqueness key (nickrules.h): "ANA" and
 * a Cyrillic "\u0430na" are "ana".  The file is only appended to (a
 * later line for the same server and nick wins), created mode 0600,
 * and bounded: hostile lines (too long, wrong fields, an invalid nick
 * or key) are skipped, and past KU_LINES_MAX lines nothing more is
 * recorded.  Nicks of the form user<digits> are never recorded: a
 * server gives them out by connection.  No X header here.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_KNOWNUSERS_H
#define XCHAT_KNOWNUSERS_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"

#define KU_LINE_MAX	512		/* bytes of a line, at most */
#define KU_LINES_MAX	10000		/* lines recorded, at most */
#define KU_FILE_MAX	(4 * 1024 * 1024) /* bytes read, at most */

/* What a nick and key are, next to what the file remembers. */
enum ku_result {
	KU_NEW = 0,		/* not remembered with a key (now it is) */
	KU_SAME,		/* the key remembered for this nick */
	KU_CHANGED,		/* another key is remembered (in old) */
	KU_LOST,		/* remembered with a key (old), now none */
	KU_ANON,		/* no key, and none remembered */
	KU_OFF			/* not checked (a user<id> nick, or no file) */
};

struct knownusers;

/*
 * The entries of path for the server host and port (other servers'
 * lines are counted, not kept).  A missing file is empty; an
 * unreadable one is empty and nothing is recorded (with a warning on
 * stderr).  A host that could not be written as one field (empty, a
 * space, a control byte) turns checking off.  Cannot fail.
 */
struct knownusers *knownusers_open(const char *path, const char *host,
	    const char *port);
void	 knownusers_free(struct knownusers *);

/*
 * A nick (len bytes, as the server sent it) was seen with key ("-"
 * for none, or a fingerprint).  Returns what the file says; a keyed
 * nick not remembered yet is remembered now (KU_NEW).  For KU_CHANGED
 * and KU_LOST, old gets the key remembered (KEYS_FP_LEN bytes, may be
 * NULL).  The file is not changed for a changed key: only
 * knownusers_accept() does that.
 */
enum ku_result knownusers_see(struct knownusers *, const char *nick,
	    size_t len, const char *key, char *old);
/*
 * The key remembered for nick (into key, KEYS_FP_LEN bytes); false if
 * none.
 */
bool	 knownusers_lookup(const struct knownusers *, const char *nick,
	    size_t len, char *key);
/*
 * The user says key is nick's now: a line is appended (the later line
 * wins).  false if it could not be written (errno), or the file is
 * full or off.
 */
bool	 knownusers_accept(struct knownusers *, const char *nick, size_t len,
	    const char *key);
/* Lines of the file skipped as malformed when it was read. */
size_t	 knownusers_skipped(const struct knownusers *);

#endif
