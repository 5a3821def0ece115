/* SPDX-License-Identifier: MIT */
/*
 * The HTTP(S) client core: libcurl with the settings fetch.h promises, and
 * curl's errors turned into sentences a firewall admin can act on.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/x509_vfy.h>

#include "fetch.h"
#include "util.h"

/* ---- libcurl's global state, set up once ---- */

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
	/* CURL_GLOBAL_DEFAULT: SSL too.  Never cleaned up: the process keeps
	 * using curl until it exits, and cleanup is not thread-safe. */
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- messages ---- */

/* "10 s", "1.5 s", "300 ms" */
static void fmt_ms(long ms, char *buf, size_t size)
{
	if (ms >= 1000 && ms % 1000 == 0)
		snprintf(buf, size, "%ld s", ms / 1000);
	else if (ms >= 1000)
		snprintf(buf, size, "%ld.%ld s", ms / 1000, (ms % 1000) / 100);
	else
		snprintf(buf, size, "%ld ms", ms);
}

/* "16 MiB", "64 KiB", "1000 bytes" */
static void fmt_size(size_t n, char *buf, size_t size)
{
	if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
		snprintf(buf, size, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, size, "%zu KiB", n >> 10);
	else
		snprintf(buf, size, "%zu bytes", n);
}

static const char *reason_phrase(long status)
{
	static const struct {
		long status;
		const char *phrase;
	} phrases[] = {
		{ 400, "Bad Request" },
		{ 401, "Unauthorized" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 408, "Request Timeout" },
		{ 410, "Gone" },
		{ 413, "Content Too Large" },
		{ 429, "Too Many Requests" },
		{ 500, "Internal Server Error" },
		{ 501, "Not Implemented" },
		{ 502, "Bad Gateway" },
		{ 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};

	for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
		if (phrases[i].status == status)
			return phrases[i].phrase;
	return NULL;
}

/* ---- URLs ---- */

/*
 * Parses url into u and checks the scheme.  origin gets "scheme://host:port"
 * for messages.  Returns 0, or -1 with a message.
 */
static int parse_once(CURLU *u, const char *url, char *origin, size_t osize, char *err,
		      size_t errlen)
{
	char *scheme = NULL, *host = NULL, *port = NULL;
	CURLUcode uc;
	int rc = -1;

	snprintf(origin, osize, "(bad URL)");
	if (url == NULL || url[0] == '\0') {
		cp_seterr(err, errlen, "no URL given");
		return -1;
	}
	/* No CURLU_GUESS_SCHEME: "fw.example.com/x" is a mistake, not a URL.
	 * CURLU_NON_SUPPORT_SCHEME so that "ftp:" reaches our own message. */
	uc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (uc != CURLUE_OK) {
		cp_seterr(err, errlen, "not a URL (%s); expected https://HOST[:PORT]/PATH",
			  curl_url_strerror(uc));
		return -1;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || host[0] == '\0') {
		cp_seterr(err, errlen,
			  "not a URL (no scheme or host); expected https://HOST[:PORT]/PATH");
		goto out;
	}
	/* a DNS name is at most 253 bytes; longer ones would not even fit
	 * the origin quoted in messages */
	if (strlen(host) > 255) {
		cp_seterr(err, errlen, "not a URL (the host name is longer than 253 characters)");
		goto out;
	}
	if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
		/* the scheme is the user's own text, but only its first characters */
		cp_seterr(err, errlen,
			  "%.16s: URLs are refused; only https:// and http:// are fetched", scheme);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		cp_seterr(err, errlen, "not a URL (bad port)");
		goto out;
	}
	/* curl takes ":0", which no server listens on: say so now rather
	 * than "cannot connect" later */
	if (strcmp(port, "0") == 0) {
		cp_seterr(err, errlen, "not a URL (port 0); expected https://HOST[:PORT]/PATH");
		goto out;
	}
	snprintf(origin, osize, "%s://%s:%s", scheme, host, port);
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return rc;
}

/*
 * The origin of url, as a fixpoint: libcurl (7.88) decodes a
 * percent-encoded host ("http://%33.17/" gives host "3.17") without the
 * IPv4 normalisation it applies to a plain one ("3.17" is 3.0.0.17), so
 * the origin is parsed again until it no longer changes; the origin shown
 * is then the one a second look at it would show.
 */
