/* SPDX-License-Identifier: MIT */
/*
 * The scan API's option parser: `cipherprobe scan`'s command line into a
 * struct cp_scan_config, one helper per option group (input, output,
 * policy, watch, probe, network).  Values are checked here, combinations
 * in the run.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "commands.h"
#include "input/shard.h"
#include "input/target.h"
#include "output/sanitize.h"
#include "policy/panoslogs.h"
#include "registry.h"
#include "scan_api.h"
#include "scan_options.h"

/* an option no group helper takes */
#define NOT_MINE (-1)

static int parse_uint(const char *opt, const char *v, unsigned long min, unsigned long max,
		      unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < min || n > max) {
		cp_eprintf(
			"cipherprobe scan: %s expects a whole number from %lu to %lu, not '%s'\n",
			opt, min, max, v);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

static int parse_seconds(const char *opt, const char *v, unsigned *ms)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || !(d > 0) || d > 3600) {
		cp_eprintf("cipherprobe scan: %s expects seconds (0.001 to 3600), not '%s'\n", opt,
			   v);
		return -1;
	}
	*ms = (unsigned)ceil(d * 1000.0);
	return 0;
}

static int parse_protocols(const char *v, unsigned *mask)
{
	char buf[256];
	if (strlen(v) >= sizeof buf) {
		cp_eprintf("cipherprobe scan: --protocols list too long\n");
		return -1;
	}
	memcpy(buf, v, strlen(v) + 1);
	*mask = 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned bit = cp_version_parse(tok);
		if (!bit) {
			cp_eprintf("cipherprobe scan: unknown protocol '%s' in --protocols "
				   "(use sslv2, sslv3, tls1.0, tls1.1, tls1.2, tls1.3)\n",
				   tok);
			return -1;
		}
		*mask |= bit;
	}
	if (!*mask) {
		cp_eprintf("cipherprobe scan: --protocols names no protocol\n");
		return -1;
	}
	return 0;
}

/* --sni: checked as a ",SNI" suffix is (a bad name fails every target). */
static int opt_sni(const char *arg, struct cp_scan_config *cfg)
{
	char err[512];
	int st;

	free(cfg->sni_owned);
	cfg->sni_owned = NULL;
	st = cp_target_check_sni(arg, &cfg->sni_owned, err, sizeof err);
	if (st == CP_TARGET_NOMEM) {
		cp_eprintf("cipherprobe scan: out of memory\n");
		return CP_EXIT_OSERR;
	}
	if (st) {
		cp_eprintf("cipherprobe scan: --sni: %s\n", err);
		return CP_EXIT_USAGE;
	}
	/* "" sends no SNI at all, as "host," does */
	cfg->sni_override = cfg->sni_owned ? cfg->sni_owned : "";
	return 0;
}

/* Input: lists, decryption logs, the firewall's log, --sni. */
static int opt_input(int opt, const char *arg, struct cp_scan_config *cfg)
{
	char err[512];

	switch (opt) {
	case 'i': cfg->inputs[cfg->ninputs++] = arg; return 0;
	case OPT_DECLOG: cfg->logs[cfg->nlogs++] = arg; return 0;
	case OPT_LOG_FORMAT:
		if (cp_declog_format_parse(arg, &cfg->log_format, err, sizeof err)) {
			cp_eprintf("cipherprobe scan: --log-format: %s\n", err);
			return CP_EXIT_USAGE;
		}
		return 0;
	case OPT_FROM_PANOS_LOGS: cfg->from_panos_logs = true; return 0;
	case OPT_SINCE:
		if (cp_panos_parse_since(arg, &cfg->since_s, err, sizeof err) < 0) {
			cp_eprintf("cipherprobe scan: %s\n", err);
			return CP_EXIT_USAGE;
		}
		cfg->since_given = true;
		return 0;
	case OPT_PANOS_LOG_WAIT:
		return parse_seconds("--panos-log-wait", arg, &cfg->log_wait_ms) < 0 ? CP_EXIT_USAGE
										     : 0;
	case OPT_SNI: return opt_sni(arg, cfg);
	case OPT_SHARD:
		if (cp_shard_parse(arg, &cfg->shard_k, &cfg->shard_n, err, sizeof err) < 0) {
			cp_eprintf("cipherprobe scan: --shard %s\n", err);
			return CP_EXIT_USAGE;
		}
		return 0;
	default: return NOT_MINE;
	}
}

