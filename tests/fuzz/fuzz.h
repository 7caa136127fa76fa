/*
 * fuzz.h -- shared helpers of the libFuzzer targets in tests/fuzz/:
 * an assertion that names the broken invariant and aborts (so that
 * libFuzzer saves the input), and a small deterministic generator
 * that turns input bytes into chunk sizes.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_FUZZ_H
#define XCHAT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define INVARIANT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
		    __FILE__, __LINE__, #c);				\
		abort();						\
	}								\
} while (0)

/* xorshift32 seeded from input bytes: the same input, the same cuts. */
static inline uint32_t
fuzz_rand(uint32_t *s)
{
	uint32_t x = *s ? *s : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* A chunk size for a read: mostly small, sometimes around the limit. */
static inline size_t
fuzz_chunk(uint32_t *s)
{
	uint32_t r = fuzz_rand(s);

	switch (r & 3) {
	case 0:
		return 1 + (r >> 8) % 8;
	case 1:
		return 1 + (r >> 8) % 512;
	case 2:
		return 4090 + (r >> 8) % 12;
	default:
		return 1 + (r >> 8) % 9000;
	}
}

#endif
