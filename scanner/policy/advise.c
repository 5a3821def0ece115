/*
 * The advisor: turns one scan record, a decryption profile and a client
 * model into a verdict (PANOS.md "How the forward proxy builds its
 * ClientHello"):
 *
 *   - compatible is what the server did with the proxy's exact hello (the
 *     replay); only when no replay was done is it predicted from the sets;
 *   - a fix is a set of profile changes that brings one suite the server
 *     accepts, at a version it speaks, into client ∩ profile ∩ PAN-OS;
 *     the cheapest set wins, by the costs in ciphersuites/panos-weakness.tsv;
 *   - when every fix is weak, or none exists because PAN-OS cannot decrypt
 *     what the server speaks, the better answer is a no-decrypt exception;
 *   - when the browser itself shares nothing with the server the profile
 *     is not to blame, and the verdict says so.
 *
 * Change sets are bit masks over the rows of the weakness table, so
 * comparing, deduplicating and costing them is cheap and exact.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "policy/advise.h"
#include "policy/advise_int.h"

#define MAX_ALTERNATIVES 5

/* ---- small string helpers ------------------------------------------- */

void cp_sb_addf(struct cp_sb *b, const char *fmt, ...)
{
	va_list ap, aq;
	int need;

	if (b->oom)
		return;
	va_start(ap, fmt);
	va_copy(aq, ap);
	need = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (need < 0) {
		b->oom = true;
		goto out;
	}
	if (b->len + (size_t)need + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 128;
		char *ns;

		while (ncap < b->len + (size_t)need + 1)
			ncap *= 2;
		ns = realloc(b->s, ncap);
		if (!ns) {
			b->oom = true;
			goto out;
		}
		b->s = ns;
		b->cap = ncap;
	}
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)need;
out:
	va_end(ap);
}

/* Hands the built string over (NULL when memory ran out); b is reset. */
char *cp_sb_take(struct cp_sb *b)
{
	char *s = b->oom ? NULL : b->s;

	if (b->oom)
		free(b->s);
	else if (!s)
		s = calloc(1, 1);
	b->s = NULL;
	b->len = b->cap = 0;
	b->oom = false;
	return s;
}

int cp_strv_push(char ***v, size_t *n, char *s)
{
	char **nv;

	if (!s)
		return -1;
	nv = realloc(*v, (*n + 1) * sizeof **v);
	if (!nv) {
		free(s);
		return -1;
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

void cp_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- changes -------------------------------------------------------- */

/*
 * A change string is one of "auth-algo-sha1" (a flag to turn on),
 * "min-version=tls1-0" / "max-version=tls1-3" (a bound), or
 * "block-expired-certificate=no" (an ssl-forward-proxy check; "=yes" is
 * accepted too so that apply can undo).
 */
int cp_change_parse(const char *change, struct cp_change *out)
{
	const char *eq = strchr(change, '=');
	char key[64];
	size_t klen;

	memset(out, 0, sizeof *out);
	if (!eq) {
		out->bit = cp_panos_flag_parse(change);
		if (!out->bit)
			return -1;
		out->kind = CP_CHG_FLAG;
		out->element = change;
		return 0;
	}
	klen = (size_t)(eq - change);
	if (klen == 0 || klen >= sizeof key)
		return -1;
	memcpy(key, change, klen);
	key[klen] = '\0';
	out->value = eq + 1;
	if (!strcmp(key, "min-version") || !strcmp(key, "max-version")) {
		bool is_max = false;

		out->kind = key[1] == 'i' ? CP_CHG_MIN : CP_CHG_MAX;
		out->element = key[1] == 'i' ? "min-version" : "max-version";
		out->wire = cp_panos_version_parse(out->value, &is_max);
		if (!out->wire || (is_max && out->kind == CP_CHG_MIN))
			return -1;
		out->is_max = is_max;
		return 0;
	}
	for (unsigned b = 0; b < CP_FWD_NFLAGS; b++) {
		const char *n = cp_fwd_flag_name(b);

		if (n && !strcmp(n, key)) {
			if (strcmp(out->value, "no") && strcmp(out->value, "yes"))
				return -1;
			out->kind = CP_CHG_FWD;
			out->element = n;
			out->bit = 1u << b;
			out->on = !strcmp(out->value, "yes");
			return 0;
		}
	}
	return -1;
}

/* ---- the weakness table --------------------------------------------- */

static int wt_fail(char *err, size_t errlen, size_t line, const char *msg, const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "panos-weakness.tsv:%zu: %s%s%s%s", line, msg,
			 what ? " '" : "", what ? what : "", what ? "'" : "");
	return -1;
}

/* Copies field [s, e) into dst (size n); -1 when it does not fit. */
static int field_copy(char *dst, size_t n, const char *s, const char *e)
{
	size_t len = (size_t)(e - s);

	if (len >= n)
		return -1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

/*
 * Parses the embedded TSV: '#' lines and blank lines are comments, the
 * first other line names the columns, then one row per change with five
 * TAB-separated fields.
 */
int cp_wt_load(struct cp_wtable *t, char *err, size_t errlen)
{
	const char *p = cp_panos_weakness_tsv;
	size_t line = 0;
	bool header = false;

	t->n = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		const char *f[6];
		size_t nf = 0;
		char buf[32];
		struct cp_wrow *row;
		struct cp_change chg;
		char *end;
		unsigned long cost;

		if (!eol)
			eol = p + strlen(p);
		line++;
		if (p == eol || *p == '#')
			goto next;
		f[nf++] = p;
		for (const char *q = p; q < eol && nf < 6; q++)
			if (*q == '\t')
				f[nf++] = q + 1;
		if (nf != 5)
			return wt_fail(err, errlen, line, "expected 5 TAB-separated fields", NULL);
		f[5] = eol + 1;
		if (!header) {
			static const char cols[] = "change\tcost\tweak\tlabel\tcomment";

			if ((size_t)(eol - p) != sizeof cols - 1 || memcmp(p, cols, sizeof cols - 1))
				return wt_fail(err, errlen, line, "columns must be", "change cost weak label comment");
			header = true;
			goto next;
		}
		if (t->n >= CP_WT_MAX)
			return wt_fail(err, errlen, line, "too many rows", NULL);
		row = &t->row[t->n];
		if (field_copy(row->change, sizeof row->change, f[0], f[1] - 1) ||
		    field_copy(row->label, sizeof row->label, f[3], f[4] - 1) || !row->label[0])
			return wt_fail(err, errlen, line, "change or label empty or too long", NULL);
		if (cp_change_parse(row->change, &chg) || (chg.kind == CP_CHG_FWD && chg.on))
			return wt_fail(err, errlen, line, "unknown change", row->change);
		for (size_t i = 0; i < t->n; i++)
			if (!strcmp(t->row[i].change, row->change))
				return wt_fail(err, errlen, line, "repeated change", row->change);
		if (field_copy(buf, sizeof buf, f[1], f[2] - 1) || buf[0] < '0' || buf[0] > '9')
			return wt_fail(err, errlen, line, "cost must be a positive integer", NULL);
		cost = strtoul(buf, &end, 10);
		if (*end || cost == 0 || cost > 100000)
			return wt_fail(err, errlen, line, "cost must be a positive integer", buf);
		row->cost = (unsigned)cost;
		if (field_copy(buf, sizeof buf, f[2], f[3] - 1) || (strcmp(buf, "yes") && strcmp(buf, "no")))
			return wt_fail(err, errlen, line, "weak must be yes or no", NULL);
		row->weak = !strcmp(buf, "yes");
		t->n++;
next:
		p = *eol ? eol + 1 : eol;
	}
	if (!header)
		return wt_fail(err, errlen, line, "no column line", NULL);
	/* every flag the advisor may turn on needs a row */
	for (unsigned b = 0; b < CP_PANOS_NFLAGS; b++)
		if (cp_wt_find(t, cp_panos_flag_name(b)) < 0)
			return wt_fail(err, errlen, line, "no row for", cp_panos_flag_name(b));
	return 0;
}

int cp_wt_find(const struct cp_wtable *t, const char *change)
{
	if (!change)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->row[i].change, change))
			return (int)i;
	return -1;
}

