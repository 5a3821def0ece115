/* SPDX-License-Identifier: MIT */
/* Is this scan itself being decrypted?  See intercept.h. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/intercept.h"
#include "util.h"

struct obs {
	char *name;          /* registrable name, lower case */
	char *anchor;        /* heuristic candidate's anchor, else NULL */
	char *forward_trust; /* explicit match, else NULL */
};

struct cp_intercept_set {
	struct obs *v;
	size_t n, cap;
};

struct cp_intercept_set *cp_intercept_set_new(void)
{
	return calloc(1, sizeof(struct cp_intercept_set));
}

void cp_intercept_set_free(struct cp_intercept_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].anchor);
		free(s->v[i].forward_trust);
	}
	free(s->v);
	free(s);
}

void cp_intercept_clear(struct cp_intercept *i)
{
	if (!i)
		return;
	free(i->issuer);
	memset(i, 0, sizeof *i);
}

static bool is_ip(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* 127.0.0.0/8, ::1, and 127/8 mapped into IPv6. */
static bool is_loopback(const char *s)
{
	unsigned char a[16];
	static const unsigned char v6lo[16] = { [15] = 1 };
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (!s)
		return false;
	if (inet_pton(AF_INET, s, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, s, a) == 1)
		return !memcmp(a, v6lo, 16) || (!memcmp(a, mapped, 12) && a[12] == 127);
	return false;
}

const char *cp_registrable_name(const char *host, size_t *len)
{
	static const char *const second[] = { "co",  "com", "net", "org", "gov",
					      "edu", "ac",  "or",  "ne",  "go" };
	size_t n = strlen(host);
	size_t dots[3] = { 0 }, nd = 0;

	if (n > 1 && host[n - 1] == '.')
		n--;
	*len = n;
	if (is_ip(host))
		return host;
	/* the positions just after the last three dots, from the right */
	for (size_t i = n; i > 0 && nd < 3; i--)
		if (host[i - 1] == '.')
			dots[nd++] = i;
	if (nd < 2)
		return host;
	size_t tld = n - dots[0], sld = dots[0] - 1 - dots[1];
	bool three = false;
	if (tld == 2)
		for (size_t k = 0; k < sizeof second / sizeof second[0]; k++)
			if (strlen(second[k]) == sld &&
			    !strncasecmp(host + dots[1], second[k], sld))
				three = true;
	size_t start = three ? (nd >= 3 ? dots[2] : 0) : dots[1];
	*len = n - start;
	return host + start;
}

static char *lower_dup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++)
		d[i] = (char)tolower((unsigned char)s[i]);
	d[n] = '\0';
	return d;
}

int cp_intercept_observe(struct cp_intercept_set *s, const struct cp_result *r,
			 const char *forward_trust)
{
	const struct cp_cert_facts *c = &r->cert;
	const char *host = r->sni ? r->sni : r->host;
	struct obs o = { 0 };
	size_t len;

	if (!c->chain_checked || !host)
		return 0;
	bool candidate = c->anchor && !c->anchor_public && !c->self_signed &&
			 !(c->chain_errors & CP_CHAIN_SELF_SIGNED) &&
			 !is_loopback(r->address ? r->address : r->host);
	if (!candidate && !forward_trust)
		return 0;
	if (CP_GROW(s->v, s->cap, s->n + 1) < 0)
		return -1;
	const char *reg = cp_registrable_name(host, &len);
	o.name = lower_dup(reg, len);
	o.anchor = candidate ? strdup(c->anchor) : NULL;
	o.forward_trust = forward_trust ? strdup(forward_trust) : NULL;
	if (!o.name || (candidate && !o.anchor) || (forward_trust && !o.forward_trust)) {
		free(o.name);
		free(o.anchor);
		free(o.forward_trust);
		return -1;
	}
	s->v[s->n++] = o;
	return 0;
}

/* Sort by issuer, then by name, so groups and distinct names are runs. */
struct key {
	const char *issuer;
	const char *name;
};

static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcmp(x->issuer, y->issuer);

	return c ? c : strcmp(x->name, y->name);
}

/*
 * The issuer seen on the most distinct names among the observations whose
 * issuer (forward_trust or anchor, per explicit) is set; at least min
 * names.  Returns 1 with *out set, 0 none, -1 no memory.
 */
static int best_group(const struct cp_intercept_set *s, bool explicit, size_t min,
		      struct cp_intercept *out)
{
	struct key *k = NULL;
	size_t nk = 0, best_names = 0, best_targets = 0;
	const char *best = NULL;
	int rc = -1;

	if (s->n) {
		k = calloc(s->n, sizeof *k);
		if (!k)
			return -1;
	}
	for (size_t i = 0; i < s->n; i++) {
		const char *iss = explicit ? s->v[i].forward_trust : s->v[i].anchor;
		if (iss)
			k[nk++] = (struct key){ iss, s->v[i].name };
	}
	if (nk)
		qsort(k, nk, sizeof *k, key_cmp);
	for (size_t i = 0; i < nk;) {
		size_t j = i, names = 0;
		for (; j < nk && !strcmp(k[j].issuer, k[i].issuer); j++)
			if (j == i || strcmp(k[j].name, k[j - 1].name))
				names++;
		if (names >= min &&
		    (names > best_names || (names == best_names && j - i > best_targets))) {
			best = k[i].issuer;
			best_names = names;
			best_targets = j - i;
		}
		i = j;
	}
	rc = 0;
	if (best) {
		out->issuer = strdup(best);
		if (!out->issuer) {
			rc = -1;
			goto out;
		}
		out->targets = best_targets;
		out->forward_trust = explicit;
		rc = 1;
	}
out:
	free(k);
	return rc;
}

int cp_intercept_detect(const struct cp_intercept_set *s, struct cp_intercept *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	if (!s)
		return 0;
	rc = best_group(s, true, 1, out);
	if (rc == 0)
		rc = best_group(s, false, 2, out);
	return rc;
}
