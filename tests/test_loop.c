/* SPDX-License-Identifier: MIT */
/*
 * The epoll reactor: timer order and cancellation (also from callbacks and
 * at scale), fd readiness on pipes and socketpairs, and the stale-event
 * rules of loop.h (unwatch of a pending fd, fd numbers reused mid-batch).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "net/loop.h"

/* ---- timers ---- */

struct order {
	int seen[64];
	int n;
	struct cp_loop *l;
	uint64_t ids[64];
};

struct tick {
	struct order *o;
	int tag;
};

static void note(struct cp_loop *l, void *data)
{
	struct tick *t = data;

	(void)l;
	assert_true(t->o->n < 64);
	t->o->seen[t->o->n++] = t->tag;
}

static void test_timer_order(void **state)
{
	(void)state;
	struct cp_loop *l = cp_loop_new();
	struct order o = { .n = 0 };
	/* delay, tag: equal deadlines must keep the order they were added in */
	static const int delays[] = { 30, 10, 20, 0, 10, 0 };
	struct tick ticks[6];
	uint64_t t0;

	assert_non_null(l);
	t0 = cp_loop_now(l);
	for (int i = 0; i < 6; i++) {
		ticks[i] = (struct tick){ .o = &o, .tag = i };
		assert_int_not_equal(cp_loop_timer_add(l, (uint64_t)delays[i], note, &ticks[i]), 0);
	}
	assert_int_equal(cp_loop_pending_timers(l), 6);
	assert_int_equal(cp_loop_run(l), 0);
	assert_int_equal(o.n, 6);
	const int want[] = { 3, 5, 1, 4, 2, 0 };
	for (int i = 0; i < 6; i++)
		assert_int_equal(o.seen[i], want[i]);
	/* the last timer fired no earlier than its delay */
	assert_true(cp_loop_now(l) - t0 >= 30);
	assert_int_equal(cp_loop_pending_timers(l), 0);
	cp_loop_free(l);
}

struct canceller {
	struct order *o;
	int tag;
	uint64_t victim;
	uint64_t self;
};

static void cancel_victim(struct cp_loop *l, void *data)
{
	struct canceller *c = data;

	c->o->seen[c->o->n++] = c->tag;
	cp_loop_timer_cancel(l, c->victim);
	/* cancelling oneself while firing is a no-op */
	cp_loop_timer_cancel(l, c->self);
}

static void test_timer_cancel(void **state)
{
	(void)state;
	struct cp_loop *l = cp_loop_new();
	struct order o = { .n = 0 };
	struct tick a = { &o, 1 }, b = { &o, 2 }, c = { &o, 3 }, d = { &o, 4 };
	struct canceller k = { .o = &o, .tag = 9 };
	uint64_t ia, ib, ic, id;

	assert_non_null(l);
	ia = cp_loop_timer_add(l, 5, note, &a);
	ib = cp_loop_timer_add(l, 5, note, &b);
	k.self = cp_loop_timer_add(l, 5, cancel_victim, &k);
	ic = cp_loop_timer_add(l, 5, note, &c); /* same deadline, after k: cancelled by k */
	id = cp_loop_timer_add(l, 20, note, &d);
	k.victim = ic;
	assert_true(ia && ib && ic && id && k.self);
	assert_true(ia != ib && ib != ic && ic != id);

	cp_loop_timer_cancel(l, ib);
	cp_loop_timer_cancel(l, ib); /* twice: no-op */
	cp_loop_timer_cancel(l, 0);
	cp_loop_timer_cancel(l, 0xdeadbeef00000001ull); /* wrong generation */
	cp_loop_timer_cancel(l, 12345);                 /* no such slot */
	assert_int_equal(cp_loop_pending_timers(l), 4);

	assert_int_equal(cp_loop_run(l), 0);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.seen[0], 1);
	assert_int_equal(o.seen[1], 9);
	assert_int_equal(o.seen[2], 4);

	/* a fired timer's id stays dead after its slot is reused */
	struct tick e = { &o, 5 };
	uint64_t ie = cp_loop_timer_add(l, 0, note, &e);
	assert_int_not_equal(ie, 0);
	assert_true(ie != ia && ie != id);
	cp_loop_timer_cancel(l, ia);
	cp_loop_timer_cancel(l, id);
	assert_int_equal(cp_loop_pending_timers(l), 1);
	assert_int_equal(cp_loop_run(l), 0);
	assert_int_equal(o.seen[3], 5);
	cp_loop_free(l);
}

