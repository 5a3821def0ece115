/* SPDX-License-Identifier: MIT */
/*
 * --verify: prove a fix with a real handshake.
 *
 * The replay of the fixed profile's hello shows the server would answer it;
 * this goes one step further where OpenSSL can: a complete TLS handshake
 * offering exactly the fixed hello's suites, versions and groups, as the
 * firewall would after the change.  Certificates are not checked here
 * (that is a separate question with its own verdict); the point is that
 * the negotiation completes.
 *
 * Policy does no I/O: this builds the OpenSSL client for a fix and judges
 * the handshake's outcome.  The handshake itself runs on the event loop
 * (net/tlsconn.h), bounded as a whole by one deadline.
 */
#ifndef CP_POLICY_VERIFY_H
#define CP_POLICY_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "net/tlsconn.h"
#include "policy/offer.h"

enum cp_verify_status {
	CP_VERIFY_PROVEN = 1,       /* handshake completed with an offered suite */
	CP_VERIFY_FAILED = 0,       /* the server refused, broke or stalled the handshake */
	CP_VERIFY_UNSUPPORTED = -1, /* OpenSSL here cannot offer any of the suites */
	CP_VERIFY_ERROR = -2,       /* connect failed, no memory */
};

/*
 * An OpenSSL client offering exactly o: its suites (at security level 0,
 * weak ones included), version range and groups; no certificate
 * verification.  *skipped counts the suites this OpenSSL lacks (left out
 * of the proof).  Returns the context, or NULL with *status
 * CP_VERIFY_UNSUPPORTED (none of the suites) or CP_VERIFY_ERROR (no
 * memory) and a sentence in msg (*status is set either way; it means
 * something only with NULL).  OpenSSL's error queue is left as found.
 */
SSL_CTX *cp_verify_ctx_new(const struct cp_offer *o, size_t *skipped, int *status, char *msg,
			   size_t msglen);

/*
 * Judge the proof handshake's report (from a context of cp_verify_ctx_new).
 * Returns a cp_verify_status with a sentence in msg; on PROVEN, *version
 * (wire) and *suite are what was negotiated.  A handshake that did not
 * complete within its deadline is FAILED; one that never connected is ERROR.
 */
int cp_verify_judge(const struct cp_tlsconn_report *rep, size_t skipped, uint16_t *version,
		    uint16_t *suite, char *msg, size_t msglen);

#endif
