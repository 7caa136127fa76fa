/*
 * xchatd.c -- the xchat server: parse options (X resources of class
 * XChatd), open the log, listen, and run the hub in the Xt event loop,
 * with a Motif window or, with -headless, without a display.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
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
#include "keys.h"
#include "log.h"
#include "accounts.h"
#include "bans.h"
#include "msglog.h"
#include "netio.h"
#include "protocol.h"
#include "server_ui.h"
#include "srvopts.h"
#include "cluster.h"
#include "tls.h"
#include "xmutil.h"

static struct hub	*hub;
static struct msglog	*mlog;
static struct cluster	*cluster;	/* NULL: a single server */
static struct tls_creds	*tls;		/* NULL: no TLS */
static int		 hubfds[2] = { -1, -1 };	/* plain, TLS */
static struct accounts	*accounts;	/* the registry */
static struct bans	*bans;		/* addresses and keys banned */
static const char	**vfiles;	/* -verifylog FILE and those after */
static size_t		 nvfiles;

static void
xchatd_quit_cb(void *arg)
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
	if (cluster != NULL) {
		struct cluster_stats cs;

		cluster_stats(cluster, &cs);
		log_info("cluster: %llu batches stored %llu messages, round "
		    "trip %.0f us on average, %llu us at most; %llu stream "
		    "entries read, %u malformed skipped",
		    (unsigned long long)cs.batches, (unsigned long long)cs.msgs,
		    cs.batches > 0 ? (double)cs.rtt_us / (double)cs.batches :
		    0.0, (unsigned long long)cs.rtt_max_us,
		    (unsigned long long)cs.read_entries, cs.bad);
	}
}

/*
 * SIGHUP: reopen the log at its path (logrotate) and read the bans
 * and accounts files again; clients stay.
 */
static void
hup_cb(void *arg)
{
	char	 err[4500];

	(void)arg;
	hub_log_reopen(hub);
	if (bans != NULL && bans_reload(bans, time(NULL), err, sizeof err))
		log_info("SIGHUP: %s read again: %zu bans", bans_path(bans),
		    bans_count(bans));
	else if (bans != NULL)
		log_warnx("SIGHUP: %s; the bans read before are kept", err);
	if (accounts == NULL)
		return;
	if (accounts_reload(accounts, err, sizeof err))
		log_info("SIGHUP: %s read again: %zu registered nicks",
		    accounts_path(accounts), accounts_count(accounts));
	else
		log_warnx("SIGHUP: %s; the registry read before is kept", err);
}

static void
ui_quit(void)
{
	evloop_quit();
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

/*
 * A port that cannot be listened on: stderr gets netio's sentence, the
 * window its own words for it (errno still netio's; EINVAL: an address
 * that does not resolve, said as netio says it).
 */
static void
listen_error(Widget top, const char *err, const char *addr,
    const char *port)
{
	char	 buf[1024];
	int	 e = errno;

	if (top == NULL || e == EINVAL)
		startup_error(top, err);
	log_warnx("%s", err);
	server_ui_listen_text(top, addr, port, e, buf, sizeof buf);
	server_ui_error(top, buf);
	exit(1);
}

/* -help and -version work without a display, so look before Xt does. */
static void
server_early_flags(int argc, char **argv)
{
	int	 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-help") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			srvopts_usage(stdout);
			exit(0);
		}
		if (strcmp(argv[i], "-version") == 0 ||
		    strcmp(argv[i], "--version") == 0) {
			printf("xchatd %s (protocol %d)\n", PACKAGE_VERSION,
			    PROTO_VERSION);
			exit(0);
		}
	}
}

/*
 * With -verifylog, the arguments left that are not options are more
 * files to check after its own (vfiles); take them out of av.
 */
static int
take_files(int ac, char **av, const char *first)
{
	int	 i, k = 1;

	vfiles = calloc((size_t)ac + 1, sizeof *vfiles);
	if (vfiles == NULL)
		fatal("calloc");
	vfiles[nvfiles++] = first;
	for (i = 1; i < ac; i++) {
		if (av[i][0] != '-')
			vfiles[nvfiles++] = av[i];
		else
			av[k++] = av[i];
	}
	av[k] = NULL;
	return k;
}

/*
 * First pass without a display: is it headless?  Are the values sane?
 * Bad values and unknown options exit 2 here, before any display.
 */
