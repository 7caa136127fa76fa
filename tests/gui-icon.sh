#!/bin/sh
# gui-icon.sh -- the windows' icons under a real window manager (twm)
# in a private Xvfb: both windows give their icon bitmap and mask in
# WM_HINTS; xchat's icon name counts the messages that come while it
# is iconified ("xchat (3)") and a mention sets the urgency hint until
# the window has the focus; the Find dialog takes the focus when shown.  The steps are in tests/gui-icon-test.py.
# Skips (77) when Xvfb, xdotool, xprop or twm is missing.
. "${srcdir:-.}/tests/lib.sh"

for t in xdotool xprop twm; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed"
done
[ -x "$XCHAT" ] && [ -x "$XCHATD" ] || fail "$XCHAT or $XCHATD is not built"
xc_start_xvfb
# twm with core fonts every X server has (its default fontset may be
# missing), started in the C locale so that it does not ask for more.
cat >"$T/twmrc" <<'TWMRC'
TitleFont "fixed"
ResizeFont "fixed"
MenuFont "fixed"
IconFont "fixed"
IconManagerFont "fixed"
RandomPlacement
NoGrabServer
TWMRC
LC_ALL=C twm -f "$T/twmrc" >"$T/twm.log" 2>&1 &
XC_PIDS="$XC_PIDS $!"
export T XCHAT XCHATD
$PYTHON "$srcdir/tests/gui-icon-test.py"
