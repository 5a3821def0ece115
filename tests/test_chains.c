/* SPDX-License-Identifier: MIT */
/*
 * Every probing strategy of cp_chains[] driven without sockets: the job's
 * chains are built from the table and the options exactly as the engine
 * builds them (cp_job_build_chains), then a scripted server answers each
 * hello the chains describe, the way RFC 8446 / RFC 5246 servers do.  The
 * server's configuration is written here by hand, and the expectations are
 * that configuration, never something read back from the scanner.
 *
 * The scripted server:
 *   - versions it does not speak get a fatal protocol_version alert (70);
 *   - it picks a suite by its own order (server preference) or by the
 *     client's; none in common: handshake_failure (40);
 *   - TLS 1.2 ECDHE suites need a curve in common (RFC 8422 5.1); the
 *     ServerKeyExchange names the server's first curve the client offered;
 *   - TLS 1.3: the server's first group the client offered; with a key
 *     share for it a ServerHello, otherwise a HelloRetryRequest naming it;
 *   - TLS 1.2 DHE suites follow RFC 7919 section 4: a hello listing any
 *     FFDHE group gets DHE only if the server knows one of them (then
 *     ffdhe2048's 2048 bits); a hello listing none gets the server's own
 *     custom group, if it has one.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "probe/chain.h"
#include "registry.h"

struct server {
	unsigned versions;         /* CP_VER_* it speaks */
	const uint16_t *s13, *s12; /* accepted suites, in its own order */
	size_t n13, n12;
	bool server_order;   /* picks by its own order, not the client's */
	const uint16_t *g13; /* TLS 1.3 groups, its order */
	size_t ng13;
	const uint16_t *c12; /* TLS 1.2 curves, its order */
	size_t nc12;
	bool knows_ffdhe;        /* RFC 7919 groups (ffdhe2048) */
	uint16_t custom_dh_bits; /* its own DH group's size, 0 none */
	unsigned hellos;
	unsigned per_version[CP_P__COUNT];
};

static bool in(const uint16_t *a, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == v)
			return true;
	return false;
}

static bool is_ecdhe(uint16_t id)
{
	const struct cp_suite *s = cp_suite_by_id(id);
	return s && s->kx == CP_KX_ECDHE;
}

static bool is_dhe(uint16_t id)
{
	const struct cp_suite *s = cp_suite_by_id(id);
	return s && s->kx == CP_KX_DHE;
}

/* The DH group size a DHE suite gets for this hello (RFC 7919 4), 0 none. */
static uint16_t dh_bits_for(const struct server *sv, const struct cp_hello_params *hp)
{
	bool lists_ffdhe = false;
	for (size_t i = 0; i < hp->ngroups; i++)
		if (hp->groups[i] >= 256 && hp->groups[i] <= 511)
			lists_ffdhe = true;
	if (lists_ffdhe)
		return sv->knows_ffdhe && in(hp->groups, hp->ngroups, 256) ? 2048 : 0;
	return sv->custom_dh_bits ? sv->custom_dh_bits : sv->knows_ffdhe ? 2048 : 0;
}

/* The server's first curve the client offered, 0 none. */
static uint16_t curve_for(const struct server *sv, const struct cp_hello_params *hp)
{
	for (size_t i = 0; i < sv->nc12; i++)
		if (in(hp->groups, hp->ngroups, sv->c12[i]))
			return sv->c12[i];
	return 0;
}

/* The suite the server picks among those offered, 0 none. */
static uint16_t pick_suite(const struct server *sv, const struct cp_hello_params *hp, bool tls13)
{
	const uint16_t *mine = tls13 ? sv->s13 : sv->s12;
	size_t nmine = tls13 ? sv->n13 : sv->n12;
	bool have_curve = curve_for(sv, hp) != 0;
	bool have_dh = dh_bits_for(sv, hp) != 0;

	for (size_t i = 0; i < (sv->server_order ? nmine : hp->nsuites); i++) {
		uint16_t s = sv->server_order ? mine[i] : hp->suites[i];
		bool ok = sv->server_order ? in(hp->suites, hp->nsuites, s) : in(mine, nmine, s);
		if (ok && (tls13 || ((!is_ecdhe(s) || have_curve) && (!is_dhe(s) || have_dh))))
			return s;
	}
	return 0;
}

