/* SPDX-License-Identifier: MIT */
/* Certificate chain verification against a trust store; see chain.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "tls/cert.h"
#include "tls/chain.h"
#include "util.h"

struct cp_trust {
	X509_STORE *store;
	STACK_OF(X509) * pub;   /* references: from the default public bundle */
	STACK_OF(X509) * admin; /* references: given by the administrator */
};

struct cp_trust *cp_trust_new(void)
{
	struct cp_trust *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->store = X509_STORE_new();
	t->pub = sk_X509_new_null();
	t->admin = sk_X509_new_null();
	if (!t->store || !t->pub || !t->admin) {
		cp_trust_free(t);
		return NULL;
	}
	return t;
}

void cp_trust_free(struct cp_trust *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	sk_X509_pop_free(t->pub, X509_free);
	sk_X509_pop_free(t->admin, X509_free);
	free(t);
}

size_t cp_trust_count(const struct cp_trust *t)
{
	if (!t)
		return 0;
	return (size_t)sk_X509_num(t->pub) + (size_t)sk_X509_num(t->admin);
}

/* Whether the end of a PEM read is a clean end of file (no further block). */
static bool pem_eof(void)
{
	unsigned long e = ERR_peek_last_error();

	return e && ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
}

int cp_trust_add_file(struct cp_trust *t, const char *path, enum cp_trust_origin origin, char *err,
		      size_t errlen)
{
	STACK_OF(X509) *got = NULL;
	BIO *bio = NULL;
	X509 *x = NULL;
	struct stat st;
	int rc = -1;

	ERR_set_mark();
	if (!t || !path) {
		cp_seterr(err, errlen, "no trust store or file");
		goto out;
	}
	if (stat(path, &st) < 0) {
		cp_seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		cp_seterr(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((uintmax_t)st.st_size > CP_TRUST_MAX_FILE_BYTES) {
		cp_seterr(err, errlen, "%s: too large (%jd bytes, limit %u)", path,
			  (intmax_t)st.st_size, CP_TRUST_MAX_FILE_BYTES);
		goto out;
	}
	bio = BIO_new_file(path, "r");
	if (!bio) {
		cp_seterr(err, errlen, "%s: %s", path, errno ? strerror(errno) : "cannot open");
		goto out;
	}
	got = sk_X509_new_null();
	if (!got)
		goto nomem;
	for (;;) {
		ERR_set_mark();
		x = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL);
		if (!x) {
			bool eof = pem_eof();
			ERR_pop_to_mark();
			if (eof)
				break;
			cp_seterr(err, errlen, "%s: certificate %d does not parse", path,
				  sk_X509_num(got) + 1);
			goto out;
		}
		ERR_pop_to_mark();
		if ((unsigned)sk_X509_num(got) >= CP_TRUST_MAX_FILE_CERTS) {
			cp_seterr(err, errlen, "%s: more than %u certificates", path,
				  CP_TRUST_MAX_FILE_CERTS);
			goto out;
		}
		if (!sk_X509_push(got, x))
			goto nomem;
		x = NULL;
	}
	if (sk_X509_num(got) == 0) {
		cp_seterr(err, errlen, "%s: no PEM certificate (-----BEGIN CERTIFICATE-----) in it",
			  path);
		goto out;
	}
	/* Room first, so that a failure below leaves the store as it was
	 * (the lists at least; X509_STORE has no removal). */
	STACK_OF(X509) *list = origin == CP_TRUST_PUBLIC ? t->pub : t->admin;
	if (!sk_X509_reserve(list, sk_X509_num(list) + sk_X509_num(got)))
		goto nomem;
	for (int i = 0; i < sk_X509_num(got); i++) {
		X509 *c = sk_X509_value(got, i);
		/* a duplicate is not an error (OpenSSL 3 ignores it) */
		if (!X509_STORE_add_cert(t->store, c))
			goto nomem;
	}
	for (int i = 0; i < sk_X509_num(got); i++) {
		X509 *c = sk_X509_value(got, i);
		if (!X509_up_ref(c))
			goto nomem;
		sk_X509_push(list, c); /* cannot fail: reserved above */
	}
	rc = sk_X509_num(got);
	goto out;
nomem:
	cp_seterr(err, errlen, "%s: out of memory", path);
out:
	X509_free(x);
	sk_X509_pop_free(got, X509_free);
	BIO_free(bio);
	ERR_pop_to_mark();
	return rc;
}

int cp_trust_add_default(struct cp_trust *t, char *err, size_t errlen)
{
	return cp_trust_add_file(t, CP_TRUST_DEFAULT_BUNDLE, CP_TRUST_PUBLIC, err, errlen);
}

const char *cp_chain_error_name(unsigned bit)
{
	switch (bit) {
	case CP_CHAIN_INCOMPLETE: return "incomplete-chain";
	case CP_CHAIN_UNKNOWN_ROOT: return "unknown-root";
	case CP_CHAIN_SELF_SIGNED: return "self-signed";
	case CP_CHAIN_EXPIRED: return "expired";
	case CP_CHAIN_NOT_YET_VALID: return "not-yet-valid";
	case CP_CHAIN_NAME_MISMATCH: return "name-mismatch";
	case CP_CHAIN_INVALID: return "invalid";
	default: return NULL;
	}
}

/* A name in RFC 2253 form, cut at CP_CERT_MAX_NAME bytes (as tls/cert.c
 * writes subject and issuer); NULL when memory runs out. */
static char *name_text(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *s = NULL;
	long n;

	if (!bio || X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) < 0)
		goto out;
	n = BIO_get_mem_data(bio, &data);
	if (n < 0)
		goto out;
	if ((unsigned long)n > CP_CERT_MAX_NAME)
		n = CP_CERT_MAX_NAME;
	s = malloc((size_t)n + 1);
	if (!s)
		goto out;
	if (n)
		memcpy(s, data, (size_t)n);
	s[n] = '\0';
out:
	BIO_free(bio);
	return s;
}

