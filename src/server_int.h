/*
 * server_int.h -- what the two halves of xchatd's window share: the
 * window's state (struct server_ui), and the functions of server_ui.c
 * (the event view, the client list, the status line, the hub's events,
 * construction) and of server_act.c (the menus and dialogs, the test
 * hook) that the other calls.  Private to these two files.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_SERVER_INT_H
#define XCHAT_SERVER_INT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <time.h>

#include <Xm/Xm.h>

#include "evloop.h"
#include "hub.h"
#include "logview.h"
#include "protocol.h"
#include "server_res.h"
#include "server_ui.h"

/* Kinds of event line: only MSG and OTHER lines may be summarised. */
enum line_kind { LK_MSG, LK_OTHER, LK_ALWAYS };

#define LINE_MAX_BYTES	(PROTO_MAX_TEXT * 3 + 1024)

/* Column widths of the client list, in characters. */
#define COL_ID		5
#define COL_NICK	16
#define COL_KEY		8	/* hex digits of the key shown */
#define COL_ADDR	22
#define COL_MSGS	8
#define COL_DMS		5
#define COL_VIA		5
#define COL_AWAY	20	/* the away mark and reason */
/* Bytes of a formatted row of the list (UTF-8: up to 4 a character). */
#define ROW_MAX		512

/* A row of the client list: what the window knows of a client. */
struct row {
	uint64_t	 id;
	char		*nick;
	char		*peer;
	char		*key;		/* its key's fingerprint, or NULL */
	uint64_t	 msgs;
	uint64_t	 dms;		/* private messages it sent */
	char		*away;		/* its away text (cleaned), or NULL */
	bool		 tls;
	int		 version;	/* of the protocol: 1 or 2 */
	bool		 remote;	/* on another server of the cluster */
};

struct server_ui;

/*
 * A question the operator confirms before an act (Ban key, Remove):
 * its dialog, made on first use, and what the act is to act on, copied
 * when the question is asked (the selection may change meanwhile).
 */
struct confirm {
	struct server_ui *ui;
	Widget		 w;
	void		(*act)(struct server_ui *, const struct confirm *);
	uint64_t	 id;		/* a client, or 0 */
	char		*nick;
	char		*key;
};

/* Clients > Accounts: the registry's dialog. */
struct acct_dialog {
	Widget		 w;
	Widget		 path;		/* the file's path */
	Widget		 regs_title;
	Widget		 regs;		/* nick and key of each registration */
	Widget		 key;		/* the selected line's key, to copy */
	Widget		 bans_title;
	Widget		 bans;		/* the banned keys */
	Widget		 remove;
	bool		 dirty;		/* the registry changed: refill */
	/* What the lists show: copies, as the registry was then. */
	char		**nicks;
	char		**keys;
	size_t		 nregs;
	char		**banned;
	size_t		 nbans;
};

/*
 * Kick or Kick and ban (ban set): the question with a reason field
 * (and how long), made on first use, and the client asked about,
 * copied when asked.
 */
struct kick_dialog {
	struct server_ui *ui;
	Widget		 w;
	Widget		 reason;
	Widget		 until;		/* the option menu (ban) */
	bool		 ban;
	int		 dur;		/* the duration chosen */
	uint64_t	 id;
	char		*nick;		/* cleaned */
	char		*peer;
	char		*key;		/* "" for none */
};

/* Clients > Bans: the bans file's dialog. */
struct bans_dialog {
	Widget		 w;
	Widget		 path;
	Widget		 list;
	Widget		 lift;
	char		**targets;	/* what the list shows, in order */
	size_t		 n;
	bool		 dirty;		/* the bans changed: refill */
};

/* Application resources: tunables and every message string. */
struct server_ui {
	Widget		 top;
	Widget		 text;
	Widget		 list;
	Widget		 kick;
	Widget		 kick_item;
	Widget		 ban;
	Widget		 ban_item;
	Widget		 kick_ban;
	Widget		 kick_ban_item;
	Widget		 accounts_item;
	Widget		 bans_item;
	Widget		 kick_error;	/* a kick or a ban failed */
	struct kick_dialog kick_d;
	struct kick_dialog kickban_d;
	struct bans_dialog bans_d;
	Widget		 status;
	Widget		 header;
	Widget		 pause;
	Widget		 verify;
	struct confirm	 quit_confirm;	/* File > Quit with clients */
	Widget		 about_dialog;
	Widget		 verify_dialog;
	Widget		 verify_text;
	Widget		 log_dialog;
	Widget		 key_dialog;
	Widget		 acct_error;	/* a change to the registry failed */
	struct acct_dialog acct;
	struct confirm	 ban_confirm;
	struct confirm	 remove_confirm;
	XmString	 pause_label;
	struct server_res r;

