/* SPDX-License-Identifier: MIT */
/*
 * The diff engine: every rule of output/diff.h in both directions, target
 * matching (--all-addresses keys, rotated addresses, added/removed),
 * malformed documents with their messages, keys no version wrote, the
 * JSON and text renderers, and documents loaded (whole or streamed) from
 * and saved to disk.
 *
 * Each case starts from tests/diff/old.json (a hand-written schema-1
 * document: a compatible site, an incompatible legacy site with a fix, a
 * CDN name scanned at two addresses, a target that timed out) and edits one
 * field, so the expected change follows from the rule alone.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "output/diff.h"
#include "output/output.h"
#include "result.h"

#define WWW "www.example.com"
#define LEGACY "legacy.example.net:8443"
#define CDN "cdn.example.org"
#define INTRANET "intranet.example.com"

static json_t *base_doc;

/* tests/diff/NAME under $top_srcdir (make check) or the current directory. */
static const char *fixture(const char *name)
{
	static char path[4096];
	const char *dir = getenv("top_srcdir");

	snprintf(path, sizeof path, "%s/tests/diff/%s", dir ? dir : ".", name);
	return path;
}

static int load_base(void **state)
{
	char err[512];

	base_doc = cp_doc_load(fixture("old.json"), err, sizeof err);
	if (!base_doc)
		fprintf(stderr, "# %s (run from the source tree or set top_srcdir)\n", err);
	return base_doc ? 0 : -1;
}

static int free_base(void **state)
{
	json_decref(base_doc);
	return 0;
}

static json_t *base(void)
{
	json_t *d = json_deep_copy(base_doc);

	assert_non_null(d);
	return d;
}

/* ---- editing a document --------------------------------------------- */

/* The target with this input (and address, if not NULL). */
static json_t *tgt(json_t *doc, const char *input, const char *address)
{
	size_t i;
	json_t *t;

	json_array_foreach(json_object_get(doc, "targets"), i, t)
	{
		const char *a = json_string_value(json_object_get(t, "address"));
		if (!strcmp(json_string_value(json_object_get(t, "input")), input) &&
		    (!address || (a && !strcmp(a, address))))
			return t;
	}
	fail_msg("no target %s %s", input, address ? address : "");
	return NULL;
}

static json_t *proto(json_t *t, const char *version)
{
	size_t i;
	json_t *p;

	json_array_foreach(
		json_object_get(t, "protocols"), i,
		p) if (!strcmp(json_string_value(json_object_get(p, "version")), version)) return p;
	fail_msg("no protocol %s", version);
	return NULL;
}

static void drop_cipher(json_t *t, const char *version, const char *id)
{
	json_t *c = json_object_get(proto(t, version), "ciphers");

	for (size_t i = 0; i < json_array_size(c); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(c, i), "id")), id)) {
			assert_int_equal(json_array_remove(c, i), 0);
			return;
		}
	fail_msg("no cipher %s at %s", id, version);
}

/* Appends a suite (the loader takes the registry's name, not ours). */
static void add_cipher(json_t *t, const char *version, const char *id)
{
	json_t *p = proto(t, version);

	assert_int_equal(json_object_set_new(p, "supported", json_true()), 0);
	assert_int_equal(
		json_array_append_new(json_object_get(p, "ciphers"),
				      json_pack("{s:s, s:n, s:n}", "id", id, "name", "strength")),
		0);
}

static void set_unsupported(json_t *t, const char *version)
{
	json_t *p = proto(t, version);

	assert_int_equal(json_object_set_new(p, "supported", json_false()), 0);
	assert_int_equal(json_array_clear(json_object_get(p, "ciphers")), 0);
	assert_int_equal(json_object_set_new(p, "server_preference", json_null()), 0);
}

static void set(json_t *o, const char *key, json_t *v)
{
	assert_non_null(v);
	assert_int_equal(json_object_set_new(o, key, v), 0);
}

static json_t *verdict(json_t *t)
{
	json_t *v = json_object_get(t, "verdict");

	assert_true(json_is_object(v));
	return v;
}

static json_t *fix(json_t *t)
{
	json_t *f = json_object_get(verdict(t), "fix");

	assert_true(json_is_object(f));
	return f;
}

/* The record of a target whose scan failed: what cmd_scan writes. */
static void make_error(json_t *t, const char *kind, const char *msg)
{
	set(t, "status", json_string("error"));
	set(t, "error", json_pack("{s:s, s:s}", "kind", kind, "message", msg));
	set(t, "protocols", json_array());
	set(t, "groups", json_array());
	set(t, "verdict", json_null());
	json_object_del(t, "certificate");
}

/* ---- running the diff and looking at it ------------------------------ */

/* A change that only says a target failed in both scans (the base has
 * one: intranet.example.com); test_unreachable checks those lines. */
static bool standing(const struct cp_change *ch)
{
	return !strcmp(ch->what, "unreachable") && strstr(ch->detail, "(in both scans)");
}

/* Leaves the standing-failure lines out of d, so that the rules' tests
 * see only what they change. */
static void drop_standing(struct cp_diff *d)
{
	size_t k = 0, *shift = calloc(d->nchanges + 1, sizeof *shift);

	assert_non_null(shift);
	for (size_t i = 0; i < d->nchanges; i++) {
		shift[i] = i - k;
		if (standing(&d->changes[i])) {
			free(d->changes[i].target);
			free(d->changes[i].address);
			free(d->changes[i].detail);
			free(d->changes[i].item);
			d->changed--;
			continue;
		}
		d->changes[k++] = d->changes[i];
	}
	shift[d->nchanges] = d->nchanges - k;
	d->nchanges = k;
	k = 0;
	for (size_t i = 0; i < d->nsites; i++) {
		struct cp_diff_site *st = &d->sites[i];
		if (st->count == 1 && shift[st->first + 1] != shift[st->first]) {
			/* its only change was dropped */
			for (size_t c = 0; c < st->ncommands; c++)
				free(st->commands[c]);
			free(st->commands);
			free(st->target);
			free(st->address);
			d->unreachable -= st->unreachable;
			continue;
		}
		st->headline -= shift[st->headline];
		st->first -= shift[st->first];
		d->sites[k++] = *st;
	}
	d->nsites = k;
	free(shift);
}

/* The clock of the comparisons: 2026-06-01T00:00:00Z, so that the
 * certificates' expiry window (--expiry-warn) does not move with the day
 * the tests run. */
#define NOW 1780272000LL

static void run_opts(const json_t *o, const json_t *n, const struct cp_diff_opts *opts,
		     struct cp_diff *d)
{
	char err[512] = "";
	struct cp_diff_side *so = cp_diff_side_of(o, err, sizeof err), *sn = NULL;

	if (!so || !(sn = cp_diff_side_of(n, err, sizeof err)) ||
	    cp_diff_sides_opts(so, sn, opts, d, err, sizeof err))
		fail_msg("cp_diff_sides_opts: %s", err);
	cp_diff_side_free(so);
	cp_diff_side_free(sn);
	drop_standing(d);
}

static void run(const json_t *o, const json_t *n, struct cp_diff *d)
{
	struct cp_diff_opts opts = { .now = NOW };

	run_opts(o, n, &opts, d);
}

static size_t count(const struct cp_diff *d, enum cp_change_kind kind, const char *what)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nchanges; i++)
		if (d->changes[i].kind == kind && (!what || !strcmp(d->changes[i].what, what)))
			n++;
	return n;
}

static const struct cp_change *find(const struct cp_diff *d, enum cp_change_kind kind,
				    const char *what)
{
	for (size_t i = 0; i < d->nchanges; i++)
		if (d->changes[i].kind == kind && !strcmp(d->changes[i].what, what))
			return &d->changes[i];
	fail_msg("no %s change of kind %d", what, (int)kind);
	return NULL;
}

