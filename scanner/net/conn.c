/* SPDX-License-Identifier: MIT */
/* One probe connection; see conn.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/conn.h"

struct cp_conn {
	struct cp_loop *loop;
	int fd;
	uint8_t *hello;
	size_t hello_len;
	size_t sent;
	struct cp_wire *wire;
	unsigned timeout_ms;
	uint64_t timer;
	uint64_t started;
	int connected;
	size_t bytes_in;
	int early_errno;
	int dead;      /* pre-opened and failed while idle */
	cp_conn_fn fn; /* NULL while a pre-opened connection waits for its hello */
	void *data;
};

const char *cp_conn_outcome_name(enum cp_conn_outcome o)
{
	static const char *const names[] = {
		[CP_CONN_ANSWER] = "answer",
		[CP_CONN_REFUSED] = "refused",
		[CP_CONN_UNREACHABLE] = "unreachable",
		[CP_CONN_CONNECT_TIMEOUT] = "connect-timeout",
		[CP_CONN_TIMEOUT] = "timeout",
		[CP_CONN_EOF] = "eof",
		[CP_CONN_RESET] = "reset",
		[CP_CONN_PROTOCOL] = "protocol",
		[CP_CONN_INTERNAL] = "internal",
	};
	if ((unsigned)o < sizeof names / sizeof names[0])
		return names[o];
	return "unknown";
}

static void conn_close(struct cp_conn *c)
{
	if (c->timer)
		cp_loop_timer_cancel(c->loop, c->timer);
	if (c->fd >= 0) {
		cp_loop_unwatch(c->loop, c->fd);
		close(c->fd);
	}
	cp_wire_free(c->wire);
	free(c->hello);
	free(c);
}

/* Report once, then free: the callback may start new connections. */
static void finish(struct cp_conn *c, enum cp_conn_outcome o, int err, int wire_status)
{
	struct cp_conn_report rep = {
		.outcome = o,
		.sys_errno = err,
		.wire_status = wire_status,
		.wire = c->wire ? cp_wire_result(c->wire) : NULL,
		.bytes_in = c->bytes_in,
		.elapsed_ms = cp_loop_now(c->loop) - c->started,
		.sent = c->hello_len && c->sent == c->hello_len,
	};
	cp_conn_fn fn = c->fn;
	void *data = c->data;

	/* Close the socket before the callback so descriptors are recycled
	 * for the probes the callback starts; the decoder lives until after. */
	if (c->timer)
		cp_loop_timer_cancel(c->loop, c->timer);
	c->timer = 0;
	if (c->fd >= 0) {
		cp_loop_unwatch(c->loop, c->fd);
		close(c->fd);
		c->fd = -1;
	}
	fn(data, &rep);
	conn_close(c);
}

static enum cp_conn_outcome errno_outcome(int err)
{
	switch (err) {
	case ECONNREFUSED: return CP_CONN_REFUSED;
	case ECONNRESET:
	case EPIPE: return CP_CONN_RESET;
	case ETIMEDOUT: return CP_CONN_CONNECT_TIMEOUT;
	default: return CP_CONN_UNREACHABLE;
	}
}

/* A pre-opened connection failed before it had a hello: remember it. */
static void go_dead(struct cp_conn *c)
{
	c->dead = 1;
	if (c->timer)
		cp_loop_timer_cancel(c->loop, c->timer);
	c->timer = 0;
	if (c->fd >= 0) {
		cp_loop_unwatch(c->loop, c->fd);
		close(c->fd);
		c->fd = -1;
	}
}

static void on_timeout(struct cp_loop *l, void *data)
{
	struct cp_conn *c = data;
	(void)l;
	c->timer = 0;
	if (!c->fn) {
		go_dead(c);
		return;
	}
	finish(c, c->connected ? CP_CONN_TIMEOUT : CP_CONN_CONNECT_TIMEOUT, ETIMEDOUT, 0);
}

static void on_early_error(struct cp_loop *l, void *data)
{
	struct cp_conn *c = data;
	(void)l;
	c->timer = 0;
	if (!c->fn) {
		go_dead(c);
		return;
	}
	finish(c, errno_outcome(c->early_errno), c->early_errno, 0);
}

static void on_io(struct cp_loop *l, int fd, unsigned ev, void *data);

static void arm(struct cp_conn *c, unsigned ms)
{
	if (c->timer)
		cp_loop_timer_cancel(c->loop, c->timer);
	c->timer = cp_loop_timer_add(c->loop, ms, on_timeout, c);
}

