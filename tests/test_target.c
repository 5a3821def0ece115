/* SPDX-License-Identifier: MIT */
/*
 * Target parsing and list reading: every accepted form with the fields it
 * must yield, bad lines with the words their message must contain, and a
 * list file with the awkward things real lists hold (BOM, CRLF, comments,
 * an over-long line, a NUL byte).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "input/list.h"
#include "input/target.h"

struct good {
	const char *text;
	const char *host;
	uint16_t port;
	const char *sni; /* NULL: none sent */
	bool sni_set;
	bool is_ip;
	int family;
	const char *input; /* NULL: same as text */
};

static const struct good goods[] = {
	{ "example.com", "example.com", 443, "example.com", false, false, AF_UNSPEC, NULL },
	{ "Example.COM.", "example.com", 443, "example.com", false, false, AF_UNSPEC, NULL },
	{ "example.com:8443", "example.com", 8443, "example.com", false, false, AF_UNSPEC, NULL },
	{ "  example.com:8443\t", "example.com", 8443, "example.com", false, false, AF_UNSPEC,
	  "example.com:8443" },
	{ "_dmarc.example-1.org:1", "_dmarc.example-1.org", 1, "_dmarc.example-1.org", false, false,
	  AF_UNSPEC, NULL },
	{ "localhost:65535", "localhost", 65535, "localhost", false, false, AF_UNSPEC, NULL },
	{ "xn--bcher-kva.de", "xn--bcher-kva.de", 443, "xn--bcher-kva.de", false, false, AF_UNSPEC,
	  NULL },
	{ "192.0.2.1", "192.0.2.1", 443, NULL, false, true, AF_INET, NULL },
	{ "192.0.2.1:993", "192.0.2.1", 993, NULL, false, true, AF_INET, NULL },
	{ "[2001:db8::1]:443", "2001:db8::1", 443, NULL, false, true, AF_INET6, NULL },
	{ "[2001:DB8:0:0::1]", "2001:db8::1", 443, NULL, false, true, AF_INET6, NULL },
	{ "[::1]:8443", "::1", 8443, NULL, false, true, AF_INET6, NULL },
	{ "::1", "::1", 443, NULL, false, true, AF_INET6, NULL },
	{ "2001:db8::443", "2001:db8::443", 443, NULL, false, true, AF_INET6, NULL },
	{ "::ffff:192.0.2.1", "::ffff:192.0.2.1", 443, NULL, false, true, AF_INET6, NULL },
	{ "https://example.com/path?q=1", "example.com", 443, "example.com", false, false,
	  AF_UNSPEC, "https://example.com/path" },
	{ "https://example.com:8443/", "example.com", 8443, "example.com", false, false, AF_UNSPEC,
	  NULL },
	{ "HTTPS://WWW.Example.com", "www.example.com", 443, "www.example.com", false, false,
	  AF_UNSPEC, NULL },
	{ "https://user@example.com/#top", "example.com", 443, "example.com", false, false,
	  AF_UNSPEC, "https://example.com/" },
	/* secrets never reach the input shown, saved or posted */
	{ "https://user:pass@example.com:8443/p?token=t0k#f", "example.com", 8443, "example.com",
	  false, false, AF_UNSPEC, "https://example.com:8443/p" },
	{ "https://u:p@example.com,site.example", "example.com", 443, "site.example", true, false,
	  AF_UNSPEC, "https://example.com,site.example" },
	{ "ldaps://ldap.example.com", "ldap.example.com", 636, "ldap.example.com", false, false,
	  AF_UNSPEC, NULL },
	{ "imaps://mail.example.com", "mail.example.com", 993, "mail.example.com", false, false,
	  AF_UNSPEC, NULL },
	{ "pop3s://mail.example.com", "mail.example.com", 995, "mail.example.com", false, false,
	  AF_UNSPEC, NULL },
	{ "smtps://mail.example.com", "mail.example.com", 465, "mail.example.com", false, false,
	  AF_UNSPEC, NULL },
	{ "ftps://ftp.example.com", "ftp.example.com", 990, "ftp.example.com", false, false,
	  AF_UNSPEC, NULL },
	{ "smtps://mail.example.com:2465", "mail.example.com", 2465, "mail.example.com", false,
	  false, AF_UNSPEC, NULL },
	{ "https://[::1]:8443/x", "::1", 8443, NULL, false, true, AF_INET6, NULL },
	{ "https://192.0.2.1/", "192.0.2.1", 443, NULL, false, true, AF_INET, NULL },
	{ "example.com:443,Other.Example.", "example.com", 443, "other.example", true, false,
	  AF_UNSPEC, NULL },
	{ "example.com,other.example", "example.com", 443, "other.example", true, false, AF_UNSPEC,
	  NULL },
	{ "192.0.2.1:8443,site.example", "192.0.2.1", 8443, "site.example", true, true, AF_INET,
	  NULL },
	{ "[::1]:443,site.example", "::1", 443, "site.example", true, true, AF_INET6, NULL },
	{ "example.com:443,", "example.com", 443, NULL, true, false, AF_UNSPEC, NULL },
	{ "https://example.com/,site.example", "example.com", 443, "site.example", true, false,
	  AF_UNSPEC, NULL },
	{ "https://example.com,site.example", "example.com", 443, "site.example", true, false,
	  AF_UNSPEC, NULL },
	/* a comma in the query belongs to the URL */
	{ "https://example.com/?fields=a,b", "example.com", 443, "example.com", false, false,
	  AF_UNSPEC, "https://example.com/" },
};

