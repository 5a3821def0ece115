/* SPDX-License-Identifier: MIT */
/*
 * Reading a captured ClientHello from a pcap/pcapng capture or a hex
 * dump; see hello_file.h for the contract.
 *
 * Packets are decoded only as far as finding TCP payloads: Ethernet (with
 * VLAN tags), Linux cooked (v1 and v2), BSD loopback and raw IP link
 * types; IPv4 without fragments, IPv6 with its hop-by-hop, routing and
 * destination-options headers skipped.  A stream starts at the first
 * payload whose bytes open a handshake record with a ClientHello; its
 * other segments (the last few seen before it too, for reordering) are
 * put in sequence order (duplicates and overlaps tolerated) until
 * tls/chello.h says the hello is whole.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "input/hello_file.h"
#include "tls/chello.h"
#include "util.h"

/* A hello is at most CP_CHELLO_MAX_BYTES plus its record headers. */
#define STREAM_MAX (CP_CHELLO_MAX_BYTES + 4096)
#define MAX_SEGMENTS 1024
/* Segments kept from before a stream is known to start (out of order). */
#define EARLY_MAX 32
#define RECORD_MAX 16384

/* ---- hex dumps ---------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* One line of the text: [s, e), without its line break. */
struct line {
	const char *s, *e;
	size_t no;
};

static bool next_line(const char **cur, const char *end, struct line *l)
{
	const char *nl;

	if (*cur >= end)
		return false;
	nl = memchr(*cur, '\n', (size_t)(end - *cur));
	l->s = *cur;
	l->e = nl ? nl : end;
	*cur = nl ? nl + 1 : end;
	while (l->e > l->s && is_blank(l->e[-1]))
		l->e--;
	while (l->s < l->e && is_blank(*l->s))
		l->s++;
	l->no++;
	return true;
}

/*
 * Whether the first line starts with an offset column: a token of zeros
 * ending in ':' or at least four long ("0000", "00000000:"), followed by
 * more.  A hello itself never starts with a zero byte (22 or 1).
 */
static bool has_offsets(const struct line *l)
{
	const char *p = l->s;
	size_t n = 0;

	while (p < l->e && *p == '0') {
		p++;
		n++;
	}
	if (n == 0)
		return false;
	if (p < l->e && *p == ':')
		return p + 1 < l->e;
	return n >= 4 && p < l->e && is_blank(*p);
}

/* The offset token at the start of l; *rest points after it. */
static int read_offset(const struct line *l, size_t *off, const char **rest)
{
	const char *p = l->s;
	size_t v = 0, n = 0;

	while (p < l->e && hexval(*p) >= 0 && n < 12) {
		v = v << 4 | (size_t)hexval(*p++);
		n++;
	}
	if (n == 0 || (p < l->e && *p != ':' && !is_blank(*p)))
		return -1;
	if (p < l->e && *p == ':')
		p++;
	*off = v;
	*rest = p;
	return 0;
}

/* Up to `limit` bytes from the hex columns of an offset-style line: tokens
 * of hex digit pairs, up to the first other token or a wide gap (the
 * ASCII column, which may itself look like hex: "ab"). */
static size_t read_columns(const char *p, const char *e, size_t limit, uint8_t *out, size_t cap,
			   size_t *n)
{
	size_t got = 0;

	while (p < e && got < limit) {
		const char *t;
		size_t digits = 0;

		t = p;
		while (p < e && is_blank(*p))
			p++;
		/* three blanks or more: the ASCII column of a short last line */
		if (got > 0 && p - t >= 3)
			break;
		t = p;
		while (p < e && !is_blank(*p))
			p++;
		for (const char *q = t; q < p && hexval(*q) >= 0; q++)
			digits++;
		if (digits == 0 || digits != (size_t)(p - t) || digits % 2 || digits > 8)
			break;
		for (size_t i = 0; i + 1 < digits && got < limit && *n < cap; i += 2) {
			out[(*n)++] = (uint8_t)(hexval(t[i]) << 4 | hexval(t[i + 1]));
			got++;
		}
	}
	return got;
}