static int parse_url(CURLU *u, const char *url, char *origin, size_t osize, char *err,
		     size_t errlen)
{
	char cur[600], prev[600]; /* a host is at most 255 bytes (parse_once) */
	int rc = parse_once(u, url, cur, sizeof cur, err, errlen);
	CURLU *again = rc == 0 ? curl_url() : NULL; /* u keeps url: callers fetch it */

	if (rc == 0 && again == NULL) {
		cp_seterr(err, errlen, "out of memory");
		rc = -1;
	}
	for (int i = 0; rc == 0; i++) {
		if (i == 3) {
			cp_seterr(err, errlen, "not a URL (its host name does not settle)");
			rc = -1;
			break;
		}
		memcpy(prev, cur, sizeof prev);
		rc = parse_once(again, prev, cur, sizeof cur, err, errlen);
		if (rc == 0 && strcmp(prev, cur) == 0)
			break;
	}
	curl_url_cleanup(again);
	snprintf(origin, osize, "%s", rc == 0 ? cur : "(bad URL)");
	return rc;
}

int cp_http_url_check(const char *url, char *origin, size_t osize, char *err, size_t errlen)
{
	CURLU *u;
	int rc;

	pthread_once(&global_once, global_init);
	u = curl_url();
	if (u == NULL) {
		snprintf(origin, osize, "(bad URL)");
		cp_seterr(err, errlen, "out of memory");
		return -1;
	}
	rc = parse_url(u, url, origin, osize, err, errlen);
	curl_url_cleanup(u);
	return rc;
}

void cp_http_origin(const char *url, char *buf, size_t size)
{
	CURLU *u;
	char dummy[8];

	if (size == 0)
		return;
	snprintf(buf, size, "(bad URL)");
	pthread_once(&global_once, global_init);
	u = curl_url();
	if (u == NULL)
		return;
	parse_url(u, url, buf, size, dummy, sizeof dummy);
	curl_url_cleanup(u);
}

/* ---- the reply body, capped ---- */

struct sink {
	char *buf;
	size_t len, cap, max;
	bool toobig, nomem;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;
	size_t add = size * n;

	/* returning less than add makes curl stop with CURLE_WRITE_ERROR */
	if (add > s->max - s->len) {
		s->toobig = true;
		return 0;
	}
	if (add >= SIZE_MAX - s->len || CP_GROW(s->buf, s->cap, s->len + add + 1) < 0) {
		s->nomem = true;
		return 0;
	}
	memcpy(s->buf + s->len, p, add);
	s->len += add;
	s->buf[s->len] = '\0';
	return add;
}

/* ---- request headers ---- */

static bool header_ok(const struct cp_http_header *h)
{
	if (h->name == NULL || h->value == NULL || h->name[0] == '\0')
		return false;
	/* a name is a token; a CR or LF anywhere would start a new header */
	if (h->name[strcspn(h->name, ": \t\r\n")] != '\0')
		return false;
	return strpbrk(h->value, "\r\n") == NULL;
}

/*
 * Appends "Name: value" for every header to *list.  The formatted copy
 * holds the value (maybe the API key), so it is wiped once curl has its own.
 */
static int add_headers(struct curl_slist **list, const struct cp_http_req *rq, char *err,
		       size_t errlen)
{
	for (size_t i = 0; i < rq->nheaders; i++) {
		const struct cp_http_header *h = &rq->headers[i];
		struct curl_slist *nl;
		size_t need;
		char *line;

		if (!header_ok(h)) {
			cp_seterr(err, errlen,
				  "request header %zu (%.40s) has a bad name or a line break "
				  "in its value",
				  i + 1, h->name != NULL ? h->name : "(null)");
			return -1;
		}
		need = strlen(h->name) + 2 + strlen(h->value) + 1;
		line = malloc(need);
		if (line == NULL) {
			cp_seterr(err, errlen, "out of memory");
			return -1;
		}
		snprintf(line, need, "%s: %s", h->name, h->value);
		nl = curl_slist_append(*list, line);
		explicit_bzero(line, need);
		free(line);
		if (nl == NULL) {
			cp_seterr(err, errlen, "out of memory");
			return -1;
		}
		*list = nl;
	}
	return 0;
}

