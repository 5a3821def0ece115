/* SPDX-License-Identifier: MIT */
/*
 * The cipher-suite, group and signature-scheme registry.
 *
 * The tables are generated at build time (ciphersuites/gen-registry.c) from
 * the IANA registries kept verbatim in ciphersuites/iana/ and from the
 * project's own attribute files in ciphersuites/ (tsv files).  Code asks the
 * registry for attributes; it never infers them from a suite's name.
 */
#ifndef CP_REGISTRY_H
#define CP_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Protocol versions a suite is valid for, and that a scan probes. */
enum cp_version_bit {
	CP_VER_SSL2 = 1u << 0,
	CP_VER_SSL3 = 1u << 1,
	CP_VER_TLS10 = 1u << 2,
	CP_VER_TLS11 = 1u << 3,
	CP_VER_TLS12 = 1u << 4,
	CP_VER_TLS13 = 1u << 5,
};
#define CP_VER_ALL 0x3Fu

/* Wire value (0x0002 for SSLv2, 0x0300..0x0304) <-> bit; 0 when unknown. */
unsigned cp_version_bit_of(uint16_t wire);
uint16_t cp_version_wire_of(unsigned bit);
/* "SSLv2", "SSLv3", "TLSv1.0", ... "TLSv1.3" (the JSON contract's spelling);
 * NULL unless bit is exactly one known version. */
const char *cp_version_name(unsigned bit);
/* Parses the names above, case-insensitively, also "tls1.2", "tls1_2", "1.2",
 * PAN-OS's "tls1-2" and "sslv3", "TLSv1" (= 1.0) and wire values "0x0303".
 * 0 when s names no version. */
unsigned cp_version_parse(const char *s);
/* Writes a mask as "TLSv1.0,TLSv1.1,TLSv1.2" into buf (always terminated);
 * returns the length it needed, like snprintf. */
size_t cp_version_mask_str(unsigned mask, char *buf, size_t size);

enum cp_kx {
	CP_KX_NULL,
	CP_KX_RSA,
	CP_KX_RSA_EXPORT,
	CP_KX_DH,
	CP_KX_DHE,
	CP_KX_DH_anon,
	CP_KX_ECDH,
	CP_KX_ECDHE,
	CP_KX_ECDH_anon,
	CP_KX_PSK,
	CP_KX_DHE_PSK,
	CP_KX_RSA_PSK,
	CP_KX_ECDHE_PSK,
	CP_KX_SRP,
	CP_KX_KRB5,
	CP_KX_ECCPWD,
	CP_KX_GOST,
	CP_KX_TLS13,
	CP_KX_SCSV,
	CP_KX__COUNT
};

enum cp_au {
	CP_AU_NULL,
	CP_AU_RSA,
	CP_AU_DSS,
	CP_AU_ECDSA,
	CP_AU_anon,
	CP_AU_PSK,
	CP_AU_KRB5,
	CP_AU_SRP,
	CP_AU_ECCPWD,
	CP_AU_GOST,
	CP_AU_TLS13,
	CP_AU_SCSV,
	CP_AU__COUNT
};

enum cp_enc {
	CP_ENC_NULL,
	CP_ENC_RC4,
	CP_ENC_RC2,
	CP_ENC_DES,
	CP_ENC_DES40,
	CP_ENC_3DES,
	CP_ENC_IDEA,
	CP_ENC_SEED,
	CP_ENC_AES,
	CP_ENC_CAMELLIA,
	CP_ENC_ARIA,
	CP_ENC_CHACHA20_POLY1305,
	CP_ENC_SM4,
	CP_ENC_GOST,
	CP_ENC_AEGIS, /* TLS_AEGIS_* (draft-irtf-cfrg-aegis-aead) */
	CP_ENC__COUNT
};

enum cp_mode {
	CP_MODE_NONE,
	CP_MODE_STREAM,
	CP_MODE_CBC,
	CP_MODE_GCM,
	CP_MODE_CCM,
	CP_MODE_CCM8,
	CP_MODE_AEAD,
	CP_MODE_CTR,
	CP_MODE_MGM,
	CP_MODE__COUNT
};

