/* SPDX-License-Identifier: MIT */
/*
 * gen-clients: turns the client models (ciphersuites/clients.tsv) and the
 * groups PAN-OS strips from its hello (ciphersuites/panos-groups.tsv) into
 * the C tables of scanner/policy/clients_data.c.
 *
 *   gen-clients -d DATADIR -o OUTPUT.c
 *
 * It links the registry (built first by gen-registry), so every name in
 * the files is checked against IANA's: a suite, group or signature scheme
 * must be spelled exactly as the registry spells it.  It fails, naming
 * "file:line: message", on an unknown name, a duplicate in a list, a list
 * longer than the proxy's hello can hold (struct cp_offer), a client
 * missing a field, and a group a client offers that panos-groups.tsv does
 * not decide.  TSV rules are gen-registry's: one TAB between fields, '#'
 * lines and blank lines are comments, the first other line names the
 * columns.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "policy/offer.h"
#include "../../ciphersuites/genutil.h"

#define MAX_CLIENTS 16
#define MAX_LIST 512
#define MAX_FIELDS 8
#define MAX_GROUP_RULES 128

struct list {
	uint16_t v[MAX_LIST];
	size_t n;
};

struct client {
	char *name, *label, *source;
	size_t line; /* first row, for "missing field" messages */
	uint16_t min_version, max_version;
	struct list suites, groups, sigalgs;
};

struct group_rule {
	uint16_t id;
	bool strip;
};


static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/*
 * Calls row() for each data line of a TSV file after checking its header
 * against cols.  Fields point into a line buffer that lives until row()
 * returns.  Returns false when the file cannot be read or its header is
 * wrong (rows with errors are reported by row() and counted).
 */
static bool read_tsv(const char *path, const char *const *cols, size_t ncols,
		     void (*row)(const char *path, size_t line, char **f, void *ctx), void *ctx)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, lineno = 0;
	bool header = false, ok = false;
	ssize_t len;

	if (fp == NULL) {
		perror(path);
		nerrors++;
		return false;
	}
	while ((len = getline(&buf, &cap, fp)) >= 0) {
		char *f[MAX_FIELDS];
		size_t nf = 0;
		char *p = buf;

		lineno++;
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		if (len == 0 || buf[0] == '#')
			continue;
		for (;;) {
			char *tab = strchr(p, '\t');

			if (nf == MAX_FIELDS)
				break;
			f[nf++] = p;
			if (tab == NULL)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (nf != ncols) {
			err_at(path, lineno, "%zu fields, expected %zu (TAB-separated)", nf, ncols);
			continue;
		}
		if (!header) {
			for (size_t i = 0; i < ncols; i++)
				if (strcmp(f[i], cols[i]) != 0) {
					err_at(path, lineno, "column %zu is '%s', expected '%s'",
					       i + 1, f[i], cols[i]);
					goto out;
				}
			header = true;
			continue;
		}
		row(path, lineno, f, ctx);
	}
	if (!header) {
		err_at(path, lineno, "no header line");
		goto out;
	}
	ok = true;
out:
	free(buf);
	fclose(fp);
	return ok;
}

/* ---- clients.tsv ---- */

struct clients_ctx {
	struct client c[MAX_CLIENTS];
	size_t n;
	bool oom;
};

static struct client *client_get(struct clients_ctx *cx, const char *path, size_t line,
				 const char *name)
{
	for (size_t i = 0; i < cx->n; i++)
		if (strcmp(cx->c[i].name, name) == 0)
			return &cx->c[i];
	if (cx->n == MAX_CLIENTS) {
		err_at(path, line, "more than %d clients", MAX_CLIENTS);
		return NULL;
	}
	for (const char *p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
			err_at(path, line, "client name '%s': use a-z, 0-9 and '-'", name);
			return NULL;
		}
	struct client *c = &cx->c[cx->n];

	c->name = strdup(name);
	if (c->name == NULL) {
		cx->oom = true;
		return NULL;
	}
	c->line = line;
	cx->n++;
	return c;
}

