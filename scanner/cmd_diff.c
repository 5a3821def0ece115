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

/* the help text at column 0, as the terminal shows it */
/* clang-format off */
static const char diff_usage[] =
"usage: cipherprobe diff [-q|-v] [--json] [--expiry-warn DAYS] [--color WHEN]\n"
"                        OLD.json NEW.json\n"
"\n"
"Compares two 'cipherprobe scan --json' documents: one headline per site\n"
"that changed, worst first, with the fix command when there is one.\n"
"Regressions: a site no longer compatible with the profile, a fix that\n"
"weakens the profile more or a no-decrypt exception now needed, a\n"
"certificate the profile blocks, a certificate expiring within\n"
"--expiry-warn days, a site unreachable for two runs in a row.  Lost\n"
"suites or versions that leave the verdict as it was are changes, not\n"
"regressions.  Targets are matched by input and address.  '-' reads a\n"
"document from standard input.\n"
"\n"
"      --json               one JSON object: counts, sites, changes, added, removed\n"
"      --text               text for people (the default)\n"
"  -v, --verbose            every change under its site's headline\n"
"  -q, --quiet              only regressions and unreachable sites; nothing\n"
"                           when there are none\n"
"      --expiry-warn DAYS   a certificate expiring within DAYS is a regression\n"
"                           (default 14; 0: no expiry check)\n"
"      --color WHEN         auto (default), always, never\n"
"  -h, --help               this text\n"
"\n"
"Exit status: 0 no regression; 3 a regression; 64 usage error; 65 a\n"
"document is not valid schema-1 JSON; 66 a file is missing or unreadable.\n"
"\n'cipherprobe --version' prints the version.\n";
/* clang-format on */

enum { OPT_JSON = 256, OPT_TEXT, OPT_COLOR, OPT_EXPIRY_WARN };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "expiry-warn", required_argument, NULL, OPT_EXPIRY_WARN },
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
	struct cp_diff_opts dopts = { 0 };
	char err[512];
	int rc = CP_EXIT_USAGE, opt, verbosity = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hvq", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'v': verbosity = 1; break;
		case 'q': verbosity = -1; break;
		case OPT_EXPIRY_WARN: {
			char *end;
			long days;
			errno = 0;
			days = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || days < 0 || days > 3650) {
				cp_eprintf(
					"cipherprobe diff: --expiry-warn expects a number of days from 0 to 3650, not '%s'\n",
					optarg);
				goto out;
			}
			dopts.expiry_warn_days = days ? (int)days : -1;
			break;
		}
		case OPT_JSON: as_json = true; break;
		case OPT_TEXT: as_json = false; break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never")) {
				cp_eprintf(
					"cipherprobe diff: --color expects auto, always or never, not '%s'\n",
					optarg);
				goto out;
			}
			color = optarg;
			break;
		case 'h':
			fputs(diff_usage, stdout);
			rc = CP_EXIT_OK;
			goto out;
		default: fputs("see 'cipherprobe diff --help'\n", stderr); goto out;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr,
			"cipherprobe diff: expected two documents, OLD.json NEW.json (got %d)\n"
			"see 'cipherprobe diff --help'\n",
			argc - optind);
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
	if (cp_diff_sides_opts(old_side, new_side, &dopts, &d, err, sizeof err)) {
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
		if (cp_diff_print_v(stdout, &d, use_color, verbosity)) {
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
