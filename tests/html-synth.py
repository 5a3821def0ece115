#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# tests/html-synth.py: a large schema-1 document for the HTML report test,
# made from one real scanned target duplicated N times under distinct
# names (host-00000.example ... ), with a summary that counts them.
# usage: html-synth.py SCAN.json INPUT N OUT.json
#   INPUT: the "input" of the target in SCAN.json to duplicate
import copy
import json
import sys


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: html-synth.py SCAN.json INPUT N OUT.json\n")
        return 64
    src, want, n, out = argv[0], argv[1], int(argv[2]), argv[3]
    doc = json.load(open(src))
    base = [t for t in doc["targets"] if t["input"] == want]
    if len(base) != 1:
        sys.stderr.write("html-synth.py: %s: no single target %r\n" % (src, want))
        return 1
    base = base[0]
    targets = []
    for i in range(n):
        t = copy.deepcopy(base)
        name = "host-%05d.example" % i
        t["input"] = "%s:%d" % (name, base["port"])
        t["host"] = name
        t["sni"] = name
        targets.append(t)
    v = base.get("verdict")
    comp = n if v and v["compatible"] else 0
    doc["targets"] = targets
    doc["summary"]["targets"] = n
    doc["summary"]["ok"] = n if base["status"] == "ok" else 0
    doc["summary"]["errors"] = 0 if base["status"] == "ok" else n
    doc["summary"]["compatible"] = comp
    doc["summary"]["incompatible"] = n - comp if v else 0
    rec = doc["summary"].get("recommendation")
    if comp == n or not rec:
        doc["summary"]["recommendation"] = None
    else:
        # every copy is fixed by the same changes
        rec["fixes"] = n - comp
        rec["change_fixes"] = {c: n - comp for c in rec["changes"]}
        rec["no_decrypt"] = []
    with open(out, "w") as f:
        json.dump(doc, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
