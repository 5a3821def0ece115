/* SPDX-License-Identifier: MIT */
/*
 * scan --shard K/N (input/shard.h): the FNV-1a 64 hash against the
 * published test vectors, shard numbers worked out independently with
 * this Python one-liner (not with cipherprobe):
 *
 *   python3 -c 'import sys
 *   def f(s):
 *       h = 0xcbf29ce484222325
 *       for b in s.encode(): h = ((h ^ b) * 0x100000001b3) % 2**64
 *       return h
 *   for k in sys.argv[1:]: print(k, hex(f(k)), [1 + f(k) % n for n in (2, 3, 10, 1000000)])' KEY...
 *
 * and the K/N parser's accepted and refused forms.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "input/shard.h"

/* FNV-1a 64 test vectors from the FNV reference (draft-eastlake-fnv):
 * the empty string is the offset basis. */
static void test_hash_vectors(void **state)
{
	(void)state;
	assert_true(cp_shard_hash("") == UINT64_C(0xcbf29ce484222325));
	assert_true(cp_shard_hash("a") == UINT64_C(0xaf63dc4c8601ec8c));
	assert_true(cp_shard_hash("foobar") == UINT64_C(0x85944171f73967e8));
}

struct shard_case {
	const char *key;
	uint64_t hash;
	unsigned of2, of3, of10, of1m;
};

/* From the one-liner above. */
static const struct shard_case cases[] = {
	{ "foobar", UINT64_C(0x85944171f73967e8), 1, 1, 9, 436969 },
	{ "127.0.0.1:4433", UINT64_C(0xa9d4a9cf21c13f42), 1, 3, 3, 117443 },
	{ "[::1]:443", UINT64_C(0xf502087854756137), 2, 3, 4, 842104 },
	{ "https://example.com/", UINT64_C(0x0c8b41cfdcb3c914), 1, 3, 9, 722069 },
	{ "example.com,sni.example", UINT64_C(0xc73b51c420e196c6), 1, 1, 1, 682951 },
};

static void test_shard_numbers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct shard_case *c = &cases[i];

		assert_true(cp_shard_hash(c->key) == c->hash);
		assert_int_equal(cp_shard_of(c->key, 1), 1);
		assert_int_equal(cp_shard_of(c->key, 2), c->of2);
		assert_int_equal(cp_shard_of(c->key, 3), c->of3);
		assert_int_equal(cp_shard_of(c->key, 10), c->of10);
		assert_int_equal(cp_shard_of(c->key, 1000000), c->of1m);
	}
}

static void test_parse_good(void **state)
{
	unsigned k = 0, n = 0;
	char err[128];

	(void)state;
	assert_int_equal(cp_shard_parse("1/1", &k, &n, err, sizeof err), 0);
	assert_int_equal(k, 1);
	assert_int_equal(n, 1);
	assert_int_equal(cp_shard_parse("3/3", &k, &n, err, sizeof err), 0);
	assert_int_equal(k, 3);
	assert_int_equal(n, 3);
	assert_int_equal(cp_shard_parse("17/1000000", &k, &n, err, sizeof err), 0);
	assert_int_equal(k, 17);
	assert_int_equal(n, 1000000);
}

static void test_parse_bad(void **state)
{
	static const struct {
		const char *s, *word;
	} bad[] = {
		{ "0/3", "numbered from 1" },     { "4/3", "K must be 1 to N" },
		{ "1/0", "N must be 1" },         { "1/1000001", "N must be 1" },
		{ "1/99999999", "expected K/N" }, { "", "expected K/N" },
		{ "1", "expected K/N" },          { "1/", "expected K/N" },
		{ "/3", "expected K/N" },         { "-1/3", "expected K/N" },
		{ "1/3x", "expected K/N" },       { " 1/3", "expected K/N" },
		{ "1/+3", "expected K/N" },       { "1/3/4", "expected K/N" },
	};
	unsigned k = 7, n = 7;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = 0;
		assert_int_equal(cp_shard_parse(bad[i].s, &k, &n, err, sizeof err), -1);
		if (!strstr(err, bad[i].word))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].s, err, bad[i].word);
		assert_int_equal(k, 7);
		assert_int_equal(n, 7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_vectors),
		cmocka_unit_test(test_shard_numbers),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
