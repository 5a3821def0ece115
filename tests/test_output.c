/* SPDX-License-Identifier: MIT */
/*
 * Output writers: the JSON contract field by field, input order under
 * out-of-order completion, JSONL framing, the JSON loader (round trip and
 * rejections), escaping of hostile strings in text, and atomic files.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "output/file.h"
#include "output/output.h"
#include "output/verdict.h"
#include "output/sanitize.h"
#include "registry.h"
#include "result.h"

/* ---- fixtures ------------------------------------------------------- */

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	assert_non_null(p);
	return p;
}

/* A scanned target with a bit of everything. */
static struct cp_result *full_result(size_t index, const char *subject)
{
	struct cp_result *r = cp_result_new("https://www.example.com/login");
	struct cp_cert_facts *c;

	assert_non_null(r);
	r->index = index;
	r->line = 3;
	r->host = xstrdup("www.example.com");
	r->port = 443;
	r->sni = xstrdup("www.example.com");
	r->address = xstrdup("192.0.2.10");

	r->proto[CP_P_SSL2].probed = true;
	assert_int_equal(cp_result_add_kind(r, 0x010080), 0);
	r->proto[CP_P_SSL3].probed = true;
	r->proto[CP_P_SSL3].timeouts = 2;
	r->proto[CP_P_TLS12].probed = true;
	/* server order: GCM before CBC, deliberately not code-point order */
	assert_int_equal(cp_result_add_suite(r, CP_P_TLS12, 0xC02F), 0);
	assert_int_equal(cp_result_add_suite(r, CP_P_TLS12, 0xC013), 0);
	r->proto[CP_P_TLS12].server_preference = CP_YES;
	r->proto[CP_P_TLS13].probed = true;
	assert_int_equal(cp_result_add_suite(r, CP_P_TLS13, 0x1301), 0);
	r->proto[CP_P_TLS13].server_preference = CP_NO;

	assert_int_equal(cp_result_add_group(r, 29, CP_VER_TLS13), 0);
	assert_int_equal(cp_result_add_group(r, 23, CP_VER_TLS12), 0);
	assert_int_equal(cp_result_add_group(r, 23, CP_VER_TLS13), 0);
	assert_int_equal(cp_result_add_sigalg(r, 0x0403, CP_VER_TLS13 | CP_VER_TLS12), 0);
	assert_int_equal(cp_result_add_sigalg(r, 0x0203, CP_VER_TLS12), 0);
	r->sigalgs_probed = true;
	r->dhe_bits = 2048;

	c = &r->cert;
	c->present = true;
	c->subject = xstrdup(subject);
	c->issuer = xstrdup("CN=Example CA,O=Example,C=US");
	c->sans = calloc(2, sizeof *c->sans);
	assert_non_null(c->sans);
	c->sans[0] = xstrdup("www.example.com");
	c->sans[1] = xstrdup("example.com");
	c->nsans = 2;
	c->key_type = xstrdup("EC");
	c->key_bits = 256;
	c->curve = xstrdup("prime256v1");
	c->sig_alg = xstrdup("ecdsa-with-SHA256");
	c->not_before = xstrdup("2025-01-01T00:00:00Z");
	c->not_after = xstrdup("2026-01-01T00:00:00Z");
	c->expired = true;
	c->self_signed = true;
	c->sha256 = xstrdup("ab12");
	c->chain_len = 2;

	assert_int_equal(cp_result_add_violation(
				 r, "ServerHello chose 0x%04X, which was not offered", 0x0005),
			 0);
	r->handshakes = 42;
	r->connections = 44;
	r->elapsed_ms = 1234;
	return r;
}

/* A target whose line could not be used, or that failed later. */
static struct cp_result *error_result(size_t index, const char *input, enum cp_err_kind kind,
				      const char *msg)
{
	struct cp_result *r = cp_result_new(input);

	assert_non_null(r);
	r->index = index;
	assert_int_equal(cp_result_fail(r, kind, "%s", msg), 0);
	if (kind != CP_ERR_INPUT) {
		r->host = xstrdup(input);
		r->port = 443;
		r->sni = xstrdup(input);
	}
	return r;
}

/* Runs a writer over results fed in the given order; returns its output. */
static char *run_writer(const struct cp_output_ops *ops, struct cp_result **rs, size_t n,
			const struct cp_summary *s, bool color, int verbosity)
{
	char *buf = NULL;
	size_t len = 0;
	struct cp_out o = { .verbosity = verbosity, .color = color, .tool_version = "9.9.9" };

	o.f = open_memstream(&buf, &len);
	assert_non_null(o.f);
	assert_int_equal(ops->begin(&o), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ops->target(&o, rs[i]), 0);
	assert_int_equal(ops->end(&o, s), 0);
	ops->cleanup(&o);
	assert_null(o.priv);
	assert_int_equal(fclose(o.f), 0);
	return buf;
}

static const json_t *get(const json_t *o, const char *key, json_type t)
{
	const json_t *v = json_object_get(o, key);

	if (!v)
		print_error("missing key '%s'\n", key);
	assert_non_null(v);
	if (json_typeof(v) != t && !(t == JSON_TRUE && json_is_boolean(v)))
		print_error("key '%s' has type %d, want %d\n", key, json_typeof(v), t);
	assert_true(json_typeof(v) == t || (t == JSON_TRUE && json_is_boolean(v)));
	return v;
}

static void expect_str(const json_t *o, const char *key, const char *want)
{
	assert_string_equal(json_string_value(get(o, key, JSON_STRING)), want);
}

static void expect_int(const json_t *o, const char *key, json_int_t want)
{
	assert_int_equal(json_integer_value(get(o, key, JSON_INTEGER)), want);
}

static void expect_bool(const json_t *o, const char *key, bool want)
{
	assert_int_equal(json_is_true(get(o, key, JSON_TRUE)), want);
}

static void expect_cipher(const json_t *c, const char *id, const char *name, const char *strength)
{
	assert_true(json_is_object(c));
	expect_str(c, "id", id);
	expect_str(c, "name", name);
	expect_str(c, "strength", strength);
}

/* ---- JSON contract ---------------------------------------------------- */

