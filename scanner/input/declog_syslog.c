/* SPDX-License-Identifier: MIT */
/*
 * The syslog form of the PAN-OS DECRYPTION log: one line per record, the
 * positional CSV of "Decryption Log Fields" (no header), after an RFC 3164
 * or RFC 5424 header, a relay's prefix, or nothing.  Which field is which
 * comes from ciphersuites/panos-declog-fields.tsv (one list per PAN-OS
 * release), chosen by the line's field count or by --log-format.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input/declog.h"
#include "input/declog_int.h"

/* ---- the field lists ------------------------------------------------- */

enum sf {
	SF_RECEIVE,
	SF_TYPE,
	SF_GENERATE,
	SF_DST,
	SF_DPORT,
	SF_ERR_INDEX,
	SF_SNI,
	SF_ERROR,
	SF_N
};

/* The documented names of the fields the reader uses. */
static const char *const sf_names[SF_N] = {
	"Receive Time",     "Type",        "Generate Time",          "Destination Address",
	"Destination Port", "Error Index", "Server Name Indication", "Error",
};

#define MAX_VERSIONS 32

struct layout {
	char version[16];
	size_t nfields;
	size_t at[SF_N]; /* 0-based field index */
	size_t need;     /* fields a line needs: the last used one + 1 */
};

/* Parses the TSV into v; returns how many rows.  A row lacking a field
 * the reader uses is left out (the unit tests check that none is). */
static size_t layouts(struct layout *v, size_t max)
{
	const char *p = cp_declog_fields_tsv;
	size_t n = 0;

	while (*p && n < max) {
		const char *eol = strchr(p, '\n'), *tab;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		struct layout *l = &v[n];
		bool found[SF_N] = { false };
		bool ok = true;

		tab = memchr(p, '\t', len);
		if (*p != '#' && tab && (size_t)(tab - p) < sizeof l->version &&
		    strncmp(p, "version\t", 8)) {
			const char *f = tab + 1, *end = p + len;
			memset(l, 0, sizeof *l);
			memcpy(l->version, p, (size_t)(tab - p));
			while (f <= end) {
				const char *c = memchr(f, ',', (size_t)(end - f));
				size_t flen = (size_t)((c ? c : end) - f);
				for (int k = 0; k < SF_N; k++)
					if (!found[k] && flen == strlen(sf_names[k]) &&
					    !strncmp(f, sf_names[k], flen)) {
						found[k] = true;
						l->at[k] = l->nfields;
						if (l->nfields + 1 > l->need)
							l->need = l->nfields + 1;
					}
				l->nfields++;
				if (!c)
					break;
				f = c + 1;
				while (f < end && *f == ' ')
					f++;
			}
			for (int k = 0; k < SF_N; k++)
				ok = ok && found[k];
			if (ok)
				n++;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return n;
}

bool cp_declog_syslog_version_known(const char *version)
{
	struct layout v[MAX_VERSIONS];
	size_t n = layouts(v, MAX_VERSIONS);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].version, version))
			return true;
	return false;
}

/* The list for a line of nfields fields: the one of exactly that count,
 * else the longest shorter one (later releases append fields); NULL when
 * the line is shorter than every list. */
static const struct layout *by_count(const struct layout *v, size_t n, size_t nfields)
{
	const struct layout *best = NULL;

	for (size_t i = 0; i < n; i++) {
		if (v[i].nfields == nfields)
			return &v[i];
		if (v[i].nfields < nfields && (!best || v[i].nfields > best->nfields))
			best = &v[i];
	}
	return best;
}

/* ---- the syslog header ----------------------------------------------- */

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Whether s starts with ",YYYY/MM/DD HH:MM:SS,". */
static bool pan_time_at(const char *s)
{
	return s[0] == ',' && digits(s + 1, 4) && s[5] == '/' && digits(s + 6, 2) && s[8] == '/' &&
	       digits(s + 9, 2) && s[11] == ' ' && digits(s + 12, 2) && s[14] == ':' &&
	       digits(s + 15, 2) && s[17] == ':' && digits(s + 18, 2) && s[20] == ',';
}

/*
 * A PAN-OS log line is "FUTURE_USE,Receive Time,...", the first field a
 * token without blanks or commas and the second the PAN-OS time.  Whatever
 * precedes the first such place is a header: "<14>Dec  3 10:00:00 fw01 "
 * (RFC 3164), "<14>1 2026-12-03T10:00:00Z fw01 - - - - " (RFC 5424), a
 * relay's timestamp, or nothing.
 */
const char *cp_declog_syslog_payload(const char *line)
{
	for (const char *p = line; *p; p++) {
		const char *start;
		if (*p != ',' || !pan_time_at(p))
			continue;
		start = p;
		while (start > line && start[-1] != ' ' && start[-1] != '\t' && start[-1] != ',' &&
		       start[-1] != '>')
			start--;
		/* the first field must be a whole token */
		if (start > line && start[-1] == ',')
			continue;
		return start;
	}
	return NULL;
}

/* ---- lines ------------------------------------------------------------ */

#define CP_DECLOG_XSTR(x) #x
#define CP_DECLOG_STR(x) CP_DECLOG_XSTR(x)
#define LINE_BUF (CP_DECLOG_MAX_ROW + 2)
#define MAX_FIELDS 1024

struct line {
	char *buf;
	size_t len;
	bool toolong, nul;
};

