/* SPDX-License-Identifier: MIT */
/*
 * cp_loop: a small single-threaded reactor on epoll, in the style of redis
 * ae.h: file descriptors with an interest mask, a callback and a data
 * pointer, plus one-shot millisecond timers.
 *
 * Threading: a loop and everything registered on it belong to one thread.
 *
 * Reentrancy: every function here may be called from inside any loop
 * callback (I/O or timer), including on the fd or timer that is being
 * dispatched.  In particular:
 *   - after cp_loop_unwatch(fd) returns, no callback registered for that
 *     registration runs again, even if epoll already reported an event for
 *     fd in the batch being dispatched; if fd is closed and its number is
 *     reused and watched again in the same iteration, the stale event is
 *     dropped and the new callback only sees events of the new file;
 *   - after cp_loop_timer_cancel(id) returns, that timer never fires.
 *   - cp_loop_free() must not be called from inside a callback.
 *
 * Level-triggered: a readable fd keeps being reported until it is drained or
 * its mask drops CP_EV_READ; the same holds for writable.
 *
 * Time: cp_loop_now() is a monotonic millisecond clock sampled once per
 * iteration (before dispatch), so timers added from callbacks count from
 * the start of the current iteration, not from the instant of the call.
 */
#ifndef CP_NET_LOOP_H
#define CP_NET_LOOP_H

#include <stdint.h>

struct cp_loop;

/* Interest and event bits. */
enum {
	CP_EV_READ = 1,
	CP_EV_WRITE = 2,
	/*
	 * Delivered only, never part of a mask: EPOLLERR or EPOLLHUP.  It is
	 * delivered together with the READ/WRITE bits of the current mask, so
	 * a callback that simply reads or writes sees the error (or EOF) from
	 * the system call.  A callback that ignores it spins: it should
	 * unwatch (or close) the fd.
	 */
	CP_EV_ERROR = 4,
};

/*
 * I/O callback: events is a subset of the fd's current mask, plus
 * CP_EV_ERROR.  All ready bits for fd arrive in one call.
 */
typedef void (*cp_io_fn)(struct cp_loop *l, int fd, unsigned events, void *data);
typedef void (*cp_timer_fn)(struct cp_loop *l, void *data);

/* A new loop, or NULL with errno set (ENOMEM, or from epoll_create1). */
struct cp_loop *cp_loop_new(void);
/*
 * Frees the loop, its timers and its fd table.  Does not close watched
 * fds and runs no callbacks: their owners must release them first.
 */
void cp_loop_free(struct cp_loop *l);

/*
 * Watch fd for the events in mask (CP_EV_READ | CP_EV_WRITE), calling fn
 * with data.  Adds fd, or replaces the mask, fn and data of an fd already
 * watched.  mask 0 keeps the registration (fn, data) but removes fd from
 * epoll, so it reports nothing, not even errors, and does not keep
 * cp_loop_run() alive.  The fd table grows as needed.
 * Returns 0, or -1 with errno (EBADF for a negative fd, EINVAL for unknown
 * mask bits or a NULL fn, ENOMEM, or from epoll_ctl: EPERM for regular files).
 */
int cp_loop_watch(struct cp_loop *l, int fd, unsigned mask, cp_io_fn fn, void *data);
/*
 * Forget fd.  Call it before close(fd).  Returns 0, or -1 with errno ENOENT
 * if fd was not watched.  Safe inside callbacks (see above).
 */
int cp_loop_unwatch(struct cp_loop *l, int fd);
/* The current mask of fd, or 0 if it is not watched. */
unsigned cp_loop_mask(const struct cp_loop *l, int fd);

/*
 * One-shot timer: fn(l, data) runs once, on the first iteration at or
 * after cp_loop_now() + delay_ms.  Timers due at the same millisecond run
 * in the order they were added.  A timer added from a timer callback never
 * runs in the same pass, even with delay 0, so a timer that re-arms itself
 * cannot starve I/O.  Returns a nonzero id, or 0 with errno ENOMEM.
 * Add and cancel are O(log n).
 */
uint64_t cp_loop_timer_add(struct cp_loop *l, uint64_t delay_ms, cp_timer_fn fn, void *data);
/* Cancel a pending timer.  Unknown, fired or already cancelled ids (and 0) are a no-op. */
void cp_loop_timer_cancel(struct cp_loop *l, uint64_t id);
/*
 * Run fn(l, data) on the next iteration, after its I/O: a way out of
 * reentrancy (e.g. to free an object from outside its own callback).  It is
 * a timer with delay 0, so the id it returns can be cancelled the same way.
 */
uint64_t cp_loop_defer(struct cp_loop *l, cp_timer_fn fn, void *data);

/* Monotonic milliseconds (arbitrary epoch), sampled once per iteration. */
uint64_t cp_loop_now(const struct cp_loop *l);
/* Sample the clock now, for callers that ran long and want exact timers. */
uint64_t cp_loop_update_now(struct cp_loop *l);

/*
 * One iteration: wait for I/O (at most max_wait_ms, or the next timer; -1
 * means no bound but the next timer; 0 polls), dispatch the ready fds, then
 * the due timers.  If nothing is watched and no timer is pending it returns
 * at once rather than sleep forever.  Returns the number of callbacks run,
 * or -1 with errno if epoll_wait failed (EINTR is not a failure: it counts
 * as an iteration with no I/O).
 */
int cp_loop_run_once(struct cp_loop *l, int max_wait_ms);
/*
 * Iterate until cp_loop_stop() is called or nothing is left to wait for (no
 * fd with a nonzero mask and no pending timer).  Returns 0, or -1 with errno
 * if epoll_wait failed.
 */
int cp_loop_run(struct cp_loop *l);
/*
 * Make cp_loop_run() return after the current iteration.  Called while the
 * loop is not running, the next cp_loop_run() returns at once.  Either way
 * the request is consumed: the cp_loop_run() after that runs normally.
 */
void cp_loop_stop(struct cp_loop *l);

/* Counts, for tests and for callers deciding whether work remains. */
unsigned cp_loop_active_fds(const struct cp_loop *l);
unsigned cp_loop_pending_timers(const struct cp_loop *l);

#endif
