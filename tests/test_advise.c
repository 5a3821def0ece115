/* SPDX-License-Identifier: MIT */
/*
 * The advisor, table-driven: each case is a server (accepted suites per
 * version, groups, certificate facts, what it did with the proxy's exact
 * hello), a profile and a client, and the verdict PANOS.md's rules call
 * for.  The expected values are worked out by hand from PANOS.md and
 * ciphersuites/panos-weakness.tsv's ranking, never taken from a run:
 *
 *  - a TLS <= 1.2 suite needs kx + enc + auth flags (the hash it ends in);
 *  - panos-recommended: min tls1-2, max max, no RSA kx, 3DES, RC4, SHA1, MD5;
 *    panos-default: min tls1-0, max tls1-2, every flag but MD5 on;
 *  - min-version tls1-2 greys out 3DES, RC4 and MD5, so a 3DES fix also
 *    needs a lower floor: tls1-1 is the cheaper one (cost 10 < 12);
 *  - Chrome 136 speaks TLS 1.2-1.3, offers no DHE, no 3DES, and
 *    X25519MLKEM768 + x25519, of which PAN-OS strips the hybrid;
 *  - costs: SHA1 4 < RSA 6 < min tls1-1 10 < min tls1-0 12 < 3DES 20.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "policy/advise.h"
#include "policy/firewall.h"
#include "policy/offer.h"
#include "policy/profile.h"
#include "output/verdict.h"
#include "registry.h"
#include "result.h"

#define X25519 0x001D
#define SECP256R1 0x0017
#define X25519MLKEM768 0x11EC

#define T12 (CP_VER_TLS12)
#define T13 (CP_VER_TLS13)

/* ---- profiles and clients the tests fill in by hand ------------------- */

static uint32_t weak_flags(void)
{
	return CP_PANOS_KX_RSA | CP_PANOS_ENC_3DES | CP_PANOS_ENC_RC4 | CP_PANOS_AUTH_SHA1 |
	       CP_PANOS_AUTH_MD5;
}

/*
 * "corp12": best-practice flags but max-version tls1-2 (PANOS.md's default
 * ceiling); "old11": defaults with max-version tls1-1; "strict": best
 * practice with block-expired-certificate and block-untrusted-issuer on.
 */
static void hand_profile(const char *key, struct cp_profile *p)
{
	memset(p, 0, sizeof *p);
	p->flags = cp_panos_default_flags();
	p->loc = CP_LOC_VSYS;
	snprintf(p->vsys, sizeof p->vsys, "vsys1");
	snprintf(p->name, sizeof p->name, "%s", key);
	if (!strcmp(key, "corp12")) {
		p->min_version = 0x0303;
		p->max_version = 0x0303;
		p->flags &= ~weak_flags();
	} else if (!strcmp(key, "old11")) {
		p->min_version = 0x0301;
		p->max_version = 0x0302;
	} else if (!strcmp(key, "no256gcm")) {
		/* best practice, but AES-256-GCM off: the only TLS 1.3 suite a
		 * server shares may be shut while a TLS 1.2 one is open */
		p->min_version = 0x0303;
		p->max_version = 0x0304;
		p->max_is_max = true;
		p->flags &= ~(weak_flags() | CP_PANOS_ENC_AES256_GCM);
	} else if (!strcmp(key, "strict")) {
		p->min_version = 0x0303;
		p->max_version = 0x0304;
		p->flags &= ~weak_flags();
		p->fwd = CP_FWD_BLOCK_EXPIRED_CERTIFICATE | CP_FWD_BLOCK_UNTRUSTED_ISSUER;
	} else {
		fail_msg("unknown hand profile %s", key);
	}
}

static void get_profile(const char *key, struct cp_profile *p)
{
	if (!strncmp(key, "panos-", 6))
		assert_int_equal(cp_profile_builtin(key, p), 0);
	else
		hand_profile(key, p);
}

/* An old command-line client that still offers CAMELLIA and CCM. */
static const uint16_t legacy_suites[] = { 0xC076, 0xC0AC, 0x009E };
static const uint16_t legacy_groups[] = { X25519, SECP256R1 };
static const struct cp_client legacy_client = {
	.name = "legacy",
	.label = "legacy s_client",
	.suites = legacy_suites,
	.nsuites = sizeof legacy_suites / sizeof legacy_suites[0],
	.groups = legacy_groups,
	.ngroups = sizeof legacy_groups / sizeof legacy_groups[0],
	.min_version = 0x0301,
	.max_version = 0x0304,
};

static const struct cp_client *get_client(const char *name)
{
	const struct cp_client *c;

	if (!strcmp(name, "legacy"))
		return &legacy_client;
	c = cp_client_find(name);
	assert_non_null(c);
	return c;
}

/* ---- servers ---------------------------------------------------------- */

struct pspec {
	enum cp_proto p;
	uint16_t suites[6]; /* 0-terminated; an entry with suites[0] == 0 is unused */
};

struct gspec {
	uint16_t id;
	unsigned vbits;
};

enum replay_kind { RP_NONE, RP_FAIL, RP_OK };

struct server {
	const char *host;
	struct pspec protos[3];
	struct gspec groups[3];
	enum replay_kind replay;
	uint16_t rp_version, rp_suite;
	uint8_t alert;
	bool expired, self_signed;
	/* certificate key ("RSA", "EC", "RSA-PSS") and curve, chain problems */
	const char *key, *curve;
	unsigned chain_errors; /* CP_CHAIN_*; sets chain_checked */
	/* probed signature schemes (sets sigalgs_probed) */
	struct gspec sigalgs[3];
};

static struct cp_result *make_result(const struct server *s)
{
	struct cp_result *r = cp_result_new(s->host);

	assert_non_null(r);
	r->host = strdup(s->host);
	assert_non_null(r->host);
	r->port = 443;
	for (size_t i = 0; i < 3; i++) {
		const struct pspec *ps = &s->protos[i];

		if (!ps->suites[0])
			continue;
		r->proto[ps->p].probed = true;
		r->proto[ps->p].supported = true;
		for (size_t k = 0; k < 6 && ps->suites[k]; k++)
			assert_int_equal(cp_result_add_suite(r, ps->p, ps->suites[k]), 0);
	}
	for (size_t i = 0; i < 3 && s->groups[i].id; i++)
		assert_int_equal(cp_result_add_group(r, s->groups[i].id, s->groups[i].vbits), 0);
	if (s->replay != RP_NONE) {
		r->replay.done = true;
		r->replay.accepted = s->replay == RP_OK;
		r->replay.version = s->rp_version;
		r->replay.suite = s->rp_suite;
		r->replay.alert_seen = s->replay == RP_FAIL;
		r->replay.alert = s->alert;
	}
	for (size_t i = 0; i < 3 && s->sigalgs[i].id; i++) {
		assert_int_equal(cp_result_add_sigalg(r, s->sigalgs[i].id, s->sigalgs[i].vbits), 0);
		r->sigalgs_probed = true;
	}
	if (s->key) {
		r->cert.present = true;
		r->cert.key_type = strdup(s->key);
		r->cert.curve = s->curve ? strdup(s->curve) : NULL;
		assert_non_null(r->cert.key_type);
	}
	if (s->chain_errors) {
		r->cert.present = true;
		r->cert.chain_checked = true;
		r->cert.chain_errors = s->chain_errors;
		if (s->chain_errors & CP_CHAIN_INCOMPLETE) {
			r->cert.missing_issuer = strdup("CN=Test Intermediate");
			assert_non_null(r->cert.missing_issuer);
		}
	}
	if (s->expired || s->self_signed) {
		r->cert.present = true;
		r->cert.expired = s->expired;
		r->cert.self_signed = s->self_signed;
		r->cert.not_after = strdup("2024-01-01T00:00:00Z");
		assert_non_null(r->cert.not_after);
	}
	return r;
}

