/* SPDX-License-Identifier: MIT */
/* Negotiation and reply encoding; the contract is in tf_answer.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tf_answer.h"
#include "tf_tables.h"

enum { CT_CHANGE_CIPHER_SPEC = 20, CT_ALERT = 21, CT_HANDSHAKE = 22 };

enum {
	HT_SERVER_HELLO = 2,
	HT_CERTIFICATE = 11,
	HT_SERVER_KEY_EXCHANGE = 12,
	HT_SERVER_HELLO_DONE = 14
};

/* RFC 5246 6.2.1 */
#define TF_FRAGMENT_MAX 16384u
/* RFC 5246 6.2.3: the largest TLSCiphertext is 2^14 + 2048. */
#define TF_CIPHERTEXT_MAX (16384u + 2048u)

/* The outcome of negotiation for one hello. */
struct decision {
	uint8_t alert;    /* nonzero: answer with this alert only */
	int hrr;          /* a HelloRetryRequest instead of ServerHello */
	uint16_t version; /* negotiated; >= 0x0304 means TLS 1.3 shape */
	uint16_t suite;
	enum tf_kx kx;
	const struct tf_group *group; /* key_share group or ECDHE curve */
	uint16_t sigalg;              /* TLS 1.2 ServerKeyExchange signature */
};

void tf_reply_init(struct tf_reply *r)
{
	tf_wr_init(&r->out, TF_REPLY_MAX);
	r->after = TF_AFTER_WAIT;
	r->pace_ms = 0;
	r->pace_after = 0;
	r->note[0] = '\0';
}

void tf_reply_free(struct tf_reply *r)
{
	tf_wr_free(&r->out);
}

static int has_version(const struct tf_cfg *c, uint16_t v)
{
	return v >= 0x0300 && v <= 0x0304 && (c->versions & TF_VBIT(v));
}

static int cfg_has_suite(const struct tf_cfg *c, uint16_t s)
{
	for (size_t i = 0; i < c->nsuites; i++)
		if (c->suites[i] == s)
			return 1;
	return 0;
}

static int cfg_has_group(const struct tf_cfg *c, uint16_t g)
{
	for (size_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == g)
			return 1;
	return 0;
}

static const char *version_name(uint16_t v)
{
	switch (v) {
	case 0x0002: return "SSLv2";
	case 0x0300: return "SSLv3";
	case 0x0301: return "TLSv1.0";
	case 0x0302: return "TLSv1.1";
	case 0x0303: return "TLSv1.2";
	case 0x0304: return "TLSv1.3";
	default: return "unknown-version";
	}
}

/* ---- negotiation ---------------------------------------------------- */

/*
 * RFC 8446 4.2.1: a TLS 1.3 server takes the version from
 * supported_versions when present; otherwise (and always for a server
 * without TLS 1.3, which does not know the extension) the highest version
 * it has at or below legacy_version (RFC 5246 E.1), never TLS 1.3.
 */
static uint16_t pick_version(const struct tf_cfg *c, const struct tf_hello *h, uint8_t *alert)
{
	uint16_t cv = h->client_version;

	if (has_version(c, 0x0304) && h->has_sv) {
		for (uint16_t v = 0x0304; v >= 0x0300; v--)
			if (has_version(c, v) && tf_hello_offers_version(h, v))
				return v;
		*alert = TF_AL_PROTOCOL_VERSION;
		return 0;
	}
	if (cv < 0x0300) {
		*alert = TF_AL_PROTOCOL_VERSION;
		return 0;
	}
	if (cv > 0x0303)
		cv = 0x0303;
	for (uint16_t v = cv; v >= 0x0300; v--)
		if (has_version(c, v))
			return v;
	*alert = TF_AL_PROTOCOL_VERSION;
	return 0;
}

/* A version the client did not offer (unoffered-version). */
static uint16_t unoffered_version(const struct tf_hello *h)
{
	if (h->has_sv) {
		for (uint16_t v = 0x0304; v >= 0x0300; v--)
			if (!tf_hello_offers_version(h, v))
				return v;
		return 0x0305;
	}
	/* Without supported_versions every version up to legacy_version
	 * counts as offered, so only a higher one is a lie. */
	if (h->client_version < 0x0300)
		return 0x0300;
	return h->client_version < 0x0303 ? (uint16_t)(h->client_version + 1) : 0x0304;
}

/*
 * The TLS 1.2 ECDHE curve (RFC 8422 5.1.1): one in both lists, by the
 * listener's order; a client without supported_groups takes any.
 */
static const struct tf_group *pick_curve(const struct tf_cfg *c, const struct tf_hello *h)
{
	const struct tf_group *g;

	if (!h->has_groups || c->server_order) {
		for (size_t i = 0; i < c->ngroups; i++) {
			g = tf_group_find(c->groups[i]);
			if (g && g->tls12 && (!h->has_groups || tf_hello_offers_group(h, g->id)))
				return g;
		}
		return NULL;
	}
	for (size_t i = 0; tf_hello_group_at(h, i) >= 0; i++) {
		uint16_t id = (uint16_t)tf_hello_group_at(h, i);

		g = tf_group_find(id);
		if (g && g->tls12 && cfg_has_group(c, id))
			return g;
	}
	return NULL;
}

