/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the ClientHello encoder (scanner/tls/hello.h): any parameters
 * built from the input, sane or not, must either be refused with a status
 * and leave the output untouched, or give a hello that parses back, field
 * for field, with the record layout of RFC 5246 6.2.1 and the ClientHello
 * of RFC 5246 7.4.1.2 / RFC 8446 4.1.2, and whose handshake message is
 * never 256..511 bytes long (the F5 hang, RFC 7685) unless the caller
 * opted out with CP_HELLO_NO_PADDING or asked for SSLv3, which has no
 * extensions to pad with.
 *
 * Input layout (reads past the end give zeros): see params_from().
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "tls/buf.h"
#include "tls/hello.h"

#define CT_HANDSHAKE 22
#define HS_CLIENT_HELLO 1
#define RECORD_MAX 16384

/* Extension types in the order hello.h fixes. */
static const uint16_t ext_order[] = {
	0,      /* server_name */
	5,      /* status_request */
	10,     /* supported_groups */
	11,     /* ec_point_formats */
	13,     /* signature_algorithms */
	16,     /* ALPN */
	18,     /* SCT */
	22,     /* encrypt_then_mac */
	23,     /* extended_master_secret */
	35,     /* session_ticket */
	43,     /* supported_versions */
	45,     /* psk_key_exchange_modes */
	51,     /* key_share */
	0xFF01, /* renegotiation_info */
	21,     /* padding */
};
#define NEXT_ORDER (sizeof ext_order / sizeof ext_order[0])

/* Everything params point into, so it lives as long as the params. */
struct store {
	uint16_t suites[CP_HELLO_MAX_SUITES + 8];
	uint16_t groups[CP_HELLO_MAX_GROUPS + 2];
	uint16_t sigalgs[CP_HELLO_MAX_SIGALGS + 2];
	uint16_t versions[CP_HELLO_MAX_VERSIONS + 2];
	uint16_t shares[CP_HELLO_MAX_SHARES + 1];
	uint32_t kinds[CP_HELLO_MAX_SSLV2_KINDS + 2];
	char alpn_buf[CP_HELLO_MAX_ALPN + 1][300];
	const char *alpn[CP_HELLO_MAX_ALPN + 1];
	char sni[300];
	uint8_t random[32];
	uint8_t session_id[32];
};

/* A count in 0..max+1: one past the cap now and then, to hit TOOMANY. */
static size_t count(struct fuzz_in *in, size_t max)
{
	return fuzz_u8(in) % (max + 2);
}

static void u16_list(struct fuzz_in *in, uint16_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = fuzz_u16(in);
}

/*
 * byte      format: low 3 bits 7 = SSLv2, else TLS
 * byte      legacy_version: 0x0300 + (b & 7), or b >= 0xF0: the next u16
 * byte      record_version: 0 (default) or 0x0300 + (b & 7)
 * u16       flags
 * u16       pad_to (b >> 15: times 2, to pass CP_HELLO_MAX_BYTES)
 * u16       max_fragment % (2^14 + 2)
 * byte      SSLv2 challenge length % 40
 * byte      bit 0: given random, bit 1: given session id, bit 2: no SNI
 * then      sni (len byte, bytes), suites (u16 count, u16s), groups,
 *           sigalgs, versions (count byte, u16s), shares (count byte,
 *           indexes into groups or raw u16s), ALPN (count, len+bytes each),
 *           SSLv2 kinds (count, 3-byte each, top byte 0xFF: over 24 bits),
 *           random and session id (32 bytes each, if given).
 */
