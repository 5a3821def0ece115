/* SPDX-License-Identifier: MIT */
/*
 * bench/relay: a loopback TCP relay that adds a fixed one-way delay to each
 * direction, for cipherprobe's benchmarks on a kernel without netem.
 *
 *   relay [-d MS] [-t SECONDS] [-s STATSFILE] [-l CONNLOG [-x]] [-n] MAP...
 *   MAP = [LISTENADDR:]LISTENPORT=TARGETPORT[,TARGETPORT...][@TARGETADDR]
 *
 * Several target ports (at most 64): the connections go to them in turn, as
 * to the worker processes of one server (for servers that handle one
 * handshake at a time, like gnutls-serv and openssl s_server).
 *
 * LISTENADDR and TARGETADDR default to 127.0.0.1 and must be loopback
 * (127.0.0.0/8); LISTENPORT 0 picks an ephemeral port.  For each MAP it
 * prints "LISTEN i LADDR:LPORT TADDR:TPORT", then "READY ... start_us=T" (T:
 * CLOCK_MONOTONIC in microseconds, the origin of CONNLOG times), on stdout.
 *
 * Delay model (-d MS, default 25: a 2*MS round trip):
 *   - every chunk of bytes, and the end of stream (FIN), read on one side is
 *     written to the other side MS milliseconds after it was read;
 *   - the kernel completes the TCP handshake before accept(), so the client's
 *     connect() returns at once instead of after one round trip.  The relay
 *     charges that round trip to the first bytes: nothing from the client
 *     reaches the server before accept + 2*MS (the client's connect would have
 *     returned at accept + 2*MS, its hello arrives MS later).  -n turns this
 *     off (then a connection costs one round trip less than on a real path).
 *   - the connection to the server is opened when the first client bytes (or
 *     its FIN) are due, so a server that serves one connection at a time is
 *     not held by connections that have not reached it yet.
 *
 * Counting: per MAP, connections accepted and connections on which the
 * client sent at least one byte ("hellos").  SIGUSR1 writes the table to
 * STATSFILE (via a temporary file and rename), SIGTERM/SIGINT write it and
 * exit; "-t SECONDS" (default 3600) is a lifetime after which the relay
 * writes the table and exits by itself.
 * STATSFILE lines: "i lport tport conns hellos bytes_up bytes_down", then
 * "# peak_open N total_conns N".
 *
 * CONNLOG (-l) gets one line per connection when it ends: "i accept_us
 * first_byte_us close_us bytes_up bytes_down answer_us" (microseconds since
 * the relay started; first_byte_us -1 when the client sent nothing;
 * answer_us: when the server's first bytes were delivered to the client, -1
 * when the server sent nothing); it is flushed with the stats.  With -x, each line also carries the first 2048 bytes the
 * client sent and the first 256 the server sent, in hex ("-" when none), so
 * a bench can tell which hello each probe was and how the server answered.
 *
 * Buffers are bounded: a side stops being read while more than 256 KiB
 * from it wait in the delay queue.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 16384
#define QUEUE_MAX (256 * 1024)
#define MAX_EVENTS 256

enum kind { K_LISTEN, K_DOWN, K_UP, K_SIGNAL, K_TIMER };
enum dir { C2S = 0, S2C = 1 };

struct chunk {
	struct chunk *next;
	uint64_t due_us;
	size_t len, off;
	bool fin;
	unsigned char data[];
};

struct map;
struct conn;

struct end { /* what an epoll event points to */
	enum kind kind;
	int fd;
	uint32_t events; /* registered events */
	struct conn *c;
	struct map *m;
};

struct queue {
	struct chunk *head, *tail;
	size_t bytes;
	bool eof_read; /* FIN (or error) read from the source */
	bool fin_sent; /* FIN delivered to the destination */
};

