/* SPDX-License-Identifier: MIT */
/*
 * gen-registry: turns the IANA registries (the CSV files in
 * ciphersuites/iana/, kept verbatim) and the project's attribute files (the
 * TSV files in ciphersuites/) into the C tables of scanner/registry_data.c.
 *
 *   gen-registry -d DATADIR -o OUTPUT.c
 *
 * It is a build tool, but it is also the data files' reviewer: it fails,
 * naming "file:line: message", when an assigned IANA suite or group has no
 * attribute row or a row has no IANA entry, when a name differs from IANA's,
 * when a token is unknown, when a code point repeats, when a PAN-OS row
 * names an unknown suite or flag, and when a probing order
 * (probe-groups.tsv, probe-sigalgs.tsv) names a code point IANA has not
 * assigned.  Enum tokens are written out as
 * CP_KX_<TOKEN> etc., so the compiler rejects them a second time.
 *
 * Input formats:
 * - CSV as IANA publishes it (RFC 4180): fields separated by commas, a
 *   field in double quotes may hold commas, line breaks and "" for a quote.
 * - TSV: one record per line, fields separated by one TAB; lines starting
 *   with '#' and blank lines are comments; the first other line names the
 *   columns and must match what this program expects.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "registry_data.h"
#include "genutil.h"

/* One record of a CSV or TSV file. */
struct rec {
	size_t line; /* line the record starts on */
	size_t nf;
	char **f;
};

struct table {
	char *path;
	size_t n, cap;
	struct rec *r;
};


static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *res = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 4096) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nb;

			if (ncap > (64u << 20)) {
				fprintf(stderr, "%s: file too large\n", path);
				goto out;
			}
			nb = realloc(buf, ncap);
			if (nb == NULL) {
				fprintf(stderr, "%s: out of memory\n", path);
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		goto out;
	}
	if (memchr(buf, '\0', n) != NULL) {
		fprintf(stderr, "%s: contains a NUL byte\n", path);
		goto out;
	}
	buf[n] = '\0';
	*len = n;
	res = buf;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return res;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (size_t j = 0; j < t->r[i].nf; j++)
			free(t->r[i].f[j]);
		free(t->r[i].f);
	}
	free(t->r);
	free(t->path);
	memset(t, 0, sizeof *t);
}

/* Appends an empty record; returns NULL when out of memory. */
static struct rec *table_add(struct table *t, size_t line)
{
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 256;
		struct rec *nr = realloc(t->r, ncap * sizeof *nr);

		if (nr == NULL)
			return NULL;
		t->r = nr;
		t->cap = ncap;
	}
	struct rec *r = &t->r[t->n++];
	r->line = line;
	r->nf = 0;
	r->f = NULL;
	return r;
}

/* Appends a copy of s[0..len) as the next field of r. */
static bool rec_add(struct rec *r, const char *s, size_t len)
{
	char **nf = realloc(r->f, (r->nf + 1) * sizeof *nf);
	char *copy;

	if (nf == NULL)
		return false;
	r->f = nf;
	copy = malloc(len + 1);
	if (copy == NULL)
		return false;
	memcpy(copy, s, len);
	copy[len] = '\0';
	r->f[r->nf++] = copy;
	return true;
}

/* A growable byte buffer for one CSV field being unquoted. */
struct field {
	char *p;
	size_t n, cap;
};

static bool field_put(struct field *fb, char c)
{
	if (fb->n + 1 >= fb->cap) {
		size_t ncap = fb->cap ? fb->cap * 2 : 128;
		char *np = realloc(fb->p, ncap);

		if (np == NULL)
			return false;
		fb->p = np;
		fb->cap = ncap;
	}
	fb->p[fb->n++] = c;
	return true;
}

/*
 * RFC 4180 CSV.  A quoted field runs to the closing quote; "" inside it is
 * one quote; commas and line breaks inside it are data.  CRLF and LF both
 * end records.  Text after a closing quote other than a separator is an
 * error, as is end of file inside quotes.
 */
