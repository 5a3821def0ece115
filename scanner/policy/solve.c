/* SPDX-License-Identifier: MIT */
/*
 * The solver over the five handshake axes; see solve.h for the model.
 *
 * Facts come from the scan record (accepted versions, suites, groups,
 * signature schemes or, failing those, the certificate key; the chain
 * verification), the client model, the firewall model and the profile.
 * Unknown facts never block: a server whose groups were not enumerated is
 * not said to lack a group.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/solve.h"
#include "registry.h"

#define MAXL 128 /* longest list of ids one fact holds */

static const uint64_t ONE = 1;

const char *cp_ver_human(uint16_t wire)
{
	switch (wire) {
	case 0x0002: return "SSL 2.0";
	case 0x0300: return "SSL 3.0";
	case 0x0301: return "TLS 1.0";
	case 0x0302: return "TLS 1.1";
	case 0x0303: return "TLS 1.2";
	case 0x0304: return "TLS 1.3";
	default: return "an unknown version";
	}
}

static bool in16(const uint16_t *v, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static const char *suite_name(uint16_t id, char buf[static 7])
{
	const struct cp_suite *s = cp_suite_by_id(id);

	return s ? s->name : cp_suite_id_str(id, buf);
}

static const char *group_name(uint16_t id, char buf[static 7])
{
	const struct cp_group *g = cp_group_by_id(id);

	return g ? g->name : cp_suite_id_str(id, buf);
}

static const char *scheme_name(uint16_t id, char buf[static 7])
{
	const struct cp_sigscheme *s = cp_sigscheme_by_id(id);

	return s ? s->name : cp_suite_id_str(id, buf);
}

static const char *client_label(const struct cp_client *c)
{
	return c->label ? c->label : (c->name ? c->name : "the client");
}

static const char *prof_tok(uint16_t wire, bool is_max)
{
	const char *t = is_max ? "max" : cp_panos_version_token(wire);

	return t ? t : "?";
}

/* ---- facts ------------------------------------------------------------ */

struct facts {
	const struct cp_solve_in *in;
	/* server versions with accepted suites (wire), ascending */
	uint16_t sv[CP_P__COUNT];
	size_t nsv;
	/* what the firewall's hello carries apart from the profile */
	uint16_t fw_groups[64];
	size_t nfw_groups;
	const uint16_t *fw_sigalgs;
	size_t nfw_sigalgs;
	uint16_t cert_group; /* an EC certificate's curve, 0 none/unknown */
};

/* The scan's facts at version wire (an empty record for a version the
 * scan has no slot for). */
static const struct cp_proto_result *proto_of(const struct cp_result *r, uint16_t wire)
{
	static const struct cp_proto_result none;
	int pi = cp_proto_from_wire(wire);

	return pi < 0 ? &none : &r->proto[pi];
}

/* Groups the server accepts at version v; false when unknown. */
static bool server_groups(const struct facts *f, uint16_t v, uint16_t *out, size_t *n)
{
	const struct cp_result *r = f->in->r;
	unsigned bits = v >= 0x0304 ? CP_VER_TLS13
				    : (CP_VER_SSL3 | CP_VER_TLS10 | CP_VER_TLS11 | CP_VER_TLS12);

	*n = 0;
	for (size_t i = 0; i < r->ngroups && *n < MAXL; i++)
		if (r->groups[i].versions & bits)
			out[(*n)++] = r->groups[i].id;
	return *n > 0;
}

/* Whether a scheme signs with a key that suite s's authentication takes
 * (TLS 1.2 suites name RSA or ECDSA; TLS 1.3 suites any). */
static bool scheme_fits_suite(uint16_t scheme, const struct cp_suite *cs)
{
	const char *key = cp_sigscheme_key(scheme);

	if (!key || !cs || cs->au == CP_AU_TLS13)
		return key != NULL;
	switch (cs->au) {
	case CP_AU_RSA: return !strcmp(key, "RSA") || !strcmp(key, "RSA-PSS");
	case CP_AU_ECDSA: return !strcmp(key, "EC");
	case CP_AU_DSS: return !strcmp(key, "DSA");
	default: return false;
	}
}

/*
 * The signature schemes the server can use at version v for suite cs:
 * the probed set when the scan has one, else those its certificate key
 * signs with (sigschemes.tsv).  False when neither is known.
 */
static bool server_schemes(const struct facts *f, uint16_t v, const struct cp_suite *cs,
			   uint16_t *out, size_t *n)
{
	const struct cp_result *r = f->in->r;
	unsigned bit = cp_version_bit_of(v);
	uint16_t tmp[MAXL];
	size_t nt = 0;

	*n = 0;
	if (r->sigalgs_probed) {
		bool any = false;

		for (size_t i = 0; i < r->nsigalgs; i++)
			any = any || (r->sigalgs[i].versions & bit);
		if (!any)
			return false;
		for (size_t i = 0; i < r->nsigalgs && nt < MAXL; i++)
			if (r->sigalgs[i].versions & bit)
				tmp[nt++] = r->sigalgs[i].id;
	} else if (r->cert.present && r->cert.key_type) {
		const struct cp_group *g = f->cert_group ? cp_group_by_id(f->cert_group) : NULL;

		nt = cp_sigschemes_for_key(r->cert.key_type, g ? g->name : NULL, v, tmp, MAXL);
		if (!nt)
			return false;
	} else {
		return false;
	}
	for (size_t i = 0; i < nt; i++)
		if (scheme_fits_suite(tmp[i], cs))
			out[(*n)++] = tmp[i];
	return true;
}

static bool meets(const uint16_t *a, size_t na, const uint16_t *b, size_t nb)
{
	for (size_t i = 0; i < na; i++)
		if (in16(b, nb, a[i]))
			return true;
	return false;
}

static void facts_init(struct facts *f, const struct cp_solve_in *in)
{
	const struct cp_client *c = in->c;
	const struct cp_firewall *fw = in->fw;
	const struct cp_result *r = in->r;

	memset(f, 0, sizeof *f);
	f->in = in;
	for (int pi = CP_P_SSL3; pi < CP_P__COUNT; pi++)
		if (r->proto[pi].nsuites)
			f->sv[f->nsv++] = cp_proto_wire((enum cp_proto)pi);
	if (fw->captured) {
		size_t n = fw->captured->ngroups;

		if (n > sizeof f->fw_groups / sizeof f->fw_groups[0])
			n = sizeof f->fw_groups / sizeof f->fw_groups[0];
		memcpy(f->fw_groups, fw->captured->groups, n * sizeof f->fw_groups[0]);
		f->nfw_groups = n;
		f->fw_sigalgs = fw->captured->sigalgs;
		f->nfw_sigalgs = fw->captured->nsigalgs;
	} else {
		for (size_t i = 0; i < c->ngroups && f->nfw_groups < 64; i++)
			if (!cp_firewall_strips_group(fw, c->groups[i]))
				f->fw_groups[f->nfw_groups++] = c->groups[i];
		f->fw_sigalgs = c->sigalgs;
		f->nfw_sigalgs = c->nsigalgs;
	}
	if (r->cert.present && r->cert.curve) {
		const struct cp_group *g = cp_group_by_name(r->cert.curve);

		f->cert_group = g ? g->id : 0;
	}
}

/* ---- one path, axis by axis ------------------------------------------ */

/* Who shuts one axis for (v, s), apart from the profile. */
struct hard {
	unsigned axes; /* 1 << cp_axis */
	enum cp_party by[CP_AXIS__COUNT];
};

static void shut(struct hard *h, enum cp_axis a, enum cp_party by)
{
	if (h->axes & (1u << a))
		return;
	h->axes |= 1u << a;
	h->by[a] = by;
}

/*
 * The group and signature axes of (v, s), with the client's lists
 * (firewall false) or the firewall's hello (firewall true; the client is
 * checked first, so a list the client lacks is the client's).
 */
static void check_kx_sig(const struct facts *f, uint16_t v, const struct cp_suite *cs,
			 bool firewall, struct hard *h)
{
	const struct cp_client *c = f->in->c;
	uint16_t sg[MAXL], ss[MAXL];
	size_t nsg, nss;
	bool tls13 = v >= 0x0304;

	if ((tls13 || cs->kx == CP_KX_ECDHE) && server_groups(f, v, sg, &nsg)) {
		if (!meets(sg, nsg, c->groups, c->ngroups))
			shut(h, CP_AXIS_GROUP, CP_BY_CLIENT);
		else if (firewall && !meets(sg, nsg, f->fw_groups, f->nfw_groups))
			shut(h, CP_AXIS_GROUP, CP_BY_FIREWALL);
	}
	/* TLS 1.1 and older sign with MD5+SHA1 and have no scheme to agree on;
	 * static RSA key exchange signs nothing */
	if (v < 0x0303 || (!tls13 && cs->kx != CP_KX_ECDHE && cs->kx != CP_KX_DHE))
		return;
	if (server_schemes(f, v, cs, ss, &nss)) {
		if (!meets(ss, nss, c->sigalgs, c->nsigalgs))
			shut(h, CP_AXIS_SIGNATURE, CP_BY_CLIENT);
		else if (firewall && !meets(ss, nss, f->fw_sigalgs, f->nfw_sigalgs))
			shut(h, CP_AXIS_SIGNATURE, CP_BY_FIREWALL);
	}
	/* TLS 1.2 ECDSA: the certificate's curve must be in supported_groups */
	if (!tls13 && cs->au == CP_AU_ECDSA && f->cert_group) {
		if (!in16(c->groups, c->ngroups, f->cert_group))
			shut(h, CP_AXIS_SIGNATURE, CP_BY_CLIENT);
		else if (firewall && !in16(f->fw_groups, f->nfw_groups, f->cert_group))
			shut(h, CP_AXIS_SIGNATURE, CP_BY_FIREWALL);
	}
}

/* Everything but the profile, for the proxy's path (v, s). */
static void check_hard(const struct facts *f, uint16_t v, uint16_t s, struct hard *h)
{
	const struct cp_client *c = f->in->c;
	const struct cp_suite *cs = cp_suite_by_id(s);

	memset(h, 0, sizeof *h);
	if (v < c->min_version || v > c->max_version)
		shut(h, CP_AXIS_VERSION, CP_BY_CLIENT);
	else if (v < 0x0300 || v > f->in->fw->max_version)
		shut(h, CP_AXIS_VERSION, CP_BY_FIREWALL);
	if (!cs || !(cs->versions & cp_version_bit_of(v)) || !in16(c->suites, c->nsuites, s)) {
		shut(h, CP_AXIS_SUITE, CP_BY_CLIENT);
		return;
	}
	if (!cs->panos || cs->scsv)
		shut(h, CP_AXIS_SUITE, CP_BY_FIREWALL);
	check_kx_sig(f, v, cs, true, h);
}

/* ---- the weakness table as masks ------------------------------------- */

static int version_row(const struct cp_wtable *t, const char *bound, uint16_t wire)
{
	const char *tok = cp_panos_version_token(wire);
	char name[48];

	if (!tok)
		return -1;
	snprintf(name, sizeof name, "%s=%s", bound, tok);
	return cp_wt_find(t, name);
}

static int apply_mask(const struct cp_wtable *t, const struct cp_profile *p, uint64_t m,
		      struct cp_profile *out)
{
	char *changes[CP_WT_MAX];
	struct cp_fix fx = { .changes = changes };

	for (size_t i = 0; i < t->n; i++)
		if (m & (ONE << i))
			changes[fx.nchanges++] = (char *)t->row[i].change;
	return cp_profile_apply(p, &fx, out, NULL, 0);
}

static bool mask_allows(const struct cp_solve_in *in, uint64_t m, uint16_t s, uint16_t v)
{
	struct cp_profile q;

	return !apply_mask(in->wt, in->p, m, &q) && cp_profile_allows(&q, s, v);
}

/*
 * The proxy's version range under profile q: the profile's, the client's
 * and the firewall's bounds, and no higher than the top version at which
 * the proxy has a suite to offer (a hello without a TLS 1.3 suite does
 * not offer TLS 1.3).
 */
static void offered_range(const struct cp_solve_in *in, const struct cp_profile *q, uint16_t *lo,
			  uint16_t *hi)
{
	*lo = q->min_version > in->c->min_version ? q->min_version : in->c->min_version;
	*hi = q->max_version < in->c->max_version ? q->max_version : in->c->max_version;
	if (*hi > in->fw->max_version)
		*hi = in->fw->max_version;
	while (*hi >= *lo && *hi > 0x0300) {
		bool any = false;

		for (size_t i = 0; i < in->c->nsuites && !any; i++)
			any = cp_profile_allows(q, in->c->suites[i], *hi);
		if (any)
			break;
		(*hi)--;
	}
}

/*
 * The profile changes that open (v, s), or -1 when none can: flags the
 * suite needs, a bound that admits v, a bound change when the floor greys
 * a flag out, and a lowered ceiling when the server would settle on a
 * higher version the proxy offers.
 */
static int open_path(const struct facts *f, uint16_t v, uint16_t s, struct cp_path *pa)
{
	const struct cp_solve_in *in = f->in;
	const struct cp_profile *p = in->p;
	const struct cp_wtable *t = in->wt;
	const struct cp_suite *cs = cp_suite_by_id(s);
	uint64_t mask = 0;
	struct cp_profile q;
	uint16_t lo, hi;
	int row;

	memset(pa, 0, sizeof *pa);
	for (unsigned b = 0; b < CP_PANOS_NFLAGS; b++) {
		if (!(cs->panos & ~p->flags & (1u << b)))
			continue;
		row = cp_wt_find(t, cp_panos_flag_name(b));
		if (row < 0)
			return -1;
		mask |= ONE << row;
		pa->profile_axes |= 1u << CP_AXIS_SUITE;
	}
	if (v > p->max_version || v < p->min_version) {
		row = version_row(t, v > p->max_version ? "max-version" : "min-version", v);
		if (row < 0)
			return -1;
		mask |= ONE << row;
		pa->profile_axes |= 1u << CP_AXIS_VERSION;
	}
	if (!mask_allows(in, mask, s, v)) {
		/* PAN-OS greys 3DES, RC4 and MD5 out at a tls1-2 floor: add the
		 * cheapest bound change that lets the suite in */
		int best = -1;

		for (size_t k = 0; k < t->n; k++) {
			struct cp_prof_change chg;

			if ((mask & (ONE << k)) || cp_change_parse(t->row[k].change, &chg) ||
			    (chg.kind != CP_CHG_MIN && chg.kind != CP_CHG_MAX))
				continue;
			if (mask_allows(in, mask | (ONE << k), s, v) &&
			    (best < 0 || t->row[k].cost < t->row[best].cost))
				best = (int)k;
		}
		if (best < 0)
			return -1;
		mask |= ONE << best;
		pa->profile_axes |= 1u << CP_AXIS_SUITE;
	}
	if (apply_mask(t, p, mask, &q))
		return -1;
	offered_range(in, &q, &lo, &hi);
	for (size_t i = 0; i < f->nsv; i++) {
		if (f->sv[i] <= v || f->sv[i] < lo || f->sv[i] > hi)
			continue;
		/* the server would settle on sv[i]: the ceiling must come down */
		row = version_row(t, "max-version", v);
		if (row < 0 || (mask & (ONE << row)))
			return -1;
		mask |= ONE << row;
		pa->lowers_max = true;
		pa->profile_axes |= 1u << CP_AXIS_VERSION;
		if (apply_mask(t, p, mask, &q) || !cp_profile_allows(&q, s, v))
			return -1;
		break;
	}
	pa->version = v;
	pa->suite = s;
	pa->mask = mask;
	pa->strength = cs->strength;
	return 0;
}

static unsigned mask_cost(const struct cp_wtable *t, uint64_t m, unsigned *n, bool *weak)
{
	unsigned cost = 0, k = 0;
	bool w = false;

	for (size_t i = 0; i < t->n; i++)
		if (m & (ONE << i)) {
			cost += t->row[i].cost;
			w = w || t->row[i].weak;
			k++;
		}
	if (n)
		*n = k;
	if (weak)
		*weak = w;
	return cost;
}

static int path_cmp(const void *x, const void *y)
{
	const struct cp_path *a = x, *b = y;

	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	if (a->nchanges != b->nchanges)
		return a->nchanges < b->nchanges ? -1 : 1;
	if (a->strength != b->strength)
		return a->strength > b->strength ? -1 : 1;
	if (a->version != b->version)
		return a->version > b->version ? -1 : 1;
	return a->order < b->order ? -1 : (a->order > b->order);
}

static int push_path(struct cp_solution *s, const struct cp_path *pa)
{
	struct cp_path *n;

	if ((s->npaths & (s->npaths - 1)) == 0) {
		n = realloc(s->paths, (s->npaths ? s->npaths * 2 : 1) * sizeof *n);
		if (!n)
			return -1;
		s->paths = n;
	}
	s->paths[s->npaths] = *pa;
	s->paths[s->npaths].order = s->npaths;
	s->npaths++;
	return 0;
}

/* ---- the certificate axis --------------------------------------------- */

static int cert_axis(const struct cp_solve_in *in, struct cp_solution *s)
{
	const struct cp_cert_facts *cf = &in->r->cert;
	unsigned err;
	int row;

	if (!cf->present)
		return 0;
	/* without a chain check, the leaf's own facts: self-signed is the
	 * only untrusted case they can show */
	err = cf->chain_checked ? cf->chain_errors
				: (cf->expired ? CP_CHAIN_EXPIRED : 0) |
					  (cf->not_yet_valid ? CP_CHAIN_NOT_YET_VALID : 0) |
					  (cf->self_signed ? CP_CHAIN_SELF_SIGNED : 0);
	if ((err & (CP_CHAIN_EXPIRED | CP_CHAIN_NOT_YET_VALID)) &&
	    (in->p->fwd & CP_FWD_BLOCK_EXPIRED_CERTIFICATE)) {
		row = cp_wt_find(in->wt, "block-expired-certificate=no");
		if (row < 0)
			return -1;
		s->cert_blocks = true;
		s->cert_by = CP_BY_PROFILE;
		s->cert_mask |= ONE << row;
	}
	if (err & CP_CHAIN_INCOMPLETE) {
		/* a browser fetches the missing intermediate; the firewall does
		 * not: it blocks (block-untrusted-issuer) or re-signs with its
		 * Forward Untrust CA, and turning the check off only trades the
		 * block for a warning, so no profile change fixes it */
		s->cert_blocks = true;
		s->cert_by = CP_BY_FIREWALL;
	} else if ((err & (CP_CHAIN_UNKNOWN_ROOT | CP_CHAIN_SELF_SIGNED)) &&
		   (in->p->fwd & CP_FWD_BLOCK_UNTRUSTED_ISSUER)) {
		row = cp_wt_find(in->wt, "block-untrusted-issuer=no");
		if (row < 0)
			return -1;
		if (!s->cert_blocks)
			s->cert_by = CP_BY_PROFILE;
		s->cert_blocks = true;
		s->cert_mask |= ONE << row;
	}
	if (s->cert_blocks && s->cert_by == CP_BY_FIREWALL)
		s->cert_mask = 0;
	return 0;
}

/* ---- the search -------------------------------------------------------- */

/* Position of suite s in the client's hello (its list's length if absent). */
static size_t rank(const struct cp_client *c, uint16_t s)
{
	size_t i = 0;

	while (i < c->nsuites && c->suites[i] != s)
		i++;
	return i;
}

/* Whether the client alone completes a handshake with the server. */
static bool direct_ok(const struct facts *f)
{
	const struct cp_client *c = f->in->c;
	uint16_t v = 0;
	const struct cp_proto_result *pr;

	for (size_t i = 0; i < f->nsv; i++)
		if (f->sv[i] >= c->min_version && f->sv[i] <= c->max_version)
			v = f->sv[i];
	if (!v)
		return false;
	pr = proto_of(f->in->r, v);
	for (size_t i = 0; i < pr->nsuites; i++) {
		const struct cp_suite *cs = cp_suite_by_id(pr->suites[i]);
		struct hard h = { 0 };

		if (!cs || !(cs->versions & cp_version_bit_of(v)) ||
		    !in16(c->suites, c->nsuites, cs->id))
			continue;
		check_kx_sig(f, v, cs, false, &h);
		if (!h.axes)
			return true;
	}
	return false;
}

int cp_solve(const struct cp_solve_in *in, struct cp_solution *out)
{
	struct facts f;

	memset(out, 0, sizeof *out);
	facts_init(&f, in);
	if (cert_axis(in, out))
		goto fail;
	if (!f.nsv) {
		out->no_server = true;
		return 0;
	}
	out->direct_fails = !direct_ok(&f);
	for (size_t i = 0; i < f.nsv; i++) {
		uint16_t v = f.sv[i];
		const struct cp_proto_result *pr = proto_of(in->r, v);

		for (size_t k = 0; k < pr->nsuites; k++) {
			struct hard h;
			struct cp_path pa;

			check_hard(&f, v, pr->suites[k], &h);
			if (h.axes || open_path(&f, v, pr->suites[k], &pa))
				continue;
			pa.mask |= out->cert_mask;
			pa.cost = mask_cost(in->wt, pa.mask, &pa.nchanges, &pa.weak);
			if (pa.lowers_max)
				pa.cost += in->wt->lower_max_cost;
			if (push_path(out, &pa))
				goto fail;
		}
	}
	/* what the proxy negotiates as it is: the highest open version, and
	 * there the server's first open suite when it has an order, else the
	 * first in the proxy's (the client's) order */
	for (size_t i = 0; i < out->npaths; i++) {
		const struct cp_path *pa = &out->paths[i];

		if (pa->mask & ~out->cert_mask)
			continue;
		if (!out->model_ok || pa->version > out->model_version) {
			out->model_ok = true;
			out->model_version = pa->version;
			out->model_suite = pa->suite;
		} else if (pa->version == out->model_version &&
			   proto_of(in->r, pa->version)->server_preference != CP_YES &&
			   rank(in->c, pa->suite) < rank(in->c, out->model_suite)) {
			out->model_suite = pa->suite;
		}
	}
	if (out->npaths > 1)
		qsort(out->paths, out->npaths, sizeof *out->paths, path_cmp);
	return 0;
fail:
	cp_solution_free(out);
	return -1;
}

void cp_solution_free(struct cp_solution *s)
{
	if (!s)
		return;
	free(s->paths);
	for (size_t i = 0; i < s->ncauses; i++)
		free(s->causes[i].detail);
	free(s->causes);
	memset(s, 0, sizeof *s);
}

/* ---- causes ----------------------------------------------------------- */

static int add_cause(struct cp_solution *s, enum cp_axis a, enum cp_party by, struct cp_sb *b)
{
	char *d = cp_sb_take(b);
	struct cp_cause *n;

	if (!d)
		return -1;
	for (size_t i = 0; i < s->ncauses; i++)
		if (s->causes[i].axis == a && s->causes[i].blocked_by == by) {
			free(d);
			return 0;
		}
	n = realloc(s->causes, (s->ncauses + 1) * sizeof *n);
	if (!n) {
		free(d);
		return -1;
	}
	s->causes = n;
	s->causes[s->ncauses].axis = a;
	s->causes[s->ncauses].blocked_by = by;
	s->causes[s->ncauses].detail = d;
	s->ncauses++;
	return 0;
}

/* "a, b and c" of ids, at most 4 named ("and N more"). */
static void add_list(struct cp_sb *b, const uint16_t *v, size_t n,
		     const char *(*name)(uint16_t, char[static 7]))
{
	size_t shown = n > 4 ? 3 : n;

	for (size_t i = 0; i < shown; i++) {
		char ib[7];

		cp_sb_addf(b, "%s%s", i == 0 ? "" : (i + 1 == n ? " and " : ", "), name(v[i], ib));
	}
	if (shown < n)
		cp_sb_addf(b, " and %zu more", n - shown);
}

static void add_versions(struct cp_sb *b, const struct facts *f)
{
	for (size_t i = 0; i < f->nsv; i++)
		cp_sb_addf(b, "%s%s", i == 0 ? "" : (i + 1 == f->nsv ? " and " : ", "),
			   cp_ver_human(f->sv[i]));
}

static void add_range(struct cp_sb *b, uint16_t lo, uint16_t hi)
{
	if (lo == hi)
		cp_sb_addf(b, "%s", cp_ver_human(lo));
	else
		cp_sb_addf(b, "%s to %s", cp_ver_human(lo), cp_ver_human(hi));
}

/* Suites the server accepts at v that pass filter (client offers / and
 * PAN-OS decrypts). */
static size_t server_suites(const struct facts *f, uint16_t v, bool decryptable, uint16_t *out)
{
	const struct cp_client *c = f->in->c;
	const struct cp_proto_result *pr = proto_of(f->in->r, v);
	size_t n = 0;

	for (size_t i = 0; i < pr->nsuites && n < MAXL; i++) {
		const struct cp_suite *cs = cp_suite_by_id(pr->suites[i]);

		if (!cs || !(cs->versions & cp_version_bit_of(v)) ||
		    !in16(c->suites, c->nsuites, cs->id))
			continue;
		if (decryptable && (!cs->panos || cs->scsv))
			continue;
		out[n++] = cs->id;
	}
	return n;
}

static const char *vname(uint16_t v)
{
	return v >= 0x0304 ? "TLS 1.3" : "TLS 1.2 and below";
}

/* The group or signature detail for version v, suite cs, blocked by `by`. */
static int kx_sig_cause(const struct facts *f, struct cp_solution *s, enum cp_axis a,
			enum cp_party by, uint16_t v, const struct cp_suite *cs)
{
	const struct cp_client *c = f->in->c;
	const struct cp_firewall *fw = f->in->fw;
	struct cp_sb b = { 0 };
	uint16_t l[MAXL];
	size_t n;
	char ib[7];

	if (a == CP_AXIS_GROUP) {
		server_groups(f, v, l, &n);
		cp_sb_addf(&b, "in %s the server accepts only group%s ", vname(v),
			   n == 1 ? "" : "s");
		add_list(&b, l, n, group_name);
		if (by == CP_BY_CLIENT) {
			cp_sb_addf(&b, "; %s offers ", client_label(c));
			add_list(&b, c->groups, c->ngroups, group_name);
		} else {
			cp_sb_addf(&b, ", which PAN-OS %s %s", fw->release,
				   fw->captured ? "leaves out of its captured hello"
						: "strips from its hello to the server");
			if (fw->pq_option)
				cp_sb_addf(
					&b,
					" unless post-quantum decryption for TLS 1.3 is enabled (its setting name is not public)");
		}
		return add_cause(s, a, by, &b);
	}
	if (cs && cs->au == CP_AU_ECDSA && v < 0x0304 && f->cert_group &&
	    !in16(by == CP_BY_CLIENT ? c->groups : f->fw_groups,
		  by == CP_BY_CLIENT ? c->ngroups : f->nfw_groups, f->cert_group)) {
		cp_sb_addf(
			&b,
			"the certificate's key is on curve %s, which %s does not offer in supported_groups",
			group_name(f->cert_group, ib),
			by == CP_BY_CLIENT ? client_label(c) : "the firewall's hello");
		return add_cause(s, a, by, &b);
	}
	server_schemes(f, v, cs, l, &n);
	if (f->in->r->sigalgs_probed)
		cp_sb_addf(&b, "in %s the server signs only with ", cp_ver_human(v));
	else
		cp_sb_addf(&b, "the certificate's %s%s%s key signs in %s only with ",
			   f->in->r->cert.key_type ? f->in->r->cert.key_type : "",
			   f->cert_group ? " " : "",
			   f->cert_group ? group_name(f->cert_group, ib) : "", cp_ver_human(v));
	add_list(&b, l, n, scheme_name);
	if (by == CP_BY_CLIENT)
		cp_sb_addf(&b, "; %s offers none of them", client_label(c));
	else
		cp_sb_addf(&b, "; the firewall's hello offers none of them");
	return add_cause(s, a, by, &b);
}

/* Why the client alone fails: at the version the server settles on with
 * it, or no version in common. */
static int client_causes(const struct facts *f, struct cp_solution *s)
{
	const struct cp_client *c = f->in->c;
	struct cp_sb b = { 0 };
	uint16_t v = 0, l[MAXL];
	size_t n;
	unsigned all = ~0u;

	for (size_t i = 0; i < f->nsv; i++)
		if (f->sv[i] >= c->min_version && f->sv[i] <= c->max_version)
			v = f->sv[i];
	if (!v) {
		cp_sb_addf(&b, "the server speaks only ");
		add_versions(&b, f);
		cp_sb_addf(&b, "; %s speaks ", client_label(c));
		add_range(&b, c->min_version, c->max_version);
		return add_cause(s, CP_AXIS_VERSION, CP_BY_CLIENT, &b);
	}
	n = server_suites(f, v, false, l);
	if (!n) {
		const struct cp_proto_result *pr = proto_of(f->in->r, v);

		cp_sb_addf(&b, "at %s the server accepts only ", cp_ver_human(v));
		add_list(&b, pr->suites, pr->nsuites, suite_name);
		cp_sb_addf(&b, "; %s offers none of them", client_label(c));
		return add_cause(s, CP_AXIS_SUITE, CP_BY_CLIENT, &b);
	}
	/* every suite they share fails on a key-exchange or signature axis:
	 * name the axes that fail for all of them, else each one that fails */
	for (int pass = 0; pass < 2; pass++) {
		unsigned any = 0;

		for (size_t i = 0; i < n; i++) {
			struct hard h = { 0 };

			check_kx_sig(f, v, cp_suite_by_id(l[i]), false, &h);
			if (pass == 0) {
				all &= h.axes;
				continue;
			}
			for (int a = CP_AXIS_GROUP; a <= CP_AXIS_SIGNATURE; a++)
				if ((h.axes & (1u << a)) && (all ? (all & (1u << a)) : 1) &&
				    !(any & (1u << a))) {
					any |= 1u << a;
					if (kx_sig_cause(f, s, (enum cp_axis)a, CP_BY_CLIENT, v,
							 cp_suite_by_id(l[i])))
						return -1;
				}
		}
	}
	return 0;
}

/*
 * Every path the client has is shut by the firewall: name each axis, at
 * version `only` (0: at every version the server speaks).
 */
static int firewall_causes(const struct facts *f, struct cp_solution *s, uint16_t only)
{
	const struct cp_firewall *fw = f->in->fw;
	unsigned done = 0;

	for (size_t i = 0; i < f->nsv; i++) {
		uint16_t v = f->sv[i];
		const struct cp_proto_result *pr = proto_of(f->in->r, v);

		if (only && v != only)
			continue;
		for (size_t k = 0; k < pr->nsuites; k++) {
			struct hard h;
			struct cp_sb b = { 0 };
			uint16_t l[MAXL];
			size_t n;
			bool client = false;

			check_hard(f, v, pr->suites[k], &h);
			/* a path the client itself lacks says nothing of the firewall */
			for (int a = 0; a < CP_AXIS__COUNT; a++)
				client =
					client || ((h.axes & (1u << a)) && h.by[a] == CP_BY_CLIENT);
			if (!h.axes || client)
				continue;
			for (int a = 0; a < CP_AXIS__COUNT; a++) {
				if (!(h.axes & (1u << a)) || (done & (1u << a)))
					continue;
				done |= 1u << a;
				switch (a) {
				case CP_AXIS_VERSION:
					cp_sb_addf(&b, "the server speaks only ");
					add_versions(&b, f);
					cp_sb_addf(&b, "; PAN-OS %s decrypts at most %s",
						   fw->release, cp_ver_human(fw->max_version));
					if (add_cause(s, CP_AXIS_VERSION, CP_BY_FIREWALL, &b))
						return -1;
					break;
				case CP_AXIS_SUITE:
					n = server_suites(f, v, false, l);
					cp_sb_addf(
						&b,
						"of the suites %s offers, the server accepts only ",
						client_label(f->in->c));
					add_list(&b, l, n, suite_name);
					cp_sb_addf(&b, " at %s, which PAN-OS cannot decrypt",
						   cp_ver_human(v));
					if (add_cause(s, CP_AXIS_SUITE, CP_BY_FIREWALL, &b))
						return -1;
					break;
				default:
					if (kx_sig_cause(f, s, (enum cp_axis)a, CP_BY_FIREWALL, v,
							 cp_suite_by_id(pr->suites[k])))
						return -1;
				}
			}
		}
	}
	return 0;
}

/* "SHA1 and RSA key exchange": the weakness-table labels of mask's flags. */
static void add_flag_labels(struct cp_sb *b, const struct cp_wtable *t, uint64_t mask)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < t->n; i++)
		n += (mask & (ONE << i)) && !strchr(t->row[i].change, '=');
	for (size_t i = 0; i < t->n; i++) {
		if (!(mask & (ONE << i)) || strchr(t->row[i].change, '='))
			continue;
		cp_sb_addf(b, "%s%s", k == 0 ? "" : (k + 1 == n ? " and " : ", "), t->row[i].label);
		k++;
	}
}

