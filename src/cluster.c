/*
 * cluster.c -- the hub as a member of a cluster of servers sharing one
 * Redis store (doc/CLUSTER.md): the store's state machine (down,
 * joining, up, with reconnection and a watchdog), the round's batch of
 * operations sent as one script call, the reader of the conversation
 * stream on its own connection (XREAD BLOCK), the heartbeat that keeps
 * this server present and declares the silent ones dead, and the table
 * of the other servers' clients.  Every store call is asynchronous
 * (redis_evloop.c); nothing here blocks the loop.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "accounts.h"
#include "bans.h"
#include "cluster.h"
#include "clusterparse.h"
#include "evloop.h"
#include "fanout.h"
#include "history.h"
#include "hub.h"
#include "hub_int.h"
#include "log.h"
#include "msglog.h"
#include "nickrules.h"
#include "protocol.h"
#include "redis_evloop.h"
#include "u64map.h"
#include "xmalloc.h"

#define ID_BLOCK	64		/* ids asked for at a time */
#define STREAM_MAX	"100000"	/* entries kept (MAXLEN ~) */
#define READ_BLOCK	2000		/* ms of XREAD BLOCK */
#define READ_COUNT	"1000"		/* entries per XREAD */
#define RETRY_MIN	250		/* ms: first reconnection delay */
#define RETRY_MAX	2000
#define OP_FIELDS	11		/* ARGV slots per operation */

/* Lua: the round's operations, in order (doc/CLUSTER.md). */
static const char round_lua[] =
"local P, me, mx = ARGV[1], ARGV[2], ARGV[3]\n"
"if not redis.call('ZSCORE', P..':servers', me) then\n"
"  return redis.error_reply('SPLIT this server is not in the cluster')\n"
"end\n"
"local C, H = P..':conv', P..':srv:'..me..':clients'\n"
"local NS = P..':srv:'..me..':nicks'\n"
"local out, nm = {}, 0\n"
"for i = 4, #ARGV, 11 do\n"
"  if ARGV[i] == 'm' or ARGV[i] == 'd' then nm = nm + 1 end\n"
"end\n"
"local n = 0\n"
"if nm > 0 then n = redis.call('INCRBY', P..':n', nm) - nm end\n"
"for i = 4, #ARGV, 11 do\n"
"  local t, id, nick = ARGV[i], ARGV[i+1], ARGV[i+2]\n"
"  local r = 0\n"
"  if t == 'm' then\n"
"    n = n + 1\n"
"    r = n\n"
"    redis.call('XADD', C, 'MAXLEN', '~', mx, '*', 't', 'm', 'n', r,\n"
"      'id', id, 'srv', me, 'nick', nick, 'md5', ARGV[i+3],\n"
"      'sig', ARGV[i+4], 'key', ARGV[i+5], 'spki', ARGV[i+6],\n"
"      'time', ARGV[i+7], 'text', ARGV[i+8])\n"
"  elseif t == 'd' then\n"
"    n = n + 1\n"
"    r = n\n"
"    redis.call('XADD', C, 'MAXLEN', '~', mx, '*', 't', 'd', 'n', r,\n"
"      'id', id, 'srv', me, 'nick', nick, 'md5', ARGV[i+3],\n"
"      'sig', ARGV[i+4], 'key', ARGV[i+5], 'spki', ARGV[i+6],\n"
"      'time', ARGV[i+7], 'text', ARGV[i+8], 'to', ARGV[i+9],\n"
"      'tokey', ARGV[i+10])\n"
"  elseif t == 'j' then\n"
"    redis.call('HSET', H, id, ARGV[i+5]..' '..ARGV[i+6]..' '..nick)\n"
"    redis.call('XADD', C, 'MAXLEN', '~', mx, '*', 't', 'j', 'id', id,\n"
"      'srv', me, 'nick', nick, 'key', ARGV[i+5], 'spki', ARGV[i+6])\n"
"  elseif t == 'l' then\n"
"    redis.call('HDEL', H, id)\n"
"    local nk = ARGV[i+10]\n"
"    if nk ~= '' then\n"
"      if redis.call('GET', P..':nick:'..nk) == me..' '..id then\n"
"        redis.call('DEL', P..':nick:'..nk)\n"
"        redis.call('SREM', NS, nk)\n"
"      end\n"
"    end\n"
"    redis.call('XADD', C, 'MAXLEN', '~', mx, '*', 't', 'l', 'id', id,\n"
"      'srv', me, 'nick', nick, 'reason', ARGV[i+9])\n"
"  elseif t == 'a' then\n"
"    redis.call('XADD', C, 'MAXLEN', '~', mx, '*', 't', 'a', 'id', id,\n"
"      'srv', me, 'nick', nick, 'text', ARGV[i+8])\n"
"  elseif t == 'q' then\n"
"    local cl = redis.call('HGETALL', H)\n"
"    for k = 1, #cl, 2 do\n"
"      redis.call('XADD', C, 'MAXLEN', '~', mx, '*', 't', 'l',\n"
"        'id', cl[k], 'srv', me, 'nick',\n"
"        string.match(cl[k+1], '^%S+ %S+ (.+)$') or 'user'..cl[k],\n"
"        'reason', 'shutdown')\n"
"    end\n"
"    for _, k in ipairs(redis.call('SMEMBERS', NS)) do\n"
"      local v = redis.call('GET', P..':nick:'..k)\n"
"      if v and string.sub(v, 1, #me + 1) == me..' ' then\n"
"        redis.call('DEL', P..':nick:'..k)\n"
"      end\n"
"    end\n"
"    redis.call('DEL', H, NS)\n"
"    redis.call('ZREM', P..':servers', me)\n"
"  end\n"
"  out[#out+1] = r\n"
"end\n"
"return out\n";

/*
 * Lua: claim a nick (uniqueness key) for a client, release its old;
 * the shared registry (P:reg:<key>: the owner's fingerprint) refuses
 * a nick registered to another key and, on an open server, registers
 * a free one to a keyed client.  0: refused, 1: taken, 2: and
 * registered.
 */
static const char nick_lua[] =
"local P, me, id, nick, nk, old = ARGV[1], ARGV[2], ARGV[3], ARGV[4],\n"
"  ARGV[5], ARGV[6]\n"
"if not redis.call('ZSCORE', P..':servers', me) then\n"
"  return redis.error_reply('SPLIT this server is not in the cluster')\n"
"end\n"
"local v, NS = me..' '..id, P..':srv:'..me..':nicks'\n"
"local reg = 0\n"
"if nk ~= '' then\n"
"  local owner = redis.call('GET', P..':reg:'..nk)\n"
"  if owner and owner ~= ARGV[7] then return 0 end\n"
"  local cur = redis.call('GET', P..':nick:'..nk)\n"
"  if cur and cur ~= v then return 0 end\n"
"  if not owner and ARGV[7] ~= '-' and ARGV[10] == 'open' then\n"
"    redis.call('SET', P..':reg:'..nk, ARGV[7])\n"
"    redis.call('HSET', P..':owns:'..ARGV[7], 'k', nk, 'n', nick)\n"
"    reg = 1\n"
"  end\n"
"  redis.call('SET', P..':nick:'..nk, v)\n"
"  redis.call('SADD', NS, nk)\n"
"end\n"
"if old ~= '' and old ~= nk and\n"
"    redis.call('GET', P..':nick:'..old) == v then\n"
"  redis.call('DEL', P..':nick:'..old)\n"
"  redis.call('SREM', NS, old)\n"
"end\n"
"redis.call('HSET', P..':srv:'..me..':clients', id,\n"
"  ARGV[7]..' '..ARGV[8]..' '..nick)\n"
"redis.call('XADD', P..':conv', 'MAXLEN', '~', ARGV[9], '*', 't', 'k',\n"
"  'id', id, 'srv', me, 'nick', nick)\n"
"return 1 + reg\n";

/*
 * Lua: the nick a keyed client starts with: the one its key registered
 * last in the cluster (P:owns:<fp>), else the one this server's
 * accounts file gives (ARGV[5], its uniqueness key ARGV[6]), if it is
 * not registered to another key and no connection holds it: claimed
 * (SET NX).  Returns {nick, key}, or {} if none.
 */
static const char wnick_lua[] =
"local P, me, id, fp = ARGV[1], ARGV[2], ARGV[3], ARGV[4]\n"
"if not redis.call('ZSCORE', P..':servers', me) then\n"
"  return redis.error_reply('SPLIT this server is not in the cluster')\n"
"end\n"
"local o = redis.call('HMGET', P..':owns:'..fp, 'k', 'n')\n"
"local nk, nick = o[1], o[2]\n"
"if not nk or not nick then nk, nick = ARGV[6], ARGV[5] end\n"
"if nk == '' then return {} end\n"
"local owner = redis.call('GET', P..':reg:'..nk)\n"
"if owner and owner ~= fp then return {} end\n"
"if not redis.call('SET', P..':nick:'..nk, me..' '..id, 'NX') then\n"
"  return {}\n"
"end\n"
"redis.call('SADD', P..':srv:'..me..':nicks', nk)\n"
"return {nick, nk}\n";

/* Lua: release a nick claim (ARGV[3]) of client ARGV[4] if it holds it. */
static const char unclaim_lua[] =
"local P, me, k = ARGV[1], ARGV[2], ARGV[1]..':nick:'..ARGV[3]\n"
"if redis.call('GET', k) == me..' '..ARGV[4] then\n"
"  redis.call('DEL', k)\n"
"  redis.call('SREM', P..':srv:'..me..':nicks', ARGV[3])\n"
"end\n"
"return 1\n";

