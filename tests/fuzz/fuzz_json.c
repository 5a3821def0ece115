/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the saved-scan loader that `cipherprobe diff` and `scan --state`
 * read old results with (cp_result_from_json, scanner/output/output.h),
 * and the writers that print what it loaded: the input is a JSON document
 * whose "targets" elements are loaded one by one (a bare array's elements,
 * or any other value itself, are tried too).
 *
 * A record that loads must survive the round trip: written as JSON and
 * loaded again it gives the same JSON.  The whole document goes through
 * the diff engine (scanner/output/diff.h) too: compared with itself, and
 * with the document rebuilt from its loaded records, it shows no change;
 * compared both ways with a fixed small document, what one side adds the
 * other removes; the diff loads exactly the documents cp_doc_check
 * accepts, and its printout is as terminal-safe as the text writer's.  The json and jsonl writers must
 * write a document (a line, with "schema": 1 added first) that parses back to that same object, and the
 * text writer must not let a single terminal control through: the output
 * is well-formed UTF-8 with no C0 (but newline), DEL, C1 or bidi control,
 * as cp_sanitize promises (colour is off).
 *
 * Verdicts too: every loaded record gets one (cp_advise) against the
 * document's "profile" member, the text of a profile file in any format
 * ("profile_bytes" for one that is not UTF-8: a character per byte), its
 * "profile_name" picking one of several (panos-recommended's settings
 * when absent or unusable), for its "client" (chrome when absent).  cp_verdict_print and the text writer
 * with the verdict attached must print terminal-safe text, the verdict's
 * JSON must exist (only memory may fail it) and come back through the
 * json writer; the fleet summary of all the verdicts likewise.  The
 * profile printers run too, as `cipherprobe profile show` and `profile
 * list`, text and --json, on that profile text: text output
 * terminal-safe, JSON output a document, exit status 0 or "the profile
 * cannot be used", never "out of memory".
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <sys/mman.h>
#include <unistd.h>

#include "commands.h"
#include "fuzz.h"
#include "fuzz_write.h"
#include "output/diff.h"
#include "output/output.h"
#include "policy/advise.h"
#include "policy/offer.h"
#include "policy/profile.h"
#include "output/verdict.h"
#include "result.h"

int cmd_profile(int argc, char **argv);

/* Two targets in schema 1, one with a verdict, for the diff's other side. */
static const char fixed_doc[] =
	"{\"schema\": 1, \"tool\": {\"name\": \"cipherprobe\", \"version\": \"0\"},"
	" \"targets\": ["
	"  {\"input\": \"example.com\", \"host\": \"example.com\", \"port\": 443,"
	"   \"sni\": \"example.com\", \"address\": \"192.0.2.1\", \"status\": \"ok\","
	"   \"error\": null, \"protocols\": [{\"version\": \"TLSv1.2\", \"supported\": true,"
	"   \"server_preference\": true, \"ciphers\": [{\"id\": \"0xC02F\"}, {\"id\": \"0x000A\"}]}],"
	"   \"groups\": [{\"id\": 29}], \"certificate\": {\"sha256\": \"ab\"},"
	"   \"verdict\": {\"compatible\": false, \"negotiated\": null, \"reason\": \"r\","
	"    \"fix\": {\"changes\": [\"auth-algo-sha1\"], \"weak\": true, \"commands\": []},"
	"    \"alternatives\": [], \"no_decrypt\": false}},"
	"  {\"input\": \"down.example:8443\", \"host\": \"down.example\", \"port\": 8443,"
	"   \"sni\": null, \"address\": null, \"status\": \"error\","
	"   \"error\": {\"kind\": \"timeout\", \"message\": \"no answer\"},"
	"   \"protocols\": [], \"groups\": [], \"verdict\": null}],"
	" \"summary\": null}";

/* Well-formed UTF-8 with nothing a terminal would act on but '\n'. */
static void check_terminal_safe(const unsigned char *s, size_t n)
{
	(void)fuzz_safe_text(s, n, FUZZ_TEXT_NEWLINE);
}


