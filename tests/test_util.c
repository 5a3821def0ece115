/* SPDX-License-Identifier: MIT */
/* scanner/util.c's "did you mean" helpers: Levenshtein distances worked
 * out by hand, the closeness limit, and the NO_COLOR rule (no-color.org:
 * only a non-empty value turns colour off); the growable-array helpers
 * (capacities worked out by hand: doubling from CP_GROW_MIN, overflow
 * refused) and cp_seterr's NULL and truncation rules. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/offer.h"
#include "policy/profile.h"
#include "status.h"
#include "util.h"

static void test_distance(void **state)
{
	char longer[CP_EDIT_MAX + 2];

	(void)state;
	assert_int_equal(cp_edit_distance("", ""), 0);
	assert_int_equal(cp_edit_distance("abc", ""), 3);
	assert_int_equal(cp_edit_distance("", "abc"), 3);
	assert_int_equal(cp_edit_distance("kitten", "sitting"), 3); /* k->s, e->i, +g */
	assert_int_equal(cp_edit_distance("flaw", "lawn"), 2);      /* -f, +n */
	assert_int_equal(cp_edit_distance("panos-recomended", "panos-recommended"), 1);
	assert_int_equal(cp_edit_distance("panos-default", "panos-default"), 0);
	assert_int_equal(cp_edit_distance("ab", "ba"), 2); /* no transpositions */
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
	assert_null(cp_closest_name("edge", clients, 4)); /* 4+ edits from each */
	assert_string_equal(cp_closest_name("firefx", clients, 4), "firefox");
	assert_string_equal(cp_closest_name("chrom", clients, 4), "chrome");
	assert_null(cp_closest_name("chrome", clients, 4)); /* itself: no hint */
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
	assert_string_equal(buf,
			    "did you mean 'safari'? known clients: chrome, firefox, safari, any");
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

static void test_grow_cap(void **state)
{
	(void)state;
	assert_int_equal(cp_grow_cap(0, 0, 4), 0);  /* nothing needed */
	assert_int_equal(cp_grow_cap(0, 1, 4), 16); /* from CP_GROW_MIN */
	assert_int_equal(cp_grow_cap(0, 17, 4), 32);
	assert_int_equal(cp_grow_cap(16, 16, 4), 16); /* fits: unchanged */
	assert_int_equal(cp_grow_cap(16, 17, 4), 32); /* doubled */
	assert_int_equal(cp_grow_cap(3, 4, 1), 16);   /* small caps start at the minimum */
	assert_int_equal(cp_grow_cap(100, 1000, 8), 1600);
	assert_int_equal(cp_grow_cap(16, 17, 0), 0); /* no element size */
	/* need * elsize does not fit a size_t */
	assert_int_equal(cp_grow_cap(0, SIZE_MAX / 8 + 1, 8), 0);
	assert_int_equal(cp_grow_cap(0, SIZE_MAX, 2), 0);
	/* doubling past the largest count is clamped to it, not wrapped */
	assert_true(cp_grow_cap(SIZE_MAX / 16 + 1, SIZE_MAX / 16 + 2, 8) == SIZE_MAX / 8);
	assert_true(cp_grow_cap(SIZE_MAX / 2 + 1, SIZE_MAX, 1) == SIZE_MAX);
}

static void test_grow(void **state)
{
	int *v = NULL;
	size_t cap = 0, i;
	void *p;

	(void)state;
	assert_int_equal(CP_GROW(v, cap, 0), 0); /* need 0: no allocation */
	assert_null(v);
	assert_int_equal(cap, 0);
	for (i = 0; i < 100; i++) {
		assert_int_equal(CP_GROW(v, cap, i + 1), 0);
		v[i] = (int)i;
	}
	assert_int_equal(cap, 128); /* 16, 32, 64, 128 */
	for (i = 0; i < 100; i++)
		assert_int_equal(v[i], (int)i); /* kept across moves */
	/* overflow: refused, the array and its capacity untouched */
	p = v;
	errno = 0;
	assert_int_equal(CP_GROW(v, cap, SIZE_MAX / sizeof *v + 1), -1);
	assert_int_equal(errno, ENOMEM);
	assert_ptr_equal(v, p);
	assert_int_equal(cap, 128);
	assert_int_equal(v[99], 99);
	errno = 0;
	assert_int_equal(cp_grow((void **)&p, &cap, 200, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(cap, 128);
	/* exact sizes */
	assert_int_equal(CP_RESIZE(v, 3), 0);
	assert_int_equal(v[2], 2);
	errno = 0;
	assert_int_equal(CP_RESIZE(v, SIZE_MAX / 2), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(v[2], 2);
	assert_int_equal(CP_RESIZE(v, 0), 0); /* 0 frees */
	assert_null(v);
}

static void test_seterr(void **state)
{
	char buf[8];

	(void)state;
	cp_seterr(NULL, 10, "x %d", 1); /* no buffer: nothing */
	memset(buf, 'z', sizeof buf);
	cp_seterr(buf, 0, "x %d", 1); /* no room: untouched */
	assert_int_equal(buf[0], 'z');
	cp_seterr(buf, sizeof buf, "%s %d", "abcdef", 12); /* truncated, terminated */
	assert_string_equal(buf, "abcdef ");
}

static void test_status(void **state)
{
	(void)state;
	/* failures are negative, so the 0 / -1 idiom's "< 0" still tests them */
	assert_int_equal(CP_OK, 0);
	assert_true(CP_ENOMEM < 0 && CP_EINVAL < 0 && CP_ERANDOM < 0);
	assert_string_equal(cp_status_str(CP_OK), "ok");
	assert_string_equal(cp_status_str(CP_ENOMEM), "out of memory");
	assert_string_equal(cp_status_str(CP_ETRUNCATED), "truncated");
	assert_string_equal(cp_status_str(1), "unknown status");
	assert_string_equal(cp_status_str(-1000), "unknown status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance), cmocka_unit_test(test_closest),
		cmocka_unit_test(test_suggest),  cmocka_unit_test(test_no_color),
		cmocka_unit_test(test_grow_cap), cmocka_unit_test(test_grow),
		cmocka_unit_test(test_seterr),   cmocka_unit_test(test_status),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
