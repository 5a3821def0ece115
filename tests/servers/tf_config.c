/* SPDX-License-Identifier: MIT */
/* Listener spec parser; the grammar is in README.md. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tf_config.h"
#include "tf_tables.h"

static const struct {
	const char *name;
	enum tf_behaviour b;
} behaviours[] = {
	{ "accept", TF_B_ACCEPT },   { "sslv2", TF_B_SSLV2 },         { "close", TF_B_CLOSE },
	{ "reset", TF_B_RESET },     { "silent", TF_B_SILENT },       { "trickle", TF_B_TRICKLE },
	{ "garbage", TF_B_GARBAGE }, { "bigrecord", TF_B_BIGRECORD }, { "bigmsg", TF_B_BIGMSG },
	{ "alert", TF_B_ALERT },     { "http", TF_B_HTTP },
};

static const struct {
	const char *name;
	uint16_t v;
} version_names[] = {
	{ "ssl3", 0x0300 },   { "tls1.0", 0x0301 }, { "tls1.1", 0x0302 },
	{ "tls1.2", 0x0303 }, { "tls1.3", 0x0304 },
};

/* A modern server's choice when suites= is not given. */
static const uint16_t default_rsa_suites[] = {
	0x1301, 0x1302, 0x1303, 0xC02F, 0xC030, 0xCCA8,
	0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035,
};
static const uint16_t default_ecdsa_suites[] = {
	0x1301, 0x1302, 0x1303, 0xC02B, 0xC02C, 0xCCA9, 0xC009, 0xC00A,
};
static const uint16_t default_groups[] = { 29, 23, 24 };
/* Every SSLv2 cipher kind (SSLv2 draft, appendix A). */
static const uint32_t default_kinds[] = {
	0x010080, 0x020080, 0x030080, 0x040080, 0x050080, 0x060040, 0x0700C0,
};

const char *tf_behaviour_name(enum tf_behaviour b)
{
	for (size_t i = 0; i < sizeof behaviours / sizeof behaviours[0]; i++)
		if (behaviours[i].b == b)
			return behaviours[i].name;
	return "?";
}

