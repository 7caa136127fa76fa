/*
 * test_msglog.c -- unit tests for the message log: record format,
 * escaping, the SHA-256 chain, the verifier on good, tampered, torn
 * and restarted logs, and refusal on an unwritable log.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "msglog.h"
#include "unit.h"

static char	 dir[] = "/tmp/test_msglog.XXXXXX";

static void
add(struct msglog *lg, uint64_t n, const char *verdict, const char *text,
    size_t len)
{
	struct msglog_rec r;
	char		 md5[33];

	digest_md5_hex(text, len, md5);
	memset(&r, 0, sizeof r);
	r.n = n;
	r.id = 3;
	r.nick = "rui";
	r.nicklen = 3;
	r.peer = "127.0.0.1:5555";
	r.md5_recv = strcmp(verdict, "badhash") == 0 ?
	    "00000000000000000000000000000000" : md5;
	r.md5_comp = md5;
	r.verdict = verdict;
	r.text = text;
	r.textlen = len;
	msglog_add(lg, &r);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp = fopen(path, "r");
	char	*buf = malloc(1 << 20);

	*len = fread(buf, 1, (1 << 20) - 1, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

static void
spit(const char *path, const char *buf, size_t len)
{
	FILE	*fp = fopen(path, "w");

	fwrite(buf, 1, len, fp);
	fclose(fp);
}

static int
verify(const char *path, struct msglog_verdict *v)
{
	FILE	*null = fopen("/dev/null", "w");
	int	 rc = msglog_verify(path, null, v);

	fclose(null);
	return rc;
}

static void
test_escape(void)
{
	char	 out[64], back[64];
	size_t	 n;
	long	 m;

	n = msglog_escape("a\tb\\c\x01\xff" "é", 9, out);
	out[n] = '\0';
	CHECK_STR(out, "a\\tb\\\\c\\x01\\xffé");
	m = msglog_unescape(out, n, back);
	CHECK(m == 9 && memcmp(back, "a\tb\\c\x01\xff" "é", 9) == 0);
	CHECK(msglog_unescape("\\q", 2, back) == -1);
	CHECK(msglog_unescape("\\x4", 3, back) == -1);
	CHECK(msglog_unescape("x\\", 2, back) == -1);
}

static void
test_write_verify(void)
{
	struct msglog	*lg;
	struct msglog_verdict v;
	char		 path[256], bad[256], err[256], *buf, *p;
	size_t		 len;
	int		 e;

	snprintf(path, sizeof path, "%s/log.txt", dir);
	lg = msglog_open(path, err, sizeof err);
	CHECK(lg != NULL && err[0] == '\0');
	msglog_begin(lg);
	add(lg, 1, "accepted", "Olá, tudo bem?", strlen("Olá, tudo bem?"));
	add(lg, 2, "accepted", "tab\tand \\ backslash", 19);
	add(lg, 0, "badhash", "forged", 6);
	add(lg, 0, "badtext", "bell\a\xff", 6);
	CHECK(msglog_commit(lg, &e) == 4 && e == 0);
	msglog_close(lg);

	buf = slurp(path, &len);
	CHECK(strstr(buf, "\t1\t3\trui\t127.0.0.1:5555\t") != NULL);
	CHECK(strstr(buf, "\taccepted\tOlá, tudo bem?\t") != NULL);
	CHECK(strstr(buf, "\ttab\\tand \\\\ backslash\t") != NULL);
	CHECK(strstr(buf, "\tbell\\x07\\xff\t") != NULL);
	CHECK(verify(path, &v) == 0 && v.records == 4 && v.good == 4);

	/* A restarted server goes on with the chain. */
	lg = msglog_open(path, err, sizeof err);
	CHECK(lg != NULL && err[0] == '\0');
	add(lg, 1, "accepted", "again", 5);
	CHECK(msglog_commit(lg, &e) == 1);
	msglog_close(lg);
	CHECK(verify(path, &v) == 0 && v.records == 5 && v.good == 5);
	free(buf);

	/* Altered text: that record is bad, the others still good. */
	buf = slurp(path, &len);
	snprintf(bad, sizeof bad, "%s/bad.txt", dir);
	p = strstr(buf, "tudo bem");
	p[0] = 'T';
	spit(bad, buf, len);
	CHECK(verify(bad, &v) == 1 && v.bad == 1 && v.good == 4);
	p[0] = 't';

	/* A removed record breaks the chain of the next one. */
	p = strchr(buf, '\n') + 1;
	{
		char	*q = strchr(p, '\n') + 1;

		memmove(p, q, len - (size_t)(q - buf) + 1);
		spit(bad, buf, strlen(buf));
		CHECK(verify(bad, &v) == 1 && v.bad == 1 && v.good == 3);
	}
	free(buf);

	/* A torn last line is reported apart, not as tampering. */
	buf = slurp(path, &len);
	spit(bad, buf, len - 10);
	CHECK(verify(bad, &v) == 0 && v.torn && v.records == 4);
	/* and a server opening it cuts the torn line and goes on. */
	lg = msglog_open(bad, err, sizeof err);
	CHECK(lg != NULL && strstr(err, "incomplete") != NULL);
	add(lg, 9, "accepted", "after", 5);
	CHECK(msglog_commit(lg, &e) == 1);
	msglog_close(lg);
	CHECK(verify(bad, &v) == 0 && !v.torn && v.records == 5);
	free(buf);
	CHECK(verify("/nonexistent/log", &v) == 2);
}

static void
test_unwritable(void)
{
	struct msglog	*lg;
	char		 err[256];
	int		 e;

	/* /dev/full takes nothing: the batch is refused, nothing lost. */
	lg = msglog_open("/dev/full", err, sizeof err);
	if (lg == NULL) {
		fprintf(stderr, "no /dev/full here: %s\n", err);
		return;
	}
	add(lg, 1, "accepted", "x", 1);
	CHECK(msglog_commit(lg, &e) == 0 && e != 0);
	msglog_close(lg);
	CHECK(msglog_open("/nonexistent/dir/log", err, sizeof err) == NULL);
	CHECK(strstr(err, "cannot open") != NULL);
}

int
main(void)
{
	char	 cmd[300];
	int	 rc;

	if (mkdtemp(dir) == NULL)
		return 99;
	CHECK(digest_init() == NULL);
	test_escape();
	test_write_verify();
	test_unwritable();
	rc = unit_done("test_msglog");
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 99;
	return rc;
}