/* One DER certificate, exactly len bytes, within the cap; NULL otherwise. */
static X509 *parse_der(const struct cp_der_cert *c)
{
	const unsigned char *p;
	X509 *x;

	if (!c->der || c->len == 0 || c->len > CP_CERT_MAX_DER)
		return NULL;
	p = c->der;
	x = d2i_X509(NULL, &p, (long)c->len);
	if (x && p != c->der + c->len) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static void chain_fields_clear(struct cp_cert_facts *out)
{
	free(out->missing_issuer);
	free(out->anchor);
	out->missing_issuer = NULL;
	out->anchor = NULL;
	out->chain_checked = false;
	out->trusted = false;
	out->chain_errors = 0;
	out->anchor_public = false;
}

/* What the verify callback saw. */
struct verify_state {
	unsigned errors;     /* CP_CHAIN_* */
	int missing_depth;   /* depth of the certificate whose issuer is missing, -1 none */
	unsigned long nseen; /* callback errors, for the cap */
};

/* Callbacks per verification before giving up (each certificate can at
 * most raise a handful of errors; a hostile chain must not loop). */
#define MAX_VERIFY_ERRORS 64

/* Whether x has an Authority Information Access caIssuers entry. */
static bool has_ca_issuers(X509 *x)
{
	AUTHORITY_INFO_ACCESS *aia;
	bool found = false;

	if (!x)
		return false;
	aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia) && !found; i++)
		found = OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(aia, i)->method) ==
			NID_ad_ca_issuers;
	AUTHORITY_INFO_ACCESS_free(aia);
	return found;
}

/*
 * Record the error and continue, so that every problem is found.  The
 * issuer-missing errors are classified after verification, when the
 * depth tells the leaf from a sent CA certificate.
 */
static int verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct verify_state *st = X509_STORE_CTX_get_app_data(ctx);
	int e, depth;

	if (ok || !st)
		return ok;
	if (++st->nseen > MAX_VERIFY_ERRORS) {
		st->errors |= CP_CHAIN_INVALID;
		return 0;
	}
	e = X509_STORE_CTX_get_error(ctx);
	depth = X509_STORE_CTX_get_error_depth(ctx);
	switch (e) {
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: st->errors |= CP_CHAIN_SELF_SIGNED; break;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: st->errors |= CP_CHAIN_UNKNOWN_ROOT; break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		/* the last one also when the top came from the store but is
		 * not a root (an imported intermediate): its issuer is missing.
		 * A leaf whose issuer is missing is an incomplete chain only
		 * when it names where to fetch the issuer (AIA caIssuers), as
		 * browsers do and the firewall does not; without that nobody
		 * can build the chain, and the issuer is an unknown root. */
		if (depth == 0 && has_ca_issuers(X509_STORE_CTX_get_current_cert(ctx))) {
			st->errors |= CP_CHAIN_INCOMPLETE;
			st->missing_depth = 0;
		} else {
			st->errors |= CP_CHAIN_UNKNOWN_ROOT;
		}
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CRL_HAS_EXPIRED: st->errors |= CP_CHAIN_EXPIRED; break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_CRL_NOT_YET_VALID: st->errors |= CP_CHAIN_NOT_YET_VALID; break;
	default: st->errors |= CP_CHAIN_INVALID; break;
	}
	return 1;
}

/* Whether x is one of the certificates in list. */
static bool in_list(STACK_OF(X509) * list, const X509 *x)
{
	for (int i = 0; i < sk_X509_num(list); i++)
		if (!X509_cmp(sk_X509_value(list, i), x))
			return true;
	return false;
}

