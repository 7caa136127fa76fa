/*
 * netclient.h -- the client core of xchat: the connection state
 * machine (connect, handshake, ready, backoff), the send queue, the
 * bookkeeping of the user's own messages by seq, PING/PONG and
 * dead-server detection, and the parsing of server frames into
 * transcript events delivered through a callback struct.  No X or
 * Motif header is needed to use it.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_NETCLIENT_H
#define XCHAT_NETCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "keys.h"
#include "protocol.h"

/* Reconnect backoff: 1 s doubling up to 30 s, reset on success. */
#define NC_BACKOFF_FIRST	1
#define NC_BACKOFF_MAX		30

/* At most this many messages typed while disconnected wait to be sent. */
#define NC_QUEUE_MAX		100

/*
 * At most this many undelivered messages are remembered until the next
 * connection's history shows whether the server had taken them.
 */
#define NC_LOST_MAX		100

enum nc_state {
	NC_IDLE = 0,		/* not started */
	NC_CONNECTING,		/* TCP connect in progress */
	NC_HANDSHAKE,		/* connected, WELCOME not yet seen */
	NC_HISTORY,		/* WELCOME seen, READY not yet */
	NC_READY,		/* READY seen: chatting */
	NC_WAITING,		/* disconnected, a retry is scheduled */
	NC_CLOSED,		/* quit: no retry */
	NC_STOPPED,		/* disconnected; no retry until asked */
	NC_SECURING,		/* connected, TLS handshake in progress */
	NC_TRUST		/* TLS up, the user is asked about the key */
};

/* Why the client is (or was last) disconnected. */
enum nc_why {
	NCW_NONE = 0,
	NCW_REFUSED,		/* connect failed (errtext says why) */
	NCW_CLOSED,		/* the server closed the connection */
	NCW_ERROR,		/* read/write error */
	NCW_BYE,		/* the server said BYE (code says why) */
	NCW_FULL,		/* BYE full */
	NCW_DEAD,		/* no traffic and no PONG within the timeout */
	NCW_PROTOCOL,		/* the server broke the protocol */
	NCW_USER,		/* File > Reconnect */
	NCW_TLS,		/* the TLS handshake failed (errtext) */
	NCW_UNTRUSTED,		/* the user did not trust the server's key */
	NCW_KEYCHANGED,		/* not the key pinned for the server */
	NCW_KICKED,		/* BYE kicked [text]: not retried (errtext:
				   the server's text, "banned" for a ban) */
	NCW_NOHOST,		/* the host name does not resolve (errtext):
				   not retried if the name does not exist,
				   retried if the resolver failed */
	NCW_KEYGIVEN,		/* not the key given with -trust */
	NCW_DENIED		/* BYE denied: the server admits only the
				   keys it registered; not retried */
};

/* What the user is asked about a server's key. */
enum nc_trust {
	NCT_NEW,		/* first use: trust this key? */
	NCT_CHANGED,		/* another key is pinned: refused */
	NCT_GIVEN		/* not the key given with -trust: refused */
};

/* The fate of one of the user's own messages. */
enum nc_own_state {
	NCO_QUEUED = 0,		/* typed while disconnected, not yet sent */
	NCO_PENDING,		/* sent, no OK/NAK yet */
	NCO_CONFIRMED,		/* OK <seq> <n> */
	NCO_REJECTED,		/* NAK <seq> <code> */
	NCO_UNDELIVERED,	/* the connection dropped before the OK */
	NCO_RECOVERED		/* undelivered, then found in the history
				   of the next connection (number n) */
};

struct nc_own {
	uint64_t		 seq;
	uint64_t		 n;		/* once confirmed/recovered */
	enum nc_own_state	 state;
	/* Where it was sent, to know it again in a later history: */
	uint64_t		 sent_id;	/* our id on that connection */
	char			 sent_nick[PROTO_MAX_NICK + 1];
	uint64_t		 floor;		/* its number is above this */
	char			*text;
	size_t			 len;
	char			 md5[PROTO_MD5_HEX + 1];
	char			 sig[PROTO_SIG_B64 + 1];	/* v2: as sent,
						   "-" unsigned, "" on v1 */
	char			 code[32];	/* NAK code */
	char			*why;		/* NAK human text or NULL */
	void			*ui;		/* the UI's handle */
	/* A private message (DM): to whom; to 0 for a message to all. */
	uint64_t		 to;
	char			 to_nick[PROTO_MAX_NICK + 1];	/* as the
						   server sent it */
	char			 to_key[KEYS_FP_LEN];	/* v2: its key when
						   sent ("-": none), "" v1 */
	struct nc_own		*next;
};

