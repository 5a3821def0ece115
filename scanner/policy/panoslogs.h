/* SPDX-License-Identifier: MIT */
/*
 * Decryption logs read straight from a firewall or Panorama over the
 * PAN-OS XML API, for `cipherprobe scan --panos-host HOST --from-panos-logs
 * [--since 24h]`: the sites whose handshake failed on the server side in
 * the window, as scan targets.
 *
 * The XML API answers a log query asynchronously:
 *   1. GET /api/?type=log&log-type=decryption&nlogs=N&query=Q
 *      -> <response status="success"><result><msg><line>query job enqueued
 *         with jobid 17</line></msg><job>17</job></result></response>
 *   2. GET /api/?type=log&action=get&job-id=17, repeated with a growing
 *      pause while <result><job><status> is ACT (PEND before it starts)
 *      -> at FIN: <result><job>...<status>FIN</status></job><log><logs
 *         count="2" progress="100"><entry logid="..."><receive_time>...
 *   3. a job abandoned (the time bound passed) is stopped with
 *      GET /api/?type=log&action=finish&job-id=17.
 * Each <entry> holds one log record, its fields as child elements named
 * like the syslog fields (receive_time, time_generated, sni, dst, dport,
 * error_index or err_index, error, tls_version).  Every request carries
 * the key in an X-PAN-KEY header, as policy/panosapi.h does, and no
 * message holds it.
 *
 * The entries go to input/declog.h's collector (cp_declog_add_record),
 * which keeps the server-side failures and merges them per target, as for
 * a CSV export.
 */
#ifndef CP_PANOSLOGS_H
#define CP_PANOSLOGS_H

#include <stddef.h>
#include <time.h>

#include "input/declog.h"
#include "policy/panosapi.h"

/* nlogs: the most entries one query returns (PAN-OS caps nlogs at 5000);
 * only the newest this many matching records are read. */
#define CP_PANOS_LOGS_MAX 5000
/* --since default and bound, in seconds (24 hours; 365 days). */
#define CP_PANOS_SINCE_DEFAULT (24L * 3600)
#define CP_PANOS_SINCE_MAX (365L * 24 * 3600)
/* How long to wait for the job to finish, all polls (--panos-log-wait). */
#define CP_PANOS_LOG_WAIT_MS_DEFAULT 60000L
/* Pause before the first poll; each next pause is 1.5 times longer, at
 * most CP_PANOS_POLL_MAX_MS. */
#define CP_PANOS_POLL_FIRST_MS 200L
#define CP_PANOS_POLL_MAX_MS 2000L
/* A field of an entry longer than this is cut (a host name is at most
 * 253 bytes, an error text a sentence). */
#define CP_PANOS_LOG_FIELD_MAX 1024

/* One <entry>; every field is "" when the entry lacks it. */
struct cp_panos_log_entry {
	size_t index;     /* 1-based position in the reply */
	const char *time; /* receive_time, else time_generated */
	const char *sni;
	const char *dst;
	const char *dport;
	const char *err_index; /* error_index, else err_index */
	const char *error;
	const char *tls_version;
};

/* Called for each <entry> in order; a non-zero return stops the parse
 * and becomes its value. */
typedef int (*cp_panos_log_fn)(const struct cp_panos_log_entry *e, void *data);

enum cp_panos_logs_kind {
	CP_PANOS_LOGS_ENQUEUED, /* the submit reply: job holds the id */
	CP_PANOS_LOGS_RUNNING,  /* a poll reply: not finished (status holds it) */
	CP_PANOS_LOGS_DONE,     /* a poll reply with status FIN: entries read */
	CP_PANOS_LOGS_OTHER,    /* success without a job (the finish reply) */
};

struct cp_panos_logs_reply {
	enum cp_panos_logs_kind kind;
	char job[24];    /* job id, digits only ("" when none) */
	char status[16]; /* job status (ACT, FIN, PEND...), "" when none */
	size_t entries;  /* <entry> elements handed to fn */
	size_t dropped;  /* <entry> elements past CP_PANOS_LOGS_MAX */
	long count;      /* <logs count="N">, -1 when absent */
};

/*
 * Parses one XML API reply body of len bytes (any content: it is the
 * firewall's, or the fuzzer's).  fn may be NULL.  Returns 0 with *out
 * filled in; -1 with one sentence in err for a body that is not a usable
 * reply ("HOST: the reply is not a PAN-OS XML API reply (...)") or an
 * error reply ("HOST: the firewall refused the log query: <its msg
 * lines>", the lines joined by "; "); or fn's non-zero value.  A DTD is
 * refused, entities are not expanded and nothing is fetched.
 */
int cp_panos_logs_parse(const char *xml, size_t len, const char *host, cp_panos_log_fn fn,
			void *data, struct cp_panos_logs_reply *out, char *err, size_t errlen);

/*
 * --since: a whole number followed by s, m, h or d ("90m", "24h", "7d"),
 * from 1 s up to CP_PANOS_SINCE_MAX.  Returns 0 with the seconds in *secs,
 * or -1 with a message.
 */
int cp_panos_parse_since(const char *s, long *secs, char *err, size_t errlen);

/*
 * The query: the time window's start, now - since_s in the local time
 * zone (PAN-OS compares receive_time in the firewall's own zone: set TZ
 * when it differs from this machine's), and the error filter.  Returns 0,
 * or -1 when buf is too small.
 */
int cp_panos_logs_query(time_t now, long since_s, char *buf, size_t size);

struct cp_panos_logs_opts {
	long since_s; /* 0: CP_PANOS_SINCE_DEFAULT */
	long wait_ms; /* 0: CP_PANOS_LOG_WAIT_MS_DEFAULT */
	time_t now;   /* 0: time(NULL) */
	/* The pause between polls; NULL: nanosleep.  The wait bound counts
	 * the pauses taken as well as the clock, so a no-op (the fuzz
	 * harness) still ends. */
	void (*sleep_ms)(long ms);
};

/* What a fetch saw, for the summary line. */
struct cp_panos_logs_stats {
	char job[24];
	size_t entries; /* entries read */
	size_t dropped; /* entries past the cap */
	size_t polls;   /* action=get requests */
	int capped;     /* the reply held CP_PANOS_LOGS_MAX entries: there may be more */
};

/*
 * Runs the log query on rq->host (host, key, cacert, timeouts and get of
 * rq are used; profile, vsys and device_group are not) and files each
 * entry into dl with cp_declog_add_record (row = the entry's index).
 * Returns 0, or -1 with one sentence in err, e.g.
 *   "HOST: the firewall refused the log query: Invalid query"
 *   "HOST: the log query (job 17) did not finish within 60 s (status
 *    ACT); it was stopped; try a shorter --since or a longer --panos-log-wait"
 *   "HOST: the API key was refused (HTTP 403)"
 * or a transport error from fetch.h.  The key never appears in err.
 */
int cp_panos_fetch_logs(const struct cp_panos_req *rq, const struct cp_panos_logs_opts *o,
			struct cp_declog *dl, struct cp_panos_logs_stats *st, char *err,
			size_t errlen);

#endif
