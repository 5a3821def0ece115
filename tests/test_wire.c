/* SPDX-License-Identifier: MIT */
/*
 * The handshake decoder, fed three ways (whole, one byte at a time, random
 * chunks), on:
 *   - the server records of RFC 8448 (tests/vectors/rfc8448-*.hex), each
 *     checked against the NAME.expect file beside it, with
 *     the values the RFC states for them;
 *   - TLS 1.0-1.3 server flights made at test time by a real OpenSSL
 *     server over memory BIOs, checked against what OpenSSL itself says it
 *     negotiated (cipher, version, random, certificates, key exchange);
 *   - hostile and malformed input built here from the RFC layouts.
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls/buf.h"
#include "tls/wire.h"

#define WANT_ALL (CP_WANT_CERTIFICATE | CP_WANT_SKE | CP_WANT_DONE)
#define NSEEDS 8

/* ---- hex vectors ------------------------------------------------------ */

struct vec {
	uint8_t *p;
	size_t len;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* tests/vectors/NAME: hex pairs; whitespace and '#' comments skipped. */
static struct vec load_hex(const char *name)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	struct vec v = { NULL, 0 };
	size_t cap = 0;
	int c, hi = -1;
	FILE *f;

	snprintf(path, sizeof path, "%s/tests/vectors/%s", top ? top : ".", name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s (is top_srcdir set?)", path);
	while ((c = fgetc(f)) != EOF) {
		if (c == '#') {
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		int d = hexval(c);
		if (d < 0)
			fail_msg("%s: bad character '%c'", name, c);
		if (hi < 0) {
			hi = d;
			continue;
		}
		if (v.len == cap) {
			cap = cap ? cap * 2 : 256;
			v.p = realloc(v.p, cap);
			assert_non_null(v.p);
		}
		v.p[v.len++] = (uint8_t)(hi << 4 | d);
		hi = -1;
	}
	fclose(f);
	assert_true(hi < 0);
	assert_true(v.len > 0);
	return v;
}

/* ---- feeding ---------------------------------------------------------- */

enum mode { WHOLE, BYTES, CHUNKS };

static uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/*
 * Feeds p in the given mode; once the decoder answers, the rest is fed
 * too, and the status and the count of consumed bytes must not move.
 */
static int feed(struct cp_wire *w, const uint8_t *p, size_t n, enum mode m, uint32_t seed)
{
	int st = CP_WIRE_MORE, final = CP_WIRE_MORE;
	size_t off = 0, bytes = 0;
	bool answered = false;

	if (n == 0)
		return cp_wire_feed(w, p, 0);
	while (off < n) {
		size_t k = n - off;
		if (m == BYTES)
			k = 1;
		else if (m == CHUNKS)
			k = 1 + xorshift(&seed) % (xorshift(&seed) % 4 ? 16 : 700);
		if (k > n - off)
			k = n - off;
		st = cp_wire_feed(w, p + off, k);
		off += k;
		if (answered) {
			assert_int_equal(st, final);
			assert_int_equal(cp_wire_result(w)->bytes, bytes);
		} else if (st != CP_WIRE_MORE) {
			answered = true;
			final = st;
			bytes = cp_wire_result(w)->bytes;
		}
	}
	/* and once more with nothing: still the same */
	if (answered)
		assert_int_equal(cp_wire_feed(w, p, n), final);
	return st;
}

static void assert_same_result(const struct cp_wire_result *a, const struct cp_wire_result *b)
{
	assert_int_equal(a->seen, b->seen);
	assert_int_equal(a->record_version, b->record_version);
	assert_memory_equal(&a->sh, &b->sh, sizeof a->sh);
	assert_int_equal(a->alert_level, b->alert_level);
	assert_int_equal(a->alert_desc, b->alert_desc);
	assert_int_equal(a->ncerts, b->ncerts);
	for (size_t i = 0; i < a->ncerts; i++) {
		assert_int_equal(a->certs[i].len, b->certs[i].len);
		assert_memory_equal(a->certs[i].der, b->certs[i].der, a->certs[i].len);
	}
	assert_int_equal(a->certs_total, b->certs_total);
	assert_memory_equal(&a->ske, &b->ske, sizeof a->ske);
	assert_int_equal(a->sslv2_version, b->sslv2_version);
	assert_int_equal(a->nsslv2_kinds, b->nsslv2_kinds);
	assert_memory_equal(a->sslv2_kinds, b->sslv2_kinds, sizeof a->sslv2_kinds);
	assert_int_equal(a->sslv2_error, b->sslv2_error);
	assert_int_equal(a->bytes, b->bytes);
}

typedef void (*check_fn)(const struct cp_wire_result *r, void *ctx);

/*
 * Decodes p whole, byte by byte and in NSEEDS random chunkings; every way
 * must give status `expect` and the same result, which `check` examines.
 */
static void decode_all_ways(const uint8_t *p, size_t n, unsigned want, size_t max_msg, int expect,
			    check_fn check, void *ctx)
{
	struct cp_wire *ref = cp_wire_new(want, max_msg);

	assert_non_null(ref);
	assert_int_equal(feed(ref, p, n, WHOLE, 0), expect);
	if (check)
		check(cp_wire_result(ref), ctx);
	for (int way = 0; way < NSEEDS + 1; way++) {
		struct cp_wire *w = cp_wire_new(want, max_msg);
		assert_non_null(w);
		if (way == 0)
			assert_int_equal(feed(w, p, n, BYTES, 0), expect);
		else
			assert_int_equal(feed(w, p, n, CHUNKS, 0x9E3779B9u * (uint32_t)way),
					 expect);
		assert_same_result(cp_wire_result(ref), cp_wire_result(w));
		cp_wire_free(w);
	}
	cp_wire_free(ref);
}

/* Status of feeding p in one go. */
static int decode_once(const uint8_t *p, size_t n, unsigned want)
{
	struct cp_wire *w = cp_wire_new(want, 0);
	int st;

	assert_non_null(w);
	st = cp_wire_feed(w, p, n);
	cp_wire_free(w);
	return st;
}

/* Every strict prefix up to where the answer came must be MORE. */
static void assert_prefixes_more(const uint8_t *p, size_t done_at, unsigned want)
{
	for (size_t cut = 0; cut < done_at; cut++) {
		struct cp_wire *w = cp_wire_new(want, 0);
		assert_non_null(w);
		assert_int_equal(feed(w, p, cut, cut % 2 ? BYTES : WHOLE, 0), CP_WIRE_MORE);
		assert_int_equal(cp_wire_result(w)->bytes, cut);
		cp_wire_free(w);
	}
}

/* Length of the first TLS record of p, header included. */
static size_t first_record_len(const uint8_t *p)
{
	return 5 + ((size_t)p[3] << 8 | p[4]);
}

/* ---- RFC 8448 --------------------------------------------------------- */

struct rfc_expect {
	size_t record_len; /* "complete record (N octets)" */
	bool hrr;
	uint16_t group;
	uint16_t key_len;
	size_t nexts;
	uint16_t exts[4];
	uint8_t sid_len;
	uint8_t random0[4]; /* first bytes of the random, from the RFC */
};

static void check_rfc(const struct cp_wire_result *r, void *ctx)
{
	const struct rfc_expect *e = ctx;

	assert_int_equal(r->seen, e->hrr ? CP_SEEN_HRR : CP_SEEN_SERVER_HELLO);
	assert_int_equal(r->record_version, 0x0303);
	assert_int_equal(r->bytes, e->record_len);
	assert_int_equal(r->sh.legacy_version, 0x0303);
	assert_int_equal(r->sh.version, 0x0304);
	assert_true(r->sh.has_supported_versions);
	assert_int_equal(r->sh.suite, 0x1301); /* TLS_AES_128_GCM_SHA256 */
	assert_int_equal(r->sh.compression, 0);
	assert_int_equal(r->sh.is_hrr, e->hrr);
	assert_true(r->sh.has_key_share);
	assert_int_equal(r->sh.key_share_group, e->group);
	assert_int_equal(r->sh.key_share_len, e->key_len);
	assert_int_equal(r->sh.session_id_len, e->sid_len);
	assert_memory_equal(r->sh.random, e->random0, sizeof e->random0);
	assert_int_equal(r->sh.next, e->nexts);
	for (size_t i = 0; i < e->nexts; i++)
		assert_int_equal(r->sh.exts[i], e->exts[i]);
	assert_false(r->sh.downgrade_tls12);
	assert_false(r->sh.downgrade_tls11);
	assert_false(r->sh.reneg_info);
	assert_false(r->sh.ems);
	assert_false(r->sh.has_alpn);
	assert_int_equal(r->ncerts, 0);
}

static void run_rfc(const char *file, const struct rfc_expect *e)
{
	struct vec v = load_hex(file);

	assert_int_equal(first_record_len(v.p), e->record_len);
	/* TLS 1.3: done at the ServerHello whatever else is wanted */
	decode_all_ways(v.p, v.len, WANT_ALL, 0, CP_WIRE_DONE, check_rfc, (void *)e);
	decode_all_ways(v.p, v.len, CP_WANT_SERVER_HELLO, 0, CP_WIRE_DONE, check_rfc, (void *)e);
	assert_prefixes_more(v.p, e->record_len, WANT_ALL);
	free(v.p);
}

/*
 * One case per tests/vectors/NAME.expect: the decode NAME.hex must give,
 * written by hand from the RFC's text beside it.  Adding a vector is
 * adding two files.  Keys: record_len, hrr yes|no, group, key_len, exts
 * (in order), sid_len, random0 (first 4 bytes), and optionally sid_head /
 * sid_tail (the session id's first and last 4 bytes).
 */
struct vec_expect {
	struct rfc_expect e;
	bool has_sid;
	uint8_t sid_head[4], sid_tail[4];
};

static void check_sid(const struct cp_wire_result *r, void *ctx)
{
	const struct vec_expect *x = ctx;

	assert_memory_equal(r->sh.session_id, x->sid_head, 4);
	assert_memory_equal(r->sh.session_id + r->sh.session_id_len - 4, x->sid_tail, 4);
	assert_false(r->seen & CP_SEEN_CCS); /* done before it */
}

/* Up to max numbers of line (base 0: 0x.. or decimal; base 16 for bytes). */
static size_t numbers(const char *line, unsigned long *out, size_t max, int base, const char *where)
{
	size_t n = 0;
	char *end;

	while (*line) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '\n')
			break;
		if (n == max)
			fail_msg("%s: too many values", where);
		out[n++] = strtoul(line, &end, base);
		if (end == line)
			fail_msg("%s: not a number: %s", where, line);
		line = end;
	}
	return n;
}

