/* SPDX-License-Identifier: MIT */
/*
 * Decryption profiles from a file of PAN-OS `set` commands, in any of the
 * forms the CLI takes (vsys, shared, device group); other configuration
 * lines are skipped, so a whole `show | display set` export works.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/profile.h"
#include "policy/profile_int.h"
#include "registry.h"
#include "util.h"

#define MAX_SET_TOKENS 32

/* ---- set commands ---- */

/*
 * Splits a line in place into tokens; "double quoted" tokens may hold
 * spaces.  Returns the count, or -1 for an unterminated quote or too many
 * tokens (*what says which).
 */
static int tokenize(char *s, char **tok, int max, const char **what)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return n;
		if (n == max) {
			*what = "too many words";
			return -1;
		}
		if (*s == '"') {
			char *end = strchr(s + 1, '"');

			if (end == NULL) {
				*what = "unterminated quote";
				return -1;
			}
			if (end[1] != '\0' && end[1] != ' ' && end[1] != '\t') {
				*what = "text right after a closing quote";
				return -1;
			}
			*end = '\0';
			tok[n++] = s + 1;
			s = end + 1;
			if (*s != '\0')
				s++;
			continue;
		}
		tok[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

static struct cp_pf_cand *set_find(struct cp_pf_ctx *cx, const char *name, enum cp_profile_loc loc,
				   const char *scope, size_t line)
{
	struct cp_pf_cand *c;

	for (size_t i = 0; i < cx->n; i++)
		if (cx->c[i].ref.loc == loc && strcmp(cx->c[i].ref.name, name) == 0 &&
		    strcmp(cx->c[i].ref.scope, scope) == 0)
			return &cx->c[i];
	c = cp_pf_cand_add(cx, name, loc, scope, line, CAND_PARSED, NULL);
	if (c != NULL)
		cp_pf_start(cx, c, c->prof);
	return c;
}

/* Whether tokens hold "profiles decryption" as neighbours. */
static bool mentions_decryption(char **tok, int n)
{
	for (int i = 0; i + 1 < n; i++)
		if (strcmp(tok[i], "profiles") == 0 && strcmp(tok[i + 1], "decryption") == 0)
			return true;
	return false;
}

/*
 * One line: `set [shared | vsys V | device-group DG] profiles decryption
 * NAME [SECTION [ELEMENT VALUE]]`.  Set lines for other configuration are
 * skipped; a decryption line that does not fit is an error.
 */
static int set_line(struct cp_pf_ctx *cx, size_t line, char *s)
{
	char *tok[MAX_SET_TOKENS];
	const char *what = NULL, *scope = "";
	enum cp_profile_loc loc = CP_LOC_VSYS;
	struct cp_pf_cand *c;
	int n = tokenize(s, tok, MAX_SET_TOKENS, &what), i = 1;

	if (n < 0)
		return cp_pf_fail(cx, line, "malformed set command: %s", what);
	if (n == 0 || tok[0][0] == '#')
		return 0;
	if (strcmp(tok[0], "set") != 0) {
		if (mentions_decryption(tok, n))
			return cp_pf_fail(cx, line,
					  "'%s' on a decryption profile: only set commands are "
					  "understood",
					  tok[0]);
		return 0; /* configure, commit, exit ... */
	}
	if (n > 1 && strcmp(tok[1], "shared") == 0) {
		loc = CP_LOC_SHARED;
		i = 2;
	} else if (n > 2 && (strcmp(tok[1], "vsys") == 0 || strcmp(tok[1], "device-group") == 0)) {
		loc = tok[1][0] == 'v' ? CP_LOC_VSYS : CP_LOC_DEVICE_GROUP;
		scope = tok[2];
		i = 3;
	} else {
		scope = "vsys1"; /* the single-vsys form: set profiles ... */
	}
	if (i + 1 >= n || strcmp(tok[i], "profiles") != 0 ||
	    strcmp(tok[i + 1], "decryption") != 0) {
		if (mentions_decryption(tok, n))
			return cp_pf_fail(
				cx, line,
				"malformed set command: expected 'set [shared | vsys "
				"NAME | device-group NAME] profiles decryption PROFILE ...'");
		return 0; /* other configuration */
	}
	i += 2;
	if (i >= n)
		return cp_pf_fail(cx, line,
				  "malformed set command: no profile name after "
				  "'profiles decryption'");
	c = set_find(cx, tok[i], loc, scope, line);
	if (c == NULL)
		return -1;
	i++;
	if (i >= n)
		return 0; /* just creates the profile */
	const char *sec = tok[i++];

	if (strcmp(sec, "ssl-protocol-settings") != 0 && strcmp(sec, "ssl-forward-proxy") != 0) {
		if (cp_pf_ignored_section(sec))
			return 0;
		if (strcmp(sec, "enc-algo-aes-chacha20-poly1305") == 0 ||
		    cp_pf_known(SEC_PROTOCOL, sec))
			return cp_pf_fail(cx, line,
					  "malformed set command: '%s' belongs under "
					  "ssl-protocol-settings",
					  sec);
		return cp_pf_fail(cx, line, "unknown element '%s' in decryption profile '%s'", sec,
				  c->ref.name);
	}
	if (i == n)
		return 0;
	if (i + 1 == n)
		return cp_pf_fail(cx, line, "malformed set command: no value after '%s'", tok[i]);
	if (i + 2 < n)
		return cp_pf_fail(cx, line, "malformed set command: unexpected '%s' after '%s %s'",
				  tok[i + 2], tok[i], tok[i + 1]);
	return cp_pf_apply(cx, line, c->prof,
			   strcmp(sec, "ssl-protocol-settings") == 0 ? SEC_PROTOCOL : SEC_FORWARD,
			   tok[i], tok[i + 1]);
}

static int load_set(struct cp_pf_ctx *cx, const char *buf, size_t len, const char *want,
		    struct cp_profile *out, bool list)
{
	char *copy = malloc(len + 1);
	size_t line = 0, pos = 0;
	long idx;
	int rc = -1;

	if (copy == NULL)
		return cp_pf_fail(cx, 0, "out of memory");
	memcpy(copy, buf, len);
	copy[len] = '\0';
	while (pos < len) {
		char *s = copy + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl != NULL ? (size_t)(nl - s) : len - pos;

		line++;
		pos += l + 1;
		s[l] = '\0';
		if (strlen(s) != l) {
			cp_pf_fail(cx, line, "NUL byte: not a text file of set commands");
			goto out;
		}
		if (l > 0 && s[l - 1] == '\r')
			s[--l] = '\0';
		if (set_line(cx, line, s) < 0)
			goto out;
	}
	if (cx->n == 0) {
		cp_pf_fail(cx, 0,
			   "no decryption profile found (not PAN-OS XML, SCM JSON, or set "
			   "commands for 'profiles decryption')");
		goto out;
	}
	if (list) {
		rc = 0;
		goto out;
	}
	idx = cp_pf_select(cx, want);
	if (idx < 0)
		goto out;
	*out = *cx->c[idx].prof;
	rc = cp_pf_check_range(cx, cx->c[idx].ref.line, out);
out:
	free(copy);
	return rc;
}

static bool set_detect(char first)
{
	(void)first;
	return true;
}

const struct cp_profile_format cp_profile_format_set = {
	.name = "PAN-OS set commands",
	.detect = set_detect,
	.load = load_set,
};
