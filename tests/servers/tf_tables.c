/* SPDX-License-Identifier: MIT */
/*
 * Suite and group facts, taken from the IANA TLS registries
 * (the CSV files under ciphersuites/iana/): a suite is listed here only when
 * its key exchange changes what the server sends after ServerHello.
 */
#include "config.h"

#include <stdlib.h>

#include "tf_tables.h"

struct kx_entry {
	uint16_t suite;
	uint8_t kx;
};

/* Sorted by code point, for bsearch. */
static const struct kx_entry kx_table[] = {
	{ 0x0011, TF_KX_DHE },       { 0x0012, TF_KX_DHE },       { 0x0013, TF_KX_DHE },
	{ 0x0014, TF_KX_DHE },       { 0x0015, TF_KX_DHE },       { 0x0016, TF_KX_DHE },
	{ 0x0017, TF_KX_DH_ANON },   { 0x0018, TF_KX_DH_ANON },   { 0x0019, TF_KX_DH_ANON },
	{ 0x001A, TF_KX_DH_ANON },   { 0x001B, TF_KX_DH_ANON },   { 0x002C, TF_KX_PSK },
	{ 0x002D, TF_KX_DHE_PSK },   { 0x0032, TF_KX_DHE },       { 0x0033, TF_KX_DHE },
	{ 0x0034, TF_KX_DH_ANON },   { 0x0038, TF_KX_DHE },       { 0x0039, TF_KX_DHE },
	{ 0x003A, TF_KX_DH_ANON },   { 0x0040, TF_KX_DHE },       { 0x0044, TF_KX_DHE },
	{ 0x0045, TF_KX_DHE },       { 0x0046, TF_KX_DH_ANON },   { 0x0067, TF_KX_DHE },
	{ 0x006A, TF_KX_DHE },       { 0x006B, TF_KX_DHE },       { 0x006C, TF_KX_DH_ANON },
	{ 0x006D, TF_KX_DH_ANON },   { 0x0087, TF_KX_DHE },       { 0x0088, TF_KX_DHE },
	{ 0x0089, TF_KX_DH_ANON },   { 0x008A, TF_KX_PSK },       { 0x008B, TF_KX_PSK },
	{ 0x008C, TF_KX_PSK },       { 0x008D, TF_KX_PSK },       { 0x008E, TF_KX_DHE_PSK },
	{ 0x008F, TF_KX_DHE_PSK },   { 0x0090, TF_KX_DHE_PSK },   { 0x0091, TF_KX_DHE_PSK },
	{ 0x0099, TF_KX_DHE },       { 0x009A, TF_KX_DHE },       { 0x009B, TF_KX_DH_ANON },
	{ 0x009E, TF_KX_DHE },       { 0x009F, TF_KX_DHE },       { 0x00A2, TF_KX_DHE },
	{ 0x00A3, TF_KX_DHE },       { 0x00A6, TF_KX_DH_ANON },   { 0x00A7, TF_KX_DH_ANON },
	{ 0x00A8, TF_KX_PSK },       { 0x00A9, TF_KX_PSK },       { 0x00AA, TF_KX_DHE_PSK },
	{ 0x00AB, TF_KX_DHE_PSK },   { 0x00AE, TF_KX_PSK },       { 0x00AF, TF_KX_PSK },
	{ 0x00B0, TF_KX_PSK },       { 0x00B1, TF_KX_PSK },       { 0x00B2, TF_KX_DHE_PSK },
	{ 0x00B3, TF_KX_DHE_PSK },   { 0x00B4, TF_KX_DHE_PSK },   { 0x00B5, TF_KX_DHE_PSK },
	{ 0x00BD, TF_KX_DHE },       { 0x00BE, TF_KX_DHE },       { 0x00BF, TF_KX_DH_ANON },
	{ 0x00C3, TF_KX_DHE },       { 0x00C4, TF_KX_DHE },       { 0x00C5, TF_KX_DH_ANON },
	{ 0x00C6, TF_KX_TLS13 },     { 0x00C7, TF_KX_TLS13 },     { 0xC006, TF_KX_ECDHE },
	{ 0xC007, TF_KX_ECDHE },     { 0xC008, TF_KX_ECDHE },     { 0xC009, TF_KX_ECDHE },
	{ 0xC00A, TF_KX_ECDHE },     { 0xC010, TF_KX_ECDHE },     { 0xC011, TF_KX_ECDHE },
	{ 0xC012, TF_KX_ECDHE },     { 0xC013, TF_KX_ECDHE },     { 0xC014, TF_KX_ECDHE },
	{ 0xC015, TF_KX_ECDH_ANON }, { 0xC016, TF_KX_ECDH_ANON }, { 0xC017, TF_KX_ECDH_ANON },
	{ 0xC018, TF_KX_ECDH_ANON }, { 0xC019, TF_KX_ECDH_ANON }, { 0xC023, TF_KX_ECDHE },
	{ 0xC024, TF_KX_ECDHE },     { 0xC027, TF_KX_ECDHE },     { 0xC028, TF_KX_ECDHE },
	{ 0xC02B, TF_KX_ECDHE },     { 0xC02C, TF_KX_ECDHE },     { 0xC02F, TF_KX_ECDHE },
	{ 0xC030, TF_KX_ECDHE },     { 0xC033, TF_KX_ECDHE_PSK }, { 0xC034, TF_KX_ECDHE_PSK },
	{ 0xC035, TF_KX_ECDHE_PSK }, { 0xC036, TF_KX_ECDHE_PSK }, { 0xC037, TF_KX_ECDHE_PSK },
	{ 0xC038, TF_KX_ECDHE_PSK }, { 0xC039, TF_KX_ECDHE_PSK }, { 0xC03A, TF_KX_ECDHE_PSK },
	{ 0xC03B, TF_KX_ECDHE_PSK }, { 0xC042, TF_KX_DHE },       { 0xC043, TF_KX_DHE },
	{ 0xC044, TF_KX_DHE },       { 0xC045, TF_KX_DHE },       { 0xC046, TF_KX_DH_ANON },
	{ 0xC047, TF_KX_DH_ANON },   { 0xC048, TF_KX_ECDHE },     { 0xC049, TF_KX_ECDHE },
	{ 0xC04C, TF_KX_ECDHE },     { 0xC04D, TF_KX_ECDHE },     { 0xC052, TF_KX_DHE },
	{ 0xC053, TF_KX_DHE },       { 0xC056, TF_KX_DHE },       { 0xC057, TF_KX_DHE },
	{ 0xC05A, TF_KX_DH_ANON },   { 0xC05B, TF_KX_DH_ANON },   { 0xC05C, TF_KX_ECDHE },
	{ 0xC05D, TF_KX_ECDHE },     { 0xC060, TF_KX_ECDHE },     { 0xC061, TF_KX_ECDHE },
	{ 0xC064, TF_KX_PSK },       { 0xC065, TF_KX_PSK },       { 0xC066, TF_KX_DHE_PSK },
	{ 0xC067, TF_KX_DHE_PSK },   { 0xC06A, TF_KX_PSK },       { 0xC06B, TF_KX_PSK },
	{ 0xC06C, TF_KX_DHE_PSK },   { 0xC06D, TF_KX_DHE_PSK },   { 0xC070, TF_KX_ECDHE_PSK },
	{ 0xC071, TF_KX_ECDHE_PSK }, { 0xC072, TF_KX_ECDHE },     { 0xC073, TF_KX_ECDHE },
	{ 0xC076, TF_KX_ECDHE },     { 0xC077, TF_KX_ECDHE },     { 0xC07C, TF_KX_DHE },
	{ 0xC07D, TF_KX_DHE },       { 0xC080, TF_KX_DHE },       { 0xC081, TF_KX_DHE },
	{ 0xC084, TF_KX_DH_ANON },   { 0xC085, TF_KX_DH_ANON },   { 0xC086, TF_KX_ECDHE },
	{ 0xC087, TF_KX_ECDHE },     { 0xC08A, TF_KX_ECDHE },     { 0xC08B, TF_KX_ECDHE },
	{ 0xC08E, TF_KX_PSK },       { 0xC08F, TF_KX_PSK },       { 0xC090, TF_KX_DHE_PSK },
	{ 0xC091, TF_KX_DHE_PSK },   { 0xC094, TF_KX_PSK },       { 0xC095, TF_KX_PSK },
	{ 0xC096, TF_KX_DHE_PSK },   { 0xC097, TF_KX_DHE_PSK },   { 0xC09A, TF_KX_ECDHE_PSK },
	{ 0xC09B, TF_KX_ECDHE_PSK }, { 0xC09E, TF_KX_DHE },       { 0xC09F, TF_KX_DHE },
	{ 0xC0A2, TF_KX_DHE },       { 0xC0A3, TF_KX_DHE },       { 0xC0A4, TF_KX_PSK },
	{ 0xC0A5, TF_KX_PSK },       { 0xC0A6, TF_KX_DHE_PSK },   { 0xC0A7, TF_KX_DHE_PSK },
	{ 0xC0A8, TF_KX_PSK },       { 0xC0A9, TF_KX_PSK },       { 0xC0AA, TF_KX_PSK },
	{ 0xC0AB, TF_KX_PSK },       { 0xC0AC, TF_KX_ECDHE },     { 0xC0AD, TF_KX_ECDHE },
	{ 0xC0AE, TF_KX_ECDHE },     { 0xC0AF, TF_KX_ECDHE },     { 0xCCA8, TF_KX_ECDHE },
	{ 0xCCA9, TF_KX_ECDHE },     { 0xCCAA, TF_KX_DHE },       { 0xCCAB, TF_KX_PSK },
	{ 0xCCAC, TF_KX_ECDHE_PSK }, { 0xCCAD, TF_KX_DHE_PSK },   { 0xD001, TF_KX_ECDHE_PSK },
	{ 0xD002, TF_KX_ECDHE_PSK }, { 0xD003, TF_KX_ECDHE_PSK }, { 0xD005, TF_KX_ECDHE_PSK },
};