static void bytes4(const char *v, uint8_t *out, const char *where)
{
	unsigned long b[4];
	if (numbers(v, b, 4, 16, where) != 4)
		fail_msg("%s: want 4 bytes", where);
	for (int i = 0; i < 4; i++)
		out[i] = (uint8_t)b[i];
}

static void load_expect(const char *path, struct vec_expect *x)
{
	char line[512], where[4500];
	unsigned seen = 0;
	unsigned long v[8];
	size_t ln = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		fail_msg("cannot open %s", path);
	memset(x, 0, sizeof *x);
	while (fgets(line, sizeof line, f)) {
		char key[32];
		int off = 0;
		ln++;
		snprintf(where, sizeof where, "%s:%zu", path, ln);
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%31s %n", key, &off) != 1)
			fail_msg("%s: no key", where);
		const char *val = line + off;
		if (!strcmp(key, "record_len") && numbers(val, v, 1, 0, where) == 1)
			x->e.record_len = v[0], seen |= 1;
		else if (!strcmp(key, "hrr"))
			x->e.hrr = !strncmp(val, "yes", 3), seen |= 2;
		else if (!strcmp(key, "group") && numbers(val, v, 1, 0, where) == 1)
			x->e.group = (uint16_t)v[0], seen |= 4;
		else if (!strcmp(key, "key_len") && numbers(val, v, 1, 0, where) == 1)
			x->e.key_len = (uint16_t)v[0], seen |= 8;
		else if (!strcmp(key, "exts")) {
			x->e.nexts = numbers(val, v, 4, 0, where);
			for (size_t i = 0; i < x->e.nexts; i++)
				x->e.exts[i] = (uint16_t)v[i];
			seen |= 16;
		} else if (!strcmp(key, "sid_len") && numbers(val, v, 1, 0, where) == 1)
			x->e.sid_len = (uint8_t)v[0], seen |= 32;
		else if (!strcmp(key, "random0"))
			bytes4(val, x->e.random0, where), seen |= 64;
		else if (!strcmp(key, "sid_head"))
			bytes4(val, x->sid_head, where), x->has_sid = true;
		else if (!strcmp(key, "sid_tail"))
			bytes4(val, x->sid_tail, where);
		else
			fail_msg("%s: unknown key or bad value '%s'", where, key);
	}
	fclose(f);
	if (seen != 127)
		fail_msg("%s: a required key is missing", path);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_expect(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 7 && !strcmp(d->d_name + n - 7, ".expect");
}

static void test_rfc8448_vectors(void **state)
{
	(void)state;
	const char *top = getenv("top_srcdir");
	char dir[4096], path[4400], hex[300];
	struct dirent **ents;
	int n;

	snprintf(dir, sizeof dir, "%s/tests/vectors", top ? top : ".");
	n = scandir(dir, &ents, is_expect, by_name);
	if (n < 0)
		fail_msg("cannot list %s (is top_srcdir set?)", dir);
	assert_true(n >= 6); /* RFC 8448 sections 3 to 7: a lost file fails */
	for (int i = 0; i < n; i++) {
		struct vec_expect x;
		size_t len = strlen(ents[i]->d_name) - 7;
		snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
		snprintf(hex, sizeof hex, "%.*s.hex", (int)len, ents[i]->d_name);
		print_message("vector %s\n", hex);
		load_expect(path, &x);
		if (x.has_sid) {
			struct vec v = load_hex(hex);
			decode_all_ways(v.p, v.len, WANT_ALL, 0, CP_WIRE_DONE, check_sid, &x);
			free(v.p);
		}
		run_rfc(hex, &x.e);
		free(ents[i]);
	}
	free(ents);
}

/* ---- OpenSSL peers ---------------------------------------------------- */

static EVP_PKEY *rsa_key, *ec_key;
static X509 *rsa_cert, *ec_cert;

static X509 *self_signed(EVP_PKEY *key, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *name;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 1), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400L));
	name = X509_get_subject_name(x);
	assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
						    (const unsigned char *)cn, -1, -1, 0),
			 1);
	assert_int_equal(X509_set_issuer_name(x, name), 1);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	return x;
}

static int group_setup(void **state)
{
	(void)state;
	rsa_key = EVP_RSA_gen(2048);
	ec_key = EVP_EC_gen("P-256");
	if (!rsa_key || !ec_key)
		return -1;
	rsa_cert = self_signed(rsa_key, "rsa.test");
	ec_cert = self_signed(ec_key, "ecdsa.test");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	X509_free(rsa_cert);
	X509_free(ec_cert);
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(ec_key);
	return 0;
}

static void assert_cert_is(const struct cp_cert_der *c, X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);

	assert_true(n > 0);
	assert_int_equal(c->len, (size_t)n);
	assert_memory_equal(c->der, der, (size_t)n);
	OPENSSL_free(der);
}

struct peer {
	SSL_CTX *sctx, *cctx;
	SSL *s, *c;
	uint8_t *flight; /* the server's first flight, as sent */
	size_t flight_len;
	int server_ret; /* SSL_do_handshake on the server */
};

static void peer_init(struct peer *p, int min_v, int max_v)
{
	memset(p, 0, sizeof *p);
	p->sctx = SSL_CTX_new(TLS_server_method());
	p->cctx = SSL_CTX_new(TLS_client_method());
	assert_non_null(p->sctx);
	assert_non_null(p->cctx);
	assert_int_equal(SSL_CTX_set_min_proto_version(p->sctx, min_v), 1);
	assert_int_equal(SSL_CTX_set_max_proto_version(p->sctx, max_v), 1);
	assert_int_equal(SSL_CTX_set_min_proto_version(p->cctx, min_v), 1);
	assert_int_equal(SSL_CTX_set_max_proto_version(p->cctx, max_v), 1);
	SSL_CTX_set_verify(p->cctx, SSL_VERIFY_NONE, NULL);
	/*
	 * Without tickets the server names its session in the ServerHello
	 * (with them it sends an empty id and the client makes one up).
	 */
	SSL_CTX_set_options(p->sctx, SSL_OP_NO_TICKET);
}

static void peer_cert(struct peer *p, X509 *cert, EVP_PKEY *key)
{
	assert_int_equal(SSL_CTX_use_certificate(p->sctx, cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(p->sctx, key), 1);
}

/* Moves everything pending in `from` to `to`, keeping a copy if asked. */
static void pump(BIO *from, BIO *to, uint8_t **cap, size_t *cap_len)
{
	uint8_t buf[4096];
	int n;

	while ((n = BIO_read(from, buf, sizeof buf)) > 0) {
		assert_int_equal(BIO_write(to, buf, n), n);
		if (cap) {
			uint8_t *q = realloc(*cap, *cap_len + (size_t)n);
			assert_non_null(q);
			memcpy(q + *cap_len, buf, (size_t)n);
			*cap = q;
			*cap_len += (size_t)n;
		}
	}
}

/*
 * ClientHello to the server, the server's first flight captured on its way
 * to the client, then the handshake finished where it can be, so that both
 * ends can be asked what was negotiated.
 */
static void peer_run(struct peer *p)
{
	BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
	BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());

	assert_true(c_in && c_out && s_in && s_out);
	p->c = SSL_new(p->cctx);
	p->s = SSL_new(p->sctx);
	assert_non_null(p->c);
	assert_non_null(p->s);
	SSL_set_bio(p->c, c_in, c_out);
	SSL_set_bio(p->s, s_in, s_out);
	SSL_set_connect_state(p->c);
	SSL_set_accept_state(p->s);

	assert_int_equal(SSL_do_handshake(p->c), -1);
	assert_int_equal(SSL_get_error(p->c, -1), SSL_ERROR_WANT_READ);
	pump(c_out, s_in, NULL, NULL);
	p->server_ret = SSL_do_handshake(p->s);
	pump(s_out, c_in, &p->flight, &p->flight_len);
	assert_true(p->flight_len > 0);
	/* finish the handshake where it can be, so both ends report on it */
	for (int round = 0; round < 4; round++) {
		(void)SSL_do_handshake(p->c);
		pump(c_out, s_in, NULL, NULL);
		(void)SSL_do_handshake(p->s);
		pump(s_out, c_in, NULL, NULL);
	}
}

static void peer_free(struct peer *p)
{
	SSL_free(p->c);
	SSL_free(p->s);
	SSL_CTX_free(p->cctx);
	SSL_CTX_free(p->sctx);
	free(p->flight);
}

