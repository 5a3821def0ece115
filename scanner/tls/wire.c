/* SPDX-License-Identifier: MIT */
/*
 * Incremental decoder for a server's answer to one ClientHello; the
 * contract is in wire.h.
 *
 * Bytes go through three layers, each with its own small state so that a
 * chunk may end anywhere (one byte at a time works):
 *
 *   record layer   5-byte header (or the 2-byte SSLv2 header on the first
 *                  record), checked byte by byte so that garbage is named
 *                  as early as possible;
 *   content        alerts (2 bytes, may straddle records), a CCS, or the
 *                  handshake stream;
 *   handshake      4-byte message header, then the body, either buffered
 *                  (capped by max_msg) for the messages the caller wants,
 *                  or only counted for the others.
 *
 * Every parser works on a complete message through a cp_rbuf, so it can
 * never read outside the message or a length-prefixed field in it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "tls/buf.h"
#include "tls/wire.h"

/* Record content types (RFC 5246 6.2.1, RFC 8446 5.1). */
enum {
	CT_CCS = 20,
	CT_ALERT = 21,
	CT_HANDSHAKE = 22,
	CT_APPDATA = 23,
};

/* Handshake message types (RFC 5246 7.4, RFC 6066 8). */
enum {
	HS_HELLO_REQUEST = 0,
	HS_SERVER_HELLO = 2,
	HS_CERTIFICATE = 11,
	HS_SKE = 12,
	HS_CERT_REQUEST = 13,
	HS_SHD = 14,
};

/* ServerHello extensions we decode (RFC 8446 4.2, 7301, 7627, 5746). */
enum {
	EXT_ALPN = 16,
	EXT_EMS = 23,
	EXT_SUPPORTED_VERSIONS = 43,
	EXT_KEY_SHARE = 51,
	EXT_RENEG_INFO = 0xff01,
};

/* SSLv2 message codes ("The SSL Protocol", Hickman 1995). */
enum {
	V2_MSG_ERROR = 0,
	V2_MSG_SERVER_HELLO = 4,
};

#define REC_HDR_LEN 5
#define V2_HDR_LEN 3 /* 2-byte record header + message code */
#define HS_HDR_LEN 4
#define ALERT_LEVEL_WARNING 1
#define ALERT_UNRECOGNIZED_NAME 112

/* RFC 8446 4.1.3: SHA-256("HelloRetryRequest"). */
static const uint8_t hrr_random[32] = {
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
	0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
	0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};

/* RFC 8446 4.1.3: "DOWNGRD" then 01 (TLS 1.2) or 00 (TLS 1.1 and below). */
static const uint8_t downgrade_prefix[7] = {
	0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44,
};

struct cp_wire {
	unsigned want;
	size_t max_msg;
	int status; /* sticky: MORE until DONE or an error */
	struct cp_wire_result res;

	/* record layer */
	uint8_t hdr[REC_HDR_LEN];
	size_t hdr_len;
	bool in_record;
	bool first_done; /* the first record header was accepted */
	uint8_t rtype;
	size_t rec_left;
	unsigned empty_run;

	/* SSLv2: the whole record is buffered (at most 32767 bytes) */
	bool v2;
	uint8_t *v2_buf;
	size_t v2_len;
	size_t v2_got;

	/* alert, which may straddle records in TLS <= 1.2 */
	uint8_t alert[2];
	size_t alert_len;

	/* handshake stream */
	uint8_t hs_hdr[HS_HDR_LEN];
	size_t hs_hdr_len;
	uint8_t hs_type;
	size_t hs_len;
	size_t hs_got;
	bool hs_keep; /* body is buffered in msg, else skipped */
	uint8_t *msg;
};

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Frees what the decoder owns; leaves the pointers NULL. */
static void release(struct cp_wire *w)
{
	for (size_t i = 0; i < w->res.ncerts; i++) {
		free(w->res.certs[i].der);
		w->res.certs[i].der = NULL;
	}
	free(w->msg);
	w->msg = NULL;
	free(w->v2_buf);
	w->v2_buf = NULL;
}

struct cp_wire *cp_wire_new(unsigned want, size_t max_msg)
{
	struct cp_wire *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	w->want = want;
	w->max_msg = max_msg ? max_msg : CP_WIRE_DEFAULT_MAX_MSG;
	w->status = CP_WIRE_MORE;
	return w;
}

void cp_wire_free(struct cp_wire *w)
{
	if (!w)
		return;
	release(w);
	free(w);
}

