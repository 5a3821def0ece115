#!/bin/sh
# SPDX-License-Identifier: MIT
# No function longer than 120 lines (signature's first line to closing
# brace) in scanner/ and ciphersuites/; the generated *_data.c tables are
# left out.  tests/funclen.py does the counting; it is first checked on
# made-up files (a function of exactly 120 lines passes, one of 121 fails
# and is named with file:line and length, a long initialiser is not a
# function), then one TAP line per source file, naming each function over
# the limit.  TAP: a "not ok" line is the failure (exit 0, as layers.sh).
top=${top_srcdir:-$(dirname "$0")/..}
: "${PYTHON:=python3}"
LIMIT=120
if ! command -v "$PYTHON" >/dev/null 2>&1; then
	echo "1..0 # SKIP $PYTHON not found"
	exit 0
fi
FUNCLEN="$top/tests/funclen.py"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/funclen.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

n=0
result() { # result STATUS DESCRIPTION: STATUS 0 is ok
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
	fi
}

# body LINES: a function of LINES lines in all, its signature on two lines
# (the second indented, as .clang-format breaks a long one)
body() {
	printf 'static int f(int a,\n\t     int b)\n{\n'
	i=4
	while [ "$i" -lt $(($1 - 1)) ]; do
		printf '\ta++;\n'
		i=$((i + 1))
	done
	printf '\treturn a;\n}\n'
}

{ printf '/* a comment */\n\n'; body $LIMIT; } >"$tmp/at.c"
out=$("$PYTHON" "$FUNCLEN" $LIMIT "$tmp/at.c")
result $? "self-check: a function of exactly $LIMIT lines passes"
[ -z "$out" ]
result $? "self-check: ... and is not listed"

{ printf '/* a comment */\n\n'; body $((LIMIT + 1)); } >"$tmp/over.c"
out=$("$PYTHON" "$FUNCLEN" $LIMIT "$tmp/over.c")
[ $? -eq 1 ]
result $? "self-check: a function of $((LIMIT + 1)) lines fails"
[ "$out" = "$tmp/over.c:3: f $((LIMIT + 1)) lines" ]
result $? "self-check: ... named by file:line, name and length ($out)"

{
	printf 'static const struct row rows[] =\n{\n'
	i=0
	while [ "$i" -lt $((LIMIT * 2)) ]; do
		printf '\t{ "r", f(1) },\n'
		i=$((i + 1))
	done
	printf '};\n'
} >"$tmp/table.c"
"$PYTHON" "$FUNCLEN" $LIMIT "$tmp/table.c" >/dev/null
result $? "self-check: a long initialiser is not a function"

# the sources, one TAP line each
cd "$top" || { echo "Bail out! no $top"; exit 1; }
files=$(find scanner ciphersuites -name '*.c' ! -name '*_data.c' | LC_ALL=C sort)
[ -n "$files" ]
result $? "sources found under scanner/ and ciphersuites/"
# shellcheck disable=SC2086 # one word per file: paths have no blanks
"$PYTHON" "$FUNCLEN" $LIMIT $files >"$tmp/long.txt"
[ $? -le 1 ]
result $? "funclen.py read every source"
for f in $files; do
	long=$(grep "^$f:" "$tmp/long.txt" | sed "s|^$f:||" | tr '\n' ';' | sed 's/;$//; s/;/; /g')
	if [ -n "$long" ]; then
		result 1 "$f: over $LIMIT lines: $long"
	else
		result 0 "$f"
	fi
done
echo "1..$n"
exit 0