static int kx_cmp(const void *a, const void *b)
{
	const struct kx_entry *x = a, *y = b;

	return (int)x->suite - (int)y->suite;
}

enum tf_kx tf_suite_kx(uint16_t suite)
{
	struct kx_entry key = { suite, 0 };
	const struct kx_entry *e;

	/* RFC 8446 B.4: the whole 0x13 block is TLS 1.3's. */
	if ((suite >> 8) == 0x13)
		return TF_KX_TLS13;
	e = bsearch(&key, kx_table, sizeof kx_table / sizeof kx_table[0], sizeof kx_table[0],
		    kx_cmp);
	return e ? (enum tf_kx)e->kx : TF_KX_OTHER;
}

int tf_kx_needs_curve(enum tf_kx kx)
{
	return kx == TF_KX_ECDHE || kx == TF_KX_ECDH_ANON || kx == TF_KX_ECDHE_PSK;
}

int tf_kx_sends_cert(enum tf_kx kx)
{
	return kx == TF_KX_OTHER || kx == TF_KX_ECDHE || kx == TF_KX_DHE;
}

/*
 * Share sizes: RFC 8446 4.2.8 (EC, XDH, FFDHE), FIPS 203 (ML-KEM
 * ciphertexts: 768/1088/1568 bytes), draft-kwiatkowski-tls-ecdhe-mlkem 3
 * (hybrids; X25519MLKEM768 puts the ML-KEM part first, the others last).
 */