/* The highest version the server speaks above v, or 0. */
static uint16_t settles_on(const struct facts *f, uint16_t v)
{
	return f->nsv && f->sv[f->nsv - 1] > v ? f->sv[f->nsv - 1] : 0;
}

/* The profile-shut axes of the best path, as causes. */
static int profile_causes(const struct facts *f, struct cp_solution *s, const struct cp_path *pa)
{
	const struct cp_profile *p = f->in->p;
	const struct cp_wtable *t = f->in->wt;
	struct cp_sb b = { 0 };
	char ib[7];

	if (pa->profile_axes & (1u << CP_AXIS_VERSION)) {
		uint16_t hi = settles_on(f, pa->version);

		if (pa->lowers_max && hi) {
			/* why the higher version fails: the profile (a dearer path
			 * there) or the firewall (no path at all) */
			bool dearer = false;

			for (size_t i = 0; i < s->npaths && !dearer; i++)
				dearer = s->paths[i].version == hi;
			if (dearer) {
				cp_sb_addf(
					&b,
					"at %s the profile disables every suite the server accepts; ",
					cp_ver_human(hi));
			} else if (firewall_causes(f, s, hi)) {
				free(cp_sb_take(&b));
				return -1;
			}
			cp_sb_addf(
				&b,
				"the server settles on %s when the proxy offers it, and the profile's max-version %s does",
				cp_ver_human(hi), prof_tok(p->max_version, p->max_is_max));
		} else if (pa->version > p->max_version) {
			cp_sb_addf(&b, "the server speaks only ");
			add_versions(&b, f);
			cp_sb_addf(&b, "; the profile's max-version is %s",
				   prof_tok(p->max_version, p->max_is_max));
		} else {
			cp_sb_addf(
				&b,
				"the server speaks at most %s, below the profile's min-version %s",
				cp_ver_human(f->sv[f->nsv - 1] < p->min_version ? f->sv[f->nsv - 1]
										: pa->version),
				prof_tok(p->min_version, false));
		}
		if (add_cause(s, CP_AXIS_VERSION, CP_BY_PROFILE, &b))
			return -1;
	}
	if (pa->profile_axes & (1u << CP_AXIS_SUITE)) {
		uint16_t l[MAXL];
		size_t n = server_suites(f, pa->version, true, l);
		uint64_t flags = pa->mask & ~s->cert_mask;
		struct cp_profile q = *p;
		const struct cp_suite *cs = cp_suite_by_id(pa->suite);

		cp_sb_addf(&b, "of the suites %s offers, the server accepts only ",
			   client_label(f->in->c));
		add_list(&b, l, n, suite_name);
		cp_sb_addf(&b, " at %s; the profile disables ", cp_ver_human(pa->version));
		if (n > 1)
			cp_sb_addf(&b, "all of them; %s needs ", suite_name(pa->suite, ib));
		add_flag_labels(&b, t, flags);
		/* a bound change that rides along because the floor greys a flag out */
		q.flags |= cs->panos;
		if (cs->panos & ~cp_profile_effective_flags(&q)) {
			uint64_t greyed = 0;

			for (unsigned bit = 0; bit < CP_PANOS_NFLAGS; bit++) {
				int row = cp_wt_find(t, cp_panos_flag_name(bit));

				if ((cs->panos & ~cp_profile_effective_flags(&q) & (1u << bit)) &&
				    row >= 0)
					greyed |= ONE << row;
			}
			cp_sb_addf(&b, "; PAN-OS keeps ");
			add_flag_labels(&b, t, greyed);
			cp_sb_addf(&b, " off while min-version is %s",
				   prof_tok(p->min_version, false));
		}
		if (add_cause(s, CP_AXIS_SUITE, CP_BY_PROFILE, &b))
			return -1;
	}
	return 0;
}

