#!/bin/sh
# SPDX-License-Identifier: MIT
# Banned functions (curl's CODE_STYLE list, extended): no unbounded string
# writes, no atoi-style unchecked conversion, no shell from input.  The
# scanner and generators must not call any of them.  TAP.
top=${top_srcdir:-$(dirname "$0")/..}
n=0
fail=0
for f in sprintf vsprintf strcpy strcat strncat atoi atol atoll strtok gets system popen; do
	n=$((n + 1))
	# a call: the name not preceded by an identifier character, then "("
	hits=$(grep -rnE "(^|[^A-Za-z0-9_.>])$f[[:space:]]*\(" "$top/scanner" "$top/ciphersuites" \
		--include='*.c' --include='*.h' 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "not ok $n - $f is banned"
		echo "$hits" | sed 's/^/# /'
		fail=1
	else
		echo "ok $n - no $f() in scanner/ or ciphersuites/"
	fi
done
# One error prefix (issue 13): every message to stderr names the
# subcommand, "cipherprobe SUBCOMMAND: ", so a message from cron or a
# script says where it came from.  Checked: each cp_eprintf format and each
# fprintf(stderr, ...)/fputs(..., stderr) literal that starts with a word
# and a colon.  The generators (gen-*.c) are build tools, not cipherprobe.
# A call broken after its "(" or "stderr," (as clang-format may break it)
# is read with its next line joined on, so the format string is seen.
n=$((n + 1))
joined=$(find "$top/scanner" -name '*.c' | LC_ALL=C sort | xargs awk '
	FNR == 1 { held = "" }
	held != "" { sub(/^[[:space:]]+/, ""); print held $0; held = ""; next }
	/(cp_eprintf\(|fprintf\(stderr,|fputs\()[[:space:]]*$/ { held = FILENAME ":" FNR ":" $0; next }
	{ print FILENAME ":" FNR ":" $0 }' 2>/dev/null)
hits=$(printf '%s\n' "$joined" | grep -E 'cp_eprintf\([[:space:]]*"' |
	grep -vE 'cp_eprintf\([[:space:]]*"(cipherprobe[ :]|see .cipherprobe )')
hits2=$(printf '%s\n' "$joined" | grep -E '(fprintf\(stderr,[[:space:]]*|fputs\()"[A-Za-z][A-Za-z0-9_ -]*:' |
	grep -v '/gen-[a-z]*\.c:' | grep -v '"cipherprobe[ :]' |
	grep -E 'stderr')
if [ -n "$hits$hits2" ]; then
	echo "not ok $n - a message to stderr without the 'cipherprobe SUBCOMMAND: ' prefix"
	printf '%s\n%s\n' "$hits" "$hits2" | sed '/^$/d; s/^/# /'
	fail=1
else
	echo "ok $n - every stderr message starts 'cipherprobe SUBCOMMAND: '"
fi
echo "1..$n"
exit 0
