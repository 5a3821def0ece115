#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/run.py: cipherprobe beside sslscan, testssl.sh and nmap's
ssl-enum-ciphers, on local TLS servers reached through a relay that delays
each direction (real round trips on loopback).  Entry point: bench/run.

How to run (packages: tools/debian-bench.txt, plus the test packages):
  bench/run                       full run (about 15 min on 2 CPUs): writes
                                  BENCHMARKS.md and bench/out/
  bench/run --quick               smoke run, < 2 min: bench/out/BENCHMARKS.quick.md
  bench/run --servers gnutls-many --tools cipherprobe,nmap --no-scale
                                  one server, two tools (the many-suite
                                  figures and the --per-host runs included)
  bench/run --rerender            the report again from bench/out/results.json
  bench/run --cipherprobe PATH    measure this binary (default: build one)
The log names the file each figure comes from; the report's first table
holds the issue's three ratios at 50 ms RTT, with their sources and, when a
goal is missed, what bounds it.

What it does, in one run:
  1. builds bench/relay.c and the gnutls-serv bind shim, makes certificates;
  2. starts the servers of SERVERS (openssl s_server, gnutls-serv confined to
     loopback by tests/integ/bindlo.c, and one nginx with one `listen
     127.0.0.1:PORT ssl` server block per configuration);
  3. derives each server's truth from its configuration with
     tests/integ/expect.py (nginx: from the equivalent s_server argv), and
     proves it with expect.py verify (independent openssl/gnutls clients,
     straight to the server, never through the relay);
  4. starts one relay (bench/relay.c) with one delayed listener per server;
  5. runs the tools one after the other on the relay ports, counting each
     tool's connections per server from the relay's counters;
  6. compares each tool's accepted suites per version with the truth;
  7. (full run) a scale run: a second nginx with many listeners, a second
     relay with --scale-targets listeners in front of them, cipherprobe on
     all of them under /usr/bin/time -v; then bench/scale.py --out
     bench/out/scale.md if that script exists (its section is appended to
     the report as "Scale: 1 million targets"; --no-scale skips both);
  8. writes bench/out/results.json and BENCHMARKS.md (--quick: bench/out/
     BENCHMARKS.quick.md).

Network rule: every server, relay listener and tool connects only to
127.0.0.0/8.  Every child process is killed on exit (also on signals) and
bounded by a timeout; the relays have their own lifetime.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
INTEG = os.path.join(ROOT, "tests", "integ")
sys.path.insert(0, INTEG)
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
sys.dont_write_bytecode = True   # no __pycache__ in bench/ or tests/integ/
import expect  # noqa: E402  (tests/integ/expect.py: truth from configuration)
from children import CHILDREN, cleanup, on_signals, spawn, stop  # noqa: E402  (bench/children.py)

VERSIONS = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
LOOPBACK = "127.0.0.1"

# ---------------------------------------------------------------- servers
# kind openssl: s_server options after -accept/-cert/-key (expect.py syntax);
# kind gnutls: gnutls-serv options; kind nginx: directives.  "dh": RFC 7919
# group name for a dhparam file.  quick: part of the --quick set.
LEGACY_GNUTLS = ("NORMAL:+3DES-CBC:+CAMELLIA-128-CBC:+CAMELLIA-256-CBC:+CAMELLIA-128-GCM:"
                 "+CAMELLIA-256-GCM:+ARCFOUR-128:+SHA256:+SHA384:+MD5:+GROUP-ALL")
SERVERS = [
    dict(name="ossl-default", kind="openssl", cert="rsa", args=[],
         what="s_server defaults: TLS 1.2+1.3, DHE auto"),
    dict(name="ossl-serverpref", kind="openssl", cert="rsa",
         args=["-serverpref", "-min_protocol", "TLSv1.2", "-groups", "x25519:secp256r1:ffdhe2048",
               "-cipher", "ECDHE-RSA-AES128-SHA:AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:"
               "DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA",
               "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384"],
         what="server preference, unsorted lists, 1.2+1.3"),
    dict(name="ossl-tls10-11", kind="openssl", cert="rsa",
         args=["-min_protocol", "TLSv1", "-max_protocol", "TLSv1.1", "-groups", "secp521r1:secp256r1",
               "-cipher", "DEFAULT:@SECLEVEL=0"],
         what="TLS 1.0/1.1 only, SECLEVEL=0"),
    dict(name="gnutls-legacy", kind="gnutls", cert="rsa", args=["--priority", LEGACY_GNUTLS],
         what="GnuTLS NORMAL + 3DES/CAMELLIA/RC4/MD5, all groups, 1.0-1.3"),
    dict(name="gnutls-ecdsa-pref", kind="gnutls", cert="ecdsa",
         args=["--priority", "NORMAL:%SERVER_PRECEDENCE:-VERS-TLS1.0:-VERS-TLS1.1:-GROUP-ALL:"
               "+GROUP-SECP384R1:+GROUP-SECP256R1:+GROUP-X25519"],
         what="GnuTLS ECDSA P-256, server precedence, 3 groups"),
    dict(name="ngx-tls13", kind="nginx", cert="rsa", protocols="TLSv1.3", ciphers="HIGH:!aNULL:!MD5",
         what="TLS 1.3 only", quick=True),
    dict(name="ngx-legacy", kind="nginx", cert="rsa", protocols="TLSv1 TLSv1.1 TLSv1.2",
         ciphers="ALL:COMPLEMENTOFALL:@SECLEVEL=0", dh="ffdhe2048",
         what="many-suite legacy: SECLEVEL=0, TLS 1.0-1.2, DHE, anon, NULL"),
    dict(name="ngx-intermediate", kind="nginx", cert="rsa", protocols="TLSv1.2 TLSv1.3",
         ciphers="ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                 "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                 "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384", dh="ffdhe2048",
         what="Mozilla intermediate (RSA), DHE"),
    dict(name="ngx-serverpref", kind="nginx", cert="rsa", protocols="TLSv1.2", prefer=True,
         ciphers="AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:AES256-SHA256:ECDHE-RSA-AES128-SHA:"
                 "ECDHE-RSA-CHACHA20-POLY1305:AES128-GCM-SHA256",
         what="TLS 1.2, server preference, unsorted"),
    dict(name="ngx-ecdsa", kind="nginx", cert="ecdsa", protocols="TLSv1.2 TLSv1.3",
         ciphers="ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
                 "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES128-GCM-SHA256",
         curves="secp384r1:prime256v1", what="ECDSA P-256, curves P-384:P-256", quick=True),
    dict(name="ngx-dhe", kind="nginx", cert="rsa", protocols="TLSv1.2",
         ciphers="DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-CHACHA20-POLY1305:"
                 "DHE-RSA-AES256-SHA256:DHE-RSA-AES128-SHA", dh="ffdhe3072",
         what="TLS 1.2 DHE only, ffdhe3072"),
    dict(name="ngx-tls12-one", kind="nginx", cert="rsa", protocols="TLSv1.2", ciphers="AES256-GCM-SHA384",
         what="TLS 1.2, one RSA-kx suite", quick=True),
    dict(name="ngx-tls10-cbc", kind="nginx", cert="rsa", protocols="TLSv1 TLSv1.1",
         ciphers="ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-SHA:AES256-SHA:CAMELLIA128-SHA:@SECLEVEL=0",
         what="TLS 1.0/1.1 CBC only, SECLEVEL=0"),
    dict(name="ngx-curves", kind="nginx", cert="rsa", protocols="TLSv1.2 TLSv1.3",
         ciphers="ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA256", curves="x448:secp521r1",
         suites13="TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
         what="unusual groups x448:P-521, two TLS 1.3 suites"),
]
# the many-suite server of issue 14: NORMAL plus every legacy cipher and MAC
# GnuTLS has, RSA, DHE-RSA and ECDHE kx, all groups, TLS 1.0-1.3, with an RSA
# and an ECDSA certificate (gnutls-serv picks the one the suite needs), so
# both ECDHE_RSA and ECDHE_ECDSA families are accepted: 113 (version, suite)
# pairs.  With one RSA certificate the most GnuTLS accepts is 88 (92 with
# +NULL, which turns TLS 1.3 off); DHE-DSS fails at TLS 1.2 in this GnuTLS.
MANY_GNUTLS = ("NORMAL:+3DES-CBC:+CAMELLIA-128-CBC:+CAMELLIA-256-CBC:+CAMELLIA-128-GCM:+CAMELLIA-256-GCM:"
               "+ARCFOUR-128:+AES-128-CCM:+AES-256-CCM:+AES-128-CCM-8:+AES-256-CCM-8:"
               "+SHA1:+SHA256:+SHA384:+MD5:+RSA:+DHE-RSA:+ECDHE-RSA:+ECDHE-ECDSA:+GROUP-ALL")
