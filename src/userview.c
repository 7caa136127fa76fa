/*
 * userview.c -- the XmList of xchat's users, kept in step with the
 * model by replaying its edits (XmListAddItemUnselected,
 * XmListDeletePos, XmListReplaceItemsPos) or by one rebuild.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <Xm/Xm.h>
#include <Xm/List.h>

#include "template.h"
#include "userview.h"
#include "utf8.h"
#include "xmalloc.h"
#include "xmutil.h"

struct userview {
	Widget		 list;
	struct userlist	*ul;
	size_t		 max;		/* users shown at most */
	char		*more;		/* template of the last item */
	char		*self;		/* our entry, or NULL */
	char		*keyed, *warn;	/* the marks of UL_KEYED, UL_KEYWARN */
	char		*away;		/* template of an away user's mark */
	bool		 self_shown;	/* what the widget has */
	size_t		 shown;		/* users in the widget */
	bool		 cut;		/* and a "more" item after them */
	bool		 dirty;		/* our entry changed */
};

struct userview *
userview_new(Widget list, size_t max, const char *more)
{
	struct userview	*uv = xcalloc(1, sizeof *uv);

	uv->list = list;
	uv->ul = userlist_new();
	uv->max = max > 0 ? max : 1;
	uv->more = xstrdup(more);
	return uv;
}

void
userview_free(struct userview *uv)
{
	if (uv == NULL)
		return;
	userlist_free(uv->ul);
	free(uv->self);
	free(uv->keyed);
	free(uv->warn);
	free(uv->away);
	free(uv->more);
	free(uv);
}

struct userlist *
userview_model(struct userview *uv)
{
	return uv->ul;
}

void
userview_self(struct userview *uv, const char *text)
{
	free(uv->self);
	uv->self = text != NULL ? xstrdup(text) : NULL;
	uv->dirty = true;
}

void
userview_marks(struct userview *uv, const char *keyed, const char *warn)
{
	free(uv->keyed);
	free(uv->warn);
	uv->keyed = xstrdup(keyed);
	uv->warn = xstrdup(warn);
	uv->dirty = true;
}

void
userview_away_mark(struct userview *uv, const char *tmpl)
{
	free(uv->away);
	uv->away = xstrdup(tmpl);
	uv->dirty = true;
}

/* The away mark of u into buf (size bytes; "" if not away). */
static void
away_mark(const struct userview *uv, const struct ul_user *u, char *buf,
    size_t size)
{
	char		 r[UV_AWAY_CHARS * 4 + 4], *s;
	const char	*keys = "r", *vals[1] = { r };
	size_t		 i = 0, n = 0, seq;

	buf[0] = '\0';
	if (u->away == NULL || uv->away == NULL)
		return;
	/* The reason cut to UV_AWAY_CHARS characters (it is valid UTF-8). */
	while (u->away[i] != '\0' && n < UV_AWAY_CHARS) {
		seq = utf8_seq(u->away + i, strlen(u->away + i));
		i += seq > 0 ? seq : 1;
		n++;
	}
	snprintf(r, sizeof r, "%.*s%s", (int)i, u->away,
	    u->away[i] != '\0' ? "\342\200\246" : "");
	s = template_expand_dup(uv->away, keys, vals);
	snprintf(buf, size, " %s", s);
	free(s);
}

bool
userview_at(struct userview *uv, int pos, uint64_t *id, bool *self)
{
	const struct ul_user	*u;

	*self = false;
	if (pos < 1)
		return false;
	if (uv->self_shown && pos == 1) {
		*self = true;
		return true;
	}
	pos -= uv->self_shown ? 2 : 1;
	if ((size_t)pos >= uv->shown ||
	    (u = userlist_at(uv->ul, (size_t)pos)) == NULL)
		return false;
	*id = u->id;
	return true;
}

/* The list item of user u (NULL: one that is gone already). */
static XmString
user_item(const struct userview *uv, const struct ul_user *u)
{
	char	 buf[384], away[160];

	if (u == NULL)
		return xmu_string("");
	away_mark(uv, u, away, sizeof away);
	snprintf(buf, sizeof buf, "%s #%" PRIu64 "%s%s%s%s%s", u->nick, u->id,
	    (u->flags & UL_KEYED) && uv->keyed != NULL ? " " : "",
	    (u->flags & UL_KEYED) && uv->keyed != NULL ? uv->keyed : "",
	    (u->flags & UL_KEYWARN) && uv->warn != NULL ? " " : "",
	    (u->flags & UL_KEYWARN) && uv->warn != NULL ? uv->warn : "", away);
	return xmu_string(buf);
}

