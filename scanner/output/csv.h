/* SPDX-License-Identifier: MIT */
/*
 * CSV output (scan --csv, --csv-suites): RFC 4180 cells and rows, and two
 * writers with the cp_output_ops interface (output.h).
 *
 * Cells: fields holding a comma, a double quote, CR or LF are quoted, with
 * quotes doubled; rows end in CRLF.  Formula injection (OWASP "CSV
 * injection"): a text cell that starts with '=', '+', '-', '@', TAB or CR
 * is quoted and prefixed with a single quote, so a spreadsheet shows it as
 * text instead of evaluating it.  Numbers the scanner computes (ports,
 * counts, days left) are written as plain integers.
 *
 *   csv         one row per target (--all-addresses: per address), in input
 *               order; columns cp_csv_target_columns
 *   csv-suites  one row per target and accepted (version, suite), in input
 *               order; columns cp_csv_suite_columns
 */
#ifndef CP_CSV_H
#define CP_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "output/output.h"

/*
 * Writes s as one cell into dst[0..cap) (NUL-terminated when cap > 0,
 * cut when too small).  Returns the length the whole cell needs, without
 * the NUL, as snprintf does.  s NULL is an empty cell.
 */
size_t cp_csv_cell(char *dst, size_t cap, const char *s);

/* Whether cp_csv_cell quotes s / prefixes it with a single quote. */
bool cp_csv_needs_quotes(const char *s);
bool cp_csv_is_formula(const char *s);

/* A growing row; err is set (and stays) when memory ran out. */
struct cp_csv_row {
	char *buf;
	size_t len, cap;
	size_t cells; /* in the current line */
	bool err;
};

/* A text cell (s NULL: empty), a number cell, the end of a line (CRLF). */
void cp_csv_text(struct cp_csv_row *row, const char *s);
void cp_csv_num(struct cp_csv_row *row, long long v);
void cp_csv_eol(struct cp_csv_row *row);
void cp_csv_row_free(struct cp_csv_row *row);

/* Days from now to not_after ("YYYY-MM-DDTHH:MM:SSZ", UTC), rounded down
 * (negative once expired); false when not_after does not parse. */
bool cp_csv_days_left(const char *not_after, time_t now, long long *days);

/* The header rows' column names, NULL-terminated. */
extern const char *const cp_csv_target_columns[];
extern const char *const cp_csv_suite_columns[];

/* Fills the two rows of r (the target row, and the suite rows) as written
 * at time now; allowed may be NULL (the "allowed" column is then empty). */
void cp_csv_target_row(struct cp_csv_row *row, const struct cp_result *r, time_t now);
void cp_csv_suite_rows(struct cp_csv_row *row, const struct cp_result *r,
		       bool (*allowed)(const void *data, uint16_t suite, uint16_t wire),
		       const void *data);

extern const struct cp_output_ops cp_output_csv;
extern const struct cp_output_ops cp_output_csv_suites;

#endif