/* A group the client neither listed nor sent a share for. */
static const struct tf_group *unoffered_group(const struct tf_cfg *c, const struct tf_hello *h,
					      int tls13)
{
	const struct tf_group *g;

	for (size_t i = 0; i < c->ngroups; i++) {
		g = tf_group_find(c->groups[i]);
		if (g && (tls13 ? g->tls13 : g->tls12) && !tf_hello_offers_group(h, g->id) &&
		    !tf_hello_has_share(h, g->id))
			return g;
	}
	for (size_t i = 0; (g = tf_group_at(i)) != NULL; i++)
		if ((tls13 ? g->tls13 : g->tls12) && !tf_hello_offers_group(h, g->id) &&
		    !tf_hello_has_share(h, g->id))
			return g;
	return tf_group_find(c->groups[0]);
}

static int suite_fits(uint16_t s, int tls13, int have_curve)
{
	enum tf_kx kx = tf_suite_kx(s);

	/* Signalling values are never suites (RFC 5746 3.3, RFC 7507). */
	if (s == 0x00ff || s == 0x5600)
		return 0;
	if (tls13)
		return kx == TF_KX_TLS13;
	return kx != TF_KX_TLS13 && (!tf_kx_needs_curve(kx) || have_curve);
}

static int pick_suite(const struct tf_cfg *c, const struct tf_hello *h, int tls13,
		      const struct tf_group *curve, uint16_t *out)
{
	if (c->server_order) {
		for (size_t i = 0; i < c->nsuites; i++)
			if (suite_fits(c->suites[i], tls13, curve != NULL) &&
			    tf_hello_offers_suite(h, c->suites[i])) {
				*out = c->suites[i];
				return 0;
			}
		return -1;
	}
	for (size_t i = 0; i < h->nsuites; i++)
		if (suite_fits(h->suites[i], tls13, curve != NULL) &&
		    cfg_has_suite(c, h->suites[i])) {
			*out = h->suites[i];
			return 0;
		}
	return -1;
}

/* The client's first suite of the right shape (unoffered-version). */
static int first_offered(const struct tf_hello *h, int tls13, uint16_t *out)
{
	for (size_t i = 0; i < h->nsuites; i++)
		if (suite_fits(h->suites[i], tls13, 1)) {
			*out = h->suites[i];
			return 0;
		}
	return -1;
}

/* A suite of the right protocol shape the client did not offer. */
static uint16_t unoffered_suite(const struct tf_cfg *c, const struct tf_hello *h, int tls13)
{
	static const uint16_t fallback[] = {
		0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xC02F, 0xC030, 0xC013,
		0xC014, 0x009C, 0x002F, 0x0035, 0x000A, 0x0005, 0x0004, 0x0003,
	};
	uint32_t s;

	for (size_t i = 0; i < c->nsuites; i++)
		if (suite_fits(c->suites[i], tls13, 1) && !tf_hello_offers_suite(h, c->suites[i]))
			return c->suites[i];
	for (size_t i = 0; i < sizeof fallback / sizeof fallback[0]; i++)
		if (suite_fits(fallback[i], tls13, 1) && !tf_hello_offers_suite(h, fallback[i]))
			return fallback[i];
	for (s = tls13 ? 0x1301 : 0x0001; s <= (tls13 ? 0x13ffu : 0xfeffu); s++)
		if (suite_fits((uint16_t)s, tls13, 1) && !tf_hello_offers_suite(h, (uint16_t)s))
			return (uint16_t)s;
	return tls13 ? 0x1301 : 0x002F;
}

/*
 * TLS 1.2 SignatureAndHashAlgorithm for the ServerKeyExchange (RFC 5246
 * 7.4.1.4.1): the client's first one that fits the certificate; without
 * the extension, the RFC's default {sha1, rsa|ecdsa}; 0 when the client
 * listed schemes and none fits (the hello is then refused).
 */
static uint16_t pick_sigalg(const struct tf_cfg *c, const struct tf_hello *h)
{
	static const uint16_t rsa[] = { 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201 };
	static const uint16_t ecdsa[] = { 0x0403, 0x0503, 0x0603, 0x0203 };
	const uint16_t *list = c->cert == TF_CERT_ECDSA ? ecdsa : rsa;
	size_t n = c->cert == TF_CERT_ECDSA ? sizeof ecdsa / sizeof ecdsa[0]
					    : sizeof rsa / sizeof rsa[0];

	if (h->has_sigalgs)
		for (size_t i = 0; 2 * i + 1 < h->sigalgs.len; i++) {
			uint16_t s =
				(uint16_t)((h->sigalgs.p[2 * i] << 8) | h->sigalgs.p[2 * i + 1]);

			for (size_t j = 0; j < n; j++)
				if (list[j] == s)
					return s;
		}
	return h->has_sigalgs ? 0 : list[n - 1];
}

/*
 * TLS 1.3 CertificateVerify (RFC 8446 4.2.3, 4.4.3): a scheme the client
 * offered that the key makes: rsa_pss_rsae_* for the RSA key, the P-256
 * one for the ECDSA key.  OpenSSL chooses it before the ServerHello and
 * refuses the hello when none fits.  A hello without the extension is let
 * through, as before.
 */
