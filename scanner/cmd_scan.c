/* SPDX-License-Identifier: MIT */
/*
 * cipherprobe scan: parse options and targets into one scan configuration,
 * run the engine, hand each result to the chosen writer.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "commands.h"
#include "fetch.h"
#include "input/declog.h"
#include "policy/panoslogs.h"
#include "input/hello_file.h"
#include "input/list.h"
#include "input/target.h"
#include "output/csv.h"
#include "output/file.h"
#include "output/metrics.h"
#include "output/html.h"
#include "output/output.h"
#include "output/sanitize.h"
#include "util.h"
#include "policy/advise.h"
#include "policy/firewall.h"
#include "policy/intercept.h"
#include "policy/offer.h"
#include "policy/panosapi.h"
#include "policy/profile.h"
#include "output/verdict.h"
#include "policy/verify.h"
#include "net/dns.h"
#include "tls/chain.h"
#include "tls/hello.h"
#include "tls/wire.h"
#include "probe/scan.h"
#include "registry.h"
#include "secretfile.h"
#include "watch.h"

/* --notify-url-file: room for the URL; the environment variable after it */
#define CP_NOTIFY_URL_MAX 4096
#define CP_NOTIFY_URL_ENV "CIPHERPROBE_NOTIFY_URL"

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

enum {
	OPT_JSON = 256, OPT_JSONL, OPT_TEXT, OPT_COLOR, OPT_STRATEGY, OPT_NO_GROUPS,
	OPT_NO_PREF, OPT_NO_CERT, OPT_ALL_ADDR, OPT_RESOLVER, OPT_CONCURRENCY,
	OPT_PER_HOST, OPT_RATE, OPT_CONNECT_TIMEOUT, OPT_TIMEOUT, OPT_RETRIES, OPT_SNI,
	OPT_MAX_SUITES, OPT_PROFILE, OPT_PROFILE_NAME, OPT_CLIENT, OPT_NO_VERDICT, OPT_VERIFY, OPT_DECLOG, OPT_PANOS_HOST, OPT_PANOS_KEY_FILE, OPT_PANOS_VSYS,
	OPT_PANOS_DG, OPT_CACERT, OPT_STATE, OPT_NOTIFY, OPT_NOTIFY_ON, OPT_NOTIFY_REQUIRED,
	OPT_PROXY_HELLO,
	OPT_EXPIRY_WARN,
	OPT_PANOS_VERSION,
	OPT_CA_FILE, OPT_FORWARD_TRUST_CA,
	OPT_NO_SIGALGS,
	OPT_TARGET_TIMEOUT,
	OPT_LOG_FORMAT,
	OPT_FROM_PANOS_LOGS, OPT_SINCE, OPT_PANOS_LOG_WAIT,
	OPT_METRICS,
	OPT_NOTIFY_URL_FILE,
	OPT_HTML,
	OPT_CSV, OPT_CSV_SUITES,
};

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

/* Targets collected from arguments and lists; strings owned here. */
struct target_set {
	struct cp_scan_target *t;
	struct cp_target *parsed;  /* parallel to t: owns host/sni/input */
	char **errors;             /* parallel: owned error message or NULL */
	char **logerr;             /* parallel: decryption-log error text or NULL */
	char **logseen;            /* parallel: "first\0last" seen, or NULL */
	size_t n, cap;
	const char *sni_override;
};

static int set_push(struct target_set *s, struct cp_target *pt, const char *input,
		    size_t line, const char *error)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct cp_scan_target *t = realloc(s->t, cap * sizeof *t);
		if (!t)
			return -1;
		s->t = t;
		struct cp_target *p = realloc(s->parsed, cap * sizeof *p);
		if (!p)
			return -1;
		s->parsed = p;
		char **e = realloc(s->errors, cap * sizeof *e);
		if (!e)
			return -1;
		s->errors = e;
		e = realloc(s->logerr, cap * sizeof *e);
		if (!e)
			return -1;
		s->logerr = e;
		e = realloc(s->logseen, cap * sizeof *e);
		if (!e)
			return -1;
		s->logseen = e;
		s->cap = cap;
	}
	size_t i = s->n;
	memset(&s->parsed[i], 0, sizeof s->parsed[i]);
	memset(&s->t[i], 0, sizeof s->t[i]);
	s->t[i].line = line;
	s->errors[i] = NULL;
	s->logerr[i] = NULL;
	s->logseen[i] = NULL;
	if (pt) {
		s->parsed[i] = *pt;
		memset(pt, 0, sizeof *pt);
	} else {
		/* an unusable target is shown too: without URL secrets */
		s->parsed[i].input = cp_target_redact(input ? input : "");
		s->errors[i] = strdup(error);
		if (!s->parsed[i].input || !s->errors[i]) {
			free(s->parsed[i].input);
			free(s->errors[i]);
			return -1;
		}
	}
	s->n++;
	return 0;
}

/*
 * --proxy-hello: the firewall's own hello, captured, replaces the model's
 * in the replay; its groups and signature schemes become the firewall's
 * in the verdicts (suites still follow the profile, which fixes change).  An exit
 * status: CP_EXIT_OK, or why not after saying so.
 */
static int load_proxy_hello(const char *path, bool quiet, struct cp_hellofile *hf, struct cp_replay_hello *rh)
{
	char err[512];
	int st = cp_hellofile_load(path, hf, err, sizeof err);

	if (st != CP_HELLOFILE_OK) {
		cp_eprintf("cipherprobe scan: --proxy-hello %s\n", err);
		return st == CP_HELLOFILE_E_OPEN ? CP_EXIT_NOINPUT : st == CP_HELLOFILE_E_NOMEM ? CP_EXIT_OSERR
											: CP_EXIT_DATAERR;
	}
	cp_offer_capture_hello(hf->hello, hf->raw, hf->len, rh);
	if (!quiet)
		cp_eprintf("cipherprobe scan: replaying the ClientHello captured in %s (%s): %zu bytes, "
			"%zu suites, server_name %s%s\n", path, hf->origin, hf->len, rh->nsuites,
			rh->raw_sni ? rh->raw_sni : "none",
			rh->raw_sni ? " (changed to each target's own SNI, kept where it has none)" : " (sent as captured)");
	return CP_EXIT_OK;
}

/* Point the engine's view at the owned strings (after all pushes: the
 * arrays may move while they grow). */
static void set_finish(struct target_set *s, const struct cp_replay_hello *replay)
{
	for (size_t i = 0; i < s->n; i++) {
		struct cp_target *p = &s->parsed[i];
		struct cp_scan_target *t = &s->t[i];
		t->replay = replay;
		t->log_error = s->logerr[i];
		if (s->logseen[i]) {
			t->log_first_seen = s->logseen[i];
			t->log_last_seen = s->logseen[i] + strlen(s->logseen[i]) + 1;
		}
		t->input = p->input;
		t->host = p->host;
		t->port = p->port;
		t->error = s->errors[i];
		if (p->sni_set) {
			t->sni_set = true;
			t->sni = p->sni;
		} else if (s->sni_override) {
			t->sni_set = true;
			t->sni = *s->sni_override ? s->sni_override : NULL;
		}
	}
}

