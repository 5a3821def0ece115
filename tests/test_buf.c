/* SPDX-License-Identifier: MIT */
/* Byte cursors: every read past the end fails and leaves the cursor alone;
 * the write buffer's cap and length prefixes hold. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tls/buf.h"

static void test_read_bounds(void **state)
{
	(void)state;
	const uint8_t d[] = { 0x01, 0x02, 0x03, 0x04, 0x05 };
	struct cp_rbuf b;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	cp_rbuf_init(&b, d, sizeof d);
	assert_int_equal(cp_rbuf_u16(&b, &u16), 0);
	assert_int_equal(u16, 0x0102);
	assert_int_equal(cp_rbuf_u24(&b, &u32), 0);
	assert_int_equal(u32, 0x030405);
	assert_int_equal(cp_rbuf_left(&b), 0);
	assert_int_equal(cp_rbuf_u8(&b, &u8), -1);

	cp_rbuf_init(&b, d, 3);
	assert_int_equal(cp_rbuf_u32(&b, &u32), -1);
	assert_int_equal(b.off, 0);
	assert_int_equal(cp_rbuf_skip(&b, 4), -1);
	assert_int_equal(cp_rbuf_skip(&b, 3), 0);

	cp_rbuf_init(&b, NULL, 10);
	assert_int_equal(cp_rbuf_left(&b), 0);
}

static void test_read_vec(void **state)
{
	(void)state;
	/* 2-byte length 3, then 3 bytes, then a trailing byte */
	const uint8_t d[] = { 0x00, 0x03, 0xAA, 0xBB, 0xCC, 0xDD };
	struct cp_rbuf b, c;
	uint8_t u8;

	cp_rbuf_init(&b, d, sizeof d);
	assert_int_equal(cp_rbuf_vec(&b, 2, &c), 0);
	assert_int_equal(cp_rbuf_left(&c), 3);
	assert_int_equal(cp_rbuf_u8(&c, &u8), 0);
	assert_int_equal(u8, 0xAA);
	assert_int_equal(cp_rbuf_left(&b), 1);

	/* a length that runs past the buffer fails and does not move */
	const uint8_t bad[] = { 0x00, 0x09, 0xAA };
	cp_rbuf_init(&b, bad, sizeof bad);
	assert_int_equal(cp_rbuf_vec(&b, 2, &c), -1);
	assert_int_equal(b.off, 0);
	assert_int_equal(cp_rbuf_vec(&b, 4, &c), -1);
}

static void test_write_blocks(void **state)
{
	(void)state;
	struct cp_wbuf w;
	cp_wbuf_init(&w, 64);
	size_t m = cp_wbuf_open(&w, 2);
	cp_wbuf_u8(&w, 7);
	cp_wbuf_u24(&w, 0x010203);
	cp_wbuf_close(&w, m, 2);
	assert_false(cp_wbuf_failed(&w));
	const uint8_t want[] = { 0x00, 0x04, 0x07, 0x01, 0x02, 0x03 };
	assert_int_equal(w.len, sizeof want);
	assert_memory_equal(w.data, want, sizeof want);
	cp_wbuf_patch_u16(&w, 0, 0xBEEF);
	assert_int_equal(w.data[0], 0xBE);
	cp_wbuf_free(&w);
}

static void test_write_caps(void **state)
{
	(void)state;
	struct cp_wbuf w;
	cp_wbuf_init(&w, 4);
	cp_wbuf_u16(&w, 1);
	cp_wbuf_u16(&w, 2);
	assert_false(cp_wbuf_failed(&w));
	cp_wbuf_u8(&w, 3);
	assert_true(cp_wbuf_failed(&w));
	assert_int_equal(w.state, CP_ETOOBIG);
	assert_int_equal(w.len, 4);
	cp_wbuf_free(&w);

	/* a 1-byte length cannot hold 256 bytes */
	cp_wbuf_init(&w, 1024);
	size_t m = cp_wbuf_open(&w, 1);
	cp_wbuf_zeros(&w, 256);
	cp_wbuf_close(&w, m, 1);
	assert_int_equal(w.state, CP_EOVERFLOW);
	cp_wbuf_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_bounds),
		cmocka_unit_test(test_read_vec),
		cmocka_unit_test(test_write_blocks),
		cmocka_unit_test(test_write_caps),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
