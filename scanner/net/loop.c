/* SPDX-License-Identifier: MIT */
/*
 * Epoll reactor; see loop.h for the contract.
 *
 * Stale events.  epoll_wait() hands back a batch; a callback early in the
 * batch may unwatch, close, reopen and watch again an fd whose event is
 * later in the same batch.  Each epoll registration therefore carries a
 * generation number next to the fd in epoll_event.data.u64; unwatching or
 * re-adding an fd bumps its generation, and an event whose generation no
 * longer matches the fd's slot is dropped.  Events are also masked with the
 * slot's current mask, so a bit switched off mid-batch is not delivered.
 *
 * Timers live in a slab (array indexed by slot) and a binary min-heap of
 * slot numbers ordered by (expiry, sequence).  Each slab entry records its
 * heap position, so cancel is a heap removal at a known index: O(log n).
 * A timer id is (slot generation << 32) | (slot + 1): nonzero, and a
 * cancelled or fired timer's id goes stale when its slot is reused because
 * the generation moves on.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "net/loop.h"
#include "util.h"

/* Events taken per epoll_wait(); level-triggered, so the rest come next time. */
#define CP_LOOP_BATCH 256
#define CP_NOIDX UINT32_MAX

struct cp_fdslot {
	cp_io_fn fn;
	void *data;
	unsigned mask;
	uint32_t gen;
	bool watched;
	bool in_epoll;
};

struct cp_timer {
	uint64_t expire;
	uint64_t seq;
	cp_timer_fn fn; /* NULL while the slot is free */
	void *data;
	uint32_t gen;
	uint32_t link; /* heap index when live, next free slot when free */
};

struct cp_loop {
	int epfd;
	bool stop;
	uint64_t now;

	struct cp_fdslot *fds;
	size_t nfds;      /* slots allocated */
	unsigned nactive; /* watched with a nonzero mask */

	struct cp_timer *timers;
	size_t ntimers; /* slots allocated */
	uint32_t freelist;
	uint32_t *heap; /* slot numbers; room for ntimers */
	size_t nheap;
	uint64_t seq;

	struct epoll_event evs[CP_LOOP_BATCH];
};

struct cp_loop *cp_loop_new(void)
{
	struct cp_loop *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int e = errno;
		free(l);
		errno = e;
		return NULL;
	}
	l->freelist = CP_NOIDX;
	l->now = cp_clock_ms();
	return l;
}

void cp_loop_free(struct cp_loop *l)
{
	if (!l)
		return;
	close(l->epfd);
	free(l->fds);
	free(l->timers);
	free(l->heap);
	free(l);
}

uint64_t cp_loop_now(const struct cp_loop *l)
{
	return l->now;
}

uint64_t cp_loop_update_now(struct cp_loop *l)
{
	l->now = cp_clock_ms();
	return l->now;
}

unsigned cp_loop_active_fds(const struct cp_loop *l)
{
	return l->nactive;
}

unsigned cp_loop_pending_timers(const struct cp_loop *l)
{
	return (unsigned)l->nheap;
}

/* ---- file descriptors ---- */

static int fds_reserve(struct cp_loop *l, int fd)
{
	size_t old = l->nfds;

	if (CP_GROW(l->fds, l->nfds, (size_t)fd + 1) < 0)
		return -1;
	memset(l->fds + old, 0, (l->nfds - old) * sizeof *l->fds);
	return 0;
}

static uint32_t epoll_bits(unsigned mask)
{
	return ((mask & CP_EV_READ) ? EPOLLIN : 0) | ((mask & CP_EV_WRITE) ? EPOLLOUT : 0);
}

static int epoll_set(struct cp_loop *l, int fd, struct cp_fdslot *s, unsigned mask)
{
	struct epoll_event ev = { .events = epoll_bits(mask) };

	if (s->in_epoll) {
		ev.data.u64 = ((uint64_t)s->gen << 32) | (uint32_t)fd;
		if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
			return 0;
		/* The file was closed without an unwatch (epoll dropped it): add it anew. */
		if (errno != ENOENT)
			return -1;
		s->in_epoll = false;
	}
	/* A new epoll registration: events still queued for the old one go stale. */
	s->gen++;
	ev.data.u64 = ((uint64_t)s->gen << 32) | (uint32_t)fd;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		return -1;
	s->in_epoll = true;
	return 0;
}

