#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare cipherprobe's JSON with a server's expected sets (from expect.py).

  check.py match EXPECT.json SCAN.json [--target I] [--port P] [--label L]
      The scan's target I (default: the only one) must report exactly the
      expected versions, suites per version (in order when the server
      prefers its own order), server_preference, groups and DHE prime size.
  check.py same A.json B.json [--fewer]
      Two scans of the same server (e.g. --strategy single and eliminate)
      must report identical sets; with --fewer, B must not have needed more
      handshakes than A (DESIGN.md: elimination gives the same answer with
      fewer handshakes).
  check.py records SCAN.json SPEC...
      One record per input line, in input order; each SPEC is
      INPUT=ok or INPUT=error:KIND.
  check.py selftest EXPECT.json [--port P]
      Test this comparator: a document built from the expectation must pass,
      and each of a set of mutations of it (a suite dropped or added, the
      order or server_preference changed, a group dropped or added, an error
      status) must fail.

Prints a diff (missing / extra per version, groups, order) and exits 1 on
any mismatch, 2 when a file cannot be read.  Cipher and group names must be
the IANA names (ciphersuites/iana/*.csv), as the JSON contract says.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from expect import IANA_GROUPS, IANA_SUITES, VERSIONS  # noqa: E402


class Report:
    def __init__(self, label=""):
        self.label = label
        self.errors = []
        self.info = []

    def bad(self, msg):
        self.errors.append(msg)

    def say(self, msg):
        self.info.append(msg)

    def emit(self):
        pre = "[%s] " % self.label if self.label else ""
        for m in self.info:
            print(pre + m)
        for m in self.errors:
            print(pre + "MISMATCH " + m)
        if not self.errors:
            print(pre + "all checks passed")
        return 1 if self.errors else 0


def load(path):
    with open(path) as f:
        text = f.read()
    if not text.strip():
        raise ValueError("%s is empty" % path)
    return json.loads(text)


def norm_id(s):
    """'0xc013' / '0xC013' -> '0xC013'"""
    if not isinstance(s, str) or not s.lower().startswith("0x"):
        return str(s)
    return "0x" + s[2:].upper().rjust(4, "0")


def suite_label(i):
    return "%s %s" % (i, IANA_SUITES.get(i, "?"))


def group_label(g):
    return "%s(%s)" % (IANA_GROUPS.get(g, "?"), g)


def protocols_of(t, r):
    """version -> {"supported", "server_preference", "ids"} from a target."""
    out = {}
    for p in t.get("protocols") or []:
        v = p.get("version")
        if v not in VERSIONS:
            r.bad("protocol entry with unknown version %r" % v)
            continue
        if v in out:
            r.bad("%s listed twice in protocols[]" % v)
        ids = []
        for c in p.get("ciphers") or []:
            i = norm_id(c.get("id"))
            want = IANA_SUITES.get(i)
            if want and c.get("name") != want:
                r.bad("%s: %s is named %r, IANA says %r" % (v, i, c.get("name"), want))
            if i in ids:
                r.bad("%s: %s listed twice" % (v, i))
            ids.append(i)
        out[v] = {"supported": p.get("supported"), "server_preference": p.get("server_preference"),
                  "ids": ids}
        if p.get("supported") is True and not ids:
            r.bad("%s: supported but no cipher listed" % v)
        if p.get("supported") is not True and ids:
            r.bad("%s: not supported yet ciphers listed: %s" % (v, ", ".join(ids)))
    return out


def groups_of(t, r):
    out = {}
    for g in t.get("groups") or []:
        gid = g.get("id")
        if not isinstance(gid, int):
            r.bad("group id %r is not an integer" % gid)
            continue
        want = IANA_GROUPS.get(gid)
        if want and g.get("name") != want:
            r.bad("group %d is named %r, IANA says %r" % (gid, g.get("name"), want))
        if gid in out:
            r.bad("group %s listed twice" % group_label(gid))
        out[gid] = g.get("versions")
    return out


def pick_target(doc, index, r):
    if doc.get("schema") != 1:
        r.bad("schema is %r, expected 1" % doc.get("schema"))
    if (doc.get("tool") or {}).get("name") != "cipherprobe":
        r.bad("tool.name is %r" % (doc.get("tool") or {}).get("name"))
    ts = doc.get("targets")
    if not isinstance(ts, list) or not ts:
        r.bad("no targets[] in the document")
        return None
    if index is None:
        if len(ts) != 1:
            r.bad("%d targets, expected 1" % len(ts))
        index = 0
    if index >= len(ts):
        r.bad("no target %d (only %d)" % (index, len(ts)))
        return None
    return ts[index]


def match(expect, doc, index, port, r):
    t = pick_target(doc, index, r)
    if t is None:
        return
    if t.get("status") != "ok":
        r.bad("status %r, error %r" % (t.get("status"), t.get("error")))
    if t.get("error") is not None:
        r.bad("error is %r, expected null" % t.get("error"))
    if port is not None and t.get("port") != port:
        r.bad("port %r, expected %d" % (t.get("port"), port))
    if t.get("address") not in (None, "127.0.0.1"):
        r.bad("address %r: only 127.0.0.1 may ever be contacted" % t.get("address"))
    hs = t.get("handshakes")
    if not isinstance(hs, int) or hs < 1:
        r.bad("handshakes is %r, expected a positive integer" % hs)
    else:
        r.say("handshakes: %d" % hs)

    vd = t.get("verdict")
    if isinstance(vd, dict):
        r.say("verdict (not checked here): compatible=%s: %s" % (vd.get("compatible"), vd.get("reason")))

    got = protocols_of(t, r)
    for v in VERSIONS:
        e = expect["protocols"][v]
        g = got.get(v)
        if not e["supported"]:
            if g and g["supported"] is not False:
                r.bad("%s: expected not supported, got supported=%r with %d suites" % (
                    v, g["supported"], len(g["ids"])))
            continue
        if not g or g["supported"] is not True:
            r.bad("%s: expected supported with %d suites, got %s" % (
                v, len(e["ciphers"]), "no entry" if not g else "supported=%r" % g["supported"]))
            continue
        want = [c["id"] for c in e["ciphers"]]
        missing = [i for i in want if i not in g["ids"]]
        extra = [i for i in g["ids"] if i not in want]
        for i in missing:
            r.bad("%s: missing %s" % (v, suite_label(i)))
        for i in extra:
            r.bad("%s: extra   %s" % (v, suite_label(i)))
        if e["server_preference"] != g["server_preference"]:
            r.bad("%s: server_preference %s, expected %s" % (
                v, json.dumps(g["server_preference"]), json.dumps(e["server_preference"])))
        elif e["server_preference"]:
            # compare the order of the suites both lists have, so an order
            # bug is reported even next to a missing or extra suite
            w = [i for i in want if i in g["ids"]]
            o = [i for i in g["ids"] if i in want]
            if w != o:
                r.bad("%s: server order differs\n    expected: %s\n    got:      %s" % (
                    v, " ".join(w), " ".join(o)))
        if not missing and not extra:
            r.say("%s: %d suites as expected%s" % (
                v, len(want), " (in server order)" if e["server_preference"] else ""))

    exp_groups = expect.get("groups")
    groups = groups_of(t, r)
    supported = [v for v in VERSIONS if expect["protocols"][v]["supported"]]
    if exp_groups is None:
        r.say("groups: not checked (%s); got %s" % (
            expect.get("groups_source"), ", ".join(group_label(g) for g in groups) or "none"))
    else:
        tolerated = set(expect.get("groups_tolerated") or [])
        for gid in exp_groups:
            if gid not in groups:
                r.bad("groups: missing %s" % group_label(gid))
        for gid in groups:
            if gid not in exp_groups and gid not in tolerated:
                r.bad("groups: extra   %s" % group_label(gid))
        if set(exp_groups) <= set(groups) and set(groups) <= set(exp_groups) | tolerated:
            r.say("groups: %s as expected" % (", ".join(group_label(g) for g in groups) or "none"))
    for gid, vers in groups.items():
        if vers is None:
            continue
        if not isinstance(vers, list) or not vers:
            r.bad("group %s: versions %r is not a non-empty list" % (group_label(gid), vers))
            continue
        for v in vers:
            if v not in supported:
                r.bad("group %s: seen at %s, which the server does not support" % (group_label(gid), v))
        if gid in tolerated_only(expect) and any(v == "TLSv1.3" for v in vers):
            r.bad("group %s: only a TLS 1.2 DHE parameter here, yet reported at TLSv1.3" % group_label(gid))

    exp_bits = expect.get("dhe_bits")
    if "dhe_bits" in t and t["dhe_bits"] is not None:
        if exp_bits is not None and t["dhe_bits"] != exp_bits:
            r.bad("dhe_bits %r, expected %d" % (t["dhe_bits"], exp_bits))
        elif exp_bits is not None:
            r.say("dhe_bits: %d as expected" % exp_bits)
    elif exp_bits is not None:
        r.say("dhe_bits: expected %d, absent from the JSON (not checked)" % exp_bits)


def tolerated_only(expect):
    return set(expect.get("groups_tolerated") or []) - set(expect.get("groups") or [])


def same(a, b, r, fewer=False):
    ta, tb = pick_target(a, None, r), pick_target(b, None, r)
    if ta is None or tb is None:
        return
    for k in ("status",):
        if ta.get(k) != tb.get(k):
            r.bad("%s: %r vs %r" % (k, ta.get(k), tb.get(k)))
    pa, pb = protocols_of(ta, r), protocols_of(tb, r)
    for v in VERSIONS:
        x, y = pa.get(v) or {}, pb.get(v) or {}
        sx, sy = bool(x.get("supported")), bool(y.get("supported"))
        if sx != sy:
            r.bad("%s: supported %s vs %s" % (v, sx, sy))
            continue
        if not sx:
            continue
        ix, iy = x["ids"], y["ids"]
        for i in ix:
            if i not in iy:
                r.bad("%s: %s only in the first" % (v, suite_label(i)))
        for i in iy:
            if i not in ix:
                r.bad("%s: %s only in the second" % (v, suite_label(i)))
        if x.get("server_preference") != y.get("server_preference"):
            r.bad("%s: server_preference %s vs %s" % (
                v, json.dumps(x.get("server_preference")), json.dumps(y.get("server_preference"))))
        elif x.get("server_preference") and ix != iy and set(ix) == set(iy):
            r.bad("%s: server order differs:\n    %s\n    %s" % (v, " ".join(ix), " ".join(iy)))
    ga, gb = groups_of(ta, r), groups_of(tb, r)
    if set(ga) != set(gb):
        r.bad("groups: only in the first %s; only in the second %s" % (
            [group_label(g) for g in sorted(set(ga) - set(gb))],
            [group_label(g) for g in sorted(set(gb) - set(ga))]))
    if ta.get("dhe_bits") != tb.get("dhe_bits"):
        r.bad("dhe_bits %r vs %r" % (ta.get("dhe_bits"), tb.get("dhe_bits")))
    ha, hb = ta.get("handshakes"), tb.get("handshakes")
    r.say("handshakes: %s vs %s" % (ha, hb))
    if fewer and isinstance(ha, int) and isinstance(hb, int) and hb > ha:
        r.bad("the second scan used more handshakes (%d) than the first (%d)" % (hb, ha))


def records(doc, specs, r):
    ts = doc.get("targets")
    if not isinstance(ts, list):
        r.bad("no targets[]")
        return
    if len(ts) != len(specs):
        r.bad("%d records for %d input lines" % (len(ts), len(specs)))
    for n, spec in enumerate(specs):
        inp, _, want = spec.rpartition("=")
        if n >= len(ts):
            break
        t = ts[n]
        if t.get("input") != inp:
            r.bad("record %d: input %r, expected %r (input order)" % (n, t.get("input"), inp))
        err = t.get("error")
        if want == "ok":
            if t.get("status") != "ok" or err is not None:
                r.bad("record %d (%s): status %r error %r, expected ok" % (n, inp, t.get("status"), err))
            else:
                r.say("record %d (%s): ok" % (n, inp))
            continue
        kind = want.partition(":")[2]
        if t.get("status") != "error" or not isinstance(err, dict):
            r.bad("record %d (%s): status %r error %r, expected error %s" % (
                n, inp, t.get("status"), err, kind))
            continue
        if err.get("kind") != kind:
            r.bad("record %d (%s): error kind %r, expected %r (message %r)" % (
                n, inp, err.get("kind"), kind, err.get("message")))
        elif not err.get("message"):
            r.bad("record %d (%s): error kind %s without a message" % (n, inp, kind))
        else:
            r.say("record %d (%s): error %s: %s" % (n, inp, kind, err.get("message")))
        if any(p.get("supported") for p in t.get("protocols") or []):
            r.bad("record %d (%s): an error record claims supported protocols" % (n, inp))
    s = doc.get("summary") or {}
    if s:
        want_err = sum(1 for x in specs if not x.endswith("=ok"))
        if s.get("targets") != len(specs) or s.get("errors") != want_err:
            r.bad("summary targets=%r errors=%r, expected %d and %d" % (
                s.get("targets"), s.get("errors"), len(specs), want_err))


def perfect(expect, port):
    """The JSON document a correct scanner would print for this expectation."""
    t = {"input": "127.0.0.1:%d" % port, "host": "127.0.0.1", "port": port, "sni": None,
         "address": "127.0.0.1", "status": "ok", "error": None, "protocols": [],
         "groups": [], "verdict": None, "handshakes": 100}
    for v in VERSIONS:
        e = expect["protocols"][v]
        if e["supported"]:
            t["protocols"].append({"version": v, "supported": True,
                                   "server_preference": e["server_preference"],
                                   "ciphers": [{"id": c["id"], "name": IANA_SUITES.get(c["id"])}
                                               for c in e["ciphers"]]})
    supported = [v for v in VERSIONS if expect["protocols"][v]["supported"]]
    for g in expect.get("groups") or []:
        t["groups"].append({"id": g, "name": IANA_GROUPS.get(g), "versions": supported[-1:]})
    if expect.get("dhe_bits"):
        t["dhe_bits"] = expect["dhe_bits"]
    return {"schema": 1, "tool": {"name": "cipherprobe", "version": "test"}, "targets": [t],
            "summary": {"targets": 1, "ok": 1, "errors": 0}}


def comparator_selftest(expect, port):
    import copy
    base = perfect(expect, port)

    def verdict(doc):
        r = Report()
        match(expect, doc, None, port, r)
        return r.errors
    errs = verdict(base)
    if errs:
        print("a perfect document is rejected: %s" % errs)
        return 1
    t = base["targets"][0]
    protos = [p for p in t["protocols"] if p["supported"]]
    unknown = next(i for i in sorted(IANA_SUITES) if not any(
        c["id"] == i for v in VERSIONS for c in expect["protocols"][v]["ciphers"]))
    mutations = []

    def mut(label, fn):
        d = copy.deepcopy(base)
        fn(d["targets"][0])
        mutations.append((label, d))
    if protos:
        mut("a suite dropped", lambda t: t["protocols"][0]["ciphers"].pop())
        mut("a suite added", lambda t: t["protocols"][0]["ciphers"].append(
            {"id": unknown, "name": IANA_SUITES[unknown]}))
        mut("a suite misnamed", lambda t: t["protocols"][0]["ciphers"][0].update(name="TLS_BOGUS"))
        mut("a version dropped", lambda t: t["protocols"].pop(0))
        mut("server_preference changed", lambda t: t["protocols"][0].update(
            server_preference={None: True, True: False, False: None}[t["protocols"][0]["server_preference"]]))
    for i, p in enumerate(protos):
        if p["server_preference"] and len(p["ciphers"]) > 1:
            mut("%s order reversed" % p["version"], lambda t, i=i: t["protocols"][i]["ciphers"].reverse())
    missing_v = [v for v in VERSIONS if not expect["protocols"][v]["supported"]]
    if missing_v:
        mut("%s claimed" % missing_v[-1], lambda t: t["protocols"].append(
            {"version": missing_v[-1], "supported": True, "server_preference": None,
             "ciphers": [{"id": unknown, "name": IANA_SUITES[unknown]}]}))
    if expect.get("groups") is not None:
        if t["groups"]:
            mut("a group dropped", lambda t: t["groups"].pop())
        extra = next(g for g in sorted(IANA_GROUPS) if g not in expect["groups"] and
                     g not in (expect.get("groups_tolerated") or []))
        mut("a group added", lambda t: t["groups"].append(
            {"id": extra, "name": IANA_GROUPS[extra], "versions": ["TLSv1.2"]}))
    if expect.get("dhe_bits"):
        mut("dhe_bits changed", lambda t: t.update(dhe_bits=expect["dhe_bits"] + 1024))
    mut("status error", lambda t: t.update(status="error", error={"kind": "timeout", "message": "x"}))
    fails = 0
    for label, doc in mutations:
        errs = verdict(doc)
        if not errs:
            print("NOT CAUGHT: %s" % label)
            fails += 1
        else:
            print("caught %-28s -> %s" % (label + ":", errs[0].splitlines()[0]))
    print("comparator: perfect document accepted, %d of %d mutations caught" % (
        len(mutations) - fails, len(mutations)))
    return 1 if fails else 0


def main(argv):
    def opt(name, conv=str):
        if name in argv:
            i = argv.index(name)
            val = conv(argv[i + 1])
            del argv[i:i + 2]
            return val
        return None
    fewer = "--fewer" in argv
    if fewer:
        argv.remove("--fewer")
    label = opt("--label") or ""
    port = opt("--port", int)
    target = opt("--target", int)
    r = Report(label)
    try:
        if argv[:1] == ["match"] and len(argv) == 3:
            match(load(argv[1]), load(argv[2]), target, port, r)
        elif argv[:1] == ["same"] and len(argv) == 3:
            same(load(argv[1]), load(argv[2]), r, fewer)
        elif argv[:1] == ["selftest"] and len(argv) == 2:
            return comparator_selftest(load(argv[1]), port or 443)
        elif argv[:1] == ["records"] and len(argv) >= 3:
            records(load(argv[1]), argv[2:], r)
        else:
            sys.stderr.write(__doc__)
            return 64
    except (OSError, ValueError) as e:
        print("%scannot read: %s" % ("[%s] " % label if label else "", e))
        return 2
    return r.emit()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