static void params_from(struct fuzz_in *in, struct store *s, struct cp_hello_params *p)
{
	uint8_t b, opts;
	size_t n;

	memset(p, 0, sizeof *p);
	p->format = (fuzz_u8(in) & 7) == 7 ? CP_HELLO_SSLV2 : CP_HELLO_TLS;
	b = fuzz_u8(in);
	p->legacy_version = b >= 0xF0 ? fuzz_u16(in) : (uint16_t)(0x0300 + (b & 7));
	if (p->format == CP_HELLO_SSLV2 && b == 0xEF)
		p->legacy_version = 0x0002;
	b = fuzz_u8(in);
	p->record_version = b & 0x80 ? (uint16_t)(0x0300 + (b & 7)) : 0;
	p->flags = fuzz_u16(in);
	n = fuzz_u16(in);
	p->pad_to = n & 0x8000 ? n * 2 : n;
	p->max_fragment = fuzz_u16(in) % (RECORD_MAX + 2);
	p->sslv2_challenge_len = (uint8_t)(fuzz_u8(in) % 40);
	opts = fuzz_u8(in);

	n = fuzz_u8(in);
	if (n > sizeof s->sni - 1)
		n = sizeof s->sni - 1;
	for (size_t i = 0; i < n; i++)
		s->sni[i] = (char)fuzz_u8(in);
	s->sni[n] = '\0';
	p->sni = opts & 4 ? NULL : s->sni;

	p->nsuites = fuzz_u16(in) % (CP_HELLO_MAX_SUITES + 2);
	u16_list(in, s->suites, p->nsuites);
	p->suites = s->suites;
	p->ngroups = count(in, CP_HELLO_MAX_GROUPS);
	u16_list(in, s->groups, p->ngroups);
	p->groups = s->groups;
	p->nsigalgs = count(in, CP_HELLO_MAX_SIGALGS);
	u16_list(in, s->sigalgs, p->nsigalgs);
	p->sigalgs = s->sigalgs;
	p->nversions = count(in, CP_HELLO_MAX_VERSIONS);
	u16_list(in, s->versions, p->nversions);
	p->versions = s->versions;

	p->nshares = count(in, CP_HELLO_MAX_SHARES);
	for (size_t i = 0; i < p->nshares; i++) {
		b = fuzz_u8(in);
		/* mostly a group that is offered, so the share can be made */
		s->shares[i] = b < 0xF0 && p->ngroups ? s->groups[b % p->ngroups] : fuzz_u16(in);
	}
	p->share_groups = s->shares;

	p->nalpn = count(in, CP_HELLO_MAX_ALPN);
	for (size_t i = 0; i < p->nalpn; i++) {
		n = fuzz_u8(in);
		if (n == 0xFF)
			n = 256 + fuzz_u8(in) % 40; /* over the 255 of RFC 7301 */
		for (size_t k = 0; k < n; k++)
			s->alpn_buf[i][k] = (char)(fuzz_u8(in) | 1);
		s->alpn_buf[i][n] = '\0';
		s->alpn[i] = s->alpn_buf[i];
	}
	p->alpn = s->alpn;

	p->nsslv2_kinds = count(in, CP_HELLO_MAX_SSLV2_KINDS);
	for (size_t i = 0; i < p->nsslv2_kinds; i++) {
		uint32_t top = fuzz_u8(in);
		s->kinds[i] = top == 0xFF ? 0x1000000u | fuzz_u16(in) : top << 16 | fuzz_u16(in);
	}
	p->sslv2_kinds = s->kinds;

	if (opts & 1) {
		for (size_t i = 0; i < sizeof s->random; i++)
			s->random[i] = fuzz_u8(in);
		p->random = s->random;
	}
	if (opts & 2) {
		for (size_t i = 0; i < sizeof s->session_id; i++)
			s->session_id[i] = fuzz_u8(in);
		p->session_id = s->session_id;
	}
}

static bool has(const uint16_t *v, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* The suite list the encoder promises: as given, then the SCSVs once. */
static size_t expected_suites(const struct cp_hello_params *p, uint16_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nsuites; i++)
		out[n++] = p->suites[i];
	if ((p->flags & CP_HELLO_RENEG_SCSV) && !has(p->suites, p->nsuites, 0x00FF))
		out[n++] = 0x00FF;
	if ((p->flags & CP_HELLO_FALLBACK_SCSV) && !has(p->suites, p->nsuites, 0x5600))
		out[n++] = 0x5600;
	return n;
}