/* Decimal, or hex with a 0x prefix; the whole of [s, s+n) must be used. */
static int parse_num(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	char tmp[32];
	const char *digits;
	char *end;
	int base = 10;
	unsigned long v;

	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (n > 2 && tmp[0] == '0' && (tmp[1] == 'x' || tmp[1] == 'X'))
		base = 16;
	digits = base == 16 ? tmp + 2 : tmp;
	/* strtoul would skip blanks and take a sign: refuse both. */
	if (!isxdigit((unsigned char)digits[0]))
		return -1;
	errno = 0;
	v = strtoul(digits, &end, base);
	if (errno || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Splits a colon-separated list of numbers into out[]; returns the count. */
static int parse_list(const char *s, size_t n, unsigned long max, unsigned long *out, size_t cap)
{
	size_t count = 0, i = 0;

	while (i <= n) {
		size_t j = i;

		while (j < n && s[j] != ':')
			j++;
		if (count == cap || parse_num(s + i, j - i, max, &out[count]))
			return -1;
		count++;
		i = j + 1;
	}
	return (int)count;
}

static int set_err(char *err, size_t errlen, const char *what, const char *s, size_t n)
{
	snprintf(err, errlen, "%s: '%.*s'", what, (int)(n > 200 ? 200 : n), s);
	return -1;
}

static int parse_versions(struct tf_cfg *c, const char *s, size_t n, char *err, size_t errlen)
{
	size_t i = 0;

	c->versions = 0;
	while (i <= n) {
		size_t j = i, k;

		while (j < n && s[j] != ':')
			j++;
		for (k = 0; k < sizeof version_names / sizeof version_names[0]; k++)
			if (strlen(version_names[k].name) == j - i &&
			    memcmp(version_names[k].name, s + i, j - i) == 0)
				break;
		if (k == sizeof version_names / sizeof version_names[0])
			return set_err(err, errlen,
				       "unknown version (ssl3, tls1.0, tls1.1, tls1.2, tls1.3)",
				       s + i, j - i);
		c->versions |= TF_VBIT(version_names[k].v);
		i = j + 1;
	}
	return 0;
}

static int is(const char *key, size_t klen, const char *name)
{
	return strlen(name) == klen && memcmp(key, name, klen) == 0;
}

/* Applies one "key" or "key=value" option. */
static int apply_option(struct tf_cfg *c, const char *opt, size_t n, int *have_suites,
			int *have_bytes, char *err, size_t errlen)
{
	unsigned long tmp[TF_LIST_MAX], v;
	const char *eq = memchr(opt, '=', n);
	size_t klen = eq ? (size_t)(eq - opt) : n;
	const char *val = eq ? eq + 1 : NULL;
	size_t vlen = eq ? n - klen - 1 : 0;
	int cnt;

	if (val) {
		if (is(opt, klen, "versions"))
			return parse_versions(c, val, vlen, err, errlen);
		if (is(opt, klen, "suites")) {
			cnt = parse_list(val, vlen, 0xffff, tmp, TF_LIST_MAX);
			if (cnt < 0)
				return set_err(err, errlen, "bad suite list", val, vlen);
			for (int i = 0; i < cnt; i++)
				c->suites[i] = (uint16_t)tmp[i];
			c->nsuites = (size_t)cnt;
			*have_suites = 1;
			return 0;
		}
		if (is(opt, klen, "groups")) {
			cnt = parse_list(val, vlen, 0xffff, tmp, TF_LIST_MAX);
			if (cnt < 0)
				return set_err(err, errlen, "bad group list", val, vlen);
			for (int i = 0; i < cnt; i++) {
				if (!tf_group_find((uint16_t)tmp[i]))
					return set_err(err, errlen,
						       "group unknown to tlsfake (see README.md)",
						       val, vlen);
				c->groups[i] = (uint16_t)tmp[i];
			}
			c->ngroups = (size_t)cnt;
			return 0;
		}
		if (is(opt, klen, "kinds")) {
			cnt = parse_list(val, vlen, 0xffffff, tmp, TF_LIST_MAX);
			if (cnt < 0)
				return set_err(err, errlen, "bad SSLv2 kind list", val, vlen);
			for (int i = 0; i < cnt; i++)
				c->kinds[i] = (uint32_t)tmp[i];
			c->nkinds = (size_t)cnt;
			return 0;
		}
		if (is(opt, klen, "order")) {
			if (is(val, vlen, "server"))
				c->server_order = 1;
			else if (is(val, vlen, "client"))
				c->server_order = 0;
			else
				return set_err(err, errlen, "order is server or client", val, vlen);
			return 0;
		}
		if (is(opt, klen, "cert")) {
			if (is(val, vlen, "rsa"))
				c->cert = TF_CERT_RSA;
			else if (is(val, vlen, "ecdsa"))
				c->cert = TF_CERT_ECDSA;
			else
				return set_err(err, errlen, "cert is rsa or ecdsa", val, vlen);
			return 0;
		}
		if (is(opt, klen, "max-suites") || is(opt, klen, "delay") ||
		    is(opt, klen, "timeout") || is(opt, klen, "interval")) {
			if (parse_num(val, vlen, 3600000ul, &v))
				return set_err(err, errlen, "bad number", opt, n);
			if (is(opt, klen, "max-suites"))
				c->max_suites = (unsigned)v;
			else if (is(opt, klen, "delay"))
				c->delay_ms = (unsigned)v;
			else if (is(opt, klen, "timeout"))
				c->timeout_ms = (unsigned)v;
			else if (v == 0)
				return set_err(err, errlen, "interval must be > 0", opt, n);
			else
				c->interval_ms = (unsigned)v;
			return 0;
		}
		if (is(opt, klen, "bytes")) {
			if (parse_num(val, vlen, TF_BYTES_MAX, &v))
				return set_err(err, errlen, "bytes is 0..262144", opt, n);
			c->bytes = v;
			*have_bytes = 1;
			return 0;
		}
		return set_err(err, errlen, "unknown option", opt, n);
	}
	if (is(opt, n, "pad-reject"))
		c->pad_reject = 1;
	else if (is(opt, n, "unoffered"))
		c->unoffered = 1;
	else if (is(opt, n, "unoffered-version"))
		c->unoffered_version = 1;
	else if (is(opt, n, "unoffered-group"))
		c->unoffered_group = 1;
	else if (is(opt, n, "sh-alert"))
		c->sh_alert = 1;
	else if (is(opt, n, "sh-hang"))
		c->sh_hang = 1;
	else if (is(opt, n, "sh-drip"))
		c->sh_drip = 1;
	else if (is(opt, n, "onebyte"))
		c->onebyte = 1;
	else if (is(opt, n, "hrr"))
		c->hrr = 1;
	else if (is(opt, n, "evil-cert"))
		c->evil_cert = 1;
	else if (is(opt, n, "pq-only")) {
		c->groups[0] = 0x11EC;
		c->ngroups = 1;
		c->hrr = 1;
	} else
		return set_err(err, errlen, "unknown option (or it needs =VALUE)", opt, n);
	return 0;
}

static int valid_name(const char *s, size_t n)
{
	if (n == 0 || n > TF_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return 0;
	}
	return 1;
}

int tf_cfg_parse(const char *spec, struct tf_cfg *c, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	const char *p, *end;
	size_t blen, k;
	int have_suites = 0, have_bytes = 0;

	memset(c, 0, sizeof *c);
	if (!eq || !valid_name(spec, (size_t)(eq - spec)))
		return set_err(
			err, errlen,
			"listener must be NAME=BEHAVIOUR[,opt...], NAME of [A-Za-z0-9_.-], at most 32",
			spec, strlen(spec));
	memcpy(c->name, spec, (size_t)(eq - spec));
	c->name[eq - spec] = '\0';

	p = eq + 1;
	end = strchr(p, ',');
	blen = end ? (size_t)(end - p) : strlen(p);
	for (k = 0; k < sizeof behaviours / sizeof behaviours[0]; k++)
		if (is(p, blen, behaviours[k].name))
			break;
	if (k == sizeof behaviours / sizeof behaviours[0])
		return set_err(err, errlen, "unknown behaviour", p, blen);
	c->behaviour = behaviours[k].b;

	c->versions = TF_VBIT(0x0303) | TF_VBIT(0x0304);
	c->server_order = 1;
	c->cert = TF_CERT_RSA;
	c->timeout_ms = 10000;
	c->interval_ms = 1000;
	memcpy(c->groups, default_groups, sizeof default_groups);
	c->ngroups = sizeof default_groups / sizeof default_groups[0];
	memcpy(c->kinds, default_kinds, sizeof default_kinds);
	c->nkinds = sizeof default_kinds / sizeof default_kinds[0];

	while (end) {
		const char *opt = end + 1;

		end = strchr(opt, ',');
		if (apply_option(c, opt, end ? (size_t)(end - opt) : strlen(opt), &have_suites,
				 &have_bytes, err, errlen))
			return -1;
	}

	if (!have_suites) {
		const uint16_t *d =
			c->cert == TF_CERT_ECDSA ? default_ecdsa_suites : default_rsa_suites;
		size_t dn = c->cert == TF_CERT_ECDSA
				    ? sizeof default_ecdsa_suites / sizeof default_ecdsa_suites[0]
				    : sizeof default_rsa_suites / sizeof default_rsa_suites[0];

		memcpy(c->suites, d, dn * sizeof d[0]);
		c->nsuites = dn;
	}
	if (!have_bytes)
		c->bytes = c->behaviour == TF_B_GARBAGE     ? 512
			   : c->behaviour == TF_B_BIGRECORD ? 4096
							    : 65536;
	return 0;
}
