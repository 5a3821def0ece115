/* SPDX-License-Identifier: MIT */
/*
 * tlsfake's wire code driven with byte vectors, no sockets: record
 * reassembly at every split and byte-at-a-time, every truncation of a
 * hello, SSLv2 hellos, and the negotiation rules the README promises.
 * Prints TAP; no cmocka, so tlsfake stays free of the scanner's test deps.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tf_answer.h"
#include "tf_buf.h"
#include "tf_config.h"
#include "tf_hello.h"
#include "tf_keys.h"

static int tests, failures;

static void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failures++;
	printf("%s %d - ", cond ? "ok" : "not ok", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void ext(struct tf_wr *w, unsigned type, const uint8_t *d, size_t n)
{
	tf_wr_u16(w, type);
	tf_wr_u16(w, (unsigned)n);
	tf_wr_bytes(w, d, n);
}

/*
 * A TLS 1.3-capable ClientHello (RFC 8446 4.1.2): 3 suites, SNI,
 * supported_groups {x25519, secp256r1}, supported_versions {1.3, 1.2},
 * key_share {x25519}, signature_algorithms, renegotiation_info.
 */
static void build_hello(struct tf_wr *w, uint16_t version)
{
	static const uint8_t suites[] = { 0x13, 0x01, 0xC0, 0x2F, 0x00, 0x2F };
	static const uint8_t sni[] = { 0x00, 0x0F, 0x00, 0x00, 0x0C, 't', 'l', 's', 'f',
				       'a',  'k',  'e',  '.',  't',  'e', 's', 't' };
	static const uint8_t groups[] = { 0x00, 0x04, 0x00, 0x1D, 0x00, 0x17 };
	static const uint8_t sv[] = { 0x04, 0x03, 0x04, 0x03, 0x03 };
	static const uint8_t sigalgs[] = { 0x00, 0x04, 0x08, 0x04, 0x04, 0x03 };
	static const uint8_t ri[] = { 0x00 };
	uint8_t ks[2 + 4 + 32];
	size_t msg, exts;

	memset(ks, 0x77, sizeof ks);
	ks[0] = 0x00;
	ks[1] = 36;
	ks[2] = 0x00;
	ks[3] = 0x1D;
	ks[4] = 0x00;
	ks[5] = 32;
	tf_wr_u8(w, 1);
	msg = tf_wr_open(w, 3);
	tf_wr_u16(w, version);
	for (int i = 0; i < 32; i++)
		tf_wr_u8(w, (unsigned)i);
	tf_wr_u8(w, 32);
	for (int i = 0; i < 32; i++)
		tf_wr_u8(w, 0xEE);
	tf_wr_u16(w, sizeof suites);
	tf_wr_bytes(w, suites, sizeof suites);
	tf_wr_u8(w, 1);
	tf_wr_u8(w, 0);
	exts = tf_wr_open(w, 2);
	ext(w, 0, sni, sizeof sni);
	ext(w, 10, groups, sizeof groups);
	ext(w, 43, sv, sizeof sv);
	ext(w, 51, ks, sizeof ks);
	ext(w, 13, sigalgs, sizeof sigalgs);
	ext(w, 0xff01, ri, sizeof ri);
	tf_wr_close(w, exts, 2);
	tf_wr_close(w, msg, 3);
}

/* Wraps msg in handshake records; the first carries split bytes. */
static void wrap(struct tf_wr *out, const struct tf_wr *msg, size_t split)
{
	size_t a = split < msg->len ? split : msg->len;

	tf_wr_u8(out, 22);
	tf_wr_u16(out, 0x0301);
	tf_wr_u16(out, (unsigned)a);
	tf_wr_bytes(out, msg->data, a);
	if (a < msg->len) {
		tf_wr_u8(out, 22);
		tf_wr_u16(out, 0x0301);
		tf_wr_u16(out, (unsigned)(msg->len - a));
		tf_wr_bytes(out, msg->data + a, msg->len - a);
	}
}

