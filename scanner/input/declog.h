/* SPDX-License-Identifier: MIT */
/*
 * Reading PAN-OS decryption-log CSV exports (PAN-OS 10.0+) into scan
 * targets: the sites whose handshake failed on the server side, once each.
 *
 * CSV (RFC 4180): fields separated by commas, quoted fields with embedded
 * commas, doubled quotes and line breaks; LF or CRLF line ends; a UTF-8
 * byte-order mark at the start.  A quote inside an unquoted field is kept
 * as a character, as most writers expect.  Blanks around a value are
 * trimmed; empty lines are skipped.
 *
 * The first non-empty row names the columns, either by their syslog field
 * names (sni, dst, dport, err_index, error) or by the GUI export's display
 * names ("Server Name Indication", "Destination address", "Destination
 * Port", "Error Index", "Error"), compared case-insensitively with spaces,
 * '_' and '-' ignored; other columns are ignored.  Needed: a destination
 * address or SNI column, a destination port column, and an error index or
 * error column.  When one is missing the file yields a single error.
 *
 * Rows whose failure is on the server side of the firewall's handshake
 * (the rule table is in declog.c) are kept; the others are counted as
 * filtered.  Kept rows are merged by SNI (by destination address when the
 * row has no SNI) and destination port.
 *
 * Target text: "dst:dport,sni" ("[v6]:dport,sni") when the row has an
 * address, so that a scan reaches the very server the firewall talked to
 * with the SNI it saw, instead of whatever the name resolves to today (a
 * CDN or DNS balancing may answer with a server that does not fail); the
 * address of a target's first row is used.  "dst:dport" without SNI, and
 * "sni:dport" when the row has no address.  Every text is accepted by
 * cp_target_parse, and its verdict is the row's validation.
 */
#ifndef CP_DECLOG_H
#define CP_DECLOG_H

#include <stddef.h>
#include <stdio.h>

#include "input/target.h"

/* A record longer than this many bytes (line end excluded, embedded line
 * breaks included) is an error for that row. */
#define CP_DECLOG_MAX_ROW 65536
/* Data rows read at most: the largest CSV export PAN-OS writes ("Max Rows
 * in CSV Export").  What follows yields one error and is not read. */
#define CP_DECLOG_MAX_ROWS 1048576

struct cp_declog_entry {
	const char *name;         /* the export's name, for messages */
	size_t row;               /* 1-based CSV record number, the header
	                              being row 1 (a spreadsheet's row number);
	                              0 for an error about the whole file */
	size_t line;              /* physical line the record starts on */
	const char *text;         /* target text for cp_target_parse, NULL
	                              when error is set */
	struct cp_target *target; /* text parsed, or NULL when error is set */
	size_t failures;          /* server-side failure rows merged here */
	const char *err_index;    /* first failure's err_index, "" if none */
	const char *error_text;   /* first failure's error text, "" if none */
	const char *error;        /* why the row or file is unusable, else
	                              NULL */
	const char *first_seen;   /* earliest time of the merged rows, as
	                              normalised by cp_declog_add_record; ""
	                              when no row had a time */
	const char *last_seen;    /* latest time, likewise */
};

/*
 * Called once per unique target and once per bad row, in row order (a
 * target at its first row).  The callback may take over the target's
 * strings (set the pointers to NULL); whatever it leaves is freed after it
 * returns.  A non-zero return stops and becomes cp_declog_read's value.
 */
typedef int (*cp_declog_fn)(const struct cp_declog_entry *e, void *data);

/* What became of the data rows (empty lines and the header not counted):
 * rows = kept + filtered + skipped + bad, and kept = targets + duplicates. */
struct cp_declog_stats {
	size_t rows;       /* data rows read */
	size_t kept;       /* server-side failures, duplicates included */
	size_t filtered;   /* rows that are not server-side failures */
	size_t skipped;    /* rows of another log type than DECRYPTION */
	size_t bad;        /* rows reported as errors */
	size_t duplicates; /* kept rows merged into an earlier target */
	size_t targets;    /* unique targets reported */
	int form;          /* enum cp_declog_form the input was read as */
};

/*
 * Reads f to its end in the form it is detected to be in (see
 * cp_declog_read_as), then reports.  Failures are counted over the whole
 * export, so nothing is reported before the end is read.  Returns 0, the
 * callback's non-zero value, or -1 when reading fails (errno set; ferror(f)
 * tells a read error) or memory runs out (errno ENOMEM); on -1 nothing is
 * reported.  An export without a header row, or whose header lacks needed
 * columns, yields one error entry (row 0 for an empty file, 1 for the
 * header) and no targets.  st may be NULL; it is filled in before the
 * first callback.
 */