static void dump(const struct cp_diff *d)
{
	for (size_t i = 0; i < d->nchanges; i++)
		fprintf(stderr, "# %d %s %s: %s\n", (int)d->changes[i].kind, d->changes[i].what,
			d->changes[i].target, d->changes[i].detail);
}

/*
 * The core check: old -> new gives exactly one change, of kind fwd, for
 * target, with this detail; new -> old gives exactly one of kind rev and
 * detail rev_detail.  Consumes both documents.
 */
static void one_each_way(json_t *o, json_t *n, const char *target, const char *what,
			 enum cp_change_kind fwd, const char *detail, enum cp_change_kind rev,
			 const char *rev_detail)
{
	struct cp_diff d;

	for (int pass = 0; pass < 2; pass++) {
		run(pass ? n : o, pass ? o : n, &d);
		if (d.nchanges != 1)
			dump(&d);
		assert_int_equal(d.nchanges, 1);
		assert_int_equal(d.changes[0].kind, pass ? rev : fwd);
		assert_string_equal(d.changes[0].what, what);
		assert_string_equal(d.changes[0].target, target);
		assert_string_equal(d.changes[0].detail, pass ? rev_detail : detail);
		assert_int_equal(cp_diff_regressions(&d),
				 (pass ? rev : fwd) == CP_CHANGE_REGRESSION);
		assert_int_equal(d.nadded + d.nremoved, 0);
		assert_int_equal(d.compared, 5);
		cp_diff_free(&d);
	}
	json_decref(o);
	json_decref(n);
}

/* ---- the rules ------------------------------------------------------ */

