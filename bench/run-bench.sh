#!/usr/bin/env bash
#
# run-bench.sh - run the standard xchatd workloads with xchat-bench.
#
# This file is part of xchat; see COPYING for the licence.
#
# usage: run-bench.sh [workload ...]      (default: a b c)
#
#   a  50 clients, 5 senders, 100-byte messages, max rate
#   b  500 clients, 10 senders, 100-byte messages, max rate
#   c  1000 idle clients + 1 sender at 100 msg/s: latency, connect time,
#      server RSS per idle client
#   d  GUI (optional, needs Xvfb, xdotool, python3 and xchat):
#      d1: xchatd with its Motif window under a private Xvfb running (a)
#          while an extra client PINGs every 10 ms, alternating with the
#          headless xchatd; the window's state is dumped (SIGUSR1) during
#          and after each run to see how far behind the traffic it is
#      d2: the client GUI xchat on a headless xchatd receiving 10,000
#          msg/s for DURATION s: its RSS, how far behind its transcript
#          is, and the latency of lines typed with xdotool (gui-bench.py)
#
# Workloads a, b and c run the reference server (refserver.c, built here)
# and xchatd alternately, RUNS times each, each run against a fresh
# server; every result line is printed (prefixed with workload=, server=
# and run=), then for each server one line with the medians of the runs
# that passed, then the ratios xchatd/ref of the medians and the issue's
# targets with "met" or "missed".
#
# Environment:
#   XCHATD       server binary (default: _build/normal/src/xchatd if it
#                exists, else src/xchatd, beside this script's parent)
#   XCHAT        client binary for d2 (found the same way)
#   BENCH        xchat-bench binary (default: built here from xchat-bench.c)
#   REFSERVER    reference server (default: built here from refserver.c);
#                REF=0 runs xchatd alone, as before the reference existed
#   RUNS         runs per workload and server (3)
#   DURATION     seconds of sending per run (10)
#   BENCH_FLAGS  extra xchat-bench options for every run, e.g. "-t 2"
#
# Exit status: 0 if every run passed, 1 if one failed, 2 on usage errors.
# A missed target is reported, not an error; a skipped workload d is
# reported on stderr and is not an error either.

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
for b in xchatd xchat; do
	if [ -x "$top/_build/normal/src/$b" ]; then
		eval "def_$b=\$top/_build/normal/src/$b"
	else
		eval "def_$b=\$top/src/$b"
	fi
done
XCHATD=${XCHATD:-$def_xchatd}
XCHAT=${XCHAT:-$def_xchat}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
BENCH_FLAGS=${BENCH_FLAGS:-}
REF=${REF:-1}
status=0
spid=
port=
kind=
xvfb_pid=

usage() {
	echo "usage: $0 [a|b|c|d ...]  (env: XCHATD XCHAT REFSERVER REF" \
	    "RUNS DURATION BENCH BENCH_FLAGS)" >&2
	exit 2
}

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	stop_server
	if [ -n "$xvfb_pid" ]; then
		kill "$xvfb_pid" 2>/dev/null
		wait "$xvfb_pid" 2>/dev/null
	fi
	[ -n "${work:-}" ] && rm -rf "$work"
}

# Build bench/$1 from bench/$1.c if it is missing or older than its
# source; extra link flags follow.
build_tool() {
	local name=$1
	shift
	if [ ! -x "$here/$name" ] || [ "$here/$name.c" -nt "$here/$name" ]
	then
		# shellcheck disable=SC2046
		${CC:-cc} -std=c11 -O2 -Wall -Wextra -D_GNU_SOURCE \
		    -o "$here/$name" "$here/$name.c" \
		    $(pkg-config --cflags --libs libgcrypt) "$@" || exit 1
	fi
}

