#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Verdict conformance suite (issue 10, item 4).  TAP on stdout.

Each file tests/conformance/cases/*.case is one (server x profile x client)
case with hand-written expectations.  This runner starts every distinct
server once (openssl s_server / gnutls-serv on 127.0.0.1, ephemeral ports),
makes a test PKI with openssl at test time, and checks:

  * the hand-written expectations against an ORACLE that shares no code
    with cipherprobe's advisor: the proxy's hello modelled from the
    project's DATA files (ciphersuites/*.tsv) and replayed with a real
    `openssl s_client`, for the base profile and every single and pair of
    changes in panos-weakness.tsv, plus PAN-OS's certificate rule checked
    with `openssl verify`;
  * cipherprobe's verdict against the expectations and against the oracle
    (skipped with --oracle-only).

Options:
  --oracle-only   no cipherprobe: validate the cases against the oracle
  --case ID       only this case (repeatable; a prefix matches)
  --keep          keep the scratch directory
  -v              print every oracle handshake
  --list          print the case matrix (Markdown) and exit
Environment: top_srcdir, CIPHERPROBE, CONFORMANCE_DEADLINE (seconds, 1500),
CONFORMANCE_SCAN_TIMEOUT (seconds per cipherprobe run, 120).
Never contacts an address other than 127.0.0.1.
"""

import atexit
import csv
import datetime
import itertools
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("top_srcdir") or os.path.normpath(os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("top_builddir") or TOP
CIPHERPROBE = os.environ.get("CIPHERPROBE") or os.path.join(BUILD, "cipherprobe")
DATA = os.path.join(TOP, "ciphersuites")
SYSTEM_STORE = "/etc/ssl/certs/ca-certificates.crt"
SNI = "server.conformance.test"

V = {"sslv3": 0x300, "tls1-0": 0x301, "tls1-1": 0x302, "tls1-2": 0x303, "tls1-3": 0x304, "max": 0x304}
VNAME = {0x300: "SSLv3", 0x301: "TLSv1", 0x302: "TLSv1.1", 0x303: "TLSv1.2", 0x304: "TLSv1.3"}
CLIENT_VERS = {"SSLv3": 0x300, "TLSv1.0": 0x301, "TLSv1.1": 0x302, "TLSv1.2": 0x303, "TLSv1.3": 0x304}
PANOS_MAX = 0x304  # PAN-OS >= 10.0 (default model: the newest row of panos-versions.tsv)
GREYED = {"enc-algo-3des", "enc-algo-rc4", "auth-algo-md5"}  # greyed out at min >= tls1-2
OSSL_GROUP = {"x25519": "X25519", "x448": "X448", "secp256r1": "P-256", "secp384r1": "P-384",
              "secp521r1": "P-521", "ffdhe2048": "ffdhe2048", "ffdhe3072": "ffdhe3072",
              "ffdhe4096": "ffdhe4096", "ffdhe6144": "ffdhe6144", "ffdhe8192": "ffdhe8192"}
OSSL_SIGALG = {"ecdsa_sha1": "ECDSA+SHA1"}  # else OpenSSL takes the IANA name
ALL_GROUPS = ["X25519", "X448", "P-256", "P-384", "P-521", "ffdhe2048", "ffdhe3072", "ffdhe4096"]
ALL_TLS13 = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
             "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"]
AXES = ("version", "suite", "group", "signature", "certificate")
PARTIES = ("client", "firewall", "profile", "server")

VERBOSE = False


def log(msg):
    for line in str(msg).splitlines() or [""]:
        print("# " + line, flush=True)


# ------------------------------------------------------------------ data files

def read_tsv(name):
    """Rows of a project TSV as dicts; '#' lines are comments, the first
    other line is the header."""
    rows, header = [], None
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                continue
            rows.append(dict(zip(header, cells)))
    return rows


class Data:
    def __init__(self):
        self.iana = {}  # IANA suite name -> code point int
        with open(os.path.join(DATA, "iana", "tls-cipher-suites.csv"), encoding="utf-8") as f:
            for row in csv.DictReader(f):
                m = re.fullmatch(r"0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2})", row["Value"].strip())
                if m:
                    self.iana[row["Description"].strip()] = int(m.group(1) + m.group(2), 16)
        self.panos = {}  # suite name -> frozenset(flags), in file order
        for r in read_tsv("panos-suites.tsv"):
            self.panos[r["name"]] = frozenset(r["flags"].split(","))
        self.flag_default = {r["element"]: r["default"] == "yes" for r in read_tsv("panos-flags.tsv")}
        self.strip = {r["name"] for r in read_tsv("panos-groups.tsv") if r["action"] == "strip"}
        self.weak_rows = {}
        for r in read_tsv("panos-weakness.tsv"):
            self.weak_rows[r["change"]] = (int(r["cost"]), r["weak"] == "yes")
        self.lower_max = self.weak_rows.get("lower-max-version", (8, False))
        self.changes = [c for c in self.weak_rows if c != "lower-max-version"]
        self.releases = []  # (release tuple, max version) from panos-versions.tsv
        if os.path.exists(os.path.join(DATA, "panos-versions.tsv")):
            for r in read_tsv("panos-versions.tsv"):
                self.releases.append((tuple(int(x) for x in r["panos"].split(".")), V[r["max"]]))
        self.clients = {}
        for r in read_tsv("clients.tsv"):
            c = self.clients.setdefault(r["client"], {"suites": [], "groups": [], "sigalgs": []})
            f, v = r["field"], r["value"]
            if f == "versions":
                lo, hi = v.split("-")
                c["lo"], c["hi"] = CLIENT_VERS[lo], CLIENT_VERS[hi]
            elif f == "suite":
                if v == "@panos":
                    c["suites"] += sorted(self.panos, key=lambda s: self.iana[s])
                elif v == "@all":
                    # every suite; the proxy's hello keeps those PAN-OS decrypts
                    c["suites"] += sorted(self.iana, key=lambda s: self.iana[s])
                else:
                    c["suites"].append(v)
            elif f in ("group", "sigalg"):
                c[f + "s"].append(v)
            else:
                c[f] = v


# ------------------------------------------------------------------ profiles

class Profile:
    """min/max as PAN-OS tokens, the set of flags on, the block-* checks on."""

    def __init__(self, name, vmin, vmax, flags, block):
        self.name, self.min, self.max = name, vmin, vmax
        self.flags, self.block = frozenset(flags), frozenset(block)

    def key(self):
        return (V[self.min], V[self.max], self.flags, self.block)

    def apply(self, data, change):
        """The profile with CHANGE applied, or None when it is a no-op or
        contradictory (min above max)."""
        elem, _, val = change.partition("=")
        p = Profile(self.name, self.min, self.max, self.flags, self.block)
        if elem == "min-version":
            p.min = val
        elif elem == "max-version":
            p.max = val
        elif elem.startswith("block-"):
            if val != "no" or elem not in self.block:
                return None
            p.block = self.block - {elem}
        elif elem in data.flag_default and not val:
            if elem in self.flags:
                return None
            p.flags = self.flags | {elem}
        else:
            raise ValueError("unknown change " + change)
        if V[p.min] > V[p.max] or p.key() == self.key():
            return None
        return p


def set_panos(data, release):
    """The firewall's highest version for RELEASE (the last row at or below
    it), or the newest row's when RELEASE is None."""
    global PANOS_MAX
    rows = sorted(data.releases) or [((10, 0), 0x304)]
    if release is None:
        PANOS_MAX = rows[-1][1]
        return
    want = tuple(int(x) for x in release.split("."))
    at = [m for r, m in rows if r <= want]
    PANOS_MAX = at[-1] if at else 0x303


def load_profile(data, spec):
    flags = {f for f, on in data.flag_default.items() if on}
    if spec == "panos-default":
        return Profile(spec, "tls1-0", "tls1-2", flags, set())
    if spec == "panos-recommended":
        # PANOS.md "Best practice" (iron-skillet Recommended_Decryption_Profile)
        flags -= {"keyxchg-algo-rsa", "enc-algo-3des", "enc-algo-rc4", "auth-algo-sha1", "auth-algo-md5"}
        return Profile(spec, "tls1-2", "max", flags,
                       {"block-expired-certificate", "block-untrusted-issuer", "block-unknown-cert",
                        "block-timeout-cert", "block-unsupported-version", "block-unsupported-cipher"})
    path = profile_path(spec)
    vmin, vmax, block, name = "tls1-0", "tls1-2", set(), spec
    with open(path, encoding="utf-8") as f:
        for line in f:
            t = line.split()
            if not t or t[0] != "set":
                continue
            for sect in ("ssl-protocol-settings", "ssl-forward-proxy"):
                if sect in t:
                    i = t.index(sect)
                    name = t[i - 1]
                    elem, val = t[i + 1], t[i + 2]
                    if elem == "min-version":
                        vmin = val
                    elif elem == "max-version":
                        vmax = val
                    elif sect == "ssl-forward-proxy":
                        (block.add if val == "yes" else block.discard)(elem)
                    elif elem in data.flag_default:
                        (flags.add if val == "yes" else flags.discard)(elem)
                    else:
                        raise ValueError("%s: unknown element %s" % (path, elem))
    return Profile(name, vmin, vmax, flags, block)


def profile_path(spec):
    for d in (os.path.join(HERE, "profiles"), os.path.join(TOP, "tests", "verdict")):
        p = os.path.join(d, spec)
        if os.path.exists(p):
            return p
    raise FileNotFoundError("profile " + spec)


def widest(data):
    """Every flag on, the widest versions, no block-* check: what no
    profile change can beat (used to tell firewall from profile)."""
    return Profile("widest", "tls1-0", "tls1-3", set(data.flag_default), set())


def change_cost(data, profile, changes):
    cost, weak = 0, False
    for c in changes:
        k, w = data.weak_rows[c]
        cost += k
        weak = weak or w
        elem, _, val = c.partition("=")
        if elem == "max-version" and V[val] < V[profile.max]:
            cost += data.lower_max[0]
            weak = weak or data.lower_max[1]
    return cost, weak


# ------------------------------------------------------------------ the hello

def suite_ok_at(name, lo, hi):
    if "_WITH_" not in name:  # TLS 1.3 suite
        return hi >= 0x304
    if lo > 0x303:
        return False
    if re.search(r"_SHA256$|_SHA384$|GCM|CHACHA", name):
        return hi >= 0x303
    return True


def proxy_hello(data, profile, client):
    """(lo, hi, suites, groups, sigalgs) the proxy sends, or None if empty."""
    c = data.clients[client]
    lo = max(V[profile.min], c["lo"])
    hi = min(V[profile.max], c["hi"], PANOS_MAX)
    if lo > hi:
        return None
    eff = profile.flags - GREYED if V[profile.min] >= 0x303 else profile.flags
    suites = tuple(s for s in c["suites"] if s in data.panos and data.panos[s] <= eff
                   and suite_ok_at(s, lo, hi))
    groups = tuple(g for g in c["groups"] if g not in data.strip)
    if not suites:
        return None
    return (lo, hi, suites, groups, tuple(c["sigalgs"]))


def direct_hello(data, client):
    """The client's own hello, no proxy.  'any' stands for a client that
    offers everything (every suite OpenSSL has), see README."""
    c = data.clients[client]
    suites = tuple(c["suites"]) if client != "any" else ("*",)
    return (c["lo"], c["hi"], suites, tuple(c["groups"]), tuple(c["sigalgs"]))


def widen(hello, axis):
    lo, hi, suites, groups, sigalgs = hello
    if axis == "version":
        return (0x301, 0x304, suites, groups, sigalgs)
    if axis == "suite":
        return (lo, hi, ("*",), groups, sigalgs)
    if axis == "group":
        return (lo, hi, suites, ("*",), sigalgs)
    if axis == "signature":
        return (lo, hi, suites, groups, ("*",))
    return hello


class Ossl:
    """OpenSSL's names for the suites it can offer, by code point."""

    def __init__(self):
        out = run(["openssl", "ciphers", "-V", "-ciphersuites", ":".join(ALL_TLS13),
                   "ALL:COMPLEMENTOFALL:@SECLEVEL=0"]).stdout
        self.by_cp = {}
        for m in re.finditer(r"0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)", out):
            self.by_cp[int(m.group(1) + m.group(2), 16)] = m.group(3)


def run(argv, timeout=30, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, **kw)


# ------------------------------------------------------------------ test PKI

CA_CNF = """
[ca]
default_ca = ca_default
[ca_default]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[policy_any]
commonName = supplied
[v3_ca]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_leaf]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:{sni},IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
# where a browser fetches the issuer (never fetched here: nothing listens)
authorityInfoAccess = caIssuers;URI:http://127.0.0.1:9/issuer.crt
[v3_leaf_noaia]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:{sni},IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


class PKI:
    """Roots, intermediates and leaves made with openssl at test time.
    CERTS[name] = (leaf cert file, key file, [intermediates the server sends])."""

    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "pki")
        os.makedirs(os.path.join(self.dir, "newcerts"))
        open(os.path.join(self.dir, "index.txt"), "w").close()
        with open(os.path.join(self.dir, "serial"), "w") as f:
            f.write("1000\n")
        self.cnf = os.path.join(self.dir, "ca.cnf")
        with open(self.cnf, "w") as f:
            f.write(CA_CNF.format(dir=self.dir, sni=SNI))
        self.certs = {}
        self.all_intermediates = []
        self._made = set()

    def p(self, n):
        return os.path.join(self.dir, n)

    def _key(self, name, kind):
        alg = {"rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
               "rsapss": ["-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"],
               "p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
               "p521": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"]}[kind]
        check(["openssl", "genpkey"] + alg + ["-out", self.p(name + ".key")])
        return self.p(name + ".key")

    def _sign(self, name, cn, key, issuer, ext, start=None, end=None, selfsign=False):
        csr = self.p(name + ".csr")
        check(["openssl", "req", "-new", "-key", key, "-subj", "/CN=" + cn, "-out", csr])
        argv = ["openssl", "ca", "-batch", "-notext", "-config", self.cnf, "-in", csr,
                "-out", self.p(name + ".crt"), "-extensions", ext]
        if selfsign:
            argv += ["-selfsign", "-keyfile", key]
        else:
            argv += ["-cert", self.p(issuer + ".crt"), "-keyfile", self.p(issuer + ".key")]
        argv += ["-startdate", start or stamp(-1), "-enddate", end or stamp(365)]
        check(argv)
        return self.p(name + ".crt")

    def make(self):
        for root, inter in (("root", "inter"), ("root2", "inter2")):
            k = self._key(root, "rsa")
            self._sign(root, "Conformance Test %s" % root.title(), k, None, "v3_ca", selfsign=True,
                       end=stamp(3650))
            k = self._key(inter, "rsa")
            self._sign(inter, "Conformance Test %s" % inter.title(), k, root, "v3_ca", end=stamp(1825))
            self.all_intermediates.append(self.p(inter + ".crt"))
        leaves = [  # name, key kind, issuer, start, end, self-signed
            ("rsa", "rsa", "inter", None, None, False),
            ("rsa-noaia", "rsa", "inter", None, None, False),
            ("rsapss", "rsapss", "inter", None, None, False),
            ("ecdsa256", "p256", "inter", None, None, False),
            ("ecdsa521", "p521", "inter", None, None, False),
            ("rsa-unknown", "rsa", "inter2", None, None, False),
            ("rsa-selfsigned", "rsa", None, None, None, True),
            ("rsa-expired", "rsa", "inter", "20200101000000Z", "20210101000000Z", False),
            ("rsa-future", "rsa", "inter", stamp(365), stamp(730), False),
            ("rsa-expired-selfsigned", "rsa", None, "20200101000000Z", "20210101000000Z", True),
        ]
        for name, kind, issuer, start, end, selfsigned in leaves:
            key = self._key(name, kind)
            ext = "v3_leaf_noaia" if name.endswith("noaia") else "v3_leaf"
            crt = self._sign(name, SNI, key, issuer, ext, start, end, selfsign=selfsigned)
            chain = [] if selfsigned else [self.p(issuer + ".crt")]
            self.certs[name] = (crt, key, chain)
        # the same leaf, sent without its intermediate: an incomplete chain
        crt, key, _ = self.certs["rsa"]
        self.certs["rsa-leafonly"] = (crt, key, [])
        # ... and a leaf that names no place to fetch its issuer (no AIA)
        crt, key, _ = self.certs.pop("rsa-noaia")
        self.certs["rsa-noaia-leafonly"] = (crt, key, [])
        self.root = self.p("root.crt")

    def store(self, tmp, with_ca_file):
        """The firewall's trust store: Debian's bundle plus --ca-file."""
        path = os.path.join(tmp, "store-%s.pem" % ("ca" if with_ca_file else "system"))
        if not os.path.exists(path):
            with open(path, "w") as out:
                if os.path.exists(SYSTEM_STORE):
                    with open(SYSTEM_STORE) as f:
                        out.write(f.read())
                if with_ca_file:
                    with open(self.root) as f:
                        out.write(f.read())
        return path


def stamp(days):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    return t.strftime("%Y%m%d%H%M%SZ")


def check(argv):
    r = run(argv, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (" ".join(argv), r.stdout))
    return r.stdout


def cert_dates(path):
    out = check(["openssl", "x509", "-noout", "-startdate", "-enddate", "-in", path])
    d = {}
    for k, v in re.findall(r"(notBefore|notAfter)=(.*)", out):
        d[k] = datetime.datetime.strptime(v.strip(), "%b %d %H:%M:%S %Y %Z")
    return d["notBefore"], d["notAfter"]


class CertFacts:
    """What PAN-OS's certificate rule needs about the chain a server sends."""

    def __init__(self, pki, tmp, cert, with_ca_file):
        leaf, _, chain = pki.certs[cert]
        store = pki.store(tmp, with_ca_file)
        now = datetime.datetime.utcnow()
        self.time_bad = any(not (nb <= now <= na) for nb, na in map(cert_dates, [leaf] + chain))
        self.trusted = self._verify(store, chain, leaf)
        # incomplete: the top certificate sent names where its issuer lives
        # (AIA caIssuers), and the chain verifies once that issuer is added
        # (the test PKI's intermediates stand for the fetch); a browser
        # completes it, the firewall does not fetch.  Without AIA nobody can
        # build the chain: an unknown root.
        top = (chain or [leaf])[-1]
        aia = "CA Issuers" in run(["openssl", "x509", "-noout", "-ext", "authorityInfoAccess", "-in", top]).stdout
        self.incomplete = (not self.trusted and aia and
                           self._verify(store, chain + pki.all_intermediates, leaf))

    @staticmethod
    def _verify(store, chain, leaf):
        argv = ["openssl", "verify", "-no_check_time", "-CAfile", store]
        for c in chain:
            argv += ["-untrusted", c]
        return run(argv + [leaf]).returncode == 0

    def passes(self, profile):
        """(ok, who): the PAN-OS certificate rule of the documented model."""
        if self.time_bad and "block-expired-certificate" in profile.block:
            return False, "profile"
        if not self.trusted and "block-untrusted-issuer" in profile.block:
            return False, "profile"
        if self.incomplete:
            return False, "firewall"  # re-signed with the Forward Untrust CA
        return True, None

    def describe(self):
        return "time_bad=%s trusted=%s incomplete=%s" % (self.time_bad, self.trusted, self.incomplete)


# ------------------------------------------------------------------ servers

class Server:
    def __init__(self, spec, pki, tmp, idx):
        self.spec = spec
        t = shlex.split(spec)
        self.kind, self.cert, self.args = t[0], t[1], t[2:]
        self.name = "srv%02d" % idx
        self.tmp = tmp
        self.pki = pki
        self.proc = None
        self.port = None
        self.accepts_unofferable = set()  # code points the server takes but OpenSSL cannot offer

    def start(self, ossl):
        crt, key, chain = self.pki.certs[self.cert]
        out = open(os.path.join(self.tmp, self.name + ".out"), "w")
        err = open(os.path.join(self.tmp, self.name + ".err"), "w")
        if self.kind == "openssl":
            argv = ["openssl", "s_server", "-accept", "127.0.0.1:0", "-www", "-cert", crt, "-key", key]
            if chain:
                argv += ["-cert_chain", chain[0]]
            argv += self.args
            self.proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            STARTED.append(self.proc)
            deadline = time.time() + 10
            while time.time() < deadline and self.proc.poll() is None:
                with open(out.name) as f:
                    m = re.search(r"^ACCEPT 127\.0\.0\.1:(\d+)$", f.read(), re.M)
                if m:
                    self.port = int(m.group(1))
                    break
                time.sleep(0.05)
        elif self.kind == "gnutls":
            full = os.path.join(self.tmp, self.name + ".chain.pem")
            with open(full, "w") as f:
                for c in [crt] + chain:
                    with open(c) as g:
                        f.write(g.read())
            env = dict(os.environ)
            so = bindlo(self.tmp)
            if so:
                env["LD_PRELOAD"] = so
            for _ in range(5):
                port = free_port()
                argv = ["gnutls-serv", "--port", str(port), "--echo", "-q",
                        "--x509certfile", full, "--x509keyfile", key] + self.args
                self.proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                             env=env)
                STARTED.append(self.proc)
                if wait_port(port, 10) and self.proc.poll() is None:
                    self.port = port
                    break
                self.stop()
            lst = run(["gnutls-cli", "--priority", self.priority(), "--list"]).stdout
            for m in re.finditer(r"0x([0-9a-f]{2}), 0x([0-9a-f]{2})", lst):
                cp = int(m.group(1) + m.group(2), 16)
                if cp not in ossl.by_cp:
                    self.accepts_unofferable.add(cp)
        if self.port is None or not wait_port(self.port, 10):
            return False
        return True

    def priority(self):
        return self.args[self.args.index("--priority") + 1] if "--priority" in self.args else "NORMAL"

    def gnutls_selfcheck(self):
        """gnutls-cli with the server's own priority string: a client that
        offers what the server accepts (stands in for 'every suite' where
        OpenSSL cannot offer the server's suites).  (ok, message)"""
        try:
            r = run(["gnutls-cli", "--priority", self.priority(), "--insecure", "-p", str(self.port),
                     "--sni-hostname", SNI, "127.0.0.1"], timeout=15)
        except subprocess.TimeoutExpired:
            return False, "gnutls-cli timed out"
        m = re.search(r"Description: (\S+)", r.stdout)
        ok = "Handshake was completed" in r.stdout
        return ok, "gnutls-cli: " + (m.group(1) if m and ok else "handshake failed")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


STARTED = []


def stop_all():
    for p in STARTED:
        if p.poll() is None:
            p.terminate()
    for p in STARTED:
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, secs):
    deadline = time.time() + secs
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


_BINDLO = []


def bindlo(tmp):
    """The LD_PRELOAD shim that confines gnutls-serv to loopback."""
    if not _BINDLO:
        so = os.path.join(tmp, "bindlo.so")
        r = run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-O1", "-o", so,
                 os.path.join(TOP, "tests", "integ", "bindlo.c"), "-ldl"], timeout=60)
        _BINDLO.append(so if r.returncode == 0 else None)
    return _BINDLO[0]


# ------------------------------------------------------------------ hostile relay

class DripRelay:
    """127.0.0.1 relay in front of a TLS server.  It forwards every
    connection untouched until the client sends a second TLS record (its
    second flight: a real handshake, not a probe that reads the ServerHello
    and hangs up); from then on it passes the server's bytes on one per
    DRIP seconds.  Each read then waits less than a socket timeout, while
    the handshake as a whole takes minutes."""

    DRIP = 1.0

    def __init__(self, port):
        import threading
        self.threading = threading
        self.target = port
        self.ls = socket.socket()
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(16)
        self.port = self.ls.getsockname()[1]
        self.stopped = False
        self.dripped = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped:
            try:
                c, _ = self.ls.accept()
            except OSError:
                return
            try:
                s = socket.create_connection(("127.0.0.1", self.target), 5)
            except OSError:
                c.close()
                continue
            state = {"records": 0, "buf": b"", "closed": False}
            self.threading.Thread(target=self._c2s, args=(c, s, state), daemon=True).start()
            self.threading.Thread(target=self._s2c, args=(c, s, state), daemon=True).start()

    def _c2s(self, c, s, st):
        try:
            while True:
                d = c.recv(4096)
                if not d:
                    break
                st["buf"] += d
                while len(st["buf"]) >= 5:  # count whole TLS records
                    n = 5 + int.from_bytes(st["buf"][3:5], "big")
                    if len(st["buf"]) < n:
                        break
                    st["buf"] = st["buf"][n:]
                    st["records"] += 1
                s.sendall(d)
        except OSError:
            pass
        st["closed"] = True
        for x in (c, s):
            try:
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _s2c(self, c, s, st):
        try:
            while True:
                d = s.recv(4096)
                if not d:
                    break
                if st["records"] < 2:
                    c.sendall(d)
                    continue
                self.dripped += 1
                for i in range(len(d)):
                    if st["closed"] or self.stopped:
                        return
                    time.sleep(self.DRIP)
                    c.sendall(d[i:i + 1])
        except OSError:
            pass

    def stop(self):
        self.stopped = True
        self.ls.close()


def hostile(tap, data, oracle, servers, pki, oracle_only):
    """--verify stays bounded by --timeout on a server that stalls
    mid-handshake (issue 10, item 4): the seed server behind DripRelay."""
    spec = "openssl rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA"
    srv = Server(spec, pki, servers_tmp[0], 99)
    if not srv.start(None):
        tap.ok(False, "hostile: %s up" % spec, "hostile")
        return
    relay = DripRelay(srv.port)
    try:
        # the oracle's own OpenSSL client, with the fixed hello, is stalled
        prof = load_profile(data, "corp.set").apply(data, "auth-algo-sha1")
        h = proxy_hello(data, prof, "chrome")
        direct = Server(spec, pki, servers_tmp[0], 98)
        direct.port, direct.name = relay.port, "relay"
        t0 = time.time()
        r = oracle._handshake(direct, h)
        took = time.time() - t0
        tap.ok(took > 8 and r[0] is False,
               "hostile: the relay stalls a real OpenSSL handshake mid-way (s_client gave up after %.0f s: %s)"
               % (took, r[1]), "hostile")
        if oracle_only:
            return
        timeout = 2
        argv = [CIPHERPROBE, "scan", "--json", "-q", "--no-preference", "--verify", "--timeout", str(timeout),
                "--profile", profile_path("corp.set"), "--client", "chrome", "127.0.0.1:%d,%s" % (relay.port, SNI)]
        t0 = time.time()
        try:
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=45,
                               stdin=subprocess.DEVNULL)
            took, out = time.time() - t0, p.stdout
        except subprocess.TimeoutExpired as e:
            took, out = time.time() - t0, e.stdout or ""
        # the scan alone, without the stalled verification, takes a few
        # seconds; --verify may add about one --timeout, not the drip's minutes
        bound = 25
        tap.ok(took <= bound and relay.dripped > 0,
               "hostile: cipherprobe scan --verify --timeout %d finishes in %.1f s (<= %d) although the server "
               "drips its Finished one byte a second (%d stalled handshakes)" % (timeout, took, bound, relay.dripped),
               "hostile")
        try:
            v = json.loads(out)["targets"][0]["verdict"]
            verified = v.get("verified")
            msg = v.get("verify_message")
        except (ValueError, KeyError, IndexError, TypeError):
            verified, msg = "no document", ""
        tap.ok(verified is not True and verified != "no document",
               "hostile: the stalled verification is not reported as proven (verified=%s: %s)" % (verified, msg),
               "hostile")
    finally:
        relay.stop()
        srv.stop()


servers_tmp = []


# ------------------------------------------------------------------ oracle

class Oracle:
    def __init__(self, data, ossl):
        self.data, self.ossl = data, ossl
        self.cache = {}
        self.runs = 0

    def handshake(self, server, hello):
        """True / False / None (unknown: the hello holds a suite OpenSSL
        cannot offer that the server might accept, and it failed)."""
        if hello is None:
            return False
        key = (server.name, hello)
        if key not in self.cache:
            self.cache[key] = self._handshake(server, hello)
        return self.cache[key][0]

    def detail(self, server, hello):
        return self.cache.get((server.name, hello), (None, ""))[1]

    def _handshake(self, server, hello):
        lo, hi, suites, groups, sigalgs = hello
        lo = max(lo, 0x301)  # no SSLv3 in OpenSSL 3 (nor in the servers)
        if suites == ("*",):
            s12 = ["ALL", "COMPLEMENTOFALL"]
            s13 = list(ALL_TLS13)
            dropped = set(server.accepts_unofferable)  # "every suite": OpenSSL cannot offer these
        else:
            s12, s13, dropped = [], [], set()
            for s in suites:
                cp = self.data.iana[s]
                if cp not in self.ossl.by_cp:
                    dropped.add(cp)
                elif "_WITH_" in s:
                    s12.append(self.ossl.by_cp[cp])
                else:
                    s13.append(self.ossl.by_cp[cp])
        if not s13 and hi >= 0x304:
            hi = 0x303
        if not s12 and lo <= 0x303:
            lo = 0x304
        if lo > hi:
            ok, msg = False, "nothing OpenSSL can offer"
        else:
            argv = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % server.port,
                    "-servername", SNI, "-brief",
                    "-min_protocol", VNAME[lo], "-max_protocol", VNAME[hi],
                    "-cipher", ":".join(s12 + ["@SECLEVEL=0"]) if s12 else "ALL:@SECLEVEL=0",
                    "-ciphersuites", ":".join(s13)]
            if groups != ("*",):
                g = [OSSL_GROUP[x] for x in groups if x in OSSL_GROUP]
                argv += ["-groups", ":".join(g) if g else "X25519"]
            else:
                argv += ["-groups", ":".join(ALL_GROUPS)]
            if sigalgs != ("*",):
                argv += ["-sigalgs", ":".join(OSSL_SIGALG.get(x, x) for x in sigalgs)]
            self.runs += 1
            try:
                r = run(argv, timeout=15)
                out = r.stdout
                ok = r.returncode == 0 and "CONNECTION ESTABLISHED" in out
            except subprocess.TimeoutExpired:
                ok, out = False, "timeout"
            m = re.search(r"Protocol version: (\S+)\s+Ciphersuite: (\S+)", out)
            if m:
                msg = "%s %s" % m.groups()
            else:
                e = re.findall(r"(alert [a-z ]+|SSL_CONF_cmd.*|timeout|unsupported protocol|no ciphers available)", out)
                msg = e[0] if e else (out.strip().splitlines() or ["?"])[-1][:160]
            if VERBOSE:
                log("%s %s -> %s" % (server.name, " ".join(shlex.quote(a) for a in argv[2:]), msg))
        if not ok and suites == ("*",) and server.accepts_unofferable and server.kind == "gnutls":
            ok, msg = server.gnutls_selfcheck()
            if ok:
                return True, msg
        if not ok and dropped & server.accepts_unofferable:
            return None, msg + " (unknown: OpenSSL cannot offer %s)" % ", ".join(
                "0x%04X" % c for c in sorted(dropped & server.accepts_unofferable))
        return ok, msg

    def result(self, server, certs, profile, client):
        """(ok, why) for the proxy with PROFILE: handshake and cert rule."""
        hs = self.handshake(server, proxy_hello(self.data, profile, client))
        if hs is not True:
            return hs, "handshake"
        ok, who = certs.passes(profile)
        return ok, ("certificate/" + who) if not ok else None

    def search(self, server, certs, profile, client, stop_after_min=True):
        """Every change set of size <= 2, sorted by cost, with its oracle
        result.  With stop_after_min, stops after the cheapest successful
        cost level."""
        sets = []
        chs = self.data.changes
        for n in (1, 2):
            for combo in itertools.combinations(chs, n):
                p = profile
                for c in combo:
                    p = p.apply(self.data, c) if p else None
                if p is None:
                    continue
                # a change that is a no-op on its own, or two changes to one
                # element, are not part of a minimal set
                if n == 2 and (any(profile.apply(self.data, c) is None for c in combo) or
                               combo[0].split("=")[0] == combo[1].split("=")[0]):
                    continue
                cost, weak = change_cost(self.data, profile, combo)
                sets.append((cost, combo, weak, p))
        sets.sort(key=lambda t: (t[0], len(t[1]), chs.index(t[1][0])))
        found = []
        best = None
        for cost, combo, weak, p in sets:
            if stop_after_min and best is not None and cost > best:
                break
            ok, _ = self.result(server, certs, p, client)
            found.append((cost, combo, weak, ok))
            if ok and best is None:
                best = cost
        return found


# ------------------------------------------------------------------ cases

class Case:
    FIELDS = ("why", "server", "profile", "client", "ca-file", "panos-version", "compatible", "fix",
              "no_decrypt", "causes", "note")

    def __init__(self, path):
        self.path = path
        self.id = os.path.basename(path)[:-5]
        self.f = {}
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                k, sep, v = line.partition(":")
                k, v = k.strip(), v.strip()
                if not sep or k not in self.FIELDS:
                    raise ValueError("%s:%d: expected 'field: value' with a field in %s" %
                                     (path, n, ", ".join(self.FIELDS)))
                self.f[k] = (self.f[k] + " " + v) if k in self.f and k in ("why", "note") else v
        for k in ("why", "server", "profile", "client", "compatible", "fix", "no_decrypt", "causes"):
            if k not in self.f:
                raise ValueError("%s: missing '%s:'" % (path, k))
        self.server = self.f["server"]
        self.profile = self.f["profile"]
        self.client = self.f["client"]
        self.ca_file = yesno(self.f.get("ca-file", "no"))
        self.panos_version = self.f.get("panos-version")
        self.compatible = yesno(self.f["compatible"])
        self.no_decrypt = yesno(self.f["no_decrypt"])
        fx = self.f["fix"]
        # "a b | c": either change set {a, b} or {c} (a tie the model leaves open)
        self.fixes = None if fx == "none" else [tuple(sorted(alt.split())) for alt in fx.split("|")]
        self.causes = []
        if self.f["causes"] != "none":
            for c in self.f["causes"].split():
                axis, _, who = c.partition("/")
                if axis not in AXES or who not in PARTIES:
                    raise ValueError("%s: bad cause %s (axis/blocked_by)" % (path, c))
                self.causes.append((axis, who))

    def label(self):
        return "%s [%s | %s | %s%s%s]" % (self.id, self.server, self.profile, self.client,
                                           " | --ca-file" if self.ca_file else "",
                                           " | PAN-OS " + self.panos_version if self.panos_version else "")


def yesno(v):
    if v in ("yes", "true"):
        return True
    if v in ("no", "false"):
        return False
    raise ValueError("expected yes/no, got " + v)


# ------------------------------------------------------------------ TAP

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.counts = {}

    def _count(self, tag, res):
        c = self.counts.setdefault(tag, [0, 0, 0])
        c[res] += 1

    def ok(self, cond, desc, tag="misc", diag=None):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, desc), flush=True)
            self._count(tag, 0)
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, desc), flush=True)
            self._count(tag, 1)
            if diag:
                log(diag)

    def skip(self, desc, why, tag="misc"):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, desc, why), flush=True)
        self._count(tag, 2)

    def summary(self):
        log("assertion                         pass fail skip")
        for tag in sorted(self.counts):
            p, f, s = self.counts[tag]
            log("%-32s %5d %4d %4d" % (tag, p, f, s))
        print("1..%d" % self.n, flush=True)


class SilentTap(Tap):
    """Counts failures without printing: for the mutants."""

    def ok(self, cond, desc, tag="misc", diag=None):
        self.n += 1
        if not cond:
            self.failed += 1

    def skip(self, desc, why, tag="misc"):
        self.n += 1
        self.skipped = getattr(self, "skipped", 0) + 1


def mutants(data, case):
    """Wrong versions of a case's expectations, each of which the oracle
    must reject: proof that its checks have teeth."""
    import copy
    out = []

    def mk(what, **kw):
        m = copy.copy(case)
        for k, v in kw.items():
            setattr(m, k, v)
        out.append((what, m))
    mk("compatible flipped", compatible=not case.compatible)
    if not case.compatible:
        mk("no_decrypt flipped", no_decrypt=not case.no_decrypt)
        if case.fixes:
            mk("fix none", fixes=None)
            extra = next(c for c in data.changes if all(c not in f and c.split("=")[0] not in
                                                          [x.split("=")[0] for x in f] for f in case.fixes))
            mk("fix plus %s" % extra, fixes=[tuple(sorted(f + (extra,))) for f in case.fixes])
        else:
            mk("fix auth-algo-sha1", fixes=[("auth-algo-sha1",)])
        swap = {"client": "profile", "profile": "client", "firewall": "profile", "server": "client"}
        for i, (axis, who) in enumerate(case.causes):
            causes = list(case.causes)
            causes[i] = (axis, swap[who])
            mk("cause %s/%s -> %s/%s" % (axis, who, axis, swap[who]), causes=causes)
    return out


def fmt_set(s):
    return "[" + ", ".join(s) + "]" if s else "[]"


def oracle_checks(tap, data, oracle, case, server, certs, profile):
    """The hand-written expectations against the oracle alone."""
    cid = case.id
    base, why = oracle.result(server, certs, profile, case.client)
    hello = proxy_hello(data, profile, case.client)
    if base is None:
        tap.skip("%s oracle: base handshake agrees with compatible=%s" % (cid, case.compatible),
                 "unknown: " + oracle.detail(server, hello), "oracle: base")
    else:
        tap.ok(base == case.compatible, "%s oracle: base handshake agrees with compatible=%s (%s)" %
               (cid, case.compatible, oracle.detail(server, hello) if hello else "empty hello"),
               "oracle: base", "oracle base=%s %s; %s" % (base, why or "", certs.describe()))
    found = oracle.search(server, certs, profile, case.client, stop_after_min=case.fixes is not None)
    succ = [t for t in found if t[3] is True]
    unknown = [t for t in found if t[3] is None]
    if case.compatible:
        tap.ok(case.fixes is None, "%s oracle: a compatible case expects no fix" % cid, "oracle: fix")
    elif case.fixes is None:
        tap.ok(not succ, "%s oracle: no change set of size <= 2 succeeds (fix: none)%s" %
               (cid, "; %d unknown" % len(unknown) if unknown else ""), "oracle: fix",
               "but these do: " + "; ".join("%s cost %d" % (fmt_set(c), k) for k, c, w, o in succ[:6]))
    else:
        # each alternative the case allows ("a | b": a tie the model leaves open)
        results = []
        for f in case.fixes:
            p = profile
            for c in f:
                p = p.apply(data, c) if p else None
            r, w = oracle.result(server, certs, p, case.client) if p else (False, "not a valid change")
            d = oracle.detail(server, proxy_hello(data, p, case.client)) if p else ""
            results.append((f, r, "%s %s" % (w or "", d), change_cost(data, profile, f)[0]))
        if all(r is None for f, r, w, k in results):
            tap.skip("%s oracle: expected fix %s succeeds" % (cid, " | ".join(fmt_set(f) for f, r, w, k in results)),
                     "unknown: " + results[0][2], "oracle: fix")
        else:
            tap.ok(all(r is not False for f, r, w, k in results),
                   "%s oracle: expected fix %s succeeds (cost %s)" % (
                       cid, " | ".join(fmt_set(f) for f, r, w, k in results),
                       " | ".join(str(k) for f, r, w, k in results)), "oracle: fix",
                   "; ".join("%s: %s %s" % (fmt_set(f), r, w or "") for f, r, w, k in results))
        cost = min(k for f, r, w, k in results)
        cheaper = [(k, c) for k, c, w, o in found if o is True and k < cost]
        unk = [(k, c) for k, c, w, o in found if o is None and k < cost]
        ties = [tuple(sorted(c)) for k, c, w, o in found if o is True and k == cost
                and tuple(sorted(c)) not in case.fixes]
        tap.ok(not cheaper, "%s oracle: no successful change set of size <= 2 costs less than %d%s%s" % (
            cid, cost, "; %d cheaper unknown" % len(unk) if unk else "",
            "; TIE with " + " | ".join(fmt_set(c) for c in ties) if ties else ""), "oracle: minimal",
            "cheaper: " + "; ".join("%s cost %d" % (fmt_set(c), k) for k, c in cheaper[:6]))
    # no_decrypt: a weak fix, or a firewall block with no fix; a client block never
    if case.fixes:
        _, weak = change_cost(data, profile, case.fixes[0])
        want = weak
    else:
        want = any(w == "firewall" for a, w in case.causes) and not any(w == "client" for a, w in case.causes)
    tap.ok(case.no_decrypt == want, "%s oracle: no_decrypt=%s follows from the fix/causes" %
           (cid, case.no_decrypt), "oracle: no_decrypt")
    # blocked_by: the client's own hello (no proxy) fails iff a client cause
    if not case.compatible:
        dh = direct_hello(data, case.client)
        direct = oracle.handshake(server, dh)
        has_client = any(w == "client" for a, w in case.causes if a != "certificate")
        if direct is None:
            tap.skip("%s oracle: %s's own hello, no proxy" % (cid, case.client),
                     "unknown: " + oracle.detail(server, dh), "oracle: blocked_by")
        else:
            tap.ok(direct is (not has_client), "%s oracle: %s's own hello, no proxy, %s (%s)" %
                   (cid, case.client, "fails" if has_client else "succeeds", oracle.detail(server, dh)),
                   "oracle: blocked_by")
    for axis, who in case.causes:
        desc = "%s oracle: cause %s/%s" % (cid, axis, who)
        if who == "client":
            if axis == "certificate":
                tap.ok(False, desc + ": a certificate is never blocked by the client", "oracle: cause")
                continue
            h = widen(direct_hello(data, case.client), axis)
            r = oracle.handshake(server, h)
            if r is None:
                tap.skip(desc, "unknown: " + oracle.detail(server, h), "oracle: cause")
                continue
            tap.ok(r is True, desc + ": widening the client's %s makes its own hello succeed (%s)" %
                   (axis, oracle.detail(server, h)), "oracle: cause")
        elif who == "firewall":
            w = widest(data)
            if axis == "certificate":
                tap.ok(certs.incomplete and not certs.passes(w)[0],
                       desc + ": the chain fails even with every block-* check off (%s)" % certs.describe(),
                       "oracle: cause")
                continue
            h = proxy_hello(data, w, case.client)
            if h is None:
                # nothing for the proxy to offer: it fails by definition;
                # widen from the proxy's versions and lists with no suite
                c = data.clients[case.client]
                h = (max(V[w.min], c["lo"]), min(V[w.max], c["hi"], PANOS_MAX), (),
                     tuple(g for g in c["groups"] if g not in data.strip), tuple(c["sigalgs"]))
                r0 = False
            else:
                r0 = oracle.handshake(server, h)
            if axis in ("suite",):
                h2 = widen(h, axis)
                r = oracle.handshake(server, h2)
                tap.ok(r0 is False and r is True,
                       desc + ": the widest profile fails, the same hello with every suite OpenSSL has succeeds",
                       "oracle: cause", "widest=%s (%s) widened=%s (%s)" % (
                           r0, oracle.detail(server, h), r, oracle.detail(server, h2)))
            else:
                tap.ok(r0 is False, desc + ": the widest profile fails", "oracle: cause")
        elif who == "profile":
            if axis == "certificate":
                tap.ok(not certs.passes(profile)[0] and certs.passes(widest(data))[0] or
                       (case.fixes and any(c.startswith("block-") for f in case.fixes for c in f)),
                       desc + ": the profile's block-* settings reject the chain (%s)" % certs.describe(),
                       "oracle: cause")
            else:
                touches = {"version": ("min-version", "max-version"),
                           "suite": tuple(data.flag_default) + ("min-version", "max-version")}.get(axis, ())
                ok = bool(case.fixes) and any(any(c.split("=")[0] in touches for c in f) for f in case.fixes)
                tap.ok(ok, desc + ": the expected fix changes a %s setting" % axis, "oracle: cause")
        else:
            tap.ok(True, desc, "oracle: cause")


def cp_checks(tap, data, oracle, case, server, certs, profile, doc, scan_desc):
    cid = case.id
    t = None
    try:
        t = doc["targets"][0]
        v = t["verdict"]
        assert isinstance(v, dict)
    except Exception:
        v = None
    tap.ok(v is not None, "%s cipherprobe: a verdict (%s)" % (cid, scan_desc), "cipherprobe: verdict",
           json.dumps(t)[:600] if t else "no document")
    if v is None:
        for what, tag in [("compatible", "cipherprobe: compatible"), ("fix", "cipherprobe: fix"),
                          ("no_decrypt", "cipherprobe: no_decrypt")] + \
                [("causes include %s/%s" % c, "cipherprobe: causes") for c in case.causes] + \
                [("vs oracle: compatible", "cipherprobe vs oracle: base"),
                 ("vs oracle: its fix succeeds", "cipherprobe vs oracle: fix works"),
                 ("vs oracle: nothing cheaper", "cipherprobe vs oracle: minimal")]:
            tap.ok(False, "%s cipherprobe: %s (no verdict)" % (cid, what), tag)
        return
    tap.ok(v.get("compatible") is case.compatible, "%s cipherprobe: compatible=%s (got %s)" %
           (cid, case.compatible, v.get("compatible")), "cipherprobe: compatible", "reason: %s" % v.get("reason"))
    fix = v.get("fix")
    got = None if not fix else tuple(sorted(fix.get("changes") or []))
    want = "none" if case.fixes is None else " | ".join(fmt_set(f) for f in case.fixes)
    tap.ok((got is None and case.fixes is None) or (case.fixes is not None and got in case.fixes),
           "%s cipherprobe: fix %s (got %s)" % (cid, want, "none" if got is None else fmt_set(got)),
           "cipherprobe: fix", "reason: %s; alternatives: %s" % (v.get("reason"), json.dumps(v.get("alternatives"))))
    tap.ok(v.get("no_decrypt") is case.no_decrypt, "%s cipherprobe: no_decrypt=%s (got %s)" %
           (cid, case.no_decrypt, v.get("no_decrypt")), "cipherprobe: no_decrypt")
    gotc = [(c.get("axis"), c.get("blocked_by")) for c in (v.get("causes") or []) if isinstance(c, dict)]
    for axis, who in case.causes:
        tap.ok((axis, who) in gotc, "%s cipherprobe: causes include %s/%s (got %s)" %
               (cid, axis, who, " ".join("%s/%s" % c for c in gotc) or "none"), "cipherprobe: causes",
               json.dumps(v.get("causes"))[:600])
    # against the oracle
    base, _ = oracle.result(server, certs, profile, case.client)
    if base is None:
        tap.skip("%s cipherprobe vs oracle: compatible" % cid, "oracle unknown", "cipherprobe vs oracle: base")
    else:
        tap.ok(v.get("compatible") is base, "%s cipherprobe vs oracle: compatible=%s, oracle base handshake %s" %
               (cid, v.get("compatible"), base), "cipherprobe vs oracle: base")
    if got is None:
        tap.skip("%s cipherprobe vs oracle: its fix succeeds" % cid, "no fix", "cipherprobe vs oracle: fix works")
        tap.skip("%s cipherprobe vs oracle: nothing cheaper" % cid, "no fix", "cipherprobe vs oracle: minimal")
        return
    p = profile
    for c in got:
        try:
            p = p.apply(data, c) if p else None
        except (ValueError, KeyError):
            p = None
    if p is None or any(c not in data.weak_rows for c in got):
        tap.ok(False, "%s cipherprobe vs oracle: its fix %s is a valid change set" % (cid, fmt_set(got)),
               "cipherprobe vs oracle: fix works")
        tap.skip("%s cipherprobe vs oracle: nothing cheaper" % cid, "invalid fix", "cipherprobe vs oracle: minimal")
        return
    r, why = oracle.result(server, certs, p, case.client)
    if r is None:
        tap.skip("%s cipherprobe vs oracle: its fix %s succeeds" % (cid, fmt_set(got)), "oracle unknown",
                 "cipherprobe vs oracle: fix works")
    else:
        tap.ok(r, "%s cipherprobe vs oracle: its fix %s makes the oracle succeed" % (cid, fmt_set(got)),
               "cipherprobe vs oracle: fix works", "oracle: %s %s" % (why, oracle.detail(
                   server, proxy_hello(data, p, case.client))))
    alts, bad, unk = v.get("alternatives") or [], [], []
    for a in alts:
        ch = tuple(sorted((a or {}).get("changes") or [])) if isinstance(a, dict) else ()
        pa = profile
        for c in ch:
            try:
                pa = pa.apply(data, c) if pa and c in data.weak_rows else None
            except (ValueError, KeyError):
                pa = None
        ra = oracle.result(server, certs, pa, case.client)[0] if pa and ch else False
        (unk if ra is None else bad if ra is False else []).append(fmt_set(ch))
    if alts:
        tap.ok(not bad, "%s cipherprobe vs oracle: its %d alternative(s) make the oracle succeed%s" % (
            cid, len(alts), " (%d unknown)" % len(unk) if unk else ""), "cipherprobe vs oracle: alternatives",
            "failing: " + "; ".join(bad))
    cost, _ = change_cost(data, profile, got)
    cheaper = [c for k, c, w, o in oracle.search(server, certs, profile, case.client) if o is True and k < cost]
    tap.ok(not cheaper, "%s cipherprobe vs oracle: no successful change set of size <= 2 is cheaper than %d" %
           (cid, cost), "cipherprobe vs oracle: minimal", "cheaper: " + "; ".join(fmt_set(c) for c in cheaper[:5]))


def scan(case, server, pki, tmp):
    argv = [CIPHERPROBE, "scan", "--json", "-q", "--no-preference",
            "--profile", case.profile if case.profile.startswith("panos-") else profile_path(case.profile),
            "--client", case.client]
    if case.ca_file:
        argv += ["--ca-file", pki.root]
    if case.panos_version:
        argv += ["--panos-version", case.panos_version]
    argv.append("127.0.0.1:%d,%s" % (server.port, SNI))
    t = int(os.environ.get("CONFORMANCE_SCAN_TIMEOUT", "120"))
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=t,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, "timeout after %ds" % t
    desc = "exit %d" % r.returncode
    with open(os.path.join(tmp, case.id + ".json"), "w") as f:
        f.write(r.stdout)
    try:
        return json.loads(r.stdout), desc
    except ValueError:
        return None, desc + ": " + (r.stderr.strip().splitlines() or ["no output"])[-1][:200]


def list_cases():
    """The matrix as Markdown: README.md from "## The matrix" on is this."""
    cdir = os.path.join(HERE, "cases")
    print("| case | server | profile | client | compatible | fix | no_decrypt | causes |")
    print("|---|---|---|---|---|---|---|---|")
    for f in sorted(os.listdir(cdir)):
        if not f.endswith(".case"):
            continue
        c = Case(os.path.join(cdir, f))
        print("| %s | `%s` | %s | %s%s%s | %s | %s | %s | %s |" % (
            c.id, c.server, c.profile, c.client, " +ca" if c.ca_file else "",
            " PAN-OS " + c.panos_version if c.panos_version else "",
            "yes" if c.compatible else "no", c.f["fix"].replace("|", "or"),
            "yes" if c.no_decrypt else "no", c.f["causes"]))
    print("\n## What each case proves\n")
    for f in sorted(os.listdir(cdir)):
        if f.endswith(".case"):
            c = Case(os.path.join(cdir, f))
            print("- **%s**: %s%s" % (c.id, c.f["why"], (" *(Note: %s)*" % c.f["note"]) if "note" in c.f else ""))
    return 0


def main(argv):
    global VERBOSE
    oracle_only, keep, only = False, False, []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--oracle-only":
            oracle_only = True
        elif a == "--keep":
            keep = True
        elif a == "--case":
            only.append(args.pop(0))
        elif a == "-v":
            VERBOSE = True
        elif a == "--list":
            return list_cases()
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            print("Bail out! unknown option " + a)
            return 64
    tmp = tempfile.mkdtemp(prefix="cp-conf.")
    empty = os.path.join(tmp, "empty.cnf")
    open(empty, "w").close()
    os.environ["OPENSSL_CONF"] = empty  # no system-wide policy for servers and oracle
    os.environ["GNUTLS_SYSTEM_PRIORITY_FILE"] = empty

    def cleanup():
        stop_all()
        if keep:
            log("scratch kept in " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    atexit.register(cleanup)

    def on_signal(sig, _frame):
        print("Bail out! %s" % ("deadline (CONFORMANCE_DEADLINE)" if sig == signal.SIGALRM else "signal %d" % sig),
              flush=True)
        sys.exit(1)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
        signal.signal(s, on_signal)
    signal.alarm(int(os.environ.get("CONFORMANCE_DEADLINE", "1500")))

    log("mode: %s; scratch: %s" % ("oracle-only" if oracle_only else "cipherprobe + oracle", tmp))
    data = Data()
    ossl = Ossl()
    cdir = os.path.join(HERE, "cases")
    cases = [Case(os.path.join(cdir, f)) for f in sorted(os.listdir(cdir)) if f.endswith(".case")]
    if only:
        cases = [c for c in cases if any(c.id.startswith(o) for o in only)]
    tap = Tap()
    if not oracle_only and not os.access(CIPHERPROBE, os.X_OK):
        print("Bail out! %s is not built" % CIPHERPROBE)
        return 1
    pki = PKI(tmp)
    pki.make()
    log("test PKI made: %s" % ", ".join(sorted(pki.certs)))
    oracle = Oracle(data, ossl)
    servers = {}
    for c in cases:
        servers.setdefault(c.server, [])
        servers[c.server].append(c)
    t0 = time.time()
    for i, (spec, scases) in enumerate(servers.items()):
        srv = Server(spec, pki, tmp, i)
        need = {"openssl": "openssl", "gnutls": "gnutls-serv"}.get(srv.kind)
        if need is None or not shutil.which(need):
            for c in scases:
                tap.skip("%s: server %s" % (c.id, spec), "%s is not installed" % need, "server")
            continue
        up = srv.start(ossl)
        tap.ok(up, "%s up on 127.0.0.1:%s for %s" % (spec, srv.port, " ".join(c.id for c in scases)), "server")
        if not up:
            with open(os.path.join(tmp, srv.name + ".err")) as f:
                log(f.read()[-800:])
            srv.stop()
            continue
        if srv.kind == "gnutls":
            ok, msg = srv.gnutls_selfcheck()
            tap.ok(ok, "%s handshakes with gnutls-cli under its own priority (%s)" % (spec, msg), "server")
        for c in scases:
            log("--- " + c.label())
            log("why: " + c.f["why"])
            if "note" in c.f:
                log("note: " + c.f["note"])
            set_panos(data, c.panos_version)
            profile = load_profile(data, c.profile)
            certs = CertFacts(pki, tmp, srv.cert, c.ca_file)
            oracle_checks(tap, data, oracle, c, srv, certs, profile)
            missed, undecided = [], []
            ms = mutants(data, c)
            for what, m in ms:
                st = SilentTap()
                oracle_checks(st, data, oracle, m, srv, certs, profile)
                if st.failed == 0:
                    (undecided if getattr(st, "skipped", 0) else missed).append(what)
            tap.ok(not missed, "%s oracle rejects %d/%d wrong variants of the expectations%s" %
                   (c.id, len(ms) - len(missed) - len(undecided), len(ms),
                    " (undecidable, oracle unknown: %s)" % "; ".join(undecided) if undecided else ""),
                   "oracle: mutants", "not rejected: " + "; ".join(missed))
            if not oracle_only:
                doc, desc = scan(c, srv, pki, tmp)
                cp_checks(tap, data, oracle, c, srv, certs, profile, doc, desc)
        srv.stop()
    servers_tmp.append(tmp)
    set_panos(data, None)
    if not only or "hostile" in only:
        hostile(tap, data, oracle, servers, pki, oracle_only)
    log("%d cases, %d servers, %d oracle handshakes, %.0f s" % (len(cases), len(servers), oracle.runs,
                                                                time.time() - t0))
    tap.summary()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