static void test_identical(void **state)
{
	json_t *o = base(), *n = base();
	struct cp_diff d;

	run(o, n, &d);
	assert_int_equal(d.nchanges, 0);
	assert_int_equal(d.compared, 5);
	assert_int_equal(cp_diff_regressions(&d), 0);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

static void test_suite_gone(void **state)
{
	json_t *o = base(), *n = base();
	struct cp_diff d;

	drop_cipher(tgt(n, WWW, NULL), "TLSv1.2", "0xC02F");
	run(o, n, &d);
	assert_int_equal(d.nchanges, 1);
	assert_string_equal(d.changes[0].version, "TLSv1.2");
	assert_string_equal(d.changes[0].item, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	assert_string_equal(d.changes[0].address, "192.0.2.10");
	assert_false(d.changes[0].show_address);
	cp_diff_free(&d);
	/* a lost suite that leaves the verdict as it was is a change, not a
	 * regression; a strong suite turning up is news, not an improvement */
	one_each_way(o, n, WWW, "cipher", CP_CHANGE_CHANGE,
		     "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 is no longer accepted at TLSv1.2",
		     CP_CHANGE_INFO,
		     "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 is now accepted at TLSv1.2");
}

static void test_legacy_suite(void **state)
{
	json_t *o = base(), *n = base();

	add_cipher(tgt(n, WWW, NULL), "TLSv1.2", "0x009C");
	one_each_way(o, n, WWW, "cipher", CP_CHANGE_INFO,
		     "TLS_RSA_WITH_AES_128_GCM_SHA256 is now accepted at TLSv1.2", CP_CHANGE_CHANGE,
		     "TLS_RSA_WITH_AES_128_GCM_SHA256 is no longer accepted at TLSv1.2");
}

static void test_weak_suites(void **state)
{
	static const struct {
		const char *id, *name, *strength;
	} weak[] = {
		{ "0x0005", "TLS_RSA_WITH_RC4_128_SHA", "weak" },
		{ "0x000A", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "weak" },
		{ "0x0003", "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "export" },
		{ "0x0002", "TLS_RSA_WITH_NULL_SHA", "null" },
	};
	char fwd[160], rev[160];

	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
		json_t *o = base(), *n = base();
		json_t *t = tgt(n, WWW, NULL);
		add_cipher(t, "TLSv1.2", weak[i].id);
		snprintf(fwd, sizeof fwd, "%s is now accepted at TLSv1.2 (%s)", weak[i].name,
			 weak[i].strength);
		snprintf(rev, sizeof rev, "%s is no longer accepted at TLSv1.2", weak[i].name);
		one_each_way(o, n, WWW, "cipher", CP_CHANGE_CHANGE, fwd, CP_CHANGE_IMPROVEMENT,
			     rev);
	}
}

static void test_protocol_gone(void **state)
{
	json_t *o = base(), *n = base();

	/* one change for the version, none for its four suites */
	set_unsupported(tgt(n, WWW, NULL), "TLSv1.2");
	one_each_way(o, n, WWW, "protocol", CP_CHANGE_CHANGE, "TLSv1.2 is no longer supported",
		     CP_CHANGE_IMPROVEMENT, "TLSv1.2 is now supported");
	o = base();
	n = base();
	set_unsupported(tgt(n, LEGACY, NULL), "TLSv1.2");
	one_each_way(o, n, LEGACY, "protocol", CP_CHANGE_CHANGE, "TLSv1.2 is no longer supported",
		     CP_CHANGE_IMPROVEMENT, "TLSv1.2 is now supported");
}

static void test_weak_protocols(void **state)
{
	static const char *const versions[] = { "SSLv3", "TLSv1.0", "TLSv1.1" };
	char fwd[96], rev[96];

	for (size_t i = 0; i < 3; i++) {
		json_t *o = base(), *n = base();
		add_cipher(tgt(n, WWW, NULL), versions[i], "0x002F"); /* legacy: no suite change */
		snprintf(fwd, sizeof fwd, "%s is now supported (a weak protocol version)",
			 versions[i]);
		snprintf(rev, sizeof rev, "%s is no longer supported", versions[i]);
		one_each_way(o, n, WWW, "protocol", CP_CHANGE_CHANGE, fwd, CP_CHANGE_IMPROVEMENT,
			     rev);
	}
}

/* A weak version arriving with a weak suite: two changes, and no
 * regression while the verdict stays as it was. */
static void test_weak_protocol_weak_suite(void **state)
{
	json_t *o = base(), *n = base(), *t = tgt(n, WWW, NULL);
	struct cp_diff d;

	add_cipher(t, "TLSv1.1", "0xC013");
	add_cipher(t, "TLSv1.1", "0x000A");
	run(o, n, &d);
	assert_int_equal(d.nchanges, 2);
	assert_int_equal(cp_diff_regressions(&d), 0);
	assert_int_equal(d.changed, 2);
	assert_string_equal(find(&d, CP_CHANGE_CHANGE, "cipher")->detail,
			    "TLS_RSA_WITH_3DES_EDE_CBC_SHA is now accepted at TLSv1.1 (weak)");
	cp_diff_free(&d);
	/* and going away is one improvement, not one per suite */
	run(n, o, &d);
	assert_int_equal(d.nchanges, 1);
	assert_int_equal(find(&d, CP_CHANGE_IMPROVEMENT, "protocol")->kind, CP_CHANGE_IMPROVEMENT);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

static void test_sslv2(void **state)
{
	json_t *o = base(), *n = base();
	json_t *p = json_pack("{s:s, s:b, s:n, s:[]}", "version", "SSLv2", "supported", 0,
			      "server_preference", "ciphers");
	struct cp_diff d;

	assert_non_null(p);
	assert_int_equal(json_array_append_new(json_object_get(tgt(o, LEGACY, NULL), "protocols"),
					       json_deep_copy(p)),
			 0);
	assert_int_equal(
		json_array_append_new(json_object_get(tgt(n, LEGACY, NULL), "protocols"), p), 0);
	add_cipher(tgt(n, LEGACY, NULL), "SSLv2", "0x010080");
	run(o, n, &d);
	assert_int_equal(d.nchanges, 2);
	assert_string_equal(find(&d, CP_CHANGE_CHANGE, "protocol")->detail,
			    "SSLv2 is now supported (a weak protocol version)");
	assert_string_equal(find(&d, CP_CHANGE_CHANGE, "cipher")->detail,
			    "SSL_CK_RC4_128_WITH_MD5 is now accepted at SSLv2 (weak)");
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

static void test_compatibility(void **state)
{
	json_t *o = base(), *n = base(), *t = tgt(n, WWW, NULL);

	set(verdict(t), "compatible", json_false());
	set(verdict(t), "reason",
	    json_string("the server now accepts only TLS_RSA_WITH_AES_128_GCM_SHA256"));
	set(verdict(t), "fix", json_pack("{s:[s], s:b}", "changes", "keyxchg-algo-rsa", "weak", 0));
	one_each_way(o, n, WWW, "compatible", CP_CHANGE_REGRESSION,
		     "no longer compatible with the profile: the server now accepts only "
		     "TLS_RSA_WITH_AES_128_GCM_SHA256",
		     CP_CHANGE_IMPROVEMENT, "now compatible with the profile");
}

/* ok -> error: one run unreachable, named with the error, not a
 * regression; nothing about suites the error cannot know. */
static void test_scan_fails(void **state)
{
	json_t *o = base(), *n = base();
	struct cp_diff d;
	const struct cp_change *c;

	make_error(tgt(n, WWW, NULL), "refused", "connection refused by 192.0.2.10 port 443");
	run(o, n, &d);
	if (d.nchanges != 1)
		dump(&d);
	assert_int_equal(d.nchanges, 1);
	assert_int_equal(cp_diff_regressions(&d), 0);
	c = find(&d, CP_CHANGE_CHANGE, "unreachable");
	assert_string_equal(
		c->detail,
		"unreachable (1 run): refused: connection refused by 192.0.2.10 port 443");
	assert_string_equal(c->item, "refused");
	assert_int_equal(d.nsites, 1);
	assert_true(d.sites[0].unreachable);
	assert_int_equal(d.sites[0].failed_runs, 1);
	assert_int_equal(d.unreachable, 1);
	cp_diff_free(&d);

	run(n, o, &d);
	assert_int_equal(d.nchanges, 2);
	assert_int_equal(cp_diff_regressions(&d), 0);
	assert_string_equal(
		find(&d, CP_CHANGE_IMPROVEMENT, "unreachable")->detail,
		"answers again (the last scan failed with refused: connection refused by 192.0.2.10 port 443)");
	assert_string_equal(find(&d, CP_CHANGE_IMPROVEMENT, "compatible")->detail,
			    "compatible with the profile again (the scan failed before)");
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);

	/* an incompatible target that stops scanning: the same */
	o = base();
	n = base();
	make_error(tgt(n, LEGACY, NULL), "reset", "connection reset on every probe");
	one_each_way(
		o, n, LEGACY, "unreachable", CP_CHANGE_CHANGE,
		"unreachable (1 run): reset: connection reset on every probe",
		CP_CHANGE_IMPROVEMENT,
		"answers again (the last scan failed with reset: connection reset on every probe)");
}

/* Failures in a row, counted by the state's "failed_runs": the second is
 * the regression, the others are named only. */
static void test_unreachable_runs(void **state)
{
	static const struct {
		json_int_t before;
		enum cp_change_kind kind;
		const char *detail;
	} c[] = {
		{ 1, CP_CHANGE_REGRESSION,
		  "unreachable (2 runs in a row): timeout: no answer to any hello within 8 s" },
		{ 2, CP_CHANGE_CHANGE,
		  "unreachable (3 runs in a row): timeout: no answer to any hello within 8 s" },
		{ 9, CP_CHANGE_CHANGE,
		  "unreachable (10 runs in a row): timeout: no answer to any hello within 8 s" },
	};
	char err[512];

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		json_t *o = base(), *n = base();
		struct cp_diff_side *so, *sn;
		struct cp_diff d;

		set(tgt(o, INTRANET, NULL), "failed_runs", json_integer(c[i].before));
		so = cp_diff_side_of(o, err, sizeof err);
		sn = cp_diff_side_of(n, err, sizeof err);
		assert_non_null(so);
		assert_non_null(sn);
		assert_int_equal(cp_diff_sides(so, sn, &d, err, sizeof err), 0);
		assert_int_equal(d.nchanges, 1);
		assert_int_equal(d.changes[0].kind, c[i].kind);
		assert_string_equal(d.changes[0].what, "unreachable");
		assert_string_equal(d.changes[0].detail, c[i].detail);
		assert_int_equal(cp_diff_regressions(&d), c[i].kind == CP_CHANGE_REGRESSION);
		assert_int_equal(d.sites[0].failed_runs, (unsigned)c[i].before + 1);
		/* the new state carries the count; the old one, kept, its peer's */
		assert_int_equal(cp_diff_side_stamp(sn, n, false), 0);
		assert_int_equal(
			json_integer_value(json_object_get(tgt(n, INTRANET, NULL), "failed_runs")),
			c[i].before + 1);
		assert_null(json_object_get(tgt(n, WWW, NULL), "failed_runs"));
		assert_int_equal(cp_diff_side_stamp(so, o, true), 0);
		assert_int_equal(
			json_integer_value(json_object_get(tgt(o, INTRANET, NULL), "failed_runs")),
			c[i].before + 1);
		cp_diff_free(&d);
		cp_diff_side_free(so);
		cp_diff_side_free(sn);
		json_decref(o);
		json_decref(n);
	}
}

/* Both plain scans failed: how long is unknown, so no regression. */
static void test_error_kind(void **state)
{
	json_t *o = base(), *n = base();
	struct cp_diff d;
	char err[512];

	make_error(tgt(n, INTRANET, NULL), "dns", "intranet.example.com: no such name");
	assert_int_equal(cp_diff_docs(o, n, &d, err, sizeof err), 0);
	assert_int_equal(d.nchanges, 1);
	assert_int_equal(d.changes[0].kind, CP_CHANGE_CHANGE);
	assert_string_equal(d.changes[0].detail,
			    "unreachable (in both scans): dns: intranet.example.com: no such name");
	assert_int_equal(cp_diff_regressions(&d), 0);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

static void test_fix_needs_more(void **state)
{
	json_t *o = base(), *n = base();

	set(fix(tgt(n, LEGACY, NULL)), "changes",
	    json_pack("[s, s]", "auth-algo-sha1", "keyxchg-algo-rsa"));
	one_each_way(
		o, n, LEGACY, "fix", CP_CHANGE_REGRESSION,
		"the fix now weakens the profile more: auth-algo-sha1, keyxchg-algo-rsa instead of auth-algo-sha1",
		CP_CHANGE_IMPROVEMENT,
		"the fix now weakens the profile less: auth-algo-sha1 instead of auth-algo-sha1, keyxchg-algo-rsa");
	/* ranked by the weakness table (SHA1 4 < RSA key exchange 6), not by
	 * the number of changes */
	o = base();
	n = base();
	set(fix(tgt(n, LEGACY, NULL)), "changes", json_pack("[s]", "keyxchg-algo-rsa"));
	one_each_way(
		o, n, LEGACY, "fix", CP_CHANGE_REGRESSION,
		"the fix now weakens the profile more: keyxchg-algo-rsa instead of auth-algo-sha1",
		CP_CHANGE_IMPROVEMENT,
		"the fix now weakens the profile less: auth-algo-sha1 instead of keyxchg-algo-rsa");
	o = base();
	n = base();
	set(fix(tgt(n, LEGACY, NULL)), "changes",
	    json_pack("[s, s]", "max-version=tls1-3", "auth-algo-sha256"));
	one_each_way(
		o, n, LEGACY, "fix", CP_CHANGE_IMPROVEMENT,
		"the fix now weakens the profile less: max-version=tls1-3, auth-algo-sha256 instead of auth-algo-sha1",
		CP_CHANGE_REGRESSION,
		"the fix now weakens the profile more: auth-algo-sha1 instead of max-version=tls1-3, auth-algo-sha256");
}

static void test_fix_weak(void **state)
{
	json_t *o = base(), *n = base();

	set(fix(tgt(n, LEGACY, NULL)), "weak", json_true());
	one_each_way(o, n, LEGACY, "fix_weak", CP_CHANGE_REGRESSION,
		     "the fix now weakens the profile: auth-algo-sha1", CP_CHANGE_IMPROVEMENT,
		     "the fix no longer weakens the profile: auth-algo-sha1");
}

static void test_fix_gone(void **state)
{
	json_t *o = base(), *n = base();

	set(verdict(tgt(n, LEGACY, NULL)), "fix", json_null());
	one_each_way(o, n, LEGACY, "fix", CP_CHANGE_REGRESSION,
		     "no profile change fixes it any more (the fix was: auth-algo-sha1)",
		     CP_CHANGE_IMPROVEMENT, "a profile change now fixes it: auth-algo-sha1");
}

static void test_fix_other(void **state)
{
	json_t *o = base(), *n = base();

	/* as weak (3 + 1 = 4, the cost of auth-algo-sha1), but another fix */
	set(fix(tgt(n, LEGACY, NULL)), "changes",
	    json_pack("[s, s]", "enc-algo-aes-128-cbc", "max-version=tls1-3"));
	one_each_way(
		o, n, LEGACY, "fix", CP_CHANGE_CHANGE,
		"the fix is now enc-algo-aes-128-cbc, max-version=tls1-3 (was auth-algo-sha1)",
		CP_CHANGE_CHANGE,
		"the fix is now auth-algo-sha1 (was enc-algo-aes-128-cbc, max-version=tls1-3)");
	/* the same changes in another order are the same fix */
	o = base();
	n = base();
	set(fix(tgt(o, LEGACY, NULL)), "changes",
	    json_pack("[s, s]", "auth-algo-sha1", "keyxchg-algo-rsa"));
	set(fix(tgt(n, LEGACY, NULL)), "changes",
	    json_pack("[s, s]", "keyxchg-algo-rsa", "auth-algo-sha1"));
	struct cp_diff d;
	run(o, n, &d);
	assert_int_equal(d.nchanges, 0);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

static void test_no_decrypt(void **state)
{
	json_t *o = base(), *n = base();

	set(verdict(tgt(n, LEGACY, NULL)), "no_decrypt", json_true());
	one_each_way(o, n, LEGACY, "no_decrypt", CP_CHANGE_REGRESSION,
		     "now better left undecrypted (a no-decrypt exception is advised)",
		     CP_CHANGE_IMPROVEMENT, "no longer needs a no-decrypt exception");
}

/* scans with --no-verdict have verdict null: nothing to compare */
static void test_no_verdict(void **state)
{
	json_t *o = base(), *n = base();
	struct cp_diff d;
	size_t i;
	json_t *t;

	json_array_foreach(json_object_get(n, "targets"), i, t) set(t, "verdict", json_null());
	run(o, n, &d);
	assert_int_equal(d.nchanges, 0);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

static void test_certificate(void **state)
{
	json_t *o = base(), *n = base();
	json_t *c = json_object_get(tgt(n, WWW, NULL), "certificate");
	struct cp_diff d;

	set(c, "sha256",
	    json_string("9a7c5e3b1d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c"));
	set(c, "not_after", json_string("2027-02-12T23:59:59Z"));
	one_each_way(
		json_incref(o), json_incref(n), WWW, "certificate", CP_CHANGE_INFO,
		"the certificate changed: now CN=www.example.com, valid until 2027-02-12T23:59:59Z "
		"(sha256 9a7c5e3b1d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c)",
		CP_CHANGE_INFO,
		"the certificate changed: now CN=www.example.com, valid until 2026-02-10T23:59:59Z "
		"(sha256 3f1c2a9b7e5d40c8a1f6e2b9d0c4a7e1f3b5d9c2e8a4f6b1d7c3e5a9f2b4d6c8)");
	/* the same fingerprint in capitals is the same certificate; a scan
	 * without --no-cert on one side says nothing */
	set(c, "sha256",
	    json_string("3F1C2A9B7E5D40C8A1F6E2B9D0C4A7E1F3B5D9C2E8A4F6B1D7C3E5A9F2B4D6C8"));
	set(c, "not_after", json_string("2026-02-10T23:59:59Z"));
	run(o, n, &d);
	assert_int_equal(d.nchanges, 0);
	cp_diff_free(&d);
	json_object_del(tgt(n, WWW, NULL), "certificate");
	run(o, n, &d);
	assert_int_equal(d.nchanges, 0);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

/* A certificate still valid but inside --expiry-warn days: a regression
 * at each run; outside the window or already expired: none. */
static void test_expiry(void **state)
{
	json_t *o = base(), *n = base();
	struct cp_diff_opts opts = { .now = NOW };
	struct cp_diff d;

	/* 2026-06-04T12:00:00Z: 3.5 days after NOW, "in 4 days" */
	set(json_object_get(tgt(n, WWW, NULL), "certificate"), "not_after",
	    json_string("2026-06-04T12:00:00Z"));
	set(json_object_get(tgt(o, WWW, NULL), "certificate"), "not_after",
	    json_string("2026-06-04T12:00:00Z"));
	run_opts(o, n, &opts, &d);
	assert_int_equal(d.nchanges, 1);
	assert_int_equal(cp_diff_regressions(&d), 1);
	assert_string_equal(
		find(&d, CP_CHANGE_REGRESSION, "expiry")->detail,
		"its certificate expires in 4 days (notAfter 2026-06-04T12:00:00Z; --expiry-warn 14)");
	assert_string_equal(d.sites[0].target, WWW);
	cp_diff_free(&d);
	opts.expiry_warn_days = 3;
	run_opts(o, n, &opts, &d);
	assert_int_equal(count(&d, CP_CHANGE_REGRESSION, NULL), 0);
	cp_diff_free(&d);
	opts.expiry_warn_days = -1; /* --expiry-warn 0 */
	opts.now = NOW - 86400 * 10;
	run_opts(o, n, &opts, &d);
	assert_int_equal(count(&d, CP_CHANGE_REGRESSION, NULL), 0);
	cp_diff_free(&d);
	/* expired: the verdict's certificate cause says so, not this rule */
	opts.expiry_warn_days = 0;
	opts.now = NOW + 86400 * 5;
	run_opts(o, n, &opts, &d);
	assert_int_equal(count(&d, CP_CHANGE_REGRESSION, "expiry"), 0);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

/* A certificate cause new in the verdict (what the profile blocks). */
static void test_certificate_blocked(void **state)
{
	json_t *o = base(), *n = base();
	json_t *cause = json_pack("[{s:s, s:s, s:s}]", "axis", "certificate", "blocked_by",
				  "profile", "detail",
				  "the certificate chain has expired and the profile has "
				  "block-expired-certificate on");
	struct cp_diff d;

	set(verdict(tgt(n, LEGACY, NULL)), "causes", json_deep_copy(cause));
	run(o, n, &d);
	assert_int_equal(d.nchanges, 1);
	assert_string_equal(
		find(&d, CP_CHANGE_REGRESSION, "certificate_blocked")->detail,
		"its certificate is now blocked: the certificate chain has expired and the "
		"profile has block-expired-certificate on");
	cp_diff_free(&d);
	/* already blocked last time: nothing new */
	set(verdict(tgt(o, LEGACY, NULL)), "causes", cause);
	run(o, n, &d);
	assert_int_equal(d.nchanges, 0);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

static void test_preference(void **state)
{
	json_t *o = base(), *n = base(), *ciphers, *first;

	set(proto(tgt(n, WWW, NULL), "TLSv1.3"), "server_preference", json_true());
	one_each_way(o, n, WWW, "preference", CP_CHANGE_INFO,
		     "the server now chooses the suite at TLSv1.3", CP_CHANGE_INFO,
		     "the server now follows the client's order at TLSv1.3");

	/* the server's own order: AES-256 moved above AES-128 */
	o = base();
	n = base();
	ciphers = json_object_get(proto(tgt(n, WWW, NULL), "TLSv1.2"), "ciphers");
	first = json_incref(json_array_get(ciphers, 0));
	assert_int_equal(json_array_remove(ciphers, 0), 0);
	assert_int_equal(json_array_insert_new(ciphers, 1, first), 0);
	one_each_way(o, n, WWW, "preference", CP_CHANGE_INFO,
		     "the server's order at TLSv1.2 changed: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 "
		     "now comes before TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
		     CP_CHANGE_INFO,
		     "the server's order at TLSv1.2 changed: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 "
		     "now comes before TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
}

static void test_groups(void **state)
{
	json_t *o = base(), *n = base();

	assert_int_equal(json_array_append_new(json_object_get(tgt(n, WWW, NULL), "groups"),
					       json_pack("{s:i, s:s, s:[s]}", "id", 4588, "name",
							 "X25519MLKEM768", "versions", "TLSv1.3")),
			 0);
	one_each_way(o, n, WWW, "group", CP_CHANGE_INFO, "group X25519MLKEM768 is now accepted",
		     CP_CHANGE_INFO, "group X25519MLKEM768 is no longer accepted");
}

static void test_probed(void **state)
{
	json_t *o = base(), *n = base();
	json_t *protos = json_object_get(tgt(n, WWW, NULL), "protocols");

	assert_int_equal(json_array_remove(protos, 0), 0); /* SSLv3 */
	one_each_way(o, n, WWW, "probed", CP_CHANGE_INFO, "SSLv3 was probed only in the old scan",
		     CP_CHANGE_INFO, "SSLv3 was probed only in the new scan");
}

/* ---- matching ------------------------------------------------------- */

static void test_added_removed(void **state)
{
	json_t *o = base(), *n = base();
	json_t *targets = json_object_get(n, "targets");
	json_t *shop = json_deep_copy(tgt(n, WWW, NULL));
	struct cp_diff d;

	assert_non_null(shop);
	set(shop, "input", json_string("shop.example.com"));
	set(shop, "address", json_string("192.0.2.44"));
	assert_int_equal(json_array_remove(targets, 1), 0); /* legacy */
	assert_int_equal(json_array_append_new(targets, shop), 0);
	run(o, n, &d);
	assert_int_equal(d.nchanges, 0);
	assert_int_equal(d.compared, 4);
	assert_int_equal(d.nremoved, 1);
	assert_string_equal(d.removed[0].target, LEGACY);
	assert_string_equal(d.removed[0].address, "198.51.100.7");
	assert_int_equal(d.nadded, 1);
	assert_string_equal(d.added[0].target, "shop.example.com");
	/* a target leaving the list is not a regression */
	assert_int_equal(cp_diff_regressions(&d), 0);
	cp_diff_free(&d);
	run(n, o, &d);
	assert_int_equal(d.nadded, 1);
	assert_string_equal(d.added[0].target, LEGACY);
	assert_int_equal(d.nremoved, 1);
	assert_string_equal(d.removed[0].target, "shop.example.com");
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

/* --all-addresses: two records of one input, told apart by address. */
static void test_all_addresses(void **state)
{
	json_t *o = base(), *n = base();
	json_t *targets = json_object_get(n, "targets"), *v4;
	struct cp_diff d;
	const struct cp_change *c;

	/* order does not matter: records are matched by key */
	v4 = json_incref(json_array_get(targets, 2));
	assert_int_equal(json_array_remove(targets, 2), 0);
	assert_int_equal(json_array_insert_new(targets, 3, v4), 0);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(targets, 2), "address")),
		"2001:db8::5");
	run(o, n, &d);
	assert_int_equal(d.nchanges + d.nadded + d.nremoved, 0);
	cp_diff_free(&d);

	/* a change at one address is reported for that address only */
	set_unsupported(tgt(n, CDN, "2001:db8::5"), "TLSv1.3");
	run(o, n, &d);
	assert_int_equal(d.nchanges, 1);
	c = find(&d, CP_CHANGE_CHANGE, "protocol");
	assert_string_equal(c->target, CDN);
	assert_string_equal(c->address, "2001:db8::5");
	assert_true(c->show_address);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

static void test_address_rotation(void **state)
{
	json_t *o = base(), *n = base();
	struct cp_diff d;

	/* one record per input: a new address is the same target */
	set(tgt(n, WWW, NULL), "address", json_string("192.0.2.11"));
	one_each_way(json_incref(o), json_incref(n), WWW, "address", CP_CHANGE_INFO,
		     "address changed from 192.0.2.10 to 192.0.2.11", CP_CHANGE_INFO,
		     "address changed from 192.0.2.11 to 192.0.2.10");

	/* with --all-addresses, one address replaced: the leftovers pair */
	set(tgt(n, CDN, "203.0.113.5"), "address", json_string("203.0.113.6"));
	run(o, n, &d);
	assert_int_equal(count(&d, CP_CHANGE_INFO, "address"), 2);
	assert_int_equal(d.nadded + d.nremoved, 0);
	cp_diff_free(&d);

	/* both replaced: which pairs with which is unknowable, so report them */
	set(tgt(n, CDN, "2001:db8::5"), "address", json_string("2001:db8::6"));
	run(o, n, &d);
	assert_int_equal(count(&d, CP_CHANGE_INFO, "address"), 1); /* www */
	assert_int_equal(d.nadded, 2);
	assert_int_equal(d.nremoved, 2);
	assert_int_equal(d.compared, 3);
	cp_diff_free(&d);

	/* a name that stops resolving: address null, still the same target */
	json_decref(n);
	n = base();
	make_error(tgt(n, WWW, NULL), "dns", "www.example.com: no such name");
	set(tgt(n, WWW, NULL), "address", json_null());
	run(o, n, &d);
	assert_int_equal(d.nadded + d.nremoved, 0);
	assert_string_equal(find(&d, CP_CHANGE_CHANGE, "unreachable")->detail,
			    "unreachable (1 run): dns: www.example.com: no such name");
	assert_string_equal(find(&d, CP_CHANGE_INFO, "address")->detail,
			    "address changed from 192.0.2.10 to none");
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

/* The same key twice (a target listed twice) pairs in document order. */
static void test_duplicate_keys(void **state)
{
	json_t *o = base(), *n = base(), *copy;
	struct cp_diff d;

	copy = json_deep_copy(tgt(o, WWW, NULL));
	assert_int_equal(json_array_append_new(json_object_get(o, "targets"), copy), 0);
	copy = json_deep_copy(tgt(n, WWW, NULL));
	drop_cipher(copy, "TLSv1.3", "0x1303");
	assert_int_equal(json_array_append_new(json_object_get(n, "targets"), copy), 0);
	run(o, n, &d);
	assert_int_equal(d.compared, 6);
	assert_int_equal(d.nchanges, 1);
	assert_string_equal(d.changes[0].detail,
			    "TLS_CHACHA20_POLY1305_SHA256 is no longer accepted at TLSv1.3");
	assert_true(d.changes[0].show_address);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

/* ---- malformed documents -------------------------------------------- */

static void expect_reject(json_t *o, json_t *n, const char *msg)
{
	struct cp_diff d;
	char err[512] = "";

	assert_int_equal(cp_diff_docs(o, n, &d, err, sizeof err), -1);
	assert_string_equal(err, msg);
	assert_int_equal(d.nchanges + d.nadded + d.nremoved + d.compared, 0);
	assert_null(d.changes);
	json_decref(o);
	json_decref(n);
}

static void test_malformed(void **state)
{
	json_t *d;

	d = base();
	set(d, "schema", json_integer(2));
	expect_reject(
		d, base(),
		"old document: schema: expected 1, got 2 (written by another version of cipherprobe?)");
	d = base();
	json_object_del(d, "schema");
	expect_reject(base(), d,
		      "new document: schema: missing (not a cipherprobe JSON document?)");
	d = base();
	set(d, "schema", json_string("1"));
	expect_reject(base(), d, "new document: schema: expected the number 1");
	d = base();
	set(d, "targets", json_pack("{s:s}", "input", WWW));
	expect_reject(base(), d, "new document: targets: expected an array");
	d = base();
	json_object_del(tgt(d, LEGACY, NULL), "input");
	expect_reject(base(), d, "new document: targets[1].input: missing");
	d = base();
	assert_int_equal(json_array_append_new(json_object_get(d, "targets"), json_string(WWW)), 0);
	expect_reject(d, base(), "old document: targets[5]: expected an object");
	d = base();
	set(proto(tgt(d, WWW, NULL), "TLSv1.2"), "version", json_string("TLSv1.9"));
	expect_reject(base(), d,
		      "new document: targets[0].protocols[3].version: unknown version 'TLSv1.9'");
	d = base();
	set(verdict(tgt(d, WWW, NULL)), "compatible", json_string("yes"));
	expect_reject(base(), d, "new document: targets[0].verdict.compatible: expected a boolean");
	d = base();
	set(fix(tgt(d, LEGACY, NULL)), "changes", json_string("auth-algo-sha1"));
	expect_reject(base(), d, "new document: targets[1].verdict.fix.changes: expected an array");
	d = json_array();
	expect_reject(d, base(), "old document: expected a JSON object at the top");
}

static void expect_load_error(const char *name, int want_errno, const char *msg)
{
	char err[512] = "", want[4096 + 128];
	const char *path = fixture(name);
	json_t *d;

	snprintf(want, sizeof want, "%s%s", path, msg);
	errno = 0;
	d = cp_doc_load(path, err, sizeof err);
	assert_null(d);
	assert_int_equal(errno, want_errno);
	assert_string_equal(err, want);
}

static void test_load(void **state)
{
	char err[512];
	json_t *d;

	expect_load_error(
		"schema2.json", EINVAL,
		": schema: expected 1, got 2 (written by another version of cipherprobe?)");
	expect_load_error("targets-object.json", EINVAL, ": targets: expected an array");
	expect_load_error("no-input.json", EINVAL, ": targets[1].input: missing");
	/* the file stops in the middle of line 25 */
	expect_load_error("truncated.json", EINVAL, ":25:64: premature end of input near '\"TL'");
	expect_load_error("does-not-exist.json", ENOENT, ": No such file or directory");
	expect_load_error("", EISDIR, ": Is a directory");

	errno = 0;
	d = cp_doc_load_max(fixture("old.json"), 1000, err, sizeof err);
	assert_null(d);
	assert_int_equal(errno, EFBIG);
	assert_non_null(strstr(err, "old.json: larger than 1000 bytes"));

	d = cp_doc_load(fixture("new.json"), err, sizeof err);
	assert_non_null(d);
	assert_int_equal(cp_doc_check(d, err, sizeof err), 0);
	json_decref(d);
}

/* ---- renderers ------------------------------------------------------ */

/* old.json -> new.json: 2 regressions, 3 improvements, 1 info, one
 * target added and one removed (the fixture's own description). */
static void load_pair(struct cp_diff *d)
{
	char err[512];
	json_t *o = cp_doc_load(fixture("old.json"), err, sizeof err);
	json_t *n = cp_doc_load(fixture("new.json"), err, sizeof err);

	assert_non_null(o);
	assert_non_null(n);
	run(o, n, d);
	json_decref(o);
	json_decref(n);
}

static void test_json(void **state)
{
	struct cp_diff d;
	json_t *j, *changes, *c, *sites;
	size_t i, reg = 0, chg = 0, imp = 0, info = 0;
	int last = 0;

	load_pair(&d);
	j = cp_diff_to_json(&d);
	assert_non_null(j);
	/* legacy's fix weakens more (SHA1 + RSA key exchange): the one
	 * regression; www's lost suite is a change */
	assert_int_equal(json_integer_value(json_object_get(j, "regressions")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "changed")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "improvements")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "info")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "unreachable")), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "compared")), 4);
	changes = json_object_get(j, "changes");
	assert_int_equal(json_array_size(changes), 6);
	json_array_foreach(changes, i, c)
	{
		const char *k = json_string_value(json_object_get(c, "kind"));
		int rank = !strcmp(k, "regression")    ? 0
			   : !strcmp(k, "change")      ? 1
			   : !strcmp(k, "improvement") ? 2
						       : 3;
		assert_true(rank >= last); /* regressions first */
		last = rank;
		reg += rank == 0;
		chg += rank == 1;
		imp += rank == 2;
		info += rank == 3;
		assert_true(json_is_string(json_object_get(c, "target")));
		assert_true(json_is_string(json_object_get(c, "what")));
		assert_true(json_is_string(json_object_get(c, "detail")));
	}
	assert_int_equal(reg, 1);
	assert_int_equal(chg, 1);
	assert_int_equal(imp, 3);
	assert_int_equal(info, 1);
	c = json_array_get(changes, 1);
	assert_string_equal(json_string_value(json_object_get(c, "what")), "cipher");
	assert_string_equal(json_string_value(json_object_get(c, "cipher")),
			    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	assert_string_equal(json_string_value(json_object_get(c, "version")), "TLSv1.2");
	assert_string_equal(json_string_value(json_object_get(c, "address")), "192.0.2.10");
	c = json_array_get(json_object_get(j, "added"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "target")), "shop.example.com");
	c = json_array_get(json_object_get(j, "removed"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "address")), "2001:db8::5");
	/* one site per compared target with changes, worst first */
	sites = json_object_get(j, "sites");
	assert_int_equal(json_array_size(sites), 3);
	c = json_array_get(sites, 0);
	assert_string_equal(json_string_value(json_object_get(c, "target")),
			    "legacy.example.net:8443");
	assert_string_equal(json_string_value(json_object_get(c, "kind")), "regression");
	assert_string_equal(
		json_string_value(json_object_get(c, "headline")),
		"REGRESSION legacy.example.net:8443: the fix now weakens the profile more: "
		"auth-algo-sha1, keyxchg-algo-rsa instead of auth-algo-sha1 (+1 more change)");
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(c, "commands"), 1)),
		"set profiles decryption Corp ssl-protocol-settings keyxchg-algo-rsa yes");
	c = json_array_get(sites, 1);
	assert_string_equal(json_string_value(json_object_get(c, "kind")), "improvement");
	assert_string_equal(json_string_value(json_object_get(c, "target")),
			    "intranet.example.com");
	c = json_array_get(sites, 2);
	assert_string_equal(json_string_value(json_object_get(c, "kind")), "change");
	assert_string_equal(json_string_value(json_object_get(c, "target")), "www.example.com");
	json_decref(j);
	cp_diff_free(&d);
}

