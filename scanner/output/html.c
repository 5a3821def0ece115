/* SPDX-License-Identifier: MIT */
/*
 * The HTML report writer: one self-contained page; see html.h.
 *
 * Size: a row keeps only what the page shows (a few short strings, the
 * accepted suites as 4-byte cells), and the page spells the per-target
 * matrix with optional end tags left out, so 10,000 targets stay a few
 * tens of megabytes that a browser opens.  The sorting script keys every
 * row once, sorts an index array (O(n log n)) and moves the rows in one
 * document fragment.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/html.h"
#include "output/sanitize.h"
#include "policy/advise.h"
#include "policy/offer.h"
#include "registry.h"
#include "util.h"

/* One accepted suite at one version, and what the profile says of it. */
enum { MARK_BLOCKED = 0, MARK_ALLOWED = 1, MARK_UNJUDGED = 2 };
struct cell {
	uint16_t suite;
	uint8_t proto; /* enum cp_proto */
	uint8_t mark;
};

struct row {
	size_t index;
	char *input, *host, *sni, *address, *subject, *issuer, *groups;
	uint16_t port;
	bool ok;
	enum cp_err_kind kind;
	char *err_msg;
	unsigned versions; /* 1 << enum cp_proto, supported */
	int weakest;       /* suite id, -1 none */
	int vstate;        /* -1 no verdict, 0 incompatible, 1 compatible */
	char *reason, *fix, *commands;
	bool weak, no_decrypt;
	struct cell *cells;
	size_t ncells;
};

struct cp_html {
	bool judged;
	struct cp_profile profile;
	char *title;
	struct row **rows;
	size_t n, cap;
};

/* ---- escaping --------------------------------------------------------- */

int cp_html_fputs(const char *s, FILE *f)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return 0;
	while (*p) {
		const char *rep = NULL;
		uint32_t cp;
		size_t n;

		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\\': rep = "\\\\"; break;
		default: break;
		}
		if (rep) {
			if (fputs(rep, f) == EOF)
				return -1;
			p++;
			continue;
		}
		n = cp_utf8_seq(p, &cp);
		if (n == 0 || cp_unsafe_codepoint(cp)) {
			/* one byte when ill-formed, every byte of an unsafe code point */
			size_t k = n ? n : 1;
			for (size_t i = 0; i < k; i++)
				if (fprintf(f, "\\x%02X", p[i]) < 0)
					return -1;
			p += k;
			continue;
		}
		if (fwrite(p, 1, n, f) != n)
			return -1;
		p += n;
	}
	return 0;
}

char *cp_html_escape(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!s)
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	if (cp_html_fputs(s, f) < 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- collecting ------------------------------------------------------- */

struct cp_html *cp_html_new(const struct cp_profile *profile, const char *title)
{
	struct cp_html *h = calloc(1, sizeof *h);

	if (!h)
		return NULL;
	if (profile) {
		h->judged = true;
		h->profile = *profile;
	}
	if (title && !(h->title = strdup(title))) {
		free(h);
		return NULL;
	}
	return h;
}

static void row_free(struct row *w)
{
	if (!w)
		return;
	free(w->input);
	free(w->host);
	free(w->sni);
	free(w->address);
	free(w->subject);
	free(w->issuer);
	free(w->groups);
	free(w->err_msg);
	free(w->reason);
	free(w->fix);
	free(w->commands);
	free(w->cells);
	free(w);
}

/* s duplicated into *out (NULL stays NULL); false when memory runs out. */
static bool dup0(char **out, const char *s)
{
	*out = s ? strdup(s) : NULL;
	return !s || *out;
}

/* The strings v[0..n) joined by sep, as a new string ("" for none). */
static char *join(const char *const *v, size_t n, const char *sep)
{
	size_t len = 1, sl = strlen(sep);
	char *s, *q;

	for (size_t i = 0; i < n; i++)
		len += (v[i] ? strlen(v[i]) : 0) + (i ? sl : 0);
	s = q = malloc(len);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t l = v[i] ? strlen(v[i]) : 0;
		if (i) {
			memcpy(q, sep, sl);
			q += sl;
		}
		if (l)
			memcpy(q, v[i], l);
		q += l;
	}
	*q = '\0';
	return s;
}

