/*
 * test_msghistory.c -- unit tests for msglog_history, the reader that
 * finds the last messages and the last message number at the end of a
 * log, backwards: an empty file, logs of the old layout (the fixture
 * tests/data/log-format1) and of both, DMs left out, malformed and
 * hostile lines in between, a rotated file that holds only a segment
 * record with last=, a 10 MB file whose messages are at its start,
 * and the same answers whatever the size of the windows read.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "digest.h"
#include "keys.h"
#include "msglog.h"
#include "unit.h"

static char	 dir[] = "/tmp/test_msghistory.XXXXXX";

/* What the callback got: numbers, texts and signatures in order. */
#define GOT_MAX	64
static struct got {
	size_t		 n;
	uint64_t	 num[GOT_MAX];
	char		*text[GOT_MAX];
	bool		 sig[GOT_MAX];
	bool		 key[GOT_MAX];
	char		 nick[GOT_MAX][40];
} got;

static void
got_clear(void)
{
	while (got.n > 0)
		free(got.text[--got.n]);
}

static void
take(void *arg, const struct msglog_msg *m)
{
	(void)arg;
	if (got.n == GOT_MAX)
		return;
	CHECK(m->stamp != NULL && strlen(m->stamp) == 24);
	CHECK(m->md5 != NULL && strlen(m->md5) == 32);
	CHECK((m->key == NULL) == (m->spki == NULL));
	got.num[got.n] = m->n;
	got.text[got.n] = strndup(m->text, m->textlen);
	got.sig[got.n] = m->sig != NULL && strlen(m->sig) == KEYS_SIG_B64;
	got.key[got.n] = m->key != NULL && strlen(m->key) == 71;
	snprintf(got.nick[got.n], sizeof got.nick[0], "%.*s",
	    (int)m->nicklen, m->nick);
	got.n++;
}

static char *
path_of(const char *name)
{
	static char	 buf[4][256];
	static int	 k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static void
append(const char *path, const void *data, size_t len)
{
	int	 fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);

	CHECK(fd != -1 && write(fd, data, len) == (ssize_t)len);
	close(fd);
}

static void
copy(const char *from, const char *to)
{
	char	 buf[65536];
	FILE	*in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t	 n;

	CHECK(in != NULL && out != NULL);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		CHECK(fwrite(buf, 1, n, out) == n);
	fclose(in);
	fclose(out);
}

/* Add a record: kind "accepted" (to: a DM), a rejection, "start". */
static void
add(struct msglog *lg, uint64_t n, uint64_t to, const char *verdict,
    const char *text, const char *key, const char *spki, const char *sig)
{
	struct msglog_rec r;
	char		 md5[33];

	digest_md5_hex(text, strlen(text), md5);
	memset(&r, 0, sizeof r);
	r.n = n;
	r.id = 5;
	r.nick = "ana";
	r.nicklen = 3;
	r.peer = "127.0.0.1:5555";
	r.md5_recv = strcmp(verdict, "start") == 0 ? NULL : md5;
	r.md5_comp = md5;
	r.verdict = verdict;
	r.text = text;
	r.textlen = strlen(text);
	r.to = to;
	r.key = key;
	r.spki = spki;
	r.sig = sig;
	if (strcmp(verdict, "accepted") != 0 &&
	    strcmp(verdict, "start") != 0)
		r.cut = MSGLOG_CUT;
	msglog_add(lg, &r);
}

/* Run msglog_history on the log at path (opened and closed here). */
static int
history(const char *path, unsigned max, struct msglog_tail *t)
{
	struct msglog	*lg;
	char		 err[256];
	int		 rc;

	got_clear();
	lg = msglog_open(path, err, sizeof err);
	CHECK(lg != NULL);
	if (lg == NULL)
		return -2;
	rc = msglog_history(lg, max, take, NULL, t);
	msglog_close(lg);
	return rc;
}

static void
test_empty(void)
{
	struct msglog_tail t;

	CHECK(history(path_of("empty.txt"), 20, &t) == 0 && got.n == 0);
	CHECK(t.last_n == 0 && t.max_id == 0 && t.records == 0 &&
	    t.skipped == 0);
	/* Only a start record: no number yet. */
	{
		struct msglog	*lg;
		char		 err[256];
		int		 e;

		lg = msglog_open(path_of("empty.txt"), err, sizeof err);
		add(lg, 0, 0, "start", "xchatd started, " MSGLOG_FORMAT_WORDS
		    ", listening on x", NULL, NULL, NULL);
		CHECK(msglog_commit(lg, &e) == 1);
		CHECK(msglog_history(lg, 20, take, NULL, &t) == 0);
		msglog_close(lg);
		CHECK(got.n == 0 && t.last_n == 0 && t.records == 1 &&
		    t.skipped == 0);
	}
}

