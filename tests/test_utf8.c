/*
 * test_utf8.c -- unit tests of the one UTF-8 decoder (src/utf8.c):
 * sequence lengths, validity edge cases, character counts and the
 * display sanitiser.  Needs no display.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "unit.h"

static void
test_seq(void)
{
	CHECK(utf8_seq("a", 1) == 1);
	CHECK(utf8_seq("\303\247", 2) == 2);		/* ç */
	CHECK(utf8_seq("\303\247", 1) == 0);		/* cut short */
	CHECK(utf8_seq("\342\202\254", 3) == 3);	/* € */
	CHECK(utf8_seq("\360\237\230\200", 4) == 4);	/* U+1F600 */
	CHECK(utf8_seq("\200", 1) == 0);		/* continuation */
	CHECK(utf8_seq("\300\200", 2) == 0);		/* overlong NUL */
	CHECK(utf8_seq("\340\200\200", 3) == 0);	/* overlong */
	CHECK(utf8_seq("\355\240\200", 3) == 0);	/* surrogate */
	CHECK(utf8_seq("\360\200\200\200", 4) == 0);	/* overlong */
	CHECK(utf8_seq("\364\220\200\200", 4) == 0);	/* > U+10FFFF */
	CHECK(utf8_seq("\365\200\200\200", 4) == 0);
	CHECK(utf8_seq("\303a", 2) == 0);		/* bad continuation */
}

/* Code points, lead lengths, character starts and prefixes. */
static void
test_decode(void)
{
	uint32_t	 cp;

	CHECK(utf8_next("a", 1, &cp) == 1 && cp == 'a');
	CHECK(utf8_next("\303\247", 2, &cp) == 2 && cp == 0xe7);
	CHECK(utf8_next("\342\202\254", 3, &cp) == 3 && cp == 0x20ac);
	CHECK(utf8_next("\360\237\230\200", 4, &cp) == 4 && cp == 0x1f600);
	CHECK(utf8_next("\364\217\277\277", 4, &cp) == 4 && cp == 0x10ffff);
	CHECK(utf8_next("\302\200", 2, &cp) == 2 && cp == 0x80);
	CHECK(utf8_next("\355\240\200", 3, &cp) == 0 && cp == 0xed);
	CHECK(utf8_next("\200", 1, &cp) == 0 && cp == 0x80);

	CHECK(utf8_lead_len('a') == 1);
	CHECK(utf8_lead_len(0x80) == 1);
	CHECK(utf8_lead_len(0xc3) == 2);
	CHECK(utf8_lead_len(0xe2) == 3);
	CHECK(utf8_lead_len(0xf0) == 4);

	/* "aç€" : a at 0, ç at 1-2, € at 3-5. */
	CHECK(utf8_char_start("a\303\247\342\202\254", 0) == 0);
	CHECK(utf8_char_start("a\303\247\342\202\254", 2) == 1);
	CHECK(utf8_char_start("a\303\247\342\202\254", 5) == 3);
	CHECK(utf8_char_start("a\303\247\342\202\254", 3) == 3);
	CHECK(utf8_char_start("\200\200\200\200\200", 4) == 1);
	CHECK(utf8_char_start("\200\200", 1) == 0);

	CHECK(utf8_prefix("a\303\247\342\202\254", 6, 0) == 0);
	CHECK(utf8_prefix("a\303\247\342\202\254", 6, 1) == 1);
	CHECK(utf8_prefix("a\303\247\342\202\254", 6, 2) == 3);
	CHECK(utf8_prefix("a\303\247\342\202\254", 6, 3) == 6);
	CHECK(utf8_prefix("a\303\247\342\202\254", 6, 9) == 6);
}

static void
test_valid(void)
{
	CHECK(utf8_valid("", 0));
	CHECK(utf8_valid("Olá, ação", strlen("Olá, ação")));
	CHECK(!utf8_valid("ab\377", 3));
	CHECK(!utf8_valid("\303", 1));
	CHECK(utf8_valid("\364\217\277\277", 4));	/* U+10FFFF */
	CHECK(utf8_chars("Olá, ação", strlen("Olá, ação")) == 9);
	CHECK(utf8_chars("", 0) == 0);
}

static void
test_clean(void)
{
	char	 buf[64], *d;
	size_t	 n;

	n = utf8_clean(buf, "a\tb", 3, 0);
	CHECK(n == 3);
	CHECK_STR(buf, "a\tb");
	utf8_clean(buf, "a\nb\r\177", 5, 0);
	CHECK_STR(buf, "a\357\277\275b\357\277\275\357\277\275");
	utf8_clean(buf, "a\nb", 3, UTF8_KEEP_NEWLINE);
	CHECK_STR(buf, "a\nb");
	utf8_clean(buf, "\303\247\377\303", 4, 0);
	CHECK_STR(buf, "\303\247\357\277\275\357\277\275");
	n = utf8_clean(buf, "x\0y", 3, 0);		/* NUL is a control */
	CHECK(n == 5);
	CHECK(memcmp(buf, "x\357\277\275y", 5) == 0);
	d = utf8_clean_dup("\377\377", 2, 0);
	CHECK_STR(d, "\357\277\275\357\277\275");
	free(d);
	d = utf8_clean_dup("", 0, 0);
	CHECK_STR(d, "");
	free(d);
}

/* For stderr: control characters escaped, other text kept. */
static void
test_escape(void)
{
	char	 buf[64];

	utf8_escape_controls(buf, sizeof buf, "ev\001\033[31mRED");
	CHECK_STR(buf, "ev\\u{0001}\\u{001B}[31mRED");
	utf8_escape_controls(buf, sizeof buf, "Jo\303\243o \302\233\177\377");
	CHECK_STR(buf, "Jo\303\243o \\u{009B}\\u{007F}\\xFF");
	/* Cut on a whole escape. */
	CHECK(utf8_escape_controls(buf, 10, "ab\033") == 2);
	CHECK_STR(buf, "ab");
	CHECK(utf8_escape_controls(buf, 11, "ab\033") == 10);
}

int
main(void)
{
	test_seq();
	test_decode();
	test_valid();
	test_clean();
	test_escape();
	return unit_done("test_utf8");
}