static void
options_first_pass(int argc, char **argv, struct srv_options *o)
{
	struct srv_strings	 s;
	char			**av;
	int			 ac = argc;

	av = calloc((size_t)argc + 1, sizeof *av);
	if (av == NULL)
		fatal("calloc");
	memcpy(av, argv, (size_t)argc * sizeof *av);
	memset(&s, 0, sizeof s);
	srvopts_load(&ac, av, &s);
	check_strings(&s, o);
	log_init("xchatd", o->debug);
	if (o->verifylog != NULL)
		ac = take_files(ac, av, o->verifylog);
	if (!check_leftovers(ac, av, o->headless || o->verifylog != NULL)) {
		free(av);
		exit(2);
	}
	free(av);
}

/* -verifylog: check the files and return the exit status. */
static int
verify_only(void)
{
	const char	*e;
	int		 rc;

	if ((e = digest_init()) != NULL) {
		log_warnx("%s", e);
		return 2;
	}
	rc = msglog_verify_files(vfiles, nvfiles, stdout, NULL);
	fflush(stdout);
	free(vfiles);
	return rc;
}

/*
 * Open the display and create the window, then read the resources
 * again through Xt; exits 1 without a display, 2 on a bad option.
 */
static struct server_ui *
window_open(int *argcp, char **argv, struct srv_options *o, Widget *topp)
{
	struct srv_strings	 s;
	XrmOptionDescRec	*opts;
	XtResource		*res;
	XtAppContext		 app;
	Display			*dpy;
	Cardinal		 n;
	char			 dname[256];

	XtToolkitInitialize();
	app = XtCreateApplicationContext();
	server_ui_fallbacks(app);
	opts = srvopts_options(&n);
	snprintf(dname, sizeof dname, "%s", xmu_display_name(*argcp, argv));
	dpy = XtOpenDisplay(app, NULL, "xchatd", "XChatd", opts, n, argcp,
	    argv);
	/*
	 * Xt's language proc has just set every category from LANG;
	 * numbers in options (-floodrate 2.5) stay C.
	 */
	setlocale(LC_NUMERIC, "C");
	if (dpy == NULL) {
		log_warnx("cannot open display '%s'; use -headless to "
		    "run without a window", dname);
		exit(1);
	}
	if (*argcp > 1) {
		log_warnx("unknown option %s (try -help)", argv[1]);
		exit(2);
	}
	*topp = XtVaAppCreateShell(NULL, "XChatd",
	    applicationShellWidgetClass, dpy, NULL);
	res = srvopts_resources(&n);
	memset(&s, 0, sizeof s);
	XtGetApplicationResources(*topp, &s, res, n, NULL, 0);
	check_strings(&s, o);
	evloop_init(app);
	return server_ui_create(*topp);
}

/* The state directory, with "~/" expanded, made mode 0700 if need be. */
static const char *
state_dir(const struct srv_options *o, char *err, size_t errlen)
{
	static char	 dir[4096];
	const char	*home = getenv("HOME");

	if (strncmp(o->statedir, "~/", 2) == 0 &&
	    (home == NULL || *home == '\0')) {
		snprintf(err, errlen, "HOME is not set: name the state "
		    "directory with -statedir");
		return NULL;
	}
	if (strncmp(o->statedir, "~/", 2) == 0)
		snprintf(dir, sizeof dir, "%s/%s", home, o->statedir + 2);
	else
		snprintf(dir, sizeof dir, "%s", o->statedir);
	return keys_private_dir(dir, err, errlen) ? dir : NULL;
}

/*
 * The state directory's key and certificate: made now if neither is
 * there.  Under a lock on the directory (flock), so that servers started
 * at once on a new directory make one pair between them, not a key of
 * one and a certificate of another.  False with a message in err.
 */
static bool
state_pair(const char *dir, const char *cert, const char *key, char *err,
    size_t errlen)
{
	char	 cn[256];
	bool	 hc, hk, ok = false;
	int	 fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    flock(fd, LOCK_EX) == -1) {
		snprintf(err, errlen, "cannot lock %s: %s", dir,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return false;
	}
	hc = access(cert, F_OK) == 0;
	hk = access(key, F_OK) == 0;
	if (hc != hk)
		snprintf(err, errlen, "%s is there without %s: put it back, "
		    "or remove both for a new key", hc ? cert : key,
		    hc ? key : cert);
	else if (hc)
		ok = true;
	else {
		if (gethostname(cn, sizeof cn) != 0 || cn[0] == '\0')
			snprintf(cn, sizeof cn, "xchatd");
		cn[sizeof cn - 1] = '\0';
		ok = keys_generate(key, cert, cn, err, errlen);
		if (ok)
			log_info("made a new key and certificate in %s", dir);
	}
	close(fd);		/* and the lock with it */
	return ok;
}

/*
 * The server's TLS credentials: -tlscert and -tlskey, or a key and a
 * self-signed certificate made once in the state directory and kept.
 * NULL with a message in err if they cannot be had.
 */
