/*
 * cluster.h -- several xchatd acting as one through a Redis store
 * (doc/CLUSTER.md): the hub's few calls into it.  Only built with
 * hiredis (configure --enable-cluster); without -cluster none of it
 * runs.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_CLUSTER_H
#define XCHAT_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct client;
struct hub;
struct proto_cmsg;

/* The store's state, as the window shows it. */
enum cluster_state {
	CLUSTER_DOWN = 0,	/* unreachable; retrying */
	CLUSTER_JOINING,	/* connected, joining */
	CLUSTER_UP
};

struct cluster_config {
	const char	*store;		/* redis://HOST:PORT[/DB] or a path */
	const char	*name;		/* the keys' prefix */
	unsigned	 timeout;	/* seconds: a silent server is gone */
};

/*
 * Parse a store address: "redis://HOST[:PORT][/DB]" (port 6379, db 0
 * by default) or an absolute unix socket path.  host gets the host or
 * path.  false with err if malformed.
 */
bool	cluster_parse_store(const char *store, char *host, size_t hostlen,
	    int *port, int *db, char *err, size_t errlen);

/*
 * Make hub h a member of the cluster cfg describes (h->cl is set): it
 * starts connecting at once and keeps trying while the store is
 * unreachable.  NULL with err if cfg is malformed.
 */
struct cluster *cluster_create(struct hub *h,
	    const struct cluster_config *cfg, char *err, size_t errlen);
/* Leave the cluster (the others see this server's clients leave with
 * the hub's own LEAVE frames), close the store; NULL is fine. */
void	cluster_free(struct cluster *);

/* A new client id (never used in the cluster), or 0 if none is known
 * yet (the store has not been reached). */
uint64_t cluster_new_id(struct cluster *);
/* Local client c was welcomed / left with reason. */
void	cluster_joined(struct cluster *, struct client *c);
void	cluster_left(struct cluster *, struct client *c,
	    const char *reason);
/* Local client c went away (c->away its text) or came back. */
void	cluster_away(struct cluster *, struct client *c);
/* Queue USER lines for c of the other servers' clients (each followed
 * by AWAY if it is away); their count. */
unsigned cluster_users(struct cluster *, struct client *c);
/*
 * Claim nick (key: its uniqueness key) for c across the cluster, with
 * the shared registry's say (a nick registered to another key is
 * refused; a keyed client of an open server registers a free one): the
 * answer (NICK to all, or ERR nickinuse / nolog) comes later.
 */
void	cluster_nick(struct cluster *, struct client *c, const char *nick,
	    size_t len, const char *key, size_t klen);
/*
 * Message m of c passed every check (md5: its digest; a DM: its
 * recipient to and that one's key tokey, "-" for none): it goes to the
 * store with this round's batch; OK once stored and logged, else NAK.
 */
void	cluster_submit(struct cluster *, struct client *c,
	    const struct proto_cmsg *m, const char *md5, uint64_t to,
	    const char *tokey);
/*
 * The store did not answer c's messages in flight in time: NAK nolog
 * each now (an answer that comes later is dropped: neither logged nor
 * OK'd).
 */
void	cluster_abandon(struct cluster *, struct client *c);
/* The cluster's timeout, in milliseconds. */
unsigned long cluster_timeout_ms(const struct cluster *);
/*
 * Keyed client c said HELLO <after>: ask the store for the nick it
 * starts with (the one its key registered last, if no connection
 * holds it: claimed) and call hub_welcome again with it set, when the
 * answer comes.  false if the store cannot be asked (welcome at once).
 */
bool	cluster_start_nick(struct cluster *, struct client *c,
	    uint64_t after);
/*
 * Is target (an address or key, canonical) banned at now by the
 * cluster's list (any server's bans file)?
 */
bool	cluster_banned(const struct cluster *, const char *target,
	    time_t now);
/* The key ("-": none) of client id of another server, NULL if none. */
const char *cluster_dm_key(const struct cluster *, uint64_t id);
/* End of an event round: send the round's batch. */
void	cluster_round(struct cluster *);
/* The key of a client of another server (KEY <id>). */
bool	cluster_key_of(const struct cluster *, uint64_t id,
	    const char **key, const char **spki);

/* What the store's batches cost (SIGUSR1's line, bench/). */
struct cluster_stats {
	uint64_t	 batches;	/* round scripts answered */
	uint64_t	 msgs;		/* messages they stored */
	uint64_t	 rtt_us;	/* sum of their round trips */
	uint64_t	 rtt_max_us;
	uint64_t	 read_entries;	/* stream entries read */
	unsigned	 bad;		/* malformed entries skipped */
};
void	cluster_stats(const struct cluster *, struct cluster_stats *);

/* For the window: the store's state, servers alive, remote clients. */
enum cluster_state cluster_state(const struct cluster *);
unsigned cluster_servers(const struct cluster *);
const char *cluster_self(const struct cluster *);

#endif
