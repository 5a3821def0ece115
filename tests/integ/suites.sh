#!/bin/sh
# SPDX-License-Identifier: MIT
# 'cipherprobe suites': the JSON parses and has the documented fields, the
# filters narrow it, and bad usage exits 64 naming the culprit.  Expected
# values come from the IANA CSV and PANOS.md, not from the program.
: "${CIPHERPROBE:=./cipherprobe}"
: "${top_srcdir:=.}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else notok "$desc"; fi; }

echo "1..12"

"$CIPHERPROBE" suites --json --scsv >"$tmp/all.json" 2>"$tmp/err"
check "suites --json exits 0" test $? -eq 0

check "JSON has every assigned IANA suite, with all fields" python3 - "$tmp/all.json" \
	"$top_srcdir/ciphersuites/iana/tls-cipher-suites.csv" <<'PY'
import csv, json, re, sys
doc = json.load(open(sys.argv[1]))
iana = {}
for r in list(csv.reader(open(sys.argv[2], newline='')))[1:]:
    m = re.fullmatch(r'0x([0-9A-F]{2}),0x([0-9A-F]{2})', r[0])
    if m and not r[1].startswith(('Reserved', 'Unassigned')):
        iana['0x' + m.group(1) + m.group(2)] = r[1]
fields = {'id', 'name', 'openssl_name', 'kx', 'au', 'enc', 'bits', 'mode', 'mac',
          'versions', 'strength', 'panos', 'scsv', 'recommended'}
assert isinstance(doc, list)
assert {o['id']: o['name'] for o in doc} == iana, 'ids/names differ from IANA'
for o in doc:
    assert fields <= set(o), o
    assert o['strength'] in ('null', 'export', 'weak', 'legacy', 'strong')
    assert o['openssl_name'] is None or isinstance(o['openssl_name'], str)
    assert o['versions'] and set(o['versions']) <= {'SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'}
    assert isinstance(o['bits'], int) and isinstance(o['scsv'], bool)
PY

check "0xC013 needs ecdhe + aes-128-cbc + sha1 (PANOS.md)" python3 -c '
import json, sys
d = {o["id"]: o for o in json.load(open(sys.argv[1]))}
o = d["0xC013"]
assert o["name"] == "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"
assert sorted(o["panos"]) == ["auth-algo-sha1", "enc-algo-aes-128-cbc", "keyxchg-algo-ecdhe"]
assert o["versions"] == ["TLSv1.0", "TLSv1.1", "TLSv1.2"]
assert d["0x00FF"]["scsv"] and d["0x5600"]["scsv"]
' "$tmp/all.json"

"$CIPHERPROBE" suites --json >"$tmp/def.json"
check "SCSVs are left out by default" python3 -c '
import json, sys
ids = {o["id"] for o in json.load(open(sys.argv[1]))}
assert "0x00FF" not in ids and "0x5600" not in ids and "0xC013" in ids
' "$tmp/def.json"

"$CIPHERPROBE" suites --json --tls 1.3 >"$tmp/t13.json"
check "--tls 1.3 keeps only TLS 1.3 suites, including 0x1301-0x1303" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d and all("TLSv1.3" in o["versions"] for o in d)
assert {"0x1301", "0x1302", "0x1303"} <= {o["id"] for o in d}
' "$tmp/t13.json"

"$CIPHERPROBE" suites --json --panos auth-algo-sha1 --kx ECDHE >"$tmp/p.json"
check "--panos and --kx combine" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d and all("auth-algo-sha1" in o["panos"] and o["kx"] == "ECDHE" for o in d)
assert "0xC013" in {o["id"] for o in d}
' "$tmp/p.json"

"$CIPHERPROBE" suites --groups --json >"$tmp/g.json"
check "--groups --json: x25519 and X25519MLKEM768" python3 -c '
import json, sys
d = {o["id"]: o for o in json.load(open(sys.argv[1]))}
assert d[29]["name"] == "x25519" and d[29]["tls13"] is True
assert d[4588]["name"] == "X25519MLKEM768" and d[4588]["kind"] == "hybrid"
assert all({"id", "name", "kind", "bits", "tls13"} <= set(o) for o in d.values())
' "$tmp/g.json"

"$CIPHERPROBE" suites --bogus >/dev/null 2>"$tmp/err"
rc=$?
check "unknown option exits 64" test $rc -eq 64
check "the message names the option" grep -q -- "--bogus" "$tmp/err"

"$CIPHERPROBE" suites --strength medium >/dev/null 2>"$tmp/err"
rc=$?
check "bad --strength value exits 64 naming it" sh -c "test $rc -eq 64 && grep -q medium '$tmp/err'"

"$CIPHERPROBE" suites --help >"$tmp/help"
check "--help prints usage and exits 0" sh -c "test $? -eq 0 && grep -q 'usage: cipherprobe suites' '$tmp/help'"

# Writing to a closed stdout must fail loudly, not exit 0.
if [ -w /dev/full ]; then
	"$CIPHERPROBE" suites >/dev/full 2>"$tmp/err"
	rc=$?
	check "write error gives a non-zero exit and a message" sh -c "test $rc -ne 0 && test -s '$tmp/err'"
else
	ok "# SKIP no /dev/full"
fi
