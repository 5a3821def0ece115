# SPDX-License-Identifier: MIT
"""bench/probetrace.py: what each probe was, from the relay's captured bytes.

The relay (-l CONNLOG -x) logs, per connection, its times and the first bytes
each side sent.  This module decodes the client's hello (SSLv2 or TLS record:
offered version, suites, groups, key shares) and the server's first answer
(ServerHello / HelloRetryRequest with version and suite, or an alert), and
sums a run up: probes per kind, the span of each kind, what ran last.

  python3 bench/probetrace.py CONNLOG LISTENER_INDEX [T0_US T1_US]

critical_chain() measures, from the relay's timestamps alone, the longest
chain of probes each sent after the previous one's answer arrived: the
report's independent check of cipherprobe's own critical_path claim.
"""

import statistics
import sys

VNAME = {0x0002: "SSLv2", 0x0300: "SSLv3", 0x0301: "TLSv1.0", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2",
         0x0304: "TLSv1.3"}
HRR_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
ALERTS = {40: "handshake_failure", 70: "protocol_version", 47: "illegal_parameter", 50: "decode_error",
          71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback",
          109: "missing_extension", 112: "unrecognized_name", 10: "unexpected_message", 0: "close_notify"}


def u16(b, i):
    return (b[i] << 8) | b[i + 1]


