/* SPDX-License-Identifier: MIT */
/*
 * What every probe has in common: the base hello for a protocol version,
 * the candidate suites, and the classification of an answer.
 *
 * The base hello follows DESIGN.md's "Probing" list, each item a known
 * false negative when missed: always signature_algorithms,
 * supported_groups (with FFDHE groups, or DHE suites go unseen) and
 * ec_point_formats; SNI for names only; TLS 1.3 with supported_versions,
 * at most two key shares and a 32-byte session id; the encoder pads every
 * hello out of the 256-511 byte range.
 */
#include "config.h"

#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "probe/chain.h"
#include "registry.h"
#include "tls/cert.h"

bool cp_u16_in(const uint16_t *a, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == v)
			return true;
	return false;
}

bool cp_u16_remove(uint16_t *a, size_t *n, uint16_t v)
{
	for (size_t i = 0; i < *n; i++)
		if (a[i] == v) {
			memmove(a + i, a + i + 1, (*n - i - 1) * sizeof *a);
			(*n)--;
			return true;
		}
	return false;
}

/*
 * Groups in the order probes list them: the common ones first, in the
 * probing order of ciphersuites/probe-groups.tsv (X25519 and the NIST
 * curves, X448, the ML-KEM hybrids, the FFDHE groups), then every other
 * group of the registry that keep() accepts.  The one order every hello
 * and every group chain follows.
 */
size_t cp_groups_ordered(bool (*keep)(const struct cp_group *g), uint16_t *out, size_t max)
{
	size_t nfirst;
	const uint16_t *first = cp_group_probe_order(&nfirst);
	size_t n = 0;
	for (size_t i = 0; i < nfirst && n < max; i++) {
		const struct cp_group *g = cp_group_by_id(first[i]);
		if (g && keep(g))
			out[n++] = first[i];
	}
	for (size_t i = 0; i < cp_group_count() && n < max; i++) {
		const struct cp_group *g = cp_group_at(i);
		if (keep(g) && !cp_u16_in(out, n, g->id))
			out[n++] = g->id;
	}
	return n;
}

/* Groups offered in suite probes: every EC, XDH and FFDHE group, so that an
 * ECDSA certificate's curve and a DHE server's FFDHE group are always
 * among them. */
static bool suite_probe_group(const struct cp_group *g)
{
	return g->kind == CP_GROUP_EC || g->kind == CP_GROUP_XDH || g->kind == CP_GROUP_FFDHE;
}

/* Signature schemes: the probing order of ciphersuites/probe-sigalgs.tsv,
 * then every other assigned one but the private range. */
static size_t default_sigalgs(uint16_t *out, size_t max)
{
	size_t nfirst;
	const uint16_t *first = cp_sigalg_probe_order(&nfirst);
	size_t n = 0;
	for (size_t i = 0; i < nfirst && n < max; i++)
		out[n++] = first[i];
	for (size_t i = 0; i < cp_sigscheme_count() && n < max; i++) {
		const struct cp_sigscheme *s = cp_sigscheme_at(i);
		if (s->id >= 0xFE00)
			continue;
		if (!cp_u16_in(out, n, s->id))
			out[n++] = s->id;
	}
	return n;
}

void cp_spec_base(struct cp_job *j, enum cp_proto p, struct cp_probe_spec *s)
{
	memset(s, 0, sizeof *s);
	struct cp_hello_params *hp = &s->hp;
	hp->format = CP_HELLO_TLS;
	hp->sni = j->sni;
	hp->suites = s->suites;
	if (p == CP_P_SSL3) {
		/* SSLv3 has no extensions: signal renegotiation with the SCSV. */
		hp->legacy_version = 0x0300;
		hp->record_version = 0x0300;
		hp->flags = CP_HELLO_RENEG_SCSV;
		hp->sni = NULL;
		return;
	}
	hp->groups = s->groups;
	hp->ngroups = cp_groups_ordered(suite_probe_group, s->groups, CP_HELLO_MAX_GROUPS);
	hp->sigalgs = s->sigalgs;
	hp->nsigalgs = default_sigalgs(s->sigalgs, CP_HELLO_MAX_SIGALGS);
	hp->record_version = 0x0301;
	hp->flags = CP_HELLO_EC_POINT_FORMATS | CP_HELLO_RENEG_INFO;
	if (p == CP_P_TLS13) {
		hp->legacy_version = 0x0303;
		s->versions[0] = 0x0304;
		hp->versions = s->versions;
		hp->nversions = 1;
		s->shares[0] = 29;
		s->shares[1] = 23;
		hp->share_groups = s->shares;
		hp->nshares = 2;
		/* A server that accepts only post-quantum hybrids answers with a
		 * HelloRetryRequest when they are listed (no share needed), and
		 * refuses the hello when they are not. */
		static const uint16_t pq[] = { 0x11EC, 0x11EB, 0x11ED };
		for (size_t i = 0;
		     i < sizeof pq / sizeof pq[0] && hp->ngroups < CP_HELLO_MAX_GROUPS; i++)
			if (cp_group_by_id(pq[i]) && !cp_u16_in(s->groups, hp->ngroups, pq[i]))
				s->groups[hp->ngroups++] = pq[i];
		hp->flags = CP_HELLO_EC_POINT_FORMATS | CP_HELLO_PSK_MODES | CP_HELLO_SESSION_ID;
	} else {
		hp->legacy_version = cp_proto_wire(p);
		hp->flags |= CP_HELLO_EMS;
	}
}

