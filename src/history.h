/*
 * history.h -- the server's memory of the last accepted messages (not
 * DMs): what a newcomer is replayed (the last -history of them) and
 * what a v2 client that says HELLO <n> missed (every one above <n>,
 * at most the newest HISTORY_HELLO_MAX).  A message is kept as fields,
 * not as a frame, so that each protocol version gets its own form;
 * with it the sender's key, so that KEY can be answered for a sender
 * who has left (and the keys of the last senders of DMs, for the
 * same).  Filled as messages are accepted, and at start-up
 * from the log (msglog_history).
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_HISTORY_H
#define XCHAT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HISTORY_HELLO_MAX	1000	/* messages a HELLO <n> can get */

/* An accepted message as it is relayed (strings not owned). */
struct hist_msg {
	uint64_t	 n;
	uint64_t	 id;
	const char	*time;		/* PROTO_TIME_LEN bytes */
	const char	*nick;
	size_t		 nicklen;
	const char	*md5;		/* 32 lower-case hex digits */
	const char	*sig;		/* base64, or NULL: unsigned */
	const char	*key;		/* the sender's fingerprint, or NULL */
	const char	*spki;		/* its public key (base64), or NULL */
	const char	*text;
	size_t		 textlen;
};

struct history;

/*
 * A history that replays the last replay messages to a newcomer and
 * keeps max(replay, HISTORY_HELLO_MAX) for HELLO; replay 0 keeps
 * nothing at all (-history 0: no message is ever replayed, to anyone).
 * Never fails (xmalloc).
 */
struct history *history_create(unsigned replay);
void	 history_free(struct history *);

/* Keep a copy of m, forgetting the oldest kept if full. */
void	 history_add(struct history *, const struct hist_msg *m);
/* How many messages are kept. */
unsigned history_count(const struct history *);

/*
 * Call fn for the kept messages a client is owed, oldest first: with
 * after == 0 (v1, or HELLO 0) the last replay of them; else those
 * numbered above after, at most the newest max(replay,
 * HISTORY_HELLO_MAX) (all it keeps).  Return how many.
 */
unsigned history_each(const struct history *, uint64_t after,
	    void (*fn)(void *arg, const struct hist_msg *), void *arg);

/*
 * Remember the key (fingerprint and base64 public key) of client id,
 * the sender of a DM (which is not kept): the last HISTORY_KEYS such
 * clients, whatever the history keeps (even with -history 0).
 */
#define HISTORY_KEYS	1000
void	 history_keep_key(struct history *, uint64_t id, const char *key,
	    const char *spki);

/*
 * The key of client id as its newest kept message names it, or as
 * history_keep_key remembered it: true with *key and *spki (valid
 * until the next history_add or history_keep_key) if there is one.
 */
bool	 history_key_of(const struct history *, uint64_t id,
	    const char **key, const char **spki);

#endif
