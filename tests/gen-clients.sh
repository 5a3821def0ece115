#!/bin/sh
# SPDX-License-Identifier: MIT
# gen-clients reviews the client models: given a damaged copy of
# clients.tsv or panos-groups.tsv it must fail, name file:line and write
# nothing; given the real files it must pass.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
gen="$top_builddir/scanner/policy/gen-clients"
. "$top_srcdir/tests/gen-lib.sh"

fresh() {
	rm -rf "$tmp/d"
	mkdir -p "$tmp/d"
	cp "$top_srcdir/ciphersuites/clients.tsv" "$top_srcdir/ciphersuites/panos-groups.tsv" "$tmp/d/"
}

echo "1..8"

fresh
if "$gen" -d "$tmp/d" -o "$tmp/out.c" >"$tmp/err" 2>&1 && grep -q '&client_chrome' "$tmp/out.c"; then
	result 0 "the real data generates"
else
	sed 's/^/# /' "$tmp/err"
	result 1 "the real data generates"
fi
rm -f "$tmp/out.c"

fresh
l=$(line_of "$tmp/d/clients.tsv" '^chrome	suite	TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256')
sed -i "${l}s/TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/ECDHE-RSA-AES128-GCM-SHA256/" "$tmp/d/clients.tsv"
expect_fail "an OpenSSL name is refused, the IANA one suggested" "clients.tsv:$l" \
	"not the IANA name of a cipher suite; did you mean TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"

fresh
l=$(line_of "$tmp/d/clients.tsv" '^firefox	suite	TLS_RSA_WITH_AES_256_CBC_SHA')
sed -i "${l}s/TLS_RSA_WITH_AES_256_CBC_SHA/TLS_RSA_WITH_AES_128_CBC_SHA/" "$tmp/d/clients.tsv"
expect_fail "a suite listed twice" "clients.tsv:$l" "suite TLS_RSA_WITH_AES_128_CBC_SHA listed twice"

fresh
l=$(line_of "$tmp/d/clients.tsv" '^safari	group	secp521r1')
sed -i "${l}s/secp521r1/ffdhe8192/" "$tmp/d/clients.tsv"
expect_fail "a group with no keep/strip decision" "panos-groups.tsv:1" "ffdhe8192 (offered by safari"

fresh
sed -i '/^chrome	label/d' "$tmp/d/clients.tsv"
l=$(line_of "$tmp/d/clients.tsv" '^chrome	')
expect_fail "a client without a label" "clients.tsv:$l" "chrome: needs label"

fresh
l=$(line_of "$tmp/d/clients.tsv" '^any	versions')
sed -i "${l}s/SSLv3-TLSv1.3/TLSv1.3-SSLv3/" "$tmp/d/clients.tsv"
expect_fail "versions upside down" "clients.tsv:$l" "versions 'TLSv1.3-SSLv3'"

fresh
l=$(line_of "$tmp/d/panos-groups.tsv" '^X25519MLKEM768	strip')
sed -i "${l}s/	strip	/	drop	/" "$tmp/d/panos-groups.tsv"
expect_fail "an unknown group action" "panos-groups.tsv:$l" "action 'drop': keep or strip"

fresh
l=$(line_of "$tmp/d/clients.tsv" '^chrome	sigalg	rsa_pss_rsae_sha256')
sed -i "${l}s/rsa_pss_rsae_sha256/rsa_pss_sha256/" "$tmp/d/clients.tsv"
expect_fail "an unknown signature scheme" "clients.tsv:$l" "'rsa_pss_sha256' is not the IANA name of a signature scheme"
