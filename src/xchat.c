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
		log_warnx("cannot open display '%s' (is DISPLAY set? xchat "
		    "needs an X session)", dname);
		exit(1);
	}
	top = XtVaAppCreateShell(NULL, "XChat", applicationShellWidgetClass,
	    dpy, NULL);
	if (*argcp > 1) {
		log_warnx("unknown option \"%s\" (try -help)", argv[1]);
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
		log_warnx("%s", err);
		exit(2);
	}
	return top;
}

/* The client's own log, or NULL for "none"; exits 2 if it cannot. */
static struct clientlog *
client_log_open(const struct cli_options *o, const char *port)
{
	struct clientlog	*cl = NULL;
	const char		*path;
	char			 ebuf[512], dir[4096];

	if (*o->logfile != '\0')
		path = o->logfile;
	else {
		/* One log per server, in ~/.xchat/logs (0700). */
		path = clientlog_default_path(o->host, port);
		snprintf(dir, sizeof dir, "%s", path);
		*strrchr(dir, '/') = '\0';
		if (!keys_private_dir(dir, ebuf, sizeof ebuf)) {
			log_warnx("%s", ebuf);
			exit(2);
		}
	}
	if (strcmp(path, "none") != 0 &&
	    (cl = clientlog_open(path, ebuf, sizeof ebuf)) == NULL) {
		log_warnx("%s", ebuf);
		exit(2);
	}
	return cl;
}

/* ~/.xchat, the client's private directory (made mode 0700). */
static const char *
client_dir(bool *ok)
{
	static char	 dir[4096];
	const char	*home = getenv("HOME");
	char		 err[512];

	snprintf(dir, sizeof dir, "%s/.xchat", home != NULL ? home : ".");
	*ok = keys_private_dir(dir, err, sizeof err);
	if (!*ok)
		log_warnx("%s", err);
	return dir;
}

/*
 * Our key: the file of -key (which must exist), or ~/.xchat/key.pem,
 * made on first start (*made is then true).  Its path goes to path.
 * Exits 1 with the reason if it cannot be read or made.
 */
static void
client_identity(const struct cli_options *o, struct keys_identity *id,
    char *path, size_t pathlen, bool *made)
{
	char		 err[1024], err2[1024];
	const char	*dir;
	bool		 ok, dflt = *o->keyfile == '\0';
	int		 r;

	*made = false;
	if (dflt) {
		dir = client_dir(&ok);
		if (!ok) {
			log_warnx("no private directory for your key (or use "
			    "-key FILE, or -anonymous)");
			exit(1);
		}
		snprintf(path, pathlen, "%s/key.pem", dir);
	} else
		snprintf(path, pathlen, "%s", o->keyfile);
	r = keys_identity_load(path, id, err, sizeof err);
	if (r == 0 && dflt) {
		/*
		 * Two xchat started at once on a new account both find no
		 * key; the file appears whole or not at all (keys.c,
		 * write_private), so the one that loses the race uses the
		 * winner's key.
		 */
		*made = keys_identity_create(path, "xchat", err, sizeof err);
		if (*made)
			r = keys_identity_load(path, id, err, sizeof err);
		else if ((r = keys_identity_load(path, id, err2,
		    sizeof err2)) != 1) {
			log_warnx("%s", err);
			exit(1);
		}
	}
	if (r == 0)
		snprintf(err, sizeof err, "the key file %s does not exist "
		    "(leave -key out to use, or make, ~/.xchat/key.pem)", path);
	if (r != 1) {
		log_warnx("%s", err);
		exit(1);
	}
}

/*
 * xchat -fingerprint: our key's fingerprint on stdout (the key made if
 * there is none, which stderr says), from the command line alone, so
 * that no display is needed.  Returns the exit status.
 */
static int
client_fingerprint(int argc, char **argv)
{
	struct cli_strings	 s;
	struct cli_options	 o;
	struct keys_identity	 id;
	char			 err[512], path[4200];
	bool			 made;

	cliopts_cmdline(&argc, argv, &s);
	if (argc > 1) {
		log_warnx("unknown option \"%s\" (try -help)", argv[1]);
		return 2;
	}
	if (!cliopts_check(&s, &o, err, sizeof err)) {
		log_warnx("%s", err);
		return 2;
	}
	client_identity(&o, &id, path, sizeof path, &made);
	if (made)
		log_warnx("made a new key in %s", path);
	printf("%s\n", id.fp);
	keys_identity_free(&id);
	return 0;
}

