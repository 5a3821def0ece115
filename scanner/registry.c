/* SPDX-License-Identifier: MIT */
/*
 * The registry's lookups over the generated tables (registry_data.c).
 * Every table is sorted by id, so id lookups are binary searches; the suite
 * name index is sorted by ASCII-folded name for the same reason.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "registry_data.h"

/* ---- protocol versions ---- */

static const struct {
	unsigned bit;
	uint16_t wire;
	const char *name;
} versions[] = {
	{ CP_VER_SSL2, 0x0002, "SSLv2" },    { CP_VER_SSL3, 0x0300, "SSLv3" },
	{ CP_VER_TLS10, 0x0301, "TLSv1.0" }, { CP_VER_TLS11, 0x0302, "TLSv1.1" },
	{ CP_VER_TLS12, 0x0303, "TLSv1.2" }, { CP_VER_TLS13, 0x0304, "TLSv1.3" },
};
#define NVERSIONS (sizeof versions / sizeof versions[0])

unsigned cp_version_bit_of(uint16_t wire)
{
	for (size_t i = 0; i < NVERSIONS; i++)
		if (versions[i].wire == wire)
			return versions[i].bit;
	return 0;
}

uint16_t cp_version_wire_of(unsigned bit)
{
	for (size_t i = 0; i < NVERSIONS; i++)
		if (versions[i].bit == bit)
			return versions[i].wire;
	return 0;
}

/* NULL unless bit is exactly one known version. */
const char *cp_version_name(unsigned bit)
{
	for (size_t i = 0; i < NVERSIONS; i++)
		if (versions[i].bit == bit)
			return versions[i].name;
	return NULL;
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/*
 * Accepts, case-insensitively: "SSLv2" "ssl2" "SSLv3" "ssl3" "sslv3"
 * (PAN-OS), "TLSv1" "TLSv1.0" "tls1" "tls1.2" "tls1_2" "tls1-2" (PAN-OS)
 * "tls12" "TLSv1.3", bare "1.0".."1.3", and wire values "0x0303".
 * Returns the CP_VER_* bit, 0 when s names no version.
 */
unsigned cp_version_parse(const char *s)
{
	char buf[16];
	size_t n;
	const char *p;
	bool ssl = false;

	if (s == NULL)
		return 0;
	n = strlen(s);
	if (n == 0 || n >= sizeof buf)
		return 0;
	for (size_t i = 0; i <= n; i++)
		buf[i] = ascii_lower(s[i]);

	if (buf[0] == '0' && buf[1] == 'x') {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(buf + 2, &end, 16);
		if (errno != 0 || *end != '\0' || end == buf + 2 || v > 0xFFFF)
			return 0;
		return cp_version_bit_of((uint16_t)v);
	}
	p = buf;
	if (strncmp(p, "sslv", 4) == 0) {
		p += 4, ssl = true;
	} else if (strncmp(p, "ssl", 3) == 0) {
		p += 3, ssl = true;
	} else if (strncmp(p, "tlsv", 4) == 0) {
		p += 4;
	} else if (strncmp(p, "tls", 3) == 0) {
		p += 3;
	} else if (strchr(p, '.') == NULL) {
		return 0; /* a bare version needs its dot: "1.2" */
	}
	if (ssl) {
		/* "2", "3", optionally ".0" */
		if ((p[0] == '2' || p[0] == '3') &&
		    (p[1] == '\0' ||
		     (strchr("._-", p[1]) != NULL && p[1] != '\0' && p[2] == '0' && p[3] == '\0')))
			return p[0] == '2' ? CP_VER_SSL2 : CP_VER_SSL3;
		return 0;
	}
	if (p[0] != '1')
		return 0;
	p++;
	if (*p == '\0')
		return CP_VER_TLS10; /* "TLSv1" is 1.0, as OpenSSL spells it */
	if (*p == '.' || *p == '_' || *p == '-')
		p++;
	if (p[0] >= '0' && p[0] <= '3' && p[1] == '\0')
		return CP_VER_TLS10 << (p[0] - '0');
	return 0;
}

size_t cp_version_mask_str(unsigned mask, char *buf, size_t size)
{
	size_t len = 0;

	if (size > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < NVERSIONS; i++) {
		if (!(mask & versions[i].bit))
			continue;
		int w = snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, "%s%s",
				 len ? "," : "", versions[i].name);
		if (w > 0)
			len += (size_t)w;
	}
	return len;
}

/* ---- PAN-OS flags ---- */

const char *cp_panos_flag_name(unsigned bitno)
{
	return bitno < CP_PANOS_NFLAGS ? cp_reg_panos_flags[bitno].name : NULL;
}

uint32_t cp_panos_flag_parse(const char *name)
{
	if (name == NULL)
		return 0;
	for (unsigned i = 0; i < CP_PANOS_NFLAGS; i++)
		if (cp_reg_casecmp(name, cp_reg_panos_flags[i].name) == 0)
			return 1u << i;
	return 0;
}

uint32_t cp_panos_default_flags(void)
{
	uint32_t m = 0;

	for (unsigned i = 0; i < CP_PANOS_NFLAGS; i++)
		if (cp_reg_panos_flags[i].dflt)
			m |= 1u << i;
	return m;
}

/*
 * The tables are sorted by id (the generator checks): one binary search,
 * stamped out per table.
 */
