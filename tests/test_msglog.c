/*
 * test_msglog.c -- unit tests for the message log: record format,
 * escaping, the SHA-256 chain, the verifier on good, tampered, torn
 * and restarted logs, and refusal on an unwritable log; cut rejection
 * texts, "rejects" summaries, message numbers, and chain segments
 * (reopen, a file shrunk, grown, deleted or replaced behind the log's
 * back) with the links between rotated files.  Log format 2: the exact
 * bytes of a record, signatures checked offline (MSG and DM) and what
 * a forger who rewrites the file tries (an edited text or signature, a
 * swapped key, a public key that is not the fingerprint's, the old
 * layout inside a format 2 run), numbers across restarts, and the old
 * layout's fixture (tests/data/log-format1*) still verifying.
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

#define GENESIS_HEX \
	"0000000000000000000000000000000000000000000000000000000000000000"

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
	CHECK(strstr(buf, "\taccepted\t-\t-\t-\t-\t-\tOlá, tudo bem?\t") !=
	    NULL);
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
	CHECK(strstr(buf, "\tbadtext\t-\t-\t-\t-\t-\t\\x01") != NULL);
	CHECK(strstr(buf, "\\x01\\c1000\t") != NULL);
	CHECK(strstr(buf, "\trejects\t-\t-\t-\t-\t-\tcount=5 bytes=5000 badhash=3 "
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
	char		 path[256], old[256], err[256], *buf;
	const char	*pair[2];
	FILE		*null;
	size_t		 len;
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
	/* The new file says which number came last before it. */
	buf = slurp(path, &len);
	CHECK(strstr(buf, "\tsegment\t-\t-\t-\t-\t-\treason=reopen prev=") !=
	    NULL && strstr(buf, " last=2\t") != NULL);
	free(buf);
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
	CHECK(strstr(buf, "\tsegment\t-\t-\t-\t-\t-\treason=shrank prev=") !=
	    NULL);
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

/*
 * Log format 2: keys and signatures.  Keys are made with keys.c into
 * the test directory; a forger's edits are made on the lines of a
 * file, with the MD5 and the chain computed again, so that only the
 * signature (or the key's fingerprint) can give them away.
 */
struct tkey {
	struct keys_signer *s;
	char		 fp[KEYS_FP_LEN];
	char		 spki[KEYS_SPKI_B64 + 1];
};

static struct tkey	 ka, kb;

static void
key_make(struct tkey *k, const char *name)
{
	char		 kf[256], cf[256], err[256], *pem;
	gnutls_datum_t	 in, der = { NULL, 0 };
	struct keys_pub	*p = NULL;
	size_t		 len;

	snprintf(kf, sizeof kf, "%s/%s.key", dir, name);
	snprintf(cf, sizeof cf, "%s/%s.crt", dir, name);
	CHECK(keys_generate(kf, cf, name, err, sizeof err));
	k->s = keys_signer_load(kf, err, sizeof err);
	CHECK(k->s != NULL);
	pem = slurp(cf, &len);
	in.data = (unsigned char *)pem;
	in.size = (unsigned)len;
	if (gnutls_pem_base64_decode2("CERTIFICATE", &in, &der) == 0)
		p = keys_pub_from_cert(der.data, der.size);
	CHECK(p != NULL);
	if (p != NULL) {
		keys_pub_fingerprint(p, k->fp);
		CHECK(keys_pub_spki_b64(p, k->spki));
	}
	keys_pub_free(p);
	gnutls_free(der.data);
	free(pem);
}

/*
 * Add an accepted message numbered n from id 3: signed by k (NULL:
 * anonymous and unsigned; sign false: keyed but unsigned), a DM to
 * id to (0: a MSG) whose key is tokey (NULL: anonymous).
 */
