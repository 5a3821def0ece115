/* SPDX-License-Identifier: MIT */
/*
 * The scan API's inside (scan_api.c, scan_targets.c, scan_outputs.c,
 * scan_verify.c): the target set being built, the state of one run and
 * the steps that share it.  Not for other callers: use scan_api.h.
 */
#ifndef CP_SCAN_RUN_H
#define CP_SCAN_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "output/file.h"
#include "output/html.h"
#include "output/metrics.h"
#include "output/output.h"
#include "policy/firewall.h"
#include "policy/intercept.h"
#include "policy/offer.h"
#include "input/hello_file.h"
#include "policy/profile.h"
#include "probe/scan.h"
#include "scan_api.h"

/* Targets collected from arguments and lists; strings owned here. */
struct target_set {
	struct cp_scan_target *t;
	struct cp_target *parsed; /* parallel to t: owns host/sni/input */
	char **errors;            /* parallel: owned error message or NULL */
	char **logerr;            /* parallel: decryption-log error text or NULL */
	char **logseen;           /* parallel: "first\0last" seen, or NULL */
	size_t n, cap;
	const char *sni_override;
};

/* An extra output file (--csv, --csv-suites), written atomically. */
struct csv_out {
	const struct cp_output_ops *ops; /* NULL: not asked for */
	const char *path;
	struct cp_out out;
	struct cp_atomic at;
	bool open; /* at holds a temporary file */
	bool failed;
};

struct run_ctx {
	/* policy: NULL profile means --no-verdict */
	const struct cp_profile *profile;
	const struct cp_client *client;
	const struct cp_firewall *firewall;
	/* chain verification: NULL trust with --no-cert */
	const struct cp_trust *trust, *forward_trust;
	struct cp_intercept_set *intercept;
	struct cp_result **kept; /* incompatible results, for the fleet summary */
	size_t nkept, capkept;
	bool hold; /* --verify: keep every result, write at the end */
	struct cp_result **held;
	size_t nheld, capheld;
	int nomem;
	const struct cp_output_ops *ops;
	struct cp_out out;
	struct cp_html *html;  /* --html: the report collects every result */
	struct csv_out csv[2]; /* --csv, --csv-suites: written beside out */
	struct cp_summary sum;
	int write_failed;
	bool progress;
	uint64_t last_progress_ms;
	uint64_t started_ms;
	size_t total;
	struct cp_metrics *metrics; /* --metrics, else NULL */
};

/* One run's state, owned by cp_scan_execute. */
struct scan_run {
	const struct cp_scan_config *cfg;
	struct target_set set;
	struct run_ctx ctx;
	struct cp_profile profile;
	struct cp_firewall firewall;
	struct cp_offer offer;
	struct cp_offer captured; /* --proxy-hello as the firewall's model */
	struct cp_hellofile capture;
	struct cp_replay_hello *replay;
	struct cp_trust *trust, *forward_trust;
	struct cp_intercept icpt;
	struct cp_watch_opts wo;
	struct cp_watch_outcome wout;
	char *notify_url;    /* read from --notify-url-file */
	struct cp_atomic at; /* -o FILE */
	bool at_open;
	struct cp_atomic hat; /* --html FILE */
	FILE *hf;
};

/* scan_targets.c: the target set from cfg's arguments, lists and logs,
 * pointed at replay; CP_EXIT_OK or the exit status after a message. */
int cp_scan_targets_build(const struct cp_scan_config *cfg, const struct cp_replay_hello *replay,
			  struct target_set *set);
void cp_scan_targets_free(struct target_set *s);

/* scan_outputs.c: open every output (CP_EXIT_OK or the exit status after
 * a message), and end/commit them after the run. */
int cp_scan_outputs_open(struct scan_run *r);
int cp_scan_outputs_commit(struct scan_run *r);
void cp_scan_csv_cleanup_all(struct run_ctx *c);

/* scan_verify.c: --verify over the held results; 0, or -1 with err set. */
int cp_scan_verify(struct run_ctx *c, const struct cp_scan_opts *base, char *err, size_t errlen);

#endif