/* Feeds bytes in chunks of step; returns the final state. */
static enum tf_rx feed(struct tf_reasm *r, const uint8_t *p, size_t n, size_t step, uint8_t *alert,
		       size_t *total)
{
	enum tf_rx st = TF_RX_MORE;

	*total = 0;
	while (*total < n && st == TF_RX_MORE) {
		size_t used, k = n - *total < step ? n - *total : step;

		st = tf_reasm_feed(r, p + *total, k, &used, alert);
		*total += used;
	}
	return st;
}

static void test_reassembly(void)
{
	struct tf_wr msg, rec;
	int all_ok = 1, bytewise_ok = 1;

	tf_wr_init(&msg, 4096);
	build_hello(&msg, 0x0303);
	for (size_t split = 1; split <= msg.len; split++) {
		struct tf_reasm r;
		uint8_t alert;
		size_t used;
		enum tf_rx st;

		tf_wr_init(&rec, 8192);
		wrap(&rec, &msg, split);
		for (size_t step = 1; step <= 2; step++) {
			size_t s = step == 1 ? 1 : rec.len;

			tf_reasm_init(&r, 0);
			st = feed(&r, rec.data, rec.len, s, &alert, &used);
			if (st != TF_RX_DONE || used != rec.len || r.hs.len != msg.len ||
			    memcmp(r.hs.data, msg.data, msg.len) != 0)
				*(step == 1 ? &bytewise_ok : &all_ok) = 0;
			tf_reasm_free(&r);
		}
		tf_wr_free(&rec);
	}
	ok(all_ok, "hello split into two records at each of %zu offsets", msg.len);
	ok(bytewise_ok, "the same, fed one byte at a time");
	tf_wr_free(&msg);
}

static void test_parse(void)
{
	struct tf_wr msg;
	struct tf_hello h;
	int rc, refused = 1;

	tf_wr_init(&msg, 4096);
	build_hello(&msg, 0x0303);
	rc = tf_hello_parse(msg.data, msg.len, 0, 0x0301, &h);
	ok(rc == 0, "a well-formed hello parses");
	ok(h.nsuites == 3 && h.suites[1] == 0xC02F, "3 suites, in client order");
	ok(h.sid_len == 32 && h.msg_len == msg.len, "session id and length");
	ok(h.has_sni && strcmp(h.sni, "tlsfake.test") == 0, "SNI host_name");
	ok(tf_hello_offers_version(&h, 0x0304) && !tf_hello_offers_version(&h, 0x0302),
	   "supported_versions");
	ok(tf_hello_offers_group(&h, 23) && tf_hello_has_share(&h, 29) &&
		   !tf_hello_has_share(&h, 23) && h.nshares == 1,
	   "groups and key shares");
	ok(h.reneg_ext && h.has_sigalgs && h.null_comp, "other extensions");
	tf_hello_free(&h);

	/* Every truncation, with the handshake length made to agree. */
	for (size_t n = 0; n + 4 < msg.len; n++) {
		uint8_t *cut = malloc(4 + n);

		if (!cut)
			abort();
		memcpy(cut, msg.data, 4 + n);
		cut[1] = (uint8_t)(n >> 16);
		cut[2] = (uint8_t)(n >> 8);
		cut[3] = (uint8_t)n;
		rc = tf_hello_parse(cut, 4 + n, 0, 0x0301, &h);
		/* Cutting exactly before the extensions leaves a valid hello. */
		if (rc == 0 && n != 2 + 32 + 1 + 32 + 2 + 6 + 2)
			refused = 0;
		tf_hello_free(&h);
		free(cut);
	}
	ok(refused, "every truncation is refused (except the no-extensions one)");
	tf_wr_free(&msg);
}

