#!/bin/bash
# SPDX-License-Identifier: MIT
# (b) OpenSSL, TLS 1.3 only, one suite and one group: groups must be exactly [secp384r1].
# Integration test (TAP); --selftest runs it without cipherprobe.  See lib.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"
integ_case tls13-one-suite openssl rsa -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384 -groups secp384r1
integ_end
