/* SPDX-License-Identifier: MIT */
/*
 * The demo's TLS servers: real OpenSSL servers on 127.0.0.1 (ephemeral
 * ports), each configured like a site that breaks behind a decrypting
 * forward proxy, so `cipherprobe demo` can show the whole job with no
 * network and no files.
 *
 * The servers are data (cp_demo_specs[]): a name, the versions and the
 * suites the SSL_CTX is allowed, and a line for people.  At start an
 * in-memory demo CA issues each server a certificate for CN=<name>.demo
 * on one RSA-2048 key.  All listeners and connections are
 * driven by one background thread: non-blocking sockets, SSL_accept state
 * machines and a poll() loop, every connection closed after at most
 * CP_DEMO_CONN_DEADLINE_MS.  Scanners open several connections per server
 * at once, read the ServerHello and reset the connection: none of that
 * stops or kills a server (SIGPIPE is blocked in the server thread).
 */
#ifndef CP_DEMO_SERVERS_H
#define CP_DEMO_SERVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CP_DEMO_CONN_DEADLINE_MS 3000

struct cp_demo_spec {
	const char *name;    /* "sha1-only"; the certificate says CN=<name>.demo */
	const char *accepts; /* what the server accepts, IANA names, for the header */
	const char *shows;   /* the classic failure it reproduces, one line */
	int min_version;     /* OpenSSL TLS1_2_VERSION ... */
	int max_version;
	const char *cipher_list;  /* TLS <= 1.2 (SSL_CTX_set_cipher_list), NULL: none */
	const char *ciphersuites; /* TLS 1.3 (SSL_CTX_set_ciphersuites), NULL: none */
	bool dh_auto;             /* DHE suites: parameters sized from the key */
	bool expired;             /* its certificate expired yesterday */
};

/* The demo's servers, in the order they are listed and scanned. */
extern const struct cp_demo_spec cp_demo_specs[];
extern const size_t cp_demo_nspecs;

struct cp_demo_servers;

/*
 * Make the key and certificates, open one listener per spec and start the
 * server thread.  Returns 0 with *out set, or -1 with a message in err
 * (nothing left running or allocated).
 */
int cp_demo_servers_start(struct cp_demo_servers **out, char *err, size_t errlen);

/* The port server i (an index into cp_demo_specs) listens on, host order. */
uint16_t cp_demo_servers_port(const struct cp_demo_servers *s, size_t i);

/* The demo CA's certificate (PEM): the root the scan is told to trust
 * (--ca-file), as an administrator would import a private CA. */
const char *cp_demo_servers_ca_pem(const struct cp_demo_servers *s);

/*
 * Stop the thread, close every connection and listener, free everything.
 * Returns 0, or -1 with a message in err when the server thread had failed
 * on its own (the scan then saw dead servers).  NULL is a no-op.
 */
int cp_demo_servers_stop(struct cp_demo_servers *s, char *err, size_t errlen);

#endif