def parse_client(b):
    """{'fmt', 'version', 'nsuites', 'groups', 'shares'} or None."""
    if not b:
        return None
    try:
        if b[0] & 0x80 and len(b) > 3 and b[2] == 0x01:          # SSLv2 CLIENT-HELLO
            return {"fmt": "sslv2", "version": "SSLv2", "nsuites": u16(b, 5) // 3, "groups": [], "shares": []}
        if b[0] != 0x16 or b[5] != 0x01:
            return {"fmt": "other", "version": "?", "nsuites": 0, "groups": [], "shares": []}
        i = 9
        cver = u16(b, i)
        i += 2 + 32
        i += 1 + b[i]
        ns = u16(b, i)
        suites = [u16(b, i + 2 + k) for k in range(0, ns, 2) if i + 3 + k < len(b)]
        i += 2 + ns
        i += 1 + b[i]
        out = {"fmt": "tls", "version": VNAME.get(cver, hex(cver)), "nsuites": ns // 2, "suites": suites,
               "groups": [], "shares": [], "scsv": 0x5600 in suites}
        if i + 2 > len(b):
            return out
        end = min(len(b), i + 2 + u16(b, i))
        i += 2
        while i + 4 <= end:
            t, ln = u16(b, i), u16(b, i + 2)
            d = b[i + 4:i + 4 + ln]
            if t == 43 and d:
                vs = [u16(d, 1 + k) for k in range(0, d[0], 2) if 2 + k < len(d)]
                real = [v for v in vs if v in VNAME]
                if real:
                    out["version"] = VNAME[max(real)]
            elif t == 10 and len(d) >= 2:
                out["groups"] = [u16(d, 2 + k) for k in range(0, u16(d, 0), 2) if 3 + k < len(d)]
            elif t == 51 and len(d) >= 2:
                j = 2
                while j + 4 <= len(d):
                    out["shares"].append(u16(d, j))
                    j += 4 + u16(d, j + 2)
            i += 4 + ln
        return out
    except IndexError:
        return {"fmt": "short", "version": "?", "nsuites": 0, "groups": [], "shares": []}


def parse_server(b):
    """('hello', version, suite, group) | ('hrr', version, suite, group) | ('alert', name) | ('none',)"""
    if not b:
        return ("none",)
    try:
        if b[0] == 0x15 and len(b) >= 7:
            return ("alert", ALERTS.get(b[6], str(b[6])))
        if b[0] & 0x80 and len(b) > 3 and b[2] == 0x04:
            return ("hello", "SSLv2", None, None)
        if b[0] != 0x16 or b[5] != 0x02:
            return ("other",)
        i = 9
        ver = u16(b, i)
        rnd = bytes(b[i + 2:i + 34])
        i += 34
        i += 1 + b[i]
        suite = u16(b, i)
        i += 3
        group = None
        if i + 2 <= len(b):
            end = min(len(b), i + 2 + u16(b, i))
            i += 2
            while i + 4 <= end:
                t, ln = u16(b, i), u16(b, i + 2)
                if t == 43 and ln == 2:
                    ver = u16(b, i + 4)
                elif t == 51 and ln >= 2:
                    group = u16(b, i + 4)
                i += 4 + ln
        return ("hrr" if rnd == HRR_RANDOM else "hello", VNAME.get(ver, hex(ver)), suite, group)
    except IndexError:
        return ("short",)


def load(path, idx, t0_us=None, t1_us=None):
    rows = []
    for line in open(path):
        f = line.split()
        if int(f[0]) != idx or len(f) < 8:
            continue
        acc, close = int(f[1]), int(f[3])
        if t0_us is not None and not (t0_us <= acc <= t1_us):
            continue
        # relay logs since answer_us: 9 fields (answer_us, then the bytes);
        # older logs: 8 fields, no answer time
        ans, hx = (int(f[6]), 7) if len(f) >= 9 else (-1, 6)
        up = bytes.fromhex(f[hx]) if f[hx] != "-" else b""
        down = bytes.fromhex(f[hx + 1]) if f[hx + 1] != "-" else b""
        rows.append({"accept": acc, "first": int(f[2]), "answer_us": ans, "close": close,
                     "hello": parse_client(up), "answer": parse_server(down)})
    rows.sort(key=lambda r: r["accept"])
    return rows


def kind(r, maxg, accepted=None):
    """A probe's kind, from its hello: suite probes offer the full group list
    (maxg groups, the most any probe of the run offered); group/curve probes
    a shrinking list; preference probes only a few found suites."""
    h = r["hello"]
    if not h:
        return "no hello"
    v = h["version"]
    if h["fmt"] == "sslv2":
        return "SSLv2"
    offered = [x for x in h.get("suites", []) if x not in (0x5600, 0x00FF)]
    if len(h["groups"]) < maxg and h["groups"]:
        return v + " groups"
    if accepted is not None and len(offered) >= 2 and \
            {"0x%04X" % x for x in offered} <= set(accepted.get(v, ())):
        return v + " preference (only accepted suites offered)"
    return v + " suites"


def chains(rows, maxg, accepted=None):
    """Elimination chains among the suite probes of each version: a probe
    continues the chain whose last offer contains its whole offer (the chain
    removed what the server chose); else it starts a chain.  Returns
    {version: [probes per chain]}."""
    out = {}
    for v in ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", "SSLv3"):
        live = []   # [last offer set, count]
        for r in rows:
            if kind(r, maxg, accepted) != v + " suites":
                continue
            off = frozenset(r["hello"].get("suites", [])) - {0x5600, 0x00FF}
            best = None
            for ch in live:
                if off <= ch[0] and (best is None or len(ch[0]) < len(best[0])):
                    best = ch
            if best is None:
                live.append([off, 1])
            else:
                best[0], best[1] = off, best[1] + 1
        if live:
            out[v] = sorted((c[1] for c in live), reverse=True)
    return out


def critical_chain(rows, rtt_us, delay_us=None):
    """The longest chain of probes in this timeline, each probe's hello sent
    after the previous probe's answer reached the client (so it may have
    depended on it), in round trips: a hello and its answer cost 1 RTT, and
    a connection opened after the previous answer 1 more (a connection opened
    earlier hid its connect).  Slot waits (a per-host cap) also put probes one
    after another, so this is an upper bound of the dependency chain; the
    span (first connect to last answer) minus the round trips is time spent
    waiting.  Needs the relay's answer times (answer_us); None without them.
    server_ms: the servers' own time on the chain's probes (the relay
    delivers a hello at max(first byte, accept + 2d) + d and the answer d
    after reading it, d = rtt/2: the rest is the server's).
    Returns {"round_trips", "probes", "span_rtt", "wall_rtt", "server_ms"}."""
    d = delay_us if delay_us is not None else rtt_us // 2
    probes = []
    for r in rows:
        if r.get("first", -1) < 0:
            continue            # opened ahead and never used
        end = r["answer_us"] if r.get("answer_us", -1) >= 0 else r["close"]
        srv = max(0, end - d - (max(r["first"], r["accept"] + 2 * d) + d)) if r.get("answer_us", -1) >= 0 else 0
        probes.append((r["first"], r["accept"], end, srv))
    if not probes or all(r.get("answer_us", -1) < 0 for r in rows):
        return None
    probes.sort()
    tol = 200                   # us: the relay's clock reads around one event
    best = []                   # per probe: (round trips, probes, chain start, server us)
    for j, (first, acc, end, srv) in enumerate(probes):
        cand = (2, 1, acc, srv)
        for i in range(j):
            pe = probes[i][2]
            if pe <= first + tol:
                rt = best[i][0] + 1 + (1 if acc + tol >= pe else 0)
                if (rt, best[i][1] + 1) > cand[:2]:
                    cand = (rt, best[i][1] + 1, best[i][2], best[i][3] + srv)
        best.append(cand)
    k = max(range(len(probes)), key=lambda i: (best[i][0], best[i][1]))
    t0 = min(p[1] for p in probes)
    t1 = max(r["close"] for r in rows)
    return {"round_trips": best[k][0], "probes": best[k][1],
            "span_rtt": (probes[k][2] - best[k][2]) / rtt_us, "wall_rtt": (t1 - t0) / rtt_us,
            "server_ms": best[k][3] / 1000.0,
            "server_ms_median": statistics.median(p[3] for p in probes) / 1000.0}


def summarize(rows, accepted=None, rtt_us=None, delay_us=None):
    """accepted: {version: [ids "0xC02F"]} (the truth), to tell preference
    probes from elimination probes."""
    if not rows:
        return None
    t0 = rows[0]["accept"]
    maxg = max((len(r["hello"]["groups"]) for r in rows if r["hello"]), default=0)
    by = {}
    for r in rows:
        k = kind(r, maxg, accepted)
        e = by.setdefault(k, {"probes": 0, "accepted": 0, "first_ms": None, "last_ms": 0, "answers": {}})
        e["probes"] += 1
        a = r["answer"]
        if a[0] in ("hello", "hrr"):
            e["accepted"] += 1
        key = a[0] if a[0] != "alert" else "alert " + a[1]
        e["answers"][key] = e["answers"].get(key, 0) + 1
        s, c = (r["accept"] - t0) / 1000.0, (r["close"] - t0) / 1000.0
        e["first_ms"] = s if e["first_ms"] is None else min(e["first_ms"], s)
        e["last_ms"] = max(e["last_ms"], c)
    return {"span_ms": (max(r["close"] for r in rows) - t0) / 1000.0, "kinds": by,
            "chains": chains(rows, maxg, accepted),
            "critical": critical_chain(rows, rtt_us, delay_us) if rtt_us else None}


if __name__ == "__main__":
    a = sys.argv[1:]
    rows = load(a[0], int(a[1]), *(int(x) for x in a[2:4]))
    s = summarize(rows, rtt_us=50000)
    if not s:
        sys.exit("no connections")
    print("span %.0f ms, %d connections" % (s["span_ms"], len(rows)))
    for k, e in sorted(s["kinds"].items(), key=lambda kv: kv[1]["first_ms"]):
        print("%-28s %3d probes (%3d answered with a hello)  %6.0f .. %6.0f ms  %s" % (
            k, e["probes"], e["accepted"], e["first_ms"], e["last_ms"], e["answers"]))
    if s["critical"]:
        print("longest answer-to-hello chain (at 50 ms RTT): %(probes)d probes, %(round_trips)d RTT of work, "
              "span %(span_rtt).1f RTT; wall %(wall_rtt).1f RTT" % s["critical"])
