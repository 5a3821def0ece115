/* SPDX-License-Identifier: MIT */
/*
 * The neutral result record of scanning one target.
 *
 * Probing code fills it; output writers (text, JSON, JSONL, diff) read it;
 * the policy code adds a verdict.  Nothing here prints.  Every string is
 * heap-owned by the record and freed by cp_result_free().  Lists are plain
 * arrays with counts, appended with the cp_result_* helpers, which check
 * every allocation and report failure instead of aborting.
 */
#ifndef CP_RESULT_H
#define CP_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry.h"
#include "tls/cert.h"

/* Index of a protocol in cp_result.proto[]: SSLv2 .. TLSv1.3. */
enum cp_proto { CP_P_SSL2, CP_P_SSL3, CP_P_TLS10, CP_P_TLS11, CP_P_TLS12, CP_P_TLS13, CP_P__COUNT };
unsigned cp_proto_bit(enum cp_proto p);     /* CP_VER_* bit */
uint16_t cp_proto_wire(enum cp_proto p);    /* 0x0002, 0x0300 .. 0x0304 */
const char *cp_proto_name(enum cp_proto p); /* "SSLv2" .. "TLSv1.3" */
int cp_proto_from_wire(uint16_t wire);      /* -1 when unknown */

/* error.kind in the JSON contract. */
enum cp_err_kind {
	CP_ERR_NONE = 0,
	CP_ERR_INPUT,          /* the target line itself is unusable */
	CP_ERR_DNS,            /* name did not resolve */
	CP_ERR_CONNECT,        /* could not connect (unreachable, other errno) */
	CP_ERR_REFUSED,        /* TCP connection refused */
	CP_ERR_TIMEOUT,        /* connect or handshake timed out on every probe */
	CP_ERR_PROTOCOL,       /* the peer does not speak TLS or broke the protocol */
	CP_ERR_RESET,          /* connection reset on every probe */
	CP_ERR_NO_TLS,         /* TLS server that accepted no hello we sent */
	CP_ERR_INTERNAL,       /* out of memory, descriptor limits */
	CP_ERR_TARGET_TIMEOUT, /* --target-timeout ran out: what was learnt is kept */
	CP_ERR__COUNT
};
const char *cp_err_kind_name(enum cp_err_kind k);

enum cp_tristate { CP_UNKNOWN = -1, CP_NO = 0, CP_YES = 1 };

struct cp_proto_result {
	bool probed;    /* this version was tried */
	bool supported; /* at least one hello at this version was accepted */
	enum cp_tristate server_preference;
	/* Accepted suites: in server preference order when server_preference
	 * is CP_YES, otherwise in registry (code point) order. */
	uint16_t *suites;
	size_t nsuites;
	/* SSLv2 only: accepted cipher kinds. */
	uint32_t *kinds;
	size_t nkinds;
	/* Probes at this version that ended in a timeout rather than an
	 * answer: the set may be incomplete (a silent rejection looks the same). */
	unsigned timeouts;
};

/* A group the server accepts, and where it was seen. */
struct cp_group_result {
	uint16_t id;
	unsigned versions; /* CP_VER_TLS13 (key_share/HRR), CP_VER_TLS12 etc. (ServerKeyExchange) */
};

/* A signature scheme the server signs with, and at which versions
 * (probe/sigalgs.c: TLS 1.3 by single-scheme hellos, TLS 1.2 from the
 * scheme named in ServerKeyExchange). */
struct cp_sigalg_result {
	uint16_t id;       /* IANA SignatureScheme */
	unsigned versions; /* CP_VER_* */
};

/* Something the server did that TLS forbids: never counted as acceptance. */
struct cp_violation {
	char *what; /* one sentence */
};

/*
 * The replay of the proxy's exact hello (policy/offer.h): what the server
 * did with it.  done is false when no replay was asked for.
 */
struct cp_replay {
	bool done;
	bool accepted;    /* ServerHello (or a HelloRetryRequest for an offered group) */
	uint16_t version; /* wire, when accepted */
	uint16_t suite;
	uint16_t group; /* TLS 1.3 key-share group, 0 if none */
	bool alert_seen;
	uint8_t alert; /* description, when alert_seen */
	bool timeout;
	bool closed;        /* closed or reset without an answer */
	bool violation;     /* answered with something not offered */
	bool captured;      /* the hello sent was a capture (--proxy-hello), not the model */
	bool sni_rewritten; /* and its server_name was changed to this target's */
};

