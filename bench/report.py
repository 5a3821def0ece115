# SPDX-License-Identifier: MIT
"""bench/report.py: BENCHMARKS.md from bench/out/results.json.

  python3 bench/report.py [bench/out/results.json]   re-render to stdout
"""

import json
import math
import statistics
import sys

TOOLS = ["cipherprobe", "sslscan", "testssl", "nmap"]
PROTOCOLS_PROBED = 6   # cipherprobe's default: sslv2 .. tls1.3


def f1(x):
    return "-" if x is None else "%.1f" % x


def f2(x):
    return "-" if x is None else "%.2f" % x


def tot_score(scores):
    return {k: sum(s[k] for s in scores if s) for k in ("correct", "missed", "extra")}


def cme(s):
    if not s:
        return "-"
    return "%d/%d/%d%s" % (s["correct"], s["missed"], s["extra"], " (no output)" if s.get("failed") else "")


def hs(p):
    """Handshakes of one tool on one target: connections on which the client
    sent a hello (the relay's "hellos").  cipherprobe opens a chain's next
    connection ahead of its hello, and a few of those close unused, so its
    TCP connections exceed its handshakes; older results lack "hellos"."""
    return p.get("hellos", p["conns"])


def partial_summary(per):
    walls = [p["wall_s"] for p in per]
    conns = [hs(p) for p in per]
    return {"seq_total": sum(walls), "per_median": statistics.median(walls), "per_max": max(walls),
            "conns_mean": statistics.mean(conns), "conns_max": max(conns),
            "score": tot_score([p["score"] for p in per]), "timeouts": sum(1 for p in per if p["timed_out"])}


def tool_summary(r, tool):
    t = r["tools"].get(tool)
    if not t or t.get("missing"):
        return None
    per = [p for p in t["per_target"] if p]
    if len(per) < len(t["per_target"]):
        return None if not per else dict(partial_summary(per), partial=True)
    walls = [p["wall_s"] for p in per]
    conns = [hs(p) for p in per]
    out = {"seq_total": sum(walls), "per_median": statistics.median(walls) if walls else None,
           "per_max": max(walls) if walls else None, "conns_mean": statistics.mean(conns) if conns else None,
           "conns_max": max(conns) if conns else None, "score": tot_score([p["score"] for p in per]),
           "timeouts": sum(1 for p in per if p["timed_out"])}
    tg = t.get("together")
    if tg:
        out["together_wall"] = tg["wall_s"]
        out["together_conns"] = tg.get("hellos", tg["conns"])
        out["together_score"] = tot_score(tg["score"])
    return out


PER_HOST = 4          # cipherprobe's default --per-host


def rtt_s(r):
    return 2 * r["machine"]["delay_ms"] / 1000.0


def cp_claim(cpath):
    """cipherprobe's own critical_path field (None when its JSON has none)."""
    if not cpath:
        return "-"
    return "%s RTT (%s, %s probes)" % (cpath.get("round_trips"), cpath.get("chain"), cpath.get("probes"))


def relay_chain(ch):
    if not ch:
        return "-"
    srv = ", server time on it %.1f s" % (ch["server_ms"] / 1000.0) if ch.get("server_ms") is not None else ""
    return "%d RTT over %d probes (span %.1f RTT%s)" % (ch["round_trips"], ch["probes"], ch["span_rtt"], srv)


def slowest_in_one_run(r):
    """(index, elapsed_ms) of the target that finished last in cipherprobe's
    one run of all targets: the one-run wall cannot be shorter."""
    tg = r["tools"]["cipherprobe"].get("together") or {}
    el = tg.get("per_target_elapsed_ms") or []
    cand = [(e, i) for i, e in enumerate(el) if e is not None]
    if not cand:
        return None, None
    e, i = max(cand)
    return i, e


