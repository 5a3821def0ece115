/* SPDX-License-Identifier: MIT */
/*
 * cipherprobe profile show --proxy-hello FILE: where the firewall's real
 * hello (a capture) and cipherprobe's model of it (cp_proxy_offer for the
 * profile and client, encoded exactly as the replay sends it) differ:
 * cipher suites, groups, signature algorithms, versions, extensions, key
 * shares and ALPN; for each, what only one side has and whether the
 * values both have come in the same order.  GREASE (RFC 8701) is left out
 * of every comparison: it is noise by design.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd_profile_capture.h"
#include "commands.h"
#include "input/hello_file.h"
#include "output/output.h"
#include "output/sanitize.h"
#include "policy/firewall.h"
#include "policy/offer.h"
#include "probe/scan.h"
#include "registry.h"
#include "tls/chello.h"
#include "tls/hello.h"

typedef void (*name_fn)(uint16_t v, char *buf, size_t size);

/* name, or the code point when the registry has none */
static void name_or_code(const char *name, uint16_t v, char *buf, size_t size)
{
	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "0x%04X", (unsigned)v);
}

static void suite_name(uint16_t v, char *buf, size_t size)
{
	const struct cp_suite *s = cp_suite_by_id(v);

	name_or_code(s ? s->name : NULL, v, buf, size);
}

static void group_name(uint16_t v, char *buf, size_t size)
{
	const struct cp_group *g = cp_group_by_id(v);

	name_or_code(g ? g->name : NULL, v, buf, size);
}

static void sig_name(uint16_t v, char *buf, size_t size)
{
	const struct cp_sigscheme *s = cp_sigscheme_by_id(v);

	name_or_code(s ? s->name : NULL, v, buf, size);
}

static void version_name(uint16_t v, char *buf, size_t size)
{
	unsigned bit = cp_version_bit_of(v);

	name_or_code(bit ? cp_version_name(bit) : NULL, v, buf, size);
}

static void ext_name(uint16_t v, char *buf, size_t size)
{
	const char *n = cp_chello_ext_name(v);

	if (n)
		snprintf(buf, size, "%s", n);
	else
		snprintf(buf, size, "extension %u", (unsigned)v);
}

/* One compared list: GREASE-free values of each side. */
struct cmp {
	const char *title;
	const char *key; /* JSON member */
	name_fn name;
	uint16_t cap[CP_CHELLO_MAX_SUITES];
	size_t ncap;
	uint16_t mod[CP_CHELLO_MAX_SUITES];
	size_t nmod;
	bool ordered; /* order is worth comparing */
};

static bool has(const uint16_t *a, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == v)
			return true;
	return false;
}

static size_t fill(uint16_t *dst, const uint16_t *src, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < CP_CHELLO_MAX_SUITES; i++)
		if (!cp_chello_is_grease(src[i]) && !has(dst, k, src[i]))
			dst[k++] = src[i];
	return k;
}

/* Whether the values both sides have come in the same order. */
static bool same_order(const struct cmp *c)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < c->ncap && !has(c->mod, c->nmod, c->cap[i]))
			i++;
		while (j < c->nmod && !has(c->cap, c->ncap, c->mod[j]))
			j++;
		if (i == c->ncap || j == c->nmod)
			return true;
		if (c->cap[i++] != c->mod[j++])
			return false;
	}
}

static size_t count_only(const uint16_t *a, size_t na, const uint16_t *b, size_t nb)
{
	size_t k = 0;

	for (size_t i = 0; i < na; i++)
		k += !has(b, nb, a[i]);
	return k;
}

static bool cmp_same(const struct cmp *c)
{
	return count_only(c->cap, c->ncap, c->mod, c->nmod) == 0 &&
	       count_only(c->mod, c->nmod, c->cap, c->ncap) == 0 && (!c->ordered || same_order(c));
}

/* ---- text ---- */

/* label, then "a, b, c": the values of a that only a has (only) or that
 * other has too (!only); all of them when other is NULL. */
static void print_values(const char *label, const uint16_t *a, size_t n, const uint16_t *other,
			 size_t nother, bool only, name_fn name)
{
	bool first = true;
	char buf[128];

	for (size_t i = 0; i < n; i++) {
		if (other && has(other, nother, a[i]) == only)
			continue;
		name(a[i], buf, sizeof buf);
		printf("%s%s", first ? label : ", ", buf);
		first = false;
	}
	if (!first)
		printf("\n");
}

