#!/bin/bash
# SPDX-License-Identifier: MIT
# The regression watch that only speaks when it matters (issue 11, part 2):
# real servers (openssl s_server) reconfigured between runs on the same
# port, scanned as the cron line of docs/cron.md does (-q, --json -o,
# --state, the comparison on stderr, mailed only when the exit status is 2
# or more).  Each scenario checks the exit status and the exact headline,
# written here by hand from cipherprobe(1) ("Watching"):
#   hardening (SHA1 CBC suite -> GCM): exit 0, "improvement ... now compatible"
#   modern -> SHA1-only: exit 3, one headline, with the auth-algo-sha1 fix
#   a site down for one run (named, exit 2), two runs (exit 3), three (2)
#   every target down: the baseline is kept, its failure count updated
#   a certificate expiring in 5 days: exit 3 with --expiry-warn 14
# The mails are left in the scratch directory (mail-*.txt) and shown as
# TAP comments.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
PROFILE=panos-recommended   # no auth-algo-sha1 (cipherprobe profile show)

# certificates for 127.0.0.1, trusted through --ca-file: one valid for a
# year, one that expires in 5 days; and one not trusted (rogue)
for c in long:365 short:5 rogue:365; do
	timeout 60 openssl req -x509 -newkey rsa:2048 -nodes -days "${c#*:}" -subj "/CN=watch-${c%%:*}" \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout "$T/${c%%:*}.key" -out "$T/${c%%:*}.crt" >"$T/req.log" 2>&1 ||
		{ tap_diag "$T/req.log"; echo "Bail out! openssl req failed"; exit 1; }
done
SCAN=(-q --no-groups --no-preference --profile "$PROFILE" --ca-file "$T/long.crt" --ca-file "$T/short.crt")

# serve NAME PORT CERT CIPHERS: (re)start s_server on 127.0.0.1:PORT
declare -A PIDS
serve() {
	local name=$1 port=$2 cert=$3 ciphers=$4
	stop "$name"
	openssl s_server -accept "127.0.0.1:$port" -www -cert "$T/$cert.crt" -key "$T/$cert.key" \
		-tls1_2 -cipher "$ciphers" >"$T/$name.out" 2>&1 </dev/null &
	PIDS[$name]=$!
	integ_track "$!"
	"$PYTHON" "$INTEG_DIR/netutil.py" wait "$port" 10
}
stop() {
	[ -n "${PIDS[$1]:-}" ] || return 0
	kill "${PIDS[$1]}" 2>/dev/null
	wait "${PIDS[$1]}" 2>/dev/null
	PIDS[$1]=
}

# nightly NAME STATE SITE...: the cron line's scan; sets rc, and leaves
# what cron would mail in $T/mail-NAME.txt (empty when the status is 0/1)
nightly() {
	local name=$1 st=$2
	shift 2
	printf '%s\n' "$@" >"$T/sites-$name.txt"
	integ_run timeout -k 5 "$INTEG_SCAN_TIMEOUT" "$CIPHERPROBE" scan "${SCAN[@]}" \
		-i "$T/sites-$name.txt" --state "$st" ${NOTIFY:+--notify "$NOTIFY"} \
		--json -o "$T/last-$name.json" 2>"$T/last-$name.log"
	rc=$?
	: >"$T/mail-$name.txt"
	[ $rc -le 1 ] || cat "$T/last-$name.log" >"$T/mail-$name.txt"
	echo "# nightly mail, $name (exit $rc):"
	tap_diag "$T/mail-$name.txt"
}

port() { "$PYTHON" "$INTEG_DIR/netutil.py" free-port; }

# ---- hardening: ECDHE-RSA-AES128-SHA -> ECDHE-RSA-AES128-GCM-SHA256
pa=$(port)
serve a "$pa" long ECDHE-RSA-AES128-SHA
tap_check $? "SHA1-only server on $pa"
nightly a0 "$T/a.json" "127.0.0.1:$pa"
[ $rc -eq 1 ] && [ -s "$T/a.json" ]
tap_check $? "baseline: incompatible (no auth-algo-sha1), saved (exit $rc)"
cp "$T/a.json" "$T/a.before"
serve a "$pa" long ECDHE-RSA-AES128-GCM-SHA256
nightly a1 "$T/a.json" "127.0.0.1:$pa"
[ $rc -eq 0 ] && [ ! -s "$T/mail-a1.txt" ]
tap_check $? "hardening: exit 0 (got $rc), nothing mailed"
"$CIPHERPROBE" diff "$T/a.before" "$T/last-a1.json" >"$T/diff-a.txt" 2>&1
rc=$?
# the site's changes: compatible again (improvement), the CBC suite gone
# (a change), the GCM suite new (info): one headline, the other two counted
exp="improvement 127.0.0.1:$pa: now compatible with the profile (+2 more changes)"
[ $rc -eq 0 ] && [ "$(head -1 "$T/diff-a.txt")" = "$exp" ] && ! grep -q REGRESSION "$T/diff-a.txt"
tap_check $? "diff of the two nights: exit 0 (got $rc), headline: $(head -1 "$T/diff-a.txt")"
"$CIPHERPROBE" diff -v "$T/a.before" "$T/last-a1.json" >"$T/diff-a-v.txt" 2>&1
grep -qx '    change      TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA is no longer accepted at TLSv1.2' "$T/diff-a-v.txt"
tap_check $? "-v lists the lost suite under the headline, as a change"

