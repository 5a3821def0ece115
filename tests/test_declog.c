/* SPDX-License-Identifier: MIT */
/*
 * Decryption-log exports: fixtures written by hand from the PAN-OS field
 * list (raw field names, GUI display names with BOM, CRLF and quoting, bad
 * rows, missing columns, empty and header-only files), the server-side rule
 * table case by case, and CSV edge cases built in memory (NUL bytes, quote
 * errors, the row length cap at its boundary, blank lines).
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

#include "input/declog.h"

/* ---- collecting entries --------------------------------------------- */

struct got {
	size_t row, line, failures;
	char *text; /* NULL for an error */
	char *err_index, *error_text;
	char *error;      /* NULL for a target */
	char *host, *sni; /* taken over from the target */
	uint16_t port;
	char *first, *last;
};

struct collect {
	struct got *v;
	size_t n, cap;
	size_t stop_after; /* 0: never */
};

static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	assert_non_null(d);
	return d;
}

static int collect_fn(const struct cp_declog_entry *e, void *data)
{
	struct collect *c = data;
	struct got *g;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		assert_non_null(c->v);
	}
	g = &c->v[c->n++];
	memset(g, 0, sizeof *g);
	assert_string_equal(e->name, "log.csv");
	assert_true((e->target == NULL) == (e->error != NULL));
	assert_true((e->text == NULL) == (e->error != NULL));
	assert_non_null(e->err_index);
	assert_non_null(e->error_text);
	g->row = e->row;
	g->line = e->line;
	g->failures = e->failures;
	g->text = dup_or_null(e->text);
	g->err_index = dup_or_null(e->err_index);
	g->error_text = dup_or_null(e->error_text);
	g->error = dup_or_null(e->error);
	assert_non_null(e->first_seen);
	assert_non_null(e->last_seen);
	g->first = dup_or_null(e->first_seen);
	g->last = dup_or_null(e->last_seen);
	if (e->target) {
		/* take the strings over, as a caller building results would */
		g->host = e->target->host;
		g->sni = e->target->sni;
		e->target->host = NULL;
		e->target->sni = NULL;
		g->port = e->target->port;
	} else {
		assert_int_equal(e->failures, 0);
	}
	if (c->stop_after && c->n == c->stop_after)
		return 7;
	return 0;
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].text);
		free(c->v[i].err_index);
		free(c->v[i].error_text);
		free(c->v[i].error);
		free(c->v[i].host);
		free(c->v[i].sni);
	}
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].first);
		free(c->v[i].last);
	}
	free(c->v);
	memset(c, 0, sizeof *c);
}

static FILE *fixture(const char *name)
{
	char path[4096];
	const char *top = getenv("top_srcdir");
	FILE *f;

	snprintf(path, sizeof path, "%s/tests/declog/%s", top ? top : ".", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	return f;
}

static FILE *file_of(const char *data, size_t len)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	rewind(f);
	return f;
}

static int read_into(FILE *f, struct collect *c, struct cp_declog_stats *st)
{
	int rc = cp_declog_read(f, "log.csv", collect_fn, c, st);

	fclose(f);
	return rc;
}

static void expect_stats(const struct cp_declog_stats *st, size_t rows, size_t kept,
			 size_t filtered, size_t bad, size_t duplicates, size_t targets)
{
	assert_int_equal(st->rows, rows);
	assert_int_equal(st->kept, kept);
	assert_int_equal(st->filtered, filtered);
	assert_int_equal(st->bad, bad);
	assert_int_equal(st->duplicates, duplicates);
	assert_int_equal(st->targets, targets);
	/* the invariants declog.h promises */
	assert_int_equal(st->rows, st->kept + st->filtered + st->skipped + st->bad);
	assert_int_equal(st->kept, st->targets + st->duplicates);
}

static void expect_target(const struct got *g, size_t row, const char *text, size_t failures,
			  const char *host, const char *sni, uint16_t port, const char *err_index,
			  const char *error_text)
{
	assert_null(g->error);
	assert_int_equal(g->row, row);
	assert_string_equal(g->text, text);
	assert_int_equal(g->failures, failures);
	assert_string_equal(g->host, host);
	if (sni)
		assert_string_equal(g->sni, sni);
	else
		assert_null(g->sni);
	assert_int_equal(g->port, port);
	assert_string_equal(g->err_index, err_index);
	assert_string_equal(g->error_text, error_text);
}