void cp_spec_suites(struct cp_probe_spec *s, const uint16_t *suites, size_t n)
{
	if (n > CP_MAX_CANDS)
		n = CP_MAX_CANDS;
	memcpy(s->suites, suites, n * sizeof *suites);
	s->hp.suites = s->suites;
	s->hp.nsuites = n;
}

/*
 * Rank for chunking: suites servers really accept go into the first
 * chunk, so elimination usually finds everything in one chain.  PAN-OS
 * decryptable suites first, then suites OpenSSL implements, then the rest
 * (PSK, SRP, Kerberos, GOST, ...), which servers rarely accept.
 */
static int rank(const struct cp_suite *s)
{
	if (s->panos)
		return 0;
	if (s->openssl_name && s->kx != CP_KX_PSK && s->kx != CP_KX_SRP && s->kx != CP_KX_DHE_PSK &&
	    s->kx != CP_KX_RSA_PSK && s->kx != CP_KX_ECDHE_PSK)
		return 1;
	return 2;
}

size_t cp_candidates(enum cp_proto p, uint16_t *out, size_t max)
{
	unsigned bit = cp_proto_bit(p);
	size_t n = 0;
	for (int r = 0; r <= 2; r++)
		for (size_t i = 0; i < cp_suite_count() && n < max; i++) {
			const struct cp_suite *s = cp_suite_at(i);
			if (s->scsv || !(s->versions & bit) || rank(s) != r)
				continue;
			out[n++] = s->id;
		}
	return n;
}

size_t cp_candidate_rank(enum cp_proto p, uint16_t suite)
{
	uint16_t cands[CP_MAX_CANDS];
	size_t n = cp_candidates(p, cands, CP_MAX_CANDS);
	for (size_t i = 0; i < n; i++)
		if (cands[i] == suite)
			return i;
	return SIZE_MAX;
}

/* Map an OpenSSL curve name from a certificate to a TLS group id. */
static uint16_t group_of_curve(const char *name)
{
	if (!name)
		return 0;
	const struct cp_group *g = cp_group_by_name(name);
	if (g)
		return g->id;
	for (size_t i = 0; i < cp_group_count(); i++) {
		g = cp_group_at(i);
		if (g->openssl_name && !strcmp(g->openssl_name, name))
			return g->id;
	}
	return 0;
}

/* Facts that come with an accepted TLS <= 1.2 answer: certificate, the
 * ECDHE curve or DHE prime size from ServerKeyExchange. */
static void harvest(struct cp_chain *c, const struct cp_wire_result *w, unsigned vbit)
{
	struct cp_job *j = c->job;
	struct cp_result *r = j->res;
	if ((w->seen & CP_SEEN_CERTIFICATE) && w->ncerts > 0 && !r->cert.present) {
		char err[160];
		/* the whole chain as sent, for verification (tls/chain.h) */
		struct cp_der_cert sent[CP_WIRE_MAX_CERTS];
		size_t nsent = w->ncerts < CP_WIRE_MAX_CERTS ? w->ncerts : CP_WIRE_MAX_CERTS;
		for (size_t i = 0; i < nsent; i++) {
			sent[i].der = w->certs[i].der;
			sent[i].len = w->certs[i].len;
		}
		/* without memory nothing is kept: the chain is then "not checked" */
		if (!r->nchain)
			(void)cp_result_set_chain(r, sent, nsent);
		if (cp_cert_facts_from_der(w->certs[0].der, w->certs[0].len, w->certs_total,
					   time(NULL), &r->cert, err, sizeof err) == 0) {
			r->cert.present = true;
			j->need_cert = false;
			if (r->cert.curve)
				j->cert_curve = group_of_curve(r->cert.curve);
		} else {
			cp_result_add_violation(r, "the server's certificate does not parse: %s",
						err);
			j->need_cert = false;
		}
	}
	if (w->seen & CP_SEEN_SKE) {
		if (w->ske.ecdhe && w->ske.group) {
			if (cp_u16_in(c->sent_groups, c->nsent_groups, w->ske.group))
				cp_result_add_group(r, w->ske.group, vbit);
			else
				cp_result_add_violation(
					r, "ServerKeyExchange uses curve %u, which was not offered",
					w->ske.group);
		}
		if (w->ske.dhe && w->ske.dh_p_bits) {
			/* keep the smallest prime seen: it is the weakest the server uses */
			if (!r->dhe_bits || w->ske.dh_p_bits < r->dhe_bits)
				r->dhe_bits = w->ske.dh_p_bits;
		}
	}
}

