# SPDX-License-Identifier: MIT
# tests/gen-lib.sh: what the data-generator tests share (sourced by
# tests/gen-registry.sh and tests/gen-clients.sh).  The sourcing
# script sets $gen (the generator) and defines fresh() (a pristine copy of
# its data in $tmp/d); this gives it TAP results, expect_fail and line_of.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0
result() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

# expect_fail DESC FILE:LINE PATTERN: the generator fails, writes no
# output, and its stderr has "FILE:LINE: ...PATTERN".
expect_fail() {
	"$gen" -d "$tmp/d" -o "$tmp/out.c" >"$tmp/err" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && grep -q "$2: .*$3" "$tmp/err" && [ ! -e "$tmp/out.c" ]; then
		result 0 "$1"
	else
		sed 's/^/# /' "$tmp/err"
		result 1 "$1"
	fi
	rm -f "$tmp/out.c"
}

# line_of FILE REGEX: line number of the first match
line_of() { grep -n "$2" "$1" | head -n 1 | cut -d: -f1; }