static void expect_error(const struct got *g, size_t row, size_t line, const char *words)
{
	assert_null(g->text);
	assert_null(g->host);
	assert_non_null(g->error);
	assert_int_equal(g->row, row);
	assert_int_equal(g->line, line);
	if (!strstr(g->error, words))
		fail_msg("row %zu: error '%s' lacks '%s'", row, g->error, words);
}

#define HS_SERVER "Received fatal alert HandshakeFailure from server"
#define PV_SERVER "Received fatal alert ProtocolVersion from server"

/* ---- fixtures ------------------------------------------------------- */

/* Syslog field names, LF: duplicates by SNI (case and trailing dot
 * ignored, the first address kept), a certificate failure kept (the
 * verdict's certificate axis judges it), client-side, resource, success and
 * neutral Feature rows filtered, IPv6 with and without SNI. */
static void test_raw(void **state)
{
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_int_equal(read_into(fixture("raw.csv"), &c, &st), 0);
	expect_stats(&st, 13, 9, 4, 0, 2, 7);
	assert_int_equal(c.n, 7);
	expect_target(&c.v[0], 2, "198.51.100.10:443,legacy.example.com", 3, "198.51.100.10",
		      "legacy.example.com", 443, "Cipher", HS_SERVER);
	expect_target(&c.v[1], 4, "203.0.113.40:8443,old-tls.example.net", 1, "203.0.113.40",
		      "old-tls.example.net", 8443, "Version", PV_SERVER);
	expect_target(&c.v[2], 6, "203.0.113.42:443,expired.example.com", 1, "203.0.113.42",
		      "expired.example.com", 443, "Certificate", "Certificate expired");
	expect_target(&c.v[3], 8, "203.0.113.5:993", 1, "203.0.113.5", NULL, 993, "Cipher",
		      HS_SERVER);
	expect_target(&c.v[4], 9, "[2001:DB8:0::1]:443,v6.example.org", 1, "2001:db8::1",
		      "v6.example.org", 443, "Version", PV_SERVER);
	expect_target(&c.v[5], 10, "[2001:db8::2]:443", 1, "2001:db8::2", NULL, 443, "Feature",
		      HS_SERVER);
	expect_target(&c.v[6], 13, "dhe-only.example.com:443", 1, "dhe-only.example.com",
		      "dhe-only.example.com", 443, "", "Unsupported cipher suite");
	for (size_t i = 0; i < c.n; i++)
		assert_int_equal(c.v[i].line, c.v[i].row);
	collect_free(&c);
}

/* GUI display names, BOM, CRLF, quoted fields with commas, doubled quotes
 * and a line break (so rows and lines part), a bad port after all that. */
static void test_gui(void **state)
{
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_int_equal(read_into(fixture("gui.csv"), &c, &st), 0);
	expect_stats(&st, 5, 3, 1, 1, 1, 2);
	assert_int_equal(c.n, 3);
	expect_target(&c.v[0], 2, "192.0.2.10:443,shop.example.com", 2, "192.0.2.10",
		      "shop.example.com", 443, "Cipher",
		      "Received fatal alert HandshakeFailure from server (\"no shared cipher\")");
	assert_int_equal(c.v[0].line, 2);
	expect_target(&c.v[1], 3, "192.0.2.20:443,api.example.com", 1, "192.0.2.20",
		      "api.example.com", 443, "Version", PV_SERVER);
	assert_int_equal(c.v[1].line, 3);
	expect_error(&c.v[2], 6, 7, "destination port '65536' is not a number from 1 to 65535");
	collect_free(&c);
}

/* Each bad row is reported with its number and reading goes on; a
 * client-side row is filtered before its port is looked at. */