# True if something listens on TCP port $1 on this host.
port_listening() {
	local hex f files=
	hex=$(printf ':%04X' "$1")
	for f in /proc/net/tcp /proc/net/tcp6; do
		[ -r "$f" ] && files="$files $f"
	done
	if [ -n "$files" ]; then
		# shellcheck disable=SC2086
		awk -v p="$hex" '$4 == "0A" && substr($2, length($2) - 4) == p \
		    { found = 1 } END { exit !found }' $files
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

# Start a server of kind $1 on a free port: "xchatd" (headless), "gui"
# (xchatd with its window, on the Xvfb of workload d) or "ref" (the
# reference server). Sets spid, port and kind. Tries another port if the
# server exits early (a bind race), three times at most.
start_server() {
	local try _
	kind=$1
	for try in 1 2 3; do
		port=$((20000 + RANDOM % 20000))
		port_listening "$port" && continue
		rm -f "$work/log.txt" "$work/xchatd.dump"
		case $kind in
		xchatd)
			"$XCHATD" -headless -port "$port" -floodrate 0 \
			    -history 20 -logfile "$work/log.txt" \
			    -maxclients 2000 2>"$work/xchatd.err" &
			;;
		gui)
			LANG=C.UTF-8 LC_ALL='' XAPPLRESDIR="$top/resources/" \
			    "$XCHATD" -port "$port" -floodrate 0 \
			    -history 20 -logfile "$work/log.txt" \
			    -maxclients 2000 \
			    -xrm "xchatd*dumpFile: $work/xchatd.dump" \
			    2>"$work/xchatd.err" &
			;;
		ref)
			"$REFSERVER" -p "$port" -H 20 -l "$work/log.txt" \
			    -m 2000 2>"$work/xchatd.err" &
			;;
		esac
		spid=$!
		for _ in $(seq 100); do
			kill -0 "$spid" 2>/dev/null || break
			port_listening "$port" && return 0
			sleep 0.1
		done
		if kill -0 "$spid" 2>/dev/null; then
			echo "run-bench.sh: $kind not listening on port" \
			    "$port after 10 s" >&2
			stop_server
			return 1
		fi
		wait "$spid"
		echo "run-bench.sh: $kind exited ($?) on port $port" \
		    "(try $try):" >&2
		tail -n 3 "$work/xchatd.err" >&2
		spid=
	done
	return 1
}

# SIGTERM the server, SIGKILL it if it is still there after 5 s.
stop_server() {
	local _
	[ -n "$spid" ] || return 0
	kill -TERM "$spid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$spid" 2>/dev/null; then
		echo "run-bench.sh: $kind ignored SIGTERM, killing it" >&2
		kill -KILL "$spid" 2>/dev/null
		status=1
	fi
	wait "$spid" 2>/dev/null
	spid=
}

# Median of the numeric values of key $1 in the result lines of file $2.
median() {
	awk -v k="$1" '{
		for (i = 1; i <= NF; i++)
			if (index($i, k "=") == 1 && substr($i, length(k) + 2) != "-")
				print substr($i, length(k) + 2)
	}' "$2" | sort -g | awk -v OFMT=%.10g '{ v[NR] = $1 } END {
		if (NR == 0)
			print "-"
		else if (NR % 2)
			print v[(NR + 1) / 2]
		else
			print (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}

# Bench arguments of workload $1.
workload_args() {
	case $1 in
	a)	echo "-c 50 -s 5 -b 100 -P 100" ;;
	b)	echo "-c 500 -s 10 -b 100 -P 100" ;;
	c)	echo "-c 1001 -s 1 -b 100 -r 100 -P 100" ;;
	# (d1): workload (a) with a PING every 10 ms; d2 has no bench line.
	d1)	echo "-c 50 -s 5 -b 100 -P 10" ;;
	*)	return 1 ;;
	esac
}

# The figures whose median is printed for workload $1.
workload_keys() {
	case $1 in
	a|b)	echo "msgs_per_s deliv_per_s lat_p50_us lat_p99_us" \
		    "lat_max_us connect_s ping_p50_us ping_p99_us rss_end_kb" ;;
	c)	echo "lat_p50_us lat_p99_us lat_max_us connect_s" \
		    "rss_per_idle_kb ping_p50_us ping_p99_us" ;;
	d1)	echo "msgs_per_s deliv_per_s lat_p50_us lat_p99_us" \
		    "lat_max_us ping_p50_us ping_p99_us ping_max_us" ;;
	d1probe) echo "dump_ms last_msg_age_ms summaries" ;;
	d2)	echo "type_idle_p50_ms type_p50_ms type_p90_ms type_p99_ms" \
		    "type_max_ms" \
		    "probes_lost rss_before_kb rss_load_max_kb" \
		    "rss_2nd_half_min_kb rss_2nd_half_max_kb rss_end_kb" \
		    "transcript_lag_end_ms xchat_dropped" ;;
	esac
}

# The medians line of workload $1 for server $2 (file $work/$1.$2.ok).
medians() {
	local w=$1 k=$2 f=$work/$1.$2.ok key line
	line="workload=$w server=$k median_of=$(wc -l <"$f")"
	for key in $(workload_keys "$w"); do
		line="$line $key=$(median "$key" "$f")"
	done
	echo "$line"
}

