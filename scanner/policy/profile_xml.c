/* SPDX-License-Identifier: MIT */
/*
 * Decryption profiles from PAN-OS XML: a bare <ssl-protocol-settings>, an
 * <entry name=...>, a running-config export (vsys, shared and Panorama
 * device-group locations, PANOS.md) or a saved XML API reply.  No DTD, no
 * network, no entity expansion.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

#include "policy/profile.h"
#include "policy/profile_int.h"
#include "registry.h"
#include "util.h"

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

static int xml_add_entry(struct cp_pf_ctx *cx, xmlNode *n, enum cp_profile_loc loc,
			 const char *scope)
{
	char name[256];

	if (!xattr(n, "name", name, sizeof name))
		return cp_pf_fail(cx, xline(n), "<entry> without a name attribute");
	return cp_pf_cand_add(cx, name, loc, scope, xline(n), CAND_ENTRY, n) ? 0 : -1;
}

/* Adds the entries an XPath (relative to cfg) finds; scope from the
 * <entry name=...> three levels up (vsys or device group). */
static int xml_add_xpath(struct cp_pf_ctx *cx, xmlXPathContext *xp, xmlNode *cfg, const char *expr,
			 enum cp_profile_loc loc)
{
	xmlXPathObject *r;
	int rc = 0;

	xp->node = cfg;
	r = xmlXPathEvalExpression((const xmlChar *)expr, xp);
	if (r == NULL)
		return cp_pf_fail(cx, 0, "XPath %s failed", expr);
	for (int i = 0; r->nodesetval != NULL && i < r->nodesetval->nodeNr && rc == 0; i++) {
		xmlNode *n = r->nodesetval->nodeTab[i];
		char scope[256] = "";

		if (loc != CP_LOC_SHARED) {
			/* entry <- decryption <- profiles <- entry name="vsys1"/"DG1" */
			xmlNode *up =
				n->parent && n->parent->parent ? n->parent->parent->parent : NULL;

			if (up == NULL || !xattr(up, "name", scope, sizeof scope))
				scope[0] = '\0';
		}
		rc = xml_add_entry(cx, n, loc, scope);
	}
	xmlXPathFreeObject(r);
	return rc;
}

/* A full configuration: the three places PANOS.md lists. */
static int xml_collect_config(struct cp_pf_ctx *cx, xmlDoc *doc, xmlNode *cfg)
{
	static const struct {
		const char *xpath;
		enum cp_profile_loc loc;
	} places[] = {
		{ "devices/entry/vsys/entry/profiles/decryption/entry", CP_LOC_VSYS },
		{ "shared/profiles/decryption/entry", CP_LOC_SHARED },
		{ "devices/entry/device-group/entry/profiles/decryption/entry",
		  CP_LOC_DEVICE_GROUP },
	};
	xmlXPathContext *xp = xmlXPathNewContext(doc);
	int rc = 0;

	if (xp == NULL)
		return cp_pf_fail(cx, 0, "out of memory");
	for (size_t i = 0; i < sizeof places / sizeof places[0] && rc == 0; i++)
		rc = xml_add_xpath(cx, xp, cfg, places[i].xpath, places[i].loc);
	xmlXPathFreeContext(xp);
	return rc;
}

static int xml_collect(struct cp_pf_ctx *cx, xmlDoc *doc, xmlNode *n);

/*
 * An XML API reply (PANOS.md "Reading a profile over the XML API"):
 * status="error" quotes its <msg>; code 7 or an empty <result> is "not
 * found"; otherwise whatever <result> holds is collected as a file would be.
 */
static int xml_collect_response(struct cp_pf_ctx *cx, xmlDoc *doc, xmlNode *resp)
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

				if (l->type != XML_ELEMENT_NODE ||
				    xtext(l, piece, sizeof piece) < 0 || piece[0] == '\0')
					continue;
				cp_strapp(text, sizeof text, &len, "%s%s", len ? "; " : "", piece);
			}
			if (len == 0)
				xtext(msg, text, sizeof text);
		}
		return cp_pf_fail(cx, xline(resp),
				  "the firewall's API answered with an error%s%s%s: %s",
				  code[0] ? " (code " : "", code, code[0] ? ")" : "",
				  text[0] ? text : "(no message)");
	}
	if (strcmp(status, "success") != 0)
		return cp_pf_fail(cx, xline(resp),
				  "API reply with status '%s' (expected success or error)", status);
	result = xchild(resp, "result");
	if (strcmp(code, "7") == 0 || result == NULL)
		return cp_pf_fail(cx, xline(resp),
				  "profile not found (API reply code %s: the object "
				  "is not at that XPath)",
				  code[0] ? code : "none");
	for (xmlNode *c = result->children; c != NULL && rc == 0; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		any = true;
		rc = xml_collect(cx, doc, c);
	}
	if (rc == 0 && !any)
		return cp_pf_fail(cx, xline(resp),
				  "profile not found (API reply with an empty result)");
	return rc;
}

