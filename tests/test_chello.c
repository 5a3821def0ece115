/* SPDX-License-Identifier: MIT */
/*
 * The captured-hello path (--proxy-hello): the ClientHello decoder and
 * server_name rewriter (tls/chello.h), the hex-dump reader
 * (input/hello_file.h) and the models policy/offer.h builds from a
 * capture or a profile (cp_offer_from_chello, cp_offer_replay_hello).
 *
 * Vectors: RFC 8448 section 3's ClientHello (tests/vectors), whose fields
 * the RFC spells out, and hellos made by our own encoder (tls/hello.h)
 * from known parameters, read back field by field.
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

#include "input/hello_file.h"
#include "policy/offer.h"
#include "probe/scan.h"
#include "tls/chello.h"
#include "tls/hello.h"

/* ---- vectors ------------------------------------------------------------ */

static uint8_t rfc[512];
static size_t rfc_len;

static int load_rfc(void **state)
{
	const char *top = getenv("top_srcdir");
	char path[1024], text[4096], err[256];
	size_t n;
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s/tests/vectors/rfc8448-s3-client-hello.hex",
		 top ? top : ".");
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(text, 1, sizeof text, f);
	fclose(f);
	if (cp_hellofile_hex(text, n, rfc, sizeof rfc, &rfc_len, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		return -1;
	}
	return rfc_len == 201 ? 0 : -1;
}

static struct cp_chello *parse_ok(const uint8_t *p, size_t n)
{
	struct cp_chello *h = malloc(sizeof *h);

	assert_non_null(h);
	assert_int_equal(cp_chello_parse(p, n, h), CP_OK);
	return h;
}

#define ARRAY_EQ(a, na, ...) \
	do { \
		static const uint16_t want_[] = { __VA_ARGS__ }; \
		assert_int_equal((na), sizeof want_ / sizeof want_[0]); \
		assert_memory_equal((a), want_, sizeof want_); \
	} while (0)

/* ---- the decoder -------------------------------------------------------- */

static void check_rfc_fields(const struct cp_chello *h)
{
	assert_int_equal(h->legacy_version, 0x0303);
	assert_int_equal(h->session_id_len, 0);
	assert_int_equal(h->random[0], 0xcb);
	assert_int_equal(h->random[31], 0xe7);
	ARRAY_EQ(h->suites, h->nsuites, 0x1301, 0x1303, 0x1302);
	assert_int_equal(h->ncompressions, 1);
	ARRAY_EQ(h->ext_types, h->nexts, 0, 0xff01, 10, 35, 51, 43, 13, 45, 28);
	assert_true(h->has_sni);
	assert_string_equal(h->sni, "server");
	ARRAY_EQ(h->groups, h->ngroups, 0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102,
		 0x0103, 0x0104);
	ARRAY_EQ(h->sigalgs, h->nsigalgs, 0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806,
		 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202);
	ARRAY_EQ(h->versions, h->nversions, 0x0304);
	ARRAY_EQ(h->shares, h->nshares, 0x001d);
	assert_int_equal(h->nalpn, 0);
	assert_int_equal(h->msg_len, 196);
}

static void test_rfc8448_record(void **state)
{
	struct cp_chello *h = parse_ok(rfc, rfc_len);

	(void)state;
	check_rfc_fields(h);
	assert_true(h->records);
	assert_int_equal(h->record_version, 0x0301);
	assert_int_equal(h->nrecords, 1);
	assert_int_equal(h->consumed, 201);
	free(h);
}

static void test_rfc8448_bare(void **state)
{
	struct cp_chello *h = parse_ok(rfc + 5, rfc_len - 5);

	(void)state;
	check_rfc_fields(h);
	assert_false(h->records);
	assert_int_equal(h->consumed, 196);
	free(h);
}

/* Every proper prefix is "truncated", for both entry points. */
static void test_prefixes_truncated(void **state)
{
	struct cp_chello *h = malloc(sizeof *h);
	size_t need;

	(void)state;
	assert_non_null(h);
	for (size_t n = 0; n < rfc_len; n++) {
		uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees any overread */
		assert_non_null(copy);
		memcpy(copy, rfc, n);
		assert_int_equal(cp_chello_parse(copy, n, h), CP_ETRUNCATED);
		assert_int_equal(cp_chello_need(copy, n, &need), CP_ETRUNCATED);
		free(copy);
	}
	assert_int_equal(cp_chello_need(rfc, rfc_len, &need), CP_OK);
	assert_int_equal(need, 201);
	free(h);
}

