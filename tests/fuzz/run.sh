#!/bin/sh
# run.sh -- build the libFuzzer targets of tests/fuzz/ with clang
# (-fsanitize=fuzzer,address,undefined; clang need not be the
# configured CC) against the sources, and run each for a bounded time
# over its seed corpus tests/fuzz/corpus/<target>/.  Exit 0 if no
# target found a crash or a broken invariant, 1 if one did, 77 (skip)
# if clang cannot build a fuzzer here.
#
# Usage: sh tests/fuzz/run.sh [SECONDS [TARGET...]]
#   SECONDS  of random fuzzing per target after the seeds (default
#            $FUZZ_TIME, else 0: "make check" only replays the seed
#            corpus, so that it is deterministic; "make fuzz" passes
#            FUZZ_TIME=600 and so on)
#   TARGET   frames server validators escape logverify v2 accounts
#            loghistory bans (default all)
# Environment: srcdir, builddir (set by "make check"; config.h is in
# builddir), CLANG, FUZZ_JOBS (targets run at once, default 1),
# FUZZ_OUT (work directory, default $builddir/tests/fuzz).
# Work files, new corpus entries and crash inputs go to
# $builddir/tests/fuzz/; a crasher is saved there as crash-<target>-*
# and should be added to the seed corpus once fixed.
# Part of xchat; see COPYING for the licence.

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${srcdir:-$here/../..}
builddir=${builddir:-$srcdir/_build/normal}
secs=${1:-${FUZZ_TIME:-0}}
[ $# -gt 0 ] && shift
targets=${*:-frames server validators escape logverify v2 accounts loghistory bans}
# The store's replies (clusters): only where hiredis is installed.
if [ $# -eq 0 ] && pkg-config --exists hiredis 2>/dev/null; then
	targets="$targets cluster"
fi
out=${FUZZ_OUT:-$builddir/tests/fuzz}
mkdir -p "$out" || exit 99

cc=${CLANG:-}
if [ -z "$cc" ]; then
	for c in clang clang-14 clang-15 clang-16 clang-13; do
		command -v "$c" >/dev/null 2>&1 && { cc=$c; break; }
	done
fi
[ -n "$cc" ] || { echo "fuzz: no clang: skipped"; exit 77; }
[ -f "$builddir/config.h" ] || { echo "fuzz: no $builddir/config.h (run configure)"; exit 99; }

san="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
cflags="-g -O1 -Wall -Wextra -Wno-unused-parameter $san -I$builddir -I$srcdir/src -I$here"
gcry=$(pkg-config --cflags --libs libgcrypt 2>/dev/null || libgcrypt-config --cflags --libs)
xt=$(pkg-config --cflags --libs xt 2>/dev/null || echo "-lXt -lX11")
icu=$(pkg-config --cflags --libs icu-uc icu-i18n 2>/dev/null ||
    echo "-licui18n -licuuc -licudata")
gnutls=$(pkg-config --cflags --libs gnutls 2>/dev/null || echo "-lgnutls")

# Can clang link a fuzzer here (libclang-rt-dev installed)?
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' \
    > "$out/probe.c"
"$cc" $san -o "$out/probe" "$out/probe.c" >"$out/probe.log" 2>&1 || {
	echo "fuzz: $cc cannot build a libFuzzer target: skipped"
	sed 5q "$out/probe.log"
	exit 77
}

s=$srcdir/src
base="$s/protocol.c $s/utf8.c $s/xmalloc.c $s/log.c"
sources() {
	case $1 in
	frames)		echo "$base" ;;
	server)		echo "$base $s/digest.c $s/netclient.c $s/clientlog.c" \
			    "$s/netclient_dm.c $s/cmdline.c $s/seenset.c" \
			    "$s/netclient_v2.c $s/verify.c $s/knownusers.c" \
			    "$s/u64map.c $s/tls.c $s/keys.c" \
			    "$s/netio.c $s/transport.c $s/evloop.c" \
			    "$s/nickrules.c" ;;
	validators)	echo "$base $s/digest.c $s/nickrules.c" ;;
	v2)		echo "$base" ;;
	accounts)	echo "$base $s/accounts.c $s/nickrules.c" ;;
	bans)		echo "$base $s/bans.c" ;;
	cluster)	echo "$base $s/clusterparse.c" ;;
	escape|logverify|loghistory)
			echo "$base $s/digest.c $s/msglog.c $s/keys.c" ;;
	*)		return 1 ;;
	esac
}
libs() {
	case $1 in
	server)		echo "$gcry $xt $icu $gnutls" ;;
	validators)	echo "$gcry $icu" ;;
	accounts)	echo "$icu" ;;
	cluster)	pkg-config --cflags --libs hiredis 2>/dev/null ||
			    echo "-lhiredis" ;;
	frames|v2|bans)	echo "" ;;
	escape|logverify|loghistory) echo "$gcry $gnutls" ;;
	*)		echo "$gcry" ;;
	esac
}
maxlen() {
	case $1 in
	frames|server|v2|cluster) echo 20000 ;;
	logverify|loghistory) echo 8192 ;;
	*)		echo 4200 ;;
	esac
}

