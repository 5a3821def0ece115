/* SPDX-License-Identifier: MIT */
/* One OpenSSL client handshake on the event loop; see tlsconn.h. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "net/tlsconn.h"

struct cp_tlsconn {
	struct cp_loop *loop;
	int fd;
	SSL *ssl;
	uint64_t timer;
	uint64_t started;
	unsigned timeout_ms;
	int connected;
	int early_errno; /* connect() failed at once: reported from the loop */
	int io_errno;    /* last socket error seen by the BIO */
	size_t bytes_in;
	cp_tlsconn_fn fn;
	void *data;
	char reason[320];
};

const char *cp_tlsconn_outcome_name(enum cp_tlsconn_outcome o)
{
	static const char *const names[] = {
		[CP_TLSCONN_OK] = "ok",
		[CP_TLSCONN_REFUSED] = "refused",
		[CP_TLSCONN_UNREACHABLE] = "unreachable",
		[CP_TLSCONN_TIMEOUT] = "timeout",
		[CP_TLSCONN_CLOSED] = "closed",
		[CP_TLSCONN_FAILED] = "failed",
		[CP_TLSCONN_INTERNAL] = "internal",
	};
	if ((unsigned)o < sizeof names / sizeof names[0])
		return names[o];
	return "unknown";
}

/* ---- a socket BIO that never raises SIGPIPE ----
 *
 * OpenSSL's own socket BIO writes with write(2): a peer that resets
 * mid-handshake would kill the process with SIGPIPE.  This one uses
 * send(MSG_NOSIGNAL) and keeps the errno for the report. */

static BIO_METHOD *nosig_method;
static CRYPTO_ONCE nosig_once = CRYPTO_ONCE_STATIC_INIT;

static int nosig_write(BIO *b, const char *buf, size_t len, size_t *written)
{
	struct cp_tlsconn *t = BIO_get_data(b);
	BIO_clear_retry_flags(b);
	for (;;) {
		ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);
		if (n >= 0) {
			*written = (size_t)n;
			return 1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			BIO_set_retry_write(b);
		else
			t->io_errno = errno;
		return 0;
	}
}

static int nosig_read(BIO *b, char *buf, size_t len, size_t *readbytes)
{
	struct cp_tlsconn *t = BIO_get_data(b);
	BIO_clear_retry_flags(b);
	for (;;) {
		ssize_t n = recv(t->fd, buf, len, 0);
		if (n > 0) {
			*readbytes = (size_t)n;
			t->bytes_in += (size_t)n;
			return 1;
		}
		if (n == 0)
			return 0; /* EOF: no retry flag */
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			BIO_set_retry_read(b);
		else
			t->io_errno = errno;
		return 0;
	}
}

static long nosig_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int nosig_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static void nosig_init(void)
{
	BIO_METHOD *m =
		BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "cp_tlsconn socket");
	if (!m)
		return;
	if (!BIO_meth_set_write_ex(m, nosig_write) || !BIO_meth_set_read_ex(m, nosig_read) ||
	    !BIO_meth_set_ctrl(m, nosig_ctrl) || !BIO_meth_set_create(m, nosig_create)) {
		BIO_meth_free(m);
		return;
	}
	nosig_method = m;
}

static BIO *nosig_bio(struct cp_tlsconn *t)
{
	if (!CRYPTO_THREAD_run_once(&nosig_once, nosig_init) || !nosig_method)
		return NULL;
	BIO *b = BIO_new(nosig_method);
	if (b)
		BIO_set_data(b, t);
	return b;
}

/* ---- the connection ---- */

static void tls_free(struct cp_tlsconn *t)
{
	if (t->timer)
		cp_loop_timer_cancel(t->loop, t->timer);
	if (t->fd >= 0) {
		cp_loop_unwatch(t->loop, t->fd);
		close(t->fd);
	}
	SSL_free(t->ssl);
	free(t);
}

/*
 * Report once, then free.  The socket is closed before the callback, so
 * the callback may start the next handshake with the descriptor; the SSL
 * (and what it received) lives until the callback returns.
 */
static void finish(struct cp_tlsconn *t, enum cp_tlsconn_outcome o, int err)
{
	if (t->timer)
		cp_loop_timer_cancel(t->loop, t->timer);
	t->timer = 0;
	if (o == CP_TLSCONN_OK) {
		/* one polite close_notify, never waited for */
		ERR_clear_error();
		SSL_shutdown(t->ssl);
	}
	if (t->fd >= 0) {
		cp_loop_unwatch(t->loop, t->fd);
		close(t->fd);
		t->fd = -1;
	}
	struct cp_tlsconn_report rep = {
		.outcome = o,
		.sys_errno = err,
		.reason = t->reason,
		.ssl = t->ssl,
		.connected = t->connected != 0,
		.elapsed_ms = cp_loop_now(t->loop) - t->started,
	};
	t->fn(t->data, &rep);
	ERR_clear_error();
	tls_free(t);
}

