/* SPDX-License-Identifier: MIT */
/*
 * The scan API's target set: TARGET arguments, -i lists (files, stdin,
 * http(s) URLs), --from-decryption-log files and --from-panos-logs, in
 * that order, each unusable line kept as an error record.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "commands.h"
#include "fetch.h"
#include "input/declog.h"
#include "input/list.h"
#include "input/shard.h"
#include "input/target.h"
#include "output/sanitize.h"
#include "policy/panosapi.h"
#include "policy/panoslogs.h"
#include "scan_run.h"
#include "util.h"

static int set_push(struct target_set *s, struct cp_target *pt, const char *input, size_t line,
		    const char *error)
{
	if (s->n == s->cap) {
		/* five parallel arrays, one capacity */
		size_t cap = cp_grow_cap(s->cap, s->n + 1, sizeof *s->t);

		if (cap == 0 || CP_RESIZE(s->t, cap) < 0 || CP_RESIZE(s->parsed, cap) < 0 ||
		    CP_RESIZE(s->errors, cap) < 0 || CP_RESIZE(s->logerr, cap) < 0 ||
		    CP_RESIZE(s->logseen, cap) < 0)
			return -1;
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

void cp_scan_targets_free(struct target_set *s)
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
		cp_eprintf(
			"cipherprobe scan: %s (last %ld s, job %s): %zu entries, %zu server-side "
			"failures on %zu targets, %zu entries of other failures left out, %zu bad "
			"entries\n",
			name, since_s, ls.job, st.rows, st.kept, st.targets, st.filtered, st.bad);
	if (ls.capped)
		cp_eprintf("cipherprobe scan: %s: the reply holds the most entries one query "
			   "returns (%d); older failures may be missing: give a shorter --since\n",
			   name, CP_PANOS_LOGS_MAX);
out:
	OPENSSL_cleanse(key, sizeof key);
	cp_declog_free(dl);
	return rc;
}

/* TARGET arguments; CP_EXIT_OK or CP_EXIT_OSERR after a message. */
static int add_arguments(const struct cp_scan_config *cfg, struct target_set *set)
{
	char err[512];

	for (size_t i = 0; i < cfg->ntargets; i++) {
		struct cp_target t;
		int st = cp_target_parse(cfg->targets[i], &t, err, sizeof err);
		if (st == CP_TARGET_NOMEM ||
		    (st == 0 ? set_push(set, &t, NULL, 0, NULL)
			     : set_push(set, NULL, cfg->targets[i], 0, err))) {
			cp_target_free(&t);
			cp_eprintf("cipherprobe scan: out of memory\n");
			return CP_EXIT_OSERR;
		}
	}
	return CP_EXIT_OK;
}

/* -i FILE|URL lists; CP_EXIT_OK or the exit status after a message. */
static int read_inputs(const struct cp_scan_config *cfg, struct target_set *set)
{
	for (size_t i = 0; i < cfg->ninputs; i++) {
		const char *in = cfg->inputs[i];
		if (is_url(in)) {
			int st = read_url_list(in, cfg->cacert, set);
			if (st)
				return st;
			continue;
		}
		FILE *f = strcmp(in, "-") ? fopen(in, "r") : stdin;
		if (!f) {
			cp_eprintf("cipherprobe scan: cannot read %s: %s\n", in, strerror(errno));
			return CP_EXIT_NOINPUT;
		}
		int st = cp_list_read(f, strcmp(in, "-") ? in : "stdin", on_line, set);
		int rerr = ferror(f);
		if (f != stdin)
			fclose(f);
		if (st || rerr) {
			cp_eprintf("cipherprobe scan: reading %s failed: %s\n", in,
				   strerror(errno ? errno : EIO));
			return CP_EXIT_NOINPUT;
		}
	}
	return CP_EXIT_OK;
}

/* --from-decryption-log files; CP_EXIT_OK or the exit status after a message. */
static int read_logs(const struct cp_scan_config *cfg, struct target_set *set)
{
	for (size_t i = 0; i < cfg->nlogs; i++) {
		const char *log = cfg->logs[i];
		FILE *f = fopen(log, "r");
		struct cp_declog_stats st;
		if (!f) {
			cp_eprintf("cipherprobe scan: cannot read %s: %s\n", log, strerror(errno));
			return CP_EXIT_NOINPUT;
		}
		int r = cp_declog_read_as(f, log, &cfg->log_format, on_declog, set, &st);
		fclose(f);
		if (r) {
			cp_eprintf("cipherprobe scan: reading %s failed: %s\n", log,
				   strerror(errno ? errno : EIO));
			return CP_EXIT_NOINPUT;
		}
		if (!cfg->quiet)
			cp_eprintf(
				"cipherprobe scan: %s: %zu rows (%s), %zu server-side failures on %zu targets, "
				"%zu rows of other failures left out, %zu rows of other log types skipped, "
				"%zu bad rows\n",
				log, st.rows, cp_declog_form_name(st.form), st.kept, st.targets,
				st.filtered, st.skipped, st.bad);
	}
	return CP_EXIT_OK;
}

/*
 * --shard K/N: keeps the entries whose "input" (the key --state matches
 * by) hashes to shard k, in their order; unusable lines too, so that each
 * line of a list is reported by exactly one shard.  Before set_finish
 * and DNS: the others are never resolved or probed.
 */
static void keep_shard(struct target_set *s, unsigned k, unsigned n, bool quiet)
{
	size_t kept = 0, total = s->n;

	for (size_t i = 0; i < s->n; i++) {
		if (cp_shard_of(s->parsed[i].input ? s->parsed[i].input : "", n) != k) {
			cp_target_free(&s->parsed[i]);
			free(s->errors[i]);
			free(s->logerr[i]);
			free(s->logseen[i]);
			continue;
		}
		s->t[kept] = s->t[i];
		s->parsed[kept] = s->parsed[i];
		s->errors[kept] = s->errors[i];
		s->logerr[kept] = s->logerr[i];
		s->logseen[kept] = s->logseen[i];
		kept++;
	}
	s->n = kept;
	if (!quiet)
		cp_eprintf("cipherprobe scan: shard %u/%u: kept %zu of %zu targets\n", k, n, kept,
			   total);
}

int cp_scan_targets_build(const struct cp_scan_config *cfg, const struct cp_replay_hello *replay,
			  struct target_set *set)
{
	int rc;

	set->sni_override = cfg->sni_override;
	/* Targets: arguments first, then lists, in the order given. */
	if ((rc = add_arguments(cfg, set)) != CP_EXIT_OK ||
	    (rc = read_inputs(cfg, set)) != CP_EXIT_OK || (rc = read_logs(cfg, set)) != CP_EXIT_OK)
		return rc;
	if (cfg->from_panos_logs) {
		rc = read_panos_logs(cfg->panos_host, cfg->panos_key_file, cfg->cacert,
				     cfg->since_s, cfg->log_wait_ms, cfg->quiet, set);
		if (rc != CP_EXIT_OK)
			return rc;
	}
	if (set->n == 0) {
		if (cfg->from_panos_logs)
			cp_eprintf(
				"cipherprobe scan: no targets: the decryption log of %s shows no "
				"server-side failures in the window\n",
				cfg->panos_host);
		else
			cp_eprintf(
				"cipherprobe scan: no targets (give TARGET arguments, -i FILE or --from-decryption-log FILE)\n");
		return CP_EXIT_USAGE;
	}
	if (cfg->shard_n)
		keep_shard(set, cfg->shard_k, cfg->shard_n, cfg->quiet);
	set_finish(set, replay);
	return CP_EXIT_OK;
}
