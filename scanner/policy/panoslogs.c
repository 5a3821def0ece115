/* SPDX-License-Identifier: MIT */
/*
 * Decryption logs over the PAN-OS XML API (the job protocol and the reply
 * forms are in panoslogs.h): the query, the reply parser (pure, fuzzed by
 * tests/fuzz/fuzz_panosapi.c) and the submit/poll/finish loop.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fetch.h"
#include "policy/panosapi.h"
#include "policy/panoslogs.h"
#include "util.h"

/*
 * The error filter, in one place.  The decryption log's Error Index
 * (syslog field err_index, filter and XML API element error_index) names
 * the category of a failed handshake: Certificate, Cipher, Feature, HSM,
 * Protocol, Resource, Resume, Version ("Decryption Log Errors, Error
 * Indexes, and Bitmasks", PAN-OS Administrator's Guide 10.0+).  Kept:
 * the categories in which the server's leg can fail in a way a profile
 * change or a no-decrypt exception answers: Cipher, Version and Protocol,
 * Certificate (the server's certificate, judged by the verdict's
 * certificate axis), and Feature, used for both legs, which declog.c's
 * rules tell apart by the error text.  HSM, Resource and Resume failures
 * are the firewall's own (its limits) and declog.c leaves them out anyway,
 * so asking for them would only use up the nlogs cap.
 */
#define LOG_ERROR_FILTER \
	"(error_index eq Cipher) or (error_index eq Version) or " \
	"(error_index eq Protocol) or (error_index eq Certificate) or " \
	"(error_index eq Feature)"

/* ---- the query ---- */

int cp_panos_logs_query(time_t now, long since_s, char *buf, size_t size)
{
	time_t from = now - (time_t)since_s;
	struct tm tm;
	char when[32];

	if (localtime_r(&from, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y/%m/%d %H:%M:%S", &tm) == 0)
		return -1;
	if ((size_t)snprintf(buf, size, "(receive_time geq '%s') and (%s)", when,
			     LOG_ERROR_FILTER) >= size)
		return -1;
	return 0;
}

int cp_panos_parse_since(const char *s, long *secs, char *err, size_t errlen)
{
	unsigned long long n = 0;
	long mul;
	size_t i = 0;

	if (s == NULL)
		s = "";
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		n = n * 10 + (unsigned long long)(s[i] - '0');
		if (n > (unsigned long long)CP_PANOS_SINCE_MAX)
			break;
	}
	switch (s[i]) {
	case 's': mul = 1; break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	default: mul = 0; break;
	}
	if (i == 0 || mul == 0 || s[i + 1] != '\0' || n == 0 ||
	    n > (unsigned long long)(CP_PANOS_SINCE_MAX / mul)) {
		cp_seterr(err, errlen,
			  "--since expects a duration such as 90m, 24h or 7d "
			  "(s, m, h, d; at most 365d), not '%s'",
			  s);
		return -1;
	}
	*secs = (long)n * mul;
	return 0;
}

/* ---- one reply ---- */

static bool named(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n != NULL ? n->children : NULL; c != NULL; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

/* The text of n, blanks around it trimmed, cut to fit (always terminated). */
static void text_of(const xmlNode *n, char *buf, size_t size)
{
	xmlChar *t = n != NULL ? xmlNodeGetContent(n) : NULL;
	const char *p = t != NULL ? (const char *)t : "";
	size_t len;

	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	len = strlen(p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' ||
			   p[len - 1] == '\n'))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	xmlFree(t);
}

/* The first <msg> below n, depth first. */
static xmlNode *find_msg(xmlNode *n, int depth)
{
	if (depth > 4)
		return NULL;
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		xmlNode *m;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (named(c, "msg"))
			return c;
		if ((m = find_msg(c, depth + 1)) != NULL)
			return m;
	}
	return NULL;
}

