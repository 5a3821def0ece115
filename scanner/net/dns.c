/* SPDX-License-Identifier: MIT */
/*
 * c-ares on the cp_loop; see dns.h for the contract.
 *
 * Reentrancy.  c-ares calls back from inside ares_process_fd(),
 * ares_getaddrinfo() (hosts-file hits, bad names) and ares_destroy().
 * Answers that complete inside cp_dns_resolve() are parked on a ready list
 * and delivered from a deferred loop call, so a caller never sees its
 * callback before cp_dns_resolve() has returned.  A cp_dns_free() asked
 * for while c-ares is on the stack (depth > 0) only marks the resolver
 * dying; the outermost entry point destroys it on the way out, because
 * ares_destroy() must not run inside an ares callback.
 *
 * Status mapping, as c-ares 1.18.1 reports it from ares_getaddrinfo():
 *   rcode NXDOMAIN             -> ARES_ENOTFOUND  -> CP_DNS_NXDOMAIN
 *   NOERROR without addresses  -> ARES_ENODATA    -> CP_DNS_NODATA
 *   rcode SERVFAIL / REFUSED   -> ARES_ESERVFAIL / ARES_EREFUSED, but only
 *     with ARES_FLAG_NOCHECKRESP: without it c-ares retries every server,
 *     then reports ARES_ECONNREFUSED ("could not contact DNS servers"),
 *     which would hide the server's answer from the user.
 *   no answer within the tries -> ARES_ETIMEOUT
 *   ICMP port unreachable      -> ARES_ECONNREFUSED -> CP_DNS_ERROR
 * With AF_UNSPEC c-ares sends A and AAAA; if either has addresses the result
 * is OK, otherwise the status of the query answered last is reported.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ares.h>

#include "net/dns.h"
#include "util.h"

/* One cp_dns_resolve() call, from submission until its callback returns. */
struct cp_dns_req {
	struct cp_dns *d;
	cp_dns_fn fn;
	void *data;
	int family;
	struct cp_dns_req *prev, *next; /* on d->live or d->ready */
	/* set when the answer is known but waits for deferred delivery */
	int ares_status;
	struct ares_addrinfo *res;
	bool literal; /* answered without a query: r->lit */
	struct sockaddr_storage lit[2];
	size_t nlit;
	const char *lit_error; /* a literal of the wrong family */
	const char *lit_msg;
};

struct cp_dns_list {
	struct cp_dns_req *head, *tail;
};

struct cp_dns {
	struct cp_loop *loop;
	ares_channel ch;
	uint64_t timer;          /* ares_timeout() alarm, 0 if none */
	uint64_t flush;          /* deferred delivery of d->ready, 0 if none */
	struct cp_dns_list live; /* inside c-ares */
	struct cp_dns_list ready;
	unsigned depth; /* entry points on the stack */
	bool in_submit; /* ares_getaddrinfo() on the stack */
	bool dying;
	struct cp_dns_addrs out; /* the answer handed to a callback */
	char msg[160];
};

static const struct cp_dns_addrs no_addrs;

const char *cp_dns_strstatus(int st)
{
	static const char *const names[] = {
		[CP_DNS_OK] = "ok",           [CP_DNS_NXDOMAIN] = "nxdomain",
		[CP_DNS_NODATA] = "nodata",   [CP_DNS_SERVFAIL] = "servfail",
		[CP_DNS_REFUSED] = "refused", [CP_DNS_TIMEOUT] = "timeout",
		[CP_DNS_ERROR] = "error",     [CP_DNS_CANCELLED] = "cancelled",
	};

	if (st < 0 || (size_t)st >= sizeof names / sizeof names[0])
		return "unknown";
	return names[st];
}

socklen_t cp_dns_addrlen(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (ss->ss_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return 0;
}

int cp_dns_parse_literal(const char *text, struct sockaddr_storage *out)
{
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(text);
	struct sockaddr_in *sin = (struct sockaddr_in *)out;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

	memset(out, 0, sizeof *out);
	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		if (n - 2 >= sizeof buf)
			return 0;
		memcpy(buf, text + 1, n - 2);
		buf[n - 2] = '\0';
		if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1)
			return 0;
		sin6->sin6_family = AF_INET6;
		return 1;
	}
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		return 1;
	}
	if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		return 1;
	}
	memset(out, 0, sizeof *out);
	return 0;
}

