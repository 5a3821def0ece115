/* SPDX-License-Identifier: MIT */
/*
 * The forward proxy's hello (cp_proxy_offer) and the client models.
 *
 * Expected offers are computed here from PANOS.md's rules applied to the
 * registry's suite attributes (kx, au, enc, bits, mode, mac, versions):
 * which suites PAN-OS decrypts, which three flags each needs (kx + enc +
 * the hash at the end of its name; TLS 1.3: enc + hash), that min-version
 * tls1-2 greys out 3DES, RC4 and MD5, and that post-quantum hybrids are
 * stripped.  None of it is read back from offer.c or panos-suites.tsv; the
 * first test checks the registry's PAN-OS column against the same rules.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/offer.h"
#include "policy/profile.h"
#include "registry.h"

static uint32_t flag(const char *element)
{
	uint32_t b = cp_panos_flag_parse(element);

	if (b == 0)
		fail_msg("unknown flag %s", element);
	return b;
}

/* PANOS.md "Suites PAN-OS decrypts", as a rule over suite attributes. */
static bool md_decryptable(const struct cp_suite *s)
{
	bool tls13 = s->id == 0x1301 || s->id == 0x1302 || s->id == 0x1303;
	bool rsa = s->kx == CP_KX_RSA && s->au == CP_AU_RSA;
	bool dhe = s->kx == CP_KX_DHE && s->au == CP_AU_RSA;
	bool ecdhe = s->kx == CP_KX_ECDHE && (s->au == CP_AU_RSA || s->au == CP_AU_ECDSA);
	bool aes = s->enc == CP_ENC_AES && (s->enc_bits == 128 || s->enc_bits == 256) &&
		   (s->mode == CP_MODE_GCM ||
		    (s->mode == CP_MODE_CBC && (s->mac == CP_MAC_SHA1 || s->mac == CP_MAC_SHA256 ||
						s->mac == CP_MAC_SHA384)));

	if (tls13)
		return true;
	if (!(rsa || dhe || ecdhe))
		return false;
	if (aes)
		return true;
	if (s->enc == CP_ENC_3DES)
		/* not confirmed publicly: ECDHE-ECDSA 3DES (left out) */
		return !(ecdhe && s->au == CP_AU_ECDSA);
	if (s->enc == CP_ENC_RC4)
		/* not confirmed publicly: ECDHE RC4 */
		return !ecdhe && s->enc_bits == 128;
	if (s->enc == CP_ENC_CHACHA20_POLY1305)
		/* "ECDHE ChaCha20-Poly1305"; DHE ChaCha20 not confirmed */
		return ecdhe;
	return false;
}

/* PANOS.md's three flags (two for TLS 1.3) for a decryptable suite. */
static uint32_t md_flags(const struct cp_suite *s)
{
	uint32_t f = 0;

	switch (s->kx) {
	case CP_KX_RSA: f |= flag("keyxchg-algo-rsa"); break;
	case CP_KX_DHE: f |= flag("keyxchg-algo-dhe"); break;
	case CP_KX_ECDHE: f |= flag("keyxchg-algo-ecdhe"); break;
	default: break; /* TLS 1.3: no key-exchange flag (inferred in PANOS.md) */
	}
	if (s->enc == CP_ENC_3DES)
		f |= flag("enc-algo-3des");
	else if (s->enc == CP_ENC_RC4)
		f |= flag("enc-algo-rc4");
	else if (s->enc == CP_ENC_CHACHA20_POLY1305)
		f |= flag("enc-algo-chacha20-poly1305");
	else if (s->mode == CP_MODE_GCM)
		f |= flag(s->enc_bits == 128 ? "enc-algo-aes-128-gcm" : "enc-algo-aes-256-gcm");
	else
		f |= flag(s->enc_bits == 128 ? "enc-algo-aes-128-cbc" : "enc-algo-aes-256-cbc");
	/* "auth" is the hash the name ends in (AEAD: the PRF hash) */
	switch (s->mac) {
	case CP_MAC_MD5: f |= flag("auth-algo-md5"); break;
	case CP_MAC_SHA1: f |= flag("auth-algo-sha1"); break;
	case CP_MAC_SHA256: f |= flag("auth-algo-sha256"); break;
	case CP_MAC_SHA384: f |= flag("auth-algo-sha384"); break;
	default: fail_msg("suite %s has no PAN-OS auth hash", s->name);
	}
	return f;
}

