/* SPDX-License-Identifier: MIT */
/*
 * Reading target lists: one target per line, from a file or stdin.
 *
 * Blank lines and comments are skipped: a line whose first non-blank is '#',
 * and a trailing comment starting at a '#' that follows a blank
 * ("host:443   # mail").  A '#' glued to text stays (URL fragments).
 * CRLF line ends and a UTF-8 byte-order mark on the first line are accepted.
 * A line longer than CP_LIST_MAX_LINE bytes, or holding a NUL byte, is
 * reported as an error for that line and reading goes on, so that every
 * line of input yields one result.
 */
#ifndef CP_LIST_H
#define CP_LIST_H

#include <stddef.h>
#include <stdio.h>

#include "input/target.h"

#define CP_LIST_MAX_LINE 4096

struct cp_list_line {
	const char *name;         /* the list's name, for messages ("-" = stdin) */
	size_t lineno;            /* 1-based */
	const char *text;         /* the line without comment and end blanks;
	                              for an over-long line its first bytes, for
	                              a line with a NUL the bytes before it */
	struct cp_target *target; /* parsed target, or NULL when error is set */
	const char *error;        /* why the line is unusable, else NULL */
};

/*
 * Called once per non-blank, non-comment line.  The callback may take over
 * the target's strings (set the pointers to NULL); whatever it leaves is
 * freed after it returns.  A non-zero return stops reading and becomes
 * cp_list_read's return value.
 */
typedef int (*cp_list_fn)(const struct cp_list_line *line, void *data);

/*
 * Reads f to its end.  Returns 0, the callback's non-zero value, or -1
 * when reading fails (errno set; ferror(f) tells a read error) or memory
 * runs out (errno ENOMEM).
 */
int cp_list_read(FILE *f, const char *name, cp_list_fn fn, void *data);

#endif
