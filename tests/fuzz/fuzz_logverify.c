/*
 * fuzz_logverify.c -- libFuzzer target for the log verifier behind
 * "xchatd -verifylog" (msglog_verify), the tail reader of msglog_open
 * and the record writer (msglog_add/msglog_commit).
 *
 * Invariants: the verdict on a file holding the input is the same
 * twice over (counts, torn flag, exit code and every line printed);
 * records counts the LF-ended lines, good + bad == records, torn says
 * whether the input ends without LF, the exit code is 0 exactly when
 * no record is bad; msglog_open leaves a regular file empty or ending
 * in LF (a torn last line is cut); a log that verified good stays
 * good with one more record appended; records that msglog_add writes
 * from the input's pieces (accepted, badtext, badhash, with any bytes
 * as text, rejections cut to MSGLOG_CUT, a "rejects" summary) always
 * verify, and stay good when junk follows them.  Segments: after a
 * reopen (the file renamed) both files verify alone and together in
 * order, not in the other order; a file truncated behind the log's
 * back to any size gets a segment record and has at most two bad
 * records (a cut line, the segment that does not follow it), none if
 * it was emptied; a deleted file is created again and verifies.
 * Log format 2: records with keys and signatures written from the
 * input's pieces (signed MSGs, signed DMs to a keyed or an anonymous
 * recipient, keyed but unsigned, anonymous, badsig rejections with a
 * signature and no key) after a start record of format 2 always
 * verify, each signature counted good; one more accepted record whose
 * signature covers other bytes is the one bad record, its signature
 * counted bad; a message numbered again after a second start record
 * of format 2 is bad.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>

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

static char	 dir[] = "/tmp/xchat-fuzz-log.XXXXXX";
static char	 raw[64], built[64], older[64], keyfile[64];
static FILE	*devnull;
static struct keys_signer *signer;

/* RFC 8032, section 7.1, TEST 1 (as in tests/test_keys.c). */
static const char rfc_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
static const char rfc_spki[] =
    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
static const char rfc_fp[] = "sha256:06e3fd8fda29bb60ab59557de61edb0aecdb"
    "231134be30e75b455f8e1b792fa9";

static void
write_file(const char *path, const uint8_t *data, size_t size, bool append)
{
	int	 fd = open(path, O_WRONLY | O_CREAT |
	    (append ? O_APPEND : O_TRUNC), 0600);

	INVARIANT(fd != -1);
	INVARIANT(size == 0 || write(fd, data, size) == (ssize_t)size);
	close(fd);
}

/* Verify path, capturing what the verifier prints. */
static int
verify(const char *path, struct msglog_verdict *v, char **out, size_t *len)
{
	FILE	*fp = open_memstream(out, len);
	int	 r;

	INVARIANT(fp != NULL);
	r = msglog_verify(path, fp, v);
	fclose(fp);
	return r;
}

static off_t
file_size(const char *path)
{
	struct stat	 st;

	INVARIANT(stat(path, &st) == 0);
	return st.st_size;
}

static bool
ends_in_lf(const char *path)
{
	off_t	 sz = file_size(path);
	char	 c = 0;
	int	 fd;

	if (sz == 0)
		return true;
	fd = open(path, O_RDONLY);
	INVARIANT(fd != -1);
	INVARIANT(pread(fd, &c, 1, sz - 1) == 1);
	close(fd);
	return c == '\n';
}

/*
 * Add a "start" record, as the server does when it starts: of log
 * format 2 (numbers go on), or not (they begin again at 1).
 */
static void
add_start(struct msglog *lg, bool format2)
{
	struct msglog_rec r;
	const char	*text = format2 ? "started, " MSGLOG_FORMAT_WORDS :
			    "started";
	char		 md5[33];

	digest_md5_hex(text, strlen(text), md5);
	memset(&r, 0, sizeof r);
	r.nick = "xchatd";
	r.nicklen = 6;
	r.peer = "127.0.0.1:12345";
	r.md5_comp = md5;
	r.verdict = "start";
	r.text = text;
	r.textlen = strlen(text);
	msglog_add(lg, &r);
}