/* Whether the command line asks for -fingerprint (or its resource). */
static bool
client_wants_fingerprint(int argc, char **argv)
{
	struct cli_strings	 s;
	char			*copy[256];
	int			 i, n = argc < 256 ? argc : 255;

	for (i = 0; i < n; i++)
		copy[i] = argv[i];
	copy[n] = NULL;
	cliopts_cmdline(&n, copy, &s);
	return s.fingerprint != NULL && (strcasecmp(s.fingerprint, "true") ==
	    0 || strcasecmp(s.fingerprint, "yes") == 0 ||
	    strcasecmp(s.fingerprint, "on") == 0);
}

static void	 client_transport(const struct cli_options *,
		    struct nc_config *, const struct keys_identity *);

/*
 * The client core's settings: options, transport, our key, and the log
 * (its default name has the port the transport chose).
 */
static void
client_config(const struct cli_options *o, struct nc_config *cfg,
    const struct keys_identity *id)
{
	*cfg = (struct nc_config){ o->host, o->port, o->nick,
	    o->ping_interval, o->ping_timeout, o->connect_timeout, NULL, NULL,
	    NULL, NULL, NULL, NULL };
	client_transport(o, cfg, id);
	cfg->log = client_log_open(o, cfg->port);
}

/*
 * The transport: TLS when asked for, or by default for a host that is
 * not loopback, with the system's CAs and ~/.xchat/known_servers for
 * the pins, presenting our key unless anonymous; the port follows
 * (12346 over TLS, else 12345).  Exits 1 if TLS cannot be set up.
 */
static void
client_transport(const struct cli_options *o, struct nc_config *cfg,
    const struct keys_identity *id)
{
	static char	 known[4200], users[4200], pin[KEYS_FP_LEN];
	const char	*dir;
	char		 err[512];
	bool		 tls, ok;

	tls = strcmp(o->transport, "tls") == 0 ||
	    (strcmp(o->transport, "auto") == 0 &&
	    !netclient_hosts_loopback(o->host));
	cfg->port = *o->port != '\0' ? o->port : tls ? "12346" : "12345";
	cfg->id = id;
	dir = client_dir(&ok);
	snprintf(users, sizeof users, "%s/known_users", dir);
	cfg->known_users = ok ? users : NULL;
	if (!tls)
		return;
	if ((cfg->tls = tls_client_creds_id(id, err, sizeof err)) == NULL) {
		log_warnx("%s", err);
		exit(1);
	}
	if (!ok)
		log_warnx("server keys cannot be pinned");
	snprintf(known, sizeof known, "%s/known_servers", dir);
	cfg->known = known;
	if (*o->trust != '\0' && keys_fp_parse(o->trust, pin))
		cfg->pin = pin;
}

/*
 * Xt with the locale's language, our fallback resources and the
 * command line (client_open), and the digests; exits if these fail.
 */
static Widget
client_toolkit(XtAppContext *app, int *argc, char **argv,
    struct cli_options *o)
{
	Widget		 top;
	const char	*err;

	XtSetLanguageProc(NULL, NULL, NULL);
	XtToolkitInitialize();
	*app = XtCreateApplicationContext();
	XtAppSetFallbackResources(*app, client_res_fallbacks);
	top = client_open(*app, argc, argv, o);
	if ((err = digest_init()) != NULL) {
		log_warnx("%s", err);
		exit(1);
	}
	return top;
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
	struct keys_identity	 id;
	char			 keypath[4200];
	bool			 made = false;

	log_init("xchat", 0);
	/* Until its handler is in place, SIGUSR1 must not kill us. */
	signal(SIGUSR1, SIG_IGN);
	client_early_flags(argc, argv);
	if (client_wants_fingerprint(argc, argv))
		return client_fingerprint(argc, argv);
	top = client_toolkit(&app, &argc, argv, &o);
	memset(&id, 0, sizeof id);
	if (!o.anonymous)
		client_identity(&o, &id, keypath, sizeof keypath, &made);
	client_config(&o, &cfg, o.anonymous ? NULL : &id);
	cl = cfg.log;
	co = (struct client_opts){ o.host, cfg.port, o.dumpfile,
	    cfg.known != NULL ? cfg.known : "", o.save_lines,
	    o.user_list_max, o.flush_ms, o.url_command };
	evloop_init(app);
	if ((ui = client_ui_create(top, &co)) == NULL)
		return 2;
	the_client = netclient_new(&cfg, client_ui_events(), ui);
	client_ui_set_client(ui, the_client);
	if (made)
		client_ui_key_made(ui, keypath, id.fp);
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
	keys_identity_free(&id);
	clientlog_close(cl);
	XtDestroyApplicationContext(app);
	return 0;
}
