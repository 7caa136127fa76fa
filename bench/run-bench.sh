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
#  at, bt  (a) and (b) over TLS (xchat-bench -T) alternated with plain
#      TCP, each run against a fresh xchatd listening on both ports; the
#      ratios tls/plain of the medians (issue 11)
#  ct  (c) over TLS alternated with plain: connect time of 1000 TLS
#      clients, server RSS per idle TLS client
#  ht  xchatd with its window (Xvfb, like d1) running (a) over TLS with a
#      PING every 10 ms, alternately without ("calm") and with ("stall")
#      500 extra connections that send a ClientHello and stall (each
#      replaced after 1 s, so 500 handshakes are always in progress and
#      500 new ones start every second); the window is dumped as in d1
#  vt  version 2, unsigned (xchat-bench -2) against version 1 in TLS
#      (-T), workload (a)'s shape: the ratios v2/v1tls (issue 12)
#  st  signed throughput: 10 clients, 5 of them keyed senders as fast
#      as they can (-S), against the same unsigned in v2 (-2); the
#      server's CPU per message against the bare Ed25519 verify of
#      keys.c (bench/verify-cost, run before and after each run)
#  sf  a signed flood beyond what the server verifies: 30 clients, 20
#      keyed senders with 256 messages in flight each, an idle client
#      PINGing every 10 ms; "signed" all good, "badsig" every 10th
#      signature bad (NAK badsig expected): PING p99, the senders'
#      shares (fair_ratio = fewest / most accepted), nothing lost
#
# Workloads a, b and c run the reference server (refserver.c, built here)
# and xchatd alternately, RUNS times each, each run against a fresh
# server; every result line is printed (prefixed with workload=, server=
# and run=), then for each server one line with the medians of the runs
# that passed, then the ratios xchatd/ref of the medians and the issue's
# targets with "met" or "missed".  The TLS workloads (at, bt, ct, ht)
# name their two variants in server= instead (plain and tls, calm and
# stall; both are xchatd) and print ratios tls/plain or stall/calm.
#
# Environment:
#   XCHATD       server binary (default: _build/normal/src/xchatd if it
#                exists, else src/xchatd, beside this script's parent)
#   XCHAT        client binary for d2 (found the same way)
#   BENCH        xchat-bench binary (default: built here from xchat-bench.c,
#                which needs libgcrypt and GnuTLS)
#   REFSERVER    reference server (default: built here from refserver.c);
#                REF=0 runs xchatd alone, as before the reference existed
#   RUNS         runs per workload and server (3)
#   DURATION     seconds of sending per run (10)
#   BENCH_FLAGS  extra xchat-bench options for every run, e.g. "-t 2"
#   TLS_FLAGS    extra xchat-bench options for the TLS runs only, e.g.
#                -C with a GnuTLS priority string to pick the cipher
#   STALLS       stalled handshakes of workload ht (500); STALL_MS how
#                long each stalls before it is replaced (1000; 0: until
#                the server drops it)
#   XCHATD_ENV   environment for xchatd in the TLS workloads, e.g.
#                GNUTLS_SYSTEM_PRIORITY_FILE=/path/ktls.conf
#   VERIFY_COST  bench/verify-cost of "make bench" (default: the one in
#                _build/normal/bench or _build/bench, if there); without
#                it the signed workloads give no bare costs
#   BAD_EVERY    every n-th signature bad in sf's badsig variant (10)
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
TLS_FLAGS=${TLS_FLAGS:-}
STALLS=${STALLS:-500}
STALL_MS=${STALL_MS:-1000}
XCHATD_ENV=${XCHATD_ENV:-}
BAD_EVERY=${BAD_EVERY:-10}
if [ -z "${VERIFY_COST:-}" ]; then
	for f in "$top/_build/normal/bench/verify-cost" \
	    "$top/_build/bench/verify-cost"; do
		[ -x "$f" ] && VERIFY_COST=$f && break
	done
fi
VERIFY_COST=${VERIFY_COST:-}
REF=${REF:-1}
status=0
spid=
port=
tport=
tls=0
kind=
xvfb_pid=