/* ---- errors ---- */

/* The sentence for a certificate curl did not accept. */
static void tls_verify_msg(CURL *h, const char *origin, const char *host, const char *cacert,
			   const char *ebuf, char *err, size_t errlen)
{
	long vr = 0;
	const char *hint = cacert != NULL ? "is it the CA that signed this server's certificate?"
					  : "give the CA with --cacert FILE";

	if (curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &vr) != CURLE_OK)
		vr = 0;
	/*
	 * curl checks the name itself once OpenSSL has accepted the chain,
	 * leaving the verify result unspecified: its own message ("... subject
	 * name ... target host name ...") is the only sign of a mismatch.
	 */
	if (strstr(ebuf, "target host name") != NULL)
		vr = X509_V_ERR_HOSTNAME_MISMATCH;
	switch (vr) {
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		cp_seterr(err, errlen,
			  "%s: TLS verification failed: the server's certificate does not "
			  "match the name %s (name mismatch)",
			  origin, host);
		return;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		cp_seterr(err, errlen,
			  "%s: TLS verification failed: the server's certificate is "
			  "signed by an unknown CA (%s); %s",
			  origin, X509_verify_cert_error_string(vr), hint);
		return;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		cp_seterr(err, errlen,
			  "%s: TLS verification failed: the server's certificate has "
			  "expired",
			  origin);
		return;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		cp_seterr(err, errlen,
			  "%s: TLS verification failed: the server's certificate is not "
			  "valid yet (is the clock right?)",
			  origin);
		return;
	case X509_V_OK:
	case X509_V_ERR_UNSPECIFIED:
		cp_seterr(err, errlen,
			  "%s: TLS verification failed: the server's certificate was "
			  "refused (%s)",
			  origin, ebuf[0] != '\0' ? ebuf : "no detail from libcurl");
		return;
	default:
		cp_seterr(err, errlen,
			  "%s: TLS verification failed: the server's certificate was "
			  "refused (%s)",
			  origin, X509_verify_cert_error_string(vr));
		return;
	}
}

