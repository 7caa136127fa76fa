/*
 * evloop.c -- glue between our modules and the Xt event loop.  Every
 * XtAppAddInput, XtAppAddTimeOut and XtAppAddSignal of the project is
 * here.  The write mask of a descriptor is registered only while its
 * owner asks for EV_WRITE, or Xt would call us in a busy loop.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Intrinsic.h>

#include "evloop.h"
#include "log.h"
#include "xmalloc.h"

/* Serve at most this many ready inputs before running the round hook. */
#define ROUND_MAX	32
#define X_TURN		4	/* events between turns of the X events */

struct ev_io {
	int		 fd;
	int		 events;
	XtInputId	 rid;
	XtInputId	 wid;
	ev_io_cb	 cb;
	void		*arg;
};

struct ev_timer {
	XtIntervalId	 id;
	ev_cb		 cb;
	void		*arg;
};

struct ev_sig {
	XtSignalId	 id;
	ev_cb		 cb;
	void		*arg;
};

static XtAppContext	 app;
static struct ev_sig	 sigs[NSIG];
static ev_cb		 round_cb;
static void		*round_arg;
static int		 round_pending;
static int		 windowed;	/* the context has a display */

void
evloop_init(void *xt_app_context)
{
	if (xt_app_context != NULL) {
		app = (XtAppContext)xt_app_context;
		windowed = 1;
		return;
	}
	XtToolkitInitialize();
	app = XtCreateApplicationContext();
}

static void
read_proc(XtPointer closure, int *fd, XtInputId *id)
{
	struct ev_io	*io = closure;

	(void)id;
	io->cb(io->arg, *fd, EV_READ);
}

static void
write_proc(XtPointer closure, int *fd, XtInputId *id)
{
	struct ev_io	*io = closure;

	(void)id;
	io->cb(io->arg, *fd, EV_WRITE);
}

struct ev_io *
evloop_io_add(int fd, int events, ev_io_cb cb, void *arg)
{
	struct ev_io	*io = xcalloc(1, sizeof *io);

	io->fd = fd;
	io->cb = cb;
	io->arg = arg;
	evloop_io_set(io, events);
	return io;
}

/* Register or remove the read and write masks so they match events. */
void
evloop_io_set(struct ev_io *io, int events)
{
	if ((events & EV_READ) && io->rid == 0)
		io->rid = XtAppAddInput(app, io->fd,
		    (XtPointer)XtInputReadMask, read_proc, io);
	else if (!(events & EV_READ) && io->rid != 0) {
		XtRemoveInput(io->rid);
		io->rid = 0;
	}
	if ((events & EV_WRITE) && io->wid == 0)
		io->wid = XtAppAddInput(app, io->fd,
		    (XtPointer)XtInputWriteMask, write_proc, io);
	else if (!(events & EV_WRITE) && io->wid != 0) {
		XtRemoveInput(io->wid);
		io->wid = 0;
	}
	io->events = events;
}

int
evloop_io_events(const struct ev_io *io)
{
	return io->events;
}

void
evloop_io_del(struct ev_io *io)
{
	if (io == NULL)
		return;
	evloop_io_set(io, 0);
	free(io);
}

static void
timer_proc(XtPointer closure, XtIntervalId *id)
{
	struct ev_timer	*t = closure;
	ev_cb		 cb = t->cb;
	void		*arg = t->arg;

	(void)id;
	free(t);
	cb(arg);
}

struct ev_timer *
evloop_timer_add(unsigned long ms, ev_cb cb, void *arg)
{
	struct ev_timer	*t = xcalloc(1, sizeof *t);

	t->cb = cb;
	t->arg = arg;
	t->id = XtAppAddTimeOut(app, ms, timer_proc, t);
	return t;
}

void
evloop_timer_del(struct ev_timer *t)
{
	if (t == NULL)
		return;
	XtRemoveTimeOut(t->id);
	free(t);
}

static void
defer_fire(void *arg)
{
	struct ev_defer	*d = arg;

	d->t = NULL;
	d->fn(d->arg);
}

void
evloop_defer(struct ev_defer *d, unsigned long ms)
{
	if (d->t == NULL)
		d->t = evloop_timer_add(ms, defer_fire, d);
}

bool
evloop_defer_cancel(struct ev_defer *d)
{
	if (d->t == NULL)
		return false;
	evloop_timer_del(d->t);
	d->t = NULL;
	return true;
}

static void
signal_proc(XtPointer closure, XtSignalId *id)
{
	struct ev_sig	*s = closure;

	(void)id;
	s->cb(s->arg);
}

static void
signal_handler(int signo)
{
	if (signo > 0 && signo < NSIG && sigs[signo].id != 0)
		XtNoticeSignal(sigs[signo].id);
}

void
evloop_signal(int signo, ev_cb cb, void *arg)
{
	struct sigaction sa;

	if (signo <= 0 || signo >= NSIG)
		fatalx("evloop_signal: bad signal %d", signo);
	sigs[signo].cb = cb;
	sigs[signo].arg = arg;
	sigs[signo].id = XtAppAddSignal(app, signal_proc, &sigs[signo]);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = signal_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(signo, &sa, NULL) == -1)
		fatal("sigaction %d", signo);
}

void
evloop_set_round_hook(ev_cb cb, void *arg)
{
	round_cb = cb;
	round_arg = arg;
}

void
evloop_round_request(void)
{
	round_pending = 1;
}

/*
 * XtAppMainLoop, with the round hook: after each event, if the hook
 * was requested and no other input is waiting (or ROUND_MAX inputs
 * were served since the request), run it.  Xt serves descriptors
 * before X events, so a socket that never runs dry (a server pouring
 * out history) would starve the window: with a display, every
 * X_TURN events the X events already queued get their turn.
 */
void
evloop_run_once(void)
{
	static int	 served, since_x;

	XtAppProcessEvent(app, XtIMAll);
	if (windowed && ++since_x >= X_TURN) {
		since_x = 0;
		while (XtAppPending(app) & XtIMXEvent)
			XtAppProcessEvent(app, XtIMXEvent);
	}
	if (!round_pending)
		return;
	if (++served < ROUND_MAX &&
	    (XtAppPending(app) & XtIMAlternateInput) != 0)
		return;
	round_pending = 0;
	served = 0;
	if (round_cb != NULL)
		round_cb(round_arg);
}

bool
evloop_run_ready(void)
{
	if (XtAppPending(app) == 0)
		return false;
	evloop_run_once();
	return true;
}

void
evloop_run(void)
{
	while (!XtAppGetExitFlag(app))
		evloop_run_once();
}

void
evloop_quit(void)
{
	XtAppSetExitFlag(app);
}