static enum cp_tlsconn_outcome connect_outcome(int err)
{
	return err == ECONNREFUSED ? CP_TLSCONN_REFUSED : CP_TLSCONN_UNREACHABLE;
}

static void fail_connect(struct cp_tlsconn *t, int err)
{
	snprintf(t->reason, sizeof t->reason, "cannot connect: %s", strerror(err));
	finish(t, connect_outcome(err), err);
}

static void on_timeout(struct cp_loop *l, void *data)
{
	struct cp_tlsconn *t = data;
	(void)l;
	t->timer = 0;
	if (!t->connected)
		snprintf(t->reason, sizeof t->reason, "no TCP connection within %u ms",
			 t->timeout_ms);
	else if (!t->bytes_in)
		snprintf(t->reason, sizeof t->reason,
			 "the server sent nothing within %u ms of the start of the handshake",
			 t->timeout_ms);
	else
		snprintf(t->reason, sizeof t->reason,
			 "the handshake did not complete within %u ms: the server stalled after "
			 "%zu bytes (%s)",
			 t->timeout_ms, t->bytes_in, SSL_state_string_long(t->ssl));
	finish(t, CP_TLSCONN_TIMEOUT, ETIMEDOUT);
}

static void on_early_error(struct cp_loop *l, void *data)
{
	struct cp_tlsconn *t = data;
	(void)l;
	t->timer = 0;
	fail_connect(t, t->early_errno);
}

static void on_io(struct cp_loop *l, int fd, unsigned ev, void *data);

/* One SSL_connect step; watches for what OpenSSL waits on, or reports. */
static void step(struct cp_tlsconn *t)
{
	ERR_clear_error();
	int rc = SSL_connect(t->ssl);
	if (rc == 1) {
		snprintf(t->reason, sizeof t->reason, "handshake completed: %s, %s",
			 SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
		finish(t, CP_TLSCONN_OK, 0);
		return;
	}
	int e = SSL_get_error(t->ssl, rc);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		unsigned mask = e == SSL_ERROR_WANT_READ ? CP_EV_READ : CP_EV_WRITE;
		if (cp_loop_watch(t->loop, t->fd, mask, on_io, t) < 0) {
			int err = errno;
			snprintf(t->reason, sizeof t->reason, "cannot watch the connection: %s",
				 strerror(err));
			finish(t, CP_TLSCONN_INTERNAL, err);
		}
		return;
	}
	unsigned long code = ERR_peek_last_error();
	if (e == SSL_ERROR_SSL && code) {
		char buf[200];
		ERR_error_string_n(code, buf, sizeof buf);
		snprintf(t->reason, sizeof t->reason, "the handshake failed: %s", buf);
		finish(t, CP_TLSCONN_FAILED, 0);
		return;
	}
	/* SSL_ERROR_SYSCALL / ZERO_RETURN: the transport ended */
	int err = t->io_errno;
	if (err)
		snprintf(t->reason, sizeof t->reason,
			 "the connection failed mid-handshake after %zu bytes: %s", t->bytes_in,
			 strerror(err));
	else
		snprintf(t->reason, sizeof t->reason,
			 "the server closed the connection mid-handshake after %zu bytes",
			 t->bytes_in);
	finish(t, CP_TLSCONN_CLOSED, err);
}

static void on_io(struct cp_loop *l, int fd, unsigned ev, void *data)
{
	struct cp_tlsconn *t = data;
	(void)l;
	(void)ev;

	if (!t->connected) {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			fail_connect(t, err);
			return;
		}
		if (!(ev & CP_EV_WRITE))
			return;
		t->connected = 1;
	}
	/* errors and EOF surface through SSL_connect's own reads and writes */
	step(t);
}

struct cp_tlsconn *cp_tlsconn_start(struct cp_loop *l, const struct cp_tlsconn_req *req,
				    cp_tlsconn_fn fn, void *data)
{
	struct cp_tlsconn *t = calloc(1, sizeof *t);
	BIO *bio = NULL;
	int e = ENOMEM;

	if (!t)
		return NULL;
	t->loop = l;
	t->fd = -1;
	t->fn = fn;
	t->data = data;
	t->timeout_ms = req->timeout_ms ? req->timeout_ms : 1;

	t->ssl = SSL_new(req->ctx);
	if (!t->ssl)
		goto fail;
	if (req->sni && *req->sni && !SSL_set_tlsext_host_name(t->ssl, req->sni))
		goto fail;
	if ((req->min_version && !SSL_set_min_proto_version(t->ssl, req->min_version)) ||
	    (req->max_version && !SSL_set_max_proto_version(t->ssl, req->max_version))) {
		e = EINVAL;
		goto fail;
	}
	if (req->setup && !req->setup(t->ssl, req->setup_arg)) {
		e = EINVAL;
		goto fail;
	}
	bio = nosig_bio(t);
	if (!bio)
		goto fail;
	SSL_set_bio(t->ssl, bio, bio); /* the SSL owns it from here */
	SSL_set_connect_state(t->ssl);

	t->fd = socket(req->addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0) {
		e = errno;
		goto fail;
	}
	int one = 1;
	setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* the deadline counts from now, not from the loop's last wake-up: the
	 * OpenSSL set-up above can take a while on a loaded machine */
	t->started = cp_loop_update_now(l);
	t->timer = cp_loop_timer_add(l, t->timeout_ms, on_timeout, t);
	if (!t->timer)
		goto fail;
	if (connect(t->fd, req->addr, req->addrlen) < 0 && errno != EINPROGRESS) {
		/* refused at once (loopback): still reported from the loop */
		t->early_errno = errno;
		close(t->fd);
		t->fd = -1;
		cp_loop_timer_cancel(l, t->timer);
		t->timer = cp_loop_defer(l, on_early_error, t);
		if (!t->timer)
			goto fail;
		return t;
	}
	if (cp_loop_watch(l, t->fd, CP_EV_WRITE, on_io, t) < 0) {
		e = errno;
		goto fail;
	}
	return t;

fail:
	ERR_clear_error();
	tls_free(t);
	errno = e;
	return NULL;
}

