/* SPDX-License-Identifier: MIT */
/*
 * Signature schemes the server signs its handshake with, per version: the
 * signature axis of a verdict (a proxied handshake needs a scheme the proxy
 * offers and the server's certificate key can make).  The candidates and
 * their order come from ciphersuites/sigschemes.tsv (registry `probe`).
 * Both chains wait until the suite chains of their version have finished,
 * then offer only suites the server accepted.
 *
 * TLS 1.3 (sigalgs13): CertificateVerify is encrypted, but servers choose
 * the scheme from signature_algorithms (RFC 8446 4.2.3, 4.4.3) before the
 * ServerHello and abort with handshake_failure when none fits (OpenSSL,
 * GnuTLS).  So a hello is a set test: ServerHello or HelloRetryRequest
 * means some offered scheme is usable, an alert means none is; a set that
 * was accepted is split, a set refused settles all its members.  When the
 * certificate's key type is known (a TLS 1.2 answer showed it; the chain
 * waits for the TLS 1.2 suite chains if need be), the schemes of its
 * family (the rows of one key in the file: rsa_pss_rsae for RSA, ...) are
 * offered one by one, then every other family in one hello, which a
 * single-certificate server refuses.  Otherwise, or when that hello is
 * accepted (a second certificate), each family is offered whole, and the
 * members of an accepted one one by one.  When every part of an accepted
 * set but the last was refused, the last is the reason, without a hello
 * of its own.  A key-share group the server accepted is used when one is
 * known, so the answer is a ServerHello.
 *
 * TLS 1.2 (sigalgs12): the scheme is in clear in ServerKeyExchange (RFC
 * 5246 7.4.3 digitally-signed, RFC 8422 5.4), which only (EC)DHE suites
 * send: RSA key exchange signs nothing, so without an accepted ECDHE or
 * DHE suite there is nothing to probe.  Elimination: offer the candidates,
 * read the chosen scheme, remove it, repeat until the server refuses.  The
 * base hello's supported_groups lists every EC group, so an ECDSA
 * certificate's curve is always offered.
 *
 * Cost: TLS 1.3, the certificate family's size plus one for a
 * single-certificate server (4 for RSA), else one per family plus one per
 * member of each accepted family (8 for RSA); TLS 1.2, one per scheme
 * found plus one (7 for a default OpenSSL RSA server).
 * r->sigalgs_probed is set once a chain has walked its whole list.
 */
#include "config.h"

#include <string.h>

#include "probe/chain.h"
#include "registry.h"

/*
 * Strategy-private chain fields, for both chains:
 *   cands[0..ncands)  the candidates, in the file's order (TLS 1.2:
 *                     those not found yet);
 *   mode              the phase (S_PHASE bits) and flags:
 *                     S_INCOMPLETE  an answer could not be judged;
 *                     S_HINT_SET    TLS 1.3: the certificate's key type was
 *                                   known at the start;
 *                     S_REST_OK     TLS 1.3: the other families, offered
 *                                   together, were accepted;
 *                     S_REST_ANY    TLS 1.3: one of them was accepted alone;
 *   cursor, aux       TLS 1.3: the current family is cands[cursor..aux);
 *   step              TLS 1.3: the scheme offered alone (S_HINT, S_SINGLE);
 *   ntail             TLS 1.3: members of the family accepted so far.
 *
 * TLS 1.3 phases: S_START -> S_HINT (each scheme of the certificate's
 * family alone) -> S_REST (every other family in one hello; refused: the
 * end) -> S_FAMILY (each family alone) <-> S_SINGLE (each member of an
 * accepted family alone).  Without a known key type, S_FAMILY at once.
 */
enum {
	S_WAIT = 0,
	S_START,
	S_HINT,
	S_REST,
	S_FAMILY,
	S_SINGLE,
	S_END,
	S_DONE,
	S_PHASE = 0x0f,
	S_INCOMPLETE = 0x10,
	S_HINT_SET = 0x20,
	S_REST_OK = 0x40,
	S_REST_ANY = 0x80,
};

static int phase(const struct cp_chain *c)
{
	return c->mode & S_PHASE;
}

static void set_phase(struct cp_chain *c, int p)
{
	c->mode = (c->mode & ~S_PHASE) | p;
}

/* Fill cands with the probed schemes valid at the chain's version. */
static void load_candidates(struct cp_chain *c)
{
	unsigned bit = cp_proto_bit(c->proto);
	const struct cp_sigscheme *byrank[CP_HELLO_MAX_SIGALGS] = { 0 };

	for (size_t i = 0; i < cp_sigscheme_count(); i++) {
		const struct cp_sigscheme *s = cp_sigscheme_at(i);
		if (s->probe && s->probe <= CP_HELLO_MAX_SIGALGS && (s->versions & bit))
			byrank[s->probe - 1] = s;
	}
	c->ncands = 0;
	for (size_t i = 0; i < CP_HELLO_MAX_SIGALGS; i++)
		if (byrank[i])
			c->cands[c->ncands++] = byrank[i]->id;
}