/* Add a "rejects" record whose counts come from the text's bytes. */
static void
add_rejects(struct msglog *lg, const char *t, size_t len)
{
	static const char *const codes[] = { "badhash", "flood", "badtext" };
	struct msglog_count c[3];
	struct msglog_rec who;
	size_t		 i;

	memset(&who, 0, sizeof who);
	who.id = 9;
	who.nick = "eve";
	who.nicklen = 3;
	who.peer = "127.0.0.1:6666";
	for (i = 0; i < 3; i++) {
		c[i].code = codes[i];
		c[i].n = i < len ? (unsigned char)t[i] : 1;
	}
	if (c[0].n + c[1].n + c[2].n == 0)
		c[2].n = 1;
	msglog_add_rejects(lg, &who, len, c, 3);
}

/*
 * Add one record with text t; kind 0 accepted/badtext, 1 badhash,
 * 2 a rejection cut to MSGLOG_CUT, 3 a rejects summary.
 */
static void
add_record(struct msglog *lg, const char *t, size_t len, int kind,
    uint64_t n)
{
	struct msglog_rec r;
	char		 comp[33], other[33];
	const char	*nick = "ana";
	size_t		 nl = 3;

	digest_md5_hex(t, len, comp);
	digest_md5_hex(comp, 32, other);
	memset(&r, 0, sizeof r);
	if (len >= 4 && proto_nick_valid(t, 4)) {
		nick = t;
		nl = 4;
	}
	r.id = 7;
	r.nick = nick;
	r.nicklen = nl;
	r.peer = "127.0.0.1:4242";
	r.md5_comp = comp;
	r.text = t;
	r.textlen = len;
	if (kind == 3) {
		add_rejects(lg, t, len);
		return;
	}
	if (kind == 2) {
		r.md5_recv = NULL;
		r.verdict = "flood";
		r.cut = MSGLOG_CUT;
	} else if (kind == 1) {
		r.md5_recv = other;
		r.verdict = "badhash";
	} else if (proto_text_valid(t, len)) {
		r.n = n;
		r.md5_recv = comp;
		r.verdict = "accepted";
	} else {
		r.md5_recv = (len & 1) ? comp : NULL;
		r.verdict = "badtext";
	}
	msglog_add(lg, &r);
}

/* Leave no files behind when libFuzzer exits. */
static void
cleanup(void)
{
	unlink(raw);
	unlink(built);
	unlink(older);
	unlink(keyfile);
	rmdir(dir);
}

/* Write one accepted record numbered n and commit it. */
static void
append_one(struct msglog *lg, uint64_t n)
{
	int	 e;

	msglog_begin(lg);
	add_record(lg, "more", 4, 0, n);
	INVARIANT(msglog_commit(lg, &e) == 1 && e == 0);
}

/* 4. Rotation, truncation and deletion behind the log's back. */
static void
check_segments(const uint8_t *data, size_t size)
{
	struct msglog_verdict v;
	struct msglog	*lg;
	const char	*pair[2];
	char		 err[512];
	off_t		 sz, t;
	int		 r;

	unlink(built);
	unlink(older);
	lg = msglog_open(built, err, sizeof err);
	INVARIANT(lg != NULL);
	append_one(lg, 1);
	INVARIANT(rename(built, older) == 0);
	INVARIANT(msglog_reopen(lg, err, sizeof err) == 0);
	append_one(lg, 2);
	INVARIANT(msglog_verify(older, devnull, &v) == 0);
	INVARIANT(msglog_verify(built, devnull, &v) == 0 &&
	    v.records == 2 && v.segments == 1);
	pair[0] = older;
	pair[1] = built;
	INVARIANT(msglog_verify_files(pair, 2, devnull, &v) == 0 &&
	    v.links_bad == 0);
	pair[0] = built;
	pair[1] = older;
	INVARIANT(msglog_verify_files(pair, 2, devnull, &v) == 1 &&
	    v.links_bad == 1 && v.bad == 0);

	/* Truncated to a size the input picks. */
	sz = file_size(built);
	t = size >= 2 ? (off_t)((data[size - 1] << 8 | data[size - 2]) %
	    (sz + 1)) : 0;
	INVARIANT(truncate(built, t) == 0);
	append_one(lg, 3);
	r = msglog_verify(built, devnull, &v);
	INVARIANT(!v.torn && v.bad <= 2);
	if (t == 0 || t == sz)
		INVARIANT(r == 0 && v.bad == 0);

	/* Deleted: created again, with a segment record. */
	unlink(built);
	append_one(lg, 4);
	INVARIANT(msglog_verify(built, devnull, &v) == 0 &&
	    v.records == 2 && v.segments == 1);
	msglog_close(lg);
}

