/* SPDX-License-Identifier: MIT */
/*
 * Text output for people.  One target: its full block.  A list (more than
 * one target, cp_out.ntargets): one line per target in input order once
 * all have finished, then the fleet summary; each target's full block, as
 * it completes, only with -v.
 *
 * Every string that came from the network or from input goes through
 * cp_sanitize() first; names from the registry are our own and print as
 * they are.  Colour marks strength only, and only when o->color is set.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "output/verdict.h"
#include "output/sanitize.h"
#include "registry.h"
#include "result.h"
#include "util.h"

#define RED "\033[31m"
#define YELLOW "\033[33m"
#define GREEN "\033[32m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* What the one-line-per-target table shows of a result. */
enum row_verdict { ROW_NONE, ROW_COMPATIBLE, ROW_INCOMPATIBLE, ROW_CLIENT };

struct row {
	size_t index, seq; /* input position; arrival, for equal positions */
	char *target;      /* the input as given, escaped for a terminal */
	bool ok;
	enum cp_err_kind kind;
	enum row_verdict verdict;
	char *fix; /* "auth-algo-sha1", "no-decrypt exception", NULL */
};

struct text_state {
	size_t targets, ok, errors;
	struct row *rows;
	size_t nrows, caprows;
};

static const char *strength_color(enum cp_strength s)
{
	switch (s) {
	case CP_STRENGTH_NULL:
	case CP_STRENGTH_EXPORT:
	case CP_STRENGTH_WEAK: return RED;
	case CP_STRENGTH_LEGACY: return YELLOW;
	case CP_STRENGTH_STRONG: return GREEN;
	case CP_STRENGTH__COUNT: break;
	}
	return "";
}

static void on(struct cp_out *o, const char *code)
{
	if (o->color)
		fputs(code, o->f);
}

static void off(struct cp_out *o)
{
	if (o->color)
		fputs(RESET, o->f);
}

/* Prints an untrusted string escaped (def when it is NULL). */
static void put(struct cp_out *o, const char *s, const char *def)
{
	if (!s) {
		fputs(def, o->f);
		return;
	}
	cp_sanitize_fputs(s, o->f);
}

static void header(struct cp_out *o, const struct cp_result *r)
{
	on(o, BOLD);
	put(o, r->input, "");
	off(o);
	if (r->host) {
		const char *addr = r->address ? r->address : r->host;
		bool v6 = strchr(addr, ':') != NULL;
		fputs(" -> ", o->f);
		fputs(v6 ? "[" : "", o->f);
		put(o, addr, "");
		fprintf(o->f, "%s:%u", v6 ? "]" : "", (unsigned)r->port);
		fputs(r->sni ? ", SNI " : ", no SNI", o->f);
		if (r->sni)
			put(o, r->sni, "");
	}
	fputc('\n', o->f);
	if (r->log_failures) {
		fprintf(o->f, "  decryption log: %zu failure%s", r->log_failures,
			r->log_failures == 1 ? "" : "s");
		if (r->log_error) {
			fputs(" (", o->f);
			put(o, r->log_error, "");
			fputc(')', o->f);
		}
		if (r->log_first_seen) {
			fputs(", first seen ", o->f);
			put(o, r->log_first_seen, "");
			if (r->log_last_seen && strcmp(r->log_last_seen, r->log_first_seen)) {
				fputs(", last seen ", o->f);
				put(o, r->log_last_seen, "");
			}
		}
		fputc('\n', o->f);
	}
}

static void suite_line(struct cp_out *o, const char *id, const char *name,
		       const enum cp_strength *strength)
{
	fprintf(o->f, "    %-8s  %-50s", id, name ? name : "(unknown to the registry)");
	if (strength) {
		fputc(' ', o->f);
		on(o, strength_color(*strength));
		fputs(cp_strength_name(*strength), o->f);
		off(o);
	}
	fputc('\n', o->f);
}

