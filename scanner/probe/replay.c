/* SPDX-License-Identifier: MIT */
/*
 * Replay: send the server the exact hello the forward proxy would send
 * (a struct cp_replay_hello that policy/ fills from its model, or the
 * firewall's own hello from a capture) and record what it does with it.  The verdict's
 * "compatible" is this observation, not a set calculation alone: a server
 * may accept each suite on its own and still refuse the proxy's hello
 * (a group it lacks, a version it cannot negotiate down from).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe/chain.h"
#include "tls/chello.h"

bool cp_replay_hello_has_version(const struct cp_replay_hello *h, uint16_t v)
{
	return cp_u16_in(h->versions, h->nversions, v);
}

/* The hello encoded from the lists: what the model says the proxy sends. */
static void replay_model(struct cp_chain *c, const struct cp_replay_hello *o,
			 struct cp_probe_spec *s)
{
	int top = o->nversions ? cp_proto_from_wire(o->versions[0]) : -1;
	if (top < CP_P_SSL3)
		top = CP_P_TLS12;
	cp_spec_base(c->job, (enum cp_proto)top, s);
	cp_spec_suites(s, o->suites, o->nsuites);
	size_t ng = o->ngroups < CP_HELLO_MAX_GROUPS ? o->ngroups : CP_HELLO_MAX_GROUPS;
	memcpy(s->groups, o->groups, ng * sizeof o->groups[0]);
	s->hp.ngroups = ng;
	if (o->nsigalgs && top != CP_P_SSL3) {
		size_t n = o->nsigalgs < CP_HELLO_MAX_SIGALGS ? o->nsigalgs : CP_HELLO_MAX_SIGALGS;
		memcpy(s->sigalgs, o->sigalgs, n * sizeof o->sigalgs[0]);
		s->hp.nsigalgs = n;
	}
	if (top == CP_P_TLS13) {
		/* supported_versions: every version offered, TLS 1.0 and up,
		 * from the top down as browsers send it */
		size_t nv = 0;
		for (size_t i = 0; i < o->nversions && nv < CP_REPLAY_MAX_VERSIONS; i++)
			if (o->versions[i] >= 0x0301 && o->versions[i] <= 0x0304)
				s->versions[nv++] = o->versions[i];
		s->hp.nversions = nv;
		size_t ns = 0;
		for (size_t i = 0; i < ng && ns < 1; i++)
			if (cp_keyshare_supported(o->groups[i]))
				s->shares[ns++] = o->groups[i];
		s->hp.nshares = ns;
		if (!ns)
			s->hp.flags |= CP_HELLO_KEY_SHARE_EMPTY;
	}
}

/* The captured hello, sent as it is; the lists say what it offers. */
static void replay_raw(struct cp_chain *c, const struct cp_replay_hello *o, struct cp_probe_spec *s)
{
	int top = o->nversions ? cp_proto_from_wire(o->versions[0]) : -1;
	cp_spec_base(c->job, top < CP_P_SSL3 ? CP_P_TLS12 : (enum cp_proto)top, s);
	cp_spec_suites(s, o->suites, o->nsuites);
	size_t ng = o->ngroups < CP_HELLO_MAX_GROUPS ? o->ngroups : CP_HELLO_MAX_GROUPS;
	memcpy(s->groups, o->groups, ng * sizeof o->groups[0]);
	s->hp.ngroups = ng;
	s->hp.nshares = 0;
	s->raw = o->raw;
	s->raw_len = o->raw_len;
	s->raw_sni = c->job->sni;
	struct cp_replay *rp = &c->job->res->replay;
	rp->captured = true;
	rp->sni_rewritten = o->raw_sni && c->job->sni && !cp_is_ip_literal(c->job->sni) &&
			    strcasecmp(o->raw_sni, c->job->sni) != 0;
}

int cp_replay_hello_encode(const struct cp_replay_hello *h, const char *sni, struct cp_wbuf *out)
{
	struct cp_job j = { .sni = sni && !cp_is_ip_literal(sni) ? sni : NULL };
	struct cp_chain *c = calloc(1, sizeof *c);
	struct cp_probe_spec *s = calloc(1, sizeof *s);
	struct cp_keyshare_cache *kc = cp_keyshare_cache_new();
	int st = CP_ENOMEM;

	if (!c || !s || !kc)
		goto out;
	c->job = &j;
	if (h->raw) {
		bool rewritten;
		st = cp_chello_with_sni(h->raw, h->raw_len, j.sni, out, &rewritten) == CP_OK
			     ? CP_OK
			     : CP_EINVAL;
		goto out;
	}
	if (h->nsuites == 0) {
		st = CP_EINVAL;
		goto out;
	}
	replay_model(c, h, s);
	st = cp_hello_encode(&s->hp, kc, out);
out:
	cp_keyshare_cache_free(kc);
	free(s);
	free(c);
	return st;
}

static enum cp_next replay_next(struct cp_chain *c, struct cp_probe_spec *s)
{
	const struct cp_replay_hello *o = c->job->replay;
	if (c->step || !o)
		return CP_NEXT_DONE;
	if (o->nsuites == 0 && !o->raw) {
		/* nothing to send: the proxy itself would block or pass through */
		c->job->res->replay.done = true;
		return CP_NEXT_DONE;
	}
	if (o->raw)
		replay_raw(c, o, s);
	else
		replay_model(c, o, s);
	s->want = CP_WANT_SERVER_HELLO;
	return CP_NEXT_PROBE;
}

static void replay_answer(struct cp_chain *c, const struct cp_conn_report *rep)
{
	const struct cp_replay_hello *o = c->job->replay;
	struct cp_replay *rp = &c->job->res->replay;
	const struct cp_wire_result *w = rep->wire;

	c->step = 1;
	rp->done = true;
	if (w && (w->seen & (CP_SEEN_SERVER_HELLO | CP_SEEN_HRR))) {
		const struct cp_server_hello *sh = &w->sh;
		bool v_ok = cp_replay_hello_has_version(o, sh->version);
		bool s_ok = cp_u16_in(o->suites, o->nsuites, sh->suite);
		bool g_ok = !sh->is_hrr || cp_u16_in(o->groups, o->ngroups, sh->key_share_group);
		if (v_ok && s_ok && g_ok) {
			rp->accepted = true;
			rp->version = sh->version;
			rp->suite = sh->suite;
			rp->group = sh->has_key_share ? sh->key_share_group : 0;
			return;
		}
		rp->violation = true;
		cp_result_add_violation(
			c->job->res,
			"answered the proxy's hello with version 0x%04X, suite 0x%04X%s, which it did not offer",
			sh->version, sh->suite, g_ok ? "" : " and a group");
		return;
	}
	if (w && (w->seen & CP_SEEN_ALERT)) {
		rp->alert_seen = true;
		rp->alert = w->alert_desc;
	} else if (rep->outcome == CP_CONN_TIMEOUT) {
		rp->timeout = true;
	} else {
		rp->closed = true;
	}
}

static int replay_add(struct cp_job *j, enum cp_proto p)
{
	if (!j->replay)
		return 0;
	return cp_job_add_chain(j, &cp_chain_replay, p) ? 0 : -1;
}

const struct cp_chain_ops cp_chain_replay = {
	.finds = CP_FINDS_REPLAY,
	.flags = CP_CHAIN_ONE_HELLO | CP_CHAIN_UNPROBED,
	.add = replay_add,
	.name = "replay",
	.next = replay_next,
	.answer = replay_answer,
};