static void set_free(struct target_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		cp_target_free(&s->parsed[i]);
		free(s->errors[i]);
		free(s->logerr[i]);
		free(s->logseen[i]);
	}
	free(s->t);
	free(s->parsed);
	free(s->errors);
	free(s->logerr);
	free(s->logseen);
}

struct list_ctx {
	struct target_set *set;
	size_t *lines;             /* line numbers, parallel to the set */
};

static int on_line(const struct cp_list_line *l, void *data)
{
	struct target_set *s = data;
	if (l->error) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s:%zu: %s", l->name, l->lineno, l->error);
		if (set_push(s, NULL, l->text, l->lineno, msg))
			return -1;
	} else if (set_push(s, l->target, NULL, l->lineno, NULL)) {
		return -1;
	}
	return 0;
}

/* A decryption-log entry: a unique failing target, or a bad row. */
static int on_declog(const struct cp_declog_entry *e, void *data)
{
	struct target_set *s = data;
	if (e->error) {
		char msg[512];
		if (e->row && e->line)
			snprintf(msg, sizeof msg, "%s:%zu: row %zu: %s", e->name, e->line, e->row,
				 e->error);
		else if (e->row)
			snprintf(msg, sizeof msg, "%s: row %zu: %s", e->name, e->row, e->error);
		else
			snprintf(msg, sizeof msg, "%s: %s", e->name, e->error);
		return set_push(s, NULL, e->name, e->row, msg);
	}
	if (set_push(s, e->target, NULL, e->row, NULL))
		return -1;
	s->t[s->n - 1].log_failures = e->failures;
	if (e->error_text && *e->error_text && !(s->logerr[s->n - 1] = strdup(e->error_text)))
		return -1;
	if (e->first_seen && *e->first_seen) {
		size_t a = strlen(e->first_seen) + 1, b = strlen(e->last_seen) + 1;
		char *p = malloc(a + b);
		if (!p)
			return -1;
		memcpy(p, e->first_seen, a);
		memcpy(p + a, e->last_seen, b);
		s->logseen[s->n - 1] = p;
	}
	return 0;
}

static bool is_url(const char *s)
{
	return !strncasecmp(s, "https://", 8) || !strncasecmp(s, "http://", 7);
}

/* -i URL: fetch the list with libcurl, then read it like a file.  The
 * list is named by its origin only: a URL may carry a token. */