struct conn {
	struct end down; /* client side (accepted) */
	struct end up;   /* server side (connected by us) */
	struct map *m;
	struct queue q[2];
	uint64_t accepted_us, first_us,
		answer_us; /* answer_us: 0 until the first S2C bytes go out */
	unsigned long up_bytes, down_bytes;
	unsigned char *cap[2]; /* -x: first bytes of each direction */
	size_t ncap[2];
	bool up_started, up_connected, counted_hello, closed;
	unsigned refs;          /* heap entries pointing here */
	struct conn *dead_next; /* closed during this epoll batch */
	bool in_dead;
};

struct map {
	struct end l;
	struct sockaddr_in laddr, taddr;
	uint16_t tports[64]; /* more than one: round robin */
	size_t ntports, rr;
	unsigned long conns, hellos, bytes_up, bytes_down;
};

struct hent {
	uint64_t due_us;
	struct conn *c;
	int dir;
};

static int ep;
static uint64_t delay_us = 25000;
static bool connect_rtt = true;
static struct map *maps;
static size_t nmaps;
static const char *statsfile;
static FILE *connlog;
static bool capture;
static const size_t cap_max[2] = { 2048, 256 };
static uint64_t start_us;
static unsigned long open_conns, peak_open, total_conns;
static struct hent *heap;
static size_t nheap, capheap;
static struct end timer_end, signal_end;
static uint64_t armed_us = UINT64_MAX;
static struct conn *dead; /* closed, not yet freed */

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void die(const char *what)
{
	fprintf(stderr, "relay: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		fprintf(stderr, "relay: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- heap of due deliveries ---- */

static void heap_push(uint64_t due, struct conn *c, int dir)
{
	if (nheap == capheap) {
		capheap = capheap ? capheap * 2 : 1024;
		struct hent *n = realloc(heap, capheap * sizeof *n);
		if (!n) {
			fprintf(stderr, "relay: out of memory\n");
			exit(1);
		}
		heap = n;
	}
	size_t i = nheap++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (heap[p].due_us <= due)
			break;
		heap[i] = heap[p];
		i = p;
	}
	heap[i] = (struct hent){ due, c, dir };
	c->refs++;
}

static struct hent heap_pop(void)
{
	struct hent top = heap[0], last = heap[--nheap];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		uint64_t md = last.due_us;
		if (l < nheap && heap[l].due_us < md) {
			m = l;
			md = heap[l].due_us;
		}
		if (r < nheap && heap[r].due_us < md)
			m = r;
		if (m == i)
			break;
		heap[i] = heap[m];
		i = m;
	}
	if (nheap)
		heap[i] = last;
	return top;
}