static void free_result(struct cp_result *r)
{
	if (!r)
		return;
	cp_verdict_free(r->verdict);
	r->verdict = NULL;
	cp_result_free(r);
}

/* ---- the verdict table ------------------------------------------------ */

struct acase {
	const char *name;
	struct server srv;
	const char *profile;
	const char *client;
	const char *panos; /* --panos-version; NULL the newest */
	/* expected */
	bool compatible;
	bool negotiated;
	bool has_fix;
	const char *fix[6]; /* in order, cheapest first; NULL-terminated */
	bool weak;
	bool no_decrypt;
	size_t nalternatives;
	const char *alt0[4];
	const char *reason_has[4];
	const char *causes[3]; /* "axis/blocked_by", in order; none when compatible */
};

/* Servers used more than once. */
#define SRV_SHA1_ONLY(rp) \
	{ \
		.host = "sha1.example", .protos = { { CP_P_TLS12, { 0xC013 } } }, .replay = rp, \
		.alert = 40 \
	}
#define SRV_MODERN(rp) \
	{ \
		.host = "modern.example", \
		.protos = { { CP_P_TLS13, { 0x1301, 0x1302 } }, \
			    { CP_P_TLS12, { 0xC02F, 0xC030 } } }, \
		.groups = { { X25519, T12 | T13 } }, .replay = rp, .rp_version = 0x0304, \
		.rp_suite = 0x1301 \
	}