/* ---- request lists ---- */

static void list_push(struct cp_dns_list *l, struct cp_dns_req *r)
{
	r->next = NULL;
	r->prev = l->tail;
	if (l->tail)
		l->tail->next = r;
	else
		l->head = r;
	l->tail = r;
}

static void list_unlink(struct cp_dns_list *l, struct cp_dns_req *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		l->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		l->tail = r->prev;
	r->prev = r->next = NULL;
}

/* ---- answers ---- */

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, sizeof(struct in_addr));
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
}

/* Append one address unless present or full; the port is cleared. */
static void addrs_add(struct cp_dns_addrs *a, const struct sockaddr *sa, size_t len, int family)
{
	struct sockaddr_storage ss;

	if ((sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
	    (family != AF_UNSPEC && sa->sa_family != family) || len > sizeof ss ||
	    len < (sa->sa_family == AF_INET ? sizeof(struct sockaddr_in)
					    : sizeof(struct sockaddr_in6)))
		return;
	memset(&ss, 0, sizeof ss);
	memcpy(&ss, sa, len);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	for (size_t i = 0; i < a->n; i++)
		if (same_addr(&a->addr[i], &ss))
			return;
	if (a->n < CP_DNS_MAX_ADDRS)
		a->addr[a->n++] = ss;
}

/* The c-ares outcome as a status, with d->out and d->msg filled in. */
static enum cp_dns_status outcome(struct cp_dns *d, const struct cp_dns_req *r)
{
	struct cp_dns_addrs *a = &d->out;

	a->n = 0;
	if (d->dying) {
		snprintf(d->msg, sizeof d->msg, "resolver shut down before the answer came");
		return CP_DNS_CANCELLED;
	}
	if (r->literal) {
		if (r->lit_error) {
			snprintf(d->msg, sizeof d->msg, "%s", r->lit_error);
			return CP_DNS_ERROR;
		}
		for (size_t i = 0; i < r->nlit; i++)
			a->addr[a->n++] = r->lit[i];
		snprintf(d->msg, sizeof d->msg, "%s", r->lit_msg);
		return CP_DNS_OK;
	}
	switch (r->ares_status) {
	case ARES_SUCCESS:
		for (const struct ares_addrinfo_node *n = r->res ? r->res->nodes : NULL; n;
		     n = n->ai_next)
			if (n->ai_addr)
				addrs_add(a, n->ai_addr, n->ai_addrlen, r->family);
		if (!a->n) {
			snprintf(d->msg, sizeof d->msg, "no address in the answer");
			return CP_DNS_NODATA;
		}
		snprintf(d->msg, sizeof d->msg, "resolved");
		return CP_DNS_OK;
	case ARES_ENOTFOUND:
		snprintf(d->msg, sizeof d->msg, "no such domain (NXDOMAIN)");
		return CP_DNS_NXDOMAIN;
	case ARES_ENODATA:
		snprintf(d->msg, sizeof d->msg, "no address record for this name (NODATA)");
		return CP_DNS_NODATA;
	case ARES_ESERVFAIL:
		snprintf(d->msg, sizeof d->msg, "DNS server failure (SERVFAIL)");
		return CP_DNS_SERVFAIL;
	case ARES_EREFUSED:
		snprintf(d->msg, sizeof d->msg, "DNS server refused the query (REFUSED)");
		return CP_DNS_REFUSED;
	case ARES_ETIMEOUT:
		snprintf(d->msg, sizeof d->msg, "no answer from the DNS server (timed out)");
		return CP_DNS_TIMEOUT;
	case ARES_EDESTRUCTION:
	case ARES_ECANCELLED:
		snprintf(d->msg, sizeof d->msg, "resolver shut down before the answer came");
		return CP_DNS_CANCELLED;
	case ARES_ECONNREFUSED:
		snprintf(d->msg, sizeof d->msg,
			 "could not contact the DNS server (connection refused)");
		return CP_DNS_ERROR;
	default:
		snprintf(d->msg, sizeof d->msg, "DNS lookup failed: %s",
			 ares_strerror(r->ares_status));
		return CP_DNS_ERROR;
	}
}

/* Call the user back once and free the request (already off its list). */
static void deliver(struct cp_dns *d, struct cp_dns_req *r)
{
	enum cp_dns_status st = outcome(d, r);

	r->fn(r->data, st, st == CP_DNS_OK ? &d->out : &no_addrs, d->msg);
	if (r->res)
		ares_freeaddrinfo(r->res);
	free(r);
}

/* ---- driving c-ares from the loop ---- */

static void destroy(struct cp_dns *d);
static void on_timeout(struct cp_loop *l, void *data);
static void on_flush(struct cp_loop *l, void *data);

/* Re-arm the single c-ares alarm from ares_timeout(); after every c-ares call. */
static void rearm(struct cp_dns *d)
{
	struct timeval tv, *tvp;
	uint64_t ms;

	cp_loop_timer_cancel(d->loop, d->timer);
	d->timer = 0;
	if (d->dying)
		return;
	tvp = ares_timeout(d->ch, NULL, &tv);
	if (!tvp)
		return;
	ms = (uint64_t)tvp->tv_sec * 1000u + ((uint64_t)tvp->tv_usec + 999u) / 1000u;
	/*
	 * Out of memory leaves no alarm: queries then finish only when their
	 * sockets see traffic, and the next c-ares call tries again.
	 */
	d->timer = cp_loop_timer_add(d->loop, ms, on_timeout, d);
}

static int ensure_flush(struct cp_dns *d)
{
	if (d->flush)
		return 0;
	d->flush = cp_loop_defer(d->loop, on_flush, d);
	return d->flush ? 0 : -1;
}

static void enter(struct cp_dns *d)
{
	d->depth++;
}

/* Leave an entry point; the last one out completes a requested free. */
static void leave(struct cp_dns *d)
{
	if (--d->depth == 0 && d->dying)
		destroy(d);
}

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct cp_dns_req *r = arg;
	struct cp_dns *d = r->d;

	(void)timeouts;
	r->ares_status = status;
	r->res = res;
	list_unlink(&d->live, r);
	/* Answered inside cp_dns_resolve() (hosts file, bad name): defer it. */
	if (d->in_submit) {
		list_push(&d->ready, r);
		/* if this fails, cp_dns_resolve() finds r unscheduled and fails */
		(void)ensure_flush(d);
		return;
	}
	deliver(d, r);
}

