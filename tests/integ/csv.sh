#!/bin/bash
# SPDX-License-Identifier: MIT
# scan --csv / --csv-suites against loopback servers: the columns and
# values (written by hand from each server's configuration and the
# documented panos-recommended profile), RFC 4180 framing parsed by
# Python's csv module, input order, the formula-injection guard on a
# hostile target and SNI, atomic writes and the refusals.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
# the self-signed test certificate as a trusted root, so that only the
# suites decide the verdicts
SCAN=(--no-groups --no-preference --ca-file "$T/rsa.crt")

# gcm: ECDHE-GCM and RSA-kx CBC-SHA1 (TLS 1.2 only): compatible through
# panos-recommended (Chrome offers 0xC02F, the profile allows it); 0x002F is
# not allowed (no RSA key exchange, no SHA1).
integ_start_openssl gcm rsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA
tap_check $? "server gcm up (TLS 1.2: 0xC02F, 0x002F)"
p_gcm=$SRV_PORT
# sha1: ECDHE CBC-SHA1 only: incompatible, fixed by auth-algo-sha1 (the
# profile blocks the suite axis)
integ_start_openssl sha1 rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA
tap_check $? "server sha1 up (TLS 1.2: 0xC013)"
p_sha1=$SRV_PORT
# dhe: DHE only, which Chrome does not offer: the client blocks, so the
# browser fails without decryption too
dh=$(integ_dhparam ffdhe2048)
integ_start_openssl dhe rsa -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256 -dhparam "$dh"
tap_check $? "server dhe up (TLS 1.2: 0x009E)"
p_dhe=$SRV_PORT
refused=$("$PYTHON" "$INTEG_DIR/netutil.py" free-port)

cat >"$T/list.txt" <<EOF
127.0.0.1:$p_gcm
127.0.0.1:$p_sha1
127.0.0.1:$p_dhe
127.0.0.1:$refused
=cmd|' /C calc'!A0
127.0.0.1:$p_gcm,-evil.example
127.0.0.1:$refused,@SUM(1+1)
EOF
before=$(date -u +%s)
integ_scan "$T/scan.json" "${SCAN[@]}" -i "$T/list.txt" --csv "$T/targets.csv" \
	--csv-suites "$T/suites.csv"
rc=$?
after=$(date -u +%s)
# exit 2: the refused and unparsable targets are scan errors
[ $rc -eq 2 ] && [ -s "$T/targets.csv" ] && [ -s "$T/suites.csv" ]
tap_check $? "scan with --csv and --csv-suites wrote both files (exit $rc, 2 expected)"
[ $rc -eq 2 ] || head -20 "$T/scan.json.err" | tap_diag

notafter=$(openssl x509 -in "$T/rsa.crt" -noout -enddate | sed 's/^notAfter=//')

check() { # check NAME PYTHON-ASSERTIONS: the CSVs loaded as t (targets) and s (suites)
	local name=$1
	"$PYTHON" - "$T" "$p_gcm" "$p_sha1" "$p_dhe" "$refused" "$before" "$after" "$notafter" \
		>"$T/check.log" 2>&1 <<EOF
import csv, sys, re, datetime, calendar
T, pg, ps, pd, pr, before, after, notafter = sys.argv[1:9]
before, after = int(before), int(after)
def load(p):
    raw = open(p, 'rb').read()
    with open(p, newline='') as f:
        rows = list(csv.reader(f, strict=True))
    return raw, rows
traw, trows = load(T + '/targets.csv')
sraw, srows = load(T + '/suites.csv')
th, t = trows[0], [dict(zip(trows[0], r)) for r in trows[1:]]
sh, s = srows[0], [dict(zip(srows[0], r)) for r in srows[1:]]
$2
EOF
	local st=$?
	[ $st -eq 0 ] || tap_diag "$T/check.log"
	tap_check $st "$name"
}

check "header rows name the documented columns, in order" '
assert th == ["target","host","port","sni","address","status","error_kind","error","versions",
              "suites_accepted","weakest_suite","verdict","fix","fix_command","causes",
              "cert_not_after","cert_days_left","scanned_at"], th