# ---- the seed regression: modern (GCM) -> SHA1-only, with the webhook
"$PYTHON" "$top_srcdir/tests/servers/fakehttp.py" --port-file "$T/hook.port" --mode webhook \
	--record "$T/hook.jsonl" --max-seconds 150 >"$T/hook.log" 2>&1 &
integ_track "$!"
for _ in $(seq 200); do [ -s "$T/hook.port" ] && break; sleep 0.05; done
pb=$(port)
serve b "$pb" long ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384
tap_check $? "modern server on $pb"
NOTIFY="http://127.0.0.1:$(cat "$T/hook.port")/webhook/secret"
nightly b0 "$T/b.json" "127.0.0.1:$pb"
[ $rc -eq 0 ]
tap_check $? "baseline: compatible (exit $rc)"
serve b "$pb" long ECDHE-RSA-AES128-SHA
nightly b1 "$T/b.json" "127.0.0.1:$pb"
NOTIFY=
[ $rc -eq 3 ]
tap_check $? "modern -> SHA1-only: exit 3 (got $rc)"
[ "$(grep -c '^REGRESSION' "$T/mail-b1.txt")" -eq 1 ] && [ "$(grep -vc '^  fix: \|regression' "$T/mail-b1.txt")" -eq 1 ]
tap_check $? "exactly one headline in the mail"
h=$(grep '^REGRESSION' "$T/mail-b1.txt")
case $h in
"REGRESSION  127.0.0.1:$pb: no longer compatible with the profile: "*"the profile disables SHA1"*"(+3 more changes)") true ;;
*) false ;;
esac
tap_check $? "the headline says the site is no longer compatible: $h"
# a built-in profile: the command names the placeholder <PROFILE> (man: OUTPUT)
[ "$(sed -n 2p "$T/mail-b1.txt")" = "  fix: set profiles decryption <PROFILE> ssl-protocol-settings auth-algo-sha1 yes" ]
tap_check $? "the fix command follows it: $(sed -n 2p "$T/mail-b1.txt")"
[ "$(tail -1 "$T/mail-b1.txt")" = "1 regression, 0 improvements, 2 changes, 1 info, 0 unreachable; 1 target compared, 0 added, 0 removed" ]
tap_check $? "summary: the two lost GCM suites are changes, the new CBC suite info"
"$PYTHON" -c 'import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 1, rows
b=json.loads(rows[0]["body"])
h=b["cipherprobe"]["headlines"]
assert len(h) == 1 and h[0].startswith("REGRESSION 127.0.0.1:%s: no longer compatible" % sys.argv[2]), h
assert h[0] in b["text"] or b["text"].endswith("..."), b["text"]
s=b["cipherprobe"]["diff"]["sites"][0]
assert s["kind"] == "regression" and s["commands"][0].endswith("auth-algo-sha1 yes"), s' \
	"$T/hook.jsonl" "$pb"
tap_check $? "the webhook carries the headline and the fix"

# ---- unreachable: one run named (exit 2), two runs a regression (3)
pc=$(port)
pd=$(port)
serve c "$pc" long ECDHE-RSA-AES128-GCM-SHA256
serve d "$pd" long ECDHE-RSA-AES128-GCM-SHA256
tap_check $? "two servers on $pc and $pd"
nightly c0 "$T/c.json" "127.0.0.1:$pc" "127.0.0.1:$pd"
[ $rc -eq 0 ]
tap_check $? "baseline of two sites (exit $rc)"
stop d
nightly c1 "$T/c.json" "127.0.0.1:$pc" "127.0.0.1:$pd"
[ $rc -eq 2 ] && [ "$(head -1 "$T/mail-c1.txt" | cut -d: -f1-3)" = "unreachable 127.0.0.1:$pd: unreachable (1 run)" ] &&
	! grep -q '^REGRESSION' "$T/mail-c1.txt"