static void test_contract_ok(void **state)
{
	struct cp_result *r = full_result(0, "CN=www.example.com");
	json_t *j = cp_result_to_json(r);
	const json_t *p, *e, *c, *g;

	(void)state;
	assert_non_null(j);
	expect_str(j, "input", "https://www.example.com/login");
	expect_str(j, "host", "www.example.com");
	expect_int(j, "port", 443);
	expect_str(j, "sni", "www.example.com");
	expect_str(j, "address", "192.0.2.10");
	expect_str(j, "status", "ok");
	get(j, "error", JSON_NULL);
	get(j, "verdict", JSON_NULL);

	/* one entry per probed version, oldest first; TLSv1.0/1.1 not probed */
	p = get(j, "protocols", JSON_ARRAY);
	assert_int_equal(json_array_size(p), 4);

	e = json_array_get(p, 0);
	expect_str(e, "version", "SSLv2");
	expect_bool(e, "supported", true);
	get(e, "server_preference", JSON_NULL);
	c = get(e, "ciphers", JSON_ARRAY);
	assert_int_equal(json_array_size(c), 1);
	expect_cipher(json_array_get(c, 0), "0x010080", cp_sslv2_by_id(0x010080)->name, "weak");

	e = json_array_get(p, 1);
	expect_str(e, "version", "SSLv3");
	expect_bool(e, "supported", false);
	get(e, "server_preference", JSON_NULL);
	assert_int_equal(json_array_size(get(e, "ciphers", JSON_ARRAY)), 0);
	expect_int(e, "timeouts", 2);

	e = json_array_get(p, 2);
	expect_str(e, "version", "TLSv1.2");
	expect_bool(e, "supported", true);
	expect_bool(e, "server_preference", true);
	c = get(e, "ciphers", JSON_ARRAY);
	assert_int_equal(json_array_size(c), 2);
	expect_cipher(json_array_get(c, 0), "0xC02F", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
		      "strong");
	expect_cipher(json_array_get(c, 1), "0xC013", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
		      "legacy");

	e = json_array_get(p, 3);
	expect_str(e, "version", "TLSv1.3");
	expect_bool(e, "server_preference", false);
	c = get(e, "ciphers", JSON_ARRAY);
	expect_cipher(json_array_get(c, 0), "0x1301", "TLS_AES_128_GCM_SHA256", "strong");

	g = get(j, "groups", JSON_ARRAY);
	assert_int_equal(json_array_size(g), 2);
	expect_int(json_array_get(g, 0), "id", 29);
	expect_str(json_array_get(g, 0), "name", "x25519");
	e = get(json_array_get(g, 0), "versions", JSON_ARRAY);
	assert_int_equal(json_array_size(e), 1);
	assert_string_equal(json_string_value(json_array_get(e, 0)), "TLSv1.3");
	expect_int(json_array_get(g, 1), "id", 23);
	expect_str(json_array_get(g, 1), "name", "secp256r1");
	e = get(json_array_get(g, 1), "versions", JSON_ARRAY);
	assert_int_equal(json_array_size(e), 2);
	assert_string_equal(json_string_value(json_array_get(e, 0)), "TLSv1.2");
	assert_string_equal(json_string_value(json_array_get(e, 1)), "TLSv1.3");

	/* signature schemes: hex id, IANA name, versions newest first */
	g = get(j, "signature_algorithms", JSON_ARRAY);
	assert_int_equal(json_array_size(g), 2);
	expect_str(json_array_get(g, 0), "id", "0x0403");
	expect_str(json_array_get(g, 0), "name", "ecdsa_secp256r1_sha256");
	e = get(json_array_get(g, 0), "versions", JSON_ARRAY);
	assert_int_equal(json_array_size(e), 2);
	assert_string_equal(json_string_value(json_array_get(e, 0)), "TLSv1.3");
	assert_string_equal(json_string_value(json_array_get(e, 1)), "TLSv1.2");
	expect_str(json_array_get(g, 1), "name", "ecdsa_sha1");
	expect_bool(j, "signature_algorithms_probed", true);

	/* the extras */
	expect_int(j, "line", 3);
	expect_int(j, "handshakes", 42);
	expect_int(j, "connections", 44);
	expect_int(j, "elapsed_ms", 1234);
	expect_int(j, "dhe_bits", 2048);
	e = get(j, "certificate", JSON_OBJECT);
	expect_str(e, "subject", "CN=www.example.com");
	expect_str(e, "issuer", "CN=Example CA,O=Example,C=US");
	c = get(e, "sans", JSON_ARRAY);
	assert_int_equal(json_array_size(c), 2);
	assert_string_equal(json_string_value(json_array_get(c, 1)), "example.com");
	expect_str(e, "key_type", "EC");
	expect_int(e, "key_bits", 256);
	expect_str(e, "curve", "prime256v1");
	expect_str(e, "sig_alg", "ecdsa-with-SHA256");
	expect_str(e, "not_before", "2025-01-01T00:00:00Z");
	expect_str(e, "not_after", "2026-01-01T00:00:00Z");
	expect_bool(e, "expired", true);
	expect_bool(e, "not_yet_valid", false);
	expect_bool(e, "self_signed", true);
	expect_str(e, "sha256", "ab12");
	expect_int(e, "chain_len", 2);
	c = get(j, "violations", JSON_ARRAY);
	assert_int_equal(json_array_size(c), 1);
	assert_string_equal(json_string_value(json_array_get(c, 0)),
			    "ServerHello chose 0x0005, which was not offered");

	json_decref(j);
	cp_result_free(r);
}

