#!/bin/bash
# SPDX-License-Identifier: MIT
# --target-timeout against a server that answers every hello and then
# trickles the rest of its flight one byte a second (tlsfake sh-drip): each
# probe is bounded by --timeout, the target as a whole by --target-timeout.
# TAP.  Loopback only.
#
#   1. One run, --target-timeout 3 --timeout 2, over the drip server and a
#      real openssl s_server: it ends well within 20 s with exit status 2;
#      the drip target is an error of kind target-timeout that says what is
#      incomplete and keeps what was found (TLS 1.3 and its suites, which
#      come at once, and only suites the server has); the s_server target
#      of the same run is complete and exact.
#   2. --text -v of the same (a list: the detail comes with -v): the error
#      line and the findings before it.
#   3. The default bound is no bound on a slow but finite scan: the drip
#      server with --timeout 0.5 and no --target-timeout is scanned to the
#      end (ok, its whole configured set).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
INTEG_SCAN_TIMEOUT=${TARGET_TIMEOUT_SCAN_TIMEOUT:-40}
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
FAKE="$top_builddir/tests/servers/tlsfake"

integ_have_scanner || { echo "Bail out! no cipherprobe"; exit 1; }
[ -x "$FAKE" ] || { echo "Bail out! $FAKE is not built"; exit 1; }

S13="0x1301:0x1302:0x1303"
S12="0xC02F:0xC030:0xC013:0xC014:0x009C:0x009D:0x002F:0x0035"
"$FAKE" --port-file "$T/ports" --max-seconds 120 "drip=accept,sh-drip,suites=$S13:$S12" \
	>"$T/tlsfake.log" 2>&1 </dev/null &
integ_track $!
for _ in $(seq 200); do
	[ -s "$T/ports" ] && break
	sleep 0.05
done
drip=$(awk '$1 == "drip" { print $2 }' "$T/ports" 2>/dev/null)
[ -n "$drip" ]
tap_check $? "tlsfake sh-drip up on 127.0.0.1:${drip:-?}"

integ_start_openssl sserver rsa -tls1_2 -cipher 'ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA'
rc=$?
expect="$T/sserver.expect.json"
[ $rc -eq 0 ] && "$PYTHON" "$INTEG_DIR/expect.py" openssl "$SRV_ARGV" --port "$SRV_PORT" >"$expect" 2>"$expect.err"
tap_check $? "openssl s_server up on 127.0.0.1:$SRV_PORT, its set derived from its configuration"
[ -n "$drip" ] && [ -s "$expect" ] || integ_end

ARGS=(--no-verdict --target-timeout 3 --timeout 2 --connect-timeout 2 "127.0.0.1:$drip" "127.0.0.1:$SRV_PORT")
timeout -k 5 "$INTEG_SCAN_TIMEOUT" "$CIPHERPROBE" scan --text -v "${ARGS[@]}" \
	>"$T/scan.txt" 2>"$T/scan.txt.err" </dev/null &
text_pid=$!
integ_track "$text_pid"
# the default bound, beside the others (the servers keep no state)
timeout -k 5 "$INTEG_SCAN_TIMEOUT" "$CIPHERPROBE" scan --json --no-verdict --timeout 0.5 \
	--connect-timeout 2 "127.0.0.1:$drip" >"$T/default.json" 2>"$T/default.json.err" </dev/null &
default_pid=$!
integ_track "$default_pid"
start=$(date +%s%N)
INTEG_VALIDATE=no integ_scan "$T/scan.json" "${ARGS[@]}"
rc=$?
wall_ms=$((($(date +%s%N) - start) / 1000000))
integ_validate "$T/scan.json" # after the clock
[ $rc -eq 2 ] && [ $wall_ms -lt 20000 ]
tap_check $? "--target-timeout 3 --timeout 2: the run ends in ${wall_ms} ms (bound 20000) with exit status 2 (got $rc$([ $rc -eq 124 ] && echo ": killed after ${INTEG_SCAN_TIMEOUT}s, the target is not bounded"))"
wait "$text_pid"
trc=$?
wait "$default_pid"
drc=$?
[ -s "$T/scan.json.err" ] && tap_diag "$T/scan.json.err" | head -5

