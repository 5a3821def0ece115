/* SPDX-License-Identifier: MIT */
/*
 * cp_dns: asynchronous name resolution with c-ares, driven by a cp_loop.
 *
 * c-ares sockets are watched on the loop through ARES_OPT_SOCK_STATE_CB and
 * serviced with ares_process_fd(); one loop timer, re-armed from
 * ares_timeout() after every c-ares call, drives retries and timeouts.
 * Nothing here ever blocks or waits inside c-ares.
 *
 * Callbacks: every successful cp_dns_resolve() leads to exactly one call of
 * its cp_dns_fn, always from the loop (a loop callback), never from inside
 * cp_dns_resolve() itself, not even for IP literals, localhost or answers
 * taken from the hosts file.  Inside a cp_dns_fn it is safe to call cp_dns_resolve()
 * and cp_dns_free() (the free then completes when c-ares has returned).
 */
#ifndef CP_NET_DNS_H
#define CP_NET_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "net/loop.h"

/* At most this many addresses are kept per answer; the rest are dropped. */
#define CP_DNS_MAX_ADDRS 32

struct cp_dns;

struct cp_dns_opts {
	/*
	 * "IP[:PORT][,IP[:PORT]...]", IPv6 with a port in brackets
	 * ("[::1]:5353"); see cp_dns_parse_servers.  When set, the system resolver configuration
	 * (/etc/resolv.conf: servers, search domains, options) is not read at
	 * all and names are looked up as given, without search domains.
	 * NULL: the system configuration, as the C library would use it.
	 */
	const char *servers;
	unsigned timeout_ms; /* per try (c-ares doubles it on later rounds); 0: c-ares default */
	unsigned tries;      /* tries per server; 0: c-ares default */
	bool use_hosts_file; /* consult /etc/hosts before DNS */
};

enum cp_dns_status {
	CP_DNS_OK,        /* at least one address */
	CP_DNS_NXDOMAIN,  /* the name does not exist */
	CP_DNS_NODATA,    /* the name exists but has no address of the family asked */
	CP_DNS_SERVFAIL,  /* the server failed (rcode SERVFAIL) */
	CP_DNS_REFUSED,   /* the server refused (rcode REFUSED) */
	CP_DNS_TIMEOUT,   /* no answer within timeout_ms x tries */
	CP_DNS_ERROR,     /* anything else: bad name, server unreachable, no memory */
	CP_DNS_CANCELLED, /* cp_dns_free() was called before the answer came */
};

/* A stable lowercase token for st ("ok", "nxdomain", ...); "unknown" if out of range. */
const char *cp_dns_strstatus(int st);

/*
 * Addresses in the order of the answer (with AF_UNSPEC the family whose
 * answer arrived first comes first), duplicates removed.  Ports are 0.
 */
struct cp_dns_addrs {
	size_t n;
	struct sockaddr_storage addr[CP_DNS_MAX_ADDRS];
};

/*
 * The answer.  a is never NULL (a->n is 0 unless st is CP_DNS_OK) and msg
 * is a human-readable sentence fragment, never NULL.  Both are valid only
 * during the call: copy what you keep.
 */
typedef void (*cp_dns_fn)(void *data, enum cp_dns_status st, const struct cp_dns_addrs *a,
			  const char *msg);

/*
 * A resolver on loop l.  o may be NULL (system configuration, c-ares
 * defaults).  On failure returns NULL and writes a reason to err (if
 * errlen > 0), such as a server list c-ares cannot parse.
 */
struct cp_dns *cp_dns_new(struct cp_loop *l, const struct cp_dns_opts *o, char *err, size_t errlen);
/*
 * Free the resolver: every query still pending gets its callback with
 * CP_DNS_CANCELLED (before this returns, or, when called from inside a
 * cp_dns callback, once the c-ares call that made it has returned).
 * The loop must outlive the resolver.
 */
void cp_dns_free(struct cp_dns *d);

/*
 * Resolve name to addresses of family AF_UNSPEC (A and AAAA), AF_INET or
 * AF_INET6, calling fn(data, ...) later.  An IP literal ("192.0.2.1",
 * "2001:db8::1", "[2001:db8::1]") is answered without any query; with a
 * family it does not belong to, the answer is CP_DNS_ERROR.  So are
 * "localhost" and names under it (RFC 6761): 127.0.0.1 and/or ::1, in that
 * order, for the family asked.
 *
 * NXDOMAIN vs NODATA: the server's response code decides.  NXDOMAIN means
 * the name does not exist (c-ares: ARES_ENOTFOUND); NODATA means it exists
 * (NOERROR) but has no record of the type asked (c-ares 1.18.1 reports
 * ARES_ENODATA for that from ares_getaddrinfo).  With AF_UNSPEC both A and
 * AAAA are asked: any address makes it OK, otherwise the status of the
 * query answered last is reported.  SERVFAIL and REFUSED are final: they
 * are reported, not retried on the next server.
 *
 * Returns 0 (fn will be called exactly once), or -1 with errno (EINVAL: bad
 * arguments or the resolver is being freed; ENOMEM), and then fn is never
 * called.
 */
int cp_dns_resolve(struct cp_dns *d, const char *name, int family, cp_dns_fn fn, void *data);

/*
 * If text is an IP literal (IPv4 dotted quad, IPv6, or IPv6 in brackets),
 * store it in *out (port 0) and return 1; otherwise return 0.  Callers use
 * it to decide, for instance, that a target gets no SNI.
 */
int cp_dns_parse_literal(const char *text, struct sockaddr_storage *out);

/*
 * The server list of cp_dns_opts.servers (--resolver), parsed as
 * cp_dns_new does before handing it to c-ares: comma-separated entries
 * "IPv4", "IPv4:PORT", "IPv6", "[IPv6]" or "[IPv6]:PORT", no blanks, no
 * empty entry, PORT a decimal 1..65535 (default 53), IPv4 a strict dotted
 * quad.  Fills out[] (ports in host order in the sockaddrs) and returns
 * how many (at least 1), or -1 with a reason in err when the list is bad
 * or holds more than max.  Exposed for tests/fuzz/fuzz_resolver.c too.
 */
#define CP_DNS_MAX_SERVERS 16
int cp_dns_parse_servers(const char *text, struct sockaddr_storage *out, size_t max, char *err,
			 size_t errlen);

/* The length to pass to connect() for an address from cp_dns_addrs. */
socklen_t cp_dns_addrlen(const struct sockaddr_storage *ss);

#endif
