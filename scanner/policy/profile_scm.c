/* SPDX-License-Identifier: MIT */
/*
 * Decryption profiles from Strata Cloud Manager / Prisma Access JSON: one
 * profile object, an array of them, or an API listing; snake_case keys.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "policy/profile.h"
#include "policy/profile_int.h"
#include "registry.h"
#include "util.h"

/* ---- SCM JSON ---- */

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* One section object: booleans, plus the two version strings. */
static int json_parse_section(struct cp_pf_ctx *cx, json_t *obj, const char *objkey,
			      enum cp_pf_section which, struct cp_profile *p)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return cp_pf_fail(cx, 0, "JSON type error: %s must be an object, not %s", objkey,
				  json_kind(obj));
	json_object_foreach(obj, key, v)
	{
		char elem[80];
		size_t i;
		bool version = which == SEC_PROTOCOL &&
			       (strcmp(key, "min_version") == 0 || strcmp(key, "max_version") == 0);

		for (i = 0; key[i] != '\0' && i + 1 < sizeof elem; i++)
			elem[i] = key[i] == '_' ? '-' : key[i];
		elem[i] = '\0';
		if (version) {
			if (!json_is_string(v))
				return cp_pf_fail(cx, 0,
						  "JSON type error: %s.%s must be a string such as "
						  "\"tls1-2\", not %s",
						  objkey, key, json_kind(v));
			if (cp_pf_apply(cx, 0, p, which, elem, json_string_value(v)) < 0)
				return -1;
			continue;
		}
		/* name checked before type, so a misspelt key is called that */
		if (!cp_pf_known(which, elem))
			return cp_pf_apply(cx, 0, p, which, elem, "yes");
		if (!json_is_boolean(v))
			return cp_pf_fail(cx, 0,
					  "JSON type error: %s.%s must be true or false, not %s",
					  objkey, key, json_kind(v));
		if (cp_pf_apply(cx, 0, p, which, elem, json_is_true(v) ? "yes" : "no") < 0)
			return -1;
	}
	return 0;
}

static int json_parse_profile(struct cp_pf_ctx *cx, json_t *obj, struct cp_profile *p)
{
	json_t *v;

	/* Other keys (id, folder, snippet, device, ssl_no_proxy, ...) are SCM
	 * metadata or sections that do not shape the proxy's hello. */
	v = json_object_get(obj, "ssl_protocol_settings");
	if (v != NULL && json_parse_section(cx, v, "ssl_protocol_settings", SEC_PROTOCOL, p) < 0)
		return -1;
	v = json_object_get(obj, "ssl_forward_proxy");
	if (v != NULL && json_parse_section(cx, v, "ssl_forward_proxy", SEC_FORWARD, p) < 0)
		return -1;
	return cp_pf_check_range(cx, 0, p);
}

static int json_add(struct cp_pf_ctx *cx, json_t *obj, const char *where)
{
	json_t *name;

	if (!json_is_object(obj))
		return cp_pf_fail(cx, 0, "JSON type error: %s must be a profile object, not %s",
				  where, json_kind(obj));
	name = json_object_get(obj, "name");
	if (name != NULL && !json_is_string(name))
		return cp_pf_fail(cx, 0, "JSON type error: %s.name must be a string, not %s", where,
				  json_kind(name));
	if (name != NULL && json_string_value(name)[0] != '\0') {
		char why[192];

		if (!cp_panos_name_ok(json_string_value(name), why, sizeof why))
			return cp_pf_fail(cx, 0, "%s.name: profile name '%s' %s", where,
					  json_string_value(name), why);
	}
	return cp_pf_cand_add(cx, name ? json_string_value(name) : "", CP_LOC_NONE, "", 0,
			      CAND_JSON, obj)
		       ? 0
		       : -1;
}

static int load_json(struct cp_pf_ctx *cx, const char *buf, size_t len, const char *want,
		     struct cp_profile *out, bool list)
{
	json_error_t je;
	json_t *root, *list_v;
	long idx;
	int rc = -1;

	cx->json_names = true;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return cp_pf_fail(cx, je.line > 0 ? (size_t)je.line : 0, "malformed JSON: %s",
				  je.text);
	list_v = json_is_array(root)    ? root
		 : json_is_object(root) ? json_object_get(root, "data")
					: NULL;
	if (json_is_object(root) && list_v != NULL && !json_is_array(list_v)) {
		cp_pf_fail(cx, 0, "JSON type error: data must be an array of profiles, not %s",
			   json_kind(list_v));
		goto out;
	}
	if (list_v != NULL) {
		size_t i;
		json_t *v;

		json_array_foreach(list_v, i, v)
		{
			char where[32];

			snprintf(where, sizeof where, "data[%zu]", i);
			if (json_add(cx, v, where) < 0)
				goto out;
		}
	} else if (json_add(cx, root, "the document") < 0) {
		goto out;
	}
	if (list) {
		rc = 0;
		goto out;
	}
	idx = cp_pf_select(cx, want);
	if (idx < 0)
		goto out;
	cp_pf_start(cx, &cx->c[idx], out);
	rc = json_parse_profile(cx, cx->c[idx].node, out);
out:
	json_decref(root);
	return rc;
}

static bool scm_detect(char first)
{
	return first == '{' || first == '[';
}

const struct cp_profile_format cp_profile_format_scm = {
	.name = "SCM JSON",
	.detect = scm_detect,
	.load = load_json,
};
