/* SPDX-License-Identifier: MIT */
/*
 * The Prometheus formatter (output/metrics.c): every family with # HELP
 * and # TYPE, its samples together, values per target written by hand,
 * label escaping per the exposition format, and records with the same
 * labels written once.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "output/metrics.h"
#include "policy/advise.h"
#include "result.h"

/* 2030-01-01T00:00:00Z */
#define T2030 ((time_t)1893456000)

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	assert_non_null(p);
	return p;
}

static struct cp_result *ok_result(const char *input, const char *host, uint16_t port)
{
	struct cp_result *r = cp_result_new(input);

	assert_non_null(r);
	r->host = xstrdup(host);
	r->port = port;
	r->sni = xstrdup(host);
	r->address = xstrdup("192.0.2.7");
	r->ok = true;
	r->proto[CP_P_TLS12].probed = true;
	r->proto[CP_P_TLS13].probed = true;
	assert_int_equal(cp_result_add_suite(r, CP_P_TLS12, 0xC02F), 0);
	assert_int_equal(cp_result_add_suite(r, CP_P_TLS12, 0xC030), 0);
	r->proto[CP_P_TLS12].supported = true;
	r->cert.present = true;
	r->cert.not_after = xstrdup("2030-01-01T00:00:00Z");
	return r;
}

static struct cp_result *err_result(const char *input)
{
	struct cp_result *r = cp_result_new(input);

	assert_non_null(r);
	r->host = xstrdup("unreachable.example");
	r->port = 443;
	assert_int_equal(cp_result_fail(r, CP_ERR_REFUSED, "connection refused"), 0);
	return r;
}

/* The exposition of m as a string (free()). */
static char *render(struct cp_metrics *m, const struct cp_summary *sum, double dur, time_t now)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cp_metrics_write(m, sum, dur, now, f), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

#define L_A \
	"target=\"a.example:8443\",host=\"a.example\",port=\"8443\",sni=\"a.example\",address=\"192.0.2.7\""

static void test_values(void **state)
{
	(void)state;
	struct cp_metrics *m = cp_metrics_new();
	struct cp_result *a = ok_result("a.example:8443", "a.example", 8443);
	struct cp_result *e = err_result("unreachable.example");
	struct cp_cause causes[3] = {
		{ .axis = CP_AXIS_SUITE, .blocked_by = CP_BY_PROFILE, .detail = (char *)"x" },
		{ .axis = CP_AXIS_SUITE, .blocked_by = CP_BY_SERVER, .detail = (char *)"y" },
		{ .axis = CP_AXIS_CERTIFICATE, .blocked_by = CP_BY_PROFILE, .detail = (char *)"z" },
	};
	struct cp_verdict v = { .compatible = false, .causes = causes, .ncauses = 3 };
	struct cp_summary sum = {
		.targets = 2, .ok = 1, .errors = 1, .compatible = 0, .incompatible = 1
	};

	assert_non_null(m);
	a->verdict = &v;
	assert_int_equal(cp_metrics_add(m, a), 0);
	assert_int_equal(cp_metrics_add(m, e), 0);
	a->verdict = NULL;
	char *t = render(m, &sum, 1.5, T2030 - 86400);

	assert_true(has_line(t, "cipherprobe_target_scan_ok{" L_A "} 1"));
	assert_true(has_line(
		t,
		"cipherprobe_target_scan_ok{target=\"unreachable.example\",host=\"unreachable.example\","
		"port=\"443\",sni=\"\",address=\"\"} 0"));
	assert_true(has_line(t, "cipherprobe_target_compatible{" L_A "} 0"));
	/* no verdict for the error: no sample, not a 0 */
	assert_int_equal(count(t, "cipherprobe_target_compatible{"), 1);
	/* one day before notAfter */
	assert_true(has_line(t, "cipherprobe_certificate_expiry_seconds{" L_A "} 86400"));
	assert_int_equal(count(t, "cipherprobe_certificate_expiry_seconds{"), 1);
	/* the probed versions only, 0 where nothing was accepted */
	assert_true(has_line(t, "cipherprobe_accepted_suites{" L_A ",version=\"TLSv1.2\"} 2"));
	assert_true(has_line(t, "cipherprobe_accepted_suites{" L_A ",version=\"TLSv1.3\"} 0"));
	assert_int_equal(count(t, "cipherprobe_accepted_suites{"), 2);
	assert_true(has_line(t, "cipherprobe_verdict_causes{" L_A ",axis=\"suite\"} 2"));
	assert_true(has_line(t, "cipherprobe_verdict_causes{" L_A ",axis=\"certificate\"} 1"));
	assert_true(has_line(t, "cipherprobe_verdict_causes{" L_A ",axis=\"version\"} 0"));
	assert_true(has_line(t, "cipherprobe_verdict_causes{" L_A ",axis=\"group\"} 0"));
	assert_true(has_line(t, "cipherprobe_verdict_causes{" L_A ",axis=\"signature\"} 0"));
	assert_int_equal(count(t, "cipherprobe_verdict_causes{"), 5);
	assert_true(has_line(t, "cipherprobe_targets{state=\"scanned\"} 1"));
	assert_true(has_line(t, "cipherprobe_targets{state=\"error\"} 1"));
	assert_true(has_line(t, "cipherprobe_targets{state=\"compatible\"} 0"));
	assert_true(has_line(t, "cipherprobe_targets{state=\"incompatible\"} 1"));
	assert_true(has_line(t, "cipherprobe_run_duration_seconds 1.5"));
	assert_true(has_line(t, "cipherprobe_last_run_timestamp_seconds 1893369600"));
	free(t);

	/* an expired certificate: negative */
	t = render(m, &sum, 0, T2030 + 3 * 86400);
	assert_true(has_line(t, "cipherprobe_certificate_expiry_seconds{" L_A "} -259200"));
	free(t);
	cp_result_free(a);
	cp_result_free(e);
	cp_metrics_free(m);
}

