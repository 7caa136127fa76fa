/*
 * cliopts.c -- xchat's option table and what is derived from it: the
 * XtResource and XrmOptionDescRec lists, -help and the checks.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <X11/Intrinsic.h>
#include <X11/StringDefs.h>

#include "cliopts.h"
#include "keys.h"
#include "netio.h"
#include "nickrules.h"
#include "opthelp.h"
#include "protocol.h"

/* How a row's string is checked. */
enum cli_kind {
	CK_TEXT,	/* a non-empty string */
	CK_ANY,		/* any string */
	CK_PORT,	/* empty, or a TCP port */
	CK_TRANSPORT,	/* auto, tls or plain */
	CK_FP,		/* empty, or a key fingerprint */
	CK_NICK,	/* empty, or a nick the protocol accepts */
	CK_BOOL,	/* true or false (yes, no, on, off) */
	CK_COUNT	/* a whole number from lo to hi */
};

#define IN(f)	offsetof(struct cli_strings, f)
#define OUT(f)	offsetof(struct cli_options, f)

static const struct opt_row rows[] = {
	{ "-host", "HOST", "host", "Host", "127.0.0.1", NULL, CK_TEXT, 0, 0,
	  IN(host), OUT(host), "server's host name or address; or a "
	  "cluster's, a,b:PORT,c: the next after a lost connection", NULL,
	  NULL },
	{ "-port", "N", "port", "Port", "", "12345, or 12346 with TLS",
	  CK_PORT, 0, 0,
	  IN(port), OUT(port), "server's TCP port", NULL, NULL },
	{ "-nick", "NICK", "nick", "Nick", "", "none: keep the server's "
	  "user<id>", CK_NICK, 0, 0, IN(nick), OUT(nick),
	  "nick to ask for on each connect", NULL, NULL },
	{ "-logfile", "FILE", "logFile", "LogFile", "",
	  "~/.xchat/logs/HOST-PORT.log",
	  CK_ANY, 0, 0, IN(logfile), OUT(logfile),
	  "the client's own message log, or none", NULL, NULL },
	{ "-savelines", "N", "saveLines", "SaveLines", "5000", NULL,
	  CK_COUNT, 10, 10000000, IN(savelines), OUT(save_lines),
	  "transcript lines kept", NULL, NULL },
	{ NULL, NULL, "userListMax", "UserListMax", "2000", NULL, CK_COUNT,
	  10, 1000000, IN(userlistmax), OUT(user_list_max),
	  "users shown in the list at most (a last item counts the rest)",
	  NULL, NULL },
	{ NULL, NULL, "flushInterval", "FlushInterval", "50", NULL, CK_COUNT,
	  1, 10000, IN(flushinterval), OUT(flush_ms),
	  "milliseconds between batched transcript updates", NULL, NULL },
	{ "-pinginterval", "SECS", "pingInterval", "PingInterval", "30", NULL,
	  CK_COUNT, 1, 86400, IN(pinginterval), OUT(ping_interval),
	  "silence before pinging the server", NULL, NULL },
	{ "-pingtimeout", "SECS", "pingTimeout", "PingTimeout", "15", NULL,
	  CK_COUNT, 1, 86400, IN(pingtimeout), OUT(ping_timeout),
	  "wait for its PONG before reconnecting", NULL, NULL },
	{ NULL, NULL, "connectTimeout", "ConnectTimeout", "15", NULL,
	  CK_COUNT, 1, 86400, IN(connecttimeout), OUT(connect_timeout),
	  "seconds for connecting and the server's greeting", NULL, NULL },
	{ "-tls", NULL, "transport", "Transport", "", NULL, CK_TRANSPORT,
	  0, 0, OPT_NONE, 0, "connect over TLS (the default unless the "
	  "host is loopback)", NULL, "tls" },
	{ "-plain", NULL, "transport", "Transport", "", NULL, CK_TRANSPORT,
	  0, 0, OPT_NONE, 0, "connect over plain TCP (the default for a "
	  "loopback host)", NULL, "plain" },
	{ NULL, NULL, "transport", "Transport", "auto", NULL, CK_TRANSPORT,
	  0, 0, IN(transport), OUT(transport),
	  "auto (TLS unless the host is loopback), tls or plain", NULL,
	  NULL },
	{ "-trust", "KEY", "trust", "Trust", "", NULL, CK_FP, 0, 0,
	  IN(trust), OUT(trust), "accept the server only with this key "
	  "(sha256:...), without asking", NULL, NULL },
	{ "-key", "FILE", "keyFile", "KeyFile", "", "~/.xchat/key.pem",
	  CK_ANY, 0, 0, IN(keyfile), OUT(keyfile), "your key (Ed25519, "
	  "PEM) and its certificate, in one file; the default one is made "
	  "on first start", NULL, NULL },
	{ "-anonymous", NULL, "anonymous", "Anonymous", "false", NULL,
	  CK_BOOL, 0, 0, IN(anonymous), OUT(anonymous),
	  "connect without your key: nothing you send is signed", NULL,
	  NULL },
	{ "-fingerprint", NULL, "fingerprint", "Fingerprint", "false", NULL,
	  CK_BOOL, 0, 0, IN(fingerprint), OUT(fingerprint),
	  "print your key's fingerprint (making the key if there is none) "
	  "and exit", NULL, NULL },
	{ NULL, NULL, "urlCommand", "UrlCommand", "xdg-open %u", NULL,
	  CK_ANY, 0, 0, IN(urlcommand), OUT(url_command),
	  "the command a click on a link runs: words split at blanks, %u "
	  "the link as one argument (no shell); empty: links do nothing",
	  NULL, NULL },
	{ "-dumpfile", "FILE", "dumpFile", "DumpFile", "", NULL, CK_ANY, 0, 0,
	  IN(dumpfile), OUT(dumpfile),
	  "on SIGUSR1, write the window's state there (for tests)", NULL,
	  NULL },
};
#define NROWS	(sizeof rows / sizeof rows[0])

