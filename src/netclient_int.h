/*
 * netclient_int.h -- what the two halves of the client core share: the
 * client's state (struct netclient) and the helpers of netclient.c
 * that netclient_v2.c (version 2: HELLO, keys, signatures, KEY, the
 * verification queue, known_users) calls, and the other way round.
 * Private to these two files; no X header.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_NETCLIENT_INT_H
#define XCHAT_NETCLIENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "keys.h"
#include "netclient.h"
#include "netio.h"
#include "protocol.h"
#include "seenset.h"
#include "u64map.h"

/* Bytes read from the socket per wakeup, at most. */
#define READ_CHUNK	65536

/* A frame either version may send, with room to spare. */
#define NC_FRAME	(PROTO_MAX_FRAME_V2 + 64)

struct nc_user {
	uint64_t	 id;
	char		 nick[PROTO_MAX_NICK + 1];	/* as the server sent */
	uint64_t	 keyhash;	/* nick_hash of its key, 0 if none */
	bool		 refused;	/* shown escaped (see nick_refused) */
	/* Version 2: its key ("-": none, "" on v1) and known_users. */
	char		 key[KEYS_FP_LEN];
	enum nc_keystate kstate;
};

struct verify;
struct knownusers;

struct netclient {
	char			*host;		/* the one tried now */
	char			*port;
	char			*hostlist;	/* -host: "a,b:12346,c" */
	char			*defport;	/* for entries without one */
	unsigned		 nhosts;
	unsigned		 hostidx;
	char			 want[PROTO_MAX_NICK + 1]; /* wanted nick */
	bool			 want_taken;	/* refused nickinuse: ask
						   again when it is freed */
	unsigned		 ping_interval;
	unsigned		 ping_timeout;
	unsigned		 connect_timeout;

	const struct nc_events	*ev;
	void			*arg;
	struct clientlog	*log;		/* not owned; may be NULL */
	struct tls_creds	*tls;		/* not owned; NULL: plain */
	char			*known;
	char			*pin;
	bool			 pin_given;	/* pin is -trust's */
	char			 tlsver[16];	/* "" unless TLS is up */
	char			 srvkey[KEYS_FP_LEN];
	bool			 halt;		/* the next drop stops */
	bool			 late_trust;	/* trusted by the user: a drop
						   before WELCOME (the server
						   gave up waiting) is not
						   told, retried at once */

	enum nc_state		 state;
	enum nc_why		 why;
	enum nc_why		 bye;		/* BYE seen before the close */
	char			 err[256];

	int			 fd;
	struct conn		*conn;		/* over fd */
	struct ev_io		*io;
	struct outbuf		 out;
	struct proto_lineq	 lq;
	char			*rbuf;

	struct ev_timer		*tick;
	unsigned		 backoff;	/* next delay, seconds */
	unsigned		 secs_left;
	time_t			 since;		/* connect start */
	time_t			 last_rx;
	time_t			 ping_at;	/* 0: no PING outstanding */
	unsigned		 ping_no;

	uint64_t		 id;
	char			 nick[PROTO_MAX_NICK + 1];
	uint64_t		 keyhash;	/* of our nick, as nc_user's */
	bool			 refused;
	uint64_t		 nhistory;
	struct nc_user		*users;
	size_t			 nusers;
	size_t			 capusers;
	struct u64map		 byid;	/* id -> index in users */
	struct u64map		 bykey;	/* keyhash -> id */

	uint64_t		 lastseq;
	struct nc_own		*own;		/* queued and pending */
	struct nc_own		*owntail;
	struct nc_own		*lost;		/* undelivered, until the next
						   history; both oldest first */
	struct nc_own		*losttail;
	unsigned		 nlost;
	uint64_t		 max_n;		/* highest number seen on this
						   connection */
	struct seenset		 shown;		/* messages shown (and ours
						   confirmed) in this run: a
						   history does not show them
						   again */
	char			*away;		/* our away reason, or NULL */

	/* Version 2 (netclient_v2.c). */
	int			 version;	/* of this connection */
	bool			 hello_err;	/* a v1 server will answer our
						   HELLO with ERR unknown */
	const struct keys_identity *ident;	/* NULL: anonymous */
	uint64_t		 hello_n;	/* highest number seen on
						   this server: HELLO <n> */
	struct verify		*vf;
	struct knownusers	*ku;
	struct u64map		 pend;		/* ticket -> struct nc_pend * */
};

