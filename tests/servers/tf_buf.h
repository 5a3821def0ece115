/* SPDX-License-Identifier: MIT */
/*
 * tlsfake's own byte cursors.  tlsfake is an independent peer for the
 * scanner's tests, so it shares no code with libcipherprobe: a bug in the
 * scanner's cursor must not be mirrored here and cancel itself out.
 *
 * tf_rd reads a borrowed buffer; every fetch checks the bytes left first and
 * fails (-1, cursor unchanged) rather than read past the end.  tf_rd_vec()
 * carves a child cursor over a length-prefixed field, so a parser cannot
 * leave the field it is in.
 *
 * tf_wr appends to a heap buffer with a hard cap.  Once a write would pass
 * the cap or malloc fails the buffer is marked bad and later writes do
 * nothing, so a message is written whole and checked once.
 */
#ifndef TF_BUF_H
#define TF_BUF_H

#include <stddef.h>
#include <stdint.h>

struct tf_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
};

void tf_rd_init(struct tf_rd *r, const uint8_t *p, size_t len);
size_t tf_rd_left(const struct tf_rd *r);
const uint8_t *tf_rd_ptr(const struct tf_rd *r);
int tf_rd_u8(struct tf_rd *r, uint8_t *v);
int tf_rd_u16(struct tf_rd *r, uint16_t *v);
int tf_rd_u24(struct tf_rd *r, uint32_t *v);
int tf_rd_skip(struct tf_rd *r, size_t n);
int tf_rd_copy(struct tf_rd *r, uint8_t *out, size_t n);
/* Child cursor over the next n bytes; the parent moves past them. */
int tf_rd_sub(struct tf_rd *r, size_t n, struct tf_rd *child);
/* Child cursor over a field with a 1-, 2- or 3-byte length prefix. */
int tf_rd_vec(struct tf_rd *r, unsigned width, struct tf_rd *child);

struct tf_wr {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;
	int bad;
};

/* max is the hard cap on len; nothing is allocated until the first write. */
void tf_wr_init(struct tf_wr *w, size_t max);
void tf_wr_free(struct tf_wr *w);
void tf_wr_u8(struct tf_wr *w, unsigned v);
void tf_wr_u16(struct tf_wr *w, unsigned v);
void tf_wr_u24(struct tf_wr *w, uint32_t v);
void tf_wr_bytes(struct tf_wr *w, const void *p, size_t n);
/* Opens a block with a width-byte length placeholder; returns its mark. */
size_t tf_wr_open(struct tf_wr *w, unsigned width);
/* Patches the length of everything written since tf_wr_open(). */
void tf_wr_close(struct tf_wr *w, size_t mark, unsigned width);
/* Drops the first n bytes (already sent). */
void tf_wr_consume(struct tf_wr *w, size_t n);

#endif