static const char *key_of(uint16_t id)
{
	const struct cp_sigscheme *s = cp_sigscheme_by_id(id);
	return s && s->key ? s->key : "";
}

/* Keep the result's schemes in the file's order, whatever chain found
 * them first, so that two scans of one server serialise alike. */
static void record(struct cp_chain *c, uint16_t id)
{
	struct cp_result *r = c->job->res;

	if (cp_result_add_sigalg(r, id, cp_proto_bit(c->proto))) {
		c->mode |= S_INCOMPLETE; /* out of memory: the list is short */
		return;
	}
	for (size_t i = 1; i < r->nsigalgs; i++)
		for (size_t k = i; k > 0; k--) {
			const struct cp_sigscheme *a = cp_sigscheme_by_id(r->sigalgs[k - 1].id);
			const struct cp_sigscheme *b = cp_sigscheme_by_id(r->sigalgs[k].id);
			unsigned ra = a && a->probe ? a->probe : UINT16_MAX;
			unsigned rb = b && b->probe ? b->probe : UINT16_MAX;
			if (ra <= rb)
				break;
			struct cp_sigalg_result t = r->sigalgs[k - 1];
			r->sigalgs[k - 1] = r->sigalgs[k];
			r->sigalgs[k] = t;
		}
	if (c->npicks < CP_MAX_CANDS)
		c->picks[c->npicks++] = id;
}

/* The chain is over: a complete walk makes the result's list the probed set. */
static enum cp_next finish(struct cp_chain *c)
{
	if (phase(c) != S_DONE) {
		set_phase(c, S_DONE);
		if (!(c->mode & S_INCOMPLETE))
			c->job->res->sigalgs_probed = true;
	}
	return CP_NEXT_DONE;
}

/* Common part of both hellos: the version's base with the accepted suites
 * that qualify; false when there are none. */
static bool base_hello(struct cp_chain *c, struct cp_probe_spec *s)
{
	const struct cp_proto_result *pr = &c->job->res->proto[c->proto];
	uint16_t suites[CP_MAX_OFFER];
	size_t ns = 0;

	for (size_t i = 0; i < pr->nsuites && ns < CP_MAX_OFFER; i++) {
		const struct cp_suite *su = cp_suite_by_id(pr->suites[i]);
		if (!su)
			continue;
		if (c->proto == CP_P_TLS12 && ((su->kx != CP_KX_ECDHE && su->kx != CP_KX_DHE) ||
					       su->au == CP_AU_anon || su->au == CP_AU_PSK))
			continue;
		suites[ns++] = pr->suites[i];
	}
	if (ns == 0)
		return false;
	cp_spec_base(c->job, c->proto, s);
	cp_spec_suites(s, suites, ns);
	return true;
}

/* Wait for the version's suites; false (with *nx set) when not going on. */
static bool ready(struct cp_chain *c, enum cp_next *nx)
{
	struct cp_job *j = c->job;

	if (phase(c) == S_DONE) {
		*nx = CP_NEXT_DONE;
		return false;
	}
	if (phase(c) == S_WAIT) {
		if (!cp_job_proto_settled(j, c->proto, c)) {
			*nx = CP_NEXT_WAIT;
			return false;
		}
		if (!j->res->proto[c->proto].supported || j->pstate[c->proto] == CP_PS_DEAD) {
			c->mode |= S_INCOMPLETE; /* nothing to probe at this version */
			*nx = finish(c);
			return false;
		}
		/* TLS 1.3 starts with the certificate's family: wait for a
		 * TLS 1.2 answer to show the certificate, if one will */
		if (c->proto == CP_P_TLS13 && !j->res->cert.present && j->need_cert &&
		    (j->opts->versions & CP_VER_TLS12) && !cp_job_proto_settled(j, CP_P_TLS12, c)) {
			*nx = CP_NEXT_WAIT;
			return false;
		}
		load_candidates(c);
		set_phase(c, S_START);
	}
	return true;
}

/* ---- TLS 1.3 ---------------------------------------------------------- */

/* End of the family starting at i (rows with the same key, in a row). */
static size_t family_end(const struct cp_chain *c, size_t i)
{
	const char *key = key_of(c->cands[i]);
	size_t end = i + 1;
	while (end < c->ncands && !strcmp(key_of(c->cands[end]), key))
		end++;
	return end;
}

/* Whether the family starting at i is the certificate's (the hint). */
static bool is_hint(const struct cp_chain *c, size_t i)
{
	const struct cp_cert_facts *cf = &c->job->res->cert;
	return (c->mode & S_HINT_SET) && cf->key_type && !strcmp(key_of(c->cands[i]), cf->key_type);
}