static void protocol(struct cp_out *o, const struct cp_result *r, enum cp_proto p)
{
	const struct cp_proto_result *pr = &r->proto[p];
	char id[16];

	fprintf(o->f, "  %s", cp_proto_name(p));
	if (pr->server_preference == CP_YES)
		fputs("  server order", o->f);
	else if (pr->server_preference == CP_NO)
		fputs("  client order", o->f);
	fputc('\n', o->f);
	if (p == CP_P_SSL2) {
		for (size_t i = 0; i < pr->nkinds; i++) {
			const struct cp_sslv2_kind *k = cp_sslv2_by_id(pr->kinds[i]);
			snprintf(id, sizeof id, "0x%06" PRIX32, pr->kinds[i] & 0xFFFFFFu);
			suite_line(o, id, k ? k->name : NULL, k ? &k->strength : NULL);
		}
	} else {
		for (size_t i = 0; i < pr->nsuites; i++) {
			const struct cp_suite *s = cp_suite_by_id(pr->suites[i]);
			snprintf(id, sizeof id, "0x%04" PRIX16, pr->suites[i]);
			suite_line(o, id, s ? s->name : NULL, s ? &s->strength : NULL);
		}
	}
	if (pr->timeouts)
		fprintf(o->f, "    (%u probe%s timed out: the list may be incomplete)\n",
			pr->timeouts, pr->timeouts == 1 ? "" : "s");
}

static void protocols(struct cp_out *o, const struct cp_result *r)
{
	bool any = false;

	/* newest first: what matters most to a reader comes first */
	for (int p = CP_P__COUNT - 1; p >= 0; p--)
		if (r->proto[p].probed && r->proto[p].supported)
			protocol(o, r, (enum cp_proto)p);
	/* a target that failed says why in its error line; listing versions
	 * it never answered for would read as findings */
	for (int p = CP_P__COUNT - 1; p >= 0 && r->ok; p--) {
		const struct cp_proto_result *pr = &r->proto[p];
		if (!pr->probed || pr->supported)
			continue;
		fputs(any ? ", " : "  not supported: ", o->f);
		fputs(cp_proto_name((enum cp_proto)p), o->f);
		if (pr->timeouts)
			fprintf(o->f, " (%u timeout%s)", pr->timeouts,
				pr->timeouts == 1 ? "" : "s");
		any = true;
	}
	if (any)
		fputc('\n', o->f);
}

static void groups(struct cp_out *o, const struct cp_result *r)
{
	if (r->ngroups) {
		fputs("  groups:", o->f);
		for (size_t i = 0; i < r->ngroups; i++) {
			const struct cp_group *g = cp_group_by_id(r->groups[i].id);
			bool first = true;
			if (g)
				fprintf(o->f, "%s %s (", i ? "," : "", g->name);
			else
				fprintf(o->f, "%s 0x%04X (", i ? "," : "",
					(unsigned)r->groups[i].id);
			for (int p = 0; p < CP_P__COUNT; p++)
				if (r->groups[i].versions & cp_proto_bit((enum cp_proto)p)) {
					fprintf(o->f, "%s%s", first ? "" : " ",
						cp_proto_name((enum cp_proto)p));
					first = false;
				}
			fputc(')', o->f);
		}
		fputc('\n', o->f);
	}
	if (r->dhe_bits) {
		fputs("  DHE: ", o->f);
		/* below 2048 bits is what browsers and NIST stopped accepting */
		on(o, r->dhe_bits < 1024 ? RED : r->dhe_bits < 2048 ? YELLOW : "");
		fprintf(o->f, "%u-bit group", (unsigned)r->dhe_bits);
		off(o);
		fputc('\n', o->f);
	}
}

/* One line for the chain verification: trusted, or every problem found. */
static void chain_line(struct cp_out *o, const struct cp_cert_facts *c)
{
	static const struct {
		unsigned bit;
		const char *text;
	} problems[] = {
		{ CP_CHAIN_INCOMPLETE, "incomplete chain" },
		{ CP_CHAIN_UNKNOWN_ROOT, "unknown root" },
		{ CP_CHAIN_SELF_SIGNED, "self-signed" },
		{ CP_CHAIN_EXPIRED, "expired" },
		{ CP_CHAIN_NOT_YET_VALID, "not yet valid" },
		{ CP_CHAIN_NAME_MISMATCH, "name mismatch" },
		{ CP_CHAIN_INVALID, "invalid" },
	};
	const char *sep = ": ";

	if (!c->chain_checked)
		return;
	fputs("    trust:   ", o->f);
	on(o, !c->trusted ? RED : c->chain_errors ? YELLOW : GREEN);
	fputs(c->trusted ? "trusted" : "untrusted", o->f);
	off(o);
	/* an incomplete chain's top issuer is the missing one, named below */
	if (c->anchor && !(c->missing_issuer && !strcmp(c->anchor, c->missing_issuer))) {
		fputs(c->trusted ? " (root " : " (top issuer ", o->f);
		put(o, c->anchor, "");
		fputc(')', o->f);
	}
	for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++) {
		if (!(c->chain_errors & problems[i].bit))
			continue;
		fputs(sep, o->f);
		sep = ", ";
		on(o, RED);
		fputs(problems[i].text, o->f);
		off(o);
		if (problems[i].bit == CP_CHAIN_INCOMPLETE && c->missing_issuer) {
			fputs(" (missing issuer ", o->f);
			put(o, c->missing_issuer, "");
			fputs(" not sent)", o->f);
		}
	}
	fputc('\n', o->f);
}

