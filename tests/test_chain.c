/* SPDX-License-Identifier: MIT */
/* Chain verification: a root, an intermediate and leaves are made here with
 * OpenSSL at test time, so every expected error is a property of how the
 * test built the chain (who signed what, which dates, which names, what
 * the store holds), never something read back from cp_chain_check.  The
 * trust store is loaded from PEM files the test writes.  Hostile inputs
 * must fail cleanly, leak nothing (run under --enable-sanitizers) and
 * leave OpenSSL's error queue empty. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "output/output.h"
#include "tls/cert.h"
#include "tls/chain.h"

/* 2025-06-15T15:06:40Z: the scan's "now" in every test. */
#define NOW ((time_t)1750000000)
#define DAY 86400

/* The material: keys and certificates, DER copies for the chain. */
struct pki {
	EVP_PKEY *root_key, *inter_key, *leaf_key, *other_key;
	X509 *root, *inter, *leaf, *expired_leaf, *future_leaf, *self, *badsig, *old_inter,
		*leaf_old_inter, *other_root, *leaf_noaia;
	char root_pem[64], bundle_pem[64], other_pem[64];
};

/* Leaves name where their issuer can be fetched (AIA caIssuers), as
 * public ones do, unless this is set. */
static bool mk_no_aia;

/* A certificate for CN=cn valid [NOW+nb, NOW+na], for key, signed by
 * ikey as issuer (NULL issuer: self-signed), a CA when ca is set, with
 * the subjectAltName san (or none). */
static X509 *mk(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, long nb, long na,
		bool ca, const char *san, long serial)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX v3;

	assert_non_null(x);
	assert_non_null(n);
	assert_true(X509_set_version(x, X509_VERSION_3));
	assert_true(ASN1_INTEGER_set(X509_get_serialNumber(x), serial));
	assert_true(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn,
					       -1, -1, 0));
	assert_true(X509_set_subject_name(x, n));
	assert_true(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n));
	assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), NOW + nb));
	assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), NOW + na));
	assert_true(X509_set_pubkey(x, key));
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	const char *exts[][2] = {
		{ "basicConstraints", ca ? "critical,CA:TRUE" : "CA:FALSE" },
		{ "keyUsage", ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature" },
		{ "subjectKeyIdentifier", "hash" },
		{ "subjectAltName", san },
		{ "authorityInfoAccess",
		  !ca && !mk_no_aia ? "caIssuers;URI:http://ca.test/issuer.crt" : NULL },
	};
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		if (!exts[i][1])
			continue;
		X509_EXTENSION *e = X509V3_EXT_conf(NULL, &v3, exts[i][0], exts[i][1]);
		assert_non_null(e);
		assert_true(X509_add_ext(x, e, -1));
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, ikey, EVP_sha256()) > 0);
	X509_NAME_free(n);
	return x;
}