usage() {
	echo "usage: $0 [a|b|c|d|at|bt|ct|ht|vt|st|sf ...]  (env: XCHATD" \
	    "XCHAT REFSERVER REF RUNS DURATION BENCH BENCH_FLAGS TLS_FLAGS" \
	    "STALLS STALL_MS XCHATD_ENV VERIFY_COST BAD_EVERY)" >&2
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
# source, with the pkg-config modules $2; extra link flags follow.
build_tool() {
	local name=$1 mods=$2 flags
	shift 2
	if [ ! -x "$here/$name" ] || [ "$here/$name.c" -nt "$here/$name" ]
	then
		# shellcheck disable=SC2086  # several modules
		flags=$(pkg-config --cflags --libs $mods) || exit 1
		# shellcheck disable=SC2086
		${CC:-cc} -std=c11 -O2 -Wall -Wextra -D_GNU_SOURCE \
		    -o "$here/$name" "$here/$name.c" $flags "$@" || exit 1
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
# reference server). With tls=1 xchatd also serves TLS on tport (its key
# and certificate in $work/state, made by the first run), else it is
# started with -tlsport 0. Sets spid, port, tport and kind. Tries other
# ports if the server exits early (a bind race), three times at most.
start_server() {
	local try _ tlsargs
	kind=$1
	for try in 1 2 3; do
		port=$((20000 + RANDOM % 20000))
		tport=$((20000 + RANDOM % 20000))
		[ "$port" = "$tport" ] && continue
		port_listening "$port" && continue
		tlsargs="-tlsport 0"
		if [ "$tls" = 1 ]; then
			port_listening "$tport" && continue
			tlsargs="-tlsport $tport -statedir $work/state"
		fi
		rm -f "$work/log.txt" "$work/xchatd.dump"
		case $kind in
		xchatd)
			# shellcheck disable=SC2086
			env $XCHATD_ENV "$XCHATD" -headless -port "$port" \
			    $tlsargs -floodrate 0 \
			    -history 20 -logfile "$work/log.txt" \
			    -maxclients 2000 2>"$work/xchatd.err" &
			;;
		gui)
			# shellcheck disable=SC2086
			env $XCHATD_ENV LANG=C.UTF-8 LC_ALL='' \
			    XAPPLRESDIR="$top/resources/" \
			    "$XCHATD" -port "$port" $tlsargs -floodrate 0 \
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
			if port_listening "$port" && { [ "$tls" != 1 ] ||
			    port_listening "$tport"; }; then
				return 0
			fi
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

# Bench arguments of workload $1 (the TLS ones: those of the plain
# workload they repeat; run_one adds -T and the rest).
workload_args() {
	case $1 in
	a|at)	echo "-c 50 -s 5 -b 100 -P 100" ;;
	b|bt)	echo "-c 500 -s 10 -b 100 -P 100" ;;
	c|ct)	echo "-c 1001 -s 1 -b 100 -r 100 -P 100" ;;
	# (d1): workload (a) with a PING every 10 ms; d2 has no bench line.
	d1|ht)	echo "-c 50 -s 5 -b 100 -P 10" ;;
	vt)	echo "-c 50 -s 5 -b 100 -P 100" ;;
	st)	echo "-c 10 -s 5 -b 100 -P 100" ;;
	sf)	echo "-c 30 -s 20 -b 100 -w 256 -P 10" ;;
	*)	return 1 ;;
	esac
}

# The two variants (server= names) of TLS workload $1.
workload_kinds() {
	case $1 in
	ht)	echo "calm stall" ;;
	vt)	echo "v1tls v2" ;;
	st)	echo "v2 signed" ;;
	sf)	echo "signed badsig" ;;
	*)	echo "plain tls" ;;
	esac
}

