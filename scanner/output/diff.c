/* SPDX-License-Identifier: MIT */
/*
 * Comparing two scans (see diff.h for the matching and the rules), and
 * loading / saving whole schema-1 documents for `diff` and `scan --state`.
 *
 * Targets are read with cp_result_from_json, so the diff sees exactly what
 * the writers produce; the verdict, which that loader leaves to the policy
 * code, is read here as far as the rules need it.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "output/diff.h"
#include "output/file.h"
#include "output/output.h"
#include "output/sanitize.h"
#include "registry.h"
#include "result.h"
#include "util.h"

#define NONE SIZE_MAX

#define RED_BOLD "\033[1;31m"
#define GREEN "\033[32m"
#define DIM "\033[2m"
#define YELLOW "\033[33m"
#define RESET "\033[0m"



static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- reading one side ---------------------------------------------- */

/* What the rules need of a "verdict" object. */
struct verdict_view {
	bool present;             /* verdict is an object (null: --no-verdict or an error record) */
	bool compatible;
	bool fix_known;           /* "fix" is there (null or an object) */
	const json_t *fix;        /* NULL when "fix" is null */
	const json_t *changes;    /* fix.changes, an array of strings */
	bool fix_weak;
	bool nd_known, no_decrypt;
	const char *reason;       /* NULL when absent */
};

struct rec {
	struct cp_result *r;
	struct verdict_view v;
	size_t pos;               /* index in "targets" */
	size_t peer;              /* matched record on the other side, or NONE */
	bool multi;               /* its input has several records here */
};

struct side {
	struct rec *recs;
	size_t n;
};

static void side_free(struct side *s)
{
	for (size_t i = 0; i < s->n; i++)
		cp_result_free(s->recs[i].r);
	free(s->recs);
	s->recs = NULL;
	s->n = 0;
}

/* The verdict's fields, typed as verdict_out.c writes them.  Only
 * "compatible" is required: the others are compared when present. */
static int read_verdict(const json_t *t, struct verdict_view *v, size_t i, char *err, size_t errlen)
{
	const json_t *vd = json_object_get(t, "verdict"), *x;

	memset(v, 0, sizeof *v);
	if (!vd || json_is_null(vd))
		return 0;
	/* cp_result_from_json has checked that it is an object */
	v->present = true;
	x = json_object_get(vd, "compatible");
	if (!json_is_boolean(x)) {
		cp_seterr(err, errlen, "targets[%zu].verdict.compatible: %s", i,
		     x ? "expected a boolean" : "missing");
		return -1;
	}
	v->compatible = json_is_true(x);
	x = json_object_get(vd, "reason");
	if (x && !json_is_null(x)) {
		if (!json_is_string(x)) {
			cp_seterr(err, errlen, "targets[%zu].verdict.reason: expected a string or null", i);
			return -1;
		}
		v->reason = json_string_value(x);
	}
	x = json_object_get(vd, "no_decrypt");
	if (x) {
		if (!json_is_boolean(x)) {
			cp_seterr(err, errlen, "targets[%zu].verdict.no_decrypt: expected a boolean", i);
			return -1;
		}
		v->nd_known = true;
		v->no_decrypt = json_is_true(x);
	}
	x = json_object_get(vd, "fix");
	if (!x)
		return 0;
	v->fix_known = true;
	if (json_is_null(x))
		return 0;
	if (!json_is_object(x)) {
		cp_seterr(err, errlen, "targets[%zu].verdict.fix: expected an object or null", i);
		return -1;
	}
	v->fix = x;
	v->changes = json_object_get(x, "changes");
	if (!json_is_array(v->changes)) {
		cp_seterr(err, errlen, "targets[%zu].verdict.fix.changes: %s", i,
		     v->changes ? "expected an array" : "missing");
		return -1;
	}
	for (size_t k = 0; k < json_array_size(v->changes); k++)
		if (!json_is_string(json_array_get(v->changes, k))) {
			cp_seterr(err, errlen, "targets[%zu].verdict.fix.changes[%zu]: expected a string", i, k);
			return -1;
		}
	x = json_object_get(v->fix, "weak");
	if (x && !json_is_boolean(x)) {
		cp_seterr(err, errlen, "targets[%zu].verdict.fix.weak: expected a boolean", i);
		return -1;
	}
	v->fix_weak = json_is_true(x);
	return 0;
}

static int check_top(const json_t *doc, char *err, size_t errlen)
{
	const json_t *schema, *targets;

	if (!json_is_object(doc)) {
		cp_seterr(err, errlen, "expected a JSON object at the top");
		return -1;
	}
	schema = json_object_get(doc, "schema");
	if (!schema) {
		cp_seterr(err, errlen, "schema: missing (not a cipherprobe JSON document?)");
		return -1;
	}
	if (!json_is_integer(schema)) {
		cp_seterr(err, errlen, "schema: expected the number 1");
		return -1;
	}
	if (json_integer_value(schema) != 1) {
		cp_seterr(err, errlen, "schema: expected 1, got %" JSON_INTEGER_FORMAT
		     " (written by another version of cipherprobe?)", json_integer_value(schema));
		return -1;
	}
	targets = json_object_get(doc, "targets");
	if (!json_is_array(targets)) {
		cp_seterr(err, errlen, "targets: %s", targets ? "expected an array" : "missing");
		return -1;
	}
	return 0;
}

