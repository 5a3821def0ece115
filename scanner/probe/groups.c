/* SPDX-License-Identifier: MIT */
/*
 * Groups.
 *
 * TLS 1.3 (groups13): a hello whose key_share is empty draws a
 * HelloRetryRequest naming a group the server accepts (RFC 8446 4.1.4),
 * with no key material needed: that is how post-quantum hybrids such as
 * X25519MLKEM768 are found although OpenSSL 3.0 cannot make their keys.
 * Elimination removes the named group and asks again.  A server that will
 * not answer an empty key_share at all is probed, once TLS 1.3 support is
 * known, one group at a time with a real share (for the groups we can make).
 *
 * TLS 1.2 (curves12): the ECDHE curve is read from ServerKeyExchange.  A
 * server with an ECDSA certificate drops the hello if its certificate's
 * curve is not offered, so found curves move to the end of the list rather
 * than leave it (DESIGN.md); only when the server keeps choosing a curve
 * already found is it removed outright.
 */
#include "config.h"

#include <string.h>

#include "probe/chain.h"

enum { G_HRR = 0, G_SHARES = 1 };

static size_t tls13_suites(uint16_t *out, size_t max)
{
	return cp_candidates(CP_P_TLS13, out, max);
}

static bool tls13_group(const struct cp_group *g)
{
	return g->tls13;
}

static bool tls12_curve(const struct cp_group *g)
{
	return g->kind == CP_GROUP_EC || g->kind == CP_GROUP_XDH;
}

/* One chain over every group of the kind, in the probing order. */
static int add_groups(struct cp_job *j, const struct cp_chain_ops *ops, enum cp_proto p,
		      bool (*keep)(const struct cp_group *g))
{
	const struct cp_scan_opts *o = j->opts;
	if (!o->groups || !(o->versions & cp_proto_bit(p)))
		return 0;
	struct cp_chain *c = cp_job_add_chain(j, ops, p);
	if (!c)
		return -1;
	c->ncands = cp_groups_ordered(keep, c->cands, CP_HELLO_MAX_GROUPS);
	return 0;
}

static int g13_add(struct cp_job *j, enum cp_proto p)
{
	return add_groups(j, &cp_chain_groups13, p, tls13_group);
}

static int c12_add(struct cp_job *j, enum cp_proto p)
{
	return add_groups(j, &cp_chain_curves12, p, tls12_curve);
}

static enum cp_next g13_next(struct cp_chain *c, struct cp_probe_spec *s)
{
	struct cp_job *j = c->job;
	uint16_t suites[32];
	size_t ns = tls13_suites(suites, 32);

	if (j->pstate[CP_P_TLS13] == CP_PS_DEAD || c->step)
		return CP_NEXT_DONE;
	if (c->mode == G_HRR) {
		if (c->ncands == 0)
			return CP_NEXT_DONE;
		cp_spec_base(j, CP_P_TLS13, s);
		cp_spec_suites(s, suites, ns);
		memcpy(s->groups, c->cands, c->ncands * sizeof c->cands[0]);
		s->hp.ngroups = c->ncands;
		s->hp.nshares = 0;
		s->hp.flags |= CP_HELLO_KEY_SHARE_EMPTY;
		s->want = CP_WANT_SERVER_HELLO;
		return CP_NEXT_PROBE;
	}
	/* G_SHARES: wait until the suite chains know whether TLS 1.3 works */
	if (!cp_job_proto_settled(j, CP_P_TLS13, c))
		return CP_NEXT_WAIT;
	if (!j->res->proto[CP_P_TLS13].supported)
		return CP_NEXT_DONE;
	while (c->cursor < c->ncands && !cp_keyshare_supported(c->cands[c->cursor]))
		c->cursor++;
	if (c->cursor >= c->ncands)
		return CP_NEXT_DONE;
	uint16_t g = c->cands[c->cursor++];
	cp_spec_base(j, CP_P_TLS13, s);
	cp_spec_suites(s, suites, ns);
	s->groups[0] = g;
	s->hp.ngroups = 1;
	s->shares[0] = g;
	s->hp.nshares = 1;
	s->want = CP_WANT_SERVER_HELLO;
	return CP_NEXT_PROBE;
}

