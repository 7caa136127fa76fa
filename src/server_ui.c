/*
 * server_ui.c -- xchatd's Motif window: what it shows.  A read-only
 * event view, the list of connected clients (with their keys) with
 * Ban key and Kick buttons and a status line; the menus and dialogs
 * are in server_act.c.  Every string comes from resources of class
 * XChatd (server_res.def).
 * Part of xchat; see COPYING for the licence.
 *
 * The hub calls us for every event, possibly thousands of times a
 * second, so nothing here touches a widget from a hub callback: lines
 * are queued in the event view's log view (logview.c) and the list rows
 * are marked dirty, and a timer (flushInterval, 100 ms) moves them into
 * the widgets with one XmTextInsert and one XmListReplaceItemsPos.  Past
 * summaryRate lines a second the view only counts what it skips and
 * says so once a second.  The event view keeps at most saveLines lines,
 * trimming the oldest tenth at a time.
 */
#include "config.h"


#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <Xm/Xm.h>
#include <Xm/CascadeB.h>
#include <Xm/Form.h>
#include <Xm/Label.h>
#include <Xm/LabelG.h>
#include <Xm/List.h>
#include <Xm/MainW.h>
#include <Xm/MessageB.h>
#include <Xm/PanedW.h>
#include <Xm/Protocols.h>
#include <Xm/PushB.h>
#include <Xm/RowColumn.h>
#include <Xm/SeparatoG.h>
#include <Xm/Text.h>

#include "cluster.h"
#include "evloop.h"
#include "logcheck.h"
#include "logview.h"
#include "msglog.h"
#include "protocol.h"
#include "server_res.h"
#include "server_int.h"
#include "server_ui.h"
#include "utf8.h"
#include "xmalloc.h"
#include "template.h"
#include "xmutil.h"

/* The window's icon (made by tools/icons.sh from icons/xchatd.svg). */
#include "../icons/xchatd.xbm"
#include "../icons/xchatd-mask.xbm"

static void	summary_line(struct server_ui *);

/* ---- small helpers ---------------------------------------------------- */

/* A number with the thousands separator of the resources (none for ids). */
const char *
server_num(struct server_ui *ui, uint64_t v, char *buf)
{
	return xmu_number(buf, v, ui != NULL ? ui->r.thousands : "");
}

/* The first COL_KEY hex digits of a fingerprint into out; "-" if none. */
const char *
server_short_key(const char *key, char *out)
{
	const char	*p;

	if (key == NULL)
		return "-";
	p = strncmp(key, "sha256:", 7) == 0 ? key + 7 : key;
	snprintf(out, COL_KEY + 1, "%s", p);
	return out;
}

/* How a client came: plain TCP, TLS (version 1) or TLS/2. */
static const char *
via_of(struct server_ui *ui, const struct row *r)
{
	if (r->remote)
		return ui->r.via_cluster;
	if (!r->tls)
		return ui->r.via_plain;
	return r->version >= 2 ? ui->r.via_tls2 : ui->r.via_tls;
}

/*
 * One row of the client list: id, nick, the away mark and reason (cut
 * to what the column shows; blank for a client that is here), key,
 * address, msgs, DMs, via.
 */
static void
format_row(struct server_ui *ui, const struct row *r, char *buf)
{
	char	 n[32], k[COL_KEY + 1], *o = buf;
	char	 away[PROTO_MAX_AWAY * 3 + 128];

	away[0] = '\0';
	if (r->away != NULL)
		snprintf(away, sizeof away, "%s%s", ui->r.away_mark, r->away);
	o = xmu_pad(o, server_num(NULL, r->id, n), COL_ID, true);
	*o++ = ' ';
	o = xmu_pad(o, r->nick, COL_NICK, false);
	*o++ = ' ';
	o = xmu_pad(o, away, COL_AWAY, false);
	*o++ = ' ';
	o = xmu_pad(o, server_short_key(r->key, k), COL_KEY, false);
	*o++ = ' ';
	o = xmu_pad(o, r->peer, COL_ADDR, false);
	*o++ = ' ';
	o = xmu_pad(o, server_num(ui, r->msgs, n), COL_MSGS, true);
	*o++ = ' ';
	o = xmu_pad(o, server_num(ui, r->dms, n), COL_DMS, true);
	*o++ = ' ';
	xmu_pad(o, via_of(ui, r), COL_VIA, false);
}

