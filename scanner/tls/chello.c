/* SPDX-License-Identifier: MIT */
/*
 * ClientHello decoder and server_name rewriter; see chello.h for the
 * contract.
 *
 * The message may span several records (RFC 8446 5.1: handshake messages
 * may be fragmented, even their 4-byte header); it is gathered first, then
 * read with bounds-checked cursors, every length-prefixed field through a
 * child cursor that must be used up exactly.  RFC 8446 4.1.2:
 *
 *   uint16 ProtocolVersion;
 *   opaque Random[32];
 *   uint8 CipherSuite[2];
 *
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;    -- TLS v1.2
 *       Random random;
 *       opaque legacy_session_id<0..32>;
 *       CipherSuite cipher_suites<2..2^16-2>;
 *       opaque legacy_compression_methods<1..2^8-1>;
 *       Extension extensions<8..2^16-1>;
 *   } ClientHello;
 *
 *   struct {
 *       ExtensionType extension_type;
 *       opaque extension_data<0..2^16-1>;
 *   } Extension;
 *
 * TLS 1.2 and older hellos may end after the compression methods (RFC 5246
 * 7.4.1.2); that is accepted.  Extension bodies read here: server_name
 * (RFC 6066 3), supported_groups (RFC 8446 4.2.7), signature_algorithms
 * (4.2.3), ALPN (RFC 7301 3.1), supported_versions (4.2.1), key_share
 * (4.2.8); the others are only listed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tls/chello.h"
#include "tls/hello.h"

#define CT_HANDSHAKE 22
#define HS_CLIENT_HELLO 1
#define HS_HEADER_LEN 4
#define RECORD_HEADER_LEN 5
#define RECORD_MAX 16384 /* RFC 8446 5.1: plaintext fragment limit */

enum {
	EXT_SERVER_NAME = 0,
	EXT_SUPPORTED_GROUPS = 10,
	EXT_SIGNATURE_ALGORITHMS = 13,
	EXT_ALPN = 16,
	EXT_PADDING = 21,
	EXT_SUPPORTED_VERSIONS = 43,
	EXT_KEY_SHARE = 51,
};

/* What walking the records found. */
struct walk {
	uint16_t record_version;
	size_t nrecords;
	size_t consumed; /* record bytes, headers included */
	size_t msg_len;  /* handshake message, header included */
};

/*
 * Walk the handshake records at p until they hold one whole ClientHello,
 * copying the fragments to dst (CP_CHELLO_MAX_BYTES long) when it is not
 * NULL.  Nothing may follow the message in its last record.
 */
static int walk_records(const uint8_t *p, size_t len, uint8_t *dst, struct walk *w)
{
	uint8_t hdr[HS_HEADER_LEN];
	size_t off = 0, got = 0, total = 0;

	memset(w, 0, sizeof *w);
	for (;;) {
		const uint8_t *frag;
		uint16_t ver, rlen;
		size_t avail;

		if (len - off < RECORD_HEADER_LEN)
			return CP_ETRUNCATED;
		ver = (uint16_t)(p[off + 1] << 8 | p[off + 2]);
		rlen = (uint16_t)(p[off + 3] << 8 | p[off + 4]);
		if (p[off] != CT_HANDSHAKE || (ver >> 8) != 3)
			return w->nrecords ? CP_EBADDATA : CP_EWRONGTYPE;
		if (rlen == 0 || rlen > RECORD_MAX)
			return CP_EBADDATA;
		if (w->nrecords == 0)
			w->record_version = ver;
		frag = p + off + RECORD_HEADER_LEN;
		avail = len - off - RECORD_HEADER_LEN;
		if (got == 0 && avail > 0 && frag[0] != HS_CLIENT_HELLO)
			return CP_EWRONGTYPE;
		if (avail < rlen)
			return CP_ETRUNCATED;
		for (size_t i = 0; got + i < HS_HEADER_LEN && i < rlen; i++)
			hdr[got + i] = frag[i];
		if (got < HS_HEADER_LEN && got + rlen >= HS_HEADER_LEN) {
			total = HS_HEADER_LEN +
				((size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3]);
			if (total > CP_CHELLO_MAX_BYTES)
				return CP_ETOOBIG;
		}
		if (total && got + rlen > total)
			return CP_EBADDATA;
		if (dst)
			memcpy(dst + got, frag, rlen);
		got += rlen;
		off += RECORD_HEADER_LEN + rlen;
		w->nrecords++;
		if (total && got == total)
			break;
	}
	w->consumed = off;
	w->msg_len = total;
	return CP_OK;
}

