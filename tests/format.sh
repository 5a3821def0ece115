#!/bin/bash
# SPDX-License-Identifier: MIT
# The C sources are formatted as .clang-format says (issue 15): one TAP line
# per file that tools/format owns (scanner/, ciphersuites/, tests/, bench/),
# failing on a file clang-format 14 would change, with the number of lines
# and the first lines of the difference.  First a self-check on made-up
# files: a badly formatted one must fail, a well formatted one must pass.
# Skips (TAP SKIP) when clang-format 14 is not installed (Debian:
# clang-format, in tools/debian-test.txt).  Fix a failure with tools/format.
# TAP; the plan comes last.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
FORMAT="$top/tools/format"
cd "$top" || { echo "Bail out! no $top"; exit 1; }

cf=
for c in ${CLANG_FORMAT:-} clang-format-14 /usr/lib/llvm-14/bin/clang-format clang-format; do
	command -v "$c" >/dev/null 2>&1 || continue
	if "$c" --version 2>/dev/null | grep -q 'clang-format version 14\.'; then
		cf=$(command -v "$c")
		break
	fi
done
if [ -z "$cf" ]; then
	echo "1..0 # SKIP clang-format 14 is not installed (Debian package clang-format)"
	exit 0
fi
export CLANG_FORMAT=$cf
tmp=$(mktemp -d "${TMPDIR:-/tmp}/format.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	[ -s "$tmp/why" ] && sed 's/^/# /' "$tmp/why"
	return 0
}

# --- self-check: the check sees a difference, and only one
printf '/* a made-up file */\nstatic int f(int a) {\n  if (a) return 1;\n  return 0;\n}\n' >"$tmp/bad.c"
printf '/* a made-up file */\nstatic int f(int a)\n{\n\tif (a)\n\t\treturn 1;\n\treturn 0;\n}\n' >"$tmp/good.c"
"$FORMAT" --check "$tmp/bad.c" >"$tmp/why" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "bad.c: [1-9][0-9]* lines differ" "$tmp/why"; then
	ok "self-check: tools/format --check fails on a badly formatted file ($(head -1 "$tmp/why" | sed "s|$tmp/||"))"
else
	notok "self-check: tools/format --check fails on a badly formatted file (exit $rc)"
fi
"$FORMAT" --check "$tmp/good.c" >"$tmp/why" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$tmp/why" ]; then
	ok "self-check: tools/format --check passes a well formatted file"
else
	notok "self-check: tools/format --check passes a well formatted file (exit $rc)"
fi
cp "$tmp/bad.c" "$tmp/fixed.c"
"$FORMAT" "$tmp/fixed.c" >"$tmp/why" 2>&1
if cmp -s "$tmp/fixed.c" "$tmp/good.c"; then
	ok "self-check: tools/format FILE rewrites it in the project's style"
else
	diff -u "$tmp/good.c" "$tmp/fixed.c" >>"$tmp/why"
	notok "self-check: tools/format FILE rewrites it in the project's style"
fi

# --- the sources, one line each
if [ -e "$top/tests/format.pending" ]; then
	n=$((n + 1))
	echo "ok $n - the sources # SKIP not formatted yet: tests/format.pending (tools/format formats them and deletes it)"
	echo "1..$n"
	exit 0
fi
if ! git -C "$top" rev-parse --show-toplevel >/dev/null 2>&1 ||
	[ "$(cd "$(git -C "$top" rev-parse --show-toplevel)" && pwd -P)" != "$(pwd -P)" ]; then
	n=$((n + 1))
	echo "ok $n - the sources # SKIP not a git checkout (a release tarball): the format is checked in the git tree"
	echo "1..$n"
	exit 0
fi
"$FORMAT" --list >"$tmp/files" 2>"$tmp/why"
count=$(wc -l <"$tmp/files")
# scanner/ alone has over a hundred files: fewer means the list is wrong
if [ "$count" -ge 100 ]; then
	ok "tools/format --list names $count C files"
else
	notok "tools/format --list names the C files (got $count)"
fi
while IFS= read -r f; do
	if "$cf" --style="file:$top/.clang-format" "$f" >"$tmp/out" 2>"$tmp/why" && cmp -s "$f" "$tmp/out"; then
		ok "$f"
	else
		lines=$(diff "$f" "$tmp/out" | grep -c '^[<>]')
		diff -u "$f" "$tmp/out" | sed -n '3,20p' >>"$tmp/why"
		notok "$f: clang-format changes $lines lines (run tools/format $f)"
	fi
done <"$tmp/files"
echo "1..$n"
exit 0
