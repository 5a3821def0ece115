/* SPDX-License-Identifier: MIT */
/* Certificates and key shares with OpenSSL 3; see tf_keys.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tf_keys.h"

#define TF_NGROUPS_MAX 64

struct tf_blob {
	uint8_t *p;
	size_t len;
};

struct tf_keys {
	EVP_PKEY *key[2];                     /* by enum tf_cert */
	struct tf_blob cert[2][2];            /* [type][evil] */
	struct tf_blob share[TF_NGROUPS_MAX]; /* by tf_group_at() index */
	struct tf_blob dh_p, dh_g, dh_ys;
};

int tf_random(void *buf, size_t n)
{
	if (n > (size_t)INT32_MAX)
		return -1;
	return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

struct tf_keys *tf_keys_new(void)
{
	return calloc(1, sizeof(struct tf_keys));
}

static void blob_free(struct tf_blob *b)
{
	OPENSSL_free(b->p);
	b->p = NULL;
	b->len = 0;
}

void tf_keys_free(struct tf_keys *k)
{
	if (!k)
		return;
	for (int t = 0; t < 2; t++) {
		EVP_PKEY_free(k->key[t]);
		blob_free(&k->cert[t][0]);
		blob_free(&k->cert[t][1]);
	}
	for (size_t i = 0; i < TF_NGROUPS_MAX; i++)
		blob_free(&k->share[i]);
	blob_free(&k->dh_p);
	blob_free(&k->dh_g);
	blob_free(&k->dh_ys);
	free(k);
}

/*
 * The evil subject: an SGR colour escape and the bytes 0xff 0xfe (never
 * valid UTF-8) in the CN, an OSC title-setting escape and a clear-screen
 * in the O.  The CN is a TeletexString of raw bytes: OpenSSL 3 refuses to
 * encode (and to parse) a UTF8String that is not UTF-8, but a T61String
 * may hold any byte, so a printer that copies the bytes out writes 0xff
 * 0xfe to the terminal.  The O is a UTF8String: escapes are valid UTF-8.
 */
static const char evil_cn[] = "\x1b[31mtlsfake\xff\xfe.test\x1b[0m";
static const char evil_o[] = "\x1b]0;owned\x07tlsfake\x1b[2J";

static int add_name(X509_NAME *n, const char *field, int type, const char *v)
{
	return X509_NAME_add_entry_by_txt(n, field, type, (const unsigned char *)v, (int)strlen(v),
					  -1, 0) == 1
		       ? 0
		       : -1;
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

/* Makes a self-signed certificate valid from yesterday for a year. */
static int make_cert(EVP_PKEY *key, int evil, struct tf_blob *out)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	BIGNUM *serial = BN_new();
	unsigned char *der = NULL;
	int len, rc = -1;

	if (!x || !name || !serial)
		goto out;
	if (X509_set_version(x, 2) != 1 ||
	    BN_rand(serial, 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
	    !BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -86400L) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400L))
		goto out;
	if (evil) {
		if (add_name(name, "CN", V_ASN1_T61STRING, evil_cn) ||
		    add_name(name, "O", V_ASN1_UTF8STRING, evil_o))
			goto out;
	} else if (add_name(name, "CN", MBSTRING_ASC, "tlsfake.test") ||
		   add_name(name, "O", MBSTRING_ASC, "tlsfake")) {
		goto out;
	}
	if (X509_set_subject_name(x, name) != 1 || X509_set_issuer_name(x, name) != 1 ||
	    X509_set_pubkey(x, key) != 1 || add_ext(x, NID_subject_alt_name, "DNS:tlsfake.test") ||
	    add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
	    X509_sign(x, key, EVP_sha256()) <= 0)
		goto out;
	len = i2d_X509(x, &der);
	if (len <= 0)
		goto out;
	out->p = der;
	out->len = (size_t)len;
	rc = 0;
out:
	BN_free(serial);
	X509_NAME_free(name);
	X509_free(x);
	return rc;
}

int tf_keys_cert(struct tf_keys *k, enum tf_cert type, int evil, const uint8_t **der, size_t *len)
{
	int t = type == TF_CERT_ECDSA ? 1 : 0;
	struct tf_blob *b = &k->cert[t][evil ? 1 : 0];

	if (!b->p) {
		if (!k->key[t])
			k->key[t] = t ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
		if (!k->key[t] || make_cert(k->key[t], evil, b))
			return -1;
	}
	*der = b->p;
	*len = b->len;
	return 0;
}

