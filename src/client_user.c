/*
 * client_user.c -- xchat's user dialog (issue 12): double-click a user
 * in the list (or your own entry) to see the nick, the id and the full
 * fingerprint of the key, in text that can be selected and copied, and
 * again in groups of four digits to read out on the phone; and what
 * ~/.xchat/known_users says of it.  When it is not the key remembered
 * for the nick, "Remember this key" makes it so.  The dialog is built
 * once and reused; other actions on a user (a private message) add
 * their buttons with client_user_button().
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Intrinsic.h>
#include <Xm/Xm.h>
#include <Xm/Form.h>
#include <Xm/List.h>
#include <Xm/PushB.h>
#include <Xm/RowColumn.h>
#include <Xm/Separator.h>
#include <Xm/Text.h>

#include "client_int.h"
#include "keys.h"
#include "netclient.h"
#include "xmalloc.h"
#include "xmutil.h"

/* The 64 hex digits of fp in groups of four, into out (80 bytes). */
static void
fp_groups(const char *fp, char *out)
{
	size_t	 i, n = 0;

	out[0] = '\0';
	if (strncmp(fp, "sha256:", 7) != 0 || strlen(fp) != 71)
		return;
	for (i = 0; i < 64; i++) {
		if (i > 0 && i % 4 == 0)
			out[n++] = ' ';
		out[n++] = fp[7 + i];
	}
	out[n] = '\0';
}

static void
user_close_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;

	(void)w;
	(void)call;
	XtUnmanageChild(ui->userbox);
}

static void
user_remember_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;
	const struct ul_user	*u;

	(void)w;
	(void)call;
	if (ui->user_self || !netclient_accept_key(ui->nc, ui->user_id))
		return;
	u = userlist_find(userview_model(ui->uv), ui->user_id);
	if (u != NULL)
		userlist_flags(userview_model(ui->uv), ui->user_id,
		    u->flags & ~UL_KEYWARN);
	if (ui->keywarn_id == ui->user_id)
		client_keywarn_show(ui, false);
	client_view_flush(ui);
	client_user_show(ui, ui->user_id, false);
}

static void	 user_private_cb(Widget, XtPointer, XtPointer);

/* The dialog: the text above, a separator, the row of buttons. */
static void
user_build(struct client_ui *ui)
{
	Widget	 sep;
	Arg	 args[8];
	int	 n = 0;

	ui->userbox = XmCreateFormDialog(ui->top, "userDialog", NULL, 0);
	ui->userbuttons = XtVaCreateManagedWidget("userButtons",
	    xmRowColumnWidgetClass, ui->userbox,
	    XmNorientation, XmHORIZONTAL, XmNpacking, XmPACK_TIGHT,
	    XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_FORM, NULL);
	sep = XtVaCreateManagedWidget("userSeparator",
	    xmSeparatorWidgetClass, ui->userbox,
	    XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_WIDGET,
	    XmNbottomWidget, ui->userbuttons, NULL);
	XtSetArg(args[n], XmNeditMode, XmMULTI_LINE_EDIT); n++;
	XtSetArg(args[n], XmNeditable, False); n++;
	XtSetArg(args[n], XmNcursorPositionVisible, False); n++;
	XtSetArg(args[n], XmNtopAttachment, XmATTACH_FORM); n++;
	XtSetArg(args[n], XmNleftAttachment, XmATTACH_FORM); n++;
	XtSetArg(args[n], XmNrightAttachment, XmATTACH_FORM); n++;
	XtSetArg(args[n], XmNbottomAttachment, XmATTACH_WIDGET); n++;
	XtSetArg(args[n], XmNbottomWidget, sep); n++;
	ui->userinfo = XmCreateText(ui->userbox, "userInfo", args, n);
	XtManageChild(ui->userinfo);
	ui->remember = client_user_button(ui, "remember", user_remember_cb);
	ui->privbutton = client_user_button(ui, "privateMessage",
	    user_private_cb);
	(void)client_user_button(ui, "close", user_close_cb);
}

Widget
client_user_button(struct client_ui *ui, const char *name, XtCallbackProc cb)
{
	Widget	 b;

	if (ui->userbox == NULL && ui->userbuttons == NULL)
		user_build(ui);
	b = XtVaCreateManagedWidget(name, xmPushButtonWidgetClass,
	    ui->userbuttons, NULL);
	XtAddCallback(b, XmNactivateCallback, cb, ui);
	return b;
}

