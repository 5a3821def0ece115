/* SPDX-License-Identifier: MIT */
/*
 * The demo's TLS servers (see demo_servers.h): one background thread, one
 * poll() loop over a wake-up pipe, the listeners and every connection.
 * Each connection is an OpenSSL SSL_accept state machine on a non-blocking
 * socket; WANT_READ/WANT_WRITE become the poll events it waits for.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "demo_servers.h"
#include "util.h"

/*
 * Every setting is explicit, so the system's openssl.cnf (Debian raises
 * MinProtocol and the security level) cannot change what a server accepts.
 * The `accepts` lines are the IANA names of exactly these OpenSSL names.
 */
const struct cp_demo_spec cp_demo_specs[] = {
	{ .name = "sha1-only",
	  .accepts = "TLSv1.2: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	  .shows = "a CBC-SHA1 suite only (auth-algo-sha1)",
	  .min_version = TLS1_2_VERSION,
	  .max_version = TLS1_2_VERSION,
	  .cipher_list = "ECDHE-RSA-AES128-SHA" },
	{ .name = "tls13-only",
	  .accepts = "TLSv1.3: TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384",
	  .shows = "TLS 1.3 only (the max-version trap)",
	  .min_version = TLS1_3_VERSION,
	  .max_version = TLS1_3_VERSION,
	  .ciphersuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384" },
	{ .name = "rsa-kx-only",
	  .accepts = "TLSv1.2: TLS_RSA_WITH_AES_128_GCM_SHA256",
	  .shows = "RSA key exchange only (keyxchg-algo-rsa)",
	  .min_version = TLS1_2_VERSION,
	  .max_version = TLS1_2_VERSION,
	  .cipher_list = "AES128-GCM-SHA256" },
	/* 3DES-only would be the classic here, but Debian's libssl is built
	 * without 3DES suites (no-weak-ssl-ciphers); DHE-only teaches the same
	 * lesson: Chrome offers no such suite, so no profile change helps. */
	{ .name = "dhe-only",
	  .accepts = "TLSv1.2: TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
	  .shows = "DHE only, which Chrome no longer offers",
	  .min_version = TLS1_2_VERSION,
	  .max_version = TLS1_2_VERSION,
	  .cipher_list = "DHE-RSA-AES128-GCM-SHA256",
	  .dh_auto = true },
	{ .name = "expired-cert",
	  .accepts = "TLSv1.2: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256; TLSv1.3: all three",
	  .shows = "a certificate that expired yesterday",
	  .min_version = TLS1_2_VERSION,
	  .max_version = TLS1_3_VERSION,
	  .cipher_list = "ECDHE-RSA-AES128-GCM-SHA256",
	  .ciphersuites =
		  "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
	  .expired = true },
	{ .name = "modern",
	  .accepts = "TLSv1.2: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256; TLSv1.3: all three",
	  .shows = "well configured: the control",
	  .min_version = TLS1_2_VERSION,
	  .max_version = TLS1_3_VERSION,
	  .cipher_list = "ECDHE-RSA-AES128-GCM-SHA256",
	  .ciphersuites =
		  "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256" },
};
const size_t cp_demo_nspecs = sizeof cp_demo_specs / sizeof cp_demo_specs[0];

/* A scanner keeps at most a few connections per server open; beyond this
 * the kernel's listen backlog holds them until a slot frees. */
#define MAX_CONNS 128
#define LISTEN_BACKLOG 64
/* After accept() fails for want of descriptors or memory, wait this long
 * instead of spinning on a listener that stays readable. */
#define ACCEPT_BACKOFF_MS 100

struct demo_conn {
	int fd;
	SSL *ssl;
	uint64_t deadline; /* monotonic ms: closed then, whatever its state */
	short want;        /* POLLIN or POLLOUT, from the last WANT_* */
};

struct demo_listener {
	int fd;
	uint16_t port;
	SSL_CTX *ctx;
};

struct cp_demo_servers {
	struct demo_listener *l; /* one per spec */
	size_t nl;
	struct demo_conn conns[MAX_CONNS];
	size_t nconns;
	struct pollfd *pfd; /* wake pipe, listeners, connections */
	int wake[2];        /* a byte on wake[1] stops the thread */
	pthread_t thread;
	bool running;
	/* Written by the thread, read after the join only. */
	int thread_errno;
	const char *thread_what;
	char *ca_pem; /* the demo CA certificate, PEM, NUL-terminated */
};

/* err <- "what: OpenSSL's reason"; empties the error queue. */
static void tls_error(char *err, size_t errlen, const char *what, const char *name)
{
	unsigned long e = ERR_peek_last_error();
	const char *why = e ? ERR_reason_error_string(e) : NULL;
	cp_seterr(err, errlen, "%s%s%s: %s", what, name ? " for " : "", name ? name : "",
		  why ? why : "unknown OpenSSL error");
	ERR_clear_error();
}

#define DAY (24L * 3600)

/*
 * A certificate for CN=cn, valid from not_before to not_after (seconds from
 * now), for key, signed by ca_key as issuer (NULL issuer: self-signed, and
 * then a CA).  Leaves carry their name as a DNS subjectAltName, as
 * browsers want.
 */
static X509 *make_cert(const char *cn, EVP_PKEY *key, long not_before, long not_after, X509 *issuer,
		       EVP_PKEY *ca_key, char *err, size_t errlen)
{
	X509 *x = NULL, *ret = NULL;
	BIGNUM *bn = NULL;
	X509_EXTENSION *ext = NULL;
	X509V3_CTX v3;
	char san[80];
	bool ca = issuer == NULL;
	/* CA and leaf extensions (value NULL: not in that kind). */
	const struct {
		int nid;
		const char *ca, *leaf;
	} exts[] = {
		{ NID_basic_constraints, "critical,CA:TRUE", "CA:FALSE" },
		{ NID_key_usage, "critical,keyCertSign,cRLSign",
		  "critical,digitalSignature,keyEncipherment" },
		{ NID_ext_key_usage, NULL, "serverAuth" },
		{ NID_subject_key_identifier, "hash", "hash" },
		{ NID_authority_key_identifier, NULL, "keyid" },
		{ NID_subject_alt_name, NULL, san },
	};

	if ((size_t)snprintf(san, sizeof san, "DNS:%s", cn) >= sizeof san) {
		cp_seterr(err, errlen, "server name too long: %s", cn);
		goto out;
	}
	x = X509_new();
	bn = BN_new();
	if (!x || !bn || !X509_set_version(x, X509_VERSION_3) ||
	    !BN_rand(bn, 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), not_before) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), not_after) ||
	    !X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(ca ? x : issuer)) ||
	    !X509_set_pubkey(x, key)) {
		tls_error(err, errlen, "cannot build the certificate", cn);
		goto out;
	}
	X509V3_set_ctx(&v3, ca ? x : issuer, x, NULL, NULL, 0);
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		const char *v = ca ? exts[i].ca : exts[i].leaf;
		if (!v)
			continue;
		ext = X509V3_EXT_conf_nid(NULL, &v3, exts[i].nid, v);
		if (!ext || !X509_add_ext(x, ext, -1)) {
			tls_error(err, errlen, "cannot add a certificate extension", cn);
			goto out;
		}
		X509_EXTENSION_free(ext);
		ext = NULL;
	}
	if (X509_sign(x, ca_key, EVP_sha256()) <= 0) {
		tls_error(err, errlen, "cannot sign the certificate", cn);
		goto out;
	}
	ret = x;
	x = NULL;
