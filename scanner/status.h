/* SPDX-License-Identifier: MIT */
/*
 * The one status type of the wire layer and the inputs built on it (the
 * way c-ares has ares_status_t): what went wrong, as a code a caller can
 * act on, with one generic sentence each (cp_status_str).
 *
 * CP_OK is 0 and every failure is negative, so both `st != CP_OK` and
 * the project's `rc < 0` idiom test for failure.  A module whose callers
 * show a more specific sentence for a code keeps a detail string of its
 * own (cp_hello_strerror, cp_chello_strerror); the codes are shared.
 *
 * Not statuses, and so not here: enum cp_tlsconn_outcome (net/tlsconn.h)
 * and enum cp_http_fail (fetch.h) classify how a network exchange ended
 * (refused, timeout, certificate not accepted, HTTP status...); their
 * values carry the domain meaning that the result's error kind and the
 * retry rules are built on.  CP_EXIT_* (commands.h) is the process's exit
 * status.
 */
#ifndef CP_STATUS_H
#define CP_STATUS_H

enum cp_status {
	CP_OK = 0,
	CP_ENOMEM = -1,     /* out of memory */
	CP_EINVAL = -2,     /* inconsistent or missing parameters */
	CP_ETOOMANY = -3,   /* a list over its cap */
	CP_ETOOBIG = -4,    /* over a size cap */
	CP_EOVERFLOW = -5,  /* a length does not fit its length field */
	CP_ETRUNCATED = -6, /* the bytes end before the thing they hold does */
	CP_EWRONGTYPE = -7, /* not the kind of data expected (not a ClientHello) */
	CP_EBADDATA = -8,   /* malformed: a length or field that does not add up */
	CP_EFILE = -9,      /* a file cannot be read (missing, permissions) */
	CP_EKEYGEN = -10,   /* no key could be made */
	CP_ERANDOM = -11,   /* the random generator failed */
};

/* A generic sentence for st ("out of memory"); "unknown status" for a
 * value that is none of the codes. */
const char *cp_status_str(int st);

#endif