void cp_wire_reset(struct cp_wire *w)
{
	unsigned want;
	size_t max_msg;

	if (!w)
		return;
	want = w->want;
	max_msg = w->max_msg;
	release(w);
	memset(w, 0, sizeof *w);
	w->want = want;
	w->max_msg = max_msg;
	w->status = CP_WIRE_MORE;
}

const struct cp_wire_result *cp_wire_result(const struct cp_wire *w)
{
	return w ? &w->res : NULL;
}

/* Keeps a heap copy of one DER certificate; the caller checks the cap. */
static int keep_cert(struct cp_wire *w, const uint8_t *der, size_t len)
{
	uint8_t *copy = malloc(len);

	if (!copy)
		return CP_WIRE_E_NOMEM;
	memcpy(copy, der, len);
	w->res.certs[w->res.ncerts].der = copy;
	w->res.certs[w->res.ncerts].len = len;
	w->res.ncerts++;
	return CP_WIRE_MORE;
}

/* ---- ServerHello ------------------------------------------------------ */

/*
 * One ServerHello/HRR extension body (RFC 8446 4.2):
 *   supported_versions (4.2.1):  ProtocolVersion selected_version;
 *   key_share (4.2.8):           KeyShareEntry server_share  (ServerHello)
 *                                NamedGroup selected_group   (HRR)
 *       struct { NamedGroup group; opaque key_exchange<1..2^16-1>; }
 *   renegotiation_info (RFC 5746 3.2): opaque renegotiated_connection<0..255>;
 *   extended_master_secret (RFC 7627 5.1): empty;
 *   ALPN (RFC 7301 3.1): ProtocolNameList with exactly one
 *       ProtocolName<1..2^8-1>.
 * Each must fill its extension exactly; others are only listed.
 */
static int parse_extension(struct cp_server_hello *sh, uint16_t type, struct cp_rbuf *d)
{
	struct cp_rbuf v, name;
	uint16_t u16;

	switch (type) {
	case EXT_SUPPORTED_VERSIONS:
		if (cp_rbuf_u16(d, &u16))
			return CP_WIRE_E_MALFORMED;
		sh->has_supported_versions = true;
		sh->version = u16;
		break;
	case EXT_KEY_SHARE:
		if (cp_rbuf_u16(d, &sh->key_share_group))
			return CP_WIRE_E_MALFORMED;
		if (!sh->is_hrr) {
			if (cp_rbuf_vec(d, 2, &v) || cp_rbuf_left(&v) == 0)
				return CP_WIRE_E_MALFORMED;
			sh->key_share_len = (uint16_t)cp_rbuf_left(&v);
		}
		sh->has_key_share = true;
		break;
	case EXT_RENEG_INFO:
		if (cp_rbuf_vec(d, 1, &v))
			return CP_WIRE_E_MALFORMED;
		sh->reneg_info = true;
		break;
	case EXT_EMS: sh->ems = true; break;
	case EXT_ALPN:
		if (cp_rbuf_vec(d, 2, &v) || cp_rbuf_vec(&v, 1, &name) || cp_rbuf_left(&v) != 0 ||
		    cp_rbuf_left(&name) == 0)
			return CP_WIRE_E_MALFORMED;
		/* at most 255 bytes, so the terminator always fits */
		memcpy(sh->alpn, cp_rbuf_ptr(&name), cp_rbuf_left(&name));
		sh->alpn[cp_rbuf_left(&name)] = '\0';
		sh->has_alpn = true;
		return CP_WIRE_MORE;
	default: return CP_WIRE_MORE;
	}
	return cp_rbuf_left(d) == 0 ? CP_WIRE_MORE : CP_WIRE_E_MALFORMED;
}

/*
 * Extension extensions<6..2^16-1> (RFC 8446 4.2):
 *   struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; }
 * "There MUST NOT be more than one extension of the same type": a repeat is
 * malformed, found with a bitmap over all 2^16 types.
 */
static int parse_extensions(struct cp_server_hello *sh, struct cp_rbuf *b)
{
	uint8_t seen[65536 / 8];

	memset(seen, 0, sizeof seen);
	while (cp_rbuf_left(b) > 0) {
		struct cp_rbuf data;
		uint16_t type;
		int st;

		if (cp_rbuf_u16(b, &type) || cp_rbuf_vec(b, 2, &data))
			return CP_WIRE_E_MALFORMED;
		if (seen[type >> 3] & (1u << (type & 7)))
			return CP_WIRE_E_MALFORMED;
		seen[type >> 3] |= (uint8_t)(1u << (type & 7));
		if (sh->next < CP_WIRE_MAX_EXTS)
			sh->exts[sh->next] = type;
		sh->next++;
		st = parse_extension(sh, type, &data);
		if (st != CP_WIRE_MORE)
			return st;
	}
	return CP_WIRE_MORE;
}

