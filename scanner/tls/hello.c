/* SPDX-License-Identifier: MIT */
/*
 * ClientHello encoder; see hello.h for the contract.
 *
 * The hello is built in a private buffer, then cut into records and
 * appended to the caller's buffer in one piece, so a failure never leaves
 * half a hello behind.  Layout (RFC 5246 7.4.1.2, RFC 8446 4.1.2):
 *
 *   struct {
 *       ProtocolVersion client_version;          -- legacy_version
 *       Random random;                           -- 32 bytes
 *       SessionID session_id<0..32>;
 *       CipherSuite cipher_suites<2..2^16-2>;
 *       CompressionMethod compression_methods<1..2^8-1>;
 *       Extension extensions<0..2^16-1>;         -- omitted when empty
 *   } ClientHello;
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <openssl/rand.h>

#include "tls/hello.h"

/* Extension types (IANA TLS ExtensionType Values). */
enum {
	EXT_SERVER_NAME = 0,           /* RFC 6066 3 */
	EXT_STATUS_REQUEST = 5,        /* RFC 6066 8 */
	EXT_SUPPORTED_GROUPS = 10,     /* RFC 8422 5.1.1, RFC 7919 */
	EXT_EC_POINT_FORMATS = 11,     /* RFC 8422 5.1.2 */
	EXT_SIGNATURE_ALGORITHMS = 13, /* RFC 5246 7.4.1.4.1, RFC 8446 4.2.3 */
	EXT_ALPN = 16,                 /* RFC 7301 3.1 */
	EXT_SCT = 18,                  /* RFC 6962 3.3.1 */
	EXT_PADDING = 21,              /* RFC 7685 */
	EXT_ENCRYPT_THEN_MAC = 22,     /* RFC 7366 */
	EXT_EMS = 23,                  /* RFC 7627 */
	EXT_SESSION_TICKET = 35,       /* RFC 5077 3.2 */
	EXT_SUPPORTED_VERSIONS = 43,   /* RFC 8446 4.2.1 */
	EXT_PSK_MODES = 45,            /* RFC 8446 4.2.9 */
	EXT_KEY_SHARE = 51,            /* RFC 8446 4.2.8 */
	EXT_RENEG_INFO = 0xFF01,       /* RFC 5746 3.2 */
};

#define CT_HANDSHAKE 22            /* RFC 5246 6.2.1 ContentType */
#define HS_CLIENT_HELLO 1          /* RFC 5246 7.4 HandshakeType */
#define HS_HEADER_LEN 4            /* msg_type + uint24 length */
#define RECORD_MAX 16384           /* RFC 5246 6.2.1: length MUST NOT exceed 2^14 */
#define SUITE_RENEG_SCSV 0x00FF    /* RFC 5746 3.3 */
#define SUITE_FALLBACK_SCSV 0x5600 /* RFC 7507 */
#define TLS13 0x0304
#define SSL3 0x0300
#define SSL2 0x0002
#define SSLV2_MIN_CHALLENGE 16 /* RFC 6101 E.1 / RFC 5246 E.2 */
#define SSLV2_MAX_CHALLENGE 32
#define SSLV2_MAX_BODY 0x7FFF /* 2-byte SSLv2 header: 15 length bits */
#define HOSTNAME_MAX 255
#define LABEL_MAX 63
/* RFC 7685 padding window: handshake messages of 256..511 bytes hang F5. */
#define PAD_LOW 256
#define PAD_TARGET 512

