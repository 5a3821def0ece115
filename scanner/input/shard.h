/* SPDX-License-Identifier: MIT */
/*
 * Sharding a target list across machines (scan --shard K/N): a pure
 * partition of targets by a stable hash of their key, so that a target
 * always lands in the same shard on every machine and every run.
 *
 * The key is the target's "input" as the JSON output writes it (the
 * string --state and diff match targets by), so a site's state lives in
 * one shard.  The hash is FNV-1a 64 over the key's bytes (offset basis
 * 0xcbf29ce484222325, prime 0x100000001b3), independent of locale,
 * pointers, seeds and byte order; the shard is 1 + hash mod N (1-based,
 * like split -n l/K/N).
 */
#ifndef CP_INPUT_SHARD_H
#define CP_INPUT_SHARD_H

#include <stddef.h>
#include <stdint.h>

#define CP_SHARD_MAX 1000000u /* the largest N */

/* FNV-1a 64 of the NUL-terminated key. */
uint64_t cp_shard_hash(const char *key);

/* The shard (1..n) of key; n must be at least 1. */
unsigned cp_shard_of(const char *key, unsigned n);

/*
 * Parses "K/N" (decimal, 1 <= K <= N <= CP_SHARD_MAX, nothing else: no
 * sign, no spaces) into *k and *n.  0, or -1 with a message in err.
 */
int cp_shard_parse(const char *s, unsigned *k, unsigned *n, char *err, size_t errlen);

#endif
