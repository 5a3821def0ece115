/* SPDX-License-Identifier: MIT */
/*
 * The HTML report (output/html.c): the escaping function byte by byte
 * (markup, quotes, backslash, controls, bidi marks, bad UTF-8), and the
 * page: one row per target in input order whatever the order added,
 * hostile strings never becoming markup, the matrix marks against a
 * profile, the summary's commands, and nothing fetched from elsewhere.
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

#include "output/html.h"
#include "output/output.h"
#include "policy/profile.h"
#include "result.h"

static void esc_is(const char *in, const char *want)
{
	char *got = cp_html_escape(in);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(got);
	assert_string_equal(got, want);
	assert_non_null(f);
	assert_int_equal(cp_html_fputs(in, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, want);
	free(got);
	free(buf);
}

static void test_escape(void **state)
{
	(void)state;
	esc_is("www.example.com", "www.example.com");
	esc_is("", "");
	esc_is("<script>alert(\"x\")</script>",
	       "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
	esc_is("a&b 'q' \"d\"", "a&amp;b &#39;q&#39; &quot;d&quot;");
	esc_is("&lt;", "&amp;lt;");
	esc_is("C:\\x1B", "C:\\\\x1B");
	/* C0 controls, tab and newline included, and DEL */
	esc_is("a\tb\nc\x1b[31md\x7f", "a\\x09b\\x0Ac\\x1B[31md\\x7F");
	/* C1 CSI (U+009B), a bidi override (U+202E), a line separator (U+2028) */
	esc_is("x\xc2\x9by", "x\\xC2\\x9By");
	esc_is("evil\xe2\x80\xaegpj.exe", "evil\\xE2\\x80\\xAEgpj.exe");
	esc_is("a\xe2\x80\xa8"
	       "b",
	       "a\\xE2\\x80\\xA8b");
	/* ill-formed UTF-8 one byte at a time; well-formed copied */
	esc_is("\xff<\xc3", "\\xFF&lt;\\xC3");
	esc_is("caf\xc3\xa9 \xe6\x97\xa5", "caf\xc3\xa9 \xe6\x97\xa5");
	esc_is("\xc0\xbc", "\\xC0\\xBC"); /* overlong '<' */
	assert_null(cp_html_escape(NULL));
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	assert_non_null(p);
	return p;
}

