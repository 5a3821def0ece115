/* SPDX-License-Identifier: MIT */
/*
 * Decryption profiles in: every format (tests/profile/ fixtures, written by
 * hand from PANOS.md's paths and element names), defaults filled in, the
 * built-ins, candidate selection, and each malformed input with the words
 * its message must contain.  Then `cipherprobe profile` itself, run in
 * process with stdout and stderr captured.
 *
 * Expected values come from PANOS.md (the defaults table, iron-skillet's
 * recommended profile), spelled out here by element name, never from the
 * parser's own output.
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

#include "policy/profile.h"
#include "registry.h"

int cmd_profile(int argc, char **argv);

static char err[2048];

static const char *fixture(const char *name)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof path, "%s/tests/profile/%s", top ? top : ".", name);
	return path;
}

/* The flag bit for an element name, asserting the name is known. */
static uint32_t bit(const char *element)
{
	uint32_t b = cp_panos_flag_parse(element);

	if (b == 0)
		fail_msg("unknown flag %s in the test", element);
	return b;
}

/* PANOS.md's defaults table, by element name. */
static uint32_t panos_md_defaults(void)
{
	static const char *const on[] = {
		"keyxchg-algo-rsa",     "keyxchg-algo-dhe",
		"keyxchg-algo-ecdhe",   "enc-algo-3des",
		"enc-algo-rc4",         "enc-algo-aes-128-cbc",
		"enc-algo-aes-256-cbc", "enc-algo-aes-128-gcm",
		"enc-algo-aes-256-gcm", "enc-algo-chacha20-poly1305",
		"auth-algo-sha1",       "auth-algo-sha256",
		"auth-algo-sha384",
	};
	uint32_t f = 0;

	for (size_t i = 0; i < sizeof on / sizeof on[0]; i++)
		f |= bit(on[i]);
	return f; /* auth-algo-md5 is "no" */
}

/* Mask of a NULL-terminated list of names (PAN-OS or forward-proxy). */
static uint32_t mask_of(const char *const *names, bool fwd)
{
	uint32_t m = 0;

	for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
		uint32_t b = 0;

		if (fwd) {
			for (unsigned k = 0; cp_fwd_flag_name(k) != NULL; k++)
				if (strcmp(cp_fwd_flag_name(k), names[i]) == 0)
					b = 1u << k;
		} else {
			b = bit(names[i]);
		}
		if (b == 0)
			fail_msg("unknown name %s in the test", names[i]);
		m |= b;
	}
	return m;
}

static void load_ok(const char *file, const char *name, struct cp_profile *p)
{
	int rc = cp_profile_load(fixture(file), name, p, err, sizeof err);

	if (rc != 0)
		fail_msg("%s (%s): %s", file, name ? name : "-", err);
}

static void expect_err(int rc, const char *a, const char *b)
{
	assert_int_equal(rc, -1);
	if (a != NULL && strstr(err, a) == NULL)
		fail_msg("message '%s' lacks '%s'", err, a);
	if (b != NULL && strstr(err, b) == NULL)
		fail_msg("message '%s' lacks '%s'", err, b);
}

/* ---- built-ins and tokens ---- */

static void test_builtin_default(void **state)
{
	struct cp_profile p;

	(void)state;
	assert_int_equal(cp_profile_builtin("panos-default", &p), 0);
	assert_int_equal(p.min_version, 0x0301);
	assert_int_equal(p.max_version, 0x0303);
	assert_false(p.max_is_max);
	assert_int_equal(p.flags, panos_md_defaults());
	assert_int_equal(p.fwd, 0);
	assert_int_equal(p.loc, CP_LOC_NONE);
	assert_string_equal(p.source, "builtin:panos-default");
	/* the registry's defaults agree with PANOS.md's table */
	assert_int_equal(cp_panos_default_flags(), panos_md_defaults());
}

static void test_builtin_recommended(void **state)
{
	static const char *const off[] = { "keyxchg-algo-rsa", "enc-algo-3des", "enc-algo-rc4",
					   "auth-algo-sha1",   "auth-algo-md5", NULL };
	static const char *const fwd[] = { "block-expired-certificate",
					   "block-untrusted-issuer",
					   "block-unknown-cert",
					   "block-timeout-cert",
					   "block-unsupported-version",
					   "block-unsupported-cipher",
					   NULL };
	struct cp_profile p;

	(void)state;
	assert_int_equal(cp_profile_load("panos-recommended", NULL, &p, err, sizeof err), 0);
	assert_int_equal(p.min_version, 0x0303);
	assert_int_equal(p.max_version, 0x0304);
	assert_true(p.max_is_max);
	assert_int_equal(p.flags, panos_md_defaults() & ~mask_of(off, false));
	assert_int_equal(p.fwd, mask_of(fwd, true));
	assert_int_equal(cp_profile_load("builtin:panos-recommended", NULL, &p, err, sizeof err),
			 0);
	assert_string_equal(p.name, "panos-recommended");
}

static void test_builtin_unknown(void **state)
{
	struct cp_profile p;

	(void)state;
	assert_int_equal(cp_profile_builtin("panos-strict", &p), -1);
	expect_err(cp_profile_load("builtin:panos-strict", NULL, &p, err, sizeof err),
		   "unknown built-in", "panos-recommended");
}