static void epoll_drop(struct cp_loop *l, int fd, struct cp_fdslot *s)
{
	if (!s->in_epoll)
		return;
	/* EBADF/ENOENT: the fd was closed first and epoll already forgot it. */
	(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	s->in_epoll = false;
	s->gen++;
}

int cp_loop_watch(struct cp_loop *l, int fd, unsigned mask, cp_io_fn fn, void *data)
{
	struct cp_fdslot *s;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (!fn || (mask & ~(unsigned)(CP_EV_READ | CP_EV_WRITE))) {
		errno = EINVAL;
		return -1;
	}
	if (fds_reserve(l, fd))
		return -1;
	s = &l->fds[fd];
	if (mask == 0)
		epoll_drop(l, fd, s);
	else if (epoll_set(l, fd, s, mask))
		return -1;
	if (s->watched && s->mask)
		l->nactive--;
	if (mask)
		l->nactive++;
	s->watched = true;
	s->mask = mask;
	s->fn = fn;
	s->data = data;
	return 0;
}

int cp_loop_unwatch(struct cp_loop *l, int fd)
{
	struct cp_fdslot *s;

	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd].watched) {
		errno = ENOENT;
		return -1;
	}
	s = &l->fds[fd];
	epoll_drop(l, fd, s);
	if (s->mask)
		l->nactive--;
	s->gen++;
	s->watched = false;
	s->mask = 0;
	s->fn = NULL;
	s->data = NULL;
	return 0;
}

unsigned cp_loop_mask(const struct cp_loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd].watched)
		return 0;
	return l->fds[fd].mask;
}

/* Dispatch one epoll event, unless it went stale earlier in the batch. */
static int dispatch_fd(struct cp_loop *l, const struct epoll_event *ev)
{
	int fd = (int)(uint32_t)ev->data.u64;
	uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
	struct cp_fdslot *s;
	unsigned got = 0;

	if ((size_t)fd >= l->nfds)
		return 0;
	s = &l->fds[fd];
	if (!s->watched || !s->in_epoll || s->gen != gen || s->mask == 0)
		return 0;
	if (ev->events & EPOLLIN)
		got |= CP_EV_READ;
	if (ev->events & EPOLLOUT)
		got |= CP_EV_WRITE;
	got &= s->mask;
	if (ev->events & (EPOLLERR | EPOLLHUP))
		got |= CP_EV_ERROR | s->mask;
	if (!got)
		return 0;
	/* The callback may grow l->fds, so s must not be used after it. */
	s->fn(l, fd, got, s->data);
	return 1;
}

/* ---- timers ---- */

static bool timer_before(const struct cp_loop *l, uint32_t a, uint32_t b)
{
	const struct cp_timer *x = &l->timers[a], *y = &l->timers[b];

	return x->expire < y->expire || (x->expire == y->expire && x->seq < y->seq);
}

static void heap_put(struct cp_loop *l, size_t i, uint32_t slot)
{
	l->heap[i] = slot;
	l->timers[slot].link = (uint32_t)i;
}

static void sift_up(struct cp_loop *l, size_t i)
{
	uint32_t slot = l->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!timer_before(l, slot, l->heap[parent]))
			break;
		heap_put(l, i, l->heap[parent]);
		i = parent;
	}
	heap_put(l, i, slot);
}

static void sift_down(struct cp_loop *l, size_t i)
{
	uint32_t slot = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && timer_before(l, l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_before(l, l->heap[c], slot))
			break;
		heap_put(l, i, l->heap[c]);
		i = c;
	}
	heap_put(l, i, slot);
}

static void heap_remove(struct cp_loop *l, size_t i)
{
	l->nheap--;
	if (i == l->nheap)
		return;
	heap_put(l, i, l->heap[l->nheap]);
	/* The moved entry may belong above or below its new place. */
	if (i > 0 && timer_before(l, l->heap[i], l->heap[(i - 1) / 2]))
		sift_up(l, i);
	else
		sift_down(l, i);
}

static void timer_release(struct cp_loop *l, uint32_t slot)
{
	struct cp_timer *t = &l->timers[slot];

	t->fn = NULL;
	t->data = NULL;
	t->gen++;
	t->link = l->freelist;
	l->freelist = slot;
}

