/* SPDX-License-Identifier: MIT */
/*
 * One scan target, parsed from a command-line argument or a list line.
 *
 * Accepted forms (surrounding blanks are ignored, none may appear inside):
 *   host            example.com, 192.0.2.1        port 443
 *   host:port       example.com:8443, 192.0.2.1:993
 *   [v6]:port, [v6] [2001:db8::1]:443, [::1]
 *   v6              ::1, 2001:db8::1              (a bare IPv6 literal
 *                                                  never carries a port)
 *   URL             https://host[:port]/path?query and the other TLS
 *                   schemes: ldaps 636, imaps 993, pop3s 995, smtps 465,
 *                   ftps 990; any other scheme is rejected
 *   ...,sni         an SNI override after a comma: "host:port,sni",
 *                   "host,sni", "https://h/,sni"; "host:port," (empty)
 *                   sends no SNI at all.  For URLs the last comma counts,
 *                   unless it is inside the query or fragment or what
 *                   follows it has URL syntax (/ ? # = & ; : @); so
 *                   "https://h/a,b" reads "b" as the SNI (the path plays
 *                   no part in a scan: leave it out).
 *
 * Host names are checked for syntax (ASCII letters, digits, '-', '_' and
 * dots; labels of 1..63 bytes; at most 253 bytes), lower-cased, and a
 * trailing dot is dropped.  IDN names must be given in their xn-- form.
 * A name whose last label is all digits is rejected: resolvers would read
 * "10.1" as an IPv4 address.  SNI defaults to the host name and is never
 * sent for an address literal unless overridden (RFC 6066 section 3).
 */
#ifndef CP_TARGET_H
#define CP_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cp_target {
	char *input; /* the text as given, blanks at the ends trimmed, and
	                     for a URL without userinfo, query and fragment
	                     (cp_target_redact) */
	char *host;  /* lower-case name or address literal, no brackets */
	uint16_t port;
	char *sni;       /* server name to send; NULL sends none */
	bool sni_set;    /* sni comes from an explicit ",sni" override */
	bool is_ip;      /* host is an IPv4 or IPv6 literal */
	int family_hint; /* AF_INET or AF_INET6 for literals, else AF_UNSPEC */
};

/*
 * Parses text into *t.  Returns 0; -1 when the text is not a usable target,
 * with a one-line message in err naming what is wrong (e.g. "port '99999'
 * out of range 1-65535"); or CP_TARGET_NOMEM (-2) when memory ran out.
 * On failure *t is left empty (all NULL).  err may be NULL if errlen is 0.
 */
#define CP_TARGET_NOMEM (-2)
int cp_target_parse(const char *text, struct cp_target *t, char *err, size_t errlen);

/*
 * Checks a server name to send (the ",sni" suffix, --sni) as host names
 * are checked (ASCII letters, digits, '-', '_', dots; labels 1..63 bytes,
 * 253 in all); an IPv4 or IPv6 literal is refused (RFC 6066 section 3:
 * SNI carries host names only).  Returns 0 with a lower-case copy in
 * *out (NULL for "": send no SNI), -1 with a message in err, or
 * CP_TARGET_NOMEM.
 */
int cp_target_check_sni(const char *sni, char **out, char *err, size_t errlen);

/*
 * The text of a target as it may be shown, logged or saved: for a URL
 * (it holds "://"), the userinfo ("user:password@") and everything from
 * the first '?' or '#' (query and fragment, which carry tokens) are left
 * out, and so is the ",sni" suffix's comma only when the query took it;
 * any other text is copied.  cp_target_parse stores this form in
 * t->input, so no output, state file or webhook sees the secrets.  A new
 * string (free()), or NULL when text is NULL or memory runs out.
 */
char *cp_target_redact(const char *text);

/* Frees the strings a parsed target owns and empties it; the struct
 * itself is the caller's.  Safe on an empty or already freed target. */
void cp_target_free(struct cp_target *t);

#endif
