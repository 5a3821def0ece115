/*
 * Decryption profiles in: PAN-OS XML (bare settings, an entry, a running
 * config, an XML API reply), PAN-OS `set` commands, Strata Cloud Manager
 * JSON, and two built-ins.  The format is told from the content, never
 * from the file name: exports get renamed.
 *
 * Every format goes through the same two steps: collect the profiles the
 * input holds (candidates, with where they live), pick one by name, then
 * parse that one's elements over the defaults.  Only the chosen profile is
 * parsed, so a typo in a profile nobody asked for does not stop a scan
 * (set files are the exception: each line is checked as it is read).
 *
 * Nothing here prints: every problem becomes one message in err, naming
 * the input and, where the format has them, the line.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

#include "policy/profile.h"
#include "registry.h"
#include "util.h"

/* Running configs of large firewalls reach tens of MiB; a profile file
 * larger than this is something else. */
#define MAX_FILE ((size_t)64 << 20)
#define MAX_SET_TOKENS 32

static const char *const fwd_names[CP_FWD_NFLAGS] = {
	"block-expired-certificate",
	"block-untrusted-issuer",
	"block-unknown-cert",
	"block-timeout-cert",
	"block-unsupported-version",
	"block-unsupported-cipher",
	"block-client-cert",
	"block-if-no-resource",
	"block-if-hsm-unavailable",
	"block-tls13-downgrade-no-resource",
	"restrict-cert-exts",
	"auto-include-altname",
	"strip-alpn",
};

const char *cp_fwd_flag_name(unsigned bitno)
{
	return bitno < CP_FWD_NFLAGS ? fwd_names[bitno] : NULL;
}

static uint32_t fwd_flag_parse(const char *name)
{
	for (unsigned i = 0; i < CP_FWD_NFLAGS; i++)
		if (strcmp(fwd_names[i], name) == 0)
			return 1u << i;
	return 0;
}

/* Children of a profile entry that do not shape the forward proxy's hello
 * (PANOS.md "Children of an entry"): accepted and skipped. */
static const char *const ignored_sections[] = {
	"ssl-inbound-proxy", "ssl-no-proxy", "ssh-proxy", "interface", "forwarded-only",
};

static bool is_ignored_section(const char *name)
{
	for (size_t i = 0; i < sizeof ignored_sections / sizeof ignored_sections[0]; i++)
		if (strcmp(name, ignored_sections[i]) == 0)
			return true;
	return false;
}

/* ---- versions ---- */

static const struct {
	uint16_t wire;
	const char *tok;
} version_tokens[] = {
	{ 0x0300, "sslv3" },
	{ 0x0301, "tls1-0" },
	{ 0x0302, "tls1-1" },
	{ 0x0303, "tls1-2" },
	{ 0x0304, "tls1-3" },
};
#define NVERSION_TOKENS (sizeof version_tokens / sizeof version_tokens[0])
/* "max": the highest PAN-OS supports (TLS 1.3 since PAN-OS 10.0). */
#define MAX_IS 0x0304

const char *cp_panos_version_token(uint16_t wire)
{
	for (size_t i = 0; i < NVERSION_TOKENS; i++)
		if (version_tokens[i].wire == wire)
			return version_tokens[i].tok;
	return NULL;
}

uint16_t cp_panos_version_parse(const char *tok, bool *is_max)
{
	if (is_max != NULL)
		*is_max = false;
	if (tok == NULL)
		return 0;
	if (strcmp(tok, "max") == 0) {
		if (is_max != NULL)
			*is_max = true;
		return MAX_IS;
	}
	for (size_t i = 0; i < NVERSION_TOKENS; i++)
		if (strcmp(version_tokens[i].tok, tok) == 0)
			return version_tokens[i].wire;
	return 0;
}

/*
 * Flags a min-version switches off (PANOS.md: "Setting min-version to
 * tls1-2 greys out 3DES, RC4 and MD5"; iron-skillet: "unavailable when
 * TLSv1.2 is the minimum version").  Kept as a table so a correction is
 * one line.
 */
static const struct {
	uint16_t min_at_least;
	uint32_t flags;
} greyed_out[] = {
	{ 0x0303, CP_PANOS_ENC_3DES | CP_PANOS_ENC_RC4 | CP_PANOS_AUTH_MD5 },
};

uint32_t cp_profile_effective_flags(const struct cp_profile *p)
{
	uint32_t flags = p->flags;

	for (size_t i = 0; i < sizeof greyed_out / sizeof greyed_out[0]; i++)
		if (p->min_version >= greyed_out[i].min_at_least)
			flags &= ~greyed_out[i].flags;
	return flags;
}

const char *cp_profile_loc_name(enum cp_profile_loc loc)
{
	switch (loc) {
	case CP_LOC_VSYS: return "vsys";
	case CP_LOC_SHARED: return "shared";
	case CP_LOC_DEVICE_GROUP: return "device-group";
	case CP_LOC_NONE: break;
	}
	return "";
}

/* A name as the PAN-OS CLI wants it: quoted when it holds a space. */
static void app_name(char *buf, size_t size, size_t *len, const char *name)
{
	if (name[0] == '\0' || strpbrk(name, " \t") != NULL)
		cp_strapp(buf, size, len, "\"%s\"", name);
	else
		cp_strapp(buf, size, len, "%s", name);
}

