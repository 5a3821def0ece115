/* SPDX-License-Identifier: MIT */
/* Target parsing; the accepted forms are listed in target.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "input/target.h"
#include "util.h"

#define CP_DEFAULT_PORT 443

/* Schemes whose port speaks TLS from the first byte (no STARTTLS). */
static const struct {
	const char *scheme;
	uint16_t port;
} tls_schemes[] = {
	{ "https", 443 }, { "ldaps", 636 }, { "imaps", 993 },
	{ "pop3s", 995 }, { "smtps", 465 }, { "ftps", 990 },
};


/* ASCII only: the C locale's isspace()/tolower() would be a hidden global. */
static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* A decimal port 1..65535 spanning all of s; signs and blanks are refused
 * because strtol alone would accept " +443". */
static int parse_port(const char *s, uint16_t *port, char *err, size_t errlen)
{
	char *end;
	long v;

	if (!*s) {
		cp_seterr(err, errlen, "empty port after ':'");
		return -1;
	}
	for (const char *p = s; *p; p++)
		if (!is_digit((unsigned char)*p)) {
			cp_seterr(err, errlen, "port '%.32s' is not a number", s);
			return -1;
		}
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno == ERANGE || v < 1 || v > 65535) {
		cp_seterr(err, errlen, "port '%.32s' out of range 1-65535", s);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

/*
 * Checks a DNS name (RFC 1123 section 2.1, plus '_' which real names use)
 * and returns a lower-case copy without the trailing dot; what names the
 * thing in messages ("host name", "SNI").
 */
static int check_name(const char *s, const char *what, char **out, char *err, size_t errlen)
{
	size_t len = strlen(s), label = 0;
	const char *last = s;
	char *copy;
	int all_digits = 1;

	if (len > 1 && s[len - 1] == '.')
		len--;
	*out = NULL;
	if (len == 0 || (len == 1 && s[0] == '.')) {
		cp_seterr(err, errlen, "empty %s", what);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			cp_seterr(err, errlen,
				  "%s '%.*s' is not ASCII: IDN is not supported, "
				  "give the name in its xn-- (punycode) form",
				  what, (int)len, s);
			return -1;
		}
		if (!is_alnum(c) && c != '-' && c != '_' && c != '.') {
			cp_seterr(err, errlen, "character '%c' not allowed in %s '%.*s'", c, what,
				  (int)len, s);
			return -1;
		}
	}
	if (len > 253) {
		cp_seterr(err, errlen, "%s is %zu bytes long, more than 253", what, len);
		return -1;
	}
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.') {
			label++;
			continue;
		}
		if (label == 0) {
			cp_seterr(err, errlen, "empty label in %s '%.*s'", what, (int)len, s);
			return -1;
		}
		if (label > 63) {
			cp_seterr(err, errlen,
				  "label '%.16s...' in %s is %zu bytes long, more than 63",
				  s + i - label, what, label);
			return -1;
		}
		last = s + i - label;
		label = 0;
	}
	for (const char *p = last; p < s + len; p++)
		if (!is_digit((unsigned char)*p))
			all_digits = 0;
	/* "10.1" or "1.2.3.256": resolvers would read it as an IPv4 address */
	if (all_digits) {
		cp_seterr(err, errlen,
			  "'%.*s' is not a valid IPv4 address, and a host name "
			  "cannot end in a numeric label",
			  (int)len, s);
		return -1;
	}
	copy = strndup(s, len);
	if (!copy) {
		cp_seterr(err, errlen, "out of memory");
		return -2;
	}
	lower(copy);
	*out = copy;
	return 0;
}

/* An IPv6 literal without brackets, stored in canonical form (RFC 5952)
 * so that "2001:DB8:0::1" and "2001:db8::1" are the same target. */
