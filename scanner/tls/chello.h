/* SPDX-License-Identifier: MIT */
/*
 * ClientHello decoder: what a captured hello (the firewall's own, from a
 * packet capture or a hex dump) offers, and the same hello with another
 * server_name, for replaying it byte for byte to other servers.
 *
 * Pure: no sockets, no globals, no output.  Input is either one or more
 * TLS handshake records carrying one ClientHello (as on the wire), or the
 * bare handshake message (msg_type 1, uint24 length, body).  Every list is
 * kept in the hello's order, GREASE values included (RFC 8701: the caller
 * decides what they mean), each under a hard cap.
 */
#ifndef CP_TLS_CHELLO_H
#define CP_TLS_CHELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "tls/buf.h"

#define CP_CHELLO_MAX_SUITES 512
#define CP_CHELLO_MAX_EXTS 64
#define CP_CHELLO_MAX_GROUPS 128
#define CP_CHELLO_MAX_SIGALGS 128
#define CP_CHELLO_MAX_VERSIONS 32
#define CP_CHELLO_MAX_SHARES 16
#define CP_CHELLO_MAX_ALPN 16
#define CP_CHELLO_ALPN_LEN 255
#define CP_CHELLO_SNI_LEN 255
/* Largest hello accepted, all records included (the encoder's own cap). */
#define CP_CHELLO_MAX_BYTES (64 * 1024)

struct cp_chello {
	uint16_t record_version; /* first record's version; 0 for a bare message */
	bool records;            /* the input was TLS records (else a bare message) */
	size_t nrecords;         /* records the hello spans */
	size_t consumed;         /* input bytes the hello takes (records or message) */
	size_t msg_len;          /* handshake message length, 4-byte header included */
	uint16_t legacy_version;
	uint8_t random[32];
	uint8_t session_id_len;
	uint16_t suites[CP_CHELLO_MAX_SUITES];
	size_t nsuites;
	uint8_t ncompressions;
	uint16_t ext_types[CP_CHELLO_MAX_EXTS]; /* every extension, in order */
	size_t nexts;
	bool has_sni; /* a server_name extension with a host_name */
	char sni[CP_CHELLO_SNI_LEN + 1];
	uint16_t groups[CP_CHELLO_MAX_GROUPS]; /* supported_groups */
	size_t ngroups;
	uint16_t sigalgs[CP_CHELLO_MAX_SIGALGS]; /* signature_algorithms */
	size_t nsigalgs;
	uint16_t versions[CP_CHELLO_MAX_VERSIONS]; /* supported_versions */
	size_t nversions;
	uint16_t shares[CP_CHELLO_MAX_SHARES]; /* key_share groups */
	size_t nshares;
	char alpn[CP_CHELLO_MAX_ALPN][CP_CHELLO_ALPN_LEN + 1]; /* NUL-free names only */
	size_t nalpn;
};

/*
 * Parse the ClientHello at the start of p[0..len) into h.  Records must be
 * handshake records (type 22, version 0x03xx, at most 2^14 + 2048 bytes
 * each) holding the message and nothing after it in its last record.
 * Bytes after the hello are left alone (h->consumed says where it ends).
 * Extensions are checked to be well formed only where this reads them;
 * duplicate extensions are CP_EBADDATA (RFC 8446 4.2).
 */
int cp_chello_parse(const uint8_t *p, size_t len, struct cp_chello *h);
/*
 * The parser's statuses are enum cp_status (status.h): CP_OK;
 * CP_ETRUNCATED (the bytes end before the hello does), CP_EWRONGTYPE (not
 * a handshake record / not a ClientHello), CP_EBADDATA (a length or field
 * that does not add up), CP_ETOOMANY (a list longer than its
 * CP_CHELLO_MAX_* cap), CP_ETOOBIG (over CP_CHELLO_MAX_BYTES), CP_ENOMEM,
 * CP_EINVAL (a server name that cannot be sent).  cp_chello_strerror says
 * so about a ClientHello ("ClientHello larger than 64 KiB").
 */
const char *cp_chello_strerror(int status);

/* IANA name of extension type t ("server_name"), "GREASE" for RFC 8701
 * values, NULL when unknown. */
const char *cp_chello_ext_name(uint16_t t);
/* Whether v is an RFC 8701 GREASE value (0x0A0A, 0x1A1A, ... 0xFAFA). */
bool cp_chello_is_grease(uint16_t v);

/*
 * For a stream being reassembled: CP_OK with *need set to the bytes
 * of records that hold the whole hello once p[0..len) shows them all,
 * CP_ETRUNCATED when more bytes are needed, another status when p
 * cannot start a ClientHello record stream.
 */
int cp_chello_need(const uint8_t *p, size_t len, size_t *need);

/*
 * Append to out the hello in p[0..len) (TLS records, as cp_chello_parse
 * takes them) with its server_name set to sni.  Unchanged bytes when sni
 * is NULL, when the hello has no server_name or when it already names sni
 * (case-insensitively); *rewritten says which.  A rewrite fixes every
 * length up, shrinks or grows a padding extension (RFC 7685) to keep the
 * message length when it can, and re-frames the message as records of the
 * first record's version.  All or nothing: on error out is as it was.
 */
int cp_chello_with_sni(const uint8_t *p, size_t len, const char *sni, struct cp_wbuf *out,
		       bool *rewritten);

#endif