static void test_bad_rows(void **state)
{
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_int_equal(read_into(fixture("bad-rows.csv"), &c, &st), 0);
	expect_stats(&st, 11, 2, 1, 8, 0, 2);
	assert_int_equal(c.n, 10);
	expect_target(&c.v[0], 2, "192.0.2.1:443,ok1.example.com", 1, "192.0.2.1",
		      "ok1.example.com", 443, "Cipher", HS_SERVER);
	expect_error(&c.v[1], 3, 3, "destination port '99999' is not a number from 1 to 65535");
	expect_error(&c.v[2], 4, 4, "destination address '192.0.2.300' is not an IPv4 or IPv6");
	expect_error(&c.v[3], 5, 5, "3 fields where the header has 5");
	expect_error(&c.v[4], 6, 6, "empty label in SNI 'bad..example.com'");
	expect_error(&c.v[5], 7, 7, "neither a destination address nor an SNI");
	expect_target(&c.v[6], 9, "[2001:db8::8]:8443,ok2.example.com", 1, "2001:db8::8",
		      "ok2.example.com", 8443, "Version", PV_SERVER);
	expect_error(&c.v[7], 10, 10, "6 fields where the header has 5");
	expect_error(&c.v[8], 11, 11, "destination address '0.0.0.0' is unspecified");
	expect_error(&c.v[9], 12, 12,
		     "character ',' not allowed in SNI 'a.example.com,evil.example'");
	collect_free(&c);
}

static void test_missing_columns(void **state)
{
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_int_equal(read_into(fixture("missing-cols.csv"), &c, &st), 0);
	expect_stats(&st, 0, 0, 0, 0, 0, 0);
	assert_int_equal(c.n, 1);
	expect_error(&c.v[0], 1, 1, "no column for a destination address or server name");
	assert_non_null(strstr(c.v[0].error, "Server Name Indication"));
	assert_non_null(strstr(c.v[0].error, "the destination port (dport; \"Destination Port\")"));
	/* the Error column is there: not named as missing */
	assert_null(strstr(c.v[0].error, "err_index"));
	collect_free(&c);
}

static void test_empty(void **state)
{
	static const char bom_blank[] = "\xEF\xBB\xBF\r\n \n";
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_int_equal(read_into(fixture("empty.csv"), &c, &st), 0);
	expect_stats(&st, 0, 0, 0, 0, 0, 0);
	assert_int_equal(c.n, 1);
	expect_error(&c.v[0], 0, 0, "empty file");
	collect_free(&c);

	/* blank lines and a BOM alone are no header either */
	assert_int_equal(read_into(file_of(bom_blank, sizeof bom_blank - 1), &c, &st), 0);
	assert_int_equal(c.n, 1);
	expect_error(&c.v[0], 0, 0, "empty file");
	collect_free(&c);
}

static void test_header_only(void **state)
{
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	memset(&st, 0xFF, sizeof st);
	assert_int_equal(read_into(fixture("header-only.csv"), &c, &st), 0);
	expect_stats(&st, 0, 0, 0, 0, 0, 0);
	assert_int_equal(c.n, 0);
	collect_free(&c);
}

/* ---- the server-side rule ------------------------------------------- */

struct side_case {
	const char *err_index;
	const char *error;
	bool server;
};

static const struct side_case side_cases[] = {
	{ "Cipher", HS_SERVER, true },
	{ "Version", PV_SERVER, true },
	{ "Protocol", "Received fatal alert UnexpectedMessage from server", true },
	{ "cipher", "", true },
	{ "VERSION", "", true },
	{ "Protocol", "", true },
	{ "", HS_SERVER, true },
	{ "", "received fatal alert handshakefailure FROM SERVER", true },
	{ "", "Unsupported cipher suite", true },
	{ "", "Unsupported version", true },
	{ "Feature", HS_SERVER, true },
	{ "Cipher", "Received fatal alert HandshakeFailure from client", false },
	{ "Version", "Received fatal alert ProtocolVersion from client", false },
	{ "", "Received fatal alert UnknownCA from client", false },
	{ "Certificate", "Certificate expired", true },
	{ "Certificate", "Received fatal alert BadCertificate from server", true },
	{ "Resource", HS_SERVER, false },
	{ "Resume", "Session resumption failed", false },
	{ "HSM", "HSM unavailable", false },
	{ "Feature", "Encrypted Client Hello is not supported", false },
	{ "", "", false },
	{ "Unknown", "Something else", false },
};

