/* SPDX-License-Identifier: MIT */
/*
 * Secrets read from files (`scan --notify-url-file FILE`): a webhook URL
 * holds its credential in its path, so the file must be as private as an
 * SSH key and nothing read from it is ever quoted in a message.
 */
#ifndef CP_SECRETFILE_H
#define CP_SECRETFILE_H

#include <stddef.h>

/*
 * Reads the one-line secret in path into buf (size buflen, NUL-terminated).
 * The file must be a regular file that neither group nor others may read
 * or write (mode 0600 or 0400), else "FILE is readable or writable by
 * group or others (mode 0644): chmod 600 FILE".  Trailing line breaks and
 * blanks are dropped; what is left must be non-empty, fit buflen and hold
 * only printable ASCII without blanks.  what names the secret in messages
 * ("webhook URL": "FILE holds no webhook URL (it is empty)").  Returns 0, or -1 with a message in err that never
 * quotes the file's content; buf is then wiped.
 */
int cp_secret_file_read(const char *path, const char *what, char *buf, size_t buflen, char *err,
			size_t errlen);

#endif