/* How weak a suite is: lower is weaker; unknown suites count as strong. */
static int strength_of(uint16_t id)
{
	const struct cp_suite *s = cp_suite_by_id(id);
	return s ? (int)s->strength : (int)CP_STRENGTH_STRONG;
}

static int fill_row(const struct cp_html *h, struct row *w, const struct cp_result *r,
		    const struct cp_html_verdict *v)
{
	size_t ncells = 0, k = 0;

	w->index = r->index;
	w->port = r->port;
	w->ok = r->ok;
	w->kind = r->err_kind;
	w->weakest = -1;
	w->vstate = v ? (v->compatible ? 1 : 0) : -1;
	if (!dup0(&w->input, r->input) || !dup0(&w->host, r->host) || !dup0(&w->sni, r->sni) ||
	    !dup0(&w->address, r->address) || !dup0(&w->err_msg, r->err_msg) ||
	    !dup0(&w->subject, r->cert.present ? r->cert.subject : NULL) ||
	    !dup0(&w->issuer, r->cert.present ? r->cert.issuer : NULL))
		return -1;
	if (r->ngroups) {
		const char *names[64];
		char ids[64][8];
		size_t n = r->ngroups < 64 ? r->ngroups : 64;
		for (size_t i = 0; i < n; i++) {
			const struct cp_group *g = cp_group_by_id(r->groups[i].id);
			snprintf(ids[i], sizeof ids[i], "%u", (unsigned)r->groups[i].id);
			names[i] = g ? g->name : ids[i];
		}
		if (!(w->groups = join(names, n, " ")))
			return -1;
	}
	if (v) {
		w->weak = v->weak;
		w->no_decrypt = v->no_decrypt;
		if (!dup0(&w->reason, v->reason))
			return -1;
		if (v->nchanges && !(w->fix = join(v->changes, v->nchanges, ", ")))
			return -1;
		if (v->ncommands && !(w->commands = join(v->commands, v->ncommands, "\n")))
			return -1;
	}
	for (int p = 0; p < CP_P__COUNT; p++) {
		if (r->proto[p].supported)
			w->versions |= 1u << p;
		if (p != CP_P_SSL2)
			ncells += r->proto[p].nsuites;
	}
	if (ncells && !(w->cells = calloc(ncells, sizeof *w->cells)))
		return -1;
	for (int p = CP_P_SSL3; p < CP_P__COUNT; p++) {
		const struct cp_proto_result *pr = &r->proto[p];
		for (size_t i = 0; i < pr->nsuites; i++) {
			uint16_t id = pr->suites[i];
			w->cells[k].suite = id;
			w->cells[k].proto = (uint8_t)p;
			w->cells[k].mark = !h->judged ? MARK_UNJUDGED
					   : cp_profile_allows(&h->profile, id,
							       cp_proto_wire((enum cp_proto)p))
						   ? MARK_ALLOWED
						   : MARK_BLOCKED;
			k++;
			if (w->weakest < 0 || strength_of(id) < strength_of((uint16_t)w->weakest))
				w->weakest = id;
		}
	}
	w->ncells = k;
	return 0;
}

int cp_html_add(struct cp_html *h, const struct cp_result *r, const struct cp_html_verdict *v)
{
	struct row *w;

	if (CP_GROW(h->rows, h->cap, h->n + 1) < 0)
		return -1;
	w = calloc(1, sizeof *w);
	if (!w || fill_row(h, w, r, v) < 0) {
		row_free(w);
		return -1;
	}
	h->rows[h->n++] = w;
	return 0;
}