static int set_v6(struct cp_target *t, const char *addr, char *err, size_t errlen)
{
	struct in6_addr a;
	char buf[INET6_ADDRSTRLEN];
	const char *zone = strchr(addr, '%');

	if (zone) {
		cp_seterr(err, errlen, "IPv6 zone ids ('%.32s') are not supported", zone);
		return -1;
	}
	if (!*addr) {
		cp_seterr(err, errlen, "empty IPv6 address in '[]'");
		return -1;
	}
	if (inet_pton(AF_INET6, addr, &a) != 1 || !inet_ntop(AF_INET6, &a, buf, sizeof buf)) {
		cp_seterr(err, errlen, "'%.64s' is not an IPv6 address", addr);
		return -1;
	}
	t->host = strdup(buf);
	if (!t->host) {
		cp_seterr(err, errlen, "out of memory");
		return -2;
	}
	t->is_ip = true;
	t->family_hint = AF_INET6;
	return 0;
}

/* A host that is not bracketed: an IPv4 literal (strict dotted quad, as
 * inet_pton reads it) or a DNS name. */
static int set_host(struct cp_target *t, const char *host, char *err, size_t errlen)
{
	struct in_addr a;

	if (!*host) {
		cp_seterr(err, errlen, "empty host name");
		return -1;
	}
	if (inet_pton(AF_INET, host, &a) == 1) {
		t->host = strdup(host);
		if (!t->host) {
			cp_seterr(err, errlen, "out of memory");
			return -2;
		}
		t->is_ip = true;
		t->family_hint = AF_INET;
		return 0;
	}
	t->family_hint = AF_UNSPEC;
	return check_name(host, "host name", &t->host, err, errlen);
}

/* host, host:port, [v6], [v6]:port, bare v6.  s is modified. */
static int parse_hostport(char *s, struct cp_target *t, char *err, size_t errlen)
{
	char *colon;

	t->port = CP_DEFAULT_PORT;
	if (s[0] == '[') {
		char *close = strchr(s, ']');
		if (!close) {
			cp_seterr(err, errlen, "missing ']' after IPv6 address '%.64s'", s);
			return -1;
		}
		*close = '\0';
		if (close[1] == ':') {
			if (parse_port(close + 2, &t->port, err, errlen))
				return -1;
		} else if (close[1]) {
			cp_seterr(err, errlen, "unexpected '%.32s' after ']' (expected ':port')",
				  close + 1);
			return -1;
		}
		return set_v6(t, s + 1, err, errlen);
	}
	colon = strchr(s, ':');
	if (!colon)
		return set_host(t, s, err, errlen);
	if (strchr(colon + 1, ':')) {
		/* two colons or more: only an IPv6 literal, which cannot carry a
		 * port without brackets */
		int rc = set_v6(t, s, err, errlen);
		if (rc == -1)
			cp_seterr(err, errlen,
				  "'%.64s' is not an IPv6 address; give an IPv6 "
				  "address with a port as [address]:port",
				  s);
		return rc;
	}
	*colon = '\0';
	if (!*s) {
		cp_seterr(err, errlen, "empty host name before ':'");
		return -1;
	}
	if (parse_port(colon + 1, &t->port, err, errlen))
		return -1;
	return set_host(t, s, err, errlen);
}

static const char *url_strerror(CURLUcode rc)
{
#if LIBCURL_VERSION_NUM >= 0x075000
	return curl_url_strerror(rc);
#else
	(void)rc;
	return "invalid URL";
#endif
}

/* scheme://[user@]host[:port][/path][?query][#fragment], through libcurl's
 * URL parser so that we read URLs the way curl and browsers do. */
