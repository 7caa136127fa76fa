/*
 * xmutil.h -- small generic Motif helpers shared by the windows of
 * xchat and xchatd: menus, compound strings from UTF-8, labels,
 * dialogs, colours.  Nothing here knows about chat.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_XMUTIL_H
#define XCHAT_XMUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <Xm/Xm.h>

/*
 * Rows of an XtResource table filled into the struct type st: a
 * string (XtRString) and an int (XtRImmediate) resource with name n,
 * class c, member f and default d.  Both windows declare their tables
 * with these (xterm's Sres/Ires).
 */
#define XMU_RES_S(st, n, c, f, d) \
	{ n, c, XtRString, sizeof(String), \
	  XtOffsetOf(st, f), XtRString, (XtPointer)(d) }
#define XMU_RES_I(st, n, c, f, d) \
	{ n, c, XtRInt, sizeof(int), \
	  XtOffsetOf(st, f), XtRImmediate, (XtPointer)(d) }

/*
 * The display a program will try: the value of -display in argv (or
 * of an abbreviation Xt accepts, -disp...), else $DISPLAY as
 * XDisplayName() says.  Read before XtOpenDisplay, which consumes it,
 * so that an error names the display actually tried.  Never NULL.
 */
const char *xmu_display_name(int argc, char **argv);

/*
 * Whether text's font (the Xft font of its render table's first
 * rendition) has a glyph for c: XmText draws a line with that one
 * font and no fallback.  *cache keeps the font (NULL the first time);
 * no Xft font: every character passes.
 */
bool	xmu_can_draw(Widget text, void **cache, uint32_t c);

/*
 * Set the shell's title and icon name (UTF-8; NULL leaves one as it
 * is), and, once the shell is realized, copy both into _NET_WM_NAME
 * and _NET_WM_ICON_NAME as UTF8_STRING: today's window managers read
 * those first, and they hold any character whatever the locale (the
 * ICCCM properties Xt writes are converted through the locale).  Call
 * it with NULL, NULL after realizing the shell to copy what was set
 * before.
 */
void	xmu_set_names(Widget shell, const char *title, const char *icon);

/*
 * Give the shell the icon bits (a bitmap of width by height, as in an
 * XBM file: 1 bits are the picture) with its mask (1 bits opaque) in
 * its WM_HINTS, XmNiconPixmap and XmNiconMask, so that the window
 * manager shows it for the window and its icon.  A bitmap, as ICCCM
 * asks: twm, for one, draws any icon pixmap as one.  The pixmaps last
 * as long as the display.  Without them the window keeps the window
 * manager's icon (a warning says so).
 */
void	xmu_set_icon(Widget shell, const unsigned char *bits,
	    const unsigned char *mask, unsigned width, unsigned height);

/* A pulldown menu named name under menubar; returns the pulldown. */
Widget	xmu_add_menu(Widget menubar, const char *name, Widget *cascade);
/* A push button named name in menu calling cb(w, data, call). */
Widget	xmu_add_item(Widget menu, const char *name, XtCallbackProc cb,
	    XtPointer data);
/* The tag of the render table's fallback rendition. */
#define XMU_FALLBACK_TAG	"symbol"
/*
 * If w's render table has a rendition tagged XMU_FALLBACK_TAG after a
 * first one of an Xft font, make xmu_string draw each run of
 * characters the first one lacks with the fallback (for every widget
 * of the program from now on: their render tables must have the same
 * two renditions, or a widget without the tag draws such runs with its
 * first font, as before).  Opens the first font (kept for the life of
 * the program) to know what it has.  Returns true if strings are now
 * split; false (nothing changes) if the table has no such pair or the
 * font cannot be opened.
 */
bool	xmu_fallback_init(Widget w);
/*
 * The text of x (separators as newlines), for a string of any number
 * of segments; never NULL; the caller frees it with XtFree.
 */
char	*xmu_string_text(XmString x);
/* For the test dumps: write " run" for each fallback run of x. */
void	xmu_fallback_dump(FILE *fp, XmString x);
/*
 * An XmString from UTF-8 text in the current (UTF-8) locale: after
 * xmu_fallback_init, in runs of the main font's characters and of the
 * others (tagged XMU_FALLBACK_TAG).
 */
XmString xmu_string(const char *utf8);
/* Set XmNlabelString of w from UTF-8 text. */
void	xmu_set_label(Widget w, const char *utf8);
/*
 * XmNlabelString of w as a new UTF-8 string the caller frees ("" if
 * it has none).  Aborts only if memory runs out.
 */
char	*xmu_label_text(Widget w);
/*
 * An unmanaged XmMessageDialog named name of XmNdialogType type under
 * parent, without its Help button, and without Cancel unless cancel.
 */
Widget	xmu_message_dialog(Widget parent, const char *name, int type,
	    bool cancel);
