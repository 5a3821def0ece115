/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes reading a profile over the PAN-OS XML API (policy/panosapi.h)
 * with the firewall played by the input: its replies are canned, handed
 * out through cp_panos_req.get one per request, so the lookup order,
 * classify (what kind of reply a body is), relabel (profile.c's message
 * made "HOST: why") and the not-found listing all run on hostile replies.
 *
 * Input layout (text, so seeds stay readable):
 *   line 1      flags: 'd' anywhere asks with a device group ("DG1"),
 *               'v' with vsys "vsys2"; the rest of the line is ignored
 *   line 2      the profile name asked for
 *   the rest    replies, separated by lines "--8<--".  A reply starting
 *               "@NNN\n" comes with HTTP status NNN (a failure when >= 300,
 *               as cp_http_get reports it); "@down\n" is a connection
 *               refused.  Requests past the last reply are refused too.
 *
 * Invariants: every request is an action=show GET of the firewall given,
 * with the key in X-PAN-KEY and never in the URL; at most two per
 * location (the lookup and the listing); a success holds the profile
 * asked for, where it was asked for; a failure says why; no message ever
 * holds the API key, even when the firewall's reply quotes it; classify
 * answers one of its four values and words every failure as "HOST: ...";
 * relabel leaves "HOST: why".
 *
 * Flag 'l' on line 1 plays the decryption-log job instead
 * (policy/panoslogs.h, --from-panos-logs): line 2 is ignored, the replies
 * answer the submit, the polls and the finish in turn, and each is also
 * given to cp_panos_logs_parse alone.  Invariants: every request is a
 * type=log GET with the key in X-PAN-KEY only; the polls end (the wait
 * bound counts the pauses, which take no time here); the parse answers
 * 0 or -1 with "HOST: why", hands out at most CP_PANOS_LOGS_MAX entries
 * with terminated fields within their caps; no message holds the key.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "fuzz.h"
#include "input/declog.h"
#include "policy/panoslogs.h"
#include "policy/panosapi.h"
#include "policy/profile.h"

#define HOST "fw.example:8443"
#define KEY "LUFRPT1fuzzKey0123456789abcdef=="
#define SEP "\n--8<--\n"
#define MAX_REPLIES 8

struct reply {
	const char *p;
	size_t n;
};

struct firewall {
	struct reply r[MAX_REPLIES];
	size_t nr, next;
};