/* Lua: presence; the expired members are declared dead (split). */
static const char beat_lua[] =
"local P, me, ttl, mx = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]\n"
"local t = redis.call('TIME')\n"
"local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
"local S = P..':servers'\n"
"if not redis.call('ZSCORE', S, me) then return {-1, 0} end\n"
"redis.call('ZADD', S, now + ttl, me)\n"
"local dead = redis.call('ZRANGEBYSCORE', S, '-inf', now)\n"
"for _, d in ipairs(dead) do\n"
"  redis.call('ZREM', S, d)\n"
"  local H, NS = P..':srv:'..d..':clients', P..':srv:'..d..':nicks'\n"
"  local cl = redis.call('HGETALL', H)\n"
"  for i = 1, #cl, 2 do\n"
"    local nick = string.match(cl[i+1], '^%S+ %S+ (.+)$') or 'user'..cl[i]\n"
"    redis.call('XADD', P..':conv', 'MAXLEN', '~', mx, '*', 't', 'l',\n"
"      'id', cl[i], 'srv', d, 'nick', nick, 'reason', 'split')\n"
"  end\n"
"  for _, k in ipairs(redis.call('SMEMBERS', NS)) do\n"
"    local v = redis.call('GET', P..':nick:'..k)\n"
"    if v and string.sub(v, 1, #d + 1) == d..' ' then\n"
"      redis.call('DEL', P..':nick:'..k)\n"
"    end\n"
"  end\n"
"  redis.call('DEL', H, NS)\n"
"end\n"
"return {#dead, redis.call('ZCARD', S)}\n";

/*
 * Lua: (re)join with the local clients (5 ARGV each: id nick nickkey
 * key spki): presence, the clients' hash and nick claims made to match
 * them (j/l/k entries for what changed), and with a snapshot the other
 * servers' clients and the stream's tail.  Returns {last id, renamed
 * ids, {srv, hgetall}..., tail, the bans (hgetall)}.
 */
static const char join_lua[] =
"local P, me, ttl, mx, hn, snap = ARGV[1], ARGV[2], tonumber(ARGV[3]),\n"
"  ARGV[4], ARGV[5], ARGV[6]\n"
"local t = redis.call('TIME')\n"
"local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
"local S, C = P..':servers', P..':conv'\n"
"local H, NS = P..':srv:'..me..':clients', P..':srv:'..me..':nicks'\n"
"redis.call('ZADD', S, now + ttl, me)\n"
"local old, oldv = redis.call('HGETALL', H), {}\n"
"for i = 1, #old, 2 do oldv[old[i]] = old[i+1] end\n"
"for _, k in ipairs(redis.call('SMEMBERS', NS)) do\n"
"  local v = redis.call('GET', P..':nick:'..k)\n"
"  if v and string.sub(v, 1, #me + 1) == me..' ' then\n"
"    redis.call('DEL', P..':nick:'..k)\n"
"  end\n"
"end\n"
"redis.call('DEL', H, NS)\n"
"local renamed, seen = {}, {}\n"
"for i = 7, #ARGV, 5 do\n"
"  local id, nick, nk, key, spki = ARGV[i], ARGV[i+1], ARGV[i+2],\n"
"    ARGV[i+3], ARGV[i+4]\n"
"  if nk ~= '' then\n"
"    if redis.call('SET', P..':nick:'..nk, me..' '..id, 'NX') then\n"
"      redis.call('SADD', NS, nk)\n"
"    else\n"
"      nick = 'user'..id\n"
"      renamed[#renamed+1] = id\n"
"    end\n"
"  end\n"
"  local val = key..' '..spki..' '..nick\n"
"  redis.call('HSET', H, id, val)\n"
"  seen[id] = true\n"
"  if not oldv[id] then\n"
"    redis.call('XADD', C, 'MAXLEN', '~', mx, '*', 't', 'j', 'id', id,\n"
"      'srv', me, 'nick', nick, 'key', key, 'spki', spki)\n"
"  elseif oldv[id] ~= val then\n"
"    redis.call('XADD', C, 'MAXLEN', '~', mx, '*', 't', 'k', 'id', id,\n"
"      'srv', me, 'nick', nick)\n"
"  end\n"
"end\n"
"for id, v in pairs(oldv) do\n"
"  if not seen[id] then\n"
"    local nick = string.match(v, '^%S+ %S+ (.+)$') or 'user'..id\n"
"    redis.call('XADD', C, 'MAXLEN', '~', mx, '*', 't', 'l', 'id', id,\n"
"      'srv', me, 'nick', nick, 'reason', 'split')\n"
"  end\n"
"end\n"
"local last = redis.call('XREVRANGE', C, '+', '-', 'COUNT', 1)\n"
"local lid = '0-0'\n"
"if #last > 0 then lid = last[1][1] end\n"
"local others, tail = {}, {}\n"
"if snap == '1' then\n"
"  for _, s in ipairs(redis.call('ZRANGE', S, 0, -1)) do\n"
"    if s ~= me then\n"
"      others[#others+1] = {s, redis.call('HGETALL',\n"
"        P..':srv:'..s..':clients')}\n"
"    end\n"
"  end\n"
"  tail = redis.call('XREVRANGE', C, '+', '-', 'COUNT', hn)\n"
"end\n"
"return {lid, renamed, others, tail, redis.call('HGETALL', P..':bans')}\n";

/* An operation of the round's batch. */
struct op {
	char		 type;		/* 'm' 'd' (a DM) 'j' 'l', 'q' this
					   server leaves */
	uint64_t	 to;		/* d: the recipient */
	uint64_t	 id;
	char		 seq[PROTO_MAX_SEQ + 1];
	char		 nick[PROTO_MAX_NICK + 1];
	char		 md5[DIGEST_MD5_HEX + 1];
	char		 sig[PROTO_SIG_B64 + 1];	/* "-": unsigned */
	char		 key[KEYS_FP_LEN];		/* "-": none */
	char		*spki;				/* or NULL */
	char		 time[PROTO_TIME_LEN + 1];
	char		 reason[33];
	char		*nickkey;			/* l: its claim */
	char		*text;
	size_t		 textlen;
	char		 peer[NETIO_ADDRSTRLEN];
	uint64_t	 n;		/* given by the store */
	bool		 gone;		/* m, d: NAK'd already (abandoned) */
};

struct batch {
	struct cluster	*cl;
	uint64_t	 sent_us;	/* when it went to the store */
	struct op	*ops;
	size_t		 nops;
	size_t		 cap;
	struct batch	*next;		/* cl->sent: waiting for their reply */
};

/* A client of another server. */
struct rcl {
	uint64_t	 id;
	unsigned	 idx;
	char		 srv[CLUSTER_MAX_SRV + 1];
	char		 nick[PROTO_MAX_NICK + 1];
	size_t		 nicklen;
	char		 key[KEYS_FP_LEN];	/* "" none */
	char		*spki;
	char		*away;			/* its text, or NULL */
};

/* A ban as the cluster keeps it. */
struct cban {
	char		 target[BANS_TARGET_MAX + 1];	/* canonical */
	time_t		 until;		/* BANS_FOREVER: for ever */
	char		*reason;	/* "" for none */
};

struct cbans {
	struct cban	*v;
	size_t		 n, cap;
};

/* A NICK waiting for the store. */
struct nickreq {
	struct cluster	*cl;
	uint64_t	 id;
	char		 nick[PROTO_MAX_NICK + 1];
	size_t		 len;
	uint64_t	 hash;
};

struct cluster {
	struct hub	*h;
	char		 host[512];
	int		 port;
	int		 db;
	char		*prefix;
	char		 self[CLUSTER_MAX_SRV + 1];
	unsigned long	 ttl_ms;	/* presence given by a heartbeat */
	unsigned long	 beat_ms;	/* heartbeat period */
	unsigned long	 timeout_ms;

	enum cluster_state state;
	redisAsyncContext *ac;		/* commands */
	redisAsyncContext *rd;		/* the reader */
	struct ev_timer	*retry;
	unsigned long	 backoff;
	struct ev_timer	*beat;
	uint64_t	 beat_sent;	/* ms; 0: none outstanding */
	uint64_t	 read_sent;	/* ms; 0: none outstanding */
	bool		 joined_once;	/* snapshot and tail taken */
	bool		 join_sent;
	bool		 read_from;	/* the reader knows where to start */
	char		 last_sid[CLUSTER_MAX_SID + 1];
	uint64_t	 last_n;	/* last message delivered */
	unsigned	 servers;
	unsigned	 bad;		/* malformed entries skipped */
	struct cluster_stats st;
	bool		 warned_down;
	bool		 leaving;	/* shutting down: nothing more sent */
	bool		 left;		/* the store answered the leave */
	struct ev_timer	*leave_wait;	/* its bound: the timeout */

	uint64_t	 id_next, id_end;	/* [next, end) */
	bool		 id_asked;

	struct batch	*cur;		/* this round's operations */
	struct batch	*sent;		/* sent, not answered yet */

	struct cbans	 bans;		/* the cluster's (every server's) */
	struct cbans	 pub;		/* this server's, as the store
					   last confirmed them */
	unsigned long	 bans_gen;	/* of the bans file, last sent */
	bool		 bans_full;	/* send them all again */

	struct rcl	**rc;
	unsigned	 nrc, caprc;
	struct u64map	 rbyid;
};

static void	store_connect(void *);
static void	store_down(struct cluster *, const char *why);
static void	bans_take(struct cluster *, const redisReply *);
static void	bans_publish(struct cluster *, bool retry);
static void	cbans_clear(struct cbans *);
static void	reader_next(struct cluster *);
static void	send_join(struct cluster *);

bool
cluster_parse_store(const char *s, char *host, size_t hostlen, int *port,
    int *db, char *err, size_t errlen)
{
	const char	*p, *c, *sl;
	char		*end;
	long		 v;

	*port = 6379;
	*db = 0;
	if (s[0] == '/') {
		if (strlen(s) >= hostlen || strlen(s) >= 100) {
			snprintf(err, errlen, "socket path too long");
			return false;
		}
		strcpy(host, s);
		*port = -1;
		return true;
	}
	if (strncmp(s, "redis://", 8) != 0) {
		snprintf(err, errlen, "%s: not redis://HOST[:PORT][/DB] nor "
		    "an absolute socket path", s);
		return false;
	}
	p = s + 8;
	sl = strchr(p, '/');
	c = memchr(p, ':', sl != NULL ? (size_t)(sl - p) : strlen(p));
	end = (char *)(c != NULL ? c : sl != NULL ? sl : p + strlen(p));
	if (end == p || (size_t)(end - p) >= hostlen) {
		snprintf(err, errlen, "%s: no host", s);
		return false;
	}
	memcpy(host, p, (size_t)(end - p));
	host[end - p] = '\0';
	if (c != NULL) {
		errno = 0;
		v = strtol(c + 1, &end, 10);
		if (end == c + 1 || errno != 0 || v < 1 || v > 65535 ||
		    (*end != '\0' && *end != '/')) {
			snprintf(err, errlen, "%s: bad port", s);
			return false;
		}
		*port = (int)v;
	}
	if (sl != NULL && sl[1] != '\0') {
		errno = 0;
		v = strtol(sl + 1, &end, 10);
		if (end == sl + 1 || *end != '\0' || errno != 0 || v < 0 ||
		    v > 1000000) {
			snprintf(err, errlen, "%s: bad database number", s);
			return false;
		}
		*db = (int)v;
	}
	return true;
}