static int alpn_select(SSL *s, const unsigned char **out, unsigned char *outlen,
		       const unsigned char *in, unsigned int inlen, void *arg)
{
	static const unsigned char ours[] = { 2, 'h', '2' };
	(void)s;
	(void)arg;
	if (SSL_select_next_proto((unsigned char **)out, outlen, ours, sizeof ours, in, inlen) !=
	    OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	return SSL_TLSEXT_ERR_OK;
}

/* Checks shared by every TLS <= 1.2 flight: the ServerHello against both ends. */
static void check_sh_against_openssl(const struct cp_wire_result *r, struct peer *p)
{
	uint8_t random[32];
	const unsigned char *sid;
	unsigned int sid_len;
	const SSL_CIPHER *cipher;

	assert_true(r->seen & CP_SEEN_SERVER_HELLO);
	assert_true(SSL_is_init_finished(p->s));
	assert_true(SSL_is_init_finished(p->c));
	cipher = SSL_get_current_cipher(p->s);
	assert_non_null(cipher);
	assert_int_equal(r->sh.suite, SSL_CIPHER_get_protocol_id(cipher));
	assert_int_equal(r->sh.version, SSL_version(p->s));
	assert_int_equal(r->sh.legacy_version, SSL_version(p->s));
	assert_false(r->sh.has_supported_versions);
	assert_int_equal(SSL_get_server_random(p->c, random, sizeof random), sizeof random);
	assert_memory_equal(r->sh.random, random, sizeof random);
	sid = SSL_SESSION_get_id(SSL_get_session(p->s), &sid_len);
	assert_int_equal(sid_len, 32);
	assert_int_equal(r->sh.session_id_len, sid_len);
	assert_memory_equal(r->sh.session_id, sid, sid_len);
	assert_int_equal(r->sh.ems, SSL_get_extms_support(p->c) == 1);
	assert_int_equal(r->sh.reneg_info, SSL_get_secure_renegotiation_support(p->c) == 1);
	assert_false(r->sh.is_hrr);
}

static void check_ecdhe_rsa(const struct cp_wire_result *r, void *ctx)
{
	struct peer *p = ctx;
	const unsigned char *alpn;
	unsigned int alpn_len;
	char gname[64];
	size_t glen;
	EVP_PKEY *tmp = NULL;

	check_sh_against_openssl(r, p);
	assert_int_equal(r->sh.suite, 0xC02F); /* RFC 5289 ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
	assert_int_equal(r->sh.version, 0x0303);
	assert_int_equal(r->seen,
			 CP_SEEN_SERVER_HELLO | CP_SEEN_CERTIFICATE | CP_SEEN_SKE | CP_SEEN_SHD);
	SSL_get0_alpn_selected(p->c, &alpn, &alpn_len);
	assert_int_equal(alpn_len, 2);
	assert_true(r->sh.has_alpn);
	assert_string_equal(r->sh.alpn, "h2");
	assert_memory_equal(r->sh.alpn, alpn, alpn_len);
	/* leaf, then the extra chain certificate */
	assert_int_equal(r->certs_total, 2);
	assert_int_equal(r->ncerts, 2);
	assert_cert_is(&r->certs[0], rsa_cert);
	assert_cert_is(&r->certs[1], ec_cert);
	/* secp384r1 is 24 (RFC 8422 5.1.1); OpenSSL names the same group */
	assert_true(r->ske.ecdhe);
	assert_false(r->ske.dhe);
	assert_int_equal(r->ske.curve_type, 3);
	assert_int_equal(r->ske.group, 24);
	assert_int_equal(SSL_get_peer_tmp_key(p->c, &tmp), 1);
	assert_int_equal(EVP_PKEY_get_group_name(tmp, gname, sizeof gname, &glen), 1);
	assert_string_equal(gname, "secp384r1");
	EVP_PKEY_free(tmp);
	/* the client allowed only rsa_pkcs1_sha256 (RFC 8446 4.2.3: 0x0401) */
	assert_int_equal(r->ske.sig_scheme, 0x0401);
	assert_int_equal(r->record_version, 0x0303);
	assert_int_equal(r->bytes, p->flight_len);
}

/*
 * ECDHE-RSA over TLS 1.2 with a two-certificate chain, ALPN and records cut
 * at 512 bytes, so that messages span records.
 */
static void test_openssl_ecdhe_rsa_tls12(void **state)
{
	(void)state;
	struct peer p;
	static const unsigned char alpn[] = {
		8, 'h', 't', 't', 'p', '/', '1', '.', '1', 2, 'h', '2'
	};

	peer_init(&p, TLS1_2_VERSION, TLS1_2_VERSION);
	peer_cert(&p, rsa_cert, rsa_key);
	assert_int_equal(SSL_CTX_add1_chain_cert(p.sctx, ec_cert), 1);
	assert_int_equal(SSL_CTX_set_cipher_list(p.sctx, "ECDHE-RSA-AES128-GCM-SHA256"), 1);
	assert_int_equal(SSL_CTX_set_cipher_list(p.cctx, "ECDHE-RSA-AES128-GCM-SHA256"), 1);
	assert_int_equal(SSL_CTX_set1_groups_list(p.sctx, "secp384r1"), 1);
	assert_int_equal(SSL_CTX_set1_groups_list(p.cctx, "secp384r1"), 1);
	assert_int_equal(SSL_CTX_set1_sigalgs_list(p.cctx, "RSA+SHA256"), 1);
	assert_int_equal(SSL_CTX_set_alpn_protos(p.cctx, alpn, sizeof alpn), 0);
	SSL_CTX_set_alpn_select_cb(p.sctx, alpn_select, NULL);
	assert_int_equal(SSL_CTX_set_max_send_fragment(p.sctx, 512), 1);
	peer_run(&p);
	assert_true(p.flight_len > 2 * 512);

	decode_all_ways(p.flight, p.flight_len, WANT_ALL, 0, CP_WIRE_DONE, check_ecdhe_rsa, &p);
	assert_prefixes_more(p.flight, p.flight_len, WANT_ALL);
	peer_free(&p);
}

static void check_ecdhe_ecdsa(const struct cp_wire_result *r, void *ctx)
{
	struct peer *p = ctx;

	check_sh_against_openssl(r, p);
	assert_int_equal(r->sh.suite, 0xC02B); /* RFC 5289 ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
	assert_int_equal(r->certs_total, 1);
	assert_int_equal(r->ncerts, 1);
	assert_cert_is(&r->certs[0], ec_cert);
	assert_true(r->ske.ecdhe);
	assert_int_equal(r->ske.group, 29);          /* x25519, RFC 8422 5.1.1 */
	assert_int_equal(r->ske.sig_scheme, 0x0403); /* ecdsa_secp256r1_sha256 */
	assert_true(r->seen & CP_SEEN_SHD);
}

static void test_openssl_ecdhe_ecdsa_tls12(void **state)
{
	(void)state;
	struct peer p;

	peer_init(&p, TLS1_2_VERSION, TLS1_2_VERSION);
	peer_cert(&p, ec_cert, ec_key);
	assert_int_equal(SSL_CTX_set_cipher_list(p.sctx, "ECDHE-ECDSA-AES128-GCM-SHA256"), 1);
	assert_int_equal(SSL_CTX_set_cipher_list(p.cctx, "ECDHE-ECDSA-AES128-GCM-SHA256"), 1);
	assert_int_equal(SSL_CTX_set1_groups_list(p.sctx, "X25519"), 1);
	assert_int_equal(SSL_CTX_set1_groups_list(p.cctx, "X25519:P-256"), 1);
	assert_int_equal(SSL_CTX_set1_sigalgs_list(p.cctx, "ECDSA+SHA256"), 1);
	peer_run(&p);
	decode_all_ways(p.flight, p.flight_len, WANT_ALL, 0, CP_WIRE_DONE, check_ecdhe_ecdsa, &p);
	peer_free(&p);
}

static void check_dhe_rsa(const struct cp_wire_result *r, void *ctx)
{
	struct peer *p = ctx;
	EVP_PKEY *tmp = NULL;
	BIGNUM *g = NULL;

	check_sh_against_openssl(r, p);
	assert_int_equal(r->sh.suite, 0x0039); /* RFC 5246 A.5 DHE_RSA_WITH_AES_256_CBC_SHA */
	assert_cert_is(&r->certs[0], rsa_cert);
	assert_true(r->ske.dhe);
	assert_false(r->ske.ecdhe);
	assert_int_equal(r->ske.dh_p_bits, 2048);
	assert_int_equal(SSL_get_peer_tmp_key(p->c, &tmp), 1);
	assert_int_equal(EVP_PKEY_get_bits(tmp), r->ske.dh_p_bits);
	assert_int_equal(EVP_PKEY_get_bn_param(tmp, OSSL_PKEY_PARAM_FFC_G, &g), 1);
	assert_int_equal(r->ske.dh_g_len, BN_num_bytes(g));
	BN_free(g);
	EVP_PKEY_free(tmp);
	assert_int_equal(r->ske.sig_scheme, 0x0401);
	assert_true(r->seen & CP_SEEN_SHD);
}

/* DHE with the server's automatic 2048-bit group (RSA-2048 key, 112 bits). */
static void test_openssl_dhe_rsa_tls12(void **state)
{
	(void)state;
	struct peer p;

	peer_init(&p, TLS1_2_VERSION, TLS1_2_VERSION);
	peer_cert(&p, rsa_cert, rsa_key);
	assert_int_equal(SSL_CTX_set_cipher_list(p.sctx, "DHE-RSA-AES256-SHA"), 1);
	assert_int_equal(SSL_CTX_set_cipher_list(p.cctx, "DHE-RSA-AES256-SHA"), 1);
	assert_int_equal(SSL_CTX_set_dh_auto(p.sctx, 1), 1);
	assert_int_equal(SSL_CTX_set1_sigalgs_list(p.cctx, "RSA+SHA256"), 1);
	peer_run(&p);
	decode_all_ways(p.flight, p.flight_len, WANT_ALL, 0, CP_WIRE_DONE, check_dhe_rsa, &p);
	peer_free(&p);
}

static void check_rsa_tls10(const struct cp_wire_result *r, void *ctx)
{
	struct peer *p = ctx;

	check_sh_against_openssl(r, p);
	assert_int_equal(r->sh.suite, 0x002F); /* RFC 5246 A.5 RSA_WITH_AES_128_CBC_SHA */
	assert_int_equal(r->sh.version, 0x0301);
	assert_int_equal(r->record_version, 0x0301);
	assert_int_equal(r->seen, CP_SEEN_SERVER_HELLO | CP_SEEN_CERTIFICATE | CP_SEEN_SHD);
	assert_cert_is(&r->certs[0], rsa_cert);
	assert_false(r->ske.ecdhe || r->ske.dhe);
}

/* Static RSA over TLS 1.0: no ServerKeyExchange at all. */
static void test_openssl_rsa_tls10(void **state)
{
	(void)state;
	struct peer p;

	peer_init(&p, TLS1_VERSION, TLS1_VERSION);
	SSL_CTX_set_security_level(p.sctx, 0);
	SSL_CTX_set_security_level(p.cctx, 0);
	peer_cert(&p, rsa_cert, rsa_key);
	assert_int_equal(SSL_CTX_set_cipher_list(p.sctx, "AES128-SHA"), 1);
	assert_int_equal(SSL_CTX_set_cipher_list(p.cctx, "AES128-SHA"), 1);
	peer_run(&p);
	decode_all_ways(p.flight, p.flight_len, WANT_ALL, 0, CP_WIRE_DONE, check_rsa_tls10, &p);
	peer_free(&p);
}

/* ctx: the expected number of bytes read */
static void check_alert40(const struct cp_wire_result *r, void *ctx)
{
	assert_int_equal(r->seen, CP_SEEN_ALERT);
	assert_int_equal(r->alert_level, 2); /* fatal */
	assert_int_equal(r->alert_desc, 40); /* handshake_failure */
	assert_string_equal(cp_alert_name(r->alert_desc), "handshake_failure");
	assert_int_equal(r->bytes, *(const size_t *)ctx);
}

/* No cipher in common: OpenSSL answers with a fatal handshake_failure. */
static void test_openssl_alert_no_shared_cipher(void **state)
{
	(void)state;
	struct peer p;

	peer_init(&p, TLS1_2_VERSION, TLS1_2_VERSION);
	peer_cert(&p, rsa_cert, rsa_key);
	assert_int_equal(SSL_CTX_set_cipher_list(p.sctx, "AES128-SHA"), 1);
	assert_int_equal(SSL_CTX_set_cipher_list(p.cctx, "ECDHE-RSA-AES128-GCM-SHA256"), 1);
	peer_run(&p);
	assert_true(p.server_ret <= 0);
	decode_all_ways(p.flight, p.flight_len, WANT_ALL, 0, CP_WIRE_DONE, check_alert40,
			&p.flight_len);
	assert_prefixes_more(p.flight, p.flight_len, WANT_ALL);
	peer_free(&p);
}

static void check_tls13(const struct cp_wire_result *r, void *ctx)
{
	struct peer *p = ctx;

	assert_int_equal(r->seen, CP_SEEN_SERVER_HELLO);
	assert_int_equal(r->sh.version, 0x0304);
	assert_int_equal(r->sh.version, SSL_version(p->s));
	assert_int_equal(r->sh.legacy_version, 0x0303);
	assert_int_equal(r->sh.suite, SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(p->s)));
	assert_int_equal(r->sh.suite, 0x1302); /* RFC 8446 B.4 TLS_AES_256_GCM_SHA384 */
	assert_int_equal(r->sh.key_share_group, 29);
	assert_int_equal(r->sh.key_share_len, 32);
	assert_int_equal(r->bytes, first_record_len(p->flight));
	assert_true(r->bytes < p->flight_len); /* the encrypted rest is not read */
}

