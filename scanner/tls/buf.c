/* SPDX-License-Identifier: MIT */
/* Bounds-checked cursors; see buf.h for the contract. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tls/buf.h"

void cp_rbuf_init(struct cp_rbuf *b, const uint8_t *p, size_t len)
{
	b->p = p;
	b->len = p ? len : 0;
	b->off = 0;
}

size_t cp_rbuf_left(const struct cp_rbuf *b)
{
	return b->len - b->off;
}

const uint8_t *cp_rbuf_ptr(const struct cp_rbuf *b)
{
	return b->p ? b->p + b->off : NULL;
}

static uint32_t be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static int fetch(struct cp_rbuf *b, size_t n, uint32_t *v)
{
	if (cp_rbuf_left(b) < n)
		return -1;
	*v = be(b->p + b->off, n);
	b->off += n;
	return 0;
}

int cp_rbuf_u8(struct cp_rbuf *b, uint8_t *v)
{
	uint32_t t;
	if (fetch(b, 1, &t))
		return -1;
	*v = (uint8_t)t;
	return 0;
}

int cp_rbuf_u16(struct cp_rbuf *b, uint16_t *v)
{
	uint32_t t;
	if (fetch(b, 2, &t))
		return -1;
	*v = (uint16_t)t;
	return 0;
}

int cp_rbuf_u24(struct cp_rbuf *b, uint32_t *v)
{
	return fetch(b, 3, v);
}

int cp_rbuf_u32(struct cp_rbuf *b, uint32_t *v)
{
	return fetch(b, 4, v);
}

int cp_rbuf_bytes(struct cp_rbuf *b, uint8_t *out, size_t n)
{
	if (cp_rbuf_left(b) < n)
		return -1;
	if (n)
		memcpy(out, b->p + b->off, n);
	b->off += n;
	return 0;
}

int cp_rbuf_skip(struct cp_rbuf *b, size_t n)
{
	if (cp_rbuf_left(b) < n)
		return -1;
	b->off += n;
	return 0;
}

int cp_rbuf_sub(struct cp_rbuf *b, size_t n, struct cp_rbuf *child)
{
	if (cp_rbuf_left(b) < n)
		return -1;
	cp_rbuf_init(child, b->p + b->off, n);
	b->off += n;
	return 0;
}

int cp_rbuf_vec(struct cp_rbuf *b, unsigned width, struct cp_rbuf *child)
{
	uint32_t n;
	size_t save = b->off;

	if (width < 1 || width > 3 || fetch(b, width, &n))
		return -1;
	if (cp_rbuf_sub(b, n, child)) {
		b->off = save;
		return -1;
	}
	return 0;
}

void cp_wbuf_init(struct cp_wbuf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->state = CP_OK;
}

void cp_wbuf_free(struct cp_wbuf *b)
{
	free(b->data);
	cp_wbuf_init(b, b->max);
}

void cp_wbuf_reset(struct cp_wbuf *b)
{
	b->len = 0;
	b->state = CP_OK;
}

int cp_wbuf_failed(const struct cp_wbuf *b)
{
	return b->state != CP_OK;
}

/* Make room for n more bytes; returns a pointer to them or NULL (and fails). */
static uint8_t *reserve(struct cp_wbuf *b, size_t n)
{
	if (b->state != CP_OK)
		return NULL;
	if (n > b->max || b->len > b->max - n) {
		b->state = CP_ETOOBIG;
		return NULL;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		if (cap > b->max)
			cap = b->max;
		uint8_t *p = realloc(b->data, cap);
		if (!p) {
			b->state = CP_ENOMEM;
			return NULL;
		}
		b->data = p;
		b->cap = cap;
	}
	if (n == 0)
		return NULL; /* nothing to write; b->data may still be NULL */
	uint8_t *at = b->data + b->len;
	b->len += n;
	return at;
}

static void put_be(struct cp_wbuf *b, uint32_t v, size_t n)
{
	uint8_t *p = reserve(b, n);
	if (!p)
		return;
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

void cp_wbuf_u8(struct cp_wbuf *b, uint8_t v)
{
	put_be(b, v, 1);
}

void cp_wbuf_u16(struct cp_wbuf *b, uint16_t v)
{
	put_be(b, v, 2);
}

void cp_wbuf_u24(struct cp_wbuf *b, uint32_t v)
{
	put_be(b, v, 3);
}

void cp_wbuf_bytes(struct cp_wbuf *b, const void *p, size_t n)
{
	uint8_t *at = reserve(b, n);
	if (at && n)
		memcpy(at, p, n);
}

void cp_wbuf_zeros(struct cp_wbuf *b, size_t n)
{
	uint8_t *at = reserve(b, n);
	if (at && n)
		memset(at, 0, n);
}

size_t cp_wbuf_open(struct cp_wbuf *b, unsigned width)
{
	size_t mark = b->len;
	put_be(b, 0, width);
	return mark;
}

void cp_wbuf_close(struct cp_wbuf *b, size_t mark, unsigned width)
{
	if (b->state != CP_OK)
		return;
	size_t n = b->len - mark - width;
	if (width < 3 && n >> (8 * width)) {
		b->state = CP_EOVERFLOW;
		return;
	}
	if (width == 3 && n > 0xFFFFFF) {
		b->state = CP_EOVERFLOW;
		return;
	}
	for (unsigned i = 0; i < width; i++)
		b->data[mark + i] = (uint8_t)(n >> (8 * (width - 1 - i)));
}

void cp_wbuf_patch_u16(struct cp_wbuf *b, size_t at, uint16_t v)
{
	if (b->state != CP_OK || at + 2 > b->len)
		return;
	b->data[at] = (uint8_t)(v >> 8);
	b->data[at + 1] = (uint8_t)v;
}
