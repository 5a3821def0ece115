/* SPDX-License-Identifier: MIT */
/*
 * The signature-scheme chains (probe/sigalgs.c) driven without sockets: a
 * scripted server answers each hello the chain describes, as OpenSSL does
 * (RFC 8446 4.2.3: TLS 1.3 refuses the hello with handshake_failure when no
 * offered scheme fits its key; TLS 1.2 signs ServerKeyExchange with the
 * first scheme of its own list the client offered).  Checks what is found,
 * how many hellos it takes, and what an odd answer does.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "probe/chain.h"
#include "registry.h"

/* A scripted server: the schemes it can sign with at each version, in its
 * preference order; odd behaviour on demand. */
struct fake {
	const uint16_t *s13, *s12;
	size_t n13, n12;
	bool timeout;     /* never answer */
	uint16_t rogue12; /* sign TLS 1.2 with this scheme, offered or not */
	unsigned hellos;
};

static bool offered(const struct cp_probe_spec *s, uint16_t id)
{
	for (size_t i = 0; i < s->hp.nsigalgs; i++)
		if (s->hp.sigalgs[i] == id)
			return true;
	return false;
}

static void answer(struct fake *f, struct cp_chain *c, const struct cp_probe_spec *s)
{
	struct cp_wire_result w;
	struct cp_conn_report rep;
	const uint16_t *list = c->proto == CP_P_TLS13 ? f->s13 : f->s12;
	size_t n = c->proto == CP_P_TLS13 ? f->n13 : f->n12;
	uint16_t pick = 0;

	cp_chain_note_sent(c, s); /* what the engine remembers of a hello */
	f->hellos++;
	memset(&w, 0, sizeof w);
	memset(&rep, 0, sizeof rep);
	rep.wire = &w;
	rep.sent = 1;
	if (f->timeout) {
		rep.outcome = CP_CONN_TIMEOUT;
		c->ops->answer(c, &rep);
		return;
	}
	rep.outcome = CP_CONN_ANSWER;
	for (size_t i = 0; i < n && !pick; i++)
		if (offered(s, list[i]))
			pick = list[i];
	if (f->rogue12 && c->proto == CP_P_TLS12)
		pick = f->rogue12;
	if (!pick) {
		w.seen = CP_SEEN_ALERT;
		w.alert_level = 2;
		w.alert_desc = 40; /* handshake_failure */
		c->ops->answer(c, &rep);
		return;
	}
	w.seen = CP_SEEN_SERVER_HELLO;
	w.sh.suite = s->hp.suites[0];
	if (c->proto == CP_P_TLS13) {
		w.sh.legacy_version = 0x0303;
		w.sh.version = 0x0304;
		w.sh.has_supported_versions = true;
		w.sh.has_key_share = true;
		w.sh.key_share_group = s->hp.share_groups[0];
	} else {
		w.sh.legacy_version = w.sh.version = 0x0303;
		w.seen |= CP_SEEN_SKE | CP_SEEN_SHD;
		w.ske.ecdhe = true;
		w.ske.curve_type = 3;
		w.ske.group = 23;
		w.ske.sig_scheme = pick;
	}
	c->ops->answer(c, &rep);
}

/* A job whose suite probes found one suite at each version (settled). */
struct rig {
	struct cp_scan_opts o;
	struct cp_job j;
	struct cp_chain chains[2];
};

static void rig_init(struct rig *g)
{
	memset(g, 0, sizeof *g);
	cp_scan_opts_default(&g->o);
	g->j.opts = &g->o;
	g->j.res = cp_result_new("test");
	assert_non_null(g->j.res);
	assert_int_equal(cp_result_add_suite(g->j.res, CP_P_TLS13, 0x1301), 0);
	assert_int_equal(cp_result_add_suite(g->j.res, CP_P_TLS12, 0xC02F), 0);
	assert_int_equal(cp_result_add_suite(g->j.res, CP_P_TLS12, 0x009C),
			 0); /* RSA kx: skipped */
	g->j.chains = g->chains;
	g->j.nchains = g->j.cap_chains = 2;
	g->chains[0].ops = &cp_chain_sigalgs13;
	g->chains[0].proto = CP_P_TLS13;
	g->chains[1].ops = &cp_chain_sigalgs12;
	g->chains[1].proto = CP_P_TLS12;
	for (int i = 0; i < 2; i++)
		g->chains[i].job = &g->j;
}