cat >"$T/check.py" <<'PY'
import json, re, sys

doc_path, text_path, default_path, drc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
S13 = {"0x1301", "0x1302", "0x1303"}
S12 = {"0xC02F", "0xC030", "0xC013", "0xC014", "0x009C", "0x009D", "0x002F", "0x0035"}

def result(ok, what, why=()):
    for w in why if not ok else ():
        print("# " + w)
    print("RESULT %d %s" % (0 if ok else 1, what))

def protos(t):
    return {p["version"]: p for p in t.get("protocols") or []}

try:
    tl = json.load(open(doc_path))["targets"]
except Exception as e:
    tl = []
    print("# cannot read %s: %s" % (doc_path, e))
result(len(tl) == 2, "--json: one record per target (%d)" % len(tl))
d = tl[0] if tl else {}
err = d.get("error") or {}
result(d.get("status") == "error" and err.get("kind") == "target-timeout",
       "the drip target is an error of kind target-timeout",
       ["status %r, error %r" % (d.get("status"), err)])
msg = err.get("message", "")
result("--target-timeout" in msg and "3 s" in msg and re.search(r"incomplete: .*TLSv1\.2 suites", msg),
       "its message gives the bound and what is incomplete (TLS 1.2 suites among it)", ["message: " + msg])
p = protos(d)
t13 = {c["id"] for c in p.get("TLSv1.3", {}).get("ciphers", [])}
result(p.get("TLSv1.3", {}).get("supported") is True and t13 and t13 <= S13,
       "what was found before the bound is kept: TLSv1.3 supported with %d of its suites" % len(t13),
       ["protocols: %r" % sorted(p)])
found = set()
for v, pr in p.items():
    found |= {c["id"] for c in pr.get("ciphers", [])}
result(found <= S13 | S12, "and nothing it does not have (%d suites in all)" % len(found),
       ["extra: %r" % sorted(found - S13 - S12)])
result(d.get("elapsed_ms", 10**9) < 10000, "the target ended %s ms after it began" % d.get("elapsed_ms"))
s = tl[1] if len(tl) > 1 else {}
result(s.get("status") == "ok", "the s_server target of the same run is ok",
       ["error: %r" % s.get("error")])

try:
    txt = open(text_path, encoding="utf-8").read()
except Exception as e:
    txt = ""
    print("# %s" % e)
result("ERROR (target-timeout)" in txt and re.search(r"TLSv1\.3", txt),
       "--text: the error line (target-timeout) and the TLS 1.3 findings before it")

try:
    dd = json.load(open(default_path))["targets"][0]
except Exception as e:
    dd = {}
    print("# cannot read %s: %s" % (default_path, e))
dp = protos(dd)
got = {v: {c["id"] for c in pr.get("ciphers", [])} for v, pr in dp.items()}
result(drc == 0 and dd.get("status") == "ok" and got.get("TLSv1.3") == S13 and got.get("TLSv1.2") == S12,
       "the default bound lets a slow but finite scan end (--timeout 0.5: ok, every suite, in %s ms)"
       % dd.get("elapsed_ms"),
       ["status %r rc %d error %r" % (dd.get("status"), drc, dd.get("error")),
        "TLSv1.2 %r TLSv1.3 %r" % (sorted(got.get("TLSv1.2", ())), sorted(got.get("TLSv1.3", ())))])
PY

"$PYTHON" "$T/check.py" "$T/scan.json" "$T/scan.txt" "$T/default.json" "$drc" >"$T/check.txt" 2>&1
grep '^#' "$T/check.txt"
while read -r tag st what; do
	[ "$tag" = RESULT ] && tap_check "$st" "$what"
done <"$T/check.txt"
grep -q '^RESULT' "$T/check.txt" || { tap_diag "$T/check.txt" | tail -5; tap_not_ok "the checker ran"; }
[ $trc -eq 2 ]
tap_check $? "the --text run ends with status 2 (got $trc)"

"$PYTHON" "$INTEG_DIR/check.py" match "$expect" "$T/scan.json" --target 1 \
	--port "$SRV_PORT" --label sserver | tap_diag
tap_check "${PIPESTATUS[0]}" "openssl s_server beside the drip server: the set its configuration gives, exactly"
integ_end
