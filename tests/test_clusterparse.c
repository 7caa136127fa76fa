/*
 * test_clusterparse.c -- unit tests of src/clusterparse.c: stream
 * entries as Redis sends them (RESP bytes through hiredis's own
 * reader), good ones taken field by field, hostile ones (bad numbers,
 * nicks, digests, times, texts, shapes) refused, XREAD's shapes, the
 * client hash values, ban entries and values, the store addresses of
 * -cluster.  Needs no
 * Redis and no display.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "cluster.h"
#include "clusterparse.h"
#include "unit.h"

static struct cl_entry	 last;
static unsigned		 seen;

static void
take(void *arg, const struct cl_entry *e)
{
	(void)arg;
	last = *e;
	seen++;
}

/* RESP bulk strings of an entry: "*2 $id *2k f v ...". */
static size_t
entry_resp(char *dst, size_t cap, const char *id, const char **kv,
    size_t nkv)
{
	size_t	 n, i;

	n = (size_t)snprintf(dst, cap, "*2\r\n$%zu\r\n%s\r\n*%zu\r\n",
	    strlen(id), id, nkv);
	for (i = 0; i < nkv; i++)
		n += (size_t)snprintf(dst + n, cap - n, "$%zu\r\n%s\r\n",
		    strlen(kv[i]), kv[i]);
	return n;
}

static redisReply *
parse(const char *buf, size_t len)
{
	redisReader	*rd = redisReaderCreate();
	void		*r = NULL;

	redisReaderFeed(rd, buf, len);
	if (redisReaderGetReply(rd, &r) != REDIS_OK)
		r = NULL;
	redisReaderFree(rd);
	return r;
}

#define MSGKV(n, nick, md5, time, text) \
	{ "t", "m", "n", n, "id", "7", "srv", "h:1", "nick", nick, \
	  "md5", md5, "sig", "-", "key", "-", "spki", "-", "time", time, \
	  "text", text }
#define MD5	"5d41402abc4b2a76b9719d911017c592"
#define TIME	"2026-12-02T10:00:00.000Z"

/* One message entry with these fields: does it parse? */
static bool
msg_ok(const char *n, const char *nick, const char *md5, const char *time,
    const char *text)
{
	const char	*kv[] = MSGKV(n, nick, md5, time, text);
	char		 buf[16384];
	redisReply	*r;
	struct cl_entry	 e;
	bool		 ok;

	r = parse(buf, entry_resp(buf, sizeof buf, "1-0", kv, 22));
	CHECK(r != NULL);
	ok = r != NULL && cl_entry_parse(r, &e);
	if (ok) {
		CHECK(e.type == 'm' && e.id == 7);
		CHECK(strcmp(e.sid, "1-0") == 0);
	}
	freeReplyObject(r);
	return ok;
}

static void
test_entries(void)
{
	char	 big[5000];

	CHECK(msg_ok("1", "ana", MD5, TIME, "hello"));
	CHECK(msg_ok("18446744073709551615", "ana", MD5, TIME, "hello"));
	CHECK(!msg_ok("18446744073709551616", "ana", MD5, TIME, "hello"));
	CHECK(!msg_ok("0", "ana", MD5, TIME, "hello"));
	CHECK(!msg_ok("01", "ana", MD5, TIME, "hello"));
	CHECK(!msg_ok("-1", "ana", MD5, TIME, "hello"));
	CHECK(!msg_ok("1", "a na", MD5, TIME, "hello"));
	CHECK(!msg_ok("1", "a:b", MD5, TIME, "hello"));
	CHECK(!msg_ok("1", "", MD5, TIME, "hello"));
	CHECK(!msg_ok("1", "ana", "5D41402ABC4B2A76B9719D911017C592", TIME,
	    "hello"));
	CHECK(!msg_ok("1", "ana", "xyz", TIME, "hello"));
	CHECK(!msg_ok("1", "ana", MD5, "yesterday", "hello"));
	CHECK(!msg_ok("1", "ana", MD5, TIME, "two\nlines"));
	CHECK(!msg_ok("1", "ana", MD5, TIME, "bell\a"));
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK(!msg_ok("1", "ana", MD5, TIME, big));
	big[4000] = '\0';
	CHECK(msg_ok("1", "ana", MD5, TIME, big));
}