/* Run one chain to its end against f; returns hellos sent. */
static unsigned drive(struct cp_chain *c, struct fake *f)
{
	struct cp_probe_spec s;
	unsigned before = f->hellos;
	enum cp_next nx;

	while ((nx = c->ops->next(c, &s)) == CP_NEXT_PROBE) {
		if (c->proto == CP_P_TLS12)
			for (size_t i = 0; i < s.hp.nsuites; i++)
				assert_int_equal(s.hp.suites[i], 0xC02F); /* ECDHE only */
		answer(f, c, &s);
		assert_true(f->hellos - before < 100);
	}
	assert_int_equal(nx, CP_NEXT_DONE);
	c->state = CP_CHAIN_DONE;
	return f->hellos - before;
}

static unsigned versions_of(const struct cp_result *r, uint16_t id)
{
	for (size_t i = 0; i < r->nsigalgs; i++)
		if (r->sigalgs[i].id == id)
			return r->sigalgs[i].versions;
	return 0;
}

/* Families offered at TLS 1.3 by the data (rows with one key in a row). */
static unsigned families13(void)
{
	unsigned n = 0;
	const char *last = NULL;
	for (unsigned rank = 1; rank < 64; rank++)
		for (size_t i = 0; i < cp_sigscheme_count(); i++) {
			const struct cp_sigscheme *s = cp_sigscheme_at(i);
			if (s->probe != rank || !(s->versions & CP_VER_TLS13))
				continue;
			if (!last || strcmp(last, s->key))
				n++;
			last = s->key;
		}
	return n;
}

/* The usual RSA server: rsa_pss_rsae at both versions, PKCS#1 at 1.2. */
static void test_rsa_server(void **state)
{
	static const uint16_t s13[] = { 0x0804, 0x0805, 0x0806 };
	static const uint16_t s12[] = { 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601 };
	struct fake f = { .s13 = s13, .n13 = 3, .s12 = s12, .n12 = 6 };
	struct rig g;
	(void)state;

	rig_init(&g);
	unsigned h13 = drive(&g.chains[0], &f);
	unsigned h12 = drive(&g.chains[1], &f);
	struct cp_result *r = g.j.res;
	assert_int_equal(r->nsigalgs, 6);
	assert_int_equal(versions_of(r, 0x0804), CP_VER_TLS12 | CP_VER_TLS13);
	assert_int_equal(versions_of(r, 0x0806), CP_VER_TLS12 | CP_VER_TLS13);
	assert_int_equal(versions_of(r, 0x0401), CP_VER_TLS12);
	assert_int_equal(versions_of(r, 0x0809), 0);
	assert_true(r->sigalgs_probed);
	/* one hello per family, plus one per member of the accepted family */
	assert_int_equal(h13, families13() + 3);
	/* one per scheme found, plus the refused one */
	assert_int_equal(h12, 7);
	/* kept in the data file's order */
	assert_int_equal(r->sigalgs[0].id, 0x0804);
	assert_int_equal(r->sigalgs[3].id, 0x0401);
	assert_int_equal(r->nviolations, 0);
	cp_result_free(r);
}

/* One member in the middle of a family: the family hello, then each
 * member alone (the one after it too: the family may hold two). */
