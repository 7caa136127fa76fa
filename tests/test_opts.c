/*
 * test_opts.c -- the option tables of xchatd (srvopts.c) and xchat
 * (cliopts.c): the lists derived from them, the defaults, the checks
 * and their one-line errors, -help, and a headless load of argv.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliopts.h"
#include "srvopts.h"
#include "unit.h"

/* Fill a strings struct with each resource's default. */
static void
defaults_fill(XtResource *res, Cardinal n, void *strings)
{
	Cardinal	 i;

	for (i = 0; i < n; i++)
		*(char **)((char *)strings + res[i].resource_offset) =
		    (char *)res[i].default_addr;
}

/* The error srvopts_check gives with name set to value, or "ok". */
static const char *
srv_error(const char *name, char *value)
{
	static char		 err[256];
	struct srv_strings	 s;
	struct srv_options	 o;
	XtResource		*res;
	Cardinal		 n, i;

	res = srvopts_resources(&n);
	defaults_fill(res, n, &s);
	for (i = 0; i < n; i++)
		if (strcmp(res[i].resource_name, name) == 0)
			*(char **)((char *)&s + res[i].resource_offset) =
			    value;
	if (srvopts_check(&s, &o, err, sizeof err))
		return "ok";
	return err;
}

static const char *
cli_error(const char *name, char *value)
{
	static char		 err[256];
	struct cli_strings	 s;
	struct cli_options	 o;
	XtResource		*res;
	Cardinal		 n, i;

	res = cliopts_resources(&n);
	defaults_fill(res, n, &s);
	for (i = 0; i < n; i++)
		if (strcmp(res[i].resource_name, name) == 0)
			*(char **)((char *)&s + res[i].resource_offset) =
			    value;
	if (cliopts_check(&s, &o, err, sizeof err))
		return "ok";
	return err;
}

static void
test_server_table(void)
{
	struct srv_strings	 s;
	struct srv_options	 o;
	XrmOptionDescRec	*opt;
	XtResource		*res;
	Cardinal		 n, i;
	char			 err[256];

	res = srvopts_resources(&n);
	CHECK(n == sizeof s / sizeof(char *));
	defaults_fill(res, n, &s);
	CHECK(srvopts_check(&s, &o, err, sizeof err));
	CHECK_STR(o.listen, "127.0.0.1");
	CHECK_STR(o.port, "12345");
	CHECK_STR(o.logfile, "mensagens_log.txt");
	CHECK(o.hub.maxclients == 1000 && o.hub.history == 20);
	CHECK(o.hub.floodrate == 20 && o.hub.floodkick == 500);
	CHECK(o.hub.slowlimit == 1048576);
	CHECK(o.hub.outbudget == 64 * 1048576);
	CHECK(o.hub.ping_interval == 60000 && o.hub.ping_timeout == 30000);
	CHECK(!o.headless && !o.debug && o.verifylog == NULL);

	opt = srvopts_options(&n);
	CHECK_STR(opt[n - 1].option, "-xrm");
	for (i = 0; i < n; i++)
		if (strcmp(opt[i].option, "-headless") == 0)
			CHECK(opt[i].argKind == XrmoptionNoArg);
		else if (strcmp(opt[i].option, "-history") == 0)
			CHECK_STR(opt[i].specifier, "*history");

	CHECK_STR(srv_error("port", "x"),
	    "resource port (-port): 'x' is not a port number (1-65535)");
	CHECK_STR(srv_error("listenAddress", ""),
	    "resource listenAddress (-listen): '' is not an address");
	CHECK_STR(srv_error("history", "-1"),
	    "resource history (-history): '-1' is not a number from 0 to "
	    "100000");
	CHECK_STR(srv_error("slowLimit", "8k"), "ok");
	CHECK_STR(srv_error("slowLimit", "4g"), "ok");
	CHECK_STR(srv_error("slowLimit", "5g"), "resource slowLimit "
	    "(-slowlimit): '5g' is not a "
	    "size from 8192 bytes to 4G (suffix k, m or g)");
	CHECK_STR(srv_error("outBudget", "0"), "ok");
	CHECK_STR(srv_error("outBudget", "1024g"), "ok");
	CHECK_STR(srv_error("outBudget", "1025g"), "resource outBudget "
	    "(-outbudget): '1025g' is "
	    "not a size from 0 (no limit) to 1024G (suffix k, m or g)");
	CHECK_STR(srv_error("pingTimeout", "0.05"), "resource pingTimeout "
	    "(-pingtimeout): '0.05' "
	    "is not a number of seconds from 0.1 to 86400");
	CHECK_STR(srv_error("floodRate", "2.5"), "ok");
	CHECK_STR(srv_error("headless", "yes"), "ok");
	CHECK_STR(srv_error("saveLines", "zz"), "resource saveLines "
	    "(-savelines): 'zz' is not a number from 1 to 10000000");
	CHECK_STR(srv_error("debug", "maybe"),
	    "resource debug (-debug): 'maybe' is not true or false");
}

