/* SPDX-License-Identifier: MIT */
/*
 * Webhooks: `cipherprobe scan --notify URL` tells a chat channel or an
 * automation endpoint that something changed (a regression in a cron run).
 *
 * The body is one JSON object that Slack and Microsoft Teams incoming
 * webhooks show as it is, and that automation can read:
 *   {"text": "<one short line>", "cipherprobe": <the caller's payload>}
 * The URL is treated as a secret (Slack and Teams put the credential in
 * its path): messages name only its scheme, host and port.
 */
#ifndef CP_OUTPUT_NOTIFY_H
#define CP_OUTPUT_NOTIFY_H

#include <stddef.h>

#include <jansson.h>

#define CP_NOTIFY_TIMEOUT_MS 10000L /* per attempt */
#define CP_NOTIFY_RETRIES 2         /* after the first attempt */
#define CP_NOTIFY_RETRIES_MAX 5
#define CP_NOTIFY_BACKOFF_MS 1000L /* before the first retry; doubles each time */
#define CP_NOTIFY_TEXT_MAX 300     /* bytes of "text", "..." included */

struct cp_notify_req {
	const char *url;    /* https:// (or http://) webhook URL */
	const char *text;   /* the line people read; shortened to CP_NOTIFY_TEXT_MAX,
	                           control characters blanked, & < > escaped as Slack
	                           requires (so a host name cannot @-mention a channel) */
	json_t *payload;    /* "cipherprobe" member; borrowed; NULL: JSON null */
	const char *cacert; /* PEM CA file; NULL: the system's */
	long timeout_ms;    /* per attempt, connecting included; 0: CP_NOTIFY_TIMEOUT_MS */
	int retries;        /* 0: CP_NOTIFY_RETRIES; < 0: none; capped at CP_NOTIFY_RETRIES_MAX */
	long backoff_ms;    /* 0: CP_NOTIFY_BACKOFF_MS */
};

/*
 * POSTs the body.  Retried, after backoff_ms then twice that and so on:
 * connection refused or failed, timeouts, and HTTP 5xx.  Never retried:
 * HTTP 4xx (the URL or the body is wrong and stays wrong), TLS
 * verification failures, bad URLs.  Returns 0 once an attempt gets a 2xx,
 * else -1 with e.g.
 *   "webhook https://hooks.example.com:443: HTTP 500 (Internal Server
 *    Error), after 3 attempts"
 *   "webhook https://hooks.example.com:443: HTTP 404 (Not Found)"
 */
int cp_notify_send(const struct cp_notify_req *rq, char *err, size_t errlen);

/*
 * The body cp_notify_send posts, as a malloc'd JSON string (free()), or
 * NULL when memory runs out.  For callers that print it (--dry-run) and
 * for tests.
 */
char *cp_notify_body(const char *text, json_t *payload);

#endif
