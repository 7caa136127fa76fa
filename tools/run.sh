#!/bin/sh
# run.sh -- set everything up and run xchat: install missing Debian
# packages, build, then start the server window and two client windows
# on $DISPLAY.  Without a display it starts a private Xvfb so that
# the windows run anyway (VNC or a screenshot shows them), or, with
# --headless, just the headless server.
# Usage: tools/run.sh [--headless] [-port N]
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
sh tools/deps.sh || exit 1
if [ ! -x _build/normal/src/xchatd ] || [ ! -x _build/normal/src/xchat ]; then
	[ -x configure ] || sh autogen.sh >/dev/null || exit 1
	mkdir -p _build/normal
	(cd _build/normal && "$top/configure" -q && make -j"$(nproc)" >/dev/null) ||
	    exit 1
fi
B=$top/_build/normal/src
export XAPPLRESDIR="$top/resources/"
PORT=12345
if [ "$1" = "-port" ]; then PORT=$2; shift 2; fi
if [ "$1" = "--headless" ]; then
	echo "run.sh: headless server on 127.0.0.1:$PORT; connect with"
	echo "  $B/xchat -port $PORT     (or: nc 127.0.0.1 $PORT)"
	exec "$B/xchatd" -headless -port "$PORT"
fi
if [ -z "$DISPLAY" ]; then
	n=77
	while [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
	Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
	xvfb=$!
	DISPLAY=:$n
	export DISPLAY
	sleep 1
	echo "run.sh: no DISPLAY; the windows run on a private Xvfb at :$n"
	echo "        (take a look with: DISPLAY=:$n import -window root shot.png)"
fi
export LANG=${LANG:-C.UTF-8}
LOG=${LOG:-$top/_build/mensagens_log.txt}
"$B/xchatd" -port "$PORT" -logfile "$LOG" -geometry 1270x440+0+0 &
srv=$!
sleep 1
"$B/xchat" -port "$PORT" -nick ana -geometry 630x480+0+480 &
c1=$!
"$B/xchat" -port "$PORT" -nick rui -geometry 630x480+640+480 &
c2=$!
echo "run.sh: xchatd (pid $srv) and two xchat windows are running on $DISPLAY;"
echo "        the log is $LOG; close the server window (or press Ctrl-C) to stop."
trap 'kill $srv $c1 $c2 $xvfb 2>/dev/null' INT TERM HUP
wait $srv
kill $c1 $c2 $xvfb 2>/dev/null