static void g13_answer(struct cp_chain *c, const struct cp_conn_report *rep)
{
	struct cp_job *j = c->job;
	uint16_t suite;
	enum cp_answer_kind k = cp_classify(c, rep, &suite);
	const struct cp_wire_result *w = rep->wire;

	if (k == CP_ANS_LOWER) {
		j->pstate[CP_P_TLS13] = CP_PS_DEAD;
		c->step = 1;
		return;
	}
	if (k == CP_ANS_ACCEPTED && w->sh.has_key_share) {
		uint16_t g = w->sh.key_share_group;
		cp_result_add_group(j->res, g, CP_VER_TLS13);
		if (c->npicks < CP_MAX_CANDS)
			c->picks[c->npicks++] = g;
		if (c->mode == G_HRR)
			cp_u16_remove(c->cands, &c->ncands, g);
		return;
	}
	if (c->mode == G_SHARES)
		return; /* that group is refused; try the next */
	if (k == CP_ANS_VIOLATION || c->npicks > 0) {
		c->step = 1;
		return;
	}
	/* No HRR to the very first empty key_share: fall back to real shares. */
	c->mode = G_SHARES;
	c->cursor = 0;
}

const struct cp_chain_ops cp_chain_groups13 = {
	.name = "groups/tls13",
	.finds = CP_FINDS_GROUPS13,
	.add = g13_add,
	.expected = cp_expect_elimination,
	.next = g13_next,
	.answer = g13_answer,
};

enum { C_TAIL = 0, C_REMOVE = 1 };

static enum cp_next c12_next(struct cp_chain *c, struct cp_probe_spec *s)
{
	struct cp_job *j = c->job;
	if (c->step || c->ncands == 0)
		return CP_NEXT_DONE;
	/* Keeping found curves at the end protects an ECDSA certificate's
	 * curve; once the certificate is known not to be EC, plain removal
	 * finds the same set with one hello less. */
	const struct cp_cert_facts *cf = &j->res->cert;
	if (c->mode == C_TAIL && cf->present && cf->key_type && strcmp(cf->key_type, "EC") != 0)
		c->mode = C_REMOVE;
	cp_spec_base(j, c->proto, s);
	/* ECDHE suites only: the chain's own candidate list keeps them. */
	uint16_t suites[CP_MAX_OFFER];
	size_t ns = 0;
	uint16_t all[CP_MAX_CANDS];
	size_t na = cp_candidates(CP_P_TLS12, all, CP_MAX_CANDS);
	for (size_t i = 0; i < na && ns < CP_MAX_OFFER; i++) {
		const struct cp_suite *su = cp_suite_by_id(all[i]);
		if (su && su->kx == CP_KX_ECDHE && su->au != CP_AU_PSK && su->au != CP_AU_anon)
			suites[ns++] = all[i];
	}
	cp_spec_suites(s, suites, ns);
	size_t ng = 0;
	for (size_t i = 0; i < c->ncands && ng < CP_HELLO_MAX_GROUPS; i++)
		s->groups[ng++] = c->cands[i];
	if (c->mode == C_TAIL)
		for (size_t i = 0; i < c->ntail && ng < CP_HELLO_MAX_GROUPS; i++)
			s->groups[ng++] = c->tail[i];
	s->hp.ngroups = ng;
	s->want = CP_WANT_SKE | CP_WANT_DONE | (j->need_cert ? CP_WANT_CERTIFICATE : 0);
	return CP_NEXT_PROBE;
}

static void c12_answer(struct cp_chain *c, const struct cp_conn_report *rep)
{
	uint16_t suite;
	enum cp_answer_kind k = cp_classify(c, rep, &suite);
	const struct cp_wire_result *w = rep->wire;

	if (k == CP_ANS_LOWER) {
		/* Curves are the same at any version: ask again at the version
		 * the server chose.  A protocol_version alert instead means no
		 * TLS <= 1.2 at all here (a TLS 1.3-only server): stop. */
		int lower = w && (w->seen & CP_SEEN_SERVER_HELLO)
				    ? cp_proto_from_wire(w->sh.version)
				    : -1;
		if (lower >= CP_P_TLS10 && lower < (int)c->proto)
			c->proto = (enum cp_proto)lower;
		else
			c->step = 1;
		return;
	}
	if (k != CP_ANS_ACCEPTED || !(w->seen & CP_SEEN_SKE) || !w->ske.ecdhe) {
		c->step = 1;
		return;
	}
	uint16_t g = w->ske.group;
	if (cp_u16_remove(c->cands, &c->ncands, g)) {
		if (c->ntail < sizeof c->tail / sizeof c->tail[0])
			c->tail[c->ntail++] = g;
		if (c->npicks < CP_MAX_CANDS)
			c->picks[c->npicks++] = g;
		return;
	}
	/* The server chose a curve already found although others were offered
	 * first: it prefers that one.  Try once more without the found ones. */
	if (c->mode == C_TAIL && cp_u16_in(c->tail, c->ntail, g))
		c->mode = C_REMOVE;
	else
		c->step = 1;
}

const struct cp_chain_ops cp_chain_curves12 = {
	.name = "groups/tls12-curves",
	.finds = CP_FINDS_CURVES12,
	.add = c12_add,
	.expected = cp_expect_elimination,
	.next = c12_next,
	.answer = c12_answer,
};