/* Every target of doc as a record; -1 with err naming the field. */
static int load_side(const json_t *doc, struct side *s, char *err, size_t errlen)
{
	const json_t *targets;
	char sub[384];

	memset(s, 0, sizeof *s);
	if (check_top(doc, err, errlen))
		return -1;
	targets = json_object_get(doc, "targets");
	if (json_array_size(targets)) {
		s->recs = calloc(json_array_size(targets), sizeof *s->recs);
		if (!s->recs) {
			cp_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	for (size_t i = 0; i < json_array_size(targets); i++) {
		const json_t *t = json_array_get(targets, i);
		struct rec *rc = &s->recs[i];

		if (!json_is_object(t)) {
			cp_seterr(err, errlen, "targets[%zu]: expected an object", i);
			goto fail;
		}
		rc->r = cp_result_from_json(t, sub, sizeof sub);
		if (!rc->r) {
			cp_seterr(err, errlen, "targets[%zu].%s", i, sub);
			goto fail;
		}
		s->n++;
		rc->pos = i;
		rc->peer = NONE;
		if (read_verdict(t, &rc->v, i, err, errlen))
			goto fail;
	}
	return 0;
fail:
	side_free(s);
	return -1;
}

int cp_doc_check(const json_t *doc, char *err, size_t errlen)
{
	struct side s;

	if (load_side(doc, &s, err, errlen))
		return -1;
	side_free(&s);
	return 0;
}

/* ---- matching ------------------------------------------------------ */

static int cmp_str0(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int key_cmp(const struct rec *a, const struct rec *b)
{
	int c = strcmp(a->r->input, b->r->input);

	return c ? c : cmp_str0(a->r->address, b->r->address);
}

/* Sort order: key, then document position (duplicates pair in order). */
static int sort_cmp(const void *pa, const void *pb)
{
	const struct rec *a = *(const struct rec *const *)pa;
	const struct rec *b = *(const struct rec *const *)pb;
	int c = key_cmp(a, b);

	if (c)
		return c;
	return (a->pos > b->pos) - (a->pos < b->pos);
}

static struct rec **sorted(struct side *s)
{
	struct rec **v = malloc((s->n ? s->n : 1) * sizeof *v);

	if (!v)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		v[i] = &s->recs[i];
	qsort(v, s->n, sizeof *v, sort_cmp);
	/* a run of one input marks each of its records as multi */
	for (size_t i = 0, j; i < s->n; i = j) {
		for (j = i + 1; j < s->n && !strcmp(v[j]->r->input, v[i]->r->input); j++)
			;
		for (size_t k = i; j - i > 1 && k < j; k++)
			v[k]->multi = true;
	}
	return v;
}

/* Pairs old and new records: exact keys first, then a single leftover per
 * input on each side.  Both sorting passes are O(n log n), which matters
 * for fleets of thousands of targets. */
static int match(struct side *o, struct side *n)
{
	struct rec **a = sorted(o), **b = sorted(n);
	size_t i = 0, j = 0;
	int rc = -1;

	if (!a || !b)
		goto out;
	while (i < o->n && j < n->n) {
		int c = key_cmp(a[i], b[j]);
		if (c == 0) {
			a[i]->peer = (size_t)(b[j] - n->recs);
			b[j]->peer = (size_t)(a[i] - o->recs);
			i++;
			j++;
		} else if (c < 0) {
			i++;
		} else {
			j++;
		}
	}
	i = j = 0;
	while (i < o->n && j < n->n) {
		int c = strcmp(a[i]->r->input, b[j]->r->input);
		size_t ie = i, je = j, ui = NONE, uj = NONE, nu_a = 0, nu_b = 0;
		if (c < 0) {
			i++;
			continue;
		}
		if (c > 0) {
			j++;
			continue;
		}
		for (; ie < o->n && !strcmp(a[ie]->r->input, a[i]->r->input); ie++)
			if (a[ie]->peer == NONE) {
				ui = ie;
				nu_a++;
			}
		for (; je < n->n && !strcmp(b[je]->r->input, b[j]->r->input); je++)
			if (b[je]->peer == NONE) {
				uj = je;
				nu_b++;
			}
		if (nu_a == 1 && nu_b == 1) {
			a[ui]->peer = (size_t)(b[uj] - n->recs);
			b[uj]->peer = (size_t)(a[ui] - o->recs);
		}
		i = ie;
		j = je;
	}
	rc = 0;
out:
	free(a);
	free(b);
	return rc;
}

/* ---- recording changes --------------------------------------------- */

struct ctx {
	struct cp_diff *d;
	const struct rec *o, *n;
};

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / size)
		return -1;
	p = realloc(*v, ncap * size);
	if (!p)
		return -1;
	*v = p;
	*cap = ncap;
	return 0;
}

static int add(struct ctx *c, enum cp_change_kind kind, const char *what,
	       const char *version, const char *item, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int add(struct ctx *c, enum cp_change_kind kind, const char *what,
	       const char *version, const char *item, const char *fmt, ...)
{
	struct cp_diff *d = c->d;
	struct cp_change ch = {
		.kind = kind, .what = what, .version = version,
		.show_address = c->o->multi || c->n->multi,
	};
	void *v = d->changes;
	va_list ap;

	va_start(ap, fmt);
	ch.detail = cp_vfmt(fmt, ap);
	va_end(ap);
	ch.target = strdup(c->n->r->input);
	ch.address = cp_strdup0(c->n->r->address);
	ch.item = cp_strdup0(item);
	if (!ch.detail || !ch.target || (c->n->r->address && !ch.address) || (item && !ch.item) ||
	    grow(&v, &d->cap_changes, d->nchanges, sizeof *d->changes)) {
		free(ch.detail);
		free(ch.target);
		free(ch.address);
		free(ch.item);
		return -1;
	}
	d->changes = v;
	d->changes[d->nchanges++] = ch;
	if (kind == CP_CHANGE_REGRESSION)
		d->regressions++;
	else if (kind == CP_CHANGE_IMPROVEMENT)
		d->improvements++;
	else
		d->infos++;
	return 0;
}

static int add_target(struct cp_diff_target **v, size_t *n, size_t *cap, const struct cp_result *r)
{
	void *p = *v;
	struct cp_diff_target t;

	if (grow(&p, cap, *n, sizeof **v))
		return -1;
	*v = p;
	t.target = strdup(r->input);
	t.address = cp_strdup0(r->address);
	if (!t.target || (r->address && !t.address)) {
		free(t.target);
		free(t.address);
		return -1;
	}
	(*v)[(*n)++] = t;
	return 0;
}

/* ---- the rules ----------------------------------------------------- */

static const char *errkind(const struct cp_result *r)
{
	return cp_err_kind_name(r->err_kind);
}

static const char *errmsg(const struct cp_result *r)
{
	return r->err_msg ? r->err_msg : "";
}

static int rule_address(struct ctx *c)
{
	const char *a = c->o->r->address, *b = c->n->r->address;

	if (!cmp_str0(a, b))
		return 0;
	return add(c, CP_CHANGE_INFO, "address", NULL, NULL, "address changed from %s to %s",
		   a ? a : "none", b ? b : "none");
}

static int rule_status(struct ctx *c)
{
	const struct cp_result *o = c->o->r, *n = c->n->r;

	if (o->ok && !n->ok)
		return add(c, CP_CHANGE_REGRESSION, "status", NULL, errkind(n),
			   "the scan now fails: %s: %s", errkind(n), errmsg(n));
	if (!o->ok && n->ok)
		return add(c, CP_CHANGE_IMPROVEMENT, "status", NULL, NULL,
			   "the scan succeeds again (it failed with %s: %s)", errkind(o), errmsg(o));
	if (!o->ok && !n->ok && o->err_kind != n->err_kind)
		return add(c, CP_CHANGE_INFO, "status", NULL, errkind(n),
			   "the scan still fails, now with %s: %s (was %s)", errkind(n), errmsg(n),
			   errkind(o));
	return 0;
}

/* "a, b" from an array of strings; "" when empty.  NULL: no memory. */
static char *join(const json_t *a)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < json_array_size(a); i++)
		len += strlen(json_string_value(json_array_get(a, i))) + 2;
	s = p = malloc(len);
	if (!s)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *x = json_string_value(json_array_get(a, i));
		size_t l = strlen(x);
		if (i) {
			memcpy(p, ", ", 2);
			p += 2;
		}
		memcpy(p, x, l + 1);
		p += l;
	}
	return s;
}