/* Microseconds of a monotonic clock. */
static uint64_t
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Now, UTC, as the protocol's <time> (PROTO_TIME_LEN bytes and NUL). */
static void
time_now(char out[PROTO_TIME_LEN + 1])
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 b[64];
	int		 ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	ms = (int)(ts.tv_nsec / 1000000) % 1000;
	strftime(b, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(b + 19, sizeof b - 19, ".%03dZ", ms);
	memcpy(out, b, PROTO_TIME_LEN);
	out[PROTO_TIME_LEN] = '\0';
}

static void
batch_free(struct batch *b)
{
	size_t	 i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nops; i++) {
		free(b->ops[i].spki);
		free(b->ops[i].text);
		free(b->ops[i].nickkey);
	}
	free(b->ops);
	free(b);
}

static struct op *
op_new(struct cluster *cl, char type, const struct client *c)
{
	struct batch	*b;
	struct op	*o;

	if (cl->cur == NULL) {
		cl->cur = xcalloc(1, sizeof *cl->cur);
		cl->cur->cl = cl;
	}
	b = cl->cur;
	if (b->nops == b->cap) {
		b->cap = b->cap == 0 ? 64 : b->cap * 2;
		b->ops = xreallocarray(b->ops, b->cap, sizeof *b->ops);
	}
	o = &b->ops[b->nops++];
	memset(o, 0, sizeof *o);
	o->type = type;
	strcpy(o->sig, "-");
	evloop_round_request();
	if (c == NULL) {
		strcpy(o->nick, "-");
		strcpy(o->key, "-");
		return o;
	}
	o->id = c->id;
	memcpy(o->nick, c->nick, c->nicklen + 1);
	snprintf(o->key, sizeof o->key, "%s", c->key[0] != '\0' ? c->key :
	    "-");
	o->spki = c->spki != NULL ? xstrdup(c->spki) : NULL;
	snprintf(o->peer, sizeof o->peer, "%s", c->peer);
	return o;
}

/* The hub's state: NAK nolog with a text, for a message not stored. */
static void
nak_nolog(struct hub *h, uint64_t id, const char *seq, const char *why)
{
	struct client	*c = hub_client_by_id(h, id);
	char		 buf[PROTO_MAX_FRAME];

	h->st.rejected++;
	if (c == NULL || c->fp.state != FO_OPEN)
		return;
	hub_queue(c, buf, proto_encode_nak_text(buf, seq, strlen(seq),
	    "nolog", why, strlen(why)));
}

/* The same at once, to a frame of c's: after c's earlier answers. */
static void
nak_nolog_now(struct hub *h, struct client *c, const char *seq,
    const char *why)
{
	char	 buf[PROTO_MAX_FRAME];

	h->st.rejected++;
	hub_answer(c, buf, proto_encode_nak_text(buf, seq, strlen(seq),
	    "nolog", why, strlen(why)));
}

void
cluster_submit(struct cluster *cl, struct client *c,
    const struct proto_cmsg *m, const char *md5, uint64_t to,
    const char *tokey)
{
	struct hub	*h = cl->h;
	struct op	*o;
	char		 seq[PROTO_MAX_SEQ + 1];

	memcpy(seq, m->seq.p, m->seq.len);
	seq[m->seq.len] = '\0';
	if (cl->ac == NULL || !cl->join_sent) {
		nak_nolog_now(h, c, seq, "the cluster store is unreachable");
		return;
	}
	if (h->log_failing || h->start_peer != NULL) {
		nak_nolog_now(h, c, seq, "this server cannot write its log");
		return;
	}
	o = op_new(cl, to != 0 ? 'd' : 'm', c);
	c->inflight++;
	c->submitted++;
	if (to != 0) {
		o->to = to;
		/* The recipient's key, in the reason slot (a DM has none). */
		snprintf(o->reason, sizeof o->reason, "%llu",
		    (unsigned long long)to);
		o->nickkey = xstrdup(tokey != NULL ? tokey : "-");
	}
	memcpy(o->seq, seq, sizeof seq);
	memcpy(o->md5, md5, DIGEST_MD5_HEX + 1);
	if (m->sig.len == PROTO_SIG_B64 &&
	    proto_sig_valid(m->sig.p, m->sig.len)) {
		memcpy(o->sig, m->sig.p, PROTO_SIG_B64);
		o->sig[PROTO_SIG_B64] = '\0';
	}
	time_now(o->time);
	o->text = xmalloc(m->text.len + 1);
	memcpy(o->text, m->text.p, m->text.len);
	o->text[m->text.len] = '\0';
	o->textlen = m->text.len;
}

/* The uniqueness key of c's nick if it is one to claim, else NULL. */
static char *
claim_key(const struct client *c)
{
	char	 key[NICK_KEY_MAX], digits[PROTO_MAX_NICK];
	size_t	 klen;

	if ((klen = nick_key(c->nick, c->nicklen, key, sizeof key)) == 0 ||
	    nick_key_userid(key, klen, digits, sizeof digits))
		return NULL;
	return xstrdup(key);
}

void
cluster_joined(struct cluster *cl, struct client *c)
{
	if (cl->ac == NULL || !cl->join_sent)
		return;		/* the next join tells the store */
	(void)op_new(cl, 'j', c);
}

void
cluster_away(struct cluster *cl, struct client *c)
{
	struct op	*o;

	if (cl->ac == NULL || !cl->join_sent)
		return;
	o = op_new(cl, 'a', c);
	o->text = xstrdup(c->away != NULL ? c->away : "");
	o->textlen = strlen(o->text);
}

void
cluster_left(struct cluster *cl, struct client *c, const char *reason)
{
	struct op	*o;

	if (cl->ac == NULL || !cl->join_sent)
		return;
	o = op_new(cl, 'l', c);
	snprintf(o->reason, sizeof o->reason, "%s", reason);
	o->nickkey = claim_key(c);
}

/* Op o (a message) was answered: its client may be waiting for it. */
static void
op_answered(struct hub *h, const struct op *o)
{
	struct client	*c = hub_client_by_id(h, o->id);

	if (c != NULL)
		hub_inflight_done(c);
}

/*
 * NAK nolog c's messages of batch b, which will be answered no more;
 * each NAK is followed by the answers held behind it.
 */
static void
batch_abandon(struct hub *h, struct batch *b, struct client *c)
{
	struct op	*o;
	size_t		 i;

	for (i = 0; b != NULL && i < b->nops; i++) {
		o = &b->ops[i];
		if ((o->type != 'm' && o->type != 'd') || o->id != c->id ||
		    o->gone)
			continue;
		o->gone = true;
		nak_nolog(h, o->id, o->seq, "the cluster store did not "
		    "answer in time");
		hub_answered(c);
	}
}

void
cluster_abandon(struct cluster *cl, struct client *c)
{
	struct batch	*b, **v;
	size_t		 n = 0, i;

	/* Oldest first, as they were sent: cl->sent is newest first. */
	for (b = cl->sent; b != NULL; b = b->next)
		n++;
	v = xreallocarray(NULL, n + 1, sizeof *v);
	for (i = n, b = cl->sent; b != NULL; b = b->next)
		v[--i] = b;
	for (i = 0; i < n; i++)
		batch_abandon(cl->h, v[i], c);
	free(v);
	batch_abandon(cl->h, cl->cur, c);
	c->inflight = 0;
}

unsigned long
cluster_timeout_ms(const struct cluster *cl)
{
	return cl->timeout_ms;
}

/* Message o is stored and logged: OK to its sender, if still here. */
static void
op_ok(struct hub *h, const struct op *o)
{
	struct hub_client_info ci;
	struct client	*c;
	char		 buf[PROTO_MAX_FRAME];

	h->st.accepted++;
	if (o->type == 'd')
		h->st.dms++;
	if ((c = hub_client_by_id(h, o->id)) == NULL)
		return;
	if (o->type == 'd')
		c->dms++;
	else
		c->msgs++;
	hub_queue(c, buf, proto_encode_ok(buf, o->seq, strlen(o->seq), o->n));
	if (h->ev->accepted != NULL) {
		hub_info_of(c, &ci);
		h->ev->accepted(h->ui, &ci, o->n, o->md5, o->text,
		    o->textlen);
	}
	hub_inflight_done(c);
}

/* Write the log records of a stored batch; then OK each message. */
static void
batch_stored(struct cluster *cl, struct batch *b, const redisReply *r)
{
	struct hub	*h = cl->h;
	struct msglog_rec rec;
	struct op	*o;
	size_t		 i, nm = 0, written = 0, k;
	int		 err = 0;

	if (msglog_pending(h->log) > 0 && h->pend_from != NULL)
		hub_commit(h, h->pend_from);	/* cannot happen */
	for (i = 0; i < b->nops && i < r->elements; i++) {
		o = &b->ops[i];
		if ((o->type != 'm' && o->type != 'd') || o->gone ||
		    r->element[i]->type !=
		    REDIS_REPLY_INTEGER || r->element[i]->integer <= 0)
			continue;
		o->n = (uint64_t)r->element[i]->integer;
		memset(&rec, 0, sizeof rec);
		rec.n = o->n;
		rec.id = o->id;
		rec.nick = o->nick;
		rec.nicklen = strlen(o->nick);
		rec.peer = o->peer;
		rec.md5_recv = o->md5;
		rec.md5_comp = o->md5;
		rec.verdict = "accepted";
		rec.text = o->text;
		rec.textlen = o->textlen;
		if (strcmp(o->key, "-") != 0) {
			rec.key = o->key;
			rec.spki = o->spki;
		}
		rec.sig = strcmp(o->sig, "-") != 0 ? o->sig : NULL;
		if (o->type == 'd') {
			rec.to = o->to;
			if (strcmp(o->nickkey, "-") != 0)
				rec.tokey = o->nickkey;
		}
		if (nm++ == 0)
			msglog_begin(h->log);
		msglog_add(h->log, &rec);
	}
	if (nm > 0)
		written = msglog_commit(h->log, &err);
	for (i = 0, k = 0; i < b->nops; i++) {
		o = &b->ops[i];
		if ((o->type != 'm' && o->type != 'd') || o->gone)
			continue;
		if (o->n == 0 || k++ >= written) {
			nak_nolog(h, o->id, o->seq, o->n == 0 ?
			    "the cluster store refused it" :
			    "stored in the cluster, but this server could "
			    "not write its log");
			op_answered(h, o);
			continue;
		}
		op_ok(h, o);
	}
	if (err != 0)
		log_warnx("cannot write log %s: messages stored in the "
		    "cluster were refused (NAK nolog)", msglog_path(h->log));
}

