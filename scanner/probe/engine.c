/* SPDX-License-Identifier: MIT */
/*
 * The scan engine: admission, resolution, the per-target chains and the
 * three caps (global connections, connections per address:port, new
 * connections per second).  See scan.h for the shape and chain.h for the
 * strategies' side of the contract.
 *
 * Scheduling: a target is admitted when fewer than `active_max` targets
 * hold state; each admitted target starts as many probes as its ready
 * chains, the per-host cap and the global cap allow.  A target that still
 * had work when a cap stopped it waits in a FIFO and is pumped again when
 * any probe ends or the rate limiter's timer fires.  Every pump is O(work
 * started + waiters), never O(all targets).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/dns.h"
#include "net/loop.h"
#include "net/tlsconn.h"
#include "probe/certfetch.h"
#include "probe/chain.h"
#include "probe/scan.h"
#include "tls/chello.h"
#include "util.h"

#define HOST_BUCKETS 4096
/*
 * Connections one target may use, all strategies and retries included
 * (--strategy single needs about 750): a bound that turns any probing
 * loop into an error record instead of a run that never ends.
 */
#define CP_MAX_CONNECTIONS_PER_TARGET 4096

struct cp_host {
	struct cp_host *next;
	char key[INET6_ADDRSTRLEN + 8];
	unsigned inflight;
	unsigned refs;
};

struct cp_jobx;

struct cp_scan {
	const struct cp_scan_opts *o;
	struct cp_loop *loop;
	struct cp_dns *dns;
	struct cp_keyshare_cache *kc;
	const struct cp_scan_target *targets;
	size_t ntargets;
	size_t next_target;
	size_t active;
	size_t active_max;
	size_t done;
	size_t errors;
	unsigned inflight;
	uint64_t next_start_ms; /* rate limiter: earliest next connection */
	uint64_t rate_timer;
	struct cp_jobx *wait_head, *wait_tail;
	struct cp_host *hosts[HOST_BUCKETS];
	cp_scan_result_fn on_result;
	cp_scan_progress_fn on_progress;
	void *data;
	struct cp_wbuf wb;
	SSL_CTX *cert_ctx; /* the certificate fallback's client, made on first use */
	int fatal;
	char *fatal_msg;
};

/* A target's state: the chains' job plus engine bookkeeping. */
struct cp_jobx {
	struct cp_job j;
	const struct cp_scan_target *t;
	size_t index;
	struct cp_host *host;
	unsigned inflight;
	bool waiting; /* in the scan's wait FIFO */
	bool resolving;
	bool finished;
	bool aborting;
	struct cp_jobx *wait_next;
	struct cp_dns_addrs *addrs;
	size_t addr_i;
	uint64_t started_ms;
	struct cp_tlsconn *certfetch; /* the certificate fallback in flight */
	bool certfetch_done;          /* tried (or not needed) for this address */
	/* --target-timeout: a budget of connection time, spent while the
	 * target holds at least one connection (see scan.h) */
	uint64_t tt_bound_ms; /* the whole budget, for the message */
	uint64_t tt_left_ms;
	uint64_t tt_since; /* when the clock last started */
	uint64_t tt_timer; /* running: the deadline; 0 paused */
	/* the longest path of answers at each version so far: what a chain
	 * that waited on the version's other chains starts from */
	unsigned path_rtts[CP_P__COUNT];
	unsigned path_probes[CP_P__COUNT];
};

static void scan_pump(struct cp_scan *s);
static void job_pump(struct cp_jobx *x);
static void job_finish(struct cp_jobx *x);
static void tt_resume(struct cp_jobx *x);
static void tt_pause(struct cp_jobx *x);

void cp_scan_opts_default(struct cp_scan_opts *o)
{
	memset(o, 0, sizeof *o);
	o->strategy = CP_STRATEGY_ELIMINATE;
	o->versions = CP_VER_ALL;
	o->groups = true;
	o->preference = true;
	o->sigalgs = true;
	o->certificate = true;
	o->concurrency = 256;
	o->per_host = 4;
	o->connect_timeout_ms = 5000;
	o->timeout_ms = 8000;
	o->retries = 1;
	o->retry_backoff_ms = 500;
	o->family = AF_UNSPEC;
	o->dns_timeout_ms = 3000;
	o->max_suites = 128;
}

unsigned cp_target_timeout_default(size_t probes, unsigned per_host, unsigned timeout_ms,
				   unsigned connect_timeout_ms)
{
	uint64_t rounds, ms;

	if (per_host == 0)
		per_host = 1;
	rounds =
		(uint64_t)(probes / per_host + (probes % per_host != 0)) + CP_TARGET_TIMEOUT_MARGIN;
	ms = rounds * timeout_ms + connect_timeout_ms;
	if (ms > CP_TARGET_TIMEOUT_CAP_MS)
		ms = CP_TARGET_TIMEOUT_CAP_MS;
	return ms ? (unsigned)ms : 1;
}

/* ---- hosts: connections in flight per address:port ---- */

static unsigned hash_str(const char *k)
{
	unsigned h = 2166136261u;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return h % HOST_BUCKETS;
}

static struct cp_host *host_get(struct cp_scan *s, const struct sockaddr_storage *ss)
{
	char addr[INET6_ADDRSTRLEN], key[sizeof((struct cp_host *)0)->key];
	uint16_t port;
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &a->sin6_addr, addr, sizeof addr);
		port = ntohs(a->sin6_port);
	} else {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &a->sin_addr, addr, sizeof addr);
		port = ntohs(a->sin_port);
	}
	snprintf(key, sizeof key, "%s/%u", addr, port);
	unsigned b = hash_str(key);
	for (struct cp_host *h = s->hosts[b]; h; h = h->next)
		if (!strcmp(h->key, key)) {
			h->refs++;
			return h;
		}
	struct cp_host *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	memcpy(h->key, key, sizeof key);
	h->refs = 1;
	h->next = s->hosts[b];
	s->hosts[b] = h;
	return h;
}

