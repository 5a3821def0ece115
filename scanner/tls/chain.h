/* SPDX-License-Identifier: MIT */
/*
 * Certificate chain verification as the firewall does it: a pure function
 * over OpenSSL.
 *
 * The chain is judged exactly as the server sent it: the sent certificates
 * after the leaf are the only untrusted intermediates, and a missing one is
 * never fetched (no AIA).  Trust comes from a store the caller builds: the
 * default public bundle plus the roots the administrator imported on the
 * firewall (--ca-file).  No socket, no clock: the caller passes `now`.
 *
 * Every problem found is reported, not only the first: OpenSSL's verify
 * callback records each error and lets verification go on.
 */
#ifndef CP_TLS_CHAIN_H
#define CP_TLS_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "tls/cert.h"

/*
 * The default public store: Debian's ca-certificates bundle.  PAN-OS ships
 * its own "Default Trusted CA" list; that the two are close enough is
 * INFERRED, not documented (see ciphersuites/README.md): change it here.
 */
#define CP_TRUST_DEFAULT_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

/* Most certificates read from one PEM file (the Debian bundle has ~150). */
#define CP_TRUST_MAX_FILE_CERTS 10000u
/* Largest PEM file read, in bytes. */
#define CP_TRUST_MAX_FILE_BYTES (32u * 1024u * 1024u)

/* Where a trusted certificate came from. */
enum cp_trust_origin {
	CP_TRUST_PUBLIC, /* the default public bundle */
	CP_TRUST_ADMIN,  /* imported by the administrator (--ca-file) */
};

struct cp_trust;

/* An empty store; NULL when memory runs out. */
struct cp_trust *cp_trust_new(void);
void cp_trust_free(struct cp_trust *t);

/*
 * Add every certificate of the PEM file at path (one or many, "CERTIFICATE"
 * or "TRUSTED CERTIFICATE" blocks; other blocks are skipped).  Returns how
 * many were read (> 0), or -1 with a reason naming the file in err: the
 * file cannot be read, holds no certificate, a certificate block does not
 * parse, or it is over the caps above.  Nothing is added on failure.
 */
int cp_trust_add_file(struct cp_trust *t, const char *path, enum cp_trust_origin origin, char *err,
		      size_t errlen);

/* cp_trust_add_file(t, CP_TRUST_DEFAULT_BUNDLE, CP_TRUST_PUBLIC, ...). */
int cp_trust_add_default(struct cp_trust *t, char *err, size_t errlen);

/* Certificates in the store (both origins). */
size_t cp_trust_count(const struct cp_trust *t);

/*
 * Verify certs[0..n) (leaf first, DER, at most CP_CERT_MAX_CHAIN used,
 * each at most CP_CERT_MAX_DER bytes) against t at time now, and the leaf
 * against hostname (the SNI, else the host; an IPv4/IPv6 literal is matched
 * against IP subjectAltNames; NULL or "" skips the name check).  Fills the
 * chain fields of *out only (chain_checked, trusted, chain_errors,
 * missing_issuer, anchor, anchor_public), replacing what they held:
 *
 *   trusted          the chain builds to a certificate in the store and
 *                    every signature and extension checks out; validity
 *                    dates and the name are reported apart, in errors
 *   CP_CHAIN_INCOMPLETE    the leaf's issuer is neither sent nor in the
 *                    store (missing_issuer names it)
 *   CP_CHAIN_UNKNOWN_ROOT  the chain climbs past the leaf to a self-signed
 *                    root the store does not hold, or to a CA certificate
 *                    (sent, or an intermediate in the store) whose issuer
 *                    nobody provides (whether that issuer is a root or a
 *                    further intermediate cannot be told apart: the
 *                    firewall would need the same certificate either way)
 *   CP_CHAIN_SELF_SIGNED   the leaf itself is self-signed and not trusted
 *   CP_CHAIN_EXPIRED / NOT_YET_VALID  any certificate of the built chain
 *   CP_CHAIN_NAME_MISMATCH the leaf does not cover hostname (RFC 6125, no
 *                    partial wildcards; the subject CN only when there is
 *                    no DNS subjectAltName, as OpenSSL does)
 *   CP_CHAIN_INVALID anything else: a bad signature, a certificate that
 *                    does not parse, a CA without CA:TRUE, a wrong purpose
 *   anchor           the subject of the root it builds to (in the store
 *                    or, untrusted, sent self-signed); else the issuer of
 *                    the topmost certificate built, which nobody provided
 *                    (RFC 2253, cut at CP_CERT_MAX_NAME bytes)
 *   anchor_public    the anchor is in the store and came from the default
 *                    public bundle
 *
 * Returns 0 (chain_checked is then true), or -1 when there is nothing to
 * check (n is 0, certs or t NULL) or memory ran out; the chain fields are
 * then cleared.  OpenSSL's error queue is left as it was found.
 */
int cp_chain_check(const struct cp_der_cert *certs, size_t n, const struct cp_trust *t,
		   const char *hostname, time_t now, struct cp_cert_facts *out);

/*
 * Whether a certificate of certs[0..n) is one of the certificates in cas,
 * or was issued by one (issuer name and signature both checked).  Returns
 * 1 with *issuer set to that CA's subject (heap, RFC 2253), 0 when none
 * is (*issuer NULL), -1 when memory runs out.  Used with the firewall's
 * forward-trust certificate (--forward-trust-ca).
 */
int cp_chain_issued_by(const struct cp_der_cert *certs, size_t n, const struct cp_trust *cas,
		       char **issuer);

/* The JSON / text name of one CP_CHAIN_* bit ("incomplete-chain", ...);
 * NULL for anything else. */
const char *cp_chain_error_name(unsigned bit);

#endif
