#!/bin/sh
# gui-server.sh -- GUI tests of xchatd's window under a private Xvfb:
# title, client list and counters, event lines, Kick, pause, verify
# log, quit question, WM_DELETE_WINDOW, start-up error dialogs, log
# failure, keyed clients (key column, Accounts dialog, Ban key), pt_BR
# labels, fallback resources.  The steps are in
# tests/gui-server-test.py.  Skips (77) only when Xvfb, xdotool or
# xmodmap is missing.
. "${srcdir:-.}/tests/lib.sh"

command -v xdotool >/dev/null 2>&1 || skip "xdotool is not installed"
command -v xmodmap >/dev/null 2>&1 || skip "xmodmap is not installed"
[ -x "$XCHATD" ] || fail "$XCHATD is not built"
xc_start_xvfb
export T XCHATD
$PYTHON "$srcdir/tests/gui-server-test.py"
