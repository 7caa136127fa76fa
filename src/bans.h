/*
 * bans.h -- the server's bans for a time: the bans file (bans.txt in
 * the state directory), one "<target> <until> [<reason>]" line per
 * ban, where <target> is an IP address (IPv4 or IPv6, kept in its
 * canonical form) or a key fingerprint (sha256:...), <until> the
 * second (Unix time, UTC) the ban ends or "forever", and <reason> a
 * text of at most 200 bytes the operator reads; "#" starts a comment.
 * Hostile lines are skipped with a warning that names the line, and
 * kept in the file.  The file is rewritten whole through a temporary
 * file (renamed over it: a crash leaves the old file or the new one)
 * on every change: a ban added or lifted, bans that expired.  Core
 * code: no X, no sockets.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_BANS_H
#define XCHAT_BANS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "protocol.h"

#define BANS_FOREVER	((time_t)0)	/* an until that never comes */
#define BANS_TARGET_MAX	PROTO_KEY_LEN	/* the longest target (a key) */
#define BANS_LINE_MAX	1024		/* bytes; a longer line is skipped */
#define BANS_MAX	4096		/* bans kept; more are skipped */
#define BANS_LINES_MAX	20000		/* lines read; the rest are not */

struct bans;

/*
 * Read the bans file at path (a missing file is no bans: it is made,
 * mode 0600, by the first ban).  Bans over at now are left out (they
 * go from the file at its next rewrite).  Lines that cannot be used
 * (too long, a NUL byte, not UTF-8, a target that is neither an
 * address nor a key, a bad until, a reason that breaks the text rules
 * or is over 200 bytes) are skipped, each with a warning on stderr
 * naming the file and line (the first 20 of a read; then how many
 * more); of two lines for one target the later one counts.  At most
 * BANS_MAX bans are kept and BANS_LINES_MAX lines read: the file is
 * the operator's, but bounded all the same.  NULL with a message in
 * err if the file exists but cannot be read.
 */
struct bans *bans_load(const char *path, time_t now, char *err,
	    size_t errlen);
void	 bans_free(struct bans *);
/*
 * Read the file again (SIGHUP); on failure keep what was read before
 * and return false with err.
 */
bool	 bans_reload(struct bans *, time_t now, char *err, size_t errlen);
const char *bans_path(const struct bans *);

/*
 * The canonical form of a target (an IPv4 or IPv6 address, an
 * IPv4-mapped IPv6 address as IPv4; a key fingerprint in lower case)
 * in out (BANS_TARGET_MAX + 1 bytes); false if s (len bytes) is
 * neither.
 */
bool	 bans_target(const char *s, size_t len, char *out);
/*
 * The address of a peer as netio_peer_name() writes it ("1.2.3.4:5",
 * "[::1]:5"), canonical, in out (BANS_TARGET_MAX + 1 bytes); false if
 * there is none.
 */
bool	 bans_peer_address(const char *peer, char *out);

/* True if target (canonical) is banned at now. */
bool	 bans_match(const struct bans *, const char *target, time_t now);

/*
 * Ban target (any form bans_target takes) until the second until
 * (BANS_FOREVER: for ever) with reason (NULL or "" for none; it must
 * pass proto_away_valid), replacing a ban of the same target; the file
 * is rewritten before this returns true.  false with err (nothing
 * changed) if target or reason is bad, there are BANS_MAX bans
 * already, or the file cannot be written.
 */
bool	 bans_add(struct bans *, const char *target, time_t until,
	    const char *reason, char *err, size_t errlen);
/*
 * Lift the ban of target (the file rewritten); false with err if it
 * is not banned or the file cannot be written (then it stays banned).
 */
bool	 bans_lift(struct bans *, const char *target, char *err,
	    size_t errlen);
/*
 * Forget the bans over at now and rewrite the file without them (a
 * failure is a warning on stderr: they are forgotten all the same,
 * and read back as over).  Returns how many there were.
 */
size_t	 bans_expire(struct bans *, time_t now);

/*
 * A number that changes whenever the bans do (added, lifted, read
 * again, expired): a cluster publishes them when it moves.
 */
unsigned long bans_generation(const struct bans *);

/* The bans, in file order, for a window to list. */
size_t	 bans_count(const struct bans *);
/* Ban i: its target, until (BANS_FOREVER) and reason ("" for none). */
void	 bans_at(const struct bans *, size_t i, const char **target,
	    time_t *until, const char **reason);

#endif
