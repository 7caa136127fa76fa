/*
 * verify.h -- the client's checking of signed messages (version 2):
 * the senders' public keys, asked of the server with KEY <id> once per
 * id and per connection and checked against their fingerprints, kept
 * by fingerprint across connections; and a queue of signatures to
 * check, worked through a few milliseconds per turn of the event loop
 * (evloop timers, no threads) so that a flood of signed messages never
 * makes the window lag.  A message whose verdict is not known yet is
 * waiting, never good.  No X header here.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_VERIFY_H
#define XCHAT_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "keys.h"

/* Microseconds of checking per turn of the event loop, by default. */
#define VF_BUDGET_US	4000
/* Milliseconds between turns while work is left (input gets its turn). */
#define VF_TURN_MS	1
/* Bytes of messages waiting to be checked, at most; beyond: skipped. */
#define VF_QUEUE_MAX	(16 * 1024 * 1024)
/* Client ids with a key entry per connection, at most. */
#define VF_IDS_MAX	65536
/* Keys kept across connections, at most (then forgotten at a reset). */
#define VF_KEYS_MAX	4096
/* Seconds to wait for the answer to KEY <id>. */
#define VF_KEY_TIMEOUT	30

/* The verdict on one signed message. */
enum vf_result {
	VF_GOOD = 1,		/* the signature is the key's (fp) */
	VF_BAD,			/* it does not verify against that key */
	VF_NOKEY,		/* no key that can be trusted for the sender:
				   none (anonymous, KEY <id> - -), the answer
				   does not hash to the announced fingerprint,
				   no answer in time, or the connection ended */
	VF_SKIPPED		/* too much was waiting: not checked */
};

struct vf_hooks {
	/* Ask the server for client id's key (send "KEY <id>"). */
	void	(*askkey)(void *arg, uint64_t id);
	/*
	 * The verdict on ticket.  fp is the fingerprint of the key it
	 * was checked against ("" if none).  Called from the event loop
	 * or from verify_key/verify_user/verify_reset/verify_tick.
	 */
	void	(*done)(void *arg, uint64_t ticket, enum vf_result,
		    const char *fp);
};

/* What the queue has done, for the dump and the benchmark. */
struct vf_stats {
	uint64_t	 checked;	/* signatures checked */
	uint64_t	 good, bad, nokey, skipped;
	uint64_t	 check_ns;	/* time in keys_verify() alone */
	uint64_t	 turns;		/* turns of the queue */
	uint64_t	 asked;		/* KEY requests sent */
	size_t		 ready, waiting;	/* now */
	size_t		 maxready;	/* the most ever ready at once */
};

struct verify;

/* An empty queue; hooks and arg are kept.  Cannot fail. */
struct verify *verify_new(const struct vf_hooks *, void *arg);
/* Free the queue, its keys and its messages (no verdicts).  NULL ok. */
void	 verify_free(struct verify *);
/* Microseconds of checking per turn (at least one check is made). */
void	 verify_set_budget(struct verify *, unsigned us);

/*
 * A new connection: the ids of the last one mean nothing now.  The
 * messages waiting for a key get VF_NOKEY; those whose key is known
 * stay queued and are checked as usual.
 */
void	 verify_reset(struct verify *);
/*
 * USER or JOIN: client id has key (keylen bytes: "-" for none, or a
 * fingerprint).  The key of an id never changes during a connection:
 * a second, different one makes the id's messages VF_NOKEY.
 */
void	 verify_user(struct verify *, uint64_t id, const char *key,
	    size_t keylen);
/*
 * Queue the signature sig (KEYS_SIG_B64 characters) of the len bytes
 * at data (what version 2 signs: keys_signed_msg() or _dm()), sent by
 * client id.  Returns a ticket (> 0) whose verdict comes through the
 * done hook later, or 0 with the verdict in *now when it is known at
 * once (an anonymous sender, a full queue).  The data is copied.
 */
uint64_t verify_submit(struct verify *, uint64_t id, const void *data,
	    size_t len, const char *sig, enum vf_result *now);
/*
 * The server's answer "KEY <id> <key> <spki>" (key and spki "-" when it
 * knows none).  Used only if this id's key was asked for: the key is
 * kept if the SHA-256 of the spki is key and, when the id's USER/JOIN
 * named a key, that key too; else the id's messages get VF_NOKEY.
 */
void	 verify_key(struct verify *, uint64_t id, const char *key,
	    size_t keylen, const char *spki, size_t spkilen);
/* Once a second: answers overdue by VF_KEY_TIMEOUT give VF_NOKEY. */
void	 verify_tick(struct verify *);
/*
 * One turn: check queued signatures until the budget is spent (at
 * least one).  Returns true if some are left (another turn is then
 * scheduled on the event loop).  The loop calls it by itself; tests may
 * call it directly.
 */
bool	 verify_run(struct verify *);
/* Copy the queue's counters into st. */
void	 verify_stats(const struct verify *, struct vf_stats *st);

#endif