static uint32_t md_effective(const struct cp_profile *p)
{
	uint32_t f = p->flags;

	if (p->min_version >= 0x0303)
		f &= ~(flag("enc-algo-3des") | flag("enc-algo-rc4") | flag("auth-algo-md5"));
	return f;
}

static unsigned md_versions(uint16_t lo, uint16_t hi)
{
	static const struct {
		uint16_t wire;
		unsigned bit;
	} v[] = {
		{ 0x0300, CP_VER_SSL3 },  { 0x0301, CP_VER_TLS10 }, { 0x0302, CP_VER_TLS11 },
		{ 0x0303, CP_VER_TLS12 }, { 0x0304, CP_VER_TLS13 },
	};
	unsigned m = 0;

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i].wire >= lo && v[i].wire <= hi)
			m |= v[i].bit;
	return m;
}

static bool md_group_stripped(uint16_t id)
{
	const struct cp_group *g = cp_group_by_id(id);

	/* PANOS.md: PAN-OS 11.1+ strips post-quantum hybrids "and kin" */
	return g != NULL && (g->kind == CP_GROUP_HYBRID || g->kind == CP_GROUP_KEM);
}

/* The offer PANOS.md predicts, computed independently of offer.c. */
static int md_offer(const struct cp_profile *p, const struct cp_client *c, struct cp_offer *o)
{
	uint16_t lo = p->min_version > c->min_version ? p->min_version : c->min_version;
	uint16_t hi = p->max_version < c->max_version ? p->max_version : c->max_version;
	uint32_t eff = md_effective(p);
	unsigned vers;

	memset(o, 0, sizeof *o);
	if (lo > hi)
		return -1;
	o->min_version = lo;
	o->max_version = hi;
	vers = md_versions(lo, hi);
	for (size_t i = 0; i < c->nsuites; i++) {
		const struct cp_suite *s = cp_suite_by_id(c->suites[i]);

		if (s == NULL || !md_decryptable(s) || (md_flags(s) & ~eff) != 0 ||
		    (s->versions & vers) == 0)
			continue;
		o->suites[o->nsuites++] = s->id;
	}
	for (size_t i = 0; i < c->ngroups; i++)
		if (!md_group_stripped(c->groups[i]))
			o->groups[o->ngroups++] = c->groups[i];
	for (size_t i = 0; i < c->nsigalgs; i++)
		o->sigalgs[o->nsigalgs++] = c->sigalgs[i];
	return 0;
}

