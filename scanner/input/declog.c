/* SPDX-License-Identifier: MIT */
/* Decryption-log exports; the format and the target text are in declog.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "input/declog.h"
#include "input/declog_int.h"
#include "util.h"

#define CP_DECLOG_XSTR(x) #x
#define CP_DECLOG_STR(x) CP_DECLOG_XSTR(x)

/* ---- which failures are the server's -------------------------------- */

enum rule_on { ON_INDEX, ON_TEXT };

/*
 * The first rule that matches a row decides; a row no rule matches (a
 * successful handshake, an unknown index with a neutral text) is filtered.
 * ON_INDEX compares the whole err_index, ON_TEXT looks for a substring of
 * the error text; case is ignored in both.  err_index takes the values
 * Cipher, Resource, Resume, Version, Protocol, Certificate, Feature, HSM
 * (PANOS.md, "Decryption log").
 */
static const struct side_rule {
	enum rule_on on;
	const char *match;
	bool server;
} side_rules[] = {
	/* an alert the browser sent: the client's leg of the proxy, which a
	 * scan of the server cannot explain, whatever the index says */
	{ ON_TEXT, "from client", false },
	/* a certificate the proxy refused (expired, untrusted, incomplete
	 * chain): the server's certificate, which the scan's verdict judges
	 * as the firewall does (its certificate axis) */
	{ ON_INDEX, "certificate", true },
	/* the firewall's own limits (decryption resources, session
	 * resumption, its HSM): no profile change helps */
	{ ON_INDEX, "resource", false },
	{ ON_INDEX, "resume", false },
	{ ON_INDEX, "hsm", false },
	/* the server accepted none of the suites or versions offered */
	{ ON_INDEX, "cipher", true },
	{ ON_INDEX, "version", true },
	{ ON_INDEX, "protocol", true },
	/* Feature and an empty index are used for both legs (ECH in the
	 * browser's hello, a server asking for a client certificate): the
	 * error text decides */
	{ ON_TEXT, "from server", true },
	{ ON_TEXT, "unsupported cipher", true },
	{ ON_TEXT, "unsupported version", true },
};

/* Whether needle occurs in hay, ASCII case ignored. */
static bool has_text(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

static bool server_side(const char *err_index, const char *error)
{
	for (size_t i = 0; i < sizeof side_rules / sizeof side_rules[0]; i++) {
		const struct side_rule *r = &side_rules[i];
		if (r->on == ON_INDEX ? !strcasecmp(err_index, r->match)
				      : has_text(error, r->match))
			return r->server;
	}
	return false;
}

/* ---- columns -------------------------------------------------------- */

enum col {
	COL_SNI,
	COL_DST,
	COL_DPORT,
	COL_ERR_INDEX,
	COL_ERROR,
	COL_TYPE,
	COL_TIME,
	COL_GENTIME,
	COL_N
};

/* Syslog field names and GUI display names, as normalised by norm_name. */
static const struct {
	const char *name;
	enum col col;
} col_names[] = {
	{ "sni", COL_SNI },
	{ "servernameindication", COL_SNI },
	{ "dst", COL_DST },
	{ "destination", COL_DST },
	{ "destinationaddress", COL_DST },
	{ "destinationip", COL_DST },
	{ "dport", COL_DPORT },
	{ "dstport", COL_DPORT },
	{ "destinationport", COL_DPORT },
	{ "errindex", COL_ERR_INDEX },
	{ "errorindex", COL_ERR_INDEX },
	{ "error", COL_ERROR },
	{ "type", COL_TYPE },
	{ "receivetime", COL_TIME },
	{ "generatetime", COL_GENTIME },
	{ "generatedtime", COL_GENTIME },
	{ "timegenerated", COL_GENTIME },
};

/* Lower-cases name into out without blanks, '_' and '-', so that
 * "Error Index", "err_index" and "ERROR-INDEX" compare equal.  A name too
 * long for out matches nothing (out is left empty). */
static void norm_name(const char *name, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *name; name++) {
		char c = *name;
		if (c == ' ' || c == '\t' || c == '_' || c == '-')
			continue;
		if (n + 1 >= outlen) {
			n = 0;
			break;
		}
		out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
}

/* ---- CSV records (RFC 4180) ----------------------------------------- */

enum csv_state {
	ST_START,    /* at the start of a field */
	ST_PLAIN,    /* in an unquoted field */
	ST_QUOTED,   /* in a quoted field */
	ST_QUOTE,    /* a quote in a quoted field: doubled or closing */
	ST_CLOSED,   /* after the closing quote */
	ST_CLOSED_CR /* a CR after the closing quote: the line end's, or junk */
};

/* The record's fields are stored NUL-terminated one after the other; a
 * field's own NUL bytes make the record an error, so they never matter.
 * Stored bytes never exceed the record's bytes plus one (quotes and commas
 * are dropped, each comma and the end add a terminator). */
#define CSV_BUF (CP_DECLOG_MAX_ROW + 8)

struct csv {
	FILE *f;
	unsigned char push[4]; /* bytes read ahead, the next one last */
	size_t npush;
	size_t lines; /* line ends consumed so far */
	char *buf;
	size_t len;
	size_t *fld; /* field starts in buf */
	size_t nfld, capfld;
};

/* What one record held besides its fields. */
struct csv_rec {
	size_t line;  /* physical line it starts on */
	size_t bytes; /* its length, line end excluded */
	bool toolong;
	size_t nul_field;   /* 1-based field holding a NUL byte, else 0 */
	const char *syntax; /* a quoting error, else NULL */
	size_t syntax_field;
};

static int csv_getc(struct csv *c)
{
	if (c->npush)
		return c->push[--c->npush];
	return getc(c->f);
}

/* Drops a UTF-8 byte-order mark at the start of the input; whatever was
 * read looking for one is pushed back. */
static void csv_skip_bom(struct csv *c)
{
	static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };
	unsigned char got[3];
	size_t n = 0;
	int ch;

	while (n < 3 && (ch = getc(c->f)) != EOF) {
		got[n++] = (unsigned char)ch;
		if (got[n - 1] != bom[n - 1])
			break;
	}
	if (n == 3 && got[2] == bom[2])
		return;
	while (n)
		c->push[c->npush++] = got[--n];
}

