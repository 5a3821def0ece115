/* SPDX-License-Identifier: MIT */
/*
 * The scan API's --verify: replay each fix's hello against its server,
 * then prove it with a real OpenSSL handshake where OpenSSL can offer it;
 * the verdicts say which.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/dns.h"
#include "output/verdict.h"
#include "policy/verify.h"
#include "registry.h"
#include "scan_run.h"
#include "tls/hello.h"
#include "tls/wire.h"
#include "util.h"

struct verify_ctx {
	struct cp_result **res; /* the held result each replay target stands for */
};

static void set_verified(struct cp_verdict *v, int verified, const char *msg)
{
	v->verified = verified;
	free(v->verify_msg);
	v->verify_msg = strdup(msg);
}

static void on_verify_replay(void *data, struct cp_result *r2)
{
	struct verify_ctx *vc = data;
	struct cp_result *r = vc->res[r2->index];
	/* carry the replay of the fixed hello over in the verdict's message;
	 * the handshake proof below may still overrule it */
	const struct cp_replay *rp = &r2->replay;
	char msg[256];
	if (!r2->ok)
		snprintf(msg, sizeof msg, "the fixed hello could not be replayed: %s",
			 r2->err_msg ? r2->err_msg : "error");
	else if (rp->accepted) {
		const struct cp_suite *s = cp_suite_by_id(rp->suite);
		int p = cp_proto_from_wire(rp->version);
		snprintf(msg, sizeof msg, "the server answers the fixed hello with %s (%s)",
			 s ? s->name : "?", p >= 0 ? cp_proto_name((enum cp_proto)p) : "?");
	} else if (rp->alert_seen)
		snprintf(msg, sizeof msg, "the server refuses the fixed hello too (alert %s)",
			 cp_alert_name(rp->alert));
	else
		snprintf(msg, sizeof msg, "the server refuses the fixed hello too (%s)",
			 rp->timeout ? "no answer" : "connection closed");
	set_verified(r->verdict, r2->ok && rp->accepted ? 1 : 0, msg);
	cp_result_free(r2);
}

/* One proof handshake: the target's verdict and the client it needs. */
struct proof {
	struct cp_verdict *v;
	SSL_CTX *ctx;
	size_t skipped;
	struct sockaddr_storage ss;
};

static void on_proof(void *data, size_t i, const struct cp_tlsconn_report *rep)
{
	struct proof *p = &((struct proof *)data)[i];
	char msg[512], both[768];
	uint16_t ver, suite;
	int st = cp_verify_judge(rep, p->skipped, &ver, &suite, msg, sizeof msg);
	if (st == CP_VERIFY_PROVEN || st == CP_VERIFY_FAILED) {
		set_verified(p->v, st == CP_VERIFY_PROVEN, msg);
		return;
	}
	/* keep the replay's word, and say why no handshake */
	snprintf(both, sizeof both, "%s; %s", p->v->verify_msg ? p->v->verify_msg : "", msg);
	set_verified(p->v, 0, both);
}

/*
 * The real handshakes of the fixes the replay confirmed, all on one event
 * loop (a few at a time, --per-host to one server), each bounded as a
 * whole by --timeout.  0, or -1 with errno when they cannot run at all.
 */
static int prove_all(struct cp_result **res, const struct cp_offer *offers, size_t k,
		     const struct cp_scan_opts *base)
{
	struct proof *p = calloc(k ? k : 1, sizeof *p);
	struct cp_tlsconn_req *rq = calloc(k ? k : 1, sizeof *rq);
	size_t n = 0;
	int rc = -1;
	if (!p || !rq) {
		errno = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < k; i++) {
		struct cp_verdict *v = res[i]->verdict;
		char msg[512], both[768];
		int st;
		if (v->verified != 1 || !cp_dns_parse_literal(res[i]->address, &p[n].ss))
			continue;
		if (p[n].ss.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&p[n].ss)->sin6_port = htons(res[i]->port);
		else
			((struct sockaddr_in *)&p[n].ss)->sin_port = htons(res[i]->port);
		p[n].v = v;
		p[n].ctx = cp_verify_ctx_new(&offers[i], &p[n].skipped, &st, msg, sizeof msg);
		if (!p[n].ctx) {
			snprintf(both, sizeof both, "%s; %s", v->verify_msg ? v->verify_msg : "",
				 msg);
			set_verified(v, 0, both);
			continue;
		}
		rq[n] = (struct cp_tlsconn_req){
			.addr = (struct sockaddr *)&p[n].ss,
			.addrlen = cp_dns_addrlen(&p[n].ss),
			.ctx = p[n].ctx,
			.sni = res[i]->sni && !cp_is_ip_literal(res[i]->sni) ? res[i]->sni : NULL,
			.timeout_ms = base->timeout_ms,
		};
		n++;
	}
	rc = cp_tlsconn_run_all(rq, n, base->concurrency < 8 ? base->concurrency : 8,
				base->per_host, on_proof, p);
out:
	for (size_t i = 0; p && i < n; i++)
		SSL_CTX_free(p[i].ctx);
	free(p);
	free(rq);
	return rc;
}

/*
 * Prove each fix: replay the fixed profile's hello on the event loop (all
 * targets at once), then, for those the server answered, a real OpenSSL
 * handshake offering exactly that hello.  A fix is proven only by the
 * handshake; where OpenSSL here lacks the suites, the replay is the proof
 * and the message says so.
 */
int cp_scan_verify(struct run_ctx *c, const struct cp_scan_opts *base, char *err, size_t errlen)
{
	size_t n = 0, k = 0;
	int rc = -1;
	for (size_t i = 0; i < c->nheld; i++)
		if (c->held[i]->verdict && !c->held[i]->verdict->compatible &&
		    c->held[i]->verdict->fix)
			n++;
	if (!n)
		return 0;
	struct cp_scan_target *t = calloc(n, sizeof *t);
	struct cp_offer *offers = calloc(n, sizeof *offers);
	struct cp_replay_hello *hellos = calloc(n, sizeof *hellos);
	struct cp_result **res = calloc(n, sizeof *res);
	if (!t || !offers || !hellos || !res) {
		cp_seterr(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < c->nheld; i++) {
		struct cp_result *r = c->held[i];
		struct cp_profile fixed;
		char perr[256];
		if (!r->verdict || r->verdict->compatible || !r->verdict->fix)
			continue;
		if (cp_profile_apply(c->profile, r->verdict->fix, &fixed, perr, sizeof perr) < 0 ||
		    cp_firewall_offer(c->firewall, &fixed, c->client, &offers[k]) < 0 ||
		    !r->address) {
			set_verified(r->verdict, 0,
				     "the fix does not give the proxy a hello to send");
			continue;
		}
		res[k] = r;
		cp_offer_replay_hello(&offers[k], &hellos[k]);
		t[k] = (struct cp_scan_target){
			.input = r->input,
			.host = r->address,
			.port = r->port,
			.sni = r->sni,
			.sni_set = true,
			.line = r->line,
			.replay = &hellos[k],
		};
		k++;
	}
	struct cp_scan_opts o = *base;
	o.replay_only = true;
	o.all_addresses = false;
	struct verify_ctx vc = { .res = res };
	if (cp_scan_run(&o, t, k, on_verify_replay, NULL, &vc, err, errlen) < 0)
		goto out;
	if (prove_all(res, offers, k, base) < 0) {
		cp_seterr(err, errlen, "cannot run the handshakes: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(t);
	free(offers);
	free(hellos);
	free(res);
	return rc;
}
