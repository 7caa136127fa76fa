/*
 * server_res.c -- the resource table of xchatd's window: one row per
 * resource with its English default (the texts of resources/XChatd),
 * and the fallbacks used when no app-defaults file is found.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <Xm/Xm.h>

#include "server_res.h"
#include "xmutil.h"

#define RES_S(n, c, f, d)	XMU_RES_S(struct server_res, n, c, f, d)
#define RES_I(n, c, f, d)	XMU_RES_I(struct server_res, n, c, f, d)

/*
 * The C defaults are the English texts of resources/XChatd, so that a
 * missing app-defaults file loses nothing but the looks.
 */
XtResource server_res_table[] = {
	RES_I("saveLines", "SaveLines", save_lines, 5000),
	RES_I("flushInterval", "FlushInterval", flush_interval, 100),
	RES_I("summaryRate", "SummaryRate", summary_rate, 200),
	RES_S("dumpFile", "DumpFile", dump_file, ""),
	RES_I("dumpLines", "DumpLines", dump_lines, 40),
	RES_S("thousandsSeparator", "ThousandsSeparator", thousands, ","),
	RES_S("timeFormat", "TimeFormat", time_format, "%H:%M:%S"),
	RES_S("dateFormat", "DateFormat", date_format,
	    "--- %A %d %B %Y ---"),
	RES_S("eventListening", "EventListening", ev_listening,
	    "xchatd %v listening on %a, log %l"),
	RES_S("eventJoined", "EventJoined", ev_joined,
	    "+ #%i %n connected from %a"),
	RES_S("eventLeft", "EventLeft", ev_left,
	    "- #%i %n disconnected (%r), %m messages sent"),
	RES_S("eventRenamed", "EventRenamed", ev_renamed,
	    "* #%i %o is now %n"),
	RES_S("eventAccepted", "EventAccepted", ev_accepted,
	    "[%s] #%i <%n> %t"),
	RES_S("eventRejected", "EventRejected", ev_rejected,
	    "! #%i <%n> message rejected: %r (received %d, computed %c): %t"),
	RES_S("eventLogFailed", "EventLogFailed", ev_log_failed,
	    "!! cannot write the log %f: %e; messages are refused"),
	RES_S("eventLogRecovered", "EventLogRecovered", ev_log_ok,
	    "!! the log %f is writable again; messages are accepted"),
	/* In the order of enum msglog_change. */
	RES_S("eventLogReopened", "EventLogReopened", ev_log_change[0],
	    "* SIGHUP: the log %f was reopened; the new file starts a new "
	    "chain segment"),
	RES_S("eventLogSame", "EventLogSame", ev_log_change[1],
	    "* SIGHUP: the log %f is still the file in use; nothing to "
	    "reopen"),
	RES_S("eventLogReopenFailed", "EventLogReopenFailed",
	    ev_log_change[2],
	    "!! SIGHUP: %e; records go on to the file in use"),
	RES_S("eventLogShrank", "EventLogShrank", ev_log_change[3],
	    "!! the log %f shrank behind the server's back (%e): new chain "
	    "segment"),
	RES_S("eventLogGrew", "EventLogGrew", ev_log_change[4],
	    "!! someone else wrote to the log %f (%e): new chain segment"),
	RES_S("eventLogDeleted", "EventLogDeleted", ev_log_change[5],
	    "!! the log %f was deleted: created again, new chain segment"),
	RES_S("eventLogReplaced", "EventLogReplaced", ev_log_change[6],
	    "!! the log %f was replaced by another file: new chain segment"),
	RES_S("eventLogRenamed", "EventLogRenamed", ev_log_change[7],
	    "!! the log %f was renamed: records go on to the renamed file "
	    "until SIGHUP"),
	RES_S("eventSummary", "EventSummary", ev_summary,
	    "... %m more messages in the last second (not shown)"),
	RES_S("eventSummaryOther", "EventSummaryOther", ev_summary_other,
	    "... %m more messages and %o other events in the last second "
	    "(not shown)"),
	RES_S("eventKick", "EventKick", ev_kick,
	    "* kicking #%i %n (%a)"),
	RES_S("eventVerify", "EventVerify", ev_verify,
	    "* checking the log %f"),
	RES_S("statusFormat", "StatusFormat", status_format,
	    "Listening on %a    Clients: %c    Accepted: %m    "
	    "Rejected: %r    Messages/s: %s"),
	RES_S("statusPaused", "StatusPaused", status_paused,
	    "    [display paused: %n lines held]"),
	RES_S("statusLogFailing", "StatusLogFailing", status_log,
	    "    [LOG NOT WRITABLE]"),
	RES_S("columnId", "ColumnId", col_id, "id"),
	RES_S("columnNick", "ColumnNick", col_nick, "nick"),
	RES_S("columnAddress", "ColumnAddress", col_addr, "address"),
	RES_S("columnMessages", "ColumnMessages", col_msgs, "msgs"),
	RES_S("resumeLabel", "ResumeLabel", resume_label, "Resume display"),
	RES_S("quitQuestion", "QuitQuestion", quit_question,
	    "Clients connected: %c.\n"
	    "Shut the server down and disconnect them?"),
	RES_S("aboutMessage", "AboutMessage", about_message,
	    "xchatd %v\nThe xchat server, protocol %p.\n\n"
	    "Listening on %a\nLog file: %l"),
	RES_S("logErrorMessage", "LogErrorMessage", log_error,
	    "Cannot write the message log %f:\n%e\n\n"
	    "Messages are refused (NAK nolog) until it can be written."),
	RES_S("verifyGood", "VerifyGood", verify_good,
	    "The log %f is intact."),
	RES_S("verifyBad", "VerifyBad", verify_bad,
	    "The log %f has bad records."),
	RES_S("verifyUnreadable", "VerifyUnreadable", verify_unreadable,
	    "The log %f cannot be read."),
	RES_S("verifyFailed", "VerifyFailed", verify_failed,
	    "Cannot check the log: %e"),
};