#define CP_REG_BY_ID(fn, type, table, count, idtype) \
	const type *fn(idtype id) \
	{ \
		size_t lo = 0, hi = (count); \
		while (lo < hi) { \
			size_t mid = lo + (hi - lo) / 2; \
			if ((table)[mid].id == id) \
				return &(table)[mid]; \
			if ((table)[mid].id < id) \
				lo = mid + 1; \
			else \
				hi = mid; \
		} \
		return NULL; \
	}

/* ---- suites ---- */

size_t cp_suite_count(void)
{
	return cp_reg_nsuites;
}

const struct cp_suite *cp_suite_at(size_t i)
{
	return i < cp_reg_nsuites ? &cp_reg_suites[i] : NULL;
}

CP_REG_BY_ID(cp_suite_by_id, struct cp_suite, cp_reg_suites, cp_reg_nsuites, uint16_t)

/* "0xC013" (1 to 4 hex digits) or "0xC0,0x13": the code point, else -1. */
static long parse_code_point(const char *s)
{
	char *end;
	unsigned long hi, lo;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || s[2] == '\0' ||
	    strchr("+- \t", s[2]) != NULL)
		return -1;
	errno = 0;
	hi = strtoul(s + 2, &end, 16);
	if (errno != 0 || end == s + 2 || end - (s + 2) > 4)
		return -1;
	if (*end == '\0')
		return hi <= 0xFFFF ? (long)hi : -1;
	/* "0xHH,0xHH" as openssl ciphers -V prints it */
	if (end - (s + 2) != 2 || end[0] != ',' || end[1] != '0' ||
	    (end[2] != 'x' && end[2] != 'X') || end[3] == '\0' || strchr("+- \t", end[3]) != NULL)
		return -1;
	const char *lp = end + 3;
	lo = strtoul(lp, &end, 16);
	if (errno != 0 || *end != '\0' || end - lp != 2)
		return -1;
	return (long)(hi << 8 | lo);
}

const struct cp_suite *cp_suite_by_name(const char *name)
{
	size_t lo = 0, hi = cp_reg_nsuite_names;
	long cp;

	if (name == NULL)
		return NULL;
	cp = parse_code_point(name);
	if (cp >= 0)
		return cp_suite_by_id((uint16_t)cp);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cp_reg_casecmp(name, cp_reg_suite_names[mid].name);

		if (c == 0)
			return &cp_reg_suites[cp_reg_suite_names[mid].index];
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *cp_suite_id_str(uint16_t id, char buf[static 7])
{
	snprintf(buf, 7, "0x%04X", (unsigned)id);
	return buf;
}

/* ---- SSLv2 ---- */

size_t cp_sslv2_count(void)
{
	return cp_reg_nsslv2;
}

const struct cp_sslv2_kind *cp_sslv2_at(size_t i)
{
	return i < cp_reg_nsslv2 ? &cp_reg_sslv2[i] : NULL;
}

CP_REG_BY_ID(cp_sslv2_by_id, struct cp_sslv2_kind, cp_reg_sslv2, cp_reg_nsslv2, uint32_t)

/* ---- groups ---- */

size_t cp_group_count(void)
{
	return cp_reg_ngroups;
}

const struct cp_group *cp_group_at(size_t i)
{
	return i < cp_reg_ngroups ? &cp_reg_groups[i] : NULL;
}

CP_REG_BY_ID(cp_group_by_id, struct cp_group, cp_reg_groups, cp_reg_ngroups, uint16_t)

/*
 * IANA name first (case-insensitive), then the OpenSSL name ("prime256v1",
 * "X25519"); an OpenSSL name shared by two groups (brainpoolP256r1 and
 * brainpoolP256r1tls13) resolves to the IANA name's owner, which the first
 * pass finds.  Also the id, decimal ("29") or hex ("0x001D").
 */
const struct cp_group *cp_group_by_name(const char *name)
{
	if (name == NULL || name[0] == '\0')
		return NULL;
	for (size_t i = 0; i < cp_reg_ngroups; i++)
		if (cp_reg_casecmp(name, cp_reg_groups[i].name) == 0)
			return &cp_reg_groups[i];
	for (size_t i = 0; i < cp_reg_ngroups; i++)
		if (cp_reg_groups[i].openssl_name != NULL &&
		    cp_reg_casecmp(name, cp_reg_groups[i].openssl_name) == 0)
			return &cp_reg_groups[i];
	if (name[0] >= '0' && name[0] <= '9') {
		char *end;
		unsigned long v;

		bool hex = name[0] == '0' && (name[1] == 'x' || name[1] == 'X');

		errno = 0;
		v = strtoul(name + (hex ? 2 : 0), &end, hex ? 16 : 10);
		if (errno == 0 && *end == '\0' && v <= 0xFFFF)
			return cp_group_by_id((uint16_t)v);
	}
	return NULL;
}

/* ---- signature schemes ---- */

size_t cp_sigscheme_count(void)
{
	return cp_reg_nsigschemes;
}

const struct cp_sigscheme *cp_sigscheme_at(size_t i)
{
	return i < cp_reg_nsigschemes ? &cp_reg_sigschemes[i] : NULL;
}

CP_REG_BY_ID(cp_sigscheme_by_id, struct cp_sigscheme, cp_reg_sigschemes, cp_reg_nsigschemes,
	     uint16_t)

/* ---- probing orders ---- */

const uint16_t *cp_group_probe_order(size_t *n)
{
	*n = cp_reg_group_probe_order_count;
	return cp_reg_group_probe_order;
}

const uint16_t *cp_sigalg_probe_order(size_t *n)
{
	*n = cp_reg_sigalg_probe_order_count;
	return cp_reg_sigalg_probe_order;
}