/*
 * What the client makes of a received message: only NCV_GOOD may be
 * shown as genuine.  The first failure that applies, in the order of
 * the list.  A zeroed verdict is a failure, never genuine (and a bool
 * "good" converts to the right one of the first two).
 */
enum nc_verdict {
	NCV_DIGEST = 0,		/* the digest does not match the text */
	NCV_GOOD = 1,
	NCV_TEXT,		/* the digest matches, but the text breaks
				   the text rules (control bytes, bad UTF-8) */
	NCV_SENDER,		/* live, from an id that is not connected
				   (no USER/JOIN for it, or it left) */
	/* Version 2: the signature of a message that passed the above. */
	NCV_VERIFYING,		/* not checked yet: a verdict follows */
	NCV_BADSIG,		/* it does not verify against the key */
	NCV_NOKEY,		/* no key to be trusted for the sender */
	NCV_UNCHECKED		/* too many waiting: never checked */
};

/* A message received from another client (live or history). */
struct nc_msg {
	uint64_t	 n;
	uint64_t	 id;
	const char	*nick;
	size_t		 nicklen;
	const char	*text;
	size_t		 textlen;
	const char	*md5;		/* as received, 32 hex digits */
	char		 computed[PROTO_MD5_HEX + 1];
	enum nc_verdict	 verdict;
	bool		 good;		/* verdict == NCV_GOOD */
	bool		 history;	/* replayed before READY */
	bool		 mention;	/* the text mentions our nick */
	/* Version 2. */
	bool		 sigok;		/* good and signed: key is the author */
	const char	*key;		/* with sigok: the signer's key */
	const char	*sig;		/* the <sig> field, NULL on v1 */
	time_t		 when;		/* the <time> field (UTC), 0 if none */
	uint64_t	 ticket;	/* with NCV_VERIFYING: matches the
					   verdict event that follows */
	bool		 dm;		/* a private message to us (DM): never
					   history; its sender must be
					   connected */
};

/* A user's key as the client judges it (version 2, known_users). */
enum nc_keystate {
	NCK_NONE = 0,		/* version 1: keys unknown */
	NCK_ANON,		/* announced without a key */
	NCK_KEYED,		/* keyed, first seen with this nick */
	NCK_KNOWN,		/* keyed, the key known_users remembers */
	NCK_CHANGED,		/* keyed, another key than remembered */
	NCK_LOST		/* a key is remembered, it came without */
};

enum nc_user_ev {
	NCU_PRESENT = 0,	/* USER: already connected */
	NCU_JOIN,
	NCU_LEAVE,
	NCU_NICK
};

/* Notes from the server or the core that the UI shows as a line. */
enum nc_note {
	NCN_ERR = 0,		/* ERR <code> [text] */
	NCN_BYE,		/* BYE <reason> [text] */
	NCN_NICKINUSE,		/* ERR nickinuse <nick> */
	NCN_BADNICK,		/* ERR badnick */
	NCN_BADFRAME,		/* an unparsable frame from the server */
	NCN_TOOLONG,		/* an over-long frame from the server */
	NCN_QUEUEFULL,		/* too many messages waiting: refused */
	NCN_OWNKEY		/* v2 WELCOME names another key than ours
				   (text: the key it names) */
};

/*
 * What the core tells the UI.  Any pointer may be NULL.  Strings are
 * counted and not NUL-terminated unless stated; they live only for the
 * duration of the call.  Every nick (welcome, user, message, the old
 * nick of NCU_NICK, the nick of NCN_NICKINUSE) is in the form to show:
 * as the server sent it if this client would accept it, else escaped
 * (nick_escape in nickrules.h: ASCII, starting with "(?) ", at most
 * NICK_SHOW_MAX - 1 bytes) so that it cannot pass for another nick.
 */