static void arm_timer(void)
{
	uint64_t want = nheap ? heap[0].due_us : UINT64_MAX;
	if (want == armed_us)
		return;
	struct itimerspec its = { 0 };
	if (want != UINT64_MAX) {
		its.it_value.tv_sec = (time_t)(want / 1000000u);
		its.it_value.tv_nsec = (long)(want % 1000000u) * 1000;
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(timer_end.fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		die("timerfd_settime");
	armed_us = want;
}

/* ---- epoll helpers ---- */

static void ep_set(struct end *e, uint32_t events)
{
	if (e->fd < 0 || e->events == events)
		return;
	struct epoll_event ev = { .events = events, .data.ptr = e };
	int op = e->events == 0xFFFFFFFFu ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
	if (epoll_ctl(ep, op, e->fd, &ev) < 0)
		die("epoll_ctl");
	e->events = events;
}

/* ---- connections ---- */

/* Called only between epoll batches: a conn closed in a batch may still be
 * named by later events of the same batch. */
static void conn_free_if_done(struct conn *c)
{
	if (!c->closed || c->refs)
		return;
	for (int d = 0; d < 2; d++) {
		for (struct chunk *k = c->q[d].head, *n; k; k = n) {
			n = k->next;
			free(k);
		}
		free(c->cap[d]);
	}
	free(c);
}

static void conn_close(struct conn *c)
{
	if (c->closed)
		return;
	c->closed = true;
	if (c->down.fd >= 0)
		close(c->down.fd);
	if (c->up.fd >= 0)
		close(c->up.fd);
	c->down.fd = c->up.fd = -1;
	open_conns--;
	if (connlog)
		fprintf(connlog, "%zu %llu %lld %llu %lu %lu %lld", (size_t)(c->m - maps),
			(unsigned long long)(c->accepted_us - start_us),
			c->counted_hello ? (long long)(c->first_us - start_us) : -1LL,
			(unsigned long long)(now_us() - start_us), c->up_bytes, c->down_bytes,
			c->answer_us ? (long long)(c->answer_us - start_us) : -1LL);
	if (connlog && capture) {
		for (int d = 0; d < 2; d++) {
			fputc(' ', connlog);
			if (!c->ncap[d])
				fputc('-', connlog);
			for (size_t i = 0; i < c->ncap[d]; i++)
				fprintf(connlog, "%02x", c->cap[d][i]);
		}
	}
	if (connlog)
		fputc('\n', connlog);
	c->dead_next = dead;
	c->in_dead = true;
	dead = c;
}

static void sweep_dead(void)
{
	while (dead) {
		struct conn *c = dead;
		dead = c->dead_next;
		c->in_dead = false;
		conn_free_if_done(c); /* else the last heap entry frees it */
	}
}

static struct end *src_end(struct conn *c, int d)
{
	return d == C2S ? &c->down : &c->up;
}
static struct end *dst_end(struct conn *c, int d)
{
	return d == C2S ? &c->up : &c->down;
}

/* Events a side wants: read while its queue has room and no FIN was read;
 * write while the queue towards it has due data that did not fit. */
static void update_events(struct conn *c, struct end *e, bool want_out)
{
	if (c->closed || e->fd < 0)
		return;
	int d_src = e == &c->down ? C2S : S2C;
	uint32_t ev = 0;
	if (!c->q[d_src].eof_read && c->q[d_src].bytes < QUEUE_MAX &&
	    (e != &c->up || c->up_connected))
		ev |= EPOLLIN;
	if (want_out)
		ev |= EPOLLOUT;
	ep_set(e, ev);
}

static void start_upstream(struct conn *c)
{
	c->up_started = true;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		conn_close(c);
		return;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->up.fd = fd;
	struct sockaddr_in ta = c->m->taddr;
	if (c->m->ntports > 1)
		ta.sin_port = htons(c->m->tports[c->m->rr++ % c->m->ntports]);
	if (connect(fd, (struct sockaddr *)&ta, sizeof ta) == 0) {
		c->up_connected = true;
		ep_set(&c->up, EPOLLIN);
	} else if (errno == EINPROGRESS) {
		ep_set(&c->up, EPOLLOUT);
	} else {
		conn_close(c);
	}
}

/* Write what is due in direction d; returns false when the conn closed. */
static bool flush(struct conn *c, int d)
{
	if (c->closed)
		return false;
	struct queue *q = &c->q[d];
	struct end *dst = dst_end(c, d);
	uint64_t now = now_us();
	if (d == C2S && !c->up_started) {
		if (!q->head || q->head->due_us > now)
			return true;
		start_upstream(c);
		if (c->closed)
			return false;
	}
	if (d == C2S && !c->up_connected)
		return true; /* the connect's EPOLLOUT flushes */
	bool blocked = false;
	while (q->head && q->head->due_us <= now) {
		struct chunk *k = q->head;
		if (k->fin) {
			shutdown(dst->fd, SHUT_WR);
			q->fin_sent = true;
		} else {
			ssize_t n = send(dst->fd, k->data + k->off, k->len - k->off, MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				blocked = true;
				break;
			}
			if (n < 0) {
				conn_close(c);
				return false;
			}
			if (d == S2C && n > 0 && !c->answer_us)
				c->answer_us = now;
			k->off += (size_t)n;
			if (k->off < k->len) {
				blocked = true;
				break;
			}
		}
		q->head = k->next;
		if (!q->head)
			q->tail = NULL;
		q->bytes -= k->len;
		free(k);
	}
	if (c->q[C2S].fin_sent && c->q[S2C].fin_sent) {
		conn_close(c);
		return false;
	}
	update_events(c, dst, blocked);
	update_events(c, src_end(c, d),
		      src_end(c, d)->events != 0xFFFFFFFFu && (src_end(c, d)->events & EPOLLOUT));
	return true;
}

static void enqueue(struct conn *c, int d, const unsigned char *data, size_t len, bool fin)
{
	struct queue *q = &c->q[d];
	struct chunk *k = xmalloc(sizeof *k + len);
	uint64_t now = now_us(), due = now;
	if (d == C2S && connect_rtt && due < c->accepted_us + 2 * delay_us)
		due = c->accepted_us +
		      2 * delay_us; /* the client could not send before its connect returned */
	due += delay_us;
	if (q->tail && q->tail->due_us > due)
		due = q->tail->due_us; /* keep order */
	k->next = NULL;
	k->due_us = due;
	k->len = len;
	k->off = 0;
	k->fin = fin;
	if (len)
		memcpy(k->data, data, len);
	if (q->tail)
		q->tail->next = k;
	else
		q->head = k;
	q->tail = k;
	q->bytes += len;
	heap_push(due, c, d);
}

static void on_readable(struct conn *c, int d)
{
	struct end *src = src_end(c, d);
	struct queue *q = &c->q[d];
	unsigned char buf[CHUNK];
	while (!c->closed && !q->eof_read && q->bytes < QUEUE_MAX) {
		ssize_t n = recv(src->fd, buf, sizeof buf, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) { /* end of stream or reset: pass an end of stream on */
			q->eof_read = true;
			enqueue(c, d, NULL, 0, true);
			break;
		}
		if (d == C2S) {
			c->m->bytes_up += (unsigned long)n;
			c->up_bytes += (unsigned long)n;
			if (!c->counted_hello) {
				c->counted_hello = true;
				c->first_us = now_us();
				c->m->hellos++;
			}
		} else {
			c->m->bytes_down += (unsigned long)n;
			c->down_bytes += (unsigned long)n;
		}
		if (capture && c->ncap[d] < cap_max[d]) {
			if (!c->cap[d])
				c->cap[d] = xmalloc(cap_max[d]);
			size_t take = cap_max[d] - c->ncap[d];
			if (take > (size_t)n)
				take = (size_t)n;
			memcpy(c->cap[d] + c->ncap[d], buf, take);
			c->ncap[d] += take;
		}
		enqueue(c, d, buf, (size_t)n, false);
	}
	update_events(c, src, (src->events != 0xFFFFFFFFu) && (src->events & EPOLLOUT));
}

static void on_accept(struct map *m)
{
	for (int i = 0; i < 64; i++) {
		int fd = accept4(m->l.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED &&
			    errno != EINTR)
				fprintf(stderr, "relay: accept: %s\n", strerror(errno));
			return;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		struct conn *c = calloc(1, sizeof *c);
		if (!c) {
			close(fd);
			return;
		}
		c->m = m;
		c->accepted_us = now_us();
		c->down = (struct end){ K_DOWN, fd, 0xFFFFFFFFu, c, m };
		c->up = (struct end){ K_UP, -1, 0xFFFFFFFFu, c, m };
		m->conns++;
		total_conns++;
		if (++open_conns > peak_open)
			peak_open = open_conns;
		ep_set(&c->down, EPOLLIN);
	}
}

static void on_up_event(struct conn *c, uint32_t ev)
{
	if (!c->up_connected) {
		int err = 0;
		socklen_t l = sizeof err;
		getsockopt(c->up.fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err) {
			/* the server refused: the client sees its connection end,
			 * one delay later */
			c->q[C2S].eof_read = true;
			c->q[C2S].fin_sent = true;
			for (struct chunk *k = c->q[C2S].head, *n; k; k = n) {
				n = k->next;
				free(k);
			}
			c->q[C2S].head = c->q[C2S].tail = NULL;
			c->q[C2S].bytes = 0;
			ep_set(&c->up, 0);
			if (!c->q[S2C].eof_read) {
				c->q[S2C].eof_read = true;
				enqueue(c, S2C, NULL, 0, true);
			}
			return;
		}
		c->up_connected = true;
		ep_set(&c->up, EPOLLIN);
		if (!flush(c, C2S))
			return;
	}
	if (ev & EPOLLOUT && !flush(c, C2S))
		return;
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
		on_readable(c, S2C);
}

static void on_down_event(struct conn *c, uint32_t ev)
{
	if (ev & EPOLLOUT && !flush(c, S2C))
		return;
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
		on_readable(c, C2S);
}

/* ---- stats ---- */

static void write_stats(void)
{
	if (connlog)
		fflush(connlog);
	if (!statsfile)
		return;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", statsfile);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "relay: %s: %s\n", tmp, strerror(errno));
		return;
	}
	for (size_t i = 0; i < nmaps; i++)
		fprintf(f, "%zu %u %u %lu %lu %lu %lu\n", i, ntohs(maps[i].laddr.sin_port),
			ntohs(maps[i].taddr.sin_port), maps[i].conns, maps[i].hellos,
			maps[i].bytes_up, maps[i].bytes_down);
	fprintf(f, "# peak_open %lu total_conns %lu open %lu\n", peak_open, total_conns,
		open_conns);
	if (fclose(f) != 0 || rename(tmp, statsfile) != 0)
		fprintf(stderr, "relay: writing %s: %s\n", statsfile, strerror(errno));
}

/* ---- setup ---- */

static bool is_loopback(struct in_addr a)
{
	return (ntohl(a.s_addr) >> 24) == 127;
}

static int parse_addr(const char *s, size_t n, struct in_addr *out)
{
	char b[64];
	if (n >= sizeof b)
		return -1;
	memcpy(b, s, n);
	b[n] = 0;
	if (inet_pton(AF_INET, b, out) != 1 || !is_loopback(*out))
		return -1;
	return 0;
}

static int parse_map(const char *spec, struct map *m)
{
	const char *eq = strchr(spec, '=');
	if (!eq)
		return -1;
	struct in_addr la = { htonl(INADDR_LOOPBACK) }, ta = { htonl(INADDR_LOOPBACK) };
	const char *colon = memchr(spec, ':', (size_t)(eq - spec));
	const char *lp = spec;
	if (colon) {
		if (parse_addr(spec, (size_t)(colon - spec), &la))
			return -1;
		lp = colon + 1;
	}
	char *end;
	long lport = strtol(lp, &end, 10);
	if (end != eq || lport < 0 || lport > 65535)
		return -1;
	uint16_t tports[64];
	size_t ntports = 0;
	long tport;
	end = (char *)eq;
	do {
		tport = strtol(end + 1, &end, 10);
		if (tport <= 0 || tport > 65535 || ntports == 64)
			return -1;
		tports[ntports++] = (uint16_t)tport;
	} while (*end == ',');
	tport = tports[0];
	if (*end == '@') {
		if (parse_addr(end + 1, strlen(end + 1), &ta))
			return -1;
	} else if (*end) {
		return -1;
	}
	memset(m, 0, sizeof *m);
	m->laddr.sin_family = m->taddr.sin_family = AF_INET;
	m->laddr.sin_addr = la;
	m->laddr.sin_port = htons((uint16_t)lport);
	m->taddr.sin_addr = ta;
	m->taddr.sin_port = htons((uint16_t)tport);
	memcpy(m->tports, tports, ntports * sizeof tports[0]);
	m->ntports = ntports;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: relay [-d MS] [-t SECONDS] [-s STATSFILE] [-l CONNLOG [-x]] [-n] "
			"[LADDR:]LPORT=TPORT[,TPORT...][@TADDR]...\n");
	exit(64);
}

