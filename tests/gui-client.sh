#!/bin/sh
# gui-client.sh -- GUI tests of the xchat client under a private Xvfb,
# driven with xdotool (see tests/gui-client-test.py for the steps).
# Skips (77) only when Xvfb, xdotool or xmodmap is missing.
. "${srcdir:-.}/tests/lib.sh"

command -v xdotool >/dev/null 2>&1 || skip "xdotool is not installed"
command -v xmodmap >/dev/null 2>&1 || skip "xmodmap is not installed"
[ -x "$XCHAT" ] || fail "$XCHAT is not built"
xc_start_xvfb
export T XCHAT XCHATD
$PYTHON "$srcdir/tests/gui-client-test.py"
