/* SPDX-License-Identifier: MIT */
/* Regression watch: state file, diff, webhook; see watch.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/sanitize.h"
#include "output/diff.h"
#include "output/notify.h"
#include "watch.h"

/* The one line a chat channel shows. */
static void summary_text(char *buf, size_t len, const struct cp_watch_outcome *w,
			 const struct cp_summary *s, const struct cp_diff *d)
{
	int n = snprintf(buf, len, "cipherprobe: %zu target%s, %zu incompatible, %zu error%s",
			 s->targets, s->targets == 1 ? "" : "s", s->incompatible, s->errors,
			 s->errors == 1 ? "" : "s");
	if (n < 0 || (size_t)n >= len || !d)
		return;
	if (w->regressions) {
		char *h = d->nsites ? cp_diff_headline(d, 0) : NULL;
		snprintf(buf + n, len - (size_t)n, "; %zu regression%s since the last run%s%s",
			 w->regressions, w->regressions == 1 ? "" : "s", h ? ": " : "", h ? h : "");
		free(h);
	} else if (w->first_run)
		snprintf(buf + n, len - (size_t)n, "; first run, nothing to compare");
	else
		snprintf(buf + n, len - (size_t)n, "; no regression (%zu improvement%s)",
			 w->improvements, w->improvements == 1 ? "" : "s");
}

/* The sites' headlines, worst first, as an array of strings. */
static json_t *headlines(const struct cp_diff *d)
{
	json_t *a = json_array();

	for (size_t i = 0; a && d && i < d->nsites; i++) {
		char *h = cp_diff_headline(d, i);
		if (!h || json_array_append_new(a, cp_json_str(h))) {
			json_decref(a);
			a = NULL;
		}
		free(h);
	}
	return a;
}

static bool want_notify(const struct cp_watch_opts *o, const struct cp_watch_outcome *w,
			const struct cp_summary *s)
{
	switch (o->notify_on) {
	case CP_NOTIFY_ON_ALWAYS: return true;
	case CP_NOTIFY_ON_INCOMPATIBLE: return w->regressions || s->incompatible;
	case CP_NOTIFY_ON_REGRESSION:
	default: return w->regressions > 0;
	}
}

/*
 * --notify: post the summary, the comparison and the headlines.  text_d
 * is the comparison the one-line text describes (also a first run's),
 * d the one the payload carries; either may be NULL.
 */
static void notify(const struct cp_watch_opts *o, struct cp_watch_outcome *out,
		   const struct cp_summary *sum, json_t *cur, const struct cp_diff *text_d,
		   const struct cp_diff *d)
{
	char text[400], err[1024];
	json_t *payload = json_object();

	summary_text(text, sizeof text, out, sum, text_d);
	if (!payload ||
	    json_object_set_new(payload, "summary", json_incref(json_object_get(cur, "summary"))) ||
	    json_object_set_new(payload, "diff", d ? cp_diff_to_json(d) : json_null()) ||
	    json_object_set_new(payload, "headlines", headlines(d))) {
		cp_eprintf("cipherprobe scan: out of memory building the notification\n");
		out->notify_failed = true;
		json_decref(payload);
		return;
	}
	struct cp_notify_req rq = {
		.url = o->notify_url,
		.text = text,
		.payload = payload,
		.cacert = o->cacert,
	};
	if (cp_notify_send(&rq, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe scan: --notify: %s\n", err);
		out->notify_failed = true;
	} else {
		out->notified = true;
	}
	json_decref(payload);
}

int cp_watch_run(const struct cp_watch_opts *o, struct cp_result *const *results, size_t n,
		 const struct cp_summary *sum, struct cp_watch_outcome *out)
{
	json_t *cur = NULL, *kept = NULL;
	struct cp_diff_opts dopts = { .expiry_warn_days = o->expiry_warn_days };
	struct cp_diff_side *old = NULL, *cur_side = NULL;
	struct cp_diff d;
	bool have_diff = false;
	char err[1024];
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&d, 0, sizeof d);
	cur = cp_doc_from_results((const struct cp_result *const *)results, n, sum, NULL);
	if (!cur) {
		cp_eprintf("cipherprobe scan: out of memory building the scan document\n");
		goto out;
	}
	if (o->state) {
		errno = 0;
		/* streamed: a huge or padded state costs its bytes, not a tree */
		old = cp_diff_side_load(o->state, CP_DOC_MAX, err, sizeof err);
		if (!old && errno == ENOENT) {
			out->first_run = true;
		} else if (!old) {
			/* a broken state is not replaced: someone should look at it */
			cp_eprintf(
				"cipherprobe scan: --state: %s (left as it is; move it away to start over)\n",
				err);
			out->state_failed = out->state_unusable = true;
			goto out;
		} else if (!(cur_side = cp_diff_side_of(cur, err, sizeof err)) ||
			   cp_diff_sides_opts(old, cur_side, &dopts, &d, err, sizeof err) < 0) {
			cp_eprintf("cipherprobe scan: --state: cannot compare with %s: %s\n",
				   o->state, err);
			out->state_failed = out->state_unusable = true;
			goto out;
		} else {
			have_diff = true;
			out->regressions = cp_diff_regressions(&d);
			out->improvements = d.improvements;
			if (o->report && cp_diff_print_v(o->report, &d, o->color,
							 o->quiet ? -1 : o->verbosity) < 0)
				cp_eprintf("cipherprobe scan: cannot write the comparison: %s\n",
					   strerror(errno));
		}
		/* the first run: every failed target is at its first failure */
		if (!cur_side && !(cur_side = cp_diff_side_of(cur, err, sizeof err))) {
			cp_eprintf("cipherprobe scan: --state: %s\n", err);
			out->state_failed = true;
			goto out;
		}
		if (cp_diff_side_stamp(cur_side, cur, false) < 0) {
			cp_eprintf("cipherprobe scan: out of memory building the state\n");
			out->state_failed = true;
			goto out;
		}
		if (old && n > 0) {
			size_t ok_old, ok_new;
			cp_diff_side_count(old, &ok_old);
			cp_diff_side_count(cur_side, &ok_new);
			if (ok_new == 0 && ok_old > 0) {
				/* a dead network or resolver must not wipe a good baseline:
				 * keep it, counting this run's failures in it */
				kept = cp_doc_load(o->state, err, sizeof err);
				if (!kept || cp_diff_side_stamp(old, kept, true) < 0) {
					cp_eprintf("cipherprobe scan: --state: %s\n",
						   kept ? "out of memory" : err);
					out->state_failed = true;
					goto out;
				}
				out->baseline_kept = true;
				cp_eprintf(
					"cipherprobe scan: --state: every target failed in this run; %s keeps the "
					"previous scan as the baseline (only its failure counts were updated)\n",
					o->state);
			}
		}
		if (cp_doc_save(kept ? kept : cur, o->state, err, sizeof err) < 0) {
			cp_eprintf("cipherprobe scan: --state: %s\n", err);
			out->state_failed = true;
			goto out;
		}
		if (out->first_run && !o->quiet)
			cp_eprintf(
				"cipherprobe scan: --state: %s did not exist; saved this run as the baseline\n",
				o->state);
	}
	if (o->notify_url && want_notify(o, out, sum))
		notify(o, out, sum, cur, have_diff || out->first_run ? &d : NULL,
		       have_diff ? &d : NULL);
	rc = 0;
out:
	if (have_diff)
		cp_diff_free(&d);
	json_decref(kept);
	cp_diff_side_free(old);
	cp_diff_side_free(cur_side);
	json_decref(cur);
	return rc;
}