static void test_records(void)
{
	static const uint8_t big[] = { 22, 3, 1, 0x40, 0x01 };
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";
	static const uint8_t alert_rec[] = { 21, 3, 1, 0, 2, 2, 40 };
	static const uint8_t server_hello[] = { 22, 3, 3, 0, 4, 2, 0, 0, 0 };
	struct tf_reasm r;
	uint8_t alert;
	size_t used;

	tf_reasm_init(&r, 0);
	ok(feed(&r, big, sizeof big, 1, &alert, &used) == TF_RX_FAIL &&
		   alert == TF_AL_RECORD_OVERFLOW,
	   "a 2^14+1 record: record_overflow");
	tf_reasm_free(&r);
	tf_reasm_init(&r, 0);
	ok(feed(&r, http, sizeof http - 1, 64, &alert, &used) == TF_RX_FAIL && alert == 0,
	   "HTTP instead of TLS: close without an alert");
	tf_reasm_free(&r);
	tf_reasm_init(&r, 0);
	ok(feed(&r, alert_rec, sizeof alert_rec, 64, &alert, &used) == TF_RX_FAIL && alert == 0,
	   "a client alert: close");
	tf_reasm_free(&r);
	tf_reasm_init(&r, 0);
	ok(feed(&r, server_hello, sizeof server_hello, 64, &alert, &used) == TF_RX_FAIL &&
		   alert == TF_AL_UNEXPECTED_MESSAGE,
	   "a ServerHello from the client: unexpected_message");
	tf_reasm_free(&r);
}

static void test_sslv2(void)
{
	/* SSLv2 CLIENT-HELLO, version 3.1, kinds RC4-MD5 (v2) and 0x00002F. */
	static const uint8_t v2[] = {
		0x80, 0x1F, 0x01, 0x03, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x10,
		0x01, 0x00, 0x80, 0x00, 0x00, 0x2F, 1,    2,    3,    4,    5,
		6,    7,    8,    9,    10,   11,   12,   13,   14,   15,   16,
	};
	struct tf_reasm r;
	struct tf_hello h;
	uint8_t alert;
	size_t used;
	enum tf_rx st;

	tf_reasm_init(&r, 0);
	st = feed(&r, v2, sizeof v2, 1, &alert, &used);
	ok(st == TF_RX_DONE && r.v2 && r.hs.len == 0x1F, "SSLv2 record reassembled byte by byte");
	ok(tf_hello_parse(r.hs.data, r.hs.len, 1, 2, &h) == 0 && h.client_version == 0x0301 &&
		   h.nkinds == 2 && h.nsuites == 1 && h.suites[0] == 0x002F && h.random[31] == 16 &&
		   h.random[15] == 0,
	   "SSLv2-compatible hello: kinds, TLS suites, right-aligned challenge");
	tf_hello_free(&h);
	tf_reasm_free(&r);
}

/* Negotiates one hello against a listener spec; the reply's bytes. */
static int answer(struct tf_keys *k, const char *spec, uint16_t version, struct tf_reply *rep,
		  struct tf_session *sess)
{
	struct tf_cfg c;
	struct tf_wr msg;
	struct tf_hello h;
	char err[200];
	int rc = -1;

	tf_wr_init(&msg, 4096);
	build_hello(&msg, version);
	tf_reply_init(rep);
	if (tf_cfg_parse(spec, &c, err, sizeof err) == 0 &&
	    tf_hello_parse(msg.data, msg.len, 0, 0x0301, &h) == 0)
		rc = tf_answer(&c, k, &h, 0, sess, rep);
	tf_hello_free(&h);
	tf_wr_free(&msg);
	return rc;
}

/* Cipher suite of a TLS ServerHello at the start of the reply. */
static unsigned sh_suite(const struct tf_reply *r)
{
	const uint8_t *p = r->out.data;
	size_t sid;

	if (r->out.len < 5 + 4 + 2 + 32 + 1 || p[0] != 22 || p[5] != 2)
		return 0;
	sid = p[5 + 4 + 2 + 32];
	if (r->out.len < 5 + 4 + 2 + 32 + 1 + sid + 2)
		return 0;
	return (unsigned)(p[5 + 4 + 2 + 32 + 1 + sid] << 8 | p[5 + 4 + 2 + 32 + 1 + sid + 1]);
}

