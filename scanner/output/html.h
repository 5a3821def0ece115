/* SPDX-License-Identifier: MIT */
/*
 * The HTML report (--html FILE, `cipherprobe report --html`): one
 * self-contained page (inline CSS, inline SVG charts, a small inline
 * script that only sorts; a Content-Security-Policy that forbids every
 * fetch) with the fleet summary and its set commands, a sortable table
 * with one row per target, each target's accepted matrix (versions x
 * suites, each cell marked by whether the profile allows it) in a
 * <details> element, and bar charts of the versions and of the weakest
 * suite accepted across targets.
 *
 * A report collects compact copies of what it shows (cp_html_add, in any
 * order; rows are written in r->index order), then writes the page once
 * (cp_html_write).  It keeps no pointer into the results it was given.
 * Every string that came from a server, a target list or a document is
 * written through cp_html_escape's rules.
 */
#ifndef CP_OUTPUT_HTML_H
#define CP_OUTPUT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "output/output.h"
#include "policy/profile.h"
#include "result.h"

/* A target's verdict as the report shows it (from a struct cp_verdict
 * after a scan, or from a document's "verdict" object). */
struct cp_html_verdict {
	bool compatible;
	const char *reason;         /* may be NULL */
	const char *const *changes; /* the fix, NULL/0: none */
	size_t nchanges;
	bool weak; /* the fix weakens the profile */
	bool no_decrypt;
	const char *const *commands; /* the fix's set commands */
	size_t ncommands;
};

struct cp_html;

/* A new, empty report.  profile (copied, may be NULL: cells are then not
 * judged) decides how the matrix marks each accepted suite; title (may be
 * NULL) names what was scanned.  NULL when memory runs out. */
struct cp_html *cp_html_new(const struct cp_profile *profile, const char *title);

/* Adds one target: its facts from r and its verdict from v (NULL: none).
 * 0, or -1 when memory runs out (the report is then unchanged). */
int cp_html_add(struct cp_html *h, const struct cp_result *r, const struct cp_html_verdict *v);

/* cp_html_add with r's own verdict (r->verdict, set by policy/advise). */
int cp_html_add_result(struct cp_html *h, const struct cp_result *r);

/* Rows added so far. */
size_t cp_html_count(const struct cp_html *h);

/* Writes the page to f.  s may be NULL (the counts are then the report's
 * own).  0, or -1 when writing failed (errno set). */
int cp_html_write(const struct cp_html *h, FILE *f, const struct cp_summary *s);

void cp_html_free(struct cp_html *h);

/*
 * HTML-escaping of untrusted text, safe in element content and in quoted
 * attribute values: & < > " ' become &amp; &lt; &gt; &quot; &#39;; a
 * backslash becomes "\\"; the code points a terminal would act on
 * (sanitize.h: C0 controls including tab and newline, DEL, C1, bidi
 * controls, U+2028/9) and every byte that is not well-formed UTF-8 become
 * "\xNN" per byte; everything else is copied.  cp_html_escape returns a
 * new string (NULL for NULL s or no memory); cp_html_fputs writes to f
 * (s NULL writes nothing) and returns 0 or -1.
 */
char *cp_html_escape(const char *s);
int cp_html_fputs(const char *s, FILE *f);

#endif
