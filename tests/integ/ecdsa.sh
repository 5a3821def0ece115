#!/bin/bash
# SPDX-License-Identifier: MIT
# (d) OpenSSL, ECDSA P-256 certificate, several ECDHE-ECDSA suites.  The string also
# names an ECDHE-RSA suite the certificate cannot serve: it must not be reported.
# Integration test (TAP); --selftest runs it without cipherprobe.  See lib.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"
integ_case ecdsa openssl ecdsa -tls1_2 -groups x25519:secp256r1:secp384r1 \
	-cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES128-GCM-SHA256
integ_end
