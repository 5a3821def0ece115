/* SPDX-License-Identifier: MIT */
/* See util.h. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "util.h"

void cp_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void cp_vseterr(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (!err || !errlen)
		return;
	vsnprintf(err, errlen, fmt, ap);
}

size_t cp_grow_cap(size_t cap, size_t need, size_t elsize)
{
	size_t max;

	if (elsize == 0)
		return 0;
	max = SIZE_MAX / elsize;
	if (need > max)
		return 0;
	if (need <= cap)
		return cap;
	if (cap < CP_GROW_MIN)
		cap = CP_GROW_MIN;
	while (cap < need)
		cap = cap > max / 2 ? max : cap * 2;
	return cap > max ? max : cap;
}

int cp_resize(void **p, size_t n, size_t elsize)
{
	void *q;

	if (elsize == 0) {
		errno = EINVAL;
		return -1;
	}
	if (n == 0) {
		free(*p);
		*p = NULL;
		return 0;
	}
	if (n > SIZE_MAX / elsize) {
		errno = ENOMEM;
		return -1;
	}
	q = realloc(*p, n * elsize);
	if (q == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*p = q;
	return 0;
}

int cp_grow(void **p, size_t *cap, size_t need, size_t elsize)
{
	size_t ncap;

	if (elsize == 0) {
		errno = EINVAL;
		return -1;
	}
	if (need <= *cap)
		return 0;
	ncap = cp_grow_cap(*cap, need, elsize);
	if (ncap == 0) {
		errno = ENOMEM;
		return -1;
	}
	if (cp_resize(p, ncap, elsize) < 0)
		return -1;
	*cap = ncap;
	return 0;
}

char *cp_vfmt(const char *fmt, va_list ap)
{
	va_list aq;
	char *s;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

void cp_strapp(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*len < size ? buf + *len : NULL, *len < size ? size - *len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n;
}

int cp_tsv_next(const char **pos, struct cp_tsv_field *f, size_t maxf, size_t *nf, size_t *line)
{
	const char *p = *pos;

	while (*p) {
		const char *eol = strchr(p, '\n');
		const char *q = p;

		if (!eol)
			eol = p + strlen(p);
		(*line)++;
		if (p == eol || *p == '#') {
			p = *eol ? eol + 1 : eol;
			continue;
		}
		*nf = 0;
		for (;;) {
			const char *tab = memchr(q, '\t', (size_t)(eol - q));
			const char *end = tab ? tab : eol;

			if (*nf < maxf) {
				f[*nf].s = q;
				f[*nf].len = (size_t)(end - q);
			}
			(*nf)++;
			if (!tab)
				break;
			q = tab + 1;
		}
		if (*nf > maxf)
			*nf = maxf + 1;
		*pos = *eol ? eol + 1 : eol;
		return 1;
	}
	*pos = p;
	return 0;
}

int cp_tsv_copy(const struct cp_tsv_field *f, char *dst, size_t n)
{
	if (f->len >= n)
		return -1;
	memcpy(dst, f->s, f->len);
	dst[f->len] = '\0';
	return 0;
}

int cp_tsv_is(const struct cp_tsv_field *f, const char *s)
{
	return strlen(s) == f->len && memcmp(f->s, s, f->len) == 0;
}

bool cp_colon_list_add(char *buf, size_t cap, const char *name)
{
	size_t len = strlen(buf), n = strlen(name);

	if (len + n + 2 > cap)
		return false;
	if (len)
		buf[len++] = ':';
	memcpy(buf + len, name, n + 1);
	return true;
}

uint64_t cp_clock_ms(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail on Linux with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

size_t cp_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[CP_EDIT_MAX + 1];

	if (la > CP_EDIT_MAX || lb > CP_EDIT_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0]; /* d[i-1][j-1] */

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j]; /* d[i-1][j] */
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *cp_closest_name(const char *s, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX, len = strlen(s);
	/* a third of the word may be wrong, at least one edit, at most three */
	size_t limit = len / 3 < 1 ? 1 : len / 3 > 3 ? 3 : len / 3;

	for (size_t i = 0; i < n; i++) {
		size_t d = cp_edit_distance(s, names[i]);

		if (d > 0 && d <= limit && d < bestd) {
			best = names[i];
			bestd = d;
		}
	}
	return best;
}

bool cp_no_color(void)
{
	const char *v = getenv("NO_COLOR");

	return v != NULL && v[0] != '\0';
}
