#!/bin/sh
# gui-i18n.sh -- no label of the pt_BR windows is English (issue 13):
# both windows run uninstalled (XAPPLRESDIR=resources/) under C.UTF-8
# and pt_BR.UTF-8, every dialog opened with xdotool, and every label of
# their widget trees compared.  The steps are in tests/gui-i18n-test.py.
# Skips (77) when Xvfb, xdotool or the pt_BR.UTF-8 locale is missing.
. "${srcdir:-.}/tests/lib.sh"

command -v xdotool >/dev/null 2>&1 || skip "xdotool is not installed"
[ -x "$XCHAT" ] || fail "$XCHAT is not built"
[ -x "$XCHATD" ] || fail "$XCHATD is not built"
xc_start_xvfb
export T XCHAT XCHATD
$PYTHON "$srcdir/tests/gui-i18n-test.py"
