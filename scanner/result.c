/* SPDX-License-Identifier: MIT */
/* Result record helpers; see result.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "tls/cert.h"
#include "util.h"

static const struct {
	unsigned bit;
	uint16_t wire;
	const char *name;
} protos[CP_P__COUNT] = {
	[CP_P_SSL2] = { CP_VER_SSL2, 0x0002, "SSLv2" },
	[CP_P_SSL3] = { CP_VER_SSL3, 0x0300, "SSLv3" },
	[CP_P_TLS10] = { CP_VER_TLS10, 0x0301, "TLSv1.0" },
	[CP_P_TLS11] = { CP_VER_TLS11, 0x0302, "TLSv1.1" },
	[CP_P_TLS12] = { CP_VER_TLS12, 0x0303, "TLSv1.2" },
	[CP_P_TLS13] = { CP_VER_TLS13, 0x0304, "TLSv1.3" },
};

unsigned cp_proto_bit(enum cp_proto p)
{
	return (unsigned)p < CP_P__COUNT ? protos[p].bit : 0;
}

uint16_t cp_proto_wire(enum cp_proto p)
{
	return (unsigned)p < CP_P__COUNT ? protos[p].wire : 0;
}

const char *cp_proto_name(enum cp_proto p)
{
	return (unsigned)p < CP_P__COUNT ? protos[p].name : "unknown";
}

int cp_proto_from_wire(uint16_t wire)
{
	for (int i = 0; i < CP_P__COUNT; i++)
		if (protos[i].wire == wire)
			return i;
	return -1;
}

const char *cp_err_kind_name(enum cp_err_kind k)
{
	static const char *const names[] = {
		[CP_ERR_NONE] = "none",
		[CP_ERR_INPUT] = "input",
		[CP_ERR_DNS] = "dns",
		[CP_ERR_CONNECT] = "connect",
		[CP_ERR_REFUSED] = "refused",
		[CP_ERR_TIMEOUT] = "timeout",
		[CP_ERR_PROTOCOL] = "protocol",
		[CP_ERR_RESET] = "reset",
		[CP_ERR_NO_TLS] = "no-tls",
		[CP_ERR_INTERNAL] = "internal",
		[CP_ERR_TARGET_TIMEOUT] = "target-timeout",
	};
	if ((unsigned)k < sizeof names / sizeof names[0] && names[k])
		return names[k];
	return "unknown";
}

char *cp_strdup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct cp_result *cp_result_new(const char *input)
{
	struct cp_result *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->input = strdup(input ? input : "");
	if (!r->input) {
		free(r);
		return NULL;
	}
	r->ok = true;
	for (int i = 0; i < CP_P__COUNT; i++)
		r->proto[i].server_preference = CP_UNKNOWN;
	return r;
}

void cp_result_set_verdict(struct cp_result *r, struct cp_verdict *v,
			   void (*free_fn)(struct cp_verdict *v))
{
	if (r->verdict && r->verdict != v && r->verdict_free)
		r->verdict_free(r->verdict);
	r->verdict = v;
	r->verdict_free = v ? free_fn : NULL;
}

void cp_result_free(struct cp_result *r)
{
	if (!r)
		return;
	free(r->input);
	free(r->host);
	free(r->sni);
	free(r->address);
	free(r->err_msg);
	free(r->log_error);
	free(r->log_first_seen);
	free(r->log_last_seen);
	for (int i = 0; i < CP_P__COUNT; i++) {
		free(r->proto[i].suites);
		free(r->proto[i].kinds);
	}
	free(r->groups);
	free(r->sigalgs);
	cp_cert_facts_clear(&r->cert);
	cp_result_set_chain(r, NULL, 0);
	free(r->cert_error);
	for (size_t i = 0; i < r->nviolations; i++)
		free(r->violations[i].what);
	free(r->violations);
	cp_result_set_verdict(r, NULL, NULL);
	free(r);
}


int cp_result_fail(struct cp_result *r, enum cp_err_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = cp_vfmt(fmt, ap);
	va_end(ap);
	if (!msg)
		return -1;
	if (r->ok || r->err_kind == CP_ERR_NONE)
		r->err_kind = kind;
	r->ok = false;
	free(r->err_msg);
	r->err_msg = msg;
	return 0;
}

/*
 * Grow *arr (of elem-sized items, *n used) by one and return the new slot.
 * Capacity is implicit: 4, then doubling, so it is reallocated exactly when
 * n is 0 or a power of two from 4 up.
 */
static void *grow(void *arrp, size_t *n, size_t elem)
{
	void **arr = arrp;
	if (*n == 0 || (*n >= 4 && (*n & (*n - 1)) == 0)) {
		size_t ncap = *n ? *n * 2 : 4;
		void *p = realloc(*arr, ncap * elem);
		if (!p)
			return NULL;
		*arr = p;
	}
	return (char *)*arr + (*n)++ * elem;
}