struct badcase {
	const char *name; /* shown in TAP output */
	const char *text;
	const char *want; /* fragment the message must contain */
};

static char long_label[80], long_name[300];

static const struct badcase bads[] = {
	{ "empty", "", "empty target" },
	{ "blank", "  \t ", "empty target" },
	{ "port too big", "example.com:99999", "port '99999' out of range 1-65535" },
	{ "port zero", "example.com:0", "port '0' out of range 1-65535" },
	{ "port huge", "example.com:99999999999999999999", "out of range 1-65535" },
	{ "port empty", "example.com:", "empty port" },
	{ "port name", "example.com:https", "port 'https' is not a number" },
	{ "port sign", "example.com:+443", "port '+443' is not a number" },
	{ "inner space", "exa mple.com", "whitespace inside target" },
	{ "space before port", "example.com :443", "whitespace inside target" },
	{ "IDN",
	  "b\xc3\xbc"
	  "cher.de",
	  "not ASCII" },
	{ "latin1",
	  "b\xfc"
	  "cher.de:443",
	  "xn--" },
	{ "empty label", "foo..example.com", "empty label" },
	{ "leading dot", ".example.com", "empty label" },
	{ "bad char", "exa$mple.com", "character '$' not allowed in host name" },
	{ "slash", "example.com/path", "character '/' not allowed" },
	{ "control", "example.com\x07", "control character 0x07" },
	{ "label > 63", long_label, "more than 63" },
	{ "name > 253", long_name, "more than 253" },
	{ "numeric last label", "10.1", "not a valid IPv4 address" },
	{ "octet > 255", "1.2.3.256", "not a valid IPv4 address" },
	{ "no host", ":443", "empty host name" },
	{ "dot only", ".", "empty host name" },
	{ "unclosed bracket", "[::1", "missing ']'" },
	{ "junk after bracket", "[::1]443", "unexpected '443' after ']'" },
	{ "v6 port range", "[::1]:70000", "port '70000' out of range 1-65535" },
	{ "name in brackets", "[example.com]:443", "'example.com' is not an IPv6 address" },
	{ "empty brackets", "[]:443", "empty IPv6 address" },
	{ "zone id", "[fe80::1%eth0]:443", "zone ids" },
	{ "bad bare v6", "1:2:3", "[address]:port" },
	{ "host:port:port", "example.com:443:1", "[address]:port" },
	{ "http scheme", "http://example.com/", "scheme 'http' is not a TLS scheme" },
	{ "other scheme", "gopher://example.com", "scheme 'gopher' is not a TLS scheme" },
	{ "no scheme", "://example.com", "missing URL scheme" },
	{ "URL port range", "https://example.com:99999/",
	  "port in URL 'https://example.com:99999/' out of range 1-65535" },
	{ "URL port range, secrets left out", "https://user:pass@example.com:99999/?token=t0k",
	  "port in URL 'https://example.com:99999/' out of range" },
	{ "URL port zero", "https://example.com:0/", "port '0' out of range 1-65535" },
	{ "URL no host", "https://:443/", "has no host name" },
	{ "URL bad v6", "https://[::1/", "bad URL" },
	{ "URL IDN",
	  "https://b\xc3\xbc"
	  "cher.de/",
	  "not ASCII" },
	{ "two commas", "a.example,b.example,c.example", "more than one ','" },
	{ "SNI is IPv4", "example.com,192.0.2.1", "SNI '192.0.2.1' is an IP address" },
	{ "SNI is IPv6", "example.com:443,::1", "is an IP address" },
	{ "SNI bad char", "example.com,bad$sni", "not allowed in SNI" },
	{ "SNI empty label", "example.com,a..b", "empty label in SNI" },
};

