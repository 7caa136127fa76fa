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

#define MSGLOG_FIELDS	10

struct msglog;

/* What one record says.  n == 0 means "no message number". */
struct msglog_rec {
	uint64_t	 n;
	uint64_t	 id;
	const char	*nick;
	size_t		 nicklen;
	const char	*peer;
	const char	*md5_recv;	/* 32 hex digits, or NULL */
	const char	*md5_comp;	/* 32 lower-case hex digits */
	const char	*verdict;	/* accepted badhash badtext flood start */
	const char	*text;
	size_t		 textlen;
};

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

/* Start a batch: fixes the time stamp of the records that follow. */
void	msglog_begin(struct msglog *);
/* Queue a record in the batch; return its index in the batch. */
size_t	msglog_add(struct msglog *, const struct msglog_rec *);
/* How many records the current batch holds, not yet written. */
size_t	msglog_pending(const struct msglog *);
/*
 * Write the batch with one write().  Return how many of its records
 * are now in the file (all of them unless the write failed); those
 * that are not are forgotten and the chain goes on from the last one
 * written.  On failure *errnum is set.
 */
size_t	msglog_commit(struct msglog *, int *errnum);

/* Escape a text as the log stores it; dst needs 4 * len bytes. */
size_t	msglog_escape(const char *src, size_t len, char *dst);
/* Undo msglog_escape(); return -1 on a malformed escape. */
long	msglog_unescape(const char *src, size_t len, char *dst);

/*
 * Check every record of a log file: its fields, its MD5 and the chain.
 * Print a line for each bad record and a summary to out; return 0 if
 * every record is good, 1 if any is bad, 2 if the file cannot be read.
 */
struct msglog_verdict {
	unsigned long	 records;
	unsigned long	 good;
	unsigned long	 bad;
	bool		 torn;		/* last line incomplete */
};
int	msglog_verify(const char *path, FILE *out, struct msglog_verdict *);

#endif
