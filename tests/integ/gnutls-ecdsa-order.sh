#!/bin/bash
# SPDX-License-Identifier: MIT
# gnutls-serv with an ECDSA certificate and %SERVER_PRECEDENCE, TLS 1.2 and
# 1.3: the ECDHE-RSA and RSA suites of NORMAL must be filtered out, and the
# order must be the one `gnutls-cli --list` prints for the priority string.
# Integration test (TAP); --selftest runs it without cipherprobe.  See lib.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"
integ_case gnutls-ecdsa-order gnutls ecdsa \
	--priority NORMAL:%SERVER_PRECEDENCE:-VERS-TLS1.0:-VERS-TLS1.1:-GROUP-ALL:+GROUP-SECP384R1:+GROUP-SECP256R1:+GROUP-X25519
integ_end