int cp_weakness_check(char *err, size_t errlen)
{
	struct cp_wtable t;

	return cp_wt_load(&t, err, errlen);
}

int cp_change_cost(const char *change, unsigned *cost, bool *weak)
{
	struct cp_wtable t;
	int i;

	if (cp_wt_load(&t, NULL, 0))
		return -1;
	i = cp_wt_find(&t, change);
	if (i < 0)
		return -1;
	if (cost)
		*cost = t.row[i].cost;
	if (weak)
		*weak = t.row[i].weak;
	return 0;
}

/* ---- commands, XML, SCM --------------------------------------------- */

/* PAN-OS CLI names with spaces need quotes; names cannot hold quotes. */
void cp_sb_add_name(struct cp_sb *b, const char *name)
{
	if (strpbrk(name, " \t"))
		cp_sb_addf(b, "\"%s\"", name);
	else
		cp_sb_addf(b, "%s", name);
}

/*
 * The configuration path in front of "profiles ..." or "rulebase ..." for
 * p's location.  A vsys other than vsys1 takes the multi-vsys form
 * `set vsys vsysN ...` (inferred from the PAN-OS CLI's configuration tree;
 * PANOS.md gives the single-vsys form only).
 */
void cp_loc_prefix(struct cp_sb *b, const struct cp_profile *p, const char *verb)
{
	switch (p->loc) {
	case CP_LOC_SHARED:
		cp_sb_addf(b, "%s shared ", verb);
		break;
	case CP_LOC_DEVICE_GROUP:
		cp_sb_addf(b, "%s device-group ", verb);
		cp_sb_add_name(b, p->device_group[0] ? p->device_group : "<DEVICE-GROUP>");
		cp_sb_addf(b, " ");
		break;
	case CP_LOC_VSYS:
		if (p->vsys[0] && strcmp(p->vsys, "vsys1")) {
			cp_sb_addf(b, "%s vsys ", verb);
			cp_sb_add_name(b, p->vsys);
			cp_sb_addf(b, " ");
			break;
		}
		/* fall through */
	case CP_LOC_NONE:
	default:
		cp_sb_addf(b, "%s ", verb);
		break;
	}
}