static void test_openssl_tls13(void **state)
{
	(void)state;
	struct peer p;

	peer_init(&p, TLS1_2_VERSION, TLS1_3_VERSION);
	peer_cert(&p, rsa_cert, rsa_key);
	assert_int_equal(SSL_CTX_set_ciphersuites(p.sctx, "TLS_AES_256_GCM_SHA384"), 1);
	assert_int_equal(SSL_CTX_set1_groups_list(p.sctx, "X25519"), 1);
	assert_int_equal(SSL_CTX_set1_groups_list(p.cctx, "X25519"), 1);
	peer_run(&p);
	decode_all_ways(p.flight, p.flight_len, WANT_ALL, 0, CP_WIRE_DONE, check_tls13, &p);
	assert_prefixes_more(p.flight, first_record_len(p.flight), WANT_ALL);
	peer_free(&p);
}

static void check_openssl_hrr(const struct cp_wire_result *r, void *ctx)
{
	struct peer *p = ctx;

	assert_int_equal(r->seen, CP_SEEN_HRR);
	assert_true(r->sh.is_hrr);
	assert_int_equal(r->sh.version, 0x0304);
	assert_int_equal(r->sh.key_share_group, 23); /* secp256r1 */
	assert_int_equal(r->sh.key_share_len, 0);
	assert_int_equal(r->bytes, first_record_len(p->flight));
}

/* The client's only share is x25519, the server takes only P-256: HRR. */
static void test_openssl_hello_retry_request(void **state)
{
	(void)state;
	struct peer p;

	peer_init(&p, TLS1_3_VERSION, TLS1_3_VERSION);
	peer_cert(&p, rsa_cert, rsa_key);
	assert_int_equal(SSL_CTX_set1_groups_list(p.sctx, "P-256"), 1);
	assert_int_equal(SSL_CTX_set1_groups_list(p.cctx, "X25519:P-256"), 1);
	peer_run(&p);
	decode_all_ways(p.flight, p.flight_len, WANT_ALL, 0, CP_WIRE_DONE, check_openssl_hrr, &p);
	peer_free(&p);
}

/*
 * RFC 8446 4.1.3: a TLS 1.3 server negotiating lower sets "DOWNGRD" 01
 * (TLS 1.2) or 00 (TLS 1.1 and below) in the last 8 bytes of its random.
 */
static void downgrade_case(int client_max, bool want12, bool want11)
{
	static const uint8_t sentinel[7] = { 0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44 };
	struct peer p;
	struct cp_wire *w;
	const struct cp_wire_result *r;
	uint8_t random[32];

	peer_init(&p, TLS1_VERSION, TLS1_3_VERSION);
	assert_int_equal(SSL_CTX_set_max_proto_version(p.cctx, client_max), 1);
	SSL_CTX_set_security_level(p.sctx, 0);
	SSL_CTX_set_security_level(p.cctx, 0);
	assert_int_equal(SSL_CTX_set_cipher_list(p.sctx, "DEFAULT:@SECLEVEL=0"), 1);
	assert_int_equal(SSL_CTX_set_cipher_list(p.cctx, "DEFAULT:@SECLEVEL=0"), 1);
	peer_cert(&p, rsa_cert, rsa_key);
	peer_run(&p);
	assert_int_equal(SSL_get_server_random(p.c, random, sizeof random), sizeof random);
	assert_memory_equal(random + 24, sentinel, sizeof sentinel);
	assert_int_equal(random[31], want12 ? 1 : 0);

	w = cp_wire_new(CP_WANT_SERVER_HELLO, 0);
	assert_non_null(w);
	assert_int_equal(cp_wire_feed(w, p.flight, p.flight_len), CP_WIRE_DONE);
	r = cp_wire_result(w);
	assert_int_equal(r->sh.version, client_max);
	assert_int_equal(r->sh.downgrade_tls12, want12);
	assert_int_equal(r->sh.downgrade_tls11, want11);
	/* stopped at the ServerHello: only the first message was read */
	assert_true(r->bytes < p.flight_len);
	assert_false(r->seen & CP_SEEN_CERTIFICATE);
	cp_wire_free(w);
	peer_free(&p);
}

static void test_openssl_downgrade_sentinels(void **state)
{
	(void)state;
	downgrade_case(TLS1_2_VERSION, true, false);
	downgrade_case(TLS1_1_VERSION, false, true);
}

/*
 * What the caller wants decides where DONE comes and what is kept: a
 * Certificate not wanted is skipped however large the cap is, and one
 * wanted over the cap is refused.
 */
static void test_openssl_want_and_caps(void **state)
{
	(void)state;
	struct peer p;
	struct cp_wire *w;
	const struct cp_wire_result *r;
	size_t cert_msg;

	peer_init(&p, TLS1_2_VERSION, TLS1_2_VERSION);
	peer_cert(&p, rsa_cert, rsa_key);
	assert_int_equal(SSL_CTX_add1_chain_cert(p.sctx, ec_cert), 1);
	assert_int_equal(SSL_CTX_set_cipher_list(p.sctx, "ECDHE-RSA-AES128-GCM-SHA256"), 1);
	peer_run(&p);
	cert_msg = (size_t)i2d_X509(rsa_cert, NULL) + (size_t)i2d_X509(ec_cert, NULL);

	/* certificate only: done after it, before the ServerKeyExchange */
	w = cp_wire_new(CP_WANT_CERTIFICATE, 0);
	assert_int_equal(cp_wire_feed(w, p.flight, p.flight_len), CP_WIRE_DONE);
	r = cp_wire_result(w);
	assert_int_equal(r->seen, CP_SEEN_SERVER_HELLO | CP_SEEN_CERTIFICATE);
	assert_int_equal(r->ncerts, 2);
	cp_wire_free(w);

	/* SKE and done with a cap below the certificate: skipped, not refused */
	w = cp_wire_new(CP_WANT_SKE | CP_WANT_DONE, 600);
	assert_true(cert_msg > 600);
	assert_int_equal(feed(w, p.flight, p.flight_len, BYTES, 0), CP_WIRE_DONE);
	r = cp_wire_result(w);
	assert_int_equal(r->seen,
			 CP_SEEN_SERVER_HELLO | CP_SEEN_CERTIFICATE | CP_SEEN_SKE | CP_SEEN_SHD);
	assert_int_equal(r->ncerts, 0);
	assert_int_equal(r->certs_total, 0);
	assert_int_equal(r->ske.group, 29); /* OpenSSL's first default group, x25519 */
	cp_wire_free(w);

	/* the same cap when the certificate is wanted */
	w = cp_wire_new(WANT_ALL, 600);
	assert_int_equal(cp_wire_feed(w, p.flight, p.flight_len), CP_WIRE_E_MSG_TOO_LONG);
	assert_int_equal(cp_wire_feed(w, p.flight, 1), CP_WIRE_E_MSG_TOO_LONG);
	cp_wire_free(w);
	peer_free(&p);
}

