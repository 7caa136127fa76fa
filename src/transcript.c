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

/* What a line being checked needs to be written again. */
struct tpend {
	char		 tbuf[64];
	char		 idbuf[24];
	char		*nick;		/* display-clean */
	char		*text;		/* display-clean */
	uint64_t	 id;
	bool		 history;
	bool		 mention;
	bool		 showid;	/* %I is "#id" */
	bool		 action;	/* text begins with "/me " */
};

static void
tpend_free(struct tpend *p)
{
	if (p == NULL)
		return;
	free(p->nick);
	free(p->text);
	free(p);
}

/* Free the text of the first k lines (the array is left as it is). */
static void
lines_free(struct transcript *t, size_t k)
{
	size_t	 i;

	for (i = 0; i < k; i++) {
		free(t->lines[i].s);
		tpend_free(t->lines[i].pend);
	}
}

void
transcript_free(struct transcript *t)
{
	lines_free(t, t->nlines);
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
	l->pend = NULL;
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

/*
 * The time of a line (when, or now if 0) in timeFormat into tbuf (64
 * bytes), after a date line if its local day is not the last one's.
 */
static void
tline_time(struct transcript *t, time_t when, char *tbuf)
{
	struct tm	 tm;

	if (when == 0)
		when = time(NULL);
	localtime_r(&when, &tm);
	tline_date_check(t, &tm);
	if (strftime(tbuf, 64, t->str->fmt_time, &tm) == 0)
		tbuf[0] = '\0';
}

/*
 * tmpl expanded with %T (tbuf) and kv, then suffix: allocated; the
 * bytes before the suffix go to *prefix.
 */
static char *
tline_text(const char *tmpl, const char *tbuf, const struct tkv *kv, int n,
    const char *suffix, size_t *prefix)
{
	struct tkv	 all[12];
	char		*s, *full;
	int		 i;

	all[0] = (struct tkv){ 'T', tbuf };
	for (i = 0; i < n && i < 11; i++)
		all[i + 1] = kv[i];
	s = transcript_expand(tmpl, all, i + 1);
	*prefix = strlen(s);
	if (suffix != NULL && *suffix != '\0') {
		full = xmalloc(strlen(s) + strlen(suffix) + 1);
		strcpy(full, s);
		strcat(full, suffix);
		free(s);
		s = full;
	}
	return s;
}

/* Add a formatted line; %T is the time of when (0: now). */
static uint64_t
tline_add_fmt_at(struct transcript *t, time_t when, const char *tmpl,
    const struct tkv *kv, int n, const char *suffix, enum tline_state state,
    bool mention)
{
	char		 tbuf[64], *s;
	size_t		 prefix;

	tline_time(t, when, tbuf);
	s = tline_text(tmpl, tbuf, kv, n, suffix, &prefix);
	return tline_add(t, s, prefix, state, mention);
}

static uint64_t
tline_add_fmt(struct transcript *t, const char *tmpl, const struct tkv *kv,
    int n, const char *suffix, enum tline_state state, bool mention)
{
	return tline_add_fmt_at(t, 0, tmpl, kv, n, suffix, state, mention);
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
transcript_connected(struct transcript *t, const char *tmpl,
    const struct tkv *kv, int n, bool renaming)
{
	char		*s = transcript_expand(tmpl, kv, n);
	struct tkv	 x = { 'x', s };

	t->conn_at = time(NULL);
	t->conn_serial = tline_add_fmt_at(t, t->conn_at, t->str->fmt_note,
	    &x, 1, NULL, TL_PLAIN, false);
	t->conn_wait = renaming;
	free(s);
}

bool
transcript_connected_nick(struct transcript *t, const char *tmpl,
    const struct tkv *kv, int n)
{
	struct tline	*l;
	struct tkv	 x;
	char		 tbuf[64];
	uint64_t	 serial = t->conn_serial;
	bool		 wait = t->conn_wait;

	t->conn_wait = false;
	if (!wait || serial < t->first_serial ||
	    serial - t->first_serial >= t->nlines)
		return false;
	l = &t->lines[serial - t->first_serial];
	tline_time(t, t->conn_at, tbuf);
	x = (struct tkv){ 'x', transcript_expand(tmpl, kv, n) };
	free(l->s);
	l->s = tline_text(t->str->fmt_note, tbuf, &x, 1, NULL, &l->prefix);
	free((char *)x.v);
	if (t->changed != NULL)
		t->changed(t->arg, serial, l);
	return true;
}

void
transcript_connected_forget(struct transcript *t)
{
	t->conn_wait = false;
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

/* %I of user id with nick (len bytes) into buf (24 bytes): "#id" or "". */
static const char *
tline_idmark(struct transcript *t, uint64_t id, const char *nick, size_t len,
    char *buf)
{
	buf[0] = '\0';
	if (t->shared == NULL || t->shared(t->arg, id, nick, len))
		snprintf(buf, 24, "#%" PRIu64, id);
	return buf;
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
	case NCV_NOKEY:
		snprintf(idbuf, sizeof idbuf, "%" PRIu64, id);
		kv = (struct tkv){ 'i', idbuf };
		return transcript_expand(verdict == NCV_SENDER ?
		    str->sfx_unknown : str->sfx_nokey, &kv, 1);
	case NCV_VERIFYING:
		return xstrdup(str->sfx_verifying);
	case NCV_BADSIG:
		return xstrdup(str->sfx_badsig);
	case NCV_UNCHECKED:
		return xstrdup(str->sfx_unchecked);
	case NCV_DIGEST:
	default:
		return xstrdup(str->sfx_failed);
	}
}

/* The mark of a received message's line. */
static const char *
message_mark(const struct transcript_strings *str, enum nc_verdict v,
    bool sigok)
{
	if (v == NCV_GOOD)
		return sigok ? str->mark_good : str->mark_unsigned;
	return v == NCV_VERIFYING ? str->mark_verifying : str->mark_bad;
}

/* The text of a received message's line with the given verdict. */
static char *
message_text(struct transcript *t, const struct tpend *p,
    enum nc_verdict verdict, bool sigok, size_t *prefix)
{
	struct tkv	 kv[5];
	char		*sfx, *s, idm[32];

	snprintf(idm, sizeof idm, "%s%s", p->showid ? "#" : "",
	    p->showid ? p->idbuf : "");
	kv[0] = (struct tkv){ 'n', p->nick };
	kv[1] = (struct tkv){ 'i', p->idbuf };
	kv[2] = (struct tkv){ 'x', p->action ? p->text + NC_ACTION_PREFIX :
	    p->text };
	kv[3] = (struct tkv){ 'm', message_mark(t->str, verdict, sigok) };
	kv[4] = (struct tkv){ 'I', idm };
	sfx = message_suffix(t, p->id, verdict, p->history);
	s = tline_text(p->action ? t->str->fmt_action : t->str->fmt_message,
	    p->tbuf, kv, 5, sfx, prefix);
	free(sfx);
	return s;
}

static enum tline_state
message_state(enum nc_verdict verdict, bool history)
{
	if (verdict == NCV_VERIFYING)
		return TL_VERIFYING;
	if (verdict != NCV_GOOD)
		return TL_FAILED;
	return history ? TL_HISTORY : TL_MESSAGE;
}

uint64_t
transcript_msg(struct transcript *t, const struct tmsg *m)
{
	struct tpend	*p = xcalloc(1, sizeof *p);
	struct tkv	 kv;
	uint64_t	 serial;
	size_t		 prefix;
	char		*s;
	bool		 good = m->verdict == NCV_GOOD;

	if (m->history && !t->in_history) {
		t->in_history = true;
		kv = (struct tkv){ 'x', t->str->hist_begin };
		tline_add_fmt(t, "%x", &kv, 1, NULL, TL_PLAIN, false);
	}
	if (m->history && m->when == 0 && t->str->time_unknown != NULL)
		snprintf(p->tbuf, sizeof p->tbuf, "%s", t->str->time_unknown);
	else
		tline_time(t, m->history ? m->when : 0, p->tbuf);
	snprintf(p->idbuf, sizeof p->idbuf, "%" PRIu64, m->id);
	p->showid = t->shared == NULL ||
	    t->shared(t->arg, m->id, m->nick, m->nicklen);
	p->nick = utf8_clean_dup(m->nick, m->nicklen, 0);
	p->text = utf8_clean_dup(m->text, m->textlen, 0);
	p->action = t->str->fmt_action != NULL &&
	    netclient_is_action(m->text, m->textlen);
	p->id = m->id;
	p->history = m->history;
	p->mention = m->mention;
	s = message_text(t, p, m->verdict, m->sigok, &prefix);
	serial = tline_add(t, s, prefix, message_state(m->verdict,
	    m->history), good && m->mention);
	if (m->verdict == NCV_VERIFYING)
		t->lines[t->nlines - 1].pend = p;
	else
		tpend_free(p);
	return serial;
}

const struct tline *
transcript_msg_verdict(struct transcript *t, uint64_t serial,
    enum nc_verdict verdict, bool sigok)
{
	struct tline	*l;
	struct tpend	*p;

	if (serial < t->first_serial || serial - t->first_serial >= t->nlines)
		return NULL;		/* trimmed away */
	l = &t->lines[serial - t->first_serial];
	if ((p = l->pend) == NULL || verdict == NCV_VERIFYING)
		return NULL;
	free(l->s);
	l->s = message_text(t, p, verdict, sigok, &l->prefix);
	l->state = message_state(verdict, p->history);
	l->mention = verdict == NCV_GOOD && p->mention;
	l->pend = NULL;
	tpend_free(p);
	return l;
}

/* A recent join line of id, or NULL; stale entries are forgotten. */
static struct tjoin *
join_find(struct transcript *t, uint64_t id)
{
	time_t		 now = time(NULL);
	unsigned	 i;

	for (i = 0; i < t->njoins; i++) {
		if (now - t->joins[i].at > TRANSCRIPT_JOIN_RENAME ||
		    now < t->joins[i].at ||
		    t->joins[i].serial < t->first_serial) {
			t->joins[i--] = t->joins[--t->njoins];
			continue;
		}
		if (t->joins[i].id == id)
			return &t->joins[i];
	}
	return NULL;
}

/* Remember the join line serial of id (the oldest forgotten). */
static void
join_add(struct transcript *t, uint64_t id, uint64_t serial)
{
	struct tjoin	*j = join_find(t, id);

	if (j == NULL) {
		if (t->njoins == sizeof t->joins / sizeof t->joins[0])
			memmove(t->joins, t->joins + 1,
			    --t->njoins * sizeof t->joins[0]);
		j = &t->joins[t->njoins++];
	}
	*j = (struct tjoin){ id, serial, time(NULL) };
}

/* The text of a join, leave or nick line (tmpl) at time tbuf. */
static char *
userline_text(struct transcript *t, const char *tmpl, const char *tbuf,
    uint64_t id, const char *nick, size_t len, const char *old,
    const char *reason, size_t rlen)
{
	char		 idbuf[24], idm[24], *n, *o = NULL, *r, *s;
	struct tkv	 kv[5];
	size_t		 prefix;

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
	kv[4] = (struct tkv){ 'I', tline_idmark(t, id, nick, len, idm) };
	s = tline_text(tmpl, tbuf, kv, 5, NULL, &prefix);
	free(n);
	free(r);
	free(o);
	return s;
}

/* A first rename soon after the join: the join line takes the nick. */
static bool
join_renamed(struct transcript *t, uint64_t id, const char *nick,
    size_t len)
{
	struct tjoin	*j = join_find(t, id);
	struct tline	*l;
	struct tm	 tm;
	char		 tbuf[64];

	if (j == NULL)
		return false;
	l = &t->lines[j->serial - t->first_serial];
	localtime_r(&j->at, &tm);
	if (strftime(tbuf, sizeof tbuf, t->str->fmt_time, &tm) == 0)
		tbuf[0] = '\0';
	free(l->s);
	l->s = userline_text(t, t->str->fmt_join, tbuf, id, nick, len, NULL,
	    NULL, 0);
	l->prefix = strlen(l->s);
	if (t->changed != NULL)
		t->changed(t->arg, j->serial, l);
	*j = t->joins[--t->njoins];
	return true;
}

void
transcript_user(struct transcript *t, enum tuser_ev what, uint64_t id,
    const char *nick, size_t len, const char *old, const char *reason,
    size_t rlen)
{
	const char	*tmpl;
	char		 tbuf[64], *s;
	struct tjoin	*j;
	uint64_t	 serial;

	if (what == TU_NICK && join_renamed(t, id, nick, len))
		return;
	if (what == TU_LEAVE && (j = join_find(t, id)) != NULL)
		*j = t->joins[--t->njoins];
	tmpl = what == TU_JOIN ? t->str->fmt_join : what == TU_LEAVE ?
	    t->str->fmt_leave : t->str->fmt_nick;
	tline_time(t, 0, tbuf);
	s = userline_text(t, tmpl, tbuf, id, nick, len, old, reason, rlen);
	serial = tline_add(t, s, strlen(s), TL_PLAIN, false);
	if (what == TU_JOIN)
		join_add(t, id, serial);
}

uint64_t
transcript_own(struct transcript *t, uint64_t my_id, const char *my_nick,
    const char *text, size_t len)
{
	char		 idbuf[24], idm[24], *x;
	struct tkv	 kv[5];
	uint64_t	 serial;
	bool		 action;

	snprintf(idbuf, sizeof idbuf, "%" PRIu64, my_id);
	x = utf8_clean_dup(text, len, 0);
	kv[0] = (struct tkv){ 'n', my_nick };
	kv[1] = (struct tkv){ 'i', idbuf };
	action = t->str->fmt_action != NULL && netclient_is_action(text, len);
	kv[2] = (struct tkv){ 'x', action ? x + NC_ACTION_PREFIX : x };
	kv[3] = (struct tkv){ 'm', t->str->mark_own };
	kv[4] = (struct tkv){ 'I', tline_idmark(t, my_id, my_nick,
	    strlen(my_nick), idm) };
	serial = tline_add_fmt(t, action ? t->str->fmt_action :
	    t->str->fmt_message, kv, 5,
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
	lines_free(t, k);
	memmove(t->lines, t->lines + k, (t->nlines - k) * sizeof *t->lines);
	t->nlines -= k;
	t->first_serial += k;
}
