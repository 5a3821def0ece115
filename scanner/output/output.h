/* SPDX-License-Identifier: MIT */
/*
 * Output writers: serialise result records for people (text) and scripts
 * (json, jsonl).  The JSON field layout is the contract in DESIGN.md.
 *
 * A writer is a const table of functions listed once in cp_outputs[].  The
 * caller fills a struct cp_out, then calls begin once, target once per
 * result as results complete (in any order; r->index is the input
 * position), and end once with the summary.  cleanup releases what a writer
 * holds and is safe to call at any point, also after end, so that an
 * aborted scan does not leak.  Each function returns 0, or -1 when writing
 * or memory failed (o->err then holds an errno value).
 *
 *   text   for people; results are printed as they complete
 *   json   one document; targets are written in input order (a result is
 *          held back until all results before it have been written)
 *   jsonl  one compact line per target, in completion order, flushed
 */
#ifndef CP_OUTPUT_H
#define CP_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "output/sanitize.h"
#include "result.h"

/* The fleet-wide advice (filled by the policy code). */
struct cp_recommendation {
	const char *const *changes; /* PAN-OS element names to turn on */
	size_t nchanges;
	size_t fixes;                  /* targets those changes fix */
	const char *const *no_decrypt; /* hosts better left undecrypted */
	size_t nno_decrypt;
	const size_t *change_fixes;  /* targets fixed by changes[0..i], or NULL */
	const char *const *commands; /* ready-to-paste PAN-OS commands, or NULL */
	size_t ncommands;
	const char *scm_patch; /* text only: the changes as an SCM patch, or NULL */
};

struct cp_summary {
	size_t targets, ok, errors, compatible, incompatible;
	const struct cp_recommendation *recommendation; /* NULL: none (JSON null) */
	/* The scan itself is being decrypted (policy/intercept.h): the proxy's
	 * issuer and how many targets show it; NULL: not seen (JSON null). */
	const char *interception_issuer;
	size_t interception_targets;
};

/* Counts r into s (targets, ok, errors); verdict counts are the policy's. */
void cp_summary_add(struct cp_summary *s, const struct cp_result *r);

struct cp_out {
	FILE *f;
	bool color;    /* text: ANSI colours (set it only for a tty) */
	int verbosity; /* text: <0 one line per target, 0 normal, >0 more */
	/* text: the number of targets in the run; more than one is a list:
	 * one line per target in input order, then the summary, and each
	 * target's full detail only with verbosity > 0 */
	size_t ntargets;
	bool scm;                 /* text: fixes as SCM JSON patches, not set commands */
	const char *tool_version; /* NULL: PACKAGE_VERSION */
	int err;                  /* errno of the first failure, 0 if none */
	void *priv;               /* the writer's own state */
	/* csv-suites (output/csv.h): whether the profile allows a suite at a
	 * version (wire); NULL leaves the "allowed" column empty */
	bool (*suite_allowed)(const void *data, uint16_t suite, uint16_t wire);
	const void *suite_allowed_data;
};

struct cp_output_ops {
	const char *name;
	int (*begin)(struct cp_out *o);
	int (*target)(struct cp_out *o, const struct cp_result *r);
	/* s may be NULL: the writer then reports the counts it saw itself */
	int (*end)(struct cp_out *o, const struct cp_summary *s);
	void (*cleanup)(struct cp_out *o);
};

extern const struct cp_output_ops cp_output_text;
extern const struct cp_output_ops cp_output_json;
extern const struct cp_output_ops cp_output_jsonl;

/* All writers, NULL-terminated. */
extern const struct cp_output_ops *const cp_outputs[];
/* The writer called name, or NULL. */
const struct cp_output_ops *cp_output_find(const char *name);

/*
 * One target as a JSON object (schema 1 plus the extra fields "line",
 * "handshakes", "connections", "elapsed_ms", "dhe_bits", "certificate",
 * "violations", and per protocol "timeouts").  Bytes that are not UTF-8
 * are escaped as \xNN.  NULL when memory runs out.
 */
json_t *cp_result_to_json(const struct cp_result *r);

/*
 * The inverse: a record from one element of "targets".  Fields of the
 * contract must be present with the right types; the extra fields may be
 * missing but must have the right types when present.  A key no version
 * of cipherprobe ever wrote is refused at every level this reads (the
 * target, error, protocols[] and their ciphers[], groups[],
 * signature_algorithms[], certificate and certificate.chain, log,
 * proxy_hello), named with its path: a schema-1 document is ours, so an
 * unknown key is damage or another tool's data.  On failure returns NULL with a message in err naming the field
 * ("protocols[1].ciphers[0].id: ...").  r->index is left 0 and "verdict"
 * is not read (the policy code owns verdicts).
 */
struct cp_result *cp_result_from_json(const json_t *j, char *err, size_t errlen);

/*
 * 0 when every key of object o is in known (NULL-terminated); otherwise
 * -1 with "PATH.KEY: unknown key ..." in err (path "" at the top), the key
 * shown with its non-printable bytes as \xNN and cut at 48 bytes.
 */
int cp_json_check_keys(const json_t *o, const char *path, const char *const *known, char *err,
		       size_t errlen);

/* The "summary" object. NULL when memory runs out. */
json_t *cp_summary_to_json(const struct cp_summary *s);

#endif
