/* SPDX-License-Identifier: MIT */
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

#include "output/sanitize.h"
#include "policy/advise.h"
#include "policy/advise_int.h"
#include "policy/firewall.h"
#include "policy/solve.h"
#include "util.h"

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
	if ((size_t)need >= SIZE_MAX - b->len ||
	    CP_GROW(b->s, b->cap, b->len + (size_t)need + 1) < 0) {
		b->oom = true;
		goto out;
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
int cp_change_parse(const char *change, struct cp_prof_change *out)
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
	cp_seterr(err, errlen, "panos-weakness.tsv:%zu: %s%s%s%s", line, msg, what ? " '" : "",
		  what ? what : "", what ? "'" : "");
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
	t->lower_max_cost = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		const char *f[6];
		size_t nf = 0;
		char buf[32];
		struct cp_wrow *row;
		struct cp_prof_change chg;
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

			if ((size_t)(eol - p) != sizeof cols - 1 ||
			    memcmp(p, cols, sizeof cols - 1))
				return wt_fail(err, errlen, line, "columns must be",
					       "change cost weak label comment");
			header = true;
			goto next;
		}
		if (t->n >= CP_WT_MAX)
			return wt_fail(err, errlen, line, "too many rows", NULL);
		if (!strncmp(p, "lower-max-version\t", 18)) {
			/* not a change: the surcharge on lowering the ceiling */
			if (field_copy(buf, sizeof buf, f[1], f[2] - 1) || buf[0] < '1' ||
			    buf[0] > '9' || (cost = strtoul(buf, &end, 10)) > 100000 || *end)
				return wt_fail(err, errlen, line, "cost must be a positive integer",
					       NULL);
			t->lower_max_cost = (unsigned)cost;
			goto next;
		}
		row = &t->row[t->n];
		if (field_copy(row->change, sizeof row->change, f[0], f[1] - 1) ||
		    field_copy(row->label, sizeof row->label, f[3], f[4] - 1) || !row->label[0])
			return wt_fail(err, errlen, line, "change or label empty or too long",
				       NULL);
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
		if (field_copy(buf, sizeof buf, f[2], f[3] - 1) ||
		    (strcmp(buf, "yes") && strcmp(buf, "no")))
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

/* The table is embedded and never changes: parse it once a process. */
const struct cp_wtable *cp_wt_get(void)
{
	static struct cp_wtable t;
	static int state; /* 0 not yet, 1 parsed, -1 broken */

	if (!state)
		state = cp_wt_load(&t, NULL, 0) ? -1 : 1;
	return state > 0 ? &t : NULL;
}

int cp_change_cost(const char *change, unsigned *cost, bool *weak)
{
	const struct cp_wtable *t = cp_wt_get();
	int i = t ? cp_wt_find(t, change) : -1;

	if (i < 0)
		return -1;
	if (cost)
		*cost = t->row[i].cost;
	if (weak)
		*weak = t->row[i].weak;
	return 0;
}

/* ---- commands, XML, SCM --------------------------------------------- */

/*
 * PAN-OS CLI names with spaces need quotes; names cannot hold quotes.
 * The loaders refuse names outside the PAN-OS rule (cp_panos_name_ok); in
 * depth, a name that breaks it anyway (a newline, a quote) never reaches a
 * command: the placeholder takes its place, as for a missing name.
 */
void cp_sb_add_name(struct cp_sb *b, const char *name, const char *placeholder)
{
	if (name[0] == '\0' || !cp_panos_name_ok(name, NULL, 0))
		cp_sb_addf(b, "%s", placeholder);
	else if (strpbrk(name, " \t"))
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
	case CP_LOC_SHARED: cp_sb_addf(b, "%s shared ", verb); break;
	case CP_LOC_DEVICE_GROUP:
		cp_sb_addf(b, "%s device-group ", verb);
		cp_sb_add_name(b, p->device_group, "<DEVICE-GROUP>");
		cp_sb_addf(b, " ");
		break;
	case CP_LOC_VSYS:
		if (p->vsys[0] && strcmp(p->vsys, "vsys1")) {
			cp_sb_addf(b, "%s vsys ", verb);
			cp_sb_add_name(b, p->vsys, "<VSYS>");
			cp_sb_addf(b, " ");
			break;
		}
		/* fall through */
	case CP_LOC_NONE:
	default: cp_sb_addf(b, "%s ", verb); break;
	}
}

