/* SPDX-License-Identifier: MIT */
/*
 * cipherprobe report: render a saved scan (a schema-1 JSON document, as
 * `scan --json` writes it) as the HTML report of scan --html, e.g. from
 * cron after the scan.  Targets are read back through the JSON loader
 * (cp_result_from_json); verdicts and the fleet summary are shown as the
 * document holds them, never recomputed; --profile only decides how the
 * accepted matrix marks each suite.  A target element the loader refuses
 * becomes an error row naming it, and the other targets are still shown.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "output/diff.h"
#include "output/file.h"
#include "output/html.h"
#include "output/output.h"
#include "output/sanitize.h"
#include "policy/profile.h"
#include "result.h"

/* the help text at column 0, as the terminal shows it */
/* clang-format off */
static const char report_usage[] =
"usage: cipherprobe report --html FILE [OPTIONS] RESULTS.json\n"
"\n"
"Render a scan saved with 'cipherprobe scan --json' (RESULTS.json, '-' for\n"
"stdin) as the self-contained HTML report that 'scan --html' writes.\n"
"Verdicts and the fleet summary are shown as saved.\n"
"\n"
"      --html FILE          write the report to FILE (atomically; '-' = stdout)\n"
"      --profile SPEC       the profile the accepted matrix marks suites against\n"
"                           (as for scan; default panos-recommended)\n"
"      --profile-name NAME  the profile to use in a file that holds several\n"
"\n"
"Exit status: 0 written; 64 usage error; 65 unusable document, profile or\n"
"target (the other targets are still written); 66 a file is missing;\n"
"73 the report cannot be written.\n";
/* clang-format on */

enum { OPT_HTML = 256, OPT_PROFILE, OPT_PROFILE_NAME };

static const struct option report_opts[] = {
	{ "html", required_argument, NULL, OPT_HTML },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "profile-name", required_argument, NULL, OPT_PROFILE_NAME },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The strings of a JSON array, borrowed from it, in a new array (*n 0 and
 * NULL for a missing or empty one).  -1 when memory runs out. */
static int strv_of(const json_t *a, const char ***out, size_t *n)
{
	size_t i, k = 0;
	json_t *e;

	*out = NULL;
	*n = 0;
	if (!json_is_array(a) || !json_array_size(a))
		return 0;
	*out = calloc(json_array_size(a), sizeof **out);
	if (!*out)
		return -1;
	json_array_foreach(a, i, e) if (json_is_string(e))(*out)[k++] = json_string_value(e);
	*n = k;
	return 0;
}

/* One target's "verdict" object as the report shows it; false when it is
 * null or missing.  The arrays are to be freed by the caller. */
static bool verdict_of(const json_t *v, struct cp_html_verdict *hv, const char ***changes,
		       const char ***commands, int *nomem)
{
	const json_t *fix;
	size_t n;

	memset(hv, 0, sizeof *hv);
	*changes = *commands = NULL;
	if (!json_is_object(v))
		return false;
	hv->compatible = json_is_true(json_object_get(v, "compatible"));
	hv->reason = json_string_value(json_object_get(v, "reason"));
	hv->no_decrypt = json_is_true(json_object_get(v, "no_decrypt"));
	fix = json_object_get(v, "fix");
	if (json_is_object(fix)) {
		hv->weak = json_is_true(json_object_get(fix, "weak"));
		if (strv_of(json_object_get(fix, "changes"), changes, &n) < 0)
			*nomem = 1;
		hv->changes = *changes;
		hv->nchanges = n;
		if (strv_of(json_object_get(fix, "commands"), commands, &n) < 0)
			*nomem = 1;
		hv->commands = *commands;
		hv->ncommands = n;
	}
	return true;
}

static size_t count_of(const json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));
	return v > 0 ? (size_t)v : 0;
}

/* The summary the document holds (its strings borrowed from doc). */
struct saved_summary {
	struct cp_summary s;
	struct cp_recommendation rec;
	const char **changes, **no_decrypt, **commands;
	size_t *change_fixes;
};

