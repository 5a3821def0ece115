#!/bin/bash
# SPDX-License-Identifier: MIT
# Per-target errors: a list (-i FILE) mixing a refused port, a good server and
# an unparsable line must give one record per line, in input order, with
# error kinds "refused" and "input", and exit status 2 (some targets could
# not be scanned).  Integration test (TAP); --selftest runs it without
# cipherprobe.  See lib.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"

name=errors
ntests=5
[ "$INTEG_MODE" = selftest ] && ntests=3
if ! command -v openssl >/dev/null 2>&1; then
	for ((i = 0; i < ntests; i++)); do tap_skip "$name" "openssl is not installed"; done
	integ_end
fi

refused=$("$PYTHON" "$INTEG_DIR/netutil.py" refused-port)
tap_check $? "$name: port $refused on 127.0.0.1 refuses connections"

expect="$INTEG_TMP/$name.expect.json"
if integ_start_openssl "$name" rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA &&
	"$PYTHON" "$INTEG_DIR/expect.py" openssl "$SRV_ARGV" --port "$SRV_PORT" >"$expect"; then
	"$PYTHON" "$INTEG_DIR/expect.py" show "$expect"
	tap_ok "$name: the good target's server is up on 127.0.0.1:$SRV_PORT"
else
	tap_not_ok "$name: the good target's server is up"
	SRV_PORT=0
fi

good="127.0.0.1:$SRV_PORT"
closed="127.0.0.1:$refused"
bad="127.0.0.1:99999"        # port out of range: the line itself is unusable
printf '%s\n' "$closed" "$good" "$bad" >"$INTEG_TMP/list.txt"
echo "# input list:"
tap_diag "$INTEG_TMP/list.txt"

if [ "$INTEG_MODE" = selftest ]; then
	"$PYTHON" "$INTEG_DIR/expect.py" verify "$expect" --port "$SRV_PORT"
	tap_check $? "$name: the good target's expectation confirmed by openssl s_client"
	integ_end
fi

out="$INTEG_TMP/$name.json"
if integ_have_scanner; then
	integ_scan "$out" -i "$INTEG_TMP/list.txt"
	rc=$?
else
	rc=127
	: >"$out"
fi
[ $rc -eq 2 ]
tap_check $? "$name: exit status 2 when some targets could not be scanned (got $rc)"
[ $rc -ne 2 ] && [ -s "$out.err" ] && head -20 "$out.err" | tap_diag

"$PYTHON" "$INTEG_DIR/check.py" records "$out" \
	"$closed=error:refused" "$good=ok" "$bad=error:input" | tap_diag
tap_check "${PIPESTATUS[0]}" "$name: one record per line, in input order, kinds refused and input"

"$PYTHON" "$INTEG_DIR/check.py" match "$expect" "$out" --target 1 --port "$SRV_PORT" | tap_diag
tap_check "${PIPESTATUS[0]}" "$name: the good target among errors is scanned in full"
integ_end
