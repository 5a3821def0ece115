/* SPDX-License-Identifier: MIT */
/*
 * Making untrusted strings safe to show.
 *
 * Certificate subjects, SANs, host names from input files and error messages
 * that quote them come from the network or from users: printed raw they can
 * move the cursor, recolour or clear a terminal, or hide text behind bidi
 * overrides.  Both functions return a new heap string (NULL when s is NULL
 * or memory runs out) in which the bytes they escape appear as "\xNN".
 *
 * The terminal rules (cp_sanitize, cp_sanitize_fputs, cp_eprintf), exactly:
 *   - a backslash becomes "\\", so a literal "\x1B" in a name prints as
 *     "\\x1B" and cannot pass for an escaped ESC;
 *   - C0 controls U+0000..U+001F (tab and newline included), DEL, C1
 *     controls U+0080..U+009F (CSI U+009B included), the bidi controls
 *     U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069 and the line
 *     and paragraph separators U+2028, U+2029 become "\xNN" per byte of
 *     their UTF-8 encoding (U+202E is "\xE2\x80\xAE");
 *   - every byte that is not part of well-formed UTF-8 becomes "\xNN"
 *     (uppercase hex), one byte at a time;
 *   - everything else is copied.
 * The JSON rule (cp_sanitize_utf8) escapes only the ill-formed bytes.
 */
#ifndef CP_SANITIZE_H
#define CP_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/* For terminals: escapes C0 controls (tab included), DEL, C1 controls
 * (U+0080..U+009F), Unicode bidi controls, and every byte that is not part
 * of well-formed UTF-8 (overlongs, surrogates, > U+10FFFF, truncations). */
char *cp_sanitize(const char *s);
/* Length of the well-formed UTF-8 sequence at s (RFC 3629), its code point
 * in *cp; 0 when the bytes there are not one (a NUL ends it: no read past). */
size_t cp_utf8_seq(const unsigned char *s, uint32_t *cp);
/* Code points a terminal or a chat client acts on instead of showing: C0,
 * DEL, C1, bidi marks, embeddings, overrides and isolates, U+2028/9. */
bool cp_unsafe_codepoint(uint32_t cp);

/* For JSON: escapes only bytes that are not well-formed UTF-8, since the
 * JSON encoder escapes control characters itself and rejects bad UTF-8. */
char *cp_sanitize_utf8(const char *s);

/* cp_sanitize() straight to f, without allocating; s NULL prints nothing.
 * 0, or -1 when writing failed. */
int cp_sanitize_fputs(const char *s, FILE *f);

/* An error message to stderr, one line: the formatted text with the
 * terminal rules applied (a trailing newline in fmt is dropped, any other
 * newline escaped), then a newline.  For every message that may quote
 * what came from outside: file names, profile names, firewall replies. */
void cp_eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A JSON string for s (null for NULL), its non-UTF-8 bytes escaped as
 * \xNN because json_string() refuses them; NULL when memory runs out.
 * The one way text becomes a JSON string, in every layer.
 */
json_t *cp_json_str(const char *s);
/* A JSON array of cp_json_str(v[0..n)); NULL when memory runs out. */
json_t *cp_json_strv(const char *const *v, size_t n);

#endif
