/* SPDX-License-Identifier: MIT */
/* Regression watch: state file, diff, webhook; see watch.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
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
	if (w->regressions)
		snprintf(buf + n, len - (size_t)n, "; %zu regression%s since the last run", w->regressions,
			 w->regressions == 1 ? "" : "s");
	else if (w->first_run)
		snprintf(buf + n, len - (size_t)n, "; first run, nothing to compare");
	else
		snprintf(buf + n, len - (size_t)n, "; no regression (%zu improvement%s)", w->improvements,
			 w->improvements == 1 ? "" : "s");
}

static bool want_notify(const struct cp_watch_opts *o, const struct cp_watch_outcome *w,
			const struct cp_summary *s)
{
	switch (o->notify_on) {
	case CP_NOTIFY_ON_ALWAYS:
		return true;
	case CP_NOTIFY_ON_INCOMPATIBLE:
		return w->regressions || s->incompatible;
	case CP_NOTIFY_ON_REGRESSION:
	default:
		return w->regressions > 0;
	}
}

int cp_watch_run(const struct cp_watch_opts *o, struct cp_result *const *results, size_t n,
		 const struct cp_summary *sum, struct cp_watch_outcome *out)
{
	json_t *cur = NULL, *payload = NULL;
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
			cp_eprintf("cipherprobe scan: --state: %s (left as it is; move it away to start over)\n", err);
			out->state_failed = out->state_unusable = true;
			goto out;
		} else if (!(cur_side = cp_diff_side_of(cur, err, sizeof err)) ||
			   cp_diff_sides(old, cur_side, &d, err, sizeof err) < 0) {
			cp_eprintf("cipherprobe scan: --state: cannot compare with %s: %s\n", o->state, err);
			out->state_failed = out->state_unusable = true;
			goto out;
		} else {
			have_diff = true;
			out->regressions = cp_diff_regressions(&d);
			out->improvements = d.improvements;
			if (o->report && cp_diff_print(o->report, &d, o->color) < 0)
				cp_eprintf("cipherprobe scan: cannot write the comparison: %s\n", strerror(errno));
		}
		if (cp_doc_save(cur, o->state, err, sizeof err) < 0) {
			cp_eprintf("cipherprobe scan: --state: %s\n", err);
			out->state_failed = true;
			goto out;
		}
		if (out->first_run && !o->quiet)
			cp_eprintf("cipherprobe scan: --state: %s did not exist; saved this run as the baseline\n",
				o->state);
	}
	if (o->notify_url && want_notify(o, out, sum)) {
		char text[400];
		summary_text(text, sizeof text, out, sum, have_diff || out->first_run ? &d : NULL);
		payload = json_object();
		if (!payload ||
		    json_object_set_new(payload, "summary", json_incref(json_object_get(cur, "summary"))) ||
		    json_object_set_new(payload, "diff", have_diff ? cp_diff_to_json(&d) : json_null())) {
			cp_eprintf("cipherprobe scan: out of memory building the notification\n");
			out->notify_failed = true;
		} else {
			struct cp_notify_req rq = {
				.url = o->notify_url, .text = text, .payload = payload, .cacert = o->cacert,
			};
			if (cp_notify_send(&rq, err, sizeof err) < 0) {
				cp_eprintf("cipherprobe scan: --notify: %s\n", err);
				out->notify_failed = true;
			} else {
				out->notified = true;
			}
		}
	}
	rc = 0;
out:
	if (have_diff)
		cp_diff_free(&d);
	json_decref(payload);
	cp_diff_side_free(old);
	cp_diff_side_free(cur_side);
	json_decref(cur);
	return rc;
}