static char *render_v(const struct cp_diff *d, bool color, int verbosity)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cp_diff_print_v(f, d, color, verbosity), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static char *render(const struct cp_diff *d, bool color)
{
	return render_v(d, color, 0);
}

static void test_print(void **state)
{
	struct cp_diff d;
	char *text, *p;

	load_pair(&d);
	text = render(&d, false);
	assert_null(strchr(text, '\033'));
	/* one headline per site, worst first, the fix commands under it
	 * (commit left out: the set lines are the fix) */
	assert_string_equal(
		text,
		"REGRESSION  legacy.example.net:8443: the fix now weakens the profile more: auth-algo-sha1, "
		"keyxchg-algo-rsa instead of auth-algo-sha1 (+1 more change)\n"
		"  fix: set profiles decryption Corp ssl-protocol-settings auth-algo-sha1 yes\n"
		"  fix: set profiles decryption Corp ssl-protocol-settings keyxchg-algo-rsa yes\n"
		"improvement intranet.example.com: answers again (the last scan failed with timeout: "
		"no answer to any hello within 8 s) (+1 more change)\n"
		"change      www.example.com: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 is no longer accepted "
		"at TLSv1.2 (+1 more change)\n"
		"added       shop.example.com [192.0.2.44]\n"
		"removed     cdn.example.org [2001:db8::5] (not in the new scan; not counted as a regression)\n"
		"1 regression, 3 improvements, 1 change, 1 info, 0 unreachable; 4 targets compared, "
		"1 added, 1 removed\n");
	free(text);
	/* -v: the other changes under each headline */
	text = render_v(&d, false, 1);
	p = strstr(
		text,
		"change      www.example.com: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 is no longer "
		"accepted at TLSv1.2\n    info        the certificate changed: ");
	assert_non_null(p);
	assert_non_null(strstr(
		text,
		"\n    improvement TLS_RSA_WITH_3DES_EDE_CBC_SHA is no longer accepted at TLSv1.0\n"));
	free(text);
	/* -q: the regression only, the summary, nothing else */
	text = render_v(&d, false, -1);
	assert_null(strstr(text, "improvement intranet"));
	assert_null(strstr(text, "added       "));
	assert_non_null(strstr(text, "REGRESSION  legacy.example.net:8443"));
	free(text);
	text = render(&d, true);
	assert_non_null(strstr(text, "\033[1;31mREGRESSION \033[0m legacy.example.net:8443"));
	free(text);
	cp_diff_free(&d);
}

