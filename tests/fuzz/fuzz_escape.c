/*
 * fuzz_escape.c -- libFuzzer target for the log's text escaping
 * (msglog_escape / msglog_unescape).
 *
 * Invariants: escape writes at most 4 bytes per input byte; its output
 * holds no TAB, LF or other control byte, no DEL, and is valid UTF-8
 * (a log line stays one line of fields); unescape(escape(x)) == x
 * exactly; a text with no backslash, TAB or control byte that is
 * valid UTF-8 is stored verbatim; unescape of arbitrary bytes either
 * refuses (TAB, LF, a bad escape) or yields at most as many bytes,
 * and what it yields survives another escape/unescape round trip.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "msglog.h"
#include "protocol.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	char		*esc, *back, *esc2;
	size_t		 n, i;
	long		 m, m2;
	bool		 plain = proto_utf8_valid(s, size);

	for (i = 0; i < size; i++)
		if (data[i] < 0x20 || data[i] == 0x7f || data[i] == '\\')
			plain = false;

	/* Exact-size buffers (and 1 for size 0) so ASan sees overruns. */
	esc = malloc(4 * size + 1);
	n = msglog_escape(s, size, esc);
	INVARIANT(n <= 4 * size);
	for (i = 0; i < n; i++) {
		uint8_t c = (uint8_t)esc[i];

		INVARIANT(c >= 0x20 && c != 0x7f);
	}
	INVARIANT(proto_utf8_valid(esc, n));
	if (plain)
		INVARIANT(n == size && memcmp(esc, s, size) == 0);
	back = malloc(n + 1);
	m = msglog_unescape(esc, n, back);
	INVARIANT(m == (long)size && memcmp(back, s, size) == 0);
	free(back);
	free(esc);

	/* Arbitrary bytes as an escaped field. */
	back = malloc(size + 1);
	m = msglog_unescape(s, size, back);
	if (memchr(s, '\t', size) != NULL || memchr(s, '\n', size) != NULL)
		INVARIANT(m == -1);
	if (m >= 0) {
		INVARIANT((size_t)m <= size);
		esc2 = malloc(4 * (size_t)m + 1);
		n = msglog_escape(back, (size_t)m, esc2);
		esc = malloc(n + 1);
		m2 = msglog_unescape(esc2, n, esc);
		INVARIANT(m2 == m && memcmp(esc, back, (size_t)m) == 0);
		free(esc);
		free(esc2);
	} else
		INVARIANT(m == -1);
	free(back);
	return 0;
}
