/*
 * fuzz_loghistory.c -- libFuzzer target for msglog_history, the reader
 * of a log's last messages (xchatd's start), on any file contents.
 *
 * Invariants: it returns 0 and never reads out of bounds; every
 * message it gives has a valid text whose MD5 is the one given, a time
 * stamp of 24 bytes, a valid nick, a key and a public key together or
 * neither, a signature of 88 characters or none, and at most max of
 * them; asked for fewer messages it gives the newest of those it
 * gives when asked for all, with a last number and a highest id not
 * above theirs; windows of any size (the input picks them, down to one
 * byte) give exactly the same messages and counts.  And a log that
 * msglog writes from the input's pieces (accepted messages, DMs,
 * rejections, start records, with keys or without) gives back exactly
 * its last max messages that are not DMs, and its highest number.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "fuzz.h"
#include "keys.h"
#include "msglog.h"
#include "protocol.h"

static char	 dir[] = "/tmp/xchat-fuzz-hist.XXXXXX";
static char	 raw[64], built[64];

/* The messages one call gave: numbers and copies of their texts. */
struct run {
	size_t		 n, cap;
	uint64_t	*num;
	char		**text;
	size_t		*len;
	struct msglog_tail tail;
};

static void
run_free(struct run *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		free(r->text[i]);
	free(r->num);
	free(r->text);
	free(r->len);
	memset(r, 0, sizeof *r);
}

static void
take(void *arg, const struct msglog_msg *m)
{
	struct run	*r = arg;
	char		 md5[33];

	INVARIANT(proto_text_valid(m->text, m->textlen));
	digest_md5_hex(m->text, m->textlen, md5);
	INVARIANT(strcmp(md5, m->md5) == 0);
	INVARIANT(strlen(m->stamp) == 24);
	INVARIANT(proto_nick_valid(m->nick, m->nicklen));
	INVARIANT((m->key == NULL) == (m->spki == NULL));
	INVARIANT(m->key == NULL || strlen(m->key) == KEYS_FP_LEN - 1);
	INVARIANT(m->sig == NULL || strlen(m->sig) == KEYS_SIG_B64);
	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 16 : 2 * r->cap;
		r->num = realloc(r->num, r->cap * sizeof *r->num);
		r->text = realloc(r->text, r->cap * sizeof *r->text);
		r->len = realloc(r->len, r->cap * sizeof *r->len);
		INVARIANT(r->num != NULL && r->text != NULL && r->len != NULL);
	}
	r->num[r->n] = m->n;
	r->text[r->n] = malloc(m->textlen + 1);
	INVARIANT(r->text[r->n] != NULL);
	memcpy(r->text[r->n], m->text, m->textlen);
	r->len[r->n++] = m->textlen;
}

static void
history(struct msglog *lg, unsigned max, struct run *r)
{
	memset(r, 0, sizeof *r);
	INVARIANT(msglog_history(lg, max, take, r, &r->tail) == 0);
	INVARIANT(r->n <= max);
	INVARIANT(r->tail.skipped <= r->tail.records);
}

/* Is b the last b->n messages of a (all of them if a has fewer)? */
static bool
is_suffix(const struct run *a, const struct run *b)
{
	size_t	 i, off;

	if (b->n > a->n)
		return false;
	off = a->n - b->n;
	for (i = 0; i < b->n; i++)
		if (a->num[off + i] != b->num[i] ||
		    a->len[off + i] != b->len[i] ||
		    memcmp(a->text[off + i], b->text[i], b->len[i]) != 0)
			return false;
	return true;
}

static bool
same(const struct run *a, const struct run *b)
{
	return a->n == b->n && is_suffix(a, b) &&
	    memcmp(&a->tail, &b->tail, sizeof a->tail) == 0;
}

