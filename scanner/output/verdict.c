/* SPDX-License-Identifier: MIT */
/*
 * Verdict and fleet renderers (output/verdict.h).  The JSON shapes are
 * the contract users' scripts rely on (DESIGN.md): keep field names and
 * types as they are, add only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "output/sanitize.h"
#include "output/verdict.h"
#include "registry.h"
#include "util.h"

#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define RESET "\033[0m"

/* Sets key to val (taking val over); -1 when val is NULL or the set fails. */
static int put(json_t *o, const char *key, json_t *val)
{
	if (!val)
		return -1;
	return json_object_set_new(o, key, val);
}

static json_t *str_or_null(const char *s)
{
	return cp_json_str(s);
}

/* "TLSv1.2" and the IANA name (or "0xC0FF" for a code point the registry lacks). */
static json_t *negotiated_json(const struct cp_verdict *v)
{
	const struct cp_suite *s;
	char ib[7];
	json_t *o;

	if (!v->negotiated)
		return json_null();
	s = cp_suite_by_id(v->neg_suite);
	o = json_object();
	if (!o ||
	    put(o, "version", cp_json_str(cp_version_name(cp_version_bit_of(v->neg_version)))) ||
	    put(o, "cipher", cp_json_str(s ? s->name : cp_suite_id_str(v->neg_suite, ib)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *fix_json(const struct cp_fix *fx, char *const *cmds, size_t ncmds, bool with_cmds)
{
	json_t *o = json_object();

	if (!o || put(o, "changes", cp_json_strv((const char *const *)fx->changes, fx->nchanges)) ||
	    put(o, "weak", json_boolean(fx->weak)) ||
	    (with_cmds && put(o, "commands", cp_json_strv((const char *const *)cmds, ncmds)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *causes_json(const struct cp_verdict *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < v->ncauses; i++) {
		json_t *c = json_object();

		if (!c || put(c, "axis", cp_json_str(cp_axis_name(v->causes[i].axis))) ||
		    put(c, "blocked_by", cp_json_str(cp_party_name(v->causes[i].blocked_by))) ||
		    put(c, "detail", cp_json_str(v->causes[i].detail ? v->causes[i].detail : "")) ||
		    json_array_append_new(a, c)) {
			json_decref(c);
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *cp_verdict_to_json(const struct cp_verdict *v)
{
	json_t *o, *alts;

	if (!v)
		return json_null();
	o = json_object();
	alts = json_array();
	if (!o || !alts)
		goto fail;
	for (size_t i = 0; i < v->nalternatives; i++)
		if (json_array_append_new(alts, fix_json(&v->alternatives[i], NULL, 0, false)))
			goto fail;
	if (put(o, "compatible", json_boolean(v->compatible)) ||
	    put(o, "negotiated", negotiated_json(v)) ||
	    put(o, "reason", cp_json_str(v->reason ? v->reason : "")) ||
	    put(o, "fix", v->fix ? fix_json(v->fix, v->commands, v->ncommands, true) : json_null()))
		goto fail;
	if (json_object_set_new(o, "alternatives", alts)) {
		alts = NULL;
		goto fail;
	}
	alts = NULL;
	if (put(o, "no_decrypt", json_boolean(v->no_decrypt)) || put(o, "causes", causes_json(v)) ||
	    put(o, "assumes", str_or_null(v->assumes)) || put(o, "xml", str_or_null(v->xml)) ||
	    put(o, "scm_patch", str_or_null(v->scm_patch)) ||
	    put(o, "verified", v->verified < 0 ? json_null() : json_boolean(v->verified > 0)) ||
	    put(o, "verify_message", str_or_null(v->verify_msg)))
		goto fail;
	return o;
fail:
	json_decref(alts);
	json_decref(o);
	return NULL;
}

json_t *cp_fleet_to_json(const struct cp_fleet *f)
{
	json_t *o, *cf;

	if (!f)
		return json_null();
	o = json_object();
	cf = json_object();
	if (!o || !cf)
		goto fail;
	for (size_t i = 0; i < f->nchanges; i++)
		if (put(cf, f->changes[i], json_integer((json_int_t)f->change_fixes[i])))
			goto fail;
	if (put(o, "changes", cp_json_strv((const char *const *)f->changes, f->nchanges)) ||
	    put(o, "fixes", json_integer((json_int_t)f->fixes)) ||
	    put(o, "no_decrypt", cp_json_strv((const char *const *)f->no_decrypt, f->nno_decrypt)))
		goto fail;
	if (json_object_set_new(o, "change_fixes", cf)) {
		cf = NULL;
		goto fail;
	}
	cf = NULL;
	if (put(o, "commands", cp_json_strv((const char *const *)f->commands, f->ncommands)))
		goto fail;
	return o;
fail:
	json_decref(cf);
	json_decref(o);
	return NULL;
}

static void list_changes(FILE *f, char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		cp_sanitize_fputs(v[i], f);
	}
}

int cp_verdict_print(FILE *f, const struct cp_verdict *v, bool color, bool scm)
{
	bool placeholder = false;

	const char *on = "", *off = color ? RESET : "";

	if (!v)
		return 0;
	if (color)
		on = v->compatible ? GREEN : RED;
	fprintf(f, "VERDICT: %s%s%s \xe2\x80\x94 ", on,
		v->compatible ? "compatible" : "incompatible", off);
	cp_sanitize_fputs(v->reason, f);
	fputc('\n', f);
	for (size_t i = 0; i < v->ncauses; i++)
		fprintf(f, "%s%s blocked by %s%s",
			i ? "; " : "causes: ", cp_axis_name(v->causes[i].axis),
			cp_party_name(v->causes[i].blocked_by), i + 1 == v->ncauses ? "\n" : "");
	if (v->assumes) {
		fputs("assumes: ", f);
		cp_sanitize_fputs(v->assumes, f);
		fputc('\n', f);
	}
	if (v->fix) {
		fprintf(f, "fix: ");
		list_changes(f, v->fix->changes, v->fix->nchanges);
		if (v->fix->weak)
			fprintf(f, " %s(weak)%s", color ? YELLOW : "", off);
		fputc('\n', f);
		if (scm && v->scm_patch) {
			fputs("  scm patch: ", f);
			cp_sanitize_fputs(v->scm_patch, f);
			fputc('\n', f);
		}
		for (size_t i = 0; !scm && i < v->ncommands; i++) {
			fputs("  ", f);
			cp_sanitize_fputs(v->commands[i], f);
			fputc('\n', f);
			placeholder = placeholder || strstr(v->commands[i], "<PROFILE>");
		}
		if (placeholder)
			fputs(CP_PROFILE_HINT "\n", f);
	}
	for (size_t i = 0; i < v->nalternatives; i++) {
		fprintf(f, "%s", i ? "; " : "alternatives: ");
		list_changes(f, v->alternatives[i].changes, v->alternatives[i].nchanges);
		if (v->alternatives[i].weak)
			fprintf(f, " (weak)");
		if (i + 1 == v->nalternatives)
			fputc('\n', f);
	}
	if (v->no_decrypt)
		fprintf(f, "no-decrypt: %syes%s, exclude this host from decryption\n",
			color ? YELLOW : "", off);
	if (v->verified >= 0) {
		fprintf(f, "verified: %s%s", v->verified ? "yes" : "no", v->verify_msg ? ", " : "");
		cp_sanitize_fputs(v->verify_msg, f);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

int cp_fleet_print(FILE *f, const struct cp_fleet *fl, bool color)
{
	const char *off = color ? RESET : "";

	if (!fl)
		return 0;
	if (fl->nchanges) {
		fprintf(f, "RECOMMENDATION: %s", color ? GREEN : "");
		list_changes(f, fl->changes, fl->nchanges);
		fprintf(f, "%s fixes %zu target%s\n", off, fl->fixes, fl->fixes == 1 ? "" : "s");
		for (size_t i = 0; i < fl->nchanges; i++) {
			fputs("  ", f);
			cp_sanitize_fputs(fl->changes[i], f);
			fprintf(f, ": %zu fixed with the changes before it\n", fl->change_fixes[i]);
		}
	} else {
		fprintf(f, "RECOMMENDATION: no profile change\n");
	}
	if (fl->nno_decrypt) {
		fprintf(f, "no-decrypt: %s", color ? YELLOW : "");
		list_changes(f, fl->no_decrypt, fl->nno_decrypt);
		fprintf(f, "%s\n", off);
	}
	for (size_t i = 0; i < fl->ncommands; i++) {
		fputs("  ", f);
		cp_sanitize_fputs(fl->commands[i], f);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

/* ---- JSON -> verdict (cipherprobe merge) ------------------------------ */

const char *const cp_verdict_keys[] = {
	"compatible", "negotiated",     "reason",  "fix", "alternatives",
	"no_decrypt", "causes",         "assumes", "xml", "scm_patch",
	"verified",   "verify_message", NULL,
};
const char *const cp_fix_keys[] = { "changes", "weak", "commands", NULL };
static const char *const negotiated_keys[] = { "version", "cipher", NULL };
static const char *const cause_keys[] = { "axis", "blocked_by", "detail", NULL };

#define BAD(...) (cp_seterr(err, errlen, __VA_ARGS__), -1)
#define NOMEM() (cp_seterr(err, errlen, "out of memory"), -1)

/* An optional string member: *out a copy, NULL when missing or null. */
static int opt_str(const json_t *o, const char *path, const char *key, char **out, char *err,
		   size_t errlen)
{
	const json_t *x = json_object_get(o, key);

	*out = NULL;
	if (!x || json_is_null(x))
		return 0;
	if (!json_is_string(x))
		return BAD("%s.%s: expected a string or null", path, key);
	*out = strdup(json_string_value(x));
	return *out ? 0 : NOMEM();
}

static int opt_bool(const json_t *o, const char *path, const char *key, bool *out, char *err,
		    size_t errlen)
{
	const json_t *x = json_object_get(o, key);

	if (!x)
		return 0;
	if (!json_is_boolean(x))
		return BAD("%s.%s: expected a boolean", path, key);
	*out = json_is_true(x);
	return 0;
}

/* An array of strings (missing: empty) as a new char * vector. */
static int strv_from(const json_t *o, const char *path, const char *key, char ***v, size_t *n,
		     char *err, size_t errlen)
{
	const json_t *a = json_object_get(o, key), *e;
	size_t i;

	*v = NULL;
	*n = 0;
	if (!a)
		return 0;
	if (!json_is_array(a))
		return BAD("%s.%s: expected an array", path, key);
	if (!json_array_size(a))
		return 0;
	*v = calloc(json_array_size(a), sizeof **v);
	if (!*v)
		return NOMEM();
	json_array_foreach(a, i, e)
	{
		if (!json_is_string(e))
			return BAD("%s.%s[%zu]: expected a string", path, key, i);
		if (!((*v)[i] = strdup(json_string_value(e))))
			return NOMEM();
		*n = i + 1;
	}
	return 0;
}

static int fix_from(const json_t *o, const char *path, struct cp_fix *fx, char *err, size_t errlen)
{
	if (!json_is_object(o))
		return BAD("%s: expected an object", path);
	if (cp_json_check_keys(o, path, cp_fix_keys, err, errlen))
		return -1;
	if (!json_object_get(o, "changes"))
		return BAD("%s.changes: missing", path);
	if (strv_from(o, path, "changes", &fx->changes, &fx->nchanges, err, errlen))
		return -1;
	return opt_bool(o, path, "weak", &fx->weak, err, errlen);
}

static int negotiated_from(const json_t *o, struct cp_verdict *v, char *err, size_t errlen)
{
	const json_t *x = json_object_get(o, "negotiated");
	const struct cp_suite *s;
	unsigned bit;

	if (!x || json_is_null(x))
		return 0;
	if (!json_is_object(x))
		return BAD("verdict.negotiated: expected an object or null");
	if (cp_json_check_keys(x, "verdict.negotiated", negotiated_keys, err, errlen))
		return -1;
	bit = cp_version_parse(json_string_value(json_object_get(x, "version"))
				       ? json_string_value(json_object_get(x, "version"))
				       : "");
	if (!bit || !cp_version_name(bit))
		return BAD("verdict.negotiated.version: expected a version name");
	s = cp_suite_by_name(json_string_value(json_object_get(x, "cipher"))
				     ? json_string_value(json_object_get(x, "cipher"))
				     : "");
	if (!s)
		return BAD("verdict.negotiated.cipher: expected a cipher suite name or 0xNNNN");
	v->negotiated = true;
	v->neg_version = cp_version_wire_of(bit);
	v->neg_suite = s->id;
	return 0;
}

static int axis_of(const char *name)
{
	for (int a = 0; name && a < CP_AXIS__COUNT; a++)
		if (!strcmp(cp_axis_name((enum cp_axis)a), name))
			return a;
	return -1;
}

static int party_of(const char *name)
{
	for (int p = 0; name && p < CP_BY__COUNT; p++)
		if (!strcmp(cp_party_name((enum cp_party)p), name))
			return p;
	return -1;
}

static int causes_from(const json_t *o, struct cp_verdict *v, char *err, size_t errlen)
{
	const json_t *a = json_object_get(o, "causes"), *c;
	char path[64];
	size_t i;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return BAD("verdict.causes: expected an array");
	if (json_array_size(a) && !(v->causes = calloc(json_array_size(a), sizeof *v->causes)))
		return NOMEM();
	json_array_foreach(a, i, c)
	{
		int ax, by;

		snprintf(path, sizeof path, "verdict.causes[%zu]", i);
		if (!json_is_object(c))
			return BAD("%s: expected an object", path);
		if (cp_json_check_keys(c, path, cause_keys, err, errlen))
			return -1;
		ax = axis_of(json_string_value(json_object_get(c, "axis")));
		by = party_of(json_string_value(json_object_get(c, "blocked_by")));
		if (ax < 0 || by < 0)
			return BAD("%s.%s: not one the verdicts use", path,
				   ax < 0 ? "axis" : "blocked_by");
		v->causes[i].axis = (enum cp_axis)ax;
		v->causes[i].blocked_by = (enum cp_party)by;
		v->ncauses = i + 1;
		if (opt_str(c, path, "detail", &v->causes[i].detail, err, errlen))
			return -1;
	}
	return 0;
}

/* "fix" (with its commands) and "alternatives". */
static int fixes_from(const json_t *o, struct cp_verdict *v, char *err, size_t errlen)
{
	const json_t *fx = json_object_get(o, "fix"), *a = json_object_get(o, "alternatives"), *e;
	char path[64];
	size_t i;

	if (fx && !json_is_null(fx)) {
		if (!(v->fix = calloc(1, sizeof *v->fix)))
			return NOMEM();
		if (fix_from(fx, "verdict.fix", v->fix, err, errlen) ||
		    strv_from(fx, "verdict.fix", "commands", &v->commands, &v->ncommands, err,
			      errlen))
			return -1;
	}
	if (!a)
		return 0;
	if (!json_is_array(a))
		return BAD("verdict.alternatives: expected an array");
	if (json_array_size(a) &&
	    !(v->alternatives = calloc(json_array_size(a), sizeof *v->alternatives)))
		return NOMEM();
	json_array_foreach(a, i, e)
	{
		snprintf(path, sizeof path, "verdict.alternatives[%zu]", i);
		v->nalternatives = i + 1;
		if (json_is_object(e) && json_object_get(e, "commands"))
			return BAD("%s.commands: unknown key (an alternative has no commands)",
				   path);
		if (fix_from(e, path, &v->alternatives[i], err, errlen))
			return -1;
	}
	return 0;
}

struct cp_verdict *cp_verdict_from_json(const json_t *j, char *err, size_t errlen)
{
	struct cp_verdict *v;
	const json_t *x;

	if (!json_is_object(j)) {
		cp_seterr(err, errlen, "verdict: expected an object");
		return NULL;
	}
	if (cp_json_check_keys(j, "verdict", cp_verdict_keys, err, errlen))
		return NULL;
	x = json_object_get(j, "compatible");
	if (!json_is_boolean(x)) {
		cp_seterr(err, errlen, "verdict.compatible: %s",
			  x ? "expected a boolean" : "missing");
		return NULL;
	}
	v = calloc(1, sizeof *v);
	if (!v) {
		cp_seterr(err, errlen, "out of memory");
		return NULL;
	}
	v->compatible = json_is_true(x);
	v->verified = -1;
	x = json_object_get(j, "verified");
	if (x && !json_is_null(x) && !json_is_boolean(x)) {
		cp_seterr(err, errlen, "verdict.verified: expected a boolean or null");
		goto fail;
	}
	if (json_is_boolean(x))
		v->verified = json_is_true(x) ? 1 : 0;
	if (opt_str(j, "verdict", "reason", &v->reason, err, errlen) ||
	    opt_bool(j, "verdict", "no_decrypt", &v->no_decrypt, err, errlen) ||
	    opt_str(j, "verdict", "assumes", &v->assumes, err, errlen) ||
	    opt_str(j, "verdict", "xml", &v->xml, err, errlen) ||
	    opt_str(j, "verdict", "scm_patch", &v->scm_patch, err, errlen) ||
	    opt_str(j, "verdict", "verify_message", &v->verify_msg, err, errlen) ||
	    negotiated_from(j, v, err, errlen) || causes_from(j, v, err, errlen) ||
	    fixes_from(j, v, err, errlen))
		goto fail;
	return v;
fail:
	cp_verdict_free(v);
	return NULL;
}

/* ---- the fleet summary's inputs and outputs --------------------------- */

void cp_fleet_recommendation(const struct cp_fleet *f, struct cp_recommendation *rec)
{
	memset(rec, 0, sizeof *rec);
	rec->changes = (const char *const *)f->changes;
	rec->nchanges = f->nchanges;
	rec->change_fixes = f->change_fixes;
	rec->fixes = f->fixes;
	rec->no_decrypt = (const char *const *)f->no_decrypt;
	rec->nno_decrypt = f->nno_decrypt;
	rec->commands = (const char *const *)f->commands;
	rec->ncommands = f->ncommands;
}

static int str_cmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int fleet_cmp(const void *pa, const void *pb)
{
	const struct cp_result *a = *(const struct cp_result *const *)pa;
	const struct cp_result *b = *(const struct cp_result *const *)pb;
	int c = str_cmp0(a->input, b->input);

	if (!c)
		c = str_cmp0(a->address, b->address);
	if (!c)
		c = a->line < b->line ? -1 : a->line > b->line;
	return c;
}

void cp_fleet_order(struct cp_result **v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, fleet_cmp);
}
