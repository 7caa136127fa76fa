/*
 * test_digest.c -- unit tests of src/digest.c, the one user of
 * libgcrypt: MD5 against the RFC 1321 test suite and a Portuguese
 * text, digests compared and lowered whatever their case, and the
 * log's SHA-256 chain step against a value computed elsewhere
 * (Python's hashlib).  Needs no display.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "unit.h"

#define S(x) x, strlen(x)

/* RFC 1321, appendix A.5. */
static void
test_md5(void)
{
	static const char *const suite[][2] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz",
		    "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "1234567890123456789012345678901234567890"
		    "1234567890123456789012345678901234567890",
		    "57edf4a22be3c955ac49da2e2107b67a" },
	};
	char	 hex[33];
	size_t	 i;

	for (i = 0; i < sizeof suite / sizeof suite[0]; i++) {
		digest_md5_hex(S(suite[i][0]), hex);
		CHECK_STR(hex, suite[i][1]);
	}
	digest_md5_hex(S("Olá, tudo bem?"), hex);
	CHECK_STR(hex, "75af58fb73abd30a442a9cc9f1286c06");
}

static void
test_compare(void)
{
	char	 low[33];

	CHECK(digest_md5_equal("75AF58FB73ABD30A442A9CC9F1286C06",
	    "75af58fb73abd30a442a9cc9f1286c06"));
	CHECK(!digest_md5_equal("75af58fb73abd30a442a9cc9f1286c07",
	    "75af58fb73abd30a442a9cc9f1286c06"));
	digest_md5_lower("75AF58FB73abd30A442A9CC9F1286C06", low);
	low[32] = '\0';
	CHECK_STR(low, "75af58fb73abd30a442a9cc9f1286c06");
}

/* out = hex(SHA-256(prev_hex || data)); the genesis is 64 zeros. */
static void
test_chain(void)
{
	char	 prev[65], out[65];

	memset(prev, '0', 64);
	prev[64] = '\0';
	digest_chain_hex(prev, "abc", 3, out);
	CHECK_STR(out, "b64374d04ef9c4f39fddb1e0d6be38a0"
	    "130f6c057fc0f4ee467ea0e18bc758f1");
}

int
main(void)
{
	CHECK(digest_init() == NULL);
	test_md5();
	test_compare();
	test_chain();
	return unit_done("test_digest");
}
