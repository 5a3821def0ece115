/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the advisor's files (advise.c, solve.c, fleet.c);
 * not part of the library's interface.
 */
#ifndef CP_POLICY_ADVISE_INT_H
#define CP_POLICY_ADVISE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/advise.h"

/* A growing string; on allocation failure it sets oom and stops growing. */
struct cp_sb {
	char *s;
	size_t len, cap;
	bool oom;
};
void cp_sb_addf(struct cp_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *cp_sb_take(struct cp_sb *b);
/* Appends s (taking it over) to *v; -1 when s is NULL or memory runs out
 * (s is freed either way on failure). */
int cp_strv_push(char ***v, size_t *n, char *s);

/* One change string, parsed. */
enum cp_prof_change_kind { CP_CHG_FLAG, CP_CHG_MIN, CP_CHG_MAX, CP_CHG_FWD };
struct cp_prof_change {
	enum cp_prof_change_kind kind;
	const char *element; /* "auth-algo-sha1", "max-version", "block-expired-certificate" */
	const char *value;   /* text after '=' (points into the input), NULL for a flag */
	uint32_t bit;        /* CP_PANOS_* or CP_FWD_* */
	uint16_t wire;       /* bounds */
	bool is_max;         /* max-version=max */
	bool on;             /* CP_CHG_FWD: "=yes" */
};
int cp_change_parse(const char *change, struct cp_prof_change *out);

/* The weakness table, parsed from the embedded TSV. */
#define CP_WT_MAX 48 /* rows; change sets are masks over them (<= 64) */
struct cp_wrow {
	char change[48];
	unsigned cost;
	bool weak;
	char label[48];
};
struct cp_wtable {
	struct cp_wrow row[CP_WT_MAX];
	size_t n;
	unsigned lower_max_cost; /* added to a max-version change that lowers the ceiling */
};
int cp_wt_load(struct cp_wtable *t, char *err, size_t errlen);
/* The embedded table, parsed once; NULL when it does not parse. */
const struct cp_wtable *cp_wt_get(void);
int cp_wt_find(const struct cp_wtable *t, const char *change);

/* "VERB " / "VERB shared " / "VERB device-group DG " / "VERB vsys vsysN "
 * for p's location (VERB is "set" or "move"). */
void cp_loc_prefix(struct cp_sb *b, const struct cp_profile *p, const char *verb);
/* A CLI name, quoted when it has spaces. */
void cp_sb_add_name(struct cp_sb *b, const char *name, const char *placeholder);
/* cp_change_commands without the closing commit, appended to *v. */
int cp_change_commands_into(const struct cp_profile *p, char *const *changes, size_t n, char ***v,
			    size_t *nv);

#endif
