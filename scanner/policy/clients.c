/* SPDX-License-Identifier: MIT */
/*
 * Client models and the groups PAN-OS strips: lookups over the tables
 * generated from ciphersuites/clients.tsv and panos-groups.tsv (the data,
 * and where each list comes from, live there, not here).
 */
#include "config.h"

#include <strings.h>

#include "policy/clients_data.h"
#include "policy/offer.h"
#include "util.h"

const struct cp_client *cp_client_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; cp_clients[i] != NULL; i++)
		if (strcasecmp(cp_clients[i]->name, name) == 0)
			return cp_clients[i];
	return NULL;
}

void cp_client_suggest(const char *name, char *buf, size_t size)
{
	const char *names[32] = { NULL };
	size_t n = 0, len = 0;
	const char *near;

	buf[0] = '\0';
	for (; cp_clients[n] != NULL && n < sizeof names / sizeof names[0]; n++)
		names[n] = cp_clients[n]->name;
	near = name ? cp_closest_name(name, names, n) : NULL;
	if (near)
		cp_strapp(buf, size, &len, "did you mean '%s'? ", near);
	cp_strapp(buf, size, &len, "known clients:");
	for (size_t i = 0; i < n; i++)
		cp_strapp(buf, size, &len, "%s %s", i ? "," : "", names[i]);
}

bool cp_panos_strips_group(uint16_t group)
{
	for (size_t i = 0; i < cp_panos_ngroup_rules; i++)
		if (cp_panos_group_rules[i].id == group)
			return cp_panos_group_rules[i].strip;
	return false;
}
