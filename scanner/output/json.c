/* SPDX-License-Identifier: MIT */
/*
 * JSON: one target <-> one object of the schema-1 contract (DESIGN.md),
 * and the "json" and "jsonl" writers.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "output/output.h"
#include "output/verdict.h"
#include "output/sanitize.h"
#include "registry.h"
#include "result.h"
#include "tls/chain.h"
#include "util.h"

#define DUMP_FLAGS (JSON_PRESERVE_ORDER)

#if JSON_INTEGER_IS_LONG_LONG
#define CP_JSON_INT_MAX LLONG_MAX
#else
#define CP_JSON_INT_MAX LONG_MAX
#endif

/* ---- record -> JSON ------------------------------------------------- */

static json_t *jint(uint64_t v)
{
	return json_integer(v > (uint64_t)CP_JSON_INT_MAX ? CP_JSON_INT_MAX : (json_int_t)v);
}

/* json_object_set_new() takes v even when it fails, and fails on NULL v,
 * so a failed constructor needs no separate check. */
static int set(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v);
}

static json_t *strength_json(enum cp_strength s)
{
	return cp_json_str(cp_strength_name(s));
}

static json_t *cipher_json(const char *id, const char *name, json_t *strength)
{
	json_t *o = json_object();

	if (!o || set(o, "id", cp_json_str(id)) || set(o, "name", cp_json_str(name)) ||
	    set(o, "strength", strength ? strength : json_null())) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Accepted suites of one probed version; SSLv2 lists cipher kinds. */
static json_t *ciphers_json(const struct cp_proto_result *pr, enum cp_proto p)
{
	json_t *a = json_array();
	char id[16];

	if (!a)
		return NULL;
	if (p == CP_P_SSL2) {
		for (size_t i = 0; i < pr->nkinds; i++) {
			const struct cp_sslv2_kind *k = cp_sslv2_by_id(pr->kinds[i]);
			snprintf(id, sizeof id, "0x%06" PRIX32, pr->kinds[i] & 0xFFFFFFu);
			if (json_array_append_new(
				    a, cipher_json(id, k ? k->name : NULL,
						   k ? strength_json(k->strength) : NULL)))
				goto fail;
		}
		return a;
	}
	for (size_t i = 0; i < pr->nsuites; i++) {
		const struct cp_suite *s = cp_suite_by_id(pr->suites[i]);
		snprintf(id, sizeof id, "0x%04" PRIX16, pr->suites[i]);
		if (json_array_append_new(a, cipher_json(id, s ? s->name : NULL,
							 s ? strength_json(s->strength) : NULL)))
			goto fail;
	}
	return a;
fail:
	json_decref(a);
	return NULL;
}

static json_t *versions_json(unsigned bits)
{
	json_t *a = json_array();

	if (!a)
		return NULL;
	for (int p = 0; p < CP_P__COUNT; p++)
		if ((bits & cp_proto_bit((enum cp_proto)p)) &&
		    json_array_append_new(a, cp_json_str(cp_proto_name((enum cp_proto)p)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Versions newest first, as a scheme's list reads ("TLSv1.3", "TLSv1.2"). */
static json_t *sigalg_versions_json(unsigned bits)
{
	json_t *a = json_array();

	if (!a)
		return NULL;
	for (int p = CP_P__COUNT - 1; p >= 0; p--)
		if ((bits & cp_proto_bit((enum cp_proto)p)) &&
		    json_array_append_new(a, cp_json_str(cp_proto_name((enum cp_proto)p)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *protocols_json(const struct cp_result *r)
{
	json_t *a = json_array(), *o = NULL;

	if (!a)
		return NULL;
	for (int i = 0; i < CP_P__COUNT; i++) {
		const struct cp_proto_result *pr = &r->proto[i];
		json_t *pref;
		if (!pr->probed)
			continue;
		pref = pr->server_preference == CP_UNKNOWN
			       ? json_null()
			       : json_boolean(pr->server_preference == CP_YES);
		o = json_object();
		if (!o || set(o, "version", cp_json_str(cp_proto_name((enum cp_proto)i))) ||
		    set(o, "supported", json_boolean(pr->supported)) ||
		    set(o, "server_preference", pref) ||
		    set(o, "ciphers", ciphers_json(pr, (enum cp_proto)i)) ||
		    set(o, "timeouts", jint(pr->timeouts)))
			goto fail;
		if (json_array_append_new(a, o)) {
			o = NULL;
			goto fail;
		}
		o = NULL;
	}
	return a;
fail:
	json_decref(o);
	json_decref(a);
	return NULL;
}

static json_t *groups_json(const struct cp_result *r)
{
	json_t *a = json_array(), *o = NULL;

	if (!a)
		return NULL;
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct cp_group *g = cp_group_by_id(r->groups[i].id);
		o = json_object();
		if (!o || set(o, "id", jint(r->groups[i].id)) ||
		    set(o, "name", cp_json_str(g ? g->name : NULL)) ||
		    set(o, "versions", versions_json(r->groups[i].versions)))
			goto fail;
		if (json_array_append_new(a, o)) {
			o = NULL;
			goto fail;
		}
		o = NULL;
	}
	return a;
fail:
	json_decref(o);
	json_decref(a);
	return NULL;
}

static json_t *violations_json(const struct cp_result *r)
{
	json_t *a = json_array();

	if (!a)
		return NULL;
	for (size_t i = 0; i < r->nviolations; i++)
		if (json_array_append_new(a, cp_json_str(r->violations[i].what))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* "chain": the verification against the trust store; null when not done. */
static json_t *chain_json(const struct cp_cert_facts *c)
{
	json_t *o, *errors;

	if (!c->chain_checked)
		return json_null();
	o = json_object();
	errors = json_array();
	if (!o || !errors) {
		json_decref(o);
		json_decref(errors);
		return NULL;
	}
	if (set(o, "trusted", json_boolean(c->trusted)) || set(o, "errors", errors)) {
		json_decref(o);
		return NULL;
	}
	for (unsigned bit = 1; bit && cp_chain_error_name(bit); bit <<= 1)
		if ((c->chain_errors & bit) &&
		    json_array_append_new(errors, cp_json_str(cp_chain_error_name(bit)))) {
			json_decref(o);
			return NULL;
		}
	if (set(o, "missing_issuer", cp_json_str(c->missing_issuer)) ||
	    set(o, "anchor", cp_json_str(c->anchor))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *cert_json(const struct cp_cert_facts *c)
{
	json_t *o;

	if (!c->present)
		return json_null();
	o = json_object();
	if (!o || set(o, "subject", cp_json_str(c->subject)) ||
	    set(o, "issuer", cp_json_str(c->issuer)) ||
	    set(o, "sans", cp_json_strv((const char *const *)c->sans, c->nsans)) ||
	    set(o, "key_type", cp_json_str(c->key_type)) || set(o, "key_bits", jint(c->key_bits)) ||
	    set(o, "curve", cp_json_str(c->curve)) || set(o, "sig_alg", cp_json_str(c->sig_alg)) ||
	    set(o, "not_before", cp_json_str(c->not_before)) ||
	    set(o, "not_after", cp_json_str(c->not_after)) ||
	    set(o, "expired", json_boolean(c->expired)) ||
	    set(o, "not_yet_valid", json_boolean(c->not_yet_valid)) ||
	    set(o, "self_signed", json_boolean(c->self_signed)) ||
	    set(o, "sha256", cp_json_str(c->sha256)) || set(o, "chain_len", jint(c->chain_len)) ||
	    set(o, "chain", chain_json(c))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *error_json(const struct cp_result *r)
{
	json_t *o;

	if (r->ok)
		return json_null();
	o = json_object();
	if (!o || set(o, "kind", cp_json_str(cp_err_kind_name(r->err_kind))) ||
	    set(o, "message", cp_json_str(r->err_msg ? r->err_msg : ""))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The scan's longest chain of probes (result.h). */
static json_t *critical_json(const struct cp_result *r)
{
	return json_pack("{s:I, s:I, s:s}", "round_trips", (json_int_t)r->critical.round_trips,
			 "probes", (json_int_t)r->critical.probes, "chain", r->critical.chain);
}

/* --from-decryption-log: how often the firewall saw this target fail. */
static json_t *log_json(const struct cp_result *r)
{
	json_t *o = json_object();
	if (!o || set(o, "failures", jint(r->log_failures)) ||
	    set(o, "error", r->log_error ? cp_json_str(r->log_error) : json_null()) ||
	    set(o, "first_seen",
		r->log_first_seen ? cp_json_str(r->log_first_seen) : json_null()) ||
	    set(o, "last_seen", r->log_last_seen ? cp_json_str(r->log_last_seen) : json_null())) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* With --proxy-hello: the captured hello was replayed, and whether its
 * server_name was changed to this target's. */
static json_t *proxy_hello_json(const struct cp_result *r)
{
	return json_pack("{s:s, s:b}", "source", "capture", "sni_rewritten",
			 r->replay.sni_rewritten);
}

/* Signature schemes, in the registry's probe order: [] when not probed. */
static json_t *sigalgs_json(const struct cp_result *r)
{
	json_t *a = json_array(), *o = NULL;
	char id[8];

	if (!a)
		return NULL;
	for (size_t i = 0; i < r->nsigalgs; i++) {
		const struct cp_sigscheme *sg = cp_sigscheme_by_id(r->sigalgs[i].id);
		snprintf(id, sizeof id, "0x%04" PRIX16, r->sigalgs[i].id);
		o = json_object();
		if (!o || set(o, "id", cp_json_str(id)) ||
		    set(o, "name", cp_json_str(sg ? sg->name : NULL)) ||
		    set(o, "versions", sigalg_versions_json(r->sigalgs[i].versions)))
			goto fail;
		if (json_array_append_new(a, o)) {
			o = NULL;
			goto fail;
		}
		o = NULL;
	}
	return a;
fail:
	json_decref(o);
	json_decref(a);
	return NULL;
}

json_t *cp_result_to_json(const struct cp_result *r)
{
	json_t *o = json_object();

	/* contract fields first, in the contract's order, then the extras */
	if (!o || set(o, "input", cp_json_str(r->input ? r->input : "")) ||
	    set(o, "host", cp_json_str(r->host)) ||
	    set(o, "port", r->port ? jint(r->port) : json_null()) ||
	    set(o, "sni", cp_json_str(r->sni)) || set(o, "address", cp_json_str(r->address)) ||
	    set(o, "status", cp_json_str(r->ok ? "ok" : "error")) ||
	    set(o, "error", error_json(r)) || set(o, "protocols", protocols_json(r)) ||
	    set(o, "groups", groups_json(r)) || set(o, "signature_algorithms", sigalgs_json(r)) ||
	    set(o, "verdict", r->verdict ? cp_verdict_to_json(r->verdict) : json_null()) ||
	    set(o, "line", jint(r->line)) || set(o, "handshakes", jint(r->handshakes)) ||
	    set(o, "connections", jint(r->connections)) ||
	    set(o, "elapsed_ms", jint(r->elapsed_ms)) ||
	    (r->critical.probes && set(o, "critical_path", critical_json(r))) ||
	    set(o, "dhe_bits", r->dhe_bits ? jint(r->dhe_bits) : json_null()) ||
	    set(o, "signature_algorithms_probed", json_boolean(r->sigalgs_probed)) ||
	    set(o, "certificate", cert_json(&r->cert)) ||
	    (r->cert_error && set(o, "certificate_error", cp_json_str(r->cert_error))) ||
	    set(o, "violations", violations_json(r)) ||
	    (r->log_failures && set(o, "log", log_json(r))) ||
	    (r->replay.captured && set(o, "proxy_hello", proxy_hello_json(r)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *recommendation_json(const struct cp_recommendation *rec)
{
	json_t *o;

	if (!rec)
		return json_null();
	o = json_object();
	if (!o || set(o, "changes", cp_json_strv(rec->changes, rec->nchanges)) ||
	    set(o, "fixes", jint(rec->fixes)) ||
	    set(o, "no_decrypt", cp_json_strv(rec->no_decrypt, rec->nno_decrypt))) {
		json_decref(o);
		return NULL;
	}
	if (rec->change_fixes) {
		/* how many targets each change fixes, with those before it */
		json_t *cf = json_object();
		if (set(o, "change_fixes", cf)) {
			json_decref(o);
			return NULL;
		}
		for (size_t i = 0; i < rec->nchanges; i++)
			if (set(cf, rec->changes[i], jint(rec->change_fixes[i]))) {
				json_decref(o);
				return NULL;
			}
	}
	if (rec->commands && set(o, "commands", cp_json_strv(rec->commands, rec->ncommands))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* "interception": the scan itself is being decrypted; null when not seen. */
static json_t *interception_json(const struct cp_summary *s)
{
	json_t *o;

	if (!s->interception_issuer)
		return json_null();
	o = json_object();
	if (!o || set(o, "issuer", cp_json_str(s->interception_issuer)) ||
	    set(o, "targets", jint(s->interception_targets))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *cp_summary_to_json(const struct cp_summary *s)
{
	json_t *o = json_object();

	if (!o || set(o, "targets", jint(s->targets)) || set(o, "ok", jint(s->ok)) ||
	    set(o, "errors", jint(s->errors)) || set(o, "compatible", jint(s->compatible)) ||
	    set(o, "incompatible", jint(s->incompatible)) ||
	    set(o, "recommendation", recommendation_json(s->recommendation)) ||
	    set(o, "interception", interception_json(s))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- JSON -> record ------------------------------------------------- */

enum { REQ = 1, NULLABLE = 2 };

static int bad(char *err, size_t errlen, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;

	if (!err || !errlen)
		return -1;
	cp_strapp(err, errlen, &n, "%s: ", path);
	if (n < errlen) {
		va_start(ap, fmt);
		cp_vseterr(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char *type_name(const json_t *v)
{
	if (!v)
		return "missing";
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "something else";
}

static const char *want_name(json_type t)
{
	switch (t) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "a value";
	}
}

/*
 * Looks up key in o, checks its type (JSON_TRUE stands for any boolean),
 * and stores it in *out, or NULL when it is absent or an allowed null.
 * prefix is the path of o ("" at the top).
 */
static int field(const json_t *o, const char *prefix, const char *key, int flags, json_type want,
		 const json_t **out, char *err, size_t errlen)
{
	char path[160];
	const json_t *v = json_object_get(o, key);
	int ok;

	snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
	*out = NULL;
	if (!v) {
		if (flags & REQ)
			return bad(err, errlen, path, "missing");
		return 0;
	}
	if (json_is_null(v)) {
		if (flags & NULLABLE)
			return 0;
		return bad(err, errlen, path, "expected %s, got null", want_name(want));
	}
	ok = want == JSON_TRUE ? json_is_boolean(v) : json_typeof(v) == want;
	if (!ok)
		return bad(err, errlen, path, "expected %s%s, got %s", want_name(want),
			   flags & NULLABLE ? " or null" : "", type_name(v));
	*out = v;
	return 0;
}

static int str_field(const json_t *o, const char *prefix, const char *key, int flags, char **out,
		     char *err, size_t errlen)
{
	const json_t *v;

	if (field(o, prefix, key, flags, JSON_STRING, &v, err, errlen))
		return -1;
	if (!v)
		return 0;
	free(*out);
	*out = strdup(json_string_value(v));
	if (!*out)
		return bad(err, errlen, key, "out of memory");
	return 0;
}

int cp_json_check_keys(const json_t *o, const char *path, const char *const *known, char *err,
		       size_t errlen)
{
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)o, key, v)
	{
		char shown[48 * 4 + 4];
		size_t k = 0, n = 0;
		bool found = false;

		for (size_t i = 0; known[i] && !found; i++)
			found = !strcmp(known[i], key);
		if (found)
			continue;
		/* raw bytes, cut: every path that prints err escapes them
		 * (cp_eprintf, the text writer), once */
		for (const char *p = key; *p && n < 48; p++, n++)
			shown[k++] = *p;
		snprintf(shown + k, sizeof shown - k, "%s", key[n] ? "..." : "");
		if (err && errlen)
			cp_seterr(err, errlen,
				  "%s%s%s: unknown key (no version of cipherprobe writes it)", path,
				  *path ? "." : "", shown);
		return -1;
	}
	return 0;
}

/* Keys each level of a target may have: everything the writers above
 * emit today or ever did (older documents must load).  A key added here
 * goes into docs/cipherprobe.schema.json too (its objects are closed the
 * same way, and the test suite validates every document against it) and
 * into the JSON section of man/cipherprobe.1.  "schema" is on --jsonl
 * lines, so lines gathered into a document load. */
static const char *const target_keys[] = {
	"schema",
	"input",
	"host",
	"port",
	"sni",
	"address",
	"status",
	"error",
	"protocols",
	"groups",
	"signature_algorithms",
	"verdict",
	"line",
	"handshakes",
	"connections",
	"elapsed_ms",
	"dhe_bits",
	"signature_algorithms_probed",
	"certificate",
	"certificate_error",
	"violations",
	"log",
	"proxy_hello",
	"failed_runs", /* --state: consecutive failed runs (output/diff.h) */
	"critical_path",
	NULL,
};
static const char *const critical_keys[] = { "round_trips", "probes", "chain", NULL };
static const char *const error_keys[] = { "kind", "message", NULL };
static const char *const protocol_keys[] = {
	"version", "supported", "server_preference", "timeouts", "ciphers", NULL,
};
static const char *const cipher_keys[] = { "id", "name", "strength", NULL };
static const char *const group_keys[] = { "id", "name", "versions", NULL };
static const char *const sigalg_keys[] = { "id", "name", "versions", NULL };
static const char *const cert_keys[] = {
	"subject", "issuer",     "sans",      "key_type", "key_bits",      "curve",
	"sig_alg", "not_before", "not_after", "expired",  "not_yet_valid", "self_signed",
	"sha256",  "chain_len",  "chain",     NULL,
};
static const char *const chain_keys[] = { "trusted", "errors", "missing_issuer", "anchor", NULL };
static const char *const log_keys[] = { "failures", "error", "first_seen", "last_seen", NULL };
static const char *const proxy_hello_keys[] = { "source", "sni_rewritten", NULL };

/* An integer in 0..max; *out untouched when absent or null. */
static int uint_field(const json_t *o, const char *prefix, const char *key, int flags, uint64_t max,
		      uint64_t *out, char *err, size_t errlen)
{
	const json_t *v;
	json_int_t n;

	if (field(o, prefix, key, flags, JSON_INTEGER, &v, err, errlen))
		return -1;
	if (!v)
		return 0;
	n = json_integer_value(v);
	if (n < 0 || (uint64_t)n > max) {
		char path[160];
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
		return bad(err, errlen, path, "%" JSON_INTEGER_FORMAT " out of range 0-%" PRIu64, n,
			   max);
	}
	*out = (uint64_t)n;
	return 0;
}

static int bool_field(const json_t *o, const char *prefix, const char *key, int flags, bool *out,
		      char *err, size_t errlen)
{
	const json_t *v;

	if (field(o, prefix, key, flags, JSON_TRUE, &v, err, errlen))
		return -1;
	if (v)
		*out = json_is_true(v);
	return 0;
}

/* "0xC013" (suites) or "0x010080" (SSLv2 kinds): hex, at most max. */
static int parse_hex_id(const char *s, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;
	size_t n = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	for (s += 2; *s; s++, n++) {
		char c = *s;
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (n >= 6)
			return -1;
		v = v << 4 | d;
	}
	if (n == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int proto_by_name(const char *name)
{
	for (int p = 0; p < CP_P__COUNT; p++)
		if (!strcmp(name, cp_proto_name((enum cp_proto)p)))
			return p;
	return -1;
}

static int load_protocol(struct cp_result *r, const json_t *o, const char *path, char *err,
			 size_t errlen)
{
	const json_t *v, *ciphers;
	struct cp_proto_result *pr;
	bool supported = false;
	uint64_t timeouts = 0;
	char sub[160];
	int p;

	if (!json_is_object(o))
		return bad(err, errlen, path, "expected an object, got %s", type_name(o));
	if (cp_json_check_keys(o, path, protocol_keys, err, errlen) ||
	    field(o, path, "version", REQ, JSON_STRING, &v, err, errlen))
		return -1;
	p = proto_by_name(json_string_value(v));
	snprintf(sub, sizeof sub, "%s.version", path);
	if (p < 0)
		return bad(err, errlen, sub, "unknown version '%.32s'", json_string_value(v));
	pr = &r->proto[p];
	if (pr->probed)
		return bad(err, errlen, sub, "%s listed twice", cp_proto_name((enum cp_proto)p));
	if (bool_field(o, path, "supported", REQ, &supported, err, errlen) ||
	    field(o, path, "server_preference", REQ | NULLABLE, JSON_TRUE, &v, err, errlen))
		return -1;
	pr->server_preference = !v ? CP_UNKNOWN : json_is_true(v) ? CP_YES : CP_NO;
	if (uint_field(o, path, "timeouts", 0, UINT_MAX, &timeouts, err, errlen) ||
	    field(o, path, "ciphers", REQ, JSON_ARRAY, &ciphers, err, errlen))
		return -1;
	if (!supported && json_array_size(ciphers)) {
		snprintf(sub, sizeof sub, "%s.ciphers", path);
		return bad(err, errlen, sub, "not empty although \"supported\" is false");
	}
	for (size_t i = 0; i < json_array_size(ciphers); i++) {
		const json_t *c = json_array_get(ciphers, i), *id;
		uint32_t val;
		snprintf(sub, sizeof sub, "%s.ciphers[%zu]", path, i);
		if (!json_is_object(c))
			return bad(err, errlen, sub, "expected an object, got %s", type_name(c));
		if (cp_json_check_keys(c, sub, cipher_keys, err, errlen) ||
		    field(c, sub, "id", REQ, JSON_STRING, &id, err, errlen) ||
		    field(c, sub, "name", NULLABLE, JSON_STRING, &v, err, errlen))
			return -1;
		if (parse_hex_id(json_string_value(id), p == CP_P_SSL2 ? 0xFFFFFFu : 0xFFFFu,
				 &val)) {
			snprintf(sub, sizeof sub, "%s.ciphers[%zu].id", path, i);
			return bad(err, errlen, sub, "'%.32s' is not a hex code like \"%s\"",
				   json_string_value(id), p == CP_P_SSL2 ? "0x010080" : "0xC013");
		}
		if (p == CP_P_SSL2 ? cp_result_add_kind(r, val)
				   : cp_result_add_suite(r, (enum cp_proto)p, (uint16_t)val))
			return bad(err, errlen, sub, "out of memory");
	}
	pr->probed = true;
	pr->supported = supported;
	pr->timeouts = (unsigned)timeouts;
	return 0;
}

static int load_group(struct cp_result *r, const json_t *o, const char *path, char *err,
		      size_t errlen)
{
	const json_t *v, *versions;
	uint64_t id = 0;
	unsigned bits = 0;
	char sub[160];

	if (!json_is_object(o))
		return bad(err, errlen, path, "expected an object, got %s", type_name(o));
	if (cp_json_check_keys(o, path, group_keys, err, errlen) ||
	    uint_field(o, path, "id", REQ, 0xFFFF, &id, err, errlen) ||
	    field(o, path, "name", NULLABLE, JSON_STRING, &v, err, errlen) ||
	    field(o, path, "versions", 0, JSON_ARRAY, &versions, err, errlen))
		return -1;
	for (size_t i = 0; i < json_array_size(versions); i++) {
		const json_t *s = json_array_get(versions, i);
		int p = json_is_string(s) ? proto_by_name(json_string_value(s)) : -1;
		snprintf(sub, sizeof sub, "%s.versions[%zu]", path, i);
		if (p < 0)
			return bad(err, errlen, sub, "expected a version name like \"TLSv1.3\"");
		bits |= cp_proto_bit((enum cp_proto)p);
	}
	if (cp_result_add_group(r, (uint16_t)id, bits))
		return bad(err, errlen, path, "out of memory");
	return 0;
}

/* "certificate.chain" (absent in documents older than it: not checked). */
static int load_chain(struct cp_cert_facts *c, const json_t *o, char *err, size_t errlen)
{
	static const char P[] = "certificate.chain";
	const json_t *errors;
	char sub[64];

	if (cp_json_check_keys(o, P, chain_keys, err, errlen) ||
	    bool_field(o, P, "trusted", REQ, &c->trusted, err, errlen) ||
	    field(o, P, "errors", REQ, JSON_ARRAY, &errors, err, errlen) ||
	    str_field(o, P, "missing_issuer", NULLABLE, &c->missing_issuer, err, errlen) ||
	    str_field(o, P, "anchor", NULLABLE, &c->anchor, err, errlen))
		return -1;
	for (size_t i = 0; i < json_array_size(errors); i++) {
		const json_t *e = json_array_get(errors, i);
		unsigned bit = 1;
		snprintf(sub, sizeof sub, "%s.errors[%zu]", P, i);
		if (!json_is_string(e))
			return bad(err, errlen, sub, "expected a string, got %s", type_name(e));
		for (; cp_chain_error_name(bit); bit <<= 1)
			if (!strcmp(cp_chain_error_name(bit), json_string_value(e)))
				break;
		if (!cp_chain_error_name(bit))
			return bad(err, errlen, sub, "unknown chain error '%.32s'",
				   json_string_value(e));
		c->chain_errors |= bit;
	}
	c->chain_checked = true;
	return 0;
}

static int load_sigalg(struct cp_result *r, const json_t *o, const char *path, char *err,
		       size_t errlen)
{
	const json_t *id, *v, *versions;
	uint32_t val;
	unsigned bits = 0;
	char sub[160];

	if (!json_is_object(o))
		return bad(err, errlen, path, "expected an object, got %s", type_name(o));
	if (cp_json_check_keys(o, path, sigalg_keys, err, errlen) ||
	    field(o, path, "id", REQ, JSON_STRING, &id, err, errlen) ||
	    field(o, path, "name", NULLABLE, JSON_STRING, &v, err, errlen) ||
	    field(o, path, "versions", 0, JSON_ARRAY, &versions, err, errlen))
		return -1;
	if (parse_hex_id(json_string_value(id), 0xFFFFu, &val)) {
		snprintf(sub, sizeof sub, "%s.id", path);
		return bad(err, errlen, sub, "'%.32s' is not a hex code like \"0x0804\"",
			   json_string_value(id));
	}
	for (size_t i = 0; i < json_array_size(versions); i++) {
		const json_t *s = json_array_get(versions, i);
		int p = json_is_string(s) ? proto_by_name(json_string_value(s)) : -1;
		snprintf(sub, sizeof sub, "%s.versions[%zu]", path, i);
		if (p < 0)
			return bad(err, errlen, sub, "expected a version name like \"TLSv1.3\"");
		bits |= cp_proto_bit((enum cp_proto)p);
	}
	if (cp_result_add_sigalg(r, (uint16_t)val, bits))
		return bad(err, errlen, path, "out of memory");
	return 0;
}

static int load_cert(struct cp_cert_facts *c, const json_t *o, char *err, size_t errlen)
{
	static const char P[] = "certificate";
	const json_t *sans, *chain_obj;
	uint64_t bits = 0, chain = 0;
	char sub[64];

	c->present = true;
	if (cp_json_check_keys(o, P, cert_keys, err, errlen) ||
	    str_field(o, P, "subject", NULLABLE, &c->subject, err, errlen) ||
	    str_field(o, P, "issuer", NULLABLE, &c->issuer, err, errlen) ||
	    str_field(o, P, "key_type", NULLABLE, &c->key_type, err, errlen) ||
	    str_field(o, P, "curve", NULLABLE, &c->curve, err, errlen) ||
	    str_field(o, P, "sig_alg", NULLABLE, &c->sig_alg, err, errlen) ||
	    str_field(o, P, "not_before", NULLABLE, &c->not_before, err, errlen) ||
	    str_field(o, P, "not_after", NULLABLE, &c->not_after, err, errlen) ||
	    str_field(o, P, "sha256", NULLABLE, &c->sha256, err, errlen) ||
	    uint_field(o, P, "key_bits", 0, UINT_MAX, &bits, err, errlen) ||
	    uint_field(o, P, "chain_len", 0, SIZE_MAX, &chain, err, errlen) ||
	    bool_field(o, P, "expired", 0, &c->expired, err, errlen) ||
	    bool_field(o, P, "not_yet_valid", 0, &c->not_yet_valid, err, errlen) ||
	    bool_field(o, P, "self_signed", 0, &c->self_signed, err, errlen) ||
	    field(o, P, "sans", 0, JSON_ARRAY, &sans, err, errlen) ||
	    field(o, P, "chain", NULLABLE, JSON_OBJECT, &chain_obj, err, errlen) ||
	    (chain_obj && load_chain(c, chain_obj, err, errlen)))
		return -1;
	c->key_bits = (unsigned)bits;
	c->chain_len = (size_t)chain;
	if (json_array_size(sans)) {
		c->sans = calloc(json_array_size(sans), sizeof *c->sans);
		if (!c->sans)
			return bad(err, errlen, "certificate.sans", "out of memory");
	}
	for (size_t i = 0; i < json_array_size(sans); i++) {
		const json_t *s = json_array_get(sans, i);
		snprintf(sub, sizeof sub, "certificate.sans[%zu]", i);
		if (!json_is_string(s))
			return bad(err, errlen, sub, "expected a string, got %s", type_name(s));
		c->sans[i] = strdup(json_string_value(s));
		if (!c->sans[i])
			return bad(err, errlen, sub, "out of memory");
		c->nsans++;
	}
	return 0;
}

static int load_error(struct cp_result *r, const json_t *e, bool ok, char *err, size_t errlen)
{
	const json_t *kind, *msg;
	int k;

	if (ok) {
		if (e)
			return bad(err, errlen, "error", "must be null when status is \"ok\"");
		return 0;
	}
	if (!e)
		return bad(err, errlen, "error", "must be an object when status is \"error\"");
	if (cp_json_check_keys(e, "error", error_keys, err, errlen) ||
	    field(e, "error", "kind", REQ, JSON_STRING, &kind, err, errlen) ||
	    field(e, "error", "message", REQ, JSON_STRING, &msg, err, errlen))
		return -1;
	for (k = CP_ERR_NONE + 1; k < CP_ERR__COUNT; k++)
		if (!strcmp(json_string_value(kind), cp_err_kind_name((enum cp_err_kind)k)))
			break;
	if (k >= CP_ERR__COUNT)
		return bad(err, errlen, "error.kind", "unknown kind '%.32s'",
			   json_string_value(kind));
	r->ok = false;
	r->err_kind = (enum cp_err_kind)k;
	r->err_msg = strdup(json_string_value(msg));
	if (!r->err_msg)
		return bad(err, errlen, "error.message", "out of memory");
	return 0;
}

/* host, sni, address and port. */
static int load_where(struct cp_result *r, const json_t *j, char *err, size_t errlen)
{
	uint64_t n;

	if (str_field(j, "", "host", REQ | NULLABLE, &r->host, err, errlen) ||
	    str_field(j, "", "sni", REQ | NULLABLE, &r->sni, err, errlen) ||
	    str_field(j, "", "address", REQ | NULLABLE, &r->address, err, errlen))
		return -1;
	/* null (an unparsable input line) stays port 0; a number must be 1.. */
	n = UINT64_MAX;
	if (uint_field(j, "", "port", REQ | NULLABLE, 65535, &n, err, errlen))
		return -1;
	if (n == 0)
		return bad(err, errlen, "port", "0 out of range 1-65535");
	r->port = n == UINT64_MAX ? 0 : (uint16_t)n;
	return 0;
}

/* status, and the error that goes with it. */
static int load_status(struct cp_result *r, const json_t *j, char *err, size_t errlen)
{
	const json_t *v;
	bool ok;

	if (field(j, "", "status", REQ, JSON_STRING, &v, err, errlen))
		return -1;
	if (!strcmp(json_string_value(v), "ok"))
		ok = true;
	else if (!strcmp(json_string_value(v), "error"))
		ok = false;
	else
		return bad(err, errlen, "status", "expected \"ok\" or \"error\", got '%.32s'",
			   json_string_value(v));
	if (field(j, "", "error", REQ | NULLABLE, JSON_OBJECT, &v, err, errlen) ||
	    load_error(r, v, ok, err, errlen))
		return -1;
	return 0;
}

/* Each element of the array key (absent: none) through load, as "key[i]". */
static int load_array(struct cp_result *r, const json_t *j, const char *key, int flags,
		      int (*load)(struct cp_result *, const json_t *, const char *, char *, size_t),
		      char *err, size_t errlen)
{
	const json_t *arr;
	char path[64];

	if (field(j, "", key, flags, JSON_ARRAY, &arr, err, errlen))
		return -1;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		snprintf(path, sizeof path, "%s[%zu]", key, i);
		if (load(r, json_array_get(arr, i), path, err, errlen))
			return -1;
	}
	return 0;
}

/* protocols, groups and signature algorithms. */
static int load_lists(struct cp_result *r, const json_t *j, char *err, size_t errlen)
{
	if (load_array(r, j, "protocols", REQ, load_protocol, err, errlen) ||
	    load_array(r, j, "groups", REQ, load_group, err, errlen))
		return -1;
	/* optional: documents written before the signature probe lack it */
	if (load_array(r, j, "signature_algorithms", 0, load_sigalg, err, errlen))
		return -1;
	r->sigalgs_probed = r->nsigalgs > 0;
	if (bool_field(j, "", "signature_algorithms_probed", 0, &r->sigalgs_probed, err, errlen))
		return -1;
	return 0;
}

/* critical_path: optional (documents before it, and targets never probed). */
static int load_critical(struct cp_result *r, const json_t *j, char *err, size_t errlen)
{
	const json_t *v;
	char *chain = NULL;
	uint64_t rt = 0, pr = 0;

	if (field(j, "", "critical_path", 0, JSON_OBJECT, &v, err, errlen))
		return -1;
	if (!v)
		return 0;
	if (cp_json_check_keys(v, "critical_path", critical_keys, err, errlen) ||
	    uint_field(v, "critical_path", "round_trips", REQ, UINT_MAX, &rt, err, errlen) ||
	    uint_field(v, "critical_path", "probes", REQ, UINT_MAX, &pr, err, errlen) ||
	    str_field(v, "critical_path", "chain", REQ, &chain, err, errlen))
		return -1;
	cp_result_set_critical_path(r, (unsigned)rt, (unsigned)pr, chain, NULL);
	free(chain);
	return 0;
}

/* line, handshakes, connections, elapsed_ms, dhe_bits and critical_path. */
static int load_counters(struct cp_result *r, const json_t *j, char *err, size_t errlen)
{
	uint64_t n;

	n = 0;
	if (uint_field(j, "", "line", 0, SIZE_MAX, &n, err, errlen))
		return -1;
	r->line = (size_t)n;
	n = 0;
	if (uint_field(j, "", "handshakes", 0, UINT_MAX, &n, err, errlen))
		return -1;
	r->handshakes = (unsigned)n;
	n = 0;
	if (uint_field(j, "", "connections", 0, UINT_MAX, &n, err, errlen))
		return -1;
	r->connections = (unsigned)n;
	if (uint_field(j, "", "elapsed_ms", 0, UINT64_MAX, &r->elapsed_ms, err, errlen))
		return -1;
	n = 0;
	if (uint_field(j, "", "dhe_bits", NULLABLE, 0xFFFF, &n, err, errlen))
		return -1;
	r->dhe_bits = (uint16_t)n;
	return load_critical(r, j, err, errlen);
}

/* violations: an array of strings. */
static int load_violations(struct cp_result *r, const json_t *j, char *err, size_t errlen)
{
	const json_t *arr;
	char path[64];

	if (field(j, "", "violations", 0, JSON_ARRAY, &arr, err, errlen))
		return -1;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *s = json_array_get(arr, i);
		snprintf(path, sizeof path, "violations[%zu]", i);
		if (!json_is_string(s))
			return bad(err, errlen, path, "expected a string, got %s", type_name(s));
		if (cp_result_add_violation(r, "%s", json_string_value(s)))
			return bad(err, errlen, path, "out of memory");
	}
	return 0;
}

/* certificate, certificate_error, log, proxy_hello and violations. */
static int load_extras(struct cp_result *r, const json_t *j, char *err, size_t errlen)
{
	const json_t *v;

	if (field(j, "", "certificate", NULLABLE, JSON_OBJECT, &v, err, errlen) ||
	    (v && load_cert(&r->cert, v, err, errlen)))
		return -1;
	if (str_field(j, "", "certificate_error", NULLABLE, &r->cert_error, err, errlen))
		return -1;
	/* read by no one, but checked like the rest */
	if (field(j, "", "log", 0, JSON_OBJECT, &v, err, errlen) ||
	    (v && cp_json_check_keys(v, "log", log_keys, err, errlen)) ||
	    field(j, "", "proxy_hello", 0, JSON_OBJECT, &v, err, errlen) ||
	    (v && cp_json_check_keys(v, "proxy_hello", proxy_hello_keys, err, errlen)))
		return -1;
	return load_violations(r, j, err, errlen);
}

struct cp_result *cp_result_from_json(const json_t *j, char *err, size_t errlen)
{
	struct cp_result *r = NULL, *ret = NULL;
	const json_t *v;

	if (err && errlen)
		err[0] = '\0';
	if (!json_is_object(j)) {
		bad(err, errlen, "target", "expected an object, got %s",
		    j ? type_name(j) : "nothing");
		goto out;
	}
	if (cp_json_check_keys(j, "", target_keys, err, errlen) ||
	    field(j, "", "schema", 0, JSON_INTEGER, &v, err, errlen))
		goto out;
	if (v && json_integer_value(v) != 1) {
		bad(err, errlen, "schema",
		    "expected 1, got %" JSON_INTEGER_FORMAT
		    " (written by another version of cipherprobe?)",
		    json_integer_value(v));
		goto out;
	}
	if (field(j, "", "input", REQ, JSON_STRING, &v, err, errlen))
		goto out;
	r = cp_result_new(json_string_value(v));
	if (!r) {
		bad(err, errlen, "input", "out of memory");
		goto out;
	}
	if (load_where(r, j, err, errlen) || load_status(r, j, err, errlen) ||
	    load_lists(r, j, err, errlen) ||
	    field(j, "", "verdict", REQ | NULLABLE, JSON_OBJECT, &v, err, errlen) ||
	    load_counters(r, j, err, errlen) || load_extras(r, j, err, errlen))
		goto out;
	ret = r;
	r = NULL;
out:
	cp_result_free(r);
	return ret;
}

/* ---- writers -------------------------------------------------------- */

struct json_state {
	json_t **pend;           /* pend[i]: records of target i (an array; more than
	                  * one with --all-addresses), held until 0..i-1 are written */
	unsigned char *complete; /* complete[i]: the last record of i has come */
	size_t cap;
	size_t next; /* input index of the next target to write */
	size_t written;
	size_t ok, errors;
};

static int io_fail(struct cp_out *o)
{
	if (!o->err)
		o->err = errno ? errno : EIO;
	return -1;
}

struct indent {
	FILE *f;
	const char *pad;
};

/* Re-indents jansson's output so a nested object lines up in the
 * document we write by hand around it. */
static int indent_cb(const char *buf, size_t size, void *data)
{
	struct indent *in = data;
	const char *nl;

	while (size && (nl = memchr(buf, '\n', size))) {
		size_t n = (size_t)(nl - buf) + 1;
		if (fwrite(buf, 1, n, in->f) != n || fputs(in->pad, in->f) == EOF)
			return -1;
		buf += n;
		size -= n;
	}
	if (size && fwrite(buf, 1, size, in->f) != size)
		return -1;
	return 0;
}

static int dump_indented(struct cp_out *o, const json_t *j, const char *pad)
{
	struct indent in = { .f = o->f, .pad = pad };

	errno = 0;
	if (json_dump_callback(j, indent_cb, &in, JSON_INDENT(2) | DUMP_FLAGS))
		return io_fail(o);
	return 0;
}

static void json_cleanup(struct cp_out *o)
{
	struct json_state *st = o->priv;

	if (!st)
		return;
	for (size_t i = 0; i < st->cap; i++)
		json_decref(st->pend[i]);
	free(st->pend);
	free(st->complete);
	free(st);
	o->priv = NULL;
}

static int json_begin(struct cp_out *o)
{
	json_t *tool = NULL;
	int rc = -1;

	json_cleanup(o);
	o->priv = calloc(1, sizeof(struct json_state));
	tool = json_object();
	if (!o->priv || !tool || set(tool, "name", cp_json_str(PACKAGE_NAME)) ||
	    set(tool, "version",
		cp_json_str(o->tool_version ? o->tool_version : PACKAGE_VERSION))) {
		o->err = ENOMEM;
		goto out;
	}
	errno = 0;
	if (fputs("{\n  \"schema\": 1,\n  \"tool\": ", o->f) == EOF) {
		io_fail(o);
		goto out;
	}
	if (dump_indented(o, tool, "  "))
		goto out;
	if (fputs(",\n  \"targets\": [", o->f) == EOF) {
		io_fail(o);
		goto out;
	}
	rc = 0;
out:
	json_decref(tool);
	return rc;
}

static int json_write_one(struct cp_out *o, struct json_state *st, json_t *arr)
{
	size_t k;
	json_t *j;

	json_array_foreach(arr, k, j)
	{
		errno = 0;
		if (fputs(st->written ? ",\n    " : "\n    ", o->f) == EOF)
			return io_fail(o);
		st->written++;
		if (dump_indented(o, j, "    "))
			return -1;
	}
	return 0;
}

/* Writes the targets that have become contiguous with those written. */
static int json_drain(struct cp_out *o, struct json_state *st)
{
	while (st->next < st->cap && st->pend[st->next] && st->complete[st->next]) {
		json_t *j = st->pend[st->next];
		st->pend[st->next++] = NULL;
		int rc = json_write_one(o, st, j);
		json_decref(j);
		if (rc)
			return -1;
	}
	return 0;
}

static int json_target(struct cp_out *o, const struct cp_result *r)
{
	struct json_state *st = o->priv;
	json_t *j;

	if (!st) {
		o->err = EINVAL;
		return -1;
	}
	/* an index seen before is a caller bug; writing it twice would break
	 * "one entry per input target" */
	if (r->index < st->next || (r->index < st->cap && st->complete[r->index])) {
		o->err = EINVAL;
		return -1;
	}
	if (r->index >= st->cap) {
		size_t ncap;

		/* two parallel arrays, one capacity */
		ncap = cp_grow_cap(st->cap, r->index + 1, sizeof *st->pend);
		if (ncap == 0 || CP_RESIZE(st->pend, ncap) < 0 ||
		    CP_RESIZE(st->complete, ncap) < 0) {
			o->err = ENOMEM;
			return -1;
		}
		memset(st->pend + st->cap, 0, (ncap - st->cap) * sizeof *st->pend);
		memset(st->complete + st->cap, 0, ncap - st->cap);
		st->cap = ncap;
	}
	if (!st->pend[r->index] && !(st->pend[r->index] = json_array())) {
		o->err = ENOMEM;
		return -1;
	}
	j = cp_result_to_json(r);
	if (!j || json_array_append_new(st->pend[r->index], j)) {
		o->err = ENOMEM;
		return -1;
	}
	st->complete[r->index] = !r->more;
	if (r->ok)
		st->ok++;
	else
		st->errors++;
	return json_drain(o, st);
}

static int json_end(struct cp_out *o, const struct cp_summary *s)
{
	struct json_state *st = o->priv;
	struct cp_summary own = { 0 };
	json_t *sum = NULL;
	int rc = -1;

	if (!st) {
		o->err = EINVAL;
		return -1;
	}
	/* targets that never arrived leave gaps: keep the rest in order */
	for (size_t i = st->next; i < st->cap; i++)
		if (st->pend[i]) {
			json_t *j = st->pend[i];
			st->pend[i] = NULL;
			int w = json_write_one(o, st, j);
			json_decref(j);
			if (w)
				goto out;
		}
	if (!s) {
		own.targets = st->written;
		own.ok = st->ok;
		own.errors = st->errors;
		s = &own;
	}
	sum = cp_summary_to_json(s);
	if (!sum) {
		o->err = ENOMEM;
		goto out;
	}
	errno = 0;
	if (fputs(st->written ? "\n  ],\n  \"summary\": " : "],\n  \"summary\": ", o->f) == EOF) {
		io_fail(o);
		goto out;
	}
	if (dump_indented(o, sum, "  "))
		goto out;
	if (fputs("\n}\n", o->f) == EOF || fflush(o->f) == EOF || ferror(o->f)) {
		io_fail(o);
		goto out;
	}
	rc = 0;
out:
	json_decref(sum);
	json_cleanup(o);
	return rc;
}

const struct cp_output_ops cp_output_json = {
	.name = "json",
	.begin = json_begin,
	.target = json_target,
	.end = json_end,
	.cleanup = json_cleanup,
};

static int jsonl_begin(struct cp_out *o)
{
	return 0;
}

/* One compact line per target, flushed so that a reader of a pipe sees
 * each result as soon as it is known. */
static int jsonl_target(struct cp_out *o, const struct cp_result *r)
{
	json_t *t = cp_result_to_json(r), *j = json_object();
	int rc = -1;

	/* each line names its schema, first, as a document does */
	if (!t || !j || set(j, "schema", json_integer(1)) || json_object_update(j, t)) {
		json_decref(t);
		json_decref(j);
		o->err = ENOMEM;
		return -1;
	}
	json_decref(t);
	errno = 0;
	if (json_dumpf(j, o->f, JSON_COMPACT | DUMP_FLAGS) || fputc('\n', o->f) == EOF ||
	    fflush(o->f) == EOF || ferror(o->f))
		io_fail(o);
	else
		rc = 0;
	json_decref(j);
	return rc;
}

static int jsonl_end(struct cp_out *o, const struct cp_summary *s)
{
	return 0;
}

static void jsonl_cleanup(struct cp_out *o)
{
}

const struct cp_output_ops cp_output_jsonl = {
	.name = "jsonl",
	.begin = jsonl_begin,
	.target = jsonl_target,
	.end = jsonl_end,
	.cleanup = jsonl_cleanup,
};
