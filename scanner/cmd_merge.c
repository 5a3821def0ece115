/* SPDX-License-Identifier: MIT */
/*
 * cipherprobe merge: one schema-1 document from several (the shards of a
 * `scan --shard K/N` run on several machines).  Every target is read back
 * with the library's loaders (cp_doc_load, cp_result_from_json,
 * cp_verdict_from_json), the fleet summary is recomputed over all of them
 * with the scan's own code (cp_summary_add, cp_advise_fleet) and the
 * document is written by the JSON writer (cp_output_json), so a merge of
 * shards is the document one run over the whole list would have written,
 * timing aside.  Targets follow the order of the -i lists (by input and
 * line), the rest in file order; a target (input + address) found in two
 * files is kept from the first.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "input/list.h"
#include "input/target.h"
#include "output/diff.h"
#include "output/file.h"
#include "output/output.h"
#include "output/sanitize.h"
#include "output/verdict.h"
#include "policy/advise.h"
#include "policy/profile.h"
#include "result.h"

static const char merge_usage[] =
	"usage: cipherprobe merge [OPTIONS] RESULTS.json...\n"
	"\n"
	"Merge scans saved with 'cipherprobe scan --json' (e.g. the shards of\n"
	"'scan --shard K/N', one per machine) into one schema-1 document: every\n"
	"target once, the fleet summary recomputed over all of them.\n"
	"\n"
	"  -i, --input LIST         order the targets as LIST orders them (the list the\n"
	"                           shards were scanned from; repeatable); targets not in\n"
	"                           it follow in file order, and a list entry in no input\n"
	"                           is reported\n"
	"  -o, --output FILE        write to FILE (atomically; default '-' = stdout)\n"
	"      --json               the output format (the only one; the default)\n"
	"      --profile SPEC       the profile the fleet summary's commands are for\n"
	"                           (as for scan; default panos-recommended)\n"
	"      --profile-name NAME  the profile's name, as given to scan\n"
	"\n"
	"A target (input and address) in two files is kept from the first, with a\n"
	"warning.  Exit status: 0 written; 64 usage error; 65 an input is unusable,\n"
	"or a list entry is in no input (the document is still written with the\n"
	"rest); 66 a file is missing; 71 out of memory; 73 the output cannot be\n"
	"written.\n";

enum { OPT_JSON = 256, OPT_PROFILE, OPT_PROFILE_NAME };

static const struct option merge_opts[] = {
	{ "input", required_argument, NULL, 'i' },
	{ "output", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "profile-name", required_argument, NULL, OPT_PROFILE_NAME },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* One target read from an input. */
struct rec {
	struct cp_result *r;
	size_t file, seq; /* which input, and its place among all */
	size_t pos;       /* its place in the -i lists; SIZE_MAX: none */
	bool dropped;     /* a duplicate of an earlier file's */
};

/* One entry of the -i lists. */
struct entry {
	char *input;
	size_t line, pos;
	const char *list;
	bool found;
};

struct merge {
	struct rec *v;
	size_t n, cap;
	struct entry *e;
	size_t ne, cape;
	char *icpt_issuer; /* summary.interception, combined */
	size_t icpt_targets;
	int status; /* the worst input status so far */
};

static void worse(struct merge *m, int st)
{
	/* 66 (missing) outranks 65 (unusable): both say an input is gone */
	if (st == CP_EXIT_OSERR || (m->status != CP_EXIT_OSERR && st > m->status))
		m->status = st;
}

static int push_rec(struct merge *m, struct cp_result *r, size_t file)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct rec *v = realloc(m->v, cap * sizeof *v);

		if (!v)
			return -1;
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n] = (struct rec){ .r = r, .file = file, .seq = m->n, .pos = SIZE_MAX };
	m->n++;
	return 0;
}