static void print_cmp(const struct cmp *c)
{
	if (cmp_same(c)) {
		printf("%-22s same (%zu)\n", c->title, c->ncap);
		return;
	}
	printf("%-22s capture %zu, model %zu\n", c->title, c->ncap, c->nmod);
	print_values("    only in the capture: ", c->cap, c->ncap, c->mod, c->nmod, true, c->name);
	print_values("    only in the model:   ", c->mod, c->nmod, c->cap, c->ncap, true, c->name);
	if (c->ordered && !same_order(c)) {
		printf("    order differs; the ones both have:\n");
		print_values("      capture: ", c->cap, c->ncap, c->mod, c->nmod, false, c->name);
		print_values("      model:   ", c->mod, c->nmod, c->cap, c->ncap, false, c->name);
	}
	if (c->ncap == 0)
		printf("    (the capture has none)\n");
	if (c->nmod == 0)
		printf("    (the model has none)\n");
}

static void print_alpn(const struct cp_chello *cap, const struct cp_chello *mod)
{
	bool same = cap->nalpn == mod->nalpn;

	for (size_t i = 0; same && i < cap->nalpn; i++)
		same = strcmp(cap->alpn[i], mod->alpn[i]) == 0;
	if (same) {
		printf("%-22s same (%zu)\n", "ALPN", cap->nalpn);
		return;
	}
	printf("%-22s capture", "ALPN");
	/* the capture's ALPN ids are the client's bytes */
	for (size_t i = 0; i < cap->nalpn; i++) {
		fputs(i ? ", " : " ", stdout);
		cp_sanitize_fputs(cap->alpn[i], stdout);
	}
	printf("%s; model", cap->nalpn ? "" : " none");
	for (size_t i = 0; i < mod->nalpn; i++) {
		fputs(i ? ", " : " ", stdout);
		cp_sanitize_fputs(mod->alpn[i], stdout);
	}
	printf("%s\n",
	       mod->nalpn
		       ? ""
		       : " none (the model passes no ALPN; PAN-OS passes the client's unless strip-alpn)");
}

/* ---- JSON ---- */