int cp_html_add_result(struct cp_html *h, const struct cp_result *r)
{
	const struct cp_verdict *vd = r->verdict;
	struct cp_html_verdict v;

	if (!vd)
		return cp_html_add(h, r, NULL);
	memset(&v, 0, sizeof v);
	v.compatible = vd->compatible;
	v.reason = vd->reason;
	v.no_decrypt = vd->no_decrypt;
	if (vd->fix) {
		v.changes = (const char *const *)vd->fix->changes;
		v.nchanges = vd->fix->nchanges;
		v.weak = vd->fix->weak;
	}
	v.commands = (const char *const *)vd->commands;
	v.ncommands = vd->ncommands;
	return cp_html_add(h, r, &v);
}

size_t cp_html_count(const struct cp_html *h)
{
	return h ? h->n : 0;
}

void cp_html_free(struct cp_html *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		row_free(h->rows[i]);
	free(h->rows);
	free(h->title);
	free(h);
}

/* ---- writing ---------------------------------------------------------- */

static const char page_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	"style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<meta name=\"generator\" content=\"cipherprobe " PACKAGE_VERSION "\">\n"
	"<title>cipherprobe report</title>\n<style>\n"
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1f24;background:#fff}\n"
	"h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid #d0d7de}\n"
	".muted{color:#57606a}.counts td{padding:.1em .8em .1em 0}.counts td:nth-child(2){text-align:right;font-weight:600}\n"
	"pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.6em;overflow:auto;white-space:pre-wrap;word-break:break-all}\n"
	"button{font:inherit;padding:.2em .8em;cursor:pointer}\n"
	"table.t{border-collapse:collapse;width:100%}table.t th,table.t td{border-bottom:1px solid #eaeef2;padding:.25em .5em;text-align:left;vertical-align:top}\n"
	"table.t th{background:#f6f8fa;cursor:pointer;user-select:none;position:sticky;top:0}\n"
	"th[aria-sort=ascending]::after{content:\" \\25B2\"}th[aria-sort=descending]::after{content:\" \\25BC\"}\n"
	".ok{color:#116329;font-weight:600}.bad{color:#cf222e;font-weight:600}.err{color:#9a6700;font-weight:600}\n"
	".charts{display:flex;flex-wrap:wrap;gap:1.5em}.charts svg{border:1px solid #eaeef2}\n"
	"details{border-bottom:1px solid #eaeef2;padding:.15em 0}summary{cursor:pointer}\n"
	"table.m{border-collapse:collapse;margin:.3em 0 .6em;font-size:12px}table.m td,table.m th{border:1px solid #d0d7de;padding:0 .4em}\n"
	"table.m td.y{background:#dafbe1;text-align:center}table.m td.n{background:#ffebe9;text-align:center}table.m td.u{text-align:center}\n"
	"dl.f{display:grid;grid-template-columns:max-content auto;gap:0 1em;margin:.3em 0}dl.f dt{color:#57606a}dl.f dd{margin:0;word-break:break-all}\n"
	"</style></head><body>\n";

/* The sorting script (and the copy button).  A row's sort key is the
 * cell's data-v (a number) or its text; keys are read once per sort. */