static int parse_url(const char *s, struct cp_target *t, char *err, size_t errlen)
{
	const char *sep = strstr(s, "://");
	char scheme[16];
	size_t slen = (size_t)(sep - s), i;
	CURLU *u = NULL;
	CURLUcode uc;
	char *host = NULL, *port = NULL, *zone = NULL;
	/* messages quote the URL without its userinfo, query and fragment */
	char *shown = cp_target_redact(s);
	int rc = -1, sub;

	if (!shown) {
		cp_seterr(err, errlen, "out of memory");
		return -2;
	}

	if (slen == 0) {
		cp_seterr(err, errlen, "missing URL scheme before '://'");
		goto out;
	}
	if (slen >= sizeof scheme) {
		cp_seterr(err, errlen, "URL scheme '%.*s' is not a TLS scheme", (int)slen, s);
		goto out;
	}
	memcpy(scheme, s, slen);
	scheme[slen] = '\0';
	lower(scheme);
	for (i = 0; i < sizeof tls_schemes / sizeof tls_schemes[0]; i++)
		if (!strcmp(scheme, tls_schemes[i].scheme))
			break;
	if (i == sizeof tls_schemes / sizeof tls_schemes[0]) {
		cp_seterr(err, errlen,
			  "URL scheme '%s' is not a TLS scheme "
			  "(known: https, ldaps, imaps, pop3s, smtps, ftps)",
			  scheme);
		goto out;
	}
	u = curl_url();
	if (!u) {
		cp_seterr(err, errlen, "out of memory");
		rc = -2;
		goto out;
	}
	uc = curl_url_set(u, CURLUPART_URL, s, CURLU_NON_SUPPORT_SCHEME);
	if (uc == CURLUE_OUT_OF_MEMORY) {
		cp_seterr(err, errlen, "out of memory");
		rc = -2;
		goto out;
	}
	if (uc == CURLUE_BAD_PORT_NUMBER) {
		cp_seterr(err, errlen, "port in URL '%.64s' out of range 1-65535", shown);
		goto out;
	}
	if (uc == CURLUE_NO_HOST) {
		cp_seterr(err, errlen, "URL '%.64s' has no host name", shown);
		goto out;
	}
	if (uc) {
		cp_seterr(err, errlen, "bad URL '%.64s': %s", shown, url_strerror(uc));
		goto out;
	}
	uc = curl_url_get(u, CURLUPART_HOST, &host, 0);
	if (uc || !host || !*host) {
		cp_seterr(err, errlen, "URL '%.64s' has no host name", shown);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_ZONEID, &zone, 0) == CURLUE_OK && zone) {
		cp_seterr(err, errlen, "IPv6 zone ids ('%%%.32s') are not supported", zone);
		goto out;
	}
	if (host[0] == '[') {
		size_t hl = strlen(host);
		if (hl < 2 || host[hl - 1] != ']') {
			cp_seterr(err, errlen, "bad IPv6 address '%.64s' in URL", host);
			goto out;
		}
		host[hl - 1] = '\0';
		sub = set_v6(t, host + 1, err, errlen);
	} else {
		sub = set_host(t, host, err, errlen);
	}
	if (sub) {
		rc = sub;
		goto out;
	}
	uc = curl_url_get(u, CURLUPART_PORT, &port, 0);
	if (uc == CURLUE_NO_PORT) {
		t->port = tls_schemes[i].port;
	} else if (uc) {
		cp_seterr(err, errlen, "bad port in URL '%.64s': %s", shown, url_strerror(uc));
		goto out;
	} else if (parse_port(port, &t->port, err, errlen)) {
		goto out;
	}
	rc = 0;
out:
	curl_free(host);
	curl_free(port);
	curl_free(zone);
	curl_url_cleanup(u);
	free(shown);
	return rc;
}

/*
 * Splits off the ",sni" suffix, returning it (terminating s at the comma),
 * or NULL when there is none; *bad is set when the commas are wrong.
 */
static char *split_sni(char *s, int is_url, int *bad, char *err, size_t errlen)
{
	char *comma;

	*bad = 0;
	if (is_url) {
		const char *query = strpbrk(s, "?#");
		comma = strrchr(s, ',');
		/* commas in a query ("?fields=a,b") or fragment stay the URL's,
		 * and so does one followed by URL syntax */
		if (!comma || (query && query < comma) || strpbrk(comma + 1, "/?#=&;:@"))
			return NULL;
	} else {
		comma = strchr(s, ',');
		if (!comma)
			return NULL;
		if (strchr(comma + 1, ',')) {
			cp_seterr(err, errlen,
				  "more than one ',' in target (expected host[:port][,sni])");
			*bad = 1;
			return NULL;
		}
	}
	*comma = '\0';
	return comma + 1;
}

