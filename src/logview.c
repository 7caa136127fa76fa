/*
 * logview.c -- the batched XmText log view of both windows.  The view
 * keeps its lines in a ring: the first nshown are in the widget (each
 * with its absolute character position and length as laid out), the
 * rest are queued until the next flush.  XmText costs about 130 ms per
 * 1,000 lines inserted one by one and under 10 ms in batches of 100
 * (MOTIF-NOTES.md), so lines go in with one insert per flush, and the
 * head is cut in chunks.  The widget does not wrap: textwrap() lays
 * out the rows, marking each continuation, and a change of width lays
 * them out again.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <X11/Intrinsic.h>
#include <Xm/Xm.h>
#include <Xm/ScrollBar.h>
#include <Xm/Text.h>

#include "logview.h"
#include "textwrap.h"
#include "utf8.h"
#include "xmalloc.h"

/* Characters moved into the widget per flush, at most (a line more). */
#define LV_CHUNK	65536
/* The widget holds saveLines lines of this many characters on average. */
#define LV_LINE_CHARS	200

struct lv_line {
	char		*s;		/* display-clean UTF-8, no newline */
	uint64_t	 serial;
	long		 pos;		/* shown: absolute position */
	long		 chars;		/* rows and newline (queued: about) */
	unsigned	 flags;
};

struct logview {
	Widget			 text;
	size_t			 save;
	char			*mark;
	struct logview_hooks	 h;
	void			*arg;

	struct lv_line		*v;	/* ring of lines, oldest first */
	size_t			 head, n, cap;
	size_t			 nshown;	/* v[0..nshown) are shown */
	uint64_t		 next_serial;
	long			 base;	/* absolute position of widget 0 */
	long			 total;	/* absolute position after them */
	unsigned		 cols;	/* the rows' width as laid out */
	long			 maxchars;	/* the widget's budget */
	size_t			 nhl;	/* shown lines with LV_HIGHLIGHT */
	size_t			 unseen;	/* added below, scrolled back */
	bool			 relayout;
	bool			 paused;
	bool			(*drawable)(void *, uint32_t);
	int			 day_year, day_yday;
};

static struct lv_line *
lv_at(const struct logview *lv, size_t i)
{
	return &lv->v[(lv->head + i) % lv->cap];
}

static void
lv_grow(struct logview *lv)
{
	struct lv_line	*nv;
	size_t		 i, ncap = lv->cap ? lv->cap * 2 : 256;

	nv = xreallocarray(NULL, ncap, sizeof *nv);
	for (i = 0; i < lv->n; i++)
		nv[i] = *lv_at(lv, i);
	free(lv->v);
	lv->v = nv;
	lv->cap = ncap;
	lv->head = 0;
}

/* Forget the first k shown lines (the widget is the caller's). */
static void
lv_drop_head(struct logview *lv, size_t k)
{
	size_t	 i;

	for (i = 0; i < k; i++) {
		if (lv_at(lv, i)->flags & LV_HIGHLIGHT)
			lv->nhl--;
		free(lv_at(lv, i)->s);
	}
	lv->head = (lv->head + k) % lv->cap;
	lv->n -= k;
	lv->nshown -= k;
}

/* Forget the oldest k queued lines. */
static void
lv_drop_queued(struct logview *lv, size_t k)
{
	size_t	 i;

	for (i = lv->nshown; i < lv->nshown + k; i++)
		free(lv_at(lv, i)->s);
	for (i = lv->nshown; i + k < lv->n; i++)
		*lv_at(lv, i) = *lv_at(lv, i + k);
	lv->n -= k;
}

/* The index of line serial, or lv->n if the view has none. */
static size_t
lv_find(const struct logview *lv, uint64_t serial)
{
	size_t	 lo = 0, hi = lv->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (lv_at(lv, mid)->serial < serial)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < lv->n && lv_at(lv, lo)->serial == serial ? lo : lv->n;
}

void
logview_set_drawable(struct logview *lv, bool (*drawable)(void *, uint32_t))
{
	lv->drawable = drawable;
}

