/* SPDX-License-Identifier: MIT */
/*
 * The scan API: everything `cipherprobe scan`'s options decide, as one
 * configuration (struct cp_scan_config), one call that runs the whole scan
 * (profile, targets, outputs, the engine, --verify, the fleet summary, the
 * watch) and an outcome that a pure function maps to the exit status
 * documented in cipherprobe(1).  cmd_scan parses options into a config;
 * demo fills one itself.
 */
#ifndef CP_SCAN_API_H
#define CP_SCAN_API_H

#include <stdbool.h>
#include <stddef.h>

#include "input/declog.h"
#include "probe/scan.h"
#include "watch.h"

struct cp_scan_config {
	/* Input: TARGET arguments, -i lists (files, "-", http(s) URLs),
	 * --from-decryption-log files, in that order, then the firewall's log */
	const char *const *targets;
	size_t ntargets;
	const char **inputs;
	size_t ninputs;
	const char **logs;
	size_t nlogs;
	struct cp_declog_format log_format;
	bool from_panos_logs;
	bool since_given; /* --since was given (it needs --from-panos-logs) */
	long since_s;
	unsigned log_wait_ms;      /* --panos-log-wait; 0: the default */
	const char *sni_override;  /* --sni, checked; "" sends none; NULL: not given */
	unsigned shard_k, shard_n; /* --shard K/N (input/shard.h); shard_n 0: every target */

	/* Policy: the profile, the client model, the firewall */
	bool verdicts; /* false: --no-verdict */
	bool verify;
	const char *profile_spec, *profile_name, *client_name, *panos_version;
	const char *proxy_hello;
	const char *panos_host, *panos_key_file, *panos_vsys, *panos_dg;
	const char *cacert;
	const char **ca_files;
	size_t nca_files;
	const char **ft_files; /* --forward-trust-ca */
	size_t nft_files;

	/* Outputs */
	const char *format; /* "text", "json", "jsonl" */
	const char *output; /* -o FILE; NULL or "-": stdout */
	const char *color;  /* "auto", "always", "never"; NULL: auto */
	const char *html, *csv, *csv_suites, *metrics;
	bool quiet;
	int verbosity;

	/* Watch: --state, --notify...; report, color, quiet, verbosity and
	 * cacert are filled by the run */
	struct cp_watch_opts watch;
	const char *notify_url_file;

	/* Probing and network */
	struct cp_scan_opts probe;

	/* storage the option parser allocated (cp_scan_config_release) */
	char *sni_owned;
};

/* The step of the run that stopped it. */
enum cp_scan_step {
	CP_SCAN_STEP_NONE = 0, /* the run went to the end */
	CP_SCAN_STEP_CONFIG,   /* option combinations, the webhook URL file */
	CP_SCAN_STEP_POLICY,   /* client, profile, firewall model, --proxy-hello */
	CP_SCAN_STEP_TRUST,    /* --ca-file, --forward-trust-ca */
	CP_SCAN_STEP_TARGETS,  /* arguments, lists, decryption logs */
	CP_SCAN_STEP_OUTPUTS,  /* opening -o, --html, --csv, --metrics */
	CP_SCAN_STEP_SCAN,     /* the engine */
	CP_SCAN_STEP_VERIFY,   /* --verify */
	CP_SCAN_STEP_VERDICTS, /* verdicts, fleet summary (memory) */
	CP_SCAN_STEP_WRITE,    /* writing or committing an output */
};

struct cp_scan_outcome {
	size_t targets, errors, compatible, incompatible;
	size_t regressions;    /* against the --state scan */
	size_t write_failures; /* outputs that could not be written */
	bool state_failed;     /* the state could not be read or written */
	bool state_unusable;   /* ... because the old one does not parse */
	bool notify_failed;
	bool notify_required;
	enum cp_scan_step failed_step;
	int failed_status; /* CP_EXIT_* class of the failed step's error */
};

/* The defaults of `cipherprobe scan` with no options. */
void cp_scan_config_default(struct cp_scan_config *cfg);

/* Frees what the option parser (scan_options.h) allocated in cfg (not
 * cfg itself). */
void cp_scan_config_release(struct cp_scan_config *cfg);

/*
 * Runs the scan cfg describes: messages to stderr prefixed
 * "cipherprobe scan: ", the report to the outputs.  Fills out and returns
 * cp_scan_exit_status(out).
 */
int cp_scan_execute(const struct cp_scan_config *cfg, struct cp_scan_outcome *out);

/* The exit status of an outcome (cipherprobe(1), EXIT STATUS). */
int cp_scan_exit_status(const struct cp_scan_outcome *o);

#endif