int cp_change_commands_into(const struct cp_profile *p, char *const *changes, size_t n,
			    char ***v, size_t *nv)
{
	struct cp_sb b = { 0 };

	for (size_t i = 0; i < n; i++) {
		struct cp_change chg;

		if (cp_change_parse(changes[i], &chg))
			return -1;
		cp_loc_prefix(&b, p, "set");
		cp_sb_addf(&b, "profiles decryption ");
		cp_sb_add_name(&b, p->name[0] ? p->name : "<PROFILE>");
		switch (chg.kind) {
		case CP_CHG_FLAG:
			cp_sb_addf(&b, " ssl-protocol-settings %s yes", chg.element);
			break;
		case CP_CHG_MIN:
		case CP_CHG_MAX:
			cp_sb_addf(&b, " ssl-protocol-settings %s %s", chg.element, chg.value);
			break;
		case CP_CHG_FWD:
			cp_sb_addf(&b, " ssl-forward-proxy %s %s", chg.element, chg.value);
			break;
		}
		if (cp_strv_push(v, nv, cp_sb_take(&b)))
			return -1;
	}
	return 0;
}

int cp_change_commands(const struct cp_profile *p, char *const *changes, size_t n,
		       char ***out, size_t *nout)
{
	char **v = NULL;
	size_t nv = 0;
	int rc = -1;

	*out = NULL;
	*nout = 0;
	if (cp_change_commands_into(p, changes, n, &v, &nv))
		goto out;
	if (n && cp_strv_push(&v, &nv, cp_strdup0("commit")))
		goto out;
	*out = v;
	*nout = nv;
	v = NULL;
	nv = 0;
	rc = 0;
out:
	cp_strv_free(v, nv);
	return rc;
}

/* <ssl-protocol-settings>...</ssl-protocol-settings><ssl-forward-proxy>...</...> */
static char *fix_xml(const struct cp_fix *fix)
{
	struct cp_sb b = { 0 };
	static const char *const parents[2] = { "ssl-protocol-settings", "ssl-forward-proxy" };

	for (int pass = 0; pass < 2; pass++) {
		bool opened = false;

		for (size_t i = 0; i < fix->nchanges; i++) {
			struct cp_change chg;

			if (cp_change_parse(fix->changes[i], &chg))
				continue;
			if ((chg.kind == CP_CHG_FWD) != (pass == 1))
				continue;
			if (!opened)
				cp_sb_addf(&b, "<%s>", parents[pass]);
			opened = true;
			cp_sb_addf(&b, "<%s>%s</%s>", chg.element,
				   chg.kind == CP_CHG_FLAG ? "yes" : chg.value, chg.element);
		}
		if (opened)
			cp_sb_addf(&b, "</%s>", parents[pass]);
	}
	return cp_sb_take(&b);
}

/* SCM spells the element names in snake case, booleans as JSON booleans. */
static char *fix_scm(const struct cp_fix *fix)
{
	json_t *root = json_object(), *sps = json_object(), *fwd = json_object();
	char *s = NULL;

	if (!root || !sps || !fwd)
		goto out;
	for (size_t i = 0; i < fix->nchanges; i++) {
		struct cp_change chg;
		char key[64];
		json_t *val;

		if (cp_change_parse(fix->changes[i], &chg) || strlen(chg.element) >= sizeof key)
			continue;
		memcpy(key, chg.element, strlen(chg.element) + 1);
		for (char *k = key; *k; k++)
			if (*k == '-')
				*k = '_';
		if (chg.kind == CP_CHG_FLAG)
			val = json_true();
		else if (chg.kind == CP_CHG_FWD)
			val = json_boolean(chg.on);
		else
			val = json_string(chg.value);
		if (json_object_set_new(chg.kind == CP_CHG_FWD ? fwd : sps, key, val))
			goto out;
	}
	if (json_object_size(sps) && json_object_set(root, "ssl_protocol_settings", sps))
		goto out;
	if (json_object_size(fwd) && json_object_set(root, "ssl_forward_proxy", fwd))
		goto out;
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
out:
	json_decref(root);
	json_decref(sps);
	json_decref(fwd);
	return s;
}

/* ---- profile apply --------------------------------------------------- */

int cp_profile_apply(const struct cp_profile *p, const struct cp_fix *fix, struct cp_profile *out,
		     char *err, size_t errlen)
{
	struct cp_profile q = *p;

	for (size_t i = 0; fix && i < fix->nchanges; i++) {
		struct cp_change chg;

		if (cp_change_parse(fix->changes[i], &chg)) {
			if (err && errlen)
				snprintf(err, errlen, "unknown profile change '%s'", fix->changes[i]);
			return -1;
		}
		switch (chg.kind) {
		case CP_CHG_FLAG:
			q.flags |= chg.bit;
			break;
		case CP_CHG_MIN:
			q.min_version = chg.wire;
			break;
		case CP_CHG_MAX:
			q.max_version = chg.wire;
			q.max_is_max = chg.is_max;
			break;
		case CP_CHG_FWD:
			q.fwd = chg.on ? (q.fwd | chg.bit) : (q.fwd & ~chg.bit);
			break;
		}
	}
	if (q.min_version > q.max_version) {
		if (err && errlen)
			snprintf(err, errlen, "the changes leave min-version above max-version");
		return -1;
	}
	*out = q;
	return 0;
}

/* ---- analysis --------------------------------------------------------- */

/* A way to make one (version, suite) the server accepts negotiable. */
struct cand {
	uint64_t mask;            /* rows of the weakness table */
	unsigned cost;
	unsigned nchanges;
	uint16_t version;
	uint16_t suite;
	enum cp_strength strength;
	size_t order;             /* discovery order: keeps the sort stable */
};