/* A u16 list in a vector of the given width, equal to v[0..n). */
static void check_u16_vec(struct cp_rbuf *b, unsigned width, const uint16_t *v, size_t n)
{
	struct cp_rbuf l;

	FUZZ_CHECK(cp_rbuf_vec(b, width, &l) == 0);
	FUZZ_CHECK(cp_rbuf_left(&l) == 2 * n);
	for (size_t i = 0; i < n; i++) {
		uint16_t x;
		FUZZ_CHECK(cp_rbuf_u16(&l, &x) == 0 && x == v[i]);
	}
}

/* The SNI the encoder must send: the name without a trailing dot, or none
 * for NULL and IP literals.  Returns its length (0: no extension). */
static size_t expected_sni(const struct cp_hello_params *p, char *buf)
{
	size_t n;

	if (!p->sni)
		return 0;
	n = strlen(p->sni);
	if (n > 0 && p->sni[n - 1] == '.')
		n--;
	memcpy(buf, p->sni, n);
	buf[n] = '\0';
	if (cp_is_ip_literal(buf))
		return 0;
	return n;
}

static void check_extension(const struct cp_hello_params *p, uint16_t type, struct cp_rbuf *d)
{
	struct cp_rbuf l, v;
	uint8_t u8;
	uint16_t u16;
	char host[300];
	size_t hl;

	switch (type) {
	case 0: /* ServerNameList: host_name(0), HostName<1..2^16-1> */
		hl = expected_sni(p, host);
		FUZZ_CHECK(hl > 0);
		FUZZ_CHECK(cp_rbuf_vec(d, 2, &l) == 0 && cp_rbuf_left(d) == 0);
		FUZZ_CHECK(cp_rbuf_u8(&l, &u8) == 0 && u8 == 0);
		FUZZ_CHECK(cp_rbuf_vec(&l, 2, &v) == 0 && cp_rbuf_left(&l) == 0);
		FUZZ_CHECK(cp_rbuf_left(&v) == hl);
		FUZZ_CHECK(memcmp(cp_rbuf_ptr(&v), host, hl) == 0);
		return;
	case 10:
		FUZZ_CHECK(p->ngroups > 0);
		check_u16_vec(d, 2, p->groups, p->ngroups);
		break;
	case 13:
		FUZZ_CHECK(p->nsigalgs > 0);
		check_u16_vec(d, 2, p->sigalgs, p->nsigalgs);
		break;
	case 43:
		FUZZ_CHECK(p->nversions > 0);
		check_u16_vec(d, 1, p->versions, p->nversions);
		break;
	case 16: /* ProtocolNameList */
		FUZZ_CHECK(p->nalpn > 0);
		FUZZ_CHECK(cp_rbuf_vec(d, 2, &l) == 0);
		for (size_t i = 0; i < p->nalpn; i++) {
			size_t n = strlen(p->alpn[i]);
			FUZZ_CHECK(cp_rbuf_vec(&l, 1, &v) == 0 && cp_rbuf_left(&v) == n);
			FUZZ_CHECK(memcmp(cp_rbuf_ptr(&v), p->alpn[i], n) == 0);
		}
		FUZZ_CHECK(cp_rbuf_left(&l) == 0);
		break;
	case 51: /* KeyShareEntry client_shares<0..2^16-1> */
		FUZZ_CHECK(p->nshares > 0 || (p->flags & CP_HELLO_KEY_SHARE_EMPTY));
		FUZZ_CHECK(cp_rbuf_vec(d, 2, &l) == 0);
		for (size_t i = 0; i < p->nshares; i++) {
			FUZZ_CHECK(cp_rbuf_u16(&l, &u16) == 0 && u16 == p->share_groups[i]);
			FUZZ_CHECK(cp_rbuf_vec(&l, 2, &v) == 0 && cp_rbuf_left(&v) > 0);
		}
		FUZZ_CHECK(cp_rbuf_left(&l) == 0);
		break;
	case 21: /* padding: zeros */
		for (size_t i = 0; i < cp_rbuf_left(d); i++)
			FUZZ_CHECK(cp_rbuf_ptr(d)[i] == 0);
		return;
	case 5:
		FUZZ_CHECK(p->flags & CP_HELLO_STATUS_REQUEST);
		FUZZ_CHECK(cp_rbuf_left(d) == 5 && cp_rbuf_ptr(d)[0] == 1);
		return;
	case 11:
		FUZZ_CHECK(p->flags & CP_HELLO_EC_POINT_FORMATS);
		FUZZ_CHECK(cp_rbuf_left(d) == 2);
		return;
	case 45:
		FUZZ_CHECK(p->flags & CP_HELLO_PSK_MODES);
		FUZZ_CHECK(cp_rbuf_left(d) == 2);
		return;
	case 0xFF01:
		FUZZ_CHECK(p->flags & CP_HELLO_RENEG_INFO);
		FUZZ_CHECK(cp_rbuf_left(d) == 1 && cp_rbuf_ptr(d)[0] == 0);
		return;
	case 18: FUZZ_CHECK(p->flags & CP_HELLO_SCT); break;
	case 22: FUZZ_CHECK(p->flags & CP_HELLO_ENCRYPT_THEN_MAC); break;
	case 23: FUZZ_CHECK(p->flags & CP_HELLO_EMS); break;
	case 35: FUZZ_CHECK(p->flags & CP_HELLO_SESSION_TICKET); break;
	default: FUZZ_CHECK(!"extension type the encoder never writes");
	}
	FUZZ_CHECK(cp_rbuf_left(d) == 0);
}

