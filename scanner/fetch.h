/* SPDX-License-Identifier: MIT */
/*
 * Everything cipherprobe says over HTTP(S): remote target lists (-i URL),
 * the firewall's XML API (policy/panosapi.h) and webhooks (output/notify.h).
 * One libcurl easy handle per call, so calls share nothing and may run on
 * different threads.
 *
 * What every call does, whatever the caller asks:
 *   - the URL is parsed by curl's URL API first; only http and https are
 *     accepted, and curl is told so too (CURLOPT_PROTOCOLS_STR);
 *   - TLS verification is always on (peer and host name); cacert replaces
 *     the system store for servers with a private CA (--cacert);
 *   - redirects are never followed: a 3xx is an error.  A header such as
 *     X-PAN-KEY would otherwise travel to whichever host the Location names,
 *     and a list or webhook URL that moved is the user's to update;
 *   - connect and total timeouts, and a cap on the reply body;
 *   - proxies come from the usual environment variables (https_proxy,
 *     no_proxy), as for curl(1);
 *   - nothing is printed.  Messages name the URL's scheme, host and port
 *     only: webhook URLs carry their secret in the path, list URLs may
 *     carry a token in the query.  Header values are never quoted anywhere
 *     (the firewall API key travels in one).
 */
#ifndef CP_FETCH_H
#define CP_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#define CP_HTTP_CONNECT_TIMEOUT_MS 10000L   /* default connect timeout (TLS handshake included) */
#define CP_HTTP_TIMEOUT_MS 30000L           /* default total timeout */
#define CP_HTTP_MAX_BODY ((size_t)16 << 20) /* default reply cap: 16 MiB */

/* One extra request header.  Neither part may hold CR or LF. */
struct cp_http_header {
	const char *name;  /* "X-PAN-KEY" */
	const char *value; /* never copied into a message */
};

struct cp_http_req {
	const char *url;    /* http:// or https:// */
	const char *cacert; /* PEM file of CAs to trust instead of the system's; NULL: system */
	const struct cp_http_header *headers;
	size_t nheaders;
	long connect_timeout_ms; /* 0: CP_HTTP_CONNECT_TIMEOUT_MS */
	long timeout_ms;         /* whole transfer; 0: CP_HTTP_TIMEOUT_MS */
	size_t max_body;         /* 0: CP_HTTP_MAX_BODY */
};

/* Why a call failed, for callers that act on it (retry, a better sentence).
 * An outcome classification, not a status (status.h): the values say what
 * the network or the server did (resolve, refused, certificate, HTTP
 * status, redirect), which the retry rules and the firewall's messages
 * act on, so it stays its own type. */
enum cp_http_fail {
	CP_HTTP_OK = 0,
	CP_HTTP_EURL,        /* unparsable URL or a scheme other than http/https */
	CP_HTTP_ERESOLVE,    /* host name does not resolve */
	CP_HTTP_EREFUSED,    /* connection refused */
	CP_HTTP_ECONNECT,    /* other connect failures (unreachable, reset...) */
	CP_HTTP_ETIMEOUT,    /* connect or total timeout */
	CP_HTTP_ETLS_VERIFY, /* the server's certificate was not accepted */
	CP_HTTP_ETLS,        /* TLS failed otherwise (handshake, CA file) */
	CP_HTTP_ESTATUS,     /* the server answered a status >= 400 */
	CP_HTTP_EREDIRECT,   /* the server answered a 3xx: not followed */
	CP_HTTP_ETOOBIG,     /* the reply body passed max_body */
	CP_HTTP_ENOMEM,
	CP_HTTP_EOTHER, /* anything else libcurl reports */
};

/*
 * The reply.  body is malloc'd and NUL-terminated (the NUL is not counted
 * in len); it is kept for error statuses too (a PAN-OS 403 explains
 * itself).  Release with cp_http_resp_free.
 */
struct cp_http_resp {
	enum cp_http_fail fail;
	long status; /* HTTP status; 0 when none was received */
	char *body;
	size_t len;
	char content_type[128]; /* media type, lower case, parameters dropped; "" if none */
};

/*
 * GET rq->url.  Returns 0 for a 2xx reply, -1 otherwise with rs->fail set
 * and one sentence in err, e.g.
 *   "https://fw.example.com:443: connection refused"
 *   "https://fw.example.com:443: timed out after 10 s (connecting)"
 *   "https://fw.example.com:443: TLS verification failed: the server's
 *    certificate is signed by an unknown CA (unable to get local issuer
 *    certificate); give the CA with --cacert FILE"
 *   "https://127.0.0.1:8443: TLS verification failed: the server's
 *    certificate does not match the name 127.0.0.1"
 *   "https://lists.example.com:443: HTTP 404 (Not Found)"
 *   "https://lists.example.com:443: the reply is larger than 16 MiB"
 * rs is always initialised; free it even on failure.
 */
int cp_http_get(const struct cp_http_req *rq, struct cp_http_resp *rs, char *err, size_t errlen);
/* POST json (len bytes) with Content-Type: application/json; as cp_http_get. */
int cp_http_post_json(const struct cp_http_req *rq, const char *json, size_t len,
		      struct cp_http_resp *rs, char *err, size_t errlen);
void cp_http_resp_free(struct cp_http_resp *rs);

/*
 * "https://host:port" of url, for messages (never the path or query, which
 * may be secret).  Writes "(bad URL)" when url does not parse.
 */
void cp_http_origin(const char *url, char *buf, size_t size);

/*
 * A target list for `-i URL`: GETs url (defaults for the timeouts and the
 * cap; cacert may be NULL) and hands back the body as text for
 * cp_list_read (fmemopen(text, len, "r")); name the list there with
 * cp_http_origin(url), not url, which may hold a token.  An HTML page is
 * refused: it is a sign-in or error page, not a list.  *text is malloc'd and NUL-terminated;
 * free() it.  Returns 0, or -1 with a message as cp_http_get.
 */
int cp_fetch_list(const char *url, const char *cacert, char **text, size_t *len, char *err,
		  size_t errlen);

/*
 * The pieces of the above that see no network, exposed for
 * tests/fuzz/fuzz_fetch.c:
 *
 * cp_http_url_check: parses url as every call does; returns 0 with
 * "scheme://host:port" in origin, or -1 with "(bad URL)" there and a
 * message in err.
 *
 * cp_http_media_type: the media type of a Content-Type header value
 * (what rs->content_type holds): lower case, leading blanks, parameters
 * and what follows a blank dropped, cut to fit size (always terminated).
 *
 * cp_http_is_html: a media type cp_fetch_list refuses as a web page.
 */
int cp_http_url_check(const char *url, char *origin, size_t osize, char *err, size_t errlen);
void cp_http_media_type(const char *value, char *out, size_t size);
bool cp_http_is_html(const char *media_type);

#endif
