/* SPDX-License-Identifier: MIT */
/*
 * For harnesses that check the output writers: run one writer over one
 * record into memory.  A header of its own so fuzz.h stays free of the
 * output module.
 */
#ifndef CP_FUZZ_WRITE_H
#define CP_FUZZ_WRITE_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "output/output.h"

/* What ops writes for r alone (begin, target, end with sum, which may be
 * NULL), as a malloc'd buffer of *len bytes; NULL only without memory. */
static inline char *fuzz_write_one(const struct cp_output_ops *ops, const struct cp_result *r,
				   const struct cp_summary *sum, int verbosity, bool color,
				   size_t *len)
{
	struct cp_out o;
	char *buf = NULL;
	FILE *f;
	int rc;

	*len = 0;
	f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	memset(&o, 0, sizeof o);
	o.f = f;
	o.verbosity = verbosity;
	o.color = color;
	o.tool_version = "fuzz";
	rc = ops->begin(&o);
	if (rc == 0)
		rc = ops->target(&o, r);
	if (rc == 0)
		rc = ops->end(&o, sum);
	ops->cleanup(&o);
	FUZZ_CHECK(rc == 0); /* memory streams do not fail */
	fclose(f);
	return buf;
}

#endif