static const struct tf_group groups[] = {
	{ 29, "x25519", TF_G_XDH, "X25519", NULL, 32, 0, 0, 1, 1 },
	{ 23, "secp256r1", TF_G_EC, "EC", "P-256", 65, 0, 0, 1, 1 },
	{ 24, "secp384r1", TF_G_EC, "EC", "P-384", 97, 0, 0, 1, 1 },
	{ 25, "secp521r1", TF_G_EC, "EC", "P-521", 133, 0, 0, 1, 1 },
	{ 30, "x448", TF_G_XDH, "X448", NULL, 56, 0, 0, 1, 1 },
	{ 19, "secp192r1", TF_G_EC, "EC", "prime192v1", 49, 0, 0, 1, 0 },
	{ 21, "secp224r1", TF_G_EC, "EC", "secp224r1", 57, 0, 0, 1, 0 },
	{ 22, "secp256k1", TF_G_EC, "EC", "secp256k1", 65, 0, 0, 1, 0 },
	{ 26, "brainpoolP256r1", TF_G_EC, "EC", "brainpoolP256r1", 65, 0, 0, 1, 0 },
	{ 27, "brainpoolP384r1", TF_G_EC, "EC", "brainpoolP384r1", 97, 0, 0, 1, 0 },
	{ 28, "brainpoolP512r1", TF_G_EC, "EC", "brainpoolP512r1", 129, 0, 0, 1, 0 },
	{ 31, "brainpoolP256r1tls13", TF_G_EC, "EC", "brainpoolP256r1", 65, 0, 0, 0, 1 },
	{ 32, "brainpoolP384r1tls13", TF_G_EC, "EC", "brainpoolP384r1", 97, 0, 0, 0, 1 },
	{ 33, "brainpoolP512r1tls13", TF_G_EC, "EC", "brainpoolP512r1", 129, 0, 0, 0, 1 },
	{ 256, "ffdhe2048", TF_G_FFDHE, "DH", "ffdhe2048", 256, 0, 0, 0, 1 },
	{ 257, "ffdhe3072", TF_G_FFDHE, "DH", "ffdhe3072", 384, 0, 0, 0, 1 },
	{ 258, "ffdhe4096", TF_G_FFDHE, "DH", "ffdhe4096", 512, 0, 0, 0, 1 },
	{ 259, "ffdhe6144", TF_G_FFDHE, "DH", "ffdhe6144", 768, 0, 0, 0, 1 },
	{ 260, "ffdhe8192", TF_G_FFDHE, "DH", "ffdhe8192", 1024, 0, 0, 0, 1 },
	{ 512, "MLKEM512", TF_G_KEM, NULL, NULL, 0, 768, 1, 0, 1 },
	{ 513, "MLKEM768", TF_G_KEM, NULL, NULL, 0, 1088, 1, 0, 1 },
	{ 514, "MLKEM1024", TF_G_KEM, NULL, NULL, 0, 1568, 1, 0, 1 },
	{ 0x11EB, "SecP256r1MLKEM768", TF_G_HYBRID, "EC", "P-256", 65, 1088, 0, 0, 1 },
	{ 0x11EC, "X25519MLKEM768", TF_G_HYBRID, "X25519", NULL, 32, 1088, 1, 0, 1 },
	{ 0x11ED, "SecP384r1MLKEM1024", TF_G_HYBRID, "EC", "P-384", 97, 1568, 0, 0, 1 },
};

const struct tf_group *tf_group_find(uint16_t id)
{
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if (groups[i].id == id)
			return &groups[i];
	return NULL;
}

const struct tf_group *tf_group_at(size_t i)
{
	return i < sizeof groups / sizeof groups[0] ? &groups[i] : NULL;
}

size_t tf_group_count(void)
{
	return sizeof groups / sizeof groups[0];
}

size_t tf_group_share_len(const struct tf_group *g)
{
	return (size_t)g->classic_len + g->kem_len;
}

const uint8_t tf_hrr_random[32] = {
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
	0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
	0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};
