#!/bin/sh
# SPDX-License-Identifier: MIT
# gen-registry is the data files' reviewer: given a damaged copy of
# ciphersuites/, it must fail and name file:line; given the real one, pass.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
gen="$top_builddir/ciphersuites/gen-registry"
. "$top_srcdir/tests/gen-lib.sh"

fresh() {
	rm -rf "$tmp/d"
	mkdir -p "$tmp/d/iana"
	cp "$top_srcdir"/ciphersuites/*.tsv "$tmp/d/"
	cp "$top_srcdir"/ciphersuites/iana/*.csv "$tmp/d/iana/"
}

echo "1..21"

fresh
"$gen" -d "$tmp/d" -o "$tmp/out.c" >"$tmp/err" 2>&1
result $? "the real data generates"
rm -f "$tmp/out.c"

fresh
l=$(line_of "$tmp/d/iana/tls-cipher-suites.csv" '^"0xC0,0x13"')
sed -i '/^0xC013\t/d' "$tmp/d/suites.tsv"
expect_fail "a missing suite row names the IANA line" "tls-cipher-suites.csv:$l" "0xC013.*no row"

fresh
l=$(line_of "$tmp/d/suites.tsv" '^0xC014	')
sed -i 's/^0xC014\tTLS_ECDHE_RSA_WITH_AES_256_CBC_SHA\t/0xC014\tTLS_ECDHE_RSA_WITH_AES_256_CBC_SHA1\t/' "$tmp/d/suites.tsv"
expect_fail "a name differing from IANA's is refused" "suites.tsv:$l" "IANA says"

fresh
l=$(line_of "$tmp/d/suites.tsv" '^0x002F	')
sed -i 's/^\(0x002F\t[^\t]*\t[^\t]*\t\)RSA\t/\1RSAX\t/' "$tmp/d/suites.tsv"
expect_fail "an unknown kx token is refused" "suites.tsv:$l" "unknown kx 'RSAX'"

fresh
grep '^0x0035	' "$tmp/d/suites.tsv" >"$tmp/row"
cat "$tmp/row" >>"$tmp/d/suites.tsv"
l=$(wc -l <"$tmp/d/suites.tsv")
expect_fail "a repeated code point is refused" "suites.tsv:$l" "appears twice"

fresh
printf '0x0A0A\tTLS_GREASE\t-\tRSA\tRSA\tAES\t128\tCBC\tSHA1\tTLS12\tLEGACY\n' >>"$tmp/d/suites.tsv"
l=$(wc -l <"$tmp/d/suites.tsv")
expect_fail "a row for an unassigned code point is refused" "suites.tsv:$l" "not an assigned IANA suite"

fresh
sed -i 's/^\(0xC013\t[^\t]*\t\)keyxchg-algo-ecdhe,/\1keyxchg-algo-ecdh,/' "$tmp/d/panos-suites.tsv"
l=$(line_of "$tmp/d/panos-suites.tsv" '^0xC013	')
expect_fail "a PAN-OS row with an unknown flag is refused" "panos-suites.tsv:$l" "unknown flag 'keyxchg-algo-ecdh'"

fresh
printf '0x9999\tTLS_NOPE\tenc-algo-rc4\t-\n' >>"$tmp/d/panos-suites.tsv"
l=$(wc -l <"$tmp/d/panos-suites.tsv")
expect_fail "a PAN-OS row for an unknown suite is refused" "panos-suites.tsv:$l" "not a suite"

fresh
l=$(line_of "$tmp/d/iana/tls-supported-groups.csv" '^29,x25519')
sed -i '/^29\tx25519\t/d' "$tmp/d/groups.tsv"
expect_fail "a missing group row names the IANA line" "tls-supported-groups.csv:$l" "x25519 has no row"

fresh
l=$(line_of "$tmp/d/groups.tsv" '^23	')
sed -i 's/^23\tsecp256r1\tEC\t/23\tsecp256r1\tECC\t/' "$tmp/d/groups.tsv"
expect_fail "an unknown group kind is refused" "groups.tsv:$l" "unknown kind 'ECC'"

fresh
l=$(line_of "$tmp/d/panos-flags.tsv" '^1	KX_DHE')
sed -i 's/^1\tKX_DHE\t/5\tKX_DHE\t/' "$tmp/d/panos-flags.tsv"
expect_fail "PAN-OS flags out of bit order are refused" "panos-flags.tsv:$l" "out of order"

# CSV: a quoted field left open (RFC 4180) is an error at its first line.
fresh
printf '"0xFF,0x01,Broken,Y,N,[X]\n' >>"$tmp/d/iana/tls-cipher-suites.csv"
l=$(wc -l <"$tmp/d/iana/tls-cipher-suites.csv")
expect_fail "an unterminated quoted CSV field is refused" "tls-cipher-suites.csv:$l" "unterminated"

fresh
l=$(line_of "$tmp/d/sigschemes.tsv" '^0x0807	')
sed -i 's/^0x0807\ted25519\t/0x0807\tEd25519\t/' "$tmp/d/sigschemes.tsv"
expect_fail "a probed scheme named unlike IANA is refused" "sigschemes.tsv:$l" "IANA says 'ed25519'"

fresh
l=$(line_of "$tmp/d/sigschemes.tsv" '^0x0403	')
sed -i 's/^\(0x0403\t[^\t]*\t\)EC\tsecp256r1\t/\1RSA\tsecp256r1\t/' "$tmp/d/sigschemes.tsv"
expect_fail "a curve on a non-EC probed scheme is refused" "sigschemes.tsv:$l" "only makes sense for key EC"

# The probing orders (probe-groups.tsv, probe-sigalgs.tsv): every entry an
# IANA code point under its IANA name, once; file:line on a bad row.
fresh
printf '261\tffdhe10240\n' >>"$tmp/d/probe-groups.tsv"
l=$(wc -l <"$tmp/d/probe-groups.tsv")
expect_fail "a probed group IANA has not assigned is refused" "probe-groups.tsv:$l" "261 ffdhe10240 is not an assigned IANA group"

fresh
l=$(line_of "$tmp/d/probe-groups.tsv" '^23	')
sed -i 's/^23\tsecp256r1$/23\tP-256/' "$tmp/d/probe-groups.tsv"
expect_fail "a probed group named unlike IANA is refused" "probe-groups.tsv:$l" "IANA says 'secp256r1'"

fresh
printf '29\tx25519\n' >>"$tmp/d/probe-groups.tsv"
l=$(wc -l <"$tmp/d/probe-groups.tsv")
expect_fail "a group listed twice in the probing order is refused" "probe-groups.tsv:$l" "29 appears twice"

fresh
printf '0x0810\tnot_a_scheme\n' >>"$tmp/d/probe-sigalgs.tsv"
l=$(wc -l <"$tmp/d/probe-sigalgs.tsv")
expect_fail "an unassigned probed signature code point is refused" "probe-sigalgs.tsv:$l" "0x0810 not_a_scheme is neither"

fresh
l=$(line_of "$tmp/d/probe-sigalgs.tsv" '^0x0804	')
sed -i 's/^0x0804\trsa_pss_rsae_sha256$/0x0804\trsa_pss_sha256/' "$tmp/d/probe-sigalgs.tsv"
expect_fail "a probed scheme in the order named unlike IANA is refused" "probe-sigalgs.tsv:$l" "IANA says 'rsa_pss_rsae_sha256'"

# 0x0402 is reserved for backward compatibility: RFC 8446 4.2.3 calls it
# dsa_sha256_RESERVED (RFC 5246: hash 4 sha256, signature 2 dsa).
fresh
l=$(line_of "$tmp/d/probe-sigalgs.tsv" '^0x0402	')
sed -i 's/^0x0402\tdsa_sha256_RESERVED$/0x0402\tdsa_sha384_RESERVED/' "$tmp/d/probe-sigalgs.tsv"
expect_fail "a reserved TLS 1.2 code point under another name is refused" "probe-sigalgs.tsv:$l" "RFC 8446 says 'dsa_sha256_RESERVED'"

fresh
printf '0x0403\tecdsa_secp256r1_sha256\n' >>"$tmp/d/probe-sigalgs.tsv"
l=$(wc -l <"$tmp/d/probe-sigalgs.tsv")
expect_fail "a scheme listed twice in the probing order is refused" "probe-sigalgs.tsv:$l" "0x0403 appears twice"