static int hex_with_offsets(const char *text, size_t len, uint8_t *out, size_t cap, size_t *n,
			    char *err, size_t errlen)
{
	const char *cur = text, *end = text + len;
	struct line l = { 0 }, next = { 0 };
	size_t off, width = 16, noff;
	const char *rest, *nrest;
	bool have_next;

	/* lines that are not offset lines (blank, comments) are skipped */
	do {
		if (!next_line(&cur, end, &l)) {
			cp_seterr(err, errlen, "no hex bytes");
			return -1;
		}
	} while (l.s == l.e || *l.s == '#');
	if (read_offset(&l, &off, &rest) < 0) {
		cp_seterr(err, errlen, "line %zu: no offset column", l.no);
		return -1;
	}
	for (;;) {
		size_t limit, got;

		next = l;
		do
			have_next = next_line(&cur, end, &next);
		while (have_next && (next.s == next.e || *next.s == '#'));
		if (have_next) {
			if (read_offset(&next, &noff, &nrest) < 0 || noff <= off ||
			    noff - off > 256) {
				cp_seterr(err, errlen, "line %zu: offset column out of sequence",
					  next.no);
				return -1;
			}
			limit = noff - off;
			width = limit;
		} else {
			limit = width;
		}
		got = read_columns(rest, l.e, limit, out, cap, n);
		if (*n == cap)
			return 0;
		if (have_next && got != limit) {
			cp_seterr(err, errlen,
				  "line %zu: %zu bytes where the next offset wants %zu", l.no, got,
				  limit);
			return -1;
		}
		if (!have_next)
			return 0;
		l = next;
		off = noff;
		rest = nrest;
	}
}