static json_t *names_json(const uint16_t *a, size_t n, const uint16_t *other, size_t nother,
			  bool only, name_fn name)
{
	json_t *arr = json_array();
	char buf[128];

	for (size_t i = 0; arr && i < n; i++) {
		if (other && has(other, nother, a[i]) == only)
			continue;
		name(a[i], buf, sizeof buf);
		if (json_array_append_new(arr, cp_json_str(buf)) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *cmp_json(const struct cmp *c)
{
	return json_pack("{s:b, s:o*, s:o*, s:o*, s:o*, s:b}", "same", cmp_same(c), "capture",
			 names_json(c->cap, c->ncap, NULL, 0, false, c->name), "model",
			 names_json(c->mod, c->nmod, NULL, 0, false, c->name), "only_capture",
			 names_json(c->cap, c->ncap, c->mod, c->nmod, true, c->name), "only_model",
			 names_json(c->mod, c->nmod, c->cap, c->ncap, true, c->name),
			 "order_differs", c->ordered && !same_order(c));
}

static json_t *alpn_json(const struct cp_chello *h)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < h->nalpn; i++)
		if (json_array_append_new(arr, cp_json_str(h->alpn[i])) != 0) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

/* ---- the command ---- */

enum { K_SUITES, K_GROUPS, K_SIGALGS, K_VERSIONS, K_EXTS, K_SHARES, K_N };

/*
 * Fills the K_N comparisons of the capture (caph, capr) with the model (modh,
 * modr); returns how many of them and ALPN differ.
 */
static size_t compare_hellos(struct cmp *cmps, const struct cp_chello *caph,
			     const struct cp_replay_hello *capr, const struct cp_chello *modh,
			     const struct cp_replay_hello *modr)
{
	size_t ndiff = 0;

	cmps[K_SUITES] = (struct cmp){
		.title = "cipher suites", .key = "ciphers", .name = suite_name, .ordered = true
	};
	cmps[K_GROUPS] = (struct cmp){
		.title = "groups", .key = "groups", .name = group_name, .ordered = true
	};
	cmps[K_SIGALGS] = (struct cmp){ .title = "signature algorithms",
					.key = "signature_algorithms",
					.name = sig_name,
					.ordered = true };
	cmps[K_VERSIONS] = (struct cmp){
		.title = "versions", .key = "versions", .name = version_name, .ordered = true
	};
	cmps[K_EXTS] = (struct cmp){
		.title = "extensions", .key = "extensions", .name = ext_name, .ordered = true
	};
	cmps[K_SHARES] = (struct cmp){
		.title = "key shares", .key = "key_shares", .name = group_name, .ordered = true
	};
	/* both sides as on the wire, but versions, which a TLS 1.2 hello
	 * spells with legacy_version alone */
	cmps[K_SUITES].ncap = fill(cmps[K_SUITES].cap, caph->suites, caph->nsuites);
	cmps[K_SUITES].nmod = fill(cmps[K_SUITES].mod, modh->suites, modh->nsuites);
	cmps[K_GROUPS].ncap = fill(cmps[K_GROUPS].cap, caph->groups, caph->ngroups);
	cmps[K_GROUPS].nmod = fill(cmps[K_GROUPS].mod, modh->groups, modh->ngroups);
	cmps[K_SIGALGS].ncap = fill(cmps[K_SIGALGS].cap, caph->sigalgs, caph->nsigalgs);
	cmps[K_SIGALGS].nmod = fill(cmps[K_SIGALGS].mod, modh->sigalgs, modh->nsigalgs);
	cmps[K_VERSIONS].ncap = fill(cmps[K_VERSIONS].cap, capr->versions, capr->nversions);
	cmps[K_VERSIONS].nmod = fill(cmps[K_VERSIONS].mod, modr->versions, modr->nversions);
	cmps[K_EXTS].ncap = fill(cmps[K_EXTS].cap, caph->ext_types, caph->nexts);
	cmps[K_EXTS].nmod = fill(cmps[K_EXTS].mod, modh->ext_types, modh->nexts);
	cmps[K_SHARES].ncap = fill(cmps[K_SHARES].cap, caph->shares, caph->nshares);
	cmps[K_SHARES].nmod = fill(cmps[K_SHARES].mod, modh->shares, modh->nshares);
	for (size_t k = 0; k < K_N; k++)
		ndiff += !cmp_same(&cmps[k]);
	{
		bool alpn_same = caph->nalpn == modh->nalpn;
		for (size_t i = 0; alpn_same && i < caph->nalpn; i++)
			alpn_same = strcmp(caph->alpn[i], modh->alpn[i]) == 0;
		ndiff += !alpn_same;
	}
	return ndiff;
}

/* What show_capture_text and show_capture_json print. */
struct capture_cmp {
	const char *path;
	const struct cp_hellofile *hf;
	const struct cp_profile *p;
	const struct cp_client *client;
	bool shared;            /* the model sends a hello */
	const struct cmp *cmps; /* K_N of them */
	const struct cp_chello *modh;
	size_t ndiff;
};

static int show_capture_text(const struct capture_cmp *c)
{
	fputs("Capture   ", stdout);
	cp_sanitize_fputs(c->path, stdout);
	fputs(": ", stdout);
	cp_sanitize_fputs(c->hf->origin, stdout);
	printf(", %zu bytes, server_name ", c->hf->len);
	cp_sanitize_fputs(c->hf->hello->has_sni ? c->hf->hello->sni : "none", stdout);
	fputs("\nModel     profile ", stdout);
	cp_sanitize_fputs(c->p->name[0] ? c->p->name : "(unnamed)", stdout);
	printf(", client %s (%s)\n", c->client->label, c->client->name);
	if (!c->shared)
		printf("          the model sends no hello: the profile and client share no version or suite\n");
	printf("\n");
	for (size_t k = 0; k < K_N; k++)
		print_cmp(&c->cmps[k]);
	print_alpn(c->hf->hello, c->modh);
	printf("\n%zu of 7 differ%s\n", c->ndiff,
	       c->ndiff ? "" : ": the model matches the capture");
	return fflush(stdout) == 0 && !ferror(stdout) ? CP_EXIT_OK : CP_EXIT_CANTCREAT;
}

/* The JSON document on stdout: the exit status, or -1 when memory ran out. */
static int show_capture_json(const struct capture_cmp *c)
{
	const struct cp_hellofile *hf = c->hf;
	json_t *doc, *diffs = json_object();
	int rc = -1;

	/* the path, origin, SNI and profile name came from outside */
	doc = json_pack("{s:{s:o, s:o, s:I, s:o}, s:{s:o, s:s, s:b}, s:I}", "capture", "file",
			cp_json_str(c->path), "origin", cp_json_str(hf->origin), "bytes",
			(json_int_t)hf->len, "server_name",
			cp_json_str(hf->hello->has_sni ? hf->hello->sni : NULL), "model", "profile",
			cp_json_str(c->p->name), "client", c->client->name, "sends_hello",
			c->shared, "differences", (json_int_t)c->ndiff);
	if (!doc || !diffs || json_object_set(doc, "compare", diffs) != 0)
		goto out;
	for (size_t k = 0; k < K_N; k++)
		if (json_object_set_new(diffs, c->cmps[k].key, cmp_json(&c->cmps[k])) != 0)
			goto out;
	if (json_object_set_new(diffs, "alpn",
				json_pack("{s:o*, s:o*}", "capture", alpn_json(hf->hello), "model",
					  alpn_json(c->modh))) != 0)
		goto out;
	rc = json_dumpf(doc, stdout, JSON_INDENT(2)) == 0 && fputc('\n', stdout) != EOF &&
			     fflush(stdout) == 0
		     ? CP_EXIT_OK
		     : CP_EXIT_CANTCREAT;
out:
	json_decref(diffs);
	json_decref(doc);
	return rc;
}

int cp_profile_show_capture(const char *path, const struct cp_profile *p,
			    const struct cp_client *client, const struct cp_firewall *fw, bool json)
{
	struct cp_hellofile hf = { 0 };
	struct cp_replay_hello *capr = NULL, *modr = NULL;
	struct cp_chello *modh = NULL;
	struct cmp *cmps = NULL;
	struct cp_offer offer;
	struct cp_wbuf w;
	char err[512];
	bool shared;
	size_t ndiff;
	int rc = CP_EXIT_OSERR, st;

	cp_wbuf_init(&w, CP_HELLO_MAX_BYTES);
	st = cp_hellofile_load(path, &hf, err, sizeof err);
	if (st != CP_OK) {
		cp_eprintf("cipherprobe profile: --proxy-hello %s", err);
		rc = st == CP_EFILE    ? CP_EXIT_NOINPUT
		     : st == CP_ENOMEM ? CP_EXIT_OSERR
				       : CP_EXIT_DATAERR;
		goto out;
	}
	capr = malloc(sizeof *capr);
	modr = calloc(1, sizeof *modr);
	modh = calloc(1, sizeof *modh);
	cmps = calloc(K_N, sizeof *cmps);
	if (!capr || !modr || !modh || !cmps)
		goto nomem;

	/* the model, as the replay would send it to the capture's server */
	cp_offer_capture_hello(hf.hello, hf.raw, hf.len, capr);
	shared = cp_firewall_offer(fw, p, client, &offer) == 0 && offer.nsuites > 0;
	if (shared) {
		cp_offer_replay_hello(&offer, modr);
		st = cp_replay_hello_encode(modr, hf.hello->has_sni ? hf.hello->sni : NULL, &w);
		if (st != CP_OK || cp_chello_parse(w.data, w.len, modh) != CP_OK) {
			fprintf(stderr,
				"cipherprobe profile: cannot encode the model's hello: %s\n",
				cp_hello_strerror(st));
			rc = CP_EXIT_SOFTWARE;
			goto out;
		}
	}
	ndiff = compare_hellos(cmps, hf.hello, capr, modh, modr);
	{
		const struct capture_cmp c = { path, &hf, p, client, shared, cmps, modh, ndiff };

		rc = json ? show_capture_json(&c) : show_capture_text(&c);
	}
	if (rc >= 0)
		goto out;
nomem:
	fputs("cipherprobe profile: out of memory\n", stderr);
	rc = CP_EXIT_OSERR;
out:
	cp_wbuf_free(&w);
	cp_hellofile_free(&hf);
	free(capr);
	free(modr);
	free(modh);
	free(cmps);
	return rc;
}
