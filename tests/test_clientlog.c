/*
 * test_clientlog.c -- the client log: the record format (tab-separated
 * time, direction, n or "-", id, nick, digest, verdict, text), the
 * escaping of the text, the file mode, and that write errors are
 * reported once.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clientlog.h"
#include "log.h"
#include "unit.h"

static const char md5[] = "0123456789abcdef0123456789abcdef";

/* Read the whole file into buf (NUL-terminated). */
static void
slurp(const char *path, char *buf, size_t size)
{
	FILE	*fp = fopen(path, "r");
	size_t	 n = 0;

	CHECK(fp != NULL);
	if (fp != NULL) {
		n = fread(buf, 1, size - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
}

static void
test_format(const char *dir)
{
	char			 path[512], buf[4096], err[256], *tab;
	struct clientlog	*cl;
	struct stat		 st;

	snprintf(path, sizeof path, "%s/client.log", dir);
	cl = clientlog_open(path, err, sizeof err);
	CHECK(cl != NULL);
	if (cl == NULL)
		return;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	clientlog_record(cl, "in", 42, 7, "ana", 3, md5, "good", "olá", 4);
	clientlog_record(cl, "out", 0, 3, "rui", 3, md5, "pending",
	    "a\tb\\c\x01\x7f", 7);
	clientlog_record(NULL, "out", 1, 1, "x", 1, md5, "good", "x", 1);
	clientlog_close(cl);
	clientlog_close(NULL);

	slurp(path, buf, sizeof buf);
	/* The time comes first: 2026-12-01T23:04:05+0000 */
	tab = strchr(buf, '\t');
	CHECK(tab != NULL && tab - buf >= 24 && buf[4] == '-' &&
	    buf[10] == 'T');
	if (tab == NULL)
		return;
	CHECK(strncmp(tab, "\tin\t42\t7\tana\t"
	    "0123456789abcdef0123456789abcdef\tgood\tol\xc3\xa1\n",
	    strlen("\tin\t42\t7\tana\t") + 32 + 11) == 0);
	tab = strchr(strchr(tab, '\n') + 1, '\t');
	CHECK(tab != NULL);
	if (tab != NULL)
		CHECK_STR(tab, "\tout\t-\t3\trui\t"
		    "0123456789abcdef0123456789abcdef\tpending\t"
		    "a\\tb\\\\c\\x01\\x7f\n");

	/* Appending: a second open keeps what is there. */
	cl = clientlog_open(path, err, sizeof err);
	CHECK(cl != NULL);
	clientlog_record(cl, "hist", 5, 2, "bea", 3, md5, "FAILED", "", 0);
	clientlog_close(cl);
	slurp(path, buf, sizeof buf);
	CHECK(strstr(buf, "\tin\t42\t") != NULL);
	CHECK(strstr(buf, "\thist\t5\t2\tbea\t"
	    "0123456789abcdef0123456789abcdef\tFAILED\t\n") != NULL);
	unlink(path);
}

static void
test_open_error(const char *dir)
{
	char	 path[512], err[256];

	snprintf(path, sizeof path, "%s/no/such/dir/log", dir);
	err[0] = '\0';
	CHECK(clientlog_open(path, err, sizeof err) == NULL);
	CHECK(strstr(err, "cannot open log file") != NULL);
	CHECK(strstr(err, path) != NULL);
}

/* Writes that fail (a full disk: /dev/full) are reported once. */
static void
test_write_error(const char *dir)
{
	char			 path[512], buf[4096], err[256], *p;
	struct clientlog	*cl;
	int			 fd, saved, i, count = 0;

	if (access("/dev/full", W_OK) != 0) {
		fprintf(stderr, "no /dev/full: write errors not tested\n");
		return;
	}
	snprintf(path, sizeof path, "%s/stderr", dir);
	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(saved != -1 && fd != -1);
	dup2(fd, 2);
	close(fd);
	cl = clientlog_open("/dev/full", err, sizeof err);
	CHECK(cl != NULL);
	for (i = 0; cl != NULL && i < 5; i++)
		clientlog_record(cl, "in", 1, 1, "ana", 3, md5, "good",
		    "x", 1);
	clientlog_close(cl);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	slurp(path, buf, sizeof buf);
	for (p = buf; (p = strstr(p, "cannot write log file")) != NULL; p++)
		count++;
	CHECK(count == 1);
	CHECK(strstr(buf, "/dev/full") != NULL);
	unlink(path);
}

/*
 * Each message once (issue 10, item 7): a number logged with the same
 * digest is not logged again; another digest under a known number (a
 * server on a new log), a number never seen, or one older than what is
 * remembered, is.
 */
static void
test_first(const char *dir)
{
	static const char other[] = "fedcba9876543210fedcba9876543210";
	struct clientlog *cl;
	char		 path[256], err[256];
	uint64_t	 n;
	int		 again = 0;

	snprintf(path, sizeof path, "%s/first.log", dir);
	cl = clientlog_open(path, err, sizeof err);
	CHECK(cl != NULL);
	CHECK(clientlog_first(NULL, 1, md5));
	CHECK(clientlog_first(cl, 10, md5));
	CHECK(clientlog_first(cl, 12, md5));
	CHECK(!clientlog_first(cl, 10, md5));
	CHECK(!clientlog_first(cl, 12, "0123456789ABCDEF0123456789ABCDEF"));
	CHECK(clientlog_first(cl, 11, md5));	/* never seen */
	CHECK(clientlog_first(cl, 11, md5));	/* (gaps are not kept) */
	CHECK(clientlog_first(cl, 5, md5));	/* older than all */
	CHECK(clientlog_first(cl, 10, other));	/* a new log's #10 */
	CHECK(!clientlog_first(cl, 10, other));
	/* The ring keeps the last CLIENTLOG_SEEN numbers. */
	for (n = 100; n < 100 + CLIENTLOG_SEEN + 5; n++)
		if (!clientlog_first(cl, n, md5))
			again++;
	CHECK(again == 0);
	CHECK(clientlog_first(cl, 104, md5));	/* forgotten */
	CHECK(!clientlog_first(cl, 105, md5));
	CHECK(!clientlog_first(cl, 100 + CLIENTLOG_SEEN + 4, md5));
	clientlog_close(cl);
	unlink(path);
}

int
main(void)
{
	char	 dir[] = "/tmp/test_clientlog.XXXXXX";

	log_init("test_clientlog", 0);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_format(dir);
	test_open_error(dir);
	test_write_error(dir);
	test_first(dir);
	rmdir(dir);
	return unit_done("test_clientlog");
}
