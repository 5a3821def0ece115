/* SPDX-License-Identifier: MIT */
/*
 * tlsfake: a scripted TLS server for cipherprobe's tests.
 *
 * It answers ClientHellos the way no Debian TLS stack still will (SSLv3,
 * RC4, EXPORT, SSLv2) and misbehaves on purpose (stalls, resets, lies,
 * oversized records), so each of the scanner's edge cases has a peer to
 * meet.  One process, one thread, non-blocking sockets on epoll; every
 * listener binds an ephemeral port on loopback only.  README.md is the
 * manual; this file is the event loop, the sockets and the statistics.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tf_answer.h"
#include "tf_config.h"
#include "tf_hello.h"
#include "tf_keys.h"

#define TF_MAX_LISTENERS 64
#define TF_MAX_CONNS 20000
#define TF_MAX_RECS 65536 /* per-connection stats lines per listener */
#define TF_READ_CHUNK 16384
#define TF_READS_PER_EVENT 16

enum ev_kind { EV_LISTENER = 1, EV_CONN, EV_SIGNAL };

/* What the stats file says about one connection. */
struct conn_rec {
	uint32_t hello_len;
	uint32_t suites;
	uint8_t format; /* 0 none, 1 tls, 2 sslv2 */
};

struct listener {
	int kind; /* EV_LISTENER; first, for epoll dispatch */
	int fd;
	uint16_t port;
	struct tf_cfg cfg;
	unsigned long accepted;
	unsigned long hellos;
	unsigned long open;
	unsigned long max_open;
	struct conn_rec *recs;
	size_t nrecs;
	size_t caprecs;
	unsigned long recs_dropped;
};

enum phase {
	PH_HELLO, /* reading a ClientHello */
	PH_SEND,  /* a reply is queued (maybe delayed or paced) */
	PH_WAIT,  /* answered; discard input until EOF or idle */
	PH_DRAIN  /* half-closed; discard input until EOF or idle */
};

struct conn {
	int kind; /* EV_CONN */
	int fd;
	struct listener *l;
	struct conn *prev, *next;
	unsigned long id; /* 1-based, per listener */
	size_t rec;       /* index in l->recs, or SIZE_MAX */
	enum phase phase;
	int rd_closed; /* the peer half-closed while we still send */
	int out_armed; /* EPOLLOUT registered */
	struct tf_reasm ra;
	struct tf_session sess;
	struct tf_reply reply;
	size_t sent;
	uint64_t send_at; /* ms: when the next bytes may go */
	uint64_t idle_at; /* ms: close when idle past this; 0 never */
};

struct server {
	int ep;
	struct {
		int kind; /* EV_SIGNAL */
		int fd;
	} sig;
	struct listener *ls;
	size_t nls;
	struct conn *conns;
	size_t nconns;
	struct tf_keys *keys;
	uint64_t next_scan; /* earliest connection timer; 0 none */
	const char *stats_path;
	int verbose;
	int stop;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void want_timer(struct server *s, uint64_t at)
{
	if (at && (!s->next_scan || at < s->next_scan))
		s->next_scan = at;
}

static void touch(struct server *s, struct conn *c)
{
	if (c->l->cfg.timeout_ms) {
		c->idle_at = now_ms() + c->l->cfg.timeout_ms;
		want_timer(s, c->idle_at);
	}
}

/* ---- files written for the test scripts ---------------------------- */

/* Writes text to path through a temporary name, so readers never see a
 * partial file (rename(2) is atomic within a directory). */
static int write_atomic(const char *path, const char *text, size_t len)
{
	char tmp[PATH_MAX];
	FILE *f;
	int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());

	if (n < 0 || (size_t)n >= sizeof tmp)
		return -1;
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	if (fwrite(text, 1, len, f) != len) {
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Appends formatted text to a growing heap string; -1 on no memory. */
static int append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf ? *buf + *len : NULL, *buf ? *cap - *len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if (*buf && (size_t)n < *cap - *len) {
			*len += (size_t)n;
			return 0;
		}
		{
			size_t ncap = (*cap ? *cap * 2 : 4096) + (size_t)n;
			char *nb = realloc(*buf, ncap);

			if (!nb)
				return -1;
			*buf = nb;
			*cap = ncap;
		}
	}
}

