/* SPDX-License-Identifier: MIT */
/*
 * Properties of the advisor's solver over random servers, profiles and
 * clients (a fixed seed, so a failure reproduces):
 *
 *  - every verdict has a one-line reason; compatible verdicts carry no
 *    causes, incompatible ones with a fix carry at least one;
 *  - a fix, applied to the profile, makes the model's handshake succeed
 *    (the verdict for the fixed profile, predicted without a replay, is
 *    compatible);
 *  - no cheaper set of one or two changes from the weakness table does;
 *  - a verdict that blames the client offers no fix and no no-decrypt;
 *    one that blames only the firewall offers no fix and a no-decrypt.
 *
 * These check the search against its own model; the conformance suite
 * (tests/conformance/) checks the model against real handshakes.
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

#include "policy/advise.h"
#include "policy/advise_int.h"
#include "policy/firewall.h"
#include "policy/offer.h"
#include "policy/profile.h"
#include "registry.h"
#include "result.h"

#define ROUNDS 4000

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

/* A server: a few versions, each with a few suites valid there (some
 * PAN-OS cannot decrypt), groups, sometimes probed signature schemes,
 * a certificate key and chain problems. */
static struct cp_result *random_server(void)
{
	static const uint16_t groups[] = { 0x001D, 0x001E, 0x0017, 0x0018, 0x0019, 0x11EC, 0x0100 };
	static const uint16_t schemes[] = {
		0x0201, 0x0401, 0x0804, 0x0403, 0x0603, 0x0809, 0x0807
	};
	static const char *const keys[][2] = {
		{ "RSA", NULL }, { "EC", "secp256r1" }, { "EC", "secp521r1" }, { "RSA-PSS", NULL }
	};
	struct cp_result *r = cp_result_new("random.example");
	size_t nsuites = cp_suite_count();

	assert_non_null(r);
	r->host = strdup("random.example");
	for (int pi = CP_P_SSL3; pi < CP_P__COUNT; pi++) {
		unsigned bit = cp_proto_bit((enum cp_proto)pi);
		unsigned want = rnd(4);

		if (rnd(3) == 0)
			continue;
		for (unsigned tries = 0; tries < 400 && r->proto[pi].nsuites < want; tries++) {
			const struct cp_suite *cs = cp_suite_at(rnd((uint32_t)nsuites));

			/* mostly suites PAN-OS maps, so fixes exist */
			if (!cs || cs->scsv || !(cs->versions & bit) || (!cs->panos && rnd(4)))
				continue;
			assert_int_equal(cp_result_add_suite(r, (enum cp_proto)pi, cs->id), 0);
		}
		r->proto[pi].probed = true;
	}
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if (rnd(3) == 0)
			assert_int_equal(cp_result_add_group(r, groups[i],
							     rnd(2) ? CP_VER_TLS13 : CP_VER_TLS12),
					 0);
	if (rnd(3) == 0)
		for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
			if (rnd(2)) {
				assert_int_equal(
					cp_result_add_sigalg(r, schemes[i],
							     rnd(2) ? CP_VER_TLS13 : CP_VER_TLS12),
					0);
				r->sigalgs_probed = true;
			}
	if (rnd(2)) {
		const char *const *k = keys[rnd(4)];

		r->cert.present = true;
		r->cert.key_type = strdup(k[0]);
		r->cert.curve = k[1] ? strdup(k[1]) : NULL;
		if (rnd(3) == 0) {
			r->cert.chain_checked = true;
			r->cert.chain_errors = 1u << rnd(7);
		}
	}
	return r;
}

static void random_profile(struct cp_profile *p)
{
	static const uint16_t mins[] = { 0x0300, 0x0301, 0x0302, 0x0303, 0x0304 };
	static const uint16_t maxs[] = { 0x0301, 0x0302, 0x0303, 0x0304 };

	assert_int_equal(cp_profile_builtin(rnd(2) ? "panos-default" : "panos-recommended", p), 0);
	for (unsigned b = 0; b < CP_PANOS_NFLAGS; b++)
		if (rnd(5) == 0)
			p->flags ^= 1u << b;
	if (rnd(3) == 0) {
		p->min_version = mins[rnd(5)];
		p->max_version = maxs[rnd(4)];
		if (p->min_version > p->max_version)
			p->min_version = p->max_version;
		p->max_is_max = false;
	}
	if (rnd(3) == 0)
		p->fwd ^= CP_FWD_BLOCK_UNTRUSTED_ISSUER;
}

/* The model's word on profile q, without a replay. */
static bool model_compatible(struct cp_result *r, const struct cp_profile *q,
			     const struct cp_client *c)
{
	struct cp_verdict *v = cp_advise(r, q, c, NULL);
	bool ok;

	assert_non_null(v);
	ok = v->compatible;
	cp_verdict_free(v);
	return ok;
}

