/*
 * xmutil.c -- small generic Motif helpers (menus, strings, dialogs,
 * colours), after NEdit's util/misc.c.  Widget names are the resource
 * API: callers pass stable names and labels come from resources.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <X11/IntrinsicP.h>
#include <X11/Shell.h>
#include <Xm/Xm.h>
#include <Xm/CascadeB.h>
#include <Xm/Form.h>
#include <Xm/MessageB.h>
#include <Xm/PushB.h>
#include <Xm/RowColumn.h>
#include <Xm/SeparatoG.h>
#include <Xm/Label.h>
#include <Xm/List.h>
#include <Xm/LabelG.h>
#include <Xm/Text.h>
#include <X11/Xft/Xft.h>

#include "log.h"
#include "template.h"
#include "utf8.h"

#include "xmalloc.h"
#include "xmutil.h"

static Widget
menu_make(Widget bar, const char *cascade, const char *pulldown, bool help,
    Widget *out)
{
	Widget	 pd, cb;

	pd = XmCreatePulldownMenu(bar, (char *)pulldown, NULL, 0);
	cb = XtVaCreateManagedWidget(cascade, xmCascadeButtonWidgetClass,
	    bar, XmNsubMenuId, pd, NULL);
	if (help)
		XtVaSetValues(bar, XmNmenuHelpWidget, cb, NULL);
	if (out != NULL)
		*out = cb;
	return pd;
}

/*
 * Create a pulldown menu called name (its cascade button is called
 * name too, so "*fileMenu.labelString" labels it) under menubar.
 */
const char *
xmu_display_name(int argc, char **argv)
{
	size_t	 len;
	int	 i;

	for (i = 1; i + 1 < argc; i++) {
		len = strlen(argv[i]);
		if (len >= 4 && strncmp(argv[i], "-display", len) == 0)
			return XDisplayName(argv[i + 1]);
	}
	return XDisplayName(NULL);
}

bool
xmu_can_draw(Widget text, void **cache, uint32_t c)
{
	XmRenderTable	 rt = NULL;
	XmStringTag	*tags = NULL;
	XmRendition	 rend;
	XftFont		*font = NULL;
	Arg		 a[1];
	int		 n, i;

	if (*cache == NULL) {
		XtVaGetValues(text, XmNrenderTable, &rt, NULL);
		if (rt == NULL || (n = XmRenderTableGetTags(rt, &tags)) <= 0)
			return true;
		if ((rend = XmRenderTableGetRendition(rt, tags[0])) != NULL) {
			XtSetArg(a[0], XmNxftFont, &font);
			XmRenditionRetrieve(rend, a, 1);
			XmRenditionFree(rend);
		}
		for (i = 0; i < n; i++)
			XtFree(tags[i]);
		XtFree((char *)tags);
		if ((*cache = font) == NULL)
			return true;
	}
	return XftCharExists(XtDisplay(text), *cache, (FcChar32)c);
}

static void
net_wm_name(Widget shell, const char *prop, const char *value)
{
	Display	*d = XtDisplay(shell);

	if (value == NULL)
		return;
	XChangeProperty(d, XtWindow(shell), XInternAtom(d, prop, False),
	    XInternAtom(d, "UTF8_STRING", False), 8, PropModeReplace,
	    (const unsigned char *)value, (int)strlen(value));
}

void
xmu_set_names(Widget shell, const char *title, const char *icon)
{
	char	*t = NULL, *i = NULL;

	if (title != NULL)
		XtVaSetValues(shell, XmNtitle, title, NULL);
	if (icon != NULL)
		XtVaSetValues(shell, XmNiconName, icon, NULL);
	if (!XtIsRealized(shell))
		return;
	XtVaGetValues(shell, XmNtitle, &t, XmNiconName, &i, NULL);
	net_wm_name(shell, "_NET_WM_NAME", t);
	net_wm_name(shell, "_NET_WM_ICON_NAME", i);
}

