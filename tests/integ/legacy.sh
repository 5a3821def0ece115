#!/bin/bash
# SPDX-License-Identifier: MIT
# What no Debian TLS stack serves any more, served by tlsfake: SSLv2,
# SSLv3 with RC4-MD5 and EXPORT suites, TLS 1.0 EXPORT.  The accepted set
# of each listener is its own configuration (the suites= and kinds= given
# below), and both strategies must find exactly it.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
FAKE="$top_builddir/tests/servers/tlsfake"

# name, listener spec, expected "VERSION:ID,ID ..." (sorted ids per version)
SSL3=0x0003:0x0004:0x000A
EXP=0x0003:0x0006:0x0008:0x0014
KINDS=0x010080:0x020080:0x0700C0
"$FAKE" --port-file "$T/ports" --max-seconds 120 \
	"ssl3=accept,versions=ssl3,suites=$SSL3" \
	"export=accept,versions=tls1.0,suites=$EXP" \
	"sslv2=sslv2,kinds=$KINDS" >"$T/tlsfake.log" 2>&1 </dev/null &
integ_track "$!"
for _ in $(seq 200); do [ -f "$T/ports" ] && [ "$(wc -l <"$T/ports")" -eq 3 ] && break; sleep 0.05; done
port() { awk -v n="$1" '$1 == n { print $2 }' "$T/ports"; }
[ -n "$(port ssl3)" ] && [ -n "$(port export)" ] && [ -n "$(port sslv2)" ]
tap_check $? "tlsfake listeners up: ssl3 $(port ssl3), export $(port export), sslv2 $(port sslv2)"

# sets OUT: "VERSION=ids" for every supported version, ids in code-point order
sets() {
	"$PYTHON" -c 'import json,sys
d=json.load(open(sys.argv[1]))
for t in d["targets"]:
    print(" ".join("%s=%s" % (p["version"], ":".join(c["id"] for c in p["ciphers"]))
                   for p in t["protocols"] if p["supported"]))' "$1" 2>&1
}
want=("SSLv3=$SSL3" "TLSv1.0=$EXP" "SSLv2=$KINDS")
for s in eliminate single; do
	out="$T/$s.json"
	integ_scan "$out" --strategy "$s" --no-verdict --no-groups --timeout 3 \
		"127.0.0.1:$(port ssl3)" "127.0.0.1:$(port export)" "127.0.0.1:$(port sslv2)"
	mapfile -t got < <(sets "$out")
	for i in 0 1 2; do
		[ "${got[$i]:-}" = "${want[$i]}" ]
		tap_check $? "$s: ${want[$i]%%=*} server found exactly its set (${got[$i]:-nothing}; want ${want[$i]})"
	done
done
"$PYTHON" -c 'import json,sys
t=json.load(open(sys.argv[1]))["targets"]
st={c["id"]: c["strength"] for p in t[0]["protocols"] for c in p["ciphers"]}
assert st == {"0x0003": "export", "0x0004": "weak", "0x000A": "weak"}, st' "$T/eliminate.json" 2>&1 | tap_diag
tap_check "${PIPESTATUS[0]}" "RC4-MD5 and 3DES are weak, RC4-40 export"

# SSLv3-only with RC4/3DES against the best-practice profile: every fix
# needs SSLv3, RC4 or 3DES, so the advice is a no-decrypt exception
out="$T/verdict.json"
integ_scan "$out" --client any --no-groups --timeout 3 "127.0.0.1:$(port ssl3)"
"$PYTHON" -c 'import json,sys
v=json.load(open(sys.argv[1]))["targets"][0]["verdict"]
assert not v["compatible"] and v["no_decrypt"] and v["fix"]["weak"], v
assert "min-version=sslv3" in v["fix"]["changes"], v["fix"]' "$out" 2>&1 | tap_diag
tap_check "${PIPESTATUS[0]}" "SSLv3-only: the fix needs min-version=sslv3, is weak, and no-decrypt is advised"
integ_end