out:
	X509_EXTENSION_free(ext);
	BN_free(bn);
	X509_free(x);
	return ret;
}

static SSL_CTX *make_ctx(const struct cp_demo_spec *sp, EVP_PKEY *key, X509 *cert, char *err,
			 size_t errlen)
{
	SSL_CTX *ctx = NULL, *ret = NULL;

	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, sp->min_version) ||
	    !SSL_CTX_set_max_proto_version(ctx, sp->max_version) ||
	    (sp->cipher_list && !SSL_CTX_set_cipher_list(ctx, sp->cipher_list)) ||
	    (sp->ciphersuites && !SSL_CTX_set_ciphersuites(ctx, sp->ciphersuites)) ||
	    (sp->dh_auto && !SSL_CTX_set_dh_auto(ctx, 1)) || !SSL_CTX_use_certificate(ctx, cert) ||
	    !SSL_CTX_use_PrivateKey(ctx, key) || !SSL_CTX_check_private_key(ctx)) {
		tls_error(err, errlen, "cannot configure the TLS server", sp->name);
		goto out;
	}
	/* Probes never resume and never renegotiate: tickets and the session
	 * cache would be work (and state) for nothing. */
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
	ret = ctx;
	ctx = NULL;
out:
	SSL_CTX_free(ctx);
	return ret;
}

/* A non-blocking listener on 127.0.0.1, port chosen by the kernel. */
static int listen_on(struct demo_listener *l, const char *name, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(l->fd, LISTEN_BACKLOG) < 0 ||
	    getsockname(l->fd, (struct sockaddr *)&sa, &len) < 0) {
		cp_seterr(err, errlen, "cannot listen on 127.0.0.1 for %s: %s", name,
			  strerror(errno));
		return -1;
	}
	l->port = ntohs(sa.sin_port);
	return 0;
}