int cp_chello_need(const uint8_t *p, size_t len, size_t *need)
{
	struct walk w;
	int st;

	*need = 0;
	if (!p || len == 0)
		return CP_ETRUNCATED;
	st = walk_records(p, len, NULL, &w);
	if (st == CP_OK)
		*need = w.consumed;
	return st;
}

/* A list of uint16 values in a length-prefixed vector of the given width. */
static int read_u16_list(struct cp_rbuf *b, unsigned width, uint16_t *out, size_t cap, size_t *n)
{
	struct cp_rbuf v;

	if (cp_rbuf_vec(b, width, &v) < 0 || cp_rbuf_left(&v) % 2)
		return CP_EBADDATA;
	*n = 0;
	while (cp_rbuf_left(&v)) {
		if (*n == cap)
			return CP_ETOOMANY;
		cp_rbuf_u16(&v, &out[(*n)++]);
	}
	return CP_OK;
}

static int read_sni(struct cp_rbuf *b, struct cp_chello *h)
{
	struct cp_rbuf list;

	if (cp_rbuf_vec(b, 2, &list) < 0 || cp_rbuf_left(&list) == 0)
		return CP_EBADDATA;
	while (cp_rbuf_left(&list)) {
		struct cp_rbuf name;
		uint8_t type;
		size_t n;

		if (cp_rbuf_u8(&list, &type) < 0 || cp_rbuf_vec(&list, 2, &name) < 0)
			return CP_EBADDATA;
		n = cp_rbuf_left(&name);
		/* RFC 6066 3: one name per type; the first host_name counts */
		if (type != 0 || h->has_sni)
			continue;
		if (n == 0 || n > CP_CHELLO_SNI_LEN || memchr(cp_rbuf_ptr(&name), '\0', n))
			return CP_EBADDATA;
		memcpy(h->sni, cp_rbuf_ptr(&name), n);
		h->sni[n] = '\0';
		h->has_sni = true;
	}
	return CP_OK;
}

static int read_alpn(struct cp_rbuf *b, struct cp_chello *h)
{
	struct cp_rbuf list;

	if (cp_rbuf_vec(b, 2, &list) < 0 || cp_rbuf_left(&list) == 0)
		return CP_EBADDATA;
	while (cp_rbuf_left(&list)) {
		struct cp_rbuf name;
		size_t n;

		if (cp_rbuf_vec(&list, 1, &name) < 0)
			return CP_EBADDATA;
		n = cp_rbuf_left(&name);
		if (n == 0 || memchr(cp_rbuf_ptr(&name), '\0', n))
			return CP_EBADDATA;
		if (h->nalpn == CP_CHELLO_MAX_ALPN)
			return CP_ETOOMANY;
		memcpy(h->alpn[h->nalpn], cp_rbuf_ptr(&name), n);
		h->alpn[h->nalpn++][n] = '\0';
	}
	return CP_OK;
}

static int read_key_share(struct cp_rbuf *b, struct cp_chello *h)
{
	struct cp_rbuf list;

	if (cp_rbuf_vec(b, 2, &list) < 0)
		return CP_EBADDATA;
	while (cp_rbuf_left(&list)) {
		struct cp_rbuf key;
		uint16_t g;

		if (cp_rbuf_u16(&list, &g) < 0 || cp_rbuf_vec(&list, 2, &key) < 0 ||
		    cp_rbuf_left(&key) == 0)
			return CP_EBADDATA;
		if (h->nshares == CP_CHELLO_MAX_SHARES)
			return CP_ETOOMANY;
		h->shares[h->nshares++] = g;
	}
	return CP_OK;
}