/* A timer that re-arms itself with delay 0 must not run twice in one pass. */
static void rearm(struct cp_loop *l, void *data)
{
	int *count = data;

	if (++*count < 3)
		assert_int_not_equal(cp_loop_timer_add(l, 0, rearm, data), 0);
}

static void test_timer_rearm_next_pass(void **state)
{
	(void)state;
	struct cp_loop *l = cp_loop_new();
	int count = 0;

	assert_non_null(l);
	assert_int_not_equal(cp_loop_defer(l, rearm, &count), 0);
	assert_int_equal(cp_loop_run_once(l, 0), 1);
	assert_int_equal(count, 1);
	assert_int_equal(cp_loop_run_once(l, 0), 1);
	assert_int_equal(count, 2);
	assert_int_equal(cp_loop_run(l), 0);
	assert_int_equal(count, 3);
	cp_loop_free(l);
}

struct many {
	uint64_t *expire; /* deadline per timer, to check the firing order */
	uint64_t *ids;
	unsigned char *state; /* 0 pending, 1 fired, 2 cancelled */
	size_t n, fired;
	uint64_t last;
	bool order_ok;
	size_t cancelled_from_cb;
};

struct many_tick {
	struct many *m;
	size_t i;
};

static void many_fire(struct cp_loop *l, void *data)
{
	struct many_tick *t = data;
	struct many *m = t->m;

	if (m->state[t->i] != 0 || m->expire[t->i] < m->last || m->expire[t->i] > cp_loop_now(l))
		m->order_ok = false;
	m->last = m->expire[t->i];
	m->state[t->i] = 1;
	m->fired++;
	/* every 7th timer cancels a later-indexed one, if still pending */
	if (t->i % 7 == 0) {
		size_t j = (t->i * 31 + 17) % m->n;
		if (m->state[j] == 0) {
			cp_loop_timer_cancel(l, m->ids[j]);
			m->state[j] = 2;
			m->cancelled_from_cb++;
		}
	}
}

static void test_timer_20000(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct cp_loop *l = cp_loop_new();
	struct many m = { .n = N, .order_ok = true };
	struct many_tick *ticks = calloc(N, sizeof *ticks);
	size_t cancelled = 0, fired_want;
	unsigned seed = 12345;

	assert_non_null(l);
	m.expire = calloc(N, sizeof *m.expire);
	m.ids = calloc(N, sizeof *m.ids);
	m.state = calloc(N, 1);
	assert_true(ticks && m.expire && m.ids && m.state);
	uint64_t now = cp_loop_now(l);
	for (size_t i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		uint64_t delay = (seed >> 16) % 60;
		ticks[i] = (struct many_tick){ &m, i };
		m.expire[i] = now + delay;
		m.ids[i] = cp_loop_timer_add(l, delay, many_fire, &ticks[i]);
		assert_int_not_equal(m.ids[i], 0);
	}
	assert_int_equal(cp_loop_pending_timers(l), N);
	/* cancel a third up front, from all over the heap */
	for (size_t i = 0; i < N; i += 3) {
		cp_loop_timer_cancel(l, m.ids[i]);
		m.state[i] = 2;
		cancelled++;
	}
	assert_int_equal(cp_loop_pending_timers(l), N - cancelled);
	assert_int_equal(cp_loop_run(l), 0);
	assert_true(m.order_ok);
	assert_true(m.cancelled_from_cb > 0);
	fired_want = N - cancelled - m.cancelled_from_cb;
	assert_int_equal(m.fired, fired_want);
	for (size_t i = 0; i < N; i++)
		assert_int_not_equal(m.state[i], 0);
	assert_int_equal(cp_loop_pending_timers(l), 0);
	free(ticks);
	free(m.expire);
	free(m.ids);
	free(m.state);
	cp_loop_free(l);
}

/* ---- file descriptors ---- */

struct io {
	int calls;
	unsigned events;
	int fd;
	char buf[16];
	ssize_t got;
};