static void alert(struct cp_wire_result *w, uint8_t desc)
{
	w->seen = CP_SEEN_ALERT;
	w->alert_level = 2;
	w->alert_desc = desc;
}

/* Answer the hello sp describes, as chain c's probe. */
static void serve(struct server *sv, struct cp_chain *c, const struct cp_probe_spec *sp)
{
	const struct cp_hello_params *hp = &sp->hp;
	struct cp_wire_result w;
	struct cp_conn_report rep;
	bool tls13 = hp->nversions > 0;
	enum cp_proto asked =
		tls13 ? CP_P_TLS13 : (enum cp_proto)cp_proto_from_wire(hp->legacy_version);

	cp_chain_note_sent(c, sp);
	sv->hellos++;
	sv->per_version[asked]++;
	memset(&w, 0, sizeof w);
	memset(&rep, 0, sizeof rep);
	rep.outcome = CP_CONN_ANSWER;
	rep.sent = 1;
	rep.wire = &w;
	if (hp->format == CP_HELLO_SSLV2 || !(sv->versions & cp_proto_bit(asked))) {
		if (hp->format == CP_HELLO_SSLV2)
			rep.outcome = CP_CONN_EOF;
		else
			alert(&w, 70); /* protocol_version */
		c->ops->answer(c, &rep);
		return;
	}
	uint16_t suite = pick_suite(sv, hp, tls13);
	if (!suite) {
		alert(&w, 40); /* handshake_failure */
		c->ops->answer(c, &rep);
		return;
	}
	w.sh.suite = suite;
	w.sh.legacy_version = 0x0303;
	if (tls13) {
		uint16_t g = 0;
		for (size_t i = 0; i < sv->ng13 && !g; i++)
			if (in(hp->groups, hp->ngroups, sv->g13[i]))
				g = sv->g13[i];
		if (!g) {
			alert(&w, 40);
			c->ops->answer(c, &rep);
			return;
		}
		w.sh.version = 0x0304;
		w.sh.has_supported_versions = true;
		w.sh.has_key_share = true;
		w.sh.key_share_group = g;
		w.sh.is_hrr = !in(hp->share_groups, hp->nshares, g);
		w.seen = w.sh.is_hrr ? CP_SEEN_HRR : CP_SEEN_SERVER_HELLO;
	} else {
		w.sh.version = cp_proto_wire(asked);
		w.sh.legacy_version = w.sh.version;
		w.seen = CP_SEEN_SERVER_HELLO | CP_SEEN_SHD;
		if (is_ecdhe(suite)) {
			w.seen |= CP_SEEN_SKE;
			w.ske.ecdhe = true;
			w.ske.curve_type = 3;
			w.ske.group = curve_for(sv, hp);
		}
		if (is_dhe(suite)) {
			w.seen |= CP_SEEN_SKE;
			w.ske.dhe = true;
			w.ske.dh_p_bits = dh_bits_for(sv, hp);
		}
	}
	c->ops->answer(c, &rep);
}

struct rig {
	struct cp_scan_opts o;
	struct cp_job j;
};

static void rig_init(struct rig *g)
{
	memset(g, 0, sizeof *g);
	cp_scan_opts_default(&g->o);
	g->o.certificate = false;
	g->o.sigalgs = false;
	g->o.versions = CP_VER_SSL3 | CP_VER_TLS10 | CP_VER_TLS11 | CP_VER_TLS12 | CP_VER_TLS13;
	g->j.opts = &g->o;
	g->j.res = cp_result_new("test");
	assert_non_null(g->j.res);
}

static void rig_free(struct rig *g)
{
	free(g->j.chains);
	cp_result_free(g->j.res);
}

static void run_chains(struct rig *g, struct server *sv, bool batch, bool split);

/* Every chain to its end, round robin, each hello answered as it is sent. */
static void drive(struct rig *g, struct server *sv)
{
	run_chains(g, sv, false, false);
}