/* "HOST: the firewall refused the log query: LINE; LINE" */
static void api_error(xmlNode *root, const char *host, char *err, size_t errlen)
{
	xmlNode *msg = find_msg(root, 0);
	char line[512], words[1024] = "";
	size_t len = 0;
	bool lines = false;

	for (xmlNode *c = msg != NULL ? msg->children : NULL; c != NULL; c = c->next) {
		if (!named(c, "line"))
			continue;
		lines = true;
		text_of(c, line, sizeof line);
		if (line[0] != '\0')
			cp_strapp(words, sizeof words, &len, "%s%s", len ? "; " : "", line);
	}
	if (!lines && msg != NULL)
		text_of(msg, words, sizeof words);
	if (words[0] == '\0')
		cp_seterr(err, errlen, "%s: the firewall refused the log query (no message)", host);
	else
		cp_seterr(err, errlen, "%s: the firewall refused the log query: %s", host, words);
}

/* Hands each <entry> of logs to fn. */
static int entries(xmlNode *logs, cp_panos_log_fn fn, void *data, struct cp_panos_logs_reply *out)
{
	static const char *const time_names[] = { "receive_time", "time_generated" };
	static const char *const index_names[] = { "error_index", "err_index" };
	char tm[64], sni[CP_PANOS_LOG_FIELD_MAX], dst[128], dport[16], idx[64];
	char error[CP_PANOS_LOG_FIELD_MAX], ver[32];

	for (xmlNode *e = logs != NULL ? logs->children : NULL; e != NULL; e = e->next) {
		struct cp_panos_log_entry le;
		xmlNode *f;
		int rc;

		if (!named(e, "entry"))
			continue;
		if (out->entries >= CP_PANOS_LOGS_MAX) {
			out->dropped++;
			continue;
		}
		tm[0] = idx[0] = '\0';
		for (size_t i = 0; i < 2 && tm[0] == '\0'; i++)
			if ((f = child(e, time_names[i])) != NULL)
				text_of(f, tm, sizeof tm);
		for (size_t i = 0; i < 2 && idx[0] == '\0'; i++)
			if ((f = child(e, index_names[i])) != NULL)
				text_of(f, idx, sizeof idx);
		text_of(child(e, "sni"), sni, sizeof sni);
		text_of(child(e, "dst"), dst, sizeof dst);
		text_of(child(e, "dport"), dport, sizeof dport);
		text_of(child(e, "error"), error, sizeof error);
		text_of(child(e, "tls_version"), ver, sizeof ver);
		le = (struct cp_panos_log_entry){
			.index = ++out->entries,
			.time = tm,
			.sni = sni,
			.dst = dst,
			.dport = dport,
			.err_index = idx,
			.error = error,
			.tls_version = ver,
		};
		if (fn != NULL && (rc = fn(&le, data)) != 0)
			return rc;
	}
	return 0;
}

int cp_panos_logs_parse(const char *xml, size_t len, const char *host, cp_panos_log_fn fn,
			void *data, struct cp_panos_logs_reply *out, char *err, size_t errlen)
{
	xmlDoc *doc = NULL;
	xmlNode *root, *result, *job, *st, *logs;
	xmlChar *status = NULL, *count = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	out->count = -1;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	doc = cp_panos_envelope(xml, len, host, err, errlen);
	if (doc == NULL)
		goto out;
	root = xmlDocGetRootElement(doc);
	status = xmlGetProp(root, (const xmlChar *)"status");
	if (status != NULL && strcmp((const char *)status, "error") == 0) {
		api_error(root, host, err, errlen);
		goto out;
	}
	if (status == NULL || strcmp((const char *)status, "success") != 0) {
		cp_seterr(err, errlen,
			  "%s: the reply is not a PAN-OS XML API reply (status is neither "
			  "success nor error)",
			  host);
		goto out;
	}
	result = child(root, "result");
	job = child(result, "job");
	if (job == NULL) {
		out->kind = CP_PANOS_LOGS_OTHER;
		rc = 0;
		goto out;
	}
	st = child(job, "status");
	if (st == NULL) {
		/* the submit reply: <job>17</job> */
		char id[64];

		text_of(job, id, sizeof id);
		if (id[0] == '\0' || strlen(id) >= sizeof out->job ||
		    id[strspn(id, "0123456789")] != '\0') {
			cp_seterr(err, errlen, "%s: the log query reply names no job id", host);
			goto out;
		}
		snprintf(out->job, sizeof out->job, "%s", id);
		out->kind = CP_PANOS_LOGS_ENQUEUED;
		rc = 0;
		goto out;
	}
	text_of(st, out->status, sizeof out->status);
	{
		char id[64];

		text_of(child(job, "id"), id, sizeof id);
		if (id[0] != '\0' && strlen(id) < sizeof out->job &&
		    id[strspn(id, "0123456789")] == '\0')
			snprintf(out->job, sizeof out->job, "%s", id);
	}
	if (strcmp(out->status, "FIN") != 0) {
		if (strcmp(out->status, "FAIL") == 0) {
			cp_seterr(err, errlen,
				  "%s: the log query job failed on the firewall (status FAIL)",
				  host);
			goto out;
		}
		out->kind = CP_PANOS_LOGS_RUNNING;
		rc = 0;
		goto out;
	}
	out->kind = CP_PANOS_LOGS_DONE;
	logs = child(child(result, "log"), "logs");
	if (logs != NULL && (count = xmlGetProp(logs, (const xmlChar *)"count")) != NULL) {
		char *end;
		long n;

		errno = 0;
		n = strtol((const char *)count, &end, 10);
		if (errno == 0 && end != (char *)count && *end == '\0' && n >= 0)
			out->count = n;
	}
	rc = entries(logs, fn, data, out);
out:
	xmlFree(status);
	xmlFree(count);
	xmlFreeDoc(doc);
	return rc;
}