int cp_declog_read(FILE *f, const char *name, cp_declog_fn fn, void *data,
		   struct cp_declog_stats *st);

/* ---- the forms a log comes in ------------------------------------------
 *
 * auto: JSON when the first byte after blanks (and a byte-order mark) is
 * '{' or '['; the syslog form when the first non-empty line holds a
 * PAN-OS log line ("FUTURE_USE,YYYY/MM/DD HH:MM:SS,serial,TYPE,...", after
 * a syslog header or none); else the GUI CSV export with its header row.
 */
enum cp_declog_form {
	CP_DECLOG_AUTO,
	CP_DECLOG_GUI_CSV,   /* "gui-csv": CSV whose first row names the columns */
	CP_DECLOG_SYSLOG,    /* "syslog", "syslog-VERSION": positional CSV */
	CP_DECLOG_HTTP_JSON, /* "http-json": an HTTP Server Profile's payloads */
	CP_DECLOG_CDL_JSON,  /* "cdl-json": Strata Logging Service / CDL */
	CP_DECLOG_JSON,      /* what auto takes JSON for: both key sets */
};

struct cp_declog_format {
	enum cp_declog_form form;
	char version[16]; /* syslog-VERSION; "" picks by field count */
};

/* Parses a --log-format value; 0, or -1 with err set (naming the values
 * accepted, the syslog versions from panos-declog-fields.tsv). */
int cp_declog_format_parse(const char *s, struct cp_declog_format *out, char *err, size_t errlen);

/* "gui-csv", "syslog", "http-json", "cdl-json", "json", "auto". */
const char *cp_declog_form_name(int form);

/* As cp_declog_read, in the form fmt names (NULL: auto); st->form says
 * which form was read.  errno EINVAL: fmt names an unknown version; EFBIG:
 * a JSON log larger than the program reads into memory (512 MiB). */
int cp_declog_read_as(FILE *f, const char *name, const struct cp_declog_format *fmt,
		      cp_declog_fn fn, void *data, struct cp_declog_stats *st);

/* ---- collecting rows parsed elsewhere --------------------------------
 *
 * The readers above parse their form into cp_declog_row and hand each row
 * to a collector, which filters, validates, merges and reports them; a
 * caller with rows from another source (the XML API's <entry> records)
 * does the same:
 *
 *	struct cp_declog *dl = cp_declog_new();
 *	for each record: cp_declog_add_record(dl, &row);
 *	cp_declog_report(dl, name, fn, data, &st);
 *	cp_declog_free(dl);
 */

/* One already-parsed log record.  NULL and "" both mean "not given". */
struct cp_declog_row {
	size_t row;            /* 1-based record number, for messages */
	size_t line;           /* physical line it starts on (0: unknown) */
	const char *type;      /* log type; rows whose type is given and is
	                           not DECRYPTION (case ignored) are skipped */
	const char *time;      /* when it was logged: "YYYY/MM/DD HH:MM:SS"
	                           (PAN-OS), ISO 8601, or seconds (or ms, us)
	                           since the epoch; other text is kept as is */
	const char *sni;       /* server name indication */
	const char *dst;       /* destination address, IPv4 or IPv6 */
	const char *dport;     /* destination port, decimal */
	const char *err_index; /* Cipher, Version, Protocol, Certificate... */
	const char *error;     /* the error text */
};

struct cp_declog;

/* A new, empty collector, or NULL (errno ENOMEM). */
struct cp_declog *cp_declog_new(void);

/* Files one row: skipped (another log type), filtered (not a server-side
 * failure), bad (recorded as an error entry naming the row) or kept and
 * merged with earlier rows of the same target.  Returns 0, or -1 when
 * memory runs out (errno ENOMEM; the collector stays usable). */
int cp_declog_add_record(struct cp_declog *dl, const struct cp_declog_row *r);

/* Counts a data row the caller could not parse as bad and records why
 * (row 0: an error about the whole input, not counted as a row).
 * Returns 0 or -1 (ENOMEM). */
int cp_declog_add_bad_row(struct cp_declog *dl, size_t row, size_t line, const char *why);

/* Reports the targets and bad rows, in the order they were first added,
 * to fn as cp_declog_read does (name is each entry's name), after filling
 * in st (may be NULL).  Returns 0 or the callback's non-zero value.  The
 * collector is left empty and may be reused. */
int cp_declog_report(struct cp_declog *dl, const char *name, cp_declog_fn fn, void *data,
		     struct cp_declog_stats *st);

/* The statistics so far. */
const struct cp_declog_stats *cp_declog_stats(const struct cp_declog *dl);

void cp_declog_free(struct cp_declog *dl);

#endif
