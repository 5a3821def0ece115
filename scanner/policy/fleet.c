/* SPDX-License-Identifier: MIT */
/*
 * The fleet summary: one set of profile changes for many failing targets.
 *
 * Each incompatible target comes with a few ways to fix it (its verdict's
 * fix and alternatives, each a set of changes).  Picking the cheapest set
 * of changes that fixes the most targets is weighted set cover, which is
 * NP-hard; the greedy rule (repeatedly add whatever fixes the most
 * remaining targets per unit of cost) is within a log factor of optimal
 * and, with a handful of changes in play, what an admin would do by hand.
 * A weak change is never added for the fleet: a host that only a weak
 * change would fix belongs in the no-decrypt list instead.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/advise.h"
#include "policy/advise_int.h"

#define MAX_OPTIONS 8
#define URL_CATEGORY "cipherprobe-no-decrypt"

/* Changes seen in the verdicts; a change set is a mask over them. */
struct universe {
	const struct cp_wtable *wt;
	int row[64]; /* weakness-table row of each member */
	size_t n;
};

struct target {
	uint64_t opt[MAX_OPTIONS];
	size_t nopt;
	bool fixed;
};

static int member(struct universe *u, const char *change)
{
	int row = cp_wt_find(u->wt, change);

	if (row < 0)
		return -1;
	for (size_t i = 0; i < u->n; i++)
		if (u->row[i] == row)
			return (int)i;
	if (u->n == 64)
		return -1;
	u->row[u->n] = row;
	return (int)u->n++;
}

/* The fix's changes as a mask; -1 for a change the table lacks. */
static int fix_mask(struct universe *u, const struct cp_fix *f, uint64_t *m, bool *weak)
{
	*m = 0;
	*weak = false;
	for (size_t i = 0; i < f->nchanges; i++) {
		int k = member(u, f->changes[i]);

		if (k < 0)
			return -1;
		*m |= UINT64_C(1) << k;
		*weak = *weak || u->wt->row[u->row[k]].weak;
	}
	return 0;
}

static unsigned cost_of(const struct universe *u, uint64_t m)
{
	unsigned c = 0;

	for (size_t i = 0; i < u->n; i++)
		if (m & (UINT64_C(1) << i))
			c += u->wt->row[u->row[i]].cost;
	return c;
}

static unsigned popcount64(uint64_t m)
{
	unsigned n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

static bool fixed_by(const struct target *t, uint64_t chosen)
{
	for (size_t i = 0; i < t->nopt; i++)
		if ((t->opt[i] & chosen) == t->opt[i])
			return true;
	return false;
}

static size_t gain_of(const struct target *t, size_t nt, uint64_t chosen)
{
	size_t g = 0;

	for (size_t i = 0; i < nt; i++)
		g += !t[i].fixed && fixed_by(&t[i], chosen);
	return g;
}

/* Whether addition a (gain ga) beats b (gain gb) per unit cost. */
static bool better(const struct universe *u, uint64_t a, size_t ga, uint64_t b, size_t gb)
{
	unsigned ca = cost_of(u, a), cb = cost_of(u, b);
	unsigned long long la = (unsigned long long)ga * cb, lb = (unsigned long long)gb * ca;

	if (la != lb)
		return la > lb;
	if (popcount64(a) != popcount64(b))
		return popcount64(a) < popcount64(b);
	if (ga != gb)
		return ga > gb;
	return a < b;
}

static int push_host(struct cp_fleet *f, const struct cp_result *r)
{
	/* a URL category matches names: the SNI the client sends is the name
	 * the firewall sees, even when the target was given as an address */
	const char *h = r->sni ? r->sni : r->host ? r->host : (r->address ? r->address : r->input);

	if (!h)
		return 0;
	for (size_t i = 0; i < f->nno_decrypt; i++)
		if (!strcmp(f->no_decrypt[i], h))
			return 0;
	return cp_strv_push(&f->no_decrypt, &f->nno_decrypt, cp_strdup0(h));
}

/*
 * The custom URL category for the no-decrypt hosts and a no-decrypt rule
 * that uses it, moved above the decrypt rules.  The category syntax
 * (type "URL List", list [ ... ]) matches the XML schema (<type>URL
 * List</type><list><member>...) and the PAN-OS docs; the rule's
 * from/to/source/destination/service/category/action keywords match
 * published `set rulebase decryption rules` examples.  Inferred: a shared
 * profile is taken to live on Panorama, so its rule goes in the shared
 * pre-rulebase; a device group's in that group's pre-rulebase.
 */
/*
 * Whether host can stand as one URL-list entry in a `set` command: a DNS
 * name or an address (letters, digits, '.', '-', '_', '*', ':', '[', ']'),
 * 1 to 255 bytes.  Hosts come from target lists and decryption logs; one
 * with a space, quote or control would split or break the command, so it
 * is left out of the command (it still shows, escaped, in no_decrypt).
 */
static bool url_entry_ok(const char *h)
{
	size_t len = strlen(h);

	if (len == 0 || len > 255)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)h[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      strchr(".-_*:[]", c)))
			return false;
	}
	return true;
}

