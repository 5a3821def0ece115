/* SPDX-License-Identifier: MIT */
/* Escaping of untrusted strings; see sanitize.h. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/sanitize.h"

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629 section 4 table),
 * storing its code point, or 0 when the bytes there are not one.
 */
size_t cp_utf8_seq(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
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

bool cp_unsafe_codepoint(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return true;
	/* bidi marks, embeddings, overrides and isolates: they reorder what
	 * follows, so a hostile subject could make one name look like another */
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * The escaping both forms share, one step at a time: how many bytes of s
 * the next step consumes (at least 1 unless *s is NUL) and what it writes
 * into out (at most 16 bytes; *olen set).  controls selects the terminal
 * rules: controls, bidi marks and the backslash are escaped too.
 */
static size_t escape_step(const unsigned char *s, bool controls, char out[static 16], size_t *olen)
{
	static const char hex[] = "0123456789ABCDEF";
	uint32_t cp;
	size_t n = cp_utf8_seq(s, &cp), o = 0;

	if (controls && s[0] == '\\') {
		out[0] = '\\';
		out[1] = '\\';
		*olen = 2;
		return 1;
	}
	if (n && !(controls && cp_unsafe_codepoint(cp))) {
		memcpy(out, s, n);
		*olen = n;
		return n;
	}
	/* the whole sequence when well-formed, else one byte (resynchronising
	 * on the next) */
	if (!n)
		n = 1;
	for (size_t k = 0; k < n; k++) {
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[s[k] >> 4];
		out[o++] = hex[s[k] & 0xF];
	}
	*olen = o;
	return n;
}

static char *escape(const char *str, bool controls)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len, i, o = 0;
	char *out;

	if (!str)
		return NULL;
	len = strlen(str);
	/* every byte grows to at most four ("\xNN"; a backslash to two) */
	if (len > (SIZE_MAX - 1) / 4)
		return NULL;
	out = malloc(len * 4 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < len;) {
		size_t olen;

		i += escape_step(s + i, controls, out + o, &olen);
		o += olen;
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

int cp_sanitize_fputs(const char *str, FILE *f)
{
	const unsigned char *s = (const unsigned char *)str;

	if (!str)
		return 0;
	while (*s) {
		char buf[16];
		size_t olen;

		s += escape_step(s, true, buf, &olen);
		if (fwrite(buf, 1, olen, f) != olen)
			return -1;
	}
	return 0;
}

void cp_eprintf(const char *fmt, ...)
{
	char small[512], *msg = small, *big = NULL;
	va_list ap;
	int n;
	size_t len;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("cipherprobe: (unprintable message)\n", stderr);
		goto out;
	}
	if ((size_t)n >= sizeof small) {
		big = malloc((size_t)n + 1);
		if (big) {
			va_start(ap, fmt);
			vsnprintf(big, (size_t)n + 1, fmt, ap);
			va_end(ap);
			msg = big;
		}
	}
	/* one message, one line: only the final newline is the caller's */
	len = strlen(msg);
	if (len > 0 && msg[len - 1] == '\n')
		msg[len - 1] = '\0';
	cp_sanitize_fputs(msg, stderr);
	fputc('\n', stderr);
out:
	free(big);
}

json_t *cp_json_str(const char *s)
{
	char *clean;
	json_t *j;

	if (!s)
		return json_null();
	clean = cp_sanitize_utf8(s);
	if (!clean)
		return NULL;
	j = json_string(clean);
	free(clean);
	return j;
}

json_t *cp_json_strv(const char *const *v, size_t n)
{
	json_t *a = json_array();

	if (!a)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(a, cp_json_str(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}