static const struct acase cases[] = {
	{ .name = "sha1_only_vs_recommended",
	  .srv = SRV_SHA1_ONLY(RP_FAIL),
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .has_fix = true,
	  .fix = { "auth-algo-sha1" },
	  .reason_has = { "the server accepts only TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA at TLS 1.2",
			  "fix: auth-algo-sha1", "the profile disables SHA1" },
	  .causes = { "suite/profile" } },
	{ .name = "sha1_only_no_replay_is_predicted",
	  .srv = SRV_SHA1_ONLY(RP_NONE),
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .has_fix = true,
	  .fix = { "auth-algo-sha1" },
	  .reason_has = { "no replay was done" },
	  .causes = { "suite/profile" } },
	{ .name = "3des_only_vs_recommended_any_client",
	  .srv = { .host = "3des.example",
		   .protos = { { CP_P_TLS12, { 0x000A } } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "any",
	  .has_fix = true,
	  .fix = { "auth-algo-sha1", "keyxchg-algo-rsa", "min-version=tls1-1", "enc-algo-3des" },
	  .weak = true,
	  .no_decrypt = true,
	  .reason_has = { "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "enc-algo-3des",
			  "3DES off while min-version is tls1-2", "exclude this host" },
	  .causes = { "suite/profile" } },
	{ .name = "3des_only_vs_chrome_fails_without_proxy",
	  .srv = { .host = "3des.example",
		   .protos = { { CP_P_TLS12, { 0x000A } } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .reason_has = { "offers none of them", "fails without decryption too" },
	  .causes = { "suite/client" } },
	{ .name = "tls13_only_vs_max_tls12",
	  .srv = { .host = "tls13.example",
		   .protos = { { CP_P_TLS13, { 0x1301, 0x1302, 0x1303 } } },
		   .groups = { { X25519, T13 } },
		   .replay = RP_FAIL,
		   .alert = 70 },
	  .profile = "panos-default",
	  .client = "chrome",
	  .has_fix = true,
	  .fix = { "max-version=tls1-3" },
	  .reason_has = { "server speaks only TLS 1.3", "max-version is tls1-2" },
	  .causes = { "version/profile" } },
	{ .name = "tls13_only_vs_hand_filled_max_tls12",
	  .srv = { .host = "tls13.example",
		   .protos = { { CP_P_TLS13, { 0x1302 } } },
		   .groups = { { X25519, T13 } },
		   .replay = RP_FAIL,
		   .alert = 70 },
	  .profile = "corp12",
	  .client = "chrome",
	  .has_fix = true,
	  .fix = { "max-version=tls1-3" },
	  .reason_has = { "TLS_AES_256_GCM_SHA384", "max-version=tls1-3" },
	  .causes = { "version/profile" } },
	{ .name = "rsa_kx_only_vs_recommended",
	  .srv = { .host = "rsa.example",
		   .protos = { { CP_P_TLS12, { 0x009C } } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .has_fix = true,
	  .fix = { "keyxchg-algo-rsa" },
	  .reason_has = { "TLS_RSA_WITH_AES_128_GCM_SHA256", "keyxchg-algo-rsa",
			  "disables RSA key exchange" },
	  .causes = { "suite/profile" } },
	{ .name = "modern_server_compatible",
	  .srv = SRV_MODERN(RP_OK),
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .compatible = true,
	  .negotiated = true,
	  .reason_has = { "negotiates TLS_AES_128_GCM_SHA256 (TLS 1.3)" } },
	{ .name = "modern_server_no_replay_predicted_compatible",
	  .srv = SRV_MODERN(RP_NONE),
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .compatible = true,
	  .reason_has = { "TLS_AES_128_GCM_SHA256", "no replay was done" } },
	{ .name = "dhe_only_vs_chrome_fails_without_proxy",
	  .srv = { .host = "dhe.example",
		   .protos = { { CP_P_TLS12, { 0x009E, 0x009F } } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .reason_has = { "Chrome", "offers none of them", "fails without decryption too" },
	  .causes = { "suite/client" } },
	{ .name = "camellia_only_no_decrypt",
	  .srv = { .host = "camellia.example",
		   .protos = { { CP_P_TLS12, { 0xC076 } } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "legacy",
	  .no_decrypt = true,
	  .reason_has = { "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "PAN-OS cannot decrypt" },
	  .causes = { "suite/firewall" } },
	{ .name = "ccm_only_no_decrypt",
	  .srv = { .host = "ccm.example",
		   .protos = { { CP_P_TLS12, { 0xC0AC } } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-default",
	  .client = "legacy",
	  .no_decrypt = true,
	  .reason_has = { "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "PAN-OS cannot decrypt" },
	  .causes = { "suite/firewall" } },
	{ .name = "pq_hybrid_only_groups_no_decrypt",
	  .srv = { .host = "pq.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } } },
		   .groups = { { X25519MLKEM768, T13 } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .no_decrypt = true,
	  .reason_has = { "X25519MLKEM768", "strips" },
	  .causes = { "group/firewall" } },
	{ .name = "expired_cert_with_block_expired",
	  .srv = { .host = "expired.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } } },
		   .groups = { { X25519, T13 } },
		   .replay = RP_OK,
		   .rp_version = 0x0304,
		   .rp_suite = 0x1301,
		   .expired = true },
	  .profile = "strict",
	  .client = "chrome",
	  .negotiated = true,
	  .has_fix = true,
	  .fix = { "block-expired-certificate=no" },
	  .weak = true,
	  .no_decrypt = true,
	  .reason_has = { "chain has expired (the leaf's notAfter is 2024-01-01T00:00:00Z)",
			  "block-expired-certificate on" },
	  .causes = { "certificate/profile" } },
	{ .name = "expired_cert_without_block_is_compatible",
	  .srv = { .host = "expired.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } } },
		   .groups = { { X25519, T13 } },
		   .replay = RP_OK,
		   .rp_version = 0x0304,
		   .rp_suite = 0x1301,
		   .expired = true },
	  .profile = "panos-default",
	  .client = "chrome",
	  .compatible = true,
	  .negotiated = true,
	  .reason_has = { "negotiates" } },
	{ .name = "self_signed_with_block_untrusted",
	  .srv = { .host = "self.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } } },
		   .groups = { { X25519, T13 } },
		   .replay = RP_OK,
		   .rp_version = 0x0304,
		   .rp_suite = 0x1301,
		   .self_signed = true },
	  .profile = "strict",
	  .client = "chrome",
	  .negotiated = true,
	  .has_fix = true,
	  .fix = { "block-untrusted-issuer=no" },
	  .weak = true,
	  .no_decrypt = true,
	  .reason_has = { "self-signed", "block-untrusted-issuer on" },
	  .causes = { "certificate/profile" } },
	{ .name = "sha1_or_rsa_gives_an_alternative",
	  .srv = { .host = "two.example",
		   .protos = { { CP_P_TLS12, { 0x009C, 0xC013 } } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .has_fix = true,
	  .fix = { "auth-algo-sha1" },
	  .nalternatives = 1,
	  .alt0 = { "keyxchg-algo-rsa" },
	  .reason_has = { "the profile disables all of them",
			  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA needs SHA1" },
	  .causes = { "suite/profile" } },
	{ .name = "tls10_only_below_min",
	  .srv = { .host = "tls10.example",
		   .protos = { { CP_P_TLS10, { 0xC013 } } },
		   .replay = RP_FAIL,
		   .alert = 70 },
	  .profile = "panos-recommended",
	  .client = "any",
	  .has_fix = true,
	  .fix = { "auth-algo-sha1", "min-version=tls1-0" },
	  .weak = true,
	  .no_decrypt = true,
	  .reason_has = { "server speaks at most TLS 1.0, below the profile's min-version tls1-2" },
	  .causes = { "version/profile", "suite/profile" } },
	{ .name = "server_min_above_profile_max",
	  .srv = { .host = "tls12.example",
		   .protos = { { CP_P_TLS12, { 0xC02F } } },
		   .replay = RP_FAIL },
	  .profile = "old11",
	  .client = "chrome",
	  .has_fix = true,
	  .fix = { "max-version=tls1-2" },
	  .reason_has = { "the server speaks only TLS 1.2; the profile's max-version is tls1-1" },
	  .causes = { "version/profile" } },
	{ .name = "offered_suite_yet_refused_blames_no_setting",
	  .srv = { .host = "odd.example",
		   .protos = { { CP_P_TLS12, { 0xC02F } } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .reason_has = { "which the proxy offers", "alert handshake_failure" } },
	/* ---- the axes beyond the suite (issue: verdict axes) ---- */
	{ .name = "x448_only_tls13_vs_chrome_is_the_group",
	  .srv = { .host = "x448.example",
		   .protos = { { CP_P_TLS13, { 0x1301, 0x1302 } } },
		   .groups = { { 0x001E, T13 } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .reason_has = { "only group x448", "Chrome 136 offers X25519MLKEM768, x25519",
			  "fails without decryption too" },
	  .causes = { "group/client" } },
	{ .name = "tls10_11_cbc_vs_chrome_is_the_version",
	  .srv = { .host = "old.example",
		   .protos = { { CP_P_TLS10, { 0x002F, 0xC013 } },
			       { CP_P_TLS11, { 0x002F, 0xC013 } } },
		   .replay = RP_FAIL,
		   .alert = 70 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .reason_has = { "the server speaks only TLS 1.0 and TLS 1.1",
			  "Chrome 136 speaks TLS 1.2 to TLS 1.3" },
	  .causes = { "version/client" } },
	{ .name = "two_suites_names_the_one_the_browser_offers",
	  .srv = { .host = "nginx.example",
		   .protos = { { CP_P_TLS12, { 0xC027, 0xC014 } } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .has_fix = true,
	  .fix = { "auth-algo-sha1" },
	  .reason_has = { "of the suites Chrome 136 offers, the server accepts only TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
	  .causes = { "suite/profile" } },
	{ .name = "secp521r1_only_tls12_vs_chrome_is_the_group",
	  .srv = { .host = "p521.example",
		   .protos = { { CP_P_TLS12, { 0xC02F } } },
		   .groups = { { 0x0019, T12 } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .reason_has = { "group secp521r1", "fails without decryption too" },
	  .causes = { "group/client" } },
	{ .name = "rsa_pkcs1_sha1_only_vs_chrome_is_the_signature",
	  .srv = { .host = "sha1sig.example",
		   .protos = { { CP_P_TLS12, { 0xC02F } } },
		   .sigalgs = { { 0x0201, T12 } },
		   .key = "RSA",
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .reason_has = { "signs only with rsa_pkcs1_sha1", "fails without decryption too" },
	  .causes = { "signature/client" } },
	{ .name = "ecdsa_p521_cert_tls13_vs_chrome_is_the_signature",
	  .srv = { .host = "ec521.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } } },
		   .groups = { { X25519, T13 } },
		   .key = "EC",
		   .curve = "secp521r1",
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .reason_has = { "ecdsa_secp521r1_sha512", "fails without decryption too" },
	  .causes = { "signature/client" } },
	{ .name = "ecdsa_p521_cert_tls13_vs_firefox_is_compatible",
	  .srv = { .host = "ec521.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } } },
		   .groups = { { X25519, T13 } },
		   .key = "EC",
		   .curve = "secp521r1" },
	  .profile = "panos-recommended",
	  .client = "firefox",
	  .compatible = true,
	  .reason_has = { "should negotiate TLS_AES_128_GCM_SHA256 (TLS 1.3)" } },
	{ .name = "rsa_pss_key_tls13_vs_chrome_is_the_signature",
	  .srv = { .host = "pss.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } } },
		   .groups = { { X25519, T13 } },
		   .key = "RSA-PSS",
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .reason_has = { "rsa_pss_pss_sha256" },
	  .causes = { "signature/client" } },
	{ .name = "tls13_first_trap_enable_the_cipher_or_lower_the_ceiling",
	  .srv = { .host = "trap.example",
		   .protos = { { CP_P_TLS13, { 0x1302 } }, { CP_P_TLS12, { 0xC02F } } },
		   .groups = { { X25519, T12 | T13 } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "no256gcm",
	  .client = "chrome",
	  .has_fix = true,
	  .fix = { "enc-algo-aes-256-gcm" },
	  .nalternatives = 1,
	  .alt0 = { "max-version=tls1-2" },
	  .reason_has = { "TLS_AES_256_GCM_SHA384 at TLS 1.3", "disables AES-256-GCM" },
	  .causes = { "suite/profile" } },
	{ .name = "pq_only_tls13_but_tls12_open_lowers_the_ceiling",
	  .srv = { .host = "pq12.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } }, { CP_P_TLS12, { 0xC02F } } },
		   .groups = { { X25519MLKEM768, T13 }, { X25519, T12 } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .has_fix = true,
	  .fix = { "max-version=tls1-2" },
	  .reason_has = { "X25519MLKEM768", "settles on TLS 1.3" },
	  .causes = { "group/firewall", "version/profile" } },
	{ .name = "pq_only_before_11_1_is_compatible",
	  .srv = { .host = "pq.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } } },
		   .groups = { { X25519MLKEM768, T13 } } },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .panos = "10.2",
	  .compatible = true,
	  .reason_has = { "should negotiate TLS_AES_128_GCM_SHA256" } },
	{ .name = "tls13_only_on_panos_9_1_is_the_firewall",
	  .srv = { .host = "tls13.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } } },
		   .groups = { { X25519, T13 } },
		   .replay = RP_FAIL,
		   .alert = 70 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .panos = "9.1.14",
	  .no_decrypt = true,
	  .reason_has = { "PAN-OS 9.1 decrypts at most TLS 1.2", "exclude it from decryption" },
	  .causes = { "version/firewall" } },
	{ .name = "incomplete_chain_without_block_is_the_firewall",
	  .srv = { .host = "chain.example",
		   .protos = { { CP_P_TLS12, { 0xC02F } } },
		   .groups = { { X25519, T12 } },
		   .chain_errors = CP_CHAIN_INCOMPLETE,
		   .replay = RP_OK,
		   .rp_version = 0x0303,
		   .rp_suite = 0xC02F },
	  .profile = "panos-default",
	  .client = "chrome",
	  .negotiated = true,
	  .no_decrypt = true,
	  .reason_has = { "incomplete", "CN=Test Intermediate", "Forward Untrust" },
	  .causes = { "certificate/firewall" } },
	{ .name = "incomplete_chain_with_block_untrusted_is_still_the_firewall",
	  .srv = { .host = "chain.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } } },
		   .groups = { { X25519, T13 } },
		   .chain_errors = CP_CHAIN_INCOMPLETE,
		   .replay = RP_OK,
		   .rp_version = 0x0304,
		   .rp_suite = 0x1301 },
	  .profile = "strict",
	  .client = "chrome",
	  .negotiated = true,
	  .no_decrypt = true,
	  .reason_has = { "CN=Test Intermediate", "blocks the session (block-untrusted-issuer)" },
	  .causes = { "certificate/firewall" } },
	{ .name = "unknown_root_with_block_untrusted_is_the_profile",
	  .srv = { .host = "root.example",
		   .protos = { { CP_P_TLS13, { 0x1301 } } },
		   .groups = { { X25519, T13 } },
		   .chain_errors = CP_CHAIN_UNKNOWN_ROOT,
		   .replay = RP_OK,
		   .rp_version = 0x0304,
		   .rp_suite = 0x1301 },
	  .profile = "strict",
	  .client = "chrome",
	  .negotiated = true,
	  .has_fix = true,
	  .fix = { "block-untrusted-issuer=no" },
	  .weak = true,
	  .no_decrypt = true,
	  .reason_has = { "a root the trust store does not hold" },
	  .causes = { "certificate/profile" } },
	{ .name = "ccm_only_with_the_any_client_is_the_firewall",
	  .srv = { .host = "ccm.example",
		   .protos = { { CP_P_TLS12, { 0xC09C } } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-default",
	  .client = "any",
	  .no_decrypt = true,
	  .reason_has = { "TLS_RSA_WITH_AES_128_CCM", "PAN-OS cannot decrypt",
			  "exclude it from decryption" },
	  .causes = { "suite/firewall" } },
	{ .name = "sha1_and_rsa_together_two_flags",
	  .srv = { .host = "rsasha1.example",
		   .protos = { { CP_P_TLS12, { 0x002F } } },
		   .replay = RP_FAIL,
		   .alert = 40 },
	  .profile = "panos-recommended",
	  .client = "chrome",
	  .has_fix = true,
	  .fix = { "auth-algo-sha1", "keyxchg-algo-rsa" },
	  .reason_has = { "SHA1 and RSA key exchange" },
	  .causes = { "suite/profile" } },

};

static void check_fix(const struct cp_fix *f, const char *const *want)
{
	size_t n = 0;

	while (n < 6 && want[n])
		n++;
	assert_int_equal(f->nchanges, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(f->changes[i], want[i]);
}

static void run_case(void **state)
{
	const struct acase *tc = *state;
	struct cp_profile p;
	const struct cp_client *c = get_client(tc->client);
	struct cp_result *r = make_result(&tc->srv);
	struct cp_verdict *v;

	get_profile(tc->profile, &p);
	if (tc->panos) {
		struct cp_firewall fw;

		assert_int_equal(cp_firewall_load(tc->panos, &fw, NULL, 0), 0);
		v = cp_advise(r, &p, c, &fw);
	} else {
		v = cp_advise(r, &p, c, NULL);
	}
	assert_non_null(v);
	r->verdict = v;
	assert_non_null(v->reason);
	for (size_t i = 0; i < 4 && tc->reason_has[i]; i++)
		if (!strstr(v->reason, tc->reason_has[i]))
			fail_msg("reason \"%s\" lacks \"%s\"", v->reason, tc->reason_has[i]);
	assert_true(strchr(v->reason, '\n') == NULL);
	{
		size_t n = 0;

		while (n < 3 && tc->causes[n])
			n++;
		if (v->ncauses != n)
			fail_msg("%zu causes, wanted %zu (reason: %s)", v->ncauses, n, v->reason);
		for (size_t i = 0; i < n; i++) {
			char got[64];

			snprintf(got, sizeof got, "%s/%s", cp_axis_name(v->causes[i].axis),
				 cp_party_name(v->causes[i].blocked_by));
			if (strcmp(got, tc->causes[i]))
				fail_msg("cause %zu is %s, wanted %s", i, got, tc->causes[i]);
			assert_non_null(v->causes[i].detail);
			assert_true(strstr(v->reason, v->causes[i].detail) != NULL);
		}
	}
	assert_int_equal(v->compatible, tc->compatible);
	assert_int_equal(v->negotiated, tc->negotiated);
	assert_int_equal(v->no_decrypt, tc->no_decrypt);
	assert_int_equal(v->verified, -1);
	if (!tc->has_fix) {
		assert_null(v->fix);
		assert_int_equal(v->ncommands, 0);
		assert_int_equal(v->nalternatives, 0);
	} else {
		assert_non_null(v->fix);
		check_fix(v->fix, tc->fix);
		assert_int_equal(v->fix->weak, tc->weak);
		assert_int_equal(v->nalternatives, tc->nalternatives);
		if (tc->nalternatives)
			check_fix(&v->alternatives[0], tc->alt0);
		/* one set command per change, then commit */
		assert_int_equal(v->ncommands, v->fix->nchanges + 1);
		assert_string_equal(v->commands[v->ncommands - 1], "commit");
		assert_non_null(v->xml);
		assert_non_null(v->scm_patch);
	}
	free_result(r);
}

/* ---- focused tests ---------------------------------------------------- */

static void test_error_record_has_no_verdict(void **state)
{
	struct cp_result *r = cp_result_new("down.example");
	struct cp_profile p;

	(void)state;
	assert_non_null(r);
	assert_int_equal(cp_result_fail(r, CP_ERR_REFUSED, "connection refused"), 0);
	assert_int_equal(cp_profile_builtin("panos-recommended", &p), 0);
	assert_null(cp_advise(r, &p, get_client("chrome"), NULL));
	cp_result_free(r);
}

/* The fix's outputs for the SHA1 case, checked character by character. */
static void test_fix_outputs_sha1(void **state)
{
	const struct server s = SRV_SHA1_ONLY(RP_FAIL);
	struct cp_result *r = make_result(&s);
	struct cp_profile p, q;
	char err[128];

	(void)state;
	hand_profile("corp12", &p);
	snprintf(p.name, sizeof p.name, "Corp");
	r->verdict = cp_advise(r, &p, get_client("chrome"), NULL);
	assert_non_null(r->verdict);
	assert_int_equal(r->verdict->ncommands, 2);
	assert_string_equal(
		r->verdict->commands[0],
		"set profiles decryption Corp ssl-protocol-settings auth-algo-sha1 yes");
	assert_string_equal(
		r->verdict->xml,
		"<ssl-protocol-settings><auth-algo-sha1>yes</auth-algo-sha1></ssl-protocol-settings>");
	assert_string_equal(r->verdict->scm_patch,
			    "{\"ssl_protocol_settings\":{\"auth_algo_sha1\":true}}");
	/* the fix, applied, makes the proxy offer the server's suite */
	assert_false(cp_profile_allows(&p, 0xC013, 0x0303));
	assert_int_equal(cp_profile_apply(&p, r->verdict->fix, &q, err, sizeof err), 0);
	assert_true(cp_profile_allows(&q, 0xC013, 0x0303));
	free_result(r);
}

struct cmd_case {
	enum cp_profile_loc loc;
	const char *name, *vsys, *dg;
	const char *want;
};

static void test_set_command_forms(void **state)
{
	static const struct cmd_case cc[] = {
		{ CP_LOC_VSYS, "Corp", "vsys1", "",
		  "set profiles decryption Corp ssl-protocol-settings max-version tls1-3" },
		{ CP_LOC_NONE, "", "", "",
		  "set profiles decryption <PROFILE> ssl-protocol-settings max-version tls1-3" },
		{ CP_LOC_SHARED, "Strict", "", "",
		  "set shared profiles decryption Strict ssl-protocol-settings max-version tls1-3" },
		{ CP_LOC_DEVICE_GROUP, "Lab", "", "DG1",
		  "set device-group DG1 profiles decryption Lab ssl-protocol-settings max-version tls1-3" },
		{ CP_LOC_VSYS, "My Profile", "vsys1", "",
		  "set profiles decryption \"My Profile\" ssl-protocol-settings max-version tls1-3" },
		{ CP_LOC_VSYS, "Corp", "vsys2", "",
		  "set vsys vsys2 profiles decryption Corp ssl-protocol-settings max-version tls1-3" },
	};
	char c0[] = "max-version=tls1-3", c1[] = "auth-algo-sha1",
	     c2[] = "block-expired-certificate=no";
	char *changes[] = { c0, c1, c2 };

	(void)state;
	for (size_t i = 0; i < sizeof cc / sizeof cc[0]; i++) {
		struct cp_profile p;
		char **cmds;
		size_t n;

		hand_profile("corp12", &p);
		p.loc = cc[i].loc;
		snprintf(p.name, sizeof p.name, "%s", cc[i].name);
		snprintf(p.vsys, sizeof p.vsys, "%s", cc[i].vsys);
		snprintf(p.device_group, sizeof p.device_group, "%s", cc[i].dg);
		assert_int_equal(cp_change_commands(&p, changes, 3, &cmds, &n), 0);
		assert_int_equal(n, 4);
		assert_string_equal(cmds[0], cc[i].want);
		assert_non_null(strstr(cmds[1], " ssl-protocol-settings auth-algo-sha1 yes"));
		assert_non_null(strstr(cmds[2], " ssl-forward-proxy block-expired-certificate no"));
		assert_string_equal(cmds[3], "commit");
		cp_strv_free(cmds, n);
	}
}

static void test_commands_reject_unknown_change(void **state)
{
	struct cp_profile p;
	char b0[] = "enc-algo-aes-chacha20-poly1305";
	char *bad[] = { b0 };
	char **cmds = NULL;
	size_t n = 0;

	(void)state;
	hand_profile("corp12", &p);
	assert_int_equal(cp_change_commands(&p, bad, 1, &cmds, &n), -1);
	assert_null(cmds);
	assert_int_equal(n, 0);
}

static void test_weakness_table(void **state)
{
	char err[160] = "";
	unsigned sha1, rsa, tls10, tls11, des3, rc4, md5, ssl3, c;
	bool w;
	static const char *const weak_yes[] = {
		"enc-algo-rc4",      "enc-algo-3des",      "auth-algo-md5",
		"min-version=sslv3", "min-version=tls1-0", "min-version=tls1-1",
	};
	static const char *const weak_no[] = {
		"auth-algo-sha1",     "keyxchg-algo-rsa",     "keyxchg-algo-dhe",
		"keyxchg-algo-ecdhe", "enc-algo-aes-128-cbc", "enc-algo-aes-256-gcm",
		"auth-algo-sha256",   "min-version=tls1-2",   "max-version=tls1-3",
		"max-version=max",
	};

	(void)state;
	if (cp_weakness_check(err, sizeof err))
		fail_msg("%s", err);
	/* every one of the 14 flags has a row */
	for (unsigned b = 0; b < CP_PANOS_NFLAGS; b++)
		assert_int_equal(cp_change_cost(cp_panos_flag_name(b), &c, &w), 0);
	for (size_t i = 0; i < sizeof weak_yes / sizeof weak_yes[0]; i++) {
		assert_int_equal(cp_change_cost(weak_yes[i], &c, &w), 0);
		assert_true(w);
	}
	for (size_t i = 0; i < sizeof weak_no / sizeof weak_no[0]; i++) {
		assert_int_equal(cp_change_cost(weak_no[i], &c, &w), 0);
		assert_false(w);
	}
	assert_int_equal(cp_change_cost("auth-algo-sha1", &sha1, NULL), 0);
	assert_int_equal(cp_change_cost("keyxchg-algo-rsa", &rsa, NULL), 0);
	assert_int_equal(cp_change_cost("min-version=tls1-0", &tls10, NULL), 0);
	assert_int_equal(cp_change_cost("min-version=tls1-1", &tls11, NULL), 0);
	assert_int_equal(cp_change_cost("enc-algo-3des", &des3, NULL), 0);
	assert_int_equal(cp_change_cost("enc-algo-rc4", &rc4, NULL), 0);
	assert_int_equal(cp_change_cost("auth-algo-md5", &md5, NULL), 0);
	assert_int_equal(cp_change_cost("min-version=sslv3", &ssl3, NULL), 0);
	assert_true(sha1 < rsa);
	assert_true(rsa < tls10 && rsa < des3 && rsa < rc4 && rsa < md5 && rsa < ssl3);
	assert_true(tls11 < tls10 && tls10 < des3 && des3 < rc4 && rc4 < md5 && md5 < ssl3);
	/* the decryption-profile spelling only (PANOS.md trap) */
	assert_int_equal(cp_change_cost("enc-algo-aes-chacha20-poly1305", &c, &w), -1);
	assert_int_equal(cp_change_cost("min-version=tls1-4", &c, &w), -1);
}

/* PAN-OS releases (panos-versions.tsv) and signature schemes (sigschemes.tsv). */
static void test_firewall_model(void **state)
{
	struct cp_firewall fw;
	char err[160];
	uint16_t ids[16];
	size_t n;

	(void)state;
	assert_int_equal(cp_firewall_check_data(err, sizeof err), 0);
	assert_int_equal(cp_firewall_load(NULL, &fw, err, sizeof err), 0);
	assert_string_equal(fw.release, "12.1.2");
	assert_true(fw.strips_pq && fw.pq_option);
	assert_int_equal(fw.max_version, 0x0304);
	assert_int_equal(cp_firewall_load("11.1.3", &fw, err, sizeof err), 0);
	assert_string_equal(fw.release, "11.1");
	assert_true(fw.strips_pq && !fw.pq_option);
	assert_true(cp_firewall_strips_group(&fw, X25519MLKEM768));
	assert_false(cp_firewall_strips_group(&fw, X25519));
	assert_int_equal(cp_firewall_load("10.2", &fw, err, sizeof err), 0);
	assert_string_equal(fw.release, "10.0");
	assert_false(cp_firewall_strips_group(&fw, X25519MLKEM768));
	assert_int_equal(cp_firewall_load("9.1.14", &fw, err, sizeof err), 0);
	assert_int_equal(fw.max_version, 0x0303);
	assert_int_equal(cp_firewall_load("8.1", &fw, err, sizeof err), -1);
	assert_non_null(strstr(err, "starts at PAN-OS 9.1"));
	assert_int_equal(cp_firewall_load("11.x", &fw, err, sizeof err), -1);
	assert_int_equal(cp_firewall_load("11.", &fw, err, sizeof err), -1);
	assert_int_equal(cp_firewall_load("1.2.3.4", &fw, err, sizeof err), -1);

	/* RFC 8446 4.2.3: TLS 1.3 ECDSA schemes bind the curve, RSA keys sign
	 * with PSS only; TLS 1.2 takes any ECDSA hash and PKCS#1 too */
	n = cp_sigschemes_for_key("EC", "secp521r1", 0x0304, ids, 16);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 0x0603);
	n = cp_sigschemes_for_key("EC", "secp521r1", 0x0303, ids, 16);
	assert_int_equal(n, 4);
	n = cp_sigschemes_for_key("RSA", NULL, 0x0304, ids, 16);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ids[i] >> 8, 0x08);
	assert_int_equal(cp_sigschemes_for_key("RSA", NULL, 0x0303, ids, 16), 7);
	assert_int_equal(cp_sigschemes_for_key("RSA-PSS", NULL, 0x0304, ids, 16), 3);
	assert_int_equal(cp_sigschemes_for_key("X25519", NULL, 0x0304, ids, 16), 0);
	assert_string_equal(cp_sigscheme_key(0x0807), "Ed25519");
	assert_null(cp_sigscheme_key(0xFFFF));
}

/* A captured hello (--proxy-hello) decides the firewall's groups: a group
 * the browser offers but the capture lacks is the firewall's to block. */
static void test_captured_groups_are_the_firewall(void **state)
{
	const struct server srv = { .host = "p384.example",
				    .protos = { { CP_P_TLS13, { 0x1301 } } },
				    .groups = { { 0x0018, T13 } },
				    .replay = RP_FAIL,
				    .alert = 40 };
	struct cp_result *r = make_result(&srv);
	struct cp_firewall fw;
	struct cp_offer cap = { .min_version = 0x0303,
				.max_version = 0x0304,
				.suites = { 0x1301 },
				.nsuites = 1,
				.groups = { X25519, SECP256R1 },
				.ngroups = 2,
				.sigalgs = { 0x0804, 0x0403 },
				.nsigalgs = 2 };
	struct cp_profile p;

	(void)state;
	assert_int_equal(cp_profile_builtin("panos-recommended", &p), 0);
	assert_int_equal(cp_firewall_load(NULL, &fw, NULL, 0), 0);
	fw.captured = &cap;
	r->verdict = cp_advise(r, &p, get_client("chrome"), &fw);
	assert_non_null(r->verdict);
	assert_false(r->verdict->compatible);
	assert_int_equal(r->verdict->ncauses, 1);
	assert_int_equal(r->verdict->causes[0].axis, CP_AXIS_GROUP);
	assert_int_equal(r->verdict->causes[0].blocked_by, CP_BY_FIREWALL);
	assert_non_null(strstr(r->verdict->reason, "captured hello"));
	assert_non_null(strstr(r->verdict->assumes, "captured hello"));
	assert_true(r->verdict->no_decrypt);
	assert_null(r->verdict->fix);
	free_result(r);
}

static void test_profile_apply(void **state)
{
	struct cp_profile p, q;
	char c0[] = "auth-algo-sha1", c1[] = "max-version=tls1-3",
	     c2[] = "block-expired-certificate=no", c3[] = "min-version=tls1-1",
	     c4[] = "enc-algo-aes-chacha20-poly1305", c5[] = "min-version=tls1-3",
	     c6[] = "max-version=tls1-2";
	char *ok_changes[] = { c0, c1, c2, c3 };
	struct cp_fix ok = { .changes = ok_changes, .nchanges = 4 };
	char *bad_changes[] = { c0, c4 };
	struct cp_fix bad = { .changes = bad_changes, .nchanges = 2 };
	char *inverted_changes[] = { c5, c6 };
	struct cp_fix inverted = { .changes = inverted_changes, .nchanges = 2 };
	char err[128] = "";

	(void)state;
	hand_profile("strict", &p);
	p.max_version = 0x0303;
	assert_int_equal(cp_profile_apply(&p, &ok, &q, err, sizeof err), 0);
	assert_true(q.flags & CP_PANOS_AUTH_SHA1);
	assert_int_equal(q.flags & ~CP_PANOS_AUTH_SHA1, p.flags);
	assert_int_equal(q.max_version, 0x0304);
	assert_int_equal(q.min_version, 0x0302);
	assert_false(q.fwd & CP_FWD_BLOCK_EXPIRED_CERTIFICATE);
	assert_true(q.fwd & CP_FWD_BLOCK_UNTRUSTED_ISSUER);
	assert_string_equal(q.name, p.name);

	assert_int_equal(cp_profile_apply(&p, &bad, &q, err, sizeof err), -1);
	assert_non_null(strstr(err, "enc-algo-aes-chacha20-poly1305"));
	assert_int_equal(cp_profile_apply(&p, &inverted, &q, err, sizeof err), -1);
}

/* ---- fleet ------------------------------------------------------------ */

struct fleet_run {
	struct cp_result *r[8];
	size_t n;
};

static void advise_all(struct fleet_run *fr, const struct server *s, size_t n,
		       const struct cp_profile *p, const struct cp_client *c)
{
	fr->n = n;
	for (size_t i = 0; i < n; i++) {
		fr->r[i] = make_result(&s[i]);
		fr->r[i]->verdict = cp_advise(fr->r[i], p, c, NULL);
		assert_non_null(fr->r[i]->verdict);
	}
}

static void free_all(struct fleet_run *fr)
{
	for (size_t i = 0; i < fr->n; i++)
		free_result(fr->r[i]);
}

static bool has_cmd(const struct cp_fleet *f, const char *want)
{
	for (size_t i = 0; i < f->ncommands; i++)
		if (!strcmp(f->commands[i], want))
			return true;
	return false;
}

/* Three SHA1-only hosts, one 3DES-only host, one modern host. */
static void test_fleet_sha1_and_3des(void **state)
{
	const struct server s[] = {
		{ .host = "a.example",
		  .protos = { { CP_P_TLS12, { 0xC013 } } },
		  .replay = RP_FAIL },
		{ .host = "b.example",
		  .protos = { { CP_P_TLS12, { 0xC014 } } },
		  .replay = RP_FAIL },
		{ .host = "c.example",
		  .protos = { { CP_P_TLS12, { 0xC013, 0x002F } } },
		  .replay = RP_FAIL },
		{ .host = "legacy.example",
		  .protos = { { CP_P_TLS12, { 0x000A } } },
		  .replay = RP_FAIL },
		SRV_MODERN(RP_OK),
	};
	struct fleet_run fr;
	struct cp_profile p;
	struct cp_fleet f;
	json_t *j;

	(void)state;
	assert_int_equal(cp_profile_builtin("panos-recommended", &p), 0);
	advise_all(&fr, s, 5, &p, get_client("any"));
	assert_int_equal(cp_advise_fleet((const struct cp_result *const *)fr.r, fr.n, &p, &f), 0);
	assert_int_equal(f.nchanges, 1);
	assert_string_equal(f.changes[0], "auth-algo-sha1");
	assert_int_equal(f.change_fixes[0], 3);
	assert_int_equal(f.fixes, 3);
	assert_int_equal(f.nno_decrypt, 1);
	assert_string_equal(f.no_decrypt[0], "legacy.example");
	assert_true(has_cmd(
		&f,
		"set profiles decryption panos-recommended ssl-protocol-settings auth-algo-sha1 yes"));
	assert_true(has_cmd(
		&f,
		"set profiles custom-url-category cipherprobe-no-decrypt type \"URL List\" list [ legacy.example ]"));
	assert_true(has_cmd(&f, "move rulebase decryption rules cipherprobe-no-decrypt top"));
	assert_string_equal(f.commands[f.ncommands - 1], "commit");

	j = cp_fleet_to_json(&f);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "fixes")), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "changes"), 0)),
			    "auth-algo-sha1");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "no_decrypt"), 0)),
			    "legacy.example");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "change_fixes"),
							    "auth-algo-sha1")),
			 3);
	assert_true(json_is_array(json_object_get(j, "commands")));
	json_decref(j);
	cp_fleet_free(&f);
	free_all(&fr);
}

/*
 * Greedy by fixes per cost: SHA1 (cost 4) fixes B, C, D = 0.75 per unit,
 * RSA (cost 6) fixes A, B, C = 0.5; SHA1 goes first (3 fixed), then RSA
 * adds A (4 fixed in all).
 */
static void test_fleet_greedy_order(void **state)
{
	const struct server s[] = {
		{ .host = "A", .protos = { { CP_P_TLS12, { 0x009C } } }, .replay = RP_FAIL },
		{ .host = "B",
		  .protos = { { CP_P_TLS12, { 0x009C, 0xC013 } } },
		  .replay = RP_FAIL },
		{ .host = "C",
		  .protos = { { CP_P_TLS12, { 0xC013, 0x009C } } },
		  .replay = RP_FAIL },
		{ .host = "D", .protos = { { CP_P_TLS12, { 0xC014 } } }, .replay = RP_FAIL },
	};
	struct fleet_run fr;
	struct cp_profile p;
	struct cp_fleet f;

	(void)state;
	assert_int_equal(cp_profile_builtin("panos-recommended", &p), 0);
	p.loc = CP_LOC_DEVICE_GROUP;
	snprintf(p.device_group, sizeof p.device_group, "DG1");
	snprintf(p.name, sizeof p.name, "Lab");
	advise_all(&fr, s, 4, &p, get_client("chrome"));
	assert_int_equal(cp_advise_fleet((const struct cp_result *const *)fr.r, fr.n, &p, &f), 0);
	assert_int_equal(f.nchanges, 2);
	assert_string_equal(f.changes[0], "auth-algo-sha1");
	assert_string_equal(f.changes[1], "keyxchg-algo-rsa");
	assert_int_equal(f.change_fixes[0], 3);
	assert_int_equal(f.change_fixes[1], 4);
	assert_int_equal(f.fixes, 4);
	assert_int_equal(f.nno_decrypt, 0);
	assert_true(has_cmd(
		&f,
		"set device-group DG1 profiles decryption Lab ssl-protocol-settings keyxchg-algo-rsa yes"));
	cp_fleet_free(&f);
	free_all(&fr);
}

/* No weak change for the fleet, even when it would fix the most hosts. */
static void test_fleet_never_weak(void **state)
{
	const struct server s[] = {
		{ .host = "x.example",
		  .protos = { { CP_P_TLS12, { 0x000A } } },
		  .replay = RP_FAIL },
		{ .host = "y.example",
		  .protos = { { CP_P_TLS12, { 0x000A } } },
		  .replay = RP_FAIL },
		{ .host = "pq.example",
		  .protos = { { CP_P_TLS13, { 0x1301 } } },
		  .groups = { { X25519MLKEM768, T13 } },
		  .replay = RP_FAIL },
		{ .host = "dhe.example",
		  .protos = { { CP_P_TLS12, { 0x009E } } },
		  .replay = RP_FAIL },
	};
	struct fleet_run fr;
	struct cp_profile p;
	struct cp_fleet f;

	(void)state;
	assert_int_equal(cp_profile_builtin("panos-recommended", &p), 0);
	p.flags &= ~CP_PANOS_KX_DHE;
	p.loc = CP_LOC_SHARED;
	advise_all(&fr, s, 4, &p, get_client("any"));
	assert_int_equal(cp_advise_fleet((const struct cp_result *const *)fr.r, fr.n, &p, &f), 0);
	/* the DHE host needs keyxchg-algo-dhe, which is not weak */
	assert_int_equal(f.nchanges, 1);
	assert_string_equal(f.changes[0], "keyxchg-algo-dhe");
	assert_int_equal(f.fixes, 1);
	assert_int_equal(f.nno_decrypt, 3);
	assert_string_equal(f.no_decrypt[0], "x.example");
	assert_string_equal(f.no_decrypt[1], "y.example");
	assert_string_equal(f.no_decrypt[2], "pq.example");
	assert_true(has_cmd(
		&f,
		"set shared profiles custom-url-category cipherprobe-no-decrypt type \"URL List\" list [ x.example y.example pq.example ]"));
	cp_fleet_free(&f);
	free_all(&fr);
}

/* ---- renderers -------------------------------------------------------- */

static void test_verdict_json(void **state)
{
	const struct server bad = SRV_SHA1_ONLY(RP_FAIL), good = SRV_MODERN(RP_OK);
	struct cp_result *r1 = make_result(&bad), *r2 = make_result(&good);
	struct cp_profile p;
	json_t *j, *fix, *neg;

	(void)state;
	assert_int_equal(cp_profile_builtin("panos-recommended", &p), 0);
	r1->verdict = cp_advise(r1, &p, get_client("chrome"), NULL);
	r2->verdict = cp_advise(r2, &p, get_client("chrome"), NULL);
	assert_non_null(r1->verdict);
	assert_non_null(r2->verdict);

	j = cp_verdict_to_json(r1->verdict);
	assert_non_null(j);
	assert_true(json_is_false(json_object_get(j, "compatible")));
	assert_true(json_is_null(json_object_get(j, "negotiated")));
	assert_true(json_is_string(json_object_get(j, "reason")));
	fix = json_object_get(j, "fix");
	assert_true(json_is_object(fix));
	assert_int_equal(json_array_size(json_object_get(fix, "changes")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(fix, "changes"), 0)),
			    "auth-algo-sha1");
	assert_true(json_is_false(json_object_get(fix, "weak")));
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(fix, "commands"), 0)),
		"set profiles decryption panos-recommended ssl-protocol-settings auth-algo-sha1 yes");
	assert_true(json_is_array(json_object_get(j, "alternatives")));
	assert_int_equal(json_array_size(json_object_get(j, "alternatives")), 0);
	assert_true(json_is_false(json_object_get(j, "no_decrypt")));
	assert_true(json_is_null(json_object_get(j, "verified")));
	assert_string_equal(json_string_value(json_object_get(j, "scm_patch")),
			    "{\"ssl_protocol_settings\":{\"auth_algo_sha1\":true}}");
	json_decref(j);

	r2->verdict->verified = 1;
	j = cp_verdict_to_json(r2->verdict);
	assert_non_null(j);
	assert_true(json_is_true(json_object_get(j, "compatible")));
	neg = json_object_get(j, "negotiated");
	assert_string_equal(json_string_value(json_object_get(neg, "version")), "TLSv1.3");
	assert_string_equal(json_string_value(json_object_get(neg, "cipher")),
			    "TLS_AES_128_GCM_SHA256");
	assert_true(json_is_null(json_object_get(j, "fix")));
	assert_true(json_is_true(json_object_get(j, "verified")));
	json_decref(j);

	assert_true(json_is_null(cp_verdict_to_json(NULL)));
	free_result(r1);
	free_result(r2);
}

static char *print_to_string(const struct cp_verdict *v, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cp_verdict_print(f, v, color, false), 0);
	fclose(f);
	return buf;
}

static void test_verdict_print(void **state)
{
	const struct server bad = SRV_SHA1_ONLY(RP_FAIL);
	struct cp_result *r = make_result(&bad);
	struct cp_profile p;
	char *plain, *colored;

	(void)state;
	assert_int_equal(cp_profile_builtin("panos-recommended", &p), 0);
	r->verdict = cp_advise(r, &p, get_client("chrome"), NULL);
	assert_non_null(r->verdict);
	plain = print_to_string(r->verdict, false);
	colored = print_to_string(r->verdict, true);
	assert_non_null(strstr(
		plain,
		"VERDICT: incompatible \xe2\x80\x94 of the suites Chrome 136 offers, the server accepts only"));
	assert_non_null(strstr(plain, "\ncauses: suite blocked by profile\n"));
	assert_non_null(strstr(plain, "\nassumes: PAN-OS "));
	assert_non_null(strstr(plain, "\nfix: auth-algo-sha1\n"));
	assert_non_null(strstr(
		plain,
		"  set profiles decryption panos-recommended ssl-protocol-settings auth-algo-sha1 yes\n"));
	assert_null(strchr(plain, '\033'));
	assert_non_null(strstr(colored, "\033[31mincompatible\033[0m"));
	free(plain);
	free(colored);
	free_result(r);
}

/*
 * Names the loaders refuse, put in by hand (the loader bypassed): the
 * commands carry the placeholder instead, never the name (issue 12).
 */
static void test_commands_refuse_bad_names(void **state)
{
	static const char *const names[] = {
		"Corp\n  delete rulebase security rules\n  set x",
		"Corp\"x",
		"Corp\x1b[31m",
		"Fran\xe7"
		"ais",
		"Corp\\x1B",
		"Co\xe2\x80\xaerp",
	};
	char c0[] = "auth-algo-sha1";
	char *changes[] = { c0 };

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct cp_profile p;
		char **cmds;
		size_t n;

		hand_profile("corp12", &p);
		p.loc = CP_LOC_DEVICE_GROUP;
		snprintf(p.name, sizeof p.name, "%s", names[i]);
		snprintf(p.device_group, sizeof p.device_group, "%s", names[i]);
		assert_int_equal(cp_change_commands(&p, changes, 1, &cmds, &n), 0);
		assert_int_equal(n, 2);
		assert_string_equal(cmds[0],
				    "set device-group <DEVICE-GROUP> profiles decryption <PROFILE> "
				    "ssl-protocol-settings auth-algo-sha1 yes");
		cp_strv_free(cmds, n);
	}
}

/* A hostile name that reached the verdict anyway: JSON is still built
 * (no "out of memory"), text prints it escaped. */
static void test_verdict_hostile_strings(void **state)
{
	const struct server bad = SRV_SHA1_ONLY(RP_FAIL);
	struct cp_result *r = make_result(&bad);
	struct cp_profile p;
	json_t *j;
	char *text, *dump;

	(void)state;
	hand_profile("corp12", &p);
	r->verdict = cp_advise(r, &p, get_client("chrome"), NULL);
	assert_non_null(r->verdict);
	assert_true(r->verdict->ncommands > 0);
	/* as if a command, reason and message held what a loader never lets in */
	free(r->verdict->commands[0]);
	r->verdict->commands[0] = strdup("set profiles decryption Fran\xe7"
					 "ais\x1b]0;x\x07 ok");
	free(r->verdict->reason);
	r->verdict->reason = strdup("why \xc2\x9b"
				    "31m \xe2\x80\xae\r\\x1B");
	assert_non_null(r->verdict->commands[0]);
	assert_non_null(r->verdict->reason);
	j = cp_verdict_to_json(r->verdict);
	assert_non_null(j);
	dump = json_dumps(j, JSON_COMPACT);
	assert_non_null(dump);
	assert_non_null(strstr(dump, "Fran\\\\xE7ais\\u001B]0;x\\u0007"));
	free(dump);
	json_decref(j);
	text = print_to_string(r->verdict, false);
	assert_non_null(strstr(text, "  set profiles decryption Fran\\xE7ais\\x1B]0;x\\x07 ok\n"));
	assert_non_null(strstr(text, "why \\xC2\\x9B31m \\xE2\\x80\\xAE\\x0D\\\\x1B\n"));
	assert_null(strchr(text, '\033'));
	assert_null(strchr(text, '\r'));
	free(text);
	free_result(r);
}

/* Hosts that would split the URL-list command are left out of it. */
static void test_fleet_skips_unsafe_hosts(void **state)
{
	const struct server s[] = {
		{ .host = "legacy.example",
		  .protos = { { CP_P_TLS12, { 0x000A } } },
		  .replay = RP_FAIL },
		{ .host = "evil ] commit\nx",
		  .protos = { { CP_P_TLS12, { 0x000A } } },
		  .replay = RP_FAIL },
	};
	struct fleet_run fr;
	struct cp_profile p;
	struct cp_fleet f;

	(void)state;
	assert_int_equal(cp_profile_builtin("panos-recommended", &p), 0);
	advise_all(&fr, s, 2, &p, get_client("any"));
	assert_int_equal(cp_advise_fleet((const struct cp_result *const *)fr.r, fr.n, &p, &f), 0);
	assert_int_equal(f.nno_decrypt, 2);
	assert_true(has_cmd(
		&f,
		"set profiles custom-url-category cipherprobe-no-decrypt type \"URL List\" list [ legacy.example ]"));
	for (size_t i = 0; i < f.ncommands; i++)
		assert_null(strchr(f.commands[i], '\n'));
	cp_fleet_free(&f);
	free_all(&fr);
}

int main(void)
{
	size_t nc = sizeof cases / sizeof cases[0];
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_error_record_has_no_verdict),
		cmocka_unit_test(test_fix_outputs_sha1),
		cmocka_unit_test(test_set_command_forms),
		cmocka_unit_test(test_commands_reject_unknown_change),
		cmocka_unit_test(test_weakness_table),
		cmocka_unit_test(test_profile_apply),
		cmocka_unit_test(test_firewall_model),
		cmocka_unit_test(test_captured_groups_are_the_firewall),
		cmocka_unit_test(test_fleet_sha1_and_3des),
		cmocka_unit_test(test_fleet_greedy_order),
		cmocka_unit_test(test_fleet_never_weak),
		cmocka_unit_test(test_verdict_json),
		cmocka_unit_test(test_verdict_print),
		cmocka_unit_test(test_commands_refuse_bad_names),
		cmocka_unit_test(test_verdict_hostile_strings),
		cmocka_unit_test(test_fleet_skips_unsafe_hosts),
	};
	size_t nf = sizeof fixed / sizeof fixed[0];
	struct CMUnitTest *t = calloc(nc + nf, sizeof *t);
	int rc;

	if (!t)
		return 1;
	/* one TAP line per table case, named after it */
	for (size_t i = 0; i < nc; i++) {
		t[i].name = cases[i].name;
		t[i].test_func = run_case;
		t[i].initial_state = (void *)&cases[i];
	}
	memcpy(t + nc, fixed, sizeof fixed);
	rc = _cmocka_run_group_tests("advise", t, nc + nf, NULL, NULL);
	free(t);
	return rc;
}