struct nc_events {
	/* The state changed, or (while waiting) the countdown ticked. */
	void	(*state)(void *arg, enum nc_state, enum nc_why,
		    unsigned secs_left);
	/* WELCOME: our id and nick; the user list must be emptied. */
	void	(*welcome)(void *arg, uint64_t id, const char *nick,
		    size_t nicklen);
	/* READY: history done; users is the server's count. */
	void	(*ready)(void *arg, uint64_t users, uint64_t history);
	/* USER/JOIN/LEAVE/NICK.  For NCU_NICK, nick is the new nick and
	   oldnick the previous one (NULL if unknown); self is true when
	   it is about us.  reason is for NCU_LEAVE. */
	void	(*user)(void *arg, enum nc_user_ev, uint64_t id,
		    const char *nick, size_t nicklen, const char *oldnick,
		    const char *reason, size_t reasonlen, bool self);
	/* A message from someone else. */
	void	(*message)(void *arg, const struct nc_msg *);
	/* One of our own messages was created or changed state.  An
	   undelivered one may later become NCO_RECOVERED (see
	   netclient_send()). */
	void	(*own)(void *arg, struct nc_own *);
	/* A note: code and text may be empty. */
	void	(*note)(void *arg, enum nc_note, const char *code,
		    size_t codelen, const char *text, size_t textlen);
	/*
	 * The server's key needs the user (TLS): NCT_NEW, answer with
	 * netclient_trust(); NCT_CHANGED and NCT_GIVEN, the connection is
	 * refused and stays down (old: the pinned key, or the one given
	 * with -trust).  fp: the server's key.
	 */
	void	(*trust)(void *arg, enum nc_trust, const char *fp,
		    const char *old);
	/*
	 * Version 2: the verdict on a message first reported as
	 * NCV_VERIFYING (same ticket, the other fields as then).
	 */
	void	(*verdict)(void *arg, const struct nc_msg *);
	/*
	 * Version 2: after the user event of a USER, JOIN or NICK, the
	 * user's key (fingerprint or "-") and how it compares with what
	 * known_users remembers for the nick (old: the remembered key for
	 * NCK_CHANGED and NCK_LOST, else NULL).  Not for ourselves.
	 */
	void	(*userkey)(void *arg, uint64_t id, const char *nick,
		    size_t nicklen, const char *key, enum nc_keystate,
		    const char *old);
	/*
	 * AWAY: user id is away with reason (len bytes, display it
	 * cleaned; may be empty), or back (reason NULL).  self: it is
	 * us.  At connection start, after the user event of its USER.
	 * An AWAY for an id that is not connected is ignored.
	 */
	void	(*away)(void *arg, uint64_t id, const char *reason,
		    size_t len, bool self);
};

struct clientlog;
struct tls_creds;

struct nc_config {
	const char	*host;
	const char	*port;
	const char	*nick;		/* wanted; NULL or "": keep userN */
	unsigned	 ping_interval;	/* s of silence before our PING */
	unsigned	 ping_timeout;	/* s more before the server is dead */
	unsigned	 connect_timeout; /* s for connect + WELCOME */
	struct clientlog *log;		/* messages in and out; NULL: none.
					   Not owned: outlives the client. */
	struct tls_creds *tls;		/* NULL: plain TCP; not owned */
	const char	*known;		/* known_servers file (TLS pins) */
	const char	*pin;		/* -trust fingerprint, or NULL */
	/* Version 2 (not owned; they outlive the client): */
	const struct keys_identity *id;	/* our key; NULL: anonymous */
	const char	*known_users;	/* file of keys seen, or NULL */
};

struct netclient;

/*
 * Create a client for cfg (host, port and nick are copied; cfg->log is
 * kept, not owned).  No I/O happens yet.  ev and arg are kept and must
 * outlive the client.  Cannot fail (allocation failure aborts).
 */
struct netclient *netclient_new(const struct nc_config *,
	    const struct nc_events *, void *arg);
/*
 * Close the connection (if any) without a word to the server, cancel
 * timers, and free the client and its messages.  NULL is fine.
 */
void	 netclient_free(struct netclient *);

/*
 * Start connecting (non-blocking).  A failure (name lookup, refused,
 * timeout) is not returned: it is reported through ev->state with a
 * reason (see netclient_error()) and a retry is scheduled.
 */
void	 netclient_start(struct netclient *);
/*
 * Run a session over fd, a socket already connected to a server (a
 * socketpair in tests, or a descriptor inherited from elsewhere): the
 * handshake starts as after a connect, a scheduled retry is cancelled,
 * and the client owns fd from then on (it closes it on a drop).  fd is
 * made non-blocking and close-on-exec here.  Returns 0, or -1 with
 * errno EBUSY (a connection is open, or the client was quit) or from
 * fcntl (then fd is not taken).
 */
int	 netclient_attach(struct netclient *, int fd);
/*
 * The same, speaking protocol version (PROTO_V1 or PROTO_V2) on fd as
 * if ALPN had chosen it: in version 2 the client sends HELLO first.
 * For tests and for descriptors set up elsewhere.
 */
