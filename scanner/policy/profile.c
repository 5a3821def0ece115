/* SPDX-License-Identifier: MIT */
/*
 * Decryption profiles in: PAN-OS XML (bare settings, an entry, a running
 * config, an XML API reply), PAN-OS `set` commands, Strata Cloud Manager
 * JSON, and two built-ins.  The format is told from the content, never
 * from the file name: exports get renamed.
 *
 * This file holds the model (versions, defaults, built-ins), what every
 * reader shares (profile_int.h) and the entry points; each format has its
 * own reader (profile_xml.c, profile_set.c, profile_scm.c).  Only the chosen
 * profile is parsed, so a typo in a profile nobody asked for does not stop
 * a scan (set files are the exception: each line is checked as it is read).
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
#include <unistd.h>

#include "policy/profile.h"
#include "policy/profile_int.h"
#include "registry.h"
#include "util.h"

/* Running configs of large firewalls reach tens of MiB; a profile file
 * larger than this is something else. */
#define MAX_FILE ((size_t)64 << 20)

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

bool cp_pf_ignored_section(const char *name)
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
	{ 0x0300, "sslv3" },  { 0x0301, "tls1-0" }, { 0x0302, "tls1-1" },
	{ 0x0303, "tls1-2" }, { 0x0304, "tls1-3" },
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

static bool name_char(unsigned char c, bool first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == ' ' || c == '_' || c == '-' || c == '.');
}

bool cp_panos_name_ok(const char *name, char *why, size_t whylen)
{
	size_t len = strlen(name);

	if (len == 0) {
		if (why && whylen)
			snprintf(why, whylen, "is empty");
		return false;
	}
	if (len > CP_PANOS_NAME_MAX) {
		if (why && whylen)
			snprintf(why, whylen, "is %zu characters long (PAN-OS allows at most %d)",
				 len, CP_PANOS_NAME_MAX);
		return false;
	}
	for (size_t i = 0; i < len; i++)
		if (!name_char((unsigned char)name[i], i == 0)) {
			if (why && whylen)
				snprintf(
					why, whylen,
					"has byte 0x%02X at offset %zu (PAN-OS names start with "
					"a letter or digit and hold only letters, digits, space, '_', '-' "
					"and '.')",
					(unsigned char)name[i], i);
			return false;
		}
	return true;
}

/*
 * A name as the PAN-OS CLI wants it: quoted when it holds a space.  A name
 * outside the PAN-OS rule cannot come from the loaders; should one get
 * here anyway it is replaced by a placeholder, never pasted into a command.
 */
static void app_name(char *buf, size_t size, size_t *len, const char *name)
{
	if (name[0] != '\0' && !cp_panos_name_ok(name, NULL, 0))
		cp_strapp(buf, size, len, "<INVALID-NAME>");
	else if (name[0] == '\0' || strpbrk(name, " \t") != NULL)
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
	case CP_LOC_SHARED: cp_strapp(buf, size, &len, "set shared "); break;
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
	case CP_LOC_NONE: cp_strapp(buf, size, &len, "set "); break;
	}
	cp_strapp(buf, size, &len, "profiles decryption ");
	app_name(buf, size, &len, p->name);
	return len;
}

/* ---- defaults and built-ins ---- */

static void profile_defaults(struct cp_profile *p)
{
	memset(p, 0, sizeof *p);
	p->min_version = 0x0301; /* tls1-0 */
	p->max_version = 0x0303; /* tls1-2 */
	p->flags = cp_panos_default_flags();
	p->fwd = 0;
}

const char *const cp_profile_builtin_names[] = { "panos-default", "panos-recommended", NULL };