/* ---- synthetic messages (RFC layouts) --------------------------------- */

/* Wraps a handshake stream into records of at most `frag` bytes. */
static void put_records(struct cp_wbuf *out, uint8_t type, const uint8_t *p, size_t n, size_t frag)
{
	size_t off = 0;

	do {
		size_t k = n - off < frag ? n - off : frag;
		cp_wbuf_u8(out, type);
		cp_wbuf_u16(out, 0x0303);
		cp_wbuf_u16(out, (uint16_t)k);
		cp_wbuf_bytes(out, p + off, k);
		off += k;
	} while (off < n);
}

/*
 * A ServerHello handshake message (RFC 5246 7.4.1.3); `exts` is the raw
 * extensions block contents, or NULL for none.
 */
static void put_server_hello(struct cp_wbuf *m, uint16_t version, uint16_t suite, size_t sid_len,
			     const uint8_t *exts, size_t exts_len)
{
	size_t msg, ext;

	cp_wbuf_u8(m, 2);
	msg = cp_wbuf_open(m, 3);
	cp_wbuf_u16(m, version);
	for (int i = 0; i < 32; i++)
		cp_wbuf_u8(m, (uint8_t)i);
	cp_wbuf_u8(m, (uint8_t)sid_len);
	for (size_t i = 0; i < sid_len; i++)
		cp_wbuf_u8(m, 0xAA);
	cp_wbuf_u16(m, suite);
	cp_wbuf_u8(m, 0);
	if (exts) {
		ext = cp_wbuf_open(m, 2);
		cp_wbuf_bytes(m, exts, exts_len);
		cp_wbuf_close(m, ext, 2);
	}
	cp_wbuf_close(m, msg, 3);
}

static const uint8_t shd[] = { 14, 0, 0, 0 }; /* ServerHelloDone */

static void test_record_too_long(void **state)
{
	(void)state;
	/* 2^14 + 2048 is the largest allowed length; one more is refused */
	const uint8_t at_cap[] = { 0x16, 0x03, 0x03, 0x48, 0x00 };
	const uint8_t over[] = { 0x16, 0x03, 0x03, 0x48, 0x01 };
	const uint8_t max[] = { 0x17, 0x03, 0x03, 0xff, 0xff };

	assert_int_equal(decode_once(at_cap, sizeof at_cap, 0), CP_WIRE_MORE);
	decode_all_ways(over, sizeof over, 0, 0, CP_WIRE_E_RECORD_TOO_LONG, NULL, NULL);
	assert_int_equal(decode_once(max, sizeof max, 0), CP_WIRE_E_RECORD_TOO_LONG);
}

static void test_msg_2_24(void **state)
{
	(void)state;
	/* a ServerHello announced at 2^24-1 bytes: refused at its header */
	const uint8_t sh[] = { 0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0xff, 0xff, 0xff };
	struct cp_wbuf m, out;
	struct cp_wire *w;

	decode_all_ways(sh, sizeof sh, 0, 0, CP_WIRE_E_MSG_TOO_LONG, NULL, NULL);
	decode_all_ways(sh, sizeof sh, 0, 100000, CP_WIRE_E_MSG_TOO_LONG, NULL, NULL);
	/* a cap above it lets the header through */
	w = cp_wire_new(0, 1u << 24);
	assert_int_equal(feed(w, sh, sizeof sh, WHOLE, 0), CP_WIRE_MORE);
	cp_wire_free(w);

	/* an unwanted Certificate of 2^24-1 bytes is over the skip cap too */
	cp_wbuf_init(&m, 4096);
	cp_wbuf_init(&out, 8192);
	put_server_hello(&m, 0x0303, 0x002F, 0, NULL, 0);
	cp_wbuf_u8(&m, 11);
	cp_wbuf_u24(&m, 0xffffff);
	assert_false(cp_wbuf_failed(&m));
	put_records(&out, 22, m.data, m.len, 16384);
	decode_all_ways(out.data, out.len, CP_WANT_SKE | CP_WANT_DONE, 0, CP_WIRE_E_MSG_TOO_LONG,
			NULL, NULL);
	cp_wbuf_free(&m);
	cp_wbuf_free(&out);
}

/*
 * Offsets in the RFC 8448 section 3 record: 43 session id length, 48
 * extensions block length, 52 key_share length, 56 key_exchange length,
 * 89 supported_versions type (low byte 90), 92 its length.
 */
static int rfc_s3_with(size_t at, uint8_t value)
{
	struct vec v = load_hex("rfc8448-s3-server-hello.hex");
	int st;

	v.p[at] = value;
	st = decode_once(v.p, v.len, 0);
	decode_all_ways(v.p, v.len, 0, 0, st, NULL, NULL);
	free(v.p);
	return st;
}

static void test_ext_overrun(void **state)
{
	(void)state;
	assert_int_equal(rfc_s3_with(0, 0x16), CP_WIRE_DONE);         /* unchanged */
	assert_int_equal(rfc_s3_with(52, 0x30), CP_WIRE_E_MALFORMED); /* key_share past block */
	assert_int_equal(rfc_s3_with(56, 0x21), CP_WIRE_E_MALFORMED); /* key past key_share */
	assert_int_equal(rfc_s3_with(56, 0x1f), CP_WIRE_E_MALFORMED); /* key short of it */
	assert_int_equal(rfc_s3_with(92, 0x03), CP_WIRE_E_MALFORMED); /* last ext past block */
	assert_int_equal(rfc_s3_with(48, 0x2f), CP_WIRE_E_MALFORMED); /* block past message */
	assert_int_equal(rfc_s3_with(48, 0x2d), CP_WIRE_E_MALFORMED); /* block short of it */
	assert_int_equal(rfc_s3_with(8, 0x57), CP_WIRE_MORE);         /* message past record */
	assert_int_equal(rfc_s3_with(8, 0x55), CP_WIRE_E_MALFORMED);  /* record past message */
}

/* A TLS 1.2 ServerHello with the given extensions block, as records. */
static int sh12_with_exts(const uint8_t *exts, size_t n, struct cp_wire **keep)
{
	struct cp_wbuf m, out;
	struct cp_wire *w = cp_wire_new(0, 0);
	int st;

	assert_non_null(w);
	cp_wbuf_init(&m, 1 << 16);
	cp_wbuf_init(&out, 1 << 17);
	put_server_hello(&m, 0x0303, 0xC02F, 0, exts, n);
	put_records(&out, 22, m.data, m.len, 16384);
	assert_false(cp_wbuf_failed(&out));
	st = cp_wire_feed(w, out.data, out.len);
	decode_all_ways(out.data, out.len, 0, 0, st, NULL, NULL);
	cp_wbuf_free(&m);
	cp_wbuf_free(&out);
	if (keep)
		*keep = w;
	else
		cp_wire_free(w);
	return st;
}

static void test_server_hello_extensions(void **state)
{
	(void)state;
	/* renegotiation_info (empty), extended_master_secret, ALPN "h2" */
	const uint8_t good[] = { 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x17, 0x00, 0x00,
				 0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 'h',  '2' };
	const uint8_t dup[] = { 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x17,
				0x00, 0x00, 0xff, 0x01, 0x00, 0x01, 0x00 };
	const uint8_t ems_data[] = { 0x00, 0x17, 0x00, 0x01, 0x00 };
	const uint8_t alpn_empty[] = { 0x00, 0x10, 0x00, 0x03, 0x00, 0x01, 0x00 };
	const uint8_t alpn_two[] = { 0x00, 0x10, 0x00, 0x08, 0x00, 0x06,
				     0x02, 'h',  '2',  0x02, 'h',  '3' };
	const uint8_t ext_past[] = { 0x00, 0x17, 0x00, 0x05, 0x00 };
	const uint8_t sv_short[] = { 0x00, 0x2b, 0x00, 0x01, 0x03 };
	struct cp_wire *w;
	const struct cp_wire_result *r;

	assert_int_equal(sh12_with_exts(good, sizeof good, &w), CP_WIRE_DONE);
	r = cp_wire_result(w);
	assert_true(r->sh.reneg_info);
	assert_true(r->sh.ems);
	assert_true(r->sh.has_alpn);
	assert_string_equal(r->sh.alpn, "h2");
	assert_int_equal(r->sh.next, 3);
	assert_int_equal(r->sh.exts[0], 0xff01);
	assert_int_equal(r->sh.exts[1], 23);
	assert_int_equal(r->sh.exts[2], 16);
	assert_int_equal(r->sh.version, 0x0303);
	cp_wire_free(w);

	assert_int_equal(sh12_with_exts(dup, sizeof dup, NULL), CP_WIRE_E_MALFORMED);
	assert_int_equal(sh12_with_exts(ems_data, sizeof ems_data, NULL), CP_WIRE_E_MALFORMED);
	assert_int_equal(sh12_with_exts(alpn_empty, sizeof alpn_empty, NULL), CP_WIRE_E_MALFORMED);
	assert_int_equal(sh12_with_exts(alpn_two, sizeof alpn_two, NULL), CP_WIRE_E_MALFORMED);
	assert_int_equal(sh12_with_exts(ext_past, sizeof ext_past, NULL), CP_WIRE_E_MALFORMED);
	assert_int_equal(sh12_with_exts(sv_short, sizeof sv_short, NULL), CP_WIRE_E_MALFORMED);
}