/* One extension's body, which must be used up exactly. */
static int read_extension(uint16_t type, struct cp_rbuf *d, struct cp_chello *h)
{
	int st = CP_OK;

	switch (type) {
	case EXT_SERVER_NAME:
		/* an empty server_name is a server's acknowledgement, not a client's */
		st = read_sni(d, h);
		break;
	case EXT_SUPPORTED_GROUPS:
		st = read_u16_list(d, 2, h->groups, CP_CHELLO_MAX_GROUPS, &h->ngroups);
		break;
	case EXT_SIGNATURE_ALGORITHMS:
		st = read_u16_list(d, 2, h->sigalgs, CP_CHELLO_MAX_SIGALGS, &h->nsigalgs);
		break;
	case EXT_SUPPORTED_VERSIONS:
		st = read_u16_list(d, 1, h->versions, CP_CHELLO_MAX_VERSIONS, &h->nversions);
		break;
	case EXT_KEY_SHARE: st = read_key_share(d, h); break;
	case EXT_ALPN: st = read_alpn(d, h); break;
	default: return CP_OK;
	}
	if (st == CP_OK && cp_rbuf_left(d) != 0)
		st = CP_EBADDATA;
	return st;
}

/* The message body (after the 4-byte header). */
static int read_body(const uint8_t *body, size_t n, struct cp_chello *h)
{
	struct cp_rbuf b, v, exts;
	int st;

	cp_rbuf_init(&b, body, n);
	if (cp_rbuf_u16(&b, &h->legacy_version) < 0 ||
	    cp_rbuf_bytes(&b, h->random, sizeof h->random) < 0 || cp_rbuf_vec(&b, 1, &v) < 0)
		return CP_EBADDATA;
	if (cp_rbuf_left(&v) > 32)
		return CP_EBADDATA;
	h->session_id_len = (uint8_t)cp_rbuf_left(&v);
	st = read_u16_list(&b, 2, h->suites, CP_CHELLO_MAX_SUITES, &h->nsuites);
	if (st != CP_OK)
		return st;
	if (h->nsuites == 0 || cp_rbuf_vec(&b, 1, &v) < 0 || cp_rbuf_left(&v) == 0)
		return CP_EBADDATA;
	h->ncompressions = (uint8_t)cp_rbuf_left(&v);
	if (cp_rbuf_left(&b) == 0)
		return CP_OK;
	if (cp_rbuf_vec(&b, 2, &exts) < 0 || cp_rbuf_left(&b) != 0)
		return CP_EBADDATA;
	while (cp_rbuf_left(&exts)) {
		struct cp_rbuf d;
		uint16_t type;

		if (cp_rbuf_u16(&exts, &type) < 0 || cp_rbuf_vec(&exts, 2, &d) < 0)
			return CP_EBADDATA;
		for (size_t i = 0; i < h->nexts; i++)
			if (h->ext_types[i] == type)
				return CP_EBADDATA;
		if (h->nexts == CP_CHELLO_MAX_EXTS)
			return CP_ETOOMANY;
		h->ext_types[h->nexts++] = type;
		st = read_extension(type, &d, h);
		if (st != CP_OK)
			return st;
	}
	return CP_OK;
}

/*
 * The message bytes: p itself for a bare message or one record, else a
 * copy gathered from the records into *copy (the caller frees it).
 */
static int gather(const uint8_t *p, size_t len, struct cp_chello *h, const uint8_t **msg,
		  uint8_t **copy)
{
	struct walk w;
	int st;

	*copy = NULL;
	if (!p || len == 0)
		return CP_ETRUNCATED;
	if (p[0] == HS_CLIENT_HELLO) {
		size_t total;

		if (len < HS_HEADER_LEN)
			return CP_ETRUNCATED;
		total = HS_HEADER_LEN + ((size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3]);
		if (total > CP_CHELLO_MAX_BYTES)
			return CP_ETOOBIG;
		if (len < total)
			return CP_ETRUNCATED;
		h->consumed = h->msg_len = total;
		*msg = p;
		return CP_OK;
	}
	st = walk_records(p, len, NULL, &w);
	if (st != CP_OK)
		return st;
	h->records = true;
	h->record_version = w.record_version;
	h->nrecords = w.nrecords;
	h->consumed = w.consumed;
	h->msg_len = w.msg_len;
	if (w.nrecords == 1) {
		*msg = p + RECORD_HEADER_LEN;
		return CP_OK;
	}
	*copy = malloc(CP_CHELLO_MAX_BYTES);
	if (!*copy)
		return CP_ENOMEM;
	st = walk_records(p, len, *copy, &w);
	*msg = *copy;
	return st;
}