static void test_contract_error(void **state)
{
	struct cp_result *r =
		error_result(0, "bad:99999", CP_ERR_INPUT, "port '99999' out of range 1-65535");
	json_t *j = cp_result_to_json(r);
	const json_t *e;

	(void)state;
	assert_non_null(j);
	expect_str(j, "input", "bad:99999");
	get(j, "host", JSON_NULL);
	get(j, "port", JSON_NULL);
	get(j, "sni", JSON_NULL);
	get(j, "address", JSON_NULL);
	expect_str(j, "status", "error");
	e = get(j, "error", JSON_OBJECT);
	expect_str(e, "kind", "input");
	expect_str(e, "message", "port '99999' out of range 1-65535");
	assert_int_equal(json_array_size(get(j, "protocols", JSON_ARRAY)), 0);
	assert_int_equal(json_array_size(get(j, "groups", JSON_ARRAY)), 0);
	get(j, "verdict", JSON_NULL);
	get(j, "dhe_bits", JSON_NULL);
	get(j, "certificate", JSON_NULL);
	json_decref(j);
	cp_result_free(r);

	r = error_result(0, "timeout.example", CP_ERR_TIMEOUT, "no answer in 10 s");
	j = cp_result_to_json(r);
	assert_non_null(j);
	expect_str(get(j, "error", JSON_OBJECT), "kind", "timeout");
	expect_int(j, "port", 443);
	json_decref(j);
	cp_result_free(r);
}

/* Invalid UTF-8 from a certificate becomes \xNN, never a failed document. */
static void test_json_bad_utf8(void **state)
{
	struct cp_result *r = full_result(0, "CN=\xff\xfe"
					     "caf\xc3\xa9\x1b[0m");
	json_t *j = cp_result_to_json(r);
	char *s;

	(void)state;
	assert_non_null(j);
	expect_str(get(j, "certificate", JSON_OBJECT), "subject",
		   "CN=\\xFF\\xFEcaf\xc3\xa9\x1b[0m");
	s = json_dumps(j, JSON_COMPACT);
	assert_non_null(s);
	/* jansson escapes the control character itself */
	assert_non_null(strstr(s, "\\u001B[0m"));
	assert_null(strchr(s, 0x1b));
	free(s);
	json_decref(j);
	cp_result_free(r);
}

/* ---- the json document ------------------------------------------------- */

static void test_json_document_order(void **state)
{
	struct cp_result *rs[5];
	static const size_t order[5] = { 3, 0, 4, 1, 2 };
	struct cp_result *fed[5];
	const char *const changes[] = { "auth-algo-sha1" };
	const char *const nodec[] = { "old.example" };
	struct cp_recommendation rec = {
		.changes = changes, .nchanges = 1, .fixes = 4, .no_decrypt = nodec, .nno_decrypt = 1
	};
	struct cp_summary sum = { .targets = 5,
				  .ok = 4,
				  .errors = 1,
				  .compatible = 3,
				  .incompatible = 1,
				  .recommendation = &rec };
	json_error_t jerr;
	json_t *doc;
	const json_t *t, *s, *v;
	char *out;
	char input[32];

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		snprintf(input, sizeof input, "host%zu.example", i);
		rs[i] = i == 2 ? error_result(i, input, CP_ERR_REFUSED, "connection refused")
			       : full_result(i, "CN=x");
		if (i != 2) {
			free(rs[i]->input);
			rs[i]->input = xstrdup(input);
		}
	}
	for (size_t i = 0; i < 5; i++)
		fed[i] = rs[order[i]];
	out = run_writer(&cp_output_json, fed, 5, &sum, false, 0);
	doc = json_loads(out, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		print_error("%s\n%s\n", jerr.text, out);
	assert_non_null(doc);
	expect_int(doc, "schema", 1);
	expect_str(get(doc, "tool", JSON_OBJECT), "name", "cipherprobe");
	expect_str(get(doc, "tool", JSON_OBJECT), "version", "9.9.9");
	t = get(doc, "targets", JSON_ARRAY);
	assert_int_equal(json_array_size(t), 5);
	for (size_t i = 0; i < 5; i++) {
		snprintf(input, sizeof input, "host%zu.example", i);
		expect_str(json_array_get(t, i), "input", input);
	}
	expect_str(json_array_get(t, 2), "status", "error");
	s = get(doc, "summary", JSON_OBJECT);
	expect_int(s, "targets", 5);
	expect_int(s, "ok", 4);
	expect_int(s, "errors", 1);
	expect_int(s, "compatible", 3);
	expect_int(s, "incompatible", 1);
	v = get(s, "recommendation", JSON_OBJECT);
	assert_string_equal(json_string_value(json_array_get(get(v, "changes", JSON_ARRAY), 0)),
			    "auth-algo-sha1");
	expect_int(v, "fixes", 4);
	assert_string_equal(json_string_value(json_array_get(get(v, "no_decrypt", JSON_ARRAY), 0)),
			    "old.example");
	json_decref(doc);
	free(out);

	/* no summary given: the writer's own counts, recommendation null */
	out = run_writer(&cp_output_json, fed, 5, NULL, false, 0);
	doc = json_loads(out, 0, &jerr);
	assert_non_null(doc);
	s = get(doc, "summary", JSON_OBJECT);
	expect_int(s, "targets", 5);
	expect_int(s, "ok", 4);
	expect_int(s, "errors", 1);
	expect_int(s, "compatible", 0);
	get(s, "recommendation", JSON_NULL);
	json_decref(doc);
	free(out);

	/* no targets at all is still a valid document */
	out = run_writer(&cp_output_json, NULL, 0, NULL, false, 0);
	doc = json_loads(out, 0, &jerr);
	assert_non_null(doc);
	assert_int_equal(json_array_size(get(doc, "targets", JSON_ARRAY)), 0);
	expect_int(get(doc, "summary", JSON_OBJECT), "targets", 0);
	json_decref(doc);
	free(out);

	for (size_t i = 0; i < 5; i++)
		cp_result_free(rs[i]);
}

/* A result is written as soon as all before it are: memory is not held for
 * the whole run when results arrive nearly in order.  Duplicates fail. */
static void test_json_streams_contiguous(void **state)
{
	struct cp_result *a = full_result(0, "CN=a"), *b = full_result(1, "CN=b");
	struct cp_out o = { 0 };
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	free(a->input);
	a->input = xstrdup("first.example");
	free(b->input);
	b->input = xstrdup("second.example");
	o.f = open_memstream(&buf, &len);
	assert_non_null(o.f);
	assert_int_equal(cp_output_json.begin(&o), 0);
	assert_int_equal(cp_output_json.target(&o, b), 0);
	fflush(o.f);
	assert_null(strstr(buf, "second.example"));
	assert_int_equal(cp_output_json.target(&o, a), 0);
	fflush(o.f);
	assert_non_null(strstr(buf, "first.example"));
	assert_non_null(strstr(buf, "second.example"));
	assert_true(strstr(buf, "first.example") < strstr(buf, "second.example"));
	assert_int_equal(cp_output_json.target(&o, a), -1);
	assert_int_equal(o.err, EINVAL);
	/* an aborted run: cleanup alone releases everything */
	cp_output_json.cleanup(&o);
	assert_null(o.priv);
	fclose(o.f);
	free(buf);
	cp_result_free(a);
	cp_result_free(b);
}

