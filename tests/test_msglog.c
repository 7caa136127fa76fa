/*
 * test_msglog.c -- unit tests for the message log: record format,
 * escaping, the SHA-256 chain, the verifier on good, tampered, torn
 * and restarted logs, and refusal on an unwritable log; cut rejection
 * texts, "rejects" summaries, message numbers, and chain segments
 * (reopen, a file shrunk, grown, deleted or replaced behind the log's
 * back) with the links between rotated files.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
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

	/* A restarted server goes on with the chain, numbering from 1. */
	lg = msglog_open(path, err, sizeof err);
	CHECK(lg != NULL && err[0] == '\0');
	add(lg, 0, "start", "xchatd started", 14);
	add(lg, 1, "accepted", "again", 5);
	CHECK(msglog_commit(lg, &e) == 2);
	msglog_close(lg);
	CHECK(verify(path, &v) == 0 && v.records == 6 && v.good == 6);
	free(buf);

	/* Altered text: that record is bad, the others still good. */
	buf = slurp(path, &len);
	snprintf(bad, sizeof bad, "%s/bad.txt", dir);
	p = strstr(buf, "tudo bem");
	p[0] = 'T';
	spit(bad, buf, len);
	CHECK(verify(bad, &v) == 1 && v.bad == 1 && v.good == 5);
	p[0] = 't';

	/* A removed record breaks the chain of the next one. */
	p = strchr(buf, '\n') + 1;
	{
		char	*q = strchr(p, '\n') + 1;

		memmove(p, q, len - (size_t)(q - buf) + 1);
		spit(bad, buf, strlen(buf));
		CHECK(verify(bad, &v) == 1 && v.bad == 1 && v.good == 4);
	}
	free(buf);

	/* A torn last line is reported apart, not as tampering. */
	buf = slurp(path, &len);
	spit(bad, buf, len - 10);
	CHECK(verify(bad, &v) == 0 && v.torn && v.records == 5);
	/* and a server opening it cuts the torn line and goes on. */
	lg = msglog_open(bad, err, sizeof err);
	CHECK(lg != NULL && strstr(err, "incomplete") != NULL);
	add(lg, 9, "accepted", "after", 5);
	CHECK(msglog_commit(lg, &e) == 1);
	msglog_close(lg);
	CHECK(verify(bad, &v) == 0 && !v.torn && v.records == 6);
	free(buf);
	CHECK(verify("/nonexistent/log", &v) == 2);
}

/* A long rejected text is cut, with its length; it still verifies. */
static void
test_cut_rejects(void)
{
	struct msglog	*lg;
	struct msglog_verdict v;
	struct msglog_rec r;
	struct msglog_count c[3] = {
		{ "badhash", 3 }, { "flood", 0 }, { "badtext", 2 }
	};
	char		 path[256], err[256], text[1000], md5[33], *buf;
	size_t		 len;
	int		 e;

	snprintf(path, sizeof path, "%s/cut.txt", dir);
	memset(text, 1, sizeof text);
	digest_md5_hex(text, sizeof text, md5);
	lg = msglog_open(path, err, sizeof err);
	CHECK(lg != NULL);
	memset(&r, 0, sizeof r);
	r.id = 4;
	r.nick = "eve";
	r.nicklen = 3;
	r.peer = "127.0.0.1:1";
	r.md5_comp = md5;
	r.verdict = "badtext";
	r.text = text;
	r.textlen = sizeof text;
	r.cut = MSGLOG_CUT;
	msglog_add(lg, &r);
	msglog_add_rejects(lg, &r, 5000, c, 3);
	CHECK(msglog_commit(lg, &e) == 2 && e == 0);
	msglog_close(lg);
	buf = slurp(path, &len);
	/* 50 bytes as \x01 make 200; then the length. */
	CHECK(strstr(buf, "\tbadtext\t\\x01") != NULL);
	CHECK(strstr(buf, "\\x01\\c1000\t") != NULL);
	CHECK(strstr(buf, "\trejects\tcount=5 bytes=5000 badhash=3 "
	    "badtext=2\t") != NULL);
	CHECK(len < 800);
	CHECK(verify(path, &v) == 0 && v.good == 2);
	free(buf);
}

/* Message numbers only go up within a run (until a start record). */
static void
test_numbers(void)
{
	struct msglog	*lg;
	struct msglog_verdict v;
	char		 path[256], err[256];
	int		 e;

	snprintf(path, sizeof path, "%s/numbers.txt", dir);
	lg = msglog_open(path, err, sizeof err);
	add(lg, 1, "accepted", "um", 2);
	add(lg, 2, "accepted", "dois", 4);
	add(lg, 0, "start", "again", 5);
	add(lg, 1, "accepted", "um", 2);
	add(lg, 3, "accepted", "tres", 4);
	add(lg, 3, "accepted", "tres", 4);
	add(lg, 2, "accepted", "dois", 4);
	add(lg, 4, "accepted", "quatro", 6);
	CHECK(msglog_commit(lg, &e) == 8);
	msglog_close(lg);
	CHECK(verify(path, &v) == 1 && v.bad == 2 && v.good == 6);
}

static int	 changes[8];

static void
count_change(void *arg, enum msglog_change what, const char *detail)
{
	(void)arg;
	(void)detail;
	changes[what]++;
}

