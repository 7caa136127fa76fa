#!/bin/sh
# deps.sh -- install the Debian 12 packages xchat needs to build, run
# and test, and to build the Debian packages (the Build-Depends of
# debian/control), when they are missing.  Needs root (or sudo) only if
# something is missing.  Also generates the pt_BR.UTF-8 locale.
set -e
cd "$(dirname "$0")/.."
PKGS="build-essential autoconf automake pkg-config libmotif-dev
libgcrypt20-dev libgnutls28-dev libicu-dev libxft-dev xvfb xdotool x11-utils x11-apps x11-xserver-utils
imagemagick fonts-dejavu-core fonts-symbola xfonts-base locales python3 clang
libclang-rt-14-dev valgrind python3-cryptography openssl
twm desktop-file-utils debhelper lintian
libhiredis-dev redis-server"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ -n "$missing" ]; then
	echo "deps.sh: installing:$missing"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $missing
fi
# The Debian packages' Build-Depends (tools/deb.sh), as debian/control
# lists them today.
if [ -f debian/control ] && command -v dpkg-checkbuilddeps >/dev/null &&
    ! dpkg-checkbuilddeps debian/control 2>/dev/null; then
	echo "deps.sh: installing the Build-Depends of debian/control"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -q ./
fi
if ! locale -a 2>/dev/null | grep -qi '^pt_BR.utf-\?8$'; then
	echo "deps.sh: generating the pt_BR.UTF-8 locale"
	$SUDO sed -i 's/^# *\(pt_BR.UTF-8 UTF-8\)/\1/' /etc/locale.gen
	grep -q '^pt_BR.UTF-8 UTF-8' /etc/locale.gen ||
	    echo 'pt_BR.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
	$SUDO locale-gen >/dev/null
fi