/* Target i of path as a record with its verdict; 0, 1 unusable (said), -1 memory. */
static int load_target(struct merge *m, const char *path, size_t file, size_t i, const json_t *el)
{
	char err[512];
	const json_t *vj = json_object_get(el, "verdict");
	struct cp_result *r = cp_result_from_json(el, err, sizeof err);
	struct cp_verdict *v = NULL;

	if (!r) {
		cp_eprintf("cipherprobe merge: %s: targets[%zu]: %s\n", path, i, err);
		return strcmp(err, "out of memory") ? 1 : -1;
	}
	if (vj && !json_is_null(vj)) {
		v = cp_verdict_from_json(vj, err, sizeof err);
		if (!v) {
			cp_eprintf("cipherprobe merge: %s: targets[%zu].%s\n", path, i, err);
			cp_result_free(r);
			return strcmp(err, "out of memory") ? 1 : -1;
		}
		cp_result_set_verdict(r, v, cp_verdict_free);
	}
	if (push_rec(m, r, file) < 0) {
		cp_result_free(r);
		return -1;
	}
	return 0;
}

/* summary.interception of one input, added to the merge's. */
static int add_interception(struct merge *m, const char *path, const json_t *doc)
{
	const json_t *ic = json_object_get(json_object_get(doc, "summary"), "interception");
	const char *issuer = json_string_value(json_object_get(ic, "issuer"));
	json_int_t n = json_integer_value(json_object_get(ic, "targets"));

	if (!issuer)
		return 0;
	if (!m->icpt_issuer) {
		m->icpt_issuer = strdup(issuer);
		if (!m->icpt_issuer)
			return -1;
	} else if (strcmp(m->icpt_issuer, issuer)) {
		cp_eprintf(
			"cipherprobe merge: %s: warning: interception by another issuer than the "
			"first input's; the summary names the first\n",
			path);
		return 0;
	}
	m->icpt_targets += n > 0 ? (size_t)n : 0;
	return 0;
}

/* One input document; 0, 1 when unusable, -1 when memory ran out (all said). */
static int load_file(struct merge *m, const char *path, size_t file)
{
	char err[1024];
	json_t *doc, *targets;
	int rc = 0;

	errno = 0;
	doc = cp_doc_load(path, err, sizeof err);
	if (!doc) {
		int e = errno;

		cp_eprintf("cipherprobe merge: %s\n", err);
		if (e == ENOMEM)
			return -1;
		worse(m, e == ENOENT ? CP_EXIT_NOINPUT : CP_EXIT_DATAERR);
		return 1;
	}
	targets = json_object_get(doc, "targets");
	for (size_t i = 0; i < json_array_size(targets) && rc >= 0; i++) {
		rc = load_target(m, path, file, i, json_array_get(targets, i));
		if (rc > 0)
			worse(m, CP_EXIT_DATAERR);
	}
	if (rc >= 0 && add_interception(m, path, doc) < 0)
		rc = -1;
	json_decref(doc);
	if (rc < 0)
		cp_eprintf("cipherprobe merge: out of memory\n");
	return rc < 0 ? -1 : 0;
}

static int str_cmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* By target key (input, address), then file, then place. */
static int key_cmp(const void *pa, const void *pb)
{
	const struct rec *a = *(const struct rec *const *)pa, *b = *(const struct rec *const *)pb;
	int c = str_cmp0(a->r->input, b->r->input);

	if (!c)
		c = str_cmp0(a->r->address, b->r->address);
	if (!c)
		c = a->file < b->file ? -1 : a->file > b->file;
	if (!c)
		c = a->seq < b->seq ? -1 : a->seq > b->seq;
	return c;
}

