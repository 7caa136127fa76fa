/*
 * srvopts.c -- xchatd's option table and what is derived from it: the
 * XtResource and XrmOptionDescRec lists, -help, the checks, and the
 * resource database of a run without a display.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <X11/Intrinsic.h>
#include <X11/StringDefs.h>
#include <X11/Xresource.h>

#include "netio.h"
#include "opthelp.h"
#include "srvopts.h"

/* How a row's string is checked and where its value goes. */
enum srv_kind {
	SK_TEXT,	/* a non-empty string */
	SK_FILE,	/* a string, empty for none */
	SK_PORT,	/* a TCP port */
	SK_COUNT,	/* a whole number, as unsigned */
	SK_SIZE,	/* a whole number with k/m/g, as size_t */
	SK_RATE,	/* a decimal number, as double */
	SK_MSECS,	/* a decimal number of seconds, as unsigned long ms */
	SK_BOOL,	/* true or false */
	SK_ACCESS	/* open or members */
};

#define IN(f)	offsetof(struct srv_strings, f)
#define OUT(f)	offsetof(struct srv_options, f)
#define NONE	OPT_NONE

static const struct opt_row rows[] = {
	{ "-listen", "ADDR", "listenAddress", "ListenAddress", "127.0.0.1",
	  NULL, SK_TEXT, 0, 0, IN(listen), OUT(listen),
	  "address to listen on, IPv4 or IPv6", "an address", NULL },
	{ "-port", "N", "port", "Port", "12345", NULL, SK_PORT, 0, 0,
	  IN(port), OUT(port), "TCP port", "a port number (1-65535)", NULL },
	{ "-tlsport", "N", "tlsPort", "TlsPort", "12346", NULL, SK_COUNT,
	  0, 65535, IN(tlsport), OUT(tlsport),
	  "TLS port on the same address, 0 for no TLS",
	  "a port number (1-65535), or 0 for no TLS", NULL },
	{ "-tlscert", "FILE", "tlsCert", "TlsCert", "", "made in the state "
	  "directory", SK_FILE, 0, 0, IN(tlscert), OUT(tlscert),
	  "the server's certificate (PEM), with -tlskey", NULL, NULL },
	{ "-tlskey", "FILE", "tlsKey", "TlsKey", "", "made in the state "
	  "directory", SK_FILE, 0, 0, IN(tlskey), OUT(tlskey),
	  "its private key (PEM, not readable by others)", NULL, NULL },
	{ "-statedir", "DIR", "stateDir", "StateDir", "~/.xchatd", NULL,
	  SK_TEXT, 0, 0, IN(statedir), OUT(statedir),
	  "the server's own files (key, certificate), made mode 0700",
	  "a directory name", NULL },
	{ "-accounts", "FILE", "accountsFile", "AccountsFile", "",
	  "accounts.txt in the state directory", SK_FILE, 0, 0,
	  IN(accounts), OUT(accounts),
	  "the registry of nicks owned by keys: <nick> <key> lines, "
	  "!<key> for a banned key", NULL, NULL },
	{ "-access", "MODE", "access", "Access", "open", NULL, SK_ACCESS,
	  0, 0, IN(access), OUT(hub.access),
	  "open: anyone, and a keyed client registers a free nick by "
	  "taking it; members: only keys in the accounts file",
	  "open or members", NULL },
	{ "-insecure", NULL, "allowPlaintext", "AllowPlaintext", "false",
	  NULL, SK_BOOL, 0, 0, IN(insecure), OUT(insecure),
	  "serve plain TCP on a listen address that is not loopback",
	  "true or false", NULL },
	{ "-fingerprint", NULL, "fingerprint", "Fingerprint", "false", NULL,
	  SK_BOOL, 0, 0, IN(fingerprint), OUT(fingerprint),
	  "print the server key's fingerprint and exit", "true or false",
	  NULL },
	{ "-logfile", "PATH", "logFile", "LogFile", "mensagens_log.txt",
	  NULL, SK_TEXT, 0, 0, IN(logfile), OUT(logfile), "message log",
	  "a file name", NULL },
	{ "-maxclients", "N", "maxClients", "MaxClients", "1000", NULL,
	  SK_COUNT, 1, 1000000, IN(maxclients), OUT(hub.maxclients),
	  "clients at once; more get BYE full",
	  "a number from 1 to 1000000", NULL },
	{ "-history", "N", "history", "History", "20", NULL, SK_COUNT,
	  0, 100000, IN(history), OUT(hub.history),
	  "messages replayed to a newcomer, 0 for none",
	  "a number from 0 to 100000", NULL },
	{ "-floodrate", "R", "floodRate", "FloodRate", "20", NULL, SK_RATE,
	  0, 1e6, IN(floodrate), OUT(hub.floodrate),
	  "messages per second per client, bursts of 2R; 0 turns flood "
	  "control off", "a rate from 0 to 1000000 messages per second", NULL },
	{ "-floodkick", "N", "floodKick", "FloodKick", "500", NULL, SK_COUNT,
	  1, 1e9, IN(floodkick), OUT(hub.floodkick),
	  "flood rejections past the rate before a client is "
	  "dropped with BYE flood", "a number from 1 to 1000000000", NULL },
	{ "-slowlimit", "SIZE", "slowLimit", "SlowLimit", "1048576", "1m",
	  SK_SIZE, 8192, 4294967296.0, IN(slowlimit), OUT(hub.slowlimit),
	  "unsent output kept per client before it is dropped as slow; "
	  "suffix k, m, g",
	  "a size from 8192 bytes to 4G (suffix k, m or g)", NULL },
	{ "-outbudget", "SIZE", "outBudget", "OutBudget", "67108864", "64m",
	  SK_SIZE, 0, 1099511627776.0, IN(outbudget), OUT(hub.outbudget),
	  "unsent output of all clients together; past it the clients "
	  "with the most are dropped as slow; 0 for no limit",
	  "a size from 0 (no limit) to 1024G (suffix k, m or g)", NULL },
	{ "-pinginterval", "SECS", "pingInterval", "PingInterval", "60",
	  NULL, SK_MSECS, 0, 86400, IN(pinginterval),
	  OUT(hub.ping_interval),
	  "silence before the server PINGs a client, 0 for never",
	  "a number of seconds from 0 (off) to 86400", NULL },
	{ "-pingtimeout", "SECS", "pingTimeout", "PingTimeout", "30", NULL,
	  SK_MSECS, 0.1, 86400, IN(pingtimeout), OUT(hub.ping_timeout),
	  "wait for the PONG before dropping it",
	  "a number of seconds from 0.1 to 86400", NULL },
	{ "-cluster", "STORE", "clusterStore", "ClusterStore", "", "none: "
	  "a single server", SK_FILE, 0, 0, IN(cluster), OUT(cluster),
	  "be one server of a cluster sharing this Redis store: "
	  "redis://HOST[:PORT][/DB] or a unix socket path", NULL, NULL },
	{ "-clustername", "NAME", "clusterName", "ClusterName", "xchat",
	  NULL, SK_TEXT, 0, 0, IN(clustername), OUT(clustername),
	  "the cluster's name in the store (its keys' prefix)",
	  "a name", NULL },
	{ "-clustertimeout", "SECS", "clusterTimeout", "ClusterTimeout",
	  "10", NULL, SK_COUNT, 1, 3600, IN(clustertimeout),
	  OUT(clustertimeout),
	  "a server silent this long has left the cluster: its clients "
	  "leave with reason split", "a number of seconds from 1 to 3600",
	  NULL },
	{ "-savelines", "N", "saveLines", "SaveLines", "5000", NULL,
	  SK_COUNT, 1, 10000000, IN(savelines), OUT(savelines),
	  "lines kept in the window's event view",
	  "a number from 1 to 10000000", NULL },
	{ "-headless", NULL, "headless", "Headless", "false", NULL, SK_BOOL,
	  0, 0, IN(headless), OUT(headless),
	  "run without a window or X display", "true or false", NULL },
	{ "-verifylog", "FILE", "verifyLog", "VerifyLog", "", NULL, SK_FILE,
	  0, 0, IN(verifylog), OUT(verifylog),
	  "check FILE's records and chain, then exit; more files may "
	  "follow, oldest first (log.1 log), and their links are checked",
	  NULL, NULL },
	{ "-debug", NULL, "debug", "Debug", "false", NULL, SK_BOOL, 0, 0,
	  IN(debug), OUT(debug), "more diagnostics on stderr",
	  "true or false", NULL },
};
#define NROWS	(sizeof rows / sizeof rows[0])