bool cp_is_ip_literal(const char *s)
{
	unsigned char addr[16];

	if (!s)
		return false;
	return inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

static bool host_char_ok(char c)
{
	/* LDH (RFC 1123 2.1) plus '_', which real DNS names carry and servers accept */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/*
 * RFC 6066 3: HostName is the DNS name "without a trailing dot"; literal
 * IPv4 and IPv6 addresses are not permitted.  On success *send says
 * whether to send SNI at all and host holds the name to send.
 */
static int sni_prepare(const char *in, char host[HOSTNAME_MAX + 1], size_t *len, bool *send)
{
	size_t n, label = 0;

	*send = false;
	*len = 0;
	if (!in)
		return CP_OK;
	n = strnlen(in, HOSTNAME_MAX + 2);
	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0 || n > HOSTNAME_MAX)
		return CP_EINVAL;
	memcpy(host, in, n);
	host[n] = '\0';
	if (cp_is_ip_literal(host))
		return CP_OK;
	for (size_t i = 0; i < n; i++) {
		if (host[i] == '.') {
			if (label == 0)
				return CP_EINVAL; /* empty label */
			label = 0;
			continue;
		}
		if (!host_char_ok(host[i]) || ++label > LABEL_MAX)
			return CP_EINVAL;
	}
	if (label == 0)
		return CP_EINVAL; /* "a.b.." ends in an empty label */
	*send = true;
	*len = n;
	return CP_OK;
}

static bool has_u16(const uint16_t *v, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* Caps first (a caller bug), then consistency. */
static int check_params(const struct cp_hello_params *p)
{
	if (p->nsuites > CP_HELLO_MAX_SUITES || p->ngroups > CP_HELLO_MAX_GROUPS ||
	    p->nsigalgs > CP_HELLO_MAX_SIGALGS || p->nshares > CP_HELLO_MAX_SHARES ||
	    p->nalpn > CP_HELLO_MAX_ALPN || p->nversions > CP_HELLO_MAX_VERSIONS ||
	    p->nsslv2_kinds > CP_HELLO_MAX_SSLV2_KINDS)
		return CP_ETOOMANY;
	if (p->pad_to > CP_HELLO_MAX_BYTES)
		return CP_ETOOBIG;
	if ((p->nsuites && !p->suites) || (p->ngroups && !p->groups) ||
	    (p->nsigalgs && !p->sigalgs) || (p->nversions && !p->versions) ||
	    (p->nshares && !p->share_groups) || (p->nalpn && !p->alpn) ||
	    (p->nsslv2_kinds && !p->sslv2_kinds))
		return CP_EINVAL;
	if (p->max_fragment > RECORD_MAX)
		return CP_EINVAL;

	if (p->format == CP_HELLO_SSLV2) {
		if (p->legacy_version != SSL2 &&
		    (p->legacy_version < SSL3 || p->legacy_version > 0x0303))
			return CP_EINVAL;
		if (p->sslv2_challenge_len && (p->sslv2_challenge_len < SSLV2_MIN_CHALLENGE ||
					       p->sslv2_challenge_len > SSLV2_MAX_CHALLENGE))
			return CP_EINVAL;
		for (size_t i = 0; i < p->nsslv2_kinds; i++)
			if (p->sslv2_kinds[i] > 0xFFFFFF)
				return CP_EINVAL;
		if (!p->nsslv2_kinds && !p->nsuites &&
		    !(p->flags & (CP_HELLO_RENEG_SCSV | CP_HELLO_FALLBACK_SCSV)))
			return CP_EINVAL;
		return CP_OK;
	}
	if (p->format != CP_HELLO_TLS)
		return CP_EINVAL;
	/* Any 3.x is allowed: probing version intolerance needs 0x0304 here. */
	if ((p->legacy_version >> 8) != 3)
		return CP_EINVAL;
	if (p->nsslv2_kinds || p->sslv2_challenge_len)
		return CP_EINVAL;
	/* RFC 5246 7.4.1.2: cipher_suites<2..2^16-2>, never empty. */
	if (!p->nsuites && !(p->flags & (CP_HELLO_RENEG_SCSV | CP_HELLO_FALLBACK_SCSV)))
		return CP_EINVAL;
	if (p->legacy_version == SSL3)
		return CP_OK; /* no extensions: the rest is not sent */
	if (p->nshares && (p->flags & CP_HELLO_KEY_SHARE_EMPTY))
		return CP_EINVAL;
	for (size_t i = 0; i < p->nshares; i++) {
		/*
		 * RFC 8446 4.2.8: no two shares for one group, and each share
		 * must be for a group in supported_groups; OpenSSL answers
		 * illegal_parameter otherwise, which would be our bug, not the
		 * server's refusal.
		 */
		if (has_u16(p->share_groups, i, p->share_groups[i]) ||
		    !has_u16(p->groups, p->ngroups, p->share_groups[i]))
			return CP_EINVAL;
	}
	for (size_t i = 0; i < p->nalpn; i++) {
		/* RFC 7301 3.1: ProtocolName<1..2^8-1> */
		size_t n = p->alpn[i] ? strnlen(p->alpn[i], 256) : 0;
		if (n == 0 || n > 255)
			return CP_EINVAL;
	}
	return CP_OK;
}

static int fill_random(uint8_t *dst, size_t n, const uint8_t *given)
{
	if (given) {
		memcpy(dst, given, n);
		return CP_OK;
	}
	return RAND_bytes(dst, (int)n) == 1 ? CP_OK : CP_ERANDOM;
}

/* The buffer's state as the encoder reports it: an overflowing length
 * field means the hello is too large. */
static int wbuf_status(const struct cp_wbuf *b)
{
	if (b->state == CP_OK || b->state == CP_ENOMEM)
		return b->state;
	return CP_ETOOBIG;
}

/* Suites as given, then the SCSVs the flags ask for, each only once. */
static size_t suite_list(const struct cp_hello_params *p, uint16_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nsuites; i++)
		out[n++] = p->suites[i];
	if ((p->flags & CP_HELLO_RENEG_SCSV) && !has_u16(p->suites, p->nsuites, SUITE_RENEG_SCSV))
		out[n++] = SUITE_RENEG_SCSV;
	if ((p->flags & CP_HELLO_FALLBACK_SCSV) &&
	    !has_u16(p->suites, p->nsuites, SUITE_FALLBACK_SCSV))
		out[n++] = SUITE_FALLBACK_SCSV;
	return n;
}

/*
 * SSLv2 CLIENT-HELLO (RFC 6101 appendix E.1 for pure SSLv2, RFC 5246
 * appendix E.2 for the SSLv2-compatible hello):
 *
 *   uint16 msg_length;            -- high bit set: 2-byte header, no padding
 *   uint8 msg_type;               -- 1
 *   Version version;
 *   uint16 cipher_spec_length;    -- multiple of 3
 *   uint16 session_id_length;     -- 0
 *   uint16 challenge_length;      -- 16..32
 *   V2CipherSpec cipher_specs[cipher_spec_length];
 *   opaque challenge[challenge_length];
 *
 * TLS suites travel as 0x00XXYY; the challenge is the first bytes of
 * p->random when one is given.
 */
static int encode_sslv2(const struct cp_hello_params *p, struct cp_wbuf *b)
{
	uint16_t suites[CP_HELLO_MAX_SUITES + 2];
	uint8_t challenge[SSLV2_MAX_CHALLENGE];
	size_t clen = p->sslv2_challenge_len ? p->sslv2_challenge_len : SSLV2_MIN_CHALLENGE;
	size_t ns = suite_list(p, suites);
	size_t nspecs = p->nsslv2_kinds + ns;
	int rc;

	if (1 + 2 + 2 + 2 + 2 + 3 * nspecs + clen > SSLV2_MAX_BODY)
		return CP_ETOOBIG;
	rc = fill_random(challenge, clen, p->random);
	if (rc != CP_OK)
		return rc;

	size_t mark = cp_wbuf_open(b, 2);
	cp_wbuf_u8(b, 1); /* SSL2_MT_CLIENT_HELLO */
	cp_wbuf_u16(b, p->legacy_version);
	cp_wbuf_u16(b, (uint16_t)(3 * nspecs));
	cp_wbuf_u16(b, 0);
	cp_wbuf_u16(b, (uint16_t)clen);
	for (size_t i = 0; i < p->nsslv2_kinds; i++) {
		cp_wbuf_u8(b, (uint8_t)(p->sslv2_kinds[i] >> 16));
		cp_wbuf_u16(b, (uint16_t)p->sslv2_kinds[i]);
	}
	for (size_t i = 0; i < ns; i++) {
		cp_wbuf_u8(b, 0);
		cp_wbuf_u16(b, suites[i]);
	}
	cp_wbuf_bytes(b, challenge, clen);
	cp_wbuf_close(b, mark, 2);
	if (!cp_wbuf_failed(b))
		cp_wbuf_patch_u16(b, mark, (uint16_t)(0x8000 | (b->len - mark - 2)));
	return wbuf_status(b);
}

/* The extensions block is opened by the first extension written. */
struct exts {
	struct cp_wbuf *b;
	bool open;
	size_t mark;
};

static size_t ext_begin(struct exts *e, uint16_t type)
{
	if (!e->open) {
		e->mark = cp_wbuf_open(e->b, 2);
		e->open = true;
	}
	cp_wbuf_u16(e->b, type);
	return cp_wbuf_open(e->b, 2);
}

static void ext_end(struct exts *e, size_t mark)
{
	cp_wbuf_close(e->b, mark, 2);
}

static void ext_empty(struct exts *e, uint16_t type)
{
	ext_end(e, ext_begin(e, type));
}

static void put_u16_list(struct cp_wbuf *b, const uint16_t *v, size_t n, unsigned width)
{
	size_t m = cp_wbuf_open(b, width);
	for (size_t i = 0; i < n; i++)
		cp_wbuf_u16(b, v[i]);
	cp_wbuf_close(b, m, width);
}

/* RFC 8446 4.2.8: KeyShareEntry client_shares<0..2^16-1>. */
static int put_key_share(struct exts *e, const struct cp_hello_params *p,
			 struct cp_keyshare_cache *kc)
{
	size_t m = ext_begin(e, EXT_KEY_SHARE);
	size_t shares = cp_wbuf_open(e->b, 2);

	for (size_t i = 0; i < p->nshares; i++) {
		size_t klen = 0;
		const uint8_t *key = cp_keyshare_get(kc, p->share_groups[i], &klen);

		if (!key || klen == 0)
			return CP_EKEYGEN;
		cp_wbuf_u16(e->b, p->share_groups[i]);
		size_t km = cp_wbuf_open(e->b, 2);
		cp_wbuf_bytes(e->b, key, klen);
		cp_wbuf_close(e->b, km, 2);
	}
	cp_wbuf_close(e->b, shares, 2);
	ext_end(e, m);
	return CP_OK;
}

/*
 * Extensions in a fixed order, each only when asked for; padding is added
 * by the caller afterwards because it depends on the final length.
 */
static int put_extensions(struct exts *e, const struct cp_hello_params *p,
			  struct cp_keyshare_cache *kc, const char *host, size_t hostlen)
{
	struct cp_wbuf *b = e->b;
	size_t m, l;

	if (hostlen) {
		/* RFC 6066 3: ServerNameList { NameType host_name(0); HostName<1..2^16-1> } */
		m = ext_begin(e, EXT_SERVER_NAME);
		l = cp_wbuf_open(b, 2);
		cp_wbuf_u8(b, 0);
		size_t h = cp_wbuf_open(b, 2);
		cp_wbuf_bytes(b, host, hostlen);
		cp_wbuf_close(b, h, 2);
		cp_wbuf_close(b, l, 2);
		ext_end(e, m);
	}
	if (p->flags & CP_HELLO_STATUS_REQUEST) {
		/* RFC 6066 8: ocsp(1), empty responder_id_list and request_extensions */
		m = ext_begin(e, EXT_STATUS_REQUEST);
		cp_wbuf_u8(b, 1);
		cp_wbuf_u16(b, 0);
		cp_wbuf_u16(b, 0);
		ext_end(e, m);
	}
	if (p->ngroups) {
		m = ext_begin(e, EXT_SUPPORTED_GROUPS);
		put_u16_list(b, p->groups, p->ngroups, 2);
		ext_end(e, m);
	}
	if (p->flags & CP_HELLO_EC_POINT_FORMATS) {
		/* RFC 8422 5.1.2: uncompressed (0) is the only format still defined */
		m = ext_begin(e, EXT_EC_POINT_FORMATS);
		cp_wbuf_u8(b, 1);
		cp_wbuf_u8(b, 0);
		ext_end(e, m);
	}
	if (p->nsigalgs) {
		m = ext_begin(e, EXT_SIGNATURE_ALGORITHMS);
		put_u16_list(b, p->sigalgs, p->nsigalgs, 2);
		ext_end(e, m);
	}
	if (p->nalpn) {
		m = ext_begin(e, EXT_ALPN);
		l = cp_wbuf_open(b, 2);
		for (size_t i = 0; i < p->nalpn; i++) {
			size_t n = strlen(p->alpn[i]); /* bounded by check_params */
			cp_wbuf_u8(b, (uint8_t)n);
			cp_wbuf_bytes(b, p->alpn[i], n);
		}
		cp_wbuf_close(b, l, 2);
		ext_end(e, m);
	}
	if (p->flags & CP_HELLO_SCT)
		ext_empty(e, EXT_SCT);
	if (p->flags & CP_HELLO_ENCRYPT_THEN_MAC)
		ext_empty(e, EXT_ENCRYPT_THEN_MAC);
	if (p->flags & CP_HELLO_EMS)
		ext_empty(e, EXT_EMS);
	if (p->flags & CP_HELLO_SESSION_TICKET)
		ext_empty(e, EXT_SESSION_TICKET); /* RFC 5077 3.2: empty asks for a ticket */
	if (p->nversions) {
		/* RFC 8446 4.2.1: ProtocolVersion versions<2..254> */
		m = ext_begin(e, EXT_SUPPORTED_VERSIONS);
		put_u16_list(b, p->versions, p->nversions, 1);
		ext_end(e, m);
	}
	if (p->flags & CP_HELLO_PSK_MODES) {
		/* RFC 8446 4.2.9: psk_dhe_ke (1) */
		m = ext_begin(e, EXT_PSK_MODES);
		cp_wbuf_u8(b, 1);
		cp_wbuf_u8(b, 1);
		ext_end(e, m);
	}
	if (p->nshares || (p->flags & CP_HELLO_KEY_SHARE_EMPTY)) {
		int rc = put_key_share(e, p, kc);
		if (rc != CP_OK)
			return rc;
	}
	if (p->flags & CP_HELLO_RENEG_INFO) {
		/* RFC 5746 3.2: empty renegotiated_connection on the first hello */
		m = ext_begin(e, EXT_RENEG_INFO);
		cp_wbuf_u8(b, 0);
		ext_end(e, m);
	}
	return CP_OK;
}

/*
 * The padding extension goes last (RFC 7685 3).  target is the handshake
 * message length wanted: at least pad_to, and never 256..511 bytes,
 * which hangs F5 BIG-IP (RFC 7685 1).  Like BoringSSL, the padding always
 * carries at least one byte, since WebSphere 7 rejects a hello whose last
 * extension is empty (crbug.com/363583): when the unpadded hello is
 * 508..511 bytes this lands just above 512.
 */
static void put_padding(struct exts *e, const struct cp_hello_params *p, size_t hs_start)
{
	struct cp_wbuf *b = e->b;
	size_t len = b->len - hs_start; /* handshake message so far */
	size_t target = p->pad_to;

	if (!(p->flags & CP_HELLO_NO_PADDING)) {
		/* len is what goes out without padding (no empty block is added) */
		if (target < len)
			target = len;
		/* a pad_to just below the window: the padding extension's own
		 * header (and the extensions block's, if not open yet) would
		 * carry the hello into it (found by fuzz_hello) */
		if (target > len && target < PAD_LOW && len + 5 + (e->open ? 0 : 2) >= PAD_LOW)
			target = PAD_TARGET;
		if (target >= PAD_LOW && target < PAD_TARGET)
			target = PAD_TARGET;
		else if (target == len)
			return; /* outside the window and nothing asked: no padding */
	}
	if (target <= len)
		return;
	size_t m = ext_begin(e, EXT_PADDING);
	len = b->len - hs_start; /* the block and the extension header now count */
	cp_wbuf_zeros(b, target > len ? target - len : 1);
	ext_end(e, m);
}

/* Body of one ClientHello handshake message, header included. */
static int encode_handshake(const struct cp_hello_params *p, struct cp_keyshare_cache *kc,
			    struct cp_wbuf *b)
{
	uint16_t suites[CP_HELLO_MAX_SUITES + 2];
	uint8_t random[32], sid[32];
	char host[HOSTNAME_MAX + 1];
	size_t hostlen = 0, sidlen = 0, ns;
	bool ssl3 = p->legacy_version == SSL3, send_sni = false;
	int rc;

	if (!ssl3) {
		rc = sni_prepare(p->sni, host, &hostlen, &send_sni);
		if (rc != CP_OK)
			return rc;
	}
	rc = fill_random(random, sizeof random, p->random);
	if (rc != CP_OK)
		return rc;
	/*
	 * RFC 8446 D.4: a TLS 1.3 client in middlebox compatibility mode sends
	 * a non-empty legacy_session_id; servers and middleboxes that expect it
	 * drop hellos without one.
	 */
	if ((p->flags & CP_HELLO_SESSION_ID) ||
	    (!ssl3 && has_u16(p->versions, p->nversions, TLS13))) {
		sidlen = sizeof sid;
		rc = fill_random(sid, sidlen, p->session_id);
		if (rc != CP_OK)
			return rc;
	}
	ns = suite_list(p, suites);

	size_t start = b->len;
	cp_wbuf_u8(b, HS_CLIENT_HELLO);
	size_t hs = cp_wbuf_open(b, 3);
	cp_wbuf_u16(b, p->legacy_version);
	cp_wbuf_bytes(b, random, sizeof random);
	cp_wbuf_u8(b, (uint8_t)sidlen);
	cp_wbuf_bytes(b, sid, sidlen);
	put_u16_list(b, suites, ns, 2);
	cp_wbuf_u8(b, 1); /* compression_methods: null only (RFC 8446 4.1.2) */
	cp_wbuf_u8(b, 0);
	if (!ssl3) {
		/* RFC 6101 has no extensions; SSLv3 servers may choke on them. */
		struct exts e = { .b = b };

		rc = put_extensions(&e, p, kc, host, send_sni ? hostlen : 0);
		if (rc != CP_OK)
			return rc;
		put_padding(&e, p, start);
		if (e.open)
			cp_wbuf_close(b, e.mark, 2);
	}
	cp_wbuf_close(b, hs, 3);
	return wbuf_status(b);
}

/* RFC 5246 6.2.1: handshake bytes cut into records of at most frag bytes. */
static void put_records(const struct cp_hello_params *p, const struct cp_wbuf *msg,
			struct cp_wbuf *out)
{
	uint16_t rv = p->record_version;
	size_t frag = p->max_fragment ? p->max_fragment : RECORD_MAX;

	if (!rv)
		rv = p->legacy_version == SSL3 ? SSL3 : 0x0301;
	for (size_t off = 0; off < msg->len; off += frag) {
		size_t n = msg->len - off < frag ? msg->len - off : frag;
		cp_wbuf_u8(out, CT_HANDSHAKE);
		cp_wbuf_u16(out, rv);
		cp_wbuf_u16(out, (uint16_t)n);
		cp_wbuf_bytes(out, msg->data + off, n);
	}
}

int cp_hello_encode(const struct cp_hello_params *p, struct cp_keyshare_cache *kc,
		    struct cp_wbuf *out)
{
	struct cp_wbuf msg, rec;
	int rc;

	cp_wbuf_init(&msg, CP_HELLO_MAX_BYTES);
	cp_wbuf_init(&rec, CP_HELLO_MAX_BYTES);
	if (!p || !out || cp_wbuf_failed(out)) {
		rc = CP_EINVAL;
		goto out;
	}
	rc = check_params(p);
	if (rc != CP_OK)
		goto out;
	if (p->format == CP_HELLO_TLS && p->legacy_version != SSL3 && p->nshares && !kc) {
		rc = CP_EINVAL;
		goto out;
	}

	if (p->format == CP_HELLO_SSLV2) {
		rc = encode_sslv2(p, &rec);
	} else {
		rc = encode_handshake(p, kc, &msg);
		if (rc == CP_OK) {
			put_records(p, &msg, &rec);
			rc = wbuf_status(&rec);
		}
	}
	if (rc != CP_OK)
		goto out;
	/* All or nothing: check the caller's cap before writing a byte. */
	if (rec.len > out->max - out->len) {
		rc = CP_ETOOBIG;
		goto out;
	}
	cp_wbuf_bytes(out, rec.data, rec.len);
	rc = wbuf_status(out);
out:
	cp_wbuf_free(&msg);
	cp_wbuf_free(&rec);
	return rc;
}

const char *cp_hello_strerror(int status)
{
	switch (status) {
	case CP_OK: return "ok";
	case CP_EINVAL: return "inconsistent or missing hello parameters";
	case CP_ETOOMANY: return "a hello list is over its cap";
	case CP_ETOOBIG: return "the hello would be too large";
	case CP_ENOMEM: return "out of memory";
	case CP_EKEYGEN: return "no key share could be made for a group";
	case CP_ERANDOM: return "the random generator failed";
	}
	return "unknown hello status";
}
