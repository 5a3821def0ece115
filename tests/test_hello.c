/* SPDX-License-Identifier: MIT */
/*
 * ClientHello encoder: every hello is parsed back here by walking the RFC
 * layout with the byte cursors (RFC 5246 6.2.1 records, 7.4 handshake
 * header, 7.4.1.2 ClientHello, RFC 8446 4.1.2 and 4.2), checking that each
 * length prefix matches what follows it.  Expected values come from the
 * RFCs (extension codes, share sizes, padding window), not from hello.c.
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

#include "tls/buf.h"
#include "tls/hello.h"

/* IANA extension types, from the registry, not from hello.c. */
#define X_SNI 0
#define X_STATUS 5
#define X_GROUPS 10
#define X_POINTS 11
#define X_SIGALGS 13
#define X_ALPN 16
#define X_SCT 18
#define X_PADDING 21
#define X_ETM 22
#define X_EMS 23
#define X_TICKET 35
#define X_VERSIONS 43
#define X_PSK_MODES 45
#define X_KEY_SHARE 51
#define X_RENEG 0xFF01

#define MAX_EXTS 32
#define MAX_RECORDS 64

struct ext {
	uint16_t type;
	const uint8_t *data;
	size_t len;
};

struct parsed {
	size_t nrecords;
	uint16_t record_version;
	size_t record_len[MAX_RECORDS];
	uint8_t *msg;  /* reassembled handshake message */
	size_t hs_len; /* 4-byte header + body */
	uint16_t legacy_version;
	uint8_t random[32];
	uint8_t sid_len;
	uint8_t sid[32];
	size_t nsuites;
	uint16_t suites[CP_HELLO_MAX_SUITES + 2];
	size_t ncomp;
	uint8_t comp[8];
	bool has_exts;
	size_t nexts;
	struct ext exts[MAX_EXTS];
};

static void parsed_free(struct parsed *h)
{
	free(h->msg);
	h->msg = NULL;
}

/*
 * TLSPlaintext records (RFC 5246 6.2.1): type 22, one record version,
 * 1..2^14 bytes each; the fragments concatenated form one ClientHello.
 */
static void parse_hello(const uint8_t *d, size_t n, struct parsed *h)
{
	struct cp_rbuf r, hs, body, v, exts;
	uint8_t u8;
	uint16_t u16;

	memset(h, 0, sizeof *h);
	h->msg = malloc(n);
	assert_non_null(h->msg);
	size_t msglen = 0;

	cp_rbuf_init(&r, d, n);
	while (cp_rbuf_left(&r)) {
		struct cp_rbuf frag;

		assert_true(h->nrecords < MAX_RECORDS);
		assert_int_equal(cp_rbuf_u8(&r, &u8), 0);
		assert_int_equal(u8, 22);
		assert_int_equal(cp_rbuf_u16(&r, &u16), 0);
		if (h->nrecords == 0)
			h->record_version = u16;
		assert_int_equal(u16, h->record_version);
		assert_int_equal(cp_rbuf_vec(&r, 2, &frag), 0);
		assert_true(cp_rbuf_left(&frag) >= 1 && cp_rbuf_left(&frag) <= 16384);
		h->record_len[h->nrecords++] = cp_rbuf_left(&frag);
		memcpy(h->msg + msglen, cp_rbuf_ptr(&frag), cp_rbuf_left(&frag));
		msglen += cp_rbuf_left(&frag);
	}
	assert_true(h->nrecords >= 1);

	/* RFC 5246 7.4: msg_type client_hello(1), uint24 length */
	cp_rbuf_init(&hs, h->msg, msglen);
	assert_int_equal(cp_rbuf_u8(&hs, &u8), 0);
	assert_int_equal(u8, 1);
	assert_int_equal(cp_rbuf_vec(&hs, 3, &body), 0);
	assert_int_equal(cp_rbuf_left(&hs), 0); /* one message, nothing after it */
	h->hs_len = msglen;

	assert_int_equal(cp_rbuf_u16(&body, &h->legacy_version), 0);
	assert_int_equal(cp_rbuf_bytes(&body, h->random, 32), 0);
	assert_int_equal(cp_rbuf_vec(&body, 1, &v), 0);
	assert_true(cp_rbuf_left(&v) <= 32);
	h->sid_len = (uint8_t)cp_rbuf_left(&v);
	assert_int_equal(cp_rbuf_bytes(&v, h->sid, h->sid_len), 0);
	/* cipher_suites<2..2^16-2> */
	assert_int_equal(cp_rbuf_vec(&body, 2, &v), 0);
	assert_true(cp_rbuf_left(&v) >= 2 && cp_rbuf_left(&v) % 2 == 0);
	while (cp_rbuf_left(&v)) {
		assert_true(h->nsuites < CP_HELLO_MAX_SUITES + 2);
		assert_int_equal(cp_rbuf_u16(&v, &h->suites[h->nsuites++]), 0);
	}
	/* compression_methods<1..2^8-1> */
	assert_int_equal(cp_rbuf_vec(&body, 1, &v), 0);
	assert_true(cp_rbuf_left(&v) >= 1 && cp_rbuf_left(&v) <= sizeof h->comp);
	h->ncomp = cp_rbuf_left(&v);
	assert_int_equal(cp_rbuf_bytes(&v, h->comp, h->ncomp), 0);
	if (!cp_rbuf_left(&body))
		return;
	/* Extension extensions<0..2^16-1>, and nothing after them */
	h->has_exts = true;
	assert_int_equal(cp_rbuf_vec(&body, 2, &exts), 0);
	assert_int_equal(cp_rbuf_left(&body), 0);
	while (cp_rbuf_left(&exts)) {
		struct ext *e = &h->exts[h->nexts];
		assert_true(h->nexts < MAX_EXTS);
		assert_int_equal(cp_rbuf_u16(&exts, &e->type), 0);
		assert_int_equal(cp_rbuf_vec(&exts, 2, &v), 0);
		e->data = cp_rbuf_ptr(&v);
		e->len = cp_rbuf_left(&v);
		/* RFC 5246 7.4.1.4: no two extensions of one type */
		for (size_t i = 0; i < h->nexts; i++)
			assert_int_not_equal(h->exts[i].type, e->type);
		h->nexts++;
	}
}