static void
add_msg(struct msglog *lg, uint64_t n, const struct tkey *k, bool sign,
    uint64_t to, const char *tokey, const char *text)
{
	struct msglog_rec r;
	char		 md5[33], sig[KEYS_SIG_B64 + 1], buf[8192];
	size_t		 len, tl = strlen(text);

	digest_md5_hex(text, tl, md5);
	memset(&r, 0, sizeof r);
	r.n = n;
	r.id = 3;
	r.nick = "rui";
	r.nicklen = 3;
	r.peer = "127.0.0.1:5555";
	r.md5_recv = md5;
	r.md5_comp = md5;
	r.verdict = "accepted";
	r.text = text;
	r.textlen = tl;
	r.to = to;
	r.tokey = tokey;
	if (k != NULL) {
		r.key = k->fp;
		r.spki = k->spki;
	}
	if (k != NULL && sign) {
		len = to != 0 ? keys_signed_dm(buf, tokey != NULL ? tokey :
		    "-", text, tl) : keys_signed_msg(buf, text, tl);
		CHECK(keys_sign(k->s, buf, len, sig));
		r.sig = sig;
	}
	msglog_add(lg, &r);
}

/* A start record as xchatd writes it, with the format's words or not. */
static void
add_start(struct msglog *lg, bool format2)
{
	char	 text[128];

	snprintf(text, sizeof text, "xchatd 1.1 started, %slistening on "
	    "127.0.0.1:12345", format2 ? MSGLOG_FORMAT_WORDS ", " : "");
	add(lg, 0, "start", text, strlen(text));
}

/* Verify path; the report goes to *out (freed by the caller). */
static int
verify_report(const char *path, struct msglog_verdict *v, char **out)
{
	size_t	 len;
	FILE	*fp = open_memstream(out, &len);
	int	 rc = msglog_verify(path, fp, v);

	fclose(fp);
	return rc;
}

/* The lines of a log file, edited as a forger would. */
#define TL_MAX	64
struct tlines {
	char	*l[TL_MAX];
	size_t	 n;
};

static void
tl_read(const char *path, struct tlines *t)
{
	size_t	 len;
	char	*buf = slurp(path, &len), *p = buf, *nl;

	t->n = 0;
	while ((nl = strchr(p, '\n')) != NULL && t->n < TL_MAX) {
		t->l[t->n++] = strndup(p, (size_t)(nl - p));
		p = nl + 1;
	}
	free(buf);
}

static void
tl_free(struct tlines *t)
{
	while (t->n > 0)
		free(t->l[--t->n]);
}

/* Field k (0-based) of line i becomes value. */
static void
tl_set(struct tlines *t, size_t i, int k, const char *value)
{
	char	*line = t->l[i], *s = line, *e, *nl;
	size_t	 vl = strlen(value);

	while (k-- > 0)
		s = strchr(s, '\t') + 1;
	e = strchr(s, '\t');
	if (e == NULL)
		e = s + strlen(s);
	nl = malloc(strlen(line) + vl + 1);
	memcpy(nl, line, (size_t)(s - line));
	memcpy(nl + (s - line), value, vl);
	strcpy(nl + (s - line) + vl, e);
	free(line);
	t->l[i] = nl;
}

/* Field k of line i, in buf. */
static char *
tl_get(struct tlines *t, size_t i, int k, char *buf, size_t size)
{
	char	*s = t->l[i], *e;

	while (k-- > 0)
		s = strchr(s, '\t') + 1;
	e = strchr(s, '\t');
	snprintf(buf, size, "%.*s", (int)(e != NULL ? e - s :
	    (long)strlen(s)), s);
	return buf;
}

/* Write the lines to path with every chain value computed again. */
static void
tl_write(struct tlines *t, const char *path)
{
	char	 chain[65] = GENESIS_HEX, *tab;
	FILE	*fp = fopen(path, "w");
	size_t	 i;

	for (i = 0; i < t->n; i++) {
		tab = strrchr(t->l[i], '\t') + 1;
		digest_chain_hex(chain, t->l[i], (size_t)(tab - t->l[i]),
		    chain);
		memcpy(tab, chain, 64);
		fprintf(fp, "%s\n", t->l[i]);
	}
	fclose(fp);
}

