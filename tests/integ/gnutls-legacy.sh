#!/bin/bash
# SPDX-License-Identifier: MIT
# (h) gnutls-serv with legacy suites on top of NORMAL (3DES, CAMELLIA, RC4, CBC-SHA256)
# and every group; TLS 1.0 to 1.3.  Debian 12's GnuTLS 3.7 still serves RC4 and
# RC4-MD5 when asked; VERS-SSL3.0 is compiled out.
# Integration test (TAP); --selftest runs it without cipherprobe.  See lib.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
integ_begin "$@"
integ_case gnutls-legacy gnutls rsa \
	--priority NORMAL:+3DES-CBC:+CAMELLIA-128-CBC:+CAMELLIA-256-CBC:+CAMELLIA-128-GCM:+CAMELLIA-256-GCM:+ARCFOUR-128:+SHA256:+SHA384:+MD5:+GROUP-ALL
integ_end
