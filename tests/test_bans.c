/*
 * test_bans.c -- unit tests of src/bans.c: targets in their canonical
 * form (IPv4, IPv6, IPv4-mapped, keys in either case) and what is not
 * one; the bans file read with hostile lines in it (too long, NUL
 * bytes, not UTF-8, bad targets, times and reasons, random bytes);
 * adding, replacing, lifting and expiring bans, each rewriting the
 * file whole (its comments and unusable lines kept, no temporary file
 * left), a file that cannot be written leaving the bans as they were.
 * Works in a temporary directory; needs no display.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "bans.h"
#include "unit.h"

#define K1 "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define K1U "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static char	 dir[64], path[128];

static void
write_file(const char *body, size_t len)
{
	unit_put_file(path, body, len);
}

static char *
read_all(void)
{
	static char	 buf[300000];

	return unit_read_file(path, buf, sizeof buf, NULL);
}

/* How many entries dir has (the file, and no temporary one). */
static int
entries(void)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		 n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	if (d != NULL)
		closedir(d);
	return n;
}

static void
test_targets(void)
{
	char	 t[BANS_TARGET_MAX + 1];

	CHECK(bans_target("10.0.0.1", 8, t));
	CHECK_STR(t, "10.0.0.1");
	CHECK(bans_target("::FFFF:10.0.0.1", 15, t));
	CHECK_STR(t, "10.0.0.1");
	CHECK(bans_target("2001:DB8:0:0::1", 15, t));
	CHECK_STR(t, "2001:db8::1");
	CHECK(bans_target(K1U, strlen(K1U), t));
	CHECK_STR(t, K1);
	CHECK(!bans_target("10.0.0.256", 10, t));
	CHECK(!bans_target("10.0.0", 6, t));
	CHECK(!bans_target("", 0, t));
	CHECK(!bans_target("sha256:abc", 10, t));
	CHECK(!bans_target("SHA256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaa", 71, t));
	CHECK(!bans_target("host.example", 12, t));
	CHECK(bans_peer_address("10.0.0.1:5555", t));
	CHECK_STR(t, "10.0.0.1");
	CHECK(bans_peer_address("[::1]:5555", t));
	CHECK_STR(t, "::1");
	CHECK(bans_peer_address("[::ffff:127.0.0.1]:1", t));
	CHECK_STR(t, "127.0.0.1");
	CHECK(!bans_peer_address("[::1:5555", t));
	CHECK(!bans_peer_address("unix", t));
}