int cp_chello_parse(const uint8_t *p, size_t len, struct cp_chello *h)
{
	const uint8_t *msg = NULL;
	uint8_t *copy = NULL;
	int st;

	memset(h, 0, sizeof *h);
	st = gather(p, len, h, &msg, &copy);
	if (st != CP_OK)
		goto out;
	if (msg[0] != HS_CLIENT_HELLO) {
		st = CP_EWRONGTYPE;
		goto out;
	}
	st = read_body(msg + HS_HEADER_LEN, h->msg_len - HS_HEADER_LEN, h);
out:
	free(copy);
	if (st != CP_OK) {
		memset(h, 0, sizeof *h);
	}
	return st;
}

const char *cp_chello_strerror(int status)
{
	switch (status) {
	case CP_OK: return "ok";
	case CP_ETRUNCATED: return "truncated: the bytes end before the ClientHello does";
	case CP_EWRONGTYPE: return "not a TLS handshake record holding a ClientHello";
	case CP_EBADDATA: return "malformed ClientHello (a length or field does not add up)";
	case CP_ETOOMANY: return "ClientHello lists more entries than cipherprobe accepts";
	case CP_ETOOBIG: return "ClientHello larger than 64 KiB";
	case CP_ENOMEM: return "out of memory";
	case CP_EINVAL: return "the server name cannot be sent";
	}
	return "unknown error";
}

bool cp_chello_is_grease(uint16_t v)
{
	return (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF);
}

const char *cp_chello_ext_name(uint16_t t)
{
	/* IANA TLS ExtensionType Values, the ones clients send */
	static const struct {
		uint16_t type;
		const char *name;
	} names[] = {
		{ 0, "server_name" },
		{ 1, "max_fragment_length" },
		{ 5, "status_request" },
		{ 10, "supported_groups" },
		{ 11, "ec_point_formats" },
		{ 13, "signature_algorithms" },
		{ 14, "use_srtp" },
		{ 15, "heartbeat" },
		{ 16, "application_layer_protocol_negotiation" },
		{ 17, "status_request_v2" },
		{ 18, "signed_certificate_timestamp" },
		{ 21, "padding" },
		{ 22, "encrypt_then_mac" },
		{ 23, "extended_master_secret" },
		{ 27, "compress_certificate" },
		{ 28, "record_size_limit" },
		{ 34, "delegated_credential" },
		{ 35, "session_ticket" },
		{ 41, "pre_shared_key" },
		{ 42, "early_data" },
		{ 43, "supported_versions" },
		{ 44, "cookie" },
		{ 45, "psk_key_exchange_modes" },
		{ 47, "certificate_authorities" },
		{ 49, "post_handshake_auth" },
		{ 50, "signature_algorithms_cert" },
		{ 51, "key_share" },
		{ 57, "quic_transport_parameters" },
		{ 17513, "application_settings" },
		{ 17613, "application_settings" },
		{ 65037, "encrypted_client_hello" },
		{ 65281, "renegotiation_info" },
	};

	if (cp_chello_is_grease(t))
		return "GREASE";
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].type == t)
			return names[i].name;
	return NULL;
}

/* A host name we can put in server_name (RFC 6066 3: no IP literals, no
 * trailing dot); its length in *n. */