static int write_port_file(const struct server *s, const char *path)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	for (size_t i = 0; i < s->nls && rc == 0; i++)
		rc = append(&buf, &len, &cap, "%s %u\n", s->ls[i].cfg.name,
			    (unsigned)s->ls[i].port);
	if (rc == 0)
		rc = write_atomic(path, buf ? buf : "", len);
	free(buf);
	return rc;
}

static const char *format_name(uint8_t f)
{
	return f == 1 ? "tls" : f == 2 ? "sslv2" : "none";
}

/*
 * Stats format (README.md): one "listener" line per listener, then one
 * "conn" line per accepted connection in accept order.
 */
static int write_stats(const struct server *s)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	rc = append(&buf, &len, &cap, "# tlsfake stats v1\n");
	for (size_t i = 0; i < s->nls && rc == 0; i++) {
		const struct listener *l = &s->ls[i];

		rc = append(&buf, &len, &cap,
			    "listener %s port=%u behaviour=%s accepted=%lu "
			    "max_concurrent=%lu open=%lu hellos=%lu "
			    "conn_lines_dropped=%lu\n",
			    l->cfg.name, (unsigned)l->port, tf_behaviour_name(l->cfg.behaviour),
			    l->accepted, l->max_open, l->open, l->hellos, l->recs_dropped);
	}
	for (size_t i = 0; i < s->nls && rc == 0; i++) {
		const struct listener *l = &s->ls[i];

		for (size_t j = 0; j < l->nrecs && rc == 0; j++)
			rc = append(&buf, &len, &cap,
				    "conn %s n=%zu hello_len=%u suites=%u format=%s\n", l->cfg.name,
				    j + 1, (unsigned)l->recs[j].hello_len,
				    (unsigned)l->recs[j].suites, format_name(l->recs[j].format));
	}
	if (rc == 0)
		rc = write_atomic(s->stats_path, buf, len);
	free(buf);
	return rc;
}

/* ---- connections ---------------------------------------------------- */

static void conn_close(struct server *s, struct conn *c, int reset)
{
	if (reset) {
		/* SO_LINGER with a zero timeout: close(2) sends RST. */
		struct linger lg = { 1, 0 };

		(void)setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	}
	close(c->fd); /* also leaves the epoll set */
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nconns--;
	c->l->open--;
	tf_reasm_free(&c->ra);
	tf_reply_free(&c->reply);
	free(c);
}

static void set_out(struct server *s, struct conn *c, int on)
{
	struct epoll_event ev;

	if (c->out_armed == on)
		return;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN | (on ? EPOLLOUT : 0);
	ev.data.ptr = c;
	if (epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->out_armed = on;
}

static void log_conn(const struct server *s, const struct conn *c, const char *what)
{
	if (s->verbose)
		fprintf(stderr, "tlsfake: %s #%lu: %s\n", c->l->cfg.name, c->id, what);
}

/* The reply is out: do what the behaviour says next.  0, or -1 closed. */
static int after_reply(struct server *s, struct conn *c)
{
	set_out(s, c, 0);
	switch (c->reply.after) {
	case TF_AFTER_RESET: conn_close(s, c, 1); return -1;
	case TF_AFTER_SHUTDOWN:
		if (c->rd_closed) {
			conn_close(s, c, 0);
			return -1;
		}
		(void)shutdown(c->fd, SHUT_WR);
		c->phase = PH_DRAIN;
		break;
	case TF_AFTER_HELLO2:
		if (c->rd_closed) {
			conn_close(s, c, 0);
			return -1;
		}
		tf_reasm_free(&c->ra);
		tf_reasm_init(&c->ra, 1);
		c->phase = PH_HELLO;
		break;
	case TF_AFTER_WAIT:
		if (c->rd_closed) {
			conn_close(s, c, 0);
			return -1;
		}
		c->phase = PH_WAIT;
		break;
	}
	tf_reply_free(&c->reply);
	tf_reply_init(&c->reply);
	c->sent = 0;
	touch(s, c);
	return 0;
}

/* Sends what may be sent now.  0, or -1 when the connection closed. */
static int conn_send(struct server *s, struct conn *c)
{
	uint64_t now = now_ms();

	/* Before the loop: delay= holds back even an empty answer (reset). */
	if (now < c->send_at) {
		want_timer(s, c->send_at);
		return 0;
	}
	while (c->sent < c->reply.out.len) {
		size_t n = c->reply.out.len - c->sent;
		ssize_t w;

		if (c->reply.pace_ms && c->sent >= c->reply.pace_after)
			n = 1;
		else if (c->reply.pace_ms)
			n = c->reply.pace_after - c->sent;
		w = send(c->fd, c->reply.out.data + c->sent, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				set_out(s, c, 1);
				return 0;
			}
			conn_close(s, c, 0);
			return -1;
		}
		c->sent += (size_t)w;
		if (c->reply.pace_ms && c->sent > c->reply.pace_after &&
		    c->sent < c->reply.out.len) {
			c->send_at = now + c->reply.pace_ms;
			want_timer(s, c->send_at);
			return 0;
		}
	}
	return after_reply(s, c);
}