static struct tls_creds *
server_creds(const struct srv_options *o, char *err, size_t errlen)
{
	static char	 cert[4200], key[4200];
	const char	*dir, *c = o->tlscert, *k = o->tlskey;

	if ((c == NULL) != (k == NULL)) {
		snprintf(err, errlen, "-tlscert and -tlskey go together");
		return NULL;
	}
	if (c == NULL) {
		if ((dir = state_dir(o, err, errlen)) == NULL)
			return NULL;
		snprintf(cert, sizeof cert, "%s/cert.pem", dir);
		snprintf(key, sizeof key, "%s/key.pem", dir);
		if (!state_pair(dir, cert, key, err, errlen))
			return NULL;
		c = cert;
		k = key;
	}
	return tls_server_creds(c, k, err, errlen);
}

/* -fingerprint: print the server key's fingerprint (made if need be). */
static int
print_fingerprint(const struct srv_options *o)
{
	struct tls_creds	*cr;
	char			 err[10000];

	if ((cr = server_creds(o, err, sizeof err)) == NULL) {
		log_warnx("%s", err);
		return 1;
	}
	printf("%s\n", tls_creds_fingerprint(cr));
	tls_creds_free(cr);
	return 0;
}

/*
 * Listen: plain TCP on the listen address if it is loopback or
 * -insecure says so, else on loopback only; TLS on the listen address
 * at tlsPort.  A server that cannot listen touches no file: exits 1.
 * Names what it did in sv (and the start record's text in detail).
 */
static void
server_listen(const struct srv_options *o, Widget top,
    struct server_ui_info *sv, char *detail, size_t dlen)
{
	static char	 pname[NETIO_ADDRSTRLEN], tname[NETIO_ADDRSTRLEN];
	static char	 fp[KEYS_FP_LEN];
	bool		 local = netio_is_loopback(o->listen);
	const char	*paddr = o->listen;
	char		 err[10000], port[16];
	int		 pfd, tfd = -1;

	if (!local && !o->insecure)
		paddr = strchr(o->listen, ':') != NULL ? "::1" : "127.0.0.1";
	if ((pfd = netio_listen(paddr, o->port, err, sizeof err)) == -1)
		listen_error(top, err, paddr, o->port);
	netio_sock_name(pfd, pname, sizeof pname);
	snprintf(port, sizeof port, "%u", o->tlsport);
	/* The address first: a bad one must not leave a key made. */
	if (o->tlsport != 0 && (tfd = netio_listen(o->listen, port, err,
	    sizeof err)) == -1)
		listen_error(top, err, o->listen, port);
	if (o->tlsport != 0 && (tls = server_creds(o, err, sizeof err)) ==
	    NULL)
		startup_error(top, err);
	if (tfd != -1) {
		netio_sock_name(tfd, tname, sizeof tname);
		snprintf(fp, sizeof fp, "%s", tls_creds_fingerprint(tls));
	}
	sv->listen_name = pname;
	sv->tls_name = tname;
	sv->fingerprint = fp;
	sv->exposed = !local && o->insecure;
	snprintf(detail, dlen, "%s%s%s%s%s", tfd != -1 ? "TLS on " : "",
	    tname, tfd != -1 ? ", server key " : "", fp,
	    sv->exposed ? "; plain text exposed beyond loopback" : "");
	hubfds[0] = pfd;
	hubfds[1] = tfd;
	if (!local && !o->insecure)
		log_info("plain text on %s only (loopback); TLS on %s; "
		    "-insecure serves plain text on %s too", pname, tname,
		    o->listen);
	if (sv->exposed)
		log_warnx("plain text is exposed on %s: anyone on the path "
		    "can read and change every message (-insecure)", pname);
}

/*
 * The accounts file: -accounts, or accounts.txt in the state directory
 * (made if need be, so a registration can be written there).
 */
static void
accounts_open(struct srv_options *o, Widget top)
{
	static char	 path[4200];
	const char	*dir;
	char		 err[4500];

	if (o->accounts == NULL) {
		if ((dir = state_dir(o, err, sizeof err)) == NULL)
			startup_error(top, err);
		snprintf(path, sizeof path, "%s/accounts.txt", dir);
		o->accounts = path;
	}
	if ((accounts = accounts_load(o->accounts, err, sizeof err)) == NULL)
		startup_error(top, err);
	o->hub.accounts = accounts;
}

