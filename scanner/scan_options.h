/* SPDX-License-Identifier: MIT */
/*
 * scan's option parser (scan_options.c): the option codes its getopt_long
 * table (long_opts in cmd_scan.c, beside the help text) and the parser
 * share.
 */
#ifndef CP_SCAN_OPTIONS_H
#define CP_SCAN_OPTIONS_H

#include <getopt.h>

#include "scan_api.h"

/* long options without a short letter */
enum {
	OPT_JSON = 256,
	OPT_JSONL,
	OPT_TEXT,
	OPT_COLOR,
	OPT_STRATEGY,
	OPT_NO_GROUPS,
	OPT_NO_PREF,
	OPT_NO_CERT,
	OPT_ALL_ADDR,
	OPT_RESOLVER,
	OPT_CONCURRENCY,
	OPT_PER_HOST,
	OPT_RATE,
	OPT_CONNECT_TIMEOUT,
	OPT_TIMEOUT,
	OPT_RETRIES,
	OPT_SNI,
	OPT_MAX_SUITES,
	OPT_PROFILE,
	OPT_PROFILE_NAME,
	OPT_CLIENT,
	OPT_NO_VERDICT,
	OPT_VERIFY,
	OPT_DECLOG,
	OPT_PANOS_HOST,
	OPT_PANOS_KEY_FILE,
	OPT_PANOS_VSYS,
	OPT_PANOS_DG,
	OPT_CACERT,
	OPT_STATE,
	OPT_NOTIFY,
	OPT_NOTIFY_ON,
	OPT_NOTIFY_REQUIRED,
	OPT_PROXY_HELLO,
	OPT_EXPIRY_WARN,
	OPT_PANOS_VERSION,
	OPT_CA_FILE,
	OPT_FORWARD_TRUST_CA,
	OPT_NO_SIGALGS,
	OPT_TARGET_TIMEOUT,
	OPT_LOG_FORMAT,
	OPT_FROM_PANOS_LOGS,
	OPT_SINCE,
	OPT_PANOS_LOG_WAIT,
	OPT_METRICS,
	OPT_NOTIFY_URL_FILE,
	OPT_HTML,
	OPT_CSV,
	OPT_CSV_SUITES,
	OPT_SHARD,
};

/* cmd_scan.c's table, for callers that parse without cmd_scan (tests). */
const struct option *cp_scan_option_table(void);

/*
 * Parses scan's options (opts: cp_scan_option_table()) and TARGET
 * arguments (argv[0] is "scan") into cfg, which must hold the defaults.
 * Returns -1 to go on with the run, CP_SCAN_PARSE_HELP for --help, or an
 * exit status after a message.  The config points into argv.
 */
#define CP_SCAN_PARSE_HELP 1000
int cp_scan_parse_args(int argc, char **argv, const struct option *opts,
		       struct cp_scan_config *cfg);

#endif