/* One line per version: "  signatures TLSv1.3: rsa_pss_rsae_sha256, ..." */
static void sigalgs(struct cp_out *o, const struct cp_result *r)
{
	for (int p = CP_P__COUNT - 1; p >= 0; p--) {
		unsigned bit = cp_proto_bit((enum cp_proto)p);
		bool first = true;
		for (size_t i = 0; i < r->nsigalgs; i++) {
			const struct cp_sigscheme *sg = cp_sigscheme_by_id(r->sigalgs[i].id);
			if (!(r->sigalgs[i].versions & bit))
				continue;
			if (first)
				fprintf(o->f, "  signatures %s:", cp_proto_name((enum cp_proto)p));
			if (sg)
				fprintf(o->f, "%s %s", first ? "" : ",", sg->name);
			else
				fprintf(o->f, "%s 0x%04X", first ? "" : ",",
					(unsigned)r->sigalgs[i].id);
			first = false;
		}
		if (!first)
			fputc('\n', o->f);
	}
}

static void certificate(struct cp_out *o, const struct cp_cert_facts *c)
{
	if (!c->present)
		return;
	fputs("  certificate: ", o->f);
	put(o, c->subject, "(no subject)");
	fputs("\n    issuer:  ", o->f);
	put(o, c->issuer, "(none)");
	fputs("\n    key:     ", o->f);
	put(o, c->key_type, "?");
	if (c->key_bits)
		fprintf(o->f, " %u bits", c->key_bits);
	if (c->curve) {
		fputs(" ", o->f);
		put(o, c->curve, "");
	}
	if (c->sig_alg) {
		fputs(", signed with ", o->f);
		put(o, c->sig_alg, "");
	}
	fputc('\n', o->f);
	if (c->not_before || c->not_after) {
		fputs("    valid:   ", o->f);
		put(o, c->not_before, "?");
		fputs(" to ", o->f);
		put(o, c->not_after, "?");
		fputc('\n', o->f);
	}
	if (c->nsans) {
		fputs("    names:   ", o->f);
		for (size_t i = 0; i < c->nsans; i++) {
			if (i)
				fputs(", ", o->f);
			put(o, c->sans[i], "");
		}
		fputc('\n', o->f);
	}
	if (o->verbosity > 0) {
		fputs("    sha256:  ", o->f);
		put(o, c->sha256, "?");
		fprintf(o->f, "\n    chain:   %zu certificate%s\n", c->chain_len,
			c->chain_len == 1 ? "" : "s");
	}
	if (c->expired || c->not_yet_valid || c->self_signed) {
		fputs("    ", o->f);
		on(o, c->expired || c->not_yet_valid ? RED : YELLOW);
		fputs("warning:", o->f);
		if (c->expired)
			fputs(" expired", o->f);
		if (c->not_yet_valid)
			fputs(" not yet valid", o->f);
		if (c->self_signed)
			fprintf(o->f, "%s self-signed", c->expired || c->not_yet_valid ? "," : "");
		off(o);
		fputc('\n', o->f);
	}
	chain_line(o, c);
}

static void error_line(struct cp_out *o, const struct cp_result *r, const char *indent)
{
	fputs(indent, o->f);
	on(o, RED);
	fprintf(o->f, "ERROR (%s): ", cp_err_kind_name(r->err_kind));
	put(o, r->err_msg, "no message");
	off(o);
	fputc('\n', o->f);
}