static char *render(struct cp_html *h, const struct cp_summary *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cp_html_write(h, f, s), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_page(void **state)
{
	struct cp_profile p;
	struct cp_html *h;
	struct cp_result *a = cp_result_new("<script>alert(1)</script>.example"),
			 *b = cp_result_new("down.example:8443");
	const char *changes[] = { "enc-algo-3des" };
	const char *cmds[] = { "set profiles decryption x ssl-protocol-settings enc-algo-3des yes",
			       "commit" };
	struct cp_html_verdict v = {
		.compatible = false,
		.reason = "the server accepts only <3DES>",
		.changes = changes,
		.nchanges = 1,
		.weak = true,
		.commands = cmds,
		.ncommands = 2,
	};
	struct cp_recommendation rec = {
		.changes = changes,
		.nchanges = 1,
		.fixes = 1,
		.commands = cmds,
		.ncommands = 2,
	};
	struct cp_summary s = {
		.targets = 2, .ok = 1, .errors = 1, .incompatible = 1, .recommendation = &rec
	};
	char *page, *t1, *t2;

	(void)state;
	/* panos-recommended leaves 3DES off and allows ECDHE-RSA AES-GCM
	 * (PAN-OS decryption profile best practice) */
	assert_int_equal(cp_profile_builtin("panos-recommended", &p), 0);
	assert_non_null(a);
	assert_non_null(b);
	a->index = 0;
	a->ok = true;
	a->host = xstrdup("h.example");
	a->sni = xstrdup("\"><script>alert(2)</script>");
	a->port = 443;
	a->proto[CP_P_TLS12].probed = a->proto[CP_P_TLS12].supported = true;
	assert_int_equal(cp_result_add_suite(a, CP_P_TLS12, 0xC02F), 0);
	assert_int_equal(cp_result_add_suite(a, CP_P_TLS12, 0x000A), 0);
	a->cert.present = true;
	a->cert.subject = xstrdup("CN=<img src=x onerror=alert(3)>");
	b->index = 1;
	assert_int_equal(
		cp_result_fail(b, CP_ERR_REFUSED, "connection to 127.0.0.1 port 8443 refused"), 0);

	h = cp_html_new(&p, NULL);
	assert_non_null(h);
	/* completion order: the error first */
	assert_int_equal(cp_html_add(h, b, NULL), 0);
	assert_int_equal(cp_html_add(h, a, &v), 0);
	assert_int_equal(cp_html_count(h), 2);
	page = render(h, &s);

	/* one row per target in the table body, in input order */
	assert_int_equal(count(page, "<tr><td data-v="), 2);
	t1 = strstr(page, "<tr><td data-v=\"1\">");
	t2 = strstr(page, "<tr><td data-v=\"2\">");
	assert_non_null(t1);
	assert_non_null(t2);
	assert_true(t1 < t2);
	assert_non_null(strstr(t1, "&lt;script&gt;alert(1)&lt;/script&gt;.example"));
	assert_non_null(strstr(t2, "refused"));
	/* hostile strings stay text: one script element, ours; no img */
	assert_int_equal(count(page, "<script"), 1);
	assert_int_equal(count(page, "<img"), 0);
	assert_non_null(strstr(page, "&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"));
	assert_non_null(strstr(page, "CN=&lt;img src=x onerror=alert(3)&gt;"));
	assert_non_null(strstr(page, "the server accepts only &lt;3DES&gt;"));
	/* matrix: GCM allowed, 3DES blocked by the profile */
	assert_non_null(strstr(page, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256<td class=y>"));
	assert_non_null(strstr(page, "TLS_RSA_WITH_3DES_EDE_CBC_SHA<td class=n>"));
	assert_non_null(strstr(page, "<details id=\"t0\">"));
	assert_non_null(strstr(page, "<details id=\"t1\">"));
	/* the fleet summary with its commands, ready to copy */
	assert_non_null(strstr(
		page,
		"<pre id=\"cmds\">set profiles decryption x ssl-protocol-settings enc-algo-3des yes\ncommit\n</pre>"));
	assert_non_null(strstr(page, "<td id=\"n-targets\">2</td>"));
	/* the weakest suite is the 3DES one */
	assert_non_null(
		strstr(t1, "TLS_RSA_WITH_3DES_EDE_CBC_SHA <span class=\"muted\">weak</span>"));
	/* self-contained: nothing loaded from elsewhere */
	assert_null(strstr(page, " src=\""));
	assert_null(strstr(page, "href=\"http"));
	assert_null(strstr(page, "url("));
	assert_null(strstr(page, "@import"));
	assert_non_null(strstr(page, "default-src 'none'"));
	free(page);

	/* without a summary, the counts are the report's own */
	page = render(h, NULL);
	assert_non_null(strstr(page, "<td id=\"n-targets\">2</td>"));
	free(page);
	cp_html_free(h);

	/* no profile: cells are not judged */
	h = cp_html_new(NULL, "t<1>");
	assert_non_null(h);
	assert_int_equal(cp_html_add_result(h, a), 0);
	page = render(h, NULL);
	assert_non_null(strstr(page, "TLS_RSA_WITH_3DES_EDE_CBC_SHA<td class=u>"));
	assert_non_null(strstr(page, "t&lt;1&gt;"));
	assert_int_equal(count(page, "<tr><td data-v="), 1);
	free(page);
	cp_html_free(h);
	cp_result_free(a);
	cp_result_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
