/* SPDX-License-Identifier: MIT */
/* Certificate facts: every certificate here is made by the test with
 * OpenSSL, so each expected value is a property the test chose (key size,
 * curve, names, dates, signer); the fingerprint is recomputed independently
 * over the DER.  Hostile inputs must fail cleanly with a reason, leave the
 * output zeroed and OpenSSL's error queue untouched, and leak nothing
 * (run under --enable-sanitizers). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls/cert.h"

/* 2025-06-15T15:06:40Z: the scan's "now" in every test. */
#define NOW ((time_t)1750000000)
/* 2023-11-14T22:13:20Z, encoded as UTCTime. */
#define T_PAST ((time_t)1700000000)
/* 2050-01-01T00:00:00Z, the first date encoded as GeneralizedTime. */
#define T_2050 ((time_t)2524608000)

struct keys {
	EVP_PKEY *rsa; /* RSA 2048 */
	EVP_PKEY *ec;  /* P-256 leaf key */
	EVP_PKEY *ca;  /* P-384 CA key, a different curve on purpose */
	EVP_PKEY *ed;  /* Ed25519 */
};

static int keys_setup(void **state)
{
	struct keys *k = calloc(1, sizeof *k);

	if (!k)
		return -1;
	k->rsa = EVP_RSA_gen(2048);
	k->ec = EVP_EC_gen("P-256");
	k->ca = EVP_EC_gen("P-384");
	k->ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	*state = k;
	return k->rsa && k->ec && k->ca && k->ed ? 0 : -1;
}

static int keys_teardown(void **state)
{
	struct keys *k = *state;

	if (k) {
		EVP_PKEY_free(k->rsa);
		EVP_PKEY_free(k->ec);
		EVP_PKEY_free(k->ca);
		EVP_PKEY_free(k->ed);
		free(k);
	}
	return 0;
}

struct spec {
	EVP_PKEY *key;         /* the certificate's key */
	EVP_PKEY *signer;      /* the key that signs it */
	const EVP_MD *md;      /* NULL for Ed25519 */
	const char *cn;        /* subject CN, unless subject is set */
	X509_NAME *subject;    /* a prepared subject (borrowed) */
	const char *issuer_cn; /* NULL: issuer = subject */
	time_t not_before, not_after;
	const char *san;     /* subjectAltName in openssl.cnf syntax */
	GENERAL_NAMES *gens; /* or a prepared SAN list (borrowed) */
	const char *ku;      /* keyUsage in openssl.cnf syntax */
};

static X509_NAME *cn_name(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	assert_non_null(n);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
						    (const unsigned char *)cn, -1, -1, 0),
			 1);
	return n;
}

static void add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/* Build, sign and DER-encode a certificate; the caller frees *der. */
static uint8_t *make_cert(const struct spec *s, size_t *len)
{
	X509 *x = X509_new();
	X509_NAME *subject = s->subject ? s->subject : cn_name(s->cn);
	X509_NAME *issuer = s->issuer_cn ? cn_name(s->issuer_cn) : subject;
	uint8_t *der, *p;
	int n;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 7), 1);
	assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), s->not_before));
	assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), s->not_after));
	assert_int_equal(X509_set_subject_name(x, subject), 1);
	assert_int_equal(X509_set_issuer_name(x, issuer), 1);
	assert_int_equal(X509_set_pubkey(x, s->key), 1);
	if (s->san)
		add_ext(x, NID_subject_alt_name, s->san);
	if (s->gens)
		assert_int_equal(
			X509_add1_ext_i2d(x, NID_subject_alt_name, s->gens, 0, X509V3_ADD_DEFAULT),
			1);
	if (s->ku)
		add_ext(x, NID_key_usage, s->ku);
	assert_true(X509_sign(x, s->signer, s->md) > 0);

	n = i2d_X509(x, NULL);
	assert_true(n > 0);
	der = malloc((size_t)n);
	assert_non_null(der);
	p = der;
	assert_int_equal(i2d_X509(x, &p), n);
	*len = (size_t)n;

	if (issuer != subject)
		X509_NAME_free(issuer);
	if (subject != s->subject)
		X509_NAME_free(subject);
	X509_free(x);
	return der;
}

static void parse_fails(const uint8_t *der, size_t len, const char *why);