static int hex_plain(const char *text, size_t len, uint8_t *out, size_t cap, size_t *n, char *err,
		     size_t errlen)
{
	size_t lineno = 1, col = 0;
	int hi = -1;

	for (size_t i = 0; i < len && *n < cap; i++) {
		char c = text[i];
		int v;

		col++;
		if (c == '\n') {
			lineno++;
			col = 0;
			continue;
		}
		if (is_blank(c) || c == ':' || c == ',' || c == '-')
			continue;
		if (c == '#' && hi < 0) {
			/* a comment, to the end of the line */
			while (i + 1 < len && text[i + 1] != '\n')
				i++;
			continue;
		}
		/* "0x16 0x03": a prefix, not digits, when it opens a token */
		if (c == '0' && hi < 0 && i + 1 < len &&
		    (text[i + 1] == 'x' || text[i + 1] == 'X') &&
		    (i == 0 || is_blank(text[i - 1]) || text[i - 1] == '\n' || text[i - 1] == ',' ||
		     text[i - 1] == ':')) {
			i++;
			col++;
			continue;
		}
		v = hexval(c);
		if (v < 0) {
			if (c >= 0x21 && c < 0x7F)
				cp_seterr(err, errlen,
					  "line %zu, column %zu: '%c' is not a hex digit", lineno,
					  col, c);
			else
				cp_seterr(err, errlen,
					  "line %zu, column %zu: byte 0x%02X is not a hex digit",
					  lineno, col, (unsigned)(unsigned char)c);
			return -1;
		}
		if (hi < 0) {
			hi = v;
		} else {
			out[(*n)++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		cp_seterr(err, errlen, "an odd number of hex digits");
		return -1;
	}
	return 0;
}

int cp_hellofile_hex(const char *text, size_t len, uint8_t *out, size_t cap, size_t *n, char *err,
		     size_t errlen)
{
	const char *cur = text, *end = text + len;
	struct line l = { 0 };

	*n = 0;
	while (next_line(&cur, end, &l))
		if (l.s != l.e && *l.s != '#')
			break;
	if (l.s == l.e) {
		cp_seterr(err, errlen, "no hex bytes");
		return -1;
	}
	if (has_offsets(&l))
		return hex_with_offsets(text, len, out, cap, n, err, errlen);
	return hex_plain(l.s, (size_t)(end - l.s), out, cap, n, err, errlen);
}

/* ---- packet captures ---------------------------------------------------- */

struct segment {
	uint32_t rel; /* sequence number relative to the stream's first byte */
	uint32_t len;
	uint8_t *data;
};

/* The stream being reassembled: one direction of one TCP connection. */
struct stream {
	bool active;
	int family;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t isn;
	unsigned first_packet;
	struct segment *segs; /* sorted by rel */
	size_t nsegs;
	bool cut; /* a packet of it was cut at the snapshot length */
};

struct tcp_payload {
	int family;
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	uint32_t seq;
	const uint8_t *data;
	size_t len;
};

/* Offset of the IP header for this link type, or -1: not IP / unknown. */
static long ip_offset(int dlt, const uint8_t *p, size_t n)
{
	size_t off;
	uint16_t type;

	switch (dlt) {
	case DLT_EN10MB:
		off = 12;
		for (;;) {
			if (n < off + 2)
				return -1;
			type = (uint16_t)(p[off] << 8 | p[off + 1]);
			if (type != 0x8100 && type != 0x88A8 && type != 0x9100)
				break;
			off += 4; /* 802.1Q / 802.1ad tag */
		}
		return type == 0x0800 || type == 0x86DD ? (long)off + 2 : -1;
	case DLT_LINUX_SLL:
		if (n < 16)
			return -1;
		type = (uint16_t)(p[14] << 8 | p[15]);
		return type == 0x0800 || type == 0x86DD ? 16 : -1;
	case DLT_LINUX_SLL2:
		if (n < 20)
			return -1;
		type = (uint16_t)(p[0] << 8 | p[1]);
		return type == 0x0800 || type == 0x86DD ? 20 : -1;
	case DLT_NULL:
	case DLT_LOOP: return 4;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6: return 0;
	default: return -1;
	}
}

static bool link_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 ||
	       dlt == DLT_NULL || dlt == DLT_LOOP || dlt == DLT_RAW || dlt == DLT_IPV4 ||
	       dlt == DLT_IPV6;
}

/* The TCP payload of one captured packet; false when it has none. */
static bool tcp_of(int dlt, const uint8_t *p, size_t n, struct tcp_payload *t)
{
	long l3 = ip_offset(dlt, p, n);
	size_t off, end;
	uint8_t proto;

	if (l3 < 0 || (size_t)l3 >= n)
		return false;
	off = (size_t)l3;
	if (p[off] >> 4 == 4) {
		size_t ihl = (size_t)(p[off] & 0x0F) * 4, total;

		if (ihl < 20 || n < off + ihl)
			return false;
		total = (size_t)(p[off + 2] << 8 | p[off + 3]);
		/* fragments (MF set or an offset) are not reassembled */
		if ((p[off + 6] & 0x3F) || p[off + 7] || p[off + 9] != 6 || total < ihl)
			return false;
		t->family = AF_INET;
		t->src = p + off + 12;
		t->dst = p + off + 16;
		end = off + total < n ? off + total : n;
		off += ihl;
	} else if (p[off] >> 4 == 6) {
		size_t plen;

		if (n < off + 40)
			return false;
		plen = (size_t)(p[off + 4] << 8 | p[off + 5]);
		proto = p[off + 6];
		t->family = AF_INET6;
		t->src = p + off + 8;
		t->dst = p + off + 24;
		end = off + 40 + plen < n ? off + 40 + plen : n;
		off += 40;
		while (proto == 0 || proto == 43 || proto == 60) {
			if (end < off + 8)
				return false;
			proto = p[off];
			off += ((size_t)p[off + 1] + 1) * 8;
		}
		if (proto != 6)
			return false;
	} else {
		return false;
	}
	if (end < off + 20)
		return false;
	{
		size_t doff = (size_t)(p[off + 12] >> 4) * 4;

		if (doff < 20 || end < off + doff)
			return false;
		t->sport = (uint16_t)(p[off] << 8 | p[off + 1]);
		t->dport = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
		t->seq = (uint32_t)p[off + 4] << 24 | (uint32_t)p[off + 5] << 16 |
			 (uint32_t)p[off + 6] << 8 | p[off + 7];
		t->data = p + off + doff;
		t->len = end - off - doff;
	}
	return t->len > 0;
}

/* A payload seen before its stream's first segment (reordering). */
struct early {
	int family; /* 0: free */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq;
	uint8_t *data;
	size_t len;
};

static bool same_key(const struct stream *s, int family, const uint8_t *src, const uint8_t *dst,
		     uint16_t sport, uint16_t dport)
{
	size_t alen = family == AF_INET ? 4 : 16;

	return s->family == family && s->sport == sport && s->dport == dport &&
	       memcmp(s->src, src, alen) == 0 && memcmp(s->dst, dst, alen) == 0;
}

static bool same_flow(const struct stream *s, const struct tcp_payload *t)
{
	return same_key(s, t->family, t->src, t->dst, t->sport, t->dport);
}

/* Keep a payload that no stream took, evicting the oldest; -1 no memory. */
static int early_keep(struct early *ring, size_t *next, const struct tcp_payload *t)
{
	struct early *e = &ring[*next % EARLY_MAX];
	size_t n = t->len < STREAM_MAX ? t->len : STREAM_MAX;
	uint8_t *copy = malloc(n);

	if (!copy)
		return -1;
	free(e->data);
	memcpy(copy, t->data, n);
	*e = (struct early){ .family = t->family,
			     .sport = t->sport,
			     .dport = t->dport,
			     .seq = t->seq,
			     .data = copy,
			     .len = n };
	memcpy(e->src, t->src, t->family == AF_INET ? 4 : 16);
	memcpy(e->dst, t->dst, t->family == AF_INET ? 4 : 16);
	(*next)++;
	return 0;
}

static void early_free(struct early *ring)
{
	for (size_t i = 0; i < EARLY_MAX; i++)
		free(ring[i].data);
}

/* Whether a payload opens a handshake record that starts a ClientHello. */
static bool opens_hello(const uint8_t *p, size_t n)
{
	return n >= 6 && p[0] == 22 && p[1] == 3 && p[5] == 1;
}

static void stream_reset(struct stream *s)
{
	for (size_t i = 0; i < s->nsegs; i++)
		free(s->segs[i].data);
	free(s->segs);
	memset(s, 0, sizeof *s);
}

/* Keep a segment (sorted by rel); -1 when out of memory. */
static int stream_add(struct stream *s, uint32_t rel, const uint8_t *p, size_t n)
{
	struct segment *ns;
	uint8_t *copy;
	size_t i;

	if (n > STREAM_MAX - rel)
		n = STREAM_MAX - rel;
	if (n == 0 || s->nsegs == MAX_SEGMENTS)
		return 0;
	copy = malloc(n);
	ns = realloc(s->segs, (s->nsegs + 1) * sizeof *ns);
	if (!copy || !ns) {
		free(copy);
		if (ns)
			s->segs = ns;
		return -1;
	}
	s->segs = ns;
	memcpy(copy, p, n);
	for (i = s->nsegs; i > 0 && s->segs[i - 1].rel > rel; i--)
		s->segs[i] = s->segs[i - 1];
	s->segs[i] = (struct segment){ .rel = rel, .len = (uint32_t)n, .data = copy };
	s->nsegs++;
	return 0;
}

/* The contiguous bytes from the stream's start into buf; their count. */
static size_t stream_bytes(const struct stream *s, uint8_t *buf)
{
	size_t have = 0;

	for (size_t i = 0; i < s->nsegs; i++) {
		const struct segment *g = &s->segs[i];

		if (g->rel > have)
			break;
		if (g->rel + g->len > have) {
			size_t skip = have - g->rel;
			memcpy(buf + have, g->data + skip, g->len - skip);
			have = g->rel + g->len;
		}
	}
	return have;
}

/* "packet 4 (10.0.0.1:50312 -> 10.0.0.9:443)" */
static void describe(const struct stream *s, char *out, size_t outlen)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (!inet_ntop(s->family, s->src, a, sizeof a) ||
	    !inet_ntop(s->family, s->dst, b, sizeof b)) {
		cp_seterr(out, outlen, "packet %u", s->first_packet);
		return;
	}
	cp_seterr(out, outlen,
		  s->family == AF_INET6 ? "packet %u ([%s]:%u -> [%s]:%u)"
					: "packet %u (%s:%u -> %s:%u)",
		  s->first_packet, a, s->sport, b, s->dport);
}

