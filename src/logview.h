/*
 * logview.h -- the batched XmText log view of both windows: xchatd's
 * event view and xchat's transcript.  Lines are queued and moved into
 * the widget in one insert from a short timer; the head is cut in
 * chunks; a view at its end follows new lines and one scrolled back
 * stays put; a line can be rewritten in place; long lines are laid out
 * in rows by textwrap(), every continuation row marked, and laid out
 * again when the widget's width changes.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_LOGVIEW_H
#define XCHAT_LOGVIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <Xm/Xm.h>

/* Line flags. */
#define LV_HIGHLIGHT	0x1	/* drawn underlined (not as selected) */

/*
 * What the owner hears from its view.  schedule(arg): lines were
 * queued, arrange for logview_flush() soon (e.g. a timer).  below(arg,
 * n): n lines arrived below a view that is scrolled back (0: the view
 * is at its end again).  Either may be NULL.
 */
struct logview_hooks {
	void	(*schedule)(void *);
	void	(*below)(void *, size_t);
};

struct logview;

/*
 * A view over the multi-line XmText text (which it makes read-only and
 * unwrapped: the view lays out rows itself).  It keeps at most save
 * lines and save times 200 characters (at least a million): when
 * over, the head is cut in one replace down to 90% of both (counting
 * characters, as XmText positions do in a UTF-8 locale); queued lines
 * beyond that are dropped unseen.
 * mark begins every continuation row (copied).  While paused, lines
 * are held (at most save + 10%, the oldest go).  The view owns its
 * lines, not the widget.  Only allocation can fail, and that aborts.
 */
struct logview *logview_new(Widget text, int save, const char *mark,
	    const struct logview_hooks *hooks, void *arg);
/*
 * Tell the view which characters its font can draw: a character
 * drawable(arg, c) says no to is shown as "[U+XXXX]" (one of no width,
 * such as a variation selector, not at all) instead of an empty box.
 * The lines keep their text (saved as it came).  NULL: all can.
 */
void	 logview_set_drawable(struct logview *,
	    bool (*drawable)(void *, uint32_t));
/* Free the view's lines (not the widget). */
void	 logview_free(struct logview *);

/*
 * Queue one line of UTF-8 text s (len bytes, no newline; made fit for
 * display here) with flags LV_*.  Returns the line's serial number,
 * which counts the lines of the view from 0.
 */
uint64_t logview_add(struct logview *, const char *s, size_t len,
	    unsigned flags);
/*
 * Rewrite line serial (shown or queued) as s with flags.  Returns
 * false if that line is gone (cut from the head, or never added).
 */
bool	 logview_set(struct logview *, uint64_t serial, const char *s,
	    size_t len, unsigned flags);
/*
 * If tm's day differs from the last one seen, queue a date line
 * formatted by strftime with fmt.
 */
void	 logview_date(struct logview *, const struct tm *tm,
	    const char *fmt);
/*
 * Move queued lines into the widget (nothing while paused): at most
 * 64 KiB of characters at a time; if lines are left, the schedule
 * hook is called again (logview_behind() is then true).
 */
void	 logview_flush(struct logview *);
bool	 logview_behind(const struct logview *);
/* Hold (true) or release and flush (false) the queued lines. */
void	 logview_pause(struct logview *, bool);
bool	 logview_paused(const struct logview *);
/* Lines queued but not shown, and lines in the widget. */
size_t	 logview_held(const struct logview *);
size_t	 logview_lines(const struct logview *);
/* Empty the widget and the queue (serial numbers go on). */
void	 logview_clear(struct logview *);
/* Is the widget scrolled to its end (so that it follows new lines)? */
bool	 logview_at_end(const struct logview *);
/* Scroll to the end and follow new lines again. */
void	 logview_follow(struct logview *);
/*
 * The line shown at widget position pos, as shown (a copy the caller
 * frees), and in *off the byte in it that pos shows; NULL if pos is on
 * no character of a line (a continuation mark, the end of a row).
 */
char	*logview_text_at(struct logview *, long pos, size_t *off);
/* The columns rows are laid out in now. */
unsigned logview_columns(const struct logview *);
/*
 * Write every line the view holds (shown and queued), laid out in rows
 * of cols columns as on screen, to fp.  Returns false on a write error
 * (errno set).
 */
bool	 logview_save(const struct logview *, FILE *fp, unsigned cols);
/*
 * Write the rows the widget shows now, as the toolkit laid them out
 * (found from the position of each character on the screen), to fp,
 * each as prefix, a space, the row and a newline.  For tests.
 */
void	 logview_dump_screen(struct logview *, FILE *fp, const char *prefix);
/*
 * Write the last n rows of the widget to fp, each as prefix, a space,
 * the row and a newline.
 */
void	 logview_dump(struct logview *, FILE *fp, const char *prefix, int n);

#endif