static void
test_shapes(void)
{
	static const char *join[] = { "t", "j", "id", "9", "srv", "h:2",
	    "nick", "rui", "key", "-", "spki", "-" };
	static const char *leave[] = { "t", "l", "id", "9", "srv", "h:2",
	    "nick", "rui", "reason", "split" };
	static const char *badleave[] = { "t", "l", "id", "9", "srv", "h:2",
	    "nick", "rui", "reason", "Split now" };
	static const char *odd[] = { "t", "j", "id" };
	static const char *what[] = { "t", "z", "id", "9", "srv", "h",
	    "nick", "x" };
	char		 buf[4096], resp[8192];
	size_t		 n, len;
	redisReply	*r;
	unsigned	 bad = 0;

	/* XREAD: [[stream, [entries]]]; the bad ones counted, skipped. */
	len = (size_t)snprintf(resp, sizeof resp,
	    "*1\r\n*2\r\n$10\r\nxchat:conv\r\n*5\r\n");
	n = entry_resp(buf, sizeof buf, "1-1", join, 12);
	memcpy(resp + len, buf, n);
	len += n;
	n = entry_resp(buf, sizeof buf, "1-2", badleave, 10);
	memcpy(resp + len, buf, n);
	len += n;
	n = entry_resp(buf, sizeof buf, "1-3", odd, 3);
	memcpy(resp + len, buf, n);
	len += n;
	n = entry_resp(buf, sizeof buf, "1-4", what, 8);
	memcpy(resp + len, buf, n);
	len += n;
	n = entry_resp(buf, sizeof buf, "1-5", leave, 10);
	memcpy(resp + len, buf, n);
	len += n;
	r = parse(resp, len);
	CHECK(r != NULL);
	seen = 0;
	CHECK(cl_xread_each(r, take, NULL, &bad));
	/* Every entry is handed on (its id moves the reader on). */
	CHECK(seen == 5);
	CHECK(bad == 3);
	CHECK(last.type == 'l' && last.id == 9 && strcmp(last.sid, "1-5") ==
	    0);
	freeReplyObject(r);

	/* A bad field after a good type: handed on as type 0, never as
	 * a join with id 0 (found by fuzz_cluster). */
	{
		static const char *half[] = { "t", "j", "id", "0x" };
		struct cl_entry e;

		n = entry_resp(buf, sizeof buf, "2-0", half, 4);
		r = parse(buf, n);
		CHECK(r != NULL && !cl_entry_parse(r, &e) && e.type == 0);
		CHECK(strcmp(e.sid, "2-0") == 0);
		freeReplyObject(r);
	}

	r = parse("$-1\r\n", 5);		/* a timeout: no entry */
	seen = 0;
	CHECK(r != NULL && cl_xread_each(r, take, NULL, NULL) && seen == 0);
	freeReplyObject(r);
	r = parse(":5\r\n", 4);
	CHECK(r != NULL && !cl_xread_each(r, take, NULL, NULL));
	freeReplyObject(r);
	r = parse("*1\r\n:5\r\n", 8);
	CHECK(r != NULL && !cl_xread_each(r, take, NULL, NULL));
	freeReplyObject(r);
}

static void
test_clients(void)
{
	struct cl_str	 k, s, n;
	const char	*v = "- - ana";

	CHECK(cl_client_parse(v, strlen(v), &k, &s, &n));
	CHECK(n.len == 3 && memcmp(n.p, "ana", 3) == 0);
	v = "- -";
	CHECK(!cl_client_parse(v, strlen(v), &k, &s, &n));
	v = "nokey - ana";
	CHECK(!cl_client_parse(v, strlen(v), &k, &s, &n));
	v = "- - a b";
	CHECK(!cl_client_parse(v, strlen(v), &k, &s, &n));
}

/* A ban entry ('b', 'u') of n fields kv: does it parse? */
static bool
ban_ok(const char **kv, size_t n)
{
	char		 buf[4096];
	redisReply	*r;
	struct cl_entry	 e;
	bool		 ok;

	r = parse(buf, entry_resp(buf, sizeof buf, "2-0", kv, n));
	CHECK(r != NULL);
	ok = r != NULL && cl_entry_parse(r, &e);
	last = e;
	freeReplyObject(r);
	return ok;
}