static const char page_script[] =
	"<script>\n"
	"(function(){\n"
	"var t=document.getElementById('targets');if(!t)return;\n"
	"var b=t.tBodies[0],hs=t.tHead.rows[0].cells,cur=-1,dir=1;\n"
	"function key(r,i){var c=r.cells[i],v=c.getAttribute('data-v');return v!==null?Number(v):c.textContent.toLowerCase();}\n"
	"function sortBy(i,d){var rs=b.rows,ks=new Array(rs.length);\n"
	" for(var j=0;j<rs.length;j++)ks[j]=[key(rs[j],i),j,rs[j]];\n"
	" ks.sort(function(x,y){return x[0]<y[0]?-d:x[0]>y[0]?d:x[1]-y[1];});\n"
	" var f=document.createDocumentFragment();for(j=0;j<ks.length;j++)f.appendChild(ks[j][2]);b.appendChild(f);\n"
	" for(j=0;j<hs.length;j++)hs[j].removeAttribute('aria-sort');hs[i].setAttribute('aria-sort',d>0?'ascending':'descending');}\n"
	"function col(name){for(var j=0;j<hs.length;j++)if(hs[j].getAttribute('data-col')===name)return j;return -1;}\n"
	"for(var i=0;i<hs.length;i++)(function(i){hs[i].addEventListener('click',function(){dir=cur===i?-dir:1;cur=i;sortBy(i,dir);});})(i);\n"
	"var m=/^#sort=(-?)([a-z]+)$/.exec(location.hash);\n"
	"if(m&&col(m[2])>=0){cur=col(m[2]);dir=m[1]?-1:1;sortBy(cur,dir);}\n"
	"var cb=document.getElementById('copy'),pre=document.getElementById('cmds');\n"
	"if(cb&&pre)cb.addEventListener('click',function(){var s=pre.textContent;\n"
	" if(navigator.clipboard&&navigator.clipboard.writeText)navigator.clipboard.writeText(s).then(function(){cb.textContent='Copied';});\n"
	" else{var r=document.createRange();r.selectNodeContents(pre);var sel=getSelection();sel.removeAllRanges();sel.addRange(r);document.execCommand('copy');cb.textContent='Copied';}});\n"
	"})();\n"
	"</script>\n";

static int cmp_index(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;
	return x->index < y->index ? -1 : x->index > y->index;
}

static const char *strength_word(int s)
{
	return s >= 0 && s < CP_STRENGTH__COUNT ? cp_strength_name((enum cp_strength)s) : "?";
}

/* A horizontal bar chart as inline SVG: labels (escaped) and counts. */
static void bar_chart(FILE *f, const char *title, const char *const *labels, const size_t *counts,
		      const char *const *colors, size_t n, size_t total)
{
	const unsigned lw = 300, bw = 280, rh = 22, top = 28;
	unsigned height = top + (unsigned)n * rh + 8;
	size_t max = 1;

	for (size_t i = 0; i < n; i++)
		if (counts[i] > max)
			max = counts[i];
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" role=\"img\" "
		"aria-label=\"",
		lw + bw + 90, height);
	cp_html_fputs(title, f);
	fprintf(f, "\"><text x=\"8\" y=\"18\" font-weight=\"600\" font-size=\"13\">");
	cp_html_fputs(title, f);
	fprintf(f, "</text>\n");
	for (size_t i = 0; i < n; i++) {
		unsigned y = top + (unsigned)i * rh;
		unsigned w = (unsigned)((double)counts[i] / (double)max * bw);
		fprintf(f, "<text x=\"%u\" y=\"%u\" text-anchor=\"end\" font-size=\"12\">", lw - 6,
			y + 14);
		cp_html_fputs(labels[i], f);
		fprintf(f,
			"</text><rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\"/>"
			"<text x=\"%u\" y=\"%u\" font-size=\"12\">%zu",
			lw, y + 3, w ? w : 1, rh - 6, colors ? colors[i] : "#0969da", lw + w + 6,
			y + 14, counts[i]);
		if (total)
			fprintf(f, " (%.0f%%)", 100.0 * (double)counts[i] / (double)total);
		fprintf(f, "</text>\n");
	}
	fprintf(f, "</svg>\n");
}

static const char *const strength_color[CP_STRENGTH__COUNT] = {
	"#82071e", "#cf222e", "#fb8f44", "#d4a72c", "#2da44e",
};

struct tally {
	uint16_t id;
	size_t n;
};

static int cmp_tally(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	int sx = strength_of(x->id), sy = strength_of(y->id);
	if (sx != sy)
		return sx - sy;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return (int)x->id - (int)y->id;
}

