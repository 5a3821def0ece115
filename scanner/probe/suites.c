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
 */
#include "config.h"

#include <string.h>

#include "probe/chain.h"

/*
 * Split version p's candidates into chunks, one chain each, when the
 * options ask for p with this strategy.
 */
static int add_chunks(struct cp_job *j, enum cp_proto p, const struct cp_chain_ops *ops, enum cp_strategy strat)
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

static void record(struct cp_chain *c, enum cp_answer_kind k, uint16_t suite)
{
	struct cp_job *j = c->job;
	struct cp_proto_result *pr = &j->res->proto[c->proto];

	if (k != CP_ANS_LOWER && k != CP_ANS_TIMEOUT)
		j->answered[c->proto] = true;
	switch (k) {
	case CP_ANS_ACCEPTED:
		cp_result_add_suite(j->res, c->proto, suite);
		if (c->npicks < CP_MAX_CANDS)
			c->picks[c->npicks++] = suite;
		break;
	case CP_ANS_LOWER:
		j->pstate[c->proto] = CP_PS_DEAD;
		break;
	case CP_ANS_TIMEOUT:
		pr->timeouts++;
		break;
	case CP_ANS_REJECTED:
	case CP_ANS_VIOLATION:
		break;
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

static enum cp_next elim_next(struct cp_chain *c, struct cp_probe_spec *s)
{
	if (c->job->pstate[c->proto] == CP_PS_DEAD || c->ncands == 0 || c->step)
		return CP_NEXT_DONE;
	if (must_wait(c))
		return CP_NEXT_WAIT;
	cp_spec_base(c->job, c->proto, s);
	cp_spec_suites(s, c->cands, c->ncands);
	s->want = want_for(c);
	return CP_NEXT_PROBE;
}

static void elim_answer(struct cp_chain *c, const struct cp_conn_report *rep)
{
	uint16_t suite;
	enum cp_answer_kind k = cp_classify(c, rep, &suite);
	record(c, k, suite);
	if (k == CP_ANS_ACCEPTED)
		cp_u16_remove(c->cands, &c->ncands, suite);
	else
		c->step = 1; /* refused, timed out or misbehaved: this chunk is finished */
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
			cp_result_add_violation(r, "SSLv2 SERVER-HELLO lists cipher kind 0x%06X, which was not offered",
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
