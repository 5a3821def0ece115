#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One-off helper: draft ciphersuites/suites.tsv from the IANA registry.

NOT run at build time.  It was run once to produce the first draft of
suites.tsv, which was then reviewed and corrected by hand; suites.tsv (not
this script) is the source of truth.  Re-running it overwrites those hand
edits, so only use it to diff against when IANA adds suites:

    python3 ciphersuites/tools/draft-attributes.py > /tmp/draft.tsv
    diff -u ciphersuites/suites.tsv /tmp/draft.tsv

Attributes are parsed from the IANA name (TLS_<KX>_WITH_<ENC>_<MAC>).
OpenSSL names come from the installed OpenSSL, never from memory:
  1. `openssl ciphers -V` with the default and legacy providers and every
     TLS 1.3 suite (what this OpenSSL can negotiate), then
  2. the SSL3_TXT_* / TLS1_TXT_* macros in the installed <openssl/ssl3.h>
     and <openssl/tls1.h>, paired with the *_CK_* code macros of the same
     suffix (suites the library still names but no longer builds: 3DES,
     RC4, DES, export).
"""
import csv
import re
import subprocess
import sys

IANA = 'ciphersuites/iana/tls-cipher-suites.csv'
HEADERS = ['/usr/include/openssl/ssl3.h', '/usr/include/openssl/tls1.h']


def iana_assigned(path):
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    for r in rows[1:]:
        m = re.fullmatch(r'0x([0-9A-F]{2}),0x([0-9A-F]{2})', r[0])
        if not m or r[1].startswith(('Reserved', 'Unassigned')):
            continue
        yield int(m.group(1) + m.group(2), 16), r[1]


# Every TLS 1.3 suite OpenSSL 3.0 has; its default list leaves out the CCM ones.
TLS13_ALL = ('TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:'
             'TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:'
             'TLS_AES_128_CCM_8_SHA256')


def openssl_runtime():
    names = {}
    for args in (['-provider', 'legacy', '-provider', 'default'], []):
        try:
            out = subprocess.run(['openssl', 'ciphers'] + args +
                                 ['-V', '-ciphersuites', TLS13_ALL,
                                  'ALL:COMPLEMENTOFALL:@SECLEVEL=0'],
                                 capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            continue
        for line in out.splitlines():
            m = re.match(r'\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)', line)
            if m:
                names.setdefault(int(m.group(1) + m.group(2), 16), m.group(3))
    return names


def openssl_headers():
    ck, txt = {}, {}
    for h in HEADERS:
        with open(h) as f:
            for line in f:
                m = re.match(r'#\s*define\s+(SSL3|TLS1)_CK_(\w+)\s+0x0300([0-9A-Fa-f]{4})\b', line)
                if m:
                    ck[m.group(2)] = int(m.group(3), 16)
                m = re.match(r'#\s*define\s+(SSL3|TLS1)_TXT_(\w+)\s+"([^"]+)"', line)
                if m:
                    txt[m.group(2)] = m.group(3)
    names = {}
    for suffix, code in ck.items():
        # EDH- spellings are pre-1.1.0 aliases of the DHE- names.
        if suffix in txt and not suffix.startswith('EDH_'):
            names.setdefault(code, txt[suffix])
    return names


KX_AU = {
    'NULL': ('NULL', 'NULL'), 'RSA': ('RSA', 'RSA'),
    'RSA_EXPORT': ('RSA_EXPORT', 'RSA'),
    'DH_DSS': ('DH', 'DSS'), 'DH_RSA': ('DH', 'RSA'),
    'DHE_DSS': ('DHE', 'DSS'), 'DHE_RSA': ('DHE', 'RSA'),
    'DH_anon': ('DH_anon', 'anon'),
    'ECDH_ECDSA': ('ECDH', 'ECDSA'), 'ECDH_RSA': ('ECDH', 'RSA'),
    'ECDHE_ECDSA': ('ECDHE', 'ECDSA'), 'ECDHE_RSA': ('ECDHE', 'RSA'),
    'ECDH_anon': ('ECDH_anon', 'anon'),
    'PSK': ('PSK', 'PSK'), 'DHE_PSK': ('DHE_PSK', 'PSK'),
    'PSK_DHE': ('DHE_PSK', 'PSK'), 'RSA_PSK': ('RSA_PSK', 'RSA'),
    'ECDHE_PSK': ('ECDHE_PSK', 'PSK'),
    'SRP_SHA': ('SRP', 'SRP'), 'SRP_SHA_RSA': ('SRP', 'RSA'),
    'SRP_SHA_DSS': ('SRP', 'DSS'),
    'KRB5': ('KRB5', 'KRB5'), 'ECCPWD': ('ECCPWD', 'ECCPWD'),
    'GOSTR341112_256': ('GOST', 'GOST'),
}

# IANA cipher token -> (enc, bits, mode)
ENC = [
    (r'NULL', ('NULL', 0, 'NONE')),
    (r'RC4_40', ('RC4', 40, 'STREAM')), (r'RC4_128', ('RC4', 128, 'STREAM')),
    (r'RC2_CBC_40', ('RC2', 40, 'CBC')),
    (r'DES40_CBC', ('DES40', 40, 'CBC')), (r'DES_CBC_40', ('DES40', 40, 'CBC')),
    (r'DES_CBC', ('DES', 56, 'CBC')), (r'3DES_EDE_CBC', ('3DES', 168, 'CBC')),
    (r'IDEA_CBC', ('IDEA', 128, 'CBC')), (r'SEED_CBC', ('SEED', 128, 'CBC')),
    (r'(AES|CAMELLIA|ARIA)_(128|256)_(CBC|GCM|CCM_8|CCM)', None),
    (r'CHACHA20_POLY1305', ('CHACHA20_POLY1305', 256, 'AEAD')),
    (r'KUZNYECHIK_CTR_OMAC', ('GOST', 256, 'CTR')),
    (r'MAGMA_CTR_OMAC', ('GOST', 256, 'CTR')),
    (r'28147_CNT_IMIT', ('GOST', 256, 'CTR')),
    (r'(KUZNYECHIK|MAGMA)_MGM_[LS]', ('GOST', 256, 'MGM')),
]

VERS_ALL12 = 'SSL3,TLS10,TLS11,TLS12'

HEADER = """\
# Cipher-suite attributes: one row per assigned code point of
# iana/tls-cipher-suites.csv (gen-registry fails on a missing, extra or
# misnamed row).  Drafted by tools/draft-attributes.py, then reviewed by
# hand: this file, not the script, is the source of truth.  Rules for each
# column, and the edge cases, are in README.md.
# id        code point, 0xHHHH
# name      IANA name, exactly
# openssl   OpenSSL's name, '-' if the installed OpenSSL does not name it
# kx au enc mode mac strength   enum suffixes from scanner/registry.h
# bits      effective key bits (40 for export, 168 for 3DES as OpenSSL says)
# versions  SSL2 SSL3 TLS10 TLS11 TLS12 TLS13, comma-separated
"""


def parse(code, name):
    """Returns (kx, au, enc, bits, mode, mac, versions) or None."""
    if name in ('TLS_EMPTY_RENEGOTIATION_INFO_SCSV', 'TLS_FALLBACK_SCSV'):
        return ('SCSV', 'SCSV', 'NULL', 0, 'NONE', 'NULL', VERS_ALL12)
    if name == 'TLS_NULL_WITH_NULL_NULL':
        return ('NULL', 'NULL', 'NULL', 0, 'NONE', 'NULL', VERS_ALL12)
    if '_WITH_' not in name:
        # TLS 1.3 style: TLS_<AEAD>_<HASH>
        body = name[4:]
        m = re.fullmatch(r'(.*)_(SHA256|SHA384|SM3)', body)
        if not m:
            return None
        cipher, mac = m.groups()
        t = {'AES_128_GCM': ('AES', 128, 'GCM'), 'AES_256_GCM': ('AES', 256, 'GCM'),
             'AES_128_CCM': ('AES', 128, 'CCM'), 'AES_128_CCM_8': ('AES', 128, 'CCM8'),
             'CHACHA20_POLY1305': ('CHACHA20_POLY1305', 256, 'AEAD'),
             'AEGIS_256': ('AEGIS', 256, 'AEAD'), 'AEGIS_128L': ('AEGIS', 128, 'AEAD'),
             'SM4_GCM': ('SM4', 128, 'GCM'), 'SM4_CCM': ('SM4', 128, 'CCM'),
             'SHA256': ('NULL', 0, 'NONE'), 'SHA384': ('NULL', 0, 'NONE')}.get(cipher)
        if t is None:
            return None
        return ('TLS13', 'TLS13') + t + (mac, 'TLS13')
    kxs, rest = name[4:].split('_WITH_', 1)
    export = '_EXPORT' in kxs and kxs != 'RSA_EXPORT'
    if kxs.endswith('_EXPORT'):
        kxs = kxs[:-7]
        if kxs == 'RSA':
            kxs = 'RSA_EXPORT'
        export = True
    if kxs not in KX_AU:
        return None
    kx, au = KX_AU[kxs]
    if kx == 'GOST':
        for pat, t in ENC:
            if re.fullmatch(pat, rest) and t:
                enc, bits, mode = t
                if mode == 'MGM':
                    return ('TLS13', 'TLS13', enc, bits, mode, 'GOST', 'TLS13')
                return (kx, au, enc, bits, mode, 'GOST', 'TLS12')
        return None
    m = re.fullmatch(r'(.*?)(?:_(SHA|SHA256|SHA384|MD5))?', rest)
    cipher, mac = m.group(1), m.group(2)
    enc = None
    for pat, t in ENC:
        mm = re.fullmatch(pat, cipher)
        if mm:
            if t is None:
                fam, bits, mode = mm.groups()
                t = (fam, int(bits), mode.replace('_', ''))
            enc = t
            break
    if enc is None:
        return None
    enc, bits, mode = enc
    if export and bits > 40:
        bits = 40
    if mac is None:
        # CCM suites without a hash suffix use the SHA-256 PRF (RFC 6655).
        mac = 'SHA256'
    mac = {'SHA': 'SHA1'}.get(mac, mac)
    if export:
        vers = 'SSL3,TLS10'               # RFC 4346: not negotiable in TLS 1.1
    elif (kx in ('PSK', 'DHE_PSK', 'RSA_PSK', 'ECDHE_PSK') and
          mode in ('CBC', 'NONE') and enc in ('AES', 'CAMELLIA', 'NULL')):
        # RFC 5487 3.2, RFC 5489 and RFC 6367 3.3 allow these PSK CBC/NULL
        # suites with SHA-256/384 HMAC before TLS 1.2 (with the old PRF).
        vers = 'TLS10,TLS11,TLS12' if kx == 'ECDHE_PSK' or mac != 'SHA1' else VERS_ALL12
    elif mode in ('GCM', 'CCM', 'CCM8', 'AEAD') or mac in ('SHA256', 'SHA384'):
        vers = 'TLS12'
    elif enc in ('DES', 'IDEA'):
        vers = 'SSL3,TLS10,TLS11'         # RFC 5469: not in TLS 1.2
    elif kx in ('ECDH', 'ECDHE', 'ECDH_anon', 'ECDHE_PSK'):
        vers = 'TLS10,TLS11,TLS12'        # RFC 8422 / RFC 5489: TLS 1.0+
    else:
        vers = VERS_ALL12
    return (kx, au, enc, bits, mode, mac, vers)


FS_KX = {'DHE', 'ECDHE', 'DHE_PSK', 'ECDHE_PSK', 'ECCPWD', 'TLS13'}


def strength(kx, au, enc, bits, mode, mac):
    """Worst class that applies; the rule is written in ciphersuites/README.md."""
    if kx == 'SCSV':
        return 'NULL'
    if enc == 'NULL' or au in ('NULL', 'anon'):
        return 'NULL'
    if bits <= 56 and enc in ('RC4', 'RC2', 'DES40') or kx == 'RSA_EXPORT':
        return 'EXPORT'
    if enc in ('RC4', 'DES', '3DES', 'RC2', 'IDEA') or mac == 'MD5':
        return 'WEAK'
    if mode == 'CCM8':
        return 'LEGACY'
    if mode in ('GCM', 'CCM', 'AEAD', 'MGM') and kx in FS_KX:
        return 'STRONG'
    return 'LEGACY'


def main():
    rt, hdr = openssl_runtime(), openssl_headers()
    print(HEADER, end='')
    print('id\tname\topenssl\tkx\tau\tenc\tbits\tmode\tmac\tversions\tstrength')
    bad = 0
    for code, name in iana_assigned(IANA):
        a = parse(code, name)
        if a is None:
            print(f'cannot parse {name}', file=sys.stderr)
            bad += 1
            continue
        kx, au, enc, bits, mode, mac, vers = a
        ossl = rt.get(code) or hdr.get(code) or '-'
        print('\t'.join([f'0x{code:04X}', name, ossl, kx, au, enc, str(bits),
                         mode, mac, vers, strength(kx, au, enc, bits, mode, mac)]))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