/* A whole hello arrived (or intake failed with alert): answer it. */
static int on_hello(struct server *s, struct conn *c, enum tf_rx st, uint8_t alert)
{
	struct tf_hello h;
	const struct tf_hello *hp = NULL;
	int parsed = 0;

	memset(&h, 0, sizeof h);
	if (st == TF_RX_DONE) {
		alert = (uint8_t)tf_hello_parse(c->ra.hs.data, c->ra.hs.len, c->ra.v2,
						c->ra.record_version, &h);
		parsed = alert == 0;
		/* A TLS alert means nothing to an SSLv2 client: just close. */
		if (!parsed && c->ra.v2)
			alert = 0;
	}
	if (parsed) {
		hp = &h;
		c->l->hellos++;
		if (c->rec != SIZE_MAX && c->l->recs[c->rec].format == 0) {
			struct conn_rec *r = &c->l->recs[c->rec];

			r->hello_len = (uint32_t)h.msg_len;
			r->suites = (uint32_t)(h.v2 ? h.nkinds : h.nsuites);
			r->format = h.v2 ? 2 : 1;
		}
	}
	tf_reply_free(&c->reply);
	tf_reply_init(&c->reply);
	if (tf_answer(&c->l->cfg, s->keys, hp, alert, &c->sess, &c->reply)) {
		tf_hello_free(&h);
		log_conn(s, c, "cannot build a reply (no memory or keys)");
		conn_close(s, c, 0);
		return -1;
	}
	if (s->verbose) {
		char line[512], sni[sizeof h.sni];

		/* The SNI is the client's bytes: never echo escapes. */
		for (size_t i = 0; i < sizeof sni; i++) {
			unsigned char ch = (unsigned char)h.sni[i];

			sni[i] = ch == 0 ? '\0' : ch < 0x20 || ch > 0x7e ? '?' : (char)ch;
			if (ch == 0)
				break;
		}
		snprintf(line, sizeof line, "%s hello of %zu bytes%s%s -> %s",
			 !parsed ? "bad"
			 : h.v2  ? "SSLv2"
				 : "TLS",
			 parsed ? h.msg_len : c->ra.hs.len, parsed && h.has_sni ? ", SNI " : "",
			 parsed && h.has_sni ? sni : "",
			 c->reply.note[0] ? c->reply.note : "nothing");
		log_conn(s, c, line);
	}
	tf_hello_free(&h);
	c->phase = PH_SEND;
	c->sent = 0;
	c->send_at = now_ms() + c->l->cfg.delay_ms;
	return conn_send(s, c);
}

/* Reads what is there.  0, or -1 when the connection closed. */
static int conn_read(struct server *s, struct conn *c)
{
	uint8_t buf[TF_READ_CHUNK];

	for (int i = 0; i < TF_READS_PER_EVENT; i++) {
		ssize_t n = recv(c->fd, buf, sizeof buf, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			conn_close(s, c, 0);
			return -1;
		}
		if (n == 0) {
			/* A half-closed client still gets a queued reply. */
			if (c->phase == PH_SEND) {
				struct epoll_event ev;

				c->rd_closed = 1;
				memset(&ev, 0, sizeof ev);
				ev.events = c->out_armed ? EPOLLOUT : 0;
				ev.data.ptr = c;
				(void)epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
				return 0;
			}
			conn_close(s, c, 0);
			return -1;
		}
		touch(s, c);
		if (c->phase == PH_HELLO) {
			size_t used;
			uint8_t alert;
			enum tf_rx st = tf_reasm_feed(&c->ra, buf, (size_t)n, &used, &alert);

			/* Bytes after the hello are not read as anything. */
			if (st != TF_RX_MORE && on_hello(s, c, st, alert))
				return -1;
		}
	}
	return 0;
}

