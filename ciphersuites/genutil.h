/* SPDX-License-Identifier: MIT */
/* What the build-time data generators (gen-registry, gen-clients) share:
 * "file:line: message" errors on stderr, counted so main() can fail the
 * build after reporting every problem at once. */
#ifndef CP_GENUTIL_H
#define CP_GENUTIL_H

#include <stddef.h>

extern unsigned nerrors;

void err_at(const char *path, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
