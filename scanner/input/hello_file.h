/* SPDX-License-Identifier: MIT */
/*
 * Reading a captured ClientHello (--proxy-hello FILE): the firewall's own
 * egress hello, which nobody publishes, so users capture it.
 *
 * FILE is a packet capture (pcap or pcapng, as PAN-OS packet capture and
 * tcpdump write them; read with libpcap) or a hex dump of one ClientHello:
 * a plain hex stream (spaces, colons, line breaks and # comments allowed), or
 * Wireshark "hex dump", `xxd` or `hexdump -C` output with their offset
 * columns.  Either the TLS record(s) or the bare handshake message.
 *
 * From a capture the hello is the first TCP payload that starts a TLS
 * handshake record holding a ClientHello, reassembled from the segments
 * of that direction of that connection in sequence order until the whole
 * hello is there.  What comes out is always TLS records, byte for byte as
 * sent (a bare message gets one record header, version 0x0301).
 */
#ifndef CP_INPUT_HELLO_FILE_H
#define CP_INPUT_HELLO_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Largest file read as a hex dump; captures are read packet by packet. */
#define CP_HELLOFILE_MAX_TEXT (4u * 1024 * 1024)

struct cp_chello;

struct cp_hellofile {
	uint8_t *raw; /* the hello as TLS records (owned) */
	size_t len;
	struct cp_chello *hello; /* raw, parsed (owned) */
	char origin[192];        /* "packet 4, 10.0.0.1:50312 -> 10.0.0.9:443" or "hex dump" */
};

/*
 * Load the first ClientHello in path into out (zeroed first; free with
 * cp_hellofile_free).  On error, a sentence naming the file and what was
 * wrong in err.  Returns an enum cp_status (status.h): CP_OK; CP_EFILE
 * (the file cannot be read: missing, permissions), CP_EBADDATA (read, but
 * no usable ClientHello in it), CP_ENOMEM.
 */
int cp_hellofile_load(const char *path, struct cp_hellofile *out, char *err, size_t errlen);
void cp_hellofile_free(struct cp_hellofile *f);

/*
 * The bytes a hex dump spells (text[0..len), any of the forms above), at
 * most cap of them, into out; count in *n.  0, or -1 with the reason
 * (naming the line) in err.  Pure: for tests and fuzzing.
 */
int cp_hellofile_hex(const char *text, size_t len, uint8_t *out, size_t cap, size_t *n, char *err,
		     size_t errlen);

#endif