void cp_tlsconn_cancel(struct cp_tlsconn *t)
{
	if (t)
		tls_free(t);
}

/* ---- batch ---- */

struct batch_item {
	struct batch *b;
	size_t i;
	unsigned char state; /* 0 waiting, 1 running, 2 reported */
	struct cp_tlsconn *t;
};

struct batch {
	struct cp_loop *loop;
	const struct cp_tlsconn_req *reqs;
	struct batch_item *items;
	size_t n, next, done;
	unsigned concurrency, per_host, running;
	cp_tlsconn_batch_fn fn;
	void *data;
};

static bool same_peer(const struct cp_tlsconn_req *a, const struct cp_tlsconn_req *b)
{
	return a->addrlen == b->addrlen && !memcmp(a->addr, b->addr, a->addrlen);
}

static void batch_pump(struct batch *b);

static void on_batch_done(void *data, const struct cp_tlsconn_report *rep)
{
	struct batch_item *it = data;
	struct batch *b = it->b;

	it->t = NULL;
	it->state = 2;
	b->running--;
	b->done++;
	b->fn(b->data, it->i, rep);
	batch_pump(b);
}

/* Whether request i may start now under the per-host cap. */
static bool host_free(const struct batch *b, size_t i)
{
	unsigned same = 0;
	for (size_t k = 0; k < b->n; k++)
		if (b->items[k].state == 1 && same_peer(&b->reqs[k], &b->reqs[i]))
			same++;
	return same < b->per_host;
}

static void batch_pump(struct batch *b)
{
	for (size_t i = b->next; i < b->n && b->running < b->concurrency; i++) {
		struct batch_item *it = &b->items[i];
		if (it->state != 0 || !host_free(b, i))
			continue;
		it->t = cp_tlsconn_start(b->loop, &b->reqs[i], on_batch_done, it);
		if (!it->t) {
			int err = errno ? errno : ENOMEM;
			char reason[160];
			snprintf(reason, sizeof reason, "cannot start a handshake: %s",
				 strerror(err));
			struct cp_tlsconn_report rep = {
				.outcome = CP_TLSCONN_INTERNAL,
				.sys_errno = err,
				.reason = reason,
			};
			it->state = 2;
			b->done++;
			b->fn(b->data, i, &rep);
			continue;
		}
		it->state = 1;
		b->running++;
	}
	while (b->next < b->n && b->items[b->next].state != 0)
		b->next++;
	if (b->done == b->n)
		cp_loop_stop(b->loop);
}

int cp_tlsconn_run_all(const struct cp_tlsconn_req *reqs, size_t n, unsigned concurrency,
		       unsigned per_host, cp_tlsconn_batch_fn fn, void *data)
{
	struct batch b = {
		.reqs = reqs,
		.n = n,
		.fn = fn,
		.data = data,
		.concurrency = concurrency ? concurrency : 1,
		.per_host = per_host ? per_host : 1,
	};
	int rc = -1;

	if (n == 0)
		return 0;
	b.items = calloc(n, sizeof *b.items);
	b.loop = cp_loop_new();
	if (!b.items || !b.loop) {
		errno = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		b.items[i] = (struct batch_item){ .b = &b, .i = i };
	batch_pump(&b);
	while (b.done < b.n) {
		if (cp_loop_run(b.loop) < 0)
			goto out;
		if (b.done < b.n && cp_loop_active_fds(b.loop) == 0 &&
		    cp_loop_pending_timers(b.loop) == 0) {
			errno = EDEADLK; /* nothing to wait for: a bug, not a hang */
			goto out;
		}
	}
	rc = 0;
out:;
	int e = errno;
	/* the loop failed: abandon what still runs, unreported */
	for (size_t i = 0; b.items && i < n; i++)
		cp_tlsconn_cancel(b.items[i].t);
	if (b.loop)
		cp_loop_free(b.loop);
	free(b.items);
	errno = e;
	return rc;
}
