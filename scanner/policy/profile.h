/*
 * A decryption profile (PAN-OS SSL Forward Proxy, ssl-protocol-settings
 * and ssl-forward-proxy), loaded from any of the formats users have:
 *
 *   - PAN-OS XML: a bare <ssl-protocol-settings>, an <entry name=...>
 *     snippet, a full running-config export (vsys, shared and Panorama
 *     device-group locations; --profile-name picks one), or a saved XML
 *     API reply (<response status="success">...);
 *   - a file of PAN-OS `set` commands;
 *   - a Strata Cloud Manager / Prisma Access JSON profile;
 *   - built-ins: "panos-default" and "panos-recommended".
 *
 * Elements left out take their defaults (ciphersuites/panos-flags.tsv).
 * Anything unknown or impossible is an error naming the file and the line
 * or element; nothing is guessed.
 */
#ifndef CP_POLICY_PROFILE_H
#define CP_POLICY_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ssl-forward-proxy booleans, one bit each (names in cp_fwd_flag_name). */
enum cp_fwd_flag {
	CP_FWD_BLOCK_EXPIRED_CERTIFICATE = 1u << 0,
	CP_FWD_BLOCK_UNTRUSTED_ISSUER = 1u << 1,
	CP_FWD_BLOCK_UNKNOWN_CERT = 1u << 2,
	CP_FWD_BLOCK_TIMEOUT_CERT = 1u << 3,
	CP_FWD_BLOCK_UNSUPPORTED_VERSION = 1u << 4,
	CP_FWD_BLOCK_UNSUPPORTED_CIPHER = 1u << 5,
	CP_FWD_BLOCK_CLIENT_CERT = 1u << 6,
	CP_FWD_BLOCK_IF_NO_RESOURCE = 1u << 7,
	CP_FWD_BLOCK_IF_HSM_UNAVAILABLE = 1u << 8,
	CP_FWD_BLOCK_TLS13_DOWNGRADE_NO_RESOURCE = 1u << 9,
	CP_FWD_RESTRICT_CERT_EXTS = 1u << 10,
	CP_FWD_AUTO_INCLUDE_ALTNAME = 1u << 11,
	CP_FWD_STRIP_ALPN = 1u << 12,
};
#define CP_FWD_NFLAGS 13
/* "block-expired-certificate", ...; index is the bit number; NULL past the end. */
const char *cp_fwd_flag_name(unsigned bitno);

/* Where the profile lives: decides the `set` command form. */
enum cp_profile_loc {
	CP_LOC_NONE = 0,     /* built-in or bare snippet: vsys form assumed */
	CP_LOC_VSYS,
	CP_LOC_SHARED,
	CP_LOC_DEVICE_GROUP, /* Panorama */
};

struct cp_profile {
	char name[128];           /* profile name ("" for a bare snippet) */
	char source[512];         /* "FILE" or "builtin:panos-recommended" */
	enum cp_profile_loc loc;
	char vsys[64];            /* for CP_LOC_VSYS, e.g. "vsys1" */
	char device_group[128];   /* for CP_LOC_DEVICE_GROUP */
	uint16_t min_version;     /* wire: 0x0300 (sslv3) .. 0x0304 (tls1-3) */
	uint16_t max_version;     /* wire; "max" is stored as the highest PAN-OS supports */
	bool max_is_max;          /* max-version was "max" */
	uint32_t flags;           /* CP_PANOS_* enabled (registry.h) */
	uint32_t fwd;             /* CP_FWD_* enabled */
};

/*
 * Load spec (a built-in name or a file path; format detected from the
 * content) into *out.  name selects a profile in a multi-profile file
 * (NULL: the file must hold exactly one).  Returns 0, or -1 with a message
 * in err such as "corp.xml:41: unknown element 'enc-algo-aes-chacha20-poly1305'
 * (decryption profiles spell it enc-algo-chacha20-poly1305)" or
 * "running-config.xml: 3 decryption profiles, choose one with
 * --profile-name: Corp (vsys1), Strict (shared), Lab (device-group DG1)".
 */
int cp_profile_load(const char *spec, const char *name, struct cp_profile *out,
		    char *err, size_t errlen);
/* Same, from a memory buffer (used by the firewall API reader and tests);
 * label names the source in messages. */
int cp_profile_load_mem(const char *buf, size_t len, const char *label, const char *name,
			struct cp_profile *out, char *err, size_t errlen);
/* The built-ins by name ("panos-default", "panos-recommended"); -1 if unknown. */
int cp_profile_builtin(const char *name, struct cp_profile *out);
/* PAN-OS version token ("tls1-2", "max", "sslv3") <-> wire value. */
const char *cp_panos_version_token(uint16_t wire);
uint16_t cp_panos_version_parse(const char *tok, bool *is_max);

#endif
