/*
 * log.h -- diagnostics on stderr: warnings, debug output, fatal errors.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_LOG_H
#define XCHAT_LOG_H

#include <stdarg.h>

/*
 * Set the name that starts every line (kept, not copied) and whether
 * log_debug() prints.  Call once, first thing in main().
 */
void	log_init(const char *progname, int debug);
/* The name given to log_init(), "xchat" before it. */
const char *log_progname(void);
/*
 * "prog: message: strerror(errno)" on stderr; errno is preserved.  A
 * line longer than 1 KiB is cut.  Never fails visibly.
 */
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
/* The same without the errno text. */
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* An informational line ("prog: message"), always printed. */
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
/* A line printed only when log_init() was given debug. */
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/*
 * Like log_warn() / log_warnx(), then exit(1).  For start-up and
 * broken invariants only, never for a bad peer.
 */
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
