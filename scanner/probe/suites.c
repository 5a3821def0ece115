/* SPDX-License-Identifier: MIT */
/*
 * Accepted cipher suites at one protocol version, over one chunk of the
 * candidates (at most 128 suites per hello: some servers cap the list).
 *
 * eliminate: offer every remaining candidate; the server names one it
 *   accepts; remove it and ask again, until the server refuses.  A chunk
 *   with k accepted suites costs k + 1 handshakes.
 * single: offer exactly one suite per hello: slow, but it cannot be fooled
 *   by a server that picks badly among many; the reference the other
 *   strategy is checked against.
 * Both stop early when the server shows the version itself is refused
 * (protocol_version alert, or a ServerHello for a lower version).
 *
 * Elimination is sequential within a chunk, and the candidates are ranked
 * so that what servers accept sits in the first chunk: on a server that
 * accepts many suites, that chunk would be one long chain while the other
 * chunks finish after one refusal.  So a chunk that runs out of work takes
 * every other remaining candidate of the version's largest chunk (work
 * stealing), once the version has shown it accepts several suites; both
 * halves then run side by side.  Answers hold for every chunk of the
 * version: an accepted suite leaves them all, and a refused hello proves
 * that none of the suites it offered is accepted, so they leave every
 * chunk too.
 */
#include "config.h"

#include <string.h>

#include "probe/chain.h"

/*
 * Split version p's candidates into chunks, one chain each, when the
 * options ask for p with this strategy.
 */
static int add_chunks(struct cp_job *j, enum cp_proto p, const struct cp_chain_ops *ops,
		      enum cp_strategy strat)
{
	const struct cp_scan_opts *o = j->opts;
	uint16_t cands[CP_MAX_CANDS];

	if (o->strategy != strat || !(o->versions & cp_proto_bit(p)))
		return 0;
	size_t n = cp_candidates(p, cands, CP_MAX_CANDS);
	/* SSLv3 hellos have no extensions to pad with: keep them <= 255 bytes */
	size_t max = p == CP_P_SSL3 ? 100 : o->max_suites;
	if (max == 0 || max > CP_MAX_OFFER)
		max = CP_MAX_OFFER;
	size_t chunks = (n + max - 1) / max;
	if (strat == CP_STRATEGY_SINGLE && chunks < o->per_host)
		chunks = o->per_host; /* single probes are independent: spread them */
	if (chunks == 0)
		return 0;
	size_t per = (n + chunks - 1) / chunks, at = 0;
	for (size_t k = 0; k < chunks && at < n; k++) {
		struct cp_chain *c = cp_job_add_chain(j, ops, p);
		if (!c)
			return -1;
		size_t take = n - at < per ? n - at : per;
		memcpy(c->cands, cands + at, take * sizeof cands[0]);
		c->ncands = take;
		c->leader = k == 0;
		at += take;
	}
	return 0;
}

static int elim_add(struct cp_job *j, enum cp_proto p)
{
	return add_chunks(j, p, &cp_chain_suites_eliminate, CP_STRATEGY_ELIMINATE);
}

static int single_add(struct cp_job *j, enum cp_proto p)
{
	return add_chunks(j, p, &cp_chain_suites_single, CP_STRATEGY_SINGLE);
}

static int sslv2_add(struct cp_job *j, enum cp_proto p)
{
	if (!(j->opts->versions & CP_VER_SSL2))
		return 0;
	return cp_job_add_chain(j, &cp_chain_sslv2, p) ? 0 : -1;
}

static unsigned want_for(struct cp_chain *c)
{
	/* TLS <= 1.2 answers carry the certificate and ServerKeyExchange in
	 * the same flight: reading to ServerHelloDone costs no round trip. */
	if (c->proto == CP_P_TLS13)
		return CP_WANT_SERVER_HELLO;
	return CP_WANT_SKE | CP_WANT_DONE | (c->job->need_cert ? CP_WANT_CERTIFICATE : 0);
}

/*
 * Preference evidence (probe/pref.c): a server that follows the client's
 * order picks, hello after hello, suites ever later in the candidate
 * order, within what one chain offered since it last took a share from a
 * sibling; a pick earlier than the one before proves the server imposes
 * its own order.
 */
static void note_order(struct cp_chain *c, uint16_t suite)
{
	struct cp_job *j = c->job;
	size_t pos = cp_candidate_rank(c->proto, suite);

	if (c->ops->flags & CP_CHAIN_SERVER_PICKS) {
		if (c->npicks > c->seg_start && pos < c->last_pos)
			j->order_proven[c->proto] = true;
		c->last_pos = pos;
	}
}

