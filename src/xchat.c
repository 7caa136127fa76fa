/*
 * xchat.c -- main() of the Motif chat client: locale, options mapped
 * onto resources of class XChat, validation, module set-up in order,
 * then the Xt loop.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <X11/Intrinsic.h>
#include <X11/StringDefs.h>
#include <X11/Shell.h>
#include <Xm/Xm.h>

#include "cliopts.h"
#include "client_res.h"
#include "client_ui.h"
#include "clientlog.h"
#include "digest.h"
#include "evloop.h"
#include "keys.h"
#include "log.h"
#include "netclient.h"
#include "netio.h"
#include "tls.h"
#include "xmutil.h"

static void
client_dump_cb(void *arg)
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

/* -help and -version work without a display, so look before Xt does. */
static void
client_early_flags(int argc, char **argv)
{
	int	 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-help") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			cliopts_usage(stdout);
			exit(0);
		}
		if (strcmp(argv[i], "-version") == 0 ||
		    strcmp(argv[i], "--version") == 0) {
			printf("xchat %s\n", PACKAGE_VERSION);
			exit(0);
		}
	}
}

/*
 * Open the display and the top-level shell, read and check the
 * resources; exits 1 without a display, 2 on a bad option or value.
 */
static Widget
client_open(XtAppContext app, int *argcp, char **argv,
    struct cli_options *o)
{
	struct cli_strings	 s;
	XrmOptionDescRec	*opts;
	XtResource		*res;
	Display			*dpy;
	Widget			 top;
	Cardinal		 n;
	const char		*cs;
	char			 err[512], dname[256];

	opts = cliopts_options(&n);
	snprintf(dname, sizeof dname, "%s", xmu_display_name(*argcp, argv));
	dpy = XtOpenDisplay(app, NULL, "xchat", "XChat", opts, n, argcp,
	    argv);
	if (dpy == NULL) {
		fprintf(stderr, "%s: cannot open display '%s' (is DISPLAY "
		    "set? xchat needs an X session)\n", log_progname(),
		    dname);
		exit(1);
	}
	top = XtVaAppCreateShell(NULL, "XChat", applicationShellWidgetClass,
	    dpy, NULL);
	if (*argcp > 1) {
		fprintf(stderr, "%s: unknown option \"%s\" (try -help)\n",
		    log_progname(), argv[1]);
		exit(2);
	}
	cs = nl_langinfo(CODESET);
	if (strcasecmp(cs, "UTF-8") != 0 && strcasecmp(cs, "utf8") != 0)
		log_warnx("the locale's character set is %s, not UTF-8: "
		    "accented text will not show correctly (try "
		    "LANG=C.UTF-8)", cs);
	res = cliopts_resources(&n);
	XtGetApplicationResources(top, &s, res, n, NULL, 0);
	if (!cliopts_check(&s, o, err, sizeof err)) {
		fprintf(stderr, "%s: %s\n", log_progname(), err);
		exit(2);
	}
	return top;
}

/* The client's own log, or NULL for "none"; exits 2 if it cannot. */
static struct clientlog *
client_log_open(const struct cli_options *o)
{
	struct clientlog	*cl = NULL;
	const char		*path;
	char			 ebuf[512];

	path = *o->logfile != '\0' ? o->logfile : clientlog_default_path();
	if (strcmp(path, "none") != 0 &&
	    (cl = clientlog_open(path, ebuf, sizeof ebuf)) == NULL) {
		fprintf(stderr, "%s: %s\n", log_progname(), ebuf);
		exit(2);
	}
	return cl;
}

/*
 * The transport: TLS when asked for, or by default for a host that is
 * not loopback, with the system's CAs and ~/.xchat/known_servers for
 * the pins; the port follows (12346 over TLS, else 12345).  Exits 1 if
 * TLS cannot be set up.
 */
static void
client_transport(const struct cli_options *o, struct nc_config *cfg)
{
	static char	 known[4200], pin[KEYS_FP_LEN], dir[4096];
	const char	*home = getenv("HOME");
	char		 err[512];
	bool		 tls;

	tls = strcmp(o->transport, "tls") == 0 ||
	    (strcmp(o->transport, "auto") == 0 && !netio_is_loopback(o->host));
	cfg->port = *o->port != '\0' ? o->port : tls ? "12346" : "12345";
	if (!tls)
		return;
	if ((cfg->tls = tls_client_creds(NULL, NULL, err, sizeof err)) ==
	    NULL) {
		fprintf(stderr, "%s: %s\n", log_progname(), err);
		exit(1);
	}
	snprintf(dir, sizeof dir, "%s/.xchat", home != NULL ? home : ".");
	if (!keys_private_dir(dir, err, sizeof err))
		log_warnx("%s: server keys cannot be pinned", err);
	snprintf(known, sizeof known, "%s/known_servers", dir);
	cfg->known = known;
	if (*o->trust != '\0' && keys_fp_parse(o->trust, pin))
		cfg->pin = pin;
}

int
main(int argc, char **argv)
{
	XtAppContext		 app;
	Widget			 top;
	struct cli_options	 o;
	struct client_opts	 co;
	struct nc_config	 cfg;
	struct clientlog	*cl;
	struct client_ui	*ui;
	const char		*err;

	log_init("xchat", 0);
	/* Until its handler is in place, SIGUSR1 must not kill us. */
	signal(SIGUSR1, SIG_IGN);
	client_early_flags(argc, argv);
	XtSetLanguageProc(NULL, NULL, NULL);
	XtToolkitInitialize();
	app = XtCreateApplicationContext();
	XtAppSetFallbackResources(app, client_res_fallbacks);
	top = client_open(app, &argc, argv, &o);
	if ((err = digest_init()) != NULL) {
		fprintf(stderr, "%s: %s\n", log_progname(), err);
		return 1;
	}
	cl = client_log_open(&o);
	cfg = (struct nc_config){ o.host, o.port, o.nick, o.ping_interval,
	    o.ping_timeout, o.connect_timeout, cl, NULL, NULL, NULL, NULL,
	    NULL };
	client_transport(&o, &cfg);
	co = (struct client_opts){ o.host, cfg.port, o.dumpfile,
	    cfg.known != NULL ? cfg.known : "", o.save_lines,
	    o.user_list_max, o.flush_ms };
	evloop_init(app);
	if ((ui = client_ui_create(top, &co)) == NULL)
		return 2;
	the_client = netclient_new(&cfg, client_ui_events(), ui);
	client_ui_set_client(ui, the_client);
	evloop_signal(SIGUSR1, client_dump_cb, ui);
	evloop_signal(SIGTERM, term_cb, NULL);
	evloop_signal(SIGINT, term_cb, NULL);
	evloop_signal(SIGHUP, term_cb, NULL);
	client_ui_realize(ui);
	netclient_start(the_client);
	evloop_run();

	netclient_free(the_client);
	client_ui_free(ui);
	tls_creds_free(cfg.tls);
	clientlog_close(cl);
	XtDestroyApplicationContext(app);
	return 0;
}
