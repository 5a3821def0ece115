/* SPDX-License-Identifier: MIT */
/*
 * The firewall's XML API as a profile source.  fetch.c does the HTTPS;
 * profile.c parses what comes back (an API reply is one of the formats it
 * reads).  Here: which XPaths to ask for and in what order, telling "not
 * here" from "failed" so that only the former moves on to the next
 * location, and the messages.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fetch.h"
#include "policy/panosapi.h"
#include "policy/profile.h"
#include "util.h"

/* PANOS.md "Where a profile lives"; %s are quoted names (quote_name). */
#define XP_VSYS \
	"/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name=%s]" \
	"/profiles/decryption"
#define XP_DG \
	"/config/devices/entry[@name='localhost.localdomain']/device-group/entry[@name=%s]" \
	"/profiles/decryption"
#define XP_SHARED "/config/shared/profiles/decryption"

#define MAX_LOCS 3

struct loc {
	enum cp_profile_loc loc;
	const char *scope;    /* vsys or device group name; NULL for shared */
	char container[1024]; /* XPath of its profiles/decryption */
};

/* ---- names in XPaths and URLs ---- */

/*
 * An XPath 1.0 string literal for name.  XPath has no escapes, so a name
 * holding ' is quoted with " instead; one holding both cannot be asked for.
 */
static int quote_name(const char *what, const char *name, char *buf, size_t size, char *err,
		      size_t errlen)
{
	const char *q = strchr(name, '\'') == NULL ? "'" : "\"";

	if (name[0] == '\0') {
		cp_seterr(err, errlen, "empty %s name", what);
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			cp_seterr(err, errlen, "the %s name holds a control character", what);
			return -1;
		}
	}
	if (strchr(name, '\'') != NULL && strchr(name, '"') != NULL) {
		cp_seterr(err, errlen,
			  "the %s name holds both ' and \", which an XPath cannot quote", what);
		return -1;
	}
	if ((size_t)snprintf(buf, size, "%s%s%s", q, name, q) >= size) {
		cp_seterr(err, errlen, "the %s name is too long", what);
		return -1;
	}
	return 0;
}

/* HOST or HOST:PORT or [v6]:PORT, and nothing that would change the URL. */
static int check_host(const char *host, char *err, size_t errlen)
{
	if (host == NULL || host[0] == '\0') {
		cp_seterr(err, errlen, "no firewall given (--panos-host HOST[:PORT])");
		return -1;
	}
	if (strlen(host) > 261 || host[strcspn(host, "/?#@\\ \t\r\n")] != '\0') {
		cp_seterr(err, errlen, "--panos-host takes HOST or HOST:PORT, not a URL or path");
		return -1;
	}
	return 0;
}

/* https://HOST/api/?type=config&action=show&xpath=ESCAPED, malloc'd. */
static char *show_url(const char *host, const char *xpath)
{
	static const char fmt[] = "https://%s/api/?type=config&action=show&xpath=%s";
	char *esc = curl_easy_escape(NULL, xpath, 0);
	char *url = NULL;
	size_t need;

	if (esc == NULL)
		return NULL;
	need = sizeof fmt + strlen(host) + strlen(esc);
	url = malloc(need);
	if (url != NULL)
		snprintf(url, need, fmt, host, esc);
	curl_free(esc);
	return url;
}

/* ---- one request ---- */

/* R_API_ERROR: profile.c words it (classify only); R_FAIL: err says what */
enum reply {
	R_FOUND = CP_PANOS_FOUND,
	R_NOT_FOUND = CP_PANOS_NOT_FOUND,
	R_API_ERROR = CP_PANOS_API_ERROR,
	R_FAIL = CP_PANOS_FAIL,
};

