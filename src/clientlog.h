/*
 * clientlog.h -- the client's own log: one line per message sent or
 * received, with time, direction, message number, id, nick, digest,
 * verdict and (last, escaped) the text.  Not the server's log.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_CLIENTLOG_H
#define XCHAT_CLIENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct clientlog;

/*
 * The default path for the server host, port: one log per server,
 * $HOME/.xchat/logs/HOST-PORT.log (./.xchat/... without HOME), bytes
 * of the name other than letters, digits and ".-_:" written '_' (and
 * a leading '.'), in a static buffer.  The directory is the caller's
 * to make.
 */
const char *clientlog_default_path(const char *host, const char *port);

/*
 * Open path for appending (created 0600).  Return NULL with a sentence
 * in err on failure.
 */
struct clientlog *clientlog_open(const char *path, char *err, size_t errlen);
/* Close the file and free the log.  NULL is fine. */
void	clientlog_close(struct clientlog *);

/*
 * Append one record.  dir is "in", "hist" or "out"; n is 0 when not
 * known ("-" is written); verdict is one word such as "good", "FAILED",
 * "pending", "confirmed", "rejected:flood", "undelivered".  The line
 * is written and flushed at once.  Write errors are reported once on
 * stderr and otherwise ignored.  cl may be NULL (nothing is written).
 */
void	clientlog_record(struct clientlog *, const char *dir, uint64_t n,
	    uint64_t id, const char *nick, size_t nicklen, const char *md5,
	    const char *verdict, const char *text, size_t textlen);

/*
 * Whether message n with digest md5 (32 hex digits) is to be logged:
 * false if this log already recorded that number with that digest in
 * this run (the same message again, as a reconnect's history replays
 * it), true otherwise, and it is remembered.  A number at or below the
 * highest seen with another digest (a server that started a new log)
 * is logged again.  The numbers and digests of the last
 * CLIENTLOG_SEEN messages are kept (16 bytes each); an older number
 * than those is logged.  cl may be NULL (true).
 */
#define CLIENTLOG_SEEN	100000
bool	clientlog_first(struct clientlog *, uint64_t n, const char *md5);

#endif
