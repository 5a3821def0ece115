#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Expected accepted sets of a loopback test server, from its own configuration.

cipherprobe's integration tests compare the scanner's JSON with what the
server is configured to accept.  This script derives that expectation from
the exact argv the server was started with, by asking the server's own TLS
stack, never cipherprobe:

  openssl s_server  ->  `openssl ciphers -V -s <version> [-ciphersuites ..] STR`
                        per version, filtered by what the certificate's key
                        can authenticate (the Au= column); groups from
                        -groups/-curves, or, when none are configured, by
                        asking the server with `openssl s_client -groups G`.
  gnutls-serv       ->  `gnutls-cli --list --priority STR`: suites with their
                        minimum version, protocols, key exchanges and groups.

  expect.py openssl ARGV_FILE [--port P]  > expect.json
  expect.py gnutls  ARGV_FILE [--port P]  > expect.json
  expect.py show    EXPECT.json            human summary as TAP comments
  expect.py verify  EXPECT.json --port P   prove the expectation against the
                        running server with an independent client (openssl
                        s_client / gnutls-cli): every expected suite and group
                        is accepted alone, everything else is refused, and
                        the server's preference order is what we predicted.

ARGV_FILE holds the server's argv, NUL-separated (tests/integ/lib.sh writes
it when it starts the server).  Options this script does not understand are
an error: guessing would make the expectation silently wrong.
"""

import csv
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
IANA_DIR = os.environ.get("INTEG_IANA_DIR") or os.path.join(
    os.environ.get("top_srcdir") or os.path.join(HERE, "..", ".."), "ciphersuites", "iana")

VERSIONS = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
OSSL_FLAG = {"TLSv1.0": "-tls1", "TLSv1.1": "-tls1_1", "TLSv1.2": "-tls1_2", "TLSv1.3": "-tls1_3"}
OSSL_PROTO_NAME = {"TLSv1": "TLSv1.0", "TLSv1.1": "TLSv1.1", "TLSv1.2": "TLSv1.2", "TLSv1.3": "TLSv1.3"}
GNUTLS_VERS = {"VERS-TLS1.0": "TLSv1.0", "VERS-TLS1.1": "TLSv1.1", "VERS-TLS1.2": "TLSv1.2",
               "VERS-TLS1.3": "TLSv1.3", "VERS-SSL3.0": "SSLv3"}
GNUTLS_VERS_REV = {v: k for k, v in GNUTLS_VERS.items()}
# OpenSSL spellings of groups that are not the IANA name.
GROUP_ALIAS = {"p-256": "secp256r1", "prime256v1": "secp256r1", "p-384": "secp384r1",
               "p-521": "secp521r1", "p256": "secp256r1", "p384": "secp384r1", "p521": "secp521r1"}
CLIENT_TIMEOUT = float(os.environ.get("INTEG_CLIENT_TIMEOUT", "10"))


class ExpectError(Exception):
    pass


def vindex(v):
    return VERSIONS.index(v)


# ---------------------------------------------------------------- registry

def load_iana():
    suites, groups = {}, {}
    with open(os.path.join(IANA_DIR, "tls-cipher-suites.csv"), newline="") as f:
        for row in csv.DictReader(f):
            m = re.fullmatch(r"0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2})", row["Value"].strip())
            if m and not row["Description"].startswith(("Unassigned", "Reserved")):
                suites["0x" + (m.group(1) + m.group(2)).upper()] = row["Description"].strip()
    with open(os.path.join(IANA_DIR, "tls-supported-groups.csv"), newline="") as f:
        for row in csv.DictReader(f):
            v = row["Value"].strip()
            if v.isdigit() and not row["Description"].startswith(("Unassigned", "Reserved")):
                groups[int(v)] = row["Description"].strip()
    return suites, groups


IANA_SUITES, IANA_GROUPS = load_iana()
GROUP_BY_NAME = {n.lower(): i for i, n in IANA_GROUPS.items()}


def group_id(name):
    n = name.strip().lower()
    n = GROUP_ALIAS.get(n, n)
    if n not in GROUP_BY_NAME:
        raise ExpectError("group %r is not in the IANA registry copy" % name)
    return GROUP_BY_NAME[n]


def is_ffdhe(gid):
    return IANA_GROUPS.get(gid, "").startswith("ffdhe")


def run(argv, check=True):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, text=True, timeout=60)
    if check and p.returncode != 0:
        raise ExpectError("%s failed (%d): %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
    return p


def cert_key_type(path):
    """'RSA' or 'EC' (or another OpenSSL key type), from the certificate itself."""
    out = run(["openssl", "x509", "-in", path, "-noout", "-text"]).stdout
    m = re.search(r"Public Key Algorithm:\s*(\S+)", out)
    if not m:
        raise ExpectError("cannot read the key type of %s" % path)
    alg = m.group(1)
    return {"rsaEncryption": "RSA", "id-ecPublicKey": "EC"}.get(alg, alg)


def cert_curve(path):
    out = run(["openssl", "x509", "-in", path, "-noout", "-text"]).stdout
    m = re.search(r"NIST CURVE:\s*(\S+)", out) or re.search(r"ASN1 OID:\s*(\S+)", out)
    return group_id(m.group(1)) if m else None


def read_argv(path):
    with open(path, "rb") as f:
        data = f.read()
    return [a.decode() for a in data.split(b"\0") if a]


def parse_opts(argv, with_value, flags, prog):
    """argv -> {option: value or True}; unknown options are an error."""
    opts, i = {}, 0
    while i < len(argv):
        a = argv[i]
        key, eq, val = a.partition("=") if a.startswith("--") else (a, "", "")
        if key in with_value:
            if not eq:
                i += 1
                if i >= len(argv):
                    raise ExpectError("%s: %s needs a value" % (prog, a))
                val = argv[i]
            opts[key] = val
        elif key in flags:
            opts[key] = True
        else:
            raise ExpectError("%s: option %r is unknown to expect.py; teach it what it means" % (prog, a))
        i += 1
    return opts


def empty_expectation(server, argv):
    return {"server": server, "argv": argv,
            "protocols": {v: {"supported": False, "ciphers": [], "server_preference": None}
                          for v in VERSIONS},
            "groups": None, "groups_tolerated": [], "groups_source": "",
            "dhe_bits": None, "notes": []}


def finish_protocol(p, serverpref, ordered_source):
    p["supported"] = bool(p["ciphers"])
    if len(p["ciphers"]) < 2:
        p["server_preference"] = None
    else:
        p["server_preference"] = bool(serverpref)
    p["order_source"] = ordered_source if p["server_preference"] else None


# ---------------------------------------------------------------- openssl

OSSL_VALUE = {"-accept", "-cert", "-key", "-cipher", "-ciphersuites", "-groups", "-curves",
              "-dhparam", "-min_protocol", "-max_protocol", "-naccept", "-keyform", "-certform"}
OSSL_FLAGS = {"-www", "-WWW", "-quiet", "-serverpref", "-tls1", "-tls1_1", "-tls1_2", "-tls1_3",
              "-no_tls1", "-no_tls1_1", "-no_tls1_2", "-no_tls1_3", "-no_ssl3", "-ign_eof",
              "-no_ticket", "-4", "-brief", "-no_dhe"}


def ossl_version_range(o):
    enabled = ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    only = [v for v, f in OSSL_FLAG.items() if o.get(f)]
    if len(only) > 1:
        raise ExpectError("s_server: more than one of -tls1 .. -tls1_3")
    if only:
        enabled = only
    for v, f in OSSL_FLAG.items():
        if o.get("-no_" + f[1:]):
            enabled = [e for e in enabled if e != v]

    def proto(name):
        n = OSSL_PROTO_NAME.get(name)
        if not n:
            raise ExpectError("s_server: protocol %r not understood" % name)
        return vindex(n)
    if "-min_protocol" in o:
        enabled = [e for e in enabled if vindex(e) >= proto(o["-min_protocol"])]
    if "-max_protocol" in o:
        enabled = [e for e in enabled if vindex(e) <= proto(o["-max_protocol"])]
    return enabled


def seclevel(cipher_string):
    m = re.findall(r"@SECLEVEL=(\d+)", cipher_string or "")
    return int(m[-1]) if m else None


def ossl_ciphers(version, o):
    """Suites `openssl ciphers -s` says a server with these options supports at version."""
    argv = ["openssl", "ciphers", "-V", "-s", OSSL_FLAG[version]]
    if "-ciphersuites" in o:
        argv += ["-ciphersuites", o["-ciphersuites"]]
    if "-cipher" in o:
        argv.append(o["-cipher"])
    p = run(argv, check=False)
    if p.returncode != 0:
        if "no cipher match" in p.stderr:
            return []
        raise ExpectError("%s failed: %s" % (" ".join(argv), p.stderr.strip()))
    out = []
    for line in p.stdout.splitlines():
        m = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+(\S+)\s+Kx=(\S+)\s+Au=(\S+)", line)
        if m:
            out.append({"id": "0x" + m.group(1) + m.group(2), "openssl": m.group(3),
                        "kx": m.group(5), "au": m.group(6)})
    return out


def openssl_expect(argv, port):
    e = empty_expectation("openssl", argv)
    if not argv or os.path.basename(argv[0]) != "openssl" or argv[1:2] != ["s_server"]:
        raise ExpectError("not an 'openssl s_server' argv: %r" % argv[:2])
    o = parse_opts(argv[2:], OSSL_VALUE, OSSL_FLAGS, "s_server")
    if "-cert" not in o:
        raise ExpectError("s_server without -cert: expect.py needs the certificate")
    ktype = cert_key_type(o["-cert"])
    e["cert"] = ktype
    au_ok = {"RSA": {"RSA"}, "EC": {"ECDSA"}}.get(ktype)
    if au_ok is None:
        raise ExpectError("certificate key type %s not handled" % ktype)
    au_ok = au_ok | {"any", "None"}   # TLS 1.3 suites; anonymous suites need no certificate
    configured_groups = None
    gstr = o.get("-groups") or o.get("-curves")
    if gstr:
        configured_groups = [group_id(g) for g in gstr.split(":") if g]
    level = seclevel(o.get("-cipher"))
    enabled = ossl_version_range(o)
    e["notes"].append("SSLv2/SSLv3: not compiled into Debian's OpenSSL 3.0 (no -ssl3 option)")
    for v in enabled:
        p = e["protocols"][v]
        if vindex(v) < vindex("TLSv1.2") and level != 0:
            # OpenSSL 3.0 refuses the SHA-1/MD5 handshake signatures TLS < 1.2
            # needs above security level 0 ("no suitable signature
            # algorithm"); `ciphers -s` does not model that.
            e["notes"].append("%s: enabled but unusable without @SECLEVEL=0" % v)
            continue
        suites = [s for s in ossl_ciphers(v, o) if s["au"] in au_ok]
        if o.get("-no_dhe"):
            suites = [s for s in suites if s["kx"] != "DH"]
        if configured_groups is not None and v != "TLSv1.3" and \
                not any(not is_ffdhe(g) for g in configured_groups):
            suites = [s for s in suites if s["kx"] != "ECDH"]   # no curve to do ECDHE with
        if v == "TLSv1.3" and configured_groups is not None and not configured_groups:
            suites = []
        p["ciphers"] = [{"id": s["id"], "native": s["openssl"], "kx": s["kx"]} for s in suites]
        finish_protocol(p, o.get("-serverpref"), "openssl ciphers -V -s output order")

    supported = [v for v in VERSIONS if e["protocols"][v]["supported"]]
    tls12_kx = {c["kx"] for v in supported if v != "TLSv1.3" for c in e["protocols"][v]["ciphers"]}
    has_dhe = "DH" in tls12_kx
    if "-dhparam" in o and has_dhe:
        txt = run(["openssl", "pkeyparam", "-in", o["-dhparam"], "-noout", "-text"]).stdout
        m = re.search(r"\((\d+) bit\)", txt)
        e["dhe_bits"] = int(m.group(1)) if m else None
        m = re.search(r"GROUP:\s*(\S+)", txt)
        if m:
            e["groups_tolerated"] = [group_id(m.group(1))]
    elif has_dhe:
        # Automatic parameters: OpenSSL sizes them from the certificate, not
        # from the client, so ask the server once with a DHE suite.
        e["groups_tolerated"] = [g for g in IANA_GROUPS if is_ffdhe(g)]
        if port:
            v, c = next((v, c) for v in reversed(supported) if v != "TLSv1.3"
                        for c in e["protocols"][v]["ciphers"] if c["kx"] == "DH")
            r = s_client(port, v, cipher=c["native"])
            m = re.match(r"DH, (\d+) bits", r.get("tempkey", ""))
            if not m:
                raise ExpectError("s_client with %s at %s: no DH temp key (%s)" % (c["native"], v, r))
            e["dhe_bits"] = int(m.group(1))
            # a scanner may recognise the RFC 7919 prime of that size
            e["groups_tolerated"] = [g for g in e["groups_tolerated"]
                                     if IANA_GROUPS[g] == "ffdhe%d" % e["dhe_bits"]]
            e["notes"].append("DHE with automatic parameters: dhe_bits from openssl s_client -cipher %s"
                              % c["native"])
        else:
            e["notes"].append("DHE with automatic parameters: dhe_bits not checked")

    if configured_groups is not None:
        e["groups_source"] = "-groups " + gstr
        exp = []
        if "TLSv1.3" in supported:
            exp = list(configured_groups)
        elif "ECDH" in tls12_kx:
            # OpenSSL 3.0 negotiates FFDHE groups only in TLS 1.3; in TLS 1.2
            # its DHE uses the server's own parameters.
            exp = [g for g in configured_groups if not is_ffdhe(g)]
        e["groups"] = exp
    elif "TLSv1.3" not in supported and "ECDH" not in tls12_kx:
        e["groups"] = []
        e["groups_source"] = "no ECDHE suite and no TLS 1.3: no group is negotiated"
    elif port:
        e["groups"] = probe_groups_openssl(e, port)
        e["groups_source"] = "no -groups configured: each IANA group offered alone by openssl s_client"
    else:
        e["groups_source"] = "not derived (no -groups and no --port to ask the server)"
    e["tolerated_only"] = [g for g in e["groups_tolerated"] if g not in (e["groups"] or [])]
    return e


# ---------------------------------------------------------------- gnutls

GNUTLS_VALUE = {"--priority", "--x509certfile", "--x509keyfile", "--port", "-p", "--dhparams",
                "--x509cafile", "--recordsize"}
GNUTLS_FLAGS = {"--echo", "--http", "-q", "--quiet", "--nodb", "--noticket", "-a",
                "--disable-client-cert", "--sni-hostname-fatal"}
GNUTLS_KX_CERT = {"ECDHE_ECDSA": "EC", "ECDHE_RSA": "RSA", "RSA": "RSA", "DHE_RSA": "RSA"}


def gnutls_list(priority):
    """Suites and algorithm lists of a priority string (None: all GnuTLS knows)."""
    argv = ["gnutls-cli", "--list"] + (["--priority", priority] if priority else [])
    p = run(argv, check=False)
    if p.returncode != 0:
        raise ExpectError("gnutls-cli --list --priority %r: %s" % (priority, (p.stdout + p.stderr).strip()))
    suites, info = [], {}
    for line in p.stdout.splitlines():
        m = re.match(r"(TLS_\S+)\s+0x([0-9a-fA-F]{2}), 0x([0-9a-fA-F]{2})\s+(\S+)", line)
        if m:
            minver = {"SSL3.0": "SSLv3", "TLS1.0": "TLSv1.0", "TLS1.1": "TLSv1.1",
                      "TLS1.2": "TLSv1.2", "TLS1.3": "TLSv1.3"}.get(m.group(4))
            if not minver:
                raise ExpectError("gnutls-cli: minimum version %r not understood" % m.group(4))
            suites.append({"id": "0x" + (m.group(2) + m.group(3)).upper(), "native": m.group(1),
                           "minver": minver})
            continue
        m = re.match(r"([A-Za-z -]+):\s*(.*)$", line)
        if m:
            info[m.group(1).strip()] = [x.strip() for x in m.group(2).split(",") if x.strip()]
    return suites, info


def gnutls_kx(name):
    """Key exchange part of a GnuTLS suite name (None for TLS 1.3 suites)."""
    for kx in ("ECDHE_ECDSA", "ECDHE_RSA", "ECDHE_PSK", "DHE_RSA", "DHE_DSS", "DHE_PSK",
               "RSA_PSK", "DH_ANON", "ECDH_ANON", "SRP_RSA", "SRP_DSS", "SRP", "PSK", "RSA",
               "GOSTR341112_256"):
        if name.startswith("TLS_" + kx + "_"):
            return kx
    return None


def gnutls_expect(argv, port):
    e = empty_expectation("gnutls", argv)
    if not argv or os.path.basename(argv[0]) != "gnutls-serv":
        raise ExpectError("not a gnutls-serv argv")
    o = parse_opts(argv[1:], GNUTLS_VALUE, GNUTLS_FLAGS, "gnutls-serv")
    if "--x509certfile" not in o:
        raise ExpectError("gnutls-serv without --x509certfile")
    ktype = cert_key_type(o["--x509certfile"])
    e["cert"] = ktype
    prio = o.get("--priority", "NORMAL")
    suites, info = gnutls_list(prio)
    serverpref = "%SERVER_PRECEDENCE" in prio.upper()
    enabled = [GNUTLS_VERS[p] for p in info.get("Protocols", []) if p in GNUTLS_VERS]
    groups = [group_id(g[len("GROUP-"):]) for g in info.get("Groups", [])]
    ec_groups = [g for g in groups if not is_ffdhe(g)]
    e["notes"].append("SSLv3 enabled by the priority string: %s" % ("yes" if "SSLv3" in enabled else
                      "no (Debian's GnuTLS drops VERS-SSL3.0)"))
    for v in enabled:
        p = e["protocols"][v]
        keep = []
        for s in suites:
            if v == "TLSv1.3":
                if s["minver"] != "TLSv1.3":
                    continue
            elif s["minver"] == "TLSv1.3" or vindex(s["minver"]) > vindex(v):
                continue
            kx = gnutls_kx(s["native"])
            if kx is not None:
                if kx not in GNUTLS_KX_CERT:
                    raise ExpectError("gnutls suite %s: key exchange %s needs credentials "
                                      "expect.py does not model" % (s["native"], kx))
                if GNUTLS_KX_CERT[kx] != ktype:
                    continue
                if kx.startswith("ECDHE") and not ec_groups:
                    continue
            elif not groups:
                continue
            keep.append(dict(s, kx=kx))
        p["ciphers"] = [{"id": s["id"], "native": s["native"], "kx": s["kx"]} for s in keep]
        finish_protocol(p, serverpref, "gnutls-cli --list order")
    supported = [v for v in VERSIONS if e["protocols"][v]["supported"]]
    kxs = {c["kx"] for v in supported if v != "TLSv1.3" for c in e["protocols"][v]["ciphers"]}
    e["groups_source"] = "gnutls-cli --list Groups:"
    if "TLSv1.3" in supported:
        e["groups"] = groups
    else:
        e["groups"] = ec_groups if any(k and k.startswith("ECDHE") for k in kxs) else []
        if "DHE_RSA" in kxs:   # RFC 7919 in TLS 1.2: negotiable, though not required
            e["groups_tolerated"] = [g for g in groups if is_ffdhe(g)]
    if "DHE_RSA" in kxs:
        e["notes"].append("DHE: GnuTLS picks the prime per client (RFC 7919): dhe_bits not checked")
    e["tolerated_only"] = [g for g in e["groups_tolerated"] if g not in (e["groups"] or [])]
    return e


# ---------------------------------------------------------------- oracle

def s_client(port, version, cipher=None, suites13=None, groups=None, extra=()):
    argv = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-brief",
            OSSL_FLAG[version]]
    argv += ["-cipher", (cipher + ":" if cipher else "ALL:") + "@SECLEVEL=0"]
    if suites13:
        argv += ["-ciphersuites", suites13]
    if groups:
        argv += ["-groups", groups]
    argv += list(extra)
    try:
        p = subprocess.run(argv, input="", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=CLIENT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": "timeout"}
    out = p.stdout
    proto = re.search(r"^Protocol version: (\S+)", out, re.M)
    suite = re.search(r"^Ciphersuite: (\S+)", out, re.M)
    tkey = re.search(r"^(?:Server|Peer) Temp Key: (.*)$", out, re.M)
    if not (proto and suite):
        bad = any(t in out for t in ("SSL_CONF_cmd", "Error setting", "Error with command",
                                     "no cipher match"))
        return {"ok": False, "client_error": bad, "error": out.strip().splitlines()[-1:] }
    return {"ok": True, "proto": OSSL_PROTO_NAME.get(proto.group(1), proto.group(1)),
            "suite": suite.group(1), "tempkey": tkey.group(1) if tkey else ""}


GNUTLS_CIPHER_FIX = {"3DES-EDE-CBC": "3DES-CBC"}


def gnutls_priority_for(suite_name, version, groups="+GROUP-ALL"):
    """A gnutls-cli priority string offering exactly one suite at one version."""
    kx = gnutls_kx(suite_name)
    rest = suite_name[len("TLS_"):]
    if kx:
        rest = rest[len(kx) + 1:]
    aead = any(t in rest for t in ("GCM", "CCM", "CHACHA20", "POLY1305"))
    m = re.match(r"(.*?)(?:_(SHA1|SHA256|SHA384|MD5))?$", rest)
    cipher, mac = m.group(1), m.group(2)
    cipher = cipher.replace("_", "-")
    cipher = GNUTLS_CIPHER_FIX.get(cipher, cipher)
    mac = "AEAD" if aead else mac
    parts = ["NONE", "+" + GNUTLS_VERS_REV[version], "+" + cipher, "+" + mac]
    if kx:
        parts.append("+" + kx.replace("_", "-"))
    parts += ["+SIGN-ALL", "+COMP-NULL", groups]
    return ":".join(parts), cipher, mac, kx


def gnutls_cli(port, priority):
    argv = ["gnutls-cli", "--insecure", "--port", str(port), "--priority", priority, "127.0.0.1"]
    try:
        p = subprocess.run(argv, input="", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=CLIENT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": "timeout"}
    m = re.search(r"^- Description: (.*)$", p.stdout, re.M)
    if not m or "Handshake was completed" not in p.stdout:
        bad = "Syntax error" in p.stdout or "priority" in p.stdout.lower() and "error" in p.stdout.lower()
        return {"ok": False, "client_error": bad, "error": p.stdout.strip().splitlines()[-1:]}
    return {"ok": True, "description": m.group(1)}


def temp_key_group(tkey):
    """s_client 'Server Temp Key' text -> IANA group id (None if not a named group)."""
    t = tkey.split(",")
    head = t[0].strip().lower()
    if head in ("x25519", "x448"):
        return GROUP_BY_NAME[head]
    if head == "ecdh" and len(t) > 1:
        return group_id(t[1].strip())
    return None


class Oracle:
    def __init__(self, e, port):
        self.e, self.port, self.fail, self.lines = e, port, 0, []

    def bad(self, msg):
        self.fail += 1
        self.lines.append("MISMATCH " + msg)

    def note(self, msg):
        self.lines.append(msg)

    # -- one suite at a time
    def accept_suite(self, v, c):
        if self.e["server"] == "openssl" or self.e.get("oracle_client") == "openssl":
            name = c["native"]
            r = s_client(self.port, v, suites13=name if v == "TLSv1.3" else None,
                         cipher=None if v == "TLSv1.3" else name)
            return r["ok"] and r["proto"] == v and r["suite"] == name, r
        prio, cipher, mac, kx = gnutls_priority_for(c["native"], v)
        r = gnutls_cli(self.port, prio)
        d = r.get("description", "")
        good = r["ok"] and d.startswith("(" + GNUTLS_VERS_REV[v][5:] + "-") and \
            "(" + cipher + ")" in d and (mac == "AEAD" or "(" + mac + ")" in d)
        return good, r

    def openssl_known(self, v):
        """All suites the openssl client can offer at v: ids -> name."""
        if v == "TLSv1.3":
            out = run(["openssl", "ciphers", "-V", "-s", "-tls1_3", "-ciphersuites",
                       "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
                       "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256", "ALL:@SECLEVEL=0"]).stdout
        else:
            out = run(["openssl", "ciphers", "-V", "-s", OSSL_FLAG[v],
                       "ALL:COMPLEMENTOFALL:@SECLEVEL=0"], check=False).stdout
        known = {}
        for line in out.splitlines():
            m = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+(\S+)", line)
            if m and (v == "TLSv1.3") == (m.group(4) == "TLSv1.3"):
                known["0x" + m.group(1) + m.group(2)] = m.group(3)
        return known

    def check_suites(self):
        for v in ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]:
            p = self.e["protocols"][v]
            ids = {c["id"] for c in p["ciphers"]}
            for c in p["ciphers"]:
                ok, r = self.accept_suite(v, c)
                if not ok:
                    self.bad("%s %s %s expected accepted, client got: %s" % (v, c["id"], c["native"], r))
            # Everything else the openssl client knows, offered at once, must fail.
            others = {i: n for i, n in self.openssl_known(v).items() if i not in ids}
            if others:
                names = ":".join(others.values())
                r = s_client(self.port, v, suites13=names if v == "TLSv1.3" else None,
                             cipher=None if v == "TLSv1.3" else names)
                if r["ok"]:
                    self.bad("%s: server accepted %s, which is not expected" % (v, r["suite"]))
                elif r.get("client_error"):
                    self.bad("%s: openssl client could not offer the rejected set: %s" % (v, r["error"]))
            # Suites only GnuTLS knows (3DES, RC4, CAMELLIA-GCM, CCM_8 ...), one by one.
            n_gnutls = 0
            if self.e["server"] == "gnutls":
                allsuites, _ = gnutls_list(None)
                known = self.openssl_known(v)
                for s in allsuites:
                    if s["id"] in ids or s["id"] in known:
                        continue
                    if v == "TLSv1.3" and s["minver"] != "TLSv1.3" or v != "TLSv1.3" and \
                            (s["minver"] == "TLSv1.3" or vindex(s["minver"]) > vindex(v)):
                        continue
                    if gnutls_kx(s["native"]) not in GNUTLS_KX_CERT and gnutls_kx(s["native"]):
                        continue   # PSK/SRP/anon/GOST: the client has no credentials to offer them
                    prio = gnutls_priority_for(s["native"], v)[0]
                    r = gnutls_cli(self.port, prio)
                    if r.get("client_error"):
                        self.bad("%s: gnutls-cli cannot offer %s alone (%s)" % (v, s["native"], prio))
                        continue
                    n_gnutls += 1
                    if r["ok"]:
                        self.bad("%s: server accepted %s (%s), not expected" % (v, s["native"], s["id"]))
            self.note("%s: %d accepted one by one; %d other openssl suites refused together%s" % (
                v, len(p["ciphers"]), len(others),
                "; %d gnutls-only suites refused one by one" % n_gnutls if n_gnutls else ""))

    def chosen(self, v, order):
        """Offer the suites in `order`; return the id the server picked (or None)."""
        if self.e["server"] == "openssl":
            names = ":".join(c["native"] for c in order)
            r = s_client(self.port, v, suites13=names if v == "TLSv1.3" else None,
                         cipher=None if v == "TLSv1.3" else names)
            if not r["ok"]:
                return None
            return next((c["id"] for c in order if c["native"] == r["suite"]), "?" + r["suite"])
        # gnutls-cli: build one priority string whose product is exactly the
        # offered set is not possible in general, so use s_client when it
        # knows every suite, else report unverifiable.
        known = self.openssl_known(v)
        if not all(c["id"] in known for c in order):
            return "unverifiable"
        names = ":".join(known[c["id"]] for c in order)
        r = s_client(self.port, v, suites13=names if v == "TLSv1.3" else None,
                     cipher=None if v == "TLSv1.3" else names)
        if not r["ok"]:
            return None
        return next((i for i, n in known.items() if n == r["suite"]), "?")

    def check_preference(self):
        for v in ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]:
            p = self.e["protocols"][v]
            if p["server_preference"] is None:
                continue
            cs = p["ciphers"]
            if self.e["server"] == "gnutls":
                known = self.openssl_known(v)
                cs = [c for c in cs if c["id"] in known]
                if len(cs) < 2:
                    self.note("%s: preference not verifiable with the openssl client" % v)
                    continue
            a, b = cs[0], cs[1]
            x, y = self.chosen(v, [a, b]), self.chosen(v, [b, a])
            observed = None if None in (x, y) else (x == y)
            if observed != p["server_preference"]:
                self.bad("%s: server_preference expected %s, client saw %s then %s" % (
                    v, p["server_preference"], x, y))
                continue
            if p["server_preference"]:
                left, seen = list(reversed(cs)), []
                while left:
                    pick = self.chosen(v, left)
                    c = next((c for c in left if c["id"] == pick), None)
                    if c is None:
                        self.bad("%s: order probe got %s" % (v, pick))
                        break
                    seen.append(c["id"])
                    left.remove(c)
                if seen != [c["id"] for c in cs]:
                    self.bad("%s: server order %s, expected %s" % (v, seen, [c["id"] for c in cs]))
            self.note("%s: server_preference=%s confirmed" % (v, p["server_preference"]))

    def group_accepted(self, gid, version):
        name = IANA_GROUPS[gid]
        if self.e["server"] == "gnutls":
            gname = "GROUP-" + name.upper()
            prio = "NORMAL:-VERS-ALL:+%s:-GROUP-ALL:+%s" % (GNUTLS_VERS_REV[version], gname)
            r = gnutls_cli(self.port, prio)
            if r.get("client_error"):
                return None
            # the description names the key exchange group: (ECDHE-X25519), (DHE-FFDHE2048)
            return r["ok"] and "-" + name.upper() + ")" in r["description"].upper()
        groups = name
        cipher = None
        if version != "TLSv1.3":
            cipher = "ECDHE:DHE" if is_ffdhe(gid) else "ECDHE"
            curve = cert_curve(self.cert()) if self.e["cert"] == "EC" else None
            if curve and curve != gid:
                groups = name + ":" + IANA_GROUPS[curve]   # the certificate's curve must be offered
        r = s_client(self.port, version, cipher=cipher, groups=groups)
        if r.get("client_error"):
            return None
        if not r["ok"]:
            return False
        if version != "TLSv1.3" and groups != name:
            return temp_key_group(r["tempkey"]) == gid
        return True

    def cert(self):
        o = self.e["argv"]
        return o[o.index("-cert") + 1]

    def check_groups(self):
        exp = self.e["groups"]
        if exp is None:
            self.note("groups: not checked")
            return
        supported = [v for v in VERSIONS if self.e["protocols"][v]["supported"]]
        if not supported:
            return
        version = "TLSv1.3" if "TLSv1.3" in supported else supported[-1]
        n_no, n_unknown = 0, 0
        for gid in sorted(IANA_GROUPS):
            if version != "TLSv1.3" and is_ffdhe(gid):
                continue   # TLS 1.2: FFDHE is a DHE parameter choice, not a group acceptance
            r = self.group_accepted(gid, version)
            if r is None:
                n_unknown += 1
                if gid in exp:
                    self.bad("group %s expected but the client cannot offer it" % IANA_GROUPS[gid])
            elif r and gid not in exp and gid not in self.e["groups_tolerated"]:
                self.bad("group %s accepted at %s, not expected" % (IANA_GROUPS[gid], version))
            elif not r and gid in exp:
                self.bad("group %s expected, refused at %s" % (IANA_GROUPS[gid], version))
            elif not r:
                n_no += 1
        self.note("groups at %s: %d accepted alone, %d refused, %d unknown to the client" % (
            version, len(exp), n_no, n_unknown))


def probe_groups_openssl(e, port):
    o = Oracle(e, port)
    supported = [v for v in VERSIONS if e["protocols"][v]["supported"]]
    version = "TLSv1.3" if "TLSv1.3" in supported else supported[-1]
    return [g for g in sorted(IANA_GROUPS)
            if not (version != "TLSv1.3" and is_ffdhe(g)) and o.group_accepted(g, version)]


# ---------------------------------------------------------------- output

def annotate(e):
    """Add IANA names, for people and for check.py."""
    for v in VERSIONS:
        for c in e["protocols"][v]["ciphers"]:
            c["name"] = IANA_SUITES.get(c["id"])
    return e


def show(e, out=sys.stdout):
    def gl(ids):
        return ", ".join("%s(%d)" % (IANA_GROUPS.get(g, "?"), g) for g in ids)
    out.write("# expected (%s, %s certificate)\n" % (e["server"], e.get("cert")))
    for v in VERSIONS:
        p = e["protocols"][v]
        if not p["supported"]:
            continue
        out.write("#   %s: %d suites, server_preference=%s\n" % (
            v, len(p["ciphers"]), json.dumps(p["server_preference"])))
        for c in p["ciphers"]:
            out.write("#     %s %-45s %s\n" % (c["id"], c.get("name") or "?", c["native"]))
    out.write("#   not supported: %s\n" % ", ".join(v for v in VERSIONS if not e["protocols"][v]["supported"]))
    if e["groups"] is None:
        out.write("#   groups: not checked (%s)\n" % e["groups_source"])
    else:
        out.write("#   groups: [%s] from %s\n" % (gl(e["groups"]), e["groups_source"]))
    if e.get("tolerated_only"):
        out.write("#   groups tolerated: [%s]\n" % gl(e["tolerated_only"]))
    out.write("#   dhe_bits: %s\n" % (e["dhe_bits"] if e["dhe_bits"] else "not checked"))
    for n in e["notes"]:
        out.write("#   note: %s\n" % n)


def main(argv):
    if len(argv) < 2 or argv[0] not in ("openssl", "gnutls", "show", "verify"):
        sys.stderr.write(__doc__)
        return 64
    port = None
    if "--port" in argv:
        i = argv.index("--port")
        port = int(argv[i + 1])
        del argv[i:i + 2]
    try:
        if argv[0] in ("openssl", "gnutls"):
            sargv = read_argv(argv[1])
            e = openssl_expect(sargv, port) if argv[0] == "openssl" else gnutls_expect(sargv, port)
            json.dump(annotate(e), sys.stdout, indent=1)
            sys.stdout.write("\n")
            return 0
        with open(argv[1]) as f:
            e = json.load(f)
        if argv[0] == "show":
            show(e)
            return 0
        if port is None:
            raise ExpectError("verify needs --port")
        o = Oracle(e, port)
        o.check_suites()
        o.check_preference()
        o.check_groups()
        for line in o.lines:
            print("# oracle: " + line)
        return 1 if o.fail else 0
    except (ExpectError, OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as err:
        sys.stderr.write("expect.py: %s\n" % err)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