/* verbosity < 0: the whole target on one line */
static void brief(struct cp_out *o, const struct cp_result *r)
{
	int lo = -1, hi = -1;
	size_t n = 0;

	put(o, r->input, "");
	if (!r->ok) {
		error_line(o, r, "  ");
		return;
	}
	for (int p = 0; p < CP_P__COUNT; p++)
		if (r->proto[p].supported) {
			if (lo < 0)
				lo = p;
			hi = p;
			n += p == CP_P_SSL2 ? r->proto[p].nkinds : r->proto[p].nsuites;
		}
	if (lo < 0)
		fputs("  no protocol supported\n", o->f);
	else if (lo == hi)
		fprintf(o->f, "  %s, %zu suite%s\n", cp_proto_name((enum cp_proto)lo), n,
			n == 1 ? "" : "s");
	else
		fprintf(o->f, "  %s to %s, %zu suites\n", cp_proto_name((enum cp_proto)lo),
			cp_proto_name((enum cp_proto)hi), n);
}

static void rows_free(struct text_state *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->nrows; i++) {
		free(st->rows[i].target);
		free(st->rows[i].fix);
	}
	free(st->rows);
	st->rows = NULL;
	st->nrows = st->caprows = 0;
}

static const char *const row_verdict_names[] = {
	[ROW_NONE] = "no verdict",
	[ROW_COMPATIBLE] = "compatible",
	[ROW_INCOMPATIBLE] = "incompatible",
	[ROW_CLIENT] = "fails without decryption too",
};

/* Whether the browser itself blocks an axis: no proxy needed to fail. */
static bool client_blocked(const struct cp_verdict *v)
{
	for (size_t i = 0; i < v->ncauses; i++)
		if (v->causes[i].blocked_by == CP_BY_CLIENT)
			return true;
	return false;
}

