#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/cases.sh (TAP): tests/integ/cases.am lists exactly the end-to-end
# cases in tests/integ/ (tools/gen-cases --check), and the check itself
# names a case missing from the list and a listed case that is gone.
top=${top_srcdir:-$(dirname "$0")/..}
gen="$top/tools/gen-cases"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cp-cases.XXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }

if sh "$gen" --check -C "$top" 2>"$tmp/err"; then
	ok "tests/integ/cases.am lists every case in tests/integ/"
else
	notok "tests/integ/cases.am is stale: run tools/gen-cases"
	sed 's/^/# /' "$tmp/err"
fi

# a scratch tree: one listed case and one helper
mkdir -p "$tmp/t/tests/integ"
: >"$tmp/t/tests/integ/lib.sh"
: >"$tmp/t/tests/integ/one.sh"
sh "$gen" -C "$tmp/t" 2>"$tmp/err"
if grep -qx '	tests/integ/one.sh' "$tmp/t/tests/integ/cases.am" &&
	! grep -q 'lib\.sh' "$tmp/t/tests/integ/cases.am" &&
	sh "$gen" --check -C "$tmp/t" 2>>"$tmp/err"; then
	ok "gen-cases lists one.sh, not the helper lib.sh, and --check agrees"
else
	notok "gen-cases on a scratch tree"
	sed 's/^/# /' "$tmp/t/tests/integ/cases.am" "$tmp/err"
fi

: >"$tmp/t/tests/integ/new-case.sh"
if sh "$gen" --check -C "$tmp/t" 2>"$tmp/err"; then
	notok "--check accepts a case missing from cases.am"
elif grep -q 'tests/integ/new-case.sh is not in' "$tmp/err"; then
	ok "--check names the case missing from cases.am"
else
	notok "--check fails without naming new-case.sh"
	sed 's/^/# /' "$tmp/err"
fi

rm -f "$tmp/t/tests/integ/new-case.sh" "$tmp/t/tests/integ/one.sh"
if sh "$gen" --check -C "$tmp/t" 2>"$tmp/err"; then
	notok "--check accepts a listed case that is gone"
elif grep -q 'cases.am:[0-9]*: tests/integ/one.sh does not exist' "$tmp/err"; then
	ok "--check names the listed case that is gone, with its line"
else
	notok "--check fails without naming one.sh"
	sed 's/^/# /' "$tmp/err"
fi
echo "1..$n"
