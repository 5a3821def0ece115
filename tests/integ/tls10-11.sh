#!/bin/bash
# SPDX-License-Identifier: MIT
# (f) OpenSSL, TLS 1.0 and 1.1 only, at security level 0 (the only level that allows them).
# Integration test (TAP); --selftest runs it without cipherprobe.  See lib.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"
integ_case tls10-11 openssl rsa -min_protocol TLSv1 -max_protocol TLSv1.1 -groups secp521r1:secp256r1 \
	-cipher DEFAULT:@SECLEVEL=0
integ_end
