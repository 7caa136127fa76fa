/*
 * transcript.h -- the client's transcript model, without a display:
 * one struct tline per line with its text and its state.  It turns
 * the client core's events into the text of each kind of line (from
 * templates the window passes in) and changes the suffix of an own
 * message when its fate is known.  The window shows
 * the lines; nothing here knows about X.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_TRANSCRIPT_H
#define XCHAT_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "netclient.h"		/* enum nc_verdict */

/* The templates and marks of the lines (resources of the window). */
struct transcript_strings {
	const char	*fmt_message, *fmt_join, *fmt_leave, *fmt_nick;
	const char	*fmt_note, *fmt_date, *fmt_time;
	const char	*mark_good, *mark_bad, *mark_own;
	const char	*sfx_history, *sfx_failed, *sfx_pending, *sfx_queued;
	const char	*sfx_confirmed, *sfx_rejected, *sfx_undelivered;
	const char	*hist_begin, *hist_end;
	/* Failed for another reason than the digest (%i: the id). */
	const char	*sfx_badtext, *sfx_unknown;
	/* Undelivered, then found in the history (%N: its number). */
	const char	*sfx_recovered;
	/*
	 * Version 2: the marks of unsigned messages and of those whose
	 * signature is being checked (mark_good: signed, and the signature
	 * is good); the suffixes of a line being checked, of a bad
	 * signature, of a sender without a key that can be trusted (%i),
	 * of one too many to check.
	 */
	const char	*mark_unsigned, *mark_verifying;
	const char	*sfx_verifying, *sfx_badsig, *sfx_nokey, *sfx_unchecked;
	/*
	 * Issue 13: the time shown for a history line whose time is not
	 * known (version 1), instead of the time of its replay (NULL:
	 * the replay's time).
	 */
	const char	*time_unknown;
	/*
	 * The format of an action (a text that begins with "/me ",
	 * netclient_is_action()): %x is the rest of the text.  NULL: shown
	 * as any message.
	 */
	const char	*fmt_action;
};

/* The state of a line; own messages move from QUEUED onwards. */
enum tline_state {
	TL_PLAIN,		/* a note, date, join, leave, nick line */
	TL_MESSAGE,		/* someone's message, digest good */
	TL_HISTORY,		/* a message from the history, good */
	TL_FAILED,		/* a message not genuine (any nc_verdict
				   but NCV_GOOD) */
	TL_QUEUED,		/* own: waiting for the connection */
	TL_PENDING,		/* own: sent, not yet confirmed */
	TL_CONFIRMED,		/* own: committed by the server */
	TL_REJECTED,		/* own: refused by the server */
	TL_UNDELIVERED,		/* own: lost with the connection */
	TL_RECOVERED,		/* own: lost, then found in the history */
	TL_VERIFYING		/* someone's signed message being checked */
};

struct tpend;

/* One line of the model. */
struct tline {
	char			*s;	  /* UTF-8, no newline */
	size_t			 prefix;  /* bytes before the suffix */
	enum tline_state	 state;
	bool			 mention; /* a good message naming us */
	struct tpend		*pend;	  /* TL_VERIFYING: to write it again */
};

/* A placeholder letter and its value, for transcript_expand(). */
#define TKV_MAX	16		/* pairs one template may have */
struct tkv {
	char		 k;
	const char	*v;
};

struct transcript {
	const struct transcript_strings *str;
	struct tline	*lines;
	size_t		 nlines, caplines;
	uint64_t	 first_serial;	/* serial of lines[0] */
	int		 last_yday, last_year;
	bool		 in_history;
	bool		 conn_wait;	/* the connection note waits for */
	uint64_t	 conn_serial;	/* our first rename: its serial, */
	time_t		 conn_at;	/* its time */
	/* Called after each new line, with its serial number. */
	void		(*added)(void *, uint64_t, const struct tline *);
	void		*arg;
	/*
	 * Optional (set after transcript_init): called when a line was
	 * written anew by the model itself (a join line that takes the
	 * nick the newcomer chose at once).
	 */
	void		(*changed)(void *, uint64_t, const struct tline *);
	/*
	 * Optional: whether user id's nick may be taken for another's;
	 * the placeholder %I of the message, own, join, leave and nick
	 * formats is then "#id", else empty.  NULL: always "#id".
	 */
	bool		(*shared)(void *, uint64_t id, const char *nick,
			    size_t len);
	/* Join lines that a first rename may still rewrite (see .c). */
	struct tjoin {
		uint64_t	 id;
		uint64_t	 serial;
		time_t		 at;
	}		 joins[8];
	unsigned	 njoins;
};

