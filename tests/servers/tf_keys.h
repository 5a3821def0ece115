/* SPDX-License-Identifier: MIT */
/*
 * Key material, made with OpenSSL at start or on first use and reused for
 * every connection: tlsfake needs well-formed public values (a real point,
 * a real certificate), never secrets, because it never finishes a
 * handshake.
 */
#ifndef TF_KEYS_H
#define TF_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "tf_config.h"
#include "tf_tables.h"

struct tf_keys;

struct tf_keys *tf_keys_new(void);
void tf_keys_free(struct tf_keys *k);

/*
 * DER certificate, self-signed, CN=tlsfake.test; evil puts terminal
 * escapes and invalid UTF-8 into the subject CN and O.  0 or -1.
 */
int tf_keys_cert(struct tf_keys *k, enum tf_cert type, int evil, const uint8_t **der, size_t *len);
/*
 * The server's public share for a group: the key_exchange of a TLS 1.3
 * KeyShareEntry, or the ECPoint of a TLS 1.2 ServerECDHParams.  The ML-KEM
 * ciphertext part of a hybrid is random bytes of the right size (OpenSSL
 * 3.0 has no ML-KEM, and no client can decapsulate it anyway).
 */
int tf_keys_share(struct tf_keys *k, const struct tf_group *g, const uint8_t **p, size_t *len);
/* ffdhe2048 (RFC 7919 A.1) prime, generator and a public value Ys. */
int tf_keys_dhe(struct tf_keys *k, const uint8_t **p, size_t *plen, const uint8_t **gen,
		size_t *glen, const uint8_t **ys, size_t *ylen);
/* Cryptographically random bytes; 0 or -1. */
int tf_random(void *buf, size_t n);

#endif