void cp_profile_suggest(const char *spec, char *buf, size_t size)
{
	size_t n = 0, len = 0;
	const char *near;

	buf[0] = '\0';
	if (!spec || access(spec, F_OK) == 0)
		return;
	while (cp_profile_builtin_names[n])
		n++;
	near = cp_closest_name(strncmp(spec, "builtin:", 8) ? spec : spec + 8,
			       cp_profile_builtin_names, n);
	if (!near)
		return;
	cp_strapp(buf, size, &len, "; did you mean '%s'? (built-in profiles:", near);
	for (size_t i = 0; i < n; i++)
		cp_strapp(buf, size, &len, "%s %s", i ? "," : "", cp_profile_builtin_names[i]);
	cp_strapp(buf, size, &len, ")");
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


int cp_pf_fail(struct cp_pf_ctx *cx, size_t line, const char *fmt, ...)
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

struct cp_pf_cand *cp_pf_cand_add(struct cp_pf_ctx *cx, const char *name, enum cp_profile_loc loc,
				  const char *scope, size_t line, enum cp_pf_cand_kind kind,
				  void *node)
{
	struct cp_pf_cand *c;
	char why[192];

	size_t nlen = strlen(name), slen = strlen(scope);

	if (nlen >= sizeof((struct cp_profile_ref *)0)->name) {
		cp_pf_fail(cx, line, "profile name '%.40s...' is too long (at most %zu characters)",
			   name, sizeof((struct cp_profile_ref *)0)->name - 1);
		return NULL;
	}
	if (slen >= sizeof((struct cp_profile_ref *)0)->scope ||
	    (loc == CP_LOC_VSYS && strlen(scope) >= sizeof c->prof->vsys)) {
		cp_pf_fail(cx, line, "%s name '%.40s...' is too long", cp_profile_loc_name(loc),
			   scope);
		return NULL;
	}
	/* "" is a bare snippet (no name) or a location without a scope */
	if (name[0] != '\0' && !cp_panos_name_ok(name, why, sizeof why)) {
		cp_pf_fail(cx, line, "profile name '%s' %s", name, why);
		return NULL;
	}
	if (scope[0] != '\0' && !cp_panos_name_ok(scope, why, sizeof why)) {
		cp_pf_fail(cx, line, "%s name '%s' %s", cp_profile_loc_name(loc), scope, why);
		return NULL;
	}
	if (CP_GROW(cx->c, cx->cap, cx->n + 1) < 0) {
		cp_pf_fail(cx, 0, "out of memory");
		return NULL;
	}
	c = &cx->c[cx->n];
	memset(c, 0, sizeof *c);
	c->names = malloc(nlen + slen + 2);
	if (c->names == NULL) {
		cp_pf_fail(cx, 0, "out of memory");
		return NULL;
	}
	if (kind == CAND_PARSED) {
		c->prof = calloc(1, sizeof *c->prof);
		if (c->prof == NULL) {
			free(c->names);
			cp_pf_fail(cx, 0, "out of memory");
			return NULL;
		}
	}
	cx->n++;
	memcpy(c->names, name, nlen + 1);
	memcpy(c->names + nlen + 1, scope, slen + 1);
	c->ref.name = c->names;
	c->ref.scope = c->names + nlen + 1;
	c->ref.loc = loc;
	c->ref.line = line;
	c->kind = kind;
	c->node = node;
	return c;
}

void cp_pf_free(struct cp_pf_ctx *cx)
{
	for (size_t i = 0; i < cx->n; i++) {
		free(cx->c[i].names);
		free(cx->c[i].prof);
	}
	free(cx->c);
	cx->c = NULL;
	cx->n = cx->cap = 0;
}

/* "Corp (vsys1)", "Strict (shared)", "Lab (device-group DG1)", "Corp". */
static void app_ref(char *buf, size_t size, size_t *len, const struct cp_pf_ref *r)
{
	cp_strapp(buf, size, len, "%s", r->name[0] != '\0' ? r->name : "(unnamed)");
	switch (r->loc) {
	case CP_LOC_VSYS:
		cp_strapp(buf, size, len, " (%s)", r->scope[0] != '\0' ? r->scope : "vsys");
		break;
	case CP_LOC_SHARED: cp_strapp(buf, size, len, " (shared)"); break;
	case CP_LOC_DEVICE_GROUP: cp_strapp(buf, size, len, " (device-group %s)", r->scope); break;
	case CP_LOC_NONE: break;
	}
}

static void app_refs(struct cp_pf_ctx *cx, char *buf, size_t size, size_t *len, const size_t *idx,
		     size_t nidx)
{
	for (size_t i = 0; i < nidx; i++) {
		if (i > 0)
			cp_strapp(buf, size, len, ", ");
		app_ref(buf, size, len, &cx->c[idx ? idx[i] : i].ref);
	}
}

/* Whether a "SCOPE/NAME" qualifier names this candidate's place. */
static bool scope_matches(const struct cp_pf_ref *r, const char *q, size_t qlen)
{
	const char *want = r->loc == CP_LOC_SHARED ? "shared" : r->scope;

	return strlen(want) == qlen && strncmp(want, q, qlen) == 0;
}

/*
 * Picks the candidate `name` names: "NAME" or "SCOPE/NAME" (SCOPE: a vsys,
 * "shared" or a device-group name).  NULL name: there must be just one.
 * Returns the index, or -1 with a message listing the candidates.
 */
long cp_pf_select(struct cp_pf_ctx *cx, const char *name)
{
	size_t *hits = NULL, nhits = 0;
	const char *slash, *bare;
	size_t len = 0;
	long ret = -1;
	/* candidates are listed after the message cp_pf_fail() wrote */
	char *e = cx->errlen > 0 ? cx->err : NULL;
	size_t esize = e != NULL ? cx->errlen : 0;

	if (cx->n == 0)
		return cp_pf_fail(cx, 0, "no decryption profile found");
	if (name == NULL || name[0] == '\0') {
		if (cx->n == 1)
			return 0;
		cp_pf_fail(cx, 0,
			   "%zu decryption profiles, choose one with --profile-name: ", cx->n);
		len = e != NULL ? strlen(e) : 0;
		app_refs(cx, e, esize, &len, NULL, cx->n);
		return -1;
	}
	/* a bare snippet has no name to check against */
	if (cx->n == 1 && cx->c[0].ref.name[0] == '\0')
		return 0;
	hits = calloc(cx->n, sizeof *hits);
	if (hits == NULL)
		return cp_pf_fail(cx, 0, "out of memory");
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
		cp_pf_fail(cx, 0, "no decryption profile named '%s'; found: ", name);
		len = e != NULL ? strlen(e) : 0;
		app_refs(cx, e, esize, &len, NULL, cx->n);
	} else {
		cp_pf_fail(cx, 0, "%zu decryption profiles named '%s': ", nhits, name);
		len = e != NULL ? strlen(e) : 0;
		app_refs(cx, e, esize, &len, hits, nhits);
		cp_strapp(e, esize, &len, "; qualify it as SCOPE/%s (e.g. %s/%s)", bare,
			  cx->c[hits[0]].ref.loc == CP_LOC_SHARED ? "shared"
								  : cx->c[hits[0]].ref.scope,
			  bare);
	}
out:
	free(hits);
	return ret;
}

