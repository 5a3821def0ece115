/* SPDX-License-Identifier: MIT */
/*
 * Certificate facts from DER: a pure function over OpenSSL.
 *
 * Takes the leaf certificate exactly as the server sent it (one DER
 * Certificate, nothing after it, at most CP_CERT_MAX_DER bytes) and fills
 * the neutral struct cp_cert_facts below (result.h keeps one per target).  No socket, no trust store,
 * no clock: the caller passes `now`, so tests are deterministic.
 *
 * Strings are what OpenSSL prints (RFC 2253 names, OID long names) and are
 * not escaped further: making them safe for a terminal, JSON or XML is the
 * output writer's job.  Sizes are capped so a hostile server cannot make a
 * record arbitrarily large.
 */
#ifndef CP_TLS_CERT_H
#define CP_TLS_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Certificates of one chain that are kept and verified, leaf first. */
#define CP_CERT_MAX_CHAIN 10

/* One certificate exactly as the server sent it (DER). */
struct cp_der_cert {
	uint8_t *der;
	size_t len;
};

/* Chain problems found by verifying what the server sent against a trust
 * store (tls/chain.h); bits of cp_cert_facts.chain_errors. */
enum cp_chain_error {
	CP_CHAIN_INCOMPLETE =
		1u << 0, /* an intermediate is missing: issuer neither sent nor in the store */
	CP_CHAIN_UNKNOWN_ROOT = 1u << 1,  /* the chain ends in a root the store does not hold */
	CP_CHAIN_SELF_SIGNED = 1u << 2,   /* the leaf is self-signed and not in the store */
	CP_CHAIN_EXPIRED = 1u << 3,       /* a certificate in the chain has expired */
	CP_CHAIN_NOT_YET_VALID = 1u << 4, /* a certificate in the chain is not yet valid */
	CP_CHAIN_NAME_MISMATCH = 1u << 5, /* the leaf does not cover the SNI (or host) */
	CP_CHAIN_INVALID = 1u << 6,       /* anything else: bad signature, wrong usage, ... */
};

struct cp_cert_facts {
	bool present;
	char *subject; /* RFC 2253 one-line, as OpenSSL prints it */
	char *issuer;
	char **sans; /* DNS and IP subjectAltNames */
	size_t nsans;
	char *key_type; /* "RSA", "EC", "Ed25519", ... */
	unsigned key_bits;
	char *curve;      /* for EC keys, else NULL */
	char *sig_alg;    /* "sha256WithRSAEncryption" */
	char *not_before; /* ISO 8601 UTC */
	char *not_after;
	bool expired;
	bool not_yet_valid;
	bool self_signed;
	char *sha256;     /* fingerprint, hex */
	size_t chain_len; /* certificates the server sent */
	/* Chain verification (tls/chain.h), against the trust store the run
	 * was given; chain_checked is false when it was not done. */
	bool chain_checked;
	bool trusted;          /* the chain verifies to a root in the store */
	unsigned chain_errors; /* CP_CHAIN_* */
	char *missing_issuer;  /* CP_CHAIN_INCOMPLETE: the issuer name not sent, else NULL */
	char *anchor;          /* subject of the root it verifies to, or of the
				  * topmost issuer when it does not; NULL unknown */
	bool anchor_public;    /* the anchor is a root of the default public
				  * store (not one given with --ca-file) */
};

/* Largest certificate accepted: TLS allows 16 MiB, real leaves are < 8 KiB. */
#define CP_CERT_MAX_DER (64u * 1024u)
/* Longest subject or issuer string kept, in bytes (the rest is cut off). */
#define CP_CERT_MAX_NAME 1024u
/* Most DNS and IP subjectAltNames kept (later ones are dropped). */
#define CP_CERT_MAX_SANS 100u

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
int cp_cert_facts_from_der(const uint8_t *der, size_t len, size_t chain_len, time_t now,
			   struct cp_cert_facts *out, char *err, size_t errlen);

/* Free every string in *c and zero it.  Safe on a zeroed struct. */
void cp_cert_facts_clear(struct cp_cert_facts *c);

#endif
