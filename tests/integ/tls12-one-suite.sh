#!/bin/bash
# SPDX-License-Identifier: MIT
# (a) OpenSSL, TLS 1.2 only, one suite: every other suite and version refused.
# Integration test (TAP); --selftest runs it without cipherprobe.  See lib.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"
integ_case tls12-one-suite openssl rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA
integ_end
