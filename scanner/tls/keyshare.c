/* SPDX-License-Identifier: MIT */
/*
 * Key shares for TLS 1.3 hellos (RFC 8446 4.2.8).
 *
 * A probe needs a well-formed public value, not a secret one: a server
 * that gets a malformed share answers illegal_parameter or decode_error,
 * which would read as "group refused".  So the cache makes one real key
 * pair per group with OpenSSL, on first use, and hands out the same
 * public value for every later hello.  Which kind of key a group needs,
 * and OpenSSL's name for it, come from the registry.
 *
 * Encodings:
 *   x25519, x448: the raw u-coordinate, 32 / 56 bytes (RFC 7748 5,
 *                 RFC 8446 4.2.8.2);
 *   NIST/brainpool curves: UncompressedPointRepresentation, 0x04 || X || Y
 *                 (RFC 8446 4.2.8.2, RFC 8422 5.4.1);
 *   ffdhe*:       Y left-padded with zeros to the size of the prime
 *                 (RFC 8446 4.2.8.1).
 * ML-KEM and the hybrids need OpenSSL >= 3.5; on 3.0 they are refused.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "registry.h"
#include "tls/hello.h"

/* Far more than the registry's groups; bounds the cache's memory. */
#define KS_MAX_ENTRIES 256

struct ks_entry {
	uint16_t group;
	bool failed; /* remembered, so a group OpenSSL lacks costs one try */
	uint8_t *pub;
	size_t len;
};

struct cp_keyshare_cache {
	struct ks_entry *v;
	size_t n;
	size_t cap;
};

struct cp_keyshare_cache *cp_keyshare_cache_new(void)
{
	return calloc(1, sizeof(struct cp_keyshare_cache));
}

void cp_keyshare_cache_free(struct cp_keyshare_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].pub);
	free(c->v);
	free(c);
}

/* x25519/x448: EVP key type name, raw public key. */
static uint8_t *xdh_public(EVP_PKEY *pk, size_t *len)
{
	uint8_t *buf = NULL;
	size_t n = 0;

	if (EVP_PKEY_get_raw_public_key(pk, NULL, &n) != 1 || n == 0)
		return NULL;
	buf = malloc(n);
	if (!buf)
		return NULL;
	if (EVP_PKEY_get_raw_public_key(pk, buf, &n) != 1) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* EC: the encoded public key, which OpenSSL gives uncompressed by default. */
static uint8_t *ec_public(EVP_PKEY *pk, size_t *len)
{
	uint8_t *buf = NULL;
	size_t n = 0;

	if (EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, NULL, 0, &n) !=
		    1 ||
	    n == 0)
		return NULL;
	buf = malloc(n);
	if (!buf)
		return NULL;
	if (EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf, n, &n) !=
		    1 ||
	    buf[0] != 0x04) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* FFDHE: Y as a big-endian number padded to the prime's length. */
static uint8_t *dh_public(EVP_PKEY *pk, size_t *len)
{
	BIGNUM *y = NULL;
	uint8_t *buf = NULL;
	int plen = EVP_PKEY_get_size(pk); /* DH_size(): bytes of the prime */

	if (plen <= 0 || EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_PUB_KEY, &y) != 1)
		goto out;
	buf = malloc((size_t)plen);
	if (!buf)
		goto out;
	if (BN_bn2binpad(y, buf, plen) != plen) {
		free(buf);
		buf = NULL;
		goto out;
	}
	*len = (size_t)plen;
out:
	BN_free(y);
	return buf;
}

static EVP_PKEY *dh_keygen(const char *group_name)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	EVP_PKEY *pk = NULL;
	OSSL_PARAM params[2];

	if (!ctx)
		return NULL;
	params[0] =
		OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group_name, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_CTX_set_params(ctx, params) != 1 ||
	    EVP_PKEY_generate(ctx, &pk) != 1) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

/* A fresh key pair for group; returns its public share (malloc'd) or NULL. */
static uint8_t *make_share(uint16_t group, size_t *len)
{
	const struct cp_group *g = cp_group_by_id(group);
	EVP_PKEY *pk = NULL;
	uint8_t *pub = NULL;
	size_t n = 0;

	if (!g || !g->openssl_name)
		return NULL;
	switch (g->kind) {
	case CP_GROUP_XDH:
		pk = EVP_PKEY_Q_keygen(NULL, NULL, g->openssl_name);
		if (pk)
			pub = xdh_public(pk, &n);
		break;
	case CP_GROUP_EC:
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", g->openssl_name);
		if (pk)
			pub = ec_public(pk, &n);
		break;
	case CP_GROUP_FFDHE:
		pk = dh_keygen(g->openssl_name);
		if (pk)
			pub = dh_public(pk, &n);
		break;
	case CP_GROUP_KEM:
	case CP_GROUP_HYBRID:
	case CP_GROUP_OTHER: break;
	}
	EVP_PKEY_free(pk);
	/* The registry states the share length; a mismatch is a bug, not a share. */
	if (pub && g->share_len && n != g->share_len) {
		free(pub);
		pub = NULL;
	}
	if (pub)
		*len = n;
	return pub;
}

bool cp_keyshare_supported(uint16_t group)
{
	size_t n = 0;
	uint8_t *pub = make_share(group, &n);

	free(pub);
	return pub != NULL;
}

const uint8_t *cp_keyshare_get(struct cp_keyshare_cache *c, uint16_t group, size_t *len)
{
	struct ks_entry *e = NULL;

	if (!c || !len)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].group == group) {
			e = &c->v[i];
			break;
		}
	}
	if (!e) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 8;
			struct ks_entry *v;

			if (cap > KS_MAX_ENTRIES)
				return NULL;
			v = realloc(c->v, cap * sizeof *v);
			if (!v)
				return NULL;
			c->v = v;
			c->cap = cap;
		}
		e = &c->v[c->n++];
		memset(e, 0, sizeof *e);
		e->group = group;
		e->pub = make_share(group, &e->len);
		e->failed = e->pub == NULL;
	}
	if (e->failed)
		return NULL;
	*len = e->len;
	return e->pub;
}