assert sh == ["target","host","port","address","version","suite","id","strength","allowed"], sh
assert all(len(r) == len(th) for r in trows), [len(r) for r in trows]
assert all(len(r) == len(sh) for r in srows)
'

check "RFC 4180 framing: every record ends in CRLF, no bare LF outside quotes" '
for raw in (traw, sraw):
    assert raw.endswith(b"\r\n")
    # outside quoted cells every LF follows a CR
    inq = False
    prev = None
    for c in raw:
        if c == 0x22:
            inq = not inq
        elif c == 0x0A and not inq:
            assert prev == 0x0D, "bare LF"
        prev = c
'

check "one target row per input line, in input order" '
assert [r["target"] for r in t] == ["127.0.0.1:" + pg, "127.0.0.1:" + ps, "127.0.0.1:" + pd,
    "127.0.0.1:" + pr, "\x27=cmd|\x27 /C calc\x27!A0", "127.0.0.1:%s,-evil.example" % pg,
    "127.0.0.1:%s,@SUM(1+1)" % pr], [r["target"] for r in t]
'

check "gcm: ok, TLSv1.2, 2 suites, weakest is the CBC-SHA1 one, compatible, no fix" '
r = t[0]
assert (r["host"], r["port"], r["sni"], r["address"]) == ("127.0.0.1", pg, "", "127.0.0.1"), r
assert (r["status"], r["error_kind"], r["error"]) == ("ok", "", ""), r
assert r["versions"] == "TLSv1.2", r
assert r["suites_accepted"] == "2", r
assert r["weakest_suite"] == "TLS_RSA_WITH_AES_128_CBC_SHA", r
assert r["verdict"] == "compatible", r
assert (r["fix"], r["fix_command"], r["causes"]) == ("", "", ""), r
'

check "sha1: incompatible, fix auth-algo-sha1 with its set command, cause suite:profile" '
r = t[1]
assert r["versions"] == "TLSv1.2" and r["suites_accepted"] == "1", r
assert r["weakest_suite"] == "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", r
assert r["verdict"] == "incompatible", r
assert r["fix"] == "auth-algo-sha1", r
cmds = r["fix_command"].split("\n")
assert any(c.startswith("set ") and c.endswith("auth-algo-sha1 yes") for c in cmds), cmds
assert r["causes"] == "suite:profile", r
'

check "dhe: fails-without-decryption (the client offers no DHE suite)" '
r = t[2]
assert r["status"] == "ok" and r["weakest_suite"] == "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", r
assert r["verdict"] == "fails-without-decryption", r
assert "suite:client" in r["causes"].split(), r
assert r["fix"] == "", r
'

check "errors: status error with kind and message, verdict none, empty scan columns" '
r = t[3]
assert (r["status"], r["error_kind"], r["verdict"]) == ("error", "refused", "none"), r
assert r["error"] != "" and r["versions"] == "" and r["suites_accepted"] == "0", r
assert r["cert_not_after"] == "" and r["cert_days_left"] == "", r
r = t[4]
assert (r["status"], r["error_kind"], r["port"]) == ("error", "input", ""), r
'

check "formula guard: hostile target and SNI cells start with a single quote" '
assert t[4]["target"].startswith("\x27=cmd|"), t[4]
assert t[5]["sni"] == "\x27-evil.example", t[5]
assert t[6]["target"] == "127.0.0.1:%s,@SUM(1+1)" % pr, t[6]
assert t[6]["sni"] in ("", "\x27@SUM(1+1)"), t[6]
# no cell of either file starts with a formula character unguarded
for rows in (trows, srows):
    for row in rows:
        for c in row:
            assert not c or c[0] not in "=+-@\t\r", row
# the raw bytes quote the guarded cells
assert b"\"\x27=cmd|\x27 /C calc\x27!A0\"" in traw
'

check "certificate columns: notAfter of the served certificate, 1 day left, scanned_at in the run" '
want = datetime.datetime.strptime(notafter, "%b %d %H:%M:%S %Y GMT")
for r in t[:3]:
    assert r["cert_not_after"] == want.strftime("%Y-%m-%dT%H:%M:%SZ"), (r["cert_not_after"], want)
    # integ_cert makes it valid for 2 days, from just now: 1 whole day left
    assert r["cert_days_left"] == "1", r