/* Reads one line without its LF (and CR); 1, 0 at the end, -1 on error. */
static int read_line(FILE *f, struct line *l)
{
	int ch;
	bool any = false;

	l->len = 0;
	l->toolong = l->nul = false;
	while ((ch = getc(f)) != EOF) {
		any = true;
		if (ch == '\n')
			break;
		if (ch == '\0')
			l->nul = true;
		if (l->len < CP_DECLOG_MAX_ROW + 1)
			l->buf[l->len++] = (char)ch;
		else
			l->toolong = true;
	}
	if (ch == EOF && ferror(f))
		return -1;
	if (!any)
		return 0;
	if (l->len && l->buf[l->len - 1] == '\r')
		l->len--;
	if (l->len > CP_DECLOG_MAX_ROW)
		l->toolong = true;
	l->buf[l->len] = '\0';
	return 1;
}

/*
 * Splits s in place at commas outside double quotes, taking the quotes
 * off ("" inside quotes is one quote) and trimming blanks.  Returns the
 * number of fields (at most max; more is reported as max + 1).
 */
static size_t split_csv(char *s, char **fld, size_t max)
{
	size_t n = 0;
	char *w = s, *r = s;

	for (;;) {
		char *start = w;
		bool quoted = false;

		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '"') {
			quoted = true;
			r++;
		}
		for (; *r; r++) {
			if (quoted && *r == '"') {
				if (r[1] == '"') {
					*w++ = '"';
					r++;
					continue;
				}
				quoted = false;
				continue;
			}
			if (!quoted && *r == ',')
				break;
			*w++ = *r;
		}
		while (w > start && (w[-1] == ' ' || w[-1] == '\t'))
			w--;
		if (n < max)
			fld[n] = start;
		n++;
		if (!*r) {
			*w = '\0';
			break;
		}
		r++;
		*w++ = '\0';
	}
	return n > max ? max + 1 : n;
}

static bool blank_line(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

int cp_declog_read_syslog(FILE *f, struct cp_declog *dl, const char *version)
{
	struct layout v[MAX_VERSIONS];
	const struct layout *fixed = NULL;
	size_t nv = layouts(v, MAX_VERSIONS), lineno = 0;
	struct line l = { 0 };
	char **fld = NULL, why[512];
	int rc = -1, saved;

	if (version) {
		for (size_t i = 0; i < nv; i++)
			if (!strcmp(v[i].version, version))
				fixed = &v[i];
		if (!fixed) {
			errno = EINVAL;
			return -1;
		}
	}
	l.buf = malloc(LINE_BUF);
	fld = malloc(MAX_FIELDS * sizeof *fld);
	if (!l.buf || !fld) {
		errno = ENOMEM;
		goto out;
	}
	for (;;) {
		const struct layout *lay;
		struct cp_declog_row r = { 0 };
		const char *payload = NULL;
		size_t n;
		int got = read_line(f, &l);

		if (got < 0)
			goto out;
		if (got == 0)
			break;
		lineno++;
		if (!l.toolong && !l.nul && blank_line(l.buf))
			continue;
		if (cp_declog_stats(dl)->rows == CP_DECLOG_MAX_ROWS) {
			if (cp_declog_add_bad_row(
				    dl, 0, lineno,
				    "more than " CP_DECLOG_STR(
					    CP_DECLOG_MAX_ROWS) " lines; the rest "
								"of the log is not read"))
				goto out;
			break;
		}
		why[0] = '\0';
		if (l.toolong)
			snprintf(why, sizeof why, "line is %zu bytes long, more than %d", l.len,
				 CP_DECLOG_MAX_ROW);
		else if (l.nul)
			snprintf(why, sizeof why, "NUL byte in the line");
		else if (!(payload = cp_declog_syslog_payload(l.buf)))
			snprintf(why, sizeof why,
				 "not a PAN-OS syslog line (no "
				 "\"FUTURE_USE,YYYY/MM/DD HH:MM:SS,\" start of the log fields)");
		if (*why) {
			if (cp_declog_add_bad_row(dl, lineno, lineno, why))
				goto out;
			continue;
		}
		n = split_csv((char *)payload, fld, MAX_FIELDS);
		r.row = r.line = lineno;
		/* the type is the fourth field in every release; other log
		 * types have other field counts, so it is looked at first */
		r.type = n > 3 ? fld[3] : "";
		if (n > 3 && strcasecmp(r.type, "DECRYPTION")) {
			if (cp_declog_add_record(dl, &r))
				goto out;
			continue;
		}
		lay = fixed ? fixed : by_count(v, nv, n);
		if (n > MAX_FIELDS) {
			snprintf(why, sizeof why, "more than %d fields", MAX_FIELDS);
		} else if (!lay || n < lay->need) {
			size_t shortest = 0;
			for (size_t i = 0; i < nv; i++)
				if (!shortest || v[i].nfields < shortest)
					shortest = v[i].nfields;
			snprintf(why, sizeof why,
				 "%zu fields; a PAN-OS %s DECRYPTION line "
				 "has %zu",
				 n,
				 fixed ? fixed->version
				 : nv  ? "10.0 or later"
				       : "",
				 fixed ? fixed->nfields : shortest);
		}
		if (*why) {
			if (cp_declog_add_bad_row(dl, lineno, lineno, why))
				goto out;
			continue;
		}
		r.time = *fld[lay->at[SF_GENERATE]] ? fld[lay->at[SF_GENERATE]]
						    : fld[lay->at[SF_RECEIVE]];
		r.type = fld[lay->at[SF_TYPE]];
		r.dst = fld[lay->at[SF_DST]];
		r.dport = fld[lay->at[SF_DPORT]];
		r.sni = fld[lay->at[SF_SNI]];
		r.err_index = fld[lay->at[SF_ERR_INDEX]];
		r.error = fld[lay->at[SF_ERROR]];
		if (cp_declog_add_record(dl, &r))
			goto out;
	}
	rc = 0;
out:
	saved = errno;
	free(l.buf);
	free(fld);
	errno = saved;
	return rc;
}
