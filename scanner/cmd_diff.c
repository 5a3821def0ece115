/* SPDX-License-Identifier: MIT */
/*
 * cipherprobe diff: what changed between two scans (output/diff.h), for
 * people or, with --json, for scripts; exit 3 when something regressed.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "output/sanitize.h"
#include "util.h"
#include "commands.h"
#include "output/diff.h"

static const char diff_usage[] =
"usage: cipherprobe diff [--json] [--color WHEN] OLD.json NEW.json\n"
"\n"
"Compares two 'cipherprobe scan --json' documents and lists what changed,\n"
"regressions first: a target no longer compatible with the profile or no\n"
"longer scanning, a fix that got harder, TLS 1.2/1.3 or an accepted suite\n"
"gone, a weak suite or protocol version new.  Targets are matched by input\n"
"and address (--all-addresses gives one record per address).  '-' reads a\n"
"document from standard input.\n"
"\n"
"      --json               one JSON object: counts, changes, added, removed\n"
"      --text               text for people (the default)\n"
"      --color WHEN         auto (default), always, never\n"
"  -h, --help               this text\n"
"\n"
"Exit status: 0 no regression; 3 a regression; 64 usage error; 65 a\n"
"document is not valid schema-1 JSON; 66 a file is missing or unreadable.\n"
"\n'cipherprobe --version' prints the version.\n";

enum { OPT_JSON = 256, OPT_TEXT, OPT_COLOR };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* cp_doc_load's errno as an exit status: the file's content is unusable
 * (65), memory ran out (71), or the file could not be read at all (66). */
static int load_status(int e)
{
	if (e == EINVAL || e == EFBIG)
		return CP_EXIT_DATAERR;
	if (e == ENOMEM)
		return CP_EXIT_OSERR;
	return CP_EXIT_NOINPUT;
}

int cmd_diff(int argc, char **argv)
{
	const char *color = "auto";
	bool as_json = false, use_color;
	struct cp_diff_side *old_side = NULL, *new_side = NULL;
	json_t *out_j = NULL;
	struct cp_diff d = { 0 };
	char err[512];
	int rc = CP_EXIT_USAGE, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON: as_json = true; break;
		case OPT_TEXT: as_json = false; break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
				cp_eprintf("cipherprobe diff: --color expects auto, always or never, not '%s'\n",
					optarg);
				goto out;
			}
			color = optarg;
			break;
		case 'h':
			fputs(diff_usage, stdout);
			rc = CP_EXIT_OK;
			goto out;
		default:
			fputs("see 'cipherprobe diff --help'\n", stderr);
			goto out;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "cipherprobe diff: expected two documents, OLD.json NEW.json (got %d)\n"
			"see 'cipherprobe diff --help'\n", argc - optind);
		goto out;
	}
	if (!strcmp(argv[optind], "-") && !strcmp(argv[optind + 1], "-")) {
		cp_eprintf("cipherprobe diff: only one document can come from standard input\n");
		goto out;
	}
	/* streamed: memory is the file and its records, not a JSON tree */
	old_side = cp_diff_side_load(argv[optind], CP_DOC_MAX, err, sizeof err);
	if (!old_side) {
		rc = load_status(errno);
		cp_eprintf("cipherprobe diff: %s\n", err);
		goto out;
	}
	new_side = cp_diff_side_load(argv[optind + 1], CP_DOC_MAX, err, sizeof err);
	if (!new_side) {
		rc = load_status(errno);
		cp_eprintf("cipherprobe diff: %s\n", err);
		goto out;
	}
	if (cp_diff_sides(old_side, new_side, &d, err, sizeof err)) {
		/* both loaded and checked, so only memory can fail here */
		rc = strcmp(err, "out of memory") ? CP_EXIT_DATAERR : CP_EXIT_OSERR;
		cp_eprintf("cipherprobe diff: %s\n", err);
		goto out;
	}
	if (as_json) {
		out_j = cp_diff_to_json(&d);
		if (!out_j) {
			cp_eprintf("cipherprobe diff: out of memory\n");
			rc = CP_EXIT_OSERR;
			goto out;
		}
		if (json_dumpf(out_j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ||
		    fputc('\n', stdout) == EOF || fflush(stdout) == EOF || ferror(stdout)) {
			cp_eprintf("cipherprobe diff: cannot write the output\n");
			rc = CP_EXIT_CANTCREAT;
			goto out;
		}
	} else {
		use_color = !strcmp(color, "always") ||
			(!strcmp(color, "auto") && isatty(STDOUT_FILENO) && !cp_no_color());
		if (cp_diff_print(stdout, &d, use_color)) {
			cp_eprintf("cipherprobe diff: cannot write the output\n");
			rc = CP_EXIT_CANTCREAT;
			goto out;
		}
	}
	rc = cp_diff_regressions(&d) ? CP_EXIT_REGRESSION : CP_EXIT_OK;
out:
	json_decref(out_j);
	cp_diff_side_free(old_side);
	cp_diff_side_free(new_side);
	cp_diff_free(&d);
	return rc;
}