/* MAC for non-AEAD suites; PRF hash for AEAD and TLS 1.3 suites. */
enum cp_mac {
	CP_MAC_NULL,
	CP_MAC_MD5,
	CP_MAC_SHA1,
	CP_MAC_SHA256,
	CP_MAC_SHA384,
	CP_MAC_SM3,
	CP_MAC_GOST,
	CP_MAC_AEAD,
	CP_MAC__COUNT
};

enum cp_strength {
	CP_STRENGTH_NULL,   /* no encryption or no authentication at all */
	CP_STRENGTH_EXPORT, /* export-grade (40/56-bit) */
	CP_STRENGTH_WEAK,   /* broken: RC4, DES, 3DES, MD5 MAC, RC2, IDEA */
	CP_STRENGTH_LEGACY, /* sound but outdated: CBC with SHA1, static RSA */
	CP_STRENGTH_STRONG, /* forward-secret AEAD, TLS 1.3 */
	CP_STRENGTH__COUNT
};

/*
 * PAN-OS decryption-profile flags (ssl-protocol-settings), one bit each.
 * The order and names come from ciphersuites/panos-flags.tsv.
 */
enum cp_panos_flag {
	CP_PANOS_KX_RSA = 1u << 0,
	CP_PANOS_KX_DHE = 1u << 1,
	CP_PANOS_KX_ECDHE = 1u << 2,
	CP_PANOS_ENC_3DES = 1u << 3,
	CP_PANOS_ENC_RC4 = 1u << 4,
	CP_PANOS_ENC_AES128_CBC = 1u << 5,
	CP_PANOS_ENC_AES256_CBC = 1u << 6,
	CP_PANOS_ENC_AES128_GCM = 1u << 7,
	CP_PANOS_ENC_AES256_GCM = 1u << 8,
	CP_PANOS_ENC_CHACHA20 = 1u << 9,
	CP_PANOS_AUTH_MD5 = 1u << 10,
	CP_PANOS_AUTH_SHA1 = 1u << 11,
	CP_PANOS_AUTH_SHA256 = 1u << 12,
	CP_PANOS_AUTH_SHA384 = 1u << 13,
};
#define CP_PANOS_NFLAGS 14
/* "keyxchg-algo-rsa", ...; index is the bit number. NULL past the end. */
const char *cp_panos_flag_name(unsigned bitno);
/* Bit for a PAN-OS element name, 0 if unknown. */
uint32_t cp_panos_flag_parse(const char *name);
/* The flags that are on when a profile leaves them out (PANOS.md). */
uint32_t cp_panos_default_flags(void);

struct cp_suite {
	uint16_t id;
	const char *name;         /* IANA name */
	const char *openssl_name; /* NULL when OpenSSL has none */
	enum cp_kx kx;
	enum cp_au au;
	enum cp_enc enc;
	uint16_t enc_bits; /* effective key bits (40 for export) */
	enum cp_mode mode;
	enum cp_mac mac;
	unsigned versions; /* CP_VER_* mask */
	enum cp_strength strength;
	uint32_t panos;   /* CP_PANOS_* needed; 0 = PAN-OS cannot decrypt */
	bool scsv;        /* signalling value, not a real suite */
	bool recommended; /* IANA "Recommended" = Y */
};

/* SSLv2 cipher kinds (3-byte codes). */
struct cp_sslv2_kind {
	uint32_t id;
	const char *name; /* SSL_CK_RC4_128_WITH_MD5 style */
	const char *openssl_name;
	enum cp_strength strength;
	uint16_t enc_bits; /* effective key bits (40 for export) */
};

enum cp_group_kind {
	CP_GROUP_EC,     /* named elliptic curve (secp*, sect*, brainpool*) */
	CP_GROUP_XDH,    /* x25519, x448 */
	CP_GROUP_FFDHE,  /* RFC 7919 finite-field groups */
	CP_GROUP_KEM,    /* pure ML-KEM */
	CP_GROUP_HYBRID, /* ECDHE + ML-KEM hybrids */
	CP_GROUP_OTHER,  /* GOST curves, arbitrary_explicit_*, ... */
};