static void test_negotiation(struct tf_keys *k)
{
	struct tf_reply r;
	struct tf_session s;

	memset(&s, 0, sizeof s);
	ok(answer(k, "a=accept,versions=tls1.2,suites=0x002F:0xC02F", 0x0303, &r, &s) == 0 &&
		   sh_suite(&r) == 0x002F,
	   "order=server: the listener's first offered suite");
	tf_reply_free(&r);
	ok(answer(k, "a=accept,versions=tls1.2,suites=0x002F:0xC02F,order=client", 0x0303, &r,
		  &s) == 0 &&
		   sh_suite(&r) == 0xC02F,
	   "order=client: the client's first accepted suite");
	tf_reply_free(&r);
	ok(answer(k, "a=accept,versions=tls1.2,suites=0x0004", 0x0303, &r, &s) == 0 &&
		   r.out.len == 7 && r.out.data[6] == TF_AL_HANDSHAKE_FAILURE,
	   "no common suite: one handshake_failure alert");
	tf_reply_free(&r);
	ok(answer(k, "a=accept,suites=0x1302:0x1301,groups=23:29", 0x0303, &r, &s) == 0 &&
		   sh_suite(&r) == 0x1301 && r.after == TF_AFTER_WAIT &&
		   memmem(r.out.data, r.out.len, "\x00\x33\x00\x24\x00\x1d\x00\x20", 8),
	   "TLS 1.3: x25519 share accepted although secp256r1 is preferred");
	tf_reply_free(&r);
	memset(&s, 0, sizeof s);
	ok(answer(k, "a=accept,groups=23:29,hrr", 0x0303, &r, &s) == 0 &&
		   r.after == TF_AFTER_HELLO2 && s.hrr_sent && s.hrr_group == 23 &&
		   memcmp(r.out.data + 11, tf_hrr_random, 32) == 0,
	   "hrr: HelloRetryRequest for secp256r1");
	tf_reply_free(&r);
	ok(answer(k, "a=accept,groups=23:29,hrr", 0x0303, &r, &s) == 0 && r.out.len == 7 &&
		   r.out.data[6] == TF_AL_ILLEGAL_PARAMETER,
	   "a second hello still without the share: illegal_parameter");
	tf_reply_free(&r);
	memset(&s, 0, sizeof s);
	ok(answer(k, "a=accept,versions=ssl3,suites=0x002F", 0x0303, &r, &s) == 0 &&
		   r.out.data[1] == 3 && r.out.data[2] == 0 && sh_suite(&r) == 0x002F,
	   "SSLv3-only server answers a TLS 1.2 client in SSLv3");
	tf_reply_free(&r);
	ok(answer(k, "a=accept,versions=tls1.2,suites=0xC02F,unoffered", 0x0303, &r, &s) == 0 &&
		   sh_suite(&r) == 0xC030,
	   "unoffered: a suite the client did not offer");
	tf_reply_free(&r);
	ok(answer(k, "a=accept,versions=tls1.2,suites=0xC02F,onebyte", 0x0303, &r, &s) == 0 &&
		   r.out.data[3] == 0 && r.out.data[4] == 1 && r.out.data[5] == 2 &&
		   r.out.data[9] == 0 && r.out.data[10] == 1,
	   "onebyte: 1-byte handshake records");
	tf_reply_free(&r);
}

int main(void)
{
	struct tf_keys *k = tf_keys_new();

	if (!k) {
		puts("1..0 # SKIP out of memory");
		return 0;
	}
	test_reassembly();
	test_parse();
	test_records();
	test_sslv2();
	test_negotiation(k);
	tf_keys_free(k);
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