static int url_commands(const struct cp_profile *p, const struct cp_fleet *f, char ***v, size_t *nv)
{
	struct cp_sb b = { 0 };
	const char *rulebase = p->loc == CP_LOC_SHARED || p->loc == CP_LOC_DEVICE_GROUP
				       ? "pre-rulebase"
				       : "rulebase";

	cp_loc_prefix(&b, p, "set");
	cp_sb_addf(&b, "profiles custom-url-category %s type \"URL List\" list [", URL_CATEGORY);
	for (size_t i = 0; i < f->nno_decrypt; i++)
		if (url_entry_ok(f->no_decrypt[i]))
			cp_sb_addf(&b, " %s", f->no_decrypt[i]);
	cp_sb_addf(&b, " ]");
	if (cp_strv_push(v, nv, cp_sb_take(&b)))
		return -1;
	cp_loc_prefix(&b, p, "set");
	cp_sb_addf(&b,
		   "%s decryption rules %s from any to any source any destination any "
		   "source-user any service any category %s action no-decrypt",
		   rulebase, URL_CATEGORY, URL_CATEGORY);
	if (cp_strv_push(v, nv, cp_sb_take(&b)))
		return -1;
	cp_loc_prefix(&b, p, "move");
	cp_sb_addf(&b, "%s decryption rules %s top", rulebase, URL_CATEGORY);
	return cp_strv_push(v, nv, cp_sb_take(&b));
}

/*
 * The incompatible targets: each with its non-weak fixes as options in t
 * (*nt of them); a no-decrypt target, or one only a weak change would fix,
 * goes to f's no-decrypt list.  -1 on a change the table lacks or no memory.
 */
static int collect_targets(const struct cp_result *const *results, size_t n, struct universe *u,
			   struct target *t, size_t *nt, struct cp_fleet *f)
{
	for (size_t i = 0; i < n; i++) {
		const struct cp_result *r = results[i];
		const struct cp_verdict *v = r ? r->verdict : NULL;
		struct target *tg = &t[*nt];

		if (!r || !r->ok || !v || v->compatible)
			continue;
		if (v->no_decrypt) {
			if (push_host(f, r))
				return -1;
			continue;
		}
		for (size_t k = 0; v->fix && k <= v->nalternatives && tg->nopt < MAX_OPTIONS; k++) {
			const struct cp_fix *fx = k == 0 ? v->fix : &v->alternatives[k - 1];
			uint64_t m;
			bool weak;

			if (fix_mask(u, fx, &m, &weak))
				return -1;
			if (!weak && m)
				tg->opt[tg->nopt++] = m;
		}
		if (tg->nopt)
			(*nt)++;
		else if (v->fix && push_host(f, r)) /* every fix is weak */
			return -1;
	}
	return 0;
}

/* The greedy step: the addition to chosen that fixes the most remaining
 * targets per unit of cost; 0 when nothing more helps. */