static void test_version_tokens(void **state)
{
	static const struct {
		const char *tok;
		uint16_t wire;
	} t[] = {
		{ "sslv3", 0x0300 },  { "tls1-0", 0x0301 }, { "tls1-1", 0x0302 },
		{ "tls1-2", 0x0303 }, { "tls1-3", 0x0304 },
	};
	bool is_max = true;

	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(cp_panos_version_parse(t[i].tok, &is_max), t[i].wire);
		assert_false(is_max);
		assert_string_equal(cp_panos_version_token(t[i].wire), t[i].tok);
	}
	assert_int_equal(cp_panos_version_parse("max", &is_max), 0x0304);
	assert_true(is_max);
	assert_int_equal(cp_panos_version_parse("max", NULL), 0x0304);
	assert_int_equal(cp_panos_version_parse("tls1.2", NULL), 0);
	assert_int_equal(cp_panos_version_parse("TLS1-2", NULL), 0);
	assert_int_equal(cp_panos_version_parse("", NULL), 0);
	assert_null(cp_panos_version_token(0x0305));
	assert_null(cp_panos_version_token(0x0002));
}

static void test_fwd_names(void **state)
{
	(void)state;
	assert_string_equal(cp_fwd_flag_name(0), "block-expired-certificate");
	assert_string_equal(cp_fwd_flag_name(9), "block-tls13-downgrade-no-resource");
	assert_string_equal(cp_fwd_flag_name(CP_FWD_NFLAGS - 1), "strip-alpn");
	assert_null(cp_fwd_flag_name(CP_FWD_NFLAGS));
}

/* ---- one table for every profile a fixture holds ---- */

struct want {
	const char *file, *select;
	const char *name;
	enum cp_profile_loc loc;
	const char *scope; /* vsys or device group */
	uint16_t min, max;
	bool is_max;
	const char *off[8]; /* flags turned off (others: PANOS.md default) */
	const char *on[4];  /* non-default flags turned on */
	const char *fwd[6]; /* forward-proxy flags on */
};

