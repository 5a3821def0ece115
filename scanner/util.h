/* SPDX-License-Identifier: MIT */
/* Small helpers every module needs once: formatted error messages into a
 * caller's buffer, appending to a fixed buffer, growable arrays. */
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

/*
 * Growable arrays: the one way to make room in a heap array.
 *
 * cp_grow_cap: the capacity to grow cap to so that it holds need elements
 * of elsize bytes: cap itself when it already does, else cap doubled (from
 * CP_GROW_MIN) until it does, clamped to the largest count whose byte size
 * fits a size_t; 0 when need elements do not fit in a size_t, or elsize is 0.
 *
 * cp_resize: realloc *p to exactly n elements of elsize bytes, the
 * multiplication checked; n 0 frees *p and sets it NULL.  0, or -1 with
 * errno ENOMEM (overflow, out of memory) or EINVAL (elsize 0) and *p
 * unchanged (still owned by the caller).
 *
 * cp_grow: make *p (capacity *cap elements) hold at least need elements:
 * 0 (nothing done when need <= *cap, so need 0 is a no-op), or -1 with
 * errno set as for cp_resize and *p, *cap unchanged.  New elements are
 * not initialised.  Parallel arrays that share one capacity call
 * cp_grow_cap once and cp_resize for each.
 *
 * CP_GROW(arr, cap, need) and CP_RESIZE(arr, n) are the typed forms:
 * arr is a T * lvalue, cap a size_t lvalue; the element size is
 * sizeof *arr.
 */
#define CP_GROW_MIN 16
size_t cp_grow_cap(size_t cap, size_t need, size_t elsize);
int cp_resize(void **p, size_t n, size_t elsize);
int cp_grow(void **p, size_t *cap, size_t need, size_t elsize);
#define CP_GROW(arr, cap, need) \
	__extension__({ \
		void *cp_grow_p_ = (arr); \
		int cp_grow_rc_ = cp_grow(&cp_grow_p_, &(cap), (need), sizeof *(arr)); \
		(arr) = cp_grow_p_; \
		cp_grow_rc_; \
	})
#define CP_RESIZE(arr, n) \
	__extension__({ \
		void *cp_grow_p_ = (arr); \
		int cp_grow_rc_ = cp_resize(&cp_grow_p_, (n), sizeof *(arr)); \
		(arr) = cp_grow_p_; \
		cp_grow_rc_; \
	})

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