static void
set_header(struct server_ui *ui)
{
	char	 buf[512], *o = buf;

	o = xmu_pad(o, ui->r.col_id, COL_ID, true);
	*o++ = ' ';
	o = xmu_pad(o, ui->r.col_nick, COL_NICK, false);
	*o++ = ' ';
	o = xmu_pad(o, ui->r.col_away, COL_AWAY, false);
	*o++ = ' ';
	o = xmu_pad(o, ui->r.col_key, COL_KEY, false);
	*o++ = ' ';
	o = xmu_pad(o, ui->r.col_addr, COL_ADDR, false);
	*o++ = ' ';
	o = xmu_pad(o, ui->r.col_msgs, COL_MSGS, true);
	*o++ = ' ';
	o = xmu_pad(o, ui->r.col_dms, COL_DMS, true);
	*o++ = ' ';
	xmu_pad(o, ui->r.col_via, COL_VIA, false);
	xmu_set_label(ui->header, buf);
}

/* ---- the event view ---------------------------------------------------- */

/* Flush the view soon (also the log view's schedule hook). */
void
server_schedule_flush(void *arg)
{
	struct server_ui	*ui = arg;

	evloop_defer(&ui->flush, (unsigned long)(ui->r.flush_interval > 0 ?
	    ui->r.flush_interval : 1));
}

/*
 * Format and queue an event line: time stamp, then fmt expanded with
 * args.  A date line comes first when the day has changed.  Past
 * summaryRate lines in a second, MSG and OTHER lines are only counted.
 */
void
server_event_add(struct server_ui *ui, enum line_kind kind, const char *fmt,
    const char *keys, const char **args)
{
	char		 line[LINE_MAX_BYTES];
	struct timespec	 ts;
	struct tm	 tm;
	time_t		 now;
	size_t		 o;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec != ui->win_sec) {
		summary_line(ui);
		ui->win_sec = ts.tv_sec;
		ui->win_shown = 0;
	}
	if (kind != LK_ALWAYS && ui->r.summary_rate > 0 &&
	    ui->win_shown >= (unsigned)ui->r.summary_rate) {
		if (kind == LK_MSG)
			ui->skip_msgs++;
		else
			ui->skip_other++;
		server_schedule_flush(ui);
		return;
	}
	ui->win_shown++;

	now = time(NULL);
	if (now != ui->stamp_sec) {
		localtime_r(&now, &tm);
		ui->stamp_sec = now;
		if (strftime(ui->stamp, sizeof ui->stamp, ui->r.time_format,
		    &tm) == 0)
			ui->stamp[0] = '\0';
		logview_date(ui->lv, &tm, ui->r.date_format);
	}
	o = (size_t)snprintf(line, sizeof line, "%s ", ui->stamp);
	o += template_expand(line + o, sizeof line - o, fmt, keys, args);
	logview_add(ui->lv, line, o, 0);
}

/* Say how many lines the last second skipped, if any. */
static void
summary_line(struct server_ui *ui)
{
	char		 a[32], b[32];
	const char	*args[2];
	uint64_t	 m = ui->skip_msgs, o = ui->skip_other;

	if (m == 0 && o == 0)
		return;
	ui->skip_msgs = ui->skip_other = 0;
	args[0] = server_num(ui, m, a);
	args[1] = server_num(ui, o, b);
	server_event_add(ui, LK_ALWAYS, o != 0 ? ui->r.ev_summary_other :
	    m == 1 ? ui->r.ev_summary_one : ui->r.ev_summary, "mo", args);
}

/* ---- the client list --------------------------------------------------- */