static void test_side(void **state)
{
	const struct side_case *k = *state;
	struct collect c = { 0 };
	struct cp_declog_stats st;
	char csv[512];
	int n;

	/* quoted, since the cases hold no quotes but may hold commas later */
	n = snprintf(csv, sizeof csv,
		     "Error Index,Error,Server Name Indication,Destination Port\n"
		     "\"%s\",\"%s\",side.example.com,443\n",
		     k->err_index, k->error);
	assert_true(n > 0 && (size_t)n < sizeof csv);
	assert_int_equal(read_into(file_of(csv, (size_t)n), &c, &st), 0);
	if (k->server) {
		expect_stats(&st, 1, 1, 0, 0, 0, 1);
		assert_int_equal(c.n, 1);
		expect_target(&c.v[0], 2, "side.example.com:443", 1, "side.example.com",
			      "side.example.com", 443, k->err_index, k->error);
	} else {
		expect_stats(&st, 1, 0, 1, 0, 0, 0);
		assert_int_equal(c.n, 0);
	}
	collect_free(&c);
}

/* ---- CSV and header details, in memory ------------------------------- */

/* Name variants match, unknown columns are ignored, the first column of a
 * kind wins, blanks around values go, blank lines count as rows. */
static void test_header_names(void **state)
{
	static const char csv[] =
		"\"ERR-INDEX\", Destination_Port ,SNI,Destination,dport,Whatever\n"
		"Cipher, 8443 ,\" names.example.com \",\t192.0.2.50 ,9,x\n"
		"\n"
		"   \n"
		"Version,443,,2001:db8::50,9,y";
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_int_equal(read_into(file_of(csv, sizeof csv - 1), &c, &st), 0);
	expect_stats(&st, 2, 2, 0, 0, 0, 2);
	assert_int_equal(c.n, 2);
	expect_target(&c.v[0], 2, "192.0.2.50:8443,names.example.com", 1, "192.0.2.50",
		      "names.example.com", 8443, "Cipher", "");
	expect_target(&c.v[1], 5, "[2001:db8::50]:443", 1, "2001:db8::50", NULL, 443, "Version",
		      "");
	assert_int_equal(c.v[1].line, 5);
	collect_free(&c);
}

/* A NUL byte, a quote error and an unterminated quote each cost one row;
 * embedded line breaks keep row and line numbers apart. */
static void test_bad_records(void **state)
{
	static const char csv[] = "sni,dport,error\n"
				  "nul.example.com,443,from ser\0ver\n"          /* 2 */
				  "after-nul.example.com,443,from server\n"      /* 3 */
				  "\"junk\"x.example.com,443,from server\n"      /* 4 */
				  "\"cr.example.com\"\r,443,from server\n"       /* 5 */
				  "\"multi\nline\",443,\"a\r\nb from server\"\n" /* 6, lines 6-8 */
				  "last.example.com,443,\"from server\n"         /* 7, line 9 */
				  "never.example.com,443,from server\n";
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_int_equal(read_into(file_of(csv, sizeof csv - 1), &c, &st), 0);
	expect_stats(&st, 6, 1, 0, 5, 0, 1);
	assert_int_equal(c.n, 6);
	expect_error(&c.v[0], 2, 2, "NUL byte in field 3");
	expect_target(&c.v[1], 3, "after-nul.example.com:443", 1, "after-nul.example.com",
		      "after-nul.example.com", 443, "", "from server");
	expect_error(&c.v[2], 4, 4, "text after a closing quote in field 1");
	expect_error(&c.v[3], 5, 5, "carriage return after a closing quote in field 1");
	expect_error(&c.v[4], 6, 6, "control character 0x0A in SNI");
	/* the open quote swallows the rest of the file */
	expect_error(&c.v[5], 7, 9, "unterminated quoted field in field 3");
	collect_free(&c);
}