/* ---- the job ---- */

static long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * GETs https://HOST/api/?QUERY with the key in X-PAN-KEY and parses the
 * reply.  Returns as cp_panos_logs_parse; HTTP failures are -1 with err.
 */
static int api_get(const struct cp_panos_req *rq, const char *query, cp_panos_log_fn fn, void *data,
		   struct cp_panos_logs_reply *out, char *err, size_t errlen)
{
	const struct cp_http_header hdr = { .name = "X-PAN-KEY", .value = rq->key };
	struct cp_http_req hr = {
		.cacert = rq->cacert,
		.headers = &hdr,
		.nheaders = 1,
		.connect_timeout_ms = rq->connect_timeout_ms,
		.timeout_ms = rq->timeout_ms,
	};
	struct cp_http_resp rs;
	size_t need = strlen(rq->host) + strlen(query) + 32;
	char *url = malloc(need);
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&rs, 0, sizeof rs);
	if (url == NULL) {
		cp_seterr(err, errlen, "out of memory");
		return -1;
	}
	snprintf(url, need, "https://%s/api/?%s", rq->host, query);
	hr.url = url;
	if ((rq->get != NULL ? rq->get : cp_http_get)(&hr, &rs, err, errlen) < 0) {
		if (rs.fail == CP_HTTP_ESTATUS && (rs.status == 403 || rs.status == 401))
			cp_seterr(err, errlen, "%s: the API key was refused (HTTP %ld)", rq->host,
				  rs.status);
		goto done;
	}
	rc = cp_panos_logs_parse(rs.body, rs.len, rq->host, fn, data, out, err, errlen);
done:
	cp_http_resp_free(&rs);
	free(url);
	return rc;
}

struct collect {
	struct cp_declog *dl;
	int nomem;
};

static int collect_entry(const struct cp_panos_log_entry *e, void *data)
{
	struct collect *c = data;
	struct cp_declog_row row = {
		.row = e->index,
		.time = e->time,
		.sni = e->sni,
		.dst = e->dst,
		.dport = e->dport,
		.err_index = e->err_index,
		.error = e->error,
	};

	if (cp_declog_add_record(c->dl, &row) < 0) {
		c->nomem = 1;
		return 1;
	}
	return 0;
}

/* Stops an abandoned job; its outcome changes nothing for the caller. */
static void finish_job(const struct cp_panos_req *rq, const char *job)
{
	struct cp_panos_logs_reply r;
	char q[64], ignored[256];

	snprintf(q, sizeof q, "type=log&action=finish&job-id=%s", job);
	(void)api_get(rq, q, NULL, NULL, &r, ignored, sizeof ignored);
}