static void test_tls13_inference(void **state)
{
	static const uint16_t s13[] = { 0x0603 }; /* ecdsa_secp521r1_sha512 */
	static const uint16_t s12[] = { 0x0603, 0x0403 };
	struct fake f = { .s13 = s13, .n13 = 1, .s12 = s12, .n12 = 2 };
	struct rig g;
	(void)state;

	rig_init(&g);
	unsigned h13 = drive(&g.chains[0], &f);
	struct cp_result *r = g.j.res;
	assert_int_equal(versions_of(r, 0x0603), CP_VER_TLS13);
	assert_int_equal(r->nsigalgs, 1);
	/* families, then the six ECDSA schemes of TLS 1.3 alone (the last is
	 * asked too: secp521r1 already explains the family hello) */
	assert_int_equal(h13, families13() + 6);
	drive(&g.chains[1], &f);
	assert_int_equal(versions_of(r, 0x0603), CP_VER_TLS12 | CP_VER_TLS13);
	assert_int_equal(versions_of(r, 0x0403), CP_VER_TLS12);
	/* the server's preference is not the offer order: still both found */
	assert_int_equal(r->nsigalgs, 2);
	cp_result_free(r);
}

/* A family where only the last member fits is settled without asking for
 * the last alone. */
static void test_tls13_last_member_inferred(void **state)
{
	static const uint16_t pss[] = { 0x080B }; /* rsa_pss_pss_sha512: last of 3 */
	struct fake f = { .s13 = pss, .n13 = 1 };
	struct rig g;
	(void)state;

	rig_init(&g);
	unsigned h13 = drive(&g.chains[0], &f);
	assert_int_equal(versions_of(g.j.res, 0x080B), CP_VER_TLS13);
	assert_int_equal(g.j.res->nsigalgs, 1);
	/* families + pss_sha256 and pss_sha384 alone (refused); sha512 inferred */
	assert_int_equal(h13, families13() + 2);
	assert_true(g.j.res->sigalgs_probed);
	cp_result_free(g.j.res);
}

/* The certificate's key type known (from a TLS 1.2 answer): its family
 * alone first, then every other family in one hello. */
static void set_cert(struct rig *g, const char *key)
{
	g->j.res->cert.present = true;
	g->j.res->cert.key_type = strdup(key);
	assert_non_null(g->j.res->cert.key_type);
}

static void test_tls13_hint(void **state)
{
	static const uint16_t rsa[] = { 0x0804, 0x0805, 0x0806 };
	static const uint16_t dual[] = { 0x0804, 0x0805, 0x0806, 0x0403 };
	static const uint16_t ed448[] = { 0x0804, 0x0808 };
	struct fake f = { .s13 = rsa, .n13 = 3 };
	struct rig g;
	(void)state;

	/* the usual RSA server: three alone, the rest refused at once */
	rig_init(&g);
	set_cert(&g, "RSA");
	assert_int_equal(drive(&g.chains[0], &f), 4);
	assert_int_equal(g.j.res->nsigalgs, 3);
	assert_true(g.j.res->sigalgs_probed);
	cp_result_free(g.j.res);

	/* RSA and ECDSA certificates: the rest is accepted, so each family
	 * of it is asked, and the members of the ECDSA one */
	f = (struct fake){ .s13 = dual, .n13 = 4 };
	rig_init(&g);
	set_cert(&g, "RSA");
	assert_int_equal(drive(&g.chains[0], &f), 3 + 1 + (families13() - 1) + 6);
	assert_int_equal(versions_of(g.j.res, 0x0403), CP_VER_TLS13);
	assert_int_equal(g.j.res->nsigalgs, 4);
	cp_result_free(g.j.res);

	/* the rest accepted and every family of it refused but the last:
	 * the last is the reason, without a hello of its own */
	f = (struct fake){ .s13 = ed448, .n13 = 2 };
	rig_init(&g);
	set_cert(&g, "RSA");
	assert_int_equal(drive(&g.chains[0], &f), 3 + 1 + (families13() - 2));
	assert_int_equal(versions_of(g.j.res, 0x0808), CP_VER_TLS13);
	assert_int_equal(g.j.res->nsigalgs, 2);
	cp_result_free(g.j.res);

	/* a key type with no TLS 1.3 family: the plain walk */
	f = (struct fake){ .s13 = rsa, .n13 = 3 };
	rig_init(&g);
	set_cert(&g, "DSA");
	assert_int_equal(drive(&g.chains[0], &f), families13() + 3);
	cp_result_free(g.j.res);
}

/* TLS 1.2 signed with a scheme that was not offered: a violation, not a
 * finding, and the set is not called complete. */
