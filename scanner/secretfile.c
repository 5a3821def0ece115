/* SPDX-License-Identifier: MIT */
/* Secrets from private files; the rules are in secretfile.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secretfile.h"
#include "util.h"

int cp_secret_file_read(const char *path, const char *what, char *buf, size_t buflen, char *err,
			size_t errlen)
{
	struct stat st;
	size_t n = 0;
	int fd, rc = -1;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (buf == NULL || buflen < 2) {
		cp_seterr(err, errlen, "%s: no room for the %s", path, what);
		return -1;
	}
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cp_seterr(err, errlen, "%s: cannot open the file holding the %s: %s", path, what,
			  strerror(errno));
		return -1;
	}
	/* fstat on the open file: the mode checked is the mode of what is read */
	if (fstat(fd, &st) < 0) {
		cp_seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		cp_seterr(err, errlen, "%s: the file holding the %s is not a regular file", path,
			  what);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		cp_seterr(err, errlen,
			  "%s is readable or writable by group or others (mode %04o): "
			  "chmod 600 %s",
			  path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, buflen - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cp_seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == buflen - 1) {
			char extra;
			ssize_t more;

			while ((more = read(fd, &extra, 1)) < 0 && errno == EINTR)
				;
			if (more != 0) {
				cp_seterr(err, errlen, "%s: the %s is longer than %zu bytes", path,
					  what, buflen - 2);
				goto out;
			}
			break;
		}
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' ||
			 buf[n - 1] == '\t'))
		n--;
	if (n == 0) {
		cp_seterr(err, errlen, "%s holds no %s (it is empty)", path, what);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c <= 0x20 || c >= 0x7f) {
			cp_seterr(err, errlen,
				  "%s should hold only the %s, on one line (found a line break, "
				  "blank or non-ASCII character inside)",
				  path, what);
			goto out;
		}
	}
	buf[n] = '\0';
	rc = 0;
out:
	if (rc < 0)
		explicit_bzero(buf, buflen);
	close(fd);
	return rc;
}
