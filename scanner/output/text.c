/* SPDX-License-Identifier: MIT */
/*
 * Text output for people: one block per target as results complete.
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

#define RED "\033[31m"
#define YELLOW "\033[33m"
#define GREEN "\033[32m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

struct text_state {
	size_t targets, ok, errors;
};

static const char *strength_color(enum cp_strength s)
{
	switch (s) {
	case CP_STRENGTH_NULL:
	case CP_STRENGTH_EXPORT:
	case CP_STRENGTH_WEAK:
		return RED;
	case CP_STRENGTH_LEGACY:
		return YELLOW;
	case CP_STRENGTH_STRONG:
		return GREEN;
	case CP_STRENGTH__COUNT:
		break;
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
		fprintf(o->f, "  decryption log: %zu failure%s", r->log_failures, r->log_failures == 1 ? "" : "s");
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
			fprintf(o->f, " (%u timeout%s)", pr->timeouts, pr->timeouts == 1 ? "" : "s");
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
				fprintf(o->f, "%s 0x%04X (", i ? "," : "", (unsigned)r->groups[i].id);
			for (int p = 0; p < CP_P__COUNT; p++)
				if (r->groups[i].versions & cp_proto_bit((enum cp_proto)p)) {
					fprintf(o->f, "%s%s", first ? "" : " ", cp_proto_name((enum cp_proto)p));
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
	static const struct { unsigned bit; const char *text; } problems[] = {
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
				fprintf(o->f, "%s 0x%04X", first ? "" : ",", (unsigned)r->sigalgs[i].id);
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
		fprintf(o->f, "  %s, %zu suite%s\n", cp_proto_name((enum cp_proto)lo), n, n == 1 ? "" : "s");
	else
		fprintf(o->f, "  %s to %s, %zu suites\n", cp_proto_name((enum cp_proto)lo),
			cp_proto_name((enum cp_proto)hi), n);
}

static int text_begin(struct cp_out *o)
{
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
	}
	errno = 0;
	if (o->verbosity < 0) {
		brief(o, r);
		return finish(o);
	}
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
	if (r->verdict && cp_verdict_print(o->f, r->verdict, o->color) < 0 && !o->err)
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
		fprintf(o->f, "  %u handshake%s, %u connection%s, %" PRIu64 " ms\n",
			r->handshakes, r->handshakes == 1 ? "" : "s",
			r->connections, r->connections == 1 ? "" : "s", r->elapsed_ms);
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

static int text_end(struct cp_out *o, const struct cp_summary *s)
{
	struct text_state *st = o->priv;
	struct cp_summary own = { 0 };
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
	fprintf(o->f, "%zu target%s: %zu ok, %zu error%s", s->targets, s->targets == 1 ? "" : "s",
		s->ok, s->errors, s->errors == 1 ? "" : "s");
	if (s->compatible || s->incompatible)
		fprintf(o->f, "; %zu compatible, %zu incompatible", s->compatible, s->incompatible);
	fputc('\n', o->f);
	if (s->interception_issuer) {
		on(o, BOLD RED);
		fputs("WARNING: this scan is being decrypted; results describe the proxy, not the servers\n", o->f);
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
			fprintf(o->f, "  fixes %zu target%s\n", rec->fixes, rec->fixes == 1 ? "" : "s");
		}
		if (rec->nno_decrypt)
			names(o, "no-decrypt:", rec->no_decrypt, rec->nno_decrypt);
		if (rec->ncommands)
			fputs("commands:\n", o->f);
		for (size_t i = 0; i < rec->ncommands; i++) {
			fputs("  ", o->f);
			put(o, rec->commands[i], "");
			fputc('\n', o->f);
		}
	}
	if (fflush(o->f) == EOF && !o->err)
		o->err = errno ? errno : EIO;
	rc = finish(o);
	free(o->priv);
	o->priv = NULL;
	return rc;
}

static void text_cleanup(struct cp_out *o)
{
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
