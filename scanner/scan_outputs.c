/* SPDX-License-Identifier: MIT */
/*
 * The scan API's outputs: the main report (-o FILE or stdout), --html,
 * --csv, --csv-suites and --metrics, opened before the run (temporary
 * files) and committed after it (renamed into place), each named in its
 * own error message.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "output/csv.h"
#include "output/sanitize.h"
#include "scan_run.h"
#include "util.h"

/* --metrics FILE: the Prometheus exposition of the run, written
 * atomically (a textfile collector never reads half a file); "-" is
 * stdout.  0, or -1 after a message. */
static int write_metrics(const char *path, struct run_ctx *c)
{
	struct cp_atomic at = { 0 };
	char err[512];
	FILE *f = cp_atomic_open(path, &at, err, sizeof err);

	if (!f) {
		cp_eprintf("cipherprobe scan: --metrics: cannot write %s: %s\n", path, err);
		return -1;
	}
	if (cp_metrics_write(c->metrics, &c->sum, (double)(cp_clock_ms() - c->started_ms) / 1000.0,
			     time(NULL), f) < 0) {
		cp_eprintf("cipherprobe scan: --metrics: writing %s failed: %s\n", path,
			   strerror(errno));
		cp_atomic_abort(&at);
		return -1;
	}
	if (cp_atomic_commit(&at) < 0) {
		cp_eprintf("cipherprobe scan: --metrics: cannot write %s: %s\n", path, at.err);
		return -1;
	}
	return 0;
}

static bool csv_allowed(const void *data, uint16_t suite, uint16_t wire)
{
	return cp_profile_allows(data, suite, wire);
}

/* Opens the --csv / --csv-suites files and writes their headers;
 * CP_EXIT_OK, or the exit status after a message. */
static int csv_open(struct run_ctx *c, const struct cp_profile *profile, bool main_stdout)
{
	char err[512];

	for (size_t i = 0; i < 2; i++) {
		struct csv_out *x = &c->csv[i];
		if (!x->ops)
			continue;
		if (!strcmp(x->path, "-")) {
			if (main_stdout) {
				cp_eprintf(
					"cipherprobe scan: %s - needs -o FILE for the main output\n",
					i ? "--csv-suites" : "--csv");
				return CP_EXIT_USAGE;
			}
			x->out.f = stdout;
		} else {
			x->out.f = cp_atomic_open(x->path, &x->at, err, sizeof err);
			if (!x->out.f) {
				cp_eprintf("cipherprobe scan: cannot write %s: %s\n", x->path, err);
				return CP_EXIT_CANTCREAT;
			}
			x->open = true;
		}
		if (profile) {
			x->out.suite_allowed = csv_allowed;
			x->out.suite_allowed_data = profile;
		}
		if (x->ops->begin(&x->out) < 0)
			x->failed = true;
	}
	return CP_EXIT_OK;
}

void cp_scan_csv_cleanup_all(struct run_ctx *c)
{
	for (size_t i = 0; i < 2; i++)
		if (c->csv[i].ops)
			c->csv[i].ops->cleanup(&c->csv[i].out);
}

/* Ends and commits the CSV files; CP_EXIT_OK or CP_EXIT_CANTCREAT. */
static int csv_finish(struct run_ctx *c)
{
	int rc = CP_EXIT_OK;

	for (size_t i = 0; i < 2; i++) {
		struct csv_out *x = &c->csv[i];
		if (!x->ops)
			continue;
		if (!x->failed && x->ops->end(&x->out, &c->sum) < 0)
			x->failed = true;
		x->ops->cleanup(&x->out);
		if (x->out.f == stdout && fflush(stdout) != 0)
			x->failed = true;
		if (x->failed) {
			cp_eprintf("cipherprobe scan: writing %s failed: %s\n", x->path,
				   strerror(x->out.err ? x->out.err : EIO));
			rc = CP_EXIT_CANTCREAT;
			continue;
		}
		if (x->open) {
			x->open = false;
			if (cp_atomic_commit(&x->at) < 0) {
				cp_eprintf("cipherprobe scan: cannot write %s: %s\n", x->path,
					   x->at.err);
				rc = CP_EXIT_CANTCREAT;
			}
		}
	}
	return rc;
}

/* -o FILE (atomic) or stdout, then --html FILE; CP_EXIT_OK or the exit
 * status after a message. */