/* The store's answer to a round's batch (NULL: the connection died). */
static void
batch_done(redisAsyncContext *ac, void *reply, void *arg)
{
	struct batch	*b = arg;
	struct cluster	*cl = b->cl;
	redisReply	*r = reply;
	const char	*why = "the cluster store is unreachable";
	struct batch	**bp;
	size_t		 i;

	(void)ac;
	cl->h->now = hub_now_ms();
	for (bp = &cl->sent; *bp != NULL; bp = &(*bp)->next)
		if (*bp == b) {
			*bp = b->next;
			break;
		}
	if (r != NULL && r->type == REDIS_REPLY_ARRAY) {
		uint64_t	 rtt = now_us() - b->sent_us;

		cl->st.batches++;
		cl->st.rtt_us += rtt;
		if (rtt > cl->st.rtt_max_us)
			cl->st.rtt_max_us = rtt;
		for (i = 0; i < b->nops; i++)
			if (b->ops[i].type == 'm' || b->ops[i].type == 'd')
				cl->st.msgs++;
		batch_stored(cl, b, r);
	} else {
		if (r != NULL && r->type == REDIS_REPLY_ERROR) {
			if (r->str != NULL &&
			    strncmp(r->str, "SPLIT", 5) == 0) {
				why = "this server was cut off from the "
				    "cluster; rejoining";
				if (cl->ac != NULL && cl->join_sent) {
					log_warnx("cluster: this server was "
					    "declared gone; rejoining");
					send_join(cl);
				}
			} else {
				why = "the cluster store refused it";
				log_warnx("cluster store: %s", r->str);
			}
		}
		for (i = 0; i < b->nops; i++)
			if ((b->ops[i].type == 'm' || b->ops[i].type == 'd') &&
			    !b->ops[i].gone) {
				nak_nolog(cl->h, b->ops[i].id, b->ops[i].seq,
				    why);
				op_answered(cl->h, &b->ops[i]);
			}
	}
	if (b->nops > 0 && b->ops[b->nops - 1].type == 'q') {
		cl->left = true;
		if (r == NULL)
			log_warnx("cluster: the store's connection closed "
			    "before it answered this server's leave");
	}
	batch_free(b);
	evloop_round_request();
}

/* Send the round's operations as one script call. */
void
cluster_round(struct cluster *cl)
{
	struct batch	*b = cl->cur;
	const char	**argv;
	size_t		*lens, n, i, a;
	struct op	*o;
	char		(*idbuf)[24];

	bans_publish(cl, false);
	if (b == NULL)
		return;
	cl->cur = NULL;
	if (cl->ac == NULL) {
		cl->cur = b;
		batch_done(NULL, NULL, b);
		cl->cur = NULL;
		return;
	}
	n = 6 + b->nops * OP_FIELDS;
	argv = xreallocarray(NULL, n, sizeof *argv);
	lens = xreallocarray(NULL, n, sizeof *lens);
	idbuf = xreallocarray(NULL, b->nops + 1, sizeof *idbuf);
	argv[0] = "EVAL";
	argv[1] = round_lua;
	argv[2] = "0";
	argv[3] = cl->prefix;
	argv[4] = cl->self;
	argv[5] = STREAM_MAX;
	for (i = 0, a = 6; i < b->nops; i++) {
		o = &b->ops[i];
		snprintf(idbuf[i], sizeof idbuf[i], "%llu",
		    (unsigned long long)o->id);
		argv[a++] = o->type == 'm' ? "m" : o->type == 'd' ? "d" :
		    o->type == 'j' ? "j" : o->type == 'l' ? "l" :
		    o->type == 'a' ? "a" : "q";
		argv[a++] = idbuf[i];
		argv[a++] = o->nick;
		argv[a++] = o->md5;
		argv[a++] = o->sig;
		argv[a++] = o->key;
		argv[a++] = o->spki != NULL ? o->spki : "-";
		argv[a++] = o->time;
		argv[a] = o->text != NULL ? o->text : "";
		lens[a++] = o->textlen;
		argv[a++] = o->reason;
		argv[a++] = o->nickkey != NULL ? o->nickkey : "";
	}
	for (i = 0; i < n; i++)
		if (i < 6 || (i - 6) % OP_FIELDS != 8)
			lens[i] = strlen(argv[i]);
	b->sent_us = now_us();
	b->next = cl->sent;
	cl->sent = b;
	if (redisAsyncCommandArgv(cl->ac, batch_done, b, (int)n, argv,
	    lens) != REDIS_OK) {
		cl->cur = NULL;
		batch_done(NULL, NULL, b);
	} else if (cl->state == CLUSTER_UP)
		/* Now, not a turn of the loop later (it never blocks). */
		redisAsyncHandleWrite(cl->ac);
	free(argv);
	free(lens);
	free(idbuf);
}

/* ---- bans: every server's, kept in the store and read by all ---- */

/*
 * Lua: this server's bans changed: ARGV from 4 on, 4 each: "b" target
 * until reason (set), or "u" target - - (lifted); P:bans is the
 * cluster's list (target -> "until reason"), and each change goes
 * into the stream for the others.
 */
static const char bans_lua[] =
"local P, me, mx = ARGV[1], ARGV[2], ARGV[3]\n"
"local B, C = P..':bans', P..':conv'\n"
"for i = 4, #ARGV, 4 do\n"
"  local t, target = ARGV[i], ARGV[i+1]\n"
"  if t == 'b' then\n"
"    local v = ARGV[i+2]\n"
"    if ARGV[i+3] ~= '' then v = v..' '..ARGV[i+3] end\n"
"    redis.call('HSET', B, target, v)\n"
"    redis.call('XADD', C, 'MAXLEN', '~', mx, '*', 't', 'b', 'srv', me,\n"
"      'target', target, 'until', ARGV[i+2], 'text', ARGV[i+3])\n"
"  else\n"
"    redis.call('HDEL', B, target)\n"
"    redis.call('XADD', C, 'MAXLEN', '~', mx, '*', 't', 'u', 'srv', me,\n"
"      'target', target)\n"
"  end\n"
"end\n"
"return 1\n";

/* A copy of this server's bans sent to the store, waiting for it. */
struct bansreq {
	struct cluster	*cl;
	struct cbans	 sent;
};

static size_t
cbans_find(const struct cbans *s, const char *target)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].target, target) == 0)
			break;
	return i;
}

static void
cbans_del(struct cbans *s, size_t i)
{
	free(s->v[i].reason);
	memmove(s->v + i, s->v + i + 1, (s->n - i - 1) * sizeof *s->v);
	s->n--;
}

