/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the webhook body (output/notify.h, cp_notify_body): the input is
 * the "text" line a scan hands over (host names, messages: anything a
 * scanned server or an input file put there), up to its first NUL.
 *
 * Invariants: a body is always made (only memory can fail it), parses as
 * {"text": ..., "cipherprobe": null}, and its text is what short_line
 * promises: well-formed UTF-8 (a cut never splits a character) of at most
 * CP_NOTIFY_TEXT_MAX bytes, ending in "..." exactly when something was
 * left out, with no control character of any kind (C0, DEL, C1, bidi)
 * and no raw < or > (Slack reads "<!here>"), every & one of the three
 * entities written.  Plain text that fits comes through unchanged.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "output/notify.h"

/* Checks s is well-formed UTF-8 with no control characters; returns the
 * number of characters. */
static size_t check_clean_utf8(const unsigned char *s, size_t n)
{
	return fuzz_safe_text(s, n, 0);
}

/* Printable ASCII without & < >: what short_line must leave alone. */
static bool plain(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '&' || *s == '<' || *s == '>')
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *body;
	const char *text;
	json_error_t je;
	json_t *doc;
	size_t n;

	if (in == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	body = cp_notify_body(in, NULL);
	FUZZ_CHECK(body != NULL);
	doc = json_loads(body, 0, &je);
	FUZZ_CHECK(doc != NULL && json_is_object(doc) && json_object_size(doc) == 2);
	FUZZ_CHECK(json_is_null(json_object_get(doc, "cipherprobe")));
	text = json_string_value(json_object_get(doc, "text"));
	FUZZ_CHECK(text != NULL);
	n = json_string_length(json_object_get(doc, "text"));
	FUZZ_CHECK(strlen(text) == n); /* no NUL inside */
	FUZZ_CHECK(n <= CP_NOTIFY_TEXT_MAX);
	check_clean_utf8((const unsigned char *)text, n);
	FUZZ_CHECK(strpbrk(text, "<>") == NULL);
	for (const char *a = strchr(text, '&'); a != NULL; a = strchr(a + 1, '&'))
		FUZZ_CHECK(strncmp(a, "&amp;", 5) == 0 || strncmp(a, "&lt;", 4) == 0 ||
			   strncmp(a, "&gt;", 4) == 0);
	if (plain(in) && strlen(in) <= CP_NOTIFY_TEXT_MAX - 3)
		FUZZ_CHECK(strcmp(text, in) == 0);
	if (plain(in) && strlen(in) > CP_NOTIFY_TEXT_MAX - 3) {
		FUZZ_CHECK(n == CP_NOTIFY_TEXT_MAX);
		FUZZ_CHECK(strncmp(text, in, n - 3) == 0 && strcmp(text + n - 3, "...") == 0);
	}
	json_decref(doc);
	free(body);
	free(in);
	return 0;
}