/* Drops a target found again in a later file, naming both files. */
static int drop_duplicates(struct merge *m, char *const *files)
{
	struct rec **s = calloc(m->n ? m->n : 1, sizeof *s);

	if (!s)
		return -1;
	for (size_t i = 0; i < m->n; i++)
		s[i] = &m->v[i];
	qsort(s, m->n, sizeof *s, key_cmp);
	for (size_t i = 1, first = 0; i < m->n; i++) {
		if (str_cmp0(s[i]->r->input, s[first]->r->input) ||
		    str_cmp0(s[i]->r->address, s[first]->r->address)) {
			first = i;
			continue;
		}
		if (s[i]->file == s[first]->file)
			continue; /* the same list line twice: one run has both too */
		char *in = cp_sanitize(s[i]->r->input);

		s[i]->dropped = true;
		cp_eprintf(
			"cipherprobe merge: %s: warning: target '%s' (%s) is also in %s: kept the "
			"one from %s\n",
			files[s[i]->file], in ? in : "?",
			s[i]->r->address ? s[i]->r->address : "no address", files[s[first]->file],
			files[s[first]->file]);
		free(in);
	}
	free(s);
	return 0;
}

struct list_ctx {
	struct merge *m;
	const char *name;
};

/* One list line: its input as the scan writes it ("input"), and its line. */
static int on_line(const struct cp_list_line *l, void *data)
{
	struct list_ctx *lc = data;
	struct merge *m = lc->m;
	char *input = l->target ? strdup(l->target->input ? l->target->input : "")
				: cp_target_redact(l->text ? l->text : "");

	if (!input)
		return -1;
	if (m->ne == m->cape) {
		size_t cap = m->cape ? m->cape * 2 : 64;
		struct entry *e = realloc(m->e, cap * sizeof *e);

		if (!e) {
			free(input);
			return -1;
		}
		m->e = e;
		m->cape = cap;
	}
	m->e[m->ne] =
		(struct entry){ .input = input, .line = l->lineno, .pos = m->ne, .list = lc->name };
	m->ne++;
	return 0;
}

/* The -i lists; CP_EXIT_OK or the exit status after a message. */
static int read_lists(struct merge *m, char *const *lists, size_t nlists)
{
	for (size_t i = 0; i < nlists; i++) {
		bool in = !strcmp(lists[i], "-");
		FILE *f = in ? stdin : fopen(lists[i], "r");
		struct list_ctx lc = { .m = m, .name = in ? "stdin" : lists[i] };
		int st, rerr;

		if (!f) {
			cp_eprintf("cipherprobe merge: -i: cannot read %s: %s\n", lists[i],
				   strerror(errno));
			return errno == ENOENT ? CP_EXIT_NOINPUT : CP_EXIT_DATAERR;
		}
		errno = 0;
		st = cp_list_read(f, lc.name, on_line, &lc);
		rerr = ferror(f);
		if (!in)
			fclose(f);
		if (st || rerr) {
			cp_eprintf("cipherprobe merge: -i: reading %s failed: %s\n", lists[i],
				   strerror(errno ? errno : EIO));
			return errno == ENOMEM ? CP_EXIT_OSERR : CP_EXIT_NOINPUT;
		}
	}
	return CP_EXIT_OK;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c = strcmp(a->input, b->input);

	if (!c)
		c = a->line < b->line ? -1 : a->line > b->line;
	return c;
}

static int entry_pos_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* The first entry (in the sorted e) for input, and line if it is there. */
static struct entry *entry_find(struct merge *m, const char *input, size_t line)
{
	size_t lo = 0, hi = m->ne;
	struct entry *first = NULL;

	while (lo < hi) { /* the first entry >= (input, 0) */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(m->e[mid].input, input) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < m->ne && !strcmp(m->e[i].input, input); i++) {
		if (!first)
			first = &m->e[i];
		if (m->e[i].line == line)
			return &m->e[i];
	}
	return first;
}

