/*
 * redis_evloop.h -- hiredis's asynchronous API driven by evloop: the
 * six hooks of a redisAsyncContext mapped onto one ev_io.  The only
 * file besides cluster.c that includes a hiredis header.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_REDIS_EVLOOP_H
#define XCHAT_REDIS_EVLOOP_H

struct redisAsyncContext;

/*
 * Attach ac (just connected, non-blocking) to the event loop: its
 * descriptor is watched for reading, and for writing while hiredis has
 * output; the callbacks call redisAsyncHandleRead/Write.  The watch is
 * freed by hiredis's cleanup hook when ac is freed.  Returns -1 if ac
 * is already attached, else 0.
 */
int	redis_evloop_attach(struct redisAsyncContext *ac);

#endif