/* Output: formats, files, colour, verbosity. */
static int opt_output(int opt, const char *arg, struct cp_scan_config *cfg)
{
	switch (opt) {
	case 'o': cfg->output = arg; return 0;
	case OPT_METRICS: cfg->metrics = arg; return 0;
	case OPT_HTML: cfg->html = arg; return 0;
	case OPT_JSON: cfg->format = "json"; return 0;
	case OPT_CSV: cfg->csv = arg; return 0;
	case OPT_CSV_SUITES: cfg->csv_suites = arg; return 0;
	case OPT_JSONL: cfg->format = "jsonl"; return 0;
	case OPT_TEXT: cfg->format = "text"; return 0;
	case OPT_COLOR:
		if (strcmp(arg, "auto") && strcmp(arg, "always") && strcmp(arg, "never")) {
			cp_eprintf(
				"cipherprobe scan: --color expects auto, always or never, not '%s'\n",
				arg);
			return CP_EXIT_USAGE;
		}
		cfg->color = arg;
		return 0;
	case 'q': cfg->quiet = true; return 0;
	case 'v': cfg->verbosity++; return 0;
	default: return NOT_MINE;
	}
}

/* Policy: the profile, the client, the firewall, certificates. */
static int opt_policy(int opt, const char *arg, struct cp_scan_config *cfg)
{
	switch (opt) {
	case OPT_PROFILE: cfg->profile_spec = arg; return 0;
	case OPT_PROFILE_NAME: cfg->profile_name = arg; return 0;
	case OPT_CLIENT: cfg->client_name = arg; return 0;
	case OPT_NO_VERDICT: cfg->verdicts = false; return 0;
	case OPT_VERIFY: cfg->verify = true; return 0;
	case OPT_PROXY_HELLO: cfg->proxy_hello = arg; return 0;
	case OPT_PANOS_VERSION: cfg->panos_version = arg; return 0;
	case OPT_PANOS_HOST: cfg->panos_host = arg; return 0;
	case OPT_PANOS_KEY_FILE: cfg->panos_key_file = arg; return 0;
	case OPT_PANOS_VSYS: cfg->panos_vsys = arg; return 0;
	case OPT_PANOS_DG: cfg->panos_dg = arg; return 0;
	case OPT_CACERT: cfg->cacert = arg; return 0;
	case OPT_CA_FILE: cfg->ca_files[cfg->nca_files++] = arg; return 0;
	case OPT_FORWARD_TRUST_CA: cfg->ft_files[cfg->nft_files++] = arg; return 0;
	default: return NOT_MINE;
	}
}

/* Watch: --state, --notify and what goes with them. */
static int opt_watch(int opt, const char *arg, struct cp_scan_config *cfg)
{
	struct cp_watch_opts *wo = &cfg->watch;
	unsigned days;

	switch (opt) {
	case OPT_STATE: wo->state = arg; return 0;
	case OPT_NOTIFY: wo->notify_url = arg; return 0;
	case OPT_NOTIFY_URL_FILE: cfg->notify_url_file = arg; return 0;
	case OPT_NOTIFY_REQUIRED: wo->notify_required = true; return 0;
	case OPT_EXPIRY_WARN:
		if (parse_uint("--expiry-warn", arg, 0, 3650, &days))
			return CP_EXIT_USAGE;
		wo->expiry_warn_days = days ? (int)days : -1;
		return 0;
	case OPT_NOTIFY_ON:
		if (!strcmp(arg, "regression"))
			wo->notify_on = CP_NOTIFY_ON_REGRESSION;
		else if (!strcmp(arg, "incompatible"))
			wo->notify_on = CP_NOTIFY_ON_INCOMPATIBLE;
		else if (!strcmp(arg, "always"))
			wo->notify_on = CP_NOTIFY_ON_ALWAYS;
		else {
			cp_eprintf(
				"cipherprobe scan: --notify-on expects regression, incompatible or always, not '%s'\n",
				arg);
			return CP_EXIT_USAGE;
		}
		return 0;
	default: return NOT_MINE;
	}
}