/* Set a message box's XmNmessageString from UTF-8 text and manage it. */
void	xmu_show_message(Widget dialog, const char *utf8);
/* The same with the text tmpl, its %x placeholders filled (template.h). */
void	xmu_show_template(Widget dialog, const char *tmpl, const char *keys,
	    const char *const *vals);
/* Pop up a managed dialog; create with create(parent, name, NULL, 0). */
void	xmu_popup(Widget dialog);
/*
 * Form dialogs built top to bottom (the Accounts and Bans dialogs):
 * xmu_form_dialog makes an unmanaged XmFormDialog named name that grows
 * for a long label and never shrinks, and is not unmanaged by its
 * buttons.  xmu_form_label puts a label across the form under above
 * (NULL: at the top); xmu_form_list a browse-select scrolled list under
 * above calling select_cb(closure) when a line is chosen (managed,
 * stretched across; attach its bottom yourself); xmu_form_button a push
 * button at the bottom, right of left (NULL: at the left edge), calling
 * cb(closure).  xmu_form_close puts the Close button named name at the
 * bottom right (it unmanages the dialog and is its default and cancel
 * button) and a separator above row (a widget of the bottom row);
 * returns the separator, which the widgets above attach to.
 */
Widget	xmu_form_dialog(Widget parent, const char *name);
Widget	xmu_form_label(Widget form, const char *name, Widget above);
Widget	xmu_form_list(Widget form, const char *name, Widget above,
	    XtCallbackProc select_cb, XtPointer closure);
Widget	xmu_form_button(Widget form, const char *name, Widget left,
	    XtCallbackProc cb, XtPointer closure);
Widget	xmu_form_close(Widget form, const char *name, Widget row);
/* An XtCallbackProc that unmanages the widget given as its closure. */
void	xmu_unmanage_cb(Widget w, XtPointer closure, XtPointer call);

/*
 * A pulldown menu named pulldown under menubar with a cascade button
 * named cascade; if help, the cascade becomes the bar's
 * XmNmenuHelpWidget (placed at the right).  Returns the pulldown.
 */
Widget	xmu_menu(Widget menubar, const char *cascade, const char *pulldown,
	    bool help);

/*
 * Write v in decimal into buf (21 + 6 * strlen(sep) bytes; sep is cut
 * to 4 bytes) with sep
 * between groups of three digits; returns buf.
 */
char	*xmu_number(char *buf, uint64_t v, const char *sep);
/*
 * Write UTF-8 s at o in a column width characters wide (cut if longer,
 * padded with spaces on the left if right, else on the right) and
 * terminate it; returns the end (the NUL).  o needs strlen(s) + width
 * + 1 bytes.
 */
char	*xmu_pad(char *o, const char *s, unsigned width, bool right);


/*
 * A managed read-only multi-line XmScrolledText named name under
 * parent, with no cursor shown; extra (n args, at most 8) are added.
 */
Widget	xmu_log_text(Widget parent, const char *name, const Arg *extra,
	    Cardinal n);

/*
 * Dump helpers for the SIGUSR1 test hook.  xmu_dump_open opens
 * file.tmp for writing (NULL on failure, errno set); xmu_dump_close
 * closes it and renames it onto file, so a reader never sees a half
 * written dump (false if writing or renaming failed; the temporary
 * is removed).
 */
FILE	*xmu_dump_open(const char *file);
bool	xmu_dump_close(FILE *fp, const char *file);
/* "title T" for the shell top. */
void	xmu_dump_title(FILE *fp, Widget top);
/*
 * "widget PATH managed|unmanaged sensitive|insensitive X Y W H LABEL"
 * for the widget path under top ("widget PATH missing" if none).
 */
void	xmu_dump_widget(FILE *fp, Widget top, const char *path);
/*
 * "dialog NAME none|managed|unmanaged"; if managed, its message (new
 * lines as |) and its OK and Cancel buttons as xmu_dump_widget.
 */
void	xmu_dump_dialog(FILE *fp, Widget top, const char *name);
/*
 * "COUNT n", then "ITEM text" for each item of the XmList list (with
 * " [selected]" if it is), then "POS i x y w h" (root coordinates)
 * for each visible one.
 */
void	xmu_dump_list(FILE *fp, Widget list, const char *count,
	    const char *item, const char *pos);
/*
 * Write file.labels (through file.labels.tmp, like xmu_dump_open): a
 * line "KIND\tPATH\tshown|hidden\tviewable|-\tX Y W H\tTEXT" for every
 * label (KIND label), mnemonic and shell title of the widget tree
 * under top, popups (menus, dialogs) included; hidden: not shown even
 * with its menu or dialog up; viewable: on the screen now.  For the
 * test that no label is left untranslated.
 * Failures are silent (the test sees no file).
 */
void	xmu_dump_labels(Widget top, const char *file);

#endif
