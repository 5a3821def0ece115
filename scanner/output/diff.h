/* SPDX-License-Identifier: MIT */
/*
 * Comparing two scans: `cipherprobe diff OLD.json NEW.json` and the engine
 * behind `cipherprobe scan --state FILE` (cron: exit 3 on regression).
 *
 * Both sides are whole schema-1 documents (DESIGN.md).  Targets are matched
 * by their key, input + address: --all-addresses gives one record per
 * address for the same input, so the input alone is not unique.  Records
 * left unmatched after that are paired by input alone when exactly one is
 * left on each side for that input (a name whose address rotated, or that
 * failed to resolve; reported as an "address" change), and otherwise
 * reported as added or removed.  Neither counts as a regression: a target
 * taken out of the list is a decision, not a server change.  Duplicate
 * keys within one document are paired in document order.
 *
 * Per matched target the rules below give REGRESSION, CHANGE, IMPROVEMENT
 * or INFO changes (the "what" token in brackets).  A regression is a change
 * that stops or endangers decryption of the site, and only that (exit 3):
 *
 *   [compatible]   verdict compatible -> incompatible: REGRESSION; the
 *                  reverse (or a failed scan now compatible): IMPROVEMENT
 *   [fix]          both incompatible: the fix now weakens more (the sum of
 *                  its changes' costs in the advisor's weakness table,
 *                  ciphersuites/panos-weakness.tsv, is higher; by number of
 *                  changes when a change has no row), or no fix exists any
 *                  more: REGRESSION; weakens less / a fix again:
 *                  IMPROVEMENT; other changes at the same cost: CHANGE
 *   [fix_weak]     the fix became weak: REGRESSION; the reverse: IMPROVEMENT
 *   [no_decrypt]   now advised as a no-decrypt exception: REGRESSION;
 *                  the reverse: IMPROVEMENT
 *   [certificate_blocked] the verdict has a certificate cause (expired,
 *                  not yet valid, untrusted, incomplete chain: what the
 *                  profile blocks) that the old one did not: REGRESSION
 *   [expiry]       the certificate is valid now but expires within
 *                  expiry_warn_days: REGRESSION, at every run until it is
 *                  renewed (an expired one is [certificate_blocked])
 *   [unreachable]  the scan fails: 1 run: CHANGE ("unreachable (1 run)");
 *                  the 2nd run in a row: REGRESSION; more: CHANGE.  Runs
 *                  are counted in the state (the targets' "failed_runs",
 *                  cp_diff_side_stamp); a failed old record without it
 *                  (a plain scan) failed for an unknown time: CHANGE;
 *                  error -> ok: IMPROVEMENT ("answers again")
 *   [protocol]     TLS 1.2/1.3 gone or a weak version new: CHANGE;
 *                  TLS 1.2/1.3 new or a weak version gone: IMPROVEMENT
 *   [cipher]       a non-weak suite gone, or a weak suite new (also at a
 *                  newly supported version): CHANGE; a weak suite gone:
 *                  IMPROVEMENT; a non-weak suite new: INFO
 *   [preference]   server / client order flipped, or the server's order
 *                  of the common suites changed: INFO
 *   [group]        a group added or gone: INFO
 *   [certificate]  the leaf's sha256 changed: INFO
 *   [address]      paired by input with another address: INFO
 *   [probed]       a version probed in only one of the scans: INFO
 *
 * Protocols, suites, groups, preference and certificate are compared only
 * when both scans succeeded, and suites only at versions supported on both
 * sides; a version that appears or disappears is one change, not one per
 * suite.  "Weak" suites are those the registry rates weak, export or null;
 * weak versions are SSLv2, SSLv3, TLS 1.0 and TLS 1.1.
 *
 * Each compared target with changes is one "site" with one headline: its
 * worst change (regressions, then unreachable, then verdict changes, then
 * CHANGE, IMPROVEMENT, INFO), and the new verdict's fix commands.  Sites
 * are ordered worst first.
 *
 * Verdicts are compared only where both records carry one; scans run with
 * --no-verdict (verdict null) add no verdict changes.  Suites the registry
 * does not know count as not weak.
 */
#ifndef CP_DIFF_H
#define CP_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "output/output.h"
#include "result.h"

