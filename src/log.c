/*
 * log.c -- diagnostics on stderr.  log_warn() and fatal() append the
 * errno text; log_warnx() and fatalx() do not.  fatal*() exit with
 * status 1: they are for start-up and invariant failures only, never
 * for a bad peer.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "utf8.h"

static const char	*prog = "xchat";
static int		 debugging;

void
log_init(const char *progname, int debug)
{
	prog = progname;
	debugging = debug;
}

const char *
log_progname(void)
{
	return prog;
}

/*
 * Every line goes out with its control characters escaped: many echo
 * what the user gave (a nick, a host, a file name, an option).
 */
static void
vlog(const char *fmt, va_list ap, int err)
{
	char	 raw[1024], buf[1024];

	vsnprintf(raw, sizeof raw, fmt, ap);
	utf8_escape_controls(buf, sizeof buf, raw);
	if (err != 0)
		fprintf(stderr, "%s: %s: %s\n", prog, buf, strerror(err));
	else
		fprintf(stderr, "%s: %s\n", prog, buf);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 err = errno;

	va_start(ap, fmt);
	vlog(fmt, ap, err);
	va_end(ap);
	errno = err;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (!debugging)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 err = errno;

	va_start(ap, fmt);
	vlog(fmt, ap, err);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
	exit(1);
}