/* rs->fail and err for a transfer that ended with cc. */
static void map_error(CURL *h, CURLcode cc, const struct sink *s, const char *origin,
		      const char *host, const struct cp_http_req *rq, long cto, long tto,
		      const char *ebuf, struct cp_http_resp *rs, char *err, size_t errlen)
{
	const char *detail = ebuf[0] != '\0' ? ebuf : curl_easy_strerror(cc);
	char when[32], size[32];
	curl_off_t t_conn = 0;
	long oserr = 0, peer_port = 0;

	switch (cc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
		rs->fail = CP_HTTP_EURL;
		cp_seterr(err, errlen, "%s: refused: only https:// and http:// are fetched",
			  origin);
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
		rs->fail = CP_HTTP_ERESOLVE;
		cp_seterr(err, errlen, "%s: cannot resolve the host name %s", origin, host);
		return;
	case CURLE_COULDNT_RESOLVE_PROXY:
		rs->fail = CP_HTTP_ERESOLVE;
		cp_seterr(err, errlen, "%s: cannot resolve the proxy's host name (https_proxy?)",
			  origin);
		return;
	case CURLE_COULDNT_CONNECT:
		if (curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr) != CURLE_OK)
			oserr = 0;
		if (oserr == ECONNREFUSED) {
			rs->fail = CP_HTTP_EREFUSED;
			cp_seterr(err, errlen, "%s: connection refused", origin);
		} else {
			rs->fail = CP_HTTP_ECONNECT;
			cp_seterr(err, errlen, "%s: cannot connect: %s", origin,
				  oserr != 0 ? strerror((int)oserr) : detail);
		}
		return;
	case CURLE_OPERATION_TIMEDOUT:
		rs->fail = CP_HTTP_ETIMEOUT;
		/*
		 * curl counts the connect time only once TLS is up too; the peer's
		 * port is known as soon as TCP is, so a server that accepts and
		 * never speaks TLS (an IPS black hole, a plain-HTTP port) shows.
		 */
		if (curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &t_conn) != CURLE_OK)
			t_conn = 0;
		if (curl_easy_getinfo(h, CURLINFO_PRIMARY_PORT, &peer_port) != CURLE_OK)
			peer_port = 0;
		if (t_conn == 0 && peer_port != 0 && strncmp(origin, "https:", 6) == 0) {
			fmt_ms(cto, when, sizeof when);
			cp_seterr(err, errlen,
				  "%s: timed out after %s (TLS handshake: the server accepted "
				  "the connection but did not answer)",
				  origin, when);
		} else if (t_conn == 0) {
			fmt_ms(cto, when, sizeof when);
			cp_seterr(err, errlen, "%s: timed out after %s (connecting)", origin, when);
		} else {
			fmt_ms(tto, when, sizeof when);
			cp_seterr(err, errlen, "%s: timed out after %s (waiting for the reply)",
				  origin, when);
		}
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
		rs->fail = CP_HTTP_ETLS_VERIFY;
		tls_verify_msg(h, origin, host, rq->cacert, ebuf, err, errlen);
		return;
	case CURLE_SSL_CACERT_BADFILE:
		rs->fail = CP_HTTP_ETLS;
		cp_seterr(err, errlen, "cannot use the CA file %s (missing, unreadable or not PEM)",
			  rq->cacert != NULL ? rq->cacert : "(system default)");
		return;
	case CURLE_FILESIZE_EXCEEDED:
		rs->fail = CP_HTTP_ETOOBIG;
		fmt_size(s->max, size, sizeof size);
		cp_seterr(err, errlen, "%s: the reply is larger than %s", origin, size);
		return;
	case CURLE_WRITE_ERROR:
		if (s->toobig) {
			rs->fail = CP_HTTP_ETOOBIG;
			fmt_size(s->max, size, sizeof size);
			cp_seterr(err, errlen, "%s: the reply is larger than %s", origin, size);
			return;
		}
		if (s->nomem) {
			rs->fail = CP_HTTP_ENOMEM;
			cp_seterr(err, errlen, "out of memory");
			return;
		}
		break;
	case CURLE_OUT_OF_MEMORY:
		rs->fail = CP_HTTP_ENOMEM;
		cp_seterr(err, errlen, "out of memory");
		return;
	case CURLE_GOT_NOTHING:
		rs->fail = CP_HTTP_EOTHER;
		cp_seterr(err, errlen, "%s: the server closed the connection without answering",
			  origin);
		return;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
		rs->fail = CP_HTTP_ETLS;
		cp_seterr(err, errlen, "%s: TLS handshake failed: %s", origin, detail);
		return;
	default: break;
	}
	rs->fail = CP_HTTP_EOTHER;
	cp_seterr(err, errlen, "%s: %s", origin, detail);
}

/* The status line's verdict for a completed transfer. */
static int map_status(const char *origin, struct cp_http_resp *rs, char *err, size_t errlen)
{
	const char *phrase = reason_phrase(rs->status);

	if (rs->status >= 200 && rs->status <= 299)
		return 0;
	if (rs->status >= 300 && rs->status <= 399) {
		/* the Location is not quoted: redirects are not followed at all */
		rs->fail = CP_HTTP_EREDIRECT;
		cp_seterr(err, errlen,
			  "%s: HTTP %ld: a redirect, which cipherprobe does not follow; "
			  "give the final URL",
			  origin, rs->status);
		return -1;
	}
	if (rs->status >= 400) {
		rs->fail = CP_HTTP_ESTATUS;
		if (phrase != NULL)
			cp_seterr(err, errlen, "%s: HTTP %ld (%s)", origin, rs->status, phrase);
		else
			cp_seterr(err, errlen, "%s: HTTP %ld", origin, rs->status);
		return -1;
	}
	rs->fail = CP_HTTP_EOTHER;
	cp_seterr(err, errlen, "%s: unexpected HTTP status %ld", origin, rs->status);
	return -1;
}

