/* SPDX-License-Identifier: MIT */
/*
 * Bounds on a run: the default --target-timeout (a pure function of the
 * expected probes), the target-timeout error kind in the JSON contract,
 * and the removal of temporary output files when a signal ends the run
 * (in a forked child, which dies of the signal as it should).
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "output/file.h"
#include "output/output.h"
#include "probe/scan.h"
#include "result.h"

/* ---- the default bound ---------------------------------------------- */

static void test_formula(void **state)
{
	(void)state;
	/* (ceil(probes / per_host) + 4) * timeout + connect_timeout */
	assert_int_equal(cp_target_timeout_default(8, 4, 1000, 0), (2 + 4) * 1000);
	assert_int_equal(cp_target_timeout_default(9, 4, 1000, 0), (3 + 4) * 1000);
	assert_int_equal(cp_target_timeout_default(137, 4, 8000, 5000), (35 + 4) * 8000 + 5000);
	assert_int_equal(cp_target_timeout_default(0, 4, 2000, 500), 4 * 2000 + 500);
	/* per_host 0 counts as 1, never a division by zero */
	assert_int_equal(cp_target_timeout_default(3, 0, 1000, 0), (3 + 4) * 1000);
	/* capped, and no overflow on the way there */
	assert_int_equal(cp_target_timeout_default(750, 4, 8000, 5000), CP_TARGET_TIMEOUT_CAP_MS);
	assert_int_equal(cp_target_timeout_default((size_t)-1, 1, 3600000, 3600000),
			 CP_TARGET_TIMEOUT_CAP_MS);
	/* never 0: a bound of nothing would end every target at once */
	assert_int_equal(cp_target_timeout_default(0, 1, 0, 0), 1);
}

static void test_expected_probes(void **state)
{
	struct cp_scan_opts o;
	size_t def, n;

	(void)state;
	cp_scan_opts_default(&o);
	def = cp_scan_expected_probes(&o, false);
	/* 22 chains for every version, groups, signature schemes and
	 * preference: 5 TLS <= 1.2 versions in 9 suite chunks of up to 9
	 * probes, 2 group chains of 9, 2 signature chains of 8, 5 preference
	 * chains of 4, 3 DHE custom-group chains (TLS 1.0-1.2) of 2, SSLv2,
	 * and the certificate read */
	assert_int_equal(def, 9 * 9 + 2 * 9 + 2 * 8 + 5 * 4 + 3 * 2 + 1 + 1);
	/* so the default bound for default options is a little over 5 minutes:
	 * (ceil(143 / 4) + 4) x 8 s + 5 s */
	assert_int_equal(
		cp_target_timeout_default(def, o.per_host, o.timeout_ms, o.connect_timeout_ms),
		325000);

	assert_int_equal(cp_scan_expected_probes(&o, true), def + 1);
	o.certificate = false;
	assert_int_equal(cp_scan_expected_probes(&o, false), def - 1);
	o.certificate = true;

	o.strategy = CP_STRATEGY_SINGLE;
	n = cp_scan_expected_probes(&o, false);
	assert_true(n > 700); /* one hello per candidate suite */
	o.strategy = CP_STRATEGY_ELIMINATE;

	o.versions = CP_VER_TLS13;
	n = cp_scan_expected_probes(&o, false);
	/* TLS 1.3 suites, groups, signature schemes, preference, certificate */
	assert_int_equal(n, 9 + 9 + 8 + 4 + 1);
}

/* ---- the error kind ------------------------------------------------- */