/* Split the message over records of `size` bytes (the header too). */
static size_t fragment(const uint8_t *msg, size_t n, size_t size, uint8_t *out)
{
	size_t k = 0;

	for (size_t off = 0; off < n; off += size) {
		size_t f = n - off < size ? n - off : size;
		out[k++] = 22;
		out[k++] = 3;
		out[k++] = 1;
		out[k++] = (uint8_t)(f >> 8);
		out[k++] = (uint8_t)f;
		memcpy(out + k, msg + off, f);
		k += f;
	}
	return k;
}

static void test_fragmented(void **state)
{
	static uint8_t buf[8192];

	(void)state;
	for (size_t size = 1; size <= 196; size += (size < 8 ? 1 : 23)) {
		size_t n = fragment(rfc + 5, 196, size, buf);
		struct cp_chello *h = parse_ok(buf, n);
		size_t need;

		check_rfc_fields(h);
		assert_int_equal(h->nrecords, (196 + size - 1) / size);
		assert_int_equal(h->consumed, n);
		assert_int_equal(cp_chello_need(buf, n + 0, &need), CP_OK);
		assert_int_equal(need, n);
		free(h);
	}
}

static void test_rejects(void **state)
{
	uint8_t b[512];
	struct cp_chello *h = malloc(sizeof *h);

	(void)state;
	assert_non_null(h);
	/* an application-data record */
	memcpy(b, rfc, rfc_len);
	b[0] = 23;
	assert_int_equal(cp_chello_parse(b, rfc_len, h), CP_EWRONGTYPE);
	/* a ServerHello */
	memcpy(b, rfc, rfc_len);
	b[5] = 2;
	assert_int_equal(cp_chello_parse(b, rfc_len, h), CP_EWRONGTYPE);
	/* HTTP */
	assert_int_equal(cp_chello_parse((const uint8_t *)"GET / HTTP/1.1\r\n", 16, h),
			 CP_EWRONGTYPE);
	/* a byte after the message in its record */
	memcpy(b, rfc, rfc_len);
	b[4]++;
	b[rfc_len] = 0;
	assert_int_equal(cp_chello_parse(b, rfc_len + 1, h), CP_EBADDATA);
	/* the second extension (renegotiation_info) renamed server_name: a duplicate */
	memcpy(b, rfc, rfc_len);
	assert_int_equal(b[5 + 4 + 2 + 32 + 1 + 8 + 2 + 2 + 15], 0xff);
	b[5 + 4 + 2 + 32 + 1 + 8 + 2 + 2 + 15] = 0;
	b[5 + 4 + 2 + 32 + 1 + 8 + 2 + 2 + 16] = 0;
	assert_int_equal(cp_chello_parse(b, rfc_len, h), CP_EBADDATA);
	/* a suite list of odd length */
	memcpy(b, rfc, rfc_len);
	b[5 + 4 + 2 + 32 + 1 + 1] = 5;
	assert_int_equal(cp_chello_parse(b, rfc_len, h), CP_EBADDATA);
	/* a 2^14 + 1 byte record */
	memcpy(b, rfc, rfc_len);
	b[3] = 0x40;
	b[4] = 0x01;
	assert_int_equal(cp_chello_parse(b, rfc_len, h), CP_EBADDATA);
	/* nothing */
	assert_int_equal(cp_chello_parse(NULL, 0, h), CP_ETRUNCATED);
	for (int st = CP_EINVAL; st <= CP_OK; st++)
		assert_non_null(cp_chello_strerror(st));
	free(h);
}

