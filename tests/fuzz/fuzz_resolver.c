/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the address parsers of the resolver (net/dns.h): the --resolver
 * server list (cp_dns_parse_servers, what cp_dns_new hands to c-ares) and
 * IP literals (cp_dns_parse_literal, which answers literals without a
 * query), against each other and against target parsing (input/target.h)
 * and the SNI rule (cp_is_ip_literal).  The input, up to its first NUL,
 * is tried as each.
 *
 * Server list invariants: an accepted list has one server per entry,
 * each IPv4 or IPv6 with a port in 1..65535, and written back out
 * ("a.b.c.d:PORT", "[v6]:PORT", comma-separated) it parses to the same
 * servers; a refused one says why; cp_dns_new accepts exactly the lists
 * the parser does.  Literal invariants: a literal is IPv4 or IPv6 and
 * comes back the same from its canonical text, bracketed or not (IPv6);
 * unbracketed, it is what cp_is_ip_literal calls a literal; a target
 * parsed as an address is a literal of the family it names.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "input/target.h"
#include "net/dns.h"
#include "net/loop.h"
#include "tls/hello.h"

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       memcmp(&x->sin_addr, &y->sin_addr, sizeof x->sin_addr) == 0;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
	}
	return false;
}

/* "a.b.c.d" or "v6", canonical; returns its port (host order). */
static unsigned addr_text(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		FUZZ_CHECK(inet_ntop(AF_INET, &s->sin_addr, buf, (socklen_t)size) != NULL);
		return ntohs(s->sin_port);
	}
	FUZZ_CHECK(ss->ss_family == AF_INET6);
	const struct sockaddr_in6 *s6 = (const void *)ss;

	FUZZ_CHECK(inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)size) != NULL);
	return ntohs(s6->sin6_port);
}

static void check_servers(const char *text)
{
	struct sockaddr_storage sv[CP_DNS_MAX_SERVERS], again[CP_DNS_MAX_SERVERS];
	char err[256], list[CP_DNS_MAX_SERVERS * 56 + 1];
	size_t commas = 0, len = 0;
	struct cp_loop *loop;
	struct cp_dns *d;
	int n, m;

	for (const char *c = text; *c; c++)
		commas += *c == ',';
	memset(err, 'x', sizeof err);
	n = cp_dns_parse_servers(text, sv, CP_DNS_MAX_SERVERS, err, sizeof err);
	FUZZ_CHECK(n == -1 || (n >= 1 && n <= CP_DNS_MAX_SERVERS));
	FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
	if (n < 0) {
		FUZZ_CHECK(err[0] != '\0');
	} else {
		FUZZ_CHECK((size_t)n == commas + 1);
		list[0] = '\0';
		for (int i = 0; i < n; i++) {
			char a[INET6_ADDRSTRLEN];
			unsigned port = addr_text(&sv[i], a, sizeof a);

			FUZZ_CHECK(port >= 1 && port <= 65535);
			len += (size_t)snprintf(list + len, sizeof list - len,
						sv[i].ss_family == AF_INET6 ? "%s[%s]:%u"
									    : "%s%s:%u",
						i ? "," : "", a, port);
			FUZZ_CHECK(len < sizeof list);
		}
		m = cp_dns_parse_servers(list, again, CP_DNS_MAX_SERVERS, err, sizeof err);
		if (m != n)
			fprintf(stderr, "'%s' -> '%s': %s\n", text, list, err);
		FUZZ_CHECK(m == n);
		for (int i = 0; i < n; i++)
			FUZZ_CHECK(same_addr(&sv[i], &again[i]));
	}

	/* the resolver takes what the parser takes; short lists only, the
	 * channel is not cheap */
	if (strlen(text) > 200)
		return;
	loop = cp_loop_new();
	if (loop == NULL)
		return;
	struct cp_dns_opts o = { .servers = text, .timeout_ms = 100, .tries = 1 };

	d = cp_dns_new(loop, &o, err, sizeof err);
	FUZZ_CHECK((d != NULL) == (n > 0));
	if (d == NULL)
		FUZZ_CHECK(err[0] != '\0');
	cp_dns_free(d);
	cp_loop_free(loop);
}

static void check_literal(const char *text)
{
	struct sockaddr_storage ss, back;
	char a[INET6_ADDRSTRLEN + 2], br[INET6_ADDRSTRLEN + 4];
	size_t n = strlen(text);
	bool bracketed = n >= 2 && text[0] == '[' && text[n - 1] == ']';
	int lit = cp_dns_parse_literal(text, &ss);

	FUZZ_CHECK(lit == 0 || lit == 1);
	if (!bracketed)
		FUZZ_CHECK(lit == (int)cp_is_ip_literal(text));
	if (!lit) {
		FUZZ_CHECK(ss.ss_family == AF_UNSPEC);
		return;
	}
	FUZZ_CHECK(cp_dns_addrlen(&ss) > 0);
	if (bracketed)
		FUZZ_CHECK(ss.ss_family == AF_INET6);
	FUZZ_CHECK(addr_text(&ss, a, sizeof a) == 0);
	FUZZ_CHECK(cp_dns_parse_literal(a, &back) == 1 && same_addr(&ss, &back));
	if (ss.ss_family == AF_INET6) {
		snprintf(br, sizeof br, "[%s]", a);
		FUZZ_CHECK(cp_dns_parse_literal(br, &back) == 1 && same_addr(&ss, &back));
	}
}

/* A target given as an address is a literal of the family it says. */
static void check_target(const char *text)
{
	struct sockaddr_storage ss;
	struct cp_target t;
	char err[256];

	if (cp_target_parse(text, &t, err, sizeof err) != 0)
		return;
	FUZZ_CHECK(cp_dns_parse_literal(t.host, &ss) == (t.is_ip ? 1 : 0));
	if (t.is_ip)
		FUZZ_CHECK(ss.ss_family == t.family_hint);
	cp_target_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_servers(s);
	check_literal(s);
	check_target(s);
	free(s);
	return 0;
}