# Value of key $2 in the key=value line $1 ("-" if absent).
field() {
	echo "$1" | awk -v k="$2" '{
		for (i = 1; i <= NF; i++)
			if (index($i, k "=") == 1) {
				print substr($i, length(k) + 2); exit
			}
		print "-"
	}'
}

# $1 / $2, or "-" if either is missing or $2 is 0.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || b + 0 == 0) print "-"
		else printf "%.3f\n", a / b
	}'
}

# Print "target <what>: <value> (want <op> <limit>): met|missed".
target() {
	local what=$1 v=$2 op=$3 lim=$4
	awk -v w="$what" -v v="$v" -v op="$op" -v l="$lim" 'BEGIN {
		if (v == "-") r = "unknown"
		else if (op == "ge") r = (v + 0 >= l + 0) ? "met" : "missed"
		else if (op == "le") r = (v + 0 <= l + 0) ? "met" : "missed"
		else r = (v + 0 < l + 0) ? "met" : "missed"
		sym = op == "ge" ? ">=" : op == "le" ? "<=" : "<"
		printf "target %s: %s (want %s %s): %s\n", w, v, sym, l, r
	}'
}

# Run workload $1 once (run number $2) against a fresh server of kind $3
# and append its line to $work/$1.$3.ok.
run_one() {
	local w=$1 r=$2 k=$3 out rc extra='' probe=''
	if ! start_server "$k"; then
		echo "workload=$w server=$k run=$r failed=server"
		echo "run-bench.sh: cannot start $k, giving up" >&2
		exit 1
	fi
	if [ "$k" = gui ]; then
		# Look at the window a quarter, half and three quarters in.
		# shellcheck disable=SC2046  # three words
		python3 "$here/gui-bench.py" server-probe "$spid" \
		    "$work/xchatd.dump" \
		    $(awk -v d="$DURATION" 'BEGIN { print d / 4, d / 2, \
		    3 * d / 4 }') >"$work/probe.out" 2>&1 &
		probe=$!
	fi
	# shellcheck disable=SC2046,SC2086
	out=$("$BENCH" -q -h 127.0.0.1 -p "$port" -x "$spid" \
	    -d "$DURATION" $(workload_args "$w") $BENCH_FLAGS \
	    2>"$work/bench.err")
	rc=$?
	if [ -n "$probe" ]; then
		wait "$probe"
		# And once more after the run: has the window caught up?
		python3 "$here/gui-bench.py" server-probe "$spid" \
		    "$work/xchatd.dump" 0 | sed 's/^/end /' >>"$work/probe.out"
		sed "s/^/workload=$w server=$k run=$r probe=/" \
		    "$work/probe.out"
		grep -v '^end ' "$work/probe.out" >>"$work/d1probe.mid.ok"
		grep '^end ' "$work/probe.out" | cut -d' ' -f2- \
		    >>"$work/d1probe.end.ok"
		cp "$work/xchatd.dump" "$work/last-gui.dump" 2>/dev/null
	fi
	stop_server
	if [ "$w" = c ]; then
		# Idle clients: all but the senders.
		extra=$(echo "$out" | awk '{
			for (i = 1; i <= NF; i++) {
				split($i, kv, "="); v[kv[1]] = kv[2]
			}
			idle = v["clients"] - v["senders"]
			if (v["rss_start_kb"] == "-" || v["rss_ready_kb"] == "-" ||
			    idle <= 0)
				print " rss_per_idle_kb=-"
			else
				printf " rss_per_idle_kb=%.2f\n",
				    (v["rss_ready_kb"] - v["rss_start_kb"]) / idle
		}')
	fi
	echo "workload=$w server=$k run=$r $out$extra"
	if [ "$rc" -eq 0 ] && [ -n "$out" ]; then
		echo "$out$extra" >>"$work/$w.$k.ok"
	else
		echo "run-bench.sh: workload $w ($k) run $r failed" \
		    "(exit $rc):" >&2
		tail -n 5 "$work/bench.err" "$work/xchatd.err" >&2
		status=1
	fi
}