struct actx {
	const struct cp_result *r;
	const struct cp_profile *p;
	const struct cp_client *c;
	struct cp_wtable wt;
	struct cand *cand;
	size_t ncand, capcand;
	/* the browser and the server share a suite at a version both speak */
	bool meets;
	/* the server accepts suites the client offers that PAN-OS cannot decrypt */
	size_t nundecryptable;
	uint16_t undec_suite, undec_version;
	/* TLS 1.3 is possible only with the post-quantum groups PAN-OS strips */
	bool pq_blocked;
	size_t nserver;           /* (version, suite) pairs the server accepts */
	uint64_t cert_mask;       /* certificate checks that block this server */
	bool cert_expired, cert_untrusted;
};

static bool u16_in(const uint16_t *v, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/*
 * Whether a hello with the client's groups (minus those PAN-OS strips when
 * strip_pq: the post-quantum hybrids since 11.1, ciphersuites/panos-groups.tsv)
 * can meet the groups the server was seen to accept at version bit vbit.
 * No group data means no objection.
 */
static bool groups_meet(const struct actx *a, unsigned vbit, bool strip_pq)
{
	bool known = false;

	for (size_t i = 0; i < a->r->ngroups; i++) {
		const struct cp_group_result *g = &a->r->groups[i];

		if (!(g->versions & vbit))
			continue;
		known = true;
		if (!u16_in(a->c->groups, a->c->ngroups, g->id))
			continue;
		if (strip_pq && cp_panos_strips_group(g->id))
			continue;
		return true;
	}
	return !known;
}

/* "TLS 1.2" as people say it; reasons read better than "TLSv1.2". */
static const char *ver_human(uint16_t wire)
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

static const char *suite_name(uint16_t id, char buf[static 7])
{
	const struct cp_suite *s = cp_suite_by_id(id);

	return s ? s->name : cp_suite_id_str(id, buf);
}

static int row_of(struct actx *a, const char *change)
{
	return cp_wt_find(&a->wt, change);
}

static int version_row(struct actx *a, const char *bound, uint16_t wire)
{
	const char *tok = cp_panos_version_token(wire);
	char name[48];

	if (!tok)
		return -1;
	snprintf(name, sizeof name, "%s=%s", bound, tok);
	return row_of(a, name);
}

static unsigned mask_cost(const struct cp_wtable *t, uint64_t m, unsigned *nchanges, bool *weak)
{
	unsigned cost = 0, n = 0;
	bool w = false;

	for (size_t i = 0; i < t->n; i++)
		if (m & (UINT64_C(1) << i)) {
			cost += t->row[i].cost;
			w = w || t->row[i].weak;
			n++;
		}
	if (nchanges)
		*nchanges = n;
	if (weak)
		*weak = w;
	return cost;
}

/* p with the changes of mask made; -1 when they contradict each other. */
static int apply_mask(const struct cp_wtable *t, const struct cp_profile *p, uint64_t m,
		      struct cp_profile *out)
{
	char *changes[CP_WT_MAX];
	struct cp_fix f = { .changes = changes };

	for (size_t i = 0; i < t->n; i++)
		if (m & (UINT64_C(1) << i))
			changes[f.nchanges++] = (char *)t->row[i].change;
	return cp_profile_apply(p, &f, out, NULL, 0);
}

/* Whether the proxy would offer suite s at version w after mask's changes. */
static bool mask_allows(const struct actx *a, uint64_t m, uint16_t s, uint16_t w)
{
	struct cp_profile q;

	return !apply_mask(&a->wt, a->p, m, &q) && cp_profile_allows(&q, s, w);
}

static int add_cand(struct actx *a, uint64_t mask, uint16_t version, uint16_t suite,
		    enum cp_strength strength)
{
	struct cand *c;

	if (a->ncand == a->capcand) {
		size_t ncap = a->capcand ? a->capcand * 2 : 32;
		struct cand *n = realloc(a->cand, ncap * sizeof *n);

		if (!n)
			return -1;
		a->cand = n;
		a->capcand = ncap;
	}
	c = &a->cand[a->ncand];
	c->mask = mask;
	c->cost = mask_cost(&a->wt, mask, &c->nchanges, NULL);
	c->version = version;
	c->suite = suite;
	c->strength = strength;
	c->order = a->ncand++;
	return 0;
}

/*
 * Walks every (version, suite) the server accepts and keeps those a
 * profile change can make the proxy offer: the suite must be in the
 * client's hello (the proxy only narrows it), at a version the client
 * speaks, and decryptable by PAN-OS.  Returns 0 or -1 (memory, or a flag
 * the weakness table lacks).
 */
static int collect(struct actx *a)
{
	const struct cp_profile *p = a->p;
	const struct cp_client *c = a->c;

	for (int pi = CP_P_SSL3; pi < CP_P__COUNT; pi++) {
		const struct cp_proto_result *pr = &a->r->proto[pi];
		uint16_t w = cp_proto_wire((enum cp_proto)pi);
		unsigned vbit = cp_proto_bit((enum cp_proto)pi);
		bool client_speaks = w >= c->min_version && w <= c->max_version;

		for (size_t i = 0; i < pr->nsuites; i++) {
			uint16_t s = pr->suites[i];
			const struct cp_suite *cs = cp_suite_by_id(s);
			/* groups decide only TLS 1.3 here: that is where PAN-OS
			 * strips some (ECDHE curves at 1.2 are not in PANOS.md) */
			unsigned gbit = pi == CP_P_TLS13 ? vbit : 0;
			uint64_t mask = 0;
			int row;

			a->nserver++;
			if (!client_speaks || !u16_in(c->suites, c->nsuites, s))
				continue;
			if (!cs || !(cs->versions & vbit))
				continue; /* a server bug; the scan flags it elsewhere */
			if (gbit && !groups_meet(a, gbit, false))
				continue; /* the browser cannot meet it either */
			a->meets = true;
			if (!cs->panos) {
				if (!a->nundecryptable++) {
					a->undec_suite = s;
					a->undec_version = w;
				}
				continue;
			}
			if (gbit && !groups_meet(a, gbit, true)) {
				/* only the post-quantum groups the proxy strips meet */
				a->pq_blocked = true;
				continue;
			}
			for (unsigned b = 0; b < CP_PANOS_NFLAGS; b++) {
				if (!(cs->panos & ~p->flags & (1u << b)))
					continue;
				row = row_of(a, cp_panos_flag_name(b));
				if (row < 0)
					return -1;
				mask |= UINT64_C(1) << row;
			}
			if (w > p->max_version) {
				row = version_row(a, "max-version", w);
				if (row < 0)
					continue; /* no bound change can reach it */
				mask |= UINT64_C(1) << row;
			}
			if (w < p->min_version) {
				row = version_row(a, "min-version", w);
				if (row < 0)
					continue;
				mask |= UINT64_C(1) << row;
			}
			if (!mask_allows(a, mask, s, w)) {
				/*
				 * A flag alone is not enough when the profile's
				 * floor switches it off (PAN-OS greys out 3DES, RC4
				 * and MD5 at min-version tls1-2): add the cheapest
				 * bound change that makes the suite offered.
				 */
				int best = -1;

				for (size_t k = 0; k < a->wt.n; k++) {
					struct cp_change chg;
					uint64_t bit = UINT64_C(1) << k;

					if ((mask & bit) || cp_change_parse(a->wt.row[k].change, &chg) ||
					    (chg.kind != CP_CHG_MIN && chg.kind != CP_CHG_MAX))
						continue;
					if (mask_allows(a, mask | bit, s, w) &&
					    (best < 0 || a->wt.row[k].cost < a->wt.row[best].cost))
						best = (int)k;
				}
				if (best < 0)
					continue;
				mask |= UINT64_C(1) << best;
			}
			mask |= a->cert_mask;
			if (add_cand(a, mask, w, s, cs->strength))
				return -1;
		}
	}
	return 0;
}

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

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

/* The changes of mask as strings, cheapest first (table order on ties). */
static int fix_from_mask(const struct cp_wtable *t, const struct cand *cd, struct cp_fix *f)
{
	size_t idx[CP_WT_MAX], n = 0;

	memset(f, 0, sizeof *f);
	for (size_t i = 0; i < t->n; i++)
		if (cd->mask & (UINT64_C(1) << i))
			idx[n++] = i;
	/* insertion sort by cost: n is a handful */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && t->row[idx[j]].cost < t->row[idx[j - 1]].cost; j--) {
			size_t tmp = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = tmp;
		}
	f->changes = calloc(n ? n : 1, sizeof *f->changes);
	if (!f->changes)
		return -1;
	for (size_t i = 0; i < n; i++) {
		f->changes[i] = cp_strdup0(t->row[idx[i]].change);
		if (!f->changes[i])
			return -1;
		f->nchanges++;
	}
	f->cost = mask_cost(t, cd->mask, NULL, &f->weak);
	f->version = cd->version;
	f->suite = cd->suite;
	return 0;
}

