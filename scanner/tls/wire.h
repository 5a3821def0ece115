/* SPDX-License-Identifier: MIT */
/*
 * Incremental decoder for what a server sends back to one ClientHello.
 *
 * Pure: no sockets, no globals; the registry is its only dependency.  The
 * caller feeds bytes as they arrive, in chunks of any size (one byte at a
 * time works), and the decoder says when it knows the answer:
 *
 *   - an alert (level, description): done;
 *   - a HelloRetryRequest (RFC 8446 4.1.3, the special random): done;
 *   - a ServerHello for TLS 1.3 (everything after it is encrypted): done;
 *   - a ServerHello for SSLv3 .. TLS 1.2: done at once unless the caller
 *     wants more (certificate, ServerKeyExchange, ServerHelloDone);
 *   - an SSLv2 SERVER-HELLO: done.
 *
 * TLS records (RFC 5246 6.2.1): a handshake message may span many records
 * and one record may hold many messages.  Every length is capped: a record
 * over 2^14+2048 bytes, a handshake message over the caller's cap, a field
 * longer than its enclosing structure, or bytes that are not TLS at all
 * each give a specific negative status, and the decoder never reads out
 * of bounds.  Messages the caller does not want (a large Certificate, say)
 * are skipped without being buffered, so memory per decoder stays small.
 */
#ifndef CP_TLS_WIRE_H
#define CP_TLS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the caller wants before the decoder reports DONE (TLS <= 1.2). */
enum cp_wire_want {
	CP_WANT_SERVER_HELLO = 0, /* stop at the ServerHello */
	CP_WANT_CERTIFICATE = 1u << 0,
	CP_WANT_SKE = 1u << 1,  /* ServerKeyExchange (curve, DH prime size) */
	CP_WANT_DONE = 1u << 2, /* read up to ServerHelloDone */
};

/* What has been seen so far. */
enum cp_wire_seen {
	CP_SEEN_SERVER_HELLO = 1u << 0,
	CP_SEEN_HRR = 1u << 1,
	CP_SEEN_ALERT = 1u << 2,
	CP_SEEN_CERTIFICATE = 1u << 3,
	CP_SEEN_SKE = 1u << 4,
	CP_SEEN_SHD = 1u << 5,
	CP_SEEN_SSLV2 = 1u << 6,
	CP_SEEN_CCS = 1u << 7,
	CP_SEEN_CERT_REQUEST = 1u << 8,
};

enum cp_wire_status {
	CP_WIRE_MORE = 0,               /* need more bytes */
	CP_WIRE_DONE = 1,               /* the answer is known; later bytes ignored */
	CP_WIRE_E_NOT_TLS = -1,         /* first bytes are not a TLS/SSLv2 record (e.g. HTTP) */
	CP_WIRE_E_RECORD_TYPE = -2,     /* unknown record content type */
	CP_WIRE_E_RECORD_VERSION = -3,  /* record version not 0x03xx */
	CP_WIRE_E_RECORD_TOO_LONG = -4, /* record length over 2^14 + 2048 */
	CP_WIRE_E_MSG_TOO_LONG = -5,    /* handshake message over the cap */
	CP_WIRE_E_MALFORMED = -6,       /* a message's fields do not fit it */
	CP_WIRE_E_UNEXPECTED = -7,      /* a message out of order (e.g. no ServerHello first) */
	CP_WIRE_E_NOMEM = -8,
	CP_WIRE_E_EMPTY_RECORD = -9, /* too many empty records in a row */
	CP_WIRE_E_SSLV2 = -10,       /* malformed SSLv2 SERVER-HELLO or error */
};

#define CP_WIRE_MAX_RECORD (16384 + 2048)
#define CP_WIRE_DEFAULT_MAX_MSG (128 * 1024)
#define CP_WIRE_MAX_EXTS 32
#define CP_WIRE_MAX_CERTS 10
#define CP_WIRE_MAX_SSLV2_KINDS 64
/* More empty records in a row than this is CP_WIRE_E_EMPTY_RECORD. */
#define CP_WIRE_MAX_EMPTY_RECORDS 32
/*
 * Cap on a handshake message that is skipped (counted, not buffered):
 * max_msg bounds what is kept in memory, this bounds how long a server
 * may keep us reading a message we do not want.  The larger of the two
 * applies.
 */