static void test_good(void **state)
{
	const struct good *g = *state;
	struct cp_target t;
	char err[256] = "";
	int rc = cp_target_parse(g->text, &t, err, sizeof err);

	if (rc)
		print_error("'%s': %s\n", g->text, err);
	assert_int_equal(rc, 0);
	assert_string_equal(t.input, g->input ? g->input : g->text);
	assert_string_equal(t.host, g->host);
	assert_int_equal(t.port, g->port);
	if (g->sni)
		assert_string_equal(t.sni, g->sni);
	else
		assert_null(t.sni);
	assert_int_equal(t.sni_set, g->sni_set);
	assert_int_equal(t.is_ip, g->is_ip);
	assert_int_equal(t.family_hint, g->family);
	cp_target_free(&t);
	assert_null(t.host);
	cp_target_free(&t);
}

static void test_bad(void **state)
{
	const struct badcase *b = *state;
	struct cp_target t;
	char err[256] = "";

	assert_int_equal(cp_target_parse(b->text, &t, err, sizeof err), -1);
	if (!strstr(err, b->want))
		print_error("'%s': message '%s' lacks '%s'\n", b->name, err, b->want);
	assert_non_null(strstr(err, b->want));
	assert_null(t.input);
	assert_null(t.host);
	assert_null(t.sni);
}

/* cp_target_redact: userinfo, query and fragment out of URLs only. */
static void test_redact(void **state)
{
	static const char *const cases[][2] = {
		{ "https://user:pass@h.example:8443/a/b?token=t#frag",
		  "https://h.example:8443/a/b" },
		{ "https://h.example/a@b",
		  "https://h.example/a@b" }, /* '@' in the path: no userinfo */
		{ "https://u@x:p@h.example/", "https://h.example/" }, /* the last '@' ends it */
		{ "https://u:p@h.example?token=t", "https://h.example" },
		{ "https://h.example#?x", "https://h.example" },
		{ "ldaps://cn:pw@[::1]:636", "ldaps://[::1]:636" },
		{ "https://h.example/,sni.example", "https://h.example/,sni.example" },
		{ "user@h.example:443", "user@h.example:443" }, /* not a URL: as given */
		{ "", "" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *r = cp_target_redact(cases[i][0]);
		assert_non_null(r);
		assert_string_equal(r, cases[i][1]);
		free(r);
	}
	assert_null(cp_target_redact(NULL));
}

/* The limits are exact: 63 and 253 pass, one more fails. */
static void test_name_limits(void **state)
{
	char name[300];
	struct cp_target t;
	char err[256];

	(void)state;
	memset(name, 'a', 63);
	memcpy(name + 63, ".example", 9);
	assert_int_equal(cp_target_parse(name, &t, err, sizeof err), 0);
	cp_target_free(&t);

	/* 4 labels of 62 and their dots = 252, plus "b" = 253; a trailing dot is free */
	size_t n = 0;
	for (int i = 0; i < 4; i++) {
		memset(name + n, 'a', 62);
		n += 62;
		name[n++] = '.';
	}
	memcpy(name + n, "b.", 3);
	assert_int_equal(cp_target_parse(name, &t, err, sizeof err), 0);
	assert_int_equal(strlen(t.host), 253);
	cp_target_free(&t);
	memcpy(name + n, "bc", 3);
	assert_int_equal(cp_target_parse(name, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "254 bytes long, more than 253"));
}

/* NULL text and a NULL error buffer are tolerated. */
static void test_null_args(void **state)
{
	struct cp_target t;

	(void)state;
	assert_int_equal(cp_target_parse(NULL, &t, NULL, 0), -1);
	assert_int_equal(cp_target_parse("example.com:0", &t, NULL, 0), -1);
	assert_int_equal(cp_target_parse("example.com", &t, NULL, 0), 0);
	cp_target_free(&t);
}

/* ---- lists ---------------------------------------------------------- */

struct seen {
	size_t lineno;
	char *host; /* or NULL */
	uint16_t port;
	char *error; /* or NULL */
	char *text;
};

struct collect {
	struct seen v[32];
	size_t n;
	size_t stop_after; /* 0: never */
};

static int collect_fn(const struct cp_list_line *l, void *data)
{
	struct collect *c = data;
	struct seen *s;

	assert_true(c->n < 32);
	s = &c->v[c->n++];
	s->lineno = l->lineno;
	assert_true((l->target == NULL) != (l->error == NULL));
	assert_string_equal(l->name, "list.txt");
	s->text = strdup(l->text ? l->text : "(null)");
	assert_non_null(s->text);
	if (l->target) {
		/* take over the host string, as a caller building results would */
		s->host = l->target->host;
		l->target->host = NULL;
		s->port = l->target->port;
	} else {
		s->error = strdup(l->error);
		assert_non_null(s->error);
	}
	if (c->stop_after && c->n == c->stop_after)
		return 7;
	return 0;
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].host);
		free(c->v[i].error);
		free(c->v[i].text);
	}
}

