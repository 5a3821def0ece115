/* SPDX-License-Identifier: MIT */
/*
 * The property harness of issue 12: for any loaded profile and any scan
 * record, every byte the text writer, the verdict and fleet printers, the
 * error path and the command generator emit is safe, and every JSON
 * document parses.
 *
 * Input layout (struct fuzz_in reads past the end as zeros):
 *
 *   u8   flags: bit 0 record from JSON (else synthetic), bit 1 force the
 *        profile's name/vsys/device group to raw fuzz bytes (the loader
 *        bypassed: the command builders must defend themselves), bits 2-3
 *        the profile's location, bit 4 colour on in the text writer
 *   u16  L, then L bytes: a profile in any format (cp_profile_load_mem);
 *        when it does not load, panos-recommended with raw names is used
 *   rest the record: one JSON target object (cp_result_from_json), or
 *        NUL-separated fields input, host, sni, address, subject, issuer,
 *        SAN, SAN, error message, violation, decryption-log error
 *
 * Properties:
 *   - text (writer, verdict, fleet, every error message through the
 *     terminal escaper) is well-formed UTF-8 with no C0 but newline, no
 *     DEL, no C1, no bidi control and no U+2028/U+2029; with colour off
 *     not even ESC; an error message is one line;
 *   - every `set` command and set prefix is printable ASCII (0x20..0x7E),
 *     so no name or host can add a line or a command;
 *   - the json and jsonl writers, the verdict and fleet JSON all exist
 *     (invalid UTF-8 never costs a document) and parse back.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "fuzz_write.h"
#include "output/output.h"
#include "output/sanitize.h"
#include "policy/advise.h"
#include "policy/offer.h"
#include "policy/profile.h"
#include "output/verdict.h"
#include "result.h"

#define MAX_PROFILE 8192

/* Well-formed UTF-8, nothing a terminal acts on but '\n' (and, when
 * colour is allowed, the writer's own SGR sequences "ESC [ digits m"). */
static void check_terminal_safe(const unsigned char *s, size_t n, bool color)
{
	(void)fuzz_safe_text(s, n, FUZZ_TEXT_NEWLINE | (color ? FUZZ_TEXT_SGR : 0));
}

static void check_ascii_line(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		FUZZ_CHECK(*p >= 0x20 && *p <= 0x7E);
}

/* The error path: a message as cp_eprintf prints it is one safe line. */
static void check_message(const char *msg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	FUZZ_CHECK(cp_sanitize_fputs(msg, f) == 0);
	fclose(f);
	if (!buf)
		return;
	FUZZ_CHECK(memchr(buf, '\n', len) == NULL);
	check_terminal_safe((const unsigned char *)buf, len, false);
	free(buf);
}

static void check_json_text(const char *s, size_t len)
{
	json_error_t je;
	json_t *j = json_loadb(s, len, 0, &je);

	FUZZ_CHECK(j != NULL);
	json_decref(j);
}

static void check_json_value(json_t *j)
{
	char *s;

	FUZZ_CHECK(j != NULL);
	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s) {
		check_json_text(s, strlen(s));
		free(s);
	}
	json_decref(j);
}


/* Next NUL-terminated field of the synthetic record (NULL when empty). */
static char *field(struct fuzz_in *in)
{
	const uint8_t *z = memchr(in->p, 0, in->n);
	size_t len = z ? (size_t)(z - in->p) : in->n;
	char *s;

	if (len == 0) {
		if (z) {
			in->p++;
			in->n--;
		}
		return NULL;
	}
	s = malloc(len + 1);
	if (s) {
		memcpy(s, in->p, len);
		s[len] = '\0';
	}
	in->p += len + (z != NULL);
	in->n -= len + (z != NULL);
	return s;
}

static struct cp_result *synthetic(struct fuzz_in *in)
{
	struct cp_result *r = NULL;
	char *input = field(in), *msg = NULL, *viol = NULL;

	r = cp_result_new(input);
	free(input);
	if (!r)
		return NULL;
	r->host = field(in);
	r->sni = field(in);
	r->address = field(in);
	r->port = 443;
	r->cert.subject = field(in);
	r->cert.issuer = field(in);
	r->cert.present = r->cert.subject != NULL;
	r->cert.sans = calloc(2, sizeof *r->cert.sans);
	if (r->cert.sans) {
		r->cert.sans[0] = field(in);
		r->cert.sans[1] = field(in);
		r->cert.nsans = r->cert.sans[1] ? 2 : r->cert.sans[0] ? 1 : 0;
	}
	msg = field(in);
	viol = field(in);
	r->log_error = field(in);
	r->log_failures = r->log_error != NULL;
	/* a SHA1-only TLS 1.2 server: most profiles need a fix, so commands */
	if (cp_result_add_suite(r, CP_P_TLS12, 0xC013) == 0)
		r->proto[CP_P_TLS12].supported = true;
	if (viol)
		cp_result_add_violation(r, "%s", viol);
	if (msg)
		cp_result_fail(r, CP_ERR_PROTOCOL, "%s", msg);
	free(msg);
	free(viol);
	return r;
}

