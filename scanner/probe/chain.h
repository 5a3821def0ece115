/* SPDX-License-Identifier: MIT */
/*
 * Internal interface between the scan engine (engine.c) and the probing
 * strategies (suites.c, groups.c, pref.c, sslv2.c, sigalgs.c).
 *
 * A chain is a sequence of probes whose next hello depends on the previous
 * answer (elimination removes what the server chose); different chains of
 * one target are independent and run in parallel within the per-host cap.
 * A strategy is a const table of functions (zmap probe_module_t style):
 * next() describes the next hello or says the chain waits or is done;
 * answer() consumes one probe's outcome.  Neither touches sockets.
 */
#ifndef CP_PROBE_CHAIN_H
#define CP_PROBE_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/conn.h"
#include "probe/scan.h"
#include "registry.h"
#include "result.h"
#include "tls/hello.h"

#define CP_MAX_CANDS 512
#define CP_MAX_OFFER 128

/* Storage for one hello's parameters: the arrays cp_hello_params points to. */
struct cp_probe_spec {
	struct cp_hello_params hp;
	unsigned want;
	uint16_t suites[CP_MAX_CANDS];
	uint16_t groups[CP_HELLO_MAX_GROUPS];
	uint16_t sigalgs[CP_HELLO_MAX_SIGALGS];
	uint16_t versions[CP_REPLAY_MAX_VERSIONS];
	uint16_t shares[2];
	uint32_t kinds[16];
	/* Set (with hp's lists describing them) to send these bytes instead
	 * of encoding hp: a captured hello, server_name set to sni. */
	const uint8_t *raw;
	size_t raw_len;
	const char *raw_sni; /* the SNI to put in raw; NULL: leave raw as is */
};

enum cp_next { CP_NEXT_PROBE, CP_NEXT_WAIT, CP_NEXT_DONE };

struct cp_job;
struct cp_chain;

/* What a chain finds out: the engine's bookkeeping asks this, never which
 * strategy a chain runs. */
enum cp_chain_finds {
	CP_FINDS_SUITES,   /* a version's accepted suites (or SSLv2 kinds) */
	CP_FINDS_GROUPS13, /* TLS 1.3 groups */
	CP_FINDS_CURVES12, /* TLS 1.2 (EC)DHE curves */
	CP_FINDS_SIGALGS,  /* signature schemes */
	CP_FINDS_PREF,     /* the server's preference order */
	CP_FINDS_REPLAY,   /* whether the proxy's own hello is accepted */
};

/* Flags a strategy carries (cp_chain_ops.flags). */
#define CP_CHAIN_SUITE_SET 0x1u /* its picks are the version's suites: other chains wait for it */
#define CP_CHAIN_SERVER_PICKS \
	0x2u /* picks are the server's choices among many offered (preference evidence) */
#define CP_CHAIN_ONE_HELLO 0x4u /* one hello only: no connection is opened ahead for it */
#define CP_CHAIN_UNPROBED 0x8u  /* its probes do not mark the version probed (the replay) */

struct cp_chain_ops {
	const char *name;
	enum cp_chain_finds finds;
	unsigned flags; /* CP_CHAIN_* */
	/*
	 * Add this strategy's chains for version p to j when j's options ask
	 * for them (cp_job_add_chain); 0, or -1 out of memory.  NULL: one
	 * chain whenever the table lists the strategy.
	 */
	int (*add)(struct cp_job *j, enum cp_proto p);
	/* The probes a chain typically needs: a yardstick for the default
	 * --target-timeout, not a bound.  NULL: one. */
	size_t (*expected)(const struct cp_chain *c);
	enum cp_next (*next)(struct cp_chain *c, struct cp_probe_spec *spec);
	void (*answer)(struct cp_chain *c, const struct cp_conn_report *rep);
};

/*
 * The strategies, in the order a target's chains get connection slots
 * (probe/chains.c): the longest sequential chains first, so the tail of a
 * scan is not one long chain started last.  A new strategy is one
 * cp_chain_ops in its own file and one line in this table.
 */
struct cp_chain_slot {
	const struct cp_chain_ops *ops;
	enum cp_proto proto;
};
extern const struct cp_chain_slot cp_chains[];
extern const size_t cp_nchains;

/* Append a chain running ops at version p to j; NULL out of memory. */
struct cp_chain *cp_job_add_chain(struct cp_job *j, const struct cp_chain_ops *ops,
				  enum cp_proto p);
/* Every chain of j, from cp_chains[] and j's options; -1 out of memory. */
int cp_job_build_chains(struct cp_job *j);
/* Yardsticks for cp_chain_ops.expected. */
size_t cp_expect_per_candidate(const struct cp_chain *c);
size_t cp_expect_elimination(const struct cp_chain *c);

enum cp_chain_state { CP_CHAIN_IDLE, CP_CHAIN_RUNNING, CP_CHAIN_BACKOFF, CP_CHAIN_DONE };

