/*
 * xchat.c -- main() of the Motif chat client: locale, options mapped
 * onto resources of class XChat, validation, module set-up in order,
 * then the Xt loop.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <X11/Intrinsic.h>
#include <X11/StringDefs.h>
#include <X11/Shell.h>
#include <Xm/Xm.h>

#include "client_ui.h"
#include "clientlog.h"
#include "digest.h"
#include "evloop.h"
#include "log.h"
#include "netclient.h"
#include "netio.h"
#include "protocol.h"

/* The application resources; every one is a string, checked below. */
struct app_options {
	String	 host;
	String	 port;
	String	 nick;
	String	 log_file;
	String	 save_lines;
	String	 flush_interval;
	String	 ping_interval;
	String	 ping_timeout;
	String	 connect_timeout;
	String	 dump_file;
};

#define Sres(name, cls, field, def) \
	{ name, cls, XtRString, sizeof(String), \
	  XtOffsetOf(struct app_options, field), XtRString, (XtPointer)(def) }

static XtResource app_resources[] = {
	Sres("host", "Host", host, "127.0.0.1"),
	Sres("port", "Port", port, "12345"),
	Sres("nick", "Nick", nick, ""),
	Sres("logFile", "LogFile", log_file, ""),
	Sres("saveLines", "SaveLines", save_lines, "5000"),
	Sres("flushInterval", "FlushInterval", flush_interval, "50"),
	Sres("pingInterval", "PingInterval", ping_interval, "30"),
	Sres("pingTimeout", "PingTimeout", ping_timeout, "15"),
	Sres("connectTimeout", "ConnectTimeout", connect_timeout, "15"),
	Sres("dumpFile", "DumpFile", dump_file, ""),
};

static XrmOptionDescRec options[] = {
	{ "-host",		"*host",		XrmoptionSepArg, NULL },
	{ "-port",		"*port",		XrmoptionSepArg, NULL },
	{ "-nick",		"*nick",		XrmoptionSepArg, NULL },
	{ "-logfile",		"*logFile",		XrmoptionSepArg, NULL },
	{ "-savelines",		"*saveLines",		XrmoptionSepArg, NULL },
	{ "-pinginterval",	"*pingInterval",	XrmoptionSepArg, NULL },
	{ "-pingtimeout",	"*pingTimeout",		XrmoptionSepArg, NULL },
	{ "-dumpfile",		"*dumpFile",		XrmoptionSepArg, NULL },
};

/*
 * Used only when no app-defaults file is found at all: enough for a
 * usable, Unicode-capable window, visibly marked.
 */
static String fallbacks[] = {
	"XChat*renderTable: xft",
	"XChat*renderTable.xft.fontType: FONT_IS_XFT",
	"XChat*renderTable.xft.fontName: DejaVu Sans Mono",
	"XChat*renderTable.xft.fontSize: 10",
	"XChat.geometry: 860x520",
	"XChat*transcript.rows: 24",
	"XChat*transcript.columns: 80",
	"XChat*users.visibleItemCount: 12",
	"XChat*users.width: 170",
	"XChat*fileMenu.labelString: File",
	"XChat*fileMenu.mnemonic: F",
	"XChat*reconnect.labelString: Reconnect",
	"XChat*save.labelString: Save transcript...",
	"XChat*quit.labelString: Quit",
	"XChat*helpMenu.labelString: Help",
	"XChat*helpMenu.mnemonic: H",
	"XChat*about.labelString: About...",
	"XChat*send.labelString: Send",
	"XChat*aboutDialog_popup.title: About xchat",
	"XChat*aboutDialog.messageString: xchat 1.0: a Motif chat client "
	    "for xchatd.\\n(no app-defaults)",
	"XChat*saveDialog_popup.title: Save transcript",
	"XChat*status.labelString: (no app-defaults)",
	NULL
};

static const char usage[] =
"usage: xchat [-option ...]\n"
"The xchat client: talk through an xchatd server in a Motif window.\n"
"Options (each sets the X resource in brackets, class XChat):\n"
"  -host HOST           server's host name or address [host]\n"
"                       (default 127.0.0.1)\n"
"  -port N              server's TCP port [port] (default 12345)\n"
"  -nick NICK           nick to ask for on each connect [nick]\n"
"                       (default: keep the server's user<id>)\n"
"  -logfile FILE        the client's own message log, or none [logFile]\n"
"                       (default ~/.xchat-client.log)\n"
"  -savelines N         transcript lines kept [saveLines] (default 5000)\n"
"  -pinginterval SECS   silence before pinging the server [pingInterval]\n"
"                       (default 30)\n"
"  -pingtimeout SECS    wait for its PONG before reconnecting\n"
"                       [pingTimeout] (default 15)\n"
"  -dumpfile FILE       on SIGUSR1, write the window's state there (for\n"
"                       tests) [dumpFile]\n"
"  -help                print this text and exit\n"
"The standard X Toolkit options work too: -display, -geometry, -name,\n"
"-title, -iconic, -bg, -fg, -xrm 'XChat*resource: value', ...\n"
"In the window: Enter sends; Up/Down walk the input history; /nick NAME,\n"
"/quit [text], /help.  See xchat(1).\n"
"Exit status: 0 normal end, 1 no display or another run-time error,\n"
"2 a bad option or resource value.\n";

