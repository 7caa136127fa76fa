/*
 * test_knownusers.c -- ~/.xchat/known_users (src/knownusers.c, issue
 * 12): a keyed nick is remembered on first sight (mode 0600 file), the
 * same key again is the same, another key or none is a change the file
 * keeps reporting until accepted; nicks compare by their uniqueness
 * key (ANA, Cyrillic a); user<digits> nicks are never recorded; other
 * servers' lines are kept apart; hostile lines are skipped (too long,
 * wrong field count, bad port, bad nick, bad key, NUL bytes, binary);
 * the file is bounded.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "knownusers.h"
#include "unit.h"

static const char KA[] = "sha256:06e3fd8fda29bb60ab59557de61edb0aecdb"
    "231134be30e75b455f8e1b792fa9";
static const char KB[] = "sha256:deb2ded39dc26fce0e6085b6fc34bf6b5941"
    "913bbfe2ea614113cff9e004c170";

static char	 dir[] = "/tmp/xchat-known.XXXXXX";

static char *
path(const char *name)
{
	return unit_path(dir, name);
}

static void
put_file(const char *name, const char *data, size_t len)
{
	unit_put_file(path(name), data, len);
}

static size_t
count_lines(const char *name)
{
	FILE	*f = fopen(path(name), "r");
	size_t	 n = 0;
	int	 c;

	if (f == NULL)
		return 0;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void
test_sightings(void)
{
	struct knownusers	*ku;
	struct stat		 st;
	char			 old[KEYS_FP_LEN], key[KEYS_FP_LEN];

	ku = knownusers_open(path("ku"), "127.0.0.1", "12346");
	CHECK(knownusers_see(ku, "ana", 3, KA, old) == KU_NEW);
	CHECK(stat(path("ku"), &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(knownusers_see(ku, "ana", 3, KA, old) == KU_SAME);
	CHECK(knownusers_see(ku, "bob", 3, "-", old) == KU_ANON);
	/* Another key for ana, by any spelling of her nick. */
	CHECK(knownusers_see(ku, "ana", 3, KB, old) == KU_CHANGED);
	CHECK_STR(old, KA);
	CHECK(knownusers_see(ku, "ANA", 3, KB, old) == KU_CHANGED);
	CHECK(knownusers_see(ku, "\320\260na", 4, KB, old) == KU_CHANGED);
	CHECK(knownusers_see(ku, "Ana", 3, "-", old) == KU_LOST);
	CHECK_STR(old, KA);
	/* user<digits> nicks belong to connections, not people. */
	CHECK(knownusers_see(ku, "user7", 5, KA, old) == KU_OFF);
	CHECK(knownusers_see(ku, "userl", 5, KB, old) == KU_OFF);
	CHECK(knownusers_see(ku, "bad nick", 8, KA, old) == KU_OFF);
	knownusers_free(ku);

	/* Read back: still a change, until accepted. */
	ku = knownusers_open(path("ku"), "127.0.0.1", "12346");
	CHECK(knownusers_skipped(ku) == 0);
	CHECK(knownusers_see(ku, "ana", 3, KB, old) == KU_CHANGED);
	CHECK(knownusers_lookup(ku, "ANA", 3, key));
	CHECK_STR(key, KA);
	CHECK(knownusers_accept(ku, "ana", 3, KB));
	CHECK(knownusers_see(ku, "ana", 3, KB, old) == KU_SAME);
	knownusers_free(ku);
	ku = knownusers_open(path("ku"), "127.0.0.1", "12346");
	CHECK(knownusers_see(ku, "ana", 3, KB, old) == KU_SAME);
	knownusers_free(ku);

	/* Another server, or port, knows nothing of ana. */
	ku = knownusers_open(path("ku"), "127.0.0.1", "12347");
	CHECK(knownusers_see(ku, "ana", 3, KA, old) == KU_NEW);
	knownusers_free(ku);
	ku = knownusers_open(path("ku"), "chat.example.org", "12346");
	CHECK(!knownusers_lookup(ku, "ana", 3, key));
	knownusers_free(ku);
	/* A host that cannot be one field: no checks, nothing written. */
	ku = knownusers_open(path("ku2"), "a b", "12346");
	CHECK(knownusers_see(ku, "ana", 3, KA, old) == KU_OFF);
	CHECK(access(path("ku2"), F_OK) == -1);
	knownusers_free(ku);
}