static int sigalg13_fits(const struct tf_cfg *c, const struct tf_hello *h)
{
	if (!h->has_sigalgs)
		return 1;
	if (c->cert == TF_CERT_ECDSA)
		return tf_hello_offers_sigalg(h, 0x0403);
	return tf_hello_offers_sigalg(h, 0x0804) || tf_hello_offers_sigalg(h, 0x0805) ||
	       tf_hello_offers_sigalg(h, 0x0806);
}

/*
 * TLS 1.3 group (RFC 8446 4.2.8, 4.1.4): a share for an accepted group
 * gets a ServerHello; else a group both sides support gets an HRR.  With
 * hrr, only the listener's most preferred common group will do.
 */
static void pick_group13(const struct tf_cfg *c, const struct tf_hello *h,
			 const struct tf_session *s, struct decision *d)
{
	const struct tf_group *common = NULL, *g;

	if (s->hrr_sent) {
		/* RFC 8446 4.1.4: the second hello must answer the HRR. */
		d->group = tf_group_find(s->hrr_group);
		if (!d->group || !tf_hello_has_share(h, s->hrr_group) ||
		    !tf_hello_offers_suite(h, s->hrr_suite))
			d->alert = TF_AL_ILLEGAL_PARAMETER;
		d->suite = s->hrr_suite;
		return;
	}
	if (c->unoffered_group) {
		d->group = unoffered_group(c, h, 1);
		d->hrr = c->hrr;
		return;
	}
	/* RFC 8446 9.2: supported_groups and key_share come together. */
	if (!h->has_groups || !h->has_ks) {
		d->alert = TF_AL_MISSING_EXTENSION;
		return;
	}
	if (c->server_order) {
		for (size_t i = 0; i < c->ngroups && !common; i++) {
			g = tf_group_find(c->groups[i]);
			if (g && g->tls13 && tf_hello_offers_group(h, g->id))
				common = g;
		}
	} else {
		for (size_t i = 0; tf_hello_group_at(h, i) >= 0 && !common; i++) {
			g = tf_group_find((uint16_t)tf_hello_group_at(h, i));
			if (g && g->tls13 && cfg_has_group(c, g->id))
				common = g;
		}
	}
	if (c->hrr) {
		if (!common)
			d->alert = TF_AL_HANDSHAKE_FAILURE;
		d->group = common;
		d->hrr = common && !tf_hello_has_share(h, common->id);
		return;
	}
	if (c->server_order) {
		for (size_t i = 0; i < c->ngroups; i++) {
			g = tf_group_find(c->groups[i]);
			if (g && g->tls13 && tf_hello_has_share(h, g->id)) {
				d->group = g;
				return;
			}
		}
	} else {
		int id;

		for (size_t i = 0; (id = tf_hello_share_group(h, i)) >= 0; i++) {
			g = tf_group_find((uint16_t)id);
			if (g && g->tls13 && cfg_has_group(c, g->id)) {
				d->group = g;
				return;
			}
		}
	}
	if (!common) {
		d->alert = TF_AL_HANDSHAKE_FAILURE;
		return;
	}
	d->group = common;
	d->hrr = 1;
}

static void negotiate(const struct tf_cfg *c, const struct tf_hello *h, const struct tf_session *s,
		      struct decision *d)
{
	int tls13;

	memset(d, 0, sizeof *d);
	/* RFC 5246 7.4.1.2: null compression MUST be offered (OpenSSL
	 * answers its absence with decode_error). */
	if (!h->null_comp) {
		d->alert = TF_AL_DECODE_ERROR;
		return;
	}
	if (s->hrr_sent)
		d->version = 0x0304;
	else if (c->unoffered_version)
		d->version = unoffered_version(h);
	else
		d->version = pick_version(c, h, &d->alert);
	if (d->alert)
		return;
	tls13 = d->version >= 0x0304;

	/* RFC 7507 3: a fallback below our best is refused. */
	if (!c->unoffered_version && tf_hello_offers_suite(h, 0x5600)) {
		uint16_t best = 0x0300;

		for (uint16_t v = 0x0300; v <= 0x0304; v++)
			if (has_version(c, v) && (v < 0x0304 || h->has_sv))
				best = v;
		if (d->version < best) {
			d->alert = TF_AL_INAPPROPRIATE_FALLBACK;
			return;
		}
	}

	if (tls13) {
		if (!s->hrr_sent) {
			if (c->unoffered)
				d->suite = unoffered_suite(c, h, 1);
			else if (pick_suite(c, h, 1, NULL, &d->suite)) {
				/* unoffered-version answers anyway. */
				if (!c->unoffered_version) {
					d->alert = TF_AL_HANDSHAKE_FAILURE;
					return;
				}
				if (first_offered(h, 1, &d->suite))
					d->suite = unoffered_suite(c, h, 1);
			}
			if (!c->unoffered_version && !sigalg13_fits(c, h)) {
				d->alert = TF_AL_HANDSHAKE_FAILURE;
				return;
			}
		}
		d->kx = TF_KX_TLS13;
		pick_group13(c, h, s, d);
		if (d->alert && c->unoffered_version) {
			/* This bug answers anyway, with any group. */
			d->alert = 0;
			d->hrr = 0;
			d->group = d->group ? d->group : tf_group_find(c->groups[0]);
		}
		return;
	}

