/* A real OpenSSL handshake with exactly the fixed hello; see verify.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "policy/verify.h"
#include "registry.h"
#include "tls/hello.h"

/* Append name to a ':'-separated list; false when it does not fit. */
static bool list_add(char *buf, size_t cap, const char *name)
{
	size_t len = strlen(buf), n = strlen(name);
	if (len + n + 2 > cap)
		return false;
	if (len)
		buf[len++] = ':';
	memcpy(buf + len, name, n + 1);
	return true;
}

static int connect_timeout(const struct sockaddr *addr, socklen_t addrlen, unsigned ms)
{
	int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, addr, addrlen) < 0) {
		if (errno != EINPROGRESS)
			goto fail;
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int n = poll(&p, 1, (int)ms);
		if (n <= 0) {
			errno = n == 0 ? ETIMEDOUT : errno;
			goto fail;
		}
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
			errno = err ? err : errno;
			goto fail;
		}
	}
	/* the handshake itself is blocking, bounded by socket timeouts */
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		goto fail;
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	return fd;
fail:;
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}

int cp_verify_handshake(const struct sockaddr *addr, socklen_t addrlen, const char *sni,
			const struct cp_offer *o, unsigned timeout_ms, uint16_t *version,
			uint16_t *suite, char *msg, size_t msglen)
{
	char tls12[4096] = "", tls13[512] = "", groups[1024] = "";
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	int fd = -1, rc = CP_VERIFY_ERROR;
	size_t skipped = 0;

	ERR_set_mark();
	for (size_t i = 0; i < o->nsuites; i++) {
		const struct cp_suite *s = cp_suite_by_id(o->suites[i]);
		if (!s || !s->openssl_name) {
			skipped++;
			continue;
		}
		if (!(s->versions & CP_VER_TLS13 ? list_add(tls13, sizeof tls13, s->openssl_name)
						  : list_add(tls12, sizeof tls12, s->openssl_name)))
			skipped++;
	}
	for (size_t i = 0; i < o->ngroups; i++) {
		const struct cp_group *g = cp_group_by_id(o->groups[i]);
		if (g && g->openssl_name && cp_keyshare_supported(g->id))
			list_add(groups, sizeof groups, g->openssl_name);
	}
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		snprintf(msg, msglen, "cannot set up OpenSSL (out of memory)");
		goto out;
	}
	/* Level 0 lets OpenSSL offer what the firewall would, weak or not;
	 * suites this OpenSSL lacks make the whole proof unavailable. */
	char list[4200];
	snprintf(list, sizeof list, "%s%s@SECLEVEL=0", tls12, *tls12 ? ":" : "");
	bool ok12 = *tls12 && SSL_CTX_set_cipher_list(ctx, list) == 1;
	bool ok13 = SSL_CTX_set_ciphersuites(ctx, tls13) == 1 && *tls13;
	if (!*tls12)
		SSL_CTX_set_cipher_list(ctx, "@SECLEVEL=0:!ALL"); /* no TLS <= 1.2 suite */
	if (!ok12 && !ok13) {
		snprintf(msg, msglen, "OpenSSL here cannot offer any of the %zu suites of the fixed hello", o->nsuites);
		rc = CP_VERIFY_UNSUPPORTED;
		goto out;
	}
	SSL_CTX_set_min_proto_version(ctx, o->min_version);
	SSL_CTX_set_max_proto_version(ctx, o->max_version);
	if (*groups)
		SSL_CTX_set1_groups_list(ctx, groups);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);

	fd = connect_timeout(addr, addrlen, timeout_ms);
	if (fd < 0) {
		snprintf(msg, msglen, "cannot connect for the proof: %s", strerror(errno));
		goto out;
	}
	ssl = SSL_new(ctx);
	if (!ssl || !SSL_set_fd(ssl, fd)) {
		snprintf(msg, msglen, "cannot set up OpenSSL (out of memory)");
		goto out;
	}
	if (sni && !cp_is_ip_literal(sni))
		SSL_set_tlsext_host_name(ssl, sni);
	if (SSL_connect(ssl) != 1) {
		unsigned long e = ERR_peek_last_error();
		char reason[160] = "the connection closed or timed out";
		if (e)
			ERR_error_string_n(e, reason, sizeof reason);
		snprintf(msg, msglen, "a real handshake with the fixed hello failed: %s", reason);
		rc = CP_VERIFY_FAILED;
		goto out;
	}
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	*suite = c ? (uint16_t)SSL_CIPHER_get_protocol_id(c) : 0;
	*version = (uint16_t)SSL_version(ssl);
	const struct cp_suite *cs = cp_suite_by_id(*suite);
	snprintf(msg, msglen, "a real handshake with the fixed hello completed: %s (%s)%s",
		 cs ? cs->name : "?", SSL_get_version(ssl),
		 skipped ? " (suites OpenSSL lacks were left out of the proof)" : "");
	rc = CP_VERIFY_PROVEN;
	SSL_shutdown(ssl);
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
	ERR_pop_to_mark();
	return rc;
}
