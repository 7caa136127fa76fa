/*
 * hubdm.c -- private messages and away, in the server core.  A DM is
 * checked and logged by hubmsg.c's pipeline like a MSG (same numbers,
 * same flood bucket); here its recipient is found (a ready client
 * that is not the sender) and, once its record is written, it is
 * delivered to that client alone, in that client's protocol version.
 * DMs are never kept as history; the sender's key is remembered so
 * that KEY <id> can still be answered after it left.  AWAY marks a
 * client away (with its text) or back and tells everyone; a
 * newcomer's welcome names who is away (hubjoin.c).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "fanout.h"
#include "history.h"
#include "hub.h"
#include "hub_int.h"
#include "log.h"
#include "protocol.h"
#include "xmalloc.h"

struct client *
hub_dm_recipient(struct hub *h, struct client *c, uint64_t id)
{
	struct client	*o;

	if (id == 0 || id == c->id || (o = hub_client_by_id(h, id)) == NULL ||
	    !o->joined)
		return NULL;
	return o;
}

void
hub_dm_deliver(struct hub *h, struct client *c, const struct pending *p,
    const char *stamp)
{
	struct hub_client_info ci;
	struct client	*o = hub_client_by_id(h, p->to);
	char		 buf[PROTO_MAX_FRAME_V2 + 64];

	c->dms++;
	h->st.dms++;
	if (c->key[0] != '\0')
		history_keep_key(h->hist, c->id, c->key, c->spki);
	/*
	 * Found when it was checked, in this same read: only a client
	 * taken out by the read itself could be missing, and none is.
	 */
	if (o != NULL && o->joined) {
		hub_queue(o, buf, proto_encode_relay_v(buf, o->version, PV_DM,
		    p->n, stamp, c->id, c->nick, c->nicklen, p->md5,
		    p->sig[0] != '\0' ? p->sig : "-", p->text, p->textlen));
		h->st.deliveries++;
	} else
		log_warnx("message %llu: recipient %llu left before delivery",
		    (unsigned long long)p->n, (unsigned long long)p->to);
	if (h->ev->dm != NULL) {
		hub_info_of(c, &ci);
		h->ev->dm(h->ui, &ci, p->to, o != NULL ? o->nick : NULL, p->n,
		    NULL);
	}
}

void
hub_away(struct hub *h, struct client *c, const struct proto_cmsg *m,
    bool valid)
{
	struct hub_client_info ci;
	char		 buf[PROTO_MAX_FRAME];
	size_t		 len;

	if (!hub_flood_frame(h, c, &m->verbstr))
		return;
	if (!valid) {
		hub_answer(c, buf, proto_encode_err(buf, "syntax", m->verbstr.p,
		    m->verbstr.len));
		return;
	}
	free(c->away);
	c->away = m->text.len > 0 ? xstrndup(m->text.p, m->text.len) : NULL;
	len = proto_encode_away_id(buf, c->id, m->text.p, m->text.len);
	if (c->inflight > 0) {
		/* Its own copy is its answer: after those of its MSGs. */
		hub_broadcast(h, c, buf, len);
		hub_answer(c, buf, len);
	} else
		hub_broadcast(h, NULL, buf, len);
	if (h->cl != NULL)
		cluster_away(h->cl, c);
	if (h->ev->away != NULL) {
		hub_info_of(c, &ci);
		h->ev->away(h->ui, &ci);
	}
}
