/* SPDX-License-Identifier: MIT */
/*
 * cipherprobe profile show|list: what a decryption profile says, and the
 * ClientHello the forward proxy would send a server for a given browser.
 * It answers "what does my profile actually allow?" without a scan.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd_profile_capture.h"
#include "commands.h"
#include "policy/firewall.h"
#include "policy/offer.h"
#include "output/output.h"
#include "output/sanitize.h"
#include "policy/profile.h"
#include "registry.h"

static const char usage_text[] =
	"usage: cipherprobe profile show PROFILE [--profile-name NAME] [--client CLIENT]\n"
	"                                [--panos-version V] [--json]\n"
	"       cipherprobe profile show --proxy-hello FILE [PROFILE] [--client CLIENT] [--json]\n"
	"       cipherprobe profile list FILE [--json]\n"
	"\n"
	"show   prints every ssl-protocol-settings and ssl-forward-proxy element of the\n"
	"       profile with its value and whether it is the default, then the hello\n"
	"       the forward proxy would send a server: versions, cipher suites (IANA\n"
	"       names, in the client's order), groups and signature algorithms.\n"
	"list   lists the decryption profiles a file holds, with where they live.\n"
	"\n"
	"PROFILE is a built-in (panos-default, panos-recommended) or a file: PAN-OS XML\n"
	"(<ssl-protocol-settings>, an <entry>, a running config, an XML API reply),\n"
	"PAN-OS set commands, or Strata Cloud Manager JSON; the format is told from\n"
	"the content.\n"
	"\n"
	"  --profile-name NAME  the profile to use when the file holds several; NAME\n"
	"                       or SCOPE/NAME (SCOPE: vsys1, shared, a device group)\n"
	"  --client CLIENT      the browser whose hello the proxy narrows: chrome\n"
	"                       (default), firefox, safari, or any (every suite)\n"
	"  --panos-version V    the PAN-OS release that builds the hello (TLS 1.3\n"
	"                       from 10.0, post-quantum groups stripped from 11.1;\n"
	"                       default: the newest the model knows)\n"
	"  --proxy-hello FILE   compare the firewall's own hello, captured in FILE (pcap,\n"
	"                       pcapng or a hex dump), with the model of it for PROFILE\n"
	"                       (default panos-recommended) and CLIENT: suites, order,\n"
	"                       groups, signature algorithms, versions, extensions\n"
	"  --json               one JSON document instead of text\n"
	"  -h, --help           this text\n"
	"\n"
	"Exit status: 0 done, 64 usage error, 65 the profile cannot be used,\n"
	"66 the file does not exist.\n"
	"\n'cipherprobe --version' prints the version.\n";

struct opts {
	const char *verb; /* "show" or "list" */
	const char *spec;
	const char *name;
	const char *client;
	const char *proxy_hello;   /* show --proxy-hello FILE */
	const char *panos_version; /* show --panos-version V */
	bool json;
};

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cp_eprintf("cipherprobe profile: %s", msg);
	fputs("(see 'cipherprobe profile --help')\n", stderr);
	return CP_EXIT_USAGE;
}

