/* SPDX-License-Identifier: MIT */
/*
 * stubdns: a tiny authoritative DNS server for tests, answering from a zone
 * file on a loopback address only.
 *
 *   stubdns --zone FILE [--port-file FILE] [--stats FILE] [--bind 127.0.0.1|::1]
 *           [--max-seconds N]
 *
 * It binds UDP and TCP on the same ephemeral port of the loopback address,
 * writes that port (one line) to --port-file, or to stdout, once both are
 * ready, and serves until SIGTERM/SIGINT or --max-seconds (default 60, so a
 * test that dies cannot leave it behind for long).
 *
 * Zone file, one record a line, '#' starts a comment, names are
 * case-insensitive and a trailing dot is ignored:
 *   NAME A 127.0.0.2        an address (several per name allowed, kept in order)
 *   NAME AAAA ::1
 *   NAME NXDOMAIN | SERVFAIL | REFUSED   that response code, no answers
 *   NAME NODATA              NOERROR with no answers, for every type
 *   NAME TIMEOUT             never answer (the query is still counted)
 *   NAME DELAY MS            answer MS milliseconds late
 * A name that is not in the zone gets NXDOMAIN.
 *
 * Safety: any A record outside 127.0.0.0/8 and any AAAA record but ::1 is
 * refused at load (exit status 2), and only a loopback address may be
 * bound, so a test can never steer a client at a real host.
 *
 * Counting: --stats FILE is rewritten (atomically) after every query with
 * "queries N", "udp N", "tcp N" and one "name NAME TYPE N" line per name
 * and query type seen, so a test can check how many queries a client sent.
 *
 * UDP answers larger than 512 bytes are truncated (TC set, whole records
 * only), so clients retry over TCP, where the full answer is sent.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DNS_HDR 12
#define DNS_MAXNAME 255
#define UDP_MAX 512
#define TCP_MAXCONN 64
#define TCP_BUF 2048
#define T_A 1
#define T_AAAA 28
#define T_ANY 255
#define C_IN 1
#define RC_NOERROR 0
#define RC_FORMERR 1
#define RC_SERVFAIL 2
#define RC_NXDOMAIN 3
#define RC_NOTIMP 4
#define RC_REFUSED 5

enum behaviour { B_ANSWER, B_NXDOMAIN, B_SERVFAIL, B_REFUSED, B_NODATA, B_TIMEOUT };

struct rr {
	uint16_t type;
	uint8_t data[16];
	uint8_t len;
};

struct zname {
	char name[DNS_MAXNAME + 1];
	enum behaviour how;
	unsigned delay_ms;
	struct rr *rrs;
	size_t nrrs;
};

struct qstat {
	char name[DNS_MAXNAME + 1];
	uint16_t type;
	unsigned long count;
};

/* A reply held back by DELAY. */
struct pending {
	uint64_t due;
	int fd;
	bool tcp;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	uint8_t *msg;
	size_t len;
};

struct conn {
	int fd;
	uint8_t buf[TCP_BUF];
	size_t have;
};

struct stub {
	struct zname *zone;
	size_t nzone;
	struct qstat *stats;
	size_t nstats;
	unsigned long queries, udp, tcp;
	const char *stats_path;
	struct pending *pend;
	size_t npend;
	struct conn conns[TCP_MAXCONN];
	int udpfd, tcpfd;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* ---- zone file ---- */

static struct zname *zone_get(struct stub *st, const char *name, bool create)
{
	struct zname *z;

