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
echo "1..$n"
exit 0