/*
 * The text of l as shown: each character the font cannot draw as
 * [U+XXXX], or left out if it has no width.  Allocated.
 */
static char *
lv_shown(const struct logview *lv, const char *s)
{
	size_t		 len = strlen(s), i = 0, n, o = 0;
	char		*out;
	wchar_t		 wc;
	mbstate_t	 st;

	if (lv->drawable == NULL)
		return xstrdup(s);
	out = xmalloc(len * 4 + 1);
	memset(&st, 0, sizeof st);
	while (i < len) {
		n = mbrtowc(&wc, s + i, len - i, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			n = 1;
			wc = (unsigned char)s[i];
		}
		if ((unsigned long)wc < 0x80 ||
		    lv->drawable(lv->arg, (uint32_t)wc)) {
			memcpy(out + o, s + i, n);
			o += n;
		} else if (wcwidth(wc) > 0)
			o += (size_t)sprintf(out + o, "[U+%04lX]",
			    (unsigned long)wc);
		i += n;
	}
	out[o] = '\0';
	return out;
}

/* The rows of line l at the view's width; allocated. */
static char *
lv_rows(const struct logview *lv, const struct lv_line *l)
{
	char	*t = lv_shown(lv, l->s), *r;

	r = textwrap(t, strlen(t), lv->cols, lv->mark, NULL);
	free(t);
	return r;
}

static Widget
lv_scrollbar(const struct logview *lv)
{
	Widget	 sb = NULL;

	XtVaGetValues(XtParent(lv->text), XmNverticalScrollBar, &sb, NULL);
	return sb;
}

/*
 * At the end: the scroll bar is at its end, or the end of the text is
 * on the screen (a wheel can scroll the text past its end, where the
 * scroll bar no longer says so).
 */
bool
logview_at_end(const struct logview *lv)
{
	Widget		 sb = lv_scrollbar(lv);
	int		 value, slider, max;
	Position	 x, y;

	if (sb == NULL)
		return true;
	XtVaGetValues(sb, XmNvalue, &value, XmNsliderSize, &slider,
	    XmNmaximum, &max, NULL);
	if (value + slider >= max)
		return true;
	return XtIsRealized(lv->text) && XmTextPosToXY(lv->text,
	    XmTextGetLastPosition(lv->text), &x, &y);
}

/* The user moved the scroll bar: back at the end, nothing is unseen. */
static void
lv_scrolled_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct logview	*lv = closure;

	(void)w;
	(void)call;
	if (lv->unseen > 0 && logview_at_end(lv)) {
		lv->unseen = 0;
		if (lv->h.below != NULL)
			lv->h.below(lv->arg, 0);
	}
}

/* The widget changed size: lay the rows out again if its width did. */
static void
lv_resized(Widget w, XtPointer closure, XEvent *ev, Boolean *cont)
{
	struct logview	*lv = closure;
	short		 cols = 0;

	(void)cont;
	if (ev->type != ConfigureNotify)
		return;
	XtVaGetValues(w, XmNcolumns, &cols, NULL);
	if (cols > 0 && (unsigned)cols != lv->cols) {
		lv->relayout = true;
		if (lv->h.schedule != NULL)
			lv->h.schedule(lv->arg);
	}
}

struct logview *
logview_new(Widget text, int save, const char *mark,
    const struct logview_hooks *hooks, void *arg)
{
	struct logview	*lv = xcalloc(1, sizeof *lv);
	Widget		 sb;
	short		 cols = 0;

	lv->text = text;
	lv->save = save > 0 ? (size_t)save : 1;
	lv->maxchars = (long)(lv->save < 5000 ? 5000 : lv->save) *
	    LV_LINE_CHARS;
	lv->mark = xstrdup(mark != NULL ? mark : "");
	if (hooks != NULL)
		lv->h = *hooks;
	lv->arg = arg;
	lv->day_year = lv->day_yday = -1;
	XtVaSetValues(text, XmNwordWrap, False, XmNeditable, False,
	    XmNautoShowCursorPosition, False, NULL);
	XtVaGetValues(text, XmNcolumns, &cols, NULL);
	lv->cols = cols > 0 ? (unsigned)cols : 80;
	XtAddEventHandler(text, StructureNotifyMask, False, lv_resized, lv);
	if ((sb = lv_scrollbar(lv)) != NULL) {
		XtAddCallback(sb, XmNvalueChangedCallback, lv_scrolled_cb, lv);
		XtAddCallback(sb, XmNdragCallback, lv_scrolled_cb, lv);
	}
	return lv;
}

