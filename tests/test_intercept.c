/* SPDX-License-Identifier: MIT */
/* The interception detector: results are built by hand with the facts a
 * proxied scan would show (one non-public issuer on unrelated names) or a
 * direct one would (public roots, one organisation's names, self-signed
 * leaves, loopback servers), and --forward-trust-ca matches.  Expected
 * outcomes follow from the rules in policy/intercept.h. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "policy/intercept.h"

/* A result for sni at address whose chain was checked and ends at anchor. */
static struct cp_result *res(const char *sni, const char *address, const char *anchor,
			     bool anchor_public, unsigned errors)
{
	struct cp_result *r = cp_result_new(sni);

	assert_non_null(r);
	r->host = strdup(address);
	r->sni = sni ? strdup(sni) : NULL;
	r->address = strdup(address);
	r->cert.present = true;
	r->cert.chain_checked = true;
	r->cert.anchor = anchor ? strdup(anchor) : NULL;
	r->cert.anchor_public = anchor_public;
	r->cert.trusted = anchor_public;
	r->cert.chain_errors = errors;
	return r;
}

/* Observe the results, detect, free; returns the detector's status. */
static int run(struct cp_result **v, size_t n, const char *const *ft, struct cp_intercept *out)
{
	struct cp_intercept_set *s = cp_intercept_set_new();

	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(cp_intercept_observe(s, v[i], ft ? ft[i] : NULL), 0);
		cp_result_free(v[i]);
	}
	int rc = cp_intercept_detect(s, out);
	cp_intercept_set_free(s);
	return rc;
}

#define PROXY "CN=Corp Forward Trust,O=Corp"

static void test_proxied_scan(void **state)
{
	struct cp_intercept i;
	(void)state;
	struct cp_result *v[] = {
		res("www.example.com", "93.184.215.14", PROXY, false, CP_CHAIN_UNKNOWN_ROOT),
		res("api.other.org", "198.51.100.7", PROXY, false, CP_CHAIN_UNKNOWN_ROOT),
		res("shop.example.co.uk", "203.0.113.9", PROXY, false, CP_CHAIN_INCOMPLETE),
		res("bank.test", "192.0.2.1", "CN=Public Root", true, 0),
	};
	assert_int_equal(run(v, 4, NULL, &i), 1);
	assert_string_equal(i.issuer, PROXY);
	assert_int_equal(i.targets, 3);
	assert_false(i.forward_trust);
	cp_intercept_clear(&i);
	assert_null(i.issuer);
}

static void test_direct_scans(void **state)
{
	struct cp_intercept i;
	(void)state;
	/* public roots only */
	struct cp_result *a[] = {
		res("a.example", "192.0.2.1", "CN=Public Root", true, 0),
		res("b.example", "192.0.2.2", "CN=Public Root", true, 0),
	};
	assert_int_equal(run(a, 2, NULL, &i), 0);
	assert_null(i.issuer);
	/* one private CA, one registrable name */
	struct cp_result *b[] = {
		res("intranet.corp.example", "10.0.0.1", "CN=Corp Root", false,
		    CP_CHAIN_UNKNOWN_ROOT),
		res("wiki.corp.example", "10.0.0.2", "CN=Corp Root", false, CP_CHAIN_UNKNOWN_ROOT),
		res("WIKI.Corp.Example.", "10.0.0.3", "CN=Corp Root", false, CP_CHAIN_UNKNOWN_ROOT),
	};
	assert_int_equal(run(b, 3, NULL, &i), 0);
	/* the same self-signed certificate everywhere */
	struct cp_result *c[] = {
		res("a.example", "192.0.2.1", "CN=localhost", false, CP_CHAIN_SELF_SIGNED),
		res("b.test", "192.0.2.2", "CN=localhost", false, CP_CHAIN_SELF_SIGNED),
	};
	assert_int_equal(run(c, 2, NULL, &i), 0);
	/* loopback servers from a test CA */
	struct cp_result *d[] = {
		res("a.demo", "127.0.0.1", "CN=demo CA", false, CP_CHAIN_INCOMPLETE),
		res("b.demo", "::1", "CN=demo CA", false, CP_CHAIN_INCOMPLETE),
		res("c.demo", "::ffff:127.0.0.1", "CN=demo CA", false, CP_CHAIN_INCOMPLETE),
	};
	assert_int_equal(run(d, 3, NULL, &i), 0);
	/* two private issuers, one name each */
	struct cp_result *e[] = {
		res("a.example", "192.0.2.1", "CN=One", false, CP_CHAIN_UNKNOWN_ROOT),
		res("b.test", "192.0.2.2", "CN=Two", false, CP_CHAIN_UNKNOWN_ROOT),
	};
	assert_int_equal(run(e, 2, NULL, &i), 0);
	/* chains not checked are not evidence */
	struct cp_result *f[] = {
		res("a.example", "192.0.2.1", "CN=One", false, CP_CHAIN_UNKNOWN_ROOT),
		res("b.test", "192.0.2.2", "CN=One", false, CP_CHAIN_UNKNOWN_ROOT),
	};
	f[1]->cert.chain_checked = false;
	assert_int_equal(run(f, 2, NULL, &i), 0);
	assert_int_equal(run(NULL, 0, NULL, &i), 0);
	assert_int_equal(cp_intercept_detect(NULL, &i), 0);
}

