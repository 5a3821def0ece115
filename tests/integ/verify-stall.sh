#!/bin/bash
# SPDX-License-Identifier: MIT
# Real handshakes stay inside --timeout for the WHOLE handshake (issue 10):
# servers that answer the ClientHello and then stall.  tlsfake's sh-drip
# sends the ServerHello and then one byte every 200 ms, so no single read
# ever waits long (a per-read timeout would wait for minutes); a TLS
# 1.3-only tlsfake listener never sends anything after its ServerHello.
#   --verify's proof handshake against the drip;
#   the certificate read of a TLS 1.3-only server that stalls;
#   the certificate read of a TLS 1.2 server whose Certificate drips.
# Each scan must end within 3 x --timeout + 2 s of wall time: a hang
# check, not a benchmark.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
CORP="$top_srcdir/tests/verdict/corp.set"
FAKE="$top_builddir/tests/servers/tlsfake"
T=$INTEG_TMP
TIMEOUT=1 # seconds, --timeout
BOUND_MS=$((3 * TIMEOUT * 1000 + 2000))

# shellcheck disable=SC2054 # commas inside tlsfake listener specs
"$FAKE" --port-file "$T/ports" --stats "$T/stats" --max-seconds 100 \
	drip=accept,versions=tls1.2,suites=0xC013,sh-drip,interval=200,timeout=0 \
	stall13=accept,versions=tls1.3,timeout=0 \
	>"$T/tlsfake.log" 2>&1 </dev/null &
integ_track $!
for _ in $(seq 100); do
	[ -f "$T/ports" ] && [ "$(wc -l <"$T/ports")" -eq 2 ] && break
	sleep 0.05
done
[ "$(wc -l <"$T/ports" 2>/dev/null)" = 2 ]
tap_check $? "tlsfake up (drip, stall13)" || integ_end
drip=127.0.0.1:$(awk '$1 == "drip" { print $2 }' "$T/ports"),drip.test
stall13=127.0.0.1:$(awk '$1 == "stall13" { print $2 }' "$T/ports"),stall13.test

now_ms() { date +%s%3N; }
# timed OUT ARGS...: integ_scan, the wall time in $took (ms); the schema
# check of OUT comes after the clock stops
timed() {
	local t0 rc
	t0=$(now_ms)
	INTEG_VALIDATE=no integ_scan "$@"
	rc=$?
	took=$(($(now_ms) - t0))
	integ_validate "$1"
	return $rc
}
# v OUT EXPR: a value of targets[0] (t) / its verdict (v)
v() {
	"$PYTHON" -c 'import json,sys
t=json.load(open(sys.argv[1]))["targets"][0]
v=t["verdict"]
print(json.dumps(eval(sys.argv[2])))' "$1" "$2" 2>&1
}

# 1. --verify: the SHA1-only drip needs auth-algo-sha1 under Corp; the
# replay of the fixed hello gets a ServerHello, the proof never completes.
out="$T/verify.json"
timed "$out" --verify --profile "$CORP" --client any --no-groups --no-preference --no-cert \
	--timeout "$TIMEOUT" "$drip"
[ "$took" -le "$BOUND_MS" ]
tap_check $? "--verify against a server stalling mid-handshake ends in ${took} ms (bound ${BOUND_MS} ms)"
[ "$(v "$out" 'v["fix"]["changes"], v["verified"]')" = '[["auth-algo-sha1"], false]' ]
tap_check $? "the fix is not proven: $(v "$out" 'v["verified"], v["verify_message"]')"
v "$out" 'v["verify_message"]' | grep -q "did not complete within $((TIMEOUT * 1000)) ms"
tap_check $? "the proof says the handshake did not complete within --timeout"

# 2. The certificate of a TLS 1.3-only server that stalls after its
# ServerHello: not read, the scan still ends in time and is not an error;
# the read is one of the target's connections under --per-host.
out="$T/stall13.json"
timed "$out" --no-verdict --no-groups --no-preference --per-host 1 --timeout "$TIMEOUT" "$stall13"
[ "$took" -le "$BOUND_MS" ]
tap_check $? "certificate read of a stalling TLS 1.3-only server ends in ${took} ms (bound ${BOUND_MS} ms)"
[ "$(v "$out" 't["status"], t["certificate"], [p["version"] for p in t["protocols"] if p["supported"]]')" = \
	'["ok", null, ["TLSv1.3"]]' ]
tap_check $? "TLS 1.3 found, no certificate, no error: $(v "$out" 't["status"], t["certificate"]')"
v "$out" 't["certificate_error"]' | grep -q "did not complete within $((TIMEOUT * 1000)) ms"
tap_check $? "and why: $(v "$out" 't.get("certificate_error")')"
sleep 1.2 # tlsfake writes its statistics every second
stats=$(grep '^listener stall13 ' "$T/stats")
grep -q ' max_concurrent=1 ' <<<"$stats"
tap_check $? "--per-host 1 held, the certificate read included: ${stats#listener }"

# 3. A TLS 1.2 server whose Certificate drips: the probes read no
# certificate, so the real handshake tries, and is cut off at --timeout.
out="$T/drip.json"
timed "$out" --no-verdict --no-groups --no-preference --timeout "$TIMEOUT" "$drip"
[ "$took" -le "$BOUND_MS" ]
tap_check $? "certificate read of a dripping TLS 1.2 server ends in ${took} ms (bound ${BOUND_MS} ms)"
[ "$(v "$out" 't["status"], t["certificate"]')" = '["ok", null]' ]
tap_check $? "TLS 1.2 found, no certificate, no error: $(v "$out" 't["status"], t["certificate"]')"
integ_end