static bool has(const uint16_t *v, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static void assert_same_offer(const struct cp_offer *got, const struct cp_offer *want,
			      const char *what)
{
	if (got->nsuites != want->nsuites ||
	    memcmp(got->suites, want->suites, got->nsuites * sizeof got->suites[0]) != 0) {
		char g[1024] = "", w[1024] = "";
		size_t gl = 0, wl = 0;

		for (size_t i = 0; i < got->nsuites && gl < sizeof g - 8; i++)
			gl += (size_t)snprintf(g + gl, sizeof g - gl, " %04X", got->suites[i]);
		for (size_t i = 0; i < want->nsuites && wl < sizeof w - 8; i++)
			wl += (size_t)snprintf(w + wl, sizeof w - wl, " %04X", want->suites[i]);
		fail_msg("%s: suites\n got %s\nwant %s", what, g, w);
	}
	assert_int_equal(got->min_version, want->min_version);
	assert_int_equal(got->max_version, want->max_version);
	assert_int_equal(got->ngroups, want->ngroups);
	assert_memory_equal(got->groups, want->groups, got->ngroups * sizeof got->groups[0]);
	assert_int_equal(got->nsigalgs, want->nsigalgs);
	assert_memory_equal(got->sigalgs, want->sigalgs, got->nsigalgs * sizeof got->sigalgs[0]);
}

/* ---- profiles for the table ---- */

static struct cp_profile builtin(const char *name)
{
	struct cp_profile p;

	if (cp_profile_builtin(name, &p) != 0)
		fail_msg("no built-in %s", name);
	return p;
}

static struct cp_profile only_aes128gcm(void)
{
	struct cp_profile p = builtin("panos-default");
	static const char *const enc_off[] = {
		"enc-algo-3des",        "enc-algo-rc4",         "enc-algo-aes-128-cbc",
		"enc-algo-aes-256-cbc", "enc-algo-aes-256-gcm", "enc-algo-chacha20-poly1305",
	};

	for (size_t i = 0; i < sizeof enc_off / sizeof enc_off[0]; i++)
		p.flags &= ~flag(enc_off[i]);
	p.max_version = 0x0304;
	p.max_is_max = true;
	return p;
}

static struct cp_profile tls13_only(void)
{
	struct cp_profile p = builtin("panos-default");

	p.min_version = 0x0304;
	p.max_version = 0x0304;
	p.max_is_max = true;
	return p;
}

static struct cp_profile default_min12(void)
{
	struct cp_profile p = builtin("panos-default");

	p.min_version = 0x0303;
	return p;
}

static struct cp_profile no_sha256_max(void)
{
	struct cp_profile p = builtin("panos-default");

	p.flags &= ~flag("auth-algo-sha256");
	p.max_version = 0x0304;
	return p;
}

static struct cp_profile recommended(void)
{
	return builtin("panos-recommended");
}
static struct cp_profile panos_default(void)
{
	return builtin("panos-default");
}

struct ocase {
	const char *client;
	struct cp_profile (*profile)(void);
	const char *what;
	uint16_t must[6];     /* extra, hand-read facts: in the offer */
	uint16_t must_not[6]; /* ... and not in it */
	size_t nsuites;       /* 0: not checked */
};

static const struct ocase ocases[] = {
	{ "chrome",
	  recommended,
	  "chrome x panos-recommended",
	  { 0x1301, 0x1302, 0x1303, 0xC02B, 0xC030 },
	  { 0xC013, 0xC014, 0x009C, 0x002F },
	  9 },
	{ "chrome",
	  panos_default,
	  "chrome x panos-default (max tls1-2: no TLS 1.3)",
	  { 0xC013, 0x002F, 0x009C, 0xCCA8 },
	  { 0x1301, 0x1302, 0x1303 },
	  12 },
	{ "any",
	  only_aes128gcm,
	  "any x only enc-algo-aes-128-gcm",
	  { 0x1301, 0x009C, 0x009E, 0xC02B, 0xC02F },
	  { 0x1302, 0x1303, 0xC030, 0x002F },
	  5 },
	{ "firefox",
	  tls13_only,
	  "firefox x TLS 1.3 only",
	  { 0x1301, 0x1303, 0x1302 },
	  { 0xC02B, 0xC009 },
	  3 },
	{ "safari",
	  panos_default,
	  "safari x panos-default (3DES on, min tls1-0)",
	  { 0xC012, 0x000A, 0xC009 },
	  { 0xC008, 0x1301 },
	  0 },
	{ "safari",
	  default_min12,
	  "safari x min tls1-2 (3DES greyed out)",
	  { 0xC02C, 0x002F },
	  { 0xC012, 0x000A, 0xC008 },
	  0 },
	{ "any",
	  panos_default,
	  "any x panos-default (MD5 off by default)",
	  { 0x0005, 0x000A, 0x0016, 0xC012, 0x0067 },
	  { 0x0004, 0x1301 },
	  0 },
	{ "chrome",
	  no_sha256_max,
	  "chrome x auth-algo-sha256 off, max tls1-3",
	  { 0x1302, 0xC02C, 0xC030, 0xC013 },
	  { 0x1301, 0x1303, 0xC02B, 0xCCA9 },
	  0 },
	{ "firefox",
	  recommended,
	  "firefox x panos-recommended",
	  { 0x1301, 0xCCA9 },
	  { 0xC00A, 0xC009, 0x0035 },
	  0 },
};

static void test_offers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof ocases / sizeof ocases[0]; i++) {
		const struct ocase *t = &ocases[i];
		const struct cp_client *c = cp_client_find(t->client);
		struct cp_profile p = t->profile();
		struct cp_offer got, want;

		assert_non_null(c);
		assert_int_equal(cp_proxy_offer(&p, c, &got), 0);
		assert_int_equal(md_offer(&p, c, &want), 0);
		assert_same_offer(&got, &want, t->what);
		for (size_t k = 0; k < 6 && t->must[k]; k++)
			if (!has(got.suites, got.nsuites, t->must[k]))
				fail_msg("%s: 0x%04X missing", t->what, t->must[k]);
		for (size_t k = 0; k < 6 && t->must_not[k]; k++)
			if (has(got.suites, got.nsuites, t->must_not[k]))
				fail_msg("%s: 0x%04X offered", t->what, t->must_not[k]);
		if (t->nsuites != 0 && got.nsuites != t->nsuites)
			fail_msg("%s: %zu suites, want %zu", t->what, got.nsuites, t->nsuites);
	}
}