static const struct ext *find_ext(const struct parsed *h, uint16_t type)
{
	for (size_t i = 0; i < h->nexts; i++)
		if (h->exts[i].type == type)
			return &h->exts[i];
	return NULL;
}

/* The extension, which must be there (never NULL: fails the test instead). */
static const struct ext *must_ext(const struct parsed *h, uint16_t type)
{
	static const struct ext none;
	const struct ext *e = find_ext(h, type);

	if (!e) {
		fail_msg("extension %u missing", type);
		return &none;
	}
	return e;
}

/* Encode p, check the status and parse the result into h. */
static void encode_parse(const struct cp_hello_params *p, struct cp_keyshare_cache *kc,
			 struct parsed *h)
{
	struct cp_wbuf out;

	cp_wbuf_init(&out, CP_HELLO_MAX_BYTES + 1024);
	int rc = cp_hello_encode(p, kc, &out);
	if (rc != CP_OK)
		fail_msg("encode: %s", cp_hello_strerror(rc));
	parse_hello(out.data, out.len, h);
	cp_wbuf_free(&out);
}

static int encode_rc(const struct cp_hello_params *p, struct cp_keyshare_cache *kc)
{
	struct cp_wbuf out;

	cp_wbuf_init(&out, CP_HELLO_MAX_BYTES + 1024);
	int rc = cp_hello_encode(p, kc, &out);
	if (rc != CP_OK)
		assert_int_equal(out.len, 0); /* nothing written on failure */
	cp_wbuf_free(&out);
	return rc;
}