tap_check $? "down for one run: exit 2 (got $rc), named, not a regression: $(head -1 "$T/mail-c1.txt")"
"$PYTHON" -c 'import json,sys
t=json.load(open(sys.argv[1]))["targets"]
r={x["input"]: x.get("failed_runs") for x in t}
assert r == {"127.0.0.1:" + sys.argv[2]: None, "127.0.0.1:" + sys.argv[3]: 1}, r' "$T/c.json" "$pc" "$pd"
tap_check $? "the state counts the failed run (failed_runs 1)"
nightly c2 "$T/c.json" "127.0.0.1:$pc" "127.0.0.1:$pd"
[ $rc -eq 3 ] && [ "$(head -1 "$T/mail-c2.txt" | cut -d: -f1-3)" = "REGRESSION  127.0.0.1:$pd: unreachable (2 runs in a row)" ]
tap_check $? "down for two runs: exit 3 (got $rc): $(head -1 "$T/mail-c2.txt")"
nightly c3 "$T/c.json" "127.0.0.1:$pc" "127.0.0.1:$pd"
[ $rc -eq 2 ] && [ "$(head -1 "$T/mail-c3.txt" | cut -d: -f1-3)" = "unreachable 127.0.0.1:$pd: unreachable (3 runs in a row)" ]
tap_check $? "a third run is not a new regression: exit 2 (got $rc)"

# ---- every target down: the good baseline stays
nightly e0 "$T/e.json" "127.0.0.1:$pc"
stop c
cp "$T/e.json" "$T/e.before"
nightly e1 "$T/e.json" "127.0.0.1:$pc"
[ $rc -eq 2 ] && grep -q "every target failed in this run; $T/e.json keeps the previous scan as the baseline" "$T/mail-e1.txt"
tap_check $? "all targets failed: exit 2 (got $rc), said on stderr"
"$PYTHON" -c 'import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
assert a["targets"][0]["status"] == "ok" and a["targets"][0]["failed_runs"] == 1, a["targets"][0]
del a["targets"][0]["failed_runs"]; assert a == b' "$T/e.json" "$T/e.before"
tap_check $? "the state still holds the good scan, with failed_runs 1"
nightly e2 "$T/e.json" "127.0.0.1:$pc"
[ $rc -eq 3 ] && [ "$(head -1 "$T/mail-e2.txt" | cut -d: -f1-3)" = "REGRESSION  127.0.0.1:$pc: unreachable (2 runs in a row)" ]
tap_check $? "the next failed run is the regression: exit 3 (got $rc)"

# ---- a certificate inside the expiry window
pf=$(port)
serve f "$pf" long ECDHE-RSA-AES128-GCM-SHA256
nightly f0 "$T/f.json" "127.0.0.1:$pf"
[ $rc -eq 0 ]
tap_check $? "baseline with a certificate valid for a year (exit $rc)"
cp "$T/f.json" "$T/f.before"
serve f "$pf" short ECDHE-RSA-AES128-GCM-SHA256
nightly f1 "$T/f.json" "127.0.0.1:$pf"
end=$(date -u -d "$(openssl x509 -enddate -noout -in "$T/short.crt" | cut -d= -f2)" +%Y-%m-%dT%H:%M:%SZ)
# the other change is the certificate's fingerprint (info)
exp="REGRESSION  127.0.0.1:$pf: its certificate expires in 5 days (notAfter $end; --expiry-warn 14) (+1 more change)"
[ $rc -eq 3 ] && [ "$(head -1 "$T/mail-f1.txt")" = "$exp" ]
tap_check $? "expires in 5 days: exit 3 (got $rc): $(head -1 "$T/mail-f1.txt")"
"$CIPHERPROBE" diff -q --expiry-warn 3 "$T/f.before" "$T/last-f1.json" >"$T/diff-f.txt" 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s "$T/diff-f.txt" ]
tap_check $? "diff --expiry-warn 3 -q: not inside the window: exit 0 (got $rc), silent"

# ---- a certificate the profile blocks (untrusted: block-untrusted-issuer)
serve f "$pf" rogue ECDHE-RSA-AES128-GCM-SHA256
cp "$T/f.json" "$T/g.before"
nightly g1 "$T/f.json" "127.0.0.1:$pf"
"$CIPHERPROBE" diff -v "$T/g.before" "$T/last-g1.json" >"$T/diff-g.txt" 2>&1
grep -qx '    REGRESSION  its certificate is now blocked: the certificate is self-signed and the profile has block-untrusted-issuer on' "$T/diff-g.txt"
tap_check $? "an untrusted certificate: exit 3 (got $rc), the certificate cause is a regression (-v)"
integ_end
