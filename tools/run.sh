#!/bin/sh
# run.sh -- set everything up and run xchat: install missing Debian
# packages, build, then start the server window and two client windows
# on $DISPLAY.  Without a display it starts a private Xvfb so that
# the windows run anyway (VNC or a screenshot shows them), or, with
# --headless, just the headless server.  With --cluster: a private
# redis-server, two xchatd of one cluster through it (ports N and N+2)
# and a client on each, the demo of several servers as one.
# Usage: tools/run.sh [--headless | --cluster] [-port N]
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
sh tools/deps.sh || exit 1
# Build, or bring an older build up to date (make redoes only what
# changed), so that a tree updated since never runs stale programs.
[ -x configure ] || sh autogen.sh >/dev/null 2>&1 ||
    { echo "run.sh: autogen.sh failed" >&2; exit 1; }
mkdir -p _build/normal
[ -f _build/normal/Makefile ] ||
    (cd _build/normal && "$top/configure" -q) || exit 1
(cd _build/normal && make -j"$(nproc)" >make.out 2>&1) ||
    { tail -30 _build/normal/make.out; echo "run.sh: the build failed" \
      "(_build/normal/make.out)" >&2; exit 1; }
B=$top/_build/normal/src
export XAPPLRESDIR="$top/resources/"
PORT=12345
HEADLESS=
CLUSTER=
while [ $# -gt 0 ]; do
	case $1 in
	-port)		PORT=$2; shift 2 ;;
	--headless)	HEADLESS=1; shift ;;
	--cluster)	CLUSTER=1; shift ;;
	*)		echo "usage: $0 [--headless | --cluster] [-port N]" >&2
			exit 2 ;;
	esac
done
if [ -n "$HEADLESS" ]; then
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
if [ -n "$CLUSTER" ]; then
	command -v redis-server >/dev/null 2>&1 ||
	    { echo "run.sh: --cluster needs redis-server" >&2; exit 1; }
	RDIR=$top/_build/cluster-demo
	RPORT=$((PORT + 4))
	P2=$((PORT + 2))
	mkdir -p "$RDIR"
	redis-server --port "$RPORT" --bind 127.0.0.1 --save '' \
	    --appendonly yes --appendfsync always --dir "$RDIR" \
	    >"$RDIR/redis.log" 2>&1 &
	rds=$!
	until redis-cli -p "$RPORT" ping >/dev/null 2>&1; do sleep 0.1; done
	STORE=redis://127.0.0.1:$RPORT
	"$B/xchatd" -port "$PORT" -tlsport $((PORT + 1)) -cluster "$STORE" \
	    -statedir "$RDIR/state1" -logfile "$RDIR/log1.txt" \
	    -geometry 1270x300+0+0 -title "xchatd 1 (cluster)" &
	s1=$!
	"$B/xchatd" -port "$P2" -tlsport $((P2 + 1)) -cluster "$STORE" \
	    -statedir "$RDIR/state2" -logfile "$RDIR/log2.txt" \
	    -geometry 1270x300+0+330 -title "xchatd 2 (cluster)" &
	s2=$!
	sleep 2
	"$B/xchat" -host "127.0.0.1,127.0.0.1:$P2" -port "$PORT" -nick ana \
	    -geometry 630x380+0+660 &
	c1=$!
	"$B/xchat" -host "127.0.0.1:$P2,127.0.0.1" -port "$PORT" -nick rui \
	    -geometry 630x380+640+660 &
	c2=$!
	echo "run.sh: redis-server (pid $rds, port $RPORT), two xchatd of one"
	echo "        cluster (pids $s1 on $PORT, $s2 on $P2) and a client on"
	echo "        each are running on $DISPLAY; kill one server (kill $s1)"
	echo "        and watch its client move to the other.  Ctrl-C stops all."
	trap 'kill $s1 $s2 $c1 $c2 $rds $xvfb 2>/dev/null' INT TERM HUP
	wait $c1 $c2
	kill $s1 $s2 $rds $xvfb 2>/dev/null
	exit 0
fi
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
