/* SPDX-License-Identifier: MIT */
/* ClientHello intake; the contract is in tf_hello.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tf_hello.h"

/* RFC 5246 6.2.1: TLSPlaintext.length MUST NOT exceed 2^14. */
#define TF_PLAINTEXT_MAX 16384u

enum {
	CT_CHANGE_CIPHER_SPEC = 20,
	CT_ALERT = 21,
	CT_HANDSHAKE = 22,
	CT_APPLICATION_DATA = 23,
	CT_HEARTBEAT = 24
};

void tf_reasm_init(struct tf_reasm *r, int allow_ccs)
{
	memset(r, 0, sizeof *r);
	r->allow_ccs = allow_ccs;
	tf_wr_init(&r->hs, TF_HELLO_MAX);
}

void tf_reasm_free(struct tf_reasm *r)
{
	tf_wr_free(&r->hs);
}

/* Checks a complete 5-byte record header; returns 0 or fails. */
static enum tf_rx check_header(struct tf_reasm *r, uint8_t *alert)
{
	uint8_t type = r->hdr[0];
	size_t len = ((size_t)r->hdr[3] << 8) | r->hdr[4];

	*alert = 0;
	/* Not a TLS record at all (HTTP, SSH, noise): just hang up. */
	if (type < CT_CHANGE_CIPHER_SPEC || type > CT_HEARTBEAT || r->hdr[1] != 3)
		return TF_RX_FAIL;
	if (len > TF_PLAINTEXT_MAX) {
		*alert = TF_AL_RECORD_OVERFLOW;
		return TF_RX_FAIL;
	}
	if (type == CT_ALERT)
		return TF_RX_FAIL; /* the client gave up */
	/* RFC 8446 D.4: a compatibility-mode client may send one CCS. */
	if (type == CT_CHANGE_CIPHER_SPEC && r->allow_ccs && len == 1)
		return TF_RX_MORE;
	if (type != CT_HANDSHAKE) {
		*alert = TF_AL_UNEXPECTED_MESSAGE;
		return TF_RX_FAIL;
	}
	if (r->records == 0)
		r->record_version = (uint16_t)((r->hdr[1] << 8) | r->hdr[2]);
	return TF_RX_MORE;
}

/* Looks at the handshake bytes so far: is the hello complete? */
static enum tf_rx check_handshake(struct tf_reasm *r, uint8_t *alert)
{
	const uint8_t *d = r->hs.data;
	size_t need;

	if (r->hs.len < 4)
		return TF_RX_MORE;
	if (d[0] != 1) { /* client_hello (RFC 8446 4) */
		*alert = TF_AL_UNEXPECTED_MESSAGE;
		return TF_RX_FAIL;
	}
	need = 4 + (((size_t)d[1] << 16) | ((size_t)d[2] << 8) | d[3]);
	if (need > TF_HELLO_MAX) {
		*alert = 0; /* over our cap: close (README.md) */
		return TF_RX_FAIL;
	}
	if (r->hs.len < need)
		return TF_RX_MORE;
	/* Bytes after the hello in its last record are not ours to read. */
	r->hs.len = need;
	return TF_RX_DONE;
}

