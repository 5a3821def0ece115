/* SPDX-License-Identifier: MIT */
/*
 * Prometheus text exposition of a scan (metrics.h): per-target records
 * collected as results arrive, every family printed once at the end.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/metrics.h"
#include "output/sanitize.h"
#include "policy/advise.h"
#include "util.h"

struct mtarget {
	char *labels; /* target="...",host="...",port="...",sni="...",address="..." */
	bool ok;
	int compatible; /* -1: no verdict */
	bool have_expiry;
	time_t not_after;
	bool probed[CP_P__COUNT];
	size_t suites[CP_P__COUNT];
	size_t causes[CP_AXIS__COUNT];
	bool dup; /* same labels as an earlier record: not written */
};

struct cp_metrics {
	struct mtarget *t;
	size_t n, cap;
};

struct cp_metrics *cp_metrics_new(void)
{
	return calloc(1, sizeof(struct cp_metrics));
}

void cp_metrics_free(struct cp_metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->t[i].labels);
	free(m->t);
	free(m);
}

/* A growing string; on failure it stays failed and holds nothing. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool nomem;
};

static void sb_putn(struct sbuf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	if (n >= SIZE_MAX - b->len || CP_GROW(b->s, b->cap, b->len + n + 1) < 0) {
		free(b->s);
		b->s = NULL;
		b->nomem = true;
		return;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

/* name="value", the value made UTF-8 and escaped per the exposition
 * format (backslash, double quote, line feed). */
static void sb_label(struct sbuf *b, const char *name, const char *value, bool comma)
{
	char *clean = cp_sanitize_utf8(value ? value : "");

	if (!clean) {
		b->nomem = true;
		free(b->s);
		b->s = NULL;
		return;
	}
	if (comma)
		sb_puts(b, ",");
	sb_puts(b, name);
	sb_puts(b, "=\"");
	for (const char *p = clean; *p; p++) {
		if (*p == '\\')
			sb_puts(b, "\\\\");
		else if (*p == '"')
			sb_puts(b, "\\\"");
		else if (*p == '\n')
			sb_puts(b, "\\n");
		else
			sb_putn(b, p, 1);
	}
	sb_puts(b, "\"");
	free(clean);
}

/* "YYYY-MM-DDTHH:MM:SSZ" as a time; 0, or -1 when s is not that form. */
static int parse_utc(const char *s, time_t *out)
{
	struct tm tm;
	int y, mo, d, h, mi, se, used = 0;

	if (!s || strlen(s) != 20 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se, &used) != 6 ||
	    used != 20)
		return -1;
	if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || se < 0 || se > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = timegm(&tm);
	return 0;
}

int cp_metrics_seconds_until(const char *s, time_t now, double *seconds)
{
	time_t t;

	if (parse_utc(s, &t) < 0)
		return -1;
	*seconds = difftime(t, now);
	return 0;
}

int cp_metrics_add(struct cp_metrics *m, const struct cp_result *r)
{
	struct sbuf b = { 0 };
	char port[8];

	if (CP_GROW(m->t, m->cap, m->n + 1) < 0)
		return -1;
	snprintf(port, sizeof port, "%u", (unsigned)r->port);
	sb_label(&b, "target", r->input, false);
	sb_label(&b, "host", r->host, true);
	sb_label(&b, "port", r->port ? port : "", true);
	sb_label(&b, "sni", r->sni, true);
	sb_label(&b, "address", r->address, true);
	if (b.nomem)
		return -1;

	struct mtarget *t = &m->t[m->n];
	memset(t, 0, sizeof *t);
	t->labels = b.s;
	t->ok = r->ok;
	t->compatible = r->verdict ? r->verdict->compatible : -1;
	if (r->cert.present && parse_utc(r->cert.not_after, &t->not_after) == 0)
		t->have_expiry = true;
	if (r->ok)
		for (int p = 0; p < CP_P__COUNT; p++) {
			t->probed[p] = r->proto[p].probed;
			t->suites[p] = p == CP_P_SSL2 ? r->proto[p].nkinds : r->proto[p].nsuites;
		}
	if (r->verdict)
		for (size_t i = 0; i < r->verdict->ncauses; i++)
			if ((unsigned)r->verdict->causes[i].axis < CP_AXIS__COUNT)
				t->causes[r->verdict->causes[i].axis]++;
	m->n++;
	return 0;
}

static int cmp_labels(const void *a, const void *b)
{
	const struct mtarget *x = *(const struct mtarget *const *)a,
			     *y = *(const struct mtarget *const *)b;
	int c = strcmp(x->labels, y->labels);

	/* equal labels: the earlier record first, so it is the one kept */
	return c ? c : (x < y ? -1 : x > y);
}