static void on_sock(struct cp_loop *l, int fd, unsigned events, void *data)
{
	struct cp_dns *d = data;

	(void)l;
	enter(d);
	ares_process_fd(d->ch, (events & CP_EV_READ) ? fd : ARES_SOCKET_BAD,
			(events & CP_EV_WRITE) ? fd : ARES_SOCKET_BAD);
	rearm(d);
	leave(d);
}

static void on_timeout(struct cp_loop *l, void *data)
{
	struct cp_dns *d = data;

	(void)l;
	d->timer = 0;
	enter(d);
	ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	rearm(d);
	leave(d);
}

static void on_flush(struct cp_loop *l, void *data)
{
	struct cp_dns *d = data;
	struct cp_dns_list batch = d->ready;

	(void)l;
	/* Take the current batch; requests parked by these callbacks wait for the next. */
	d->flush = 0;
	d->ready.head = d->ready.tail = NULL;
	enter(d);
	while (batch.head) {
		struct cp_dns_req *r = batch.head;
		list_unlink(&batch, r);
		deliver(d, r);
	}
	leave(d);
}

/* c-ares opened, changed or closed one of its sockets. */
static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct cp_dns *d = data;
	unsigned mask = (readable ? CP_EV_READ : 0) | (writable ? CP_EV_WRITE : 0);

	if (!mask) {
		cp_loop_unwatch(d->loop, fd);
		return;
	}
	/* On failure the socket is never serviced; the alarm times the query out. */
	(void)cp_loop_watch(d->loop, fd, mask, on_sock, d);
}

