/*
 * msglog.h -- the server's message log (mensagens_log.txt): one
 * tab-separated record per line, appended in batches with a single
 * write() before any message of the batch is acknowledged, each record
 * chained to the previous one with SHA-256; and its verifier.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_MSGLOG_H
#define XCHAT_MSGLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Fields of a record: log format 1 (before keys) and log format 2. */
#define MSGLOG_FIELDS	10
#define MSGLOG_FIELDS_2	15

/*
 * The words a start record's text holds in a run that writes log
 * format 2 ("xchatd 1.1 started, log format 2, listening on ...").
 * In such a run message numbers go on from the run before (a start
 * record does not let them begin again) and a record of the old
 * layout is bad.  Every record msglog writes has the format 2 layout.
 */
#define MSGLOG_FORMAT_WORDS	"log format 2"

struct msglog;

/*
 * A rejected text is recorded cut to at most this many escaped bytes,
 * followed by \c and its whole length in bytes (msglog_rec.cut).
 */
#define MSGLOG_CUT	200

/* What one record says.  n == 0 means "no message number". */
struct msglog_rec {
	uint64_t	 n;
	uint64_t	 id;
	const char	*nick;
	size_t		 nicklen;
	const char	*peer;
	const char	*md5_recv;	/* 32 hex digits, or NULL */
	const char	*md5_comp;	/* 32 lower-case hex digits */
	const char	*verdict;	/* accepted badhash badtext flood
					   badsig nouser start */
	const char	*text;
	size_t		 textlen;
	size_t		 cut;		/* 0: whole text; else MSGLOG_CUT */
	/* Format 2 (version 2 of the protocol); NULL or 0 is "-": */
	uint64_t	 to;		/* a DM's recipient id */
	const char	*tokey;		/* a DM's recipient key (sha256:...) */
	const char	*key;		/* the sender's key fingerprint */
	const char	*spki;		/* its public key, base64 DER SPKI */
	const char	*sig;		/* the signature, base64 (88) */
};
/*
 * msglog_add writes tokey and key only if they are fingerprints
 * ("sha256:" and 64 hex digits), spki only if it is padded base64 of
 * at most MSGLOG_SPKI_MAX characters, key and spki only together, sig
 * only if it is 88 characters of padded base64, tokey only with a to;
 * anything else as "-".
 */
#define MSGLOG_SPKI_MAX	512

/* One kind of rejection and how many of it (msglog_add_rejects). */
struct msglog_count {
	const char	*code;		/* a lower-case word: badhash ... */
	uint64_t	 n;
};

/*
 * What happened to the log file, as told to the notify callback.  All
 * but MSGLOG_SAME, MSGLOG_RENAMED and MSGLOG_REOPEN_FAILED mean that
 * the next write starts a new chain segment with a "segment" record.
 */
enum msglog_change {
	MSGLOG_REOPENED,	/* msglog_reopen: a new file at the path */
	MSGLOG_SAME,		/* msglog_reopen: the path is the open file */
	MSGLOG_REOPEN_FAILED,	/* msglog_reopen: the old file is kept */
	MSGLOG_SHRANK,		/* truncated behind our back */
	MSGLOG_GREW,		/* written to by someone else */
	MSGLOG_DELETED,		/* deleted: created again at the path */
	MSGLOG_REPLACED,	/* deleted, another file at the path */
	MSGLOG_RENAMED		/* renamed: written to until msglog_reopen */
};

/* detail: sizes (SHRANK, GREW) or an error (REOPEN_FAILED), or "". */
typedef void (*msglog_notify_cb)(void *arg, enum msglog_change,
	    const char *detail);

/*
 * Open (or create, 0600) the log at path for appending.  An existing
 * log is read back to find the last message number and chain value,
 * and a torn last line is cut off.  Return NULL with a sentence in err
 * if the file cannot be opened or read.  The caller owns the result.
 */
struct msglog *msglog_open(const char *path, char *err, size_t errlen);
/* Close the file and free everything; NULL is fine. */
void	msglog_close(struct msglog *);
/* The path given to msglog_open(), owned by the log. */
const char *msglog_path(const struct msglog *);
/* Tell fn(arg, ...) what happens to the file (see enum msglog_change). */
void	msglog_set_notify(struct msglog *, msglog_notify_cb, void *arg);
/*
 * Open the path again (SIGHUP: logrotate renamed the file).  If it is
 * another file than the one open, it is created if needed and locked,
 * the old one is closed, and the next write (msglog_commit, even of an
 * empty batch) starts it with a "segment" record that names the last
 * chain value written to the old file.  Return 0 if the path is now
 * the open file (MSGLOG_REOPENED or MSGLOG_SAME is told), -1 with a
 * sentence in err if it cannot be opened or locked (the old file is
 * kept; MSGLOG_REOPEN_FAILED).  Call only between batches.
 */
int	msglog_reopen(struct msglog *, char *err, size_t errlen);

/* Start a batch: fixes the time stamp of the records that follow. */
void	msglog_begin(struct msglog *);
/*
 * The time stamp of the current batch (2026-11-27T09:01:02.345Z, UTC),
 * as its records get it: the <time> of the v2 frames of its messages.
 */
