/*
 * xchatd.c -- the xchat server: parse options (X resources of class
 * XChatd), open the log, listen, and run the hub in the Xt event loop,
 * with a Motif window or, with -headless, without a display.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/resource.h>

#include <errno.h>
#include <stdbool.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <X11/Intrinsic.h>
#include <X11/Shell.h>
#include <X11/StringDefs.h>
#include <X11/Xresource.h>

#include "digest.h"
#include "evloop.h"
#include "hub.h"
#include "log.h"
#include "msglog.h"
#include "netio.h"
#include "protocol.h"
#include "server_ui.h"
#include "srvopts.h"

#define SRES(name, class, field, def) \
	{ name, class, XtRString, sizeof(String), \
	  XtOffsetOf(struct srv_strings, field), XtRString, (XtPointer)def }

static XtResource resources[] = {
	SRES("listenAddress", "ListenAddress", listen, "127.0.0.1"),
	SRES("port", "Port", port, "12345"),
	SRES("logFile", "LogFile", logfile, "mensagens_log.txt"),
	SRES("maxClients", "MaxClients", maxclients, "1000"),
	SRES("history", "History", history, "20"),
	SRES("floodRate", "FloodRate", floodrate, "20"),
	SRES("floodKick", "FloodKick", floodkick, "500"),
	SRES("slowLimit", "SlowLimit", slowlimit, "1048576"),
	SRES("pingInterval", "PingInterval", pinginterval, "60"),
	SRES("pingTimeout", "PingTimeout", pingtimeout, "30"),
	SRES("headless", "Headless", headless, "false"),
	SRES("verifyLog", "VerifyLog", verifylog, ""),
	SRES("debug", "Debug", debug, "false"),
};

static XrmOptionDescRec options[] = {
	{ "-listen",	"*listenAddress",	XrmoptionSepArg, NULL },
	{ "-port",	"*port",		XrmoptionSepArg, NULL },
	{ "-logfile",	"*logFile",		XrmoptionSepArg, NULL },
	{ "-maxclients", "*maxClients",		XrmoptionSepArg, NULL },
	{ "-history",	"*history",		XrmoptionSepArg, NULL },
	{ "-floodrate",	"*floodRate",		XrmoptionSepArg, NULL },
	{ "-floodkick",	"*floodKick",		XrmoptionSepArg, NULL },
	{ "-slowlimit",	"*slowLimit",		XrmoptionSepArg, NULL },
	{ "-pinginterval", "*pingInterval",	XrmoptionSepArg, NULL },
	{ "-pingtimeout", "*pingTimeout",	XrmoptionSepArg, NULL },
	{ "-headless",	"*headless",		XrmoptionNoArg, "true" },
	{ "-verifylog",	"*verifyLog",		XrmoptionSepArg, NULL },
	{ "-debug",	"*debug",		XrmoptionNoArg, "true" },
	{ "-savelines",	"*saveLines",		XrmoptionSepArg, NULL },
	{ "-xrm",	NULL,			XrmoptionResArg, NULL },
};

static const char usage_text[] =
"usage: xchatd [-option ...]\n"
"The xchat server: relays MD5-checked messages between xchat clients and\n"
"records them in a log.  Options (each sets the X resource in brackets):\n"
"  -listen ADDR         address to listen on, IPv4 or IPv6 [listenAddress]\n"
"                       (default 127.0.0.1)\n"
"  -port N              TCP port [port] (default 12345)\n"
"  -logfile PATH        message log [logFile] (default mensagens_log.txt)\n"
"  -maxclients N        clients at once; more get BYE full [maxClients]\n"
"                       (default 1000)\n"
"  -history N           messages replayed to a newcomer, 0 for none\n"
"                       [history] (default 20)\n"
"  -floodrate R         messages per second per client, bursts of 2R;\n"
"                       0 turns flood control off [floodRate] (default 20)\n"
"  -floodkick N         flood rejections past the rate before a client is\n"
"                       dropped with BYE flood [floodKick] (default 500)\n"
"  -slowlimit SIZE      unsent output kept per client before it is dropped\n"
"                       as slow; suffix k, m, g [slowLimit] (default 1m)\n"
"  -pinginterval SECS   silence before the server PINGs a client, 0 for\n"
"                       never [pingInterval] (default 60)\n"
"  -pingtimeout SECS    wait for the PONG before dropping it [pingTimeout]\n"
"                       (default 30)\n"
"  -savelines N         lines kept in the window's event view [saveLines]\n"
"                       (default 5000)\n"
"  -headless            run without a window or X display [headless]\n"
"  -verifylog FILE      check FILE's records and chain, then exit\n"
"  -debug               more diagnostics on stderr [debug]\n"
"  -xrm 'RESOURCE: VALUE'  set any resource\n"
"  -help                print this text and exit\n"
"  -version             print the version and exit\n"
"With a window, the standard X Toolkit options (-display, -geometry,\n"
"-fn, -bg, -fg, -name, -title, -iconic, ...) work as usual.\n"
"Exit status: 0 normal end, 1 run-time error (port in use, log not\n"
"writable, no display), 2 bad option; -verifylog: 0 good, 1 bad, 2\n"
"unreadable.\n";

static struct hub	*hub;
static struct msglog	*mlog;

static void
usage(FILE *fp, int status)
{
	fputs(usage_text, fp);
	exit(status);
}

static void
quit_cb(void *arg)
{
	(void)arg;
	evloop_quit();
}

/* Headless SIGUSR1: a line of figures on stderr (the window has more). */
static void
stats_cb(void *arg)
{
	struct hub_stats st;

	(void)arg;
	hub_stats(hub, &st);
	log_info("%u clients connected, %llu connections so far, %llu "
	    "messages accepted, %llu rejected, %llu deliveries",
	    st.clients, (unsigned long long)st.connections,
	    (unsigned long long)st.accepted, (unsigned long long)st.rejected,
	    (unsigned long long)st.deliveries);
}

