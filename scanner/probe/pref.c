/* SPDX-License-Identifier: MIT */
/*
 * Server preference at one protocol version, once its accepted set is
 * known (every suite chain of that version has finished).
 *
 * Evidence first, for free: an elimination chain offers candidates in a
 * fixed order; a server that follows the client's order picks them in that
 * order, so picks out of order prove the server imposes its own (noted as
 * the picks come, probe/suites.c, since a chain that takes a share from a
 * sibling starts a new run of picks).  Without
 * such evidence, offer the accepted set reversed: a server that follows
 * the client picks the first offered.  That alone is ambiguous when the
 * server's favourite happens to be that suite, so one more hello in the
 * forward order settles it.
 *
 * The order itself: when every accepted suite came from one elimination
 * chain, its picks are the server's order.  Otherwise offer the accepted
 * set, remove the suite chosen, and repeat (n - 1 hellos).
 */
#include "config.h"

#include <string.h>

#include "probe/chain.h"

enum { P_EVIDENCE, P_REVERSED, P_FORWARD, P_ORDER, P_DONE };

/* The accepted set in candidate order (the order elimination offers). */
static size_t accepted_in_order(struct cp_chain *c, uint16_t *out)
{
	uint16_t cands[CP_MAX_CANDS];
	size_t nc = cp_candidates(c->proto, cands, CP_MAX_CANDS);
	const struct cp_proto_result *pr = &c->job->res->proto[c->proto];
	size_t n = 0;
	for (size_t i = 0; i < nc; i++)
		if (cp_u16_in(pr->suites, pr->nsuites, cands[i]))
			out[n++] = cands[i];
	return n;
}

static void set_yes(struct cp_chain *c)
{
	c->job->res->proto[c->proto].server_preference = CP_YES;
}

/* Look at the suite chains' picks; returns P_ORDER, P_DONE or P_REVERSED. */
static int evidence(struct cp_chain *c)
{
	struct cp_job *j = c->job;
	const struct cp_chain *only = NULL;
	size_t with_picks = 0;

	for (size_t i = 0; i < j->nchains; i++) {
		const struct cp_chain *o = &j->chains[i];
		if (o->proto != c->proto || !(o->ops->flags & CP_CHAIN_SERVER_PICKS) ||
		    o->npicks == 0)
			continue;
		with_picks++;
		only = o;
	}
	if (!j->order_proven[c->proto])
		return P_REVERSED;
	set_yes(c);
	/* one chain's picks are the server's order only when every one of
	 * them came from hellos offering the whole rest of the set */
	if (with_picks == 1 && !only->steals && only->npicks == j->res->proto[c->proto].nsuites) {
		cp_result_set_order(j->res, c->proto, only->picks, only->npicks);
		return P_DONE;
	}
	c->npicks = 0;
	return P_ORDER;
}

/*
 * An elimination chain that offered both first and last (in candidate
 * order) in one hello and got first: a server imposing its order preferred
 * first over last.  If the reversed hello then got last, the server cannot
 * be imposing one order: it follows the client.  Saves the forward hello.
 */
static bool chain_saw_first_over_last(const struct cp_chain *c, uint16_t first, uint16_t last)
{
	const struct cp_job *j = c->job;
	for (size_t i = 0; i < j->nchains; i++) {
		const struct cp_chain *o = &j->chains[i];
		/* a chain that took a share: its first pick came from another hello */
		if (o->proto != c->proto || !(o->ops->flags & CP_CHAIN_SERVER_PICKS) ||
		    o->npicks == 0 || o->steals)
			continue;
		if (o->picks[0] == first &&
		    (cp_u16_in(o->cands, o->ncands, last) || cp_u16_in(o->picks, o->npicks, last)))
			return true;
	}
	return false;
}

static void offer(struct cp_chain *c, struct cp_probe_spec *s, const uint16_t *suites, size_t n)
{
	cp_spec_base(c->job, c->proto, s);
	cp_spec_suites(s, suites, n);
	s->want = CP_WANT_SERVER_HELLO;
}