/* More extensions than are listed: counted, the first MAX kept, all checked for repeats. */
static void test_many_extensions(void **state)
{
	(void)state;
	uint8_t exts[4 * 300];
	struct cp_wire *w;
	const struct cp_wire_result *r;

	for (int i = 0; i < 300; i++) {
		exts[4 * i] = 0x70; /* private-use range 0x70xx, empty */
		exts[4 * i + 1] = (uint8_t)i;
		exts[4 * i + 2] = 0;
		exts[4 * i + 3] = 0;
		if (i >= 256)
			exts[4 * i] = 0x71;
	}
	assert_int_equal(sh12_with_exts(exts, sizeof exts, &w), CP_WIRE_DONE);
	r = cp_wire_result(w);
	assert_int_equal(r->sh.next, 300);
	for (size_t i = 0; i < CP_WIRE_MAX_EXTS; i++)
		assert_int_equal(r->sh.exts[i], 0x7000 + i);
	cp_wire_free(w);
	/* the 300th repeats the 1st */
	exts[4 * 299] = 0x70;
	exts[4 * 299 + 1] = 0;
	assert_int_equal(sh12_with_exts(exts, sizeof exts, NULL), CP_WIRE_E_MALFORMED);
}

static void test_duplicate_extensions(void **state)
{
	(void)state;
	/* RFC 8448 section 3 with supported_versions turned into a second key_share */
	assert_int_equal(rfc_s3_with(90, 0x33), CP_WIRE_E_MALFORMED);
}

static void test_session_id_33(void **state)
{
	(void)state;
	struct cp_wbuf m, out;

	for (size_t len = 32; len <= 33; len++) {
		cp_wbuf_init(&m, 4096);
		cp_wbuf_init(&out, 4096);
		put_server_hello(&m, 0x0303, 0x002F, len, NULL, 0);
		put_records(&out, 22, m.data, m.len, 16384);
		decode_all_ways(out.data, out.len, 0, 0,
				len == 32 ? CP_WIRE_DONE : CP_WIRE_E_MALFORMED, NULL, NULL);
		cp_wbuf_free(&m);
		cp_wbuf_free(&out);
	}
}

static void test_not_tls(void **state)
{
	(void)state;
	static const char *const banners[] = {
		"HTTP/1.1 400 Bad Request\r\n",
		"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
		"220 mail.example ESMTP\r\n",
		"<html>",
		"\0\0\0\0\0",
	};

	for (size_t i = 0; i < sizeof banners / sizeof banners[0]; i++) {
		const char *b = banners[i];
		size_t n = i == 4 ? 5 : strlen(b);
		decode_all_ways((const uint8_t *)b, n, WANT_ALL, 0, CP_WIRE_E_NOT_TLS, NULL, NULL);
	}
	/* named at the second byte already */
	assert_int_equal(decode_once((const uint8_t *)"HT", 2, 0), CP_WIRE_E_NOT_TLS);
	assert_int_equal(decode_once((const uint8_t *)"H", 1, 0), CP_WIRE_MORE);
}

/*
 * SSLv2 SERVER-HELLO laid out as in the SSLv2 specification: 2-byte header
 * (high bit, 15-bit length), then MSG-SERVER-HELLO, SESSION-ID-HIT,
 * CERTIFICATE-TYPE (1 = X.509), SERVER-VERSION (0x0002), the three lengths,
 * the certificate, the cipher specs and the connection id.
 */
static void build_sslv2_hello(struct cp_wbuf *b, size_t specs_len, size_t extra)
{
	/* SSL_CK_RC4_128_WITH_MD5 and SSL_CK_DES_192_EDE3_CBC_WITH_MD5 */
	static const uint8_t specs[6] = { 0x01, 0x00, 0x80, 0x07, 0x00, 0xc0 };
	unsigned char *der = NULL;
	int cert_len = i2d_X509(rsa_cert, &der);
	size_t body = 11 + (size_t)cert_len + specs_len + 16 + extra;

	assert_true(cert_len > 0);
	cp_wbuf_u8(b, (uint8_t)(0x80 | (body >> 8)));
	cp_wbuf_u8(b, (uint8_t)body);
	cp_wbuf_u8(b, 4);
	cp_wbuf_u8(b, 0);
	cp_wbuf_u8(b, 1);
	cp_wbuf_u16(b, 0x0002);
	cp_wbuf_u16(b, (uint16_t)cert_len);
	cp_wbuf_u16(b, (uint16_t)specs_len);
	cp_wbuf_u16(b, 16);
	cp_wbuf_bytes(b, der, (size_t)cert_len);
	cp_wbuf_bytes(b, specs, specs_len);
	cp_wbuf_zeros(b, 16 + extra);
	OPENSSL_free(der);
}

static void check_sslv2(const struct cp_wire_result *r, void *ctx)
{
	(void)ctx;
	assert_int_equal(r->seen, CP_SEEN_SSLV2 | CP_SEEN_CERTIFICATE);
	assert_int_equal(r->record_version, 0x0002);
	assert_int_equal(r->sslv2_version, 0x0002);
	assert_int_equal(r->nsslv2_kinds, 2);
	assert_int_equal(r->sslv2_kinds[0], 0x010080);
	assert_int_equal(r->sslv2_kinds[1], 0x0700c0);
	assert_int_equal(r->sslv2_error, 0);
	assert_int_equal(r->certs_total, 1);
	assert_cert_is(&r->certs[0], rsa_cert);
}

static void test_sslv2_server_hello(void **state)
{
	(void)state;
	struct cp_wbuf b;

	cp_wbuf_init(&b, 1 << 15);
	build_sslv2_hello(&b, 6, 0);
	assert_false(cp_wbuf_failed(&b));
	decode_all_ways(b.data, b.len, WANT_ALL, 0, CP_WIRE_DONE, check_sslv2, NULL);
	assert_prefixes_more(b.data, b.len, WANT_ALL);
	cp_wbuf_free(&b);

	/* cipher specs not a multiple of 3; fields short of the record */
	cp_wbuf_init(&b, 1 << 15);
	build_sslv2_hello(&b, 5, 0);
	decode_all_ways(b.data, b.len, WANT_ALL, 0, CP_WIRE_E_SSLV2, NULL, NULL);
	cp_wbuf_free(&b);
	cp_wbuf_init(&b, 1 << 15);
	build_sslv2_hello(&b, 6, 1);
	decode_all_ways(b.data, b.len, WANT_ALL, 0, CP_WIRE_E_SSLV2, NULL, NULL);
	cp_wbuf_free(&b);
}

static void check_sslv2_error(const struct cp_wire_result *r, void *ctx)
{
	(void)ctx;
	assert_int_equal(r->seen, CP_SEEN_SSLV2);
	assert_int_equal(r->sslv2_error, 1); /* NO-CIPHER-ERROR */
}

static void test_sslv2_error(void **state)
{
	(void)state;
	const uint8_t err[] = { 0x80, 0x03, 0x00, 0x00, 0x01 };
	const uint8_t err_long[] = { 0x80, 0x04, 0x00, 0x00, 0x01, 0x00 };
	const uint8_t other[] = { 0x80, 0x03, 0x07, 0x00, 0x01 };
	const uint8_t empty[] = { 0x80, 0x00, 0x04 };

	decode_all_ways(err, sizeof err, 0, 0, CP_WIRE_DONE, check_sslv2_error, NULL);
	decode_all_ways(err_long, sizeof err_long, 0, 0, CP_WIRE_E_SSLV2, NULL, NULL);
	decode_all_ways(other, sizeof other, 0, 0, CP_WIRE_E_NOT_TLS, NULL, NULL);
	decode_all_ways(empty, sizeof empty, 0, 0, CP_WIRE_E_SSLV2, NULL, NULL);
}

static void test_unknown_record_type(void **state)
{
	(void)state;
	const uint8_t first[] = { 0x18, 0x03, 0x03, 0x00, 0x01, 0x01 };
	/* warning unrecognized_name, then a record of type 25 */
	const uint8_t later[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70,
				  0x19, 0x03, 0x03, 0x00, 0x01, 0x00 };
	struct cp_wire *w = cp_wire_new(0, 0);

	decode_all_ways(first, sizeof first, 0, 0, CP_WIRE_E_RECORD_TYPE, NULL, NULL);
	decode_all_ways(later, sizeof later, 0, 0, CP_WIRE_E_RECORD_TYPE, NULL, NULL);
	assert_int_equal(cp_wire_feed(w, later, 7), CP_WIRE_MORE);
	assert_int_equal(cp_wire_feed(w, later + 7, 1), CP_WIRE_E_RECORD_TYPE);
	assert_string_equal(cp_wire_strerror(CP_WIRE_E_RECORD_TYPE),
			    "unknown TLS record content type");
	cp_wire_free(w);
}