/* Same members, order aside (both arrays of strings). */
static bool same_set(const json_t *a, const json_t *b)
{
	if (json_array_size(a) != json_array_size(b))
		return false;
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *x = json_string_value(json_array_get(a, i));
		bool found = false;
		for (size_t k = 0; k < json_array_size(b) && !found; k++)
			found = !strcmp(x, json_string_value(json_array_get(b, k)));
		if (!found)
			return false;
	}
	return true;
}

/* Both incompatible: did the way out get harder? */
static int rule_fix(struct ctx *c)
{
	const struct verdict_view *ov = &c->o->v, *nv = &c->n->v;
	char *was = NULL, *now = NULL;
	size_t no, nn;
	int rc = -1;

	if (!ov->fix_known || !nv->fix_known)
		return 0;
	if (!ov->fix && !nv->fix)
		return 0;
	if ((ov->fix && !(was = join(ov->changes))) || (nv->fix && !(now = join(nv->changes))))
		goto out;
	if (ov->fix && !nv->fix) {
		rc = add(c, CP_CHANGE_REGRESSION, "fix", NULL, NULL,
			 "no profile change fixes it any more (the fix was: %s)", was);
		goto out;
	}
	if (!ov->fix) {
		rc = add(c, CP_CHANGE_IMPROVEMENT, "fix", NULL, NULL,
			 "a profile change now fixes it: %s", now);
		goto out;
	}
	no = json_array_size(ov->changes);
	nn = json_array_size(nv->changes);
	if (nn != no)
		rc = add(c, nn > no ? CP_CHANGE_REGRESSION : CP_CHANGE_IMPROVEMENT, "fix", NULL, NULL,
			 "the fix now needs %zu change%s (%s) instead of %zu (%s)",
			 nn, plural(nn), now, no, was);
	else if (!same_set(ov->changes, nv->changes))
		rc = add(c, CP_CHANGE_INFO, "fix", NULL, NULL, "the fix is now %s (was %s)", now, was);
	else
		rc = 0;
	if (rc)
		goto out;
	if (!ov->fix_weak && nv->fix_weak)
		rc = add(c, CP_CHANGE_REGRESSION, "fix_weak", NULL, NULL,
			 "the fix now weakens the profile: %s", now);
	else if (ov->fix_weak && !nv->fix_weak)
		rc = add(c, CP_CHANGE_IMPROVEMENT, "fix_weak", NULL, NULL,
			 "the fix no longer weakens the profile: %s", now);
out:
	free(was);
	free(now);
	return rc;
}