static int apply_rows(const struct cp_wtable *t, const struct cp_profile *p, const size_t *rows,
		      size_t n, struct cp_profile *out)
{
	char *ch[2];
	struct cp_fix f = { .changes = ch, .nchanges = n };

	for (size_t i = 0; i < n; i++)
		ch[i] = (char *)t->row[rows[i]].change;
	return cp_profile_apply(p, &f, out, NULL, 0);
}

/* The cost the solver gives a change set on profile p. */
static unsigned set_cost(const struct cp_wtable *t, const struct cp_profile *p, const size_t *rows,
			 size_t n)
{
	unsigned cost = 0;

	for (size_t i = 0; i < n; i++) {
		struct cp_prof_change chg;

		cost += t->row[rows[i]].cost;
		if (!cp_change_parse(t->row[rows[i]].change, &chg) && chg.kind == CP_CHG_MAX &&
		    chg.wire < p->max_version)
			cost += t->lower_max_cost;
	}
	return cost;
}

/* How many verdicts of each kind the rounds produced: each must occur, or
 * the properties were checked on nothing. */
static size_t n_compatible, n_fix, n_client, n_firewall;

static void check_one(struct cp_result *r, const struct cp_profile *p, const struct cp_client *c)
{
	const struct cp_wtable *t = cp_wt_get();
	struct cp_verdict *v = cp_advise(r, p, c, NULL);
	bool blames_client = false, blames_firewall = false, blames_profile = false;

	assert_non_null(v);
	assert_non_null(v->reason);
	assert_true(v->reason[0] != '\0');
	assert_null(strchr(v->reason, '\n'));
	for (size_t i = 0; i < v->ncauses; i++) {
		blames_client = blames_client || v->causes[i].blocked_by == CP_BY_CLIENT;
		blames_firewall = blames_firewall || v->causes[i].blocked_by == CP_BY_FIREWALL;
		blames_profile = blames_profile || v->causes[i].blocked_by == CP_BY_PROFILE;
		if (!strstr(v->reason, v->causes[i].detail))
			fail_msg("cause %s/%s \"%s\" is not in the reason \"%s\"",
				 cp_axis_name(v->causes[i].axis),
				 cp_party_name(v->causes[i].blocked_by), v->causes[i].detail,
				 v->reason);
	}
	if (v->compatible)
		assert_int_equal(v->ncauses, 0);
	n_compatible += v->compatible;
	n_fix += v->fix != NULL;
	n_client += blames_client;
	n_firewall += blames_firewall && !blames_profile;
	if (v->fix)
		assert_true(v->ncauses > 0 && blames_profile);
	if (blames_client) {
		assert_null(v->fix);
		assert_false(v->no_decrypt);
	}
	if (blames_firewall && !blames_profile) {
		assert_null(v->fix);
		assert_true(v->no_decrypt);
	}
	if (v->fix) {
		struct cp_profile q;
		bool fixed_ok;

		assert_int_equal(cp_profile_apply(p, v->fix, &q, NULL, 0), 0);
		fixed_ok = model_compatible(r, &q, c);
		if (!fixed_ok)
			fail_msg("the fix does not open a path: %s", v->reason);
		/* no cheaper single change or pair does */
		for (size_t i = 0; i < t->n; i++)
			for (size_t j = i; j < t->n; j++) {
				size_t rows[2] = { i, j };
				size_t n = i == j ? 1 : 2;
				struct cp_profile q2;

				if (set_cost(t, p, rows, n) >= v->fix->cost ||
				    apply_rows(t, p, rows, n, &q2))
					continue;
				if (model_compatible(r, &q2, c))
					fail_msg(
						"%s%s%s (cost %u) is cheaper than the fix (cost %u): %s",
						t->row[i].change, n == 2 ? " + " : "",
						n == 2 ? t->row[j].change : "",
						set_cost(t, p, rows, n), v->fix->cost, v->reason);
			}
	}
	cp_verdict_free(v);
}

static void test_random_verdicts(void **state)
{
	(void)state;
	for (int round = 0; round < ROUNDS; round++) {
		struct cp_result *r = random_server();
		struct cp_profile p;
		const struct cp_client *c = cp_clients[rnd(4)];

		assert_non_null(c);
		random_profile(&p);
		check_one(r, &p, c);
		cp_result_free(r);
	}
	print_message(
		"%d rounds: %zu compatible, %zu with a fix, %zu blame the client, %zu only the firewall\n",
		ROUNDS, n_compatible, n_fix, n_client, n_firewall);
	assert_true(n_compatible > ROUNDS / 50 && n_fix > ROUNDS / 20);
	assert_true(n_client > ROUNDS / 50 && n_firewall > ROUNDS / 100);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_verdicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