static void host_put(struct cp_scan *s, struct cp_host *h)
{
	if (!h || --h->refs)
		return;
	unsigned b = hash_str(h->key);
	for (struct cp_host **pp = &s->hosts[b]; *pp; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	free(h);
}

/* ---- chains ---- */

/*
 * The probes a job typically needs (scan.h, cp_scan_expected_probes): not
 * a bound, a yardstick for the default --target-timeout.
 */
static size_t job_expected_probes(const struct cp_job *j)
{
	size_t n = j->opts->certificate && !j->opts->replay_only ? 1 : 0;

	for (size_t i = 0; i < j->nchains; i++)
		n += j->chains[i].ops->expected ? j->chains[i].ops->expected(&j->chains[i]) : 1;
	return n;
}

size_t cp_scan_expected_probes(const struct cp_scan_opts *o, bool replay)
{
	static const struct cp_replay_hello none;
	struct cp_job j;
	size_t n = 0;

	memset(&j, 0, sizeof j);
	j.opts = o;
	j.replay = replay ? &none : NULL;
	if (cp_job_build_chains(&j) == 0)
		n = job_expected_probes(&j);
	free(j.chains);
	return n;
}

/* ---- probes ---- */

static void on_probe(void *data, const struct cp_conn_report *rep);

static void wait_push(struct cp_scan *s, struct cp_jobx *x)
{
	if (x->waiting)
		return;
	x->waiting = true;
	x->wait_next = NULL;
	if (s->wait_tail)
		s->wait_tail->wait_next = x;
	else
		s->wait_head = x;
	s->wait_tail = x;
}

static void wait_unlink(struct cp_scan *s, struct cp_jobx *x)
{
	struct cp_jobx *prev = NULL;
	if (!x->waiting)
		return;
	for (struct cp_jobx *it = s->wait_head; it; prev = it, it = it->wait_next) {
		if (it != x)
			continue;
		if (prev)
			prev->wait_next = x->wait_next;
		else
			s->wait_head = x->wait_next;
		if (s->wait_tail == x)
			s->wait_tail = prev;
		break;
	}
	x->waiting = false;
}

static void on_rate_timer(struct cp_loop *l, void *data)
{
	struct cp_scan *s = data;
	(void)l;
	s->rate_timer = 0;
	scan_pump(s);
}

/* May one more connection start now?  Arms the rate timer if not. */
static bool may_start(struct cp_scan *s, struct cp_jobx *x)
{
	if (s->inflight >= s->o->concurrency)
		return false;
	if (x->inflight >= s->o->per_host || (x->host && x->host->inflight >= s->o->per_host))
		return false;
	if (s->o->rate > 0) {
		uint64_t now = cp_loop_update_now(s->loop);
		if (now < s->next_start_ms) {
			if (!s->rate_timer)
				s->rate_timer = cp_loop_timer_add(s->loop, s->next_start_ms - now,
								  on_rate_timer, s);
			return false;
		}
	}
	return true;
}

static void count_start(struct cp_scan *s, struct cp_jobx *x)
{
	s->inflight++;
	if (x->inflight++ == 0)
		tt_resume(x);
	if (x->host)
		x->host->inflight++;
	if (s->o->rate > 0) {
		uint64_t now = cp_loop_now(s->loop), gap = (uint64_t)(1000.0 / s->o->rate);
		s->next_start_ms =
			(s->next_start_ms > now ? s->next_start_ms : now) + (gap ? gap : 1);
	}
}

static void count_end(struct cp_scan *s, struct cp_jobx *x)
{
	s->inflight--;
	if (--x->inflight == 0)
		tt_pause(x);
	if (x->host)
		x->host->inflight--;
}

/*
 * Close a chain's pre-opened connection, if any.  It is never handed to
 * another chain: a server that serves one connection at a time (openssl
 * s_server) would sit on an idle pooled connection while the probes
 * queued behind it time out.
 */
static void drop_spare(struct cp_jobx *x, struct cp_chain *c)
{
	if (!c->spare)
		return;
	cp_conn_cancel(c->spare);
	c->spare = NULL;
	count_end(x->j.scan, x);
}

/*
 * Open the next connection of each running chain ahead of time, with the
 * slots no chain needs now: the chain's next hello then costs one round
 * trip instead of two (TCP connect, then hello).  Spares count against
 * every cap like any connection, so --per-host still holds.
 */
static void open_spares(struct cp_jobx *x)
{
	struct cp_scan *s = x->j.scan;
	/* a server that never answered (silent, closing, not TLS) gets no
	 * connections ahead of need */
	if (!x->j.ever_answered)
		return;
	for (size_t i = 0; i < x->j.nchains; i++) {
		struct cp_chain *c = &x->j.chains[i];
		if (c->state != CP_CHAIN_RUNNING || c->spare ||
		    (c->ops->flags & CP_CHAIN_ONE_HELLO))
			continue;
		if (x->j.res->connections >= CP_MAX_CONNECTIONS_PER_TARGET || !may_start(s, x))
			return;
		c->spare = cp_conn_open(s->loop, (const struct sockaddr *)&x->j.addr, x->j.addrlen,
					s->o->connect_timeout_ms);
		if (!c->spare)
			return;
		count_start(s, x);
		x->j.res->connections++;
	}
}

/*
 * Extend c's path by the probe it sends now: one round trip for the hello
 * and its answer, and one more for the TCP connect unless a connection
 * was opened ahead.  A chain that waited on its version's other chains
 * (a later chunk on the first, preference on the accepted set) starts
 * from the longest path answered at that version.
 */
static void path_extend(struct cp_jobx *x, struct cp_chain *c, bool connected_ahead)
{
	if (c->waited) {
		c->waited = false;
		if (x->path_rtts[c->proto] > c->path_rtts) {
			c->path_rtts = x->path_rtts[c->proto];
			c->path_probes = x->path_probes[c->proto];
		}
	}
	c->path_rtts += connected_ahead ? 1 : 2;
	c->path_probes++;
}

/* c's probe was answered: the version's longest answered path. */
static void path_answered(struct cp_jobx *x, const struct cp_chain *c)
{
	if (c->path_rtts > x->path_rtts[c->proto]) {
		x->path_rtts[c->proto] = c->path_rtts;
		x->path_probes[c->proto] = c->path_probes;
	}
}

/* The target's critical path: its longest chain. */
static void path_record(struct cp_jobx *x)
{
	const struct cp_chain *best = NULL;
	for (size_t i = 0; i < x->j.nchains; i++) {
		const struct cp_chain *c = &x->j.chains[i];
		if (c->path_probes && (!best || c->path_rtts > best->path_rtts))
			best = c;
	}
	if (best)
		cp_result_set_critical_path(x->j.res, best->path_rtts, best->path_probes,
					    cp_proto_name(best->proto), best->ops->name);
}

static int send_probe(struct cp_jobx *x, struct cp_chain *c)
{
	struct cp_scan *s = x->j.scan;
	path_extend(x, c, c->spare != NULL);
	struct cp_conn_req req = {
		.addr = (const struct sockaddr *)&x->j.addr,
		.addrlen = x->j.addrlen,
		.hello = c->hello,
		.hello_len = c->hello_len,
		.want = c->want,
		.connect_timeout_ms = s->o->connect_timeout_ms,
		.timeout_ms = s->o->timeout_ms,
	};
	if (c->spare) {
		/* already connected (or connecting) and counted */
		struct cp_conn *sp = c->spare;
		c->spare = NULL;
		if (cp_conn_send(sp, &req, on_probe, c) == 0) {
			c->conn = sp;
			c->state = CP_CHAIN_RUNNING;
			return 0;
		}
		/* it died idle (the server closed it): a fresh one instead */
		cp_conn_cancel(sp);
		count_end(s, x);
	}
	c->conn = cp_conn_start(s->loop, &req, on_probe, c);
	if (!c->conn)
		return -1;
	c->state = CP_CHAIN_RUNNING;
	count_start(s, x);
	x->j.res->connections++;
	return 0;
}

/* Encode the chain's next hello; keeps the bytes for a retry. */
static int prepare(struct cp_jobx *x, struct cp_chain *c, const struct cp_probe_spec *sp)
{
	struct cp_scan *s = x->j.scan;
	cp_wbuf_reset(&s->wb);
	if (sp->raw) {
		/* a captured hello: as it is, but for its server_name */
		bool rewritten;
		int rst = cp_chello_with_sni(sp->raw, sp->raw_len, sp->raw_sni, &s->wb, &rewritten);
		if (rst != CP_OK) {
			cp_result_add_violation(x->j.res,
						"internal: cannot replay the captured hello: %s",
						cp_chello_strerror(rst));
			return -1;
		}
	} else {
		int st = cp_hello_encode(&sp->hp, s->kc, &s->wb);
		if (st != CP_OK) {
			cp_result_add_violation(x->j.res, "internal: cannot encode a %s hello: %s",
						cp_proto_name(c->proto), cp_hello_strerror(st));
			return -1;
		}
	}
	uint8_t *h = realloc(c->hello, s->wb.len);
	if (!h)
		return -1;
	memcpy(h, s->wb.data, s->wb.len);
	c->hello = h;
	c->hello_len = s->wb.len;
	c->want = sp->want;
	c->attempt = 0;
	cp_chain_note_sent(c, sp);
	return 0;
}

static void certfetch_cancel(struct cp_jobx *x)
{
	if (!x->certfetch)
		return;
	cp_tlsconn_cancel(x->certfetch);
	x->certfetch = NULL;
	count_end(x->j.scan, x);
}

static void job_abort(struct cp_jobx *x)
{
	struct cp_scan *s = x->j.scan;
	x->aborting = true;
	certfetch_cancel(x);
	for (size_t i = 0; i < x->j.nchains; i++) {
		struct cp_chain *c = &x->j.chains[i];
		if (c->conn) {
			cp_conn_cancel(c->conn);
			c->conn = NULL;
			count_end(s, x);
		}
		drop_spare(x, c);
		if (c->timer) {
			cp_loop_timer_cancel(s->loop, c->timer);
			c->timer = 0;
		}
		c->state = CP_CHAIN_DONE;
	}
}

/* ---- the target's time bound (--target-timeout) ---- */

static void on_target_timeout(struct cp_loop *l, void *data);

/* The target now holds a connection: its clock runs. */
static void tt_resume(struct cp_jobx *x)
{
	struct cp_loop *l = x->j.scan->loop;

	if (x->tt_timer || x->aborting)
		return;
	x->tt_since = cp_loop_now(l);
	/* 0 without memory: this stretch then runs unbounded by it, and
	 * CP_MAX_CONNECTIONS_PER_TARGET still ends a target that loops */
	x->tt_timer = cp_loop_timer_add(l, x->tt_left_ms, on_target_timeout, x);
}

/* The target holds no connection (between probes, queued behind a cap):
 * its clock stops, keeping what is left. */
static void tt_pause(struct cp_jobx *x)
{
	struct cp_loop *l = x->j.scan->loop;
	uint64_t spent;

	if (!x->tt_timer)
		return;
	cp_loop_timer_cancel(l, x->tt_timer);
	x->tt_timer = 0;
	spent = cp_loop_now(l) - x->tt_since;
	x->tt_left_ms -= spent < x->tt_left_ms ? spent : x->tt_left_ms;
}

/* Append item to the ", "-separated list in buf (cut at its size). */
static void list_add(char *buf, size_t size, const char *item)
{
	size_t len = strlen(buf);

	if (len + 1 < size)
		snprintf(buf + len, size - len, "%s%s", len ? ", " : "", item);
}

/*
 * What the chains still running (or waiting) when the bound fired had not
 * finished, for the message; versions cut off before anything was found
 * there are no longer reported as probed: "not supported" would be a
 * finding, and nothing was found out.
 */
static void describe_incomplete(struct cp_jobx *x, char *buf, size_t size)
{
	struct cp_job *j = &x->j;
	struct cp_result *r = j->res;
	unsigned suites = 0, sig = 0, pref = 0, open_v = 0;
	bool g13 = false, c12 = false, replay = false;
	char item[64];

	buf[0] = '\0';
	for (size_t i = 0; i < j->nchains; i++) {
		const struct cp_chain *c = &j->chains[i];
		unsigned bit = 1u << c->proto;
		if (c->state == CP_CHAIN_DONE)
			continue;
		switch (c->ops->finds) {
		case CP_FINDS_SUITES: suites |= bit; break;
		case CP_FINDS_SIGALGS: sig |= bit; break;
		case CP_FINDS_PREF: pref |= bit; break;
		case CP_FINDS_GROUPS13: g13 = true; break;
		case CP_FINDS_CURVES12: c12 = true; break;
		case CP_FINDS_REPLAY: replay = true; break;
		}
	}
	for (int p = CP_P__COUNT - 1; p >= 0; p--) {
		struct cp_proto_result *pr = &r->proto[p];
		if (!(suites & 1u << p))
			continue;
		snprintf(item, sizeof item, "%s %s", cp_proto_name((enum cp_proto)p),
			 p == CP_P_SSL2 ? "cipher kinds" : "suites");
		list_add(buf, size, item);
		if (!pr->nsuites && !pr->nkinds && j->pstate[p] != CP_PS_DEAD)
			pr->probed = false;
	}
	/* what follows from a version's suites is only missing where suites
	 * were found or are still being looked for (a chain waiting on a
	 * version found unsupported would have ended at its next turn) */
	for (int p = 0; p < CP_P__COUNT; p++)
		if (r->proto[p].nsuites || r->proto[p].nkinds || (suites & 1u << p))
			open_v |= 1u << p;
	if (g13 && (open_v & 1u << CP_P_TLS13))
		list_add(buf, size, "TLSv1.3 groups");
	if (c12 && (open_v & 1u << CP_P_TLS12))
		list_add(buf, size, "TLSv1.2 curves");
	for (int p = CP_P__COUNT - 1; p >= 0; p--)
		if (sig & open_v & 1u << p) {
			snprintf(item, sizeof item, "%s signature schemes",
				 cp_proto_name((enum cp_proto)p));
			list_add(buf, size, item);
		}
	for (int p = CP_P__COUNT - 1; p >= 0; p--)
		if (pref & open_v & 1u << p) {
			snprintf(item, sizeof item, "%s server preference",
				 cp_proto_name((enum cp_proto)p));
			list_add(buf, size, item);
		}
	if (replay)
		list_add(buf, size, "the proxy hello's replay");
	if (j->opts->certificate && !j->opts->replay_only && !r->cert.present && !r->cert_error &&
	    open_v)
		list_add(buf, size, "certificate");
	if (!buf[0])
		snprintf(buf, size, "nothing but closing");
}

/*
 * The bound ran out: stop every chain and connection of the target, keep
 * what was found, and report it as an error of its own kind.
 */
static void on_target_timeout(struct cp_loop *l, void *data)
{
	struct cp_jobx *x = data;
	struct cp_scan *s = x->j.scan;
	char what[512], bound[32];
	(void)l;

	x->tt_timer = 0;
	x->tt_left_ms = 0;
	if (x->tt_bound_ms % 1000)
		snprintf(bound, sizeof bound, "%.1f s", (double)x->tt_bound_ms / 1000.0);
	else
		snprintf(bound, sizeof bound, "%u s", (unsigned)(x->tt_bound_ms / 1000));
	describe_incomplete(x, what, sizeof what);
	cp_result_fail(x->j.res, CP_ERR_TARGET_TIMEOUT,
		       "gave up after %s of connection time (--target-timeout); incomplete: %s",
		       bound, what);
	job_abort(x);
	job_pump(x); /* finishes and frees x */
	scan_pump(s);
}

static void on_backoff(struct cp_loop *l, void *data)
{
	struct cp_chain *c = data;
	struct cp_jobx *x = (struct cp_jobx *)c->job;
	struct cp_scan *s = x->j.scan;
	(void)l;
	c->timer = 0;
	c->state = CP_CHAIN_IDLE;
	c->attempt++;
	job_pump(x); /* may free x */
	scan_pump(s);
}

static bool is_retryable(enum cp_conn_outcome o)
{
	return o == CP_CONN_TIMEOUT || o == CP_CONN_CONNECT_TIMEOUT || o == CP_CONN_RESET;
}

/* Job-level consequences of an outcome; true when the job was aborted. */
static bool judge(struct cp_jobx *x, const struct cp_conn_report *rep)
{
	struct cp_job *j = &x->j;
	struct cp_result *r = j->res;
	const char *addr = r->address ? r->address : "?";

	j->probes_done++;
	switch (rep->outcome) {
	case CP_CONN_REFUSED:
	case CP_CONN_UNREACHABLE:
	case CP_CONN_CONNECT_TIMEOUT:
	case CP_CONN_INTERNAL:
		if (j->ever_connected)
			return false;
		if (rep->outcome == CP_CONN_REFUSED)
			cp_result_fail(r, CP_ERR_REFUSED, "connection to %s port %u refused", addr,
				       r->port);
		else if (rep->outcome == CP_CONN_CONNECT_TIMEOUT)
			cp_result_fail(r, CP_ERR_TIMEOUT,
				       "no TCP connection to %s port %u within %u ms", addr,
				       r->port, j->opts->connect_timeout_ms);
		else if (rep->outcome == CP_CONN_INTERNAL)
			cp_result_fail(r, CP_ERR_INTERNAL, "cannot open a connection: %s",
				       strerror(rep->sys_errno));
		else
			cp_result_fail(r, CP_ERR_CONNECT, "cannot connect to %s port %u: %s", addr,
				       r->port, strerror(rep->sys_errno));
		return true;
	default: break;
	}
	j->ever_connected = true;
	if (rep->outcome == CP_CONN_ANSWER ||
	    (rep->wire && (rep->wire->seen &
			   (CP_SEEN_SERVER_HELLO | CP_SEEN_HRR | CP_SEEN_SSLV2 | CP_SEEN_ALERT))))
		j->ever_answered = true;
	switch (rep->outcome) {
	case CP_CONN_PROTOCOL:
		j->protocol_errors++;
		j->last_wire_error = rep->wire_status;
		if (!j->ever_answered) {
			cp_result_fail(r, CP_ERR_PROTOCOL,
				       "the server's answer is not a TLS handshake: %s",
				       cp_wire_strerror(rep->wire_status));
			return true;
		}
		cp_result_add_violation(r, "malformed answer: %s",
					cp_wire_strerror(rep->wire_status));
		return false;
	case CP_CONN_TIMEOUT:
		j->timeouts++;
		if (!j->ever_answered && j->timeouts >= 2) {
			cp_result_fail(
				r, CP_ERR_TIMEOUT,
				"the server accepted TCP connections but answered no ClientHello within %u ms",
				j->opts->timeout_ms);
			return true;
		}
		return false;
	case CP_CONN_EOF: j->eofs++; return false;
	case CP_CONN_RESET: j->resets++; return false;
	default: return false;
	}
}

static void on_probe(void *data, const struct cp_conn_report *rep)
{
	struct cp_chain *c = data;
	struct cp_jobx *x = (struct cp_jobx *)c->job;
	struct cp_scan *s = x->j.scan;

	c->conn = NULL;
	count_end(s, x);
	if (rep->sent)
		x->j.res->handshakes++;
	if (is_retryable(rep->outcome) && c->attempt < s->o->retries &&
	    !(rep->wire && (rep->wire->seen & (CP_SEEN_SERVER_HELLO | CP_SEEN_HRR)))) {
		c->state = CP_CHAIN_BACKOFF;
		c->timer = cp_loop_timer_add(s->loop, s->o->retry_backoff_ms << c->attempt,
					     on_backoff, c);
		if (c->timer) {
			job_pump(x);
			scan_pump(s);
			return;
		}
	}
	c->state = CP_CHAIN_IDLE;
	c->attempt = 0; /* this probe is over: the chain's next one is new */
	path_answered(x, c);
	if (judge(x, rep)) {
		job_abort(x);
	} else {
		c->ops->answer(c, rep);
	}
	job_pump(x);
	scan_pump(s);
}

/* ---- the certificate fallback (probe/certfetch.h) ---- */

static void on_certfetch(void *data, const struct cp_tlsconn_report *rep)
{
	struct cp_jobx *x = data;
	struct cp_scan *s = x->j.scan;
	char err[256];

	x->certfetch = NULL;
	count_end(s, x);
	if (rep->connected)
		x->j.res->handshakes++;
	if (cp_certfetch_record(x->j.res, rep, err, sizeof err) == 0)
		x->j.need_cert = false;
	else if (!x->j.res->cert_error)
		x->j.res->cert_error = strdup(err); /* a fact; NULL without memory */
	job_pump(x);                                /* may free x */
	scan_pump(s);
}

/*
 * When the chains are done and no probe read a certificate (a TLS 1.3-only
 * server encrypts it), one real handshake reads it, as one more connection
 * of the target under every cap and the --timeout deadline.  Returns true
 * while the job must wait for it (running, or waiting for a slot).
 */
static bool certfetch(struct cp_jobx *x)
{
	struct cp_scan *s = x->j.scan;
	struct cp_result *r = x->j.res;

	if (x->certfetch)
		return true;
	if (x->certfetch_done || x->aborting || s->o->replay_only || !s->o->certificate ||
	    !x->j.need_cert || !cp_certfetch_needed(r) ||
	    r->connections >= CP_MAX_CONNECTIONS_PER_TARGET)
		return false;
	if (!may_start(s, x)) {
		wait_push(s, x);
		return true;
	}
	x->certfetch_done = true;
	if (!s->cert_ctx)
		s->cert_ctx = cp_certfetch_ctx_new();
	if (!s->cert_ctx)
		return false;
	struct cp_tlsconn_req req = {
		.addr = (const struct sockaddr *)&x->j.addr,
		.addrlen = x->j.addrlen,
		.sni = x->j.sni,
		.timeout_ms = s->o->timeout_ms,
	};
	cp_certfetch_req(r, s->cert_ctx, &req);
	x->certfetch = cp_tlsconn_start(s->loop, &req, on_certfetch, x);
	if (!x->certfetch)
		return false;
	count_start(s, x);
	r->connections++;
	return true;
}

/*
 * Start every chain that has a probe to send and a slot to send it on.
 * Returns true when the caps stopped it (the job then waits for a slot).
 */
static bool start_chains(struct cp_jobx *x)
{
	struct cp_scan *s = x->j.scan;
	bool progress = true;

	while (progress && !x->aborting) {
		progress = false;
		for (size_t i = 0; i < x->j.nchains; i++) {
			struct cp_chain *c = &x->j.chains[i];
			if (c->state != CP_CHAIN_IDLE)
				continue;
			if (!may_start(s, x))
				return true;
			if (c->attempt == 0 || !c->hello) {
				struct cp_probe_spec sp;
				enum cp_next nx = c->ops->next(c, &sp);
				if (nx == CP_NEXT_WAIT) {
					c->waited = true;
					/* an idle spare must not wait with it: a server
					 * serving one connection at a time would sit on it */
					drop_spare(x, c);
					continue;
				}
				if (nx == CP_NEXT_DONE || prepare(x, c, &sp)) {
					c->state = CP_CHAIN_DONE;
					drop_spare(x, c);
					progress = true; /* may unblock waiting chains */
					continue;
				}
			}
			if (x->j.res->connections >= CP_MAX_CONNECTIONS_PER_TARGET) {
				cp_result_fail(
					x->j.res, CP_ERR_INTERNAL,
					"gave up after %u connections to this target (a probing loop?)",
					x->j.res->connections);
				job_abort(x);
				return false;
			}
			if (send_probe(x, c)) {
				/* out of descriptors: try again when something ends */
				if (x->j.ever_connected)
					return true;
				cp_result_fail(x->j.res, CP_ERR_INTERNAL,
					       "cannot open a socket: %s", strerror(errno));
				job_abort(x);
				return false;
			}
			progress = true;
		}
	}
	return false;
}

/*
 * Fill the target's slots: first every chain's own next probe, then a
 * connection opened ahead for each running chain, and only then, with
 * slots still free, let chains split work they would otherwise leave to
 * one long chain (cp_job.split_ok): a split costs one more refused hello,
 * worth it only for a slot that would idle.  Returns true when blocked.
 */
static bool fill_slots(struct cp_jobx *x)
{
	if (start_chains(x))
		return true;
	if (x->aborting)
		return false;
	open_spares(x);
	if (!may_start(x->j.scan, x))
		return false;
	x->j.split_ok = true;
	bool blocked = start_chains(x);
	x->j.split_ok = false;
	if (!blocked && !x->aborting)
		open_spares(x);
	return blocked;
}

/* Start what this job can start now; finish it when nothing is left. */
static void job_pump(struct cp_jobx *x)
{
	struct cp_scan *s = x->j.scan;

	if (x->finished || x->resolving)
		return;
	if (fill_slots(x)) {
		wait_push(s, x);
		return;
	}
	/* Done when no chain runs or waits on a timer, and none can go on. */
	for (size_t i = 0; i < x->j.nchains; i++) {
		enum cp_chain_state st = x->j.chains[i].state;
		if (st == CP_CHAIN_RUNNING || st == CP_CHAIN_BACKOFF)
			return;
	}
	for (size_t i = 0; i < x->j.nchains; i++) {
		x->j.chains[i].state = CP_CHAIN_DONE; /* WAITers whose dependency never came */
		drop_spare(x, &x->j.chains[i]);
	}
	if (certfetch(x))
		return;
	job_finish(x);
}

/* ---- targets ---- */

static void job_free(struct cp_jobx *x)
{
	struct cp_scan *s = x->j.scan;
	certfetch_cancel(x);
	if (x->tt_timer)
		cp_loop_timer_cancel(s->loop, x->tt_timer);
	for (size_t i = 0; i < x->j.nchains; i++)
		free(x->j.chains[i].hello);
	free(x->j.chains);
	host_put(s, x->host);
	free(x->addrs);
	cp_result_free(x->j.res);
	free(x);
}

static char *addr_text(const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN];
	const void *a = ss->ss_family == AF_INET6
				? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
				: (const void *)&((const struct sockaddr_in *)ss)->sin_addr;
	if (!inet_ntop(ss->ss_family, a, buf, sizeof buf))
		return NULL;
	return strdup(buf);
}