# Ratios xchatd/ref of the medians of workload $1 and the issue's targets.
report_abc() {
	local w=$1 x='' rf='' k line
	x=$(medians "$w" xchatd)
	echo "$x"
	if [ "$REF" = 0 ]; then
		rf=
	else
		rf=$(medians "$w" ref)
		echo "$rf"
		line="workload=$w ratio=xchatd/ref"
		for k in $(workload_keys "$w"); do
			line="$line $k=$(ratio "$(field "$x" "$k")" \
			    "$(field "$rf" "$k")")"
		done
		echo "$line"
	fi
	case $w in
	a)
		target "a xchatd deliv_per_s" "$(field "$x" deliv_per_s)" \
		    ge 12000000
		target "a xchatd lat_p99_us" "$(field "$x" lat_p99_us)" le 8000
		[ -n "$rf" ] && target "a deliv_per_s xchatd/ref (12M/13M)" \
		    "$(ratio "$(field "$x" deliv_per_s)" \
		    "$(field "$rf" deliv_per_s)")" ge 0.923
		;;
	b)
		target "b xchatd deliv_per_s" "$(field "$x" deliv_per_s)" \
		    ge 17000000
		[ -n "$rf" ] && target "b deliv_per_s xchatd/ref (17M/19M)" \
		    "$(ratio "$(field "$x" deliv_per_s)" \
		    "$(field "$rf" deliv_per_s)")" ge 0.895
		;;
	c)
		target "c xchatd connect_s" "$(field "$x" connect_s)" lt 0.5
		target "c xchatd rss_per_idle_kb" \
		    "$(field "$x" rss_per_idle_kb)" le 8
		;;
	esac
}

run_workload() {
	local w=$1 r
	if [ "$w" = d ]; then
		run_gui
		return
	fi
	echo "run-bench.sh: workload $w: $(workload_args "$w")," \
	    "$DURATION s, $RUNS runs per server" >&2
	: >"$work/$w.xchatd.ok"
	: >"$work/$w.ref.ok"
	for r in $(seq "$RUNS"); do
		[ "$REF" = 0 ] || run_one "$w" "$r" ref
		run_one "$w" "$r" xchatd
	done
	report_abc "$w"
}