enum cp_answer_kind cp_classify(struct cp_chain *c, const struct cp_conn_report *rep,
				uint16_t *suite)
{
	struct cp_job *j = c->job;
	struct cp_result *r = j->res;
	const struct cp_wire_result *w = rep->wire;
	enum cp_proto p = c->proto;
	char ids[8];

	*suite = 0;
	/* A ServerHello counts whatever follows it: an alert, a close, a
	 * stall while we waited for the rest of the flight. */
	if (!w || !(w->seen & (CP_SEEN_SERVER_HELLO | CP_SEEN_HRR))) {
		if (rep->outcome == CP_CONN_TIMEOUT || rep->outcome == CP_CONN_CONNECT_TIMEOUT)
			return CP_ANS_TIMEOUT;
		/* protocol_version (70) says the version itself is refused */
		if (rep->outcome == CP_CONN_ANSWER && w && (w->seen & CP_SEEN_ALERT) &&
		    w->alert_desc == 70)
			return CP_ANS_LOWER;
		return CP_ANS_REJECTED;
	}

	const struct cp_server_hello *sh = &w->sh;
	uint16_t want = cp_proto_wire(p);
	uint16_t got = sh->version;
	const char *pname = cp_proto_name(p);

	if (got != want) {
		int gp = cp_proto_from_wire(got);
		if (gp < 0 || got > want || (p == CP_P_TLS13 && sh->has_supported_versions)) {
			cp_result_add_violation(
				r, "answered a %s hello with version 0x%04X, which was not offered",
				pname, got);
			return CP_ANS_VIOLATION;
		}
		/* A lower version: p is not supported, the lower one is (its own
		 * chain will find its suites). */
		return CP_ANS_LOWER;
	}
	if (!cp_u16_in(c->offered, c->noffered, sh->suite)) {
		const struct cp_suite *s = cp_suite_by_id(sh->suite);
		cp_result_add_violation(
			r, "selected cipher suite %s (%s) at %s, which was not offered",
			cp_suite_id_str(sh->suite, ids), s ? s->name : "unassigned", pname);
		return CP_ANS_VIOLATION;
	}
	if (p == CP_P_TLS13 && sh->has_key_share) {
		uint16_t g = sh->key_share_group;
		if (!sh->is_hrr && !cp_u16_in(c->sent_shares, c->nsent_shares, g)) {
			cp_result_add_violation(
				r,
				"answered TLSv1.3 with a key share for group %u, for which no share was sent",
				g);
			return CP_ANS_VIOLATION;
		}
		if (sh->is_hrr && (!cp_u16_in(c->sent_groups, c->nsent_groups, g) ||
				   cp_u16_in(c->sent_shares, c->nsent_shares, g))) {
			cp_result_add_violation(
				r, "HelloRetryRequest asked for group %u, which was %s", g,
				cp_u16_in(c->sent_shares, c->nsent_shares, g) ? "already shared"
									      : "not offered");
			return CP_ANS_VIOLATION;
		}
	}
	harvest(c, w, cp_proto_bit(p));
	*suite = sh->suite;
	return CP_ANS_ACCEPTED;
}

static size_t copy16(uint16_t *dst, size_t cap, const uint16_t *src, size_t n)
{
	if (!src)
		return 0;
	if (n > cap)
		n = cap;
	if (n)
		memcpy(dst, src, n * sizeof *src);
	return n;
}

void cp_chain_note_sent(struct cp_chain *c, const struct cp_probe_spec *sp)
{
	c->noffered =
		copy16(c->offered, CP_MAX_CANDS,
		       sp->hp.format == CP_HELLO_SSLV2 ? NULL : sp->hp.suites, sp->hp.nsuites);
	c->nsent_groups =
		copy16(c->sent_groups, CP_HELLO_MAX_GROUPS, sp->hp.groups, sp->hp.ngroups);
	c->nsent_shares = copy16(c->sent_shares, 2, sp->hp.share_groups, sp->hp.nshares);
	if (!(c->ops->flags & CP_CHAIN_UNPROBED))
		c->job->res->proto[c->proto].probed = true;
}
