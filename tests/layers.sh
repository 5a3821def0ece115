#!/bin/sh
# SPDX-License-Identifier: MIT
# One-way layers: every #include in scanner/ points down or sideways, never
# up.  The layers, bottom to top (docs/HACKING.md):
#   0 base     util, status, registry, fetch, tls/, net/, output/sanitize.h
#              (text safety, used by every layer), ciphersuites/'s
#              generator helpers
#   1 result   result.h: the scan's data model
#   2 input    input/
#   3 probe    probe/
#   4 policy   policy/
#   5 output   output/
#   6 commands cmd_*, main, demo, watch: they wire the layers together
# Inside the base, tls/ includes nothing of net/ (net carries tls bytes).
# Prints one TAP line per source file, failing on an upward include.  TAP.
top=${top_srcdir:-$(dirname "$0")/..}
cd "$top/scanner" || { echo "1..0 # SKIP no scanner/"; exit 0; }

# rank FILE: the layer of a header or source path relative to scanner/
rank() {
	case "$1" in
	output/sanitize.h|output/sanitize.c) echo 0 ;;
	util.*|status.*|registry*|fetch.*|tls/*|net/*) echo 0 ;;
	../ciphersuites/*) echo 0 ;; # the registry generators' helpers
	result.*) echo 1 ;;
	input/*) echo 2 ;;
	probe/*) echo 3 ;;
	policy/*) echo 4 ;;
	output/*) echo 5 ;;
	*) echo 6 ;;
	esac
}

n=0
bad=0
for f in $(find . -name '*.[ch]' ! -name '*_data.c' | sed 's|^\./||' | sort); do
	n=$((n + 1))
	me=$(rank "$f")
	why=
	for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		[ "$h" = config.h ] && continue
		# as the compiler looks: beside the including file first, then
		# from scanner/ (-I); the path normalised relative to scanner/
		if [ -f "$(dirname "$f")/$h" ]; then
			h=$(realpath -m --relative-to=. "$(dirname "$f")/$h")
		fi
		them=$(rank "$h")
		if [ "$them" -gt "$me" ]; then
			why="$why $h (layer $them)"
		fi
		case "$f:$h" in
		tls/*:net/*) why="$why $h (tls/ below net/)" ;;
		esac
	done
	if [ -n "$why" ]; then
		echo "not ok $n - $f (layer $me) includes upward:$why"
		bad=1
	else
		echo "ok $n - $f (layer $me)"
	fi
done
echo "1..$n"
