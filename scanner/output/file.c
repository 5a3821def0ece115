/* SPDX-License-Identifier: MIT */
/* Atomic output files, and their removal when a signal ends the run; see
 * file.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/file.h"
#include "util.h"


/* umask() can only be read by setting it; cipherprobe is single-threaded
 * (one epoll loop), so the moment it is 0 harms no concurrent open. */
static mode_t current_umask(void)
{
	mode_t m = umask(0);
	umask(m);
	return m;
}

/*
 * The temporary files this process has open, for the signal handler: a
 * fixed table of complete path strings (the handler may neither allocate
 * nor format), changed only with the cleanup signals blocked, so the
 * handler never sees a slot half-written.  A path is in the table from
 * the moment mkstemp() creates it until it is renamed or removed.
 */
#define LIVE_MAX 8
static char *volatile live[LIVE_MAX];
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void block_cleanup_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++)
		sigaddset(&set, cleanup_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* mkstemp(tmpl) with the name in the table before any signal can see the
 * file exist.  More than LIVE_MAX outputs at once still work, unlisted. */
static int mkstemp_listed(char *tmpl)
{
	sigset_t old;
	int fd;

	block_cleanup_signals(&old);
	fd = mkstemp(tmpl);
	for (size_t i = 0; fd >= 0 && i < LIVE_MAX; i++)
		if (!live[i]) {
			live[i] = tmpl;
			break;
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return fd;
}

/* Take a->tmp out of the table (the file is renamed or removed) and free it. */
static void forget_tmp(struct cp_atomic *a)
{
	sigset_t old;

	if (!a->tmp)
		return;
	block_cleanup_signals(&old);
	for (size_t i = 0; i < LIVE_MAX; i++)
		if (live[i] == a->tmp)
			live[i] = NULL;
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(a->tmp);
	a->tmp = NULL;
}

/*
 * Async-signal-safe: unlink(2) the listed files, then die of the same
 * signal (the disposition is back to the default, SA_RESETHAND), so the
 * parent sees it, and a shell reports 128 + sig.
 */
static void on_cleanup_signal(int sig)
{
	for (size_t i = 0; i < LIVE_MAX; i++) {
		const char *p = live[i];
		if (p)
			unlink(p);
	}
	raise(sig);
}

void cp_atomic_cleanup_on_signals(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_cleanup_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++)
		sigaddset(&sa.sa_mask, cleanup_signals[i]);
	for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++) {
		/* nohup, or a background job of a shell: ignored stays ignored */
		if (sigaction(cleanup_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(cleanup_signals[i], &sa, NULL);
	}
}

static void release(struct cp_atomic *a)
{
	forget_tmp(a);
	free(a->path);
	a->path = NULL;
	a->f = NULL;
	a->is_stdout = false;
}

FILE *cp_atomic_open(const char *path, struct cp_atomic *a, char *err, size_t errlen)
{
	const char *slash, *base;
	struct stat st;
	mode_t mode;
	size_t dirlen, len;
	int fd = -1;

	memset(a, 0, sizeof *a);
	if (!path || !*path) {
		cp_seterr(err, errlen, "empty output file name");
		return NULL;
	}
	if (!strcmp(path, "-")) {
		a->f = stdout;
		a->is_stdout = true;
		return stdout;
	}
	a->path = strdup(path);
	if (!a->path) {
		cp_seterr(err, errlen, "out of memory");
		goto fail;
	}
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			cp_seterr(err, errlen, "cannot write '%s': it is a directory", path);
			goto fail;
		}
		if (!S_ISREG(st.st_mode)) {
			a->f = fopen(path, "w");
			if (!a->f) {
				cp_seterr(err, errlen, "cannot write '%s': %s", path,
					  strerror(errno));
				goto fail;
			}
			return a->f;
		}
		mode = st.st_mode & 0777;
	} else if (errno == ENOENT) {
		mode = 0644 & ~current_umask();
	} else {
		cp_seterr(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto fail;
	}

	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	if (!*base) {
		cp_seterr(err, errlen, "cannot write '%s': it names a directory", path);
		goto fail;
	}
	/* ".NAME.XXXXXX" beside NAME: hidden, and on the same file system */
	dirlen = (size_t)(base - path);
	len = dirlen + 1 + strlen(base) + 8;
	a->tmp = malloc(len);
	if (!a->tmp) {
		cp_seterr(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(a->tmp, len, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
	fd = mkstemp_listed(a->tmp);
	if (fd < 0) {
		cp_seterr(err, errlen, "cannot create a temporary file for '%s': %s", path,
			  strerror(errno));
		free(a->tmp);
		a->tmp = NULL;
		goto fail;
	}
	if (fchmod(fd, mode) != 0) {
		cp_seterr(err, errlen, "cannot set the mode of '%s': %s", a->tmp, strerror(errno));
		goto fail;
	}
	a->f = fdopen(fd, "w");
	if (!a->f) {
		cp_seterr(err, errlen, "cannot write '%s': %s", a->tmp, strerror(errno));
		goto fail;
	}
	return a->f;
fail:
	if (fd >= 0)
		close(fd);
	if (a->tmp)
		unlink(a->tmp);
	release(a);
	return NULL;
}

/* Makes the rename itself durable; failure here loses nothing already
 * visible, so it is not reported. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	int fd;

	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int cp_atomic_commit(struct cp_atomic *a)
{
	FILE *f = a->f;
	const char *name = a->path ? a->path : "standard output";
	int rc = -1;

	a->err[0] = '\0';
	if (!f) {
		cp_seterr(a->err, sizeof a->err, "no output is open");
		return -1;
	}
	a->f = NULL;
	errno = 0;
	if (fflush(f) == EOF || ferror(f)) {
		cp_seterr(a->err, sizeof a->err, "cannot write %s: %s", name,
			  strerror(errno ? errno : EIO));
		if (!a->is_stdout)
			fclose(f);
		goto out;
	}
	if (a->is_stdout) {
		rc = 0;
		goto out;
	}
	if (a->tmp && fsync(fileno(f)) != 0) {
		cp_seterr(a->err, sizeof a->err, "cannot write %s: %s", name, strerror(errno));
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0) {
		cp_seterr(a->err, sizeof a->err, "cannot write %s: %s", name, strerror(errno));
		goto out;
	}
	if (a->tmp) {
		if (rename(a->tmp, a->path) != 0) {
			cp_seterr(a->err, sizeof a->err, "cannot replace %s: %s", name,
				  strerror(errno));
			goto out;
		}
		forget_tmp(a);
		sync_dir(a->path);
	}
	rc = 0;
out:
	if (a->tmp)
		unlink(a->tmp);
	release(a);
	return rc;
}

void cp_atomic_abort(struct cp_atomic *a)
{
	if (a->f && !a->is_stdout)
		fclose(a->f);
	else if (a->f)
		fflush(a->f);
	if (a->tmp)
		unlink(a->tmp);
	release(a);
}