static void test_tls12_rogue(void **state)
{
	static const uint16_t s12[] = { 0x0401 };
	struct fake f = { .s12 = s12, .n12 = 1, .rogue12 = 0x0420 };
	struct rig g;
	(void)state;

	rig_init(&g);
	g.chains[0].state = CP_CHAIN_DONE;
	assert_int_equal(drive(&g.chains[1], &f), 1);
	assert_int_equal(g.j.res->nsigalgs, 0);
	assert_int_equal(g.j.res->nviolations, 1);
	assert_non_null(strstr(g.j.res->violations[0].what, "0x0420"));
	assert_false(g.j.res->sigalgs_probed);
	cp_result_free(g.j.res);
}

/* Timeouts: nothing found, nothing claimed. */
static void test_timeouts(void **state)
{
	struct fake f = { .timeout = true };
	struct rig g;
	(void)state;

	rig_init(&g);
	drive(&g.chains[0], &f);
	drive(&g.chains[1], &f);
	assert_int_equal(g.j.res->nsigalgs, 0);
	assert_false(g.j.res->sigalgs_probed);
	cp_result_free(g.j.res);
}

/* No ECDHE/DHE suite at TLS 1.2 and no TLS 1.3: no hello at all. */
static void test_nothing_to_sign(void **state)
{
	struct fake f = { 0 };
	struct rig g;
	struct cp_probe_spec s;
	(void)state;

	rig_init(&g);
	cp_result_free(g.j.res);
	g.j.res = cp_result_new("rsa-kx-only");
	assert_non_null(g.j.res);
	assert_int_equal(cp_result_add_suite(g.j.res, CP_P_TLS12, 0x009C), 0);
	assert_int_equal(drive(&g.chains[0], &f), 0);
	assert_int_equal(drive(&g.chains[1], &f), 0);
	assert_false(g.j.res->sigalgs_probed);
	cp_result_free(g.j.res);

	/* and a chain waits while a suite chain of its version still runs */
	rig_init(&g);
	struct cp_chain more[3];
	memcpy(more, g.chains, sizeof g.chains);
	memset(&more[2], 0, sizeof more[2]);
	more[2].ops = &cp_chain_suites_eliminate;
	more[2].proto = CP_P_TLS13;
	more[2].state = CP_CHAIN_RUNNING;
	g.j.chains = more;
	g.j.nchains = 3;
	more[0].job = more[1].job = more[2].job = &g.j;
	assert_int_equal(more[0].ops->next(&more[0], &s), CP_NEXT_WAIT);
	assert_int_equal(more[1].ops->next(&more[1], &s), CP_NEXT_PROBE);
	cp_result_free(g.j.res);
}

/* The data: every probed scheme is an assigned one with a key, a TLS 1.3
 * curve only for ECDSA, and ranks 1..n without gaps. */
static void test_data(void **state)
{
	unsigned n = 0, maxrank = 0;
	(void)state;

	for (size_t i = 0; i < cp_sigscheme_count(); i++) {
		const struct cp_sigscheme *s = cp_sigscheme_at(i);
		if (!s->probe)
			continue;
		n++;
		if (s->probe > maxrank)
			maxrank = s->probe;
		assert_non_null(s->key);
		assert_true(s->versions & (CP_VER_TLS12 | CP_VER_TLS13));
		if (s->curve)
			assert_string_equal(s->key, "EC");
	}
	assert_true(n >= 17);
	assert_int_equal(n, maxrank);
	assert_int_equal(cp_sigscheme_by_id(0x0603)->curve, 25);
	assert_int_equal(cp_sigscheme_by_id(0x0401)->versions, CP_VER_TLS12);
	assert_string_equal(cp_sigscheme_by_id(0x0809)->key, "RSA-PSS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data),
		cmocka_unit_test(test_rsa_server),
		cmocka_unit_test(test_tls13_inference),
		cmocka_unit_test(test_tls13_last_member_inferred),
		cmocka_unit_test(test_tls13_hint),
		cmocka_unit_test(test_tls12_rogue),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_nothing_to_sign),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
