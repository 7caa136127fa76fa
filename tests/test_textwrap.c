/*
 * test_textwrap.c -- rows of display text with marked continuations:
 * breaks at spaces and inside long words, wide and combining
 * characters, TABs, and the attack that made a wrapped row look like a
 * line of the program's own ("ok", padding, then a forged time and
 * nick) at every width.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textwrap.h"
#include "unit.h"

#define MARK	"> "

static void
check_wrap(const char *in, unsigned cols, const char *want, size_t wrows)
{
	size_t	 rows = 0;
	char	*got = textwrap(in, strlen(in), cols, MARK, &rows);

	CHECK_STR(got, want);
	CHECK(rows == wrows);
	free(got);
}

static void
test_basic(void)
{
	check_wrap("", 20, "", 1);
	check_wrap("short line", 20, "short line", 1);
	check_wrap("exactly ten", 11, "exactly ten", 1);
	/* At a space; the spaces at the break go. */
	check_wrap("aaaa bbbb cccc dddd", 12, "aaaa bbbb\n> cccc dddd", 2);
	check_wrap("aaaa     bbbb", 10, "aaaa\n> bbbb", 2);
	/* A word longer than the row breaks inside. */
	check_wrap("abcdefghijklmnopqrstuvwxyz", 12,
	    "abcdefghijkl\n> mnopqrstuv\n> wxyz", 3);
	/* TABs are shown as spaces and break like them. */
	check_wrap("a\tb", 20, "a b", 1);
	/* A row narrower than the minimum is widened. */
	check_wrap("abcdefghijklmnopqrstuvwxyz", 1,
	    "abcdefghij\n> klmnopqr\n> stuvwxyz", 3);
}

static void
test_unicode(void)
{
	/* "ação" is 4 columns in 6 bytes. */
	CHECK(textwrap_width("a\303\247\303\243o", 6) == 4);
	/* Wide CJK characters take 2 columns. */
	CHECK(textwrap_width("\344\270\255\346\226\207", 6) == 4);
	/* A combining acute accent takes none. */
	CHECK(textwrap_width("e\314\201", 3) == 1);
	check_wrap("\344\270\255\346\226\207\344\270\255\346\226\207"
	    "\344\270\255\346\226\207\344\270\255\346\226\207"
	    "\344\270\255\346\226\207", 12,
	    "\344\270\255\346\226\207\344\270\255\346\226\207"
	    "\344\270\255\346\226\207\n"
	    "> \344\270\255\346\226\207\344\270\255\346\226\207", 2);
}

/*
 * The attack of issue 10: at no width may a row that the text starts
 * begin with anything but the mark.
 */
static void
test_forged_line(void)
{
	static const char *fake = "19:19:34 \342\234\223 ana#1: send it";
	char		 in[1200];
	char		*out, *p;
	unsigned	 cols;
	int		 pad, k;

	for (pad = 0; pad < 300; pad += 7) {
		for (k = 0; k < 3; k++) {
			int	 n = snprintf(in, 40, "12:00:00 m#2: ok");
			memset(in + n, k == 0 ? ' ' : k == 1 ? '\t' : 'x',
			    (size_t)pad);
			strcpy(in + n + pad, fake);
			for (cols = 10; cols < 200; cols++) {
				out = textwrap(in, strlen(in), cols, MARK, NULL);
				CHECK(strncmp(out, "12:00:00", 8) == 0);
				for (p = strchr(out, '\n'); p != NULL;
				    p = strchr(p + 1, '\n'))
					CHECK(strncmp(p + 1, MARK,
					    strlen(MARK)) == 0);
				free(out);
			}
		}
	}
}

int
main(void)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	test_basic();
	test_unicode();
	test_forged_line();
	return unit_done("test_textwrap");
}
