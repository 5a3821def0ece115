/* SPDX-License-Identifier: MIT */
/*
 * The scan engine: many targets at once on one event loop, each probed
 * until its accepted set is known.
 *
 * Targets are admitted a few at a time (so 10,000 of them do not all hold
 * state at once), resolved with c-ares on the loop, and probed by a set of
 * independent chains (one per protocol version and suite chunk, one for
 * TLS 1.3 groups, one for TLS 1.2 curves, one for server preference), which
 * run in parallel within the per-host cap.  When the chains read no
 * certificate (a TLS 1.3-only server encrypts it), one real OpenSSL
 * handshake reads it as the target's last connection (probe/certfetch.h).
 * Each finished target is handed to the caller's callback with its result
 * record; nothing here prints.
 */
#ifndef CP_PROBE_SCAN_H
#define CP_PROBE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "result.h"

/*
 * A hello to replay to each target, as the forward proxy would send it.
 * Neutral: policy/ fills it from its model of the proxy (or from a capture
 * of the firewall's real hello); probe/ only sends it and judges the
 * answer against these lists.
 *
 * Without raw, the hello is encoded from the lists: every version in
 * versions (highest first) goes in supported_versions when the highest is
 * TLS 1.3.  With raw, raw[0..raw_len) is sent byte for byte (one or more
 * handshake records holding one ClientHello); only its server_name is
 * rewritten, lengths fixed up, when the target's SNI differs from
 * raw_sni.  The lists then say what those bytes offer.
 */
#define CP_REPLAY_MAX_VERSIONS 8
#define CP_REPLAY_MAX_SUITES 512
#define CP_REPLAY_MAX_GROUPS 64
#define CP_REPLAY_MAX_SIGALGS 64

struct cp_replay_hello {
	uint16_t versions[CP_REPLAY_MAX_VERSIONS]; /* wire, highest first */
	size_t nversions;
	uint16_t suites[CP_REPLAY_MAX_SUITES]; /* in the hello's order */
	size_t nsuites;
	uint16_t groups[CP_REPLAY_MAX_GROUPS];
	size_t ngroups;
	uint16_t sigalgs[CP_REPLAY_MAX_SIGALGS];
	size_t nsigalgs;
	const uint8_t *raw; /* borrowed; NULL: encode from the lists */
	size_t raw_len;
	const char *raw_sni; /* server_name in raw, NULL when it has none */
};

/* Whether version v (wire) is among h's versions. */
bool cp_replay_hello_has_version(const struct cp_replay_hello *h, uint16_t v);
/*
 * Append to out the records the replay would send a server named sni
 * (NULL or an IP literal: none), exactly as the replay chain builds them;
 * for `profile show` to set the model beside a capture.  A CP_HELLO_*
 * status (tls/hello.h).
 */
struct cp_wbuf;
int cp_replay_hello_encode(const struct cp_replay_hello *h, const char *sni, struct cp_wbuf *out);

enum cp_strategy {
	CP_STRATEGY_ELIMINATE = 0, /* offer many, remove the chosen one, repeat */
	CP_STRATEGY_SINGLE,        /* one suite (or group) per hello: the reference */
};

struct cp_scan_opts {
	enum cp_strategy strategy;
	unsigned versions;    /* CP_VER_* to probe (default all) */
	bool groups;          /* enumerate TLS 1.3 groups and TLS 1.2 curves */
	bool preference;      /* determine server preference and order */
	bool sigalgs;         /* find the signature schemes the server signs with */
	bool certificate;     /* collect certificate facts */
	unsigned concurrency; /* connections in flight, all targets */
	unsigned per_host;    /* connections in flight per address:port */
	double rate;          /* new connections per second, 0 = unlimited */
	unsigned connect_timeout_ms;
	unsigned timeout_ms; /* hello sent -> answer */
	/* Connection time one target (one address) may use, all its probes
	 * and the certificate read; 0: cp_target_timeout_default() of its
	 * expected probes.  See cp_target_timeout_default(). */
	unsigned target_timeout_ms;
	unsigned retries; /* extra attempts on timeout/reset (default 1) */
	unsigned retry_backoff_ms;
	int family;           /* AF_UNSPEC, AF_INET, AF_INET6 */
	bool all_addresses;   /* one result per resolved address */
	const char *resolver; /* "IP[:PORT],..." or NULL for the system's */
	unsigned dns_timeout_ms;
	unsigned max_suites; /* suites per hello, at most 128 */
	bool replay_only;    /* only replay each target's proxy hello (--verify) */
};

void cp_scan_opts_default(struct cp_scan_opts *o);

/*
 * The default bound on one target, from the probes a scan of it is
 * expected to need (probes: the sum of each chain's typical length, plus
 * the certificate read; see cp_scan_expected_probes()):
 *
 *   min(CAP, (ceil(probes / per_host) + MARGIN) * timeout + connect_timeout)
 *
 * that is, every expected probe taking its whole --timeout, per_host of
 * them at a time, MARGIN rounds more for retries, back-off and a probe
 * that the scan needs beyond the typical, and one TCP connect.  A server
 * that answers at once never comes near it; one that answers each hello
 * and then trickles the rest gets as long as a slow but finite scan would
 * take, and no longer.  The clock runs only while the target holds at
 * least one connection: time queued behind --rate or --concurrency is not
 * the target's.  Pure; milliseconds, at least 1.
 */
#define CP_TARGET_TIMEOUT_MARGIN 4
#define CP_TARGET_TIMEOUT_CAP_MS 600000u
unsigned cp_target_timeout_default(size_t probes, unsigned per_host, unsigned timeout_ms,
				   unsigned connect_timeout_ms);
/*
 * The probes a target is expected to need under o: each chain's typical
 * length (elimination: 1 + up to 8 suites or groups found per chain; one
 * suite per hello: every candidate; signature schemes 8; preference 4),
 * plus 1 for the certificate read, plus 1 with a proxy hello to replay.
 * 0 when out of memory.
 */
size_t cp_scan_expected_probes(const struct cp_scan_opts *o, bool replay);

/* A target to scan (what input parsing produced). */
struct cp_scan_target {
	const char *input; /* as given */
	const char *host;  /* name or address literal, no brackets */
	uint16_t port;
	const char *sni;                      /* NULL: use host unless it is an IP literal */
	bool sni_set;                         /* sni explicitly given (may be "" for none) */
	size_t line;                          /* input line, 0 for arguments */
	const char *error;                    /* non-NULL: the line did not parse; reported as is */
	const struct cp_replay_hello *replay; /* the proxy's hello to replay, or NULL */
	size_t log_failures;                  /* --from-decryption-log: failures seen for it */
	const char *log_error;                /* and the first one's error text */
	const char *log_first_seen;           /* and when it was first and last seen, */
	const char *log_last_seen;            /* NULL or "" when the log has no times */
};

/* Called once per result, in completion order; takes ownership of r. */
typedef void (*cp_scan_result_fn)(void *data, struct cp_result *r);
/* Optional progress: done/total targets, connections in flight. */
typedef void (*cp_scan_progress_fn)(void *data, size_t done, size_t total, size_t inflight,
				    size_t errors);

/*
 * Scan targets[0..n) and report each.  Returns 0 when the run completed
 * (whatever the targets' outcomes), -1 with a message in err when it could
 * not run at all (no memory, resolver setup failed).
 */
int cp_scan_run(const struct cp_scan_opts *o, const struct cp_scan_target *targets, size_t n,
		cp_scan_result_fn on_result, cp_scan_progress_fn on_progress, void *data, char *err,
		size_t errlen);

#endif
