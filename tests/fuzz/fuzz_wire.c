/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the handshake decoder (scanner/tls/wire.h) with what a hostile
 * server could send, the way a socket delivers it: in chunks.
 *
 * Input layout:
 *   byte 0       bits 0-1: max_msg (default, 64, 1024, 16384);
 *                bit 2: reuse one decoder through cp_wire_reset
 *   byte 1       k = byte % 17, the number of chunk sizes that follow
 *   k bytes      chunk sizes, used in turn (0: an empty feed, then one
 *                byte); none: one byte at a time
 *   the rest     the server's bytes
 *
 * For each of the eight `want` masks the stream is decoded twice, fed in
 * chunks and fed whole, and the two answers must agree to the byte.  After
 * every feed the result must be consistent (see check_result), and once
 * the decoder has answered, further bytes must change nothing.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "tls/wire.h"

#define WANT_MASKS (CP_WANT_CERTIFICATE | CP_WANT_SKE | CP_WANT_DONE)

static const size_t max_msgs[4] = { 0, 64, 1024, 16384 };

/* What must hold after any feed: fed is the total handed over so far. */
static void check_result(const struct cp_wire_result *r, int st, size_t fed, unsigned want)
{
	const unsigned answered =
		CP_SEEN_SERVER_HELLO | CP_SEEN_HRR | CP_SEEN_ALERT | CP_SEEN_SSLV2;
	const unsigned after_sh = CP_SEEN_SKE | CP_SEEN_SHD | CP_SEEN_CCS | CP_SEEN_CERT_REQUEST;

	FUZZ_CHECK(r != NULL);
	FUZZ_CHECK(st >= CP_WIRE_E_SSLV2 && st <= CP_WIRE_DONE);
	FUZZ_CHECK(r->bytes <= fed);
	if (st == CP_WIRE_MORE)
		FUZZ_CHECK(r->bytes == fed);
	if (st == CP_WIRE_DONE)
		FUZZ_CHECK(r->seen & answered);

	FUZZ_CHECK(r->ncerts <= CP_WIRE_MAX_CERTS);
	FUZZ_CHECK(r->ncerts <= r->certs_total);
	if (r->ncerts > 0)
		FUZZ_CHECK(want & CP_WANT_CERTIFICATE);
	for (size_t i = 0; i < r->ncerts; i++) {
		FUZZ_CHECK(r->certs[i].der != NULL);
		FUZZ_CHECK(r->certs[i].len > 0 && r->certs[i].len <= fed);
	}
	for (size_t i = r->ncerts; i < CP_WIRE_MAX_CERTS; i++)
		FUZZ_CHECK(r->certs[i].der == NULL);
	FUZZ_CHECK(r->nsslv2_kinds <= CP_WIRE_MAX_SSLV2_KINDS);
	for (size_t i = 0; i < r->nsslv2_kinds; i++)
		FUZZ_CHECK(r->sslv2_kinds[i] <= 0xFFFFFF);

	FUZZ_CHECK(r->sh.session_id_len <= sizeof r->sh.session_id);
	FUZZ_CHECK(memchr(r->sh.alpn, '\0', sizeof r->sh.alpn) != NULL);
	if (r->seen & CP_SEEN_SERVER_HELLO) {
		FUZZ_CHECK(!r->sh.is_hrr);
		FUZZ_CHECK((r->sh.legacy_version >> 8) == 3);
		FUZZ_CHECK(!(r->seen & (CP_SEEN_HRR | CP_SEEN_SSLV2)));
	}
	if (r->seen & CP_SEEN_HRR) {
		FUZZ_CHECK(r->sh.is_hrr);
		FUZZ_CHECK(r->sh.key_share_len == 0);
	}
	if (r->seen & after_sh)
		FUZZ_CHECK(r->seen & CP_SEEN_SERVER_HELLO);
	if (r->seen & CP_SEEN_CERTIFICATE)
		FUZZ_CHECK(r->seen & (CP_SEEN_SERVER_HELLO | CP_SEEN_SSLV2));
	if (r->seen & CP_SEEN_SSLV2)
		FUZZ_CHECK(r->record_version == 0x0002);
	if (r->ske.dhe)
		FUZZ_CHECK(r->ske.dh_p_bits > 0);
	if (r->ske.ecdhe || r->ske.dhe)
		FUZZ_CHECK(want & CP_WANT_SKE);
}

/* Once answered, more bytes (and empty feeds) change nothing. */
static void check_sticky(struct cp_wire *w, int st, const uint8_t *p, size_t n)
{
	const struct cp_wire_result *r = cp_wire_result(w);
	size_t bytes = r->bytes;
	unsigned seen = r->seen;

	if (st == CP_WIRE_MORE)
		return;
	FUZZ_CHECK(cp_wire_feed(w, p, n) == st);
	FUZZ_CHECK(cp_wire_feed(w, p, 0) == st);
	FUZZ_CHECK(r->bytes == bytes);
	FUZZ_CHECK(r->seen == seen);
}

