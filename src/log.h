/*
 * log.h -- diagnostics on stderr: warnings, debug output, fatal errors.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_LOG_H
#define XCHAT_LOG_H

#include <stdarg.h>

void	log_init(const char *progname, int debug);
const char *log_progname(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
