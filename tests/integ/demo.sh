#!/bin/sh
# SPDX-License-Identifier: MIT
# 'cipherprobe demo': the demo servers come up, the ordinary scan runs on
# them, and each server gets the verdict the profile implies.  Expected
# accepted sets come from each server's OpenSSL configuration (asked of
# `openssl ciphers -V`), expected verdicts from PANOS.md applied to the
# built-in profile panos-recommended (iron-skillet: min tls1-2, max "max",
# no RSA key exchange, no 3DES/RC4/SHA1/MD5, block-expired-certificate on)
# and Chrome's hello; never from our output.
: "${CIPHERPROBE:=./cipherprobe}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
# check DESC CMD...: the command's stderr becomes TAP diagnostics on failure
check() {
	desc=$1; shift
	if "$@" 2>"$tmp/why"; then ok "$desc"; else notok "$desc"; sed 's/^/# /' "$tmp/why"; fi
}
# schema DESC [--as TYPE] FILE...: the files validate against
# docs/cipherprobe.schema.json (tests/validate-json.py); a skip without
# python3-jsonschema
schema() {
	desc=$1; shift
	v="${top_srcdir:-.}/tests/validate-json.py"
	if [ ! -f "$v" ]; then notok "$desc (no $v)"; return; fi
	python3 "$v" "$@" >"$tmp/why" 2>&1
	case $? in
	0) ok "$desc" ;;
	2) n=$((n + 1)); echo "ok $n - $desc # SKIP $(head -1 "$tmp/why")" ;;
	*) notok "$desc"; sed 's/^/# /' "$tmp/why" ;;
	esac
}
# Wall-clock guard only: the demo takes well under a second, so a hang
# shows up as a failure instead of a stuck 'make check'.
run() { timeout 60 "$CIPHERPROBE" demo "$@"; }

if ! command -v python3 >/dev/null || ! command -v openssl >/dev/null; then
	echo "1..0 # SKIP needs python3 and openssl"
	exit 0
fi
echo "1..18"

run >"$tmp/text" 2>"$tmp/text.err"
check "demo exits 0 (the failing verdicts are what it shows)" test $? -eq 0

check "text: header lists the six servers, then the closing note" python3 - "$tmp/text" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
for name in ("sha1-only", "tls13-only", "rsa-kx-only", "dhe-only", "expired-cert", "modern"):
    assert re.search(r"^\s+%s\.demo\s+127\.0\.0\.1:\d+\s" % re.escape(name), t, re.M), name + " not in header"
assert "Note: the incompatible verdicts are the point" in t, "no closing note"
PY

# PANOS.md: max-version defaults to tls1-2 (panos-default); a TLS 1.3-only
# server then needs max-version tls1-3 (or max).
check "text: the panos-default pass names a max-version change for tls13-only" python3 - "$tmp/text" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
i = t.find("max-version trap")
assert i >= 0, "no panos-default pass"
assert re.search(r"max-version[ =](tls1-3|max)\b", t[i + 20:]), "no max-version change after the heading"
PY

run --json >"$tmp/doc.json" 2>"$tmp/json.err"
check "demo --json exits 0" test $? -eq 0

schema "--json validates against the JSON Schema" --as scan "$tmp/doc.json"
check "--json: one document, the six servers in order, all scanned" python3 - "$tmp/doc.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == 1
got = [(t["sni"], t["status"], t["host"]) for t in d["targets"]]
want = [(n + ".demo", "ok", "127.0.0.1")
        for n in ("sha1-only", "tls13-only", "rsa-kx-only", "dhe-only", "expired-cert", "modern")]
assert got == want, got
PY

# The servers' configuration (scanner/demo_servers.c), asked of OpenSSL.
check "--json: accepted sets are what each server is configured with" python3 - "$tmp/doc.json" <<'PY'
import json, re, subprocess, sys
def ids(proto, tls13, tls12):
    out = subprocess.run(["openssl", "ciphers", "-V", "-s", proto, "-ciphersuites", tls13, tls12 or "ALL"],
                         capture_output=True, text=True, check=True).stdout
    return sorted("0x%s%s" % m for m in re.findall(r"0x([0-9A-F]{2}),0x([0-9A-F]{2})", out))