void cp_http_media_type(const char *value, char *out, size_t size)
{
	size_t i = 0;

	if (size == 0)
		return;
	while (*value == ' ' || *value == '\t')
		value++;
	for (; value[i] != '\0' && value[i] != ';' && value[i] != ' ' && value[i] != '\t' &&
	       i + 1 < size;
	     i++) {
		char ch = value[i];

		out[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	out[i] = '\0';
}

/* The media type, lower case, without parameters. */
static void keep_content_type(CURL *h, struct cp_http_resp *rs)
{
	char *ct = NULL;

	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) != CURLE_OK || ct == NULL)
		return;
	cp_http_media_type(ct, rs->content_type, sizeof rs->content_type);
}

/* ---- one transfer ---- */

#define SETOPT(opt, val) \
	do { \
		if (curl_easy_setopt(h, (opt), (val)) != CURLE_OK) { \
			cp_seterr(err, errlen, "libcurl refused option %s", #opt); \
			rs->fail = CP_HTTP_EOTHER; \
			goto out; \
		} \
	} while (0)

/* For a POST: the JSON Content-Type, and an empty Expect: that stops curl
 * waiting for 100-continue on larger bodies.  0, or -1 with err set. */
static int add_post_headers(struct curl_slist **hdrs, struct cp_http_resp *rs, char *err,
			    size_t errlen)
{
	static const char *const post_hdrs[] = { "Content-Type: application/json", "Expect:" };

	for (size_t i = 0; i < sizeof post_hdrs / sizeof post_hdrs[0]; i++) {
		struct curl_slist *nl = curl_slist_append(*hdrs, post_hdrs[i]);

		if (nl == NULL) {
			rs->fail = CP_HTTP_ENOMEM;
			cp_seterr(err, errlen, "out of memory");
			return -1;
		}
		*hdrs = nl;
	}
	return 0;
}

/* Every libcurl option of one transfer.  0, or -1 with err and rs->fail set. */
static int set_options(CURL *h, CURLU *u, const struct cp_http_req *rq, const char *json,
		       size_t jlen, struct curl_slist *hdrs, struct sink *s, char *ebuf, long cto,
		       long tto, struct cp_http_resp *rs, char *err, size_t errlen)
{
	SETOPT(CURLOPT_CURLU, u);
	SETOPT(CURLOPT_PROTOCOLS_STR, "https,http");
	SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "https,http");
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	/* no SIGALRM for resolver timeouts: callers may be threaded */
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
	if (rq->cacert != NULL) {
		SETOPT(CURLOPT_CAINFO, rq->cacert);
		/* only that file: Debian's curl also reads /etc/ssl/certs */
		SETOPT(CURLOPT_CAPATH, (char *)NULL);
	}
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, cto);
	SETOPT(CURLOPT_TIMEOUT_MS, tto);
	/* refuses a too-large Content-Length before any byte; on_data
	 * enforces the cap when the length is not announced */
	SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->max);
	SETOPT(CURLOPT_WRITEFUNCTION, on_data);
	SETOPT(CURLOPT_WRITEDATA, s);
	SETOPT(CURLOPT_ERRORBUFFER, ebuf);
	SETOPT(CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	if (hdrs != NULL)
		SETOPT(CURLOPT_HTTPHEADER, hdrs);
	if (json != NULL) {
		SETOPT(CURLOPT_POST, 1L);
		SETOPT(CURLOPT_POSTFIELDS, json);
		SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)jlen);
	}
	return 0;
out:
	return -1;
}

/* Hands the body over to rs (an empty body is still a string).  0, or -1
 * with err set. */