/* Whether an extension the parameters ask for must be in the hello. */
static bool ext_wanted(const struct cp_hello_params *p, uint16_t type)
{
	char host[300];

	switch (type) {
	case 0: return expected_sni(p, host) > 0;
	case 5: return p->flags & CP_HELLO_STATUS_REQUEST;
	case 10: return p->ngroups > 0;
	case 11: return p->flags & CP_HELLO_EC_POINT_FORMATS;
	case 13: return p->nsigalgs > 0;
	case 16: return p->nalpn > 0;
	case 18: return p->flags & CP_HELLO_SCT;
	case 22: return p->flags & CP_HELLO_ENCRYPT_THEN_MAC;
	case 23: return p->flags & CP_HELLO_EMS;
	case 35: return p->flags & CP_HELLO_SESSION_TICKET;
	case 43: return p->nversions > 0;
	case 45: return p->flags & CP_HELLO_PSK_MODES;
	case 51: return p->nshares > 0 || (p->flags & CP_HELLO_KEY_SHARE_EMPTY);
	case 0xFF01: return p->flags & CP_HELLO_RENEG_INFO;
	default: return false;
	}
}

/* The ClientHello body after its 4-byte header. */
static void check_client_hello(const struct cp_hello_params *p, const uint8_t *m, size_t n)
{
	uint16_t suites[CP_HELLO_MAX_SUITES + 2];
	size_t ns = expected_suites(p, suites);
	bool ssl3 = p->legacy_version == 0x0300;
	bool sid = (p->flags & CP_HELLO_SESSION_ID) ||
		   (!ssl3 && has(p->versions, p->nversions, 0x0304));
	struct cp_rbuf b, v, exts;
	uint8_t random[32], u8;
	uint16_t u16;
	size_t next = 0;
	bool seen[NEXT_ORDER];

	memset(seen, 0, sizeof seen);
	cp_rbuf_init(&b, m, n);
	FUZZ_CHECK(cp_rbuf_u16(&b, &u16) == 0 && u16 == p->legacy_version);
	FUZZ_CHECK(cp_rbuf_bytes(&b, random, sizeof random) == 0);
	if (p->random)
		FUZZ_CHECK(memcmp(random, p->random, sizeof random) == 0);
	FUZZ_CHECK(cp_rbuf_vec(&b, 1, &v) == 0);
	FUZZ_CHECK(cp_rbuf_left(&v) == (sid ? 32u : 0u));
	if (sid && p->session_id)
		FUZZ_CHECK(memcmp(cp_rbuf_ptr(&v), p->session_id, 32) == 0);
	check_u16_vec(&b, 2, suites, ns);
	FUZZ_CHECK(ns >= 1);
	FUZZ_CHECK(cp_rbuf_u8(&b, &u8) == 0 && u8 == 1);
	FUZZ_CHECK(cp_rbuf_u8(&b, &u8) == 0 && u8 == 0);
	if (cp_rbuf_left(&b) == 0) {
		for (size_t i = 0; !ssl3 && i < NEXT_ORDER; i++)
			FUZZ_CHECK(!ext_wanted(p, ext_order[i]));
		return;
	}
	FUZZ_CHECK(!ssl3);
	FUZZ_CHECK(cp_rbuf_vec(&b, 2, &exts) == 0 && cp_rbuf_left(&b) == 0);
	FUZZ_CHECK(cp_rbuf_left(&exts) > 0);
	while (cp_rbuf_left(&exts) > 0) {
		struct cp_rbuf d;
		size_t k;

		FUZZ_CHECK(cp_rbuf_u16(&exts, &u16) == 0 && cp_rbuf_vec(&exts, 2, &d) == 0);
		for (k = 0; k < NEXT_ORDER && ext_order[k] != u16; k++)
			;
		FUZZ_CHECK(k < NEXT_ORDER);
		FUZZ_CHECK(k >= next && !seen[k]); /* the fixed order, once each */
		seen[k] = true;
		next = k + 1;
		check_extension(p, u16, &d);
	}
	for (size_t i = 0; i < NEXT_ORDER; i++)
		FUZZ_CHECK(seen[i] == ext_wanted(p, ext_order[i]) || ext_order[i] == 21);
}