	struct hub	*hub;
	struct server_ui_info info;
	char		*listen_name;
	char		*tls_name;
	char		*fingerprint;
	char		*logfile;
	bool		 started;

	/* The event view and its flush timer (also for list, status). */
	struct logview	*lv;
	void		*xft;		/* the event view's XftFont */
	struct ev_defer	 flush;		/* server_flush_cb */

	/* Summarising: lines shown in the current second, lines skipped. */
	time_t		 win_sec;
	unsigned	 win_shown;
	uint64_t	 skip_msgs;
	uint64_t	 skip_other;

	/* Time stamps. */
	time_t		 stamp_sec;
	char		 stamp[64];

	/* The client list. */
	struct row	*rows;
	size_t		 nrows;
	size_t		 caprows;
	size_t		 dirty_lo;	/* first dirty row, or nrows */
	size_t		 dirty_hi;	/* one past the last dirty row */
	uint64_t	 sel_id;	/* selected client, 0 for none */

	/* Status line. */
	bool		 status_dirty;
	int		 log_errno;
	uint64_t	 rate;
	uint64_t	 rate_acc;
	struct timespec	 rate_ts;
	struct ev_timer	*tick_timer;
};

/* server_ui.c */
/* Queue an event line: the time, then fmt expanded with keys/args. */
void	 server_event_add(struct server_ui *, enum line_kind,
	    const char *fmt, const char *keys, const char **args);
/* Flush the view soon; and the flush itself (a timer callback). */
void	 server_schedule_flush(void *);
void	 server_flush_cb(void *);
/* Redraw the status line. */
void	 server_update_status(struct server_ui *);
/* v in decimal with the thousands separator, into buf (32 bytes). */
const char *server_num(struct server_ui *, uint64_t v, char *buf);
/*
 * The short form of a key's fingerprint, as the list shows it: its
 * first COL_KEY hex digits (after "sha256:") in out (COL_KEY + 1
 * bytes), or "-" for NULL.  Returns out or "-".
 */
const char *server_short_key(const char *key, char *out);
/* The row of client id, or NULL. */
struct row *server_row(struct server_ui *, uint64_t id);
/* Kick and Ban key follow the selection (Ban: a keyed client). */
void	 server_set_sensitive(struct server_ui *);

/* server_act.c */
/* The menu bar (File, View, Clients, Help) in the main window mw. */
Widget	 server_menu_bar(struct server_ui *, Widget mw);
/* The dialogs made up front (quit, about, verify, log error). */
void	 server_dialogs(struct server_ui *, Widget top);
/* The SIGUSR1 test hook: write the window's state to dumpFile. */
void	 server_dump_cb(void *);
/* Clients > Ban key and its button: ban the selected client's key. */
void	 server_ban_cb(Widget, XtPointer, XtPointer);
/*
 * The registry changed (a registration, a ban): the Accounts dialog,
 * if open, shows it at the next flush.
 */
void	 server_accounts_changed(struct server_ui *);
/* The flush timer's part: refill the Accounts dialog if it changed. */
void	 server_accounts_flush(struct server_ui *);

/* server_ban.c */
/* Clients > Kick and the Kick button: ask, then drop the client. */
void	 server_kick_cb(Widget, XtPointer, XtPointer);
/* Clients > Kick and ban and its button: ask, then ban and drop. */
void	 server_kick_ban_cb(Widget, XtPointer, XtPointer);
/* Clients > Bans: the bans file, to lift a ban. */
void	 server_bans_cb(Widget, XtPointer, XtPointer);
/* The bans changed: the Bans dialog, if open, shows it at the flush. */
void	 server_bans_changed(struct server_ui *);
/* The flush timer's part: refill the Bans dialog if it changed. */
void	 server_bans_flush(struct server_ui *);
/* The test dump's part: the kick questions' fields, the Bans dialog. */
void	 server_bans_dump(FILE *, struct server_ui *);

#endif
