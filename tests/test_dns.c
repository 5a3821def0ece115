/* SPDX-License-Identifier: MIT */
/*
 * cp_dns against tests/stubdns on 127.0.0.1: every status, answer order and
 * de-duplication, truncation to TCP, IP literals without a query, 200
 * concurrent names, timeouts, and freeing with queries pending.  The stub
 * refuses non-loopback records, so nothing here can reach a real host.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "net/dns.h"
#include "net/loop.h"

#define BULK 200

struct stub {
	pid_t pid;
	char dir[64];
	char zone[96], port_file[96], stats[96];
	unsigned port;
	char servers[64];
};

static struct stub stub4 = { .pid = -1 };

static const char zone_text[] = "# every behaviour test_dns relies on\n"
				"a.test A 127.0.0.2\n"
				"a.test A 127.0.0.3\n"
				"a.test A 127.0.0.2   # a duplicate, dropped from the answer\n"
				"v6.test AAAA ::1\n"
				"both.test A 127.0.0.4\n"
				"both.test AAAA ::1\n"
				"nx.test NXDOMAIN\n"
				"sf.test SERVFAIL\n"
				"ref.test REFUSED\n"
				"nod.test NODATA\n"
				"slow.test TIMEOUT\n"
				"late.test DELAY 150\n"
				"late.test A 127.0.0.5\n"
				"MiXeD.Test. A 127.0.0.6\n";

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int write_zone(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(zone_text, f);
	/* 40 addresses: over 512 bytes, so UDP is truncated and TCP follows */
	for (int i = 1; i <= 40; i++)
		fprintf(f, "big.test A 127.0.2.%d\n", i);
	for (int i = 0; i < BULK; i++)
		fprintf(f, "n%d.bulk.test A 127.1.%d.%d\n", i, i / 200, i % 200 + 1);
	return fclose(f);
}

static int read_port(const char *path, unsigned *port)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%u", port) == 1 && *port > 0 && *port < 65536;
	fclose(f);
	return ok ? 0 : -1;
}

/* Start tests/stubdns bound to bind_addr; wait for its port file. */
static int stub_start(struct stub *s, const char *bind_addr)
{
	const char *top = getenv("top_builddir");
	char prog[512];
	uint64_t until;

	snprintf(s->dir, sizeof s->dir, "/tmp/test_dns.XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->zone, sizeof s->zone, "%s/zone", s->dir);
	snprintf(s->port_file, sizeof s->port_file, "%s/port", s->dir);
	snprintf(s->stats, sizeof s->stats, "%s/stats", s->dir);
	snprintf(prog, sizeof prog, "%s/tests/stubdns", top ? top : ".");
	if (write_zone(s->zone))
		return -1;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		execl(prog, prog, "--zone", s->zone, "--port-file", s->port_file, "--stats",
		      s->stats, "--bind", bind_addr, "--max-seconds", "120", (char *)NULL);
		_exit(127);
	}
	until = mono_ms() + 10000;
	while (mono_ms() < until) {
		int st;
		if (read_port(s->port_file, &s->port) == 0) {
			if (strchr(bind_addr, ':'))
				snprintf(s->servers, sizeof s->servers, "[%s]:%u", bind_addr,
					 s->port);
			else
				snprintf(s->servers, sizeof s->servers, "%s:%u", bind_addr,
					 s->port);
			return 0;
		}
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = -1;
			return -1;
		}
		usleep(10000);
	}
	return -1;
}

static void stub_stop(struct stub *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = -1;
	}
	if (s->dir[0]) {
		char tmp[128];
		unlink(s->zone);
		unlink(s->port_file);
		unlink(s->stats);
		snprintf(tmp, sizeof tmp, "%s.tmp", s->port_file);
		unlink(tmp);
		snprintf(tmp, sizeof tmp, "%s.tmp", s->stats);
		unlink(tmp);
		rmdir(s->dir);
		s->dir[0] = '\0';
	}
}

/*
 * A counter from the stub's stats file: key "queries", "udp", "tcp", or
 * "NAME TYPE" for one name and type (0 if never asked).
 */