size_t cp_profile_set_prefix(const struct cp_profile *p, char *buf, size_t size)
{
	size_t len = 0;

	if (size > 0)
		buf[0] = '\0';
	switch (p->loc) {
	case CP_LOC_SHARED:
		cp_strapp(buf, size, &len, "set shared ");
		break;
	case CP_LOC_DEVICE_GROUP:
		cp_strapp(buf, size, &len, "set device-group ");
		app_name(buf, size, &len, p->device_group);
		cp_strapp(buf, size, &len, " ");
		break;
	case CP_LOC_VSYS:
		/* vsys1 takes the single-vsys form PANOS.md gives */
		if (p->vsys[0] != '\0' && strcmp(p->vsys, "vsys1") != 0) {
			cp_strapp(buf, size, &len, "set vsys ");
			app_name(buf, size, &len, p->vsys);
			cp_strapp(buf, size, &len, " ");
			break;
		}
		__attribute__((fallthrough));
	case CP_LOC_NONE:
		cp_strapp(buf, size, &len, "set ");
		break;
	}
	cp_strapp(buf, size, &len, "profiles decryption ");
	app_name(buf, size, &len, p->name);
	return len;
}

/* ---- defaults and built-ins ---- */

static void profile_defaults(struct cp_profile *p)
{
	memset(p, 0, sizeof *p);
	p->min_version = 0x0301;   /* tls1-0 */
	p->max_version = 0x0303;   /* tls1-2 */
	p->flags = cp_panos_default_flags();
	p->fwd = 0;
}

int cp_profile_builtin(const char *name, struct cp_profile *out)
{
	struct cp_profile p;

	if (name == NULL)
		return -1;
	if (strncmp(name, "builtin:", 8) == 0)
		name += 8;
	profile_defaults(&p);
	if (strcmp(name, "panos-default") == 0) {
		/* exactly what an empty profile means */
	} else if (strcmp(name, "panos-recommended") == 0) {
		/*
		 * iron-skillet's Recommended_Decryption_Profile (PANOS.md "Best
		 * practice"): min tls1-2, no RSA key exchange, 3DES, RC4, SHA1 or
		 * MD5; max "max" (iron-skillet pins tls1-3, the same today); and
		 * its ssl-forward-proxy checks: expired, untrusted, unknown and
		 * timed-out certificates, unsupported versions and ciphers.
		 */
		p.min_version = 0x0303;
		p.max_version = MAX_IS;
		p.max_is_max = true;
		p.flags &= ~(uint32_t)(CP_PANOS_KX_RSA | CP_PANOS_ENC_3DES | CP_PANOS_ENC_RC4 |
				       CP_PANOS_AUTH_SHA1 | CP_PANOS_AUTH_MD5);
		p.fwd = CP_FWD_BLOCK_EXPIRED_CERTIFICATE | CP_FWD_BLOCK_UNTRUSTED_ISSUER |
			CP_FWD_BLOCK_UNKNOWN_CERT | CP_FWD_BLOCK_TIMEOUT_CERT |
			CP_FWD_BLOCK_UNSUPPORTED_VERSION | CP_FWD_BLOCK_UNSUPPORTED_CIPHER;
	} else {
		return -1;
	}
	snprintf(p.name, sizeof p.name, "%s", name);
	snprintf(p.source, sizeof p.source, "builtin:%s", name);
	p.loc = CP_LOC_NONE;
	*out = p;
	return 0;
}

/* ---- the load context: label, error buffer, candidates ---- */

enum cand_kind {
	CAND_ENTRY,      /* an XML <entry> */
	CAND_SETTINGS,   /* a bare XML <ssl-protocol-settings> */
	CAND_JSON,       /* an SCM profile object */
	CAND_PARSED,     /* set commands: already parsed into prof */
};

struct cand {
	struct cp_profile_ref ref;
	enum cand_kind kind;
	void *node;                /* xmlNode or json_t, borrowed */
	struct cp_profile prof;    /* CAND_PARSED */
};

struct ctx {
	const char *label;
	char *err;
	size_t errlen;
	struct cand *c;
	size_t n, cap;
	bool json_names;           /* messages spell elements as SCM keys */
};

__attribute__((format(printf, 3, 4)))
static int fail(struct ctx *cx, size_t line, const char *fmt, ...)
{
	size_t len = 0;
	va_list ap;
	int n;

	if (cx->err == NULL || cx->errlen == 0)
		return -1;
	if (line > 0)
		cp_strapp(cx->err, cx->errlen, &len, "%s:%zu: ", cx->label, line);
	else
		cp_strapp(cx->err, cx->errlen, &len, "%s: ", cx->label);
	if (len < cx->errlen) {
		va_start(ap, fmt);
		n = vsnprintf(cx->err + len, cx->errlen - len, fmt, ap);
		va_end(ap);
		(void)n;
	}
	return -1;
}

static struct cand *cand_add(struct ctx *cx, const char *name, enum cp_profile_loc loc,
			     const char *scope, size_t line, enum cand_kind kind, void *node)
{
	struct cand *c;

	if (strlen(name) >= sizeof c->ref.name) {
		fail(cx, line, "profile name '%.40s...' is too long (at most %zu characters)", name,
		     sizeof c->ref.name - 1);
		return NULL;
	}
	if (strlen(scope) >= sizeof c->ref.scope ||
	    (loc == CP_LOC_VSYS && strlen(scope) >= sizeof c->prof.vsys)) {
		fail(cx, line, "%s name '%.40s...' is too long", cp_profile_loc_name(loc), scope);
		return NULL;
	}
	if (cx->n == cx->cap) {
		size_t ncap = cx->cap ? cx->cap * 2 : 8;
		struct cand *nc = realloc(cx->c, ncap * sizeof *nc);

		if (nc == NULL) {
			fail(cx, 0, "out of memory");
			return NULL;
		}
		cx->c = nc;
		cx->cap = ncap;
	}
	c = &cx->c[cx->n++];
	memset(c, 0, sizeof *c);
	snprintf(c->ref.name, sizeof c->ref.name, "%s", name);
	snprintf(c->ref.scope, sizeof c->ref.scope, "%s", scope);
	c->ref.loc = loc;
	c->ref.line = line;
	c->kind = kind;
	c->node = node;
	return c;
}