static void assert_suites(const struct cp_result *r, enum cp_proto p, const uint16_t *want,
			  size_t n)
{
	const struct cp_proto_result *pr = &r->proto[p];
	assert_int_equal(pr->nsuites, n);
	for (size_t i = 0; i < n; i++)
		assert_true(in(pr->suites, pr->nsuites, want[i]));
}

static bool has_group(const struct cp_result *r, uint16_t id, unsigned vbit)
{
	for (size_t i = 0; i < r->ngroups; i++)
		if (r->groups[i].id == id && (r->groups[i].versions & vbit))
			return true;
	return false;
}

static size_t count_chains(const struct cp_job *j, enum cp_chain_finds f)
{
	size_t n = 0;
	for (size_t i = 0; i < j->nchains; i++)
		n += j->chains[i].ops->finds == f;
	return n;
}

/* A TLS 1.2 + 1.3 server: suites, groups and curves as configured. */
static const uint16_t S13[] = { 0x1302, 0x1301 };
static const uint16_t S12[] = { 0xC030, 0xC02F, 0x009C };
static const uint16_t G13[] = { 24, 29 }; /* secp384r1, x25519 */
static const uint16_t C12[] = { 23, 29 }; /* secp256r1, x25519 */

static void modern(struct server *sv, bool server_order)
{
	memset(sv, 0, sizeof *sv);
	sv->versions = CP_VER_TLS12 | CP_VER_TLS13;
	sv->s13 = S13, sv->n13 = 2;
	sv->s12 = S12, sv->n12 = 3;
	sv->g13 = G13, sv->ng13 = 2;
	sv->c12 = C12, sv->nc12 = 2;
	sv->server_order = server_order;
}

static void eliminate_finds_every_suite_group_and_curve(void **state)
{
	(void)state;
	struct rig g;
	struct server sv;
	rig_init(&g);
	modern(&sv, true);
	drive(&g, &sv);
	assert_suites(g.j.res, CP_P_TLS13, S13, 2);
	assert_suites(g.j.res, CP_P_TLS12, S12, 3);
	for (enum cp_proto p = CP_P_SSL3; p <= CP_P_TLS11; p++)
		assert_int_equal(g.j.res->proto[p].nsuites, 0);
	assert_true(has_group(g.j.res, 24, CP_VER_TLS13));
	assert_true(has_group(g.j.res, 29, CP_VER_TLS13));
	assert_true(has_group(g.j.res, 23, CP_VER_TLS12));
	assert_true(has_group(g.j.res, 29, CP_VER_TLS12));
	assert_false(has_group(g.j.res, 23, CP_VER_TLS13));
	assert_false(has_group(g.j.res, 24, CP_VER_TLS12));
	assert_int_equal(g.j.res->proto[CP_P_TLS12].server_preference, CP_YES);
	/* the server's order, read back by the preference chain */
	assert_int_equal(g.j.res->proto[CP_P_TLS12].suites[0], 0xC030);
	assert_int_equal(g.j.res->proto[CP_P_TLS12].suites[1], 0xC02F);
	assert_int_equal(g.j.res->proto[CP_P_TLS12].suites[2], 0x009C);
	rig_free(&g);
}

static void single_finds_the_same_set(void **state)
{
	(void)state;
	struct rig g, e;
	struct server sv, se;
	rig_init(&g);
	g.o.strategy = CP_STRATEGY_SINGLE;
	modern(&sv, false);
	drive(&g, &sv);
	assert_suites(g.j.res, CP_P_TLS13, S13, 2);
	assert_suites(g.j.res, CP_P_TLS12, S12, 3);
	assert_int_equal(count_chains(&g.j, CP_FINDS_SUITES) >= g.o.per_host, true);
	/* elimination reaches the same set in fewer hellos */
	rig_init(&e);
	modern(&se, false);
	drive(&e, &se);
	assert_suites(e.j.res, CP_P_TLS12, S12, 3);
	assert_true(se.hellos < sv.hellos);
	/* a server following the client's order shows no preference */
	assert_int_equal(e.j.res->proto[CP_P_TLS12].server_preference, CP_NO);
	rig_free(&g);
	rig_free(&e);
}

