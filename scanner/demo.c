/* SPDX-License-Identifier: MIT */
/*
 * cipherprobe demo: the product's main job on an embedded default, with no
 * network and no files.  It starts the demo servers (demo_servers.h) on
 * 127.0.0.1 and runs the ordinary scan (the scan API, scan_api.h) against
 * them with the built-in profile panos-recommended and the Chrome client
 * model, so what the user sees is exactly what a real scan of real sites
 * prints.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/sanitize.h"
#include "commands.h"
#include "demo_servers.h"
#include "scan_api.h"
#include "util.h"

/* the help text at column 0, as the terminal shows it */
/* clang-format off */
static const char demo_usage[] =
"usage: cipherprobe demo [OPTIONS]\n"
"\n"
"Show what cipherprobe does, with no network and no files: start real TLS\n"
"servers (OpenSSL, certificates from an in-memory demo CA) on 127.0.0.1,\n"
"each set up like a site that breaks behind a decrypting forward proxy\n"
"(PAN-OS SSL Forward Proxy), and scan them as 'cipherprobe scan --profile\n"
"panos-recommended --client chrome' does: what each server accepts, the\n"
"verdict for the firewall's hello, and the profile change (PAN-OS set\n"
"commands) or no-decrypt exception that fixes it.  In text output on\n"
"stdout the TLS 1.3-only server is then scanned against panos-default too,\n"
"whose max-version is tls1-2.\n"
"\n"
"Options (passed on to scan; see 'cipherprobe scan --help'):\n"
"      --text               text for people (the default)\n"
"      --json               one JSON document (schema 1)\n"
"      --jsonl              one JSON object per line, per server\n"
"  -o, --output FILE        write the scan to FILE\n"
"      --color WHEN         auto (default), always, never\n"
"  -q, --quiet              no progress line; with --json/--jsonl no note on stderr\n"
"  -v, --verbose            more detail in text output\n"
"\n"
"Exit status: 0 the demo ran as designed (the servers fail through the\n"
"profile on purpose: that is what it shows; 'cipherprobe scan' would exit 1);\n"
"2 a demo server could not be scanned; 64 usage error; 70 the demo servers\n"
"could not start or failed; 73 the output cannot be written.\n"
"\n'cipherprobe --version' prints the version.\n";
/* clang-format on */

enum { OPT_JSON = 256, OPT_JSONL, OPT_TEXT, OPT_COLOR };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "jsonl", no_argument, NULL, OPT_JSONL },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "output", required_argument, NULL, 'o' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* What the user asked for, handed on to each scan. */
struct demo_opts {
	const char *format; /* "text", "json", "jsonl" */
	const char *output; /* -o FILE or NULL */
	const char *color;  /* NULL: scan's default */
	bool quiet;
	int verbose;
};

/* The demo's targets: "127.0.0.1:PORT,NAME.demo", each owned. */
struct demo_targets {
	char *v[16];
	size_t n;
};

static void targets_free(struct demo_targets *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}

/* The scan of 'scan --profile P --client chrome --ca-file DEMO-CA' plus
 * the user's output options. */
static void scan_config(struct cp_scan_config *cfg, const char *profile, const char **ca_file,
			const struct demo_opts *o, bool pass_output, const struct demo_targets *t)
{
	cp_scan_config_default(cfg);
	cfg->profile_spec = profile;
	cfg->client_name = "chrome";
	cfg->format = o->format;
	cfg->ca_files = ca_file;
	cfg->nca_files = 1;
	if (pass_output)
		cfg->output = o->output;
	if (o->color)
		cfg->color = o->color;
	cfg->quiet = o->quiet;
	cfg->verbosity = o->verbose;
	cfg->targets = (const char *const *)t->v;
	cfg->ntargets = t->n;
}

/*
 * The demo CA into a private temporary file, for scan --ca-file: trusted
 * as an administrator's imported root would be, so that the chains are
 * judged like those of real sites from a known CA.  0, or -1 with err set.
 */
