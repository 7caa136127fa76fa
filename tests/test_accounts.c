/*
 * test_accounts.c -- unit tests of src/accounts.c: the accounts file
 * read with hostile lines in it (too long, not UTF-8, NUL bytes, bad
 * nicks and keys, extra fields, duplicate nicks in other case or as
 * look-alikes), registrations, bans, removal, reload.  Works in a
 * temporary directory; needs no display.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts.h"
#include "unit.h"

#define K1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define K2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define K3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"
#define K4 "sha256:4444444444444444444444444444444444444444444444444444444444444444"

static char	 dir[64], path[128];

static void
write_file(const char *body, size_t len)
{
	unit_put_file(path, body, len);
}

static char *
read_all(void)
{
	static char	 buf[65536];

	return unit_read_file(path, buf, sizeof buf, NULL);
}

#define OWNER(a, s)	accounts_owner((a), (s), strlen(s))

static void
test_hostile(void)
{
	char			 err[256], *body, *p;
	struct accounts		*a;
	size_t			 len;
	static const char	 head[] =
	    "# the accounts of this server\n"
	    "\n"
	    "ana " K1 "\n"
	    "   bia\t" K2 "   # Bia's laptop\n"
	    "ANA " K3 "\n"			/* case-folded duplicate */
	    "\xd0\xb0na " K3 "\n"		/* Cyrillic a: a look-alike */
	    "caio " K3 " extra\n"		/* a third field */
	    "caio sha256:12\n"			/* a short key */
	    "caio -\n"				/* no key */
	    "caio\n"				/* no key at all */
	    "bad\xff " K3 "\n"			/* not UTF-8 */
	    "nick\xc0\xaf " K3 "\n"		/* overlong */
	    "has space " K3 "\n"
	    "!" K4 "\n"
	    "! notakey\n"
	    "dani " K3 "\r\n";			/* CRLF */

	/* head + a NUL line + a 5000-byte line + a final line w/o \n */
	len = sizeof head - 1;
	body = malloc(len + 6000);
	memcpy(body, head, len);
	memcpy(body + len, "eva\0 " K3 "\n", 5 + sizeof K3);
	len += 5 + sizeof K3;
	p = body + len;
	memset(p, 'x', 5000);
	memcpy(p + 5000, " " K3 "\n", sizeof K3 + 1);
	len += 5000 + sizeof K3 + 1;
	memcpy(body + len, "fabi " K4, 5 + sizeof K4 - 1);
	len += 5 + sizeof K4 - 1;
	write_file(body, len);
	free(body);

	a = accounts_load(path, err, sizeof err);
	CHECK(a != NULL);
	if (a == NULL)
		return;
	CHECK(accounts_count(a) == 4);
	CHECK_STR(OWNER(a, "ana"), K1);
	CHECK_STR(OWNER(a, "Ana"), K1);		/* any case */
	CHECK_STR(OWNER(a, "\xd0\xb0na"), K1);	/* the look-alike is ana */
	CHECK_STR(OWNER(a, "BIA"), K2);
	CHECK(OWNER(a, "caio") == NULL);
	CHECK_STR(OWNER(a, "dani"), K3);
	CHECK(OWNER(a, "eva") == NULL);
	CHECK_STR(OWNER(a, "fabi"), K4);	/* last line, no newline */
	CHECK(OWNER(a, "xxxxxxxxxxxxxxxx") == NULL);
	CHECK(accounts_banned(a, K4));
	CHECK(!accounts_banned(a, K1));
	CHECK(accounts_member(a, K2));
	CHECK(!accounts_member(a, "sha256:5555555555555555555555555555555555555555555555555555555555555555"));
	CHECK_STR(accounts_nick_of(a, K3), "dani");
	accounts_free(a);
}

static void
test_changes(void)
{
	char		 err[256];
	const char	*nick, *key, *s;
	struct accounts	*a, *b;

	unlink(path);
	a = accounts_load(path, err, sizeof err);	/* missing: empty */
	CHECK(a != NULL && accounts_count(a) == 0);
	if (a == NULL)
		return;
	CHECK(accounts_register(a, "ana", 3, K1, err, sizeof err));
	{
		struct stat	 st;

		CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	}
	CHECK(!accounts_register(a, "ANA", 3, K2, err, sizeof err));
	CHECK(!accounts_register(a, "bia", 3, "-", err, sizeof err));
	CHECK(accounts_register(a, "bia", 3, K2, err, sizeof err));
	CHECK(accounts_register(a, "biazinha", 8, K2, err, sizeof err));
	CHECK_STR(accounts_nick_of(a, K2), "biazinha");	/* the last */
	CHECK(accounts_ban(a, K3, err, sizeof err));
	CHECK(accounts_ban(a, K3, err, sizeof err));	/* once only */
	CHECK(!accounts_ban(a, "sha256:zz", err, sizeof err));
	CHECK_STR(read_all(), "ana " K1 "\nbia " K2 "\nbiazinha " K2 "\n!"
	    K3 "\n");

	/* another reader sees the same registry */
	b = accounts_load(path, err, sizeof err);
	CHECK(b != NULL && accounts_count(b) == 3 && accounts_banned(b, K3));
	accounts_free(b);

	CHECK(accounts_remove(a, "bia", err, sizeof err));
	CHECK(OWNER(a, "bia") == NULL);
	CHECK_STR(OWNER(a, "biazinha"), K2);
	CHECK(accounts_count(a) == 2);
	accounts_at(a, 0, &nick, &key);
	CHECK_STR(nick, "ana");
	CHECK_STR(key, K1);
	CHECK(accounts_banned(a, K3));
	CHECK(accounts_nbans(a) == 1);
	CHECK_STR(accounts_ban_at(a, 0), K3);
	CHECK_STR(read_all(), "ana " K1 "\nbiazinha " K2 "\n!" K3 "\n");

	/* an edit by hand, then a reload (SIGHUP) */
	s = "# by hand\ncaio " K4 "\n";
	write_file(s, strlen(s));
	CHECK(accounts_reload(a, err, sizeof err));
	CHECK(accounts_count(a) == 1);
	CHECK_STR(OWNER(a, "caio"), K4);
	CHECK(!accounts_banned(a, K3) && accounts_nbans(a) == 0);
	s = accounts_path(a);
	CHECK_STR(s, path);

	/* an unreadable file keeps what was read */
	if (geteuid() != 0) {
		chmod(path, 0);
		CHECK(!accounts_reload(a, err, sizeof err));
		CHECK(strstr(err, path) != NULL);
		CHECK_STR(OWNER(a, "caio"), K4);
		chmod(path, 0600);
	}
	accounts_free(a);
}

int
main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_accounts.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(path, sizeof path, "%s/accounts.txt", dir);
	test_hostile();
	test_changes();
	unlink(path);
	rmdir(dir);
	return unit_done("test_accounts");
}