const char *msglog_stamp(struct msglog *);

/*
 * An accepted message read back from the log (msglog_history): the
 * pointers are valid only during the callback.  key, spki and sig are
 * NULL for "-" (and always NULL in a format 1 record).
 */
struct msglog_msg {
	uint64_t	 n;
	uint64_t	 id;
	const char	*stamp;		/* 24 bytes and a NUL */
	const char	*nick;
	size_t		 nicklen;
	const char	*md5;		/* 32 lower-case hex digits */
	const char	*key;
	const char	*spki;
	const char	*sig;
	const char	*text;		/* unescaped */
	size_t		 textlen;
};
/* What msglog_history found besides the messages. */
struct msglog_tail {
	uint64_t	 last_n;	/* the highest message number (MSG or
					   DM, or a segment's last=), 0: none */
	uint64_t	 max_id;	/* the highest client id in the records
					   read */
	unsigned long	 records;	/* records read to find them */
	unsigned long	 skipped;	/* malformed records passed over */
};
/*
 * Read the end of the open log backwards (a window at a time, so that
 * a log of any size costs only what is read) until max accepted
 * messages that are not DMs are found or the file begins; call fn for
 * each, oldest first; fill tail.  A record that cannot be parsed is
 * skipped and counted, never fatal; both record layouts are read.
 * Return 0, or -1 with errno if the file cannot be read.
 */
int	msglog_history(struct msglog *, unsigned max,
	    void (*fn)(void *arg, const struct msglog_msg *), void *arg,
	    struct msglog_tail *tail);
/*
 * For tests: the size of msglog_history's first window (64 KiB by
 * default; each next one is twice the last, up to 8 MiB); 0 restores
 * the default.
 */
void	msglog_history_window(size_t first);
/* Queue a record in the batch; return its index in the batch. */
size_t	msglog_add(struct msglog *, const struct msglog_rec *);
/* How many records the current batch holds, not yet written. */
size_t	msglog_pending(const struct msglog *);
/*
 * Queue a "rejects" record: who (id, nick and peer of a rec) had
 * rejections that were counted rather than recorded one by one: the
 * n of each code (codes with n == 0 are left out), bytes of text in
 * all.  Return its index in the batch.
 */
size_t	msglog_add_rejects(struct msglog *, const struct msglog_rec *who,
	    uint64_t bytes, const struct msglog_count *, size_t ncodes);
/*
 * Write the batch with one write().  Return how many of its records
 * are now in the file (all of them unless the write failed); those
 * that are not are forgotten and the chain goes on from the last one
 * written.  On failure *errnum is set.  Before writing, the file is
 * compared with what this log last wrote to it (fstat of the open
 * file and stat of the path): a file that shrank or grew behind our
 * back, or was deleted or replaced (then the path is opened again),
 * gets a "segment" record before the batch, as msglog_reopen's new
 * file does; one of those may be all that is written.
 */
size_t	msglog_commit(struct msglog *, int *errnum);
/*
 * After msglog_commit: true if the first record it did not write
 * whole is in the file in part and will be finished by the next write
 * (the file could not be cut back), so that its number is used.
 */
bool	msglog_torn_kept(const struct msglog *);

/* Escape a text as the log stores it; dst needs 4 * len bytes. */
size_t	msglog_escape(const char *src, size_t len, char *dst);
/*
 * Undo msglog_escape(); return -1 on a malformed escape.  (The log
 * reader does this inside msglog.c; this door is for the tests and
 * fuzz_escape, which check msglog_escape with it.)
 */
long	msglog_unescape(const char *src, size_t len, char *dst);

/*
 * Check every record of a log file: its fields, its MD5, the chain,
 * that message numbers only increase (within a run of the server in
 * log format 1, for the life of the log in log format 2), and every
 * signature of an accepted message (Ed25519, against the public key
 * the record carries, which must have the fingerprint it names).
 * Print a line for each bad record and a summary to out, then how
 * many messages are signed and good, have a bad signature or are
 * unsigned, and the same per key; return 0 if every record is good,
 * 1 if any is bad, 2 if the file cannot be read.
 */
struct msglog_verdict {
	unsigned long	 records;
	unsigned long	 good;
	unsigned long	 bad;
	bool		 torn;		/* last line incomplete */
	unsigned long	 segments;	/* "segment" records */
	unsigned long	 links_bad;	/* files that do not follow the last */
	/* Accepted messages (MSG and DM) by their signature: */
	unsigned long	 signed_good;	/* signed, and the signature good */
	unsigned long	 sig_bad;	/* signed, and it does not verify */
	unsigned long	 unsigned_msgs;	/* no signature */
	unsigned long	 keys;		/* keys that sent a message */
};
int	msglog_verify(const char *path, FILE *out, struct msglog_verdict *);
/*
 * The same for n files, oldest first (log.2 log.1 log): each is
 * checked alone, and each file's first record must be a "segment"
 * record that names the last chain value of the file before it (empty
 * files are skipped).  The verdict adds up all the files; the return
 * is 2 if any file cannot be read, else 1 if any record is bad or any
 * link broken, else 0.
 */
int	msglog_verify_files(const char *const *paths, size_t n, FILE *out,
	    struct msglog_verdict *);

#endif
