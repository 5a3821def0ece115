/* SPDX-License-Identifier: MIT */
/* See genutil.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "genutil.h"

unsigned nerrors;

void err_at(const char *path, size_t line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%zu: ", path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	nerrors++;
}
