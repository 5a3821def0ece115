#!/bin/bash
# SPDX-License-Identifier: MIT
# (i) gnutls-serv with a legacy custom 512-bit DH group (dh512.pem, as
# badssl.com's dh512) and no RFC 7919 group: a hello that lists FFDHE groups
# gets no DHE suite at all (RFC 7919 section 4), so a scanner that always
# lists them misses the DHE suites.  cipherprobe finds them, with the
# group's size.  Expectations are written by hand from the server's
# priority string; gnutls-cli, an independent client, confirms both halves
# of the server's behaviour first.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"
T=$INTEG_TMP

if ! command -v gnutls-serv >/dev/null 2>&1 || ! command -v gnutls-cli >/dev/null 2>&1; then
	for i in 1 2 3 4 5 6; do tap_skip "dhe-custom $i" "gnutls-bin is not installed"; done
	integ_end
	exit 0
fi

# TLS 1.2 only; three DHE and three ECDHE suites; no FFDHE group known
prio='NONE:+VERS-TLS1.2:+AES-128-GCM:+AES-256-GCM:+AES-128-CBC:+AEAD:+SHA1:+DHE-RSA:+ECDHE-RSA:+SIGN-ALL:+COMP-NULL:+GROUP-SECP256R1:+GROUP-X25519:%PROFILE_VERY_WEAK'
integ_start_gnutls dhe-custom rsa --dhparams "$INTEG_DIR/dh512.pem" --priority "$prio"
tap_check $? "gnutls-serv with a custom 512-bit DH group up"
port=$SRV_PORT

# the oracle: gnutls-cli, allowed small DH, with and without FFDHE groups
cli() {
	timeout 20 gnutls-cli --insecure --dh-bits 256 -p "$port" 127.0.0.1 \
		--priority "NONE:+VERS-TLS1.2:+AES-128-GCM:+AEAD:+DHE-RSA:+SIGN-ALL:+COMP-NULL:+GROUP-SECP256R1$1:%PROFILE_VERY_WEAK" \
		</dev/null 2>&1
}
cli "" >"$T/no-ffdhe.txt"
grep -q 'DHE-CUSTOM512' "$T/no-ffdhe.txt"
tap_check $? "oracle: a hello without FFDHE groups gets DHE with the custom 512-bit group ($(grep -o '(DHE-[A-Z0-9]*)' "$T/no-ffdhe.txt" | head -1))"
cli ":+GROUP-FFDHE2048" >"$T/ffdhe.txt"
grep -q 'Received alert \[40\]' "$T/ffdhe.txt"
tap_check $? "oracle: a hello listing ffdhe2048 gets handshake_failure (RFC 7919 4: no DHE)"

if [ "$INTEG_MODE" = selftest ]; then
	integ_end
	exit 0
fi
for s in eliminate single; do
	integ_scan "$T/$s.json" --strategy "$s" --no-preference --no-sigalgs -p tls1.2 "127.0.0.1:$port"
	"$PYTHON" - "$T/$s.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["targets"][0]
got = sorted(c["id"] for p in t["protocols"] if p["version"] == "TLSv1.2" for c in p["ciphers"])
want = sorted(["0x009E", "0x009F", "0x0033", "0xC02F", "0xC030", "0xC013"])
assert got == want, (got, want)
assert t["dhe_bits"] == 512, t["dhe_bits"]
PY
	tap_check $? "--strategy $s: the three DHE suites and the three ECDHE suites, DHE group 512 bits"
done
timeout 60 "$CIPHERPROBE" scan --no-preference --no-sigalgs -p tls1.2 "127.0.0.1:$port" >"$T/text.txt" 2>&1
grep -q 'DHE: 512-bit group' "$T/text.txt"
tap_check $? "the text report names the group's size: $(grep -m1 'DHE:' "$T/text.txt")"
integ_end