void
xmu_set_icon(Widget shell, const unsigned char *bits,
    const unsigned char *mask, unsigned width, unsigned height)
{
	Display	*dpy = XtDisplay(shell);
	Window	 root = RootWindowOfScreen(XtScreen(shell));
	Pixmap	 b, m;

	b = XCreateBitmapFromData(dpy, root, (const char *)bits, width,
	    height);
	m = XCreateBitmapFromData(dpy, root, (const char *)mask, width,
	    height);
	if (b == None || m == None) {
		log_warnx("no memory for the window's icon");
		if (b != None)
			XFreePixmap(dpy, b);
		if (m != None)
			XFreePixmap(dpy, m);
		return;
	}
	XtVaSetValues(shell, XmNiconPixmap, b, XmNiconMask, m, NULL);
}

Widget
xmu_add_menu(Widget menubar, const char *name, Widget *cascade)
{
	char	 pname[128];

	snprintf(pname, sizeof pname, "%sPulldown", name);
	return menu_make(menubar, name, pname, false, cascade);
}

/* A pulldown and its cascade; the help cascade goes to the right. */
Widget
xmu_menu(Widget menubar, const char *cascade, const char *pulldown,
    bool help)
{
	return menu_make(menubar, cascade, pulldown, help, NULL);
}

/* A push button named name in menu; cb may be NULL. */
Widget
xmu_add_item(Widget menu, const char *name, XtCallbackProc cb,
    XtPointer data)
{
	Widget	 w;

	w = XtVaCreateManagedWidget(name, xmPushButtonWidgetClass, menu,
	    NULL);
	if (cb != NULL)
		XtAddCallback(w, XmNactivateCallback, cb, data);
	return w;
}

/*
 * The fallback rendition (xmu_fallback_init): the main font, whose
 * characters need no fallback, on its display; NULL: no fallback, a
 * string is one segment.
 */
static Display	*fb_dpy;
static XftFont	*fb_main;

bool
xmu_fallback_init(Widget w)
{
	XmRenderTable	 rt = NULL;
	XmStringTag	*tags = NULL;
	XmRendition	 rend;
	char		*name = NULL;
	unsigned char	 type = 0;
	Arg		 a[2];
	int		 n, i;
	bool		 has = false;

	XtVaGetValues(w, XmNrenderTable, &rt, NULL);
	if (fb_main != NULL || rt == NULL ||
	    (n = XmRenderTableGetTags(rt, &tags)) <= 0)
		return false;
	for (i = 1; i < n; i++)
		has = has || strcmp(tags[i], XMU_FALLBACK_TAG) == 0;
	if (has && strcmp(tags[0], XMU_FALLBACK_TAG) != 0 &&
	    (rend = XmRenderTableGetRendition(rt, tags[0])) != NULL) {
		XtSetArg(a[0], XmNfontName, &name);
		XtSetArg(a[1], XmNfontType, &type);
		XmRenditionRetrieve(rend, a, 2);
		if (type == XmFONT_IS_XFT && name != NULL &&
		    name != (char *)XmAS_IS)
			fb_main = XftFontOpenName(XtDisplay(w),
			    XScreenNumberOfScreen(XtScreen(w)), name);
		XmRenditionFree(rend);
	}
	for (i = 0; i < n; i++)
		XtFree(tags[i]);
	XtFree((char *)tags);
	fb_dpy = XtDisplay(w);
	return fb_main != NULL;
}

/* Append the n bytes at s as a segment (fallback: the fallback's). */
static XmString
fb_append(XmString x, const char *s, size_t n, bool fallback)
{
	char		*t = xstrndup(s, n);
	XmString	 seg;

	if (fallback)
		seg = XmStringGenerate(t, XmFONTLIST_DEFAULT_TAG,
		    XmCHARSET_TEXT, (XmStringTag)XMU_FALLBACK_TAG);
	else
		seg = XmStringCreateLocalized(t);
	free(t);
	return x == NULL ? seg : XmStringConcatAndFree(x, seg);
}

/*
 * Cut utf8 into runs of characters the main font has and runs of those
 * it lacks (drawn with the fallback rendition); a character of no
 * width the main font lacks (a variation selector) is left out, as in
 * the transcript.
 */