static void test_record_version(void **state)
{
	(void)state;
	const uint8_t minor5[] = { 0x16, 0x03, 0x05 };
	const uint8_t major2[] = { 0x16, 0x02, 0x00 };
	const uint8_t ok[] = { 0x16, 0x03, 0x00, 0x00, 0x00, 0x16, 0x03,
			       0x04, 0x00, 0x00, 0x16, 0x04, 0x03 };

	decode_all_ways(minor5, sizeof minor5, 0, 0, CP_WIRE_E_RECORD_VERSION, NULL, NULL);
	decode_all_ways(major2, sizeof major2, 0, 0, CP_WIRE_E_RECORD_VERSION, NULL, NULL);
	decode_all_ways(ok, sizeof ok, 0, 0, CP_WIRE_E_RECORD_VERSION, NULL, NULL);
	assert_int_equal(decode_once(ok, 10, 0), CP_WIRE_MORE);
}

static void test_empty_records(void **state)
{
	(void)state;
	const uint8_t empty[] = { 0x16, 0x03, 0x03, 0x00, 0x00 };
	struct vec v = load_hex("rfc8448-s3-server-hello.hex");
	size_t n = 1000;
	uint8_t *p = malloc(n * sizeof empty + v.len);

	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		memcpy(p + i * sizeof empty, empty, sizeof empty);
	decode_all_ways(p, n * sizeof empty, 0, 0, CP_WIRE_E_EMPTY_RECORD, NULL, NULL);

	/* up to the bound they are tolerated */
	n = CP_WIRE_MAX_EMPTY_RECORDS;
	memcpy(p + n * sizeof empty, v.p, v.len);
	decode_all_ways(p, n * sizeof empty + v.len, 0, 0, CP_WIRE_DONE, NULL, NULL);
	memcpy(p + n * sizeof empty, empty, sizeof empty);
	assert_int_equal(decode_once(p, (n + 1) * sizeof empty, 0), CP_WIRE_E_EMPTY_RECORD);
	free(p);
	free(v.p);
}