/* Every family: HELP then TYPE gauge once, its samples right after. */
static void test_families(void **state)
{
	(void)state;
	static const char *const fam[] = {
		"cipherprobe_target_scan_ok",
		"cipherprobe_target_compatible",
		"cipherprobe_certificate_expiry_seconds",
		"cipherprobe_accepted_suites",
		"cipherprobe_verdict_causes",
		"cipherprobe_targets",
		"cipherprobe_run_duration_seconds",
		"cipherprobe_last_run_timestamp_seconds",
	};
	struct cp_metrics *m = cp_metrics_new();
	struct cp_result *a = ok_result("a.example:8443", "a.example", 8443);
	struct cp_result *b = ok_result("b.example", "b.example", 443);
	struct cp_verdict v = { .compatible = true };

	a->verdict = &v;
	assert_int_equal(cp_metrics_add(m, a), 0);
	assert_int_equal(cp_metrics_add(m, b), 0);
	a->verdict = NULL;
	char *t = render(m, NULL, 2, T2030);
	for (size_t i = 0; i < sizeof fam / sizeof fam[0]; i++) {
		char help[128], type[128];
		snprintf(help, sizeof help, "# HELP %s ", fam[i]);
		snprintf(type, sizeof type, "# TYPE %s gauge\n", fam[i]);
		assert_int_equal(count(t, help), 1);
		assert_int_equal(count(t, type), 1);
		/* TYPE follows HELP on the next line */
		const char *h = strstr(t, help);
		assert_ptr_equal(strchr(h, '\n') + 1, strstr(t, type));
	}
	/* samples together: a family's name, once left, never comes back */
	char cur[64] = "";
	bool seen[sizeof fam / sizeof fam[0]] = { false };
	size_t switches = 0;
	for (const char *p = t; *p; p = strchr(p, '\n') + 1) {
		if (*p == '#')
			continue;
		size_t n = strcspn(p, "{ ");
		assert_true(n < sizeof cur);
		if (strlen(cur) == n && !strncmp(cur, p, n))
			continue;
		memcpy(cur, p, n);
		cur[n] = '\0';
		switches++;
		size_t i = 0;
		while (i < sizeof fam / sizeof fam[0] && strcmp(fam[i], cur))
			i++;
		assert_true(i < sizeof fam / sizeof fam[0]);
		assert_false(seen[i]);
		seen[i] = true;
	}
	assert_int_equal(switches, sizeof fam / sizeof fam[0]);
	/* a compatible verdict: 1, and 0 causes on every axis */
	assert_true(has_line(t, "cipherprobe_target_compatible{" L_A "} 1"));
	assert_int_equal(count(t, "cipherprobe_verdict_causes{"), 5);
	/* no summary: zeros */
	assert_true(has_line(t, "cipherprobe_targets{state=\"scanned\"} 0"));
	free(t);
	cp_result_free(a);
	cp_result_free(b);
	cp_metrics_free(m);
}