/* Begin probing address x->addr_i of the target. */
static int job_begin_address(struct cp_jobx *x)
{
	struct cp_scan *s = x->j.scan;
	struct cp_job *j = &x->j;
	struct sockaddr_storage *ss = &x->addrs->addr[x->addr_i];

	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(x->t->port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(x->t->port);
	j->addr = *ss;
	j->addrlen = cp_dns_addrlen(ss);
	free(j->res->address);
	j->res->address = addr_text(ss);
	x->host = host_get(s, ss);
	if (!j->res->address || !x->host || cp_job_build_chains(j))
		return -1;
	j->need_cert = s->o->certificate;
	x->tt_bound_ms =
		s->o->target_timeout_ms
			? s->o->target_timeout_ms
			: cp_target_timeout_default(job_expected_probes(j), s->o->per_host,
						    s->o->timeout_ms, s->o->connect_timeout_ms);
	x->tt_left_ms = x->tt_bound_ms;
	return 0;
}

/* A fresh result for the same target (next address with --all-addresses). */
static struct cp_result *new_result(struct cp_jobx *x)
{
	const struct cp_scan_target *t = x->t;
	struct cp_result *r = cp_result_new(t->input);
	if (!r)
		return NULL;
	r->port = t->port;
	r->line = t->line;
	r->index = x->index;
	r->host = cp_strdup0(t->host);
	if (x->j.sni)
		r->sni = strdup(x->j.sni);
	r->log_failures = t->log_failures;
	r->log_error = cp_strdup0(t->log_error);
	if (t->log_first_seen && *t->log_first_seen) {
		r->log_first_seen = strdup(t->log_first_seen);
		r->log_last_seen = cp_strdup0(t->log_last_seen);
		if (!r->log_first_seen || (t->log_last_seen && !r->log_last_seen)) {
			cp_result_free(r);
			return NULL;
		}
	}
	if ((t->host && !r->host) || (x->j.sni && !r->sni) || (t->log_error && !r->log_error)) {
		cp_result_free(r);
		return NULL;
	}
	return r;
}

static void finalize(struct cp_jobx *x)
{
	struct cp_job *j = &x->j;
	struct cp_result *r = j->res;
	bool any = false;

	for (int p = 0; p < CP_P__COUNT; p++) {
		struct cp_proto_result *pr = &r->proto[p];
		pr->supported = pr->nsuites > 0 || pr->nkinds > 0;
		any |= pr->supported;
		if (pr->server_preference != CP_YES)
			cp_result_sort_suites(r, p);
	}
	if (r->ok && !any && !j->ever_answered && j->probes_done > 0) {
		if (j->timeouts)
			cp_result_fail(
				r, CP_ERR_TIMEOUT,
				"no ClientHello was answered within %u ms (%u probes timed out)",
				j->opts->timeout_ms, j->timeouts);
		else if (j->resets && !j->eofs)
			cp_result_fail(r, CP_ERR_RESET,
				       "the server reset every connection (%u probes)", j->resets);
		else
			cp_result_fail(
				r, CP_ERR_PROTOCOL,
				"the server closed every connection without answering (%u probes)",
				j->probes_done);
	}
	r->elapsed_ms = cp_loop_now(j->scan->loop) - x->started_ms;
	path_record(x);
}

static void emit(struct cp_jobx *x)
{
	struct cp_scan *s = x->j.scan;
	struct cp_result *r = x->j.res;
	x->j.res = NULL;
	if (!r->ok)
		s->errors++;
	s->on_result(s->data, r);
}

static void job_finish(struct cp_jobx *x)
{
	struct cp_scan *s = x->j.scan;

	if (x->finished)
		return;
	finalize(x);
	/* --all-addresses: the next address gets its own result */
	if (x->addrs && x->addr_i + 1 < x->addrs->n && s->o->all_addresses &&
	    x->j.res->err_kind != CP_ERR_INPUT) {
		x->j.res->more = true;
		emit(x);
		struct cp_result *r = new_result(x);
		for (size_t i = 0; i < x->j.nchains; i++)
			free(x->j.chains[i].hello);
		x->j.nchains = 0;
		host_put(s, x->host);
		x->host = NULL;
		memset(x->j.pstate, 0, sizeof x->j.pstate);
		memset(x->j.answered, 0, sizeof x->j.answered);
		memset(x->j.order_proven, 0, sizeof x->j.order_proven);
		memset(x->path_rtts, 0, sizeof x->path_rtts);
		memset(x->path_probes, 0, sizeof x->path_probes);
		x->j.ever_connected = x->j.ever_answered = false;
		x->j.eofs = x->j.resets = x->j.timeouts = x->j.protocol_errors = x->j.probes_done =
			0;
		x->aborting = false;
		x->certfetch_done = false;
		x->addr_i++;
		x->j.res = r;
		x->started_ms = cp_loop_now(s->loop);
		if (r && job_begin_address(x) == 0) {
			job_pump(x);
			return;
		}
		if (!r) {
			s->fatal = 1;
		} else {
			cp_result_fail(r, CP_ERR_INTERNAL, "out of memory");
			finalize(x);
		}
	}
	x->finished = true;
	wait_unlink(s, x);
	if (x->j.res)
		emit(x);
	s->active--;
	s->done++;
	if (s->on_progress)
		s->on_progress(s->data, s->done, s->ntargets, s->inflight, s->errors);
	/* Freed from the loop, never inside a callback that still uses it. */
	job_free(x);
}

static void on_dns(void *data, enum cp_dns_status st, const struct cp_dns_addrs *a, const char *msg)
{
	struct cp_jobx *x = data;
	struct cp_scan *s = x->j.scan;

	x->resolving = false;
	if (st != CP_DNS_OK || a->n == 0) {
		if (st == CP_DNS_CANCELLED) {
			cp_result_fail(x->j.res, CP_ERR_INTERNAL, "resolution cancelled");
		} else {
			cp_result_fail(x->j.res, CP_ERR_DNS, "cannot resolve %s: %s", x->t->host,
				       msg);
		}
		job_finish(x);
		scan_pump(s);
		return;
	}
	x->addrs = malloc(sizeof *x->addrs);
	if (!x->addrs) {
		cp_result_fail(x->j.res, CP_ERR_INTERNAL, "out of memory");
		job_finish(x);
		scan_pump(s);
		return;
	}
	*x->addrs = *a;
	x->addr_i = 0;
	if (job_begin_address(x)) {
		cp_result_fail(x->j.res, CP_ERR_INTERNAL, "out of memory");
		job_finish(x);
		scan_pump(s);
		return;
	}
	job_pump(x);
	scan_pump(s);
}

/* Admit target i: a result record, then resolution (on the loop). */
static void admit(struct cp_scan *s, size_t i)
{
	const struct cp_scan_target *t = &s->targets[i];
	struct cp_jobx *x = calloc(1, sizeof *x);
	if (!x) {
		s->fatal = 1;
		return;
	}
	x->t = t;
	x->index = i;
	x->j.scan = s;
	x->j.opts = s->o;
	x->j.replay = t->replay;
	x->started_ms = cp_loop_now(s->loop);
	s->active++;
	if (t->sni_set)
		x->j.sni = t->sni && *t->sni ? t->sni : NULL;
	else if (t->host && !cp_is_ip_literal(t->host))
		x->j.sni = t->host;
	x->j.res = new_result(x);
	if (!x->j.res) {
		s->fatal = 1;
		s->active--;
		free(x);
		return;
	}
	if (t->error) {
		cp_result_fail(x->j.res, CP_ERR_INPUT, "%s", t->error);
		job_finish(x);
		return;
	}
	x->resolving = true;
	if (cp_dns_resolve(s->dns, t->host, s->o->family, on_dns, x) < 0) {
		x->resolving = false;
		cp_result_fail(x->j.res, CP_ERR_DNS, "cannot resolve %s: %s", t->host,
			       strerror(errno));
		job_finish(x);
	}
}

static void scan_pump(struct cp_scan *s)
{
	/* waiters first: they hold state already.  Once the global cap is
	 * reached no waiter can start anything: the rest keep their place
	 * instead of each walking its chains again (with thousands of
	 * targets waiting, that walk on every answer was most of the CPU). */
	struct cp_jobx *head = s->wait_head, *old_tail = s->wait_tail;
	s->wait_head = s->wait_tail = NULL;
	while (head && s->inflight < s->o->concurrency) {
		struct cp_jobx *x = head;
		head = x == old_tail ? NULL : x->wait_next;
		x->waiting = false;
		job_pump(x);
	}
	if (head) {
		/* head..old_tail still waits, ahead of those re-queued above */
		old_tail->wait_next = s->wait_head;
		if (!s->wait_tail)
			s->wait_tail = old_tail;
		s->wait_head = head;
	}
	while (!s->fatal && s->next_target < s->ntargets && s->active < s->active_max &&
	       s->inflight < s->o->concurrency)
		admit(s, s->next_target++);
	if (s->fatal || (s->next_target >= s->ntargets && s->active == 0))
		cp_loop_stop(s->loop);
}

int cp_scan_run(const struct cp_scan_opts *o, const struct cp_scan_target *targets, size_t n,
		cp_scan_result_fn on_result, cp_scan_progress_fn on_progress, void *data, char *err,
		size_t errlen)
{
	struct cp_scan s;
	int rc = -1;

	memset(&s, 0, sizeof s);
	s.o = o;
	s.targets = targets;
	s.ntargets = n;
	s.on_result = on_result;
	s.on_progress = on_progress;
	s.data = data;
	cp_wbuf_init(&s.wb, CP_HELLO_MAX_BYTES);
	size_t per = o->per_host ? o->per_host : 1;
	s.active_max = o->concurrency / per * 2;
	if (s.active_max < 16)
		s.active_max = 16;

	s.loop = cp_loop_new();
	s.kc = cp_keyshare_cache_new();
	if (!s.loop || !s.kc) {
		cp_seterr(err, errlen, "out of memory");
		goto out;
	}
	struct cp_dns_opts dopts = {
		.servers = o->resolver,
		.timeout_ms = o->dns_timeout_ms,
		.tries = 2,
		.use_hosts_file = o->resolver == NULL,
	};
	s.dns = cp_dns_new(s.loop, &dopts, err, errlen);
	if (!s.dns)
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	scan_pump(&s);
	while (!s.fatal && (s.next_target < s.ntargets || s.active > 0)) {
		if (cp_loop_run(s.loop) < 0) {
			cp_seterr(err, errlen, "event loop failed: %s", strerror(errno));
			goto out;
		}
		if (!s.fatal && (s.next_target < s.ntargets || s.active > 0) &&
		    cp_loop_active_fds(s.loop) == 0 && cp_loop_pending_timers(s.loop) == 0) {
			/* nothing left to wait for, yet work remains: a bug, not a hang */
			cp_seterr(err, errlen,
				  "internal error: the scan stalled with %zu targets active",
				  s.active);
			goto out;
		}
	}
	if (s.fatal) {
		cp_seterr(err, errlen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	if (s.dns)
		cp_dns_free(s.dns);
	if (s.rate_timer && s.loop)
		cp_loop_timer_cancel(s.loop, s.rate_timer);
	for (size_t b = 0; b < HOST_BUCKETS; b++)
		while (s.hosts[b]) {
			struct cp_host *h = s.hosts[b];
			s.hosts[b] = h->next;
			free(h);
		}
	cp_keyshare_cache_free(s.kc);
	SSL_CTX_free(s.cert_ctx);
	if (s.loop)
		cp_loop_free(s.loop);
	cp_wbuf_free(&s.wb);
	return rc;
}