/* The old layout: the fixture written before log format 2. */
static void
test_format1(void)
{
	struct msglog_tail t;
	const char	*src = getenv("srcdir");
	char		 f1[512], f2[512];

	snprintf(f1, sizeof f1, "%s/tests/data/log-format1.1",
	    src != NULL ? src : "..");
	snprintf(f2, sizeof f2, "%s/tests/data/log-format1",
	    src != NULL ? src : "..");
	copy(f1, path_of("v1.1"));
	copy(f2, path_of("v1"));
	CHECK(history(path_of("v1.1"), 5, &t) == 0 && got.n == 5);
	CHECK(got.n == 5 && got.num[0] == 4 && got.num[4] == 8 &&
	    strcmp(got.text[4], "after the flood") == 0 &&
	    strcmp(got.text[3], "/me waves") == 0 && !got.sig[0] &&
	    !got.key[0]);
	CHECK(t.last_n == 8 && t.max_id == 1 && t.skipped == 0);
	CHECK(history(path_of("v1.1"), 100, &t) == 0 && got.n == 8 &&
	    t.records == 13);
	CHECK(got.n == 8 && strcmp(got.text[1], "tab\there and \\ "
	    "backslash") == 0 && strcmp(got.nick[1], "João") == 0);
	/*
	 * After a restart, an old server numbered from 1 again: the
	 * highest number read is the one to go on from.
	 */
	CHECK(history(path_of("v1"), 100, &t) == 0 && got.n == 3);
	CHECK(got.n == 3 && got.num[0] == 9 && got.num[1] == 1 &&
	    got.num[2] == 2 && strcmp(got.text[2], "emoji \xf0\x9f\x98\x80 "
	    "and CJK 漢字") == 0);
	CHECK(t.last_n == 9 && t.records == 5);
}

static struct keys_signer *signer;
static char	 fp[KEYS_FP_LEN], spki[KEYS_SPKI_B64 + 1];

/* A key of our own (keys.c) to sign with. */
static void
key_make(void)
{
	char		 err[256], buf[4096];
	gnutls_datum_t	 in, der = { NULL, 0 };
	struct keys_pub	*p = NULL;
	FILE		*f;
	size_t		 len;

	CHECK(keys_generate(path_of("k.key"), path_of("k.crt"), "ana", err,
	    sizeof err));
	signer = keys_signer_load(path_of("k.key"), err, sizeof err);
	CHECK(signer != NULL);
	f = fopen(path_of("k.crt"), "r");
	len = f != NULL ? fread(buf, 1, sizeof buf, f) : 0;
	if (f != NULL)
		fclose(f);
	in.data = (unsigned char *)buf;
	in.size = (unsigned)len;
	if (gnutls_pem_base64_decode2("CERTIFICATE", &in, &der) == 0)
		p = keys_pub_from_cert(der.data, der.size);
	CHECK(p != NULL);
	if (p != NULL) {
		keys_pub_fingerprint(p, fp);
		CHECK(keys_pub_spki_b64(p, spki));
	}
	keys_pub_free(p);
	gnutls_free(der.data);
}

static void
add_signed(struct msglog *lg, uint64_t n, uint64_t to, const char *text)
{
	char	 buf[4200], sig[KEYS_SIG_B64 + 1];
	size_t	 len;

	len = to != 0 ? keys_signed_dm(buf, "-", text, strlen(text)) :
	    keys_signed_msg(buf, text, strlen(text));
	CHECK(keys_sign(signer, buf, len, sig));
	add(lg, n, to, "accepted", text, fp, spki, sig);
}

/*
 * The old layout, then a server of log format 2 on it: messages of
 * both, DMs left out (their numbers count), malformed lines skipped.
 */