xmlDoc *cp_panos_envelope(const char *body, size_t len, const char *host, char *err, size_t errlen)
{
	xmlDoc *doc = NULL;
	xmlNode *root;

	/* no entity expansion, no network, no messages on stderr */
	if (body != NULL && len <= (size_t)INT32_MAX)
		doc = xmlReadMemory(body, (int)len, "reply", NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		cp_seterr(err, errlen,
			  "%s: the reply is not a PAN-OS XML API reply (unparsable XML)", host);
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset != NULL || root == NULL ||
	    strcmp((const char *)root->name, "response") != 0) {
		cp_seterr(err, errlen,
			  "%s: the reply is not a PAN-OS XML API reply (XML, but not a "
			  "<response>)",
			  host);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/*
 * What kind of API reply body is.  Only the <response> envelope is read;
 * the profile inside is profile.c's.  "Not here" has to be told apart from
 * "failed" before moving to the next location, and profile.c reports both
 * as errors.
 */
static enum reply classify(const char *body, size_t len, const char *host, char *err, size_t errlen)
{
	xmlDoc *doc = NULL;
	xmlNode *root, *result = NULL;
	xmlChar *status = NULL, *code = NULL;
	enum reply r = R_FAIL;
	bool any = false;

	doc = cp_panos_envelope(body, len, host, err, errlen);
	if (doc == NULL)
		goto out;
	root = xmlDocGetRootElement(doc);
	status = xmlGetProp(root, (const xmlChar *)"status");
	code = xmlGetProp(root, (const xmlChar *)"code");
	if (status != NULL && strcmp((const char *)status, "error") == 0) {
		r = R_API_ERROR;
		goto out;
	}
	if (status == NULL || strcmp((const char *)status, "success") != 0) {
		cp_seterr(err, errlen,
			  "%s: the reply is not a PAN-OS XML API reply (status is neither "
			  "success nor error)",
			  host);
		goto out;
	}
	for (xmlNode *c = root->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "result") == 0)
			result = c;
	for (xmlNode *c = result != NULL ? result->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			any = true;
	if ((code != NULL && strcmp((const char *)code, "7") == 0) || !any)
		r = R_NOT_FOUND;
	else
		r = R_FOUND;
out:
	xmlFree(status);
	xmlFree(code);
	xmlFreeDoc(doc);
	return r;
}

/*
 * profile.c's message for a body it refused, as "HOST: why": it starts
 * with the label it was given and maybe ":LINE", which mean nothing here.
 */
static void relabel(const char *host, const char *label, char *err, size_t errlen)
{
	size_t ll = strlen(label), skip = 0;
	char *copy;

	if (err == NULL || errlen == 0)
		return;
	if (strncmp(err, label, ll) == 0) {
		skip = ll;
		if (err[skip] == ':' && err[skip + 1] >= '0' && err[skip + 1] <= '9') {
			skip++;
			while (err[skip] >= '0' && err[skip] <= '9')
				skip++;
		}
		if (err[skip] == ':' && err[skip + 1] == ' ')
			skip += 2;
		else
			skip = 0;
	}
	copy = strdup(err + skip);
	if (copy == NULL)
		return; /* keeps profile.c's wording, which is still right */
	cp_seterr(err, errlen, "%s: %s", host, copy);
	free(copy);
}

/*
 * Messages quote the firewall (its <msg>, the profile names it lists),
 * and a firewall or a proxy in front of it may echo the key it was sent:
 * every copy of the key in err becomes "(the API key)", and a message cut
 * short inside a copy (the start of the key at its very end) loses that
 * part.  Called wherever the firewall's words enter a message.
 */
static void redact_key(const char *key, char *err, size_t errlen)
{
	static const char mask[] = "(the API key)";
	size_t kl = key != NULL ? strlen(key) : 0, len = 0, n;
	char *copy, *p, *hit;

	if (kl == 0 || err == NULL || errlen == 0)
		return;
	if (strstr(err, key) != NULL) {
		copy = strdup(err);
		if (copy == NULL) {
			cp_seterr(err, errlen,
				  "out of memory (and the firewall's answer quoted the "
				  "API key)");
			return;
		}
		err[0] = '\0';
		for (p = copy; (hit = strstr(p, key)) != NULL; p = hit + kl)
			cp_strapp(err, errlen, &len, "%.*s%s", (int)(hit - p), p, mask);
		cp_strapp(err, errlen, &len, "%s", p);
		free(copy);
	}
	/* six characters of a key are not a key, and are common words */
	n = strlen(err);
	for (size_t k = kl - 1 < n ? kl - 1 : n; k >= 6; k--) {
		if (memcmp(err + n - k, key, k) == 0) {
			cp_seterr(err + n - k, errlen - (n - k), "...");
			break;
		}
	}
}

/* For the fuzz harness (panosapi.h). */
enum cp_panos_reply cp_panos_classify(const char *body, size_t len, const char *host, char *err,
				      size_t errlen)
{
	return (enum cp_panos_reply)classify(body, len, host, err, errlen);
}

void cp_panos_relabel(const char *host, const char *label, char *err, size_t errlen)
{
	relabel(host, label, err, errlen);
}

/* For policy/panoslogs.c (panosapi.h). */
int cp_panos_check_host(const char *host, char *err, size_t errlen)
{
	return check_host(host, err, errlen);
}

void cp_panos_redact_key(const char *key, char *err, size_t errlen)
{
	redact_key(key, err, errlen);
}

/*
 * GETs one XPath with the key in X-PAN-KEY.  On R_FOUND rs holds the body
 * (the caller frees it); otherwise rs is freed and, for R_FAIL, err is set.
 */
static enum reply api_show(const struct cp_panos_req *rq, const char *xpath,
			   struct cp_http_resp *rs, char *err, size_t errlen)
{
	const struct cp_http_header hdr = { .name = "X-PAN-KEY", .value = rq->key };
	struct cp_http_req hr = {
		.cacert = rq->cacert,
		.headers = &hdr,
		.nheaders = 1,
		.connect_timeout_ms = rq->connect_timeout_ms,
		.timeout_ms = rq->timeout_ms,
	};
	enum reply r = R_FAIL;
	char *url = show_url(rq->host, xpath);

	memset(rs, 0, sizeof *rs);
	if (url == NULL) {
		cp_seterr(err, errlen, "out of memory");
		return R_FAIL;
	}
	hr.url = url;
	if ((rq->get != NULL ? rq->get : cp_http_get)(&hr, rs, err, errlen) < 0) {
		if (rs->fail == CP_HTTP_ESTATUS && rs->status == 403)
			cp_seterr(err, errlen, "%s: the API key was refused (HTTP 403)", rq->host);
		else if (rs->fail == CP_HTTP_ESTATUS && rs->status == 401)
			cp_seterr(err, errlen, "%s: the API key was refused (HTTP 401)", rq->host);
		goto out;
	}
	r = classify(rs->body, rs->len, rq->host, err, errlen);
	if (r == R_API_ERROR) {
		/* profile.c quotes the firewall's <msg> */
		struct cp_profile dummy;

		r = R_FAIL;
		if (cp_profile_load_mem(rs->body, rs->len, rq->host, NULL, &dummy, err, errlen) ==
		    0)
			cp_seterr(err, errlen, "%s: the firewall's API answered with an error",
				  rq->host);
		else
			relabel(rq->host, rq->host, err, errlen);
		redact_key(rq->key, err, errlen);
	}
out:
	free(url);
	if (r != R_FOUND)
		cp_http_resp_free(rs);
	return r;
}

/* ---- locations ---- */

static int build_locs(const struct cp_panos_req *rq, struct loc *locs, size_t *n, char *err,
		      size_t errlen)
{
	const char *vsys = rq->vsys != NULL && rq->vsys[0] != '\0' ? rq->vsys : "vsys1";
	char q[300];

	*n = 0;
	if (quote_name("vsys", vsys, q, sizeof q, err, errlen) < 0)
		return -1;
	locs[*n].loc = CP_LOC_VSYS;
	locs[*n].scope = vsys;
	snprintf(locs[*n].container, sizeof locs[*n].container, XP_VSYS, q);
	(*n)++;
	if (rq->device_group != NULL && rq->device_group[0] != '\0') {
		if (quote_name("device group", rq->device_group, q, sizeof q, err, errlen) < 0)
			return -1;
		locs[*n].loc = CP_LOC_DEVICE_GROUP;
		locs[*n].scope = rq->device_group;
		snprintf(locs[*n].container, sizeof locs[*n].container, XP_DG, q);
		(*n)++;
	}
	locs[*n].loc = CP_LOC_SHARED;
	locs[*n].scope = NULL;
	snprintf(locs[*n].container, sizeof locs[*n].container, "%s", XP_SHARED);
	(*n)++;
	return 0;
}

/* "vsys1", "device group DG1", "shared" */
static void loc_words(const struct loc *l, char *buf, size_t size)
{
	if (l->loc == CP_LOC_SHARED)
		snprintf(buf, size, "shared");
	else if (l->loc == CP_LOC_DEVICE_GROUP)
		snprintf(buf, size, "device group %s", l->scope);
	else
		snprintf(buf, size, "%s", l->scope);
}

/*
 * The "not found" sentence, listing the profiles each location holds.
 * A listing that fails still leaves the user the main fact.
 */
static void not_found(const struct cp_panos_req *rq, const struct loc *locs, size_t nlocs,
		      char *err, size_t errlen)
{
	char places[512] = "", why[512] = "", where[300];
	char *list = NULL;
	size_t len = 0, plen = 0, listsize = errlen > 0 ? errlen : 1, nprof = 0;
	bool failed = false;

	list = calloc(1, listsize);
	for (size_t i = 0; i < nlocs; i++) {
		loc_words(&locs[i], where, sizeof where);
		cp_strapp(places, sizeof places, &plen, "%s%s",
			  i == 0           ? ""
			  : i + 1 == nlocs ? " or "
					   : ", ",
			  where);
	}
	for (size_t i = 0; i < nlocs && list != NULL && !failed; i++) {
		struct cp_http_resp rs;
		struct cp_profile_ref *refs = NULL;
		size_t nrefs = 0;
		enum reply r = api_show(rq, locs[i].container, &rs, why, sizeof why);

		if (r == R_NOT_FOUND)
			continue;
		if (r == R_FAIL) {
			failed = true;
			break;
		}
		if (cp_profile_list_mem(rs.body, rs.len, rq->host, &refs, &nrefs, why, sizeof why) <
		    0) {
			relabel(rq->host, rq->host, why, sizeof why);
			redact_key(rq->key, why, sizeof why);
			failed = true;
		}
		loc_words(&locs[i], where, sizeof where);
		for (size_t j = 0; j < nrefs; j++, nprof++)
			cp_strapp(list, listsize, &len, "%s%s (%s)", nprof ? ", " : "",
				  refs[j].name, where);
		free(refs);
		cp_http_resp_free(&rs);
	}
	if (list == NULL)
		cp_seterr(err, errlen,
			  "profile '%s' not found on %s (out of memory listing the others)",
			  rq->profile, rq->host);
	else if (failed)
		cp_seterr(err, errlen,
			  "profile '%s' not found on %s in %s (listing its profiles failed: %s)",
			  rq->profile, rq->host, places, why);
	else if (nprof == 0)
		cp_seterr(err, errlen,
			  "profile '%s' not found on %s; it has no decryption profiles in %s",
			  rq->profile, rq->host, places);
	else
		cp_seterr(err, errlen, "profile '%s' not found on %s; profiles there: %s",
			  rq->profile, rq->host, list);
	free(list);
}

int cp_panos_fetch_profile(const struct cp_panos_req *rq, struct cp_profile *out, char *err,
			   size_t errlen)
{
	struct loc locs[MAX_LOCS];
	struct cp_http_resp rs = { 0 };
	struct cp_profile p;
	char q[300], xpath[1400], label[400];
	size_t nlocs = 0;
	int rc = -1;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (check_host(rq->host, err, errlen) < 0)
		goto out;
	if (rq->key == NULL || rq->key[0] == '\0') {
		cp_seterr(err, errlen, "no API key for %s (--panos-key-file FILE or %s)", rq->host,
			  CP_PANOS_KEY_ENV);
		goto out;
	}
	if (rq->profile == NULL || rq->profile[0] == '\0') {
		cp_seterr(err, errlen, "which decryption profile on %s? give --profile-name NAME",
			  rq->host);
		goto out;
	}
	if (quote_name("profile", rq->profile, q, sizeof q, err, errlen) < 0 ||
	    build_locs(rq, locs, &nlocs, err, errlen) < 0)
		goto out;

	for (size_t i = 0; i < nlocs; i++) {
		char where[300];
		enum reply r;

		snprintf(xpath, sizeof xpath, "%s/entry[@name=%s]", locs[i].container, q);
		r = api_show(rq, xpath, &rs, err, errlen);
		if (r == R_FAIL)
			goto out;
		if (r == R_NOT_FOUND)
			continue;
		loc_words(&locs[i], where, sizeof where);
		snprintf(label, sizeof label, "https://%s/api (%s)", rq->host, where);
		if (cp_profile_load_mem(rs.body, rs.len, label, NULL, &p, err, errlen) < 0)
			goto out;
		if (strcmp(p.name, rq->profile) != 0) {
			cp_seterr(err, errlen, "%s: asked for profile '%s', the reply holds '%s'",
				  rq->host, rq->profile, p.name);
			goto out;
		}
		/* the reply is a bare <entry>: where it lives is what we asked */
		p.loc = locs[i].loc;
		p.vsys[0] = '\0';
		p.device_group[0] = '\0';
		if (locs[i].loc == CP_LOC_VSYS)
			snprintf(p.vsys, sizeof p.vsys, "%.*s", (int)sizeof p.vsys - 1,
				 locs[i].scope);
		else if (locs[i].loc == CP_LOC_DEVICE_GROUP)
			snprintf(p.device_group, sizeof p.device_group, "%.*s",
				 (int)sizeof p.device_group - 1, locs[i].scope);
		*out = p;
		rc = 0;
		goto out;
	}
	not_found(rq, locs, nlocs, err, errlen);
out:
	if (rc != 0)
		redact_key(rq->key, err, errlen);
	cp_http_resp_free(&rs);
	return rc;
}

/* ---- the key ---- */

/*
 * Checks and copies a key of n bytes from src (named what in messages):
 * trailing line breaks and blanks go, the rest must be printable ASCII
 * without blanks (it goes into a header line) and fit keylen.
 */
static int key_accept(const char *src, size_t n, const char *what, char *key, size_t keylen,
		      char *err, size_t errlen)
{
	while (n > 0 && (src[n - 1] == '\n' || src[n - 1] == '\r' || src[n - 1] == ' ' ||
			 src[n - 1] == '\t'))
		n--;
	if (n == 0) {
		cp_seterr(err, errlen, "%s holds no API key (it is empty)", what);
		return -1;
	}
	if (n >= keylen) {
		cp_seterr(err, errlen, "%s: the API key is longer than %zu characters", what,
			  keylen - 1);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)src[i];

		if (ch <= 0x20 || ch >= 0x7f) {
			cp_seterr(err, errlen,
				  "%s should hold only the API key, on one line (found a "
				  "line break, blank or non-ASCII character inside)",
				  what);
			return -1;
		}
	}
	memcpy(key, src, n);
	key[n] = '\0';
	return 0;
}

static int key_from_file(const char *path, char *key, size_t keylen, char *err, size_t errlen)
{
	struct stat st;
	size_t cap = keylen + 4, n = 0;
	char *buf = NULL;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cp_seterr(err, errlen, "%s: cannot open the API key file: %s", path,
			  strerror(errno));
		return -1;
	}
	/* fstat on the open file: the mode checked is the mode of what is read */
	if (fstat(fd, &st) < 0) {
		cp_seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		cp_seterr(err, errlen, "%s: the API key file is not a regular file", path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		cp_seterr(err, errlen,
			  "%s is readable or writable by group or others (mode %04o): "
			  "chmod 600 %s",
			  path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	buf = malloc(cap);
	if (buf == NULL) {
		cp_seterr(err, errlen, "out of memory");
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cp_seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			cp_seterr(err, errlen, "%s: the API key is longer than %zu characters",
				  path, keylen - 1);
			goto out;
		}
	}
	rc = key_accept(buf, n, path, key, keylen, err, errlen);
out:
	if (buf != NULL) {
		explicit_bzero(buf, cap);
		free(buf);
	}
	close(fd);
	return rc;
}

int cp_panos_key_load(const char *key_file, char *key, size_t keylen, char *err, size_t errlen)
{
	const char *env;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (key == NULL || keylen < 2) {
		cp_seterr(err, errlen, "no room for the API key");
		return -1;
	}
	key[0] = '\0';
	if (key_file != NULL)
		return key_from_file(key_file, key, keylen, err, errlen);
	env = getenv(CP_PANOS_KEY_ENV);
	if (env == NULL || env[0] == '\0') {
		cp_seterr(err, errlen,
			  "no API key: give --panos-key-file FILE (mode 0600) or set %s",
			  CP_PANOS_KEY_ENV);
		return -1;
	}
	return key_accept(env, strlen(env), CP_PANOS_KEY_ENV, key, keylen, err, errlen);
}