/* A fresh key pair's encoded public value (point, raw key or padded Y). */
static int gen_public(const char *alg, const char *param, struct tf_blob *out)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
	EVP_PKEY *key = NULL;
	unsigned char *pub = NULL;
	size_t n;
	int rc = -1;

	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0)
		goto out;
	if (param && EVP_PKEY_CTX_set_group_name(ctx, param) <= 0)
		goto out;
	if (EVP_PKEY_generate(ctx, &key) <= 0)
		goto out;
	n = EVP_PKEY_get1_encoded_public_key(key, &pub);
	if (n == 0)
		goto out;
	out->p = pub;
	out->len = n;
	rc = 0;
out:
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

static int make_share(const struct tf_group *g, struct tf_blob *out)
{
	struct tf_blob classic = { NULL, 0 };
	size_t total = tf_group_share_len(g);
	uint8_t *p;

	if (g->classic_len) {
		if (gen_public(g->alg, g->param, &classic))
			return -1;
		if (classic.len != g->classic_len) {
			blob_free(&classic);
			return -1;
		}
	}
	p = OPENSSL_malloc(total);
	if (!p) {
		blob_free(&classic);
		return -1;
	}
	if (g->kem_first) {
		if (tf_random(p, g->kem_len))
			goto fail;
		if (classic.len)
			memcpy(p + g->kem_len, classic.p, classic.len);
	} else {
		memcpy(p, classic.p, classic.len);
		if (tf_random(p + classic.len, g->kem_len))
			goto fail;
	}
	blob_free(&classic);
	out->p = p;
	out->len = total;
	return 0;
fail:
	OPENSSL_free(p);
	blob_free(&classic);
	return -1;
}

int tf_keys_share(struct tf_keys *k, const struct tf_group *g, const uint8_t **p, size_t *len)
{
	size_t i;

	for (i = 0; i < tf_group_count() && i < TF_NGROUPS_MAX; i++)
		if (tf_group_at(i) == g)
			break;
	if (i == tf_group_count() || i == TF_NGROUPS_MAX)
		return -1;
	if (!k->share[i].p && make_share(g, &k->share[i]))
		return -1;
	*p = k->share[i].p;
	*len = k->share[i].len;
	return 0;
}

static int bn_param(EVP_PKEY *key, const char *name, struct tf_blob *out)
{
	BIGNUM *bn = NULL;
	int n, rc = -1;

	if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
		return -1;
	n = BN_num_bytes(bn);
	out->p = OPENSSL_malloc(n > 0 ? (size_t)n : 1);
	if (out->p && BN_bn2bin(bn, out->p) == n) {
		out->len = (size_t)n;
		rc = 0;
	}
	BN_free(bn);
	return rc;
}

int tf_keys_dhe(struct tf_keys *k, const uint8_t **p, size_t *plen, const uint8_t **gen,
		size_t *glen, const uint8_t **ys, size_t *ylen)
{
	if (!k->dh_ys.p) {
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
		EVP_PKEY *key = NULL;
		int ok = ctx && EVP_PKEY_keygen_init(ctx) > 0 &&
			 EVP_PKEY_CTX_set_group_name(ctx, "ffdhe2048") > 0 &&
			 EVP_PKEY_generate(ctx, &key) > 0 &&
			 bn_param(key, OSSL_PKEY_PARAM_FFC_P, &k->dh_p) == 0 &&
			 bn_param(key, OSSL_PKEY_PARAM_FFC_G, &k->dh_g) == 0;

		if (ok) {
			unsigned char *pub = NULL;
			size_t n = EVP_PKEY_get1_encoded_public_key(key, &pub);

			ok = n > 0;
			k->dh_ys.p = pub;
			k->dh_ys.len = n;
		}
		EVP_PKEY_free(key);
		EVP_PKEY_CTX_free(ctx);
		if (!ok) {
			blob_free(&k->dh_p);
			blob_free(&k->dh_g);
			blob_free(&k->dh_ys);
			return -1;
		}
	}
	*p = k->dh_p.p;
	*plen = k->dh_p.len;
	*gen = k->dh_g.p;
	*glen = k->dh_g.len;
	*ys = k->dh_ys.p;
	*ylen = k->dh_ys.len;
	return 0;
}