/* -q with nothing that matters prints nothing at all. */
static void test_print_quiet(void **state)
{
	json_t *o = base(), *n = base();
	struct cp_diff d;
	char *text;

	drop_cipher(tgt(n, WWW, NULL), "TLSv1.2", "0xC02F");
	run(o, n, &d);
	text = render_v(&d, false, -1);
	assert_string_equal(text, "");
	free(text);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

/* Strings from a document are shown escaped, never sent raw to a tty. */
static void test_print_hostile(void **state)
{
	json_t *o = base(), *n = base();
	struct cp_diff d;
	char *text;

	char err[512];

	make_error(tgt(n, INTRANET, NULL), "protocol", "peer said \033]0;pwned\007");
	set(tgt(o, INTRANET, NULL), "input", json_string("evil\033[2J.example"));
	set(tgt(n, INTRANET, NULL), "input", json_string("evil\033[2J.example"));
	/* the standing failure is the line that names it: not dropped here */
	assert_int_equal(cp_diff_docs(o, n, &d, err, sizeof err), 0);
	text = render(&d, false);
	assert_null(strchr(text, '\033'));
	assert_null(strchr(text, '\007'));
	assert_non_null(strstr(text, "evil\\x1B[2J.example"));
	free(text);
	cp_diff_free(&d);
	json_decref(o);
	json_decref(n);
}

/* ---- unknown keys and streamed sides (issue 12) ---------------------- */

/* A key no version of cipherprobe wrote is refused at every level the
 * loader reads, named with its path; what the writers emit loads. */
static void test_unknown_keys(void **state)
{
	json_t *d;

	d = base();
	set(d, "junk", json_pack("[iii]", 0, 0, 0));
	expect_reject(base(), d,
		      "new document: junk: unknown key (no version of cipherprobe writes it)");
	d = base();
	set(json_object_get(d, "tool"), "build", json_string("x"));
	expect_reject(
		d, base(),
		"old document: tool.build: unknown key (no version of cipherprobe writes it)");
	d = base();
	set(json_object_get(d, "summary"), "extra", json_true());
	expect_reject(
		base(), d,
		"new document: summary.extra: unknown key (no version of cipherprobe writes it)");
	d = base();
	set(tgt(d, LEGACY, NULL), "padding", json_string(""));
	expect_reject(
		base(), d,
		"new document: targets[1].padding: unknown key (no version of cipherprobe writes it)");
	d = base();
	set(json_object_get(tgt(d, WWW, NULL), "certificate"), "owner", json_null());
	expect_reject(
		base(), d,
		"new document: targets[0].certificate.owner: unknown key (no version of cipherprobe writes it)");
	d = base();
	set(proto(tgt(d, WWW, NULL), "TLSv1.3"), "rank", json_integer(1));
	expect_reject(
		base(), d,
		"new document: targets[0].protocols[4].rank: unknown key (no version of cipherprobe writes it)");
	d = base();
	set(verdict(tgt(d, WWW, NULL)), "score", json_integer(1));
	expect_reject(
		base(), d,
		"new document: targets[0].verdict.score: unknown key (no version of cipherprobe writes it)");
	d = base();
	set(fix(tgt(d, LEGACY, NULL)), "cost", json_integer(1));
	expect_reject(
		base(), d,
		"new document: targets[1].verdict.fix.cost: unknown key (no version of cipherprobe writes it)");
	/* a key with a terminal escape is shown escaped */
	d = base();
	set(d, "\033]0;owned\007", json_true());
	expect_reject(
		base(), d,
		"new document: \033]0;owned\007: unknown key (no version of cipherprobe writes it)");

	/* the fields added since the first documents all load */
	d = base();
	set(json_object_get(tgt(d, WWW, NULL), "certificate"), "chain",
	    json_pack("{s:b, s:[], s:n, s:s}", "trusted", 1, "errors", "missing_issuer", "anchor",
		      "CN=Root"));
	set(tgt(d, WWW, NULL), "certificate_error", json_string("x"));
	set(tgt(d, WWW, NULL), "signature_algorithms",
	    json_pack("[{s:s, s:s, s:[s]}]", "id", "0x0804", "name", "rsa_pss_rsae_sha256",
		      "versions", "TLSv1.3"));
	set(tgt(d, WWW, NULL), "signature_algorithms_probed", json_true());
	set(tgt(d, WWW, NULL), "proxy_hello",
	    json_pack("{s:s, s:b}", "source", "capture", "sni_rewritten", 0));
	set(tgt(d, WWW, NULL), "log", json_pack("{s:i, s:n}", "failures", 2, "error"));
	set(verdict(tgt(d, WWW, NULL)), "causes", json_array());
	set(verdict(tgt(d, WWW, NULL)), "assumes", json_null());
	set(json_object_get(d, "summary"), "interception",
	    json_pack("{s:s, s:i}", "issuer", "CN=Corp", "targets", 1));
	{
		char err[512];
		assert_int_equal(cp_doc_check(d, err, sizeof err), 0);
	}
	json_decref(d);
}

/* Writes text to a temporary file; its path in path. */
static void write_tmp(char *path, size_t size, const char *text, size_t len)
{
	int fd;

	snprintf(path, size, "/tmp/test_diff_side.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void expect_side_error(const char *text, size_t max, int want_errno, const char *want)
{
	char path[64], err[512] = "", full[640];
	struct cp_diff_side *s;

	write_tmp(path, sizeof path, text, strlen(text));
	errno = 0;
	s = cp_diff_side_load(path, max, err, sizeof err);
	assert_null(s);
	assert_int_equal(errno, want_errno);
	snprintf(full, sizeof full, "%s%s", path, want);
	assert_string_equal(err, full);
	unlink(path);
}

static void test_side_load(void **state)
{
	char err[512], path[64];
	struct cp_diff_side *o, *n;
	json_t *jo, *jn;
	struct cp_diff a, b;
	char *big;
	size_t len;

	/* the fixtures give what cp_diff_docs gives, and a side compares twice */
	o = cp_diff_side_load(fixture("old.json"), CP_DOC_MAX, err, sizeof err);
	assert_non_null(o);
	n = cp_diff_side_load(fixture("new.json"), CP_DOC_MAX, err, sizeof err);
	assert_non_null(n);
	jo = cp_doc_load(fixture("old.json"), err, sizeof err);
	jn = cp_doc_load(fixture("new.json"), err, sizeof err);
	run(jo, jn, &a);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(cp_diff_sides(o, n, &b, err, sizeof err), 0);
		assert_int_equal(b.nchanges, a.nchanges);
		assert_int_equal(b.compared, a.compared);
		assert_int_equal(b.nadded, a.nadded);
		assert_int_equal(b.nremoved, a.nremoved);
		for (size_t i = 0; i < a.nchanges; i++)
			assert_string_equal(b.changes[i].detail, a.changes[i].detail);
		cp_diff_free(&b);
	}
	cp_diff_free(&a);
	json_decref(jo);
	json_decref(jn);
	cp_diff_side_free(o);
	cp_diff_side_free(n);

	/* the same messages and errno as cp_doc_load */
	errno = 0;
	assert_null(cp_diff_side_load(fixture("truncated.json"), CP_DOC_MAX, err, sizeof err));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "truncated.json:25:64: premature end of input near '\"TL'"));
	errno = 0;
	assert_null(cp_diff_side_load(fixture("schema2.json"), CP_DOC_MAX, err, sizeof err));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "schema2.json: schema: expected 1, got 2"));
	errno = 0;
	assert_null(cp_diff_side_load(fixture("old.json"), 1000, err, sizeof err));
	assert_int_equal(errno, EFBIG);
	assert_non_null(strstr(err, "old.json: larger than 1000 bytes"));
	errno = 0;
	assert_null(cp_diff_side_load(fixture("does-not-exist.json"), CP_DOC_MAX, err, sizeof err));
	assert_int_equal(errno, ENOENT);

	expect_side_error("{\"schema\": 1, \"targets\": [], \"junk\": [0, 0, 0]}", CP_DOC_MAX,
			  EINVAL, ": junk: unknown key (no version of cipherprobe writes it)");
	/* refused before the value is read: it need not even parse */
	expect_side_error("{\"schema\": 1, \"junk\": [0, 0, oops", CP_DOC_MAX, EINVAL,
			  ": junk: unknown key (no version of cipherprobe writes it)");
	expect_side_error("{\"schema\": 1, \"targets\": [{\"input\": \"x\", \"rank\": 1}]}",
			  CP_DOC_MAX, EINVAL,
			  ": targets[0].rank: unknown key (no version of cipherprobe writes it)");
	expect_side_error(
		"{\"schema\": 1, \"tool\": {\"name\": \"x\", \"os\": \"y\"}, \"targets\": []}",
		CP_DOC_MAX, EINVAL, ": tool.os: unknown key (no version of cipherprobe writes it)");
	expect_side_error(
		"{\"schema\": 2, \"targets\": []}", CP_DOC_MAX, EINVAL,
		": schema: expected 1, got 2 (written by another version of cipherprobe?)");
	expect_side_error("{\"schema\": 1}", CP_DOC_MAX, EINVAL, ": targets: missing");
	expect_side_error("{\"targets\": []}", CP_DOC_MAX, EINVAL,
			  ": schema: missing (not a cipherprobe JSON document?)");
	expect_side_error("{\"schema\": 1, \"targets\": {}}", CP_DOC_MAX, EINVAL,
			  ": targets: expected an array");
	expect_side_error("[]", CP_DOC_MAX, EINVAL, ": expected a JSON object at the top");
	expect_side_error("{\"schema\": 1, \"schema\": 1, \"targets\": []}", CP_DOC_MAX, EINVAL,
			  ":1:15: duplicate object key");
	expect_side_error("{\"schema\": 1, \"targets\": [] x", CP_DOC_MAX, EINVAL,
			  ":1:29: ',' or '}' expected");
	expect_side_error("{\"schema\": 1, \"targets\": []} {}", CP_DOC_MAX, EINVAL,
			  ":1:30: end of file expected");
	expect_side_error("{\"schema\": 1, \"targets\": [5]}", CP_DOC_MAX, EINVAL,
			  ": targets[0]: expected an object");

	/* one target larger than CP_DOC_VALUE_MAX is refused, unparsed */
	len = CP_DOC_VALUE_MAX + 64;
	big = malloc(len + 1);
	assert_non_null(big);
	{
		static const char head[] = "{\"schema\": 1, \"targets\": [{\"input\": \"";

		memset(big, 'a', len);
		memcpy(big, head, sizeof head - 1);
		memcpy(big + len - 5, "\"}]}\n", 5);
		big[len] = '\0';
	}
	write_tmp(path, sizeof path, big, len);
	free(big);
	errno = 0;
	assert_null(cp_diff_side_load(path, CP_DOC_MAX, err, sizeof err));
	assert_int_equal(errno, EFBIG);
	assert_non_null(
		strstr(err, ": targets[0]: larger than 2097152 bytes (the cap on one value)"));
	unlink(path);
}