/*
 * Add one packet to the stream (starting one if it opens a hello) and
 * see whether the hello is whole: 1 done (out filled), 0 go on, -1 error.
 */
static int take_packet(struct stream *s, struct early *ring, size_t *nearly,
		       const struct tcp_payload *t, bool cut, unsigned pkt, uint8_t *buf,
		       struct cp_hellofile *out, char *why, size_t whylen)
{
	size_t have, need;
	int st;

	if (!s->active) {
		if (!opens_hello(t->data, t->len))
			return early_keep(ring, nearly, t);
		s->active = true;
		s->family = t->family;
		memcpy(s->src, t->src, t->family == AF_INET ? 4 : 16);
		memcpy(s->dst, t->dst, t->family == AF_INET ? 4 : 16);
		s->sport = t->sport;
		s->dport = t->dport;
		s->isn = t->seq;
		s->first_packet = pkt;
		/* segments of it that came before its first one */
		for (size_t i = 0; i < EARLY_MAX; i++) {
			struct early *e = &ring[i];

			if (e->data && same_key(s, e->family, e->src, e->dst, e->sport, e->dport) &&
			    (uint32_t)(e->seq - s->isn) < STREAM_MAX &&
			    stream_add(s, e->seq - s->isn, e->data, e->len) < 0)
				return -1;
		}
	} else if (!same_flow(s, t)) {
		return early_keep(ring, nearly, t);
	}
	if ((uint32_t)(t->seq - s->isn) >= STREAM_MAX)
		return 0; /* before the start (a retransmission) or far beyond it */
	s->cut |= cut;
	if (stream_add(s, t->seq - s->isn, t->data, t->len) < 0)
		return -1;
	have = stream_bytes(s, buf);
	st = cp_chello_need(buf, have, &need);
	if (st == CP_ETRUNCATED)
		return 0;
	if (st != CP_OK) {
		/* not a hello after all: remember why, look for the next one */
		size_t wl;

		describe(s, why, whylen);
		wl = strlen(why);
		cp_strapp(why, whylen, &wl, ": %s", cp_chello_strerror(st));
		stream_reset(s);
		return 0;
	}
	out->hello = malloc(sizeof *out->hello);
	if (!out->hello)
		return -1;
	st = cp_chello_parse(buf, need, out->hello);
	if (st != CP_OK) {
		size_t wl;

		free(out->hello);
		out->hello = NULL;
		describe(s, why, whylen);
		wl = strlen(why);
		cp_strapp(why, whylen, &wl, ": %s", cp_chello_strerror(st));
		stream_reset(s);
		return 0;
	}
	out->raw = malloc(need);
	if (!out->raw)
		return -1;
	memcpy(out->raw, buf, need);
	out->len = need;
	describe(s, out->origin, sizeof out->origin);
	return 1;
}

