/* SPDX-License-Identifier: MIT */
/*
 * Atomic output files: readers of PATH (cron jobs, a --state file, a web
 * server) see either the old content or the complete new one, never a
 * half-written file, and a failed run leaves the old file alone.
 *
 * The data go to a temporary file in PATH's directory (so that rename(2)
 * stays within one file system); commit flushes, fsyncs and renames it over
 * PATH.  "-" means standard output, written directly.  A PATH that exists
 * but is not a regular file (/dev/null, a FIFO, a tty) is also written
 * directly, since renaming over it would replace the device.
 */
#ifndef CP_FILE_H
#define CP_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct cp_atomic {
	FILE *f;
	char *path; /* final name; NULL for stdout */
	char *tmp;  /* temporary name; NULL when writing directly */
	bool is_stdout;
	char err[256]; /* why commit failed */
};

/*
 * Opens the output for path.  Returns the stream to write to, or NULL with
 * a message in err.  A new file gets mode 0644 minus the umask; a file
 * being replaced keeps its permission bits.
 */
FILE *cp_atomic_open(const char *path, struct cp_atomic *a, char *err, size_t errlen);

/* Makes the output visible: 0, or -1 with a->err set, the temporary file
 * removed and the old file untouched.  Either way a is released. */
int cp_atomic_commit(struct cp_atomic *a);

/* Discards the output: the temporary file is removed, PATH is untouched.
 * Safe to call after commit (it then does nothing). */
void cp_atomic_abort(struct cp_atomic *a);

/*
 * For commands that write outputs: when SIGINT, SIGTERM or SIGHUP arrives,
 * remove the temporary files of every output still open (PATH keeps its
 * old content), then die of that signal, as without the handler (a shell
 * sees 128 + the signal number).  A signal ignored when this is called
 * (nohup, a background job) stays ignored.  Up to 8 outputs open at once
 * are covered.  Installs process-wide handlers: call it from a command,
 * not from library code.
 */
void cp_atomic_cleanup_on_signals(void);

#endif
