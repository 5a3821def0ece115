/* SPDX-License-Identifier: MIT */
/*
 * cipherprobe suites: prints the registry, like `openssl ciphers -V`, as
 * aligned text or (--json) as one JSON array.  Filters combine with AND;
 * a filter given twice widens itself (--kx ECDHE --kx DHE: either).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "output/output.h"
#include "output/sanitize.h"
#include "commands.h"
#include "registry.h"

static const char usage_text[] =
	"usage: cipherprobe suites [OPTIONS] [NAME...]\n"
	"\n"
	"Lists the cipher-suite registry, one line per suite, like openssl ciphers -V:\n"
	"  0xC0,0x13 - IANA name  OpenSSL name  versions Kx= Au= Enc=(bits) mode Mac= strength\n"
	"Versions read 'TLSv1.0+' for 'TLSv1.0 up to TLSv1.2'. NAMEs (IANA or OpenSSL\n"
	"names, or code points such as 0xC013) list just those suites.\n"
	"\n"
	"Filters (combined with AND; a filter given twice accepts either value):\n"
	"  --tls VERSION    valid for VERSION (SSLv3, TLSv1.0, 1.2, tls1_3, ...)\n"
	"  --kx KX          key exchange (RSA, DHE, ECDHE, DH, ECDH, PSK, TLS13, ...)\n"
	"  --au AU          authentication (RSA, ECDSA, DSS, anon, PSK, TLS13, ...)\n"
	"  --strength S     null, export, weak, legacy or strong\n"
	"  --panos FLAG     needs that PAN-OS flag (e.g. auth-algo-sha1)\n"
	"  --decryptable    PAN-OS SSL Forward Proxy can decrypt it\n"
	"  --openssl        OpenSSL has a name for it\n"
	"  --scsv           include the signalling values TLS_EMPTY_RENEGOTIATION_INFO_SCSV\n"
	"                   and TLS_FALLBACK_SCSV (left out by default: they are not\n"
	"                   suites a server can choose)\n"
	"\n"
	"Other lists:\n"
	"  --groups         supported groups (--tls filters them: TLSv1.3 or older)\n"
	"  --sigschemes     signature schemes\n"
	"  --sslv2          SSLv2 cipher kinds\n"
	"\n"
	"  --json           print one JSON array instead of text\n"
	"  -h, --help       this text\n"
	"\n'cipherprobe --version' prints the version.\n";

enum list { LIST_SUITES, LIST_GROUPS, LIST_SIGSCHEMES, LIST_SSLV2 };

struct opts {
	enum list list;
	bool json, scsv, decryptable, openssl;
	unsigned tls;              /* CP_VER_* accepted, 0 = any */
	unsigned kx, au, strength; /* bit per enum value, 0 = any */
	uint32_t panos;            /* CP_PANOS_* of which one is needed, 0 = any */
	bool suite_filters;        /* a suite-only filter was given */
	int nnames;
	char **names; /* positional NAMEs, pointing into argv */
};

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cp_eprintf("cipherprobe suites: %s", msg);
	fputs("(see 'cipherprobe suites --help')\n", stderr);
	return CP_EXIT_USAGE;
}

/* Index of name among the names a name function gives, case-insensitive. */
static int enum_parse(const char *(*name_of)(int), int count, const char *s)
{
	for (int i = 0; i < count; i++) {
		const char *n = name_of(i);
		size_t k;

		for (k = 0; n[k] != '\0' && s[k] != '\0'; k++) {
			char a = n[k], b = s[k];

			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
		}
		if (n[k] == '\0' && s[k] == '\0')
			return i;
	}
	return -1;
}

static const char *kx_of(int i)
{
	return cp_kx_name((enum cp_kx)i);
}
static const char *au_of(int i)
{
	return cp_au_name((enum cp_au)i);
}
static const char *strength_of(int i)
{
	return cp_strength_name((enum cp_strength)i);
}

enum {
	OPT_TLS = 256,
	OPT_KX,
	OPT_AU,
	OPT_STRENGTH,
	OPT_PANOS, /* take a value */
	OPT_JSON,
	OPT_SCSV,
	OPT_DECRYPTABLE,
	OPT_OPENSSL,
	OPT_GROUPS,
	OPT_SIGSCHEMES,
	OPT_SSLV2,
};