static void
cbans_clear(struct cbans *s)
{
	while (s->n > 0)
		cbans_del(s, s->n - 1);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/*
 * Set the ban of target (canonical) in s: true if it is new or
 * changed.  At most BANS_MAX are kept: a new one beyond is not.
 */
static bool
cbans_set(struct cbans *s, const char *target, time_t until,
    const char *reason, size_t rlen)
{
	struct cban	*b;
	size_t		 i = cbans_find(s, target);

	if (i < s->n) {
		b = &s->v[i];
		if (b->until == until && strlen(b->reason) == rlen &&
		    memcmp(b->reason, reason, rlen) == 0)
			return false;
		free(b->reason);
	} else {
		if (s->n >= BANS_MAX)
			return false;
		if (s->n == s->cap) {
			s->cap = s->cap == 0 ? 16 : s->cap * 2;
			s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
		}
		b = &s->v[s->n++];
		snprintf(b->target, sizeof b->target, "%s", target);
	}
	b->until = until;
	b->reason = xstrndup(reason, rlen);
	return true;
}

static bool
cban_over(const struct cban *b, time_t now)
{
	return b->until != BANS_FOREVER && b->until <= now;
}

bool
cluster_banned(const struct cluster *cl, const char *target, time_t now)
{
	size_t	 i = cbans_find(&cl->bans, target);

	return i < cl->bans.n && !cban_over(&cl->bans.v[i], now);
}

/* A ban entry of the stream: the list changes; clients it bans go. */
static void
ban_apply(struct cluster *cl, const struct cl_entry *e)
{
	char	 t[BANS_TARGET_MAX + 1];
	size_t	 i;

	if (!bans_target(e->target.p, e->target.len, t) ||
	    (uint64_t)(time_t)e->until != e->until) {
		cl->bad++;
		return;
	}
	if (e->type == 'u') {
		if ((i = cbans_find(&cl->bans, t)) < cl->bans.n) {
			cbans_del(&cl->bans, i);
			log_info("cluster: ban lifted: %s (by %.*s)", t,
			    (int)e->srv.len, e->srv.p);
		}
		return;
	}
	if (!cbans_set(&cl->bans, t, (time_t)e->until, e->text.p,
	    e->text.len) || cban_over(&cl->bans.v[cbans_find(&cl->bans, t)],
	    time(NULL)))
		return;
	log_info("cluster: banned: %s (by %.*s)", t, (int)e->srv.len,
	    e->srv.p);
	hub_ban_kick(cl->h, t);
}

/* The list as the join found it (replacing ours: see CLUSTER.md). */
static void
bans_take(struct cluster *cl, const redisReply *r)
{
	struct cl_str	 reason;
	uint64_t	 until;
	char		 t[BANS_TARGET_MAX + 1];
	size_t		 i;
	time_t		 now = time(NULL);

	cbans_clear(&cl->bans);
	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	for (i = 0; i + 1 < r->elements; i += 2) {
		if (r->element[i]->type != REDIS_REPLY_STRING ||
		    r->element[i + 1]->type != REDIS_REPLY_STRING ||
		    !bans_target(r->element[i]->str, r->element[i]->len, t) ||
		    !cl_ban_parse(r->element[i + 1]->str,
		    r->element[i + 1]->len, &until, &reason) ||
		    (uint64_t)(time_t)until != until) {
			cl->bad++;
			continue;
		}
		if (until != 0 && (time_t)until <= now)
			continue;
		if (cbans_set(&cl->bans, t, (time_t)until, reason.p,
		    reason.len))
			hub_ban_kick(cl->h, t);
	}
}

/* The store took request q's bans (ok), or may not have. */
static void
bans_settle(struct bansreq *q, bool ok)
{
	if (ok) {
		cbans_clear(&q->cl->pub);
		q->cl->pub = q->sent;
	} else {
		q->cl->bans_full = true;	/* the next beat sends all */
		cbans_clear(&q->sent);
	}
	free(q);
}

static void
bans_done(redisAsyncContext *ac, void *reply, void *arg)
{
	redisReply	*r = reply;

	(void)ac;
	bans_settle(arg, r != NULL && r->type == REDIS_REPLY_INTEGER);
}

/* Send the changes (argv[6] to argv[n - 1]) of request q. */
static void
bans_send(struct cluster *cl, struct bansreq *q, const char **argv, size_t n)
{
	size_t	*lens, i;

	if (n == 6) {		/* nothing differs */
		bans_settle(q, true);
		return;
	}
	argv[0] = "EVAL";
	argv[1] = bans_lua;
	argv[2] = "0";
	argv[3] = cl->prefix;
	argv[4] = cl->self;
	argv[5] = STREAM_MAX;
	lens = xreallocarray(NULL, n, sizeof *lens);
	for (i = 0; i < n; i++)
		lens[i] = strlen(argv[i]);
	if (redisAsyncCommandArgv(cl->ac, bans_done, q, (int)n, argv, lens) !=
	    REDIS_OK)
		bans_settle(q, false);
	free(lens);
}

/* Add ban b to argv at a, as op "b" (its end as text in buf) or "u". */
static size_t
bans_arg(const char **argv, size_t a, char op, const struct cban *b,
    char *buf, size_t buflen)
{
	argv[a++] = op == 'b' ? "b" : "u";
	argv[a++] = b->target;
	if (op == 'b' && b->until != BANS_FOREVER)
		snprintf(buf, buflen, "%lld", (long long)b->until);
	else
		snprintf(buf, buflen, "%s", op == 'b' ? "forever" : "-");
	argv[a++] = buf;
	argv[a++] = op == 'b' ? b->reason : "";
	return a;
}

/*
 * This server's bans file changed (or, with bans_full and retry, the
 * store may have lost them: at a join, a heartbeat): send what differs
 * from what the store confirmed, as one script.
 */
static void
bans_publish(struct cluster *cl, bool retry)
{
	const struct bans *lb = cl->h->cfg.bans;
	struct bansreq	*q;
	const char	**argv, *tg, *rs;
	size_t		 i, j, a, n;
	char		(*tb)[24];
	time_t		 now = time(NULL), until;

	if (lb == NULL || cl->ac == NULL || cl->state != CLUSTER_UP ||
	    cl->leaving || (bans_generation(lb) == cl->bans_gen &&
	    (!cl->bans_full || !retry)))
		return;
	cl->bans_gen = bans_generation(lb);
	q = xcalloc(1, sizeof *q);
	q->cl = cl;
	for (i = 0; i < bans_count(lb); i++) {
		bans_at(lb, i, &tg, &until, &rs);
		if (until == BANS_FOREVER || until > now)
			(void)cbans_set(&q->sent, tg, until, rs, strlen(rs));
	}
	n = 6 + 4 * (q->sent.n + cl->pub.n);
	argv = xreallocarray(NULL, n, sizeof *argv);
	tb = xreallocarray(NULL, q->sent.n + cl->pub.n + 1, sizeof *tb);
	a = 6;
	/* Changed or new: set; confirmed before and gone since: lifted. */
	for (i = 0; i < q->sent.n; i++) {
		j = cbans_find(&cl->pub, q->sent.v[i].target);
		if (cl->bans_full || j == cl->pub.n ||
		    cl->pub.v[j].until != q->sent.v[i].until ||
		    strcmp(cl->pub.v[j].reason, q->sent.v[i].reason) != 0)
			a = bans_arg(argv, a, 'b', &q->sent.v[i], tb[(a - 6) /
			    4], sizeof tb[0]);
	}
	for (i = 0; i < cl->pub.n; i++)
		if (cbans_find(&q->sent, cl->pub.v[i].target) == q->sent.n)
			a = bans_arg(argv, a, 'u', &cl->pub.v[i], tb[(a - 6) /
			    4], sizeof tb[0]);
	cl->bans_full = false;
	bans_send(cl, q, argv, a);
	free(argv);
	free(tb);
}

/* ---- the other servers' clients ---- */

static struct rcl *
rcl_find(const struct cluster *cl, uint64_t id)
{
	uint64_t	 v;

	return u64map_get(&cl->rbyid, id, &v) ? (struct rcl *)(uintptr_t)v :
	    NULL;
}

static struct rcl *
rcl_add(struct cluster *cl, uint64_t id, const struct cl_str *srv,
    const struct cl_str *nick, const struct cl_str *key,
    const struct cl_str *spki)
{
	struct rcl	*r = xcalloc(1, sizeof *r);

	r->id = id;
	snprintf(r->srv, sizeof r->srv, "%.*s", (int)srv->len, srv->p);
	memcpy(r->nick, nick->p, nick->len);
	r->nicklen = nick->len;
	if (key->len != 1)
		snprintf(r->key, sizeof r->key, "%.*s", (int)key->len, key->p);
	if (spki->len != 1) {
		r->spki = xmalloc(spki->len + 1);
		memcpy(r->spki, spki->p, spki->len);
		r->spki[spki->len] = '\0';
	}
	if (cl->nrc == cl->caprc) {
		cl->caprc = cl->caprc == 0 ? 64 : cl->caprc * 2;
		cl->rc = xreallocarray(cl->rc, cl->caprc, sizeof *cl->rc);
	}
	r->idx = cl->nrc;
	cl->rc[cl->nrc++] = r;
	u64map_put(&cl->rbyid, id, (uint64_t)(uintptr_t)r);
	return r;
}

static void
rcl_del(struct cluster *cl, struct rcl *r)
{
	u64map_del(&cl->rbyid, r->id, (uint64_t)(uintptr_t)r);
	cl->rc[r->idx] = cl->rc[--cl->nrc];
	cl->rc[r->idx]->idx = r->idx;
	free(r->spki);
	free(r->away);
	free(r);
}

static void
rcl_clear(struct cluster *cl)
{
	while (cl->nrc > 0)
		rcl_del(cl, cl->rc[cl->nrc - 1]);
}

unsigned
cluster_users(struct cluster *cl, struct client *c)
{
	char		 buf[PROTO_MAX_FRAME_V2 + 64];
	struct rcl	*r;
	unsigned	 i;

	for (i = 0; i < cl->nrc; i++) {
		r = cl->rc[i];
		hub_queue(c, buf, proto_encode_user_v(buf, r->id, r->nick,
		    r->nicklen, c->version >= PROTO_V2 ? (r->key[0] != '\0' ?
		    r->key : "-") : NULL));
		if (r->away != NULL)
			hub_queue(c, buf, proto_encode_away_id(buf, r->id,
			    r->away, strlen(r->away)));
	}
	return cl->nrc;
}

bool
cluster_key_of(const struct cluster *cl, uint64_t id, const char **key,
    const char **spki)
{
	struct rcl	*r = rcl_find(cl, id);

	if (r == NULL || r->key[0] == '\0')
		return false;
	*key = r->key;
	*spki = r->spki;
	return true;
}

/* Tell the window about a client of another server. */
static void
tell_ui(struct cluster *cl, const struct rcl *r, const char *reason,
    const char *oldnick)
{
	struct hub	*h = cl->h;
	struct hub_client_info ci;
	char		 peer[CLUSTER_MAX_SRV + 2];

	memset(&ci, 0, sizeof ci);
	snprintf(peer, sizeof peer, "@%s", r->srv);
	ci.id = r->id;
	ci.nick = r->nick;
	ci.peer = peer;
	ci.key = r->key[0] != '\0' ? r->key : NULL;
	ci.version = 0;
	ci.server = r->srv;
	if (reason != NULL && h->ev->left != NULL)
		h->ev->left(h->ui, &ci, reason);
	else if (oldnick != NULL && h->ev->renamed != NULL)
		h->ev->renamed(h->ui, &ci, oldnick);
	else if (reason == NULL && oldnick == NULL && h->ev->joined != NULL)
		h->ev->joined(h->ui, &ci);
}

/* A JOIN of another server's client for the local clients. */
static void
tell_join(struct cluster *cl, const struct rcl *r)
{
	struct hub	*h = cl->h;
	char		 buf[PROTO_MAX_FRAME_V2 + 64];
	int		 v;

	for (v = PROTO_V1; v <= PROTO_V2; v++)
		fanout_broadcast_v(h->fo, h->nclients, 0, v, buf,
		    proto_encode_join_v(buf, r->id, r->nick, r->nicklen,
		    v >= PROTO_V2 ? (r->key[0] != '\0' ? r->key : "-") :
		    NULL));
}

/* ---- the reader ---- */

/* A message entry as the history and the fan-out take it. */
static void
hist_of(const struct cl_entry *e, struct hist_msg *hm)
{
	memset(hm, 0, sizeof *hm);
	hm->n = e->n;
	hm->id = e->id;
	hm->time = e->time.p;
	hm->nick = e->nick.p;
	hm->nicklen = e->nick.len;
	hm->md5 = e->md5.p;	/* lower case: the parser's check */
	hm->sig = e->sig.len == PROTO_SIG_B64 ? e->sig.p : NULL;
	hm->key = e->key.len > 1 ? e->key.p : NULL;
	hm->spki = e->spki.len > 1 ? e->spki.p : NULL;
	hm->text = e->text.p;
	hm->textlen = e->text.len;
}

/* A message from the stream: to every local client but its sender. */
static void
msg_deliver(struct cluster *cl, const struct cl_entry *e)
{
	struct hub	*h = cl->h;
	struct hist_msg	 hm;
	bool		 local;

	if (e->n <= cl->last_n)
		return;		/* seen (a reconnection) */
	cl->last_n = e->n;
	hist_of(e, &hm);
	history_add(h->hist, &hm);
	fanout_relay_add(h->fo, &hm);
	/* Never back to its sender; a remote sender is no local client
	 * (fanout takes one open peer and an except for the sender). */
	local = hub_client_by_id(h, e->id) != NULL;
	fanout_relay_send(h->fo, h->nclients, local ? e->id : 0);
	h->st.deliveries += h->njoined - (local ? 1 : 0);
}

/* A DM from the stream: to its recipient, if it is here; no history. */
static void
dm_deliver(struct cluster *cl, const struct cl_entry *e)
{
	struct hub	*h = cl->h;
	struct client	*o;
	char		 buf[PROTO_MAX_FRAME_V2 + 64];

	if (e->n <= cl->last_n)
		return;
	cl->last_n = e->n;
	if ((o = hub_client_by_id(h, e->to)) == NULL || !o->joined ||
	    o->fp.state != FO_OPEN)
		return;
	hub_queue(o, buf, proto_encode_relay_v(buf, o->version, PV_DM, e->n,
	    e->time.p, e->id, e->nick.p, e->nick.len, e->md5.p,
	    e->sig.len == PROTO_SIG_B64 ? e->sig.p : "-", e->text.p,
	    e->text.len));
	h->st.deliveries++;
}

const char *
cluster_dm_key(const struct cluster *cl, uint64_t id)
{
	struct rcl	*r = rcl_find(cl, id);

	if (r == NULL)
		return NULL;
	return r->key[0] != '\0' ? r->key : "-";
}

/* One stream entry, in stream order. */
static void
entry_apply(void *arg, const struct cl_entry *e)
{
	struct cluster	*cl = arg;
	struct hub	*h = cl->h;
	struct rcl	*r;
	char		 buf[PROTO_MAX_FRAME_V2 + 64], rs[33];
	bool		 mine = e->srv.len == strlen(cl->self) &&
			    memcmp(e->srv.p, cl->self, e->srv.len) == 0;

	snprintf(cl->last_sid, sizeof cl->last_sid, "%s", e->sid);
	cl->st.read_entries++;
	if (e->type == 0)
		return;		/* malformed: skipped (counted) */
	if (e->type == 'd') {
		dm_deliver(cl, e);
		return;
	}
	if (e->type == 'm') {
		msg_deliver(cl, e);
		return;
	}
	if (e->type == 'b' || e->type == 'u') {
		ban_apply(cl, e);
		return;
	}
	if (mine)
		return;		/* told locally already */
	r = rcl_find(cl, e->id);
	switch (e->type) {
	case 'j':
		if (r != NULL)
			return;		/* never twice */
		r = rcl_add(cl, e->id, &e->srv, &e->nick, &e->key, &e->spki);
		tell_join(cl, r);
		tell_ui(cl, r, NULL, NULL);
		break;
	case 'l':
		if (r == NULL)
			return;
		snprintf(rs, sizeof rs, "%.*s", (int)e->reason.len,
		    e->reason.p);
		hub_broadcast(h, NULL, buf, proto_encode_leave(buf, r->id,
		    r->nick, r->nicklen, rs));
		tell_ui(cl, r, rs, NULL);
		rcl_del(cl, r);
		break;
	case 'a':
		if (r == NULL)
			return;
		free(r->away);
		r->away = e->text.len > 0 ? xstrndup(e->text.p, e->text.len) :
		    NULL;
		hub_broadcast(h, NULL, buf, proto_encode_away_id(buf, r->id,
		    e->text.p, e->text.len));
		break;
	case 'k':
		if (r == NULL || (r->nicklen == e->nick.len &&
		    memcmp(r->nick, e->nick.p, e->nick.len) == 0))
			return;
		memcpy(rs, r->nick, r->nicklen + 1);
		memcpy(r->nick, e->nick.p, e->nick.len);
		r->nick[e->nick.len] = '\0';
		r->nicklen = e->nick.len;
		hub_broadcast(h, NULL, buf, proto_encode_nick(buf, r->id,
		    r->nick, r->nicklen));
		tell_ui(cl, r, NULL, rs);
		break;
	}
}

static void
reader_done(redisAsyncContext *ac, void *reply, void *arg)
{
	struct cluster	*cl = arg;

	(void)ac;
	cl->read_sent = 0;
	if (reply == NULL)
		return;		/* the reader's connection is gone */
	cl->h->now = hub_now_ms();
	if (!cl_xread_each(reply, entry_apply, cl, &cl->bad))
		log_warnx("cluster: unexpected reply to XREAD");
	evloop_round_request();
	reader_next(cl);
}

static void
reader_next(struct cluster *cl)
{
	char	 ms[16];

	if (cl->rd == NULL || !cl->read_from || cl->read_sent != 0)
		return;
	snprintf(ms, sizeof ms, "%d", READ_BLOCK);
	if (redisAsyncCommand(cl->rd, reader_done, cl,
	    "XREAD COUNT %s BLOCK %s STREAMS %s:conv %s", READ_COUNT, ms,
	    cl->prefix, cl->last_sid) == REDIS_OK) {
		cl->read_sent = hub_now_ms();
		if (cl->state == CLUSTER_UP)
			redisAsyncHandleWrite(cl->rd);
	}
}

/* ---- connections ---- */

static void
on_connect(const redisAsyncContext *ac, int status)
{
	struct cluster	*cl = ac->data;

	if (status != REDIS_OK && cl != NULL) {
		if (ac == cl->ac)
			cl->ac = NULL;
		if (ac == cl->rd)
			cl->rd = NULL;
		store_down(cl, ac->errstr);
	}
}

static void
on_disconnect(const redisAsyncContext *ac, int status)
{
	struct cluster	*cl = ac->data;

	(void)status;
	if (cl == NULL)
		return;
	if (ac == cl->ac)
		cl->ac = NULL;
	else if (ac == cl->rd) {
		cl->rd = NULL;
		cl->read_sent = 0;
	} else
		return;
	store_down(cl, ac->errstr[0] != '\0' ? ac->errstr :
	    "connection closed");
}

/* Drop both connections (from outside hiredis's callbacks). */
static void
store_close(struct cluster *cl)
{
	redisAsyncContext *a = cl->ac, *r = cl->rd;

	cl->ac = NULL;
	cl->rd = NULL;
	cl->read_sent = 0;
	cl->beat_sent = 0;
	if (a != NULL)
		redisAsyncFree(a);	/* callbacks get NULL replies */
	if (r != NULL)
		redisAsyncFree(r);
}

/* The store is unreachable: say so once, retry with a backoff. */
static void
store_down(struct cluster *cl, const char *why)
{
	if (cl->state != CLUSTER_DOWN || !cl->warned_down)
		log_warnx("cluster store %s unreachable (%s); messages are "
		    "refused (NAK nolog) until it is back", cl->host,
		    why != NULL ? why : "?");
	cl->warned_down = true;
	cl->state = CLUSTER_DOWN;
	cl->join_sent = false;
	if (cl->retry == NULL && !cl->leaving) {
		cl->retry = evloop_timer_add(cl->backoff, store_connect, cl);
		cl->backoff = cl->backoff * 2 > RETRY_MAX ? RETRY_MAX :
		    cl->backoff * 2;
	}
}

static redisAsyncContext *
store_open(struct cluster *cl)
{
	redisAsyncContext *ac;

	ac = cl->port < 0 ? redisAsyncConnectUnix(cl->host) :
	    redisAsyncConnect(cl->host, cl->port);
	if (ac == NULL)
		return NULL;
	if (ac->err) {
		log_debug("cluster store: %s", ac->errstr);
		redisAsyncFree(ac);
		return NULL;
	}
	ac->data = cl;
	redis_evloop_attach(ac);
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	if (cl->db > 0)
		redisAsyncCommand(ac, NULL, NULL, "SELECT %d", cl->db);
	return ac;
}

static void
ids_done(redisAsyncContext *ac, void *reply, void *arg)
{
	struct cluster	*cl = arg;
	redisReply	*r = reply;

	(void)ac;
	cl->id_asked = false;
	if (r == NULL || r->type != REDIS_REPLY_INTEGER ||
	    r->integer < ID_BLOCK)
		return;
	cl->id_next = (uint64_t)r->integer - ID_BLOCK + 1;
	cl->id_end = (uint64_t)r->integer + 1;
}

static void
ids_ask(struct cluster *cl)
{
	if (cl->id_asked || cl->ac == NULL)
		return;
	if (redisAsyncCommand(cl->ac, ids_done, cl, "INCRBY %s:ids %d",
	    cl->prefix, ID_BLOCK) == REDIS_OK)
		cl->id_asked = true;
}

uint64_t
cluster_new_id(struct cluster *cl)
{
	uint64_t	 id;

	if (cl->id_end - cl->id_next < ID_BLOCK / 2)
		ids_ask(cl);
	if (cl->id_next >= cl->id_end)
		return 0;
	id = cl->id_next++;
	if (cl->id_next >= cl->id_end)
		cl->id_next = cl->id_end = 0;
	return id;
}

/* A tail entry at first join: history only (nobody is here yet). */
static void
tail_apply(void *arg, const struct cl_entry *e)
{
	struct cluster	*cl = arg;
	struct hist_msg	 hm;

	if ((e->type != 'm' && e->type != 'd') || e->n <= cl->last_n)
		return;
	cl->last_n = e->n;
	if (e->type == 'd')
		return;		/* never history */
	hist_of(e, &hm);
	history_add(cl->h->hist, &hm);
}

/* The other servers' clients, from the join's snapshot. */
static void
snapshot_take(struct cluster *cl, const redisReply *others)
{
	const redisReply *s, *hv;
	struct cl_str	 srv, key, spki, nick;
	uint64_t	 id;
	size_t		 i, j;

	rcl_clear(cl);
	for (i = 0; i < others->elements; i++) {
		s = others->element[i];
		if (s->type != REDIS_REPLY_ARRAY || s->elements != 2 ||
		    s->element[0]->type != REDIS_REPLY_STRING ||
		    s->element[1]->type != REDIS_REPLY_ARRAY ||
		    s->element[0]->len > CLUSTER_MAX_SRV)
			continue;
		srv.p = s->element[0]->str;
		srv.len = s->element[0]->len;
		hv = s->element[1];
		for (j = 0; j + 1 < hv->elements; j += 2) {
			if (hv->element[j]->type != REDIS_REPLY_STRING ||
			    hv->element[j + 1]->type != REDIS_REPLY_STRING ||
			    !cl_u64(hv->element[j]->str, hv->element[j]->len,
			    &id) || !cl_client_parse(hv->element[j + 1]->str,
			    hv->element[j + 1]->len, &key, &spki, &nick) ||
			    rcl_find(cl, id) != NULL)
				continue;
			tell_ui(cl, rcl_add(cl, id, &srv, &nick, &key, &spki),
			    NULL, NULL);
		}
	}
}

/* Clients whose nick was taken while this server was away: user<id>. */
static void
renamed_apply(struct cluster *cl, const redisReply *ids)
{
	struct hub	*h = cl->h;
	struct client	*c;
	uint64_t	 id;
	size_t		 i;
	char		 buf[PROTO_MAX_FRAME];

	for (i = 0; i < ids->elements; i++) {
		if (ids->element[i]->type != REDIS_REPLY_STRING ||
		    !cl_u64(ids->element[i]->str, ids->element[i]->len, &id) ||
		    (c = hub_client_by_id(h, id)) == NULL)
			continue;
		c->nicklen = (size_t)snprintf(c->nick, sizeof c->nick,
		    "user%llu", (unsigned long long)id);
		c->keyhash = hub_key_hash(c->nick, c->nicklen);
		hub_broadcast(h, NULL, buf, proto_encode_nick(buf, c->id,
		    c->nick, c->nicklen));
	}
}

static void
join_done(redisAsyncContext *ac, void *reply, void *arg)
{
	struct cluster	*cl = arg;
	redisReply	*r = reply;

	(void)ac;
	if (r == NULL)
		return;
	cl->h->now = hub_now_ms();
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 5 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[0]->len > CLUSTER_MAX_SID ||
	    r->element[1]->type != REDIS_REPLY_ARRAY ||
	    r->element[2]->type != REDIS_REPLY_ARRAY) {
		log_warnx("cluster: cannot join: %s", r->type ==
		    REDIS_REPLY_ERROR ? r->str : "unexpected reply");
		return;
	}
	renamed_apply(cl, r->element[1]);
	bans_take(cl, r->element[4]);
	if (!cl->joined_once) {
		snapshot_take(cl, r->element[2]);
		(void)cl_entries_each(r->element[3], true, tail_apply, cl,
		    &cl->bad);
		memcpy(cl->last_sid, r->element[0]->str, r->element[0]->len);
		cl->last_sid[r->element[0]->len] = '\0';
		cl->joined_once = true;
		cl->read_from = true;
	}
	if (cl->state != CLUSTER_UP)
		log_info("cluster: %s joined through %s (%u other clients)",
		    cl->self, cl->host, cl->nrc);
	cl->state = CLUSTER_UP;
	cl->warned_down = false;
	cl->backoff = RETRY_MIN;
	cl->bans_full = true;	/* the store may have lost some */
	bans_publish(cl, true);
	reader_next(cl);
	evloop_round_request();
}