/* Start of the first family at or after i other than the hint, or ncands. */
static size_t next_family(const struct cp_chain *c, size_t i)
{
	while (i < c->ncands && is_hint(c, i))
		i = family_end(c, i);
	return i;
}

/* First member of the hint family, or ncands. */
static size_t hint_start(const struct cp_chain *c)
{
	for (size_t i = 0; i < c->ncands; i = family_end(c, i))
		if (is_hint(c, i))
			return i;
	return c->ncands;
}

/* Decide the walk once the suites are known: with the certificate's key
 * known (from a TLS 1.2 answer), its family alone first, then the rest
 * as one set. */
static void s13_start(struct cp_chain *c)
{
	const struct cp_cert_facts *cf = &c->job->res->cert;

	if (cf->present && cf->key_type)
		c->mode |= S_HINT_SET;
	c->step = (int)hint_start(c);
	if ((size_t)c->step < c->ncands) {
		set_phase(c, S_HINT);
		return;
	}
	c->mode &= ~S_HINT_SET;
	set_phase(c, S_FAMILY);
	c->cursor = next_family(c, 0);
}

/* Move to the family after the current one (phase S_FAMILY). */
static void family_next(struct cp_chain *c)
{
	c->cursor = next_family(c, c->aux);
	c->ntail = 0;
	set_phase(c, S_FAMILY);
}

/* A key-share group the server is known to accept at TLS 1.3, or 0. */
static uint16_t known_group(const struct cp_job *j)
{
	for (size_t i = 0; i < j->res->ngroups; i++) {
		const struct cp_group_result *g = &j->res->groups[i];
		if ((g->versions & CP_VER_TLS13) && cp_keyshare_supported(g->id))
			return g->id;
	}
	return 0;
}

/* Settle what needs no hello; false when the walk is over. */
static bool s13_settle(struct cp_chain *c)
{
	for (;;) {
		switch (phase(c)) {
		case S_HINT:
			if ((size_t)c->step < c->ncands && is_hint(c, (size_t)c->step))
				return true;
			set_phase(c, S_REST);
			c->cursor = next_family(c, 0);
			if (c->cursor >= c->ncands)
				return false; /* the certificate's family was all */
			return true;
		case S_REST: return true;
		case S_FAMILY:
			if (c->cursor >= c->ncands)
				return false;
			c->aux = (uint16_t)family_end(c, c->cursor);
			/* the rest was accepted and every other family of it
			 * refused: this last one is why */
			if ((c->mode & S_REST_OK) && !(c->mode & S_REST_ANY) &&
			    next_family(c, c->aux) >= c->ncands) {
				c->mode |= S_REST_ANY;
				if ((size_t)c->aux - c->cursor == 1) {
					record(c, c->cands[c->cursor]);
					family_next(c);
					continue;
				}
				set_phase(c, S_SINGLE);
				c->step = (int)c->cursor;
				c->ntail = 0;
				continue;
			}
			return true;
		case S_SINGLE:
			if ((size_t)c->step >= c->aux) {
				family_next(c);
				continue;
			}
			if ((size_t)c->step + 1 == c->aux && c->ntail == 0) {
				/* every other member was refused: the family
				 * hello was accepted for this one */
				record(c, c->cands[c->step]);
				family_next(c);
				continue;
			}
			return true;
		default: return false;
		}
	}
}

static enum cp_next s13_next(struct cp_chain *c, struct cp_probe_spec *s)
{
	enum cp_next nx;
	size_t n = 0;

	if (!ready(c, &nx))
		return nx;
	if (phase(c) == S_START)
		s13_start(c);
	if (!s13_settle(c))
		return finish(c);
	if (!base_hello(c, s)) {
		c->mode |= S_INCOMPLETE;
		return finish(c);
	}
	uint16_t g = known_group(c->job);
	if (g) {
		s->groups[0] = g;
		s->hp.ngroups = 1;
		s->shares[0] = g;
		s->hp.nshares = 1;
	}
	switch (phase(c)) {
	case S_HINT:
	case S_SINGLE: s->sigalgs[n++] = c->cands[c->step]; break;
	case S_REST:
		for (size_t i = c->cursor; i < c->ncands; i = family_end(c, i))
			if (!is_hint(c, i))
				for (size_t k = i; k < family_end(c, i) && n < CP_HELLO_MAX_SIGALGS;
				     k++)
					s->sigalgs[n++] = c->cands[k];
		break;
	default: /* S_FAMILY */
		for (size_t k = c->cursor; k < c->aux; k++)
			s->sigalgs[n++] = c->cands[k];
		break;
	}
	s->hp.nsigalgs = n;
	s->want = CP_WANT_SERVER_HELLO;
	return CP_NEXT_PROBE;
}