static const uint16_t some_suites[] = { 0xC02F, 0xC030, 0x009E, 0x002F, 0x000A };
static const uint16_t tls12_groups[] = { 29, 23, 24, 256 };
static const uint16_t sigalgs[] = { 0x0403, 0x0804, 0x0401, 0x0201 };
static const uint8_t fixed_random[32] = {
	1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

static struct cp_hello_params tls12_params(void)
{
	struct cp_hello_params p = {
		.legacy_version = 0x0303,
		.suites = some_suites,
		.nsuites = sizeof some_suites / sizeof some_suites[0],
		.random = fixed_random,
	};
	return p;
}

static void test_suites_in_order(void **state)
{
	(void)state;
	struct cp_hello_params p = tls12_params();
	struct parsed h;

	p.flags = CP_HELLO_RENEG_SCSV | CP_HELLO_FALLBACK_SCSV;
	encode_parse(&p, NULL, &h);
	assert_int_equal(h.nrecords, 1);
	assert_int_equal(h.record_version, 0x0301);
	assert_int_equal(h.legacy_version, 0x0303);
	assert_memory_equal(h.random, fixed_random, 32);
	assert_int_equal(h.sid_len, 0);
	assert_int_equal(h.nsuites, p.nsuites + 2);
	for (size_t i = 0; i < p.nsuites; i++)
		assert_int_equal(h.suites[i], some_suites[i]);
	assert_int_equal(h.suites[p.nsuites], 0x00FF);     /* RFC 5746 3.3 */
	assert_int_equal(h.suites[p.nsuites + 1], 0x5600); /* RFC 7507 */
	assert_int_equal(h.ncomp, 1);
	assert_int_equal(h.comp[0], 0);
	assert_false(h.has_exts); /* nothing asked, nothing sent */
	parsed_free(&h);

	/* an SCSV already in the list is not repeated */
	static const uint16_t with_scsv[] = { 0x002F, 0x00FF };
	p.suites = with_scsv;
	p.nsuites = 2;
	p.flags = CP_HELLO_RENEG_SCSV;
	encode_parse(&p, NULL, &h);
	assert_int_equal(h.nsuites, 2);
	parsed_free(&h);

	/* record_version as asked */
	p.record_version = 0x0303;
	encode_parse(&p, NULL, &h);
	assert_int_equal(h.record_version, 0x0303);
	parsed_free(&h);
}

/* The host name in a server_name extension (RFC 6066 3), or "" if absent. */
static void sni_of(const struct parsed *h, char *out, size_t outlen)
{
	const struct ext *e = find_ext(h, X_SNI);
	struct cp_rbuf r, list, name;
	uint8_t type;

	out[0] = '\0';
	if (!e)
		return;
	cp_rbuf_init(&r, e->data, e->len);
	assert_int_equal(cp_rbuf_vec(&r, 2, &list), 0);
	assert_int_equal(cp_rbuf_left(&r), 0);
	assert_int_equal(cp_rbuf_u8(&list, &type), 0);
	assert_int_equal(type, 0); /* host_name */
	assert_int_equal(cp_rbuf_vec(&list, 2, &name), 0);
	assert_int_equal(cp_rbuf_left(&list), 0);
	assert_true(cp_rbuf_left(&name) >= 1 && cp_rbuf_left(&name) < outlen);
	memcpy(out, cp_rbuf_ptr(&name), cp_rbuf_left(&name));
	out[cp_rbuf_left(&name)] = '\0';
}

/* A valid host name of exactly len characters: 63-byte labels of 'a'. */
static void make_host(char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (i % 64 == 63) ? '.' : 'a';
	if (len && buf[len - 1] == '.')
		buf[len - 1] = 'b';
	buf[len] = '\0';
}

static void test_sni(void **state)
{
	(void)state;
	struct cp_hello_params p = tls12_params();
	struct parsed h;
	char got[300], host[300];

	p.sni = "example.com";
	encode_parse(&p, NULL, &h);
	sni_of(&h, got, sizeof got);
	assert_string_equal(got, "example.com");
	assert_int_equal(h.exts[0].type, X_SNI);
	parsed_free(&h);

	/* RFC 6066 3: "without a trailing dot" */
	p.sni = "www.example.com.";
	encode_parse(&p, NULL, &h);
	sni_of(&h, got, sizeof got);
	assert_string_equal(got, "www.example.com");
	parsed_free(&h);

	/* RFC 6066 3: literal IPv4 and IPv6 addresses are not permitted */
	static const char *const literals[] = {
		"127.0.0.1", "::1", "2001:db8::1", "::ffff:192.0.2.1", "10.0.0.1.",
	};
	for (size_t i = 0; i < sizeof literals / sizeof literals[0]; i++) {
		p.sni = literals[i];
		encode_parse(&p, NULL, &h);
		assert_null(find_ext(&h, X_SNI));
		parsed_free(&h);
	}

	/* not a host name: refused rather than sent */
	static const char *const bad[] = {
		"[::1]",    "[::1]:443",    "exa mple.com",        "a..b",  ".", "",
		"host:443", "fe80::1%eth0", "caf\xc3\xa9.example", "a.b..",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p.sni = bad[i];
		assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
	}

	/* 255 characters is the DNS limit (RFC 1035 2.3.4); 256 is refused */
	make_host(host, 255);
	p.sni = host;
	encode_parse(&p, NULL, &h);
	sni_of(&h, got, sizeof got);
	assert_string_equal(got, host);
	parsed_free(&h);
	make_host(host, 256);
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
	/* a 64-byte label is refused (RFC 1035 2.3.4: labels are 63 or less) */
	memset(host, 'a', 64);
	memcpy(host + 64, ".com", 5);
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
}

static void test_ip_literal(void **state)
{
	(void)state;
	assert_true(cp_is_ip_literal("127.0.0.1"));
	assert_true(cp_is_ip_literal("::1"));
	assert_true(cp_is_ip_literal("2001:db8::8:800:200c:417a"));
	assert_true(cp_is_ip_literal("::ffff:1.2.3.4"));
	assert_false(cp_is_ip_literal("example.com"));
	assert_false(cp_is_ip_literal("[::1]"));
	assert_false(cp_is_ip_literal("1.2.3.4.5"));
	assert_false(cp_is_ip_literal(""));
	assert_false(cp_is_ip_literal(NULL));
}

static void test_sslv3_no_extensions(void **state)
{
	(void)state;
	struct cp_hello_params p = tls12_params();
	uint16_t many[120];
	struct parsed h;

	/* everything asked for, yet RFC 6101 5.6.1.2 has no extensions */
	p.legacy_version = 0x0300;
	p.sni = "example.com";
	p.groups = tls12_groups;
	p.ngroups = 4;
	p.sigalgs = sigalgs;
	p.nsigalgs = 4;
	p.flags = CP_HELLO_EC_POINT_FORMATS | CP_HELLO_RENEG_INFO | CP_HELLO_EMS |
		  CP_HELLO_FALLBACK_SCSV;
	encode_parse(&p, NULL, &h);
	assert_int_equal(h.record_version, 0x0300);
	assert_int_equal(h.legacy_version, 0x0300);
	assert_false(h.has_exts);
	assert_int_equal(h.nsuites, p.nsuites + 1);
	assert_int_equal(h.suites[p.nsuites], 0x5600);
	parsed_free(&h);

	/* in the padding window it stays unpadded: there is nowhere to pad */
	for (size_t i = 0; i < 120; i++)
		many[i] = (uint16_t)(0x0001 + i);
	p.suites = many;
	p.nsuites = 120;
	encode_parse(&p, NULL, &h);
	assert_false(h.has_exts);
	assert_true(h.hs_len >= 256 && h.hs_len < 512);
	parsed_free(&h);
}

static void test_extension_order_and_bodies(void **state)
{
	(void)state;
	static const char *const alpn[] = { "h2", "http/1.1" };
	static const uint16_t versions[] = { 0x0304, 0x0303 };
	static const uint16_t expect_order[] = {
		X_SNI, X_STATUS, X_GROUPS,   X_POINTS,    X_SIGALGS,   X_ALPN,  X_SCT,     X_ETM,
		X_EMS, X_TICKET, X_VERSIONS, X_PSK_MODES, X_KEY_SHARE, X_RENEG, X_PADDING,
	};
	struct cp_hello_params p = tls12_params();
	struct parsed h;
	const struct ext *e;

	p.sni = "example.com";
	p.groups = tls12_groups;
	p.ngroups = 4;
	p.sigalgs = sigalgs;
	p.nsigalgs = 4;
	p.alpn = alpn;
	p.nalpn = 2;
	p.versions = versions;
	p.nversions = 2;
	p.flags = CP_HELLO_EC_POINT_FORMATS | CP_HELLO_RENEG_INFO | CP_HELLO_EMS |
		  CP_HELLO_SESSION_TICKET | CP_HELLO_PSK_MODES | CP_HELLO_KEY_SHARE_EMPTY |
		  CP_HELLO_STATUS_REQUEST | CP_HELLO_ENCRYPT_THEN_MAC | CP_HELLO_SCT;
	encode_parse(&p, NULL, &h);
	/* about 150 bytes unpadded: the RFC 7685 rule does not apply */
	assert_true(h.hs_len < 256);
	assert_int_equal(h.nexts, 14);
	for (size_t i = 0; i < h.nexts; i++)
		assert_int_equal(h.exts[i].type, expect_order[i]);

	/* RFC 6066 8: status_type ocsp(1), empty responder ids and extensions */
	e = must_ext(&h, X_STATUS);
	assert_int_equal(e->len, 5);
	assert_memory_equal(e->data, "\x01\x00\x00\x00\x00", 5);
	/* RFC 8422 5.1.1: NamedCurveList, 2-byte length then the groups */
	e = must_ext(&h, X_GROUPS);
	assert_int_equal(e->len, 2 + 8);
	assert_memory_equal(e->data, "\x00\x08\x00\x1d\x00\x17\x00\x18\x01\x00", 10);
	/* RFC 8422 5.1.2: one format, uncompressed(0) */
	e = must_ext(&h, X_POINTS);
	assert_int_equal(e->len, 2);
	assert_memory_equal(e->data, "\x01\x00", 2);
	e = must_ext(&h, X_SIGALGS);
	assert_int_equal(e->len, 2 + 8);
	assert_memory_equal(e->data, "\x00\x08\x04\x03\x08\x04\x04\x01\x02\x01", 10);
	/* RFC 7301 3.1: ProtocolNameList of 1-byte-prefixed names */
	e = must_ext(&h, X_ALPN);
	assert_int_equal(e->len, 2 + 3 + 9);
	assert_memory_equal(e->data, "\x00\x0c\x02h2\x08http/1.1", 14);
	assert_int_equal(must_ext(&h, X_SCT)->len, 0);
	assert_int_equal(must_ext(&h, X_ETM)->len, 0);
	assert_int_equal(must_ext(&h, X_EMS)->len, 0);
	assert_int_equal(must_ext(&h, X_TICKET)->len, 0);
	/* RFC 8446 4.2.1: versions<2..254> with a 1-byte length */
	e = must_ext(&h, X_VERSIONS);
	assert_int_equal(e->len, 5);
	assert_memory_equal(e->data, "\x04\x03\x04\x03\x03", 5);
	/* RFC 8446 4.2.9: psk_dhe_ke(1) */
	e = must_ext(&h, X_PSK_MODES);
	assert_int_equal(e->len, 2);
	assert_memory_equal(e->data, "\x01\x01", 2);
	/* RFC 8446 4.2.8: an empty client_shares vector */
	e = must_ext(&h, X_KEY_SHARE);
	assert_int_equal(e->len, 2);
	assert_memory_equal(e->data, "\x00\x00", 2);
	/* RFC 5746 3.2: empty renegotiated_connection */
	e = must_ext(&h, X_RENEG);
	assert_int_equal(e->len, 1);
	assert_memory_equal(e->data, "\x00", 1);
	/* RFC 8446 D.4: TLS 1.3 offered, so a 32-byte legacy_session_id */
	assert_int_equal(h.sid_len, 32);
	parsed_free(&h);

	/* bad ALPN names */
	static const char *const empty_name[] = { "" };
	p.alpn = empty_name;
	p.nalpn = 1;
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
}

/* RFC 8446 4.2.8 KeyShareClientHello: (group, key_exchange) pairs. */
static size_t shares_of(const struct parsed *h, uint16_t *groups, size_t *lens,
			const uint8_t **keys, size_t max)
{
	const struct ext *e = must_ext(h, X_KEY_SHARE);
	struct cp_rbuf r, list, key;
	size_t n = 0;

	cp_rbuf_init(&r, e->data, e->len);
	assert_int_equal(cp_rbuf_vec(&r, 2, &list), 0);
	assert_int_equal(cp_rbuf_left(&r), 0);
	while (cp_rbuf_left(&list)) {
		assert_true(n < max);
		assert_int_equal(cp_rbuf_u16(&list, &groups[n]), 0);
		assert_int_equal(cp_rbuf_vec(&list, 2, &key), 0);
		lens[n] = cp_rbuf_left(&key);
		keys[n] = cp_rbuf_ptr(&key);
		n++;
	}
	return n;
}

static void test_tls13_key_shares(void **state)
{
	(void)state;
	static const uint16_t suites13[] = { 0x1301, 0x1302, 0x1303 };
	static const uint16_t versions[] = { 0x0304 };
	static const uint16_t groups[] = { 29, 23, 30, 24 };
	static const uint16_t shares[] = { 29, 23 };
	struct cp_keyshare_cache *kc = cp_keyshare_cache_new();
	struct cp_hello_params p = tls12_params();
	uint16_t g[4];
	size_t len[4];
	const uint8_t *key[4];
	uint8_t first_x25519[32];
	struct parsed h;

	assert_non_null(kc);
	p.suites = suites13;
	p.nsuites = 3;
	p.versions = versions;
	p.nversions = 1;
	p.groups = groups;
	p.ngroups = 4;
	p.sigalgs = sigalgs;
	p.nsigalgs = 4;
	p.share_groups = shares;
	p.nshares = 2;
	p.flags = CP_HELLO_PSK_MODES;
	encode_parse(&p, kc, &h);
	assert_int_equal(h.legacy_version, 0x0303); /* RFC 8446 4.1.2 */
	assert_int_equal(h.sid_len, 32);
	assert_non_null(find_ext(&h, X_VERSIONS));
	assert_int_equal(shares_of(&h, g, len, key, 4), 2);
	assert_int_equal(g[0], 29);
	assert_int_equal(len[0], 32); /* RFC 7748 5: X25519 u-coordinate */
	assert_int_equal(g[1], 23);
	assert_int_equal(len[1], 65);   /* RFC 8446 4.2.8.2: 1 + 2 * 32 */
	assert_int_equal(key[1][0], 4); /* legacy_form = 4, uncompressed */
	memcpy(first_x25519, key[0], 32);
	parsed_free(&h);

	/* the cache reuses one key per group */
	p.nshares = 1;
	encode_parse(&p, kc, &h);
	assert_int_equal(shares_of(&h, g, len, key, 4), 1);
	assert_memory_equal(key[0], first_x25519, 32);
	parsed_free(&h);

	/* given session id is used as is */
	static const uint8_t sid[32] = { [0] = 0xAA, [31] = 0x55 };
	p.session_id = sid;
	encode_parse(&p, kc, &h);
	assert_int_equal(h.sid_len, 32);
	assert_memory_equal(h.sid, sid, 32);
	parsed_free(&h);

	/* RFC 8446 4.2.8: shares only for offered groups, one per group */
	static const uint16_t not_offered[] = { 25 };
	static const uint16_t twice[] = { 29, 29 };
	p.share_groups = not_offered;
	p.nshares = 1;
	assert_int_equal(encode_rc(&p, kc), CP_EINVAL);
	p.share_groups = twice;
	p.nshares = 2;
	assert_int_equal(encode_rc(&p, kc), CP_EINVAL);
	/* real shares and "empty key_share" at once make no sense */
	p.share_groups = shares;
	p.nshares = 1;
	p.flags |= CP_HELLO_KEY_SHARE_EMPTY;
	assert_int_equal(encode_rc(&p, kc), CP_EINVAL);
	p.flags &= ~(unsigned)CP_HELLO_KEY_SHARE_EMPTY;
	/* shares need a cache */
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
	cp_keyshare_cache_free(kc);
}

/*
 * Share sizes: RFC 7748 5 (x25519 32, x448 56), RFC 8446 4.2.8.2 (NIST
 * curves 1 + 2 * field bytes), RFC 8446 4.2.8.1 with RFC 7919 appendix A
 * (ffdhe: the prime's size).
 */
static void test_share_sizes(void **state)
{
	(void)state;
	static const struct {
		uint16_t group;
		size_t len;
	} want[] = {
		{ 29, 32 },   { 30, 56 },   { 23, 65 },   { 24, 97 },   { 25, 133 },
		{ 256, 256 }, { 257, 384 }, { 258, 512 }, { 259, 768 }, { 260, 1024 },
	};
	struct cp_keyshare_cache *kc = cp_keyshare_cache_new();

	assert_non_null(kc);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		size_t len = 0;
		const uint8_t *k = cp_keyshare_get(kc, want[i].group, &len);

		assert_true(cp_keyshare_supported(want[i].group));
		assert_non_null(k);
		assert_int_equal(len, want[i].len);
		if (want[i].group >= 23 && want[i].group <= 25)
			assert_int_equal(k[0], 4);
	}
	cp_keyshare_cache_free(kc);
}