# Start a private Xvfb for workload d; false if it does not come up.
start_xvfb() {
	local n _
	n=$((50 + $$ % 400))
	while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do
		n=$((n + 1))
	done
	Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp \
	    >"$work/xvfb.log" 2>&1 &
	xvfb_pid=$!
	for _ in $(seq 100); do
		if [ -e "/tmp/.X11-unix/X$n" ]; then
			DISPLAY=:$n
			export DISPLAY
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# Workload d: the server window (d1) and the client GUI (d2).
run_gui() {
	local t r x g line out rc k
	for t in Xvfb xdotool python3; do
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "run-bench.sh: workload d skipped: $t is not" \
			    "installed" >&2
			return
		fi
	done
	if ! start_xvfb; then
		echo "run-bench.sh: workload d skipped: Xvfb did not start" >&2
		return
	fi
	echo "run-bench.sh: workload d1: $(workload_args d1) with and" \
	    "without the window, $DURATION s, $RUNS runs each" \
	    "(DISPLAY=$DISPLAY)" >&2
	: >"$work/d1.xchatd.ok"
	: >"$work/d1.gui.ok"
	: >"$work/d1probe.mid.ok"
	: >"$work/d1probe.end.ok"
	for r in $(seq "$RUNS"); do
		run_one d1 "$r" xchatd
		run_one d1 "$r" gui
	done
	x=$(medians d1 xchatd)
	g=$(medians d1 gui)
	echo "$x"
	echo "$g"
	line="workload=d1 ratio=gui/headless"
	for k in deliv_per_s lat_p99_us ping_p99_us; do
		line="$line $k=$(ratio "$(field "$g" "$k")" "$(field "$x" "$k")")"
	done
	echo "$line"
	line="workload=d1 server=gui window_during"
	for k in $(workload_keys d1probe); do
		line="$line ${k}_median=$(median "$k" "$work/d1probe.mid.ok")"
		line="$line ${k}_max=$(awk -v k="$k" '{
			for (i = 1; i <= NF; i++)
				if (index($i, k "=") == 1) {
					v = substr($i, length(k) + 2)
					if (v != "-" && (m == "" || v + 0 > m))
						m = v + 0
				}
		} END { print m == "" ? "-" : m }' "$work/d1probe.mid.ok")"
	done
	echo "$line"
	line="workload=d1 server=gui window_after"
	for k in $(workload_keys d1probe); do
		line="$line ${k}_median=$(median "$k" "$work/d1probe.end.ok")"
	done
	echo "$line"
	if [ -s "$work/last-gui.dump" ]; then
		echo "run-bench.sh: the window after the last d1 run" \
		    "(status, last event lines):" >&2
		grep -E '^(status|lines|clients) ' "$work/last-gui.dump" >&2
		grep '^event ' "$work/last-gui.dump" | tail -n 5 | \
		    cut -c1-160 >&2
	fi
	target "d1 deliv_per_s gui/headless" \
	    "$(ratio "$(field "$g" deliv_per_s)" "$(field "$x" deliv_per_s)")" \
	    ge 0.5
	target "d1 gui ping_p99_us" "$(field "$g" ping_p99_us)" lt 50000

	if [ ! -x "$XCHAT" ]; then
		echo "run-bench.sh: workload d2 skipped: no client at" \
		    "$XCHAT (set XCHAT)" >&2
		return
	fi
	echo "run-bench.sh: workload d2: xchat receiving 10000 msg/s," \
	    "$DURATION s, $RUNS runs" >&2
	: >"$work/d2.xchat.ok"
	# The runs that count type without dumping the window; one more
	# run ("run=dumps", not in the medians) dumps it every 2 s to see
	# how far behind the transcript is during the load.
	for r in $(seq "$RUNS") dumps; do
		if ! start_server xchatd; then
			echo "run-bench.sh: cannot start xchatd, giving up" >&2
			exit 1
		fi
		out=$(LANG=C.UTF-8 LC_ALL='' XAPPLRESDIR="$top/resources/" \
		    python3 "$here/gui-bench.py" client --xchat "$XCHAT" \
		    --bench "$BENCH" --port "$port" --server-pid "$spid" \
		    --dir "$work" --duration "$DURATION" --rate 10000 \
		    --dump-every "$([ "$r" = dumps ] && echo 2 || echo 0)" \
		    2>"$work/gui-bench.err")
		rc=$?
		stop_server
		echo "workload=d2 server=xchat run=$r $out"
		if [ "$rc" -eq 0 ] && [ -n "$out" ]; then
			[ "$r" = dumps ] ||
			    echo "$out" >>"$work/d2.xchat.ok"
			[ "$r" = dumps ] ||
			    cp "$work/xchat-probes.txt" "$work/probes.last"
		else
			echo "run-bench.sh: workload d2 run $r failed" \
			    "(exit $rc):" >&2
			tail -n 5 "$work/gui-bench.err" "$work/xchat.err" >&2
			status=1
		fi
	done
	g=$(medians d2 xchat)
	echo "$g"
	echo "run-bench.sh: xchat RSS (kB) every 0.25 s of the last d2 run:" \
	    "$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $2 }' \
	    "$work/xchat-rss.txt" 2>/dev/null)" >&2
	echo "run-bench.sh: slowest probes of the last counted d2 run (probe" \
	    "phase s-from-load-start ms): $(sort -k4 -g -r "$work/probes.last" \
	    2>/dev/null | head -n 3 | tr '\n' ';')" >&2
	target "d2 xchat type_p99_ms under 10000 msg/s" \
	    "$(field "$g" type_p99_ms)" lt 100
	target "d2 xchat probes_lost" "$(field "$g" probes_lost)" le 0
	target "d2 xchat transcript_lag_end_ms" \
	    "$(field "$g" transcript_lag_end_ms)" le 100
}

for a in "$@"; do
	case $a in
	a|b|c|d) ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || set -- a b c
case $RUNS in ''|*[!0-9]*|0) usage ;; esac

if [ ! -x "$XCHATD" ]; then
	echo "run-bench.sh: no server at $XCHATD (set XCHATD, or build" \
	    "it with: sh tools/test.sh --quick)" >&2
	exit 1
fi
if [ -z "${BENCH:-}" ]; then
	build_tool xchat-bench -lpthread -lm
	BENCH=$here/xchat-bench
fi
if [ -z "${REFSERVER:-}" ] && [ "$REF" != 0 ]; then
	build_tool refserver
	REFSERVER=$here/refserver
fi
echo "run-bench.sh: xchatd=$XCHATD ref=${REFSERVER:-none}" \
    "bench=$BENCH RUNS=$RUNS DURATION=$DURATION" >&2

work=$(mktemp -d "${TMPDIR:-/tmp}/xchat-bench.XXXXXX") || exit 1
trap cleanup EXIT
trap 'exit 1' INT TERM

for w in "$@"; do
	run_workload "$w"
done
exit $status