/* Line i taken out. */
static void
tl_drop(struct tlines *t, size_t i)
{
	free(t->l[i]);
	memmove(&t->l[i], &t->l[i + 1], (t->n - i - 1) * sizeof t->l[0]);
	t->n--;
}

/* Line i in the old layout: fields 8 to 12 (to .. sig) taken out. */
static void
tl_old_layout(struct tlines *t, size_t i)
{
	char	*p = t->l[i], *from, *to;
	int	 k;

	for (k = 0; k < 8; k++)
		p = strchr(p, '\t') + 1;
	to = p;
	for (k = 0; k < 5; k++)
		p = strchr(p, '\t') + 1;
	from = p;
	memmove(to, from, strlen(from) + 1);
}

/* Line i's text becomes text, both its MD5 fields to match. */
static void
tl_set_text(struct tlines *t, size_t i, const char *text)
{
	char	 md5[33];

	digest_md5_hex(text, strlen(text), md5);
	tl_set(t, i, 5, md5);
	tl_set(t, i, 6, md5);
	tl_set(t, i, 13, text);
}

/*
 * The forged copy verifies with exactly one bad record, on line
 * lineno (1-based), for a reason that contains why.
 */
static void
check_forgery(struct tlines *t, unsigned lineno, const char *why,
    const char *what)
{
	struct msglog_verdict v;
	char		 path[256], want[64], *out = NULL;
	int		 rc;

	snprintf(path, sizeof path, "%s/forged.txt", dir);
	tl_write(t, path);
	rc = verify_report(path, &v, &out);
	snprintf(want, sizeof want, "forged.txt:%u: bad record: ", lineno);
	if (rc != 1 || v.bad != 1 || strstr(out, want) == NULL ||
	    strstr(out, why) == NULL) {
		fprintf(stderr, "forgery not caught as expected (%s): rc %d, "
		    "%lu bad, want line %u and \"%s\":\n%s", what, rc, v.bad,
		    lineno, why, out);
		CHECK(!"forgery caught");
	} else
		CHECK(true);
	free(out);
}

/* The exact bytes of a format 2 record, and what msglog_add refuses. */
static void
test_format2_bytes(void)
{
	struct msglog	*lg;
	struct msglog_rec r;
	char		 path[256], err[256], md5[33], sig[KEYS_SIG_B64 + 1];
	char		 sb[128], body[1024], chain[65], want[1200], *buf;
	size_t		 len, sl;
	int		 e;

	snprintf(path, sizeof path, "%s/bytes.txt", dir);
	lg = msglog_open(path, err, sizeof err);
	digest_md5_hex("Olá\tx", 6, md5);
	sl = keys_signed_dm(sb, kb.fp, "Olá\tx", 6);
	CHECK(keys_sign(ka.s, sb, sl, sig));
	memset(&r, 0, sizeof r);
	r.n = 7;
	r.id = 3;
	r.nick = "rui";
	r.nicklen = 3;
	r.peer = "127.0.0.1:5555";
	r.md5_recv = md5;
	r.md5_comp = md5;
	r.verdict = "accepted";
	r.text = "Olá\tx";
	r.textlen = 6;
	r.to = 9;
	r.tokey = kb.fp;
	r.key = ka.fp;
	r.spki = ka.spki;
	r.sig = sig;
	msglog_add(lg, &r);
	/* Malformed keys and signatures are written as "-". */
	r.to = 0;
	r.spki = "MCow\tBQ==";
	r.sig = "not a signature";
	r.verdict = "badsig";
	msglog_add(lg, &r);
	r.to = 4;
	r.tokey = "sha256:ABC";
	r.key = ka.fp;
	r.spki = NULL;
	r.sig = "AAAA";
	msglog_add(lg, &r);
	CHECK(msglog_commit(lg, &e) == 3);
	msglog_close(lg);
	buf = slurp(path, &len);
	snprintf(body, sizeof body, "%.24s\t7\t3\trui\t127.0.0.1:5555\t%s\t%s\t"
	    "accepted\t9\t%s\t%s\t%s\t%s\tOlá\\tx\t", buf, md5, md5, kb.fp,
	    ka.fp, ka.spki, sig);
	digest_chain_hex(GENESIS_HEX, body, strlen(body), chain);
	snprintf(want, sizeof want, "%s%s\n", body, chain);
	CHECK(len > strlen(want) && memcmp(buf, want, strlen(want)) == 0);
	CHECK(strstr(buf, "\tbadsig\t-\t-\t-\t-\t-\tOlá\\tx\t") != NULL);
	CHECK(strstr(buf, "\tbadsig\t4\t-\t-\t-\t-\tOlá\\tx\t") != NULL);
	free(buf);
}

