/* SPDX-License-Identifier: MIT */
/*
 * Making untrusted strings safe to show.
 *
 * Certificate subjects, SANs, host names from input files and error messages
 * that quote them come from the network or from users: printed raw they can
 * move the cursor, recolour or clear a terminal, or hide text behind bidi
 * overrides.  Both functions return a new heap string (NULL when s is NULL
 * or memory runs out) in which the bytes they escape appear as "\xNN".
 */
#ifndef CP_SANITIZE_H
#define CP_SANITIZE_H

/* For terminals: escapes C0 controls (tab included), DEL, C1 controls
 * (U+0080..U+009F), Unicode bidi controls, and every byte that is not part
 * of well-formed UTF-8 (overlongs, surrogates, > U+10FFFF, truncations). */
char *cp_sanitize(const char *s);

/* For JSON: escapes only bytes that are not well-formed UTF-8, since the
 * JSON encoder escapes control characters itself and rejects bad UTF-8. */
char *cp_sanitize_utf8(const char *s);

#endif