static void test_unexpected_messages(void **state)
{
	(void)state;
	const uint8_t cert_first[] = { 0x16, 0x03, 0x03, 0x00, 0x04, 0x0b, 0x00, 0x00, 0x00 };
	const uint8_t ccs_first[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
	const uint8_t appdata_first[] = { 0x17, 0x03, 0x03, 0x00, 0x01, 0x00 };
	/* a ServerHello header cut by a CCS */
	const uint8_t cut[] = { 0x16, 0x03, 0x03, 0x00, 0x02, 0x02, 0x00,
				0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
	struct cp_wbuf m, out;

	decode_all_ways(cert_first, sizeof cert_first, 0, 0, CP_WIRE_E_UNEXPECTED, NULL, NULL);
	decode_all_ways(ccs_first, sizeof ccs_first, 0, 0, CP_WIRE_E_UNEXPECTED, NULL, NULL);
	decode_all_ways(appdata_first, sizeof appdata_first, 0, 0, CP_WIRE_E_UNEXPECTED, NULL,
			NULL);
	decode_all_ways(cut, sizeof cut, 0, 0, CP_WIRE_E_UNEXPECTED, NULL, NULL);

	/* two ServerHellos; a HelloRequest before the first is ignored */
	cp_wbuf_init(&m, 4096);
	cp_wbuf_init(&out, 8192);
	cp_wbuf_u8(&m, 0);
	cp_wbuf_u24(&m, 0);
	put_server_hello(&m, 0x0303, 0x002F, 0, NULL, 0);
	assert_int_equal(decode_once(m.data, 0, 0), CP_WIRE_MORE);
	put_records(&out, 22, m.data, m.len, 16384);
	decode_all_ways(out.data, out.len, CP_WANT_SERVER_HELLO, 0, CP_WIRE_DONE, NULL, NULL);
	put_server_hello(&m, 0x0303, 0x002F, 0, NULL, 0);
	cp_wbuf_reset(&out);
	put_records(&out, 22, m.data, m.len, 16384);
	decode_all_ways(out.data, out.len, CP_WANT_DONE, 0, CP_WIRE_E_UNEXPECTED, NULL, NULL);
	cp_wbuf_free(&m);
	cp_wbuf_free(&out);
}

static void check_alert_after_sh(const struct cp_wire_result *r, void *ctx)
{
	(void)ctx;
	assert_int_equal(r->seen, CP_SEEN_SERVER_HELLO | CP_SEEN_ALERT);
	assert_int_equal(r->sh.suite, 0xC02F);
	assert_int_equal(r->alert_level, 2);
	assert_int_equal(r->alert_desc, 40);
}

static void check_warning_then_sh(const struct cp_wire_result *r, void *ctx)
{
	(void)ctx;
	assert_int_equal(r->seen, CP_SEEN_SERVER_HELLO | CP_SEEN_ALERT);
	assert_int_equal(r->alert_level, 1);
	assert_int_equal(r->alert_desc, 112);
	assert_int_equal(r->sh.suite, 0x1301);
}

static void test_alerts(void **state)
{
	(void)state;
	const uint8_t fatal40[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
	const uint8_t split[] = { 0x15, 0x03, 0x03, 0x00, 0x01, 0x02,
				  0x15, 0x03, 0x03, 0x00, 0x01, 0x28 };
	const uint8_t split_bad[] = { 0x15, 0x03, 0x03, 0x00, 0x01, 0x02,
				      0x16, 0x03, 0x03, 0x00, 0x01, 0x02 };
	const uint8_t close_warn[] = { 0x15, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00 };
	const uint8_t warn112[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70 };
	struct vec v = load_hex("rfc8448-s3-server-hello.hex");
	struct cp_wbuf m, out;

	const size_t split_len = sizeof split;

	decode_all_ways(split, sizeof split, 0, 0, CP_WIRE_DONE, check_alert40, (void *)&split_len);
	decode_all_ways(split_bad, sizeof split_bad, 0, 0, CP_WIRE_E_MALFORMED, NULL, NULL);
	assert_int_equal(decode_once(close_warn, sizeof close_warn, 0), CP_WIRE_DONE);

	/* an alert after a TLS 1.2 ServerHello keeps the ServerHello */
	cp_wbuf_init(&m, 4096);
	cp_wbuf_init(&out, 8192);
	put_server_hello(&m, 0x0303, 0xC02F, 0, NULL, 0);
	put_records(&out, 22, m.data, m.len, 16384);
	cp_wbuf_bytes(&out, fatal40, sizeof fatal40);
	decode_all_ways(out.data, out.len, WANT_ALL, 0, CP_WIRE_DONE, check_alert_after_sh, NULL);

	/* a warning unrecognized_name before a ServerHello does not end it */
	cp_wbuf_reset(&out);
	cp_wbuf_bytes(&out, warn112, sizeof warn112);
	assert_int_equal(decode_once(out.data, out.len, 0), CP_WIRE_MORE);
	cp_wbuf_bytes(&out, v.p, v.len);
	decode_all_ways(out.data, out.len, 0, 0, CP_WIRE_DONE, check_warning_then_sh, NULL);
	cp_wbuf_free(&m);
	cp_wbuf_free(&out);
	free(v.p);
}

/*
 * A whole TLS 1.2 flight written here from RFC 5246 7.4 / RFC 8422 5.4:
 * ServerHello (ECDHE_RSA_WITH_AES_128_GCM_SHA256), a Certificate of 12
 * small entries, a ServerKeyExchange (secp256r1, rsa_pss_rsae_sha256),
 * a CertificateRequest and a ServerHelloDone, in one record and then cut
 * into 7-byte records.
 */
static void build_flight(struct cp_wbuf *m)
{
	size_t msg, list, cert;

	put_server_hello(m, 0x0303, 0xC02F, 0, NULL, 0);
	cp_wbuf_u8(m, 11);
	msg = cp_wbuf_open(m, 3);
	list = cp_wbuf_open(m, 3);
	for (int i = 0; i < 12; i++) {
		cert = cp_wbuf_open(m, 3);
		for (int j = 0; j <= i; j++)
			cp_wbuf_u8(m, (uint8_t)(i * 16 + j));
		cp_wbuf_close(m, cert, 3);
	}
	cp_wbuf_close(m, list, 3);
	cp_wbuf_close(m, msg, 3);

	cp_wbuf_u8(m, 12);
	msg = cp_wbuf_open(m, 3);
	cp_wbuf_u8(m, 3);   /* named_curve */
	cp_wbuf_u16(m, 23); /* secp256r1 */
	cp_wbuf_u8(m, 65);
	cp_wbuf_u8(m, 4);
	cp_wbuf_zeros(m, 64);
	cp_wbuf_u16(m, 0x0804);
	cp_wbuf_u16(m, 3);
	cp_wbuf_bytes(m, "sig", 3);
	cp_wbuf_close(m, msg, 3);

	cp_wbuf_u8(m, 13); /* CertificateRequest, not decoded */
	msg = cp_wbuf_open(m, 3);
	cp_wbuf_bytes(m, "\x01\x01\x00\x02\x04\x01\x00\x00", 8);
	cp_wbuf_close(m, msg, 3);
	cp_wbuf_bytes(m, shd, sizeof shd);
}

static void check_flight(const struct cp_wire_result *r, void *ctx)
{
	(void)ctx;
	assert_int_equal(r->seen, CP_SEEN_SERVER_HELLO | CP_SEEN_CERTIFICATE | CP_SEEN_SKE |
					  CP_SEEN_CERT_REQUEST | CP_SEEN_SHD);
	assert_int_equal(r->certs_total, 12);
	assert_int_equal(r->ncerts, CP_WIRE_MAX_CERTS);
	for (size_t i = 0; i < r->ncerts; i++) {
		assert_int_equal(r->certs[i].len, i + 1);
		assert_int_equal(r->certs[i].der[0], i * 16);
		assert_int_equal(r->certs[i].der[i], i * 16 + i);
	}
	assert_true(r->ske.ecdhe);
	assert_int_equal(r->ske.curve_type, 3);
	assert_int_equal(r->ske.group, 23);
	assert_int_equal(r->ske.sig_scheme, 0x0804);
}

static void test_flight_reassembly(void **state)
{
	(void)state;
	struct cp_wbuf m, out;

	cp_wbuf_init(&m, 1 << 16);
	cp_wbuf_init(&out, 1 << 17);
	build_flight(&m);
	assert_false(cp_wbuf_failed(&m));
	put_records(&out, 22, m.data, m.len, 16384);
	decode_all_ways(out.data, out.len, WANT_ALL, 0, CP_WIRE_DONE, check_flight, NULL);
	cp_wbuf_reset(&out);
	put_records(&out, 22, m.data, m.len, 7);
	decode_all_ways(out.data, out.len, WANT_ALL, 0, CP_WIRE_DONE, check_flight, NULL);
	assert_prefixes_more(out.data, out.len, WANT_ALL);
	cp_wbuf_free(&m);
	cp_wbuf_free(&out);
}

/* A DHE ServerKeyExchange (RFC 5246 7.4.3) after a ServerHello of `suite`. */
static int dhe_ske(uint16_t version, uint16_t suite, const uint8_t *p, size_t plen, bool trailing,
		   struct cp_ske *ske)
{
	struct cp_wbuf m, out;
	struct cp_wire *w = cp_wire_new(CP_WANT_SKE, 0);
	size_t msg;
	int st;

	cp_wbuf_init(&m, 4096);
	cp_wbuf_init(&out, 8192);
	put_server_hello(&m, version, suite, 0, NULL, 0);
	cp_wbuf_u8(&m, 12);
	msg = cp_wbuf_open(&m, 3);
	cp_wbuf_u16(&m, (uint16_t)plen);
	cp_wbuf_bytes(&m, p, plen);
	cp_wbuf_bytes(&m, "\x00\x01\x02", 3);     /* g = 2 */
	cp_wbuf_bytes(&m, "\x00\x02\x01\x02", 4); /* Ys */
	if (version >= 0x0303)
		cp_wbuf_u16(&m, 0x0401);
	cp_wbuf_bytes(&m, "\x00\x02\xaa\xbb", 4);
	if (trailing)
		cp_wbuf_u8(&m, 0);
	cp_wbuf_close(&m, msg, 3);
	put_records(&out, 22, m.data, m.len, 16384);
	st = cp_wire_feed(w, out.data, out.len);
	decode_all_ways(out.data, out.len, CP_WANT_SKE, 0, st, NULL, NULL);
	*ske = cp_wire_result(w)->ske;
	cp_wire_free(w);
	cp_wbuf_free(&m);
	cp_wbuf_free(&out);
	return st;
}

static void test_dh_prime_bits(void **state)
{
	(void)state;
	const uint8_t p23[] = { 0x00, 0x00, 0x7f, 0xff, 0xff }; /* 23 significant bits */
	const uint8_t zero[] = { 0x00, 0x00 };
	struct cp_ske ske;

	/* TLS_DHE_RSA_WITH_AES_128_CBC_SHA (0x0033), TLS 1.2: signature scheme present */
	assert_int_equal(dhe_ske(0x0303, 0x0033, p23, sizeof p23, false, &ske), CP_WIRE_DONE);
	assert_true(ske.dhe);
	assert_int_equal(ske.dh_p_bits, 23);
	assert_int_equal(ske.dh_g_len, 1);
	assert_int_equal(ske.sig_scheme, 0x0401);
	/* TLS 1.0: the signature alone */
	assert_int_equal(dhe_ske(0x0301, 0x0033, p23, sizeof p23, false, &ske), CP_WIRE_DONE);
	assert_int_equal(ske.dh_p_bits, 23);
	assert_int_equal(ske.sig_scheme, 0);
	/* a zero prime, a trailing byte */
	assert_int_equal(dhe_ske(0x0303, 0x0033, zero, sizeof zero, false, &ske),
			 CP_WIRE_E_MALFORMED);
	assert_int_equal(dhe_ske(0x0303, 0x0033, p23, sizeof p23, true, &ske), CP_WIRE_E_MALFORMED);
}

static void test_reset_and_reuse(void **state)
{
	(void)state;
	struct cp_wbuf m, out;
	struct vec v = load_hex("rfc8448-s3-server-hello.hex");
	struct cp_wire *w = cp_wire_new(WANT_ALL, 0);
	const struct cp_wire_result *r = cp_wire_result(w);

	cp_wbuf_init(&m, 1 << 16);
	cp_wbuf_init(&out, 1 << 17);
	build_flight(&m);
	put_records(&out, 22, m.data, m.len, 100);
	assert_int_equal(cp_wire_feed(w, out.data, out.len), CP_WIRE_DONE);
	check_flight(r, NULL);
	cp_wire_reset(w);
	assert_int_equal(r->seen, 0);
	assert_int_equal(r->ncerts, 0);
	assert_int_equal(r->bytes, 0);
	/* half a flight, then reset: the buffered message is dropped */
	assert_int_equal(cp_wire_feed(w, out.data, out.len / 2), CP_WIRE_MORE);
	cp_wire_reset(w);
	assert_int_equal(cp_wire_feed(w, v.p, v.len), CP_WIRE_DONE);
	assert_int_equal(r->sh.suite, 0x1301);
	assert_int_equal(r->seen, CP_SEEN_SERVER_HELLO);
	/* errors are sticky until a reset */
	cp_wire_reset(w);
	assert_int_equal(cp_wire_feed(w, (const uint8_t *)"HTTP", 4), CP_WIRE_E_NOT_TLS);
	assert_int_equal(cp_wire_feed(w, v.p, v.len), CP_WIRE_E_NOT_TLS);
	cp_wire_reset(w);
	assert_int_equal(cp_wire_feed(w, v.p, v.len), CP_WIRE_DONE);

	cp_wire_free(w);
	cp_wire_free(NULL);
	assert_int_equal(cp_wire_feed(NULL, v.p, v.len), CP_WIRE_E_NOMEM);
	assert_null(cp_wire_result(NULL));
	cp_wbuf_free(&m);
	cp_wbuf_free(&out);
	free(v.p);
}

/* RFC 8446 6 and RFC 5246 7.2 names and values. */
static void test_alert_names(void **state)
{
	(void)state;
	static const struct {
		uint8_t v;
		const char *name;
	} t[] = {
		{ 0, "close_notify" },
		{ 10, "unexpected_message" },
		{ 20, "bad_record_mac" },
		{ 21, "decryption_failed" },
		{ 22, "record_overflow" },
		{ 30, "decompression_failure" },
		{ 40, "handshake_failure" },
		{ 41, "no_certificate" },
		{ 42, "bad_certificate" },
		{ 43, "unsupported_certificate" },
		{ 44, "certificate_revoked" },
		{ 45, "certificate_expired" },
		{ 46, "certificate_unknown" },
		{ 47, "illegal_parameter" },
		{ 48, "unknown_ca" },
		{ 49, "access_denied" },
		{ 50, "decode_error" },
		{ 51, "decrypt_error" },
		{ 60, "export_restriction" },
		{ 70, "protocol_version" },
		{ 71, "insufficient_security" },
		{ 80, "internal_error" },
		{ 86, "inappropriate_fallback" },
		{ 90, "user_canceled" },
		{ 100, "no_renegotiation" },
		{ 109, "missing_extension" },
		{ 110, "unsupported_extension" },
		{ 112, "unrecognized_name" },
		{ 113, "bad_certificate_status_response" },
		{ 115, "unknown_psk_identity" },
		{ 116, "certificate_required" },
		{ 120, "no_application_protocol" },
		{ 1, "unknown" },
		{ 255, "unknown" },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		assert_string_equal(cp_alert_name(t[i].v), t[i].name);
}

static void test_strerror(void **state)
{
	(void)state;
	const char *seen[16];
	size_t n = 0;

	for (int st = CP_WIRE_E_SSLV2; st <= CP_WIRE_DONE; st++) {
		const char *s = cp_wire_strerror(st);
		assert_non_null(s);
		assert_true(strlen(s) > 0);
		for (size_t i = 0; i < n; i++)
			assert_true(strcmp(seen[i], s) != 0);
		seen[n++] = s;
	}
	assert_non_null(cp_wire_strerror(-1000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8448_vectors),
		cmocka_unit_test(test_openssl_ecdhe_rsa_tls12),
		cmocka_unit_test(test_openssl_ecdhe_ecdsa_tls12),
		cmocka_unit_test(test_openssl_dhe_rsa_tls12),
		cmocka_unit_test(test_openssl_rsa_tls10),
		cmocka_unit_test(test_openssl_alert_no_shared_cipher),
		cmocka_unit_test(test_openssl_tls13),
		cmocka_unit_test(test_openssl_hello_retry_request),
		cmocka_unit_test(test_openssl_downgrade_sentinels),
		cmocka_unit_test(test_openssl_want_and_caps),
		cmocka_unit_test(test_record_too_long),
		cmocka_unit_test(test_msg_2_24),
		cmocka_unit_test(test_ext_overrun),
		cmocka_unit_test(test_server_hello_extensions),
		cmocka_unit_test(test_many_extensions),
		cmocka_unit_test(test_duplicate_extensions),
		cmocka_unit_test(test_session_id_33),
		cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_sslv2_server_hello),
		cmocka_unit_test(test_sslv2_error),
		cmocka_unit_test(test_unknown_record_type),
		cmocka_unit_test(test_record_version),
		cmocka_unit_test(test_empty_records),
		cmocka_unit_test(test_unexpected_messages),
		cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_flight_reassembly),
		cmocka_unit_test(test_dh_prime_bits),
		cmocka_unit_test(test_reset_and_reuse),
		cmocka_unit_test(test_alert_names),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
