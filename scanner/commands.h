/* SPDX-License-Identifier: MIT */
/* Subcommands: each takes the arguments after its own name (argv[0] is the
 * subcommand) and returns the process exit status. */
#ifndef CP_COMMANDS_H
#define CP_COMMANDS_H

/* Exit statuses, documented in cipherprobe(1). */
enum cp_exit {
	CP_EXIT_OK = 0,
	CP_EXIT_INCOMPATIBLE = 1, /* a target is incompatible with the profile */
	CP_EXIT_SCAN_ERRORS = 2,  /* some targets could not be scanned */
	CP_EXIT_REGRESSION = 3,   /* a regression against the saved state */
	CP_EXIT_USAGE = 64,       /* EX_USAGE */
	CP_EXIT_DATAERR = 65,     /* EX_DATAERR: input present but unusable */
	CP_EXIT_NOINPUT = 66,     /* EX_NOINPUT: an input file is missing */
	CP_EXIT_SOFTWARE = 70,    /* EX_SOFTWARE: internal error */
	CP_EXIT_OSERR = 71,       /* EX_OSERR: out of memory, fd limits */
	CP_EXIT_CANTCREAT = 73,   /* EX_CANTCREAT: output file cannot be written */
	CP_EXIT_NOTIFY = 75,      /* EX_TEMPFAIL: --notify-required and the webhook failed */
};

struct cp_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int cmd_suites(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_merge(int argc, char **argv);

#endif