/* ML-KEM and the hybrids need OpenSSL 3.5; 3.0 cannot make them. */
static void test_share_unsupported(void **state)
{
	(void)state;
	static const uint16_t pq[] = { 0x11EC, 0x11EB, 0x11ED };
	static const uint16_t versions[] = { 0x0304 };
	static const uint16_t suites13[] = { 0x1301 };
	struct cp_keyshare_cache *kc = cp_keyshare_cache_new();
	struct cp_hello_params p = tls12_params();
	size_t len = 0;

	assert_non_null(kc);
	for (size_t i = 0; i < 3; i++) {
		assert_false(cp_keyshare_supported(pq[i]));
		assert_null(cp_keyshare_get(kc, pq[i], &len));
	}
	/* an unassigned code point */
	assert_false(cp_keyshare_supported(0x7777));
	p.suites = suites13;
	p.nsuites = 1;
	p.versions = versions;
	p.nversions = 1;
	p.groups = pq;
	p.ngroups = 1;
	p.share_groups = pq;
	p.nshares = 1;
	assert_int_equal(encode_rc(&p, kc), CP_EKEYGEN);
	/* but an empty key_share naming it in supported_groups is fine */
	p.nshares = 0;
	p.flags = CP_HELLO_KEY_SHARE_EMPTY;
	assert_int_equal(encode_rc(&p, kc), CP_OK);
	cp_keyshare_cache_free(kc);
}