static int charts(FILE *f, struct row *const *rows, size_t n)
{
	const char *labels[CP_P__COUNT + 1];
	size_t counts[CP_P__COUNT + 1];
	struct tally *t = NULL;
	size_t nt = 0, with = 0;

	for (int p = 0; p < CP_P__COUNT; p++) {
		labels[p] = cp_proto_name((enum cp_proto)p);
		counts[p] = 0;
		for (size_t i = 0; i < n; i++)
			if (rows[i]->versions & (1u << p))
				counts[p]++;
	}
	fprintf(f, "<h2>Charts</h2>\n<div class=\"charts\">\n");
	bar_chart(f, "Protocol versions accepted (targets)", labels, counts, NULL, CP_P__COUNT, n);

	/* the weakest suite of each target: distinct suites are few */
	for (size_t i = 0; i < n; i++) {
		size_t j;
		if (rows[i]->weakest < 0)
			continue;
		with++;
		for (j = 0; j < nt && t[j].id != rows[i]->weakest; j++)
			;
		if (j == nt) {
			struct tally *nt2 = realloc(t, (nt + 1) * sizeof *t);
			if (!nt2) {
				free(t);
				return -1;
			}
			t = nt2;
			t[nt++] = (struct tally){ .id = (uint16_t)rows[i]->weakest, .n = 0 };
		}
		t[j].n++;
	}
	if (nt) {
		enum { TOP = 12 };
		const char *sl[TOP + 1], *sc[TOP + 1];
		size_t cnt[TOP + 1], m = 0;
		char idbuf[TOP][8];

		qsort(t, nt, sizeof *t, cmp_tally);
		for (size_t i = 0; i < nt; i++) {
			if (m == TOP) {
				if (i == TOP) {
					sl[m] = "other suites";
					sc[m] = "#8c959f";
					cnt[m] = 0;
				}
				cnt[m] += t[i].n;
				continue;
			}
			const struct cp_suite *s = cp_suite_by_id(t[i].id);
			snprintf(idbuf[m], sizeof idbuf[m], "0x%04X", t[i].id);
			sl[m] = s ? s->name : idbuf[m];
			sc[m] = strength_color[strength_of(t[i].id)];
			cnt[m] = t[i].n;
			m++;
		}
		bar_chart(f, "Weakest suite accepted (targets)", sl, cnt, sc,
			  nt > TOP ? TOP + 1 : m, with);
	}
	free(t);
	fprintf(f, "</div>\n");
	return 0;
}