static int rule_verdict(struct ctx *c)
{
	const struct verdict_view *ov = &c->o->v, *nv = &c->n->v;
	const struct cp_result *o = c->o->r, *n = c->n->r;

	/* an error record has no verdict: losing the scan loses compatibility */
	if (ov->present && ov->compatible && !n->ok)
		return add(c, CP_CHANGE_REGRESSION, "compatible", NULL, NULL,
			   "no longer compatible with the profile: the scan fails");
	if (!o->ok && nv->present && nv->compatible)
		return add(c, CP_CHANGE_IMPROVEMENT, "compatible", NULL, NULL,
			   "compatible with the profile again (the scan failed before)");
	if (!ov->present || !nv->present)
		return 0;
	if (ov->compatible && !nv->compatible)
		return add(c, CP_CHANGE_REGRESSION, "compatible", NULL, NULL,
			   "no longer compatible with the profile%s%s",
			   nv->reason ? ": " : "", nv->reason ? nv->reason : "");
	if (!ov->compatible && nv->compatible)
		return add(c, CP_CHANGE_IMPROVEMENT, "compatible", NULL, NULL,
			   "now compatible with the profile");
	if (ov->compatible)
		return 0;
	if (rule_fix(c))
		return -1;
	if (ov->nd_known && nv->nd_known && ov->no_decrypt != nv->no_decrypt)
		return add(c, nv->no_decrypt ? CP_CHANGE_REGRESSION : CP_CHANGE_IMPROVEMENT,
			   "no_decrypt", NULL, NULL, "%s",
			   nv->no_decrypt ? "now better left undecrypted (a no-decrypt exception is advised)"
					  : "no longer needs a no-decrypt exception");
	return 0;
}

static int rule_cert(struct ctx *c)
{
	const struct cp_cert_facts *o = &c->o->r->cert, *n = &c->n->r->cert;

	if (!o->present || !n->present || !o->sha256 || !n->sha256 ||
	    !strcasecmp(o->sha256, n->sha256))
		return 0;
	if (n->subject && n->not_after)
		return add(c, CP_CHANGE_INFO, "certificate", NULL, NULL,
			   "the certificate changed: now %s, valid until %s (sha256 %s)",
			   n->subject, n->not_after, n->sha256);
	return add(c, CP_CHANGE_INFO, "certificate", NULL, NULL,
		   "the certificate changed (sha256 %s, was %s)", n->sha256, o->sha256);
}

/* Accepted suites (SSLv2: cipher kinds) of a version, as one kind of list. */
static size_t nids(const struct cp_proto_result *pr, enum cp_proto p)
{
	return p == CP_P_SSL2 ? pr->nkinds : pr->nsuites;
}

static uint32_t id_at(const struct cp_proto_result *pr, enum cp_proto p, size_t i)
{
	return p == CP_P_SSL2 ? pr->kinds[i] : pr->suites[i];
}

static bool has_id(const struct cp_proto_result *pr, enum cp_proto p, uint32_t id)
{
	for (size_t i = 0; i < nids(pr, p); i++)
		if (id_at(pr, p, i) == id)
			return true;
	return false;
}

/* The IANA name, or the code point when the registry lacks the suite. */
static const char *suite_name(enum cp_proto p, uint32_t id, char *buf, size_t size)
{
	if (p == CP_P_SSL2) {
		const struct cp_sslv2_kind *k = cp_sslv2_by_id(id);
		if (k && k->name)
			return k->name;
		snprintf(buf, size, "0x%06" PRIX32, id & 0xFFFFFFu);
		return buf;
	}
	const struct cp_suite *s = cp_suite_by_id((uint16_t)id);
	if (s && s->name)
		return s->name;
	snprintf(buf, size, "0x%04" PRIX32, id & 0xFFFFu);
	return buf;
}

