/* cipherprobe suites: the registry, like openssl ciphers -V. */
#include "config.h"

#include <stdio.h>

#include "commands.h"
#include "registry.h"

int cmd_suites(int argc, char **argv)
{
	char id[7];

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < cp_suite_count(); i++) {
		const struct cp_suite *s = cp_suite_at(i);
		printf("%s %s\n", cp_suite_id_str(s->id, id), s->name);
	}
	return CP_EXIT_OK;
}