static void
test_mixed(void)
{
	struct msglog_tail t;
	struct msglog	*lg;
	struct msglog_verdict v;
	FILE		*null;
	char		 err[256];
	int		 e;

	copy(path_of("v1"), path_of("mixed.txt"));
	lg = msglog_open(path_of("mixed.txt"), err, sizeof err);
	add(lg, 0, 0, "start", "xchatd started, " MSGLOG_FORMAT_WORDS
	    ", listening on x", NULL, NULL, NULL);
	add_signed(lg, 10, 0, "assinada");
	add(lg, 11, 0, "accepted", "com chave, sem assinatura", fp, spki,
	    NULL);
	add_signed(lg, 12, 7, "privada, assinada");
	add(lg, 0, 0, "badsig", "rejeitada", fp, spki, NULL);
	add(lg, 13, 0, "accepted", "anônima", NULL, NULL, NULL);
	add(lg, 14, 7, "accepted", "privada, anônima", NULL, NULL, NULL);
	CHECK(msglog_commit(lg, &e) == 7);
	msglog_close(lg);
	null = fopen("/dev/null", "w");
	CHECK(msglog_verify(path_of("mixed.txt"), null, &v) == 0);

	CHECK(history(path_of("mixed.txt"), 4, &t) == 0 && got.n == 4);
	CHECK(got.n == 4 && got.num[0] == 2 && got.num[1] == 10 &&
	    got.num[2] == 11 && got.num[3] == 13);
	CHECK(got.n == 4 && got.sig[1] && got.key[1] && !got.sig[2] &&
	    got.key[2] && !got.sig[3] && !got.key[3] && !got.key[0]);
	CHECK(t.last_n == 14 && t.skipped == 0 && t.max_id == 5);
	CHECK(history(path_of("mixed.txt"), 100, &t) == 0 && got.n == 6 &&
	    t.records == 12);

	/* Junk in between: skipped and counted, the rest still read. */
	append(path_of("mixed.txt"), "junk\n\n\t\t\t\n", 10);
	lg = msglog_open(path_of("mixed.txt"), err, sizeof err);
	add(lg, 15, 0, "accepted", "depois do lixo", NULL, NULL, NULL);
	CHECK(msglog_commit(lg, &e) == 1);
	msglog_close(lg);
	{
		/* an accepted record whose text does not match its MD5 */
		char	 bad[] = "2026-12-02T10:00:00.000Z\t16\t5\tana\tp\t"
		    "00000000000000000000000000000000\t"
		    "00000000000000000000000000000000\taccepted\t-\t-\t-\t-\t"
		    "-\tnot its md5\t"
		    "0000000000000000000000000000000000000000000000000000000000000000"
		    "\n";

		append(path_of("mixed.txt"), bad, strlen(bad));
	}
	CHECK(history(path_of("mixed.txt"), 5, &t) == 0 && got.n == 5);
	CHECK(got.n == 5 && got.num[0] == 2 && got.num[4] == 15 &&
	    strcmp(got.text[4], "depois do lixo") == 0);
	CHECK(t.skipped == 4 && t.last_n == 16);	/* 16 and the junk */
	CHECK(history(path_of("mixed.txt"), 100, &t) == 0 && got.n == 7 &&
	    t.skipped == 4 && t.records == 17);
	fclose(null);
}

/* A rotated file with no message yet: the segment says the number. */
static void
test_segment_last(void)
{
	struct msglog_tail t;
	struct msglog	*lg;
	char		 err[256];
	int		 e;

	lg = msglog_open(path_of("rot.txt"), err, sizeof err);
	add(lg, 41, 0, "accepted", "antes", NULL, NULL, NULL);
	add(lg, 42, 9, "accepted", "privada, a última", NULL, NULL, NULL);
	CHECK(msglog_commit(lg, &e) == 2);
	CHECK(rename(path_of("rot.txt"), path_of("rot.txt.1")) == 0);
	CHECK(msglog_reopen(lg, err, sizeof err) == 0);
	CHECK(msglog_commit(lg, &e) == 0 && e == 0);	/* the segment */
	got_clear();
	CHECK(msglog_history(lg, 20, take, NULL, &t) == 0 && got.n == 0);
	CHECK(t.last_n == 42 && t.records == 1 && t.max_id == 0);
	msglog_close(lg);

	/*
	 * A server that starts on it learns 42 from msglog_history and
	 * says so in the next file's segment record.
	 */
	lg = msglog_open(path_of("rot.txt"), err, sizeof err);
	CHECK(msglog_history(lg, 20, take, NULL, &t) == 0 && t.last_n == 42);
	CHECK(rename(path_of("rot.txt"), path_of("rot.txt.2")) == 0);
	CHECK(msglog_reopen(lg, err, sizeof err) == 0);
	CHECK(msglog_commit(lg, &e) == 0 && e == 0);
	msglog_close(lg);
	CHECK(history(path_of("rot.txt"), 20, &t) == 0 && t.last_n == 42);
}