static XtResource	 xt_resources[NROWS];
static Cardinal		 n_resources;
static const char	*given[NROWS];	/* a row's value from its flag */
static XrmOptionDescRec	 xrm_options[NROWS + 1];
static char		 specifiers[NROWS][64];

XtResource *
srvopts_resources(Cardinal *n)
{
	if (n_resources == 0)
		n_resources = opthelp_resources(rows, NROWS, xt_resources);
	*n = n_resources;
	return xt_resources;
}

/* The options of the table, and -xrm for a run without a display. */
XrmOptionDescRec *
srvopts_options(Cardinal *n)
{
	static Cardinal	 nopt;

	if (nopt == 0) {
		nopt = opthelp_options(rows, NROWS, xrm_options, specifiers);
		xrm_options[nopt++] = (XrmOptionDescRec){ "-xrm", NULL,
		    XrmoptionResArg, NULL };
	}
	*n = nopt;
	return xrm_options;
}

static const char usage_head[] =
"usage: xchatd [-option ...]\n"
"The xchat server: relays MD5-checked messages between xchat clients and\n"
"records them in a log.  Options (each sets the X resource in brackets):\n";

static const char usage_tail[] =
"  -xrm 'RESOURCE: VALUE'  set any resource\n"
"  -help                print this text and exit\n"
"  -version             print the version and exit\n"
"With a window, the standard X Toolkit options (-display, -geometry,\n"
"-fn, -bg, -fg, -name, -title, -iconic, ...) work as usual.\n"
"Exit status: 0 normal end, 1 run-time error (port in use, log not\n"
"writable, no display), 2 bad option; -verifylog: 0 good, 1 bad, 2\n"
"unreadable.\n"
"Report bugs to <" PACKAGE_BUGREPORT ">.\n";

