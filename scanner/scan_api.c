/* SPDX-License-Identifier: MIT */
/*
 * The scan API (scan_api.h): one run from a configuration to an outcome.
 * The policy (client, profile, firewall model, --proxy-hello) and the trust
 * store first, then the targets, the outputs, the engine with each result
 * judged and written as it finishes, --verify, the fleet summary, the
 * watch, and the outputs committed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "commands.h"
#include "output/sanitize.h"
#include "output/verdict.h"
#include "policy/advise.h"
#include "policy/panosapi.h"
#include "policy/panoslogs.h"
#include "scan_run.h"
#include "secretfile.h"
#include "tls/chain.h"
#include "util.h"

/* --notify-url-file: room for the URL; the environment variable after it */
#define CP_NOTIFY_URL_MAX 4096
#define CP_NOTIFY_URL_ENV "CIPHERPROBE_NOTIFY_URL"

/*
 * --proxy-hello: the firewall's own hello, captured, replaces the model's
 * in the replay; its groups and signature schemes become the firewall's
 * in the verdicts (suites still follow the profile, which fixes change).  An exit
 * status: CP_EXIT_OK, or why not after saying so.
 */
static int load_proxy_hello(const char *path, bool quiet, struct cp_hellofile *hf,
			    struct cp_replay_hello *rh)
{
	char err[512];
	int st = cp_hellofile_load(path, hf, err, sizeof err);

	if (st != CP_OK) {
		cp_eprintf("cipherprobe scan: --proxy-hello %s\n", err);
		return st == CP_EFILE    ? CP_EXIT_NOINPUT
		       : st == CP_ENOMEM ? CP_EXIT_OSERR
					 : CP_EXIT_DATAERR;
	}
	cp_offer_capture_hello(hf->hello, hf->raw, hf->len, rh);
	if (!quiet)
		cp_eprintf(
			"cipherprobe scan: replaying the ClientHello captured in %s (%s): %zu bytes, "
			"%zu suites, server_name %s%s\n",
			path, hf->origin, hf->len, rh->nsuites, rh->raw_sni ? rh->raw_sni : "none",
			rh->raw_sni ? " (changed to each target's own SNI, kept where it has none)"
				    : " (sent as captured)");
	return CP_EXIT_OK;
}