static FILE *file_of(const char *data, size_t len)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	rewind(f);
	return f;
}

static void test_list_file(void **state)
{
	static const char head[] = "\xEF\xBB\xBF"
				   "bom.example:8443\r\n"                   /* 1 */
				   "\r\n"                                   /* 2 */
				   "# full-line comment\n"                  /* 3 */
				   "   # indented comment\n"                /* 4 */
				   "crlf.example\r\n"                       /* 5 */
				   "trailing.example:993   # mail server\n" /* 6 */
				   "https://frag.example/#top\n" /* 7: '#' glued on stays */
				   "\t \n";                      /* 8 */
	static const char tail[] = "after.example\n"             /* 10 */
				   "nul\0byte.example\n"         /* 11 */
				   "bad:99999\n"                 /* 12 */
				   "#";                          /* 13: comment, no newline */
	char *buf;
	size_t len = 0, i;
	struct collect c = { .n = 0 };
	FILE *f;

	(void)state;
	buf = malloc(sizeof head + 10240 + sizeof tail + 64);
	assert_non_null(buf);
	memcpy(buf, head, sizeof head - 1);
	len = sizeof head - 1;
	/* line 9: 10 KB */
	memcpy(buf + len, "long", 4);
	for (i = 4; i < 10240; i++)
		buf[len + i] = 'x';
	len += 10240;
	buf[len++] = '\n';
	memcpy(buf + len, tail, sizeof tail - 1);
	len += sizeof tail - 1;

	f = file_of(buf, len);
	assert_int_equal(cp_list_read(f, "list.txt", collect_fn, &c), 0);
	fclose(f);
	free(buf);

	assert_int_equal(c.n, 8);
	assert_int_equal(c.v[0].lineno, 1);
	assert_string_equal(c.v[0].host, "bom.example");
	assert_int_equal(c.v[0].port, 8443);
	assert_string_equal(c.v[0].text, "bom.example:8443");
	assert_int_equal(c.v[1].lineno, 5);
	assert_string_equal(c.v[1].host, "crlf.example");
	assert_int_equal(c.v[2].lineno, 6);
	assert_string_equal(c.v[2].host, "trailing.example");
	assert_int_equal(c.v[2].port, 993);
	assert_string_equal(c.v[2].text, "trailing.example:993");
	assert_int_equal(c.v[3].lineno, 7);
	assert_string_equal(c.v[3].host, "frag.example");
	assert_int_equal(c.v[4].lineno, 9);
	assert_null(c.v[4].host);
	assert_non_null(strstr(c.v[4].error, "longer than 4096 bytes"));
	assert_true(strncmp(c.v[4].text, "longxxx", 7) == 0);
	assert_true(strlen(c.v[4].text) < 100);
	assert_int_equal(c.v[5].lineno, 10);
	assert_string_equal(c.v[5].host, "after.example");
	assert_int_equal(c.v[6].lineno, 11);
	assert_non_null(strstr(c.v[6].error, "NUL byte at column 4"));
	assert_string_equal(c.v[6].text, "nul");
	assert_int_equal(c.v[7].lineno, 12);
	assert_non_null(strstr(c.v[7].error, "port '99999' out of range 1-65535"));
	assert_string_equal(c.v[7].text, "bad:99999");
	collect_free(&c);
}