# The figures whose median is printed for workload $1.
workload_keys() {
	case $1 in
	a|b|at|bt)
		echo "msgs_per_s deliv_per_s lat_p50_us lat_p99_us" \
		    "lat_max_us connect_s ping_p50_us ping_p99_us rss_end_kb" \
		    "srv_cpu_pct srv_ns_per_deliv bench_cpu_pct" ;;
	c|ct)	echo "lat_p50_us lat_p99_us lat_max_us connect_s" \
		    "rss_per_idle_kb ping_p50_us ping_p99_us" ;;
	d1)	echo "msgs_per_s deliv_per_s lat_p50_us lat_p99_us" \
		    "lat_max_us ping_p50_us ping_p99_us ping_max_us" ;;
	ht)	echo "msgs_per_s deliv_per_s lat_p50_us lat_p99_us" \
		    "lat_max_us ping_p50_us ping_p99_us ping_max_us" \
		    "srv_cpu_pct stalls_started stalls_dropped" ;;
	vt)	echo "msgs_per_s deliv_per_s lat_p50_us lat_p99_us" \
		    "lat_max_us ping_p99_us srv_cpu_pct srv_ns_per_deliv" \
		    "srv_us_per_msg bench_cpu_pct fair_ratio" ;;
	st|sf)	echo "msgs_per_s run_msgs_per_s deliv_per_s lat_p50_us" \
		    "lat_p99_us" \
		    "lat_max_us ping_p50_us ping_p99_us ping_max_us" \
		    "srv_cpu_pct srv_us_per_msg srv_us_per_check" \
		    "bench_cpu_pct fair_ratio" \
		    "sender_acc_min sender_acc_max naks_badsig lat_skipped" \
		    "bare_sign_us bare_verify_us bare_verify_cpu_us" \
		    "verify_ratio" ;;
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
# and append its line to $work/$1.$3.ok. For the TLS workloads $3 is the
# variant: plain or tls (headless xchatd serving both), calm or stall
# (xchatd with its window, TLS clients).
run_one() {
	local w=$1 r=$2 k=$3 out rc extra='' probe='' srv=$3 bport flags=''
	tls=0
	case $w in
	at|bt|ct|vt|st|sf) srv=xchatd; tls=1 ;;
	ht) srv=gui; tls=1 ;;
	esac
	if ! start_server "$srv"; then
		echo "workload=$w server=$k run=$r failed=server"
		echo "run-bench.sh: cannot start $srv, giving up" >&2
		exit 1
	fi
	bport=$port
	case $k in
	tls|calm|stall|v1tls) bport=$tport; flags="-T $TLS_FLAGS" ;;
	v2) bport=$tport; flags="-2 $TLS_FLAGS" ;;
	signed) bport=$tport; flags="-S $TLS_FLAGS" ;;
	badsig) bport=$tport; flags="-S -B $BAD_EVERY $TLS_FLAGS" ;;
	esac
	# The bare Ed25519 costs, on the machine as it is, around the run.
	case $w in st|sf) bare_cost >"$work/bare.before" ;; esac
	[ "$k" = stall ] && flags="$flags -H $STALLS -J $STALL_MS"
	if [ "$srv" = gui ]; then
		# Look at the window a quarter, half and three quarters in.
		# shellcheck disable=SC2046  # three words
		python3 "$here/gui-bench.py" server-probe "$spid" \
		    "$work/xchatd.dump" \
		    $(awk -v d="$DURATION" 'BEGIN { print d / 4, d / 2, \
		    3 * d / 4 }') >"$work/probe.out" 2>&1 &
		probe=$!
	fi
	# shellcheck disable=SC2046,SC2086
	out=$("$BENCH" -q -h 127.0.0.1 -p "$bport" -x "$spid" \
	    -d "$DURATION" $(workload_args "$w") $BENCH_FLAGS $flags \
	    2>"$work/bench.err")
	rc=$?
	if [ -n "$probe" ]; then
		wait "$probe"
		# And once more after the run: has the window caught up?
		python3 "$here/gui-bench.py" server-probe "$spid" \
		    "$work/xchatd.dump" 0 | sed 's/^/end /' >>"$work/probe.out"
		sed "s/^/workload=$w server=$k run=$r probe=/" \
		    "$work/probe.out"
		grep -v '^end ' "$work/probe.out" >>"$work/$w.$k.probe.mid"
		grep '^end ' "$work/probe.out" | cut -d' ' -f2- \
		    >>"$work/$w.$k.probe.end"
		cp "$work/xchatd.dump" "$work/last-gui.dump" 2>/dev/null
	fi
	stop_server
	if [ "$w" = c ] || [ "$w" = ct ]; then
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
	case $w in
	st|sf)
		bare_cost >"$work/bare.after"
		extra=$(bare_fields "$out" "$work/bare.before" \
		    "$work/bare.after")
		;;
	esac
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