static void unspoken_versions_cost_one_hello_each(void **state)
{
	(void)state;
	struct rig g;
	struct server sv;
	rig_init(&g);
	g.o.preference = false;
	g.o.groups = false;
	modern(&sv, true);
	drive(&g, &sv);
	/* one protocol_version alert settles a version: the chunks after the
	 * leader wait for its answer instead of each asking */
	assert_int_equal(sv.per_version[CP_P_TLS11], 1);
	assert_int_equal(sv.per_version[CP_P_TLS10], 1);
	assert_int_equal(sv.per_version[CP_P_SSL3], 1);
	assert_false(g.j.res->proto[CP_P_TLS11].supported);
	assert_true(g.j.res->proto[CP_P_TLS11].probed);
	rig_free(&g);
}

static void options_decide_which_chains_run(void **state)
{
	(void)state;
	struct rig g;
	rig_init(&g);
	g.o.groups = false;
	g.o.preference = false;
	g.o.versions = CP_VER_TLS12;
	assert_int_equal(cp_job_build_chains(&g.j), 0);
	assert_int_equal(count_chains(&g.j, CP_FINDS_GROUPS13), 0);
	assert_int_equal(count_chains(&g.j, CP_FINDS_CURVES12), 0);
	assert_int_equal(count_chains(&g.j, CP_FINDS_PREF), 0);
	assert_int_equal(count_chains(&g.j, CP_FINDS_REPLAY), 0);
	assert_int_equal(count_chains(&g.j, CP_FINDS_SIGALGS), 0);
	for (size_t i = 0; i < g.j.nchains; i++)
		assert_int_equal(g.j.chains[i].proto, CP_P_TLS12);
	rig_free(&g);

	/* the longest chains get slots first: TLS 1.2 suites lead */
	rig_init(&g);
	assert_int_equal(cp_job_build_chains(&g.j), 0);
	assert_int_equal(g.j.chains[0].proto, CP_P_TLS12);
	assert_int_equal(g.j.chains[0].ops->finds, CP_FINDS_SUITES);
	assert_true(count_chains(&g.j, CP_FINDS_PREF) == 5);
	rig_free(&g);
}

static void every_strategy_is_in_the_table(void **state)
{
	(void)state;
	const struct cp_chain_ops *all[] = {
		&cp_chain_suites_eliminate,
		&cp_chain_suites_single,
		&cp_chain_sslv2,
		&cp_chain_dhe_custom,
		&cp_chain_groups13,
		&cp_chain_curves12,
		&cp_chain_pref,
		&cp_chain_replay,
		&cp_chain_sigalgs13,
		&cp_chain_sigalgs12,
	};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		bool found = false;
		for (size_t k = 0; k < cp_nchains; k++)
			found |= cp_chains[k].ops == all[i];
		assert_true(found);
		assert_non_null(all[i]->name);
		assert_non_null(all[i]->next);
		assert_non_null(all[i]->answer);
	}
}

static void one_group_order_for_hellos_and_chains(void **state)
{
	(void)state;
	struct rig g;
	rig_init(&g);
	assert_int_equal(cp_job_build_chains(&g.j), 0);
	const struct cp_chain *g13 = NULL, *c12 = NULL;
	for (size_t i = 0; i < g.j.nchains; i++) {
		if (g.j.chains[i].ops->finds == CP_FINDS_GROUPS13)
			g13 = &g.j.chains[i];
		if (g.j.chains[i].ops->finds == CP_FINDS_CURVES12)
			c12 = &g.j.chains[i];
	}
	if (!g13 || !c12) {
		fail_msg("no group chain built");
		return;
	}
	/* X25519, then the NIST curves, as the suite probes list them */
	assert_int_equal(g13->cands[0], 29);
	assert_int_equal(g13->cands[1], 23);
	assert_int_equal(c12->cands[0], 29);
	assert_int_equal(c12->cands[1], 23);
	struct cp_probe_spec sp;
	cp_spec_base(&g.j, CP_P_TLS12, &sp);
	assert_int_equal(sp.hp.groups[0], 29);
	assert_int_equal(sp.hp.groups[1], 23);
	assert_true(in(sp.hp.groups, sp.hp.ngroups, 256)); /* ffdhe2048: DHE suites */
	rig_free(&g);
}

