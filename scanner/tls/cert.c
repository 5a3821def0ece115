/* SPDX-License-Identifier: MIT */
/* Certificate facts from DER; see cert.h. */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls/cert.h"
#include "util.h"


void cp_cert_facts_clear(struct cp_cert_facts *c)
{
	if (!c)
		return;
	free(c->subject);
	free(c->issuer);
	for (size_t i = 0; i < c->nsans; i++)
		free(c->sans[i]);
	free(c->sans);
	free(c->key_type);
	free(c->curve);
	free(c->sig_alg);
	free(c->not_before);
	free(c->not_after);
	free(c->sha256);
	free(c->missing_issuer);
	free(c->anchor);
	memset(c, 0, sizeof *c);
}

/* Copy n bytes into a new NUL-terminated string. */
static char *memdup0(const void *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/*
 * A name in RFC 2253 form, cut at CP_CERT_MAX_NAME bytes.  With these flags
 * OpenSSL itself writes control bytes and bytes above 0x7f as \XX escapes
 * and values of unknown string types as #hex.  A name that parsed always
 * prints (d2i_X509 already rejects strings it cannot convert, such as
 * invalid UTF-8), so a failure here means memory ran out.
 */
static int name_text(const X509_NAME *name, char **out, char *err, size_t errlen)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long n;
	int rc = -1;

	if (!bio || X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) < 0)
		goto nomem;
	n = BIO_get_mem_data(bio, &data);
	if (n < 0)
		goto nomem;
	if ((unsigned long)n > CP_CERT_MAX_NAME)
		n = CP_CERT_MAX_NAME;
	*out = memdup0(n ? data : "", (size_t)n);
	if (!*out)
		goto nomem;
	rc = 0;
	goto out;
nomem:
	cp_seterr(err, errlen, "out of memory");
out:
	BIO_free(bio);
	return rc;
}

/*
 * A dNSName as sent.  A NUL byte becomes the text "\00": C strings would
 * otherwise show "evil.test\0.good.test" as "evil.test".
 */
static char *dns_text(const ASN1_STRING *s)
{
	const unsigned char *p = ASN1_STRING_get0_data(s);
	size_t n = (size_t)ASN1_STRING_length(s), nul = 0, j = 0;
	char *t;

	for (size_t i = 0; i < n; i++)
		nul += p[i] == 0;
	t = malloc(n + 3 * nul + 1);
	if (!t)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (p[i]) {
			t[j++] = (char)p[i];
		} else {
			memcpy(t + j, "\\00", 3);
			j += 3;
		}
	}
	t[j] = '\0';
	return t;
}

/*
 * The text of one subjectAltName, or *out NULL when it is not a DNS name
 * or an IP address, or an "address" of a length no address family has
 * (8 and 32 bytes are name-constraint masks, not valid here).
 * Returns -1 only when memory runs out.
 */
static int san_text(const GENERAL_NAME *gn, char **out)
{
	char buf[INET6_ADDRSTRLEN];
	const ASN1_OCTET_STRING *ip;
	int af;

	*out = NULL;
	if (gn->type == GEN_DNS) {
		*out = dns_text(gn->d.dNSName);
		return *out ? 0 : -1;
	}
	if (gn->type != GEN_IPADD)
		return 0;
	ip = gn->d.iPAddress;
	if (ASN1_STRING_length(ip) == 4)
		af = AF_INET;
	else if (ASN1_STRING_length(ip) == 16)
		af = AF_INET6;
	else
		return 0;
	if (!inet_ntop(af, ASN1_STRING_get0_data(ip), buf, sizeof buf))
		return 0;
	*out = strdup(buf);
	return *out ? 0 : -1;
}

/*
 * DNS and IP subjectAltNames in certificate order, at most CP_CERT_MAX_SANS.
 * An absent, duplicated or undecodable extension yields no names: the
 * other facts are still worth reporting.
 */
