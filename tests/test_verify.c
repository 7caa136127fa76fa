/*
 * test_verify.c -- the client's queue of signatures (src/verify.c,
 * issue 12): a good signature is good, with the key's fingerprint; a
 * signature of another text, or by another key, is bad; a key answer
 * whose SPKI does not hash to the fingerprint it claims, or to the one
 * of the sender's USER line, is refused (the server cannot substitute
 * a key); an id the server knows no key for (KEY <id> - -) and an
 * anonymous sender give "no key"; each id's key is asked once; keys
 * are kept by fingerprint across connections; a reset fails what
 * waits for a key; the budget per turn is kept; a full queue skips;
 * the event loop works the queue by itself.  No display, no network.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "keys.h"
#include "unit.h"
#include "verify.h"

/* RFC 8032, section 7.1, TEST 1 (key A) and TEST 2 (key B). */
static const char key_a[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
static const char key_b[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIEzNCJso/5banbbDRuwRTg9bijGfNaumJNqM9u1PuKb7\n"
    "-----END PRIVATE KEY-----\n";

struct party {
	struct keys_signer	*s;
	char			 fp[KEYS_FP_LEN];
	char			 spki[KEYS_SPKI_B64 + 1];
};
static struct party	 A, B;

/* What the hooks saw. */
static uint64_t	 asked[64];
static int	 nasked;
static struct {
	uint64_t	 ticket;
	enum vf_result	 r;
	char		 fp[KEYS_FP_LEN];
} done[256];
static int	 ndone;

static void
askkey(void *arg, uint64_t id)
{
	(void)arg;
	if (nasked < 64)
		asked[nasked++] = id;
}

static void
on_done(void *arg, uint64_t ticket, enum vf_result r, const char *fp)
{
	(void)arg;
	if (ndone >= 256)
		return;
	done[ndone].ticket = ticket;
	done[ndone].r = r;
	snprintf(done[ndone].fp, sizeof done[ndone].fp, "%s", fp);
	ndone++;
}

static const struct vf_hooks hooks = { askkey, on_done };

static void
party(struct party *p, const char *pem)
{
	struct keys_pub	*pub;
	char		 err[256];

	p->s = keys_signer_pem(pem, strlen(pem), err, sizeof err);
	if (p->s == NULL || (pub = keys_signer_pub(p->s)) == NULL)
		exit(99);
	keys_pub_fingerprint(pub, p->fp);
	if (!keys_pub_spki_b64(pub, p->spki))
		exit(99);
	keys_pub_free(pub);
}

/* Submit text as id signed by p (or with sig, if not NULL). */
static uint64_t
submit(struct verify *v, uint64_t id, struct party *p, const char *text,
    enum vf_result *now)
{
	char	 data[256], sig[KEYS_SIG_B64 + 1];
	size_t	 n = keys_signed_msg(data, text, strlen(text));

	if (!keys_sign(p->s, data, n, sig))
		exit(99);
	*now = 0;
	return verify_submit(v, id, data, n, sig, now);
}

/* The verdict on ticket, or 0 if none yet. */
static enum vf_result
verdict(uint64_t ticket, const char **fp)
{
	int	 i;

	for (i = 0; i < ndone; i++)
		if (done[i].ticket == ticket) {
			if (fp != NULL)
				*fp = done[i].fp;
			return done[i].r;
		}
	return 0;
}

static void
drain(struct verify *v)
{
	while (verify_run(v))
		;
}

static void
test_good_bad(void)
{
	struct verify	*v = verify_new(&hooks, NULL);
	enum vf_result	 now;
	uint64_t	 t1, t2, t3, t4;
	char		 data[64], sig[KEYS_SIG_B64 + 1];
	const char	*fp = NULL;
	size_t		 n;

	nasked = ndone = 0;
	verify_user(v, 5, A.fp, strlen(A.fp));
	t1 = submit(v, 5, &A, "olá", &now);
	CHECK(t1 != 0);
	/* A signature of another text. */
	n = keys_signed_msg(data, "other", 5);
	CHECK(keys_sign(A.s, data, n, sig));
	n = keys_signed_msg(data, "olá!", 5);
	t2 = verify_submit(v, 5, data, n, sig, &now);
	/* A signature by another key, claimed by the holder of A. */
	t3 = submit(v, 5, &B, "sou a ana", &now);
	t4 = submit(v, 5, &A, "again", &now);
	CHECK(t2 != 0 && t3 != 0 && t4 != 0);
	/* One KEY request for id 5, however many messages wait. */
	CHECK(nasked == 1 && asked[0] == 5);
	CHECK(ndone == 0);
	drain(v);
	CHECK(ndone == 0);		/* nothing checked before the key */
	verify_key(v, 5, A.fp, strlen(A.fp), A.spki, strlen(A.spki));
	drain(v);
	CHECK(verdict(t1, &fp) == VF_GOOD);
	CHECK_STR(fp, A.fp);
	CHECK(verdict(t2, NULL) == VF_BAD);
	CHECK(verdict(t3, NULL) == VF_BAD);
	CHECK(verdict(t4, NULL) == VF_GOOD);
	CHECK(nasked == 1);
	/* The key is known now: no more requests, checked at once. */
	t1 = submit(v, 5, &A, "more", &now);
	CHECK(nasked == 1);
	drain(v);
	CHECK(verdict(t1, NULL) == VF_GOOD);
	/* A second answer, unasked for, changes nothing. */
	verify_key(v, 5, B.fp, strlen(B.fp), B.spki, strlen(B.spki));
	t1 = submit(v, 5, &A, "still", &now);
	drain(v);
	CHECK(verdict(t1, NULL) == VF_GOOD);
	verify_free(v);
}

static void
test_substitution(void)
{
	struct verify	*v = verify_new(&hooks, NULL);
	enum vf_result	 now;
	uint64_t	 t1, t2, t3, t4;

	nasked = ndone = 0;
	/* 6: the answer claims A but carries B's key. */
	t1 = submit(v, 6, &B, "x", &now);
	verify_key(v, 6, A.fp, strlen(A.fp), B.spki, strlen(B.spki));
	/* 7: announced with A, answered with B (consistent in itself). */
	verify_user(v, 7, A.fp, strlen(A.fp));
	t2 = submit(v, 7, &B, "y", &now);
	verify_key(v, 7, B.fp, strlen(B.fp), B.spki, strlen(B.spki));
	/* 8: the server knows no key. */
	t3 = submit(v, 8, &A, "z", &now);
	verify_key(v, 8, "-", 1, "-", 1);
	/* 9: not a key at all. */
	t4 = submit(v, 9, &A, "w", &now);
	verify_key(v, 9, A.fp, strlen(A.fp), "AAAA", 4);
	drain(v);
	CHECK(nasked == 4);
	CHECK(verdict(t1, NULL) == VF_NOKEY);
	CHECK(verdict(t2, NULL) == VF_NOKEY);
	CHECK(verdict(t3, NULL) == VF_NOKEY);
	CHECK(verdict(t4, NULL) == VF_NOKEY);
	/* Later messages of those ids fail at once. */
	t1 = submit(v, 6, &A, "x", &now);
	CHECK(t1 == 0 && now == VF_NOKEY);
	/* An anonymous sender cannot sign. */
	verify_user(v, 10, "-", 1);
	t1 = submit(v, 10, &A, "forged", &now);
	CHECK(t1 == 0 && now == VF_NOKEY);
	CHECK(nasked == 4);
	/* A key that changes within a connection: not trusted. */
	verify_user(v, 11, A.fp, strlen(A.fp));
	verify_user(v, 11, B.fp, strlen(B.fp));
	t1 = submit(v, 11, &B, "x", &now);
	CHECK(t1 == 0 && now == VF_NOKEY);
	verify_free(v);
}

static void
test_reset_cache(void)
{
	struct verify	*v = verify_new(&hooks, NULL);
	enum vf_result	 now;
	uint64_t	 t1, t2, t3;

	nasked = ndone = 0;
	t1 = submit(v, 3, &A, "a", &now);
	verify_key(v, 3, A.fp, strlen(A.fp), A.spki, strlen(A.spki));
	t2 = submit(v, 4, &B, "waits", &now);
	CHECK(nasked == 2);
	/* The connection ends: t1 is still checked, t2 has no key. */
	verify_reset(v);
	CHECK(verdict(t2, NULL) == VF_NOKEY);
	drain(v);
	CHECK(verdict(t1, NULL) == VF_GOOD);
	/* Next connection: id 3 is someone else now; A is known by its
	   fingerprint, so a USER line with A needs no request. */
	verify_user(v, 30, A.fp, strlen(A.fp));
	t3 = submit(v, 30, &A, "cached", &now);
	CHECK(nasked == 2);
	drain(v);
	CHECK(verdict(t3, NULL) == VF_GOOD);
	/* But an id without a USER line is asked again. */
	t3 = submit(v, 3, &A, "asked", &now);
	CHECK(nasked == 3 && asked[2] == 3);
	verify_free(v);			/* frees what waits, no verdict */
	CHECK(verdict(t3, NULL) == 0);
}

static void
test_budget(void)
{
	struct verify	*v = verify_new(&hooks, NULL);
	struct vf_stats	 st;
	enum vf_result	 now;
	int		 k, turns;

	nasked = ndone = 0;
	verify_user(v, 1, A.fp, strlen(A.fp));
	submit(v, 1, &A, "k", &now);
	verify_key(v, 1, A.fp, strlen(A.fp), A.spki, strlen(A.spki));
	drain(v);
	ndone = 0;
	/* A budget of 0: one check per turn, the rest left for later. */
	verify_set_budget(v, 0);
	for (k = 0; k < 5; k++)
		submit(v, 1, &A, "m", &now);
	for (turns = 1; verify_run(v); turns++)
		CHECK(ndone == turns);
	CHECK(turns == 5 && ndone == 5);
	/* A generous one: all in one turn. */
	verify_set_budget(v, 60000000);
	ndone = 0;
	for (k = 0; k < 5; k++)
		submit(v, 1, &A, "m", &now);
	CHECK(!verify_run(v));
	CHECK(ndone == 5);
	verify_stats(v, &st);
	CHECK(st.checked == 11 && st.good == 11 && st.check_ns > 0);
	CHECK(st.maxready == 5 && st.ready == 0);
	verify_free(v);
}

static void
test_full_and_loop(void)
{
	struct verify	*v = verify_new(&hooks, NULL);
	enum vf_result	 now;
	static char	 big[1024 * 1024];
	char		 sig[KEYS_SIG_B64 + 1];
	uint64_t	 t;
	int		 k, rounds, skipped = 0;

	nasked = ndone = 0;
	memset(sig, 'A', KEYS_SIG_B64);
	sig[KEYS_SIG_B64] = '\0';
	/* Beyond VF_QUEUE_MAX bytes waiting: skipped, never good. */
	for (k = 0; k < 20; k++) {
		t = verify_submit(v, 2, big, sizeof big, sig, &now);
		if (t == 0 && now == VF_SKIPPED)
			skipped++;
	}
	CHECK(skipped == 4);
	verify_key(v, 2, B.fp, strlen(B.fp), B.spki, strlen(B.spki));
	/* The event loop works the queue by itself (bad signatures). */
	for (rounds = 0; rounds < 100000 && ndone < 16; rounds++)
		evloop_run_once();
	CHECK(ndone == 16);
	for (k = 0; k < ndone; k++)
		CHECK(done[k].r == VF_BAD);
	verify_free(v);
}

int
main(void)
{
	evloop_init(NULL);
	party(&A, key_a);
	party(&B, key_b);
	test_good_bad();
	test_substitution();
	test_reset_cache();
	test_budget();
	test_full_and_loop();
	keys_signer_free(A.s);
	keys_signer_free(B.s);
	return unit_done("test_verify");
}