static int write_ca(const char *pem, char *path, size_t len, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	size_t n = strlen(pem), done = 0;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, len, "%s/cipherprobe-demo-ca.XXXXXX", dir) >= len) {
		cp_seterr(err, errlen, "TMPDIR too long");
		path[0] = '\0';
		return -1;
	}
	fd = mkstemp(path);
	if (fd < 0) {
		cp_seterr(err, errlen, "cannot create %s: %s", path, strerror(errno));
		path[0] = '\0';
		return -1;
	}
	while (done < n) {
		ssize_t w = write(fd, pem + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			cp_seterr(err, errlen, "cannot write %s: %s", path,
				  strerror(w < 0 ? errno : EIO));
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	if (close(fd) < 0) {
		cp_seterr(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* "127.0.0.1:PORT,NAME.demo": the SNI override labels each server. */
static int add_target(struct demo_targets *a, const struct cp_demo_servers *s, size_t i)
{
	char t[128];
	if (a->n == sizeof a->v / sizeof a->v[0] ||
	    (size_t)snprintf(t, sizeof t, "127.0.0.1:%u,%s.demo",
			     (unsigned)cp_demo_servers_port(s, i),
			     cp_demo_specs[i].name) >= sizeof t)
		return -1;
	if (!(a->v[a->n] = strdup(t)))
		return -1;
	a->n++;
	return 0;
}

static size_t spec_index(const char *name)
{
	for (size_t i = 0; i < cp_demo_nspecs; i++)
		if (!strcmp(cp_demo_specs[i].name, name))
			return i;
	return cp_demo_nspecs;
}

static void print_header(FILE *f, const struct cp_demo_servers *s)
{
	fprintf(f,
		"cipherprobe demo: %zu real TLS servers (OpenSSL) on 127.0.0.1, certificates\n"
		"from an in-memory demo CA. All but modern.demo are set up like sites that\n"
		"fail behind a decrypting firewall. Each is scanned as a Chrome user's\n"
		"connection through PAN-OS SSL Forward Proxy with the built-in profile\n"
		"panos-recommended: what the server accepts, what the firewall's hello gets,\n"
		"and the profile change that fixes it, or a no-decrypt exception.\n\n",
		cp_demo_nspecs);
	for (size_t i = 0; i < cp_demo_nspecs; i++) {
		const struct cp_demo_spec *sp = &cp_demo_specs[i];
		char label[64];
		snprintf(label, sizeof label, "%s.demo", sp->name);
		fprintf(f, "  %-18s 127.0.0.1:%-5u  %s\n    accepts %s\n", label,
			(unsigned)cp_demo_servers_port(s, i), sp->shows, sp->accepts);
	}
	fputc('\n', f);
}

static void print_note(FILE *f)
{
	fprintf(f, "\nNote: the incompatible verdicts are the point of the demo: every server\n"
		   "but modern.demo (the control) reproduces a classic decryption failure on\n"
		   "purpose (tls13-only.demo fails with panos-default, whose max-version is\n"
		   "tls1-2). 'cipherprobe demo' exits 0 when it ran as designed; 'cipherprobe\n"
		   "scan' exits 1 when a target is incompatible. Your own sites:\n"
		   "  cipherprobe scan --profile panos-recommended --client chrome HOST...\n");
}

/* A scan that finished, compatible or not, is the demo working. */
static int scan_status(int rc)
{
	return rc == CP_EXIT_INCOMPATIBLE ? CP_EXIT_OK : rc;
}

int cmd_demo(int argc, char **argv)
{
	struct demo_opts o = { .format = "text" };
	struct cp_demo_servers *servers = NULL;
	struct demo_targets main_t = { 0 }, trap_t = { 0 };
	struct cp_scan_config main_scan, trap_scan;
	struct cp_scan_outcome outcome;
	const char *ca_files[1] = { NULL };
	int rc = CP_EXIT_USAGE, opt;
	char err[512], ca_file[4096] = "";

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:qvh", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON: o.format = "json"; break;
		case OPT_JSONL: o.format = "jsonl"; break;
		case OPT_TEXT: o.format = "text"; break;
		case 'o': o.output = optarg; break;
		case OPT_COLOR:
			/* checked here too, so a typo fails before servers start */
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never")) {
				cp_eprintf(
					"cipherprobe demo: --color expects auto, always or never, not '%s'\n",
					optarg);
				goto out;
			}
			o.color = optarg;
			break;
		case 'q': o.quiet = true; break;
		case 'v': o.verbose++; break;
		case 'h':
			fputs(demo_usage, stdout);
			rc = CP_EXIT_OK;
			goto out;
		default: cp_eprintf("see 'cipherprobe demo --help'\n"); goto out;
		}
	}
	if (optind < argc) {
		cp_eprintf("cipherprobe demo: takes no targets ('%s'); to scan your own, use "
			   "'cipherprobe scan'\n",
			   argv[optind]);
		goto out;
	}
	bool text = !strcmp(o.format, "text");
	/* The max-version contrast is a second scan, hence a second document:
	 * only text on stdout can hold it without breaking what scripts parse. */
	bool trap_pass = text && !o.output;

	if (cp_demo_servers_start(&servers, err, sizeof err) < 0) {
		cp_eprintf("cipherprobe demo: cannot start the demo servers: %s\n", err);
		rc = CP_EXIT_SOFTWARE;
		goto out;
	}
	if (write_ca(cp_demo_servers_ca_pem(servers), ca_file, sizeof ca_file, err, sizeof err) <
	    0) {
		cp_eprintf("cipherprobe demo: %s\n", err);
		rc = CP_EXIT_SOFTWARE;
		goto out;
	}
	ca_files[0] = ca_file;
	for (size_t i = 0; i < cp_demo_nspecs; i++)
		if (add_target(&main_t, servers, i))
			goto nomem;
	size_t t13 = spec_index("tls13-only");
	if (trap_pass && add_target(&trap_t, servers, t13))
		goto nomem;
	scan_config(&main_scan, "panos-recommended", ca_files, &o, true, &main_t);
	scan_config(&trap_scan, "panos-default", ca_files, &o, false, &trap_t);

	if (text)
		print_header(stdout, servers);
	fflush(stdout);
	rc = scan_status(cp_scan_execute(&main_scan, &outcome));
	if (rc == CP_EXIT_OK && trap_pass) {
		printf("\nThe max-version trap: tls13-only.demo against panos-default, whose\n"
		       "max-version is tls1-2 (the PAN-OS default when the element is absent):\n\n");
		fflush(stdout);
		rc = scan_status(cp_scan_execute(&trap_scan, &outcome));
	}
	int st = cp_demo_servers_stop(servers, err, sizeof err);
	servers = NULL;
	if (st < 0) {
		cp_eprintf("cipherprobe demo: %s\n", err);
		if (rc == CP_EXIT_OK)
			rc = CP_EXIT_SOFTWARE;
	}
	if (rc == CP_EXIT_OK && (text || !o.quiet))
		print_note(text ? stdout : stderr);
	goto out;
nomem:
	cp_eprintf("cipherprobe demo: out of memory\n");
	rc = CP_EXIT_OSERR;
out:
	if (ca_file[0])
		unlink(ca_file);
	if (servers)
		(void)cp_demo_servers_stop(servers, err, sizeof err);
	targets_free(&main_t);
	targets_free(&trap_t);
	return rc;
}