/*
 * ServerHello, RFC 8446 4.1.3 (RFC 5246 7.4.1.3 for TLS <= 1.2):
 *
 *   struct {
 *       ProtocolVersion legacy_version;
 *       Random random;                               32 bytes
 *       opaque legacy_session_id_echo<0..32>;
 *       CipherSuite cipher_suite;
 *       uint8 legacy_compression_method;
 *       Extension extensions<6..2^16-1>;            may be absent <= TLS 1.2
 *   } ServerHello;
 *
 * A HelloRetryRequest has the same layout and the special random above.
 * The last 8 bytes of the random carry the downgrade sentinel.
 */
static int parse_server_hello(struct cp_wire *w, const uint8_t *p, size_t n)
{
	struct cp_server_hello *sh = &w->res.sh;
	struct cp_rbuf b, sid, exts;
	int st = CP_WIRE_MORE;

	cp_rbuf_init(&b, p, n);
	if (cp_rbuf_u16(&b, &sh->legacy_version) ||
	    cp_rbuf_bytes(&b, sh->random, sizeof sh->random) || cp_rbuf_vec(&b, 1, &sid) ||
	    cp_rbuf_left(&sid) > sizeof sh->session_id || cp_rbuf_u16(&b, &sh->suite) ||
	    cp_rbuf_u8(&b, &sh->compression))
		return CP_WIRE_E_MALFORMED;
	if ((sh->legacy_version >> 8) != 3)
		return CP_WIRE_E_MALFORMED;
	sh->session_id_len = (uint8_t)cp_rbuf_left(&sid);
	if (cp_rbuf_bytes(&sid, sh->session_id, sh->session_id_len))
		return CP_WIRE_E_MALFORMED;
	sh->version = sh->legacy_version;
	sh->is_hrr = memcmp(sh->random, hrr_random, sizeof hrr_random) == 0;
	if (memcmp(sh->random + 24, downgrade_prefix, sizeof downgrade_prefix) == 0) {
		sh->downgrade_tls12 = sh->random[31] == 0x01;
		sh->downgrade_tls11 = sh->random[31] == 0x00;
	}
	if (cp_rbuf_left(&b) > 0) {
		if (cp_rbuf_vec(&b, 2, &exts) || cp_rbuf_left(&b) != 0)
			return CP_WIRE_E_MALFORMED;
		st = parse_extensions(sh, &exts);
		if (st != CP_WIRE_MORE)
			return st;
	}
	w->res.seen |= sh->is_hrr ? CP_SEEN_HRR : CP_SEEN_SERVER_HELLO;
	return CP_WIRE_MORE;
}

/* ---- Certificate, ServerKeyExchange ----------------------------------- */

/*
 * Certificate, RFC 5246 7.4.2 (TLS 1.3's is encrypted, so never seen):
 *   opaque ASN.1Cert<1..2^24-1>;
 *   struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
 */
static int parse_certificate(struct cp_wire *w, const uint8_t *p, size_t n)
{
	struct cp_rbuf b, list, cert;

	cp_rbuf_init(&b, p, n);
	if (cp_rbuf_vec(&b, 3, &list) || cp_rbuf_left(&b) != 0)
		return CP_WIRE_E_MALFORMED;
	while (cp_rbuf_left(&list) > 0) {
		if (cp_rbuf_vec(&list, 3, &cert) || cp_rbuf_left(&cert) == 0)
			return CP_WIRE_E_MALFORMED;
		if (w->res.ncerts < CP_WIRE_MAX_CERTS) {
			int st = keep_cert(w, cp_rbuf_ptr(&cert), cp_rbuf_left(&cert));
			if (st != CP_WIRE_MORE)
				return st;
		}
		w->res.certs_total++;
	}
	return CP_WIRE_MORE;
}

/*
 * ServerECDHParams, RFC 8422 5.4:
 *   struct { ECCurveType curve_type;  NamedCurve namedcurve; } ECParameters;
 *   struct { opaque point<1..2^8-1>; } ECPoint;
 *   struct { ECParameters curve_params; ECPoint public; } ServerECDHParams;
 * Only named_curve (3) remains defined; for the explicit curve types of
 * RFC 4492 the type is recorded and *done tells the caller to stop.
 */
