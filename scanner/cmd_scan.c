/* SPDX-License-Identifier: MIT */
/*
 * cipherprobe scan: the help text and the option table; the command line
 * into a scan configuration (scan_options.c), the run (scan_api.c), the
 * exit status.
 */
#include "config.h"

#include <stdio.h>

#include "commands.h"
#include "scan_api.h"
#include "scan_options.h"
#include "tls/chain.h"

/* the help text at column 0, as the terminal shows it */
/* clang-format off */
static const char scan_usage[] =
"usage: cipherprobe scan [OPTIONS] [TARGET...]\n"
"\n"
"Find the TLS versions, cipher suites and groups each target accepts.\n"
"TARGET is host, host:port, [v6addr]:port, or an https:// URL, optionally\n"
"followed by ,SNI to override the server name sent (default port 443).\n"
"\n"
"Input:\n"
"  -i, --input FILE|URL     read targets from FILE, one per line ('-' = stdin),\n"
"                           or fetch the list from an http(s) URL; blank lines\n"
"                           and # comments are skipped\n"
"      --from-decryption-log FILE  scan the servers a PAN-OS decryption log\n"
"                           shows failing on the server side (GUI CSV export,\n"
"                           syslog lines, HTTP-profile or Strata Logging Service\n"
"                           JSON), once each, with the failure count\n"
"      --log-format FORM    auto (default), gui-csv, syslog, syslog-VERSION,\n"
"                           http-json or cdl-json\n"
"      --from-panos-logs    scan the servers the decryption log of the --panos-host\n"
"                           firewall shows failing on the server side, read over\n"
"                           the XML API (the newest 5000 matching entries)\n"
"      --since DURATION     how far back to read the log: 90m, 24h (default), 7d\n"
"      --panos-log-wait S   seconds to wait for the firewall's log query (default 60)\n"
"      --sni NAME           send NAME as SNI to every target without its own\n"
"      --shard K/N          scan only shard K of N (1-based, 1 <= K <= N): the\n"
"                           targets whose input hashes (FNV-1a 64) to K; run\n"
"                           K=1..N on N machines, then 'cipherprobe merge'\n"
"\n"
"Output:\n"
"      --text               text for people (the default)\n"
"      --json               one JSON document (schema 1), targets in input order\n"
"      --jsonl              one JSON object per line, as each target finishes\n"
"  -o, --output FILE        write to FILE (atomically: temp file + rename)\n"
"      --html FILE          also write a self-contained HTML report to FILE:\n"
"                           summary and set commands, a sortable table, each\n"
"                           target's accepted matrix, charts\n"
"      --csv FILE           also write one CSV row per target to FILE\n"
"      --csv-suites FILE    also write one CSV row per accepted suite to FILE\n"
"      --color WHEN         auto (default), always, never\n"
"      --metrics FILE       also write Prometheus metrics to FILE (atomically), for\n"
"                           node_exporter's textfile collector\n"
"  -q, --quiet              no progress line on stderr\n"
"  -v, --verbose            more detail in text output\n"
"\n"
"Decryption profile (every target gets a verdict):\n"
"      --profile SPEC       PAN-OS XML (snippet, running config, API reply), a file\n"
"                           of set commands, SCM JSON, or a built-in: panos-default,\n"
"                           panos-recommended (the default)\n"
"      --profile-name NAME  the profile to use in a file that holds several, or\n"
"                           to read from the firewall with --panos-host\n"
"      --panos-host HOST    read the profile from a firewall or Panorama over the\n"
"                           XML API (key from CIPHERPROBE_PANOS_KEY or the file)\n"
"      --panos-key-file F   the API key, in a file only its owner can read\n"
"      --panos-vsys VSYS    the vsys to look in (default vsys1), then shared\n"
"      --panos-device-group DG  the Panorama device group to look in\n"
"      --cacert FILE        CA certificates (PEM) for the firewall's and any\n"
"                           https list's or webhook's certificate\n"
"      --client NAME        the browser whose hello the proxy narrows: chrome\n"
"                           (default), firefox, safari, any\n"
"      --proxy-hello FILE   replay the firewall's own ClientHello, captured in FILE\n"
"                           (pcap, pcapng or a hex dump), instead of the model's;\n"
"                           only its server_name is changed, to each target's\n"
"      --panos-version V    the PAN-OS release whose behaviour verdicts assume\n"
"                           (TLS 1.3 from 10.0, post-quantum groups stripped from\n"
"                           11.1; default: the newest the model knows)\n"
"      --verify             prove each fix: replay the fixed profile's hello and,\n"
"                           where OpenSSL can, complete a real handshake with it\n"
"                           (output then comes at the end, not as targets finish)\n"
"      --no-verdict         scan only: no profile, no replay, no verdicts\n"
"\n"
"Certificates (each chain is verified as sent, missing intermediates not fetched):\n"
"      --ca-file FILE       also trust the CA certificates (PEM) in FILE, like the\n"
"                           roots imported on the firewall; repeatable (the\n"
"                           default store is " CP_TRUST_DEFAULT_BUNDLE ")\n"
"      --forward-trust-ca FILE  the forward-trust CA certificate(s) (PEM) of a\n"
"                           decrypting proxy: a chain from it means this scan is\n"
"                           itself being decrypted; repeatable\n"
"\n"
"Watching (cron):\n"
"      --state FILE         compare with the scan saved in FILE (if any), report\n"
"                           regressions, then save this scan there atomically\n"
"      --notify URL         POST a JSON message (Slack/Teams webhook compatible)\n"
"      --notify-url-file F  the webhook URL, in a file only its owner can read\n"
"                           (else from CIPHERPROBE_NOTIFY_URL; --notify wins)\n"
"      --notify-on WHEN     regression (default), incompatible, always\n"
"      --notify-required    a failed notification makes the run fail (exit 75)\n"
"      --expiry-warn DAYS   a certificate expiring within DAYS is a regression\n"
"                           (default 14; 0: no expiry check)\n"
"\n"
"Probing:\n"
"      --strategy S         eliminate (default: many suites per hello, remove the\n"
"                           chosen one, repeat) or single (one suite per hello)\n"
"  -p, --protocols LIST     versions to probe, e.g. tls1.2,tls1.3\n"
"                           (default: sslv2,sslv3,tls1.0,tls1.1,tls1.2,tls1.3)\n"
"      --no-groups          do not enumerate groups and curves\n"
"      --no-preference      do not determine the server's suite order\n"
"      --no-sigalgs         do not find the signature schemes the server signs with\n"
"      --no-cert            do not read the certificate\n"
"      --max-suites N       suites per hello, at most 128 (default 128)\n"
"\n"
"Network:\n"
"  -4, -6                   use only IPv4 / IPv6 addresses\n"
"      --all-addresses      scan every address a name resolves to (one result each)\n"
"      --resolver IP[:PORT][,...]  DNS servers to ask (default: the system's)\n"
"      --concurrency N      connections in flight, all targets (default 256)\n"
"      --per-host N         connections in flight per address and port (default 4)\n"
"      --rate N             new connections per second, all targets (default: no limit)\n"
"      --connect-timeout S  seconds to wait for a TCP connection (default 5)\n"
"      --timeout S          seconds to wait for the answer to a hello (default 8)\n"
"      --target-timeout S   seconds of connection time one target may take, all\n"
"                           its probes (default: its expected probes / --per-host\n"
"                           + 4, times --timeout, + --connect-timeout; at most\n"
"                           600); then it is an error record, target-timeout,\n"
"                           with what was found until then\n"
"      --retries N          extra tries after a timeout or reset (default 1)\n"
"\n"
"Exit status: 0 every target scanned and compatible; 1 some target is\n"
"incompatible with the profile; 2 some targets could not be scanned (this\n"
"outranks 1); 3 a regression since the --state scan (outranks 1 and 2);\n"
"64 usage error; 65 unusable profile, input or state file; 66 an input\n"
"file is missing; 73 the output or state cannot be written; 75 the\n"
"notification failed with --notify-required.\n"
"\n'cipherprobe --version' prints the version.\n";
/* clang-format on */

