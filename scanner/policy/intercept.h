/* SPDX-License-Identifier: MIT */
/*
 * Is this scan itself being decrypted?  A pure detector over the results
 * of one run.
 *
 * A decrypting proxy between the scanner and the servers answers every
 * handshake itself, with a leaf it mints for the name asked for, signed by
 * its own forward-trust CA.  Scan results then describe the proxy, not the
 * servers.  The sign: unrelated targets (different registrable names) whose
 * chains all end at one issuer.
 *
 *   - explicit: a certificate of the chain is, or was issued by, a
 *     certificate given with --forward-trust-ca (cp_chain_issued_by): one
 *     target is enough, the issuer is known to be the proxy's;
 *   - heuristic: two or more targets with different registrable names
 *     whose anchor (tls/chain.h) is the same issuer and is not a root of the
 *     default public store.  Self-signed leaves do not count (a proxy signs
 *     what it mints), nor do targets scanned on a loopback address (no
 *     network device sits on that path).  Servers of one organisation
 *     behind one private CA under different domains look the same: the
 *     warning names the issuer so that a person can tell.
 *
 * "Registrable name" is approximated without the Public Suffix List: the
 * last two labels, or three when the last is a two-letter country code and
 * the one before a common second-level label (co, com, net, org, gov, edu,
 * ac, or, ne, go); an IP literal is its own name.
 */
#ifndef CP_POLICY_INTERCEPT_H
#define CP_POLICY_INTERCEPT_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

struct cp_intercept_set;

/* What the detector concluded. */
struct cp_intercept {
	char *issuer;       /* the proxy's issuer (RFC 2253), NULL: not detected */
	size_t targets;     /* targets whose chain shows it */
	bool forward_trust; /* found by --forward-trust-ca, not by the heuristic */
};

/* An empty set of observations; NULL when memory runs out. */
struct cp_intercept_set *cp_intercept_set_new(void);
void cp_intercept_set_free(struct cp_intercept_set *s);

/*
 * Record what r shows, after its chain was checked (r->cert.chain_checked;
 * other results are ignored).  forward_trust: the subject of the
 * --forward-trust-ca certificate found in or above r's chain, or NULL.
 * Strings are copied.  0, or -1 when memory runs out.
 */
int cp_intercept_observe(struct cp_intercept_set *s, const struct cp_result *r,
			 const char *forward_trust);

/*
 * Decide over everything observed.  Returns 1 with *out filled (issuer
 * heap-owned: cp_intercept_clear), 0 when nothing points at a proxy (*out
 * zeroed), -1 when memory runs out.  The explicit rule wins over the
 * heuristic; within a rule, the issuer seen on the most names.
 */
int cp_intercept_detect(const struct cp_intercept_set *s, struct cp_intercept *out);
void cp_intercept_clear(struct cp_intercept *i);

/* The registrable part of host (see above), as a pointer into host and a
 * length without any trailing dot; exposed for tests. */
const char *cp_registrable_name(const char *host, size_t *len);

#endif