static int do_write(struct cp_conn *c)
{
	while (c->sent < c->hello_len) {
		ssize_t n = send(c->fd, c->hello + c->sent, c->hello_len - c->sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			finish(c, errno_outcome(errno), errno, 0);
			return -1;
		}
		c->sent += (size_t)n;
	}
	if (cp_loop_watch(c->loop, c->fd, CP_EV_READ, on_io, c) < 0) {
		finish(c, CP_CONN_INTERNAL, errno, 0);
		return -1;
	}
	return 0;
}

static void do_read(struct cp_conn *c)
{
	uint8_t buf[16384];

	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof buf, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			finish(c, errno_outcome(errno), errno, 0);
			return;
		}
		if (n == 0) {
			finish(c, CP_CONN_EOF, 0, 0);
			return;
		}
		c->bytes_in += (size_t)n;
		int st = cp_wire_feed(c->wire, buf, (size_t)n);
		if (st == CP_WIRE_DONE) {
			finish(c, CP_CONN_ANSWER, 0, st);
			return;
		}
		if (st < 0) {
			finish(c, CP_CONN_PROTOCOL, 0, st);
			return;
		}
		if ((size_t)n < sizeof buf)
			return;
	}
}

static void on_io(struct cp_loop *l, int fd, unsigned ev, void *data)
{
	struct cp_conn *c = data;
	(void)l;

	if (!c->connected) {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			if (!c->fn)
				go_dead(c);
			else
				finish(c, errno_outcome(err), err, 0);
			return;
		}
		if (!(ev & CP_EV_WRITE))
			return;
		c->connected = 1;
		if (!c->fn) {
			/* pre-opened: wait for the hello, but notice a close */
			if (c->timer)
				cp_loop_timer_cancel(c->loop, c->timer);
			c->timer = 0;
			if (cp_loop_watch(c->loop, c->fd, CP_EV_READ, on_io, c) < 0)
				go_dead(c);
			return;
		}
		arm(c, c->timeout_ms);
		do_write(c);
		return;
	}
	if (!c->fn) {
		/* idle and readable: the peer closed (or spoke first); unusable */
		go_dead(c);
		return;
	}
	if (ev & CP_EV_WRITE) {
		if (do_write(c) < 0)
			return;
	}
	if (ev & (CP_EV_READ | CP_EV_ERROR))
		do_read(c);
}

struct cp_conn *cp_conn_open(struct cp_loop *l, const struct sockaddr *addr, socklen_t addrlen,
			     unsigned connect_timeout_ms)
{
	struct cp_conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->loop = l;
	c->fd = -1;
	c->started = cp_loop_now(l);
	c->fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->fd, addr, addrlen) < 0 && errno != EINPROGRESS) {
		/* Immediate failures (refused on loopback, unreachable) are
		 * still reported from the loop, never re-entrantly. */
		c->early_errno = errno;
		close(c->fd);
		c->fd = -1;
		c->timer = cp_loop_defer(l, on_early_error, c);
		if (!c->timer)
			goto fail;
		return c;
	}
	if (cp_loop_watch(l, c->fd, CP_EV_WRITE, on_io, c) < 0)
		goto fail;
	arm(c, connect_timeout_ms);
	if (!c->timer)
		goto fail;
	return c;

fail:;
	int e = errno;
	conn_close(c);
	errno = e ? e : ENOMEM;
	return NULL;
}

int cp_conn_send(struct cp_conn *c, const struct cp_conn_req *req, cp_conn_fn fn, void *data)
{
	if (c->dead || c->fn)
		return -1;
	c->hello = malloc(req->hello_len ? req->hello_len : 1);
	c->wire = cp_wire_new(req->want, 0);
	if (!c->hello || !c->wire) {
		free(c->hello);
		c->hello = NULL;
		cp_wire_free(c->wire);
		c->wire = NULL;
		return -1;
	}
	memcpy(c->hello, req->hello, req->hello_len);
	c->hello_len = req->hello_len;
	c->timeout_ms = req->timeout_ms;
	c->fn = fn;
	c->data = data;
	c->started = cp_loop_now(c->loop);
	if (c->early_errno || !c->connected)
		return 0; /* reported, or sent, when the connect completes */
	arm(c, c->timeout_ms);
	if (!c->timer || cp_loop_watch(c->loop, c->fd, CP_EV_WRITE | CP_EV_READ, on_io, c) < 0) {
		c->fn = NULL; /* the caller cancels it */
		return -1;
	}
	return 0;
}

struct cp_conn *cp_conn_start(struct cp_loop *l, const struct cp_conn_req *req, cp_conn_fn fn,
			      void *data)
{
	struct cp_conn *c = cp_conn_open(l, req->addr, req->addrlen, req->connect_timeout_ms);
	if (!c)
		return NULL;
	if (cp_conn_send(c, req, fn, data) < 0) {
		conn_close(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

void cp_conn_cancel(struct cp_conn *c)
{
	if (c)
		conn_close(c);
}
