/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes certificate facts (scanner/tls/cert.h) with the bytes a server
 * sends as its leaf certificate: the whole input is the DER.
 *
 * On success every field the header promises must be there and within its
 * cap; on failure the record must be left all zero with a reason; either
 * way OpenSSL's error queue must be as it was, and cp_cert_facts_clear
 * must free everything (LeakSanitizer checks that).
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>

#include "fuzz.h"
#include "tls/cert.h"

/* 2025-01-01T00:00:00Z: a fixed clock keeps runs reproducible. */
#define FUZZ_NOW ((time_t)1735689600)
#define FUZZ_CHAIN 3

static bool is_hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 64;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cp_cert_facts zero;
	struct cp_cert_facts c;
	char err[256];
	int rc;

	ERR_clear_error();
	memset(&c, 0, sizeof c);
	err[0] = '\0';
	rc = cp_cert_facts_from_der(data, size, FUZZ_CHAIN, FUZZ_NOW, &c, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(ERR_peek_error() == 0);
	FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
	if (rc != 0) {
		FUZZ_CHECK(memcmp(&c, &zero, sizeof c) == 0);
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(size > 0 && size <= CP_CERT_MAX_DER);
	FUZZ_CHECK(c.present);
	FUZZ_CHECK(c.subject && c.issuer && c.key_type && c.sig_alg);
	FUZZ_CHECK(c.not_before && c.not_after && c.sha256);
	FUZZ_CHECK(strlen(c.subject) <= CP_CERT_MAX_NAME);
	FUZZ_CHECK(strlen(c.issuer) <= CP_CERT_MAX_NAME);
	FUZZ_CHECK(strlen(c.not_before) == 20 && strlen(c.not_after) == 20);
	FUZZ_CHECK(is_hex64(c.sha256));
	FUZZ_CHECK(c.nsans <= CP_CERT_MAX_SANS);
	FUZZ_CHECK((c.nsans == 0) == (c.sans == NULL));
	for (size_t i = 0; i < c.nsans; i++)
		FUZZ_CHECK(c.sans[i] != NULL);
	FUZZ_CHECK(c.chain_len == FUZZ_CHAIN);

	cp_cert_facts_clear(&c);
	FUZZ_CHECK(memcmp(&c, &zero, sizeof c) == 0);
	/* clearing twice is allowed */
	cp_cert_facts_clear(&c);
	return 0;
}