/* "Corp (vsys1)", "Strict (shared)", "Lab (device-group DG1)", "Corp". */
static void app_ref(char *buf, size_t size, size_t *len, const struct cp_profile_ref *r)
{
	cp_strapp(buf, size, len, "%s", r->name[0] != '\0' ? r->name : "(unnamed)");
	switch (r->loc) {
	case CP_LOC_VSYS:
		cp_strapp(buf, size, len, " (%s)", r->scope[0] != '\0' ? r->scope : "vsys");
		break;
	case CP_LOC_SHARED:
		cp_strapp(buf, size, len, " (shared)");
		break;
	case CP_LOC_DEVICE_GROUP:
		cp_strapp(buf, size, len, " (device-group %s)", r->scope);
		break;
	case CP_LOC_NONE:
		break;
	}
}

static void app_refs(struct ctx *cx, char *buf, size_t size, size_t *len,
		     const size_t *idx, size_t nidx)
{
	for (size_t i = 0; i < nidx; i++) {
		if (i > 0)
			cp_strapp(buf, size, len, ", ");
		app_ref(buf, size, len, &cx->c[idx ? idx[i] : i].ref);
	}
}

/* Whether a "SCOPE/NAME" qualifier names this candidate's place. */
static bool scope_matches(const struct cp_profile_ref *r, const char *q, size_t qlen)
{
	const char *want = r->loc == CP_LOC_SHARED ? "shared" : r->scope;

	return strlen(want) == qlen && strncmp(want, q, qlen) == 0;
}

/*
 * Picks the candidate `name` names: "NAME" or "SCOPE/NAME" (SCOPE: a vsys,
 * "shared" or a device-group name).  NULL name: there must be just one.
 * Returns the index, or -1 with a message listing the candidates.
 */
static long select_cand(struct ctx *cx, const char *name)
{
	size_t *hits = NULL, nhits = 0;
	const char *slash, *bare;
	size_t len = 0;
	long ret = -1;
	/* candidates are listed after the message fail() wrote */
	char *e = cx->errlen > 0 ? cx->err : NULL;
	size_t esize = e != NULL ? cx->errlen : 0;

	if (cx->n == 0)
		return fail(cx, 0, "no decryption profile found");
	if (name == NULL || name[0] == '\0') {
		if (cx->n == 1)
			return 0;
		fail(cx, 0, "%zu decryption profiles, choose one with --profile-name: ", cx->n);
		len = e != NULL ? strlen(e) : 0;
		app_refs(cx, e, esize, &len, NULL, cx->n);
		return -1;
	}
	/* a bare snippet has no name to check against */
	if (cx->n == 1 && cx->c[0].ref.name[0] == '\0')
		return 0;
	hits = calloc(cx->n, sizeof *hits);
	if (hits == NULL)
		return fail(cx, 0, "out of memory");
	slash = strchr(name, '/');
	bare = slash != NULL ? slash + 1 : name;
	for (size_t i = 0; i < cx->n; i++) {
		if (strcmp(cx->c[i].ref.name, bare) != 0)
			continue;
		if (slash != NULL && !scope_matches(&cx->c[i].ref, name, (size_t)(slash - name)))
			continue;
		hits[nhits++] = i;
	}
	if (nhits == 1) {
		ret = (long)hits[0];
		goto out;
	}
	if (nhits == 0) {
		fail(cx, 0, "no decryption profile named '%s'; found: ", name);
		len = e != NULL ? strlen(e) : 0;
		app_refs(cx, e, esize, &len, NULL, cx->n);
	} else {
		fail(cx, 0, "%zu decryption profiles named '%s': ", nhits, name);
		len = e != NULL ? strlen(e) : 0;
		app_refs(cx, e, esize, &len, hits, nhits);
		cp_strapp(e, esize, &len, "; qualify it as SCOPE/%s (e.g. %s/%s)", bare,
		    cx->c[hits[0]].ref.loc == CP_LOC_SHARED ? "shared" : cx->c[hits[0]].ref.scope,
		    bare);
	}
out:
	free(hits);
	return ret;
}

/* ---- one element, whatever the format ---- */

enum section { SEC_PROTOCOL, SEC_FORWARD };

/* An element name as this input spells it: SCM keys use '_' for '-'. */
static const char *spell(const struct ctx *cx, const char *elem, char *buf, size_t size)
{
	size_t i;

	if (!cx->json_names)
		return elem;
	for (i = 0; elem[i] != '\0' && i + 1 < size; i++)
		buf[i] = elem[i] == '-' ? '_' : elem[i];
	buf[i] = '\0';
	return buf;
}

/*
 * Sets one element of ssl-protocol-settings or ssl-forward-proxy.  elem is
 * the PAN-OS element name; value "yes"/"no" or a version token.
 */
