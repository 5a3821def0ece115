/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the profile readers (policy/profile*.c); not part of
 * the library's interface.
 *
 * Every format goes through the same two steps: collect the profiles the
 * input holds (candidates, with where they live), pick one by name with
 * cp_pf_select, then parse that one's elements over the defaults with
 * cp_pf_start and cp_pf_apply.  A format is a struct cp_profile_format in
 * cp_profile_formats[] (profile.c): adding one is a new profile_NAME.c
 * and one line there.
 */
#ifndef CP_POLICY_PROFILE_INT_H
#define CP_POLICY_PROFILE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/profile.h"

enum cp_pf_cand_kind {
	CAND_ENTRY,    /* an XML <entry> */
	CAND_SETTINGS, /* a bare XML <ssl-protocol-settings> */
	CAND_JSON,     /* an SCM profile object */
	CAND_PARSED,   /* set commands: already parsed into prof */
};

/* A cp_profile_ref without its fixed arrays: name and scope point into one
 * small allocation (names), at most as long as cp_profile_ref allows. */
struct cp_pf_ref {
	const char *name;
	enum cp_profile_loc loc;
	const char *scope;
	size_t line;
};

struct cp_pf_cand {
	struct cp_pf_ref ref;
	char *names; /* "NAME\0SCOPE\0", owned */
	enum cp_pf_cand_kind kind;
	void *node; /* xmlNode or json_t, borrowed */
	/* CAND_PARSED only (set commands are parsed as they are read); the
	 * other kinds are parsed once chosen, so a file of 300k <entry>
	 * elements costs a small reference each, not a profile each. */
	struct cp_profile *prof;
};

struct cp_pf_ctx {
	const char *label;
	char *err;
	size_t errlen;
	struct cp_pf_cand *c;
	size_t n, cap;
	bool json_names; /* messages spell elements as SCM keys */
};

enum cp_pf_section { SEC_PROTOCOL, SEC_FORWARD };

/* A message "LABEL:LINE: ..." (LABEL: ... when line is 0) in cx->err; -1. */
int cp_pf_fail(struct cp_pf_ctx *cx, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds a candidate (with its prof allocated, when kind is CAND_PARSED);
 * NULL (with a message) when a name is too long or memory runs out. */
struct cp_pf_cand *cp_pf_cand_add(struct cp_pf_ctx *cx, const char *name, enum cp_profile_loc loc,
				  const char *scope, size_t line, enum cp_pf_cand_kind kind,
				  void *node);
/* The index of the candidate name picks (NULL: the only one); -1 with a
 * message listing the candidates otherwise. */
long cp_pf_select(struct cp_pf_ctx *cx, const char *name);
/* Sets one element (PAN-OS name) of a section; value "yes"/"no" or a
 * version token.  0, or -1 with a message naming line and element. */
int cp_pf_apply(struct cp_pf_ctx *cx, size_t line, struct cp_profile *p, enum cp_pf_section sec,
		const char *elem, const char *value);
/* Frees the candidates (and their profs) of cx. */
void cp_pf_free(struct cp_pf_ctx *cx);
bool cp_pf_known(enum cp_pf_section which, const char *elem);
/* Sections of a decryption profile entry that hold no settings we read. */
bool cp_pf_ignored_section(const char *name);
/* p = the defaults, named and placed as candidate c. */
void cp_pf_start(struct cp_pf_ctx *cx, const struct cp_pf_cand *c, struct cp_profile *p);
int cp_pf_check_range(struct cp_pf_ctx *cx, size_t line, const struct cp_profile *p);

/*
 * One input format.  detect looks at the first byte that is not blank
 * (after a UTF-8 BOM); formats are tried in cp_profile_formats[] order and
 * the last one takes whatever is left.  load collects candidates and, unless
 * list, parses the one want names into *out; 0 or -1 with a message.
 */
struct cp_profile_format {
	const char *name;
	bool (*detect)(char first);
	int (*load)(struct cp_pf_ctx *cx, const char *buf, size_t len, const char *want,
		    struct cp_profile *out, bool list);
};
extern const struct cp_profile_format cp_profile_format_xml;
extern const struct cp_profile_format cp_profile_format_scm;
extern const struct cp_profile_format cp_profile_format_set;

#endif
