/* SPDX-License-Identifier: MIT */
/* Escaping of untrusted strings; see sanitize.h. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output/sanitize.h"

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629 section 4 table),
 * storing its code point, or 0 when the bytes there are not one.
 */
static size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		/* a NUL terminator also fails this test, so no read past the end */
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

/* Code points a terminal acts on instead of showing. */
static bool is_control(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return true;
	/* bidi marks, embeddings, overrides and isolates: they reorder what
	 * follows, so a hostile subject could make one name look like another */
	return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static char *escape(const char *str, bool controls)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str;
	size_t len, i, o = 0;
	char *out;

	if (!str)
		return NULL;
	len = strlen(str);
	/* every byte grows to at most four ("\xNN") */
	if (len > (SIZE_MAX - 1) / 4)
		return NULL;
	out = malloc(len * 4 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_seq(s + i, &cp);
		if (n && !(controls && is_control(cp))) {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
			continue;
		}
		/* escape the whole sequence when well-formed, else one byte and
		 * resynchronise on the next */
		if (!n)
			n = 1;
		for (size_t k = 0; k < n; k++, i++) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[s[i] >> 4];
			out[o++] = hex[s[i] & 0xF];
		}
	}
	out[o] = '\0';
	return out;
}

char *cp_sanitize(const char *s)
{
	return escape(s, true);
}

char *cp_sanitize_utf8(const char *s)
{
	return escape(s, false);
}
