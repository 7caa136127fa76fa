# lib.sh -- shell helpers for xchat's end-to-end and GUI tests.
# Source it from a test script: . "$srcdir/tests/lib.sh"
# Each test gets a private directory ($T) that is removed on exit, and
# everything started through these helpers is killed on exit.

: "${srcdir:=.}"
: "${builddir:=.}"
XCHATD=${XCHATD:-$builddir/src/xchatd}
XCHAT=${XCHAT:-$builddir/src/xchat}
PYTHON=${PYTHON:-python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/xchat-test.XXXXXX")
XC_PIDS=""

xc_cleanup() {
	for p in $XC_PIDS; do
		kill "$p" 2>/dev/null
	done
	sleep 0.1 2>/dev/null
	for p in $XC_PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	if [ -n "${XC_KEEP:-}" ]; then
		echo "test files kept in $T" >&2
	else
		rm -rf "$T"
	fi
}
trap 'xc_cleanup' 0
trap 'exit 1' 1 2 15

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# A TCP port nobody listens on, from the ephemeral range's neighbour.
xc_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
	    echo $((20000 + $$ % 20000))
}

# Wait until host:port accepts connections (5 s at most).
xc_wait_port() {
	i=0
	while [ $i -lt 100 ]; do
		if $PYTHON -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()' "$1" "$2" 2>/dev/null; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# Start a headless server on a free port: sets XC_PORT, XC_LOG,
# XC_SRV_PID; extra arguments go to xchatd.  Output in $T/xchatd.err.
xc_start_server() {
	XC_PORT=$(xc_free_port)
	XC_LOG=${XC_LOG:-$T/mensagens_log.txt}
	$XC_WRAP "$XCHATD" -headless -port "$XC_PORT" -logfile "$XC_LOG" "$@" \
	    >"$T/xchatd.out" 2>"$T/xchatd.err" &
	XC_SRV_PID=$!
	XC_PIDS="$XC_PIDS $XC_SRV_PID"
	xc_wait_port 127.0.0.1 "$XC_PORT" ||
	    { cat "$T/xchatd.err" >&2; fail "server did not start"; }
}

# Start an Xvfb of our own: it picks a free display number itself and
# writes it (-displayfd) once it accepts clients, into a file (not a
# pipe: Xvfb dies if a pipe's reader goes before the newline).  Then
# wait until the display answers.  Sets DISPLAY.  The wait is long
# (60 s) because a loaded machine can be slow; it ends as soon as the
# display is up.
xc_start_xvfb() {
	command -v Xvfb >/dev/null 2>&1 || skip "Xvfb is not installed"
	tries=0
	while [ $tries -lt 20 ]; do
		xc_try_xvfb && return 0
		tries=$((tries + 1))
	done
	fail "no Xvfb of our own after 20 tries: $(tail -n 3 "$T/xvfb.log")"
}

# One try of xc_start_xvfb, on a display number of our own choosing
# (100-899, from our pid, the try and the clock) that has neither a
# socket nor a lock file: 0 when our Xvfb answers there, 1 to try
# another.  On a shared machine the number Xvfb -displayfd would pick
# may belong to another Xvfb whose lock file is gone: ours then starts
# without the socket ("server already running" in its log) and
# clients reach the other one, which goes away with its test.  So our
# Xvfb must log no such thing.  -noreset: an Xvfb that resets when its
# last client leaves refuses the clients that come during the reset.
xc_try_xvfb() {
	n=$(( ($$ * 31 + tries * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/')) \
	    % 800 + 100 ))
	[ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] && return 1
	: >"$T/xvfb.display"
	Xvfb ":$n" -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp -noreset \
	    3>"$T/xvfb.display" >"$T/xvfb.log" 2>&1 &
	xvfb_pid=$!
	XC_PIDS="$XC_PIDS $xvfb_pid"
	i=0
	while [ $i -lt 1200 ]; do
		if [ -s "$T/xvfb.display" ] &&
		    DISPLAY=":$n" xdpyinfo >/dev/null 2>&1; then
			if grep -q "already running" "$T/xvfb.log" ||
			    ! kill -0 "$xvfb_pid" 2>/dev/null; then
				kill "$xvfb_pid" 2>/dev/null
				return 1
			fi
			DISPLAY=":$n"
			export DISPLAY
			return 0
		fi
		kill -0 "$xvfb_pid" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	fail "Xvfb did not start in 60 s: $(tail -n 3 "$T/xvfb.log")"
}
