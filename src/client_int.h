/*
 * client_int.h -- what the two halves of xchat's window share: the
 * window's state (struct client_ui) and the functions of client_ui.c
 * (the transcript, the title and status, the events of the client
 * core, construction) that client_act.c (what the user does: the input
 * line, menus, dialogs) calls, and the other way round.  Private to
 * these two files.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_CLIENT_INT_H
#define XCHAT_CLIENT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <Xm/Xm.h>

#include "client_res.h"
#include "evloop.h"
#include "client_ui.h"
#include "logview.h"
#include "netclient.h"
#include "protocol.h"
#include "transcript.h"
#include "u64map.h"
#include "userview.h"

/* Lines of input history kept for Up/Down. */
#define INPUT_HISTORY	200

struct client_ui {
	struct client_res	 r;
	struct client_opts	 o;
	struct netclient	*nc;

	Widget			 top, main, text, input, send, users, status;
	Widget			 about, savebox, trustbox, changedbox, connbox;
	bool			 focused;

	/* Version 2: lines waiting for a verdict, by ticket (-> serial). */
	struct u64map		 tickets;
	/* The key warning above the input line, and whose it is. */
	Widget			 keywarn;
	uint64_t		 keywarn_id;
	/* The user dialog (client_user.c): whom it shows. */
	Widget			 userbox, userinfo, userbuttons, remember;
	Widget			 privbutton;	/* Private message (issue 13) */
	uint64_t		 user_id;
	bool			 user_self;

	/* The transcript model, and the view that shows it. */
	struct transcript_strings ts;
	struct transcript	 t;
	struct logview		*lv;
	bool			 busy;		/* last batch was large */
	struct ev_defer		 flush;		/* client_view_flush */

	/* Input history, and the draft kept while walking it. */
	char			*hist[INPUT_HISTORY];
	int			 nhist, histpos;
	char			*draft;

	/*
	 * The window's layout (issue 13): the panes (transcript, users),
	 * the "new messages below" bar, the count above the list, the
	 * find dialog and where it found last.
	 */
	Widget			 panes, tpane, upane, below, usercount;
	size_t			 ucount;
	Dimension		 upref;	/* the list's width as chosen */
	bool			 fitting;
	void			*xft;	/* the transcript's XftFont */
	Widget			 findbox, overbox;
	char			*savepath;

	struct userview		*uv;
	uint64_t		 my_id;
	char			 my_nick[PROTO_MAX_NICK + 1];
	char			 status_text[512];
	char			 title_text[512];
	unsigned		 retry_secs;
	enum nc_state		 state;

	/* The icon: messages that came while iconified, urgency set. */
	unsigned		 unread;
	bool			 iconic, urgent;

	/* Issue 13 (client_conv.c, client_dm.c). */
	struct dmwin		*dms;		/* private windows */
	bool			 outage;	/* down, and said so once */
	char			*away_shown;	/* our away reason as noted */
	uint64_t		 away_status;	/* the status line shows this
						   user's away reason (0: no) */
	Widget			 kickbox, splitbox;
	struct conv_split	*split;		/* the text offered in parts */
};

/* The connection's placeholders %h %p %i %n %e (client_view_kv). */
#define KV_CONN	5

/* client_ui.c */
/* Move queued transcript lines and list changes into the widgets. */
void	 client_view_flush(struct client_ui *);
/*
 * Add the line of received message m to t; while its signature is
 * checked, its ticket maps to the line in tickets.  Its mention is
 * marked only if mentions (the main window's transcript).
 */
void	 client_msg_line(struct transcript *t, struct u64map *tickets,
	    const struct nc_msg *m, bool mentions);
/* Show what is queued now, in this window and the private ones. */
void	 client_flush_now(struct client_ui *);
/* Fill kv[0..KV_CONN) with the connection's placeholders. */
void	 client_view_kv(struct client_ui *, struct tkv *kv);
/* Show or hide the key warning bar above the input line. */
void	 client_keywarn_show(struct client_ui *, bool on);
/*
 * The status line shows user id's away reason, and id is back or gone:
 * show the connection's status again.
 */
void	 client_status_unaway(struct client_ui *, uint64_t id);
/* Scroll the transcript to its end and follow new lines again. */
void	 client_follow(struct client_ui *);
/*
 * Can the transcript's font draw code point c?  (The private windows'
 * texts have the same render table.)  True if it cannot tell.
 */
bool	 client_drawable(struct client_ui *, uint32_t c);
/* The transcript and the bar of new lines below it in pane. */
void	 client_transcript_build(struct client_ui *, Widget pane);