int cp_result_add_suite(struct cp_result *r, enum cp_proto p, uint16_t suite)
{
	struct cp_proto_result *pr = &r->proto[p];
	for (size_t i = 0; i < pr->nsuites; i++)
		if (pr->suites[i] == suite)
			return 0;
	uint16_t *slot = grow(&pr->suites, &pr->nsuites, sizeof *slot);
	if (!slot)
		return -1;
	*slot = suite;
	pr->supported = true;
	return 0;
}

int cp_result_add_kind(struct cp_result *r, uint32_t kind)
{
	struct cp_proto_result *pr = &r->proto[CP_P_SSL2];
	for (size_t i = 0; i < pr->nkinds; i++)
		if (pr->kinds[i] == kind)
			return 0;
	uint32_t *slot = grow(&pr->kinds, &pr->nkinds, sizeof *slot);
	if (!slot)
		return -1;
	*slot = kind;
	pr->supported = true;
	return 0;
}

int cp_result_add_group(struct cp_result *r, uint16_t id, unsigned version_bit)
{
	for (size_t i = 0; i < r->ngroups; i++)
		if (r->groups[i].id == id) {
			r->groups[i].versions |= version_bit;
			return 0;
		}
	struct cp_group_result *slot = grow(&r->groups, &r->ngroups, sizeof *slot);
	if (!slot)
		return -1;
	slot->id = id;
	slot->versions = version_bit;
	return 0;
}

int cp_result_add_sigalg(struct cp_result *r, uint16_t id, unsigned version_bit)
{
	for (size_t i = 0; i < r->nsigalgs; i++)
		if (r->sigalgs[i].id == id) {
			r->sigalgs[i].versions |= version_bit;
			return 0;
		}
	struct cp_sigalg_result *slot = grow(&r->sigalgs, &r->nsigalgs, sizeof *slot);
	if (!slot)
		return -1;
	slot->id = id;
	slot->versions = version_bit;
	return 0;
}

int cp_result_set_chain(struct cp_result *r, const struct cp_der_cert *certs, size_t n)
{
	struct cp_der_cert *v = NULL;
	size_t k = 0;

	if (n > CP_RESULT_MAX_CHAIN)
		n = CP_RESULT_MAX_CHAIN;
	if (n) {
		v = calloc(n, sizeof *v);
		if (!v)
			return -1;
		for (; k < n; k++) {
			v[k].der = malloc(certs[k].len ? certs[k].len : 1);
			if (!v[k].der)
				goto fail;
			memcpy(v[k].der, certs[k].der, certs[k].len);
			v[k].len = certs[k].len;
		}
	}
	for (size_t i = 0; i < r->nchain; i++)
		free(r->chain[i].der);
	free(r->chain);
	r->chain = v;
	r->nchain = n;
	return 0;
fail:
	while (k--)
		free(v[k].der);
	free(v);
	return -1;
}

int cp_result_add_violation(struct cp_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = cp_vfmt(fmt, ap);
	va_end(ap);
	if (!msg)
		return -1;
	for (size_t i = 0; i < r->nviolations; i++)
		if (!strcmp(r->violations[i].what, msg)) {
			free(msg);
			return 0;
		}
	struct cp_violation *slot = grow(&r->violations, &r->nviolations, sizeof *slot);
	if (!slot) {
		free(msg);
		return -1;
	}
	slot->what = msg;
	return 0;
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return (x > y) - (x < y);
}

void cp_result_sort_suites(struct cp_result *r, enum cp_proto p)
{
	struct cp_proto_result *pr = &r->proto[p];
	if (pr->nsuites > 1)
		qsort(pr->suites, pr->nsuites, sizeof pr->suites[0], cmp_u16);
}

int cp_result_set_order(struct cp_result *r, enum cp_proto p, const uint16_t *order, size_t n)
{
	struct cp_proto_result *pr = &r->proto[p];
	if (n != pr->nsuites)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t j;
		for (j = 0; j < pr->nsuites; j++)
			if (pr->suites[j] == order[i])
				break;
		if (j == pr->nsuites)
			return -1;
	}
	memcpy(pr->suites, order, n * sizeof *order);
	return 0;
}

void cp_result_set_critical_path(struct cp_result *r, unsigned round_trips, unsigned probes,
				 const char *proto, const char *strategy)
{
	r->critical.round_trips = round_trips;
	r->critical.probes = probes;
	snprintf(r->critical.chain, sizeof r->critical.chain, "%s%s%s", proto ? proto : "",
		 proto && strategy ? " " : "", strategy ? strategy : "");
}
