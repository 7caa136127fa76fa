/*
 * client_dump.c -- the test hook of xchat's window (-dumpfile): after
 * a flush, what the window shows (title, status, the user list, the
 * layout, the dialogs, the verify queue's figures, the transcript)
 * written to a file that is renamed into place.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <X11/Intrinsic.h>
#include <Xm/Xm.h>
#include <Xm/Text.h>
#include <Xm/TextF.h>

#include "client_int.h"
#include "client_ui.h"
#include "log.h"
#include "logview.h"
#include "userview.h"
#include "verify.h"
#include "xmutil.h"

/*
 * For the test dumps: the runs of the user list's items and of the
 * status line drawn with the fallback font.
 */
static void
fallback_dump(struct client_ui *ui, FILE *fp)
{
	XmStringTable	 items = NULL;
	XmString	 x = NULL;
	int		 n = 0, i;

	fputs("fallback:", fp);
	XtVaGetValues(ui->users, XmNitems, &items, XmNitemCount, &n, NULL);
	for (i = 0; i < n; i++)
		xmu_fallback_dump(fp, items[i]);
	XtVaGetValues(ui->status, XmNlabelString, &x, NULL);
	xmu_fallback_dump(fp, x);
	XmStringFree(x);
	fputc('\n', fp);
}

/* The verify queue's figures, for the dump (tests, bench). */
static void
client_verify_dump(struct client_ui *ui, FILE *fp)
{
	struct vf_stats	 st;

	memset(&st, 0, sizeof st);
	if (ui->nc != NULL)
		netclient_verify_stats(ui->nc, &st);
	fprintf(fp, "verify: checked=%llu good=%llu bad=%llu nokey=%llu "
	    "skipped=%llu ready=%zu waiting=%zu maxready=%zu check_ns=%llu "
	    "turns=%llu asked=%llu\n", (unsigned long long)st.checked,
	    (unsigned long long)st.good, (unsigned long long)st.bad,
	    (unsigned long long)st.nokey, (unsigned long long)st.skipped,
	    st.ready, st.waiting, st.maxready,
	    (unsigned long long)st.check_ns, (unsigned long long)st.turns,
	    (unsigned long long)st.asked);
}

/*
 * The test hook: after a flush, write what the window shows.  The file
 * is written next to the target and renamed, so a reader never sees a
 * partial dump.
 */
void
client_ui_dump(struct client_ui *ui)
{
	static const char *dialogs[] = {
		"*trustDialog", "*keyChangedDialog", "*connectionDialog",
		"*overwriteDialog",
	};
	static const char *layout[] = {
		"*panes", "*transcriptPane", "*userPane", "*transcript",
		"*users", "*userCount", "*newMessages", "*saveDialog",
		"*fileMenu", "*editMenu", "*find", "*save",
	};
	FILE		*fp;
	char		*text, *in;
	size_t		 k;
	XtWidgetGeometry want;

	if (ui->o.dumpfile == NULL || *ui->o.dumpfile == '\0')
		return;
	client_view_flush(ui);
	xmu_dump_labels(ui->top, ui->o.dumpfile);
	if ((fp = xmu_dump_open(ui->o.dumpfile)) == NULL) {
		log_warn("cannot write %s", ui->o.dumpfile);
		return;
	}
	text = XmTextGetString(ui->text);
	in = XmTextFieldGetString(ui->input);
	fprintf(fp, "title: %s\nstatus: %s\nid: %" PRIu64 "\nnick: %s\n",
	    ui->title_text, ui->status_text, ui->my_id, ui->my_nick);
	userview_dump(ui->uv, fp);
	xmu_dump_list(fp, ui->users, "usercount", "useritem", "item");
	fallback_dump(ui, fp);
	xmu_dump_widget(fp, ui->top, "*keyWarning");
	for (k = 0; k < XtNumber(layout); k++)
		xmu_dump_widget(fp, ui->top, layout[k]);
	client_find_dump(ui, fp);
	client_save_dump(ui, fp);
	for (k = 0; k < XtNumber(dialogs); k++)
		xmu_dump_dialog(fp, ui->top, dialogs[k]);
	client_user_dump(ui, fp);
	xmu_dump_dialog(fp, ui->top, "*kickedDialog");
	xmu_dump_dialog(fp, ui->top, "*splitDialog");
	client_dm_dump(ui, fp);
	fprintf(fp, "input: %s\nlines: %zu\n", in, ui->t.nlines);
	/* The width the bar's text needs: more than it has is cut. */
	XtQueryGeometry(ui->below, NULL, &want);
	fprintf(fp, "barwant: %u\n", (unsigned)want.width);
	client_verify_dump(ui, fp);
	logview_dump_screen(ui->lv, fp, "row:");
	fprintf(fp, "transcript:\n%s", text);
	XtFree(text);
	XtFree(in);
	if (!xmu_dump_close(fp, ui->o.dumpfile))
		log_warn("cannot write %s", ui->o.dumpfile);
}
