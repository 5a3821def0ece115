/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the decryption-profile loaders (scanner/policy/profile.h): PAN-OS
 * XML (running configs, snippets, API replies), `set` command files and
 * SCM JSON, all reached through cp_profile_load_mem, which picks the
 * format from the content as it does for a user's file.
 *
 * Input layout:
 *   byte 0      0: no --profile-name; else the name is the next
 *               (byte - 1) % 48 bytes, up to a NUL
 *   the rest    the file
 *
 * A loaded profile must be within its ranges, and cp_profile_list_mem on
 * the same file must list it; a refusal must say why.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policy/profile.h"

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void check_profile(const struct cp_profile *p)
{
	char buf[1024], small[16];
	size_t need;

	FUZZ_CHECK(terminated(p->name, sizeof p->name));
	FUZZ_CHECK(terminated(p->source, sizeof p->source));
	FUZZ_CHECK(terminated(p->vsys, sizeof p->vsys));
	FUZZ_CHECK(terminated(p->device_group, sizeof p->device_group));
	FUZZ_CHECK(p->loc >= CP_LOC_NONE && p->loc <= CP_LOC_DEVICE_GROUP);
	FUZZ_CHECK(p->min_version >= 0x0300 && p->min_version <= 0x0304);
	FUZZ_CHECK(p->max_version >= 0x0300 && p->max_version <= 0x0304);
	FUZZ_CHECK(p->min_version <= p->max_version);
	FUZZ_CHECK(cp_panos_version_token(p->min_version) != NULL);
	FUZZ_CHECK(cp_panos_version_token(p->max_version) != NULL);
	FUZZ_CHECK(p->fwd < (1u << CP_FWD_NFLAGS));
	FUZZ_CHECK((cp_profile_effective_flags(p) & ~p->flags) == 0);

	/* the snprintf contract: full length either way, always terminated */
	need = cp_profile_set_prefix(p, buf, sizeof buf);
	FUZZ_CHECK(need < sizeof buf);
	FUZZ_CHECK(strlen(buf) == need);
	FUZZ_CHECK(cp_profile_set_prefix(p, small, sizeof small) == need);
	FUZZ_CHECK(strlen(small) == (need < sizeof small ? need : sizeof small - 1));
	FUZZ_CHECK(memcmp(small, buf, strlen(small)) == 0);
	FUZZ_CHECK(cp_profile_set_prefix(p, NULL, 0) == need);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	char name[64], err[512], lerr[512];
	const char *want = NULL;
	struct cp_profile p;
	struct cp_profile_ref *refs = NULL;
	size_t nrefs = 0, n;
	uint8_t b = fuzz_u8(&in);
	char *buf;
	int rc, lrc;

	if (b != 0) {
		n = (size_t)(b - 1) % 48;
		if (n > in.n)
			n = in.n;
		memcpy(name, in.p, n);
		name[n] = '\0';
		in.p += n;
		in.n -= n;
		want = name;
	}
	/* a heap copy of exactly the file's size, so ASan sees overreads */
	buf = malloc(in.n ? in.n : 1);
	if (!buf)
		return 0;
	if (in.n)
		memcpy(buf, in.p, in.n);

	memset(&p, 0xA5, sizeof p);
	rc = cp_profile_load_mem(buf, in.n, "fuzz.xml", want, &p, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(terminated(err, sizeof err));
	if (rc != 0)
		FUZZ_CHECK(err[0] != '\0');
	else
		check_profile(&p);

	lrc = cp_profile_list_mem(buf, in.n, "fuzz.xml", &refs, &nrefs, lerr, sizeof lerr);
	FUZZ_CHECK(lrc == 0 || lrc == -1);
	FUZZ_CHECK(terminated(lerr, sizeof lerr));
	if (lrc != 0) {
		FUZZ_CHECK(lerr[0] != '\0');
		FUZZ_CHECK(refs == NULL && nrefs == 0);
	}
	for (size_t i = 0; i < nrefs; i++) {
		FUZZ_CHECK(terminated(refs[i].name, sizeof refs[i].name));
		FUZZ_CHECK(terminated(refs[i].scope, sizeof refs[i].scope));
	}
	if (rc == 0) {
		/* what was loaded is one of the profiles the file lists */
		bool found = false;

		FUZZ_CHECK(lrc == 0 && nrefs >= 1);
		for (size_t i = 0; i < nrefs; i++)
			if (strcmp(refs[i].name, p.name) == 0 && refs[i].loc == p.loc)
				found = true;
		FUZZ_CHECK(found);
		if (!want || !*want)
			FUZZ_CHECK(nrefs == 1);
	}
	free(refs);
	free(buf);
	return 0;
}
