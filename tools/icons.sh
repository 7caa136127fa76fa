#!/bin/sh
# icons.sh -- render the icons from their SVG sources (icons/NAME.svg):
# the PNG sizes of the menus (icons/NAME-SIZE.png) and the bitmap that
# the Motif windows give the window manager in WM_HINTS (icons/NAME.xbm
# and its mask icons/NAME-mask.xbm, included by src/*_ui.c).  The
# bitmap is the SVG drawn in black lines on white: every stroke black,
# every gradient fill white, solid fills by their lightness.  The
# results are committed, so that building needs neither tool; run this
# after changing an SVG.  Needs rsvg-convert (librsvg2-bin) and convert
# (imagemagick).
# Usage: tools/icons.sh
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top/icons" || exit 1
for t in rsvg-convert convert; do
	command -v $t >/dev/null 2>&1 || {
		echo "icons.sh: $t is missing" \
		    "(apt-get install librsvg2-bin imagemagick)" >&2
		exit 1
	}
done
# The sizes must match ICON_SIZES in Makefile.am.
SIZES="16 22 24 32 48 64 128 256"
# The window manager's icon: 48 by 48 pixels.
WM_SIZE=48
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' 0

# xbm FILE ID: an XBM read from standard input, as a C array named
# ID_bits of const unsigned char, with ID_width and ID_height.
xbm() {
	convert png:- "xbm:$tmp/out.xbm" || exit 1
	sed -e "s/^#define [A-Za-z0-9_-]*_width /#define ${2}_width /" \
	    -e "s/^#define [A-Za-z0-9_-]*_height /#define ${2}_height /" \
	    -e "s/^static char [A-Za-z0-9_-]*_bits\[\]/static const unsigned char ${2}_bits[]/" \
	    -e "s/ *$//" "$tmp/out.xbm" >"$1" || exit 1
}

for svg in *.svg; do
	n=${svg%.svg}
	id=$(echo "$n" | tr -c 'A-Za-z0-9\n' _)
	for s in $SIZES; do
		rsvg-convert -w "$s" -h "$s" "$svg" |
		    convert png:- -strip "PNG32:$n-$s.png" || exit 1
	done
	sed -e 's/fill="url(#[A-Za-z0-9_-]*)"/fill="#ffffff"/g' \
	    -e 's/stroke="#[0-9A-Fa-f]*"/stroke="#000000"/g' \
	    "$svg" >"$tmp/mono.svg"
	# Black (1 bits) is the picture; the mask's 1 bits are opaque.
	rsvg-convert -w $WM_SIZE -h $WM_SIZE -b white "$tmp/mono.svg" |
	    convert png:- -colorspace gray -threshold 60% png:- |
	    xbm "$n.xbm" "$id"
	rsvg-convert -w $WM_SIZE -h $WM_SIZE "$tmp/mono.svg" |
	    convert png:- -alpha extract -threshold 50% -negate png:- |
	    xbm "$n-mask.xbm" "${id}_mask"
	echo "icons.sh: $n: $(echo $SIZES | sed 's/ /, /g') px;" \
	    "$n.xbm and $n-mask.xbm"
done