/* A hello from our own encoder, read back field by field. */
static void test_encoder_roundtrip(void **state)
{
	static const uint16_t suites[] = { 0x1301, 0xC02F, 0x009C, 0x0A0A };
	static const uint16_t groups[] = { 0x0A0A, 29, 23, 0x11EC };
	static const uint16_t sigalgs[] = { 0x0804, 0x0403, 0x0401 };
	static const uint16_t versions[] = { 0x0304, 0x0303, 0x0302, 0x0301 };
	static const uint16_t shares[] = { 29 };
	static const char *const alpn[] = { "h2", "http/1.1" };
	struct cp_hello_params p = {
		.legacy_version = 0x0303,
		.suites = suites,
		.nsuites = 4,
		.sni = "www.example.com",
		.groups = groups,
		.ngroups = 4,
		.sigalgs = sigalgs,
		.nsigalgs = 3,
		.versions = versions,
		.nversions = 4,
		.share_groups = shares,
		.nshares = 1,
		.alpn = alpn,
		.nalpn = 2,
		.flags = CP_HELLO_EC_POINT_FORMATS | CP_HELLO_SESSION_ID,
	};
	struct cp_keyshare_cache *kc = cp_keyshare_cache_new();
	struct cp_wbuf w;
	struct cp_chello *h;

	(void)state;
	assert_non_null(kc);
	cp_wbuf_init(&w, CP_HELLO_MAX_BYTES);
	assert_int_equal(cp_hello_encode(&p, kc, &w), CP_OK);
	h = parse_ok(w.data, w.len);
	ARRAY_EQ(h->suites, h->nsuites, 0x1301, 0xC02F, 0x009C, 0x0A0A);
	ARRAY_EQ(h->groups, h->ngroups, 0x0A0A, 29, 23, 0x11EC);
	ARRAY_EQ(h->sigalgs, h->nsigalgs, 0x0804, 0x0403, 0x0401);
	ARRAY_EQ(h->versions, h->nversions, 0x0304, 0x0303, 0x0302, 0x0301);
	ARRAY_EQ(h->shares, h->nshares, 29);
	assert_int_equal(h->nalpn, 2);
	assert_string_equal(h->alpn[0], "h2");
	assert_string_equal(h->alpn[1], "http/1.1");
	assert_string_equal(h->sni, "www.example.com");
	assert_int_equal(h->session_id_len, 32);
	/* the RFC 7685 rule: out of the 256..511 window */
	assert_true(h->msg_len < 256 || h->msg_len >= 512);
	assert_int_equal(h->consumed, w.len);
	free(h);
	cp_wbuf_free(&w);
	cp_keyshare_cache_free(kc);
}

/* ---- server_name rewrite ------------------------------------------------ */

static void test_sni_unchanged(void **state)
{
	static const char *const same[] = {
		NULL, "server", "SERVER", "server.", "127.0.0.1", "::1"
	};
	struct cp_wbuf w;
	bool rw = true;

	(void)state;
	cp_wbuf_init(&w, 1 << 20);
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		cp_wbuf_reset(&w);
		assert_int_equal(cp_chello_with_sni(rfc, rfc_len, same[i], &w, &rw), CP_OK);
		assert_false(rw);
		assert_int_equal(w.len, rfc_len);
		assert_memory_equal(w.data, rfc, rfc_len);
	}
	/* no server_name in the capture: nothing to rewrite */
	cp_wbuf_reset(&w);
	{
		static const uint16_t suites[] = { 0xC02F };
		struct cp_hello_params p = { .legacy_version = 0x0303,
					     .suites = suites,
					     .nsuites = 1 };
		struct cp_wbuf e;

		cp_wbuf_init(&e, CP_HELLO_MAX_BYTES);
		assert_int_equal(cp_hello_encode(&p, NULL, &e), CP_OK);
		assert_int_equal(cp_chello_with_sni(e.data, e.len, "example.com", &w, &rw), CP_OK);
		assert_false(rw);
		assert_int_equal(w.len, e.len);
		assert_memory_equal(w.data, e.data, e.len);
		cp_wbuf_free(&e);
	}
	/* a name that cannot be sent, and a bare message: errors, nothing appended */
	cp_wbuf_reset(&w);
	assert_int_equal(cp_chello_with_sni(rfc, rfc_len, "bad name", &w, &rw), CP_EINVAL);
	assert_int_equal(cp_chello_with_sni(rfc + 5, rfc_len - 5, "example.com", &w, &rw),
			 CP_EWRONGTYPE);
	assert_int_equal(w.len, 0);
	assert_false(cp_wbuf_failed(&w));
	cp_wbuf_free(&w);
}

