/* SPDX-License-Identifier: MIT */
/*
 * The strategy table and the chains of one job built from it.
 *
 * cp_chains[] is the one place that lists the strategies (zmap's
 * probe_modules[] style): each cp_chain_ops carries what it finds, its
 * flags and an add() that decides from the job's options whether and how
 * many chains it runs, so the engine never asks which strategy a chain is.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "probe/chain.h"
#include "util.h"

const struct cp_chain_slot cp_chains[] = {
	/* TLS 1.2 suites first: servers accept most there */
	{ &cp_chain_suites_eliminate, CP_P_TLS12 },
	{ &cp_chain_suites_single, CP_P_TLS12 },
	/* the TLS 1.3 groups: one HelloRetryRequest per group */
	{ &cp_chain_groups13, CP_P_TLS13 },
	{ &cp_chain_suites_eliminate, CP_P_TLS13 },
	{ &cp_chain_suites_single, CP_P_TLS13 },
	{ &cp_chain_curves12, CP_P_TLS12 },
	{ &cp_chain_suites_eliminate, CP_P_TLS11 },
	{ &cp_chain_suites_single, CP_P_TLS11 },
	{ &cp_chain_suites_eliminate, CP_P_TLS10 },
	{ &cp_chain_suites_single, CP_P_TLS10 },
	{ &cp_chain_suites_eliminate, CP_P_SSL3 },
	{ &cp_chain_suites_single, CP_P_SSL3 },
	/* DHE with the server's own group: hellos without FFDHE groups */
	{ &cp_chain_dhe_custom, CP_P_TLS12 },
	{ &cp_chain_dhe_custom, CP_P_TLS11 },
	{ &cp_chain_dhe_custom, CP_P_TLS10 },
	{ &cp_chain_sslv2, CP_P_SSL2 },
	{ &cp_chain_replay, CP_P_TLS13 },
	/* signature schemes: once the version's accepted suites are known */
	{ &cp_chain_sigalgs13, CP_P_TLS13 },
	{ &cp_chain_sigalgs12, CP_P_TLS12 },
	/* preference: ordering steps over the accepted suites */
	{ &cp_chain_pref, CP_P_TLS13 },
	{ &cp_chain_pref, CP_P_TLS12 },
	{ &cp_chain_pref, CP_P_TLS11 },
	{ &cp_chain_pref, CP_P_TLS10 },
	{ &cp_chain_pref, CP_P_SSL3 },
};
const size_t cp_nchains = sizeof cp_chains / sizeof cp_chains[0];

struct cp_chain *cp_job_add_chain(struct cp_job *j, const struct cp_chain_ops *ops, enum cp_proto p)
{
	if (CP_GROW(j->chains, j->cap_chains, j->nchains + 1))
		return NULL;
	struct cp_chain *c = &j->chains[j->nchains++];
	memset(c, 0, sizeof *c);
	c->ops = ops;
	c->job = j;
	c->proto = p;
	return c;
}

int cp_job_build_chains(struct cp_job *j)
{
	for (size_t i = 0; i < cp_nchains; i++) {
		const struct cp_chain_slot *sl = &cp_chains[i];
		/* --proxy-hello's replay-only mode: nothing but the replay */
		if (j->opts->replay_only && sl->ops->finds != CP_FINDS_REPLAY)
			continue;
		if (sl->ops->add                               ? sl->ops->add(j, sl->proto)
		    : !cp_job_add_chain(j, sl->ops, sl->proto) ? -1
							       : 0)
			return -1;
	}
	return 0;
}

bool cp_job_proto_settled(const struct cp_job *j, enum cp_proto p, const struct cp_chain *self)
{
	for (size_t i = 0; i < j->nchains; i++) {
		const struct cp_chain *c = &j->chains[i];
		if (c == self || c->proto != p || c->state == CP_CHAIN_DONE)
			continue;
		if (c->ops->flags & CP_CHAIN_SUITE_SET)
			return false;
	}
	return true;
}

/* What elimination typically finds per chain (servers accept a handful). */
#define EST_FOUND_PER_CHAIN 8

size_t cp_expect_per_candidate(const struct cp_chain *c)
{
	return c->ncands;
}

size_t cp_expect_elimination(const struct cp_chain *c)
{
	return 1 + (c->ncands < EST_FOUND_PER_CHAIN ? c->ncands : EST_FOUND_PER_CHAIN);
}
