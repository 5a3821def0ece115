/* SPDX-License-Identifier: MIT */
/* Target lists; the line format is described in list.h. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "input/list.h"
#include "util.h"

/* How much of an over-long line is quoted back in its result. */
#define CP_LIST_QUOTE 64

#define CP_LIST_XSTR(x) #x
#define CP_LIST_STR(x) CP_LIST_XSTR(x)

static bool blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Handles one physical line: line[0..stored) holds its first bytes (at most
 * CP_LIST_MAX_LINE + 1), total is its full length without the newline.
 * Returns the callback's value, 0 for a skipped line, or -1 (no memory).
 */
static int one_line(char *line, size_t stored, size_t total, size_t lineno, const char *name,
		    cp_list_fn fn, void *data)
{
	struct cp_list_line l = { .name = name, .lineno = lineno };
	struct cp_target t = { 0 };
	char quote[CP_LIST_QUOTE + 4];
	char err[256];
	size_t start = 0, end = stored, skip = 0, i;
	bool comment = false;
	int rc;

	/* a byte-order mark from Windows editors, first line only */
	if (lineno == 1 && stored >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3))
		skip = start = 3;
	for (i = start; i < stored; i++)
		if (line[i] == '#' && (i == skip || blank((unsigned char)line[i - 1]))) {
			end = i;
			comment = true;
			break;
		}
	/* a comment that starts within the stored bytes makes the rest of a
	 * long line harmless */
	if (!comment && total > CP_LIST_MAX_LINE) {
		size_t q = stored - start < CP_LIST_QUOTE ? stored - start : CP_LIST_QUOTE;
		memcpy(quote, line + start, q);
		memcpy(quote + q, "...", 4);
		l.text = quote;
		l.error = "line is longer than " CP_LIST_STR(CP_LIST_MAX_LINE) " bytes";
		return fn(&l, data);
	}
	while (start < end && blank((unsigned char)line[start]))
		start++;
	while (end > start && blank((unsigned char)line[end - 1]))
		end--;
	if (start == end)
		return 0;
	line[end] = '\0';
	l.text = line + start;
	for (i = start; i < end; i++)
		if (line[i] == '\0') {
			cp_seterr(err, sizeof err, "NUL byte at column %zu", i + 1 - skip);
			l.error = err;
			return fn(&l, data);
		}
	rc = cp_target_parse(l.text, &t, err, sizeof err);
	if (rc == CP_TARGET_NOMEM) {
		errno = ENOMEM;
		return -1;
	}
	if (rc)
		l.error = err;
	else
		l.target = &t;
	rc = fn(&l, data);
	cp_target_free(&t);
	return rc;
}

int cp_list_read(FILE *f, const char *name, cp_list_fn fn, void *data)
{
	/* one byte more than the limit, so that a line of exactly the limit
	 * plus a CR still fits and an over-long one is seen as such */
	char line[CP_LIST_MAX_LINE + 2];
	size_t lineno = 0;
	int c, rc;

	for (;;) {
		size_t stored = 0, total = 0;
		int last = -1;

		while ((c = getc(f)) != EOF && c != '\n') {
			if (stored < sizeof line - 1)
				line[stored++] = (char)c;
			total++;
			last = c;
		}
		if (c == EOF && ferror(f))
			return -1;
		if (c == EOF && total == 0)
			return 0;
		lineno++;
		if (last == '\r') {
			total--;
			if (stored > total)
				stored = total;
		}
		if (stored > CP_LIST_MAX_LINE + 1)
			stored = CP_LIST_MAX_LINE + 1;
		rc = one_line(line, stored, total, lineno, name, fn, data);
		if (rc)
			return rc;
		if (c == EOF)
			return 0;
	}
}