static void csv_put(struct csv *c, struct csv_rec *r, char ch)
{
	if (r->toolong)
		return;
	if (c->len >= CSV_BUF) {
		r->toolong = true;
		return;
	}
	c->buf[c->len++] = ch;
}

/* Starts a field at the end of the buffer. */
static int csv_start_field(struct csv *c, struct csv_rec *r)
{
	if (r->toolong)
		return 0;
	if (CP_GROW(c->fld, c->capfld, c->nfld + 1) < 0)
		return -1;
	c->fld[c->nfld++] = c->len;
	return 0;
}

/* Ends the current field and starts the next one. */
static int csv_next_field(struct csv *c, struct csv_rec *r)
{
	csv_put(c, r, '\0');
	return csv_start_field(c, r);
}

static void csv_syntax(struct csv *c, struct csv_rec *r, const char *what)
{
	if (!r->syntax) {
		r->syntax = what;
		r->syntax_field = c->nfld;
	}
}

/*
 * Reads one record into c's fields.  Returns 1, 0 at the end of the input,
 * or -1 (read error, or no memory with errno ENOMEM).  A record that is too
 * long, holds a NUL byte or is badly quoted is still read to its end, so
 * that the next one starts in the right place; r says what was wrong.
 */
static int csv_record(struct csv *c, struct csv_rec *r)
{
	enum csv_state state = ST_START;
	size_t raw = 0;
	bool last_cr = false; /* the last byte was a CR outside quotes */
	int ch;

	memset(r, 0, sizeof *r);
	r->line = c->lines + 1;
	c->len = 0;
	c->nfld = 0;
	if (csv_start_field(c, r))
		goto nomem;
	for (;;) {
		bool cr;

		ch = csv_getc(c);
		if (ch == EOF) {
			if (ferror(c->f))
				return -1;
			if (raw == 0)
				return 0;
			if (state == ST_QUOTED)
				csv_syntax(c, r, "unterminated quoted field");
			break;
		}
		if (ch == '\n') {
			c->lines++;
			if (state == ST_QUOTE)
				state = ST_CLOSED;
			if (state != ST_QUOTED)
				break;
		}
		if (++raw > CP_DECLOG_MAX_ROW + 1)
			r->toolong = true;
		if (ch == '\0' && !r->nul_field)
			r->nul_field = c->nfld;
		cr = ch == '\r' && (state == ST_START || state == ST_PLAIN);
		switch (state) {
		case ST_QUOTE:
			if (ch == '"') {
				csv_put(c, r, '"');
				state = ST_QUOTED;
				break;
			}
			state = ST_CLOSED;
			/* fall through */
		case ST_CLOSED:
			if (ch == ',') {
				if (csv_next_field(c, r))
					goto nomem;
				state = ST_START;
			} else if (ch == '\r') {
				state = ST_CLOSED_CR;
			} else {
				csv_syntax(c, r, "text after a closing quote");
				state = ST_PLAIN;
			}
			break;
		case ST_CLOSED_CR:
			csv_syntax(c, r, "carriage return after a closing quote");
			state = ch == ',' ? ST_START : ST_PLAIN;
			if (ch == ',' && csv_next_field(c, r))
				goto nomem;
			break;
		case ST_QUOTED:
			if (ch == '"')
				state = ST_QUOTE;
			else
				csv_put(c, r, (char)ch);
			break;
		case ST_START:
			if (ch == '"') {
				state = ST_QUOTED;
				break;
			}
			state = ST_PLAIN;
			/* fall through */
		case ST_PLAIN:
			/* a quote inside an unquoted field is kept, as most
			 * writers and readers do */
			if (ch == ',') {
				if (csv_next_field(c, r))
					goto nomem;
				state = ST_START;
			} else {
				csv_put(c, r, (char)ch);
			}
			break;
		}
		last_cr = cr;
	}
	/* the CR of a CRLF line end is no part of the record */
	if (state == ST_CLOSED_CR) {
		raw--;
	} else if (state == ST_PLAIN && last_cr) {
		raw--;
		if (!r->toolong)
			c->len--;
	}
	csv_put(c, r, '\0');
	r->bytes = raw;
	if (raw > CP_DECLOG_MAX_ROW)
		r->toolong = true;
	return 1;
nomem:
	errno = ENOMEM;
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Field i of the current record with blanks at both ends trimmed (in
 * place). */
static const char *csv_field(struct csv *c, size_t i)
{
	char *s = c->buf + c->fld[i];
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* ---- results -------------------------------------------------------- */

/* Longest time text kept (normalised or as given). */
#define TIME_MAX 40

/* A target or a bad row, kept until the whole export is read. */
struct rec {
	size_t row, line;
	size_t failures;
	char *text; /* NULL for an error */
	char *key;  /* what targets are merged by */
	char *err_index;
	char *error_text;
	char *error;
	char first[TIME_MAX], last[TIME_MAX];
	struct cp_target t;
};

struct cp_declog {
	struct rec *recs;
	size_t nrecs, caprecs;
	size_t *slots; /* open-addressing index of target recs by key:
	                         rec index + 1, 0 for an empty slot */
	size_t nslots, used;
	struct cp_declog_stats st;
};

static struct rec *new_rec(struct cp_declog *dl, size_t row, size_t line)
{
	struct rec *r;

	if (CP_GROW(dl->recs, dl->caprecs, dl->nrecs + 1) < 0)
		return NULL;
	r = &dl->recs[dl->nrecs++];
	memset(r, 0, sizeof *r);
	r->row = row;
	r->line = line;
	return r;
}

static void free_rec(struct rec *r)
{
	free(r->text);
	free(r->key);
	free(r->err_index);
	free(r->error_text);
	free(r->error);
	cp_target_free(&r->t);
}

/* Records an error for a row (or the file), not counting it; returns 0 or
 * -1 (no memory). */
static int add_error(struct cp_declog *dl, size_t row, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int add_error(struct cp_declog *dl, size_t row, size_t line, const char *fmt, ...)
{
	char msg[512];
	struct rec *r;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r = new_rec(dl, row, line);
	if (!r)
		goto nomem;
	r->error = strdup(msg);
	if (!r->error) {
		dl->nrecs--;
		goto nomem;
	}
	return 0;
nomem:
	errno = ENOMEM;
	return -1;
}

/* Counts a data row as bad and records why. */
static int bad_row(struct cp_declog *dl, size_t row, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad_row(struct cp_declog *dl, size_t row, size_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	dl->st.rows++;
	dl->st.bad++;
	return add_error(dl, row, line, "%s", msg);
}

/* FNV-1a: keys are short host names and addresses. */
static size_t hash_key(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/* The slot holding key, or the empty slot where it belongs. */
static size_t *find_slot(struct cp_declog *dl, const char *key)
{
	size_t i = hash_key(key) & (dl->nslots - 1);

	while (dl->slots[i] && strcmp(dl->recs[dl->slots[i] - 1].key, key))
		i = (i + 1) & (dl->nslots - 1);
	return &dl->slots[i];
}

/* Keeps the index at most half full. */
static int grow_index(struct cp_declog *dl)
{
	size_t *old = dl->slots, oldn = dl->nslots;
	size_t n = oldn ? oldn * 2 : 256;

	if (dl->used + 1 <= oldn / 2)
		return 0;
	dl->slots = calloc(n, sizeof *dl->slots);
	if (!dl->slots) {
		dl->slots = old;
		return -1;
	}
	dl->nslots = n;
	for (size_t i = 0; i < oldn; i++)
		if (old[i])
			*find_slot(dl, dl->recs[old[i] - 1].key) = old[i];
	free(old);
	return 0;
}

/* ---- times ------------------------------------------------------------ */

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * Writes t as "YYYY-MM-DDTHH:MM:SS" followed by whatever followed the
 * seconds (a fraction, "Z", an offset) when t is "YYYY/MM/DD HH:MM:SS"
 * (PAN-OS) or ISO 8601; as "YYYY-MM-DDTHH:MM:SSZ" when t is a count of
 * seconds, milliseconds or microseconds since the epoch (10, 13 or 16
 * digits); else t as given, cut to fit.  Returns whether the result sorts
 * as text (the first two forms).
 */
static bool norm_time(const char *t, char *out, size_t outlen)
{
	size_t n = strlen(t);

	if (n >= 19 && digits(t, 4) && (t[4] == '/' || t[4] == '-') && digits(t + 5, 2) &&
	    t[7] == t[4] && digits(t + 8, 2) && (t[10] == ' ' || t[10] == 'T') &&
	    digits(t + 11, 2) && t[13] == ':' && digits(t + 14, 2) && t[16] == ':' &&
	    digits(t + 17, 2)) {
		snprintf(out, outlen, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%s", t, t + 5, t + 8, t + 11,
			 t + 14, t + 17, t + 19);
		return true;
	}
	if ((n == 10 || n == 13 || n == 16) && digits(t, n)) {
		long long v = strtoll(t, NULL, 10);
		time_t secs = (time_t)(n == 10 ? v : n == 13 ? v / 1000 : v / 1000000);
		struct tm tm;
		if (gmtime_r(&secs, &tm) && strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
			return true;
	}
	snprintf(out, outlen, "%s", t);
	return false;
}

/* Merges a row's time into a target's first and last times: by value when
 * both sort as text, else the first row's time stays first and the latest
 * row's becomes last. */
static void merge_time(struct rec *r, const char *t)
{
	char norm[TIME_MAX], tmp[TIME_MAX];
	bool sorts;

	if (!t || !*t)
		return;
	sorts = norm_time(t, norm, sizeof norm);
	if (!*r->first) {
		snprintf(r->first, sizeof r->first, "%s", norm);
		snprintf(r->last, sizeof r->last, "%s", norm);
		return;
	}
	/* stored times are normalised already: normalising again only says
	 * whether they sort */
	if (sorts && norm_time(r->first, tmp, sizeof tmp)) {
		if (strncmp(norm, r->first, 19) < 0)
			snprintf(r->first, sizeof r->first, "%s", norm);
		if (!norm_time(r->last, tmp, sizeof tmp) || strncmp(norm, r->last, 19) >= 0)
			snprintf(r->last, sizeof r->last, "%s", norm);
		return;
	}
	snprintf(r->last, sizeof r->last, "%s", norm);
}

/* ---- rows ----------------------------------------------------------- */

/* A decimal port 1..65535 and nothing else. */
static bool parse_port(const char *s, unsigned *port)
{
	unsigned v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > 65535)
			return false;
	}
	*port = v;
	return v >= 1;
}

/*
 * Characters that cannot be in a name but would change what the target
 * text means ("a,b", "https://x", "h:1") are refused here, so that
 * cp_target_parse sees the SNI as a name and its message is about it.
 * Bytes from 0x80 up are left to cp_target_parse, which explains IDN.
 */
static int check_sni(const char *sni, char *err, size_t errlen)
{
	struct in_addr a4;

	for (const char *p = sni; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
			continue;
		if (c < 0x20 || c == 0x7F)
			cp_seterr(err, errlen, "control character 0x%02X in SNI", c);
		else
			cp_seterr(err, errlen, "character '%c' not allowed in SNI '%.64s'", c, sni);
		return -1;
	}
	if (inet_pton(AF_INET, sni, &a4) == 1) {
		cp_seterr(err, errlen,
			  "SNI '%.64s' is an IP address; SNI carries host "
			  "names only (RFC 6066)",
			  sni);
		return -1;
	}
	return 0;
}

/*
 * Turns a kept row into its target text (see declog.h) in *out.  Returns 0,
 * -1 with err set when the row is unusable, or -2 when memory ran out.
 */
static int target_text(const char *sni, const char *dst, const char *dport, char **out, char *err,
		       size_t errlen)
{
	unsigned char a[sizeof(struct in6_addr)];
	static const unsigned char zero[sizeof(struct in6_addr)];
	unsigned port;
	bool v6 = false;
	size_t n;
	char *text;

	*out = NULL;
	if (!*dst && !*sni) {
		cp_seterr(err, errlen, "neither a destination address nor an SNI");
		return -1;
	}
	if (!*dport) {
		cp_seterr(err, errlen, "empty destination port");
		return -1;
	}
	if (!parse_port(dport, &port)) {
		cp_seterr(err, errlen, "destination port '%.32s' is not a number from 1 to 65535",
			  dport);
		return -1;
	}
	if (*dst) {
		if (inet_pton(AF_INET, dst, a) == 1) {
			n = 4;
		} else if (inet_pton(AF_INET6, dst, a) == 1) {
			n = 16;
			v6 = true;
		} else {
			cp_seterr(err, errlen,
				  "destination address '%.64s' is not an IPv4 or "
				  "IPv6 address",
				  dst);
			return -1;
		}
		/* connecting to 0.0.0.0 or :: reaches this host, not the server */
		if (!memcmp(a, zero, n)) {
			cp_seterr(err, errlen, "destination address '%.64s' is unspecified", dst);
			return -1;
		}
	}
	if (*sni && check_sni(sni, err, errlen))
		return -1;
	n = strlen(dst) + strlen(sni) + 16;
	text = malloc(n);
	if (!text)
		return -2;
	if (!*dst)
		snprintf(text, n, "%s:%u", sni, port);
	else
		snprintf(text, n, v6 ? "[%s]:%u%s%s" : "%s:%u%s%s", dst, port, *sni ? "," : "",
			 sni);
	*out = text;
	return 0;
}

/* ---- the collector ---------------------------------------------------- */

struct cp_declog *cp_declog_new(void)
{
	struct cp_declog *dl = calloc(1, sizeof *dl);

	if (!dl)
		errno = ENOMEM;
	return dl;
}

const struct cp_declog_stats *cp_declog_stats(const struct cp_declog *dl)
{
	return &dl->st;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

int cp_declog_add_bad_row(struct cp_declog *dl, size_t row, size_t line, const char *why)
{
	if (!row)
		return add_error(dl, 0, line, "%s", why);
	return bad_row(dl, row, line, "%s", why);
}

int cp_declog_add_record(struct cp_declog *dl, const struct cp_declog_row *row)
{
	const char *sni = or_empty(row->sni), *dst = or_empty(row->dst);
	const char *dport = or_empty(row->dport), *type = or_empty(row->type);
	const char *err_index = or_empty(row->err_index), *error = or_empty(row->error);
	struct cp_target t = { 0 };
	char err[512];
	char *text = NULL, *key = NULL;
	struct rec *r;
	size_t *slot, klen;
	int rc = -1, prc;
	const char *name;

	if (*type && strcasecmp(type, "DECRYPTION")) {
		dl->st.rows++;
		dl->st.skipped++;
		return 0;
	}
	/* only rows that would be scanned need valid addresses */
	if (!server_side(err_index, error)) {
		dl->st.rows++;
		dl->st.filtered++;
		return 0;
	}
	prc = target_text(sni, dst, dport, &text, err, sizeof err);
	if (prc == -2)
		goto out;
	if (prc)
		return bad_row(dl, row->row, row->line, "%s", err);
	prc = cp_target_parse(text, &t, err, sizeof err);
	if (prc == CP_TARGET_NOMEM)
		goto out;
	if (prc) {
		rc = bad_row(dl, row->row, row->line, "%s", err);
		goto out;
	}
	/* merged by (SNI, destination, port): the very server the firewall
	 * talked to, with the name it saw.  Blanks cannot occur in either
	 * part, so "SNI DST PORT" is unambiguous. */
	name = t.sni ? t.sni : "";
	klen = strlen(name) + strlen(t.host) + 10;
	key = malloc(klen);
	if (!key)
		goto out;
	snprintf(key, klen, "%s %s %u", name, t.host, (unsigned)t.port);
	if (grow_index(dl))
		goto out;
	slot = find_slot(dl, key);
	if (*slot) {
		r = &dl->recs[*slot - 1];
		r->failures++;
		merge_time(r, row->time);
		dl->st.rows++;
		dl->st.kept++;
		dl->st.duplicates++;
		rc = 0;
		goto out;
	}
	r = new_rec(dl, row->row, row->line);
	if (!r)
		goto out;
	r->failures = 1;
	r->err_index = strdup(err_index);
	r->error_text = strdup(error);
	r->text = text;
	r->key = key;
	r->t = t;
	text = key = NULL;
	memset(&t, 0, sizeof t);
	if (!r->err_index || !r->error_text) {
		free_rec(r);
		dl->nrecs--;
		goto out;
	}
	merge_time(r, row->time);
	*slot = dl->nrecs;
	dl->used++;
	dl->st.rows++;
	dl->st.kept++;
	dl->st.targets++;
	rc = 0;
out:
	if (rc)
		errno = ENOMEM;
	cp_target_free(&t);
	free(text);
	free(key);
	return rc;
}

static void clear(struct cp_declog *dl)
{
	for (size_t i = 0; i < dl->nrecs; i++)
		free_rec(&dl->recs[i]);
	free(dl->recs);
	free(dl->slots);
	memset(dl, 0, sizeof *dl);
}

int cp_declog_report(struct cp_declog *dl, const char *name, cp_declog_fn fn, void *data,
		     struct cp_declog_stats *st)
{
	int rc = 0;

	if (st)
		*st = dl->st;
	for (size_t i = 0; i < dl->nrecs && !rc; i++) {
		struct rec *r = &dl->recs[i];
		struct cp_declog_entry e = {
			.name = name,
			.row = r->row,
			.line = r->line,
			.text = r->text,
			.target = r->error ? NULL : &r->t,
			.failures = r->failures,
			.err_index = r->err_index ? r->err_index : "",
			.error_text = r->error_text ? r->error_text : "",
			.error = r->error,
			.first_seen = r->first,
			.last_seen = r->last,
		};
		rc = fn(&e, data);
	}
	clear(dl);
	return rc;
}

void cp_declog_free(struct cp_declog *dl)
{
	if (!dl)
		return;
	clear(dl);
	free(dl);
}

/* ---- the GUI CSV export: rows ------------------------------------------ */

struct reader {
	struct csv csv;
	int col[COL_N]; /* field index of each column, -1 if absent */
	size_t ncols;   /* fields in the header */
	struct cp_declog *dl;
};

static const char *value(struct reader *rd, enum col col)
{
	return rd->col[col] < 0 ? "" : csv_field(&rd->csv, (size_t)rd->col[col]);
}

/* Files a data row; returns 0 or -1 (no memory). */
static int one_row(struct reader *rd, const struct csv_rec *cr, size_t row)
{
	struct cp_declog_row r = { .row = row, .line = cr->line };

	if (cr->toolong)
		return bad_row(rd->dl, row, cr->line,
			       "row is %zu bytes long, more than " CP_DECLOG_STR(CP_DECLOG_MAX_ROW),
			       cr->bytes);
	if (cr->nul_field)
		return bad_row(rd->dl, row, cr->line, "NUL byte in field %zu", cr->nul_field);
	if (cr->syntax)
		return bad_row(rd->dl, row, cr->line, "%s in field %zu", cr->syntax,
			       cr->syntax_field);
	if (rd->csv.nfld != rd->ncols)
		return bad_row(rd->dl, row, cr->line, "%zu fields where the header has %zu",
			       rd->csv.nfld, rd->ncols);
	r.type = value(rd, COL_TYPE);
	r.time = rd->col[COL_GENTIME] >= 0 ? value(rd, COL_GENTIME) : value(rd, COL_TIME);
	r.sni = value(rd, COL_SNI);
	r.dst = value(rd, COL_DST);
	r.dport = value(rd, COL_DPORT);
	r.err_index = value(rd, COL_ERR_INDEX);
	r.error = value(rd, COL_ERROR);
	return cp_declog_add_record(rd->dl, &r);
}

/* ---- header --------------------------------------------------------- */

/*
 * Maps the header's columns; returns 0, 1 when the header is unusable (an
 * error for the file has been recorded), or -1 (no memory).
 */
static int header(struct reader *rd, const struct csv_rec *cr, size_t row)
{
	char missing[256] = "";
	char norm[64];
	size_t i, k;

	if (cr->toolong || cr->nul_field || cr->syntax) {
		if (cr->toolong)
			return add_error(rd->dl, row, cr->line,
					 "header row is %zu bytes long, "
					 "more than " CP_DECLOG_STR(CP_DECLOG_MAX_ROW),
					 cr->bytes)
				       ? -1
				       : 1;
		if (cr->nul_field)
			return add_error(rd->dl, row, cr->line,
					 "NUL byte in field %zu of the "
					 "header row",
					 cr->nul_field)
				       ? -1
				       : 1;
		return add_error(rd->dl, row, cr->line, "%s in field %zu of the header row",
				 cr->syntax, cr->syntax_field)
			       ? -1
			       : 1;
	}
	for (k = 0; k < COL_N; k++)
		rd->col[k] = -1;
	rd->ncols = rd->csv.nfld;
	for (i = 0; i < rd->ncols; i++) {
		norm_name(csv_field(&rd->csv, i), norm, sizeof norm);
		for (k = 0; k < sizeof col_names / sizeof col_names[0]; k++)
			/* the first column of a kind wins */
			if (!strcmp(norm, col_names[k].name) && rd->col[col_names[k].col] < 0)
				rd->col[col_names[k].col] = (int)i;
	}
	if (rd->col[COL_DST] < 0 && rd->col[COL_SNI] < 0)
		snprintf(missing, sizeof missing,
			 "a destination address or server name "
			 "(dst, sni; \"Destination address\", \"Server Name Indication\")");
	if (rd->col[COL_DPORT] < 0)
		snprintf(missing + strlen(missing), sizeof missing - strlen(missing),
			 "%sthe destination port (dport; \"Destination Port\")",
			 *missing ? "; " : "");
	if (rd->col[COL_ERR_INDEX] < 0 && rd->col[COL_ERROR] < 0)
		snprintf(missing + strlen(missing), sizeof missing - strlen(missing),
			 "%sthe error (err_index, error; \"Error Index\", \"Error\")",
			 *missing ? "; " : "");
	if (!*missing)
		return 0;
	return add_error(rd->dl, row, cr->line,
			 "the header row names no column for %s; "
			 "the first row must name the columns, as a PAN-OS export does",
			 missing)
		       ? -1
		       : 1;
}

/* ---- reading and reporting ------------------------------------------ */

/* Reads the whole export into rd->recs; returns 0 or -1 (errno set). */
static int read_all(struct reader *rd)
{
	struct csv_rec cr;
	bool have_header = false;
	size_t row = 0;
	int rc;

	csv_skip_bom(&rd->csv);
	for (;;) {
		rc = csv_record(&rd->csv, &cr);
		if (rc <= 0)
			break;
		row++;
		/* an empty line, or one of blanks only */
		if (!cr.toolong && !cr.nul_field && !cr.syntax && rd->csv.nfld == 1 &&
		    !*csv_field(&rd->csv, 0))
			continue;
		if (!have_header) {
			have_header = true;
			rc = header(rd, &cr, row);
			if (rc)
				break;
			continue;
		}
		if (rd->dl->st.rows == CP_DECLOG_MAX_ROWS) {
			rc = add_error(
				rd->dl, row, cr.line,
				"more than " CP_DECLOG_STR(
					CP_DECLOG_MAX_ROWS) " data rows; the rest of the export is not read");
			break;
		}
		rc = one_row(rd, &cr, row);
		if (rc)
			break;
	}
	if (rc < 0)
		return -1;
	if (!have_header && add_error(rd->dl, 0, 0, "empty file: no header row naming the columns"))
		return -1;
	return 0;
}

/* The GUI CSV export (and any CSV whose first row names the columns). */
int cp_declog_read_gui_csv(FILE *f, struct cp_declog *dl)
{
	struct reader rd = { .csv = { .f = f }, .dl = dl };
	int rc = -1, saved;

	rd.csv.buf = malloc(CSV_BUF);
	if (!rd.csv.buf) {
		errno = ENOMEM;
		goto out;
	}
	rc = read_all(&rd);
out:
	saved = errno;
	free(rd.csv.fld);
	free(rd.csv.buf);
	errno = saved;
	return rc;
}

/* ---- forms -------------------------------------------------------------- */

const char *cp_declog_form_name(int form)
{
	switch (form) {
	case CP_DECLOG_GUI_CSV: return "gui-csv";
	case CP_DECLOG_SYSLOG: return "syslog";
	case CP_DECLOG_HTTP_JSON: return "http-json";
	case CP_DECLOG_CDL_JSON: return "cdl-json";
	case CP_DECLOG_JSON: return "json";
	default: return "auto";
	}
}

int cp_declog_format_parse(const char *s, struct cp_declog_format *out, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum cp_declog_form form;
	} names[] = {
		{ "auto", CP_DECLOG_AUTO },           { "gui-csv", CP_DECLOG_GUI_CSV },
		{ "csv", CP_DECLOG_GUI_CSV },         { "syslog", CP_DECLOG_SYSLOG },
		{ "http-json", CP_DECLOG_HTTP_JSON }, { "cdl-json", CP_DECLOG_CDL_JSON },
		{ "json", CP_DECLOG_JSON },
	};

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i].name)) {
			out->form = names[i].form;
			return 0;
		}
	if (!strncmp(s, "syslog-", 7) && strlen(s + 7) < sizeof out->version &&
	    cp_declog_syslog_version_known(s + 7)) {
		out->form = CP_DECLOG_SYSLOG;
		snprintf(out->version, sizeof out->version, "%s", s + 7);
		return 0;
	}
	cp_seterr(err, errlen,
		  "unknown log format '%.64s' (auto, gui-csv, syslog, "
		  "syslog-VERSION for a PAN-OS release such as syslog-10.1 or syslog-11.0, "
		  "http-json, cdl-json)",
		  s);
	return -1;
}

/* What detection read ahead, given back before the rest of the file. */
struct replay {
	FILE *f;
	char *pre;
	size_t npre, ipre;
};

static ssize_t replay_read(void *cookie, char *buf, size_t size)
{
	struct replay *r = cookie;
	size_t n = 0;

	if (r->ipre < r->npre) {
		n = r->npre - r->ipre < size ? r->npre - r->ipre : size;
		memcpy(buf, r->pre + r->ipre, n);
		r->ipre += n;
		return (ssize_t)n;
	}
	n = fread(buf, 1, size, r->f);
	if (n == 0 && ferror(r->f))
		return -1;
	return (ssize_t)n;
}

#define PEEK_MAX (CP_DECLOG_MAX_ROW + 16)

/* Reads ahead to the end of the first non-empty line (at most PEEK_MAX
 * bytes) and says what the input looks like. */
static int detect(struct replay *r, enum cp_declog_form *form)
{
	size_t start = 0, i;
	int ch;
	bool seen = false;

	r->pre = malloc(PEEK_MAX + 1);
	if (!r->pre) {
		errno = ENOMEM;
		return -1;
	}
	while (r->npre < PEEK_MAX && (ch = getc(r->f)) != EOF) {
		r->pre[r->npre++] = (char)ch;
		if (ch == '\n' && seen)
			break;
		if (ch != '\n' && ch != '\r' && ch != ' ' && ch != '\t' &&
		    !(r->npre <= 3 && (unsigned char)ch >= 0x80))
			seen = true;
	}
	if (ferror(r->f))
		return -1;
	r->pre[r->npre] = '\0';
	if (r->npre >= 3 && !memcmp(r->pre, "\xEF\xBB\xBF", 3))
		start = 3;
	for (i = start; i < r->npre && strchr(" \t\r\n", r->pre[i]); i++)
		if (r->pre[i] == '\n')
			start = i + 1;
	*form = CP_DECLOG_GUI_CSV;
	if (i < r->npre && (r->pre[i] == '{' || r->pre[i] == '['))
		*form = CP_DECLOG_JSON;
	else if (i < r->npre && !memchr(r->pre + start, '\0', r->npre - start) &&
		 cp_declog_syslog_payload(r->pre + start))
		*form = CP_DECLOG_SYSLOG;
	return 0;
}

int cp_declog_read_as(FILE *f, const char *name, const struct cp_declog_format *fmt,
		      cp_declog_fn fn, void *data, struct cp_declog_stats *st)
{
	static const cookie_io_functions_t io = { .read = replay_read };
	struct replay r = { .f = f };
	enum cp_declog_form form = fmt ? fmt->form : CP_DECLOG_AUTO;
	struct cp_declog *dl = NULL;
	FILE *in = f;
	int rc = -1, saved;

	if (form == CP_DECLOG_AUTO) {
		if (detect(&r, &form))
			goto out;
		in = fopencookie(&r, "r", io);
		if (!in) {
			in = f;
			goto out;
		}
	}
	dl = cp_declog_new();
	if (!dl)
		goto out;
	switch (form) {
	case CP_DECLOG_SYSLOG:
		rc = cp_declog_read_syslog(in, dl, fmt && *fmt->version ? fmt->version : NULL);
		break;
	case CP_DECLOG_HTTP_JSON: rc = cp_declog_read_json(in, dl, CP_DECLOG_KEYS_HTTP); break;
	case CP_DECLOG_CDL_JSON: rc = cp_declog_read_json(in, dl, CP_DECLOG_KEYS_CDL); break;
	case CP_DECLOG_JSON:
		rc = cp_declog_read_json(in, dl, CP_DECLOG_KEYS_HTTP | CP_DECLOG_KEYS_CDL);
		break;
	default: rc = cp_declog_read_gui_csv(in, dl); break;
	}
	if (rc == 0 && ferror(in))
		rc = -1;
	if (rc == 0) {
		struct cp_declog_stats s = *cp_declog_stats(dl);
		s.form = (int)form;
		if (st)
			*st = s;
		dl->st.form = (int)form;
		rc = cp_declog_report(dl, name, fn, data, NULL);
	}
out:
	saved = errno;
	if (in != f)
		fclose(in);
	cp_declog_free(dl);
	free(r.pre);
	errno = saved;
	return rc;
}

int cp_declog_read(FILE *f, const char *name, cp_declog_fn fn, void *data,
		   struct cp_declog_stats *st)
{
	return cp_declog_read_as(f, name, NULL, fn, data, st);
}