struct cp_chain {
	const struct cp_chain_ops *ops;
	struct cp_job *job;
	enum cp_chain_state state;
	enum cp_proto proto;
	/* candidates still to be found (elimination) or tried (single) */
	uint16_t cands[CP_MAX_CANDS];
	size_t ncands;
	size_t cursor; /* single strategy: next candidate */
	/* what the probe in flight offered, in order */
	uint16_t offered[CP_MAX_CANDS];
	size_t noffered;
	uint16_t sent_groups[CP_HELLO_MAX_GROUPS];
	size_t nsent_groups;
	uint16_t sent_shares[2];
	size_t nsent_shares;
	/* what this chain found, in the order found */
	uint16_t picks[CP_MAX_CANDS];
	size_t npicks;
	/* strategy-private state */
	uint16_t tail[64]; /* curves: found ones kept at the end */
	size_t ntail;
	int mode;
	int step;
	bool leader;      /* first chunk of its version: the others wait for it */
	unsigned steals;  /* elimination: shares taken from a sibling chunk */
	unsigned streak;  /* elimination: answers in a row that named a suite */
	size_t seg_start; /* picks[] index where the current share began */
	size_t last_pos;  /* candidate rank of the last pick */
	uint16_t aux;
	/* engine state */
	struct cp_conn *conn;
	struct cp_conn *spare; /* opened ahead for the next probe, or NULL */
	uint64_t timer;
	unsigned attempt;
	/* the critical path (result.h): round trips and probes on the
	 * longest sequence of answers this chain's next probe waits for */
	unsigned path_rtts;
	unsigned path_probes;
	bool waited;    /* its next() said WAIT since its last probe */
	uint8_t *hello; /* encoded hello of the probe in flight (for retries) */
	size_t hello_len;
	unsigned want;
};

/* Per-protocol facts the chains of one target share. */
enum cp_pstate { CP_PS_OPEN = 0, CP_PS_DEAD };

struct cp_job {
	struct cp_scan *scan;
	const struct cp_scan_opts *opts;
	struct cp_result *res;
	const char *sni; /* NULL: no SNI */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct cp_chain *chains;
	size_t nchains;
	size_t cap_chains;
	enum cp_pstate pstate[CP_P__COUNT];
	bool answered[CP_P__COUNT]; /* a probe at this version got an answer other than "lower" */
	/* Set by the engine while it offers slots no chain's own next probe
	 * needs: a chain may then take a share of a sibling's work. */
	bool split_ok;
	bool order_proven
		[CP_P__COUNT]; /* picks out of the client's order: the server imposes its own */
	bool ever_connected;
	bool ever_answered;
	unsigned eofs, resets, timeouts, protocol_errors, probes_done;
	int last_wire_error;
	bool need_cert;
	uint16_t cert_curve;                  /* group of an EC certificate key, 0 none/unknown */
	const struct cp_replay_hello *replay; /* the proxy's hello to replay, or NULL */
};

/* Strategies. */
extern const struct cp_chain_ops cp_chain_suites_eliminate;
extern const struct cp_chain_ops cp_chain_suites_single;
extern const struct cp_chain_ops cp_chain_sslv2;
extern const struct cp_chain_ops cp_chain_dhe_custom;
extern const struct cp_chain_ops cp_chain_groups13;
extern const struct cp_chain_ops cp_chain_curves12;
extern const struct cp_chain_ops cp_chain_pref;
extern const struct cp_chain_ops cp_chain_replay;
extern const struct cp_chain_ops cp_chain_sigalgs13;
extern const struct cp_chain_ops cp_chain_sigalgs12;

/* Helpers shared by strategies (probe/common.c). */

/* Fill the parts of a hello common to every probe at protocol p. */
void cp_spec_base(struct cp_job *j, enum cp_proto p, struct cp_probe_spec *s);
/*
 * Remember what the hello described by sp offers (answers are judged
 * against it) and mark its version probed: the engine calls this for
 * every hello it sends, a test driving a chain without sockets too.
 */
void cp_chain_note_sent(struct cp_chain *c, const struct cp_probe_spec *sp);
/* Set the suites of s (copies). */
void cp_spec_suites(struct cp_probe_spec *s, const uint16_t *suites, size_t n);
/* Groups in the one probing order, those keep() accepts; returns count. */
size_t cp_groups_ordered(bool (*keep)(const struct cp_group *g), uint16_t *out, size_t max);
/* Candidate suites for protocol p, common ones first; returns count. */
size_t cp_candidates(enum cp_proto p, uint16_t *out, size_t max);
/* suite's position in cp_candidates(p); SIZE_MAX when not a candidate. */
size_t cp_candidate_rank(enum cp_proto p, uint16_t suite);

enum cp_answer_kind {
	CP_ANS_ACCEPTED,  /* ServerHello or HRR at the asked version with an offered suite */
	CP_ANS_LOWER,     /* the server negotiated a lower version: p unsupported */
	CP_ANS_REJECTED,  /* alert, close, reset: nothing offered was accepted */
	CP_ANS_TIMEOUT,   /* no answer in time (maybe a silent rejection) */
	CP_ANS_VIOLATION, /* answered something not offered: recorded, not counted */
};

/*
 * Classify a probe's outcome for protocol p given what was offered, record
 * violations, certificate and key-exchange facts in the job's result, and
 * return the kind.  *suite gets the accepted suite.
 */
enum cp_answer_kind cp_classify(struct cp_chain *c, const struct cp_conn_report *rep,
				uint16_t *suite);

bool cp_u16_in(const uint16_t *a, size_t n, uint16_t v);
/* Remove v from a[0..*n) keeping order; returns whether it was there. */
bool cp_u16_remove(uint16_t *a, size_t *n, uint16_t v);

/* Whether every chain of protocol p except `self` has finished. */
bool cp_job_proto_settled(const struct cp_job *j, enum cp_proto p, const struct cp_chain *self);

#endif