/*
 * RFC 7685 and the F5 bug: the handshake message is never 256..511
 * bytes.  When padding is added it is the last extension, all zeros, and
 * brings the message to 512, or to one byte more than the padding
 * extension's header when the hello was already within 4 bytes of 512
 * (a non-empty last extension, as BoringSSL does for WebSphere).
 */
static void check_padding(const struct parsed *h, bool padding_allowed)
{
	const struct ext *pad = find_ext(h, X_PADDING);

	if (!padding_allowed) {
		assert_null(pad);
		return;
	}
	assert_false(h->hs_len >= 256 && h->hs_len <= 511);
	if (!pad)
		return;
	assert_ptr_equal(pad, &h->exts[h->nexts - 1]);
	for (size_t i = 0; i < pad->len; i++)
		assert_int_equal(pad->data[i], 0);
	size_t overhead = 4 + pad->len + (h->nexts == 1 ? 2 : 0);
	size_t unpadded = h->hs_len - overhead;
	size_t header = overhead - pad->len;
	/* padding only where the unpadded hello would sit in the window */
	assert_true(unpadded >= 256 && unpadded <= 511);
	if (unpadded + header + 1 <= 512)
		assert_int_equal(h->hs_len, 512);
	else
		assert_int_equal(h->hs_len, unpadded + header + 1);
}

