/*
 * Fuzzes the saved-scan loader that `cipherprobe diff` and `scan --state`
 * read old results with (cp_result_from_json, scanner/output/output.h),
 * and the writers that print what it loaded: the input is a JSON document
 * whose "targets" elements are loaded one by one (a bare array's elements,
 * or any other value itself, are tried too).
 *
 * A record that loads must survive the round trip: written as JSON and
 * loaded again it gives the same JSON.  The json and jsonl writers must
 * write a document (a line) that parses back to that same object, and the
 * text writer must not let a single terminal control through: the output
 * is well-formed UTF-8 with no C0 (but newline), DEL, C1 or bidi control,
 * as cp_sanitize promises (colour is off).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "output/output.h"
#include "result.h"

/* Well-formed UTF-8 with nothing a terminal would act on but '\n'. */
static void check_terminal_safe(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp, min;
		size_t len;

		if (c < 0x80) {
			FUZZ_CHECK(c == '\n' || (c >= 0x20 && c != 0x7F));
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2; cp = c & 0x1F; min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3; cp = c & 0x0F; min = 0x800;
		} else {
			FUZZ_CHECK(c >= 0xF0 && c <= 0xF4);
			len = 4; cp = c & 0x07; min = 0x10000;
		}
		FUZZ_CHECK(i + len <= n);
		for (size_t k = 1; k < len; k++) {
			FUZZ_CHECK((s[i + k] & 0xC0) == 0x80);
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		FUZZ_CHECK(cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF));
		FUZZ_CHECK(!(cp >= 0x80 && cp <= 0x9F));
		FUZZ_CHECK(cp != 0x061C && cp != 0x200E && cp != 0x200F);
		FUZZ_CHECK(!(cp >= 0x202A && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069));
		i += len;
	}
}

/* Runs one writer over r alone; returns what it wrote (free() it). */
static char *write_one(const struct cp_output_ops *ops, const struct cp_result *r,
		       int verbosity, size_t *len)
{
	struct cp_out o;
	char *buf = NULL;
	FILE *f;
	int rc;

	*len = 0;
	f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	memset(&o, 0, sizeof o);
	o.f = f;
	o.verbosity = verbosity;
	o.tool_version = "fuzz";
	rc = ops->begin(&o);
	if (rc == 0)
		rc = ops->target(&o, r);
	if (rc == 0)
		rc = ops->end(&o, NULL);
	ops->cleanup(&o);
	FUZZ_CHECK(rc == 0);   /* memory streams do not fail */
	fclose(f);
	return buf;
}

static void check_writers(const struct cp_result *r, const json_t *want)
{
	json_error_t je;
	json_t *doc, *t;
	size_t len;
	char *out;

	out = write_one(&cp_output_json, r, 0, &len);
	if (out) {
		doc = json_loadb(out, len, 0, &je);
		FUZZ_CHECK(doc != NULL);
		t = json_object_get(doc, "targets");
		FUZZ_CHECK(json_array_size(t) == 1);
		FUZZ_CHECK(json_equal(json_array_get(t, 0), want));
		json_decref(doc);
		free(out);
	}
	out = write_one(&cp_output_jsonl, r, 0, &len);
	if (out) {
		FUZZ_CHECK(len > 0 && out[len - 1] == '\n' && memchr(out, '\n', len) == out + len - 1);
		doc = json_loadb(out, len, 0, &je);
		FUZZ_CHECK(doc != NULL && json_equal(doc, want));
		json_decref(doc);
		free(out);
	}
	for (int v = -1; v <= 1; v += 2) {
		out = write_one(&cp_output_text, r, v, &len);
		if (out) {
			check_terminal_safe((const unsigned char *)out, len);
			free(out);
		}
	}
}

static void try_target(const json_t *j)
{
	struct cp_result *r, *r2;
	json_t *j1, *j2;
	char err[256];

	memset(err, 'x', sizeof err);
	r = cp_result_from_json(j, err, sizeof err);
	FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
	if (!r) {
		FUZZ_CHECK(err[0] != '\0');
		return;
	}
	j1 = cp_result_to_json(r);
	if (!j1) {
		cp_result_free(r);
		return;
	}
	r2 = cp_result_from_json(j1, err, sizeof err);
	if (!r2) {
		char *s = json_dumps(j1, JSON_COMPACT);
		fprintf(stderr, "reloading %s: %s\n", s ? s : "?", err);
		free(s);
	}
	FUZZ_CHECK(r2 != NULL);
	j2 = cp_result_to_json(r2);
	if (j2)
		FUZZ_CHECK(json_equal(j1, j2));
	check_writers(r, j1);
	json_decref(j2);
	json_decref(j1);
	cp_result_free(r2);
	cp_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *doc, *targets, *v;
	size_t i;

	doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, &je);
	if (!doc)
		return 0;
	targets = json_is_object(doc) ? json_object_get(doc, "targets") : doc;
	if (json_is_array(targets)) {
		json_array_foreach(targets, i, v)
			try_target(v);
	} else {
		try_target(targets);
	}
	json_decref(doc);
	return 0;
}
