/*
 * Replays fuzz inputs through a harness without libFuzzer, for `make check`
 * on any compiler: every regular file in the directories (or the files)
 * named on the command line is read into a buffer of exactly its size and
 * handed to LLVMFuzzerTestOneInput.  With no arguments the harness's own
 * corpus is used: $top_srcdir/tests/fuzz/corpus/CP_FUZZ_NAME (top_srcdir
 * comes from AM_TESTS_ENVIRONMENT; "." when unset).
 *
 * Output is TAP, one "ok N - NAME/FILE" per input.  A harness reports a
 * broken invariant by aborting, and the sanitizers of a --enable-sanitizers
 * build abort too, so a failing input ends the run with a non-zero status
 * that the TAP driver reports as an error; the name of the input being run
 * is written to stderr first, which lands in the test's log.  An input that
 * cannot be read, and a corpus directory with no inputs, fail the run.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int main(int argc, char **argv)
{
	struct list l = { NULL, 0, 0 };
	int status = 0;

	if (argc < 2) {
		const char *top = getenv("top_srcdir");
		char dir[4096];

		snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", top && *top ? top : ".",
			 CP_FUZZ_NAME);
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
	fflush(stdout);
	for (size_t i = 0; i < l.n; i++) {
		size_t len = 0;
		uint8_t *data = slurp(l.v[i], &len);

		if (!data) {
			printf("not ok %zu - %s # cannot read: %s\n", i + 1, short_name(l.v[i]),
			       strerror(errno));
			status = 1;
		} else {
			fprintf(stderr, "replay: %s (%zu bytes)\n", l.v[i], len);
			LLVMFuzzerTestOneInput(data, len);
			printf("ok %zu - %s\n", i + 1, short_name(l.v[i]));
		}
		fflush(stdout);
		free(data);
		free(l.v[i]);
	}
	free(l.v);
	return status;
}
