/*
 * evloop.h -- the only door between our code and the Xt event loop:
 * descriptors (XtAppAddInput), timers (XtAppAddTimeOut), signals
 * (XtAppAddSignal) and an end-of-round hook.  The same Xt application
 * context runs with a display (the windows) or without one (-headless,
 * unit tests).  No X header is needed to use it.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_EVLOOP_H
#define XCHAT_EVLOOP_H

#include <stdbool.h>

#define EV_READ		1
#define EV_WRITE	2

struct ev_io;
struct ev_timer;

typedef void (*ev_io_cb)(void *arg, int fd, int events);
typedef void (*ev_cb)(void *arg);

/*
 * Use the given XtAppContext (passed as a pointer so that core code
 * needs no X header; not owned), or create one with no display if
 * NULL.  Call once, before anything else here.  Cannot fail.
 */
void	 evloop_init(void *xt_app_context);

/*
 * Watch fd (not owned: the caller closes it) for EV_READ and/or
 * EV_WRITE; cb(arg, fd, EV_READ or EV_WRITE) runs once per readiness.
 * Returns a handle the caller frees with evloop_io_del().
 */
struct ev_io *evloop_io_add(int fd, int events, ev_io_cb, void *arg);
/* Change the mask; register EV_WRITE only while output is pending. */
void	 evloop_io_set(struct ev_io *, int events);
/* The mask last set. */
int	 evloop_io_events(const struct ev_io *);
/* Stop watching and free the handle (not the fd).  NULL is fine. */
void	 evloop_io_del(struct ev_io *);

/*
 * Call cb once after ms milliseconds.  The handle is freed when the
 * timer fires; evloop_timer_del() is only for a timer still pending.
 */
struct ev_timer *evloop_timer_add(unsigned long ms, ev_cb, void *arg);
void	 evloop_timer_del(struct ev_timer *);

/*
 * A deferred call: evloop_defer() calls fn(arg) ms milliseconds later,
 * unless a call is already pending (a burst of requests makes one
 * call).  evloop_defer_cancel() drops the pending call, if any, and
 * says whether there was one.  Set fn and arg before the first use;
 * a zeroed struct with them set is idle.
 */
struct ev_defer {
	struct ev_timer	*t;
	ev_cb		 fn;
	void		*arg;
};
void	 evloop_defer(struct ev_defer *, unsigned long ms);
bool	 evloop_defer_cancel(struct ev_defer *);

/* Call cb from the loop (not from the handler) when signo arrives. */
void	 evloop_signal(int signo, ev_cb, void *arg);

/*
 * The end-of-round hook: after evloop_round_request(), cb runs once
 * the descriptors that were ready together have all been served (or
 * after a bounded number of them, so it can never starve).
 */
void	 evloop_set_round_hook(ev_cb, void *arg);
void	 evloop_round_request(void);

/* One event (blocking if there is none), then the round hook if due. */
void	 evloop_run_once(void);
/*
 * Run one event if one is ready now (a descriptor, a due timer, a
 * signal, an X event), without blocking; false if none was.
 */
bool	 evloop_run_ready(void);
/* Run events until evloop_quit() is called. */
void	 evloop_run(void);
/* Make evloop_run() return after the current event. */
void	 evloop_quit(void);

#endif