static XmString
fb_string(const char *utf8)
{
	size_t		 len = strlen(utf8), i = 0, start = 0, n;
	XmString	 x = NULL;
	wchar_t		 wc;
	mbstate_t	 st;
	bool		 fb = false, cfb;

	memset(&st, 0, sizeof st);
	while (i < len) {
		n = mbrtowc(&wc, utf8 + i, len - i, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			n = 1;
			wc = (unsigned char)utf8[i];
		}
		cfb = (unsigned long)wc >= 0x80 &&
		    !XftCharExists(fb_dpy, fb_main, (FcChar32)wc);
		if (cfb && wcwidth(wc) <= 0) {
			if (i > start)
				x = fb_append(x, utf8 + start, i - start, fb);
			start = i + n;
		} else if (cfb != fb) {
			if (i > start)
				x = fb_append(x, utf8 + start, i - start, fb);
			start = i;
			fb = cfb;
		}
		i += n;
	}
	if (i > start || x == NULL)
		x = fb_append(x, utf8 + start, i - start, fb);
	return x;
}

/*
 * The text of x, components walked one by one (XmStringUnparse frees a
 * rendition tag twice in Motif 2.3.8, and XmStringGetLtoR gives the
 * first segment only): all of it, separators as newlines and tab
 * components as tabs; or (runs) only the fallback runs, each after a
 * space.  Allocated with XtMalloc.
 */
static char *
string_walk(XmString x, bool runs)
{
	XmStringContext		 ctx;
	XmStringComponentType	 type;
	unsigned int		 len;
	XtPointer		 val;
	bool			 in = false;
	char			*out = XtMalloc(1);
	size_t			 n = 0;

	out[0] = '\0';
	if (x == NULL || !XmStringInitContext(&ctx, x))
		return out;
	while ((type = XmStringGetNextTriple(ctx, &len, &val)) !=
	    XmSTRING_COMPONENT_END) {
		if (type == XmSTRING_COMPONENT_RENDITION_BEGIN)
			in = val != NULL &&
			    strcmp(val, XMU_FALLBACK_TAG) == 0;
		else if (type == XmSTRING_COMPONENT_RENDITION_END)
			in = false;
		else if ((type == XmSTRING_COMPONENT_TEXT ||
		    type == XmSTRING_COMPONENT_LOCALE_TEXT) && val != NULL &&
		    (in || !runs)) {
			out = XtRealloc(out, (Cardinal)(n + len + 2));
			if (runs)
				out[n++] = ' ';
			memcpy(out + n, val, len);
			n += len;
		} else if (!runs && (type == XmSTRING_COMPONENT_SEPARATOR ||
		    type == XmSTRING_COMPONENT_TAB)) {
			out = XtRealloc(out, (Cardinal)(n + 2));
			out[n++] = type == XmSTRING_COMPONENT_TAB ? '\t' :
			    '\n';
		}
		out[n] = '\0';
		XtFree(val);
	}
	XmStringFreeContext(ctx);
	return out;
}

char *
xmu_string_text(XmString x)
{
	return string_walk(x, false);
}

void
xmu_fallback_dump(FILE *fp, XmString x)
{
	char	*t = string_walk(x, true);

	fputs(t, fp);
	XtFree(t);
}

/* A compound string for UTF-8 text; the caller frees it. */
XmString
xmu_string(const char *utf8)
{
	const unsigned char	*p;

	if (fb_main != NULL)
		for (p = (const unsigned char *)utf8; *p != '\0'; p++)
			if (*p >= 0x80)
				return fb_string(utf8);
	return XmStringCreateLocalized((char *)utf8);
}

void
xmu_set_label(Widget w, const char *utf8)
{
	XmString	 s = xmu_string(utf8);

	XtVaSetValues(w, XmNlabelString, s, NULL);
	XmStringFree(s);
}

char *
xmu_label_text(Widget w)
{
	XmString	 s = NULL;
	char		*t, *p;

	XtVaGetValues(w, XmNlabelString, &s, NULL);
	if (s == NULL)
		return xstrdup("");
	p = xmu_string_text(s);
	XmStringFree(s);
	t = xstrdup(p);
	XtFree(p);
	return t;
}

Widget
xmu_message_dialog(Widget parent, const char *name, int type, bool cancel)
{
	Widget	 d;
	Arg	 a[1];

	XtSetArg(a[0], XmNdialogType, type);
	d = XmCreateMessageDialog(parent, (char *)name, a, 1);
	XtUnmanageChild(XmMessageBoxGetChild(d, XmDIALOG_HELP_BUTTON));
	if (!cancel)
		XtUnmanageChild(XmMessageBoxGetChild(d,
		    XmDIALOG_CANCEL_BUTTON));
	return d;
}