enum { OPT_JSON = 256, OPT_PROFILE_NAME, OPT_PROXY_HELLO, OPT_PANOS_VERSION, OPT_CLIENT };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "profile-name", required_argument, NULL, OPT_PROFILE_NAME },
	{ "proxy-hello", required_argument, NULL, OPT_PROXY_HELLO },
	{ "panos-version", required_argument, NULL, OPT_PANOS_VERSION },
	{ "client", required_argument, NULL, OPT_CLIENT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* What an option with a value says when the value is missing or empty. */
static const char *needs_value(int opt)
{
	switch (opt) {
	case OPT_PROFILE_NAME: return "--profile-name needs a NAME";
	case OPT_PROXY_HELLO: return "--proxy-hello needs a FILE";
	case OPT_PANOS_VERSION: return "--panos-version needs a release such as 11.1";
	default: return "--client needs a CLIENT";
	}
}

/* The usage error for what getopt_long refused: c is '?' or ':'. */
static int bad_option(int c, char **argv)
{
	if (c == ':')
		return usage_error("%s", needs_value(optopt));
	/* an unknown long option, or --json=VALUE / --help=VALUE (-h never fails) */
	if (optopt == 0 || optopt >= OPT_JSON || optopt == 'h')
		return usage_error("unknown option '%s'", argv[optind - 1]);
	return usage_error("unknown option '-%c'", optopt);
}

/* An option with a value; -1 to go on, else the exit status. */
static int set_value(struct opts *o, int opt, const char *v)
{
	if (v[0] == '\0')
		return usage_error("%s", needs_value(opt));
	if (opt == OPT_PROFILE_NAME)
		o->name = v;
	else if (opt == OPT_PROXY_HELLO)
		o->proxy_hello = v;
	else if (opt == OPT_PANOS_VERSION)
		o->panos_version = v;
	else
		o->client = v;
	return -1;
}

/* VERB then PROFILE/FILE; -1 to go on, else the exit status. */
static int set_positional(struct opts *o, int *npos, const char *a)
{
	if (*npos == 0)
		o->verb = a;
	else if (*npos == 1)
		o->spec = a;
	else
		return usage_error("unexpected argument '%s'", a);
	(*npos)++;
	return -1;
}

/* The verb, and which options it takes; -1 to go on, else the exit status. */
static int check_verb(struct opts *o)
{
	if (o->verb == NULL)
		return usage_error("show or list?");
	if (strcmp(o->verb, "show") != 0 && strcmp(o->verb, "list") != 0)
		return usage_error("'%s' is not show or list", o->verb);
	if (o->spec == NULL && o->proxy_hello != NULL && o->verb[0] == 's')
		o->spec = "panos-recommended";
	if (o->verb[0] == 'l' && o->proxy_hello != NULL)
		return usage_error("list takes no --proxy-hello");
	if (o->spec == NULL)
		return usage_error("%s needs a %s", o->verb,
				   o->verb[0] == 's' ? "PROFILE (file or built-in)" : "FILE");
	if (o->verb[0] == 'l' && (o->name != NULL || o->client != NULL))
		return usage_error("list takes no --profile-name or --client");
	if (o->verb[0] == 'l' && o->panos_version != NULL)
		return usage_error("list takes no --panos-version");
	return -1;
}

/*
 * Returns -1 to go on, else the exit status.  "-" in the option string hands
 * over the positional arguments in place, so errors come in command-line order.
 */
static int parse_args(int argc, char **argv, struct opts *o)
{
	int npos = 0, c, rc = -1;

	optind = 1;
	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, "-:h", long_opts, NULL)) != -1) {
		if (c == 1)
			rc = set_positional(o, &npos, optarg);
		else if (c == 'h')
			rc = (fputs(usage_text, stdout), CP_EXIT_OK);
		else if (c == '?' || c == ':')
			rc = bad_option(c, argv);
		else if (c == OPT_JSON)
			o->json = true;
		else
			rc = set_value(o, c, optarg);
	}
	for (int i = optind; rc < 0 && i < argc; i++) /* after "--" */
		rc = set_positional(o, &npos, argv[i]);
	return rc >= 0 ? rc : check_verb(o);
}

/* Exit status for a load error: 66 when the file is not there at all. */
static int load_error(const char *spec, const char *msg)
{
	char hint[256];

	cp_profile_suggest(spec, hint, sizeof hint);
	cp_eprintf("cipherprobe profile: %s%s", msg, hint);
	if (strncmp(spec, "builtin:", 8) != 0 && access(spec, F_OK) != 0 && errno == ENOENT)
		return CP_EXIT_NOINPUT;
	return CP_EXIT_DATAERR;
}

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

static const char *max_token(const struct cp_profile *p)
{
	return p->max_is_max ? "max" : cp_panos_version_token(p->max_version);
}

/* ---- the settings, as rows both writers use ---- */