static const struct want wants[] = {
	/* running config: vsys1, shared, device group */
	{ "running-config.xml",
	  "vsys1/Corp",
	  "Corp",
	  CP_LOC_VSYS,
	  "vsys1",
	  0x0303,
	  0x0304,
	  true,
	  { "keyxchg-algo-rsa", "enc-algo-3des", "enc-algo-rc4", "auth-algo-sha1" },
	  { NULL },
	  { "block-expired-certificate", "block-untrusted-issuer" } },
	{ "running-config.xml",
	  "Legacy Apps",
	  "Legacy Apps",
	  CP_LOC_VSYS,
	  "vsys1",
	  0x0301,
	  0x0303,
	  false,
	  { NULL },
	  { "auth-algo-md5" },
	  { NULL } },
	{ "running-config.xml",
	  "Strict",
	  "Strict",
	  CP_LOC_SHARED,
	  "",
	  0x0304,
	  0x0304,
	  true,
	  { NULL },
	  { NULL },
	  { "block-expired-certificate", "block-untrusted-issuer", "block-unsupported-version",
	    "block-unsupported-cipher" } },
	{ "running-config.xml",
	  "shared/Strict",
	  "Strict",
	  CP_LOC_SHARED,
	  "",
	  0x0304,
	  0x0304,
	  true,
	  { NULL },
	  { NULL },
	  { "block-expired-certificate", "block-untrusted-issuer", "block-unsupported-version",
	    "block-unsupported-cipher" } },
	{ "running-config.xml",
	  "Lab",
	  "Lab",
	  CP_LOC_DEVICE_GROUP,
	  "DG1",
	  0x0302,
	  0x0304,
	  false,
	  { "enc-algo-chacha20-poly1305" },
	  { NULL },
	  { NULL } },
	{ "running-config.xml",
	  "DG1/Corp",
	  "Corp",
	  CP_LOC_DEVICE_GROUP,
	  "DG1",
	  0x0301,
	  0x0303,
	  false,
	  { "keyxchg-algo-dhe" },
	  { NULL },
	  { NULL } },
	{ "running-single.xml",
	  NULL,
	  "Only",
	  CP_LOC_VSYS,
	  "vsys1",
	  0x0301,
	  0x0303,
	  false,
	  { "auth-algo-sha1" },
	  { NULL },
	  { NULL } },
	/* snippets */
	{ "bare.xml",
	  NULL,
	  "",
	  CP_LOC_NONE,
	  "",
	  0x0302,
	  0x0303,
	  false,
	  { "enc-algo-rc4", "auth-algo-sha384" },
	  { NULL },
	  { NULL } },
	{ "bare.xml",
	  "AnyName",
	  "",
	  CP_LOC_NONE,
	  "",
	  0x0302,
	  0x0303,
	  false,
	  { "enc-algo-rc4", "auth-algo-sha384" },
	  { NULL },
	  { NULL } },
	{ "entry.xml",
	  NULL,
	  "Snippet-Profile",
	  CP_LOC_NONE,
	  "",
	  0x0301,
	  0x0304,
	  false,
	  { "keyxchg-algo-dhe", "enc-algo-aes-128-cbc" },
	  { NULL },
	  { "block-client-cert", "auto-include-altname" } },
	{ "entry.xml",
	  "Snippet-Profile",
	  "Snippet-Profile",
	  CP_LOC_NONE,
	  "",
	  0x0301,
	  0x0304,
	  false,
	  { "keyxchg-algo-dhe", "enc-algo-aes-128-cbc" },
	  { NULL },
	  { "block-client-cert", "auto-include-altname" } },
	/* XML API reply (attributes admin/dirtyId/time as the API adds them) */
	{ "api-success.xml",
	  NULL,
	  "Corp",
	  CP_LOC_NONE,
	  "",
	  0x0303,
	  0x0304,
	  true,
	  { "auth-algo-sha1" },
	  { NULL },
	  { "block-expired-certificate" } },
	/* set commands */
	{ "set-vsys.txt",
	  "Corp",
	  "Corp",
	  CP_LOC_VSYS,
	  "vsys1",
	  0x0303,
	  0x0304,
	  true,
	  { "auth-algo-sha1" },
	  { NULL },
	  { "block-expired-certificate" } },
	{ "set-vsys.txt",
	  "Branch",
	  "Branch",
	  CP_LOC_VSYS,
	  "vsys2",
	  0x0301,
	  0x0303,
	  false,
	  { "keyxchg-algo-rsa" },
	  { NULL },
	  { NULL } },
	{ "set-shared.txt",
	  NULL,
	  "Strict",
	  CP_LOC_SHARED,
	  "",
	  0x0304,
	  0x0304,
	  false,
	  { NULL },
	  { NULL },
	  { "block-unsupported-cipher" } },
	{ "set-dg.txt",
	  NULL,
	  "Lab",
	  CP_LOC_DEVICE_GROUP,
	  "DG1",
	  0x0301,
	  0x0304,
	  false,
	  { "enc-algo-aes-256-gcm" },
	  { NULL },
	  { NULL } },
	{ "set-quoted.txt",
	  "vsys1/My Profile",
	  "My Profile",
	  CP_LOC_VSYS,
	  "vsys1",
	  0x0301,
	  0x0303,
	  false,
	  { "enc-algo-rc4" },
	  { NULL },
	  { "strip-alpn" } },
	{ "set-quoted.txt",
	  "Branch Offices/My Profile",
	  "My Profile",
	  CP_LOC_DEVICE_GROUP,
	  "Branch Offices",
	  0x0301,
	  0x0303,
	  false,
	  { "enc-algo-3des" },
	  { NULL },
	  { NULL } },
	/* Strata Cloud Manager JSON */
	{ "scm.json",
	  NULL,
	  "Prisma-Decrypt",
	  CP_LOC_NONE,
	  "",
	  0x0303,
	  0x0304,
	  true,
	  { "keyxchg-algo-rsa", "auth-algo-sha1" },
	  { NULL },
	  { "block-expired-certificate", "block-untrusted-issuer" } },
	{ "scm-list.json",
	  "SCM-A",
	  "SCM-A",
	  CP_LOC_NONE,
	  "",
	  0x0301,
	  0x0304,
	  false,
	  { NULL },
	  { NULL },
	  { NULL } },
	{ "scm-list.json",
	  "SCM-B",
	  "SCM-B",
	  CP_LOC_NONE,
	  "",
	  0x0302,
	  0x0303,
	  false,
	  { "enc-algo-3des" },
	  { NULL },
	  { "strip-alpn" } },
};

static void check_want(const struct want *w)
{
	struct cp_profile p;
	uint32_t flags = (panos_md_defaults() & ~mask_of(w->off, false)) | mask_of(w->on, false);

	memset(&p, 0xA5, sizeof p);
	load_ok(w->file, w->select, &p);
	assert_string_equal(p.name, w->name);
	assert_int_equal(p.loc, w->loc);
	if (w->loc == CP_LOC_VSYS)
		assert_string_equal(p.vsys, w->scope);
	if (w->loc == CP_LOC_DEVICE_GROUP)
		assert_string_equal(p.device_group, w->scope);
	assert_int_equal(p.min_version, w->min);
	assert_int_equal(p.max_version, w->max);
	assert_int_equal(p.max_is_max, w->is_max);
	if (p.flags != flags)
		fail_msg("%s %s: flags 0x%X, want 0x%X", w->file, w->name, p.flags, flags);
	assert_int_equal(p.fwd, mask_of(w->fwd, true));
	assert_non_null(strstr(p.source, w->file));
}

static void test_formats(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof wants / sizeof wants[0]; i++)
		check_want(&wants[i]);
}

/* ---- choosing among several ---- */

static void test_running_config_no_name(void **state)
{
	struct cp_profile p;

	(void)state;
	expect_err(cp_profile_load(fixture("running-config.xml"), NULL, &p, err, sizeof err),
		   "5 decryption profiles, choose one with --profile-name: ", "Corp (vsys1)");
	expect_err(-1, "Legacy Apps (vsys1)", "Strict (shared)");
	expect_err(-1, "Lab (device-group DG1)", "Corp (device-group DG1)");
}