/* Seconds after a join during which a rename rewrites its line. */
#define TRANSCRIPT_JOIN_RENAME	10

/*
 * Set up t with the strings str (kept, not copied: they must outlive
 * t); added(arg, serial, line), if not NULL, is called after each new
 * line.  Serial numbers count the lines of t from 0.
 */
void	 transcript_init(struct transcript *t,
	    const struct transcript_strings *str,
	    void (*added)(void *, uint64_t, const struct tline *), void *arg);
/* Free the lines of t (not t itself). */
void	 transcript_free(struct transcript *t);
/*
 * template_expand_dup() (template.h, the one expander of both
 * programs) with the placeholders given as n letter-value pairs, n at
 * most TKV_MAX.  Returns an allocated string; aborts only if memory
 * runs out.
 */
char	*transcript_expand(const char *tmpl, const struct tkv *kv, int n);
/*
 * Add a note: tmpl expanded from kv, then put in the note format.
 * note_text does the same with one value %x, made displayable.
 */
void	 transcript_note(struct transcript *t, const char *tmpl,
	    const struct tkv *kv, int n);
void	 transcript_note_text(struct transcript *t, const char *tmpl,
	    const char *x, size_t xlen);
/*
 * The note that we are connected (tmpl expanded from kv).  When
 * renaming, the nick we asked for is coming: the note waits for it,
 * and transcript_connected_nick() rewrites it with the new values
 * (same time) instead of adding a rename line, returning true; it
 * returns false when no note waits (a later rename is a line of its
 * own).  transcript_connected_forget() stops the wait (the nick was
 * refused, or the connection ended).
 */
void	 transcript_connected(struct transcript *t, const char *tmpl,
	    const struct tkv *kv, int n, bool renaming);
bool	 transcript_connected_nick(struct transcript *t, const char *tmpl,
	    const struct tkv *kv, int n);
void	 transcript_connected_forget(struct transcript *t);
/* A new session began (welcome): history lines start again. */
void	 transcript_welcome(struct transcript *t);
/* The history was replayed: the end-of-history line if there was one. */
void	 transcript_ready(struct transcript *t, uint64_t hist);

/*
 * A received message as transcript_msg() shows it: the mark is
 * mark_good for a good signature (sigok), mark_unsigned for a good
 * unsigned message, mark_verifying while the signature is checked
 * (NCV_VERIFYING), mark_bad for any failure; the suffix says why.  A
 * history line with when (UTC) not 0 shows that time, in timeFormat
 * and the local zone, instead of the time of its arrival.
 */
struct tmsg {
	uint64_t	 id;
	const char	*nick;
	size_t		 nicklen;
	const char	*text;
	size_t		 textlen;
	enum nc_verdict	 verdict;
	bool		 sigok;
	bool		 history;
	bool		 mention;	/* shown only when good */
	time_t		 when;
};
/* Add the line of a received message; returns its serial number. */
uint64_t transcript_msg(struct transcript *t, const struct tmsg *m);
/*
 * The verdict on the signature of line serial (one added with
 * NCV_VERIFYING): it is written anew with its final mark and suffix.
 * Returns the line, or NULL if it is gone or was not waiting.
 */
const struct tline *transcript_msg_verdict(struct transcript *t,
	    uint64_t serial, enum nc_verdict verdict, bool sigok);

enum tuser_ev { TU_JOIN, TU_LEAVE, TU_NICK };
/*
 * A join, leave or nick line for id: nick and reason as received
 * (reason may be NULL), old the previous nick (NULL if unknown).  The
 * first rename of a user within TRANSCRIPT_JOIN_RENAME seconds of its
 * join line rewrites that line with the new nick (through changed)
 * instead of adding a line: one line for a join with a rename.
 */
void	 transcript_user(struct transcript *t, enum tuser_ev what,
	    uint64_t id, const char *nick, size_t len, const char *old,
	    const char *reason, size_t rlen);
/*
 * The user's own message, queued: returns its serial number, for
 * transcript_own_state().
 */
uint64_t transcript_own(struct transcript *t, uint64_t my_id,
	    const char *my_nick, const char *text, size_t len);
/*
 * Own message serial moves to state (TL_PENDING, TL_CONFIRMED with
 * number n, TL_REJECTED with code and why, which may be NULL,
 * TL_UNDELIVERED, or TL_RECOVERED with number n): its suffix is written
 * anew.  Returns the line, or NULL if it was trimmed away.
 */
const struct tline *transcript_own_state(struct transcript *t,
	    uint64_t serial, enum tline_state state, uint64_t n,
	    const char *code, const char *why);
/* Remove the first k lines (k <= nlines). */
void	 transcript_drop_head(struct transcript *t, size_t k);

#endif
