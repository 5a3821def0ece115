#!/bin/bash
# SPDX-License-Identifier: MIT
# Verdicts end to end against real servers on loopback (issue: proxy
# profiles).  Expected fixes follow PANOS.md's rules: a suite needs its key
# exchange, encryption and hash flags; TLS 1.3 needs max-version tls1-3;
# every fix that needs 3DES, RC4 or MD5 is weak and the host is better left
# undecrypted.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
CORP="$top_srcdir/tests/verdict/corp.set"

integ_start_openssl sha1 rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA
tap_check $? "SHA1-only server up"
sha1=127.0.0.1:$SRV_PORT,sha1.test
integ_start_openssl tls13 rsa -tls1_3
tap_check $? "TLS 1.3-only server up"
tls13=127.0.0.1:$SRV_PORT,tls13.test
integ_start_openssl modern rsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
tap_check $? "modern server up"
modern=127.0.0.1:$SRV_PORT,modern.test
if command -v gnutls-serv >/dev/null && integ_start_gnutls tdes rsa \
	--priority 'NONE:+VERS-TLS1.2:+3DES-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL:+GROUP-ALL'; then
	tap_ok "3DES-only server (gnutls-serv) up"
	tdes=127.0.0.1:$SRV_PORT,tdes.test
else
	tap_not_ok "3DES-only server (gnutls-serv) up"
	tdes=127.0.0.1:1,tdes.test
fi

# v OUT INDEX EXPR: a value of targets[INDEX] (t) / the verdict (v) / the document (d)
v() {
	"$PYTHON" -c 'import json,sys
d=json.load(open(sys.argv[1])); t=d["targets"][int(sys.argv[2])] if int(sys.argv[2]) >= 0 else None
v=t["verdict"] if t else None
print(json.dumps(eval(sys.argv[3])))' "$1" "$2" "$3" 2>&1
}

# Chrome offers no 3DES: through the proxy or not, it fails (say so, do
# not blame the profile).  The "any" client offers every suite PAN-OS can
# decrypt, so the profile alone decides.
out="$INTEG_TMP/chrome.json"
integ_scan "$out" --profile "$CORP" --no-groups --no-preference "$tdes"
[ "$(v "$out" 0 'v["compatible"], v["fix"], v["no_decrypt"]')" = '[false, null, false]' ] &&
	v "$out" 0 'v["reason"]' | grep -q 'without decryption too'
tap_check $? "3DES-only vs Chrome: the browser fails without the proxy too: $(v "$out" 0 'v["reason"]')"

out="$INTEG_TMP/corp.json"
integ_scan "$out" --profile "$CORP" --client any --no-groups --no-preference "$sha1" "$tdes" "$modern"
rc=$?
[ $rc -eq 1 ]
tap_check $? "exit status 1 when a target is incompatible (got $rc)"
[ "$(v "$out" 0 'v["compatible"], v["fix"]["changes"], v["fix"]["weak"], v["no_decrypt"]')" = \
	'[false, ["auth-algo-sha1"], false, false]' ]
tap_check $? "SHA1-only vs Corp: exactly auth-algo-sha1, not weak: $(v "$out" 0 'v["fix"]')"
v "$out" 0 'v["fix"]["commands"]' | grep -q 'set profiles decryption Corp ssl-protocol-settings auth-algo-sha1 yes'
tap_check $? "the fix comes as the set command for profile Corp"
v "$out" 0 'v["reason"]' | grep -q 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'
tap_check $? "the reason names the suite: $(v "$out" 0 'v["reason"]')"
[ "$(v "$out" 1 '"enc-algo-3des" in v["fix"]["changes"], v["fix"]["weak"], v["no_decrypt"]')" = '[true, true, true]' ]
tap_check $? "3DES-only: a weak fix with enc-algo-3des and no_decrypt: $(v "$out" 1 'v["fix"]')"
[ "$(v "$out" 2 'v["compatible"], v["fix"], v["negotiated"]["cipher"]')" = \
	'[true, null, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]' ]
tap_check $? "modern server compatible, negotiating what the replay saw"
[ "$(v "$out" -1 'd["summary"]["recommendation"]["changes"], d["summary"]["recommendation"]["no_decrypt"]')" = \
	'[["auth-algo-sha1"], ["tdes.test"]]' ]
tap_check $? "fleet: auth-algo-sha1 recommended, tdes.test left undecrypted: $(v "$out" -1 'd["summary"]["recommendation"]')"

out="$INTEG_TMP/default.json"
integ_scan "$out" --profile panos-default --no-groups --no-preference "$tls13"
[ "$(v "$out" 0 'v["compatible"], v["fix"]["changes"]')" = '[false, ["max-version=tls1-3"]]' ]
tap_check $? "TLS 1.3-only vs panos-default (max tls1-2): max-version=tls1-3"

out="$INTEG_TMP/verify.json"
integ_scan "$out" --verify --profile "$CORP" --no-groups --no-preference "$sha1" "$modern"
[ "$(v "$out" 0 'v["verified"]')" = true ]
tap_check $? "--verify proves the SHA1 fix with a real handshake: $(v "$out" 0 'v["verify_message"]')"
v "$out" 0 'v["verify_message"]' | grep -q 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'
tap_check $? "the proof names the negotiated suite"
[ "$(v "$out" 1 'v["verified"]')" = null ]
tap_check $? "a compatible target needs no proof"

out="$INTEG_TMP/bad.json"
integ_scan "$out" --profile "$INTEG_TMP/missing.xml" "$modern"
rc=$?
[ $rc -eq 66 ] && grep -q missing.xml "$out.err"
tap_check $? "a missing profile file: exit 66 naming it (got $rc)"
printf '<ssl-protocol-settings><min-version>tls1-3</min-version><max-version>tls1-2</max-version></ssl-protocol-settings>\n' \
	>"$INTEG_TMP/impossible.xml"
integ_scan "$out" --profile "$INTEG_TMP/impossible.xml" "$modern"
rc=$?
[ $rc -eq 65 ] && grep -qi 'min' "$out.err"
tap_check $? "an impossible profile (min above max): exit 65 with a message: $(head -1 "$out.err")"
integ_end