/* Manage a dialog (which pops it up) and raise it. */
void
xmu_popup(Widget dialog)
{
	XtManageChild(dialog);
	if (XtIsRealized(XtParent(dialog)))
		XRaiseWindow(XtDisplay(dialog), XtWindow(XtParent(dialog)));
}

Widget
xmu_form_dialog(Widget parent, const char *name)
{
	Arg	 a[2];

	XtSetArg(a[0], XmNautoUnmanage, False);
	XtSetArg(a[1], XmNresizePolicy, XmRESIZE_GROW);
	return XmCreateFormDialog(parent, (char *)name, a, 2);
}

Widget
xmu_form_label(Widget form, const char *name, Widget above)
{
	return XtVaCreateManagedWidget(name, xmLabelWidgetClass, form,
	    XmNtopAttachment, above != NULL ? XmATTACH_WIDGET : XmATTACH_FORM,
	    XmNtopWidget, above, XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNalignment, XmALIGNMENT_BEGINNING, NULL);
}

Widget
xmu_form_list(Widget form, const char *name, Widget above,
    XtCallbackProc select_cb, XtPointer closure)
{
	Widget	 list;
	Arg	 a[3];

	XtSetArg(a[0], XmNselectionPolicy, XmBROWSE_SELECT);
	XtSetArg(a[1], XmNscrollBarDisplayPolicy, XmAS_NEEDED);
	XtSetArg(a[2], XmNlistSizePolicy, XmCONSTANT);
	list = XmCreateScrolledList(form, (char *)name, a, 3);
	XtVaSetValues(XtParent(list), XmNtopAttachment, XmATTACH_WIDGET,
	    XmNtopWidget, above, XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM, NULL);
	XtAddCallback(list, XmNbrowseSelectionCallback, select_cb, closure);
	XtManageChild(list);
	return list;
}

Widget
xmu_form_button(Widget form, const char *name, Widget left,
    XtCallbackProc cb, XtPointer closure)
{
	Widget	 b;

	b = XtVaCreateManagedWidget(name, xmPushButtonWidgetClass, form,
	    XmNbottomAttachment, XmATTACH_FORM,
	    XmNleftAttachment, left != NULL ? XmATTACH_WIDGET : XmATTACH_FORM,
	    XmNleftWidget, left, XmNleftOffset, left != NULL ? 6 : 0, NULL);
	XtAddCallback(b, XmNactivateCallback, cb, closure);
	return b;
}

Widget
xmu_form_close(Widget form, const char *name, Widget row)
{
	Widget	 close;

	close = XtVaCreateManagedWidget(name, xmPushButtonWidgetClass, form,
	    XmNbottomAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM, NULL);
	XtAddCallback(close, XmNactivateCallback, xmu_unmanage_cb, form);
	XtVaSetValues(form, XmNcancelButton, close, XmNdefaultButton, close,
	    NULL);
	return XtVaCreateManagedWidget("separator", xmSeparatorGadgetClass,
	    form, XmNleftAttachment, XmATTACH_FORM, XmNrightAttachment,
	    XmATTACH_FORM, XmNbottomAttachment, XmATTACH_WIDGET,
	    XmNbottomWidget, row, XmNbottomOffset, 6, NULL);
}

void
xmu_unmanage_cb(Widget w, XtPointer closure, XtPointer call)
{
	(void)w;
	(void)call;
	XtUnmanageChild((Widget)closure);
}

/* ---- text columns ------------------------------------------------------ */

char *
xmu_number(char *buf, uint64_t v, const char *sep)
{
	char		 d[32];
	size_t		 len, i, o = 0, sl = strlen(sep);

	if (sl > 4)
		sl = 4;
	len = (size_t)snprintf(d, sizeof d, "%llu", (unsigned long long)v);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			memcpy(buf + o, sep, sl);
			o += sl;
		}
		buf[o++] = d[i];
	}
	buf[o] = '\0';
	return buf;
}

char *
xmu_pad(char *o, const char *s, unsigned width, bool right)
{
	size_t		 len = strlen(s), cut = utf8_prefix(s, len, width);
	size_t		 n, chars = utf8_chars(s, cut);

	if (right)
		for (n = chars; n < width; n++)
			*o++ = ' ';
	memcpy(o, s, cut);
	o += cut;
	if (!right)
		for (n = chars; n < width; n++)
			*o++ = ' ';
	*o = '\0';
	return o;
}

