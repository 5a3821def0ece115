/* SPDX-License-Identifier: MIT */
/*
 * Internal to the client models: the tables scanner/policy/gen-clients
 * writes into the build directory's scanner/policy/clients_data.c from
 * ciphersuites/clients.tsv and ciphersuites/panos-groups.tsv.  Only
 * clients.c reads them; everyone else goes through policy/offer.h.
 */
#ifndef CP_POLICY_CLIENTS_DATA_H
#define CP_POLICY_CLIENTS_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/offer.h"

/* One row of panos-groups.tsv. */
struct cp_panos_group_rule {
	uint16_t id;
	bool strip;
};
extern const struct cp_panos_group_rule cp_panos_group_rules[];
extern const size_t cp_panos_ngroup_rules;

#endif