/* Marks records whose labels an earlier record has; 0 or -1 (no memory). */
static int mark_dups(struct mtarget *t, size_t n)
{
	struct mtarget **v;

	if (n < 2)
		return 0;
	v = malloc(n * sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++) {
		v[i] = &t[i];
		t[i].dup = false;
	}
	qsort(v, n, sizeof *v, cmp_labels);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(v[i]->labels, v[i - 1]->labels))
			v[i]->dup = true;
	free(v);
	return 0;
}

static void family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* A sample value: integers as such, others with 15 significant digits
 * (0.043, not 0.042999999999999997). */
static void value(FILE *f, double v)
{
	if (v == (double)(long long)v && v > -1e15 && v < 1e15)
		fprintf(f, " %lld\n", (long long)v);
	else
		fprintf(f, " %.15g\n", v);
}

int cp_metrics_write(const struct cp_metrics *m, const struct cp_summary *sum, double duration_s,
		     time_t now, FILE *f)
{
	static const char *const state_names[] = { "scanned", "error", "compatible",
						   "incompatible" };
	size_t states[4] = { 0 };

	if (mark_dups(m->t, m->n) < 0) {
		errno = ENOMEM;
		return -1;
	}
	family(f, "cipherprobe_target_scan_ok",
	       "Whether the target could be scanned (1) or ended in an error (0).");
	for (size_t i = 0; i < m->n; i++)
		if (!m->t[i].dup) {
			fprintf(f, "cipherprobe_target_scan_ok{%s}", m->t[i].labels);
			value(f, m->t[i].ok);
		}
	family(f, "cipherprobe_target_compatible",
	       "Whether the decryption profile's hello gets a handshake with the target (1) or not (0); "
	       "absent without a verdict.");
	for (size_t i = 0; i < m->n; i++)
		if (!m->t[i].dup && m->t[i].compatible >= 0) {
			fprintf(f, "cipherprobe_target_compatible{%s}", m->t[i].labels);
			value(f, m->t[i].compatible);
		}
	family(f, "cipherprobe_certificate_expiry_seconds",
	       "Seconds from the end of the run until the leaf certificate's notAfter, negative once it has expired.");
	for (size_t i = 0; i < m->n; i++)
		if (!m->t[i].dup && m->t[i].have_expiry) {
			fprintf(f, "cipherprobe_certificate_expiry_seconds{%s}", m->t[i].labels);
			value(f, difftime(m->t[i].not_after, now));
		}
	family(f, "cipherprobe_accepted_suites",
	       "Cipher suites the target accepts at each probed protocol version (SSLv2: cipher kinds).");
	for (size_t i = 0; i < m->n; i++)
		for (int p = 0; p < CP_P__COUNT; p++)
			if (!m->t[i].dup && m->t[i].probed[p]) {
				fprintf(f, "cipherprobe_accepted_suites{%s,version=\"%s\"}",
					m->t[i].labels, cp_proto_name((enum cp_proto)p));
				value(f, (double)m->t[i].suites[p]);
			}
	family(f, "cipherprobe_verdict_causes",
	       "Causes of the verdict on each axis a proxied handshake needs (0 on an open axis).");
	for (size_t i = 0; i < m->n; i++)
		for (int a = 0; a < CP_AXIS__COUNT; a++)
			if (!m->t[i].dup && m->t[i].compatible >= 0) {
				fprintf(f, "cipherprobe_verdict_causes{%s,axis=\"%s\"}",
					m->t[i].labels, cp_axis_name((enum cp_axis)a));
				value(f, (double)m->t[i].causes[a]);
			}
	if (sum) {
		states[0] = sum->ok;
		states[1] = sum->errors;
		states[2] = sum->compatible;
		states[3] = sum->incompatible;
	}
	family(f, "cipherprobe_targets",
	       "Targets of the last run: scanned, ended in an error, compatible, incompatible.");
	for (size_t s = 0; s < 4; s++) {
		fprintf(f, "cipherprobe_targets{state=\"%s\"}", state_names[s]);
		value(f, (double)states[s]);
	}
	family(f, "cipherprobe_run_duration_seconds", "Wall-clock seconds the last run took.");
	fputs("cipherprobe_run_duration_seconds", f);
	value(f, duration_s);
	family(f, "cipherprobe_last_run_timestamp_seconds",
	       "Unix time at which the last run ended.");
	fputs("cipherprobe_last_run_timestamp_seconds", f);
	value(f, (double)now);
	return ferror(f) ? -1 : 0;
}