static int parse_ec_params(struct cp_ske *ske, struct cp_rbuf *b, bool *done)
{
	struct cp_rbuf point;

	ske->ecdhe = true;
	if (cp_rbuf_u8(b, &ske->curve_type))
		return CP_WIRE_E_MALFORMED;
	if (ske->curve_type != 3) {
		*done = true;
		return CP_WIRE_MORE;
	}
	if (cp_rbuf_u16(b, &ske->group) || cp_rbuf_vec(b, 1, &point) || cp_rbuf_left(&point) == 0)
		return CP_WIRE_E_MALFORMED;
	return CP_WIRE_MORE;
}

/*
 * ServerDHParams, RFC 5246 7.4.3:
 *   struct { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>;
 *            opaque dh_Ys<1..2^16-1>; } ServerDHParams;
 * The prime's size is counted without leading zero bytes and bits.
 */
static int parse_dh_params(struct cp_ske *ske, struct cp_rbuf *b)
{
	struct cp_rbuf dp, dg, dys;
	const uint8_t *prime;
	size_t plen, i = 0, bits;

	if (cp_rbuf_vec(b, 2, &dp) || cp_rbuf_vec(b, 2, &dg) || cp_rbuf_vec(b, 2, &dys) ||
	    cp_rbuf_left(&dg) == 0 || cp_rbuf_left(&dys) == 0)
		return CP_WIRE_E_MALFORMED;
	prime = cp_rbuf_ptr(&dp);
	plen = cp_rbuf_left(&dp);
	while (i < plen && prime[i] == 0)
		i++;
	if (i == plen)
		return CP_WIRE_E_MALFORMED; /* empty or zero prime */
	bits = (plen - i - 1) * 8;
	for (uint8_t top = prime[i]; top; top >>= 1)
		bits++;
	ske->dhe = true;
	ske->dh_p_bits = bits > UINT16_MAX ? UINT16_MAX : (uint16_t)bits;
	ske->dh_g_len = (uint16_t)cp_rbuf_left(&dg);
	return CP_WIRE_MORE;
}

/*
 * ServerKeyExchange, RFC 5246 7.4.3 and RFC 8422 5.4; the layout depends on
 * the suite's key exchange, which comes from the registry:
 *   (EC)DHE:       params, then digitally-signed: TLS 1.2 has a 2-byte
 *                  SignatureAndHashAlgorithm before opaque signature<0..2^16-1>,
 *                  earlier versions the signature alone;
 *   (EC)DH_anon:   params only;
 *   (EC)DHE_PSK:   opaque psk_identity_hint<0..2^16-1>, params (RFC 4279 3,
 *                  RFC 5489 2).
 * Other key exchanges (RSA_EXPORT, PSK, SRP, ...) are noted, not decoded.
 */
static int parse_ske(struct cp_wire *w, const uint8_t *p, size_t n)
{
	const struct cp_suite *suite = cp_suite_by_id(w->res.sh.suite);
	struct cp_ske *ske = &w->res.ske;
	struct cp_rbuf b, hint, sig;
	bool ec, sign = true, stop = false;
	int st;

	if (!suite)
		return CP_WIRE_MORE;
	switch (suite->kx) {
	case CP_KX_ECDHE: ec = true; break;
	case CP_KX_DHE: ec = false; break;
	case CP_KX_ECDH_anon:
		ec = true;
		sign = false;
		break;
	case CP_KX_DH_anon:
		ec = false;
		sign = false;
		break;
	case CP_KX_ECDHE_PSK:
		ec = true;
		sign = false;
		break;
	case CP_KX_DHE_PSK:
		ec = false;
		sign = false;
		break;
	default: return CP_WIRE_MORE;
	}
	cp_rbuf_init(&b, p, n);
	if ((suite->kx == CP_KX_ECDHE_PSK || suite->kx == CP_KX_DHE_PSK) &&
	    cp_rbuf_vec(&b, 2, &hint))
		return CP_WIRE_E_MALFORMED;
	st = ec ? parse_ec_params(ske, &b, &stop) : parse_dh_params(ske, &b);
	if (st != CP_WIRE_MORE || stop)
		return st;
	if (sign) {
		if (w->res.sh.version >= 0x0303 && cp_rbuf_u16(&b, &ske->sig_scheme))
			return CP_WIRE_E_MALFORMED;
		if (cp_rbuf_vec(&b, 2, &sig))
			return CP_WIRE_E_MALFORMED;
	}
	return cp_rbuf_left(&b) == 0 ? CP_WIRE_MORE : CP_WIRE_E_MALFORMED;
}

/* ---- handshake stream ------------------------------------------------- */