/*
 * The base hello's supported_groups and signature_algorithms, in full,
 * written by hand: the probing orders of ciphersuites/probe-groups.tsv and
 * probe-sigalgs.tsv first, then the rest of the registry in code-point
 * order (groups.tsv kinds EC, XDH and FFDHE for suite probes; every
 * assigned scheme of iana/tls-signature-schemes.csv).  These are the lists
 * the probes sent before the orders became data (issue 15): a change here
 * changes every hello cipherprobe sends.
 */
static void base_hello_lists_are_the_documented_order(void **state)
{
	(void)state;
	static const uint16_t groups12[] = {
		29, 23, 24, 25, 30, 256, 257, 258, 259, 260, 1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
		11, 12, 13, 14, 15, 16,  17,  18,  19,  20,  21, 22, 26, 27, 28, 31, 32, 33, 41,
	};
	/* TLS 1.3 adds the ML-KEM hybrids at the end (X25519MLKEM768,
	 * SecP256r1MLKEM768, SecP384r1MLKEM1024) */
	static const uint16_t pq[] = { 0x11EC, 0x11EB, 0x11ED };
	static const uint16_t sigalgs[] = {
		0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0603,
		0x0807, 0x0808, 0x0809, 0x080A, 0x080B, 0x0201, 0x0203, 0x0402, 0x0502,
		0x0602, 0x0202, 0x0420, 0x0520, 0x0620, 0x0704, 0x0705, 0x0706, 0x0707,
		0x0708, 0x0709, 0x070A, 0x070B, 0x070C, 0x070D, 0x070E, 0x070F, 0x081A,
		0x081B, 0x081C, 0x0904, 0x0905, 0x0906,
	};
	const size_t ng = sizeof groups12 / sizeof groups12[0];
	const size_t ns = sizeof sigalgs / sizeof sigalgs[0];
	struct rig g;
	rig_init(&g);
	struct cp_probe_spec sp;
	cp_spec_base(&g.j, CP_P_TLS12, &sp);
	assert_int_equal(sp.hp.ngroups, ng);
	assert_memory_equal(sp.hp.groups, groups12, sizeof groups12);
	assert_int_equal(sp.hp.nsigalgs, ns);
	assert_memory_equal(sp.hp.sigalgs, sigalgs, sizeof sigalgs);
	cp_spec_base(&g.j, CP_P_TLS13, &sp);
	assert_int_equal(sp.hp.ngroups, ng + 3);
	assert_memory_equal(sp.hp.groups, groups12, sizeof groups12);
	assert_memory_equal(sp.hp.groups + ng, pq, sizeof pq);
	assert_int_equal(sp.hp.nsigalgs, ns);
	assert_memory_equal(sp.hp.sigalgs, sigalgs, sizeof sigalgs);
	/* SSLv3 has no extensions: no lists at all */
	cp_spec_base(&g.j, CP_P_SSL3, &sp);
	assert_int_equal(sp.hp.ngroups, 0);
	assert_int_equal(sp.hp.nsigalgs, 0);
	rig_free(&g);
}

/* A TLS 1.2 server with DHE and ECDHE suites, DH as configured. */
static const uint16_t S12DHE[] = { 0xC02F, 0x009E, 0x0033 };

static void dhe_server(struct server *sv, bool knows_ffdhe, uint16_t custom_bits)
{
	memset(sv, 0, sizeof *sv);
	sv->versions = CP_VER_TLS12;
	sv->s12 = S12DHE, sv->n12 = 3;
	sv->c12 = C12, sv->nc12 = 2;
	sv->server_order = true;
	sv->knows_ffdhe = knows_ffdhe;
	sv->custom_dh_bits = custom_bits;
}

/* badssl.com's dh512: a custom group only; hellos with the FFDHE list get
 * no DHE at all (RFC 7919 4), the hello without it finds both suites. */
