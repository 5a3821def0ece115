/* SPDX-License-Identifier: MIT */
/*
 * One probe connection: a non-blocking TCP connect, one ClientHello sent,
 * and the server's answer fed to a cp_wire decoder until it knows enough,
 * the peer closes, or the deadline passes.
 *
 * The connection reports exactly once through its callback and then frees
 * itself; the callback must not use the cp_conn pointer afterwards.
 * Nothing here prints.
 */
#ifndef CP_NET_CONN_H
#define CP_NET_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net/loop.h"
#include "tls/wire.h"

enum cp_conn_outcome {
	CP_CONN_ANSWER = 0,      /* the decoder reached DONE */
	CP_CONN_REFUSED,         /* ECONNREFUSED */
	CP_CONN_UNREACHABLE,     /* other connect errors (no route, ...) */
	CP_CONN_CONNECT_TIMEOUT, /* no TCP connection before the connect deadline */
	CP_CONN_TIMEOUT,         /* connected, but no full answer before the deadline */
	CP_CONN_EOF,             /* the peer closed before a full answer */
	CP_CONN_RESET,           /* ECONNRESET / EPIPE */
	CP_CONN_PROTOCOL,        /* the decoder rejected what the peer sent */
	CP_CONN_INTERNAL,        /* no memory, no descriptors */
};
const char *cp_conn_outcome_name(enum cp_conn_outcome o);

struct cp_conn_req {
	const struct sockaddr *addr;
	socklen_t addrlen;
	const uint8_t *hello; /* bytes to send; copied */
	size_t hello_len;
	unsigned want; /* cp_wire want mask */
	unsigned connect_timeout_ms;
	unsigned timeout_ms; /* from hello sent to a full answer */
};

struct cp_conn_report {
	enum cp_conn_outcome outcome;
	int sys_errno;                     /* for connect/reset failures */
	int wire_status;                   /* decoder status (negative on PROTOCOL) */
	const struct cp_wire_result *wire; /* valid during the callback only */
	size_t bytes_in;
	uint64_t elapsed_ms;
	int sent; /* the hello went out (fully) */
};

typedef void (*cp_conn_fn)(void *data, const struct cp_conn_report *rep);

struct cp_conn;

/*
 * Start a probe.  Returns NULL (errno set) when no socket can be made; the
 * callback is then never called.  Otherwise the callback runs later, from
 * the loop, never from inside this call.
 */
struct cp_conn *cp_conn_start(struct cp_loop *l, const struct cp_conn_req *req, cp_conn_fn fn,
			      void *data);
/* Abandon a probe: closes it without calling the callback. */
void cp_conn_cancel(struct cp_conn *c);

/*
 * A connection opened ahead of its hello (a chain's next probe, while the
 * current one waits for its answer), so that a probe costs one round trip
 * instead of two.  cp_conn_open starts the TCP connect and reports nothing;
 * cp_conn_send later gives it the hello (sent at once, or as soon as the
 * connect completes) and from then on it behaves as cp_conn_start's.  A
 * pre-opened connection that failed or was closed by the peer while idle
 * is refused by cp_conn_send (-1): cancel it and start a fresh one.
 */
struct cp_conn *cp_conn_open(struct cp_loop *l, const struct sockaddr *addr, socklen_t addrlen,
			     unsigned connect_timeout_ms);
int cp_conn_send(struct cp_conn *c, const struct cp_conn_req *req, cp_conn_fn fn, void *data);

#endif
