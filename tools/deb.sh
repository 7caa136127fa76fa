#!/bin/sh
# deb.sh -- build the Debian packages as a release is built, and check
# them: "make dist" makes the tarball; a scratch directory gets it as
# the .orig.tar.gz, unpacked, with this tree's debian/; dpkg-buildpackage
# builds the source package and the .debs there (running "make check"
# unless DEB_BUILD_OPTIONS has nocheck); lintian must then have
# nothing to say (no error, no warning).  The results are copied to
# _build/deb/.  Needs the Build-Depends of debian/control
# (tools/deps.sh installs them) and lintian.  Ends with a line
# "deb.sh: ok" or "deb.sh: FAILED: why".
# Usage: tools/deb.sh
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=$top/_build/deb
die() {
	echo "deb.sh: FAILED: $*"
	exit 1
}
for t in dpkg-buildpackage dpkg-checkbuilddeps lintian; do
	command -v $t >/dev/null 2>&1 || die "$t is missing (tools/deps.sh)"
done
dpkg-checkbuilddeps debian/control || die "missing build dependencies"

# The tarball, from a build directory of its own.
[ -x configure ] && [ configure -nt configure.ac ] &&
    [ Makefile.in -nt Makefile.am ] || sh autogen.sh >/dev/null 2>&1 ||
    die "autogen.sh"
mkdir -p _build/dist
(cd _build/dist && "$top/configure" -q && make dist >dist.out 2>&1) ||
    die "make dist (see _build/dist/dist.out)"
version=$(sed -n 's/^PACKAGE_VERSION = //p' _build/dist/Makefile)
tarball=_build/dist/xchat-$version.tar.gz
[ -f "$tarball" ] || die "no $tarball"
# The version is configure.ac's; debian/changelog must follow it.
dver=$(dpkg-parsechangelog -l debian/changelog -S Version)
source=$(dpkg-parsechangelog -l debian/changelog -S Source)
[ "${dver%-*}" = "$version" ] ||
    die "debian/changelog is at $dver, configure.ac at $version"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/xchat-deb.XXXXXX") || die "mktemp"
# Tests run as root start servers as nobody, who must reach the build.
chmod 755 "$scratch"
trap 'rm -rf "$scratch"' 0
cp "$tarball" "$scratch/${source}_$version.orig.tar.gz"
tar -C "$scratch" -xzf "$tarball" || die "cannot unpack $tarball"
mv "$scratch/xchat-$version" "$scratch/$source-$version"
# debian/ as it is in git, without what an in-tree package build left.
tar -C "$top" --exclude=debian/.debhelper --exclude=debian/tmp \
    --exclude=debian/files --exclude='debian/*.substvars' \
    --exclude='debian/*.debhelper' --exclude='debian/*.debhelper.log' \
    --exclude=debian/debhelper-build-stamp \
    --exclude='debian/autoreconf.*' --exclude=debian/xchatd \
    --exclude=debian/xchat-motif -cf - debian |
    tar -C "$scratch/$source-$version" -xf - || die "cannot copy debian/"
echo "deb.sh: building $source $dver in $scratch"
(cd "$scratch/$source-$version" &&
    DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
    dpkg-buildpackage -us -uc >"$scratch/build.log" 2>&1) || {
	tail -60 "$scratch/build.log"
	die "dpkg-buildpackage (the log's end is above)"
}
grep -E '^(PASS|FAIL|ERROR|SKIP|XFAIL|XPASS|# [A-Z]+):' "$scratch/build.log"
rm -rf "$out"
mkdir -p "$out"
cp "$scratch"/*.deb "$scratch"/*.changes "$scratch"/*.dsc \
    "$scratch"/*.tar.* "$scratch"/*.buildinfo "$scratch/build.log" "$out/"
changes=$(ls "$out"/*.changes)
echo "deb.sh: lintian $changes"
lintian --fail-on error,warning --pedantic --display-info \
    "$changes" >"$out/lintian.log" 2>&1
rc=$?
cat "$out/lintian.log"
[ $rc -eq 0 ] || die "lintian (above; also in $out/lintian.log)"
ls -l "$out"/*.deb
echo "deb.sh: ok"
