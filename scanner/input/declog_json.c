/* SPDX-License-Identifier: MIT */
/*
 * The JSON forms of the DECRYPTION log: what an HTTP Server Profile posts
 * (its payload format is the administrator's, built from macros such as
 * $dst, $dport, $sni, so any key names close to those are accepted) and
 * Strata Logging Service / Cortex Data Lake exports (dest_ip, dest_port,
 * sni, time_generated...).  Records are JSON objects, one a line (JSONL),
 * concatenated, in a top-level array, or in an array under "logs", "data",
 * "records", "results" or "events" of a top-level object.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "input/declog.h"
#include "input/declog_int.h"

/* A whole JSON log is read into memory; larger ones are refused. */
#define JSON_MAX ((size_t)512 * 1024 * 1024)

enum jf { JF_TYPE, JF_TIME, JF_SNI, JF_DST, JF_DPORT, JF_ERR_INDEX, JF_ERROR, JF_N };

/*
 * Key names, compared after lower-casing and dropping '_', '-', '.', ' ',
 * '$' and '@' (so "dest_ip", "DestIP" and "$dst" are one).  Earlier names
 * of a field win over later ones in the same object (time_generated over
 * receive_time).  HTTP: the payload macros ($type, $receive_time,
 * $time_generated, $sni, $dst, $dport, $error_index, $error) and the
 * names of the HTTPS log forwarding format (LogType, TimeGenerated,
 * ServerNameIndication, DestinationAddress, DestinationPort, ErrorIndex,
 * ErrorMessage); CDL: the decryption log schema's query names (log_type,
 * time_generated, sni, dest_ip, dest_port, error_index, error).
 */
static const struct {
	const char *name;
	enum jf field;
	unsigned keys;
} key_names[] = {
	{ "type", JF_TYPE, CP_DECLOG_KEYS_HTTP },
	{ "logtype", JF_TYPE, CP_DECLOG_KEYS_HTTP | CP_DECLOG_KEYS_CDL },
	{ "timegenerated", JF_TIME, CP_DECLOG_KEYS_HTTP | CP_DECLOG_KEYS_CDL },
	{ "generatetime", JF_TIME, CP_DECLOG_KEYS_HTTP },
	{ "generatedtime", JF_TIME, CP_DECLOG_KEYS_HTTP },
	{ "receivetime", JF_TIME, CP_DECLOG_KEYS_HTTP },
	{ "timereceived", JF_TIME, CP_DECLOG_KEYS_HTTP | CP_DECLOG_KEYS_CDL },
	{ "time", JF_TIME, CP_DECLOG_KEYS_HTTP },
	{ "timestamp", JF_TIME, CP_DECLOG_KEYS_HTTP | CP_DECLOG_KEYS_CDL },
	{ "sni", JF_SNI, CP_DECLOG_KEYS_HTTP | CP_DECLOG_KEYS_CDL },
	{ "servernameindication", JF_SNI, CP_DECLOG_KEYS_HTTP | CP_DECLOG_KEYS_CDL },
	{ "servername", JF_SNI, CP_DECLOG_KEYS_HTTP },
	{ "dst", JF_DST, CP_DECLOG_KEYS_HTTP },
	{ "dstip", JF_DST, CP_DECLOG_KEYS_HTTP },
	{ "destip", JF_DST, CP_DECLOG_KEYS_HTTP | CP_DECLOG_KEYS_CDL },
	{ "destinationaddress", JF_DST, CP_DECLOG_KEYS_HTTP },
	{ "destinationip", JF_DST, CP_DECLOG_KEYS_HTTP },
	{ "dport", JF_DPORT, CP_DECLOG_KEYS_HTTP },
	{ "dstport", JF_DPORT, CP_DECLOG_KEYS_HTTP },
	{ "destport", JF_DPORT, CP_DECLOG_KEYS_HTTP | CP_DECLOG_KEYS_CDL },
	{ "destinationport", JF_DPORT, CP_DECLOG_KEYS_HTTP },
	{ "errorindex", JF_ERR_INDEX, CP_DECLOG_KEYS_HTTP | CP_DECLOG_KEYS_CDL },
	{ "errindex", JF_ERR_INDEX, CP_DECLOG_KEYS_HTTP },
	{ "error", JF_ERROR, CP_DECLOG_KEYS_HTTP | CP_DECLOG_KEYS_CDL },
	{ "errormessage", JF_ERROR, CP_DECLOG_KEYS_HTTP },
};

static const char *const wrappers[] = { "logs", "data", "records", "results", "events" };

static void norm_key(const char *k, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *k; k++) {
		char c = *k;
		if (c == '_' || c == '-' || c == '.' || c == ' ' || c == '$' || c == '@')
			continue;
		if (n + 1 >= outlen) {
			n = 0;
			break;
		}
		out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
}

/* A value as text into buf: strings as they are, integers in decimal, an
 * object's "value" member (CDL writes some addresses so), else "". */
static const char *text_of(json_t *v, char *buf, size_t len)
{
	if (json_is_object(v))
		v = json_object_get(v, "value");
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	return "";
}