static int keep_body(struct sink *s, struct cp_http_resp *rs, char *err, size_t errlen)
{
	if (s->buf == NULL) {
		s->buf = calloc(1, 1);
		if (s->buf == NULL) {
			rs->fail = CP_HTTP_ENOMEM;
			cp_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	rs->body = s->buf;
	rs->len = s->len;
	s->buf = NULL;
	return 0;
}

/* GET when json is NULL, else POST it as application/json. */
static int transfer(const struct cp_http_req *rq, const char *json, size_t jlen,
		    struct cp_http_resp *rs, char *err, size_t errlen)
{
	char origin[512], ebuf[CURL_ERROR_SIZE] = "";
	struct sink s = { 0 };
	struct curl_slist *hdrs = NULL;
	char *host = NULL;
	CURLU *u = NULL;
	CURL *h = NULL;
	CURLcode cc;
	long cto, tto;
	int rc = -1;

	memset(rs, 0, sizeof *rs);
	rs->fail = CP_HTTP_EOTHER;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		cp_seterr(err, errlen, "libcurl failed to initialise: %s",
			  curl_easy_strerror(global_rc));
		return -1;
	}
	cto = rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms : CP_HTTP_CONNECT_TIMEOUT_MS;
	tto = rq->timeout_ms > 0 ? rq->timeout_ms : CP_HTTP_TIMEOUT_MS;
	s.max = rq->max_body > 0 ? rq->max_body : CP_HTTP_MAX_BODY;

	u = curl_url();
	h = curl_easy_init();
	if (u == NULL || h == NULL) {
		rs->fail = CP_HTTP_ENOMEM;
		cp_seterr(err, errlen, "out of memory");
		goto out;
	}
	if (parse_url(u, rq->url, origin, sizeof origin, err, errlen) < 0) {
		rs->fail = CP_HTTP_EURL;
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rs->fail = CP_HTTP_EURL;
		cp_seterr(err, errlen, "not a URL (no host)");
		goto out;
	}
	if (add_headers(&hdrs, rq, err, errlen) < 0) {
		rs->fail = CP_HTTP_EURL;
		goto out;
	}
	if (json != NULL && add_post_headers(&hdrs, rs, err, errlen) < 0)
		goto out;
	if (set_options(h, u, rq, json, jlen, hdrs, &s, ebuf, cto, tto, rs, err, errlen) < 0)
		goto out;

	cc = curl_easy_perform(h);
	if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rs->status) != CURLE_OK)
		rs->status = 0;
	if (cc != CURLE_OK) {
		map_error(h, cc, &s, origin, host, rq, cto, tto, ebuf, rs, err, errlen);
		goto out;
	}
	keep_content_type(h, rs);
	if (keep_body(&s, rs, err, errlen) < 0)
		goto out;
	if (map_status(origin, rs, err, errlen) < 0)
		goto out;
	rs->fail = CP_HTTP_OK;
	rc = 0;
out:
	free(s.buf);
	curl_free(host);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	curl_url_cleanup(u);
	return rc;
}

int cp_http_get(const struct cp_http_req *rq, struct cp_http_resp *rs, char *err, size_t errlen)
{
	return transfer(rq, NULL, 0, rs, err, errlen);
}

int cp_http_post_json(const struct cp_http_req *rq, const char *json, size_t len,
		      struct cp_http_resp *rs, char *err, size_t errlen)
{
	if (json == NULL) {
		memset(rs, 0, sizeof *rs);
		rs->fail = CP_HTTP_EOTHER;
		cp_seterr(err, errlen, "no JSON body to post");
		return -1;
	}
	return transfer(rq, json, len, rs, err, errlen);
}

bool cp_http_is_html(const char *media_type)
{
	return strcmp(media_type, "text/html") == 0 ||
	       strcmp(media_type, "application/xhtml+xml") == 0;
}

void cp_http_resp_free(struct cp_http_resp *rs)
{
	if (rs == NULL)
		return;
	free(rs->body);
	rs->body = NULL;
	rs->len = 0;
}

int cp_fetch_list(const char *url, const char *cacert, char **text, size_t *len, char *err,
		  size_t errlen)
{
	struct cp_http_req rq = { .url = url, .cacert = cacert };
	struct cp_http_resp rs;
	char origin[512];
	int rc = -1;

	*text = NULL;
	*len = 0;
	if (cp_http_get(&rq, &rs, err, errlen) < 0)
		goto out;
	/* a sign-in or error page served with 200 would otherwise become a
	 * list of hundreds of bad targets */
	if (cp_http_is_html(rs.content_type)) {
		cp_http_origin(url, origin, sizeof origin);
		cp_seterr(err, errlen,
			  "%s: the reply is an HTML page (a sign-in or error page?), not a "
			  "list of targets",
			  origin);
		goto out;
	}
	*text = rs.body;
	*len = rs.len;
	rs.body = NULL;
	rc = 0;
out:
	cp_http_resp_free(&rs);
	return rc;
}
