/*
 * test_template.c -- template_expand(), the one template expander: %x by a
 * named letter, %% as %, unknown placeholders shown as they are,
 * values never expanded again, output cut to the buffer.  Needs no
 * display.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "template.h"

int
main(void)
{
	const char	*v[] = { "ana", "7", NULL, "50%x" };
	char		 buf[64], small[8], *d;
	size_t		 n;

	n = template_expand(buf, sizeof buf, "#%i %n", "nied", v);
	CHECK_STR(buf, "#7 ana");
	CHECK(n == strlen("#7 ana"));
	template_expand(buf, sizeof buf, "100%% %q %", "nied", v);
	CHECK_STR(buf, "100% %q %");
	template_expand(buf, sizeof buf, "[%e] %d", "nied", v);
	CHECK_STR(buf, "[] 50%x");
	template_expand(buf, sizeof buf, "%n%n%%n", "n", v);
	CHECK_STR(buf, "anaana%n");
	template_expand(buf, sizeof buf, "%1 %n", "", NULL);
	CHECK_STR(buf, "%1 %n");
	n = template_expand(small, sizeof small, "%n %n %n", "n", v);
	CHECK_STR(small, "ana ana");
	CHECK(n == 7);
	CHECK(template_expand(small, 0, "x", "", NULL) == 0);
	d = template_expand_dup("<%n> %d %z", "nied", v);
	CHECK_STR(d, "<ana> 50%x %z");
	free(d);
	return unit_done("test_xmexpand");
}
