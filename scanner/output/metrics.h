/* SPDX-License-Identifier: MIT */
/*
 * Prometheus metrics: `cipherprobe scan --metrics FILE` writes the text
 * exposition format (version 0.0.4) for node_exporter's textfile
 * collector.
 *
 * The scan streams its results and frees them, while the format needs each
 * metric family's samples together; so a collector keeps a small record
 * per target as results arrive (cp_metrics_add), and cp_metrics_write
 * prints every family once at the end.  Nothing here touches the network
 * or the clock: the caller passes "now" and the run's duration.
 *
 * Families (labels target, host, port, sni, address on the per-target ones;
 * sni and address are "" when there is none):
 *   cipherprobe_target_scan_ok                 gauge 0/1, every target
 *   cipherprobe_target_compatible              gauge 0/1, targets with a verdict
 *   cipherprobe_certificate_expiry_seconds     gauge, seconds from now to the
 *                                              leaf's notAfter (negative once
 *                                              expired), targets with a certificate;
 *                                              seconds, not days: the format's
 *                                              base unit (promtool's lint)
 *   cipherprobe_accepted_suites{version=...}   gauge, suites accepted at each
 *                                              probed version (SSLv2: cipher kinds)
 *   cipherprobe_verdict_causes{axis=...}       gauge, causes per axis (version,
 *                                              suite, group, signature,
 *                                              certificate, as the JSON names
 *                                              them), targets with a verdict
 *   cipherprobe_targets{state=...}             gauge: scanned, error,
 *                                              compatible, incompatible
 *   cipherprobe_run_duration_seconds           gauge
 *   cipherprobe_last_run_timestamp_seconds     gauge, Unix time
 * Label values are made valid UTF-8 (bad bytes as \xNN, cp_sanitize_utf8),
 * then backslash, double quote and newline are escaped as the format
 * requires.  Two records with the same labels (a target given twice) are
 * written once, the first: a scrape refuses duplicate series.
 */
#ifndef CP_OUTPUT_METRICS_H
#define CP_OUTPUT_METRICS_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "output/output.h"
#include "result.h"

struct cp_metrics;

/* An empty collector, or NULL when memory runs out. */
struct cp_metrics *cp_metrics_new(void);
void cp_metrics_free(struct cp_metrics *m);

/* Records what the metrics need of r (verdict included, so call it once
 * the verdict is attached); r is not kept.  0, or -1 when memory runs out. */
int cp_metrics_add(struct cp_metrics *m, const struct cp_result *r);

/* Seconds from now to the ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SSZ" (the
 * form of cp_cert_facts.not_after) in *seconds; 0, or -1 when s is not
 * that form. */
int cp_metrics_seconds_until(const char *s, time_t now, double *seconds);

/* Writes the exposition to f: every family with # HELP and # TYPE.  sum
 * gives the run's counts; duration_s and now the run's clock.  0, or -1
 * when writing fails (errno set) or memory runs out. */
int cp_metrics_write(const struct cp_metrics *m, const struct cp_summary *sum, double duration_s,
		     time_t now, FILE *f);

#endif