static void summary_block(FILE *f, const struct cp_html *h, struct row *const *rows, size_t n,
			  const struct cp_summary *s)
{
	struct cp_summary own = { 0 };
	const struct cp_recommendation *rec = s ? s->recommendation : NULL;

	if (!s) {
		for (size_t i = 0; i < n; i++) {
			own.targets++;
			if (rows[i]->ok)
				own.ok++;
			else
				own.errors++;
			if (rows[i]->vstate == 1)
				own.compatible++;
			else if (rows[i]->vstate == 0)
				own.incompatible++;
		}
		s = &own;
	}
	fprintf(f,
		"<h2 id=\"summary\">Fleet summary</h2>\n<table class=\"counts\">\n"
		"<tr><td>targets</td><td id=\"n-targets\">%zu</td></tr>\n"
		"<tr><td>scanned</td><td>%zu</td></tr>\n"
		"<tr><td>could not be scanned</td><td class=\"err\">%zu</td></tr>\n"
		"<tr><td>compatible with the profile</td><td class=\"ok\">%zu</td></tr>\n"
		"<tr><td>incompatible</td><td class=\"bad\">%zu</td></tr>\n</table>\n",
		s->targets, s->ok, s->errors, s->compatible, s->incompatible);
	if (h->judged) {
		fprintf(f, "<p class=\"muted\">Profile: ");
		cp_html_fputs(h->profile.name[0] ? h->profile.name : h->profile.source, f);
		fprintf(f, "</p>\n");
	}
	if (s->interception_issuer) {
		fprintf(f,
			"<p class=\"bad\">This scan was itself being decrypted: %zu target%s show a certificate "
			"issued by ",
			s->interception_targets, s->interception_targets == 1 ? "" : "s");
		cp_html_fputs(s->interception_issuer, f);
		fprintf(f, ". The results describe the proxy, not the servers.</p>\n");
	}
	if (!rec) {
		fprintf(f, "<p>No fleet recommendation: %s.</p>\n",
			h->judged || s->compatible || s->incompatible
				? "no target needs a profile change"
				: "the scan gave no verdicts");
		return;
	}
	if (rec->nchanges) {
		fprintf(f,
			"<p>The profile change that fixes the most sites: <b>%zu of %zu</b> incompatible "
			"target%s.</p>\n<ul id=\"changes\">\n",
			rec->fixes, s->incompatible, s->incompatible == 1 ? "" : "s");
		for (size_t i = 0; i < rec->nchanges; i++) {
			fprintf(f, "<li><code>");
			cp_html_fputs(rec->changes[i], f);
			fprintf(f, "</code>");
			if (rec->change_fixes)
				fprintf(f,
					" <span class=\"muted\">(with those above: fixes %zu)</span>",
					rec->change_fixes[i]);
			fprintf(f, "</li>\n");
		}
		fprintf(f, "</ul>\n");
	} else {
		fprintf(f, "<p>No profile change fixes an incompatible target.</p>\n");
	}
	if (rec->ncommands) {
		fprintf(f,
			"<p>PAN-OS commands, ready to paste: <button id=\"copy\" type=\"button\">Copy</button></p>\n"
			"<pre id=\"cmds\">");
		bool placeholder = false;
		for (size_t i = 0; i < rec->ncommands; i++) {
			cp_html_fputs(rec->commands[i], f);
			fputc('\n', f);
			placeholder |= strstr(rec->commands[i], "<PROFILE>") != NULL;
		}
		fprintf(f, "</pre>\n");
		/* the same hint as the text output's: a built-in profile is
		 * not a name the firewall knows */
		if (placeholder)
			fprintf(f,
				"<p class=\"muted\">&lt;PROFILE&gt;: the scan used a built-in profile; "
				"put your firewall's decryption profile name there, or scan with "
				"<code>--profile-name NAME</code> (or the firewall's own profile: "
				"<code>--profile running-config.xml --profile-name Corp</code>, or "
				"<code>--panos-host</code>).</p>\n");
	}
	if (rec->nno_decrypt) {
		fprintf(f,
			"<details id=\"no-decrypt\"%s><summary>Better left undecrypted (no-decrypt exception): "
			"%zu host%s</summary>\n<ul>\n",
			rec->nno_decrypt <= 20 ? " open" : "", rec->nno_decrypt,
			rec->nno_decrypt == 1 ? "" : "s");
		for (size_t i = 0; i < rec->nno_decrypt; i++) {
			fprintf(f, "<li>");
			cp_html_fputs(rec->no_decrypt[i], f);
			fprintf(f, "</li>\n");
		}
		fprintf(f, "</ul></details>\n");
	}
}

static void versions_text(FILE *f, unsigned versions)
{
	bool first = true;
	for (int p = 0; p < CP_P__COUNT; p++)
		if (versions & (1u << p)) {
			fprintf(f, "%s%s", first ? "" : " ", cp_proto_name((enum cp_proto)p));
			first = false;
		}
}