static unsigned long stat_of(const struct stub *s, const char *key)
{
	FILE *f = fopen(s->stats, "r");
	char line[512], want[300];
	unsigned long v = 0;
	size_t kl;

	assert_non_null(f);
	if (strchr(key, ' '))
		snprintf(want, sizeof want, "name %s ", key);
	else
		snprintf(want, sizeof want, "%s ", key);
	kl = strlen(want);
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, want, kl)) {
			v = strtoul(line + kl, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static int group_setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	if (stub_start(&stub4, "127.0.0.1")) {
		fprintf(stderr, "# cannot start tests/stubdns (is top_builddir set?)\n");
		stub_stop(&stub4);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	stub_stop(&stub4);
	return 0;
}

/* ---- one resolution ---- */

struct answer {
	int calls;
	enum cp_dns_status st;
	struct cp_dns_addrs a;
	char msg[200];
	uint64_t at;
	struct cp_dns *free_me; /* cp_dns_free() this from the callback */
};

static void on_answer(void *data, enum cp_dns_status st, const struct cp_dns_addrs *a,
		      const char *msg)
{
	struct answer *ans = data;

	assert_non_null(a);
	assert_non_null(msg);
	ans->calls++;
	ans->st = st;
	ans->a = *a;
	snprintf(ans->msg, sizeof ans->msg, "%s", msg);
	ans->at = mono_ms();
	if (st != CP_DNS_OK)
		assert_int_equal(a->n, 0);
	if (ans->free_me) {
		cp_dns_free(ans->free_me);
		ans->free_me = NULL;
	}
}

struct ctx {
	struct cp_loop *l;
	struct cp_dns *d;
};

static void ctx_open(struct ctx *c, const char *servers, unsigned timeout_ms, unsigned tries,
		     bool hosts)
{
	struct cp_dns_opts o = { .servers = servers,
				 .timeout_ms = timeout_ms,
				 .tries = tries,
				 .use_hosts_file = hosts };
	char err[200];

	c->l = cp_loop_new();
	assert_non_null(c->l);
	c->d = cp_dns_new(c->l, &o, err, sizeof err);
	if (!c->d)
		fail_msg("cp_dns_new: %s", err);
}

static void ctx_close(struct ctx *c)
{
	cp_dns_free(c->d);
	/* every c-ares socket and alarm went with it */
	assert_int_equal(cp_loop_active_fds(c->l), 0);
	assert_int_equal(cp_loop_pending_timers(c->l), 0);
	cp_loop_free(c->l);
}

/* Run the loop until *calls reaches want, failing after max_ms. */
static void run_until(struct cp_loop *l, const int *calls, int want, unsigned max_ms)
{
	uint64_t until = mono_ms() + max_ms;

	while (*calls < want) {
		assert_true(mono_ms() < until);
		assert_true(cp_loop_run_once(l, 50) >= 0);
	}
}

static void resolve1(struct ctx *c, const char *name, int family, struct answer *ans)
{
	memset(ans, 0, sizeof *ans);
	assert_int_equal(cp_dns_resolve(c->d, name, family, on_answer, ans), 0);
	run_until(c->l, &ans->calls, 1, 5000);
	assert_int_equal(ans->calls, 1);
}

static void assert_v4(const struct sockaddr_storage *ss, const char *want)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	struct in_addr w;

	assert_int_equal(ss->ss_family, AF_INET);
	assert_int_equal(inet_pton(AF_INET, want, &w), 1);
	assert_memory_equal(&sin->sin_addr, &w, sizeof w);
	assert_int_equal(sin->sin_port, 0);
	assert_int_equal(cp_dns_addrlen(ss), sizeof *sin);
}

static void assert_v6(const struct sockaddr_storage *ss, const char *want)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	struct in6_addr w;

	assert_int_equal(ss->ss_family, AF_INET6);
	assert_int_equal(inet_pton(AF_INET6, want, &w), 1);
	assert_memory_equal(&sin6->sin6_addr, &w, sizeof w);
	assert_int_equal(sin6->sin6_port, 0);
	assert_int_equal(cp_dns_addrlen(ss), sizeof *sin6);
}

