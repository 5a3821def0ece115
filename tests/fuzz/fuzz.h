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
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, \
				#cond); \
			abort(); \
		} \
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

/* What fuzz_safe_text allows besides printable characters. */
enum {
	FUZZ_TEXT_NEWLINE = 1u << 0, /* '\n' */
	FUZZ_TEXT_SGR = 1u << 1,     /* the writers' own colours: ESC [ digits ; m */
};

/*
 * s[0..n) is well-formed UTF-8 with nothing a terminal acts on: no C0 or
 * C1 control, DEL, bidi control or line/paragraph separator, but what
 * allow lets through.  Returns the number of characters.
 */
static inline size_t fuzz_safe_text(const unsigned char *s, size_t n, unsigned allow)
{
	size_t i = 0, chars = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp, min;
		size_t len;

		chars++;
		if (c == 0x1B && (allow & FUZZ_TEXT_SGR)) {
			FUZZ_CHECK(i + 1 < n && s[i + 1] == '[');
			i += 2;
			while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ';'))
				i++;
			FUZZ_CHECK(i < n && s[i] == 'm');
			i++;
			continue;
		}
		if (c < 0x80) {
			FUZZ_CHECK((c == '\n' && (allow & FUZZ_TEXT_NEWLINE)) ||
				   (c >= 0x20 && c != 0x7F));
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
			min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
			min = 0x800;
		} else {
			FUZZ_CHECK(c >= 0xF0 && c <= 0xF4);
			len = 4;
			cp = c & 0x07;
			min = 0x10000;
		}
		FUZZ_CHECK(i + len <= n);
		for (size_t k = 1; k < len; k++) {
			FUZZ_CHECK((s[i + k] & 0xC0) == 0x80);
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		FUZZ_CHECK(cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF));
		FUZZ_CHECK(!(cp >= 0x80 && cp <= 0x9F));
		FUZZ_CHECK(cp != 0x061C && cp != 0x200E && cp != 0x200F);
		FUZZ_CHECK(!(cp >= 0x2028 && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069));
		i += len;
	}
	return chars;
}

#endif
