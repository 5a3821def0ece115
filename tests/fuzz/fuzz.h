/* SPDX-License-Identifier: MIT */
/*
 * What every harness in tests/fuzz shares: the libFuzzer entry points and
 * the check that turns a broken invariant into a crash.
 *
 * Each fuzz_NAME.c defines LLVMFuzzerTestOneInput (and, when it needs
 * one-time setup, LLVMFuzzerInitialize).  The same object is linked two
 * ways: with -fsanitize=fuzzer into a libFuzzer binary (make fuzz), and
 * with replay.c into a plain program that `make check` runs over the
 * committed corpus, so a once-crashing input stays a failing test.
 */
#ifndef CP_FUZZ_H
#define CP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * An invariant of the code under test.  Not assert(): NDEBUG must not
 * turn the harnesses into "does not crash" checks.  abort() is what both
 * libFuzzer and the replay driver report as a failure.
 */
#define FUZZ_CHECK(cond)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: invariant broken: %s\n",     \
				__FILE__, __LINE__, #cond);                   \
			abort();                                              \
		}                                                             \
	} while (0)

/* A cursor over the fuzzer's bytes; reads past the end give zeros. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	uint8_t v = 0;

	if (in->n > 0) {
		v = in->p[0];
		in->p++;
		in->n--;
	}
	return v;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t hi = fuzz_u8(in);

	return (uint16_t)(hi << 8 | fuzz_u8(in));
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t hi = fuzz_u16(in);

	return hi << 16 | fuzz_u16(in);
}

#endif
