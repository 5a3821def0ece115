#!/bin/bash
# SPDX-License-Identifier: MIT
# The replay lists every version the proxy offers (issue 10): a profile with
# min-version tls1-0 and max-version max makes the proxy offer TLS 1.0 to
# 1.3, so its TLS 1.3 hello must carry all four in supported_versions.  An
# OpenSSL server that speaks only TLS 1.0 reads that list; when it held only
# 1.3 and 1.2 the server answered protocol_version and the verdict was
# "incompatible".  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
integ_have_scanner || { echo "Bail out! no cipherprobe"; exit 1; }
integ_start_openssl t10 rsa -tls1 -cipher 'AES128-SHA:@SECLEVEL=0' ||
	{ echo "Bail out! s_server -tls1 did not start"; exit 1; }
cat >"$T/wide.xml" <<'XML'
<entry name="Wide"><ssl-protocol-settings><min-version>tls1-0</min-version>
<max-version>max</max-version><auth-algo-sha1>yes</auth-algo-sha1></ssl-protocol-settings></entry>
XML
integ_scan "$T/out.json" --profile "$T/wide.xml" --client any --no-groups --no-preference \
	--timeout 3 "127.0.0.1:$SRV_PORT"
"$PYTHON" -c 'import json,sys
v=json.load(open(sys.argv[1]))["targets"][0]["verdict"]
assert v["compatible"] is True, v
assert v["negotiated"] == {"version": "TLSv1.0", "cipher": "TLS_RSA_WITH_AES_128_CBC_SHA"}, v' \
	"$T/out.json" 2>&1 | tap_diag
tap_check "${PIPESTATUS[0]}" "TLS 1.0-only server, profile tls1-0..max: the replay negotiates TLS 1.0"
integ_end
