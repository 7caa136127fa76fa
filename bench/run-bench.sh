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
#   d  (GUI) reserved, not written yet
#
# Each workload runs RUNS times against a fresh server; every result line
# is printed (prefixed with workload= and run=), then one line with the
# median of the main figures of the runs that passed.
#
# Environment:
#   XCHATD       server binary (default: ../src/xchatd beside this script)
#   BENCH        xchat-bench binary (default: built here from xchat-bench.c)
#   RUNS         runs per workload (3)
#   DURATION     seconds of sending per run (10)
#   BENCH_FLAGS  extra xchat-bench options for every run, e.g. "-t 2"
#
# Exit status: 0 if every run passed, 1 if one failed, 2 on usage errors.

set -u

here=$(cd "$(dirname "$0")" && pwd)
XCHATD=${XCHATD:-$(dirname "$0")/../src/xchatd}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
BENCH_FLAGS=${BENCH_FLAGS:-}
status=0
spid=
port=

usage() {
	echo "usage: $0 [a|b|c|d ...]  (env: XCHATD RUNS DURATION" \
	    "BENCH BENCH_FLAGS)" >&2
	exit 2
}

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	stop_server
	[ -n "${work:-}" ] && rm -rf "$work"
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

# Start xchatd on a free port; sets spid and port. Tries another port
# if the server exits early (a bind race), three times at most.
start_server() {
	local try _
	for try in 1 2 3; do
		port=$((20000 + RANDOM % 20000))
		port_listening "$port" && continue
		rm -f "$work/log.txt"
		"$XCHATD" -headless -port "$port" -floodrate 0 -history 20 \
		    -logfile "$work/log.txt" -maxclients 2000 \
		    2>"$work/xchatd.err" &
		spid=$!
		for _ in $(seq 100); do
			kill -0 "$spid" 2>/dev/null || break
			port_listening "$port" && return 0
			sleep 0.1
		done
		if kill -0 "$spid" 2>/dev/null; then
			echo "run-bench.sh: xchatd not listening on port" \
			    "$port after 10 s" >&2
			stop_server
			return 1
		fi
		wait "$spid"
		echo "run-bench.sh: xchatd exited ($?) on port $port" \
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
		echo "run-bench.sh: xchatd ignored SIGTERM, killing it" >&2
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
	# ---- Workload (d): GUI ----------------------------------------
	# Reserved for the GUI workload, to be added later: give its bench
	# arguments here, its median keys in workload_keys and, if it needs
	# more than xchat-bench (Xvfb, xchat clients), its own run_one.
	d)	return 1 ;;
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
	esac
}

# Run workload $1 once (run number $2) and append its line to the results.
run_one() {
	local w=$1 r=$2 out rc extra=
	if ! start_server; then
		echo "workload=$w run=$r failed=server"
		echo "run-bench.sh: cannot start $XCHATD, giving up" >&2
		exit 1
	fi
	# shellcheck disable=SC2046,SC2086
	out=$("$BENCH" -q -h 127.0.0.1 -p "$port" -x "$spid" \
	    -d "$DURATION" $(workload_args "$w") $BENCH_FLAGS \
	    2>"$work/bench.err")
	rc=$?
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
	echo "workload=$w run=$r $out$extra"
	if [ "$rc" -eq 0 ] && [ -n "$out" ]; then
		echo "$out$extra" >>"$work/$w.ok"
	else
		echo "run-bench.sh: workload $w run $r failed (exit $rc):" >&2
		tail -n 5 "$work/bench.err" "$work/xchatd.err" >&2
		status=1
	fi
}

run_workload() {
	local w=$1 r k line
	if ! workload_args "$w" >/dev/null; then
		echo "run-bench.sh: workload $w (GUI) is not written yet" >&2
		status=1
		return
	fi
	echo "run-bench.sh: workload $w: $(workload_args "$w")," \
	    "$DURATION s, $RUNS runs" >&2
	: >"$work/$w.ok"
	for r in $(seq "$RUNS"); do
		run_one "$w" "$r"
	done
	line="workload=$w median_of=$(wc -l <"$work/$w.ok")"
	for k in $(workload_keys "$w"); do
		line="$line $k=$(median "$k" "$work/$w.ok")"
	done
	echo "$line"
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
	echo "run-bench.sh: no server at $XCHATD (set XCHATD)" >&2
	exit 1
fi
if [ -z "${BENCH:-}" ]; then
	BENCH=$here/xchat-bench
	if [ ! -x "$BENCH" ] || [ "$here/xchat-bench.c" -nt "$BENCH" ]; then
		# shellcheck disable=SC2046
		${CC:-cc} -std=c11 -O2 -Wall -Wextra -D_GNU_SOURCE \
		    -o "$BENCH" "$here/xchat-bench.c" \
		    $(pkg-config --cflags --libs libgcrypt) -lpthread -lm ||
		    exit 1
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/xchat-bench.XXXXXX") || exit 1
trap cleanup EXIT
trap 'exit 1' INT TERM

for w in "$@"; do
	run_workload "$w"
done
exit $status