static void
test_bans(void)
{
	const char	*b1[] = { "t", "b", "srv", "h:1", "target",
	    "127.0.0.1", "until", "forever", "text", "spam" };
	const char	*b2[] = { "t", "b", "srv", "h:1", "target",
	    "10.0.0.1", "until", "1790000000", "text", "" };
	const char	*u1[] = { "t", "u", "srv", "h:1", "target", "::1" };
	const char	*bad1[] = { "t", "b", "srv", "h:1", "target",
	    "1.2.3.4 x", "until", "forever", "text", "" };
	const char	*bad2[] = { "t", "b", "srv", "h:1", "target",
	    "1.2.3.4", "until", "soon", "text", "" };
	const char	*bad3[] = { "t", "b", "srv", "h:1", "target",
	    "1.2.3.4", "until", "forever", "text", "bell\a" };
	const char	*bad4[] = { "t", "u", "target", "1.2.3.4" };
	const char	*bad5[] = { "t", "b", "srv", "h:1", "target",
	    "1.2.3.4", "until", "forever" };
	struct cl_str	 reason;
	uint64_t	 until;
	const char	*v;

	CHECK(ban_ok(b1, 10) && last.type == 'b' && last.until == 0 &&
	    last.target.len == 9 && last.text.len == 4);
	CHECK(ban_ok(b2, 10) && last.until == 1790000000);
	CHECK(ban_ok(u1, 6) && last.type == 'u');
	CHECK(!ban_ok(bad1, 10));
	CHECK(!ban_ok(bad2, 10));
	CHECK(!ban_ok(bad3, 10));
	CHECK(!ban_ok(bad4, 4));
	CHECK(!ban_ok(bad5, 8));
	v = "forever spam and eggs";
	CHECK(cl_ban_parse(v, strlen(v), &until, &reason) && until == 0 &&
	    reason.len == 13);
	v = "1790000000";
	CHECK(cl_ban_parse(v, strlen(v), &until, &reason) &&
	    until == 1790000000 && reason.len == 0);
	v = "later spam";
	CHECK(!cl_ban_parse(v, strlen(v), &until, &reason));
	v = "0 spam";
	CHECK(!cl_ban_parse(v, strlen(v), &until, &reason));
	v = "forever ctl\001here";
	CHECK(!cl_ban_parse(v, strlen(v), &until, &reason));
}

static void
test_store(void)
{
	char	 host[256], err[256];
	int	 port, db;

	CHECK(cluster_parse_store("redis://h:7000/3", host, sizeof host,
	    &port, &db, err, sizeof err));
	CHECK(strcmp(host, "h") == 0 && port == 7000 && db == 3);
	CHECK(cluster_parse_store("redis://127.0.0.1", host, sizeof host,
	    &port, &db, err, sizeof err));
	CHECK(port == 6379 && db == 0);
	CHECK(cluster_parse_store("/run/redis/redis.sock", host, sizeof host,
	    &port, &db, err, sizeof err));
	CHECK(port == -1 && strcmp(host, "/run/redis/redis.sock") == 0);
	CHECK(!cluster_parse_store("h:7000", host, sizeof host, &port, &db,
	    err, sizeof err));
	CHECK(!cluster_parse_store("redis://:7000", host, sizeof host, &port,
	    &db, err, sizeof err));
	CHECK(!cluster_parse_store("redis://h:0", host, sizeof host, &port,
	    &db, err, sizeof err));
	CHECK(!cluster_parse_store("redis://h:70000", host, sizeof host,
	    &port, &db, err, sizeof err));
	CHECK(!cluster_parse_store("redis://h:1x", host, sizeof host, &port,
	    &db, err, sizeof err));
	CHECK(!cluster_parse_store("redis://h/x", host, sizeof host, &port,
	    &db, err, sizeof err));
}

int
main(void)
{
	test_entries();
	test_shapes();
	test_clients();
	test_bans();
	test_store();
	return unit_done("test_clusterparse");
}