/* client_win.c: the window's frame (its icon, the panes). */
/* The icon's name: iconLabel, or iconLabelUnread while unread > 0. */
void	 client_icon_label(struct client_ui *);
/* A message from someone else: the unread count, the urgency hint. */
void	 client_icon_message(struct client_ui *, bool mention);
/* The picture and name of the window's icon, and their events. */
void	 client_icon_install(struct client_ui *);
/* The panes (transcript, user list) in work, above ui->input. */
void	 client_panes_build(struct client_ui *, Widget work);
/* Once realized: the list's first width, and the sashes watched. */
void	 client_panes_realized(struct client_ui *);

/* client_act.c */
/* The menu bar (File, Help) under ui->main; returns it. */
Widget	 client_menubar_build(struct client_ui *);
/* The input line and its Send button in work, above ui->status. */
void	 client_input_build(struct client_ui *, Widget work);
/* Actions, WM_DELETE_WINDOW and focus tracking on the shell. */
void	 client_act_install(struct client_ui *);
/* The save dialog for the dump hook: its text and what is selected. */
void	 client_save_dump(struct client_ui *, FILE *);
/* Free the input history. */
void	 client_act_free(struct client_ui *);
/* Ask about a new server key, or show a changed one (ev->trust). */
void	 client_trust_ask(struct client_ui *, enum nc_trust, const char *fp,
	    const char *old);

/* client_find.c: Edit > Find and the links in the transcript. */
/* The Edit menu (Find..., Find Next, Find Previous) in menubar. */
void	 client_find_menu(struct client_ui *, Widget menubar);
/* Clicks on links in the transcript run urlCommand. */
void	 client_links_install(struct client_ui *);
/* The find dialog for the dump hook. */
void	 client_find_dump(struct client_ui *, FILE *);
/* Free what the find dialog keeps. */
void	 client_find_free(struct client_ui *);

/* client_user.c: the user dialog (double-click a user in the list). */
/* Double-clicks in the user list open the dialog. */
void	 client_user_install(struct client_ui *);
/*
 * Show the dialog for user id (self: our own entry, id ignored): nick,
 * id, the key's fingerprint (selectable, also in groups of four for
 * reading aloud) and what known_users says of it; a Remember button
 * when it is not the key remembered.  Nothing if the user is gone.
 */
void	 client_user_show(struct client_ui *, uint64_t id, bool self);
/*
 * Add a push button named name to the dialog's row of buttons (before
 * it is first shown or after); cb gets the ui as closure and reads
 * ui->user_id / ui->user_self.  For other issues' actions (a private
 * message).  Returns the button.
 */
Widget	 client_user_button(struct client_ui *, const char *name,
	    XtCallbackProc cb);
/* The dialog for the dump hook: "userdialog ..." lines. */
void	 client_user_dump(struct client_ui *, FILE *);

/* client_ui.c: show the queued lines soon (the flush timer). */
void	 client_view_schedule(struct client_ui *);

/*
 * client_conv.c: the conversation's commands and notes (issue 13).
 * Handle what the input line (to 0) or the private window of user to
 * asked, for every command client_act.c does not handle itself (/msg,
 * /me, /away, /back, /help, usage, a text too long: offered in parts).
 * Returns whether the input line is to be cleared.
 */
bool	 client_conv_command(struct client_ui *, const struct nc_cmd *,
	    uint64_t to, Widget input);
/* AWAY from the server (ev->away). */
void	 client_conv_away(void *ui, uint64_t id, const char *reason,
	    size_t len, bool self);
/* The connection stopped for why: the dialog of a kick. */
void	 client_conv_stopped(struct client_ui *, enum nc_why);
/* The hooks of the transcript model (%I, the rewritten join line). */
void	 client_conv_transcript(struct client_ui *, struct transcript *);
/* A single click in the user list: an away user's reason. */
void	 client_conv_install(struct client_ui *);
void	 client_conv_free(struct client_ui *);

/*
 * client_dm.c: private conversations, one window per user (issue 13).
 * Open (and raise) the window of user id; false if it is unknown.
 */
bool	 client_dm_open(struct client_ui *, uint64_t id);
/* A private message to us (m->dm), its verdict, our own DM's states. */
void	 client_dm_message(struct client_ui *, const struct nc_msg *);
void	 client_dm_verdict(struct client_ui *, const struct nc_msg *);
void	 client_dm_own(struct client_ui *, struct nc_own *);
/* A join, leave, rename or away change of user id: its window says so. */
void	 client_dm_user(struct client_ui *, enum nc_user_ev, uint64_t id,
	    const char *nick, size_t len, const char *reason, size_t rlen);
void	 client_dm_away(struct client_ui *, uint64_t id, const char *reason,
	    size_t len);
/* Connected again, or down: the windows' notes. */
void	 client_dm_state(struct client_ui *, bool up);
/* Flush the windows' lines; dump them ("private ..." lines). */
void	 client_dm_flush(struct client_ui *);
void	 client_dm_dump(struct client_ui *, FILE *);
void	 client_dm_free(struct client_ui *);

#endif