static void
test_hostile(void)
{
	static char		 buf[8192];
	struct knownusers	*ku;
	char			 old[KEYS_FP_LEN];
	size_t			 n;

	n = (size_t)snprintf(buf, sizeof buf,
	    "# a comment\n"
	    "\n"
	    "127.0.0.1 12346 ana %s\n"			/* good */
	    "127.0.0.1 12346 bob\n"			/* 3 fields */
	    "127.0.0.1 12346 bob %s extra\n"		/* 5 fields */
	    "127.0.0.1  12346 bob %s\n"			/* empty field */
	    "127.0.0.1 0 bob %s\n"			/* bad port */
	    "127.0.0.1 99999 bob %s\n"
	    "127.0.0.1 12346 b:ob %s\n"			/* bad nick */
	    "127.0.0.1 12346 \342\200\256bob %s\n"	/* bidi override */
	    "127.0.0.1 12346 \377bob %s\n"		/* not UTF-8 */
	    "127.0.0.1 12346 bob sha256:1234\n"		/* short key */
	    "127.0.0.1 12346 bob md5:%s\n"		/* wrong kind */
	    "127.0.0.1 12346 cid %s\r\n",		/* CRLF: accepted */
	    KA, KB, KB, KB, KB, KB, KB, KB, KB + 7, KB);
	/* A NUL in a line, a very long line, and no final LF. */
	memcpy(buf + n, "127.0.0.1 12346 dan\0", 20);
	n += 20;
	n += (size_t)snprintf(buf + n, sizeof buf - n, " %s\n", KB);
	memset(buf + n, 'x', 3000);
	n += 3000;
	buf[n++] = '\n';
	n += (size_t)snprintf(buf + n, sizeof buf - n,
	    "127.0.0.1 12346 eve %s", KB);
	put_file("hostile", buf, n);
	ku = knownusers_open(path("hostile"), "127.0.0.1", "12346");
	CHECK(knownusers_skipped(ku) == 12);
	CHECK(knownusers_see(ku, "ana", 3, KA, old) == KU_SAME);
	CHECK(knownusers_see(ku, "cid", 3, KB, old) == KU_SAME);
	CHECK(knownusers_see(ku, "eve", 3, KB, old) == KU_SAME);
	CHECK(knownusers_see(ku, "bob", 3, KA, old) == KU_NEW);
	CHECK(knownusers_see(ku, "dan", 3, KA, old) == KU_NEW);
	knownusers_free(ku);
}

static void
test_bounded(void)
{
	struct knownusers	*ku;
	FILE			*f;
	char			 old[KEYS_FP_LEN];
	size_t			 i, before;

	f = fopen(path("full"), "w");
	if (f == NULL)
		exit(99);
	for (i = 0; i < KU_LINES_MAX; i++)
		fprintf(f, "h%zu 1 n%zu %s\n", i, i, KA);
	fclose(f);
	before = count_lines("full");
	ku = knownusers_open(path("full"), "127.0.0.1", "12346");
	/* Still checked against what is known, but not recorded. */
	CHECK(knownusers_see(ku, "ana", 3, KA, old) == KU_NEW);
	CHECK(knownusers_see(ku, "ana", 3, KB, old) == KU_CHANGED);
	CHECK(!knownusers_accept(ku, "ana", 3, KB));
	knownusers_free(ku);
	CHECK(count_lines("full") == before);
}

int
main(void)
{
	char	 cmd[600];

	if (mkdtemp(dir) == NULL)
		return 99;
	test_sightings();
	test_hostile();
	test_bounded();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return unit_done("test_knownusers");
}