/* Probing: what each target is asked. */
static int opt_probe(int opt, const char *arg, struct cp_scan_opts *so)
{
	switch (opt) {
	case OPT_STRATEGY:
		if (!strcmp(arg, "eliminate"))
			so->strategy = CP_STRATEGY_ELIMINATE;
		else if (!strcmp(arg, "single"))
			so->strategy = CP_STRATEGY_SINGLE;
		else {
			cp_eprintf(
				"cipherprobe scan: --strategy expects eliminate or single, not '%s'\n",
				arg);
			return CP_EXIT_USAGE;
		}
		return 0;
	case 'p': return parse_protocols(arg, &so->versions) ? CP_EXIT_USAGE : 0;
	case OPT_NO_GROUPS: so->groups = false; return 0;
	case OPT_NO_SIGALGS: so->sigalgs = false; return 0;
	case OPT_NO_PREF: so->preference = false; return 0;
	case OPT_NO_CERT: so->certificate = false; return 0;
	case OPT_MAX_SUITES:
		return parse_uint("--max-suites", arg, 1, 128, &so->max_suites) ? CP_EXIT_USAGE : 0;
	default: return NOT_MINE;
	}
}

/* --rate: connections per second. */
static int parse_rate(const char *arg, double *rate)
{
	char *end;

	errno = 0;
	*rate = strtod(arg, &end);
	if (errno || end == arg || *end || !(*rate > 0) || *rate > 1e6) {
		cp_eprintf(
			"cipherprobe scan: --rate expects connections per second (> 0), not '%s'\n",
			arg);
		return CP_EXIT_USAGE;
	}
	return 0;
}

/* Network: addresses, resolver, limits, timeouts. */
static int opt_network(int opt, const char *arg, struct cp_scan_opts *so)
{
	int bad = 0;

	switch (opt) {
	case '4': so->family = AF_INET; break;
	case '6': so->family = AF_INET6; break;
	case OPT_ALL_ADDR: so->all_addresses = true; break;
	case OPT_RESOLVER: so->resolver = arg; break;
	case OPT_CONCURRENCY:
		bad = parse_uint("--concurrency", arg, 1, 100000, &so->concurrency);
		break;
	case OPT_PER_HOST: bad = parse_uint("--per-host", arg, 1, 64, &so->per_host); break;
	case OPT_RATE: return parse_rate(arg, &so->rate);
	case OPT_CONNECT_TIMEOUT:
		bad = parse_seconds("--connect-timeout", arg, &so->connect_timeout_ms);
		break;
	case OPT_TIMEOUT: bad = parse_seconds("--timeout", arg, &so->timeout_ms); break;
	case OPT_TARGET_TIMEOUT:
		bad = parse_seconds("--target-timeout", arg, &so->target_timeout_ms);
		break;
	case OPT_RETRIES: bad = parse_uint("--retries", arg, 0, 5, &so->retries); break;
	default: return NOT_MINE;
	}
	return bad ? CP_EXIT_USAGE : 0;
}

void cp_scan_config_release(struct cp_scan_config *cfg)
{
	free(cfg->inputs);
	free(cfg->logs);
	free(cfg->ca_files);
	free(cfg->ft_files);
	free(cfg->sni_owned);
	cfg->inputs = cfg->logs = cfg->ca_files = cfg->ft_files = NULL;
	cfg->sni_owned = NULL;
}

int cp_scan_parse_args(int argc, char **argv, const struct option *opts, struct cp_scan_config *cfg)
{
	int opt;

	cfg->inputs = calloc((size_t)argc + 1, sizeof *cfg->inputs);
	cfg->logs = calloc((size_t)argc + 1, sizeof *cfg->logs);
	cfg->ca_files = calloc((size_t)argc + 1, sizeof *cfg->ca_files);
	cfg->ft_files = calloc((size_t)argc + 1, sizeof *cfg->ft_files);
	if (!cfg->inputs || !cfg->logs || !cfg->ca_files || !cfg->ft_files) {
		cp_eprintf("cipherprobe scan: out of memory\n");
		return CP_EXIT_OSERR;
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:o:qvp:46h", opts, NULL)) != -1) {
		int st = NOT_MINE;
		if (opt == 'h')
			return CP_SCAN_PARSE_HELP;
		if (opt != '?' && opt != ':' && (st = opt_input(opt, optarg, cfg)) == NOT_MINE &&
		    (st = opt_output(opt, optarg, cfg)) == NOT_MINE &&
		    (st = opt_policy(opt, optarg, cfg)) == NOT_MINE &&
		    (st = opt_watch(opt, optarg, cfg)) == NOT_MINE &&
		    (st = opt_probe(opt, optarg, &cfg->probe)) == NOT_MINE)
			st = opt_network(opt, optarg, &cfg->probe);
		if (st == NOT_MINE) {
			cp_eprintf("see 'cipherprobe scan --help'\n");
			return CP_EXIT_USAGE;
		}
		if (st)
			return st;
	}
	cfg->targets = (const char *const *)argv + optind;
	cfg->ntargets = (size_t)(argc - optind);
	return -1;
}