enum cp_change_kind {
	CP_CHANGE_REGRESSION,
	CP_CHANGE_IMPROVEMENT,
	CP_CHANGE_INFO,
	CP_CHANGE_CHANGE, /* a difference that does not endanger decryption */
};

#define CP_EXPIRY_WARN_DAYS 14 /* --expiry-warn default */

struct cp_change {
	enum cp_change_kind kind;
	const char *what;    /* static token: "status", "cipher", ... (above) */
	char *target;        /* the record's "input" */
	char *address;       /* the record's address (new side), NULL if none */
	bool show_address;   /* input has several records: text names the address */
	char *detail;        /* one sentence, suites by IANA name */
	const char *version; /* "TLSv1.2" for per-version changes, else NULL */
	char *item;          /* cipher or group name, or error kind, or NULL */
};

/* One compared target with changes, as its headline. */
struct cp_diff_site {
	char *target, *address;
	bool show_address;
	enum cp_change_kind kind; /* of the headline change */
	bool unreachable;         /* the new scan failed */
	unsigned failed_runs;     /* consecutive failed runs, the new one included */
	size_t headline;          /* index in changes */
	size_t first, count;      /* its changes: changes[first .. first+count) */
	char **commands;          /* the new verdict's fix commands */
	size_t ncommands;
};

/* Options of a comparison. */
struct cp_diff_opts {
	int expiry_warn_days; /* 0: CP_EXPIRY_WARN_DAYS; < 0: no expiry check */
	long long now;        /* seconds since the epoch; 0: time(NULL) */
};

/* A target present on one side only. */
struct cp_diff_target {
	char *target;  /* input */
	char *address; /* NULL if none */
};

/* Filled by cp_diff_docs, released by cp_diff_free.  Changes are kept in
 * document order; the renderers put regressions first. */
struct cp_diff {
	struct cp_change *changes;
	size_t nchanges;
	struct cp_diff_target *added, *removed;
	size_t nadded, nremoved;
	size_t compared; /* targets matched and compared */
	size_t regressions, improvements, infos, changed;
	struct cp_diff_site *sites; /* worst first */
	size_t nsites, unreachable;
	size_t cap_changes, cap_added, cap_removed, cap_sites; /* internal */
};

/*
 * Compares two schema-1 documents.  *out is overwritten (no need to
 * initialise it).  Returns 0, or -1 with *out empty and a message in err
 * naming the side and the field ("new document: targets[2].input:
 * missing", "old document: schema: expected 1, got 2") or "out of memory".
 */
int cp_diff_docs(const json_t *old_doc, const json_t *new_doc, struct cp_diff *out, char *err,
		 size_t errlen);

size_t cp_diff_regressions(const struct cp_diff *d);
void cp_diff_free(struct cp_diff *d);

/*
 * {"regressions": N, "improvements": N, "info": N, "compared": N,
 *  "changes": [{"target", "address", "kind": "regression"|"improvement"|
 *  "info", "what", "detail", and "version", "cipher", "group" or
 *  "error_kind" where they apply}], "added": [{"target", "address"}],
 *  "removed": [...], "changed": N, "unreachable": N, "sites": [{"target",
 *  "address", "kind", "headline", "commands": [...], "failed_runs"}]};
 *  changes regressions first, sites worst first.  NULL: no memory.
 */
json_t *cp_diff_to_json(const struct cp_diff *d);

/*
 * One headline per site, worst first ("REGRESSION  host:443: no longer
 * compatible with the profile: ..." and "  fix: set ..." lines), then
 * added/removed targets and a summary line.  verbosity > 0 lists every
 * change under its site's headline; verbosity < 0 (-q) prints only
 * regressions and unreachable sites, and nothing at all when there are
 * none.  Strings from the documents are escaped for terminals; color adds
 * ANSI colours (only for a terminal).  0, or -1 when writing failed.
 */
int cp_diff_print(FILE *f, const struct cp_diff *d, bool color);
int cp_diff_print_v(FILE *f, const struct cp_diff *d, bool color, int verbosity);

/* The headline of site i as one line ("REGRESSION 127.0.0.1:443: ..."),
 * not escaped (for JSON and webhooks); malloc'd, NULL: no memory. */
char *cp_diff_headline(const struct cp_diff *d, size_t i);