/* A row of exactly CP_DECLOG_MAX_ROW bytes passes, with LF or CRLF; one
 * byte more is an error for that row and the next row is read. */
static void test_row_length(void **state)
{
	static const char head[] = "sni,dport,error\n";
	static const char prefix[] = "big.example.com,443,from server ";
	static const char tail[] = "next.example.com,443,from server\n";
	const size_t plen = sizeof prefix - 1;

	(void)state;
	for (int crlf = 0; crlf < 2; crlf++)
		for (size_t len = CP_DECLOG_MAX_ROW; len <= CP_DECLOG_MAX_ROW + 1; len++) {
			size_t n = 0;
			char *buf = malloc(sizeof head + len + 2 + sizeof tail);
			struct collect c = { 0 };
			struct cp_declog_stats st;

			assert_non_null(buf);
			memcpy(buf, head, sizeof head - 1);
			n = sizeof head - 1;
			memcpy(buf + n, prefix, plen);
			memset(buf + n + plen, 'x', len - plen);
			n += len;
			if (crlf)
				buf[n++] = '\r';
			buf[n++] = '\n';
			memcpy(buf + n, tail, sizeof tail - 1);
			n += sizeof tail - 1;
			assert_int_equal(read_into(file_of(buf, n), &c, &st), 0);
			free(buf);
			assert_int_equal(c.n, 2);
			if (len == CP_DECLOG_MAX_ROW) {
				expect_stats(&st, 2, 2, 0, 0, 0, 2);
				assert_string_equal(c.v[0].text, "big.example.com:443");
				assert_int_equal(strlen(c.v[0].error_text), len - plen + 12);
			} else {
				expect_stats(&st, 2, 1, 0, 1, 0, 1);
				expect_error(&c.v[0], 2, 2,
					     "row is 65537 bytes long, more than 65536");
			}
			assert_string_equal(c.v[1].text, "next.example.com:443");
			collect_free(&c);
		}
}

/* A header that is itself broken is one error for the file. */
static void test_bad_header(void **state)
{
	static const char csv[] = "sni,\"dport,error\nx.example.com,443,from server\n";
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_int_equal(read_into(file_of(csv, sizeof csv - 1), &c, &st), 0);
	expect_stats(&st, 0, 0, 0, 0, 0, 0);
	assert_int_equal(c.n, 1);
	expect_error(&c.v[0], 1, 1, "unterminated quoted field in field 2 of the header row");
	collect_free(&c);
}

/* The callback's non-zero value stops the reporting and is returned. */
static void test_stop(void **state)
{
	struct collect c = { .stop_after = 2 };

	(void)state;
	assert_int_equal(read_into(fixture("raw.csv"), &c, NULL), 7);
	assert_int_equal(c.n, 2);
	collect_free(&c);
}

/* More rows than a PAN-OS export holds: one error, the rows before it
 * still counted and reported. */
static void test_row_cap(void **state)
{
	static const char head[] = "sni,dport,error\nfirst.example.com,443,from server\n";
	size_t n = sizeof head - 1;
	char *buf = malloc(n + 4 * CP_DECLOG_MAX_ROWS);
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, head, n);
	/* filtered rows (no error text), so that no memory is kept for
	 * them; the last one is the first too many */
	for (size_t i = 1; i < CP_DECLOG_MAX_ROWS; i++, n += 4)
		memcpy(buf + n, ",1,\n", 4);
	memcpy(buf + n, ",2,\n", 4);
	n += 4;
	assert_int_equal(read_into(file_of(buf, n), &c, &st), 0);
	free(buf);
	expect_stats(&st, CP_DECLOG_MAX_ROWS, 1, CP_DECLOG_MAX_ROWS - 1, 0, 0, 1);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].text, "first.example.com:443");
	expect_error(&c.v[1], CP_DECLOG_MAX_ROWS + 2, CP_DECLOG_MAX_ROWS + 2,
		     "more than 1048576 data rows");
	collect_free(&c);
}

/* ---- other forms ----------------------------------------------------- */

