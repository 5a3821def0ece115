/* SPDX-License-Identifier: MIT */
/*
 * CSV output (output/csv.h): the RFC 4180 cell writer with the formula
 * guard, the per-target and per-suite rows, and the two writers, which
 * keep input order the way the JSON writer does.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/csv.h"
#include "output/sanitize.h"
#include "policy/advise.h"
#include "registry.h"
#include "util.h"

/* ---- cells ------------------------------------------------------------ */

bool cp_csv_is_formula(const char *s)
{
	return s && s[0] && strchr("=+-@\t\r", s[0]);
}

bool cp_csv_needs_quotes(const char *s)
{
	return s && (cp_csv_is_formula(s) || strpbrk(s, ",\"\r\n"));
}

size_t cp_csv_cell(char *dst, size_t cap, const char *s)
{
	size_t n = 0;
	bool quote = cp_csv_needs_quotes(s);

#define PUT(c) \
	do { \
		if (n + 1 < cap) \
			dst[n] = (c); \
		n++; \
	} while (0)
	if (quote) {
		PUT('"');
		if (cp_csv_is_formula(s))
			PUT('\'');
	}
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '"')
			PUT('"');
		PUT(*p);
	}
	if (quote)
		PUT('"');
#undef PUT
	if (cap)
		dst[n < cap ? n : cap - 1] = '\0';
	return n;
}

/* ---- rows ------------------------------------------------------------- */

static bool grow(struct cp_csv_row *row, size_t more)
{
	if (row->err)
		return false;
	if (more < row->cap - row->len)
		return true;
	if (more >= SIZE_MAX - row->len || CP_GROW(row->buf, row->cap, row->len + more + 1) < 0) {
		row->err = true;
		return false;
	}
	return true;
}

static void raw(struct cp_csv_row *row, const char *s, size_t n)
{
	if (!grow(row, n))
		return;
	memcpy(row->buf + row->len, s, n);
	row->len += n;
	row->buf[row->len] = '\0';
}

static void sep(struct cp_csv_row *row)
{
	if (row->cells++)
		raw(row, ",", 1);
}

void cp_csv_text(struct cp_csv_row *row, const char *s)
{
	size_t need = cp_csv_cell(NULL, 0, s);

	sep(row);
	if (!grow(row, need))
		return;
	cp_csv_cell(row->buf + row->len, need + 1, s);
	row->len += need;
}

void cp_csv_num(struct cp_csv_row *row, long long v)
{
	char b[24];
	int n = snprintf(b, sizeof b, "%lld", v);

	sep(row);
	raw(row, b, (size_t)n);
}

void cp_csv_eol(struct cp_csv_row *row)
{
	raw(row, "\r\n", 2);
	row->cells = 0;
}

void cp_csv_row_free(struct cp_csv_row *row)
{
	free(row->buf);
	memset(row, 0, sizeof *row);
}

/* An outside string made safe for a terminal (the text writer's rules):
 * then only our own separators can put a control character in a cell. */
static void safe_text(struct cp_csv_row *row, const char *s)
{
	char *clean;

	if (!s) {
		cp_csv_text(row, NULL);
		return;
	}
	clean = cp_sanitize(s);
	if (!clean)
		row->err = true;
	cp_csv_text(row, clean ? clean : "");
	free(clean);
}

/* Joins sanitised parts with sep into one cell. */
static void joined(struct cp_csv_row *row, char *const *parts, size_t n, const char *sepstr)
{
	struct cp_csv_row j = { 0 };

	raw(&j, "", 0);
	for (size_t i = 0; i < n; i++) {
		char *clean = cp_sanitize(parts[i] ? parts[i] : "");
		if (!clean) {
			j.err = true;
			break;
		}
		if (i)
			raw(&j, sepstr, strlen(sepstr));
		raw(&j, clean, strlen(clean));
		free(clean);
	}
	if (j.err)
		row->err = true;
	cp_csv_text(row, j.err ? "" : j.buf);
	cp_csv_row_free(&j);
}

