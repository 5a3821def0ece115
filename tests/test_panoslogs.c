/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for policy/panoslogs.h: the XML API log replies (submit, poll,
 * FIN with entries, error), --since, the query, and the job loop with a
 * canned firewall.  Reply bodies are written by hand from the PAN-OS XML
 * API's log retrieval replies.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fetch.h"
#include "policy/panoslogs.h"

#define HOST "fw.example:443"
#define KEY "LUFRPT1unitKey=="

static const char submit_reply[] =
	"<response status=\"success\"><result><msg><line>query job enqueued with jobid 17"
	"</line></msg><job>17</job></result></response>";
static const char act_reply[] =
	"<response status=\"success\"><result><job><tenq>10:00:00</tenq><id>17</id>"
	"<status>ACT</status></job><log><logs count=\"0\" progress=\"20\"/></log></result>"
	"</response>";
static const char fin_reply[] =
	"<response status=\"success\"><result><job><id>17</id><status>FIN</status></job>"
	"<log><logs count=\"2\" progress=\"100\">"
	"<entry logid=\"1\"><receive_time>2026/11/27 10:00:01</receive_time>"
	"<sni> www.example.test </sni><dst>192.0.2.10</dst><dport>443</dport>"
	"<error_index>Cipher</error_index>"
	"<error>Received fatal alert HandshakeFailure from server</error>"
	"<tls_version>TLS1.2</tls_version></entry>"
	"<entry logid=\"2\"><time_generated>2026/11/27 10:00:02</time_generated>"
	"<dst>2001:db8::1</dst><dport>8443</dport><err_index>Version</err_index></entry>"
	"</logs></log></result></response>";
static const char error_reply[] = "<response status=\"error\"><msg><line>Invalid query</line>"
				  "<line>near receive_time</line></msg></response>";

struct seen {
	size_t n;
	char sni[64], dst[64], dport[8], idx[16], time[32], error[128], ver[16];
};

static int record(const struct cp_panos_log_entry *e, void *data)
{
	struct seen *s = data;

	s->n++;
	if (e->index == 2) {
		snprintf(s->dst, sizeof s->dst, "%s", e->dst);
		snprintf(s->idx, sizeof s->idx, "%s", e->err_index);
		snprintf(s->time, sizeof s->time, "%s", e->time);
		snprintf(s->sni, sizeof s->sni, "%s", e->sni);
		return 0;
	}
	snprintf(s->error, sizeof s->error, "%s", e->error);
	snprintf(s->dport, sizeof s->dport, "%s", e->dport);
	snprintf(s->ver, sizeof s->ver, "%s", e->tls_version);
	assert_string_equal(e->sni, "www.example.test"); /* trimmed */
	return 0;
}

static void test_parse_submit(void **state)
{
	struct cp_panos_logs_reply r;
	char err[256];

	(void)state;
	assert_int_equal(cp_panos_logs_parse(submit_reply, strlen(submit_reply), HOST, NULL, NULL,
					     &r, err, sizeof err),
			 0);
	assert_int_equal(r.kind, CP_PANOS_LOGS_ENQUEUED);
	assert_string_equal(r.job, "17");
}

static void test_parse_running(void **state)
{
	struct cp_panos_logs_reply r;
	char err[256];

	(void)state;
	assert_int_equal(cp_panos_logs_parse(act_reply, strlen(act_reply), HOST, NULL, NULL, &r,
					     err, sizeof err),
			 0);
	assert_int_equal(r.kind, CP_PANOS_LOGS_RUNNING);
	assert_string_equal(r.status, "ACT");
	assert_string_equal(r.job, "17");
}

static void test_parse_fin(void **state)
{
	struct cp_panos_logs_reply r;
	struct seen s = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(cp_panos_logs_parse(fin_reply, strlen(fin_reply), HOST, record, &s, &r,
					     err, sizeof err),
			 0);
	assert_int_equal(r.kind, CP_PANOS_LOGS_DONE);
	assert_int_equal(r.entries, 2);
	assert_int_equal(r.count, 2);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.error, "Received fatal alert HandshakeFailure from server");
	assert_string_equal(s.dport, "443");
	assert_string_equal(s.ver, "TLS1.2");
	/* the older element names, and a missing field as "" */
	assert_string_equal(s.dst, "2001:db8::1");
	assert_string_equal(s.idx, "Version");
	assert_string_equal(s.time, "2026/11/27 10:00:02");
	assert_string_equal(s.sni, "");
}

static void test_parse_error(void **state)
{
	struct cp_panos_logs_reply r;
	char err[256];

	(void)state;
	assert_int_equal(cp_panos_logs_parse(error_reply, strlen(error_reply), HOST, NULL, NULL, &r,
					     err, sizeof err),
			 -1);
	assert_string_equal(err, HOST ": the firewall refused the log query: Invalid query; "
				      "near receive_time");
}