# The bare Ed25519 sign and verify costs of keys.c now (bench/verify-cost:
# the median of 5 rounds of 400), as "bare_sign_us=S bare_verify_us=V
# bare_sign_cpu_us=SC bare_verify_cpu_us=VC"; nothing without VERIFY_COST.
bare_cost() {
	[ -n "$VERIFY_COST" ] && "$VERIFY_COST" 5 400 2>/dev/null
}

# Extra fields of a signed run whose bench line is $1, from the bare
# costs before ($2) and after ($3) it: their means, and the server's
# CPU per signature checked (per accepted message if the line has no
# srv_us_per_check) over the bare verify's CPU (verify_ratio).
bare_fields() {
	cat "$2" "$3" | awk -v line="$1" '{
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[2] != "") { sum[kv[1]] += kv[2]; n[kv[1]]++ }
		}
	} END {
		split(line, f, " ")
		for (i in f) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
		if (n["bare_verify_cpu_us"] == 0) {
			print " bare_sign_us=- bare_verify_us=-" \
			    " bare_verify_cpu_us=- verify_ratio=-"
			exit
		}
		bs = sum["bare_sign_us"] / n["bare_sign_us"]
		bv = sum["bare_verify_us"] / n["bare_verify_us"]
		bc = sum["bare_verify_cpu_us"] / n["bare_verify_cpu_us"]
		u = v["srv_us_per_check"] != "" && v["srv_us_per_check"] != \
		    "-" ? v["srv_us_per_check"] : v["srv_us_per_msg"]
		r = u == "" || u == "-" ? "-" : sprintf("%.3f", u / bc)
		printf " bare_sign_us=%.1f bare_verify_us=%.1f" \
		    " bare_verify_cpu_us=%.1f verify_ratio=%s\n", bs, bv, bc, r
	}'
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

# A TLS workload: its two variants alternately, RUNS times each; the
# medians, the ratios of the second variant to the first, the targets.
run_tls() {
	local w=$1 r k kinds a b line
	kinds=$(workload_kinds "$w")
	if [ "$w" = ht ]; then
		for k in Xvfb python3; do
			if ! command -v "$k" >/dev/null 2>&1; then
				echo "run-bench.sh: workload ht skipped: $k is" \
				    "not installed" >&2
				return
			fi
		done
		if [ -z "$xvfb_pid" ] && ! start_xvfb; then
			echo "run-bench.sh: workload ht skipped: Xvfb did not" \
			    "start" >&2
			return
		fi
	fi
	echo "run-bench.sh: workload $w: $(workload_args "$w"), variants" \
	    "$kinds, $DURATION s, $RUNS runs each" >&2
	for k in $kinds; do
		: >"$work/$w.$k.ok"
		: >"$work/$w.$k.probe.mid"
		: >"$work/$w.$k.probe.end"
	done
	for r in $(seq "$RUNS"); do
		for k in $kinds; do
			run_one "$w" "$r" "$k"
		done
	done
	# shellcheck disable=SC2086  # two words
	set -- $kinds
	a=$(medians "$w" "$1")
	b=$(medians "$w" "$2")
	echo "$a"
	echo "$b"
	line="workload=$w ratio=$2/$1"
	for k in $(workload_keys "$w"); do
		line="$line $k=$(ratio "$(field "$b" "$k")" "$(field "$a" "$k")")"
	done
	echo "$line"
	if [ "$w" = ht ]; then
		window_lines ht calm
		window_lines ht stall
	fi
	case $w in
	at)
		target "at deliv_per_s tls/plain" "$(ratio \
		    "$(field "$b" deliv_per_s)" "$(field "$a" deliv_per_s)")" \
		    ge 0.5
		target "at tls lat_p99_us" "$(field "$b" lat_p99_us)" le 10000
		;;
	bt)
		target "bt deliv_per_s tls/plain" "$(ratio \
		    "$(field "$b" deliv_per_s)" "$(field "$a" deliv_per_s)")" \
		    ge 0.37
		;;
	ct)
		target "ct tls connect_s (1001 clients)" \
		    "$(field "$b" connect_s)" lt 2
		target "ct tls rss_per_idle_kb" "$(field "$b" rss_per_idle_kb)" \
		    le 64
		;;
	ht)
		target "ht stall ping_p99_us" "$(field "$b" ping_p99_us)" \
		    lt 50000
		;;
	st)	report_st "$a" "$b" ;;
	sf)
		for k in "$a" "$b"; do
			target "sf $(field "$k" server) ping_p99_us" \
			    "$(field "$k" ping_p99_us)" lt 50000
		done
		;;
	esac
}