/* The registry's rating; unknown suites rate as legacy (not weak). */
static enum cp_strength suite_strength(enum cp_proto p, uint32_t id)
{
	if (p == CP_P_SSL2) {
		const struct cp_sslv2_kind *k = cp_sslv2_by_id(id);
		return k ? k->strength : CP_STRENGTH_LEGACY;
	}
	const struct cp_suite *s = cp_suite_by_id((uint16_t)id);
	return s ? s->strength : CP_STRENGTH_LEGACY;
}

static bool is_weak(enum cp_strength s)
{
	return s == CP_STRENGTH_NULL || s == CP_STRENGTH_EXPORT || s == CP_STRENGTH_WEAK;
}

static bool weak_version(enum cp_proto p)
{
	return p <= CP_P_TLS11;
}

/* Weak suites at a version the server did not speak before. */
static int new_weak_suites(struct ctx *c, const struct cp_proto_result *pn, enum cp_proto p)
{
	const char *v = cp_proto_name(p);
	char buf[16];

	for (size_t i = 0; i < nids(pn, p); i++) {
		uint32_t id = id_at(pn, p, i);
		enum cp_strength st = suite_strength(p, id);
		const char *name = suite_name(p, id, buf, sizeof buf);
		if (is_weak(st) && add(c, CP_CHANGE_REGRESSION, "cipher", v, name,
				       "%s is now accepted at %s (%s)", name, v, cp_strength_name(st)))
			return -1;
	}
	return 0;
}

static int suite_sets(struct ctx *c, const struct cp_proto_result *po,
		      const struct cp_proto_result *pn, enum cp_proto p)
{
	const char *v = cp_proto_name(p);
	char buf[16];

	for (size_t i = 0; i < nids(po, p); i++) {
		uint32_t id = id_at(po, p, i);
		const char *name;
		if (has_id(pn, p, id))
			continue;
		name = suite_name(p, id, buf, sizeof buf);
		/* losing a weak suite is the server hardening itself */
		if (add(c, is_weak(suite_strength(p, id)) ? CP_CHANGE_IMPROVEMENT : CP_CHANGE_REGRESSION,
			"cipher", v, name, "%s is no longer accepted at %s", name, v))
			return -1;
	}
	for (size_t i = 0; i < nids(pn, p); i++) {
		uint32_t id = id_at(pn, p, i);
		enum cp_strength st = suite_strength(p, id);
		const char *name;
		if (has_id(po, p, id))
			continue;
		name = suite_name(p, id, buf, sizeof buf);
		if (is_weak(st)) {
			if (add(c, CP_CHANGE_REGRESSION, "cipher", v, name,
				"%s is now accepted at %s (%s)", name, v, cp_strength_name(st)))
				return -1;
		} else if (add(c, CP_CHANGE_INFO, "cipher", v, name,
			       "%s is now accepted at %s", name, v)) {
			return -1;
		}
	}
	return 0;
}

/* Who chooses the suite, and in which order the server ranks the suites
 * both scans saw (a suite only on one side is reported by suite_sets). */
static int preference(struct ctx *c, const struct cp_proto_result *po,
		      const struct cp_proto_result *pn, enum cp_proto p)
{
	const char *v = cp_proto_name(p);
	size_t i = 0, k = 0;
	char b1[16], b2[16];

	if (po->server_preference == CP_UNKNOWN || pn->server_preference == CP_UNKNOWN)
		return 0;
	if (po->server_preference != pn->server_preference)
		return add(c, CP_CHANGE_INFO, "preference", v, NULL, "%s %s",
			   pn->server_preference == CP_YES ? "the server now chooses the suite at"
							   : "the server now follows the client's order at", v);
	if (pn->server_preference != CP_YES)
		return 0;
	/* walk the common suites in each order; the first mismatch is a suite
	 * the server now ranks above one it used to prefer */
	for (;;) {
		while (i < nids(po, p) && !has_id(pn, p, id_at(po, p, i)))
			i++;
		while (k < nids(pn, p) && !has_id(po, p, id_at(pn, p, k)))
			k++;
		if (i >= nids(po, p) || k >= nids(pn, p))
			return 0;
		if (id_at(po, p, i) != id_at(pn, p, k))
			break;
		i++;
		k++;
	}
	return add(c, CP_CHANGE_INFO, "preference", v, NULL,
		   "the server's order at %s changed: %s now comes before %s", v,
		   suite_name(p, id_at(pn, p, k), b1, sizeof b1),
		   suite_name(p, id_at(po, p, i), b2, sizeof b2));
}