static void conn_close(struct demo_conn *c)
{
	SSL_free(c->ssl); /* the socket BIO does not own the fd */
	c->ssl = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/*
 * Advance one handshake as far as the socket allows.  A failed handshake
 * (no shared suite or version) has already sent its alert, which is the
 * answer the scanner is waiting for; a peer that reset or vanished lands
 * here too.  Either way the connection is done.
 */
static void conn_step(struct demo_conn *c)
{
	int r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		/* Complete: the demo carries no data, so say goodbye and close. */
		(void)SSL_shutdown(c->ssl);
		conn_close(c);
	} else {
		switch (SSL_get_error(c->ssl, r)) {
		case SSL_ERROR_WANT_READ: c->want = POLLIN; break;
		case SSL_ERROR_WANT_WRITE: c->want = POLLOUT; break;
		default: conn_close(c); break;
		}
	}
	/* Errors are per-thread state; a failed handshake must not leave its
	 * reasons behind for the next one. */
	ERR_clear_error();
}

/* Drop closed connections, keeping the array dense. */
static void conns_compact(struct cp_demo_servers *s)
{
	size_t j = 0;
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i].ssl)
			s->conns[j++] = s->conns[i];
	s->nconns = j;
}

/* Take every pending connection on l; returns false when accepting should
 * pause (descriptors or memory ran out). */
static bool accept_all(struct cp_demo_servers *s, struct demo_listener *l, uint64_t now)
{
	while (s->nconns < MAX_CONNS) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK;
		}
		SSL *ssl = SSL_new(l->ctx);
		if (!ssl || !SSL_set_fd(ssl, fd)) {
			SSL_free(ssl);
			close(fd);
			ERR_clear_error();
			return false;
		}
		SSL_set_accept_state(ssl);
		struct demo_conn *c = &s->conns[s->nconns++];
		c->fd = fd;
		c->ssl = ssl;
		c->deadline = now + CP_DEMO_CONN_DEADLINE_MS;
		c->want = POLLIN;
		conn_step(c); /* the hello is often there already */
	}
	return true;
}

static int poll_timeout(const struct cp_demo_servers *s, uint64_t now, uint64_t pause_until)
{
	uint64_t next = pause_until > now ? pause_until : UINT64_MAX;
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i].deadline < next)
			next = s->conns[i].deadline;
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

static void *serve(void *arg)
{
	struct cp_demo_servers *s = arg;
	uint64_t pause_until = 0;

	for (;;) {
		uint64_t now = cp_clock_ms();
		for (size_t i = 0; i < s->nconns; i++)
			if (s->conns[i].deadline <= now)
				conn_close(&s->conns[i]);
		conns_compact(s);

		bool accepting = s->nconns < MAX_CONNS && now >= pause_until;
		size_t n = 0, nconns = s->nconns;
		s->pfd[n++] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
		for (size_t i = 0; i < s->nl; i++) /* a negative fd is skipped by poll */
			s->pfd[n++] = (struct pollfd){ .fd = accepting ? s->l[i].fd : -1,
						       .events = POLLIN };
		for (size_t i = 0; i < nconns; i++)
			s->pfd[n++] =
				(struct pollfd){ .fd = s->conns[i].fd, .events = s->conns[i].want };

		if (poll(s->pfd, n, poll_timeout(s, now, pause_until)) < 0) {
			if (errno == EINTR)
				continue;
			s->thread_errno = errno;
			s->thread_what = "poll";
			break;
		}
		if (s->pfd[0].revents)
			break;
		now = cp_clock_ms();
		/* Errors and hang-ups go through SSL too: it sees the reset and
		 * fails, which closes the connection. */
		for (size_t i = 0; i < nconns; i++)
			if (s->pfd[1 + s->nl + i].revents)
				conn_step(&s->conns[i]);
		for (size_t i = 0; i < s->nl && accepting; i++)
			if ((s->pfd[1 + i].revents & POLLIN) && !accept_all(s, &s->l[i], now))
				pause_until = now + ACCEPT_BACKOFF_MS;
		conns_compact(s);
	}
	for (size_t i = 0; i < s->nconns; i++)
		conn_close(&s->conns[i]);
	s->nconns = 0;
	return NULL;
}

static void servers_free(struct cp_demo_servers *s)
{
	for (size_t i = 0; i < s->nconns; i++)
		conn_close(&s->conns[i]);
	for (size_t i = 0; s->l && i < s->nl; i++) {
		if (s->l[i].fd >= 0)
			close(s->l[i].fd);
		SSL_CTX_free(s->l[i].ctx);
	}
	for (int i = 0; i < 2; i++)
		if (s->wake[i] >= 0)
			close(s->wake[i]);
	free(s->l);
	free(s->pfd);
	free(s->ca_pem);
	free(s);
}

/* x as a NUL-terminated PEM string; NULL when memory runs out. */
static char *cert_pem(X509 *x)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *pem = NULL;
	long n;

	if (!bio || !PEM_write_bio_X509(bio, x))
		goto out;
	n = BIO_get_mem_data(bio, &data);
	if (n <= 0)
		goto out;
	pem = malloc((size_t)n + 1);
	if (!pem)
		goto out;
	memcpy(pem, data, (size_t)n);
	pem[n] = '\0';
