#!/bin/bash
# SPDX-License-Identifier: MIT
# (e) OpenSSL with -serverpref and deliberately unsorted cipher lists (TLS 1.2 and 1.3):
# server_preference must be true and the suites in exactly the configured order.
# Integration test (TAP); --selftest runs it without cipherprobe.  See lib.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"
integ_case server-order openssl rsa -serverpref -min_protocol TLSv1.2 -groups x25519:secp256r1:ffdhe2048 \
	-cipher ECDHE-RSA-AES128-SHA:AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA \
	-ciphersuites TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384
integ_end