/* The sentence about the key, for our entry or user id's state. */
static char *
user_sentence(struct client_ui *ui, bool self, enum nc_keystate st,
    const char *old)
{
	struct tkv	 kv = { 'o', old };
	const char	*t;

	if (self)
		t = *netclient_own_key(ui->nc) != '\0' ? ui->r.user_selfkey :
		    ui->r.user_keynone;
	else switch (st) {
	case NCK_ANON:		t = ui->r.user_keynone; break;
	case NCK_KEYED:		t = ui->r.user_keynew; break;
	case NCK_KNOWN:		t = ui->r.user_keyknown; break;
	case NCK_CHANGED:	t = ui->r.user_keychanged; break;
	case NCK_LOST:		t = ui->r.user_keylost; break;
	default:		t = ui->r.user_keyunknown; break;
	}
	return transcript_expand(t, &kv, 1);
}

/* Fill the dialog's text for the given user and key; allocated. */
static char *
user_text(struct client_ui *ui, const char *nick, uint64_t id,
    const char *key, const char *sentence)
{
	char		 idbuf[24], groups[96];
	struct tkv	 kv[5];
	bool		 keyed = keys_fp_parse(key, NULL);

	snprintf(idbuf, sizeof idbuf, "%" PRIu64, id);
	fp_groups(key, groups);
	kv[0] = (struct tkv){ 'n', nick };
	kv[1] = (struct tkv){ 'i', idbuf };
	kv[2] = (struct tkv){ 'f', keyed ? key : ui->r.no_userkey };
	kv[3] = (struct tkv){ 'g', groups };
	kv[4] = (struct tkv){ 's', sentence };
	return transcript_expand(ui->r.user_info, kv, 5);
}

void
client_user_show(struct client_ui *ui, uint64_t id, bool self)
{
	const struct ul_user	*u = NULL;
	char			 key[KEYS_FP_LEN] = "", old[KEYS_FP_LEN] = "";
	enum nc_keystate	 st = NCK_NONE;
	char			*sentence, *text;

	if (!self && ((u = userlist_find(userview_model(ui->uv), id)) ==
	    NULL || !netclient_user_key(ui->nc, id, key, &st, old)))
		return;
	if (self)
		snprintf(key, sizeof key, "%s", netclient_own_key(ui->nc));
	if (ui->userbox == NULL)
		user_build(ui);
	ui->user_id = self ? ui->my_id : id;
	ui->user_self = self;
	sentence = user_sentence(ui, self, st, old);
	text = user_text(ui, self ? ui->my_nick : u->nick, ui->user_id, key,
	    sentence);
	XmTextSetString(ui->userinfo, text);
	free(text);
	free(sentence);
	if (!self && st == NCK_CHANGED)
		XtManageChild(ui->remember);
	else
		XtUnmanageChild(ui->remember);
	if (self)
		XtUnmanageChild(ui->privbutton);
	else
		XtManageChild(ui->privbutton);
	XtManageChild(ui->userbox);
}

/* A double-click (or Return) on an item of the user list. */
static void
users_activate_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;
	XmListCallbackStruct	*cbs = call;
	uint64_t		 id = 0;
	bool			 self;

	(void)w;
	if (!userview_at(ui->uv, cbs->item_position, &id, &self))
		return;
	/* Another user: a private conversation (issue 13). */
	if (self || !client_dm_open(ui, id))
		client_user_show(ui, id, self);
}

/* The dialog's Private message: that user's private window. */
static void
user_private_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;

	(void)w;
	(void)call;
	if (!ui->user_self && client_dm_open(ui, ui->user_id))
		XtUnmanageChild(ui->userbox);
}

void
client_user_install(struct client_ui *ui)
{
	XtAddCallback(ui->users, XmNdefaultActionCallback, users_activate_cb,
	    ui);
}

void
client_user_dump(struct client_ui *ui, FILE *fp)
{
	char	*s, *c;

	xmu_dump_dialog(fp, ui->top, "*userDialog");
	if (ui->userbox == NULL || !XtIsManaged(ui->userbox))
		return;
	s = XmTextGetString(ui->userinfo);
	for (c = s; *c != '\0'; c++)
		if (*c == '\n')
			*c = '|';
	fprintf(fp, "userinfo %s\n", s);
	XtFree(s);
	xmu_dump_widget(fp, ui->top, "*userDialog*remember");
	xmu_dump_widget(fp, ui->top, "*userDialog*privateMessage");
	xmu_dump_widget(fp, ui->top, "*userDialog*close");
}