/* Whether the caller has its answer (see wire.h for the rules). */
static bool flight_done(const struct cp_wire *w)
{
	unsigned seen = w->res.seen;

	if (seen & CP_SEEN_HRR)
		return true;
	if (!(seen & CP_SEEN_SERVER_HELLO))
		return false;
	if (w->res.sh.version > 0x0303) /* TLS 1.3 (or a draft): the rest is encrypted */
		return true;
	if (seen & (CP_SEEN_SHD | CP_SEEN_CCS))
		return true;
	if ((w->want & CP_WANT_CERTIFICATE) && !(seen & CP_SEEN_CERTIFICATE))
		return false;
	if ((w->want & CP_WANT_SKE) && !(seen & CP_SEEN_SKE))
		return false;
	return !(w->want & CP_WANT_DONE);
}

/*
 * A handshake header is complete: check the order of the server's first
 * flight (RFC 5246 7.3: ServerHello, Certificate, [CertificateStatus],
 * ServerKeyExchange, CertificateRequest, ServerHelloDone), decide whether
 * the body is kept, and apply the caps.  Unknown messages after the
 * ServerHello are skipped; a HelloRequest before it is ignored (RFC 5246
 * 7.4.1.1).
 */
static int hs_begin(struct cp_wire *w)
{
	unsigned seen = w->res.seen;
	size_t cap;

	w->hs_type = w->hs_hdr[0];
	w->hs_len = ((size_t)w->hs_hdr[1] << 16) | ((size_t)w->hs_hdr[2] << 8) | w->hs_hdr[3];
	w->hs_got = 0;
	w->hs_keep = false;

	if (!(seen & CP_SEEN_SERVER_HELLO)) {
		if (w->hs_type == HS_SERVER_HELLO)
			w->hs_keep = true;
		else if (w->hs_type != HS_HELLO_REQUEST)
			return CP_WIRE_E_UNEXPECTED;
	} else {
		switch (w->hs_type) {
		case HS_SERVER_HELLO: return CP_WIRE_E_UNEXPECTED;
		case HS_CERTIFICATE:
			if (seen & CP_SEEN_CERTIFICATE)
				return CP_WIRE_E_UNEXPECTED;
			w->hs_keep = (w->want & CP_WANT_CERTIFICATE) != 0;
			break;
		case HS_SKE:
			if (seen & CP_SEEN_SKE)
				return CP_WIRE_E_UNEXPECTED;
			w->hs_keep = (w->want & CP_WANT_SKE) != 0;
			break;
		default: break;
		}
	}
	if ((w->hs_type == HS_HELLO_REQUEST || w->hs_type == HS_SHD) && w->hs_len != 0)
		return CP_WIRE_E_MALFORMED;

	cap = w->hs_keep ? w->max_msg
			 : (w->max_msg > CP_WIRE_MAX_SKIPPED_MSG ? w->max_msg
								 : CP_WIRE_MAX_SKIPPED_MSG);
	if (w->hs_len > cap)
		return CP_WIRE_E_MSG_TOO_LONG;
	if (w->hs_keep && w->hs_len > 0) {
		w->msg = malloc(w->hs_len);
		if (!w->msg)
			return CP_WIRE_E_NOMEM;
	}
	return CP_WIRE_MORE;
}

/* A handshake message is complete: decode it if kept, then note it. */
static int hs_end(struct cp_wire *w)
{
	const uint8_t *body = w->msg;
	size_t n = w->hs_len;
	int st = CP_WIRE_MORE;

	switch (w->hs_type) {
	case HS_SERVER_HELLO: st = parse_server_hello(w, body, n); break;
	case HS_CERTIFICATE:
		if (w->hs_keep)
			st = parse_certificate(w, body, n);
		w->res.seen |= CP_SEEN_CERTIFICATE;
		break;
	case HS_SKE:
		if (w->hs_keep)
			st = parse_ske(w, body, n);
		w->res.seen |= CP_SEEN_SKE;
		break;
	case HS_CERT_REQUEST: w->res.seen |= CP_SEEN_CERT_REQUEST; break;
	case HS_SHD: w->res.seen |= CP_SEEN_SHD; break;
	default: break;
	}
	free(w->msg);
	w->msg = NULL;
	w->hs_hdr_len = 0;
	if (st != CP_WIRE_MORE)
		return st;
	return flight_done(w) ? CP_WIRE_DONE : CP_WIRE_MORE;
}