static uint64_t best_addition(const struct universe *u, const struct target *t, size_t nt,
			      uint64_t chosen)
{
	uint64_t best = 0;
	size_t bgain = 0;

	/* single changes, and each target's remaining options whole */
	for (size_t k = 0; k < u->n; k++) {
		uint64_t a = UINT64_C(1) << k;
		size_t g;

		if ((chosen & a) || u->wt->row[u->row[k]].weak)
			continue; /* never a weak change for the fleet */
		g = gain_of(t, nt, chosen | a);
		if (g && (!best || better(u, a, g, best, bgain))) {
			best = a;
			bgain = g;
		}
	}
	for (size_t i = 0; i < nt; i++) {
		if (t[i].fixed)
			continue;
		for (size_t k = 0; k < t[i].nopt; k++) {
			uint64_t a = t[i].opt[k] & ~chosen;
			size_t g;

			if (!a)
				continue;
			g = gain_of(t, nt, chosen | a);
			if (g && (!best || better(u, a, g, best, bgain))) {
				best = a;
				bgain = g;
			}
		}
	}
	return best;
}

/* Adds the members of best to *chosen and f, cheapest first, counting the
 * targets fixed as each lands.  -1 when memory ran out. */
static int add_members(const struct universe *u, struct target *t, size_t nt, uint64_t best,
		       uint64_t *chosen, struct cp_fleet *f)
{
	const struct cp_wtable *wt = u->wt;

	while (best) {
		size_t pick = 64;
		uint64_t bit;
		size_t *ncf;

		for (size_t k = 0; k < u->n; k++)
			if ((best & (UINT64_C(1) << k)) &&
			    (pick == 64 || wt->row[u->row[k]].cost < wt->row[u->row[pick]].cost))
				pick = k;
		bit = UINT64_C(1) << pick;
		best &= ~bit;
		*chosen |= bit;
		for (size_t i = 0; i < nt; i++)
			if (!t[i].fixed && fixed_by(&t[i], *chosen)) {
				t[i].fixed = true;
				f->fixes++;
			}
		ncf = realloc(f->change_fixes, (f->nchanges + 1) * sizeof *ncf);
		if (!ncf)
			return -1;
		f->change_fixes = ncf;
		f->change_fixes[f->nchanges] = f->fixes;
		if (cp_strv_push(&f->changes, &f->nchanges,
				 cp_strdup0(wt->row[u->row[pick]].change)))
			return -1;
	}
	return 0;
}

int cp_advise_fleet(const struct cp_result *const *results, size_t n, const struct cp_profile *p,
		    struct cp_fleet *out)
{
	const struct cp_wtable *wt = cp_wt_get();
	struct universe u = { .wt = wt };
	struct target *t = NULL;
	size_t nt = 0;
	uint64_t chosen = 0, best;
	struct cp_fleet f = { 0 };
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!wt)
		return -1;
	t = calloc(n ? n : 1, sizeof *t);
	if (!t)
		goto out;
	if (collect_targets(results, n, &u, t, &nt, &f))
		goto out;
	while ((best = best_addition(&u, t, nt, chosen)) != 0)
		if (add_members(&u, t, nt, best, &chosen, &f))
			goto out;

	if (cp_change_commands_into(p, f.changes, f.nchanges, &f.commands, &f.ncommands))
		goto out;
	if (f.nno_decrypt && url_commands(p, &f, &f.commands, &f.ncommands))
		goto out;
	if (f.ncommands && cp_strv_push(&f.commands, &f.ncommands, cp_strdup0("commit")))
		goto out;
	*out = f;
	memset(&f, 0, sizeof f);
	rc = 0;
out:
	free(t);
	cp_fleet_free(&f);
	return rc;
}

void cp_fleet_free(struct cp_fleet *f)
{
	if (!f)
		return;
	cp_strv_free(f->changes, f->nchanges);
	free(f->change_fixes);
	cp_strv_free(f->no_decrypt, f->nno_decrypt);
	cp_strv_free(f->commands, f->ncommands);
	memset(f, 0, sizeof *f);
}