static size_t
row_find(struct server_ui *ui, uint64_t id)
{
	size_t	 lo = 0, hi = ui->nrows, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (ui->rows[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
row_dirty(struct server_ui *ui, size_t i)
{
	if (ui->dirty_lo > i)
		ui->dirty_lo = i;
	if (ui->dirty_hi < i + 1)
		ui->dirty_hi = i + 1;
	server_schedule_flush(ui);
}

/* Replace the dirty span of the list in one call, keeping the selection. */
static void
flush_list(struct server_ui *ui)
{
	char		 buf[ROW_MAX];
	XmString	*items;
	size_t		 i, n;

	if (ui->dirty_hi > ui->nrows)
		ui->dirty_hi = ui->nrows;
	if (ui->dirty_lo >= ui->dirty_hi) {
		ui->dirty_lo = SIZE_MAX;
		ui->dirty_hi = 0;
		return;
	}
	n = ui->dirty_hi - ui->dirty_lo;
	items = xreallocarray(NULL, n, sizeof *items);
	for (i = 0; i < n; i++) {
		format_row(ui, &ui->rows[ui->dirty_lo + i], buf);
		items[i] = xmu_string(buf);
	}
	XmListReplaceItemsPosUnselected(ui->list, items, (int)n,
	    (int)ui->dirty_lo + 1);
	for (i = 0; i < n; i++) {
		if (ui->rows[ui->dirty_lo + i].id == ui->sel_id)
			XmListSelectPos(ui->list, (int)(ui->dirty_lo + i) + 1,
			    False);
		XmStringFree(items[i]);
	}
	free(items);
	ui->dirty_lo = SIZE_MAX;
	ui->dirty_hi = 0;
}

/* The row of client id, or NULL. */
struct row *
server_row(struct server_ui *ui, uint64_t id)
{
	size_t	 i = row_find(ui, id);

	if (id == 0 || i >= ui->nrows || ui->rows[i].id != id)
		return NULL;
	return &ui->rows[i];
}

/*
 * Kick needs a selected client; Ban key a selected keyed client and
 * a registry to write the ban to; Accounts the registry.
 */
void
server_set_sensitive(struct server_ui *ui)
{
	struct row	*r = server_row(ui, ui->sel_id);
	bool		 ban = r != NULL && r->key != NULL &&
			    ui->info.accounts != NULL;

	bool		 kb = ui->sel_id != 0 && ui->info.bans != NULL;

	XtSetSensitive(ui->kick, ui->sel_id != 0);
	XtSetSensitive(ui->kick_item, ui->sel_id != 0);
	XtSetSensitive(ui->kick_ban, kb);
	XtSetSensitive(ui->kick_ban_item, kb);
	XtSetSensitive(ui->bans_item, ui->info.bans != NULL);
	XtSetSensitive(ui->ban, ban);
	XtSetSensitive(ui->ban_item, ban);
	XtSetSensitive(ui->accounts_item, ui->info.accounts != NULL);
}

/* The flush timer: event lines, dirty rows, status line. */
void
server_flush_cb(void *arg)
{
	struct server_ui *ui = arg;
	struct timespec	 ts;

	evloop_defer_cancel(&ui->flush);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec != ui->win_sec && (ui->skip_msgs || ui->skip_other)) {
		summary_line(ui);
		ui->win_sec = ts.tv_sec;
		ui->win_shown = 0;
	}
	logview_flush(ui->lv);
	flush_list(ui);
	server_accounts_flush(ui);
	server_bans_flush(ui);
	if (ui->status_dirty)
		server_update_status(ui);
	/* Skipped lines are reported when their second is over. */
	if (ui->skip_msgs || ui->skip_other)
		server_schedule_flush(ui);
}

/* ---- status line ------------------------------------------------------- */

/* The cluster's part: this server's name, the store's state, servers. */
static void
server_cluster_status(struct server_ui *ui, char *buf, size_t size)
{
	struct cluster	*cl = ui->info.cluster;
	char		 n[32];
	const char	*args[3];

	args[0] = cluster_self(cl);
	switch (cluster_state(cl)) {
	case CLUSTER_UP:
		args[1] = ui->r.cluster_up;
		break;
	case CLUSTER_JOINING:
		args[1] = ui->r.cluster_joining;
		break;
	default:
		args[1] = ui->r.cluster_down;
		break;
	}
	args[2] = server_num(ui, cluster_servers(cl), n);
	template_expand(buf, size, ui->r.status_cluster, "nsk", args);
}

/* The status line's %l: the plain address, and the TLS one if any. */
static void
server_listen_status(struct server_ui *ui, char *buf, size_t size)
{
	const char	*args[2] = { ui->listen_name, ui->tls_name };

	template_expand(buf, size, ui->tls_name != NULL &&
	    *ui->tls_name != '\0' ? ui->r.status_listen :
	    ui->r.status_listen_plain, "at", args);
}

void
server_update_status(struct server_ui *ui)
{
	struct hub_stats st;
	char		 buf[1024], n[8][32], l[256], k[256];
	const char	*args[10];
	size_t		 o;

	ui->status_dirty = false;
	if (ui->hub == NULL)
		return;
	hub_stats(ui->hub, &st);
	args[0] = ui->listen_name;
	args[1] = server_num(ui, st.clients, n[1]);
	args[2] = server_num(ui, st.accepted, n[2]);
	args[3] = server_num(ui, st.rejected, n[3]);
	args[4] = server_num(ui, ui->rate, n[4]);
	args[5] = server_num(ui, st.verified, n[5]);
	args[6] = server_num(ui, st.badsig, n[6]);
	args[7] = server_num(ui, st.denied, n[7]);
	server_listen_status(ui, l, sizeof l);
	args[8] = l;
	k[0] = '\0';
	if (ui->info.cluster != NULL)
		server_cluster_status(ui, k, sizeof k);
	args[9] = k;
	o = template_expand(buf, sizeof buf, ui->r.status_format,
	    "acmrsgbdlk", args);
	if (logview_paused(ui->lv)) {
		args[0] = server_num(ui, logview_held(ui->lv), n[0]);
		o += template_expand(buf + o, sizeof buf - o,
		    logview_held(ui->lv) == 1 ? ui->r.status_paused_one :
		    ui->r.status_paused, "n", args);
	}
	if (ui->log_errno != 0)
		template_expand(buf + o, sizeof buf - o, ui->r.status_log,
		    "", NULL);
	xmu_set_label(ui->status, buf);
}

/* Once a second: the message rate, and the status line. */
static void
status_tick_cb(void *arg)
{
	struct server_ui *ui = arg;
	struct hub_stats st;
	struct timespec	 ts;
	double		 dt;

	ui->tick_timer = evloop_timer_add(1000, status_tick_cb, ui);
	hub_stats(ui->hub, &st);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	dt = (double)(ts.tv_sec - ui->rate_ts.tv_sec) +
	    (double)(ts.tv_nsec - ui->rate_ts.tv_nsec) / 1e9;
	if (dt > 0.1) {
		ui->rate = (uint64_t)((double)(st.accepted - ui->rate_acc) /
		    dt + 0.5);
		ui->rate_acc = st.accepted;
		ui->rate_ts = ts;
	}
	server_update_status(ui);
	server_accounts_flush(ui);
	if (ui->skip_msgs || ui->skip_other)
		server_schedule_flush(ui);
}

/* ---- hub events -------------------------------------------------------- */

/* A new row for client ci (nick cleaned), in id order. */
static void
row_insert(struct server_ui *ui, const struct hub_client_info *ci,
    const char *nick)
{
	char		 buf[ROW_MAX];
	struct row	*r;
	XmString	 s;
	size_t		 i;

	if (ui->nrows == ui->caprows) {
		ui->caprows = ui->caprows ? ui->caprows * 2 : 64;
		ui->rows = xreallocarray(ui->rows, ui->caprows,
		    sizeof *ui->rows);
	}
	i = row_find(ui, ci->id);
	memmove(ui->rows + i + 1, ui->rows + i,
	    (ui->nrows - i) * sizeof *ui->rows);
	ui->nrows++;
	r = &ui->rows[i];
	r->id = ci->id;
	r->nick = xstrdup(nick);
	r->peer = xstrdup(ci->peer);
	r->key = ci->key != NULL ? xstrdup(ci->key) : NULL;
	r->msgs = ci->msgs;
	r->dms = ci->dms;
	r->away = NULL;
	r->tls = ci->tls;
	r->version = ci->version;
	r->remote = ci->server != NULL;
	format_row(ui, r, buf);
	s = xmu_string(buf);
	XmListAddItemUnselected(ui->list, s, (int)i + 1);
	XmStringFree(s);
	if (ui->dirty_lo != SIZE_MAX && ui->dirty_lo >= i) {
		ui->dirty_lo++;
		ui->dirty_hi++;
	}
}

static void
ev_joined(void *arg, const struct hub_client_info *ci)
{
	struct server_ui *ui = arg;
	char		 id[32], nick[PROTO_MAX_NICK * 3 + 1];
	char		 k[COL_KEY + 1];
	const char	*args[5];

	utf8_clean(nick, ci->nick, strlen(ci->nick), 0);
	args[0] = server_num(NULL, ci->id, id);
	args[1] = nick;
	args[2] = ci->peer;
	args[3] = ci->key;
	args[4] = server_short_key(ci->key, k);
	server_event_add(ui, LK_OTHER, ci->key != NULL ?
	    ui->r.ev_joined_keyed : ui->r.ev_joined, "inaks", args);
	row_insert(ui, ci, nick);
	ui->status_dirty = true;
	server_schedule_flush(ui);
}

static void
ev_left(void *arg, const struct hub_client_info *ci, const char *reason)
{
	struct server_ui *ui = arg;
	char		 id[32], n[32], p[32], nick[PROTO_MAX_NICK * 3 + 1];
	const char	*args[5];
	size_t		 i;

	utf8_clean(nick, ci->nick, strlen(ci->nick), 0);
	args[0] = server_num(NULL, ci->id, id);
	args[1] = nick;
	args[2] = reason;
	args[3] = server_num(ui, ci->msgs, n);
	args[4] = server_num(ui, ci->dms, p);
	/* Private messages are named only when there were some. */
	if (ci->dms > 0)
		server_event_add(ui, LK_OTHER, ci->msgs == 1 ?
		    ui->r.ev_left_dm_one : ui->r.ev_left_dm, "inrmp", args);
	else
		server_event_add(ui, LK_OTHER, ci->msgs == 1 ?
		    ui->r.ev_left_one : ui->r.ev_left, "inrmp", args);

	i = row_find(ui, ci->id);
	if (i < ui->nrows && ui->rows[i].id == ci->id) {
		free(ui->rows[i].nick);
		free(ui->rows[i].peer);
		free(ui->rows[i].key);
		free(ui->rows[i].away);
		memmove(ui->rows + i, ui->rows + i + 1,
		    (ui->nrows - i - 1) * sizeof *ui->rows);
		ui->nrows--;
		XmListDeletePos(ui->list, (int)i + 1);
		if (ui->dirty_lo != SIZE_MAX) {
			if (ui->dirty_lo > i)
				ui->dirty_lo--;
			if (ui->dirty_hi > i)
				ui->dirty_hi--;
		}
		if (ui->sel_id == ci->id) {
			ui->sel_id = 0;
			server_set_sensitive(ui);
		}
	}
	ui->status_dirty = true;
	server_schedule_flush(ui);
}

static void
ev_renamed(void *arg, const struct hub_client_info *ci, const char *old)
{
	struct server_ui *ui = arg;
	char		 id[32], o[PROTO_MAX_NICK * 3 + 1];
	char		 nick[PROTO_MAX_NICK * 3 + 1];
	const char	*args[3];
	size_t		 i;

	utf8_clean(o, old, strlen(old), 0);
	utf8_clean(nick, ci->nick, strlen(ci->nick), 0);
	args[0] = server_num(NULL, ci->id, id);
	args[1] = o;
	args[2] = nick;
	server_event_add(ui, LK_OTHER, ui->r.ev_renamed, "ion", args);
	i = row_find(ui, ci->id);
	if (i < ui->nrows && ui->rows[i].id == ci->id) {
		free(ui->rows[i].nick);
		ui->rows[i].nick = xstrdup(nick);
		row_dirty(ui, i);
	}
}

/* A keyed client's nick was registered to its key. */
static void
ev_registered(void *arg, const struct hub_client_info *ci)
{
	struct server_ui *ui = arg;
	char		 id[32], nick[PROTO_MAX_NICK * 3 + 1];
	char		 k[COL_KEY + 1];
	const char	*args[4];

	utf8_clean(nick, ci->nick, strlen(ci->nick), 0);
	args[0] = server_num(NULL, ci->id, id);
	args[1] = nick;
	args[2] = ci->key != NULL ? ci->key : "-";
	args[3] = server_short_key(ci->key, k);
	server_event_add(ui, LK_ALWAYS, ui->r.ev_registered, "inks", args);
	server_accounts_changed(ui);
}

static void
count_msgs(struct server_ui *ui, const struct hub_client_info *ci)
{
	size_t	 i = row_find(ui, ci->id);

	if (i < ui->nrows && ui->rows[i].id == ci->id &&
	    ui->rows[i].msgs != ci->msgs) {
		ui->rows[i].msgs = ci->msgs;
		row_dirty(ui, i);
	}
	ui->status_dirty = true;
}

/*
 * Past summaryRate lines in this second, a message or rejection is
 * only counted, for the summary line; true if so.
 */
static bool
summarised(struct server_ui *ui)
{
	struct timespec ts;

	if (ui->r.summary_rate <= 0 ||
	    ui->win_shown < (unsigned)ui->r.summary_rate)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec != ui->win_sec)
		return false;
	ui->skip_msgs++;
	server_schedule_flush(ui);
	return true;
}

/* The nick and the text (cut to PROTO_MAX_TEXT) of a message, cleaned. */
static void
clean_message(const struct hub_client_info *ci, const char *text,
    size_t len, char *nick, char *t)
{
	if (len > PROTO_MAX_TEXT)
		len = PROTO_MAX_TEXT;
	utf8_clean(t, text, len, 0);
	utf8_clean(nick, ci->nick, strlen(ci->nick), 0);
}

static void
ev_accepted(void *arg, const struct hub_client_info *ci, uint64_t n,
    const char *md5, const char *text, size_t len)
{
	struct server_ui *ui = arg;
	char		 a[32], b[32], nick[PROTO_MAX_NICK * 3 + 1];
	char		 t[PROTO_MAX_TEXT * 3 + 1];
	const char	*args[5];

	count_msgs(ui, ci);
	/* Cheap test first: under a flood most lines are only counted. */
	if (summarised(ui))
		return;
	clean_message(ci, text, len, nick, t);
	args[0] = server_num(NULL, n, a);
	args[1] = server_num(NULL, ci->id, b);
	args[2] = nick;
	args[3] = t;
	args[4] = md5;
	server_event_add(ui, LK_MSG, ui->r.ev_accepted, "sintd", args);
}

static void
ev_rejected(void *arg, const struct hub_client_info *ci, const char *code,
    const char *md5_recv, const char *md5_comp, const char *text,
    size_t len)
{
	struct server_ui *ui = arg;
	char		 a[32], nick[PROTO_MAX_NICK * 3 + 1];
	char		 t[PROTO_MAX_TEXT * 3 + 1];
	const char	*args[6];

	ui->status_dirty = true;
	if (summarised(ui))
		return;
	clean_message(ci, text, len, nick, t);
	args[0] = server_num(NULL, ci->id, a);
	args[1] = nick;
	args[2] = code;
	args[3] = md5_recv != NULL ? md5_recv : "-";
	args[4] = md5_comp != NULL ? md5_comp : "-";
	args[5] = t;
	server_event_add(ui, LK_MSG, ui->r.ev_rejected, "inrdct", args);
}

static void
show_log_dialog(struct server_ui *ui, int errnum)
{
	const char	*args[2];

	if (ui->log_dialog == NULL) {
		ui->log_dialog = XmCreateWarningDialog(ui->top, "logDialog",
		    NULL, 0);
		XtUnmanageChild(XmMessageBoxGetChild(ui->log_dialog,
		    XmDIALOG_CANCEL_BUTTON));
		XtUnmanageChild(XmMessageBoxGetChild(ui->log_dialog,
		    XmDIALOG_HELP_BUTTON));
	}
	args[0] = ui->logfile;
	args[1] = strerror(errnum);
	xmu_show_template(ui->log_dialog, ui->r.log_error, "fe", args);
}

static void
ev_logstate(void *arg, int errnum)
{
	struct server_ui *ui = arg;
	const char	*args[2];

	ui->log_errno = errnum;
	args[0] = ui->logfile;
	args[1] = errnum != 0 ? strerror(errnum) : "";
	server_event_add(ui, LK_ALWAYS, errnum != 0 ? ui->r.ev_log_failed :
	    ui->r.ev_log_ok, "fe", args);
	if (errnum != 0)
		show_log_dialog(ui, errnum);
	else if (ui->log_dialog != NULL)
		XtUnmanageChild(ui->log_dialog);
	ui->status_dirty = true;
	server_schedule_flush(ui);
}

/* The log was reopened (SIGHUP) or changed behind the server's back. */
static void
ev_logchanged(void *arg, enum msglog_change what, const char *detail)
{
	struct server_ui *ui = arg;
	const char	*args[2], *fmt = NULL;

	switch (what) {
	case MSGLOG_REOPENED:
		fmt = ui->r.ev_log_reopened;
		break;
	case MSGLOG_SAME:
		fmt = ui->r.ev_log_same;
		break;
	case MSGLOG_REOPEN_FAILED:
		fmt = ui->r.ev_log_reopen_failed;
		break;
	case MSGLOG_SHRANK:
		fmt = ui->r.ev_log_shrank;
		break;
	case MSGLOG_GREW:
		fmt = ui->r.ev_log_grew;
		break;
	case MSGLOG_DELETED:
		fmt = ui->r.ev_log_deleted;
		break;
	case MSGLOG_REPLACED:
		fmt = ui->r.ev_log_replaced;
		break;
	case MSGLOG_RENAMED:
		fmt = ui->r.ev_log_renamed;
		break;
	}
	if (fmt == NULL)
		return;
	args[0] = ui->logfile;
	args[1] = detail;
	server_event_add(ui, LK_ALWAYS, fmt, "fe", args);
	server_schedule_flush(ui);
}

static void
ev_sent(void *arg, const struct hub_client_info *ci)
{
	count_msgs(arg, ci);
}

/*
 * A private message: counted in the sender's row, a line without its
 * text (the window is not for reading them), or its rejection.
 */
static void
ev_dm(void *arg, const struct hub_client_info *ci, uint64_t to,
    const char *tonick, uint64_t n, const char *code)
{
	struct server_ui *ui = arg;
	char		 a[32], b[32], t[32], nick[PROTO_MAX_NICK * 3 + 1];
	char		 o[PROTO_MAX_NICK * 3 + 1];
	size_t		 i = row_find(ui, ci->id);

	if (code == NULL && i < ui->nrows && ui->rows[i].id == ci->id) {
		ui->rows[i].dms = ci->dms;
		row_dirty(ui, i);
	}
	ui->status_dirty = true;
	if (summarised(ui))
		return;
	utf8_clean(nick, ci->nick, strlen(ci->nick), 0);
	utf8_clean(o, tonick != NULL ? tonick : "-", tonick != NULL ?
	    strlen(tonick) : 1, 0);
	server_event_add(ui, LK_MSG, code == NULL ? ui->r.ev_dm :
	    ui->r.ev_dm_rejected, "sintor", (const char *[]){
	    server_num(NULL, n, a), server_num(NULL, ci->id, b), nick,
	    server_num(NULL, to, t), o, code != NULL ? code : "" });
}

/* A client went away (with its reason) or came back: a line, its row. */
static void
ev_away(void *arg, const struct hub_client_info *ci)
{
	struct server_ui *ui = arg;
	char		 a[32], nick[PROTO_MAX_NICK * 3 + 1];
	char		 t[PROTO_MAX_AWAY * 3 + 1];
	size_t		 i = row_find(ui, ci->id);

	utf8_clean(nick, ci->nick, strlen(ci->nick), 0);
	if (ci->away != NULL)
		utf8_clean(t, ci->away, strnlen(ci->away, PROTO_MAX_AWAY), 0);
	server_event_add(ui, LK_OTHER, ci->away != NULL ? ui->r.ev_away :
	    ui->r.ev_back, "int", (const char *[]){ server_num(NULL, ci->id,
	    a), nick, ci->away != NULL ? t : "" });
	if (i < ui->nrows && ui->rows[i].id == ci->id) {
		free(ui->rows[i].away);
		ui->rows[i].away = ci->away != NULL ? xstrdup(t) : NULL;
		row_dirty(ui, i);
	}
	server_schedule_flush(ui);
}

/* A banned connection was turned away at the door. */
static void
ev_refused(void *arg, const char *peer, const char *why)
{
	struct server_ui *ui = arg;

	(void)why;
	ui->status_dirty = true;
	server_event_add(ui, LK_OTHER, ui->r.ev_refused, "a",
	    (const char *[]){ peer });
	server_schedule_flush(ui);
}

static const struct hub_events events = {
	.joined = ev_joined,
	.left = ev_left,
	.renamed = ev_renamed,
	.accepted = ev_accepted,
	.rejected = ev_rejected,
	.logstate = ev_logstate,
	.logchanged = ev_logchanged,
	.sent = ev_sent,
	.registered = ev_registered,
	.dm = ev_dm,
	.away = ev_away,
	.refused = ev_refused,
};

static void
select_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	XmListCallbackStruct *cs = call;

	(void)w;
	if (cs->selected_item_count > 0 || cs->reason == XmCR_BROWSE_SELECT) {
		if (cs->item_position >= 1 &&
		    (size_t)cs->item_position <= ui->nrows &&
		    XmListPosSelected(ui->list, cs->item_position))
			ui->sel_id = ui->rows[cs->item_position - 1].id;
		else
			ui->sel_id = 0;
	} else
		ui->sel_id = 0;
	server_set_sensitive(ui);
}