for r in t:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["scanned_at"]), r
    at = calendar.timegm(datetime.datetime.strptime(r["scanned_at"], "%Y-%m-%dT%H:%M:%SZ").timetuple())
    assert before <= at <= after, (before, at, after)
'

check "suite rows: one per accepted (version, suite), with id, strength and allowed" '
rows = [(r["target"], r["version"], r["suite"], r["id"], r["strength"], r["allowed"]) for r in s]
g, h, d = "127.0.0.1:" + pg, "127.0.0.1:" + ps, "127.0.0.1:" + pd
e = "127.0.0.1:%s,-evil.example" % pg
want = {
    (g, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "0xC02F", "strong", "yes"),
    (g, "TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA", "0x002F", "legacy", "no"),
    (h, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "0xC013", "legacy", "no"),
    (d, "TLSv1.2", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "0x009E", "strong", "yes"),
    (e, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "0xC02F", "strong", "yes"),
    (e, "TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA", "0x002F", "legacy", "no"),
}
assert set(rows) == want and len(rows) == len(want), sorted(set(rows) ^ want)
# input order: targets appear in the order of the list
order = [r[0] for r in rows]
assert order == sorted(order, key=[g, h, d, e].index), order
assert all(r["port"] and r["address"] == "127.0.0.1" for r in s)
'

# --no-verdict: no profile, so "allowed" and the verdict columns are empty/none
integ_scan "$T/nv.json" "${SCAN[@]}" --no-verdict --csv "$T/nv.csv" --csv-suites "$T/nvs.csv" \
	"127.0.0.1:$p_sha1"
"$PYTHON" - "$T" <<'EOF' >"$T/nv.log" 2>&1
import csv, sys
t = list(csv.DictReader(open(sys.argv[1] + '/nv.csv', newline='')))
s = list(csv.DictReader(open(sys.argv[1] + '/nvs.csv', newline='')))
assert len(t) == 1 and t[0]["verdict"] == "none" and t[0]["fix"] == "" and t[0]["causes"] == "", t
assert len(s) == 1 and s[0]["id"] == "0xC013" and s[0]["allowed"] == "", s
EOF
st=$?
[ $st -eq 0 ] || tap_diag "$T/nv.log"
tap_check $st "--no-verdict: verdict none, the allowed column empty"

# --csv - needs the main output elsewhere; a CSV that cannot be written
# fails the run (73) and leaves nothing behind
timeout 60 "$CIPHERPROBE" scan -q --csv - "127.0.0.1:$p_gcm" >"$T/dash.out" 2>"$T/dash.err"
rc=$?
[ $rc -eq 64 ] && grep -q "cipherprobe scan: --csv - needs -o FILE" "$T/dash.err" && [ ! -s "$T/dash.out" ]
tap_check $? "--csv - with the report on standard output is refused (exit $rc, 64 expected)"
timeout 60 "$CIPHERPROBE" scan -q "${SCAN[@]}" --json -o "$T/dash.json" --csv - "127.0.0.1:$p_gcm" \
	>"$T/dash.csv" 2>"$T/dash.err"
rc=$?
[ $rc -eq 0 ] && head -1 "$T/dash.csv" | grep -q '^target,host,port,sni,' &&
	[ "$(wc -l <"$T/dash.csv")" -eq 2 ]
tap_check $? "--csv - with -o FILE writes the CSV to standard output (exit $rc)"
integ_validate "$T/dash.json"
timeout 60 "$CIPHERPROBE" scan -q --csv "$T/no/such/dir/x.csv" "127.0.0.1:$p_gcm" >/dev/null 2>"$T/nodir.err"
rc=$?
[ $rc -eq 73 ] && grep -q "cipherprobe scan: cannot write $T/no/such/dir/x.csv" "$T/nodir.err"
tap_check $? "an unwritable --csv path exits 73 naming it (exit $rc)"
ls "$T"/.targets.csv* "$T"/targets.csv.* >/dev/null 2>&1
[ $? -ne 0 ]
tap_check $? "no temporary CSV files left beside the outputs"

integ_end
