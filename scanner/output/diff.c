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
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "output/diff.h"
#include "output/verdict.h"
#include "output/file.h"
#include "output/output.h"
#include "output/sanitize.h"
#include "policy/advise.h"
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

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	s = cp_vfmt(f, ap);
	va_end(ap);
	return s;
}

/* ---- reading one side ---------------------------------------------- */

/* What the rules need of a "verdict" object. */
struct verdict_view {
	bool present; /* verdict is an object (null: --no-verdict or an error record) */
	bool compatible;
	bool fix_known;        /* "fix" is there (null or an object) */
	bool fix;              /* "fix" is an object */
	const json_t *changes; /* fix.changes, an array of strings */
	bool fix_weak;
	bool nd_known, no_decrypt;
	const char *reason;     /* NULL when absent */
	const json_t *commands; /* fix.commands (strings), or NULL */
	const json_t *certs;    /* details of the certificate causes (strings), or NULL */
};

struct rec {
	struct cp_result *r;
	struct verdict_view v; /* points into vj */
	json_t *vj;            /* [reason, changes, commands, certs] of the
	                           * verdict, held: nothing else of the
	                           * target's JSON is kept */
	long long runs_in;     /* its "failed_runs", -1 when absent */
	unsigned runs;         /* as a new side: consecutive failed runs */
	unsigned next_runs;    /* as an old side: its new peer's runs */
	size_t pos;            /* index in "targets" */
	size_t peer;           /* matched record on the other side, or NONE */
	bool multi;            /* its input has several records here */
};

struct side {
	struct rec *recs;
	size_t n, cap;
};

struct cp_diff_side {
	struct side s;
};

static void side_free(struct side *s)
{
	for (size_t i = 0; i < s->n; i++) {
		cp_result_free(s->recs[i].r);
		json_decref(s->recs[i].vj);
	}
	free(s->recs);
	s->recs = NULL;
	s->n = s->cap = 0;
}

/* Keys a level of the document may have beyond the targets (those are
 * cp_result_from_json's): what the writers emit today or ever did.  A key
 * added here goes into docs/cipherprobe.schema.json too (closed objects,
 * enforced by the test suite) and into man/cipherprobe.1. */
static const char *const top_keys[] = { "schema", "tool", "targets", "summary", NULL };
static const char *const tool_keys[] = { "name", "version", NULL };
static const char *const summary_keys[] = {
	"targets",        "ok",           "errors", "compatible", "incompatible",
	"recommendation", "interception", NULL,
};
static const char *const recommendation_keys[] = {
	"changes", "fixes", "no_decrypt", "change_fixes", "commands", NULL,
};
static const char *const interception_keys[] = { "issuer", "targets", NULL };
/* A member of o that, when an object, may hold only keys. */
static int check_sub(const json_t *o, const char *key, const char *path, const char *const *keys,
		     char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, key);

	return json_is_object(v) ? cp_json_check_keys(v, path, keys, err, errlen) : 0;
}

/* The verdict's fields, typed as output/verdict.c writes them.  Only
 * "compatible" is required: the others are compared when present. */