int	 netclient_attach_v(struct netclient *, int fd, int version);
/*
 * Drop any connection (pending messages become undelivered) and
 * connect now with the backoff reset (File > Reconnect).  Does nothing
 * once the client was quit.
 */
void	 netclient_reconnect(struct netclient *);
/*
 * Send QUIT [text] if connected (best effort: what the socket does not
 * take at once is lost), close, and stop retrying for good.
 */
void	 netclient_quit(struct netclient *, const char *text);

/*
 * Send a message.  It is shown at once through ev->own: pending when
 * connected, queued when not (sent after the next READY).  The client
 * owns the returned record (valid until its final state is reported).
 * A message still pending when the connection drops is reported
 * undelivered; if the next connection's history then holds it, it is
 * reported again as NCO_RECOVERED with its number.  The rule, which
 * must hold for it (in v1 nothing proves the message was ours): a
 * history MSG from the id we had when we sent it, with the nick we had
 * then, the same digest and the same text, numbered above every
 * message we had seen on that connection before sending it and above
 * the number of each earlier message of ours confirmed or recovered
 * from it; undelivered messages are matched in the order they were
 * sent, each to one history message.  Those the next history does not
 * show stay undelivered.
 * Returns NULL (with an NCN_QUEUEFULL note) when NC_QUEUE_MAX messages
 * wait.  The text must already be valid (see netclient_parse_command()).
 */
struct nc_own *netclient_send(struct netclient *, const char *, size_t);
/*
 * Send a private message (DM) to user id: like netclient_send() (the
 * same fates, through ev->own, with o->to set), but never recovered
 * from a history (DMs are not in it).  Over version 2 it is signed for
 * the recipient's key (from its USER/JOIN).  Sent when ready: if id is
 * then not connected with the nick it had (or, in version 2, the key),
 * it is rejected at once with code "nouser", as the server would.  A
 * DM to an id that is not connected now is refused the same way.
 * Returns NULL as netclient_send() does.  The text must be valid.
 */
struct nc_own *netclient_send_dm(struct netclient *, uint64_t to,
	    const char *, size_t);
/*
 * Mark us away with reason (copied, a valid text of at most
 * PROTO_MAX_AWAY bytes), or back (NULL or "").  Sent now if connected,
 * and again after every reconnection while away (the server forgets);
 * the server's echo comes as ev->away with self.
 */
void	 netclient_away(struct netclient *, const char *reason);
/* Our away reason, or NULL when we are not away. */
const char *netclient_away_reason(const struct netclient *);
/*
 * The connected user whose nick is nick (len bytes): the same bytes,
 * else the same uniqueness key (case and look-alikes folded), else
 * false.  Ourselves excluded.
 */
bool	 netclient_find_nick(struct netclient *, const char *nick,
	    size_t len, uint64_t *id);
/*
 * Whether nick (len bytes, as shown) of user id may be taken for
 * someone else's: another connected user, or we, have a nick of the
 * same uniqueness key (or of the same hash of it), or the nick is not
 * one this client accepts.  The window then shows the id beside it.
 * Cheap for a connected id with that nick (its key is known); else the
 * key is computed (ICU).
 */
bool	 netclient_nick_shared(struct netclient *, uint64_t id,
	    const char *nick, size_t len);

/*
 * Ask for a new nick (copied); it is also asked again on every
 * reconnect.  The server's answer comes as ev->user or an ev->note.
 */
void	 netclient_nick(struct netclient *, const char *);

/*
 * The user's answer to ev->trust(NCT_NEW): true pins the key in the
 * known_servers file and goes on; false closes the connection, which
 * stays down until netclient_reconnect().
 */
void	 netclient_trust(struct netclient *, bool accept);
/*
 * The transport of the current connection: "TLS1.3" (GnuTLS's name of
 * the version) or "" for plain TCP or none.
 */
const char *netclient_transport(const struct netclient *);
/* The server's key fingerprint over TLS, or "". */
const char *netclient_server_key(const struct netclient *);
/* Is every host of a -host list loopback (then "auto" is plain)? */
bool	netclient_hosts_loopback(const char *list);
/*
 * The server tried now (one of -host's list: after a lost connection
 * the next), its port in *port.
 */
const char *netclient_host(const struct netclient *, const char **port);
/*
 * The protocol version of the current connection, or of the last one
 * when down (PROTO_V1 before the first).
 */
int	 netclient_version(const struct netclient *);
/* Our key's fingerprint ("" when anonymous). */
const char *netclient_own_key(const struct netclient *);
/*
 * What the client knows of user id's key: its fingerprint (or "-") in
 * key, its state, and the key known_users remembers for its nick in
 * old ("" if none); KEYS_FP_LEN bytes each.  false if no such user.
 */