static XtResource	 xt_resources[NROWS];
static XrmOptionDescRec	 xrm_options[NROWS];
static Cardinal		 n_options;
static char		 specifiers[NROWS][64];

XtResource *
cliopts_resources(Cardinal *n)
{
	static Cardinal	 nres;

	if (nres == 0)
		nres = opthelp_resources(rows, NROWS, xt_resources);
	*n = nres;
	return xt_resources;
}

XrmOptionDescRec *
cliopts_options(Cardinal *n)
{
	if (n_options == 0)
		n_options = opthelp_options(rows, NROWS, xrm_options,
		    specifiers);
	*n = n_options;
	return xrm_options;
}

static const char usage_head[] =
"usage: xchat [-option ...]\n"
"The xchat client: talk through an xchatd server in a Motif window.\n"
"Options (each sets the X resource in brackets, class XChat):\n";

static const char usage_tail[] =
"  -help                print this text and exit\n"
"  -version             print the version and exit\n"
"The standard X Toolkit options work too: -display, -geometry, -name,\n"
"-title, -iconic, -bg, -fg, -xrm 'XChat*resource: value', ...\n"
"In the window: Enter sends; Up/Down walk the input history; Ctrl+F\n"
"finds; /nick NAME, /msg NICK [TEXT] (a private window), /me TEXT,\n"
"/away [REASON], /back, /quit [TEXT]; /help lists them.  See xchat(1).\n"
"Exit status: 0 normal end, 1 no display or another run-time error,\n"
"2 a bad option or resource value.\n";

void
cliopts_usage(FILE *fp)
{
	char	 text[512];
	size_t	 i;

	fputs(usage_head, fp);
	opthelp_usage(fp, rows, NROWS);
	fputs(usage_tail, fp);
	fputs("Resources without an option (set with -xrm):\n", fp);
	for (i = 0; i < NROWS; i++) {
		if (rows[i].flag != NULL)
			continue;
		snprintf(text, sizeof text, "%s (default\001%s)",
		    rows[i].help, rows[i].def);
		opthelp_row(fp, rows[i].name, NULL, text);
	}
	fputs("Report bugs to <" PACKAGE_BUGREPORT ">.\n", fp);
}

