/*
 * server_res.c -- the resource table of xchatd's window: one row per
 * resource with its English default (the texts of resources/XChatd),
 * and the fallbacks used when no app-defaults file is found.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stddef.h>

#include <Xm/Xm.h>

#include "server_res.h"
#include "xmutil.h"

/* The XtResource table, one row for each row of server_res.def. */
#define RES_S(n, c, f, d)	XMU_RES_S(struct server_res, #n, #c, f, d),
#define RES_I(n, c, f, d)	XMU_RES_I(struct server_res, #n, #c, f, d),
XtResource server_res_table[] = {
#include "server_res.def"
};
#undef RES_S
#undef RES_I

const Cardinal server_res_count = XtNumber(server_res_table);

XtResource server_res_error[1] = {
	{ "errorMessage", "ErrorMessage", XtRString, sizeof(String), 0,
	  XtRString, (XtPointer)"xchatd cannot start:\n\n%m" },
};

XtResource server_res_listen[2] = {
	{ "errorListen", "ErrorListen", XtRString, sizeof(String),
	  offsetof(struct server_res_start, listen), XtRString,
	  (XtPointer)"cannot listen on %a port %p: %e" },
	{ "errorPortInUse", "ErrorListen", XtRString, sizeof(String),
	  offsetof(struct server_res_start, in_use), XtRString,
	  (XtPointer)"cannot listen on %a port %p: the port is already in "
	  "use (is another xchatd running?)" },
};

/*
 * Used only when no app-defaults file is found: enough to look right,
 * and the title says the file is missing, as xterm does.
 */
String server_res_fallbacks[] = {
	"XChatd.title: xchatd (no app-defaults)",
	"XChatd.iconName: xchatd",
	"XChatd*renderTable: sans",
	"XChatd*renderTable.sans.fontType: FONT_IS_XFT",
	"XChatd*renderTable.sans.fontName: DejaVu Sans",
	"XChatd*renderTable.sans.fontSize: 10",
	"XChatd*events.renderTable: mono",
	"XChatd*clientList.renderTable: mono",
	"XChatd*clientsHeader.renderTable: mono",
	"XChatd*verifyText.renderTable: mono",
	"XChatd*registrationList.renderTable: mono",
	"XChatd*banList.renderTable: mono",
	"XChatd*selectedKey.renderTable: mono",
	"XChatd*renderTable.mono.fontType: FONT_IS_XFT",
	"XChatd*renderTable.mono.fontName: DejaVu Sans Mono",
	"XChatd*renderTable.mono.fontSize: 10",
	"XChatd*events.rows: 30",
	"XChatd*events.columns: 76",
		"XChatd*events.scrollHorizontal: False",
	"XChatd*clientsPanel.width: 600",
	"XChatd*clientList.visibleItemCount: 20",
	"XChatd*accountsDialog.width: 800",
	"XChatd*registrationList.visibleItemCount: 12",
	"XChatd*banList.visibleItemCount: 4",
	"XChatd*file.labelString: File",
	"XChatd*verify.labelString: Verify log...",
	"XChatd*quit.labelString: Quit",
	"XChatd*view.labelString: View",
	"XChatd*clear.labelString: Clear",
	"XChatd*pause.labelString: Pause display",
	"XChatd*clients.labelString: Clients",
	"XChatd*kick.labelString: Kick...",
	"XChatd*kickBan.labelString: Kick and ban...",
	"XChatd*bans.labelString: Bans...",
	"XChatd*ban.labelString: Ban key...",
	"XChatd*accounts.labelString: Accounts...",
	"XChatd*help.labelString: Help",
	"XChatd*about.labelString: About...",
	"XChatd*clientsTitle.labelString: Connected clients",
	"XChatd*quitDialog_popup.title: xchatd: quit",
	"XChatd*quitDialog.okLabelString: Quit",
	"XChatd*aboutDialog_popup.title: About xchatd",
	"XChatd*verifyDialog_popup.title: xchatd: verify log",
	"XChatd*logDialog_popup.title: xchatd: log error",
	"XChatd*errorDialog_popup.title: xchatd: error",
	"XChatd*accountsDialog_popup.title: xchatd: accounts",
	"XChatd*selectedLabel.labelString: Key of the selected line "
	    "(selected: paste it with the middle button):",
	"XChatd*removeRegistration.labelString: Remove...",
	"XChatd*reloadAccounts.labelString: Reload",
	"XChatd*closeAccounts.labelString: Close",
	"XChatd*banDialog_popup.title: xchatd: ban key",
	"XChatd*banDialog.okLabelString: Ban",
	"XChatd*removeDialog_popup.title: xchatd: remove registration",
	"XChatd*removeDialog.okLabelString: Remove",
	"XChatd*accountsErrorDialog_popup.title: xchatd: accounts file",
	"XChatd*bansFileList.renderTable: mono",
	"XChatd*bansFileList.visibleItemCount: 10",
	"XChatd*bansDialog.width: 800",
	"XChatd*kickDialog_popup.title: xchatd: kick",
	"XChatd*kickDialog.okLabelString: Kick",
	"XChatd*reasonLabel.labelString: Reason (optional, shown to the "
	    "client):",
	"XChatd*kickBanDialog_popup.title: xchatd: kick and ban",
	"XChatd*kickBanDialog.okLabelString: Kick and ban",
	"XChatd*banDuration.labelString: Ban for:",
	"XChatd*banHour.labelString: 1 hour",
	"XChatd*banDay.labelString: 1 day",
	"XChatd*banWeek.labelString: 1 week",
	"XChatd*banMonth.labelString: 30 days",
	"XChatd*banForever.labelString: for ever",
	"XChatd*kickErrorDialog_popup.title: xchatd: kick and ban",
	"XChatd*bansDialog_popup.title: xchatd: bans",
	"XChatd*liftBan.labelString: Lift",
	"XChatd*reloadBans.labelString: Reload",
	"XChatd*closeBans.labelString: Close",
	NULL
};