static enum cp_next pref_next(struct cp_chain *c, struct cp_probe_spec *s)
{
	struct cp_job *j = c->job;
	uint16_t acc[CP_MAX_CANDS], tmp[CP_MAX_CANDS];
	size_t n;

	if (c->step == P_EVIDENCE) {
		if (!cp_job_proto_settled(j, c->proto, c))
			return CP_NEXT_WAIT;
		if (j->res->proto[c->proto].nsuites < 2)
			return CP_NEXT_DONE;
		c->step = evidence(c);
	}
	switch (c->step) {
	case P_REVERSED:
		n = accepted_in_order(c, acc);
		for (size_t i = 0; i < n; i++)
			tmp[i] = acc[n - 1 - i];
		offer(c, s, tmp, n);
		return CP_NEXT_PROBE;
	case P_FORWARD:
		n = accepted_in_order(c, acc);
		offer(c, s, acc, n);
		return CP_NEXT_PROBE;
	case P_ORDER:
		/* remaining = accepted minus those already ordered */
		n = 0;
		{
			const struct cp_proto_result *pr = &j->res->proto[c->proto];
			for (size_t i = 0; i < pr->nsuites; i++)
				if (!cp_u16_in(c->picks, c->npicks, pr->suites[i]))
					tmp[n++] = pr->suites[i];
		}
		if (n == 1) {
			c->picks[c->npicks++] = tmp[0];
			cp_result_set_order(j->res, c->proto, c->picks, c->npicks);
			c->step = P_DONE;
			return CP_NEXT_DONE;
		}
		if (n == 0) {
			c->step = P_DONE;
			return CP_NEXT_DONE;
		}
		offer(c, s, tmp, n);
		return CP_NEXT_PROBE;
	default: return CP_NEXT_DONE;
	}
}

static void pref_answer(struct cp_chain *c, const struct cp_conn_report *rep)
{
	struct cp_job *j = c->job;
	uint16_t suite, acc[CP_MAX_CANDS];
	enum cp_answer_kind k = cp_classify(c, rep, &suite);
	size_t n;

	if (k != CP_ANS_ACCEPTED) {
		/* A suite accepted before is refused now: the server is
		 * inconsistent (load balancer?); leave the order unknown. */
		if (k != CP_ANS_TIMEOUT)
			cp_result_add_violation(
				j->res,
				"refused %s suites it had accepted while its preference was checked",
				cp_proto_name(c->proto));
		c->step = P_DONE;
		return;
	}
	n = accepted_in_order(c, acc);
	switch (c->step) {
	case P_REVERSED:
		if (suite != acc[n - 1]) {
			/* not the first offered: the server chose */
			set_yes(c);
			c->picks[0] = suite;
			c->npicks = 1;
			c->step = P_ORDER;
		} else if (chain_saw_first_over_last(c, acc[0], acc[n - 1])) {
			j->res->proto[c->proto].server_preference = CP_NO;
			c->step = P_DONE;
		} else {
			c->aux = suite;
			c->step = P_FORWARD;
		}
		break;
	case P_FORWARD:
		if (suite == acc[0] && suite != c->aux) {
			j->res->proto[c->proto].server_preference = CP_NO;
			c->step = P_DONE;
		} else {
			set_yes(c);
			c->picks[0] = suite;
			c->npicks = 1;
			c->step = P_ORDER;
		}
		break;
	case P_ORDER:
		if (c->npicks < CP_MAX_CANDS && !cp_u16_in(c->picks, c->npicks, suite))
			c->picks[c->npicks++] = suite;
		break;
	default: break;
	}
}

static int pref_add(struct cp_job *j, enum cp_proto p)
{
	if (!j->opts->preference || !(j->opts->versions & cp_proto_bit(p)))
		return 0;
	return cp_job_add_chain(j, &cp_chain_pref, p) ? 0 : -1;
}

static size_t pref_expected(const struct cp_chain *c)
{
	(void)c;
	return 4;
}

const struct cp_chain_ops cp_chain_pref = {
	.finds = CP_FINDS_PREF,
	.add = pref_add,
	.expected = pref_expected,
	.name = "preference",
	.next = pref_next,
	.answer = pref_answer,
};