void
logview_free(struct logview *lv)
{
	size_t	 i;

	if (lv == NULL)
		return;
	for (i = 0; i < lv->n; i++)
		free(lv_at(lv, i)->s);
	free(lv->v);
	free(lv->mark);
	free(lv);
}

uint64_t
logview_add(struct logview *lv, const char *s, size_t len, unsigned flags)
{
	struct lv_line	*l;

	if (lv->n == lv->cap)
		lv_grow(lv);
	l = lv_at(lv, lv->n++);
	l->s = utf8_clean_dup(s, len, 0);
	l->serial = lv->next_serial++;
	l->pos = 0;
	l->chars = (long)utf8_chars(l->s, strlen(l->s)) + 1;	/* about */
	l->flags = flags;
	if (lv->h.schedule != NULL)
		lv->h.schedule(lv->arg);
	return l->serial;
}

void
logview_date(struct logview *lv, const struct tm *tm, const char *fmt)
{
	char	 d[256];

	if (tm->tm_year == lv->day_year && tm->tm_yday == lv->day_yday)
		return;
	lv->day_year = tm->tm_year;
	lv->day_yday = tm->tm_yday;
	if (strftime(d, sizeof d, fmt, tm) > 0)
		logview_add(lv, d, strlen(d), 0);
}

/* Draw the highlight of every shown line that has one. */
static void
lv_highlight(struct logview *lv)
{
	struct lv_line	*l;
	size_t		 i;

	XmTextSetHighlight(lv->text, 0, XmTextGetLastPosition(lv->text),
	    XmHIGHLIGHT_NORMAL);
	for (i = 0; i < lv->nshown && lv->nhl > 0; i++) {
		l = lv_at(lv, i);
		if (l->flags & LV_HIGHLIGHT)
			XmTextSetHighlight(lv->text,
			    (XmTextPosition)(l->pos - lv->base),
			    (XmTextPosition)(l->pos - lv->base + l->chars - 1),
			    XmHIGHLIGHT_SECONDARY_SELECTED);
	}
}

/*
 * Lay out lines from..to at the view's width, in the widget from the
 * first one's position (replacing the rest of the text) and in their
 * positions; lines before to are then shown.  Called with redisplay
 * disabled.
 */
static void
lv_render(struct logview *lv, size_t from, size_t to)
{
	struct lv_line	*l;
	size_t		 i, len = 0, cap = 4096;
	char		*buf = xmalloc(cap), *r;
	long		 pos = from < lv->nshown ? lv_at(lv, from)->pos :
			    lv->total;
	long		 start = pos;

	buf[0] = '\0';
	for (i = from; i < to; i++) {
		l = lv_at(lv, i);
		r = lv_rows(lv, l);
		if (len + strlen(r) + 2 > cap) {
			cap = (len + strlen(r) + 2) * 2;
			buf = xrealloc(buf, cap);
		}
		len += (size_t)sprintf(buf + len, "%s\n", r);
		l->pos = pos;
		l->chars = (long)utf8_chars(r, strlen(r)) + 1;
		pos += l->chars;
		if (i >= lv->nshown && (l->flags & LV_HIGHLIGHT))
			lv->nhl++;
		free(r);
	}
	XmTextReplace(lv->text, (XmTextPosition)(start - lv->base),
	    XmTextGetLastPosition(lv->text), buf);
	free(buf);
	lv->total = pos;
	lv->nshown = to;
}