static int apply(struct ctx *cx, size_t line, struct cp_profile *p, enum section sec,
		 const char *elem, const char *value)
{
	const char *secname = sec == SEC_PROTOCOL ? "ssl-protocol-settings" : "ssl-forward-proxy";
	char e1[80], e2[80];
	const char *shown = spell(cx, elem, e1, sizeof e1);
	uint32_t bit;
	bool on;

	if (sec == SEC_PROTOCOL &&
	    (strcmp(elem, "min-version") == 0 || strcmp(elem, "max-version") == 0)) {
		bool is_max, is_min = elem[1] == 'i';
		uint16_t v = cp_panos_version_parse(value, &is_max);

		/* "max" is for max-version only; sslv3 only for min-version (PANOS.md) */
		if (v == 0 || (is_min && is_max) || (!is_min && v == 0x0300))
			return fail(cx, line, "bad value '%s' for %s: expected %s", value, shown,
				    is_min ? "sslv3, tls1-0, tls1-1, tls1-2 or tls1-3"
					   : "tls1-0, tls1-1, tls1-2, tls1-3 or max");
		if (is_min) {
			p->min_version = v;
		} else {
			p->max_version = v;
			p->max_is_max = is_max;
		}
		return 0;
	}
	bit = sec == SEC_PROTOCOL ? cp_panos_flag_parse(elem) : fwd_flag_parse(elem);
	if (bit == 0) {
		if (sec == SEC_PROTOCOL && strcmp(elem, "enc-algo-aes-chacha20-poly1305") == 0)
			return fail(cx, line, "unknown element '%s' (decryption profiles spell it "
				    "%s; the other spelling is the SSL/TLS service profile's)",
				    shown, spell(cx, "enc-algo-chacha20-poly1305", e2, sizeof e2));
		return fail(cx, line, "unknown element '%s' in %s", shown,
			    spell(cx, secname, e2, sizeof e2));
	}
	if (strcmp(value, "yes") == 0)
		on = true;
	else if (strcmp(value, "no") == 0)
		on = false;
	else
		return fail(cx, line, "bad value '%s' for %s: expected yes or no", value, shown);
	uint32_t *set = sec == SEC_PROTOCOL ? &p->flags : &p->fwd;

	if (on)
		*set |= bit;
	else
		*set &= ~bit;
	return 0;
}

static bool known_element(enum section which, const char *elem)
{
	if (which == SEC_FORWARD)
		return fwd_flag_parse(elem) != 0;
	return cp_panos_flag_parse(elem) != 0 || strcmp(elem, "min-version") == 0 ||
	       strcmp(elem, "max-version") == 0;
}

/* Fills the chosen profile's identity from its candidate. */
static void profile_start(struct ctx *cx, const struct cand *c, struct cp_profile *p)
{
	profile_defaults(p);
	snprintf(p->name, sizeof p->name, "%s", c->ref.name);
	snprintf(p->source, sizeof p->source, "%s", cx->label);
	p->loc = c->ref.loc;
	/* cand_add refused a vsys name longer than p->vsys holds */
	if (c->ref.loc == CP_LOC_VSYS)
		snprintf(p->vsys, sizeof p->vsys, "%.*s", (int)sizeof p->vsys - 1, c->ref.scope);
	else if (c->ref.loc == CP_LOC_DEVICE_GROUP)
		snprintf(p->device_group, sizeof p->device_group, "%s", c->ref.scope);
}

static int check_range(struct ctx *cx, size_t line, const struct cp_profile *p)
{
	if (p->min_version > p->max_version)
		return fail(cx, line, "profile '%s': min-version %s is above max-version %s",
			    p->name, cp_panos_version_token(p->min_version),
			    p->max_is_max ? "max" : cp_panos_version_token(p->max_version));
	return 0;
}

/* ---- XML ---- */

struct xml_err {
	bool set;
	int line;
	char msg[200];
};

/* Keeps the first error; libxml2 would otherwise print to stderr. */
static void xml_on_error(void *data, xmlErrorPtr e)
{
	struct xml_err *x = data;
	size_t n;

	if (x->set || e == NULL || e->level < XML_ERR_ERROR)
		return;
	x->set = true;
	x->line = e->line;
	snprintf(x->msg, sizeof x->msg, "%s", e->message != NULL ? e->message : "parse error");
	n = strlen(x->msg);
	while (n > 0 && (x->msg[n - 1] == '\n' || x->msg[n - 1] == ' '))
		x->msg[--n] = '\0';
}

static void xml_silent(void *data, const char *fmt, ...)
{
	(void)data;
	(void)fmt;
}

static const char *xname(const xmlNode *n)
{
	return (const char *)n->name;
}

static size_t xline(const xmlNode *n)
{
	long l = xmlGetLineNo(n);

	return l > 0 ? (size_t)l : 0;
}

static xmlNode *xchild(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp(xname(c), name) == 0)
			return c;
	return NULL;
}

/* An attribute, copied into buf; false when there is none. */
static bool xattr(const xmlNode *n, const char *attr, char *buf, size_t size)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);

	if (v == NULL)
		return false;
	snprintf(buf, size, "%s", (const char *)v);
	xmlFree(v);
	return true;
}