/* 1. The input as a log file. */
static void
check_raw(const uint8_t *data, size_t size, unsigned max)
{
	static const size_t windows[] = { 1, 2, 5, 64, 4096 };
	struct run	 all, some, w;
	struct msglog	*lg;
	char		 err[512];
	int		 fd;
	size_t		 i;

	fd = open(raw, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	INVARIANT(fd != -1);
	INVARIANT(size == 0 || write(fd, data, size) == (ssize_t)size);
	close(fd);
	lg = msglog_open(raw, err, sizeof err);
	INVARIANT(lg != NULL);
	history(lg, 1u << 30, &all);
	history(lg, max, &some);
	INVARIANT(is_suffix(&all, &some));
	INVARIANT(some.n == (all.n < max ? all.n : max));
	INVARIANT(some.tail.last_n <= all.tail.last_n &&
	    some.tail.max_id <= all.tail.max_id &&
	    some.tail.records <= all.tail.records);
	for (i = 0; i < sizeof windows / sizeof windows[0]; i++) {
		msglog_history_window(windows[i] + (size > 3 ? data[3] % 7 :
		    0));
		history(lg, max, &w);
		INVARIANT(same(&some, &w));
		run_free(&w);
		history(lg, 1u << 30, &w);
		INVARIANT(same(&all, &w));
		run_free(&w);
	}
	msglog_history_window(0);
	msglog_close(lg);
	run_free(&all);
	run_free(&some);
}

/* A record from a piece of the input; kind picks what it is. */
static void
add_piece(struct msglog *lg, const char *t, size_t len, int kind,
    uint64_t n, uint64_t to)
{
	static const char fp[] = "sha256:06e3fd8fda29bb60ab59557de61edb0aecdb"
	    "231134be30e75b455f8e1b792fa9";
	static const char spki[] =
	    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
	struct msglog_rec r;
	char		 md5[33];

	digest_md5_hex(t, len, md5);
	memset(&r, 0, sizeof r);
	r.id = 1 + (uint64_t)kind;
	r.nick = "ana";
	r.nicklen = 3;
	r.peer = "127.0.0.1:4242";
	r.md5_recv = md5;
	r.md5_comp = md5;
	r.text = t;
	r.textlen = len;
	r.verdict = n > 0 ? "accepted" : kind == 4 ? "start" : "flood";
	r.cut = n > 0 || kind == 4 ? 0 : MSGLOG_CUT;
	r.n = n;
	r.to = to;
	if (kind & 1) {
		r.key = fp;
		r.spki = spki;
	}
	msglog_add(lg, &r);
}

/* 2. A log written from the input's pieces gives them back. */
static void
check_built(const uint8_t *data, size_t size, unsigned max)
{
	struct run	 r;
	struct msglog	*lg;
	char		 err[512];
	uint64_t	 n = 0, want[64];
	size_t		 k, piece, off, i, nwant = 0, wl[64], wo[64];
	uint32_t	 seed = size > 4 ? (uint32_t)data[4] << 8 | data[0] : 1;
	int		 e, kind;

	unlink(built);
	lg = msglog_open(built, err, sizeof err);
	INVARIANT(lg != NULL);
	k = size > 0 ? (size_t)(data[0] % 64) + 1 : 1;
	piece = size / k;
	msglog_begin(lg);
	for (i = 0, off = 0; i < k; i++, off += piece) {
		size_t	 len = i == k - 1 ? size - off : piece;
		bool	 ok = proto_text_valid((const char *)data + off, len);
		bool	 dm;

		kind = (int)(fuzz_rand(&seed) % 6);
		dm = ok && kind == 5;
		add_piece(lg, (const char *)data + off, len, kind,
		    ok && kind != 4 ? ++n : 0, dm ? 9 : 0);
		if (ok && kind != 4 && !dm) {
			want[nwant] = n;
			wo[nwant] = off;
			wl[nwant++] = len;
		}
	}
	INVARIANT(msglog_commit(lg, &e) == k);
	history(lg, max, &r);
	msglog_close(lg);
	INVARIANT(r.tail.last_n == n);
	INVARIANT(r.n == (nwant < max ? nwant : max));
	for (i = 0; i < r.n; i++) {
		size_t j = nwant - r.n + i;

		INVARIANT(r.num[i] == want[j] && r.len[i] == wl[j] &&
		    memcmp(r.text[i], data + wo[j], wl[j]) == 0);
	}
	run_free(&r);
}

static void
cleanup(void)
{
	unlink(raw);
	unlink(built);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (digest_init() != NULL || mkdtemp(dir) == NULL)
		abort();
	snprintf(raw, sizeof raw, "%s/raw", dir);
	snprintf(built, sizeof built, "%s/built", dir);
	atexit(cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned	 max = size > 1 ? data[1] % 24 : 3;

	check_raw(data, size, max);
	check_built(data, size, max);
	return 0;
}