static void fix_clear(struct cp_fix *f)
{
	if (!f)
		return;
	cp_strv_free(f->changes, f->nchanges);
	f->changes = NULL;
	f->nchanges = 0;
}

/* "SHA1", "RSA key exchange and SHA1": what the profile disables. */
static void add_labels(struct cp_sb *b, const struct cp_wtable *t, const struct cp_fix *f,
		       bool flags_only)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < f->nchanges; i++)
		if (!flags_only || !strchr(f->changes[i], '='))
			n++;
	for (size_t i = 0; i < f->nchanges; i++) {
		int row;

		if (flags_only && strchr(f->changes[i], '='))
			continue;
		row = cp_wt_find(t, f->changes[i]);
		cp_sb_addf(b, "%s%s", k == 0 ? "" : (k + 1 == n ? " and " : ", "),
			   row >= 0 ? t->row[row].label : f->changes[i]);
		k++;
	}
}

/* "a, b and c" over the changes (all, or only the flags). */
static void add_changes(struct cp_sb *b, const struct cp_fix *f, bool flags_only)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < f->nchanges; i++)
		if (!flags_only || !strchr(f->changes[i], '='))
			n++;
	for (size_t i = 0; i < f->nchanges; i++) {
		if (flags_only && strchr(f->changes[i], '='))
			continue;
		cp_sb_addf(b, "%s%s", k == 0 ? "" : (k + 1 == n ? " and " : ", "), f->changes[i]);
		k++;
	}
}

static size_t count_flags(const struct cp_fix *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nchanges; i++)
		n += !strchr(f->changes[i], '=');
	return n;
}

