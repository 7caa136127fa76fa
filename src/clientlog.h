/*
 * clientlog.h -- the client's own log: one line per message sent or
 * received, with time, direction, message number, id, nick, digest,
 * verdict and (last, escaped) the text.  Not the server's log.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_CLIENTLOG_H
#define XCHAT_CLIENTLOG_H

#include <stddef.h>
#include <stdint.h>

struct clientlog;

/*
 * The default path: $HOME/.xchat-client.log (or ./xchat-client.log
 * without HOME), in a static buffer.
 */
const char *clientlog_default_path(void);

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

#endif