int cp_target_check_sni(const char *sni, char **out, char *err, size_t errlen)
{
	struct in6_addr a6;
	struct in_addr a4;

	*out = NULL;
	if (!*sni)
		return 0;
	if (inet_pton(AF_INET, sni, &a4) == 1 || inet_pton(AF_INET6, sni, &a6) == 1) {
		cp_seterr(err, errlen,
			  "SNI '%.64s' is an IP address; SNI carries "
			  "host names only (RFC 6066)",
			  sni);
		return -1;
	}
	return check_name(sni, "SNI", out, err, errlen);
}

char *cp_target_redact(const char *text)
{
	const char *sep, *auth, *end, *at;
	size_t len, n = 0;
	char *out;

	if (!text)
		return NULL;
	sep = strstr(text, "://");
	if (!sep)
		return strdup(text);
	len = strlen(text);
	out = malloc(len + 1);
	if (!out)
		return NULL;
	auth = sep + 3;
	/* the authority ends at the first '/', '?' or '#' (RFC 3986 3.2) */
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	memcpy(out, text, (size_t)(auth - text));
	n = (size_t)(auth - text);
	if (at)
		auth = at + 1;
	/* the rest up to the query or fragment; a ",sni" suffix never
	 * follows one (split_sni leaves such a comma to the URL) */
	size_t keep = strcspn(auth, "?#");
	memcpy(out + n, auth, keep);
	n += keep;
	out[n] = '\0';
	return out;
}

void cp_target_free(struct cp_target *t)
{
	if (!t)
		return;
	free(t->input);
	free(t->host);
	free(t->sni);
	memset(t, 0, sizeof *t);
}

int cp_target_parse(const char *text, struct cp_target *t, char *err, size_t errlen)
{
	struct cp_target n = { .family_hint = AF_UNSPEC };
	const char *start, *end;
	char *buf = NULL, *sni;
	int bad, is_url, sub, rc = -1;

	memset(t, 0, sizeof *t);
	if (err && errlen)
		err[0] = '\0';
	if (!text) {
		cp_seterr(err, errlen, "empty target");
		goto out;
	}
	start = text;
	while (is_blank((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && is_blank((unsigned char)end[-1]))
		end--;
	if (end == start) {
		cp_seterr(err, errlen, "empty target");
		goto out;
	}
	for (const char *p = start; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (is_blank(c)) {
			char *shown = strndup(start, (size_t)(end - start));
			char *red = shown ? cp_target_redact(shown) : NULL;
			cp_seterr(err, errlen, "whitespace inside target '%s'",
				  red ? red : "(out of memory)");
			free(red);
			free(shown);
			goto out;
		}
		if (c < 0x20 || c == 0x7F) {
			cp_seterr(err, errlen, "control character 0x%02X in target", c);
			goto out;
		}
	}
	buf = strndup(start, (size_t)(end - start));
	n.input = buf ? cp_target_redact(buf) : NULL;
	if (!n.input || !buf) {
		cp_seterr(err, errlen, "out of memory");
		rc = -2;
		goto out;
	}
	is_url = strstr(buf, "://") != NULL;
	sni = split_sni(buf, is_url, &bad, err, errlen);
	if (bad)
		goto out;
	sub = is_url ? parse_url(buf, &n, err, errlen) : parse_hostport(buf, &n, err, errlen);
	if (sub) {
		rc = sub;
		goto out;
	}
	if (sni) {
		n.sni_set = true;
		sub = cp_target_check_sni(sni, &n.sni, err, errlen);
		if (sub) {
			rc = sub;
			goto out;
		}
	} else if (!n.is_ip) {
		n.sni = strdup(n.host);
		if (!n.sni) {
			cp_seterr(err, errlen, "out of memory");
			rc = -2;
			goto out;
		}
	}
	*t = n;
	memset(&n, 0, sizeof n);
	rc = 0;
out:
	cp_target_free(&n);
	free(buf);
	return rc;
}