/* 10 MB of rejections after the messages: read back through them. */
static void
test_far_back(void)
{
	struct msglog_tail t;
	struct msglog	*lg;
	struct stat	 st;
	char		 err[256], text[3000];
	unsigned long	 recs = 5;
	int		 e, i;

	lg = msglog_open(path_of("far.txt"), err, sizeof err);
	for (i = 1; i <= 5; i++) {
		snprintf(text, sizeof text, "mensagem %d", i);
		add(lg, (uint64_t)i, 0, "accepted", text, NULL, NULL, NULL);
	}
	CHECK(msglog_commit(lg, &e) == 5);
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	do {
		for (i = 0; i < 100; i++) {
			add(lg, 0, 0, i % 2 ? "flood" : "badtext", text,
			    NULL, NULL, NULL);
			recs++;
		}
		CHECK(msglog_commit(lg, &e) == 100);
		CHECK(stat(path_of("far.txt"), &st) == 0);
	} while (st.st_size < 10 * 1024 * 1024);
	got_clear();
	CHECK(msglog_history(lg, 3, take, NULL, &t) == 0);
	msglog_close(lg);
	CHECK(got.n == 3 && got.num[0] == 3 && got.num[2] == 5 &&
	    strcmp(got.text[2], "mensagem 5") == 0);
	CHECK(t.last_n == 5 && t.records == recs - 2 && t.skipped == 0);
	/* max 0: only the number is wanted */
	CHECK(history(path_of("far.txt"), 0, &t) == 0 && got.n == 0 &&
	    t.last_n == 5);
}

/*
 * The same answers for windows of any size (records cut anywhere
 * between two reads), and with a line too long to be a record, a torn
 * tail, hostile bytes.
 */
static void
test_windows(void)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 64, 100, 333, 4096 };
	struct msglog_tail t, t0;
	uint64_t	 want[GOT_MAX];
	size_t		 i, j, nwant;
	char		*big;

	copy(path_of("mixed.txt"), path_of("win.txt"));
	big = malloc(200000);
	memset(big, '\t', 200000);
	big[199999] = '\n';
	append(path_of("win.txt"), big, 200000);
	free(big);
	{
		struct msglog	*lg;
		char		 err[256];
		int		 e;

		lg = msglog_open(path_of("win.txt"), err, sizeof err);
		add(lg, 17, 0, "accepted", "depois da linha longa", NULL,
		    NULL, NULL);
		CHECK(msglog_commit(lg, &e) == 1);
		msglog_close(lg);
	}
	CHECK(history(path_of("win.txt"), 100, &t0) == 0);
	CHECK(got.n == 8 && got.num[7] == 17 && t0.skipped == 5);
	nwant = got.n;
	memcpy(want, got.num, sizeof want);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		msglog_history_window(sizes[i]);
		CHECK(history(path_of("win.txt"), 100, &t) == 0);
		CHECK(got.n == nwant && memcmp(&t, &t0, sizeof t) == 0);
		for (j = 0; j < got.n && j < nwant; j++)
			CHECK(got.num[j] == want[j]);
		CHECK(history(path_of("win.txt"), 2, &t) == 0 && got.n == 2 &&
		    got.num[0] == want[nwant - 2] && t.last_n == 17);
	}
	msglog_history_window(0);
	/* A torn tail written after the log was opened is passed over. */
	{
		struct msglog	*lg;
		char		 err[256];

		lg = msglog_open(path_of("win.txt"), err, sizeof err);
		append(path_of("win.txt"), "2026-12-02T10:00:00.000Z\t99", 27);
		got_clear();
		CHECK(msglog_history(lg, 100, take, NULL, &t) == 0);
		msglog_close(lg);
		CHECK(got.n == nwant && t.last_n == 17 &&
		    t.skipped == t0.skipped + 1);
	}
}

/* A FIFO has no history; a log that cannot be read says so. */
static void
test_unreadable(void)
{
	struct msglog_tail t;
	struct msglog	*lg;
	char		 err[256];

	CHECK(mkfifo(path_of("fifo"), 0600) == 0);
	{
		int	 rfd = open(path_of("fifo"), O_RDONLY | O_NONBLOCK);

		lg = msglog_open(path_of("fifo"), err, sizeof err);
		CHECK(lg != NULL);
		if (lg != NULL) {
			got_clear();
			CHECK(msglog_history(lg, 10, take, NULL, &t) == 0 &&
			    got.n == 0 && t.records == 0);
			msglog_close(lg);
		}
		close(rfd);
	}
}

int
main(void)
{
	char	 cmd[300];
	int	 rc;

	if (mkdtemp(dir) == NULL)
		return 99;
	CHECK(digest_init() == NULL);
	key_make();
	test_empty();
	test_format1();
	test_mixed();
	test_segment_last();
	test_far_back();
	test_windows();
	test_unreadable();
	got_clear();
	keys_signer_free(signer);
	rc = unit_done("test_msghistory");
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 99;
	return rc;
}
