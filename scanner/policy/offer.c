/* SPDX-License-Identifier: MIT */
/*
 * The forward proxy's ClientHello to the server (PANOS.md "How the forward
 * proxy builds its ClientHello"): client AND profile AND PAN-OS-decryptable,
 * in the client's order.  Which flags a suite needs and at which versions
 * it is valid come from the registry (panos-suites.tsv, suites.tsv), never
 * from the suite's name.
 */
#include "config.h"

#include <string.h>

#include "policy/offer.h"
#include "probe/scan.h"
#include "registry.h"
#include "tls/chello.h"

/* CP_VER_* bits of every version in [lo, hi] (wire values). */
static unsigned version_mask(uint16_t lo, uint16_t hi)
{
	unsigned mask = 0;

	for (uint16_t v = lo; v != 0 && v <= hi; v++)
		mask |= cp_version_bit_of(v);
	return mask;
}

/* Whether suite id is decryptable, needs only flags among `flags`, and is
 * valid at one of the versions in `mask` (CP_VER_* bits). */
static bool suite_passes(uint16_t id, uint32_t flags, unsigned mask)
{
	const struct cp_suite *s = cp_suite_by_id(id);

	if (s == NULL || s->panos == 0 || s->scsv)
		return false;
	/* every flag the suite needs: kx + enc + auth (enc + auth for TLS 1.3) */
	if ((s->panos & ~flags) != 0)
		return false;
	return (s->versions & mask) != 0;
}

bool cp_profile_allows(const struct cp_profile *p, uint16_t suite, uint16_t wire)
{
	unsigned mask;

	if (p == NULL)
		return false;
	if (wire == 0)
		mask = version_mask(p->min_version, p->max_version);
	else if (wire >= p->min_version && wire <= p->max_version)
		mask = cp_version_bit_of(wire);
	else
		return false;
	return suite_passes(suite, cp_profile_effective_flags(p), mask);
}

int cp_proxy_offer(const struct cp_profile *p, const struct cp_client *c, struct cp_offer *out)
{
	uint16_t lo, hi;
	uint32_t flags;
	unsigned mask;

	memset(out, 0, sizeof *out);
	lo = p->min_version > c->min_version ? p->min_version : c->min_version;
	hi = p->max_version < c->max_version ? p->max_version : c->max_version;
	if (lo > hi)
		return -1;
	out->min_version = lo;
	out->max_version = hi;

	/*
	 * A suite goes in when the profile allows it at some version both
	 * sides speak: the client's range may be narrower than the profile's
	 * (Chrome has no TLS 1.0).  The flags in effect follow the profile's
	 * own min-version, not the narrowed one.
	 */
	flags = cp_profile_effective_flags(p);
	mask = version_mask(lo, hi);
	for (size_t i = 0; i < c->nsuites && out->nsuites < CP_OFFER_MAX; i++)
		if (suite_passes(c->suites[i], flags, mask))
			out->suites[out->nsuites++] = c->suites[i];

	for (size_t i = 0; i < c->ngroups; i++) {
		if (out->ngroups == sizeof out->groups / sizeof out->groups[0])
			break;
		if (!cp_panos_strips_group(c->groups[i]))
			out->groups[out->ngroups++] = c->groups[i];
	}
	for (size_t i = 0; i < c->nsigalgs; i++) {
		if (out->nsigalgs == sizeof out->sigalgs / sizeof out->sigalgs[0])
			break;
		out->sigalgs[out->nsigalgs++] = c->sigalgs[i];
	}
	return 0;
}

