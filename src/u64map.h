/*
 * u64map.h -- a hash table from 64-bit keys to 64-bit values, several
 * values per key allowed (open addressing, linear probing).  For the
 * client core's tables of users by id and by nick key, which must
 * stay fast with 100,000 users.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_U64MAP_H
#define XCHAT_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint64_t	*keys;
	uint64_t	*vals;
	unsigned char	*state;		/* 0 empty, 1 used, 2 deleted */
	size_t		 cap, used, live;
};

/* An empty map (no memory until the first put). */
void	u64map_init(struct u64map *);
/* Free the map's memory; it stays usable (empty). */
void	u64map_free(struct u64map *);
/* Forget every entry, keeping the memory. */
void	u64map_clear(struct u64map *);
/* Add the pair (key, val); duplicates are kept. */
void	u64map_put(struct u64map *, uint64_t key, uint64_t val);
/* Remove one pair (key, val); false if there was none. */
bool	u64map_del(struct u64map *, uint64_t key, uint64_t val);
/* The first value of key, into *val; false if none. */
bool	u64map_get(const struct u64map *, uint64_t key, uint64_t *val);
/*
 * Walk the values of key: start with *it = 0; each call gives the next
 * value in *val and returns true, or returns false at the end.  The
 * map must not change during the walk.
 */
bool	u64map_next(const struct u64map *, uint64_t key, size_t *it,
	    uint64_t *val);

#endif