/* ---- tests ---- */

static void test_a(void **state)
{
	(void)state;
	struct ctx c;
	struct answer ans;
	unsigned long a0 = stat_of(&stub4, "a.test A"), aaaa0 = stat_of(&stub4, "a.test AAAA");

	ctx_open(&c, stub4.servers, 2000, 2, false);
	resolve1(&c, "a.test", AF_INET, &ans);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_int_equal(ans.a.n, 2); /* the duplicate is gone, the order kept */
	assert_v4(&ans.a.addr[0], "127.0.0.2");
	assert_v4(&ans.a.addr[1], "127.0.0.3");
	assert_int_equal(stat_of(&stub4, "a.test A"), a0 + 1);
	assert_int_equal(stat_of(&stub4, "a.test AAAA"), aaaa0);
	/* names are case-insensitive; the trailing dot in the zone is ignored */
	resolve1(&c, "mixed.TEST", AF_INET, &ans);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_int_equal(ans.a.n, 1);
	assert_v4(&ans.a.addr[0], "127.0.0.6");
	ctx_close(&c);
}

static void test_aaaa(void **state)
{
	(void)state;
	struct ctx c;
	struct answer ans;

	ctx_open(&c, stub4.servers, 2000, 2, false);
	resolve1(&c, "v6.test", AF_INET6, &ans);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_int_equal(ans.a.n, 1);
	assert_v6(&ans.a.addr[0], "::1");
	/* a name with only A records has no AAAA: NODATA, not NXDOMAIN */
	resolve1(&c, "a.test", AF_INET6, &ans);
	assert_int_equal(ans.st, CP_DNS_NODATA);
	resolve1(&c, "v6.test", AF_INET, &ans);
	assert_int_equal(ans.st, CP_DNS_NODATA);
	ctx_close(&c);
}

static void test_unspec(void **state)
{
	(void)state;
	struct ctx c;
	struct answer ans;
	unsigned long a0 = stat_of(&stub4, "both.test A"),
		      aaaa0 = stat_of(&stub4, "both.test AAAA");

	ctx_open(&c, stub4.servers, 2000, 2, false);
	resolve1(&c, "both.test", AF_UNSPEC, &ans);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_int_equal(ans.a.n, 2);
	int v4 = ans.a.addr[0].ss_family == AF_INET ? 0 : 1;
	assert_v4(&ans.a.addr[v4], "127.0.0.4");
	assert_v6(&ans.a.addr[1 - v4], "::1");
	assert_int_equal(stat_of(&stub4, "both.test A"), a0 + 1);
	assert_int_equal(stat_of(&stub4, "both.test AAAA"), aaaa0 + 1);
	/* one family missing is still OK */
	resolve1(&c, "v6.test", AF_UNSPEC, &ans);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_int_equal(ans.a.n, 1);
	assert_v6(&ans.a.addr[0], "::1");
	ctx_close(&c);
}

static void test_error_statuses(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int family;
		enum cp_dns_status st;
	} cases[] = {
		{ "nx.test", AF_INET, CP_DNS_NXDOMAIN },
		{ "nx.test", AF_UNSPEC, CP_DNS_NXDOMAIN },
		{ "not-in-zone.test", AF_INET6, CP_DNS_NXDOMAIN },
		{ "nod.test", AF_INET, CP_DNS_NODATA },
		{ "nod.test", AF_UNSPEC, CP_DNS_NODATA },
		{ "sf.test", AF_INET, CP_DNS_SERVFAIL },
		{ "sf.test", AF_UNSPEC, CP_DNS_SERVFAIL },
		{ "ref.test", AF_INET, CP_DNS_REFUSED },
		{ "ref.test", AF_INET6, CP_DNS_REFUSED },
	};
	struct ctx c;
	struct answer ans;
	unsigned long sf0 = stat_of(&stub4, "sf.test A");

	ctx_open(&c, stub4.servers, 2000, 3, false);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		resolve1(&c, cases[i].name, cases[i].family, &ans);
		if (ans.st != cases[i].st)
			fail_msg("%s/%d: got %s (%s), want %s", cases[i].name, cases[i].family,
				 cp_dns_strstatus(ans.st), ans.msg, cp_dns_strstatus(cases[i].st));
		assert_int_equal(ans.a.n, 0);
		assert_true(ans.msg[0] != '\0');
	}
	/* SERVFAIL is an answer, not a reason to ask again (tries is 3) */
	assert_int_equal(stat_of(&stub4, "sf.test A"), sf0 + 2);
	assert_string_equal(cp_dns_strstatus(CP_DNS_NXDOMAIN), "nxdomain");
	assert_string_equal(cp_dns_strstatus(CP_DNS_CANCELLED), "cancelled");
	assert_string_equal(cp_dns_strstatus(99), "unknown");
	assert_string_equal(cp_dns_strstatus(-1), "unknown");
	ctx_close(&c);
}