static int rule_protocols(struct ctx *c)
{
	for (int i = 0; i < CP_P__COUNT; i++) {
		enum cp_proto p = (enum cp_proto)i;
		const struct cp_proto_result *po = &c->o->r->proto[p], *pn = &c->n->r->proto[p];
		const char *v = cp_proto_name(p);

		if (po->probed != pn->probed) {
			/* a different -p, not a server change: say so, rate nothing */
			if (add(c, CP_CHANGE_INFO, "probed", v, NULL, "%s was probed only in the %s scan",
				v, po->probed ? "old" : "new"))
				return -1;
			continue;
		}
		if (!po->probed)
			continue;
		if (po->supported && !pn->supported) {
			if (add(c, weak_version(p) ? CP_CHANGE_IMPROVEMENT : CP_CHANGE_REGRESSION,
				"protocol", v, NULL, "%s is no longer supported", v))
				return -1;
		} else if (!po->supported && pn->supported) {
			if (add(c, weak_version(p) ? CP_CHANGE_REGRESSION : CP_CHANGE_IMPROVEMENT,
				"protocol", v, NULL, "%s is now supported%s", v,
				weak_version(p) ? " (a weak protocol version)" : "") ||
			    new_weak_suites(c, pn, p))
				return -1;
		} else if (po->supported) {
			if (suite_sets(c, po, pn, p) || preference(c, po, pn, p))
				return -1;
		}
	}
	return 0;
}

static bool has_group(const struct cp_result *r, uint16_t id)
{
	for (size_t i = 0; i < r->ngroups; i++)
		if (r->groups[i].id == id)
			return true;
	return false;
}

static int rule_groups(struct ctx *c)
{
	const struct cp_result *o = c->o->r, *n = c->n->r;
	char buf[16];

	for (int pass = 0; pass < 2; pass++) {
		const struct cp_result *from = pass ? n : o, *to = pass ? o : n;
		for (size_t i = 0; i < from->ngroups; i++) {
			const struct cp_group *g = cp_group_by_id(from->groups[i].id);
			const char *name = buf;
			if (has_group(to, from->groups[i].id))
				continue;
			if (g && g->name)
				name = g->name;
			else
				snprintf(buf, sizeof buf, "0x%04X", (unsigned)from->groups[i].id);
			if (add(c, CP_CHANGE_INFO, "group", NULL, name, "group %s is %s accepted", name,
				pass ? "now" : "no longer"))
				return -1;
		}
	}
	return 0;
}

static int compare(struct ctx *c)
{
	if (rule_address(c) || rule_status(c) || rule_verdict(c))
		return -1;
	/* an error record knows nothing of suites: comparing would report
	 * everything as gone and bury the one change that matters */
	if (!c->o->r->ok || !c->n->r->ok)
		return 0;
	return rule_cert(c) || rule_protocols(c) || rule_groups(c) ? -1 : 0;
}

int cp_diff_docs(const json_t *old_doc, const json_t *new_doc, struct cp_diff *out,
		 char *err, size_t errlen)
{
	struct side o = { 0 }, n = { 0 };
	char sub[448];
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (err && errlen)
		err[0] = '\0';
	if (load_side(old_doc, &o, sub, sizeof sub)) {
		cp_seterr(err, errlen, "old document: %s", sub);
		goto out;
	}
	if (load_side(new_doc, &n, sub, sizeof sub)) {
		cp_seterr(err, errlen, "new document: %s", sub);
		goto out;
	}
	if (match(&o, &n))
		goto oom;
	for (size_t i = 0; i < o.n; i++) {
		struct ctx c = { .d = out, .o = &o.recs[i] };
		if (o.recs[i].peer == NONE) {
			if (add_target(&out->removed, &out->nremoved, &out->cap_removed, o.recs[i].r))
				goto oom;
			continue;
		}
		c.n = &n.recs[o.recs[i].peer];
		out->compared++;
		if (compare(&c))
			goto oom;
	}
	for (size_t i = 0; i < n.n; i++)
		if (n.recs[i].peer == NONE &&
		    add_target(&out->added, &out->nadded, &out->cap_added, n.recs[i].r))
			goto oom;
	rc = 0;
	goto out;
oom:
	cp_seterr(err, errlen, "out of memory");
out:
	if (rc)
		cp_diff_free(out);
	side_free(&o);
	side_free(&n);
	return rc;
}

size_t cp_diff_regressions(const struct cp_diff *d)
{
	return d->regressions;
}

void cp_diff_free(struct cp_diff *d)
{
	for (size_t i = 0; i < d->nchanges; i++) {
		free(d->changes[i].target);
		free(d->changes[i].address);
		free(d->changes[i].detail);
		free(d->changes[i].item);
	}
	for (size_t i = 0; i < d->nadded; i++) {
		free(d->added[i].target);
		free(d->added[i].address);
	}
	for (size_t i = 0; i < d->nremoved; i++) {
		free(d->removed[i].target);
		free(d->removed[i].address);
	}
	free(d->changes);
	free(d->added);
	free(d->removed);
	memset(d, 0, sizeof *d);
}

/* ---- rendering ----------------------------------------------------- */