/* Check s against row r, store its value at out; else say why. */
static bool
cli_check_row(const struct opt_row *r, const char *s, char *out, char *why,
    size_t whylen)
{
	unsigned long	 v;
	char		*end;

	if (r->kind == CK_BOOL) {
		snprintf(why, whylen, "want true or false");
		if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 ||
		    strcasecmp(s, "on") == 0)
			*(bool *)out = true;
		else if (strcasecmp(s, "false") == 0 ||
		    strcasecmp(s, "no") == 0 || strcasecmp(s, "off") == 0)
			*(bool *)out = false;
		else
			return false;
		return true;
	}
	if (r->kind != CK_COUNT)
		*(const char **)out = s;
	switch (r->kind) {
	case CK_TEXT:
		snprintf(why, whylen, "empty");
		return *s != '\0';
	case CK_ANY:
		return true;
	case CK_PORT:
		snprintf(why, whylen, "want a number from 1 to 65535");
		return *s == '\0' || netio_port_valid(s);
	case CK_TRANSPORT:
		snprintf(why, whylen, "want auto, tls or plain");
		return strcmp(s, "auto") == 0 || strcmp(s, "tls") == 0 ||
		    strcmp(s, "plain") == 0;
	case CK_FP:
		snprintf(why, whylen, "want sha256: and 64 hex digits");
		return *s == '\0' || keys_fp_parse(s, NULL);
	case CK_NICK:
		snprintf(why, whylen, "1 to 32 bytes of UTF-8, no spaces, "
		    "no ':', no invisible characters");
		return *s == '\0' || nick_valid(s, strlen(s));
	case CK_COUNT:
	case CK_BOOL:
		break;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 ||
	    v < r->lo || v > r->hi) {
		snprintf(why, whylen, "want a whole number from %.0f to %.0f",
		    r->lo, r->hi);
		return false;
	}
	*(unsigned *)out = (unsigned)v;
	return true;
}

void
cliopts_cmdline(int *argcp, char **argv, struct cli_strings *s)
{
	static XrmDatabase	 db;	/* s points into it for good */
	XrmOptionDescRec	*opts;
	Cardinal		 nopts;
	char			 name[128], class[128], *type;
	XrmValue		 v;
	size_t			 i;

	XrmInitialize();
	opts = cliopts_options(&nopts);
	XrmParseCommand(&db, opts, (int)nopts, "xchat", argcp, argv);
	for (i = 0; i < NROWS; i++) {
		if (rows[i].in == OPT_NONE)
			continue;
		snprintf(name, sizeof name, "xchat.%s", rows[i].name);
		snprintf(class, sizeof class, "XChat.%s", rows[i].class);
		*(const char **)((char *)s + rows[i].in) = db != NULL &&
		    XrmGetResource(db, name, class, &type, &v) ?
		    (const char *)v.addr : rows[i].def;
	}
}

bool
cliopts_check(const struct cli_strings *s, struct cli_options *o,
    char *err, size_t errlen)
{
	const char	*v;
	char		 why[96];
	size_t		 i;

	memset(o, 0, sizeof *o);
	for (i = 0; i < NROWS; i++) {
		if (rows[i].in == OPT_NONE)
			continue;
		v = *(char *const *)((const char *)s + rows[i].in);
		if (v == NULL)
			v = "";
		if (!cli_check_row(&rows[i], v, (char *)o + rows[i].out, why,
		    sizeof why)) {
			snprintf(err, errlen, "invalid %s%s%s%s \"%s\": %s",
			    rows[i].name, rows[i].flag != NULL ? " (" : "",
			    rows[i].flag != NULL ? rows[i].flag : "",
			    rows[i].flag != NULL ? ")" : "", v, why);
			return false;
		}
	}
	return true;
}
