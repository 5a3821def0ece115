/* SPDX-License-Identifier: MIT */
/*
 * Verdicts: why the forward proxy's handshake with a server fails, and the
 * smallest, least-weakening profile change that fixes it.
 *
 * Inputs are the scan's accepted sets, the replay of the proxy's exact
 * hello (cp_result.replay: "compatible" is what the server did with that
 * hello, not a set calculation alone), the profile and the client model.
 * Changes are PAN-OS element names: "auth-algo-sha1" for a flag to turn
 * on, "max-version=tls1-3" / "min-version=tls1-0" for a version bound.
 * Their costs and weakness come from ciphersuites/panos-weakness.tsv.
 */
#ifndef CP_POLICY_ADVISE_H
#define CP_POLICY_ADVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/offer.h"
#include "policy/profile.h"
#include "result.h"

struct cp_fix {
	char **changes; /* element names, cheapest first */
	size_t nchanges;
	bool weak;        /* any change is weak (RC4, 3DES, MD5, SSLv3, TLS 1.0 ...) */
	unsigned cost;    /* sum of the changes' costs */
	uint16_t version; /* what the fix makes negotiable: version (wire) */
	uint16_t suite;   /* and suite */
};

/* The five things a proxied handshake needs a path through (DESIGN.md
 * "How a verdict is reached"), and who narrows each. */
enum cp_axis {
	CP_AXIS_VERSION,
	CP_AXIS_SUITE,
	CP_AXIS_GROUP,
	CP_AXIS_SIGNATURE,
	CP_AXIS_CERTIFICATE,
	CP_AXIS__COUNT
};
enum cp_party { CP_BY_CLIENT, CP_BY_PROFILE, CP_BY_FIREWALL, CP_BY_SERVER, CP_BY__COUNT };
const char *cp_axis_name(enum cp_axis a);   /* "version" .. "certificate" */
const char *cp_party_name(enum cp_party p); /* "client" .. "server" */

/* One blocked axis: JSON verdict.causes[]. */
struct cp_cause {
	enum cp_axis axis;
	enum cp_party blocked_by;
	char *detail; /* one sentence naming the concrete values */
};

struct cp_verdict {
	bool compatible;
	struct cp_cause *causes; /* in axis order; empty when compatible */
	size_t ncauses;
	char *assumes;        /* the firewall model: "PAN-OS 12.1.2" */
	bool negotiated;      /* the replay got a ServerHello */
	uint16_t neg_version; /* wire */
	uint16_t neg_suite;
	char *reason;       /* one sentence */
	struct cp_fix *fix; /* NULL when no profile change helps */
	struct cp_fix *alternatives;
	size_t nalternatives;
	bool no_decrypt; /* better handled by a no-decrypt exception */
	char **commands; /* PAN-OS set commands for fix (vsys/shared form as the profile lives) */
	size_t ncommands;
	char *xml;       /* <ssl-protocol-settings> snippet with the fix */
	char *scm_patch; /* SCM JSON patch with the fix */
	int verified;    /* --verify: -1 not tried, 0 not proven, 1 proven */
	char *verify_msg;
};

/*
 * The verdict for one scanned target.  Returns NULL when memory runs out
 * or when r is an error record (no verdict for targets that did not scan).
 */
struct cp_firewall; /* policy/firewall.h; NULL: the newest release's model */
struct cp_verdict *cp_advise(const struct cp_result *r, const struct cp_profile *p,
			     const struct cp_client *c, const struct cp_firewall *fw);
void cp_verdict_free(struct cp_verdict *v);

/* A profile with fix applied (for --verify and `profile show` of a fix). */
int cp_profile_apply(const struct cp_profile *p, const struct cp_fix *fix, struct cp_profile *out,
		     char *err, size_t errlen);

/*
 * The fleet summary: the set of changes that fixes the most incompatible
 * targets at the least weakness (greedy weighted set cover), how many each
 * change fixes, and the hosts better left undecrypted, with commands.
 */
struct cp_fleet {
	char **changes;
	size_t *change_fixes; /* targets each change (with those before it) fixes */
	size_t nchanges;
	size_t fixes;      /* incompatible targets the whole set fixes */
	char **no_decrypt; /* host names (or addresses) */
	size_t nno_decrypt;
	char **commands; /* set commands for the changes and a custom URL category */
	size_t ncommands;
};

int cp_advise_fleet(const struct cp_result *const *results, size_t n, const struct cp_profile *p,
		    struct cp_fleet *out);
void cp_fleet_free(struct cp_fleet *f);
/* changes as a Strata Cloud Manager JSON patch ({"ssl_protocol_settings":
 * {...}, "ssl_forward_proxy": {...}}, compact); NULL without memory. */
char *cp_changes_scm_patch(char *const *changes, size_t n);

/*
 * cp_advise_fleet reads each result's verdict (r->verdict, set by the
 * caller from cp_advise); results without one are not counted.  It returns
 * 0, or -1 when memory runs out or a verdict names a change the weakness
 * table lacks; *out is then empty.
 */

/*
 * The weakness table: ciphersuites/panos-weakness.tsv, embedded verbatim
 * at build time (scanner/policy/Makemodule.am) so that it stays a file people
 * edit.  cp_change_cost gives one change's cost and weakness; -1 when the
 * table has no such row.  cp_weakness_check parses the whole table and
 * returns 0, or -1 with "panos-weakness.tsv:LINE: message" in err.
 */
extern const char cp_panos_weakness_tsv[];
int cp_change_cost(const char *change, unsigned *cost, bool *weak);
int cp_weakness_check(char *err, size_t errlen);

/*
 * PAN-OS `set` commands that make changes in profile p, in the form its
 * location needs (vsys: `set profiles decryption NAME ...`, shared: `set
 * shared profiles ...`, device group: `set device-group DG profiles ...`),
 * followed by `commit`; nothing at all when n is 0.  Returns 0, or -1 for
 * an unknown change or no memory.  Free *out with cp_strv_free.
 */
int cp_change_commands(const struct cp_profile *p, char *const *changes, size_t n, char ***out,
		       size_t *nout);
void cp_strv_free(char **v, size_t n);

#endif