static void test_running_config_ambiguous(void **state)
{
	struct cp_profile p;

	(void)state;
	expect_err(cp_profile_load(fixture("running-config.xml"), "Corp", &p, err, sizeof err),
		   "2 decryption profiles named 'Corp': Corp (vsys1), Corp (device-group DG1)",
		   "vsys1/Corp");
}

static void test_running_config_missing(void **state)
{
	struct cp_profile p;

	(void)state;
	expect_err(cp_profile_load(fixture("running-config.xml"), "Nope", &p, err, sizeof err),
		   "no decryption profile named 'Nope'; found: ", "Strict (shared)");
	expect_err(cp_profile_load(fixture("running-config.xml"), "DG2/Lab", &p, err, sizeof err),
		   "no decryption profile named 'DG2/Lab'", "Lab (device-group DG1)");
	expect_err(cp_profile_load(fixture("set-quoted.txt"), NULL, &p, err, sizeof err),
		   "2 decryption profiles", "My Profile (device-group Branch Offices)");
	expect_err(cp_profile_load(fixture("scm-list.json"), NULL, &p, err, sizeof err),
		   "2 decryption profiles", "SCM-A, SCM-B");
}

static void test_list(void **state)
{
	static const struct {
		const char *name;
		enum cp_profile_loc loc;
		const char *scope;
	} rc[] = {
		{ "Corp", CP_LOC_VSYS, "vsys1" },       { "Legacy Apps", CP_LOC_VSYS, "vsys1" },
		{ "Strict", CP_LOC_SHARED, "" },        { "Lab", CP_LOC_DEVICE_GROUP, "DG1" },
		{ "Corp", CP_LOC_DEVICE_GROUP, "DG1" },
	};
	struct cp_profile_ref *refs;
	size_t n;

	(void)state;
	assert_int_equal(cp_profile_list(fixture("running-config.xml"), &refs, &n, err, sizeof err),
			 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(refs[i].name, rc[i].name);
		assert_int_equal(refs[i].loc, rc[i].loc);
		assert_string_equal(refs[i].scope, rc[i].scope);
		assert_true(refs[i].line > 10);
	}
	free(refs);
	assert_int_equal(cp_profile_list(fixture("set-vsys.txt"), &refs, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(refs[0].line, 5);
	assert_string_equal(refs[1].scope, "vsys2");
	assert_int_equal(refs[1].line, 11);
	free(refs);
	expect_err(cp_profile_list(fixture("api-code7.xml"), &refs, &n, err, sizeof err),
		   "profile not found", NULL);
	assert_null(refs);
	assert_int_equal(n, 0);
}

static void test_set_prefix(void **state)
{
	struct cp_profile p;
	char buf[256];

	(void)state;
	load_ok("running-config.xml", "vsys1/Corp", &p);
	cp_profile_set_prefix(&p, buf, sizeof buf);
	assert_string_equal(buf, "set profiles decryption Corp");
	load_ok("set-vsys.txt", "Branch", &p);
	cp_profile_set_prefix(&p, buf, sizeof buf);
	assert_string_equal(buf, "set vsys vsys2 profiles decryption Branch");
	load_ok("running-config.xml", "Strict", &p);
	cp_profile_set_prefix(&p, buf, sizeof buf);
	assert_string_equal(buf, "set shared profiles decryption Strict");
	load_ok("set-quoted.txt", "Branch Offices/My Profile", &p);
	assert_int_equal(
		cp_profile_set_prefix(&p, buf, sizeof buf),
		strlen("set device-group \"Branch Offices\" profiles decryption \"My Profile\""));
	assert_string_equal(
		buf, "set device-group \"Branch Offices\" profiles decryption \"My Profile\"");
	/* truncation keeps the buffer terminated and reports the need */
	assert_true(cp_profile_set_prefix(&p, buf, 10) > 10);
	assert_int_equal(strlen(buf), 9);
}

static void test_effective_flags(void **state)
{
	struct cp_profile p;
	uint32_t grey = bit("enc-algo-3des") | bit("enc-algo-rc4") | bit("auth-algo-md5");

	(void)state;
	load_ok("running-config.xml", "Legacy Apps", &p); /* min tls1-0, md5 + 3des on */
	assert_int_equal(cp_profile_effective_flags(&p), p.flags);
	p.min_version = 0x0303; /* PANOS.md: greyed out */
	assert_int_equal(cp_profile_effective_flags(&p), p.flags & ~grey);
	p.min_version = 0x0302;
	assert_int_equal(cp_profile_effective_flags(&p), p.flags);
}

/* ---- errors, each with its own words ---- */

struct bad {
	const char *file, *select;
	const char *a, *b;
};

static const struct bad bads[] = {
	{ "bad-chacha.xml", NULL,
	  "bad-chacha.xml:4: unknown element 'enc-algo-aes-chacha20-poly1305'",
	  "decryption profiles spell it enc-algo-chacha20-poly1305" },
	{ "bad-bool.xml", NULL, "bad-bool.xml:2: bad value 'false' for auth-algo-sha1",
	  "expected yes or no" },
	{ "bad-version.xml", NULL, "bad-version.xml:2: bad value 'tls1-4' for max-version",
	  "tls1-3 or max" },
	{ "min-above-max.xml", NULL, "min-version tls1-3 is above max-version tls1-2",
	  "'Backwards'" },
	{ "malformed.xml", NULL, "malformed.xml:4: malformed XML", "ssl-protocol-setting" },
	{ "xxe.xml", NULL, "DOCTYPE", "XXE" },
	{ "empty.txt", NULL, "empty.txt: empty file", NULL },
	{ "blank.txt", NULL, "blank.txt: empty file", NULL },
	{ "bad-set.txt", NULL, "bad-set.txt:2: malformed set command",
	  "no value after 'auth-algo-sha1'" },
	{ "bad-set-quote.txt", NULL, "bad-set-quote.txt:1: malformed set command",
	  "unterminated quote" },
	{ "bad-json-type.json", NULL, "JSON type error",
	  "ssl_protocol_settings.auth_algo_sha1 must be true or false, not a string" },
	{ "bad-json-syntax.json", NULL, "bad-json-syntax.json:2: malformed JSON", NULL },
	{ "unknown-fwd.xml", NULL, "unknown-fwd.xml:3: unknown element 'block-everything'",
	  "in ssl-forward-proxy" },
	{ "not-a-profile.xml", NULL, "<html> is not a decryption profile", NULL },
	{ "api-code7.xml", NULL, "profile not found", "code 7" },
	{ "api-error.xml", NULL, "API answered with an error (code 403)", "Invalid credentials." },
	{ "scm-list.json", "SCM-C", "no decryption profile named 'SCM-C'", "SCM-A, SCM-B" },
};

static void test_bad_files(void **state)
{
	struct cp_profile p;

	(void)state;
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
		int rc =
			cp_profile_load(fixture(bads[i].file), bads[i].select, &p, err, sizeof err);

		if (rc == 0)
			fail_msg("%s loaded", bads[i].file);
		expect_err(rc, bads[i].a, bads[i].b);
	}
}

static void test_missing_file(void **state)
{
	struct cp_profile p;
	struct cp_profile_ref *refs;
	size_t n;

	(void)state;
	expect_err(cp_profile_load(fixture("no-such-file.xml"), NULL, &p, err, sizeof err),
		   "no-such-file.xml: cannot open: ", strerror(ENOENT));
	expect_err(cp_profile_list(fixture("no-such-file.xml"), &refs, &n, err, sizeof err),
		   "cannot open", strerror(ENOENT));
	expect_err(cp_profile_load(fixture(""), NULL, &p, err, sizeof err), "cannot read",
		   strerror(EISDIR));
}

struct bad_mem {
	const char *text, *select;
	const char *a, *b;
};

static const struct bad_mem bad_mems[] = {
	/* JSON */
	{ "{\"ssl_protocol_settings\": {\"enc_algo_aes_chacha20_poly1305\": true}}", NULL,
	  "unknown element 'enc_algo_aes_chacha20_poly1305'",
	  "spell it enc_algo_chacha20_poly1305" },
	{ "{\"ssl_protocol_settings\": {\"min_version\": 12}}", NULL,
	  "JSON type error: ssl_protocol_settings.min_version must be a string", "an integer" },
	{ "{\"ssl_protocol_settings\": {\"max_version\": \"tls13\"}}", NULL,
	  "bad value 'tls13' for max_version", NULL },
	{ "{\"ssl_forward_proxy\": [true]}", NULL,
	  "JSON type error: ssl_forward_proxy must be an object, not an array", NULL },
	{ "{\"ssl_forward_proxy\": {\"block_expired_certificate\": 1}}", NULL,
	  "ssl_forward_proxy.block_expired_certificate must be true or false", NULL },
	{ "{\"ssl_forward_proxy\": {\"block_all\": true}}", NULL,
	  "unknown element 'block_all' in ssl_forward_proxy", NULL },
	{ "{\"data\": 3}", NULL, "JSON type error: data must be an array", NULL },
	{ "{\"data\": [{\"name\": 5}]}", NULL, "JSON type error: data[0].name must be a string",
	  NULL },
	{ "{\"a\": 1, \"a\": 2}", NULL, "malformed JSON", "duplicate" },
	{ "[]", NULL, "no decryption profile found", NULL },
	/* set commands */
	{ "set profiles decryption A ssl-protocol-settings min-version max\n", NULL,
	  "mem:1: bad value 'max' for min-version", NULL },
	{ "set profiles decryption A ssl-protocol-settings max-version sslv3\n", NULL,
	  "mem:1: bad value 'sslv3' for max-version", NULL },
	{ "set profiles decryption A ssl-protocol-settings enc-algo-aes-chacha20-poly1305 no\n",
	  NULL, "mem:1: unknown element", "spell it enc-algo-chacha20-poly1305" },
	{ "\n\nset profiles decryption A ssl-bogus x y\n", NULL,
	  "mem:3: unknown element 'ssl-bogus' in decryption profile 'A'", NULL },
	{ "set profiles decryption A min-version tls1-2\n", NULL,
	  "mem:1: malformed set command: 'min-version' belongs under ssl-protocol-settings", NULL },
	{ "set profiles decryption A ssl-protocol-settings auth-algo-sha1 no extra\n", NULL,
	  "mem:1: malformed set command: unexpected 'extra'", NULL },
	{ "set profiles decryption A ssl-protocol-settings auth-algo-sha1 maybe\n", NULL,
	  "mem:1: bad value 'maybe' for auth-algo-sha1", NULL },
	{ "set profiles decryption\n", NULL, "mem:1: malformed set command: no profile name",
	  NULL },
	{ "delete profiles decryption A ssl-protocol-settings auth-algo-sha1\n", NULL,
	  "mem:1: 'delete' on a decryption profile: only set commands", NULL },
	{ "set template T config profiles decryption A\n", NULL,
	  "mem:1: malformed set command: expected 'set [shared", NULL },
	{ "set address a ip-netmask 10.0.0.1\nset profiles virus V\n", NULL,
	  "no decryption profile found", NULL },
	{ "set profiles decryption \"A\"B ssl-protocol-settings auth-algo-sha1 no\n", NULL,
	  "mem:1: malformed set command: text right after a closing quote", NULL },
	{ "set profiles decryption A ssl-protocol-settings min-version tls1-3\n", NULL,
	  "profile 'A': min-version tls1-3 is above max-version tls1-2", NULL },
	/* XML */
	{ "<entry name=\"A\"><min-version>tls1-2</min-version></entry>", NULL,
	  "mem:1: 'min-version' belongs inside <ssl-protocol-settings>", NULL },
	{ "<entry name=\"A\">\n<ssl-bogus/></entry>", NULL,
	  "mem:2: unknown element 'ssl-bogus' in decryption profile 'A'", NULL },
	{ "<entry><ssl-protocol-settings/></entry>", NULL, "mem:1: <entry> without a name", NULL },
	{ "<ssl-protocol-settings><auth-algo-sha1><yes/></auth-algo-sha1></ssl-protocol-settings>",
	  NULL, "bad value for auth-algo-sha1: expected text", NULL },
	{ "<ssl-protocol-settings><min-version>max</min-version></ssl-protocol-settings>", NULL,
	  "bad value 'max' for min-version", NULL },
	{ "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n"
	  "<ssl-protocol-settings><min-version>&b;</min-version></ssl-protocol-settings>",
	  NULL, "DOCTYPE", NULL },
	{ "<response status=\"success\" code=\"19\"><result total-count=\"0\" count=\"0\"/></response>",
	  NULL, "profile not found", "empty result" },
	{ "<response status=\"unauth\"/>", NULL, "API reply with status 'unauth'", NULL },
	{ "<response status=\"error\"><msg>Session timed out</msg></response>", NULL,
	  "API answered with an error: Session timed out", NULL },
	{ "<config><shared/></config>", NULL, "no decryption profile found", NULL },
	{ "<entry name=\"A\">", NULL, "mem:1: malformed XML", NULL },
	/* names PAN-OS would not accept (issue 12), refused with the place */
	{ "<entry name=\"Corp&#10;  delete rulebase security rules\"><ssl-protocol-settings/></entry>",
	  NULL,
	  "mem:1: profile name 'Corp\n  delete rulebase security rules' has byte 0x0A at offset 4",
	  NULL },
	{ "set profiles decryption Fran\xe7"
	  "ais ssl-protocol-settings auth-algo-sha1 no\n",
	  NULL,
	  "mem:1: profile name 'Fran\xe7"
	  "ais' has byte 0xE7 at offset 4",
	  NULL },
	{ "set vsys \"v 1\\\" profiles decryption A ssl-protocol-settings auth-algo-sha1 no\n",
	  NULL, "mem:1: vsys name", NULL },
	{ "{\"name\": \"Corp\\u001b[31m\"}", NULL,
	  "mem: the document.name: profile name 'Corp\x1b[31m' has byte 0x1B", NULL },
	{ "{\"name\": \"A\\u0000B\"}", NULL, "is not allowed without JSON_ALLOW_NUL", NULL },
	{ "{\"name\": \"_A\"}", NULL, "has byte 0x5F at offset 0", NULL },
};

/* The PAN-OS name rule (profile.h), edge by edge. */
static void test_name_rule(void **state)
{
	char why[192], max[CP_PANOS_NAME_MAX + 2];

	(void)state;
	assert_true(cp_panos_name_ok("Corp", why, sizeof why));
	assert_true(cp_panos_name_ok("My Profile-2_v1.0", why, sizeof why));
	assert_true(cp_panos_name_ok("9lives", NULL, 0));
	memset(max, 'A', CP_PANOS_NAME_MAX);
	max[CP_PANOS_NAME_MAX] = '\0';
	assert_true(cp_panos_name_ok(max, why, sizeof why));
	max[CP_PANOS_NAME_MAX] = 'A';
	max[CP_PANOS_NAME_MAX + 1] = '\0';
	assert_false(cp_panos_name_ok(max, why, sizeof why));
	assert_non_null(strstr(why, "64 characters"));
	assert_false(cp_panos_name_ok("", why, sizeof why));
	assert_false(cp_panos_name_ok(" lead", NULL, 0));
	assert_false(cp_panos_name_ok("-lead", NULL, 0));
	static const char *const bad[] = { "a\"b", "a\\b",  "a\tb",      "a\nb",
					   "a\rb", "a\x7f", "a\xc3\xa9", "a\xe2\x80\xae",
					   "a<b",  "a'b",   "a;b",       "a|b",
					   "a$b" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(cp_panos_name_ok(bad[i], why, sizeof why));
}

static void test_bad_mem(void **state)
{
	struct cp_profile p;

	(void)state;
	for (size_t i = 0; i < sizeof bad_mems / sizeof bad_mems[0]; i++) {
		const struct bad_mem *b = &bad_mems[i];
		int rc = cp_profile_load_mem(b->text, strlen(b->text), "mem", b->select, &p, err,
					     sizeof err);

		if (rc == 0)
			fail_msg("case %zu loaded: %s", i, b->text);
		expect_err(rc, b->a, b->b);
	}
}

/* A NUL byte in a set file, and a load that fails leaves *out alone. */
static void test_nul_and_untouched(void **state)
{
	static const char text[] = "set profiles decryption A\0 ssl-protocol-settings\n";
	struct cp_profile p, before;

	(void)state;
	memset(&p, 0x5A, sizeof p);
	before = p;
	expect_err(cp_profile_load_mem(text, sizeof text - 1, "mem", NULL, &p, err, sizeof err),
		   "mem:1: NUL byte", NULL);
	assert_memory_equal(&p, &before, sizeof p);
	/* a tiny error buffer is still terminated */
	char small[8];

	assert_int_equal(
		cp_profile_load_mem("<x/>", 4, "a-long-label", NULL, &p, small, sizeof small), -1);
	assert_int_equal(strlen(small), sizeof small - 1);
	assert_int_equal(cp_profile_load_mem("<x/>", 4, "mem", NULL, &p, NULL, 0), -1);
}

/* Elements left out take PANOS.md's defaults: one element changes one bit. */
static void test_defaults_filled(void **state)
{
	(void)state;
	for (unsigned b = 0; b < CP_PANOS_NFLAGS; b++) {
		const char *name = cp_panos_flag_name(b);
		bool dflt = (panos_md_defaults() >> b) & 1;
		char text[256];
		struct cp_profile p;

		snprintf(text, sizeof text,
			 "<ssl-protocol-settings><%s>%s</%s></ssl-protocol-settings>", name,
			 dflt ? "no" : "yes", name);
		assert_int_equal(
			cp_profile_load_mem(text, strlen(text), "mem", NULL, &p, err, sizeof err),
			0);
		assert_int_equal(p.flags, panos_md_defaults() ^ (1u << b));
		assert_int_equal(p.min_version, 0x0301);
		assert_int_equal(p.max_version, 0x0303);
		assert_int_equal(p.fwd, 0);
	}
}

/* ---- the command, in process ---- */

struct run {
	int rc;
	char out[65536];
	char errout[8192];
};

static void slurp(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
}

/* Runs cmd_profile with the NULL-terminated arguments, capturing output. */
__attribute__((sentinel)) static void run_cmd(struct run *r, ...)
{
	char *argv[16];
	va_list ap;
	FILE *o = tmpfile(), *e = tmpfile();
	int so, se, argc = 0;
	char *a;

	assert_non_null(o);
	assert_non_null(e);
	va_start(ap, r);
	while ((a = va_arg(ap, char *)) != NULL && argc < 15)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(fileno(o), 1);
	dup2(fileno(e), 2);
	r->rc = cmd_profile(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	slurp(o, r->out, sizeof r->out);
	slurp(e, r->errout, sizeof r->errout);
	fclose(o);
	fclose(e);
}

static char *fx(const char *name)
{
	return (char *)fixture(name);
}

static void test_cmd_show_text(void **state)
{
	static struct run r;

	(void)state;
	run_cmd(&r, "profile", "show", "panos-recommended", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "auth-algo-sha1"));
	assert_non_null(strstr(r.out, "(default yes)"));
	assert_non_null(strstr(r.out, "0x1301  TLS_AES_128_GCM_SHA256"));
	assert_non_null(strstr(r.out, "0xC02F  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
	assert_null(strstr(r.out, "0xC013")); /* SHA1 off */
	assert_null(strstr(r.out, "0x009C")); /* RSA key exchange off */
	assert_non_null(strstr(r.out, "stripped by PAN-OS    X25519MLKEM768"));
	assert_non_null(strstr(r.out, "TLSv1.2, TLSv1.3"));

	run_cmd(&r, "profile", "show", fx("running-config.xml"), "--profile-name=Legacy Apps",
		NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Legacy Apps (vsys1)"));
	assert_null(strstr(r.out, "TLS_AES_128_GCM_SHA256")); /* max tls1-2 */

	/* Strict is TLS 1.3 only: Firefox shares just that */
	run_cmd(&r, "profile", "show", fx("running-config.xml"), "--profile-name", "Strict",
		"--client=firefox", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Firefox"));
	assert_non_null(strstr(r.out, "versions              TLSv1.3\n"));

	/* a profile capped at TLS 1.1 shares no version with Chrome */
	run_cmd(&r, "profile", "show", fx("old-only.xml"), NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "no common version: the profile allows tls1-0 to tls1-1"));
	assert_non_null(strstr(r.out, "passes undecrypted"));
}

static void test_cmd_show_json(void **state)
{
	static struct run r;
	json_error_t je;
	json_t *doc, *ciphers;
	size_t i;
	json_t *c;
	bool saw_3des = false;

	(void)state;
	run_cmd(&r, "profile", "show", fx("running-config.xml"), "--profile-name", "Legacy Apps",
		"--json", NULL);
	assert_int_equal(r.rc, 0);
	run_cmd(&r, "profile", "show", "panos-default", "--client", "any", NULL);
	assert_int_equal(r.rc, 0);
	run_cmd(&r, "profile", "show", "panos-default", "--client", "safari", "--json", NULL);
	assert_int_equal(r.rc, 0);
	doc = json_loads(r.out, 0, &je);
	if (doc == NULL)
		fail_msg("not JSON: %s", je.text);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(doc, "client"), "name")),
		"safari");
	ciphers = json_object_get(json_object_get(doc, "offer"), "ciphers");
	assert_true(json_array_size(ciphers) > 0);
	json_array_foreach(ciphers, i, c) if (strcmp(json_string_value(json_object_get(c, "id")),
						     "0x000A") == 0) saw_3des = true;
	assert_true(saw_3des); /* default profile: min tls1-0, 3DES on */
	assert_true(json_is_true(
		json_object_get(json_array_get(json_object_get(json_object_get(doc, "profile"),
							       "ssl_protocol_settings"),
					       0),
				"is_default")));
	json_decref(doc);
}

static void test_cmd_list(void **state)
{
	static struct run r;

	(void)state;
	run_cmd(&r, "profile", "list", fx("running-config.xml"), NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "device-group DG1"));
	assert_non_null(strstr(r.out, "Legacy Apps"));
	run_cmd(&r, "profile", "list", fx("set-quoted.txt"), "--json", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\"scope\": \"Branch Offices\""));
}