static void test_timeout(void **state)
{
	(void)state;
	struct ctx c;
	struct answer ans;
	unsigned long q0 = stat_of(&stub4, "slow.test A");
	uint64_t t0;

	ctx_open(&c, stub4.servers, 200, 1, false);
	memset(&ans, 0, sizeof ans);
	t0 = mono_ms();
	assert_int_equal(cp_dns_resolve(c.d, "slow.test", AF_INET, on_answer, &ans), 0);
	run_until(c.l, &ans.calls, 1, 5000);
	assert_int_equal(ans.st, CP_DNS_TIMEOUT);
	/* one try of 200 ms: not before it, and well within a second */
	assert_true(ans.at - t0 >= 190);
	assert_true(ans.at - t0 < 2000);
	assert_int_equal(stat_of(&stub4, "slow.test A"), q0 + 1);
	ctx_close(&c);
}

static void test_delayed_answer(void **state)
{
	(void)state;
	struct ctx c;
	struct answer ans;
	uint64_t t0 = mono_ms();

	ctx_open(&c, stub4.servers, 2000, 1, false);
	resolve1(&c, "late.test", AF_INET, &ans);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_v4(&ans.a.addr[0], "127.0.0.5");
	assert_true(ans.at - t0 >= 140);
	ctx_close(&c);
}

/* 40 A records: the UDP answer is truncated, c-ares retries over TCP, we keep 32. */
static void test_truncated_to_tcp(void **state)
{
	(void)state;
	struct ctx c;
	struct answer ans;
	unsigned long tcp0 = stat_of(&stub4, "tcp");
	char want[32];

	ctx_open(&c, stub4.servers, 2000, 2, false);
	resolve1(&c, "big.test", AF_INET, &ans);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_int_equal(ans.a.n, CP_DNS_MAX_ADDRS);
	for (size_t i = 0; i < ans.a.n; i++) {
		snprintf(want, sizeof want, "127.0.2.%zu", i + 1);
		assert_v4(&ans.a.addr[i], want);
	}
	assert_true(stat_of(&stub4, "tcp") > tcp0);
	ctx_close(&c);
}

