#!/bin/bash
# SPDX-License-Identifier: MIT
# Certificates of TLS 1.3-only servers (issue 10).  Raw probes read the
# certificate only from a TLS <= 1.2 answer; for a server that speaks only
# TLS 1.3 the scan reads it with one real OpenSSL handshake.  The facts
# must be those a TLS 1.2 answer gives for the same certificate.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"

integ_start_openssl only13 rsa -tls1_3
tap_check $? "TLS 1.3-only server (RSA) up"
only13=127.0.0.1:$SRV_PORT,only13.test
integ_start_openssl both rsa -no_ssl3 -no_tls1 -no_tls1_1
tap_check $? "TLS 1.2 + 1.3 server, same certificate, up"
both=127.0.0.1:$SRV_PORT,both.test
integ_start_openssl ec13 ecdsa -tls1_3
tap_check $? "TLS 1.3-only server (ECDSA P-256) up"
ec13=127.0.0.1:$SRV_PORT,ec13.test

# c OUT INDEX EXPR: a value of targets[INDEX] (t) / its certificate (c)
c() {
	"$PYTHON" -c 'import json,sys
t=json.load(open(sys.argv[1]))["targets"][int(sys.argv[2])]
c=t["certificate"]
print(json.dumps(eval(sys.argv[3]), sort_keys=True))' "$1" "$2" "$3" 2>&1
}

out="$INTEG_TMP/cert.json"
integ_scan "$out" --no-verdict --no-groups --no-preference --per-host 1 "$only13" "$both" "$ec13"
[ "$(c "$out" 0 '[p["version"] for p in t["protocols"] if p["supported"]]')" = '["TLSv1.3"]' ]
tap_check $? "the first server speaks only TLS 1.3"
[ "$(c "$out" 0 'c["subject"], c["key_type"], c["key_bits"], c["self_signed"]')" = '["CN=localhost", "RSA", 2048, true]' ]
tap_check $? "TLS 1.3-only: certificate subject and key read: $(c "$out" 0 'c and (c["subject"], c["key_type"], c["key_bits"])')"
c "$out" 0 'c["sans"]' | grep -q localhost
tap_check $? "TLS 1.3-only: the subjectAltNames too: $(c "$out" 0 'c and c["sans"]')"
[ "$(c "$out" 0 'c')" = "$(c "$out" 1 'c')" ] && [ "$(c "$out" 1 'c["chain_len"]')" = 1 ]
tap_check $? "TLS 1.2 + 1.3 server with the same certificate: the same facts"
[ "$(c "$out" 2 'c["key_type"], c["curve"] is not None, c["subject"]')" = '["EC", true, "CN=localhost"]' ]
tap_check $? "TLS 1.3-only ECDSA: $(c "$out" 2 'c and (c["key_type"], c["curve"], c["key_bits"])')"
[ "$(c "$out" 2 'c["sha256"]')" != "$(c "$out" 0 'c["sha256"]')" ]
tap_check $? "each server's own certificate (RSA and ECDSA fingerprints differ)"

# The reading is a connection of the target like any other, and --no-cert
# turns it off.
out="$INTEG_TMP/nocert.json"
integ_scan "$out" --no-verdict --no-groups --no-preference --per-host 1 --no-cert "$only13"
[ "$(c "$out" 0 'c')" = null ]
tap_check $? "--no-cert: no certificate read, not even by a real handshake"
n_cert=$(c "$INTEG_TMP/cert.json" 0 't["connections"]')
n_nocert=$(c "$out" 0 't["connections"]')
[ "$n_cert" -gt "$n_nocert" ]
tap_check $? "the reading is one more connection of the target ($n_nocert without, $n_cert with)"
integ_end