static const struct option long_opts[] = {
	{ "input", required_argument, NULL, 'i' },
	{ "output", required_argument, NULL, 'o' },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "csv-suites", required_argument, NULL, OPT_CSV_SUITES },
	{ "jsonl", no_argument, NULL, OPT_JSONL },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "strategy", required_argument, NULL, OPT_STRATEGY },
	{ "protocols", required_argument, NULL, 'p' },
	{ "no-groups", no_argument, NULL, OPT_NO_GROUPS },
	{ "proxy-hello", required_argument, NULL, OPT_PROXY_HELLO },
	{ "no-preference", no_argument, NULL, OPT_NO_PREF },
	{ "no-sigalgs", no_argument, NULL, OPT_NO_SIGALGS },
	{ "no-cert", no_argument, NULL, OPT_NO_CERT },
	{ "max-suites", required_argument, NULL, OPT_MAX_SUITES },
	{ "all-addresses", no_argument, NULL, OPT_ALL_ADDR },
	{ "resolver", required_argument, NULL, OPT_RESOLVER },
	{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
	{ "per-host", required_argument, NULL, OPT_PER_HOST },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "target-timeout", required_argument, NULL, OPT_TARGET_TIMEOUT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "sni", required_argument, NULL, OPT_SNI },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "profile-name", required_argument, NULL, OPT_PROFILE_NAME },
	{ "client", required_argument, NULL, OPT_CLIENT },
	{ "no-verdict", no_argument, NULL, OPT_NO_VERDICT },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "panos-version", required_argument, NULL, OPT_PANOS_VERSION },
	{ "from-decryption-log", required_argument, NULL, OPT_DECLOG },
	{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
	{ "from-panos-logs", no_argument, NULL, OPT_FROM_PANOS_LOGS },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "panos-log-wait", required_argument, NULL, OPT_PANOS_LOG_WAIT },
	{ "panos-host", required_argument, NULL, OPT_PANOS_HOST },
	{ "panos-key-file", required_argument, NULL, OPT_PANOS_KEY_FILE },
	{ "panos-vsys", required_argument, NULL, OPT_PANOS_VSYS },
	{ "panos-device-group", required_argument, NULL, OPT_PANOS_DG },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "forward-trust-ca", required_argument, NULL, OPT_FORWARD_TRUST_CA },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "notify", required_argument, NULL, OPT_NOTIFY },
	{ "notify-on", required_argument, NULL, OPT_NOTIFY_ON },
	{ "notify-url-file", required_argument, NULL, OPT_NOTIFY_URL_FILE },
	{ "notify-required", no_argument, NULL, OPT_NOTIFY_REQUIRED },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "expiry-warn", required_argument, NULL, OPT_EXPIRY_WARN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const struct option *cp_scan_option_table(void)
{
	return long_opts;
}

int cmd_scan(int argc, char **argv)
{
	struct cp_scan_config cfg;
	struct cp_scan_outcome out;
	int rc;

	cp_scan_config_default(&cfg);
	rc = cp_scan_parse_args(argc, argv, long_opts, &cfg);
	if (rc == CP_SCAN_PARSE_HELP) {
		fputs(scan_usage, stdout);
		rc = CP_EXIT_OK;
	} else if (rc < 0) {
		rc = cp_scan_execute(&cfg, &out);
	}
	cp_scan_config_release(&cfg);
	return rc;
}
