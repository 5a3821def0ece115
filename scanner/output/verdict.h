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
#define CP_PROFILE_HINT "  (<PROFILE>: the profile is a built-in; pass --profile-name NAME, or the " \
	"firewall's profile: --profile running-config.xml --profile-name Corp, or --panos-host)"
int cp_verdict_print(FILE *f, const struct cp_verdict *v, bool color, bool scm);
int cp_fleet_print(FILE *f, const struct cp_fleet *fl, bool color);

#endif