static int sans_collect(const X509 *x, struct cp_cert_facts *c, char *err, size_t errlen)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	int n = gens ? sk_GENERAL_NAME_num(gens) : 0;
	size_t cap = n > 0 ? (size_t)n : 0;
	int rc = -1;

	if (cap == 0) {
		rc = 0;
		goto out;
	}
	if (cap > CP_CERT_MAX_SANS)
		cap = CP_CERT_MAX_SANS;
	c->sans = calloc(cap, sizeof *c->sans);
	if (!c->sans)
		goto nomem;
	for (int i = 0; i < n && c->nsans < cap; i++) {
		char *s;

		if (san_text(sk_GENERAL_NAME_value(gens, i), &s) < 0)
			goto nomem;
		if (s)
			c->sans[c->nsans++] = s;
	}
	if (c->nsans == 0) {
		free(c->sans);
		c->sans = NULL;
	}
	rc = 0;
	goto out;
nomem:
	cp_seterr(err, errlen, "out of memory");
out:
	GENERAL_NAMES_free(gens);
	return rc;
}

/* Our spelling of the key types TLS servers use; NULL for others. */
static const char *key_type_name(const EVP_PKEY *pk)
{
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA: return "RSA";
	case EVP_PKEY_RSA_PSS: return "RSA-PSS";
	case EVP_PKEY_EC: return "EC";
	case EVP_PKEY_ED25519: return "Ed25519";
	case EVP_PKEY_ED448: return "Ed448";
	case EVP_PKEY_DSA: return "DSA";
	case EVP_PKEY_DH: return "DH";
	case EVP_PKEY_DHX: return "DH";
	case EVP_PKEY_X25519: return "X25519";
	case EVP_PKEY_X448: return "X448";
	default: return EVP_PKEY_get0_type_name(pk);
	}
}

/*
 * Key type, size and curve.  A key OpenSSL cannot decode (an algorithm it
 * does not know) is reported by its algorithm OID with 0 bits.
 */
static int key_facts(const X509 *x, struct cp_cert_facts *c, char *err, size_t errlen)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	const char *name = pk ? key_type_name(pk) : NULL;
	char oid[128];

	if (!name) {
		ASN1_OBJECT *alg = NULL;

		name = "unknown";
		if (X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL, X509_get_X509_PUBKEY(x)) == 1 &&
		    alg && OBJ_obj2txt(oid, sizeof oid, alg, 0) > 0)
			name = oid;
	}
	c->key_type = strdup(name);
	if (!c->key_type)
		goto nomem;
	if (!pk)
		return 0;
	if (EVP_PKEY_get_bits(pk) > 0)
		c->key_bits = (unsigned)EVP_PKEY_get_bits(pk);
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC) {
		char group[80];
		size_t glen = 0;

		/* Fails for explicit curve parameters: they have no name. */
		if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
						   sizeof group, &glen)) {
			c->curve = strdup(group);
			if (!c->curve)
				goto nomem;
		}
	}
	return 0;
nomem:
	cp_seterr(err, errlen, "out of memory");
	return -1;
}

