/* SPDX-License-Identifier: MIT */
/*
 * The advisor's solver (internal to policy/): one search over the five
 * axes a proxied handshake needs a path through (DESIGN.md "How a verdict
 * is reached"): a version, a suite at that version, a key-exchange group,
 * a signature scheme that fits the certificate key, and a certificate the
 * profile lets through.
 *
 * For each axis it asks who narrows it, in this order: the client (its own
 * hello), the firewall (what PAN-OS can decrypt and puts in its hello), the
 * profile, the server.  Only the profile can be changed by a fix:
 *
 *   - the client alone fails against the server  -> causes blocked_by
 *     client, no fix ("fails without decryption too");
 *   - every path the client has is shut by the firewall -> causes blocked_by
 *     firewall, no fix, a no-decrypt exception;
 *   - otherwise each path the profile shuts is costed (the changes that open
 *     it, ciphersuites/panos-weakness.tsv) and the cheapest is the fix; its
 *     causes are the axes the profile shuts on it.
 *
 * Servers choose the version first (RFC 8446 4.2.1, and every stack in
 * use): a path at TLS 1.2 works only when the proxy offers no higher
 * version the server speaks, so such a path may need max-version lowered.
 */
#ifndef CP_POLICY_SOLVE_H
#define CP_POLICY_SOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/advise.h"
#include "policy/advise_int.h"
#include "policy/firewall.h"

struct cp_solve_in {
	const struct cp_result *r;
	const struct cp_profile *p;
	const struct cp_client *c;
	const struct cp_firewall *fw;
	const struct cp_wtable *wt;
};

/* One (version, suite) the server accepts, and what opening it takes. */
struct cp_path {
	uint16_t version; /* wire */
	uint16_t suite;
	uint64_t mask; /* profile changes: rows of the weakness table */
	unsigned cost;
	unsigned nchanges;
	bool weak;
	bool lowers_max;       /* the fix lowers max-version (the server settles higher) */
	unsigned profile_axes; /* 1 << cp_axis the profile shuts on this path */
	enum cp_strength strength;
	size_t order;
};

struct cp_solution {
	bool no_server; /* the server accepted no hello at all */
	bool model_ok;  /* a path is open with the profile as it is */
	uint16_t model_version, model_suite;
	bool direct_fails; /* the client alone cannot complete a handshake */
	/* certificate axis */
	bool cert_blocks;
	enum cp_party cert_by; /* CP_BY_PROFILE (a block-* check) or CP_BY_FIREWALL */
	uint64_t cert_mask;    /* block-*=no changes that open it */
	/* paths a profile change opens, best first */
	struct cp_path *paths;
	size_t npaths;
	/* causes for the outcome the solver reached (see cp_solve_causes) */
	struct cp_cause *causes;
	size_t ncauses;
};

/*
 * Solve one target.  Returns 0, or -1 when memory runs out or the
 * weakness table lacks a row the search needs.  Free with cp_solution_free.
 */
int cp_solve(const struct cp_solve_in *in, struct cp_solution *out);
/*
 * Fill out->causes for the outcome: handshake_ok says the proxied
 * handshake itself works (the replay was accepted, or the model says so),
 * so only the certificate axis can block; otherwise the causes come from
 * the client, the firewall, or the best path's profile-shut axes.
 */
int cp_solve_causes(const struct cp_solve_in *in, struct cp_solution *s, bool handshake_ok);
void cp_solution_free(struct cp_solution *s);

/* "TLS 1.2" as people say it. */
const char *cp_ver_human(uint16_t wire);

#endif