void
xmu_show_message(Widget dialog, const char *utf8)
{
	XmString	 s = xmu_string(utf8);

	XtVaSetValues(dialog, XmNmessageString, s, NULL);
	XmStringFree(s);
	XtManageChild(dialog);
}

void
xmu_show_template(Widget dialog, const char *tmpl, const char *keys,
    const char *const *vals)
{
	char	*s = template_expand_dup(tmpl, keys, vals);

	xmu_show_message(dialog, s);
	free(s);
}

Widget
xmu_log_text(Widget parent, const char *name, const Arg *extra, Cardinal n)
{
	Arg		 a[11];
	Cardinal	 i, k = 0;
	Widget		 w;

	XtSetArg(a[k], XmNeditMode, XmMULTI_LINE_EDIT); k++;
	XtSetArg(a[k], XmNeditable, False); k++;
	XtSetArg(a[k], XmNcursorPositionVisible, False); k++;
	for (i = 0; i < n && k < XtNumber(a); i++)
		a[k++] = extra[i];
	w = XmCreateScrolledText(parent, (char *)name, a, k);
	XtManageChild(w);
	return w;
}

/* ---- the SIGUSR1 dump helpers ------------------------------------------ */

FILE *
xmu_dump_open(const char *file)
{
	char	 tmp[4200];

	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	return fopen(tmp, "w");
}

bool
xmu_dump_close(FILE *fp, const char *file)
{
	char	 tmp[4200];

	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	if (fclose(fp) == 0 && rename(tmp, file) == 0)
		return true;
	unlink(tmp);
	return false;
}

void
xmu_dump_title(FILE *fp, Widget top)
{
	char	*title = NULL;

	XtVaGetValues(top, XtNtitle, &title, NULL);
	fprintf(fp, "title %s\n", title != NULL ? title : "");
}

void
xmu_dump_widget(FILE *fp, Widget top, const char *path)
{
	Widget		 w = XtNameToWidget(top, path);
	Position	 x = 0, y = 0;
	Dimension	 wd = 0, ht = 0;
	char		*l;

	if (w == NULL) {
		fprintf(fp, "widget %s missing\n", path);
		return;
	}
	if (XtIsRealized(w))
		XtTranslateCoords(w, 0, 0, &x, &y);
	XtVaGetValues(w, XmNwidth, &wd, XmNheight, &ht, NULL);
	l = XtIsSubclass(w, xmLabelWidgetClass) ||
	    XtIsSubclass(w, xmLabelGadgetClass) ? xmu_label_text(w) :
	    xstrdup("");
	fprintf(fp, "widget %s %s %s %d %d %u %u %s\n", path,
	    XtIsManaged(w) ? "managed" : "unmanaged",
	    XtIsSensitive(w) ? "sensitive" : "insensitive",
	    x, y, wd, ht, l);
	XtFree(l);
}

void
xmu_dump_dialog(FILE *fp, Widget top, const char *name)
{
	Widget		 w = XtNameToWidget(top, name);
	char		 path[128], *m = NULL;
	XmString	 s = NULL;

	if (w == NULL) {
		fprintf(fp, "dialog %s none\n", name);
		return;
	}
	fprintf(fp, "dialog %s %s\n", name,
	    XtIsManaged(w) ? "managed" : "unmanaged");
	if (!XtIsManaged(w))
		return;
	XtVaGetValues(w, XmNmessageString, &s, NULL);
	if (s != NULL) {
		m = xmu_string_text(s);
		XmStringFree(s);
	}
	for (char *c = m; c != NULL && *c != '\0'; c++)
		if (*c == '\n')
			*c = '|';
	fprintf(fp, "message %s %s\n", name, m != NULL ? m : "");
	XtFree(m);
	snprintf(path, sizeof path, "%s.OK", name);
	xmu_dump_widget(fp, top, path);
	snprintf(path, sizeof path, "%s.Cancel", name);
	xmu_dump_widget(fp, top, path);
}

