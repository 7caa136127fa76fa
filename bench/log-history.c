/*
 * log-history.c -- the helper of bench/log-start.sh: writes a big log
 * in log format 2 with msglog itself, and times msglog_history on it.
 *
 *   log-history gen FILE MB        a log of about MB megabytes
 *   log-history read FILE MAX RUNS cold|warm
 *   log-history keycost DIR N
 *
 * gen writes what a busy server writes: per 100 records about 60
 * messages (a third of them signed, for real, by one of 20 keys made
 * with keys.c, a fifth keyed and unsigned, the rest anonymous), 10 DMs
 * (signed when keyed), 20 rejections with their text cut, 5 rejects
 * summaries, texts of 10 to 400 bytes with now and then one of 3000,
 * and a start record of log format 2 every 200,000 records, each batch
 * of 1 to 64 records written with one write as the hub does.  Message
 * numbers only go up.  It prints the records and bytes written.
 *
 * read opens the log (msglog_open: lock, tail), then times
 * msglog_history(MAX) RUNS times; cold drops the file's pages from the
 * page cache before each run (posix_fadvise DONTNEED, no privilege
 * needed; the disk or the host's cache below may still be warm, hence
 * "cold-ish"); it prints each time and the median, in ms, and what the
 * history found.
 *
 * keycost signs and verifies a 100-byte message N times with one of
 * the keys (keys.c over GnuTLS, as the server and -verifylog do) and
 * prints the medians of 20 rounds of N/20, in microseconds: the bare
 * costs to set beside -verifylog's time per signed record.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "digest.h"
#include "keys.h"
#include "msglog.h"

#define NKEYS	20

struct key {
	struct keys_signer *s;
	char		 fp[KEYS_FP_LEN];
	char		 spki[KEYS_SPKI_B64 + 1];
};

static struct key	 keys[NKEYS];
static uint32_t		 seed = 12345;

static uint32_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	return seed;
}

/* The key of the PEM certificate in path. */
static struct keys_pub *
pub_of(const char *path)
{
	char		 pem[8192];
	gnutls_datum_t	 in, der = { NULL, 0 };
	struct keys_pub	*p = NULL;
	FILE		*f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	in.size = (unsigned)fread(pem, 1, sizeof pem, f);
	in.data = (unsigned char *)pem;
	fclose(f);
	if (gnutls_pem_base64_decode2("CERTIFICATE", &in, &der) == 0)
		p = keys_pub_from_cert(der.data, der.size);
	gnutls_free(der.data);
	return p;
}

/* The keys, made once in dir (keys.c). */
static void
keys_make(const char *dir)
{
	char		 kf[700], cf[700], err[256];
	struct keys_pub	*p;
	int		 i;

	for (i = 0; i < NKEYS; i++) {
		snprintf(kf, sizeof kf, "%s/k%d.key", dir, i);
		snprintf(cf, sizeof cf, "%s/k%d.crt", dir, i);
		if (access(kf, R_OK) != 0 &&
		    !keys_generate(kf, cf, "bench", err, sizeof err)) {
			fprintf(stderr, "%s\n", err);
			exit(1);
		}
		if ((keys[i].s = keys_signer_load(kf, err, sizeof err)) ==
		    NULL) {
			fprintf(stderr, "%s\n", err);
			exit(1);
		}
		if ((p = pub_of(cf)) == NULL ||
		    !keys_pub_spki_b64(p, keys[i].spki)) {
			fprintf(stderr, "no public key in %s\n", cf);
			exit(1);
		}
		keys_pub_fingerprint(p, keys[i].fp);
		keys_pub_free(p);
	}
}