enum tf_rx tf_reasm_feed(struct tf_reasm *r, const uint8_t *p, size_t n, size_t *used,
			 uint8_t *alert)
{
	size_t i = 0;
	enum tf_rx st = TF_RX_MORE;

	*alert = 0;
	while (i < n) {
		if (!r->in_body) {
			/*
			 * SSLv2 record header (SSLv2 draft 1.2): the high bit
			 * of the first byte set means a 2-byte header and a
			 * 15-bit length.  TLS content types never set it.
			 */
			if (r->records == 0 && r->hdr_len == 0 && (p[i] & 0x80))
				r->v2 = 1;
			r->hdr[r->hdr_len++] = p[i++];
			if (r->v2 && r->hdr_len == 2) {
				r->body_left = ((size_t)(r->hdr[0] & 0x7f) << 8) | r->hdr[1];
				r->record_version = 0x0002;
				r->hdr_len = 0;
				r->in_body = 1;
				if (r->body_left == 0) {
					*used = i;
					return TF_RX_FAIL;
				}
				continue;
			}
			if (r->v2 || r->hdr_len < 5)
				continue;
			st = check_header(r, alert);
			if (st != TF_RX_MORE) {
				*used = i;
				return st;
			}
			r->body_left = ((size_t)r->hdr[3] << 8) | r->hdr[4];
			r->hdr_len = 0;
			r->in_body = 1;
			if (r->body_left > 0)
				continue;
		} else {
			size_t take = n - i < r->body_left ? n - i : r->body_left;

			/* CCS bodies (the only other type let through) are skipped. */
			if (r->v2 || r->hdr[0] == CT_HANDSHAKE) {
				tf_wr_bytes(&r->hs, p + i, take);
				if (r->hs.bad) {
					*used = i;
					return TF_RX_FAIL;
				}
			}
			i += take;
			r->body_left -= take;
			if (r->body_left > 0)
				continue;
		}
		/* A record just ended. */
		r->in_body = 0;
		r->records++;
		if (r->v2) {
			*used = i;
			return TF_RX_DONE;
		}
		st = check_handshake(r, alert);
		if (st != TF_RX_MORE) {
			*used = i;
			return st;
		}
	}
	*used = i;
	return TF_RX_MORE;
}

void tf_hello_free(struct tf_hello *h)
{
	free(h->suites);
	h->suites = NULL;
	h->nsuites = 0;
}

/*
 * SSLv2 CLIENT-HELLO (SSLv2 draft 2.5; RFC 5246 E.2 for the compatible
 * form):
 *   msg_type(1)=1  version(2)  cipher_spec_length(2)
 *   session_id_length(2)  challenge_length(2)
 *   cipher_specs[cipher_spec_length]  (3 bytes each)
 *   session_id[session_id_length]  challenge[challenge_length]
 */
static int parse_v2(struct tf_rd *r, struct tf_hello *h)
{
	uint8_t type;
	uint16_t cs_len, sid_len, ch_len;
	struct tf_rd cs, ch;

	if (tf_rd_u8(r, &type) || type != 1 || tf_rd_u16(r, &h->client_version) ||
	    tf_rd_u16(r, &cs_len) || tf_rd_u16(r, &sid_len) || tf_rd_u16(r, &ch_len))
		return TF_AL_DECODE_ERROR;
	if (cs_len == 0 || cs_len % 3 || sid_len > 32 || ch_len < 16 || ch_len > 32)
		return TF_AL_DECODE_ERROR;
	if (tf_rd_sub(r, cs_len, &cs) || tf_rd_copy(r, h->sid, sid_len) ||
	    tf_rd_sub(r, ch_len, &ch) || tf_rd_left(r) != 0)
		return TF_AL_DECODE_ERROR;
	h->sid_len = sid_len;
	/* E.2: the challenge is the random, right-aligned and zero-padded. */
	memcpy(h->random + 32 - ch_len, ch.p, ch_len);
	h->kinds = cs;
	h->nkinds = cs_len / 3;
	h->suites = malloc(h->nkinds * sizeof h->suites[0]);
	if (!h->suites)
		return TF_AL_INTERNAL_ERROR;
	for (size_t i = 0; i < h->nkinds; i++) {
		const uint8_t *k = cs.p + 3 * i;

		/* Kinds 0x00XXXX are TLS suites in SSLv2 clothing (E.2). */
		if (k[0] == 0)
			h->suites[h->nsuites++] = (uint16_t)((k[1] << 8) | k[2]);
		if (k[0] == 0 && k[1] == 0 && k[2] == 0xff)
			h->scsv = 1;
	}
	h->null_comp = 1;
	return 0;
}

/* Checks a list of 2-byte values with a width-byte length prefix. */
static int u16_list(struct tf_rd *ext, unsigned width, struct tf_rd *out)
{
	if (tf_rd_vec(ext, width, out) || tf_rd_left(ext) != 0 || out->len == 0 || out->len % 2)
		return -1;
	return 0;
}