static int cert_cause(const struct cp_solve_in *in, struct cp_solution *s)
{
	const struct cp_cert_facts *cf = &in->r->cert;
	struct cp_sb b = { 0 };
	unsigned err = cf->chain_checked
			       ? cf->chain_errors
			       : (cf->expired ? CP_CHAIN_EXPIRED : 0) |
					 (cf->not_yet_valid ? CP_CHAIN_NOT_YET_VALID : 0) |
					 (cf->self_signed ? CP_CHAIN_SELF_SIGNED : 0);
	bool sep = false;

	if ((err & CP_CHAIN_EXPIRED) && (in->p->fwd & CP_FWD_BLOCK_EXPIRED_CERTIFICATE)) {
		cp_sb_addf(
			&b,
			"the certificate chain has expired%s%s%s and the profile has block-expired-certificate on",
			cf->not_after ? " (the leaf's notAfter is " : "",
			cf->not_after ? cf->not_after : "", cf->not_after ? ")" : "");
		sep = true;
	}
	if ((err & CP_CHAIN_NOT_YET_VALID) && (in->p->fwd & CP_FWD_BLOCK_EXPIRED_CERTIFICATE)) {
		cp_sb_addf(
			&b,
			"%sthe certificate chain is not yet valid%s%s%s and the profile has block-expired-certificate on",
			sep ? "; " : "", cf->not_before ? " (the leaf's notBefore is " : "",
			cf->not_before ? cf->not_before : "", cf->not_before ? ")" : "");
		sep = true;
	}
	if (err & (CP_CHAIN_INCOMPLETE | CP_CHAIN_UNKNOWN_ROOT | CP_CHAIN_SELF_SIGNED)) {
		bool blocks = in->p->fwd & CP_FWD_BLOCK_UNTRUSTED_ISSUER;

		if (!blocks && !(err & CP_CHAIN_INCOMPLETE))
			goto out;
		if (s->cert_by == CP_BY_FIREWALL && !(err & CP_CHAIN_INCOMPLETE))
			goto out;
		cp_sb_addf(&b, "%s", sep ? "; " : "");
		if (err & CP_CHAIN_INCOMPLETE)
			cp_sb_addf(
				&b,
				"the chain is incomplete: the server does not send the issuer %s%s%s",
				cf->missing_issuer ? "'" : "",
				cf->missing_issuer ? cf->missing_issuer : "of its last certificate",
				cf->missing_issuer ? "'" : "");
		else if (err & CP_CHAIN_SELF_SIGNED)
			cp_sb_addf(&b, "the certificate is self-signed");
		else
			cp_sb_addf(&b,
				   "the chain ends in %s%s%s, a root the trust store does not hold",
				   cf->anchor ? "'" : "", cf->anchor ? cf->anchor : "a root",
				   cf->anchor ? "'" : "");
		if (err & CP_CHAIN_INCOMPLETE)
			cp_sb_addf(
				&b,
				"; browsers fetch the missing intermediate, the firewall does not and %s (importing the intermediate on the firewall also fixes it)",
				blocks ? "blocks the session (block-untrusted-issuer)"
				       : "presents its Forward Untrust certificate instead");
		else
			cp_sb_addf(&b, " and the profile has block-untrusted-issuer on");
	}
out:
	if (!b.len) {
		free(cp_sb_take(&b));
		return 0;
	}
	return add_cause(s, CP_AXIS_CERTIFICATE, s->cert_by, &b);
}

int cp_solve_causes(const struct cp_solve_in *in, struct cp_solution *s, bool handshake_ok)
{
	struct facts f;

	facts_init(&f, in);
	if (!handshake_ok && !s->no_server) {
		if (s->direct_fails) {
			if (client_causes(&f, s))
				return -1;
		} else if (s->npaths) {
			if (s->paths[0].mask & ~s->cert_mask && profile_causes(&f, s, &s->paths[0]))
				return -1;
		} else if (firewall_causes(&f, s, 0)) {
			return -1;
		}
	}
	if (s->cert_blocks && !s->direct_fails && !s->no_server && cert_cause(in, s))
		return -1;
	return 0;
}