bool cp_csv_days_left(const char *not_after, time_t now, long long *days)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, s;
	char z = 0, extra;
	time_t t;
	long long diff;

	if (!not_after ||
	    sscanf(not_after, "%4d-%2d-%2dT%2d:%2d:%2d%c%c", &y, &mo, &d, &h, &mi, &s, &z,
		   &extra) != 7 ||
	    z != 'Z')
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y < 1900)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return false;
	diff = (long long)t - (long long)now;
	/* rounded down, also below zero */
	*days = diff >= 0 ? diff / 86400 : -((-diff + 86399) / 86400);
	return true;
}

const char *const cp_csv_target_columns[] = {
	"target",         "host",           "port",       "sni",         "address",
	"status",         "error_kind",     "error",      "versions",    "suites_accepted",
	"weakest_suite",  "verdict",        "fix",        "fix_command", "causes",
	"cert_not_after", "cert_days_left", "scanned_at", NULL,
};

const char *const cp_csv_suite_columns[] = {
	"target", "host", "port", "address", "version", "suite", "id", "strength", "allowed", NULL,
};

static void header(struct cp_csv_row *row, const char *const *cols)
{
	for (size_t i = 0; cols[i]; i++)
		cp_csv_text(row, cols[i]);
	cp_csv_eol(row);
}

/* "compatible", "incompatible", "fails-without-decryption" (a cause the
 * client itself blocks: the browser fails without the proxy too) or
 * "none" (no verdict: an error, or --no-verdict). */
static const char *verdict_word(const struct cp_verdict *v)
{
	if (!v)
		return "none";
	if (v->compatible)
		return "compatible";
	for (size_t i = 0; i < v->ncauses; i++)
		if (v->causes[i].blocked_by == CP_BY_CLIENT)
			return "fails-without-decryption";
	return "incompatible";
}

static bool seen_suite(const struct cp_result *r, int upto, size_t upto_i, uint16_t id)
{
	for (int p = CP_P_SSL3; p <= upto; p++) {
		const struct cp_proto_result *pr = &r->proto[p];
		size_t n = p == upto ? upto_i : pr->nsuites;
		for (size_t i = 0; i < n && i < pr->nsuites; i++)
			if (pr->suites[i] == id)
				return true;
	}
	return false;
}