static int from_pcap(const char *path, struct cp_hellofile *out, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct stream s = { 0 };
	struct early ring[EARLY_MAX] = { { 0 } };
	size_t nearly = 0;
	char why[256] = "";
	uint8_t *buf = NULL;
	pcap_t *pc = NULL;
	struct pcap_pkthdr *ph;
	const u_char *data;
	unsigned pkt = 0, payloads = 0;
	int dlt, rc = CP_EBADDATA, r;

	pc = pcap_open_offline(path, ebuf);
	if (!pc) {
		cp_seterr(err, errlen, "%s: not a readable pcap or pcapng capture: %s", path, ebuf);
		goto out;
	}
	dlt = pcap_datalink(pc);
	if (!link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		cp_seterr(err, errlen,
			  "%s: link type %d (%s) is not supported: capture on an Ethernet, "
			  "loopback or cooked interface",
			  path, dlt, name ? name : "unknown");
		goto out;
	}
	buf = malloc(STREAM_MAX);
	if (!buf) {
		rc = CP_ENOMEM;
		goto out;
	}
	while ((r = pcap_next_ex(pc, &ph, &data)) == 1) {
		struct tcp_payload t;

		pkt++;
		if (!tcp_of(dlt, data, ph->caplen, &t))
			continue;
		payloads++;
		r = take_packet(&s, ring, &nearly, &t, ph->caplen < ph->len, pkt, buf, out, why,
				sizeof why);
		if (r < 0) {
			rc = CP_ENOMEM;
			goto out;
		}
		if (r == 1) {
			rc = CP_OK;
			goto out;
		}
	}
	if (r == PCAP_ERROR) {
		cp_seterr(err, errlen, "%s: reading packet %u failed: %s", path, pkt + 1,
			  pcap_geterr(pc));
		goto out;
	}
	if (s.active) {
		char where[192];

		describe(&s, where, sizeof where);
		cp_seterr(
			err, errlen,
			"%s: the ClientHello starting in %s is truncated: the capture ends "
			"before the hello does%s",
			path, where,
			s.cut ? " (packets were cut at the snapshot length: capture with tcpdump -s 0)"
			      : "");
	} else if (why[0]) {
		cp_seterr(err, errlen, "%s: no usable ClientHello (%s)", path, why);
	} else {
		cp_seterr(
			err, errlen,
			"%s: no TLS ClientHello found in %u packets (%u TCP segments with payload)",
			path, pkt, payloads);
	}
out:
	if (rc == CP_ENOMEM)
		cp_seterr(err, errlen, "%s: out of memory", path);
	stream_reset(&s);
	early_free(ring);
	free(buf);
	if (pc)
		pcap_close(pc);
	return rc;
}

