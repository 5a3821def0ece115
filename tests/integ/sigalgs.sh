#!/bin/bash
# SPDX-License-Identifier: MIT
# Signature schemes (probe/sigalgs.c) against openssl s_server on loopback.
# Each case gives the server one certificate key and a -sigalgs list; the
# schemes it must sign with at TLS 1.3 and 1.2 follow from those two by
# RFC 8446 4.2.3 (sigalgs.py expect), are proved with openssl s_client
# offering one scheme at a time (sigalgs.py oracle), and must be exactly
# what `cipherprobe scan --json` reports in signature_algorithms.
#   (a) RSA key, only rsa_pss_rsae_sha256; RSA key, a mixed list (PKCS#1
#       signs TLS 1.2 only; other key types' schemes never count)
#   (b) ECDSA P-521 key: TLS 1.3 binds the curve, TLS 1.2 only the hash
#   (c) RSA-PSS key (rsa_pss_pss_*, never rsa_pss_rsae_*)
#   (d) Ed25519 key
# and --no-sigalgs: no schemes, not probed, fewer handshakes.
# Integration test (TAP); --selftest runs it without cipherprobe.  See lib.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"
SIGPY="$INTEG_DIR/sigalgs.py"
TSV="$top_srcdir/ciphersuites/sigschemes.tsv"

# sig_key NAME ALGORITHM [OPTIONS]: a self-signed certificate NAME.crt with
# an openssl genpkey key, where integ_start_openssl finds it.
sig_key() {
	local name=$1 alg=$2
	shift 2
	timeout 60 openssl genpkey -algorithm "$alg" "$@" -out "$INTEG_TMP/$name.key" \
		>"$INTEG_TMP/$name.log" 2>&1 &&
		timeout 60 openssl req -x509 -key "$INTEG_TMP/$name.key" -days 2 -subj /CN=localhost \
			-addext "subjectAltName=IP:127.0.0.1" -out "$INTEG_TMP/$name.crt" \
			>>"$INTEG_TMP/$name.log" 2>&1 ||
		{ tap_diag "$INTEG_TMP/$name.log"; return 1; }
}

# sig_case NAME CERT KEYKIND SIGALGS [more s_server options]
sig_case() {
	local name=$1 cert=$2 kind=$3 list=$4 rc n=3
	shift 4
	[ "$INTEG_MODE" = selftest ] && n=2
	echo "# --- $name: $kind key, -sigalgs $list"
	if ! integ_start_openssl "$name" "$cert" -sigalgs "$list" "$@"; then
		for ((s = 0; s < n; s++)); do tap_not_ok "$name: (no server)"; done
		return 0
	fi
	"$PYTHON" "$SIGPY" expect "$kind" "$list" >"$INTEG_TMP/$name.expect.json"
	tap_check $? "$name: expected schemes $(cat "$INTEG_TMP/$name.expect.json")"
	integ_run timeout 300 "$PYTHON" "$SIGPY" oracle "$SRV_PORT" "$INTEG_TMP/$name.expect.json" "$TSV"
	tap_check $? "$name: expectation confirmed by openssl s_client, one scheme per hello"
	if [ "$INTEG_MODE" != selftest ]; then
		rc=0
		integ_have_scanner || rc=1
		[ $rc = 0 ] && { integ_scan "$INTEG_TMP/$name.json" --no-verdict "127.0.0.1:$SRV_PORT"; rc=$?; }
		[ $rc = 0 ] && { "$PYTHON" "$SIGPY" check "$INTEG_TMP/$name.expect.json" "$INTEG_TMP/$name.json"; rc=$?; }
		[ $rc = 0 ] && sig_handshakes "$INTEG_TMP/$name.json"
		tap_check $rc "$name: cipherprobe reports exactly those schemes per version"
	fi
	_integ_stop
}

sig_handshakes() { "$PYTHON" -c 'import json,sys; print("# handshakes: %d" % json.load(open(sys.argv[1]))["targets"][0]["handshakes"])' "$1"; }

integ_cert rsa || echo "# could not make the RSA certificate"
sig_key p521 EC -pkeyopt ec_paramgen_curve:P-521 || echo "# could not make the P-521 key"
sig_key pss RSA-PSS -pkeyopt rsa_keygen_bits:2048 || echo "# could not make the RSA-PSS key"
sig_key ed25519 ED25519 || echo "# could not make the Ed25519 key"

sig_case rsa-pss-rsae rsa rsa rsa_pss_rsae_sha256
sig_case rsa-mixed rsa rsa rsa_pss_rsae_sha384:rsa_pkcs1_sha256:rsa_pkcs1_sha512:ecdsa_secp256r1_sha256:ed25519:rsa_pss_pss_sha256
sig_case p521 p521 ec:secp521r1 ecdsa_secp521r1_sha512:ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256
sig_case rsassa-pss pss rsa-pss rsa_pss_pss_sha256:rsa_pss_pss_sha512:rsa_pss_rsae_sha256:rsa_pkcs1_sha256
sig_case ed25519 ed25519 ed25519 ed25519:ed448:ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256

# --no-sigalgs: the probe is off, the record says so, and it costs less.
if [ "$INTEG_MODE" != selftest ]; then
	if integ_start_openssl off rsa && integ_have_scanner; then
		integ_scan "$INTEG_TMP/on.json" --no-verdict "127.0.0.1:$SRV_PORT"
		integ_scan "$INTEG_TMP/off.json" --no-verdict --no-sigalgs "127.0.0.1:$SRV_PORT"
		"$PYTHON" - "$INTEG_TMP/on.json" "$INTEG_TMP/off.json" <<'PY'
import json, sys
on, off = (json.load(open(p))["targets"][0] for p in sys.argv[1:3])
extra = on["handshakes"] - off["handshakes"]
print("# handshakes: %d with the signature probe, %d without (%d extra)"
      % (on["handshakes"], off["handshakes"], extra))
ok = (off["signature_algorithms"] == [] and off["signature_algorithms_probed"] is False
      and on["signature_algorithms"] and 0 < extra <= 24)
sys.exit(0 if ok else 1)
PY
		tap_check $? "--no-sigalgs: no schemes, not probed, and the probe costs at most 24 handshakes"
		_integ_stop
	else
		tap_not_ok "--no-sigalgs: (no server or no cipherprobe)"
	fi
fi
integ_end