/* Good signed records, MSG and DM, verify and are counted per key. */
static void
test_signed(void)
{
	struct msglog	*lg;
	struct msglog_verdict v;
	struct msglog_rec r;
	char		 path[256], err[256], md5[33], want[256], *out = NULL;
	char		 fake[KEYS_SIG_B64 + 1];
	int		 e;

	snprintf(path, sizeof path, "%s/signed.txt", dir);
	lg = msglog_open(path, err, sizeof err);
	add_start(lg, true);
	add_msg(lg, 1, &ka, true, 0, NULL, "assinado por ana");
	add_msg(lg, 2, &kb, true, 0, NULL, "/me assina também");
	add_msg(lg, 3, &ka, false, 0, NULL, "sem assinatura, com chave");
	add_msg(lg, 4, NULL, false, 0, NULL, "anônimo");
	add_msg(lg, 5, &kb, true, 8, ka.fp, "privado para ana");
	add_msg(lg, 6, &kb, true, 9, NULL, "privado para um anônimo");
	/* A rejected signature from an anonymous client: no key, a sig. */
	memset(fake, 'A', KEYS_SIG_B64 - 2);
	memcpy(fake + KEYS_SIG_B64 - 2, "==", 3);
	digest_md5_hex("x", 1, md5);
	memset(&r, 0, sizeof r);
	r.id = 4;
	r.nick = "eve";
	r.nicklen = 3;
	r.peer = "127.0.0.1:1";
	r.md5_recv = md5;
	r.md5_comp = md5;
	r.verdict = "badsig";
	r.text = "x";
	r.textlen = 1;
	r.sig = fake;
	r.cut = MSGLOG_CUT;
	msglog_add(lg, &r);
	CHECK(msglog_commit(lg, &e) == 8);
	msglog_close(lg);
	CHECK(verify_report(path, &v, &out) == 0 && v.good == 8);
	CHECK(v.signed_good == 4 && v.sig_bad == 0 && v.unsigned_msgs == 2 &&
	    v.keys == 2);
	CHECK(strstr(out, "signed.txt: 8 records, 8 good, 0 bad\n") != NULL);
	CHECK(strstr(out, "signed.txt: 6 messages: 4 signed and good, 0 with "
	    "a bad signature, 2 unsigned\n") != NULL);
	snprintf(want, sizeof want, "signed.txt: key %s: 1 signed and good, "
	    "1 unsigned\n", ka.fp);
	CHECK(strstr(out, want) != NULL);
	snprintf(want, sizeof want, "signed.txt: key %s: 3 signed and good, "
	    "0 unsigned\n", kb.fp);
	CHECK(strstr(out, want) != NULL);
	free(out);
}

