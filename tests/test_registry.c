/* SPDX-License-Identifier: MIT */
/*
 * Registry tests.  Expected values come from sources independent of the
 * generated tables: the IANA CSV files themselves (parsed here by a second,
 * separate CSV reader), the RFCs' wire constants, PANOS.md's examples, and
 * the linked OpenSSL (its cipher table and key generation).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>

#include "registry.h"

/* ---- a small RFC 4180 reader, independent of gen-registry's ---- */

struct csv_row {
	char *f[8];
	int nf;
};

struct csv {
	struct csv_row *rows;
	size_t n;
};

static void csv_free(struct csv *c)
{
	for (size_t i = 0; i < c->n; i++)
		for (int k = 0; k < c->rows[i].nf; k++)
			free(c->rows[i].f[k]);
	free(c->rows);
	c->rows = NULL;
	c->n = 0;
}

/* Reads top_srcdir/ciphersuites/iana/NAME; fails the test on any error. */
static void csv_load(const char *name, struct csv *c)
{
	const char *top = getenv("top_srcdir");
	char path[4096], field[4096];
	FILE *f;
	int ch;
	size_t flen = 0;
	bool quoted = false, started = false;
	struct csv_row row = { .nf = 0 };

	if (top == NULL)
		top = ".";
	snprintf(path, sizeof path, "%s/ciphersuites/iana/%s", top, name);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("%s: %s (is $top_srcdir set?)", path, strerror(errno));
	memset(c, 0, sizeof *c);
	for (;;) {
		ch = fgetc(f);
		if (quoted) {
			assert_true(ch != EOF);
			if (ch == '"') {
				int next = fgetc(f);
				if (next == '"') {
					assert_true(flen + 1 < sizeof field);
					field[flen++] = '"';
					continue;
				}
				quoted = false;
				ch = next;
			} else {
				assert_true(flen + 1 < sizeof field);
				field[flen++] = (char)ch;
				continue;
			}
		}
		if (ch == '"' && flen == 0 && !quoted) {
			quoted = true;
			started = true;
			continue;
		}
		if (ch == ',' || ch == '\n' || ch == EOF) {
			if (ch == EOF && !started && flen == 0 && row.nf == 0)
				break;
			if (flen > 0 && field[flen - 1] == '\r' && ch != ',')
				flen--;
			field[flen] = '\0';
			assert_true(row.nf < 8);
			row.f[row.nf] = strdup(field);
			assert_non_null(row.f[row.nf]);
			row.nf++;
			flen = 0;
			started = ch == ',';
			if (ch != ',') {
				struct csv_row *nr = realloc(c->rows, (c->n + 1) * sizeof *nr);
				assert_non_null(nr);
				c->rows = nr;
				c->rows[c->n++] = row;
				memset(&row, 0, sizeof row);
				started = false;
			}
			if (ch == EOF)
				break;
			continue;
		}
		started = true;
		assert_true(flen + 1 < sizeof field);
		field[flen++] = (char)ch;
	}
	fclose(f);
	assert_true(c->n > 1);
}

static bool is_unassigned(const char *desc)
{
	return strncmp(desc, "Reserved", 8) == 0 || strncmp(desc, "Unassigned", 10) == 0;
}

/* Suites' "0xHH,0xHH"; -1 for ranges and other forms. */
static long suite_value(const char *v)
{
	unsigned hi, lo;
	char tail;

	if (strlen(v) != 9 || sscanf(v, "0x%2x,0x%2x%c", &hi, &lo, &tail) != 2)
		return -1;
	return (long)(hi << 8 | lo);
}

/* ---- suites ---- */

static void test_suites_match_iana(void **state)
{
	struct csv c;
	size_t assigned = 0;

	(void)state;
	csv_load("tls-cipher-suites.csv", &c);
	assert_string_equal(c.rows[0].f[0], "Value");
	for (size_t i = 1; i < c.n; i++) {
		long id = suite_value(c.rows[i].f[0]);
		const struct cp_suite *s;

		if (id < 0 || is_unassigned(c.rows[i].f[1]))
			continue;
		assigned++;
		s = cp_suite_by_id((uint16_t)id);
		if (s == NULL)
			fail_msg("IANA suite %s %s missing", c.rows[i].f[0], c.rows[i].f[1]);
		assert_string_equal(s->name, c.rows[i].f[1]);
		assert_ptr_equal(cp_suite_by_name(c.rows[i].f[1]), s);
		assert_int_equal(s->recommended, strcmp(c.rows[i].f[3], "Y") == 0);
	}
	assert_int_equal(cp_suite_count(), assigned);
	/* The IANA README says 352; the CSV must agree with it. */
	assert_int_equal(assigned, 352);
	csv_free(&c);
}

static void test_suites_sorted_unique(void **state)
{
	(void)state;
	assert_non_null(cp_suite_at(0));
	assert_null(cp_suite_at(cp_suite_count()));
	for (size_t i = 1; i < cp_suite_count(); i++)
		assert_true(cp_suite_at(i - 1)->id < cp_suite_at(i)->id);
	for (size_t i = 0; i < cp_suite_count(); i++) {
		const struct cp_suite *s = cp_suite_at(i);

		assert_ptr_equal(cp_suite_by_id(s->id), s);
		if (s->openssl_name != NULL)
			assert_ptr_equal(cp_suite_by_name(s->openssl_name), s);
		assert_true(s->versions != 0 && (s->versions & ~CP_VER_ALL) == 0);
		assert_true(s->strength < CP_STRENGTH__COUNT);
		assert_int_equal(s->scsv, s->kx == CP_KX_SCSV);
	}
	/* Unassigned and GREASE code points (RFC 8701) are not suites. */
	assert_null(cp_suite_by_id(0x0A0A));
	assert_null(cp_suite_by_id(0x001C));
	assert_null(cp_suite_by_id(0x1300));
	assert_null(cp_suite_by_id(0xFFFF));
}

