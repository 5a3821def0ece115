#!/bin/bash
# SPDX-License-Identifier: MIT
# --from-decryption-log: a PAN-OS decryption-log export (raw and GUI
# column names) whose server-side failures point at servers on loopback.
# Each failing server is scanned once, with its failure count; client-side
# and certificate rows are left out; a bad row becomes one error record
# naming its row and the run goes on.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
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
[ "$(field 'len(t)')" = 3 ]
tap_check $? "three records: the failing server (duplicates merged), the certificate failure, one bad row (got $(field 'len(t)'))"
[ "$(field 't[0]["sni"], t[0]["log"]["failures"], [c["id"] for p in t[0]["protocols"] for c in p["ciphers"]]')" = \
	'["sha1.test", 2, ["0xC013"]]' ]
tap_check $? "the server is scanned as the firewall reached it, with its failure count: $(field 't[0]["sni"], t[0]["log"]')"
[ "$(field 't[1]["sni"], t[1]["log"]["failures"], t[1]["log"]["error"]')" = '["expired.test", 1, "Certificate expired"]' ]
tap_check $? "a certificate failure is the server's, kept for the verdict's certificate axis: $(field 't[1]["sni"], t[1]["log"]')"
[ "$(field 't[2]["status"], t[2]["error"]["kind"]')" = '["error", "input"]' ] &&
	field 't[2]["error"]["message"]' | grep -q 'row 6'
tap_check $? "the bad row is an error record naming its row: $(field 't[2]["error"]["message"]')"
[ $rc -eq 2 ]
tap_check $? "exit status 2: a row could not be scanned (got $rc)"
grep -q '5 rows' "$out.err"
tap_check $? "the run says what it read: $(head -1 "$out.err")"

out="$INTEG_TMP/gui.json"
integ_scan "$out" --no-groups --no-preference --from-decryption-log "$INTEG_TMP/gui.csv"
[ "$(field 'len(t), t[0]["status"], t[0]["log"]["error"]')" = \
	'[1, "ok", "Received fatal alert HandshakeFailure from server, again"]' ]
tap_check $? "GUI export (BOM, CRLF, quoted commas) read by display names"

# Syslog form, fields placed by the documented "Decryption Log Fields"
# order (0-based: 1 Receive Time, 3 Type, 6 Generate Time, 8 Destination
# Address, 25 Destination Port, 45 Error Index, 63 Server Name Indication,
# 64 Error; 106 fields in PAN-OS 10.1 and later)
panline() { # generate-time dst dport err_index sni error
	local f=() i
	for ((i = 0; i < 106; i++)); do f[i]=; done
	f[0]=1 f[1]="$1" f[2]=013201001234 f[3]=DECRYPTION f[4]=start f[5]=11.1 f[6]="$1"
	f[8]=$2 f[25]=$3 f[39]=TLS1.2 f[45]=$4 f[63]=$5 f[64]=$6
	(IFS=,; echo "${f[*]}")
}
{
	echo "<14>Dec  3 10:00:00 fw01 $(panline '2026/12/03 10:00:00' 127.0.0.1 "$p" Cipher sha1.test 'Received fatal alert HandshakeFailure from server')"
	echo "garbage in the middle"
	echo "<14>1 2026-12-03T11:00:00Z fw01 - - - - $(panline '2026/12/03 11:00:00' 127.0.0.1 "$p" Cipher sha1.test 'Received fatal alert HandshakeFailure from server')"
	echo "<14>Dec  3 11:30:00 fw01 1,2026/12/03 11:30:00,013201001234,TRAFFIC,end,2561,2026/12/03 11:30:00,10.0.0.1,127.0.0.1"
} >"$INTEG_TMP/fw.log"
out="$INTEG_TMP/syslog.json"
integ_scan "$out" --no-groups --no-preference --from-decryption-log "$INTEG_TMP/fw.log"
[ "$(field 'len(t), t[0]["sni"], t[0]["log"]["failures"], t[0]["log"]["first_seen"], t[0]["log"]["last_seen"], [c["id"] for p in t[0]["protocols"] for c in p["ciphers"]]')" = \
	'[2, "sha1.test", 2, "2026-12-03T10:00:00", "2026-12-03T11:00:00", ["0xC013"]]' ]
tap_check $? "syslog lines: the server found, scanned once with its failures and times: $(field 't[0]["log"]')"
field 't[1]["error"]["message"]' | grep -q 'fw.log:2: row 2: not a PAN-OS syslog line'
tap_check $? "the garbage line is named by file and line: $(field 't[1]["error"]["message"]')"
grep -q '4 rows (syslog).* 1 rows of other log types skipped, 1 bad rows' "$out.err"
tap_check $? "the summary counts read, skipped and bad rows: $(head -1 "$out.err")"
integ_scan "$out" --log-format syslog-9.0 --from-decryption-log "$INTEG_TMP/fw.log"
rc=$?
[ $rc -eq 64 ] && grep -q 'unknown log format' "$out.err"
tap_check $? "an unknown --log-format is a usage error (got $rc)"

integ_scan "$out" --from-decryption-log "$INTEG_TMP/none.csv"
rc=$?
[ $rc -eq 66 ]
tap_check $? "a missing log file exits 66 (got $rc)"
integ_end