static int open_main(struct scan_run *r)
{
	const struct cp_scan_config *cfg = r->cfg;
	struct run_ctx *c = &r->ctx;
	char err[512];

	if (cfg->output && strcmp(cfg->output, "-")) {
		c->out.f = cp_atomic_open(cfg->output, &r->at, err, sizeof err);
		if (!c->out.f) {
			cp_eprintf("cipherprobe scan: cannot write %s: %s\n", cfg->output, err);
			return CP_EXIT_CANTCREAT;
		}
		r->at_open = true;
	} else {
		c->out.f = stdout;
	}
	if (cfg->html) {
		if (!strcmp(cfg->html, "-") && c->out.f == stdout) {
			cp_eprintf(
				"cipherprobe scan: --html - needs -o FILE for the other output\n");
			return CP_EXIT_USAGE;
		}
		c->html = cp_html_new(cfg->verdicts ? &r->profile : NULL, NULL);
		if (!c->html) {
			cp_eprintf("cipherprobe scan: out of memory\n");
			return CP_EXIT_OSERR;
		}
		r->hf = cp_atomic_open(cfg->html, &r->hat, err, sizeof err);
		if (!r->hf) {
			cp_eprintf("cipherprobe scan: --html: cannot write %s: %s\n", cfg->html,
				   err);
			return CP_EXIT_CANTCREAT;
		}
	}
	return CP_EXIT_OK;
}

int cp_scan_outputs_open(struct scan_run *r)
{
	const struct cp_scan_config *cfg = r->cfg;
	struct run_ctx *c = &r->ctx;
	const char *color = cfg->color ? cfg->color : "auto";
	int rc;

	/* from here on there are temporary files (-o, --state) to remove if
	 * a signal ends the run */
	cp_atomic_cleanup_on_signals();
	c->ops = cp_output_find(cfg->format ? cfg->format : "text");
	c->total = r->set.n;
	if (cfg->csv) {
		c->csv[0].ops = &cp_output_csv;
		c->csv[0].path = cfg->csv;
	}
	if (cfg->csv_suites) {
		c->csv[1].ops = &cp_output_csv_suites;
		c->csv[1].path = cfg->csv_suites;
	}
	if (cfg->metrics && !(c->metrics = cp_metrics_new())) {
		cp_eprintf("cipherprobe scan: out of memory\n");
		return CP_EXIT_OSERR;
	}
	if ((rc = open_main(r)) != CP_EXIT_OK)
		return rc;
	c->out.color = !strcmp(color, "always") || (!strcmp(color, "auto") && c->out.f == stdout &&
						    isatty(STDOUT_FILENO) && !cp_no_color());
	c->out.verbosity = cfg->verbosity;
	rc = csv_open(c, cfg->verdicts ? &r->profile : NULL, c->out.f == stdout);
	if (rc != CP_EXIT_OK)
		return rc;
	c->out.ntargets = r->set.n;
	c->out.scm = cfg->verdicts && r->profile.scm;
	c->progress = !cfg->quiet && isatty(STDERR_FILENO);
	c->started_ms = cp_clock_ms();
	return CP_EXIT_OK;
}

/* --html: the report, then the rename; CP_EXIT_OK or CP_EXIT_CANTCREAT. */
static int commit_html(struct scan_run *r)
{
	FILE *f = r->hf;

	if (!f)
		return CP_EXIT_OK;
	r->hf = NULL;
	errno = 0;
	if (cp_html_write(r->ctx.html, f, &r->ctx.sum) < 0 || cp_atomic_commit(&r->hat) < 0) {
		if (r->hat.err[0])
			cp_eprintf("cipherprobe scan: --html: %s\n", r->hat.err);
		else
			cp_eprintf("cipherprobe scan: --html: cannot write %s: %s\n", r->cfg->html,
				   strerror(errno ? errno : EIO));
		cp_atomic_abort(&r->hat);
		return CP_EXIT_CANTCREAT;
	}
	return CP_EXIT_OK;
}

int cp_scan_outputs_commit(struct scan_run *r)
{
	struct run_ctx *c = &r->ctx;
	int rc;

	if ((rc = commit_html(r)) != CP_EXIT_OK)
		return rc;
	if (c->out.f == stdout && fflush(stdout) != 0)
		c->write_failed = 1;
	if (c->write_failed) {
		cp_eprintf("cipherprobe scan: writing the output failed: %s\n",
			   strerror(c->out.err ? c->out.err : errno));
		return CP_EXIT_CANTCREAT;
	}
	if (r->at_open) {
		r->at_open = false;
		if (cp_atomic_commit(&r->at) < 0) {
			cp_eprintf("cipherprobe scan: cannot write %s: %s\n", r->cfg->output,
				   r->at.err);
			return CP_EXIT_CANTCREAT;
		}
	}
	if (r->cfg->metrics && write_metrics(r->cfg->metrics, c) < 0)
		return CP_EXIT_CANTCREAT;
	return csv_finish(c);
}