static void
test_hostile(void)
{
	static const char alphabet[] = "0123456789.: \nforevsha256:abcdef#\t\r";
	static char	 big[200000];
	struct bans	*b;
	char		 err[512];
	size_t		 n, i;
	unsigned	 seed = 13;

	n = (size_t)snprintf(big, sizeof big, "# comment\n"
	    "10.0.0.1 forever spam\n"
	    "10.0.0.2 100 over long ago\n"
	    "10.0.0.3 0\n"
	    "10.0.0.4 -1\n"
	    "10.0.0.5 1e9\n"
	    "10.0.0.6 9999999999999999999\n"
	    "10.0.0.7 forever a\001b\n"
	    "10.0.0.8\n"
	    "bogus forever\n"
	    "10.0.0.9 4000000000 \xff\n"
	    "10.0.0.10 4000000000\r\n"
	    "10.0.0.1 4000000000 later line wins\n");
	memset(big + n, 'x', 150000);
	n += 150000;
	memcpy(big + n, " 10.0.0.11 forever\n10.0.0.12 forever\0 NUL\n"
	    "10.0.0.13 forever", 59);
	n += 59;
	write_file(big, n);
	b = bans_load(path, 1000, err, sizeof err);
	CHECK(b != NULL);
	if (b == NULL)
		return;
	CHECK(bans_match(b, "10.0.0.1", 1000));
	CHECK(!bans_match(b, "10.0.0.1", 4000000000));	/* the later line */
	for (i = 2; i <= 9; i++) {
		snprintf(err, sizeof err, "10.0.0.%zu", i);
		CHECK(!bans_match(b, err, 1000));
	}
	CHECK(bans_match(b, "10.0.0.10", 1000));	/* CR LF is a newline */
	CHECK(!bans_match(b, "10.0.0.11", 1000));	/* in the long line */
	CHECK(!bans_match(b, "10.0.0.12", 1000));	/* NUL */
	CHECK(bans_match(b, "10.0.0.13", 1000));	/* no newline at the end */
	CHECK(bans_count(b) == 3);
	bans_free(b);

	/* Random bytes: no crash, and what it reads is well formed. */
	for (i = 0; i < 200; i++) {
		for (n = 0; n < 3000; n++) {
			seed = seed * 1103515245 + 12345;
			big[n] = i % 2 == 0 ? (char)(seed >> 16) :
			    alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		write_file(big, n);
		b = bans_load(path, 1000, err, sizeof err);
		CHECK(b != NULL);
		bans_free(b);
	}
}

static void
test_changes(void)
{
	struct bans	*b;
	char		 err[512];
	const char	*t, *r, *s;
	time_t		 until, far = time(NULL) + 100000;

	write_file("# keep me\nnot a ban\n10.0.0.1 forever old\n", 40);
	b = bans_load(path, time(NULL), err, sizeof err);
	CHECK(b != NULL);
	if (b == NULL)
		return;
	CHECK(bans_add(b, "::ffff:10.0.0.2", far, "spam", err, sizeof err));
	CHECK(bans_match(b, "10.0.0.2", time(NULL)));
	CHECK(bans_add(b, K1U, BANS_FOREVER, NULL, err, sizeof err));
	CHECK(bans_match(b, K1, time(NULL)));
	/* Replace: one line for the target. */
	CHECK(bans_add(b, "10.0.0.1", far, "new", err, sizeof err));
	s = read_all();
	CHECK(s != NULL && strstr(s, "# keep me\nnot a ban\n") == s);
	CHECK(s != NULL && strstr(s, "old") == NULL);
	CHECK(s != NULL && strstr(s, "10.0.0.1 ") != NULL &&
	    strstr(strstr(s, "10.0.0.1 ") + 1, "10.0.0.1 ") == NULL);
	CHECK(s != NULL && strstr(s, K1 " forever\n") != NULL);
	CHECK(entries() == 1);
	CHECK(bans_count(b) == 3);
	bans_at(b, 2, &t, &until, &r);
	CHECK_STR(t, "10.0.0.1");
	CHECK(until == far);
	CHECK_STR(r, "new");
	/* Refused: bad target, bad reason, an end already past. */
	CHECK(!bans_add(b, "nobody", far, NULL, err, sizeof err));
	CHECK(!bans_add(b, "10.0.0.3", far, "a\nb", err, sizeof err));
	CHECK(!bans_add(b, "10.0.0.3", 1000, NULL, err, sizeof err));
	CHECK(bans_count(b) == 3);
	/* Lift. */
	CHECK(bans_lift(b, "10.0.0.2", err, sizeof err));
	CHECK(!bans_match(b, "10.0.0.2", time(NULL)));
	CHECK(!bans_lift(b, "10.0.0.2", err, sizeof err));
	s = read_all();
	CHECK(s != NULL && strstr(s, "10.0.0.2") == NULL);
	/* Read back: the same bans. */
	CHECK(bans_reload(b, time(NULL), err, sizeof err));
	CHECK(bans_count(b) == 2);
	CHECK(bans_match(b, "10.0.0.1", time(NULL)));
	/* Expire: gone from the bans and the file. */
	CHECK(bans_expire(b, far + 1) == 1);
	s = read_all();
	CHECK(s != NULL && strstr(s, "10.0.0.1") == NULL &&
	    strstr(s, K1) != NULL && strstr(s, "# keep me") != NULL);
	/* A file that cannot be written: nothing changes. */
	if (geteuid() != 0) {
		chmod(dir, 0500);
		CHECK(!bans_add(b, "10.0.0.9", far, NULL, err, sizeof err));
		CHECK(strstr(err, path) != NULL);
		CHECK(!bans_match(b, "10.0.0.9", time(NULL)));
		CHECK(!bans_lift(b, K1, err, sizeof err));
		CHECK(bans_match(b, K1, time(NULL)));
		chmod(dir, 0700);
	}
	CHECK(entries() == 1);
	bans_free(b);
	/* A directory in its place: an error, not a crash. */
	unlink(path);
	mkdir(path, 0700);
	CHECK(bans_load(path, time(NULL), err, sizeof err) == NULL);
	CHECK(strstr(err, path) != NULL);
	rmdir(path);
}

/* Bounds: at most BANS_MAX bans kept, BANS_LINES_MAX lines read. */
static void
test_bounds(void)
{
	static char	 big[BANS_LINES_MAX * 24];
	struct bans	*b;
	char		 err[512];
	size_t		 n = 0;
	int		 i;

	for (i = 0; i < BANS_MAX + 10; i++)
		n += (size_t)snprintf(big + n, sizeof big - n,
		    "10.%d.%d.1 forever\n", i / 256, i % 256);
	write_file(big, n);
	b = bans_load(path, time(NULL), err, sizeof err);
	CHECK(b != NULL && bans_count(b) == BANS_MAX);
	CHECK(b != NULL && !bans_add(b, "192.0.2.1", BANS_FOREVER, NULL, err,
	    sizeof err) && strstr(err, "lift some") != NULL);
	/* Replacing one is still fine. */
	CHECK(b != NULL && bans_add(b, "10.0.0.1", BANS_FOREVER, "again",
	    err, sizeof err));
	bans_free(b);
	n = 0;
	for (i = 0; i < BANS_LINES_MAX; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "# %d\n", i);
	n += (size_t)snprintf(big + n, sizeof big - n, "192.0.2.2 forever\n");
	write_file(big, n);
	b = bans_load(path, time(NULL), err, sizeof err);
	CHECK(b != NULL && bans_count(b) == 0);
	bans_free(b);
	unlink(path);
}

int
main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_bans.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(path, sizeof path, "%s/bans.txt", dir);
	test_targets();
	test_hostile();
	test_changes();
	test_bounds();
	unlink(path);
	rmdir(dir);
	return unit_done("test_bans");
}