static void test_literals(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int family;
		enum cp_dns_status st;
		const char *addr;
	} cases[] = {
		{ "127.0.0.9", AF_UNSPEC, CP_DNS_OK, "127.0.0.9" },
		{ "127.0.0.9", AF_INET, CP_DNS_OK, "127.0.0.9" },
		{ "::1", AF_UNSPEC, CP_DNS_OK, "::1" },
		{ "[::1]", AF_INET6, CP_DNS_OK, "::1" },
		{ "[2001:db8::7]", AF_UNSPEC, CP_DNS_OK, "2001:db8::7" },
		{ "::1", AF_INET, CP_DNS_ERROR, NULL },
		{ "127.0.0.9", AF_INET6, CP_DNS_ERROR, NULL },
	};
	struct ctx c;
	struct answer ans;
	struct sockaddr_storage ss;
	unsigned long q0 = stat_of(&stub4, "queries");

	ctx_open(&c, stub4.servers, 2000, 1, false);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&ans, 0, sizeof ans);
		assert_int_equal(
			cp_dns_resolve(c.d, cases[i].text, cases[i].family, on_answer, &ans), 0);
		/* never answered from inside cp_dns_resolve() */
		assert_int_equal(ans.calls, 0);
		run_until(c.l, &ans.calls, 1, 2000);
		assert_int_equal(ans.calls, 1);
		assert_int_equal(ans.st, cases[i].st);
		if (!cases[i].addr)
			continue;
		assert_int_equal(ans.a.n, 1);
		if (strchr(cases[i].addr, ':'))
			assert_v6(&ans.a.addr[0], cases[i].addr);
		else
			assert_v4(&ans.a.addr[0], cases[i].addr);
	}
	/* not one query reached the server */
	assert_int_equal(stat_of(&stub4, "queries"), q0);

	assert_int_equal(cp_dns_parse_literal("10.1.2.3", &ss), 1);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(cp_dns_parse_literal("[fe80::1]", &ss), 1);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(cp_dns_parse_literal("example.com", &ss), 0);
	assert_int_equal(cp_dns_parse_literal("[127.0.0.1]", &ss), 0);
	assert_int_equal(cp_dns_parse_literal("[::1", &ss), 0);
	assert_int_equal(cp_dns_parse_literal("1.2.3", &ss), 0);
	assert_int_equal(cp_dns_parse_literal("", &ss), 0);
	ctx_close(&c);
}

struct bulk_item {
	struct answer ans;
	int *done;
};

static void on_bulk(void *data, enum cp_dns_status st, const struct cp_dns_addrs *a,
		    const char *msg)
{
	struct bulk_item *b = data;

	on_answer(&b->ans, st, a, msg);
	(*b->done)++;
}

static void test_concurrent_200(void **state)
{
	(void)state;
	struct ctx c;
	struct bulk_item *items = calloc(BULK, sizeof *items);
	int done = 0;
	char name[64], want[32];
	unsigned long q0 = stat_of(&stub4, "queries");

	assert_non_null(items);
	ctx_open(&c, stub4.servers, 3000, 2, false);
	for (int i = 0; i < BULK; i++) {
		items[i].done = &done;
		snprintf(name, sizeof name, "n%d.bulk.test", i);
		assert_int_equal(cp_dns_resolve(c.d, name, AF_INET, on_bulk, &items[i]), 0);
	}
	run_until(c.l, &done, BULK, 10000);
	/* a little longer: no callback may come twice */
	for (int k = 0; k < 3; k++)
		assert_true(cp_loop_run_once(c.l, 10) >= 0);
	assert_int_equal(done, BULK);
	for (int i = 0; i < BULK; i++) {
		assert_int_equal(items[i].ans.calls, 1);
		assert_int_equal(items[i].ans.st, CP_DNS_OK);
		assert_int_equal(items[i].ans.a.n, 1);
		snprintf(want, sizeof want, "127.1.%d.%d", i / 200, i % 200 + 1);
		assert_v4(&items[i].ans.a.addr[0], want);
	}
	/* one query per name: no retries were needed on loopback */
	assert_int_equal(stat_of(&stub4, "queries"), q0 + BULK);
	ctx_close(&c);
	free(items);
}

