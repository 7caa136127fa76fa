/*
 * netclient_dm.c -- private messages and away in the client core
 * (doc/PROTOCOL.md: DM, AWAY; issue 13).  A DM of ours is one of our
 * messages (struct nc_own, the same seq space and fates) with a
 * recipient: its id, and the nick and key it had, so that one typed
 * while disconnected goes after the reconnection only to the same
 * user, and never to whoever took the id or the nick meanwhile.  Our
 * away reason is kept and said again after every reconnection.  No X
 * header.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clientlog.h"
#include "netclient.h"
#include "netclient_int.h"
#include "nickrules.h"
#include "protocol.h"
#include "xmalloc.h"

/* The recipient's nick and key as known now (o->to must be known). */
static void
dm_recipient(struct netclient *nc, struct nc_own *o, const struct nc_user *u)
{
	nc_copy_str(o->to_nick, sizeof o->to_nick, u->nick, strlen(u->nick));
	nc_copy_str(o->to_key, sizeof o->to_key, u->key, strlen(u->key));
	(void)nc;
}

/* Refuse our DM o as the server would: NAK nouser. */
static void
dm_reject(struct netclient *nc, struct nc_own *o)
{
	nc_own_unlink(nc, o);
	o->state = NCO_REJECTED;
	snprintf(o->code, sizeof o->code, "nouser");
	nc_emit_own(nc, o);
	nc_own_free(o);
}

/*
 * Is o's recipient connected now as the user it was written to: the
 * same id with a nick of the same key and, in version 2, the same key?
 */
static bool
dm_same_user(struct netclient *nc, const struct nc_own *o)
{
	struct nc_user	*u = nc_users_find(nc, o->to);
	char		 key[NICK_KEY_MAX];
	size_t		 klen;

	if (u == NULL)
		return false;
	if (strcmp(u->nick, o->to_nick) != 0) {
		klen = nick_key(o->to_nick, strlen(o->to_nick), key,
		    sizeof key);
		if (klen == 0 || !nick_has_key(u->nick, strlen(u->nick), key,
		    klen))
			return false;
	}
	return o->to_key[0] == '\0' || u->key[0] == '\0' ||
	    strcmp(o->to_key, u->key) == 0;
}

bool
ncdm_send(struct netclient *nc, struct nc_own *o)
{
	struct nc_user	*u;

	if (!dm_same_user(nc, o)) {
		dm_reject(nc, o);
		return false;
	}
	u = nc_users_find(nc, o->to);
	/* Renamed meanwhile (same key): the log names it as it is now. */
	dm_recipient(nc, o, u);
	nc_own_send(nc, o);
	if (o->state == NCO_PENDING)
		nc_emit_own(nc, o);
	return true;
}

/*
 * A DM to user id: queued (shown) first; then sent if we are ready,
 * rejected if id is not connected.  While disconnected the users of
 * the last connection are still known: the DM waits for the next one.
 */
struct nc_own *
netclient_send_dm(struct netclient *nc, uint64_t to, const char *text,
    size_t len)
{
	struct nc_user	*u = to != nc->id ? nc_users_find(nc, to) : NULL;
	struct nc_own	*o;

	if ((o = nc_own_add(nc, to, text, len)) == NULL)
		return NULL;
	if (u != NULL)
		dm_recipient(nc, o, u);
	nc_emit_own(nc, o);
	if (u == NULL || to == 0)
		dm_reject(nc, o);
	else if (nc->state == NC_READY)
		(void)ncdm_send(nc, o);
	return o;
}

void
ncdm_log_own(struct netclient *nc, const struct nc_own *o,
    const char *verdict)
{
	char	 show[NICK_SHOW_MAX];
	size_t	 len;

	/* dm-out names the recipient, not us. */
	len = nc_shown(o->to_nick, strlen(o->to_nick), false, show);
	if (o->to_nick[0] == '\0' || !nick_valid(o->to_nick, len))
		len = nick_escape(o->to_nick, strlen(o->to_nick), show,
		    sizeof show);
	clientlog_record(nc->log, "dm-out", o->state == NCO_PENDING ? 0 :
	    o->n, o->to, show, len, o->md5, verdict, o->text, o->len);
}

static void
send_away(struct netclient *nc)
{
	char	 frame[PROTO_MAX_FRAME];
	size_t	 len = nc->away != NULL ? strlen(nc->away) : 0;

	nc_put(nc, frame, proto_encode_away(frame, nc->away != NULL ?
	    nc->away : "", len));
}

void
netclient_away(struct netclient *nc, const char *reason)
{
	bool	 was = nc->away != NULL;

	free(nc->away);
	nc->away = NULL;
	if (reason != NULL && *reason != '\0') {
		nc->away = xstrndup(reason, strnlen(reason, PROTO_MAX_AWAY));
		if (!proto_away_valid(nc->away, strlen(nc->away))) {
			free(nc->away);
			nc->away = NULL;
		}
	}
	if ((nc->away != NULL || was) &&
	    (nc->state == NC_HISTORY || nc->state == NC_READY))
		send_away(nc);
}

const char *
netclient_away_reason(const struct netclient *nc)
{
	return nc->away;
}

void
ncdm_welcome(struct netclient *nc)
{
	/* The server forgot: we are away again on this connection. */
	if (nc->away != NULL && nc->fd != -1)
		send_away(nc);
}

void
ncdm_away(struct netclient *nc, const struct proto_smsg *m)
{
	bool	 self = m->id == nc->id;

	if (!self && nc_users_find(nc, m->id) == NULL)
		return;
	if (nc->ev->away != NULL)
		nc->ev->away(nc->arg, m->id, m->text.len > 0 ? m->text.p :
		    NULL, m->text.len, self);
}

bool
netclient_find_nick(struct netclient *nc, const char *nick, size_t len,
    uint64_t *id)
{
	char		 key[NICK_KEY_MAX];
	size_t		 i, klen;

	for (i = 0; i < nc->nusers; i++) {
		if (strlen(nc->users[i].nick) == len &&
		    memcmp(nc->users[i].nick, nick, len) == 0) {
			*id = nc->users[i].id;
			return true;
		}
	}
	if ((klen = nick_key(nick, len, key, sizeof key)) == 0)
		return false;
	for (i = 0; i < nc->nusers; i++) {
		if (!nc->users[i].refused && nick_has_key(nc->users[i].nick,
		    strlen(nc->users[i].nick), key, klen)) {
			*id = nc->users[i].id;
			return true;
		}
	}
	return false;
}

bool
netclient_nick_shared(struct netclient *nc, uint64_t id, const char *nick,
    size_t len)
{
	const struct nc_user	*u = nc_users_find(nc, id);
	char			 key[NICK_KEY_MAX];
	size_t			 klen, it;
	uint64_t		 hash, other;

	if (nc_departed_same(nc, id, nick, len))
		return false;
	if (u != NULL && strlen(u->nick) == len &&
	    memcmp(u->nick, nick, len) == 0 && !u->refused)
		hash = u->keyhash;
	else if (id == nc->id && strlen(nc->nick) == len &&
	    memcmp(nc->nick, nick, len) == 0 && !nc->refused)
		hash = nc->keyhash;
	else {
		if (!nick_valid(nick, len) ||
		    (klen = nick_key(nick, len, key, sizeof key)) == 0)
			return true;
		hash = nick_hash(key, klen);
	}
	if (id != nc->id && nc->fd != -1 && nc->keyhash == hash)
		return true;
	for (it = 0; u64map_next(&nc->bykey, hash, &it, &other);)
		if (other != id)
			return true;
	return false;
}