static void write_pem(char *path, size_t len, X509 *const *certs, size_t n)
{
	snprintf(path, len, "%s", "/tmp/cp-test-chain.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		assert_true(PEM_write_X509(f, certs[i]));
	assert_int_equal(fclose(f), 0);
}

static int pki_setup(void **state)
{
	struct pki *p = calloc(1, sizeof *p);

	if (!p)
		return -1;
	p->root_key = EVP_EC_gen("P-256");
	p->inter_key = EVP_EC_gen("P-256");
	p->leaf_key = EVP_EC_gen("P-256");
	p->other_key = EVP_EC_gen("P-256");
	if (!p->root_key || !p->inter_key || !p->leaf_key || !p->other_key)
		return -1;
	p->root = mk("Test Root", p->root_key, NULL, p->root_key, -365 * DAY, 3650L * DAY, true,
		     NULL, 1);
	p->inter = mk("Test Intermediate", p->inter_key, p->root, p->root_key, -365 * DAY,
		      1000 * DAY, true, NULL, 2);
	p->leaf = mk("leaf.test", p->leaf_key, p->inter, p->inter_key, -DAY, 90 * DAY, false,
		     "DNS:leaf.test,DNS:*.wild.test,IP:127.0.0.1", 3);
	p->expired_leaf = mk("leaf.test", p->leaf_key, p->inter, p->inter_key, -90 * DAY, -DAY,
			     false, "DNS:leaf.test", 4);
	p->future_leaf = mk("leaf.test", p->leaf_key, p->inter, p->inter_key, DAY, 90 * DAY, false,
			    "DNS:leaf.test", 5);
	p->self = mk("self.test", p->leaf_key, NULL, p->leaf_key, -DAY, 90 * DAY, false,
		     "DNS:self.test", 6);
	/* names Test Intermediate as issuer, signed by another key */
	p->badsig = mk("leaf.test", p->leaf_key, p->inter, p->other_key, -DAY, 90 * DAY, false,
		       "DNS:leaf.test", 7);
	/* an intermediate that has expired, and a leaf under it */
	p->old_inter = mk("Old Intermediate", p->inter_key, p->root, p->root_key, -365 * DAY, -DAY,
			  true, NULL, 8);
	p->leaf_old_inter = mk("leaf.test", p->leaf_key, p->old_inter, p->inter_key, -DAY, 90 * DAY,
			       false, "DNS:leaf.test", 9);
	p->other_root =
		mk("Other Root", p->other_key, NULL, p->other_key, -DAY, 90 * DAY, true, NULL, 10);
	mk_no_aia = true;
	p->leaf_noaia = mk("leaf.test", p->leaf_key, p->inter, p->inter_key, -DAY, 90 * DAY, false,
			   "DNS:leaf.test", 11);
	mk_no_aia = false;
	write_pem(p->root_pem, sizeof p->root_pem, &p->root, 1);
	X509 *both[2] = { p->other_root, p->root };
	write_pem(p->bundle_pem, sizeof p->bundle_pem, both, 2);
	write_pem(p->other_pem, sizeof p->other_pem, &p->other_root, 1);
	*state = p;
	return 0;
}

static int pki_teardown(void **state)
{
	struct pki *p = *state;

	if (!p)
		return 0;
	X509 *all[] = { p->root,           p->inter,      p->leaf,      p->expired_leaf,
			p->future_leaf,    p->self,       p->badsig,    p->old_inter,
			p->leaf_old_inter, p->other_root, p->leaf_noaia };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		X509_free(all[i]);
	EVP_PKEY_free(p->root_key);
	EVP_PKEY_free(p->inter_key);
	EVP_PKEY_free(p->leaf_key);
	EVP_PKEY_free(p->other_key);
	unlink(p->root_pem);
	unlink(p->bundle_pem);
	unlink(p->other_pem);
	free(p);
	return 0;
}

/* A chain of DER copies, as the scan keeps it. */
struct chain {
	struct cp_der_cert c[CP_RESULT_MAX_CHAIN + 2];
	size_t n;
};

static void add(struct chain *ch, X509 *x)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);

	assert_true(len > 0);
	ch->c[ch->n].der = der;
	ch->c[ch->n].len = (size_t)len;
	ch->n++;
}

static void chain_free(struct chain *ch)
{
	for (size_t i = 0; i < ch->n; i++)
		OPENSSL_free(ch->c[i].der);
	ch->n = 0;
}

/* A store holding the files given (admin), or nothing. */
static struct cp_trust *store(const char *admin, const char *pub)
{
	struct cp_trust *t = cp_trust_new();
	char err[256];

	assert_non_null(t);
	if (admin)
		assert_true(cp_trust_add_file(t, admin, CP_TRUST_ADMIN, err, sizeof err) > 0);
	if (pub)
		assert_true(cp_trust_add_file(t, pub, CP_TRUST_PUBLIC, err, sizeof err) > 0);
	return t;
}

