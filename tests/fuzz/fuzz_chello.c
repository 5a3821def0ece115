/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the captured-hello path: the ClientHello decoder and server_name
 * rewriter (scanner/tls/chello.h) with what a capture file could hold, and
 * the hex-dump reader (scanner/input/hello_file.h) with the same bytes as
 * text.
 *
 * Input layout:
 *   byte 0       record size for re-fragmenting (0: none), 1..255
 *   byte 1       n = byte % 40, the length of the server name that follows
 *   n bytes      a server name to rewrite to
 *   the rest     the capture's bytes
 *
 * Invariants: a parse stays within its caps and its input; cp_chello_need
 * agrees with it on where the hello ends; the same message cut into other
 * records parses to the same fields; a rewrite gives a hello that parses
 * and names the new host, an unchanged copy, or an error that appends
 * nothing.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "input/hello_file.h"
#include "tls/chello.h"

#define MAX_INPUT (CP_CHELLO_MAX_BYTES + 4096)

static void check_parsed(const struct cp_chello *h, size_t len)
{
	FUZZ_CHECK(h->consumed <= len);
	FUZZ_CHECK(h->msg_len >= 4 + 2 + 32 + 1 + 2 + 2 + 1 + 1);
	FUZZ_CHECK(h->msg_len <= CP_CHELLO_MAX_BYTES);
	FUZZ_CHECK(h->records ? h->consumed == h->msg_len + 5 * h->nrecords
			      : h->consumed == h->msg_len);
	FUZZ_CHECK(h->nsuites >= 1 && h->nsuites <= CP_CHELLO_MAX_SUITES);
	FUZZ_CHECK(h->nexts <= CP_CHELLO_MAX_EXTS && h->ngroups <= CP_CHELLO_MAX_GROUPS);
	FUZZ_CHECK(h->nsigalgs <= CP_CHELLO_MAX_SIGALGS && h->nversions <= CP_CHELLO_MAX_VERSIONS);
	FUZZ_CHECK(h->nshares <= CP_CHELLO_MAX_SHARES && h->nalpn <= CP_CHELLO_MAX_ALPN);
	FUZZ_CHECK(h->session_id_len <= 32 && h->ncompressions >= 1);
	FUZZ_CHECK(memchr(h->sni, '\0', sizeof h->sni) != NULL);
	FUZZ_CHECK(h->has_sni == (h->sni[0] != '\0'));
	for (size_t i = 0; i < h->nalpn; i++)
		FUZZ_CHECK(h->alpn[i][0] != '\0' &&
			   memchr(h->alpn[i], '\0', sizeof h->alpn[i]) != NULL);
}

/* The fields that do not depend on how the message was framed. */
static void check_same_hello(const struct cp_chello *a, const struct cp_chello *b)
{
	FUZZ_CHECK(a->msg_len == b->msg_len && a->legacy_version == b->legacy_version);
	FUZZ_CHECK(memcmp(a->random, b->random, sizeof a->random) == 0);
	FUZZ_CHECK(a->nsuites == b->nsuites && memcmp(a->suites, b->suites, sizeof a->suites) == 0);
	FUZZ_CHECK(a->nexts == b->nexts &&
		   memcmp(a->ext_types, b->ext_types, sizeof a->ext_types) == 0);
	FUZZ_CHECK(strcmp(a->sni, b->sni) == 0);
	FUZZ_CHECK(a->ngroups == b->ngroups && memcmp(a->groups, b->groups, sizeof a->groups) == 0);
	FUZZ_CHECK(a->nsigalgs == b->nsigalgs && a->nversions == b->nversions &&
		   a->nshares == b->nshares);
	FUZZ_CHECK(a->nalpn == b->nalpn);
}