out:
	BIO_free(bio);
	return pem;
}

const char *cp_demo_servers_ca_pem(const struct cp_demo_servers *s)
{
	return s->ca_pem;
}

int cp_demo_servers_start(struct cp_demo_servers **out, char *err, size_t errlen)
{
	struct cp_demo_servers *s = NULL;
	EVP_PKEY *key = NULL, *ca_key = NULL;
	X509 *cert = NULL, *ca = NULL;
	sigset_t all, old;
	int rc = -1, e;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		goto nomem;
	s->wake[0] = s->wake[1] = -1;
	s->nl = cp_demo_nspecs;
	s->l = calloc(s->nl, sizeof *s->l);
	s->pfd = calloc(1 + s->nl + MAX_CONNS, sizeof *s->pfd);
	if (!s->l || !s->pfd)
		goto nomem;
	for (size_t i = 0; i < s->nl; i++)
		s->l[i].fd = -1;

	/*
	 * Real sites present certificates from a CA, not self-signed ones,
	 * and a self-signed certificate is a decryption failure of its own
	 * (block-untrusted-issuer), which would drown out what each server is
	 * for.  So an in-memory demo CA (P-256: instant to make) issues every
	 * leaf.  One RSA-2048 key serves all leaves: its generation is the
	 * slow part of starting, and nothing depends on the keys differing.
	 */
	ca_key = EVP_EC_gen("P-256");
	key = EVP_RSA_gen(2048);
	if (!ca_key || !key) {
		tls_error(err, errlen, "cannot make the demo keys", NULL);
		goto out;
	}
	ca = make_cert("cipherprobe demo CA", ca_key, -DAY, 2 * 365 * DAY, NULL, ca_key, err,
		       errlen);
	if (!ca)
		goto out;
	s->ca_pem = cert_pem(ca);
	if (!s->ca_pem)
		goto nomem;
	for (size_t i = 0; i < s->nl; i++) {
		const struct cp_demo_spec *sp = &cp_demo_specs[i];
		char cn[64];
		if ((size_t)snprintf(cn, sizeof cn, "%s.demo", sp->name) >= sizeof cn) {
			cp_seterr(err, errlen, "server name too long: %s", sp->name);
			goto out;
		}
		/* expired: a year-long certificate that ran out yesterday */
		cert = sp->expired ? make_cert(cn, key, -366 * DAY, -DAY, ca, ca_key, err, errlen)
				   : make_cert(cn, key, -DAY, 365 * DAY, ca, ca_key, err, errlen);
		if (!cert)
			goto out;
		s->l[i].ctx = make_ctx(sp, key, cert, err, errlen);
		X509_free(cert); /* the SSL_CTX holds its own reference */
		cert = NULL;
		if (!s->l[i].ctx || listen_on(&s->l[i], sp->name, err, errlen) < 0)
			goto out;
	}
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		cp_seterr(err, errlen, "cannot make a pipe: %s", strerror(errno));
		goto out;
	}

	/* The thread takes no signals: ^C stays with the main thread, and a
	 * write to a connection the scanner reset fails with EPIPE instead of
	 * killing the process with SIGPIPE (which OpenSSL's socket BIO, using
	 * plain write(), would raise; a blocked thread-directed SIGPIPE just
	 * stays pending on the thread and vanishes with it). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&s->thread, NULL, serve, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e) {
		cp_seterr(err, errlen, "cannot start the server thread: %s", strerror(e));
		goto out;
	}
	s->running = true;
	*out = s;
	s = NULL;
	rc = 0;
	goto out;
nomem:
	cp_seterr(err, errlen, "out of memory");
out:
	X509_free(cert);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	if (s)
		servers_free(s);
	return rc;
}

uint16_t cp_demo_servers_port(const struct cp_demo_servers *s, size_t i)
{
	return i < s->nl ? s->l[i].port : 0;
}

int cp_demo_servers_stop(struct cp_demo_servers *s, char *err, size_t errlen)
{
	int rc = 0;

	if (!s)
		return 0;
	if (s->running) {
		ssize_t w;
		do
			w = write(s->wake[1], "x", 1);
		while (w < 0 && errno == EINTR);
		/* The pipe is empty (only this writes it), so the write cannot
		 * fail for want of room; the join below must still happen. */
		pthread_join(s->thread, NULL);
		s->running = false;
		if (s->thread_what) {
			cp_seterr(err, errlen, "the demo servers stopped early: %s: %s",
				  s->thread_what, strerror(s->thread_errno));
			rc = -1;
		}
	}
	servers_free(s);
	return rc;
}