/* The leaf against the name: an IP literal against IP SANs, else DNS. */
static bool name_matches(X509 *leaf, const char *host)
{
	unsigned char a[16];
	char buf[256];
	size_t len = strlen(host);

	if (inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1)
		return X509_check_ip_asc(leaf, host, 0) == 1;
	/* one trailing dot names the same host */
	if (len > 1 && host[len - 1] == '.' && len - 1 < sizeof buf) {
		memcpy(buf, host, len - 1);
		buf[len - 1] = '\0';
		host = buf;
		len--;
	}
	return X509_check_host(leaf, host, len, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
}

int cp_chain_check(const struct cp_der_cert *certs, size_t n, const struct cp_trust *t,
		   const char *hostname, time_t now, struct cp_cert_facts *out)
{
	struct verify_state st = { .missing_depth = -1 };
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509 *leaf = NULL;
	unsigned errors = 0;
	char *anchor = NULL, *missing = NULL;
	bool anchored = false, anchor_public = false;
	int rc = -1;

	if (!out)
		return -1;
	chain_fields_clear(out);
	if (!certs || n == 0 || !t)
		return -1;
	if (n > CP_CERT_MAX_CHAIN)
		n = CP_CERT_MAX_CHAIN;
	ERR_set_mark();

	leaf = parse_der(&certs[0]);
	if (!leaf) {
		/* nothing to build on: the firewall rejects it too */
		out->chain_checked = true;
		out->chain_errors = CP_CHAIN_INVALID;
		rc = 0;
		goto out;
	}
	untrusted = sk_X509_new_null();
	if (!untrusted)
		goto out;
	for (size_t i = 1; i < n; i++) {
		X509 *x = parse_der(&certs[i]);
		if (!x) {
			errors |= CP_CHAIN_INVALID;
			continue;
		}
		if (!sk_X509_push(untrusted, x)) {
			X509_free(x);
			goto out;
		}
	}

	ctx = X509_STORE_CTX_new();
	if (!ctx || !X509_STORE_CTX_init(ctx, t->store, leaf, untrusted))
		goto out;
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), now);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
	if (!X509_STORE_CTX_set_app_data(ctx, &st))
		goto out;
	if (X509_verify_cert(ctx) < 0 && !st.errors)
		goto out; /* an internal failure (memory), not a verdict */
	errors |= st.errors;

	STACK_OF(X509) *built = X509_STORE_CTX_get0_chain(ctx);
	int nb = built ? sk_X509_num(built) : 0;
	X509 *top = nb ? sk_X509_value(built, nb - 1) : leaf;
	/* the top came from the store when fewer than all were untrusted */
	anchored = nb > X509_STORE_CTX_get_num_untrusted(ctx);
	if (anchored)
		anchor_public = in_list(t->pub, top);
	/* the anchor is the top itself when it is a root (trusted or not),
	 * else the issuer nobody provided */
	bool top_is_root = X509_self_signed(top, 0) == 1 ||
			   (anchored && !(errors & (CP_CHAIN_INCOMPLETE | CP_CHAIN_UNKNOWN_ROOT)));
	anchor = name_text(top_is_root ? X509_get_subject_name(top) : X509_get_issuer_name(top));
	if (!anchor)
		goto out;
	if ((errors & CP_CHAIN_INCOMPLETE) && st.missing_depth >= 0 && st.missing_depth < nb) {
		missing = name_text(X509_get_issuer_name(sk_X509_value(built, st.missing_depth)));
		if (!missing)
			goto out;
	}
	if (hostname && *hostname && !name_matches(leaf, hostname))
		errors |= CP_CHAIN_NAME_MISMATCH;

	out->chain_checked = true;
	out->trusted = anchored && !(errors & (CP_CHAIN_INCOMPLETE | CP_CHAIN_UNKNOWN_ROOT |
					       CP_CHAIN_SELF_SIGNED | CP_CHAIN_INVALID));
	out->chain_errors = errors;
	out->anchor = anchor;
	out->anchor_public = anchor_public && out->trusted;
	out->missing_issuer = missing;
	anchor = missing = NULL;
	rc = 0;
out:
	free(anchor);
	free(missing);
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(untrusted, X509_free);
	X509_free(leaf);
	ERR_pop_to_mark();
	return rc;
}

/* Whether ca issued x: the names chain and ca's key verifies x. */
static bool issued(X509 *ca, X509 *x)
{
	EVP_PKEY *k;

	if (X509_NAME_cmp(X509_get_subject_name(ca), X509_get_issuer_name(x)))
		return false;
	k = X509_get0_pubkey(ca);
	return k && X509_verify(x, k) == 1;
}

static int issued_by_list(X509 *x, STACK_OF(X509) * cas, char **issuer)
{
	for (int i = 0; i < sk_X509_num(cas); i++) {
		X509 *ca = sk_X509_value(cas, i);
		if (!X509_cmp(ca, x) || issued(ca, x)) {
			*issuer = name_text(X509_get_subject_name(ca));
			return *issuer ? 1 : -1;
		}
	}
	return 0;
}

int cp_chain_issued_by(const struct cp_der_cert *certs, size_t n, const struct cp_trust *cas,
		       char **issuer)
{
	int rc = 0;

	*issuer = NULL;
	if (!certs || !cas)
		return 0;
	if (n > CP_CERT_MAX_CHAIN)
		n = CP_CERT_MAX_CHAIN;
	ERR_set_mark();
	for (size_t i = 0; i < n && rc == 0; i++) {
		X509 *x = parse_der(&certs[i]);
		if (!x)
			continue;
		rc = issued_by_list(x, cas->admin, issuer);
		if (rc == 0)
			rc = issued_by_list(x, cas->pub, issuer);
		X509_free(x);
	}
	ERR_pop_to_mark();
	return rc;
}
