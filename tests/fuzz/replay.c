/* SPDX-License-Identifier: MIT */
/*
 * Replays fuzz inputs through a harness without libFuzzer, for `make check`
 * on any compiler: every regular file in the directories (or the files)
 * named on the command line is read into a buffer of exactly its size and
 * handed to LLVMFuzzerTestOneInput.  With no arguments the harness's own
 * corpus is used: $top_srcdir/tests/fuzz/corpus/CP_FUZZ_NAME (top_srcdir
 * comes from AM_TESTS_ENVIRONMENT; "." when unset).
 *
 * Output is TAP, one "ok N - NAME/FILE" per input.  Each input runs in a
 * child process: a harness reports a broken invariant by aborting, and in
 * a --enable-sanitizers build ASan, UBSan and LeakSanitizer (at the
 * child's exit) end it too, so the input is "not ok" and the others still
 * run.  What the child wrote to stderr lands in the test's log.
 *
 * tests/fuzz/known-bugs lists inputs that still fail because the bug they
 * found is reported but not fixed yet ("NAME/FILE  why", '#' comments):
 * their failure is marked TODO, which automake counts as XFAIL, so the
 * build stays green until the fix lands.  A listed input that passes is
 * an ordinary pass with a note (not XPASS: some bugs show only under one
 * compiler's sanitizers); remove its line once the fix is in.  An input
 * that cannot be read, and a corpus directory with no inputs, fail the
 * run.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef CP_FUZZ_NAME
#error "compile with -DCP_FUZZ_NAME='\"harness\"'"
#endif

/* Harnesses without one-time setup leave this out; libFuzzer does the same. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

struct list {
	char **v;
	size_t n, cap;
};

static int list_add(struct list *l, const char *dir, const char *name)
{
	size_t len = strlen(dir) + 1 + strlen(name) + 1;
	char *s;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	s = malloc(len);
	if (!s)
		return -1;
	if (*dir)
		snprintf(s, len, "%s/%s", dir, name);
	else
		snprintf(s, len, "%s", name);
	l->v[l->n++] = s;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Regular files of dir, dot files skipped, in name order. */
static int add_dir(struct list *l, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t first = l->n;

	if (!d) {
		printf("Bail out! %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		char path[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (list_add(l, dir, e->d_name) < 0) {
			closedir(d);
			printf("Bail out! out of memory\n");
			return -1;
		}
	}
	closedir(d);
	if (l->n == first) {
		printf("Bail out! %s holds no inputs\n", dir);
		return -1;
	}
	qsort(l->v + first, l->n - first, sizeof *l->v, cmp_str);
	return 0;
}

/* The whole file in a heap block of exactly its size, so that ASan sees
 * a read one byte past the input. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *nb;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	nb = malloc(n ? n : 1);
	if (!nb) {
		free(buf);
		return NULL;
	}
	memcpy(nb, buf, n);
	free(buf);
	*len = n;
	return nb;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* "corpus/wire/seed-x" -> "wire/seed-x": the last two path components. */
static const char *short_name(const char *path)
{
	const char *last = strrchr(path, '/'), *p;

	if (!last)
		return path;
	for (p = last; p > path; p--)
		if (p[-1] == '/')
			return p;
	return path;
}

/* The reason tests/fuzz/known-bugs gives for name ("wire/crash-x"), or
 * NULL; reason is filled from the rest of the line. */
static const char *known_bug(const char *top, const char *name, char *reason, size_t size)
{
	char path[4096], line[1024];
	const char *ret = NULL;
	size_t n = strlen(name);
	FILE *f;

	snprintf(path, sizeof path, "%s/tests/fuzz/known-bugs", top);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	while (!ret && fgets(line, sizeof line, f)) {
		char *r;

		if (line[0] == '#' || strncmp(line, name, n) != 0 ||
		    (line[n] != ' ' && line[n] != '\t'))
			continue;
		for (r = line + n; *r == ' ' || *r == '\t'; r++)
			;
		r[strcspn(r, "\r\n")] = '\0';
		snprintf(reason, size, "%s", *r ? r : "known bug");
		ret = reason;
	}
	fclose(f);
	return ret;
}

/* Runs the harness on one input in a child; 0 when it returned normally. */
static int run_one(const uint8_t *data, size_t len, char *why, size_t size)
{
	pid_t pid;
	int st;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(why, size, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		LLVMFuzzerTestOneInput(data, len);
		exit(0); /* exit, not _exit: LeakSanitizer checks at exit */
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, size, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFSIGNALED(st))
		snprintf(why, size, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(why, size, "exit status %d", WEXITSTATUS(st));
	return -1;
}

int main(int argc, char **argv)
{
	struct list l = { NULL, 0, 0 };
	const char *top = getenv("top_srcdir");
	int status = 0;

	if (!top || !*top)
		top = ".";
	if (argc < 2) {
		char dir[4096];

		snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", top, CP_FUZZ_NAME);
		if (add_dir(&l, dir) < 0)
			return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			printf("Bail out! %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode) ? add_dir(&l, argv[i]) < 0 : list_add(&l, "", argv[i]) < 0)
			return 1;
	}
	LLVMFuzzerInitialize(&argc, &argv);

	printf("1..%zu\n", l.n);
	for (size_t i = 0; i < l.n; i++) {
		const char *name = short_name(l.v[i]);
		char why[128], reason[512];
		const char *known = known_bug(top, name, reason, sizeof reason);
		size_t len = 0;
		uint8_t *data = slurp(l.v[i], &len);

		if (!data) {
			printf("not ok %zu - %s # cannot read: %s\n", i + 1, name, strerror(errno));
			status = 1;
		} else {
			fprintf(stderr, "replay: %s (%zu bytes)\n", l.v[i], len);
			if (run_one(data, len, why, sizeof why) == 0) {
				printf("ok %zu - %s\n", i + 1, name);
				/* not XPASS: some bugs show only under one
				 * compiler's sanitizers */
				if (known)
					printf("# %s is in tests/fuzz/known-bugs but passes "
					       "in this build\n",
					       name);
			} else if (known) {
				printf("not ok %zu - %s: %s # TODO %s\n", i + 1, name, why, known);
			} else {
				printf("not ok %zu - %s: %s\n", i + 1, name, why);
			}
		}
		fflush(stdout);
		free(data);
		free(l.v[i]);
	}
	free(l.v);
	return status;
}