const Cardinal server_res_count = XtNumber(server_res_table);

XtResource server_res_error[1] = {
	{ "errorMessage", "ErrorMessage", XtRString, sizeof(String), 0,
	  XtRString, (XtPointer)"xchatd cannot start:\n\n%m" },
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
	"XChatd*renderTable.mono.fontType: FONT_IS_XFT",
	"XChatd*renderTable.mono.fontName: DejaVu Sans Mono",
	"XChatd*renderTable.mono.fontSize: 10",
	"XChatd*events.rows: 30",
	"XChatd*events.columns: 90",
	"XChatd*events.wordWrap: True",
	"XChatd*events.scrollHorizontal: False",
	"XChatd*clientsPanel.width: 480",
	"XChatd*clientList.visibleItemCount: 20",
	"XChatd*file.labelString: File",
	"XChatd*verify.labelString: Verify log...",
	"XChatd*quit.labelString: Quit",
	"XChatd*view.labelString: View",
	"XChatd*clear.labelString: Clear",
	"XChatd*pause.labelString: Pause display",
	"XChatd*clients.labelString: Clients",
	"XChatd*kick.labelString: Kick",
	"XChatd*help.labelString: Help",
	"XChatd*about.labelString: About...",
	"XChatd*clientsTitle.labelString: Connected clients",
	"XChatd*quitDialog_popup.title: xchatd: quit",
	"XChatd*quitDialog.okLabelString: Quit",
	"XChatd*aboutDialog_popup.title: About xchatd",
	"XChatd*verifyDialog_popup.title: xchatd: verify log",
	"XChatd*logDialog_popup.title: xchatd: log error",
	"XChatd*errorDialog_popup.title: xchatd: error",
	NULL
};
