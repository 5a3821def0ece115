#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Signature schemes a server signs with: the expectation, its proof, the check.

Used by tests/integ/sigalgs.sh (see there).  Subcommands:

  expect KEY SIGALGS      the schemes the server must sign with, per version,
                          from its own configuration: KEY is the certificate
                          key (rsa, rsa-pss, ec:CURVE, ed25519, ed448) and
                          SIGALGS the colon list given to s_server -sigalgs.
                          Rules: RFC 8446 4.2.3 (TLS 1.3: rsa_pss_rsae needs
                          an rsaEncryption key, rsa_pss_pss an RSASSA-PSS key,
                          ecdsa_secpN_shaM a key on curve secpN, rsa_pkcs1 and
                          SHA-1 never sign the handshake) and RFC 5246 7.4.1.4.1
                          with RFC 8422 5.1.1 (TLS 1.2: an ECDSA scheme names the
                          hash only, rsa_pkcs1 needs an rsaEncryption key).
                          Prints JSON {"TLSv1.3": [...], "TLSv1.2": [...]}.
  oracle PORT EXPECT TSV  prove EXPECT with openssl s_client: one handshake per
                          probed scheme (the names of ciphersuites/sigschemes.tsv)
                          and version, offering that scheme alone; it must
                          succeed exactly for the expected ones.
  check EXPECT SCAN       compare cipherprobe's JSON document with EXPECT.
"""
import json
import re
import subprocess
import sys

VERSIONS = ("TLSv1.3", "TLSv1.2")
FLAG = {"TLSv1.3": "-tls1_3", "TLSv1.2": "-tls1_2"}


def usable(scheme, version, key):
    kind, _, curve = key.partition(":")
    tls13 = version == "TLSv1.3"
    if scheme.startswith("rsa_pss_rsae_"):
        return kind == "rsa"
    if scheme.startswith("rsa_pss_pss_"):
        return kind == "rsa-pss"
    if scheme.startswith("rsa_pkcs1_"):
        return kind == "rsa" and not tls13 and not scheme.endswith("_legacy")
    if scheme == "ecdsa_sha1":
        return kind == "ec" and not tls13
    m = re.match(r"ecdsa_(secp\d+r1)_sha\d+$", scheme)
    if m:
        return kind == "ec" and (not tls13 or m.group(1) == curve)
    if re.match(r"ecdsa_brainpoolP\d+r1tls13_sha\d+$", scheme):
        return kind == "ec" and tls13 and scheme.split("_")[1].replace("tls13", "") == curve
    if scheme in ("ed25519", "ed448"):
        return kind == scheme
    return False


def expect(key, sigalgs):
    names = [s for s in sigalgs.split(":") if s]
    return {v: [s for s in names if usable(s, v, key)] for v in VERSIONS}


def probed(tsv):
    """(name, versions) of every row of sigschemes.tsv."""
    rows = []
    header = True
    with open(tsv) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            f_ = line.rstrip("\n").split("\t")
            if header:
                header = False
                continue
            rows.append((f_[1], f_[4].split(",")))
    return rows


def s_client_ok(port, version, scheme):
    argv = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-brief",
            FLAG[version], "-sigalgs", scheme]
    if version == "TLSv1.2":
        # signed key exchange only: RSA key exchange signs nothing
        argv += ["-cipher", "ECDHE:DHE:@SECLEVEL=0"]
    try:
        p = subprocess.run(argv, input="", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return None
    return bool(re.search(r"^Protocol version: ", p.stdout, re.M))


def oracle(port, exp, tsv):
    bad = 0
    for name, vers in probed(tsv):
        for v in VERSIONS:
            if ("TLS13" if v == "TLSv1.3" else "TLS12") not in vers:
                continue
            want = name in exp[v]
            got = s_client_ok(port, v, name)
            if got is None or got != want:
                print("# s_client %s -sigalgs %s: %s, expected %s" %
                      (v, name, "timeout" if got is None else ("accepted" if got else "refused"),
                       "accepted" if want else "refused"))
                bad += 1
    print("# oracle: %s" % ("every probed scheme as expected" if not bad else "%d disagreements" % bad))
    return 1 if bad else 0


def check(exp, doc):
    t = doc["targets"][0]
    if t.get("status") != "ok":
        print("# scan status %s: %s" % (t.get("status"), t.get("error")))
        return 1
    got = {v: [] for v in VERSIONS}
    for s in t.get("signature_algorithms", []):
        for v in s["versions"]:
            got.setdefault(v, []).append(s["name"])
    rc = 0
    for v in VERSIONS:
        if sorted(got[v]) != sorted(exp[v]):
            print("# %s: cipherprobe found %s, the server signs with %s" % (v, got[v], exp[v]))
            rc = 1
    for v in got:
        if v not in VERSIONS and got[v]:
            print("# schemes reported for %s: %s" % (v, got[v]))
            rc = 1
    if t.get("signature_algorithms_probed") is not True:
        print("# signature_algorithms_probed is %r" % t.get("signature_algorithms_probed"))
        rc = 1
    if t.get("violations"):
        print("# violations: %s" % t["violations"])
        rc = 1
    return rc


def main(argv):
    if len(argv) == 4 and argv[1] == "expect":
        print(json.dumps(expect(argv[2], argv[3])))
        return 0
    if len(argv) == 5 and argv[1] == "oracle":
        with open(argv[3]) as f:
            return oracle(int(argv[2]), json.load(f), argv[4])
    if len(argv) == 4 and argv[1] == "check":
        with open(argv[2]) as f, open(argv[3]) as g:
            return check(json.load(f), json.load(g))
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