static void dhe_custom_group_only(void **state)
{
	(void)state;
	struct rig g;
	struct server sv;
	rig_init(&g);
	dhe_server(&sv, false, 512);
	drive(&g, &sv);
	assert_suites(g.j.res, CP_P_TLS12, S12DHE, 3);
	assert_int_equal(g.j.res->dhe_bits, 512);
	rig_free(&g);
}

/* A server knowing ffdhe2048 and keeping a 512-bit group for clients that
 * list no FFDHE group: the suites are found as always, the small group by
 * the one hello without the list. */
static void dhe_small_group_behind_ffdhe(void **state)
{
	(void)state;
	struct rig g;
	struct server sv;
	rig_init(&g);
	dhe_server(&sv, true, 512);
	drive(&g, &sv);
	assert_suites(g.j.res, CP_P_TLS12, S12DHE, 3);
	assert_int_equal(g.j.res->dhe_bits, 512);
	rig_free(&g);
}

/* RFC 7919 only: 2048 bits whatever the hello lists. */
static void dhe_ffdhe_only(void **state)
{
	(void)state;
	struct rig g;
	struct server sv;
	rig_init(&g);
	dhe_server(&sv, true, 0);
	drive(&g, &sv);
	assert_suites(g.j.res, CP_P_TLS12, S12DHE, 3);
	assert_int_equal(g.j.res->dhe_bits, 2048);
	rig_free(&g);
}

/*
 * Run every chain to its end, round robin, one probe per chain per round;
 * a round where every live chain waits is a deadlock.  batch: as the
 * engine does when every hello of a round is in flight at once, each chain
 * that has a probe describes it, and only then are they answered.  split:
 * the engine has slots to spare all along (cp_job.split_ok), so a chunk
 * that runs out of work may take a share of a sibling whose hello is
 * still unanswered.
 */
static void run_chains(struct rig *g, struct server *sv, bool batch, bool split)
{
	struct cp_job *j = &g->j;
	bool live = true;

	assert_int_equal(cp_job_build_chains(j), 0);
	struct cp_probe_spec *sp = calloc(j->nchains, sizeof *sp);
	bool *sent = calloc(j->nchains, sizeof *sent);
	assert_non_null(sp);
	assert_non_null(sent);
	j->split_ok = split;
	while (live) {
		bool moved = false;
		live = false;
		for (size_t i = 0; i < j->nchains; i++) {
			struct cp_chain *c = &j->chains[i];
			sent[i] = false;
			if (c->state == CP_CHAIN_DONE)
				continue;
			switch (c->ops->next(c, &sp[i])) {
			case CP_NEXT_PROBE:
				moved = live = true;
				if (!batch) {
					serve(sv, c, &sp[i]);
					break;
				}
				cp_chain_note_sent(c, &sp[i]);
				sent[i] = true;
				break;
			case CP_NEXT_WAIT: live = true; break;
			case CP_NEXT_DONE:
				c->state = CP_CHAIN_DONE;
				moved = true;
				break;
			}
		}
		for (size_t i = 0; i < j->nchains; i++)
			if (sent[i])
				serve(sv, &j->chains[i], &sp[i]);
		assert_true(moved || !live);
	}
	free(sp);
	free(sent);
}

static void drive_parallel(struct rig *g, struct server *sv, bool split)
{
	run_chains(g, sv, true, split);
}

/*
 * A legacy TLS 1.2 server accepting many suites (IANA codepoints: ECDHE,
 * DHE and RSA key exchange; AES-GCM/CBC/CCM, ChaCha20, Camellia, 3DES,
 * RC4), listed in its own order: enough that elimination's first chunk
 * would be one long chain.
 */
static const uint16_t MANY12[] = {
	0xC030, 0xC02F, 0xCCA8, 0xC028, 0xC027, 0xC014, 0xC013, 0x009F, 0x009E, 0xCCAA,
	0xC09F, 0xC09E, 0x006B, 0x0067, 0x0039, 0x0033, 0x009D, 0x009C, 0xC09D, 0xC09C,
	0x003D, 0x003C, 0x0035, 0x002F, 0xC077, 0xC076, 0x00BE, 0x00BA, 0x0088, 0x0084,
	0x0045, 0x0041, 0xC012, 0x0016, 0x000A, 0xC011, 0x0005, 0x0004,
};
#define NMANY12 (sizeof MANY12 / sizeof MANY12[0])