/*
 * Reads a schema-1 document from path ("-": standard input) and checks it
 * as cp_diff_docs will (schema, "targets" an array, every target
 * loadable).  Returns the document, or NULL with a message in err that
 * starts with the path ("old.json:12:5: ..." for JSON syntax, "old.json:
 * targets[0].input: missing") and errno set: the open(2) errno when the
 * file cannot be opened (ENOENT for a missing --state file: the first
 * run), EFBIG when larger than the cap, EINVAL when the content is not a
 * schema-1 document, ENOMEM.  cp_doc_load caps input at CP_DOC_MAX bytes.
 * It builds the whole jansson tree (~9x the text): `diff` and --state read
 * with cp_diff_side_load below instead.
 */
#define CP_DOC_MAX ((size_t)256 << 20)
json_t *cp_doc_load(const char *path, char *err, size_t errlen);
json_t *cp_doc_load_max(const char *path, size_t max_bytes, char *err, size_t errlen);

/* Checks an in-memory document as cp_doc_load does; 0 or -1 with err. */
int cp_doc_check(const json_t *doc, char *err, size_t errlen);

/*
 * One side of a comparison: a schema-1 document's targets as records.
 * cp_diff_side_load reads a file (or "-") without building its JSON tree:
 * each element of "targets" is parsed, checked and turned into a record
 * (keeping only its "verdict"), then dropped, so memory is the file's
 * bytes plus the records, not a jansson tree of ~9x the file.  A key no
 * version of cipherprobe wrote is refused before its value is parsed, at
 * the top ("junk: unknown key ..."), in "tool", "summary" and its
 * "recommendation" and "interception", in every target (output.h) and
 * its "verdict" and "verdict.fix".  One target (or "tool", "summary")
 * longer than CP_DOC_VALUE_MAX is refused (EFBIG): a real one is a few
 * KB, and its tree is parsed whole.  Same checks, messages, cap and errno
 * as cp_doc_load.  cp_diff_side_of makes a side of an in-memory document
 * (the scan just run).  cp_diff_sides compares two sides as cp_diff_docs
 * does; a side may be compared again.
 */
#define CP_DOC_VALUE_MAX ((size_t)2 << 20) /* one target, "tool" or "summary" */
struct cp_diff_side;
struct cp_diff_side *cp_diff_side_load(const char *path, size_t max_bytes, char *err,
				       size_t errlen);
struct cp_diff_side *cp_diff_side_of(const json_t *doc, char *err, size_t errlen);
void cp_diff_side_free(struct cp_diff_side *d);
int cp_diff_sides(struct cp_diff_side *old_side, struct cp_diff_side *new_side, struct cp_diff *out,
		  char *err, size_t errlen);
int cp_diff_sides_opts(struct cp_diff_side *old_side, struct cp_diff_side *new_side,
		       const struct cp_diff_opts *opts, struct cp_diff *out, char *err,
		       size_t errlen);

/*
 * The consecutive-failure counter of the state file: sets "failed_runs"
 * (N >= 1) on each failed target of doc, and removes it from the others.
 * doc is the document side s was made of (same targets, same order).  For
 * the new side of a comparison the counts are those it computed (a failed
 * target unmatched or without a previous count: 1); with next, side s is
 * the old side and its targets get the counts of their new peers (the
 * previous baseline kept when every target failed).  0, or -1: no memory.
 */
int cp_diff_side_stamp(const struct cp_diff_side *s, json_t *doc, bool next);

/* Records of the side, and how many of them scanned successfully. */
size_t cp_diff_side_count(const struct cp_diff_side *s, size_t *ok);

/*
 * A schema-1 document of results[0..n-1] in that order (verdicts
 * included), for --state: {"schema": 1, "tool", "targets", and "summary"
 * when s is not NULL}.  tool_version NULL means PACKAGE_VERSION.  NULL:
 * no memory.
 */
json_t *cp_doc_from_results(const struct cp_result *const *results, size_t n,
			    const struct cp_summary *s, const char *tool_version);

/* Writes doc to path atomically (output/file.h): readers see the old state
 * or the new one, never half of it.  0, or -1 with a message in err. */
int cp_doc_save(const json_t *doc, const char *path, char *err, size_t errlen);

#endif