/* Handshake record bytes; *used stops short when the answer is known. */
static int hs_bytes(struct cp_wire *w, const uint8_t *p, size_t n, size_t *used)
{
	size_t off = 0;
	int st = CP_WIRE_MORE;

	while (off < n && st == CP_WIRE_MORE) {
		if (w->hs_hdr_len < HS_HDR_LEN) {
			w->hs_hdr[w->hs_hdr_len++] = p[off++];
			if (w->hs_hdr_len < HS_HDR_LEN)
				continue;
			st = hs_begin(w);
			if (st == CP_WIRE_MORE && w->hs_len == 0)
				st = hs_end(w);
			continue;
		}
		size_t take = min_size(n - off, w->hs_len - w->hs_got);
		if (w->hs_keep)
			memcpy(w->msg + w->hs_got, p + off, take);
		w->hs_got += take;
		off += take;
		if (w->hs_got == w->hs_len)
			st = hs_end(w);
	}
	*used = off;
	return st;
}

/* ---- alerts, CCS ------------------------------------------------------ */

/* Alert, RFC 5246 7.2 / RFC 8446 6: { AlertLevel level; AlertDescription description; } */
static int alert_bytes(struct cp_wire *w, const uint8_t *p, size_t n, size_t *used)
{
	size_t off = 0;

	while (off < n) {
		w->alert[w->alert_len++] = p[off++];
		if (w->alert_len < 2)
			continue;
		w->alert_len = 0;
		w->res.seen |= CP_SEEN_ALERT;
		w->res.alert_level = w->alert[0];
		w->res.alert_desc = w->alert[1];
		if (w->alert[0] != ALERT_LEVEL_WARNING || w->alert[1] != ALERT_UNRECOGNIZED_NAME) {
			*used = off;
			return CP_WIRE_DONE;
		}
	}
	*used = off;
	return CP_WIRE_MORE;
}

/* ---- SSLv2 ------------------------------------------------------------ */

/*
 * SSLv2 answers ("The SSL Protocol", Hickman 1995; RFC 6101 appendix E),
 * after the 2-byte record header (high bit set, 15-bit length):
 *
 *   SERVER-HELLO:                         ERROR:
 *     char MSG-SERVER-HELLO (4)             char MSG-ERROR (0)
 *     char SESSION-ID-HIT                   char ERROR-CODE-MSB
 *     char CERTIFICATE-TYPE                 char ERROR-CODE-LSB
 *     char SERVER-VERSION-MSB, -LSB
 *     char CERTIFICATE-LENGTH-MSB, -LSB
 *     char CIPHER-SPECS-LENGTH-MSB, -LSB    (3 bytes per cipher kind)
 *     char CONNECTION-ID-LENGTH-MSB, -LSB
 *     char CERTIFICATE-DATA[...]
 *     char CIPHER-SPECS-DATA[...]
 *     char CONNECTION-ID-DATA[...]
 *
 * The three fields must fill the record exactly (a 2-byte header has no
 * padding).
 */
static int parse_sslv2(struct cp_wire *w, const uint8_t *p, size_t n)
{
	struct cp_rbuf b, cert, specs, conn;
	uint8_t type, hit, cert_type;
	uint16_t cert_len, specs_len, conn_len, code;

	cp_rbuf_init(&b, p, n);
	if (cp_rbuf_u8(&b, &type))
		return CP_WIRE_E_SSLV2;
	w->res.seen |= CP_SEEN_SSLV2;
	if (type == V2_MSG_ERROR) {
		if (cp_rbuf_u16(&b, &code) || cp_rbuf_left(&b) != 0)
			return CP_WIRE_E_SSLV2;
		w->res.sslv2_error = (uint8_t)code;
		return CP_WIRE_DONE;
	}
	if (cp_rbuf_u8(&b, &hit) || cp_rbuf_u8(&b, &cert_type) ||
	    cp_rbuf_u16(&b, &w->res.sslv2_version) || cp_rbuf_u16(&b, &cert_len) ||
	    cp_rbuf_u16(&b, &specs_len) || cp_rbuf_u16(&b, &conn_len) || specs_len % 3 != 0 ||
	    cp_rbuf_sub(&b, cert_len, &cert) || cp_rbuf_sub(&b, specs_len, &specs) ||
	    cp_rbuf_sub(&b, conn_len, &conn) || cp_rbuf_left(&b) != 0)
		return CP_WIRE_E_SSLV2;
	while (cp_rbuf_left(&specs) > 0) {
		uint32_t kind;
		if (cp_rbuf_u24(&specs, &kind))
			return CP_WIRE_E_SSLV2;
		if (w->res.nsslv2_kinds < CP_WIRE_MAX_SSLV2_KINDS)
			w->res.sslv2_kinds[w->res.nsslv2_kinds++] = kind;
	}
	if (cert_len > 0) {
		w->res.certs_total = 1;
		if (w->want & CP_WANT_CERTIFICATE) {
			int st = keep_cert(w, cp_rbuf_ptr(&cert), cert_len);
			if (st != CP_WIRE_MORE)
				return st;
			w->res.seen |= CP_SEEN_CERTIFICATE;
		}
	}
	return CP_WIRE_DONE;
}