/* Feeds p[0..n) by the chunk schedule, checking after every feed. */
static int feed_chunked(struct cp_wire *w, unsigned want, const uint8_t *sched, size_t nsched,
			const uint8_t *p, size_t n)
{
	size_t off = 0, k = 0;
	unsigned seen = 0;
	int st = CP_WIRE_MORE;

	/* no data is no bytes, whatever the length says */
	st = cp_wire_feed(w, NULL, 7);
	FUZZ_CHECK(st == CP_WIRE_MORE);
	check_result(cp_wire_result(w), st, 0, want);
	while (off < n) {
		size_t c = nsched ? sched[k++ % nsched] : 1;
		int prev = st;

		if (c == 0) {
			st = cp_wire_feed(w, p + off, 0);
			FUZZ_CHECK(st == prev);
			c = 1;
		}
		if (c > n - off)
			c = n - off;
		st = cp_wire_feed(w, p + off, c);
		off += c;
		/* cheap checks per feed, the whole result when it changes */
		FUZZ_CHECK(st >= CP_WIRE_E_SSLV2 && st <= CP_WIRE_DONE);
		if (st == CP_WIRE_MORE)
			FUZZ_CHECK(cp_wire_result(w)->bytes == off);
		if (prev != CP_WIRE_MORE)
			FUZZ_CHECK(st == prev);
		if (seen != cp_wire_result(w)->seen || st != prev) {
			check_result(cp_wire_result(w), st, off, want);
			seen = cp_wire_result(w)->seen;
		}
	}
	check_result(cp_wire_result(w), st, off, want);
	check_sticky(w, st, p, n);
	return st;
}

/* Two decodings of the same bytes must give the same answer. */
static void check_same(const struct cp_wire_result *a, const struct cp_wire_result *b)
{
	FUZZ_CHECK(a->seen == b->seen);
	FUZZ_CHECK(a->bytes == b->bytes);
	FUZZ_CHECK(a->record_version == b->record_version);
	FUZZ_CHECK(memcmp(&a->sh, &b->sh, sizeof a->sh) == 0);
	FUZZ_CHECK(a->alert_level == b->alert_level && a->alert_desc == b->alert_desc);
	FUZZ_CHECK(a->ncerts == b->ncerts && a->certs_total == b->certs_total);
	for (size_t i = 0; i < a->ncerts; i++) {
		FUZZ_CHECK(a->certs[i].len == b->certs[i].len);
		FUZZ_CHECK(memcmp(a->certs[i].der, b->certs[i].der, a->certs[i].len) == 0);
	}
	FUZZ_CHECK(memcmp(&a->ske, &b->ske, sizeof a->ske) == 0);
	FUZZ_CHECK(a->sslv2_version == b->sslv2_version);
	FUZZ_CHECK(a->nsslv2_kinds == b->nsslv2_kinds);
	FUZZ_CHECK(memcmp(a->sslv2_kinds, b->sslv2_kinds,
			  a->nsslv2_kinds * sizeof a->sslv2_kinds[0]) == 0);
	FUZZ_CHECK(a->sslv2_error == b->sslv2_error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t opts = fuzz_u8(&in);
	size_t nsched = fuzz_u8(&in) % 17;
	const uint8_t *sched = in.p;
	size_t max_msg = max_msgs[opts & 3];
	bool reuse = (opts & 4) != 0;

	if (nsched > in.n)
		nsched = in.n;
	in.p += nsched;
	in.n -= nsched;

	for (unsigned want = 0; want <= WANT_MASKS; want++) {
		struct cp_wire *a = cp_wire_new(want, max_msg);
		struct cp_wire *b = NULL;
		int sa, sb;

		if (!a)
			return 0;
		sa = feed_chunked(a, want, sched, nsched, in.p, in.n);
		b = cp_wire_new(want, max_msg);
		if (!b) {
			cp_wire_free(a);
			return 0;
		}
		sb = cp_wire_feed(b, in.p, in.n);
		check_result(cp_wire_result(b), sb, in.n, want);
		check_sticky(b, sb, in.p, in.n);
		FUZZ_CHECK(sa == sb);
		check_same(cp_wire_result(a), cp_wire_result(b));
		if (reuse) {
			/* a reset decoder is as good as a new one */
			cp_wire_reset(a);
			FUZZ_CHECK(cp_wire_result(a)->bytes == 0 && cp_wire_result(a)->seen == 0);
			FUZZ_CHECK(cp_wire_result(a)->ncerts == 0);
			sa = cp_wire_feed(a, in.p, in.n);
			FUZZ_CHECK(sa == sb);
			check_same(cp_wire_result(a), cp_wire_result(b));
		}
		FUZZ_CHECK(cp_wire_strerror(sa) != NULL);
		FUZZ_CHECK(cp_alert_name(cp_wire_result(a)->alert_desc) != NULL);
		cp_wire_free(a);
		cp_wire_free(b);
	}
	return 0;
}