static void test_parse_hostile(void **state)
{
	static const char *const bad[] = {
		"not xml at all",
		"<html><body>sign in</body></html>",
		"<response status=\"maybe\"/>",
		"<!DOCTYPE response [<!ENTITY x \"y\">]><response status=\"success\"/>",
		"<response status=\"success\"><result><job>17; rm</job></result></response>",
		"<response status=\"success\"><result><job><status>FAIL</status></job></result></response>",
	};
	struct cp_panos_logs_reply r;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(cp_panos_logs_parse(bad[i], strlen(bad[i]), HOST, NULL, NULL, &r,
						     err, sizeof err),
				 -1);
		assert_true(strncmp(err, HOST ": ", strlen(HOST ": ")) == 0);
	}
	assert_int_equal(cp_panos_logs_parse(NULL, 0, HOST, NULL, NULL, &r, err, sizeof err), -1);
}

static int count_entry(const struct cp_panos_log_entry *e, void *data)
{
	struct seen *s = data;

	assert_int_equal(e->index, ++s->n);
	return 0;
}

/* A reply with more entries than the cap: the rest are counted, not read. */
static void test_parse_cap(void **state)
{
	size_t n = CP_PANOS_LOGS_MAX + 3, cap = n * 40 + 256, len = 0;
	char *xml = malloc(cap), err[256];
	struct cp_panos_logs_reply r;
	struct seen s = { 0 };

	(void)state;
	assert_non_null(xml);
	len += (size_t)snprintf(xml + len, cap - len,
				"<response status=\"success\"><result><job>"
				"<status>FIN</status></job><log><logs count=\"%zu\">",
				n);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(xml + len, cap - len, "<entry><dport>1</dport></entry>");
	len += (size_t)snprintf(xml + len, cap - len, "</logs></log></result></response>");
	assert_int_equal(cp_panos_logs_parse(xml, len, HOST, count_entry, &s, &r, err, sizeof err),
			 0);
	assert_int_equal(r.entries, CP_PANOS_LOGS_MAX);
	assert_int_equal(r.dropped, 3);
	assert_int_equal(s.n, CP_PANOS_LOGS_MAX);
	free(xml);
}

