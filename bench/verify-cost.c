/*
 * verify-cost.c -- the bare cost of one Ed25519 signature and one
 * verification with keys.c (GnuTLS), on this machine, now: the median
 * of rounds of n operations each over a 62-byte text as version 2
 * signs it.  For bench/client-load.py's signed scenario and the signed
 * workloads of bench/run-bench.sh (issue 12).
 * Usage: verify-cost [rounds [n]]; prints "bare_sign_us=S
 * bare_verify_us=V bare_sign_cpu_us=SC bare_verify_cpu_us=VC": elapsed
 * time, then the CPU time this process used (what a server's CPU per
 * message compares with: on a shared machine the elapsed time also
 * counts the time other processes had the CPU).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys.h"

/* RFC 8032, section 7.1, TEST 1. */
static const char key_a[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	static const char	 text[] = "signed message 1: the quick brown "
				    "fox jumps over the lazy dog";
	struct keys_signer	*s;
	struct keys_pub		*p;
	char			 err[256], sig[KEYS_SIG_B64 + 1], data[128];
	double			 sg[64], vf[64], sgc[64], vfc[64], t0, c0;
	int			 rounds = argc > 1 ? atoi(argv[1]) : 5;
	int			 n = argc > 2 ? atoi(argv[2]) : 2000, r, i;
	size_t			 len;

	if (rounds < 1 || rounds > 64 || n < 1)
		return 2;
	if ((s = keys_signer_pem(key_a, strlen(key_a), err, sizeof err)) ==
	    NULL || (p = keys_signer_pub(s)) == NULL)
		return 1;
	len = keys_signed_msg(data, text, strlen(text));
	for (r = 0; r < rounds; r++) {
		t0 = now();
		c0 = cpu();
		for (i = 0; i < n; i++)
			if (!keys_sign(s, data, len, sig))
				return 1;
		sg[r] = (now() - t0) / n * 1e6;
		sgc[r] = (cpu() - c0) / n * 1e6;
		t0 = now();
		c0 = cpu();
		for (i = 0; i < n; i++)
			if (!keys_verify(p, data, len, sig, KEYS_SIG_B64))
				return 1;
		vf[r] = (now() - t0) / n * 1e6;
		vfc[r] = (cpu() - c0) / n * 1e6;
	}
	qsort(sg, (size_t)rounds, sizeof *sg, cmp);
	qsort(vf, (size_t)rounds, sizeof *vf, cmp);
	qsort(sgc, (size_t)rounds, sizeof *sgc, cmp);
	qsort(vfc, (size_t)rounds, sizeof *vfc, cmp);
	printf("bare_sign_us=%.1f bare_verify_us=%.1f bare_sign_cpu_us=%.1f "
	    "bare_verify_cpu_us=%.1f\n", sg[rounds / 2], vf[rounds / 2],
	    sgc[rounds / 2], vfc[rounds / 2]);
	keys_pub_free(p);
	keys_signer_free(s);
	return 0;
}