void cp_offer_replay_hello(const struct cp_offer *o, struct cp_replay_hello *out)
{
	memset(out, 0, sizeof *out);
	for (uint16_t v = o->max_version; v != 0 && v >= o->min_version && v >= 0x0300; v--) {
		if (out->nversions == CP_REPLAY_MAX_VERSIONS)
			break;
		out->versions[out->nversions++] = v;
	}
	out->nsuites = o->nsuites < CP_REPLAY_MAX_SUITES ? o->nsuites : CP_REPLAY_MAX_SUITES;
	memcpy(out->suites, o->suites, out->nsuites * sizeof o->suites[0]);
	out->ngroups = o->ngroups < CP_REPLAY_MAX_GROUPS ? o->ngroups : CP_REPLAY_MAX_GROUPS;
	memcpy(out->groups, o->groups, out->ngroups * sizeof o->groups[0]);
	out->nsigalgs = o->nsigalgs < CP_REPLAY_MAX_SIGALGS ? o->nsigalgs : CP_REPLAY_MAX_SIGALGS;
	memcpy(out->sigalgs, o->sigalgs, out->nsigalgs * sizeof o->sigalgs[0]);
}

/* A cipher-suite value that signals rather than offers (RFC 5746, 7507). */
static bool is_signal(uint16_t id)
{
	const struct cp_suite *s = cp_suite_by_id(id);

	return id == 0x00FF || id == 0x5600 || (s != NULL && s->scsv);
}

/* The versions a capture offers: [*lo, *hi] (wire), 0 when none known. */
static void chello_versions(const struct cp_chello *h, uint16_t *lo, uint16_t *hi)
{
	*lo = *hi = 0;
	if (h->nversions) {
		for (size_t i = 0; i < h->nversions; i++) {
			uint16_t v = h->versions[i];
			if (v < 0x0300 || v > 0x0304)
				continue; /* GREASE, drafts, DTLS */
			if (!*lo || v < *lo)
				*lo = v;
			if (v > *hi)
				*hi = v;
		}
		return;
	}
	if (h->legacy_version >= 0x0300 && h->legacy_version <= 0x0303) {
		*hi = h->legacy_version;
		*lo = *hi < 0x0301 ? *hi : 0x0301;
	}
}

/* Append the non-GREASE values of in[0..n) to out (cap entries). */
static size_t copy_values(const uint16_t *in, size_t n, uint16_t *out, size_t cap, bool suites)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < cap; i++)
		if (!cp_chello_is_grease(in[i]) && !(suites && is_signal(in[i])))
			out[k++] = in[i];
	return k;
}

int cp_offer_from_chello(const struct cp_chello *h, struct cp_offer *out)
{
	memset(out, 0, sizeof *out);
	chello_versions(h, &out->min_version, &out->max_version);
	out->nsuites = copy_values(h->suites, h->nsuites, out->suites, CP_OFFER_MAX, true);
	out->ngroups = copy_values(h->groups, h->ngroups, out->groups,
				   sizeof out->groups / sizeof out->groups[0], false);
	out->nsigalgs = copy_values(h->sigalgs, h->nsigalgs, out->sigalgs,
				    sizeof out->sigalgs / sizeof out->sigalgs[0], false);
	return out->max_version ? 0 : -1;
}

void cp_offer_capture_hello(const struct cp_chello *h, const uint8_t *raw, size_t len,
			    struct cp_replay_hello *out)
{
	uint16_t lo, hi;

	memset(out, 0, sizeof *out);
	chello_versions(h, &lo, &hi);
	if (h->nversions) {
		/* exactly the versions listed, highest first */
		for (uint16_t v = hi; v != 0 && v >= lo; v--)
			if (out->nversions < CP_REPLAY_MAX_VERSIONS)
				for (size_t i = 0; i < h->nversions; i++)
					if (h->versions[i] == v) {
						out->versions[out->nversions++] = v;
						break;
					}
	} else {
		for (uint16_t v = hi; v != 0 && v >= lo && out->nversions < CP_REPLAY_MAX_VERSIONS;
		     v--)
			out->versions[out->nversions++] = v;
	}
	out->nsuites = copy_values(h->suites, h->nsuites, out->suites, CP_REPLAY_MAX_SUITES, true);
	out->ngroups = copy_values(h->groups, h->ngroups, out->groups, CP_REPLAY_MAX_GROUPS, false);
	out->nsigalgs =
		copy_values(h->sigalgs, h->nsigalgs, out->sigalgs, CP_REPLAY_MAX_SIGALGS, false);
	out->raw = raw;
	out->raw_len = len;
	out->raw_sni = h->has_sni ? h->sni : NULL;
}