static void check_writers(const struct cp_result *r, const json_t *want)
{
	json_error_t je;
	json_t *doc, *t;
	size_t len;
	char *out;

	out = fuzz_write_one(&cp_output_json, r, NULL, 0, false, &len);
	if (out) {
		doc = json_loadb(out, len, 0, &je);
		FUZZ_CHECK(doc != NULL);
		t = json_object_get(doc, "targets");
		FUZZ_CHECK(json_array_size(t) == 1);
		FUZZ_CHECK(json_equal(json_array_get(t, 0), want));
		json_decref(doc);
		free(out);
	}
	out = fuzz_write_one(&cp_output_jsonl, r, NULL, 0, false, &len);
	if (out) {
		FUZZ_CHECK(len > 0 && out[len - 1] == '\n' &&
			   memchr(out, '\n', len) == out + len - 1);
		doc = json_loadb(out, len, 0, &je);
		/* the line is the target object with "schema": 1 first */
		FUZZ_CHECK(doc != NULL && json_integer_value(json_object_get(doc, "schema")) == 1 &&
			   !strcmp(json_object_iter_key(json_object_iter(doc)), "schema"));
		FUZZ_CHECK(json_object_del(doc, "schema") == 0 && json_equal(doc, want));
		json_decref(doc);
		free(out);
	}
	for (int v = -1; v <= 1; v += 2) {
		out = fuzz_write_one(&cp_output_text, r, NULL, v, false, &len);
		if (out) {
			check_terminal_safe((const unsigned char *)out, len);
			free(out);
		}
	}
}

/* The profile and client verdicts are made against. */
struct policy {
	struct cp_profile p;
	const struct cp_client *c;
	const char *name; /* --profile-name, or NULL */
};

/*
 * r with a verdict: printed alone and by the writers, terminal-safe; its
 * JSON made and carried by the json writer.  r keeps the verdict (the
 * fleet summary reads it).
 */
static void try_verdict(struct cp_result *r, const struct policy *pol)
{
	struct cp_verdict *v = cp_advise(r, &pol->p, pol->c, NULL);
	char *buf = NULL;
	size_t len = 0;
	json_t *jv, *want;
	FILE *f;

	if (v == NULL)
		return;
	/* a command is one line of printable ASCII: a name must not split it */
	for (size_t i = 0; i < v->ncommands; i++)
		for (const unsigned char *c = (const unsigned char *)v->commands[i]; *c; c++)
			FUZZ_CHECK(*c >= 0x20 && *c < 0x7f);
	jv = cp_verdict_to_json(v);
	FUZZ_CHECK(jv != NULL && json_is_object(jv));
	json_decref(jv);
	f = open_memstream(&buf, &len);
	if (f != NULL) {
		FUZZ_CHECK(cp_verdict_print(f, v, false, false) == 0);
		fclose(f);
		check_terminal_safe((const unsigned char *)buf, len);
		free(buf);
	}
	cp_result_set_verdict(r, v, cp_verdict_free);
	want = cp_result_to_json(r);
	FUZZ_CHECK(want != NULL);
	FUZZ_CHECK(json_is_object(json_object_get(want, "verdict")));
	check_writers(r, want);
	json_decref(want);
}

/* The fleet summary of records that carry verdicts. */
static void try_fleet(struct cp_result **rs, size_t n, const struct policy *pol)
{
	struct cp_fleet fl;
	char *buf = NULL;
	size_t len = 0;
	json_t *j;
	FILE *f;

	if (cp_advise_fleet((const struct cp_result *const *)rs, n, &pol->p, &fl) < 0)
		return;
	j = cp_fleet_to_json(&fl);
	FUZZ_CHECK(j != NULL && json_is_object(j));
	json_decref(j);
	f = open_memstream(&buf, &len);
	if (f != NULL) {
		FUZZ_CHECK(cp_fleet_print(f, &fl, false) == 0);
		fclose(f);
		check_terminal_safe((const unsigned char *)buf, len);
		free(buf);
	}
	cp_fleet_free(&fl);
}