void
xmu_dump_list(FILE *fp, Widget list, const char *count, const char *item,
    const char *pos)
{
	XmStringTable	 items = NULL;
	int		 n = 0, i;
	char		*p;
	Position	 x, y, rx, ry;
	Dimension	 w, h;

	XtVaGetValues(list, XmNitems, &items, XmNitemCount, &n, NULL);
	fprintf(fp, "%s %d\n", count, n);
	for (i = 0; i < n; i++) {
		p = xmu_string_text(items[i]);
		fprintf(fp, "%s %s%s\n", item, p != NULL ? p : "",
		    XmListPosSelected(list, i + 1) ? " [selected]" : "");
		XtFree(p);
	}
	for (i = 1; i <= n; i++)
		if (XtIsRealized(list) &&
		    XmListPosToBounds(list, i, &x, &y, &w, &h)) {
			XtTranslateCoords(list, x, y, &rx, &ry);
			fprintf(fp, "%s %d %d %d %u %u\n", pos, i, rx, ry, w,
			    h);
		}
}

/* ---- every label of the tree, for the translation test --------------- */

/* Would w show if its dialog or menu were up (managed up to the shell)? */
static bool
labels_shown(Widget w)
{
	for (; w != NULL && !XtIsShell(w); w = XtParent(w))
		if (!XtIsManaged(w) && !XtIsShell(XtParent(w)))
			return false;
	return true;
}

/* Is w on the screen now (its window, or its gadget's, viewable)? */
static bool
labels_viewable(Widget w)
{
	XWindowAttributes	 wa;

	return XtIsRealized(w) && XGetWindowAttributes(XtDisplayOfObject(w),
	    XtWindowOfObject(w), &wa) && wa.map_state == IsViewable;
}

/*
 * One line: kind, path, shown, viewable, root position and size, text
 * (new lines and tabs as |).
 */
static void
labels_line(FILE *fp, const char *kind, const char *path, Widget w,
    const char *text)
{
	Position	 x = 0, y = 0;
	Dimension	 wd = 0, ht = 0;

	if (XtIsRealized(w) && !XtIsShell(w))
		XtTranslateCoords(w, 0, 0, &x, &y);
	XtVaGetValues(w, XtNwidth, &wd, XtNheight, &ht, NULL);
	fprintf(fp, "%s\t%s\t%s\t%s\t%d %d %u %u\t", kind, path,
	    labels_shown(w) ? "shown" : "hidden",
	    labels_viewable(w) ? "viewable" : "-", x, y, wd, ht);
	for (; *text != '\0'; text++)
		fputc(*text == '\n' || *text == '\t' ? '|' : *text, fp);
	fputc('\n', fp);
}

/* The labels, mnemonics and titles of w, then of its children. */
static void
labels_walk(FILE *fp, Widget w, const char *parent)
{
	char		 path[1024], *t = NULL, m[2] = "";
	unsigned char	 type = XmSTRING;
	KeySym		 ks = NoSymbol;
	WidgetList	 kids = NULL;
	Cardinal	 n = 0, i;

	snprintf(path, sizeof path, "%s.%s", parent, XtName(w));
	if (XtIsSubclass(w, xmLabelWidgetClass) ||
	    XtIsSubclass(w, xmLabelGadgetClass)) {
		XtVaGetValues(w, XmNlabelType, &type, XmNmnemonic, &ks, NULL);
		if (type == XmSTRING) {
			t = xmu_label_text(w);
			labels_line(fp, "label", path, w, t);
			XtFree(t);
		}
		if (ks != NoSymbol && ks < 0x80) {
			m[0] = (char)ks;
			labels_line(fp, "mnemonic", path, w, m);
		}
	}
	if (XtIsWMShell(w)) {
		XtVaGetValues(w, XtNtitle, &t, NULL);
		labels_line(fp, "title", path, w, t != NULL ? t : "");
	}
	if (XtIsComposite(w))
		XtVaGetValues(w, XtNchildren, &kids, XtNnumChildren, &n, NULL);
	for (i = 0; i < n; i++)
		labels_walk(fp, kids[i], path);
	for (i = 0; XtIsWidget(w) && i < w->core.num_popups; i++)
		labels_walk(fp, w->core.popup_list[i], path);
}

void
xmu_dump_labels(Widget top, const char *file)
{
	char	 name[4096];
	FILE	*fp;

	snprintf(name, sizeof name, "%s.labels", file);
	if ((fp = xmu_dump_open(name)) == NULL)
		return;
	labels_walk(fp, top, "");
	xmu_dump_close(fp, name);
}