/* ---- the file ----------------------------------------------------------- */

static bool is_capture_magic(const uint8_t *m, size_t n)
{
	static const uint8_t magics[][4] = {
		{ 0xA1, 0xB2, 0xC3, 0xD4 }, { 0xD4, 0xC3, 0xB2, 0xA1 }, /* pcap, microseconds */
		{ 0xA1, 0xB2, 0x3C, 0x4D }, { 0x4D, 0x3C, 0xB2, 0xA1 }, /* pcap, nanoseconds */
		{ 0x0A, 0x0D, 0x0D, 0x0A },                             /* pcapng section header */
	};

	if (n < 4)
		return false;
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (memcmp(m, magics[i], 4) == 0)
			return true;
	return false;
}

/* The hello as records: a bare handshake message gets record headers. */
static int as_records(const uint8_t *b, size_t n, struct cp_hellofile *out, char *err,
		      size_t errlen, const char *path)
{
	struct cp_chello *h = malloc(sizeof *h);
	struct cp_wbuf w;
	bool records;
	int st, rc = CP_EBADDATA;

	cp_wbuf_init(&w, CP_CHELLO_MAX_BYTES + 4096);
	if (!h) {
		rc = CP_ENOMEM;
		goto out;
	}
	st = cp_chello_parse(b, n, h);
	if (st != CP_OK) {
		cp_seterr(err, errlen, "%s: the hex dump is not one ClientHello: %s", path,
			  cp_chello_strerror(st));
		goto out;
	}
	records = h->records;
	if (records) {
		cp_wbuf_bytes(&w, b, h->consumed);
	} else {
		for (size_t off = 0; off < h->consumed; off += RECORD_MAX) {
			size_t frag =
				h->consumed - off < RECORD_MAX ? h->consumed - off : RECORD_MAX;

			cp_wbuf_u8(&w, 22);
			cp_wbuf_u16(&w, 0x0301);
			cp_wbuf_u16(&w, (uint16_t)frag);
			cp_wbuf_bytes(&w, b + off, frag);
		}
	}
	if (cp_wbuf_failed(&w)) {
		rc = CP_ENOMEM;
		cp_seterr(err, errlen, "%s: out of memory", path);
		goto out;
	}
	/* parse the records, to keep what is parsed and what is sent one thing */
	if (cp_chello_parse(w.data, w.len, h) != CP_OK) {
		cp_seterr(err, errlen, "%s: the hex dump is not one ClientHello", path);
		goto out;
	}
	out->hello = h;
	h = NULL;
	out->raw = w.data;
	out->len = w.len;
	w.data = NULL;
	cp_seterr(out->origin, sizeof out->origin, "hex dump, %s",
		  records ? "TLS record" : "handshake message");
	rc = CP_OK;
out:
	cp_wbuf_free(&w);
	free(h);
	return rc;
}

