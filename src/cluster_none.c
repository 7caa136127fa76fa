/*
 * cluster_none.c -- a build without hiredis: no cluster.  The hub's
 * calls are never reached (h->cl stays NULL); -cluster is refused.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cluster.h"

bool
cluster_parse_store(const char *store, char *host, size_t hostlen,
    int *port, int *db, char *err, size_t errlen)
{
	(void)store; (void)host; (void)hostlen; (void)port; (void)db;
	snprintf(err, errlen, "built without clusters (configure "
	    "--enable-cluster, with libhiredis-dev)");
	return false;
}

struct cluster *
cluster_create(struct hub *h, const struct cluster_config *cfg, char *err,
    size_t errlen)
{
	int	 port, db;

	(void)h;
	(void)cluster_parse_store(cfg->store, NULL, 0, &port, &db, err,
	    errlen);
	return NULL;
}

void
cluster_free(struct cluster *cl)
{
	(void)cl;
}

uint64_t
cluster_new_id(struct cluster *cl)
{
	(void)cl;
	return 0;
}

void
cluster_joined(struct cluster *cl, struct client *c)
{
	(void)cl; (void)c;
}

void
cluster_left(struct cluster *cl, struct client *c, const char *reason)
{
	(void)cl; (void)c; (void)reason;
}

void
cluster_away(struct cluster *cl, struct client *c)
{
	(void)cl; (void)c;
}

unsigned
cluster_users(struct cluster *cl, struct client *c)
{
	(void)cl; (void)c;
	return 0;
}

void
cluster_nick(struct cluster *cl, struct client *c, const char *nick,
    size_t len, const char *key, size_t klen)
{
	(void)cl; (void)c; (void)nick; (void)len; (void)key; (void)klen;
}

void
cluster_submit(struct cluster *cl, struct client *c,
    const struct proto_cmsg *m, const char *md5, uint64_t to,
    const char *tokey)
{
	(void)cl; (void)c; (void)m; (void)md5; (void)to; (void)tokey;
}

void
cluster_abandon(struct cluster *cl, struct client *c)
{
	(void)cl; (void)c;
}

unsigned long
cluster_timeout_ms(const struct cluster *cl)
{
	(void)cl;
	return 0;
}

bool
cluster_start_nick(struct cluster *cl, struct client *c, uint64_t after)
{
	(void)cl; (void)c; (void)after;
	return false;
}

bool
cluster_banned(const struct cluster *cl, const char *target, time_t now)
{
	(void)cl; (void)target; (void)now;
	return false;
}

const char *
cluster_dm_key(const struct cluster *cl, uint64_t id)
{
	(void)cl; (void)id;
	return NULL;
}

void
cluster_round(struct cluster *cl)
{
	(void)cl;
}

bool
cluster_key_of(const struct cluster *cl, uint64_t id, const char **key,
    const char **spki)
{
	(void)cl; (void)id; (void)key; (void)spki;
	return false;
}

void
cluster_stats(const struct cluster *cl, struct cluster_stats *st)
{
	(void)cl;
	memset(st, 0, sizeof *st);
}

enum cluster_state
cluster_state(const struct cluster *cl)
{
	(void)cl;
	return CLUSTER_DOWN;
}

unsigned
cluster_servers(const struct cluster *cl)
{
	(void)cl;
	return 0;
}

const char *
cluster_self(const struct cluster *cl)
{
	(void)cl;
	return "";
}
