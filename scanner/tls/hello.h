/* SPDX-License-Identifier: MIT */
/*
 * ClientHello encoder (RFC 5246 7.4.1.2, RFC 8446 4.1.2, SSLv2-compatible
 * hello per RFC 5246 appendix E.2).
 *
 * Pure: no sockets, no globals.  The caller describes the hello in a
 * cp_hello_params and gets back the complete TLS record(s) to send.  Key
 * shares come from a cp_keyshare_cache, which makes one real key pair per
 * group with OpenSSL and reuses it for every later hello (probing needs
 * well-formed shares, not secret ones).
 */
#ifndef CP_TLS_HELLO_H
#define CP_TLS_HELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "tls/buf.h"

/* Hard caps: more than these is a caller bug, reported as CP_ETOOMANY. */
#define CP_HELLO_MAX_SUITES 512
#define CP_HELLO_MAX_GROUPS 64
#define CP_HELLO_MAX_SIGALGS 64
#define CP_HELLO_MAX_SHARES 4
#define CP_HELLO_MAX_ALPN 8
#define CP_HELLO_MAX_VERSIONS 16    /* supported_versions entries */
#define CP_HELLO_MAX_SSLV2_KINDS 64 /* SSLv2 cipher kinds */
/* Largest encoded hello (all records), far above anything we send. */
#define CP_HELLO_MAX_BYTES (64 * 1024)

enum cp_hello_flag {
	CP_HELLO_EC_POINT_FORMATS = 1u << 0,  /* ec_point_formats: uncompressed */
	CP_HELLO_RENEG_INFO = 1u << 1,        /* empty renegotiation_info ext */
	CP_HELLO_RENEG_SCSV = 1u << 2,        /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
	CP_HELLO_FALLBACK_SCSV = 1u << 3,     /* TLS_FALLBACK_SCSV (RFC 7507) */
	CP_HELLO_EMS = 1u << 4,               /* extended_master_secret */
	CP_HELLO_SESSION_TICKET = 1u << 5,    /* empty session_ticket */
	CP_HELLO_PSK_MODES = 1u << 6,         /* psk_key_exchange_modes: psk_dhe_ke */
	CP_HELLO_KEY_SHARE_EMPTY = 1u << 7,   /* key_share with no entries (draws HRR) */
	CP_HELLO_NO_PADDING = 1u << 8,        /* skip the RFC 7685 padding rule */
	CP_HELLO_SESSION_ID = 1u << 9,        /* 32-byte legacy_session_id (forced for TLS 1.3) */
	CP_HELLO_STATUS_REQUEST = 1u << 10,   /* status_request (OCSP) */
	CP_HELLO_ENCRYPT_THEN_MAC = 1u << 11, /* encrypt_then_mac */
	CP_HELLO_SCT = 1u << 12,              /* signed_certificate_timestamp */
};

enum cp_hello_format {
	CP_HELLO_TLS = 0, /* ordinary TLS record(s) carrying a ClientHello */
	CP_HELLO_SSLV2,   /* SSLv2 CLIENT-HELLO (suites as 3-byte kinds) */
};

struct cp_hello_params {
	enum cp_hello_format format;
	uint16_t record_version; /* record layer; 0 = 0x0301 (0x0300 for SSLv3) */
	uint16_t legacy_version; /* client_version: 0x0300 .. 0x0303; TLS 1.3 uses 0x0303 */
	const uint16_t *suites;  /* in order; SCSVs are added by flags */
	size_t nsuites;
	const uint32_t *sslv2_kinds; /* SSLv2 format only */
	size_t nsslv2_kinds;
	const char *sni;        /* host name; never sent for IP literals or NULL */
	const uint16_t *groups; /* supported_groups; 0 entries = extension omitted */
	size_t ngroups;
	const uint16_t *sigalgs; /* signature_algorithms; 0 = omitted */
	size_t nsigalgs;
	const uint16_t *versions; /* supported_versions; 0 = omitted */
	size_t nversions;
	const uint16_t *share_groups; /* key_share entries with real keys */
	size_t nshares;
	const char *const *alpn; /* ALPN protocol names; 0 = omitted */
	size_t nalpn;
	unsigned flags;            /* CP_HELLO_* */
	const uint8_t *random;     /* 32 bytes, or NULL for fresh randomness */
	const uint8_t *session_id; /* 32 bytes, or NULL for fresh randomness */
	/*
	 * Optional knobs; zero means the default.  pad_to: make the handshake
	 * message at least this long with the padding extension (to probe how
	 * a server copes with large hellos, e.g. post-quantum-sized ones); the
	 * RFC 7685 rule still applies unless CP_HELLO_NO_PADDING, which also
	 * lets a caller deliberately send a 256..511-byte hello.  Ignored for
	 * SSLv3, which has no extensions.  max_fragment: largest record
	 * payload, 1 .. 2^14 (default 2^14), to probe handshake reassembly.
	 * sslv2_challenge_len: 16 .. 32 (default 16), SSLv2 format only.
	 */
	size_t pad_to;
	size_t max_fragment;
	uint8_t sslv2_challenge_len;
};

struct cp_keyshare_cache;

struct cp_keyshare_cache *cp_keyshare_cache_new(void);
void cp_keyshare_cache_free(struct cp_keyshare_cache *c);
/*
 * The public share for group (as sent in key_share), made on first use.
 * Returns NULL when OpenSSL cannot make a key for that group.
 */
const uint8_t *cp_keyshare_get(struct cp_keyshare_cache *c, uint16_t group, size_t *len);
/*
 * Whether this build can make a real share for group.  Costs one key
 * generation (it makes and discards a key): ask once per group.
 */
bool cp_keyshare_supported(uint16_t group);

/*
 * Encode the hello described by p and append it, as complete records, to
 * out.  kc may be NULL when p asks for no key shares.  All or nothing: on
 * error out is left as it was.  Besides the caps, CP_EINVAL covers
 * an SNI that is not a host name (IP literals are silently not sent), an
 * empty suite list, a share for a group not in groups or offered twice
 * (RFC 8446 4.2.8), shares together with CP_HELLO_KEY_SHARE_EMPTY, SSLv2
 * fields in a TLS hello, and a legacy_version other than 0x03xx (or 0x0002
 * for the SSLv2 format).  The extension order is fixed: server_name,
 * status_request, supported_groups, ec_point_formats, signature_algorithms,
 * ALPN, SCT, encrypt_then_mac, extended_master_secret, session_ticket,
 * supported_versions, psk_key_exchange_modes, key_share,
 * renegotiation_info, padding.  The RFC 7685 rule gives exactly 512 bytes
 * unless the unpadded hello is too close to 512 for a padding extension
 * of at least one byte to fit; then it comes out at 513..518.
 */
int cp_hello_encode(const struct cp_hello_params *p, struct cp_keyshare_cache *kc,
		    struct cp_wbuf *out);
/*
 * Returns an enum cp_status (status.h): CP_OK; CP_EINVAL (inconsistent or
 * missing parameters), CP_ETOOMANY (a list over its CP_HELLO_MAX_* cap),
 * CP_ETOOBIG (the encoding would pass CP_HELLO_MAX_BYTES), CP_ENOMEM,
 * CP_EKEYGEN (no key could be made for a share group), CP_ERANDOM (the
 * random generator failed).  cp_hello_strerror says so in the encoder's
 * own words ("the hello would be too large").
 */
const char *cp_hello_strerror(int status);

/* true when s is an IPv4 or IPv6 literal (SNI must not carry those). */
bool cp_is_ip_literal(const char *s);

#endif