static void record(struct cp_chain *c, enum cp_answer_kind k, uint16_t suite)
{
	struct cp_job *j = c->job;
	struct cp_proto_result *pr = &j->res->proto[c->proto];

	if (k != CP_ANS_LOWER && k != CP_ANS_TIMEOUT)
		j->answered[c->proto] = true;
	switch (k) {
	case CP_ANS_ACCEPTED:
		cp_result_add_suite(j->res, c->proto, suite);
		note_order(c, suite);
		if (c->npicks < CP_MAX_CANDS)
			c->picks[c->npicks++] = suite;
		break;
	case CP_ANS_LOWER: j->pstate[c->proto] = CP_PS_DEAD; break;
	case CP_ANS_TIMEOUT: pr->timeouts++; break;
	case CP_ANS_REJECTED:
	case CP_ANS_VIOLATION: break;
	}
}

/*
 * Chunks after the first wait until the first chunk's first answer shows
 * the version is not refused outright: most servers refuse SSLv3, TLS 1.0
 * and 1.1, and one protocol_version alert then settles the version instead
 * of one per chunk.  Costs one round trip where the version is alive.
 */
static bool must_wait(const struct cp_chain *c)
{
	return !c->leader && !c->job->answered[c->proto] && c->job->pstate[c->proto] != CP_PS_DEAD;
}

/*
 * Stealing, only when the engine offers a slot nothing else needs
 * (cp_job.split_ok): a chunk is worth splitting while its last answers
 * named a suite each, this many in a row (a chunk with a few accepted
 * suites gains nothing from a split and would pay one more refused hello
 * for it), and while it keeps this many candidates (two per half).  Never
 * at a version whose server has shown it imposes its own order.
 */
#define STEAL_MIN_STREAK 4
#define STEAL_MIN_CANDS 4

static bool is_elim_sibling(const struct cp_chain *c, const struct cp_chain *v)
{
	return v != c && v->ops == &cp_chain_suites_eliminate && v->proto == c->proto;
}

static bool elim_has_work(const struct cp_chain *v)
{
	return v->state != CP_CHAIN_DONE && !v->step && v->ncands > 0;
}

/* Move every other candidate of the version's largest chunk into c. */
static bool steal(struct cp_chain *c)
{
	struct cp_job *j = c->job;
	struct cp_chain *v = NULL;

	/* a server imposing its order gives it for free through one chain's
	 * picks (probe/pref.c); split chains would cost n - 1 hellos to sort */
	if (!j->split_ok || j->order_proven[c->proto])
		return false;
	for (size_t i = 0; i < j->nchains; i++) {
		struct cp_chain *w = &j->chains[i];
		if (is_elim_sibling(c, w) && elim_has_work(w) && w->ncands >= STEAL_MIN_CANDS &&
		    w->streak >= STEAL_MIN_STREAK && (!v || w->ncands > v->ncands))
			v = w;
	}
	if (!v)
		return false;
	/* interleaved, not halved: the ranking put the likely suites first,
	 * and both halves should get their share of them */
	size_t keep = 0;
	c->ncands = 0;
	for (size_t i = 0; i < v->ncands; i++) {
		if (i & 1)
			c->cands[c->ncands++] = v->cands[i];
		else
			v->cands[keep++] = v->cands[i];
	}
	v->ncands = keep;
	c->step = 0;
	c->steals++;
	c->seg_start = c->npicks; /* a new segment for the order evidence */
	return true;
}

/* Whether a sibling chunk still works, so that c may get a share later. */
static bool siblings_working(const struct cp_chain *c)
{
	const struct cp_job *j = c->job;
	for (size_t i = 0; i < j->nchains; i++)
		if (is_elim_sibling(c, &j->chains[i]) && elim_has_work(&j->chains[i]))
			return true;
	return false;
}

static enum cp_next elim_next(struct cp_chain *c, struct cp_probe_spec *s)
{
	if (c->job->pstate[c->proto] == CP_PS_DEAD)
		return CP_NEXT_DONE;
	if ((c->ncands == 0 || c->step) && !steal(c))
		return siblings_working(c) ? CP_NEXT_WAIT : CP_NEXT_DONE;
	if (must_wait(c))
		return CP_NEXT_WAIT;
	cp_spec_base(c->job, c->proto, s);
	cp_spec_suites(s, c->cands, c->ncands);
	s->want = want_for(c);
	return CP_NEXT_PROBE;
}

