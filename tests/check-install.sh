#!/bin/sh
# check-install.sh -- "make install" into a scratch DESTDIR puts every
# file where it belongs and nothing else: the programs and manual pages
# under their installed names, the app-defaults where libXt finds them
# (English and pt_BR, asked with appres under a private Xvfb), the
# desktop entries (desktop-file-validate), the icons, the systemd unit
# (systemd-analyze verify, where present) and its options file.  The
# steps are in tests/check-install-test.py.  Skips (77) when
# desktop-file-validate, appres or Xvfb is missing.
. "${srcdir:-.}/tests/lib.sh"

for t in desktop-file-validate appres make; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed"
done
xc_start_xvfb
export T
$PYTHON "$srcdir/tests/check-install-test.py"
