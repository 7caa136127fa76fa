/*
 * transcript.c -- the client's transcript model: the text and state of
 * each line, without a display.  Every line gets a date line before it
 * when the local day changed; own messages keep the number of bytes
 * before their suffix, so that the suffix alone can be replaced when
 * the server answers.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <assert.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "template.h"
#include "transcript.h"
#include "utf8.h"
#include "xmalloc.h"

void
transcript_init(struct transcript *t, const struct transcript_strings *str,
    void (*added)(void *, uint64_t, const struct tline *), void *arg)
{
	memset(t, 0, sizeof *t);
	t->str = str;
	t->last_yday = -1;
	t->added = added;
	t->arg = arg;
}

void
transcript_free(struct transcript *t)
{
	size_t	 i;

	for (i = 0; i < t->nlines; i++)
		free(t->lines[i].s);
	free(t->lines);
	t->lines = NULL;
	t->nlines = t->caplines = 0;
}

char *
transcript_expand(const char *tmpl, const struct tkv *kv, int n)
{
	char		 keys[TKV_MAX + 1];
	const char	*vals[TKV_MAX];
	int		 i;

	assert(n >= 0 && n <= TKV_MAX);
	for (i = 0; i < n; i++) {
		keys[i] = kv[i].k;
		vals[i] = kv[i].v;
	}
	keys[i] = '\0';
	return template_expand_dup(tmpl, keys, vals);
}

/* Add a model line (taking s); return its serial number. */
static uint64_t
tline_add(struct transcript *t, char *s, size_t prefix,
    enum tline_state state, bool mention)
{
	struct tline	*l;

	if (t->nlines == t->caplines) {
		t->caplines = t->caplines ? t->caplines * 2 : 256;
		t->lines = xreallocarray(t->lines, t->caplines,
		    sizeof *t->lines);
	}
	l = &t->lines[t->nlines++];
	l->s = s;
	l->prefix = prefix;
	l->state = state;
	l->mention = mention;
	if (t->added != NULL)
		t->added(t->arg, t->first_serial + t->nlines - 1, l);
	return t->first_serial + t->nlines - 1;
}

/* A date line first when the local day changed since the last line. */
static void
tline_date_check(struct transcript *t, struct tm *tm)
{
	char	 buf[256];

	if (tm->tm_yday == t->last_yday && tm->tm_year == t->last_year)
		return;
	t->last_yday = tm->tm_yday;
	t->last_year = tm->tm_year;
	if (strftime(buf, sizeof buf, t->str->fmt_date, tm) == 0)
		return;
	tline_add(t, xstrdup(buf), 0, TL_PLAIN, false);
}

/* Add a formatted line; %T (the time) is supplied here. */
static uint64_t
tline_add_fmt(struct transcript *t, const char *tmpl, const struct tkv *kv,
    int n, const char *suffix, enum tline_state state, bool mention)
{
	time_t		 now = time(NULL);
	struct tm	 tm;
	char		 tbuf[64];
	struct tkv	 all[12];
	char		*s, *full;
	size_t		 prefix;
	int		 i;

	localtime_r(&now, &tm);
	tline_date_check(t, &tm);
	if (strftime(tbuf, sizeof tbuf, t->str->fmt_time, &tm) == 0)
		tbuf[0] = '\0';
	all[0] = (struct tkv){ 'T', tbuf };
	for (i = 0; i < n && i < 11; i++)
		all[i + 1] = kv[i];
	s = transcript_expand(tmpl, all, i + 1);
	prefix = strlen(s);
	if (suffix != NULL && *suffix != '\0') {
		full = xmalloc(strlen(s) + strlen(suffix) + 1);
		strcpy(full, s);
		strcat(full, suffix);
		free(s);
		s = full;
	}
	return tline_add(t, s, prefix, state, mention);
}

void
transcript_note(struct transcript *t, const char *tmpl,
    const struct tkv *kv, int n)
{
	char		*s = transcript_expand(tmpl, kv, n);
	struct tkv	 x = { 'x', s };

	tline_add_fmt(t, t->str->fmt_note, &x, 1, NULL, TL_PLAIN, false);
	free(s);
}

void
transcript_note_text(struct transcript *t, const char *tmpl, const char *x,
    size_t xlen)
{
	char		*s = utf8_clean_dup(x != NULL ? x : "",
			    x != NULL ? xlen : 0, 0);
	struct tkv	 kv = { 'x', s };

	transcript_note(t, tmpl, &kv, 1);
	free(s);
}

void
transcript_welcome(struct transcript *t)
{
	t->in_history = false;
}

void
transcript_ready(struct transcript *t, uint64_t hist)
{
	struct tkv	 kv = { 'x', t->str->hist_end };

	if (hist > 0 && t->in_history)
		tline_add_fmt(t, "%x", &kv, 1, NULL, TL_PLAIN, false);
	t->in_history = false;
}

/* The suffix of a received message's line, or NULL; allocated. */
static char *
message_suffix(struct transcript *t, uint64_t id, enum nc_verdict verdict,
    bool history)
{
	const struct transcript_strings *str = t->str;
	char		 idbuf[24];
	struct tkv	 kv;

	switch (verdict) {
	case NCV_GOOD:
		return history ? xstrdup(str->sfx_history) : NULL;
	case NCV_TEXT:
		return xstrdup(str->sfx_badtext);
	case NCV_SENDER:
		snprintf(idbuf, sizeof idbuf, "%" PRIu64, id);
		kv = (struct tkv){ 'i', idbuf };
		return transcript_expand(str->sfx_unknown, &kv, 1);
	case NCV_DIGEST:
	default:
		return xstrdup(str->sfx_failed);
	}
}

