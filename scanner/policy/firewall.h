/* SPDX-License-Identifier: MIT */
/*
 * The firewall's side of a proxied handshake: what the PAN-OS release in
 * front of the users can decrypt and what it puts in its own hello, apart
 * from the profile.  Releases differ (ciphersuites/panos-versions.tsv):
 * TLS 1.3 from 10.0, post-quantum groups stripped from 11.1, an option to
 * keep them for TLS 1.3 from 12.1.2.  A verdict always says which release
 * it assumes.
 *
 * Which schemes a certificate key signs with comes from the registry
 * (ciphersuites/sigschemes.tsv): the advisor asks through here.
 */
#ifndef CP_POLICY_FIREWALL_H
#define CP_POLICY_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/offer.h"

struct cp_firewall {
	char release[16];     /* "12.1.2": the row of panos-versions.tsv */
	char asked[16];       /* what --panos-version said ("" default) */
	uint16_t max_version; /* wire: highest version it decrypts */
	bool strips_pq;       /* post-quantum groups leave its hello */
	bool pq_option;       /* a (non-public) setting can keep them for TLS 1.3 */
	/* A capture of the firewall's own hello (--proxy-hello): its groups
	 * and signature schemes replace the model's; NULL for the model. */
	const struct cp_offer *captured;
};

/* The release table, embedded verbatim at build time (scanner/policy/Makemodule.am). */
extern const char cp_panos_versions_tsv[];

/*
 * The model for release `version` ("10.2", "11.1.3"; NULL or "" for the
 * newest row): the last row at or below it.  Returns 0, or -1 with a
 * message ("unknown PAN-OS version '9.0': the model starts at 9.1") in err.
 */
int cp_firewall_load(const char *version, struct cp_firewall *out, char *err, size_t errlen);
/* Parses the release table; 0, or -1 with "FILE:LINE: message" in err (unit tests). */
int cp_firewall_check_data(char *err, size_t errlen);

/*
 * The proxy's hello (cp_proxy_offer) as this release builds it: versions
 * capped at what it decrypts, suites valid only above that dropped, the
 * client's groups less those it strips (fw NULL: the newest release),
 * and no version above the top one with a suite to offer.
 * Returns 0, or -1 when no version is left.
 */
int cp_firewall_offer(const struct cp_firewall *fw, const struct cp_profile *p,
		      const struct cp_client *c, struct cp_offer *out);

/* Whether the firewall takes group out of its hello to the server. */
bool cp_firewall_strips_group(const struct cp_firewall *fw, uint16_t group);

/*
 * Signature schemes a certificate key can sign with at protocol version
 * `wire` (0x0303 or 0x0304): key is cp_cert_facts.key_type ("RSA", "EC",
 * ...), curve its IANA group name for EC keys (NULL otherwise).  Writes at
 * most max ids to out, returns how many; 0 when the key is unknown.
 */
size_t cp_sigschemes_for_key(const char *key, const char *curve, uint16_t wire, uint16_t *out,
			     size_t max);
/* The key type a scheme signs with ("RSA", "EC", ...); NULL unknown. */
const char *cp_sigscheme_key(uint16_t scheme);

#endif
