#!/bin/bash
# SPDX-License-Identifier: MIT
# --from-panos-logs: the decryption log read from a firewall's XML API as
# a log query job (submit, poll until FIN, read the entries), played by
# tests/servers/fakehttp.py on loopback, its entries pointing at an
# openssl s_server on 127.0.0.1.  The failing server is scanned once with
# its failure count; a firewall error reply and a job that never finishes
# end the run with a message naming the firewall.  Expectations written
# from the PAN-OS log API's reply forms, not from cipherprobe.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
KEY='LUFRPT1-secret-log-key=='
# receive_time is compared in the firewall's zone; both sides agree on UTC
export TZ=UTC

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=cipherprobe-test-CA \
	-keyout "$T/ca.key" -out "$T/ca.pem" >/dev/null 2>&1 &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$T/srv.key" \
		-out "$T/srv.csr" >/dev/null 2>&1 &&
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$T/ext" &&
	openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
		-days 2 -extfile "$T/ext" -out "$T/srv.pem" >/dev/null 2>&1
tap_check $? "test CA and server certificate made"
cp "$T/srv.pem" "$T/rsa.crt" && cp "$T/srv.key" "$T/rsa.key"

integ_start_openssl sha1 rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA
tap_check $? "SHA1-only server up"
p=$SRV_PORT

# five entries, as the API's <entry> records: two server-side cipher
# failures of one site (one with the older err_index and time_generated
# names), a client-side one and a certificate one (both left out), and one
# with a port no server can have (a bad entry, the 5th)
cat >"$T/entries.xml" <<XML
<entry logid="7001"><receive_time>2026/11/27 10:00:01</receive_time><sni>sha1.test</sni><dst>127.0.0.1</dst><dport>$p</dport><error_index>Cipher</error_index><error>Received fatal alert HandshakeFailure from server</error><tls_version>TLS1.2</tls_version></entry>
<entry logid="7002"><time_generated>2026/11/27 10:05:00</time_generated><sni>SHA1.test</sni><dst>127.0.0.1</dst><dport>$p</dport><err_index>Cipher</err_index><error>Received fatal alert HandshakeFailure from server</error></entry>
<entry logid="7003"><receive_time>2026/11/27 10:06:00</receive_time><sni>client.test</sni><dst>127.0.0.1</dst><dport>$p</dport><error_index>Protocol</error_index><error>Received fatal alert CertificateUnknown from client</error></entry>
<entry logid="7004"><receive_time>2026/11/27 10:07:00</receive_time><sni>expired.test</sni><dst>127.0.0.1</dst><dport>$p</dport><error_index>Certificate</error_index><error>Certificate expired</error></entry>
<entry logid="7005"><receive_time>2026/11/27 10:08:00</receive_time><sni>bad.test</sni><dst>127.0.0.1</dst><dport>99999</dport><error_index>Cipher</error_index><error>Received fatal alert HandshakeFailure from server</error></entry>
XML

"$PYTHON" "$top_srcdir/tests/servers/fakehttp.py" --port-file "$T/http.port" --cert "$T/srv.pem" \
	--key "$T/srv.key" --mode panos --api-key "$KEY" --config "$top_srcdir/tests/fetch/panos-config.xml" \
	--record "$T/requests.jsonl" --log-entries "$T/entries.xml" --log-job-file "$T/job" \
	--max-seconds 120 >"$T/http.log" 2>&1 &
integ_track "$!"
for _ in $(seq 200); do [ -s "$T/http.port" ] && break; sleep 0.05; done
hp=$(cat "$T/http.port" 2>/dev/null)
[ -n "$hp" ]
tap_check $? "fake firewall listening on 127.0.0.1:${hp:-?}"

printf '%s\n' "$KEY" >"$T/key"
chmod 600 "$T/key"
field() {
	"$PYTHON" -c 'import json,sys
d=json.load(open(sys.argv[1])); t=d["targets"]
print(json.dumps(eval(sys.argv[2])))' "$out" "$1" 2>&1
}
# requests EXPR: EXPR over the recorded log requests (type=log; r: their
# list, q: each one's parsed query, in order); n: all requests so far
requests() {
	"$PYTHON" -c 'import json,sys,urllib.parse as u
a=[json.loads(l) for l in open(sys.argv[1])]
n=len(a)
r=[x for x in a if u.parse_qs(u.urlsplit(x["path"]).query).get("type")==["log"]]
q=[u.parse_qs(u.urlsplit(x["path"]).query) for x in r]
print(json.dumps(eval(sys.argv[2])))' "$T/requests.jsonl" "$1" 2>&1
}

printf 'ok\n' >"$T/job"
out="$T/logs.json"
integ_scan "$out" --no-groups --no-preference --panos-host "127.0.0.1:$hp" --panos-key-file "$T/key" \
	--cacert "$T/ca.pem" --ca-file "$T/ca.pem" --profile-name Corp --from-panos-logs --since 2h
rc=$?
[ "$(field 'len(t)')" = 3 ]
tap_check $? "three records: the failing server (two entries merged), the certificate failure, one bad entry (got $(field 'len(t)'); $(head -1 "$out.err"))"
[ "$(field 't[0]["host"], t[0]["port"], t[0]["sni"], t[0]["log"]["failures"], [c["id"] for p in t[0]["protocols"] for c in p["ciphers"]]')" = \
	"[\"127.0.0.1\", $p, \"sha1.test\", 2, [\"0xC013\"]]" ]