/*
 * Install the compiled-in fallback resources, used only when no
 * app-defaults file for class XChatd is found.
 */
void
server_ui_fallbacks(XtAppContext app)
{
	XtAppSetFallbackResources(app, server_res_fallbacks);
}
/* A character the event view's font lacks is shown as [U+XXXX]. */
static bool
events_drawable(void *arg, uint32_t c)
{
	struct server_ui	*ui = arg;

	return xmu_can_draw(ui->text, &ui->xft, c);
}

/* The read-only event view and its log view. */
static void
server_event_view(struct server_ui *ui, Widget pane)
{
	static const struct logview_hooks hooks = {
		server_schedule_flush, NULL
	};
	Arg	 a[1];

	XtSetArg(a[0], XmNblinkRate, 0);
	ui->text = xmu_log_text(pane, "events", a, 1);
	ui->lv = logview_new(ui->text, ui->r.save_lines, ui->r.cont_mark,
	    &hooks, ui);
	logview_set_drawable(ui->lv, events_drawable);
}

/* The clients panel: title, column header, list, Ban key, Kick. */
static void
server_client_list(struct server_ui *ui, Widget pane)
{
	Widget	 panel, title;
	Arg	 a[3];
	int	 n = 0;

	panel = XtVaCreateManagedWidget("clientsPanel", xmFormWidgetClass,
	    pane, NULL);
	title = xmu_form_label(panel, "clientsTitle", NULL);
	ui->header = xmu_form_label(panel, "clientsHeader", title);
	ui->kick = XtVaCreateManagedWidget("kick", xmPushButtonWidgetClass,
	    panel, XmNbottomAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM, NULL);
	XtAddCallback(ui->kick, XmNactivateCallback, server_kick_cb, ui);
	ui->kick_ban = XtVaCreateManagedWidget("kickBan",
	    xmPushButtonWidgetClass, panel, XmNbottomAttachment,
	    XmATTACH_FORM, XmNrightAttachment, XmATTACH_WIDGET,
	    XmNrightWidget, ui->kick, XmNrightOffset, 6, NULL);
	XtAddCallback(ui->kick_ban, XmNactivateCallback, server_kick_ban_cb,
	    ui);
	ui->ban = XtVaCreateManagedWidget("ban", xmPushButtonWidgetClass,
	    panel, XmNbottomAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_WIDGET, XmNrightWidget, ui->kick_ban,
	    XmNrightOffset, 6, NULL);
	XtAddCallback(ui->ban, XmNactivateCallback, server_ban_cb, ui);
	XtSetArg(a[n], XmNselectionPolicy, XmBROWSE_SELECT); n++;
	XtSetArg(a[n], XmNscrollBarDisplayPolicy, XmAS_NEEDED); n++;
	XtSetArg(a[n], XmNlistSizePolicy, XmCONSTANT); n++;
	ui->list = XmCreateScrolledList(panel, "clientList", a, n);
	XtVaSetValues(XtParent(ui->list),
	    XmNtopAttachment, XmATTACH_WIDGET, XmNtopWidget, ui->header,
	    XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_WIDGET, XmNbottomWidget, ui->kick,
	    XmNbottomOffset, 4, NULL);
	XtAddCallback(ui->list, XmNbrowseSelectionCallback, select_cb, ui);
	XtAddCallback(ui->list, XmNdefaultActionCallback, select_cb, ui);
	XtManageChild(ui->list);
	set_header(ui);
}