static const struct option long_opts[] = {
	{ "tls", required_argument, NULL, OPT_TLS },
	{ "kx", required_argument, NULL, OPT_KX },
	{ "au", required_argument, NULL, OPT_AU },
	{ "strength", required_argument, NULL, OPT_STRENGTH },
	{ "panos", required_argument, NULL, OPT_PANOS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "scsv", no_argument, NULL, OPT_SCSV },
	{ "decryptable", no_argument, NULL, OPT_DECRYPTABLE },
	{ "openssl", no_argument, NULL, OPT_OPENSSL },
	{ "groups", no_argument, NULL, OPT_GROUPS },
	{ "sigschemes", no_argument, NULL, OPT_SIGSCHEMES },
	{ "sslv2", no_argument, NULL, OPT_SSLV2 },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The long name of an option's value ("help" for 'h'), or NULL. */
static const char *long_name(int val)
{
	for (const struct option *lo = long_opts; lo->name != NULL; lo++)
		if (lo->val == val)
			return lo->name;
	return NULL;
}

/* The usage error for what getopt_long refused: c is '?' or ':'. */
static int bad_option(int c, char **argv)
{
	const char *name = long_name(optopt);

	if (c == ':')
		return usage_error("option '--%s' needs a value", name ? name : "?");
	if (optopt == 0 || optopt == 'h') /* not a known long option, or --help=VALUE */
		return usage_error("unknown option '%s'", argv[optind - 1]);
	if (optopt >= OPT_TLS) /* --flag=VALUE */
		return usage_error("option '--%s' takes no value", name ? name : "?");
	return usage_error("unknown option '-%c'", optopt);
}

/* An option without a value: a flag or another list.  -1 to go on. */
static int set_flag(struct opts *o, int opt)
{
	enum list list = opt == OPT_GROUPS       ? LIST_GROUPS
			 : opt == OPT_SIGSCHEMES ? LIST_SIGSCHEMES
						 : LIST_SSLV2;

	switch (opt) {
	case OPT_JSON: o->json = true; return -1;
	case OPT_SCSV: o->scsv = true; break;
	case OPT_DECRYPTABLE: o->decryptable = true; break;
	case OPT_OPENSSL: o->openssl = true; break;
	default:
		if (o->list != LIST_SUITES && o->list != list)
			return usage_error("'--%s' cannot be combined with another list",
					   long_name(opt));
		o->list = list;
		return -1;
	}
	o->suite_filters = true;
	return -1;
}

/* A filter with a value (--tls, --kx, --au, --strength, --panos).  -1 to go on. */
static int set_filter(struct opts *o, int opt, const char *val)
{
	int v;

	if (opt == OPT_TLS) {
		unsigned t = cp_version_parse(val);

		if (t == 0)
			return usage_error("--tls: '%s' is not a protocol version "
					   "(try TLSv1.2, 1.3, SSLv3)",
					   val);
		o->tls |= t;
		return -1;
	}
	o->suite_filters = true;
	switch (opt) {
	case OPT_KX:
		v = enum_parse(kx_of, CP_KX__COUNT, val);
		if (v < 0)
			return usage_error("--kx: unknown key exchange '%s'", val);
		o->kx |= 1u << v;
		break;
	case OPT_AU:
		v = enum_parse(au_of, CP_AU__COUNT, val);
		if (v < 0)
			return usage_error("--au: unknown authentication '%s'", val);
		o->au |= 1u << v;
		break;
	case OPT_STRENGTH:
		v = enum_parse(strength_of, CP_STRENGTH__COUNT, val);
		if (v < 0)
			return usage_error("--strength: '%s' is not one of null, export, "
					   "weak, legacy, strong",
					   val);
		o->strength |= 1u << v;
		break;
	default: {
		uint32_t f = cp_panos_flag_parse(val);

		if (f == 0)
			return usage_error("--panos: unknown PAN-OS flag '%s' "
					   "(e.g. auth-algo-sha1, keyxchg-algo-rsa)",
					   val);
		o->panos |= f;
	}
	}
	return -1;
}

/*
 * Parses argv (argv[0] is "cipherprobe suites").  Returns -1 to go on, else the exit
 * status (help printed, or a usage error reported).  "-" in the option string keeps
 * NAMEs in place (and POSIXLY_CORRECT from ending the options at the first NAME).
 */
static int parse_args(int argc, char **argv, struct opts *o)
{
	int c, rc = -1;

	optind = 1;
	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, "-:h", long_opts, NULL)) != -1) {
		if (c == 1)
			o->names[o->nnames++] = optarg;
		else if (c == 'h')
			rc = (fputs(usage_text, stdout), CP_EXIT_OK);
		else if (c == '?' || c == ':')
			rc = bad_option(c, argv);
		else if (c < OPT_JSON)
			rc = set_filter(o, c, optarg);
		else
			rc = set_flag(o, c);
	}
	if (rc >= 0)
		return rc;
	for (int i = optind; i < argc; i++)
		o->names[o->nnames++] = argv[i];
	if (o->list != LIST_SUITES && o->suite_filters)
		return usage_error("%s", "the suite filters (--kx, --au, --strength, --panos, "
					 "--decryptable, --openssl, --scsv) apply to suites only");
	if ((o->list == LIST_SIGSCHEMES || o->list == LIST_SSLV2) && o->tls != 0)
		return usage_error("%s", "--tls applies to suites and groups only");
	return -1;
}

