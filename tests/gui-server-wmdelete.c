/*
 * gui-server-wmdelete.c -- send WM_DELETE_WINDOW to a window, as a
 * window manager does when the user closes it (xdotool windowclose
 * destroys the window instead).  Usage: gui-server-wmdelete WINDOW-ID
 * Exit status: 0 sent, 1 error.
 * Part of xchat; see COPYING for the licence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Xlib.h>

int
main(int argc, char **argv)
{
	Display		*dpy;
	XEvent		 ev;
	Window		 w;
	char		*end;

	if (argc != 2) {
		fprintf(stderr, "usage: gui-server-wmdelete WINDOW-ID\n");
		return 1;
	}
	w = (Window)strtoul(argv[1], &end, 0);
	if (*end != '\0' || w == 0) {
		fprintf(stderr, "gui-server-wmdelete: bad window id %s\n",
		    argv[1]);
		return 1;
	}
	if ((dpy = XOpenDisplay(NULL)) == NULL) {
		fprintf(stderr, "gui-server-wmdelete: cannot open display\n");
		return 1;
	}
	memset(&ev, 0, sizeof ev);
	ev.xclient.type = ClientMessage;
	ev.xclient.window = w;
	ev.xclient.message_type = XInternAtom(dpy, "WM_PROTOCOLS", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = (long)XInternAtom(dpy, "WM_DELETE_WINDOW",
	    False);
	ev.xclient.data.l[1] = CurrentTime;
	if (!XSendEvent(dpy, w, False, NoEventMask, &ev)) {
		fprintf(stderr, "gui-server-wmdelete: XSendEvent failed\n");
		return 1;
	}
	XSync(dpy, False);
	XCloseDisplay(dpy);
	return 0;
}