/* What a forger who can rewrite the file tries; each is caught. */
static void
test_forgeries(void)
{
	struct tlines	 t;
	char		 path[256], f[256];

	snprintf(path, sizeof path, "%s/signed.txt", dir);
	/* line 2: ana signed; 3: bob signed; 6: bob's DM to ana (tokey) */
	tl_read(path, &t);
	CHECK(t.n == 8);
	tl_write(&t, path);		/* rechained as is: still good */
	tl_free(&t);

	tl_read(path, &t);
	tl_set_text(&t, 1, "assinado por ana, e alterado");
	check_forgery(&t, 2, "signature does not verify", "edited text");
	tl_free(&t);

	tl_read(path, &t);
	tl_get(&t, 1, 12, f, sizeof f);
	f[10] = f[10] == 'A' ? 'B' : 'A';
	tl_set(&t, 1, 12, f);
	check_forgery(&t, 2, "signature does not verify", "edited sig");
	tl_free(&t);

	/* bob's key and public key on ana's record */
	tl_read(path, &t);
	tl_set(&t, 1, 10, kb.fp);
	tl_set(&t, 1, 11, kb.spki);
	check_forgery(&t, 2, "signature does not verify", "swapped key");
	tl_free(&t);

	/* bob's public key under ana's fingerprint */
	tl_read(path, &t);
	tl_set(&t, 1, 11, kb.spki);
	check_forgery(&t, 2, "does not hash to the key fingerprint",
	    "spki of another key");
	tl_free(&t);

	/* the DM said to be for someone else (another recipient key) */
	tl_read(path, &t);
	tl_set(&t, 5, 9, kb.fp);
	check_forgery(&t, 6, "signature does not verify", "DM recipient");
	tl_free(&t);

	/* a DM's signature passed off as a MSG (recipient removed) */
	tl_read(path, &t);
	tl_set(&t, 5, 8, "-");
	tl_set(&t, 5, 9, "-");
	check_forgery(&t, 6, "signature does not verify", "DM as MSG");
	tl_free(&t);

	/* a signature with its key and public key taken away */
	tl_read(path, &t);
	tl_set(&t, 1, 10, "-");
	tl_set(&t, 1, 11, "-");
	check_forgery(&t, 2, "a signature without the signer's key",
	    "no key");
	tl_free(&t);

	/* malformed: a short signature, a key that is not one */
	tl_read(path, &t);
	tl_get(&t, 1, 12, f, sizeof f);
	f[strlen(f) - 4] = '\0';
	tl_set(&t, 1, 12, f);
	check_forgery(&t, 2, "malformed signature", "short sig");
	tl_free(&t);
	tl_read(path, &t);
	tl_set(&t, 1, 11, "AAAA");
	check_forgery(&t, 2, "not the base64 DER", "spki not a key");
	tl_free(&t);
	tl_read(path, &t);
	tl_set(&t, 1, 10, "-");
	check_forgery(&t, 2, "a key without its public key", "key removed");
	tl_free(&t);

	/* a record of the old layout inside the format 2 run */
	tl_read(path, &t);
	tl_old_layout(&t, 4);
	check_forgery(&t, 5, "old layout", "10 fields in format 2");
	tl_free(&t);

	/* What cannot be caught: a signature stripped is "unsigned". */
	tl_read(path, &t);
	tl_set(&t, 1, 12, "-");
	snprintf(f, sizeof f, "%s/forged.txt", dir);
	tl_write(&t, f);
	{
		struct msglog_verdict v;

		CHECK(verify(f, &v) == 0 && v.signed_good == 3 &&
		    v.unsigned_msgs == 3);
	}
	tl_free(&t);
}

/*
 * In log format 2 numbers go on across a start record; a start
 * record without the words (format 1, older servers) begins again.
 */