struct cp_verdict; /* policy/advise.h */

struct cp_result {
	/* identity */
	char *input; /* the target as given */
	char *host;  /* host name or address literal, no brackets */
	uint16_t port;
	char *sni;            /* sent SNI, NULL when none (IP literal) */
	char *address;        /* address scanned, textual; NULL before DNS */
	size_t line;          /* input line number, 0 when from arguments */
	size_t index;         /* position in the input (JSON keeps input order) */
	bool more;            /* another record for the same input follows (--all-addresses) */
	size_t log_failures;  /* failures in the decryption log it came from, 0 if none */
	char *log_error;      /* the first failure's error text, or NULL */
	char *log_first_seen; /* the earliest and latest failure's time, */
	char *log_last_seen;  /* or NULL */

	/* outcome */
	bool ok;
	enum cp_err_kind err_kind;
	char *err_msg;

	struct cp_proto_result proto[CP_P__COUNT];
	struct cp_group_result *groups;
	size_t ngroups;
	struct cp_sigalg_result *sigalgs;
	size_t nsigalgs;
	bool sigalgs_probed; /* sigalgs is the probed set (else empty: unknown) */
	uint16_t dhe_bits;   /* DHE prime size seen in ServerKeyExchange, 0 none */
	struct cp_cert_facts cert;
	/* The certificates the server sent, leaf first (at most
	 * CP_RESULT_MAX_CHAIN), kept for chain verification; not serialised. */
	struct cp_der_cert *chain;
	size_t nchain;
	/* Why no certificate could be read when a real handshake tried
	 * (probe/certfetch.h), else NULL. */
	char *cert_error;
	struct cp_violation *violations;
	size_t nviolations;

	struct cp_replay replay;

	/* The critical path: the longest sequence of probes where each one
	 * waited for the answer before it (a chain, with what it waited on),
	 * in round trips (hello/answer, plus the TCP connect when no
	 * connection was opened ahead) and in probes; chain names the
	 * version and strategy, "" when no probe was sent. */
	struct {
		unsigned round_trips;
		unsigned probes;
		char chain[48];
	} critical;
	unsigned handshakes;  /* ClientHellos sent (connections that got as far as sending) */
	unsigned connections; /* TCP connections attempted */
	uint64_t elapsed_ms;

	/* The verdict policy code attached (cp_result_set_verdict) and the
	 * destructor it gave with it: result.c knows nothing of policy. */
	struct cp_verdict *verdict;
	void (*verdict_free)(struct cp_verdict *v);
};

struct cp_result *cp_result_new(const char *input);
/* Attach v (may be NULL), freed with free_fn when r is freed or the
 * verdict replaced. */
void cp_result_set_verdict(struct cp_result *r, struct cp_verdict *v,
			   void (*free_fn)(struct cp_verdict *v));
void cp_result_free(struct cp_result *r);
/* Set r->critical; chain is "PROTO STRATEGY" (truncated to fit). */
void cp_result_set_critical_path(struct cp_result *r, unsigned round_trips, unsigned probes,
				 const char *proto, const char *strategy);
/* Record an error (first error wins the kind; message replaced). 0 or -1 (no memory). */
int cp_result_fail(struct cp_result *r, enum cp_err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add a suite to a protocol's accepted list; duplicates are ignored. */
int cp_result_add_suite(struct cp_result *r, enum cp_proto p, uint16_t suite);
int cp_result_add_kind(struct cp_result *r, uint32_t kind);
int cp_result_add_group(struct cp_result *r, uint16_t id, unsigned version_bit);
int cp_result_add_sigalg(struct cp_result *r, uint16_t id, unsigned version_bit);
/* Keep a copy of the chain the server sent (replaces any kept before);
 * at most CP_RESULT_MAX_CHAIN certificates.  0 or -1 (no memory). */
#define CP_RESULT_MAX_CHAIN CP_CERT_MAX_CHAIN
int cp_result_set_chain(struct cp_result *r, const struct cp_der_cert *certs, size_t n);
int cp_result_add_violation(struct cp_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Sort accepted suites by code point (used when there is no server order). */
void cp_result_sort_suites(struct cp_result *r, enum cp_proto p);
/* Replace a protocol's suite list by order[] (same members, new order). */
int cp_result_set_order(struct cp_result *r, enum cp_proto p, const uint16_t *order, size_t n);
/* strdup that tolerates NULL (returns NULL) */
char *cp_strdup0(const char *s);

#endif