static int pos_cmp(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;

	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Puts the records in list order: each at the list entry with its input
 * and line (the scan writes the list line it came from), else the first
 * entry with its input, else after the list in file order.  Returns the
 * number of list entries no record matched, each reported.
 */
static size_t order_by_lists(struct merge *m)
{
	size_t missing = 0;

	qsort(m->e, m->ne, sizeof *m->e, entry_cmp);
	for (size_t i = 0; i < m->n; i++) {
		struct rec *rc = &m->v[i];
		struct entry *e =
			rc->dropped ? NULL
				    : entry_find(m, rc->r->input ? rc->r->input : "", rc->r->line);

		rc->pos = e ? e->pos : m->ne + rc->seq;
		if (e)
			e->found = true;
	}
	qsort(m->v, m->n, sizeof *m->v, pos_cmp);
	qsort(m->e, m->ne, sizeof *m->e, entry_pos_cmp); /* report in list order */
	for (size_t i = 0; i < m->ne; i++) {
		if (m->e[i].found)
			continue;
		char *in = cp_sanitize(m->e[i].input);

		cp_eprintf("cipherprobe merge: %s:%zu: '%s' not in any input\n", m->e[i].list,
			   m->e[i].line, in ? in : "?");
		free(in);
		missing++;
	}
	return missing;
}

/*
 * The profile the fleet's commands are written for, as scan loads it:
 * a built-in has no name on the firewall unless --profile-name gives one.
 * CP_EXIT_OK or the exit status after a message.
 */
static int load_profile(const char *spec, const char *name, struct cp_profile *p)
{
	char err[512];

	if (!spec)
		spec = "panos-recommended";
	if (cp_profile_load(spec, name, p, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe merge: %s\n", err);
		return cp_profile_builtin(spec, p) < 0 && access(spec, F_OK) < 0 ? CP_EXIT_NOINPUT
										 : CP_EXIT_DATAERR;
	}
	if (!strncmp(p->source, "builtin:", 8))
		snprintf(p->name, sizeof p->name, "%s", name ? name : "");
	return CP_EXIT_OK;
}

/*
 * The summary over the kept records, as the scan counts it (cp_summary_add,
 * the verdict counts, cp_advise_fleet over the incompatible ones).  fl is
 * filled when there is a recommendation.  0, or -1 without memory.
 */
static int summarize(struct merge *m, const struct cp_profile *p, struct cp_summary *sum,
		     struct cp_fleet *fl, struct cp_recommendation *rec, bool *have_fleet)
{
	struct cp_result **kept = calloc(m->n ? m->n : 1, sizeof *kept);
	size_t nkept = 0;
	int rc = 0;

	if (!kept)
		return -1;
	memset(sum, 0, sizeof *sum);
	for (size_t i = 0; i < m->n; i++) {
		struct cp_result *r = m->v[i].r;

		if (m->v[i].dropped)
			continue;
		cp_summary_add(sum, r);
		if (r->ok && r->verdict) {
			if (r->verdict->compatible)
				sum->compatible++;
			else
				sum->incompatible++;
		}
		if (r->verdict && !r->verdict->compatible)
			kept[nkept++] = r;
	}
	if (nkept) {
		cp_fleet_order(kept, nkept);
		rc = cp_advise_fleet((const struct cp_result *const *)kept, nkept, p, fl);
		if (rc == 0) {
			cp_fleet_recommendation(fl, rec);
			sum->recommendation = rec;
			*have_fleet = true;
		}
	}
	if (m->icpt_issuer) {
		sum->interception_issuer = m->icpt_issuer;
		sum->interception_targets = m->icpt_targets;
	}
	free(kept);
	return rc;
}

/* The document through the JSON writer; CP_EXIT_OK or the status after a message. */
static int write_doc(struct merge *m, const char *path, const struct cp_summary *sum)
{
	struct cp_atomic at = { 0 };
	struct cp_out o = { 0 };
	char err[512];
	size_t idx = 0;
	int bad = 0;

	cp_atomic_cleanup_on_signals();
	o.f = cp_atomic_open(path, &at, err, sizeof err);
	if (!o.f) {
		cp_eprintf("cipherprobe merge: -o: cannot write %s: %s\n", path, err);
		return CP_EXIT_CANTCREAT;
	}
	bad = cp_output_json.begin(&o) < 0;
	for (size_t i = 0; i < m->n && !bad; i++) {
		if (m->v[i].dropped)
			continue;
		m->v[i].r->index = idx++;
		m->v[i].r->more = false;
		bad = cp_output_json.target(&o, m->v[i].r) < 0;
	}
	if (!bad)
		bad = cp_output_json.end(&o, sum) < 0;
	cp_output_json.cleanup(&o);
	if (bad) {
		cp_eprintf("cipherprobe merge: -o: cannot write %s: %s\n", path,
			   strerror(o.err ? o.err : EIO));
		cp_atomic_abort(&at);
		return o.err == ENOMEM ? CP_EXIT_OSERR : CP_EXIT_CANTCREAT;
	}
	if (cp_atomic_commit(&at) < 0) {
		cp_eprintf("cipherprobe merge: -o: %s\n", at.err);
		return CP_EXIT_CANTCREAT;
	}
	return CP_EXIT_OK;
}

static void merge_free(struct merge *m)
{
	for (size_t i = 0; i < m->n; i++)
		cp_result_free(m->v[i].r);
	free(m->v);
	for (size_t i = 0; i < m->ne; i++)
		free(m->e[i].input);
	free(m->e);
	free(m->icpt_issuer);
}

/* Everything after the options; the exit status. */
static int merge_run(struct merge *m, char **files, size_t nfiles, char **lists, size_t nlists,
		     const struct cp_profile *p, const char *out)
{
	struct cp_summary sum;
	struct cp_fleet fl = { 0 };
	struct cp_recommendation rec;
	bool have_fleet = false;
	size_t loaded = 0;
	int rc;

	if ((rc = read_lists(m, lists, nlists)) != CP_EXIT_OK)
		return rc;
	for (size_t i = 0; i < nfiles; i++) {
		int st = load_file(m, files[i], i);

		if (st < 0)
			return CP_EXIT_OSERR;
		loaded += st == 0;
	}
	if (!loaded) {
		cp_eprintf("cipherprobe merge: no usable input; nothing written\n");
		return m->status;
	}
	if (drop_duplicates(m, files) < 0)
		goto nomem;
	if (nlists && order_by_lists(m))
		worse(m, CP_EXIT_DATAERR);
	if (summarize(m, p, &sum, &fl, &rec, &have_fleet) < 0) {
		cp_eprintf(
			"cipherprobe merge: cannot compute the fleet recommendation (out of memory, "
			"or a verdict names a change this version does not know)\n");
		return CP_EXIT_DATAERR;
	}
	rc = write_doc(m, out, &sum);
	if (have_fleet)
		cp_fleet_free(&fl);
	return rc != CP_EXIT_OK ? rc : m->status;
nomem:
	cp_eprintf("cipherprobe merge: out of memory\n");
	return CP_EXIT_OSERR;
}

int cmd_merge(int argc, char **argv)
{
	const char *out = "-", *spec = NULL, *name = NULL;
	char **lists = NULL;
	size_t nlists = 0;
	struct merge m = { 0 };
	struct cp_profile profile;
	int opt, rc;

	lists = calloc((size_t)argc, sizeof *lists);
	if (!lists) {
		cp_eprintf("cipherprobe merge: out of memory\n");
		return CP_EXIT_OSERR;
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:o:h", merge_opts, NULL)) != -1) {
		switch (opt) {
		case 'i': lists[nlists++] = optarg; break;
		case 'o': out = optarg; break;
		case OPT_JSON: break;
		case OPT_PROFILE: spec = optarg; break;
		case OPT_PROFILE_NAME: name = optarg; break;
		case 'h':
			fputs(merge_usage, stdout);
			free(lists);
			return CP_EXIT_OK;
		default:
			cp_eprintf("see 'cipherprobe merge --help'\n");
			free(lists);
			return CP_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cp_eprintf(
			"cipherprobe merge: give one or more RESULTS.json; see 'cipherprobe merge --help'\n");
		free(lists);
		return CP_EXIT_USAGE;
	}
	rc = load_profile(spec, name, &profile);
	if (rc == CP_EXIT_OK)
		rc = merge_run(&m, argv + optind, (size_t)(argc - optind), lists, nlists, &profile,
			       out);
	merge_free(&m);
	free(lists);
	return rc;
}