static bool list_add(struct list *l, uint16_t v, const char *path, size_t line, const char *what,
		     const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == v) {
			err_at(path, line, "%s %s listed twice", what, name);
			return false;
		}
	if (l->n == MAX_LIST) {
		err_at(path, line, "too many %ss", what);
		return false;
	}
	l->v[l->n++] = v;
	return true;
}

static const struct cp_sigscheme *sigscheme_by_name(const char *name)
{
	for (size_t i = 0; i < cp_sigscheme_count(); i++) {
		const struct cp_sigscheme *s = cp_sigscheme_at(i);

		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

static bool parse_versions(const char *s, uint16_t *lo, uint16_t *hi)
{
	const char *dash = strchr(s, '-');
	char a[16];
	unsigned blo, bhi;

	if (dash == NULL || (size_t)(dash - s) >= sizeof a)
		return false;
	memcpy(a, s, (size_t)(dash - s));
	a[dash - s] = '\0';
	blo = cp_version_parse(a);
	bhi = cp_version_parse(dash + 1);
	if (blo == 0 || bhi == 0 || blo > bhi)
		return false;
	*lo = cp_version_wire_of(blo);
	*hi = cp_version_wire_of(bhi);
	return true;
}

static void client_row(const char *path, size_t line, char **f, void *ctx)
{
	struct clients_ctx *cx = ctx;
	struct client *c = client_get(cx, path, line, f[0]);
	const char *field = f[1], *val = f[2];

	if (c == NULL)
		return;
	if (strcmp(field, "label") == 0 || strcmp(field, "source") == 0) {
		char **slot = field[0] == 'l' ? &c->label : &c->source;

		if (*slot != NULL) {
			err_at(path, line, "%s: second %s", c->name, field);
			return;
		}
		if (val[0] == '\0') {
			err_at(path, line, "%s: empty %s", c->name, field);
			return;
		}
		*slot = strdup(val);
		if (*slot == NULL)
			cx->oom = true;
	} else if (strcmp(field, "versions") == 0) {
		if (c->min_version != 0)
			err_at(path, line, "%s: second versions row", c->name);
		else if (!parse_versions(val, &c->min_version, &c->max_version))
			err_at(path, line, "%s: versions '%s': expected e.g. TLSv1.2-TLSv1.3",
			       c->name, val);
	} else if (strcmp(field, "suite") == 0) {
		if (strcmp(val, "@panos") == 0 || strcmp(val, "@all") == 0) {
			bool all = val[1] == 'a';

			for (size_t i = 0; i < cp_suite_count(); i++) {
				const struct cp_suite *s = cp_suite_at(i);

				if ((all || s->panos != 0) && !s->scsv)
					list_add(&c->suites, s->id, path, line, "suite", s->name);
			}
			return;
		}
		const struct cp_suite *s = cp_suite_by_name(val);

		if (s == NULL || strcmp(s->name, val) != 0)
			err_at(path, line, "'%s' is not the IANA name of a cipher suite%s%s", val,
			       s != NULL ? "; did you mean " : "", s != NULL ? s->name : "");
		else
			list_add(&c->suites, s->id, path, line, "suite", val);
	} else if (strcmp(field, "group") == 0) {
		const struct cp_group *g = cp_group_by_name(val);

		if (g == NULL || strcmp(g->name, val) != 0)
			err_at(path, line, "'%s' is not the IANA name of a group%s%s", val,
			       g != NULL ? "; did you mean " : "", g != NULL ? g->name : "");
		else
			list_add(&c->groups, g->id, path, line, "group", val);
	} else if (strcmp(field, "sigalg") == 0) {
		const struct cp_sigscheme *s = sigscheme_by_name(val);

		if (s == NULL)
			err_at(path, line, "'%s' is not the IANA name of a signature scheme", val);
		else
			list_add(&c->sigalgs, s->id, path, line, "signature scheme", val);
	} else {
		err_at(path, line,
		       "unknown field '%s' (label, source, versions, suite, group, sigalg)", field);
	}
}

/* Every client complete, and each list fits struct cp_offer. */
static void clients_check(const char *path, const struct clients_ctx *cx)
{
	const struct cp_offer *o = NULL;
	const size_t max_groups = sizeof o->groups / sizeof o->groups[0];
	const size_t max_sigalgs = sizeof o->sigalgs / sizeof o->sigalgs[0];

	if (cx->n == 0)
		err_at(path, 1, "no clients");
	for (size_t i = 0; i < cx->n; i++) {
		const struct client *c = &cx->c[i];

		if (c->label == NULL || c->source == NULL || c->min_version == 0 ||
		    c->suites.n == 0 || c->groups.n == 0 || c->sigalgs.n == 0)
			err_at(path, c->line,
			       "%s: needs label, source, versions and at least one "
			       "suite, group and sigalg",
			       c->name);
		/* only those PAN-OS decrypts reach the proxy's hello */
		size_t ndec = 0;

		for (size_t k = 0; k < c->suites.n; k++) {
			const struct cp_suite *s = cp_suite_by_id(c->suites.v[k]);

			ndec += s != NULL && s->panos != 0;
		}
		if (ndec > CP_OFFER_MAX)
			err_at(path, c->line,
			       "%s: %zu suites PAN-OS decrypts, a proxy hello holds %d", c->name,
			       ndec, CP_OFFER_MAX);
		if (c->groups.n > max_groups)
			err_at(path, c->line, "%s: %zu groups, a proxy hello holds %zu", c->name,
			       c->groups.n, max_groups);
		if (c->sigalgs.n > max_sigalgs)
			err_at(path, c->line, "%s: %zu signature schemes, a proxy hello holds %zu",
			       c->name, c->sigalgs.n, max_sigalgs);
	}
}

/* ---- panos-groups.tsv ---- */

struct groups_ctx {
	struct group_rule r[MAX_GROUP_RULES];
	size_t n;
};

static void group_row(const char *path, size_t line, char **f, void *ctx)
{
	struct groups_ctx *gx = ctx;
	const struct cp_group *g = cp_group_by_name(f[0]);
	bool strip;

	if (g == NULL || strcmp(g->name, f[0]) != 0) {
		err_at(path, line, "'%s' is not the IANA name of a group", f[0]);
		return;
	}
	if (strcmp(f[1], "strip") == 0)
		strip = true;
	else if (strcmp(f[1], "keep") == 0)
		strip = false;
	else {
		err_at(path, line, "action '%s': keep or strip", f[1]);
		return;
	}
	if (f[2][0] == '\0' || strcmp(f[2], "-") == 0) {
		err_at(path, line, "%s: say why in the comment column", f[0]);
		return;
	}
	for (size_t i = 0; i < gx->n; i++)
		if (gx->r[i].id == g->id) {
			err_at(path, line, "%s listed twice", f[0]);
			return;
		}
	if (gx->n == MAX_GROUP_RULES) {
		err_at(path, line, "too many rows");
		return;
	}
	gx->r[gx->n].id = g->id;
	gx->r[gx->n].strip = strip;
	gx->n++;
}

static void groups_check(const char *gpath, const char *cpath, const struct groups_ctx *gx,
			 const struct clients_ctx *cx)
{
	for (size_t i = 0; i < cx->n; i++)
		for (size_t j = 0; j < cx->c[i].groups.n; j++) {
			uint16_t id = cx->c[i].groups.v[j];
			size_t k;

			for (k = 0; k < gx->n; k++)
				if (gx->r[k].id == id)
					break;
			if (k == gx->n)
				err_at(gpath, 1, "%s (offered by %s in %s) needs a keep/strip row",
				       cp_group_by_id(id)->name, cx->c[i].name, cpath);
		}
}

/* ---- output ---- */

static void put_str(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(o, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(o, "\\%03o", ch);
		else
			fputc(ch, o);
	}
	fputc('"', o);
}

static void put_list(FILE *o, const char *cname, const char *what, const struct list *l)
{
	fprintf(o, "static const uint16_t %s_%s[] = {", cname, what);
	for (size_t i = 0; i < l->n; i++)
		fprintf(o, "%s0x%04X,", i % 8 == 0 ? "\n\t" : " ", l->v[i]);
	fprintf(o, "\n};\n");
}

/* C identifier for a client name ('-' becomes '_'). */
static const char *ident(const char *name, char *buf, size_t size)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < size; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	buf[i] = '\0';
	return buf;
}

static bool write_output(const char *path, const struct clients_ctx *cx,
			 const struct groups_ctx *gx)
{
	FILE *o = fopen(path, "w");
	char id[64];

	if (o == NULL) {
		perror(path);
		return false;
	}
	fprintf(o, "/* Generated by scanner/policy/gen-clients from ciphersuites/clients.tsv\n"
		   " * and ciphersuites/panos-groups.tsv: edit those, not this file. */\n"
		   "#include \"config.h\"\n\n#include \"policy/clients_data.h\"\n\n");
	for (size_t i = 0; i < cx->n; i++) {
		const struct client *c = &cx->c[i];

		ident(c->name, id, sizeof id);
		put_list(o, id, "suites", &c->suites);
		put_list(o, id, "groups", &c->groups);
		put_list(o, id, "sigalgs", &c->sigalgs);
		fprintf(o, "static const struct cp_client client_%s = {\n\t.name = ", id);
		put_str(o, c->name);
		fprintf(o, ",\n\t.label = ");
		put_str(o, c->label);
		fprintf(o, ",\n\t.source = ");
		put_str(o, c->source);
		fprintf(o,
			",\n\t.suites = %s_suites, .nsuites = %zu,\n"
			"\t.groups = %s_groups, .ngroups = %zu,\n"
			"\t.sigalgs = %s_sigalgs, .nsigalgs = %zu,\n"
			"\t.min_version = 0x%04X, .max_version = 0x%04X,\n};\n\n",
			id, c->suites.n, id, c->groups.n, id, c->sigalgs.n, c->min_version,
			c->max_version);
	}
	fprintf(o, "const struct cp_client *const cp_clients[] = {\n");
	for (size_t i = 0; i < cx->n; i++)
		fprintf(o, "\t&client_%s,\n", ident(cx->c[i].name, id, sizeof id));
	fprintf(o, "\tNULL,\n};\n\nconst struct cp_panos_group_rule cp_panos_group_rules[] = {\n");
	for (size_t i = 0; i < gx->n; i++)
		fprintf(o, "\t{ 0x%04X, %s }, /* %s */\n", gx->r[i].id,
			gx->r[i].strip ? "true" : "false", cp_group_by_id(gx->r[i].id)->name);
	fprintf(o, "};\nconst size_t cp_panos_ngroup_rules = %zu;\n", gx->n);
	if (fclose(o) != 0) {
		perror(path);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	static const char *const client_cols[] = { "client", "field", "value" };
	static const char *const group_cols[] = { "name", "action", "comment" };
	static struct clients_ctx cx;
	static struct groups_ctx gx;
	const char *dir = NULL, *out = NULL;
	char *cpath = NULL, *gpath = NULL;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else
			dir = NULL, i = argc;
	}
	if (dir == NULL || out == NULL) {
		fprintf(stderr, "usage: gen-clients -d DATADIR -o OUTPUT.c\n");
		return 2;
	}
	cpath = join_path(dir, "clients.tsv");
	gpath = join_path(dir, "panos-groups.tsv");
	if (cpath == NULL || gpath == NULL) {
		fprintf(stderr, "gen-clients: out of memory\n");
		goto out;
	}
	if (read_tsv(cpath, client_cols, 3, client_row, &cx))
		clients_check(cpath, &cx);
	read_tsv(gpath, group_cols, 3, group_row, &gx);
	if (cx.oom) {
		fprintf(stderr, "gen-clients: out of memory\n");
		goto out;
	}
	groups_check(gpath, cpath, &gx, &cx);
	if (nerrors > 0) {
		fprintf(stderr, "gen-clients: %u error%s, %s not written\n", nerrors,
			nerrors == 1 ? "" : "s", out);
		goto out;
	}
	if (write_output(out, &cx, &gx))
		rc = 0;
out:
	for (size_t i = 0; i < cx.n; i++) {
		free(cx.c[i].name);
		free(cx.c[i].label);
		free(cx.c[i].source);
	}
	free(cpath);
	free(gpath);
	return rc;
}