/*
 * Add a format 2 record with text t: kind 0 a signed MSG, 1 a signed
 * DM to a keyed recipient, 2 one to an anonymous one, 3 keyed and
 * unsigned, 4 anonymous; an invalid text is a badsig rejection with a
 * signature and no key.  With other set, the signature covers other
 * bytes than the text.  Return 1 if a good signature was written.
 */
static int
add_keyed(struct msglog *lg, const char *t, size_t len, int kind,
    uint64_t n, bool other)
{
	struct msglog_rec r;
	char		 md5[33], sig[KEYS_SIG_B64 + 1], *buf;
	size_t		 blen;

	digest_md5_hex(t, len, md5);
	memset(&r, 0, sizeof r);
	r.id = 7;
	r.nick = "ana";
	r.nicklen = 3;
	r.peer = "127.0.0.1:4242";
	r.md5_recv = md5;
	r.md5_comp = md5;
	r.text = t;
	r.textlen = len;
	buf = malloc(len + 16 + KEYS_FP_LEN);
	INVARIANT(buf != NULL);
	r.to = kind == 1 || kind == 2 ? 9 : 0;
	r.tokey = kind == 1 ? rfc_fp : NULL;
	blen = r.to != 0 ? keys_signed_dm(buf, kind == 1 ? rfc_fp : "-", t,
	    len) : keys_signed_msg(buf, t, len);
	INVARIANT(keys_sign(signer, buf, other ? blen - 1 : blen, sig));
	free(buf);
	if (!proto_text_valid(t, len)) {
		r.verdict = "badsig";
		r.cut = MSGLOG_CUT;
		r.sig = sig;
		r.to = 0;
		msglog_add(lg, &r);
		return 0;
	}
	r.n = n;
	r.verdict = "accepted";
	if (kind <= 3) {
		r.key = rfc_fp;
		r.spki = rfc_spki;
	}
	if (kind <= 2)
		r.sig = sig;
	msglog_add(lg, &r);
	return kind <= 2;
}