static bool load_csv(const char *path, struct table *t)
{
	size_t len = 0, line = 1;
	char *buf = read_file(path, &len);
	struct field fb = { 0 };
	struct rec *r = NULL;
	bool ok = false;
	size_t i = 0;

	if (buf == NULL)
		return false;
	t->path = strdup(path);
	if (t->path == NULL)
		goto oom;
	while (i < len) {
		/* start of a record */
		r = table_add(t, line);
		if (r == NULL)
			goto oom;
		for (;;) {
			/* start of a field */
			fb.n = 0;
			if (i < len && buf[i] == '"') {
				size_t qline = line;

				i++;
				for (;;) {
					if (i >= len) {
						err_at(path, qline, "unterminated quoted field");
						goto out;
					}
					if (buf[i] == '"') {
						if (i + 1 < len && buf[i + 1] == '"') {
							if (!field_put(&fb, '"'))
								goto oom;
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (buf[i] == '\n')
						line++;
					if (!field_put(&fb, buf[i]))
						goto oom;
					i++;
				}
				if (i < len && buf[i] != ',' && buf[i] != '\n' &&
				    !(buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')) {
					err_at(path, line, "text after a closing quote");
					goto out;
				}
			} else {
				while (i < len && buf[i] != ',' && buf[i] != '\n' &&
				       !(buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')) {
					if (buf[i] == '"') {
						err_at(path, line,
						       "quote inside an unquoted field");
						goto out;
					}
					if (!field_put(&fb, buf[i]))
						goto oom;
					i++;
				}
			}
			if (!rec_add(r, fb.n ? fb.p : "", fb.n))
				goto oom;
			if (i < len && buf[i] == ',') {
				i++;
				continue;
			}
			if (i < len && buf[i] == '\r')
				i++;
			if (i < len && buf[i] == '\n') {
				i++;
				line++;
			}
			break;
		}
	}
	ok = true;
	goto out;
oom:
	fprintf(stderr, "%s: out of memory\n", path);
out:
	free(fb.p);
	free(buf);
	return ok;
}

/*
 * TSV as described at the top.  The header row must equal cols (n names).
 */
static bool load_tsv(const char *path, struct table *t, const char *const *cols, size_t ncols)
{
	size_t len = 0, line = 0;
	char *buf = read_file(path, &len);
	bool ok = false, header = false;
	char *p;

	if (buf == NULL)
		return false;
	t->path = strdup(path);
	if (t->path == NULL)
		goto oom;
	p = buf;
	while (*p != '\0') {
		char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);
		char *next = eol ? eol + 1 : p + ll;

		line++;
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		if (ll == 0 || p[0] == '#') {
			p = next;
			continue;
		}
		struct rec *r = table_add(t, line);
		if (r == NULL)
			goto oom;
		size_t s = 0;
		for (size_t k = 0; k <= ll; k++) {
			if (k == ll || p[k] == '\t') {
				if (!rec_add(r, p + s, k - s))
					goto oom;
				s = k + 1;
			}
		}
		if (r->nf != ncols) {
			err_at(path, line, "%zu fields, expected %zu (TAB-separated)", r->nf,
			       ncols);
			goto out;
		}
		for (size_t k = 0; k < r->nf; k++) {
			if (r->f[k][0] == '\0' || r->f[k][0] == ' ' ||
			    r->f[k][strlen(r->f[k]) - 1] == ' ') {
				err_at(path, line, "field %zu is empty or has stray spaces", k + 1);
				goto out;
			}
		}
		if (!header) {
			for (size_t k = 0; k < ncols; k++) {
				if (strcmp(r->f[k], cols[k]) != 0) {
					err_at(path, line,
					       "header column %zu is '%s', expected '%s'", k + 1,
					       r->f[k], cols[k]);
					goto out;
				}
			}
			header = true;
			/* drop the header record */
			for (size_t k = 0; k < r->nf; k++)
				free(r->f[k]);
			free(r->f);
			t->n--;
		}
		p = next;
	}
	if (!header) {
		err_at(path, line, "no header line");
		goto out;
	}
	ok = true;
	goto out;
oom:
	fprintf(stderr, "%s: out of memory\n", path);
out:
	free(buf);
	return ok;
}

static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Strict unsigned parse: the whole string, in base (16 needs "0x"). */
static bool parse_uint(const char *s, int base, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (base == 16) {
		if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
			return false;
		s += 2;
	}
	if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*out = v;
	return true;
}

/* Index of tok among names(0..count), exact match; -1 if none.  With fold,
 * tok must be the upper-case spelling of a lower-case name. */
static int token_index(const char *(*names)(int), int count, const char *tok, bool fold)
{
	for (int i = 0; i < count; i++) {
		const char *n = names(i);

		if (fold) {
			size_t k;
			for (k = 0; n[k] != '\0' && tok[k] != '\0'; k++) {
				char up = (n[k] >= 'a' && n[k] <= 'z') ? (char)(n[k] - 'a' + 'A')
								       : n[k];
				if (up != tok[k])
					break;
			}
			if (n[k] == '\0' && tok[k] == '\0')
				return i;
		} else if (strcmp(n, tok) == 0) {
			return i;
		}
	}
	return -1;
}

static const char *kx_n(int i)
{
	return cp_kx_name((enum cp_kx)i);
}
static const char *au_n(int i)
{
	return cp_au_name((enum cp_au)i);
}
static const char *enc_n(int i)
{
	return cp_enc_name((enum cp_enc)i);
}
static const char *mode_n(int i)
{
	return cp_mode_name((enum cp_mode)i);
}
static const char *mac_n(int i)
{
	return cp_mac_name((enum cp_mac)i);
}
static const char *strength_n(int i)
{
	return cp_strength_name((enum cp_strength)i);
}
static const char *kind_n(int i)
{
	return cp_group_kind_name((enum cp_group_kind)i);
}

/* Version tokens of the data files; written out as CP_VER_<token>. */
static const char *const ver_tokens[] = { "SSL2", "SSL3", "TLS10", "TLS11", "TLS12", "TLS13" };

static bool parse_versions(const char *s, unsigned *mask)
{
	unsigned m = 0;

	while (*s != '\0') {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		size_t k;

		for (k = 0; k < sizeof ver_tokens / sizeof ver_tokens[0]; k++)
			if (strlen(ver_tokens[k]) == n && memcmp(ver_tokens[k], s, n) == 0)
				break;
		if (k == sizeof ver_tokens / sizeof ver_tokens[0] || (m & (1u << k)))
			return false;
		m |= 1u << k;
		if (comma == NULL)
			break;
		s = comma + 1;
		if (*s == '\0')
			return false;
	}
	*mask = m;
	return m != 0;
}

static bool parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "yes") == 0)
		*out = true;
	else if (strcmp(s, "no") == 0)
		*out = false;
	else
		return false;
	return true;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* IANA's words for values that are not assigned. */
static bool iana_unassigned(const char *desc)
{
	return starts_with(desc, "Reserved") || starts_with(desc, "Unassigned");
}

/* ---- the model built from the files ---- */

struct suite {
	uint16_t id;
	const char *name, *openssl; /* point into table fields */
	int kx, au, enc, mode, mac, strength;
	unsigned bits, versions;
	uint32_t panos;
	bool recommended;
	size_t line;
};

struct group {
	uint16_t id;
	const char *name, *openssl;
	int kind;
	unsigned bits, share;
	bool tls13, tls12, recommended, deprecated, obsolete;
	size_t line;
};

struct sigscheme {
	uint16_t id;
	const char *name;
	bool recommended;
	unsigned probe, versions; /* from sigschemes.tsv, 0 when not listed */
	const char *key;
	uint16_t curve;
};

struct sslv2 {
	uint32_t id;
	const char *name, *openssl;
	unsigned bits;
	int strength;
};

struct iana_entry {
	uint16_t id;
	char *name;
	bool recommended, deprecated, obsolete, seen;
	size_t line;
};

static int cmp_u16(uint16_t a, uint16_t b)
{
	return (a > b) - (a < b);
}

static int cmp_suite(const void *a, const void *b)
{
	return cmp_u16(((const struct suite *)a)->id, ((const struct suite *)b)->id);
}

static int cmp_group(const void *a, const void *b)
{
	return cmp_u16(((const struct group *)a)->id, ((const struct group *)b)->id);
}

static int cmp_sig(const void *a, const void *b)
{
	return cmp_u16(((const struct sigscheme *)a)->id, ((const struct sigscheme *)b)->id);
}

static int cmp_iana(const void *a, const void *b)
{
	return cmp_u16(((const struct iana_entry *)a)->id, ((const struct iana_entry *)b)->id);
}

static int cmp_sslv2(const void *a, const void *b)
{
	uint32_t x = ((const struct sslv2 *)a)->id, y = ((const struct sslv2 *)b)->id;

	return (x > y) - (x < y);
}

struct name_ref {
	const char *name;
	uint16_t index;
};

static int cmp_name(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = cp_reg_casecmp(x->name, y->name);

	return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

static struct iana_entry *iana_find(struct iana_entry *v, size_t n, uint16_t id)
{
	struct iana_entry key = { .id = id };

	return bsearch(&key, v, n, sizeof *v, cmp_iana);
}

/*
 * Assigned values of an IANA registry.  hex2: the suites' "0xHH,0xHH" form;
 * otherwise "0xHHHH" (hex) or decimal.  Ranges ("0x00,0x1C-1D", "42-255")
 * and Reserved/Unassigned entries are skipped.  rec_col is the Recommended
 * column.
 */
static struct iana_entry *iana_load(const struct table *t, int form, size_t rec_col, size_t *count)
{
	struct iana_entry *v = calloc(t->n ? t->n : 1, sizeof *v);
	size_t n = 0;

	if (v == NULL) {
		fprintf(stderr, "%s: out of memory\n", t->path);
		return NULL;
	}
	for (size_t i = 1; i < t->n; i++) { /* row 0 is the header */
		const struct rec *r = &t->r[i];
		unsigned long id = 0, hi, lo;
		const char *val;

		if (r->nf <= rec_col) {
			err_at(t->path, r->line, "%zu fields, expected at least %zu", r->nf,
			       rec_col + 1);
			continue;
		}
		val = r->f[0];
		if (form == 2) {
			char a[8], b[8];
			const char *comma = strchr(val, ',');

			if (comma == NULL || (size_t)(comma - val) >= sizeof a ||
			    strlen(comma + 1) >= sizeof b)
				continue;
			memcpy(a, val, (size_t)(comma - val));
			a[comma - val] = '\0';
			memcpy(b, comma + 1, strlen(comma + 1) + 1);
			if (strlen(a) != 4 || strlen(b) != 4 || !parse_uint(a, 16, 0xFF, &hi) ||
			    !parse_uint(b, 16, 0xFF, &lo))
				continue; /* a range such as 0x00,0x1C-1D */
			id = hi << 8 | lo;
		} else if (form == 16) {
			if (strlen(val) != 6 || !parse_uint(val, 16, 0xFFFF, &id))
				continue;
		} else {
			if (!parse_uint(val, 10, 0xFFFF, &id))
				continue;
		}
		if (iana_unassigned(r->f[1]))
			continue;
		if (iana_find(v, n, (uint16_t)id) != NULL) {
			err_at(t->path, r->line, "value %s appears twice", val);
			continue;
		}
		/* keep v sorted as we go: the files are in order, check it */
		if (n > 0 && v[n - 1].id > id) {
			err_at(t->path, r->line, "value %s out of order", val);
			continue;
		}
		struct iana_entry *e = &v[n++];
		const char *obs = " (OBSOLETE)";
		size_t dl = strlen(r->f[1]), ol = strlen(obs);

		e->id = (uint16_t)id;
		e->line = r->line;
		e->recommended = strcmp(r->f[rec_col], "Y") == 0;
		e->deprecated = strcmp(r->f[rec_col], "D") == 0;
		e->obsolete = dl > ol && strcmp(r->f[1] + dl - ol, obs) == 0;
		e->name = strndup(r->f[1], e->obsolete ? dl - ol : dl);
		if (e->name == NULL) {
			fprintf(stderr, "%s: out of memory\n", t->path);
			n--;
			for (size_t k = 0; k < n; k++)
				free(v[k].name);
			free(v);
			return NULL;
		}
	}
	*count = n;
	return v;
}

static void iana_free(struct iana_entry *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* ---- output ---- */

/* Writes s as a C string literal (the data is ASCII, but be safe). */
static void put_str(FILE *o, const char *s)
{
	if (s == NULL) {
		fputs("NULL", o);
		return;
	}
	fputc('"', o);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c < 0x20 || c > 0x7E)
			fprintf(o, "\\%03o", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

static const char *upper(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		buf[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
	buf[i] = '\0';
	return buf;
}

static void put_versions(FILE *o, unsigned mask)
{
	bool first = true;

	for (size_t k = 0; k < sizeof ver_tokens / sizeof ver_tokens[0]; k++) {
		if (mask & (1u << k)) {
			fprintf(o, "%sCP_VER_%s", first ? "" : " | ", ver_tokens[k]);
			first = false;
		}
	}
}

static void put_panos(FILE *o, uint32_t mask, const char (*enums)[32])
{
	bool first = true;

	for (unsigned k = 0; k < CP_PANOS_NFLAGS; k++) {
		if (mask & (1u << k)) {
			fprintf(o, "%sCP_PANOS_%s", first ? "" : " | ", enums[k]);
			first = false;
		}
	}
	if (first)
		fputs("0", o);
}

struct model {
	struct suite *suites;
	size_t nsuites;
	struct name_ref *names;
	size_t nnames;
	struct group *groups;
	size_t ngroups;
	struct sigscheme *sigs;
	size_t nsigs;
	struct sslv2 *v2;
	size_t nv2;
	uint16_t *group_order; /* probe-groups.tsv, in file order */
	size_t ngroup_order;
	uint16_t *sig_order; /* probe-sigalgs.tsv, in file order */
	size_t nsig_order;
	char flag_names[CP_PANOS_NFLAGS][64];
	char flag_enums[CP_PANOS_NFLAGS][32];
	bool flag_default[CP_PANOS_NFLAGS];
	size_t flag_line[CP_PANOS_NFLAGS];
	const char *flags_path;
};

/* A probing order: "const uint16_t NAME[]" and "const size_t NAME_count",
 * in file order; hex for signature schemes, decimal for groups.  An empty
 * file still gives a valid (one-zero) array with count 0. */
static void put_order(FILE *o, const char *name, const uint16_t *v, size_t n, bool hex)
{
	fprintf(o, "\nconst uint16_t %s[] = {", name);
	for (size_t i = 0; i < n; i++)
		fprintf(o, hex ? "%s0x%04X," : "%s%u,", i % 8 ? " " : "\n\t", v[i]);
	fprintf(o, "%s\n};\nconst size_t %s_count = %zu;\n", n ? "" : " 0", name, n);
}

static bool write_output(const char *path, const struct model *m)
{
	FILE *o = fopen(path, "w");
	char b1[32], b2[32];

	if (o == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return false;
	}
	fputs("/* Generated by ciphersuites/gen-registry from the IANA CSV files and\n"
	      " * the TSV files in ciphersuites/.  Do not edit: edit the data files. */\n"
	      "#include \"registry.h\"\n#include \"registry_data.h\"\n\n",
	      o);

	for (unsigned k = 0; k < CP_PANOS_NFLAGS; k++)
		fprintf(o,
			"_Static_assert(CP_PANOS_%s == 1u << %u, "
			"\"%s:%zu: CP_PANOS_%s is not bit %u\");\n",
			m->flag_enums[k], k, "ciphersuites/panos-flags.tsv", m->flag_line[k],
			m->flag_enums[k], k);
	fputs("\nconst struct cp_reg_panos_flag cp_reg_panos_flags[] = {\n", o);
	for (unsigned k = 0; k < CP_PANOS_NFLAGS; k++) {
		fputs("\t{ ", o);
		put_str(o, m->flag_names[k]);
		fprintf(o, ", %s },\n", m->flag_default[k] ? "true" : "false");
	}
	fputs("};\n\n", o);

	fputs("const struct cp_suite cp_reg_suites[] = {\n", o);
	for (size_t i = 0; i < m->nsuites; i++) {
		const struct suite *s = &m->suites[i];

		fprintf(o, "\t{ .id = 0x%04X, .name = ", s->id);
		put_str(o, s->name);
		fputs(", .openssl_name = ", o);
		put_str(o, s->openssl);
		fprintf(o,
			",\n\t  .kx = CP_KX_%s, .au = CP_AU_%s, .enc = CP_ENC_%s, "
			".enc_bits = %u, .mode = CP_MODE_%s, .mac = CP_MAC_%s,\n\t  .versions = ",
			cp_kx_name(s->kx), cp_au_name(s->au), cp_enc_name(s->enc), s->bits,
			cp_mode_name(s->mode), cp_mac_name(s->mac));
		put_versions(o, s->versions);
		fprintf(o, ", .strength = CP_STRENGTH_%s,\n\t  .panos = ",
			upper(cp_strength_name(s->strength), b1, sizeof b1));
		put_panos(o, s->panos, m->flag_enums);
		fprintf(o, ", .scsv = %s, .recommended = %s },\n",
			s->kx == CP_KX_SCSV ? "true" : "false", s->recommended ? "true" : "false");
	}
	fprintf(o, "};\nconst size_t cp_reg_nsuites = %zu;\n\n", m->nsuites);

	fputs("const struct cp_reg_name cp_reg_suite_names[] = {\n", o);
	for (size_t i = 0; i < m->nnames; i++) {
		fputs("\t{ ", o);
		put_str(o, m->names[i].name);
		fprintf(o, ", %u },\n", m->names[i].index);
	}
	fprintf(o, "};\nconst size_t cp_reg_nsuite_names = %zu;\n\n", m->nnames);

	fputs("const struct cp_sslv2_kind cp_reg_sslv2[] = {\n", o);
	for (size_t i = 0; i < m->nv2; i++) {
		fprintf(o, "\t{ .id = 0x%06X, .name = ", (unsigned)m->v2[i].id);
		put_str(o, m->v2[i].name);
		fputs(", .openssl_name = ", o);
		put_str(o, m->v2[i].openssl);
		fprintf(o, ", .strength = CP_STRENGTH_%s, .enc_bits = %u },\n",
			upper(cp_strength_name(m->v2[i].strength), b1, sizeof b1), m->v2[i].bits);
	}
	fprintf(o, "};\nconst size_t cp_reg_nsslv2 = %zu;\n\n", m->nv2);

	fputs("const struct cp_group cp_reg_groups[] = {\n", o);
	for (size_t i = 0; i < m->ngroups; i++) {
		const struct group *g = &m->groups[i];

		fprintf(o, "\t{ .id = %u, .name = ", g->id);
		put_str(o, g->name);
		fprintf(o, ", .kind = CP_GROUP_%s, .bits = %u, .openssl_name = ",
			upper(cp_group_kind_name(g->kind), b2, sizeof b2), g->bits);
		put_str(o, g->openssl);
		fprintf(o,
			",\n\t  .share_len = %u, .tls13 = %s, .recommended = %s, "
			".deprecated = %s, .tls12 = %s, .obsolete = %s },\n",
			g->share, g->tls13 ? "true" : "false", g->recommended ? "true" : "false",
			g->deprecated ? "true" : "false", g->tls12 ? "true" : "false",
			g->obsolete ? "true" : "false");
	}
	fprintf(o, "};\nconst size_t cp_reg_ngroups = %zu;\n\n", m->ngroups);

	fputs("const struct cp_sigscheme cp_reg_sigschemes[] = {\n", o);
	for (size_t i = 0; i < m->nsigs; i++) {
		fprintf(o, "\t{ .id = 0x%04X, .name = ", m->sigs[i].id);
		put_str(o, m->sigs[i].name);
		fprintf(o, ", .recommended = %s,\n\t  .probe = %u, .key = ",
			m->sigs[i].recommended ? "true" : "false", m->sigs[i].probe);
		put_str(o, m->sigs[i].key);
		fprintf(o, ", .curve = %u, .versions = ", m->sigs[i].curve);
		if (m->sigs[i].versions)
			put_versions(o, m->sigs[i].versions);
		else
			fputs("0", o);
		fputs(" },\n", o);
	}
	fprintf(o, "};\nconst size_t cp_reg_nsigschemes = %zu;\n", m->nsigs);
	put_order(o, "cp_reg_group_probe_order", m->group_order, m->ngroup_order, false);
	put_order(o, "cp_reg_sigalg_probe_order", m->sig_order, m->nsig_order, true);

	if (ferror(o)) {
		fprintf(stderr, "%s: write error\n", path);
		fclose(o);
		return false;
	}
	if (fclose(o) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}

/* ---- the checks ---- */

static void build_suites(struct model *m, const struct table *t, struct iana_entry *iana,
			 size_t niana, const char *iana_path)
{
	m->suites = calloc(t->n ? t->n : 1, sizeof *m->suites);
	if (m->suites == NULL) {
		err_at(t->path, 0, "out of memory");
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct rec *r = &t->r[i];
		struct suite *s = &m->suites[m->nsuites];
		unsigned long id, bits;
		struct iana_entry *e;
		size_t before = nerrors;

		/* id name openssl kx au enc bits mode mac versions strength */
		if (strlen(r->f[0]) != 6 || !parse_uint(r->f[0], 16, 0xFFFF, &id)) {
			err_at(t->path, r->line, "bad id '%s' (want 0xHHHH)", r->f[0]);
			continue;
		}
		s->id = (uint16_t)id;
		s->line = r->line;
		s->name = r->f[1];
		s->openssl = strcmp(r->f[2], "-") == 0 ? NULL : r->f[2];
		e = iana_find(iana, niana, s->id);
		if (e == NULL) {
			err_at(t->path, r->line, "%s %s is not an assigned IANA suite", r->f[0],
			       r->f[1]);
		} else if (e->seen) {
			err_at(t->path, r->line, "%s appears twice", r->f[0]);
		} else {
			e->seen = true;
			s->recommended = e->recommended;
			if (strcmp(e->name, s->name) != 0)
				err_at(t->path, r->line, "%s is named '%s', IANA says '%s'",
				       r->f[0], s->name, e->name);
		}
		if ((s->kx = token_index(kx_n, CP_KX__COUNT, r->f[3], false)) < 0)
			err_at(t->path, r->line, "unknown kx '%s'", r->f[3]);
		if ((s->au = token_index(au_n, CP_AU__COUNT, r->f[4], false)) < 0)
			err_at(t->path, r->line, "unknown au '%s'", r->f[4]);
		if ((s->enc = token_index(enc_n, CP_ENC__COUNT, r->f[5], false)) < 0)
			err_at(t->path, r->line, "unknown enc '%s'", r->f[5]);
		if (!parse_uint(r->f[6], 10, 512, &bits))
			err_at(t->path, r->line, "bad bits '%s'", r->f[6]);
		s->bits = (unsigned)bits;
		if ((s->mode = token_index(mode_n, CP_MODE__COUNT, r->f[7], false)) < 0)
			err_at(t->path, r->line, "unknown mode '%s'", r->f[7]);
		if ((s->mac = token_index(mac_n, CP_MAC__COUNT, r->f[8], false)) < 0)
			err_at(t->path, r->line, "unknown mac '%s'", r->f[8]);
		if (!parse_versions(r->f[9], &s->versions))
			err_at(t->path, r->line, "bad versions '%s' (want e.g. TLS10,TLS11,TLS12)",
			       r->f[9]);
		if ((s->strength = token_index(strength_n, CP_STRENGTH__COUNT, r->f[10], true)) < 0)
			err_at(t->path, r->line, "unknown strength '%s'", r->f[10]);
		if (nerrors != before)
			continue;
		/* Consistency the tokens alone cannot express. */
		if ((s->kx == CP_KX_SCSV) != (s->au == CP_AU_SCSV))
			err_at(t->path, r->line, "kx and au must both be SCSV or neither");
		if ((s->enc == CP_ENC_NULL) != (s->bits == 0))
			err_at(t->path, r->line, "enc NULL goes with bits 0 and only it");
		if ((s->kx == CP_KX_TLS13) != (s->versions == CP_VER_TLS13))
			err_at(t->path, r->line, "kx TLS13 goes with versions TLS13 and only it");
		m->nsuites++;
	}
	for (size_t i = 0; i < niana; i++)
		if (!iana[i].seen)
			err_at(iana_path, iana[i].line,
			       "assigned suite 0x%04X %s has no row in suites.tsv", iana[i].id,
			       iana[i].name);
	qsort(m->suites, m->nsuites, sizeof *m->suites, cmp_suite);
}

static struct suite *suite_find(struct model *m, uint16_t id)
{
	struct suite key = { .id = id };

	return bsearch(&key, m->suites, m->nsuites, sizeof *m->suites, cmp_suite);
}

/* Name index: IANA and OpenSSL names, one suite per name. */
static void build_names(struct model *m)
{
	m->names = calloc(2 * m->nsuites + 1, sizeof *m->names);
	if (m->names == NULL) {
		err_at("suites.tsv", 0, "out of memory");
		return;
	}
	for (size_t i = 0; i < m->nsuites; i++) {
		m->names[m->nnames++] = (struct name_ref){ m->suites[i].name, (uint16_t)i };
		if (m->suites[i].openssl != NULL)
			m->names[m->nnames++] =
				(struct name_ref){ m->suites[i].openssl, (uint16_t)i };
	}
	qsort(m->names, m->nnames, sizeof *m->names, cmp_name);
	size_t w = 0;
	for (size_t i = 0; i < m->nnames; i++) {
		if (w > 0 && cp_reg_casecmp(m->names[w - 1].name, m->names[i].name) == 0) {
			if (m->names[w - 1].index != m->names[i].index) {
				const struct suite *a = &m->suites[m->names[w - 1].index];
				const struct suite *b = &m->suites[m->names[i].index];
				err_at("suites.tsv", b->line,
				       "name '%s' also names 0x%04X (line %zu)", m->names[i].name,
				       a->id, a->line);
			}
			continue;
		}
		m->names[w++] = m->names[i];
	}
	m->nnames = w;
}

static void build_flags(struct model *m, const struct table *t)
{
	m->flags_path = t->path;
	if (t->n != CP_PANOS_NFLAGS)
		err_at(t->path, t->n ? t->r[t->n - 1].line : 0, "%zu flags, expected %d", t->n,
		       CP_PANOS_NFLAGS);
	for (size_t i = 0; i < t->n && i < CP_PANOS_NFLAGS; i++) {
		const struct rec *r = &t->r[i];
		unsigned long bit;

		/* bit enum element default */
		if (!parse_uint(r->f[0], 10, CP_PANOS_NFLAGS - 1, &bit) || bit != i) {
			err_at(t->path, r->line, "bit '%s' out of order (expected %zu)", r->f[0],
			       i);
			continue;
		}
		if (strlen(r->f[1]) >= sizeof m->flag_enums[i] ||
		    strlen(r->f[2]) >= sizeof m->flag_names[i]) {
			err_at(t->path, r->line, "name too long");
			continue;
		}
		for (const char *c = r->f[1]; *c; c++)
			if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
				err_at(t->path, r->line, "enum '%s' is not an identifier suffix",
				       r->f[1]);
		for (size_t k = 0; k < i; k++)
			if (strcmp(m->flag_names[k], r->f[2]) == 0)
				err_at(t->path, r->line, "element '%s' appears twice", r->f[2]);
		memcpy(m->flag_enums[i], r->f[1], strlen(r->f[1]) + 1);
		memcpy(m->flag_names[i], r->f[2], strlen(r->f[2]) + 1);
		m->flag_line[i] = r->line;
		if (!parse_bool(r->f[3], &m->flag_default[i]))
			err_at(t->path, r->line, "default '%s' is not yes/no", r->f[3]);
	}
}

static void build_panos_suites(struct model *m, const struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct rec *r = &t->r[i];
		unsigned long id;
		struct suite *s;
		uint32_t mask = 0;

		/* id name flags comment */
		if (strlen(r->f[0]) != 6 || !parse_uint(r->f[0], 16, 0xFFFF, &id)) {
			err_at(t->path, r->line, "bad id '%s'", r->f[0]);
			continue;
		}
		s = suite_find(m, (uint16_t)id);
		if (s == NULL) {
			err_at(t->path, r->line, "%s is not a suite in suites.tsv", r->f[0]);
			continue;
		}
		if (strcmp(s->name, r->f[1]) != 0) {
			err_at(t->path, r->line, "%s is '%s', not '%s'", r->f[0], s->name, r->f[1]);
			continue;
		}
		if (s->panos != 0) {
			err_at(t->path, r->line, "%s appears twice", r->f[0]);
			continue;
		}
		const char *p = r->f[2];
		while (*p != '\0') {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			unsigned k;

			for (k = 0; k < CP_PANOS_NFLAGS; k++)
				if (strlen(m->flag_names[k]) == n &&
				    memcmp(m->flag_names[k], p, n) == 0)
					break;
			if (k == CP_PANOS_NFLAGS)
				err_at(t->path, r->line, "unknown flag '%.*s'", (int)n, p);
			else if (mask & (1u << k))
				err_at(t->path, r->line, "flag '%.*s' twice", (int)n, p);
			else
				mask |= 1u << k;
			if (comma == NULL)
				break;
			p = comma + 1;
		}
		if (mask == 0)
			err_at(t->path, r->line, "no flags");
		s->panos = mask;
	}
}

static void build_groups(struct model *m, const struct table *t, struct iana_entry *iana,
			 size_t niana, const char *iana_path)
{
	m->groups = calloc(t->n ? t->n : 1, sizeof *m->groups);
	if (m->groups == NULL) {
		err_at(t->path, 0, "out of memory");
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct rec *r = &t->r[i];
		struct group *g = &m->groups[m->ngroups];
		unsigned long id, bits, share;
		struct iana_entry *e;
		size_t before = nerrors;

		/* id name kind bits openssl share tls13 tls12 */
		if (!parse_uint(r->f[0], 10, 0xFFFF, &id)) {
			err_at(t->path, r->line, "bad id '%s' (want decimal)", r->f[0]);
			continue;
		}
		g->id = (uint16_t)id;
		g->line = r->line;
		g->name = r->f[1];
		e = iana_find(iana, niana, g->id);
		if (e == NULL) {
			err_at(t->path, r->line, "%s %s is not an assigned IANA group", r->f[0],
			       r->f[1]);
		} else if (e->seen) {
			err_at(t->path, r->line, "%s appears twice", r->f[0]);
		} else {
			e->seen = true;
			g->recommended = e->recommended;
			g->deprecated = e->deprecated;
			g->obsolete = e->obsolete;
			if (strcmp(e->name, g->name) != 0)
				err_at(t->path, r->line, "%s is named '%s', IANA says '%s'",
				       r->f[0], g->name, e->name);
		}
		if ((g->kind = token_index(kind_n, CP_GROUP_OTHER + 1, r->f[2], true)) < 0)
			err_at(t->path, r->line, "unknown kind '%s'", r->f[2]);
		if (!parse_uint(r->f[3], 10, 65535, &bits))
			err_at(t->path, r->line, "bad bits '%s'", r->f[3]);
		g->bits = (unsigned)bits;
		g->openssl = strcmp(r->f[4], "-") == 0 ? NULL : r->f[4];
		if (!parse_uint(r->f[5], 10, 65535, &share))
			err_at(t->path, r->line, "bad share length '%s'", r->f[5]);
		g->share = (unsigned)share;
		if (!parse_bool(r->f[6], &g->tls13))
			err_at(t->path, r->line, "tls13 '%s' is not yes/no", r->f[6]);
		if (!parse_bool(r->f[7], &g->tls12))
			err_at(t->path, r->line, "tls12 '%s' is not yes/no", r->f[7]);
		if (nerrors != before)
			continue;
		if (g->openssl != NULL && g->kind != CP_GROUP_EC && g->kind != CP_GROUP_XDH &&
		    g->kind != CP_GROUP_FFDHE)
			err_at(t->path, r->line,
			       "an OpenSSL name only makes sense for EC, XDH, FFDHE");
		m->ngroups++;
	}
	for (size_t i = 0; i < niana; i++)
		if (!iana[i].seen)
			err_at(iana_path, iana[i].line,
			       "assigned group %u %s has no row in groups.tsv", iana[i].id,
			       iana[i].name);
	qsort(m->groups, m->ngroups, sizeof *m->groups, cmp_group);
}

static void build_sigs(struct model *m, struct iana_entry *iana, size_t niana)
{
	m->sigs = calloc(niana ? niana : 1, sizeof *m->sigs);
	if (m->sigs == NULL) {
		err_at("iana/tls-signature-schemes.csv", 0, "out of memory");
		return;
	}
	for (size_t i = 0; i < niana; i++)
		m->sigs[m->nsigs++] = (struct sigscheme){ .id = iana[i].id,
							  .name = iana[i].name,
							  .recommended = iana[i].recommended };
	qsort(m->sigs, m->nsigs, sizeof *m->sigs, cmp_sig);
}

/* Certificate key types, as tls/cert.c names them. */
static const char *const sig_keys[] = { "RSA", "RSA-PSS", "EC", "Ed25519", "Ed448" };

/* sigschemes.tsv: the probed schemes and what each needs (after build_sigs
 * and build_groups, whose tables it annotates). */
static void build_probe_sigs(struct model *m, const struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct rec *r = &t->r[i];
		unsigned long id;
		struct sigscheme *sg = NULL;
		size_t k, before = nerrors;

		/* id name key curve versions */
		if (strlen(r->f[0]) != 6 || !parse_uint(r->f[0], 16, 0xFFFF, &id)) {
			err_at(t->path, r->line, "bad id '%s' (want 0xHHHH)", r->f[0]);
			continue;
		}
		for (k = 0; k < m->nsigs; k++)
			if (m->sigs[k].id == id)
				sg = &m->sigs[k];
		if (sg == NULL) {
			err_at(t->path, r->line, "%s %s is not an assigned IANA signature scheme",
			       r->f[0], r->f[1]);
			continue;
		}
		if (sg->probe) {
			err_at(t->path, r->line, "%s appears twice", r->f[0]);
			continue;
		}
		if (strcmp(sg->name, r->f[1]) != 0)
			err_at(t->path, r->line, "%s is named '%s', IANA says '%s'", r->f[0],
			       r->f[1], sg->name);
		for (k = 0; k < sizeof sig_keys / sizeof sig_keys[0]; k++)
			if (strcmp(sig_keys[k], r->f[2]) == 0)
				break;
		if (k == sizeof sig_keys / sizeof sig_keys[0])
			err_at(t->path, r->line, "unknown key '%s'", r->f[2]);
		uint16_t curve = 0;
		if (strcmp(r->f[3], "-") != 0) {
			for (k = 0; k < m->ngroups; k++)
				if (strcmp(m->groups[k].name, r->f[3]) == 0 &&
				    m->groups[k].kind == CP_GROUP_EC)
					curve = m->groups[k].id;
			if (curve == 0)
				err_at(t->path, r->line, "curve '%s' is not an EC group", r->f[3]);
			else if (strcmp(r->f[2], "EC") != 0)
				err_at(t->path, r->line, "a curve only makes sense for key EC");
		}
		unsigned versions = 0;
		if (!parse_versions(r->f[4], &versions) ||
		    (versions & ~(unsigned)(CP_VER_TLS12 | CP_VER_TLS13)) != 0)
			err_at(t->path, r->line, "versions '%s' is not TLS12 and/or TLS13",
			       r->f[4]);
		if (nerrors != before)
			continue;
		sg->probe = (unsigned)(i + 1);
		sg->key = r->f[2];
		sg->curve = curve;
		sg->versions = versions;
	}
}

/* Adds id to a probing order; false (and an error) when it is there already. */
static bool order_add(uint16_t *v, size_t *n, uint16_t id, const struct table *t,
		      const struct rec *r)
{
	for (size_t k = 0; k < *n; k++)
		if (v[k] == id) {
			err_at(t->path, r->line, "%s appears twice", r->f[0]);
			return false;
		}
	v[(*n)++] = id;
	return true;
}

/* One zeroed entry per row of a probing-order file (at least one). */
static void *order_alloc(const struct table *t, size_t elsize)
{
	void *p = calloc(t->n ? t->n : 1, elsize);
	if (p == NULL)
		err_at(t->path, 0, "out of memory");
	return p;
}

/* probe-groups.tsv: the groups probes list first, each an assigned IANA
 * group under its IANA name, once. */
static void build_group_order(struct model *m, const struct table *t, struct iana_entry *iana,
			      size_t niana)
{
	m->group_order = order_alloc(t, sizeof *m->group_order);
	if (m->group_order == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		const struct rec *r = &t->r[i];
		unsigned long id;
		const struct iana_entry *e;

		/* id name */
		if (!parse_uint(r->f[0], 10, 0xFFFF, &id)) {
			err_at(t->path, r->line, "bad id '%s' (want decimal)", r->f[0]);
			continue;
		}
		e = iana_find(iana, niana, (uint16_t)id);
		if (e == NULL) {
			err_at(t->path, r->line, "%s %s is not an assigned IANA group", r->f[0],
			       r->f[1]);
			continue;
		}
		if (strcmp(e->name, r->f[1]) != 0) {
			err_at(t->path, r->line, "%s is named '%s', IANA says '%s'", r->f[0],
			       r->f[1], e->name);
			continue;
		}
		order_add(m->group_order, &m->ngroup_order, (uint16_t)id, t, r);
	}
}

/*
 * The RFC 8446 4.2.3 name of a TLS 1.2 code point IANA lists as "Reserved
 * for backward compatibility" (a single value or a range holding id):
 * SIG_HASH_RESERVED from the RFC 5246 7.4.1.4.1 bytes (hash high, signature
 * low), e.g. 0x0402 dsa_sha256_RESERVED.  False when id is not such a code
 * point or its bytes name no RFC 5246 hash and signature.
 */
static bool reserved_sig_name(const struct table *csv, uint16_t id, char *buf, size_t size)
{
	static const char *const hash[] = { NULL,     "md5",    "sha1",  "sha224",
					    "sha256", "sha384", "sha512" };
	static const char *const sig[] = { NULL, "rsa", "dsa", "ecdsa" };
	unsigned h = id >> 8, g = id & 0xFF;
	bool reserved = false;

	for (size_t i = 1; i < csv->n && !reserved; i++) { /* row 0 is the header */
		const struct rec *r = &csv->r[i];
		char lo_s[8] = "", hi_s[8] = "";
		unsigned long lo, hi;
		const char *dash;

		if (r->nf < 2 || !starts_with(r->f[1], "Reserved for backward compatibility"))
			continue;
		dash = strchr(r->f[0], '-');
		if (strlen(r->f[0]) != (dash ? 13u : 6u) || (dash && dash - r->f[0] != 6))
			continue;
		memcpy(lo_s, r->f[0], 6);
		memcpy(hi_s, dash ? dash + 1 : r->f[0], 6);
		if (parse_uint(lo_s, 16, 0xFFFF, &lo) && parse_uint(hi_s, 16, 0xFFFF, &hi) &&
		    lo <= id && id <= hi)
			reserved = true;
	}
	if (!reserved || h == 0 || h >= sizeof hash / sizeof hash[0] || g == 0 ||
	    g >= sizeof sig / sizeof sig[0])
		return false;
	snprintf(buf, size, "%s_%s_RESERVED", sig[g], hash[h]);
	return true;
}

/* probe-sigalgs.tsv: the schemes probes list first, each an assigned IANA
 * scheme under its IANA name, or a TLS 1.2 code point reserved for
 * backward compatibility under its RFC 8446 name; once. */
static void build_sig_order(struct model *m, const struct table *t, struct iana_entry *iana,
			    size_t niana, const struct table *csv)
{
	m->sig_order = order_alloc(t, sizeof *m->sig_order);
	if (m->sig_order == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		const struct rec *r = &t->r[i];
		unsigned long id;
		const struct iana_entry *e;
		char rname[64];
		const char *want;

		/* id name */
		if (strlen(r->f[0]) != 6 || !parse_uint(r->f[0], 16, 0xFFFF, &id)) {
			err_at(t->path, r->line, "bad id '%s' (want 0xHHHH)", r->f[0]);
			continue;
		}
		e = iana_find(iana, niana, (uint16_t)id);
		if (e != NULL) {
			want = e->name;
		} else if (reserved_sig_name(csv, (uint16_t)id, rname, sizeof rname)) {
			want = rname;
		} else {
			err_at(t->path, r->line,
			       "%s %s is neither an assigned IANA signature scheme "
			       "nor a TLS 1.2 code point reserved for backward compatibility",
			       r->f[0], r->f[1]);
			continue;
		}
		if (strcmp(want, r->f[1]) != 0) {
			err_at(t->path, r->line, "%s is named '%s', %s says '%s'", r->f[0], r->f[1],
			       e ? "IANA" : "RFC 8446", want);
			continue;
		}
		order_add(m->sig_order, &m->nsig_order, (uint16_t)id, t, r);
	}
}

static void build_sslv2(struct model *m, const struct table *t)
{
	m->v2 = calloc(t->n ? t->n : 1, sizeof *m->v2);
	if (m->v2 == NULL) {
		err_at(t->path, 0, "out of memory");
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct rec *r = &t->r[i];
		struct sslv2 *v = &m->v2[m->nv2];
		unsigned long id, bits;
		size_t before = nerrors;

		/* id name openssl bits strength */
		if (strlen(r->f[0]) != 8 || !parse_uint(r->f[0], 16, 0xFFFFFF, &id))
			err_at(t->path, r->line, "bad id '%s' (want 0xHHHHHH)", r->f[0]);
		if (!parse_uint(r->f[3], 10, 512, &bits))
			err_at(t->path, r->line, "bad bits '%s'", r->f[3]);
		if ((v->strength = token_index(strength_n, CP_STRENGTH__COUNT, r->f[4], true)) < 0)
			err_at(t->path, r->line, "unknown strength '%s'", r->f[4]);
		if (nerrors != before)
			continue;
		v->id = (uint32_t)id;
		v->name = r->f[1];
		v->openssl = strcmp(r->f[2], "-") == 0 ? NULL : r->f[2];
		v->bits = (unsigned)bits;
		for (size_t k = 0; k < m->nv2; k++)
			if (m->v2[k].id == v->id)
				err_at(t->path, r->line, "%s appears twice", r->f[0]);
		m->nv2++;
	}
	qsort(m->v2, m->nv2, sizeof *m->v2, cmp_sslv2);
}

static const char *const suite_cols[] = { "id",   "name", "openssl", "kx",       "au",      "enc",
					  "bits", "mode", "mac",     "versions", "strength" };
static const char *const group_cols[] = { "id",      "name",  "kind",  "bits",
					  "openssl", "share", "tls13", "tls12" };
static const char *const v2_cols[] = { "id", "name", "openssl", "bits", "strength" };
static const char *const flag_cols[] = { "bit", "enum", "element", "default" };
static const char *const psuite_cols[] = { "id", "name", "flags", "comment" };
static const char *const sig_cols[] = { "id", "name", "key", "curve", "versions" };
static const char *const order_cols[] = { "id", "name" };

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

int main(int argc, char **argv)
{
	const char *dir = NULL, *out = NULL;
	struct table csv_suites = { 0 }, csv_groups = { 0 }, csv_sigs = { 0 };
	struct table t_suites = { 0 }, t_groups = { 0 }, t_v2 = { 0 };
	struct table t_flags = { 0 }, t_psuites = { 0 }, t_sigs = { 0 };
	struct table t_gorder = { 0 }, t_sorder = { 0 };
	struct iana_entry *i_suites = NULL, *i_groups = NULL, *i_sigs = NULL;
	size_t ni_suites = 0, ni_groups = 0, ni_sigs = 0;
	struct model m = { 0 };
	int rc = 1;
	struct {
		const char *name;
		struct table *t;
		const char *const *cols;
		size_t ncols;
	} files[] = {
		{ "iana/tls-cipher-suites.csv", &csv_suites, NULL, 0 },
		{ "iana/tls-supported-groups.csv", &csv_groups, NULL, 0 },
		{ "iana/tls-signature-schemes.csv", &csv_sigs, NULL, 0 },
		{ "suites.tsv", &t_suites, suite_cols, NCOLS(suite_cols) },
		{ "groups.tsv", &t_groups, group_cols, NCOLS(group_cols) },
		{ "sslv2.tsv", &t_v2, v2_cols, NCOLS(v2_cols) },
		{ "panos-flags.tsv", &t_flags, flag_cols, NCOLS(flag_cols) },
		{ "panos-suites.tsv", &t_psuites, psuite_cols, NCOLS(psuite_cols) },
		{ "sigschemes.tsv", &t_sigs, sig_cols, NCOLS(sig_cols) },
		{ "probe-groups.tsv", &t_gorder, order_cols, NCOLS(order_cols) },
		{ "probe-sigalgs.tsv", &t_sorder, order_cols, NCOLS(order_cols) },
	};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else
			dir = NULL, out = NULL, i = argc;
	}
	if (dir == NULL || out == NULL) {
		fprintf(stderr, "usage: gen-registry -d DATADIR -o OUTPUT.c\n");
		return 2;
	}
	for (size_t i = 0; i < NCOLS(files); i++) {
		char *path = join_path(dir, files[i].name);
		bool ok;

		if (path == NULL) {
			fprintf(stderr, "gen-registry: out of memory\n");
			goto out;
		}
		ok = files[i].cols ? load_tsv(path, files[i].t, files[i].cols, files[i].ncols)
				   : load_csv(path, files[i].t);
		free(path);
		if (!ok)
			goto out;
	}
	i_suites = iana_load(&csv_suites, 2, 3, &ni_suites);
	i_groups = iana_load(&csv_groups, 10, 3, &ni_groups);
	i_sigs = iana_load(&csv_sigs, 16, 2, &ni_sigs);
	if (i_suites == NULL || i_groups == NULL || i_sigs == NULL)
		goto out;

	build_suites(&m, &t_suites, i_suites, ni_suites, csv_suites.path);
	build_flags(&m, &t_flags);
	if (nerrors == 0)
		build_panos_suites(&m, &t_psuites);
	build_names(&m);
	build_groups(&m, &t_groups, i_groups, ni_groups, csv_groups.path);
	build_sigs(&m, i_sigs, ni_sigs);
	if (nerrors == 0)
		build_probe_sigs(&m, &t_sigs);
	build_group_order(&m, &t_gorder, i_groups, ni_groups);
	build_sig_order(&m, &t_sorder, i_sigs, ni_sigs, &csv_sigs);
	build_sslv2(&m, &t_v2);
	if (nerrors != 0) {
		fprintf(stderr, "gen-registry: %u error(s); %s not written\n", nerrors, out);
		goto out;
	}
	if (!write_output(out, &m)) {
		remove(out);
		goto out;
	}
	rc = 0;
out:
	free(m.suites);
	free(m.names);
	free(m.groups);
	free(m.sigs);
	free(m.v2);
	free(m.group_order);
	free(m.sig_order);
	iana_free(i_suites, ni_suites);
	iana_free(i_groups, ni_groups);
	iana_free(i_sigs, ni_sigs);
	for (size_t i = 0; i < NCOLS(files); i++)
		table_free(files[i].t);
	return rc;
}