static int read_verdict(const json_t *t, struct verdict_view *v, size_t i, char *err, size_t errlen)
{
	const json_t *vd = json_object_get(t, "verdict"), *x;
	char path[64];

	memset(v, 0, sizeof *v);
	if (!vd || json_is_null(vd))
		return 0;
	/* cp_result_from_json has checked that it is an object */
	v->present = true;
	snprintf(path, sizeof path, "targets[%zu].verdict", i);
	if (cp_json_check_keys(vd, path, cp_verdict_keys, err, errlen))
		return -1;
	snprintf(path, sizeof path, "targets[%zu].verdict.fix", i);
	if (check_sub(vd, "fix", path, cp_fix_keys, err, errlen))
		return -1;
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
			cp_seterr(err, errlen,
				  "targets[%zu].verdict.reason: expected a string or null", i);
			return -1;
		}
		v->reason = json_string_value(x);
	}
	x = json_object_get(vd, "no_decrypt");
	if (x) {
		if (!json_is_boolean(x)) {
			cp_seterr(err, errlen,
				  "targets[%zu].verdict.no_decrypt: expected a boolean", i);
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
	v->fix = true;
	v->changes = json_object_get(x, "changes");
	if (!json_is_array(v->changes)) {
		cp_seterr(err, errlen, "targets[%zu].verdict.fix.changes: %s", i,
			  v->changes ? "expected an array" : "missing");
		return -1;
	}
	for (size_t k = 0; k < json_array_size(v->changes); k++)
		if (!json_is_string(json_array_get(v->changes, k))) {
			cp_seterr(err, errlen,
				  "targets[%zu].verdict.fix.changes[%zu]: expected a string", i, k);
			return -1;
		}
	v->commands = json_object_get(x, "commands");
	if (v->commands) {
		bool strings = json_is_array(v->commands);
		for (size_t k = 0; strings && k < json_array_size(v->commands); k++)
			strings = json_is_string(json_array_get(v->commands, k));
		if (!strings)
			v->commands = NULL; /* only shown: not worth refusing the document */
	}
	x = json_object_get(x, "weak");
	if (x && !json_is_boolean(x)) {
		cp_seterr(err, errlen, "targets[%zu].verdict.fix.weak: expected a boolean", i);
		return -1;
	}
	v->fix_weak = json_is_true(x);
	return 0;
}

/* The details of the verdict's certificate causes (axis "certificate"),
 * into v->certs (a new array, or NULL when there are none); -1: no memory. */
static int read_certs(const json_t *t, struct verdict_view *v, char *err, size_t errlen)
{
	const json_t *x = json_object_get(json_object_get(t, "verdict"), "causes");
	json_t *certs = NULL;

	v->certs = NULL;
	for (size_t k = 0; json_is_array(x) && k < json_array_size(x); k++) {
		const json_t *c = json_array_get(x, k);
		const char *axis = json_string_value(json_object_get(c, "axis"));
		const char *detail = json_string_value(json_object_get(c, "detail"));

		if (!axis || strcmp(axis, "certificate") || !detail)
			continue;
		if ((!certs && !(certs = json_array())) ||
		    json_array_append_new(certs, json_string(detail))) {
			json_decref(certs);
			cp_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	v->certs = certs;
	return 0;
}

/* The keys of everything but "schema" and the targets. */
static int check_rest(const json_t *doc, char *err, size_t errlen)
{
	const json_t *sum = json_object_get(doc, "summary");

	return cp_json_check_keys(doc, "", top_keys, err, errlen) ||
			       check_sub(doc, "tool", "tool", tool_keys, err, errlen) ||
			       check_sub(doc, "summary", "summary", summary_keys, err, errlen) ||
			       check_sub(sum, "recommendation", "summary.recommendation",
					 recommendation_keys, err, errlen) ||
			       check_sub(sum, "interception", "summary.interception",
					 interception_keys, err, errlen)
		       ? -1
		       : 0;
}

/* "schema": 1, or -1 with a message. */
static int check_schema(const json_t *schema, char *err, size_t errlen)
{
	if (!schema) {
		cp_seterr(err, errlen, "schema: missing (not a cipherprobe JSON document?)");
		return -1;
	}
	if (!json_is_integer(schema)) {
		cp_seterr(err, errlen, "schema: expected the number 1");
		return -1;
	}
	if (json_integer_value(schema) != 1) {
		cp_seterr(err, errlen,
			  "schema: expected 1, got %" JSON_INTEGER_FORMAT
			  " (written by another version of cipherprobe?)",
			  json_integer_value(schema));
		return -1;
	}
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
	if (check_schema(schema, err, errlen))
		return -1;
	targets = json_object_get(doc, "targets");
	if (!json_is_array(targets)) {
		cp_seterr(err, errlen, "targets: %s", targets ? "expected an array" : "missing");
		return -1;
	}
	return check_rest(doc, err, errlen);
}

/* Target i of a document (t) appended to s as a record, keeping only its
 * verdict of the JSON; -1 with err naming the field. */
static int side_add(struct side *s, const json_t *t, size_t i, char *err, size_t errlen)
{
	struct rec *rc;
	char sub[384];

	if (!json_is_object(t)) {
		cp_seterr(err, errlen, "targets[%zu]: expected an object", i);
		return -1;
	}
	if (CP_GROW(s->recs, s->cap, s->n + 1) < 0) {
		cp_seterr(err, errlen, "out of memory");
		return -1;
	}
	rc = &s->recs[s->n];
	memset(rc, 0, sizeof *rc);
	rc->r = cp_result_from_json(t, sub, sizeof sub);
	if (!rc->r) {
		cp_seterr(err, errlen, "targets[%zu].%s", i, sub);
		return -1;
	}
	s->n++;
	rc->pos = i;
	rc->peer = NONE;
	rc->runs_in = -1;
	{
		const json_t *fr = json_object_get(t, "failed_runs");
		if (fr && (!json_is_integer(fr) || json_integer_value(fr) < 0)) {
			cp_seterr(err, errlen,
				  "targets[%zu].failed_runs: expected a non-negative integer", i);
			return -1;
		}
		if (fr)
			rc->runs_in = json_integer_value(fr);
	}
	rc->runs = rc->r->ok ? 0 : 1;
	if (read_verdict(t, &rc->v, i, err, errlen) || read_certs(t, &rc->v, err, errlen))
		return -1;
	if (rc->v.reason || rc->v.changes || rc->v.commands || rc->v.certs) {
		/* the strings the rules quote, without the rest of the verdict
		 * (the certificate details are a new array: "o?" takes it) */
		rc->vj = json_pack(
			"[O?O?O?o?]", json_object_get(json_object_get(t, "verdict"), "reason"),
			(json_t *)rc->v.changes, (json_t *)rc->v.commands, (json_t *)rc->v.certs);
		if (!rc->vj) {
			cp_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* Every target of doc as a record; -1 with err naming the field. */
static int load_side(const json_t *doc, struct side *s, char *err, size_t errlen)
{
	const json_t *targets;

	memset(s, 0, sizeof *s);
	if (check_top(doc, err, errlen))
		return -1;
	targets = json_object_get(doc, "targets");
	for (size_t i = 0; i < json_array_size(targets); i++)
		if (side_add(s, json_array_get(targets, i), i, err, errlen)) {
			side_free(s);
			return -1;
		}
	return 0;
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
	const struct rec *o;
	struct rec *n;
	int expiry_days; /* < 0: no expiry check */
	long long now;
};

static int add(struct ctx *c, enum cp_change_kind kind, const char *what, const char *version,
	       const char *item, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int add(struct ctx *c, enum cp_change_kind kind, const char *what, const char *version,
	       const char *item, const char *fmt, ...)
{
	struct cp_diff *d = c->d;
	struct cp_change ch = {
		.kind = kind,
		.what = what,
		.version = version,
		.show_address = c->o->multi || c->n->multi,
	};
	va_list ap;

	va_start(ap, fmt);
	ch.detail = cp_vfmt(fmt, ap);
	va_end(ap);
	ch.target = strdup(c->n->r->input);
	ch.address = cp_strdup0(c->n->r->address);
	ch.item = cp_strdup0(item);
	if (!ch.detail || !ch.target || (c->n->r->address && !ch.address) || (item && !ch.item) ||
	    CP_GROW(d->changes, d->cap_changes, d->nchanges + 1) < 0) {
		free(ch.detail);
		free(ch.target);
		free(ch.address);
		free(ch.item);
		return -1;
	}
	d->changes[d->nchanges++] = ch;
	if (kind == CP_CHANGE_REGRESSION)
		d->regressions++;
	else if (kind == CP_CHANGE_IMPROVEMENT)
		d->improvements++;
	else if (kind == CP_CHANGE_CHANGE)
		d->changed++;
	else
		d->infos++;
	return 0;
}

static int add_target(struct cp_diff_target **v, size_t *n, size_t *cap, const struct cp_result *r)
{
	struct cp_diff_target t;

	if (CP_GROW(*v, *cap, *n + 1) < 0)
		return -1;
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

/* The scan's failures: counted in runs, a regression on the 2nd in a row. */
static int rule_status(struct ctx *c)
{
	const struct cp_result *o = c->o->r, *n = c->n->r;

	if (!o->ok && n->ok)
		return add(c, CP_CHANGE_IMPROVEMENT, "unreachable", NULL, NULL,
			   "answers again (the last scan failed with %s: %s)", errkind(o),
			   errmsg(o));
	if (n->ok)
		return 0;
	if (!o->ok && c->o->runs_in <= 0) {
		/* a failed old record without the counter (a plain scan, not a
		 * state): how long it has failed is unknown, so this is not the
		 * moment it became a regression */
		c->n->runs = 2;
		return add(c, CP_CHANGE_CHANGE, "unreachable", NULL, errkind(n),
			   "unreachable (in both scans): %s: %s", errkind(n), errmsg(n));
	}
	{
		/* an ok old record with a count is a baseline kept when every
		 * target failed (watch.c) */
		long long before = c->o->runs_in > 0 ? c->o->runs_in : 0;
		c->n->runs = before >= 1000000 ? 1000000 : (unsigned)before + 1;
	}
	if (c->n->runs == 2)
		return add(c, CP_CHANGE_REGRESSION, "unreachable", NULL, errkind(n),
			   "unreachable (2 runs in a row): %s: %s", errkind(n), errmsg(n));
	return add(c, CP_CHANGE_CHANGE, "unreachable", NULL, errkind(n),
		   "unreachable (%u run%s%s): %s: %s", c->n->runs, c->n->runs == 1 ? "" : "s",
		   c->n->runs == 1 ? "" : " in a row", errkind(n), errmsg(n));
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

/* What a fix weakens: the sum of its changes' costs in the advisor's
 * weakness table; NONE when the table lacks one of them. */
static size_t fix_cost(const json_t *changes)
{
	size_t sum = 0;

	for (size_t i = 0; i < json_array_size(changes); i++) {
		unsigned cost;
		bool weak;
		if (cp_change_cost(json_string_value(json_array_get(changes, i)), &cost, &weak) < 0)
			return NONE;
		sum += cost;
	}
	return sum;
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
	no = fix_cost(ov->changes);
	nn = fix_cost(nv->changes);
	if (no == NONE || nn == NONE) {
		/* a change the table lacks: rank by how many changes */
		no = json_array_size(ov->changes);
		nn = json_array_size(nv->changes);
	}
	if (nn != no)
		rc = add(c, nn > no ? CP_CHANGE_REGRESSION : CP_CHANGE_IMPROVEMENT, "fix", NULL,
			 NULL, "the fix now weakens the profile %s: %s instead of %s",
			 nn > no ? "more" : "less", now, was);
	else if (!same_set(ov->changes, nv->changes))
		rc = add(c, CP_CHANGE_CHANGE, "fix", NULL, NULL, "the fix is now %s (was %s)", now,
			 was);
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
	const struct cp_result *o = c->o->r;

	/* an error record has no verdict: a failed scan is rule_status's */
	if (!o->ok && nv->present && nv->compatible)
		return add(c, CP_CHANGE_IMPROVEMENT, "compatible", NULL, NULL,
			   "compatible with the profile again (the scan failed before)");
	if (!ov->present || !nv->present)
		return 0;
	if (ov->compatible && !nv->compatible)
		return add(c, CP_CHANGE_REGRESSION, "compatible", NULL, NULL,
			   "no longer compatible with the profile%s%s", nv->reason ? ": " : "",
			   nv->reason ? nv->reason : "");
	if (!ov->compatible && nv->compatible)
		return add(c, CP_CHANGE_IMPROVEMENT, "compatible", NULL, NULL,
			   "now compatible with the profile");
	if (ov->compatible)
		return 0;
	if (rule_fix(c))
		return -1;
	if (ov->nd_known && nv->nd_known && ov->no_decrypt != nv->no_decrypt)
		return add(
			c, nv->no_decrypt ? CP_CHANGE_REGRESSION : CP_CHANGE_IMPROVEMENT,
			"no_decrypt", NULL, NULL, "%s",
			nv->no_decrypt
				? "now better left undecrypted (a no-decrypt exception is advised)"
				: "no longer needs a no-decrypt exception");
	return 0;
}

/* Certificate causes of the new verdict (what the profile blocks) that
 * the old verdict did not have. */
static int rule_cert_blocked(struct ctx *c)
{
	const json_t *oc = c->o->v.certs, *nc = c->n->v.certs;

	if (!c->o->v.present || !c->n->v.present)
		return 0;
	for (size_t i = 0; i < json_array_size(nc); i++) {
		const char *x = json_string_value(json_array_get(nc, i));
		bool seen = false;
		for (size_t k = 0; k < json_array_size(oc) && !seen; k++)
			seen = !strcmp(x, json_string_value(json_array_get(oc, k)));
		if (!seen && add(c, CP_CHANGE_REGRESSION, "certificate_blocked", NULL, NULL,
				 "its certificate is now blocked: %s", x))
			return -1;
	}
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" (cert.c's notAfter) as seconds; -1 if not that. */
static long long iso_time(const char *t)
{
	struct tm tm = { 0 };
	char z = 0;

	if (!t ||
	    sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 ||
	    z != 'Z')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

/* A certificate still valid that expires inside the warning window. */
static int rule_expiry(struct ctx *c)
{
	const struct cp_cert_facts *n = &c->n->r->cert;
	long long end, left;

	if (c->expiry_days < 0 || !c->n->r->ok || !n->present)
		return 0;
	end = iso_time(n->not_after);
	if (end < 0 || end < c->now || end - c->now >= (long long)c->expiry_days * 86400)
		return 0;
	left = (end - c->now + 86399) / 86400; /* 4.9 days left: "in 5 days" */
	return add(c, CP_CHANGE_REGRESSION, "expiry", NULL, NULL,
		   "its certificate expires in %lld day%s (notAfter %s; --expiry-warn %d)", left,
		   left == 1 ? "" : "s", n->not_after, c->expiry_days);
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
		if (is_weak(st) &&
		    add(c, CP_CHANGE_CHANGE, "cipher", v, name, "%s is now accepted at %s (%s)",
			name, v, cp_strength_name(st)))
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
		if (add(c,
			is_weak(suite_strength(p, id)) ? CP_CHANGE_IMPROVEMENT : CP_CHANGE_CHANGE,
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
			if (add(c, CP_CHANGE_CHANGE, "cipher", v, name,
				"%s is now accepted at %s (%s)", name, v, cp_strength_name(st)))
				return -1;
		} else if (add(c, CP_CHANGE_INFO, "cipher", v, name, "%s is now accepted at %s",
			       name, v)) {
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
			   pn->server_preference == CP_YES
				   ? "the server now chooses the suite at"
				   : "the server now follows the client's order at",
			   v);
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
			if (add(c, CP_CHANGE_INFO, "probed", v, NULL,
				"%s was probed only in the %s scan", v, po->probed ? "old" : "new"))
				return -1;
			continue;
		}
		if (!po->probed)
			continue;
		if (po->supported && !pn->supported) {
			if (add(c, weak_version(p) ? CP_CHANGE_IMPROVEMENT : CP_CHANGE_CHANGE,
				"protocol", v, NULL, "%s is no longer supported", v))
				return -1;
		} else if (!po->supported && pn->supported) {
			if (add(c, weak_version(p) ? CP_CHANGE_CHANGE : CP_CHANGE_IMPROVEMENT,
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
			if (add(c, CP_CHANGE_INFO, "group", NULL, name, "group %s is %s accepted",
				name, pass ? "now" : "no longer"))
				return -1;
		}
	}
	return 0;
}

static int compare(struct ctx *c)
{
	if (rule_address(c) || rule_status(c) || rule_verdict(c) || rule_cert_blocked(c) ||
	    rule_expiry(c))
		return -1;
	/* an error record knows nothing of suites: comparing would report
	 * everything as gone and bury the one change that matters */
	if (!c->o->r->ok || !c->n->r->ok)
		return 0;
	return rule_cert(c) || rule_protocols(c) || rule_groups(c) ? -1 : 0;
}

/* How bad a change is for its site's headline: lower is worse. */
static int severity(const struct cp_change *ch)
{
	if (ch->kind == CP_CHANGE_REGRESSION)
		return 0;
	if (!strcmp(ch->what, "unreachable") && ch->kind != CP_CHANGE_IMPROVEMENT)
		return 1;
	if (!strcmp(ch->what, "compatible") || !strcmp(ch->what, "fix") ||
	    !strcmp(ch->what, "fix_weak") || !strcmp(ch->what, "no_decrypt") ||
	    !strcmp(ch->what, "unreachable"))
		return 2;
	switch (ch->kind) {
	case CP_CHANGE_CHANGE: return 3;
	case CP_CHANGE_IMPROVEMENT: return 4;
	default: return 5;
	}
}

/* The changes [first, nchanges) of one compared pair as a site. */
static int add_site(struct cp_diff *d, const struct rec *n, size_t first)
{
	struct cp_diff_site st = { 0 };
	const json_t *cmds = n->v.commands;

	if (first == d->nchanges)
		return 0;
	st.first = st.headline = first;
	st.count = d->nchanges - first;
	for (size_t i = first + 1; i < d->nchanges; i++)
		if (severity(&d->changes[i]) < severity(&d->changes[st.headline]))
			st.headline = i;
	st.kind = d->changes[st.headline].kind;
	st.show_address = d->changes[first].show_address;
	st.unreachable = !n->r->ok;
	st.failed_runs = n->runs;
	if (CP_GROW(d->sites, d->cap_sites, d->nsites + 1) < 0)
		return -1;
	st.target = strdup(n->r->input);
	st.address = cp_strdup0(n->r->address);
	if (n->v.fix && cmds && json_array_size(cmds)) {
		st.commands = calloc(json_array_size(cmds), sizeof *st.commands);
		for (size_t i = 0; st.commands && i < json_array_size(cmds); i++)
			if ((st.commands[i] = strdup(json_string_value(json_array_get(cmds, i)))))
				st.ncommands++;
		if (!st.commands || st.ncommands != json_array_size(cmds))
			goto fail;
	}
	if (!st.target || (n->r->address && !st.address))
		goto fail;
	d->sites[d->nsites++] = st;
	if (st.unreachable)
		d->unreachable++;
	return 0;
fail:
	for (size_t i = 0; i < st.ncommands; i++)
		free(st.commands[i]);
	free(st.commands);
	free(st.target);
	free(st.address);
	return -1;
}

static const struct cp_diff *sort_d; /* qsort has no context argument */

static int site_cmp(const void *pa, const void *pb)
{
	const struct cp_diff_site *a = pa, *b = pb;
	int sa = severity(&sort_d->changes[a->headline]),
	    sb = severity(&sort_d->changes[b->headline]);

	if (sa != sb)
		return sa - sb;
	return (a->first > b->first) - (a->first < b->first);
}

/* The comparison of two loaded sides (their peer fields are reset and
 * set here; the records stay theirs). */
static int diff_sides(struct side *o, struct side *n, const struct cp_diff_opts *opts,
		      struct cp_diff *out, char *err, size_t errlen)
{
	int days = opts && opts->expiry_warn_days ? opts->expiry_warn_days : CP_EXPIRY_WARN_DAYS;
	long long now = opts && opts->now ? opts->now : (long long)time(NULL);
	int rc = -1;

	for (size_t i = 0; i < o->n; i++) {
		o->recs[i].peer = NONE;
		o->recs[i].multi = false;
		/* unmatched: its own count stays */
		o->recs[i].next_runs =
			o->recs[i].runs_in > 0
				? (unsigned)(o->recs[i].runs_in > 1000000 ? 1000000
									  : o->recs[i].runs_in)
			: o->recs[i].r->ok ? 0
					   : 1;
	}
	for (size_t i = 0; i < n->n; i++) {
		n->recs[i].peer = NONE;
		n->recs[i].multi = false;
		n->recs[i].runs = n->recs[i].r->ok ? 0 : 1;
	}
	if (match(o, n))
		goto oom;
	for (size_t i = 0; i < o->n; i++) {
		struct ctx c = { .d = out, .o = &o->recs[i], .expiry_days = days, .now = now };
		size_t first = out->nchanges;
		if (o->recs[i].peer == NONE) {
			if (add_target(&out->removed, &out->nremoved, &out->cap_removed,
				       o->recs[i].r))
				goto oom;
			continue;
		}
		c.n = &n->recs[o->recs[i].peer];
		out->compared++;
		if (compare(&c) || add_site(out, c.n, first))
			goto oom;
		o->recs[i].next_runs = c.n->runs;
	}
	sort_d = out;
	if (out->nsites)
		qsort(out->sites, out->nsites, sizeof *out->sites, site_cmp);
	sort_d = NULL;
	for (size_t i = 0; i < n->n; i++)
		if (n->recs[i].peer == NONE &&
		    add_target(&out->added, &out->nadded, &out->cap_added, n->recs[i].r))
			goto oom;
	rc = 0;
	goto out;
oom:
	cp_seterr(err, errlen, "out of memory");
out:
	if (rc)
		cp_diff_free(out);
	return rc;
}

int cp_diff_docs(const json_t *old_doc, const json_t *new_doc, struct cp_diff *out, char *err,
		 size_t errlen)
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
	rc = diff_sides(&o, &n, NULL, out, err, errlen);
out:
	side_free(&o);
	side_free(&n);
	return rc;
}

int cp_diff_sides_opts(struct cp_diff_side *old_side, struct cp_diff_side *new_side,
		       const struct cp_diff_opts *opts, struct cp_diff *out, char *err,
		       size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (err && errlen)
		err[0] = '\0';
	return diff_sides(&old_side->s, &new_side->s, opts, out, err, errlen);
}

int cp_diff_sides(struct cp_diff_side *old_side, struct cp_diff_side *new_side, struct cp_diff *out,
		  char *err, size_t errlen)
{
	return cp_diff_sides_opts(old_side, new_side, NULL, out, err, errlen);
}

int cp_diff_side_stamp(const struct cp_diff_side *s, json_t *doc, bool next)
{
	json_t *targets = json_object_get(doc, "targets");

	for (size_t i = 0; i < s->s.n; i++) {
		const struct rec *r = &s->s.recs[i];
		json_t *t = json_array_get(targets, r->pos);
		unsigned runs = next ? r->next_runs : r->runs;

		if (!json_is_object(t))
			continue;
		if (!runs) {
			json_object_del(t, "failed_runs");
			continue;
		}
		if (json_object_set_new(t, "failed_runs", json_integer((json_int_t)runs)))
			return -1;
	}
	return 0;
}

size_t cp_diff_side_count(const struct cp_diff_side *s, size_t *ok)
{
	size_t k = 0;

	for (size_t i = 0; i < s->s.n; i++)
		k += s->s.recs[i].r->ok;
	if (ok)
		*ok = k;
	return s->s.n;
}

struct cp_diff_side *cp_diff_side_of(const json_t *doc, char *err, size_t errlen)
{
	struct cp_diff_side *d = calloc(1, sizeof *d);

	if (err && errlen)
		err[0] = '\0';
	if (!d) {
		cp_seterr(err, errlen, "out of memory");
		return NULL;
	}
	if (load_side(doc, &d->s, err, errlen)) {
		free(d);
		return NULL;
	}
	return d;
}

void cp_diff_side_free(struct cp_diff_side *d)
{
	if (!d)
		return;
	side_free(&d->s);
	free(d);
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
	for (size_t i = 0; i < d->nsites; i++) {
		for (size_t k = 0; k < d->sites[i].ncommands; k++)
			free(d->sites[i].commands[k]);
		free(d->sites[i].commands);
		free(d->sites[i].target);
		free(d->sites[i].address);
	}
	free(d->sites);
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
	[CP_CHANGE_CHANGE] = "change",
};

/* A site's kind: its headline's, "unreachable" for a failed scan that is
 * not (yet) a regression. */
static const char *site_kind(const struct cp_diff *d, const struct cp_diff_site *st)
{
	const struct cp_change *h = &d->changes[st->headline];

	if (h->kind != CP_CHANGE_REGRESSION && h->kind != CP_CHANGE_IMPROVEMENT &&
	    !strcmp(h->what, "unreachable"))
		return "unreachable";
	return kind_names[h->kind];
}

/* " (+N more changes)" after a headline, or "". */
static void more_text(char *buf, size_t len, const struct cp_diff_site *st)
{
	buf[0] = '\0';
	if (st->count > 1)
		snprintf(buf, len, " (+%zu more change%s)", st->count - 1, plural(st->count - 1));
}

char *cp_diff_headline(const struct cp_diff *d, size_t i)
{
	const struct cp_diff_site *st = &d->sites[i];
	const char *k = site_kind(d, st);
	char more[48];

	more_text(more, sizeof more, st);
	return fmt("%s %s%s%s%s: %s%s", !strcmp(k, "regression") ? "REGRESSION" : k, st->target,
		   st->show_address && st->address ? " [" : "",
		   st->show_address && st->address ? st->address : "",
		   st->show_address && st->address ? "]" : "", d->changes[st->headline].detail,
		   more);
}

static json_t *sites_json(const struct cp_diff *d)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < d->nsites; i++) {
		const struct cp_diff_site *st = &d->sites[i];
		json_t *o = json_object(), *cmds = json_array();
		char *h = cp_diff_headline(d, i);
		bool bad = !o || !cmds || !h;

		for (size_t k = 0; !bad && k < st->ncommands; k++)
			bad = json_array_append_new(cmds, cp_json_str(st->commands[k])) != 0;
		if (bad || json_object_set_new(o, "target", cp_json_str(st->target)) ||
		    json_object_set_new(o, "address", cp_json_str(st->address)) ||
		    json_object_set_new(o, "kind", cp_json_str(site_kind(d, st))) ||
		    json_object_set_new(o, "headline", cp_json_str(h)) ||
		    json_object_set(o, "commands", cmds) ||
		    json_object_set_new(o, "failed_runs",
					json_integer((json_int_t)st->failed_runs)) ||
		    json_array_append(a, o)) {
			json_decref(a);
			a = NULL;
		}
		free(h);
		json_decref(cmds);
		json_decref(o);
	}
	return a;
}


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
	else if (!strcmp(ch->what, "status") || !strcmp(ch->what, "unreachable"))
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
	    json_object_set_new(o, "compared", json_integer((json_int_t)d->compared)) ||
	    json_object_set_new(o, "changed", json_integer((json_int_t)d->changed)) ||
	    json_object_set_new(o, "unreachable", json_integer((json_int_t)d->unreachable)))
		goto fail;
	for (int r = 0; r < 4; r++) {
		static const enum cp_change_kind order[] = {
			CP_CHANGE_REGRESSION,
			CP_CHANGE_CHANGE,
			CP_CHANGE_IMPROVEMENT,
			CP_CHANGE_INFO,
		};
		for (size_t i = 0; i < d->nchanges; i++)
			if (d->changes[i].kind == order[r] &&
			    json_array_append_new(changes, change_json(&d->changes[i])))
				goto fail;
	}
	if (json_object_set_new(o, "changes", changes)) {
		changes = NULL;
		goto fail;
	}
	changes = NULL;
	if (json_object_set_new(o, "added", targets_json(d->added, d->nadded)) ||
	    json_object_set_new(o, "removed", targets_json(d->removed, d->nremoved)) ||
	    json_object_set_new(o, "sites", sites_json(d)))
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

/* "LABEL      " for a site or a change, padded to one width. */
static void print_label(FILE *f, const char *kind, bool color)
{
	static const struct {
		const char *kind, *label, *tint;
	} L[] = {
		{ "regression", "REGRESSION ", RED_BOLD },
		{ "unreachable", "unreachable", YELLOW },
		{ "change", "change     ", "" },
		{ "improvement", "improvement", GREEN },
		{ "info", "info       ", DIM },
	};
	for (size_t i = 0; i < sizeof L / sizeof L[0]; i++)
		if (!strcmp(kind, L[i].kind)) {
			bool tint = color && *L[i].tint;
			fprintf(f, "%s%s%s", tint ? L[i].tint : "", L[i].label, tint ? RESET : "");
			return;
		}
}

int cp_diff_print_v(FILE *f, const struct cp_diff *d, bool color, int verbosity)
{
	size_t shown = 0;

	for (size_t i = 0; i < d->nsites; i++) {
		const struct cp_diff_site *st = &d->sites[i];
		const char *kind = site_kind(d, st);
		char more[48], *detail;

		if (verbosity < 0 && st->kind != CP_CHANGE_REGRESSION && !st->unreachable)
			continue;
		shown++;
		if (verbosity > 0)
			more[0] = '\0';
		else
			more_text(more, sizeof more, st);
		detail = cp_sanitize(d->changes[st->headline].detail);
		if (!detail)
			return -1;
		print_label(f, kind, color);
		fputc(' ', f);
		if (print_target(f, st->target, st->address, st->show_address)) {
			free(detail);
			return -1;
		}
		fprintf(f, ": %s%s\n", detail, more);
		free(detail);
		for (size_t k = 0; k < st->ncommands; k++) {
			if (!strcmp(st->commands[k], "commit"))
				continue; /* the set lines are the fix; commit is implied */
			fputs("  fix: ", f);
			cp_sanitize_fputs(st->commands[k], f);
			fputc('\n', f);
		}
		for (size_t k = 0; verbosity > 0 && k < st->count; k++) {
			const struct cp_change *ch = &d->changes[st->first + k];
			if (st->first + k == st->headline)
				continue; /* it is the headline */
			fputs("    ", f);
			print_label(f, kind_names[ch->kind], color);
			fputc(' ', f);
			cp_sanitize_fputs(ch->detail, f);
			fputc('\n', f);
		}
	}
	if (verbosity < 0 && !shown)
		return fflush(f) == EOF || ferror(f) ? -1 : 0;
	for (size_t i = 0; verbosity >= 0 && i < d->nadded; i++) {
		fprintf(f, "added       ");
		if (print_target(f, d->added[i].target, d->added[i].address, true))
			return -1;
		fputc('\n', f);
	}
	for (size_t i = 0; verbosity >= 0 && i < d->nremoved; i++) {
		fprintf(f, "%sremoved%s     ", color ? YELLOW : "", color ? RESET : "");
		if (print_target(f, d->removed[i].target, d->removed[i].address, true))
			return -1;
		fprintf(f, " (not in the new scan; not counted as a regression)\n");
	}
	fprintf(f,
		"%s%zu regression%s%s, %zu improvement%s, %zu change%s, %zu info, %zu unreachable; "
		"%zu target%s compared, %zu added, %zu removed\n",
		color && d->regressions ? RED_BOLD : "", d->regressions, plural(d->regressions),
		color && d->regressions ? RESET : "", d->improvements, plural(d->improvements),
		d->changed, plural(d->changed), d->infos, d->unreachable, d->compared,
		plural(d->compared), d->nadded, d->nremoved);
	if (fflush(f) == EOF)
		return -1;
	return ferror(f) ? -1 : 0;
}

int cp_diff_print(FILE *f, const struct cp_diff *d, bool color)
{
	return cp_diff_print_v(f, d, color, 0);
}

/* ---- documents on disk ---------------------------------------------- */

struct reader {
	FILE *f;
	size_t left; /* bytes still allowed */
	bool toobig;
	int rerr; /* errno of a read error */
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
			cp_seterr(err, errlen, "%s:%d:%d: %s", name, jerr.line, jerr.column,
				  jerr.text);
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

/* ---- a side streamed from a file ------------------------------------ */

/* The text of a document and where the reader is in it. */
struct text {
	const char *name; /* the path, or "(stdin)" */
	char *buf;
	size_t len, pos;
};

/*
 * Reads all of f into t->buf, at most max bytes: a regular file larger
 * than that is refused before reading, a pipe or device once it passes
 * it.  0, or an errno (EFBIG, ENOMEM, a read error).
 */
static int slurp(FILE *f, size_t max, struct text *t)
{
	struct stat st;
	size_t cap = 64 * 1024;

	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
		if ((uintmax_t)st.st_size > max)
			return EFBIG;
		cap = (size_t)st.st_size + 1;
	}
	if (cap > max + 1)
		cap = max + 1;
	t->buf = malloc(cap);
	if (!t->buf)
		return ENOMEM;
	for (;;) {
		size_t n;

		if (t->len == cap) {
			size_t ncap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			char *p;

			if (cap == max + 1)
				return EFBIG;
			p = realloc(t->buf, ncap);
			if (!p)
				return ENOMEM;
			t->buf = p;
			cap = ncap;
		}
		errno = 0;
		n = fread(t->buf + t->len, 1, cap - t->len, f);
		t->len += n;
		if (n == 0) {
			if (ferror(f))
				return errno ? errno : EIO;
			break;
		}
	}
	return t->len > max ? EFBIG : 0;
}

static void skip_ws(struct text *t)
{
	while (t->pos < t->len && (t->buf[t->pos] == ' ' || t->buf[t->pos] == '\t' ||
				   t->buf[t->pos] == '\n' || t->buf[t->pos] == '\r'))
		t->pos++;
}

/* "NAME:LINE:COLUMN: msg" for byte at of the text, counted as jansson
 * counts them (lines from 1, UTF-8 characters up to it on its line);
 * rel_line/rel_col, when rel_line is not 0, are jansson's position of an
 * error inside a value that starts at byte at. */
static void syntax_err(const struct text *t, size_t at, int rel_line, int rel_col, const char *msg,
		       char *err, size_t errlen)
{
	size_t line = 1, col = 0;

	for (size_t i = 0; i < at && i < t->len; i++) {
		unsigned char c = (unsigned char)t->buf[i];
		if (c == '\n') {
			line++;
			col = 0;
		} else if ((c & 0xC0) != 0x80) {
			col++;
		}
	}
	if (rel_line > 1) {
		line += (size_t)rel_line - 1;
		col = rel_col > 0 ? (size_t)rel_col : 0;
	} else if (rel_line == 1) {
		col += rel_col > 0 ? (size_t)rel_col : 0;
	} else {
		col++; /* the character at `at` itself, as jansson does */
	}
	cp_seterr(err, errlen, "%s:%zu:%zu: %s", t->name, line, col, msg);
}

/* The JSON value at the reader's position, which moves past it; NULL
 * with a message (and *e set) on a syntax error, no memory, or a value
 * longer than CP_DOC_VALUE_MAX: jansson's tree of a value is up to ~20
 * times its text, so one target is parsed only when it is of sane size.
 * what names the value in that message. */
static json_t *next_value(struct text *t, const char *what, char *err, size_t errlen, int *e)
{
	size_t avail = t->len - t->pos, slice = avail < CP_DOC_VALUE_MAX ? avail : CP_DOC_VALUE_MAX;
	json_error_t jerr;
	json_t *v;

	v = json_loadb(t->buf + t->pos, slice,
		       JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &jerr);
	if (!v) {
		*e = json_error_code(&jerr) == json_error_out_of_memory ? ENOMEM : EINVAL;
		if (slice < avail && json_error_code(&jerr) == json_error_premature_end_of_input) {
			*e = EFBIG;
			cp_seterr(err, errlen,
				  "%s: %s: larger than %zu bytes (the cap on one value)", t->name,
				  what, (size_t)CP_DOC_VALUE_MAX);
			return NULL;
		}
		syntax_err(t, t->pos, jerr.line, jerr.column, jerr.text, err, errlen);
		return NULL;
	}
	/* with JSON_DISABLE_EOF_CHECK, position is the bytes the value took */
	t->pos += (size_t)jerr.position;
	return v;
}

/* Expects ch (after blanks) and steps over it; -1 with a message. */
static int expect(struct text *t, char ch, const char *what, char *err, size_t errlen)
{
	skip_ws(t);
	if (t->pos >= t->len) {
		syntax_err(t, t->pos, 0, 0, "premature end of input", err, errlen);
		return -1;
	}
	if (t->buf[t->pos] != ch) {
		syntax_err(t, t->pos, 0, 0, what, err, errlen);
		return -1;
	}
	t->pos++;
	return 0;
}

/* The elements of "targets", one at a time, into s. */
static int stream_targets(struct text *t, struct side *s, char *err, size_t errlen, int *e)
{
	char sub[448];

	skip_ws(t);
	if (t->pos >= t->len || t->buf[t->pos] != '[') {
		cp_seterr(err, errlen, "%s: targets: expected an array", t->name);
		return -1;
	}
	t->pos++;
	skip_ws(t);
	if (t->pos < t->len && t->buf[t->pos] == ']') {
		t->pos++;
		return 0;
	}
	for (size_t i = 0;; i++) {
		char what[48];
		json_t *v;
		int rc;

		snprintf(what, sizeof what, "targets[%zu]", i);
		v = next_value(t, what, err, errlen, e);
		if (!v)
			return -1;
		rc = side_add(s, v, i, sub, sizeof sub);
		json_decref(v);
		if (rc) {
			*e = strcmp(sub, "out of memory") ? EINVAL : ENOMEM;
			cp_seterr(err, errlen, "%s: %s", t->name, sub);
			return -1;
		}
		skip_ws(t);
		if (t->pos < t->len && t->buf[t->pos] == ']') {
			t->pos++;
			return 0;
		}
		if (expect(t, ',', "',' or ']' expected", err, errlen))
			return -1;
	}
}

/*
 * The top object, walked key by key: "targets" streamed, the other known
 * keys (small) parsed into top, an unknown key refused before its value is
 * read, "schema" checked as soon as it is seen.
 */
static int stream_doc(struct text *t, struct side *s, char *err, size_t errlen, int *e)
{
	json_t *top = json_object(), *key = NULL, *v = NULL;
	bool have_targets = false;
	char sub[448];
	int rc = -1;

	*e = EINVAL;
	if (!top) {
		*e = ENOMEM;
		cp_seterr(err, errlen, "%s: out of memory", t->name);
		goto out;
	}
	skip_ws(t);
	if (t->pos < t->len && t->buf[t->pos] != '{') {
		if (t->buf[t->pos] == '[' || (v = next_value(t, "the top", err, errlen, e)))
			cp_seterr(err, errlen, "%s: expected a JSON object at the top", t->name);
		goto out;
	}
	if (expect(t, '{', "'{' expected", err, errlen))
		goto out;
	skip_ws(t);
	if (t->pos < t->len && t->buf[t->pos] == '}') {
		t->pos++;
	} else {
		for (;;) {
			const char *k;
			size_t at;

			skip_ws(t);
			at = t->pos;
			if (t->pos < t->len && t->buf[t->pos] != '"') {
				syntax_err(t, at, 0, 0, "string or '}' expected", err, errlen);
				goto out;
			}
			if (!(key = next_value(t, "a key", err, errlen, e)))
				goto out;
			k = json_string_value(key);
			if (json_object_get(top, k) || (have_targets && !strcmp(k, "targets"))) {
				syntax_err(t, at, 0, 0, "duplicate object key", err, errlen);
				goto out;
			}
			if (expect(t, ':', "':' expected", err, errlen))
				goto out;
			if (!strcmp(k, "targets")) {
				if (stream_targets(t, s, err, errlen, e))
					goto out;
				have_targets = true;
			} else {
				json_t *one = json_object();
				int unknown;

				if (!one || json_object_set(one, k, json_null())) {
					json_decref(one);
					*e = ENOMEM;
					cp_seterr(err, errlen, "%s: out of memory", t->name);
					goto out;
				}
				unknown = cp_json_check_keys(one, "", top_keys, sub, sizeof sub);
				json_decref(one);
				if (unknown) {
					cp_seterr(err, errlen, "%s: %s", t->name, sub);
					goto out;
				}
				if (!(v = next_value(t, k, err, errlen, e)))
					goto out;
				if (!strcmp(k, "schema") && check_schema(v, sub, sizeof sub)) {
					cp_seterr(err, errlen, "%s: %s", t->name, sub);
					goto out;
				}
				if (json_object_set_new(top, k, v)) {
					v = NULL;
					*e = ENOMEM;
					cp_seterr(err, errlen, "%s: out of memory", t->name);
					goto out;
				}
				v = NULL;
			}
			json_decref(key);
			key = NULL;
			skip_ws(t);
			if (t->pos < t->len && t->buf[t->pos] == '}') {
				t->pos++;
				break;
			}
			if (expect(t, ',', "',' or '}' expected", err, errlen))
				goto out;
		}
	}
	skip_ws(t);
	if (t->pos < t->len) {
		syntax_err(t, t->pos, 0, 0, "end of file expected", err, errlen);
		goto out;
	}
	if (check_schema(json_object_get(top, "schema"), sub, sizeof sub) ||
	    check_rest(top, sub, sizeof sub)) {
		cp_seterr(err, errlen, "%s: %s", t->name, sub);
		goto out;
	}
	if (!have_targets) {
		cp_seterr(err, errlen, "%s: targets: missing", t->name);
		goto out;
	}
	rc = 0;
out:
	json_decref(v);
	json_decref(key);
	json_decref(top);
	return rc;
}

struct cp_diff_side *cp_diff_side_load(const char *path, size_t max_bytes, char *err, size_t errlen)
{
	struct text t = { .name = strcmp(path, "-") ? path : "(stdin)" };
	bool is_stdin = !strcmp(path, "-");
	struct cp_diff_side *d = NULL, *ret = NULL;
	FILE *f = NULL;
	int e = EINVAL;

	if (err && errlen)
		err[0] = '\0';
	f = is_stdin ? stdin : fopen(path, "r");
	if (!f) {
		e = errno;
		cp_seterr(err, errlen, "%s: %s", t.name, strerror(e));
		goto out;
	}
	e = slurp(f, max_bytes, &t);
	if (e == EFBIG) {
		cp_seterr(err, errlen, "%s: larger than %zu bytes", t.name, max_bytes);
		goto out;
	}
	if (e) {
		cp_seterr(err, errlen, "%s: %s", t.name, strerror(e));
		goto out;
	}
	d = calloc(1, sizeof *d);
	if (!d) {
		e = ENOMEM;
		cp_seterr(err, errlen, "%s: out of memory", t.name);
		goto out;
	}
	if (t.len == 0) {
		e = EINVAL;
		cp_seterr(err, errlen, "%s:1:0: '[' or '{' expected near end of file", t.name);
		goto out;
	}
	if (stream_doc(&t, &d->s, err, errlen, &e))
		goto out;
	ret = d;
	d = NULL;
out:
	if (f && !is_stdin)
		fclose(f);
	free(t.buf);
	cp_diff_side_free(d);
	if (!ret)
		errno = e;
	return ret;
}

json_t *cp_doc_from_results(const struct cp_result *const *results, size_t n,
			    const struct cp_summary *s, const char *tool_version)
{
	json_t *doc = json_object(), *tool = json_object(), *targets = json_array();

	if (!doc || !tool || !targets ||
	    json_object_set_new(tool, "name", cp_json_str(PACKAGE_NAME)) ||
	    json_object_set_new(tool, "version",
				cp_json_str(tool_version ? tool_version : PACKAGE_VERSION)))
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