/* ---- one element, whatever the format ---- */


/* An element name as this input spells it: SCM keys use '_' for '-'. */
static const char *spell(const struct cp_pf_ctx *cx, const char *elem, char *buf, size_t size)
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
int cp_pf_apply(struct cp_pf_ctx *cx, size_t line, struct cp_profile *p, enum cp_pf_section sec,
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
			return cp_pf_fail(cx, line, "bad value '%s' for %s: expected %s", value,
					  shown,
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
			return cp_pf_fail(
				cx, line,
				"unknown element '%s' (decryption profiles spell it "
				"%s; the other spelling is the SSL/TLS service profile's)",
				shown, spell(cx, "enc-algo-chacha20-poly1305", e2, sizeof e2));
		return cp_pf_fail(cx, line, "unknown element '%s' in %s", shown,
				  spell(cx, secname, e2, sizeof e2));
	}
	if (strcmp(value, "yes") == 0)
		on = true;
	else if (strcmp(value, "no") == 0)
		on = false;
	else
		return cp_pf_fail(cx, line, "bad value '%s' for %s: expected yes or no", value,
				  shown);
	uint32_t *set = sec == SEC_PROTOCOL ? &p->flags : &p->fwd;

	if (on)
		*set |= bit;
	else
		*set &= ~bit;
	return 0;
}

bool cp_pf_known(enum cp_pf_section which, const char *elem)
{
	if (which == SEC_FORWARD)
		return fwd_flag_parse(elem) != 0;
	return cp_panos_flag_parse(elem) != 0 || strcmp(elem, "min-version") == 0 ||
	       strcmp(elem, "max-version") == 0;
}

/* Fills the chosen profile's identity from its candidate. */
void cp_pf_start(struct cp_pf_ctx *cx, const struct cp_pf_cand *c, struct cp_profile *p)
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