/* RFC 6066 3: take the first host_name; other name types are skipped. */
static int parse_sni(struct tf_rd *ext, struct tf_hello *h)
{
	struct tf_rd list;

	if (tf_rd_vec(ext, 2, &list) || tf_rd_left(ext) != 0 || list.len == 0)
		return -1;
	while (tf_rd_left(&list)) {
		uint8_t type;
		struct tf_rd name;

		if (tf_rd_u8(&list, &type) || tf_rd_vec(&list, 2, &name) || name.len == 0)
			return -1;
		if (type == 0 && !h->has_sni) {
			size_t n = name.len < sizeof h->sni - 1 ? name.len : sizeof h->sni - 1;

			memcpy(h->sni, name.p, n);
			h->sni[n] = '\0';
			h->has_sni = 1;
		}
	}
	return 0;
}

/* RFC 8446 4.2.8: KeyShareEntry client_shares<0..2^16-1>. */
static int parse_key_share(struct tf_rd *ext, struct tf_hello *h)
{
	struct tf_rd list, walk;

	if (tf_rd_vec(ext, 2, &list) || tf_rd_left(ext) != 0)
		return -1;
	walk = list;
	while (tf_rd_left(&walk)) {
		uint16_t group;
		struct tf_rd key;

		if (tf_rd_u16(&walk, &group) || tf_rd_vec(&walk, 2, &key) || key.len == 0)
			return -1;
		h->nshares++;
	}
	h->ks = list;
	return 0;
}

static int parse_extensions(struct tf_rd *r, struct tf_hello *h)
{
	struct tf_rd exts;
	/* One bit per extension type: RFC 8446 4.2 forbids repeats. */
	uint8_t seen[65536 / 8];

	if (tf_rd_left(r) == 0)
		return 0; /* RFC 5246 7.4.1.2: extensions may be absent */
	if (tf_rd_vec(r, 2, &exts) || tf_rd_left(r) != 0)
		return TF_AL_DECODE_ERROR;
	h->has_ext = 1;
	memset(seen, 0, sizeof seen);
	while (tf_rd_left(&exts)) {
		uint16_t type;
		struct tf_rd ext;
		int bad = 0;

		if (tf_rd_u16(&exts, &type) || tf_rd_vec(&exts, 2, &ext))
			return TF_AL_DECODE_ERROR;
		if (seen[type / 8] & (1u << (type % 8)))
			return TF_AL_ILLEGAL_PARAMETER;
		seen[type / 8] |= (uint8_t)(1u << (type % 8));
		h->next++;
		switch (type) {
		case 0: /* server_name */ bad = parse_sni(&ext, h); break;
		case 10: /* supported_groups */
			bad = u16_list(&ext, 2, &h->groups);
			h->has_groups = 1;
			break;
		case 11: /* ec_point_formats */ h->ecpf_ext = 1; break;
		case 13: /* signature_algorithms */
			bad = u16_list(&ext, 2, &h->sigalgs);
			h->has_sigalgs = 1;
			break;
		case 43: /* supported_versions: versions<2..254> */
			bad = u16_list(&ext, 1, &h->sv);
			h->has_sv = 1;
			break;
		case 51: /* key_share */
			bad = parse_key_share(&ext, h);
			h->has_ks = 1;
			break;
		case 0xff01: /* renegotiation_info */ h->reneg_ext = 1; break;
		default: break;
		}
		if (bad)
			return TF_AL_DECODE_ERROR;
	}
	return 0;
}

/*
 * RFC 8446 4.1.2 (RFC 5246 7.4.1.2 is the same up to the extensions):
 *   ProtocolVersion legacy_version; Random random;
 *   opaque legacy_session_id<0..32>;
 *   CipherSuite cipher_suites<2..2^16-2>;
 *   opaque legacy_compression_methods<1..2^8-1>;
 *   Extension extensions<8..2^16-1>;   (may be absent before TLS 1.3)
 */