static void test_padding_sweep(void **state)
{
	(void)state;
	static const uint16_t versions[] = { 0x0304, 0x0303 };
	static const size_t sni_lens[] = { 0, 5, 40, 117, 255 };
	uint16_t suites[300];
	char host[300];
	size_t padded = 0, exact = 0, in_window_unpadded = 0;

	for (size_t i = 0; i < 300; i++)
		suites[i] = (uint16_t)(0xC000 + i);
	for (unsigned variant = 0; variant < 3; variant++) {
		for (size_t s = 0; s < sizeof sni_lens / sizeof sni_lens[0]; s++) {
			for (size_t n = 1; n <= 300; n++) {
				struct cp_hello_params p = tls12_params();
				struct parsed h;

				p.suites = suites;
				p.nsuites = n;
				if (sni_lens[s]) {
					make_host(host, sni_lens[s]);
					p.sni = host;
				}
				if (variant == 1) {
					p.groups = tls12_groups;
					p.ngroups = 4;
					p.sigalgs = sigalgs;
					p.nsigalgs = 4;
					p.flags = CP_HELLO_EC_POINT_FORMATS | CP_HELLO_RENEG_INFO;
				} else if (variant == 2) {
					p.versions = versions;
					p.nversions = 2;
					p.groups = tls12_groups;
					p.ngroups = 4;
					p.flags = CP_HELLO_KEY_SHARE_EMPTY | CP_HELLO_EMS;
				}
				encode_parse(&p, NULL, &h);
				check_padding(&h, true);
				if (find_ext(&h, X_PADDING)) {
					padded++;
					exact += h.hs_len == 512;
				}
				parsed_free(&h);

				/* the opt-out really sends the window */
				p.flags |= CP_HELLO_NO_PADDING;
				encode_parse(&p, NULL, &h);
				check_padding(&h, false);
				in_window_unpadded += h.hs_len >= 256 && h.hs_len <= 511;
				parsed_free(&h);
			}
		}
	}
	/* the sweep did cross the window many times */
	assert_true(padded > 1500);
	/* suite counts step the length by 2, so at most three hellos per
	 * combination land in 506..511 and go just past 512 */
	assert_true(padded - exact <= 3 * 3 * (sizeof sni_lens / sizeof sni_lens[0]));
	assert_int_equal(padded, in_window_unpadded);
}

static void test_padding_no_other_extensions(void **state)
{
	(void)state;
	uint16_t suites[110];
	struct parsed h;
	struct cp_hello_params p = tls12_params();

	/* 4 + 2 + 32 + 1 + (2 + 220) + 2 = 263: only padding can fix it */
	for (size_t i = 0; i < 110; i++)
		suites[i] = (uint16_t)(0x0001 + i);
	p.suites = suites;
	p.nsuites = 110;
	encode_parse(&p, NULL, &h);
	assert_int_equal(h.hs_len, 512);
	assert_int_equal(h.nexts, 1);
	assert_int_equal(h.exts[0].type, X_PADDING);
	/* 263 + 2 (block) + 4 (header) + 243 = 512 */
	assert_int_equal(h.exts[0].len, 243);
	parsed_free(&h);
}

