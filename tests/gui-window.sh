#!/bin/sh
# gui-window.sh -- GUI tests of the xchat window layout (issue 13) under a
# private Xvfb, driven with xdotool (see tests/gui-window-test.py for
# the steps).  Skips (77) only when Xvfb, xdotool or xmodmap is missing.
. "${srcdir:-.}/tests/lib.sh"

command -v xdotool >/dev/null 2>&1 || skip "xdotool is not installed"
command -v xmodmap >/dev/null 2>&1 || skip "xmodmap is not installed"
[ -x "$XCHAT" ] || fail "$XCHAT is not built"
xc_start_xvfb
export T XCHAT XCHATD
$PYTHON "$srcdir/tests/gui-window-test.py"