static void conn_event(struct server *s, struct conn *c, uint32_t events)
{
	if (c->rd_closed && (events & (EPOLLHUP | EPOLLERR))) {
		/* Reset or gone both ways: nobody is left to send to. */
		conn_close(s, c, 0);
		return;
	}
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !c->rd_closed && conn_read(s, c))
		return; /* closed and freed */
	if ((events & EPOLLOUT) && c->phase == PH_SEND)
		(void)conn_send(s, c);
}

static void record_conn(struct listener *l, struct conn *c)
{
	c->rec = SIZE_MAX;
	if (l->nrecs == l->caprecs) {
		size_t ncap = l->caprecs ? l->caprecs * 2 : 64;
		struct conn_rec *nr;

		if (ncap > TF_MAX_RECS || !(nr = realloc(l->recs, ncap * sizeof *nr))) {
			l->recs_dropped++;
			return;
		}
		l->recs = nr;
		l->caprecs = ncap;
	}
	memset(&l->recs[l->nrecs], 0, sizeof l->recs[0]);
	c->rec = l->nrecs++;
}

static void on_accept(struct server *s, struct listener *l)
{
	for (;;) {
		struct epoll_event ev;
		struct conn *c;
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return; /* EAGAIN, or out of descriptors: retry later */
		}
		l->accepted++;
		c = s->nconns < TF_MAX_CONNS ? calloc(1, sizeof *c) : NULL;
		if (!c) {
			close(fd);
			continue;
		}
		c->kind = EV_CONN;
		c->fd = fd;
		c->l = l;
		c->id = l->accepted;
		tf_reasm_init(&c->ra, 0);
		tf_reply_init(&c->reply);
		c->phase = PH_HELLO;
		record_conn(l, c);
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		s->nconns++;
		if (++l->open > l->max_open)
			l->max_open = l->open;
		if (l->cfg.behaviour == TF_B_CLOSE) {
			log_conn(s, c, "closed at once");
			conn_close(s, c, 0);
			continue;
		}
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			conn_close(s, c, 0);
			continue;
		}
		touch(s, c);
	}
}

/* Fires due delays, paces and idle timeouts; finds the next one. */
static void run_timers(struct server *s)
{
	uint64_t now = now_ms();
	struct conn *c = s->conns, *next;

	s->next_scan = 0;
	for (; c; c = next) {
		next = c->next;
		if (c->phase == PH_SEND) {
			/* Our own delay is not the peer's idleness. */
			if (c->send_at <= now && !c->out_armed && conn_send(s, c) != 0)
				continue;
			if (c->phase == PH_SEND) {
				want_timer(s, c->send_at > now ? c->send_at : 0);
				continue;
			}
		}
		if (c->idle_at && c->idle_at <= now) {
			log_conn(s, c, "idle timeout");
			conn_close(s, c, 0);
			continue;
		}
		want_timer(s, c->idle_at);
	}
}

/* ---- setup ----------------------------------------------------------- */

static int bind_listener(struct server *s, struct listener *l, int v6)
{
	struct sockaddr_storage ss;
	socklen_t slen;
	struct epoll_event ev;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&ss, 0, sizeof ss);
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		slen = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		slen = sizeof *a;
	}
	/* Port 0: the kernel picks a free ephemeral port. */
	if (bind(fd, (struct sockaddr *)&ss, slen) != 0 || listen(fd, SOMAXCONN) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &slen) != 0) {
		close(fd);
		return -1;
	}
	l->port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
			   : ((struct sockaddr_in *)&ss)->sin_port);
	l->kind = EV_LISTENER;
	l->fd = fd;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.ptr = l;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		close(fd);
		return -1;
	}
	return 0;
}