static void
test_client_table(void)
{
	struct cli_strings	 s;
	struct cli_options	 o;
	XtResource		*res;
	Cardinal		 n;
	char			 err[256];

	res = cliopts_resources(&n);
	CHECK(n == sizeof s / sizeof(String));
	defaults_fill(res, n, &s);
	CHECK(cliopts_check(&s, &o, err, sizeof err));
	CHECK_STR(o.host, "127.0.0.1");
	CHECK_STR(o.nick, "");
	CHECK(o.save_lines == 5000 && o.flush_ms == 50);
	CHECK(o.ping_interval == 30 && o.ping_timeout == 15);
	CHECK(o.connect_timeout == 15);
	CHECK_STR(o.port, "");			/* by transport */
	CHECK_STR(o.transport, "auto");
	CHECK_STR(o.trust, "");
	CHECK_STR(o.keyfile, "");		/* ~/.xchat/key.pem */
	CHECK(!o.anonymous && !o.fingerprint);
	cliopts_options(&n);
	CHECK(n == 14);
	CHECK_STR(cli_error("anonymous", "yes"), "ok");
	CHECK_STR(cli_error("anonymous", "maybe"), "invalid anonymous "
	    "(-anonymous) "
	    "\"maybe\": want true or false");

	CHECK_STR(cli_error("transport", "tls"), "ok");
	CHECK_STR(cli_error("transport", "ssl"), "invalid transport \"ssl\": "
	    "want auto, tls or plain");
	CHECK_STR(cli_error("trust", "sha256:00"), "invalid trust (-trust) "
	    "\"sha256:00\": want sha256: and 64 hex digits");

	CHECK_STR(cli_error("host", ""), "invalid host (-host) \"\": empty");
	CHECK_STR(cli_error("port", "0"),
	    "invalid port (-port) \"0\": want a number from 1 to 65535");
	CHECK_STR(cli_error("nick", "a b"), "invalid nick (-nick) \"a b\": "
	    "1 to 32 "
	    "bytes of UTF-8, no spaces, no ':', no invisible characters");
	CHECK_STR(cli_error("nick", "ana"), "ok");
	CHECK_STR(cli_error("nick", "an\xe2\x80\x8b" "a"), "invalid nick "
	    "(-nick) "
	    "\"an\xe2\x80\x8b" "a\": 1 to 32 bytes of UTF-8, no spaces, "
	    "no ':', no invisible characters");
	CHECK_STR(cli_error("saveLines", "9"), "invalid saveLines "
	    "(-savelines) \"9\": "
	    "want a whole number from 10 to 10000000");
	CHECK_STR(cli_error("connectTimeout", "x"), "invalid connectTimeout "
	    "\"x\": want a whole number from 1 to 86400");
}