static void test_fragmentation(void **state)
{
	(void)state;
	struct cp_hello_params p = tls12_params();
	struct parsed h;

	/* RFC 5246 6.2.1: no record over 2^14 bytes */
	p.pad_to = 20000;
	encode_parse(&p, NULL, &h);
	assert_int_equal(h.hs_len, 20000);
	assert_int_equal(h.nrecords, 2);
	assert_int_equal(h.record_len[0], 16384);
	assert_int_equal(h.record_len[1], 20000 - 16384);
	parsed_free(&h);

	/* exactly 2^14: one record */
	p.pad_to = 16384;
	encode_parse(&p, NULL, &h);
	assert_int_equal(h.nrecords, 1);
	assert_int_equal(h.hs_len, 16384);
	parsed_free(&h);
	p.pad_to = 16385;
	encode_parse(&p, NULL, &h);
	assert_int_equal(h.nrecords, 2);
	assert_int_equal(h.record_len[1], 1);
	parsed_free(&h);

	/* a caller-chosen fragment size */
	p.pad_to = 0;
	p.sni = "example.com";
	p.max_fragment = 50;
	encode_parse(&p, NULL, &h);
	assert_int_equal(h.nrecords, (h.hs_len + 49) / 50);
	for (size_t i = 0; i + 1 < h.nrecords; i++)
		assert_int_equal(h.record_len[i], 50);
	parsed_free(&h);
	p.max_fragment = 16385;
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);

	/* the total cap */
	p.max_fragment = 0;
	p.pad_to = CP_HELLO_MAX_BYTES + 1;
	assert_int_equal(encode_rc(&p, NULL), CP_ETOOBIG);
	p.pad_to = CP_HELLO_MAX_BYTES; /* plus record headers: over the cap */
	assert_int_equal(encode_rc(&p, NULL), CP_ETOOBIG);
}

static void test_caps(void **state)
{
	(void)state;
	static uint16_t many[CP_HELLO_MAX_SUITES + 1];
	static uint32_t kinds[CP_HELLO_MAX_SSLV2_KINDS + 1];
	static const char *const names[CP_HELLO_MAX_ALPN + 1] = {
		"a", "b", "c", "d", "e", "f", "g", "h", "i",
	};
	struct cp_hello_params p = tls12_params();
	struct parsed h;

	for (size_t i = 0; i <= CP_HELLO_MAX_SUITES; i++)
		many[i] = (uint16_t)(i + 1);
	p.suites = many;
	p.nsuites = CP_HELLO_MAX_SUITES;
	encode_parse(&p, NULL, &h);
	assert_int_equal(h.nsuites, CP_HELLO_MAX_SUITES);
	parsed_free(&h);
	p.nsuites = CP_HELLO_MAX_SUITES + 1;
	assert_int_equal(encode_rc(&p, NULL), CP_ETOOMANY);

	p = tls12_params();
	p.groups = many;
	p.ngroups = CP_HELLO_MAX_GROUPS + 1;
	assert_int_equal(encode_rc(&p, NULL), CP_ETOOMANY);
	p = tls12_params();
	p.sigalgs = many;
	p.nsigalgs = CP_HELLO_MAX_SIGALGS + 1;
	assert_int_equal(encode_rc(&p, NULL), CP_ETOOMANY);
	p = tls12_params();
	p.versions = many;
	p.nversions = CP_HELLO_MAX_VERSIONS + 1;
	assert_int_equal(encode_rc(&p, NULL), CP_ETOOMANY);
	p = tls12_params();
	p.groups = many;
	p.ngroups = CP_HELLO_MAX_SHARES + 1;
	p.share_groups = many;
	p.nshares = CP_HELLO_MAX_SHARES + 1;
	assert_int_equal(encode_rc(&p, NULL), CP_ETOOMANY);
	p = tls12_params();
	p.alpn = names;
	p.nalpn = CP_HELLO_MAX_ALPN + 1;
	assert_int_equal(encode_rc(&p, NULL), CP_ETOOMANY);
	p.nalpn = CP_HELLO_MAX_ALPN;
	assert_int_equal(encode_rc(&p, NULL), CP_OK);
	p = tls12_params();
	p.format = CP_HELLO_SSLV2;
	p.legacy_version = 0x0002;
	p.sslv2_kinds = kinds;
	p.nsslv2_kinds = CP_HELLO_MAX_SSLV2_KINDS + 1;
	assert_int_equal(encode_rc(&p, NULL), CP_ETOOMANY);
}

static void test_bad_params(void **state)
{
	(void)state;
	struct cp_hello_params p = tls12_params();
	struct cp_wbuf out;

	assert_int_equal(encode_rc(NULL, NULL), CP_EINVAL);
	p.legacy_version = 0x0200;
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
	p.legacy_version = 0;
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
	p = tls12_params();
	p.nsuites = 0; /* RFC 5246 7.4.1.2: cipher_suites<2..2^16-2> */
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
	p.flags = CP_HELLO_RENEG_SCSV; /* an SCSV alone is a non-empty list */
	assert_int_equal(encode_rc(&p, NULL), CP_OK);
	p = tls12_params();
	p.suites = NULL;
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
	p = tls12_params();
	p.format = (enum cp_hello_format)7;
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
	/* SSLv2 kinds in a TLS hello are a caller mix-up */
	static const uint32_t k[] = { 0x010080 };
	p = tls12_params();
	p.sslv2_kinds = k;
	p.nsslv2_kinds = 1;
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);

	/* the caller's buffer is left alone when the hello does not fit */
	p = tls12_params();
	cp_wbuf_init(&out, 60);
	cp_wbuf_bytes(&out, "prefix", 6);
	assert_int_equal(cp_hello_encode(&p, NULL, &out), CP_ETOOBIG);
	assert_int_equal(out.len, 6);
	assert_false(cp_wbuf_failed(&out));
	cp_wbuf_free(&out);
	/* and appended to, not overwritten, when it fits */
	cp_wbuf_init(&out, 4096);
	cp_wbuf_bytes(&out, "prefix", 6);
	assert_int_equal(cp_hello_encode(&p, NULL, &out), CP_OK);
	assert_memory_equal(out.data, "prefix", 6);
	assert_int_equal(out.data[6], 22);
	cp_wbuf_free(&out);

	for (int s = 0; s >= -6; s--)
		assert_non_null(cp_hello_strerror(s));
	assert_string_not_equal(cp_hello_strerror(CP_EINVAL), cp_hello_strerror(CP_ETOOBIG));
}

