/* SPDX-License-Identifier: MIT */
/*
 * Internal to the registry: the tables ciphersuites/gen-registry writes into
 * the build directory's scanner/registry_data.c.  Only scanner/registry.c
 * reads them; everyone else goes through registry.h.
 */
#ifndef CP_REGISTRY_DATA_H
#define CP_REGISTRY_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry.h"

/* Every table is sorted by id, without duplicates (the generator checks). */
extern const struct cp_suite cp_reg_suites[];
extern const size_t cp_reg_nsuites;

/* IANA and OpenSSL suite names, sorted by ASCII-case-folded name, each
 * naming one suite (the generator fails on a name shared by two suites). */
struct cp_reg_name {
	const char *name;
	uint16_t index; /* into cp_reg_suites */
};
extern const struct cp_reg_name cp_reg_suite_names[];
extern const size_t cp_reg_nsuite_names;

extern const struct cp_sslv2_kind cp_reg_sslv2[];
extern const size_t cp_reg_nsslv2;

extern const struct cp_group cp_reg_groups[];
extern const size_t cp_reg_ngroups;

extern const struct cp_sigscheme cp_reg_sigschemes[];
extern const size_t cp_reg_nsigschemes;

/* The probing orders, in file order (ciphersuites/probe-groups.tsv and
 * probe-sigalgs.tsv), not sorted; the generator checks each entry and
 * refuses duplicates.  The sigalg order may hold TLS 1.2 code points that
 * are not in cp_reg_sigschemes (the DSA ones, reserved in TLS 1.3). */
extern const uint16_t cp_reg_group_probe_order[];
extern const size_t cp_reg_group_probe_order_count;
extern const uint16_t cp_reg_sigalg_probe_order[];
extern const size_t cp_reg_sigalg_probe_order_count;

/* Indexed by bit number, CP_PANOS_NFLAGS entries. */
struct cp_reg_panos_flag {
	const char *name; /* PAN-OS element name */
	bool dflt;        /* value when the element is absent */
};
extern const struct cp_reg_panos_flag cp_reg_panos_flags[];

/* ASCII-only case folding comparison: the same order in the generator and
 * at run time, whatever the locale. */
int cp_reg_casecmp(const char *a, const char *b);

#endif