# The signed throughput's targets (issue 12) from the medians lines of
# the unsigned ($1) and signed ($2) variants: messages/s, the server's
# CPU per signed message over the bare verify, the same with the
# unsigned message's cost taken off (what the check adds), and the
# rate the server would reach at the quiet machine's 80 us a verify.
report_st() {
	local u=$1 s=$2 bv su uu
	bv=$(field "$s" bare_verify_cpu_us)
	su=$(field "$s" srv_us_per_msg)
	uu=$(field "$u" srv_us_per_msg)
	echo "workload=st signed_extra_us=$(awk -v a="$su" -v b="$uu" \
	    'BEGIN { if (a == "-" || b == "-") print "-"; else
	    printf "%.1f\n", a - b }') marginal_ratio=$(awk -v a="$su" \
	    -v b="$uu" -v v="$bv" 'BEGIN { if (a == "-" || b == "-" ||
	    v == "-") print "-"; else printf "%.3f\n", (a - b) / v }')" \
	    "msgs_per_s_at_80us=$(awk -v r="$(field "$s" verify_ratio)" \
	    'BEGIN { if (r == "-") print "-"; else
	    printf "%.0f\n", 1e6 / (r * 80) }')"
	target "st signed run_msgs_per_s" "$(field "$s" run_msgs_per_s)" \
	    ge 10000
	target "st signed verify_ratio (CPU per check / bare)" \
	    "$(field "$s" verify_ratio)" le 1.25
}

run_workload() {
	local w=$1 r
	case $w in
	d)	run_gui; return ;;
	at|bt|ct|ht|vt|st|sf) run_tls "$w"; return ;;
	esac
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

# The window's dumps of workload $1, variant $2: medians (and maxima)
# during the runs, medians after them.
window_lines() {
	local w=$1 k=$2 key line mid=$work/$1.$2.probe.mid
	line="workload=$w server=$k window_during"
	for key in $(workload_keys d1probe); do
		line="$line ${key}_median=$(median "$key" "$mid")"
		line="$line ${key}_max=$(awk -v k="$key" '{
			for (i = 1; i <= NF; i++)
				if (index($i, k "=") == 1) {
					v = substr($i, length(k) + 2)
					if (v != "-" && (m == "" || v + 0 > m))
						m = v + 0
				}
		} END { print m == "" ? "-" : m }' "$mid")"
	done
	echo "$line"
	line="workload=$w server=$k window_after"
	for key in $(workload_keys d1probe); do
		line="$line ${key}_median=$(median "$key" "$work/$w.$k.probe.end")"
	done
	echo "$line"
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
	if [ -z "$xvfb_pid" ] && ! start_xvfb; then
		echo "run-bench.sh: workload d skipped: Xvfb did not start" >&2
		return
	fi
	echo "run-bench.sh: workload d1: $(workload_args d1) with and" \
	    "without the window, $DURATION s, $RUNS runs each" \
	    "(DISPLAY=$DISPLAY)" >&2
	: >"$work/d1.xchatd.ok"
	: >"$work/d1.gui.ok"
	: >"$work/d1.gui.probe.mid"
	: >"$work/d1.gui.probe.end"
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
	window_lines d1 gui
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
		tls=0
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
	a|b|c|d|at|bt|ct|ht|vt|st|sf) ;;
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
	build_tool xchat-bench "libgcrypt gnutls" -lpthread -lm
	BENCH=$here/xchat-bench
fi
if [ -z "${REFSERVER:-}" ] && [ "$REF" != 0 ]; then
	build_tool refserver libgcrypt
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