static struct firewall fw;
static bool logs_mode; /* flag 'l': the log job, not a profile */

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* The key, or a message cut short inside it (its start at the very end). */
static bool holds_key(const char *s)
{
	size_t n = strlen(s), kl = sizeof KEY - 1;

	if (strstr(s, KEY) != NULL)
		return true;
	for (size_t k = kl - 1 < n ? kl - 1 : n; k >= 6; k--)
		if (memcmp(s + n - k, KEY, k) == 0)
			return true;
	return false;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* cp_http_get as the fetch.h contract has it, from the next canned reply. */
static int canned_get(const struct cp_http_req *rq, struct cp_http_resp *rs, char *err,
		      size_t errlen)
{
	static const char url[] = "https://" HOST "/api/?type=config&action=show&xpath=";
	static const char log_url[] = "https://" HOST "/api/?type=log&";
	struct reply r = { "", 0 };
	long status = 200;
	bool have;

	memset(rs, 0, sizeof *rs);
	FUZZ_CHECK(rq->url != NULL && starts(rq->url, logs_mode ? log_url : url));
	FUZZ_CHECK(strstr(rq->url, KEY) == NULL);
	FUZZ_CHECK(rq->nheaders == 1 && strcmp(rq->headers[0].name, "X-PAN-KEY") == 0 &&
		   strcmp(rq->headers[0].value, KEY) == 0);
	have = fw.next < fw.nr;
	if (have)
		r = fw.r[fw.next];
	fw.next++;
	if (have && r.n >= 5 && r.p[0] == '@') {
		const char *nl = memchr(r.p, '\n', r.n);
		size_t skip = nl ? (size_t)(nl - r.p) + 1 : r.n;

		if (r.n >= 6 && memcmp(r.p, "@down\n", 6) == 0)
			have = false;
		else
			status = 100 * (r.p[1] - '0') + 10 * (r.p[2] - '0') + (r.p[3] - '0');
		r.p += skip;
		r.n -= skip;
	}
	if (!have) {
		rs->fail = CP_HTTP_EREFUSED;
		snprintf(err, errlen, "https://" HOST ": connection refused");
		return -1;
	}
	rs->status = status;
	rs->body = malloc(r.n + 1);
	if (rs->body == NULL) {
		rs->fail = CP_HTTP_ENOMEM;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(rs->body, r.p, r.n);
	rs->body[r.n] = '\0';
	rs->len = r.n;
	snprintf(rs->content_type, sizeof rs->content_type, "application/xml");
	if (status >= 300) {
		rs->fail = status >= 400 ? CP_HTTP_ESTATUS : CP_HTTP_EREDIRECT;
		snprintf(err, errlen, "https://" HOST ": HTTP %ld", status);
		return -1;
	}
	return 0;
}

/* Splits the input's replies at SEP. */
static void split_replies(const char *p, size_t n)
{
	fw.nr = fw.next = 0;
	while (fw.nr < MAX_REPLIES) {
		const char *sep = memmem(p, n, SEP, sizeof SEP - 1);
		size_t len = sep ? (size_t)(sep - p) : n;

		fw.r[fw.nr].p = p;
		fw.r[fw.nr].n = len;
		fw.nr++;
		if (!sep)
			break;
		p += len + sizeof SEP - 1;
		n -= len + sizeof SEP - 1;
	}
}

static void check_classify(const struct reply *r)
{
	char err[256], *body;
	enum cp_panos_reply c;

	/* exactly its size, so ASan sees a read past the end */
	body = malloc(r->n ? r->n : 1);
	if (body == NULL)
		return;
	memcpy(body, r->p, r->n);
	memset(err, 0, sizeof err);
	c = cp_panos_classify(body, r->n, HOST, err, sizeof err);
	FUZZ_CHECK(c == CP_PANOS_FOUND || c == CP_PANOS_NOT_FOUND || c == CP_PANOS_API_ERROR ||
		   c == CP_PANOS_FAIL);
	FUZZ_CHECK(terminated(err, sizeof err));
	if (c == CP_PANOS_FAIL)
		FUZZ_CHECK(starts(err, HOST ": the reply is not a PAN-OS XML API reply"));
	else
		FUZZ_CHECK(err[0] == '\0');
	free(body);
}

/* relabel on "LABEL:LINE: why", "LABEL: why" and the reply as it is. */
static void check_relabel(const struct reply *r)
{
	static const char label[] = "https://" HOST "/api (vsys1)";
	char err[256], why[120], want[200];
	size_t n = r->n < sizeof why - 1 ? r->n : sizeof why - 1;

	memcpy(why, r->p, n);
	why[n] = '\0';
	snprintf(want, sizeof want, "%s: %s", HOST, why);

	snprintf(err, sizeof err, "%s:12: %s", label, why);
	cp_panos_relabel(HOST, label, err, sizeof err);
	FUZZ_CHECK(strcmp(err, want) == 0);
	snprintf(err, sizeof err, "%s: %s", label, why);
	cp_panos_relabel(HOST, label, err, sizeof err);
	FUZZ_CHECK(strcmp(err, want) == 0);

	snprintf(err, sizeof err, "%s", why);
	cp_panos_relabel(HOST, label, err, sizeof err);
	FUZZ_CHECK(terminated(err, sizeof err) && starts(err, HOST ": "));
	/* a small buffer: still terminated, still the host first */
	snprintf(err, 8, "%.7s", why);
	cp_panos_relabel(HOST, label, err, 8);
	FUZZ_CHECK(terminated(err, 8) && strncmp(err, HOST, 7) == 0);
}

static int check_entry(const struct cp_panos_log_entry *e, void *data)
{
	size_t *n = data;

	FUZZ_CHECK(e->index == ++*n && *n <= CP_PANOS_LOGS_MAX);
	FUZZ_CHECK(strlen(e->time) < CP_PANOS_LOG_FIELD_MAX &&
		   strlen(e->sni) < CP_PANOS_LOG_FIELD_MAX &&
		   strlen(e->dst) < CP_PANOS_LOG_FIELD_MAX &&
		   strlen(e->dport) < CP_PANOS_LOG_FIELD_MAX &&
		   strlen(e->err_index) < CP_PANOS_LOG_FIELD_MAX &&
		   strlen(e->error) < CP_PANOS_LOG_FIELD_MAX &&
		   strlen(e->tls_version) < CP_PANOS_LOG_FIELD_MAX);
	return 0;
}

static void check_logs_parse(const struct reply *r)
{
	struct cp_panos_logs_reply out;
	char err[512], *body;
	size_t n = 0;
	int rc;

	body = malloc(r->n ? r->n : 1);
	if (body == NULL)
		return;
	memcpy(body, r->p, r->n);
	memset(err, 'x', sizeof err);
	rc = cp_panos_logs_parse(body, r->n, HOST, check_entry, &n, &out, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(terminated(err, sizeof err));
	if (rc < 0)
		FUZZ_CHECK(starts(err, HOST ": "));
	else
		FUZZ_CHECK(out.entries == n && terminated(out.job, sizeof out.job) &&
			   terminated(out.status, sizeof out.status));
	free(body);
}

static void no_sleep(long ms)
{
	(void)ms;
}

static int check_logs(const struct cp_panos_req *rq)
{
	struct cp_panos_logs_opts o = { .wait_ms = 5000, .now = 1795780800, .sleep_ms = no_sleep };
	struct cp_panos_logs_stats st;
	struct cp_declog *dl = cp_declog_new();
	char err[1024];
	int rc;

	for (size_t i = 0; i < fw.nr; i++)
		check_logs_parse(&fw.r[i]);
	if (dl == NULL)
		return 0;
	memset(err, 'x', sizeof err);
	fw.next = 0;
	rc = cp_panos_fetch_logs(rq, &o, dl, &st, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(terminated(err, sizeof err));
	FUZZ_CHECK(!holds_key(err));
	/* the submit, the polls a 5 s bound allows, the finish */
	FUZZ_CHECK(fw.next <= 2 + 12 && st.polls <= 12);
	if (rc != 0)
		FUZZ_CHECK(err[0] != '\0');
	cp_declog_free(dl);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *nl;
	char flags[32] = "", name[256] = "", err[1024];
	size_t n = size, len;
	struct cp_panos_req rq = {
		.host = HOST,
		.key = KEY,
		.profile = name,
		.get = canned_get,
	};
	struct cp_profile out;
	int rc;

	/* line 1: flags, line 2: the name */
	nl = memchr(p, '\n', n);
	len = nl ? (size_t)(nl - p) : n;
	snprintf(flags, sizeof flags, "%.*s", (int)(len < sizeof flags ? len : sizeof flags - 1),
		 p);
	p += nl ? len + 1 : len;
	n -= nl ? len + 1 : len;
	nl = memchr(p, '\n', n);
	len = nl ? (size_t)(nl - p) : n;
	if (len >= sizeof name)
		return 0;
	memcpy(name, p, len);
	name[len] = '\0';
	if (strlen(name) != len)
		return 0; /* a NUL: a C string cannot hold it anyway */
	p += nl ? len + 1 : len;
	n -= nl ? len + 1 : len;
	if (strchr(flags, 'v'))
		rq.vsys = "vsys2";
	if (strchr(flags, 'd'))
		rq.device_group = "DG1";
	split_replies(p, n);
	logs_mode = strchr(flags, 'l') != NULL;
	if (logs_mode)
		return check_logs(&rq);

	for (size_t i = 0; i < fw.nr; i++) {
		check_classify(&fw.r[i]);
		check_relabel(&fw.r[i]);
	}

	memset(&out, 0xA5, sizeof out);
	memset(err, 'x', sizeof err);
	fw.next = 0;
	rc = cp_panos_fetch_profile(&rq, &out, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(terminated(err, sizeof err));
	FUZZ_CHECK(!holds_key(err));
	/* a lookup per location, and a listing per location when not found */
	FUZZ_CHECK(fw.next <= 2 * (size_t)(rq.device_group ? 3 : 2));
	if (rc != 0) {
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(strcmp(out.name, name) == 0);
	FUZZ_CHECK(out.loc == CP_LOC_VSYS || out.loc == CP_LOC_SHARED ||
		   (rq.device_group && out.loc == CP_LOC_DEVICE_GROUP));
	if (out.loc == CP_LOC_VSYS)
		FUZZ_CHECK(strcmp(out.vsys, rq.vsys ? rq.vsys : "vsys1") == 0);
	else
		FUZZ_CHECK(out.vsys[0] == '\0');
	if (out.loc == CP_LOC_DEVICE_GROUP)
		FUZZ_CHECK(strcmp(out.device_group, "DG1") == 0);
	else
		FUZZ_CHECK(out.device_group[0] == '\0');
	FUZZ_CHECK(terminated(out.source, sizeof out.source));
	FUZZ_CHECK(out.min_version <= out.max_version);
	return 0;
}
