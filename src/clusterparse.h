/*
 * clusterparse.h -- what comes back from the cluster store, checked:
 * the entries of the conversation stream (XREAD, XREVRANGE) and the
 * values of the client hashes.  Every field is hostile until it passes
 * the protocol's own validators; an entry that does not is skipped.
 * No state, no I/O: fuzzed by tests/fuzz/fuzz_cluster.c.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_CLUSTERPARSE_H
#define XCHAT_CLUSTERPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct redisReply;

#define CLUSTER_MAX_SRV		128	/* bytes of a server's name */
#define CLUSTER_MAX_SID		48	/* bytes of a stream entry id */

struct cl_str {
	const char	*p;
	size_t		 len;
};

/* One stream entry; strings point into the reply. */
struct cl_entry {
	char		 sid[CLUSTER_MAX_SID + 1];	/* "ms-seq" */
	char		 type;		/* 'm' message, 'd' private message,
					   'j' join, 'l' leave, 'k' nick,
					   'a' away (text "": back),
					   'b' a ban (its reason: text),
					   'u' a ban lifted */
	uint64_t	 n;		/* 'm', 'd' */
	uint64_t	 id;
	uint64_t	 to;		/* 'd': the recipient */
	struct cl_str	 srv, nick, md5, sig, key, spki, time, text, reason;
	struct cl_str	 target;	/* 'b', 'u': an address or a key */
	uint64_t	 until;		/* 'b': Unix seconds; 0: for ever */
};

/*
 * Check one entry of a stream reply (an array: id, then the array of
 * field/value pairs) into e.  false if it is malformed: a missing or
 * bad field for its type (numbers 1 to 20 digits, nick, digest, key,
 * signature, time and text by the protocol's rules).
 */
bool	cl_entry_parse(const struct redisReply *r, struct cl_entry *e);

/*
 * Call fn for every entry of a list of stream entries (XREVRANGE:
 * newest first with newest_first set, or XRANGE order).  A malformed
 * one is counted in *bad and handed on with type 0 if its id could be
 * read (so that a reader moves past it), else skipped.  Returns false
 * if r is not an array.
 */
bool	cl_entries_each(const struct redisReply *r, bool newest_first,
	    void (*fn)(void *, const struct cl_entry *), void *arg,
	    unsigned *bad);

/*
 * The entries of an XREAD reply for one stream (nil: none, a timeout),
 * as cl_entries_each.  Returns false if the reply has another shape.
 */
bool	cl_xread_each(const struct redisReply *r,
	    void (*fn)(void *, const struct cl_entry *), void *arg,
	    unsigned *bad);

/*
 * A client hash value "<key|-> <spki|-> <nick>" into key, spki, nick
 * (pointing into v); false if malformed.
 */
bool	cl_client_parse(const char *v, size_t len, struct cl_str *key,
	    struct cl_str *spki, struct cl_str *nick);

/*
 * A ban's value in the store, "<until> [<reason>]" (until: Unix
 * seconds, or "forever": 0), into until and reason (pointing into v;
 * empty: none); false if malformed.
 */
bool	cl_ban_parse(const char *v, size_t len, uint64_t *until,
	    struct cl_str *reason);
/* A decimal 1..UINT64_MAX of 1 to 20 digits, no sign, no leading 0. */
bool	cl_u64(const char *p, size_t len, uint64_t *out);

#endif