static bool sni_ok(const char *s, size_t *n)
{
	*n = strnlen(s, CP_CHELLO_SNI_LEN + 2);
	if (*n > 0 && s[*n - 1] == '.')
		(*n)--;
	if (*n == 0 || *n > CP_CHELLO_SNI_LEN)
		return false;
	for (size_t i = 0; i < *n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* Bytes of a server_name extension body naming one host of length n. */
#define SNI_BODY_LEN(n) (2 + 1 + 2 + (n))

/* Write msg (the hello, header included) with server_name set to sni[0..n)
 * as one handshake message into m. */
static void rewrite_message(const uint8_t *msg, const struct cp_chello *h, const char *sni,
			    size_t n, struct cp_wbuf *m)
{
	size_t fixed = HS_HEADER_LEN + 2 + 32 + 1 + h->session_id_len + 2 + 2 * h->nsuites + 1 +
		       h->ncompressions;
	struct cp_rbuf b, exts;
	long delta = 0;
	size_t mark, emark;

	/* first pass: how much longer the message gets */
	cp_rbuf_init(&b, msg + fixed, h->msg_len - fixed);
	cp_rbuf_vec(&b, 2, &exts);
	while (cp_rbuf_left(&exts)) {
		struct cp_rbuf d;
		uint16_t type;

		cp_rbuf_u16(&exts, &type);
		cp_rbuf_vec(&exts, 2, &d);
		if (type == EXT_SERVER_NAME)
			delta = (long)SNI_BODY_LEN(n) - (long)cp_rbuf_left(&d);
	}

	cp_wbuf_u8(m, HS_CLIENT_HELLO);
	mark = cp_wbuf_open(m, 3);
	cp_wbuf_bytes(m, msg + HS_HEADER_LEN, fixed - HS_HEADER_LEN);
	emark = cp_wbuf_open(m, 2);
	cp_rbuf_init(&b, msg + fixed, h->msg_len - fixed);
	cp_rbuf_vec(&b, 2, &exts);
	while (cp_rbuf_left(&exts)) {
		struct cp_rbuf d;
		uint16_t type;
		size_t dm, lm;

		cp_rbuf_u16(&exts, &type);
		cp_rbuf_vec(&exts, 2, &d);
		cp_wbuf_u16(m, type);
		dm = cp_wbuf_open(m, 2);
		if (type == EXT_SERVER_NAME) {
			lm = cp_wbuf_open(m, 2);
			cp_wbuf_u8(m, 0); /* host_name */
			cp_wbuf_u16(m, (uint16_t)n);
			cp_wbuf_bytes(m, sni, n);
			cp_wbuf_close(m, lm, 2);
		} else if (type == EXT_PADDING && delta && (long)cp_rbuf_left(&d) - delta >= 0) {
			/* keep the message length, and so which side of 512 it is on */
			cp_wbuf_zeros(m, (size_t)((long)cp_rbuf_left(&d) - delta));
		} else {
			cp_wbuf_bytes(m, cp_rbuf_ptr(&d), cp_rbuf_left(&d));
		}
		cp_wbuf_close(m, dm, 2);
	}
	cp_wbuf_close(m, emark, 2);
	cp_wbuf_close(m, mark, 3);
}

int cp_chello_with_sni(const uint8_t *p, size_t len, const char *sni, struct cp_wbuf *out,
		       bool *rewritten)
{
	struct cp_chello *h = NULL;
	struct cp_wbuf m;
	const uint8_t *msg = NULL;
	uint8_t *copy = NULL;
	size_t n = 0, before = out->len;
	enum cp_status before_state = out->state;
	int st;

	cp_wbuf_init(&m, CP_CHELLO_MAX_BYTES);
	*rewritten = false;
	h = malloc(sizeof *h);
	if (!h) {
		st = CP_ENOMEM;
		goto out;
	}
	st = cp_chello_parse(p, len, h);
	if (st != CP_OK)
		goto out;
	if (!h->records) {
		st = CP_EWRONGTYPE;
		goto out;
	}
	if (!sni || !h->has_sni || cp_is_ip_literal(sni) ||
	    (sni_ok(sni, &n) && strlen(h->sni) == n && strncasecmp(h->sni, sni, n) == 0)) {
		cp_wbuf_bytes(out, p, h->consumed);
		goto out;
	}
	if (!sni_ok(sni, &n)) {
		st = CP_EINVAL;
		goto out;
	}
	st = gather(p, len, h, &msg, &copy);
	if (st != CP_OK)
		goto out;
	rewrite_message(msg, h, sni, n, &m);
	if (cp_wbuf_failed(&m)) {
		st = m.state == CP_ENOMEM ? CP_ENOMEM : CP_ETOOBIG;
		goto out;
	}
	for (size_t off = 0; off < m.len; off += RECORD_MAX) {
		size_t frag = m.len - off < RECORD_MAX ? m.len - off : RECORD_MAX;

		cp_wbuf_u8(out, CT_HANDSHAKE);
		cp_wbuf_u16(out, h->record_version);
		cp_wbuf_u16(out, (uint16_t)frag);
		cp_wbuf_bytes(out, m.data + off, frag);
	}
	*rewritten = true;
out:
	if (st == CP_OK && cp_wbuf_failed(out))
		st = out->state == CP_ENOMEM ? CP_ENOMEM : CP_ETOOBIG;
	if (st != CP_OK) {
		/* all or nothing: take back whatever was appended */
		out->len = before;
		out->state = before_state;
		*rewritten = false;
	}
	cp_wbuf_free(&m);
	free(copy);
	free(h);
	return st;
}
