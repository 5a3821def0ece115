/* SPDX-License-Identifier: MIT */
/*
 * Verdict and fleet renderers (output/verdict.h).  The JSON shapes are
 * the contract users' scripts rely on (DESIGN.md): keep field names and
 * types as they are, add only.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "output/output.h"
#include "output/sanitize.h"
#include "output/verdict.h"

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
	if (!o || put(o, "version", cp_json_str(cp_version_name(cp_version_bit_of(v->neg_version)))) ||
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
	if (put(o, "no_decrypt", json_boolean(v->no_decrypt)) ||
	    put(o, "causes", causes_json(v)) ||
	    put(o, "assumes", str_or_null(v->assumes)) ||
	    put(o, "xml", str_or_null(v->xml)) ||
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
	for (size_t i = 0; i < n; i++)
	{
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
	fprintf(f, "VERDICT: %s%s%s \xe2\x80\x94 ", on, v->compatible ? "compatible" : "incompatible",
		off);
	cp_sanitize_fputs(v->reason, f);
	fputc('\n', f);
	for (size_t i = 0; i < v->ncauses; i++)
		fprintf(f, "%s%s blocked by %s%s", i ? "; " : "causes: ", cp_axis_name(v->causes[i].axis),
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
	if (v->verified >= 0)
	{
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
		for (size_t i = 0; i < fl->nchanges; i++)
		{
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
