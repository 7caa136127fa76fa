/*
 * tmessage.h -- for the transcript's unit tests: a received message's
 * line from its fields, as the client adds it (transcript_msg).
 * Part of xchat; see COPYING for the licence.
 */
#ifndef TMESSAGE_H
#define TMESSAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "transcript.h"

static inline void
transcript_message(struct transcript *t, uint64_t id, const char *nick,
    size_t nicklen, const char *text, size_t textlen,
    enum nc_verdict verdict, bool history, bool mention)
{
	const struct tmsg m = { .id = id, .nick = nick, .nicklen = nicklen,
	    .text = text, .textlen = textlen, .verdict = verdict,
	    .history = history, .mention = mention };

	transcript_msg(t, &m);
}

#endif