static void test_since(void **state)
{
	long s = 0;
	char err[256];

	(void)state;
	assert_int_equal(cp_panos_parse_since("24h", &s, err, sizeof err), 0);
	assert_int_equal(s, 86400);
	assert_int_equal(cp_panos_parse_since("90m", &s, err, sizeof err), 0);
	assert_int_equal(s, 5400);
	assert_int_equal(cp_panos_parse_since("7d", &s, err, sizeof err), 0);
	assert_int_equal(s, 7 * 86400);
	assert_int_equal(cp_panos_parse_since("30s", &s, err, sizeof err), 0);
	assert_int_equal(s, 30);
	assert_int_equal(cp_panos_parse_since("365d", &s, err, sizeof err), 0);
	static const char *const bad[] = { "",     "24",   "h",
					   "0h",   "-1h",  "1.5h",
					   "24hh", "366d", "99999999999999999999d",
					   "1w",   " 1h" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(cp_panos_parse_since(bad[i], &s, err, sizeof err), -1);
}

static void test_query(void **state)
{
	char q[512];

	(void)state;
	setenv("TZ", "UTC", 1);
	/* 2026-11-27 12:00:00 UTC is 1795780800 */
	assert_int_equal(cp_panos_logs_query((time_t)1795780800, 2 * 3600, q, sizeof q), 0);
	assert_string_equal(q,
			    "(receive_time geq '2026/11/27 10:00:00') and ((error_index eq "
			    "Cipher) or (error_index eq Version) or (error_index eq Protocol) or "
			    "(error_index eq Certificate) or (error_index eq Feature))");
	assert_int_equal(cp_panos_logs_query((time_t)1795780800, 60, q, 20), -1);
}

/* ---- the job loop, against canned replies ---- */

static const char *script[8];
static size_t nscript, next;
static char urls[8][1024];

static int canned_get(const struct cp_http_req *rq, struct cp_http_resp *rs, char *err,
		      size_t errlen)
{
	const char *body = next < nscript ? script[next] : NULL;

	memset(rs, 0, sizeof *rs);
	assert_int_equal(rq->nheaders, 1);
	assert_string_equal(rq->headers[0].name, "X-PAN-KEY");
	assert_string_equal(rq->headers[0].value, KEY);
	assert_null(strstr(rq->url, KEY));
	if (next < 8)
		snprintf(urls[next], sizeof urls[next], "%s", rq->url);
	next++;
	if (body == NULL) {
		rs->fail = CP_HTTP_EREFUSED;
		snprintf(err, errlen, "https://" HOST ": connection refused");
		return -1;
	}
	rs->status = 200;
	rs->len = strlen(body);
	rs->body = strdup(body);
	return rs->body != NULL ? 0 : -1;
}

static long napped;
static void no_sleep(long ms)
{
	napped += ms;
}

static int keep(const struct cp_declog_entry *e, void *data)
{
	size_t *n = data;

	if (e->error == NULL)
		(*n)++;
	return 0;
}

static void test_fetch(void **state)
{
	struct cp_panos_req rq = { .host = HOST, .key = KEY, .get = canned_get };
	struct cp_panos_logs_opts o = { .since_s = 3600,
					.now = (time_t)1795780800,
					.sleep_ms = no_sleep };
	struct cp_panos_logs_stats st;
	struct cp_declog_stats ds;
	struct cp_declog *dl = cp_declog_new();
	size_t targets = 0;
	char err[512];

	(void)state;
	assert_non_null(dl);
	script[0] = submit_reply;
	script[1] = act_reply;
	script[2] = fin_reply;
	nscript = 3;
	next = 0;
	assert_int_equal(cp_panos_fetch_logs(&rq, &o, dl, &st, err, sizeof err), 0);
	assert_int_equal(next, 3);
	assert_int_equal(st.polls, 2);
	assert_int_equal(st.entries, 2);
	assert_string_equal(st.job, "17");
	assert_non_null(strstr(
		urls[0],
		"https://" HOST
		"/api/?type=log&log-type=decryption&nlogs=5000&query=%28receive_time%20geq%20"));
	assert_string_equal(urls[1], "https://" HOST "/api/?type=log&action=get&job-id=17");
	assert_int_equal(cp_declog_report(dl, "log", keep, &targets, &ds), 0);
	assert_int_equal(ds.rows, 2);
	assert_int_equal(ds.kept, 2);
	assert_int_equal(targets, 2);
	cp_declog_free(dl);
}

static void test_fetch_never(void **state)
{
	struct cp_panos_req rq = { .host = HOST, .key = KEY, .get = canned_get };
	struct cp_panos_logs_opts o = { .wait_ms = 3000, .sleep_ms = no_sleep };
	struct cp_panos_logs_stats st;
	struct cp_declog *dl = cp_declog_new();
	char err[512];

	(void)state;
	script[0] = submit_reply;
	for (size_t i = 1; i < 8; i++)
		script[i] = act_reply;
	nscript = 8;
	next = 0;
	napped = 0;
	assert_int_equal(cp_panos_fetch_logs(&rq, &o, dl, &st, err, sizeof err), -1);
	assert_string_equal(
		err,
		HOST ": the log query (job 17) did not finish within 3 s (status "
		     "ACT); it was stopped; try a shorter --since or a longer --panos-log-wait");
	assert_true(napped <= 3000);
	/* the last request stops the job */
	assert_string_equal(urls[next - 1],
			    "https://" HOST "/api/?type=log&action=finish&job-id=17");
	cp_declog_free(dl);
}

static void test_fetch_error(void **state)
{
	struct cp_panos_req rq = { .host = HOST, .key = KEY, .get = canned_get };
	struct cp_panos_logs_opts o = { .sleep_ms = no_sleep };
	struct cp_declog *dl = cp_declog_new();
	char err[512];
	static const char quoting[] =
		"<response status=\"error\"><msg><line>bad key " KEY "</line></msg></response>";

	(void)state;
	script[0] = error_reply;
	nscript = 1;
	next = 0;
	assert_int_equal(cp_panos_fetch_logs(&rq, &o, dl, NULL, err, sizeof err), -1);
	assert_string_equal(err, HOST ": the firewall refused the log query: Invalid query; near "
				      "receive_time");
	/* a reply quoting the key never puts it in a message */
	script[0] = quoting;
	next = 0;
	assert_int_equal(cp_panos_fetch_logs(&rq, &o, dl, NULL, err, sizeof err), -1);
	assert_null(strstr(err, KEY));
	assert_non_null(strstr(err, "(the API key)"));
	/* a refused connection is the transport's sentence */
	nscript = 0;
	next = 0;
	assert_int_equal(cp_panos_fetch_logs(&rq, &o, dl, NULL, err, sizeof err), -1);
	assert_string_equal(err, "https://" HOST ": connection refused");
	rq.host = "https://fw/";
	assert_int_equal(cp_panos_fetch_logs(&rq, &o, dl, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a URL"));
	cp_declog_free(dl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_submit),  cmocka_unit_test(test_parse_running),
		cmocka_unit_test(test_parse_fin),     cmocka_unit_test(test_parse_error),
		cmocka_unit_test(test_parse_hostile), cmocka_unit_test(test_parse_cap),
		cmocka_unit_test(test_since),         cmocka_unit_test(test_query),
		cmocka_unit_test(test_fetch),         cmocka_unit_test(test_fetch_never),
		cmocka_unit_test(test_fetch_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