/* Bytes of the SSLv2 record body, after its header. */
static int v2_bytes(struct cp_wire *w, const uint8_t *p, size_t n, size_t *used)
{
	size_t take = min_size(n, w->v2_len - w->v2_got);

	memcpy(w->v2_buf + w->v2_got, p, take);
	w->v2_got += take;
	*used = take;
	if (w->v2_got < w->v2_len)
		return CP_WIRE_MORE;
	return parse_sslv2(w, w->v2_buf, w->v2_len);
}

/* ---- record layer ----------------------------------------------------- */

static bool known_type(uint8_t t)
{
	return t == CT_CCS || t == CT_ALERT || t == CT_HANDSHAKE || t == CT_APPDATA;
}

/*
 * SSLv2 header byte (first record only): 2 length bytes, then the message
 * code, which must be SERVER-HELLO or ERROR before anything is allocated.
 */
static int v2_hdr_byte(struct cp_wire *w)
{
	if (w->hdr_len < V2_HDR_LEN)
		return CP_WIRE_MORE;
	w->v2_len = ((size_t)(w->hdr[0] & 0x7F) << 8) | w->hdr[1];
	if (w->hdr[2] != V2_MSG_SERVER_HELLO && w->hdr[2] != V2_MSG_ERROR)
		return CP_WIRE_E_NOT_TLS;
	if (w->v2_len == 0)
		return CP_WIRE_E_SSLV2;
	w->v2_buf = malloc(w->v2_len);
	if (!w->v2_buf)
		return CP_WIRE_E_NOMEM;
	w->v2_buf[0] = w->hdr[2];
	w->v2_got = 1;
	w->res.record_version = 0x0002;
	w->first_done = true;
	if (w->v2_len == 1)
		return parse_sslv2(w, w->v2_buf, w->v2_len);
	return CP_WIRE_MORE;
}

/*
 * A complete TLS record header (RFC 5246 6.2.1, RFC 8446 5.1):
 *   struct { ContentType type; ProtocolVersion legacy_record_version;
 *            uint16 length; opaque fragment[length]; } TLSPlaintext;
 * Here the content type is checked against what may come now.
 */
static int record_begin(struct cp_wire *w)
{
	size_t len = ((size_t)w->hdr[3] << 8) | w->hdr[4];
	bool sh = (w->res.seen & CP_SEEN_SERVER_HELLO) != 0;

	if (len > CP_WIRE_MAX_RECORD)
		return CP_WIRE_E_RECORD_TOO_LONG;
	if (!w->first_done) {
		w->first_done = true;
		w->res.record_version = (uint16_t)((w->hdr[1] << 8) | w->hdr[2]);
	}
	w->rtype = w->hdr[0];
	w->hdr_len = 0;
	/* RFC 8446 5.1: other records may not sit inside a handshake message */
	if (w->rtype != CT_HANDSHAKE && w->rtype != CT_ALERT && w->hs_hdr_len > 0)
		return CP_WIRE_E_UNEXPECTED;
	if (w->rtype != CT_ALERT && w->alert_len > 0)
		return CP_WIRE_E_MALFORMED;
	switch (w->rtype) {
	case CT_APPDATA: return CP_WIRE_E_UNEXPECTED;
	case CT_CCS:
		/* RFC 5246 7.1: one byte, value 1; only after a ServerHello */
		if (!sh)
			return CP_WIRE_E_UNEXPECTED;
		if (len != 1)
			return CP_WIRE_E_MALFORMED;
		break;
	default: break;
	}
	if (len == 0) {
		if (++w->empty_run > CP_WIRE_MAX_EMPTY_RECORDS)
			return CP_WIRE_E_EMPTY_RECORD;
		return CP_WIRE_MORE;
	}
	w->empty_run = 0;
	w->rec_left = len;
	w->in_record = true;
	return CP_WIRE_MORE;
}

/*
 * One header byte.  Garbage is named as soon as it shows: on the first
 * record a byte with the high bit set starts an SSLv2 header, and a bad
 * content type followed by anything but a 3 (the major version of every
 * SSL/TLS record) is not TLS at all, such as an HTTP or SSH banner.
 */
