/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes target parsing (scanner/input/target.h) and list reading
 * (scanner/input/list.h): the whole input is one target argument (up to
 * its first NUL) and, through fmemopen, a list file.
 *
 * A parsed target must be what the header promises (lower-case host, a
 * port, SNI never an address), must parse back to itself when written
 * out as host:port[,sni] (which is how decryption-log targets are made),
 * and its SNI must be one the ClientHello encoder accepts.  The list
 * reader must report each usable line once, in order, with either a
 * target or a reason.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "input/list.h"
#include "input/target.h"
#include "tls/buf.h"
#include "tls/hello.h"

#define STOP_AFTER 200
#define STOP_RC 42

static bool same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* The SNI goes into a ClientHello as it is: the encoder must take it. */
static void check_sni_encodes(const char *sni)
{
	static const uint16_t suite = 0xC02F;
	static const uint8_t random[32];
	struct cp_hello_params p = {
		.legacy_version = 0x0303,
		.suites = &suite,
		.nsuites = 1,
		.sni = sni,
		.random = random,
	};
	struct cp_wbuf out;

	cp_wbuf_init(&out, CP_HELLO_MAX_BYTES);
	FUZZ_CHECK(cp_hello_encode(&p, NULL, &out) == CP_OK);
	cp_wbuf_free(&out);
}

static void check_target(const struct cp_target *t)
{
	char text[600], err[256];
	struct cp_target u;
	int rc;

	FUZZ_CHECK(t->input && t->input[0]);
	FUZZ_CHECK(t->host && t->host[0]);
	FUZZ_CHECK(t->port >= 1);
	for (const char *c = t->host; *c; c++)
		FUZZ_CHECK(!(*c >= 'A' && *c <= 'Z'));
	FUZZ_CHECK(t->is_ip == cp_is_ip_literal(t->host));
	if (t->is_ip)
		FUZZ_CHECK(t->family_hint == AF_INET || t->family_hint == AF_INET6);
	else
		FUZZ_CHECK(t->family_hint == AF_UNSPEC);
	if (!t->sni_set)
		FUZZ_CHECK(t->is_ip ? t->sni == NULL : same_str(t->sni, t->host));
	if (t->sni) {
		FUZZ_CHECK(t->sni[0] != '\0');
		FUZZ_CHECK(!cp_is_ip_literal(t->sni));
		check_sni_encodes(t->sni);
	}

	/* written out as host:port[,sni], it reads back the same */
	snprintf(text, sizeof text, strchr(t->host, ':') ? "[%s]:%u%s%s" : "%s:%u%s%s", t->host,
		 (unsigned)t->port, t->sni_set ? "," : "", t->sni_set && t->sni ? t->sni : "");
	rc = cp_target_parse(text, &u, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "'%s' -> '%s': %s\n", t->input, text, err);
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(strcmp(u.host, t->host) == 0);
	FUZZ_CHECK(u.port == t->port);
	FUZZ_CHECK(same_str(u.sni, t->sni));
	FUZZ_CHECK(u.sni_set == t->sni_set);
	FUZZ_CHECK(u.is_ip == t->is_ip && u.family_hint == t->family_hint);
	cp_target_free(&u);
}

struct list_state {
	size_t calls;
	size_t last_line;
	size_t max_line;
};

static int on_line(const struct cp_list_line *l, void *data)
{
	struct list_state *st = data;

	FUZZ_CHECK(l->name && strcmp(l->name, "fuzz.txt") == 0);
	FUZZ_CHECK(l->lineno > st->last_line && l->lineno <= st->max_line);
	st->last_line = l->lineno;
	FUZZ_CHECK(l->text != NULL);
	FUZZ_CHECK(strlen(l->text) <= CP_LIST_MAX_LINE + 3);
	FUZZ_CHECK((l->target == NULL) != (l->error == NULL));
	if (l->error) {
		FUZZ_CHECK(l->error[0] != '\0');
	} else {
		struct cp_target u;
		char err[256];

		FUZZ_CHECK(l->text[0] != '\0');
		check_target(l->target);
		/* the line's text is what was parsed */
		FUZZ_CHECK(cp_target_parse(l->text, &u, err, sizeof err) == 0);
		FUZZ_CHECK(strcmp(u.host, l->target->host) == 0 && u.port == l->target->port);
		cp_target_free(&u);
		/* the callback may keep the strings: take them on odd calls */
		if (st->calls % 2) {
			free(l->target->input);
			free(l->target->host);
			free(l->target->sni);
			l->target->input = l->target->host = l->target->sni = NULL;
		}
	}
	if (++st->calls == STOP_AFTER)
		return STOP_RC;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct list_state st = { 0, 0, 1 };
	struct cp_target t;
	char err[256];
	char *text;
	FILE *f;
	int rc;

	/* one argument: the text up to the first NUL */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(err, 'x', sizeof err);
	rc = cp_target_parse(text, &t, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1 || rc == CP_TARGET_NOMEM);
	if (rc == 0) {
		check_target(&t);
	} else {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) && err[0] != '\0');
		FUZZ_CHECK(!t.input && !t.host && !t.sni);
	}
	cp_target_free(&t);
	cp_target_free(&t);
	free(text);

	/* a list file */
	if (size == 0)
		return 0;
	for (size_t i = 0; i < size; i++)
		st.max_line += data[i] == '\n';
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	rc = cp_list_read(f, "fuzz.txt", on_line, &st);
	fclose(f);
	FUZZ_CHECK(rc == 0 || rc == STOP_RC);
	FUZZ_CHECK((rc == STOP_RC) == (st.calls == STOP_AFTER));
	return 0;
}