static int parse_tls(struct tf_rd *r, struct tf_hello *h)
{
	uint8_t type;
	uint32_t len;
	struct tf_rd body, sid, cs, comp;

	if (tf_rd_u8(r, &type) || type != 1 || tf_rd_u24(r, &len) || tf_rd_sub(r, len, &body) ||
	    tf_rd_left(r) != 0)
		return TF_AL_DECODE_ERROR;
	if (tf_rd_u16(&body, &h->client_version) || tf_rd_copy(&body, h->random, 32) ||
	    tf_rd_vec(&body, 1, &sid) || sid.len > 32 || tf_rd_vec(&body, 2, &cs) || cs.len < 2 ||
	    cs.len % 2 || tf_rd_vec(&body, 1, &comp) || comp.len < 1)
		return TF_AL_DECODE_ERROR;
	memcpy(h->sid, sid.p, sid.len);
	h->sid_len = sid.len;
	h->suites = malloc(cs.len / 2 * sizeof h->suites[0]);
	if (!h->suites)
		return TF_AL_INTERNAL_ERROR;
	while (tf_rd_left(&cs)) {
		uint16_t s;

		(void)tf_rd_u16(&cs, &s); /* even length checked above */
		h->suites[h->nsuites++] = s;
		if (s == 0x00ff)
			h->scsv = 1;
	}
	for (size_t i = 0; i < comp.len; i++)
		if (comp.p[i] == 0)
			h->null_comp = 1;
	return parse_extensions(&body, h);
}

int tf_hello_parse(const uint8_t *msg, size_t len, int v2, uint16_t record_version,
		   struct tf_hello *h)
{
	struct tf_rd r;

	memset(h, 0, sizeof *h);
	h->v2 = v2;
	h->msg_len = len;
	h->record_version = record_version;
	tf_rd_init(&r, msg, len);
	return v2 ? parse_v2(&r, h) : parse_tls(&r, h);
}

int tf_hello_offers_suite(const struct tf_hello *h, uint16_t suite)
{
	for (size_t i = 0; i < h->nsuites; i++)
		if (h->suites[i] == suite)
			return 1;
	return 0;
}

/* Searches a validated list of 2-byte values. */
static int list_has(const struct tf_rd *l, uint16_t v)
{
	for (size_t i = 0; i + 1 < l->len; i += 2)
		if (((l->p[i] << 8) | l->p[i + 1]) == v)
			return 1;
	return 0;
}

int tf_hello_offers_group(const struct tf_hello *h, uint16_t group)
{
	return h->has_groups && list_has(&h->groups, group);
}

int tf_hello_offers_version(const struct tf_hello *h, uint16_t v)
{
	return h->has_sv && list_has(&h->sv, v);
}

int tf_hello_offers_sigalg(const struct tf_hello *h, uint16_t s)
{
	return h->has_sigalgs && list_has(&h->sigalgs, s);
}

int tf_hello_offers_kind(const struct tf_hello *h, uint32_t kind)
{
	for (size_t i = 0; i < h->nkinds; i++)
		if ((uint32_t)tf_hello_kind_at(h, i) == kind)
			return 1;
	return 0;
}

int tf_hello_share_group(const struct tf_hello *h, size_t i)
{
	struct tf_rd walk = h->ks;

	/* The list was validated by parse_key_share(). */
	while (tf_rd_left(&walk)) {
		uint16_t group;
		struct tf_rd key;

		if (tf_rd_u16(&walk, &group) || tf_rd_vec(&walk, 2, &key))
			return -1;
		if (i-- == 0)
			return group;
	}
	return -1;
}

int tf_hello_has_share(const struct tf_hello *h, uint16_t group)
{
	struct tf_rd walk = h->ks;

	while (tf_rd_left(&walk)) {
		uint16_t g;
		struct tf_rd key;

		if (tf_rd_u16(&walk, &g) || tf_rd_vec(&walk, 2, &key))
			return 0;
		if (g == group)
			return 1;
	}
	return 0;
}

int tf_hello_group_at(const struct tf_hello *h, size_t i)
{
	if (!h->has_groups || 2 * i + 1 >= h->groups.len)
		return -1;
	return (h->groups.p[2 * i] << 8) | h->groups.p[2 * i + 1];
}

long tf_hello_kind_at(const struct tf_hello *h, size_t i)
{
	const uint8_t *k;

	if (i >= h->nkinds)
		return -1;
	k = h->kinds.p + 3 * i;
	return ((long)k[0] << 16) | ((long)k[1] << 8) | k[2];
}