int cp_change_commands_into(const struct cp_profile *p, char *const *changes, size_t n, char ***v,
			    size_t *nv)
{
	struct cp_sb b = { 0 };

	for (size_t i = 0; i < n; i++) {
		struct cp_prof_change chg;

		if (cp_change_parse(changes[i], &chg))
			return -1;
		cp_loc_prefix(&b, p, "set");
		cp_sb_addf(&b, "profiles decryption ");
		cp_sb_add_name(&b, p->name, "<PROFILE>");
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

int cp_change_commands(const struct cp_profile *p, char *const *changes, size_t n, char ***out,
		       size_t *nout)
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
			struct cp_prof_change chg;

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

static char *fix_scm(const struct cp_fix *fix)
{
	return cp_changes_scm_patch(fix->changes, fix->nchanges);
}

/* SCM spells the element names in snake case, booleans as JSON booleans. */
char *cp_changes_scm_patch(char *const *changes, size_t n)
{
	json_t *root = json_object(), *sps = json_object(), *fwd = json_object();
	char *s = NULL;

	if (!root || !sps || !fwd)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct cp_prof_change chg;
		char key[64];
		json_t *val;

		if (cp_change_parse(changes[i], &chg) || strlen(chg.element) >= sizeof key)
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
			val = cp_json_str(chg.value);
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
		struct cp_prof_change chg;

		if (cp_change_parse(fix->changes[i], &chg)) {
			if (err && errlen)
				cp_seterr(err, errlen, "unknown profile change '%s'",
					  fix->changes[i]);
			return -1;
		}
		switch (chg.kind) {
		case CP_CHG_FLAG: q.flags |= chg.bit; break;
		case CP_CHG_MIN: q.min_version = chg.wire; break;
		case CP_CHG_MAX:
			q.max_version = chg.wire;
			q.max_is_max = chg.is_max;
			break;
		case CP_CHG_FWD: q.fwd = chg.on ? (q.fwd | chg.bit) : (q.fwd & ~chg.bit); break;
		}
	}
	if (q.min_version > q.max_version) {
		if (err && errlen)
			cp_seterr(err, errlen, "the changes leave min-version above max-version");
		return -1;
	}
	*out = q;
	return 0;
}

/* ---- the verdict ------------------------------------------------------ */

const char *cp_axis_name(enum cp_axis a)
{
	static const char *const n[CP_AXIS__COUNT] = {
		"version", "suite", "group", "signature", "certificate",
	};

	return (unsigned)a < CP_AXIS__COUNT ? n[a] : "unknown";
}

const char *cp_party_name(enum cp_party p)
{
	static const char *const n[CP_BY__COUNT] = { "client", "profile", "firewall", "server" };

	return (unsigned)p < CP_BY__COUNT ? n[p] : "unknown";
}

static const char *suite_name(uint16_t id, char buf[static 7])
{
	const struct cp_suite *s = cp_suite_by_id(id);

	return s ? s->name : cp_suite_id_str(id, buf);
}

static const char *client_label(const struct cp_client *c)
{
	return c->label ? c->label : (c->name ? c->name : "the client");
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
		cp_sb_addf(
			b,
			"it answered the proxy's hello with a version or suite it was not offered");
	else if (rp->alert_seen && alert_name(rp->alert))
		cp_sb_addf(b, "it answered the proxy's hello with alert %s", alert_name(rp->alert));
	else if (rp->alert_seen)
		cp_sb_addf(b, "it answered the proxy's hello with alert %u", rp->alert);
	else if (rp->timeout)
		cp_sb_addf(b, "it did not answer the proxy's hello (timeout)");
	else
		cp_sb_addf(b, "it closed the connection on the proxy's hello");
}

/* The changes of a path as a fix, cheapest first (table order on ties). */
static int fix_from_path(const struct cp_wtable *t, const struct cp_path *pa, struct cp_fix *f)
{
	size_t idx[CP_WT_MAX], n = 0;

	memset(f, 0, sizeof *f);
	for (size_t i = 0; i < t->n; i++)
		if (pa->mask & (UINT64_C(1) << i))
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
	f->cost = pa->cost;
	f->weak = pa->weak;
	f->version = pa->version;
	f->suite = pa->suite;
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

static int finish_fix_outputs(struct cp_verdict *v, const struct cp_profile *p)
{
	if (cp_change_commands(p, v->fix->changes, v->fix->nchanges, &v->commands, &v->ncommands))
		return -1;
	v->xml = fix_xml(v->fix);
	v->scm_patch = fix_scm(v->fix);
	return v->xml && v->scm_patch ? 0 : -1;
}

/*
 * Fix and alternatives from the solver's paths (best first): a change set
 * identical to, or a superset of, one already chosen adds nothing.
 * *all_weak tells whether every fix weakens the profile.
 */
static int choose(const struct cp_wtable *t, const struct cp_solution *s, struct cp_verdict *v,
		  bool *all_weak)
{
	uint64_t chosen[1 + MAX_ALTERNATIVES];
	size_t nchosen = 0;

	*all_weak = true;
	v->alternatives = calloc(MAX_ALTERNATIVES, sizeof *v->alternatives);
	v->fix = calloc(1, sizeof *v->fix);
	if (!v->alternatives || !v->fix)
		return -1;
	for (size_t i = 0; i < s->npaths; i++) {
		const struct cp_path *pa = &s->paths[i];
		bool dup = false;
		struct cp_fix *slot;

		if (!pa->weak)
			*all_weak = false;
		for (size_t j = 0; j < nchosen && !dup; j++)
			dup = (pa->mask & chosen[j]) == chosen[j];
		if (dup || nchosen == 1 + MAX_ALTERNATIVES)
			continue;
		slot = nchosen ? &v->alternatives[v->nalternatives] : v->fix;
		if (fix_from_path(t, pa, slot)) {
			fix_clear(slot);
			return -1;
		}
		if (nchosen)
			v->nalternatives++;
		chosen[nchosen++] = pa->mask;
	}
	return 0;
}

/* "a; b; c" of the causes' details. */
static void add_causes(struct cp_sb *b, const struct cp_verdict *v)
{
	for (size_t i = 0; i < v->ncauses; i++)
		cp_sb_addf(b, "%s%s", i ? "; " : "", v->causes[i].detail);
}

/* "a, b and c" over the changes. */
static void add_changes(struct cp_sb *b, const struct cp_fix *f)
{
	for (size_t i = 0; i < f->nchanges; i++)
		cp_sb_addf(b, "%s%s", i == 0 ? "" : (i + 1 == f->nchanges ? " and " : ", "),
			   f->changes[i]);
}

static int take_causes(struct cp_verdict *v, struct cp_solution *s)
{
	v->causes = s->causes;
	v->ncauses = s->ncauses;
	s->causes = NULL;
	s->ncauses = 0;
	return 0;
}

/*
 * The reason: the causes' details in axis order, then what to do.  Every
 * clause but the replay's outcome and the action comes from a cause.
 */
static void build_reason(struct cp_sb *b, const struct cp_verdict *v, const struct cp_solution *s,
			 const struct cp_result *r, const struct cp_client *c)
{
	char ib[7];

	if (v->compatible) {
		cp_sb_addf(b, "the proxy's hello (%s through this profile) %s %s (%s)",
			   client_label(c), r->replay.done ? "negotiates" : "should negotiate",
			   suite_name(v->neg_suite, ib), cp_ver_human(v->neg_version));
		if (!r->replay.done)
			cp_sb_addf(b, ", predicted from the accepted sets: no replay was done");
		return;
	}
	if (s->no_server) {
		cp_sb_addf(
			b,
			"server accepted none of the hellos cipherprobe sent, so nothing can be advised");
		return;
	}
	if (!v->ncauses && !s->model_ok) {
		cp_sb_addf(b, "no profile change lets the proxy offer a path this server accepts");
		return;
	}
	if (!v->ncauses) {
		/* the model finds a path the replay did not take */
		cp_sb_addf(b, "server accepts %s (%s), which the proxy offers, yet ",
			   suite_name(s->model_suite, ib), cp_ver_human(s->model_version));
		if (r->replay.done)
			add_replay_outcome(b, &r->replay);
		else
			cp_sb_addf(b, "the proxy's hello as a whole does not meet it");
		cp_sb_addf(b, "; no profile change is indicated");
		return;
	}
	add_causes(b, v);
	if (s->direct_fails) {
		cp_sb_addf(b, "; so %s fails without decryption too, and no profile change helps",
			   client_label(c));
		return;
	}
	if (v->fix) {
		cp_sb_addf(b, "; fix: ");
		add_changes(b, v->fix);
		if (v->fix->suite)
			cp_sb_addf(b, ", which opens %s (%s)", suite_name(v->fix->suite, ib),
				   cp_ver_human(v->fix->version));
		if (v->no_decrypt)
			cp_sb_addf(
				b,
				"; every fix weakens the profile, so exclude this host from decryption instead");
	} else {
		cp_sb_addf(b, "; no profile change helps: exclude it from decryption");
	}
	if (!r->replay.done)
		cp_sb_addf(b, " (predicted from the accepted sets: no replay was done)");
}

static char *assumes_text(const struct cp_firewall *fw)
{
	struct cp_sb b = { 0 };

	cp_sb_addf(&b, "PAN-OS %s", fw->release);
	if (fw->asked[0] && strcmp(fw->asked, fw->release))
		cp_sb_addf(&b, " behaviour (for %s)", fw->asked);
	if (fw->captured)
		cp_sb_addf(&b, ", groups and signature schemes from a captured hello");
	return cp_sb_take(&b);
}

struct cp_verdict *cp_advise(const struct cp_result *r, const struct cp_profile *p,
			     const struct cp_client *c, const struct cp_firewall *fw)
{
	struct cp_firewall deffw;
	struct cp_solve_in in;
	struct cp_solution sol = { 0 };
	struct cp_verdict *v = NULL, *ret = NULL;
	struct cp_sb b = { 0 };
	bool handshake_ok, all_weak = false;

	if (!r || !r->ok || !p || !c)
		return NULL;
	if (!fw) {
		if (cp_firewall_load(NULL, &deffw, NULL, 0))
			return NULL;
		fw = &deffw;
	}
	in = (struct cp_solve_in){ .r = r, .p = p, .c = c, .fw = fw, .wt = cp_wt_get() };
	if (!in.wt || cp_solve(&in, &sol))
		goto out;
	v = calloc(1, sizeof *v);
	if (!v || !(v->assumes = assumes_text(fw)))
		goto out;
	v->verified = -1;

	if (r->replay.done) {
		handshake_ok = r->replay.accepted;
		v->negotiated = r->replay.accepted;
		v->neg_version = r->replay.accepted ? r->replay.version : 0;
		v->neg_suite = r->replay.accepted ? r->replay.suite : 0;
	} else {
		handshake_ok = sol.model_ok;
		v->neg_version = sol.model_version;
		v->neg_suite = sol.model_suite;
	}
	v->compatible = handshake_ok && !sol.cert_blocks;
	if (cp_solve_causes(&in, &sol, handshake_ok) || take_causes(v, &sol))
		goto out;
	if (v->compatible)
		goto done;
	if (handshake_ok) {
		/* the handshake works, the firewall still blocks the session */
		v->no_decrypt = true;
		if (sol.cert_by == CP_BY_PROFILE) {
			/* no suite: the fix opens no new path, only the check */
			struct cp_path pa = { .version = v->neg_version, .mask = sol.cert_mask };

			pa.cost = 0;
			for (size_t i = 0; i < in.wt->n; i++)
				if (pa.mask & (UINT64_C(1) << i)) {
					pa.cost += in.wt->row[i].cost;
					pa.weak = pa.weak || in.wt->row[i].weak;
				}
			sol.paths = realloc(sol.paths, sizeof *sol.paths);
			if (!sol.paths)
				goto out;
			sol.paths[0] = pa;
			sol.npaths = 1;
			if (choose(in.wt, &sol, v, &all_weak) || finish_fix_outputs(v, p))
				goto out;
			v->no_decrypt = all_weak;
		}
		goto done;
	}
	if (sol.direct_fails || sol.no_server || !v->ncauses)
		goto done;
	if (sol.npaths && !(sol.cert_blocks && sol.cert_by == CP_BY_FIREWALL)) {
		/* (a chain the firewall itself rejects leaves nothing to fix) */
		if (choose(in.wt, &sol, v, &all_weak) || finish_fix_outputs(v, p))
			goto out;
		v->no_decrypt = all_weak;
	} else {
		v->no_decrypt = true;
	}
done:
	build_reason(&b, v, &sol, r, c);
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
	cp_solution_free(&sol);
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
	for (size_t i = 0; i < v->ncauses; i++)
		free(v->causes[i].detail);
	free(v->causes);
	free(v->assumes);
	free(v);
}