static void test_jsonl(void **state)
{
	struct cp_result *rs[3];
	char *out, *line, *nl;
	size_t n = 0;
	static const char *const want[3] = { "c.example", "a.example", "b.example" };

	(void)state;
	rs[0] = full_result(2, "CN=c");
	free(rs[0]->input);
	rs[0]->input = xstrdup("c.example");
	rs[1] = error_result(0, "a.example", CP_ERR_DNS, "NXDOMAIN");
	rs[2] = full_result(1, "CN=b");
	free(rs[2]->input);
	rs[2]->input = xstrdup("b.example");
	out = run_writer(&cp_output_jsonl, rs, 3, NULL, false, 0);
	/* exactly one line per target, ending in a newline, completion order */
	assert_int_equal(out[strlen(out) - 1], '\n');
	for (line = out; *line; line = nl + 1, n++) {
		json_error_t jerr;
		nl = strchr(line, '\n');
		assert_non_null(nl);
		*nl = '\0';
		json_t *j = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
		assert_non_null(j);
		assert_true(n < 3);
		expect_str(j, "input", want[n]);
		assert_non_null(json_object_get(j, "protocols"));
		/* every line names its schema, first (issue 13), and loads */
		assert_int_equal(json_integer_value(json_object_get(j, "schema")), 1);
		assert_string_equal(json_object_iter_key(json_object_iter(j)), "schema");
		char err[256];
		struct cp_result *back = cp_result_from_json(j, err, sizeof err);
		assert_non_null(back);
		cp_result_free(back);
		/* another schema version is refused, named */
		json_object_set_new(j, "schema", json_integer(2));
		assert_null(cp_result_from_json(j, err, sizeof err));
		assert_non_null(strstr(err, "schema: expected 1, got 2"));
		json_decref(j);
	}
	assert_int_equal(n, 3);
	free(out);
	for (size_t i = 0; i < 3; i++)
		cp_result_free(rs[i]);
}

/* ---- JSON loader --------------------------------------------------------- */

static void round_trip(struct cp_result *r)
{
	char err[256] = "";
	json_t *j1 = cp_result_to_json(r), *j2;
	struct cp_result *back;

	assert_non_null(j1);
	back = cp_result_from_json(j1, err, sizeof err);
	if (!back)
		print_error("%s\n", err);
	assert_non_null(back);
	j2 = cp_result_to_json(back);
	assert_non_null(j2);
	if (!json_equal(j1, j2)) {
		char *a = json_dumps(j1, 0), *b = json_dumps(j2, 0);
		print_error("before: %s\nafter:  %s\n", a, b);
		free(a);
		free(b);
	}
	assert_true(json_equal(j1, j2));
	json_decref(j1);
	json_decref(j2);
	cp_result_free(back);
}

static void test_round_trip(void **state)
{
	struct cp_result *r = full_result(0, "CN=www.example.com");
	char err[256];
	json_t *j;
	struct cp_result *back;

	(void)state;
	round_trip(r);
	/* the fields, not only their JSON, survive: order, tristate, cert */
	j = cp_result_to_json(r);
	back = cp_result_from_json(j, err, sizeof err);
	assert_non_null(back);
	assert_int_equal(back->proto[CP_P_TLS12].nsuites, 2);
	assert_int_equal(back->proto[CP_P_TLS12].suites[0], 0xC02F);
	assert_int_equal(back->proto[CP_P_TLS12].suites[1], 0xC013);
	assert_int_equal(back->proto[CP_P_TLS12].server_preference, CP_YES);
	assert_int_equal(back->proto[CP_P_TLS13].server_preference, CP_NO);
	assert_int_equal(back->proto[CP_P_SSL3].server_preference, CP_UNKNOWN);
	assert_true(back->proto[CP_P_SSL3].probed);
	assert_false(back->proto[CP_P_SSL3].supported);
	assert_false(back->proto[CP_P_TLS10].probed);
	assert_int_equal(back->proto[CP_P_SSL2].kinds[0], 0x010080);
	assert_int_equal(back->groups[1].versions, CP_VER_TLS12 | CP_VER_TLS13);
	assert_int_equal(back->nsigalgs, 2);
	assert_int_equal(back->sigalgs[0].id, 0x0403);
	assert_int_equal(back->sigalgs[0].versions, CP_VER_TLS12 | CP_VER_TLS13);
	assert_int_equal(back->sigalgs[1].id, 0x0203);
	assert_true(back->sigalgs_probed);
	assert_true(back->cert.present);
	assert_int_equal(back->cert.nsans, 2);
	assert_true(back->ok);
	json_decref(j);
	cp_result_free(back);
	cp_result_free(r);

	r = error_result(0, "bad:99999", CP_ERR_INPUT, "port '99999' out of range 1-65535");
	round_trip(r);
	cp_result_free(r);
	r = error_result(0, "gone.example", CP_ERR_RESET, "reset by peer");
	r->line = 17;
	round_trip(r);
	cp_result_free(r);
}

struct reject {
	const char *name;
	const char *path;  /* JSON pointer-ish: key or key.key or key[i].key */
	const char *value; /* JSON text to put there; NULL removes the key */
	const char *want;  /* fragment of the message */
};

