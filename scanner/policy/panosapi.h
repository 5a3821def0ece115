/* SPDX-License-Identifier: MIT */
/*
 * Reading a decryption profile from a live firewall or Panorama over the
 * PAN-OS XML API (PANOS.md "Reading a profile over the XML API"), for
 * `cipherprobe scan --panos-host HOST --panos-key-file FILE --profile-name NAME`.
 *
 * The running configuration is read (action=show), one location at a time,
 * with the API key in an X-PAN-KEY header: never in the URL, where proxies
 * and the firewall's own logs would keep it.  The key never appears in any
 * message either.  TLS verification is on; a firewall with its
 * factory self-signed certificate needs --cacert.
 */
#ifndef CP_POLICY_PANOSAPI_H
#define CP_POLICY_PANOSAPI_H

#include <stddef.h>

#include "policy/profile.h"

struct cp_http_req; /* fetch.h */
struct cp_http_resp;

/* Room for an API key (PAN-OS keys are ~100-200 characters). */
#define CP_PANOS_KEY_MAX 1024
/* The variable read when no key file is given. */
#define CP_PANOS_KEY_ENV "CIPHERPROBE_PANOS_KEY"

struct cp_panos_req {
	const char *host;         /* "fw.example.com", "fw:8443", "10.0.0.1", "[2001:db8::1]:443" */
	const char *key;          /* the API key (cp_panos_key_load) */
	const char *profile;      /* decryption profile name */
	const char *vsys;         /* NULL: "vsys1" */
	const char *device_group; /* Panorama device group, or NULL */
	const char *cacert;       /* PEM CA file for the firewall's certificate; NULL: system */
	long connect_timeout_ms;  /* 0: fetch.h's default */
	long timeout_ms;          /* per request; 0: fetch.h's default */
	/* The GET to use; NULL: cp_http_get.  Exists for tests and the fuzz
	 * harness (tests/fuzz/fuzz_panosapi.c), which answer with canned replies. */
	int (*get)(const struct cp_http_req *rq, struct cp_http_resp *rs, char *err, size_t errlen);
};

/*
 * Fetches the profile rq->profile into *out, looking where PAN-OS gives a
 * name precedence: the vsys, then the device group (when given), then
 * shared.  out->loc, vsys and device_group say where it was found, so the
 * advice's `set` commands fit; out->source is "https://HOST/api (vsys1)".
 *
 * Returns 0, or -1 with one sentence in err:
 *   "profile 'X' not found on HOST; profiles there: A (vsys1), B (shared)"
 *   "profile 'X' not found on HOST; it has no decryption profiles in vsys1 or shared"
 *   "HOST: the API key was refused (HTTP 403)"
 *   "HOST: the firewall's API answered with an error (code 17): <its msg lines>"
 *   "HOST: the reply is not a PAN-OS XML API reply (unparsable XML)"
 *   or a transport error from fetch.h (refused, timeout, TLS verification).
 */
int cp_panos_fetch_profile(const struct cp_panos_req *rq, struct cp_profile *out, char *err,
			   size_t errlen);

/*
 * Loads the API key: from key_file when it is not NULL, else from the
 * environment variable CIPHERPROBE_PANOS_KEY.  The file must be a regular
 * file nobody but its owner can read or write (mode 0600 or 0400:
 * "FILE is readable or writable by group or others (mode 0644): chmod 600
 * FILE"); one trailing line break is stripped; the key must fit keylen
 * (CP_PANOS_KEY_MAX) and hold only printable characters.  Returns 0, or -1
 * with a message (never quoting the key), including when there is neither.
 */
int cp_panos_key_load(const char *key_file, char *key, size_t keylen, char *err, size_t errlen);

/*
 * Internal entry points, exposed for tests/fuzz/fuzz_panosapi.c only.
 *
 * cp_panos_classify: what kind of API reply body (len bytes, any content)
 * is: CP_PANOS_FOUND (status="success" with an element in <result>),
 * CP_PANOS_NOT_FOUND (code 7 or an empty <result>), CP_PANOS_API_ERROR
 * (status="error") or CP_PANOS_FAIL with "HOST: why" in err.
 *
 * cp_panos_relabel: rewrites profile.c's "LABEL[:LINE]: why" in err as
 * "HOST: why".
 */
enum cp_panos_reply { CP_PANOS_FOUND, CP_PANOS_NOT_FOUND, CP_PANOS_API_ERROR, CP_PANOS_FAIL };
enum cp_panos_reply cp_panos_classify(const char *body, size_t len, const char *host, char *err,
				      size_t errlen);
void cp_panos_relabel(const char *host, const char *label, char *err, size_t errlen);

/*
 * Shared with policy/panoslogs.c (decryption logs over the same API):
 * cp_panos_check_host refuses a --panos-host that is not HOST[:PORT];
 * cp_panos_redact_key replaces every copy of key in err (and a copy cut
 * short at its end) as every message quoting the firewall needs.
 */
int cp_panos_check_host(const char *host, char *err, size_t errlen);
void cp_panos_redact_key(const char *key, char *err, size_t errlen);

/*
 * The envelope every XML API reply shares: body parsed (no DTD, no entity
 * expansion, no network) and its root a <response>.  The document, to free
 * with xmlFreeDoc, or NULL with "HOST: the reply is not a PAN-OS XML API
 * reply (...)" in err.
 */
struct _xmlDoc;
struct _xmlDoc *cp_panos_envelope(const char *body, size_t len, const char *host, char *err,
				  size_t errlen);

#endif
