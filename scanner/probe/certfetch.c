/* SPDX-License-Identifier: MIT */
/* The certificate by a real OpenSSL handshake; see certfetch.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "probe/certfetch.h"
#include "util.h"
#include "tls/cert.h"
#include "tls/hello.h"

/* Every TLS 1.3 suite OpenSSL has: the server picks. */
#define TLS13_ALL \
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:" \
	"TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"

bool cp_certfetch_needed(const struct cp_result *r)
{
	if (!r->ok || r->cert.present)
		return false;
	return r->proto[CP_P_TLS13].supported || r->proto[CP_P_TLS12].supported ||
	       r->proto[CP_P_TLS11].supported || r->proto[CP_P_TLS10].supported;
}

SSL_CTX *cp_certfetch_ctx_new(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		goto out;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	/* RFC 7685: no hello of 256..511 bytes, which hangs some servers (F5) */
	SSL_CTX_set_options(ctx, SSL_OP_TLSEXT_PADDING);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
	if (SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0") != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, TLS13_ALL) != 1) {
		SSL_CTX_free(ctx);
		ctx = NULL;
	}
out:
	ERR_clear_error();
	return ctx;
}


/* The version the fallback speaks: TLS 1.3 if accepted, else the best. */
static enum cp_proto fetch_proto(const struct cp_result *r)
{
	static const enum cp_proto order[] = { CP_P_TLS13, CP_P_TLS12, CP_P_TLS11, CP_P_TLS10 };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (r->proto[order[i]].supported)
			return order[i];
	return CP_P_TLS13;
}

/*
 * Per SSL: offer what the server was seen to accept, so that a server
 * that takes one odd suite or group still completes.  Anything OpenSSL
 * refuses keeps the context's defaults; never a reason to give up.
 */
static int setup(SSL *ssl, void *arg)
{
	const struct cp_result *r = arg;
	enum cp_proto p = fetch_proto(r);
	char suites[4096] = "", groups[1024] = "";

	if (p != CP_P_TLS13) {
		const struct cp_proto_result *pr = &r->proto[p];
		for (size_t i = 0; i < pr->nsuites; i++) {
			const struct cp_suite *s = cp_suite_by_id(pr->suites[i]);
			if (s && s->openssl_name)
				cp_colon_list_add(suites, sizeof suites, s->openssl_name);
		}
		if (*suites && cp_colon_list_add(suites, sizeof suites, "@SECLEVEL=0"))
			SSL_set_cipher_list(ssl, suites);
	}
	unsigned bit = cp_proto_bit(p);
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct cp_group *g = cp_group_by_id(r->groups[i].id);
		if ((r->groups[i].versions & bit) && g && g->openssl_name &&
		    cp_keyshare_supported(g->id))
			cp_colon_list_add(groups, sizeof groups, g->openssl_name);
	}
	if (*groups)
		SSL_set1_groups_list(ssl, groups);
	ERR_clear_error();
	return 1;
}

void cp_certfetch_req(const struct cp_result *r, SSL_CTX *ctx, struct cp_tlsconn_req *req)
{
	int v = cp_proto_wire(fetch_proto(r));
	req->ctx = ctx;
	req->min_version = v;
	req->max_version = v;
	req->setup = setup;
	req->setup_arg = (void *)r;
}

int cp_certfetch_record(struct cp_result *r, const struct cp_tlsconn_report *rep, char *err,
			size_t errlen)
{
	STACK_OF(X509) *sk = rep->ssl ? SSL_get_peer_cert_chain(rep->ssl) : NULL;
	struct cp_der_cert certs[CP_RESULT_MAX_CHAIN];
	size_t n = 0, total;
	int rc = -1;

	memset(certs, 0, sizeof certs);
	if (!sk || sk_X509_num(sk) <= 0) {
		cp_seterr(err, errlen, "no certificate: %s", rep->reason);
		goto out;
	}
	total = (size_t)sk_X509_num(sk);
	for (size_t i = 0; i < total && n < CP_RESULT_MAX_CHAIN; i++) {
		unsigned char *der = NULL;
		int len = i2d_X509(sk_X509_value(sk, (int)i), &der);
		if (len <= 0) {
			cp_seterr(err, errlen, "cannot encode the server's certificate %zu", i);
			goto out;
		}
		certs[n].der = der;
		certs[n].len = (size_t)len;
		n++;
	}
	struct cp_cert_facts f;
	memset(&f, 0, sizeof f);
	if (cp_cert_facts_from_der(certs[0].der, certs[0].len, total, time(NULL), &f, err, errlen) <
	    0)
		goto out;
	if (cp_result_set_chain(r, certs, n) < 0) {
		cp_cert_facts_clear(&f);
		cp_seterr(err, errlen, "out of memory");
		goto out;
	}
	cp_cert_facts_clear(&r->cert);
	r->cert = f;
	r->cert.present = true;
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		OPENSSL_free(certs[i].der);
	ERR_clear_error();
	return rc;
}