# Build (only when a source is newer than the binary).
for t in $targets; do
	src=$(sources "$t") || { echo "fuzz: unknown target $t"; exit 99; }
	bin=$out/fuzz_$t
	stale=
	[ -x "$bin" ] || stale=1
	for f in $src "$here/fuzz_$t.c" "$here/fuzz.h" "$s"/*.h "$builddir/config.h"; do
		[ -n "$stale" ] && break
		[ "$f" -nt "$bin" ] && stale=1
	done
	if [ -n "$stale" ]; then
		echo "fuzz: building fuzz_$t"
		nice "$cc" $cflags -o "$bin" "$here/fuzz_$t.c" $src $(libs "$t") \
		    >"$out/build_$t.log" 2>&1 ||
		    { cat "$out/build_$t.log"; echo "fuzz: build of $t failed"; exit 1; }
	fi
done

# Run one target; print its figures; return non-zero on a finding.
# Compiles and runs are niced: "make -j check" runs timing-sensitive
# tests beside them.
run1() {
	t=$1
	mkdir -p "$out/work/$t"
	# Every seed once, whole (the fuzzing below cuts inputs to
	# -max_len): crashers of the past stay fixed.
	if ! "$out/fuzz_$t" -error_exitcode=1 "$here/corpus/$t"/* \
	    >"$out/$t.seeds.log" 2>&1; then
		echo "fuzz: $t FAILED on a seed, see $out/$t.seeds.log:"
		grep -E 'invariant broken|ERROR:|runtime error|SUMMARY|Running:' \
		    "$out/$t.seeds.log" | tail -10
		return 1
	fi
	if [ "$secs" -eq 0 ]; then
		n=$(ls "$here/corpus/$t" | wc -l)
		echo "fuzz: $t ok: $n seeds replayed"
		return 0
	fi
	nice "$out/fuzz_$t" -max_total_time="$secs" -max_len="$(maxlen "$t")" \
	    -timeout=10 -rss_limit_mb=1024 -error_exitcode=1 -print_final_stats=1 \
	    -artifact_prefix="$out/crash-$t-" \
	    "$out/work/$t" "$here/corpus/$t" >"$out/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$out/$t.log" | tail -1)
	ft=$(grep -o 'ft: [0-9]*' "$out/$t.log" | tail -1)
	corp=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' "$out/$t.log" | tail -1)
	if [ $rc -eq 0 ]; then
		echo "fuzz: $t ok: ${runs:-?} runs in ${secs}s, ${rate:-?}/s, $cov, $ft, $corp"
	else
		echo "fuzz: $t FAILED (exit $rc), see $out/$t.log:"
		grep -E 'invariant broken|ERROR:|runtime error|SUMMARY|Test unit written' "$out/$t.log" | head -10
	fi
	return $rc
}

status=0
jobs=${FUZZ_JOBS:-1}
if [ "$jobs" -le 1 ]; then
	for t in $targets; do
		run1 "$t" || status=1
	done
else
	# Run up to $jobs targets at once.
	set -- $targets
	while [ $# -gt 0 ]; do
		pids=
		n=0
		while [ $# -gt 0 ] && [ $n -lt "$jobs" ]; do
			( run1 "$1" ) &
			pids="$pids $!"
			n=$((n + 1))
			shift
		done
		for p in $pids; do
			wait "$p" || status=1
		done
	done
fi
exit $status
