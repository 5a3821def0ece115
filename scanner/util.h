/* SPDX-License-Identifier: MIT */
/* Small helpers every module needs once: formatted error messages into a
 * caller's buffer, appending to a fixed buffer. */
#ifndef CP_UTIL_H
#define CP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Format into err[errlen] (truncating); nothing when err is NULL or errlen 0. */
void cp_seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* cp_seterr with a va_list (for helpers that add a prefix of their own). */
void cp_vseterr(char *err, size_t errlen, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * Append like snprintf at buf + *len; *len counts what was needed, so a
 * caller can tell truncation (*len >= size) after many appends.
 */
void cp_strapp(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A heap string formatted from fmt and ap (vasprintf without _GNU_SOURCE's
 * ifs); NULL when memory runs out. */
char *cp_vfmt(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Append name to a ':'-separated list in buf (an OpenSSL cipher, group or
 * sigalg list); false, buf unchanged, when it does not fit in cap. */
bool cp_colon_list_add(char *buf, size_t cap, const char *name);

/*
 * Rows of an embedded TSV table (the ciphersuites TSV files as built into the
 * program): '#' lines and blank lines are skipped.  Each call moves *pos
 * past one row, points f[0..*nf) at its TAB-separated fields (each field
 * ends at the next TAB or at f_end[i]), counts lines in *line, and returns
 * 1; 0 at the end.  A row with more than maxf fields reports maxf + 1 in *nf.
 */
struct cp_tsv_field {
	const char *s;
	size_t len;
};
int cp_tsv_next(const char **pos, struct cp_tsv_field *f, size_t maxf, size_t *nf, size_t *line);
/* Copies a field into dst (size n, terminated); -1 when it does not fit. */
int cp_tsv_copy(const struct cp_tsv_field *f, char *dst, size_t n);
/* Whether a field equals the string s. */
int cp_tsv_is(const struct cp_tsv_field *f, const char *s);

/* Milliseconds on the monotonic clock: the one clock for durations and
 * deadlines (the event loop, progress, the demo servers). */
uint64_t cp_clock_ms(void);

/*
 * Levenshtein distance between a and b (insertions, deletions and
 * substitutions of bytes, each 1); SIZE_MAX when either is longer than
 * CP_EDIT_MAX bytes.  For "did you mean" hints on names typed by hand.
 */
#define CP_EDIT_MAX 64
size_t cp_edit_distance(const char *a, const char *b);
/* The one of names[0..n), other than s itself, closest to s when it is
 * near (1 edit for words under 6 bytes, else a third of the length, at
 * most 3 edits); NULL when none is; the first of equals wins. */
const char *cp_closest_name(const char *s, const char *const *names, size_t n);

/* NO_COLOR is set to a non-empty value (no-color.org: an empty one does
 * not count), so --color auto gives no colour. */
bool cp_no_color(void);

#endif
