/* SPDX-License-Identifier: MIT */
/*
 * CSV output (output/csv.h): the RFC 4180 cell writer and its formula
 * guard, truncation, rows, days left, the per-target and per-suite rows,
 * and the writers' input order.  Expected strings written by hand from
 * RFC 4180 and the OWASP CSV-injection advice.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/csv.h"
#include "policy/advise.h"
#include "result.h"

static void cell_is(const char *in, const char *want)
{
	char buf[128];
	size_t n = cp_csv_cell(buf, sizeof buf, in);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_cells(void **state)
{
	(void)state;
	cell_is(NULL, "");
	cell_is("", "");
	cell_is("plain", "plain");
	cell_is("TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA");
	cell_is("a,b", "\"a,b\"");
	cell_is("say \"hi\"", "\"say \"\"hi\"\"\"");
	cell_is("\"", "\"\"\"\"");
	cell_is("two\nlines", "\"two\nlines\"");
	cell_is("cr\rhere", "\"cr\rhere\"");
	cell_is("x y", "x y");
	/* a space or quote inside is not a formula start */
	cell_is(" =1", " =1");
	cell_is("a=b", "a=b");
}

static void test_formula(void **state)
{
	(void)state;
	cell_is("=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"");
	cell_is("+1", "\"'+1\"");
	cell_is("-evil", "\"'-evil\"");
	cell_is("@SUM(A1)", "\"'@SUM(A1)\"");
	cell_is("\tx", "\"'\tx\"");
	cell_is("\rx", "\"'\rx\"");
	cell_is("=\"a\",b", "\"'=\"\"a\"\",b\"");
	assert_true(cp_csv_is_formula("=1"));
	assert_false(cp_csv_is_formula("1="));
	assert_false(cp_csv_is_formula(""));
	assert_false(cp_csv_is_formula(NULL));
	assert_true(cp_csv_needs_quotes("-"));
	assert_false(cp_csv_needs_quotes("ok"));
}

static void test_truncation(void **state)
{
	char buf[5];
	(void)state;

	/* "\"a,b\"" needs 5 bytes and a NUL: cut, terminated, length told */
	memset(buf, 'X', sizeof buf);
	assert_int_equal(cp_csv_cell(buf, sizeof buf, "a,b"), 5);
	assert_string_equal(buf, "\"a,b");
	assert_int_equal(cp_csv_cell(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	assert_int_equal(cp_csv_cell(NULL, 0, "=x"), 5);
	/* no write at all with cap 0 */
	buf[0] = 'Q';
	assert_int_equal(cp_csv_cell(buf, 0, "abc"), 3);
	assert_int_equal(buf[0], 'Q');
}

static void test_row(void **state)
{
	struct cp_csv_row row = { 0 };
	(void)state;

	cp_csv_text(&row, "a");
	cp_csv_num(&row, -3);
	cp_csv_text(&row, NULL);
	cp_csv_text(&row, "=x");
	cp_csv_eol(&row);
	cp_csv_num(&row, 443);
	cp_csv_eol(&row);
	assert_false(row.err);
	/* a negative number we computed stays a number */
	assert_string_equal(row.buf, "a,-3,,\"'=x\"\r\n443\r\n");
	cp_csv_row_free(&row);

	/* long cells grow the buffer */
	char big[3000];
	memset(big, 'b', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	cp_csv_text(&row, big);
	cp_csv_text(&row, big);
	assert_int_equal(row.len, 2 * (sizeof big - 1) + 1);
	cp_csv_row_free(&row);
}

static void test_days_left(void **state)
{
	long long d;
	(void)state;
	/* 2026-01-01T00:00:00Z is 1767225600 */
	const time_t jan1 = 1767225600;

	assert_true(cp_csv_days_left("2026-01-11T00:00:00Z", jan1, &d));
	assert_int_equal(d, 10);
	assert_true(cp_csv_days_left("2026-01-10T23:59:59Z", jan1, &d));
	assert_int_equal(d, 9);
	assert_true(cp_csv_days_left("2026-01-01T00:00:00Z", jan1, &d));
	assert_int_equal(d, 0);
	/* expired a second ago: day -1, rounded down */
	assert_true(cp_csv_days_left("2025-12-31T23:59:59Z", jan1, &d));
	assert_int_equal(d, -1);
	assert_true(cp_csv_days_left("2025-12-30T00:00:00Z", jan1, &d));
	assert_int_equal(d, -2);
	assert_false(cp_csv_days_left("2026-01-11", jan1, &d));
	assert_false(cp_csv_days_left("2026-01-11T00:00:00Z junk", jan1, &d));
	assert_false(cp_csv_days_left("2026-13-11T00:00:00Z", jan1, &d));
	assert_false(cp_csv_days_left(NULL, jan1, &d));
}

static struct cp_result *scanned(size_t index, const char *input)
{
	struct cp_result *r = cp_result_new(input);

	assert_non_null(r);
	r->index = index;
	r->host = strdup("www.example.com");
	r->port = 443;
	r->sni = strdup("=sni");
	r->address = strdup("192.0.2.10");
	r->proto[CP_P_TLS12].probed = r->proto[CP_P_TLS12].supported = true;
	r->proto[CP_P_TLS13].probed = r->proto[CP_P_TLS13].supported = true;
	r->proto[CP_P_TLS11].probed = true;
	assert_int_equal(cp_result_add_suite(r, CP_P_TLS12, 0xC02F), 0);
	assert_int_equal(cp_result_add_suite(r, CP_P_TLS12, 0x002F), 0);
	assert_int_equal(cp_result_add_suite(r, CP_P_TLS13, 0x1301), 0);
	r->cert.present = true;
	r->cert.not_after = strdup("2026-01-31T00:00:00Z");
	return r;
}

static void test_target_row(void **state)
{
	struct cp_csv_row row = { 0 };
	struct cp_result *r = scanned(0, "www.example.com,=sni");
	char c1[] = "auth-algo-sha1", c2[] = "keyxchg-algo-rsa", m1[] = "set a yes",
	     m2[] = "commit";
	char *changes[] = { c1, c2 };
	char *cmds[] = { m1, m2 };
	struct cp_fix fix = { .changes = changes, .nchanges = 2 };
	struct cp_cause causes[] = {
		{ .axis = CP_AXIS_SUITE, .blocked_by = CP_BY_PROFILE },
		{ .axis = CP_AXIS_VERSION, .blocked_by = CP_BY_CLIENT },
	};
	struct cp_verdict v = { .compatible = false,
				.fix = &fix,
				.commands = cmds,
				.ncommands = 2,
				.causes = causes,
				.ncauses = 1 };
	(void)state;

	r->verdict = &v;
	cp_csv_target_row(&row, r, 1767225600);
	assert_false(row.err);
	assert_string_equal(
		row.buf, "\"www.example.com,=sni\",www.example.com,443,\"'=sni\",192.0.2.10,ok,,,"
			 "TLSv1.2 TLSv1.3,3,TLS_RSA_WITH_AES_128_CBC_SHA,incompatible,"
			 "auth-algo-sha1 keyxchg-algo-rsa,\"set a yes\ncommit\",suite:profile,"
			 "2026-01-31T00:00:00Z,30,2026-01-01T00:00:00Z\r\n");
	cp_csv_row_free(&row);

	/* a cause the client blocks: the browser fails without the proxy too */
	v.ncauses = 2;
	v.fix = NULL;
	cp_csv_target_row(&row, r, 1767225600);
	assert_non_null(
		strstr(row.buf, ",fails-without-decryption,,,suite:profile version:client,"));
	cp_csv_row_free(&row);
	r->verdict = NULL;
	cp_result_free(r);

	/* an error: no verdict, no certificate; a hostile message escaped */
	r = cp_result_new("@bad");
	assert_non_null(r);
	assert_int_equal(cp_result_fail(r, CP_ERR_INPUT, "bad \"%s\"\x1b[2J", "@bad"), 0);
	cp_csv_target_row(&row, r, 1767225600);
	assert_string_equal(row.buf,
			    "\"'@bad\",,,,,error,input,\"bad \"\"@bad\"\"\\x1B[2J\",,0,,none,,,,,,"
			    "2026-01-01T00:00:00Z\r\n");
	cp_csv_row_free(&row);
	cp_result_free(r);
}

static bool allow_gcm(const void *data, uint16_t suite, uint16_t wire)
{
	assert_ptr_equal(data, (const void *)"ctx");
	return suite == 0xC02F && wire == 0x0303;
}

static void test_suite_rows(void **state)
{
	struct cp_csv_row row = { 0 };
	struct cp_result *r = scanned(0, "t");
	(void)state;

	cp_csv_suite_rows(&row, r, allow_gcm, "ctx");
	assert_string_equal(
		row.buf,
		"t,www.example.com,443,192.0.2.10,TLSv1.2,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,0xC02F,strong,yes\r\n"
		"t,www.example.com,443,192.0.2.10,TLSv1.2,TLS_RSA_WITH_AES_128_CBC_SHA,0x002F,legacy,no\r\n"
		"t,www.example.com,443,192.0.2.10,TLSv1.3,TLS_AES_128_GCM_SHA256,0x1301,strong,no\r\n");
	cp_csv_row_free(&row);
	/* no profile: the column stays empty */
	cp_csv_suite_rows(&row, r, NULL, NULL);
	assert_non_null(strstr(row.buf, "0x1301,strong,\r\n"));
	cp_csv_row_free(&row);
	cp_result_free(r);
}

/* Out-of-order completion still writes input order, header first. */
static void test_writer_order(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	struct cp_out o = { 0 };
	struct cp_result *a = scanned(0, "first"), *b = scanned(1, "second");
	(void)state;

	o.f = open_memstream(&buf, &len);
	assert_non_null(o.f);
	assert_int_equal(cp_output_csv_suites.begin(&o), 0);
	assert_int_equal(cp_output_csv_suites.target(&o, b), 0);
	fflush(o.f);
	/* b waits for a */
	assert_null(strstr(buf, "second"));
	assert_int_equal(cp_output_csv_suites.target(&o, a), 0);
	/* the same index twice is refused */
	assert_int_equal(cp_output_csv_suites.target(&o, a), -1);
	o.err = 0;
	assert_int_equal(cp_output_csv_suites.end(&o, NULL), 0);
	cp_output_csv_suites.cleanup(&o);
	fclose(o.f);
	const char *shdr = "target,host,port,address,version,suite,id,strength,allowed\r\n";
	assert_true(strncmp(buf, shdr, strlen(shdr)) == 0);
	assert_non_null(strstr(buf, "first"));
	assert_true(strstr(buf, "first") < strstr(buf, "second"));
	free(buf);

	/* the target writer: header, then one row per target */
	buf = NULL;
	o.f = open_memstream(&buf, &len);
	assert_int_equal(cp_output_csv.begin(&o), 0);
	assert_int_equal(cp_output_csv.target(&o, a), 0);
	assert_int_equal(cp_output_csv.end(&o, NULL), 0);
	fclose(o.f);
	const char *hdr = "target,host,port,sni,address,status,error_kind,error,versions,"
			  "suites_accepted,weakest_suite,verdict,fix,fix_command,causes,"
			  "cert_not_after,cert_days_left,scanned_at\r\nfirst,";
	assert_true(strncmp(buf, hdr, strlen(hdr)) == 0);
	free(buf);
	cp_result_free(a);
	cp_result_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),      cmocka_unit_test(test_formula),
		cmocka_unit_test(test_truncation), cmocka_unit_test(test_row),
		cmocka_unit_test(test_days_left),  cmocka_unit_test(test_target_row),
		cmocka_unit_test(test_suite_rows), cmocka_unit_test(test_writer_order),
	};

	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