/* The index of the shown line at widget position p (0 if none). */
static size_t
lv_line_at(const struct logview *lv, long p)
{
	size_t	 lo = 0, hi = lv->nshown, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (lv_at(lv, mid)->pos - lv->base <= p)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Keep the view where it was (top line index keep) or at its end. */
static void
lv_place(struct logview *lv, bool at_end, long top, size_t added)
{
	if (at_end) {
		XmTextShowPosition(lv->text, XmTextGetLastPosition(lv->text));
		if (lv->unseen > 0 && lv->h.below != NULL)
			lv->h.below(lv->arg, 0);
		lv->unseen = 0;
		return;
	}
	XmTextSetTopCharacter(lv->text, (XmTextPosition)(top > 0 ? top : 0));
	if (added > 0) {
		lv->unseen += added;
		if (lv->h.below != NULL)
			lv->h.below(lv->arg, lv->unseen);
	}
}

/* The width changed: lay out every shown line again. */
static void
lv_relayout(struct logview *lv)
{
	short	 cols = 0;
	bool	 at_end = logview_at_end(lv);
	size_t	 topline = 0;
	long	 top;

	lv->relayout = false;
	XtVaGetValues(lv->text, XmNcolumns, &cols, NULL);
	if (cols <= 0 || (unsigned)cols == lv->cols)
		return;
	lv->cols = (unsigned)cols;
	if (lv->nshown == 0)
		return;
	if (!at_end)
		topline = lv_line_at(lv,
		    (long)XmTextGetTopCharacter(lv->text));
	XmTextDisableRedisplay(lv->text);
	lv_render(lv, 0, lv->nshown);
	if (lv->nhl > 0)
		lv_highlight(lv);
	top = lv_at(lv, topline)->pos - lv->base;
	lv_place(lv, at_end, top, 0);
	XmTextEnableRedisplay(lv->text);
}

/* Drop the oldest queued lines beyond what the view can hold. */
static void
lv_trim_queued(struct logview *lv)
{
	size_t	 i, k = 0, queued = lv->n - lv->nshown;
	long	 chars = 0;

	for (i = lv->n; i > lv->nshown; i--) {
		chars += lv_at(lv, i - 1)->chars;
		if (lv->n - i + 1 > lv->save || chars > lv->maxchars) {
			k = i - lv->nshown;
			break;
		}
	}
	if (k > 0 && k < queued)
		lv_drop_queued(lv, k);
}

/*
 * Cut the head when the widget holds more than saveLines lines or its
 * character budget: to 90% of both, so that this happens once per
 * tenth.  The last line always stays.
 */
static long
lv_trim_head(struct logview *lv)
{
	size_t	 k = 0;
	long	 off;

	if (lv->nshown <= lv->save && lv->total - lv->base <= lv->maxchars)
		return 0;
	while (k + 1 < lv->nshown &&
	    (lv->nshown - k > lv->save - lv->save / 10 ||
	    lv->total - lv_at(lv, k)->pos > lv->maxchars - lv->maxchars / 10))
		k++;
	if (k == 0)
		return 0;
	off = lv_at(lv, k)->pos - lv->base;
	XmTextReplace(lv->text, 0, (XmTextPosition)off, "");
	lv->base += off;
	lv_drop_head(lv, k);
	return off;
}

void
logview_flush(struct logview *lv)
{
	size_t	 queued, to;
	bool	 at_end, hl;
	long	 top, chars = 0;

	if (lv->paused) {
		queued = lv->n - lv->nshown;
		if (queued > lv->save + lv->save / 10)
			lv_drop_queued(lv, queued - lv->save);
		return;
	}
	lv_relayout(lv);
	if (lv->n == lv->nshown)
		return;
	lv_trim_queued(lv);
	/* At most CHUNK characters at a time, so the loop stays lively. */
	for (to = lv->nshown; to < lv->n && (to == lv->nshown ||
	    chars + lv_at(lv, to)->chars <= LV_CHUNK); to++)
		chars += lv_at(lv, to)->chars;
	at_end = logview_at_end(lv);
	top = (long)XmTextGetTopCharacter(lv->text);
	hl = lv->nhl > 0;
	XmTextDisableRedisplay(lv->text);
	if (lv->nshown > 0 && (to - lv->nshown >= lv->save ||
	    chars >= lv->maxchars)) {
		/* The batch alone fills the view: replace everything. */
		to -= lv->nshown;
		lv->base = lv->total;
		lv_drop_head(lv, lv->nshown);
		XmTextSetString(lv->text, "");
	}
	queued = to - lv->nshown;
	lv_render(lv, lv->nshown, to);
	top -= lv_trim_head(lv);
	if (hl || lv->nhl > 0)
		lv_highlight(lv);
	lv_place(lv, at_end, top, queued);
	XmTextEnableRedisplay(lv->text);
	if (lv->n > lv->nshown && lv->h.schedule != NULL)
		lv->h.schedule(lv->arg);
}

/* Lines are still queued after a flush (it took its share only). */
bool
logview_behind(const struct logview *lv)
{
	return !lv->paused && lv->n > lv->nshown;
}

bool
logview_set(struct logview *lv, uint64_t serial, const char *s, size_t len,
    unsigned flags)
{
	size_t		 i = lv_find(lv, serial), j;
	struct lv_line	*l;
	char		*r;
	long		 chars, delta, top;
	bool		 at_end, hl;

	if (i == lv->n)
		return false;
	l = lv_at(lv, i);
	free(l->s);
	l->s = utf8_clean_dup(s, len, 0);
	hl = (l->flags | flags) & LV_HIGHLIGHT;
	if (i >= lv->nshown) {
		l->flags = flags;
		return true;
	}
	lv->nhl += (flags & LV_HIGHLIGHT) != 0;
	lv->nhl -= (l->flags & LV_HIGHLIGHT) != 0;
	l->flags = flags;
	at_end = logview_at_end(lv);
	top = (long)XmTextGetTopCharacter(lv->text);
	r = lv_rows(lv, l);
	chars = (long)utf8_chars(r, strlen(r)) + 1;
	XmTextDisableRedisplay(lv->text);
	XmTextReplace(lv->text, (XmTextPosition)(l->pos - lv->base),
	    (XmTextPosition)(l->pos - lv->base + l->chars - 1), r);
	free(r);
	delta = chars - l->chars;
	l->chars = chars;
	for (j = i + 1; j < lv->nshown; j++)
		lv_at(lv, j)->pos += delta;
	lv->total += delta;
	if (hl || (delta != 0 && lv->nhl > 0))
		lv_highlight(lv);
	if (at_end)
		lv_place(lv, true, 0, 0);
	else
		XmTextSetTopCharacter(lv->text, (XmTextPosition)top);
	XmTextEnableRedisplay(lv->text);
	return true;
}

void
logview_pause(struct logview *lv, bool on)
{
	lv->paused = on;
	if (!on)
		logview_flush(lv);
}

bool
logview_paused(const struct logview *lv)
{
	return lv->paused;
}

size_t
logview_held(const struct logview *lv)
{
	return lv->n - lv->nshown;
}

size_t
logview_lines(const struct logview *lv)
{
	return lv->nshown;
}

void
logview_clear(struct logview *lv)
{
	size_t	 i;

	for (i = 0; i < lv->n; i++)
		free(lv_at(lv, i)->s);
	lv->head = lv->n = lv->nshown = lv->nhl = lv->unseen = 0;
	lv->base = lv->total;
	XmTextSetString(lv->text, "");
}

void
logview_follow(struct logview *lv)
{
	logview_flush(lv);
	lv_place(lv, true, 0, 0);
}

/*
 * Walk the rows of l (as laid out) and its text as shown together up
 * to the k-th character of the rows: the rows are the text with the spaces
 * at each break dropped, a newline and the mark put in, and a TAB
 * shown as a space (textwrap.h).
 */
static bool
lv_row_to_text(const struct logview *lv, const struct lv_line *l, long k,
    size_t *off)
{
	char		*r = lv_rows(lv, l), *s = lv_shown(lv, l->s);
	size_t		 ri = 0, oi = 0, m, mchars;
	long		 n = 0;
	bool		 ok = false;

	mchars = utf8_chars(lv->mark, strlen(lv->mark));
	while (r[ri] != '\0' && n <= k && s[oi] != '\0') {
		if (r[ri] == '\n') {
			for (ri++, n++, m = 0; m < mchars && r[ri] != '\0';
			    m++, n++)
				ri += utf8_lead_len((unsigned char)r[ri]);
			while (s[oi] == ' ' || s[oi] == '\t')
				oi++;
			continue;
		}
		if (n == k) {
			*off = oi;
			ok = true;
			break;
		}
		ri += utf8_lead_len((unsigned char)r[ri]);
		oi += utf8_lead_len((unsigned char)s[oi]);
		n++;
	}
	free(r);
	free(s);
	return ok;
}

char *
logview_text_at(struct logview *lv, long pos, size_t *off)
{
	struct lv_line	*l;
	size_t		 i;

	if (lv->nshown == 0 || pos < 0)
		return NULL;
	i = lv_line_at(lv, pos);
	l = lv_at(lv, i);
	if (pos < l->pos - lv->base || pos >= l->pos - lv->base + l->chars ||
	    !lv_row_to_text(lv, l, pos - (l->pos - lv->base), off))
		return NULL;
	return lv_shown(lv, l->s);
}

unsigned
logview_columns(const struct logview *lv)
{
	return lv->cols;
}

bool
logview_save(const struct logview *lv, FILE *fp, unsigned cols)
{
	size_t	 i;
	char	*r;
	int	 e = 0;

	for (i = 0; i < lv->n && e >= 0; i++) {
		r = textwrap(lv_at(lv, i)->s, strlen(lv_at(lv, i)->s), cols,
		    lv->mark, NULL);
		e = fprintf(fp, "%s\n", r);
		free(r);
	}
	return e >= 0 && !ferror(fp);
}

void
logview_dump(struct logview *lv, FILE *fp, const char *prefix, int n)
{
	char	*all, *p, *e;
	int	 count = 0;

	all = XmTextGetString(lv->text);
	for (p = all + strlen(all); p > all; p--)
		if (p[-1] == '\n' && *p != '\0' && ++count >= n)
			break;
	while (*p != '\0') {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		fprintf(fp, "%s %.*s\n", prefix, (int)(e - p), p);
		p = *e != '\0' ? e + 1 : e;
	}
	XtFree(all);
}

/* Write the wide characters w[from..to) to fp as prefix and a row. */
static void
lv_put_row(FILE *fp, const char *prefix, const wchar_t *w, long from,
    long to)
{
	char		 mb[MB_LEN_MAX];
	mbstate_t	 st;
	size_t		 n;

	memset(&st, 0, sizeof st);
	fprintf(fp, "%s ", prefix);
	for (; from < to; from++)
		if (w[from] != L'\n' &&
		    (n = wcrtomb(mb, w[from], &st)) != (size_t)-1)
			fwrite(mb, 1, n, fp);
	fputc('\n', fp);
}

void
logview_dump_screen(struct logview *lv, FILE *fp, const char *prefix)
{
	wchar_t		*w = XmTextGetStringWcs(lv->text);
	long		 len = (long)wcslen(w), pos, start;
	Position	 x, y, rowy = 0;

	pos = start = (long)XmTextGetTopCharacter(lv->text);
	for (; pos <= len; pos++) {
		if (!XmTextPosToXY(lv->text, (XmTextPosition)pos, &x, &y))
			break;
		if (pos > start && y != rowy) {
			lv_put_row(fp, prefix, w, start, pos);
			start = pos;
		}
		rowy = y;
	}
	if (start < len)
		lv_put_row(fp, prefix, w, start, pos < len ? pos : len);
	XtFree((char *)w);
}
