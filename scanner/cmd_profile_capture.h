/* SPDX-License-Identifier: MIT */
/*
 * `cipherprobe profile show --proxy-hello FILE`: the captured hello of the
 * firewall beside cipherprobe's model of it (cmd_profile_capture.c).
 */
#ifndef CP_CMD_PROFILE_CAPTURE_H
#define CP_CMD_PROFILE_CAPTURE_H

#include <stdbool.h>

#include "policy/offer.h"
#include "policy/profile.h"

/* Print (text, or JSON when json) where the hello captured in path and
 * the model for profile p and client c differ; returns an exit status. */
struct cp_firewall;
int cp_profile_show_capture(const char *path, const struct cp_profile *p, const struct cp_client *c,
			    const struct cp_firewall *fw, bool json);

#endif