/* cp_dns_free() with queries in flight and answers parked: all CANCELLED. */
static void test_free_pending(void **state)
{
	(void)state;
	struct ctx c;
	struct answer a[4];

	ctx_open(&c, stub4.servers, 5000, 2, false);
	memset(a, 0, sizeof a);
	assert_int_equal(cp_dns_resolve(c.d, "slow.test", AF_UNSPEC, on_answer, &a[0]), 0);
	assert_int_equal(cp_dns_resolve(c.d, "late.test", AF_INET, on_answer, &a[1]), 0);
	assert_int_equal(cp_dns_resolve(c.d, "127.0.0.1", AF_INET, on_answer, &a[2]), 0);
	assert_int_equal(cp_dns_resolve(c.d, "slow.test", AF_INET6, on_answer, &a[3]), 0);
	/* let the queries go out, but not long enough for any answer */
	assert_true(cp_loop_run_once(c.l, 0) >= 0);
	assert_int_equal(a[0].calls + a[1].calls + a[3].calls, 0);
	/* the literal may have been answered by that iteration; the rest are pending */
	cp_dns_free(c.d);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(a[i].calls, 1);
		if (i != 2 || a[i].st != CP_DNS_OK)
			assert_int_equal(a[i].st, CP_DNS_CANCELLED);
	}
	assert_int_equal(cp_loop_active_fds(c.l), 0);
	assert_int_equal(cp_loop_pending_timers(c.l), 0);
	cp_loop_free(c.l);

	/* the same before the loop ever ran: the literal is cancelled too */
	ctx_open(&c, stub4.servers, 5000, 2, false);
	memset(a, 0, sizeof a);
	assert_int_equal(cp_dns_resolve(c.d, "127.0.0.1", AF_INET, on_answer, &a[0]), 0);
	assert_int_equal(cp_dns_resolve(c.d, "slow.test", AF_INET, on_answer, &a[1]), 0);
	ctx_close(&c);
	assert_int_equal(a[0].calls, 1);
	assert_int_equal(a[0].st, CP_DNS_CANCELLED);
	assert_int_equal(a[1].calls, 1);
	assert_int_equal(a[1].st, CP_DNS_CANCELLED);
}

/* cp_dns_free() from inside an answer's callback; the loop then runs dry. */
static void test_free_from_callback(void **state)
{
	(void)state;
	struct ctx c;
	struct answer fast, slow, lit;

	ctx_open(&c, stub4.servers, 5000, 2, false);
	memset(&fast, 0, sizeof fast);
	memset(&slow, 0, sizeof slow);
	memset(&lit, 0, sizeof lit);
	fast.free_me = c.d;
	assert_int_equal(cp_dns_resolve(c.d, "a.test", AF_INET, on_answer, &fast), 0);
	assert_int_equal(cp_dns_resolve(c.d, "slow.test", AF_INET, on_answer, &slow), 0);
	run_until(c.l, &fast.calls, 1, 5000);
	assert_int_equal(fast.st, CP_DNS_OK);
	assert_int_equal(slow.calls, 1);
	assert_int_equal(slow.st, CP_DNS_CANCELLED);
	/* nothing of the resolver is left on the loop */
	assert_int_equal(cp_loop_run(c.l), 0);
	assert_int_equal(cp_loop_active_fds(c.l), 0);
	assert_int_equal(cp_loop_pending_timers(c.l), 0);
	cp_loop_free(c.l);

	/* and from a literal's deferred callback, with a parked literal behind it */
	ctx_open(&c, stub4.servers, 5000, 2, false);
	memset(&fast, 0, sizeof fast);
	memset(&lit, 0, sizeof lit);
	memset(&slow, 0, sizeof slow);
	fast.free_me = c.d;
	assert_int_equal(cp_dns_resolve(c.d, "::1", AF_UNSPEC, on_answer, &fast), 0);
	assert_int_equal(cp_dns_resolve(c.d, "127.0.0.1", AF_UNSPEC, on_answer, &lit), 0);
	assert_int_equal(cp_dns_resolve(c.d, "slow.test", AF_INET, on_answer, &slow), 0);
	run_until(c.l, &fast.calls, 1, 5000);
	assert_int_equal(fast.st, CP_DNS_OK);
	assert_int_equal(lit.calls, 1);
	assert_int_equal(lit.st, CP_DNS_CANCELLED);
	assert_int_equal(slow.calls, 1);
	assert_int_equal(slow.st, CP_DNS_CANCELLED);
	assert_int_equal(cp_loop_run(c.l), 0);
	cp_loop_free(c.l);
}

/* A resolver left alone: once its answers are in, run() returns by itself. */
static void test_loop_goes_idle(void **state)
{
	(void)state;
	struct ctx c;
	struct answer a1, a2;

	ctx_open(&c, stub4.servers, 2000, 2, false);
	memset(&a1, 0, sizeof a1);
	memset(&a2, 0, sizeof a2);
	assert_int_equal(cp_dns_resolve(c.d, "a.test", AF_UNSPEC, on_answer, &a1), 0);
	assert_int_equal(cp_dns_resolve(c.d, "nx.test", AF_INET, on_answer, &a2), 0);
	assert_int_equal(cp_loop_run(c.l), 0);
	assert_int_equal(a1.calls, 1);
	assert_int_equal(a2.calls, 1);
	assert_int_equal(a1.st, CP_DNS_OK);
	assert_int_equal(a2.st, CP_DNS_NXDOMAIN);
	ctx_close(&c);
}