static void
ui_quit(void)
{
	evloop_quit();
}

/* Read one resource from a database without any widget (headless). */
static char *
db_string(XrmDatabase db, const char *name, const char *class, char *def)
{
	char		 n[128], c[128], *type;
	XrmValue	 v;

	snprintf(n, sizeof n, "xchatd.%s", name);
	snprintf(c, sizeof c, "XChatd.%s", class);
	if (db != NULL && XrmGetResource(db, n, c, &type, &v) && v.addr != NULL)
		return v.addr;
	return def;
}

/*
 * Build the resource strings without opening a display: app-defaults
 * file (from $XAPPLRESDIR or the installed directory), then the
 * command line.  Leftover arguments are left in *argcp/argv.
 */
static void
headless_resources(int *argcp, char **argv, struct srv_strings *s)
{
	static XrmDatabase db;	/* s points into it for good */
	XrmDatabase	 cmd = NULL;
	const char	*dir;
	char		 path[4096];
	size_t		 i;

	XrmInitialize();
	if ((dir = getenv("XAPPLRESDIR")) != NULL) {
		snprintf(path, sizeof path, "%s/XChatd", dir);
		if (access(path, R_OK) == 0)
			db = XrmGetFileDatabase(path);
	}
	if (db == NULL) {
		snprintf(path, sizeof path, "%s/XChatd", APPDEFAULTDIR);
		if (access(path, R_OK) == 0)
			db = XrmGetFileDatabase(path);
	}
	XrmParseCommand(&cmd, options, XtNumber(options), "xchatd", argcp,
	    argv);
	if (cmd != NULL)
		XrmMergeDatabases(cmd, &db);
	for (i = 0; i < XtNumber(resources); i++)
		*(char **)((char *)s + resources[i].resource_offset) =
		    db_string(db, resources[i].resource_name,
		    resources[i].resource_class,
		    (char *)resources[i].default_addr);
}

/* The X Toolkit's own options; true if they take an argument. */
static const struct {
	const char	*name;
	bool		 arg;
} xt_options[] = {
	{ "-background", true }, { "-bd", true }, { "-bg", true },
	{ "-bordercolor", true }, { "-borderwidth", true }, { "-bw", true },
	{ "-display", true }, { "-fg", true }, { "-fn", true },
	{ "-font", true }, { "-foreground", true }, { "-geometry", true },
	{ "-iconic", false }, { "-name", true }, { "-reverse", false },
	{ "-rv", false }, { "+rv", false }, { "-selectionTimeout", true },
	{ "-synchronous", false }, { "+synchronous", false },
	{ "-title", true }, { "-xnllanguage", true }, { "-xtsessionID", true },
};

/*
 * Check what our option table left over before any display is opened,
 * so that a typo is a usage error (exit 2) and not "cannot open
 * display".  Xt's own options (also abbreviated, as Xt allows) are
 * fine with a window and have no effect without one.
 */
static bool
check_leftovers(int ac, char **av, bool windowless)
{
	size_t	 i, len, n;
	int	 k, hit;

	for (k = 1; k < ac; k++) {
		len = strlen(av[k]);
		hit = -1;
		for (i = 0; i < XtNumber(xt_options) && len >= 2; i++) {
			n = strlen(xt_options[i].name);
			if (len <= n && strncmp(av[k], xt_options[i].name,
			    len) == 0) {
				hit = (int)i;
				if (len == n)
					break;
			}
		}
		if (hit < 0) {
			log_warnx("unknown option %s (try -help)", av[k]);
			return false;
		}
		if (windowless)
			log_warnx("%s has no effect without a window", av[k]);
		if (xt_options[hit].arg && ++k >= ac) {
			log_warnx("option %s needs a value (try -help)",
			    av[k - 1]);
			return false;
		}
	}
	return true;
}

static void
check_strings(const struct srv_strings *s, struct srv_options *o)
{
	char	 err[256];

	if (!srvopts_check(s, o, err, sizeof err)) {
		log_warnx("%s (try -help)", err);
		exit(2);
	}
}

/*
 * Each client needs a descriptor: raise the soft limit towards the hard
 * one so that -maxclients can be reached, and say so if it cannot.
 */
