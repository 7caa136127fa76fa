/*
 * seenset.h -- a bounded set of message numbers, each with the first
 * half of its digest: which messages were seen already.  The client
 * log records a message once (clientlog_first), and the client core
 * shows a history message of version 1 only if it is not on screen
 * already (a reconnect's history replays what was seen).  A number
 * seen with another digest is another message (a server that started
 * a new log) and counts as new.  No X header.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_SEENSET_H
#define XCHAT_SEENSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A message: its number and the first 16 hex digits of its digest. */
struct seen {
	uint64_t n;
	uint64_t d;
};

/*
 * The last max numbers added, in increasing order (a ring).  A number
 * at or below the highest is looked up; one in a gap, or older than
 * the ring, is not there.  Zeroed (or seenset_init) is empty.
 */
struct seenset {
	struct seen	*ring;
	size_t		 cap;		/* grows up to max */
	size_t		 first;		/* index of the oldest */
	size_t		 n;
	size_t		 max;		/* 0: SEENSET_MAX */
};

#define SEENSET_MAX	100000

/* An empty set keeping at most max numbers (0: SEENSET_MAX). */
void	 seenset_init(struct seenset *, size_t max);
/* Free the ring; the set is empty again. */
void	 seenset_free(struct seenset *);
/*
 * Whether message n with digest md5 (32 hex digits, either case) is
 * in the set.  Reads only.
 */
bool	 seenset_has(const struct seenset *, uint64_t n, const char *md5);
/*
 * Add message n (digest md5) unless it is there: true if it was not
 * (it is remembered from now on, a number seen with another digest
 * taking that digest), false if it was.  Numbers above the highest
 * are kept (the oldest forgotten beyond max); one at or below the
 * highest that is not there is reported new but not kept.
 */
bool	 seenset_add(struct seenset *, uint64_t n, const char *md5);

#endif