/* Check chain against t and host; facts are left in *f (caller clears). */
static void check(struct chain *ch, struct cp_trust *t, const char *host, struct cp_cert_facts *f)
{
	memset(f, 0, sizeof *f);
	assert_int_equal(cp_chain_check(ch->c, ch->n, t, host, NOW, f), 0);
	assert_true(f->chain_checked);
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_complete_trusted(void **state)
{
	struct pki *p = *state;
	struct chain ch = { 0 };
	struct cp_cert_facts f;
	struct cp_trust *t = store(p->root_pem, NULL);

	add(&ch, p->leaf);
	add(&ch, p->inter);
	check(&ch, t, "leaf.test", &f);
	assert_true(f.trusted);
	assert_int_equal(f.chain_errors, 0);
	assert_string_equal(f.anchor, "CN=Test Root");
	assert_null(f.missing_issuer);
	assert_false(f.anchor_public);
	cp_cert_facts_clear(&f);
	/* names: wildcard one label deep, an IP literal, a trailing dot */
	check(&ch, t, "a.wild.test", &f);
	assert_int_equal(f.chain_errors, 0);
	cp_cert_facts_clear(&f);
	check(&ch, t, "127.0.0.1", &f);
	assert_int_equal(f.chain_errors, 0);
	cp_cert_facts_clear(&f);
	check(&ch, t, "leaf.test.", &f);
	assert_int_equal(f.chain_errors, 0);
	cp_cert_facts_clear(&f);
	/* no name: no name check */
	check(&ch, t, NULL, &f);
	assert_int_equal(f.chain_errors, 0);
	cp_cert_facts_clear(&f);
	cp_trust_free(t);

	/* the same root, from the public bundle */
	t = store(NULL, p->bundle_pem);
	assert_int_equal(cp_trust_count(t), 2);
	check(&ch, t, "leaf.test", &f);
	assert_true(f.trusted);
	assert_true(f.anchor_public);
	cp_cert_facts_clear(&f);
	cp_trust_free(t);
	chain_free(&ch);
}

/* A leaf that does not say where its issuer is: nobody can build the
 * chain, browsers included, so the missing issuer is an unknown root. */
static void test_missing_issuer_without_aia(void **state)
{
	struct pki *p = *state;
	struct chain ch = { 0 };
	struct cp_cert_facts f;
	struct cp_trust *t = store(p->root_pem, NULL);

	add(&ch, p->leaf_noaia);
	check(&ch, t, "leaf.test", &f);
	assert_false(f.trusted);
	assert_int_equal(f.chain_errors, CP_CHAIN_UNKNOWN_ROOT);
	assert_null(f.missing_issuer);
	assert_string_equal(f.anchor, "CN=Test Intermediate");
	cp_cert_facts_clear(&f);
	cp_trust_free(t);
	chain_free(&ch);
}

static void test_incomplete(void **state)
{
	struct pki *p = *state;
	struct chain ch = { 0 };
	struct cp_cert_facts f;
	struct cp_trust *t = store(p->root_pem, NULL);

	add(&ch, p->leaf); /* the intermediate is not sent */
	check(&ch, t, "leaf.test", &f);
	assert_false(f.trusted);
	assert_int_equal(f.chain_errors, CP_CHAIN_INCOMPLETE);
	assert_string_equal(f.missing_issuer, "CN=Test Intermediate");
	assert_string_equal(f.anchor, "CN=Test Intermediate");
	cp_cert_facts_clear(&f);
	/* an unrelated certificate sent instead does not help */
	add(&ch, p->other_root);
	check(&ch, t, "leaf.test", &f);
	assert_int_equal(f.chain_errors, CP_CHAIN_INCOMPLETE);
	assert_string_equal(f.missing_issuer, "CN=Test Intermediate");
	cp_cert_facts_clear(&f);
	cp_trust_free(t);
	chain_free(&ch);
}

static void test_unknown_root(void **state)
{
	struct pki *p = *state;
	struct chain ch = { 0 };
	struct cp_cert_facts f;
	struct cp_trust *t = store(p->other_pem, NULL);

	/* root not sent, not in the store */
	add(&ch, p->leaf);
	add(&ch, p->inter);
	check(&ch, t, "leaf.test", &f);
	assert_false(f.trusted);
	assert_int_equal(f.chain_errors, CP_CHAIN_UNKNOWN_ROOT);
	assert_null(f.missing_issuer);
	assert_string_equal(f.anchor, "CN=Test Root");
	cp_cert_facts_clear(&f);
	/* root sent too, still not in the store */
	add(&ch, p->root);
	check(&ch, t, "leaf.test", &f);
	assert_false(f.trusted);
	assert_int_equal(f.chain_errors, CP_CHAIN_UNKNOWN_ROOT);
	assert_string_equal(f.anchor, "CN=Test Root");
	cp_cert_facts_clear(&f);
	/* only the intermediate imported: its issuer is still unknown */
	cp_trust_free(t);
	char pem[64], err[256];
	write_pem(pem, sizeof pem, &p->inter, 1);
	t = cp_trust_new();
	assert_non_null(t);
	assert_int_equal(cp_trust_add_file(t, pem, CP_TRUST_ADMIN, err, sizeof err), 1);
	unlink(pem);
	chain_free(&ch);
	add(&ch, p->leaf);
	check(&ch, t, "leaf.test", &f);
	assert_false(f.trusted);
	assert_int_equal(f.chain_errors, CP_CHAIN_UNKNOWN_ROOT);
	assert_string_equal(f.anchor, "CN=Test Root");
	cp_cert_facts_clear(&f);
	chain_free(&ch);
	add(&ch, p->leaf);
	add(&ch, p->inter);
	add(&ch, p->root);
	/* an empty store */
	cp_trust_free(t);
	t = cp_trust_new();
	assert_non_null(t);
	check(&ch, t, "leaf.test", &f);
	assert_int_equal(f.chain_errors, CP_CHAIN_UNKNOWN_ROOT);
	cp_cert_facts_clear(&f);
	cp_trust_free(t);
	chain_free(&ch);
}

static void test_self_signed(void **state)
{
	struct pki *p = *state;
	struct chain ch = { 0 };
	struct cp_cert_facts f;
	struct cp_trust *t = store(p->root_pem, NULL);
	char err[256];

	add(&ch, p->self);
	check(&ch, t, "self.test", &f);
	assert_false(f.trusted);
	assert_int_equal(f.chain_errors, CP_CHAIN_SELF_SIGNED);
	assert_string_equal(f.anchor, "CN=self.test");
	assert_null(f.missing_issuer);
	cp_cert_facts_clear(&f);
	check(&ch, t, "leaf.test", &f);
	assert_int_equal(f.chain_errors, CP_CHAIN_SELF_SIGNED | CP_CHAIN_NAME_MISMATCH);
	cp_cert_facts_clear(&f);

	/* self-signed and expired: both */
	X509 *old_self = mk("self.test", p->leaf_key, NULL, p->leaf_key, -90 * DAY, -DAY, false,
			    "DNS:self.test", 11);
	chain_free(&ch);
	add(&ch, old_self);
	X509_free(old_self);
	check(&ch, t, "self.test", &f);
	assert_int_equal(f.chain_errors, CP_CHAIN_SELF_SIGNED | CP_CHAIN_EXPIRED);
	cp_cert_facts_clear(&f);
	chain_free(&ch);
	add(&ch, p->self);
	cp_trust_free(t);

	/* imported by the administrator: then it is trusted */
	char pem[64];
	write_pem(pem, sizeof pem, &p->self, 1);
	t = cp_trust_new();
	assert_non_null(t);
	assert_int_equal(cp_trust_add_file(t, pem, CP_TRUST_ADMIN, err, sizeof err), 1);
	unlink(pem);
	check(&ch, t, "self.test", &f);
	assert_true(f.trusted);
	assert_int_equal(f.chain_errors, 0);
	cp_cert_facts_clear(&f);
	cp_trust_free(t);
	chain_free(&ch);
}

static void test_dates(void **state)
{
	struct pki *p = *state;
	struct chain ch = { 0 };
	struct cp_cert_facts f;
	struct cp_trust *t = store(p->root_pem, NULL);

	add(&ch, p->expired_leaf);
	add(&ch, p->inter);
	check(&ch, t, "leaf.test", &f);
	assert_true(f.trusted); /* the issuer is fine; the date is not */
	assert_int_equal(f.chain_errors, CP_CHAIN_EXPIRED);
	cp_cert_facts_clear(&f);
	chain_free(&ch);

	add(&ch, p->future_leaf);
	add(&ch, p->inter);
	check(&ch, t, "leaf.test", &f);
	assert_int_equal(f.chain_errors, CP_CHAIN_NOT_YET_VALID);
	cp_cert_facts_clear(&f);
	chain_free(&ch);

	/* an expired intermediate counts as well */
	add(&ch, p->leaf_old_inter);
	add(&ch, p->old_inter);
	check(&ch, t, "leaf.test", &f);
	assert_int_equal(f.chain_errors, CP_CHAIN_EXPIRED);
	cp_cert_facts_clear(&f);
	chain_free(&ch);
	cp_trust_free(t);
}

static void test_all_problems_at_once(void **state)
{
	struct pki *p = *state;
	struct chain ch = { 0 };
	struct cp_cert_facts f;
	struct cp_trust *t = store(p->root_pem, NULL);

	/* expired, intermediate missing, wrong name: all three */
	add(&ch, p->expired_leaf);
	check(&ch, t, "www.example.test", &f);
	assert_int_equal(f.chain_errors,
			 CP_CHAIN_EXPIRED | CP_CHAIN_INCOMPLETE | CP_CHAIN_NAME_MISMATCH);
	assert_string_equal(f.missing_issuer, "CN=Test Intermediate");
	cp_cert_facts_clear(&f);
	/* IP literal not in the IP SANs; a partial wildcard is not honoured */
	chain_free(&ch);
	add(&ch, p->leaf);
	add(&ch, p->inter);
	check(&ch, t, "127.0.0.2", &f);
	assert_int_equal(f.chain_errors, CP_CHAIN_NAME_MISMATCH);
	cp_cert_facts_clear(&f);
	check(&ch, t, "a.b.wild.test", &f);
	assert_int_equal(f.chain_errors, CP_CHAIN_NAME_MISMATCH);
	cp_cert_facts_clear(&f);
	check(&ch, t, "::1", &f);
	assert_int_equal(f.chain_errors, CP_CHAIN_NAME_MISMATCH);
	cp_cert_facts_clear(&f);
	chain_free(&ch);
	cp_trust_free(t);
}

static void test_bad_signature(void **state)
{
	struct pki *p = *state;
	struct chain ch = { 0 };
	struct cp_cert_facts f;
	struct cp_trust *t = store(p->root_pem, NULL);

	add(&ch, p->badsig);
	add(&ch, p->inter);
	check(&ch, t, "leaf.test", &f);
	assert_false(f.trusted);
	assert_true(f.chain_errors & CP_CHAIN_INVALID);
	cp_cert_facts_clear(&f);
	chain_free(&ch);
	cp_trust_free(t);
}

static void test_hostile(void **state)
{
	struct pki *p = *state;
	struct chain ch = { 0 };
	struct cp_cert_facts f;
	struct cp_trust *t = store(p->root_pem, NULL);
	uint8_t junk[64];

	memset(&f, 0, sizeof f);
	assert_int_equal(cp_chain_check(NULL, 0, t, "x", NOW, &f), -1);
	assert_false(f.chain_checked);
	assert_int_equal(cp_chain_check(ch.c, 0, t, "x", NOW, &f), -1);
	add(&ch, p->leaf);
	assert_int_equal(cp_chain_check(ch.c, 1, NULL, "x", NOW, &f), -1);
	assert_int_equal(cp_chain_check(ch.c, 1, t, "x", NOW, NULL), -1);
	chain_free(&ch);

	/* a leaf that is not DER: checked, invalid */
	memset(junk, 0x30, sizeof junk);
	ch.c[0].der = junk;
	ch.c[0].len = sizeof junk;
	ch.n = 1;
	check(&ch, t, "leaf.test", &f);
	assert_int_equal(f.chain_errors, CP_CHAIN_INVALID);
	assert_false(f.trusted);
	cp_cert_facts_clear(&f);
	ch.n = 0;

	/* trailing bytes after a good intermediate: it is not used */
	add(&ch, p->leaf);
	add(&ch, p->inter);
	unsigned char *longer = OPENSSL_malloc(ch.c[1].len + 1);
	assert_non_null(longer);
	memcpy(longer, ch.c[1].der, ch.c[1].len);
	longer[ch.c[1].len] = 0;
	OPENSSL_free(ch.c[1].der);
	ch.c[1].der = longer;
	ch.c[1].len++;
	check(&ch, t, "leaf.test", &f);
	assert_true(f.chain_errors & CP_CHAIN_INVALID);
	assert_true(f.chain_errors & CP_CHAIN_INCOMPLETE);
	cp_cert_facts_clear(&f);
	chain_free(&ch);

	/* more certificates than the cap, and the output replaced, not leaked */
	add(&ch, p->leaf);
	for (int i = 0; i < CP_RESULT_MAX_CHAIN + 1; i++)
		add(&ch, p->inter);
	memset(&f, 0, sizeof f);
	assert_int_equal(cp_chain_check(ch.c, ch.n, t, "leaf.test", NOW, &f), 0);
	assert_int_equal(cp_chain_check(ch.c, ch.n, t, "leaf.test", NOW, &f), 0);
	assert_true(f.trusted);
	cp_cert_facts_clear(&f);
	chain_free(&ch);
	cp_trust_free(t);
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_trust_files(void **state)
{
	struct pki *p = *state;
	struct cp_trust *t = cp_trust_new();
	char err[256], path[64];

	assert_non_null(t);
	assert_int_equal(cp_trust_add_file(t, p->bundle_pem, CP_TRUST_ADMIN, err, sizeof err), 2);
	assert_int_equal(
		cp_trust_add_file(t, "/nonexistent/ca.pem", CP_TRUST_ADMIN, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/ca.pem"));
	assert_int_equal(cp_trust_add_file(t, "/tmp", CP_TRUST_ADMIN, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a regular file"));

	/* empty, not PEM, a broken certificate block */
	const char *bodies[] = {
		"",
		"hello\n",
		"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		snprintf(path, sizeof path, "%s", "/tmp/cp-test-chain.XXXXXX");
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, bodies[i], strlen(bodies[i])),
				 (ssize_t)strlen(bodies[i]));
		close(fd);
		err[0] = '\0';
		assert_int_equal(cp_trust_add_file(t, path, CP_TRUST_ADMIN, err, sizeof err), -1);
		assert_non_null(strstr(err, path));
		unlink(path);
	}
	assert_int_equal(cp_trust_count(t), 2);
	assert_int_equal(ERR_peek_error(), 0);
	cp_trust_free(t);
	cp_trust_free(NULL);
}

static void test_issued_by(void **state)
{
	struct pki *p = *state;
	struct chain ch = { 0 };
	struct cp_trust *ft = cp_trust_new();
	char err[256], pem[64], *issuer = NULL;

	assert_non_null(ft);
	write_pem(pem, sizeof pem, &p->inter, 1);
	assert_int_equal(cp_trust_add_file(ft, pem, CP_TRUST_ADMIN, err, sizeof err), 1);
	unlink(pem);
	/* the leaf alone: issued by the forward-trust certificate */
	add(&ch, p->leaf);
	assert_int_equal(cp_chain_issued_by(ch.c, ch.n, ft, &issuer), 1);
	assert_string_equal(issuer, "CN=Test Intermediate");
	free(issuer);
	chain_free(&ch);
	/* same issuer name, another key: not issued by it */
	add(&ch, p->badsig);
	assert_int_equal(cp_chain_issued_by(ch.c, ch.n, ft, &issuer), 0);
	assert_null(issuer);
	chain_free(&ch);
	add(&ch, p->self);
	assert_int_equal(cp_chain_issued_by(ch.c, ch.n, ft, &issuer), 0);
	chain_free(&ch);
	/* the forward-trust certificate itself sent in the chain */
	add(&ch, p->leaf_old_inter);
	add(&ch, p->inter);
	assert_int_equal(cp_chain_issued_by(ch.c, ch.n, ft, &issuer), 1);
	free(issuer);
	chain_free(&ch);
	cp_trust_free(ft);
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_error_names(void **state)
{
	(void)state;
	assert_string_equal(cp_chain_error_name(CP_CHAIN_INCOMPLETE), "incomplete-chain");
	assert_string_equal(cp_chain_error_name(CP_CHAIN_UNKNOWN_ROOT), "unknown-root");
	assert_string_equal(cp_chain_error_name(CP_CHAIN_SELF_SIGNED), "self-signed");
	assert_string_equal(cp_chain_error_name(CP_CHAIN_EXPIRED), "expired");
	assert_string_equal(cp_chain_error_name(CP_CHAIN_NOT_YET_VALID), "not-yet-valid");
	assert_string_equal(cp_chain_error_name(CP_CHAIN_NAME_MISMATCH), "name-mismatch");
	assert_string_equal(cp_chain_error_name(CP_CHAIN_INVALID), "invalid");
	assert_null(cp_chain_error_name(0));
	assert_null(cp_chain_error_name(CP_CHAIN_INVALID << 1));
}

/* certificate.chain through the JSON writer and back (diff, --state). */
static void test_json_round_trip(void **state)
{
	struct cp_result *r = cp_result_new("x.test"), *back;
	char err[256];
	json_t *j, *c;

	(void)state;
	assert_non_null(r);
	r->host = strdup("x.test");
	r->port = 443;
	r->cert.present = true;
	r->cert.subject = strdup("CN=x.test");
	/* not checked: null */
	j = cp_result_to_json(r);
	assert_non_null(j);
	c = json_object_get(json_object_get(j, "certificate"), "chain");
	assert_true(json_is_null(c));
	back = cp_result_from_json(j, err, sizeof err);
	assert_non_null(back);
	assert_false(back->cert.chain_checked);
	cp_result_free(back);
	/* an older document, without the field */
	json_object_del(json_object_get(j, "certificate"), "chain");
	back = cp_result_from_json(j, err, sizeof err);
	assert_non_null(back);
	assert_false(back->cert.chain_checked);
	cp_result_free(back);
	json_decref(j);

	r->cert.chain_checked = true;
	r->cert.chain_errors = CP_CHAIN_INCOMPLETE | CP_CHAIN_EXPIRED | CP_CHAIN_NAME_MISMATCH;
	r->cert.missing_issuer = strdup("CN=Inter");
	r->cert.anchor = strdup("CN=Inter");
	j = cp_result_to_json(r);
	assert_non_null(j);
	c = json_object_get(json_object_get(j, "certificate"), "chain");
	assert_true(json_is_false(json_object_get(c, "trusted")));
	assert_int_equal(json_array_size(json_object_get(c, "errors")), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "errors"), 0)),
			    "incomplete-chain");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "errors"), 1)),
			    "expired");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "errors"), 2)),
			    "name-mismatch");
	assert_string_equal(json_string_value(json_object_get(c, "missing_issuer")), "CN=Inter");
	back = cp_result_from_json(j, err, sizeof err);
	assert_non_null(back);
	assert_true(back->cert.chain_checked);
	assert_false(back->cert.trusted);
	assert_int_equal(back->cert.chain_errors, r->cert.chain_errors);
	assert_string_equal(back->cert.missing_issuer, "CN=Inter");
	assert_string_equal(back->cert.anchor, "CN=Inter");
	cp_result_free(back);
	/* an unknown error name is refused, with the path */
	json_array_append_new(json_object_get(c, "errors"), json_string("bogus"));
	back = cp_result_from_json(j, err, sizeof err);
	assert_null(back);
	assert_non_null(strstr(err, "certificate.chain.errors[3]"));
	json_decref(j);
	cp_result_free(r);

	/* summary.interception */
	struct cp_summary s = { .targets = 2 };
	j = cp_summary_to_json(&s);
	assert_true(json_is_null(json_object_get(j, "interception")));
	json_decref(j);
	s.interception_issuer = "CN=Proxy";
	s.interception_targets = 2;
	j = cp_summary_to_json(&s);
	c = json_object_get(j, "interception");
	assert_string_equal(json_string_value(json_object_get(c, "issuer")), "CN=Proxy");
	assert_int_equal(json_integer_value(json_object_get(c, "targets")), 2);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete_trusted),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_missing_issuer_without_aia),
		cmocka_unit_test(test_unknown_root),
		cmocka_unit_test(test_self_signed),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_all_problems_at_once),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_trust_files),
		cmocka_unit_test(test_issued_by),
		cmocka_unit_test(test_error_names),
		cmocka_unit_test(test_json_round_trip),
	};
	return cmocka_run_group_tests(tests, pki_setup, pki_teardown);
}