/* The message of a parsed hello, re-cut into records of `size` bytes. */
static size_t refragment(const uint8_t *p, const struct cp_chello *h, size_t size, uint8_t *out)
{
	static uint8_t msg[CP_CHELLO_MAX_BYTES];
	size_t m = 0, k = 0;

	if (!h->records) {
		memcpy(msg, p, h->msg_len);
		m = h->msg_len;
	} else {
		for (size_t off = 0; off < h->consumed;) {
			size_t rlen = (size_t)p[off + 3] << 8 | p[off + 4];
			memcpy(msg + m, p + off + 5, rlen);
			m += rlen;
			off += 5 + rlen;
		}
	}
	FUZZ_CHECK(m == h->msg_len);
	for (size_t off = 0; off < m; off += size) {
		size_t f = m - off < size ? m - off : size;
		out[k++] = 22;
		out[k++] = 3;
		out[k++] = 3;
		out[k++] = (uint8_t)(f >> 8);
		out[k++] = (uint8_t)f;
		memcpy(out + k, msg + off, f);
		k += f;
	}
	return k;
}

static void check_rewrite(const uint8_t *p, size_t n, const struct cp_chello *h, const char *name)
{
	static struct cp_chello r;
	struct cp_wbuf w;
	bool rw = false;
	int st;

	cp_wbuf_init(&w, 2 * MAX_INPUT);
	st = cp_chello_with_sni(p, n, name, &w, &rw);
	if (st != CP_OK) {
		FUZZ_CHECK(w.len == 0 && !rw);
	} else if (!rw) {
		FUZZ_CHECK(w.len == h->consumed && memcmp(w.data, p, w.len) == 0);
	} else {
		size_t nl = strlen(name);

		if (nl && name[nl - 1] == '.')
			nl--;
		FUZZ_CHECK(cp_chello_parse(w.data, w.len, &r) == CP_OK);
		FUZZ_CHECK(r.consumed == w.len && r.has_sni);
		FUZZ_CHECK(strlen(r.sni) == nl && strncasecmp(r.sni, name, nl) == 0);
		FUZZ_CHECK(r.nsuites == h->nsuites && r.nexts == h->nexts);
		FUZZ_CHECK(memcmp(r.ext_types, h->ext_types, sizeof r.ext_types) == 0);
	}
	cp_wbuf_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cp_chello h, f;
	static uint8_t frag[2 * MAX_INPUT], hex[4096];
	struct fuzz_in in = { data, size };
	size_t fsize = fuzz_u8(&in), nlen = fuzz_u8(&in) % 40, need = 0, nhex = 0;
	char name[41], err[128];
	int st, ns;

	if (size > MAX_INPUT)
		return 0;
	if (nlen > in.n)
		nlen = in.n;
	memcpy(name, in.p, nlen);
	name[nlen] = '\0';
	in.p += nlen;
	in.n -= nlen;

	st = cp_chello_parse(in.p, in.n, &h);
	FUZZ_CHECK(cp_chello_strerror(st) != NULL);
	ns = cp_chello_need(in.p, in.n, &need);
	if (st == CP_OK) {
		check_parsed(&h, in.n);
		if (h.records)
			FUZZ_CHECK(ns == CP_OK && need == h.consumed);
		if (fsize) {
			size_t k = refragment(in.p, &h, fsize, frag);
			FUZZ_CHECK(cp_chello_parse(frag, k, &f) == CP_OK);
			FUZZ_CHECK(f.consumed == k);
			check_same_hello(&h, &f);
		}
		if (h.records)
			check_rewrite(in.p, in.n, &h, strlen(name) ? name : NULL);
	} else if (ns == CP_OK) {
		/* framing fine, content not */
		FUZZ_CHECK(need <= in.n);
		FUZZ_CHECK(st != CP_ETRUNCATED);
	}

	/* the same bytes as a hex dump */
	if (cp_hellofile_hex((const char *)in.p, in.n, hex, sizeof hex, &nhex, err, sizeof err) ==
	    0)
		FUZZ_CHECK(nhex <= sizeof hex);
	else
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
	return 0;
}