	for (size_t i = 0; i < st->nzone; i++)
		if (!strcmp(st->zone[i].name, name))
			return &st->zone[i];
	if (!create)
		return NULL;
	z = realloc(st->zone, (st->nzone + 1) * sizeof *z);
	if (!z)
		return NULL;
	st->zone = z;
	z = &st->zone[st->nzone++];
	memset(z, 0, sizeof *z);
	memcpy(z->name, name, strlen(name) + 1);
	return z;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Loopback only: 127.0.0.0/8 for A, ::1 for AAAA. */
static int add_addr(struct zname *z, uint16_t type, const char *text)
{
	struct rr r = { .type = type };
	struct rr *p;

	if (type == T_A) {
		if (inet_pton(AF_INET, text, r.data) != 1 || r.data[0] != 127)
			return -1;
		r.len = 4;
	} else {
		if (inet_pton(AF_INET6, text, r.data) != 1 ||
		    memcmp(r.data, &in6addr_loopback, 16) != 0)
			return -1;
		r.len = 16;
	}
	p = realloc(z->rrs, (z->nrrs + 1) * sizeof *p);
	if (!p)
		return -1;
	z->rrs = p;
	z->rrs[z->nrrs++] = r;
	return 0;
}

static int zone_line(struct stub *st, char *line, const char *path, unsigned lineno)
{
	char *f[4] = { 0 }, *p = line;
	size_t nf = 0, nl;
	struct zname *z;
	unsigned long v;

	/* split on blanks; a fourth field is an error */
	while (*p && nf < 4) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		f[nf++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (nf == 0)
		return 0;
	if (nf < 2 || *p) {
		fprintf(stderr, "stubdns: %s:%u: expected NAME TYPE [VALUE]\n", path, lineno);
		return -1;
	}
	nl = strlen(f[0]);
	if (nl > 1 && f[0][nl - 1] == '.')
		f[0][--nl] = '\0';
	if (nl == 0 || nl > DNS_MAXNAME) {
		fprintf(stderr, "stubdns: %s:%u: bad name\n", path, lineno);
		return -1;
	}
	lower(f[0]);
	z = zone_get(st, f[0], true);
	if (!z) {
		fprintf(stderr, "stubdns: out of memory\n");
		return -1;
	}
	if (!strcasecmp(f[1], "A") || !strcasecmp(f[1], "AAAA")) {
		if (nf != 3 || add_addr(z, f[1][1] ? T_AAAA : T_A, f[2])) {
			fprintf(stderr,
				"stubdns: %s:%u: refusing '%s %s': only loopback "
				"addresses (127.0.0.0/8, ::1) may be served\n",
				path, lineno, f[1], f[2] ? f[2] : "");
			return -1;
		}
		return 0;
	}
	if (!strcasecmp(f[1], "DELAY")) {
		if (nf != 3 || parse_uint(f[2], 600000, &v)) {
			fprintf(stderr, "stubdns: %s:%u: DELAY needs milliseconds\n", path, lineno);
			return -1;
		}
		z->delay_ms = (unsigned)v;
		return 0;
	}
	static const struct {
		const char *word;
		enum behaviour how;
	} words[] = {
		{ "NXDOMAIN", B_NXDOMAIN }, { "SERVFAIL", B_SERVFAIL }, { "REFUSED", B_REFUSED },
		{ "NODATA", B_NODATA },     { "TIMEOUT", B_TIMEOUT },
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (!strcasecmp(f[1], words[i].word) && nf == 2) {
			z->how = words[i].how;
			return 0;
		}
	}
	fprintf(stderr, "stubdns: %s:%u: unknown record type '%s'\n", path, lineno, f[1]);
	return -1;
}

static int zone_load(struct stub *st, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *hash;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = -1;

	if (!fp) {
		fprintf(stderr, "stubdns: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, fp) >= 0) {
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if (zone_line(st, line, path, lineno))
			goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(fp);
	return rc;
}

/* ---- statistics ---- */

static void stats_count(struct stub *st, const char *name, uint16_t type)
{
	struct qstat *q;

	for (size_t i = 0; i < st->nstats; i++) {
		if (st->stats[i].type == type && !strcmp(st->stats[i].name, name)) {
			st->stats[i].count++;
			return;
		}
	}
	q = realloc(st->stats, (st->nstats + 1) * sizeof *q);
	if (!q)
		return; /* the totals still count it */
	st->stats = q;
	q = &st->stats[st->nstats++];
	memcpy(q->name, name, strlen(name) + 1);
	q->type = type;
	q->count = 1;
}

static const char *type_name(uint16_t t)
{
	return t == T_A ? "A" : t == T_AAAA ? "AAAA" : t == T_ANY ? "ANY" : "OTHER";
}

/* Written to a temporary name and renamed, so a reader never sees half a file. */
static int write_file_atomic(const char *path, int (*body)(FILE *, const void *), const void *arg)
{
	char tmp[PATH_MAX];
	FILE *fp;
	int n = snprintf(tmp, sizeof tmp, "%s.tmp", path);

	if (n < 0 || (size_t)n >= sizeof tmp)
		return -1;
	fp = fopen(tmp, "w");
	if (!fp)
		return -1;
	if (body(fp, arg) < 0) {
		fclose(fp);
		unlink(tmp);
		return -1;
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int stats_body(FILE *fp, const void *arg)
{
	const struct stub *st = arg;

	fprintf(fp, "queries %lu\nudp %lu\ntcp %lu\n", st->queries, st->udp, st->tcp);
	for (size_t i = 0; i < st->nstats; i++)
		fprintf(fp, "name %s %s %lu\n", st->stats[i].name, type_name(st->stats[i].type),
			st->stats[i].count);
	return ferror(fp) ? -1 : 0;
}

static void stats_write(struct stub *st)
{
	if (st->stats_path && write_file_atomic(st->stats_path, stats_body, st))
		fprintf(stderr, "stubdns: cannot write %s: %s\n", st->stats_path, strerror(errno));
}

static int port_body(FILE *fp, const void *arg)
{
	fprintf(fp, "%u\n", *(const unsigned *)arg);
	return ferror(fp) ? -1 : 0;
}

/* ---- DNS messages ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * RFC 1035 4.1.1 header:
 *   ID(16) | QR(1) OPCODE(4) AA TC RD RA Z(3) RCODE(4) | QDCOUNT ANCOUNT NSCOUNT ARCOUNT
 * 4.1.2 question: QNAME as length-prefixed labels (1..63 bytes each, ending
 * with the root label 0; 255 bytes at most; the top bits 11 would be a
 * compression pointer, which a query has no earlier name to point to, so we
 * reject it), then QTYPE(16) QCLASS(16).
 *
 * Returns the question's length (from offset 12) and fills name (lower
 * case, dotted, no trailing dot), or -1 if the question is malformed.
 */
static int parse_question(const uint8_t *m, size_t len, char *name, uint16_t *qtype,
			  uint16_t *qclass)
{
	size_t off = DNS_HDR, out = 0, wire = 0;

	for (;;) {
		uint8_t l;

		if (off >= len)
			return -1;
		l = m[off++];
		wire++;
		if (l == 0)
			break;
		if ((l & 0xC0) != 0 || l > 63)
			return -1; /* compression or the reserved label types */
		if (off + l > len || wire + l > DNS_MAXNAME)
			return -1;
		if (out)
			name[out++] = '.';
		for (uint8_t i = 0; i < l; i++) {
			char c = (char)m[off + i];
			/* dots or NULs inside a label cannot round-trip through text */
			if (c == '.' || c == '\0')
				return -1;
			name[out++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		off += l;
		wire += l;
	}
	name[out] = '\0';
	if (off + 4 > len)
		return -1;
	*qtype = get16(m + off);
	*qclass = get16(m + off + 2);
	return (int)(off + 4 - DNS_HDR);
}

/*
 * Build the reply for query q into out (cap bytes).  Returns its length,
 * 0 to stay silent, and sets *delay_ms.  limit is 512 for UDP (TC and
 * fewer answers past it) or the buffer size for TCP.
 */
static size_t answer(struct stub *st, const uint8_t *q, size_t qlen, uint8_t *out, size_t cap,
		     size_t limit, bool tcp, unsigned *delay_ms)
{
	char name[DNS_MAXNAME + 1];
	uint16_t qtype = 0, qclass = 0, flags, an = 0;
	int qlen_question;
	uint8_t rcode = RC_NOERROR;
	const struct zname *z = NULL;
	size_t n;

	*delay_ms = 0;
	if (qlen < DNS_HDR)
		return 0; /* not even a header to answer with */
	flags = get16(q + 2);
	if (flags & 0x8000)
		return 0; /* a response: never answer those */
	st->queries++;
	if (tcp)
		st->tcp++;
	else
		st->udp++;
	qlen_question = parse_question(q, qlen, name, &qtype, &qclass);
	memcpy(out, q, 2);
	/* QR, OPCODE echoed, AA, RD echoed, RA */
	flags = (uint16_t)(0x8000 | (flags & 0x7800) | 0x0400 | (flags & 0x0100) | 0x0080);
	if (qlen_question < 0 || get16(q + 4) != 1 || get16(q + 6) || get16(q + 8)) {
		stats_write(st);
		put16(out + 2, flags | RC_FORMERR);
		memset(out + 4, 0, 8);
		return DNS_HDR;
	}
	stats_count(st, name, qtype);
	stats_write(st);
	if ((flags & 0x7800) != 0) {
		rcode = RC_NOTIMP;
	} else if (qclass != C_IN) {
		rcode = RC_REFUSED;
	} else {
		z = zone_get(st, name, false);
		if (!z)
			rcode = RC_NXDOMAIN;
		else if (z->how == B_TIMEOUT)
			return 0;
		else if (z->how == B_NXDOMAIN)
			rcode = RC_NXDOMAIN;
		else if (z->how == B_SERVFAIL)
			rcode = RC_SERVFAIL;
		else if (z->how == B_REFUSED)
			rcode = RC_REFUSED;
		if (z)
			*delay_ms = z->delay_ms;
	}
	/* header, then the question exactly as asked (case preserved) */
	n = DNS_HDR + (size_t)qlen_question;
	if (n > cap)
		return 0;
	memcpy(out + DNS_HDR, q + DNS_HDR, (size_t)qlen_question);
	put16(out + 4, 1);
	memset(out + 6, 0, 6);
	if (rcode == RC_NOERROR && z && z->how == B_ANSWER) {
		for (size_t i = 0; i < z->nrrs; i++) {
			const struct rr *r = &z->rrs[i];
			size_t need = 12 + r->len;

			if (qtype != r->type && qtype != T_ANY)
				continue;
			if (n + need > limit || n + need > cap) {
				flags |= 0x0200; /* TC: the client should ask over TCP */
				break;
			}
			put16(out + n, 0xC000 | DNS_HDR); /* pointer to the question's name */
			put16(out + n + 2, r->type);
			put16(out + n + 4, C_IN);
			put16(out + n + 6, 0);
			put16(out + n + 8, 60); /* TTL 60 */
			put16(out + n + 10, r->len);
			memcpy(out + n + 12, r->data, r->len);
			n += need;
			an++;
		}
	}
	put16(out + 2, flags | rcode);
	put16(out + 6, an);
	return n;
}

static void send_reply(int fd, bool tcp, const struct sockaddr_storage *peer, socklen_t plen,
		       const uint8_t *msg, size_t len)
{
	if (tcp) {
		uint8_t hdr[2];
		put16(hdr, (uint16_t)len);
		/* small replies on a local socket: a short write means the peer is gone */
		if (send(fd, hdr, 2, MSG_NOSIGNAL) == 2)
			(void)send(fd, msg, len, MSG_NOSIGNAL);
	} else {
		(void)sendto(fd, msg, len, 0, (const struct sockaddr *)peer, plen);
	}
}

static void handle(struct stub *st, int fd, bool tcp, const struct sockaddr_storage *peer,
		   socklen_t plen, const uint8_t *q, size_t qlen)
{
	uint8_t out[TCP_BUF];
	unsigned delay;
	size_t n = answer(st, q, qlen, out, sizeof out, tcp ? sizeof out : UDP_MAX, tcp, &delay);
	struct pending *p;

	if (!n)
		return;
	if (!delay) {
		send_reply(fd, tcp, peer, plen, out, n);
		return;
	}
	p = realloc(st->pend, (st->npend + 1) * sizeof *p);
	if (!p)
		return;
	st->pend = p;
	p = &st->pend[st->npend];
	memset(p, 0, sizeof *p);
	p->msg = malloc(n);
	if (!p->msg)
		return;
	memcpy(p->msg, out, n);
	p->len = n;
	p->due = now_ms() + delay;
	p->fd = fd;
	p->tcp = tcp;
	if (peer)
		p->peer = *peer;
	p->peerlen = plen;
	st->npend++;
}

static void drop_pending_for(struct stub *st, int fd)
{
	for (size_t i = 0; i < st->npend;) {
		if (st->pend[i].tcp && st->pend[i].fd == fd) {
			free(st->pend[i].msg);
			st->pend[i] = st->pend[--st->npend];
		} else {
			i++;
		}
	}
}

static void flush_pending(struct stub *st, uint64_t now)
{
	for (size_t i = 0; i < st->npend;) {
		struct pending *p = &st->pend[i];
		if (p->due <= now) {
			send_reply(p->fd, p->tcp, &p->peer, p->peerlen, p->msg, p->len);
			free(p->msg);
			st->pend[i] = st->pend[--st->npend];
		} else {
			i++;
		}
	}
}

static void conn_close(struct stub *st, struct conn *c)
{
	drop_pending_for(st, c->fd);
	close(c->fd);
	c->fd = -1;
	c->have = 0;
}

/* Read what is there; answer every complete length-prefixed query. */
static void conn_read(struct stub *st, struct conn *c)
{
	ssize_t r = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);

	if (r <= 0) {
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		conn_close(st, c);
		return;
	}
	c->have += (size_t)r;
	while (c->have >= 2) {
		size_t mlen = get16(c->buf);
		if (mlen + 2 > sizeof c->buf) {
			conn_close(st, c);
			return;
		}
		if (c->have < mlen + 2)
			break;
		handle(st, c->fd, true, NULL, 0, c->buf + 2, mlen);
		memmove(c->buf, c->buf + 2 + mlen, c->have - 2 - mlen);
		c->have -= 2 + mlen;
	}
}

/* ---- main ---- */

static int try_open(struct stub *st, const char *bind_addr, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fam, one = 1;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, bind_addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		if (((const uint8_t *)&((struct sockaddr_in *)&ss)->sin_addr)[0] != 127) {
			errno = EADDRNOTAVAIL;
			return -1;
		}
		fam = AF_INET;
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, bind_addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		if (memcmp(&((struct sockaddr_in6 *)&ss)->sin6_addr, &in6addr_loopback, 16)) {
			errno = EADDRNOTAVAIL;
			return -1;
		}
		fam = AF_INET6;
		sl = sizeof(struct sockaddr_in6);
	} else {
		errno = EINVAL;
		return -1;
	}
	ss.ss_family = (sa_family_t)fam;
	st->udpfd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (st->udpfd < 0 || bind(st->udpfd, (struct sockaddr *)&ss, sl))
		return -1;
	if (getsockname(st->udpfd, (struct sockaddr *)&ss, &sl))
		return -1;
	/* the TCP listener takes the port UDP got */
	st->tcpfd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (st->tcpfd < 0)
		return -1;
	setsockopt(st->tcpfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(st->tcpfd, (struct sockaddr *)&ss, sl) || listen(st->tcpfd, 16))
		return -1;
	*port = ntohs(fam == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
				     : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

/*
 * UDP takes an ephemeral port and TCP must get the same one, which a busy
 * machine (a parallel `make check` opens thousands of client connections)
 * may already use for some TCP socket: then start over with a new port.
 */
static int open_sockets(struct stub *st, const char *bind_addr, unsigned *port)
{
	for (int attempt = 0; attempt < 200; attempt++) {
		if (try_open(st, bind_addr, port) == 0)
			return 0;
		int e = errno;
		if (st->udpfd >= 0)
			close(st->udpfd);
		if (st->tcpfd >= 0)
			close(st->tcpfd);
		st->udpfd = st->tcpfd = -1;
		if (e != EADDRINUSE) {
			errno = e;
			return -1;
		}
	}
	errno = EADDRINUSE;
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: stubdns --zone FILE [--port-file FILE] [--stats FILE] "
			"[--bind 127.0.0.1|::1] [--max-seconds N]\n");
}

static void serve(struct stub *st, uint64_t deadline)
{
	struct pollfd pfd[2 + TCP_MAXCONN];
	struct conn *who[2 + TCP_MAXCONN];
	uint8_t q[UDP_MAX * 8];

	while (!stop_flag) {
		uint64_t now = now_ms(), next = deadline;
		size_t n = 0;

		if (now >= deadline)
			break;
		flush_pending(st, now);
		for (size_t i = 0; i < st->npend; i++)
			if (st->pend[i].due < next)
				next = st->pend[i].due;
		pfd[n++] = (struct pollfd){ .fd = st->udpfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = st->tcpfd, .events = POLLIN };
		for (size_t i = 0; i < TCP_MAXCONN; i++) {
			if (st->conns[i].fd < 0)
				continue;
			who[n] = &st->conns[i];
			pfd[n++] = (struct pollfd){ .fd = st->conns[i].fd, .events = POLLIN };
		}
		int r = poll(pfd, n, (int)(next - now));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "stubdns: poll: %s\n", strerror(errno));
			break;
		}
		if (pfd[0].revents & POLLIN) {
			for (;;) {
				struct sockaddr_storage peer;
				socklen_t pl = sizeof peer;
				ssize_t got = recvfrom(st->udpfd, q, sizeof q, 0,
						       (struct sockaddr *)&peer, &pl);
				if (got < 0)
					break;
				handle(st, st->udpfd, false, &peer, pl, q, (size_t)got);
			}
		}
		if (pfd[1].revents & POLLIN) {
			int c = accept4(st->tcpfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			size_t i;
			for (i = 0; c >= 0 && i < TCP_MAXCONN; i++) {
				if (st->conns[i].fd < 0) {
					st->conns[i].fd = c;
					st->conns[i].have = 0;
					break;
				}
			}
			if (c >= 0 && i == TCP_MAXCONN)
				close(c);
		}
		for (size_t i = 2; i < n; i++)
			if (pfd[i].revents && who[i]->fd == pfd[i].fd)
				conn_read(st, who[i]);
	}
}

int main(int argc, char **argv)
{
	struct stub st = { .udpfd = -1, .tcpfd = -1 };
	const char *zone = NULL, *port_file = NULL, *bind_addr = "127.0.0.1";
	unsigned long max_seconds = 60;
	unsigned port = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	int rc = 2;

	for (size_t i = 0; i < TCP_MAXCONN; i++)
		st.conns[i].fd = -1;
	/* every option takes a value: walk them in pairs */
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			usage();
			goto out;
		}
		if (!strcmp(a, "--zone"))
			zone = v;
		else if (!strcmp(a, "--port-file"))
			port_file = v;
		else if (!strcmp(a, "--stats"))
			st.stats_path = v;
		else if (!strcmp(a, "--bind"))
			bind_addr = v;
		else if (!strcmp(a, "--max-seconds")) {
			if (parse_uint(v, 86400, &max_seconds) || !max_seconds) {
				usage();
				goto out;
			}
		} else {
			usage();
			goto out;
		}
	}
	if (!zone) {
		usage();
		goto out;
	}
	if (zone_load(&st, zone))
		goto out;
	if (open_sockets(&st, bind_addr, &port)) {
		fprintf(stderr, "stubdns: cannot serve on %s (loopback only): %s\n", bind_addr,
			strerror(errno));
		goto out;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	stats_write(&st);
	if (port_file) {
		if (write_file_atomic(port_file, port_body, &port)) {
			fprintf(stderr, "stubdns: cannot write %s: %s\n", port_file,
				strerror(errno));
			goto out;
		}
	} else {
		printf("%u\n", port);
		fflush(stdout);
	}
	serve(&st, now_ms() + (uint64_t)max_seconds * 1000u);
	stats_write(&st);
	rc = 0;
out:
	for (size_t i = 0; i < TCP_MAXCONN; i++)
		if (st.conns[i].fd >= 0)
			close(st.conns[i].fd);
	for (size_t i = 0; i < st.npend; i++)
		free(st.pend[i].msg);
	free(st.pend);
	for (size_t i = 0; i < st.nzone; i++)
		free(st.zone[i].rrs);
	free(st.zone);
	free(st.stats);
	if (st.udpfd >= 0)
		close(st.udpfd);
	if (st.tcpfd >= 0)
		close(st.tcpfd);
	return rc;
}