/* Makes keys before the first client waits on a 2048-bit RSA keygen. */
static int warm_keys(struct server *s, const struct tf_cfg *c)
{
	const uint8_t *p, *g, *y;
	size_t pl, gl, yl;

	if (c->behaviour != TF_B_ACCEPT && c->behaviour != TF_B_SSLV2 &&
	    c->behaviour != TF_B_TRICKLE)
		return 0;
	if (tf_keys_cert(s->keys, c->cert, c->evil_cert, &p, &pl))
		return -1;
	for (size_t i = 0; i < c->ngroups; i++)
		if (tf_keys_share(s->keys, tf_group_find(c->groups[i]), &p, &pl))
			return -1;
	for (size_t i = 0; i < c->nsuites; i++) {
		enum tf_kx kx = tf_suite_kx(c->suites[i]);

		if ((kx == TF_KX_DHE || kx == TF_KX_DH_ANON || kx == TF_KX_DHE_PSK) &&
		    tf_keys_dhe(s->keys, &p, &pl, &g, &gl, &y, &yl))
			return -1;
	}
	return 0;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void usage(FILE *f)
{
	fputs("usage: tlsfake [--port-file FILE] [--stats FILE] [--max-seconds N]\n"
	      "               [--bind 127.0.0.1|::1] [-v] NAME=BEHAVIOUR[,opt...]...\n"
	      "behaviours: accept sslv2 close reset silent trickle garbage\n"
	      "            bigrecord bigmsg alert http\n"
	      "options: versions= suites= order= groups= cert= kinds= pad-reject\n"
	      "         max-suites= unoffered unoffered-version unoffered-group\n"
	      "         sh-alert sh-hang sh-drip onebyte delay= hrr pq-only evil-cert\n"
	      "         timeout= interval= bytes=\n"
	      "see tests/servers/README.md\n",
	      f);
}

/* "--opt VALUE" or "--opt=VALUE"; advances *i past what it used. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0' || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

int main(int argc, char **argv)
{
	struct server s;
	const char *port_file = NULL, *v;
	unsigned long max_seconds = 0;
	int v6 = 0, rc = 1;
	uint64_t end = 0, next_stats = 0;
	sigset_t mask;
	char err[300];

	memset(&s, 0, sizeof s);
	s.ep = -1;
	s.sig.fd = -1;
	s.ls = calloc(TF_MAX_LISTENERS, sizeof *s.ls);
	if (!s.ls) {
		fputs("tlsfake: out of memory\n", stderr);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			free(s.ls);
			return 0;
		} else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			s.verbose = 1;
		} else if ((v = opt_value(argc, argv, &i, "--port-file"))) {
			port_file = v;
		} else if ((v = opt_value(argc, argv, &i, "--stats"))) {
			s.stats_path = v;
		} else if ((v = opt_value(argc, argv, &i, "--max-seconds"))) {
			char *e;

			errno = 0;
			max_seconds = strtoul(v, &e, 10);
			if (errno || *e || v[0] < '0' || v[0] > '9' ||
			    max_seconds > 86400ul * 365) {
				fprintf(stderr, "tlsfake: bad --max-seconds '%s'\n", v);
				goto usage_out;
			}
		} else if ((v = opt_value(argc, argv, &i, "--bind"))) {
			/* Loopback only: tests never listen anywhere else. */
			if (strcmp(v, "127.0.0.1") == 0)
				v6 = 0;
			else if (strcmp(v, "::1") == 0)
				v6 = 1;
			else {
				fprintf(stderr, "tlsfake: --bind takes 127.0.0.1 or ::1 only\n");
				goto usage_out;
			}
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "tlsfake: unknown or incomplete option '%s'\n", argv[i]);
			goto usage_out;
		} else {
			if (s.nls == TF_MAX_LISTENERS) {
				fprintf(stderr, "tlsfake: at most %d listeners\n",
					TF_MAX_LISTENERS);
				goto usage_out;
			}
			if (tf_cfg_parse(argv[i], &s.ls[s.nls].cfg, err, sizeof err)) {
				fprintf(stderr, "tlsfake: %s\n", err);
				goto usage_out;
			}
			for (size_t j = 0; j < s.nls; j++)
				if (strcmp(s.ls[j].cfg.name, s.ls[s.nls].cfg.name) == 0) {
					fprintf(stderr, "tlsfake: listener name '%s' used twice\n",
						s.ls[j].cfg.name);
					goto usage_out;
				}
			s.ls[s.nls].fd = -1;
			s.nls++;
		}
	}
	if (s.nls == 0) {
		fputs("tlsfake: no listener given\n", stderr);
		goto usage_out;
	}

	raise_fd_limit();
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0 ||
	    (s.sig.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
	    (s.ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		perror("tlsfake: signalfd/epoll");
		goto out;
	}
	s.sig.kind = EV_SIGNAL;
	{
		struct epoll_event ev;

		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.ptr = &s.sig;
		if (epoll_ctl(s.ep, EPOLL_CTL_ADD, s.sig.fd, &ev) != 0) {
			perror("tlsfake: epoll_ctl");
			goto out;
		}
	}
	s.keys = tf_keys_new();
	if (!s.keys) {
		fputs("tlsfake: out of memory\n", stderr);
		goto out;
	}
	for (size_t i = 0; i < s.nls; i++) {
		if (warm_keys(&s, &s.ls[i].cfg)) {
			fprintf(stderr, "tlsfake: %s: cannot make keys or certificate\n",
				s.ls[i].cfg.name);
			goto out;
		}
		if (bind_listener(&s, &s.ls[i], v6)) {
			fprintf(stderr, "tlsfake: %s: cannot listen on %s: %s\n", s.ls[i].cfg.name,
				v6 ? "::1" : "127.0.0.1", strerror(errno));
			goto out;
		}
	}
	if (port_file && write_port_file(&s, port_file)) {
		fprintf(stderr, "tlsfake: cannot write %s: %s\n", port_file, strerror(errno));
		goto out;
	}
	if (s.verbose)
		for (size_t i = 0; i < s.nls; i++)
			fprintf(stderr, "tlsfake: %s (%s) on port %u\n", s.ls[i].cfg.name,
				tf_behaviour_name(s.ls[i].cfg.behaviour), (unsigned)s.ls[i].port);
	if (max_seconds)
		end = now_ms() + max_seconds * 1000u;
	if (s.stats_path)
		next_stats = now_ms();

	while (!s.stop) {
		struct epoll_event evs[64];
		uint64_t now = now_ms(), wake = 0;
		int timeout = -1, n;

		if (s.next_scan)
			wake = s.next_scan;
		if (next_stats && (!wake || next_stats < wake))
			wake = next_stats;
		if (end && (!wake || end < wake))
			wake = end;
		if (wake)
			timeout = wake <= now ? 0 : (int)(wake - now > 60000 ? 60000 : wake - now);
		n = epoll_wait(s.ep, evs, 64, timeout);
		if (n < 0 && errno != EINTR) {
			perror("tlsfake: epoll_wait");
			goto out;
		}
		for (int i = 0; i < n; i++) {
			int kind = *(int *)evs[i].data.ptr;

			if (kind == EV_LISTENER)
				on_accept(&s, evs[i].data.ptr);
			else if (kind == EV_CONN)
				conn_event(&s, evs[i].data.ptr, evs[i].events);
			else
				s.stop = 1; /* SIGINT or SIGTERM */
		}
		now = now_ms();
		if (s.next_scan && now >= s.next_scan)
			run_timers(&s);
		if (next_stats && now >= next_stats) {
			if (write_stats(&s))
				fprintf(stderr, "tlsfake: cannot write %s\n", s.stats_path);
			next_stats = now + 1000;
		}
		if (end && now >= end)
			s.stop = 1;
	}
	rc = 0;
	if (s.stats_path && write_stats(&s)) {
		fprintf(stderr, "tlsfake: cannot write %s\n", s.stats_path);
		rc = 1;
	}
out:
	while (s.conns)
		conn_close(&s, s.conns, 0);
	for (size_t i = 0; i < s.nls; i++) {
		if (s.ls[i].fd >= 0)
			close(s.ls[i].fd);
		free(s.ls[i].recs);
	}
	free(s.ls);
	tf_keys_free(s.keys);
	if (s.sig.fd >= 0)
		close(s.sig.fd);
	if (s.ep >= 0)
		close(s.ep);
	return rc;
usage_out:
	usage(stderr);
	free(s.ls);
	return 2;
}
