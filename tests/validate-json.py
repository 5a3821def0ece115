#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/validate-json.py: validate cipherprobe JSON output against
docs/cipherprobe.schema.json (JSON Schema draft 2020-12, python3-jsonschema).

    validate-json.py [--as TYPE] [--schema FILE] FILE...

Each FILE is one JSON document, or JSONL (one object per line, each line
validated on its own).  TYPE is scan, jsonl, diff, profile-show,
proxy-hello or profile-list; without --as it is told from the top-level
keys (JSONL: from there being several lines, or a lone line with "input").
Duplicate object keys are an error too (the loader refuses them).
Exit 0 when every file validates, 1 when one does not (each error printed
with its file, line and JSON path), 2 on usage or a missing python3-jsonschema.
"""
import argparse
import json
import os
import sys

DEFS = {
    "scan": "scan_document",
    "jsonl": "jsonl_line",
    "diff": "diff_document",
    "profile-show": "profile_show",
    "proxy-hello": "proxy_hello_compare",
    "profile-list": "profile_list",
}


def no_dupes(pairs):
    seen = set()
    for k, _ in pairs:
        if k in seen:
            raise ValueError("duplicate object key %r" % k)
        seen.add(k)
    return dict(pairs)


def guess(obj):
    if not isinstance(obj, dict):
        return None
    if "targets" in obj and "schema" in obj:
        return "scan"
    if "input" in obj:
        return "jsonl"
    if "regressions" in obj:
        return "diff"
    if "compare" in obj:
        return "proxy-hello"
    if "offer" in obj:
        return "profile-show"
    if "profiles" in obj:
        return "profile-list"
    return None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--as", dest="kind", choices=sorted(DEFS))
    ap.add_argument("--schema", default=os.path.join(here, "..", "docs", "cipherprobe.schema.json"))
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    try:
        import jsonschema
    except ImportError:
        print("validate-json: python3-jsonschema is not installed (tools/debian-test.txt)", file=sys.stderr)
        return 2
    with open(a.schema, encoding="utf-8") as f:
        schema = json.load(f, object_pairs_hook=no_dupes)
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    validators = {}

    def validator(kind):
        if kind not in validators:
            sub = dict(schema)
            sub["$ref"] = "#/$defs/" + DEFS[kind]
            validators[kind] = cls(sub)
        return validators[kind]

    bad = 0
    for path in a.files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        docs = []  # (line label, object)
        try:
            docs.append(("", json.loads(text, object_pairs_hook=no_dupes)))
            lines = False
        except ValueError as e:
            lines = "Extra data" in str(e)
            if not lines:
                print("%s: not JSON: %s" % (path, e))
                bad += 1
                continue
        if lines:
            for n, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    print("%s:%d: empty line in JSONL" % (path, n))
                    bad += 1
                    continue
                try:
                    docs.append((":%d" % n, json.loads(line, object_pairs_hook=no_dupes)))
                except ValueError as e:
                    print("%s:%d: not JSON: %s" % (path, n, e))
                    bad += 1
        if not docs and not lines:
            continue
        for label, obj in docs:
            kind = a.kind or ("jsonl" if lines else guess(obj))
            if kind is None:
                print("%s%s: cannot tell which cipherprobe document this is (use --as)" % (path, label))
                bad += 1
                continue
            errs = sorted(validator(kind).iter_errors(obj), key=lambda e: list(e.absolute_path))
            for e in errs[:20]:
                # a oneOf (null or an object) failed: name the error inside
                e = jsonschema.exceptions.best_match([e])
                where = "".join("[%d]" % p if isinstance(p, int) else ".%s" % p for p in e.absolute_path)
                print("%s%s: %s%s: %s" % (path, label, kind, where or " (top)", e.message[:200]))
            if errs:
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