static int read_form(FILE *f, const char *form, struct collect *c, struct cp_declog_stats *st)
{
	struct cp_declog_format fmt;
	char err[256];
	int rc;

	assert_int_equal(cp_declog_format_parse(form, &fmt, err, sizeof err), 0);
	rc = cp_declog_read_as(f, "log.csv", &fmt, collect_fn, c, st);
	fclose(f);
	return rc;
}

static void expect_seen(const struct got *g, const char *first, const char *last)
{
	assert_string_equal(g->first, first);
	assert_string_equal(g->last, last);
}

/* Syslog lines written by hand from "Decryption Log Fields" (10.0: 91
 * fields, 10.1 and 11.x: 106): RFC 3164 and RFC 5424 headers and none,
 * duplicates across releases (first/last seen from Generate Time, by
 * value not by line order), a garbage line, a TRAFFIC line, a client-side
 * failure, a quoted error with a comma, a short line. */
static void test_syslog(void **state)
{
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_int_equal(read_into(fixture("fw.syslog"), &c, &st), 0);
	assert_int_equal(st.form, CP_DECLOG_SYSLOG);
	expect_stats(&st, 8, 4, 1, 2, 2, 2);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(c.n, 4);
	expect_target(&c.v[0], 1, "198.51.100.10:443,legacy.example.com", 3, "198.51.100.10",
		      "legacy.example.com", 443, "Cipher", HS_SERVER);
	expect_seen(&c.v[0], "2026-12-03T07:59:59", "2026-12-03T10:59:59");
	expect_error(&c.v[1], 3, 3, "not a PAN-OS syslog line");
	expect_target(&c.v[2], 4, "203.0.113.40:8443,old-tls.example.net", 1, "203.0.113.40",
		      "old-tls.example.net", 8443, "Version", PV_SERVER);
	expect_seen(&c.v[2], "2026-12-03T10:04:59", "2026-12-03T10:04:59");
	expect_error(&c.v[3], 8, 8, "9 fields");
	collect_free(&c);

	/* a release named by --log-format reads the same places */
	assert_int_equal(read_form(fixture("fw.syslog"), "syslog-10.0", &c, &st), 0);
	expect_stats(&st, 8, 4, 1, 2, 2, 2);
	collect_free(&c);
	/* read as a GUI export, the first line is no header */
	assert_int_equal(read_form(fixture("fw.syslog"), "gui-csv", &c, &st), 0);
	assert_int_equal(c.n, 1);
	expect_error(&c.v[0], 1, 1, "names no column");
	collect_free(&c);
}

/* An HTTP Server Profile's payloads, one a line: macro names ($dst...)
 * written bare, the HTTPS forwarding names, a port as a number, a line
 * that is not JSON, another log type. */
static void test_http_json(void **state)
{
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_int_equal(read_into(fixture("http.jsonl"), &c, &st), 0);
	assert_int_equal(st.form, CP_DECLOG_JSON);
	expect_stats(&st, 5, 3, 0, 1, 1, 2);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(c.n, 3);
	expect_target(&c.v[0], 1, "198.51.100.10:443,legacy.example.com", 2, "198.51.100.10",
		      "legacy.example.com", 443, "Cipher", HS_SERVER);
	/* time_generated wins over receive_time */
	expect_seen(&c.v[0], "2026-12-03T09:59:58", "2026-12-03T12:00:00");
	expect_error(&c.v[1], 2, 2, "not JSON");
	expect_target(&c.v[2], 5, "203.0.113.40:8443,old-tls.example.net", 1, "203.0.113.40",
		      "old-tls.example.net", 8443, "Version", PV_SERVER);
	assert_int_equal(c.v[2].line, 5);
	expect_seen(&c.v[2], "2026-12-03T10:04:59Z", "2026-12-03T10:04:59Z");
	collect_free(&c);
}

/* A Strata Logging Service export: an array, CDL names, an epoch time, an
 * address as {"value": ...}, a certificate failure, port 0. */
