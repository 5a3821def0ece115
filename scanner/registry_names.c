/* SPDX-License-Identifier: MIT */
/*
 * Names of the registry's enumerations.  Kept apart from registry.c so the
 * table generator (ciphersuites/gen-registry.c) links the same names it
 * validates the data files' tokens against: one spelling, one place.
 */
#include "registry.h"
#include "registry_data.h"

#define NAME_OF(table, v) ((size_t)(v) < sizeof(table) / sizeof((table)[0]) ? (table)[(v)] : "?")

static const char *const kx_names[CP_KX__COUNT] = {
	[CP_KX_NULL] = "NULL",
	[CP_KX_RSA] = "RSA",
	[CP_KX_RSA_EXPORT] = "RSA_EXPORT",
	[CP_KX_DH] = "DH",
	[CP_KX_DHE] = "DHE",
	[CP_KX_DH_anon] = "DH_anon",
	[CP_KX_ECDH] = "ECDH",
	[CP_KX_ECDHE] = "ECDHE",
	[CP_KX_ECDH_anon] = "ECDH_anon",
	[CP_KX_PSK] = "PSK",
	[CP_KX_DHE_PSK] = "DHE_PSK",
	[CP_KX_RSA_PSK] = "RSA_PSK",
	[CP_KX_ECDHE_PSK] = "ECDHE_PSK",
	[CP_KX_SRP] = "SRP",
	[CP_KX_KRB5] = "KRB5",
	[CP_KX_ECCPWD] = "ECCPWD",
	[CP_KX_GOST] = "GOST",
	[CP_KX_TLS13] = "TLS13",
	[CP_KX_SCSV] = "SCSV",
};

static const char *const au_names[CP_AU__COUNT] = {
	[CP_AU_NULL] = "NULL",   [CP_AU_RSA] = "RSA",     [CP_AU_DSS] = "DSS",
	[CP_AU_ECDSA] = "ECDSA", [CP_AU_anon] = "anon",   [CP_AU_PSK] = "PSK",
	[CP_AU_KRB5] = "KRB5",   [CP_AU_SRP] = "SRP",     [CP_AU_ECCPWD] = "ECCPWD",
	[CP_AU_GOST] = "GOST",   [CP_AU_TLS13] = "TLS13", [CP_AU_SCSV] = "SCSV",
};

static const char *const enc_names[CP_ENC__COUNT] = {
	[CP_ENC_NULL] = "NULL",   [CP_ENC_RC4] = "RC4",
	[CP_ENC_RC2] = "RC2",     [CP_ENC_DES] = "DES",
	[CP_ENC_DES40] = "DES40", [CP_ENC_3DES] = "3DES",
	[CP_ENC_IDEA] = "IDEA",   [CP_ENC_SEED] = "SEED",
	[CP_ENC_AES] = "AES",     [CP_ENC_CAMELLIA] = "CAMELLIA",
	[CP_ENC_ARIA] = "ARIA",   [CP_ENC_CHACHA20_POLY1305] = "CHACHA20_POLY1305",
	[CP_ENC_SM4] = "SM4",     [CP_ENC_GOST] = "GOST",
	[CP_ENC_AEGIS] = "AEGIS",
};

static const char *const mode_names[CP_MODE__COUNT] = {
	[CP_MODE_NONE] = "NONE", [CP_MODE_STREAM] = "STREAM", [CP_MODE_CBC] = "CBC",
	[CP_MODE_GCM] = "GCM",   [CP_MODE_CCM] = "CCM",       [CP_MODE_CCM8] = "CCM8",
	[CP_MODE_AEAD] = "AEAD", [CP_MODE_CTR] = "CTR",       [CP_MODE_MGM] = "MGM",
};

static const char *const mac_names[CP_MAC__COUNT] = {
	[CP_MAC_NULL] = "NULL",     [CP_MAC_MD5] = "MD5",       [CP_MAC_SHA1] = "SHA1",
	[CP_MAC_SHA256] = "SHA256", [CP_MAC_SHA384] = "SHA384", [CP_MAC_SM3] = "SM3",
	[CP_MAC_GOST] = "GOST",     [CP_MAC_AEAD] = "AEAD",
};

static const char *const strength_names[CP_STRENGTH__COUNT] = {
	[CP_STRENGTH_NULL] = "null",     [CP_STRENGTH_EXPORT] = "export",
	[CP_STRENGTH_WEAK] = "weak",     [CP_STRENGTH_LEGACY] = "legacy",
	[CP_STRENGTH_STRONG] = "strong",
};

static const char *const kind_names[] = {
	[CP_GROUP_EC] = "ec",   [CP_GROUP_XDH] = "xdh",       [CP_GROUP_FFDHE] = "ffdhe",
	[CP_GROUP_KEM] = "kem", [CP_GROUP_HYBRID] = "hybrid", [CP_GROUP_OTHER] = "other",
};

const char *cp_kx_name(enum cp_kx v)
{
	return NAME_OF(kx_names, v);
}
const char *cp_au_name(enum cp_au v)
{
	return NAME_OF(au_names, v);
}
const char *cp_enc_name(enum cp_enc v)
{
	return NAME_OF(enc_names, v);
}
const char *cp_mode_name(enum cp_mode v)
{
	return NAME_OF(mode_names, v);
}
const char *cp_mac_name(enum cp_mac v)
{
	return NAME_OF(mac_names, v);
}
const char *cp_strength_name(enum cp_strength v)
{
	return NAME_OF(strength_names, v);
}
const char *cp_group_kind_name(enum cp_group_kind v)
{
	return NAME_OF(kind_names, v);
}

int cp_reg_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'a' && ca <= 'z')
			ca = (unsigned char)(ca - 'a' + 'A');
		if (cb >= 'a' && cb <= 'z')
			cb = (unsigned char)(cb - 'a' + 'A');
		if (ca != cb || ca == '\0')
			return (int)ca - (int)cb;
	}
}