void
transcript_message(struct transcript *t, uint64_t id, const char *nick,
    size_t nicklen, const char *text, size_t textlen,
    enum nc_verdict verdict, bool history, bool mention)
{
	const struct transcript_strings *str = t->str;
	char			 idbuf[24], *n, *x, *sfx;
	struct tkv		 kv[4];
	bool			 good = verdict == NCV_GOOD;
	enum tline_state	 st;

	if (history && !t->in_history) {
		t->in_history = true;
		kv[0] = (struct tkv){ 'x', str->hist_begin };
		tline_add_fmt(t, "%x", kv, 1, NULL, TL_PLAIN, false);
	}
	snprintf(idbuf, sizeof idbuf, "%" PRIu64, id);
	n = utf8_clean_dup(nick, nicklen, 0);
	x = utf8_clean_dup(text, textlen, 0);
	kv[0] = (struct tkv){ 'n', n };
	kv[1] = (struct tkv){ 'i', idbuf };
	kv[2] = (struct tkv){ 'x', x };
	kv[3] = (struct tkv){ 'm', good ? str->mark_good : str->mark_bad };
	sfx = message_suffix(t, id, verdict, history);
	st = !good ? TL_FAILED : history ? TL_HISTORY : TL_MESSAGE;
	tline_add_fmt(t, str->fmt_message, kv, 4, sfx, st, good && mention);
	free(sfx);
	free(n);
	free(x);
}

void
transcript_user(struct transcript *t, enum tuser_ev what, uint64_t id,
    const char *nick, size_t len, const char *old, const char *reason,
    size_t rlen)
{
	char		 idbuf[24], *n, *o = NULL, *r;
	struct tkv	 kv[4];
	const char	*tmpl;

	snprintf(idbuf, sizeof idbuf, "%" PRIu64, id);
	n = utf8_clean_dup(nick, len, 0);
	r = utf8_clean_dup(reason != NULL ? reason : "",
	    reason != NULL ? rlen : 0, 0);
	if (old != NULL)
		o = utf8_clean_dup(old, strlen(old), 0);
	kv[0] = (struct tkv){ 'n', n };
	kv[1] = (struct tkv){ 'i', idbuf };
	kv[2] = (struct tkv){ 'r', r };
	kv[3] = (struct tkv){ 'o', o != NULL ? o : "?" };
	tmpl = what == TU_JOIN ? t->str->fmt_join : what == TU_LEAVE ?
	    t->str->fmt_leave : t->str->fmt_nick;
	tline_add_fmt(t, tmpl, kv, 4, NULL, TL_PLAIN, false);
	free(n);
	free(r);
	free(o);
}

uint64_t
transcript_own(struct transcript *t, uint64_t my_id, const char *my_nick,
    const char *text, size_t len)
{
	char		 idbuf[24], *x;
	struct tkv	 kv[4];
	uint64_t	 serial;

	snprintf(idbuf, sizeof idbuf, "%" PRIu64, my_id);
	x = utf8_clean_dup(text, len, 0);
	kv[0] = (struct tkv){ 'n', my_nick };
	kv[1] = (struct tkv){ 'i', idbuf };
	kv[2] = (struct tkv){ 'x', x };
	kv[3] = (struct tkv){ 'm', t->str->mark_own };
	serial = tline_add_fmt(t, t->str->fmt_message, kv, 4,
	    t->str->sfx_queued, TL_QUEUED, false);
	free(x);
	return serial;
}

/* The suffix of an own line in state st; allocated. */
static char *
own_suffix(struct transcript *t, enum tline_state st, uint64_t n,
    const char *code, const char *why)
{
	char		 nbuf[24], r[300], *x, *s;
	struct tkv	 kv;

	switch (st) {
	case TL_PENDING:
		return xstrdup(t->str->sfx_pending);
	case TL_CONFIRMED:
	case TL_RECOVERED:
		snprintf(nbuf, sizeof nbuf, "%" PRIu64, n);
		kv = (struct tkv){ 'N', nbuf };
		return transcript_expand(st == TL_CONFIRMED ?
		    t->str->sfx_confirmed : t->str->sfx_recovered, &kv, 1);
	case TL_REJECTED:
		x = why != NULL ? utf8_clean_dup(why, strlen(why), 0) : NULL;
		snprintf(r, sizeof r, "%s%s%s", code != NULL ? code : "",
		    x != NULL ? " " : "", x != NULL ? x : "");
		kv = (struct tkv){ 'r', r };
		s = transcript_expand(t->str->sfx_rejected, &kv, 1);
		free(x);
		return s;
	default:
		return xstrdup(t->str->sfx_undelivered);
	}
}

const struct tline *
transcript_own_state(struct transcript *t, uint64_t serial,
    enum tline_state state, uint64_t n, const char *code, const char *why)
{
	struct tline	*l;
	char		*s, *sfx;

	if (serial < t->first_serial || serial - t->first_serial >= t->nlines)
		return NULL;		/* trimmed away */
	l = &t->lines[serial - t->first_serial];
	sfx = own_suffix(t, state, n, code, why);
	s = xmalloc(l->prefix + strlen(sfx) + 1);
	memcpy(s, l->s, l->prefix);
	strcpy(s + l->prefix, sfx);
	free(sfx);
	free(l->s);
	l->s = s;
	l->state = state;
	return l;
}

void
transcript_drop_head(struct transcript *t, size_t k)
{
	size_t	 i;

	for (i = 0; i < k; i++)
		free(t->lines[i].s);
	memmove(t->lines, t->lines + k, (t->nlines - k) * sizeof *t->lines);
	t->nlines -= k;
	t->first_serial += k;
}