/* Send the join script with every local client. */
static void
send_join(struct cluster *cl)
{
	struct hub	*h = cl->h;
	struct client	*c;
	const char	**argv;
	size_t		*lens;
	char		(*num)[24], **keys, ttl[24], hn[24];
	unsigned	 i, n = 0, a;

	if (cl->ac == NULL || cl->leaving)
		return;		/* leaving: a join would add it back */
	argv = xreallocarray(NULL, 9 + 5 * (size_t)h->nclients, sizeof *argv);
	lens = xreallocarray(NULL, 9 + 5 * (size_t)h->nclients, sizeof *lens);
	num = xreallocarray(NULL, h->nclients + 1, sizeof *num);
	keys = xcalloc(h->nclients + 1, sizeof *keys);
	snprintf(ttl, sizeof ttl, "%lu", cl->ttl_ms);
	snprintf(hn, sizeof hn, "%u", (h->cfg.history > HISTORY_HELLO_MAX ?
	    h->cfg.history : HISTORY_HELLO_MAX) * 4);
	argv[0] = "EVAL";
	argv[1] = join_lua;
	argv[2] = "0";
	argv[3] = cl->prefix;
	argv[4] = cl->self;
	argv[5] = ttl;
	argv[6] = STREAM_MAX;
	argv[7] = hn;
	argv[8] = cl->joined_once ? "0" : "1";
	a = 9;
	for (i = 0; i < h->nclients; i++) {
		c = h->clients[i];
		if (!c->joined)
			continue;
		snprintf(num[n], sizeof num[n], "%llu",
		    (unsigned long long)c->id);
		keys[n] = claim_key(c);
		argv[a++] = num[n];
		argv[a++] = c->nick;
		argv[a++] = keys[n] != NULL ? keys[n] : "";
		argv[a++] = c->key[0] != '\0' ? c->key : "-";
		argv[a++] = c->spki != NULL ? c->spki : "-";
		n++;
	}
	for (i = 0; i < a; i++)
		lens[i] = strlen(argv[i]);
	if (redisAsyncCommandArgv(cl->ac, join_done, cl, (int)a, argv,
	    lens) == REDIS_OK)
		cl->join_sent = true;
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(num);
	free(lens);
	free(argv);
}

