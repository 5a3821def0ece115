/* SPDX-License-Identifier: MIT */
/*
 * Bounds-checked byte cursors for wire code.
 *
 * cp_rbuf reads from a borrowed buffer: every fetch checks the remaining
 * length first and fails (returns -1, cursor unchanged) instead of reading
 * past the end.  cp_rbuf_sub() carves a child cursor for a length-prefixed
 * field, so a parser can never wander outside the field it is parsing.
 *
 * cp_wbuf writes into a growing heap buffer with a hard cap (like curl's
 * dynbuf "toobig"): once a write would pass the cap or an allocation fails,
 * the buffer is marked failed and every later write is a no-op, so encoders
 * can write a whole message and check cp_wbuf_failed() once at the end.
 */
#ifndef CP_TLS_BUF_H
#define CP_TLS_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct cp_rbuf {
	const uint8_t *p;
	size_t len;
	size_t off;
};

void cp_rbuf_init(struct cp_rbuf *b, const uint8_t *p, size_t len);
size_t cp_rbuf_left(const struct cp_rbuf *b);
const uint8_t *cp_rbuf_ptr(const struct cp_rbuf *b);
int cp_rbuf_u8(struct cp_rbuf *b, uint8_t *v);
int cp_rbuf_u16(struct cp_rbuf *b, uint16_t *v);
int cp_rbuf_u24(struct cp_rbuf *b, uint32_t *v);
int cp_rbuf_u32(struct cp_rbuf *b, uint32_t *v);
int cp_rbuf_bytes(struct cp_rbuf *b, uint8_t *out, size_t n);
int cp_rbuf_skip(struct cp_rbuf *b, size_t n);
/* Child cursor over the next n bytes; the parent advances past them. */
int cp_rbuf_sub(struct cp_rbuf *b, size_t n, struct cp_rbuf *child);
/* Child cursor over a field prefixed by a 1-, 2- or 3-byte length. */
int cp_rbuf_vec(struct cp_rbuf *b, unsigned width, struct cp_rbuf *child);

struct cp_wbuf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;
	enum cp_status state; /* CP_OK, CP_ETOOBIG, CP_ENOMEM or CP_EOVERFLOW */
};

/* max is the hard cap on len; the buffer starts empty with no allocation. */
void cp_wbuf_init(struct cp_wbuf *b, size_t max);
void cp_wbuf_free(struct cp_wbuf *b);
void cp_wbuf_reset(struct cp_wbuf *b);
int cp_wbuf_failed(const struct cp_wbuf *b);
void cp_wbuf_u8(struct cp_wbuf *b, uint8_t v);
void cp_wbuf_u16(struct cp_wbuf *b, uint16_t v);
void cp_wbuf_u24(struct cp_wbuf *b, uint32_t v);
void cp_wbuf_bytes(struct cp_wbuf *b, const void *p, size_t n);
void cp_wbuf_zeros(struct cp_wbuf *b, size_t n);
/*
 * Length-prefixed blocks: cp_wbuf_open() writes a placeholder of width
 * bytes (1, 2 or 3) and returns a mark; cp_wbuf_close() patches the length
 * of everything written since.  A block longer than its width can express
 * sets CP_EOVERFLOW.
 */
size_t cp_wbuf_open(struct cp_wbuf *b, unsigned width);
void cp_wbuf_close(struct cp_wbuf *b, size_t mark, unsigned width);
/* Overwrite a big-endian 16-bit value at an absolute offset already written. */
void cp_wbuf_patch_u16(struct cp_wbuf *b, size_t at, uint16_t v);

#endif