/* named: the user asked for this suite by name, so an SCSV is shown too. */
static bool suite_selected(const struct cp_suite *s, const struct opts *o, bool named)
{
	if (s->scsv && !named && !o->scsv && !(o->kx & (1u << CP_KX_SCSV)))
		return false;
	if (o->tls != 0 && !(s->versions & o->tls))
		return false;
	if (o->kx != 0 && !(o->kx & (1u << s->kx)))
		return false;
	if (o->au != 0 && !(o->au & (1u << s->au)))
		return false;
	if (o->strength != 0 && !(o->strength & (1u << s->strength)))
		return false;
	if (o->panos != 0 && !(s->panos & o->panos))
		return false;
	if (o->decryptable && s->panos == 0)
		return false;
	if (o->openssl && s->openssl_name == NULL)
		return false;
	return true;
}

static bool group_selected(const struct cp_group *g, const struct opts *o)
{
	if (o->tls == 0)
		return true;
	if ((o->tls & CP_VER_TLS13) && g->tls13)
		return true;
	return (o->tls & ~(unsigned)CP_VER_TLS13) != 0 && g->tls12;
}

/* "TLSv1.2", "TLSv1.0+" (up to TLSv1.2), "SSLv3-TLSv1.1", or a list. */
static void versions_short(unsigned mask, char *buf, size_t size)
{
	unsigned lo = mask & -mask, hi = lo;
	unsigned contiguous = 0;

	while ((hi << 1) & mask)
		hi <<= 1;
	for (unsigned b = lo; b && b <= hi; b <<= 1)
		contiguous |= b;
	if (mask == 0) {
		snprintf(buf, size, "-");
	} else if (contiguous != mask) {
		cp_version_mask_str(mask, buf, size);
	} else if (lo == hi) {
		snprintf(buf, size, "%s", cp_version_name(lo));
	} else if (hi == CP_VER_TLS12) {
		snprintf(buf, size, "%s+", cp_version_name(lo));
	} else {
		snprintf(buf, size, "%s-%s", cp_version_name(lo), cp_version_name(hi));
	}
}

static void enc_text(const struct cp_suite *s, char *buf, size_t size)
{
	if (s->mode == CP_MODE_NONE || s->mode == CP_MODE_STREAM)
		snprintf(buf, size, "%s(%u)", cp_enc_name(s->enc), (unsigned)s->enc_bits);
	else
		snprintf(buf, size, "%s(%u) %s", cp_enc_name(s->enc), (unsigned)s->enc_bits,
			 cp_mode_name(s->mode));
}

static int max_int(int a, size_t b)
{
	return (size_t)a > b ? a : (int)b;
}