static void io_note(struct cp_loop *l, int fd, unsigned events, void *data)
{
	struct io *io = data;

	(void)l;
	io->calls++;
	io->events = events;
	io->fd = fd;
	if (events & CP_EV_READ)
		io->got = read(fd, io->buf, sizeof io->buf);
}

static void test_fd_readiness(void **state)
{
	(void)state;
	struct cp_loop *l = cp_loop_new();
	struct io r = { 0 }, w = { 0 };
	int p[2], sp[2];

	assert_non_null(l);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);

	assert_int_equal(cp_loop_watch(l, p[0], CP_EV_READ, io_note, &r), 0);
	assert_int_equal(cp_loop_mask(l, p[0]), CP_EV_READ);
	assert_int_equal(cp_loop_active_fds(l), 1);
	/* nothing to read yet */
	assert_int_equal(cp_loop_run_once(l, 0), 0);
	assert_int_equal(r.calls, 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(cp_loop_run_once(l, 100), 1);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.events, CP_EV_READ);
	assert_int_equal(r.fd, p[0]);
	assert_int_equal(r.got, 1);

	/* a connected socket is writable at once */
	assert_int_equal(cp_loop_watch(l, sp[0], CP_EV_WRITE, io_note, &w), 0);
	assert_int_equal(cp_loop_run_once(l, 100), 1);
	assert_int_equal(w.events, CP_EV_WRITE);
	/* both bits come in one call */
	assert_int_equal(write(sp[1], "yz", 2), 2);
	assert_int_equal(cp_loop_watch(l, sp[0], CP_EV_READ | CP_EV_WRITE, io_note, &w), 0);
	assert_int_equal(cp_loop_run_once(l, 100), 1);
	assert_int_equal(w.events, CP_EV_READ | CP_EV_WRITE);
	assert_int_equal(w.got, 2);

	/* mask 0: registered but idle, reports nothing, run() does not wait on it */
	assert_int_equal(cp_loop_watch(l, sp[0], 0, io_note, &w), 0);
	assert_int_equal(cp_loop_active_fds(l), 1);
	w.calls = 0;
	assert_int_equal(cp_loop_run_once(l, 0), 0);
	assert_int_equal(w.calls, 0);
	/* back to READ after idling: events flow again (the epoll entry is re-added) */
	assert_int_equal(write(sp[1], "q", 1), 1);
	assert_int_equal(cp_loop_watch(l, sp[0], CP_EV_READ, io_note, &w), 0);
	assert_int_equal(cp_loop_run_once(l, 100), 1);
	assert_int_equal(w.events, CP_EV_READ);

	/* hang-up: ERROR together with the bits of the mask; read sees EOF */
	close(p[1]);
	assert_int_equal(cp_loop_run_once(l, 100), 1);
	assert_true(r.events & CP_EV_ERROR);
	assert_true(r.events & CP_EV_READ);
	assert_int_equal(r.got, 0);

	assert_int_equal(cp_loop_unwatch(l, p[0]), 0);
	assert_int_equal(cp_loop_unwatch(l, p[0]), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(cp_loop_mask(l, p[0]), 0);
	assert_int_equal(cp_loop_unwatch(l, sp[0]), 0);
	assert_int_equal(cp_loop_active_fds(l), 0);
	assert_int_equal(cp_loop_run(l), 0); /* idle: returns at once */
	close(p[0]);
	close(sp[0]);
	close(sp[1]);
	cp_loop_free(l);
}

