/* SPDX-License-Identifier: MIT */
/* scanner/util.c's "did you mean" helpers: Levenshtein distances worked
 * out by hand, the closeness limit, and the NO_COLOR rule (no-color.org:
 * only a non-empty value turns colour off). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/offer.h"
#include "policy/profile.h"
#include "util.h"

static void test_distance(void **state)
{
	char longer[CP_EDIT_MAX + 2];

	(void)state;
	assert_int_equal(cp_edit_distance("", ""), 0);
	assert_int_equal(cp_edit_distance("abc", ""), 3);
	assert_int_equal(cp_edit_distance("", "abc"), 3);
	assert_int_equal(cp_edit_distance("kitten", "sitting"), 3);  /* k->s, e->i, +g */
	assert_int_equal(cp_edit_distance("flaw", "lawn"), 2);       /* -f, +n */
	assert_int_equal(cp_edit_distance("panos-recomended", "panos-recommended"), 1);
	assert_int_equal(cp_edit_distance("panos-default", "panos-default"), 0);
	assert_int_equal(cp_edit_distance("ab", "ba"), 2);           /* no transpositions */
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_true(cp_edit_distance(longer, "a") == SIZE_MAX);
}

static void test_closest(void **state)
{
	const char *const names[] = { "panos-default", "panos-recommended" };
	const char *const clients[] = { "chrome", "firefox", "safari", "any" };

	(void)state;
	assert_string_equal(cp_closest_name("panos-recomended", names, 2), "panos-recommended");
	assert_string_equal(cp_closest_name("panos-defualt", names, 2), "panos-default");
	assert_string_equal(cp_closest_name("PANOS-DEFAULT", names, 2) ? "x" : "none", "none");
	assert_null(cp_closest_name("running-config.xml", names, 2));
	assert_null(cp_closest_name("edge", clients, 4));             /* 4+ edits from each */
	assert_string_equal(cp_closest_name("firefx", clients, 4), "firefox");
	assert_string_equal(cp_closest_name("chrom", clients, 4), "chrome");
	assert_null(cp_closest_name("chrome", clients, 4));           /* itself: no hint */
	assert_null(cp_closest_name("x", clients, 0));
}

static void test_suggest(void **state)
{
	char buf[256];

	(void)state;
	cp_profile_suggest("panos-recomended", buf, sizeof buf);
	assert_string_equal(buf, "; did you mean 'panos-recommended'? "
			    "(built-in profiles: panos-default, panos-recommended)");
	cp_profile_suggest("/nonexistent/Corp.xml", buf, sizeof buf);
	assert_string_equal(buf, "");
	cp_client_suggest("edge", buf, sizeof buf);
	assert_string_equal(buf, "known clients: chrome, firefox, safari, any");
	cp_client_suggest("safary", buf, sizeof buf);
	assert_string_equal(buf, "did you mean 'safari'? known clients: chrome, firefox, safari, any");
}

static void test_no_color(void **state)
{
	(void)state;
	unsetenv("NO_COLOR");
	assert_false(cp_no_color());
	setenv("NO_COLOR", "", 1);
	assert_false(cp_no_color());
	setenv("NO_COLOR", "1", 1);
	assert_true(cp_no_color());
	unsetenv("NO_COLOR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_closest),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_no_color),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