/* ---- the server list ---- */

/* PORT: 1..65535 in decimal, no sign, no leading zero. */
static int parse_port(const char *p, size_t n, unsigned *port)
{
	unsigned v = 0;

	if (n == 0 || n > 5 || p[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (v > 65535)
		return -1;
	*port = v;
	return 0;
}

/* What to call an entry in a message: itself when it is short, printable
 * ASCII, else its position. */
static void entry_name(const char *p, size_t n, size_t idx, char *buf, size_t size)
{
	bool printable = n <= 64;

	for (size_t i = 0; printable && i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			printable = false;
	if (printable)
		snprintf(buf, size, "'%.*s'", (int)n, p);
	else
		snprintf(buf, size, "number %zu", idx + 1);
}

/*
 * One entry of n bytes at p into *ss.  c-ares's own CSV parser is not
 * used: 1.18 takes "1.2.3" as 1.2.3.255, "1.2.3.4/24" as 1.2.3.4 and
 * port 99999 as 34463.
 */
static int parse_server(const char *p, size_t n, size_t idx, struct sockaddr_storage *ss, char *err,
			size_t errlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char addr[INET6_ADDRSTRLEN], name[80];
	const char *a = p, *colon;
	size_t alen = n;
	unsigned port = 53;
	bool v6;

	entry_name(p, n, idx, name, sizeof name);
	memset(ss, 0, sizeof *ss);
	if (n == 0) {
		cp_seterr(err, errlen, "empty entry %zu in the DNS server list", idx + 1);
		return -1;
	}
	if (p[0] == '[') {
		const char *close = memchr(p, ']', n);

		if (close == NULL) {
			cp_seterr(err, errlen, "DNS server %s: no ']' after the IPv6 address",
				  name);
			return -1;
		}
		a = p + 1;
		alen = (size_t)(close - a);
		if (close + 1 < p + n) {
			if (close[1] != ':' ||
			    parse_port(close + 2, (size_t)(p + n - close - 2), &port) < 0) {
				cp_seterr(err, errlen,
					  "DNS server %s: expected [IPv6]:PORT with a port "
					  "from 1 to 65535",
					  name);
				return -1;
			}
		}
		v6 = true;
	} else {
		colon = memchr(p, ':', n);
		v6 = colon != NULL && memchr(colon + 1, ':', (size_t)(p + n - colon - 1)) != NULL;
		if (colon != NULL && !v6) {
			alen = (size_t)(colon - p);
			if (parse_port(colon + 1, n - alen - 1, &port) < 0) {
				cp_seterr(err, errlen,
					  "DNS server %s: the port must be a number from 1 "
					  "to 65535",
					  name);
				return -1;
			}
		}
	}
	if (alen == 0 || alen >= sizeof addr) {
		cp_seterr(err, errlen, "DNS server %s is not an IP address", name);
		return -1;
	}
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	if (v6 && inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	if (!v6 && inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		return 0;
	}
	memset(ss, 0, sizeof *ss);
	cp_seterr(err, errlen,
		  "DNS server %s is not an IP address (IPv4 dotted quad, IPv6, or "
		  "[IPv6]:PORT)",
		  name);
	return -1;
}

int cp_dns_parse_servers(const char *text, struct sockaddr_storage *out, size_t max, char *err,
			 size_t errlen)
{
	size_t n = 0;
	const char *p = text;
	char dummy[8];

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = '\0';
	if (text == NULL || text[0] == '\0') {
		cp_seterr(err, errlen, "empty DNS server list");
		return -1;
	}
	for (;;) {
		size_t len = strcspn(p, ",");

		if (n == max) {
			cp_seterr(err, errlen, "more than %zu DNS servers", max);
			return -1;
		}
		if (parse_server(p, len, n, &out[n], err, errlen) < 0)
			return -1;
		n++;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	return (int)n;
}

/* ---- public ---- */

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_status = ARES_ENOTINITIALIZED;

static void lib_init(void)
{
	lib_status = ares_library_init(ARES_LIB_INIT_ALL);
}

struct cp_dns *cp_dns_new(struct cp_loop *l, const struct cp_dns_opts *o, char *err, size_t errlen)
{
	static const struct cp_dns_opts defaults = { 0 };
	struct ares_options ao;
	struct cp_dns *d = NULL, *ret = NULL;
	struct sockaddr_storage servers[CP_DNS_MAX_SERVERS];
	struct ares_addr_port_node nodes[CP_DNS_MAX_SERVERS];
	char lookups[3], devnull[] = "/dev/null";
	int optmask, rc, nservers = 0;

	if (err && errlen)
		err[0] = '\0';
	if (!o)
		o = &defaults;
	pthread_once(&lib_once, lib_init);
	if (lib_status != ARES_SUCCESS) {
		if (err && errlen)
			cp_seterr(err, errlen, "c-ares: %s", ares_strerror(lib_status));
		goto out;
	}
	if (o->servers) {
		nservers =
			cp_dns_parse_servers(o->servers, servers, CP_DNS_MAX_SERVERS, err, errlen);
		if (nservers < 0)
			goto out;
	}
	d = calloc(1, sizeof *d);
	if (!d) {
		if (err && errlen)
			cp_seterr(err, errlen, "out of memory");
		goto out;
	}
	d->loop = l;

	memset(&ao, 0, sizeof ao);
	ao.sock_state_cb = sock_state;
	ao.sock_state_cb_data = d;
	/* "f" is the hosts file, "b" is DNS ("bind") */
	snprintf(lookups, sizeof lookups, "%s", o->use_hosts_file ? "fb" : "b");
	ao.lookups = lookups;
	/* see the top of the file: keep the server's SERVFAIL/REFUSED */
	ao.flags = ARES_FLAG_NOCHECKRESP;
	optmask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS | ARES_OPT_FLAGS;
	if (o->timeout_ms) {
		ao.timeout = (int)(o->timeout_ms > 600000 ? 600000 : o->timeout_ms);
		optmask |= ARES_OPT_TIMEOUTMS;
	}
	if (o->tries) {
		ao.tries = (int)(o->tries > 100 ? 100 : o->tries);
		optmask |= ARES_OPT_TRIES;
	}
	if (o->servers) {
		/*
		 * Explicit servers: read no resolv.conf at all (its servers,
		 * search list and options), and look names up as given.
		 */
		ao.flags |= ARES_FLAG_NOSEARCH;
		ao.resolvconf_path = devnull;
		optmask |= ARES_OPT_RESOLVCONF;
	}
	rc = ares_init_options(&d->ch, &ao, optmask);
	if (rc != ARES_SUCCESS) {
		d->ch = NULL;
		if (err && errlen)
			cp_seterr(err, errlen, "c-ares: %s", ares_strerror(rc));
		goto out;
	}
	if (o->servers) {
		for (int i = 0; i < nservers; i++) {
			const struct sockaddr_storage *ss = &servers[i];
			struct ares_addr_port_node *nd = &nodes[i];

			memset(nd, 0, sizeof *nd);
			nd->next = i + 1 < nservers ? &nodes[i + 1] : NULL;
			nd->family = ss->ss_family;
			if (ss->ss_family == AF_INET) {
				const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

				memcpy(&nd->addr.addr4, &sin->sin_addr, sizeof nd->addr.addr4);
				nd->udp_port = nd->tcp_port = ntohs(sin->sin_port);
			} else {
				const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

				memcpy(&nd->addr.addr6, &sin6->sin6_addr, sizeof nd->addr.addr6);
				nd->udp_port = nd->tcp_port = ntohs(sin6->sin6_port);
			}
		}
		rc = ares_set_servers_ports(d->ch, nodes);
		if (rc != ARES_SUCCESS) {
			if (err && errlen)
				cp_seterr(err, errlen, "c-ares refused the DNS server list: %s",
					  ares_strerror(rc));
			goto out;
		}
	}
	ret = d;
	d = NULL;
out:
	if (d) {
		if (d->ch)
			ares_destroy(d->ch);
		free(d);
	}
	return ret;
}

/*
 * Cancel everything: ares_destroy() calls back each live query with
 * ARES_EDESTRUCTION and closes its sockets (unwatching them through
 * sock_state); parked answers are cancelled too.  Callbacks run with depth
 * raised, so a cp_dns_free() from one of them does not recurse.
 */
static void destroy(struct cp_dns *d)
{
	d->dying = true;
	d->depth++;
	cp_loop_timer_cancel(d->loop, d->timer);
	cp_loop_timer_cancel(d->loop, d->flush);
	d->timer = d->flush = 0;
	ares_destroy(d->ch);
	d->ch = NULL;
	while (d->ready.head) {
		struct cp_dns_req *r = d->ready.head;
		list_unlink(&d->ready, r);
		deliver(d, r);
	}
	free(d);
}

void cp_dns_free(struct cp_dns *d)
{
	if (!d)
		return;
	if (d->depth > 0) {
		/* inside c-ares or one of our callbacks: the way out finishes it */
		d->dying = true;
		return;
	}
	destroy(d);
}

/*
 * RFC 6761 6.3: "localhost" and names below it are loopback and are not
 * sent to DNS servers.  c-ares 1.18.1 agrees only half-way (without the
 * hosts file it fails such names with ARES_ECONNREFUSED), so answer them
 * here, like IP literals.
 */
static bool is_localhost(const char *name)
{
	static const char lh[] = "localhost";
	size_t n = strlen(name), k = sizeof lh - 1;

	if (n && name[n - 1] == '.')
		n--;
	if (n < k || strncasecmp(name + n - k, lh, k) != 0)
		return false;
	return n == k || name[n - k - 1] == '.';
}

/* IP literals and localhost: fill r->lit and return true, or return false. */
static bool answer_locally(struct cp_dns_req *r, const char *name)
{
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;

	if (cp_dns_parse_literal(name, &r->lit[0])) {
		r->literal = true;
		r->nlit = 1;
		r->lit_msg = "IP literal, not looked up";
		if (r->family != AF_UNSPEC && r->lit[0].ss_family != r->family)
			r->lit_error = r->family == AF_INET
					       ? "an IPv6 address where IPv4 was asked for"
					       : "an IPv4 address where IPv6 was asked for";
		return true;
	}
	if (!is_localhost(name))
		return false;
	r->literal = true;
	r->lit_msg = "localhost is loopback (RFC 6761), not looked up";
	if (r->family != AF_INET6) {
		sin = (struct sockaddr_in *)&r->lit[r->nlit++];
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	if (r->family != AF_INET) {
		sin6 = (struct sockaddr_in6 *)&r->lit[r->nlit++];
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
	}
	return true;
}

int cp_dns_resolve(struct cp_dns *d, const char *name, int family, cp_dns_fn fn, void *data)
{
	struct ares_addrinfo_hints hints;
	struct cp_dns_req *r;

	if (!d || d->dying || !name || !fn ||
	    (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)) {
		errno = EINVAL;
		return -1;
	}
	r = calloc(1, sizeof *r);
	if (!r)
		return -1;
	r->d = d;
	r->fn = fn;
	r->data = data;
	r->family = family;
	if (answer_locally(r, name)) {
		list_push(&d->ready, r);
		if (ensure_flush(d)) {
			list_unlink(&d->ready, r);
			free(r);
			errno = ENOMEM;
			return -1;
		}
		return 0;
	}

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	/*
	 * Keep the answer's order: the RFC 6724 sort in c-ares 1.18.1 probes
	 * each address with a connect()ed UDP socket, which is not ours to do.
	 */
	hints.ai_flags = ARES_AI_NOSORT;
	list_push(&d->live, r);
	enter(d);
	d->in_submit = true;
	ares_getaddrinfo(d->ch, name, NULL, &hints, on_addrinfo, r);
	d->in_submit = false;
	rearm(d);
	if (!d->flush && d->ready.tail == r) {
		/* answered at once but no deferred call could be scheduled */
		list_unlink(&d->ready, r);
		if (r->res)
			ares_freeaddrinfo(r->res);
		free(r);
		leave(d);
		errno = ENOMEM;
		return -1;
	}
	leave(d);
	return 0;
}