static const char *alert_name(uint8_t d)
{
	switch (d) {
	case 10: return "unexpected_message";
	case 40: return "handshake_failure";
	case 47: return "illegal_parameter";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 110: return "unsupported_extension";
	case 112: return "unrecognized_name";
	default: return NULL;
	}
}

/* What the replay saw, as a clause: "it answered ... with alert handshake_failure". */
static void add_replay_outcome(struct cp_sb *b, const struct cp_replay *rp)
{
	if (rp->violation)
		cp_sb_addf(b, "it answered the proxy's hello with a version or suite it was not offered");
	else if (rp->alert_seen && alert_name(rp->alert))
		cp_sb_addf(b, "it answered the proxy's hello with alert %s", alert_name(rp->alert));
	else if (rp->alert_seen)
		cp_sb_addf(b, "it answered the proxy's hello with alert %u", rp->alert);
	else if (rp->timeout)
		cp_sb_addf(b, "it did not answer the proxy's hello (timeout)");
	else
		cp_sb_addf(b, "it closed the connection on the proxy's hello");
}

/* The server's lowest and highest version with accepted suites (0 if none). */
static void server_range(const struct cp_result *r, uint16_t *lo, uint16_t *hi)
{
	*lo = *hi = 0;
	for (int pi = CP_P_SSL3; pi < CP_P__COUNT; pi++) {
		if (!r->proto[pi].supported && !r->proto[pi].nsuites)
			continue;
		if (!*lo)
			*lo = cp_proto_wire((enum cp_proto)pi);
		*hi = cp_proto_wire((enum cp_proto)pi);
	}
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

static void add_cert_clause(struct cp_sb *b, const struct actx *a)
{
	if (a->cert_expired)
		cp_sb_addf(b, "the certificate expired%s%s%s and the profile has block-expired-certificate on",
			   a->r->cert.not_after ? " (" : "",
			   a->r->cert.not_after ? a->r->cert.not_after : "",
			   a->r->cert.not_after ? ")" : "");
	if (a->cert_expired && a->cert_untrusted)
		cp_sb_addf(b, ", and ");
	if (a->cert_untrusted)
		cp_sb_addf(b, "the certificate is self-signed and the profile has block-untrusted-issuer on");
}

/* "; the profile disables SHA1 and RSA key exchange" when flags are part of f. */
static void add_disabled(struct cp_sb *b, const struct actx *a, const struct cp_fix *f)
{
	if (!count_flags(f))
		return;
	cp_sb_addf(b, "; the profile disables ");
	add_labels(b, &a->wt, f, true);
}

/*
 * Why a floor change rides along with flags: the profile's min-version
 * switches some of the suite's flags off however they are set.
 */
static void add_greyed(struct cp_sb *b, const struct actx *a, const struct cp_fix *f)
{
	const struct cp_suite *cs = cp_suite_by_id(f->suite);
	struct cp_profile q = *a->p;
	uint32_t greyed;
	size_t n = 0, k = 0;

	if (!cs)
		return;
	q.flags |= cs->panos;
	greyed = cs->panos & ~cp_profile_effective_flags(&q);
	for (unsigned bit = 0; bit < CP_PANOS_NFLAGS; bit++)
		n += !!(greyed & (1u << bit));
	if (!n)
		return;
	cp_sb_addf(b, "; PAN-OS keeps ");
	for (unsigned bit = 0; bit < CP_PANOS_NFLAGS; bit++) {
		int row;

		if (!(greyed & (1u << bit)))
			continue;
		row = cp_wt_find(&a->wt, cp_panos_flag_name(bit));
		cp_sb_addf(b, "%s%s", k == 0 ? "" : (k + 1 == n ? " and " : ", "),
			   row >= 0 ? a->wt.row[row].label : cp_panos_flag_name(bit));
		k++;
	}
	cp_sb_addf(b, " off while min-version is %s", prof_tok(a->p->min_version, false));
}

/* The reason when a fix exists: names the suite and what it needs. */
static void reason_for_fix(struct cp_sb *b, struct actx *a, const struct cp_fix *f, size_t ndistinct)
{
	const struct cp_profile *p = a->p;
	char ib[7];
	const char *sn = suite_name(f->suite, ib);
	uint16_t lo, hi;
	bool needs_max = false, needs_min = false;

	for (size_t i = 0; i < f->nchanges; i++) {
		needs_max = needs_max || !strncmp(f->changes[i], "max-version=", 12);
		needs_min = needs_min || !strncmp(f->changes[i], "min-version=", 12);
	}
	server_range(a->r, &lo, &hi);
	if (needs_max && lo > p->max_version) {
		if (lo == 0x0304)
			cp_sb_addf(b, "server speaks only TLS 1.3 while the profile's max-version is %s",
				   prof_tok(p->max_version, p->max_is_max));
		else
			cp_sb_addf(b, "server's lowest version, %s, is above the profile's max-version %s",
				   ver_human(lo), prof_tok(p->max_version, p->max_is_max));
		cp_sb_addf(b, "; %s (%s) needs ", sn, ver_human(f->version));
		add_changes(b, f, false);
		add_disabled(b, a, f);
	} else if (needs_min && hi && hi < p->min_version) {
		cp_sb_addf(b, "server speaks at most %s, below the profile's min-version %s",
			   ver_human(hi), prof_tok(p->min_version, false));
		cp_sb_addf(b, "; %s (%s) needs ", sn, ver_human(f->version));
		add_changes(b, f, false);
		add_disabled(b, a, f);
	} else {
		if (ndistinct == 1)
			cp_sb_addf(b, "server accepts only %s (%s), which needs ", sn, ver_human(f->version));
		else
			cp_sb_addf(b, "server accepts none of the suites the proxy offers; the cheapest to allow is %s (%s), which needs ",
				   sn, ver_human(f->version));
		add_changes(b, f, false);
		add_disabled(b, a, f);
		if (needs_min && f->version >= p->min_version)
			add_greyed(b, a, f);
	}
	if (a->cert_mask) {
		cp_sb_addf(b, "; also, ");
		add_cert_clause(b, a);
	}
}

/* Distinct suites among the candidates (the "only" in a reason). */
static size_t distinct_suites(const struct actx *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->ncand; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = a->cand[j].suite == a->cand[i].suite;
		n += !seen;
	}
	return n;
}