	d->group = c->unoffered_group ? unoffered_group(c, h, 0) : pick_curve(c, h);
	if (c->unoffered)
		d->suite = unoffered_suite(c, h, 0);
	else if (pick_suite(c, h, 0, d->group, &d->suite)) {
		if (!c->unoffered_version) {
			d->alert = TF_AL_HANDSHAKE_FAILURE;
			return;
		}
		if (first_offered(h, 0, &d->suite))
			d->suite = unoffered_suite(c, h, 0);
	}
	d->kx = tf_suite_kx(d->suite);
	if (tf_kx_needs_curve(d->kx) && !d->group)
		d->group = tf_group_find(29);
	d->sigalg = pick_sigalg(c, h);
	/* RFC 5246 7.4.1.4.1: a signed key exchange with none of the
	 * client's schemes is refused, as OpenSSL does */
	if (!d->sigalg && d->version >= 0x0303 && (d->kx == TF_KX_ECDHE || d->kx == TF_KX_DHE))
		d->alert = TF_AL_HANDSHAKE_FAILURE;
}

/* ---- encoding ------------------------------------------------------- */

/* Record layer (RFC 5246 6.2.1): split into fragments of at most frag. */
static void put_records(struct tf_wr *out, uint8_t type, uint16_t version, const uint8_t *p,
			size_t n, size_t frag)
{
	while (n > 0) {
		size_t take = n < frag ? n : frag;

		tf_wr_u8(out, type);
		tf_wr_u16(out, version);
		tf_wr_u16(out, (unsigned)take);
		tf_wr_bytes(out, p, take);
		p += take;
		n -= take;
	}
}

static void put_handshake(const struct tf_cfg *c, struct tf_wr *out, uint16_t version,
			  const struct tf_wr *hs)
{
	/* onebyte: RFC 8446 5.1 lets handshake messages span records. */
	put_records(out, CT_HANDSHAKE, version, hs->data, hs->len,
		    c->onebyte ? 1 : TF_FRAGMENT_MAX);
}

/* Fatal alert (RFC 5246 7.2): level 2, one record, never fragmented. */
static void put_alert(struct tf_wr *out, uint16_t version, uint8_t desc)
{
	const uint8_t body[2] = { 2, desc };

	put_records(out, CT_ALERT, version, body, 2, TF_FRAGMENT_MAX);
}

/* Record version for an answer before any version is agreed. */
static uint16_t early_version(const struct tf_hello *h)
{
	if (h && !h->v2 && (h->record_version == 0x0300 || h->client_version == 0x0300))
		return 0x0300;
	return 0x0301;
}

static uint16_t record_version(uint16_t negotiated)
{
	/* RFC 8446 5.1: TLS 1.3 records say TLS 1.2. */
	return negotiated >= 0x0303 ? 0x0303 : negotiated;
}

/*
 * ServerHello, TLS 1.2 and older (RFC 5246 7.4.1.3).  Extensions only
 * answer the client's: renegotiation_info (RFC 5746 3.6, also for the
 * SCSV) and ec_point_formats (RFC 8422 5.2).  A server that also speaks
 * TLS 1.3 marks the random with the downgrade sentinel (RFC 8446 4.1.3).
 */
static int put_server_hello12(const struct tf_cfg *c, const struct tf_hello *h,
			      const struct decision *d, struct tf_wr *hs)
{
	static const uint8_t downgrd[8] = { 'D', 'O', 'W', 'N', 'G', 'R', 'D', 0 };
	uint8_t random[32], sid[32];
	size_t msg, exts;
	int reneg = h->reneg_ext || h->scsv;
	int ecpf = h->ecpf_ext && tf_kx_needs_curve(d->kx);

	if (tf_random(random, sizeof random) || tf_random(sid, sizeof sid))
		return -1;
	if (has_version(c, 0x0304)) {
		memcpy(random + 24, downgrd, 8);
		random[31] = d->version == 0x0303 ? 1 : 0;
	}
	tf_wr_u8(hs, HT_SERVER_HELLO);
	msg = tf_wr_open(hs, 3);
	tf_wr_u16(hs, d->version);
	tf_wr_bytes(hs, random, sizeof random);
	tf_wr_u8(hs, sizeof sid);
	tf_wr_bytes(hs, sid, sizeof sid);
	tf_wr_u16(hs, d->suite);
	tf_wr_u8(hs, 0);
	if (reneg || ecpf) {
		exts = tf_wr_open(hs, 2);
		if (reneg) {
			tf_wr_u16(hs, 0xff01);
			tf_wr_u16(hs, 1);
			tf_wr_u8(hs, 0);
		}
		if (ecpf) {
			tf_wr_u16(hs, 11);
			tf_wr_u16(hs, 2);
			tf_wr_u8(hs, 1);
			tf_wr_u8(hs, 0); /* uncompressed */
		}
		tf_wr_close(hs, exts, 2);
	}
	tf_wr_close(hs, msg, 3);
	return 0;
}

