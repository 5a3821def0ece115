/* SPDX-License-Identifier: MIT */
/*
 * One real TLS client handshake (OpenSSL) on the event loop: a
 * non-blocking TCP connect, then SSL_connect driven by the loop, its
 * SSL_ERROR_WANT_READ / WANT_WRITE mapped to the fd's event mask.
 *
 * One deadline bounds the whole handshake, connect and every read and
 * write included: a server that answers the ClientHello and then stalls,
 * or trickles a byte now and then, is cut off at timeout_ms after start,
 * not at timeout_ms after its last byte.
 *
 * The caller owns the SSL_CTX (suites, versions, groups, verification):
 * this module only moves bytes.  The connection reports exactly once
 * through its callback, from the loop (never from inside
 * cp_tlsconn_start), and then frees itself.  Nothing here prints; a
 * failure comes with a sentence in the report.
 *
 * OpenSSL's thread error queue is cleared before each SSL_connect step
 * (SSL_get_error needs an empty queue) and after the report.
 */
#ifndef CP_NET_TLSCONN_H
#define CP_NET_TLSCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#include "net/loop.h"

/* How a handshake ended: an outcome classification, not a status
 * (status.h).  Each value is a fact about the server or the path
 * (refused, unreachable, timed out, closed, TLS refused) that the result's
 * error kind and the verdict's wording are built on, so it stays its own
 * type. */
enum cp_tlsconn_outcome {
	CP_TLSCONN_OK = 0,      /* the handshake completed */
	CP_TLSCONN_REFUSED,     /* ECONNREFUSED */
	CP_TLSCONN_UNREACHABLE, /* other connect errors */
	CP_TLSCONN_TIMEOUT,     /* the deadline passed (connect or handshake) */
	CP_TLSCONN_CLOSED,      /* the peer closed or reset mid-handshake */
	CP_TLSCONN_FAILED,      /* TLS failure: an alert, or OpenSSL refused what came */
	CP_TLSCONN_INTERNAL,    /* no memory, no descriptors */
};
const char *cp_tlsconn_outcome_name(enum cp_tlsconn_outcome o);

struct cp_tlsconn_req {
	const struct sockaddr *addr; /* port set */
	socklen_t addrlen;
	SSL_CTX *ctx;    /* borrowed: must outlive the connection */
	const char *sni; /* server_name to send, NULL for none (copied) */
	int min_version; /* TLS1_VERSION..TLS1_3_VERSION for this SSL, 0: the ctx's */
	int max_version;
	unsigned timeout_ms; /* the whole handshake, from start; 0 means 1 */
	/* Optional: adjust the fresh SSL (suites, groups) before any I/O,
	 * called from cp_tlsconn_start; return 0 to refuse (EINVAL). */
	int (*setup)(SSL *ssl, void *arg);
	void *setup_arg;
};

struct cp_tlsconn_report {
	enum cp_tlsconn_outcome outcome;
	int sys_errno;      /* connect and socket errors, else 0 */
	const char *reason; /* one sentence, never NULL; valid during the callback */
	/*
	 * The connection's SSL, valid during the callback only: negotiated
	 * version and suite on OK; on a failure after some of the handshake
	 * (FAILED, CLOSED, TIMEOUT) what arrived so far, e.g. the peer's
	 * certificate chain.  NULL when no TLS was attempted (connect failed).
	 */
	SSL *ssl;
	bool connected; /* the TCP connection was made */
	uint64_t elapsed_ms;
};

typedef void (*cp_tlsconn_fn)(void *data, const struct cp_tlsconn_report *rep);

struct cp_tlsconn;

/*
 * Start a handshake.  Returns NULL with errno set when it cannot start (no
 * memory, no socket): the callback is then never called.  Otherwise the
 * callback runs exactly once, later, from the loop.
 */
struct cp_tlsconn *cp_tlsconn_start(struct cp_loop *l, const struct cp_tlsconn_req *req,
				    cp_tlsconn_fn fn, void *data);
/* Abandon a handshake: closes it without calling the callback. */
void cp_tlsconn_cancel(struct cp_tlsconn *t);

/*
 * Batch: run n handshakes on a private loop, at most `concurrency` at once
 * and at most `per_host` at once to one address and port (0 means 1), and
 * call fn(data, i, report) for each, in completion order.  A handshake that
 * cannot start is reported as CP_TLSCONN_INTERNAL.  Blocks until all are
 * reported; the whole run takes at most about ceil(n / parallelism) deadlines.
 * Returns 0, or -1 with errno when the loop itself cannot run.
 */
typedef void (*cp_tlsconn_batch_fn)(void *data, size_t i, const struct cp_tlsconn_report *rep);
int cp_tlsconn_run_all(const struct cp_tlsconn_req *reqs, size_t n, unsigned concurrency,
		       unsigned per_host, cp_tlsconn_batch_fn fn, void *data);

#endif