void
srvopts_usage(FILE *fp)
{
	fputs(usage_head, fp);
	opthelp_usage(fp, rows, NROWS);
	fputs(usage_tail, fp);
}

bool
srvopts_bool(const char *s, bool *out)
{
	static const char *yes[] = { "true", "yes", "on", "1" };
	static const char *no[] = { "false", "no", "off", "0" };
	size_t	 i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* A whole number from lo to hi, optionally with a k/m/g suffix. */
static bool
parse_whole(const char *s, unsigned long long lo, unsigned long long hi,
    bool suffix, unsigned long long *out)
{
	unsigned long long v;
	char		*end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return false;
	if (suffix && *end != '\0' && end[1] == '\0') {
		unsigned long long m = 0;

		switch (*end) {
		case 'k': case 'K': m = 1024ULL; break;
		case 'm': case 'M': m = 1024ULL * 1024; break;
		case 'g': case 'G': m = 1024ULL * 1024 * 1024; break;
		}
		if (m == 0 || v > hi / m)
			return false;
		v *= m;
		end++;
	}
	if (*end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* A decimal number of seconds (or a rate) from lo to hi. */
static bool
parse_decimal(const char *s, double lo, double hi, double *out)
{
	double	 v;
	char	*end;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Check one row's string s and store its value at out. */
static bool
srv_check_row(const struct opt_row *r, const char *s, char *out)
{
	unsigned long long v;
	double		 d;

	switch (r->kind) {
	case SK_TEXT:
		*(const char **)out = s;
		return *s != '\0';
	case SK_FILE:
		*(const char **)out = *s != '\0' ? s : NULL;
		return true;
	case SK_PORT:
		*(const char **)out = s;
		return netio_port_valid(s);
	case SK_COUNT:
	case SK_SIZE:
		if (!parse_whole(s, (unsigned long long)r->lo,
		    (unsigned long long)r->hi, r->kind == SK_SIZE, &v))
			return false;
		if (r->kind == SK_SIZE)
			*(size_t *)out = (size_t)v;
		else
			*(unsigned *)out = (unsigned)v;
		return true;
	case SK_RATE:
	case SK_MSECS:
		if (!parse_decimal(s, r->lo, r->hi, &d))
			return false;
		if (r->kind == SK_RATE)
			*(double *)out = d;
		else
			*(unsigned long *)out = (unsigned long)(d * 1000);
		return true;
	case SK_BOOL:
		return srvopts_bool(s, (bool *)out);
	case SK_ACCESS:
		if (strcmp(s, "open") == 0)
			*(enum hub_access *)out = HUB_OPEN;
		else if (strcmp(s, "members") == 0)
			*(enum hub_access *)out = HUB_MEMBERS;
		else
			return false;
		return true;
	}
	return true;
}

bool
srvopts_check(const struct srv_strings *s, struct srv_options *o,
    char *err, size_t errlen)
{
	const char	*v;
	size_t		 i;

	memset(o, 0, sizeof *o);
	for (i = 0; i < NROWS; i++) {
		if (rows[i].in == NONE)
			continue;
		v = *(char *const *)((const char *)s + rows[i].in);
		if (v == NULL)
			v = "";
		if (srv_check_row(&rows[i], v, (char *)o + rows[i].out))
			continue;
		if (given[i] != NULL && strcmp(given[i], v) == 0)
			snprintf(err, errlen, "%s: '%s' is not %s",
			    rows[i].flag, v, rows[i].what);
		else
			snprintf(err, errlen, "resource %s%s%s%s: '%s' is not "
			    "%s", rows[i].name, rows[i].flag != NULL ? " (" :
			    "", rows[i].flag != NULL ? rows[i].flag : "",
			    rows[i].flag != NULL ? ")" : "", v, rows[i].what);
		return false;
	}
	return true;
}

/* libXt's compiled search path for app-defaults (XFILESEARCHPATH). */
static const char xt_default_path[] =
    "/etc/X11/%L/%T/%N%C%S:/etc/X11/%l/%T/%N%C%S:/etc/X11/%T/%N%C%S:"
    "/etc/X11/%L/%T/%N%S:/etc/X11/%l/%T/%N%S:/etc/X11/%T/%N%S:"
    "/usr/share/X11/%L/%T/%N%C%S:/usr/share/X11/%l/%T/%N%C%S:"
    "/usr/share/X11/%T/%N%C%S:/usr/share/X11/%L/%T/%N%S:"
    "/usr/share/X11/%l/%T/%N%S:/usr/share/X11/%T/%N%S:"
    "/usr/lib/X11/%L/%T/%N%S:/usr/lib/X11/%l/%T/%N%S:/usr/lib/X11/%T/%N%S";

/* Then the directory xchatd was configured to install its file in. */
static const char our_path[] =
    APPDEFAULTDIR "/%L/%N:" APPDEFAULTDIR "/%l/%N:" APPDEFAULTDIR "/%N";

/* The locale's name and its parts, as libXt substitutes them. */
struct xrm_lang {
	char	 full[128];	/* %L: pt_BR.UTF-8 */
	char	 lang[64];	/* %l: pt */
	char	 terr[64];	/* %t: BR */
	char	 code[64];	/* %c: UTF-8 */
};

/*
 * The name the default language proc would get from setlocale(LC_ALL,
 * ""), found without leaving the locale changed: headless runs keep the
 * C locale as before.
 */
static void
lang_find(struct xrm_lang *l)
{
	char		 saved[128];
	const char	*cur, *name;
	size_t		 n;

	memset(l, 0, sizeof *l);
	cur = setlocale(LC_CTYPE, NULL);
	snprintf(saved, sizeof saved, "%s", cur != NULL ? cur : "C");
	name = setlocale(LC_CTYPE, "");
	snprintf(l->full, sizeof l->full, "%s", name != NULL ? name : "C");
	setlocale(LC_CTYPE, saved);
	n = strcspn(l->full, "_.@");
	snprintf(l->lang, sizeof l->lang, "%.*s", (int)n, l->full);
	if (l->full[n] == '_') {
		name = l->full + n + 1;
		snprintf(l->terr, sizeof l->terr, "%.*s",
		    (int)strcspn(name, ".@"), name);
	}
	if ((name = strchr(l->full, '.')) != NULL)
		snprintf(l->code, sizeof l->code, "%.*s",
		    (int)strcspn(name + 1, "@"), name + 1);
}

/* Expand one path element (%N %T %L %l %t %c; %S and %C are empty). */
static void
path_expand(const char *p, size_t len, const char *type,
    const struct xrm_lang *l, char *out, size_t outlen)
{
	const char	*sub;
	size_t		 o = 0, i, n;

	for (i = 0; i < len && o + 1 < outlen; i++) {
		if (p[i] != '%' || i + 1 == len) {
			out[o++] = p[i];
			continue;
		}
		switch (p[++i]) {
		case 'N': sub = "XChatd"; break;
		case 'T': sub = type; break;
		case 'L': sub = l->full; break;
		case 'l': sub = l->lang; break;
		case 't': sub = l->terr; break;
		case 'c': sub = l->code; break;
		case 'S': case 'C': sub = ""; break;
		default: sub = NULL; break;
		}
		if (sub == NULL)
			out[o++] = p[i];
		else {
			n = strlen(sub);
			if (n > outlen - o - 1)
				n = outlen - o - 1;
			memcpy(out + o, sub, n);
			o += n;
		}
	}
	out[o] = '\0';
}

/*
 * Merge the first readable file on path under *db (which keeps what it
 * has); false if there is none.
 */
static bool
path_combine(const char *path, const char *type, const struct xrm_lang *l,
    XrmDatabase *db)
{
	char		 file[4096];
	const char	*p = path;
	size_t		 len;

	while (*p != '\0') {
		len = strcspn(p, ":");
		path_expand(p, len, type, l, file, sizeof file);
		if (len > 0 && access(file, R_OK) == 0 &&
		    XrmCombineFileDatabase(file, db, False))
			return true;
		p += len;
		if (*p == ':')
			p++;
	}
	return false;
}

/* ~/.Xdefaults-HOST or $XENVIRONMENT, then ~/.Xdefaults. */
static void
user_combine(const char *home, XrmDatabase *db)
{
	char		 file[4096], host[256];
	const char	*env;

	if ((env = getenv("XENVIRONMENT")) == NULL) {
		if (gethostname(host, sizeof host) == -1)
			host[0] = '\0';
		host[sizeof host - 1] = '\0';
		snprintf(file, sizeof file, "%s/.Xdefaults-%s", home, host);
		env = file;
	}
	XrmCombineFileDatabase(env, db, False);
	snprintf(file, sizeof file, "%s/.Xdefaults", home);
	XrmCombineFileDatabase(file, db, False);
}

/* The user's app-defaults path, as libXt builds it. */
static void
user_path(const char *home, char *out, size_t len)
{
	const char	*dir, *env;

	if ((env = getenv("XUSERFILESEARCHPATH")) != NULL) {
		snprintf(out, len, "%s", env);
		return;
	}
	if ((dir = getenv("XAPPLRESDIR")) == NULL)
		snprintf(out, len, "%1$s/%%L/%%N%%C:%1$s/%%l/%%N%%C:"
		    "%1$s/%%N%%C:%1$s/%%N:%1$s/%%l/%%N:%1$s/%%N", home);
	else
		snprintf(out, len, "%1$s/%%L/%%N%%C:%1$s/%%l/%%N%%C:"
		    "%1$s/%%N%%C:%2$s/%%N%%C:%1$s/%%L/%%N:%1$s/%%l/%%N:"
		    "%1$s/%%N:%2$s/%%N", dir, home);
}

/* Read one resource from a database without any widget. */
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
 * Note the value each flag of argv gives its row (given[]), so that an
 * error names the flag only when the bad value came from it.
 */
static void
flags_note(int argc, char **argv)
{
	static XrmDatabase fdb;	/* given[] points into it for good */
	XrmOptionDescRec *opts, *fopts;
	char		**av;
	Cardinal	 nopts, i;
	int		 ac = argc;

	opts = srvopts_options(&nopts);
	fopts = calloc(nopts, sizeof *fopts);
	av = calloc((size_t)argc + 1, sizeof *av);
	if (fopts == NULL || av == NULL) {
		free(fopts);
		free(av);
		return;
	}
	memcpy(fopts, opts, nopts * sizeof *fopts);
	for (i = 0; i < nopts; i++)
		if (strcmp(fopts[i].option, "-xrm") == 0)
			fopts[i].argKind = XrmoptionSkipArg;
	memcpy(av, argv, (size_t)argc * sizeof *av);
	XrmParseCommand(&fdb, fopts, (int)nopts, "xchatd", &ac, av);
	for (i = 0; i < NROWS; i++)
		if (rows[i].flag != NULL && rows[i].in != NONE)
			given[i] = db_string(fdb, rows[i].name,
			    rows[i].class, NULL);
	free(fopts);
	free(av);
}

void
srvopts_load(int *argcp, char **argv, struct srv_strings *s)
{
	static XrmDatabase db;	/* s points into it for good */
	XrmOptionDescRec *opts;
	struct xrm_lang	 l;
	const char	*home, *sys;
	char		 path[8192];
	Cardinal	 nopts;
	size_t		 i;

	XrmInitialize();
	flags_note(*argcp, argv);
	opts = srvopts_options(&nopts);
	XrmParseCommand(&db, opts, (int)nopts, "xchatd", argcp, argv);
	if ((home = getenv("HOME")) == NULL)
		home = "";
	lang_find(&l);
	user_combine(home, &db);
	user_path(home, path, sizeof path);
	path_combine(path, "", &l, &db);
	if ((sys = getenv("XFILESEARCHPATH")) == NULL)
		sys = xt_default_path;
	if (!path_combine(sys, "app-defaults", &l, &db))
		path_combine(our_path, "app-defaults", &l, &db);
	for (i = 0; i < NROWS; i++) {
		if (rows[i].in == NONE)
			continue;
		*(char **)((char *)s + rows[i].in) = db_string(db,
		    rows[i].name, rows[i].class, (char *)rows[i].def);
	}
}