static void test_sni_rewritten(void **state)
{
	static const char name[] = "a-much-longer-name.example.org";
	struct cp_chello *a, *b;
	struct cp_wbuf w;
	bool rw = false;

	(void)state;
	cp_wbuf_init(&w, 1 << 20);
	assert_int_equal(cp_chello_with_sni(rfc, rfc_len, name, &w, &rw), CP_OK);
	assert_true(rw);
	assert_int_equal(w.len, rfc_len + strlen(name) - strlen("server"));
	a = parse_ok(rfc, rfc_len);
	b = parse_ok(w.data, w.len);
	assert_string_equal(b->sni, name);
	/* everything else as it was */
	assert_memory_equal(a->random, b->random, 32);
	assert_memory_equal(a->ext_types, b->ext_types, sizeof a->ext_types);
	assert_memory_equal(a->suites, b->suites, sizeof a->suites);
	assert_memory_equal(a->groups, b->groups, sizeof a->groups);
	assert_memory_equal(a->sigalgs, b->sigalgs, sizeof a->sigalgs);
	assert_int_equal(b->record_version, 0x0301);
	/* the bytes before the extensions and after server_name are the capture's own */
	assert_memory_equal(w.data + 9, rfc + 9, 2 + 32 + 1 + 8 + 2);
	assert_memory_equal(w.data + w.len - 130, rfc + rfc_len - 130, 130);
	free(a);
	free(b);
	cp_wbuf_free(&w);
}

/* A padded hello keeps its length: the padding gives what the name takes. */
static void test_sni_padding(void **state)
{
	static const uint16_t suites[] = { 0x1301, 0xC02F };
	static const uint16_t groups[] = { 29 };
	static const uint16_t versions[] = { 0x0304, 0x0303 };
	struct cp_hello_params p = {
		.legacy_version = 0x0303,
		.suites = suites,
		.nsuites = 2,
		.sni = "short.example",
		.groups = groups,
		.ngroups = 1,
		.versions = versions,
		.nversions = 2,
		.flags = CP_HELLO_KEY_SHARE_EMPTY,
		.pad_to = 512,
	};
	struct cp_wbuf e, w;
	struct cp_chello *a, *b;
	bool rw = false;

	(void)state;
	cp_wbuf_init(&e, CP_HELLO_MAX_BYTES);
	cp_wbuf_init(&w, CP_HELLO_MAX_BYTES);
	assert_int_equal(cp_hello_encode(&p, NULL, &e), CP_OK);
	a = parse_ok(e.data, e.len);
	assert_int_equal(a->msg_len, 512);
	assert_int_equal(
		cp_chello_with_sni(e.data, e.len, "a-rather-longer-host-name.example.net", &w, &rw),
		CP_OK);
	assert_true(rw);
	b = parse_ok(w.data, w.len);
	assert_int_equal(b->msg_len, 512);
	assert_int_equal(w.len, e.len);
	assert_string_equal(b->sni, "a-rather-longer-host-name.example.net");
	free(a);
	free(b);
	cp_wbuf_free(&e);
	cp_wbuf_free(&w);
}

/* ---- hex dumps ---------------------------------------------------------- */

static void hex_is(const char *text, const uint8_t *want, size_t n)
{
	uint8_t out[256];
	size_t got = 0;
	char err[128] = "";

	if (cp_hellofile_hex(text, strlen(text), out, sizeof out, &got, err, sizeof err) < 0)
		fail_msg("%s: %s", text, err);
	assert_int_equal(got, n);
	assert_memory_equal(out, want, n);
}