/*
 * ServerHello or HelloRetryRequest, TLS 1.3 (RFC 8446 4.1.3, 4.1.4):
 * legacy_version 0x0303, the client's session id echoed, then
 * supported_versions and key_share (a KeyShareEntry, or for HRR just the
 * selected_group).
 */
static int put_server_hello13(struct tf_keys *k, const struct tf_hello *h, const struct decision *d,
			      struct tf_wr *hs)
{
	uint8_t random[32];
	size_t msg, exts, ext;
	const uint8_t *share = NULL;
	size_t share_len = 0;

	if (d->hrr)
		memcpy(random, tf_hrr_random, sizeof random);
	else if (tf_random(random, sizeof random))
		return -1;
	if (!d->hrr && d->group && tf_keys_share(k, d->group, &share, &share_len))
		return -1;
	tf_wr_u8(hs, HT_SERVER_HELLO);
	msg = tf_wr_open(hs, 3);
	tf_wr_u16(hs, 0x0303);
	tf_wr_bytes(hs, random, sizeof random);
	tf_wr_u8(hs, (unsigned)h->sid_len);
	tf_wr_bytes(hs, h->sid, h->sid_len);
	tf_wr_u16(hs, d->suite);
	tf_wr_u8(hs, 0);
	exts = tf_wr_open(hs, 2);
	tf_wr_u16(hs, 43); /* supported_versions */
	tf_wr_u16(hs, 2);
	tf_wr_u16(hs, d->version);
	if (d->group) {
		tf_wr_u16(hs, 51); /* key_share */
		ext = tf_wr_open(hs, 2);
		tf_wr_u16(hs, d->group->id);
		if (!d->hrr) {
			size_t key = tf_wr_open(hs, 2);

			tf_wr_bytes(hs, share, share_len);
			tf_wr_close(hs, key, 2);
		}
		tf_wr_close(hs, ext, 2);
	}
	tf_wr_close(hs, exts, 2);
	tf_wr_close(hs, msg, 3);
	return 0;
}

/* Certificate (RFC 5246 7.4.2): one self-signed certificate. */
static int put_certificate(const struct tf_cfg *c, struct tf_keys *k, struct tf_wr *hs)
{
	const uint8_t *der;
	size_t len, msg, list, one;

	if (tf_keys_cert(k, c->cert, c->evil_cert, &der, &len))
		return -1;
	tf_wr_u8(hs, HT_CERTIFICATE);
	msg = tf_wr_open(hs, 3);
	list = tf_wr_open(hs, 3);
	one = tf_wr_open(hs, 3);
	tf_wr_bytes(hs, der, len);
	tf_wr_close(hs, one, 3);
	tf_wr_close(hs, list, 3);
	tf_wr_close(hs, msg, 3);
	return 0;
}

/*
 * A signature of the right shape but no meaning: RSA, bytes below any
 * 2048-bit modulus; ECDSA, a DER Ecdsa-Sig-Value (RFC 8422 5.4) of two
 * 32-byte positive INTEGERs.
 */
static int put_dummy_signature(const struct tf_cfg *c, struct tf_wr *hs)
{
	uint8_t sig[256];
	size_t len;

	if (tf_random(sig, sizeof sig))
		return -1;
	if (c->cert == TF_CERT_ECDSA) {
		uint8_t der[70];

		der[0] = 0x30;
		der[1] = 68;
		der[2] = 0x02;
		der[3] = 32;
		memcpy(der + 4, sig, 32);
		der[4] = (uint8_t)((der[4] & 0x7f) | 0x01);
		der[36] = 0x02;
		der[37] = 32;
		memcpy(der + 38, sig + 32, 32);
		der[38] = (uint8_t)((der[38] & 0x7f) | 0x01);
		len = tf_wr_open(hs, 2);
		tf_wr_bytes(hs, der, sizeof der);
		tf_wr_close(hs, len, 2);
		return 0;
	}
	sig[0] &= 0x7f;
	len = tf_wr_open(hs, 2);
	tf_wr_bytes(hs, sig, sizeof sig);
	tf_wr_close(hs, len, 2);
	return 0;
}

/*
 * ServerKeyExchange (RFC 5246 7.4.3; RFC 8422 5.4 for ECDHE; RFC 4279 and
 * RFC 5489 prefix an identity hint for the PSK kinds):
 *   [psk_identity_hint<0..2^16-1>]
 *   ECDHE: curve_type=named_curve(3), NamedCurve, ECPoint point<1..255>
 *   DHE:   dh_p<1..2^16-1>, dh_g<1..2^16-1>, dh_Ys<1..2^16-1>
 *   signed kinds: [SignatureAndHashAlgorithm, TLS 1.2 only] signature<2>
 */