/* Every client against every built-in and a few edge profiles. */
static void test_offers_all_pairs(void **state)
{
	struct cp_profile (*const profiles[])(void) = {
		recommended, panos_default, only_aes128gcm,
		tls13_only,  default_min12, no_sha256_max,
	};

	(void)state;
	for (size_t i = 0; cp_clients[i] != NULL; i++)
		for (size_t k = 0; k < sizeof profiles / sizeof profiles[0]; k++) {
			struct cp_profile p = profiles[k]();
			struct cp_offer got, want;
			char what[64];

			snprintf(what, sizeof what, "%s x profile %zu", cp_clients[i]->name, k);
			assert_int_equal(cp_proxy_offer(&p, cp_clients[i], &got),
					 md_offer(&p, cp_clients[i], &want));
			assert_same_offer(&got, &want, what);
		}
}

static void test_chrome_groups(void **state)
{
	static const uint16_t want[] = { 29, 23, 24 }; /* X25519MLKEM768 stripped */
	struct cp_profile p = recommended();
	struct cp_offer o;

	(void)state;
	assert_int_equal(cp_proxy_offer(&p, cp_client_find("chrome"), &o), 0);
	assert_int_equal(o.ngroups, 3);
	assert_memory_equal(o.groups, want, sizeof want);
	assert_int_equal(o.min_version, 0x0303);
	assert_int_equal(o.max_version, 0x0304);
}

static void test_no_common_version(void **state)
{
	static const uint16_t suites[] = { 0xC013, 0x002F };
	static const uint16_t groups[] = { 23 };
	static const uint16_t sigs[] = { 0x0401 };
	const struct cp_client old = {
		.name = "old",
		.label = "Old",
		.suites = suites,
		.nsuites = 2,
		.groups = groups,
		.ngroups = 1,
		.sigalgs = sigs,
		.nsigalgs = 1,
		.min_version = 0x0301,
		.max_version = 0x0302,
	};
	struct cp_profile p = recommended();
	struct cp_offer o;

	(void)state;
	memset(&o, 0xFF, sizeof o);
	assert_int_equal(cp_proxy_offer(&p, &old, &o), -1);
	assert_int_equal(o.nsuites, 0);
	assert_int_equal(o.ngroups, 0);
	/* the same client against the default profile shares TLS 1.0-1.1 */
	p = panos_default();
	assert_int_equal(cp_proxy_offer(&p, &old, &o), 0);
	assert_int_equal(o.max_version, 0x0302);
	assert_int_equal(o.nsuites, 2);
}