struct row {
	const char *element;
	const char *value;
	const char *dflt;
	bool greyed; /* on, but min-version disables it */
};

#define NROWS (2 + CP_PANOS_NFLAGS)

static size_t protocol_rows(const struct cp_profile *p, struct row *r)
{
	uint32_t dflt = cp_panos_default_flags(), eff = cp_profile_effective_flags(p);
	size_t n = 0;

	r[n++] = (struct row){ "min-version", cp_panos_version_token(p->min_version), "tls1-0",
			       false };
	r[n++] = (struct row){ "max-version", max_token(p), "tls1-2", false };
	for (unsigned b = 0; b < CP_PANOS_NFLAGS; b++) {
		uint32_t bit = 1u << b;

		r[n++] = (struct row){ cp_panos_flag_name(b), yn(p->flags & bit), yn(dflt & bit),
				       (p->flags & bit) && !(eff & bit) };
	}
	return n;
}

static void print_rows(const char *title, const struct row *r, size_t n, const struct cp_profile *p)
{
	printf("%s\n", title);
	for (size_t i = 0; i < n; i++) {
		bool is_default = strcmp(r[i].value, r[i].dflt) == 0;

		printf("  %-34s %-7s ", r[i].element, r[i].value);
		if (is_default)
			printf("default");
		else
			printf("(default %s)", r[i].dflt);
		if (r[i].greyed)
			printf("; no effect: min-version %s greys it out",
			       cp_panos_version_token(p->min_version));
		printf("\n");
	}
}

static void version_range(uint16_t lo, uint16_t hi, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (uint16_t v = lo; v <= hi && v != 0; v++) {
		const char *name = cp_version_name(cp_version_bit_of(v));
		int k = snprintf(buf + len, len < size ? size - len : 0, "%s%s", len ? ", " : "",
				 name);

		if (k < 0 || (size_t)k >= size - len)
			break;
		len += (size_t)k;
	}
}

static const char *group_name(uint16_t id)
{
	const struct cp_group *g = cp_group_by_id(id);

	return g != NULL ? g->name : "?";
}

static const char *sig_name(uint16_t id)
{
	const struct cp_sigscheme *s = cp_sigscheme_by_id(id);

	return s != NULL ? s->name : "?";
}