/* Records of a TLS-format hello: type 22, the record version, fragments
 * of 1..max_fragment bytes; reassembled into hs (cap bytes). */
static size_t check_records(const struct cp_hello_params *p, const uint8_t *o, size_t n,
			    uint8_t *hs, size_t cap)
{
	uint16_t rv = p->record_version             ? p->record_version
		      : p->legacy_version == 0x0300 ? 0x0300
						    : 0x0301;
	size_t frag = p->max_fragment ? p->max_fragment : RECORD_MAX;
	struct cp_rbuf b, body;
	size_t len = 0;
	uint8_t type;
	uint16_t ver;

	cp_rbuf_init(&b, o, n);
	FUZZ_CHECK(n > 0);
	while (cp_rbuf_left(&b) > 0) {
		FUZZ_CHECK(cp_rbuf_u8(&b, &type) == 0 && type == CT_HANDSHAKE);
		FUZZ_CHECK(cp_rbuf_u16(&b, &ver) == 0 && ver == rv);
		FUZZ_CHECK(cp_rbuf_vec(&b, 2, &body) == 0);
		FUZZ_CHECK(cp_rbuf_left(&body) >= 1 && cp_rbuf_left(&body) <= frag);
		FUZZ_CHECK(len + cp_rbuf_left(&body) <= cap);
		memcpy(hs + len, cp_rbuf_ptr(&body), cp_rbuf_left(&body));
		len += cp_rbuf_left(&body);
		/* only the last record may be short */
		if (cp_rbuf_left(&b) > 0)
			FUZZ_CHECK(cp_rbuf_left(&body) == frag);
	}
	return len;
}

static void check_tls(const struct cp_hello_params *p, const uint8_t *o, size_t n)
{
	static uint8_t hs[CP_HELLO_MAX_BYTES];
	size_t len = check_records(p, o, n, hs, sizeof hs);
	size_t body;

	FUZZ_CHECK(len >= 4 && hs[0] == HS_CLIENT_HELLO);
	body = (size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3];
	FUZZ_CHECK(body == len - 4);
	if (p->legacy_version != 0x0300) {
		FUZZ_CHECK(len >= p->pad_to);
		if (!(p->flags & CP_HELLO_NO_PADDING))
			FUZZ_CHECK(len < 256 || len >= 512);
	}
	check_client_hello(p, hs + 4, body);
}