static void test_allows(void **state)
{
	struct cp_profile rec = recommended(), def = panos_default();

	(void)state;
	assert_true(cp_profile_allows(&rec, 0x1301, 0x0304));
	assert_false(cp_profile_allows(&rec, 0x1301, 0x0303)); /* TLS 1.3 suite at 1.2 */
	assert_false(cp_profile_allows(&rec, 0xC02F, 0x0304)); /* TLS 1.2 suite at 1.3 */
	assert_true(cp_profile_allows(&rec, 0xC02F, 0x0303));
	assert_false(cp_profile_allows(&rec, 0xC013, 0x0303)); /* auth-algo-sha1 off */
	assert_false(cp_profile_allows(&rec, 0xC02F, 0x0301)); /* below min-version */
	assert_true(cp_profile_allows(&rec, 0xC02F, 0));
	assert_false(cp_profile_allows(&def, 0x1301, 0));      /* max tls1-2 */
	assert_true(cp_profile_allows(&def, 0x000A, 0x0301));  /* 3DES at min tls1-0 */
	assert_false(cp_profile_allows(&def, 0x0004, 0x0301)); /* RC4-MD5: md5 off */
	assert_false(cp_profile_allows(&def, 0xC008, 0x0301)); /* PAN-OS cannot */
	assert_false(cp_profile_allows(&def, 0x00FF, 0x0303)); /* SCSV */
	assert_false(cp_profile_allows(&def, 0x0000, 0x0303));
	assert_false(cp_profile_allows(&def, 0xFFFF, 0x0303)); /* unassigned */
	assert_false(cp_profile_allows(NULL, 0xC02F, 0x0303));
	def.min_version = 0x0303; /* 3DES greyed out */
	assert_false(cp_profile_allows(&def, 0x000A, 0x0303));
	assert_false(cp_profile_allows(&def, 0x0005, 0x0303)); /* RC4 greyed out */
}

/* The registry's PAN-OS column obeys PANOS.md's rules, suite by suite. */
static void test_registry_matches_rules(void **state)
{
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < cp_suite_count(); i++) {
		const struct cp_suite *s = cp_suite_at(i);
		bool md = !s->scsv && md_decryptable(s);

		if (md != (s->panos != 0))
			fail_msg("%s: PANOS.md says %s", s->name,
				 md ? "decryptable" : "not decryptable");
		if (md && s->panos != md_flags(s))
			fail_msg("%s: flags 0x%X, PANOS.md gives 0x%X", s->name, s->panos,
				 md_flags(s));
		n += md;
	}
	assert_true(n > 30);
}

/* ---- the client models ---- */

static void test_chrome_is_panos_md(void **state)
{
	/* PANOS.md "The client side" and the brief: Chrome 136, in order */
	static const uint16_t suites[] = {
		0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9,
		0xCCA8, 0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035,
	};
	static const uint16_t groups[] = { 0x11EC, 29, 23, 24 };
	const struct cp_client *c = cp_client_find("chrome");

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->nsuites, sizeof suites / sizeof suites[0]);
	assert_memory_equal(c->suites, suites, sizeof suites);
	assert_int_equal(c->ngroups, 4);
	assert_memory_equal(c->groups, groups, sizeof groups);
	assert_int_equal(c->min_version, 0x0303);
	assert_int_equal(c->max_version, 0x0304);
	assert_string_equal(c->label, "Chrome 136");
	/* no DHE, no 3DES (PANOS.md) */
	for (size_t i = 0; i < c->nsuites; i++) {
		const struct cp_suite *s = cp_suite_by_id(c->suites[i]);

		assert_int_not_equal(s->kx, CP_KX_DHE);
		assert_int_not_equal(s->enc, CP_ENC_3DES);
	}
}

static void test_firefox_safari(void **state)
{
	const struct cp_client *f = cp_client_find("firefox"), *s = cp_client_find("safari");

	(void)state;
	assert_non_null(f);
	assert_non_null(s);
	/* PANOS.md: Firefox adds ECDHE-ECDSA CBC-SHA and FFDHE groups */
	assert_true(has(f->suites, f->nsuites, 0xC009));
	assert_true(has(f->suites, f->nsuites, 0xC00A));
	assert_true(has(f->groups, f->ngroups, 0x0100));
	assert_false(has(cp_client_find("chrome")->suites, 15, 0xC009));
	/* Safari keeps more CBC suites than Chrome (and 3DES) */
	size_t cbc_s = 0, cbc_c = 0;
	const struct cp_client *c = cp_client_find("chrome");

	for (size_t i = 0; i < s->nsuites; i++)
		cbc_s += cp_suite_by_id(s->suites[i])->mode == CP_MODE_CBC;
	for (size_t i = 0; i < c->nsuites; i++)
		cbc_c += cp_suite_by_id(c->suites[i])->mode == CP_MODE_CBC;
	assert_true(cbc_s > cbc_c);
	assert_non_null(f->source);
	assert_non_null(s->source);
}