static const char *const kind_names[] = {
	[CP_CHANGE_REGRESSION] = "regression",
	[CP_CHANGE_IMPROVEMENT] = "improvement",
	[CP_CHANGE_INFO] = "info",
};


static json_t *targets_json(const struct cp_diff_target *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		json_t *o = json_object();
		if (!o || json_object_set_new(o, "target", cp_json_str(v[i].target)) ||
		    json_object_set_new(o, "address", cp_json_str(v[i].address)) ||
		    json_array_append_new(a, o)) {
			json_decref(o);
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *change_json(const struct cp_change *ch)
{
	json_t *o = json_object();
	const char *item_key = NULL;

	if (!o || json_object_set_new(o, "target", cp_json_str(ch->target)) ||
	    json_object_set_new(o, "address", cp_json_str(ch->address)) ||
	    json_object_set_new(o, "kind", cp_json_str(kind_names[ch->kind])) ||
	    json_object_set_new(o, "what", cp_json_str(ch->what)) ||
	    json_object_set_new(o, "detail", cp_json_str(ch->detail)))
		goto fail;
	if (ch->version && json_object_set_new(o, "version", cp_json_str(ch->version)))
		goto fail;
	if (!strcmp(ch->what, "cipher"))
		item_key = "cipher";
	else if (!strcmp(ch->what, "group"))
		item_key = "group";
	else if (!strcmp(ch->what, "status"))
		item_key = "error_kind";
	if (item_key && ch->item && json_object_set_new(o, item_key, cp_json_str(ch->item)))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *cp_diff_to_json(const struct cp_diff *d)
{
	json_t *o = json_object(), *changes = json_array();

	if (!o || !changes)
		goto fail;
	if (json_object_set_new(o, "regressions", json_integer((json_int_t)d->regressions)) ||
	    json_object_set_new(o, "improvements", json_integer((json_int_t)d->improvements)) ||
	    json_object_set_new(o, "info", json_integer((json_int_t)d->infos)) ||
	    json_object_set_new(o, "compared", json_integer((json_int_t)d->compared)))
		goto fail;
	for (int k = CP_CHANGE_REGRESSION; k <= CP_CHANGE_INFO; k++)
		for (size_t i = 0; i < d->nchanges; i++)
			if ((int)d->changes[i].kind == k &&
			    json_array_append_new(changes, change_json(&d->changes[i])))
				goto fail;
	if (json_object_set_new(o, "changes", changes)) {
		changes = NULL;
		goto fail;
	}
	changes = NULL;
	if (json_object_set_new(o, "added", targets_json(d->added, d->nadded)) ||
	    json_object_set_new(o, "removed", targets_json(d->removed, d->nremoved)))
		goto fail;
	return o;
fail:
	json_decref(changes);
	json_decref(o);
	return NULL;
}

/* "input" or "input [address]", escaped for a terminal. */
static int print_target(FILE *f, const char *target, const char *address, bool show_address)
{
	char *t = cp_sanitize(target), *a = NULL;
	int rc = -1;

	if (!t)
		goto out;
	if (show_address && address && !(a = cp_sanitize(address)))
		goto out;
	if (fprintf(f, "%s%s%s%s", t, a ? " [" : "", a ? a : "", a ? "]" : "") >= 0)
		rc = 0;
out:
	free(t);
	free(a);
	return rc;
}

int cp_diff_print(FILE *f, const struct cp_diff *d, bool color)
{
	static const char *const label[] = {
		[CP_CHANGE_REGRESSION] = "REGRESSION ",
		[CP_CHANGE_IMPROVEMENT] = "improvement",
		[CP_CHANGE_INFO] = "info       ",
	};
	static const char *const tint[] = {
		[CP_CHANGE_REGRESSION] = RED_BOLD,
		[CP_CHANGE_IMPROVEMENT] = GREEN,
		[CP_CHANGE_INFO] = DIM,
	};

	for (int k = CP_CHANGE_REGRESSION; k <= CP_CHANGE_INFO; k++)
		for (size_t i = 0; i < d->nchanges; i++) {
			const struct cp_change *ch = &d->changes[i];
			char *detail;
			if ((int)ch->kind != k)
				continue;
			detail = cp_sanitize(ch->detail);
			if (!detail)
				return -1;
			fprintf(f, "%s%s%s ", color ? tint[k] : "", label[k], color ? RESET : "");
			if (print_target(f, ch->target, ch->address, ch->show_address)) {
				free(detail);
				return -1;
			}
			fprintf(f, ": %s\n", detail);
			free(detail);
		}
	for (size_t i = 0; i < d->nadded; i++) {
		fprintf(f, "added       ");
		if (print_target(f, d->added[i].target, d->added[i].address, true))
			return -1;
		fputc('\n', f);
	}
	for (size_t i = 0; i < d->nremoved; i++) {
		fprintf(f, "%sremoved%s     ", color ? YELLOW : "", color ? RESET : "");
		if (print_target(f, d->removed[i].target, d->removed[i].address, true))
			return -1;
		fprintf(f, " (not in the new scan; not counted as a regression)\n");
	}
	fprintf(f, "%s%zu regression%s%s, %zu improvement%s, %zu info; "
		"%zu target%s compared, %zu added, %zu removed\n",
		color && d->regressions ? RED_BOLD : "", d->regressions, plural(d->regressions),
		color && d->regressions ? RESET : "",
		d->improvements, plural(d->improvements), d->infos,
		d->compared, plural(d->compared), d->nadded, d->nremoved);
	if (fflush(f) == EOF)
		return -1;
	return ferror(f) ? -1 : 0;
}

/* ---- documents on disk ---------------------------------------------- */

struct reader {
	FILE *f;
	size_t left;              /* bytes still allowed */
	bool toobig;
	int rerr;                 /* errno of a read error */
};

/* jansson pulls the text through this, so a huge or endless input (a
 * device, a pipe) stops at the cap instead of exhausting memory. */
static size_t read_cb(void *buf, size_t len, void *data)
{
	struct reader *rd = data;
	size_t n;

	if (rd->left == 0) {
		if (getc(rd->f) != EOF) {
			rd->toobig = true;
			return (size_t)-1;
		}
		return 0;
	}
	if (len > rd->left)
		len = rd->left;
	errno = 0;
	n = fread(buf, 1, len, rd->f);
	if (n == 0 && ferror(rd->f)) {
		rd->rerr = errno ? errno : EIO;
		return (size_t)-1;
	}
	rd->left -= n;
	return n;
}

json_t *cp_doc_load_max(const char *path, size_t max_bytes, char *err, size_t errlen)
{
	struct reader rd = { .left = max_bytes };
	bool is_stdin = !strcmp(path, "-");
	const char *name = is_stdin ? "(stdin)" : path;
	json_t *doc = NULL, *ret = NULL;
	json_error_t jerr;
	char sub[448];
	int e = EINVAL;

	if (err && errlen)
		err[0] = '\0';
	rd.f = is_stdin ? stdin : fopen(path, "r");
	if (!rd.f) {
		e = errno;
		cp_seterr(err, errlen, "%s: %s", name, strerror(e));
		goto out;
	}
	doc = json_load_callback(read_cb, &rd, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		if (rd.toobig) {
			e = EFBIG;
			cp_seterr(err, errlen, "%s: larger than %zu bytes", name, max_bytes);
		} else if (rd.rerr) {
			e = rd.rerr;
			cp_seterr(err, errlen, "%s: %s", name, strerror(e));
		} else {
			if (json_error_code(&jerr) == json_error_out_of_memory)
				e = ENOMEM;
			cp_seterr(err, errlen, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
		}
		goto out;
	}
	if (cp_doc_check(doc, sub, sizeof sub)) {
		e = strcmp(sub, "out of memory") ? EINVAL : ENOMEM;
		cp_seterr(err, errlen, "%s: %s", name, sub);
		goto out;
	}
	ret = doc;
	doc = NULL;
out:
	if (rd.f && !is_stdin)
		fclose(rd.f);
	json_decref(doc);
	if (!ret)
		errno = e;
	return ret;
}

json_t *cp_doc_load(const char *path, char *err, size_t errlen)
{
	return cp_doc_load_max(path, CP_DOC_MAX, err, errlen);
}

json_t *cp_doc_from_results(const struct cp_result *const *results, size_t n,
			    const struct cp_summary *s, const char *tool_version)
{
	json_t *doc = json_object(), *tool = json_object(), *targets = json_array();

	if (!doc || !tool || !targets ||
	    json_object_set_new(tool, "name", cp_json_str(PACKAGE_NAME)) ||
	    json_object_set_new(tool, "version", cp_json_str(tool_version ? tool_version : PACKAGE_VERSION)))
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(targets, cp_result_to_json(results[i])))
			goto fail;
	/* the set calls take the references even when they fail */
	if (json_object_set_new(doc, "schema", json_integer(1)) ||
	    json_object_set_new(doc, "tool", tool)) {
		tool = NULL;
		goto fail;
	}
	tool = NULL;
	if (json_object_set_new(doc, "targets", targets)) {
		targets = NULL;
		goto fail;
	}
	targets = NULL;
	if (s && json_object_set_new(doc, "summary", cp_summary_to_json(s)))
		goto fail;
	return doc;
fail:
	json_decref(tool);
	json_decref(targets);
	json_decref(doc);
	return NULL;
}

int cp_doc_save(const json_t *doc, const char *path, char *err, size_t errlen)
{
	struct cp_atomic a = { 0 };
	FILE *f = cp_atomic_open(path, &a, err, errlen);

	if (!f)
		return -1;
	errno = 0;
	if (json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) || fputc('\n', f) == EOF) {
		cp_seterr(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
		cp_atomic_abort(&a);
		return -1;
	}
	if (cp_atomic_commit(&a)) {
		cp_seterr(err, errlen, "%s", a.err);
		return -1;
	}
	return 0;
}
