/*
 * hub.h -- the server core: accepts clients, gives them ids and nicks,
 * checks and numbers their messages, records them in the log and fans
 * them out (through fanout.h), with per-client output caps, flood
 * control, keepalive and history.  It tells the window (if any) what
 * happens through struct hub_events; it includes no X or Motif header.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_HUB_H
#define XCHAT_HUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "msglog.h"

struct accounts;
struct bans;
struct hub;
struct tls_creds;

/* Who may come in (PROTOCOL.md, "Keys and nicks"). */
enum hub_access {
	HUB_OPEN = 0,		/* anyone; a keyed client registers a free
				   nick by taking it */
	HUB_MEMBERS		/* only keys of the accounts file */
};

struct hub_config {
	unsigned	 maxclients;	/* BYE full past this many */
	unsigned	 history;	/* messages replayed to newcomers */
	double		 floodrate;	/* messages/s per client; 0: off */
	unsigned	 floodkick;	/* excess flood NAKs before BYE flood */
	size_t		 slowlimit;	/* bytes of unsent output per client */
	size_t		 outbudget;	/* ... of all clients; 0: no limit */
	unsigned long	 ping_interval;	/* ms of silence before a PING; 0 off */
	unsigned long	 ping_timeout;	/* ms to wait for the PONG */
	enum hub_access	 access;
	struct accounts	*accounts;	/* the registry (not owned); NULL:
					   none, no nick is registered */
	struct bans	*bans;		/* addresses and keys banned for a
					   time (not owned), or NULL */
};

/* What the window is told about a client. */
struct hub_client_info {
	uint64_t	 id;
	const char	*nick;
	const char	*peer;
	uint64_t	 msgs;		/* messages accepted from it */
	uint64_t	 dms;		/* private messages accepted from it */
	const char	*away;		/* its away text, or NULL: here */
	bool		 tls;		/* connected over TLS */
	int		 version;	/* of the protocol: 1 or 2 */
	const char	*key;		/* its key's fingerprint, or NULL */
	const char	*server;	/* a client of another server of the
					   cluster: that server; NULL: ours */
};

/*
 * Callbacks to the user interface; any may be NULL.  Strings are only
 * valid during the call.  text is not NUL-terminated.
 */
struct hub_events {
	void	(*joined)(void *ui, const struct hub_client_info *);
	void	(*left)(void *ui, const struct hub_client_info *,
		    const char *reason);
	void	(*renamed)(void *ui, const struct hub_client_info *,
		    const char *oldnick);
	void	(*accepted)(void *ui, const struct hub_client_info *,
		    uint64_t n, const char *md5, const char *text,
		    size_t len);
	void	(*rejected)(void *ui, const struct hub_client_info *,
		    const char *code, const char *md5_recv,
		    const char *md5_comp, const char *text, size_t len);
	void	(*logstate)(void *ui, int errnum);	/* 0: recovered */
	/* The log file was reopened or changed behind our back. */
	void	(*logchanged)(void *ui, enum msglog_change,
		    const char *detail);
	void	(*sent)(void *ui, const struct hub_client_info *);
	/* The client's nick was registered to its key. */
	void	(*registered)(void *ui, const struct hub_client_info *);
	/*
	 * A private message from a client to client to (tonick its nick,
	 * NULL if there is no such client): accepted as number n (code
	 * NULL), or rejected with code.  Never its text: the window is
	 * not for reading private messages.
	 */
	void	(*dm)(void *ui, const struct hub_client_info *, uint64_t to,
		    const char *tonick, uint64_t n, const char *code);
	/* The client went away (info's away set) or came back. */
	void	(*away)(void *ui, const struct hub_client_info *);
	/*
	 * A connection from peer was turned away before it had an id:
	 * why is "banned" (its address or key, BYE kicked banned).
	 */
	void	(*refused)(void *ui, const char *peer, const char *why);
};

struct hub_stats {
	unsigned	 clients;
	uint64_t	 accepted;
	uint64_t	 rejected;
	uint64_t	 deliveries;
	uint64_t	 connections;
	uint64_t	 verified;	/* signatures checked */
	uint64_t	 badsig;	/* ... that failed */
	uint64_t	 denied;	/* BYE denied (members), BYE kicked
					   banned (a key, an address) */
	uint64_t	 dms;		/* private messages accepted */
};

/*
 * Create the hub: it records messages in lg (which it does not own),
 * tells ui what happens through ev (may be NULL; both must outlive the
 * hub), and installs evloop's round hook and a one-second timer.
 * Never fails (memory from xmalloc).
 */
struct hub *hub_create(const struct hub_config *, struct msglog *,
	    const struct hub_events *, void *ui);

/*
 * Accept clients on fd, a non-blocking listening socket, which the hub
 * now owns (closed by hub_shutdown).  Out of descriptors, accepting
 * pauses briefly and a warning is logged.
 */
void	hub_listen(struct hub *, int fd);
/*
 * Accept TLS clients on fd with the server's credentials tls (kept,
 * not owned).  A handshake runs inside the event loop and counts
 * against maxclients; one not done in HUB_HANDSHAKE_MS is dropped; a
 * client whose handshake is done gets its id and WELCOME like any.
 */
void	hub_listen_tls(struct hub *, int fd, struct tls_creds *tls);
/* Milliseconds a TLS handshake may take (PROTOCOL.md: 10 s). */
#define HUB_HANDSHAKE_MS	10000

/*
 * Write the "start" record of this run to the log, its text saying
 * where the server listens (listen_name, and detail: TLS, the key's
 * fingerprint, plain text exposed).  If it cannot be written, messages
 * are refused (NAK nolog) until it can be.
 */
void	hub_log_start(struct hub *, const char *listen_name,
	    const char *detail);

/*
 * SIGHUP: open the log at its path again (msglog_reopen).  A new file
 * there gets a segment record at once; the clients stay.  What happens
 * is told on stderr and through hub_events.logchanged.
 */
void	hub_log_reopen(struct hub *);

/*
 * Drop client id with "BYE kicked", or "BYE kicked <text>" if text is
 * not NULL or empty (it must pass proto_away_valid: at most 200 bytes
 * of message text; another is not sent).  false if no such client is
 * open.
 */
bool	hub_kick(struct hub *, uint64_t id, const char *text);
/*
 * Ban the key of client id (a "!" line in the accounts file) and drop
 * it with "BYE kicked banned".  false with err if it has no key, there
 * is no registry or the file cannot be written (then it is not
 * dropped).
 */
bool	hub_ban(struct hub *, uint64_t id, char *err, size_t errlen);

/*
 * Kick and ban: ban the address of client id, and its key if it has
 * one, in the bans file until the second until (BANS_FOREVER: for
 * ever) with text as the reason; drop it with "BYE kicked <text>"
 * ("BYE kicked banned" if text is NULL, empty or not valid AWAY text),
 * and every other open client from that address or with that key with
 * "BYE kicked banned".  false with err if there is no such client or
 * bans file, or the file cannot be written (then nobody is dropped).
 */
bool	hub_kick_ban(struct hub *, uint64_t id, time_t until,
	    const char *text, char *err, size_t errlen);

/* Copy the counters, with the number of open clients, into st. */
void	hub_stats(const struct hub *, struct hub_stats *);

/*
 * Stop listening, say BYE shutdown to every client and give their
 * sockets up to about a second (blocking) to take what is queued, then
 * close them all.
 */
void	hub_shutdown(struct hub *);

/* Shut down (if not done yet) and free the hub; NULL is fine. */
void	hub_free(struct hub *);

#endif