int cp_panos_fetch_logs(const struct cp_panos_req *rq, const struct cp_panos_logs_opts *o,
			struct cp_declog *dl, struct cp_panos_logs_stats *st, char *err,
			size_t errlen)
{
	struct cp_panos_logs_stats dummy;
	struct cp_panos_logs_reply r;
	struct collect col = { .dl = dl };
	long since = o != NULL && o->since_s > 0 ? o->since_s : CP_PANOS_SINCE_DEFAULT;
	long wait = o != NULL && o->wait_ms > 0 ? o->wait_ms : CP_PANOS_LOG_WAIT_MS_DEFAULT;
	long pause = CP_PANOS_POLL_FIRST_MS, slept = 0, start;
	time_t now = o != NULL && o->now != 0 ? o->now : time(NULL);
	char query[512], url[1024], job[24], last[16] = "";
	char *esc;
	int rc = -1;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof *st);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (cp_panos_check_host(rq->host, err, errlen) < 0)
		return -1;
	if (rq->key == NULL || rq->key[0] == '\0') {
		cp_seterr(err, errlen, "no API key for %s (--panos-key-file FILE or %s)", rq->host,
			  CP_PANOS_KEY_ENV);
		return -1;
	}
	if (cp_panos_logs_query(now, since, query, sizeof query) < 0) {
		cp_seterr(err, errlen, "%s: cannot write the log query's start time", rq->host);
		return -1;
	}
	esc = curl_easy_escape(NULL, query, 0);
	if (esc == NULL) {
		cp_seterr(err, errlen, "out of memory");
		return -1;
	}
	snprintf(url, sizeof url, "type=log&log-type=decryption&nlogs=%d&query=%s",
		 CP_PANOS_LOGS_MAX, esc);
	curl_free(esc);

	if (api_get(rq, url, NULL, NULL, &r, err, errlen) != 0)
		goto out;
	if (r.kind != CP_PANOS_LOGS_ENQUEUED) {
		cp_seterr(err, errlen, "%s: the log query reply names no job id", rq->host);
		goto out;
	}
	snprintf(job, sizeof job, "%s", r.job);
	snprintf(st->job, sizeof st->job, "%s", job);
	snprintf(url, sizeof url, "type=log&action=get&job-id=%s", job);
	start = mono_ms();
	for (;;) {
		long elapsed = mono_ms() - start;

		if (elapsed < slept)
			elapsed = slept;
		if (elapsed + pause > wait) {
			finish_job(rq, job);
			cp_seterr(err, errlen,
				  "%s: the log query (job %s) did not finish within %ld s "
				  "(status %s); it was stopped; try a shorter --since or a longer "
				  "--panos-log-wait",
				  rq->host, job, (wait + 999) / 1000, last[0] ? last : "unknown");
			goto out;
		}
		if (o != NULL && o->sleep_ms != NULL)
			o->sleep_ms(pause);
		else
			nap_ms(pause);
		slept += pause;
		pause = pause * 3 / 2 > CP_PANOS_POLL_MAX_MS ? CP_PANOS_POLL_MAX_MS : pause * 3 / 2;
		st->polls++;
		rc = api_get(rq, url, collect_entry, &col, &r, err, errlen);
		if (col.nomem) {
			cp_seterr(err, errlen, "out of memory");
			rc = -1;
			goto out;
		}
		if (rc != 0) {
			rc = -1;
			goto out;
		}
		rc = -1;
		if (r.kind == CP_PANOS_LOGS_DONE)
			break;
		if (r.kind != CP_PANOS_LOGS_RUNNING) {
			cp_seterr(err, errlen, "%s: the reply to job %s's poll holds no job status",
				  rq->host, job);
			goto out;
		}
		snprintf(last, sizeof last, "%s", r.status);
	}
	st->entries = r.entries;
	st->dropped = r.dropped;
	st->capped = r.entries + r.dropped >= CP_PANOS_LOGS_MAX;
	rc = 0;
out:
	if (rc != 0)
		cp_panos_redact_key(rq->key, err, errlen);
	return rc;
}
