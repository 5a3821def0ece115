#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/scale.py: "scale on paper" -- what scanning 1 million targets takes,
projected from figures measured in this run on this machine.

    python3 bench/scale.py --out FILE [--quick] [--cipherprobe PATH]

Writes a markdown section (no title: bench/run.py puts it under "## Scale:
1 million targets") to FILE, and the raw figures to FILE.json.

What it measures (every server, relay and connection is on 127.0.0.0/8):
  1. one nginx with one `listen 127.A.B.C:PORT ssl` per target (one ECDSA
     P-256 certificate, TLS 1.2 + 1.3), spread over many loopback addresses
     and a few ports, so that every target has its own per-host cap;
  2. a 1-target run (baseline RSS and descriptors);
  3. `cipherprobe scan -i LIST --json --no-verdict --concurrency C` straight
     to the listeners (no delay) at C = 256, 1024, 4096: CPU (user+sys, from
     wait4's rusage), max RSS, wall, open descriptors sampled from
     /proc/PID/fd; from the JSON, handshakes, connections and elapsed_ms;
  4. the C = 256 list once more with a quarter of the targets: the memory the
     --json document holds per finished target (the slope between the two);
  5. C = 256 through bench/relay.c (one delayed listener per target) at
     50 ms and 200 ms RTT: per-target wall (elapsed_ms), and connections in
     flight per target in flight (from the relay's connection log);
  6. projects the sustained rate of one 2-core machine at 50/200 ms RTT for
     C = 256/1024/4096 and the machines needed for 1 million targets in 8
     hours, each cell marked measured or projected, with its formula.

Every child is killed on exit and bounded by a timeout; the relay and nginx
have their own lifetime.
"""

import argparse
import atexit
import json
import math
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from children import CHILDREN, cleanup, on_signals, spawn, stop  # noqa: E402  (bench/children.py)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LOOPBACK = "127.0.0.1"
NIGHT_S = 8 * 3600
MILLION = 1000000


def log(msg):
    sys.stderr.write("[scale %s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


# ---------------------------------------------------------------- processes

def sh(argv, timeout=120, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout, **kw)


def proc_cpu_seconds(pids):
    tck = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
            total += (int(f[11]) + int(f[12])) / tck
        except (OSError, IndexError, ValueError):
            pass
    return total


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


def count_fds(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


def child_of(pid):
    try:
        kids = open("/proc/%d/task/%d/children" % (pid, pid)).read().split()
        return int(kids[0]) if kids else None
    except (OSError, ValueError):
        d = descendants(pid)
        return d[1] if len(d) > 1 else None


def measure(argv, timeout, stderr_path):
    """Run argv (cipherprobe) under /usr/bin/time in its own process group;
    sample the open descriptors of cipherprobe every 20 ms.  CPU and max RSS
    come from time(1): a child's ru_maxrss seen by wait4 would start from this
    (large) Python process's RSS, which Linux carries across fork and exec."""
    tv = stderr_path + ".time"
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%e %U %S %M", "-o", tv] + argv, stdout=subprocess.DEVNULL,
                         stderr=open(stderr_path, "w"), stdin=subprocess.DEVNULL, start_new_session=True)
    CHILDREN.append(p)
    fds = []
    cp = None
    timed_out = False
    while p.poll() is None:
        cp = cp or child_of(p.pid)
        n = count_fds(cp) if cp else None
        if n is not None:
            fds.append(n)
        if time.monotonic() - t0 > timeout:
            timed_out = True
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            break
        time.sleep(0.02)
    wall = time.monotonic() - t0
    CHILDREN.remove(p)
    m = {"rc": p.returncode, "timed_out": timed_out, "wall_s": wall, "fd_peak": max(fds) if fds else None,
         "fd_mean": statistics.mean(fds) if fds else None, "fd_samples": len(fds)}
    try:
        f = open(tv).read().strip().splitlines()[-1].split()
        m.update(user_s=float(f[1]), sys_s=float(f[2]), max_rss_kb=int(f[3]))
        m["cpu_s"] = m["user_s"] + m["sys_s"]
    except (OSError, IndexError, ValueError):
        m["error"] = "no /usr/bin/time figures (timed out: %s)" % timed_out
    return m


# ---------------------------------------------------------------- setup

def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 1048576
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    except (ValueError, OSError) as e:
        log("cannot raise RLIMIT_NOFILE to %d: %s" % (want, e))
    soft2, hard2 = resource.getrlimit(resource.RLIMIT_NOFILE)
    return {"soft_before": soft, "soft": soft2, "hard": hard2}


def bindable(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((addr, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def pick_listeners(n, nports):
    """n (address, port) pairs: addresses 127.A.B.C (A picked at random in
    64..191, so parallel runs rarely meet), nports ports each, all bindable."""
    rnd = random.Random()
    naddr = (n + nports - 1) // nports
    for attempt in range(10):
        a = rnd.randrange(64, 192)
        ports = rnd.sample(range(20000, 32000), nports)
        addrs = ["127.%d.%d.%d" % (a, i // 250, i % 250 + 1) for i in range(naddr)]
        pairs = [(ad, p) for ad in addrs for p in ports][:n]
        if all(bindable(ad, p) for ad, p in pairs[:50]) and all(bindable(ad, p) for ad, p in pairs[-50:]):
            return pairs
    sys.exit("scale: no free loopback address block found")


def wait_listen(addr, port, seconds, proc):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as c:
            c.settimeout(1)
            try:
                c.connect((addr, port))
                return True
            except OSError:
                pass
        time.sleep(0.05)
    return False


class Scale:
    def __init__(self, a):
        self.a = a
        self.work = tempfile.mkdtemp(prefix="cp-scale-")
        self.env = dict(os.environ)
        open(self.path("openssl.cnf"), "w").close()
        self.env["OPENSSL_CONF"] = self.path("openssl.cnf")
        self.notes = []

    def path(self, *p):
        return os.path.join(self.work, *p)

    def build(self):
        cc = os.environ.get("CC", "cc")
        self.relay = self.path("relay")
        r = sh([cc, "-O2", "-Wall", "-std=c11", "-o", self.relay, os.path.join(HERE, "relay.c")])
        if r.returncode:
            sys.exit("scale: cannot build bench/relay.c:\n" + r.stdout)
        self.crt, self.key = self.path("ecdsa.crt"), self.path("ecdsa.key")
        r = sh(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-days", "2", "-subj", "/CN=localhost", "-keyout", self.key, "-out", self.crt], env=self.env)
        if r.returncode:
            sys.exit("scale: openssl req failed:\n" + r.stdout)
        cp = self.a.cipherprobe
        if not os.path.exists(cp):
            sys.exit("scale: no cipherprobe at %s (build it, or pass --cipherprobe)" % cp)
        self.cp = os.path.abspath(cp)
        v = sh([self.cp, "--version"])
        self.cp_version = (v.stdout.strip().splitlines() or ["?"])[0]

    def start_nginx(self, pairs, lifetime, nofile):
        prefix = self.path("nginx")
        os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
        conf = os.path.join(prefix, "nginx.conf")
        conns = max(1024, nofile - 64)
        with open(conf, "w") as f:
            f.write("worker_processes %d;\ndaemon off;\nmaster_process on;\n" % (os.cpu_count() or 2))
            # emerg: every rejected probe is a [crit] line otherwise, costing the
            # servers' share of the CPU a write each
            f.write("pid %s/nginx.pid;\nerror_log %s/error.log emerg;\nenv OPENSSL_CONF;\n" % (prefix, prefix))
            f.write("worker_rlimit_nofile %d;\n" % nofile)
            f.write("events { worker_connections %d; multi_accept on; }\nhttp {\n  access_log off;\n" % conns)
            for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
                f.write("  %s_temp_path %s/tmp;\n" % (t, prefix))
            f.write("  server {\n")
            for ad, p in pairs:
                f.write("    listen %s:%d ssl;\n" % (ad, p))
            f.write("    ssl_certificate %s;\n    ssl_certificate_key %s;\n" % (self.crt, self.key))
            f.write("    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_session_tickets off;\n")
            f.write('    ssl_ciphers "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:'
                    'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA";\n')
            f.write('    return 200 "ok\\n";\n  }\n}\n')
        p = spawn(["nginx", "-e", os.path.join(prefix, "error.log"), "-p", prefix, "-c", conf],
                  open(os.path.join(prefix, "stdout"), "w"), open(os.path.join(prefix, "stderr"), "w"),
                  env=self.env, lifetime=lifetime)
        ok = wait_listen(pairs[0][0], pairs[0][1], 30, p) and wait_listen(pairs[-1][0], pairs[-1][1], 30, p)
        if not ok:
            err = open(os.path.join(prefix, "error.log")).read()[-800:]
            sys.exit("scale: nginx with %d listeners did not start: %s" % (len(pairs), err))
        self.nginx = p
        return p

    def start_relay(self, tag, pairs, delay_ms, lifetime):
        out, conns = self.path(tag + ".out"), self.path(tag + ".connlog")
        maps = ["0=%d@%s" % (p, ad) for ad, p in pairs]
        p = spawn([self.relay, "-d", "%g" % delay_ms, "-t", str(int(lifetime)), "-s", self.path(tag + ".stats"),
                   "-l", conns] + maps, open(out, "w"), open(self.path(tag + ".err"), "w"))
        deadline = time.monotonic() + 30
        txt = ""
        while time.monotonic() < deadline and p.poll() is None:
            txt = open(out).read()
            if "READY" in txt:
                break
            time.sleep(0.05)
        else:
            sys.exit("scale: relay %s did not start: %s" % (tag, open(self.path(tag + ".err")).read()))
        ports = [int(x.split()[2].rsplit(":", 1)[1]) for x in txt.splitlines() if x.startswith("LISTEN ")]
        return dict(proc=p, ports=ports, connlog=conns, tag=tag)

    # ------------------------------------------------------------ runs

    def scan(self, tag, targets, conc, timeout):
        tfile = self.path(tag + ".targets")
        with open(tfile, "w") as f:
            f.write("".join("%s:%d\n" % t for t in targets))
        outf = self.path(tag + ".json")
        argv = [self.cp, "scan", "-i", tfile, "--json", "--no-verdict", "-q", "-o", outf]
        if conc:
            argv += ["--concurrency", str(conc)]
        ngx = descendants(self.nginx.pid)
        c0 = proc_cpu_seconds(ngx)
        m = measure(argv, timeout, outf + ".err")
        m["server_cpu_s"] = proc_cpu_seconds(ngx) - c0
        m.update(tag=tag, concurrency=conc, targets=len(targets))
        if "error" in m:
            log("%s: %s" % (tag, m["error"]))
            return m
        try:
            doc = json.load(open(outf))
            ts = doc["targets"]
        except (OSError, ValueError, KeyError) as e:
            m["error"] = "no JSON document (%s); stderr: %s" % (e, open(outf + ".err").read()[-300:])
            log("%s: %s" % (tag, m["error"]))
            return m
        el = [t.get("elapsed_ms") or 0 for t in ts]
        m.update(json_targets=len(ts), ok=sum(1 for t in ts if t.get("status") == "ok"),
                 handshakes=sum(t.get("handshakes") or 0 for t in ts),
                 connections=sum(t.get("connections") or 0 for t in ts),
                 elapsed_sum_s=sum(el) / 1000.0, elapsed_mean_s=statistics.mean(el) / 1000.0 if el else None,
                 elapsed_median_s=statistics.median(el) / 1000.0 if el else None,
                 errors=sorted({(t.get("error") or {}).get("kind", "?") for t in ts if t.get("status") != "ok"}))
        m["targets_in_flight"] = m["elapsed_sum_s"] / m["wall_s"] if m["wall_s"] else None
        m["rate"] = m["json_targets"] / m["wall_s"] if m["wall_s"] else None
        log("%s: C=%s %d targets (%d ok) in %.1fs, cpu %.2fs, rss %d kB, fds peak %s, %d handshakes, "
            "server cpu %.1fs, targets in flight %.0f" % (
                tag, conc, m["json_targets"], m["ok"], m["wall_s"], m["cpu_s"], m["max_rss_kb"], m["fd_peak"],
                m["handshakes"], m["server_cpu_s"], m["targets_in_flight"] or 0))
        return m

    def delayed(self, rtt_ms, pairs, conc, lifetime, timeout):
        tag = "relay%d" % rtt_ms
        r = self.start_relay(tag, pairs, rtt_ms / 2.0, lifetime)
        targets = [(LOOPBACK, p) for p in r["ports"]]
        m = self.scan("delay%d-c%d" % (rtt_ms, conc), targets, conc, timeout)
        stop(r["proc"], 10)  # SIGTERM: the relay flushes its connection log
        m["rtt_ms"] = rtt_ms
        if m.get("json_targets"):
            # slot-seconds per target: the C slots busy for the whole wall
            # (a tail with free slots makes this an over-estimate)
            m["slot_s_per_target"] = conc * m["wall_s"] / m["json_targets"]
        rows = []
        try:
            for line in open(r["connlog"]):
                f = line.split()
                rows.append((int(f[1]) / 1e6, int(f[3]) / 1e6))
        except (OSError, IndexError, ValueError):
            rows = []
        if rows:
            span = max(c for _, c in rows) - min(a for a, _ in rows)
            busy = sum(c - a for a, c in rows)
            m["relay_conns"] = len(rows)
            m["conns_in_flight"] = busy / span if span > 0 else None
            m["conn_s_per_target"] = busy / m["json_targets"] if m.get("json_targets") else None
            m["conn_mean_ms"] = 1000 * busy / len(rows)
            ev = sorted([(a, 1) for a, _ in rows] + [(c, -1) for _, c in rows])
            cur = peak = 0
            for _, d in ev:
                cur += d
                peak = max(peak, cur)
            m["conns_peak"] = peak
            # targets in flight over the same span as the connections
            tif = m.get("elapsed_sum_s", 0) / span if span > 0 else None
            m["targets_in_flight_span"] = tif
            m["conns_per_target"] = m["conns_in_flight"] / tif if tif else None
        else:
            m["relay_error"] = "no relay connection log"
        return m


# ---------------------------------------------------------------- analysis

def fmt(x, nd=1):
    if x is None:
        return "n/a"
    if isinstance(x, int):
        return "{:,}".format(x)
    if abs(x) >= 100:
        return "{:,.0f}".format(x)
    return ("%%.%df" % nd) % x


def analyse(r):
    cores = r["cores"]
    base = r["baseline"]
    loop = {m["concurrency"]: m for m in r["loopback"] if "handshakes" in m}
    small = r.get("small")
    ram_kb = r["ram_kb"]
    a = {"loop": {}, "delay": {}, "proj": []}
    # memory the --json document holds per finished target
    big = loop.get(256)
    held = None
    a["held_why"] = "the quarter-list run is missing"
    if big and small and "handshakes" in small and big["targets"] > small["targets"]:
        ti, ts = big["targets_in_flight"] or 0, small["targets_in_flight"] or 0
        if ts and abs(ti - ts) <= 0.2 * max(ti, ts):
            held = (big["max_rss_kb"] - small["max_rss_kb"]) / (big["targets"] - small["targets"])
            held = max(held, 0.0)
        else:
            a["held_why"] = ("the two runs had different targets in flight (%.0f and %.0f), so their RSS "
                             "difference is not the held records alone" % (ti, ts))
    a["held_kb"] = held
    for c, m in sorted(loop.items()):
        d = {}
        d["cpu_hs_ms"] = 1000 * m["cpu_s"] / m["handshakes"] if m["handshakes"] else None
        d["cpu_target_ms"] = 1000 * m["cpu_s"] / m["json_targets"] if m["json_targets"] else None
        d["srv_hs_ms"] = 1000 * m["server_cpu_s"] / m["handshakes"] if m["handshakes"] else None
        d["hs_target"] = m["handshakes"] / m["json_targets"] if m["json_targets"] else None
        infl = min(c, m["targets"])
        d["rss_naive_kb"] = (m["max_rss_kb"] - base["max_rss_kb"]) / infl
        if held is not None:
            d["rss_flight_kb"] = max(0.0, m["max_rss_kb"] - base["max_rss_kb"] - held * m["targets"]) / \
                max(1.0, m["targets_in_flight"] or 1.0)
        d["fd_per_target"] = (m["fd_mean"] - base["fd_peak"]) / m["targets_in_flight"] \
            if m["fd_mean"] and m["targets_in_flight"] else None
        d["reached"] = (m["fd_peak"] or 0) - base["fd_peak"] >= 0.9 * c
        d["why_not"] = None if d["reached"] else (
            "list too short: %d targets x 4 per host < C" % m["targets"] if m["targets"] * 4 < c else
            "targets finished faster than slots filled (servers and client share 2 cores)")
        a["loop"][c] = d
    for m in r["delay"]:
        if "handshakes" not in m:
            continue
        a["delay"][m["rtt_ms"]] = m
    # projections: rate = min(CPU bound, concurrency bound, fd bound, memory bound)
    hard = r["nofile"]["hard"]
    for rtt in (50, 200):
        dm = a["delay"].get(rtt)
        for c in (256, 1024, 4096):
            p = {"rtt": rtt, "c": c}
            lc = a["loop"].get(c) or a["loop"].get(256)
            cpu_t = lc["cpu_target_ms"] if lc else None
            if dm:
                dcpu = 1000 * dm["cpu_s"] / dm["json_targets"]
                cpu_t = max(cpu_t or 0, dcpu)
            p["cpu_target_ms"] = cpu_t
            p["cpu_bound"] = cores * 1000 / cpu_t if cpu_t else None
            if dm and dm.get("slot_s_per_target"):
                k, w, cs = dm["conns_per_target"], dm["elapsed_mean_s"], dm["slot_s_per_target"]
                p["k"], p["w"], p["s"] = k, w, cs
                # descriptors: the measured peak minus the 1-target baseline is per
                # connection slot; the limit caps the usable concurrency
                c_fd = c
                lf = loop.get(c)
                need_fd = base["fd_peak"] + c
                if lf and a["loop"][c]["reached"]:
                    need_fd = max(need_fd, lf["fd_peak"])
                p["need_fd"] = need_fd
                if need_fd > hard:
                    c_fd = hard - base["fd_peak"]
                p["conc_bound"] = c_fd / cs
                mem = a["loop"].get(c, {}).get("rss_flight_kb") or a["loop"].get(256, {}).get("rss_flight_kb")
                p["mem_flight_mb"] = mem * c / k / 1024 if mem is not None else None
                bounds = {"CPU": p["cpu_bound"], "concurrency x RTT": p["conc_bound"]}
                if need_fd > hard:
                    bounds["fds (limit %d)" % hard] = p["conc_bound"]
                p["rate"] = min(v for v in bounds.values() if v)
                p["bottleneck"] = min((v, n) for n, v in bounds.items() if v)[1]
                if need_fd > hard:
                    p["bottleneck"] = "fds (limit %d)" % hard
                p["machines"] = math.ceil(MILLION / (p["rate"] * NIGHT_S))
                if held is not None:
                    p["held_mb"] = held * MILLION / p["machines"] / 1024
                if (p.get("mem_flight_mb") or 0) + (p.get("held_mb") or 0) > 0.5 * ram_kb / 1024:
                    p["bottleneck"] += "; memory: over half the RAM, split the list"
                if c == 256:
                    p["measured_rate"] = dm["rate"]
            a["proj"].append(p)
    a["ram_kb"] = ram_kb
    return a


def render(r):
    a = analyse(r)
    L = []
    w = L.append
    base = r["baseline"]
    w("Generated by `bench/scale.py`%s on %s (%d cores, %s GiB RAM, load average %s at start); %s; "
      "every listener, relay and connection on 127.0.0.0/8.  Servers: one nginx, one `listen 127.A.B.C:PORT ssl` "
      "per target (ECDSA P-256, TLS 1.2 + 1.3, 5 ECDHE-ECDSA suites).  cipherprobe: `scan -i LIST --json "
      "--no-verdict --concurrency C` (other options default: --per-host 4).  Descriptor limit (RLIMIT_NOFILE): "
      "soft %d raised to %d, hard %d.  **M** = measured in this run, **P** = projected by the formula shown.\n" % (
          " --quick" if r["quick"] else "", r["date"], r["cores"], fmt(r["ram_kb"] / 1048576.0), r["load"],
          r["cipherprobe"], r["nofile"]["soft_before"], r["nofile"]["soft"], r["nofile"]["hard"]))
    w("### Measured runs (M)\n")
    w("| run | C | targets (ok) | wall s | cipherprobe CPU s (user+sys) | max RSS MB | fds peak / mean | "
      "handshakes | nginx CPU s | targets in flight (Σelapsed/wall) |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    runs = [("1 target (baseline)", base)] + [("loopback", m) for m in r["loopback"]]
    if r.get("small"):
        runs.append(("loopback, quarter list", r["small"]))
    runs += [("relay %d ms RTT" % m["rtt_ms"], m) for m in r["delay"]]
    for name, m in runs:
        if "handshakes" not in m:
            w("| %s | %s | %d | not measured: %s | | | | | | |" % (name, m.get("concurrency") or "default",
                                                                 m["targets"], m.get("error", "?")))
            continue
        w("| %s | %s | %d (%d) | %.2f | %.2f + %.2f | %.1f | %s / %s | %d | %.1f | %s |" % (
            name, m.get("concurrency") or "256 (default)", m["json_targets"], m["ok"], m["wall_s"], m["user_s"],
            m["sys_s"], m["max_rss_kb"] / 1024.0, m["fd_peak"], fmt(m["fd_mean"], 0), m["handshakes"],
            m["server_cpu_s"], fmt(m["targets_in_flight"])))
    w("")
    bad = [m for _, m in runs if m.get("errors")]
    for m in bad:
        w("- %s: %d of %d targets not ok, error kinds %s (load average %s at start: the servers share the "
          "2 cores).\n" % (m["tag"], m["json_targets"] - m["ok"], m["json_targets"], ", ".join(m["errors"]),
                            r["load"]))
    w("### Per handshake, per target, per target in flight (M, loopback)\n")
    w("| C | reached C? (fds peak − baseline ≥ 0.9 C) | handshakes / target | cipherprobe CPU ms / handshake "
      "| CPU ms / target | nginx CPU ms / handshake | RSS KB / target in flight, naive: (RSS − RSS₁) / min(C, N) "
      "| RSS KB / target in flight, held records removed: (RSS − RSS₁ − h·N) / in flight | fds / target in flight: "
      "(fds mean − fds₁) / in flight |")
    w("|---|---|---|---|---|---|---|---|---|")
    for c, d in sorted(a["loop"].items()):
        w("| %d | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            c, "yes" if d["reached"] else "**no**: " + d["why_not"], fmt(d["hs_target"]),
            fmt(d["cpu_hs_ms"], 3), fmt(d["cpu_target_ms"], 2), fmt(d["srv_hs_ms"], 3), fmt(d["rss_naive_kb"]),
            fmt(d.get("rss_flight_kb")), fmt(d["fd_per_target"], 2)))
    w("")
    if a["held_kb"] is not None:
        w("- h = memory the `--json` document holds per finished target = (RSS at %d targets − RSS at %d targets) / "
          "(%d − %d) = **%.1f KB** (C=256).  1 million targets in one `--json` run would hold "
          "%.1f GB (h × 10⁶)%s." % (
              r["loopback"][0]["targets"], r["small"]["targets"], r["loopback"][0]["targets"],
              r["small"]["targets"], a["held_kb"], a["held_kb"] * MILLION / 1048576.0,
              ": split the list (or stream `--jsonl`)" if a["held_kb"] * MILLION > 0.5 * r["ram_kb"]
              else ", within this machine's RAM"))
    else:
        w("- h (memory held per finished target) not measured: %s." % a["held_why"])
    hs = [(c, d["cpu_hs_ms"]) for c, d in sorted(a["loop"].items()) if d["cpu_hs_ms"]]
    if len(hs) > 1:
        w("- CPU per handshake by C: %s ms%s." % (", ".join("%d: %.3f" % x for x in hs),
          "; it grows with C (more descriptors and timers per event, and at the largest C the timeouts and "
          "retries of targets the CPU-starved servers did not answer in time)" if hs[-1][1] > 1.2 * hs[0][1] else ""))
    w("- cipherprobe is one single-threaded process: the 2-core figures below assume two processes, each with "
      "its half of the list (CPU bound = cores / CPU per target).")
    nr = [c for c, d in a["loop"].items() if not d["reached"]]
    if nr:
        w("- C not reached on loopback: %s.  CPU per handshake is still measured there; the descriptors for "
          "those C are projected as fds₁ + C." % ", ".join(map(str, nr)))
    w("- CPU is cipherprobe's own (user + sys from /usr/bin/time), servers excluded; on loopback part of the kernel's "
      "TCP work for both ends is charged to whichever process sends, so the sys share is an upper bound.")
    w("")
    w("### Under delay (M, C = 256, bench/relay.c, one delayed listener per target)\n")
    w("| RTT | targets | wall s | targets/s | mean / median target wall W (elapsed_ms) | connections in flight "
      "(relay log) | targets in flight | k = connections per target in flight | S = slot-seconds per "
      "target: C × wall / targets | relay's connection-seconds per target (Σ accept..close / targets) | "
      "mean relay connection s | CPU ms / target |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for rtt, m in sorted(a["delay"].items()):
        w("| %d ms | %d | %.1f | %.1f | %.2f / %.2f s | %s | %s | %s | **%s** | %s | %s | %.2f |" % (
            rtt, m["json_targets"], m["wall_s"], m["rate"], m["elapsed_mean_s"], m["elapsed_median_s"],
            fmt(m.get("conns_in_flight")), fmt(m.get("targets_in_flight_span")), fmt(m.get("conns_per_target"), 2),
            fmt(m.get("slot_s_per_target"), 2), fmt(m.get("conn_s_per_target"), 2),
            fmt((m.get("conn_mean_ms") or 0) / 1000.0, 3),
            1000 * m["cpu_s"] / m["json_targets"]))
    w("")
    w("S is what a target costs in connection slots at that RTT; the relay holds each connection about one RTT "
      "longer than cipherprobe does (it closes after the FIN went both ways), so its figure is an upper bound "
      "and the connection count in flight it shows can exceed C.")
    for m in r["delay"]:
        if "handshakes" not in m or m.get("relay_error"):
            w("\n- relay %d ms: not measured: %s" % (m.get("rtt_ms", 0), m.get("error") or m.get("relay_error")))
    w("")
    w("### One 2-core machine, and 1 million targets overnight (8 h)\n")
    w("rate = min(CPU bound = %d cores / CPU per target, concurrency bound = C / S) (Little's law on the C "
      "connection slots), S measured at that RTT (C = 256, table above), CPU per target = the larger "
      "of the loopback figure at that C and the relay figure at that RTT; a C whose descriptors (fds₁ + C, or "
      "the measured peak) exceed the hard limit %d is cut to it.  machines = ceil(10⁶ / (rate × 28,800 s)).  "
      "Memory in flight = RSS per target in flight × C / k; `--json` held = h × (10⁶ / machines), the records "
      "one machine's share keeps until the document is written.\n" % (r["cores"], r["nofile"]["hard"]))
    w("| RTT | C | kind | CPU bound t/s | concurrency bound t/s | rate t/s | measured t/s | fds needed | "
      "memory in flight MB | `--json` held MB | machines for 10⁶ in 8 h | bottleneck |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for p in a["proj"]:
        if "rate" not in p:
            w("| %d ms | %d | - | %s | not computed: no delayed run at this RTT | | | | | | | |" % (
                p["rtt"], p["c"], fmt(p["cpu_bound"])))
            continue
        kind = "M (measured t/s) + P (bounds, rate)" if p["c"] == 256 else "P"
        w("| %d ms | %d | %s | %s = %d / %.2f ms | %s = %d / %.2f s | **%s** | %s | %s | %s | %s | **%d** = "
          "ceil(10⁶ / (%s × 28800)) | %s |" % (
              p["rtt"], p["c"], kind, fmt(p["cpu_bound"]), r["cores"], p["cpu_target_ms"],
              fmt(p["conc_bound"]), p["c"], p["s"], fmt(p["rate"]), fmt(p.get("measured_rate")),
              fmt(p["need_fd"]), fmt(p.get("mem_flight_mb")), fmt(p.get("held_mb")), p["machines"],
              fmt(p["rate"]), p["bottleneck"]))
    w("")
    fd4096 = [p["need_fd"] for p in a["proj"] if p["c"] == 4096 and "need_fd" in p]
    if fd4096:
        w("- Descriptors for C = 4096: **ulimit -n ≥ %d** (%s); the hard limit here is %d." % (
            fd4096[0], "the larger of the measured peak and fds₁ %d + C" % base["fd_peak"]
            if a["loop"].get(4096, {}).get("reached") else "fds₁ %d + C" % base["fd_peak"], r["nofile"]["hard"]))
    mems = [(p.get("mem_flight_mb") or 0) + (p.get("held_mb") or 0) for p in a["proj"] if "rate" in p]
    if mems:
        top = max(mems)
        w("- Memory: at most %s MB (in flight + `--json` held) against %s MB of RAM: %s." % (
            fmt(top), fmt(r["ram_kb"] / 1024.0), "no bound here" if top < 0.5 * r["ram_kb"] / 1024.0 else
            "**a bound**: split the list"))
    w("- Scan wall for 10⁶ targets on one machine at the best rate above: %s h." % fmt(
        MILLION / max((p["rate"] for p in a["proj"] if "rate" in p), default=float("nan")) / 3600.0))
    w("")
    return "\n".join(L) + "\n", a


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(prog="bench/scale.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="markdown section to write (raw figures: OUT.json)")
    ap.add_argument("--quick", action="store_true", help="small lists, under 90 s (for testing)")
    ap.add_argument("--cipherprobe", default="./cipherprobe", help="binary (default ./cipherprobe)")
    ap.add_argument("--targets", type=int, help="loopback list size at C=4096 (60%% of it at 256 and 1024; default 2500; --quick 400)")
    ap.add_argument("--delay-targets", type=int, help="targets behind the relay (default 600; --quick 80)")
    ap.add_argument("--timeout", type=int, default=240, help="seconds per cipherprobe run")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--rerender", metavar="JSON", help="no run: write the section again from the raw figures "
                    "of an earlier run (its OUT.json)")
    a = ap.parse_args()
    if a.rerender:
        r = json.load(open(a.rerender))["raw"]
        md, an = render(r)
        with open(a.out, "w") as f:
            f.write(md + "Run time of bench/scale.py: %.0f s.\n" % r["bench_s"])
        return 0
    n = a.targets or (400 if a.quick else 2500)
    nd = a.delay_targets or (80 if a.quick else 600)
    if a.quick:
        a.timeout = min(a.timeout, 40)
    on_signals(log, "stopping")
    t_start = time.monotonic()
    nofile = raise_nofile()
    log("RLIMIT_NOFILE soft %d -> %d (hard %d)" % (nofile["soft_before"], nofile["soft"], nofile["hard"]))
    s = Scale(a)
    if not a.keep:
        atexit.register(shutil.rmtree, s.work, True)
    s.build()
    lifetime = 6 * a.timeout + 300
    pairs = pick_listeners(n, 8 if n >= 800 else 4)
    ngx_nofile = min(nofile["hard"], len(pairs) + 4096 * 2 + 512)
    s.start_nginx(pairs, lifetime, ngx_nofile)
    log("nginx: %d listeners on %s.x.x" % (len(pairs), pairs[0][0].rsplit(".", 2)[0]))
    r = {"quick": a.quick, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cores": os.cpu_count(),
         "ram_kb": int(open("/proc/meminfo").readline().split()[1]), "nofile": nofile,
         "load": open("/proc/loadavg").read().split()[0], "cipherprobe": s.cp_version}
    r["baseline"] = s.scan("base", pairs[:1], None, a.timeout)
    # the whole list where 4096 connections must be reached, 60% of it below
    part = pairs[:max(1, (6 * n) // 10)]
    r["loopback"] = [s.scan("loop-c%d" % c, pairs if c == 4096 else part, c, a.timeout) for c in (256, 1024, 4096)]
    r["small"] = s.scan("loop-c256-quarter", part[:max(1, len(part) // 4)], 256, a.timeout)
    r["delay"] = [s.delayed(rtt, pairs[:nd], 256, lifetime, a.timeout) for rtt in (50, 200)]
    stop(s.nginx, 10)
    r["bench_s"] = time.monotonic() - t_start
    md, an = render(r)
    md += "Run time of bench/scale.py: %.0f s.\n" % r["bench_s"]
    with open(a.out, "w") as f:
        f.write(md)
    with open(a.out + ".json", "w") as f:
        json.dump({"raw": r, "analysis": an}, f, indent=1, default=str)
    log("wrote %s (%.0f s)" % (a.out, r["bench_s"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
