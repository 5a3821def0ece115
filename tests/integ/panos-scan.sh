#!/bin/bash
# SPDX-License-Identifier: MIT
# The profile straight from a firewall's XML API (--panos-host) and a target
# list over HTTPS (-i URL), against tests/servers/fakehttp.py on loopback
# playing the firewall and the web server, with a test CA made here.  The
# API key travels in a header, never in a URL or a message.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
KEY='LUFRPT1-secret-api-key=='

# a test CA and a server certificate for 127.0.0.1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=cipherprobe-test-CA \
	-keyout "$T/ca.key" -out "$T/ca.pem" >/dev/null 2>&1 &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$T/srv.key" \
		-out "$T/srv.csr" >/dev/null 2>&1 &&
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$T/ext" &&
	openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
		-days 2 -extfile "$T/ext" -out "$T/srv.pem" >/dev/null 2>&1
tap_check $? "test CA and server certificate made"
# the TLS server uses the CA-signed certificate too (integ_cert keeps an
# existing one), so only the protocol settings decide its verdict
cp "$T/srv.pem" "$T/rsa.crt" && cp "$T/srv.key" "$T/rsa.key"

integ_start_openssl sha1 rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA
tap_check $? "SHA1-only server up"
target=127.0.0.1:$SRV_PORT,sha1.test
printf '# from the web\n%s\n127.0.0.1:99999\n' "$target" >"$T/list.txt"

"$PYTHON" "$top_srcdir/tests/servers/fakehttp.py" --port-file "$T/http.port" --cert "$T/srv.pem" \
	--key "$T/srv.key" --mode panos --api-key "$KEY" --config "$top_srcdir/tests/fetch/panos-config.xml" \
	--record "$T/requests.jsonl" --list-file "$T/list.txt" --max-seconds 120 >"$T/http.log" 2>&1 &
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

out="$T/api.json"
integ_scan "$out" --no-groups --no-preference --panos-host "127.0.0.1:$hp" --profile-name Corp \
	--panos-key-file "$T/key" --cacert "$T/ca.pem" --ca-file "$T/ca.pem" "$target"
rc=$?
[ "$(field 't[0]["verdict"]["fix"]["changes"]')" = '["auth-algo-sha1"]' ]
tap_check $? "Corp read from the firewall: SHA1 off there, so the fix is auth-algo-sha1 (rc $rc): $(field 't[0]["verdict"]["reason"]')"
field 't[0]["verdict"]["fix"]["commands"]' | grep -q 'set profiles decryption Corp '
tap_check $? "the fix names the firewall's profile"

out="$T/env.json"
CIPHERPROBE_PANOS_KEY=$KEY integ_scan "$out" --no-groups --no-preference --panos-host "127.0.0.1:$hp" \
	--profile-name Strict --cacert "$T/ca.pem" --ca-file "$T/ca.pem" "$target"
[ "$(field 't[0]["verdict"]["compatible"], t[0]["verdict"]["fix"]["changes"]')" = '[false, ["min-version=tls1-2"]]' ]
tap_check $? "the key from CIPHERPROBE_PANOS_KEY; shared profile Strict (TLS 1.3 only) needs min-version=tls1-2: $(field 't[0]["verdict"]["fix"]')"

out="$T/missing.json"
integ_scan "$out" --panos-host "127.0.0.1:$hp" --profile-name Nope --panos-key-file "$T/key" \
	--cacert "$T/ca.pem" "$target"
rc=$?
[ $rc -eq 65 ] && grep -q "Corp" "$out.err"
tap_check $? "an unknown profile: exit 65, the message lists those that exist: $(head -1 "$out.err")"

printf 'wrong-key\n' >"$T/badkey"
chmod 600 "$T/badkey"
out="$T/denied.json"
integ_scan "$out" --panos-host "127.0.0.1:$hp" --profile-name Corp --panos-key-file "$T/badkey" \
	--cacert "$T/ca.pem" "$target"
rc=$?
[ $rc -eq 65 ] && grep -q 403 "$out.err" && ! grep -q wrong-key "$out.err" "$out"
tap_check $? "a refused key: exit 65, HTTP 403 said, the key never printed: $(head -1 "$out.err")"

chmod 644 "$T/key"
integ_scan "$out" --panos-host "127.0.0.1:$hp" --profile-name Corp --panos-key-file "$T/key" \
	--cacert "$T/ca.pem" "$target"
rc=$?
[ $rc -eq 65 ] && grep -q 'chmod 600' "$out.err"
tap_check $? "a key file others can read is refused: $(head -1 "$out.err")"
chmod 600 "$T/key"

integ_scan "$out" --panos-host "127.0.0.1:$hp" --profile-name Corp --panos-key-file "$T/key" "$target"
rc=$?
[ $rc -eq 65 ] && grep -qi 'certificate' "$out.err"
tap_check $? "without --cacert the firewall's certificate is not trusted: $(head -1 "$out.err")"

! grep -q "$KEY" "$T"/*.json "$T"/*.err && grep -q '"key_in_url": false' "$T/requests.jsonl" &&
	! grep -q '"key_in_url": true' "$T/requests.jsonl"
tap_check $? "the key was never in a URL, an output or a message"

out="$T/list.json"
integ_scan "$out" --profile panos-default --no-groups --no-preference --cacert "$T/ca.pem" \
	-i "https://127.0.0.1:$hp/list/token-abc"
[ "$(field '[x["status"] for x in t], t[0]["sni"], t[1]["error"]["kind"], t[1]["line"]')" = \
	'[["ok", "error"], "sha1.test", "input", 3]' ]
tap_check $? "-i URL: the fetched list is scanned line by line, errors with their line"
! grep -q token-abc "$out" "$out.err"
tap_check $? "the list URL's path (it may hold a token) is not echoed"

integ_scan "$out" -i "https://127.0.0.1:$hp/status/404" --cacert "$T/ca.pem"
rc=$?
[ $rc -eq 66 ] && grep -q 404 "$out.err"
tap_check $? "a list URL answering 404: exit 66 with the status: $(head -1 "$out.err")"
integ_end