#define CP_WIRE_MAX_SKIPPED_MSG (1024 * 1024)

struct cp_server_hello {
	uint16_t legacy_version; /* ServerHello.server_version */
	uint16_t version;        /* negotiated: supported_versions if present */
	uint8_t random[32];
	uint8_t session_id_len;
	uint8_t session_id[32];
	uint16_t suite;
	uint8_t compression;
	bool is_hrr;
	bool has_supported_versions;
	bool has_key_share;
	uint16_t key_share_group; /* ServerHello share, or HRR selected_group */
	bool reneg_info;
	bool ems;
	bool has_alpn;
	char alpn[256];
	size_t next;                     /* number of extensions seen */
	uint16_t exts[CP_WIRE_MAX_EXTS]; /* their types, in order (first MAX kept) */
	bool downgrade_tls12;            /* RFC 8446 4.1.3 sentinel in random */
	bool downgrade_tls11;
	uint16_t key_share_len; /* ServerHello key_exchange length, 0 in HRR */
};

struct cp_cert_der {
	uint8_t *der; /* heap copy, owned by the decoder */
	size_t len;
};

struct cp_ske {
	bool ecdhe;         /* named_curve params */
	uint8_t curve_type; /* 3 = named_curve */
	uint16_t group;     /* named curve */
	bool dhe;
	uint16_t dh_p_bits; /* prime size in bits (leading zeros stripped) */
	uint16_t dh_g_len;
	uint16_t sig_scheme; /* TLS 1.2 signature scheme, 0 if none/earlier */
};

struct cp_wire_result {
	unsigned seen;           /* CP_SEEN_* */
	uint16_t record_version; /* of the first record */
	struct cp_server_hello sh;
	uint8_t alert_level;
	uint8_t alert_desc;
	size_t ncerts;
	struct cp_cert_der certs[CP_WIRE_MAX_CERTS]; /* [0] is the leaf */
	size_t certs_total;                          /* certificates listed, even past the cap */
	struct cp_ske ske;
	/* SSLv2 SERVER-HELLO */
	uint16_t sslv2_version;
	size_t nsslv2_kinds;
	uint32_t sslv2_kinds[CP_WIRE_MAX_SSLV2_KINDS];
	uint8_t sslv2_error; /* SSLv2 ERROR message code, 0 none */
	size_t bytes;        /* total bytes consumed */
};

/*
 * Notes on the result:
 *   - a HelloRetryRequest sets CP_SEEN_HRR (not CP_SEEN_SERVER_HELLO); its
 *     fields are in sh, with sh.is_hrr set and sh.key_share_group the
 *     selected_group;
 *   - a warning-level unrecognized_name alert (RFC 6066 3) does not end
 *     the decoding: some servers send it before a ServerHello.  Every other
 *     alert does.  An alert after a ServerHello keeps the ServerHello;
 *   - certificates are copied only when CP_WANT_CERTIFICATE is set; a
 *     skipped Certificate still sets CP_SEEN_CERTIFICATE (certs_total 0);
 *   - the ServerKeyExchange is decoded for (EC)DHE, anonymous and
 *     (EC)DHE_PSK suites, using the registry's key exchange for the suite;
 *     for other suites only CP_SEEN_SKE is set.  dh_p_bits saturates at
 *     UINT16_MAX;
 *   - record_version is 0x0002 for an SSLv2 answer; an SSLv2 certificate
 *     is kept in certs[0] when CP_WANT_CERTIFICATE is set.
 */
struct cp_wire;

/* max_msg: cap on a buffered handshake message; 0 = CP_WIRE_DEFAULT_MAX_MSG. */
struct cp_wire *cp_wire_new(unsigned want, size_t max_msg);
void cp_wire_free(struct cp_wire *w);
/* Start over (keeps want and max_msg, frees certificates). */
void cp_wire_reset(struct cp_wire *w);
/*
 * Feed len bytes.  Returns CP_WIRE_MORE, CP_WIRE_DONE or a negative
 * status; after DONE or an error, further calls return the same status.
 */
int cp_wire_feed(struct cp_wire *w, const uint8_t *data, size_t len);
const struct cp_wire_result *cp_wire_result(const struct cp_wire *w);
const char *cp_wire_strerror(int status);
/* "handshake_failure" etc. for an alert description; "unknown" otherwise. */
const char *cp_alert_name(uint8_t desc);

#endif
