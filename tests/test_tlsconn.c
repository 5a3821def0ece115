/* SPDX-License-Identifier: MIT */
/*
 * net/tlsconn: a real OpenSSL client handshake on the event loop, bounded
 * as a whole by one deadline.  Peers are on 127.0.0.1 in this process: a
 * listener nobody accepts on (the server that never speaks), one that
 * drips a record header a byte at a time on the same loop (every read
 * makes progress, the handshake never does), a port nobody listens on,
 * and a peer that answers in HTTP (a TLS failure with a reason).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/ssl.h>

#include "net/loop.h"
#include "net/tlsconn.h"

/* A listener on 127.0.0.1, ephemeral port; fills *sa. */
static int listen_lo(struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)sa, sizeof *sa), 0);
	socklen_t len = sizeof *sa;
	assert_int_equal(getsockname(fd, (struct sockaddr *)sa, &len), 0);
	assert_int_equal(listen(fd, 16), 0);
	return fd;
}

static SSL_CTX *client_ctx(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	assert_non_null(ctx);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

struct got {
	int n;
	enum cp_tlsconn_outcome outcome;
	bool connected;
	uint64_t elapsed;
	char reason[320];
	struct cp_loop *l;
};

static void on_done(void *data, const struct cp_tlsconn_report *rep)
{
	struct got *g = data;
	g->n++;
	g->outcome = rep->outcome;
	g->connected = rep->connected;
	g->elapsed = rep->elapsed_ms;
	snprintf(g->reason, sizeof g->reason, "%s", rep->reason);
	cp_loop_stop(g->l);
}

/* The server accepts TCP (the kernel does) and never says a word. */
static void test_silent_deadline(void **state)
{
	(void)state;
	struct sockaddr_in sa;
	int lfd = listen_lo(&sa);
	struct cp_loop *l = cp_loop_new();
	SSL_CTX *ctx = client_ctx();
	struct got g = { .l = l };
	struct cp_tlsconn_req req = {
		.addr = (struct sockaddr *)&sa,
		.addrlen = sizeof sa,
		.ctx = ctx,
		.sni = "silent.test",
		.timeout_ms = 300,
	};
	assert_non_null(cp_tlsconn_start(l, &req, on_done, &g));
	assert_int_equal(g.n, 0); /* never from inside start */
	assert_int_equal(cp_loop_run(l), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.outcome, CP_TLSCONN_TIMEOUT);
	assert_true(g.connected);
	assert_true(g.elapsed >= 300 && g.elapsed < 1000);
	assert_non_null(strstr(g.reason, "sent nothing"));
	SSL_CTX_free(ctx);
	cp_loop_free(l);
	close(lfd);
}

/* A server on the same loop that drips one byte every 20 ms forever. */
struct drip {
	struct cp_loop *l;
	int lfd, fd;
	uint64_t timer;
	size_t sent;
};

static void drip_tick(struct cp_loop *l, void *data)
{
	struct drip *d = data;
	/* a handshake record header announcing 16 KiB, then filler */
	static const uint8_t head[] = { 0x16, 0x03, 0x03, 0x40, 0x00, 0x02 };
	uint8_t b = d->sent < sizeof head ? head[d->sent] : 0x00;
	d->timer = 0;
	if (send(d->fd, &b, 1, MSG_NOSIGNAL) == 1)
		d->sent++;
	d->timer = cp_loop_timer_add(l, 20, drip_tick, d);
}

static void drip_accept(struct cp_loop *l, int fd, unsigned ev, void *data)
{
	struct drip *d = data;
	(void)ev;
	d->fd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (d->fd < 0)
		return;
	cp_loop_unwatch(l, fd);
	d->timer = cp_loop_timer_add(l, 20, drip_tick, d);
}

static void test_drip_deadline(void **state)
{
	(void)state;
	struct sockaddr_in sa;
	struct drip d = { .fd = -1 };
	d.lfd = listen_lo(&sa);
	struct cp_loop *l = cp_loop_new();
	d.l = l;
	SSL_CTX *ctx = client_ctx();
	struct got g = { .l = l };
	struct cp_tlsconn_req req = {
		.addr = (struct sockaddr *)&sa,
		.addrlen = sizeof sa,
		.ctx = ctx,
		.timeout_ms = 400,
	};
	assert_int_equal(cp_loop_watch(l, d.lfd, CP_EV_READ, drip_accept, &d), 0);
	assert_non_null(cp_tlsconn_start(l, &req, on_done, &g));
	while (g.n == 0)
		assert_true(cp_loop_run_once(l, 100) >= 0);
	assert_int_equal(g.outcome, CP_TLSCONN_TIMEOUT);
	assert_true(g.elapsed >= 400 && g.elapsed < 1200);
	assert_true(d.sent >= 5); /* every read made progress */
	assert_non_null(strstr(g.reason, "stalled after"));
	if (d.timer)
		cp_loop_timer_cancel(l, d.timer);
	SSL_CTX_free(ctx);
	cp_loop_free(l);
	close(d.fd);
	close(d.lfd);
}

/* Nobody listens: refused, reported from the loop. */
static void test_refused(void **state)
{
	(void)state;
	struct sockaddr_in sa;
	int lfd = listen_lo(&sa);
	close(lfd);
	struct cp_loop *l = cp_loop_new();
	SSL_CTX *ctx = client_ctx();
	struct got g = { .l = l };
	struct cp_tlsconn_req req = {
		.addr = (struct sockaddr *)&sa,
		.addrlen = sizeof sa,
		.ctx = ctx,
		.timeout_ms = 1000,
	};
	assert_non_null(cp_tlsconn_start(l, &req, on_done, &g));
	assert_int_equal(g.n, 0);
	assert_int_equal(cp_loop_run(l), 0);
	assert_int_equal(g.outcome, CP_TLSCONN_REFUSED);
	assert_false(g.connected);
	SSL_CTX_free(ctx);
	cp_loop_free(l);
}

/* A peer that sends garbage: a TLS failure with OpenSSL's reason. */
static void garbage_accept(struct cp_loop *l, int fd, unsigned ev, void *data)
{
	int *cfd = data;
	(void)ev;
	*cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (*cfd >= 0) {
		static const char http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
		(void)!send(*cfd, http, sizeof http - 1, MSG_NOSIGNAL);
	}
	cp_loop_unwatch(l, fd);
}

static void test_not_tls(void **state)
{
	(void)state;
	struct sockaddr_in sa;
	int cfd = -1, lfd = listen_lo(&sa);
	struct cp_loop *l = cp_loop_new();
	SSL_CTX *ctx = client_ctx();
	struct got g = { .l = l };
	struct cp_tlsconn_req req = {
		.addr = (struct sockaddr *)&sa,
		.addrlen = sizeof sa,
		.ctx = ctx,
		.timeout_ms = 2000,
	};
	assert_int_equal(cp_loop_watch(l, lfd, CP_EV_READ, garbage_accept, &cfd), 0);
	assert_non_null(cp_tlsconn_start(l, &req, on_done, &g));
	while (g.n == 0)
		assert_true(cp_loop_run_once(l, 100) >= 0);
	assert_int_equal(g.outcome, CP_TLSCONN_FAILED);
	assert_non_null(strstr(g.reason, "handshake failed"));
	SSL_CTX_free(ctx);
	cp_loop_free(l);
	close(cfd);
	close(lfd);
}

/* The batch: three silent handshakes to one server, per_host 1: one at a
 * time, each reported once, the whole run about three deadlines. */
struct tally {
	int seen[3];
	int n;
};

static void on_batch(void *data, size_t i, const struct cp_tlsconn_report *rep)
{
	struct tally *t = data;
	assert_true(i < 3);
	assert_int_equal(rep->outcome, CP_TLSCONN_TIMEOUT);
	t->seen[i]++;
	t->n++;
}

static void test_batch(void **state)
{
	(void)state;
	struct sockaddr_in sa;
	int lfd = listen_lo(&sa);
	SSL_CTX *ctx = client_ctx();
	struct cp_tlsconn_req req = {
		.addr = (struct sockaddr *)&sa,
		.addrlen = sizeof sa,
		.ctx = ctx,
		.timeout_ms = 150,
	};
	struct cp_tlsconn_req reqs[3] = { req, req, req };
	struct tally t = { { 0 }, 0 };
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(cp_tlsconn_run_all(reqs, 3, 8, 1, on_batch, &t), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_int_equal(t.n, 3);
	assert_int_equal(t.seen[0] + t.seen[1] + t.seen[2], 3);
	assert_true(t.seen[0] == 1 && t.seen[1] == 1 && t.seen[2] == 1);
	/* per_host 1: one after another, so at least 3 deadlines, less the
	 * millisecond the loop's clock can lose to truncation at each; the
	 * upper bound only catches a hang (a loaded CI machine is slow) */
	if (ms < 3 * 150 - 3 || ms >= 30000)
		fail_msg("3 sequential 150 ms deadlines took %ld ms", ms);
	assert_int_equal(cp_tlsconn_run_all(reqs, 0, 8, 1, on_batch, &t), 0);
	SSL_CTX_free(ctx);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_silent_deadline), cmocka_unit_test(test_drip_deadline),
		cmocka_unit_test(test_refused),         cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
