/* SPDX-License-Identifier: MIT */
/*
 * cipherprobe: which TLS versions, cipher suites and groups a server
 * accepts, and why a decrypting proxy's handshake with it fails.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "output/sanitize.h"
#include "commands.h"

static const struct cp_command commands[] = {
	{ .name = "scan",
	  .summary = "probe targets: versions, cipher suites, groups, preference",
	  .run = cmd_scan },
	{ .name = "demo",
	  .summary = "scan local servers that reproduce classic decryption failures",
	  .run = cmd_demo },
	{ .name = "profile",
	  .summary = "show a decryption profile and the hello the proxy sends with it",
	  .run = cmd_profile },
	{ .name = "report",
	  .summary = "render a saved JSON scan as a self-contained HTML report",
	  .run = cmd_report },
	{ .name = "merge",
	  .summary = "merge saved scans (the shards of scan --shard) into one document",
	  .run = cmd_merge },
	{ .name = "diff",
	  .summary = "compare two scans: regressions, improvements, changes",
	  .run = cmd_diff },
	{ .name = "suites",
	  .summary = "list the cipher-suite registry (like openssl ciphers -V)",
	  .run = cmd_suites },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: cipherprobe COMMAND [OPTIONS] [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'cipherprobe COMMAND --help' describes a command; 'cipherprobe --version'\n"
		   "prints the version; see also cipherprobe(1).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CP_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		if (argc > 2 && strcmp(cmd, "help") == 0) {
			char *sub[] = { argv[2], (char *)"--help", NULL };
			for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
				if (!strcmp(commands[i].name, argv[2]))
					return commands[i].run(2, sub);
		}
		usage(stdout);
		return CP_EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return CP_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, cmd)) {
			/* getopt's own messages start with argv[0]: make it the
			 * prefix every other message has */
			char self[32];

			snprintf(self, sizeof self, "cipherprobe %s", commands[i].name);
			argv[1] = self;
			return commands[i].run(argc - 1, argv + 1);
		}
	cp_eprintf("cipherprobe: '%s' is not a command; see 'cipherprobe --help'\n", cmd);
	return CP_EXIT_USAGE;
}