static const struct reject rejects[] = {
	{ "no input", "input", NULL, "input: missing" },
	{ "input number", "input", "5", "input: expected a string, got an integer" },
	{ "host number", "host", "1", "host: expected a string or null" },
	{ "port string", "port", "\"443\"", "port: expected an integer or null, got a string" },
	{ "port range", "port", "70000", "port: 70000 out of range 0-65535" },
	{ "port zero", "port", "0", "port: 0 out of range 1-65535" },
	{ "no sni", "sni", NULL, "sni: missing" },
	{ "no address", "address", NULL, "address: missing" },
	{ "status word", "status", "\"maybe\"", "status: expected \"ok\" or \"error\"" },
	{ "error when ok", "error", "{\"kind\":\"dns\",\"message\":\"x\"}",
	  "error: must be null when status is \"ok\"" },
	{ "protocols object", "protocols", "{}", "protocols: expected an array, got an object" },
	{ "no groups", "groups", NULL, "groups: missing" },
	/* issue 12: keys no version wrote, at each level the loader reads */
	{ "unknown key", "junk", "[0,0,0]", "junk: unknown key" },
	{ "unknown protocol key", "protocols[0].rank", "1", "protocols[0].rank: unknown key" },
	{ "unknown cipher key", "protocols[3].ciphers[0].rank", "1",
	  "protocols[3].ciphers[0].rank: unknown key" },
	{ "unknown group key", "groups[0].rank", "1", "groups[0].rank: unknown key" },
	{ "unknown cert key", "certificate.owner", "\"x\"", "certificate.owner: unknown key" },
	{ "no verdict", "verdict", NULL, "verdict: missing" },
	{ "version", "protocols[2].version", "\"TLSv9\"",
	  "protocols[2].version: unknown version 'TLSv9'" },
	{ "dup version", "protocols[2].version", "\"TLSv1.3\"",
	  "protocols[3].version: TLSv1.3 listed twice" },
	{ "supported", "protocols[2].supported", "\"yes\"",
	  "protocols[2].supported: expected a boolean" },
	{ "preference", "protocols[2].server_preference", "1",
	  "protocols[2].server_preference: expected a boolean or null" },
	{ "cipher id", "protocols[2].ciphers[1].id", "\"C013\"",
	  "protocols[2].ciphers[1].id: 'C013' is not a hex code" },
	{ "cipher id big", "protocols[2].ciphers[0].id", "\"0x10000\"",
	  "protocols[2].ciphers[0].id" },
	{ "cipher id number", "protocols[2].ciphers[0].id", "49171",
	  "protocols[2].ciphers[0].id: expected a string" },
	{ "unsupported with ciphers", "protocols[2].supported", "false",
	  "protocols[2].ciphers: not empty although" },
	{ "group id", "groups[0].id", "-1", "groups[0].id: -1 out of range" },
	{ "group version", "groups[1].versions", "[\"TLSv1.2\",7]", "groups[1].versions[1]" },
	{ "sigalg id", "signature_algorithms[0].id", "\"0403\"",
	  "signature_algorithms[0].id: '0403' is not a hex code" },
	{ "sigalg version", "signature_algorithms[1].versions", "[\"TLSv1.2\",7]",
	  "signature_algorithms[1].versions[1]" },
	{ "sigalgs object", "signature_algorithms", "{}",
	  "signature_algorithms: expected an array, got an object" },
	{ "san type", "certificate.sans", "[\"a\",3]",
	  "certificate.sans[1]: expected a string, got an integer" },
	{ "cert bool", "certificate.expired", "\"no\"", "certificate.expired: expected a boolean" },
	{ "violation", "violations", "[true]", "violations[0]: expected a string, got a boolean" },
	{ "dhe bits", "dhe_bits", "\"2048\"", "dhe_bits: expected an integer or null" },
	{ "handshakes", "handshakes", "-3", "handshakes: -3 out of range" },
};

/* Puts value at a dotted path with [i] indexes, e.g. "protocols[2].ciphers[1].id";
 * a NULL value removes the key. */
static void put_path(json_t *root, const char *path, const char *value)
{
	char buf[128], *tok, *dot;
	json_t *cur = root;

	snprintf(buf, sizeof buf, "%s", path);
	for (tok = buf; (dot = strchr(tok, '.')); tok = dot + 1) {
		char *br = strchr(tok, '[');
		*dot = '\0';
		if (br) {
			*br = '\0';
			cur = json_array_get(json_object_get(cur, tok), strtoul(br + 1, NULL, 10));
		} else {
			cur = json_object_get(cur, tok);
		}
		assert_non_null(cur);
	}
	assert_non_null(tok);
	if (!value) {
		assert_int_equal(json_object_del(cur, tok), 0);
	} else {
		json_error_t e;
		json_t *v = json_loads(value, JSON_DECODE_ANY, &e);
		assert_non_null(v);
		assert_int_equal(json_object_set_new(cur, tok, v), 0);
	}
}

static void test_rejects(void **state)
{
	struct cp_result *r = full_result(0, "CN=x");
	json_t *base = cp_result_to_json(r);
	char err[256];

	(void)state;
	assert_non_null(base);
	for (size_t i = 0; i < sizeof rejects / sizeof rejects[0]; i++) {
		json_t *j = json_deep_copy(base);
		struct cp_result *back;
		assert_non_null(j);
		put_path(j, rejects[i].path, rejects[i].value);
		err[0] = '\0';
		back = cp_result_from_json(j, err, sizeof err);
		if (back || !strstr(err, rejects[i].want))
			print_error("case '%s': got '%s', want '%s'\n", rejects[i].name, err,
				    rejects[i].want);
		assert_null(back);
		assert_non_null(strstr(err, rejects[i].want));
		json_decref(j);
	}
	/* not an object at all */
	json_t *arr = json_array();
	assert_null(cp_result_from_json(arr, err, sizeof err));
	assert_non_null(strstr(err, "expected an object, got an array"));
	json_decref(arr);
	/* an error status needs its error object */
	json_t *j = json_deep_copy(base);
	json_object_set_new(j, "status", json_string("error"));
	assert_null(cp_result_from_json(j, err, sizeof err));
	assert_non_null(strstr(err, "error: must be an object when status is \"error\""));
	json_object_set_new(j, "error", json_pack("{s:s,s:s}", "kind", "weird", "message", "m"));
	assert_null(cp_result_from_json(j, err, sizeof err));
	assert_non_null(strstr(err, "error.kind: unknown kind 'weird'"));
	json_decref(j);
	/* a key no version wrote is refused, named with its path (issue 12:
	 * a schema-1 document is ours; a newer writer bumps the schema) */
	j = json_deep_copy(base);
	json_object_set_new(j, "future_field", json_true());
	assert_null(cp_result_from_json(j, err, sizeof err));
	assert_string_equal(err, "future_field: unknown key (no version of cipherprobe writes it)");
	json_decref(j);
	j = json_deep_copy(base);
	json_object_set_new(json_object_get(j, "certificate"), "x\033[31m", json_true());
	assert_null(cp_result_from_json(j, err, sizeof err));
	/* raw here: whatever prints the message escapes it */
	assert_string_equal(
		err, "certificate.x\033[31m: unknown key (no version of cipherprobe writes it)");
	json_decref(j);
	/* missing extras are tolerated (documents older than them) */
	j = json_deep_copy(base);
	json_object_del(j, "certificate");
	json_object_del(j, "elapsed_ms");
	struct cp_result *back = cp_result_from_json(j, err, sizeof err);
	assert_non_null(back);
	assert_false(back->cert.present);
	cp_result_free(back);
	json_decref(j);
	/* a document from before the signature probe: not probed, no schemes */
	j = json_deep_copy(base);
	json_object_del(j, "signature_algorithms");
	json_object_del(j, "signature_algorithms_probed");
	back = cp_result_from_json(j, err, sizeof err);
	assert_non_null(back);
	assert_int_equal(back->nsigalgs, 0);
	assert_false(back->sigalgs_probed);
	cp_result_free(back);
	json_decref(j);

	json_decref(base);
	cp_result_free(r);
}