/* The fix column: the changes joined by '+', or the exception. */
static char *fix_text(const struct cp_verdict *v)
{
	size_t len = 1;
	char *s;

	if (v->compatible)
		return NULL;
	if (v->no_decrypt)
		return cp_strdup0("no-decrypt exception");
	if (!v->fix || !v->fix->nchanges)
		return NULL;
	for (size_t i = 0; i < v->fix->nchanges; i++)
		len += strlen(v->fix->changes[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0, at = 0; i < v->fix->nchanges; i++) {
		size_t n = strlen(v->fix->changes[i]);
		if (i)
			s[at++] = '+';
		memcpy(s + at, v->fix->changes[i], n + 1);
		at += n;
	}
	return s;
}

/* Keep r's line of the table; -1 when memory runs out. */
static int add_row(struct text_state *st, const struct cp_result *r)
{
	struct row *w;

	if (CP_GROW(st->rows, st->caprows, st->nrows + 1) < 0)
		return -1;
	w = &st->rows[st->nrows];
	memset(w, 0, sizeof *w);
	w->index = r->index;
	w->seq = st->nrows;
	w->ok = r->ok;
	w->kind = r->err_kind;
	w->target = cp_sanitize(r->input ? r->input : "");
	if (!w->target)
		return -1;
	if (r->ok && r->verdict) {
		const struct cp_verdict *v = r->verdict;
		w->verdict = v->compatible       ? ROW_COMPATIBLE
			     : client_blocked(v) ? ROW_CLIENT
						 : ROW_INCOMPATIBLE;
		w->fix = fix_text(v);
		if (!w->fix && !v->compatible && (v->no_decrypt || (v->fix && v->fix->nchanges))) {
			free(w->target);
			return -1;
		}
	}
	st->nrows++;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Columns a terminal gives s: code points (s is escaped, so all print). */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void pad(struct cp_out *o, size_t n)
{
	while (n--)
		fputc(' ', o->f);
}

/* The table: target, status, verdict, fix or error kind; input order. */
#define TARGET_COL_MAX 60
static void table(struct cp_out *o, struct text_state *st)
{
	size_t tw = strlen("TARGET"), vw = strlen("VERDICT");

	qsort(st->rows, st->nrows, sizeof *st->rows, row_cmp);
	for (size_t i = 0; i < st->nrows; i++) {
		size_t w = width(st->rows[i].target);
		if (w > tw)
			tw = w;
		w = strlen(row_verdict_names[st->rows[i].verdict]);
		if (w > vw)
			vw = w;
	}
	if (tw > TARGET_COL_MAX)
		tw = TARGET_COL_MAX;
	fputs("TARGET", o->f);
	pad(o, tw - strlen("TARGET") + 2);
	fputs("STATUS   VERDICT", o->f);
	pad(o, vw - strlen("VERDICT") + 2);
	fputs("FIX\n", o->f);
	for (size_t i = 0; i < st->nrows; i++) {
		const struct row *w = &st->rows[i];
		const char *vn = row_verdict_names[w->verdict];
		size_t tlen = width(w->target);

		fputs(w->target, o->f);
		/* a long target keeps its line; the columns resume after it */
		pad(o, tlen < tw ? tw - tlen + 2 : 2);
		fputs(w->ok ? "scanned  " : "error    ", o->f);
		on(o, w->verdict == ROW_COMPATIBLE     ? GREEN
		      : w->verdict == ROW_INCOMPATIBLE ? RED
		      : w->verdict == ROW_CLIENT       ? YELLOW
						       : "");
		fputs(vn, o->f);
		off(o);
		pad(o, vw - strlen(vn) + 2);
		if (!w->ok)
			fputs(cp_err_kind_name(w->kind), o->f);
		else
			fputs(w->fix ? w->fix : "-", o->f);
		fputc('\n', o->f);
	}
	fputc('\n', o->f);
}

static int text_begin(struct cp_out *o)
{
	if (o->priv)
		rows_free(o->priv);
	free(o->priv);
	o->priv = calloc(1, sizeof(struct text_state));
	if (!o->priv) {
		o->err = ENOMEM;
		return -1;
	}
	return 0;
}

/* Escaping streams without allocating (cp_sanitize_fputs), so only a
 * write error can fail a target. */
static int finish(struct cp_out *o)
{
	if (ferror(o->f)) {
		if (!o->err)
			o->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

static int text_target(struct cp_out *o, const struct cp_result *r)
{
	struct text_state *st = o->priv;

	if (st) {
		st->targets++;
		if (r->ok)
			st->ok++;
		else
			st->errors++;
		if (add_row(st, r) < 0) {
			o->err = ENOMEM;
			return -1;
		}
	}
	errno = 0;
	if (o->verbosity < 0) {
		brief(o, r);
		return finish(o);
	}
	if (o->ntargets > 1 && o->verbosity == 0)
		return 0; /* a list: the table at the end says it */
	header(o, r);
	protocols(o, r);
	groups(o, r);
	sigalgs(o, r);
	certificate(o, &r->cert);
	for (size_t i = 0; i < r->nviolations; i++) {
		fputs("  ", o->f);
		on(o, RED);
		fputs("violation: ", o->f);
		off(o);
		put(o, r->violations[i].what, "");
		fputc('\n', o->f);
	}
	if (!r->ok)
		error_line(o, r, "  ");
	if (r->verdict && cp_verdict_print(o->f, r->verdict, o->color, o->scm) < 0 && !o->err)
		o->err = errno ? errno : EIO;
	if (r->replay.captured) {
		fputs("  proxy hello: the captured hello was replayed", o->f);
		if (r->replay.sni_rewritten) {
			fputs(", its server_name rewritten to ", o->f);
			put(o, r->sni, "");
		}
		fputc('\n', o->f);
	}
	if (r->handshakes || r->connections)
		fprintf(o->f, "  %u handshake%s, %u connection%s, %" PRIu64 " ms\n", r->handshakes,
			r->handshakes == 1 ? "" : "s", r->connections,
			r->connections == 1 ? "" : "s", r->elapsed_ms);
	fputc('\n', o->f);
	return finish(o);
}

static void names(struct cp_out *o, const char *label, const char *const *v, size_t n)
{
	fputs(label, o->f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : " ", o->f);
		put(o, v[i], "");
	}
	fputc('\n', o->f);
}

/* Commands for a built-in profile name none: say how to name it. */
static void placeholder_hint(struct cp_out *o, const char *const *cmds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cmds[i] && strstr(cmds[i], "<PROFILE>")) {
			fputs(CP_PROFILE_HINT "\n", o->f);
			return;
		}
}

/* The targets that could not be scanned, one line each, input order. */
static void failed_lines(struct cp_out *o, const struct text_state *st)
{
	for (size_t i = 0; i < st->nrows; i++) {
		if (st->rows[i].ok)
			continue;
		fputs("failed: ", o->f);
		on(o, RED);
		fputs(cp_err_kind_name(st->rows[i].kind), o->f);
		off(o);
		fputc(' ', o->f);
		fputs(st->rows[i].target, o->f);
		fputc('\n', o->f);
	}
}

static int text_end(struct cp_out *o, const struct cp_summary *s)
{
	struct text_state *st = o->priv;
	struct cp_summary own = { 0 };
	size_t client = 0;
	int rc;

	if (!s) {
		if (st) {
			own.targets = st->targets;
			own.ok = st->ok;
			own.errors = st->errors;
		}
		s = &own;
	}
	errno = 0;
	if (st) {
		if (o->ntargets > 1 && o->verbosity >= 0)
			table(o, st);
		for (size_t i = 0; i < st->nrows; i++)
			client += st->rows[i].verdict == ROW_CLIENT;
	}
	fprintf(o->f, "%zu target%s: %zu ok, %zu error%s", s->targets, s->targets == 1 ? "" : "s",
		s->ok, s->errors, s->errors == 1 ? "" : "s");
	if (s->compatible || s->incompatible)
		fprintf(o->f, "; %zu compatible, %zu incompatible", s->compatible, s->incompatible);
	fputc('\n', o->f);
	if (st)
		failed_lines(o, st);
	if (client)
		fprintf(o->f,
			"fails without decryption too: %zu target%s (the browser itself "
			"cannot connect: no profile change helps)\n",
			client, client == 1 ? "" : "s");
	if (s->interception_issuer) {
		on(o, BOLD RED);
		fputs("WARNING: this scan is being decrypted; results describe the proxy, not the servers\n",
		      o->f);
		off(o);
		fprintf(o->f, "  %zu target%s present chains from ", s->interception_targets,
			s->interception_targets == 1 ? "" : "s");
		put(o, s->interception_issuer, "");
		fputc('\n', o->f);
	}
	if (s->recommendation) {
		const struct cp_recommendation *rec = s->recommendation;
		if (rec->nchanges) {
			names(o, "recommended change:", rec->changes, rec->nchanges);
			/* what each change adds, with those before it in place */
			for (size_t i = 0; rec->change_fixes && i < rec->nchanges; i++) {
				size_t before = i ? rec->change_fixes[i - 1] : 0;
				size_t n = rec->change_fixes[i] - before;
				fputs("  ", o->f);
				put(o, rec->changes[i], "");
				if (n || i + 1 == rec->nchanges)
					fprintf(o->f, " fixes %zu\n", n);
				else
					fputs(" fixes the next targets together with the change after it\n",
					      o->f);
			}
			fprintf(o->f, "  fixes %zu target%s\n", rec->fixes,
				rec->fixes == 1 ? "" : "s");
		}
		if (rec->nno_decrypt)
			names(o, "no-decrypt:", rec->no_decrypt, rec->nno_decrypt);
		if (o->scm && rec->scm_patch) {
			/* a Strata Cloud Manager profile has no CLI: the patch to
			 * merge into the profile's JSON instead */
			fputs("scm patch:\n  ", o->f);
			put(o, rec->scm_patch, "");
			fputc('\n', o->f);
		} else if (!o->scm) {
			if (rec->ncommands)
				fputs("commands:\n", o->f);
			for (size_t i = 0; i < rec->ncommands; i++) {
				fputs("  ", o->f);
				put(o, rec->commands[i], "");
				fputc('\n', o->f);
			}
			placeholder_hint(o, rec->commands, rec->ncommands);
		}
	}
	if (fflush(o->f) == EOF && !o->err)
		o->err = errno ? errno : EIO;
	rc = finish(o);
	rows_free(st);
	free(o->priv);
	o->priv = NULL;
	return rc;
}

static void text_cleanup(struct cp_out *o)
{
	rows_free(o->priv);
	free(o->priv);
	o->priv = NULL;
}

const struct cp_output_ops cp_output_text = {
	.name = "text",
	.begin = text_begin,
	.target = text_target,
	.end = text_end,
	.cleanup = text_cleanup,
};
