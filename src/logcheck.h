/*
 * logcheck.h -- run msglog_verify() on a log in a child process so a
 * long log never stalls the server, and collect its report (the first
 * 16 KiB and the last 4 KiB) through a pipe watched by the event loop.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_LOGCHECK_H
#define XCHAT_LOGCHECK_H

#include <stddef.h>

struct msglog_verdict;

/*
 * Called once when the check ends: status is msglog_verify()'s exit
 * code (0 intact, 1 bad records, 2 unreadable), why is NULL or the
 * reason the child died, report (len bytes, NUL-terminated, owned by
 * logcheck and valid only during the call) is its output, with
 * "\n[...]\n" where the middle was cut; v its counts (NULL if the
 * child did not give them), so that the window can word the summary.
 */
typedef void logcheck_done_fn(void *arg, int status, const char *why,
    const char *report, size_t len, const struct msglog_verdict *v);

/*
 * Start checking file.  Returns 0, or -1 with errno set if the pipe or
 * the child cannot be made (done is then not called).  One check at a
 * time: returns -1 with EBUSY while one runs.  Uses evloop.
 */
int	logcheck_start(const char *file, logcheck_done_fn *done, void *arg);
/* Is a check running? */
int	logcheck_running(void);

#endif
