/* SPDX-License-Identifier: MIT */
/*
 * ClientHello intake, written from the RFCs independently of the scanner's
 * encoder: record reassembly (RFC 5246 6.2.1, a hello may span records and
 * a record may end anywhere) and the hello itself (RFC 5246 7.4.1.2,
 * RFC 8446 4.1.2), plus the SSLv2 CLIENT-HELLO (SSLv2 draft 2.5 and the
 * SSLv2-compatible hello of RFC 5246 E.2).
 *
 * Both are pure: bytes in, a verdict out; tlsfake.c does the sockets.
 */
#ifndef TF_HELLO_H
#define TF_HELLO_H

#include <stddef.h>
#include <stdint.h>

#include "tf_buf.h"

/* Cap on one ClientHello (handshake header included): larger -> close. */
#define TF_HELLO_MAX (64u * 1024u)

/* TLS alert descriptions used by tlsfake (RFC 8446 6.2). */
enum {
	TF_AL_UNEXPECTED_MESSAGE = 10,
	TF_AL_RECORD_OVERFLOW = 22,
	TF_AL_HANDSHAKE_FAILURE = 40,
	TF_AL_ILLEGAL_PARAMETER = 47,
	TF_AL_DECODE_ERROR = 50,
	TF_AL_PROTOCOL_VERSION = 70,
	TF_AL_INAPPROPRIATE_FALLBACK = 86,
	TF_AL_INTERNAL_ERROR = 80,
	TF_AL_MISSING_EXTENSION = 109
};

enum tf_rx { TF_RX_MORE, TF_RX_DONE, TF_RX_FAIL };

struct tf_reasm {
	uint8_t hdr[5]; /* the record header being read */
	size_t hdr_len;
	size_t body_left; /* bytes of the current record still due */
	int in_body;
	int v2;                  /* the stream opened with an SSLv2 header */
	int allow_ccs;           /* skip change_cipher_spec (after HRR) */
	int records;             /* records seen so far */
	uint16_t record_version; /* of the first record */
	struct tf_wr hs;         /* handshake bytes (v2: the record body) */
};

void tf_reasm_init(struct tf_reasm *r, int allow_ccs);
void tf_reasm_free(struct tf_reasm *r);
/*
 * Takes bytes as they arrive, in any split.  *used is how many were taken:
 * intake stops at the end of the record that completes the hello.  On
 * TF_RX_DONE r->hs holds exactly one handshake message (or the SSLv2
 * record body when r->v2).  On TF_RX_FAIL *alert is the alert to send, or
 * 0 when the peer is not speaking TLS (or sent an alert) and the right
 * answer is to close.
 */
enum tf_rx tf_reasm_feed(struct tf_reasm *r, const uint8_t *p, size_t n, size_t *used,
			 uint8_t *alert);

struct tf_hello {
	int v2;         /* SSLv2-format CLIENT-HELLO */
	size_t msg_len; /* handshake message incl. header; v2: body */
	uint16_t record_version;
	uint16_t client_version;
	uint8_t random[32]; /* v2: the challenge, right-aligned (E.2) */
	uint8_t sid[32];
	size_t sid_len;
	uint16_t *suites; /* TLS suites in client order (heap) */
	size_t nsuites;
	struct tf_rd kinds; /* v2 only: 3-byte cipher kinds */
	size_t nkinds;
	int null_comp; /* offers compression method null */
	int has_ext;
	size_t next;   /* number of extensions */
	int scsv;      /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV offered */
	int reneg_ext; /* renegotiation_info (RFC 5746) */
	int ecpf_ext;  /* ec_point_formats (RFC 8422 5.1.2) */
	int has_sv;    /* supported_versions (RFC 8446 4.2.1) */
	struct tf_rd sv;
	int has_groups; /* supported_groups (RFC 8446 4.2.7) */
	struct tf_rd groups;
	int has_ks;      /* key_share (RFC 8446 4.2.8) */
	struct tf_rd ks; /* the validated client_shares */
	size_t nshares;
	int has_sigalgs; /* signature_algorithms (RFC 8446 4.2.3) */
	struct tf_rd sigalgs;
	int has_sni; /* server_name host_name (RFC 6066 3) */
	char sni[256];
};

/*
 * Parses one complete hello (r->hs after TF_RX_DONE).  h borrows msg for
 * its tf_rd fields, so msg must outlive h.  Returns 0, or the alert to
 * send (decode_error, illegal_parameter, internal_error on no memory).
 * tf_hello_free() is safe after any return.
 */
int tf_hello_parse(const uint8_t *msg, size_t len, int v2, uint16_t record_version,
		   struct tf_hello *h);
void tf_hello_free(struct tf_hello *h);

int tf_hello_offers_suite(const struct tf_hello *h, uint16_t suite);
int tf_hello_offers_group(const struct tf_hello *h, uint16_t group);
int tf_hello_offers_version(const struct tf_hello *h, uint16_t v);
int tf_hello_offers_sigalg(const struct tf_hello *h, uint16_t s);
int tf_hello_offers_kind(const struct tf_hello *h, uint32_t kind);
int tf_hello_has_share(const struct tf_hello *h, uint16_t group);
/* The i-th key_share group in client order, or -1. */
int tf_hello_share_group(const struct tf_hello *h, size_t i);
/* The i-th supported_groups entry, or -1. */
int tf_hello_group_at(const struct tf_hello *h, size_t i);
/* The i-th SSLv2 cipher kind, or -1. */
long tf_hello_kind_at(const struct tf_hello *h, size_t i);

#endif
