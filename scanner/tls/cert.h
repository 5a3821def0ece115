/* SPDX-License-Identifier: MIT */
/*
 * Certificate facts from DER: a pure function over OpenSSL.
 *
 * Takes the leaf certificate exactly as the server sent it (one DER
 * Certificate, nothing after it, at most CP_CERT_MAX_DER bytes) and fills
 * the neutral struct cp_cert_facts of result.h.  No socket, no trust store,
 * no clock: the caller passes `now`, so tests are deterministic.
 *
 * Strings are what OpenSSL prints (RFC 2253 names, OID long names) and are
 * not escaped further: making them safe for a terminal, JSON or XML is the
 * output writer's job.  Sizes are capped so a hostile server cannot make a
 * record arbitrarily large.
 */
#ifndef CP_TLS_CERT_H
#define CP_TLS_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "result.h"

/* Largest certificate accepted: TLS allows 16 MiB, real leaves are < 8 KiB. */
#define CP_CERT_MAX_DER   (64u * 1024u)
/* Longest subject or issuer string kept, in bytes (the rest is cut off). */
#define CP_CERT_MAX_NAME  1024u
/* Most DNS and IP subjectAltNames kept (later ones are dropped). */
#define CP_CERT_MAX_SANS  100u

/*
 * Parse der[0..len) and fill *out.  Returns 0 on success: present is true
 * and subject, issuer, key_type, sig_alg, not_before, not_after and sha256
 * are non-NULL; curve is set for named-curve EC keys only; sans holds the
 * DNS names (bytes as sent, a NUL byte written as the four characters
 * "\00" so a name cannot be silently shortened) and IPv4/IPv6 addresses
 * in inet_ntop form.  expired means notAfter < now, not_yet_valid means
 * notBefore > now (the validity period is inclusive, RFC 5280 4.1.2.5).
 * self_signed means the issuer is the subject and the signature verifies
 * with the certificate's own key.
 *
 * Returns -1 when the input is empty, too large, not a certificate, has
 * bytes after the certificate, or memory runs out; a reason goes to err
 * (when err is not NULL and errlen > 0) and *out is left all zero.
 * *out is overwritten either way, never freed: pass a cleared struct.
 * OpenSSL's error queue is left as it was found either way.
 */
int cp_cert_facts_from_der(const uint8_t *der, size_t len, size_t chain_len,
			   time_t now, struct cp_cert_facts *out,
			   char *err, size_t errlen);

/* Free every string in *c and zero it.  Safe on a zeroed struct. */
void cp_cert_facts_clear(struct cp_cert_facts *c);

#endif