/* ---- documents for --state ------------------------------------------ */

static void test_state_roundtrip(void **state)
{
	char dir[] = "/tmp/test_diff.XXXXXX", path[64], err[512];
	const json_t *targets = json_object_get(base_doc, "targets");
	size_t n = json_array_size(targets);
	struct cp_result **rs = calloc(n, sizeof *rs);
	struct cp_summary sum = { .targets = n };
	json_t *doc, *back;
	struct cp_diff d;

	assert_non_null(rs);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/state.json", dir);
	for (size_t i = 0; i < n; i++) {
		rs[i] = cp_result_from_json(json_array_get(targets, i), err, sizeof err);
		assert_non_null(rs[i]);
	}
	doc = cp_doc_from_results((const struct cp_result *const *)rs, n, &sum, "9.9.9");
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "schema")), 1);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(doc, "tool"), "version")),
		"9.9.9");
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(doc, "summary"), "targets")), 5);
	assert_int_equal(cp_doc_check(doc, err, sizeof err), 0);

	assert_int_equal(cp_doc_save(doc, path, err, sizeof err), 0);
	back = cp_doc_load(path, err, sizeof err);
	assert_non_null(back);
	/* the records carry no verdicts (the loader leaves them to the
	 * policy code): the scans themselves are unchanged */
	run(base_doc, back, &d);
	assert_int_equal(d.compared, 5);
	assert_int_equal(d.nchanges, 0);
	cp_diff_free(&d);

	/* a bad path leaves a message, not a half-written file */
	snprintf(path, sizeof path, "%s/missing-dir/state.json", dir);
	assert_int_equal(cp_doc_save(doc, path, err, sizeof err), -1);
	assert_non_null(strstr(err, "missing-dir"));

	snprintf(path, sizeof path, "%s/state.json", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	for (size_t i = 0; i < n; i++)
		cp_result_free(rs[i]);
	free(rs);
	json_decref(doc);
	json_decref(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_suite_gone),
		cmocka_unit_test(test_legacy_suite),
		cmocka_unit_test(test_weak_suites),
		cmocka_unit_test(test_protocol_gone),
		cmocka_unit_test(test_weak_protocols),
		cmocka_unit_test(test_weak_protocol_weak_suite),
		cmocka_unit_test(test_sslv2),
		cmocka_unit_test(test_compatibility),
		cmocka_unit_test(test_scan_fails),
		cmocka_unit_test(test_error_kind),
		cmocka_unit_test(test_fix_needs_more),
		cmocka_unit_test(test_fix_weak),
		cmocka_unit_test(test_fix_gone),
		cmocka_unit_test(test_fix_other),
		cmocka_unit_test(test_no_decrypt),
		cmocka_unit_test(test_no_verdict),
		cmocka_unit_test(test_certificate),
		cmocka_unit_test(test_preference),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_probed),
		cmocka_unit_test(test_added_removed),
		cmocka_unit_test(test_all_addresses),
		cmocka_unit_test(test_unreachable_runs),
		cmocka_unit_test(test_print_quiet),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_certificate_blocked),
		cmocka_unit_test(test_address_rotation),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_print_hostile),
		cmocka_unit_test(test_state_roundtrip),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_side_load),
	};

	return cmocka_run_group_tests(tests, load_base, free_base);
}