/* ---- text ---------------------------------------------------------------- */

/* No raw control bytes besides newline, and well-formed UTF-8 (checked by
 * jansson, which refuses anything else). */
static void assert_printable(const char *s, bool allow_our_colors)
{
	static const char *const ours[] = { "\033[31m", "\033[33m", "\033[32m", "\033[1m",
					    "\033[0m" };
	size_t len = strlen(s);
	json_t *j;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x1b && allow_our_colors) {
			size_t k;
			for (k = 0; k < sizeof ours / sizeof ours[0]; k++)
				if (!strncmp(s + i, ours[k], strlen(ours[k])))
					break;
			if (k < sizeof ours / sizeof ours[0]) {
				i += strlen(ours[k]) - 1;
				continue;
			}
		}
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			print_error("raw byte 0x%02X at %zu in:\n%s\n", c, i, s);
		assert_false((c < 0x20 && c != '\n') || c == 0x7f);
		/* C1 controls in UTF-8 */
		assert_false(c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
			     (unsigned char)s[i + 1] <= 0x9F);
	}
	j = json_stringn(s, len);
	assert_non_null(j);
	json_decref(j);
}

static void test_text_hostile(void **state)
{
	struct cp_result *rs[2];
	char *out;

	(void)state;
	rs[0] = full_result(0, "CN=\x1b[31mevil\x1b[0m\xff\xfe,O=\xc2\x9b"
			       "2J\xe2\x80\xae"
			       "moc.knab");
	free(rs[0]->cert.sans[1]);
	rs[0]->cert.sans[1] = xstrdup("bad\r\nname\x7f");
	free(rs[0]->input);
	rs[0]->input = xstrdup("in\x1b]0;title\x07put");
	rs[1] = error_result(1, "err.example", CP_ERR_PROTOCOL, "alert \x1b[2J from \xc0\xaf peer");

	for (int color = 0; color <= 1; color++) {
		out = run_writer(&cp_output_text, rs, 2, NULL, color, 1);
		assert_printable(out, color);
		assert_non_null(strstr(
			out,
			"CN=\\x1B[31mevil\\x1B[0m\\xFF\\xFE,O=\\xC2\\x9B2J\\xE2\\x80\\xAEmoc.knab"));
		assert_non_null(strstr(out, "bad\\x0D\\x0Aname\\x7F"));
		assert_non_null(strstr(out, "in\\x1B]0;title\\x07put"));
		assert_non_null(
			strstr(out, "ERROR (protocol): alert \\x1B[2J from \\xC0\\xAF peer"));
		free(out);
	}
	cp_result_free(rs[0]);
	cp_result_free(rs[1]);
}

