#!/bin/sh
# test.sh -- set everything up and run every test: install missing
# Debian packages, bootstrap autotools, build and "make check" in
# _build/normal, then again with ASan+UBSan in _build/asan; then the
# release: "make distcheck" (the tarball builds, checks, installs and
# uninstalls on its own, as xchat-motif) and tools/deb.sh (the Debian
# packages built from it, their "make check", lintian), one result
# each.  GUI tests start their own Xvfb.  Ends with the line "N passed,
# M failed".
# Usage: tools/test.sh [--quick]   (--quick: only the normal build)
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
sh tools/deps.sh || { echo "0 passed, 1 failed"; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0

# Count the results of one "make check" from its test-suite.log.
count() {
	p=$(sed -n 's/^# PASS: *//p' "$1/test-suite.log" | head -1)
	x=$(sed -n 's/^# XPASS: *//p' "$1/test-suite.log" | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$1/test-suite.log" | head -1)
	e=$(sed -n 's/^# ERROR: *//p' "$1/test-suite.log" | head -1)
	s=$(sed -n 's/^# SKIP: *//p' "$1/test-suite.log" | head -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${e:-0} + ${x:-0}))
	skipped=$((${skipped:-0} + ${s:-0}))
}

build() {
	dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" -q "$@" && make -j"$jobs" >make.out 2>&1) ||
	    { cat "$dir/make.out" 2>/dev/null | tail -30; return 1; }
}

run_check() {
	dir=$1
	rm -f "$dir/test-suite.log"
	(cd "$dir" && make -j"$jobs" check >check.out 2>&1)
	grep -E '^(PASS|FAIL|ERROR|SKIP|XFAIL|XPASS):' "$dir/check.out"
	if [ -f "$dir/test-suite.log" ]; then
		count "$dir"
		grep -q '^# FAIL: *0$' "$dir/test-suite.log" &&
		    grep -q '^# ERROR: *0$' "$dir/test-suite.log" ||
		    sed -n '/^FAIL\|^ERROR/,$p' "$dir/test-suite.log" | head -80
	else
		tail -30 "$dir/check.out"
		failed=$((failed + 1))
	fi
}

[ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] ||
    sh autogen.sh >/dev/null 2>&1 || { echo "autogen failed"; echo "0 passed, 1 failed"; exit 1; }

echo "== build and check"
if build _build/normal; then
	run_check _build/normal
else
	failed=$((failed + 1))
fi

if [ "$1" != "--quick" ]; then
	echo "== build and check under ASan+UBSan"
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export LSAN_OPTIONS=suppressions=$top/tests/lsan.supp:print_suppressions=0
	if build _build/asan --enable-sanitizers; then
		run_check _build/asan
	else
		failed=$((failed + 1))
	fi
fi
if [ "$1" != "--quick" ]; then
	echo "== make distcheck"
	if (cd _build/normal && make -j"$jobs" distcheck >distcheck.out 2>&1)
	then
		echo "PASS: make distcheck"
		passed=$((passed + 1))
	else
		grep -E '^(FAIL|ERROR):' _build/normal/distcheck.out
		tail -30 _build/normal/distcheck.out
		# What the failed tests said (distcheck leaves its tree behind).
		for l in _build/normal/xchat-*/_build/sub/test-suite.log; do
			[ -f "$l" ] && sed -n '/^FAIL\|^ERROR/,$p' "$l" | head -80
		done
		echo "FAIL: make distcheck (_build/normal/distcheck.out)"
		failed=$((failed + 1))
	fi
	echo "== Debian packages (tools/deb.sh)"
	if sh tools/deb.sh >_build/deb.out 2>&1; then
		echo "PASS: tools/deb.sh"
		passed=$((passed + 1))
	else
		tail -40 _build/deb.out
		echo "FAIL: tools/deb.sh (_build/deb.out)"
		failed=$((failed + 1))
	fi
fi
[ "${skipped:-0}" -gt 0 ] && echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