static void test_cmd_exit_codes(void **state)
{
	static struct run r;

	(void)state;
	run_cmd(&r, "profile", "--help", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "usage: cipherprobe profile show"));
	run_cmd(&r, "profile", NULL);
	assert_int_equal(r.rc, 64);
	run_cmd(&r, "profile", "show", NULL);
	assert_int_equal(r.rc, 64);
	run_cmd(&r, "profile", "frob", "x", NULL);
	assert_int_equal(r.rc, 64);
	run_cmd(&r, "profile", "show", "panos-default", "--bogus", NULL);
	assert_int_equal(r.rc, 64);
	run_cmd(&r, "profile", "show", "panos-default", "--client", "lynx", NULL);
	assert_int_equal(r.rc, 64);
	assert_non_null(strstr(r.errout, "chrome, firefox, safari, any"));
	run_cmd(&r, "profile", "show", "panos-default", "--profile-name", NULL);
	assert_int_equal(r.rc, 64);
	run_cmd(&r, "profile", "list", fx("bare.xml"), "--client", "chrome", NULL);
	assert_int_equal(r.rc, 64);
	run_cmd(&r, "profile", "show", fx("no-such-file.xml"), NULL);
	assert_int_equal(r.rc, 66);
	assert_non_null(strstr(r.errout, strerror(ENOENT)));
	run_cmd(&r, "profile", "list", fx("no-such-file.xml"), NULL);
	assert_int_equal(r.rc, 66);
	run_cmd(&r, "profile", "show", fx("bad-chacha.xml"), NULL);
	assert_int_equal(r.rc, 65);
	assert_non_null(strstr(r.errout, "enc-algo-chacha20-poly1305"));
	run_cmd(&r, "profile", "show", fx("running-config.xml"), NULL);
	assert_int_equal(r.rc, 65);
	assert_non_null(strstr(r.errout, "choose one with --profile-name"));
	run_cmd(&r, "profile", "show", "builtin:nope", NULL);
	assert_int_equal(r.rc, 65);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_default),
		cmocka_unit_test(test_name_rule),
		cmocka_unit_test(test_builtin_recommended),
		cmocka_unit_test(test_builtin_unknown),
		cmocka_unit_test(test_version_tokens),
		cmocka_unit_test(test_fwd_names),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_running_config_no_name),
		cmocka_unit_test(test_running_config_ambiguous),
		cmocka_unit_test(test_running_config_missing),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_set_prefix),
		cmocka_unit_test(test_effective_flags),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_bad_mem),
		cmocka_unit_test(test_nul_and_untouched),
		cmocka_unit_test(test_defaults_filled),
		cmocka_unit_test(test_cmd_show_text),
		cmocka_unit_test(test_cmd_show_json),
		cmocka_unit_test(test_cmd_list),
		cmocka_unit_test(test_cmd_exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