want = {
    "sha1-only.demo": {"TLSv1.2": ids("-tls1_2", "", "ECDHE-RSA-AES128-SHA")},
    "tls13-only.demo": {"TLSv1.3": ids("-tls1_3", "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384", None)},
    "rsa-kx-only.demo": {"TLSv1.2": ids("-tls1_2", "", "AES128-GCM-SHA256")},
    "dhe-only.demo": {"TLSv1.2": ids("-tls1_2", "", "DHE-RSA-AES128-GCM-SHA256")},
    "modern.demo": {"TLSv1.2": ids("-tls1_2", "", "ECDHE-RSA-AES128-GCM-SHA256"),
                    "TLSv1.3": ids("-tls1_3", "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256", None)},
}
want["expired-cert.demo"] = want["modern.demo"]
bad = []
for t in json.load(open(sys.argv[1]))["targets"]:
    got = {p["version"]: sorted(c["id"].upper().replace("0X", "0x") for c in p["ciphers"])
           for p in t["protocols"] if p["supported"]}
    if got != want[t["sni"]]:
        bad.append("%s: got %s, want %s" % (t["sni"], got, want[t["sni"]]))
assert not bad, "; ".join(bad)
PY

# verdict SNI EXPECTATION: one server's verdict against PANOS.md.
verdict() {
	python3 - "$tmp/doc.json" "$@" <<'PY'
import json, sys
path, sni, want = sys.argv[1], sys.argv[2], sys.argv[3]
t = next(t for t in json.load(open(path))["targets"] if t["sni"] == sni)
v = t["verdict"]
assert v is not None, "%s: no verdict" % sni
def changes(f):
    return None if f is None else f["changes"]
if want == "compatible":
    assert v["compatible"] is True and v["fix"] is None and v["no_decrypt"] is False, v
elif want == "no-decrypt":
    # the only profile fix (if named) weakens every decrypted site
    assert v["compatible"] is False and v["no_decrypt"] is True, v
    assert v["fix"] is None or v["fix"]["weak"] is True, v
elif want == "client-cannot":
    # no profile change can help, and an exception would not either
    assert v["compatible"] is False and v["fix"] is None and v["no_decrypt"] is False, v
else:
    assert v["compatible"] is False, v
    assert changes(v["fix"]) == [want], "fix %s, want [%s]" % (changes(v["fix"]), want)
    assert v["no_decrypt"] is False, v
PY
}
# 0xC013 = ecdhe + aes-128-cbc + sha1; panos-recommended has no SHA1.
check "sha1-only: incompatible, fix [auth-algo-sha1]" verdict sha1-only.demo auth-algo-sha1
# panos-recommended's max-version is "max" (TLS 1.3); Chrome offers 0x1301.
check "tls13-only: compatible with panos-recommended" verdict tls13-only.demo compatible
# 0x009C = rsa + aes-128-gcm + sha256; panos-recommended has no RSA key exchange.
check "rsa-kx-only: incompatible, fix [keyxchg-algo-rsa]" verdict rsa-kx-only.demo keyxchg-algo-rsa
# Chrome offers no DHE suite: it fails without the proxy too, so neither a
# profile change nor an exception helps (PANOS.md: "say so rather than
# blame the profile").
check "dhe-only: incompatible, no fix, not a no-decrypt case" verdict dhe-only.demo client-cannot
# Turning block-expired-certificate off would do it for every decrypted
# site: the narrower answer is a no-decrypt exception for this host.
check "expired-cert: incompatible, no-decrypt" verdict expired-cert.demo no-decrypt
check "modern: compatible" verdict modern.demo compatible

run --jsonl -q >"$tmp/lines" 2>"$tmp/jsonl.err"
schema "--jsonl: every line validates against the JSON Schema" --as jsonl "$tmp/lines"
check "--jsonl: exits 0, one line per server" python3 - "$?" "$tmp/lines" <<'PY'
import json, sys
assert sys.argv[1] == "0", "exit status " + sys.argv[1]
lines = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
snis = sorted(l["sni"] for l in lines if "sni" in l)
assert snis == sorted(n + ".demo" for n in
                      ("sha1-only", "tls13-only", "rsa-kx-only", "dhe-only", "expired-cert", "modern")), snis
PY

run --json -q -o "$tmp/out.json" >"$tmp/o.stdout" 2>"$tmp/o.err"
check "-o FILE: exits 0, the document in FILE, nothing on stdout" python3 - "$?" "$tmp/out.json" "$tmp/o.stdout" <<'PY'
import json, os, sys
assert sys.argv[1] == "0", "exit status " + sys.argv[1]
assert len(json.load(open(sys.argv[2]))["targets"]) == 6
assert os.path.getsize(sys.argv[3]) == 0, "stdout not empty"
PY

timeout 60 "$CIPHERPROBE" demo --help >"$tmp/help" 2>&1
check "--help exits 0 and documents the exit status" grep -q "^Exit status: 0 the demo ran" "$tmp/help"

timeout 60 "$CIPHERPROBE" demo example.com >/dev/null 2>"$tmp/usage"
check "a target argument is a usage error (64)" test $? -eq 64