static int from_text(FILE *f, const char *path, struct cp_hellofile *out, char *err, size_t errlen)
{
	char *text = malloc(CP_HELLOFILE_MAX_TEXT);
	uint8_t *bytes = malloc(STREAM_MAX);
	char why[256];
	size_t n, nb = 0;
	int rc = CP_EBADDATA;

	if (!text || !bytes) {
		rc = CP_ENOMEM;
		cp_seterr(err, errlen, "%s: out of memory", path);
		goto out;
	}
	n = fread(text, 1, CP_HELLOFILE_MAX_TEXT, f);
	if (ferror(f)) {
		rc = CP_EFILE;
		cp_seterr(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
		goto out;
	}
	if (n == CP_HELLOFILE_MAX_TEXT) {
		cp_seterr(err, errlen, "%s: over %u bytes: not a hex dump of one ClientHello", path,
			  CP_HELLOFILE_MAX_TEXT);
		goto out;
	}
	if (memchr(text, '\0', n)) {
		cp_seterr(err, errlen, "%s: neither a pcap/pcapng capture nor a hex dump", path);
		goto out;
	}
	if (cp_hellofile_hex(text, n, bytes, STREAM_MAX, &nb, why, sizeof why) < 0) {
		cp_seterr(err, errlen, "%s: neither a pcap/pcapng capture nor a hex dump (%s)",
			  path, why);
		goto out;
	}
	rc = as_records(bytes, nb, out, err, errlen, path);
out:
	free(text);
	free(bytes);
	return rc;
}

int cp_hellofile_load(const char *path, struct cp_hellofile *out, char *err, size_t errlen)
{
	uint8_t magic[4];
	size_t n;
	FILE *f;
	int rc;

	memset(out, 0, sizeof *out);
	f = fopen(path, "rb");
	if (!f) {
		cp_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return CP_EFILE;
	}
	n = fread(magic, 1, sizeof magic, f);
	if (is_capture_magic(magic, n)) {
		fclose(f);
		rc = from_pcap(path, out, err, errlen);
	} else {
		rewind(f);
		rc = from_text(f, path, out, err, errlen);
		fclose(f);
	}
	if (rc != CP_OK)
		cp_hellofile_free(out);
	return rc;
}

void cp_hellofile_free(struct cp_hellofile *f)
{
	if (!f)
		return;
	free(f->raw);
	free(f->hello);
	f->raw = NULL;
	f->hello = NULL;
	f->len = 0;
}
