/* SPDX-License-Identifier: MIT */
/*
 * The certificate by a real handshake, when no probe could read it.
 *
 * Raw probes read the certificate only from a TLS <= 1.2 answer, where it
 * travels in clear.  A TLS 1.3-only server encrypts it, so its certificate
 * was never read.  When a target's probing is done, the certificate is
 * wanted, none was read and the target accepted a version OpenSSL speaks,
 * the engine runs one OpenSSL handshake (net/tlsconn.h) with the SNI the
 * scan sends, no verification, at TLS 1.3 when the server accepts it
 * (else at its best TLS <= 1.2 version, offering the suites and groups it
 * was seen to accept), and keeps the certificate facts and the whole chain
 * the server sent.  A failure leaves the certificate absent and says why.
 * Nothing here prints; the socket work is net/tlsconn's.
 */
#ifndef CP_PROBE_CERTFETCH_H
#define CP_PROBE_CERTFETCH_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "net/tlsconn.h"
#include "result.h"

/* Whether r calls for the fallback: scanned fine, no certificate, and a
 * TLS 1.0..1.3 hello accepted. */
bool cp_certfetch_needed(const struct cp_result *r);

/* The client context the fallback handshakes share (one per scan): no
 * verification, security level 0, every suite.  NULL without memory. */
SSL_CTX *cp_certfetch_ctx_new(void);

/*
 * Fill *req (addr, addrlen, sni and timeout_ms are the caller's) to fetch
 * r's certificate with ctx: the version and, per SSL, the suites and
 * groups r accepted.  r must stay valid until cp_tlsconn_start returns.
 */
void cp_certfetch_req(const struct cp_result *r, SSL_CTX *ctx, struct cp_tlsconn_req *req);

/*
 * Record the fallback's outcome in r: the certificate facts of the leaf
 * and the chain as sent (cp_result_set_chain), whenever the server's
 * Certificate arrived, even if the handshake failed after it.  Returns 0
 * when a certificate was recorded, -1 otherwise with a reason in err.
 */
int cp_certfetch_record(struct cp_result *r, const struct cp_tlsconn_report *rep, char *err,
			size_t errlen);

#endif
