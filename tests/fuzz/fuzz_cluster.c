/*
 * fuzz_cluster.c -- libFuzzer target for what xchatd takes from the
 * cluster store (clusterparse.c): the input is RESP bytes, fed to
 * hiredis's own reader in chunks, and every reply it makes is walked
 * as an XREAD reply, as a list of entries in both orders, as one entry
 * and, for its strings, as a client hash value.
 *
 * Invariants: nothing crashes or reads out of bounds; every entry
 * handed on with a type has the fields its type needs, valid by the
 * protocol's own rules (nick, lower-case digest, time, text within
 * the limits, reason), ids and numbers above 0; a malformed entry is
 * handed on only with type 0, counted; a client value that parses has
 * a valid nick and key.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "clusterparse.h"
#include "fuzz.h"
#include "protocol.h"

static unsigned	 handed, typed;

static void
check_entry(void *arg, const struct cl_entry *e)
{
	size_t	 i;

	(void)arg;
	handed++;
	INVARIANT(strlen(e->sid) <= CLUSTER_MAX_SID);
	if (e->type == 0)
		return;
	typed++;
	if (e->type == 'b' || e->type == 'u') {
		INVARIANT(e->srv.p != NULL && e->srv.len > 0 &&
		    e->srv.len <= CLUSTER_MAX_SRV);
		INVARIANT(e->target.p != NULL && e->target.len > 0 &&
		    e->target.len <= PROTO_KEY_LEN);
		for (i = 0; i < e->target.len; i++)
			INVARIANT(e->target.p[i] > ' ' &&
			    e->target.p[i] <= '~');
		INVARIANT(e->type == 'u' || (e->text.p != NULL &&
		    (e->text.len == 0 ||
		    proto_away_valid(e->text.p, e->text.len))));
		return;
	}
	INVARIANT(e->id > 0);
	INVARIANT(e->nick.p != NULL &&
	    proto_nick_valid(e->nick.p, e->nick.len));
	INVARIANT(e->srv.p != NULL && e->srv.len > 0 &&
	    e->srv.len <= CLUSTER_MAX_SRV);
	switch (e->type) {
	case 'd':
		INVARIANT(e->to > 0);
		/* FALLTHROUGH */
	case 'm':
		INVARIANT(e->n > 0);
		INVARIANT(e->md5.len == 32);
		for (i = 0; i < 32; i++)
			INVARIANT((e->md5.p[i] >= '0' && e->md5.p[i] <= '9') ||
			    (e->md5.p[i] >= 'a' && e->md5.p[i] <= 'f'));
		INVARIANT(e->time.len == PROTO_TIME_LEN &&
		    proto_time_valid(e->time.p, e->time.len));
		INVARIANT(e->text.len <= PROTO_MAX_TEXT &&
		    proto_text_valid(e->text.p, e->text.len));
		INVARIANT(e->sig.p != NULL && e->key.p != NULL &&
		    e->spki.p != NULL);
		break;
	case 'l':
		INVARIANT(proto_reason_valid(e->reason.p, e->reason.len));
		break;
	case 'a':
		INVARIANT(e->text.p != NULL && (e->text.len == 0 ||
		    proto_away_valid(e->text.p, e->text.len)));
		break;
	case 'j':
	case 'k':
		break;
	default:
		INVARIANT(!"unknown type handed on");
	}
}

static void
walk(const redisReply *r)
{
	struct cl_entry	 e;
	struct cl_str	 k, s, n;
	uint64_t	 until;
	unsigned	 bad = 0, before;
	size_t		 i;

	before = handed;
	(void)cl_xread_each(r, check_entry, NULL, &bad);
	(void)cl_entries_each(r, true, check_entry, NULL, &bad);
	(void)cl_entries_each(r, false, check_entry, NULL, &bad);
	INVARIANT(handed - before <= 3 * (r->type == REDIS_REPLY_ARRAY ?
	    r->elements + 1 : 1) + (r->type == REDIS_REPLY_ARRAY &&
	    r->elements == 1 && r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements == 2 &&
	    r->element[0]->element[1]->type == REDIS_REPLY_ARRAY ?
	    r->element[0]->element[1]->elements : 0));
	if (cl_entry_parse(r, &e))
		check_entry(NULL, &e);
	if (r->type == REDIS_REPLY_STRING && cl_client_parse(r->str, r->len,
	    &k, &s, &n)) {
		INVARIANT(proto_nick_valid(n.p, n.len));
		INVARIANT(k.len == 1 || proto_key_valid(k.p, k.len));
	}
	if (r->type == REDIS_REPLY_STRING && cl_ban_parse(r->str, r->len,
	    &until, &n))
		INVARIANT(n.len == 0 || proto_away_valid(n.p, n.len));
	if (r->type == REDIS_REPLY_ARRAY)
		for (i = 0; i < r->elements; i++)
			walk(r->element[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	redisReader	*rd = redisReaderCreate();
	void		*reply;
	uint32_t	 seed = size > 0 ? data[0] * 2654435761u : 1;
	size_t		 off = 0, n;

	rd->maxbuf = 0;
	while (off < size) {
		n = fuzz_chunk(&seed);
		if (n > size - off)
			n = size - off;
		if (redisReaderFeed(rd, (const char *)data + off, n) !=
		    REDIS_OK)
			break;
		off += n;
		for (;;) {
			reply = NULL;
			if (redisReaderGetReply(rd, &reply) != REDIS_OK) {
				off = size;	/* a protocol error: done */
				break;
			}
			if (reply == NULL)
				break;
			walk(reply);
			freeReplyObject(reply);
		}
	}
	redisReaderFree(rd);
	return 0;
}