static void test_bad_options(void **state)
{
	(void)state;
	struct cp_loop *l = cp_loop_new();
	struct cp_dns_opts o = { .servers = "not-an-address" };
	struct cp_dns *d;
	char err[200];

	assert_non_null(l);
	d = cp_dns_new(l, &o, err, sizeof err);
	assert_null(d);
	assert_true(err[0] != '\0');
	o.servers = "";
	err[0] = '\0';
	assert_null(cp_dns_new(l, &o, err, sizeof err));
	assert_true(err[0] != '\0');
	/* lists c-ares 1.18's own parser took: as 1.2.3.255, 1.2.3.4, port
	 * 34463, :: (found by fuzz_resolver) */
	static const char *const bad[] = { "1.2.3",         "1.2.3.4/24", "1.2.3.4:99999",
					   "0::00:00:00/2", "1.2.3.4:0",  "1.2.3.4," };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o.servers = bad[i];
		err[0] = '\0';
		d = cp_dns_new(l, &o, err, sizeof err);
		if (d)
			fail_msg("--resolver '%s' accepted", bad[i]);
		assert_true(err[0] != '\0');
	}
	/* an IPv6 server without a port, bracketed or not */
	static const char *const good[] = { "::1", "[::1]", "127.0.0.1:5353,[::1]:53" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		o.servers = good[i];
		d = cp_dns_new(l, &o, err, sizeof err);
		if (!d)
			fail_msg("--resolver '%s' refused: %s", good[i], err);
		cp_dns_free(d);
	}
	/* arguments cp_dns_resolve() refuses, without calling back */
	o.servers = stub4.servers;
	d = cp_dns_new(l, &o, err, sizeof err);
	assert_non_null(d);
	struct answer ans = { 0 };
	assert_int_equal(cp_dns_resolve(d, "a.test", AF_UNIX, on_answer, &ans), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(cp_dns_resolve(d, NULL, AF_INET, on_answer, &ans), -1);
	assert_int_equal(cp_dns_resolve(d, "a.test", AF_INET, NULL, &ans), -1);
	cp_dns_free(d);
	assert_int_equal(ans.calls, 0);
	cp_loop_free(l);
}

/* Nothing listens: the server's port answers with ICMP unreachable. */
static void test_server_unreachable(void **state)
{
	(void)state;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof sin;
	char servers[64];
	struct ctx c;
	struct answer ans;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	snprintf(servers, sizeof servers, "127.0.0.1:%u", ntohs(sin.sin_port));
	close(fd);
	ctx_open(&c, servers, 300, 1, false);
	resolve1(&c, "a.test", AF_INET, &ans);
	assert_true(ans.st == CP_DNS_ERROR || ans.st == CP_DNS_TIMEOUT);
	ctx_close(&c);
}

/* localhost is loopback without a query (RFC 6761), whatever the options. */
static void test_localhost(void **state)
{
	(void)state;
	struct ctx c;
	struct answer ans;
	unsigned long q0 = stat_of(&stub4, "queries");

	ctx_open(&c, stub4.servers, 2000, 1, false);
	resolve1(&c, "localhost", AF_INET, &ans);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_int_equal(ans.a.n, 1);
	assert_v4(&ans.a.addr[0], "127.0.0.1");
	resolve1(&c, "LocalHost.", AF_INET6, &ans);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_int_equal(ans.a.n, 1);
	assert_v6(&ans.a.addr[0], "::1");
	resolve1(&c, "www.localhost", AF_UNSPEC, &ans);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_int_equal(ans.a.n, 2);
	assert_v4(&ans.a.addr[0], "127.0.0.1");
	assert_v6(&ans.a.addr[1], "::1");
	assert_int_equal(stat_of(&stub4, "queries"), q0);
	/* but not a name that merely ends in the same letters */
	resolve1(&c, "notlocalhost", AF_INET, &ans);
	assert_int_equal(ans.st, CP_DNS_NXDOMAIN);
	assert_int_equal(stat_of(&stub4, "notlocalhost A"), 1);
	ctx_close(&c);
}