/* 5. Log format 2: signatures of the input's pieces. */
static void
check_signed(const uint8_t *data, size_t size)
{
	struct msglog_verdict v;
	struct msglog	*lg;
	char		 err[512];
	size_t		 k, piece, off, i;
	unsigned long	 good = 0, acc = 0;
	int		 e;

	unlink(built);
	lg = msglog_open(built, err, sizeof err);
	INVARIANT(lg != NULL);
	msglog_begin(lg);
	add_start(lg, true);
	k = size > 1 ? (size_t)(data[1] % 5) + 1 : 1;
	piece = size / k;
	for (i = 0, off = 0; i < k; i++, off += piece) {
		size_t len = i == k - 1 ? size - off : piece;

		acc += proto_text_valid((const char *)data + off, len);
		good += (unsigned long)add_keyed(lg, (const char *)data + off,
		    len, (int)((i + (size > 2 ? data[2] : 0)) % 5), i + 1,
		    false);
	}
	INVARIANT(msglog_commit(lg, &e) == k + 1);
	INVARIANT(msglog_verify(built, devnull, &v) == 0 &&
	    v.good == k + 1 && v.signed_good == good && v.sig_bad == 0 &&
	    v.signed_good + v.unsigned_msgs == acc);

	/* A signature over other bytes; a number used again. */
	add_keyed(lg, "outro", 5, (int)(size % 3), k + 1, true);
	add_start(lg, true);
	add_record(lg, "de novo", 7, 0, k + 1);
	INVARIANT(msglog_commit(lg, &e) == 3);
	msglog_close(lg);
	INVARIANT(msglog_verify(built, devnull, &v) == 1 && v.bad == 2 &&
	    v.sig_bad == 1 && v.signed_good == good);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 err[256];

	(void)argc;
	(void)argv;
	if (digest_init() != NULL || mkdtemp(dir) == NULL)
		abort();
	snprintf(raw, sizeof raw, "%s/raw", dir);
	snprintf(built, sizeof built, "%s/built", dir);
	snprintf(older, sizeof older, "%s/built.1", dir);
	snprintf(keyfile, sizeof keyfile, "%s/k.pem", dir);
	write_file(keyfile, (const uint8_t *)rfc_key, strlen(rfc_key), false);
	signer = keys_signer_load(keyfile, err, sizeof err);
	if (signer == NULL)
		abort();
	devnull = fopen("/dev/null", "w");
	atexit(cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msglog_verdict v1, v2, v3;
	struct msglog	*lg;
	char		*o1 = NULL, *o2 = NULL, err[512];
	size_t		 l1, l2, i, lines = 0, k, piece, off;
	int		 r1, r2, r3, e;

	/* 1. The input as a log file. */
	write_file(raw, data, size, false);
	r1 = verify(raw, &v1, &o1, &l1);
	r2 = verify(raw, &v2, &o2, &l2);
	INVARIANT(r1 == r2 && l1 == l2 && memcmp(o1, o2, l1) == 0);
	INVARIANT(memcmp(&v1, &v2, sizeof v1) == 0);
	free(o1);
	free(o2);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	INVARIANT(v1.records == lines);
	INVARIANT(v1.good + v1.bad == v1.records);
	INVARIANT(v1.torn == (size > 0 && data[size - 1] != '\n'));
	INVARIANT(r1 == (v1.bad == 0 ? 0 : 1));

	/* 2. Opening it for appending cuts a torn tail; a good log stays
	   good with a new run's records more (start, then number 1). */
	lg = msglog_open(raw, err, sizeof err);
	INVARIANT(lg != NULL);
	INVARIANT(ends_in_lf(raw));
	msglog_begin(lg);
	add_start(lg, false);
	add_record(lg, "appended", 8, 0, 1);
	INVARIANT(msglog_commit(lg, &e) == 2);
	msglog_close(lg);
	r3 = msglog_verify(raw, devnull, &v3);
	INVARIANT(v3.records == v1.records + 2 && !v3.torn);
	if (v1.bad == 0)
		INVARIANT(r3 == 0 && v3.good == v3.records);

	/* 3. Records written from pieces of the input always verify. */
	unlink(built);
	lg = msglog_open(built, err, sizeof err);
	INVARIANT(lg != NULL);
	k = size > 0 ? (size_t)(data[0] % 4) + 1 : 1;
	piece = size / k;
	msglog_begin(lg);
	for (i = 0, off = 0; i < k; i++, off += piece) {
		size_t len = i == k - 1 ? size - off : piece;

		add_record(lg, (const char *)data + off, len,
		    (int)(i == 0 ? 0 : (i + data[0] / 4) % 4), i + 1);
	}
	INVARIANT(msglog_commit(lg, &e) == k);
	msglog_close(lg);
	r3 = msglog_verify(built, devnull, &v3);
	INVARIANT(r3 == 0 && v3.records == k && v3.good == k && !v3.torn);

	/* ... and junk after them does not spoil them. */
	write_file(built, data, size, true);
	r3 = msglog_verify(built, devnull, &v3);
	INVARIANT(v3.records >= k && v3.good >= k);

	check_segments(data, size);
	check_signed(data, size);
	return 0;
}
