/* SPDX-License-Identifier: MIT */
/*
 * Internal to the decryption-log readers (scanner/input/declog*.c): one
 * reader per form, each turning its records into cp_declog_row for the
 * collector in declog.c, and the form detection's helpers.
 */
#ifndef CP_DECLOG_INT_H
#define CP_DECLOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "input/declog.h"

/* ciphersuites/panos-declog-fields.tsv, embedded at build time. */
extern const char cp_declog_fields_tsv[];

/* Where the PAN-OS CSV payload of a syslog line starts (after an RFC 3164
 * or RFC 5424 header, a relay's prefix, or nothing), or NULL when the line
 * has no "...,YYYY/MM/DD HH:MM:SS," start of a PAN-OS log line. */
const char *cp_declog_syslog_payload(const char *line);

/* Each reader reads f to its end into dl; 0, or -1 when reading fails or
 * memory runs out (errno set).  Bad records are counted and named in dl. */

/* The GUI CSV export, the first row naming the columns (declog.c). */
int cp_declog_read_gui_csv(FILE *f, struct cp_declog *dl);

/* Syslog positional CSV; version NULL: chosen per line by its field
 * count (declog_syslog.c). */
int cp_declog_read_syslog(FILE *f, struct cp_declog *dl, const char *version);

/* Whether version names a row of panos-declog-fields.tsv. */
bool cp_declog_syslog_version_known(const char *version);

/* JSON objects, one a line, concatenated or in an array; keys of the HTTP
 * server profile payload (http), of Strata Logging Service / Cortex Data
 * Lake (cdl), or both (declog_json.c). */
enum cp_declog_keys { CP_DECLOG_KEYS_HTTP = 1, CP_DECLOG_KEYS_CDL = 2 };
int cp_declog_read_json(FILE *f, struct cp_declog *dl, unsigned keys);

#endif