/*
 * Build the window under the application shell top and realize it.
 * Reads the resources of class XChatd (saveLines, every message
 * string...).  Returns the window's state; it lives until exit.
 */
struct server_ui *
server_ui_create(Widget top)
{
	struct server_ui *ui = xcalloc(1, sizeof *ui);
	Widget		 mw, bar, pane;

	ui->top = top;
	ui->dirty_lo = SIZE_MAX;
	ui->flush.fn = server_flush_cb;
	ui->flush.arg = ui;
	XtGetApplicationResources(top, &ui->r, server_res_table,
	    server_res_count, NULL, 0);
	if (ui->r.save_lines < 1)
		ui->r.save_lines = 1;

	mw = XmCreateMainWindow(top, "main", NULL, 0);
	XtManageChild(mw);
	bar = server_menu_bar(ui, mw);
	pane = XtVaCreateManagedWidget("pane", xmPanedWindowWidgetClass, mw,
	    XmNorientation, XmHORIZONTAL, NULL);
	server_event_view(ui, pane);
	server_client_list(ui, pane);
	ui->status = XtVaCreateManagedWidget("status", xmLabelWidgetClass,
	    mw, XmNalignment, XmALIGNMENT_BEGINNING, NULL);
	XtVaSetValues(mw, XmNmenuBar, bar, XmNworkWindow, pane,
	    XmNmessageWindow, ui->status, NULL);
	server_set_sensitive(ui);
	server_dialogs(ui, top);
	evloop_signal(SIGUSR1, server_dump_cb, ui);
	xmu_set_icon(top, xchatd_bits, xchatd_mask_bits, xchatd_width,
	    xchatd_height);
	XtRealizeWidget(top);
	xmu_set_names(top, NULL, NULL);
	return ui;
}