SERVERS.append(dict(name="gnutls-many", kind="gnutls", cert="rsa", cert2="ecdsa",
                    args=["--priority", MANY_GNUTLS],
                    what="many-suite: GnuTLS NORMAL + 3DES/CAMELLIA/RC4/CCM/MD5, RSA+ECDSA certs, "
                         "all groups, 1.0-1.3"))
QUICK = [s["name"] for s in SERVERS if s.get("quick")]

NGX_PROTO = {"TLSv1": "TLSv1", "TLSv1.1": "TLSv1.1", "TLSv1.2": "TLSv1.2", "TLSv1.3": "TLSv1.3"}

# ---------------------------------------------------------------- processes

def log(msg):
    sys.stderr.write("[bench %s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def run_timed(argv, timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=None):
    """Run a tool in its own process group; returns (rc, wall seconds, timed_out)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                         env=env, start_new_session=True)
    CHILDREN.append(p)
    timed_out = False
    try:
        rc = p.wait(timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(p.pid, signal.SIGKILL)
        rc = p.wait()
    CHILDREN.remove(p)
    return rc, time.monotonic() - t0, timed_out


def free_ports(n):
    """n TCP ports on 127.0.0.1 that nobody listens on now (for nginx and
    gnutls-serv, which cannot report an ephemeral port)."""
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((LOOPBACK, 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def wait_port(port, seconds, proc=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as c:
            c.settimeout(1)
            try:
                c.connect((LOOPBACK, port))
                return True
            except OSError:
                pass
        time.sleep(0.05)
    return False


def sh(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          stdin=subprocess.DEVNULL, timeout=kw.pop("timeout", 120), **kw)


# ---------------------------------------------------------------- material

class Bench:
    def __init__(self, args):
        self.a = args
        self.out = os.path.abspath(args.out)
        self.work = os.path.join(self.out, "work")
        self.raw = os.path.join(self.out, "raw")
        for d in (self.out, self.work, self.raw):
            os.makedirs(d, exist_ok=True)
        # OpenSSL and GnuTLS ignore the system policy, for servers and for
        # the truth (the same empty configuration, like tests/integ).
        self.env = dict(os.environ)
        open(os.path.join(self.work, "openssl.cnf"), "w").close()
        open(os.path.join(self.work, "gnutls-priority"), "w").close()
        self.env["OPENSSL_CONF"] = os.path.join(self.work, "openssl.cnf")
        self.env["GNUTLS_SYSTEM_PRIORITY_FILE"] = os.path.join(self.work, "gnutls-priority")
        os.environ.update(OPENSSL_CONF=self.env["OPENSSL_CONF"],
                          GNUTLS_SYSTEM_PRIORITY_FILE=self.env["GNUTLS_SYSTEM_PRIORITY_FILE"])
        self.results = {"servers": {}, "tools": {}, "notes": []}

    def path(self, *p):
        return os.path.join(self.work, *p)

    def build(self):
        cc = os.environ.get("CC", "cc")
        self.relay = self.path("relay")
        r = sh([cc, "-O2", "-Wall", "-std=c11", "-o", self.relay, os.path.join(HERE, "relay.c")])
        if r.returncode:
            sys.exit("bench: cannot build bench/relay.c:\n" + r.stdout)
        self.bindlo = self.path("bindlo.so")
        r = sh([cc, "-shared", "-fPIC", "-O1", "-o", self.bindlo, os.path.join(INTEG, "bindlo.c"), "-ldl"])
        if r.returncode:
            log("no bind shim (%s): gnutls servers skipped" % r.stdout.strip())
            self.bindlo = None
        for t in ("rsa", "ecdsa"):
            crt, key = self.path(t + ".crt"), self.path(t + ".key")
            if os.path.exists(crt):
                continue
            newkey = ["-newkey", "rsa:2048"] if t == "rsa" else \
                ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
            r = sh(["openssl", "req", "-x509"] + newkey + ["-nodes", "-days", "7", "-subj", "/CN=localhost",
                   "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", crt])
            if r.returncode:
                sys.exit("bench: openssl req failed:\n" + r.stdout)
        for g in ("ffdhe2048", "ffdhe3072"):
            f = self.path("dh-%s.pem" % g)
            if not os.path.exists(f):
                r = sh(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:" + g, "-out", f])
                if r.returncode:
                    sys.exit("bench: DH parameters: " + r.stdout)

    def find_cipherprobe(self):
        cp = self.a.cipherprobe or os.environ.get("CIPHERPROBE")
        if not cp:
            bdir = os.environ.get("BENCH_BUILDDIR", "/tmp/b-bench")
            os.makedirs(bdir, exist_ok=True)
            if not os.path.exists(os.path.join(bdir, "Makefile")):
                r = sh([os.path.join(ROOT, "configure"), "-q"], cwd=bdir, timeout=600)
                if r.returncode:
                    sys.exit("bench: configure failed in %s:\n%s" % (bdir, r.stdout[-2000:]))
            r = sh(["make", "-j%d" % (os.cpu_count() or 2), "cipherprobe"], cwd=bdir, timeout=900)
            if r.returncode:
                sys.exit("bench: building cipherprobe failed (retry later if another file is "
                         "being edited):\n" + r.stdout[-3000:])
            cp = os.path.join(bdir, "cipherprobe")
        self.cp = os.path.abspath(cp)
        v = sh([self.cp, "--version"])
        self.cp_version = v.stdout.strip().splitlines()[0] if v.stdout.strip() else "?"
        self.cp_commit = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).stdout.strip()

    # ------------------------------------------------------------ servers

    def start_servers(self, names, lifetime):
        specs = [s for s in SERVERS if s["name"] in names]
        self.servers = []
        ngx = [s for s in specs if s["kind"] == "nginx"]
        if ngx:
            self.start_nginx("nginx", [(s, s) for s in ngx], lifetime)
        for s in specs:
            if s["kind"] == "gnutls" and not self.bindlo:
                log("%s: skipped (no bind shim)" % s["name"])
                continue
            if s["kind"] not in ("openssl", "gnutls"):
                continue
            # openssl s_server and gnutls-serv handle one handshake at a time
            # (a half-sent hello stalls every other client): run several
            # identical processes and let the relay hand connections to them
            # in turn, as a real server's workers would take them
            first = len(self.servers)
            for _ in range(self.a.instances):
                getattr(self, "start_" + s["kind"])(s, lifetime)
            recs = self.servers[first:]
            del self.servers[first + 1:]
            self.servers[first]["ports"] = [x["port"] for x in recs]
            self.servers[first]["procs"] = [x["proc"] for x in recs]
        order = {s["name"]: i for i, s in enumerate(SERVERS)}
        self.servers.sort(key=lambda s: order[s["name"]])

    def cert(self, t):
        return self.path(t + ".crt"), self.path(t + ".key")

    def start_openssl(self, s, lifetime):
        crt, key = self.cert(s["cert"])
        argv = ["openssl", "s_server", "-accept", "%s:0" % LOOPBACK, "-www",
                "-cert", crt, "-key", key] + s["args"]
        outp = self.path(s["name"] + ".out")
        p = spawn(argv, open(outp, "w"), open(self.path(s["name"] + ".err"), "w"), env=self.env,
                  lifetime=lifetime)
        port = None
        deadline = time.monotonic() + 10
        while port is None and time.monotonic() < deadline and p.poll() is None:
            m = re.search(r"^ACCEPT 127\.0\.0\.1:(\d+)$", open(outp).read(), re.M)
            port = int(m.group(1)) if m else None
            if port is None:
                time.sleep(0.05)
        if port is None:
            sys.exit("bench: %s did not start: %s" % (s["name"], open(self.path(s["name"] + ".err")).read()))
        # expect.py reads -accept but ignores -quiet/-www: keep the argv it knows
        eargv = ["openssl", "s_server", "-cert", crt, "-key", key] + s["args"]
        self.servers.append(dict(s, port=port, proc=p, truth_kind="openssl", truth_argv=eargv))

    def start_gnutls(self, s, lifetime):
        crt, key = self.cert(s["cert"])
        env = dict(self.env, LD_PRELOAD=self.bindlo)
        second = []     # cert2: a second certificate (gnutls-serv takes several)
        if s.get("cert2"):
            crt2, key2 = self.cert(s["cert2"])
            second = ["--x509certfile", crt2, "--x509keyfile", key2]
        for attempt in range(5):
            port = free_ports(1)[0]
            argv = ["gnutls-serv", "--port", str(port), "--echo", "-q",
                    "--x509certfile", crt, "--x509keyfile", key] + second + s["args"]
            p = spawn(argv, open(self.path(s["name"] + ".out"), "w"),
                      open(self.path(s["name"] + ".err"), "w"), env=env, lifetime=lifetime)
            if wait_port(port, 10, p):
                break
            stop(p)
        else:
            sys.exit("bench: gnutls-serv %s did not start" % s["name"])
        self.check_loopback_only(port)
        eargv = ["gnutls-serv", "--x509certfile", crt, "--x509keyfile", key] + s["args"]
        rec = dict(s, port=port, proc=p, truth_kind="gnutls", truth_argv=eargv)
        if second:      # expect.py models one certificate: one argv per certificate
            rec["truth_argv2"] = ["gnutls-serv"] + second + s["args"]
        self.servers.append(rec)

    def check_loopback_only(self, port):
        sys.path.insert(0, INTEG)
        import netutil
        bad = [a for _, a in netutil.listeners(port) if a not in ("127.0.0.1", "::1", "::ffff:127.0.0.1")]
        if bad:
            sys.exit("bench: port %d listens on %s: not loopback only" % (port, bad))

    def nginx_block(self, s, port):
        crt, key = self.cert(s["cert"])
        lines = ["listen %s:%d ssl;" % (LOOPBACK, port),
                 "ssl_certificate %s;" % crt, "ssl_certificate_key %s;" % key,
                 "ssl_protocols %s;" % s["protocols"],
                 'ssl_ciphers "%s";' % s["ciphers"],
                 "ssl_prefer_server_ciphers %s;" % ("on" if s.get("prefer") else "off"),
                 "ssl_session_tickets off;"]
        if s.get("curves"):
            lines.append("ssl_ecdh_curve %s;" % s["curves"])
        if s.get("dh"):
            lines.append("ssl_dhparam %s;" % self.path("dh-%s.pem" % s["dh"]))
        if s.get("suites13"):
            lines.append("ssl_conf_command Ciphersuites %s;" % s["suites13"])
        lines.append('return 200 "ok\\n";')
        return "  server {\n" + "".join("    %s\n" % l for l in lines) + "  }\n"

    def nginx_truth_argv(self, s):
        """The openssl s_server argv equivalent to an nginx server block, for
        expect.py: same cipher string, protocols, groups, preference; nginx
        without ssl_dhparam serves no DHE (-no_dhe)."""
        crt, key = self.cert(s["cert"])
        argv = ["openssl", "s_server", "-cert", crt, "-key", key]
        protos = s["protocols"].split()
        names = {"TLSv1": "TLSv1", "TLSv1.1": "TLSv1.1", "TLSv1.2": "TLSv1.2", "TLSv1.3": "TLSv1.3"}
        order = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
        idx = sorted(order.index(p) for p in protos)
        if idx != list(range(idx[0], idx[-1] + 1)):
            raise SystemExit("bench: %s: non-contiguous ssl_protocols" % s["name"])
        argv += ["-min_protocol", names[order[idx[0]]], "-max_protocol", names[order[idx[-1]]]]
        argv += ["-cipher", s["ciphers"]]
        if s.get("suites13"):
            argv += ["-ciphersuites", s["suites13"]]
        if s.get("prefer"):
            argv.append("-serverpref")
        if s.get("curves"):
            argv += ["-groups", s["curves"]]
        if s.get("dh"):
            argv += ["-dhparam", self.path("dh-%s.pem" % s["dh"])]
        else:
            argv.append("-no_dhe")
        return argv

    def start_nginx(self, tag, blocks, lifetime, workers=1):
        """blocks: [(label, spec)]; one listener each.  Returns the ports."""
        prefix = self.path(tag)
        os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
        for attempt in range(3):
            ports = free_ports(len(blocks))
            conf = os.path.join(prefix, "nginx.conf")
            with open(conf, "w") as f:
                f.write("worker_processes %d;\ndaemon off;\nmaster_process on;\n" % workers)
                f.write("pid %s/nginx.pid;\nerror_log %s/error.log;\nenv OPENSSL_CONF;\n" % (prefix, prefix))
                f.write("worker_rlimit_nofile 16384;\n")
                f.write("events { worker_connections 8192; }\nhttp {\n  access_log off;\n")
                for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
                    f.write("  %s_temp_path %s/tmp;\n" % (t, prefix))
                for (label, s), port in zip(blocks, ports):
                    f.write(self.nginx_block(s, port))
                f.write("}\n")
            p = spawn(["nginx", "-e", os.path.join(prefix, "error.log"), "-p", prefix, "-c", conf],
                      open(os.path.join(prefix, "stdout"), "w"), open(os.path.join(prefix, "stderr"), "w"),
                      env=self.env, lifetime=lifetime)
            if all(wait_port(port, 10, p) for port in ports):
                break
            stop(p)
            log("nginx %s did not start (attempt %d): %s" % (tag, attempt + 1,
                open(os.path.join(prefix, "error.log")).read()[-500:]))
        else:
            sys.exit("bench: nginx did not start")
        self.check_loopback_only(ports[0])
        if tag == "nginx":
            for (label, s), port in zip(blocks, ports):
                self.servers.append(dict(s, port=port, proc=p, truth_kind="openssl",
                                         truth_argv=self.nginx_truth_argv(s)))
        return p, ports

    # ------------------------------------------------------------ truth

    def expect_one(self, s, argv, tag):
        argvf = self.path(s["name"] + tag + ".argv")
        with open(argvf, "wb") as f:
            f.write(b"".join(a.encode() + b"\0" for a in argv))
        r = sh([sys.executable, os.path.join(INTEG, "expect.py"), s["truth_kind"], argvf,
                "--port", str(s["port"])], env=self.env, timeout=300)
        if r.returncode:
            sys.exit("bench: expect.py for %s failed:\n%s" % (s["name"], r.stdout))
        return json.loads(r.stdout)

    @staticmethod
    def merge_expect(e1, e2, argv, priority):
        """A gnutls-serv with two certificates accepts the union of what it
        accepts with each one (gnutls-serv picks the certificate the suite's
        key exchange needs), in gnutls-cli --list order."""
        order = {x["id"]: i for i, x in enumerate(expect.gnutls_list(priority)[0])}
        e = dict(e1, argv=argv, cert="+".join(sorted({e1.get("cert") or "?", e2.get("cert") or "?"})))
        e["protocols"] = {}
        for v in VERSIONS:
            p1, p2 = e1["protocols"][v], e2["protocols"][v]
            ids = {c["id"] for c in p1["ciphers"]}
            cs = sorted(p1["ciphers"] + [c for c in p2["ciphers"] if c["id"] not in ids],
                        key=lambda c: order.get(c["id"], 1 << 20))
            p = dict(p1, ciphers=cs)
            expect.finish_protocol(p, "%SERVER_PRECEDENCE" in priority.upper(), "gnutls-cli --list order")
            e["protocols"][v] = p
        if e1.get("groups") is not None or e2.get("groups") is not None:
            g1 = e1.get("groups") or []
            e["groups"] = g1 + [g for g in (e2.get("groups") or []) if g not in g1]
        e["groups_tolerated"] = sorted(set(e1["groups_tolerated"]) | set(e2["groups_tolerated"]))
        e["tolerated_only"] = [g for g in e["groups_tolerated"] if g not in (e["groups"] or [])]
        e["notes"] = e1["notes"] + ["two certificates: the union of the expectations for %s and %s" % (
            e1.get("cert"), e2.get("cert"))]
        return e

    def derive_truth(self, verify):
        for s in self.servers:
            ef = self.path(s["name"] + ".expect.json")
            e = self.expect_one(s, s["truth_argv"], "")
            if s.get("truth_argv2"):
                e2 = self.expect_one(s, s["truth_argv2"], ".2")
                prio = s["args"][s["args"].index("--priority") + 1]
                e = self.merge_expect(e, e2, s["truth_argv"][:-len(s["args"])] + s["truth_argv2"][1:], prio)
            with open(ef, "w") as f:
                json.dump(e, f, indent=1)
            s["expect"] = e
            s["truth"] = {v: [c["id"] for c in e["protocols"][v]["ciphers"]] for v in VERSIONS}
            s["truth_groups"] = e.get("groups")
            s["verified"] = None
            if verify:
                t0 = time.monotonic()
                r = sh([sys.executable, os.path.join(INTEG, "expect.py"), "verify", ef,
                        "--port", str(s["port"])], env=self.env, timeout=600)
                s["verified"] = r.returncode == 0
                with open(self.path(s["name"] + ".oracle"), "w") as f:
                    f.write(r.stdout)
                log("%s: truth %s by an independent client (%.0fs)" % (
                    s["name"], "CONFIRMED" if s["verified"] else "NOT confirmed", time.monotonic() - t0))
                if not s["verified"]:
                    log(r.stdout[-1500:])
            n = sum(len(x) for x in s["truth"].values())
            log("%s: port %d, %d accepted (version, suite) pairs" % (s["name"], s["port"], n))

    # ------------------------------------------------------------ relay

    def start_relay(self, tag, maps, lifetime, capture=False):
        stats = self.path(tag + ".stats")
        conns = os.path.join(self.raw, tag + ".connlog")
        outp = self.path(tag + ".out")
        argv = [self.relay, "-d", str(self.a.delay_ms), "-t", str(int(lifetime)), "-s", stats,
                "-l", conns] + (["-x"] if capture else []) + maps
        p = spawn(argv, open(outp, "w"), open(self.path(tag + ".err"), "w"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and p.poll() is None:
            txt = open(outp).read()
            if "READY" in txt:
                break
            time.sleep(0.02)
        else:
            sys.exit("bench: relay %s did not start: %s" % (tag, open(self.path(tag + ".err")).read()))
        ports = [int(m.group(1)) for m in re.finditer(r"^LISTEN \d+ 127\.0\.0\.1:(\d+) ", txt, re.M)]
        start_us = int(re.search(r"start_us=(\d+)", txt).group(1))
        return dict(proc=p, stats=stats, ports=ports, tag=tag, connlog=conns, start_us=start_us)

    def snapshot(self, relay):
        """Per-listener (conns, hellos) from the relay, after in-flight
        connections had time to be accepted."""
        time.sleep(0.15)
        try:
            os.unlink(relay["stats"])
        except FileNotFoundError:
            pass
        relay["proc"].send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while not os.path.exists(relay["stats"]):
            if time.monotonic() > deadline:
                sys.exit("bench: relay %s does not answer SIGUSR1" % relay["tag"])
            time.sleep(0.02)
        snap = {}
        for line in open(relay["stats"]):
            if line.startswith("#"):
                continue
            f = line.split()
            snap[int(f[0])] = (int(f[3]), int(f[4]))
        return snap

    # ------------------------------------------------------------ tools

    def tool_available(self, name):
        exe = {"sslscan": "sslscan", "testssl": "testssl", "nmap": "nmap"}[name]
        return shutil.which(exe) is not None

    def run_tools(self):
        relay = self.relay_main
        targets = ["%s:%d" % (LOOPBACK, p) for p in relay["ports"]]
        n = len(self.servers)
        tools = [t for t in self.a.tools.split(",") if t]
        for tool in tools:
            if tool != "cipherprobe" and not self.tool_available(tool):
                log("%s: not installed (apt-get install -y sslscan testssl.sh nmap)" % tool)
                self.results["tools"][tool] = {"missing": True}
                continue
            res = {"per_target": [None] * n}
            if tool == "cipherprobe":
                # 1) all targets in one run (its normal use); 2) each alone
                before = self.snapshot(relay)
                outf = os.path.join(self.raw, "cipherprobe.all.json")
                t0 = time.monotonic()
                rc, wall, to = run_timed([self.cp, "scan", "--json", "--no-verdict", "-q", "-o", outf] + targets,
                                         self.a.tool_timeout, stderr=open(outf + ".err", "w"))
                t1 = time.monotonic()
                after = self.snapshot(relay)
                res["together"] = {"wall_s": wall, "rc": rc, "timed_out": to,
                                   "conns": sum(after[i][0] - before[i][0] for i in range(n)),
                                   "hellos": sum(after[i][1] - before[i][1] for i in range(n))}
                docs = self.parse_cipherprobe(outf, n)
                res["together"]["per_target_elapsed_ms"] = [d.get("elapsed_ms") if d else None for d in docs]
                res["together"]["per_target_conns"] = [after[i][0] - before[i][0] for i in range(n)]
                res["together"]["per_target_handshakes_json"] = [d.get("handshakes") if d else None for d in docs]
                res["together"]["per_target_critical_path"] = [d.get("critical_path") if d else None for d in docs]
                res["together"]["window_us"] = (int(t0 * 1e6) - relay["start_us"], int(t1 * 1e6) - relay["start_us"])
                res["together"]["score"] = [self.score(s, self.found_cipherprobe(d)) for s, d in zip(self.servers, docs)]
                log("cipherprobe, %d targets in one run: %.2fs" % (n, wall))
            for i, (s, t) in enumerate(zip(self.servers, targets)):
                if tool == "testssl" and self.a.quick and i > 0:
                    continue    # --quick: testssl (slowest) on the first server only
                before = self.snapshot(relay)
                spids = server_pids(s)
                cpu0 = proc_cpu_seconds(spids)
                t0 = time.monotonic()
                rec = getattr(self, "run_" + tool)(s, t, i)
                t1 = time.monotonic()
                after = self.snapshot(relay)
                # the server's CPU time during this run (its processes, from
                # /proc; nginx: every worker, but only this target is busy)
                rec["server_cpu_s"] = proc_cpu_seconds(spids) - cpu0
                rec["window_us"] = (int(t0 * 1e6) - relay["start_us"], int(t1 * 1e6) - relay["start_us"])
                rec["conns"] = after[i][0] - before[i][0]
                rec["hellos"] = after[i][1] - before[i][1]
                rec["score"] = self.score(s, rec.pop("found", None))
                res["per_target"][i] = rec
                log("%s %s: %.2fs, %d connections, correct %s missed %s extra %s%s" % (
                    tool, s["name"], rec["wall_s"], rec["conns"], rec["score"]["correct"],
                    rec["score"]["missed"], rec["score"]["extra"], " TIMEOUT" if rec["timed_out"] else ""))
            if tool == "nmap":
                # nmap's own parallelism: every port in one run
                before = self.snapshot(relay)
                outf = os.path.join(self.raw, "nmap.all.xml")
                ports = ",".join(str(p) for p in relay["ports"])
                rc, wall, to = run_timed(["nmap", "-n", "-Pn", "-p", ports, "--script", "ssl-enum-ciphers",
                                          LOOPBACK, "-oX", outf], self.a.tool_timeout * 2)
                after = self.snapshot(relay)
                found = self.parse_nmap(outf)
                res["together"] = {"wall_s": wall, "rc": rc, "timed_out": to,
                                   "conns": sum(after[i][0] - before[i][0] for i in range(n)),
                                   "score": [self.score(s, found.get(p)) for s, p in zip(self.servers, relay["ports"])]}
                log("nmap, all ports in one run: %.2fs" % wall)
            self.results["tools"][tool] = res

    def run_cipherprobe(self, s, target, i):
        outf = os.path.join(self.raw, "cipherprobe.%s.json" % s["name"])
        rc, wall, to = run_timed([self.cp, "scan", "--json", "--no-verdict", "-q", "-o", outf, target],
                                 self.a.tool_timeout, stderr=open(outf + ".err", "w"))
        docs = self.parse_cipherprobe(outf, 1)
        d = docs[0]
        return {"wall_s": wall, "rc": rc, "timed_out": to, "found": self.found_cipherprobe(d),
                "elapsed_ms": d.get("elapsed_ms") if d else None,
                "handshakes_json": d.get("handshakes") if d else None,
                "critical_path": d.get("critical_path") if d else None,   # cipherprobe's own claim, if the field exists
                "groups": [(g["id"], tuple(g.get("versions", []))) for g in d.get("groups", [])] if d else None}

    def parse_cipherprobe(self, path, n):
        try:
            doc = json.load(open(path))
            ts = doc["targets"]
        except (OSError, ValueError, KeyError):
            return [None] * n
        return ts + [None] * (n - len(ts))

    @staticmethod
    def found_cipherprobe(t):
        if not t or t.get("status") != "ok":
            return None
        return {p["version"]: [c["id"].upper().replace("0X", "0x") for c in p.get("ciphers", [])]
                for p in t.get("protocols", [])}

    def run_sslscan(self, s, target, i):
        outf = os.path.join(self.raw, "sslscan.%s.xml" % s["name"])
        if os.path.exists(outf):
            os.unlink(outf)
        rc, wall, to = run_timed(["sslscan", "--no-colour", "--xml=" + outf, target], self.a.tool_timeout,
                                 stdout=open(outf + ".txt", "w"), stderr=subprocess.STDOUT)
        return {"wall_s": wall, "rc": rc, "timed_out": to, "found": self.parse_sslscan(outf)}

    @staticmethod
    def parse_sslscan(path):
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError):
            return None
        found = {v: [] for v in VERSIONS}
        for c in root.iter("cipher"):
            if c.get("status") not in ("accepted", "preferred"):
                continue
            v = c.get("sslversion")
            v = {"TLSv1": "TLSv1.0"}.get(v, v)
            cid = c.get("id")
            if v in found and cid:
                found[v].append(norm_id(cid))
        return found

    def run_testssl(self, s, target, i):
        outf = os.path.join(self.raw, "testssl.%s.json" % s["name"])
        if os.path.exists(outf):
            os.unlink(outf)
        rc, wall, to = run_timed(["testssl", "-E", "--warnings", "off", "--color", "0", "--jsonfile", outf, target],
                                 self.a.testssl_timeout, stdout=open(outf + ".txt", "w"),
                                 stderr=subprocess.STDOUT)
        return {"wall_s": wall, "rc": rc, "timed_out": to, "found": self.parse_testssl(outf)}

    @staticmethod
    def parse_testssl(path):
        try:
            doc = json.load(open(path))
        except (OSError, ValueError):
            return None
        vmap = {"ssl2": "SSLv2", "ssl3": "SSLv3", "tls1": "TLSv1.0", "tls1_1": "TLSv1.1",
                "tls1_2": "TLSv1.2", "tls1_3": "TLSv1.3"}
        found = {v: [] for v in VERSIONS}
        for e in doc if isinstance(doc, list) else doc.get("scanResult", []):
            m = re.match(r"cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-fA-F]+)$", e.get("id", ""))
            if m:
                found[vmap[m.group(1)]].append(norm_id(m.group(2)))
        return found

    def run_nmap(self, s, target, i):
        outf = os.path.join(self.raw, "nmap.%s.xml" % s["name"])
        if os.path.exists(outf):
            os.unlink(outf)
        port = int(target.rsplit(":", 1)[1])
        rc, wall, to = run_timed(["nmap", "-n", "-Pn", "-p", str(port), "--script", "ssl-enum-ciphers",
                                  LOOPBACK, "-oX", outf], self.a.tool_timeout,
                                 stdout=open(outf + ".txt", "w"), stderr=subprocess.STDOUT)
        return {"wall_s": wall, "rc": rc, "timed_out": to, "found": self.parse_nmap(outf).get(port)}

    @staticmethod
    def parse_nmap(path):
        """{port: found} from nmap -oX; nmap names suites (IANA names)."""
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError):
            return {}
        by_name = {n: i for i, n in expect.IANA_SUITES.items()}
        out = {}
        for port in root.iter("port"):
            found = {v: [] for v in VERSIONS}
            for script in port.iter("script"):
                if script.get("id") != "ssl-enum-ciphers":
                    continue
                for vt in script.findall("table"):
                    v = {"TLSv1.0": "TLSv1.0", "SSLv3": "SSLv3", "TLSv1.1": "TLSv1.1",
                         "TLSv1.2": "TLSv1.2", "TLSv1.3": "TLSv1.3", "SSLv2": "SSLv2"}.get(vt.get("key"))
                    if not v:
                        continue
                    for ct in vt.findall("table"):
                        if ct.get("key") != "ciphers":
                            continue
                        for c in ct.findall("table"):
                            name = next((e.text for e in c.findall("elem") if e.get("key") == "name"), None)
                            if name:
                                # nmap names TLS 1.3 suites by their draft
                                # names: TLS_AKE_WITH_AES_128_GCM_SHA256
                                iana = name.replace("TLS_AKE_WITH_", "TLS_", 1)
                                found[v].append(by_name.get(iana, "name:" + name))
            out[int(port.get("portid"))] = found
        return out

    # ------------------------------------------------------------ scoring

    @staticmethod
    def score(s, found):
        """(version, suite) pairs: correct, missed, extra against the truth."""
        truth = {(v, c) for v in VERSIONS for c in s["truth"][v]}
        if found is None:
            return {"correct": 0, "missed": len(truth), "extra": 0, "failed": True,
                    "missed_list": sorted("%s %s" % x for x in truth), "extra_list": []}
        got = {(v, c) for v, cs in found.items() if v in VERSIONS for c in cs}
        return {"correct": len(truth & got), "missed": len(truth - got), "extra": len(got - truth),
                "failed": False,
                "missed_list": sorted("%s %s" % x for x in truth - got),
                "extra_list": sorted("%s %s" % x for x in got - truth)}


def norm_id(h):
    h = h.lower().replace("0x", "")
    return "0x" + h.upper().rjust(4, "0")


# ---------------------------------------------------------------- netem

def netem_check():
    """Is netem available?  Tried only inside a private network namespace
    (never on the host's lo)."""
    ns = "cpbench%d" % os.getpid()
    if not shutil.which("ip") or not shutil.which("tc"):
        return False, "ip/tc not installed"
    r = sh(["ip", "netns", "add", ns])
    if r.returncode:
        return False, "ip netns add: " + r.stdout.strip()
    try:
        sh(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"])
        r = sh(["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"])
        return r.returncode == 0, r.stdout.strip() or "ok"
    finally:
        sh(["ip", "netns", "del", ns])


# ---------------------------------------------------------------- analysis

def proc_cpu_seconds(pids):
    """utime+stime of these processes (seconds)."""
    tck = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
            total += (int(f[11]) + int(f[12])) / tck
        except (OSError, IndexError, ValueError):
            pass
    return total


def cpu_jiffies():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = f[3] + (f[4] if len(f) > 4 else 0)
    return sum(f[:8]) - idle, sum(f[:8])


def server_pids(s):
    """Every process of a bench server (all its instances)."""
    return [p for proc in s.get("procs") or [s["proc"]] for p in descendants(proc.pid)]


def descendants(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(open("/proc/%s/stat" % d).read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def connlog_window(path, start_us, idxs, t0, t1):
    """Connections of listeners idxs accepted in [t0, t1] (monotonic seconds):
    count, sum of durations, peak concurrency."""
    idxs = set(idxs)
    rows = []
    try:
        for line in open(path):
            f = line.split()
            if int(f[0]) not in idxs:
                continue
            a = (start_us + int(f[1])) / 1e6
            c = (start_us + int(f[3])) / 1e6
            if t0 <= a <= t1:
                rows.append((a, c))
    except OSError:
        return None
    if not rows:
        return None
    ev = sorted([(a, 1) for a, _ in rows] + [(c, -1) for _, c in rows])
    cur = peak = 0
    for _, d in ev:
        cur += d
        peak = max(peak, cur)
    busy = sum(c - a for a, c in rows)
    return {"conns": len(rows), "conn_seconds": busy, "peak_concurrent": peak,
            "mean_conn_ms": 1000 * busy / len(rows)}


# ---------------------------------------------------------------- the run

def scale_run(b):
    a = b.a
    specs = [s for s in b.servers if s["kind"] == "nginx"]
    if not specs:
        return None
    k = a.scale_ports
    blocks = [("scale%d" % j, specs[j % len(specs)]) for j in range(k)]
    lifetime = a.scale_timeout + 120
    ngx, ports = b.start_nginx("nginx-scale", blocks, lifetime, workers=a.scale_workers)
    maps = ["0=%d" % ports[j % k] for j in range(a.scale_targets)]
    relay = b.start_relay("relay-scale", maps, lifetime)
    tfile = os.path.join(b.work, "scale-targets.txt")
    with open(tfile, "w") as f:
        for p in relay["ports"]:
            f.write("%s:%d\n" % (LOOPBACK, p))
    runs = []
    extra_sets = [[]] + [x.split() for x in a.scale_extra if x.strip()]
    for extra in extra_sets:
        before = b.snapshot(relay)
        ngx_pids = descendants(ngx.pid)
        cpu0 = (proc_cpu_seconds(ngx_pids), proc_cpu_seconds([relay["proc"].pid]))
        sys0 = cpu_jiffies()
        outf = os.path.join(b.raw, "scale%s.json" % ("" if not extra else "-" + "-".join(x.strip("-") for x in extra)))
        tv = outf + ".time"
        argv = ["/usr/bin/time", "-v", "-o", tv, b.cp, "scan", "--json", "--no-verdict", "-q", "-o", outf,
                "-i", tfile] + extra
        rc, wall, to = run_timed(argv, a.scale_timeout, stderr=open(outf + ".err", "w"))
        after = b.snapshot(relay)
        cpu1 = (proc_cpu_seconds(ngx_pids), proc_cpu_seconds([relay["proc"].pid]))
        sys1 = cpu_jiffies()
        tvt = open(tv).read() if os.path.exists(tv) else ""
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tvt)
        rss = int(m.group(1)) if m else None
        u = re.search(r"User time \(seconds\): ([\d.]+)", tvt)
        sy = re.search(r"System time \(seconds\): ([\d.]+)", tvt)
        docs = b.parse_cipherprobe(outf, a.scale_targets)
        by_port = {}
        for j, d in enumerate(docs):
            spec = specs[(j % k) % len(specs)]
            srv = next(s for s in b.servers if s["name"] == spec["name"])
            by_port.setdefault(spec["name"], []).append(b.score(srv, b.found_cipherprobe(d)))
        tot = {x: sum(sc[x] for scs in by_port.values() for sc in scs) for x in ("correct", "missed", "extra")}
        tot["failed_targets"] = sum(1 for scs in by_port.values() for sc in scs if sc["failed"])
        conns = [after[j][0] - before[j][0] for j in range(a.scale_targets)]
        el = [d.get("elapsed_ms") for d in docs if d and d.get("elapsed_ms") is not None]
        run = {"extra_args": extra, "wall_s": wall, "rc": rc, "timed_out": to, "max_rss_kb": rss,
               "cp_user_s": float(u.group(1)) if u else None, "cp_sys_s": float(sy.group(1)) if sy else None,
               "nginx_cpu_s": cpu1[0] - cpu0[0], "relay_cpu_s": cpu1[1] - cpu0[1],
               "machine_busy": (sys1[0] - sys0[0]) / max(1, sys1[1] - sys0[1]),
               "conns_total": sum(conns), "conns_per_target_mean": sum(conns) / len(conns),
               "elapsed_ms_median": statistics.median(el) if el else None,
               "elapsed_ms_max": max(el) if el else None,
               "score": tot, "ok_targets": sum(1 for d in docs if d and d.get("status") == "ok")}
        log("scale %s: %d targets in %.2fs, peak RSS %s kB, %d connections, nginx cpu %.1fs, relay cpu %.1fs, "
            "machine busy %.0f%%, correct %d missed %d extra %d" % (
                " ".join(extra) or "(defaults)", a.scale_targets, wall, rss, run["conns_total"], run["nginx_cpu_s"],
                run["relay_cpu_s"], 100 * run["machine_busy"], tot["correct"], tot["missed"], tot["extra"]))
        runs.append(run)
    stop(relay["proc"])
    stop(ngx)
    return {"targets": a.scale_targets, "nginx_listeners": k, "nginx_workers": a.scale_workers,
            "configs": [s["name"] for s in specs], "runs": runs}


def scale_hook(out):
    """The "Scale: 1 million targets" section is another script's:
    bench/scale.py --out OUT/scale.md, run when it exists (--no-scale skips
    it); its markdown is appended to the report as it is."""
    script = os.path.join(HERE, "scale.py")
    if not os.path.exists(script):
        log("no bench/scale.py: no 1-million-target section")
        return None
    md = os.path.join(out, "scale.md")
    log("running bench/scale.py --out %s" % md)
    try:
        r = subprocess.run([sys.executable, script, "--out", md], stdin=subprocess.DEVNULL, timeout=3600)
    except subprocess.TimeoutExpired:
        log("bench/scale.py: timed out after 3600 s")
        return None
    if r.returncode or not os.path.exists(md):
        log("bench/scale.py failed (exit %d): no scale section" % r.returncode)
        return None
    return open(md).read()


def machine_info():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    def ver(argv, pat=None):
        try:
            out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            return "not installed"
        out = re.sub(r"\x1b\[[0-9;]*m", "", out)
        if pat:
            m = re.search(pat, out)
            return m.group(1) if m else "?"
        return out.strip().splitlines()[0] if out.strip() else "?"
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "sslscan": ver(["sslscan", "--version"], r"(\d+\.\d+\.\d+)"),
            "testssl": ver(["testssl", "--version"], r"testssl\s+(\S+) from") if shutil.which("testssl") else "not installed",
            "nmap": ver(["nmap", "--version"], r"Nmap version (\S+)"),
            "openssl": ver(["openssl", "version"]), "nginx": ver(["nginx", "-v"], r"nginx/(\S+)"),
            "gnutls": ver(["gnutls-serv", "--version"], r"gnutls-serv (\S+)")}


def retrace(tools, servers, connlog, rtt_us, critical=None):
    """What each of cipherprobe's probes was, and the longest answer-to-hello
    chain, from the relay's captured bytes and times (bench/probetrace.py):
    each target alone, each target within the one run of all targets, and
    the many-suite target's --per-host runs."""
    import probetrace
    if not os.path.exists(connlog):
        return
    cp = tools.get("cipherprobe")
    if cp and not cp.get("missing"):
        for i, rec in enumerate(cp["per_target"]):
            if rec:
                rows = probetrace.load(connlog, i, *rec["window_us"])
                rec["trace"] = probetrace.summarize(rows, servers[i]["truth"], rtt_us, rtt_us // 2)
        tg = cp.get("together")
        if tg and tg.get("window_us"):
            tg["per_target_relay_chain"] = [
                probetrace.critical_chain(probetrace.load(connlog, i, *tg["window_us"]), rtt_us, rtt_us // 2)
                for i in range(len(servers))]
    if critical:
        for x in [critical] + [v for k, v in critical.items() if k.startswith("per_host_")]:
            if x.get("window_us"):
                x["relay_chain"] = probetrace.critical_chain(
                    probetrace.load(connlog, critical["index"], *x["window_us"]), rtt_us, rtt_us // 2)


def rerender(a):
    """--rerender: recompute the traces from bench/out and write the report again."""
    import report
    q = ".quick" if a.quick else ""
    path = os.path.join(os.path.abspath(a.out), "results%s.json" % q)
    r = json.load(open(path))
    if a.note is not None:
        r["machine"]["note"] = a.note
    retrace(r["tools"], r["servers"], os.path.join(os.path.abspath(a.out), "raw", "relay.connlog"),
            int(2000 * r["machine"]["delay_ms"]), r.get("critical"))
    with open(path, "w") as f:
        json.dump(r, f, indent=1, default=str)
    rep = a.report or (os.path.join(a.out, "BENCHMARKS.quick.md") if a.quick else os.path.join(ROOT, "BENCHMARKS.md"))
    with open(rep, "w") as f:
        f.write(report.render(r))
    log("re-rendered %s from %s" % (rep, path))
    return 0


def main():
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke run: %s, no scale run" % ", ".join(QUICK))
    ap.add_argument("--out", default=os.path.join(HERE, "out"), help="raw outputs (default bench/out)")
    ap.add_argument("--cipherprobe", help="binary (default $CIPHERPROBE, else build in $BENCH_BUILDDIR "
                    "or /tmp/b-bench)")
    ap.add_argument("--delay-ms", type=float, default=25.0, help="one-way delay per direction (25: 50 ms RTT)")
    ap.add_argument("--tools", default="cipherprobe,sslscan,testssl,nmap")
    ap.add_argument("--servers", help="comma-separated subset of: " + ", ".join(s["name"] for s in SERVERS))
    ap.add_argument("--tool-timeout", type=int, default=180, help="seconds per tool run and target")
    ap.add_argument("--testssl-timeout", type=int, default=300, help="seconds per testssl run")
    ap.add_argument("--no-verify", action="store_true", help="skip proving the truth with reference clients")
    ap.add_argument("--instances", type=int, default=8,
                    help="processes per openssl/gnutls server behind the relay, in turn (default 8; 1: one "
                         "process, which serves one handshake at a time)")
    ap.add_argument("--no-scale", action="store_true",
                    help="no scale runs: neither the 1000-target run nor bench/scale.py")
    ap.add_argument("--scale-targets", type=int, default=1000)
    ap.add_argument("--scale-ports", type=int, default=250, help="nginx listeners behind the scale relay")
    ap.add_argument("--scale-workers", type=int, default=2, help="nginx worker processes for the scale run")
    ap.add_argument("--scale-timeout", type=int, default=300)
    ap.add_argument("--scale-extra", action="append", default=[],
                    help="also run the scale test with these extra cipherprobe options (repeatable)")
    ap.add_argument("--report", help="report file (default BENCHMARKS.md; --quick: bench/out/BENCHMARKS.quick.md)")
    ap.add_argument("--note", help="a sentence printed under the report's title (e.g. that it is preliminary)")
    ap.add_argument("--rerender", action="store_true",
                    help="no run: re-read bench/out/results.json (and the relay log) and write the report again")
    a = ap.parse_args()
    if a.rerender:
        return rerender(a)
    if a.quick:
        a.no_scale = True
        a.tool_timeout = min(a.tool_timeout, 60)
        a.testssl_timeout = min(a.testssl_timeout, 60)
    names = a.servers.split(",") if a.servers else (QUICK if a.quick else [s["name"] for s in SERVERS])
    unknown = set(names) - {s["name"] for s in SERVERS}
    if unknown:
        ap.error("unknown servers: %s" % ", ".join(sorted(unknown)))

    on_signals(log, "stopping servers and relays")
    t_start = time.monotonic()
    b = Bench(a)
    b.build()
    b.find_cipherprobe()
    netem_ok, netem_msg = netem_check()
    log("netem in a private network namespace: %s (%s)" % ("available" if netem_ok else "unavailable", netem_msg))
    # every process started here dies by itself after this many seconds
    budget = 600 + len(names) * (3 * a.tool_timeout + a.testssl_timeout + 600) + \
        (0 if a.no_scale else 3 * a.scale_timeout)
    b.start_servers(names, budget)
    b.derive_truth(verify=not a.no_verify)
    b.relay_main = b.start_relay("relay", ["0=%s" % ",".join(str(p) for p in s.get("ports") or [s["port"]])
                                           for s in b.servers], budget, capture=True)
    b.windows = {}
    b.run_tools()
    # connection timeline of cipherprobe alone on the many-suite target
    crit = None
    big = max(range(len(b.servers)), key=lambda i: sum(len(x) for x in b.servers[i]["truth"].values()))
    cp = b.results["tools"].get("cipherprobe")
    if cp and not cp.get("missing") and (not a.quick or a.servers):
        # rerun it once alone with the timeline (the run above is in the counters)
        i = big
        s = b.servers[i]
        spids = server_pids(s)
        cpu0 = proc_cpu_seconds(spids)
        t0 = time.monotonic()
        rec = b.run_cipherprobe(s, "%s:%d" % (LOOPBACK, b.relay_main["ports"][i]), i)
        t1 = time.monotonic()
        rec["server_cpu_s"] = proc_cpu_seconds(spids) - cpu0
        b.snapshot(b.relay_main)
        tl = connlog_window(b.relay_main["connlog"], b.relay_main["start_us"], [i], t0, t1)
        crit = {"server": s["name"], "index": i, "wall_s": rec["wall_s"], "elapsed_ms": rec["elapsed_ms"],
                "handshakes_json": rec["handshakes_json"], "critical_path": rec.get("critical_path"),
                "timeline": tl, "per_host": 4, "accepted": sum(len(x) for x in s["truth"].values()),
                "score": b.score(s, rec.get("found")), "server_cpu_s": rec["server_cpu_s"],
                "window_us": (int(t0 * 1e6) - b.relay_main["start_us"], int(t1 * 1e6) - b.relay_main["start_us"])}
        # the slot bound against the dependency bound: more connections per host
        for ph in (() if a.quick else (1, 8, 16)):
            outf = os.path.join(b.raw, "cipherprobe.%s.per-host-%d.json" % (s["name"], ph))
            spids = server_pids(s)
            cpu0 = proc_cpu_seconds(spids)
            t0 = time.monotonic()
            rc, wall, to = run_timed([b.cp, "scan", "--json", "--no-verdict", "-q", "--per-host", str(ph), "-o", outf,
                                      "%s:%d" % (LOOPBACK, b.relay_main["ports"][i])], a.tool_timeout)
            t1 = time.monotonic()
            b.snapshot(b.relay_main)
            d = b.parse_cipherprobe(outf, 1)[0]
            crit["per_host_%d" % ph] = {"wall_s": wall, "elapsed_ms": d.get("elapsed_ms") if d else None,
                                        "handshakes_json": d.get("handshakes") if d else None,
                                        "critical_path": d.get("critical_path") if d else None,
                                        "score": b.score(s, b.found_cipherprobe(d)),
                                        "server_cpu_s": proc_cpu_seconds(spids) - cpu0,
                                        "window_us": (int(t0 * 1e6) - b.relay_main["start_us"],
                                                      int(t1 * 1e6) - b.relay_main["start_us"])}
            log("cipherprobe --per-host %d on %s: %.2fs, %s handshakes (source: %s)" % (
                ph, s["name"], wall, crit["per_host_%d" % ph]["handshakes_json"], outf))
        log("critical path on %s: %s" % (s["name"], json.dumps(crit)))
    stop(b.relay_main["proc"])
    retrace(b.results["tools"], b.servers, b.relay_main["connlog"], int(2000 * a.delay_ms), crit)
    scale = None if a.no_scale else scale_run(b)
    scale_md = None if a.no_scale else scale_hook(b.out)
    cleanup()
    info = machine_info()
    info.update(note=a.note, instances=a.instances, delay_ms=a.delay_ms, netem=netem_ok, netem_msg=netem_msg, quick=a.quick,
                cipherprobe=b.cp_version, commit=b.cp_commit, total_bench_s=time.monotonic() - t_start)
    results = {"machine": info, "servers": [
        {k: v for k, v in s.items() if k not in ("proc", "procs", "expect")} for s in b.servers],
        "tools": b.results["tools"], "critical": crit, "scale": scale, "big": b.servers[big]["name"],
        "scale_md": scale_md}
    with open(os.path.join(b.out, "results%s.json" % (".quick" if a.quick else "")), "w") as f:
        json.dump(results, f, indent=1, default=str)
    import report
    rep = a.report or (os.path.join(b.out, "BENCHMARKS.quick.md") if a.quick else os.path.join(ROOT, "BENCHMARKS.md"))
    with open(rep, "w") as f:
        f.write(report.render(results))
    for t in report.targets(results):
        log("target: %s: %s (target %s): %s.  Source: %s" % (t["name"], t["measured"], t["target"],
                                                          t["met"], t["source"]))
    log("wrote %s (%.0fs in all)" % (rep, time.monotonic() - t_start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