struct cp_group {
	uint16_t id;
	const char *name; /* IANA name */
	enum cp_group_kind kind;
	uint16_t bits; /* curve or prime size; security level for KEMs */
	/* For key generation with OpenSSL 3.0; NULL if OpenSSL lacks it.
	 * CP_GROUP_EC: EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL) with
	 *   OSSL_PKEY_PARAM_GROUP_NAME = openssl_name;
	 * CP_GROUP_XDH: EVP_PKEY_CTX_new_from_name(NULL, openssl_name, NULL);
	 * CP_GROUP_FFDHE: "DH" with OSSL_PKEY_PARAM_GROUP_NAME = openssl_name. */
	const char *openssl_name;
	size_t share_len; /* key_share length for our keys; 0 unknown */
	bool tls13;       /* usable in TLS 1.3 */
	bool recommended;
	bool deprecated; /* IANA "D" */
	bool tls12;      /* usable for (EC)DHE in TLS 1.2 and below */
	bool obsolete;   /* IANA marks it "(OBSOLETE)"; name is without it */
};

struct cp_sigscheme {
	uint16_t id;
	const char *name;
	bool recommended;
	/* From ciphersuites/sigschemes.tsv; zero/NULL for schemes not in it. */
	unsigned probe;    /* 1-based rank in the file: the probe order; 0 = not probed */
	const char *key;   /* certificate key type (cert.h key_type: "RSA", "EC", ...) */
	uint16_t curve;    /* TLS 1.3: group id of the curve an ECDSA key must be on, 0 none */
	unsigned versions; /* CP_VER_* at which it signs handshakes */
};

size_t cp_suite_count(void);
const struct cp_suite *cp_suite_at(size_t i);
const struct cp_suite *cp_suite_by_id(uint16_t id);
/* IANA or OpenSSL name, case-insensitive; "0xC013" also accepted. */
const struct cp_suite *cp_suite_by_name(const char *name);

size_t cp_sslv2_count(void);
const struct cp_sslv2_kind *cp_sslv2_at(size_t i);
const struct cp_sslv2_kind *cp_sslv2_by_id(uint32_t id);

size_t cp_group_count(void);
const struct cp_group *cp_group_at(size_t i);
const struct cp_group *cp_group_by_id(uint16_t id);
/* IANA name, then OpenSSL name ("prime256v1"), case-insensitive; also the
 * id as "29" or "0x001D". */
const struct cp_group *cp_group_by_name(const char *name);

size_t cp_sigscheme_count(void);
const struct cp_sigscheme *cp_sigscheme_at(size_t i);
const struct cp_sigscheme *cp_sigscheme_by_id(uint16_t id);

/*
 * The probing orders: the code points a probe lists first, most common
 * first, so that the server answers the first hello (the data and the
 * reasons: ciphersuites/probe-groups.tsv and probe-sigalgs.tsv).  Each
 * returns the array and sets *n to its length; no duplicates.  Every
 * group is in the registry; a signature code point may be a TLS 1.2 one
 * that is not (dsa_sha256_RESERVED, 0x0402), so cp_sigscheme_by_id can
 * return NULL for it.
 */
const uint16_t *cp_group_probe_order(size_t *n);
const uint16_t *cp_sigalg_probe_order(size_t *n);

/*
 * Display names.  kx/au/enc/mode/mac return the enum suffix ("ECDHE",
 * "DH_anon", "CHACHA20_POLY1305"), which is also the token the data files
 * use; strength and group kind return lowercase words ("legacy", "hybrid")
 * as the JSON output spells them.  "?" for a value out of range.
 */
const char *cp_kx_name(enum cp_kx);
const char *cp_au_name(enum cp_au);
const char *cp_enc_name(enum cp_enc);
const char *cp_mode_name(enum cp_mode);
const char *cp_mac_name(enum cp_mac);
const char *cp_strength_name(enum cp_strength);
const char *cp_group_kind_name(enum cp_group_kind);

/* Formats "0xC013" into buf (at least 7 bytes). */
const char *cp_suite_id_str(uint16_t id, char buf[static 7]);

#endif