static void
raise_fd_limit(unsigned maxclients)
{
	struct rlimit	 rl;
	rlim_t		 want = (rlim_t)maxclients + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ?
	    want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < want)
		log_warnx("only %llu file descriptors: fewer than %u clients "
		    "can connect at once (raise ulimit -n)",
		    (unsigned long long)rl.rlim_cur, maxclients);
}

/* Report a start-up failure on stderr and, with a window, in a dialog. */
static void
startup_error(Widget top, const char *msg)
{
	log_warnx("%s", msg);
	if (top != NULL)
		server_ui_error(top, msg);
	exit(1);
}

int
main(int argc, char **argv)
{
	struct srv_strings	 s;
	struct srv_options	 o;
	struct server_ui	*ui = NULL;
	struct server_ui_info	 uinfo;
	XtAppContext		 app;
	Widget			 top = NULL;
	Display			*dpy;
	const char		*e;
	char			 err[512], lname[NETIO_ADDRSTRLEN];
	char			**av;
	int			 i, ac, lfd;

	log_init("xchatd", 0);
	/* Until its handler is in place, SIGUSR1 must not kill us. */
	signal(SIGUSR1, SIG_IGN);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-help") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			usage(stdout, 0);
		if (strcmp(argv[i], "-version") == 0 ||
		    strcmp(argv[i], "--version") == 0) {
			printf("xchatd %s (protocol %d)\n", PACKAGE_VERSION,
			    PROTO_VERSION);
			return 0;
		}
	}
	XtSetLanguageProc(NULL, NULL, NULL);

	/* First pass without a display: is it headless?  Are values sane? */
	av = calloc((size_t)argc + 1, sizeof *av);
	if (av == NULL)
		fatal("calloc");
	memcpy(av, argv, (size_t)argc * sizeof *av);
	ac = argc;
	memset(&s, 0, sizeof s);
	headless_resources(&ac, av, &s);
	check_strings(&s, &o);
	log_init("xchatd", o.debug);

	if (!check_leftovers(ac, av, o.headless || o.verifylog != NULL)) {
		free(av);
		return 2;
	}
	free(av);
	if (o.verifylog != NULL) {
		if ((e = digest_init()) != NULL) {
			log_warnx("%s", e);
			return 2;
		}
		i = msglog_verify(o.verifylog, stdout, NULL);
		fflush(stdout);
		return i;
	}

	if (o.headless)
		evloop_init(NULL);
	else {
		XtToolkitInitialize();
		app = XtCreateApplicationContext();
		server_ui_fallbacks(app);
		dpy = XtOpenDisplay(app, NULL, "xchatd", "XChatd", options,
		    XtNumber(options), &argc, argv);
		/*
		 * Xt's language proc has just set every category from
		 * LANG; numbers in options (-floodrate 2.5) stay C.
		 */
		setlocale(LC_NUMERIC, "C");
		if (dpy == NULL) {
			log_warnx("cannot open display '%s'; use -headless to "
			    "run without a window", XDisplayName(NULL));
			return 1;
		}
		if (argc > 1) {
			log_warnx("unknown option %s (try -help)", argv[1]);
			return 2;
		}
		top = XtVaAppCreateShell(NULL, "XChatd",
		    applicationShellWidgetClass, dpy, NULL);
		memset(&s, 0, sizeof s);
		XtGetApplicationResources(top, &s, resources,
		    XtNumber(resources), NULL, 0);
		check_strings(&s, &o);
		evloop_init(app);
		ui = server_ui_create(top);
	}

	if ((e = digest_init()) != NULL)
		startup_error(top, e);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit(o.hub.maxclients);

	/* Listen first: a server that cannot listen touches no file. */
	if ((lfd = netio_listen(o.listen, o.port, err, sizeof err)) == -1)
		startup_error(top, err);
	if ((mlog = msglog_open(o.logfile, err, sizeof err)) == NULL)
		startup_error(top, err);
	if (err[0] != '\0')
		log_warnx("%s", err);
	netio_sock_name(lfd, lname, sizeof lname);

	hub = hub_create(&o.hub, mlog, ui != NULL ? server_ui_events() : NULL,
	    ui);
	hub_listen(hub, lfd);
	hub_log_start(hub, lname);
	evloop_signal(SIGTERM, quit_cb, NULL);
	evloop_signal(SIGINT, quit_cb, NULL);
	evloop_signal(SIGHUP, quit_cb, NULL);
	if (ui == NULL)
		evloop_signal(SIGUSR1, stats_cb, NULL);

	log_info("listening on %s, logging to %s", lname, o.logfile);
	if (o.headless)
		log_info("connect with: xchat -host %s -port %s "
		    "(or: nc %s %s)", o.listen, o.port, o.listen, o.port);
	if (ui != NULL) {
		uinfo.listen_name = lname;
		uinfo.logfile = o.logfile;
		uinfo.quit = ui_quit;
		server_ui_start(ui, hub, &uinfo);
	}

	evloop_run();

	log_info("shutting down");
	hub_free(hub);
	msglog_close(mlog);
	return 0;
}