static void
test_numbers2(void)
{
	struct msglog	*lg;
	struct msglog_verdict v;
	char		 path[256], err[256], *out = NULL;
	int		 e;

	snprintf(path, sizeof path, "%s/numbers2.txt", dir);
	lg = msglog_open(path, err, sizeof err);
	add_start(lg, true);
	add_msg(lg, 1, NULL, false, 0, NULL, "um");
	add_msg(lg, 2, &ka, true, 5, NULL, "dois, privado");
	add_start(lg, true);
	add_msg(lg, 3, NULL, false, 0, NULL, "tres");		/* good */
	add_start(lg, true);
	add_msg(lg, 1, NULL, false, 0, NULL, "um de novo");	/* bad */
	add_msg(lg, 4, NULL, false, 0, NULL, "quatro");	/* good */
	add_start(lg, false);
	add_msg(lg, 1, NULL, false, 0, NULL, "um, formato 1");	/* good */
	CHECK(msglog_commit(lg, &e) == 10);
	msglog_close(lg);
	CHECK(verify_report(path, &v, &out) == 1 && v.bad == 1);
	CHECK(strstr(out, "numbers2.txt:7: bad record: message number not "
	    "above the one before it (in log format 2") != NULL);
	free(out);

	/* The words in the old layout, or a format not known: bad. */
	{
		struct tlines	 t;

		/* (without line 7, the only bad one) */
		tl_read(path, &t);
		tl_drop(&t, 6);
		tl_set_text(&t, 0, "xchatd started, log format 3, listening");
		check_forgery(&t, 1, "a log format this verifier does not "
		    "know", "format 3");
		tl_free(&t);
		tl_read(path, &t);
		tl_drop(&t, 6);
		tl_old_layout(&t, 3);
		check_forgery(&t, 4, "in the old layout (10 fields)",
		    "format 2 start in 10 fields");
		tl_free(&t);
	}
}

/* Logs of the old layout (a fixture written before format 2). */
static void
test_format1_fixture(void)
{
	struct msglog_verdict v;
	const char	*src = getenv("srcdir");
	char		 one[512], two[512], *out = NULL;
	const char	*pair[2];
	struct tlines	 t;
	FILE		*fp;
	size_t		 len;

	snprintf(one, sizeof one, "%s/tests/data/log-format1.1",
	    src != NULL ? src : "..");
	snprintf(two, sizeof two, "%s/tests/data/log-format1",
	    src != NULL ? src : "..");
	pair[0] = one;
	pair[1] = two;
	fp = open_memstream(&out, &len);
	CHECK(msglog_verify_files(pair, 2, fp, &v) == 0);
	fclose(fp);
	CHECK(v.records == 18 && v.good == 18 && v.links_bad == 0 &&
	    v.segments == 1 && v.unsigned_msgs == 11 && v.signed_good == 0);
	CHECK(strstr(out, "log-format1: 5 records, 5 good, 0 bad, 1 segment "
	    "record\n") != NULL);
	CHECK(strstr(out, "2 files: 18 records, 18 good, 0 bad, 0 broken "
	    "links between files\n2 files: 11 messages: 0 signed and good, 0 "
	    "with a bad signature, 11 unsigned\n") != NULL);
	free(out);
	/* still caught there: an altered text, numbers going back */
	tl_read(one, &t);
	tl_set(&t, 1, 8, "Olá, tudo mal?");	/* the text, format 1 */
	{
		char	 path[256];

		snprintf(path, sizeof path, "%s/old.txt", dir);
		tl_write(&t, path);
		CHECK(verify(path, &v) == 1 && v.bad == 1);
		tl_free(&t);
		tl_read(one, &t);
		free(t.l[2]);
		t.l[2] = strdup(t.l[1]);
		tl_write(&t, path);
		CHECK(verify(path, &v) == 1 && v.bad == 1);
	}
	tl_free(&t);
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
	key_make(&ka, "ana");
	key_make(&kb, "bob");
	test_format2_bytes();
	test_signed();
	test_forgeries();
	test_numbers2();
	test_format1_fixture();
	keys_signer_free(ka.s);
	keys_signer_free(kb.s);
	test_unwritable();
	rc = unit_done("test_msglog");
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 99;
	return rc;
}