static void table_row(FILE *f, const struct row *w)
{
	const char *vcls, *vtext;
	int vrank;

	if (!w->ok) {
		vcls = "err";
		vtext = "error";
		vrank = 1;
	} else if (w->vstate == 0) {
		vcls = "bad";
		vtext = "incompatible";
		vrank = 0;
	} else if (w->vstate == 1) {
		vcls = "ok";
		vtext = "compatible";
		vrank = 2;
	} else {
		vcls = "muted";
		vtext = "no verdict";
		vrank = 3;
	}
	fprintf(f, "<tr><td data-v=\"%zu\">%zu</td><td><a href=\"#t%zu\">", w->index + 1,
		w->index + 1, w->index);
	cp_html_fputs(w->input, f);
	fprintf(f, "</a></td><td>%s</td><td class=\"%s\" data-v=\"%d\">%s</td><td",
		w->ok ? "ok" : "error", vcls, vrank, vtext);
	if (!w->ok) {
		fprintf(f, " title=\"");
		cp_html_fputs(w->err_msg, f);
		fprintf(f, "\">%s", cp_err_kind_name(w->kind));
	} else if (w->vstate == 0) {
		fputc('>', f);
		if (w->fix) {
			cp_html_fputs(w->fix, f);
			if (w->weak)
				fprintf(f, " (weak)");
		} else
			fprintf(f, "%s", w->no_decrypt ? "no-decrypt" : "no profile change");
	} else {
		fputc('>', f);
	}
	fprintf(f, "</td><td data-v=\"%u\">", w->versions);
	versions_text(f, w->versions);
	if (w->weakest >= 0) {
		const struct cp_suite *s = cp_suite_by_id((uint16_t)w->weakest);
		int st = strength_of((uint16_t)w->weakest);
		fprintf(f, "</td><td data-v=\"%d\">", st * 65536 + w->weakest);
		if (s)
			cp_html_fputs(s->name, f);
		else
			fprintf(f, "0x%04X", w->weakest);
		fprintf(f, " <span class=\"muted\">%s</span>", strength_word(st));
	} else {
		fprintf(f, "</td><td data-v=\"%d\">", CP_STRENGTH__COUNT * 65536 + 65536);
	}
	fprintf(f, "</td></tr>\n");
}

static void dl_item(FILE *f, const char *k, const char *v)
{
	if (!v || !*v)
		return;
	fprintf(f, "<dt>%s</dt><dd>", k);
	cp_html_fputs(v, f);
	fprintf(f, "</dd>");
}

/* Versions x suites: one line per accepted suite, a column per version
 * with any; end tags left out (the HTML parser closes td and tr). */
static void matrix(FILE *f, const struct row *w)
{
	unsigned cols = 0;
	uint16_t seen[256];
	size_t nseen = 0;

	for (size_t i = 0; i < w->ncells; i++)
		cols |= 1u << w->cells[i].proto;
	if (!cols)
		return;
	fprintf(f, "<table class=\"m\"><tr><th>suite");
	for (int p = 0; p < CP_P__COUNT; p++)
		if (cols & (1u << p))
			fprintf(f, "<th>%s", cp_proto_name((enum cp_proto)p));
	fprintf(f, "\n");
	for (size_t i = 0; i < w->ncells; i++) {
		uint16_t id = w->cells[i].suite;
		size_t j;
		for (j = 0; j < nseen && seen[j] != id; j++)
			;
		if (j < nseen)
			continue;
		if (nseen < sizeof seen / sizeof seen[0])
			seen[nseen++] = id;
		const struct cp_suite *s = cp_suite_by_id(id);
		fprintf(f, "<tr><td>");
		if (s)
			cp_html_fputs(s->name, f);
		else
			fprintf(f, "0x%04X", id);
		for (int p = 0; p < CP_P__COUNT; p++) {
			if (!(cols & (1u << p)))
				continue;
			int mark = -1;
			for (size_t c = i; c < w->ncells; c++)
				if (w->cells[c].suite == id && w->cells[c].proto == p) {
					mark = w->cells[c].mark;
					break;
				}
			fprintf(f, "%s",
				mark == MARK_ALLOWED    ? "<td class=y>\xE2\x9C\x93"
				: mark == MARK_BLOCKED  ? "<td class=n>\xE2\x9C\x97"
				: mark == MARK_UNJUDGED ? "<td class=u>\xE2\x80\xA2"
							: "<td>");
		}
		fputc('\n', f);
	}
	fprintf(f, "</table>\n");
}