/* 4096 bytes pass, 4097 fail; a comment that starts in time makes a long
 * line harmless; a BOM later than line 1 is not skipped. */
static void test_list_limits(void **state)
{
	size_t max = CP_LIST_MAX_LINE;
	char *buf = malloc(3 * max + 200);
	struct collect c = { .n = 0 };
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_non_null(buf);
	len += (size_t)snprintf(buf + len, 64, "https://ok.example/");
	memset(buf + len, 'a', max - len);
	len = max;
	memcpy(buf + len, "\r\n", 2); /* line 1: exactly max + CRLF */
	len += 2;
	size_t start = len;
	len += (size_t)snprintf(buf + len, 64, "https://no.example/");
	memset(buf + len, 'a', start + max + 1 - len);
	len = start + max + 1;
	buf[len++] = '\n'; /* line 2: max + 1 */
	len += (size_t)snprintf(buf + len, 64, "c.example #");
	memset(buf + len, 'z', max + 50);
	len += max + 50;
	buf[len++] = '\n'; /* line 3: long comment */
	memcpy(buf + len,
	       "\xEF\xBB\xBF"
	       "d.example\n",
	       13); /* line 4 */
	len += 13;

	f = file_of(buf, len);
	assert_int_equal(cp_list_read(f, "list.txt", collect_fn, &c), 0);
	fclose(f);
	free(buf);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.v[0].host, "ok.example");
	assert_non_null(strstr(c.v[1].error, "longer than"));
	assert_string_equal(c.v[2].host, "c.example");
	assert_non_null(strstr(c.v[3].error, "not ASCII"));
	collect_free(&c);
}

/* A non-zero callback value stops reading and is returned. */
static void test_list_stop(void **state)
{
	static const char data[] = "a.example\nb.example\nc.example\n";
	struct collect c = { .n = 0, .stop_after = 2 };
	FILE *f = file_of(data, sizeof data - 1);

	(void)state;
	assert_int_equal(cp_list_read(f, "list.txt", collect_fn, &c), 7);
	assert_int_equal(c.n, 2);
	fclose(f);
	collect_free(&c);

	struct collect e = { .n = 0 };
	f = file_of("", 0);
	assert_int_equal(cp_list_read(f, "list.txt", collect_fn, &e), 0);
	assert_int_equal(e.n, 0);
	fclose(f);
}

int main(void)
{
	size_t ng = sizeof goods / sizeof goods[0], nb = sizeof bads / sizeof bads[0];
	size_t n = 0;
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_name_limits), cmocka_unit_test(test_redact),
		cmocka_unit_test(test_null_args),   cmocka_unit_test(test_list_file),
		cmocka_unit_test(test_list_limits), cmocka_unit_test(test_list_stop),
	};
	size_t nf = sizeof fixed / sizeof fixed[0];
	struct CMUnitTest *tests = calloc(ng + nb + nf, sizeof *tests);
	char(*names)[96] = calloc(ng + nb, sizeof *names);
	int rc;

	if (!tests || !names)
		return 1;
	memset(long_label, 'a', 64);
	memcpy(long_label + 64, ".example", 9);
	for (size_t i = 0; i < 254; i++)
		long_name[i] = i % 2 ? '.' : 'a';
	long_name[253] = 'b'; /* 254 bytes: "a.a. ... a.b" */
	long_name[254] = '\0';

	for (size_t i = 0; i < ng; i++, n++) {
		snprintf(names[n], sizeof names[n], "accepts %s", goods[i].text);
		tests[n] = (struct CMUnitTest){ .name = names[n],
						.test_func = test_good,
						.initial_state = (void *)&goods[i] };
	}
	for (size_t i = 0; i < nb; i++, n++) {
		snprintf(names[n], sizeof names[n], "rejects %s", bads[i].name);
		tests[n] = (struct CMUnitTest){ .name = names[n],
						.test_func = test_bad,
						.initial_state = (void *)&bads[i] };
	}
	for (size_t i = 0; i < nf; i++)
		tests[n++] = fixed[i];
	rc = _cmocka_run_group_tests("target", tests, n, NULL, NULL);
	free(tests);
	free(names);
	return rc;
}
