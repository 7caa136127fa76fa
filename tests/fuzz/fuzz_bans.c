/*
 * fuzz_bans.c -- libFuzzer target for the bans file (bans_load): the
 * input is written to a file and read.
 *
 * Invariants: reading never fails on content; every ban it keeps has
 * a canonical target (an address or key that bans_target gives back
 * unchanged), no target twice, a reason that passes the text rules,
 * and is banned now; reading the file again gives the same bans; a
 * ban added is found, and read back from the file with the rest; a
 * ban lifted is gone, from the file too.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bans.h"
#include "fuzz.h"
#include "protocol.h"

#define NOW	((time_t)1000000000)

static char	 path[64];

static void
write_all(const uint8_t *data, size_t size)
{
	FILE	*f = fopen(path, "w");

	INVARIANT(f != NULL);
	INVARIANT(fwrite(data, 1, size, f) == size);
	INVARIANT(fclose(f) == 0);
}

static void
check(struct bans *b)
{
	const char	*t, *r, *t2, *r2;
	char		 c[BANS_TARGET_MAX + 1];
	time_t		 u, u2;
	size_t		 i, j, n = bans_count(b);

	for (i = 0; i < n; i++) {
		bans_at(b, i, &t, &u, &r);
		INVARIANT(bans_target(t, strlen(t), c) && strcmp(c, t) == 0);
		INVARIANT(*r == '\0' || proto_away_valid(r, strlen(r)));
		INVARIANT(bans_match(b, t, NOW));
		for (j = i + 1; j < n; j++) {
			bans_at(b, j, &t2, &u2, &r2);
			INVARIANT(strcmp(t, t2) != 0);
		}
	}
}

/* a and b hold the same bans. */
static void
same(struct bans *a, struct bans *b)
{
	const char	*t1, *r1, *t2, *r2;
	time_t		 u1, u2;
	size_t		 i;

	INVARIANT(bans_count(a) == bans_count(b));
	for (i = 0; i < bans_count(a); i++) {
		bans_at(a, i, &t1, &u1, &r1);
		bans_at(b, i, &t2, &u2, &r2);
		INVARIANT(strcmp(t1, t2) == 0 && u1 == u2 &&
		    strcmp(r1, r2) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bans	*a, *b;
	char		 err[512];
	size_t		 n;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/fuzz_bans.%ld",
		    (long)getpid());
	write_all(data, size);
	a = bans_load(path, NOW, err, sizeof err);
	INVARIANT(a != NULL);
	b = bans_load(path, NOW, err, sizeof err);
	INVARIANT(b != NULL);
	check(a);
	same(a, b);
	n = bans_count(a);
	/* A ban added (its end far ahead of NOW and of the clock) is
	   found, and the file reads back with it. */
	if (!bans_match(a, "192.0.2.77", NOW)) {
		INVARIANT(bans_add(a, "192.0.2.77", BANS_FOREVER, "fuzz",
		    err, sizeof err));
		INVARIANT(bans_match(a, "192.0.2.77", NOW));
		INVARIANT(bans_reload(b, NOW, err, sizeof err));
		INVARIANT(bans_match(b, "192.0.2.77", NOW));
		check(b);
		INVARIANT(bans_lift(a, "192.0.2.77", err, sizeof err));
		INVARIANT(!bans_match(a, "192.0.2.77", NOW));
		INVARIANT(bans_reload(b, NOW, err, sizeof err));
		INVARIANT(!bans_match(b, "192.0.2.77", NOW));
		check(b);
	}
	(void)n;
	bans_free(a);
	bans_free(b);
	unlink(path);
	return 0;
}