static void test_cdl_json(void **state)
{
	struct collect c = { 0 };
	struct cp_declog_stats st;

	(void)state;
	assert_int_equal(read_form(fixture("cdl.json"), "cdl-json", &c, &st), 0);
	assert_int_equal(st.form, CP_DECLOG_CDL_JSON);
	expect_stats(&st, 4, 3, 0, 1, 1, 2);
	assert_int_equal(c.n, 3);
	expect_target(&c.v[0], 1, "192.0.2.10:443,shop.example.com", 2, "192.0.2.10",
		      "shop.example.com", 443, "Cipher", HS_SERVER);
	/* 1796292000 s since the epoch is 2026-12-03 10:00:00 UTC */
	expect_seen(&c.v[0], "2026-12-03T09:00:00.000000Z", "2026-12-03T10:00:00Z");
	expect_target(&c.v[1], 3, "192.0.2.20:443,api.example.com", 1, "192.0.2.20",
		      "api.example.com", 443, "Certificate", "Certificate expired");
	expect_error(&c.v[2], 4, 0, "destination port '0'");
	collect_free(&c);
	/* the CDL key set lacks the HTTP payload's dst and dport */
	assert_int_equal(read_form(fixture("http.jsonl"), "cdl-json", &c, &st), 0);
	assert_int_equal(st.targets, 0);
	assert_int_equal(st.bad, 5);
	collect_free(&c);
}

/* Targets are merged by (SNI, destination, port): one name on two
 * addresses is two servers the firewall talked to; another port is a
 * third; the same three again is a duplicate. */
static void test_merge_key(void **state)
{
	struct cp_declog *dl = cp_declog_new();
	struct collect c = { 0 };
	struct cp_declog_stats st;
	struct cp_declog_row r = {
		.row = 1,
		.line = 0,
		.type = "DECRYPTION",
		.time = "2026/12/03 10:00:00",
		.sni = "cdn.example.com",
		.dst = "192.0.2.1",
		.dport = "443",
		.err_index = "Cipher",
		.error = HS_SERVER,
	};

	(void)state;
	assert_non_null(dl);
	assert_int_equal(cp_declog_add_record(dl, &r), 0);
	r.row = 2, r.dst = "192.0.2.2";
	assert_int_equal(cp_declog_add_record(dl, &r), 0);
	r.row = 3, r.dport = "8443";
	assert_int_equal(cp_declog_add_record(dl, &r), 0);
	r.row = 4, r.dst = "192.0.2.1", r.dport = "443", r.sni = "CDN.example.com.";
	assert_int_equal(cp_declog_add_record(dl, &r), 0);
	assert_int_equal(cp_declog_report(dl, "log.csv", collect_fn, &c, &st), 0);
	expect_stats(&st, 4, 4, 0, 0, 1, 3);
	assert_int_equal(c.n, 3);
	expect_target(&c.v[0], 1, "192.0.2.1:443,cdn.example.com", 2, "192.0.2.1",
		      "cdn.example.com", 443, "Cipher", HS_SERVER);
	expect_target(&c.v[1], 2, "192.0.2.2:443,cdn.example.com", 1, "192.0.2.2",
		      "cdn.example.com", 443, "Cipher", HS_SERVER);
	expect_target(&c.v[2], 3, "192.0.2.2:8443,cdn.example.com", 1, "192.0.2.2",
		      "cdn.example.com", 8443, "Cipher", HS_SERVER);
	collect_free(&c);
	cp_declog_free(dl);
}

