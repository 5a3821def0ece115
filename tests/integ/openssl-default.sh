#!/bin/bash
# SPDX-License-Identifier: MIT
# (g) OpenSSL with its default suites and groups, TLS 1.2 and 1.3: the broad case.
# Integration test (TAP); --selftest runs it without cipherprobe.  See lib.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"
integ_case openssl-default openssl rsa -min_protocol TLSv1.2
integ_end
