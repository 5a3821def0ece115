/*
 * --verify: prove a fix with a real handshake.
 *
 * The replay of the fixed profile's hello shows the server would answer it;
 * this goes one step further where OpenSSL can: a complete TLS handshake
 * offering exactly the fixed hello's suites, versions and groups, as the
 * firewall would after the change.  Certificates are not checked here
 * (that is a separate question with its own verdict); the point is that
 * the negotiation completes.
 */
#ifndef CP_POLICY_VERIFY_H
#define CP_POLICY_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "policy/offer.h"

enum cp_verify_status {
	CP_VERIFY_PROVEN = 1,      /* handshake completed with an offered suite */
	CP_VERIFY_FAILED = 0,      /* the server refused or broke the handshake */
	CP_VERIFY_UNSUPPORTED = -1, /* OpenSSL here cannot offer any of the suites */
	CP_VERIFY_ERROR = -2,      /* connect failed, timeout, no memory */
};

/*
 * Connect to addr (port set), send SNI sni (NULL: none) and complete a
 * handshake offering o.  Returns a cp_verify_status with a sentence in msg;
 * on PROVEN, *version (wire) and *suite are what was negotiated.
 * Blocking, bounded by timeout_ms for connect and for the handshake.
 */
int cp_verify_handshake(const struct sockaddr *addr, socklen_t addrlen, const char *sni,
			const struct cp_offer *o, unsigned timeout_ms, uint16_t *version,
			uint16_t *suite, char *msg, size_t msglen);

#endif