/* Text of a leaf element, whitespace trimmed; -1 if it has element children. */
static int xtext(const xmlNode *n, char *buf, size_t size)
{
	xmlChar *v;
	const char *s, *e;

	for (const xmlNode *c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return -1;
	v = xmlNodeGetContent(n);
	s = v != NULL ? (const char *)v : "";
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	snprintf(buf, size, "%.*s", (int)(e - s), s);
	xmlFree(v);
	return 0;
}

static int xml_add_entry(struct ctx *cx, xmlNode *n, enum cp_profile_loc loc, const char *scope)
{
	char name[256];

	if (!xattr(n, "name", name, sizeof name))
		return fail(cx, xline(n), "<entry> without a name attribute");
	return cand_add(cx, name, loc, scope, xline(n), CAND_ENTRY, n) ? 0 : -1;
}

/* Adds the entries an XPath (relative to cfg) finds; scope from the
 * <entry name=...> three levels up (vsys or device group). */
static int xml_add_xpath(struct ctx *cx, xmlXPathContext *xp, xmlNode *cfg, const char *expr,
			 enum cp_profile_loc loc)
{
	xmlXPathObject *r;
	int rc = 0;

	xp->node = cfg;
	r = xmlXPathEvalExpression((const xmlChar *)expr, xp);
	if (r == NULL)
		return fail(cx, 0, "XPath %s failed", expr);
	for (int i = 0; r->nodesetval != NULL && i < r->nodesetval->nodeNr && rc == 0; i++) {
		xmlNode *n = r->nodesetval->nodeTab[i];
		char scope[256] = "";

		if (loc != CP_LOC_SHARED) {
			/* entry <- decryption <- profiles <- entry name="vsys1"/"DG1" */
			xmlNode *up = n->parent && n->parent->parent ? n->parent->parent->parent : NULL;

			if (up == NULL || !xattr(up, "name", scope, sizeof scope))
				scope[0] = '\0';
		}
		rc = xml_add_entry(cx, n, loc, scope);
	}
	xmlXPathFreeObject(r);
	return rc;
}

/* A full configuration: the three places PANOS.md lists. */
static int xml_collect_config(struct ctx *cx, xmlDoc *doc, xmlNode *cfg)
{
	static const struct {
		const char *xpath;
		enum cp_profile_loc loc;
	} places[] = {
		{ "devices/entry/vsys/entry/profiles/decryption/entry", CP_LOC_VSYS },
		{ "shared/profiles/decryption/entry", CP_LOC_SHARED },
		{ "devices/entry/device-group/entry/profiles/decryption/entry", CP_LOC_DEVICE_GROUP },
	};
	xmlXPathContext *xp = xmlXPathNewContext(doc);
	int rc = 0;

	if (xp == NULL)
		return fail(cx, 0, "out of memory");
	for (size_t i = 0; i < sizeof places / sizeof places[0] && rc == 0; i++)
		rc = xml_add_xpath(cx, xp, cfg, places[i].xpath, places[i].loc);
	xmlXPathFreeContext(xp);
	return rc;
}

static int xml_collect(struct ctx *cx, xmlDoc *doc, xmlNode *n);

/*
 * An XML API reply (PANOS.md "Reading a profile over the XML API"):
 * status="error" quotes its <msg>; code 7 or an empty <result> is "not
 * found"; otherwise whatever <result> holds is collected as a file would be.
 */
static int xml_collect_response(struct ctx *cx, xmlDoc *doc, xmlNode *resp)
{
	char status[32] = "", code[16] = "";
	xmlNode *result;
	int rc = 0;
	bool any = false;

	xattr(resp, "status", status, sizeof status);
	xattr(resp, "code", code, sizeof code);
	if (strcmp(status, "error") == 0) {
		xmlNode *msg = xchild(resp, "msg");
		char text[512] = "";
		size_t len = 0;

		if (msg != NULL) {
			/* <msg><line>a</line><line>b</line></msg> or plain text */
			for (xmlNode *l = msg->children; l != NULL; l = l->next) {
				char piece[256];

				if (l->type != XML_ELEMENT_NODE || xtext(l, piece, sizeof piece) < 0 ||
				    piece[0] == '\0')
					continue;
				cp_strapp(text, sizeof text, &len, "%s%s", len ? "; " : "", piece);
			}
			if (len == 0)
				xtext(msg, text, sizeof text);
		}
		return fail(cx, xline(resp), "the firewall's API answered with an error%s%s%s: %s",
			    code[0] ? " (code " : "", code, code[0] ? ")" : "",
			    text[0] ? text : "(no message)");
	}
	if (strcmp(status, "success") != 0)
		return fail(cx, xline(resp), "API reply with status '%s' (expected success or error)",
			    status);
	result = xchild(resp, "result");
	if (strcmp(code, "7") == 0 || result == NULL)
		return fail(cx, xline(resp), "profile not found (API reply code %s: the object "
			    "is not at that XPath)", code[0] ? code : "none");
	for (xmlNode *c = result->children; c != NULL && rc == 0; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		any = true;
		rc = xml_collect(cx, doc, c);
	}
	if (rc == 0 && !any)
		return fail(cx, xline(resp), "profile not found (API reply with an empty result)");
	return rc;
}

static int xml_collect(struct ctx *cx, xmlDoc *doc, xmlNode *n)
{
	const char *name = xname(n);

	if (strcmp(name, "ssl-protocol-settings") == 0)
		return cand_add(cx, "", CP_LOC_NONE, "", xline(n), CAND_SETTINGS, n) ? 0 : -1;
	if (strcmp(name, "entry") == 0)
		return xml_add_entry(cx, n, CP_LOC_NONE, "");
	if (strcmp(name, "decryption") == 0) {
		for (xmlNode *c = n->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE && strcmp(xname(c), "entry") == 0 &&
			    xml_add_entry(cx, c, CP_LOC_NONE, "") < 0)
				return -1;
		return 0;
	}
	if (strcmp(name, "config") == 0)
		return xml_collect_config(cx, doc, n);
	if (strcmp(name, "response") == 0)
		return xml_collect_response(cx, doc, n);
	return fail(cx, xline(n), "<%s> is not a decryption profile, <ssl-protocol-settings>, "
		    "running config or XML API reply", name);
}

/* The leaves of <ssl-protocol-settings> or <ssl-forward-proxy>. */
static int xml_parse_section(struct ctx *cx, xmlNode *sec, enum section which,
			     struct cp_profile *p)
{
	for (xmlNode *e = sec->children; e != NULL; e = e->next) {
		char value[64];

		if (e->type != XML_ELEMENT_NODE)
			continue;
		if (xtext(e, value, sizeof value) < 0) {
			/* a leaf with children: an unknown name is the better message */
			if (!known_element(which, xname(e)))
				return apply(cx, xline(e), p, which, xname(e), "yes");
			return fail(cx, xline(e), "bad value for %s: expected text, found elements",
				    xname(e));
		}
		if (apply(cx, xline(e), p, which, xname(e), value) < 0)
			return -1;
	}
	return 0;
}

static int xml_parse_entry(struct ctx *cx, xmlNode *entry, struct cp_profile *p)
{
	for (xmlNode *c = entry->children; c != NULL; c = c->next) {
		const char *name;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		name = xname(c);
		if (strcmp(name, "ssl-protocol-settings") == 0) {
			if (xml_parse_section(cx, c, SEC_PROTOCOL, p) < 0)
				return -1;
		} else if (strcmp(name, "ssl-forward-proxy") == 0) {
			if (xml_parse_section(cx, c, SEC_FORWARD, p) < 0)
				return -1;
		} else if (!is_ignored_section(name)) {
			if (strcmp(name, "enc-algo-aes-chacha20-poly1305") == 0 ||
			    known_element(SEC_PROTOCOL, name))
				return fail(cx, xline(c), "'%s' belongs inside <ssl-protocol-settings>",
					    name);
			return fail(cx, xline(c), "unknown element '%s' in decryption profile '%s'",
				    name, p->name);
		}
	}
	return 0;
}

/* Parses an XML document: collects its profiles, then (unless list) parses
 * the one `want` names into *out. */
static int load_xml(struct ctx *cx, const char *buf, size_t len, const char *want,
		    struct cp_profile *out, bool list)
{
	struct xml_err xe = { 0 };
	xmlDoc *doc = NULL;
	xmlNode *root;
	long idx;
	int rc = -1;

	if (len > (size_t)INT32_MAX)
		return fail(cx, 0, "too large");
	/*
	 * No XML_PARSE_NOENT (entities stay unexpanded), no DTD loading, no
	 * network; and a document with a DOCTYPE is refused below, since a
	 * PAN-OS export never has one (XXE and entity bombs).  BIG_LINES: a
	 * running config passes 65535 lines.
	 */
	xmlSetStructuredErrorFunc(&xe, xml_on_error);
	xmlSetGenericErrorFunc(NULL, xml_silent);
	doc = xmlReadMemory(buf, (int)len, cx->label, NULL,
			    XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING);
	if (doc == NULL || xe.set) {
		if (xe.set)
			fail(cx, xe.line > 0 ? (size_t)xe.line : 0, "malformed XML: %s", xe.msg);
		else
			fail(cx, 0, "malformed XML");
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		fail(cx, 0, "XML with a DOCTYPE is refused: PAN-OS exports have none, and "
			    "entities are not expanded (XXE)");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL) {
		fail(cx, 0, "malformed XML: no root element");
		goto out;
	}
	if (xml_collect(cx, doc, root) < 0)
		goto out;
	if (list) {
		rc = 0;
		goto out;
	}
	idx = select_cand(cx, want);
	if (idx < 0)
		goto out;
	struct cand *c = &cx->c[idx];

	profile_start(cx, c, out);
	if (c->kind == CAND_SETTINGS)
		rc = xml_parse_section(cx, c->node, SEC_PROTOCOL, out);
	else
		rc = xml_parse_entry(cx, c->node, out);
	if (rc == 0)
		rc = check_range(cx, c->ref.line, out);
out:
	xmlFreeDoc(doc);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetGenericErrorFunc(NULL, NULL);
	return rc;
}

/* ---- set commands ---- */

/*
 * Splits a line in place into tokens; "double quoted" tokens may hold
 * spaces.  Returns the count, or -1 for an unterminated quote or too many
 * tokens (*what says which).
 */
static int tokenize(char *s, char **tok, int max, const char **what)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return n;
		if (n == max) {
			*what = "too many words";
			return -1;
		}
		if (*s == '"') {
			char *end = strchr(s + 1, '"');

			if (end == NULL) {
				*what = "unterminated quote";
				return -1;
			}
			if (end[1] != '\0' && end[1] != ' ' && end[1] != '\t') {
				*what = "text right after a closing quote";
				return -1;
			}
			*end = '\0';
			tok[n++] = s + 1;
			s = end + 1;
			if (*s != '\0')
				s++;
			continue;
		}
		tok[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

static struct cand *set_find(struct ctx *cx, const char *name, enum cp_profile_loc loc,
			     const char *scope, size_t line)
{
	struct cand *c;

	for (size_t i = 0; i < cx->n; i++)
		if (cx->c[i].ref.loc == loc && strcmp(cx->c[i].ref.name, name) == 0 &&
		    strcmp(cx->c[i].ref.scope, scope) == 0)
			return &cx->c[i];
	c = cand_add(cx, name, loc, scope, line, CAND_PARSED, NULL);
	if (c != NULL)
		profile_start(cx, c, &c->prof);
	return c;
}

/* Whether tokens hold "profiles decryption" as neighbours. */
static bool mentions_decryption(char **tok, int n)
{
	for (int i = 0; i + 1 < n; i++)
		if (strcmp(tok[i], "profiles") == 0 && strcmp(tok[i + 1], "decryption") == 0)
			return true;
	return false;
}

/*
 * One line: `set [shared | vsys V | device-group DG] profiles decryption
 * NAME [SECTION [ELEMENT VALUE]]`.  Set lines for other configuration are
 * skipped; a decryption line that does not fit is an error.
 */
static int set_line(struct ctx *cx, size_t line, char *s)
{
	char *tok[MAX_SET_TOKENS];
	const char *what = NULL, *scope = "";
	enum cp_profile_loc loc = CP_LOC_VSYS;
	struct cand *c;
	int n = tokenize(s, tok, MAX_SET_TOKENS, &what), i = 1;

	if (n < 0)
		return fail(cx, line, "malformed set command: %s", what);
	if (n == 0 || tok[0][0] == '#')
		return 0;
	if (strcmp(tok[0], "set") != 0) {
		if (mentions_decryption(tok, n))
			return fail(cx, line, "'%s' on a decryption profile: only set commands are "
				    "understood", tok[0]);
		return 0;       /* configure, commit, exit ... */
	}
	if (n > 1 && strcmp(tok[1], "shared") == 0) {
		loc = CP_LOC_SHARED;
		i = 2;
	} else if (n > 2 && (strcmp(tok[1], "vsys") == 0 || strcmp(tok[1], "device-group") == 0)) {
		loc = tok[1][0] == 'v' ? CP_LOC_VSYS : CP_LOC_DEVICE_GROUP;
		scope = tok[2];
		i = 3;
	} else {
		scope = "vsys1";  /* the single-vsys form: set profiles ... */
	}
	if (i + 1 >= n || strcmp(tok[i], "profiles") != 0 || strcmp(tok[i + 1], "decryption") != 0) {
		if (mentions_decryption(tok, n))
			return fail(cx, line, "malformed set command: expected 'set [shared | vsys "
				    "NAME | device-group NAME] profiles decryption PROFILE ...'");
		return 0;       /* other configuration */
	}
	i += 2;
	if (i >= n)
		return fail(cx, line, "malformed set command: no profile name after "
			    "'profiles decryption'");
	c = set_find(cx, tok[i], loc, scope, line);
	if (c == NULL)
		return -1;
	i++;
	if (i >= n)
		return 0;       /* just creates the profile */
	const char *sec = tok[i++];

	if (strcmp(sec, "ssl-protocol-settings") != 0 && strcmp(sec, "ssl-forward-proxy") != 0) {
		if (is_ignored_section(sec))
			return 0;
		if (strcmp(sec, "enc-algo-aes-chacha20-poly1305") == 0 ||
		    known_element(SEC_PROTOCOL, sec))
			return fail(cx, line, "malformed set command: '%s' belongs under "
				    "ssl-protocol-settings", sec);
		return fail(cx, line, "unknown element '%s' in decryption profile '%s'", sec,
			    c->ref.name);
	}
	if (i == n)
		return 0;
	if (i + 1 == n)
		return fail(cx, line, "malformed set command: no value after '%s'", tok[i]);
	if (i + 2 < n)
		return fail(cx, line, "malformed set command: unexpected '%s' after '%s %s'",
			    tok[i + 2], tok[i], tok[i + 1]);
	return apply(cx, line, &c->prof,
		     strcmp(sec, "ssl-protocol-settings") == 0 ? SEC_PROTOCOL : SEC_FORWARD,
		     tok[i], tok[i + 1]);
}

static int load_set(struct ctx *cx, const char *buf, size_t len, const char *want,
		    struct cp_profile *out, bool list)
{
	char *copy = malloc(len + 1);
	size_t line = 0, pos = 0;
	long idx;
	int rc = -1;

	if (copy == NULL)
		return fail(cx, 0, "out of memory");
	memcpy(copy, buf, len);
	copy[len] = '\0';
	while (pos < len) {
		char *s = copy + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl != NULL ? (size_t)(nl - s) : len - pos;

		line++;
		pos += l + 1;
		s[l] = '\0';
		if (strlen(s) != l) {
			fail(cx, line, "NUL byte: not a text file of set commands");
			goto out;
		}
		if (l > 0 && s[l - 1] == '\r')
			s[--l] = '\0';
		if (set_line(cx, line, s) < 0)
			goto out;
	}
	if (cx->n == 0) {
		fail(cx, 0, "no decryption profile found (not PAN-OS XML, SCM JSON, or set "
			    "commands for 'profiles decryption')");
		goto out;
	}
	if (list) {
		rc = 0;
		goto out;
	}
	idx = select_cand(cx, want);
	if (idx < 0)
		goto out;
	*out = cx->c[idx].prof;
	rc = check_range(cx, cx->c[idx].ref.line, out);
out:
	free(copy);
	return rc;
}

/* ---- SCM JSON ---- */

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* One section object: booleans, plus the two version strings. */
static int json_parse_section(struct ctx *cx, json_t *obj, const char *objkey,
			      enum section which, struct cp_profile *p)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return fail(cx, 0, "JSON type error: %s must be an object, not %s", objkey,
			    json_kind(obj));
	json_object_foreach(obj, key, v) {
		char elem[80];
		size_t i;
		bool version = which == SEC_PROTOCOL &&
			       (strcmp(key, "min_version") == 0 || strcmp(key, "max_version") == 0);

		for (i = 0; key[i] != '\0' && i + 1 < sizeof elem; i++)
			elem[i] = key[i] == '_' ? '-' : key[i];
		elem[i] = '\0';
		if (version) {
			if (!json_is_string(v))
				return fail(cx, 0, "JSON type error: %s.%s must be a string such as "
					    "\"tls1-2\", not %s", objkey, key, json_kind(v));
			if (apply(cx, 0, p, which, elem, json_string_value(v)) < 0)
				return -1;
			continue;
		}
		/* name checked before type, so a misspelt key is called that */
		if (!known_element(which, elem))
			return apply(cx, 0, p, which, elem, "yes");
		if (!json_is_boolean(v))
			return fail(cx, 0, "JSON type error: %s.%s must be true or false, not %s",
				    objkey, key, json_kind(v));
		if (apply(cx, 0, p, which, elem, json_is_true(v) ? "yes" : "no") < 0)
			return -1;
	}
	return 0;
}

static int json_parse_profile(struct ctx *cx, json_t *obj, struct cp_profile *p)
{
	json_t *v;

	/* Other keys (id, folder, snippet, device, ssl_no_proxy, ...) are SCM
	 * metadata or sections that do not shape the proxy's hello. */
	v = json_object_get(obj, "ssl_protocol_settings");
	if (v != NULL && json_parse_section(cx, v, "ssl_protocol_settings", SEC_PROTOCOL, p) < 0)
		return -1;
	v = json_object_get(obj, "ssl_forward_proxy");
	if (v != NULL && json_parse_section(cx, v, "ssl_forward_proxy", SEC_FORWARD, p) < 0)
		return -1;
	return check_range(cx, 0, p);
}

static int json_add(struct ctx *cx, json_t *obj, const char *where)
{
	json_t *name;

	if (!json_is_object(obj))
		return fail(cx, 0, "JSON type error: %s must be a profile object, not %s", where,
			    json_kind(obj));
	name = json_object_get(obj, "name");
	if (name != NULL && !json_is_string(name))
		return fail(cx, 0, "JSON type error: %s.name must be a string, not %s", where,
			    json_kind(name));
	return cand_add(cx, name ? json_string_value(name) : "", CP_LOC_NONE, "", 0, CAND_JSON,
			obj) ? 0 : -1;
}

static int load_json(struct ctx *cx, const char *buf, size_t len, const char *want,
		     struct cp_profile *out, bool list)
{
	json_error_t je;
	json_t *root, *list_v;
	long idx;
	int rc = -1;

	cx->json_names = true;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return fail(cx, je.line > 0 ? (size_t)je.line : 0, "malformed JSON: %s", je.text);
	list_v = json_is_array(root) ? root
		 : json_is_object(root) ? json_object_get(root, "data") : NULL;
	if (json_is_object(root) && list_v != NULL && !json_is_array(list_v)) {
		fail(cx, 0, "JSON type error: data must be an array of profiles, not %s",
		     json_kind(list_v));
		goto out;
	}
	if (list_v != NULL) {
		size_t i;
		json_t *v;

		json_array_foreach(list_v, i, v) {
			char where[32];

			snprintf(where, sizeof where, "data[%zu]", i);
			if (json_add(cx, v, where) < 0)
				goto out;
		}
	} else if (json_add(cx, root, "the document") < 0) {
		goto out;
	}
	if (list) {
		rc = 0;
		goto out;
	}
	idx = select_cand(cx, want);
	if (idx < 0)
		goto out;
	profile_start(cx, &cx->c[idx], out);
	rc = json_parse_profile(cx, cx->c[idx].node, out);
out:
	json_decref(root);
	return rc;
}

/* ---- entry points ---- */

enum format { FMT_EMPTY, FMT_XML, FMT_JSON, FMT_SET };

static enum format detect(const char *buf, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		char ch = buf[i];

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		if (ch == '<')
			return FMT_XML;
		if (ch == '{' || ch == '[')
			return FMT_JSON;
		return FMT_SET;
	}
	return FMT_EMPTY;
}

