/* SPDX-License-Identifier: MIT */
/* The OpenSSL client for a fix's proof, and its verdict; see verify.h. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "policy/verify.h"
#include "registry.h"
#include "util.h"
#include "tls/hello.h"


SSL_CTX *cp_verify_ctx_new(const struct cp_offer *o, size_t *skipped, int *status, char *msg,
			   size_t msglen)
{
	char tls12[4096] = "", tls13[512] = "", groups[1024] = "";
	SSL_CTX *ctx = NULL, *ret = NULL;

	*skipped = 0;
	*status = CP_VERIFY_ERROR;
	ERR_set_mark();
	for (size_t i = 0; i < o->nsuites; i++) {
		const struct cp_suite *s = cp_suite_by_id(o->suites[i]);
		if (!s || !s->openssl_name) {
			(*skipped)++;
			continue;
		}
		if (!(s->versions & CP_VER_TLS13
			      ? cp_colon_list_add(tls13, sizeof tls13, s->openssl_name)
			      : cp_colon_list_add(tls12, sizeof tls12, s->openssl_name)))
			(*skipped)++;
	}
	for (size_t i = 0; i < o->ngroups; i++) {
		const struct cp_group *g = cp_group_by_id(o->groups[i]);
		if (g && g->openssl_name && cp_keyshare_supported(g->id))
			cp_colon_list_add(groups, sizeof groups, g->openssl_name);
	}
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		snprintf(msg, msglen, "cannot set up OpenSSL (out of memory)");
		goto out;
	}
	/* Level 0 lets OpenSSL offer what the firewall would, weak or not;
	 * suites this OpenSSL lacks make the whole proof unavailable. */
	char list[4200];
	snprintf(list, sizeof list, "%s%s@SECLEVEL=0", tls12, *tls12 ? ":" : "");
	bool ok12 = *tls12 && SSL_CTX_set_cipher_list(ctx, list) == 1;
	bool ok13 = SSL_CTX_set_ciphersuites(ctx, tls13) == 1 && *tls13;
	if (!*tls12)
		SSL_CTX_set_cipher_list(ctx, "@SECLEVEL=0:!ALL"); /* no TLS <= 1.2 suite */
	if (!ok12 && !ok13) {
		snprintf(msg, msglen,
			 "OpenSSL here cannot offer any of the %zu suites of the fixed hello",
			 o->nsuites);
		*status = CP_VERIFY_UNSUPPORTED;
		goto out;
	}
	SSL_CTX_set_min_proto_version(ctx, o->min_version);
	SSL_CTX_set_max_proto_version(ctx, o->max_version);
	if (*groups)
		SSL_CTX_set1_groups_list(ctx, groups);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	/* RFC 7685: no hello of 256..511 bytes, which hangs some servers (F5) */
	SSL_CTX_set_options(ctx, SSL_OP_TLSEXT_PADDING);
	ret = ctx;
	ctx = NULL;
out:
	SSL_CTX_free(ctx);
	ERR_pop_to_mark();
	return ret;
}

int cp_verify_judge(const struct cp_tlsconn_report *rep, size_t skipped, uint16_t *version,
		    uint16_t *suite, char *msg, size_t msglen)
{
	*version = 0;
	*suite = 0;
	switch (rep->outcome) {
	case CP_TLSCONN_OK: break;
	case CP_TLSCONN_REFUSED:
	case CP_TLSCONN_UNREACHABLE:
	case CP_TLSCONN_INTERNAL:
		snprintf(msg, msglen, "cannot connect for the proof: %s",
			 rep->sys_errno ? strerror(rep->sys_errno) : rep->reason);
		return CP_VERIFY_ERROR;
	case CP_TLSCONN_TIMEOUT:
		if (!rep->connected) {
			snprintf(msg, msglen, "cannot connect for the proof: %s", rep->reason);
			return CP_VERIFY_ERROR;
		}
		/* a stall mid-handshake is a failed proof */
		__attribute__((fallthrough));
	default:
		snprintf(msg, msglen, "a real handshake with the fixed hello failed: %s",
			 rep->reason);
		return CP_VERIFY_FAILED;
	}
	const SSL_CIPHER *c = SSL_get_current_cipher(rep->ssl);
	*suite = c ? (uint16_t)SSL_CIPHER_get_protocol_id(c) : 0;
	*version = (uint16_t)SSL_version(rep->ssl);
	const struct cp_suite *cs = cp_suite_by_id(*suite);
	snprintf(msg, msglen, "a real handshake with the fixed hello completed: %s (%s)%s",
		 cs ? cs->name : "?", SSL_get_version(rep->ssl),
		 skipped ? " (suites OpenSSL lacks were left out of the proof)" : "");
	return CP_VERIFY_PROVEN;
}