/* Files one record; 0 or -1 (no memory). */
static int one_object(struct cp_declog *dl, json_t *o, size_t row, size_t line, unsigned keys)
{
	char bufs[JF_N][32], norm[64];
	int rank[JF_N];
	const char *val[JF_N];
	struct cp_declog_row r = { .row = row, .line = line };
	const char *k;
	json_t *v;
	bool any = false;

	for (int i = 0; i < JF_N; i++) {
		rank[i] = -1;
		val[i] = "";
	}
	json_object_foreach(o, k, v)
	{
		norm_key(k, norm, sizeof norm);
		for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
			enum jf fi = key_names[i].field;
			if (!(key_names[i].keys & keys) || strcmp(norm, key_names[i].name))
				continue;
			any = true;
			if (rank[fi] < 0 || (int)i < rank[fi]) {
				rank[fi] = (int)i;
				val[fi] = text_of(v, bufs[fi], sizeof bufs[fi]);
			}
		}
	}
	if (!any)
		return cp_declog_add_bad_row(dl, row, line,
					     "no key of a decryption log record "
					     "(dst, dport, sni, error...)");
	r.type = val[JF_TYPE];
	r.time = val[JF_TIME];
	r.sni = val[JF_SNI];
	r.dst = val[JF_DST];
	r.dport = val[JF_DPORT];
	r.err_index = val[JF_ERR_INDEX];
	r.error = val[JF_ERROR];
	return cp_declog_add_record(dl, &r);
}

/* The array a wrapper object holds its records in, or NULL. */
static json_t *wrapped(json_t *o)
{
	for (size_t i = 0; i < sizeof wrappers / sizeof wrappers[0]; i++) {
		json_t *a = json_object_get(o, wrappers[i]);
		if (json_is_array(a))
			return a;
	}
	return NULL;
}

/* Files a top-level value: a record, or an array of them. */
static int one_value(struct cp_declog *dl, json_t *v, size_t *row, size_t line, unsigned keys)
{
	json_t *a = json_is_array(v) ? v : json_is_object(v) ? wrapped(v) : NULL;
	size_t i;
	json_t *e;

	if (!a) {
		++*row;
		if (!json_is_object(v))
			return cp_declog_add_bad_row(dl, *row, line,
						     "a JSON value that is not "
						     "an object");
		return one_object(dl, v, *row, line, keys);
	}
	json_array_foreach(a, i, e)
	{
		++*row;
		if (cp_declog_stats(dl)->rows == CP_DECLOG_MAX_ROWS)
			return cp_declog_add_bad_row(dl, 0, line,
						     "too many records; the rest "
						     "of the log is not read");
		/* the elements' lines are not known: 0 */
		if (!json_is_object(e)) {
			if (cp_declog_add_bad_row(dl, *row, 0, "array element is not an object"))
				return -1;
		} else if (one_object(dl, e, *row, 0, keys)) {
			return -1;
		}
	}
	return 0;
}

static int slurp(FILE *f, char **out, size_t *outlen)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		goto nomem;
	for (;;) {
		size_t got;
		if (len == cap) {
			char *n;
			if (cap >= JSON_MAX) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			n = realloc(buf, cap * 2);
			if (!n)
				goto nomem;
			buf = n;
			cap *= 2;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				free(buf);
				return -1;
			}
			break;
		}
	}
	*out = buf;
	*outlen = len;
	return 0;
nomem:
	free(buf);
	errno = ENOMEM;
	return -1;
}

static bool ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int cp_declog_read_json(FILE *f, struct cp_declog *dl, unsigned keys)
{
	char *buf;
	size_t len, pos = 0, line = 1, row = 0;
	int rc = 0;

	if (slurp(f, &buf, &len))
		return -1;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		pos = 3;
	while (!rc) {
		json_error_t je;
		json_t *v;

		while (pos < len && ws(buf[pos]))
			if (buf[pos++] == '\n')
				line++;
		if (pos >= len)
			break;
		if (cp_declog_stats(dl)->rows == CP_DECLOG_MAX_ROWS) {
			rc = cp_declog_add_bad_row(dl, 0, line,
						   "too many records; the rest of "
						   "the log is not read");
			break;
		}
		v = json_loadb(buf + pos, len - pos, JSON_DISABLE_EOF_CHECK, &je);
		if (!v) {
			char why[256];
			if (json_error_code(&je) == json_error_out_of_memory) {
				errno = ENOMEM;
				rc = -1;
				break;
			}
			snprintf(why, sizeof why, "not JSON: %s", je.text);
			rc = cp_declog_add_bad_row(dl, ++row, line, why);
			/* go on at the next line */
			while (pos < len && buf[pos] != '\n')
				pos++;
			continue;
		}
		rc = one_value(dl, v, &row, line, keys);
		json_decref(v);
		for (size_t end = pos + (size_t)je.position; pos < end && pos < len; pos++)
			if (buf[pos] == '\n')
				line++;
	}
	free(buf);
	return rc;
}