/* The callbacks the hub is to be given, with the server_ui as arg. */
const struct hub_events *
server_ui_events(void)
{
	return &events;
}

/*
 * The server is listening: remember the hub and what the window shows
 * of the server, say so in the event view, start the status updates
 * (the SIGUSR1 state dump runs from the window's creation on, so that
 * a test that sees the window can always ask for it).
 */
void
server_ui_start(struct server_ui *ui, struct hub *hub,
    const struct server_ui_info *info)
{
	const char	*args[3];

	ui->hub = hub;
	ui->info = *info;
	ui->listen_name = xstrdup(info->listen_name);
	ui->tls_name = xstrdup(info->tls_name);
	ui->fingerprint = xstrdup(info->fingerprint);
	ui->logfile = xstrdup(info->logfile);
	ui->info.listen_name = ui->listen_name;
	ui->info.logfile = ui->logfile;
	ui->started = true;
	server_set_sensitive(ui);
	args[0] = PACKAGE_VERSION;
	args[1] = ui->listen_name;
	args[2] = ui->logfile;
	server_event_add(ui, LK_ALWAYS, ui->r.ev_listening, "val", args);
	args[0] = ui->tls_name;
	args[1] = ui->fingerprint;
	if (*ui->tls_name != '\0')
		server_event_add(ui, LK_ALWAYS, ui->r.ev_tls, "tk", args);
	args[0] = ui->listen_name;
	if (info->exposed)
		server_event_add(ui, LK_ALWAYS, ui->r.ev_exposed, "a", args);
	clock_gettime(CLOCK_MONOTONIC, &ui->rate_ts);
	ui->tick_timer = evloop_timer_add(1000, status_tick_cb, ui);
	server_update_status(ui);
	server_flush_cb(ui);
}