static struct cp_result *try_target(const json_t *j)
{
	struct cp_result *r, *r2;
	json_t *j1, *j2;
	char err[256];

	memset(err, 'x', sizeof err);
	r = cp_result_from_json(j, err, sizeof err);
	FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
	if (!r) {
		FUZZ_CHECK(err[0] != '\0');
		return NULL;
	}
	j1 = cp_result_to_json(r);
	if (!j1)
		return r;
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
	return r;
}

/* A finished diff is consistent, serialises, and prints terminal-safe. */
static void check_diff(const struct cp_diff *d)
{
	char *buf = NULL;
	size_t len = 0;
	json_t *j;
	FILE *f;

	FUZZ_CHECK(d->regressions + d->improvements + d->infos + d->changed == d->nchanges);
	FUZZ_CHECK(d->nsites <= d->compared);
	for (size_t i = 0; i < d->nsites; i++)
		FUZZ_CHECK(d->sites[i].headline >= d->sites[i].first &&
			   d->sites[i].headline < d->sites[i].first + d->sites[i].count &&
			   d->sites[i].first + d->sites[i].count <= d->nchanges);
	FUZZ_CHECK(cp_diff_regressions(d) == d->regressions);
	for (size_t i = 0; i < d->nchanges; i++)
		FUZZ_CHECK(d->changes[i].what && d->changes[i].target && d->changes[i].detail);
	j = cp_diff_to_json(d);
	if (j) {
		FUZZ_CHECK(json_array_size(json_object_get(j, "changes")) == d->nchanges);
		FUZZ_CHECK(json_array_size(json_object_get(j, "added")) == d->nadded);
		FUZZ_CHECK(json_array_size(json_object_get(j, "removed")) == d->nremoved);
		json_decref(j);
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return;
	FUZZ_CHECK(cp_diff_print(f, d, false) == 0);
	fclose(f);
	check_terminal_safe((const unsigned char *)buf, len);
	free(buf);
}

/* A document compared with itself (or its rebuilt copy) changes nothing
 * but what is about time, not about the documents: a target failing in
 * both (named, "unreachable"), a certificate inside the expiry window. */
static bool only_standing(const struct cp_diff *d)
{
	for (size_t i = 0; i < d->nchanges; i++)
		if (strcmp(d->changes[i].what, "unreachable") &&
		    strcmp(d->changes[i].what, "expiry"))
			return false;
	return d->nadded == 0 && d->nremoved == 0;
}

/* The document rebuilt from its own loaded records. */
static json_t *rebuild(const json_t *doc)
{
	const json_t *targets = json_object_get(doc, "targets");
	size_t n = json_array_size(targets), k = 0;
	struct cp_result **rs = calloc(n ? n : 1, sizeof *rs);
	json_t *out = NULL;
	char err[256];

	if (!rs)
		return NULL;
	for (; k < n; k++) {
		rs[k] = cp_result_from_json(json_array_get(targets, k), err, sizeof err);
		FUZZ_CHECK(rs[k] != NULL); /* cp_doc_check said they load */
	}
	out = cp_doc_from_results((const struct cp_result *const *)rs, n, NULL, "fuzz");
	for (size_t i = 0; i < k; i++)
		cp_result_free(rs[i]);
	free(rs);
	return out;
}

static void diff_doc(const json_t *doc)
{
	static json_t *fixed;
	struct cp_diff d, back;
	json_error_t je;
	char err[512];
	json_t *again;
	int ok, rc;

	if (!fixed) {
		fixed = json_loads(fixed_doc, 0, &je);
		FUZZ_CHECK(fixed != NULL && cp_doc_check(fixed, err, sizeof err) == 0);
	}
	ok = cp_doc_check(doc, err, sizeof err) == 0;
	if (!ok)
		FUZZ_CHECK(err[0] != '\0');

	rc = cp_diff_docs(doc, doc, &d, err, sizeof err);
	FUZZ_CHECK((rc == 0) == ok);
	if (rc == 0) {
		check_diff(&d);
		FUZZ_CHECK(only_standing(&d));
		FUZZ_CHECK(d.compared == json_array_size(json_object_get(doc, "targets")));
		cp_diff_free(&d);
	}
	if (!ok)
		return;

	again = rebuild(doc);
	if (again) {
		FUZZ_CHECK(cp_doc_check(again, err, sizeof err) == 0);
		FUZZ_CHECK(cp_diff_docs(doc, again, &d, err, sizeof err) == 0);
		check_diff(&d);
		FUZZ_CHECK(only_standing(&d));
		cp_diff_free(&d);
		json_decref(again);
	}

	FUZZ_CHECK(cp_diff_docs(doc, fixed, &d, err, sizeof err) == 0);
	FUZZ_CHECK(cp_diff_docs(fixed, doc, &back, err, sizeof err) == 0);
	check_diff(&d);
	check_diff(&back);
	FUZZ_CHECK(d.nadded == back.nremoved && d.nremoved == back.nadded);
	FUZZ_CHECK(d.compared == back.compared);
	cp_diff_free(&d);
	cp_diff_free(&back);
}

/* What fd holds from its start, NUL-terminated (free() it). */
static char *fd_text(int fd, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *buf;

	*len = 0;
	if (end < 0)
		return NULL;
	buf = malloc((size_t)end + 1);
	if (buf == NULL)
		return NULL;
	if (pread(fd, buf, (size_t)end, 0) != (ssize_t)end) {
		free(buf);
		return NULL;
	}
	buf[end] = '\0';
	*len = (size_t)end;
	return buf;
}

/*
 * `cipherprobe profile ARGS...` with stdout and stderr caught in memory
 * files; the command's exit status, and its stdout (free() it).
 */
static char *run_profile_cmd(char **argv, int argc, int *rc, size_t *len)
{
	int out = memfd_create("stdout", 0), errfd = memfd_create("stderr", 0);
	int keep_out = dup(1), keep_err = dup(2);
	char *text = NULL;

	*len = 0;
	*rc = -1;
	if (out >= 0 && errfd >= 0 && keep_out >= 0 && keep_err >= 0) {
		fflush(stdout);
		fflush(stderr);
		if (dup2(out, 1) >= 0 && dup2(errfd, 2) >= 0) {
			*rc = cmd_profile(argc, argv);
			fflush(stdout);
			fflush(stderr);
		}
		dup2(keep_out, 1);
		dup2(keep_err, 2);
		text = fd_text(out, len);
	}
	if (keep_out >= 0)
		close(keep_out);
	if (keep_err >= 0)
		close(keep_err);
	if (out >= 0)
		close(out);
	if (errfd >= 0)
		close(errfd);
	return text;
}

/* profile show and list, text and JSON, on the profile text (fd: a
 * memory file holding it). */
static void try_profile_cmds(int fd, const char *client, const char *name)
{
	char spec[64], cl[32];
	char *argv[10];
	json_error_t je;

	snprintf(spec, sizeof spec, "/proc/self/fd/%d", fd);
	snprintf(cl, sizeof cl, "%s", client);
	for (int k = 0; k < 4; k++) {
		bool list = k >= 2, json = k % 2;
		int argc = 0, rc;
		size_t len;
		char *out;

		argv[argc++] = (char *)"profile";
		argv[argc++] = (char *)(list ? "list" : "show");
		argv[argc++] = spec;
		if (!list) {
			argv[argc++] = (char *)"--client";
			argv[argc++] = cl;
			if (name != NULL) {
				argv[argc++] = (char *)"--profile-name";
				argv[argc++] = (char *)name;
			}
		}
		if (json)
			argv[argc++] = (char *)"--json";
		argv[argc] = NULL;
		out = run_profile_cmd(argv, argc, &rc, &len);
		if (out == NULL)
			continue;
		/* usable or not, never "out of memory" or a usage error */
		if (rc != CP_EXIT_OK && rc != CP_EXIT_DATAERR)
			fprintf(stderr, "profile %s%s: exit %d\n", argv[1], json ? " --json" : "",
				rc);
		FUZZ_CHECK(rc == CP_EXIT_OK || rc == CP_EXIT_DATAERR);
		if (rc == CP_EXIT_OK && json) {
			json_t *d = json_loadb(out, len, 0, &je);

			FUZZ_CHECK(d != NULL && json_is_object(d));
			json_decref(d);
		} else if (rc == CP_EXIT_OK) {
			check_terminal_safe((const unsigned char *)out, len);
		}
		free(out);
	}
}

/*
 * The policy for this document: its "profile" text when that loads, else
 * panos-recommended; its "client" when known, else chrome.  *fd gets a
 * memory file holding the profile text, for the profile printers (-1:
 * none given).
 */
static void load_policy(const json_t *doc, struct policy *pol, int *fd)
{
	const json_t *pt = json_object_get(doc, "profile");
	const char *cname = json_string_value(json_object_get(doc, "client"));
	const char *pname = json_string_value(json_object_get(doc, "profile_name"));
	char err[512], *bytes = NULL;

	*fd = -1;
	pol->name = pname;
	pol->c = cname != NULL ? cp_client_find(cname) : NULL;
	if (pol->c == NULL)
		pol->c = cp_client_find("chrome");
	FUZZ_CHECK(pol->c != NULL);
	/* "profile_bytes": a byte string, one byte per character U+0000..U+00FF,
	 * for files that are not UTF-8 (a JSON string cannot hold them) */
	if (!json_is_string(pt)) {
		const json_t *pb = json_object_get(doc, "profile_bytes");
		const unsigned char *u = (const unsigned char *)json_string_value(pb);
		size_t n = json_string_length(pb), k = 0;

		if (u != NULL && (bytes = malloc(n + 1)) != NULL) {
			for (size_t i = 0; i < n; i++) {
				if (u[i] < 0x80)
					bytes[k++] = (char)u[i];
				else if ((u[i] == 0xC2 || u[i] == 0xC3) && i + 1 < n) {
					bytes[k++] = (char)((u[i] & 0x03) << 6 | (u[i + 1] & 0x3F));
					i++;
				}
			}
			bytes[k] = '\0';
			pt = json_stringn_nocheck(bytes, k);
		}
	} else {
		json_incref((json_t *)pt);
	}
	free(bytes);
	if (json_is_string(pt)) {
		const char *text = json_string_value(pt);
		size_t n = json_string_length(pt);

		if (cp_profile_load_mem(text, n, "fuzz.profile", pname, &pol->p, err, sizeof err) ==
		    0) {
			*fd = memfd_create("profile", 0);
			if (*fd >= 0 && write(*fd, text, n) != (ssize_t)n) {
				close(*fd);
				*fd = -1;
			}
			json_decref((json_t *)pt);
			return;
		}
	}
	json_decref((json_t *)pt);
	pol->name = NULL;
	FUZZ_CHECK(cp_profile_load("builtin:panos-recommended", NULL, &pol->p, err, sizeof err) ==
		   0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_result *rs[16];
	struct policy pol;
	json_error_t je;
	json_t *doc, *targets, *v;
	size_t i, nrs = 0;
	int fd;

	doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, &je);
	if (!doc)
		return 0;
	load_policy(doc, &pol, &fd);
	targets = json_is_object(doc) ? json_object_get(doc, "targets") : doc;
	if (json_is_array(targets)) {
		json_array_foreach(targets, i, v)
		{
			struct cp_result *r = try_target(v);

			if (r == NULL)
				continue;
			try_verdict(r, &pol);
			if (nrs < sizeof rs / sizeof rs[0])
				rs[nrs++] = r;
			else
				cp_result_free(r);
		}
	} else {
		struct cp_result *r = try_target(targets);

		if (r != NULL) {
			try_verdict(r, &pol);
			rs[nrs++] = r;
		}
	}
	try_fleet(rs, nrs, &pol);
	for (i = 0; i < nrs; i++)
		cp_result_free(rs[i]);
	if (fd >= 0) {
		try_profile_cmds(fd, pol.c->name, pol.name);
		close(fd);
	}
	diff_doc(doc);
	json_decref(doc);
	return 0;
}