static void test_any_offers_every_suite(void **state)
{
	const struct cp_client *a = cp_client_find("any");
	size_t k = 0;

	(void)state;
	assert_non_null(a);
	/* every version a PAN-OS profile can allow: min-version goes down to
	 * sslv3 (PANOS.md), so "any" must too, or SSLv3-only servers would
	 * read as "the client fails too" */
	assert_int_equal(a->min_version, 0x0300);
	assert_int_equal(a->max_version, 0x0304);
	for (size_t i = 0; i < cp_suite_count(); i++) {
		const struct cp_suite *s = cp_suite_at(i);

		if (s->scsv)
			continue;
		if (k >= a->nsuites || a->suites[k] != s->id)
			fail_msg("any: suite %zu should be %s", k, s->name);
		k++;
	}
	assert_int_equal(k, a->nsuites);
}

static void test_clients_well_formed(void **state)
{
	size_t n = 0;

	(void)state;
	for (size_t i = 0; cp_clients[i] != NULL; i++, n++) {
		const struct cp_client *c = cp_clients[i];

		assert_ptr_equal(cp_client_find(c->name), c);
		/* the proxy's hello holds those PAN-OS decrypts */
		size_t ndec = 0;

		for (size_t k = 0; k < c->nsuites; k++) {
			const struct cp_suite *s = cp_suite_by_id(c->suites[k]);

			ndec += s && s->panos;
		}
		assert_true(c->nsuites > 0 && ndec <= CP_OFFER_MAX);
		assert_true(c->min_version <= c->max_version);
		for (size_t k = 0; k < c->nsuites; k++)
			assert_non_null(cp_suite_by_id(c->suites[k]));
		for (size_t k = 0; k < c->ngroups; k++)
			assert_non_null(cp_group_by_id(c->groups[k]));
		for (size_t k = 0; k < c->nsigalgs; k++)
			assert_non_null(cp_sigscheme_by_id(c->sigalgs[k]));
	}
	assert_int_equal(n, 4);
	assert_ptr_equal(cp_client_find("Chrome"), cp_client_find("chrome"));
	assert_null(cp_client_find("opera"));
	assert_null(cp_client_find(NULL));
}

static void test_stripped_groups(void **state)
{
	(void)state;
	assert_true(cp_panos_strips_group(0x11EC)); /* X25519MLKEM768 */
	assert_true(cp_panos_strips_group(0x11EB));
	assert_true(cp_panos_strips_group(0x11ED));
	assert_false(cp_panos_strips_group(29));
	assert_false(cp_panos_strips_group(23));
	assert_false(cp_panos_strips_group(0x0100));
	assert_false(cp_panos_strips_group(0xFFFF)); /* no row: kept */
	/* every group a client offers is decided the way PANOS.md says */
	for (size_t i = 0; cp_clients[i] != NULL; i++)
		for (size_t k = 0; k < cp_clients[i]->ngroups; k++)
			assert_int_equal(cp_panos_strips_group(cp_clients[i]->groups[k]),
					 md_group_stripped(cp_clients[i]->groups[k]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_matches_rules),
		cmocka_unit_test(test_offers),
		cmocka_unit_test(test_offers_all_pairs),
		cmocka_unit_test(test_chrome_groups),
		cmocka_unit_test(test_no_common_version),
		cmocka_unit_test(test_allows),
		cmocka_unit_test(test_chrome_is_panos_md),
		cmocka_unit_test(test_firefox_safari),
		cmocka_unit_test(test_any_offers_every_suite),
		cmocka_unit_test(test_clients_well_formed),
		cmocka_unit_test(test_stripped_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