/* Rows fed one by one, as the XML API reader does. */
static void test_add_record(void **state)
{
	struct cp_declog *dl = cp_declog_new();
	struct collect c = { 0 };
	struct cp_declog_stats st;
	struct cp_declog_row r = {
		.row = 1,
		.line = 0,
		.type = "decryption",
		.time = "2026/12/03 10:00:00",
		.sni = "a.example.com",
		.dst = "192.0.2.1",
		.dport = "443",
		.err_index = "Cipher",
		.error = HS_SERVER,
	};

	(void)state;
	assert_non_null(dl);
	assert_int_equal(cp_declog_add_record(dl, &r), 0);
	r.row = 2;
	r.time = "2026/12/01 10:00:00";
	assert_int_equal(cp_declog_add_record(dl, &r), 0);
	r.row = 3;
	r.type = "TRAFFIC";
	assert_int_equal(cp_declog_add_record(dl, &r), 0);
	r.row = 4;
	r.type = NULL;
	r.dport = "x";
	assert_int_equal(cp_declog_add_record(dl, &r), 0);
	assert_int_equal(cp_declog_add_bad_row(dl, 5, 0, "entry without dst"), 0);
	assert_int_equal(cp_declog_report(dl, "log.csv", collect_fn, &c, &st), 0);
	expect_stats(&st, 5, 2, 0, 2, 1, 1);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(c.n, 3);
	expect_target(&c.v[0], 1, "192.0.2.1:443,a.example.com", 2, "192.0.2.1", "a.example.com",
		      443, "Cipher", HS_SERVER);
	expect_seen(&c.v[0], "2026-12-01T10:00:00", "2026-12-03T10:00:00");
	expect_error(&c.v[1], 4, 0, "destination port 'x'");
	expect_error(&c.v[2], 5, 0, "entry without dst");
	collect_free(&c);
	cp_declog_free(dl);
}

static void test_format_names(void **state)
{
	struct cp_declog_format f;
	char err[256];

	(void)state;
	assert_int_equal(cp_declog_format_parse("auto", &f, err, sizeof err), 0);
	assert_int_equal(f.form, CP_DECLOG_AUTO);
	assert_int_equal(cp_declog_format_parse("syslog-11.0", &f, err, sizeof err), 0);
	assert_int_equal(f.form, CP_DECLOG_SYSLOG);
	assert_string_equal(f.version, "11.0");
	/* every release the man page names is in the table */
	assert_int_equal(cp_declog_format_parse("syslog-10.0", &f, err, sizeof err), 0);
	assert_int_equal(cp_declog_format_parse("syslog-10.1", &f, err, sizeof err), 0);
	assert_int_equal(cp_declog_format_parse("syslog-10.2", &f, err, sizeof err), 0);
	assert_int_equal(cp_declog_format_parse("syslog-11.1", &f, err, sizeof err), 0);
	assert_int_equal(cp_declog_format_parse("syslog-11.2", &f, err, sizeof err), 0);
	assert_int_equal(cp_declog_format_parse("http-json", &f, err, sizeof err), 0);
	assert_int_equal(f.form, CP_DECLOG_HTTP_JSON);
	assert_int_equal(cp_declog_format_parse("syslog-9.1", &f, err, sizeof err), -1);
	assert_non_null(strstr(err, "syslog-9.1"));
	assert_int_equal(cp_declog_format_parse("xml", &f, err, sizeof err), -1);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_raw),          cmocka_unit_test(test_gui),
		cmocka_unit_test(test_bad_rows),     cmocka_unit_test(test_missing_columns),
		cmocka_unit_test(test_empty),        cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_header_names), cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_row_length),   cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_stop),         cmocka_unit_test(test_row_cap),
		cmocka_unit_test(test_syslog),       cmocka_unit_test(test_http_json),
		cmocka_unit_test(test_cdl_json),     cmocka_unit_test(test_add_record),
		cmocka_unit_test(test_merge_key),    cmocka_unit_test(test_format_names),
	};
	const size_t ns = sizeof side_cases / sizeof side_cases[0];
	const size_t nf = sizeof fixed / sizeof fixed[0];
	struct CMUnitTest *tests = calloc(ns + nf, sizeof *tests);
	char(*names)[160] = calloc(ns, sizeof *names);
	size_t n = 0;
	int rc;

	if (!tests || !names)
		return 1;
	for (size_t i = 0; i < ns; i++, n++) {
		snprintf(names[n], sizeof names[n], "%s: err_index '%s', error '%s'",
			 side_cases[i].server ? "server side" : "not server side",
			 side_cases[i].err_index, side_cases[i].error);
		tests[n] = (struct CMUnitTest){ .name = names[n],
						.test_func = test_side,
						.initial_state = (void *)&side_cases[i] };
	}
	for (size_t i = 0; i < nf; i++)
		tests[n++] = fixed[i];
	rc = _cmocka_run_group_tests("declog", tests, n, NULL, NULL);
	free(tests);
	free(names);
	return rc;
}
