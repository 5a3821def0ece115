/* SPDX-License-Identifier: MIT */
/*
 * What the forward proxy puts in its ClientHello to the server: the
 * suites that are in BOTH the client's original hello AND the profile,
 * among those PAN-OS can decrypt (PANOS.md "How the forward proxy builds
 * its ClientHello"), in the client's order; the versions the profile
 * allows; the client's groups minus those PAN-OS strips (post-quantum
 * hybrids since PAN-OS 11.1).
 *
 * Clients are data (ciphersuites/clients.tsv): current Chrome, Firefox and
 * Safari hellos, plus "any" (every suite PAN-OS can decrypt).
 */
#ifndef CP_POLICY_OFFER_H
#define CP_POLICY_OFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/profile.h"

struct cp_client {
	const char *name;       /* "chrome", "firefox", "safari", "any" */
	const char *label;      /* "Chrome 136" */
	const uint16_t *suites; /* in the client's order, GREASE left out */
	size_t nsuites;
	const uint16_t *groups;
	size_t ngroups;
	const uint16_t *sigalgs;
	size_t nsigalgs;
	uint16_t min_version; /* wire */
	uint16_t max_version;
	const char *source; /* where the lists come from, and when */
};

/* By short name, case-insensitively; NULL if unknown. */
const struct cp_client *cp_client_find(const char *name);
/* All clients, NULL-terminated. */
extern const struct cp_client *const cp_clients[];
/* For an unknown client name: "did you mean 'firefox'? " when one is close,
 * then "known clients: chrome, firefox, ..." into buf (always terminated). */
void cp_client_suggest(const char *name, char *buf, size_t size);

#define CP_OFFER_MAX 128

struct cp_offer {
	uint16_t min_version; /* wire */
	uint16_t max_version;
	uint16_t suites[CP_OFFER_MAX]; /* client order */
	size_t nsuites;
	uint16_t groups[32];
	size_t ngroups;
	uint16_t sigalgs[64];
	size_t nsigalgs;
};

/*
 * The proxy's hello for this profile and client.  Returns 0; -1 when the
 * profile and client share no version (then out->nsuites is 0 as well).
 */
int cp_proxy_offer(const struct cp_profile *p, const struct cp_client *c, struct cp_offer *out);

struct cp_replay_hello; /* probe/scan.h */
struct cp_chello;       /* tls/chello.h */

/*
 * The neutral hello probe/ replays for offer o: its suites, groups and
 * signature algorithms, and every version from o->max_version down to
 * o->min_version (highest first), so that a TLS 1.3 hello lists all of
 * them from TLS 1.0 up in supported_versions.  No raw bytes.
 */
void cp_offer_replay_hello(const struct cp_offer *o, struct cp_replay_hello *out);
/*
 * The proxy's hello as a capture shows it (--proxy-hello), as a model:
 * suites (less GREASE and signalling values), groups, signature
 * algorithms in the capture's order; versions from supported_versions,
 * else legacy_version down to TLS 1.0.  Lists longer than cp_offer holds
 * are cut.  Returns 0; -1 when the capture offers no version cipherprobe
 * knows (out->nsuites may still be set).
 */
int cp_offer_from_chello(const struct cp_chello *h, struct cp_offer *out);
/*
 * The neutral hello that replays the capture raw[0..len) (whose parse is
 * h) byte for byte: h's lists unshortened (GREASE left out) and its
 * versions as cp_offer_from_chello reads them.  raw is borrowed.
 */
void cp_offer_capture_hello(const struct cp_chello *h, const uint8_t *raw, size_t len,
			    struct cp_replay_hello *out);

/* Whether suite s at protocol version `wire` passes the profile's flags.
 * wire 0: at any version within the profile's [min, max].  False for a
 * suite PAN-OS cannot decrypt or one not valid at that version. */
bool cp_profile_allows(const struct cp_profile *p, uint16_t suite, uint16_t wire);
/* Whether PAN-OS takes this group out of its hello to the server
 * (ciphersuites/panos-groups.tsv; a group with no row is kept). */
bool cp_panos_strips_group(uint16_t group);

#endif