static void test_suite_spot_checks(void **state)
{
	const struct cp_suite *s;

	(void)state;
	/* RFC 8422 */
	s = cp_suite_by_id(0xC013);
	assert_non_null(s);
	assert_string_equal(s->name, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
	assert_string_equal(s->openssl_name, "ECDHE-RSA-AES128-SHA");
	assert_int_equal(s->kx, CP_KX_ECDHE);
	assert_int_equal(s->au, CP_AU_RSA);
	assert_int_equal(s->enc, CP_ENC_AES);
	assert_int_equal(s->enc_bits, 128);
	assert_int_equal(s->mode, CP_MODE_CBC);
	assert_int_equal(s->mac, CP_MAC_SHA1);
	assert_int_equal(s->versions, CP_VER_TLS10 | CP_VER_TLS11 | CP_VER_TLS12);
	assert_int_equal(s->strength, CP_STRENGTH_LEGACY);
	/* PANOS.md: ecdhe + aes-128-cbc + sha1 */
	assert_int_equal(s->panos, cp_panos_flag_parse("keyxchg-algo-ecdhe") |
					   cp_panos_flag_parse("enc-algo-aes-128-cbc") |
					   cp_panos_flag_parse("auth-algo-sha1"));
	assert_int_equal(s->panos,
			 CP_PANOS_KX_ECDHE | CP_PANOS_ENC_AES128_CBC | CP_PANOS_AUTH_SHA1);

	/* RFC 5246: 3DES; PANOS.md: rsa + 3des + sha1 */
	s = cp_suite_by_id(0x000A);
	assert_string_equal(s->name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	assert_int_equal(s->enc, CP_ENC_3DES);
	assert_int_equal(s->enc_bits, 168);
	assert_int_equal(s->strength, CP_STRENGTH_WEAK);
	assert_int_equal(s->panos, CP_PANOS_KX_RSA | CP_PANOS_ENC_3DES | CP_PANOS_AUTH_SHA1);

	/* RC4 with an MD5 MAC */
	s = cp_suite_by_id(0x0004);
	assert_string_equal(s->name, "TLS_RSA_WITH_RC4_128_MD5");
	assert_int_equal(s->enc, CP_ENC_RC4);
	assert_int_equal(s->mode, CP_MODE_STREAM);
	assert_int_equal(s->mac, CP_MAC_MD5);
	assert_int_equal(s->strength, CP_STRENGTH_WEAK);
	assert_int_equal(s->panos, CP_PANOS_KX_RSA | CP_PANOS_ENC_RC4 | CP_PANOS_AUTH_MD5);

	/* PANOS.md: ecdhe + aes-256-gcm + sha384 */
	s = cp_suite_by_id(0xC02C);
	assert_string_equal(s->name, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
	assert_int_equal(s->panos,
			 CP_PANOS_KX_ECDHE | CP_PANOS_ENC_AES256_GCM | CP_PANOS_AUTH_SHA384);
	assert_int_equal(s->versions, CP_VER_TLS12);
	assert_int_equal(s->strength, CP_STRENGTH_STRONG);

	/* RFC 8446 B.4 */
	static const struct {
		uint16_t id;
		const char *name;
		enum cp_enc enc;
		unsigned bits;
	} t13[] = {
		{ 0x1301, "TLS_AES_128_GCM_SHA256", CP_ENC_AES, 128 },
		{ 0x1302, "TLS_AES_256_GCM_SHA384", CP_ENC_AES, 256 },
		{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256", CP_ENC_CHACHA20_POLY1305, 256 },
	};
	for (size_t i = 0; i < sizeof t13 / sizeof t13[0]; i++) {
		s = cp_suite_by_id(t13[i].id);
		assert_non_null(s);
		assert_string_equal(s->name, t13[i].name);
		assert_int_equal(s->versions, CP_VER_TLS13);
		assert_int_equal(s->kx, CP_KX_TLS13);
		assert_int_equal(s->enc, t13[i].enc);
		assert_int_equal(s->enc_bits, t13[i].bits);
		assert_int_equal(s->strength, CP_STRENGTH_STRONG);
		assert_true(s->recommended);
		assert_true(s->panos != 0);
		assert_int_equal(s->panos & (CP_PANOS_KX_RSA | CP_PANOS_KX_DHE | CP_PANOS_KX_ECDHE),
				 0);
	}

	/* RFC 5746 and RFC 7507 */
	s = cp_suite_by_id(0x00FF);
	assert_string_equal(s->name, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
	assert_true(s->scsv);
	assert_int_equal(s->kx, CP_KX_SCSV);
	assert_int_equal(s->au, CP_AU_SCSV);
	s = cp_suite_by_id(0x5600);
	assert_string_equal(s->name, "TLS_FALLBACK_SCSV");
	assert_true(s->scsv);
	assert_int_equal(s->panos, 0);

	/* Export: 40 bits, SSLv3 and TLS 1.0 only (RFC 4346 A.5) */
	static const uint16_t exports[] = {
		0x0003, 0x0006, 0x0008, 0x000B, 0x000E, 0x0011, 0x0014
	};
	for (size_t i = 0; i < sizeof exports / sizeof exports[0]; i++) {
		s = cp_suite_by_id(exports[i]);
		assert_non_null(s);
		assert_non_null(strstr(s->name, "EXPORT"));
		assert_int_equal(s->strength, CP_STRENGTH_EXPORT);
		assert_int_equal(s->enc_bits, 40);
		assert_int_equal(s->versions, CP_VER_SSL3 | CP_VER_TLS10);
	}
	/* Anonymous is null even with AES-GCM */
	assert_int_equal(cp_suite_by_id(0x00A6)->strength, CP_STRENGTH_NULL);
	/* Static RSA with GCM is legacy; DHE with GCM strong */
	assert_int_equal(cp_suite_by_id(0x009C)->strength, CP_STRENGTH_LEGACY);
	assert_int_equal(cp_suite_by_id(0x009E)->strength, CP_STRENGTH_STRONG);
	/* DES is gone from TLS 1.2 (RFC 5469) */
	assert_int_equal(cp_suite_by_id(0x0009)->versions & CP_VER_TLS12, 0);
}

/*
 * Every suite, and every property, the only other authority we can run:
 * the linked OpenSSL.  Walks the SSL_CTX's full cipher list, then asks
 * SSL_CIPHER_find for each of our code points (that also covers suites
 * OpenSSL compiled in but did not put in the list).
 */
struct ossl_map {
	int nid;
	int ours;
};

static const struct ossl_map kx_map[] = {
	{ NID_kx_rsa, CP_KX_RSA },
	{ NID_kx_dhe, CP_KX_DHE },
	{ NID_kx_dhe, CP_KX_DH_anon },
	{ NID_kx_ecdhe, CP_KX_ECDHE },
	{ NID_kx_ecdhe, CP_KX_ECDH_anon },
	{ NID_kx_psk, CP_KX_PSK },
	{ NID_kx_dhe_psk, CP_KX_DHE_PSK },
	{ NID_kx_rsa_psk, CP_KX_RSA_PSK },
	{ NID_kx_ecdhe_psk, CP_KX_ECDHE_PSK },
	{ NID_kx_srp, CP_KX_SRP },
	{ NID_kx_gost, CP_KX_GOST },
	{ NID_kx_gost18, CP_KX_GOST },
	{ NID_kx_any, CP_KX_TLS13 },
};

static const struct ossl_map au_map[] = {
	{ NID_auth_rsa, CP_AU_RSA },
	{ NID_auth_ecdsa, CP_AU_ECDSA },
	{ NID_auth_dss, CP_AU_DSS },
	{ NID_auth_null, CP_AU_anon },
	{ NID_auth_psk, CP_AU_PSK },
	{ NID_auth_srp, CP_AU_SRP },
	{ NID_auth_gost01, CP_AU_GOST },
	{ NID_auth_gost12, CP_AU_GOST },
	{ NID_auth_any, CP_AU_TLS13 },
	/* IANA-GOST2012-GOST8912-GOST8912 takes either GOST key (aGOST01 |
	 * aGOST12), which OpenSSL reports as no single NID */
	{ NID_undef, CP_AU_GOST },
};

static bool mapped(const struct ossl_map *m, size_t n, int nid, int ours)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].nid == nid && m[i].ours == ours)
			return true;
	return false;
}

struct enc_map {
	int nid;
	enum cp_enc enc;
	enum cp_mode mode;
	enum cp_mode mode2;
};

static const struct enc_map enc_map[] = {
	{ NID_undef, CP_ENC_NULL, CP_MODE_NONE, CP_MODE_NONE },
	{ NID_aes_128_cbc, CP_ENC_AES, CP_MODE_CBC, CP_MODE_CBC },
	{ NID_aes_256_cbc, CP_ENC_AES, CP_MODE_CBC, CP_MODE_CBC },
	{ NID_aes_128_gcm, CP_ENC_AES, CP_MODE_GCM, CP_MODE_GCM },
	{ NID_aes_256_gcm, CP_ENC_AES, CP_MODE_GCM, CP_MODE_GCM },
	{ NID_aes_128_ccm, CP_ENC_AES, CP_MODE_CCM, CP_MODE_CCM8 },
	{ NID_aes_256_ccm, CP_ENC_AES, CP_MODE_CCM, CP_MODE_CCM8 },
	{ NID_chacha20_poly1305, CP_ENC_CHACHA20_POLY1305, CP_MODE_AEAD, CP_MODE_AEAD },
	{ NID_camellia_128_cbc, CP_ENC_CAMELLIA, CP_MODE_CBC, CP_MODE_CBC },
	{ NID_camellia_256_cbc, CP_ENC_CAMELLIA, CP_MODE_CBC, CP_MODE_CBC },
	{ NID_aria_128_gcm, CP_ENC_ARIA, CP_MODE_GCM, CP_MODE_GCM },
	{ NID_aria_256_gcm, CP_ENC_ARIA, CP_MODE_GCM, CP_MODE_GCM },
	{ NID_seed_cbc, CP_ENC_SEED, CP_MODE_CBC, CP_MODE_CBC },
	{ NID_des_ede3_cbc, CP_ENC_3DES, CP_MODE_CBC, CP_MODE_CBC },
	{ NID_des_cbc, CP_ENC_DES, CP_MODE_CBC, CP_MODE_CBC },
	{ NID_rc4, CP_ENC_RC4, CP_MODE_STREAM, CP_MODE_STREAM },
	{ NID_idea_cbc, CP_ENC_IDEA, CP_MODE_CBC, CP_MODE_CBC },
	{ NID_kuznyechik_ctr_acpkm, CP_ENC_GOST, CP_MODE_CTR, CP_MODE_CTR },
	{ NID_magma_ctr_acpkm, CP_ENC_GOST, CP_MODE_CTR, CP_MODE_CTR },
	{ NID_gost89_cnt_12, CP_ENC_GOST, CP_MODE_CTR, CP_MODE_CTR },
};

static void check_against_openssl(const SSL_CIPHER *c, const struct cp_suite *s)
{
	const char *id = SSL_CIPHER_get_name(c);
	int alg_bits = 0;
	size_t k;

	if (s->openssl_name == NULL || strcmp(s->openssl_name, SSL_CIPHER_get_name(c)) != 0)
		fail_msg("0x%04X: openssl_name %s, OpenSSL says %s", s->id,
			 s->openssl_name ? s->openssl_name : "(none)", id);
	/* OpenSSL has no standard name for its GOST suites */
	if (SSL_CIPHER_standard_name(c) != NULL)
		assert_string_equal(s->name, SSL_CIPHER_standard_name(c));
	if (!mapped(kx_map, sizeof kx_map / sizeof kx_map[0], SSL_CIPHER_get_kx_nid(c), s->kx))
		fail_msg("%s: kx %s vs OpenSSL %s", id, cp_kx_name(s->kx),
			 OBJ_nid2sn(SSL_CIPHER_get_kx_nid(c)));
	if (!mapped(au_map, sizeof au_map / sizeof au_map[0], SSL_CIPHER_get_auth_nid(c), s->au))
		fail_msg("%s: au %s vs OpenSSL %s", id, cp_au_name(s->au),
			 OBJ_nid2sn(SSL_CIPHER_get_auth_nid(c)));
	SSL_CIPHER_get_bits(c, &alg_bits);
	if (alg_bits != (int)s->enc_bits)
		fail_msg("%s: bits %u vs OpenSSL %d", id, (unsigned)s->enc_bits, alg_bits);
	bool aead = s->mode == CP_MODE_GCM || s->mode == CP_MODE_CCM || s->mode == CP_MODE_CCM8 ||
		    s->mode == CP_MODE_AEAD || s->mode == CP_MODE_MGM;
	if (aead != (SSL_CIPHER_is_aead(c) != 0))
		fail_msg("%s: AEAD mismatch (mode %s)", id, cp_mode_name(s->mode));
	for (k = 0; k < sizeof enc_map / sizeof enc_map[0]; k++)
		if (enc_map[k].nid == SSL_CIPHER_get_cipher_nid(c))
			break;
	if (k == sizeof enc_map / sizeof enc_map[0])
		fail_msg("%s: OpenSSL cipher %s not in the test's map", id,
			 OBJ_nid2sn(SSL_CIPHER_get_cipher_nid(c)));
	if (enc_map[k].enc != s->enc || (enc_map[k].mode != s->mode && enc_map[k].mode2 != s->mode))
		fail_msg("%s: enc %s %s vs OpenSSL %s", id, cp_enc_name(s->enc),
			 cp_mode_name(s->mode), OBJ_nid2sn(SSL_CIPHER_get_cipher_nid(c)));
	/* MAC for non-AEAD suites; the PRF hash for AEAD ones. */
	int md = aead ? EVP_MD_get_type(SSL_CIPHER_get_handshake_digest(c))
		      : SSL_CIPHER_get_digest_nid(c);
	int want = s->mac == CP_MAC_MD5      ? NID_md5
		   : s->mac == CP_MAC_SHA1   ? NID_sha1
		   : s->mac == CP_MAC_SHA256 ? NID_sha256
		   : s->mac == CP_MAC_SHA384 ? NID_sha384
					     : NID_undef;
	bool gost_mac = md == NID_kuznyechik_mac || md == NID_magma_mac || md == NID_gost_mac_12;
	if (s->mac == CP_MAC_GOST ? !gost_mac : md != want)
		fail_msg("%s: mac %s vs OpenSSL %s", id, cp_mac_name(s->mac), OBJ_nid2sn(md));
	/* Minimum version: OpenSSL spells TLS 1.0 "TLSv1". */
	const char *v = SSL_CIPHER_get_version(c);
	unsigned lowest = s->versions & -s->versions;
	if (strcmp(v, "TLSv1") == 0)
		v = "TLSv1.0";
	if (strcmp(v, cp_version_name(lowest)) != 0)
		fail_msg("%s: lowest version %s vs OpenSSL %s", id, cp_version_name(lowest), v);
	if (s->versions == CP_VER_TLS13)
		assert_string_equal(SSL_CIPHER_get_version(c), "TLSv1.3");
}

/* Loaded for the whole run: the legacy provider brings SEED; loading any
 * provider explicitly turns off the implicit default, so load that too. */
static OSSL_PROVIDER *prov_default, *prov_legacy;

static int providers_load(void **state)
{
	(void)state;
	prov_default = OSSL_PROVIDER_load(NULL, "default");
	prov_legacy = OSSL_PROVIDER_load(NULL, "legacy"); /* may be absent */
	return prov_default != NULL ? 0 : -1;
}

static int providers_unload(void **state)
{
	(void)state;
	if (prov_legacy != NULL)
		OSSL_PROVIDER_unload(prov_legacy);
	if (prov_default != NULL)
		OSSL_PROVIDER_unload(prov_default);
	return 0;
}

static void test_openssl_cross_check(void **state)
{
	SSL_CTX *ctx;
	SSL *ssl;
	STACK_OF(SSL_CIPHER) * sk;
	size_t listed = 0, found = 0, unassigned = 0;
	static bool assigned[0x10000];
	struct csv iana;

	(void)state;
	ctx = SSL_CTX_new(TLS_method());
	assert_non_null(ctx);
	SSL_CTX_set_security_level(ctx, 0);
	assert_int_equal(SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0"), 1);
	assert_int_equal(
		SSL_CTX_set_ciphersuites(
			ctx,
			"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
			"TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"),
		1);
	sk = SSL_CTX_get_ciphers(ctx);
	assert_non_null(sk);
	for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
		const struct cp_suite *s = cp_suite_by_id(SSL_CIPHER_get_protocol_id(c));

		if (s == NULL)
			fail_msg("OpenSSL's %s (0x%04X) is not in the registry",
				 SSL_CIPHER_get_name(c), SSL_CIPHER_get_protocol_id(c));
		check_against_openssl(c, s);
		listed++;
	}
	/* Everything OpenSSL compiled in, listed or not: every code point.
	 * OpenSSL also has suites on code points IANA never assigned (the old
	 * GOST 0x0080-0x0083, private-use 0xFFxx): those are not ours. */
	csv_load("tls-cipher-suites.csv", &iana);
	for (size_t i = 1; i < iana.n; i++) {
		long v = suite_value(iana.rows[i].f[0]);
		if (v >= 0 && !is_unassigned(iana.rows[i].f[1]))
			assigned[v] = true;
	}
	csv_free(&iana);
	ssl = SSL_new(ctx);
	assert_non_null(ssl);
	for (unsigned id = 0; id <= 0xFFFF; id++) {
		unsigned char b[2] = { (unsigned char)(id >> 8), (unsigned char)id };
		const SSL_CIPHER *c = SSL_CIPHER_find(ssl, b);
		const struct cp_suite *s;

		if (c == NULL)
			continue;
		s = cp_suite_by_id((uint16_t)id);
		if (!assigned[id]) {
			assert_null(s);
			unassigned++;
			continue;
		}
		if (s == NULL)
			fail_msg("OpenSSL knows 0x%04X %s; the registry does not", id,
				 SSL_CIPHER_get_name(c));
		if (s->scsv)
			continue;
		check_against_openssl(c, s);
		found++;
	}
	print_message("# OpenSSL %s: %zu listed suites and %zu compiled-in suites match "
		      "(%zu more on code points IANA never assigned)\n",
		      OpenSSL_version(OPENSSL_VERSION_STRING), listed, found, unassigned);
	/* OpenSSL 3.0 lists well over 100 suites; a near-empty walk proves nothing. */
	assert_true(listed >= 100);
	assert_true(found >= listed);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}

static void test_suite_names(void **state)
{
	const struct cp_suite *s = cp_suite_by_id(0xC013);
	char buf[7];

	(void)state;
	assert_ptr_equal(cp_suite_by_name("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), s);
	assert_ptr_equal(cp_suite_by_name("tls_ecdhe_rsa_with_aes_128_cbc_sha"), s);
	assert_ptr_equal(cp_suite_by_name("ECDHE-RSA-AES128-SHA"), s);
	assert_ptr_equal(cp_suite_by_name("ecdhe-rsa-aes128-sha"), s);
	assert_ptr_equal(cp_suite_by_name("0xC013"), s);
	assert_ptr_equal(cp_suite_by_name("0xc013"), s);
	assert_ptr_equal(cp_suite_by_name("0xC0,0x13"), s);
	assert_ptr_equal(cp_suite_by_name("0x2F"), cp_suite_by_id(0x002F));
	assert_null(cp_suite_by_name("0x"));
	assert_null(cp_suite_by_name("0x1C013"));
	assert_null(cp_suite_by_name("0x-1"));
	assert_null(cp_suite_by_name("0xC0,0x1"));
	assert_null(cp_suite_by_name("0x0A0A"));
	assert_null(cp_suite_by_name("ECDHE-RSA-AES128-SHAX"));
	assert_null(cp_suite_by_name(""));
	assert_null(cp_suite_by_name(NULL));
	assert_string_equal(cp_suite_id_str(0xC013, buf), "0xC013");
	assert_string_equal(cp_suite_id_str(0x0004, buf), "0x0004");
}

/* ---- versions (wire values: RFC 6101, 2246, 4346, 5246, 8446) ---- */

static void test_versions(void **state)
{
	static const struct {
		uint16_t wire;
		unsigned bit;
		const char *name;
	} v[] = {
		{ 0x0002, CP_VER_SSL2, "SSLv2" },    { 0x0300, CP_VER_SSL3, "SSLv3" },
		{ 0x0301, CP_VER_TLS10, "TLSv1.0" }, { 0x0302, CP_VER_TLS11, "TLSv1.1" },
		{ 0x0303, CP_VER_TLS12, "TLSv1.2" }, { 0x0304, CP_VER_TLS13, "TLSv1.3" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(cp_version_bit_of(v[i].wire), v[i].bit);
		assert_int_equal(cp_version_wire_of(v[i].bit), v[i].wire);
		assert_string_equal(cp_version_name(v[i].bit), v[i].name);
		assert_int_equal(cp_version_parse(v[i].name), v[i].bit);
	}
	assert_int_equal(cp_version_bit_of(0x0305), 0);
	assert_int_equal(cp_version_bit_of(0x7F1C), 0);
	assert_int_equal(cp_version_wire_of(CP_VER_TLS12 | CP_VER_TLS13), 0);
	assert_null(cp_version_name(0));
	assert_null(cp_version_name(CP_VER_TLS10 | CP_VER_TLS11));

	static const struct {
		const char *s;
		unsigned bit;
	} p[] = {
		{ "tlsv1.2", CP_VER_TLS12 },
		{ "tls1.2", CP_VER_TLS12 },
		{ "tls1_2", CP_VER_TLS12 },
		{ "TLS1-2", CP_VER_TLS12 },
		{ "1.2", CP_VER_TLS12 },
		{ "tls12", CP_VER_TLS12 },
		{ "TLSv1", CP_VER_TLS10 },
		{ "tls1", CP_VER_TLS10 },
		{ "1.0", CP_VER_TLS10 },
		{ "tls1_3", CP_VER_TLS13 },
		{ "1.3", CP_VER_TLS13 },
		{ "tls1-1", CP_VER_TLS11 },
		{ "ssl3", CP_VER_SSL3 },
		{ "SSLv3", CP_VER_SSL3 },
		{ "sslv3", CP_VER_SSL3 },
		{ "SSL3.0", CP_VER_SSL3 },
		{ "ssl2", CP_VER_SSL2 },
		{ "0x0303", CP_VER_TLS12 },
		{ "tls1.4", 0 },
		{ "1.4", 0 },
		{ "12", 0 },
		{ "1", 0 },
		{ "ssl4", 0 },
		{ "tls", 0 },
		{ "", 0 },
		{ "tls1.2x", 0 },
		{ "2.0", 0 },
		{ "0x0305", 0 },
		{ "TLSv1.2 ", 0 },
		{ "tls1..2", 0 },
	};
	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
		if (cp_version_parse(p[i].s) != p[i].bit)
			fail_msg("cp_version_parse(\"%s\") = 0x%x, want 0x%x", p[i].s,
				 cp_version_parse(p[i].s), p[i].bit);
	assert_int_equal(cp_version_parse(NULL), 0);

	assert_int_equal(cp_version_mask_str(CP_VER_TLS10 | CP_VER_TLS12, buf, sizeof buf),
			 strlen("TLSv1.0,TLSv1.2"));
	assert_string_equal(buf, "TLSv1.0,TLSv1.2");
	/* truncation still terminates and reports the full length */
	assert_int_equal(cp_version_mask_str(CP_VER_ALL, buf, 8),
			 strlen("SSLv2,SSLv3,TLSv1.0,TLSv1.1,TLSv1.2,TLSv1.3"));
	assert_int_equal(strlen(buf), 7);
}

/* ---- PAN-OS flags (names and defaults: PANOS.md) ---- */

static void test_panos_flags(void **state)
{
	static const char *const names[CP_PANOS_NFLAGS] = {
		"keyxchg-algo-rsa",     "keyxchg-algo-dhe",
		"keyxchg-algo-ecdhe",   "enc-algo-3des",
		"enc-algo-rc4",         "enc-algo-aes-128-cbc",
		"enc-algo-aes-256-cbc", "enc-algo-aes-128-gcm",
		"enc-algo-aes-256-gcm", "enc-algo-chacha20-poly1305",
		"auth-algo-md5",        "auth-algo-sha1",
		"auth-algo-sha256",     "auth-algo-sha384",
	};

	(void)state;
	for (unsigned i = 0; i < CP_PANOS_NFLAGS; i++) {
		assert_string_equal(cp_panos_flag_name(i), names[i]);
		assert_int_equal(cp_panos_flag_parse(names[i]), 1u << i);
	}
	assert_null(cp_panos_flag_name(CP_PANOS_NFLAGS));
	assert_int_equal(cp_panos_flag_parse("enc-algo-aes-chacha20-poly1305"), 0);
	assert_int_equal(cp_panos_flag_parse("nonsense"), 0);
	assert_int_equal(cp_panos_flag_parse(NULL), 0);
	/* every flag defaults to yes except auth-algo-md5 */
	assert_int_equal(cp_panos_default_flags(),
			 ((1u << CP_PANOS_NFLAGS) - 1) & ~CP_PANOS_AUTH_MD5);

	/* Each decryptable TLS <= 1.2 suite needs exactly one kx, one enc, one auth
	 * flag; TLS 1.3 ones one enc and one auth. */
	size_t n = 0;
	for (size_t i = 0; i < cp_suite_count(); i++) {
		const struct cp_suite *s = cp_suite_at(i);
		uint32_t kx = s->panos & 0x7u, enc = s->panos & 0x3F8u, au = s->panos & 0x3C00u;

		if (s->panos == 0)
			continue;
		n++;
		assert_int_equal(__builtin_popcount(enc), 1);
		assert_int_equal(__builtin_popcount(au), 1);
		assert_int_equal(__builtin_popcount(kx), s->versions == CP_VER_TLS13 ? 0 : 1);
	}
	assert_true(n >= 30);
	/* Not decryptable: PSK, static DH, CCM, Camellia */
	assert_int_equal(cp_suite_by_id(0x008C)->panos, 0);
	assert_int_equal(cp_suite_by_id(0x0030)->panos, 0);
	assert_int_equal(cp_suite_by_id(0xC0AC)->panos, 0);
	assert_int_equal(cp_suite_by_id(0x0041)->panos, 0);
}

/* ---- groups ---- */

static void test_groups_match_iana(void **state)
{
	struct csv c;
	size_t assigned = 0;

	(void)state;
	csv_load("tls-supported-groups.csv", &c);
	for (size_t i = 1; i < c.n; i++) {
		char *end;
		unsigned long id = strtoul(c.rows[i].f[0], &end, 10);
		const struct cp_group *g;
		char name[128];

		if (*end != '\0' || c.rows[i].f[0][0] == '\0' || is_unassigned(c.rows[i].f[1]))
			continue;
		assigned++;
		g = cp_group_by_id((uint16_t)id);
		if (g == NULL)
			fail_msg("IANA group %lu %s missing", id, c.rows[i].f[1]);
		snprintf(name, sizeof name, "%s%s", g->name, g->obsolete ? " (OBSOLETE)" : "");
		assert_string_equal(name, c.rows[i].f[1]);
		assert_int_equal(g->deprecated, strcmp(c.rows[i].f[3], "D") == 0);
		assert_int_equal(g->recommended, strcmp(c.rows[i].f[3], "Y") == 0);
		assert_ptr_equal(cp_group_by_name(g->name), g);
	}
	assert_int_equal(cp_group_count(), assigned);
	for (size_t i = 1; i < cp_group_count(); i++)
		assert_true(cp_group_at(i - 1)->id < cp_group_at(i)->id);
	assert_null(cp_group_at(cp_group_count()));
	csv_free(&c);
}

static void test_group_spot_checks(void **state)
{
	const struct cp_group *g;

	(void)state;
	g = cp_group_by_id(29); /* RFC 8446 4.2.7 */
	assert_string_equal(g->name, "x25519");
	assert_int_equal(g->kind, CP_GROUP_XDH);
	assert_string_equal(g->openssl_name, "X25519");
	assert_int_equal(g->share_len, 32); /* RFC 7748 */
	assert_true(g->tls13);
	g = cp_group_by_id(0x11EC);
	assert_string_equal(g->name, "X25519MLKEM768");
	assert_int_equal(g->kind, CP_GROUP_HYBRID);
	assert_null(g->openssl_name);
	/* draft-kwiatkowski-tls-ecdhe-mlkem: ML-KEM-768 ek (1184, FIPS 203) + 32 */
	assert_int_equal(g->share_len, 1184 + 32);
	assert_true(g->tls13);
	assert_false(g->tls12);
	assert_int_equal(cp_group_by_id(0x11EB)->share_len, 65 + 1184);
	assert_int_equal(cp_group_by_id(0x11ED)->share_len, 97 + 1568);
	assert_int_equal(cp_group_by_id(512)->share_len, 800);
	g = cp_group_by_id(23);
	assert_string_equal(g->name, "secp256r1");
	assert_int_equal(g->share_len, 65);
	assert_int_equal(cp_group_by_id(256)->kind, CP_GROUP_FFDHE);
	assert_int_equal(cp_group_by_id(256)->share_len, 256);
	assert_true(cp_group_by_id(25497)->obsolete);
	assert_string_equal(cp_group_by_id(25497)->name, "X25519Kyber768Draft00");
	assert_false(cp_group_by_id(26)->tls13); /* RFC 8446 dropped them */
	assert_true(cp_group_by_id(31)->tls13);  /* RFC 8734 */
	assert_true(cp_group_by_id(1)->deprecated);
	assert_null(cp_group_by_id(2570)); /* GREASE */

	assert_ptr_equal(cp_group_by_name("X25519"), cp_group_by_id(29));
	assert_ptr_equal(cp_group_by_name("prime256v1"), cp_group_by_id(23));
	assert_ptr_equal(cp_group_by_name("SECP384R1"), cp_group_by_id(24));
	assert_ptr_equal(cp_group_by_name("brainpoolP256r1"), cp_group_by_id(26));
	assert_ptr_equal(cp_group_by_name("29"), cp_group_by_id(29));
	assert_ptr_equal(cp_group_by_name("0x11EC"), cp_group_by_id(4588));
	assert_null(cp_group_by_name("029x"));
	assert_null(cp_group_by_name("nonsense"));
	assert_null(cp_group_by_name(""));
	assert_null(cp_group_by_name(NULL));
	assert_string_equal(cp_group_kind_name(CP_GROUP_HYBRID), "hybrid");
}

/*
 * For every group with an OpenSSL name: OpenSSL 3.0 makes a key with it as
 * registry.h documents, its encoded public key has our share length, and
 * its field size is our bits.
 */
static void test_groups_openssl_keygen(void **state)
{
	size_t checked = 0, named = 0;

	(void)state;
	for (size_t i = 0; i < cp_group_count(); i++) {
		const struct cp_group *g = cp_group_at(i);
		EVP_PKEY_CTX *pctx = NULL;
		EVP_PKEY *pkey = NULL;
		unsigned char *pub = NULL;
		size_t publen;

		if (g->openssl_name == NULL)
			continue;
		named++;
		if (g->kind == CP_GROUP_XDH) {
			pctx = EVP_PKEY_CTX_new_from_name(NULL, g->openssl_name, NULL);
			assert_non_null(pctx);
			assert_int_equal(EVP_PKEY_keygen_init(pctx), 1);
		} else {
			OSSL_PARAM params[2];

			assert_true(g->kind == CP_GROUP_EC || g->kind == CP_GROUP_FFDHE);
			pctx = EVP_PKEY_CTX_new_from_name(
				NULL, g->kind == CP_GROUP_EC ? "EC" : "DH", NULL);
			assert_non_null(pctx);
			assert_int_equal(EVP_PKEY_keygen_init(pctx), 1);
			params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
								     (char *)g->openssl_name, 0);
			params[1] = OSSL_PARAM_construct_end();
			if (EVP_PKEY_CTX_set_params(pctx, params) != 1)
				fail_msg("%s: OpenSSL rejects group %s", g->name, g->openssl_name);
		}
		if (EVP_PKEY_keygen(pctx, &pkey) != 1)
			fail_msg("%s: no key for %s", g->name, g->openssl_name);
		publen = EVP_PKEY_get1_encoded_public_key(pkey, &pub);
		if (publen != g->share_len)
			fail_msg("%s: share_len %zu, OpenSSL encodes %zu", g->name, g->share_len,
				 publen);
		if (g->kind == CP_GROUP_EC) {
			EC_GROUP *ecg = EC_GROUP_new_by_curve_name(OBJ_sn2nid(g->openssl_name));

			assert_non_null(ecg);
			if (EC_GROUP_get_degree(ecg) != (int)g->bits)
				fail_msg("%s: bits %u, field degree %d", g->name, (unsigned)g->bits,
					 EC_GROUP_get_degree(ecg));
			EC_GROUP_free(ecg);
		} else if (g->kind == CP_GROUP_FFDHE) {
			assert_int_equal(EVP_PKEY_get_bits(pkey), g->bits);
		} else {
			/* X25519/X448: the u-coordinate is the key, ceil(bits/8) bytes */
			assert_int_equal((g->bits + 7) / 8, publen);
		}
		OPENSSL_free(pub);
		EVP_PKEY_free(pkey);
		EVP_PKEY_CTX_free(pctx);
		checked++;
	}
	print_message("# OpenSSL generated keys for %zu groups\n", checked);
	assert_int_equal(checked, named);
	/* secp*, sect*, brainpool*, x25519/x448, SM2, ffdhe*: well over 30 */
	assert_true(checked >= 30);
}

/* ---- signature schemes and SSLv2 ---- */

static void test_sigschemes(void **state)
{
	struct csv c;
	size_t assigned = 0;
	const struct cp_sigscheme *s;

	(void)state;
	csv_load("tls-signature-schemes.csv", &c);
	for (size_t i = 1; i < c.n; i++) {
		const char *v = c.rows[i].f[0];
		char *end;
		unsigned long id;

		if (strlen(v) != 6 || strncmp(v, "0x", 2) != 0 || is_unassigned(c.rows[i].f[1]))
			continue;
		id = strtoul(v + 2, &end, 16);
		if (*end != '\0')
			continue;
		assigned++;
		s = cp_sigscheme_by_id((uint16_t)id);
		if (s == NULL)
			fail_msg("IANA signature scheme %s %s missing", v, c.rows[i].f[1]);
		assert_string_equal(s->name, c.rows[i].f[1]);
		assert_int_equal(s->recommended, strcmp(c.rows[i].f[2], "Y") == 0);
	}
	assert_int_equal(cp_sigscheme_count(), assigned);
	for (size_t i = 1; i < cp_sigscheme_count(); i++)
		assert_true(cp_sigscheme_at(i - 1)->id < cp_sigscheme_at(i)->id);
	csv_free(&c);

	s = cp_sigscheme_by_id(0x0804); /* RFC 8446 4.2.3 */
	assert_non_null(s);
	assert_string_equal(s->name, "rsa_pss_rsae_sha256");
	assert_true(s->recommended);
	assert_string_equal(cp_sigscheme_by_id(0x0403)->name, "ecdsa_secp256r1_sha256");
	assert_string_equal(cp_sigscheme_by_id(0x0807)->name, "ed25519");
	assert_null(cp_sigscheme_by_id(0x0202)); /* reserved */
	assert_null(cp_sigscheme_at(cp_sigscheme_count()));
}

/*
 * The probing orders start as ciphersuites/probe-groups.tsv and
 * probe-sigalgs.tsv say they must (most common first: x25519 then
 * secp256r1; Chrome 136's ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256,
 * rsa_pkcs1_sha256), hold each code point once, and name only groups of
 * the registry and signature code points IANA assigned or reserved for
 * backward compatibility (checked against the CSV, not the tables).
 */
static void test_probe_orders(void **state)
{
	struct csv c;
	size_t n;
	const uint16_t *o;

	(void)state;
	o = cp_group_probe_order(&n);
	assert_true(n >= 2);
	assert_int_equal(o[0], 29); /* x25519 */
	assert_int_equal(o[1], 23); /* secp256r1 */
	for (size_t i = 0; i < n; i++) {
		assert_non_null(cp_group_by_id(o[i]));
		for (size_t k = 0; k < i; k++)
			assert_int_not_equal(o[k], o[i]);
	}
	o = cp_sigalg_probe_order(&n);
	assert_true(n >= 3);
	assert_int_equal(o[0], 0x0403); /* ecdsa_secp256r1_sha256 */
	assert_int_equal(o[1], 0x0804); /* rsa_pss_rsae_sha256 */
	assert_int_equal(o[2], 0x0401); /* rsa_pkcs1_sha256 */
	csv_load("tls-signature-schemes.csv", &c);
	for (size_t i = 0; i < n; i++) {
		char v[8];
		bool listed = false;

		snprintf(v, sizeof v, "0x%04X", o[i]);
		for (size_t r = 1; r < c.n; r++)
			if (strcmp(c.rows[r].f[0], v) == 0 &&
			    (!is_unassigned(c.rows[r].f[1]) ||
			     strcmp(c.rows[r].f[1], "Reserved for backward compatibility") == 0))
				listed = true;
		if (!listed)
			fail_msg("probe order %s is not a single IANA code point", v);
		for (size_t k = 0; k < i; k++)
			assert_int_not_equal(o[k], o[i]);
	}
	csv_free(&c);
}

static void test_sslv2(void **state)
{
	/* SSLv2 draft (Hickman 1995), Appendix C */
	static const struct {
		uint32_t id;
		const char *name;
		enum cp_strength st;
	} v[] = {
		{ 0x010080, "SSL_CK_RC4_128_WITH_MD5", CP_STRENGTH_WEAK },
		{ 0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5", CP_STRENGTH_EXPORT },
		{ 0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5", CP_STRENGTH_WEAK },
		{ 0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5", CP_STRENGTH_EXPORT },
		{ 0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5", CP_STRENGTH_WEAK },
		{ 0x060040, "SSL_CK_DES_64_CBC_WITH_MD5", CP_STRENGTH_WEAK },
		{ 0x0700C0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5", CP_STRENGTH_WEAK },
	};

	(void)state;
	assert_int_equal(cp_sslv2_count(), 7);
	for (size_t i = 0; i < 7; i++) {
		const struct cp_sslv2_kind *k = cp_sslv2_by_id(v[i].id);

		assert_non_null(k);
		assert_ptr_equal(cp_sslv2_at(i), k);
		assert_string_equal(k->name, v[i].name);
		assert_int_equal(k->strength, v[i].st);
		assert_non_null(k->openssl_name);
	}
	assert_null(cp_sslv2_by_id(0x080080));
	assert_null(cp_sslv2_at(7));
}

static void test_names(void **state)
{
	(void)state;
	for (int i = 0; i < CP_KX__COUNT; i++)
		assert_string_not_equal(cp_kx_name((enum cp_kx)i), "?");
	for (int i = 0; i < CP_ENC__COUNT; i++)
		assert_string_not_equal(cp_enc_name((enum cp_enc)i), "?");
	assert_string_equal(cp_kx_name(CP_KX_DH_anon), "DH_anon");
	assert_string_equal(cp_strength_name(CP_STRENGTH_LEGACY), "legacy");
	assert_string_equal(cp_kx_name(CP_KX__COUNT), "?");
	assert_string_equal(cp_strength_name(CP_STRENGTH__COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suites_match_iana),
		cmocka_unit_test(test_suites_sorted_unique),
		cmocka_unit_test(test_suite_spot_checks),
		cmocka_unit_test(test_openssl_cross_check),
		cmocka_unit_test(test_suite_names),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_panos_flags),
		cmocka_unit_test(test_groups_match_iana),
		cmocka_unit_test(test_group_spot_checks),
		cmocka_unit_test(test_groups_openssl_keygen),
		cmocka_unit_test(test_sigschemes),
		cmocka_unit_test(test_probe_orders),
		cmocka_unit_test(test_sslv2),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, providers_load, providers_unload);
}