static void test_hex_forms(void **state)
{
	static const uint8_t ab[] = { 0x61, 0x62 };

	(void)state;
	/* the first 20 bytes of the RFC 8448 record, in every form */
	hex_is("16030100c4010000c00303cb34ecb1e78163ba1c", rfc, 20);
	hex_is("16 03 01 00 c4 01 00 00 c0 03 03 cb\n34 ec b1 e7 81 63 ba 1c\n", rfc, 20);
	hex_is("16:03:01:00:C4:01:00:00:C0:03:03:CB:34:EC:B1:E7:81:63:BA:1C", rfc, 20);
	hex_is("# a comment\n0x16, 0x03, 0x01, 0x00, 0xc4, 0x01, 0x00, 0x00, 0xc0, 0x03,\n"
	       "0x03, 0xcb, 0x34, 0xec, 0xb1, 0xe7, 0x81, 0x63, 0xba, 0x1c\n",
	       rfc, 20);
	/* xxd */
	hex_is("00000000: 1603 0100 c401 0000 c003 03cb 34ec b1e7  ............4...\n"
	       "00000010: 8163 ba1c                                .c..\n",
	       rfc, 20);
	/* Wireshark "Copy as Hex Dump" */
	hex_is("0000   16 03 01 00 c4 01 00 00 c0 03 03 cb 34 ec b1 e7   ............4...\n"
	       "0010   81 63 ba 1c                                       .c..\n",
	       rfc, 20);
	/* hexdump -C, with its closing offset line */
	hex_is("00000000  16 03 01 00 c4 01 00 00  c0 03 03 cb 34 ec b1 e7  |............4...|\n"
	       "00000010  81 63 ba 1c                                       |.c..|\n"
	       "00000014\n",
	       rfc, 20);
	/* an ASCII column that reads as hex */
	hex_is("0000   61 62                                             ab\n", ab, 2);
	hex_is("00000000: 6162                                     ab\n", ab, 2);
}

static void test_hex_errors(void **state)
{
	uint8_t out[64];
	size_t n;
	char err[128];

	(void)state;
	assert_int_equal(cp_hellofile_hex("16 03 0", 7, out, sizeof out, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "odd"));
	assert_int_equal(
		cp_hellofile_hex("16 03\n01 zz\n", 12, out, sizeof out, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "line 2"));
	assert_int_equal(cp_hellofile_hex("\n\n", 2, out, sizeof out, &n, err, sizeof err), -1);
	assert_int_equal(
		cp_hellofile_hex("0000  16\n0002  01\n", 18, out, sizeof out, &n, err, sizeof err),
		-1);
	assert_non_null(strstr(err, "line 1"));
	assert_int_equal(cp_hellofile_hex("0000  16 03\n0002  01 02\n0001  05\n", 31, out,
					  sizeof out, &n, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "line 3: offset column out of sequence"));
}

/* ---- the models --------------------------------------------------------- */

static void test_offer_from_rfc(void **state)
{
	struct cp_chello *h = parse_ok(rfc, rfc_len);
	struct cp_offer o;
	struct cp_replay_hello *r = malloc(sizeof *r);

	(void)state;
	assert_non_null(r);
	assert_int_equal(cp_offer_from_chello(h, &o), 0);
	assert_int_equal(o.min_version, 0x0304);
	assert_int_equal(o.max_version, 0x0304);
	ARRAY_EQ(o.suites, o.nsuites, 0x1301, 0x1303, 0x1302);
	assert_int_equal(o.ngroups, 9);
	assert_int_equal(o.nsigalgs, 15);
	cp_offer_capture_hello(h, rfc, rfc_len, r);
	ARRAY_EQ(r->versions, r->nversions, 0x0304);
	assert_ptr_equal(r->raw, rfc);
	assert_int_equal(r->raw_len, rfc_len);
	assert_string_equal(r->raw_sni, "server");
	free(r);
	free(h);
}