static int put_server_key_exchange(const struct tf_cfg *c, struct tf_keys *k,
				   const struct decision *d, struct tf_wr *hs)
{
	size_t msg, v;
	int psk = d->kx == TF_KX_ECDHE_PSK || d->kx == TF_KX_DHE_PSK;
	int signed_kx = d->kx == TF_KX_ECDHE || d->kx == TF_KX_DHE;

	tf_wr_u8(hs, HT_SERVER_KEY_EXCHANGE);
	msg = tf_wr_open(hs, 3);
	if (psk)
		tf_wr_u16(hs, 0); /* empty hint */
	if (tf_kx_needs_curve(d->kx)) {
		const uint8_t *pt;
		size_t n;

		if (!d->group || tf_keys_share(k, d->group, &pt, &n) || n > 255)
			return -1;
		tf_wr_u8(hs, 3);
		tf_wr_u16(hs, d->group->id);
		v = tf_wr_open(hs, 1);
		tf_wr_bytes(hs, pt, n);
		tf_wr_close(hs, v, 1);
	} else {
		const uint8_t *p, *g, *ys;
		size_t pl, gl, yl;

		if (tf_keys_dhe(k, &p, &pl, &g, &gl, &ys, &yl))
			return -1;
		v = tf_wr_open(hs, 2);
		tf_wr_bytes(hs, p, pl);
		tf_wr_close(hs, v, 2);
		v = tf_wr_open(hs, 2);
		tf_wr_bytes(hs, g, gl);
		tf_wr_close(hs, v, 2);
		v = tf_wr_open(hs, 2);
		tf_wr_bytes(hs, ys, yl);
		tf_wr_close(hs, v, 2);
	}
	if (signed_kx) {
		if (d->version >= 0x0303)
			tf_wr_u16(hs, d->sigalg);
		if (put_dummy_signature(c, hs))
			return -1;
	}
	tf_wr_close(hs, msg, 3);
	return 0;
}

static void note_decision(const struct decision *d, const char *extra, struct tf_reply *r)
{
	snprintf(r->note, sizeof r->note, "%s %s suite 0x%04X group %u%s",
		 d->hrr ? "HelloRetryRequest" : "ServerHello", version_name(d->version), d->suite,
		 d->group ? d->group->id : 0u, extra);
}

/* The accept behaviour (and trickle's first message): a TLS answer. */
static int answer_tls(const struct tf_cfg *c, struct tf_keys *k, const struct tf_hello *h,
		      struct tf_session *s, struct tf_reply *r)
{
	struct decision d;
	struct tf_wr hs;
	int first_only = c->sh_alert || c->sh_hang || c->behaviour == TF_B_TRICKLE;
	int rc = -1;
	uint16_t rv;
	size_t sh_len = 0;

	negotiate(c, h, s, &d);
	if (d.alert) {
		put_alert(&r->out, s->hrr_sent ? 0x0303 : early_version(h), d.alert);
		r->after = TF_AFTER_SHUTDOWN;
		snprintf(r->note, sizeof r->note, "alert %u", d.alert);
		return r->out.bad ? -1 : 0;
	}
	rv = record_version(d.version);
	tf_wr_init(&hs, TF_REPLY_MAX);
	if (d.version >= 0x0304) {
		if (put_server_hello13(k, h, &d, &hs))
			goto out;
	} else {
		if (put_server_hello12(c, h, &d, &hs))
			goto out;
		sh_len = hs.len;
		if (!first_only) {
			if (tf_kx_sends_cert(d.kx) && put_certificate(c, k, &hs))
				goto out;
			if (d.kx != TF_KX_OTHER && d.kx != TF_KX_PSK &&
			    put_server_key_exchange(c, k, &d, &hs))
				goto out;
			tf_wr_u8(&hs, HT_SERVER_HELLO_DONE);
			tf_wr_u24(&hs, 0);
		}
	}
	if (hs.bad)
		goto out;
	if (c->sh_drip && sh_len && sh_len < hs.len && !first_only) {
		/* the ServerHello in its own record at once, the rest of the
		 * flight one byte per interval: a handshake that never ends
		 * while every read sees progress */
		put_records(&r->out, CT_HANDSHAKE, rv, hs.data, sh_len, TF_FRAGMENT_MAX);
		r->pace_after = r->out.len;
		put_records(&r->out, CT_HANDSHAKE, rv, hs.data + sh_len, hs.len - sh_len,
			    TF_FRAGMENT_MAX);
		r->pace_ms = c->interval_ms;
	} else {
		put_handshake(c, &r->out, rv, &hs);
	}
	if (c->sh_alert) {
		put_alert(&r->out, rv, TF_AL_HANDSHAKE_FAILURE);
		r->after = TF_AFTER_SHUTDOWN;
	} else if (d.version >= 0x0304 && !first_only) {
		/* RFC 8446 D.4: compatibility mode, one CCS after the first
		 * server message when the client sent a session id. */
		if (h->sid_len && !s->ccs_sent) {
			const uint8_t one = 1;

			put_records(&r->out, CT_CHANGE_CIPHER_SPEC, 0x0303, &one, 1,
				    TF_FRAGMENT_MAX);
			s->ccs_sent = 1;
		}
		r->after = d.hrr ? TF_AFTER_HELLO2 : TF_AFTER_WAIT;
	} else {
		r->after = TF_AFTER_WAIT;
	}
	if (d.hrr) {
		s->hrr_sent = 1;
		s->hrr_group = d.group->id;
		s->hrr_suite = d.suite;
	}
	if (c->behaviour == TF_B_TRICKLE)
		r->pace_ms = c->interval_ms;
	note_decision(&d, c->sh_alert ? " + alert 40" : r->pace_after ? " + drip" : "", r);
	rc = r->out.bad ? -1 : 0;
out:
	tf_wr_free(&hs);
	return rc;
}

