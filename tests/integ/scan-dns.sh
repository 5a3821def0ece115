#!/bin/bash
# SPDX-License-Identifier: MIT
# Names through --resolver: a stub DNS server on loopback (tests/stubdns)
# answers A, AAAA, NXDOMAIN, SERVFAIL, NODATA and never-answering names; the
# scan must resolve asynchronously, send the name as SNI, give each failing
# name its own "dns" error record, honour -6 and --all-addresses, and never
# ask the machine's resolver.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"

STUBDNS="$top_builddir/tests/stubdns"
zone="$INTEG_TMP/zone"
cat >"$zone" <<'ZONE'
good.test      A 127.0.0.1
multi.test     A 127.0.0.1
multi.test     A 127.0.0.2
v6.test        AAAA ::1
nx.test        NXDOMAIN
servfail.test  SERVFAIL
nodata.test    NODATA
silent.test    TIMEOUT
ZONE
"$STUBDNS" --zone "$zone" --port-file "$INTEG_TMP/dns.port" --stats "$INTEG_TMP/dns.stats" \
	--max-seconds 120 >"$INTEG_TMP/dns.log" 2>&1 &
integ_track "$!"
# a loaded machine (make -j2 check) may take a while to start it
for _ in $(seq 400); do [ -s "$INTEG_TMP/dns.port" ] && break; sleep 0.05; done
dnsport=$(cat "$INTEG_TMP/dns.port" 2>/dev/null)
[ -n "$dnsport" ]
tap_check $? "stub DNS server listening on 127.0.0.1:${dnsport:-?}"

integ_start_openssl dns rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA
tap_check $? "TLS server up on 127.0.0.1:$SRV_PORT"
p=$SRV_PORT
R="--resolver 127.0.0.1:$dnsport --timeout 3 --connect-timeout 2 --no-groups --no-preference"

# field TARGET_INDEX PYTHON-EXPRESSION-ON-t: print a value from the scan
field() {
	"$PYTHON" -c 'import json,sys
d=json.load(open(sys.argv[1])); t=d["targets"][int(sys.argv[2])]
v=eval(sys.argv[3])
print(" ".join(map(str, v)) if isinstance(v, tuple) else v)' "$out" "$1" "$2" 2>&1
}

out="$INTEG_TMP/names.json"
printf '%s\n' "good.test:$p" "nx.test:$p" "servfail.test:$p" "nodata.test:$p" \
	"silent.test:$p" "multi.test:$p" >"$INTEG_TMP/names.txt"
integ_scan "$out" $R -i "$INTEG_TMP/names.txt"
rc=$?
[ $rc -eq 2 ]
tap_check $? "a list with unresolvable names exits 2 (got $rc)"
[ "$(field 0 't["status"], t["address"], t["sni"]')" = "ok 127.0.0.1 good.test" ]
tap_check $? "good.test resolves through the stub and is sent as SNI: $(field 0 't["status"], t["address"], t["sni"]')"
[ "$(field 0 '[c["id"] for p in t["protocols"] for c in p["ciphers"]]')" = "['0xC013']" ]
tap_check $? "good.test is scanned in full"
for i in 1 2 3 4; do
	k=$(field $i 't["error"]["kind"]')
	[ "$k" = dns ]
	tap_check $? "$(field $i 't["input"]') gives a dns error: $(field $i 't["error"]["message"]')"
done
field 1 't["error"]["message"]' | grep -q NXDOMAIN
tap_check $? "the NXDOMAIN message says so"
[ "$(field 5 't["status"], t["address"]')" = "ok 127.0.0.1" ]
tap_check $? "multi.test scans its first address only by default"
grep -q '^queries [1-9]' "$INTEG_TMP/dns.stats"
tap_check $? "the queries went to the stub ($(head -1 "$INTEG_TMP/dns.stats"))"

out="$INTEG_TMP/all.json"
integ_scan "$out" $R --all-addresses "multi.test:$p"
[ "$(field 0 't["address"], t["status"]')|$(field 1 't["address"], t["status"], t["error"]["kind"]')" = \
	"127.0.0.1 ok|127.0.0.2 error refused" ]
tap_check $? "--all-addresses gives one record per address (127.0.0.2 has no server)"

out="$INTEG_TMP/v6.json"
integ_scan "$out" $R -6 "good.test:$p"
[ "$(field 0 't["error"]["kind"]')" = dns ]
tap_check $? "-6 on a name with only an A record is a dns error"

integ_end