static void test_fresh_randomness(void **state)
{
	(void)state;
	struct cp_hello_params p = tls12_params();
	struct parsed a, b;

	p.random = NULL;
	p.flags = CP_HELLO_SESSION_ID;
	encode_parse(&p, NULL, &a);
	encode_parse(&p, NULL, &b);
	assert_int_equal(a.sid_len, 32);
	assert_memory_not_equal(a.random, b.random, 32);
	assert_memory_not_equal(a.sid, b.sid, 32);
	parsed_free(&a);
	parsed_free(&b);
}

/*
 * SSLv2 CLIENT-HELLO (RFC 6101 appendix E.1, RFC 5246 appendix E.2),
 * parsed by hand: 2-byte header with the high bit set, then msg_type 1,
 * version, three lengths, 3-byte cipher specs, session id, challenge.
 */
static void test_sslv2_layout(void **state)
{
	(void)state;
	static const uint32_t kinds[] = { 0x010080, 0x0700C0 };
	static const uint16_t suites[] = { 0x002F, 0x0035 };
	static const uint8_t want_specs[] = {
		0x01, 0x00, 0x80, 0x07, 0x00, 0xC0, 0x00, 0x00,
		0x2F, 0x00, 0x00, 0x35, 0x00, 0x00, 0xFF,
	};
	struct cp_hello_params p = {
		.format = CP_HELLO_SSLV2,
		.legacy_version = 0x0301,
		.suites = suites,
		.nsuites = 2,
		.sslv2_kinds = kinds,
		.nsslv2_kinds = 2,
		.flags = CP_HELLO_RENEG_SCSV,
		.random = fixed_random,
		.sni = "example.com", /* SSLv2 has nowhere to put it */
	};
	struct cp_wbuf out;
	struct cp_rbuf r, specs;
	uint16_t u16, spec_len, sid_len, chal_len;
	uint8_t u8;

	cp_wbuf_init(&out, 4096);
	assert_int_equal(cp_hello_encode(&p, NULL, &out), CP_OK);
	cp_rbuf_init(&r, out.data, out.len);
	assert_int_equal(cp_rbuf_u16(&r, &u16), 0);
	assert_true(u16 & 0x8000);
	assert_int_equal(u16 & 0x7FFF, out.len - 2);
	assert_int_equal(cp_rbuf_u8(&r, &u8), 0);
	assert_int_equal(u8, 1);
	assert_int_equal(cp_rbuf_u16(&r, &u16), 0);
	assert_int_equal(u16, 0x0301);
	assert_int_equal(cp_rbuf_u16(&r, &spec_len), 0);
	assert_int_equal(cp_rbuf_u16(&r, &sid_len), 0);
	assert_int_equal(cp_rbuf_u16(&r, &chal_len), 0);
	assert_int_equal(spec_len, sizeof want_specs);
	assert_int_equal(sid_len, 0);
	assert_int_equal(chal_len, 16);
	assert_int_equal(cp_rbuf_sub(&r, spec_len, &specs), 0);
	assert_memory_equal(cp_rbuf_ptr(&specs), want_specs, sizeof want_specs);
	assert_int_equal(cp_rbuf_left(&r), 16);
	assert_memory_equal(cp_rbuf_ptr(&r), fixed_random, 16);
	cp_wbuf_free(&out);

	/* pure SSLv2, 32-byte challenge */
	p.legacy_version = 0x0002;
	p.sslv2_challenge_len = 32;
	p.nsuites = 0;
	p.flags = 0;
	cp_wbuf_init(&out, 4096);
	assert_int_equal(cp_hello_encode(&p, NULL, &out), CP_OK);
	assert_int_equal(out.len, 2 + 9 + 6 + 32);
	assert_int_equal(out.data[3], 0x00);
	assert_int_equal(out.data[4], 0x02);
	assert_int_equal(out.data[10], 32);
	cp_wbuf_free(&out);

	/* challenge 16..32 only; version 2.0 or 3.x */
	p.sslv2_challenge_len = 15;
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
	p.sslv2_challenge_len = 33;
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
	p.sslv2_challenge_len = 0;
	p.legacy_version = 0x0304;
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
	/* a kind wider than 3 bytes */
	static const uint32_t wide[] = { 0x01000080 };
	p.legacy_version = 0x0002;
	p.sslv2_kinds = wide;
	p.nsslv2_kinds = 1;
	assert_int_equal(encode_rc(&p, NULL), CP_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suites_in_order),
		cmocka_unit_test(test_sni),
		cmocka_unit_test(test_ip_literal),
		cmocka_unit_test(test_sslv3_no_extensions),
		cmocka_unit_test(test_extension_order_and_bodies),
		cmocka_unit_test(test_tls13_key_shares),
		cmocka_unit_test(test_share_sizes),
		cmocka_unit_test(test_share_unsupported),
		cmocka_unit_test(test_padding_sweep),
		cmocka_unit_test(test_padding_no_other_extensions),
		cmocka_unit_test(test_fragmentation),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_fresh_randomness),
		cmocka_unit_test(test_sslv2_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