static void test_forward_trust(void **state)
{
	struct cp_intercept i;
	(void)state;
	/* one target is enough, loopback or not, trusted or not */
	struct cp_result *a[] = {
		res("a.example", "127.0.0.1", "CN=Corp Root", false, 0),
		res("b.example", "127.0.0.1", "CN=Public Root", true, 0),
	};
	const char *const fta[] = { PROXY, NULL };
	assert_int_equal(run(a, 2, fta, &i), 1);
	assert_string_equal(i.issuer, PROXY);
	assert_int_equal(i.targets, 1);
	assert_true(i.forward_trust);
	cp_intercept_clear(&i);
	/* the explicit rule wins over a heuristic group with more names */
	struct cp_result *b[] = {
		res("a.example", "192.0.2.1", "CN=Other", false, CP_CHAIN_UNKNOWN_ROOT),
		res("b.test", "192.0.2.2", "CN=Other", false, CP_CHAIN_UNKNOWN_ROOT),
		res("c.org", "192.0.2.3", "CN=Other", false, CP_CHAIN_UNKNOWN_ROOT),
		res("d.net", "192.0.2.4", "CN=Corp Root", true, 0),
	};
	const char *const ftb[] = { NULL, NULL, NULL, PROXY };
	assert_int_equal(run(b, 4, ftb, &i), 1);
	assert_string_equal(i.issuer, PROXY);
	assert_true(i.forward_trust);
	cp_intercept_clear(&i);
}

static void test_largest_group(void **state)
{
	struct cp_intercept i;
	(void)state;
	struct cp_result *v[] = {
		res("a.example", "192.0.2.1", "CN=Small", false, CP_CHAIN_UNKNOWN_ROOT),
		res("b.test", "192.0.2.2", "CN=Small", false, CP_CHAIN_UNKNOWN_ROOT),
		res("c.example", "192.0.2.3", "CN=Big", false, CP_CHAIN_UNKNOWN_ROOT),
		res("d.test", "192.0.2.4", "CN=Big", false, CP_CHAIN_UNKNOWN_ROOT),
		res("e.org", "192.0.2.5", "CN=Big", false, CP_CHAIN_UNKNOWN_ROOT),
		res("www.e.org", "192.0.2.6", "CN=Big", false, CP_CHAIN_UNKNOWN_ROOT),
	};
	assert_int_equal(run(v, 6, NULL, &i), 1);
	assert_string_equal(i.issuer, "CN=Big");
	assert_int_equal(i.targets, 4);
	cp_intercept_clear(&i);
}

static void test_registrable(void **state)
{
	static const struct {
		const char *host, *want;
	} cases[] = {
		{ "www.example.com", "example.com" },
		{ "a.b.example.com.", "example.com" },
		{ "example.com", "example.com" },
		{ "localhost", "localhost" },
		{ "shop.example.co.uk", "example.co.uk" },
		{ "example.co.uk", "example.co.uk" },
		{ "x.y.gov.au", "y.gov.au" },
		{ "www.example.de", "example.de" },
		{ "192.0.2.1", "192.0.2.1" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "", "" },
	};
	(void)state;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		size_t len;
		const char *p = cp_registrable_name(cases[k].host, &len);
		assert_int_equal(len, strlen(cases[k].want));
		assert_memory_equal(p, cases[k].want, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proxied_scan),  cmocka_unit_test(test_direct_scans),
		cmocka_unit_test(test_forward_trust), cmocka_unit_test(test_largest_group),
		cmocka_unit_test(test_registrable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
