/*
 * test_links.c -- links found in text (where they begin and end, the
 * punctuation after them), the argument vector of urlCommand for
 * hostile links (quotes, $(), ;, a newline, a leading '-': each stays
 * one argument, nothing is interpreted), and links_run() running a
 * program with exactly those arguments, without a shell.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "links.h"
#include "unit.h"

/* The link covering byte at in s, or "" for none. */
static char *
found(const char *s, size_t at)
{
	static char	 buf[512];
	size_t		 b, e;

	if (!links_find(s, strlen(s), at, &b, &e))
		return "";
	snprintf(buf, sizeof buf, "%.*s", (int)(e - b), s + b);
	return buf;
}

static void
test_find(void)
{
	const char	*s = "see http://a.test/x, and (https://b.test/w_(1)).";

	CHECK_STR(found(s, 4), "http://a.test/x");
	CHECK_STR(found(s, 18), "http://a.test/x");
	CHECK_STR(found(s, 19), "");		/* the comma */
	CHECK_STR(found(s, 0), "");
	CHECK_STR(found(s, 30), "https://b.test/w_(1)");
	CHECK_STR(found("FTP://up.test/f.txt.", 3), "FTP://up.test/f.txt");
	CHECK_STR(found("xhttp://no.test", 3), "");
	CHECK_STR(found("http://", 2), "");
	CHECK_STR(found("http:// x", 2), "");
	CHECK_STR(found("<http://a.test/q?a=1&b=2>", 5),
	    "http://a.test/q?a=1&b=2");
	CHECK_STR(found("\"http://a.test/\"x", 3), "http://a.test/");
	CHECK_STR(found("http://a.test/it's", 3), "http://a.test/it's");
	CHECK_STR(found("http://a.test/ação!", 3), "http://a.test/ação");
	CHECK_STR(found("a http://1.test b http://2.test", 20),
	    "http://2.test");
	CHECK_STR(found("http://a.test/$(rm${IFS}-rf)'", 3),
	    "http://a.test/$(rm${IFS}-rf)");
}

static int
argc_of(char **v)
{
	int	 n = 0;

	while (v[n] != NULL)
		n++;
	return n;
}

static void
test_argv(void)
{
	static const char *const hostile[] = {
		"http://a.test/'\"; rm -rf ~; echo \"'",
		"http://a.test/$(touch /tmp/pwned)`id`",
		"http://a.test/x\nrm -rf /",
		"-oProxyCommand=touch /tmp/pwned",
		"http://a.test/%u%%",
	};
	char	**v;
	size_t	 i;

	for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		v = links_argv("xdg-open %u", hostile[i]);
		CHECK(v != NULL && argc_of(v) == 2);
		CHECK_STR(v[0], "xdg-open");
		CHECK_STR(v[1], hostile[i]);
		links_argv_free(v);
		/* No %u: the link is the last argument, still one. */
		v = links_argv("  firefox\t--new-tab  ", hostile[i]);
		CHECK(v != NULL && argc_of(v) == 3);
		CHECK_STR(v[1], "--new-tab");
		CHECK_STR(v[2], hostile[i]);
		links_argv_free(v);
	}
	v = links_argv("open --url=%u --x=%%u %u", "http://q.test/");
	CHECK(v != NULL && argc_of(v) == 4);
	CHECK_STR(v[1], "--url=http://q.test/");
	CHECK_STR(v[2], "--x=%u");
	CHECK_STR(v[3], "http://q.test/");
	links_argv_free(v);
	CHECK(links_argv("", "http://q.test/") == NULL);
	CHECK(links_argv(" \t ", "http://q.test/") == NULL);
}

/* links_run: a script writes its arguments; no shell sees the link. */
static void
test_run(void)
{
	char		 dir[] = "/tmp/test_links.XXXXXX", script[256], out[256],
			 canary[256], url[1024], buf[2048], want[2200],
			*args[4];
	FILE		*fp;
	size_t		 n = 0;
	int		 i;
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };

	if (mkdtemp(dir) == NULL) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(script, sizeof script, "%s/args.sh", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(canary, sizeof canary, "%s/pwned", dir);
	fp = fopen(script, "w");
	fprintf(fp, "#!/bin/sh\nfor a in \"$@\"; do printf '%%s|' \"$a\"; "
	    "done > %s.tmp\nmv %s.tmp %s\n", out, out, out);
	fclose(fp);
	chmod(script, 0700);
	snprintf(url, sizeof url, "http://a.test/'$(touch %s)';touch %s;`touch"
	    " %s`\n-x", canary, canary, canary);
	args[0] = script;
	args[1] = "--open";
	args[2] = url;
	args[3] = NULL;
	CHECK(links_run(args) == 0);
	for (i = 0; i < 500 && access(out, F_OK) != 0; i++)
		nanosleep(&ts, NULL);
	if ((fp = fopen(out, "r")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	snprintf(want, sizeof want, "--open|%s|", url);
	CHECK_STR(buf, want);
	CHECK(access(canary, F_OK) != 0);
	snprintf(want, sizeof want, "rm -rf '%s'", dir);
	if (system(want) != 0)
		CHECK(!"rm");
}

int
main(void)
{
	test_find();
	test_argv();
	test_run();
	return unit_done("test_links");
}
