/* SPDX-License-Identifier: MIT */
/*
 * DHE with the server's own group: one more look at a TLS <= 1.2 version,
 * with a hello that lists no FFDHE group.
 *
 * Every suite probe lists the RFC 7919 FFDHE groups (DESIGN.md: without
 * them DHE suites go unseen on servers that only speak those groups).  But
 * RFC 7919 section 4 also says a server that knows none of the client's
 * FFDHE groups MUST NOT select an FFDHE suite: a server configured with a
 * legacy custom group (512 bits and smaller, as badssl.com's dh480/dh512)
 * then refuses every DHE suite, and a server that knows ffdhe2048 answers
 * with it, hiding the small group a client without that list (like the
 * proxy's own hello) would get.  So once the version's suites are known:
 *
 *   new:  offer the DHE candidates not yet found, no FFDHE groups listed;
 *         eliminate what the server picks, until it refuses;
 *   size: if nothing was accepted that way but DHE suites were found, offer
 *         them once more without FFDHE groups: the ServerKeyExchange shows
 *         the group such a client is given (result's dhe_bits keeps the
 *         smallest prime seen).
 *
 * Costs one hello per version where the server has no custom group, two
 * where it has one and DHE was found already.
 */
#include "config.h"

#include <string.h>

#include "probe/chain.h"

enum { D_NEW = 0, D_SIZE = 1 };

static bool is_dhe(uint16_t id)
{
	const struct cp_suite *s = cp_suite_by_id(id);
	return s && s->kx == CP_KX_DHE;
}

static int dhe_add(struct cp_job *j, enum cp_proto p)
{
	uint16_t all[CP_MAX_CANDS];
	size_t n;

	if (!(j->opts->versions & cp_proto_bit(p)))
		return 0;
	struct cp_chain *c = cp_job_add_chain(j, &cp_chain_dhe_custom, p);
	if (!c)
		return -1;
	n = cp_candidates(p, all, CP_MAX_CANDS);
	for (size_t i = 0; i < n && c->ncands < CP_MAX_OFFER; i++)
		if (is_dhe(all[i]))
			c->cands[c->ncands++] = all[i];
	return 0;
}

/* The base hello for the chain's version, its FFDHE groups taken out. */
static void base_without_ffdhe(struct cp_chain *c, struct cp_probe_spec *s, const uint16_t *suites,
			       size_t n)
{
	size_t ng = 0;

	cp_spec_base(c->job, c->proto, s);
	for (size_t i = 0; i < s->hp.ngroups; i++) {
		const struct cp_group *g = cp_group_by_id(s->groups[i]);
		if (!g || g->kind != CP_GROUP_FFDHE)
			s->groups[ng++] = s->groups[i];
	}
	s->hp.ngroups = ng;
	cp_spec_suites(s, suites, n);
	s->want = CP_WANT_SKE | CP_WANT_DONE;
}

static enum cp_next dhe_next(struct cp_chain *c, struct cp_probe_spec *s)
{
	struct cp_job *j = c->job;
	const struct cp_proto_result *pr = &j->res->proto[c->proto];
	uint16_t offer[CP_MAX_OFFER];
	size_t n = 0;

	if (j->pstate[c->proto] == CP_PS_DEAD || c->step)
		return CP_NEXT_DONE;
	/* after the version's suite chains: their sets decide what is new */
	if (!cp_job_proto_settled(j, c->proto, c))
		return CP_NEXT_WAIT;
	if (!pr->supported || c->ncands == 0)
		return CP_NEXT_DONE;
	if (c->mode == D_NEW) {
		for (size_t i = 0; i < c->ncands; i++)
			if (!cp_u16_in(pr->suites, pr->nsuites, c->cands[i]))
				offer[n++] = c->cands[i];
		if (n) {
			base_without_ffdhe(c, s, offer, n);
			return CP_NEXT_PROBE;
		}
		c->mode = D_SIZE;
	}
	/* D_SIZE: the DHE suites found with the FFDHE list, asked without it */
	if (c->npicks)
		return CP_NEXT_DONE; /* a suite accepted without the list: size seen */
	for (size_t i = 0; i < pr->nsuites && n < CP_MAX_OFFER; i++)
		if (is_dhe(pr->suites[i]))
			offer[n++] = pr->suites[i];
	if (!n)
		return CP_NEXT_DONE;
	base_without_ffdhe(c, s, offer, n);
	c->step = 1; /* one hello */
	return CP_NEXT_PROBE;
}

static void dhe_answer(struct cp_chain *c, const struct cp_conn_report *rep)
{
	uint16_t suite;
	enum cp_answer_kind k = cp_classify(c, rep, &suite);

	if (k == CP_ANS_TIMEOUT)
		c->job->res->proto[c->proto].timeouts++;
	if (c->mode != D_NEW)
		return;
	if (k != CP_ANS_ACCEPTED) {
		c->mode = D_SIZE; /* refused: nothing more without the list */
		return;
	}
	cp_result_add_suite(c->job->res, c->proto, suite);
	cp_u16_remove(c->cands, &c->ncands, suite);
	if (c->npicks < CP_MAX_CANDS)
		c->picks[c->npicks++] = suite;
}

static size_t dhe_expected(const struct cp_chain *c)
{
	(void)c;
	return 2;
}

const struct cp_chain_ops cp_chain_dhe_custom = {
	.name = "suites/dhe-custom-group",
	.finds = CP_FINDS_SUITES,
	.flags = CP_CHAIN_SUITE_SET,
	.add = dhe_add,
	.expected = dhe_expected,
	.next = dhe_next,
	.answer = dhe_answer,
};
