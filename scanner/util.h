/* Small helpers every module needs once: formatted error messages into a
 * caller's buffer, appending to a fixed buffer. */
#ifndef CP_UTIL_H
#define CP_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* Format into err[errlen] (truncating); nothing when err is NULL or errlen 0. */
void cp_seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Append like snprintf at buf + *len; *len counts what was needed, so a
 * caller can tell truncation (*len >= size) after many appends.
 */
void cp_strapp(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A heap string formatted from fmt and ap (vasprintf without _GNU_SOURCE's
 * ifs); NULL when memory runs out. */
char *cp_vfmt(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