/*
 * A name from /etc/hosts that maps to a loopback address (not localhost),
 * into name/addr; false if the file has none.
 */
static bool hosts_loopback_name(char *name, size_t nlen, char *addr, size_t alen)
{
	FILE *f = fopen("/etc/hosts", "r");
	char line[512];
	bool found = false;

	while (f && !found && fgets(line, sizeof line, f)) {
		char a[64], n[256];
		if (sscanf(line, "%63s %255s", a, n) != 2 || strncmp(a, "127.", 4) ||
		    strstr(n, "localhost") || strchr(n, '#'))
			continue;
		snprintf(name, nlen, "%s", n);
		snprintf(addr, alen, "%s", a);
		found = true;
	}
	if (f)
		fclose(f);
	return found;
}

/* /etc/hosts only when asked; otherwise the name is a DNS query like any other. */
static void test_hosts_file(void **state)
{
	(void)state;
	struct ctx c;
	struct answer ans;
	char name[256], addr[64], key[300];
	unsigned long q0;

	if (!hosts_loopback_name(name, sizeof name, addr, sizeof addr)) {
		skip();
		return;
	}
	snprintf(key, sizeof key, "%s A", name);
	q0 = stat_of(&stub4, key);
	ctx_open(&c, stub4.servers, 2000, 1, false);
	resolve1(&c, name, AF_INET, &ans);
	assert_int_equal(ans.st, CP_DNS_NXDOMAIN); /* the stub has no such name */
	assert_int_equal(stat_of(&stub4, key), q0 + 1);
	ctx_close(&c);

	ctx_open(&c, stub4.servers, 2000, 1, true);
	/* answered from the file inside ares_getaddrinfo(), yet delivered later */
	memset(&ans, 0, sizeof ans);
	assert_int_equal(cp_dns_resolve(c.d, name, AF_INET, on_answer, &ans), 0);
	assert_int_equal(ans.calls, 0);
	run_until(c.l, &ans.calls, 1, 2000);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_v4(&ans.a.addr[0], addr);
	assert_int_equal(stat_of(&stub4, key), q0 + 1);
	ctx_close(&c);
}

/* The "[::1]:PORT" server syntax, against a stub on IPv6 loopback. */
static void test_ipv6_server(void **state)
{
	(void)state;
	struct stub s6 = { .pid = -1 };
	struct ctx c;
	struct answer ans;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	bool have_v6 = fd >= 0 && bind(fd, (struct sockaddr *)&sin6, sizeof sin6) == 0;

	if (fd >= 0)
		close(fd);
	if (!have_v6) {
		skip();
		return;
	}
	assert_int_equal(stub_start(&s6, "::1"), 0);
	assert_true(s6.servers[0] == '[');
	ctx_open(&c, s6.servers, 2000, 2, false);
	resolve1(&c, "both.test", AF_INET, &ans);
	assert_int_equal(ans.st, CP_DNS_OK);
	assert_v4(&ans.a.addr[0], "127.0.0.4");
	assert_int_equal(stat_of(&s6, "both.test A"), 1);
	ctx_close(&c);
	stub_stop(&s6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a),
		cmocka_unit_test(test_aaaa),
		cmocka_unit_test(test_unspec),
		cmocka_unit_test(test_error_statuses),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_delayed_answer),
		cmocka_unit_test(test_truncated_to_tcp),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_concurrent_200),
		cmocka_unit_test(test_free_pending),
		cmocka_unit_test(test_free_from_callback),
		cmocka_unit_test(test_loop_goes_idle),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_server_unreachable),
		cmocka_unit_test(test_localhost),
		cmocka_unit_test(test_hosts_file),
		cmocka_unit_test(test_ipv6_server),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
