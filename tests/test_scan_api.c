/* SPDX-License-Identifier: MIT */
/* scanner/scan_api.c's exit status mapping and scan_options.c's parser:
 * the expectations are cipherprobe(1)'s EXIT STATUS section (the numbers
 * and "when several apply ... the first in this order wins: an error
 * before the first probe ends the run; then 73, 65 or 73 (--state), 75,
 * 3, 2, 1, 0") and the OPTIONS section, written out by hand. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scan_api.h"
#include "scan_options.h"

static void test_clean_runs(void **state)
{
	struct cp_scan_outcome o = { .targets = 3, .compatible = 3 };

	(void)state;
	assert_int_equal(cp_scan_exit_status(&o), 0);
	o.compatible = 2;
	o.incompatible = 1;
	assert_int_equal(cp_scan_exit_status(&o), 1);
	o.errors = 1; /* 2 outranks 1 */
	assert_int_equal(cp_scan_exit_status(&o), 2);
	o.regressions = 1; /* 3 outranks 1 and 2 */
	assert_int_equal(cp_scan_exit_status(&o), 3);
	/* --no-verdict: neither compatible nor incompatible counts */
	struct cp_scan_outcome nv = { .targets = 2 };
	assert_int_equal(cp_scan_exit_status(&nv), 0);
}

static void test_watch_order(void **state)
{
	struct cp_scan_outcome o = {
		.targets = 1, .incompatible = 1, .errors = 1, .regressions = 2
	};

	(void)state;
	o.notify_failed = true; /* not required: no effect */
	assert_int_equal(cp_scan_exit_status(&o), 3);
	o.notify_required = true; /* 75 outranks 3 */
	assert_int_equal(cp_scan_exit_status(&o), 75);
	o.state_failed = true; /* the state cannot be written: 73 */
	assert_int_equal(cp_scan_exit_status(&o), 73);
	o.state_unusable = true; /* ... or does not parse: 65 */
	assert_int_equal(cp_scan_exit_status(&o), 65);
	o.write_failures = 1; /* the output: 73 before the state */
	assert_int_equal(cp_scan_exit_status(&o), 73);
}

static void test_failed_steps(void **state)
{
	/* an error that ends the run wins over every count */
	struct cp_scan_outcome o = { .targets = 4,
				     .errors = 1,
				     .incompatible = 2,
				     .regressions = 1,
				     .notify_failed = true,
				     .notify_required = true };

	(void)state;
	o.failed_step = CP_SCAN_STEP_CONFIG;
	o.failed_status = 64;
	assert_int_equal(cp_scan_exit_status(&o), 64);
	o.failed_step = CP_SCAN_STEP_POLICY;
	o.failed_status = 65;
	assert_int_equal(cp_scan_exit_status(&o), 65);
	o.failed_step = CP_SCAN_STEP_TARGETS;
	o.failed_status = 66;
	assert_int_equal(cp_scan_exit_status(&o), 66);
	o.failed_step = CP_SCAN_STEP_SCAN;
	o.failed_status = 70;
	assert_int_equal(cp_scan_exit_status(&o), 70);
	o.failed_step = CP_SCAN_STEP_VERDICTS;
	o.failed_status = 71;
	assert_int_equal(cp_scan_exit_status(&o), 71);
	o.failed_step = CP_SCAN_STEP_WRITE;
	o.failed_status = 73;
	assert_int_equal(cp_scan_exit_status(&o), 73);
	/* a failed step without a class is an internal error */
	o.failed_status = 0;
	assert_int_equal(cp_scan_exit_status(&o), 70);
}

/* Writable copies of the arguments (getopt may reorder them; the config
 * points into them until done()). */
static char *argv_copy[64];
static int argc_copy;

static void done(struct cp_scan_config *cfg)
{
	cp_scan_config_release(cfg);
	for (int i = 0; i < argc_copy; i++)
		free(argv_copy[i]);
	argc_copy = 0;
}

static int parse(struct cp_scan_config *cfg, const char *const *args)
{
	while (args[argc_copy]) {
		assert_true(argc_copy < 63);
		argv_copy[argc_copy] = strdup(args[argc_copy]);
		assert_non_null(argv_copy[argc_copy]);
		argc_copy++;
	}
	argv_copy[argc_copy] = NULL;
	cp_scan_config_default(cfg);
	return cp_scan_parse_args(argc_copy, argv_copy, cp_scan_option_table(), cfg);
}

static void test_parse(void **state)
{
	struct cp_scan_config cfg;
	const char *const a1[] = { "scan",          "--json", "-o",          "out.json",  "-i",
				   "list.txt",      "--sni",  "Example.COM", "--ca-file", "a.pem",
				   "--ca-file",     "b.pem",  "-q",          "-v",        "-v",
				   "--per-host",    "2",      "--timeout",   "1.5",       "-p",
				   "tls1.2,tls1.3", "host1",  "host2:8443",  NULL };

	(void)state;
	assert_int_equal(parse(&cfg, a1), -1);
	assert_string_equal(cfg.format, "json");
	assert_string_equal(cfg.output, "out.json");
	assert_int_equal(cfg.ninputs, 1);
	assert_string_equal(cfg.inputs[0], "list.txt");
	assert_string_equal(cfg.sni_override, "example.com"); /* lower-cased */
	assert_int_equal(cfg.nca_files, 2);
	assert_string_equal(cfg.ca_files[1], "b.pem");
	assert_true(cfg.quiet);
	assert_int_equal(cfg.verbosity, 2);
	assert_int_equal(cfg.probe.per_host, 2);
	assert_int_equal(cfg.probe.timeout_ms, 1500);
	assert_int_equal(cfg.ntargets, 2);
	assert_string_equal(cfg.targets[0], "host1");
	assert_string_equal(cfg.targets[1], "host2:8443");
	assert_true(cfg.verdicts); /* the defaults stay */
	assert_string_equal(cfg.client_name, "chrome");
	done(&cfg);

	const char *const a2[] = { "scan", "--color", "sometimes", "h", NULL };
	assert_int_equal(parse(&cfg, a2), 64);
	done(&cfg);
	const char *const a3[] = { "scan", "--per-host", "65", "h", NULL }; /* 1 to 64 */
	assert_int_equal(parse(&cfg, a3), 64);
	done(&cfg);
	const char *const a4[] = { "scan", "--no-verdict", "--help", NULL };
	assert_int_equal(parse(&cfg, a4), CP_SCAN_PARSE_HELP);
	assert_false(cfg.verdicts);
	done(&cfg);
	const char *const a5[] = { "scan",   "--sni",         "",  "--notify-on",
				   "always", "--expiry-warn", "0", NULL };
	assert_int_equal(parse(&cfg, a5), -1);
	assert_string_equal(cfg.sni_override, ""); /* "": no SNI at all */
	assert_int_equal(cfg.watch.notify_on, CP_NOTIFY_ON_ALWAYS);
	assert_int_equal(cfg.watch.expiry_warn_days, -1); /* 0: no expiry check */
	assert_int_equal(cfg.ntargets, 0);
	done(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_runs),
		cmocka_unit_test(test_watch_order),
		cmocka_unit_test(test_failed_steps),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
