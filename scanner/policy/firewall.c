/* SPDX-License-Identifier: MIT */
/*
 * The firewall model (policy/firewall.h): PAN-OS releases, read from a
 * table embedded at build time (parsed on each cp_firewall_load: a few
 * rows, once a run), and what the registry knows of signature schemes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/firewall.h"
#include "policy/profile.h"
#include "registry.h"
#include "util.h"

/* "12.1.2" -> {12, 1, 2}; -1 unless 1 to 3 dot-separated numbers. */
static int release_parse(const char *s, size_t len, unsigned v[3])
{
	size_t i = 0;
	unsigned k = 0;

	v[0] = v[1] = v[2] = 0;
	if (!len)
		return -1;
	while (i < len) {
		unsigned n = 0;
		size_t start = i;

		while (i < len && s[i] >= '0' && s[i] <= '9' && n < 10000)
			n = n * 10 + (unsigned)(s[i++] - '0');
		if (i == start || k == 3)
			return -1;
		v[k++] = n;
		if (i < len && s[i++] != '.')
			return -1;
		if (i == len && s[len - 1] == '.')
			return -1;
	}
	return 0;
}

static int release_cmp(const unsigned a[3], const unsigned b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static int yesno(const struct cp_tsv_field *f, bool *out)
{
	if (cp_tsv_is(f, "yes"))
		*out = true;
	else if (cp_tsv_is(f, "no"))
		*out = false;
	else
		return -1;
	return 0;
}

/*
 * Walks panos-versions.tsv; keeps in *out the last row at or below `want`
 * (NULL: the last row).  -1 with "panos-versions.tsv:LINE: ..." on a bad row.
 */
static int versions_walk(const unsigned *want, struct cp_firewall *out, bool *found, char first[16],
			 char *err, size_t errlen)
{
	const char *pos = cp_panos_versions_tsv;
	struct cp_tsv_field f[6];
	size_t nf, line = 0;
	bool header = false;
	unsigned prev[3] = { 0, 0, 0 };

	*found = false;
	while (cp_tsv_next(&pos, f, 5, &nf, &line)) {
		unsigned rel[3];
		struct cp_firewall row = { 0 };
		bool is_max;

		if (nf != 5) {
			cp_seterr(err, errlen,
				  "panos-versions.tsv:%zu: expected 5 TAB-separated fields", line);
			return -1;
		}
		if (!header) {
			if (!cp_tsv_is(&f[0], "panos") || !cp_tsv_is(&f[1], "max")) {
				cp_seterr(
					err, errlen,
					"panos-versions.tsv:%zu: columns must be panos max strip_pq pq_option comment",
					line);
				return -1;
			}
			header = true;
			continue;
		}
		if (release_parse(f[0].s, f[0].len, rel) ||
		    cp_tsv_copy(&f[0], row.release, sizeof row.release)) {
			cp_seterr(err, errlen, "panos-versions.tsv:%zu: bad release number", line);
			return -1;
		}
		if (release_cmp(rel, prev) <= 0) {
			cp_seterr(err, errlen,
				  "panos-versions.tsv:%zu: releases must be in increasing order",
				  line);
			return -1;
		}
		if (!prev[0] && first)
			memcpy(first, row.release, sizeof row.release);
		memcpy(prev, rel, sizeof prev);
		{
			char tok[16];

			if (cp_tsv_copy(&f[1], tok, sizeof tok) ||
			    !(row.max_version = cp_panos_version_parse(tok, &is_max)) || is_max) {
				cp_seterr(
					err, errlen,
					"panos-versions.tsv:%zu: max must be a version token such as tls1-3",
					line);
				return -1;
			}
		}
		if (yesno(&f[2], &row.strips_pq) || yesno(&f[3], &row.pq_option)) {
			cp_seterr(err, errlen,
				  "panos-versions.tsv:%zu: strip_pq and pq_option are yes or no",
				  line);
			return -1;
		}
		if (want && release_cmp(rel, want) > 0)
			continue;
		*out = row;
		*found = true;
	}
	if (!header) {
		cp_seterr(err, errlen, "panos-versions.tsv: no column line");
		return -1;
	}
	return 0;
}

int cp_firewall_load(const char *version, struct cp_firewall *out, char *err, size_t errlen)
{
	unsigned want[3];
	bool found;
	struct cp_firewall fw = { 0 };
	char first[16] = "";

	if (version && *version && release_parse(version, strlen(version), want)) {
		cp_seterr(err, errlen,
			  "--panos-version '%.40s': expected a release such as 11.1 or 10.2.4",
			  version);
		return -1;
	}
	if (versions_walk(version && *version ? want : NULL, &fw, &found, first, err, errlen))
		return -1;
	if (!found) {
		cp_seterr(err, errlen, "--panos-version %.40s: the model starts at PAN-OS %s",
			  version, first);
		return -1;
	}
	if (version && *version)
		snprintf(fw.asked, sizeof fw.asked, "%.15s", version);
	*out = fw;
	return 0;
}

bool cp_firewall_strips_group(const struct cp_firewall *fw, uint16_t group)
{
	if (fw && fw->captured) {
		for (size_t i = 0; i < fw->captured->ngroups; i++)
			if (fw->captured->groups[i] == group)
				return false;
		return true;
	}
	return (!fw || fw->strips_pq) && cp_panos_strips_group(group);
}

/* ---- signature schemes (the registry, from ciphersuites/sigschemes.tsv) -- */

int cp_firewall_check_data(char *err, size_t errlen)
{
	struct cp_firewall fw;
	bool found;

	if (versions_walk(NULL, &fw, &found, NULL, err, errlen))
		return -1;
	if (!found) {
		cp_seterr(err, errlen, "panos-versions.tsv: no release rows");
		return -1;
	}
	return 0;
}

size_t cp_sigschemes_for_key(const char *key, const char *curve, uint16_t wire, uint16_t *out,
			     size_t max)
{
	const struct cp_group *g = curve ? cp_group_by_name(curve) : NULL;
	unsigned bit = cp_version_bit_of(wire);
	size_t n = 0;

	if (!key)
		return 0;
	for (size_t i = 0; i < cp_sigscheme_count() && n < max; i++) {
		const struct cp_sigscheme *ss = cp_sigscheme_at(i);

		if (!ss->key || strcmp(ss->key, key) || !(ss->versions & bit))
			continue;
		/* TLS 1.3 ECDSA schemes name the curve */
		if (wire >= 0x0304 && ss->curve && (!g || g->id != ss->curve))
			continue;
		out[n++] = ss->id;
	}
	return n;
}

const char *cp_sigscheme_key(uint16_t scheme)
{
	const struct cp_sigscheme *ss = cp_sigscheme_by_id(scheme);

	return ss ? ss->key : NULL;
}

int cp_firewall_offer(const struct cp_firewall *fw, const struct cp_profile *p,
		      const struct cp_client *c, struct cp_offer *out)
{
	size_t n = 0;

	if (cp_proxy_offer(p, c, out))
		return -1;
	if (fw && out->max_version > fw->max_version) {
		/* this release does not decrypt the top of the range */
		if (out->min_version > fw->max_version) {
			out->nsuites = 0;
			return -1;
		}
		out->max_version = fw->max_version;
		for (size_t i = 0; i < out->nsuites; i++) {
			const struct cp_suite *cs = cp_suite_by_id(out->suites[i]);
			unsigned ok = 0;

			for (uint16_t v = out->min_version; v <= out->max_version; v++)
				ok |= cp_version_bit_of(v);
			if (cs && (cs->versions & ok))
				out->suites[n++] = out->suites[i];
		}
		out->nsuites = n;
	}
	/* no suite for the top version: the hello does not offer it */
	while (out->max_version > out->min_version) {
		bool any = false;

		for (size_t i = 0; i < out->nsuites && !any; i++)
			any = cp_profile_allows(p, out->suites[i], out->max_version);
		if (any)
			break;
		out->max_version--;
	}
	/* the release decides which of the client's groups leave the hello */
	out->ngroups = 0;
	for (size_t i = 0;
	     i < c->ngroups && out->ngroups < sizeof out->groups / sizeof out->groups[0]; i++)
		if (!cp_firewall_strips_group(fw, c->groups[i]))
			out->groups[out->ngroups++] = c->groups[i];
	return 0;
}