/*
 * SSLv2 SERVER-HELLO (SSLv2 draft 2.6): msg_type 4, session_id_hit 0,
 * certificate_type 1 (X.509), version 0x0002, three lengths, then the
 * certificate, the cipher kinds (those both sides have, or with unoffered
 * every configured one) and a 16-byte connection id.  No common kind is
 * an ERROR message, NO-CIPHER-ERROR (0x0001).
 */
static int answer_sslv2(const struct tf_cfg *c, struct tf_keys *k, const struct tf_hello *h,
			struct tf_reply *r)
{
	struct tf_wr body, kinds;
	const uint8_t *der;
	size_t len, count = 0;
	uint8_t conn_id[16];
	int rc = -1;

	tf_wr_init(&body, 32767);
	tf_wr_init(&kinds, 3 * TF_LIST_MAX);
	if (tf_keys_cert(k, c->cert, c->evil_cert, &der, &len) ||
	    tf_random(conn_id, sizeof conn_id))
		goto out;
	if (c->server_order || c->unoffered) {
		for (size_t i = 0; i < c->nkinds; i++)
			if (c->unoffered || tf_hello_offers_kind(h, c->kinds[i])) {
				tf_wr_u24(&kinds, c->kinds[i]);
				count++;
			}
	} else {
		for (size_t i = 0; i < h->nkinds; i++) {
			uint32_t kind = (uint32_t)tf_hello_kind_at(h, i);

			for (size_t j = 0; j < c->nkinds; j++)
				if (c->kinds[j] == kind) {
					tf_wr_u24(&kinds, kind);
					count++;
					break;
				}
		}
	}
	if (count == 0) {
		tf_wr_u8(&body, 0);       /* MSG-ERROR */
		tf_wr_u16(&body, 0x0001); /* NO-CIPHER-ERROR */
		r->after = TF_AFTER_SHUTDOWN;
		snprintf(r->note, sizeof r->note, "SSLv2 ERROR no-cipher");
	} else {
		tf_wr_u8(&body, 4);
		tf_wr_u8(&body, 0);
		tf_wr_u8(&body, 1);
		tf_wr_u16(&body, 0x0002);
		tf_wr_u16(&body, (unsigned)len);
		tf_wr_u16(&body, (unsigned)kinds.len);
		tf_wr_u16(&body, sizeof conn_id);
		tf_wr_bytes(&body, der, len);
		tf_wr_bytes(&body, kinds.data, kinds.len);
		tf_wr_bytes(&body, conn_id, sizeof conn_id);
		r->after = TF_AFTER_WAIT;
		snprintf(r->note, sizeof r->note, "SSLv2 SERVER-HELLO %zu kinds", count);
	}
	if (body.bad || kinds.bad)
		goto out;
	/* Two-byte SSLv2 record header: high bit set, 15-bit length. */
	tf_wr_u8(&r->out, 0x80 | (unsigned)(body.len >> 8));
	tf_wr_u8(&r->out, (unsigned)(body.len & 0xff));
	tf_wr_bytes(&r->out, body.data, body.len);
	rc = r->out.bad ? -1 : 0;
out:
	tf_wr_free(&body);
	tf_wr_free(&kinds);
	return rc;
}

static int answer_garbage(const struct tf_cfg *c, struct tf_reply *r)
{
	uint8_t buf[4096];
	size_t left = c->bytes;
	int first = 1;

	while (left > 0) {
		size_t n = left < sizeof buf ? left : sizeof buf;

		if (tf_random(buf, n))
			return -1;
		/* Never a TLS content type (20..24) nor an SSLv2 header. */
		if (first)
			buf[0] = (uint8_t)(0x30 + (buf[0] & 0x3f));
		first = 0;
		tf_wr_bytes(&r->out, buf, n);
		left -= n;
	}
	r->after = TF_AFTER_SHUTDOWN;
	snprintf(r->note, sizeof r->note, "%zu random bytes", c->bytes);
	return r->out.bad ? -1 : 0;
}

static int answer_http(struct tf_reply *r)
{
	static const char body[] = "<html><body><h1>400 Bad Request</h1></body></html>\r\n";
	char head[256];
	int n = snprintf(head, sizeof head,
			 "HTTP/1.1 400 Bad Request\r\n"
			 "Server: tlsfake\r\n"
			 "Content-Type: text/html\r\n"
			 "Content-Length: %zu\r\n"
			 "Connection: close\r\n\r\n",
			 sizeof body - 1);

	if (n < 0 || (size_t)n >= sizeof head)
		return -1;
	tf_wr_bytes(&r->out, head, (size_t)n);
	tf_wr_bytes(&r->out, body, sizeof body - 1);
	r->after = TF_AFTER_SHUTDOWN;
	snprintf(r->note, sizeof r->note, "HTTP 400");
	return r->out.bad ? -1 : 0;
}

/*
 * bigrecord: a handshake record header announcing 2^14 + 2049 bytes, one
 * more than any TLS record may carry (RFC 5246 6.2.3), then the start of a
 * ServerHello and c->bytes in all; the rest never comes.
 */