/* Long name of the signature algorithm, or its dotted OID when unknown. */
static int sig_alg_text(const X509 *x, struct cp_cert_facts *c, char *err, size_t errlen)
{
	int nid = X509_get_signature_nid(x);
	const char *ln = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
	char oid[128];

	if (!ln) {
		const X509_ALGOR *alg = NULL;
		const ASN1_OBJECT *obj = NULL;

		ln = "unknown";
		X509_get0_signature(NULL, &alg, x);
		if (alg)
			X509_ALGOR_get0(&obj, NULL, NULL, alg);
		if (obj && OBJ_obj2txt(oid, sizeof oid, obj, 1) > 0)
			ln = oid;
	}
	c->sig_alg = strdup(ln);
	if (!c->sig_alg) {
		cp_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* "2026-11-28T03:21:46Z" from a UTCTime or GeneralizedTime. */
static int time_text(const ASN1_TIME *t, const char *what, char **out, char *err, size_t errlen)
{
	struct tm tm;
	char buf[64]; /* room for any int fields, though years stop at 9999 */

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1) {
		cp_seterr(err, errlen, "malformed %s time in the certificate", what);
		return -1;
	}
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	*out = strdup(buf);
	if (!*out) {
		cp_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* SHA-256 of the bytes as sent (not a re-encoding), lowercase hex. */
static int fingerprint(const uint8_t *der, size_t len, struct cp_cert_facts *c, char *err,
		       size_t errlen)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(der, len, md, &mdlen, EVP_sha256(), NULL)) {
		cp_seterr(err, errlen, "cannot compute the SHA-256 fingerprint");
		return -1;
	}
	c->sha256 = malloc(2 * (size_t)mdlen + 1);
	if (!c->sha256) {
		cp_seterr(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned int i = 0; i < mdlen; i++) {
		c->sha256[2 * i] = hex[md[i] >> 4];
		c->sha256[2 * i + 1] = hex[md[i] & 0x0f];
	}
	c->sha256[2 * (size_t)mdlen] = '\0';
	return 0;
}

int cp_cert_facts_from_der(const uint8_t *der, size_t len, size_t chain_len, time_t now,
			   struct cp_cert_facts *out, char *err, size_t errlen)
{
	struct cp_cert_facts c;
	const unsigned char *p = der;
	X509 *x = NULL;
	int rc = -1;

	memset(&c, 0, sizeof c);
	if (!out) {
		cp_seterr(err, errlen, "no output record");
		return -1;
	}
	memset(out, 0, sizeof *out);
	/* Parsing failures push onto the thread's OpenSSL error queue; left
	 * there, they would be misread by the next SSL_get_error() of the
	 * scan that called us.  The mark lets us drop exactly our own. */
	ERR_set_mark();

	if (!der || len == 0) {
		cp_seterr(err, errlen, "empty certificate");
		goto out;
	}
	if (len > CP_CERT_MAX_DER) {
		cp_seterr(err, errlen, "certificate too large: %zu bytes (limit %u)", len,
			  CP_CERT_MAX_DER);
		goto out;
	}
	x = d2i_X509(NULL, &p, (long)len);
	if (!x) {
		const char *why = ERR_reason_error_string(ERR_peek_last_error());

		cp_seterr(err, errlen, "malformed certificate DER (%s)",
			  why ? why : "not a certificate");
		goto out;
	}
	if (p != der + len) {
		cp_seterr(err, errlen, "%zu bytes of trailing data after the certificate",
			  len - (size_t)(p - der));
		goto out;
	}

	if (name_text(X509_get_subject_name(x), &c.subject, err, errlen) < 0 ||
	    name_text(X509_get_issuer_name(x), &c.issuer, err, errlen) < 0 ||
	    sans_collect(x, &c, err, errlen) < 0 || key_facts(x, &c, err, errlen) < 0 ||
	    sig_alg_text(x, &c, err, errlen) < 0 ||
	    time_text(X509_get0_notBefore(x), "notBefore", &c.not_before, err, errlen) < 0 ||
	    time_text(X509_get0_notAfter(x), "notAfter", &c.not_after, err, errlen) < 0 ||
	    fingerprint(der, len, &c, err, errlen) < 0)
		goto out;

	/* The validity period includes both ends (RFC 5280 4.1.2.5). */
	c.expired = ASN1_TIME_cmp_time_t(X509_get0_notAfter(x), now) == -1;
	c.not_yet_valid = ASN1_TIME_cmp_time_t(X509_get0_notBefore(x), now) == 1;
	/* X509_self_signed() rather than X509_check_issued(x, x): the latter
	 * also demands keyCertSign, so a self-signed leaf whose keyUsage lacks
	 * it (the usual "snakeoil" certificate) would not count. */
	c.self_signed = X509_self_signed(x, 1) == 1;
	c.chain_len = chain_len;
	c.present = true;

	*out = c;
	memset(&c, 0, sizeof c);
	rc = 0;
out:
	cp_cert_facts_clear(&c);
	X509_free(x);
	ERR_pop_to_mark();
	return rc;
}