/* A text of 10 to 400 bytes, now and then 3000 (UTF-8, whole). */
static size_t
text_make(char *t, uint64_t n)
{
	static const char words[] = "olá tudo bem com você hoje? sim, "
	    "e a reunião das três continua de pé; leva o café. ";
	size_t	 len = rnd() % 100 == 0 ? 3000 : 10 + rnd() % 391, i;
	int	 k = snprintf(t, len + 1, "#%llu ", (unsigned long long)n);

	for (i = (size_t)k; i < len; i++)
		t[i] = words[(i - (size_t)k) % (sizeof words - 1)];
	/* Do not end inside a UTF-8 sequence. */
	while (len > 0 && ((unsigned char)t[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0 && (unsigned char)t[len - 1] >= 0xc0)
		len--;
	return len;
}

/* One record of the mix; *n is the last message number used. */
static void
record_add(struct msglog *lg, uint64_t *n, unsigned long i)
{
	struct msglog_rec r;
	struct key	*k = &keys[rnd() % NKEYS];
	char		 text[3100], md5[33], sig[KEYS_SIG_B64 + 1];
	char		 sb[3200], nick[16];
	unsigned	 kind = rnd() % 100, who = rnd() % 10;
	size_t		 len = text_make(text, *n + 1), sl;

	digest_md5_hex(text, len, md5);
	memset(&r, 0, sizeof r);
	r.id = 1 + rnd() % 500;
	snprintf(nick, sizeof nick, "user%llu", (unsigned long long)r.id);
	r.nick = nick;
	r.nicklen = strlen(nick);
	r.peer = "192.0.2.7:51234";
	r.md5_recv = md5;
	r.md5_comp = md5;
	r.text = text;
	r.textlen = len;
	if (i % 200000 == 0) {
		r.verdict = "start";
		r.text = "xchatd 1.1 started, " MSGLOG_FORMAT_WORDS
		    ", listening on 0.0.0.0:12345";
		r.textlen = strlen(r.text);
		digest_md5_hex(r.text, r.textlen, md5);
		r.md5_recv = NULL;
		r.nick = "xchatd";
		r.nicklen = 6;
		r.id = 0;
	} else if (kind < 70) {
		r.verdict = "accepted";
		r.n = ++*n;
		if (kind >= 60)
			r.to = 1 + rnd() % 500;
		if (who < 5) {
			r.key = k->fp;
			r.spki = k->spki;
		}
		if (who < 3) {
			sl = r.to != 0 ? keys_signed_dm(sb, "-", text, len) :
			    keys_signed_msg(sb, text, len);
			if (!keys_sign(k->s, sb, sl, sig))
				exit(1);
			r.sig = sig;
		}
	} else if (kind < 95) {
		r.verdict = kind < 80 ? "flood" : kind < 90 ? "badtext" :
		    "badhash";
		if (kind >= 90)
			r.md5_recv = "00000000000000000000000000000000";
		r.cut = MSGLOG_CUT;
	} else {
		struct msglog_count c[2] = { { "flood", 3 }, { "badtext", 1 } };

		msglog_add_rejects(lg, &r, 4 * len, c, 2);
		return;
	}
	msglog_add(lg, &r);
}

static int
gen(const char *path, long mb)
{
	struct msglog	*lg;
	struct stat	 st;
	char		 err[512], dir[600], *slash;
	uint64_t	 n = 0;
	unsigned long	 i = 0, k, batch;
	int		 e;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	snprintf(slash != NULL ? slash + 1 : dir, 32, "%s", "bench-keys");
	mkdir(dir, 0700);
	keys_make(dir);
	unlink(path);
	if ((lg = msglog_open(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	do {
		msglog_begin(lg);
		batch = 1 + rnd() % 64;
		for (k = 0; k < batch; k++)
			record_add(lg, &n, i++);
		if (msglog_commit(lg, &e) != batch) {
			fprintf(stderr, "write failed\n");
			return 1;
		}
	} while (stat(path, &st) == 0 && st.st_size < mb * 1000000L);
	msglog_close(lg);
	printf("records=%lu messages=%llu bytes=%lld\n", i,
	    (unsigned long long)n, (long long)st.st_size);
	return 0;
}

static unsigned long	 nmsg;

static void
count(void *arg, const struct msglog_msg *m)
{
	(void)arg;
	(void)m;
	nmsg++;
}

static int
dblcmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
readbench(const char *path, unsigned max, int runs, int cold)
{
	struct msglog	*lg;
	struct msglog_tail t;
	struct timespec	 a, b;
	char		 err[512];
	double		*ms = calloc((size_t)runs, sizeof *ms);
	int		 i, fd;

	if ((lg = msglog_open(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (i = 0; i < runs; i++) {
		if (cold && (fd = open(path, O_RDONLY)) != -1) {
			fdatasync(fd);
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			close(fd);
		}
		nmsg = 0;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (msglog_history(lg, max, count, NULL, &t) == -1) {
			perror("msglog_history");
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 +
		    (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		printf("run=%d cache=%s ms=%.3f\n", i + 1, cold ? "cold" :
		    "warm", ms[i]);
	}
	qsort(ms, (size_t)runs, sizeof *ms, dblcmp);
	printf("cache=%s max=%u runs=%d median_ms=%.3f min_ms=%.3f "
	    "max_ms=%.3f messages=%lu last_n=%llu records_read=%lu "
	    "skipped=%lu\n", cold ? "cold" : "warm", max, runs,
	    ms[runs / 2], ms[0], ms[runs - 1], nmsg,
	    (unsigned long long)t.last_n, t.records, t.skipped);
	msglog_close(lg);
	free(ms);
	return 0;
}

static double
now_us(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int
keycost(const char *dir, int n)
{
	struct keys_pub	*p;
	char		 msg[128], sig[KEYS_SIG_B64 + 1];
	double		 s[20], v[20], t;
	int		 r, i, per = n / 20 > 0 ? n / 20 : 1;

	keys_make(dir);
	p = keys_pub_from_spki_b64(keys[0].spki, strlen(keys[0].spki));
	memset(msg, 'x', sizeof msg);
	for (r = 0; r < 20; r++) {
		t = now_us();
		for (i = 0; i < per; i++)
			if (!keys_sign(keys[0].s, msg, 100, sig))
				return 1;
		s[r] = (now_us() - t) / per;
		t = now_us();
		for (i = 0; i < per; i++)
			if (!keys_verify(p, msg, 100, sig, KEYS_SIG_B64))
				return 1;
		v[r] = (now_us() - t) / per;
	}
	qsort(s, 20, sizeof s[0], dblcmp);
	qsort(v, 20, sizeof v[0], dblcmp);
	printf("ops=%d sign_us=%.1f verify_us=%.1f\n", 20 * per, s[10],
	    v[10]);
	keys_pub_free(p);
	return 0;
}

int
main(int argc, char **argv)
{
	if (digest_init() != NULL)
		return 1;
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atol(argv[3]));
	if (argc == 6 && strcmp(argv[1], "read") == 0)
		return readbench(argv[2], (unsigned)atoi(argv[3]),
		    atoi(argv[4]) > 0 ? atoi(argv[4]) : 1,
		    strcmp(argv[5], "cold") == 0);
	if (argc == 4 && strcmp(argv[1], "keycost") == 0)
		return keycost(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: log-history gen FILE MB\n"
	    "       log-history read FILE MAX RUNS cold|warm\n"
	    "       log-history keycost DIR N\n");
	return 2;
}