static void s13_answer(struct cp_chain *c, const struct cp_conn_report *rep)
{
	uint16_t suite;
	enum cp_answer_kind k = cp_classify(c, rep, &suite);
	bool ok = k == CP_ANS_ACCEPTED;

	if (k == CP_ANS_TIMEOUT || k == CP_ANS_VIOLATION)
		c->mode |= S_INCOMPLETE; /* judged refused, but not known */
	switch (phase(c)) {
	case S_HINT:
		if (ok)
			record(c, c->cands[c->step]);
		c->step++;
		break;
	case S_REST:
		if (ok) {
			c->mode |= S_REST_OK;
			set_phase(c, S_FAMILY);
		} else {
			set_phase(c, S_END);
		}
		break;
	case S_FAMILY:
		if (!ok) {
			family_next(c);
		} else if ((size_t)c->aux - c->cursor == 1) {
			c->mode |= S_REST_ANY;
			record(c, c->cands[c->cursor]);
			family_next(c);
		} else {
			c->mode |= S_REST_ANY;
			set_phase(c, S_SINGLE);
			c->step = (int)c->cursor;
			c->ntail = 0;
		}
		break;
	case S_SINGLE:
		if (ok) {
			record(c, c->cands[c->step]);
			c->ntail++;
		}
		c->step++;
		break;
	default: break;
	}
}

static int sig_add(struct cp_job *j, enum cp_proto p, const struct cp_chain_ops *ops)
{
	if (!j->opts->sigalgs || !(j->opts->versions & cp_proto_bit(p)))
		return 0;
	return cp_job_add_chain(j, ops, p) ? 0 : -1;
}

static int s13_add(struct cp_job *j, enum cp_proto p)
{
	return sig_add(j, p, &cp_chain_sigalgs13);
}

static int s12_add(struct cp_job *j, enum cp_proto p)
{
	return sig_add(j, p, &cp_chain_sigalgs12);
}

static size_t sig_expected(const struct cp_chain *c)
{
	(void)c;
	return 8;
}

const struct cp_chain_ops cp_chain_sigalgs13 = {
	.finds = CP_FINDS_SIGALGS,
	.add = s13_add,
	.expected = sig_expected,
	.name = "sigalgs/tls13",
	.next = s13_next,
	.answer = s13_answer,
};

/* ---- TLS 1.2 ---------------------------------------------------------- */

static enum cp_next s12_next(struct cp_chain *c, struct cp_probe_spec *s)
{
	enum cp_next nx;

	if (!ready(c, &nx))
		return nx;
	if (c->ncands == 0)
		return finish(c);
	if (!base_hello(c, s)) {
		/* no (EC)DHE suite: the server signs nothing at TLS 1.2 */
		c->mode |= S_INCOMPLETE;
		return finish(c);
	}
	memcpy(s->sigalgs, c->cands, c->ncands * sizeof c->cands[0]);
	s->hp.nsigalgs = c->ncands;
	s->want = CP_WANT_SKE | CP_WANT_DONE | (c->job->need_cert ? CP_WANT_CERTIFICATE : 0);
	return CP_NEXT_PROBE;
}

static void s12_answer(struct cp_chain *c, const struct cp_conn_report *rep)
{
	uint16_t suite;
	enum cp_answer_kind k = cp_classify(c, rep, &suite);
	const struct cp_wire_result *w = rep->wire;
	struct cp_result *r = c->job->res;

	if (k == CP_ANS_REJECTED) {
		c->ncands = 0; /* none of the rest is usable: complete */
		return;
	}
	if (k != CP_ANS_ACCEPTED || !(w->seen & CP_SEEN_SKE) || !w->ske.sig_scheme) {
		/* a timeout, a lower version, a violation, or an (EC)DHE
		 * answer without a signed ServerKeyExchange */
		c->mode |= S_INCOMPLETE;
		c->ncands = 0;
		return;
	}
	uint16_t id = w->ske.sig_scheme;
	if (!cp_u16_remove(c->cands, &c->ncands, id)) {
		const struct cp_sigscheme *sg = cp_sigscheme_by_id(id);
		cp_result_add_violation(
			r,
			"signed ServerKeyExchange with scheme 0x%04X (%s), which was not offered",
			id, sg ? sg->name : "unassigned");
		c->mode |= S_INCOMPLETE;
		c->ncands = 0;
		return;
	}
	record(c, id);
}

const struct cp_chain_ops cp_chain_sigalgs12 = {
	.finds = CP_FINDS_SIGALGS,
	.add = s12_add,
	.expected = sig_expected,
	.name = "sigalgs/tls12",
	.next = s12_next,
	.answer = s12_answer,
};