tap_check $? "the server is scanned as the firewall reached it, with its failure count: $(field 't[0]["input"], t[0]["log"]')"
[ "$(field 't[0]["verdict"]["fix"]["changes"]')" = '["auth-algo-sha1"]' ]
tap_check $? "--profile-name Corp still reads the profile from the same firewall: fix auth-algo-sha1"
[ "$(field 't[1]["sni"], t[1]["log"]["failures"]')" = '["expired.test", 1]' ]
tap_check $? "a certificate failure is kept for the verdict's certificate axis: $(field 't[1]["sni"], t[1]["log"]')"
[ "$(field 't[2]["status"], t[2]["error"]["kind"]')" = '["error", "input"]' ] &&
	field 't[2]["error"]["message"]' | grep -q 'decryption log: row 5'
tap_check $? "the bad entry is an error record naming it: $(field 't[2]["error"]["message"]')"
[ $rc -eq 2 ]
tap_check $? "exit status 2: an entry could not be scanned (got $rc)"
grep -q '5 entries, 3 server-side failures on 2 targets, 1 entries of other failures left out, 1 bad' "$out.err"
tap_check $? "the run says what it read: $(head -1 "$out.err")"

[ "$(requests '[[x.get("type"), x.get("log-type"), x.get("nlogs"), x.get("action"), x.get("job-id")] for x in q[:3]]')" = \
	'[[["log"], ["decryption"], ["5000"], null, null], [["log"], null, null, ["get"], ["1"]], [["log"], null, null, ["get"], ["1"]]]' ]
tap_check $? "submit (decryption, nlogs 5000), then job 1 polled until FIN (ACT first): $(requests '[x["path"][:60] for x in r]')"
requests 'q[0]["query"][0]' | "$PYTHON" -c 'import json,sys,datetime as d
s=json.load(sys.stdin); w=(d.datetime.utcnow()-d.timedelta(hours=2)).strftime("%Y/%m/%d %H:%M")
import re; m=re.match(r"\(receive_time geq .(\d{4}/\d\d/\d\d \d\d:\d\d):\d\d.\) and \(", s)
t=d.datetime.strptime(m.group(1), "%Y/%m/%d %H:%M") if m else None
ok=t is not None and abs((t-d.datetime.strptime(w, "%Y/%m/%d %H:%M")).total_seconds())<=600
ok=ok and "(error_index eq Cipher)" in s and "(error_index eq Certificate)" in s and "HSM" not in s
sys.exit(0 if ok else 1)'
tap_check $? "the query: receive_time from 2 h ago (UTC), the handshake and certificate error indexes: $(requests 'q[0]["query"][0]')"
[ "$(requests '" " in r[0]["path"] or "(" in r[0]["path"] or "%28receive_time" not in r[0]["path"]')" = false ]
tap_check $? "the query is URL-encoded in the request"

printf 'error\n' >"$T/job"
out="$T/error.json"
integ_scan "$out" --panos-host "127.0.0.1:$hp" --panos-key-file "$T/key" --cacert "$T/ca.pem" \
	--from-panos-logs
rc=$?
[ $rc -eq 66 ] && grep -q "127.0.0.1:$hp: the firewall refused the log query: Invalid query" "$out.err"
tap_check $? "an error reply: exit 66, the firewall's message quoted: $(head -1 "$out.err")"

printf 'never\n' >"$T/job"
out="$T/never.json"
n0=$(requests 'len(r)')
integ_scan "$out" --panos-host "127.0.0.1:$hp" --panos-key-file "$T/key" --cacert "$T/ca.pem" \
	--from-panos-logs --panos-log-wait 1
rc=$?
[ $rc -eq 66 ] && grep -q "did not finish within 1 s (status ACT); it was stopped" "$out.err"
tap_check $? "a job that never finishes: bounded, exit 66: $(head -1 "$out.err")"
[ "$(requests "[[x.get('action'), x.get('job-id')] for x in q[$n0:]][-1]")" = '[["finish"], ["2"]]' ]
tap_check $? "the abandoned job is stopped with action=finish"

integ_scan "$out" --from-panos-logs --profile panos-default
rc=$?
[ $rc -eq 64 ] && grep -q 'needs --panos-host' "$out.err"
tap_check $? "--from-panos-logs without --panos-host: usage error (got $rc)"
integ_scan "$out" --panos-host "127.0.0.1:$hp" --from-panos-logs --since 7x
rc=$?
[ $rc -eq 64 ] && grep -q "90m, 24h or 7d" "$out.err"
tap_check $? "a bad --since: usage error: $(head -1 "$out.err")"
integ_scan "$out" --since 2h 127.0.0.1:$p
rc=$?
[ $rc -eq 64 ]
tap_check $? "--since without --from-panos-logs: usage error (got $rc)"

! grep -q "$KEY" "$T"/*.json "$T"/*.err && grep -q '"key_in_url": false' "$T/requests.jsonl" &&
	! grep -q '"key_in_url": true' "$T/requests.jsonl"
tap_check $? "the key was never in a URL, an output or a message"
integ_end