static void print_suites_text(const struct cp_suite **v, size_t n)
{
	int wn = 0, wo = 0, wv = 0, wk = 0, wa = 0, we = 0, wm = 0;
	char ver[64], enc[64];

	for (size_t i = 0; i < n; i++) {
		wn = max_int(wn, strlen(v[i]->name));
		wo = max_int(wo, strlen(v[i]->openssl_name ? v[i]->openssl_name : "-"));
		versions_short(v[i]->versions, ver, sizeof ver);
		wv = max_int(wv, strlen(ver));
		wk = max_int(wk, strlen(cp_kx_name(v[i]->kx)) + 3);
		wa = max_int(wa, strlen(cp_au_name(v[i]->au)) + 3);
		enc_text(v[i], enc, sizeof enc);
		we = max_int(we, strlen(enc) + 4);
		wm = max_int(wm, strlen(cp_mac_name(v[i]->mac)) + 4);
	}
	for (size_t i = 0; i < n; i++) {
		const struct cp_suite *s = v[i];
		char kx[32], au[32], enc4[72], mac[32];

		versions_short(s->versions, ver, sizeof ver);
		enc_text(s, enc, sizeof enc);
		snprintf(kx, sizeof kx, "Kx=%s", cp_kx_name(s->kx));
		snprintf(au, sizeof au, "Au=%s", cp_au_name(s->au));
		snprintf(enc4, sizeof enc4, "Enc=%s", enc);
		snprintf(mac, sizeof mac, "Mac=%s", cp_mac_name(s->mac));
		printf("0x%02X,0x%02X - %-*s  %-*s  %-*s %-*s %-*s %-*s %-*s %s\n",
		       (unsigned)(s->id >> 8), (unsigned)(s->id & 0xFF), wn, s->name, wo,
		       s->openssl_name ? s->openssl_name : "-", wv, ver, wk, kx, wa, au, we, enc4,
		       wm, mac, cp_strength_name(s->strength));
	}
}

static void print_groups_text(const struct cp_group **v, size_t n)
{
	int wn = 0, wo = 0;

	for (size_t i = 0; i < n; i++) {
		wn = max_int(wn, strlen(v[i]->name));
		wo = max_int(wo, strlen(v[i]->openssl_name ? v[i]->openssl_name : "-"));
	}
	for (size_t i = 0; i < n; i++) {
		const struct cp_group *g = v[i];

		char notes[64];

		snprintf(notes, sizeof notes, "%s%s%s", g->recommended ? " recommended" : "",
			 g->deprecated ? " deprecated" : "", g->obsolete ? " obsolete" : "");
		printf("0x%04X %5u  %-*s  %-*s  %-6s %4u bits  share=%-4zu  %-7s %s%s\n",
		       (unsigned)g->id, (unsigned)g->id, wn, g->name, wo,
		       g->openssl_name ? g->openssl_name : "-", cp_group_kind_name(g->kind),
		       (unsigned)g->bits, g->share_len, g->tls13 ? "TLSv1.3" : "-",
		       g->tls12 ? "TLS<=1.2" : "-", notes);
	}
}

/* ---- JSON ---- */

/* Adds v under k; false (v released) when v is NULL or the set fails. */
static bool jset(json_t *o, const char *k, json_t *v)
{
	return v != NULL && json_object_set_new(o, k, v) == 0;
}

static json_t *jstr_or_null(const char *s)
{
	return s != NULL ? cp_json_str(s) : json_null();
}

static json_t *suite_json(const struct cp_suite *s)
{
	json_t *o = json_object(), *vers = json_array(), *panos = json_array();
	char id[7];

	if (o == NULL || vers == NULL || panos == NULL)
		goto fail;
	for (unsigned b = 1; b <= CP_VER_TLS13; b <<= 1)
		if ((s->versions & b) &&
		    json_array_append_new(vers, cp_json_str(cp_version_name(b))) != 0)
			goto fail;
	for (unsigned k = 0; k < CP_PANOS_NFLAGS; k++)
		if ((s->panos & (1u << k)) &&
		    json_array_append_new(panos, cp_json_str(cp_panos_flag_name(k))) != 0)
			goto fail;
	if (!jset(o, "id", cp_json_str(cp_suite_id_str(s->id, id))) ||
	    !jset(o, "name", cp_json_str(s->name)) ||
	    !jset(o, "openssl_name", jstr_or_null(s->openssl_name)) ||
	    !jset(o, "kx", cp_json_str(cp_kx_name(s->kx))) ||
	    !jset(o, "au", cp_json_str(cp_au_name(s->au))) ||
	    !jset(o, "enc", cp_json_str(cp_enc_name(s->enc))) ||
	    !jset(o, "bits", json_integer(s->enc_bits)) ||
	    !jset(o, "mode", cp_json_str(cp_mode_name(s->mode))) ||
	    !jset(o, "mac", cp_json_str(cp_mac_name(s->mac))))
		goto fail;
	if (!jset(o, "versions", vers)) {
		vers = NULL;
		goto fail;
	}
	vers = NULL;
	if (!jset(o, "strength", cp_json_str(cp_strength_name(s->strength))))
		goto fail;
	if (!jset(o, "panos", panos)) {
		panos = NULL;
		goto fail;
	}
	panos = NULL;
	if (!jset(o, "scsv", json_boolean(s->scsv)) ||
	    !jset(o, "recommended", json_boolean(s->recommended)))
		goto fail;
	return o;
fail:
	json_decref(vers);
	json_decref(panos);
	json_decref(o);
	return NULL;
}