static int xml_collect(struct cp_pf_ctx *cx, xmlDoc *doc, xmlNode *n)
{
	const char *name = xname(n);

	if (strcmp(name, "ssl-protocol-settings") == 0)
		return cp_pf_cand_add(cx, "", CP_LOC_NONE, "", xline(n), CAND_SETTINGS, n) ? 0 : -1;
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
	return cp_pf_fail(cx, xline(n),
			  "<%s> is not a decryption profile, <ssl-protocol-settings>, "
			  "running config or XML API reply",
			  name);
}

/* The leaves of <ssl-protocol-settings> or <ssl-forward-proxy>. */
static int xml_parse_section(struct cp_pf_ctx *cx, xmlNode *sec, enum cp_pf_section which,
			     struct cp_profile *p)
{
	for (xmlNode *e = sec->children; e != NULL; e = e->next) {
		char value[64];

		if (e->type != XML_ELEMENT_NODE)
			continue;
		if (xtext(e, value, sizeof value) < 0) {
			/* a leaf with children: an unknown name is the better message */
			if (!cp_pf_known(which, xname(e)))
				return cp_pf_apply(cx, xline(e), p, which, xname(e), "yes");
			return cp_pf_fail(cx, xline(e),
					  "bad value for %s: expected text, found elements",
					  xname(e));
		}
		if (cp_pf_apply(cx, xline(e), p, which, xname(e), value) < 0)
			return -1;
	}
	return 0;
}

static int xml_parse_entry(struct cp_pf_ctx *cx, xmlNode *entry, struct cp_profile *p)
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
		} else if (!cp_pf_ignored_section(name)) {
			if (strcmp(name, "enc-algo-aes-chacha20-poly1305") == 0 ||
			    cp_pf_known(SEC_PROTOCOL, name))
				return cp_pf_fail(cx, xline(c),
						  "'%s' belongs inside <ssl-protocol-settings>",
						  name);
			return cp_pf_fail(cx, xline(c),
					  "unknown element '%s' in decryption profile '%s'", name,
					  p->name);
		}
	}
	return 0;
}

/* Parses an XML document: collects its profiles, then (unless list) parses
 * the one `want` names into *out. */
static int load_xml(struct cp_pf_ctx *cx, const char *buf, size_t len, const char *want,
		    struct cp_profile *out, bool list)
{
	struct xml_err xe = { 0 };
	xmlDoc *doc = NULL;
	xmlNode *root;
	long idx;
	int rc = -1;

	if (len > (size_t)INT32_MAX)
		return cp_pf_fail(cx, 0, "too large");
	/*
	 * No XML_PARSE_NOENT (entities stay unexpanded), no DTD loading, no
	 * network; and a document with a DOCTYPE is refused below, since a
	 * PAN-OS export never has one (XXE and entity bombs).  BIG_LINES: a
	 * running config passes 65535 lines.  NOBLANKS and COMPACT keep the
	 * tree small (no node for the indentation between elements, short
	 * texts inside their node): a config of 300k entries is a tree of
	 * ~300k nodes, not ~600k.  No XML_PARSE_HUGE: libxml2's own limits on
	 * depth and text size stay on.
	 */
	xmlSetStructuredErrorFunc(&xe, xml_on_error);
	xmlSetGenericErrorFunc(NULL, xml_silent);
	doc = xmlReadMemory(buf, (int)len, cx->label, NULL,
			    XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING |
				    XML_PARSE_NOBLANKS | XML_PARSE_COMPACT);
	if (doc == NULL || xe.set) {
		if (xe.set)
			cp_pf_fail(cx, xe.line > 0 ? (size_t)xe.line : 0, "malformed XML: %s",
				   xe.msg);
		else
			cp_pf_fail(cx, 0, "malformed XML");
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		cp_pf_fail(cx, 0,
			   "XML with a DOCTYPE is refused: PAN-OS exports have none, and "
			   "entities are not expanded (XXE)");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL) {
		cp_pf_fail(cx, 0, "malformed XML: no root element");
		goto out;
	}
	if (xml_collect(cx, doc, root) < 0)
		goto out;
	if (list) {
		rc = 0;
		goto out;
	}
	idx = cp_pf_select(cx, want);
	if (idx < 0)
		goto out;
	struct cp_pf_cand *c = &cx->c[idx];

	cp_pf_start(cx, c, out);
	if (c->kind == CAND_SETTINGS)
		rc = xml_parse_section(cx, c->node, SEC_PROTOCOL, out);
	else
		rc = xml_parse_entry(cx, c->node, out);
	if (rc == 0)
		rc = cp_pf_check_range(cx, c->ref.line, out);
out:
	xmlFreeDoc(doc);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetGenericErrorFunc(NULL, NULL);
	return rc;
}

static bool xml_detect(char first)
{
	return first == '<';
}

const struct cp_profile_format cp_profile_format_xml = {
	.name = "PAN-OS XML",
	.detect = xml_detect,
	.load = load_xml,
};