static int answer_bigrecord(const struct tf_cfg *c, struct tf_reply *r)
{
	uint8_t fill[4096];
	size_t left = c->bytes;
	size_t announce = TF_CIPHERTEXT_MAX + 1;

	tf_wr_u8(&r->out, CT_HANDSHAKE);
	tf_wr_u16(&r->out, 0x0303);
	tf_wr_u16(&r->out, (unsigned)announce);
	if (left >= 6) {
		tf_wr_u8(&r->out, HT_SERVER_HELLO);
		tf_wr_u24(&r->out, (uint32_t)(announce - 4));
		tf_wr_u16(&r->out, 0x0303);
		left -= 6;
	}
	memset(fill, 0x41, sizeof fill);
	while (left > 0) {
		size_t n = left < sizeof fill ? left : sizeof fill;

		tf_wr_bytes(&r->out, fill, n);
		left -= n;
	}
	r->after = TF_AFTER_WAIT;
	snprintf(r->note, sizeof r->note, "record header of %zu bytes", announce);
	return r->out.bad ? -1 : 0;
}

/*
 * bigmsg: a ServerHello header announcing 2^24 - 1 bytes, the largest a
 * handshake length can say (RFC 5246 7.4), then c->bytes of it in full
 * records; a client that buffers the whole message will wait forever.
 */
static int answer_bigmsg(const struct tf_cfg *c, struct tf_reply *r)
{
	struct tf_wr hs;
	uint8_t fill[4096];
	size_t left = c->bytes > 4 ? c->bytes - 4 : 0;
	int rc;

	tf_wr_init(&hs, TF_REPLY_MAX);
	tf_wr_u8(&hs, HT_SERVER_HELLO);
	tf_wr_u24(&hs, 0xffffffu);
	memset(fill, 0x42, sizeof fill);
	while (left > 0) {
		size_t n = left < sizeof fill ? left : sizeof fill;

		tf_wr_bytes(&hs, fill, n);
		left -= n;
	}
	put_records(&r->out, CT_HANDSHAKE, 0x0303, hs.data, hs.len, TF_FRAGMENT_MAX);
	rc = hs.bad || r->out.bad ? -1 : 0;
	tf_wr_free(&hs);
	r->after = TF_AFTER_WAIT;
	snprintf(r->note, sizeof r->note, "handshake header of 16777215 bytes");
	return rc;
}

int tf_answer(const struct tf_cfg *c, struct tf_keys *k, const struct tf_hello *h, uint8_t alert,
	      struct tf_session *s, struct tf_reply *r)
{
	size_t offered;

	switch (c->behaviour) {
	case TF_B_CLOSE: r->after = TF_AFTER_SHUTDOWN; return 0;
	case TF_B_RESET:
		r->after = TF_AFTER_RESET;
		snprintf(r->note, sizeof r->note, "reset");
		return 0;
	case TF_B_SILENT:
		r->after = TF_AFTER_WAIT;
		snprintf(r->note, sizeof r->note, "silence");
		return 0;
	case TF_B_GARBAGE: return answer_garbage(c, r);
	case TF_B_HTTP: return answer_http(r);
	case TF_B_ALERT:
		put_alert(&r->out, 0x0303, TF_AL_HANDSHAKE_FAILURE);
		r->after = TF_AFTER_SHUTDOWN;
		snprintf(r->note, sizeof r->note, "alert 40");
		return r->out.bad ? -1 : 0;
	case TF_B_BIGRECORD: return answer_bigrecord(c, r);
	case TF_B_BIGMSG: return answer_bigmsg(c, r);
	case TF_B_ACCEPT:
	case TF_B_SSLV2:
	case TF_B_TRICKLE: break;
	}

	if (!h) {
		if (alert)
			put_alert(&r->out, 0x0301, alert);
		r->after = TF_AFTER_SHUTDOWN;
		snprintf(r->note, sizeof r->note, "bad hello, alert %u", alert);
		return r->out.bad ? -1 : 0;
	}
	/* The F5 bug: hellos of 256..511 bytes are never answered. */
	if (c->pad_reject && !h->v2 && h->msg_len >= 256 && h->msg_len <= 511) {
		r->after = TF_AFTER_WAIT;
		snprintf(r->note, sizeof r->note, "pad-reject: %zu-byte hello", h->msg_len);
		return 0;
	}
	offered = h->v2 ? h->nkinds : h->nsuites;
	if (c->max_suites && offered > c->max_suites) {
		r->after = TF_AFTER_SHUTDOWN;
		snprintf(r->note, sizeof r->note, "max-suites: %zu offered", offered);
		return 0;
	}
	if (c->behaviour == TF_B_SSLV2) {
		if (!h->v2) {
			r->after = TF_AFTER_SHUTDOWN;
			snprintf(r->note, sizeof r->note, "TLS hello on SSLv2");
			return 0;
		}
		return answer_sslv2(c, k, h, r);
	}
	/* An SSLv2-only hello has no TLS version to agree on. */
	if (h->v2 && h->client_version < 0x0300) {
		r->after = TF_AFTER_SHUTDOWN;
		snprintf(r->note, sizeof r->note, "SSLv2-only hello");
		return 0;
	}
	return answer_tls(c, k, h, s, r);
}