static void print_show_text(const struct cp_profile *p, const struct cp_client *c,
			    const struct cp_firewall *fw, const struct cp_offer *o, bool shared)
{
	struct row r[NROWS];
	char buf[512];
	size_t n;

	/* names passed the PAN-OS rule at load; the source is a path */
	fputs("Profile   ", stdout);
	cp_sanitize_fputs(p->name[0] ? p->name : "(unnamed)", stdout);
	if (p->loc == CP_LOC_VSYS) {
		fputs(" (", stdout);
		cp_sanitize_fputs(p->vsys[0] ? p->vsys : "vsys", stdout);
		fputs(")", stdout);
	} else if (p->loc == CP_LOC_SHARED) {
		printf(" (shared)");
	} else if (p->loc == CP_LOC_DEVICE_GROUP) {
		fputs(" (device-group ", stdout);
		cp_sanitize_fputs(p->device_group, stdout);
		fputs(")", stdout);
	}
	fputs("\nSource    ", stdout);
	cp_sanitize_fputs(p->source, stdout);
	cp_profile_set_prefix(p, buf, sizeof buf);
	fputs("\nSet form  ", stdout);
	cp_sanitize_fputs(buf, stdout);
	fputs(" ...\n\n", stdout);

	n = protocol_rows(p, r);
	print_rows("ssl-protocol-settings:", r, n, p);
	printf("\nssl-forward-proxy:\n");
	for (unsigned b = 0; b < CP_FWD_NFLAGS; b++) {
		bool on = p->fwd & (1u << b);

		printf("  %-34s %-7s %s\n", cp_fwd_flag_name(b), yn(on),
		       on ? "(default no)" : "default");
	}

	printf("\nProxy hello to the server for %s (%s), as PAN-OS %s builds it:\n", c->label,
	       c->name, fw->release);
	if (!shared) {
		char cv[64];

		version_range(c->min_version, c->max_version, cv, sizeof cv);
		printf("  no common version: the profile allows %s to %s, the client offers %s.\n"
		       "  PAN-OS %s the session (block-unsupported-version: %s).\n",
		       cp_panos_version_token(p->min_version), max_token(p), cv,
		       (p->fwd & CP_FWD_BLOCK_UNSUPPORTED_VERSION) ? "blocks"
								   : "passes undecrypted",
		       yn(p->fwd & CP_FWD_BLOCK_UNSUPPORTED_VERSION));
		return;
	}
	version_range(o->min_version, o->max_version, buf, sizeof buf);
	printf("  versions              %s\n", buf);
	printf("  cipher suites         %zu of the client's %zu\n", o->nsuites, c->nsuites);
	for (size_t i = 0; i < o->nsuites; i++) {
		const struct cp_suite *s = cp_suite_by_id(o->suites[i]);
		char id[7];

		printf("    %s  %s\n", cp_suite_id_str(o->suites[i], id), s ? s->name : "?");
	}
	if (o->nsuites == 0)
		printf("    none: PAN-OS %s the session (block-unsupported-cipher: %s)\n",
		       (p->fwd & CP_FWD_BLOCK_UNSUPPORTED_CIPHER) ? "blocks" : "passes undecrypted",
		       yn(p->fwd & CP_FWD_BLOCK_UNSUPPORTED_CIPHER));
	printf("  groups               ");
	for (size_t i = 0; i < o->ngroups; i++)
		printf("%s %s", i ? "," : "", group_name(o->groups[i]));
	{
		bool first = true;

		for (size_t i = 0; i < c->ngroups; i++) {
			if (!cp_firewall_strips_group(fw, c->groups[i]))
				continue;
			printf("%s%s", first ? "\n  stripped by PAN-OS    " : ", ",
			       group_name(c->groups[i]));
			first = false;
		}
	}
	printf("\n  signature algorithms ");
	for (size_t i = 0; i < o->nsigalgs; i++)
		printf("%s %s", i ? "," : "", sig_name(o->sigalgs[i]));
	printf("\n");
}

/* ---- JSON ---- */

/* json_object_set_new that remembers a failure instead of losing it. */
static void jset(json_t *obj, const char *key, json_t *v, bool *ok)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		*ok = false;
}

static void jpush(json_t *arr, json_t *v, bool *ok)
{
	if (v == NULL || json_array_append_new(arr, v) != 0)
		*ok = false;
}

static json_t *jstr_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? cp_json_str(s) : json_null();
}

