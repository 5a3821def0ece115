/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the decryption-log readers (scanner/input/declog.h) with a log
 * a user pasted from elsewhere: the whole input is the file, read through
 * fmemopen as cp_declog_read reads any FILE, the form detected from the
 * content (GUI CSV, syslog lines, JSON).  An input whose first byte is
 * 0x01 to 0x06 names the form instead (gui-csv, syslog, syslog-10.0,
 * http-json, cdl-json, json), that byte not being part of the log.
 *
 * What is reported must add up: the statistics balance (rows = kept +
 * filtered + skipped + bad, kept = targets + duplicates, the failures merged into
 * the targets sum to kept), every target comes once with its key, entries
 * arrive in row order, and every target text is accepted by
 * cp_target_parse as the very target reported, with an SNI the ClientHello
 * encoder takes.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "input/declog.h"
#include "input/target.h"
#include "tls/buf.h"
#include "tls/hello.h"

#define STOP_AFTER 300
#define STOP_RC 42
#define KEYS_CHECKED 256

struct seen {
	size_t calls, targets, errors, failures;
	size_t last_row;
	bool stop;
	const struct cp_declog_stats *st; /* filled in before the first call */
	char *keys[KEYS_CHECKED];
	size_t nkeys;
};

static bool same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

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

static void check_target(struct seen *s, const struct cp_declog_entry *e)
{
	const struct cp_target *t = e->target;
	struct cp_target u;
	char err[256], key[400];

	FUZZ_CHECK(e->text && e->text[0]);
	FUZZ_CHECK(e->failures >= 1);
	FUZZ_CHECK(e->err_index && e->error_text);
	FUZZ_CHECK(t->host && t->host[0] && t->port >= 1);
	if (t->sni)
		check_sni_encodes(t->sni);
	/* "Every text is accepted by cp_target_parse" as this target */
	FUZZ_CHECK(cp_target_parse(e->text, &u, err, sizeof err) == 0);
	FUZZ_CHECK(strcmp(u.host, t->host) == 0 && u.port == t->port);
	FUZZ_CHECK(same_str(u.sni, t->sni) && u.is_ip == t->is_ip);
	cp_target_free(&u);
	/* merged by (SNI, destination, port): each key once */
	snprintf(key, sizeof key, "%s %s %u", t->sni ? t->sni : "", t->host, (unsigned)t->port);
	for (size_t i = 0; i < s->nkeys; i++)
		FUZZ_CHECK(strcmp(s->keys[i], key) != 0);
	if (s->nkeys < KEYS_CHECKED) {
		s->keys[s->nkeys] = strdup(key);
		if (s->keys[s->nkeys])
			s->nkeys++;
	}
}

static int on_entry(const struct cp_declog_entry *e, void *data)
{
	struct seen *s = data;

	FUZZ_CHECK(e->name && strcmp(e->name, "fuzz.csv") == 0);
	FUZZ_CHECK(e->row >= s->last_row);
	s->last_row = e->row;
	/* CSV records and syslog lines: a row starts on its line or later;
	 * several JSON records may share a line, an array's have none */
	if (e->row > 0 && (s->st->form == CP_DECLOG_GUI_CSV || s->st->form == CP_DECLOG_SYSLOG))
		FUZZ_CHECK(e->line >= e->row);
	FUZZ_CHECK((e->error == NULL) == (e->target != NULL));
	FUZZ_CHECK((e->error == NULL) == (e->text != NULL));
	if (e->error) {
		FUZZ_CHECK(e->error[0] != '\0');
		s->errors++;
	} else {
		check_target(s, e);
		s->targets++;
		s->failures += e->failures;
		/* the callback may keep the strings: take them now and then */
		if (s->calls % 2) {
			free(e->target->input);
			free(e->target->host);
			free(e->target->sni);
			e->target->input = e->target->host = e->target->sni = NULL;
		}
	}
	if (++s->calls == STOP_AFTER && s->stop)
		return STOP_RC;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_declog_stats st;
	struct seen s;
	FILE *f;
	int rc;

	static const char *const forms[] = {
		NULL, "gui-csv", "syslog", "syslog-10.0", "http-json", "cdl-json", "json",
	};
	struct cp_declog_format fmt = { .form = CP_DECLOG_AUTO };
	char err[256];

	if (size && data[0] >= 1 && data[0] < sizeof forms / sizeof forms[0]) {
		FUZZ_CHECK(cp_declog_format_parse(forms[data[0]], &fmt, err, sizeof err) == 0);
		data++;
		size--;
	}
	if (size == 0)
		return 0; /* fmemopen() refuses an empty buffer */
	memset(&s, 0, sizeof s);
	s.st = &st;
	/* stop early on some inputs, to check a callback's value comes back */
	s.stop = data[size - 1] & 1;
	memset(&st, 0xA5, sizeof st);
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	rc = cp_declog_read_as(f, "fuzz.csv", &fmt, on_entry, &s, &st);
	fclose(f);
	for (size_t i = 0; i < s.nkeys; i++)
		free(s.keys[i]);
	if (rc == -1) {
		/* only memory or reading can fail, and neither does here */
		FUZZ_CHECK(errno == ENOMEM);
		return 0;
	}
	FUZZ_CHECK(rc == 0 || rc == STOP_RC);
	FUZZ_CHECK((rc == STOP_RC) == (s.stop && s.calls == STOP_AFTER));
	FUZZ_CHECK(st.rows == st.kept + st.filtered + st.skipped + st.bad);
	FUZZ_CHECK(st.kept == st.targets + st.duplicates);
	FUZZ_CHECK(st.rows <= CP_DECLOG_MAX_ROWS);
	if (rc == 0) {
		FUZZ_CHECK(s.targets == st.targets);
		FUZZ_CHECK(s.failures == st.kept);
		/* every bad row once, plus at most one error about the file */
		FUZZ_CHECK(s.errors == st.bad || s.errors == st.bad + 1);
		/* rows that are filtered are not reported: no callback is fine */
	}
	return 0;
}
