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
#include "registry.h"

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