static int summary_of(const json_t *doc, struct saved_summary *ss)
{
	const json_t *s = json_object_get(doc, "summary"), *rec, *icpt, *cf;

	memset(ss, 0, sizeof *ss);
	if (!json_is_object(s))
		return 1; /* none: the report counts for itself */
	ss->s.targets = count_of(s, "targets");
	ss->s.ok = count_of(s, "ok");
	ss->s.errors = count_of(s, "errors");
	ss->s.compatible = count_of(s, "compatible");
	ss->s.incompatible = count_of(s, "incompatible");
	icpt = json_object_get(s, "interception");
	if (json_is_object(icpt) && json_is_string(json_object_get(icpt, "issuer"))) {
		ss->s.interception_issuer = json_string_value(json_object_get(icpt, "issuer"));
		ss->s.interception_targets = count_of(icpt, "targets");
	}
	rec = json_object_get(s, "recommendation");
	if (!json_is_object(rec))
		return 0;
	if (strv_of(json_object_get(rec, "changes"), &ss->changes, &ss->rec.nchanges) < 0 ||
	    strv_of(json_object_get(rec, "no_decrypt"), &ss->no_decrypt, &ss->rec.nno_decrypt) <
		    0 ||
	    strv_of(json_object_get(rec, "commands"), &ss->commands, &ss->rec.ncommands) < 0)
		return -1;
	ss->rec.changes = ss->changes;
	ss->rec.no_decrypt = ss->no_decrypt;
	ss->rec.commands = ss->commands;
	ss->rec.fixes = count_of(rec, "fixes");
	cf = json_object_get(rec, "change_fixes");
	if (json_is_object(cf) && ss->rec.nchanges) {
		ss->change_fixes = calloc(ss->rec.nchanges, sizeof *ss->change_fixes);
		if (!ss->change_fixes)
			return -1;
		for (size_t i = 0; i < ss->rec.nchanges; i++)
			ss->change_fixes[i] = count_of(cf, ss->changes[i]);
		ss->rec.change_fixes = ss->change_fixes;
	}
	ss->s.recommendation = &ss->rec;
	return 0;
}

static void summary_free(struct saved_summary *ss)
{
	free(ss->changes);
	free(ss->no_decrypt);
	free(ss->commands);
	free(ss->change_fixes);
}

/* Adds target i of path to h: the record the loader makes of it, or an
 * error row naming why it could not.  1 when the element was unusable,
 * 0 when added as read, -1 when memory runs out. */
static int add_target(struct cp_html *h, const char *path, size_t i, const json_t *el)
{
	char err[512];
	struct cp_result *r = cp_result_from_json(el, err, sizeof err);
	struct cp_html_verdict hv;
	const char **changes = NULL, **commands = NULL;
	int nomem = 0, rc = 0;
	bool has_v;

	if (!r) {
		const char *input = json_string_value(json_object_get(el, "input"));
		char name[32];

		snprintf(name, sizeof name, "targets[%zu]", i);
		cp_eprintf("cipherprobe report: %s: targets[%zu]: %s\n", path, i, err);
		r = cp_result_new(input ? input : name);
		if (!r ||
		    cp_result_fail(r, CP_ERR_INPUT, "%s: targets[%zu]: %s", path, i, err) < 0) {
			cp_result_free(r);
			return -1;
		}
		r->index = i;
		rc = cp_html_add(h, r, NULL) < 0 ? -1 : 1;
		cp_result_free(r);
		return rc;
	}
	r->index = i;
	has_v = verdict_of(json_object_get(el, "verdict"), &hv, &changes, &commands, &nomem);
	if (nomem || cp_html_add(h, r, has_v ? &hv : NULL) < 0)
		rc = -1;
	free(changes);
	free(commands);
	cp_result_free(r);
	return rc;
}

/*
 * The document as a JSON tree, at most CP_DOC_MAX bytes.  Unlike
 * cp_doc_load, a target the loader would refuse does not refuse the
 * document: add_target shows it as an error row.  NULL with *rc set
 * after a message.
 */