static json_t *show_json(const struct cp_profile *p, const struct cp_client *c,
			 const struct cp_firewall *fw, const struct cp_offer *o, bool shared)
{
	json_t *root = json_object(), *prof = json_object(), *ps = json_array(), *fp = json_array(),
	       *cl = json_object(), *off = json_object();
	struct row r[NROWS];
	char buf[512];
	bool ok = root && prof && ps && fp && cl && off;
	size_t n;

	if (!ok) {
		json_decref(root);
		json_decref(prof);
		json_decref(ps);
		json_decref(fp);
		json_decref(cl);
		json_decref(off);
		return NULL;
	}
	jset(root, "profile", prof, &ok);
	jset(root, "client", cl, &ok);
	jset(root, "offer", off, &ok);

	jset(prof, "name", cp_json_str(p->name), &ok);
	jset(prof, "source", cp_json_str(p->source), &ok);
	jset(prof, "location", jstr_or_null(cp_profile_loc_name(p->loc)), &ok);
	jset(prof, "vsys", jstr_or_null(p->loc == CP_LOC_VSYS ? p->vsys : NULL), &ok);
	jset(prof, "device_group",
	     jstr_or_null(p->loc == CP_LOC_DEVICE_GROUP ? p->device_group : NULL), &ok);
	cp_profile_set_prefix(p, buf, sizeof buf);
	jset(prof, "set_prefix", cp_json_str(buf), &ok);
	jset(prof, "ssl_protocol_settings", ps, &ok);
	jset(prof, "ssl_forward_proxy", fp, &ok);
	n = protocol_rows(p, r);
	for (size_t i = 0; i < n; i++)
		jpush(ps,
		      json_pack("{s:s, s:s, s:s, s:b, s:b}", "element", r[i].element, "value",
				r[i].value, "default", r[i].dflt, "is_default",
				strcmp(r[i].value, r[i].dflt) == 0, "effective", !r[i].greyed),
		      &ok);
	for (unsigned b = 0; b < CP_FWD_NFLAGS; b++) {
		bool on = p->fwd & (1u << b);

		jpush(fp,
		      json_pack("{s:s, s:s, s:s, s:b}", "element", cp_fwd_flag_name(b), "value",
				yn(on), "default", "no", "is_default", !on),
		      &ok);
	}

	jset(cl, "name", cp_json_str(c->name), &ok);
	jset(cl, "label", cp_json_str(c->label), &ok);
	jset(cl, "source", jstr_or_null(c->source), &ok);

	json_t *vers = json_array(), *ciphers = json_array(), *groups = json_array(),
	       *stripped = json_array(), *sigs = json_array();

	jset(off, "common_version", json_boolean(shared), &ok);
	jset(off, "panos_version", cp_json_str(fw->release), &ok);
	jset(off, "versions", vers, &ok);
	jset(off, "ciphers", ciphers, &ok);
	jset(off, "groups", groups, &ok);
	jset(off, "stripped_groups", stripped, &ok);
	jset(off, "signature_algorithms", sigs, &ok);
	if (!ok)
		goto out;
	for (uint16_t v = o->min_version; shared && v != 0 && v <= o->max_version; v++)
		jpush(vers, cp_json_str(cp_version_name(cp_version_bit_of(v))), &ok);
	for (size_t i = 0; i < o->nsuites; i++) {
		const struct cp_suite *s = cp_suite_by_id(o->suites[i]);
		char id[7];

		jpush(ciphers,
		      json_pack("{s:s, s:s}", "id", cp_suite_id_str(o->suites[i], id), "name",
				s ? s->name : "?"),
		      &ok);
	}
	for (size_t i = 0; i < o->ngroups; i++)
		jpush(groups,
		      json_pack("{s:i, s:s}", "id", (int)o->groups[i], "name",
				group_name(o->groups[i])),
		      &ok);
	for (size_t i = 0; i < c->ngroups; i++)
		if (cp_firewall_strips_group(fw, c->groups[i]))
			jpush(stripped,
			      json_pack("{s:i, s:s}", "id", (int)c->groups[i], "name",
					group_name(c->groups[i])),
			      &ok);
	for (size_t i = 0; i < o->nsigalgs; i++) {
		char id[8];

		snprintf(id, sizeof id, "0x%04X", (unsigned)o->sigalgs[i]);
		jpush(sigs, json_pack("{s:s, s:s}", "id", id, "name", sig_name(o->sigalgs[i])),
		      &ok);
	}
out:
	if (!ok) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* ---- the two verbs ---- */

static int write_done(json_t *doc)
{
	if (doc != NULL &&
	    (json_dumpf(doc, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF))
		goto fail;
	if (fflush(stdout) != 0 || ferror(stdout))
		goto fail;
	return CP_EXIT_OK;
fail:
	fprintf(stderr, "cipherprobe profile: cannot write the output: %s\n",
		errno ? strerror(errno) : "write error");
	return CP_EXIT_CANTCREAT;
}

static int do_show(const struct opts *o)
{
	const struct cp_client *c = cp_client_find(o->client ? o->client : "chrome");
	struct cp_profile p;
	struct cp_offer offer;
	struct cp_firewall fw;
	char err[1024];
	json_t *doc = NULL;
	bool shared;
	int rc;

	if (c == NULL) {
		char names[256];

		cp_client_suggest(o->client, names, sizeof names);
		return usage_error("unknown client '%s'; %s", o->client, names);
	}
	if (cp_firewall_load(o->panos_version, &fw, err, sizeof err) < 0)
		return usage_error("%s", err);
	if (cp_profile_load(o->spec, o->name, &p, err, sizeof err) < 0)
		return load_error(o->spec, err);
	if (o->proxy_hello)
		return cp_profile_show_capture(o->proxy_hello, &p, c, &fw, o->json);
	shared = cp_firewall_offer(&fw, &p, c, &offer) == 0;
	if (!o->json) {
		print_show_text(&p, c, &fw, &offer, shared);
		return write_done(NULL);
	}
	doc = show_json(&p, c, &fw, &offer, shared);
	if (doc == NULL) {
		cp_eprintf("cipherprobe profile: out of memory");
		return CP_EXIT_OSERR;
	}
	rc = write_done(doc);
	json_decref(doc);
	return rc;
}

static int do_list(const struct opts *o)
{
	struct cp_profile_ref *refs = NULL;
	json_t *doc = NULL, *arr = NULL;
	char err[1024];
	size_t n = 0;
	int rc;

	if (cp_profile_list(o->spec, &refs, &n, err, sizeof err) < 0)
		return load_error(o->spec, err);
	if (o->json) {
		bool ok = true;

		doc = json_object();
		arr = json_array();
		if (doc == NULL || arr == NULL) {
			json_decref(arr);
			ok = false;
		} else {
			jset(doc, "file", cp_json_str(o->spec), &ok);
			jset(doc, "profiles", arr, &ok);
		}
		for (size_t i = 0; ok && i < n; i++)
			jpush(arr,
			      json_pack("{s:o, s:o, s:o, s:I}", "name", cp_json_str(refs[i].name),
					"location", jstr_or_null(cp_profile_loc_name(refs[i].loc)),
					"scope", jstr_or_null(refs[i].scope), "line",
					(json_int_t)refs[i].line),
			      &ok);
		if (!ok) {
			json_decref(doc);
			free(refs);
			cp_eprintf("cipherprobe profile: out of memory");
			return CP_EXIT_OSERR;
		}
	} else {
		if (n == 0)
			printf("(no decryption profiles)\n");
		for (size_t i = 0; i < n; i++) {
			char where[160];

			if (refs[i].loc == CP_LOC_SHARED)
				snprintf(where, sizeof where, "shared");
			else if (refs[i].loc == CP_LOC_DEVICE_GROUP)
				snprintf(where, sizeof where, "device-group %s", refs[i].scope);
			else if (refs[i].loc == CP_LOC_VSYS)
				snprintf(where, sizeof where, "%s", refs[i].scope);
			else
				snprintf(where, sizeof where, "-");
			char *nm = cp_sanitize(refs[i].name[0] ? refs[i].name : "(unnamed)");
			char *wh = cp_sanitize(where);

			if (nm == NULL || wh == NULL) {
				free(nm);
				free(wh);
				json_decref(doc);
				free(refs);
				cp_eprintf("cipherprobe profile: out of memory");
				return CP_EXIT_OSERR;
			}
			if (refs[i].line > 0)
				printf("%-32s %-24s line %zu\n", nm, wh, refs[i].line);
			else
				printf("%-32s %s\n", nm, wh);
			free(nm);
			free(wh);
		}
	}
	rc = write_done(doc);
	json_decref(doc);
	free(refs);
	return rc;
}

/* Declared here until scanner/commands.h (the lead's) lists it. */
int cmd_profile(int argc, char **argv);

int cmd_profile(int argc, char **argv)
{
	struct opts o = { 0 };
	int rc = parse_args(argc, argv, &o);

	if (rc >= 0)
		return rc;
	return o.verb[0] == 's' ? do_show(&o) : do_list(&o);
}