static int read_url_list(const char *url, const char *cacert, struct target_set *set)
{
	char *text = NULL, err[512], origin[300];
	size_t len = 0;
	int rc = 0;

	cp_http_origin(url, origin, sizeof origin);
	if (cp_fetch_list(url, cacert, &text, &len, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe scan: cannot fetch the target list: %s\n", err);
		return CP_EXIT_NOINPUT;
	}
	FILE *f = len ? fmemopen(text, len, "r") : NULL;
	if (len && !f) {
		cp_eprintf("cipherprobe scan: %s: %s\n", origin, strerror(errno));
		rc = CP_EXIT_OSERR;
	} else if (f && cp_list_read(f, origin, on_line, set)) {
		cp_eprintf("cipherprobe scan: reading the list from %s failed: %s\n", origin,
			strerror(errno ? errno : EIO));
		rc = CP_EXIT_NOINPUT;
	}
	if (f)
		fclose(f);
	free(text);
	return rc;
}

/* --panos-host: the profile straight from the firewall's XML API. */
static int load_panos_profile(const char *host, const char *key_file, const char *name,
			      const char *vsys, const char *dg, const char *cacert, struct cp_profile *out)
{
	char key[CP_PANOS_KEY_MAX], err[1024];
	struct cp_panos_req rq = {
		.host = host, .key = key, .profile = name, .vsys = vsys,
		.device_group = dg, .cacert = cacert,
	};
	int rc = 0;

	if (cp_panos_key_load(key_file, key, sizeof key, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe scan: %s\n", err);
		return -1;
	}
	if (cp_panos_fetch_profile(&rq, out, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe scan: %s\n", err);
		rc = -1;
	}
	/* the key does not outlive its use */
	OPENSSL_cleanse(key, sizeof key);
	return rc;
}

/* --from-panos-logs: the failing servers from the firewall's decryption log. */
static int read_panos_logs(const char *host, const char *key_file, const char *cacert, long since_s,
			   unsigned wait_ms, bool quiet, struct target_set *set)
{
	char key[CP_PANOS_KEY_MAX], err[1024], name[320];
	struct cp_panos_req rq = { .host = host, .key = key, .cacert = cacert };
	struct cp_panos_logs_opts lo = { .since_s = since_s, .wait_ms = (long)wait_ms };
	struct cp_panos_logs_stats ls;
	struct cp_declog_stats st;
	struct cp_declog *dl = NULL;
	int rc = CP_EXIT_OK;

	if (cp_panos_key_load(key_file, key, sizeof key, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe scan: --from-panos-logs: %s\n", err);
		return CP_EXIT_DATAERR;
	}
	dl = cp_declog_new();
	if (!dl) {
		OPENSSL_cleanse(key, sizeof key);
		cp_eprintf("cipherprobe scan: out of memory\n");
		return CP_EXIT_OSERR;
	}
	if (cp_panos_fetch_logs(&rq, &lo, dl, &ls, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe scan: --from-panos-logs: %s\n", err);
		rc = CP_EXIT_NOINPUT;
		goto out;
	}
	snprintf(name, sizeof name, "%s decryption log", host);
	if (cp_declog_report(dl, name, on_declog, set, &st)) {
		cp_eprintf("cipherprobe scan: out of memory\n");
		rc = CP_EXIT_OSERR;
		goto out;
	}
	if (!quiet)
		cp_eprintf("cipherprobe scan: %s (last %ld s, job %s): %zu entries, %zu server-side "
			"failures on %zu targets, %zu entries of other failures left out, %zu bad "
			"entries\n", name, since_s, ls.job, st.rows, st.kept, st.targets, st.filtered,
			st.bad);
	if (ls.capped)
		cp_eprintf("cipherprobe scan: %s: the reply holds the most entries one query "
			"returns (%d); older failures may be missing: give a shorter --since\n", name,
			CP_PANOS_LOGS_MAX);
out:
	OPENSSL_cleanse(key, sizeof key);
	cp_declog_free(dl);
	return rc;
}

static int parse_uint(const char *opt, const char *v, unsigned long min, unsigned long max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < min || n > max) {
		cp_eprintf("cipherprobe scan: %s expects a whole number from %lu to %lu, not '%s'\n",
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
		cp_eprintf("cipherprobe scan: %s expects seconds (0.001 to 3600), not '%s'\n", opt, v);
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
				"(use sslv2, sslv3, tls1.0, tls1.1, tls1.2, tls1.3)\n", tok);
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

/* An extra output file (--csv, --csv-suites), written atomically. */
struct csv_out {
	const struct cp_output_ops *ops;  /* NULL: not asked for */
	const char *path;
	struct cp_out out;
	struct cp_atomic at;
	bool open;                        /* at holds a temporary file */
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
	struct cp_result **kept;   /* incompatible results, for the fleet summary */
	size_t nkept, capkept;
	bool hold;                 /* --verify: keep every result, write at the end */
	struct cp_result **held;
	size_t nheld, capheld;
	int nomem;
	const struct cp_output_ops *ops;
	struct cp_out out;
	struct cp_html *html;      /* --html: the report collects every result */
	struct csv_out csv[2];     /* --csv, --csv-suites: written beside out */
	struct cp_summary sum;
	int write_failed;
	bool progress;
	uint64_t last_progress_ms;
	uint64_t started_ms;
	size_t total;
	struct cp_metrics *metrics;  /* --metrics, else NULL */
};

static bool push_result(struct cp_result ***arr, size_t *n, size_t *cap, struct cp_result *r)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct cp_result **k = realloc(*arr, ncap * sizeof *k);
		if (!k)
			return false;
		*arr = k;
		*cap = ncap;
	}
	(*arr)[(*n)++] = r;
	return true;
}

/* Keep r for the fleet summary; returns whether it was kept. */
static bool keep(struct run_ctx *c, struct cp_result *r)
{
	return push_result(&c->kept, &c->nkept, &c->capkept, r);
}

/*
 * Write r and keep it for the fleet summary when incompatible.  Streamed
 * results are owned here (freed unless kept); held ones stay in c->held,
 * which owns them, so kept only borrows them.
 */
static void deliver(struct run_ctx *c, struct cp_result *r)
{
	if (c->ops->target(&c->out, r) < 0)
		c->write_failed = 1;
	if (c->html && cp_html_add_result(c->html, r) < 0)
		c->nomem = 1;
	for (size_t i = 0; i < 2; i++)
		if (c->csv[i].ops && !c->csv[i].failed && c->csv[i].ops->target(&c->csv[i].out, r) < 0)
			c->csv[i].failed = true;
	bool kept = r->verdict && !r->verdict->compatible && keep(c, r);
	if (!kept && !c->hold)
		cp_result_free(r);
}

static void on_result(void *data, struct cp_result *r)
{
	struct run_ctx *c = data;

	cp_summary_add(&c->sum, r);
	if (c->trust && r->nchain) {
		/* before the verdict, which weighs the chain against the profile */
		char *ft = NULL;
		if (cp_chain_check(r->chain, r->nchain, c->trust, r->sni ? r->sni : r->host,
				   time(NULL), &r->cert) < 0 ||
		    cp_chain_issued_by(r->chain, r->nchain, c->forward_trust, &ft) < 0 ||
		    cp_intercept_observe(c->intercept, r, ft) < 0)
			c->nomem = 1;
		free(ft);
	}
	if (c->profile && r->ok) {
		cp_result_set_verdict(r, cp_advise(r, c->profile, c->client, c->firewall), cp_verdict_free);
		if (!r->verdict)
			c->nomem = 1;
		else if (r->verdict->compatible)
			c->sum.compatible++;
		else
			c->sum.incompatible++;
	}
	if (c->metrics && cp_metrics_add(c->metrics, r) < 0)
		c->nomem = 1;
	if (c->hold) {
		if (!push_result(&c->held, &c->nheld, &c->capheld, r)) {
			c->nomem = 1;
			cp_result_free(r);
		}
		return;
	}
	deliver(c, r);
}

/* ---- --verify ---- */

struct verify_ctx {
	struct cp_result **res;   /* the held result each replay target stands for */
};

static void set_verified(struct cp_verdict *v, int verified, const char *msg)
{
	v->verified = verified;
	free(v->verify_msg);
	v->verify_msg = strdup(msg);
}

static void on_verify_replay(void *data, struct cp_result *r2)
{
	struct verify_ctx *vc = data;
	struct cp_result *r = vc->res[r2->index];
	/* carry the replay of the fixed hello over in the verdict's message;
	 * the handshake proof below may still overrule it */
	const struct cp_replay *rp = &r2->replay;
	char msg[256];
	if (!r2->ok)
		snprintf(msg, sizeof msg, "the fixed hello could not be replayed: %s", r2->err_msg ? r2->err_msg : "error");
	else if (rp->accepted) {
		const struct cp_suite *s = cp_suite_by_id(rp->suite);
		int p = cp_proto_from_wire(rp->version);
		snprintf(msg, sizeof msg, "the server answers the fixed hello with %s (%s)",
			 s ? s->name : "?", p >= 0 ? cp_proto_name((enum cp_proto)p) : "?");
	} else if (rp->alert_seen)
		snprintf(msg, sizeof msg, "the server refuses the fixed hello too (alert %s)", cp_alert_name(rp->alert));
	else
		snprintf(msg, sizeof msg, "the server refuses the fixed hello too (%s)",
			 rp->timeout ? "no answer" : "connection closed");
	set_verified(r->verdict, r2->ok && rp->accepted ? 1 : 0, msg);
	cp_result_free(r2);
}

/* One proof handshake: the target's verdict and the client it needs. */
struct proof {
	struct cp_verdict *v;
	SSL_CTX *ctx;
	size_t skipped;
	struct sockaddr_storage ss;
};

static void on_proof(void *data, size_t i, const struct cp_tlsconn_report *rep)
{
	struct proof *p = &((struct proof *)data)[i];
	char msg[512], both[768];
	uint16_t ver, suite;
	int st = cp_verify_judge(rep, p->skipped, &ver, &suite, msg, sizeof msg);
	if (st == CP_VERIFY_PROVEN || st == CP_VERIFY_FAILED) {
		set_verified(p->v, st == CP_VERIFY_PROVEN, msg);
		return;
	}
	/* keep the replay's word, and say why no handshake */
	snprintf(both, sizeof both, "%s; %s", p->v->verify_msg ? p->v->verify_msg : "", msg);
	set_verified(p->v, 0, both);
}

/*
 * The real handshakes of the fixes the replay confirmed, all on one event
 * loop (a few at a time, --per-host to one server), each bounded as a
 * whole by --timeout.  0, or -1 with errno when they cannot run at all.
 */
static int prove_all(struct cp_result **res, const struct cp_offer *offers, size_t k,
		     const struct cp_scan_opts *base)
{
	struct proof *p = calloc(k ? k : 1, sizeof *p);
	struct cp_tlsconn_req *rq = calloc(k ? k : 1, sizeof *rq);
	size_t n = 0;
	int rc = -1;
	if (!p || !rq) {
		errno = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < k; i++) {
		struct cp_verdict *v = res[i]->verdict;
		char msg[512], both[768];
		int st;
		if (v->verified != 1 || !cp_dns_parse_literal(res[i]->address, &p[n].ss))
			continue;
		if (p[n].ss.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&p[n].ss)->sin6_port = htons(res[i]->port);
		else
			((struct sockaddr_in *)&p[n].ss)->sin_port = htons(res[i]->port);
		p[n].v = v;
		p[n].ctx = cp_verify_ctx_new(&offers[i], &p[n].skipped, &st, msg, sizeof msg);
		if (!p[n].ctx) {
			snprintf(both, sizeof both, "%s; %s", v->verify_msg ? v->verify_msg : "", msg);
			set_verified(v, 0, both);
			continue;
		}
		rq[n] = (struct cp_tlsconn_req){
			.addr = (struct sockaddr *)&p[n].ss, .addrlen = cp_dns_addrlen(&p[n].ss), .ctx = p[n].ctx,
			.sni = res[i]->sni && !cp_is_ip_literal(res[i]->sni) ? res[i]->sni : NULL,
			.timeout_ms = base->timeout_ms,
		};
		n++;
	}
	rc = cp_tlsconn_run_all(rq, n, base->concurrency < 8 ? base->concurrency : 8, base->per_host, on_proof, p);
out:
	for (size_t i = 0; p && i < n; i++)
		SSL_CTX_free(p[i].ctx);
	free(p);
	free(rq);
	return rc;
}

/*
 * Prove each fix: replay the fixed profile's hello on the event loop (all
 * targets at once), then, for those the server answered, a real OpenSSL
 * handshake offering exactly that hello.  A fix is proven only by the
 * handshake; where OpenSSL here lacks the suites, the replay is the proof
 * and the message says so.
 */
static int run_verify(struct run_ctx *c, const struct cp_scan_opts *base, char *err, size_t errlen)
{
	size_t n = 0, k = 0;
	int rc = -1;
	for (size_t i = 0; i < c->nheld; i++)
		if (c->held[i]->verdict && !c->held[i]->verdict->compatible && c->held[i]->verdict->fix)
			n++;
	if (!n)
		return 0;
	struct cp_scan_target *t = calloc(n, sizeof *t);
	struct cp_offer *offers = calloc(n, sizeof *offers);
	struct cp_replay_hello *hellos = calloc(n, sizeof *hellos);
	struct cp_result **res = calloc(n, sizeof *res);
	if (!t || !offers || !hellos || !res) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < c->nheld; i++) {
		struct cp_result *r = c->held[i];
		struct cp_profile fixed;
		char perr[256];
		if (!r->verdict || r->verdict->compatible || !r->verdict->fix)
			continue;
		if (cp_profile_apply(c->profile, r->verdict->fix, &fixed, perr, sizeof perr) < 0 ||
		    cp_firewall_offer(c->firewall, &fixed, c->client, &offers[k]) < 0 || !r->address) {
			set_verified(r->verdict, 0, "the fix does not give the proxy a hello to send");
			continue;
		}
		res[k] = r;
		cp_offer_replay_hello(&offers[k], &hellos[k]);
		t[k] = (struct cp_scan_target){
			.input = r->input, .host = r->address, .port = r->port,
			.sni = r->sni, .sni_set = true, .line = r->line, .replay = &hellos[k],
		};
		k++;
	}
	struct cp_scan_opts o = *base;
	o.replay_only = true;
	o.all_addresses = false;
	struct verify_ctx vc = { .res = res };
	if (cp_scan_run(&o, t, k, on_verify_replay, NULL, &vc, err, errlen) < 0)
		goto out;
	if (prove_all(res, offers, k, base) < 0) {
		snprintf(err, errlen, "cannot run the handshakes: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(t);
	free(offers);
	free(hellos);
	free(res);
	return rc;
}

/* summary.recommendation from the fleet advice; 0, or -1 without memory. */
static int recommend(struct run_ctx *c, struct cp_fleet *fl, struct cp_recommendation *rec,
		     char **scm)
{
	memset(rec, 0, sizeof *rec);
	if (cp_advise_fleet((const struct cp_result *const *)c->kept, c->nkept, c->profile, fl) < 0)
		return -1;
	rec->changes = (const char *const *)fl->changes;
	rec->nchanges = fl->nchanges;
	rec->change_fixes = fl->change_fixes;
	rec->fixes = fl->fixes;
	rec->no_decrypt = (const char *const *)fl->no_decrypt;
	rec->nno_decrypt = fl->nno_decrypt;
	rec->commands = (const char *const *)fl->commands;
	rec->ncommands = fl->ncommands;
	if (c->profile->scm && fl->nchanges) {
		*scm = cp_changes_scm_patch(fl->changes, fl->nchanges);
		if (!*scm)
			return -1;
		rec->scm_patch = *scm;
	}
	return 0;
}

static void on_progress(void *data, size_t done, size_t total, size_t inflight, size_t errors)
{
	struct run_ctx *c = data;
	if (!c->progress)
		return;
	uint64_t now = cp_clock_ms();
	if (done < total && now - c->last_progress_ms < 200)
		return;
	c->last_progress_ms = now;
	uint64_t el = (now - c->started_ms) / 1000;
	fprintf(stderr, "\r\033[K%zu/%zu targets, %zu connections in flight, %zu error%s, %um%02us",
		done, total, inflight, errors, errors == 1 ? "" : "s", (unsigned)(el / 60), (unsigned)(el % 60));
	if (done && done < total) {
		/* the rate so far, over what is left */
		uint64_t left = (now - c->started_ms) * (total - done) / done / 1000;
		fprintf(stderr, ", about %um%02us left", (unsigned)(left / 60), (unsigned)(left % 60));
	}
	if (done == total)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

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
		cp_eprintf("cipherprobe scan: --metrics: writing %s failed: %s\n", path, strerror(errno));
		cp_atomic_abort(&at);
		return -1;
	}
	if (cp_atomic_commit(&at) < 0) {
		cp_eprintf("cipherprobe scan: --metrics: cannot write %s: %s\n", path, at.err);
		return -1;
	}
	return 0;
}

/* One PEM file into a store; a usage-grade message naming the option and
 * the file.  CP_EXIT_OK, CP_EXIT_NOINPUT (missing) or CP_EXIT_DATAERR. */
static int trust_file(struct cp_trust *t, const char *opt, const char *path)
{
	char err[512];

	if (cp_trust_add_file(t, path, CP_TRUST_ADMIN, err, sizeof err) >= 0)
		return CP_EXIT_OK;
	cp_eprintf("cipherprobe scan: %s: %s\n", opt, err);
	return access(path, F_OK) < 0 ? CP_EXIT_NOINPUT : CP_EXIT_DATAERR;
}

/*
 * The trust store for chain verification (default bundle + --ca-file),
 * the --forward-trust-ca certificates and the interception detector.
 * Nothing is built with --no-cert (no chain to verify).  Returns
 * CP_EXIT_OK or the exit status after a message.
 */
static int load_trust(bool certificate, const char *const *ca, size_t nca,
		      const char *const *ft, size_t nft, struct cp_trust **trust,
		      struct cp_trust **forward_trust, struct cp_intercept_set **intercept)
{
	char err[512];
	int rc;

	if (!certificate) {
		if (!nca && !nft)
			return CP_EXIT_OK;
		cp_eprintf("cipherprobe scan: --no-cert excludes --ca-file and --forward-trust-ca\n");
		return CP_EXIT_USAGE;
	}
	*trust = cp_trust_new();
	*intercept = cp_intercept_set_new();
	if (nft)
		*forward_trust = cp_trust_new();
	if (!*trust || !*intercept || (nft && !*forward_trust)) {
		cp_eprintf("cipherprobe scan: out of memory\n");
		return CP_EXIT_OSERR;
	}
	/* without the default bundle only --ca-file roots are trusted: say so,
	 * but scan anyway (the dates, names and chains still tell) */
	if (cp_trust_add_default(*trust, err, sizeof err) < 0)
		cp_eprintf("cipherprobe scan: warning: default trust store unusable (%s); "
			"only --ca-file roots are trusted\n", err);
	for (size_t i = 0; i < nca; i++)
		if ((rc = trust_file(*trust, "--ca-file", ca[i])) != CP_EXIT_OK)
			return rc;
	for (size_t i = 0; i < nft; i++)
		if ((rc = trust_file(*forward_trust, "--forward-trust-ca", ft[i])) != CP_EXIT_OK)
			return rc;
	return CP_EXIT_OK;
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
				cp_eprintf("cipherprobe scan: %s - needs -o FILE for the main output\n",
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

static void csv_cleanup_all(struct run_ctx *c)
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
				cp_eprintf("cipherprobe scan: cannot write %s: %s\n", x->path, x->at.err);
				rc = CP_EXIT_CANTCREAT;
			}
		}
	}
	return rc;
}

/* The interception warning, on stderr whatever the output format: every
 * result of this run describes the proxy. */
static void warn_interception(const struct cp_intercept *i)
{
	char *issuer = cp_sanitize(i->issuer);  /* from a certificate: untrusted */

	cp_eprintf("cipherprobe scan: WARNING: this scan is being decrypted; results describe "
		"the proxy, not the servers (%zu target%s signed by %s'%s')\n",
		i->targets, i->targets == 1 ? "" : "s",
		i->forward_trust ? "the --forward-trust-ca certificate " : "", issuer ? issuer : "?");
	free(issuer);
}

int cmd_scan(int argc, char **argv)
{
	struct cp_scan_opts so;
	struct target_set set = { 0 };
	const char *outfmt = "text", *outpath = NULL, *color = "auto", *metrics_path = NULL;
	const char **inputs = NULL, **logs = NULL;
	size_t ninputs = 0, nlogs = 0;
	struct cp_declog_format logfmt = { .form = CP_DECLOG_AUTO };
	bool quiet = false, verdicts = true, verify = false;
	const char *profile_spec = NULL, *profile_name = NULL, *client_name = "chrome";
	const char *panos_version = NULL;
	struct cp_firewall firewall;
	struct cp_offer captured;          /* --proxy-hello as the firewall's model */
	const char *panos_host = NULL, *panos_key_file = NULL, *panos_vsys = NULL, *panos_dg = NULL;
	bool from_panos_logs = false, since_given = false;
	long since_s = CP_PANOS_SINCE_DEFAULT;
	unsigned log_wait_ms = 0;
	struct cp_hellofile capture = { 0 };
	const char *cacert = NULL, *proxy_hello = NULL;
	const char **ca_files = NULL, **ft_files = NULL;
	size_t nca_files = 0, nft_files = 0;
	struct cp_trust *trust = NULL, *forward_trust = NULL;
	struct cp_intercept icpt = { 0 };
	struct cp_watch_opts wo = { 0 };
	struct cp_watch_outcome wout = { 0 };
	struct cp_profile profile;
	const struct cp_client *client = NULL;
	struct cp_offer offer;
	struct cp_replay_hello *replay = NULL;
	struct cp_fleet fleet;
	char *fleet_scm = NULL;
	struct cp_recommendation rec;
	bool have_fleet = false;
	struct run_ctx ctx;
	int verbosity = 0, rc = CP_EXIT_USAGE, opt;
	struct cp_atomic at = { 0 };
	bool at_open = false;
	const char *htmlpath = NULL;
	struct cp_atomic hat = { 0 };  /* --html FILE */
	FILE *hf = NULL;
	char err[512];
	char *sni_override = NULL;    /* --sni, checked and lower-cased */
	const char *notify_url_file = NULL;
	char *notify_url = NULL;      /* read from --notify-url-file */

	cp_scan_opts_default(&so);
	memset(&ctx, 0, sizeof ctx);
	memset(&fleet, 0, sizeof fleet);
	inputs = calloc((size_t)argc + 1, sizeof *inputs);
	logs = calloc((size_t)argc + 1, sizeof *logs);
	ca_files = calloc((size_t)argc + 1, sizeof *ca_files);
	ft_files = calloc((size_t)argc + 1, sizeof *ft_files);
	if (!inputs || !logs || !ca_files || !ft_files) {
		free(inputs);
		free(logs);
		free(ca_files);
		free(ft_files);
		cp_eprintf("cipherprobe scan: out of memory\n");
		return CP_EXIT_OSERR;
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:o:qvp:46h", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'i': inputs[ninputs++] = optarg; break;
		case 'o': outpath = optarg; break;
		case OPT_METRICS: metrics_path = optarg; break;
		case OPT_HTML: htmlpath = optarg; break;
		case OPT_JSON: outfmt = "json"; break;
		case OPT_CSV: ctx.csv[0].ops = &cp_output_csv; ctx.csv[0].path = optarg; break;
		case OPT_CSV_SUITES: ctx.csv[1].ops = &cp_output_csv_suites; ctx.csv[1].path = optarg; break;
		case OPT_JSONL: outfmt = "jsonl"; break;
		case OPT_TEXT: outfmt = "text"; break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
				cp_eprintf("cipherprobe scan: --color expects auto, always or never, not '%s'\n", optarg);
				goto out;
			}
			color = optarg;
			break;
		case 'q': quiet = true; break;
		case 'v': verbosity++; break;
		case OPT_STRATEGY:
			if (!strcmp(optarg, "eliminate"))
				so.strategy = CP_STRATEGY_ELIMINATE;
			else if (!strcmp(optarg, "single"))
				so.strategy = CP_STRATEGY_SINGLE;
			else {
				cp_eprintf("cipherprobe scan: --strategy expects eliminate or single, not '%s'\n", optarg);
				goto out;
			}
			break;
		case 'p':
			if (parse_protocols(optarg, &so.versions))
				goto out;
			break;
		case OPT_NO_GROUPS: so.groups = false; break;
		case OPT_NO_SIGALGS: so.sigalgs = false; break;
		case OPT_NO_PREF: so.preference = false; break;
		case OPT_NO_CERT: so.certificate = false; break;
		case OPT_MAX_SUITES:
			if (parse_uint("--max-suites", optarg, 1, 128, &so.max_suites))
				goto out;
			break;
		case '4': so.family = AF_INET; break;
		case '6': so.family = AF_INET6; break;
		case OPT_ALL_ADDR: so.all_addresses = true; break;
		case OPT_RESOLVER: so.resolver = optarg; break;
		case OPT_CONCURRENCY:
			if (parse_uint("--concurrency", optarg, 1, 100000, &so.concurrency))
				goto out;
			break;
		case OPT_PER_HOST:
			if (parse_uint("--per-host", optarg, 1, 64, &so.per_host))
				goto out;
			break;
		case OPT_RATE: {
			char *end;
			errno = 0;
			so.rate = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(so.rate > 0) || so.rate > 1e6) {
				cp_eprintf("cipherprobe scan: --rate expects connections per second (> 0), not '%s'\n", optarg);
				goto out;
			}
			break;
		}
		case OPT_CONNECT_TIMEOUT:
			if (parse_seconds("--connect-timeout", optarg, &so.connect_timeout_ms))
				goto out;
			break;
		case OPT_TIMEOUT:
			if (parse_seconds("--timeout", optarg, &so.timeout_ms))
				goto out;
			break;
		case OPT_TARGET_TIMEOUT:
			if (parse_seconds("--target-timeout", optarg, &so.target_timeout_ms))
				goto out;
			break;
		case OPT_RETRIES:
			if (parse_uint("--retries", optarg, 0, 5, &so.retries))
				goto out;
			break;
		case OPT_SNI: {
			/* checked as a ",SNI" suffix is: a bad name fails every target */
			int st;
			free(sni_override);
			st = cp_target_check_sni(optarg, &sni_override, err, sizeof err);
			if (st == CP_TARGET_NOMEM) {
				cp_eprintf("cipherprobe scan: out of memory\n");
				rc = CP_EXIT_OSERR;
				goto out;
			}
			if (st) {
				cp_eprintf("cipherprobe scan: --sni: %s\n", err);
				goto out;
			}
			/* "" sends no SNI at all, as "host," does */
			set.sni_override = sni_override ? sni_override : "";
			break;
		}
		case OPT_PROFILE: profile_spec = optarg; break;
		case OPT_PROFILE_NAME: profile_name = optarg; break;
		case OPT_CLIENT: client_name = optarg; break;
		case OPT_NO_VERDICT: verdicts = false; break;
		case OPT_VERIFY: verify = true; break;
		case OPT_PROXY_HELLO: proxy_hello = optarg; break;
		case OPT_PANOS_VERSION: panos_version = optarg; break;
		case OPT_DECLOG: logs[nlogs++] = optarg; break;
		case OPT_LOG_FORMAT:
			if (cp_declog_format_parse(optarg, &logfmt, err, sizeof err)) {
				cp_eprintf("cipherprobe scan: --log-format: %s\n", err);
				goto out;
			}
			break;
		case OPT_FROM_PANOS_LOGS: from_panos_logs = true; break;
		case OPT_SINCE:
			if (cp_panos_parse_since(optarg, &since_s, err, sizeof err) < 0) {
				cp_eprintf("cipherprobe scan: %s\n", err);
				goto out;
			}
			since_given = true;
			break;
		case OPT_PANOS_LOG_WAIT:
			if (parse_seconds("--panos-log-wait", optarg, &log_wait_ms) < 0)
				goto out;
			break;
		case OPT_PANOS_HOST: panos_host = optarg; break;
		case OPT_PANOS_KEY_FILE: panos_key_file = optarg; break;
		case OPT_PANOS_VSYS: panos_vsys = optarg; break;
		case OPT_PANOS_DG: panos_dg = optarg; break;
		case OPT_CACERT: cacert = optarg; break;
		case OPT_CA_FILE: ca_files[nca_files++] = optarg; break;
		case OPT_FORWARD_TRUST_CA: ft_files[nft_files++] = optarg; break;
		case OPT_STATE: wo.state = optarg; break;
		case OPT_NOTIFY: wo.notify_url = optarg; break;
		case OPT_NOTIFY_URL_FILE: notify_url_file = optarg; break;
		case OPT_NOTIFY_REQUIRED: wo.notify_required = true; break;
		case OPT_EXPIRY_WARN: {
			unsigned days;
			if (parse_uint("--expiry-warn", optarg, 0, 3650, &days))
				goto out;
			wo.expiry_warn_days = days ? (int)days : -1;
			break;
		}
		case OPT_NOTIFY_ON:
			if (!strcmp(optarg, "regression"))
				wo.notify_on = CP_NOTIFY_ON_REGRESSION;
			else if (!strcmp(optarg, "incompatible"))
				wo.notify_on = CP_NOTIFY_ON_INCOMPATIBLE;
			else if (!strcmp(optarg, "always"))
				wo.notify_on = CP_NOTIFY_ON_ALWAYS;
			else {
				cp_eprintf("cipherprobe scan: --notify-on expects regression, incompatible or always, not '%s'\n", optarg);
				goto out;
			}
			break;
		case 'h':
			fputs(scan_usage, stdout);
			rc = CP_EXIT_OK;
			goto out;
		default:
			cp_eprintf("see 'cipherprobe scan --help'\n");
			goto out;
		}
	}

	if (from_panos_logs && !panos_host) {
		cp_eprintf("cipherprobe scan: --from-panos-logs needs --panos-host HOST\n");
		goto out;
	}
	if ((since_given || log_wait_ms) && !from_panos_logs) {
		cp_eprintf("cipherprobe scan: --since and --panos-log-wait go with --from-panos-logs\n");
		goto out;
	}
	/* With --from-panos-logs the firewall is the log source; its profile is
	 * read only when --profile-name names one and --profile is not given. */
	bool panos_profile = panos_host && !(from_panos_logs && (profile_spec || !profile_name));
	/* The webhook URL holds a secret: --notify, else a private file, else
	 * the environment (never on a command line that ps shows). */
	if (!wo.notify_url && notify_url_file) {
		notify_url = malloc(CP_NOTIFY_URL_MAX);
		if (!notify_url) {
			cp_eprintf("cipherprobe scan: out of memory\n");
			rc = CP_EXIT_OSERR;
			goto out;
		}
		if (cp_secret_file_read(notify_url_file, "webhook URL", notify_url, CP_NOTIFY_URL_MAX, err,
					sizeof err) < 0) {
			cp_eprintf("cipherprobe scan: --notify-url-file %s\n", err);
			rc = access(notify_url_file, F_OK) < 0 ? CP_EXIT_NOINPUT : CP_EXIT_DATAERR;
			goto out;
		}
		wo.notify_url = notify_url;
	} else if (!wo.notify_url) {
		const char *env = getenv(CP_NOTIFY_URL_ENV);
		if (env && *env)
			wo.notify_url = env;
	}

	/* The profile first: a broken one should stop the run before any probe. */
	if (verdicts) {
		client = cp_client_find(client_name);
		if (!client) {
			char known[256];

			cp_client_suggest(client_name, known, sizeof known);
			cp_eprintf("cipherprobe scan: unknown client '%s'; %s", client_name, known);
			goto out;
		}
		if (panos_profile) {
			if (profile_spec || !profile_name) {
				cp_eprintf("cipherprobe scan: --panos-host needs --profile-name and excludes --profile\n");
				goto out;
			}
			if (load_panos_profile(panos_host, panos_key_file, profile_name, panos_vsys, panos_dg,
					       cacert, &profile) < 0) {
				rc = CP_EXIT_DATAERR;
				goto out;
			}
		} else if (!profile_spec)
			profile_spec = "panos-recommended";
		if (panos_profile) {
			/* loaded above */
		} else if (cp_profile_load(profile_spec, profile_name, &profile, err, sizeof err) < 0) {
			char hint[256];

			cp_profile_suggest(profile_spec, hint, sizeof hint);
			cp_eprintf("cipherprobe scan: %s%s\n", err, hint);
			rc = cp_profile_builtin(profile_spec, &profile) < 0 && access(profile_spec, F_OK) < 0 ?
				CP_EXIT_NOINPUT : CP_EXIT_DATAERR;
			goto out;
		} else if (!strncmp(profile.source, "builtin:", 8)) {
			/* a built-in has no name on the firewall: the commands
			 * say <PROFILE> unless --profile-name names the real one */
			char why[256];

			if (profile_name && !cp_panos_name_ok(profile_name, why, sizeof why)) {
				cp_eprintf("cipherprobe scan: --profile-name '%s': %s\n", profile_name, why);
				goto out;
			}
			snprintf(profile.name, sizeof profile.name, "%s", profile_name ? profile_name : "");
		}
		if (cp_firewall_load(panos_version, &firewall, err, sizeof err) < 0) {
			cp_eprintf("cipherprobe scan: %s\n", err);
			rc = CP_EXIT_USAGE;
			goto out;
		}
		replay = malloc(sizeof *replay);
		if (!replay) {
			cp_eprintf("cipherprobe scan: out of memory\n");
			rc = CP_EXIT_OSERR;
			goto out;
		}
		cp_firewall_offer(&firewall, &profile, client, &offer);
		cp_offer_replay_hello(&offer, replay);
		if (proxy_hello) {
			rc = load_proxy_hello(proxy_hello, quiet, &capture, replay);
			if (rc != CP_EXIT_OK)
				goto out;
			rc = CP_EXIT_USAGE;
			/* what the firewall really sends also decides, in the
			 * verdicts, which groups and signature schemes it offers */
			cp_offer_from_chello(capture.hello, &captured);
			firewall.captured = &captured;
		}
		ctx.profile = &profile;
		ctx.client = client;
		ctx.firewall = &firewall;
	} else if (profile_spec || profile_name || verify || proxy_hello) {
		cp_eprintf("cipherprobe scan: --no-verdict excludes --profile, --verify and --proxy-hello\n");
		goto out;
	}
	ctx.hold = verify || wo.state || wo.notify_url;
	rc = load_trust(so.certificate, ca_files, nca_files, ft_files, nft_files, &trust, &forward_trust,
			&ctx.intercept);
	if (rc != CP_EXIT_OK)
		goto out;
	rc = CP_EXIT_USAGE;
	ctx.trust = trust;
	ctx.forward_trust = forward_trust;

	/* Targets: arguments first, then lists, in the order given. */
	for (int i = optind; i < argc; i++) {
		struct cp_target t;
		int st = cp_target_parse(argv[i], &t, err, sizeof err);
		if (st == CP_TARGET_NOMEM || (st == 0 ? set_push(&set, &t, NULL, 0, NULL)
						      : set_push(&set, NULL, argv[i], 0, err))) {
			cp_target_free(&t);
			cp_eprintf("cipherprobe scan: out of memory\n");
			rc = CP_EXIT_OSERR;
			goto out;
		}
	}
	for (size_t i = 0; i < ninputs; i++) {
		if (is_url(inputs[i])) {
			int st = read_url_list(inputs[i], cacert, &set);
			if (st) {
				rc = st;
				goto out;
			}
			continue;
		}
		FILE *f = strcmp(inputs[i], "-") ? fopen(inputs[i], "r") : stdin;
		if (!f) {
			cp_eprintf("cipherprobe scan: cannot read %s: %s\n", inputs[i], strerror(errno));
			rc = errno == ENOENT || errno == EACCES ? CP_EXIT_NOINPUT : CP_EXIT_NOINPUT;
			goto out;
		}
		int st = cp_list_read(f, strcmp(inputs[i], "-") ? inputs[i] : "stdin", on_line, &set);
		int rerr = ferror(f);
		if (f != stdin)
			fclose(f);
		if (st || rerr) {
			cp_eprintf("cipherprobe scan: reading %s failed: %s\n", inputs[i],
				strerror(errno ? errno : EIO));
			rc = CP_EXIT_NOINPUT;
			goto out;
		}
	}
	for (size_t i = 0; i < nlogs; i++) {
		FILE *f = fopen(logs[i], "r");
		struct cp_declog_stats st;
		if (!f) {
			cp_eprintf("cipherprobe scan: cannot read %s: %s\n", logs[i], strerror(errno));
			rc = CP_EXIT_NOINPUT;
			goto out;
		}
		int r = cp_declog_read_as(f, logs[i], &logfmt, on_declog, &set, &st);
		fclose(f);
		if (r) {
			cp_eprintf("cipherprobe scan: reading %s failed: %s\n", logs[i], strerror(errno ? errno : EIO));
			rc = CP_EXIT_NOINPUT;
			goto out;
		}
		if (!quiet)
			cp_eprintf("cipherprobe scan: %s: %zu rows (%s), %zu server-side failures on %zu targets, "
				"%zu rows of other failures left out, %zu rows of other log types skipped, "
				"%zu bad rows\n",
				logs[i], st.rows, cp_declog_form_name(st.form), st.kept, st.targets,
				st.filtered, st.skipped, st.bad);
	}
	if (from_panos_logs) {
		rc = read_panos_logs(panos_host, panos_key_file, cacert, since_s, log_wait_ms, quiet, &set);
		if (rc != CP_EXIT_OK)
			goto out;
		rc = CP_EXIT_USAGE;
	}
	if (set.n == 0) {
		if (from_panos_logs)
			cp_eprintf("cipherprobe scan: no targets: the decryption log of %s shows no "
				"server-side failures in the window\n", panos_host);
		else
			cp_eprintf("cipherprobe scan: no targets (give TARGET arguments, -i FILE or --from-decryption-log FILE)\n");
		goto out;
	}
	set_finish(&set, replay);

	/* from here on there are temporary files (-o, --state) to remove if
	 * a signal ends the run */
	cp_atomic_cleanup_on_signals();
	ctx.ops = cp_output_find(outfmt);
	ctx.total = set.n;
	if (metrics_path && !(ctx.metrics = cp_metrics_new())) {
		cp_eprintf("cipherprobe scan: out of memory\n");
		rc = CP_EXIT_OSERR;
		goto out;
	}
	if (outpath && strcmp(outpath, "-")) {
		ctx.out.f = cp_atomic_open(outpath, &at, err, sizeof err);
		if (!ctx.out.f) {
			cp_eprintf("cipherprobe scan: cannot write %s: %s\n", outpath, err);
			rc = CP_EXIT_CANTCREAT;
			goto out;
		}
		at_open = true;
	} else {
		ctx.out.f = stdout;
	}
	if (htmlpath) {
		if (!strcmp(htmlpath, "-") && ctx.out.f == stdout) {
			cp_eprintf("cipherprobe scan: --html - needs -o FILE for the other output\n");
			goto out;
		}
		ctx.html = cp_html_new(verdicts ? &profile : NULL, NULL);
		if (!ctx.html) {
			cp_eprintf("cipherprobe scan: out of memory\n");
			rc = CP_EXIT_OSERR;
			goto out;
		}
		hf = cp_atomic_open(htmlpath, &hat, err, sizeof err);
		if (!hf) {
			cp_eprintf("cipherprobe scan: --html: cannot write %s: %s\n", htmlpath, err);
			rc = CP_EXIT_CANTCREAT;
			goto out;
		}
	}
	ctx.out.color = !strcmp(color, "always") ||
		(!strcmp(color, "auto") && ctx.out.f == stdout && isatty(STDOUT_FILENO) && !cp_no_color());
	ctx.out.verbosity = verbosity;
	rc = csv_open(&ctx, verdicts ? &profile : NULL, ctx.out.f == stdout);
	if (rc != CP_EXIT_OK)
		goto out;
	rc = CP_EXIT_USAGE;
	ctx.out.ntargets = set.n;
	ctx.out.scm = verdicts && profile.scm;
	ctx.progress = !quiet && isatty(STDERR_FILENO);
	ctx.started_ms = cp_clock_ms();

	if (ctx.ops->begin(&ctx.out) < 0)
		ctx.write_failed = 1;
	if (cp_scan_run(&so, set.t, set.n, on_result, on_progress, &ctx, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe scan: %s\n", err);
		ctx.ops->cleanup(&ctx.out);
		csv_cleanup_all(&ctx);
		rc = CP_EXIT_SOFTWARE;
		goto out;
	}
	if (verify) {
		if (run_verify(&ctx, &so, err, sizeof err) < 0) {
			cp_eprintf("cipherprobe scan: --verify: %s\n", err);
			ctx.ops->cleanup(&ctx.out);
			csv_cleanup_all(&ctx);
			rc = CP_EXIT_SOFTWARE;
			goto out;
		}
	}
	for (size_t i = 0; i < ctx.nheld; i++)
		deliver(&ctx, ctx.held[i]);
	if (verdicts && ctx.nkept) {
		if (recommend(&ctx, &fleet, &rec, &fleet_scm) < 0) {
			cp_eprintf("cipherprobe scan: cannot compute the fleet recommendation (out of memory)\n");
			ctx.ops->cleanup(&ctx.out);
			csv_cleanup_all(&ctx);
			rc = CP_EXIT_OSERR;
			goto out;
		}
		have_fleet = true;
		ctx.sum.recommendation = &rec;
	}
	if (!ctx.nomem && cp_intercept_detect(ctx.intercept, &icpt) < 0)
		ctx.nomem = 1;
	if (icpt.issuer) {
		ctx.sum.interception_issuer = icpt.issuer;
		ctx.sum.interception_targets = icpt.targets;
		warn_interception(&icpt);
	}
	if (ctx.nomem) {
		cp_eprintf("cipherprobe scan: out of memory computing verdicts\n");
		ctx.ops->cleanup(&ctx.out);
		csv_cleanup_all(&ctx);
		rc = CP_EXIT_OSERR;
		goto out;
	}
	if (ctx.ops->end(&ctx.out, &ctx.sum) < 0)
		ctx.write_failed = 1;
	ctx.ops->cleanup(&ctx.out);
	if (wo.state || wo.notify_url) {
		/* the comparison follows the text report, or goes to stderr when
		 * the output is a JSON document */
		wo.cacert = cacert;
		wo.quiet = quiet;
		wo.verbosity = verbosity;
		wo.report = strcmp(outfmt, "text") ? stderr : ctx.out.f;
		wo.color = ctx.out.color && wo.report == ctx.out.f;
		cp_watch_run(&wo, ctx.held, ctx.nheld, &ctx.sum, &wout);
	}
	if (hf) {
		FILE *f = hf;
		hf = NULL;
		errno = 0;
		if (cp_html_write(ctx.html, f, &ctx.sum) < 0 || cp_atomic_commit(&hat) < 0) {
			if (hat.err[0])
				cp_eprintf("cipherprobe scan: --html: %s\n", hat.err);
			else
				cp_eprintf("cipherprobe scan: --html: cannot write %s: %s\n", htmlpath,
					strerror(errno ? errno : EIO));
			cp_atomic_abort(&hat);
			rc = CP_EXIT_CANTCREAT;
			goto out;
		}
	}
	if (ctx.out.f == stdout && fflush(stdout) != 0)
		ctx.write_failed = 1;
	if (ctx.write_failed) {
		cp_eprintf("cipherprobe scan: writing the output failed: %s\n",
			strerror(ctx.out.err ? ctx.out.err : errno));
		rc = CP_EXIT_CANTCREAT;
		goto out;
	}
	if (at_open) {
		at_open = false;
		if (cp_atomic_commit(&at) < 0) {
			cp_eprintf("cipherprobe scan: cannot write %s: %s\n", outpath, at.err);
			rc = CP_EXIT_CANTCREAT;
			goto out;
		}
	}
	if (metrics_path && write_metrics(metrics_path, &ctx) < 0) {
		rc = CP_EXIT_CANTCREAT;
		goto out;
	}
	rc = csv_finish(&ctx);
	if (rc != CP_EXIT_OK)
		goto out;
	if (wout.state_failed)
		rc = wout.state_unusable ? CP_EXIT_DATAERR : CP_EXIT_CANTCREAT;
	else if (wout.notify_failed && wo.notify_required)
		rc = CP_EXIT_NOTIFY;
	else if (wout.regressions)
		rc = CP_EXIT_REGRESSION;
	else
		rc = ctx.sum.errors ? CP_EXIT_SCAN_ERRORS : ctx.sum.incompatible ? CP_EXIT_INCOMPATIBLE : CP_EXIT_OK;
out:
	for (size_t i = 0; i < ctx.nkept && !ctx.hold; i++)
		cp_result_free(ctx.kept[i]);
	free(ctx.kept);
	for (size_t i = 0; i < ctx.nheld; i++)
		cp_result_free(ctx.held[i]);
	free(ctx.held);
	if (have_fleet)
		cp_fleet_free(&fleet);
	free(fleet_scm);
	if (at_open)
		cp_atomic_abort(&at);
	if (hf)
		cp_atomic_abort(&hat);
	cp_html_free(ctx.html);
	for (size_t i = 0; i < 2; i++)
		if (ctx.csv[i].open)
			cp_atomic_abort(&ctx.csv[i].at);
	set_free(&set);
	free(replay);
	cp_hellofile_free(&capture);
	free(inputs);
	free(logs);
	free(ca_files);
	free(ft_files);
	cp_trust_free(trust);
	cp_trust_free(forward_trust);
	cp_intercept_set_free(ctx.intercept);
	cp_intercept_clear(&icpt);
	cp_metrics_free(ctx.metrics);
	free(sni_override);
	if (notify_url) {
		explicit_bzero(notify_url, CP_NOTIFY_URL_MAX);
		free(notify_url);
	}
	return rc;
}