/* -help names every resource that has an option, with its default. */
static void
test_usage(void)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	srvopts_usage(fp);
	fclose(fp);
	CHECK(strstr(buf, "  -port N              TCP port [port] "
	    "(default 12345)\n") != NULL);
	CHECK(strstr(buf, "[slowLimit] (default 1m)") != NULL);
	CHECK(strstr(buf, "[verifyLog]") != NULL);
	free(buf);

	fp = open_memstream(&buf, &len);
	cliopts_usage(fp);
	fclose(fp);
	CHECK(strstr(buf, "  -savelines N         transcript lines kept "
	    "[saveLines] (default 5000)\n") != NULL);
	CHECK(strstr(buf, "  flushInterval ") != NULL);
	CHECK(strstr(buf, "-version") != NULL);
	free(buf);
}

/* Options are taken from argv; what is unknown is left there. */
static void
test_load(void)
{
	struct srv_strings	 s;
	char			*argv[] = { "xchatd", "-history", "7", "-bogus",
				    "-xrm", "xchatd.port: 4000", NULL };
	int			 argc = 6;

	setenv("HOME", "/nonexistent", 1);
	setenv("XAPPLRESDIR", "/nonexistent", 1);
	setenv("XFILESEARCHPATH", "/nonexistent/%N", 1);
	unsetenv("XENVIRONMENT");
	unsetenv("XUSERFILESEARCHPATH");
	srvopts_load(&argc, argv, &s);
	CHECK_STR(s.history, "7");
	CHECK_STR(s.port, "4000");
	CHECK_STR(s.listen, "127.0.0.1");
	CHECK(argc == 2);
	CHECK_STR(argv[1], "-bogus");
}

/*
 * The error names the flag only when the bad value came from it.  The
 * database of srvopts_load lives on: -port and -history of test_load
 * are still set, below the tight xchatd.port of its -xrm.
 */
static void
test_load_source(void)
{
	struct srv_strings	 s;
	struct srv_options	 o;
	char			 err[256];
	char			*av1[] = { "xchatd", "-history", "zz", NULL };
	char			*av2[] = { "xchatd", "-xrm", "xchatd.port: 0",
				    NULL };
	int			 argc = 3;

	srvopts_load(&argc, av1, &s);
	CHECK(!srvopts_check(&s, &o, err, sizeof err));
	CHECK_STR(err, "-history: 'zz' is not a number from 0 to 100000");
	argc = 3;
	srvopts_load(&argc, av2, &s);
	CHECK(!srvopts_check(&s, &o, err, sizeof err));
	CHECK_STR(err, "resource port (-port): '0' is not a port number "
	    "(1-65535)");
}

/*
 * -xrm 'XChat*name: value', the form xchat -help shows, overrides
 * every option resource of the app-defaults file (a tight
 * "XChat.name" there would win over it and hide a bad value).
 */
static void
test_client_appdefaults(void)
{
	XrmDatabase	 db;
	XtResource	*res;
	Cardinal	 n, i;
	XrmValue	 v;
	char		 file[4096], line[256], name[128], class[128];
	char		*type;
	const char	*src = getenv("srcdir");

	snprintf(file, sizeof file, "%s/resources/XChat",
	    src != NULL ? src : ".");
	db = XrmGetFileDatabase(file);
	CHECK(db != NULL);
	if (db == NULL)
		return;
	res = cliopts_resources(&n);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof line, "XChat*%s: zz",
		    res[i].resource_name);
		XrmPutLineResource(&db, line);
		snprintf(name, sizeof name, "xchat.%s", res[i].resource_name);
		snprintf(class, sizeof class, "XChat.%s",
		    res[i].resource_class);
		CHECK(XrmGetResource(db, name, class, &type, &v));
		if (strcmp(v.addr, "zz") != 0)
			printf("  XChat*%s: zz is overridden by \"%s\"\n",
			    res[i].resource_name, (char *)v.addr);
		CHECK_STR(v.addr, "zz");
	}
	XrmDestroyDatabase(db);
}

int
main(void)
{
	test_server_table();
	test_client_table();
	test_usage();
	test_load();
	test_load_source();
	test_client_appdefaults();
	return unit_done("test_opts");
}