static int timers_grow(struct cp_loop *l)
{
	size_t n = l->ntimers ? l->ntimers * 2 : 64;
	struct cp_timer *t;
	uint32_t *h;

	/* Slot numbers are 32-bit, with CP_NOIDX reserved. */
	if (n >= CP_NOIDX || n > SIZE_MAX / sizeof *t) {
		errno = ENOMEM;
		return -1;
	}
	h = realloc(l->heap, n * sizeof *h);
	if (!h)
		return -1;
	l->heap = h;
	t = realloc(l->timers, n * sizeof *t);
	if (!t)
		return -1;
	memset(t + l->ntimers, 0, (n - l->ntimers) * sizeof *t);
	l->timers = t;
	/* Thread the new slots onto the free list, lowest first. */
	for (size_t i = n; i-- > l->ntimers;) {
		t[i].link = l->freelist;
		l->freelist = (uint32_t)i;
	}
	l->ntimers = n;
	return 0;
}

uint64_t cp_loop_timer_add(struct cp_loop *l, uint64_t delay_ms, cp_timer_fn fn, void *data)
{
	struct cp_timer *t;
	uint32_t slot;

	if (!fn) {
		errno = EINVAL;
		return 0;
	}
	if (l->freelist == CP_NOIDX && timers_grow(l))
		return 0;
	slot = l->freelist;
	t = &l->timers[slot];
	l->freelist = t->link;
	t->expire = delay_ms > UINT64_MAX - l->now ? UINT64_MAX : l->now + delay_ms;
	t->seq = ++l->seq;
	t->fn = fn;
	t->data = data;
	l->heap[l->nheap++] = slot;
	sift_up(l, l->nheap - 1);
	return ((uint64_t)t->gen << 32) | ((uint64_t)slot + 1);
}

uint64_t cp_loop_defer(struct cp_loop *l, cp_timer_fn fn, void *data)
{
	return cp_loop_timer_add(l, 0, fn, data);
}

void cp_loop_timer_cancel(struct cp_loop *l, uint64_t id)
{
	uint64_t slot = (id & 0xffffffffu);
	struct cp_timer *t;

	if (slot == 0 || slot > l->ntimers)
		return;
	slot--;
	t = &l->timers[slot];
	if (!t->fn || t->gen != (uint32_t)(id >> 32))
		return;
	heap_remove(l, t->link);
	timer_release(l, (uint32_t)slot);
}

/*
 * Fire the timers due now, in (expiry, sequence) order.  Timers added by
 * these callbacks have a sequence above 'last' and wait for the next pass;
 * since their expiry is never before now, once one of them is at the top
 * no older due timer remains behind it.
 */
static int run_timers(struct cp_loop *l)
{
	uint64_t last = l->seq;
	int n = 0;

	while (l->nheap) {
		uint32_t slot = l->heap[0];
		struct cp_timer *t = &l->timers[slot];
		cp_timer_fn fn;
		void *data;

		if (t->expire > l->now || t->seq > last)
			break;
		fn = t->fn;
		data = t->data;
		heap_remove(l, 0);
		/* Released before the call, so cancelling itself is a no-op. */
		timer_release(l, slot);
		fn(l, data);
		n++;
	}
	return n;
}

/* ---- running ---- */

static int wait_ms(const struct cp_loop *l, int max_wait_ms)
{
	uint64_t d;

	if (!l->nheap)
		return max_wait_ms < 0 ? -1 : max_wait_ms;
	d = l->timers[l->heap[0]].expire;
	d = d > l->now ? d - l->now : 0;
	if (d > INT_MAX)
		d = INT_MAX;
	if (max_wait_ms >= 0 && (uint64_t)max_wait_ms < d)
		d = (uint64_t)max_wait_ms;
	return (int)d;
}

int cp_loop_run_once(struct cp_loop *l, int max_wait_ms)
{
	int n, ran = 0;

	cp_loop_update_now(l);
	if (!l->nactive && !l->nheap)
		return 0;
	n = epoll_wait(l->epfd, l->evs, CP_LOOP_BATCH, wait_ms(l, max_wait_ms));
	if (n < 0) {
		if (errno != EINTR)
			return -1;
		n = 0;
	}
	cp_loop_update_now(l);
	for (int i = 0; i < n; i++)
		ran += dispatch_fd(l, &l->evs[i]);
	ran += run_timers(l);
	return ran;
}

int cp_loop_run(struct cp_loop *l)
{
	int rc = 0;

	while (!l->stop && (l->nactive || l->nheap)) {
		if (cp_loop_run_once(l, -1) < 0) {
			rc = -1;
			break;
		}
	}
	l->stop = false;
	return rc;
}

void cp_loop_stop(struct cp_loop *l)
{
	l->stop = true;
}