def one_run_bound(r):
    """What bounds cipherprobe's one-run wall, in words, from the measurements."""
    i, e = slowest_in_one_run(r)
    if i is None:
        return "no per-target elapsed_ms in the one-run JSON"
    rt = rtt_s(r)
    s = r["servers"][i]
    tg = r["tools"]["cipherprobe"]["together"]
    alone = r["tools"]["cipherprobe"]["per_target"][i] or {}
    hsk = (tg.get("per_target_handshakes_json") or [None] * (i + 1))[i]
    chains = tg.get("per_target_relay_chain") or []
    ch = chains[i] if i < len(chains) else None
    out = "the one run lasts as long as its slowest target, %s: elapsed_ms %d = %.1f RTT" % (s["name"], e, e / 1000.0 / rt)
    if hsk:
        out += "; %d handshakes at --per-host %d, 2 RTT per connection: slot floor ceil(%d/%d) x 2 RTT = %.2f s" % (
            hsk, PER_HOST, hsk, PER_HOST, math.ceil(hsk / PER_HOST) * 2 * rt)
    if ch:
        out += "; relay: longest answer-to-hello chain %s" % relay_chain(ch)
    cl = (tg.get("per_target_critical_path") or [None] * (i + 1))[i] or alone.get("critical_path")
    if cl:
        out += "; cipherprobe's critical_path %s" % cp_claim(cl)
    return out


def targets(r):
    """The issue's three ratios at the bench RTT: [{name, measured, value,
    target, met, source, bound}], for the report and for bench/run's log."""
    out = []
    rt = rtt_s(r)
    T = r["tools"]
    cp = T.get("cipherprobe") or {}
    tg = cp.get("together")
    n = len(r["servers"])
    ss = T.get("sslscan") or {}
    if tg and not ss.get("missing") and all(ss.get("per_target") or [None]):
        tot = sum(p["wall_s"] for p in ss["per_target"])
        v = tot / tg["wall_s"]
        out.append({"name": "the bench set (%d servers): sslscan total wall / cipherprobe one-run wall" % n,
                    "measured": "%.1f s / %.2f s = **%.1fx**" % (tot, tg["wall_s"], v), "value": v,
                    "target": ">= 50x", "met": "yes" if v >= 50 else "no",
                    "source": "sslscan: sum of %d sequential runs, one per server (bench/out/raw/sslscan.*.xml); "
                              "cipherprobe: wall clock of one `scan` of all %d targets "
                              "(bench/out/raw/cipherprobe.all.json)" % (n, n),
                    "bound": None if v >= 50 else one_run_bound(r)})
    nm = (T.get("nmap") or {}).get("together")
    if tg and nm:
        v = nm["wall_s"] / tg["wall_s"]
        out.append({"name": "nmap one-run mode (all %d ports in one nmap) wall / cipherprobe one-run wall" % n,
                    "measured": "%.1f s / %.2f s = **%.1fx**" % (nm["wall_s"], tg["wall_s"], v), "value": v,
                    "target": ">= 5x", "met": "yes" if v >= 5 else "no",
                    "source": "`nmap -n -Pn -p P1,P2,.. --script ssl-enum-ciphers 127.0.0.1` wall clock "
                              "(bench/out/raw/nmap.all.xml); cipherprobe as above",
                    "bound": None if v >= 5 else one_run_bound(r)})
    c = r.get("critical")
    if c and c.get("handshakes_json"):
        h = c["handshakes_json"]
        k = math.ceil(h / PER_HOST)
        v = c["wall_s"] / (k * rt)
        slot = k * 2 * rt
        ch = c.get("relay_chain")
        bound = ("at --per-host %d every connection, also one opened ahead, holds a slot, and a fresh "
                 "connection costs 2 RTT (TCP connect + hello/answer): the slot floor is ceil(%d/%d) x 2 RTT = "
                 "%.2f s, i.e. %.2f of the target's denominator; the measurement is %.2fx that slot floor" % (
                     PER_HOST, h, PER_HOST, slot, slot / (k * rt), c["wall_s"] / slot))
        if ch:
            bound += "; relay: longest answer-to-hello chain %s" % relay_chain(ch)
        if c.get("server_cpu_s") is not None:
            bound += "; the server's processes used %.2f s of CPU in this %.2f s run (%.0f ms per handshake)" % (
                c["server_cpu_s"], c["wall_s"], 1000 * c["server_cpu_s"] / h)
        for ph in (8, 16):
            x = c.get("per_host_%d" % ph)
            if x and x.get("handshakes_json"):
                bound += "; --per-host %d: %.2f s = %.1f RTT%s" % (
                    ph, x["wall_s"], x["wall_s"] / rt,
                    " (relay chain %s)" % relay_chain(x["relay_chain"]) if x.get("relay_chain") else "")
        out.append({"name": "many-suite server alone (%s, %d pairs): cipherprobe wall / (ceil(handshakes / "
                            "per_host) x RTT)" % (c["server"], c["accepted"]),
                    "measured": "%.2f s / (ceil(%d/%d) = %d x %.0f ms = %.2f s) = **%.2f**; beside it the slot "
                                "floor ceil(%d/%d) x 2 RTT = %.2f s (wall / slot floor = %.2f)" % (
                                    c["wall_s"], h, PER_HOST, k, 1000 * rt, k * rt, v, h, PER_HOST, slot,
                                    c["wall_s"] / slot),
                    "value": v, "target": "<= 1.5", "met": "yes" if v <= 1.5 else "no",
                    "source": "cipherprobe alone on %s with defaults (--per-host %d), wall clock; handshakes: "
                              "its JSON `handshakes` (bench/out/raw/cipherprobe.%s.json); RTT: the relay's "
                              "2 x %g ms" % (c["server"], PER_HOST, c["server"], r["machine"]["delay_ms"]),
                    "bound": bound})
    return out


