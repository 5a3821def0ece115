/* SPDX-License-Identifier: MIT */
/* Atomic output files; see file.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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

static void release(struct cp_atomic *a)
{
	free(a->path);
	free(a->tmp);
	a->path = NULL;
	a->tmp = NULL;
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
				cp_seterr(err, errlen, "cannot write '%s': %s", path, strerror(errno));
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
	fd = mkstemp(a->tmp);
	if (fd < 0) {
		cp_seterr(err, errlen, "cannot create a temporary file for '%s': %s", path, strerror(errno));
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
		snprintf(a->err, sizeof a->err, "no output is open");
		return -1;
	}
	a->f = NULL;
	errno = 0;
	if (fflush(f) == EOF || ferror(f)) {
		snprintf(a->err, sizeof a->err, "cannot write %s: %s", name,
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
		snprintf(a->err, sizeof a->err, "cannot write %s: %s", name, strerror(errno));
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0) {
		snprintf(a->err, sizeof a->err, "cannot write %s: %s", name, strerror(errno));
		goto out;
	}
	if (a->tmp) {
		if (rename(a->tmp, a->path) != 0) {
			snprintf(a->err, sizeof a->err, "cannot replace %s: %s", name, strerror(errno));
			goto out;
		}
		free(a->tmp);
		a->tmp = NULL;
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
