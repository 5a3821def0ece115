/* SPDX-License-Identifier: MIT */
/*
 * Listener specifications: "NAME=BEHAVIOUR[,option...]" from the command
 * line, parsed into one plain struct per listener.  README.md documents
 * every behaviour and option.
 */
#ifndef TF_CONFIG_H
#define TF_CONFIG_H

#include <stddef.h>
#include <stdint.h>

enum tf_behaviour {
	TF_B_ACCEPT,
	TF_B_SSLV2,
	TF_B_CLOSE,
	TF_B_RESET,
	TF_B_SILENT,
	TF_B_TRICKLE,
	TF_B_GARBAGE,
	TF_B_BIGRECORD,
	TF_B_BIGMSG,
	TF_B_ALERT,
	TF_B_HTTP
};

enum tf_cert { TF_CERT_RSA, TF_CERT_ECDSA };

#define TF_NAME_MAX 32
#define TF_LIST_MAX 512

/* Bit for version v (0x0300..0x0304) in tf_cfg.versions. */
#define TF_VBIT(v) (1u << ((v)-0x0300))

struct tf_cfg {
	char name[TF_NAME_MAX + 1];
	enum tf_behaviour behaviour;
	unsigned versions;
	uint16_t suites[TF_LIST_MAX];
	size_t nsuites;
	uint16_t groups[TF_LIST_MAX];
	size_t ngroups;
	uint32_t kinds[TF_LIST_MAX]; /* SSLv2 cipher kinds */
	size_t nkinds;
	int server_order;
	enum tf_cert cert;
	int evil_cert;
	int pad_reject;
	unsigned max_suites; /* 0: no limit */
	int unoffered;
	int unoffered_version;
	int unoffered_group;
	int sh_alert;
	int sh_hang;
	int sh_drip;
	int onebyte;
	int hrr;
	unsigned delay_ms;
	unsigned timeout_ms;  /* idle timeout; 0: never */
	unsigned interval_ms; /* trickle pace */
	size_t bytes;         /* garbage/bigrecord/bigmsg volume */
};

/* Largest bytes= value: keeps every reply under the output cap. */
#define TF_BYTES_MAX (256u * 1024u)

/*
 * Parses one listener spec into *c.  Returns 0, or -1 with a message for
 * the user in err.
 */
int tf_cfg_parse(const char *spec, struct tf_cfg *c, char *err, size_t errlen);
const char *tf_behaviour_name(enum tf_behaviour b);

#endif