static int load_any(struct ctx *cx, const char *buf, size_t len, const char *want,
		    struct cp_profile *out, bool list)
{
	switch (detect(buf, len)) {
	case FMT_EMPTY:
		return fail(cx, 0, "empty file");
	case FMT_XML:
		return load_xml(cx, buf, len, want, out, list);
	case FMT_JSON:
		return load_json(cx, buf, len, want, out, list);
	case FMT_SET:
		break;
	}
	return load_set(cx, buf, len, want, out, list);
}

int cp_profile_load_mem(const char *buf, size_t len, const char *label, const char *name,
			struct cp_profile *out, char *err, size_t errlen)
{
	struct ctx cx = { .label = label ? label : "(memory)", .err = err, .errlen = errlen };
	struct cp_profile p;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	rc = load_any(&cx, buf, len, name, &p, false);
	if (rc == 0)
		*out = p;
	free(cx.c);
	return rc < 0 ? -1 : 0;
}

int cp_profile_list_mem(const char *buf, size_t len, const char *label,
			struct cp_profile_ref **refs, size_t *n, char *err, size_t errlen)
{
	struct ctx cx = { .label = label ? label : "(memory)", .err = err, .errlen = errlen };
	struct cp_profile_ref *r = NULL;
	int rc = -1;

	*refs = NULL;
	*n = 0;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (load_any(&cx, buf, len, NULL, NULL, true) < 0)
		goto out;
	if (cx.n > 0) {
		r = calloc(cx.n, sizeof *r);
		if (r == NULL) {
			fail(&cx, 0, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < cx.n; i++)
			r[i] = cx.c[i].ref;
	}
	*refs = r;
	*n = cx.n;
	rc = 0;
out:
	free(cx.c);
	return rc;
}

/* Reads a whole file; -1 with a message naming it and why. */
static int read_all(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	char *b = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	*buf = NULL;
	*len = 0;
	if (fp == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nb;

			if (cap >= MAX_FILE) {
				snprintf(err, errlen, "%s: larger than %zu MiB: not a decryption "
					 "profile export", path, MAX_FILE >> 20);
				goto out;
			}
			nb = realloc(b, ncap + 1);
			if (nb == NULL) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			b = nb;
			cap = ncap;
		}
		size_t got = fread(b + n, 1, cap - n, fp);

		n += got;
		if (got == 0) {
			if (ferror(fp)) {
				snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
				goto out;
			}
			break;
		}
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	rc = 0;
out:
	free(b);
	fclose(fp);
	return rc;
}

int cp_profile_load(const char *spec, const char *name, struct cp_profile *out,
		    char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (spec == NULL || spec[0] == '\0') {
		snprintf(err, errlen, "no profile given");
		return -1;
	}
	/* built-in names win over a file of the same name: say ./panos-default */
	if (cp_profile_builtin(spec, out) == 0)
		return 0;
	if (strncmp(spec, "builtin:", 8) == 0) {
		snprintf(err, errlen, "%s: unknown built-in profile (panos-default, "
			 "panos-recommended)", spec);
		return -1;
	}
	if (read_all(spec, &buf, &len, err, errlen) < 0)
		return -1;
	rc = cp_profile_load_mem(buf, len, spec, name, out, err, errlen);
	free(buf);
	return rc;
}

int cp_profile_list(const char *path, struct cp_profile_ref **refs, size_t *n,
		    char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len;
	int rc;

	*refs = NULL;
	*n = 0;
	if (read_all(path, &buf, &len, err, errlen) < 0)
		return -1;
	rc = cp_profile_list_mem(buf, len, path, refs, n, err, errlen);
	free(buf);
	return rc;
}
