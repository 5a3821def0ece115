/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes what fetch.h does before and after the network: the URL check
 * every request makes (-i URL, --notify URL, the firewall API) and the
 * Content-Type handling that keeps a sign-in page from becoming a target
 * list.  The input, up to its first NUL, is tried as a URL and as a
 * Content-Type header value.
 *
 * URL invariants: an accepted URL gives an origin "SCHEME://HOST:PORT"
 * with scheme http or https and a port in 1..65535, holding no userinfo,
 * path, query, fragment or control character (messages name only the
 * origin: the rest may be a secret), and the origin is itself a URL that
 * gives the same origin; cp_http_origin agrees.  A refused URL says why
 * without quoting the URL.
 *
 * Content-Type invariants: the media type is the value's first token,
 * lower case, without blanks or parameters, always terminated whatever
 * the room; taking it again changes nothing; "text/html" in any case and
 * with any parameters is refused as a web page.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch.h"
#include "fuzz.h"

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* "SCHEME://HOST:PORT" as parse_url writes it; host is what is between. */
static void check_origin(const char *o)
{
	const char *host, *colon;
	long port;
	char *end;

	if (strncmp(o, "https://", 8) == 0)
		host = o + 8;
	else {
		FUZZ_CHECK(strncmp(o, "http://", 7) == 0);
		host = o + 7;
	}
	for (const unsigned char *p = (const unsigned char *)host; *p; p++)
		FUZZ_CHECK(*p > 0x20 && *p != 0x7f && *p != '@' && *p != '/' && *p != '?' &&
			   *p != '#' && *p != '\\');
	colon = strrchr(host, ':');
	FUZZ_CHECK(colon != NULL && colon > host);
	port = strtol(colon + 1, &end, 10);
	FUZZ_CHECK(*end == '\0' && end != colon + 1 && colon[1] != '0');
	FUZZ_CHECK(port >= 1 && port <= 65535);
	/* an IPv6 host is bracketed, so the port's colon is the last one */
	if (host[0] == '[')
		FUZZ_CHECK(colon[-1] == ']');
}

static void check_url(const char *url)
{
	char origin[512], again[512], via[512], err[256];
	int rc;

	memset(err, 'x', sizeof err);
	rc = cp_http_url_check(url, origin, sizeof origin, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(terminated(origin, sizeof origin));
	cp_http_origin(url, via, sizeof via);
	FUZZ_CHECK(strcmp(via, origin) == 0);
	if (rc != 0) {
		FUZZ_CHECK(terminated(err, sizeof err) && err[0] != '\0');
		FUZZ_CHECK(strcmp(origin, "(bad URL)") == 0);
		/* a refusal quotes 16 characters of a scheme at most */
		if (strlen(url) > 16)
			FUZZ_CHECK(strstr(err, url) == NULL);
		return;
	}
	check_origin(origin);
	rc = cp_http_url_check(origin, again, sizeof again, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "origin '%s' of '%s' does not parse: %s\n", origin, url, err);
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(strcmp(again, origin) == 0);
}

static void check_media_type(const char *value)
{
	static const size_t sizes[] = { 1, 2, 10, 128 };
	char full[4096], again[4096];
	const char *v = value;
	size_t n;

	cp_http_media_type(value, full, sizeof full);
	FUZZ_CHECK(terminated(full, sizeof full));
	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(full);
	FUZZ_CHECK(strncasecmp(full, v, n) == 0);
	FUZZ_CHECK(v[n] == '\0' || v[n] == ';' || v[n] == ' ' || v[n] == '\t' ||
		   n == sizeof full - 1);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(!(full[i] >= 'A' && full[i] <= 'Z') && full[i] != ';' &&
			   full[i] != ' ' && full[i] != '\t');
	cp_http_media_type(full, again, sizeof again);
	FUZZ_CHECK(strcmp(again, full) == 0);
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		char small[128];

		memset(small, 'x', sizeof small);
		cp_http_media_type(value, small, sizes[k]);
		FUZZ_CHECK(terminated(small, sizes[k]));
		FUZZ_CHECK(strncmp(small, full, sizes[k] - 1) == 0);
	}
	if (strncasecmp(v, "text/html", 9) == 0 &&
	    (v[9] == '\0' || v[9] == ';' || v[9] == ' ' || v[9] == '\t'))
		FUZZ_CHECK(cp_http_is_html(full));
	if (cp_http_is_html(full))
		FUZZ_CHECK(strcmp(full, "text/html") == 0 ||
			   strcmp(full, "application/xhtml+xml") == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_url(s);
	check_media_type(s);
	free(s);
	return 0;
}