/* Whether the set calculation says the proxy's hello meets the server. */
static bool sets_meet(const struct actx *a, uint16_t *version, uint16_t *suite)
{
	struct cp_offer o;

	if (cp_proxy_offer(a->p, a->c, &o) || !o.nsuites)
		return false;
	for (int pi = CP_P_TLS13; pi >= CP_P_SSL3; pi--) {
		const struct cp_proto_result *pr = &a->r->proto[pi];
		uint16_t w = cp_proto_wire((enum cp_proto)pi);
		unsigned vbit = cp_proto_bit((enum cp_proto)pi);

		if (w < o.min_version || w > o.max_version)
			continue;
		/* the server's order when it has one, else the proxy's */
		for (size_t i = 0; i < (pr->server_preference == CP_YES ? pr->nsuites : o.nsuites); i++) {
			uint16_t s = pr->server_preference == CP_YES ? pr->suites[i] : o.suites[i];
			const struct cp_suite *cs = cp_suite_by_id(s);
			bool in_both = u16_in(pr->suites, pr->nsuites, s) && u16_in(o.suites, o.nsuites, s);
			unsigned gbit = pi == CP_P_TLS13 ? vbit : 0;

			if (!in_both || !cs || !(cs->versions & vbit))
				continue;
			if (gbit) {
				bool known = false, met = false;

				for (size_t g = 0; g < a->r->ngroups; g++)
					if (a->r->groups[g].versions & gbit) {
						known = true;
						met = met || u16_in(o.groups, o.ngroups, a->r->groups[g].id);
					}
				if (known && !met)
					continue;
			}
			*version = w;
			*suite = s;
			return true;
		}
	}
	return false;
}

static int finish_fix_outputs(struct cp_verdict *v, const struct cp_profile *p)
{
	if (cp_change_commands(p, v->fix->changes, v->fix->nchanges, &v->commands, &v->ncommands))
		return -1;
	v->xml = fix_xml(v->fix);
	v->scm_patch = fix_scm(v->fix);
	return v->xml && v->scm_patch ? 0 : -1;
}

/* Picks fix and alternatives from the sorted candidates. */
static int choose(struct actx *a, struct cp_verdict *v, bool *all_weak)
{
	uint64_t chosen[1 + MAX_ALTERNATIVES];
	size_t nchosen = 0;

	*all_weak = true;
	qsort(a->cand, a->ncand, sizeof *a->cand, cand_cmp);
	v->alternatives = calloc(MAX_ALTERNATIVES, sizeof *v->alternatives);
	v->fix = calloc(1, sizeof *v->fix);
	if (!v->alternatives || !v->fix)
		return -1;
	for (size_t i = 0; i < a->ncand; i++) {
		const struct cand *cd = &a->cand[i];
		bool dup = false, weak;

		mask_cost(&a->wt, cd->mask, NULL, &weak);
		if (!weak)
			*all_weak = false;
		/* an identical set, or a superset of a cheaper one, adds nothing */
		for (size_t j = 0; j < nchosen && !dup; j++)
			dup = (cd->mask & chosen[j]) == chosen[j];
		if (dup || nchosen == 1 + MAX_ALTERNATIVES)
			continue;
		if (fix_from_mask(&a->wt, cd, nchosen ? &v->alternatives[v->nalternatives] : v->fix)) {
			fix_clear(nchosen ? &v->alternatives[v->nalternatives] : v->fix);
			return -1;
		}
		if (nchosen)
			v->nalternatives++;
		chosen[nchosen++] = cd->mask;
	}
	return 0;
}

