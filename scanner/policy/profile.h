/* SPDX-License-Identifier: MIT */
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
	CP_LOC_NONE = 0, /* built-in or bare snippet: vsys form assumed */
	CP_LOC_VSYS,
	CP_LOC_SHARED,
	CP_LOC_DEVICE_GROUP, /* Panorama */
};

struct cp_profile {
	char name[128];   /* profile name ("" for a bare snippet) */
	char source[512]; /* "FILE" or "builtin:panos-recommended" */
	enum cp_profile_loc loc;
	char vsys[64];          /* for CP_LOC_VSYS, e.g. "vsys1" */
	char device_group[128]; /* for CP_LOC_DEVICE_GROUP */
	uint16_t min_version;   /* wire: 0x0300 (sslv3) .. 0x0304 (tls1-3) */
	uint16_t max_version;   /* wire; "max" is stored as the highest PAN-OS supports */
	bool max_is_max;        /* max-version was "max" */
	uint32_t flags;         /* CP_PANOS_* enabled (registry.h) */
	uint32_t fwd;           /* CP_FWD_* enabled */
	bool scm;               /* read from Strata Cloud Manager JSON (no CLI there) */
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
int cp_profile_load(const char *spec, const char *name, struct cp_profile *out, char *err,
		    size_t errlen);
/* Same, from a memory buffer (used by the firewall API reader and tests);
 * label names the source in messages. */
int cp_profile_load_mem(const char *buf, size_t len, const char *label, const char *name,
			struct cp_profile *out, char *err, size_t errlen);
/* The built-ins' names, NULL-terminated. */
extern const char *const cp_profile_builtin_names[];
/*
 * For a spec that failed to load: when it is no file and close to a
 * built-in's name, "; did you mean 'panos-recommended'? (built-in profiles:
 * panos-default, panos-recommended)" into buf, else "" (buf is always
 * terminated; size at least 1).
 */
void cp_profile_suggest(const char *spec, char *buf, size_t size);
/* The built-ins by name ("panos-default", "panos-recommended"); -1 if unknown. */
int cp_profile_builtin(const char *name, struct cp_profile *out);
/* PAN-OS version token ("tls1-2", "max", "sslv3") <-> wire value.
 * token: NULL for a wire value PAN-OS has no token for.  parse: 0 for an
 * unknown token; "max" gives 0x0304 and sets *is_max (is_max may be NULL). */
const char *cp_panos_version_token(uint16_t wire);
uint16_t cp_panos_version_parse(const char *tok, bool *is_max);

/* A profile a file holds, as `cipherprobe profile list` shows it. */
struct cp_profile_ref {
	char name[128]; /* "" for a bare <ssl-protocol-settings> */
	enum cp_profile_loc loc;
	char scope[128]; /* vsys or device-group name, "" otherwise */
	size_t line;     /* where it starts in the file; 0 if unknown */
};
/*
 * Every decryption profile in a file (any format above), without parsing
 * their settings: in file order, except that a running config lists its
 * vsys profiles, then shared, then device groups (PANOS.md's order).  *refs is malloc'd (free() it), *n may
 * be 0.  Returns 0, or -1 with a message in err, as cp_profile_load.
 */
int cp_profile_list(const char *path, struct cp_profile_ref **refs, size_t *n, char *err,
		    size_t errlen);
int cp_profile_list_mem(const char *buf, size_t len, const char *label,
			struct cp_profile_ref **refs, size_t *n, char *err, size_t errlen);

/*
 * The names PAN-OS accepts for a decryption profile, a vsys or a device
 * group.  INFERRED: no source at hand states the rule for decryption
 * profiles exactly; this is the PAN-OS object-name rule as the web UI's
 * field help and commit errors give it for objects in general ("letters,
 * numbers, spaces, hyphens, periods and underscores", starting with a
 * letter or number, 63 characters at most; some older releases allow 31
 * for some objects, so 63 is the lenient bound).  Only ASCII: a PAN-OS
 * configuration names no profile with a control, quote, backslash or
 * non-ASCII byte, and such a name must never reach a `set` command.
 *
 *   first character   A-Z a-z 0-9
 *   the others        A-Z a-z 0-9 space _ - .
 *   length            1 .. CP_PANOS_NAME_MAX bytes
 */
#define CP_PANOS_NAME_MAX 63
/* true when name follows the rule above; otherwise false, with the reason
 * ("character 0x0A at offset 4 ...") in why (may be NULL). */
bool cp_panos_name_ok(const char *name, char *why, size_t whylen);

/* "vsys", "shared", "device-group", or "" for CP_LOC_NONE. */
const char *cp_profile_loc_name(enum cp_profile_loc loc);
/*
 * The start of a `set` command for this profile, as the CLI of the place
 * it lives wants it: "set profiles decryption Corp" (vsys1 or unknown),
 * "set vsys vsys2 profiles decryption Corp", "set shared profiles
 * decryption \"My Profile\"", "set device-group DG1 profiles decryption Lab".
 * Writes into buf (always terminated); returns the length it needed.
 */
size_t cp_profile_set_prefix(const struct cp_profile *p, char *buf, size_t size);
/*
 * The flags that take effect: p->flags less those PAN-OS disables for the
 * profile's min-version (PANOS.md: min-version tls1-2 greys out 3DES, RC4
 * and MD5, which iron-skillet calls "unavailable").  The offer uses these.
 */
uint32_t cp_profile_effective_flags(const struct cp_profile *p);

#endif
