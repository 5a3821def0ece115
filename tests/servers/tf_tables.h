/* SPDX-License-Identifier: MIT */
/*
 * The little protocol knowledge tlsfake needs, as data: which key exchange
 * a cipher suite uses (so it knows whether to send Certificate and
 * ServerKeyExchange), and the size and kind of each named group's share.
 */
#ifndef TF_TABLES_H
#define TF_TABLES_H

#include <stddef.h>
#include <stdint.h>

enum tf_kx {
	TF_KX_OTHER = 0, /* RSA, static (EC)DH, ...: Certificate, no SKE */
	TF_KX_ECDHE,     /* signed ServerECDHParams (RFC 8422 5.4) */
	TF_KX_DHE,       /* signed ServerDHParams (RFC 5246 7.4.3) */
	TF_KX_ECDH_ANON, /* unsigned ServerECDHParams, no Certificate */
	TF_KX_DH_ANON,   /* unsigned ServerDHParams, no Certificate */
	TF_KX_ECDHE_PSK, /* hint + ServerECDHParams (RFC 5489 2) */
	TF_KX_DHE_PSK,   /* hint + ServerDHParams (RFC 4279 3) */
	TF_KX_PSK,       /* no Certificate, no SKE (RFC 4279 2) */
	TF_KX_TLS13      /* a TLS 1.3 suite (RFC 8446 B.4, RFC 8998) */
};

enum tf_kx tf_suite_kx(uint16_t suite);
/* True when the suite's key exchange uses an elliptic curve. */
int tf_kx_needs_curve(enum tf_kx kx);
/* True when the server sends a Certificate for this key exchange. */
int tf_kx_sends_cert(enum tf_kx kx);

enum tf_gkind {
	TF_G_EC,    /* X9.62 uncompressed point (RFC 8446 4.2.8.2) */
	TF_G_XDH,   /* X25519/X448 raw key (RFC 7748) */
	TF_G_FFDHE, /* Y padded to the prime size (RFC 8446 4.2.8.1) */
	TF_G_KEM,   /* pure ML-KEM ciphertext */
	TF_G_HYBRID /* ECDH share and ML-KEM ciphertext, concatenated */
};

struct tf_group {
	uint16_t id;
	const char *name; /* IANA name */
	enum tf_gkind kind;
	const char *alg;      /* OpenSSL key type for the classical part */
	const char *param;    /* OpenSSL curve or FFDHE group name, or NULL */
	uint16_t classic_len; /* bytes of the classical share */
	uint16_t kem_len;     /* bytes of the ML-KEM ciphertext */
	uint8_t kem_first;    /* the ciphertext comes before the ECDH share */
	uint8_t tls12;        /* usable as a TLS 1.2 ECDHE curve */
	uint8_t tls13;        /* usable in a TLS 1.3 key_share */
};

const struct tf_group *tf_group_find(uint16_t id);
/* Every known group in table order, for picking "some group not offered". */
const struct tf_group *tf_group_at(size_t i);
size_t tf_group_count(void);
/* Length of the server's key_share key_exchange for the group. */
size_t tf_group_share_len(const struct tf_group *g);

/* The HelloRetryRequest random: SHA-256("HelloRetryRequest"), RFC 8446 4.1.3. */
extern const uint8_t tf_hrr_random[32];

#endif