/* Join the cluster -cluster names (doc/CLUSTER.md); exits 1 if bad. */
static void
cluster_start(struct srv_options *o, Widget top)
{
	struct cluster_config cc;
	char		 err[512];

	cc.store = o->cluster;
	cc.name = o->clustername;
	cc.timeout = o->clustertimeout;
	if ((cluster = cluster_create(hub, &cc, err, sizeof err)) == NULL)
		startup_error(top, err);
	log_info("cluster %s through %s, as %s", o->clustername, o->cluster,
	    cluster_self(cluster));
}

/*
 * The bans file: bans.txt in the state directory (made by the first
 * ban).  A file that is there but cannot be read stops the start: the
 * server would let in whom it was told to keep out.
 */
static void
bans_open(struct srv_options *o, Widget top)
{
	static char	 path[4200];
	const char	*dir;
	char		 err[4500];

	if ((dir = state_dir(o, err, sizeof err)) == NULL)
		startup_error(top, err);
	snprintf(path, sizeof path, "%s/bans.txt", dir);
	if ((bans = bans_load(path, time(NULL), err, sizeof err)) == NULL)
		startup_error(top, err);
	o->hub.bans = bans;
	if (bans_count(bans) > 0)
		log_info("%zu bans in %s", bans_count(bans), path);
}

/* Listen, open the log and start the hub; exits 1 on a failure. */
static void
server_start(struct srv_options *o, struct server_ui *ui, Widget top)
{
	static struct server_ui_info uinfo;
	const char		*e;
	char			 err[512], detail[512];

	if ((e = digest_init()) != NULL)
		startup_error(top, e);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit(o->hub.maxclients);

	server_listen(o, top, &uinfo, detail, sizeof detail);
	accounts_open(o, top);
	bans_open(o, top);
	if ((mlog = msglog_open(o->logfile, err, sizeof err)) == NULL)
		startup_error(top, err);
	if (err[0] != '\0')
		log_warnx("%s", err);

	hub = hub_create(&o->hub, mlog, ui != NULL ? server_ui_events() :
	    NULL, ui);
	if (o->cluster != NULL)
		cluster_start(o, top);
	hub_listen(hub, hubfds[0]);
	if (hubfds[1] != -1)
		hub_listen_tls(hub, hubfds[1], tls);
	evloop_signal(SIGTERM, xchatd_quit_cb, NULL);
	evloop_signal(SIGINT, xchatd_quit_cb, NULL);
	evloop_signal(SIGHUP, hup_cb, NULL);
	if (ui == NULL)
		evloop_signal(SIGUSR1, stats_cb, NULL);

	if (ui != NULL) {
		uinfo.logfile = o->logfile;
		uinfo.accounts = accounts;
		uinfo.bans = bans;
		uinfo.quit = ui_quit;
		uinfo.cluster = cluster;
		server_ui_start(ui, hub, &uinfo);
	}
	/* After the window is up: it shows a log that cannot be written. */
	hub_log_start(hub, uinfo.listen_name, detail);
	log_info("listening on %s, logging to %s", uinfo.listen_name,
	    o->logfile);
	if (*uinfo.tls_name != '\0')
		log_info("TLS on %s, server key %s", uinfo.tls_name,
		    uinfo.fingerprint);
	if (o->hub.access == HUB_MEMBERS && accounts_count(accounts) == 0)
		log_warnx("-access members with no key in %s: nobody can "
		    "come in yet.  To admit someone, add a line <nick> <key> "
		    "there (the key their xchat -fingerprint prints) and "
		    "send xchatd SIGHUP%s", o->accounts, ui != NULL ?
		    ", or use Clients > Accounts > Reload" : "");
	else if (o->headless)
		log_info("connect with: " XCHAT_NAME " -host %s -port %s "
		    "(or: nc %s %s)", o->listen, o->port, o->listen, o->port);
}

int
main(int argc, char **argv)
{
	struct srv_options	 o;
	struct server_ui	*ui = NULL;
	Widget			 top = NULL;

	log_init("xchatd", 0);
	/* Until its handler is in place, SIGUSR1 must not kill us. */
	signal(SIGUSR1, SIG_IGN);
	server_early_flags(argc, argv);
	XtSetLanguageProc(NULL, NULL, NULL);
	options_first_pass(argc, argv, &o);
	if (o.verifylog != NULL)
		return verify_only();
	if (o.fingerprint)
		return print_fingerprint(&o);
	if (o.headless)
		evloop_init(NULL);
	else
		ui = window_open(&argc, argv, &o, &top);
	server_start(&o, ui, top);
	evloop_run();

	log_info("shutting down");
	hub_shutdown(hub);
	cluster_free(cluster);
	hub_free(hub);
	msglog_close(mlog);
	accounts_free(accounts);
	bans_free(bans);
	tls_creds_free(tls);
	return 0;
}
