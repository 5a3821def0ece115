#!/bin/bash
# SPDX-License-Identifier: MIT
# The cron job: --state compares with the previous scan, names a lost
# suite that leaves the verdict as it was as a change (exit 0, not a
# regression: tests/integ/watch.sh has the regressions), replaces the state
# atomically (a killed run leaves the old one), and --notify tells a
# webhook (fakehttp.py records what it got).  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
state=$T/state.json
# integ_cert's certificate is valid for 2 days: inside the default
# --expiry-warn window (14), which tests/integ/watch.sh covers
SCAN=(--no-groups --no-preference --profile panos-default --expiry-warn 1)

integ_start_openssl wide rsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384
tap_check $? "server with two suites up"
port=$SRV_PORT
wide_pid=$SRV_PID

"$PYTHON" "$top_srcdir/tests/servers/fakehttp.py" --port-file "$T/hook.port" --mode webhook \
	--record "$T/hook.jsonl" --max-seconds 150 >"$T/hook.log" 2>&1 &
integ_track "$!"
for _ in $(seq 200); do [ -s "$T/hook.port" ] && break; sleep 0.05; done
hook="http://127.0.0.1:$(cat "$T/hook.port")/webhook/secret-token"

out=$T/first.json
integ_scan "$out" "${SCAN[@]}" --state "$state" --notify "$hook" "127.0.0.1:$port"
rc=$?
[ -s "$state" ] && "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"] == 1 and len(d["targets"]) == 1' "$state"
tap_check $? "the first run saves its scan as the state (rc $rc)"
[ ! -s "$T/hook.jsonl" ]
tap_check $? "no regression, no notification (default --notify-on regression)"

# the server loses a suite: same address and port, narrower configuration
kill "$wide_pid"; wait "$wide_pid" 2>/dev/null
openssl s_server -accept "127.0.0.1:$port" -www -cert "$T/rsa.crt" -key "$T/rsa.key" \
	-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 >"$T/narrow.out" 2>&1 </dev/null &
integ_track "$!"
"$PYTHON" "$INTEG_DIR/netutil.py" wait "$port" 10
tap_check $? "the same port now serves one suite"

cp "$state" "$T/state.before"
out=$T/second.json
integ_scan "$out" "${SCAN[@]}" --state "$state" --notify "$hook" --notify-on always "127.0.0.1:$port"
rc=$?
[ $rc -eq 0 ]
tap_check $? "a lost suite, still compatible: not a regression, exit 0 (got $rc)"
[ "$(head -1 "$out.err")" = "change      127.0.0.1:$port: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 is no longer accepted at TLSv1.2" ]
tap_check $? "the report names the lost suite as a change: $(head -1 "$out.err")"
! cmp -s "$state" "$T/state.before" &&
	"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1]))
c=[c["id"] for p in d["targets"][0]["protocols"] for c in p["ciphers"]]; assert c == ["0xC02F"], c' "$state"
tap_check $? "the state now holds the new scan"
"$PYTHON" -c 'import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 1, rows
b=json.loads(rows[0]["body"])
assert "no regression" in b["text"], b["text"]
assert b["cipherprobe"]["diff"]["regressions"] == 0 and b["cipherprobe"]["diff"]["changed"] == 1
assert b["cipherprobe"]["headlines"] == ["change 127.0.0.1:%s: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 is no longer accepted at TLSv1.2" % sys.argv[2]], b
assert rows[0]["headers"].get("Content-Type", "").startswith("application/json")' "$T/hook.jsonl" "$port"
tap_check $? "--notify-on always: the webhook got one JSON message with the headline: $("$PYTHON" -c 'import json,sys; print(json.loads(json.loads(open(sys.argv[1]).readline())["body"])["text"])' "$T/hook.jsonl" 2>&1)"
! grep -q secret-token "$out.err" "$out"
tap_check $? "the webhook URL's secret path is not echoed"

out=$T/third.json
integ_scan "$out" "${SCAN[@]}" --state "$state" "127.0.0.1:$port"
rc=$?
[ $rc -ne 3 ]
tap_check $? "the run after that compares with the new state: no regression (got $rc)"

# a run killed while it scans leaves the state as it was: a listener that
# accepts and never speaks keeps the run busy until it is killed
"$PYTHON" -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1]); time.sleep(60)' "$T/silent.port" &
integ_track "$!"
for _ in $(seq 200); do [ -s "$T/silent.port" ] && break; sleep 0.05; done
cp "$state" "$T/state.before"
"$CIPHERPROBE" scan "${SCAN[@]}" --state "$state" --timeout 30 --connect-timeout 30 \
	"127.0.0.1:$port" "127.0.0.1:$(cat "$T/silent.port")" >/dev/null 2>&1 &
victim=$!
sleep 1
kill -9 "$victim" 2>/dev/null; wait "$victim" 2>/dev/null
cmp -s "$state" "$T/state.before"
tap_check $? "a run killed mid-way leaves the old state intact"

printf '{"schema": 1, "targets": [' >"$T/broken.json"
cp "$T/broken.json" "$T/broken.before"
integ_scan "$out" "${SCAN[@]}" --state "$T/broken.json" "127.0.0.1:$port"
rc=$?
[ $rc -eq 65 ] && cmp -s "$T/broken.json" "$T/broken.before"
tap_check $? "an unreadable state: exit 65, file left for a human: $(head -1 "$out.err")"

refused=$("$PYTHON" "$INTEG_DIR/netutil.py" refused-port)
integ_scan "$out" "${SCAN[@]}" --notify "http://127.0.0.1:$refused/hook" --notify-on always "127.0.0.1:$port"
rc=$?
[ $rc -ne 75 ] && grep -q notify "$out.err"
tap_check $? "a failed notification is reported but does not fail the run (rc $rc)"
integ_scan "$out" "${SCAN[@]}" --notify "http://127.0.0.1:$refused/hook" --notify-on always \
	--notify-required "127.0.0.1:$port"
rc=$?
[ $rc -eq 75 ]
tap_check $? "--notify-required: a failed notification exits 75 (got $rc)"
integ_end