static void raw_name(char *dst, size_t size, struct fuzz_in *in)
{
	size_t n = fuzz_u8(in) % size;

	if (n > in->n)
		n = in->n;
	memcpy(dst, in->p, n);
	dst[n] = '\0';
	in->p += n;
	in->n -= n;
}

static void check_verdict(const struct cp_verdict *v, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	for (size_t i = 0; i < v->ncommands; i++)
		check_ascii_line(v->commands[i]);
	check_json_value(cp_verdict_to_json(v));
	f = open_memstream(&buf, &len);
	if (!f)
		return;
	FUZZ_CHECK(cp_verdict_print(f, v, color, false) == 0);
	fclose(f);
	check_terminal_safe((const unsigned char *)buf, len, color);
	free(buf);
}

static void check_fleet(const struct cp_result *r, const struct cp_profile *p, bool color)
{
	struct cp_fleet fl;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (cp_advise_fleet(&r, 1, p, &fl) != 0)
		return;
	for (size_t i = 0; i < fl.ncommands; i++)
		check_ascii_line(fl.commands[i]);
	check_json_value(cp_fleet_to_json(&fl));
	f = open_memstream(&buf, &len);
	if (f) {
		FUZZ_CHECK(cp_fleet_print(f, &fl, color) == 0);
		fclose(f);
		check_terminal_safe((const unsigned char *)buf, len, color);
		free(buf);
	}
	cp_fleet_free(&fl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t flags = fuzz_u8(&in);
	size_t plen = fuzz_u16(&in) % (MAX_PROFILE + 1);
	bool color = flags & 0x10;
	struct cp_profile p;
	struct cp_profile_ref *refs = NULL;
	struct cp_result *r = NULL;
	const struct cp_client *client = cp_client_find("chrome");
	struct cp_summary sum = { 0 };
	char err[1024], prefix[1024];
	size_t nrefs = 0, len;
	char *out;

	if (plen > in.n)
		plen = in.n;
	/* the profile, and the messages and listing a file gives */
	if (cp_profile_load_mem((const char *)in.p, plen, "fuzz.prof", NULL, &p, err, sizeof err) !=
	    0) {
		check_message(err);
		FUZZ_CHECK(cp_profile_builtin("panos-recommended", &p) == 0);
		flags |= 0x02;
	}
	if (cp_profile_list_mem((const char *)in.p, plen, "fuzz.prof", &refs, &nrefs, err,
				sizeof err) == 0) {
		for (size_t i = 0; i < nrefs; i++) {
			check_message(refs[i].name);
			check_message(refs[i].scope);
		}
		free(refs);
	} else {
		check_message(err);
	}
	in.p += plen;
	in.n -= plen;
	if (flags & 0x02) {
		raw_name(p.name, sizeof p.name, &in);
		raw_name(p.vsys, sizeof p.vsys, &in);
		raw_name(p.device_group, sizeof p.device_group, &in);
		p.loc = (enum cp_profile_loc)((flags >> 2) & 3);
	}
	cp_profile_set_prefix(&p, prefix, sizeof prefix);
	check_ascii_line(prefix);

	/* the record */
	if (flags & 0x01) {
		json_error_t je;
		json_t *j = json_loadb((const char *)in.p, in.n, 0, &je);

		if (j) {
			r = cp_result_from_json(j, err, sizeof err);
			if (!r)
				check_message(err);
			json_decref(j);
		}
	}
	if (!r)
		r = synthetic(&in);
	if (!r)
		return 0;
	check_message(r->err_msg);

	cp_result_set_verdict(r, cp_advise(r, &p, client, NULL), cp_verdict_free);
	if (r->verdict) {
		check_verdict(r->verdict, color);
		check_fleet(r, &p, color);
	}

	/* the writers, with a summary that carries outside strings too */
	sum.targets = 1;
	sum.ok = r->ok;
	sum.errors = !r->ok;
	sum.interception_issuer = r->cert.issuer;
	sum.interception_targets = r->cert.issuer != NULL;
	for (int v = -1; v <= 1; v += 2) {
		out = fuzz_write_one(&cp_output_text, r, &sum, v, color, &len);
		if (out) {
			check_terminal_safe((const unsigned char *)out, len, color);
			free(out);
		}
	}
	out = fuzz_write_one(&cp_output_json, r, &sum, 0, false, &len);
	FUZZ_CHECK(out != NULL);
	check_json_text(out, len);
	free(out);
	out = fuzz_write_one(&cp_output_jsonl, r, NULL, 0, false, &len);
	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(len > 0 && memchr(out, '\n', len) == out + len - 1);
	check_json_text(out, len);
	free(out);
	cp_result_free(r);
	return 0;
}
