/*
 * client_res.c -- the resource table of xchat's window (one row for
 * each row of client_res.def), its checks, and the fallbacks used when
 * no app-defaults file is found.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <Xm/Xm.h>

#include "client_res.h"
#include "log.h"
#include "utf8.h"
#include "xmutil.h"

#define RES_S(n, c, f, d)	XMU_RES_S(struct client_res, #n, #c, f, d),
static XtResource client_res_table[] = {
#include "client_res.def"
};
#undef RES_S

#define RES_S(n, c, f, d)	#n,
static const char *const client_res_names[] = {
#include "client_res.def"
};
#undef RES_S

bool
client_res_load(Widget top, struct client_res *r)
{
	const String	*v = (const String *)r;
	size_t		 i;

	XtGetApplicationResources(top, r, client_res_table,
	    XtNumber(client_res_table), NULL, 0);
	for (i = 0; i < XtNumber(client_res_names); i++) {
		if (v[i] == NULL || !utf8_valid(v[i], strlen(v[i]))) {
			fprintf(stderr, "%s: resource %s is %s\n",
			    log_progname(), client_res_names[i],
			    v[i] == NULL ? "missing" : "not valid UTF-8");
			return false;
		}
	}
	return true;
}

/*
 * Used only when no app-defaults file is found at all: enough for a
 * usable, Unicode-capable window, visibly marked.
 */
String client_res_fallbacks[] = {
	"XChat*renderTable: xft, symbol",
	"XChat*renderTable.xft.fontType: FONT_IS_XFT",
	"XChat*renderTable.xft.fontName: DejaVu Sans Mono",
	"XChat*renderTable.xft.fontSize: 10",
	"XChat*renderTable.symbol.fontType: FONT_IS_XFT",
	"XChat*renderTable.symbol.fontName: Symbola",
	"XChat*renderTable.symbol.fontSize: 10",
	"XChat.geometry: 860x520",
	"XChat*transcript.rows: 24",
	"XChat*transcript.columns: 80",
	"XChat*users.visibleItemCount: 12",
	"XChat*users.width: 170",
	"XChat*transcriptPane.paneMinimum: 160",
	"XChat*userPane.paneMinimum: 60",
	"XChat*userPane.paneMaximum: 600",
	"XChat*fileMenu.labelString: File",
	"XChat*fileMenu.mnemonic: F",
	"XChat*reconnect.labelString: Reconnect",
	"XChat*save.labelString: Save transcript...",
	"XChat*quit.labelString: Quit",
	"XChat*editMenu.labelString: Edit",
	"XChat*editMenu.mnemonic: E",
	"XChat*find.labelString: Find...",
	"XChat*find.accelerator: Ctrl<Key>f",
	"XChat*find.acceleratorText: Ctrl+F",
	"XChat*findNext.labelString: Find Next",
	"XChat*findNext.accelerator: <Key>F3",
	"XChat*findNext.acceleratorText: F3",
	"XChat*findPrevious.labelString: Find Previous",
	"XChat*findPrevious.accelerator: Shift<Key>F3",
	"XChat*findPrevious.acceleratorText: Shift+F3",
	"XChat*findDialog.okLabelString: Find Next",
	"XChat*findDialog.applyLabelString: Find Previous",
	"XChat*findDialog.cancelLabelString: Close",
	"XChat*helpMenu.labelString: Help",
	"XChat*helpMenu.mnemonic: H",
	"XChat*about.labelString: About...",
	"XChat*send.labelString: Send",
	"XChat*aboutDialog_popup.title: About xchat",
	"XChat*saveDialog_popup.title: Save transcript",
	"XChat*status.labelString: (no app-defaults)",
	"XChat*keyWarning.background: #b00000",
	"XChat*keyWarning.foreground: white",
	"XChat*userInfo.rows: 11",
	"XChat*userInfo.columns: 90",
	"XChat*userDialog*remember.labelString: Remember this key",
	"XChat*userDialog*close.labelString: Close",
	NULL
};

