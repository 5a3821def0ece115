/* SPDX-License-Identifier: MIT */
/*
 * scan --shard K/N (input/shard.h): FNV-1a 64 over the target's key and
 * the "K/N" parser.  Pure: no globals, no locale.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "input/shard.h"

uint64_t cp_shard_hash(const char *key)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

unsigned cp_shard_of(const char *key, unsigned n)
{
	return n ? 1u + (unsigned)(cp_shard_hash(key) % n) : 1u;
}

/* A decimal number of 1 to 7 digits ending at *end; -1 when not one. */
static long digits(const char *s, const char **end)
{
	long v = 0;
	size_t i = 0;

	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == 7)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*end = s + i;
	return i ? v : -1;
}

int cp_shard_parse(const char *s, unsigned *k, unsigned *n, char *err, size_t errlen)
{
	const char *p = s;
	long kk, nn;

	kk = digits(p, &p);
	if (kk < 0 || *p != '/') {
		snprintf(err, errlen, "'%.32s': expected K/N, e.g. 1/4 (shard K of N, 1-based)", s);
		return -1;
	}
	nn = digits(p + 1, &p);
	if (nn < 0 || *p) {
		snprintf(err, errlen, "'%.32s': expected K/N, e.g. 1/4 (shard K of N, 1-based)", s);
		return -1;
	}
	if (nn < 1 || nn > (long)CP_SHARD_MAX) {
		snprintf(err, errlen, "'%.32s': N must be 1 to %u", s, CP_SHARD_MAX);
		return -1;
	}
	if (kk < 1 || kk > nn) {
		snprintf(err, errlen, "'%.32s': K must be 1 to N (%ld); shards are numbered from 1",
			 s, nn);
		return -1;
	}
	*k = (unsigned)kk;
	*n = (unsigned)nn;
	return 0;
}