static void test_text_content(void **state)
{
	struct cp_result *rs[2];
	char *out;
	const char *tls12, *tls13;

	(void)state;
	rs[0] = full_result(0, "CN=www.example.com");
	rs[1] = error_result(1, "down.example", CP_ERR_TIMEOUT, "no answer within 10 s");
	rs[1]->address = xstrdup("2001:db8::7");
	out = run_writer(&cp_output_text, rs, 2, NULL, false, 0);

	assert_non_null(strstr(
		out, "https://www.example.com/login -> 192.0.2.10:443, SNI www.example.com\n"));
	tls12 = strstr(out, "  TLSv1.2  server order\n");
	tls13 = strstr(out, "  TLSv1.3  client order\n");
	assert_non_null(tls12);
	assert_non_null(tls13);
	assert_true(tls13 < tls12);
	assert_non_null(strstr(out, "0xC02F    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
	assert_true(strstr(out, "0xC02F") < strstr(out, "0xC013"));
	assert_non_null(strstr(out, "0x010080"));
	assert_non_null(strstr(out, "not supported: SSLv3 (2 timeouts)"));
	assert_non_null(strstr(out, "groups: x25519 (TLSv1.3), secp256r1 (TLSv1.2 TLSv1.3)"));
	assert_non_null(strstr(out, "DHE: 2048-bit group"));
	assert_non_null(strstr(out, "  signatures TLSv1.3: ecdsa_secp256r1_sha256\n"
				    "  signatures TLSv1.2: ecdsa_secp256r1_sha256, ecdsa_sha1\n"));
	assert_non_null(strstr(out, "certificate: CN=www.example.com"));
	assert_non_null(strstr(out, "issuer:  CN=Example CA,O=Example,C=US"));
	assert_non_null(
		strstr(out, "key:     EC 256 bits prime256v1, signed with ecdsa-with-SHA256"));
	assert_non_null(strstr(out, "names:   www.example.com, example.com"));
	assert_non_null(strstr(out, "warning: expired, self-signed"));
	assert_non_null(strstr(out, "violation: ServerHello chose 0x0005"));
	assert_non_null(strstr(out, "42 handshakes, 44 connections, 1234 ms"));
	assert_null(strstr(out, "sha256:")); /* verbose only */
	assert_non_null(strstr(out, "down.example -> [2001:db8::7]:443, SNI down.example\n"));
	assert_non_null(strstr(out, "  ERROR (timeout): no answer within 10 s\n"));
	assert_non_null(strstr(out, "2 targets: 1 ok, 1 error\n"));
	assert_null(strchr(out, 0x1b));
	free(out);

	/* colour: strength words wrapped, only when asked */
	out = run_writer(&cp_output_text, rs, 1, NULL, true, 0);
	assert_non_null(strstr(out, "\033[32mstrong\033[0m"));
	assert_non_null(strstr(out, "\033[33mlegacy\033[0m"));
	assert_non_null(strstr(out, "\033[31mweak\033[0m"));
	free(out);

	/* quiet: one line per target */
	out = run_writer(&cp_output_text, rs, 2, NULL, false, -1);
	assert_non_null(strstr(out, "https://www.example.com/login  SSLv2 to TLSv1.3, 4 suites\n"));
	assert_non_null(strstr(out, "down.example  ERROR (timeout): no answer within 10 s\n"));
	free(out);
	cp_result_free(rs[0]);
	cp_result_free(rs[1]);
}

static void test_registry(void **state)
{
	(void)state;
	assert_ptr_equal(cp_output_find("text"), &cp_output_text);
	assert_ptr_equal(cp_output_find("json"), &cp_output_json);
	assert_ptr_equal(cp_output_find("jsonl"), &cp_output_jsonl);
	assert_null(cp_output_find("xml"));
	for (size_t i = 0; cp_outputs[i]; i++) {
		assert_non_null(cp_outputs[i]->begin);
		assert_non_null(cp_outputs[i]->target);
		assert_non_null(cp_outputs[i]->end);
		assert_non_null(cp_outputs[i]->cleanup);
	}
}

/* ---- sanitize ------------------------------------------------------------ */

static void expect_clean(char *(*fn)(const char *), const char *in, const char *want)
{
	char *got = fn(in);

	assert_non_null(got);
	if (strcmp(got, want))
		print_error("in '%s': got '%s', want '%s'\n", in, got, want);
	assert_string_equal(got, want);
	free(got);
}

static void test_sanitize(void **state)
{
	(void)state;
	assert_null(cp_sanitize(NULL));
	expect_clean(cp_sanitize, "", "");
	expect_clean(cp_sanitize, "CN=plain, O=ok\\,too", "CN=plain, O=ok\\\\,too");
	expect_clean(cp_sanitize, "DNS:a\\x1B[31m", "DNS:a\\\\x1B[31m"); /* literal backslash-x */
	expect_clean(cp_sanitize, "\x1b", "\\x1B");
	expect_clean(cp_sanitize, "a\xe2\x80\xa8", "a\\xE2\\x80\\xA8"); /* LINE SEPARATOR */
	expect_clean(cp_sanitize_utf8, "a\\x1B\x1b", "a\\x1B\x1b");
	expect_clean(cp_sanitize,
		     "b\xc3\xbc"
		     "cher \xe6\x97\xa5\xf0\x9f\x94\x92",
		     "b\xc3\xbc"
		     "cher \xe6\x97\xa5\xf0\x9f\x94\x92");
	expect_clean(cp_sanitize, "a\tb\x01\x1f\x7f", "a\\x09b\\x01\\x1F\\x7F");
	expect_clean(cp_sanitize,
		     "\xc2\x9b"
		     "31m",
		     "\\xC2\\x9B31m");                                         /* C1 CSI */
	expect_clean(cp_sanitize, "\xc2\xa0", "\xc2\xa0");                     /* NBSP is text */
	expect_clean(cp_sanitize, "x\xe2\x80\xaey", "x\\xE2\\x80\\xAEy");      /* RLO */
	expect_clean(cp_sanitize, "\xc0\xaf", "\\xC0\\xAF");                   /* overlong */
	expect_clean(cp_sanitize, "\xe0\x80\xaf", "\\xE0\\x80\\xAF");          /* overlong */
	expect_clean(cp_sanitize, "\xed\xa0\x80", "\\xED\\xA0\\x80");          /* surrogate */
	expect_clean(cp_sanitize, "\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80"); /* > U+10FFFF */
	expect_clean(cp_sanitize, "ok\xe2\x82", "ok\\xE2\\x82");               /* truncated */
	expect_clean(cp_sanitize,
		     "\xe2\x82"
		     "A",
		     "\\xE2\\x82"
		     "A");                                   /* resync */
	expect_clean(cp_sanitize, "\x80\xbf", "\\x80\\xBF"); /* lone continuation */
	/* the JSON flavour leaves controls to the JSON encoder */
	expect_clean(cp_sanitize_utf8, "a\x1b[0m\xff", "a\x1b[0m\\xFF");
	expect_clean(cp_sanitize_utf8, "\xc2\x9b\xe2\x80\xae", "\xc2\x9b\xe2\x80\xae");
}

/* ---- atomic files -------------------------------------------------------- */

static char tmpdir[64];

static int make_dir(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/cp-out-XXXXXX",
		 base && strlen(base) < 40 ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char p[512];

	(void)state;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
			if (unlink(p))
				rmdir(p);
		}
	closedir(d);
	return rmdir(tmpdir);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void expect_file(const char *path, const char *text)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, text);
}

