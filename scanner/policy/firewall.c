/*
 * The firewall model (policy/firewall.h): PAN-OS releases and signature
 * schemes, both read from tables embedded at build time.  The tables are
 * parsed on every call; they are a few rows, and callers ask once per run
 * (cp_firewall_load) or once per target and axis (cp_sigschemes_for_key).
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
static int versions_walk(const unsigned *want, struct cp_firewall *out, bool *found,
			 char first[16], char *err, size_t errlen)
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
			cp_seterr(err, errlen, "panos-versions.tsv:%zu: expected 5 TAB-separated fields", line);
			return -1;
		}
		if (!header) {
			if (!cp_tsv_is(&f[0], "panos") || !cp_tsv_is(&f[1], "max")) {
				cp_seterr(err, errlen, "panos-versions.tsv:%zu: columns must be panos max strip_pq pq_option comment", line);
				return -1;
			}
			header = true;
			continue;
		}
		if (release_parse(f[0].s, f[0].len, rel) || cp_tsv_copy(&f[0], row.release, sizeof row.release)) {
			cp_seterr(err, errlen, "panos-versions.tsv:%zu: bad release number", line);
			return -1;
		}
		if (release_cmp(rel, prev) <= 0) {
			cp_seterr(err, errlen, "panos-versions.tsv:%zu: releases must be in increasing order", line);
			return -1;
		}
		if (!prev[0] && first)
			memcpy(first, row.release, sizeof row.release);
		memcpy(prev, rel, sizeof prev);
		{
			char tok[16];

			if (cp_tsv_copy(&f[1], tok, sizeof tok) ||
			    !(row.max_version = cp_panos_version_parse(tok, &is_max)) || is_max) {
				cp_seterr(err, errlen, "panos-versions.tsv:%zu: max must be a version token such as tls1-3", line);
				return -1;
			}
		}
		if (yesno(&f[2], &row.strips_pq) || yesno(&f[3], &row.pq_option)) {
			cp_seterr(err, errlen, "panos-versions.tsv:%zu: strip_pq and pq_option are yes or no", line);
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
		cp_seterr(err, errlen, "--panos-version '%.40s': expected a release such as 11.1 or 10.2.4", version);
		return -1;
	}
	if (versions_walk(version && *version ? want : NULL, &fw, &found, first, err, errlen))
		return -1;
	if (!found) {
		cp_seterr(err, errlen, "--panos-version %.40s: the model starts at PAN-OS %s", version, first);
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

/* ---- signature schemes ---------------------------------------------- */

struct sigrow {
	uint16_t id;
	char key[16];
	char curve[24];
	bool tls13, tls12;
};

/* Row by row; returns 1 with *r filled, 0 at the end, -1 on a bad row. */
static int sig_next(const char **pos, size_t *line, bool *header, struct sigrow *r, char *err,
		    size_t errlen)
{
	struct cp_tsv_field f[6];
	size_t nf;

	while (cp_tsv_next(pos, f, 5, &nf, line)) {
		char name[64];
		const struct cp_sigscheme *ss = NULL;

		if (nf != 5) {
			cp_seterr(err, errlen, "sigschemes.tsv:%zu: expected 5 TAB-separated fields", *line);
			return -1;
		}
		if (!*header) {
			if (!cp_tsv_is(&f[0], "name") || !cp_tsv_is(&f[1], "key")) {
				cp_seterr(err, errlen, "sigschemes.tsv:%zu: columns must be name key curve tls13 tls12", *line);
				return -1;
			}
			*header = true;
			continue;
		}
		memset(r, 0, sizeof *r);
		if (!cp_tsv_copy(&f[0], name, sizeof name))
			for (size_t i = 0; i < cp_sigscheme_count() && !ss; i++)
				if (!strcmp(cp_sigscheme_at(i)->name, name))
					ss = cp_sigscheme_at(i);
		if (!ss) {
			cp_seterr(err, errlen, "sigschemes.tsv:%zu: not an IANA signature scheme name", *line);
			return -1;
		}
		r->id = ss->id;
		if (cp_tsv_copy(&f[1], r->key, sizeof r->key) || cp_tsv_copy(&f[2], r->curve, sizeof r->curve) ||
		    yesno(&f[3], &r->tls13) || yesno(&f[4], &r->tls12)) {
			cp_seterr(err, errlen, "sigschemes.tsv:%zu: bad key, curve or yes/no field", *line);
			return -1;
		}
		if (strcmp(r->curve, "-") && !cp_group_by_name(r->curve)) {
			cp_seterr(err, errlen, "sigschemes.tsv:%zu: curve is not an IANA group name", *line);
			return -1;
		}
		return 1;
	}
	return 0;
}

int cp_firewall_check_data(char *err, size_t errlen)
{
	struct cp_firewall fw;
	bool found, header = false;
	const char *pos = cp_sigschemes_tsv;
	size_t line = 0;
	struct sigrow r;
	int rc;

	if (versions_walk(NULL, &fw, &found, NULL, err, errlen))
		return -1;
	if (!found) {
		cp_seterr(err, errlen, "panos-versions.tsv: no release rows");
		return -1;
	}
	while ((rc = sig_next(&pos, &line, &header, &r, err, errlen)) == 1)
		;
	return rc;
}

size_t cp_sigschemes_for_key(const char *key, const char *curve, uint16_t wire, uint16_t *out,
			     size_t max)
{
	const char *pos = cp_sigschemes_tsv;
	size_t line = 0, n = 0;
	bool header = false;
	struct sigrow r;

	if (!key)
		return 0;
	while (n < max && sig_next(&pos, &line, &header, &r, NULL, 0) == 1) {
		if (strcmp(r.key, key))
			continue;
		if (wire >= 0x0304) {
			if (!r.tls13)
				continue;
			/* TLS 1.3 ECDSA schemes name the curve */
			if (strcmp(r.curve, "-") && (!curve || strcmp(r.curve, curve)))
				continue;
		} else if (!r.tls12) {
			continue;
		}
		out[n++] = r.id;
	}
	return n;
}

const char *cp_sigscheme_key(uint16_t scheme)
{
	static const char *const keys[] = { "RSA", "RSA-PSS", "EC", "Ed25519", "Ed448", "DSA" };
	const char *pos = cp_sigschemes_tsv;
	size_t line = 0;
	bool header = false;
	struct sigrow r;

	while (sig_next(&pos, &line, &header, &r, NULL, 0) == 1)
		if (r.id == scheme)
			for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
				if (!strcmp(keys[i], r.key))
					return keys[i];
	return NULL;
}

int cp_firewall_offer(const struct cp_firewall *fw, const struct cp_profile *p, const struct cp_client *c,
		      struct cp_offer *out)
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
	for (size_t i = 0; i < c->ngroups && out->ngroups < sizeof out->groups / sizeof out->groups[0]; i++)
		if (!cp_firewall_strips_group(fw, c->groups[i]))
			out->groups[out->ngroups++] = c->groups[i];
	return 0;
}