static off_t
size_of(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* SIGHUP after a rename: two files that verify alone and together. */
static void
test_reopen(void)
{
	struct msglog	*lg;
	struct msglog_verdict v;
	char		 path[256], old[256], err[256];
	const char	*pair[2];
	FILE		*null;
	int		 e;

	snprintf(path, sizeof path, "%s/rot.txt", dir);
	snprintf(old, sizeof old, "%s/rot.txt.1", dir);
	lg = msglog_open(path, err, sizeof err);
	msglog_set_notify(lg, count_change, NULL);
	add(lg, 1, "accepted", "antes", 5);
	CHECK(msglog_commit(lg, &e) == 1);
	CHECK(msglog_reopen(lg, err, sizeof err) == 0);
	CHECK(changes[MSGLOG_SAME] == 1 && changes[MSGLOG_REOPENED] == 0);
	CHECK(msglog_commit(lg, &e) == 0 && size_of(path) > 0);
	CHECK(rename(path, old) == 0);
	add(lg, 2, "accepted", "renomeado", 9);
	CHECK(msglog_commit(lg, &e) == 1 && changes[MSGLOG_RENAMED] == 1);
	CHECK(size_of(path) == -1);
	CHECK(msglog_reopen(lg, err, sizeof err) == 0);
	CHECK(changes[MSGLOG_REOPENED] == 1);
	CHECK(msglog_commit(lg, &e) == 0 && e == 0);	/* the segment */
	add(lg, 3, "accepted", "novo", 4);
	CHECK(msglog_commit(lg, &e) == 1);
	msglog_close(lg);
	CHECK(verify(old, &v) == 0 && v.records == 2);
	CHECK(verify(path, &v) == 0 && v.records == 2 && v.segments == 1);
	pair[0] = old;
	pair[1] = path;
	null = fopen("/dev/null", "w");
	CHECK(msglog_verify_files(pair, 2, null, &v) == 0 &&
	    v.links_bad == 0 && v.records == 4);
	pair[0] = path;
	pair[1] = old;
	CHECK(msglog_verify_files(pair, 2, null, &v) == 1 &&
	    v.links_bad == 1 && v.bad == 0);
	fclose(null);
}

/* A file shrunk, grown, deleted or replaced behind the log's back. */
static void
test_behind(void)
{
	struct msglog	*lg;
	struct msglog_verdict v;
	char		 path[256], other[256], err[256], *buf;
	size_t		 len;
	int		 e, fd;

	snprintf(path, sizeof path, "%s/behind.txt", dir);
	snprintf(other, sizeof other, "%s/other.txt", dir);
	memset(changes, 0, sizeof changes);
	lg = msglog_open(path, err, sizeof err);
	msglog_set_notify(lg, count_change, NULL);
	add(lg, 1, "accepted", "um", 2);
	add(lg, 2, "accepted", "dois", 4);
	CHECK(msglog_commit(lg, &e) == 2);

	/* Cut in the middle of the second record: a fresh line after it. */
	CHECK(truncate(path, size_of(path) - 20) == 0);
	add(lg, 3, "accepted", "tres", 4);
	CHECK(msglog_commit(lg, &e) == 1 && changes[MSGLOG_SHRANK] == 1);
	buf = slurp(path, &len);
	CHECK(strstr(buf, "\tsegment\treason=shrank prev=") != NULL);
	free(buf);
	CHECK(verify(path, &v) == 1 && v.bad == 2 && v.good == 2);

	/* Someone else appends a line: it is bad, ours still follow. */
	fd = open(path, O_WRONLY | O_APPEND);
	CHECK(write(fd, "intruso\n", 8) == 8);
	close(fd);
	add(lg, 4, "accepted", "quatro", 6);
	CHECK(msglog_commit(lg, &e) == 1 && changes[MSGLOG_GREW] == 1);
	CHECK(verify(path, &v) == 1 && v.bad == 3 && v.good == 4);

	/* Emptied: the file verifies again. */
	CHECK(truncate(path, 0) == 0);
	add(lg, 5, "accepted", "cinco", 5);
	CHECK(msglog_commit(lg, &e) == 1 && changes[MSGLOG_SHRANK] == 2);
	CHECK(verify(path, &v) == 0 && v.records == 2);

	/* Deleted: created again; replaced: the new file is used. */
	CHECK(unlink(path) == 0);
	add(lg, 6, "accepted", "seis", 4);
	CHECK(msglog_commit(lg, &e) == 1 && changes[MSGLOG_DELETED] == 1);
	CHECK(verify(path, &v) == 0 && v.records == 2);
	spit(other, "", 0);
	CHECK(rename(other, path) == 0);
	add(lg, 7, "accepted", "sete", 4);
	CHECK(msglog_commit(lg, &e) == 1 && changes[MSGLOG_REPLACED] == 1);
	CHECK(verify(path, &v) == 0 && v.records == 2 && v.segments == 1);
	/* Nothing changed: no segment record. */
	add(lg, 8, "accepted", "oito", 4);
	CHECK(msglog_commit(lg, &e) == 1);
	CHECK(verify(path, &v) == 0 && v.records == 3 && v.segments == 1);
	msglog_close(lg);
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
	test_cut_rejects();
	test_numbers();
	test_reopen();
	test_behind();
	test_unwritable();
	rc = unit_done("test_msglog");
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 99;
	return rc;
}
