#!/bin/sh
# gui-conv.sh -- GUI tests of issue 13's conversation in the xchat
# client (private windows, away, actions, kick, long input, quieter
# lines) under a private Xvfb, driven with xdotool (see
# tests/gui-conv-test.py for the steps).
# Skips (77) only when Xvfb, xdotool or xmodmap is missing.
. "${srcdir:-.}/tests/lib.sh"

command -v xdotool >/dev/null 2>&1 || skip "xdotool is not installed"
command -v xmodmap >/dev/null 2>&1 || skip "xmodmap is not installed"
[ -x "$XCHAT" ] || fail "$XCHAT is not built"
xc_start_xvfb
export T XCHAT XCHATD
$PYTHON "$srcdir/tests/gui-conv-test.py"
