#!/bin/bash
# SPDX-License-Identifier: MIT
# Hostile strings (issue 12, defects 1 and 2): a profile name that is not
# UTF-8, names with ESC/BEL or a newline that would split a `set` command,
# an unknown JSON key with escape sequences, a firewall whose <msg> and
# profile names hold CR, U+202E and U+009B, and a certificate whose names
# hold a literal backslash-x.  Each must be refused at load naming the
# place, or printed escaped: no raw control or bidi byte on stdout or
# stderr, no command split, every JSON document parses.  Real openssl
# servers and tests/servers/fakehttp.py on loopback.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
CP=$CIPHERPROBE
KEY='LUFRPT1-strings-test-key=='

# clean FILE...: no byte a terminal acts on (C0 but newline, DEL, C1 in
# UTF-8 or raw, U+202x/U+206x bidi controls) and valid UTF-8 throughout
clean() {
	"$PYTHON" - "$@" <<'PY'
import re, sys
bad = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        sys.exit("%s: not UTF-8: %s" % (path, e))
    m = bad.search(text)
    if m:
        sys.exit("%s: raw U+%04X at %d" % (path, ord(m.group()), m.start()))
PY
}
# no line of FILE... starts (after blanks) with WORD
no_line_starting() {
	local w=$1
	shift
	! grep -qE "^[[:space:]]*$w" "$@"
}
jsonok() { "$PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' "$1"; }

integ_start_openssl one rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA
tap_check $? "a SHA1-only server (incompatible with the profiles below) up"
p1=$SRV_PORT
integ_start_openssl two rsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
tap_check $? "a second server up"
p2=$SRV_PORT

# ---- defect 1: a name that is not UTF-8 ----------------------------------
printf 'set profiles decryption Fran\xe7ais ssl-protocol-settings min-version tls1-2\n' >"$T/fr.set"
out=$T/fr.jsonl
timeout 120 "$CP" scan --jsonl --state "$T/s.json" --no-groups --no-preference --profile "$T/fr.set" \
	"127.0.0.1:$p1" "127.0.0.1:$p2" >"$out" 2>"$out.err"
rc=$?
[ $rc -eq 65 ] && grep -q 'fr.set:1: profile name .Fran\\xE7ais. has byte 0xE7' "$out.err" && clean "$out.err"
tap_check $? "Fran\\xe7ais is refused at load with file:line, escaped (rc $rc): $(head -c 300 "$out.err")"
grep -q 'out of memory' "$out.err"
[ $? -ne 0 ]
tap_check $? "no 'out of memory' for a name that is not UTF-8"
for verb in show list; do
	timeout 30 "$CP" profile "$verb" --json "$T/fr.set" >"$T/fr.$verb" 2>"$T/fr.$verb.err"
	rc=$?
	[ $rc -eq 65 ] && clean "$T/fr.$verb.err" && ! grep -q 'out of memory' "$T/fr.$verb.err"
	tap_check $? "profile $verb --json: refused, no out of memory (rc $rc): $(head -c 200 "$T/fr.$verb.err")"
done

# a valid non-ASCII-free name still loads and the run keeps both targets
printf 'set profiles decryption "Corp Web" ssl-protocol-settings auth-algo-sha1 no\n' >"$T/ok.set"
out=$T/ok.json
integ_scan "$out" --no-groups --no-preference --profile "$T/ok.set" "127.0.0.1:$p1" "127.0.0.1:$p2"
"$PYTHON" -c 'import json,sys
d=json.load(open(sys.argv[1])); assert len(d["targets"]) == 2, d["targets"]
c=[x for t in d["targets"] if (t.get("verdict") or {}).get("fix") for x in t["verdict"]["fix"]["commands"]]
assert any("\"Corp Web\"" in x for x in c), c' "$out"
tap_check $? "a name with a space loads; both targets kept; the command quotes it"

# ---- defect 2: ESC/BEL in an SCM JSON name --------------------------------
printf '{"name": "Corp\\u001b[31m\\u001b]0;owned\\u0007", "ssl_protocol_settings": {"min_version": "tls1-2"}}\n' >"$T/esc.json"
for verb in show list; do
	timeout 30 "$CP" profile "$verb" "$T/esc.json" >"$T/esc.$verb" 2>"$T/esc.$verb.err"
	rc=$?
	[ $rc -eq 65 ] && clean "$T/esc.$verb" "$T/esc.$verb.err" && grep -q '\.name' "$T/esc.$verb.err"
	tap_check $? "profile $verb: an ESC/BEL name is refused naming the element, nothing raw (rc $rc): $(head -c 200 "$T/esc.$verb.err")"
done
out=$T/esc.txt
timeout 120 "$CP" scan --no-groups --no-preference --profile "$T/esc.json" "127.0.0.1:$p1" >"$out" 2>"$out.err"
rc=$?
[ $rc -eq 65 ] && clean "$out" "$out.err"
tap_check $? "scan with that profile: refused before any probe, no raw ESC (rc $rc)"

printf '{"name": "Corp", "ssl_protocol_settings": {"\\u001b[2J\\u009b31m\\u202ekey": true}}\n' >"$T/key.json"
timeout 30 "$CP" profile show "$T/key.json" >"$T/key.out" 2>"$T/key.err"
rc=$?
[ $rc -eq 65 ] && clean "$T/key.err" && grep -q '\\x1B\[2J' "$T/key.err"
tap_check $? "an unknown JSON key with escapes is quoted escaped in the error (rc $rc): $(head -c 200 "$T/key.err")"

# ---- defect 2: a PAN-OS XML name that would add a command ------------------
cat >"$T/nl.xml" <<'EOF'
<entry name="Corp&#10;  delete rulebase security rules&#10;  set x">
  <ssl-protocol-settings><min-version>tls1-2</min-version></ssl-protocol-settings>
</entry>
EOF
out=$T/nl.json
integ_scan "$out" --no-groups --no-preference --profile "$T/nl.xml" "127.0.0.1:$p1"
rc=$?
[ $rc -eq 65 ] && grep -q 'nl.xml:1: profile name' "$out.err" && clean "$out" "$out.err" &&
	no_line_starting delete "$out" "$out.err"
tap_check $? "a name with newlines is refused at load with file:line, no 'delete' line (rc $rc): $(head -c 200 "$out.err")"
timeout 30 "$CP" profile show "$T/nl.xml" >"$T/nl.show" 2>"$T/nl.show.err"
rc=$?
[ $rc -eq 65 ] && clean "$T/nl.show" "$T/nl.show.err" && no_line_starting delete "$T/nl.show" "$T/nl.show.err"
tap_check $? "profile show refuses it too (rc $rc)"
for name in 'Corp"x' 'Corp\x' '-lead' "$(printf 'A%.0s' $(seq 64))"; do
	printf 'set profiles decryption %s ssl-protocol-settings min-version tls1-2\n' "$name" >"$T/bad.set"
	timeout 30 "$CP" profile show "$T/bad.set" >/dev/null 2>"$T/bad.err"
	rc=$?
	[ $rc -eq 65 ] && grep -q 'bad.set:1: profile name' "$T/bad.err" && clean "$T/bad.err"
	tap_check $? "name '${name:0:20}' is refused (rc $rc): $(head -c 160 "$T/bad.err")"
done

# ---- defect 2: the firewall's <msg> and listed names -----------------------
# (XML 1.0 has no ESC; a raw CR would be read as a newline, so &#13;)
printf '<response status="error" code="17"><msg><line>line one&#13;spoof\xe2\x80\xae gnp.exe \xc2\x9b31m red</line></msg></response>\n' >"$T/err.xml"
"$PYTHON" "$top_srcdir/tests/servers/fakehttp.py" --port-file "$T/e.port" --cert "$T/rsa.crt" \
	--key "$T/rsa.key" --mode error --error-file "$T/err.xml" --max-seconds 120 >"$T/e.log" 2>&1 &
integ_track "$!"
cat >"$T/cfg.xml" <<'EOF'
<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><profiles><decryption>
<entry name="Evil&#x202E;gnp&#x9B;31m&#13;x"><ssl-protocol-settings/></entry>
</decryption></profiles></entry></vsys></entry></devices></config>
EOF
printf '%s\n' "$KEY" >"$T/key"
chmod 600 "$T/key"
"$PYTHON" "$top_srcdir/tests/servers/fakehttp.py" --port-file "$T/p.port" --cert "$T/rsa.crt" \
	--key "$T/rsa.key" --mode panos --api-key "$KEY" --config "$T/cfg.xml" --max-seconds 120 >"$T/p.log" 2>&1 &
integ_track "$!"
for _ in $(seq 200); do [ -s "$T/e.port" ] && [ -s "$T/p.port" ] && break; sleep 0.05; done
ep=$(cat "$T/e.port" 2>/dev/null)
pp=$(cat "$T/p.port" 2>/dev/null)
[ -n "$ep" ] && [ -n "$pp" ]
tap_check $? "two fake firewalls listening (${ep:-?}, ${pp:-?})"
out=$T/fwmsg.json
integ_scan "$out" --panos-host "127.0.0.1:$ep" --profile-name Corp --panos-key-file "$T/key" \
	--cacert "$T/rsa.crt" "127.0.0.1:$p1"
rc=$?
[ $rc -eq 65 ] && clean "$out.err" && grep -q 'line one\\x0Dspoof\\xE2\\x80\\xAE' "$out.err" &&
	grep -q '\\xC2\\x9B31m' "$out.err" && [ "$(wc -l <"$out.err")" -eq 1 ]
tap_check $? "the firewall's <msg> with CR, U+202E, U+009B: one escaped line (rc $rc): $(head -c 300 "$out.err")"
out=$T/fwlist.json
integ_scan "$out" --panos-host "127.0.0.1:$pp" --profile-name Nope --panos-key-file "$T/key" \
	--cacert "$T/rsa.crt" "127.0.0.1:$p1"
rc=$?
[ $rc -eq 65 ] && clean "$out.err" && grep -q 'Evil\\xE2\\x80\\xAEgnp' "$out.err"
tap_check $? "a listed profile name with U+202E, U+009B, CR: escaped (rc $rc): $(head -c 300 "$out.err")"

# ---- a certificate name with a literal backslash-x --------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=lit\\x1B[31mred' \
	-addext 'subjectAltName=DNS:san\\x1B[31m.test' \
	-keyout "$T/bs.key" -out "$T/bs.crt" >"$T/bs.log" 2>&1
tap_check $? "a certificate with a literal backslash-x in its CN and SAN"
cp "$T/bs.crt" "$T/bscert.crt" && cp "$T/bs.key" "$T/bscert.key"
integ_start_openssl bs bscert -tls1_2
tap_check $? "server with it up"
timeout 120 "$CP" scan --no-groups --no-preference --profile panos-default "127.0.0.1:$SRV_PORT" \
	>"$T/bs.txt" 2>"$T/bs.err"
grep -q 'san\\\\x1B\[31m\.test' "$T/bs.txt" && grep -q 'CN=lit\\\\\\\\x1B\[31mred' "$T/bs.txt" && clean "$T/bs.txt"
# (the subject is OpenSSL's RFC 2253 form, which already doubles it once)
tap_check $? "text: the literal backslash is doubled, so it cannot pass for an escaped ESC: $(grep -m1 names: "$T/bs.txt")"
integ_scan "$T/bs.json" --no-groups --no-preference --profile panos-default "127.0.0.1:$SRV_PORT"
jsonok "$T/bs.json" && "$PYTHON" -c 'import json,sys
d=json.load(open(sys.argv[1])); c=d["targets"][0]["certificate"]
assert "san\\x1B[31m.test" in c["sans"], c["sans"]' "$T/bs.json"
tap_check $? "JSON: the literal backslash-x is the string's own text (the encoder escapes it)"
integ_end