def render(r):
    m = r["machine"]
    servers = r["servers"]
    L = []
    w = L.append
    w("# Benchmarks: cipherprobe beside sslscan, testssl.sh and nmap")
    w("")
    w("Generated by `bench/run`%s; raw outputs in `bench/out/` (not committed). "
      "Every figure below comes from that run." % (" --quick" if m.get("quick") else ""))
    w("")
    if m.get("note"):
        w("**%s**" % m["note"])
        w("")
    w("| | |")
    w("|---|---|")
    w("| date | %s |" % m["date"])
    w("| machine | %s CPUs, %s, Linux %s |" % (m["nproc"], m["cpu"], m["kernel"]))
    w("| cipherprobe | %s (commit %s), defaults: `scan --json --no-verdict` (strategy eliminate, "
      "--per-host 4, --concurrency 256) |" % (m["cipherprobe"], m["commit"]))
    w("| peers | sslscan %s, testssl.sh %s, nmap %s (ssl-enum-ciphers) |" % (m["sslscan"], m["testssl"], m["nmap"]))
    w("| servers | %s; nginx %s; gnutls-serv %s |" % (m["openssl"], m["nginx"], m["gnutls"]))
    w("| delay mode | **relay** (`bench/relay.c`): %g ms each direction = %g ms RTT, plus one RTT charged "
      "per TCP connect; netem: %s |" % (m["delay_ms"], 2 * m["delay_ms"],
                                        "available" if m["netem"] else "unavailable (`%s`)" % m["netem_msg"]))
    w("| bench wall time | %.0f s |" % m["total_bench_s"])
    w("")

    S = {t: tool_summary(r, t) for t in TOOLS}
    cp = S["cipherprobe"]
    ss = S["sslscan"]

    # ---------------------------------------------------------- targets
    w("## The issue's targets (at %g ms RTT)" % (2 * m["delay_ms"]))
    w("")
    w("| target | measured | goal | met | where the figures come from |")
    w("|---|---|---|---|---|")
    TG = targets(r)
    for t in TG:
        w("| %s | %s | %s | %s | %s |" % (t["name"], t["measured"], t["target"],
                                        t["met"] if t["met"] == "yes" else "**no**", t["source"]))
    if not TG:
        w("| (no figures: a tool was missing or a run incomplete) | | | | |")
    w("")
    for t in TG:
        if t["bound"]:
            w("- **%s** — %s: %s." % (t["name"], "met" if t["met"] == "yes" else "what bounds it", t["bound"]))
    w("")
    w("### Earlier targets")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")
    if cp and ss:
        ratio = ss["seq_total"] / cp["together_wall"] if cp.get("together_wall") else None
        better = cp["together_score"]["correct"] >= ss["score"]["correct"] and \
            cp["together_score"]["extra"] <= ss["score"]["extra"]
        w("| %d servers: cipherprobe total wall >= 20x shorter than sslscan's, equal or better correctness "
          "| sslscan %.1f s / cipherprobe %.2f s = **%.1fx**; correct/missed/extra %s vs %s | %s |" % (
              len(servers), ss["seq_total"], cp["together_wall"], ratio,
              cme(cp["together_score"]), cme(ss["score"]), "yes" if ratio >= 20 and better else "**no**"))
        bi = next(i for i, s in enumerate(servers) if s["name"] == r["big"])
        cpa = r["tools"]["cipherprobe"]["per_target"][bi]
        ssa = r["tools"]["sslscan"]["per_target"][bi]
        ratio2 = ssa["wall_s"] / cpa["wall_s"]
        again = ""
        c = r.get("critical")
        if c and c.get("wall_s"):
            again = "; a second run alone (below): %.2f s = %.1fx" % (c["wall_s"], ssa["wall_s"] / c["wall_s"])
        w("| many-suite target alone (%s) >= 5x shorter than sslscan | sslscan %.2f s / cipherprobe %.2f s = "
          "**%.1fx**%s | %s |" % (r["big"], ssa["wall_s"], cpa["wall_s"], ratio2, again,
                                  "yes" if ratio2 >= 5 else "**no**"))
    if cp:
        worst = []
        for i, s in enumerate(servers):
            p = r["tools"]["cipherprobe"]["per_target"][i]
            acc = sum(len(x) for x in s["truth"].values())
            ng = len(p.get("groups") or [])   # (group, version) pairs found
            gv = sum(len(v) or 1 for _, v in (p.get("groups") or []))
            bound = acc + PROTOCOLS_PROBED + gv + 10
            worst.append((hs(p) - bound, s["name"], hs(p), bound, acc, gv, ng))
        over = [x for x in worst if x[0] > 0]
        w("| cipherprobe handshakes per target <= accepted suites + protocols probed (%d) + groups found "
          "(per version) + 10 | %s | %s |" % (
              PROTOCOLS_PROBED,
              "; ".join("%s: %d vs bound %d" % (n, c, bd) for _, n, c, bd, _, _, _ in sorted(worst, reverse=True)[:3])
              + (" (the 3 closest to the bound)" if not over else ""),
              "yes" if not over else "**no** (%d of %d servers over)" % (len(over), len(worst))))
    sc = r.get("scale")
    if sc and sc["runs"]:
        r0 = sc["runs"][0]
        ok = r0["wall_s"] < 30 and r0["max_rss_kb"] is not None and r0["max_rss_kb"] < 100 * 1024
        w("| %d targets at %g ms RTT under 30 s, peak RSS under 100 MB | %.1f s, %.1f MB | %s |" % (
            sc["targets"], 2 * m["delay_ms"], r0["wall_s"], (r0["max_rss_kb"] or 0) / 1024,
            "yes" if ok else "**no**"))
    w("")

    # ---------------------------------------------------------- totals
    w("## All servers, through the relay")
    w("")
    w("Tools run one after the other on the same relay ports.  cipherprobe: all targets in one run "
      "(its normal use), and each target alone for the per-target figures.  sslscan and testssl.sh: "
      "one run per target, sequentially, as a user would (testssl's `--parallel` mass mode was not "
      "measured).  nmap: one run per target, and all ports in one nmap run (nmap's own parallelism).  "
      "Handshakes = connections on which the tool sent a hello, counted by the relay (for cipherprobe "
      "its JSON `handshakes`; its `connections` are a few more, since it opens a chain's next "
      "connection ahead and closes the unused ones).  correct/missed/extra count (version, suite) "
      "pairs against the truth.")
    w("")
    w("| tool | total wall, all targets | per-target wall median / max | handshakes per target mean / max "
      "| correct / missed / extra |")
    w("|---|---|---|---|---|")
    for t in TOOLS:
        s = S[t]
        if s is None:
            w("| %s | not installed | | | |" % t)
            continue
        if t == "cipherprobe":
            w("| cipherprobe, one run | **%.2f s** | (elapsed_ms: see below) | %.1f total/target | %s |" % (
                s["together_wall"], s["together_conns"] / len(servers), cme(s["together_score"])))
            w("| cipherprobe, each alone | %.2f s (sum) | %.2f / %.2f s | %.1f / %d | %s |" % (
                s["seq_total"], s["per_median"], s["per_max"], s["conns_mean"], s["conns_max"], cme(s["score"])))
        else:
            w("| %s%s%s | %.1f s (sequential)%s | %.2f / %.2f s | %.1f / %d | %s |" % (
                t, ", per target" if t == "nmap" else "", " (first server only)" if s.get("partial") else "",
                s["seq_total"],
                " %d timeouts" % s["timeouts"] if s["timeouts"] else "",
                s["per_median"], s["per_max"], s["conns_mean"], s["conns_max"], cme(s["score"])))
            if s.get("together_wall") is not None:
                w("| nmap, all ports in one run | %.1f s | - | %.1f total/target | %s |" % (
                    s["together_wall"], s["together_conns"] / len(servers), cme(s["together_score"])))
    w("")

    # ---------------------------------------------------------- per server
    w("## Per server: wall seconds / handshakes")
    w("")
    hdr = "| server | what | accepted | " + " | ".join(t for t in TOOLS if S[t]) + " |"
    w(hdr)
    w("|" + "---|" * (3 + sum(1 for t in TOOLS if S[t])))
    for i, s in enumerate(servers):
        acc = sum(len(x) for x in s["truth"].values())
        cells = []
        for t in TOOLS:
            if not S[t]:
                continue
            p = r["tools"][t]["per_target"][i]
            cells.append("-" if not p else "%.2f / %d%s" % (p["wall_s"], hs(p), " T" if p["timed_out"] else ""))
        w("| %s | %s | %d | %s |" % (s["name"], s["what"], acc, " | ".join(cells)))
    w("")
    w("## Per server: correct / missed / extra")
    w("")
    w(hdr.replace("| what ", "| truth confirmed "))
    w("|" + "---|" * (3 + sum(1 for t in TOOLS if S[t])))
    for i, s in enumerate(servers):
        acc = sum(len(x) for x in s["truth"].values())
        cells = [cme((r["tools"][t]["per_target"][i] or {}).get("score")) for t in TOOLS if S[t]]
        w("| %s | %s | %d | %s |" % (s["name"], {True: "yes", False: "**no**", None: "not checked"}[s["verified"]],
                                     acc, " | ".join(cells)))
    w("")
    misses = []
    for t in TOOLS:
        if not S[t]:
            continue
        for i, s in enumerate(servers):
            if not r["tools"][t]["per_target"][i]:
                continue
            sc_ = r["tools"][t]["per_target"][i]["score"]
            if sc_["missed_list"] or sc_["extra_list"]:
                misses.append("- %s on %s: missed %s; extra %s" % (
                    t, s["name"], ", ".join(sc_["missed_list"][:8]) + (" ..." if len(sc_["missed_list"]) > 8 else "")
                    or "none", ", ".join(sc_["extra_list"][:8]) + (" ..." if len(sc_["extra_list"]) > 8 else "") or "none"))
    if misses:
        w("Differences from the truth:")
        w("")
        L.extend(misses)
        w("")
    if cp:
        tg = r["tools"]["cipherprobe"]["together"]
        w("cipherprobe in one run, per target elapsed_ms (JSON): " + ", ".join(
            "%s %s" % (s["name"], e) for s, e in zip(servers, tg["per_target_elapsed_ms"])) + ".")
        w("")

    # ---------------------------------------------------------- critical path per target
    if cp:
        rt = rtt_s(r)
        tg = r["tools"]["cipherprobe"].get("together") or {}
        chains1 = tg.get("per_target_relay_chain") or [None] * len(servers)
        claims1 = tg.get("per_target_critical_path") or [None] * len(servers)
        el1 = tg.get("per_target_elapsed_ms") or [None] * len(servers)
        w("## Critical path per target (round trips of %g ms)" % (1000 * rt))
        w("")
        w("Three views of each target's longest chain.  *cipherprobe says*: its JSON `critical_path` "
          "(`round_trips`, `chain`, `probes`; \"-\" when this build's JSON has no such field).  *observed*: the "
          "target's wall time / RTT, the floor any chain must fit under.  *relay*: from the relay's own "
          "timestamps (`bench/probetrace.py` critical_chain), the longest sequence of probes each sent after "
          "the previous one's answer reached the client, counting 1 RTT per hello and 1 more per connection "
          "opened after that answer; probes that waited for a free per-host slot also line up this way, so "
          "it is an upper bound of the dependency chain (span minus round trips = time spent waiting).  "
          "*elim. chain*: the longest elimination chain decoded from the hellos' contents (probes that "
          "each offer the previous offer minus its answer).  *slot floor*: ceil(handshakes / %d) x 2 RTT." % PER_HOST)
        w("")
        w("| server | handshakes | cipherprobe says | observed alone | relay, alone | elim. chain (probes) "
          "| slot floor | server CPU alone | in the one run: observed / relay |")
        w("|---|---|---|---|---|---|---|---|---|")
        for i, s_ in enumerate(servers):
            p = r["tools"]["cipherprobe"]["per_target"][i]
            if not p:
                continue
            tr = p.get("trace") or {}
            longest = max((n for ns in (tr.get("chains") or {}).values() for n in ns), default=None)
            h = p.get("handshakes_json") or hs(p)
            w("| %s | %s | %s | %.1f RTT (%.2f s) | %s | %s | %.1f RTT | %s | %s / %s |" % (
                s_["name"], h, cp_claim(p.get("critical_path") or claims1[i]), p["wall_s"] / rt, p["wall_s"],
                relay_chain(tr.get("critical")), "-" if longest is None else longest,
                math.ceil(h / PER_HOST) * 2 if h else float("nan"),
                "-" if p.get("server_cpu_s") is None else "%.2f s" % p["server_cpu_s"],
                "-" if el1[i] is None else "%.1f RTT" % (el1[i] / 1000.0 / rt),
                relay_chain(chains1[i]) if i < len(chains1) else "-"))
        w("")

    # ---------------------------------------------------------- critical path
    c = r.get("critical")
    if c:
        w("## Where cipherprobe's time goes on the many-suite target (%s)" % c["server"])
        w("")
        tl = c.get("timeline") or {}
        rt = 2 * m["delay_ms"] / 1000.0
        w("- alone: %.2f s wall, elapsed_ms %s, %s handshakes for %d accepted (version, suite) pairs." % (
            c["wall_s"], c["elapsed_ms"], c["handshakes_json"], c["accepted"]))
        if tl:
            w("- relay timeline: %d connections, each open %.0f ms on average (a probe costs 2 RTT = %.0f ms: "
              "TCP connect + hello/answer), peak %d at once, mean %.2f in flight." % (
                  tl["conns"], tl["mean_conn_ms"], 2000 * rt, tl["peak_concurrent"], tl["conn_seconds"] / c["wall_s"]))
            w("- the wall time is %.0f probe times (of %.0f ms); with %s handshakes at 4 per host the cap alone "
              "would allow %.1f s." % (c["wall_s"] / (2 * rt), 2000 * rt, c["handshakes_json"],
                                       (c["handshakes_json"] or 0) / 4 * 2 * rt))
        w("")
        w("The same target alone with more or fewer connections per host: the slot bound "
          "(ceil(handshakes / per_host) x 2 RTT) against the dependency bound (the relay's chain).")
        w("")
        w("| --per-host | wall | wall / RTT | handshakes | slot floor | relay chain | cipherprobe says | server CPU "
          "| correct/missed/extra |")
        w("|---|---|---|---|---|---|---|---|---|")
        for ph in (1, 4, 8, 16):
            x = c if ph == c.get("per_host", 4) else c.get("per_host_%d" % ph)
            if not x:
                continue
            h = x.get("handshakes_json")
            w("| %d | %.2f s | %.1f | %s | %s | %s | %s | %s | %s |" % (
                ph, x["wall_s"], x["wall_s"] / rt, h if h is not None else "-",
                "%d RTT = %.2f s" % (math.ceil(h / ph) * 2, math.ceil(h / ph) * 2 * rt) if h else "-",
                relay_chain(x.get("relay_chain")), cp_claim(x.get("critical_path")),
                "-" if x.get("server_cpu_s") is None else "%.2f s" % x["server_cpu_s"], cme(x.get("score"))))
        w("")

    # ---------------------------------------------------------- handshake budget
    if cp and any(p and p.get("trace") for p in r["tools"]["cipherprobe"]["per_target"]):
        w("## cipherprobe's handshakes per target, against the issue's bound")
        w("")
        w("Bound = accepted (version, suite) pairs + %d protocols probed + (group, version) pairs found + 10.  "
          "The probes are decoded from the bytes the relay saw (`bench/probetrace.py`): *dead-version* probes "
          "went to a version the server does not speak (one per version is enough to learn that); *chains* "
          "are the elimination chains of the supported versions, probes per chain (the longest is the "
          "critical path: each probe is one connection, 2 RTT); *pref* are probes offering only accepted "
          "suites (server-preference test)." % PROTOCOLS_PROBED)
        w("")
        w("| server | handshakes | bound | accepted | groups found | dead-version probes (needed) | chains "
          "(probes each) | pref | group probes |")
        w("|---|---|---|---|---|---|---|---|---|")
        for i, s in enumerate(servers):
            p = r["tools"]["cipherprobe"]["per_target"][i]
            tr = p.get("trace")
            if not tr:
                continue
            acc = sum(len(x) for x in s["truth"].values())
            gv = sum(len(v) or 1 for _, v in (p.get("groups") or []))
            bound = acc + PROTOCOLS_PROBED + gv + 10
            live = {v for v in s["truth"] if s["truth"][v]}
            dead_probes = sum(e["probes"] for k, e in tr["kinds"].items() if k.split()[0] not in live)
            dead_versions = len({k.split()[0] for k in tr["kinds"] if k.split()[0] not in live})
            chains = "; ".join("%s %s" % (v, "+".join(str(n) for n in ns))
                               for v, ns in sorted(tr["chains"].items()) if v in live)
            pref = sum(e["probes"] for k, e in tr["kinds"].items() if "preference" in k and k.split()[0] in live)
            grp = sum(e["probes"] for k, e in tr["kinds"].items() if k.endswith("groups") and k.split()[0] in live)
            w("| %s | %d | %d%s | %d | %d | %d (%d) | %s | %d | %d |" % (
                s["name"], hs(p), bound, " **over**" if hs(p) > bound else "", acc, gv,
                dead_probes, dead_versions, chains or "-", pref, grp))
        w("")

    # ---------------------------------------------------------- probe traces
    if cp:
        per = r["tools"]["cipherprobe"]["per_target"]
        slow = max(range(len(servers)), key=lambda i: per[i]["wall_s"])
        bi = next(i for i, s in enumerate(servers) if s["name"] == r["big"])
        for i in sorted({bi, slow}):
            tr = per[i].get("trace")
            if not tr:
                continue
            w("### cipherprobe's probes on %s, alone (%.2f s; decoded from the relay's captured bytes)" % (
                servers[i]["name"], per[i]["wall_s"]))
            w("")
            w("| probe kind (offered version) | probes | answered with a (retry) hello | from .. to ms | answers |")
            w("|---|---|---|---|---|")
            for k, e in sorted(tr["kinds"].items(), key=lambda kv: kv[1]["first_ms"]):
                w("| %s | %d | %d | %.0f .. %.0f | %s |" % (k, e["probes"], e["accepted"], e["first_ms"], e["last_ms"],
                                                         ", ".join("%s %d" % kv for kv in sorted(e["answers"].items()))))
            w("")

    # ---------------------------------------------------------- scale
    if sc:
        w("## Scale: %d targets" % sc["targets"])
        w("")
        w("One nginx (%d workers) with %d `listen 127.0.0.1:PORT ssl` server blocks cycling through the %d nginx "
          "configurations above (%s); one relay with %d listeners (%g ms each way), listener j forwarding to "
          "nginx port j mod %d, so every target is a distinct address:port behind the delay (4 targets share "
          "one nginx listener).  cipherprobe `scan --json --no-verdict -i targets` under `/usr/bin/time -v`." % (
              sc["nginx_workers"], sc["nginx_listeners"], len(sc["configs"]), ", ".join(sc["configs"]),
              sc["targets"], m["delay_ms"], sc["nginx_listeners"]))
        w("")
        w("| options | wall | peak RSS | handshakes (mean/target) | handshakes/s | target elapsed median / max "
          "| cipherprobe cpu user+sys | nginx cpu | relay cpu | machine busy (%d CPUs) | correct / missed / extra "
          "| failed targets |" % m["nproc"])
        w("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for x in sc["runs"]:
            w("| %s | %.1f s | %.1f MB | %d (%.1f) | %.0f | %s / %s ms | %s s | %.1f s | %.1f s | %s | %s | %d |" % (
                " ".join(x["extra_args"]) or "defaults", x["wall_s"], (x["max_rss_kb"] or 0) / 1024,
                x["conns_total"], x["conns_per_target_mean"], x["conns_total"] / x["wall_s"],
                x["elapsed_ms_median"], x["elapsed_ms_max"],
                f1((x["cp_user_s"] or 0) + (x["cp_sys_s"] or 0)), x["nginx_cpu_s"], x["relay_cpu_s"],
                "%.0f%%" % (100 * x["machine_busy"]) if x.get("machine_busy") is not None else "-",
                cme(x["score"]), x["score"]["failed_targets"]))
        w("")

    # ---------------------------------------------------------- scale (bench/scale.py)
    if r.get("scale_md"):
        w("## Scale: 1 million targets")
        w("")
        w("(From `bench/scale.py --out bench/out/scale.md`, appended as it is.)")
        w("")
        body = r["scale_md"].rstrip("\n").splitlines()
        if body and body[0].lstrip().startswith("#"):
            body = body[1:]      # its own title: ours stands
        L.extend(body)
        w("")

    # ---------------------------------------------------------- method
    w("## Method")
    w("")
    w("- Servers: %d on 127.0.0.1 ephemeral ports: openssl s_server, gnutls-serv (confined to loopback by the "
      "LD_PRELOAD shim tests/integ/bindlo.c), one nginx with a server block per configuration.  Configurations "
      "are in `bench/run.py` (SERVERS).  s_server and gnutls-serv handle one handshake at a time (a client "
      "that has sent half a hello stalls every other one), so each runs as %s identical processes and the "
      "relay hands connections to them in turn (`bench/run --instances`), as a server's workers would.  "
      "gnutls-many has two certificates (RSA and ECDSA P-256): its truth is the union of expect.py's "
      "expectation for each, proved by `expect.py verify` against the running server." % (
          len(servers), m.get("instances", 1)))
    w("- Truth: `tests/integ/expect.py` from each server's own configuration (`openssl ciphers -V -s`, "
      "`gnutls-cli --list`); for nginx from the equivalent `openssl s_server` argv (same cipher string, "
      "protocols, groups, preference, `-dhparam`, or `-no_dhe` when nginx has no ssl_dhparam).  Then "
      "`expect.py verify` proves it with openssl s_client / gnutls-cli straight to the server: every expected "
      "suite accepted alone, the rest refused.")
    w("- Round trips: the kernel has no netem (`tc qdisc add dev lo root netem delay 1ms`: \"Specified qdisc "
      "kind is unknown\", also inside a fresh network namespace), so `bench/relay.c` (epoll, one process, "
      "bounded 256 KiB queues per direction) sits in front of each server on its own 127.0.0.1 port.  It "
      "delivers every chunk and FIN %g ms after reading it, in each direction.  The kernel completes the TCP "
      "handshake before accept(), so the relay also holds the client's first bytes until accept + 1 RTT: a "
      "connection costs 1 RTT to connect plus 1 RTT per flight, as on a real path.  It connects to the "
      "server only when the first bytes are due." % m["delay_ms"])
    w("- Critical paths: the relay logs, per connection, when it was accepted, when the client's first byte "
      "came, when the server's first answer bytes reached the client (`answer_us`) and when it closed; "
      "`bench/probetrace.py` (critical_chain) finds the longest answer-to-hello chain from those times "
      "alone, and the servers' own time on it (answer time minus the relay's delays).  cipherprobe's "
      "`critical_path` JSON field, where the build has it, is shown beside it, never used for the verdicts "
      "above.  Server CPU: utime+stime of the server's processes from /proc, before and after the run.")
    w("- Handshakes: the relay counts accepted connections per listener (and those that carried client "
      "bytes); counters are read (SIGUSR1) before and after each tool run.")
    w("- Correctness: accepted suites per version parsed from each tool's machine output (cipherprobe JSON, "
      "sslscan `--xml` ids, testssl `--jsonfile` ids `cipher-<proto>_x<hex>`, nmap `-oX` IANA names) vs "
      "the truth; SSLv2/SSLv3 are in no truth (not compiled into Debian's OpenSSL/GnuTLS), so any report "
      "of them is extra.")
    w("- Peers: `sslscan --no-colour --xml=F 127.0.0.1:P`; `testssl -E --warnings off --color 0 "
      "--jsonfile F 127.0.0.1:P` (Debian's testssl uses the system openssl, offline); `nmap -n -Pn -p P "
      "--script ssl-enum-ciphers 127.0.0.1 -oX F`.  Timeouts: per run, a timed-out run counts with its "
      "wall time and whatever output it left.")
    w("- Re-run: `bench/run` (full, about 15 minutes here, mostly testssl.sh), `bench/run --quick` (smoke, < 2 min, "
      "writes bench/out/BENCHMARKS.quick.md), `bench/run --rerender` (the report again from bench/out).  "
      "`bench/scale.py`, when present, adds the 1-million-target section (`--no-scale` skips every scale run).  "
      "Packages: tools/debian-bench.txt.")
    w("")
    return "\n".join(L)


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "bench/out/results.json"
    sys.stdout.write(render(json.load(open(path))))