/* SSLv2 CLIENT-HELLO, RFC 5246 E.2. */
static void check_sslv2(const struct cp_hello_params *p, const uint8_t *o, size_t n)
{
	uint16_t suites[CP_HELLO_MAX_SUITES + 2];
	size_t ns = expected_suites(p, suites);
	size_t clen = p->sslv2_challenge_len ? p->sslv2_challenge_len : 16;
	struct cp_rbuf b;
	uint16_t u16, specs, sidlen, chlen;
	uint8_t u8;

	cp_rbuf_init(&b, o, n);
	FUZZ_CHECK(cp_rbuf_u16(&b, &u16) == 0 && (u16 & 0x8000));
	FUZZ_CHECK((size_t)(u16 & 0x7FFF) == n - 2);
	FUZZ_CHECK(cp_rbuf_u8(&b, &u8) == 0 && u8 == 1);
	FUZZ_CHECK(cp_rbuf_u16(&b, &u16) == 0 && u16 == p->legacy_version);
	FUZZ_CHECK(cp_rbuf_u16(&b, &specs) == 0 && specs == 3 * (p->nsslv2_kinds + ns));
	FUZZ_CHECK(cp_rbuf_u16(&b, &sidlen) == 0 && sidlen == 0);
	FUZZ_CHECK(cp_rbuf_u16(&b, &chlen) == 0 && chlen == clen);
	for (size_t i = 0; i < p->nsslv2_kinds; i++) {
		uint32_t k;
		FUZZ_CHECK(cp_rbuf_u24(&b, &k) == 0 && k == p->sslv2_kinds[i]);
	}
	for (size_t i = 0; i < ns; i++) {
		uint32_t k;
		FUZZ_CHECK(cp_rbuf_u24(&b, &k) == 0 && k == suites[i]);
	}
	FUZZ_CHECK(cp_rbuf_left(&b) == clen);
	if (p->random)
		FUZZ_CHECK(memcmp(cp_rbuf_ptr(&b), p->random, clen) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* one cache for the process: a key per group is made once, as in a scan */
	static struct cp_keyshare_cache *kc;
	static struct store s;
	struct fuzz_in in = { data, size };
	struct cp_hello_params p;
	struct cp_wbuf out;
	size_t pre, max;
	int rc;

	if (!kc && !(kc = cp_keyshare_cache_new()))
		return 0;
	memset(&s, 0, sizeof s);
	/* the caller's buffer: some bytes already in it, and its own cap */
	pre = fuzz_u8(&in) % 8;
	max = fuzz_u8(&in) == 0xFF ? pre + fuzz_u16(&in) : CP_HELLO_MAX_BYTES + pre;
	params_from(&in, &s, &p);

	cp_wbuf_init(&out, max);
	cp_wbuf_zeros(&out, pre);
	FUZZ_CHECK(!cp_wbuf_failed(&out));
	rc = cp_hello_encode(&p, kc, &out);
	FUZZ_CHECK(rc <= CP_OK && rc >= CP_ERANDOM);
	FUZZ_CHECK(cp_hello_strerror(rc) != NULL);
	FUZZ_CHECK(!cp_wbuf_failed(&out));
	if (rc != CP_OK) {
		FUZZ_CHECK(out.len == pre); /* all or nothing */
	} else {
		FUZZ_CHECK(out.len > pre && out.len <= max);
		for (size_t i = 0; i < pre; i++)
			FUZZ_CHECK(out.data[i] == 0);
		if (p.format == CP_HELLO_SSLV2)
			check_sslv2(&p, out.data + pre, out.len - pre);
		else
			check_tls(&p, out.data + pre, out.len - pre);
	}
	/* no key shares: the cache is optional */
	if (p.nshares == 0) {
		int rc2;

		cp_wbuf_reset(&out);
		rc2 = cp_hello_encode(&p, NULL, &out);
		if (rc == CP_OK)
			FUZZ_CHECK(rc2 == CP_OK);
	}
	cp_wbuf_free(&out);
	return 0;
}