static void test_watch_errors(void **state)
{
	(void)state;
	struct cp_loop *l = cp_loop_new();
	struct io io = { 0 };
	FILE *f = tmpfile();
	int p[2];

	assert_non_null(l);
	assert_non_null(f);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(cp_loop_watch(l, -1, CP_EV_READ, io_note, &io), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(cp_loop_watch(l, p[0], CP_EV_ERROR, io_note, &io), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(cp_loop_watch(l, p[0], CP_EV_READ, NULL, &io), -1);
	assert_int_equal(errno, EINVAL);
	/* epoll refuses regular files; the failure leaves nothing registered */
	assert_int_equal(cp_loop_watch(l, fileno(f), CP_EV_READ, io_note, &io), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(cp_loop_mask(l, fileno(f)), 0);
	assert_int_equal(cp_loop_active_fds(l), 0);
	fclose(f);
	close(p[0]);
	close(p[1]);
	cp_loop_free(l);
}

/* An fd number far past the initial table: the table grows. */
static void test_fd_table_grows(void **state)
{
	(void)state;
	struct cp_loop *l = cp_loop_new();
	struct io io = { 0 };
	struct rlimit rl;
	int p[2], hi;

	assert_non_null(l);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(pipe(p), 0);
	hi = rl.rlim_cur > 5000 ? 4000 : (int)rl.rlim_cur - 8;
	assert_true(hi > 200);
	hi = fcntl(p[0], F_DUPFD, hi);
	assert_true(hi > 200);
	assert_int_equal(cp_loop_watch(l, hi, CP_EV_READ, io_note, &io), 0);
	assert_int_equal(write(p[1], "a", 1), 1);
	assert_int_equal(cp_loop_run_once(l, 100), 1);
	assert_int_equal(io.fd, hi);
	assert_int_equal(cp_loop_unwatch(l, hi), 0);
	close(hi);
	close(p[0]);
	close(p[1]);
	cp_loop_free(l);
}

/*
 * Two fds ready in the same batch; whichever callback runs first unwatches
 * and closes the other.  Exactly one callback may run.
 */
struct pair {
	int rfd[2];
	int wfd[2];
	int calls[2];
	bool reuse;        /* also open a fresh pipe on the freed number */
	bool skip_unwatch; /* close without unwatch, then watch again */
	int fresh[2];
	int fresh_calls;
	int victim;
};

static void fresh_cb(struct cp_loop *l, int fd, unsigned events, void *data)
{
	struct pair *p = data;

	(void)l;
	(void)fd;
	(void)events;
	p->fresh_calls++;
}

static void pair_cb(struct cp_loop *l, int fd, unsigned events, void *data)
{
	struct pair *p = data;
	int me = fd == p->rfd[0] ? 0 : 1, other = 1 - me;

	assert_true(fd == p->rfd[me]);
	assert_true(events & CP_EV_READ);
	p->calls[me]++;
	if (p->victim >= 0)
		return;
	p->victim = other;
	if (!p->skip_unwatch)
		assert_int_equal(cp_loop_unwatch(l, p->rfd[other]), 0);
	close(p->rfd[other]);
	if (p->reuse) {
		/* pipe() takes the lowest free numbers: the one just closed */
		assert_int_equal(pipe(p->fresh), 0);
		assert_int_equal(p->fresh[0], p->rfd[other]);
		assert_int_equal(cp_loop_watch(l, p->fresh[0], CP_EV_READ, fresh_cb, p), 0);
	}
	p->rfd[other] = -1;
}

static void run_pair(bool reuse, bool skip_unwatch)
{
	struct cp_loop *l = cp_loop_new();
	struct pair p = {
		.reuse = reuse, .skip_unwatch = skip_unwatch, .victim = -1, .fresh = { -1, -1 }
	};
	int a[2], b[2];

	assert_non_null(l);
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	p.rfd[0] = a[0];
	p.wfd[0] = a[1];
	p.rfd[1] = b[0];
	p.wfd[1] = b[1];
	assert_int_equal(cp_loop_watch(l, a[0], CP_EV_READ, pair_cb, &p), 0);
	assert_int_equal(cp_loop_watch(l, b[0], CP_EV_READ, pair_cb, &p), 0);
	assert_int_equal(write(a[1], "1", 1), 1);
	assert_int_equal(write(b[1], "2", 1), 1);
	/* both events are in one batch: only one callback may run */
	assert_int_equal(cp_loop_run_once(l, 100), 1);
	assert_int_equal(p.calls[0] + p.calls[1], 1);
	assert_int_equal(p.fresh_calls, 0);
	int survivor = 1 - p.victim;
	if (reuse) {
		/* the fresh file is empty: nothing for it until written to */
		char c;
		assert_int_equal(read(p.rfd[survivor], &c, 1), 1);
		assert_int_equal(cp_loop_run_once(l, 0), 0);
		assert_int_equal(p.fresh_calls, 0);
		assert_int_equal(write(p.fresh[1], "f", 1), 1);
		assert_int_equal(cp_loop_run_once(l, 100), 1);
		assert_int_equal(p.fresh_calls, 1);
		assert_int_equal(cp_loop_unwatch(l, p.fresh[0]), 0);
		close(p.fresh[0]);
		close(p.fresh[1]);
	}
	assert_int_equal(cp_loop_unwatch(l, p.rfd[survivor]), 0);
	close(p.rfd[survivor]);
	close(a[1]);
	close(b[1]);
	cp_loop_free(l);
}

static void test_unwatch_pending(void **state)
{
	(void)state;
	run_pair(false, false);
}

static void test_fd_reuse_same_iteration(void **state)
{
	(void)state;
	run_pair(true, false);
}

/* The caller closed without unwatching; the number comes back in the same batch. */
static void test_fd_reuse_without_unwatch(void **state)
{
	(void)state;
	run_pair(true, true);
}

/*
 * Two socketpairs ready in the same batch; the first callback changes the
 * other's mask: to 0 (idle: it must not run) or from READ|WRITE to WRITE
 * (it must see WRITE only, though epoll reported both).
 */
struct masks {
	int fd[2];
	unsigned ev[2];
	int calls[2];
	unsigned set_other;
	bool done;
};

static void mask_cb(struct cp_loop *l, int fd, unsigned events, void *data)
{
	struct masks *m = data;
	int me = fd == m->fd[0] ? 0 : 1;

	m->calls[me]++;
	m->ev[me] = events;
	if (m->done)
		return;
	m->done = true;
	assert_int_equal(cp_loop_watch(l, m->fd[1 - me], m->set_other, mask_cb, m), 0);
}

static void run_masks(unsigned initial, unsigned set_other)
{
	struct cp_loop *l = cp_loop_new();
	struct masks m = { .set_other = set_other };
	int a[2], b[2];

	assert_non_null(l);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	m.fd[0] = a[0];
	m.fd[1] = b[0];
	assert_int_equal(write(a[1], "1", 1), 1);
	assert_int_equal(write(b[1], "2", 1), 1);
	assert_int_equal(cp_loop_watch(l, a[0], initial, mask_cb, &m), 0);
	assert_int_equal(cp_loop_watch(l, b[0], initial, mask_cb, &m), 0);
	int ran = cp_loop_run_once(l, 100);
	int first = m.calls[0] ? 0 : 1, second = 1 - first;
	assert_int_equal(m.calls[first], 1);
	assert_int_equal(m.ev[first], initial);
	if (set_other == 0) {
		assert_int_equal(ran, 1);
		assert_int_equal(m.calls[second], 0);
		assert_int_equal(cp_loop_active_fds(l), 1);
	} else {
		assert_int_equal(ran, 2);
		assert_int_equal(m.calls[second], 1);
		assert_int_equal(m.ev[second], set_other);
	}
	assert_int_equal(cp_loop_unwatch(l, a[0]), 0);
	assert_int_equal(cp_loop_unwatch(l, b[0]), 0);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	cp_loop_free(l);
}

static void test_mask_change_in_batch(void **state)
{
	(void)state;
	run_masks(CP_EV_READ, 0);
	run_masks(CP_EV_READ | CP_EV_WRITE, CP_EV_WRITE);
}

/* ---- running and stopping ---- */

static void stop_cb(struct cp_loop *l, void *data)
{
	int *n = data;

	(*n)++;
	cp_loop_stop(l);
}

static void test_stop(void **state)
{
	(void)state;
	struct cp_loop *l = cp_loop_new();
	struct io io = { 0 };
	int p[2], n = 0;

	assert_non_null(l);
	assert_int_equal(pipe(p), 0);
	/* a watched fd that never becomes ready would keep run() going forever */
	assert_int_equal(cp_loop_watch(l, p[0], CP_EV_READ, io_note, &io), 0);
	assert_int_not_equal(cp_loop_timer_add(l, 10, stop_cb, &n), 0);
	assert_int_equal(cp_loop_run(l), 0);
	assert_int_equal(n, 1);
	/* stop before run: returns at once, and the request is consumed */
	cp_loop_stop(l);
	assert_int_not_equal(cp_loop_timer_add(l, 0, stop_cb, &n), 0);
	assert_int_equal(cp_loop_run(l), 0);
	assert_int_equal(n, 1);
	assert_int_equal(cp_loop_run(l), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cp_loop_unwatch(l, p[0]), 0);
	close(p[0]);
	close(p[1]);
	cp_loop_free(l);
}

/* run() returns once the last fd is unwatched from a callback. */
static void unwatch_self(struct cp_loop *l, int fd, unsigned events, void *data)
{
	int *n = data;

	(void)events;
	(*n)++;
	assert_int_equal(cp_loop_unwatch(l, fd), 0);
}

static void writer(struct cp_loop *l, void *data)
{
	int *wfd = data;

	(void)l;
	assert_int_equal(write(*wfd, "w", 1), 1);
}

static void test_run_until_idle(void **state)
{
	(void)state;
	struct cp_loop *l = cp_loop_new();
	int p[2], n = 0;

	assert_non_null(l);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(cp_loop_watch(l, p[0], CP_EV_READ, unwatch_self, &n), 0);
	assert_int_not_equal(cp_loop_timer_add(l, 15, writer, &p[1]), 0);
	assert_int_equal(cp_loop_run(l), 0);
	assert_int_equal(n, 1);
	assert_int_equal(cp_loop_active_fds(l), 0);
	assert_int_equal(cp_loop_pending_timers(l), 0);
	/* and with nothing at all, run_once does not sleep */
	assert_int_equal(cp_loop_run_once(l, -1), 0);
	close(p[0]);
	close(p[1]);
	cp_loop_free(l);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A signal during epoll_wait is an empty iteration, not an error. */
static void test_eintr(void **state)
{
	(void)state;
	struct cp_loop *l = cp_loop_new();
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_value = { .tv_usec = 20000 } };
	struct order o = { .n = 0 };
	struct tick t = { &o, 7 };

	assert_non_null(l);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: epoll_wait fails with EINTR */
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	assert_int_not_equal(cp_loop_timer_add(l, 300, note, &t), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	assert_int_equal(cp_loop_run_once(l, -1), 0);
	assert_int_equal(o.n, 0);
	assert_int_equal(cp_loop_run(l), 0);
	assert_int_equal(o.n, 1);
	assert_int_equal(sigaction(SIGALRM, &old, NULL), 0);
	cp_loop_free(l);
}

/* Deferred calls run after the I/O of the next iteration, in order. */
static void defer_io(struct cp_loop *l, int fd, unsigned events, void *data)
{
	struct order *o = data;
	char c;

	(void)events;
	assert_int_equal(read(fd, &c, 1), 1);
	o->seen[o->n++] = 100;
	assert_int_equal(cp_loop_unwatch(l, fd), 0);
}

static void test_defer(void **state)
{
	(void)state;
	struct cp_loop *l = cp_loop_new();
	struct order o = { .n = 0 };
	struct tick a = { &o, 1 }, b = { &o, 2 }, c = { &o, 3 };
	int p[2];

	assert_non_null(l);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "d", 1), 1);
	assert_int_equal(cp_loop_watch(l, p[0], CP_EV_READ, defer_io, &o), 0);
	assert_int_not_equal(cp_loop_defer(l, note, &a), 0);
	uint64_t ib = cp_loop_defer(l, note, &b);
	assert_int_not_equal(cp_loop_defer(l, note, &c), 0);
	cp_loop_timer_cancel(l, ib);
	assert_int_equal(cp_loop_run_once(l, 100), 3);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.seen[0], 100);
	assert_int_equal(o.seen[1], 1);
	assert_int_equal(o.seen[2], 3);
	close(p[0]);
	close(p[1]);
	cp_loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_timer_cancel),
		cmocka_unit_test(test_timer_rearm_next_pass),
		cmocka_unit_test(test_timer_20000),
		cmocka_unit_test(test_fd_readiness),
		cmocka_unit_test(test_watch_errors),
		cmocka_unit_test(test_fd_table_grows),
		cmocka_unit_test(test_unwatch_pending),
		cmocka_unit_test(test_fd_reuse_same_iteration),
		cmocka_unit_test(test_fd_reuse_without_unwatch),
		cmocka_unit_test(test_mask_change_in_batch),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_run_until_idle),
		cmocka_unit_test(test_eintr),
		cmocka_unit_test(test_defer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