void cp_csv_target_row(struct cp_csv_row *row, const struct cp_result *r, time_t now)
{
	const struct cp_verdict *v = r->verdict;
	char *vers[CP_P__COUNT];
	size_t nvers = 0, count = 0;
	const char *weakest = NULL;
	int weak_rank = CP_STRENGTH__COUNT;
	char when[32];
	struct tm tm;
	long long days;

	safe_text(row, r->input ? r->input : "");
	safe_text(row, r->host);
	if (r->port)
		cp_csv_num(row, r->port);
	else
		cp_csv_text(row, NULL);
	safe_text(row, r->sni);
	safe_text(row, r->address);
	cp_csv_text(row, r->ok ? "ok" : "error");
	cp_csv_text(row, r->ok ? NULL : cp_err_kind_name(r->err_kind));
	safe_text(row, r->ok ? NULL : (r->err_msg ? r->err_msg : ""));

	for (int p = 0; p < CP_P__COUNT; p++) {
		const struct cp_proto_result *pr = &r->proto[p];
		if (pr->probed && pr->supported)
			vers[nvers++] = (char *)cp_proto_name((enum cp_proto)p);
		if (p == CP_P_SSL2) {
			for (size_t i = 0; i < pr->nkinds; i++) {
				const struct cp_sslv2_kind *k = cp_sslv2_by_id(pr->kinds[i]);
				count++;
				if (k && (int)k->strength < weak_rank) {
					weak_rank = (int)k->strength;
					weakest = k->name;
				}
			}
			continue;
		}
		for (size_t i = 0; i < pr->nsuites; i++) {
			const struct cp_suite *s = cp_suite_by_id(pr->suites[i]);
			if (!seen_suite(r, p, i, pr->suites[i]))
				count++;
			if (s && (int)s->strength < weak_rank) {
				weak_rank = (int)s->strength;
				weakest = s->name;
			}
		}
	}
	joined(row, vers, nvers, " ");
	cp_csv_num(row, (long long)count);
	cp_csv_text(row, weakest);
	cp_csv_text(row, verdict_word(v));
	if (v && v->fix) {
		joined(row, v->fix->changes, v->fix->nchanges, " ");
		joined(row, v->commands, v->ncommands, "\n");
	} else {
		cp_csv_text(row, NULL);
		cp_csv_text(row, NULL);
	}
	if (v && v->ncauses) {
		char **c = calloc(v->ncauses, sizeof *c);
		bool ok = c != NULL;
		for (size_t i = 0; ok && i < v->ncauses; i++) {
			const char *a = cp_axis_name(v->causes[i].axis);
			const char *b = cp_party_name(v->causes[i].blocked_by);
			size_t n = strlen(a) + strlen(b) + 2;
			if (!(c[i] = malloc(n)))
				ok = false;
			else
				snprintf(c[i], n, "%s:%s", a, b);
		}
		if (ok)
			joined(row, c, v->ncauses, " ");
		else {
			row->err = true;
			cp_csv_text(row, NULL);
		}
		for (size_t i = 0; c && i < v->ncauses; i++)
			free(c[i]);
		free(c);
	} else {
		cp_csv_text(row, NULL);
	}
	if (r->cert.present && r->cert.not_after) {
		safe_text(row, r->cert.not_after);
		if (cp_csv_days_left(r->cert.not_after, now, &days))
			cp_csv_num(row, days);
		else
			cp_csv_text(row, NULL);
	} else {
		cp_csv_text(row, NULL);
		cp_csv_text(row, NULL);
	}
	if (gmtime_r(&now, &tm) && strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
		cp_csv_text(row, when);
	else
		cp_csv_text(row, NULL);
	cp_csv_eol(row);
}

static void suite_row(struct cp_csv_row *row, const struct cp_result *r, const char *version,
		      const char *name, const char *id, const char *strength, const char *allowed)
{
	safe_text(row, r->input ? r->input : "");
	safe_text(row, r->host);
	if (r->port)
		cp_csv_num(row, r->port);
	else
		cp_csv_text(row, NULL);
	safe_text(row, r->address);
	cp_csv_text(row, version);
	cp_csv_text(row, name);
	cp_csv_text(row, id);
	cp_csv_text(row, strength);
	cp_csv_text(row, allowed);
	cp_csv_eol(row);
}

void cp_csv_suite_rows(struct cp_csv_row *row, const struct cp_result *r,
		       bool (*allowed)(const void *data, uint16_t suite, uint16_t wire),
		       const void *data)
{
	char id[16];

	for (int p = 0; p < CP_P__COUNT; p++) {
		const struct cp_proto_result *pr = &r->proto[p];
		const char *vn = cp_proto_name((enum cp_proto)p);
		if (!pr->probed)
			continue;
		if (p == CP_P_SSL2) {
			for (size_t i = 0; i < pr->nkinds; i++) {
				const struct cp_sslv2_kind *k = cp_sslv2_by_id(pr->kinds[i]);
				snprintf(id, sizeof id, "0x%06" PRIX32, pr->kinds[i] & 0xFFFFFFu);
				/* PAN-OS never decrypts SSLv2 */
				suite_row(row, r, vn, k ? k->name : NULL, id,
					  k ? cp_strength_name(k->strength) : NULL,
					  allowed ? "no" : NULL);
			}
			continue;
		}
		for (size_t i = 0; i < pr->nsuites; i++) {
			const struct cp_suite *s = cp_suite_by_id(pr->suites[i]);
			snprintf(id, sizeof id, "0x%04" PRIX16, pr->suites[i]);
			suite_row(row, r, vn, s ? s->name : NULL, id,
				  s ? cp_strength_name(s->strength) : NULL,
				  !allowed ? NULL
				  : allowed(data, pr->suites[i], cp_proto_wire((enum cp_proto)p))
					  ? "yes"
					  : "no");
		}
	}
}

/* ---- writers ------------------------------------------------------------ */

struct csv_state {
	bool suites;
	char **pend; /* pend[i]: rows of target i, held until 0..i-1 are written */
	size_t *plen;
	unsigned char *complete; /* the last record of target i has come */
	size_t cap, next;
};

static int io_fail(struct cp_out *o)
{
	if (!o->err)
		o->err = errno ? errno : EIO;
	return -1;
}

static void csv_cleanup(struct cp_out *o)
{
	struct csv_state *st = o->priv;

	if (!st)
		return;
	for (size_t i = 0; i < st->cap; i++)
		free(st->pend[i]);
	free(st->pend);
	free(st->plen);
	free(st->complete);
	free(st);
	o->priv = NULL;
}

static int begin(struct cp_out *o, bool suites)
{
	struct cp_csv_row row = { 0 };
	int rc = -1;

	csv_cleanup(o);
	o->priv = calloc(1, sizeof(struct csv_state));
	if (!o->priv) {
		o->err = ENOMEM;
		return -1;
	}
	((struct csv_state *)o->priv)->suites = suites;
	header(&row, suites ? cp_csv_suite_columns : cp_csv_target_columns);
	errno = 0;
	if (row.err)
		o->err = ENOMEM;
	else if (fwrite(row.buf, 1, row.len, o->f) != row.len)
		io_fail(o);
	else
		rc = 0;
	cp_csv_row_free(&row);
	return rc;
}

static int csv_begin(struct cp_out *o)
{
	return begin(o, false);
}

static int csv_suites_begin(struct cp_out *o)
{
	return begin(o, true);
}

static int drain(struct cp_out *o, struct csv_state *st, bool all)
{
	for (; st->next < st->cap; st->next++) {
		size_t i = st->next;
		if (!all && !st->complete[i])
			break;
		if (st->pend[i]) {
			errno = 0;
			if (fwrite(st->pend[i], 1, st->plen[i], o->f) != st->plen[i])
				return io_fail(o);
			free(st->pend[i]);
			st->pend[i] = NULL;
		}
	}
	errno = 0;
	if (fflush(o->f) == EOF)
		return io_fail(o);
	return 0;
}

static int csv_target(struct cp_out *o, const struct cp_result *r)
{
	struct csv_state *st = o->priv;
	struct cp_csv_row row = { 0 };
	char *p;

	if (!st || r->index < st->next || (r->index < st->cap && st->complete[r->index])) {
		o->err = EINVAL;
		return -1;
	}
	if (r->index >= st->cap) {
		/* three parallel arrays, one capacity */
		size_t ncap = cp_grow_cap(st->cap, r->index + 1, sizeof *st->pend);

		if (ncap == 0 || CP_RESIZE(st->pend, ncap) < 0 || CP_RESIZE(st->plen, ncap) < 0 ||
		    CP_RESIZE(st->complete, ncap) < 0) {
			o->err = ENOMEM;
			return -1;
		}
		for (size_t i = st->cap; i < ncap; i++) {
			st->pend[i] = NULL;
			st->plen[i] = 0;
			st->complete[i] = 0;
		}
		st->cap = ncap;
	}
	if (st->suites)
		cp_csv_suite_rows(&row, r, o->suite_allowed, o->suite_allowed_data);
	else
		cp_csv_target_row(&row, r, time(NULL));
	if (row.err) {
		cp_csv_row_free(&row);
		o->err = ENOMEM;
		return -1;
	}
	if (row.len) {
		p = realloc(st->pend[r->index], st->plen[r->index] + row.len + 1);
		if (!p) {
			cp_csv_row_free(&row);
			o->err = ENOMEM;
			return -1;
		}
		memcpy(p + st->plen[r->index], row.buf, row.len + 1);
		st->pend[r->index] = p;
		st->plen[r->index] += row.len;
	}
	cp_csv_row_free(&row);
	st->complete[r->index] = !r->more;
	return drain(o, st, false);
}

static int csv_end(struct cp_out *o, const struct cp_summary *s)
{
	struct csv_state *st = o->priv;
	int rc;

	(void)s;
	if (!st) {
		o->err = EINVAL;
		return -1;
	}
	/* targets that never arrived leave gaps: keep the rest in order */
	rc = drain(o, st, true);
	if (!rc && ferror(o->f))
		rc = io_fail(o);
	csv_cleanup(o);
	return rc;
}

const struct cp_output_ops cp_output_csv = {
	.name = "csv",
	.begin = csv_begin,
	.target = csv_target,
	.end = csv_end,
	.cleanup = csv_cleanup,
};

const struct cp_output_ops cp_output_csv_suites = {
	.name = "csv-suites",
	.begin = csv_suites_begin,
	.target = csv_target,
	.end = csv_end,
	.cleanup = csv_cleanup,
};
