/* SPDX-License-Identifier: MIT */
/*
 * LD_PRELOAD shim for the integration tests: confine a server that can only
 * listen on every interface (gnutls-serv has no address option) to loopback.
 *
 * bind() to the IPv4 wildcard becomes 127.0.0.1, and bind() to the IPv6
 * wildcard becomes ::1.  Every other bind() is passed through unchanged.
 * Built at test time by tests/integ/lib.sh; never part of cipherprobe.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*bind_fn)(int, const struct sockaddr *, socklen_t);

int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	static bind_fn real;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;

	if (!real) {
		real = (bind_fn)dlsym(RTLD_NEXT, "bind");
		if (!real) {
			errno = ENOSYS;
			return -1;
		}
	}
	if (sa && sa->sa_family == AF_INET && len >= (socklen_t)sizeof in4) {
		memcpy(&in4, sa, sizeof in4);
		if (in4.sin_addr.s_addr == htonl(INADDR_ANY)) {
			in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			return real(fd, (const struct sockaddr *)&in4, sizeof in4);
		}
	} else if (sa && sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof in6) {
		memcpy(&in6, sa, sizeof in6);
		if (!memcmp(&in6.sin6_addr, &in6addr_any, sizeof in6.sin6_addr)) {
			in6.sin6_addr = in6addr_loopback;
			return real(fd, (const struct sockaddr *)&in6, sizeof in6);
		}
	}
	return real(fd, sa, len);
}