/* --panos-host: the profile straight from the firewall's XML API. */
static int load_panos_profile(const char *host, const char *key_file, const char *name,
			      const char *vsys, const char *dg, const char *cacert,
			      struct cp_profile *out)
{
	char key[CP_PANOS_KEY_MAX], err[1024];
	struct cp_panos_req rq = {
		.host = host,
		.key = key,
		.profile = name,
		.vsys = vsys,
		.device_group = dg,
		.cacert = cacert,
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

static bool push_result(struct cp_result ***arr, size_t *n, size_t *cap, struct cp_result *r)
{
	if (CP_GROW(*arr, *cap, *n + 1) < 0)
		return false;
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
		if (c->csv[i].ops && !c->csv[i].failed &&
		    c->csv[i].ops->target(&c->csv[i].out, r) < 0)
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
		cp_result_set_verdict(r, cp_advise(r, c->profile, c->client, c->firewall),
				      cp_verdict_free);
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

/* summary.recommendation from the fleet advice; 0, or -1 without memory. */
static int recommend(struct run_ctx *c, struct cp_fleet *fl, struct cp_recommendation *rec,
		     char **scm)
{
	/* in a fixed order: the advice must not depend on completion order */
	cp_fleet_order(c->kept, c->nkept);
	if (cp_advise_fleet((const struct cp_result *const *)c->kept, c->nkept, c->profile, fl) < 0)
		return -1;
	cp_fleet_recommendation(fl, rec);
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
		done, total, inflight, errors, errors == 1 ? "" : "s", (unsigned)(el / 60),
		(unsigned)(el % 60));
	if (done && done < total) {
		/* the rate so far, over what is left */
		uint64_t left = (now - c->started_ms) * (total - done) / done / 1000;
		fprintf(stderr, ", about %um%02us left", (unsigned)(left / 60),
			(unsigned)(left % 60));
	}
	if (done == total)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
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
static int load_trust(bool certificate, const char *const *ca, size_t nca, const char *const *ft,
		      size_t nft, struct cp_trust **trust, struct cp_trust **forward_trust,
		      struct cp_intercept_set **intercept)
{
	char err[512];
	int rc;

	if (!certificate) {
		if (!nca && !nft)
			return CP_EXIT_OK;
		cp_eprintf(
			"cipherprobe scan: --no-cert excludes --ca-file and --forward-trust-ca\n");
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
			   "only --ca-file roots are trusted\n",
			   err);
	for (size_t i = 0; i < nca; i++)
		if ((rc = trust_file(*trust, "--ca-file", ca[i])) != CP_EXIT_OK)
			return rc;
	for (size_t i = 0; i < nft; i++)
		if ((rc = trust_file(*forward_trust, "--forward-trust-ca", ft[i])) != CP_EXIT_OK)
			return rc;
	return CP_EXIT_OK;
}

/* The interception warning, on stderr whatever the output format: every
 * result of this run describes the proxy. */
static void warn_interception(const struct cp_intercept *i)
{
	char *issuer = cp_sanitize(i->issuer); /* from a certificate: untrusted */

	cp_eprintf("cipherprobe scan: WARNING: this scan is being decrypted; results describe "
		   "the proxy, not the servers (%zu target%s signed by %s'%s')\n",
		   i->targets, i->targets == 1 ? "" : "s",
		   i->forward_trust ? "the --forward-trust-ca certificate " : "",
		   issuer ? issuer : "?");
	free(issuer);
}

void cp_scan_config_default(struct cp_scan_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->log_format.form = CP_DECLOG_AUTO;
	cfg->since_s = CP_PANOS_SINCE_DEFAULT;
	cfg->verdicts = true;
	cfg->client_name = "chrome";
	cfg->format = "text";
	cfg->color = "auto";
	cp_scan_opts_default(&cfg->probe);
}

/* Option combinations, and the webhook URL; CP_EXIT_OK or the exit
 * status after a message. */
static int check_config(struct scan_run *r)
{
	const struct cp_scan_config *cfg = r->cfg;
	char err[512];

	if (cfg->from_panos_logs && !cfg->panos_host) {
		cp_eprintf("cipherprobe scan: --from-panos-logs needs --panos-host HOST\n");
		return CP_EXIT_USAGE;
	}
	if ((cfg->since_given || cfg->log_wait_ms) && !cfg->from_panos_logs) {
		cp_eprintf(
			"cipherprobe scan: --since and --panos-log-wait go with --from-panos-logs\n");
		return CP_EXIT_USAGE;
	}
	r->wo = cfg->watch;
	/* The webhook URL holds a secret: --notify, else a private file, else
	 * the environment (never on a command line that ps shows). */
	if (!r->wo.notify_url && cfg->notify_url_file) {
		r->notify_url = malloc(CP_NOTIFY_URL_MAX);
		if (!r->notify_url) {
			cp_eprintf("cipherprobe scan: out of memory\n");
			return CP_EXIT_OSERR;
		}
		if (cp_secret_file_read(cfg->notify_url_file, "webhook URL", r->notify_url,
					CP_NOTIFY_URL_MAX, err, sizeof err) < 0) {
			cp_eprintf("cipherprobe scan: --notify-url-file %s\n", err);
			return access(cfg->notify_url_file, F_OK) < 0 ? CP_EXIT_NOINPUT
								      : CP_EXIT_DATAERR;
		}
		r->wo.notify_url = r->notify_url;
	} else if (!r->wo.notify_url) {
		const char *env = getenv(CP_NOTIFY_URL_ENV);
		if (env && *env)
			r->wo.notify_url = env;
	}
	return CP_EXIT_OK;
}

/* The profile: from the firewall, a file or a built-in; CP_EXIT_OK or the
 * exit status after a message. */
static int load_profile(struct scan_run *r)
{
	const struct cp_scan_config *cfg = r->cfg;
	const char *spec = cfg->profile_spec, *name = cfg->profile_name;
	/* With --from-panos-logs the firewall is the log source; its profile is
	 * read only when --profile-name names one and --profile is not given. */
	bool panos_profile = cfg->panos_host && !(cfg->from_panos_logs && (spec || !name));
	char err[512];

	if (panos_profile) {
		if (spec || !name) {
			cp_eprintf(
				"cipherprobe scan: --panos-host needs --profile-name and excludes --profile\n");
			return CP_EXIT_USAGE;
		}
		if (load_panos_profile(cfg->panos_host, cfg->panos_key_file, name, cfg->panos_vsys,
				       cfg->panos_dg, cfg->cacert, &r->profile) < 0)
			return CP_EXIT_DATAERR;
		return CP_EXIT_OK;
	}
	if (!spec)
		spec = "panos-recommended";
	if (cp_profile_load(spec, name, &r->profile, err, sizeof err) < 0) {
		char hint[256];

		cp_profile_suggest(spec, hint, sizeof hint);
		cp_eprintf("cipherprobe scan: %s%s\n", err, hint);
		return cp_profile_builtin(spec, &r->profile) < 0 && access(spec, F_OK) < 0
			       ? CP_EXIT_NOINPUT
			       : CP_EXIT_DATAERR;
	}
	if (!strncmp(r->profile.source, "builtin:", 8)) {
		/* a built-in has no name on the firewall: the commands
		 * say <PROFILE> unless --profile-name names the real one */
		char why[256];

		if (name && !cp_panos_name_ok(name, why, sizeof why)) {
			cp_eprintf("cipherprobe scan: --profile-name '%s': %s\n", name, why);
			return CP_EXIT_USAGE;
		}
		snprintf(r->profile.name, sizeof r->profile.name, "%s", name ? name : "");
	}
	return CP_EXIT_OK;
}

/* The profile first: a broken one should stop the run before any probe.
 * CP_EXIT_OK or the exit status after a message. */
static int load_policy(struct scan_run *r)
{
	const struct cp_scan_config *cfg = r->cfg;
	const char *client_name = cfg->client_name ? cfg->client_name : "chrome";
	const struct cp_client *client;
	char err[512];
	int rc;

	if (!cfg->verdicts) {
		if (cfg->profile_spec || cfg->profile_name || cfg->verify || cfg->proxy_hello) {
			cp_eprintf(
				"cipherprobe scan: --no-verdict excludes --profile, --verify and --proxy-hello\n");
			return CP_EXIT_USAGE;
		}
		return CP_EXIT_OK;
	}
	client = cp_client_find(client_name);
	if (!client) {
		char known[256];

		cp_client_suggest(client_name, known, sizeof known);
		cp_eprintf("cipherprobe scan: unknown client '%s'; %s", client_name, known);
		return CP_EXIT_USAGE;
	}
	if ((rc = load_profile(r)) != CP_EXIT_OK)
		return rc;
	if (cp_firewall_load(cfg->panos_version, &r->firewall, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe scan: %s\n", err);
		return CP_EXIT_USAGE;
	}
	r->replay = malloc(sizeof *r->replay);
	if (!r->replay) {
		cp_eprintf("cipherprobe scan: out of memory\n");
		return CP_EXIT_OSERR;
	}
	cp_firewall_offer(&r->firewall, &r->profile, client, &r->offer);
	cp_offer_replay_hello(&r->offer, r->replay);
	if (cfg->proxy_hello) {
		rc = load_proxy_hello(cfg->proxy_hello, cfg->quiet, &r->capture, r->replay);
		if (rc != CP_EXIT_OK)
			return rc;
		/* what the firewall really sends also decides, in the
		 * verdicts, which groups and signature schemes it offers */
		cp_offer_from_chello(r->capture.hello, &r->captured);
		r->firewall.captured = &r->captured;
	}
	r->ctx.profile = &r->profile;
	r->ctx.client = client;
	r->ctx.firewall = &r->firewall;
	return CP_EXIT_OK;
}

/* Ends the run with the outputs' temporary files removed: the caller's
 * error path after the engine started. */
static int abandon(struct run_ctx *c, int rc)
{
	c->ops->cleanup(&c->out);
	cp_scan_csv_cleanup_all(c);
	return rc;
}

/* The engine, --verify, the held results written; the outcome step. */
static int run_engine(struct scan_run *r, enum cp_scan_step *step)
{
	struct run_ctx *c = &r->ctx;
	char err[512];

	if (c->ops->begin(&c->out) < 0)
		c->write_failed = 1;
	*step = CP_SCAN_STEP_SCAN;
	if (cp_scan_run(&r->cfg->probe, r->set.t, r->set.n, on_result, on_progress, c, err,
			sizeof err) < 0) {
		cp_eprintf("cipherprobe scan: %s\n", err);
		return abandon(c, CP_EXIT_SOFTWARE);
	}
	*step = CP_SCAN_STEP_VERIFY;
	if (r->cfg->verify && cp_scan_verify(c, &r->cfg->probe, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe scan: --verify: %s\n", err);
		return abandon(c, CP_EXIT_SOFTWARE);
	}
	for (size_t i = 0; i < c->nheld; i++)
		deliver(c, c->held[i]);
	return CP_EXIT_OK;
}

/* The fleet summary, the interception warning, the report's end, the
 * watch; CP_EXIT_OK or the exit status after a message. */
static int summarize(struct scan_run *r, struct cp_fleet *fleet, struct cp_recommendation *rec,
		     char **fleet_scm, bool *have_fleet)
{
	const struct cp_scan_config *cfg = r->cfg;
	struct run_ctx *c = &r->ctx;

	if (cfg->verdicts && c->nkept) {
		if (recommend(c, fleet, rec, fleet_scm) < 0) {
			cp_eprintf(
				"cipherprobe scan: cannot compute the fleet recommendation (out of memory)\n");
			return abandon(c, CP_EXIT_OSERR);
		}
		*have_fleet = true;
		c->sum.recommendation = rec;
	}
	if (!c->nomem && cp_intercept_detect(c->intercept, &r->icpt) < 0)
		c->nomem = 1;
	if (r->icpt.issuer) {
		c->sum.interception_issuer = r->icpt.issuer;
		c->sum.interception_targets = r->icpt.targets;
		warn_interception(&r->icpt);
	}
	if (c->nomem) {
		cp_eprintf("cipherprobe scan: out of memory computing verdicts\n");
		return abandon(c, CP_EXIT_OSERR);
	}
	if (c->ops->end(&c->out, &c->sum) < 0)
		c->write_failed = 1;
	c->ops->cleanup(&c->out);
	if (r->wo.state || r->wo.notify_url) {
		/* the comparison follows the text report, or goes to stderr when
		 * the output is a JSON document */
		r->wo.cacert = cfg->cacert;
		r->wo.quiet = cfg->quiet;
		r->wo.verbosity = cfg->verbosity;
		r->wo.report =
			strcmp(cfg->format ? cfg->format : "text", "text") ? stderr : c->out.f;
		r->wo.color = c->out.color && r->wo.report == c->out.f;
		cp_watch_run(&r->wo, c->held, c->nheld, &c->sum, &r->wout);
	}
	return CP_EXIT_OK;
}

/* Everything up to an open set of outputs; the outcome step. */
static int prepare(struct scan_run *r, enum cp_scan_step *step)
{
	const struct cp_scan_config *cfg = r->cfg;
	int rc;

	*step = CP_SCAN_STEP_CONFIG;
	if ((rc = check_config(r)) != CP_EXIT_OK)
		return rc;
	*step = CP_SCAN_STEP_POLICY;
	if ((rc = load_policy(r)) != CP_EXIT_OK)
		return rc;
	r->ctx.hold = cfg->verify || r->wo.state || r->wo.notify_url;
	*step = CP_SCAN_STEP_TRUST;
	rc = load_trust(cfg->probe.certificate, cfg->ca_files, cfg->nca_files, cfg->ft_files,
			cfg->nft_files, &r->trust, &r->forward_trust, &r->ctx.intercept);
	if (rc != CP_EXIT_OK)
		return rc;
	r->ctx.trust = r->trust;
	r->ctx.forward_trust = r->forward_trust;
	*step = CP_SCAN_STEP_TARGETS;
	if ((rc = cp_scan_targets_build(cfg, r->replay, &r->set)) != CP_EXIT_OK)
		return rc;
	*step = CP_SCAN_STEP_OUTPUTS;
	return cp_scan_outputs_open(r);
}

static void run_free(struct scan_run *r)
{
	struct run_ctx *c = &r->ctx;

	for (size_t i = 0; i < c->nkept && !c->hold; i++)
		cp_result_free(c->kept[i]);
	free(c->kept);
	for (size_t i = 0; i < c->nheld; i++)
		cp_result_free(c->held[i]);
	free(c->held);
	if (r->at_open)
		cp_atomic_abort(&r->at);
	if (r->hf)
		cp_atomic_abort(&r->hat);
	cp_html_free(c->html);
	for (size_t i = 0; i < 2; i++)
		if (c->csv[i].open)
			cp_atomic_abort(&c->csv[i].at);
	cp_scan_targets_free(&r->set);
	free(r->replay);
	cp_hellofile_free(&r->capture);
	cp_trust_free(r->trust);
	cp_trust_free(r->forward_trust);
	cp_intercept_set_free(c->intercept);
	cp_intercept_clear(&r->icpt);
	cp_metrics_free(c->metrics);
	if (r->notify_url) {
		explicit_bzero(r->notify_url, CP_NOTIFY_URL_MAX);
		free(r->notify_url);
	}
	free(r);
}

/* The counts of a run that went to the end (or as far as it got). */
static void fill_outcome(const struct scan_run *r, struct cp_scan_outcome *out)
{
	out->targets = r->set.n;
	out->errors = r->ctx.sum.errors;
	out->compatible = r->ctx.sum.compatible;
	out->incompatible = r->ctx.sum.incompatible;
	out->regressions = r->wout.regressions;
	out->state_failed = r->wout.state_failed;
	out->state_unusable = r->wout.state_unusable;
	out->notify_failed = r->wout.notify_failed;
	out->notify_required = r->wo.notify_required;
}

int cp_scan_execute(const struct cp_scan_config *cfg, struct cp_scan_outcome *out)
{
	struct scan_run *r = calloc(1, sizeof *r);
	struct cp_fleet fleet;
	struct cp_recommendation rec;
	char *fleet_scm = NULL;
	bool have_fleet = false;
	enum cp_scan_step step = CP_SCAN_STEP_NONE;
	int rc;

	memset(out, 0, sizeof *out);
	memset(&fleet, 0, sizeof fleet);
	if (!r) {
		cp_eprintf("cipherprobe scan: out of memory\n");
		out->failed_step = CP_SCAN_STEP_CONFIG;
		out->failed_status = CP_EXIT_OSERR;
		return cp_scan_exit_status(out);
	}
	r->cfg = cfg;
	if ((rc = prepare(r, &step)) != CP_EXIT_OK || (rc = run_engine(r, &step)) != CP_EXIT_OK)
		goto out;
	step = CP_SCAN_STEP_VERDICTS;
	if ((rc = summarize(r, &fleet, &rec, &fleet_scm, &have_fleet)) != CP_EXIT_OK)
		goto out;
	step = CP_SCAN_STEP_WRITE;
	if ((rc = cp_scan_outputs_commit(r)) != CP_EXIT_OK)
		out->write_failures = 1;
out:
	fill_outcome(r, out);
	if (rc != CP_EXIT_OK) {
		out->failed_step = step;
		out->failed_status = rc;
	}
	if (have_fleet)
		cp_fleet_free(&fleet);
	free(fleet_scm);
	run_free(r);
	return cp_scan_exit_status(out);
}

int cp_scan_exit_status(const struct cp_scan_outcome *o)
{
	if (o->failed_step != CP_SCAN_STEP_NONE)
		return o->failed_status ? o->failed_status : CP_EXIT_SOFTWARE;
	if (o->write_failures)
		return CP_EXIT_CANTCREAT;
	if (o->state_failed)
		return o->state_unusable ? CP_EXIT_DATAERR : CP_EXIT_CANTCREAT;
	if (o->notify_failed && o->notify_required)
		return CP_EXIT_NOTIFY;
	if (o->regressions)
		return CP_EXIT_REGRESSION;
	if (o->errors)
		return CP_EXIT_SCAN_ERRORS;
	return o->incompatible ? CP_EXIT_INCOMPATIBLE : CP_EXIT_OK;
}