static void
store_connect(void *arg)
{
	struct cluster	*cl = arg;

	cl->retry = NULL;
	if (cl->ac == NULL && (cl->ac = store_open(cl)) == NULL) {
		store_down(cl, "cannot connect");
		return;
	}
	if (cl->rd == NULL && (cl->rd = store_open(cl)) == NULL) {
		store_close(cl);
		store_down(cl, "cannot connect");
		return;
	}
	cl->state = CLUSTER_JOINING;
	ids_ask(cl);
	send_join(cl);
	reader_next(cl);
}

static void
beat_done(redisAsyncContext *ac, void *reply, void *arg)
{
	struct cluster	*cl = arg;
	redisReply	*r = reply;

	(void)ac;
	cl->beat_sent = 0;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_INTEGER)
		return;
	if (r->element[0]->integer < 0) {
		log_warnx("cluster: this server was declared gone (stopped or "
		    "cut off longer than the timeout); rejoining");
		send_join(cl);
		return;
	}
	if (r->element[0]->integer > 0)
		log_info("cluster: %lld server(s) declared gone (split)",
		    (long long)r->element[0]->integer);
	cl->servers = (unsigned)r->element[1]->integer;
}

/*
 * Every beat_ms: the heartbeat; and the watchdog: a store that does not
 * answer a heartbeat, or a reader that is not back, within the timeout
 * is treated as gone (both connections closed and opened again).
 */
static void
beat(void *arg)
{
	struct cluster	*cl = arg;
	uint64_t	 now = hub_now_ms();
	char		 ttl[24];

	cl->beat = evloop_timer_add(cl->beat_ms, beat, cl);
	if ((cl->beat_sent != 0 && now - cl->beat_sent > cl->timeout_ms) ||
	    (cl->read_sent != 0 && now - cl->read_sent > READ_BLOCK +
	    cl->timeout_ms)) {
		store_close(cl);
		store_down(cl, "no answer within the timeout");
		return;
	}
	bans_publish(cl, true);	/* a change the loop did not see */
	if (cl->ac == NULL || cl->state != CLUSTER_UP || cl->beat_sent != 0)
		return;
	snprintf(ttl, sizeof ttl, "%lu", cl->ttl_ms);
	if (redisAsyncCommand(cl->ac, beat_done, cl, "EVAL %s 0 %s %s %s %s",
	    beat_lua, cl->prefix, cl->self, ttl, STREAM_MAX) == REDIS_OK)
		cl->beat_sent = now;
}

/* ---- nicks ---- */

/* Registered in the store: in this server's accounts file too. */
static void
local_register(struct hub *h, struct client *c, const struct nickreq *q)
{
	char	 err[256];

	if (h->cfg.accounts == NULL ||
	    accounts_owner(h->cfg.accounts, q->nick, q->len) != NULL)
		return;
	if (!accounts_register(h->cfg.accounts, q->nick, q->len, c->key, err,
	    sizeof err))
		log_warnx("cannot write %.*s to the accounts file: %s "
		    "(registered in the cluster)", (int)q->len, q->nick, err);
}

static void
nick_done(redisAsyncContext *ac, void *reply, void *arg)
{
	struct nickreq	*q = arg;
	struct hub	*h = q->cl->h;
	struct client	*c = hub_client_by_id(h, q->id);
	redisReply	*r = reply;
	char		 buf[PROTO_MAX_FRAME];

	(void)ac;
	if (c != NULL && c->fp.state == FO_OPEN) {
		if (r != NULL && r->type == REDIS_REPLY_INTEGER &&
		    (r->integer == 1 || r->integer == 2)) {
			if (r->integer == 2)
				local_register(h, c, q);
			hub_nick_apply(h, c, q->nick, q->len, q->hash,
			    r->integer == 2);
		} else
			hub_queue(c, buf, proto_encode_err(buf, r != NULL &&
			    r->type == REDIS_REPLY_INTEGER ? "nickinuse" :
			    "nolog", q->nick, q->len));
		evloop_round_request();
	}
	free(q);
}

