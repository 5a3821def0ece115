/* SPDX-License-Identifier: MIT */
/*
 * The regression watch that ends a scan run from cron: compare with the
 * previous run's state file, report, replace the state atomically, and
 * tell a webhook.  Nothing here probes; it works on finished results.
 */
#ifndef CP_WATCH_H
#define CP_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "output/output.h"
#include "result.h"

enum cp_notify_on {
	CP_NOTIFY_ON_REGRESSION = 0, /* the default */
	CP_NOTIFY_ON_INCOMPATIBLE,   /* any target incompatible (or a regression) */
	CP_NOTIFY_ON_ALWAYS,
};

struct cp_watch_opts {
	const char *state;      /* --state FILE, or NULL */
	const char *notify_url; /* --notify URL, or NULL */
	enum cp_notify_on notify_on;
	bool notify_required; /* a failed notification changes the exit status */
	const char *cacert;
	FILE *report; /* where the diff goes (text) */
	bool color;
	bool quiet;
	int verbosity;        /* -v: every change under its site's headline */
	int expiry_warn_days; /* --expiry-warn; 0: CP_EXPIRY_WARN_DAYS */
};

/* What the watch found; exit status decisions are the caller's. */
struct cp_watch_outcome {
	size_t regressions;
	size_t improvements;
	bool first_run;      /* no previous state */
	bool state_failed;   /* the state could not be read or written */
	bool state_unusable; /* ... because the old one does not parse */
	bool notify_failed;
	bool notified;
	bool baseline_kept; /* every target failed: the old state stays */
};

/*
 * Run the watch over the finished results (input order).  Messages about
 * the state file and the webhook go to stderr.  The saved state carries
 * each failed target's consecutive-failure count ("failed_runs").  A run
 * whose targets all failed does not replace a state that has a target
 * that scanned: that state is kept, with its failure counts updated.  Returns 0, or -1 when the
 * previous state is unusable or the new one cannot be written (the old
 * file is then left as it was).
 */
int cp_watch_run(const struct cp_watch_opts *o, struct cp_result *const *results, size_t n,
		 const struct cp_summary *sum, struct cp_watch_outcome *out);

#endif
