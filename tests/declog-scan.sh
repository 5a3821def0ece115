#!/bin/bash
# SPDX-License-Identifier: MIT
# --from-decryption-log: a PAN-OS decryption-log export (raw and GUI
# column names) whose server-side failures point at servers on loopback.
# Each failing server is scanned once, with its failure count; client-side
# and certificate rows are left out; a bad row becomes one error record
# naming its row and the run goes on.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/..}/tests/integ/lib.sh"
integ_begin "$@"

integ_start_openssl sha1 rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA
tap_check $? "SHA1-only server up"
p=$SRV_PORT
cat >"$INTEG_TMP/raw.csv" <<CSV
receive_time,sni,dst,dport,err_index,error,tls_version
2026/11/27 10:00:01,sha1.test,127.0.0.1,$p,Cipher,Received fatal alert HandshakeFailure from server,TLS1.2
2026/11/27 10:00:02,SHA1.test,127.0.0.1,$p,Cipher,Received fatal alert HandshakeFailure from server,TLS1.2
2026/11/27 10:00:03,client.test,127.0.0.1,$p,Protocol,Received fatal alert CertificateUnknown from client,TLS1.2
2026/11/27 10:00:04,expired.test,127.0.0.1,$p,Certificate,Certificate expired,TLS1.2
2026/11/27 10:00:05,bad.test,127.0.0.1,99999,Cipher,Received fatal alert HandshakeFailure from server,TLS1.2
CSV
printf '\xef\xbb\xbf"Receive Time","Server Name Indication","Destination address","Destination Port","Error Index","Error"\r\n"2026/11/27 10:00:01","sha1.test","127.0.0.1","%s","Cipher","Received fatal alert HandshakeFailure from server, again"\r\n' \
	"$p" >"$INTEG_TMP/gui.csv"

field() {
	"$PYTHON" -c 'import json,sys
d=json.load(open(sys.argv[1])); t=d["targets"]
print(json.dumps(eval(sys.argv[2])))' "$out" "$1" 2>&1
}

out="$INTEG_TMP/raw.json"
integ_scan "$out" --no-groups --no-preference --from-decryption-log "$INTEG_TMP/raw.csv"
rc=$?
[ "$(field 'len(t)')" = 2 ]
tap_check $? "two records: one failing server (duplicates merged), one bad row (got $(field 'len(t)'))"
[ "$(field 't[0]["sni"], t[0]["log"]["failures"], [c["id"] for p in t[0]["protocols"] for c in p["ciphers"]]')" = \
	'["sha1.test", 2, ["0xC013"]]' ]
tap_check $? "the server is scanned as the firewall reached it, with its failure count: $(field 't[0]["sni"], t[0]["log"]')"
[ "$(field 't[1]["status"], t[1]["error"]["kind"]')" = '["error", "input"]' ] &&
	field 't[1]["error"]["message"]' | grep -q 'row 6'
tap_check $? "the bad row is an error record naming its row: $(field 't[1]["error"]["message"]')"
[ $rc -eq 2 ]
tap_check $? "exit status 2: a row could not be scanned (got $rc)"
grep -q '5 rows' "$out.err"
tap_check $? "the run says what it read: $(head -1 "$out.err")"

out="$INTEG_TMP/gui.json"
integ_scan "$out" --no-groups --no-preference --from-decryption-log "$INTEG_TMP/gui.csv"
[ "$(field 'len(t), t[0]["status"], t[0]["log"]["error"]')" = \
	'[1, "ok", "Received fatal alert HandshakeFailure from server, again"]' ]
tap_check $? "GUI export (BOM, CRLF, quoted commas) read by display names"

integ_scan "$out" --from-decryption-log "$INTEG_TMP/none.csv"
rc=$?
[ $rc -eq 66 ]
tap_check $? "a missing log file exits 66 (got $rc)"
integ_end
