/* SPDX-License-Identifier: MIT */
/*
 * Renderers for verdicts and the fleet summary: JSON values for the
 * output writers (the "verdict" and "summary.recommendation" fields of the
 * JSON contract, docs DESIGN.md) and compact text blocks for people.
 * Nothing here decides anything; it only writes what policy/advise.c
 * concluded, to the FILE* it is given.
 */
#ifndef CP_OUTPUT_VERDICT_H
#define CP_OUTPUT_VERDICT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "policy/advise.h"

/*
 * {"compatible", "negotiated": null | {"version", "cipher"}, "reason",
 *  "fix": null | {"changes", "weak", "commands"},
 *  "alternatives": [{"changes", "weak"}], "no_decrypt",
 *  "causes": [{"axis", "blocked_by", "detail"}], "assumes",
 *  "xml", "scm_patch", "verified": null | true | false, "verify_message"}.
 * NULL v gives JSON null; NULL return means no memory.
 */
json_t *cp_verdict_to_json(const struct cp_verdict *v);
/*
 * The inverse, for a saved document (`cipherprobe merge`): a verdict from
 * a target's "verdict" object as cp_verdict_to_json writes it, so that
 * writing it again gives the same object and the fleet summary can be
 * recomputed from it (cp_advise_fleet).  Only "compatible" is required;
 * the other fields are read when present and must have the written types;
 * a key cp_verdict_to_json never writes is refused (cp_verdict_keys).  A
 * fix's cost, version and suite are not in the JSON and stay 0.  NULL
 * with a message naming the field ("verdict.fix.changes[1]: expected a
 * string") or "out of memory" in err.  Free with cp_verdict_free.
 */
struct cp_verdict *cp_verdict_from_json(const json_t *j, char *err, size_t errlen);
/* The keys of "verdict" and of "verdict.fix", NULL-terminated. */
extern const char *const cp_verdict_keys[];
extern const char *const cp_fix_keys[];

/*
 * The fleet advice as summary.recommendation: rec points into f (scm_patch
 * left NULL).  The scan and `cipherprobe merge` both fill the summary with it.
 */
struct cp_recommendation;
void cp_fleet_recommendation(const struct cp_fleet *f, struct cp_recommendation *rec);

/*
 * Orders results for cp_advise_fleet by their content (input, address,
 * line), so that the advice, whose ties and no-decrypt list follow the
 * order it is given, is the same whatever order the results completed
 * in, and the same for a merge of shards as for one run.
 */
void cp_fleet_order(struct cp_result **v, size_t n);

/* {"changes", "fixes", "no_decrypt", "change_fixes": {change: n}, "commands"};
 * NULL f gives JSON null. */
json_t *cp_fleet_to_json(const struct cp_fleet *f);

/*
 * Text blocks: "VERDICT: incompatible — reason", the fix and its set
 * commands (with scm, the SCM JSON patch instead: a profile from Strata
 * Cloud Manager has no CLI), alternatives, the no-decrypt advice.  color
 * adds ANSI green / red (only for a terminal).  Commands for a built-in
 * profile say <PROFILE> and are followed by CP_PROFILE_HINT.  Return 0,
 * or -1 when writing failed.
 */
#define CP_PROFILE_HINT \
	"  (<PROFILE>: the profile is a built-in; pass --profile-name NAME, or the " \
	"firewall's profile: --profile running-config.xml --profile-name Corp, or --panos-host)"
int cp_verdict_print(FILE *f, const struct cp_verdict *v, bool color, bool scm);
int cp_fleet_print(FILE *f, const struct cp_fleet *fl, bool color);

#endif
