#!/bin/bash
# SPDX-License-Identifier: MIT
# Secrets and names: a target URL's userinfo and query never reach the
# text, JSON, --state file, webhook or metrics; the webhook URL from
# --notify-url-file (owner-only) or CIPHERPROBE_NOTIFY_URL, in the
# documented precedence, never echoed; --sni refused as a ",SNI" suffix
# is (blank, non-ASCII, over-long, IP literal).  Loopback only.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
SCAN=(--no-groups --no-preference --no-sigalgs)

integ_start_openssl srv rsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
tap_check $? "server up"
port=$SRV_PORT

"$PYTHON" "$top_srcdir/tests/servers/fakehttp.py" --port-file "$T/hook.port" --mode webhook \
	--record "$T/hook.jsonl" --max-seconds 150 >"$T/hook.log" 2>&1 &
integ_track "$!"
for _ in $(seq 200); do [ -s "$T/hook.port" ] && break; sleep 0.05; done
hookbase="http://127.0.0.1:$(cat "$T/hook.port")/webhook"
refused=$("$PYTHON" "$INTEG_DIR/netutil.py" refused-port)

# ---- a URL target with userinfo, query and fragment
secret="https://user:pass@127.0.0.1:$port/login?token=t0kenvalue#frag"
"$CIPHERPROBE" scan "${SCAN[@]}" --text --state "$T/state.json" --notify "$hookbase/url" \
	--notify-on always --metrics "$T/m.prom" "$secret" >"$T/text.out" 2>"$T/text.err"
integ_scan "$T/scan.json" "${SCAN[@]}" "$secret"
"$CIPHERPROBE" scan "${SCAN[@]}" --jsonl "$secret" >"$T/scan.jsonl" 2>>"$T/text.err"
"$PYTHON" -c 'import json,sys; [sys.stdout.write(json.loads(l)["body"] + "\n") for l in open(sys.argv[1])]' \
	"$T/hook.jsonl" >"$T/hook.bodies"
[ -s "$T/text.out" ] && [ -s "$T/state.json" ] && [ -s "$T/hook.bodies" ] && [ -s "$T/m.prom" ] &&
	grep -q "127.0.0.1:$port/login" "$T/text.out" "$T/scan.json"
tap_check $? "the URL target was scanned into text, JSON, state, webhook and metrics"
leaks=$(grep -l -e user:pass -e pass@ -e token -e t0kenvalue -e frag "$T/text.out" "$T/text.err" "$T/scan.json" \
	"$T/scan.json.err" "$T/scan.jsonl" "$T/state.json" "$T/hook.bodies" "$T/m.prom")
[ -z "$leaks" ]
tap_check $? "no 'pass' or 'token' in text, stderr, JSON, JSONL, state, webhook body, metrics: ${leaks:-none}"
"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["targets"][0]["input"] == sys.argv[2], d["targets"][0]["input"]' \
	"$T/scan.json" "https://127.0.0.1:$port/login"
tap_check $? "the JSON input is the URL without userinfo, query and fragment"

# an unusable URL target: its error record and message leave them out too
integ_scan "$T/bad.json" "${SCAN[@]}" "https://user:pass@127.0.0.1:99999/?token=t0kenvalue"
! grep -q -e pass -e t0kenvalue "$T/bad.json" "$T/bad.json.err" && grep -q '99999' "$T/bad.json"
tap_check $? "an unusable URL's error record holds no secret: $(grep -m1 '"message"' "$T/bad.json")"

# ---- the webhook URL: --notify, else --notify-url-file, else the environment
hooks() { [ -s "$T/hook.jsonl" ] && "$PYTHON" -c 'import json,sys; print(" ".join(json.loads(l)["path"] for l in open(sys.argv[1])))' "$T/hook.jsonl"; }
: >"$T/hook.jsonl"
printf '%s/fromfile/s3cr3t\n' "$hookbase" >"$T/url.txt"
chmod 644 "$T/url.txt"
"$CIPHERPROBE" scan "${SCAN[@]}" --json --notify-on always --notify-url-file "$T/url.txt" \
	"127.0.0.1:$port" >"$T/o.json" 2>"$T/o.err"