/* Backslash, double quote and line feed escaped; bytes that are not
 * UTF-8 shown as \xNN (the backslash itself then escaped). */
static void test_escaping(void **state)
{
	(void)state;
	struct cp_metrics *m = cp_metrics_new();
	struct cp_result *a = ok_result("x", "h.example", 443);

	free(a->input);
	a->input = xstrdup("a\\b\"c\nd\xff");
	assert_int_equal(cp_metrics_add(m, a), 0);
	char *t = render(m, NULL, 0, T2030);
	assert_true(has_line(
		t,
		"cipherprobe_target_scan_ok{target=\"a\\\\b\\\"c\\nd\\\\xFF\",host=\"h.example\","
		"port=\"443\",sni=\"h.example\",address=\"192.0.2.7\"} 1"));
	free(t);
	cp_result_free(a);
	cp_metrics_free(m);
}

/* The same target twice: one series, the first record's values. */
static void test_duplicates(void **state)
{
	(void)state;
	struct cp_metrics *m = cp_metrics_new();
	struct cp_result *a = ok_result("a.example:8443", "a.example", 8443);
	struct cp_result *a2 = ok_result("a.example:8443", "a.example", 8443);
	struct cp_result *b = ok_result("b.example", "b.example", 443);

	a2->ok = false;
	assert_int_equal(cp_metrics_add(m, a), 0);
	assert_int_equal(cp_metrics_add(m, b), 0);
	assert_int_equal(cp_metrics_add(m, a2), 0);
	char *t = render(m, NULL, 0, T2030);
	assert_int_equal(count(t, "cipherprobe_target_scan_ok{"), 2);
	assert_true(has_line(t, "cipherprobe_target_scan_ok{" L_A "} 1"));
	free(t);
	cp_result_free(a);
	cp_result_free(a2);
	cp_result_free(b);
	cp_metrics_free(m);
}

static void test_seconds_until(void **state)
{
	(void)state;
	double s = 0;

	assert_int_equal(cp_metrics_seconds_until("2030-01-01T00:00:00Z", T2030 - 90, &s), 0);
	assert_true(s == 90.0);
	assert_int_equal(cp_metrics_seconds_until("2029-12-31T23:59:00Z", T2030, &s), 0);
	assert_true(s == -60.0);
	assert_int_equal(cp_metrics_seconds_until("2030-01-01 00:00:00Z", T2030, &s), -1);
	assert_int_equal(cp_metrics_seconds_until("2030-01-01T00:00:00", T2030, &s), -1);
	assert_int_equal(cp_metrics_seconds_until("2030-13-01T00:00:00Z", T2030, &s), -1);
	assert_int_equal(cp_metrics_seconds_until("2030-01-01T00:00:00Zx", T2030, &s), -1);
	assert_int_equal(cp_metrics_seconds_until("", T2030, &s), -1);
	assert_int_equal(cp_metrics_seconds_until(NULL, T2030, &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),        cmocka_unit_test(test_families),
		cmocka_unit_test(test_escaping),      cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_seconds_until),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
