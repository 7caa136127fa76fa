/*
 * clientlog.c -- the client's log file.  Records are tab-separated:
 *   time  dir  n  id  nick  md5  verdict  text
 * time is local ISO 8601 with the UTC offset; the text is the last
 * field, with backslash, tab and control bytes written as \\, \t and
 * \xNN so that one record is always one line.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <ctype.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clientlog.h"
#include "log.h"
#include "seenset.h"
#include "xmalloc.h"

struct clientlog {
	FILE		*fp;
	char		*path;
	int		 failed;
	struct seenset	 seen;		/* messages logged in this run */
};

const char *
clientlog_default_path(const char *host, const char *port)
{
	static char	 path[4096];
	const char	*home = getenv("HOME");
	char		 name[256];
	size_t		 i;

	/* The server's name as a file name: odd bytes become '_'. */
	snprintf(name, sizeof name, "%s-%s", host, port);
	for (i = 0; name[i] != '\0'; i++)
		if (!isalnum((unsigned char)name[i]) && strchr(".-_:",
		    name[i]) == NULL)
			name[i] = '_';
	if (name[0] == '.')
		name[0] = '_';
	snprintf(path, sizeof path, "%s/.xchat/logs/%s.log",
	    home != NULL && *home != '\0' ? home : ".", name);
	return path;
}

struct clientlog *
clientlog_open(const char *path, char *err, size_t errlen)
{
	struct clientlog	*cl;
	int			 fd;
	FILE			*fp;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1 || (fp = fdopen(fd, "a")) == NULL) {
		snprintf(err, errlen, "cannot open log file %s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	cl = xcalloc(1, sizeof *cl);
	cl->fp = fp;
	cl->path = xstrdup(path);
	seenset_init(&cl->seen, CLIENTLOG_SEEN);
	return cl;
}

void
clientlog_close(struct clientlog *cl)
{
	if (cl == NULL)
		return;
	fclose(cl->fp);
	free(cl->path);
	seenset_free(&cl->seen);
	free(cl);
}

static void
put_escaped(FILE *fp, const char *s, size_t len)
{
	size_t		 i;
	unsigned char	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\\')
			fputs("\\\\", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\x%02x", c);
		else
			putc(c, fp);
	}
}

void
clientlog_record(struct clientlog *cl, const char *dir, uint64_t n,
    uint64_t id, const char *nick, size_t nicklen, const char *md5,
    const char *verdict, const char *text, size_t textlen)
{
	char		 tbuf[64];
	time_t		 t = time(NULL);
	struct tm	 tm;

	if (cl == NULL)
		return;
	localtime_r(&t, &tm);
	strftime(tbuf, sizeof tbuf, "%Y-%m-%dT%H:%M:%S%z", &tm);
	fprintf(cl->fp, "%s\t%s\t", tbuf, dir);
	if (n != 0)
		fprintf(cl->fp, "%" PRIu64, n);
	else
		putc('-', cl->fp);
	fprintf(cl->fp, "\t%" PRIu64 "\t", id);
	put_escaped(cl->fp, nick, nicklen);
	fprintf(cl->fp, "\t%.32s\t%s\t", md5, verdict);
	put_escaped(cl->fp, text, textlen);
	putc('\n', cl->fp);
	if (fflush(cl->fp) == EOF && !cl->failed) {
		cl->failed = 1;
		log_warn("cannot write log file %s", cl->path);
	}
}

/* Log message n (digest md5) now?  (See clientlog.h.) */
bool
clientlog_first(struct clientlog *cl, uint64_t n, const char *md5)
{
	if (cl == NULL)
		return true;
	return seenset_add(&cl->seen, n, md5);
}