static void
bad(const char *what, const char *value, const char *why)
{
	fprintf(stderr, "%s: invalid %s \"%s\": %s\n", log_progname(), what,
	    value, why);
	exit(2);
}

static unsigned
number(const char *what, const char *s, unsigned long min,
    unsigned long max)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < min ||
	    v > max) {
		char	 why[96];

		snprintf(why, sizeof why, "want a whole number from %lu to %lu",
		    min, max);
		bad(what, s, why);
	}
	return (unsigned)v;
}

static void
dump_cb(void *arg)
{
	client_ui_dump(arg);
}

static struct netclient	*the_client;

static void
term_cb(void *arg)
{
	(void)arg;
	if (the_client != NULL)
		netclient_quit(the_client, NULL);
	evloop_quit();
}

int
main(int argc, char **argv)
{
	XtAppContext		 app;
	Display			*dpy;
	Widget			 top;
	struct app_options	 ao;
	struct client_opts	 co;
	struct nc_config	 cfg;
	struct clientlog	*cl = NULL;
	struct client_ui	*ui;
	const char		*err, *cs, *logpath;
	char			 ebuf[512];
	int			 i;

	log_init("xchat", 0);
	/* Until its handler is in place, SIGUSR1 must not kill us. */
	signal(SIGUSR1, SIG_IGN);
	/* -help must work without a display, so look before Xt does. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-help") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		}
	}
	XtSetLanguageProc(NULL, NULL, NULL);
	XtToolkitInitialize();
	app = XtCreateApplicationContext();
	XtAppSetFallbackResources(app, fallbacks);
	dpy = XtOpenDisplay(app, NULL, "xchat", "XChat", options,
	    XtNumber(options), &argc, argv);
	if (dpy == NULL) {
		fprintf(stderr, "%s: cannot open display '%s' (is DISPLAY "
		    "set? xchat needs an X session)\n", log_progname(),
		    XDisplayName(NULL));
		return 1;
	}
	top = XtVaAppCreateShell(NULL, "XChat", applicationShellWidgetClass,
	    dpy, NULL);
	if (argc > 1) {
		fprintf(stderr, "%s: unknown option \"%s\" (try -help)\n",
		    log_progname(), argv[1]);
		return 2;
	}
	cs = nl_langinfo(CODESET);
	if (strcasecmp(cs, "UTF-8") != 0 && strcasecmp(cs, "utf8") != 0)
		log_warnx("the locale's character set is %s, not UTF-8: "
		    "accented text will not show correctly (try "
		    "LANG=C.UTF-8)", cs);

	XtGetApplicationResources(top, &ao, app_resources,
	    XtNumber(app_resources), NULL, 0);
	if (*ao.host == '\0')
		bad("host", ao.host, "empty");
	if (!netio_port_valid(ao.port))
		bad("port", ao.port, "want a number from 1 to 65535");
	if (*ao.nick != '\0' && !proto_nick_valid(ao.nick, strlen(ao.nick)))
		bad("nick", ao.nick, "1 to 32 bytes of UTF-8, no spaces, "
		    "no ':'");
	co.host = ao.host;
	co.port = ao.port;
	co.dumpfile = ao.dump_file;
	co.save_lines = number("saveLines", ao.save_lines, 10, 10000000);
	co.flush_ms = number("flushInterval", ao.flush_interval, 1, 10000);
	cfg.host = ao.host;
	cfg.port = ao.port;
	cfg.nick = ao.nick;
	cfg.ping_interval = number("pingInterval", ao.ping_interval, 1,
	    86400);
	cfg.ping_timeout = number("pingTimeout", ao.ping_timeout, 1, 86400);
	cfg.connect_timeout = number("connectTimeout", ao.connect_timeout,
	    1, 86400);

	if ((err = digest_init()) != NULL) {
		fprintf(stderr, "%s: %s\n", log_progname(), err);
		return 1;
	}
	logpath = *ao.log_file != '\0' ? ao.log_file :
	    clientlog_default_path();
	if (strcmp(logpath, "none") != 0 &&
	    (cl = clientlog_open(logpath, ebuf, sizeof ebuf)) == NULL) {
		fprintf(stderr, "%s: %s\n", log_progname(), ebuf);
		return 2;
	}

	cfg.log = cl;
	evloop_init(app);
	if ((ui = client_ui_create(top, &co)) == NULL)
		return 2;
	the_client = netclient_new(&cfg, client_ui_events(), ui);
	client_ui_set_client(ui, the_client);
	evloop_signal(SIGUSR1, dump_cb, ui);
	evloop_signal(SIGTERM, term_cb, NULL);
	evloop_signal(SIGINT, term_cb, NULL);
	evloop_signal(SIGHUP, term_cb, NULL);
	client_ui_realize(ui);
	netclient_start(the_client);
	evloop_run();

	netclient_free(the_client);
	client_ui_free(ui);
	clientlog_close(cl);
	XtDestroyApplicationContext(app);
	return 0;
}
