/*
 * srvopts.c -- checking xchatd's settings.  Each value comes from a
 * resource string; a bad one is reported with the option that sets it.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netio.h"
#include "srvopts.h"

bool
srvopts_bool(const char *s, bool *out)
{
	static const char *yes[] = { "true", "yes", "on", "1" };
	static const char *no[] = { "false", "no", "off", "0" };
	size_t	 i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* A whole number from lo to hi, optionally with a k/m/g suffix. */
static bool
whole(const char *s, unsigned long long lo, unsigned long long hi,
    bool suffix, unsigned long long *out)
{
	unsigned long long v;
	char		*end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return false;
	if (suffix && *end != '\0' && end[1] == '\0') {
		unsigned long long m = 0;

		switch (*end) {
		case 'k': case 'K': m = 1024ULL; break;
		case 'm': case 'M': m = 1024ULL * 1024; break;
		case 'g': case 'G': m = 1024ULL * 1024 * 1024; break;
		}
		if (m == 0 || v > hi / m)
			return false;
		v *= m;
		end++;
	}
	if (*end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* A decimal number of seconds (or a rate) from lo to hi. */
static bool
decimal(const char *s, double lo, double hi, double *out)
{
	double	 v;
	char	*end;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

#define BAD(opt, val, what) do {					\
	snprintf(err, errlen, "%s: '%s' is not %s", opt, val, what);	\
	return false;							\
} while (0)

bool
srvopts_check(const struct srv_strings *s, struct srv_options *o,
    char *err, size_t errlen)
{
	unsigned long long v;
	double		 d;

	memset(o, 0, sizeof *o);
	if (s->listen == NULL || *s->listen == '\0')
		BAD("-listen", "", "an address");
	o->listen = s->listen;
	if (!netio_port_valid(s->port))
		BAD("-port", s->port, "a port number (1-65535)");
	o->port = s->port;
	if (s->logfile == NULL || *s->logfile == '\0')
		BAD("-logfile", "", "a file name");
	o->logfile = s->logfile;
	if (!whole(s->maxclients, 1, 1000000, false, &v))
		BAD("-maxclients", s->maxclients, "a number from 1 to 1000000");
	o->hub.maxclients = (unsigned)v;
	if (!whole(s->history, 0, 100000, false, &v))
		BAD("-history", s->history, "a number from 0 to 100000");
	o->hub.history = (unsigned)v;
	if (!decimal(s->floodrate, 0, 1e6, &d))
		BAD("-floodrate", s->floodrate,
		    "a rate from 0 to 1000000 messages per second");
	o->hub.floodrate = d;
	if (!whole(s->floodkick, 1, 1000000000, false, &v))
		BAD("-floodkick", s->floodkick, "a number from 1 to 1000000000");
	o->hub.floodkick = (unsigned)v;
	if (!whole(s->slowlimit, 8192, 1ULL << 32, true, &v))
		BAD("-slowlimit", s->slowlimit,
		    "a size from 8192 bytes to 4G (suffix k, m or g)");
	o->hub.slowlimit = (size_t)v;
	if (!decimal(s->pinginterval, 0, 86400, &d))
		BAD("-pinginterval", s->pinginterval,
		    "a number of seconds from 0 (off) to 86400");
	o->hub.ping_interval = (unsigned long)(d * 1000);
	if (!decimal(s->pingtimeout, 0.1, 86400, &d))
		BAD("-pingtimeout", s->pingtimeout,
		    "a number of seconds from 0.1 to 86400");
	o->hub.ping_timeout = (unsigned long)(d * 1000);
	if (!srvopts_bool(s->headless, &o->headless))
		BAD("-headless", s->headless, "true or false");
	if (!srvopts_bool(s->debug, &o->debug))
		BAD("-debug", s->debug, "true or false");
	o->verifylog = (s->verifylog != NULL && *s->verifylog != '\0') ?
	    s->verifylog : NULL;
	return true;
}