static json_t *group_json(const struct cp_group *g)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (!jset(o, "id", json_integer(g->id)) || !jset(o, "name", cp_json_str(g->name)) ||
	    !jset(o, "kind", cp_json_str(cp_group_kind_name(g->kind))) ||
	    !jset(o, "bits", json_integer(g->bits)) ||
	    !jset(o, "openssl_name", jstr_or_null(g->openssl_name)) ||
	    !jset(o, "share_len", json_integer((json_int_t)g->share_len)) ||
	    !jset(o, "tls13", json_boolean(g->tls13)) ||
	    !jset(o, "tls12", json_boolean(g->tls12)) ||
	    !jset(o, "recommended", json_boolean(g->recommended)) ||
	    !jset(o, "deprecated", json_boolean(g->deprecated)) ||
	    !jset(o, "obsolete", json_boolean(g->obsolete))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *sigscheme_json(const struct cp_sigscheme *s)
{
	json_t *o = json_object();
	char id[7];

	if (o == NULL)
		return NULL;
	if (!jset(o, "id", cp_json_str(cp_suite_id_str(s->id, id))) ||
	    !jset(o, "name", cp_json_str(s->name)) ||
	    !jset(o, "recommended", json_boolean(s->recommended))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *sslv2_json(const struct cp_sslv2_kind *k)
{
	json_t *o = json_object();
	char id[16];

	if (o == NULL)
		return NULL;
	snprintf(id, sizeof id, "0x%06X", (unsigned)k->id);
	if (!jset(o, "id", cp_json_str(id)) || !jset(o, "name", cp_json_str(k->name)) ||
	    !jset(o, "openssl_name", jstr_or_null(k->openssl_name)) ||
	    !jset(o, "bits", json_integer(k->enc_bits)) ||
	    !jset(o, "strength", cp_json_str(cp_strength_name(k->strength)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Appends item (NULL = out of memory) to arr; false on failure. */
static bool jappend(json_t *arr, json_t *item)
{
	return item != NULL && json_array_append_new(arr, item) == 0;
}

/* ---- the command ---- */

/* How many entries the chosen list has. */
static size_t list_count(enum list list)
{
	return list == LIST_SUITES       ? cp_suite_count()
	       : list == LIST_GROUPS     ? cp_group_count()
	       : list == LIST_SIGSCHEMES ? cp_sigscheme_count()
					 : cp_sslv2_count();
}

/*
 * Explicit names: in the order given, filters still apply.  Fills sel (room for
 * o->nnames) and *nsel; returns -1 to go on, else the exit status.
 */
static int select_named(const struct opts *o, const void **sel, size_t *nsel)
{
	for (int i = 0; i < o->nnames; i++) {
		const void *p = NULL;

		if (o->list == LIST_SUITES) {
			const struct cp_suite *s = cp_suite_by_name(o->names[i]);
			if (s == NULL)
				return usage_error("unknown cipher suite '%s'", o->names[i]);
			p = suite_selected(s, o, true) ? s : NULL;
		} else if (o->list == LIST_GROUPS) {
			const struct cp_group *g = cp_group_by_name(o->names[i]);
			if (g == NULL)
				return usage_error("unknown group '%s'", o->names[i]);
			p = group_selected(g, o) ? g : NULL;
		} else {
			return usage_error("names are looked up in suites and groups only: '%s'",
					   o->names[i]);
		}
		if (p != NULL)
			sel[(*nsel)++] = p;
	}
	return -1;
}

/* Every entry of the list that passes the filters, in registry order. */
static size_t select_all(const struct opts *o, size_t total, const void **sel)
{
	size_t nsel = 0;

	for (size_t i = 0; i < total; i++) {
		if (o->list == LIST_SUITES) {
			if (suite_selected(cp_suite_at(i), o, false))
				sel[nsel++] = cp_suite_at(i);
		} else if (o->list == LIST_GROUPS) {
			if (group_selected(cp_group_at(i), o))
				sel[nsel++] = cp_group_at(i);
		} else if (o->list == LIST_SIGSCHEMES) {
			sel[nsel++] = cp_sigscheme_at(i);
		} else {
			sel[nsel++] = cp_sslv2_at(i);
		}
	}
	return nsel;
}

/* The selection as one JSON array on stdout: CP_EXIT_OK, or -1 out of memory,
 * or CP_EXIT_CANTCREAT when the write failed (not yet reported). */
static int print_json(enum list list, const void **sel, size_t nsel)
{
	json_t *arr = json_array();
	int rc = CP_EXIT_OK;

	if (arr == NULL)
		return -1;
	for (size_t i = 0; i < nsel; i++) {
		json_t *item = list == LIST_SUITES       ? suite_json(sel[i])
			       : list == LIST_GROUPS     ? group_json(sel[i])
			       : list == LIST_SIGSCHEMES ? sigscheme_json(sel[i])
							 : sslv2_json(sel[i]);
		if (!jappend(arr, item)) {
			json_decref(arr);
			return -1;
		}
	}
	if (json_dumpf(arr, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF)
		rc = CP_EXIT_CANTCREAT;
	json_decref(arr);
	return rc;
}

static void print_sigschemes_text(const struct cp_sigscheme **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct cp_sigscheme *s = v[i];
		if (s->recommended)
			printf("0x%04X  %-36s recommended\n", (unsigned)s->id, s->name);
		else
			printf("0x%04X  %s\n", (unsigned)s->id, s->name);
	}
}

static void print_sslv2_text(const struct cp_sslv2_kind **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct cp_sslv2_kind *k = v[i];
		printf("0x%02X,0x%02X,0x%02X - %-38s %-16s Enc(%u) %s\n", (unsigned)(k->id >> 16),
		       (unsigned)(k->id >> 8 & 0xFF), (unsigned)(k->id & 0xFF), k->name,
		       k->openssl_name ? k->openssl_name : "-", (unsigned)k->enc_bits,
		       cp_strength_name(k->strength));
	}
}

static void print_text(enum list list, const void **sel, size_t nsel)
{
	if (list == LIST_SUITES)
		print_suites_text((const struct cp_suite **)sel, nsel);
	else if (list == LIST_GROUPS)
		print_groups_text((const struct cp_group **)sel, nsel);
	else if (list == LIST_SIGSCHEMES)
		print_sigschemes_text((const struct cp_sigscheme **)sel, nsel);
	else
		print_sslv2_text((const struct cp_sslv2_kind **)sel, nsel);
}

int cmd_suites(int argc, char **argv)
{
	struct opts o = { 0 };
	const void **sel = NULL;
	size_t nsel = 0, total;
	int rc = CP_EXIT_SOFTWARE;

	o.names = calloc(argc > 0 ? (size_t)argc : 1, sizeof *o.names);
	if (o.names == NULL) {
		fputs("cipherprobe suites: out of memory\n", stderr);
		return CP_EXIT_OSERR;
	}
	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		goto out;

	total = list_count(o.list);
	sel = calloc(total + (size_t)o.nnames + 1, sizeof *sel);
	if (sel == NULL)
		goto oom;
	if (o.nnames > 0) {
		rc = select_named(&o, sel, &nsel);
		if (rc >= 0)
			goto out;
	} else {
		nsel = select_all(&o, total, sel);
	}

	if (o.json) {
		rc = print_json(o.list, sel, nsel);
		if (rc < 0)
			goto oom;
		if (rc != CP_EXIT_OK)
			goto write_error;
	} else {
		print_text(o.list, sel, nsel);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		goto write_error;
	rc = CP_EXIT_OK;
	goto out;
oom:
	fputs("cipherprobe suites: out of memory\n", stderr);
	rc = CP_EXIT_OSERR;
	goto out;
write_error:
	cp_eprintf("cipherprobe suites: cannot write the output: %s\n",
		   errno ? strerror(errno) : "write error");
	rc = CP_EXIT_CANTCREAT;
out:
	free(sel);
	free(o.names);
	return rc;
}
