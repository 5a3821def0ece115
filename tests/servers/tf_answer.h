/* SPDX-License-Identifier: MIT */
/*
 * What tlsfake says back: the negotiation (a pure decision from the
 * listener's configuration and the parsed hello) and the bytes that carry
 * it, for every behaviour.  No sockets here; tlsfake.c sends r->out, then
 * does r->after.
 */
#ifndef TF_ANSWER_H
#define TF_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "tf_buf.h"
#include "tf_config.h"
#include "tf_hello.h"
#include "tf_keys.h"

/* Cap on one reply: bytes= is capped well below it. */
#define TF_REPLY_MAX (TF_BYTES_MAX + 64u * 1024u)

enum tf_after {
	TF_AFTER_WAIT,     /* keep the connection; discard input */
	TF_AFTER_SHUTDOWN, /* half-close, then drain until EOF */
	TF_AFTER_RESET,    /* SO_LINGER 0 and close: RST */
	TF_AFTER_HELLO2    /* HRR sent: read a second ClientHello */
};

/* What one connection remembers between its two hellos (HRR). */
struct tf_session {
	int hrr_sent;
	uint16_t hrr_group;
	uint16_t hrr_suite;
	int ccs_sent;
};

struct tf_reply {
	struct tf_wr out;
	enum tf_after after;
	unsigned pace_ms;  /* 0: send at once; else one byte per pace */
	size_t pace_after; /* bytes sent at once before the pacing starts */
	char note[160];    /* one-line summary for -v */
};

void tf_reply_init(struct tf_reply *r);
void tf_reply_free(struct tf_reply *r);

/*
 * Builds the answer to a hello.  h is NULL when intake failed; then alert
 * is what the intake asked for (0: none).  Returns 0, or -1 when memory or
 * key generation failed (the caller then just closes).
 */
int tf_answer(const struct tf_cfg *c, struct tf_keys *k, const struct tf_hello *h, uint8_t alert,
	      struct tf_session *s, struct tf_reply *r);

#endif
