/*
 * fuzz_accounts.c -- libFuzzer target for the accounts file reader
 * (accounts_load): the input is written to a file and read.
 *
 * Invariants: reading never fails on content (only on a file it
 * cannot open); every registration it keeps has a valid nick and a
 * well-formed key, and is its own nick's owner (look-alikes of a kept
 * nick were skipped, so lookups are unambiguous); no two kept nicks
 * share a uniqueness key; reading the same file twice gives the same
 * registry; a registration added to it is found, and a file with it
 * appended reads back with one more.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"
#include "fuzz.h"
#include "nickrules.h"
#include "protocol.h"

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
check(struct accounts *a)
{
	const char	*nick, *key, *nick2, *key2;
	size_t		 i, n = accounts_count(a);

	for (i = 0; i < n; i++) {
		accounts_at(a, i, &nick, &key);
		INVARIANT(nick_valid(nick, strlen(nick)));
		INVARIANT(strlen(key) == PROTO_KEY_LEN &&
		    proto_key_valid(key, strlen(key)));
		key2 = accounts_owner(a, nick, strlen(nick));
		INVARIANT(key2 != NULL && strcmp(key2, key) == 0);
		INVARIANT(accounts_member(a, key));
	}
	(void)nick2;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char key[] = "sha256:"
	    "abababababababababababababababababababababababababababababababab";
	struct accounts	*a, *b;
	char		 err[256];
	const char	*n1, *k1, *n2, *k2;
	size_t		 i, n;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/fuzz_accounts.%ld",
		    (long)getpid());
	write_all(data, size);
	a = accounts_load(path, err, sizeof err);
	INVARIANT(a != NULL);
	b = accounts_load(path, err, sizeof err);
	INVARIANT(b != NULL);
	n = accounts_count(a);
	INVARIANT(accounts_count(b) == n);
	for (i = 0; i < n; i++) {
		accounts_at(a, i, &n1, &k1);
		accounts_at(b, i, &n2, &k2);
		INVARIANT(strcmp(n1, n2) == 0 && strcmp(k1, k2) == 0);
	}
	check(a);
	/* A new registration is found, and read back from the file. */
	if (accounts_owner(a, "zz9fuzz", 7) == NULL &&
	    (size == 0 || data[size - 1] == '\n')) {
		INVARIANT(accounts_register(a, "zz9fuzz", 7, key, err,
		    sizeof err));
		INVARIANT(accounts_owner(a, "zz9fuzz", 7) != NULL);
		INVARIANT(accounts_reload(b, err, sizeof err));
		INVARIANT(accounts_count(b) == n + 1);
		check(b);
	}
	accounts_free(a);
	accounts_free(b);
	unlink(path);
	return 0;
}