rc=$?
[ $rc -eq 65 ] && grep -q 'chmod 600' "$T/o.err" && ! grep -q s3cr3t "$T/o.err" && [ ! -s "$T/hook.jsonl" ]
tap_check $? "a group/other-readable --notify-url-file is refused, exit 65 (got $rc): $(cat "$T/o.err")"
chmod 600 "$T/url.txt"
CIPHERPROBE_NOTIFY_URL="$hookbase/fromenv" "$CIPHERPROBE" scan "${SCAN[@]}" --json --notify-on always \
	--notify-url-file "$T/url.txt" "127.0.0.1:$port" >"$T/o.json" 2>"$T/o.err"
[ "$(hooks)" = "/webhook/fromfile/s3cr3t" ]
tap_check $? "--notify-url-file (0600) is used, before the environment: $(hooks)"
: >"$T/hook.jsonl"
CIPHERPROBE_NOTIFY_URL="$hookbase/fromenv" "$CIPHERPROBE" scan "${SCAN[@]}" --json --notify-on always \
	"127.0.0.1:$port" >"$T/o.json" 2>"$T/o.err"
[ "$(hooks)" = "/webhook/fromenv" ]
tap_check $? "CIPHERPROBE_NOTIFY_URL alone is used: $(hooks)"
: >"$T/hook.jsonl"
CIPHERPROBE_NOTIFY_URL="$hookbase/fromenv" "$CIPHERPROBE" scan "${SCAN[@]}" --json --notify-on always \
	--notify "$hookbase/fromflag" --notify-url-file "$T/url.txt" "127.0.0.1:$port" >"$T/o.json" 2>"$T/o.err"
[ "$(hooks)" = "/webhook/fromflag" ]
tap_check $? "--notify wins over the file and the environment: $(hooks)"
printf 'http://127.0.0.1:%s/hook/s3cr3t\n' "$refused" >"$T/dead.txt"
chmod 600 "$T/dead.txt"
"$CIPHERPROBE" scan "${SCAN[@]}" --json --notify-on always --notify-url-file "$T/dead.txt" \
	"127.0.0.1:$port" >"$T/o.json" 2>"$T/o.err"
grep -q "127.0.0.1:$refused" "$T/o.err" && ! grep -q s3cr3t "$T/o.err"
tap_check $? "a failed post names the origin, never the secret path: $(grep -m1 webhook "$T/o.err")"
"$CIPHERPROBE" scan "${SCAN[@]}" --json --notify-url-file "$T/missing.txt" "127.0.0.1:$port" >"$T/o.json" 2>"$T/o.err"
rc=$?
[ $rc -eq 66 ] && grep -q 'missing.txt' "$T/o.err"
tap_check $? "a missing --notify-url-file: exit 66 (got $rc)"

# ---- --sni: as the ",SNI" suffix is checked
sni_refused() { # VALUE WANT DESCRIPTION
	"$CIPHERPROBE" scan "${SCAN[@]}" --json --sni "$1" "127.0.0.1:$port" >"$T/sni.json" 2>"$T/sni.err"
	local rc=$?
	[ $rc -eq 64 ] && grep -q -- "--sni: .*$2" "$T/sni.err" && [ ! -s "$T/sni.json" ]
	tap_check $? "--sni $3 refused, exit 64 (got $rc): $(head -c 200 "$T/sni.err")"
}
sni_refused "a b.example" "character ' ' not allowed" "with a space"
sni_refused "$(printf 'b\xc3\xbccher.example')" "not ASCII" "non-ASCII"
sni_refused "$(printf 'a%.0s' $(seq 64)).example" "more than 63" "with a 64-byte label"
sni_refused "$(printf 'abcdefghi.%.0s' $(seq 26))example" "more than 253" "of 267 bytes"
sni_refused "192.0.2.1" "RFC 6066" "an IPv4 literal"
sni_refused "::1" "RFC 6066" "an IPv6 literal"
integ_scan "$T/sni.json" "${SCAN[@]}" --sni Good.Example "127.0.0.1:$port"
"$PYTHON" -c 'import json,sys; t=json.load(open(sys.argv[1]))["targets"][0]; assert t["sni"] == "good.example" and t["status"] == "ok", t["sni"]' "$T/sni.json"
tap_check $? "a good --sni is sent, lower-cased"
integ_end