static void many_server(struct server *sv, bool server_order)
{
	memset(sv, 0, sizeof *sv);
	sv->versions = CP_VER_TLS12;
	sv->s12 = MANY12, sv->n12 = NMANY12;
	sv->c12 = C12, sv->nc12 = 2;
	sv->knows_ffdhe = true;
	sv->server_order = server_order;
}

static unsigned steals_at(const struct cp_job *j, enum cp_proto p)
{
	unsigned n = 0;
	for (size_t i = 0; i < j->nchains; i++)
		if (j->chains[i].proto == p)
			n += j->chains[i].steals;
	return n;
}

/* Chunks that run dry take shares of the long one; the set stays exact,
 * and a server that follows the client's order still shows none. */
static void split_chunks_find_the_same_set(void **state)
{
	(void)state;
	struct rig g;
	struct server sv;
	rig_init(&g);
	many_server(&sv, false);
	drive_parallel(&g, &sv, true);
	assert_suites(g.j.res, CP_P_TLS12, MANY12, NMANY12);
	assert_true(steals_at(&g.j, CP_P_TLS12) > 0);
	assert_int_equal(g.j.res->proto[CP_P_TLS12].server_preference, CP_NO);
	rig_free(&g);
}

/* A server imposing its order shows it in its first picks; chunks then
 * stay whole, since one chain's picks give that order for free. */
static void split_chunks_keep_the_server_order(void **state)
{
	(void)state;
	struct rig g;
	struct server sv;
	rig_init(&g);
	many_server(&sv, true);
	drive_parallel(&g, &sv, true);
	assert_int_equal(steals_at(&g.j, CP_P_TLS12), 0);
	const struct cp_proto_result *pr = &g.j.res->proto[CP_P_TLS12];
	assert_int_equal(pr->server_preference, CP_YES);
	assert_int_equal(pr->nsuites, NMANY12);
	for (size_t i = 0; i < NMANY12; i++)
		assert_int_equal(pr->suites[i], MANY12[i]);
	rig_free(&g);
}

/* Without spare slots no chain splits; nor does a chunk with few suites
 * when slots are spare: a split would cost a refused hello for nothing. */
static void no_split_without_spare_slots_or_work(void **state)
{
	(void)state;
	struct rig g, h;
	struct server sv, sh;
	rig_init(&g);
	many_server(&sv, false);
	drive_parallel(&g, &sv, false);
	assert_suites(g.j.res, CP_P_TLS12, MANY12, NMANY12);
	assert_int_equal(steals_at(&g.j, CP_P_TLS12), 0);
	rig_free(&g);

	rig_init(&g);
	rig_init(&h);
	modern(&sv, false);
	modern(&sh, false);
	drive_parallel(&g, &sv, true);
	drive_parallel(&h, &sh, false);
	assert_suites(g.j.res, CP_P_TLS12, S12, 3);
	assert_int_equal(steals_at(&g.j, CP_P_TLS12), 0);
	assert_int_equal(sv.hellos, sh.hellos);
	rig_free(&g);
	rig_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eliminate_finds_every_suite_group_and_curve),
		cmocka_unit_test(single_finds_the_same_set),
		cmocka_unit_test(unspoken_versions_cost_one_hello_each),
		cmocka_unit_test(options_decide_which_chains_run),
		cmocka_unit_test(every_strategy_is_in_the_table),
		cmocka_unit_test(one_group_order_for_hellos_and_chains),
		cmocka_unit_test(base_hello_lists_are_the_documented_order),
		cmocka_unit_test(dhe_custom_group_only),
		cmocka_unit_test(dhe_small_group_behind_ffdhe),
		cmocka_unit_test(dhe_ffdhe_only),
		cmocka_unit_test(split_chunks_find_the_same_set),
		cmocka_unit_test(split_chunks_keep_the_server_order),
		cmocka_unit_test(no_split_without_spare_slots_or_work),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