int cp_pf_check_range(struct cp_pf_ctx *cx, size_t line, const struct cp_profile *p)
{
	if (p->min_version > p->max_version)
		return cp_pf_fail(cx, line, "profile '%s': min-version %s is above max-version %s",
				  p->name, cp_panos_version_token(p->min_version),
				  p->max_is_max ? "max" : cp_panos_version_token(p->max_version));
	return 0;
}

/* ---- entry points ---- */

/* Tried in order; the last one takes whatever the others do not. */
static const struct cp_profile_format *const formats[] = {
	&cp_profile_format_xml,
	&cp_profile_format_scm,
	&cp_profile_format_set,
};

static int load_any(struct cp_pf_ctx *cx, const char *buf, size_t len, const char *want,
		    struct cp_profile *out, bool list)
{
	size_t i = 0, n = sizeof formats / sizeof formats[0];

	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		char ch = buf[i];

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		for (size_t k = 0; k + 1 < n; k++)
			if (formats[k]->detect(ch)) {
				int rc = formats[k]->load(cx, buf, len, want, out, list);
				if (rc == 0 && out)
					out->scm = formats[k] == &cp_profile_format_scm;
				return rc;
			}
		return formats[n - 1]->load(cx, buf, len, want, out, list);
	}
	return cp_pf_fail(cx, 0, "empty file");
}

int cp_profile_load_mem(const char *buf, size_t len, const char *label, const char *name,
			struct cp_profile *out, char *err, size_t errlen)
{
	struct cp_pf_ctx cx = { .label = label ? label : "(memory)", .err = err, .errlen = errlen };
	struct cp_profile p;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	rc = load_any(&cx, buf, len, name, &p, false);
	if (rc == 0)
		*out = p;
	cp_pf_free(&cx);
	return rc < 0 ? -1 : 0;
}

int cp_profile_list_mem(const char *buf, size_t len, const char *label,
			struct cp_profile_ref **refs, size_t *n, char *err, size_t errlen)
{
	struct cp_pf_ctx cx = { .label = label ? label : "(memory)", .err = err, .errlen = errlen };
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
			cp_pf_fail(&cx, 0, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < cx.n; i++) {
			/* lengths were checked when the candidate was added */
			snprintf(r[i].name, sizeof r[i].name, "%s", cx.c[i].ref.name);
			snprintf(r[i].scope, sizeof r[i].scope, "%s", cx.c[i].ref.scope);
			r[i].loc = cx.c[i].ref.loc;
			r[i].line = cx.c[i].ref.line;
		}
	}
	*refs = r;
	*n = cx.n;
	rc = 0;
out:
	cp_pf_free(&cx);
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
		cp_seterr(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nb;

			if (cap >= MAX_FILE) {
				cp_seterr(err, errlen,
					  "%s: larger than %zu MiB: not a decryption "
					  "profile export",
					  path, MAX_FILE >> 20);
				goto out;
			}
			nb = realloc(b, ncap + 1);
			if (nb == NULL) {
				cp_seterr(err, errlen, "%s: out of memory", path);
				goto out;
			}
			b = nb;
			cap = ncap;
		}
		size_t got = fread(b + n, 1, cap - n, fp);

		n += got;
		if (got == 0) {
			if (ferror(fp)) {
				cp_seterr(err, errlen, "%s: cannot read: %s", path,
					  strerror(errno));
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

int cp_profile_load(const char *spec, const char *name, struct cp_profile *out, char *err,
		    size_t errlen)
{
	char *buf = NULL;
	size_t len;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (spec == NULL || spec[0] == '\0') {
		cp_seterr(err, errlen, "no profile given");
		return -1;
	}
	/* built-in names win over a file of the same name: say ./panos-default */
	if (cp_profile_builtin(spec, out) == 0)
		return 0;
	if (strncmp(spec, "builtin:", 8) == 0) {
		cp_seterr(err, errlen,
			  "%s: unknown built-in profile (panos-default, "
			  "panos-recommended)",
			  spec);
		return -1;
	}
	if (read_all(spec, &buf, &len, err, errlen) < 0)
		return -1;
	rc = cp_profile_load_mem(buf, len, spec, name, out, err, errlen);
	free(buf);
	return rc;
}

int cp_profile_list(const char *path, struct cp_profile_ref **refs, size_t *n, char *err,
		    size_t errlen)
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