/* What one answer proves holds for every chunk of the version. */
static void settle_siblings(struct cp_chain *c, enum cp_answer_kind k, uint16_t suite)
{
	struct cp_job *j = c->job;
	for (size_t i = 0; i < j->nchains; i++) {
		struct cp_chain *v = &j->chains[i];
		if (!is_elim_sibling(c, v))
			continue;
		if (k == CP_ANS_ACCEPTED)
			cp_u16_remove(v->cands, &v->ncands, suite);
		else
			for (size_t o = 0; o < c->noffered; o++)
				cp_u16_remove(v->cands, &v->ncands, c->offered[o]);
	}
}

static void elim_answer(struct cp_chain *c, const struct cp_conn_report *rep)
{
	uint16_t suite;
	enum cp_answer_kind k = cp_classify(c, rep, &suite);
	record(c, k, suite);
	if (k == CP_ANS_ACCEPTED) {
		cp_u16_remove(c->cands, &c->ncands, suite);
		c->streak++;
		settle_siblings(c, k, suite);
	} else {
		c->streak = 0;
		c->step = 1; /* refused, timed out or misbehaved: this chunk is finished */
		if (k == CP_ANS_REJECTED)
			settle_siblings(c, k, 0);
	}
}

const struct cp_chain_ops cp_chain_suites_eliminate = {
	.name = "suites/eliminate",
	.finds = CP_FINDS_SUITES,
	.flags = CP_CHAIN_SUITE_SET | CP_CHAIN_SERVER_PICKS,
	.add = elim_add,
	.expected = cp_expect_elimination,
	.next = elim_next,
	.answer = elim_answer,
};

static enum cp_next single_next(struct cp_chain *c, struct cp_probe_spec *s)
{
	if (c->job->pstate[c->proto] == CP_PS_DEAD || c->cursor >= c->ncands)
		return CP_NEXT_DONE;
	if (must_wait(c))
		return CP_NEXT_WAIT;
	cp_spec_base(c->job, c->proto, s);
	cp_spec_suites(s, &c->cands[c->cursor++], 1);
	s->want = want_for(c);
	return CP_NEXT_PROBE;
}

static void single_answer(struct cp_chain *c, const struct cp_conn_report *rep)
{
	uint16_t suite;
	enum cp_answer_kind k = cp_classify(c, rep, &suite);
	record(c, k, suite);
}

const struct cp_chain_ops cp_chain_suites_single = {
	.name = "suites/single",
	.finds = CP_FINDS_SUITES,
	.flags = CP_CHAIN_SUITE_SET,
	.add = single_add,
	.expected = cp_expect_per_candidate,
	.next = single_next,
	.answer = single_answer,
};

/*
 * SSLv2: one CLIENT-HELLO offering every cipher kind; an SSLv2 server
 * answers with the list of kinds it shares with us, so one probe is enough.
 */
static enum cp_next sslv2_next(struct cp_chain *c, struct cp_probe_spec *s)
{
	if (c->step)
		return CP_NEXT_DONE;
	memset(s, 0, sizeof *s);
	size_t n = 0;
	for (size_t i = 0; i < cp_sslv2_count() && n < sizeof s->kinds / sizeof s->kinds[0]; i++)
		s->kinds[n++] = cp_sslv2_at(i)->id;
	s->hp.format = CP_HELLO_SSLV2;
	s->hp.legacy_version = 0x0002;
	s->hp.sslv2_kinds = s->kinds;
	s->hp.nsslv2_kinds = n;
	s->want = CP_WANT_SERVER_HELLO;
	return CP_NEXT_PROBE;
}

static void sslv2_answer(struct cp_chain *c, const struct cp_conn_report *rep)
{
	const struct cp_wire_result *w = rep->wire;
	struct cp_result *r = c->job->res;

	c->step = 1;
	if (rep->outcome == CP_CONN_TIMEOUT)
		r->proto[CP_P_SSL2].timeouts++;
	if (!w || !(w->seen & CP_SEEN_SSLV2))
		return;
	for (size_t i = 0; i < w->nsslv2_kinds; i++) {
		uint32_t k = w->sslv2_kinds[i];
		if (cp_sslv2_by_id(k))
			cp_result_add_kind(r, k);
		else
			cp_result_add_violation(
				r,
				"SSLv2 SERVER-HELLO lists cipher kind 0x%06X, which was not offered",
				(unsigned)k);
	}
}

const struct cp_chain_ops cp_chain_sslv2 = {
	.name = "sslv2",
	.finds = CP_FINDS_SUITES,
	.flags = CP_CHAIN_ONE_HELLO,
	.add = sslv2_add,
	.next = sslv2_next,
	.answer = sslv2_answer,
};