/* The last item of a list cut at max users: how many more there are. */
static XmString
more_item(struct userview *uv)
{
	char		 n[24], *s;
	const char	*keys = "n", *vals[1] = { n };
	XmString	 x;

	snprintf(n, sizeof n, "%zu", userlist_count(uv->ul) - uv->shown);
	s = template_expand_dup(uv->more, keys, vals);
	x = xmu_string(s);
	free(s);
	return x;
}

/*
 * Show the list again: after a reset, a burst of changes, or any
 * change among the first max users when the list is cut.
 */
static void
userview_rebuild(struct userview *uv)
{
	size_t		 n = userlist_count(uv->ul), i, k = 0;
	XmString	*items;

	uv->shown = n < uv->max ? n : uv->max;
	uv->cut = uv->shown < n;
	items = xcalloc(uv->shown + 2, sizeof *items);
	uv->self_shown = uv->self != NULL;
	if (uv->self_shown)
		items[k++] = xmu_string(uv->self);
	for (i = 0; i < uv->shown; i++)
		items[k++] = user_item(uv, userlist_at(uv->ul, i));
	if (uv->cut)
		items[k++] = more_item(uv);
	XmListDeleteAllItems(uv->list);
	XmListAddItemsUnselected(uv->list, items, (int)k, 0);
	for (i = 0; i < k; i++)
		XmStringFree(items[i]);
	free(items);
}

/*
 * A cut list whose edits all fall after the users it shows: only its
 * "more" item changes.  True if that was the case (and done).
 */
static bool
cut_unchanged(struct userview *uv, const struct ul_op *ops, size_t n)
{
	size_t		 i;
	XmString	 x;

	if (!uv->cut || userlist_count(uv->ul) <= uv->max)
		return false;
	for (i = 0; i < n; i++)
		if (ops[i].pos < uv->max)
			return false;
	x = more_item(uv);
	XmListReplaceItemsPos(uv->list, &x, 1,
	    (int)uv->shown + (uv->self_shown ? 2 : 1));
	XmStringFree(x);
	userlist_shown(uv->ul);
	return true;
}

void
userview_show(struct userview *uv)
{
	const struct ul_op	*ops;
	size_t			 n = userlist_edits(uv->ul, &ops), i;
	XmString		 x;
	int			 pos;

	if (n == SIZE_MAX || uv->dirty ||
	    (n > 0 && (uv->cut || userlist_count(uv->ul) > uv->max))) {
		if (n != SIZE_MAX && !uv->dirty && cut_unchanged(uv, ops, n))
			return;
		userview_rebuild(uv);
		uv->dirty = false;
		userlist_shown(uv->ul);
		return;
	}
	for (i = 0; i < n; i++) {
		pos = (int)ops[i].pos + (uv->self_shown ? 2 : 1);
		if (ops[i].kind == UL_DEL) {
			XmListDeletePos(uv->list, pos);
			continue;
		}
		x = user_item(uv, userlist_find(uv->ul, ops[i].id));
		if (ops[i].kind == UL_ADD)
			XmListAddItemUnselected(uv->list, x, pos);
		else
			XmListReplaceItemsPos(uv->list, &x, 1, pos);
		XmStringFree(x);
	}
	uv->shown = userlist_count(uv->ul);
	userlist_shown(uv->ul);
}

void
userview_dump(struct userview *uv, FILE *fp)
{
	XmStringTable	 items = NULL;
	int		 n = 0, i;
	char		*s;

	XtVaGetValues(uv->list, XmNitems, &items, XmNitemCount, &n, NULL);
	fprintf(fp, "users:");
	for (i = 0; i < n; i++) {
		s = xmu_string_text(items[i]);
		fprintf(fp, "%s%s", i > 0 ? " | " : " ", s);
		XtFree(s);
	}
	fprintf(fp, "\n");
}