/* netclient.c */
/* Copy len bytes of p into dst (size bytes), cut, NUL-terminated. */
void	 nc_copy_str(char *dst, size_t size, const char *p, size_t len);
/* The shown form of a nick (see shown() in netclient.c) into buf. */
size_t	 nc_shown(const char *nick, size_t len, bool refused, char *buf);
size_t	 nc_shown_for(struct netclient *, uint64_t id, const char *nick,
	    size_t len, char *buf);
struct nc_user *nc_users_find(const struct netclient *, uint64_t id);
/*
 * True if id is gone (not connected, not us) and nick is, to the byte,
 * the nick of one here that is not shown escaped: the same user come
 * back (version 1 cannot tell more; in version 2 the server gives a
 * registered nick only to its key), not a look-alike.
 */
bool	 nc_departed_same(struct netclient *, uint64_t id, const char *nick,
	    size_t len);
void	 nc_emit_note(struct netclient *, enum nc_note, const char *code,
	    size_t codelen, const char *text, size_t textlen);
/* Queue bytes for the server; written when the socket is writable. */
void	 nc_put_later(struct netclient *, const char *buf, size_t len);
/* A message number was seen (live, history, OK): HELLO's <n>. */
void	 nc_seen(struct netclient *, uint64_t n);
/* Log a received message with its final verdict (once per number). */
void	 nc_log_msg(struct netclient *, const struct nc_msg *);
/* Tell the UI (and the log) of our message o's state. */
void	 nc_emit_own(struct netclient *, struct nc_own *);
/*
 * A new message of ours (queued, in the send list, shown): to 0 for
 * everyone; NULL (with a note) if too many wait.
 */
struct nc_own *nc_own_add(struct netclient *, uint64_t to, const char *,
	    size_t);
/* Send o now (connection ready); it becomes pending. */
void	 nc_own_send(struct netclient *, struct nc_own *);
/* Take o out of the send list (it reached its last state). */
void	 nc_own_unlink(struct netclient *, struct nc_own *);
void	 nc_own_free(struct nc_own *);
/* Queue a frame for the server and try to write it now (may drop). */
void	 nc_put(struct netclient *, const char *buf, size_t len);

/* netclient_dm.c: private messages and away (issue 13). */
/* A DM of ours may go now: else rejected "nouser" (true if sent). */
bool	 ncdm_send(struct netclient *, struct nc_own *);
/* AWAY <id> [text] from the server. */
void	 ncdm_away(struct netclient *, const struct proto_smsg *);
/* After WELCOME: say again that we are away, if we are. */
void	 ncdm_welcome(struct netclient *);
/* The client log's record of our DM o (dir, recipient's id and nick). */
void	 ncdm_log_own(struct netclient *, const struct nc_own *,
	    const char *verdict);

/* netclient_v2.c */
/*
 * Version 2's part of a new client: its identity, its signature
 * queue and its known users (opened from cfg); nc2_free frees them.
 */
void	 nc2_init(struct netclient *, const struct nc_config *);
void	 nc2_free(struct netclient *);
/* The transport is up: version 2 if ALPN chose it (then HELLO). */
void	 nc2_connected(struct netclient *, int version);
/* The connection is gone: what waits for a key fails. */
void	 nc2_drop(struct netclient *);
/* Parse a frame by the connection's version; false if malformed. */
bool	 nc2_parse(struct netclient *, const char *line, size_t len,
	    struct proto_smsg *);
/* True if the frame is the answer to our HELLO from a v1 server. */
bool	 nc2_swallow(struct netclient *, const struct proto_smsg *);
/* WELCOME: the version it names, our key. */
void	 nc2_welcome(struct netclient *, const struct proto_smsg *);
/* After a USER/JOIN/NICK of u (NULL for a LEAVE): its key. */
void	 nc2_user(struct netclient *, enum nc_user_ev,
	    const struct proto_smsg *, struct nc_user *u);
/*
 * A v2 message that passed the v1 checks (msg->verdict NCV_GOOD): its
 * time and signature.  The verdict may become NCV_VERIFYING (with a
 * ticket: nc2_pending() must then be called after the message event)
 * or a failure.
 */
void	 nc2_message(struct netclient *, const struct proto_smsg *,
	    struct nc_msg *);
/* Keep what the verdict event of a NCV_VERIFYING message needs. */
void	 nc2_pending(struct netclient *, const struct nc_msg *);
/* KEY <id> <key> <spki>. */
void	 nc2_key(struct netclient *, const struct proto_smsg *);
/* The frame of our message or DM o (signed in v2) into frame (NC_FRAME). */
size_t	 nc2_encode_msg(struct netclient *, struct nc_own *o, char *frame);
/* Once a second. */
void	 nc2_tick(struct netclient *);

#endif