static int hdr_byte(struct cp_wire *w, uint8_t c)
{
	bool first = !w->first_done;

	w->hdr[w->hdr_len++] = c;
	if (w->v2)
		return v2_hdr_byte(w);
	switch (w->hdr_len) {
	case 1:
		if (first && (c & 0x80)) {
			w->v2 = true;
			return CP_WIRE_MORE;
		}
		if (!first && !known_type(c))
			return CP_WIRE_E_RECORD_TYPE;
		return CP_WIRE_MORE;
	case 2:
		if (!known_type(w->hdr[0]))
			return c == 3 ? CP_WIRE_E_RECORD_TYPE : CP_WIRE_E_NOT_TLS;
		return c == 3 ? CP_WIRE_MORE : CP_WIRE_E_RECORD_VERSION;
	case 3: return c <= 4 ? CP_WIRE_MORE : CP_WIRE_E_RECORD_VERSION;
	case 4: return CP_WIRE_MORE;
	default: return record_begin(w);
	}
}

/* Record body bytes, dispatched by content type. */
static int body_bytes(struct cp_wire *w, const uint8_t *p, size_t n, size_t *used)
{
	switch (w->rtype) {
	case CT_HANDSHAKE: return hs_bytes(w, p, n, used);
	case CT_ALERT: return alert_bytes(w, p, n, used);
	case CT_CCS:
		*used = 1;
		if (p[0] != 1)
			return CP_WIRE_E_MALFORMED;
		w->res.seen |= CP_SEEN_CCS;
		/* TLS <= 1.2 (abbreviated handshake): all that follows is encrypted */
		return CP_WIRE_DONE;
	default: *used = n; return CP_WIRE_E_UNEXPECTED;
	}
}

int cp_wire_feed(struct cp_wire *w, const uint8_t *data, size_t len)
{
	size_t off = 0;

	if (!w)
		return CP_WIRE_E_NOMEM;
	if (!data)
		len = 0;
	while (off < len && w->status == CP_WIRE_MORE) {
		size_t used;

		if (w->v2 && w->v2_buf) {
			w->status = v2_bytes(w, data + off, len - off, &used);
		} else if (!w->in_record) {
			w->status = hdr_byte(w, data[off]);
			used = 1;
		} else {
			w->status =
				body_bytes(w, data + off, min_size(len - off, w->rec_left), &used);
			w->rec_left -= used;
			if (w->rec_left == 0)
				w->in_record = false;
		}
		off += used;
		w->res.bytes += used;
	}
	return w->status;
}

const char *cp_wire_strerror(int status)
{
	switch (status) {
	case CP_WIRE_MORE: return "more data needed";
	case CP_WIRE_DONE: return "done";
	case CP_WIRE_E_NOT_TLS: return "not TLS: the server answered with another protocol";
	case CP_WIRE_E_RECORD_TYPE: return "unknown TLS record content type";
	case CP_WIRE_E_RECORD_VERSION: return "TLS record version is not 3.x";
	case CP_WIRE_E_RECORD_TOO_LONG: return "TLS record longer than 2^14+2048 bytes";
	case CP_WIRE_E_MSG_TOO_LONG: return "handshake message longer than the cap";
	case CP_WIRE_E_MALFORMED: return "malformed message: a field does not fit its structure";
	case CP_WIRE_E_UNEXPECTED: return "unexpected message for this point of the handshake";
	case CP_WIRE_E_NOMEM: return "out of memory";
	case CP_WIRE_E_EMPTY_RECORD: return "too many empty TLS records in a row";
	case CP_WIRE_E_SSLV2: return "malformed SSLv2 SERVER-HELLO or ERROR";
	default: return "unknown decoder status";
	}
}

/*
 * AlertDescription values of RFC 8446 6 and RFC 5246 7.2 (the _RESERVED
 * values under their TLS 1.2 names), plus those other RFCs registered that
 * TLS 1.2 servers still send: RFC 6066 (111, 113, 114), RFC 7507 (86).
 */
const char *cp_alert_name(uint8_t desc)
{
	switch (desc) {
	case 0: return "close_notify";
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 21: return "decryption_failed";
	case 22: return "record_overflow";
	case 30: return "decompression_failure";
	case 40: return "handshake_failure";
	case 41: return "no_certificate";
	case 42: return "bad_certificate";
	case 43: return "unsupported_certificate";
	case 44: return "certificate_revoked";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 49: return "access_denied";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 60: return "export_restriction";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 86: return "inappropriate_fallback";
	case 90: return "user_canceled";
	case 100: return "no_renegotiation";
	case 109: return "missing_extension";
	case 110: return "unsupported_extension";
	case 111: return "certificate_unobtainable";
	case 112: return "unrecognized_name";
	case 113: return "bad_certificate_status_response";
	case 114: return "bad_certificate_hash_value";
	case 115: return "unknown_psk_identity";
	case 116: return "certificate_required";
	case 120: return "no_application_protocol";
	default: return "unknown";
	}
}