static json_t *load_doc(const char *path, int *rc)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	json_error_t jerr;
	struct stat st;
	json_t *doc;

	if (!f) {
		cp_eprintf("cipherprobe report: %s: %s\n", path, strerror(errno));
		*rc = errno == ENOENT ? CP_EXIT_NOINPUT : CP_EXIT_DATAERR;
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (uintmax_t)st.st_size > CP_DOC_MAX) {
		cp_eprintf("cipherprobe report: %s: larger than %zu bytes\n", path, CP_DOC_MAX);
		if (!is_stdin)
			fclose(f);
		*rc = CP_EXIT_DATAERR;
		return NULL;
	}
	doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	if (!is_stdin)
		fclose(f);
	if (!doc) {
		cp_eprintf("cipherprobe report: %s:%d:%d: %s\n", is_stdin ? "(stdin)" : path,
			   jerr.line, jerr.column, jerr.text);
		*rc = json_error_code(&jerr) == json_error_out_of_memory ? CP_EXIT_OSERR
									 : CP_EXIT_DATAERR;
	}
	return doc;
}

int cmd_report(int argc, char **argv)
{
	const char *html = NULL, *profile_spec = NULL, *profile_name = NULL, *path;
	struct cp_profile profile;
	struct saved_summary ss = { 0 };
	struct cp_html *h = NULL;
	struct cp_atomic at = { 0 };
	json_t *doc = NULL, *targets;
	FILE *f = NULL;
	char err[512];
	int opt, rc = CP_EXIT_USAGE, st;
	size_t bad = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", report_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_HTML: html = optarg; break;
		case OPT_PROFILE: profile_spec = optarg; break;
		case OPT_PROFILE_NAME: profile_name = optarg; break;
		case 'h': fputs(report_usage, stdout); return CP_EXIT_OK;
		default: cp_eprintf("see 'cipherprobe report --help'\n"); return CP_EXIT_USAGE;
		}
	}
	if (!html || optind != argc - 1) {
		cp_eprintf(
			"cipherprobe report: give --html FILE and one RESULTS.json; see 'cipherprobe report --help'\n");
		return CP_EXIT_USAGE;
	}
	path = argv[optind];
	if (!profile_spec)
		profile_spec = "panos-recommended";
	if (cp_profile_load(profile_spec, profile_name, &profile, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe report: %s\n", err);
		return cp_profile_builtin(profile_spec, &profile) < 0 &&
				       access(profile_spec, F_OK) < 0
			       ? CP_EXIT_NOINPUT
			       : CP_EXIT_DATAERR;
	}
	doc = load_doc(path, &rc);
	if (!doc)
		return rc;
	targets = json_object_get(doc, "targets");
	if (json_integer_value(json_object_get(doc, "schema")) != 1 || !json_is_array(targets)) {
		cp_eprintf(
			"cipherprobe report: %s: not a cipherprobe scan (schema 1 with a \"targets\" array)\n",
			path);
		rc = CP_EXIT_DATAERR;
		goto out;
	}
	h = cp_html_new(&profile, strcmp(path, "-") ? path : "(stdin)");
	st = h ? summary_of(doc, &ss) : -1;
	if (st < 0)
		goto nomem;
	for (size_t i = 0; i < json_array_size(targets); i++) {
		int a = add_target(h, path, i, json_array_get(targets, i));
		if (a < 0)
			goto nomem;
		bad += (size_t)a;
	}
	cp_atomic_cleanup_on_signals();
	f = cp_atomic_open(html, &at, err, sizeof err);
	if (!f) {
		cp_eprintf("cipherprobe report: --html: cannot write %s: %s\n", html, err);
		rc = CP_EXIT_CANTCREAT;
		goto out;
	}
	errno = 0;
	if (cp_html_write(h, f, st == 0 ? &ss.s : NULL) < 0) {
		cp_eprintf("cipherprobe report: --html: cannot write %s: %s\n", html,
			   strerror(errno ? errno : EIO));
		cp_atomic_abort(&at);
		rc = CP_EXIT_CANTCREAT;
		goto out;
	}
	if (cp_atomic_commit(&at) < 0) {
		cp_eprintf("cipherprobe report: --html: %s\n", at.err);
		rc = CP_EXIT_CANTCREAT;
		goto out;
	}
	rc = bad ? CP_EXIT_DATAERR : CP_EXIT_OK;
	goto out;
nomem:
	cp_eprintf("cipherprobe report: out of memory\n");
	rc = CP_EXIT_OSERR;
out:
	cp_html_free(h);
	summary_free(&ss);
	json_decref(doc);
	return rc;
}