/* GREASE and signalling values are not part of the model. */
static void test_offer_grease(void **state)
{
	static const uint16_t suites[] = { 0x3A3A, 0x1301, 0xC02F, 0x00FF, 0x5600 };
	static const uint16_t groups[] = { 0x2A2A, 29, 0x11EC };
	static const uint16_t versions[] = { 0x7A7A, 0x0304, 0x0303 };
	static const uint16_t sigalgs[] = { 0x0403, 0x0804 };
	struct cp_hello_params p = {
		.legacy_version = 0x0303,
		.suites = suites,
		.nsuites = 5,
		.groups = groups,
		.ngroups = 3,
		.versions = versions,
		.nversions = 3,
		.sigalgs = sigalgs,
		.nsigalgs = 2,
		.flags = CP_HELLO_KEY_SHARE_EMPTY,
	};
	struct cp_wbuf e;
	struct cp_chello *h;
	struct cp_offer o;
	struct cp_replay_hello *r = malloc(sizeof *r);

	(void)state;
	assert_non_null(r);
	cp_wbuf_init(&e, CP_HELLO_MAX_BYTES);
	assert_int_equal(cp_hello_encode(&p, NULL, &e), CP_OK);
	h = parse_ok(e.data, e.len);
	assert_int_equal(cp_offer_from_chello(h, &o), 0);
	ARRAY_EQ(o.suites, o.nsuites, 0x1301, 0xC02F);
	ARRAY_EQ(o.groups, o.ngroups, 29, 0x11EC);
	assert_int_equal(o.min_version, 0x0303);
	assert_int_equal(o.max_version, 0x0304);
	cp_offer_capture_hello(h, e.data, e.len, r);
	ARRAY_EQ(r->versions, r->nversions, 0x0304, 0x0303);
	ARRAY_EQ(r->suites, r->nsuites, 0x1301, 0xC02F);
	assert_null(r->raw_sni);
	free(h);
	free(r);
	cp_wbuf_free(&e);
}

/* A TLS 1.2 hello (no supported_versions) offers TLS 1.0 to 1.2. */
static void test_offer_tls12(void **state)
{
	static const uint16_t suites[] = { 0xC02F, 0x002F };
	struct cp_hello_params p = { .legacy_version = 0x0303, .suites = suites, .nsuites = 2 };
	struct cp_wbuf e;
	struct cp_chello *h;
	struct cp_offer o;

	(void)state;
	cp_wbuf_init(&e, CP_HELLO_MAX_BYTES);
	assert_int_equal(cp_hello_encode(&p, NULL, &e), CP_OK);
	h = parse_ok(e.data, e.len);
	assert_int_equal(cp_offer_from_chello(h, &o), 0);
	assert_int_equal(o.min_version, 0x0301);
	assert_int_equal(o.max_version, 0x0303);
	free(h);
	cp_wbuf_free(&e);
}

/* Issue 10: min tls1-0, max tls1-3 replays all four versions, not two. */
static void test_replay_hello_versions(void **state)
{
	struct cp_offer o = {
		.min_version = 0x0301, .max_version = 0x0304, .nsuites = 1, .suites = { 0x1301 }
	};
	struct cp_replay_hello *r = malloc(sizeof *r);
	struct cp_profile prof;

	(void)state;
	assert_non_null(r);
	cp_offer_replay_hello(&o, r);
	ARRAY_EQ(r->versions, r->nversions, 0x0304, 0x0303, 0x0302, 0x0301);
	assert_true(cp_replay_hello_has_version(r, 0x0301));
	assert_false(cp_replay_hello_has_version(r, 0x0300));
	assert_null(r->raw);
	ARRAY_EQ(r->suites, r->nsuites, 0x1301);

	/* the same through a profile and the "any" client */
	assert_int_equal(cp_profile_builtin("panos-default", &prof), 0);
	prof.min_version = 0x0301;
	prof.max_version = 0x0304;
	assert_int_equal(cp_proxy_offer(&prof, cp_client_find("any"), &o), 0);
	cp_offer_replay_hello(&o, r);
	ARRAY_EQ(r->versions, r->nversions, 0x0304, 0x0303, 0x0302, 0x0301);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8448_record),
		cmocka_unit_test(test_rfc8448_bare),
		cmocka_unit_test(test_prefixes_truncated),
		cmocka_unit_test(test_fragmented),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_encoder_roundtrip),
		cmocka_unit_test(test_sni_unchanged),
		cmocka_unit_test(test_sni_rewritten),
		cmocka_unit_test(test_sni_padding),
		cmocka_unit_test(test_hex_forms),
		cmocka_unit_test(test_hex_errors),
		cmocka_unit_test(test_offer_from_rfc),
		cmocka_unit_test(test_offer_grease),
		cmocka_unit_test(test_offer_tls12),
		cmocka_unit_test(test_replay_hello_versions),
	};

	return cmocka_run_group_tests(tests, load_rfc, NULL);
}