bool	 netclient_user_key(const struct netclient *, uint64_t id,
	    char *key, enum nc_keystate *, char *old);
/*
 * The user says user id's key is right for its nick: known_users
 * remembers it from now on (the warning stops).  false if there is no
 * such keyed user or the file cannot be written.
 */
bool	 netclient_accept_key(struct netclient *, uint64_t id);
struct vf_stats;
/* The verification queue's figures (zeros if it never ran). */
void	 netclient_verify_stats(const struct netclient *, struct vf_stats *);

/* The state of the connection (see enum nc_state). */
enum nc_state netclient_state(const struct netclient *);
/* Our nick as the server last confirmed it ("" before WELCOME). */
const char *netclient_current_nick(const struct netclient *);
/* Whether we asked for a nick the server has not given us yet. */
bool	 netclient_renaming(const struct netclient *);
/* The delay, in seconds, before the next retry after a failure. */
unsigned netclient_backoff(const struct netclient *);
/*
 * The words of the last connection error ("" if none; owned): the
 * system's (strerror, gai_strerror, GnuTLS) for NCW_REFUSED, NCW_ERROR
 * and NCW_TLS, the seconds without an answer for NCW_DEAD.  The
 * window's reason templates (%t) make the sentence around them.
 */
const char *netclient_error(const struct netclient *);

/* Backoff schedule: the delay after cur seconds (1, 2, 4 ... 30). */
unsigned netclient_backoff_next(unsigned cur);

/* True if text (len bytes) mentions nick as a word (ASCII case-folded). */
bool	 netclient_mentions(const char *text, size_t len, const char *nick);

/* Commands typed in the input line (cmdline.c). */
enum nc_cmd_kind {
	NCC_EMPTY = 0,		/* nothing to do */
	NCC_MSG,		/* arg: the text to send (with action: the
				   text after "/me ", sent as "/me text") */
	NCC_NICK,		/* arg: the new nick */
	NCC_QUIT,		/* arg: optional text (may be empty) */
	NCC_HELP,
	NCC_UNKNOWN,		/* arg: the command name */
	NCC_BADNICK,		/* /nick with an invalid nick */
	NCC_TOOLONG,		/* text over PROTO_MAX_TEXT bytes (arg: the
				   text, as for NCC_MSG or NCC_DM) */
	NCC_BADTEXT,		/* control characters or invalid UTF-8 */
	NCC_DM,			/* target: a nick, arg: the text */
	NCC_QUERY,		/* /msg NICK alone: target, no text */
	NCC_AWAY,		/* arg: the reason (may be empty) */
	NCC_BACK,
	NCC_AWAYLONG,		/* an away reason over PROTO_MAX_AWAY */
	NCC_USAGE		/* a command without what it needs: arg is
				   its name ("/nick", "/msg", "/me") */
};

struct nc_cmd {
	enum nc_cmd_kind kind;
	const char	*arg;		/* points into the input */
	size_t		 arglen;
	const char	*target;	/* NCC_DM, NCC_QUERY (and NCC_TOOLONG,
					   NCC_BADTEXT of a /msg): the nick */
	size_t		 targetlen;
	bool		 action;	/* /me: arg is the action's text */
};

/*
 * Parse one input line: "/nick NAME", "/quit [text]", "/help",
 * "/me text", "/msg NICK [text]", "/away [reason]", "/back",
 * "//text" (a message starting with "/"), anything else a message.
 * Commands are case-insensitive.  A text is checked against the
 * protocol's rules (an action counting its "/me "), so that the UI can
 * refuse it with a reason.  Nothing is allocated; cannot fail.
 */
void	 netclient_parse_command(const char *, size_t, struct nc_cmd *);

/* Bytes of the action prefix "/me " that begins an action's text. */
#define NC_ACTION_PREFIX	4
/*
 * True if text (len bytes) is an action: it begins with "/me " and
 * something follows (the protocol's convention for "* ana waves").
 */
bool	 netclient_is_action(const char *text, size_t len);

/*
 * Where to cut len bytes of valid UTF-8 so that the first piece is at
 * most max bytes: len if it fits, else the end of a character, just
 * after the last space or TAB in the piece's last quarter if there is
 * one (so that words stay whole).  Never 0 for max >= 4 and len > 0.
 */
size_t	 netclient_split(const char *text, size_t len, size_t max);

#endif
