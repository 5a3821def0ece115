/* SPDX-License-Identifier: MIT */
/*
 * Webhook notifications: the body, and a bounded number of attempts.
 * A webhook is a side channel of a scan: it must never hold a cron run up
 * for long, so every attempt has a timeout and the retries are few.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "output/output.h"
#include "fetch.h"
#include "output/notify.h"
#include "output/sanitize.h"
#include "util.h"


/*
 * The "text" line: s made valid UTF-8 (cp_sanitize_utf8), control
 * characters (C1 and bidi ones too) turned into blanks (it is one line,
 * and U+202E in a host name would reorder it), & < > written as Slack
 * wants them (https://api.slack.com/reference/surfaces/formatting: "<!here>"
 * in a scanned host name would otherwise notify a whole channel), and cut
 * at CP_NOTIFY_TEXT_MAX bytes between characters with "...".
 */
static char *short_line(const char *s)
{
	static const char ell[] = "...";
	char *clean = cp_sanitize_utf8(s != NULL ? s : "");
	char *out = NULL;
	size_t n = 0, clen;
	bool cut = false;

	if (clean == NULL)
		return NULL;
	out = malloc(CP_NOTIFY_TEXT_MAX + 1);
	if (out == NULL)
		goto out;
	for (const char *p = clean; *p != '\0'; p += clen) {
		const char *piece = p;
		size_t plen;
		uint32_t cp;

		/* clean is well-formed UTF-8; a stray byte would still move on */
		clen = cp_utf8_seq((const unsigned char *)p, &cp);
		if (clen == 0) {
			clen = 1;
			cp = 0xFFFD;
		}
		plen = clen;
		if (cp == '&')
			piece = "&amp;";
		else if (cp == '<')
			piece = "&lt;";
		else if (cp == '>')
			piece = "&gt;";
		else if (cp_unsafe_codepoint(cp))
			piece = " ";
		if (piece != p)
			plen = strlen(piece);
		if (n + plen > CP_NOTIFY_TEXT_MAX - (sizeof ell - 1)) {
			cut = true;
			break;
		}
		memcpy(out + n, piece, plen);
		n += plen;
	}
	if (cut) {
		memcpy(out + n, ell, sizeof ell);
		n += sizeof ell - 1;
	}
	out[n] = '\0';
out:
	free(clean);
	return out;
}

char *cp_notify_body(const char *text, json_t *payload)
{
	json_t *root = NULL, *t = NULL;
	char *line = short_line(text), *body = NULL;

	if (line == NULL)
		goto out;
	t = cp_json_str(line);
	root = json_object();
	if (t == NULL || root == NULL)
		goto out;
	/* json_object_set_new takes t; json_object_set takes a reference */
	if (json_object_set_new(root, "text", t) < 0) {
		t = NULL;
		goto out;
	}
	t = NULL;
	if (json_object_set(root, "cipherprobe", payload != NULL ? payload : json_null()) < 0)
		goto out;
	body = json_dumps(root, JSON_COMPACT);
out:
	json_decref(t);
	json_decref(root);
	free(line);
	return body;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Worth another attempt: the endpoint may be back in a moment. */
static bool transient(const struct cp_http_resp *rs)
{
	switch (rs->fail) {
	case CP_HTTP_EREFUSED:
	case CP_HTTP_ECONNECT:
	case CP_HTTP_ETIMEOUT: return true;
	case CP_HTTP_ESTATUS: return rs->status >= 500 && rs->status <= 599;
	default: return false;
	}
}

int cp_notify_send(const struct cp_notify_req *rq, char *err, size_t errlen)
{
	long tmo = rq->timeout_ms > 0 ? rq->timeout_ms : CP_NOTIFY_TIMEOUT_MS;
	long backoff = rq->backoff_ms > 0 ? rq->backoff_ms : CP_NOTIFY_BACKOFF_MS;
	int retries = rq->retries == 0 ? CP_NOTIFY_RETRIES : rq->retries < 0 ? 0 : rq->retries;
	struct cp_http_req hr = {
		.url = rq->url,
		.cacert = rq->cacert,
		.connect_timeout_ms = tmo,
		.timeout_ms = tmo,
		/* the reply is "ok" or a short error; nothing to keep */
		.max_body = (size_t)64 << 10,
	};
	char msg[512] = "";
	char *body = NULL;
	int attempts = 0, rc = -1;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (retries > CP_NOTIFY_RETRIES_MAX)
		retries = CP_NOTIFY_RETRIES_MAX;
	body = cp_notify_body(rq->text, rq->payload);
	if (body == NULL) {
		cp_seterr(err, errlen, "webhook: out of memory (or a payload JSON cannot encode)");
		goto out;
	}
	for (;;) {
		struct cp_http_resp rs;
		bool again;

		attempts++;
		if (cp_http_post_json(&hr, body, strlen(body), &rs, msg, sizeof msg) == 0) {
			cp_http_resp_free(&rs);
			rc = 0;
			goto out;
		}
		again = transient(&rs) && attempts <= retries;
		cp_http_resp_free(&rs);
		if (!again)
			break;
		sleep_ms(backoff);
		if (backoff < 60000)
			backoff *= 2;
	}
	if (attempts > 1)
		cp_seterr(err, errlen, "webhook: %s, after %d attempts", msg, attempts);
	else
		cp_seterr(err, errlen, "webhook: %s", msg);
out:
	free(body);
	return rc;
}
