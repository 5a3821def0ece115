#!/bin/bash
# SPDX-License-Identifier: MIT
# (c) OpenSSL, TLS 1.2 DHE suites only, RFC 7919 ffdhe3072 parameters: dhe_bits comes from the file.
# Integration test (TAP); --selftest runs it without cipherprobe.  See lib.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"
dh=$(integ_dhparam ffdhe3072) || echo "# could not make DH parameters"
integ_case dhe openssl rsa -tls1_2 -dhparam "${dh:-missing}" \
	-cipher DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-SHA256:DHE-RSA-AES128-SHA
integ_end