int main(int argc, char **argv)
{
	long lifetime = 3600;
	int opt;
	start_us = now_us();
	while ((opt = getopt(argc, argv, "d:t:s:l:nx")) != -1) {
		switch (opt) {
		case 'd': delay_us = (uint64_t)(atof(optarg) * 1000.0); break;
		case 't': lifetime = atol(optarg); break;
		case 's': statsfile = optarg; break;
		case 'n': connect_rtt = false; break;
		case 'x': capture = true; break;
		case 'l':
			connlog = fopen(optarg, "w");
			if (!connlog)
				die(optarg);
			break;
		default: usage();
		}
	}
	if (optind >= argc || lifetime <= 0)
		usage();
	nmaps = (size_t)(argc - optind);
	maps = calloc(nmaps, sizeof *maps);
	if (!maps)
		die("calloc");
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	for (size_t i = 0; i < nmaps; i++) {
		struct map *m = &maps[i];
		if (parse_map(argv[optind + (int)i], m)) {
			fprintf(stderr, "relay: bad map '%s' (addresses must be 127.x.x.x)\n",
				argv[optind + (int)i]);
			return 64;
		}
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			die("socket");
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, (struct sockaddr *)&m->laddr, sizeof m->laddr) < 0)
			die("bind");
		if (listen(fd, 4096) < 0)
			die("listen");
		socklen_t l = sizeof m->laddr;
		getsockname(fd, (struct sockaddr *)&m->laddr, &l);
		m->l = (struct end){ K_LISTEN, fd, 0xFFFFFFFFu, NULL, m };
		ep_set(&m->l, EPOLLIN);
		char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &m->laddr.sin_addr, a, sizeof a);
		inet_ntop(AF_INET, &m->taddr.sin_addr, b, sizeof b);
		printf("LISTEN %zu %s:%u %s:%u\n", i, a, ntohs(m->laddr.sin_port), b,
		       ntohs(m->taddr.sin_port));
	}

	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR1);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal_end = (struct end){ K_SIGNAL, signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC),
				   0xFFFFFFFFu, NULL, NULL };
	timer_end =
		(struct end){ K_TIMER, timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC),
			      0xFFFFFFFFu, NULL, NULL };
	if (signal_end.fd < 0 || timer_end.fd < 0)
		die("signalfd/timerfd");
	ep_set(&signal_end, EPOLLIN);
	ep_set(&timer_end, EPOLLIN);
	printf("READY delay_ms=%.3f connect_rtt=%s start_us=%llu\n", (double)delay_us / 1000.0,
	       connect_rtt ? "yes" : "no", (unsigned long long)start_us);
	fflush(stdout);

	uint64_t deadline = now_us() + (uint64_t)lifetime * 1000000u;
	struct epoll_event evs[MAX_EVENTS];
	for (;;) {
		uint64_t now = now_us();
		if (now >= deadline) {
			fprintf(stderr, "relay: lifetime of %lds reached, exiting\n", lifetime);
			break;
		}
		int wait_ms = (int)((deadline - now) / 1000u) + 1;
		if (wait_ms > 1000)
			wait_ms = 1000;
		int n = epoll_wait(ep, evs, MAX_EVENTS, wait_ms);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		bool quit = false;
		for (int i = 0; i < n; i++) {
			struct end *e = evs[i].data.ptr;
			switch (e->kind) {
			case K_LISTEN: on_accept(e->m); break;
			case K_DOWN:
				if (!e->c->closed)
					on_down_event(e->c, evs[i].events);
				break;
			case K_UP:
				if (!e->c->closed)
					on_up_event(e->c, evs[i].events);
				break;
			case K_TIMER: {
				uint64_t x;
				while (read(e->fd, &x, sizeof x) > 0)
					;
				armed_us = UINT64_MAX;
				break;
			}
			case K_SIGNAL: {
				struct signalfd_siginfo si;
				while (read(e->fd, &si, sizeof si) == (ssize_t)sizeof si) {
					if (si.ssi_signo == SIGUSR1)
						write_stats();
					else
						quit = true;
				}
				break;
			}
			}
		}
		now = now_us();
		while (nheap && heap[0].due_us <= now) {
			struct hent h = heap_pop();
			h.c->refs--;
			if (!h.c->closed)
				flush(h.c, h.dir);
			else if (!h.c->in_dead)
				conn_free_if_done(h.c);
		}
		sweep_dead();
		arm_timer();
		if (quit)
			break;
	}
	write_stats();
	fprintf(stderr, "relay: %lu connections, peak %lu open\n", total_conns, peak_open);
	return 0;
}