static size_t dir_entries(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_atomic(void **state)
{
	struct cp_atomic a;
	char path[128], err[256];
	struct stat st;
	FILE *f;
	mode_t old;

	(void)state;
	snprintf(path, sizeof path, "%s/out.json", tmpdir);
	write_file(path, "old\n");
	assert_int_equal(chmod(path, 0600), 0);

	/* abort: the old file stays, no temporary is left */
	f = cp_atomic_open(path, &a, err, sizeof err);
	assert_non_null(f);
	fputs("half a docu", f);
	fflush(f);
	expect_file(path, "old\n");
	assert_int_equal(dir_entries(), 2);
	cp_atomic_abort(&a);
	expect_file(path, "old\n");
	assert_int_equal(dir_entries(), 1);
	cp_atomic_abort(&a); /* twice is harmless */

	/* commit: new content, old permission bits kept */
	f = cp_atomic_open(path, &a, err, sizeof err);
	assert_non_null(f);
	fputs("new\n", f);
	assert_int_equal(cp_atomic_commit(&a), 0);
	expect_file(path, "new\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(dir_entries(), 1);
	cp_atomic_abort(&a); /* after commit: nothing to do */
	expect_file(path, "new\n");

	/* a new file: 0644 minus the umask */
	old = umask(027);
	snprintf(path, sizeof path, "%s/fresh.txt", tmpdir);
	f = cp_atomic_open(path, &a, err, sizeof err);
	assert_non_null(f);
	fputs("x", f);
	assert_int_equal(cp_atomic_commit(&a), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);

	/* commit fails (the name became a directory): temp removed, reported */
	snprintf(path, sizeof path, "%s/later-dir", tmpdir);
	f = cp_atomic_open(path, &a, err, sizeof err);
	assert_non_null(f);
	fputs("x", f);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(cp_atomic_commit(&a), -1);
	assert_non_null(strstr(a.err, "cannot replace"));
	assert_non_null(strstr(a.err, "later-dir"));
	assert_int_equal(dir_entries(), 3); /* out.json, fresh.txt, later-dir */

	/* cannot open: missing directory, a directory */
	snprintf(path, sizeof path, "%s/no/such/file", tmpdir);
	assert_null(cp_atomic_open(path, &a, err, sizeof err));
	assert_non_null(strstr(err, "No such file or directory"));
	assert_null(cp_atomic_open(tmpdir, &a, err, sizeof err));
	assert_non_null(strstr(err, "directory"));

	/* a device is written in place, never renamed over */
	f = cp_atomic_open("/dev/null", &a, err, sizeof err);
	assert_non_null(f);
	fputs("x", f);
	assert_int_equal(cp_atomic_commit(&a), 0);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));

	/* "-" is standard output, left open */
	f = cp_atomic_open("-", &a, err, sizeof err);
	assert_ptr_equal(f, stdout);
	assert_int_equal(cp_atomic_commit(&a), 0);
	assert_int_equal(fflush(stdout), 0);
}

/* cp_verdict_from_json (merge): a verdict written by hand as the contract
 * shows it reads back into the fields the fleet summary uses, and writing
 * it again gives the same object; bad types and unknown keys are named. */
static void test_verdict_round_trip(void **state)
{
	static const char text[] =
		"{\"compatible\": false, \"negotiated\": {\"version\": \"TLSv1.2\", "
		"\"cipher\": \"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA\"}, \"reason\": \"r\", "
		"\"fix\": {\"changes\": [\"auth-algo-sha1\"], \"weak\": false, "
		"\"commands\": [\"set x\", \"commit\"]}, "
		"\"alternatives\": [{\"changes\": [\"enc-algo-3des\", \"keyxchg-algo-rsa\"], \"weak\": true}], "
		"\"no_decrypt\": false, \"causes\": [{\"axis\": \"suite\", \"blocked_by\": \"profile\", "
		"\"detail\": \"d\"}], \"assumes\": \"PAN-OS 12.1.2\", \"xml\": null, \"scm_patch\": null, "
		"\"verified\": true, \"verify_message\": \"m\"}";
	static const struct {
		const char *text, *word;
	} bad[] = {
		{ "{\"reason\": \"r\"}", "verdict.compatible: missing" },
		{ "{\"compatible\": 1}", "verdict.compatible: expected a boolean" },
		{ "{\"compatible\": true, \"colour\": 1}", "colour" },
		{ "{\"compatible\": true, \"fix\": {\"changes\": [1]}}",
		  "verdict.fix.changes[0]: expected a string" },
		{ "{\"compatible\": true, \"causes\": [{\"axis\": \"moon\", \"blocked_by\": \"client\"}]}",
		  "verdict.causes[0].axis" },
		{ "{\"compatible\": true, \"negotiated\": {\"version\": \"TLSv9\", \"cipher\": \"x\"}}",
		  "verdict.negotiated.version" },
	};
	json_error_t je;
	json_t *in = json_loads(text, 0, &je), *out;
	struct cp_verdict *v;
	char err[256];

	(void)state;
	assert_non_null(in);
	v = cp_verdict_from_json(in, err, sizeof err);
	if (!v)
		fail_msg("%s", err);
	assert_false(v->compatible);
	assert_non_null(v->fix);
	assert_int_equal(v->fix->nchanges, 1);
	assert_string_equal(v->fix->changes[0], "auth-algo-sha1");
	assert_int_equal(v->nalternatives, 1);
	assert_true(v->alternatives[0].weak);
	assert_int_equal(v->alternatives[0].nchanges, 2);
	assert_int_equal(v->ncommands, 2);
	assert_true(v->negotiated);
	assert_int_equal(v->neg_version, 0x0303);
	assert_int_equal(v->neg_suite, 0xC013);
	assert_int_equal(v->ncauses, 1);
	assert_int_equal(v->causes[0].axis, CP_AXIS_SUITE);
	assert_int_equal(v->causes[0].blocked_by, CP_BY_PROFILE);
	assert_int_equal(v->verified, 1);
	out = cp_verdict_to_json(v);
	assert_non_null(out);
	assert_true(json_equal(in, out));
	json_decref(out);
	cp_verdict_free(v);
	json_decref(in);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		in = json_loads(bad[i].text, 0, &je);
		assert_non_null(in);
		err[0] = 0;
		assert_null(cp_verdict_from_json(in, err, sizeof err));
		if (!strstr(err, bad[i].word))
			fail_msg("%s: '%s' lacks '%s'", bad[i].text, err, bad[i].word);
		json_decref(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contract_ok),
		cmocka_unit_test(test_contract_error),
		cmocka_unit_test(test_json_bad_utf8),
		cmocka_unit_test(test_json_document_order),
		cmocka_unit_test(test_json_streams_contiguous),
		cmocka_unit_test(test_jsonl),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_verdict_round_trip),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_text_hostile),
		cmocka_unit_test(test_text_content),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test_setup_teardown(test_atomic, make_dir, remove_dir),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