static void detail(FILE *f, const struct row *w)
{
	char port[8];

	fprintf(f, "<details id=\"t%zu\"><summary>%zu. ", w->index, w->index + 1);
	cp_html_fputs(w->input, f);
	fprintf(f, " \xE2\x80\x94 <span class=\"%s\">%s</span></summary>\n<dl class=\"f\">",
		!w->ok           ? "err"
		: w->vstate == 0 ? "bad"
		: w->vstate == 1 ? "ok"
				 : "muted",
		!w->ok           ? "error"
		: w->vstate == 0 ? "incompatible"
		: w->vstate == 1 ? "compatible"
				 : "no verdict");
	snprintf(port, sizeof port, "%u", (unsigned)w->port);
	dl_item(f, "host", w->host);
	dl_item(f, "port", port);
	dl_item(f, "SNI", w->sni);
	dl_item(f, "address", w->address);
	if (!w->ok) {
		dl_item(f, "error", cp_err_kind_name(w->kind));
		dl_item(f, "message", w->err_msg);
	}
	dl_item(f, "reason", w->reason);
	dl_item(f, "fix", w->fix);
	dl_item(f, "certificate", w->subject);
	dl_item(f, "issuer", w->issuer);
	dl_item(f, "groups", w->groups);
	fprintf(f, "</dl>\n");
	if (w->commands) {
		fprintf(f, "<pre>");
		cp_html_fputs(w->commands, f);
		fprintf(f, "</pre>\n");
	}
	matrix(f, w);
	fprintf(f, "</details>\n");
}

int cp_html_write(const struct cp_html *h, FILE *f, const struct cp_summary *s)
{
	struct row **rows = NULL;
	char when[32] = "";
	time_t now = time(NULL);
	struct tm tm;

	if (h->n) {
		rows = malloc(h->n * sizeof *rows);
		if (!rows) {
			errno = ENOMEM;
			return -1;
		}
		memcpy(rows, h->rows, h->n * sizeof *rows);
		qsort(rows, h->n, sizeof *rows, cmp_index);
	}
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%SZ", &tm);
	fputs(page_head, f);
	fprintf(f, "<h1>cipherprobe report</h1>\n<p class=\"muted\">");
	if (h->title) {
		cp_html_fputs(h->title, f);
		fprintf(f, " \xC2\xB7 ");
	}
	fprintf(f, "%zu target%s \xC2\xB7 generated %s by cipherprobe %s</p>\n", h->n,
		h->n == 1 ? "" : "s", when, PACKAGE_VERSION);
	summary_block(f, h, rows, h->n, s);
	if (charts(f, rows, h->n) < 0) {
		free(rows);
		errno = ENOMEM;
		return -1;
	}
	fprintf(f,
		"<h2>Targets</h2>\n<p class=\"muted\">Click a column heading to sort; "
		"add <code>#sort=verdict</code> (or <code>#sort=-versions</code>, ...) to the address to sort on load.</p>\n"
		"<table class=\"t\" id=\"targets\"><thead><tr>"
		"<th data-col=\"index\">#</th><th data-col=\"target\">target</th><th data-col=\"status\">status</th>"
		"<th data-col=\"verdict\">verdict</th><th data-col=\"fix\">fix / error</th>"
		"<th data-col=\"versions\">versions</th><th data-col=\"weakest\">weakest suite</th>"
		"</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < h->n; i++)
		table_row(f, rows[i]);
	fprintf(f,
		"</tbody></table>\n<h2>Per target</h2>\n<p class=\"muted\">Accepted suites by version: "
		"\xE2\x9C\x93 the profile allows it, \xE2\x9C\x97 the profile blocks it%s.</p>\n",
		h->judged ? "" : ", \xE2\x80\xA2 not judged (no profile)");
	for (size_t i = 0; i < h->n; i++)
		detail(f, rows[i]);
	fputs(page_script, f);
	fputs("</body></html>\n", f);
	free(rows);
	if (ferror(f)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}
