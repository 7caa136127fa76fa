/*
 * unit.h -- a tiny unit-test harness: CHECK() records a failure with
 * its line and goes on; unit_done() prints a summary and returns the
 * exit status for main().
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_UNIT_H
#define XCHAT_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_checks, unit_failures;

#define CHECK(cond) do {						\
	unit_checks++;							\
	if (!(cond)) {							\
		unit_failures++;					\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	unit_checks++;							\
	if (g_ == NULL || strcmp(g_, w_) != 0) {			\
		unit_failures++;					\
		fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n",	\
		    __FILE__, __LINE__, g_ ? g_ : "(null)", w_);	\
	}								\
} while (0)

static int
unit_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, unit_checks,
	    unit_failures);
	return unit_failures == 0 ? 0 : 1;
}

/*
 * Files for tests that work in a scratch directory.  unit_path joins
 * dir and name in one of four rotating buffers (so a call can take
 * two paths); unit_put_file writes a file whole and exits 99 (a hard
 * error, not a failed check) when it cannot; unit_read_file reads at
 * most size - 1 bytes into buf, NUL-terminates them, stores the count
 * in *len if len is not NULL, and returns buf, or NULL if the file
 * cannot be opened.
 */
static inline char *
unit_path(const char *dir, const char *name)
{
	static char	 buf[4][512];
	static int	 k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static inline void
unit_put_file(const char *path, const void *data, size_t len)
{
	FILE	*f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
}

static inline char *
unit_read_file(const char *path, char *buf, size_t size, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	size_t	 n;

	if (len != NULL)
		*len = 0;
	if (f == NULL) {
		buf[0] = '\0';
		return NULL;
	}
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = n;
	return buf;
}

#endif