static void sha256_hex(const uint8_t *der, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	assert_int_equal(EVP_Digest(der, len, md, &mdlen, EVP_sha256(), NULL), 1);
	assert_int_equal(mdlen, 32);
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Parse what must parse, check the fields every success has. */
static void parse_ok(const uint8_t *der, size_t len, size_t chain_len, struct cp_cert_facts *f)
{
	char err[256] = "";
	char fp[65];

	assert_int_equal(cp_cert_facts_from_der(der, len, chain_len, NOW, f, err, sizeof err), 0);
	assert_true(f->present);
	assert_non_null(f->subject);
	assert_non_null(f->issuer);
	assert_non_null(f->key_type);
	assert_non_null(f->sig_alg);
	assert_non_null(f->not_before);
	assert_non_null(f->not_after);
	sha256_hex(der, len, fp);
	assert_string_equal(f->sha256, fp);
	assert_int_equal(f->chain_len, chain_len);
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_rsa_self_signed(void **state)
{
	struct keys *k = *state;
	struct spec s = {
		.key = k->rsa,
		.signer = k->rsa,
		.md = EVP_sha256(),
		.cn = "rsa.test",
		.not_before = T_PAST,
		.not_after = T_2050,
		.san = "DNS:a.test,DNS:b.test,IP:127.0.0.1",
	};
	struct cp_cert_facts f;
	size_t len;
	uint8_t *der = make_cert(&s, &len);

	parse_ok(der, len, 3, &f);
	assert_string_equal(f.subject, "CN=rsa.test");
	assert_string_equal(f.issuer, "CN=rsa.test");
	assert_int_equal(f.nsans, 3);
	assert_string_equal(f.sans[0], "a.test");
	assert_string_equal(f.sans[1], "b.test");
	assert_string_equal(f.sans[2], "127.0.0.1");
	assert_string_equal(f.key_type, "RSA");
	assert_int_equal(f.key_bits, 2048);
	assert_null(f.curve);
	assert_string_equal(f.sig_alg, "sha256WithRSAEncryption");
	assert_string_equal(f.not_before, "2023-11-14T22:13:20Z");
	assert_string_equal(f.not_after, "2050-01-01T00:00:00Z");
	assert_false(f.expired);
	assert_false(f.not_yet_valid);
	assert_true(f.self_signed);
	cp_cert_facts_clear(&f);
	free(der);
}

static void test_ec_signed_by_ca(void **state)
{
	struct keys *k = *state;
	X509_NAME *subj = X509_NAME_new();
	struct spec s = {
		.key = k->ec,
		.signer = k->ca,
		.md = EVP_sha384(),
		.subject = subj,
		.issuer_cn = "Test CA",
		.not_before = T_PAST,
		.not_after = T_2050,
	};
	struct cp_cert_facts f;
	size_t len;
	uint8_t *der;

	/* Added C, O, CN: RFC 2253 prints the most specific part first. */
	assert_non_null(subj);
	assert_int_equal(X509_NAME_add_entry_by_txt(subj, "C", MBSTRING_ASC,
						    (const unsigned char *)"DE", -1, -1, 0),
			 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(subj, "O", MBSTRING_ASC,
						    (const unsigned char *)"Example, Inc.", -1, -1,
						    0),
			 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC,
						    (const unsigned char *)"leaf.test", -1, -1, 0),
			 1);
	der = make_cert(&s, &len);

	parse_ok(der, len, 2, &f);
	assert_string_equal(f.subject, "CN=leaf.test,O=Example\\, Inc.,C=DE");
	assert_string_equal(f.issuer, "CN=Test CA");
	assert_int_equal(f.nsans, 0);
	assert_null(f.sans);
	assert_string_equal(f.key_type, "EC");
	assert_int_equal(f.key_bits, 256);
	assert_string_equal(f.curve, "prime256v1");
	assert_string_equal(f.sig_alg, "ecdsa-with-SHA384");
	assert_false(f.self_signed);
	cp_cert_facts_clear(&f);
	X509_NAME_free(subj);
	free(der);
}

/* Self-signed needs both halves: same name and its own key's signature. */
static void test_self_signed_rules(void **state)
{
	struct keys *k = *state;
	struct spec other_key = {
		.key = k->ec,
		.signer = k->ca,
		.md = EVP_sha256(),
		.cn = "same.test",
		.issuer_cn = "same.test",
		.not_before = T_PAST,
		.not_after = T_2050,
	};
	/* A leaf whose keyUsage lacks keyCertSign is still self-signed. */
	struct spec leaf_ku = {
		.key = k->ec,
		.signer = k->ec,
		.md = EVP_sha256(),
		.cn = "snakeoil.test",
		.not_before = T_PAST,
		.not_after = T_2050,
		.ku = "critical,digitalSignature",
	};
	/* Signed by its own key but naming another issuer. */
	struct spec other_name = {
		.key = k->ec,
		.signer = k->ec,
		.md = EVP_sha256(),
		.cn = "x.test",
		.issuer_cn = "y.test",
		.not_before = T_PAST,
		.not_after = T_2050,
	};
	struct cp_cert_facts f;
	size_t len;
	uint8_t *der;

	der = make_cert(&other_key, &len);
	parse_ok(der, len, 1, &f);
	assert_string_equal(f.subject, f.issuer);
	assert_false(f.self_signed);
	cp_cert_facts_clear(&f);
	free(der);

	der = make_cert(&leaf_ku, &len);
	parse_ok(der, len, 1, &f);
	assert_true(f.self_signed);
	cp_cert_facts_clear(&f);
	free(der);

	der = make_cert(&other_name, &len);
	parse_ok(der, len, 1, &f);
	assert_false(f.self_signed);
	cp_cert_facts_clear(&f);
	free(der);
}

static void test_ed25519(void **state)
{
	struct keys *k = *state;
	struct spec s = {
		.key = k->ed,
		.signer = k->ed,
		.md = NULL,
		.cn = "ed.test",
		.not_before = T_PAST,
		.not_after = T_2050,
		/* Only DNS and IP names are kept, in certificate order. */
		.san = "email:who@ed.test,IP:2001:db8::1,URI:https://ed.test/,DNS:c.test",
	};
	struct cp_cert_facts f;
	size_t len;
	uint8_t *der = make_cert(&s, &len);

	parse_ok(der, len, 1, &f);
	assert_string_equal(f.key_type, "Ed25519");
	assert_int_equal(f.key_bits, EVP_PKEY_get_bits(k->ed));
	assert_null(f.curve);
	assert_string_equal(f.sig_alg, "ED25519");
	assert_true(f.self_signed);
	assert_int_equal(f.nsans, 2);
	assert_string_equal(f.sans[0], "2001:db8::1");
	assert_string_equal(f.sans[1], "c.test");
	cp_cert_facts_clear(&f);
	free(der);
}

/* Validity against `now`, both ends inclusive. */
static void test_validity(void **state)
{
	struct keys *k = *state;
	static const struct {
		time_t nb, na;
		bool expired, not_yet_valid;
		const char *nb_text, *na_text;
	} cases[] = {
		{ T_PAST, NOW - 1, true, false, "2023-11-14T22:13:20Z", "2025-06-15T15:06:39Z" },
		{ T_PAST, NOW, false, false, "2023-11-14T22:13:20Z", "2025-06-15T15:06:40Z" },
		{ NOW + 1, T_2050, false, true, "2025-06-15T15:06:41Z", "2050-01-01T00:00:00Z" },
		{ NOW, T_2050, false, false, "2025-06-15T15:06:40Z", "2050-01-01T00:00:00Z" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct spec s = {
			.key = k->ec,
			.signer = k->ec,
			.md = EVP_sha256(),
			.cn = "time.test",
			.not_before = cases[i].nb,
			.not_after = cases[i].na,
		};
		struct cp_cert_facts f;
		size_t len;
		uint8_t *der = make_cert(&s, &len);

		parse_ok(der, len, 1, &f);
		assert_string_equal(f.not_before, cases[i].nb_text);
		assert_string_equal(f.not_after, cases[i].na_text);
		assert_int_equal(f.expired, cases[i].expired);
		assert_int_equal(f.not_yet_valid, cases[i].not_yet_valid);
		cp_cert_facts_clear(&f);
		free(der);
	}
}

/*
 * A subject carrying a terminal escape and bytes 0xff 0xfe, as a raw
 * TeletexString (one byte per character, so any byte is legal).  OpenSSL's
 * RFC 2253 printing hex-escapes them; nothing raw reaches the record.
 */
static void test_hostile_subject(void **state)
{
	struct keys *k = *state;
	static const unsigned char cn[] = "evil\x1b[31m\xff\xfe";
	X509_NAME *subj = X509_NAME_new();
	struct spec s = {
		.key = k->ec,
		.signer = k->ca,
		.md = EVP_sha256(),
		.subject = subj,
		.issuer_cn = "Test CA",
		.not_before = T_PAST,
		.not_after = T_2050,
	};
	struct cp_cert_facts f;
	size_t len;
	uint8_t *der;

	assert_non_null(subj);
	assert_int_equal(X509_NAME_add_entry_by_txt(subj, "CN", V_ASN1_T61STRING, cn,
						    (int)sizeof cn - 1, -1, 0),
			 1);
	der = make_cert(&s, &len);

	parse_ok(der, len, 1, &f);
	/* ESC is \1B; T61 0xff/0xfe are U+00FF/U+00FE, UTF-8 C3 BF / C3 BE. */
	assert_string_equal(f.subject, "CN=evil\\1B[31m\\C3\\BF\\C3\\BE");
	for (const char *p = f.subject; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
	cp_cert_facts_clear(&f);
	X509_NAME_free(subj);
	free(der);
}

/*
 * The same bytes in a UTF8String are not UTF-8.  OpenSSL will not encode
 * such a name, so patch valid placeholder bytes in the DER: the parser
 * rejects the certificate (as a TLS client would) rather than print it.
 */
static void test_invalid_utf8_subject(void **state)
{
	struct keys *k = *state;
	static const unsigned char cn[] = "evil\x1b[31m@@";
	X509_NAME *subj = X509_NAME_new();
	struct spec s = {
		.key = k->ec,
		.signer = k->ca,
		.md = EVP_sha256(),
		.subject = subj,
		.issuer_cn = "Test CA",
		.not_before = T_PAST,
		.not_after = T_2050,
	};
	size_t len, patched = 0;
	uint8_t *der;

	assert_non_null(subj);
	assert_int_equal(X509_NAME_add_entry_by_txt(subj, "CN", V_ASN1_UTF8STRING, cn,
						    (int)sizeof cn - 1, -1, 0),
			 1);
	der = make_cert(&s, &len);
	for (size_t i = 0; i + 1 < len; i++)
		if (der[i] == '@' && der[i + 1] == '@') {
			der[i] = 0xff;
			der[i + 1] = 0xfe;
			patched++;
		}
	assert_int_equal(patched, 1);
	parse_fails(der, len, "malformed");
	X509_NAME_free(subj);
	free(der);
}

/* A certificate with an empty subject (names only in SANs) still parses. */
static void test_empty_subject(void **state)
{
	struct keys *k = *state;
	X509_NAME *subj = X509_NAME_new();
	struct spec s = {
		.key = k->ec,
		.signer = k->ca,
		.md = EVP_sha256(),
		.subject = subj,
		.issuer_cn = "Test CA",
		.not_before = T_PAST,
		.not_after = T_2050,
		.san = "DNS:only-san.test",
	};
	struct cp_cert_facts f;
	size_t len;
	uint8_t *der;

	assert_non_null(subj);
	der = make_cert(&s, &len);
	parse_ok(der, len, 1, &f);
	assert_string_equal(f.subject, "");
	assert_string_equal(f.issuer, "CN=Test CA");
	assert_int_equal(f.nsans, 1);
	assert_string_equal(f.sans[0], "only-san.test");
	cp_cert_facts_clear(&f);
	X509_NAME_free(subj);
	free(der);
}

/* A 2000-byte CN is cut to the 1024-byte cap. */
static void test_subject_cap(void **state)
{
	struct keys *k = *state;
	unsigned char cn[2000];
	X509_NAME *subj = X509_NAME_new();
	struct spec s = {
		.key = k->ec,
		.signer = k->ec,
		.md = EVP_sha256(),
		.subject = subj,
		.not_before = T_PAST,
		.not_after = T_2050,
	};
	struct cp_cert_facts f;
	size_t len;
	uint8_t *der;

	memset(cn, 'a', sizeof cn);
	assert_non_null(subj);
	assert_int_equal(X509_NAME_add_entry_by_txt(subj, "CN", V_ASN1_UTF8STRING, cn,
						    (int)sizeof cn, -1, 0),
			 1);
	der = make_cert(&s, &len);

	parse_ok(der, len, 1, &f);
	assert_int_equal(strlen(f.subject), CP_CERT_MAX_NAME);
	assert_int_equal(strlen(f.issuer), CP_CERT_MAX_NAME);
	assert_memory_equal(f.subject, "CN=aaaa", 7);
	assert_int_equal(strspn(f.subject + 3, "a"), CP_CERT_MAX_NAME - 3);
	assert_true(f.self_signed);
	cp_cert_facts_clear(&f);
	X509_NAME_free(subj);
	free(der);
}

static GENERAL_NAME *dns_gen(const char *name, size_t n)
{
	GENERAL_NAME *gn = GENERAL_NAME_new();
	ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();

	assert_non_null(gn);
	assert_non_null(ia5);
	assert_int_equal(ASN1_STRING_set(ia5, name, (int)n), 1);
	GENERAL_NAME_set0_value(gn, GEN_DNS, ia5);
	return gn;
}

/* 150 DNS names are capped at 100; a NUL inside a name stays visible. */
static void test_san_cap_and_nul(void **state)
{
	struct keys *k = *state;
	static const char nul_name[] = "evil.test\0.good.test";
	GENERAL_NAMES *gens = GENERAL_NAMES_new();
	struct spec s = {
		.key = k->ec,
		.signer = k->ec,
		.md = EVP_sha256(),
		.cn = "many.test",
		.not_before = T_PAST,
		.not_after = T_2050,
		.gens = gens,
	};
	struct cp_cert_facts f;
	char name[32];
	size_t len;
	uint8_t *der;

	assert_non_null(gens);
	assert_true(sk_GENERAL_NAME_push(gens, dns_gen(nul_name, sizeof nul_name - 1)) > 0);
	for (int i = 1; i < 150; i++) {
		snprintf(name, sizeof name, "h%d.test", i);
		assert_true(sk_GENERAL_NAME_push(gens, dns_gen(name, strlen(name))) > 0);
	}
	der = make_cert(&s, &len);

	parse_ok(der, len, 1, &f);
	assert_int_equal(f.nsans, CP_CERT_MAX_SANS);
	assert_string_equal(f.sans[0], "evil.test\\00.good.test");
	for (size_t i = 1; i < f.nsans; i++) {
		snprintf(name, sizeof name, "h%zu.test", i);
		assert_string_equal(f.sans[i], name);
	}
	cp_cert_facts_clear(&f);
	GENERAL_NAMES_free(gens);
	free(der);
}

/* A failed parse: -1, a reason containing `why`, *out zero, queue clean. */
static void parse_fails(const uint8_t *der, size_t len, const char *why)
{
	struct cp_cert_facts f, zero;
	char err[256] = "";

	memset(&zero, 0, sizeof zero);
	memset(&f, 0xa5, sizeof f);
	assert_int_equal(cp_cert_facts_from_der(der, len, 1, NOW, &f, err, sizeof err), -1);
	assert_memory_equal(&f, &zero, sizeof f);
	assert_true(err[0] != '\0');
	if (why && !strstr(err, why))
		fail_msg("error \"%s\" does not mention \"%s\"", err, why);
	assert_int_equal(ERR_peek_error(), 0);
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_malformed(void **state)
{
	struct keys *k = *state;
	struct spec s = {
		.key = k->rsa,
		.signer = k->rsa,
		.md = EVP_sha256(),
		.cn = "rsa.test",
		.not_before = T_PAST,
		.not_after = T_2050,
		.san = "DNS:a.test",
	};
	size_t len;
	uint8_t *der = make_cert(&s, &len);
	uint8_t *big = calloc(1, 70 * 1024);
	uint8_t rnd[600];
	uint32_t seed = 0x2545f491;

	assert_non_null(big);
	parse_fails(NULL, 0, "empty");
	parse_fails(der, 0, "empty");
	for (size_t n = 1; n < len; n++)
		parse_fails(der, n, "malformed");

	/* Trailing bytes after a valid certificate, including a second copy. */
	memcpy(big, der, len);
	parse_fails(big, len + 1, "trailing");
	parse_fails(big, len + 100, "trailing");
	memcpy(big + len, der, len);
	parse_fails(big, 2 * len, "trailing");
	parse_fails(big, CP_CERT_MAX_DER, "trailing");
	parse_fails(big, CP_CERT_MAX_DER + 1, "too large");
	parse_fails(big, 70 * 1024, "too large");

	for (int i = 0; i < 500; i++) {
		size_t n = 1 + xorshift(&seed) % sizeof rnd;

		for (size_t j = 0; j < n; j++)
			rnd[j] = (uint8_t)xorshift(&seed);
		/* Half of them start like a certificate to get past the first tag. */
		if (i % 2 && n >= 4) {
			rnd[0] = 0x30;
			rnd[1] = 0x82;
			rnd[2] = (uint8_t)((n - 4) >> 8);
			rnd[3] = (uint8_t)(n - 4);
		}
		parse_fails(rnd, n, NULL);
	}
	free(big);
	free(der);
}

/* One bit flipped at every position: a clean success or a clean failure. */
static void test_bitflips(void **state)
{
	struct keys *k = *state;
	struct spec s = {
		.key = k->ec,
		.signer = k->ca,
		.md = EVP_sha256(),
		.cn = "flip.test",
		.issuer_cn = "Test CA",
		.not_before = T_PAST,
		.not_after = T_2050,
		.san = "DNS:flip.test,IP:10.0.0.1",
	};
	size_t len;
	uint8_t *der = make_cert(&s, &len);
	unsigned ok = 0;

	for (size_t i = 0; i < len; i++) {
		struct cp_cert_facts f;
		char err[128] = "";

		der[i] ^= (uint8_t)(1u << (i % 8));
		if (cp_cert_facts_from_der(der, len, 1, NOW, &f, err, sizeof err) == 0) {
			assert_true(f.present);
			assert_non_null(f.subject);
			assert_non_null(f.not_after);
			assert_non_null(f.sha256);
			cp_cert_facts_clear(&f);
			ok++;
		} else {
			assert_false(f.present);
			assert_null(f.subject);
			assert_true(err[0] != '\0');
		}
		assert_int_equal(ERR_peek_error(), 0);
		der[i] ^= (uint8_t)(1u << (i % 8));
	}
	/* Flips inside the signature value still parse. */
	assert_true(ok > 0);
	free(der);
}

/* The caller's queued OpenSSL errors survive; err may be NULL or short. */
static void test_error_plumbing(void **state)
{
	struct cp_cert_facts f;
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01 };
	char small[8];
	unsigned long e;

	(void)state;
	ERR_raise(ERR_LIB_USER, 42);
	assert_int_equal(cp_cert_facts_from_der(junk, sizeof junk, 1, NOW, &f, NULL, 0), -1);
	e = ERR_get_error();
	assert_int_equal(ERR_GET_LIB(e), ERR_LIB_USER);
	assert_int_equal(ERR_GET_REASON(e), 42);
	assert_int_equal(ERR_get_error(), 0);

	memset(small, 'x', sizeof small);
	assert_int_equal(cp_cert_facts_from_der(junk, sizeof junk, 1, NOW, &f, small, sizeof small),
			 -1);
	assert_true(strlen(small) < sizeof small);
	assert_int_equal(
		cp_cert_facts_from_der(junk, sizeof junk, 1, NOW, NULL, small, sizeof small), -1);

	cp_cert_facts_clear(NULL);
	memset(&f, 0, sizeof f);
	cp_cert_facts_clear(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_self_signed),
		cmocka_unit_test(test_ec_signed_by_ca),
		cmocka_unit_test(test_self_signed_rules),
		cmocka_unit_test(test_ed25519),
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_hostile_subject),
		cmocka_unit_test(test_invalid_utf8_subject),
		cmocka_unit_test(test_empty_subject),
		cmocka_unit_test(test_subject_cap),
		cmocka_unit_test(test_san_cap_and_nul),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_bitflips),
		cmocka_unit_test(test_error_plumbing),
	};

	return cmocka_run_group_tests(tests, keys_setup, keys_teardown);
}
