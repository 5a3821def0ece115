/* SPDX-License-Identifier: MIT */
/* Bounds-checked cursors; the contract is in tf_buf.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tf_buf.h"

void tf_rd_init(struct tf_rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->off = 0;
}

size_t tf_rd_left(const struct tf_rd *r)
{
	return r->len - r->off;
}

const uint8_t *tf_rd_ptr(const struct tf_rd *r)
{
	return r->p ? r->p + r->off : NULL;
}

static int fetch_be(struct tf_rd *r, size_t n, uint32_t *v)
{
	uint32_t x = 0;

	if (tf_rd_left(r) < n)
		return -1;
	for (size_t i = 0; i < n; i++)
		x = (x << 8) | r->p[r->off + i];
	r->off += n;
	*v = x;
	return 0;
}

int tf_rd_u8(struct tf_rd *r, uint8_t *v)
{
	uint32_t x;

	if (fetch_be(r, 1, &x))
		return -1;
	*v = (uint8_t)x;
	return 0;
}

int tf_rd_u16(struct tf_rd *r, uint16_t *v)
{
	uint32_t x;

	if (fetch_be(r, 2, &x))
		return -1;
	*v = (uint16_t)x;
	return 0;
}

int tf_rd_u24(struct tf_rd *r, uint32_t *v)
{
	return fetch_be(r, 3, v);
}

int tf_rd_skip(struct tf_rd *r, size_t n)
{
	if (tf_rd_left(r) < n)
		return -1;
	r->off += n;
	return 0;
}

int tf_rd_copy(struct tf_rd *r, uint8_t *out, size_t n)
{
	if (tf_rd_left(r) < n)
		return -1;
	if (n)
		memcpy(out, r->p + r->off, n);
	r->off += n;
	return 0;
}

int tf_rd_sub(struct tf_rd *r, size_t n, struct tf_rd *child)
{
	if (tf_rd_left(r) < n)
		return -1;
	tf_rd_init(child, r->p + r->off, n);
	r->off += n;
	return 0;
}

int tf_rd_vec(struct tf_rd *r, unsigned width, struct tf_rd *child)
{
	size_t save = r->off;
	uint32_t n;

	if (width < 1 || width > 3 || fetch_be(r, width, &n))
		return -1;
	if (tf_rd_sub(r, n, child)) {
		r->off = save;
		return -1;
	}
	return 0;
}

void tf_wr_init(struct tf_wr *w, size_t max)
{
	w->data = NULL;
	w->len = 0;
	w->cap = 0;
	w->max = max;
	w->bad = 0;
}

void tf_wr_free(struct tf_wr *w)
{
	free(w->data);
	tf_wr_init(w, w->max);
}

/* Makes room for n more bytes; returns the write position or NULL. */
static uint8_t *room(struct tf_wr *w, size_t n)
{
	if (w->bad)
		return NULL;
	if (n > w->max || w->len > w->max - n) {
		w->bad = 1;
		return NULL;
	}
	if (w->len + n > w->cap) {
		size_t ncap = w->cap ? w->cap : 256;
		uint8_t *nd;

		while (ncap < w->len + n)
			ncap = ncap > w->max / 2 ? w->max : ncap * 2;
		nd = realloc(w->data, ncap);
		if (!nd) {
			w->bad = 1;
			return NULL;
		}
		w->data = nd;
		w->cap = ncap;
	}
	return w->data + w->len;
}

static void put_be(struct tf_wr *w, uint32_t v, unsigned n)
{
	uint8_t *p = room(w, n);

	if (!p)
		return;
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	w->len += n;
}

void tf_wr_u8(struct tf_wr *w, unsigned v)
{
	put_be(w, v & 0xffu, 1);
}

void tf_wr_u16(struct tf_wr *w, unsigned v)
{
	put_be(w, v & 0xffffu, 2);
}

void tf_wr_u24(struct tf_wr *w, uint32_t v)
{
	put_be(w, v & 0xffffffu, 3);
}

void tf_wr_bytes(struct tf_wr *w, const void *p, size_t n)
{
	uint8_t *d;

	if (n == 0)
		return;
	d = room(w, n);
	if (!d)
		return;
	memcpy(d, p, n);
	w->len += n;
}

size_t tf_wr_open(struct tf_wr *w, unsigned width)
{
	size_t mark = w->len;

	put_be(w, 0, width);
	return mark;
}

void tf_wr_close(struct tf_wr *w, size_t mark, unsigned width)
{
	size_t n;

	if (w->bad || mark + width > w->len)
		return;
	n = w->len - mark - width;
	if (width < 3 && n >> (8 * width)) {
		w->bad = 1;
		return;
	}
	if (width == 3 && n > 0xffffffu) {
		w->bad = 1;
		return;
	}
	for (unsigned i = 0; i < width; i++)
		w->data[mark + i] = (uint8_t)(n >> (8 * (width - 1 - i)));
}

void tf_wr_consume(struct tf_wr *w, size_t n)
{
	if (n >= w->len) {
		w->len = 0;
		return;
	}
	memmove(w->data, w->data + n, w->len - n);
	w->len -= n;
}