void
cluster_nick(struct cluster *cl, struct client *c, const char *nick,
    size_t len, const char *key, size_t klen)
{
	struct nickreq	*q;
	char		 id[24], digits[PROTO_MAX_NICK], *old;
	char		 buf[PROTO_MAX_FRAME];
	const char	*argv[13], *owner;
	size_t		 lens[13], i;
	bool		 claim;

	/* This server's own accounts file still has its say. */
	if (cl->h->cfg.accounts != NULL && (owner = accounts_owner(
	    cl->h->cfg.accounts, nick, len)) != NULL &&
	    (c->key[0] == '\0' || strcmp(owner, c->key) != 0)) {
		hub_answer(c, buf, proto_encode_err(buf, "nickinuse", nick,
		    len));
		return;
	}
	if (cl->ac == NULL || cl->state != CLUSTER_UP) {
		hub_answer(c, buf, proto_encode_err(buf, "nolog", nick, len));
		return;
	}
	cluster_round(cl);		/* what came before goes first */
	q = xcalloc(1, sizeof *q);
	q->cl = cl;
	q->id = c->id;
	memcpy(q->nick, nick, len);
	q->len = len;
	q->hash = nick_hash(key, klen);
	claim = !nick_key_userid(key, klen, digits, sizeof digits);
	old = claim_key(c);
	snprintf(id, sizeof id, "%llu", (unsigned long long)c->id);
	argv[0] = "EVAL";
	argv[1] = nick_lua;
	argv[2] = "0";
	argv[3] = cl->prefix;
	argv[4] = cl->self;
	argv[5] = id;
	argv[6] = q->nick;
	argv[7] = claim ? key : "";
	argv[8] = old != NULL ? old : "";
	argv[9] = c->key[0] != '\0' ? c->key : "-";
	argv[10] = c->spki != NULL ? c->spki : "-";
	argv[11] = STREAM_MAX;
	argv[12] = cl->h->cfg.access == HUB_OPEN ? "open" : "members";
	for (i = 0; i < 13; i++)
		lens[i] = strlen(argv[i]);
	lens[7] = claim ? klen : 0;
	if (redisAsyncCommandArgv(cl->ac, nick_done, q, 13, argv, lens) !=
	    REDIS_OK)
		nick_done(NULL, NULL, q);
	free(old);
}

/* A keyed client's start nick, waiting for the store. */
struct wnickreq {
	struct cluster	*cl;
	uint64_t	 id;
	uint64_t	 after;
};

/* Release the claim (key k, klen bytes) the store gave client id. */
static void
unclaim(struct cluster *cl, uint64_t id, const char *k, size_t klen)
{
	const char	*argv[7];
	size_t		 lens[7], i;
	char		 ids[24];

	if (cl->ac == NULL || cl->leaving)
		return;		/* a rejoin (or the leave) clears it */
	snprintf(ids, sizeof ids, "%llu", (unsigned long long)id);
	argv[0] = "EVAL";
	argv[1] = unclaim_lua;
	argv[2] = "0";
	argv[3] = cl->prefix;
	argv[4] = cl->self;
	argv[5] = k;
	argv[6] = ids;
	for (i = 0; i < 7; i++)
		lens[i] = strlen(argv[i]);
	lens[5] = klen;
	(void)redisAsyncCommandArgv(cl->ac, NULL, NULL, 7, argv, lens);
}

/*
 * The nick c may start with, from the store's answer r (NULL: none):
 * it also passes this server's own checks (its accounts file, its
 * clients).  Sets *nick and *len.
 */
static bool
wnick_of(struct hub *h, struct client *c, const redisReply *r,
    const char **nick, size_t *len)
{
	const char	*owner;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_STRING)
		return false;
	*nick = r->element[0]->str;
	*len = r->element[0]->len;
	if (*len == 0 || *len > PROTO_MAX_NICK ||
	    memchr(*nick, '\0', *len) != NULL)
		return false;
	if (h->cfg.accounts != NULL && (owner = accounts_owner(
	    h->cfg.accounts, *nick, *len)) != NULL &&
	    strcmp(owner, c->key) != 0)
		return false;
	return !hub_nick_in_use(h, c, *nick, *len);
}

static void
wnick_done(redisAsyncContext *ac, void *reply, void *arg)
{
	struct wnickreq	*q = arg;
	struct cluster	*cl = q->cl;
	struct hub	*h = cl->h;
	struct client	*c = hub_client_by_id(h, q->id);
	redisReply	*r = reply;
	const char	*nick;
	size_t		 len;
	bool		 took = false;

	(void)ac;
	h->now = hub_now_ms();
	if (c != NULL && c->fp.state == FO_OPEN && !c->joined) {
		if (wnick_of(h, c, r, &nick, &len)) {
			memcpy(c->nick, nick, len);
			c->nick[len] = '\0';
			c->nicklen = len;
			c->keyhash = hub_key_hash(c->nick, c->nicklen);
			took = true;
		}
		hub_welcome(h, c, q->after);
	}
	/* A claim not used (or by a client that is gone): released. */
	if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	    r->element[1]->type == REDIS_REPLY_STRING &&
	    (!took || !c->joined))
		unclaim(cl, q->id, r->element[1]->str, r->element[1]->len);
	evloop_round_request();
	free(q);
}

bool
cluster_start_nick(struct cluster *cl, struct client *c, uint64_t after)
{
	struct wnickreq	*q;
	const char	*argv[9], *lnick = NULL;
	size_t		 lens[9], i, klen = 0;
	char		 id[24], key[NICK_KEY_MAX];

	if (cl->ac == NULL || cl->state != CLUSTER_UP || c->key[0] == '\0')
		return false;
	if (cl->h->cfg.accounts != NULL &&
	    (lnick = accounts_nick_of(cl->h->cfg.accounts, c->key)) != NULL)
		klen = nick_key(lnick, strlen(lnick), key, sizeof key);
	q = xcalloc(1, sizeof *q);
	q->cl = cl;
	q->id = c->id;
	q->after = after;
	snprintf(id, sizeof id, "%llu", (unsigned long long)c->id);
	argv[0] = "EVAL";
	argv[1] = wnick_lua;
	argv[2] = "0";
	argv[3] = cl->prefix;
	argv[4] = cl->self;
	argv[5] = id;
	argv[6] = c->key;
	argv[7] = klen > 0 ? lnick : "";
	argv[8] = klen > 0 ? key : "";
	for (i = 0; i < 9; i++)
		lens[i] = strlen(argv[i]);
	lens[8] = klen;
	if (redisAsyncCommandArgv(cl->ac, wnick_done, q, 9, argv, lens) !=
	    REDIS_OK) {
		free(q);
		return false;
	}
	return true;
}

/* ---- life ---- */

struct cluster *
cluster_create(struct hub *h, const struct cluster_config *cfg, char *err,
    size_t errlen)
{
	struct cluster	*cl = xcalloc(1, sizeof *cl);
	char		 host[256];

	if (!cluster_parse_store(cfg->store, cl->host, sizeof cl->host,
	    &cl->port, &cl->db, err, errlen)) {
		free(cl);
		return NULL;
	}
	if (cfg->name == NULL || *cfg->name == '\0' ||
	    strlen(cfg->name) > 64 || strpbrk(cfg->name, " \t\n") != NULL) {
		snprintf(err, errlen, "bad cluster name");
		free(cl);
		return NULL;
	}
	cl->h = h;
	cl->prefix = xstrdup(cfg->name);
	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(cl->self, sizeof cl->self, "%.100s:%ld", host,
	    (long)getpid());
	cl->timeout_ms = (unsigned long)cfg->timeout * 1000;
	cl->beat_ms = cl->timeout_ms / 4 > 0 ? cl->timeout_ms / 4 : 1;
	cl->ttl_ms = cl->timeout_ms - cl->beat_ms;
	cl->backoff = RETRY_MIN;
	u64map_init(&cl->rbyid);
	/* The history comes from the store, not from this server's log. */
	history_free(h->hist);
	h->hist = history_create(h->cfg.history);
	h->cl = cl;
	store_connect(cl);
	cl->beat = evloop_timer_add(cl->beat_ms, beat, cl);
	return cl;
}

static void
leave_expired(void *arg)
{
	struct cluster	*cl = arg;

	cl->leave_wait = NULL;		/* freed as it fired */
}

/*
 * Leave the cluster at shutdown: the 'q' operation (the clients' LEAVE
 * shutdown, this server's presence, hash and nick claims taken away)
 * goes with the round's last operations, and the loop runs until the
 * store has answered it, for -clustertimeout at most (then the presence
 * expires by itself, as a split).  Closing the connection before the
 * answer can lose the operation: a reply still unread when the socket
 * is closed makes the close a reset, and Redis drops what it had not
 * yet read.  Nothing is sent after it: no heartbeat, no rejoin (which
 * would add the presence back), no reconnection; the reader goes first.
 */
static void
cluster_leave(struct cluster *cl)
{
	redisAsyncContext *r = cl->rd;

	cl->leaving = true;
	evloop_timer_del(cl->beat);
	evloop_timer_del(cl->retry);
	cl->beat = cl->retry = NULL;
	if (r != NULL) {
		cl->rd = NULL;
		cl->read_sent = 0;
		redisAsyncFree(r);	/* reader_done gets NULL */
	}
	if (cl->ac == NULL || !cl->join_sent) {
		cluster_round(cl);
		return;		/* not a member: a split, later */
	}
	(void)op_new(cl, 'q', NULL);
	cluster_round(cl);
	cl->leave_wait = evloop_timer_add(cl->timeout_ms, leave_expired, cl);
	while (!cl->left && cl->leave_wait != NULL)
		evloop_run_once();
	if (cl->leave_wait == NULL)
		log_warnx("cluster: the store did not answer this server's "
		    "leave within %lu s; its presence expires by itself",
		    cl->timeout_ms / 1000);
	evloop_timer_del(cl->leave_wait);
	cl->leave_wait = NULL;
}

void
cluster_free(struct cluster *cl)
{
	if (cl == NULL)
		return;
	cluster_leave(cl);
	if (cl->ac != NULL)
		cl->ac->data = NULL;
	if (cl->rd != NULL)
		cl->rd->data = NULL;
	store_close(cl);
	rcl_clear(cl);
	free(cl->rc);
	u64map_free(&cl->rbyid);
	batch_free(cl->cur);
	cbans_clear(&cl->bans);
	cbans_clear(&cl->pub);
	if (cl->h != NULL)
		cl->h->cl = NULL;
	free(cl->prefix);
	free(cl);
}

void
cluster_stats(const struct cluster *cl, struct cluster_stats *st)
{
	*st = cl->st;
	st->bad = cl->bad;
}

enum cluster_state
cluster_state(const struct cluster *cl)
{
	return cl->state;
}

unsigned
cluster_servers(const struct cluster *cl)
{
	return cl->servers;
}

const char *
cluster_self(const struct cluster *cl)
{
	return cl->self;
}