struct cp_verdict *cp_advise(const struct cp_result *r, const struct cp_profile *p,
			     const struct cp_client *c)
{
	struct actx a;
	struct cp_verdict *v = NULL, *ret = NULL;
	struct cp_sb b = { 0 };
	char ib[7];
	bool all_weak = false;

	memset(&a, 0, sizeof a);
	if (!r || !r->ok || !p || !c)
		return NULL;
	/* cp_result_free releases verdicts through this hook: result.c knows
	 * nothing of policy, so whoever makes verdicts registers it */
	cp_verdict_free_hook = cp_verdict_free;
	a.r = r;
	a.p = p;
	a.c = c;
	if (cp_wt_load(&a.wt, NULL, 0))
		goto out;
	v = calloc(1, sizeof *v);
	if (!v)
		goto out;
	v->verified = -1;

	if (r->cert.present && r->cert.expired && (p->fwd & CP_FWD_BLOCK_EXPIRED_CERTIFICATE)) {
		int row = row_of(&a, "block-expired-certificate=no");

		a.cert_expired = true;
		if (row >= 0)
			a.cert_mask |= UINT64_C(1) << row;
	}
	/* untrusted = self-signed until the chain is verified against a store */
	if (r->cert.present && r->cert.self_signed && (p->fwd & CP_FWD_BLOCK_UNTRUSTED_ISSUER)) {
		int row = row_of(&a, "block-untrusted-issuer=no");

		a.cert_untrusted = true;
		if (row >= 0)
			a.cert_mask |= UINT64_C(1) << row;
	}

	if (r->replay.done) {
		v->compatible = r->replay.accepted;
		v->negotiated = r->replay.accepted;
		v->neg_version = r->replay.accepted ? r->replay.version : 0;
		v->neg_suite = r->replay.accepted ? r->replay.suite : 0;
	} else {
		v->compatible = sets_meet(&a, &v->neg_version, &v->neg_suite);
	}

	if (v->compatible) {
		if (!a.cert_mask) {
			cp_sb_addf(&b, "the proxy's hello (%s through this profile) %s %s (%s)",
				   client_label(c), r->replay.done ? "negotiates" : "should negotiate",
				   suite_name(v->neg_suite, ib), ver_human(v->neg_version));
			if (!r->replay.done)
				cp_sb_addf(&b, ", predicted from the accepted sets: no replay was done");
			goto done;
		}
		/* the handshake works, the firewall still blocks the session */
		v->compatible = false;
		add_cert_clause(&b, &a);
		cp_sb_addf(&b, ", so the firewall blocks the session although %s (%s) negotiates",
			   suite_name(v->neg_suite, ib), ver_human(v->neg_version));
		if (add_cand(&a, a.cert_mask, v->neg_version, v->neg_suite, CP_STRENGTH_STRONG) ||
		    choose(&a, v, &all_weak) || finish_fix_outputs(v, p))
			goto out;
		v->no_decrypt = all_weak;
		if (all_weak)
			cp_sb_addf(&b, "; a no-decrypt exception for this host is narrower");
		goto done;
	}

	if (collect(&a))
		goto out;

	if (!a.nserver) {
		cp_sb_addf(&b, "server accepted none of the hellos cipherprobe sent, so nothing can be advised");
		goto done;
	}
	if (!a.meets) {
		/* PANOS.md: say so rather than blame the profile */
		cp_sb_addf(&b, "%s offers none of the suites this server accepts; it fails without decryption too",
			   client_label(c));
		goto done;
	}
	for (size_t i = 0; i < a.ncand; i++) {
		if ((a.cand[i].mask & ~a.cert_mask) == 0) {
			/* the suite is offered already: the failure lies elsewhere */
			cp_sb_addf(&b, "server accepts %s (%s), which the proxy offers, yet ",
				   suite_name(a.cand[i].suite, ib), ver_human(a.cand[i].version));
			if (r->replay.done)
				add_replay_outcome(&b, &r->replay);
			else
				cp_sb_addf(&b, "the proxy's hello as a whole does not meet it (versions or groups)");
			cp_sb_addf(&b, "; no profile change is indicated");
			goto done;
		}
	}
	if (!a.ncand) {
		v->no_decrypt = true;
		if (a.pq_blocked)
			cp_sb_addf(&b, "server accepts only post-quantum hybrid groups in TLS 1.3, which PAN-OS 11.1+ strips from the proxy's hello; exclude it from decryption");
		else if (a.nundecryptable == 1)
			cp_sb_addf(&b, "server accepts only %s (%s) of the client's suites, which PAN-OS cannot decrypt; exclude it from decryption",
				   suite_name(a.undec_suite, ib), ver_human(a.undec_version));
		else if (a.nundecryptable)
			cp_sb_addf(&b, "server accepts only suites PAN-OS cannot decrypt, such as %s (%s); exclude it from decryption",
				   suite_name(a.undec_suite, ib), ver_human(a.undec_version));
		else {
			v->no_decrypt = false;
			cp_sb_addf(&b, "no profile change lets the proxy offer a suite this server accepts");
		}
		goto done;
	}
	if (choose(&a, v, &all_weak))
		goto out;
	v->no_decrypt = all_weak;
	reason_for_fix(&b, &a, v->fix, distinct_suites(&a));
	if (all_weak)
		cp_sb_addf(&b, "; every fix weakens the profile, so exclude this host from decryption instead");
	if (!r->replay.done)
		cp_sb_addf(&b, " (predicted from the accepted sets: no replay was done)");
	if (finish_fix_outputs(v, p))
		goto out;
done:
	v->reason = cp_sb_take(&b);
	if (!v->reason)
		goto out;
	if (v->fix && !v->nalternatives) {
		free(v->alternatives);
		v->alternatives = NULL;
	}
	ret = v;
	v = NULL;
out:
	free(cp_sb_take(&b));
	free(a.cand);
	cp_verdict_free(v);
	return ret;
}

void cp_verdict_free(struct cp_verdict *v)
{
	if (!v)
		return;
	fix_clear(v->fix);
	free(v->fix);
	for (size_t i = 0; v->alternatives && i < v->nalternatives; i++)
		fix_clear(&v->alternatives[i]);
	free(v->alternatives);
	free(v->reason);
	cp_strv_free(v->commands, v->ncommands);
	free(v->xml);
	free(v->scm_patch);
	free(v->verify_msg);
	free(v);
}
