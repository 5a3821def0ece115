/* SPDX-License-Identifier: MIT */
/* The writer registry and summary counting; see output.h. */
#include "config.h"

#include <string.h>

#include "output/output.h"

const struct cp_output_ops *const cp_outputs[] = {
	&cp_output_text,
	&cp_output_json,
	&cp_output_jsonl,
	NULL,
};

const struct cp_output_ops *cp_output_find(const char *name)
{
	for (size_t i = 0; cp_outputs[i]; i++)
		if (!strcmp(cp_outputs[i]->name, name))
			return cp_outputs[i];
	return NULL;
}

void cp_summary_add(struct cp_summary *s, const struct cp_result *r)
{
	s->targets++;
	if (r->ok)
		s->ok++;
	else
		s->errors++;
}