static void test_kind(void **state)
{
	struct cp_result *r, *back;
	json_t *j;
	char err[256];

	(void)state;
	assert_string_equal(cp_err_kind_name(CP_ERR_TARGET_TIMEOUT), "target-timeout");
	for (int k = CP_ERR_NONE; k < CP_ERR__COUNT; k++) {
		assert_string_not_equal(cp_err_kind_name((enum cp_err_kind)k), "unknown");
		for (int m = CP_ERR_NONE; m < k; m++)
			assert_string_not_equal(cp_err_kind_name((enum cp_err_kind)k),
						cp_err_kind_name((enum cp_err_kind)m));
	}

	/* a partial record: the error, and what was found before it */
	r = cp_result_new("slow.example:443");
	assert_non_null(r);
	r->proto[CP_P_TLS13].probed = true;
	assert_int_equal(cp_result_add_suite(r, CP_P_TLS13, 0x1301), 0);
	assert_int_equal(cp_result_fail(r, CP_ERR_TARGET_TIMEOUT, "gave up after %u s", 3u), 0);
	j = cp_result_to_json(r);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "error");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "kind")),
			    "target-timeout");
	back = cp_result_from_json(j, err, sizeof err);
	if (!back)
		fail_msg("the loader refuses a target-timeout record: %s", err);
	assert_false(back->ok);
	assert_int_equal(back->err_kind, CP_ERR_TARGET_TIMEOUT);
	assert_int_equal(back->proto[CP_P_TLS13].nsuites, 1);
	cp_result_free(back);
	json_decref(j);
	cp_result_free(r);
}

/* ---- temporary files and signals ------------------------------------ */

static char tmpdir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cp-bounds-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* The names in tmpdir, sorted, ' '-separated, into buf. */
static void listing(char *buf, size_t size)
{
	struct dirent **e;
	int n = scandir(tmpdir, &e, NULL, alphasort);
	size_t len = 0;

	assert_true(n >= 0);
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(e[i]->d_name, ".") && strcmp(e[i]->d_name, "..") && len + 1 < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? " " : "",
						e[i]->d_name);
		free(e[i]);
	}
	free(e);
}

static int remove_dir(void **state)
{
	struct dirent *e;
	DIR *d = opendir(tmpdir);
	char p[512];

	(void)state;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
			unlink(p);
		}
	closedir(d);
	return rmdir(tmpdir);
}

/*
 * In a child: install the handlers (with ignore_hup, SIGHUP ignored
 * first, as under nohup), write "out" and commit it, open "out" again and
 * "state" (both left as temporary files), then raise sig.  Returns the
 * child's wait status.
 */
static int child_signalled(int sig, bool ignore_hup)
{
	char path[128], err[256];
	struct cp_atomic a, b, c;
	pid_t pid;
	int st;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* whatever the test runner left us */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, ignore_hup ? SIG_IGN : SIG_DFL);
		cp_atomic_cleanup_on_signals();
		snprintf(path, sizeof path, "%s/out", tmpdir);
		if (!cp_atomic_open(path, &a, err, sizeof err) || fputs("old\n", a.f) < 0 ||
		    cp_atomic_commit(&a) < 0)
			_exit(10);
		if (!cp_atomic_open(path, &b, err, sizeof err) || fputs("half", b.f) < 0)
			_exit(11);
		snprintf(path, sizeof path, "%s/state", tmpdir);
		if (!cp_atomic_open(path, &c, err, sizeof err))
			_exit(12);
		raise(sig);
		/* only when sig is ignored */
		cp_atomic_abort(&b);
		cp_atomic_abort(&c);
		_exit(20);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void test_signal_cleanup(void **state)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	char names[512], want[512];
	int st;

	(void)state;
	snprintf(want, sizeof want, "out");
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		st = child_signalled(sigs[i], false);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != sigs[i])
			fail_msg("signal %d: the child did not die of it (status 0x%x)", sigs[i],
				 st);
		/* the committed output stays as it was; no .out.* or .state.* */
		listing(names, sizeof names);
		assert_string_equal(names, want);
	}
	/* ignored at start: stays ignored, the run goes on */
	st = child_signalled(SIGHUP, true);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 20);
	listing(names, sizeof names);
	assert_string_equal(names, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formula),
		cmocka_unit_test(test_expected_probes),
		cmocka_unit_test(test_kind),
		cmocka_unit_test_setup_teardown(test_signal_cleanup, make_dir, remove_dir),
	};

	return cmocka_run_group_tests_name("bounds", tests, NULL, NULL);
}
