#!/bin/bash
# SPDX-License-Identifier: MIT
# scan --shard K/N and cipherprobe merge (issue 14 item 3): N shards run as
# separate processes, merged with -i LIST, give the document one run over
# the whole list gives, timing fields aside; the shards are disjoint and
# cover the list; the merged document validates against the schema; GNU
# parallel (no ssh: local jobs) runs the same shards; bad --shard values,
# a document of another schema, -i ordering, duplicates and list entries
# in no input are reported.  docs/k8s-shard-job.yaml parses.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
# one configuration for every run; a fixed engine (no --rate, default
# strategy) probes each server the same way in one run or in a shard
# (corp.set: only the protocol settings decide, not the test certificates)
CORP="$top_srcdir/tests/verdict/corp.set"
SCAN=(-q --no-preference --profile "$CORP")
# merge writes the fleet's commands for the profile the scans used
MERGE=(--profile "$CORP")

integ_start_openssl modern rsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
tap_check $? "modern server up"
modern=$SRV_PORT
integ_start_openssl sha1 rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA
tap_check $? "SHA1-only server up"
sha1=$SRV_PORT
integ_start_openssl tls13 rsa -tls1_3
tap_check $? "TLS 1.3-only server up"
tls13=$SRV_PORT
integ_start_openssl ecdsa ecdsa -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384
tap_check $? "ECDSA server up"
ecdsa=$SRV_PORT
integ_start_openssl rsakx rsa -tls1_2 -cipher AES128-SHA
tap_check $? "RSA key exchange server up"
rsakx=$SRV_PORT

# ports 1 and 3 on loopback: refused (error records); a line that does not
# parse.  These three land in shards 3, 2 and 1 of 3 (FNV-1a 64 below).
cat >"$T/list.txt" <<EOF
# the fleet
127.0.0.1:$modern,modern.test
127.0.0.1:$sha1,sha1.test
127.0.0.1:$tls13,tls13.test
127.0.0.1:1,refused.test

127.0.0.1:$ecdsa,ecdsa.test
not a target ::
127.0.0.1:$rsakx,rsakx.test
127.0.0.1:3,refused3.test
127.0.0.1:$sha1,sha1-again.test
EOF
grep -v '^#' "$T/list.txt" | grep -v '^$' >"$T/inputs.txt"

integ_scan "$T/one.json" "${SCAN[@]}" -i "$T/list.txt"
rc=$?
[ $rc -le 2 ]
tap_check $? "one run over the whole list (exit $rc: 1 incompatible, 2 errors)"
for k in 1 2 3; do
	integ_scan "$T/shard-$k.json" "${SCAN[@]}" --shard "$k/3" -i "$T/list.txt" &
	pids[k]=$!
done
ok=0
for k in 1 2 3; do
	wait "${pids[k]}"
	[ $? -le 2 ] || ok=1
done
tap_check $ok "three shards run as separate processes at once"

# which shard each input lands in, by FNV-1a 64 written here from its
# definition (input/shard.h), not from cipherprobe
"$PYTHON" - "$T/inputs.txt" "$T"/shard-{1,2,3}.json >"$T/cover.log" 2>&1 <<'EOF'
import json, sys
def fnv(s):
    h = 0xcbf29ce484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001b3) % 2**64
    return h
lines = [l.rstrip("\n") for l in open(sys.argv[1])]
# the error line's input is the line itself; every other line's input too
want = {k: [l for l in lines if 1 + fnv(l) % 3 == k] for k in (1, 2, 3)}
got = {k: [t["input"] for t in json.load(open(p))["targets"]] for k, p in enumerate(sys.argv[2:], 1)}
print("want", want)
print("got ", got)
assert got == want, "shards differ from FNV-1a 64 mod 3"
allin = sum(got.values(), [])
assert sorted(allin) == sorted(lines), "shards do not cover the list exactly once"
# the fixed lines alone put something in every shard (ports are random)
assert all(got[k] for k in got), "a shard is empty"
EOF
rc=$?
[ $rc -eq 0 ] || tap_diag "$T/cover.log"
tap_check $rc "the shards are disjoint, cover the list, and each holds the targets whose input hashes to it"

"$CIPHERPROBE" merge "${MERGE[@]}" -i "$T/list.txt" -o "$T/merged.json" "$T"/shard-{3,1,2}.json 2>"$T/merge.err"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$T/merge.err" ]
tap_check $? "merge -i LIST of the three shards (given out of order): exit 0, nothing on stderr (rc $rc)"
integ_validate "$T/merged.json"

# Timing fields: what a target's scan cost, which depends on when answers
# came, not on what the server accepts: elapsed_ms (wall clock),
# critical_path (whether a connection was opened ahead in time), and
# handshakes and connections (the engine opens connections ahead and
# splits a long elimination chunk only with slots that would otherwise
# idle).  Everything the server told (versions, suites, groups, order,
# certificate, verdict) and the fleet summary must be the same.
cat >"$T/same.py" <<'EOF'
import json, sys
def norm(p):
    d = json.load(open(p))
    for t in d["targets"]:
        for k in ("elapsed_ms", "critical_path", "handshakes", "connections"):
            t.pop(k, None)
    return d
a, b = norm(sys.argv[1]), norm(sys.argv[2])
if a != b:
    for i, (x, y) in enumerate(zip(a["targets"], b["targets"])):
        if x != y:
            print("targets[%d] differs:" % i)
            for k in sorted(set(x) | set(y)):
                if x.get(k) != y.get(k):
                    print(" ", k, json.dumps(x.get(k))[:300], "!=", json.dumps(y.get(k))[:300])
    if a["summary"] != b["summary"]:
        print("summary:", json.dumps(a["summary"]), "!=", json.dumps(b["summary"]))
    print("inputs:", [t["input"] for t in a["targets"]], [t["input"] for t in b["targets"]])
    sys.exit(1)
EOF
"$PYTHON" "$T/same.py" "$T/one.json" "$T/merged.json" >"$T/same.log" 2>&1
rc=$?
[ $rc -eq 0 ] || tap_diag "$T/same.log"
tap_check $rc "the merged document is the one run's, timing fields aside"

"$PYTHON" - "$T/one.json" >"$T/sum.log" 2>&1 <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
# 9 lines: 3 errors (2 refused, unparsable); sha1 twice, rsakx incompatible
# with panos-recommended; modern, tls13, ecdsa compatible
assert (s["targets"], s["ok"], s["errors"]) == (9, 6, 3), s
assert (s["compatible"], s["incompatible"]) == (3, 3), s
assert s["recommendation"] and s["recommendation"]["changes"], s
EOF
rc=$?
[ $rc -eq 0 ] || tap_diag "$T/sum.log"
tap_check $rc "the run has what the servers' configurations say: 3 compatible, 3 incompatible, 3 errors, a fleet recommendation"

# without -i: file order
"$CIPHERPROBE" merge "${MERGE[@]}" "$T"/shard-{2,1}.json >"$T/no-i.json" 2>"$T/no-i.err"
"$PYTHON" -c 'import json,sys
m=[t["input"] for t in json.load(open(sys.argv[1]))["targets"]]
w=[t["input"] for p in sys.argv[2:] for t in json.load(open(p))["targets"]]
assert m == w, (m, w)' "$T/no-i.json" "$T"/shard-{2,1}.json
tap_check $? "without -i the targets follow the files' order"

# -i with an entry in no input: reported, exit 65, the rest still written
{ echo "127.0.0.1:9,ghost.test"; grep -v '^#' "$T/list.txt"; } >"$T/list-ghost.txt"
"$CIPHERPROBE" merge "${MERGE[@]}" -i "$T/list-ghost.txt" "$T"/shard-{1,2,3}.json >"$T/ghost.json" 2>"$T/ghost.err"
rc=$?
[ $rc -eq 65 ] && grep -q "list-ghost.txt:1: '127.0.0.1:9,ghost.test' not in any input" "$T/ghost.err" &&
	"$PYTHON" -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["targets"]) == 9' "$T/ghost.json"
tap_check $? "a list entry in no input: named with its line, exit 65, the others written (rc $rc: $(head -1 "$T/ghost.err"))"

# -i in another order: the merge follows it
tac "$T/inputs.txt" >"$T/reversed.txt"
"$CIPHERPROBE" merge "${MERGE[@]}" -i "$T/reversed.txt" "$T"/shard-{1,2,3}.json >"$T/rev.json" 2>"$T/rev.err"
"$PYTHON" -c 'import json,sys
m=[t["input"] for t in json.load(open(sys.argv[1]))["targets"]]
w=[l.rstrip("\n") for l in open(sys.argv[2])]
assert m == w, (m, w)' "$T/rev.json" "$T/reversed.txt"
tap_check $? "merge -i follows the list's order (reversed list)"

# the same shard twice: a warning naming both files, kept once
cp "$T/shard-1.json" "$T/again.json"
"$CIPHERPROBE" merge "${MERGE[@]}" -i "$T/list.txt" "$T"/shard-{1,2,3}.json "$T/again.json" >"$T/dup.json" 2>"$T/dup.err"
rc=$?
[ $rc -eq 0 ] && grep -q "again.json: warning: target '.*' (.*) is also in .*shard-1.json: kept the one from .*shard-1.json" "$T/dup.err" &&
	"$PYTHON" "$T/same.py" "$T/merged.json" "$T/dup.json"
tap_check $? "a target in two files: warned with both names, kept once (rc $rc: $(head -1 "$T/dup.err"))"

# another schema, a file that is not there, bad --shard values
"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["schema"]=2; json.dump(d, open(sys.argv[2], "w"))' \
	"$T/shard-1.json" "$T/schema2.json"
"$CIPHERPROBE" merge "${MERGE[@]}" "$T/schema2.json" "$T/shard-2.json" >"$T/s2.json" 2>"$T/s2.err"
rc=$?
[ $rc -eq 65 ] && grep -q "schema2.json.*schema" "$T/s2.err" &&
	"$PYTHON" "$T/same.py" "$T/shard-2.json" "$T/s2.json"
tap_check $? "a schema-2 document: refused naming the file, exit 65, the other still merged (rc $rc: $(head -1 "$T/s2.err"))"
"$CIPHERPROBE" merge "${MERGE[@]}" "$T/nothere.json" >/dev/null 2>"$T/nf.err"
rc=$?
[ $rc -eq 66 ] && grep -q "nothere.json" "$T/nf.err"
tap_check $? "a missing file: exit 66, named (rc $rc)"
"$CIPHERPROBE" merge >/dev/null 2>&1
tap_check $([ $? -eq 64 ] && echo 0 || echo 1) "merge without a file: usage, exit 64"
for bad in 0/3 4/3 1/0 3 1/3x -1/2 a/b 1/1000001; do
	"$CIPHERPROBE" scan --shard "$bad" 127.0.0.1:1 >/dev/null 2>"$T/bad.err"
	rc=$?
	[ $rc -eq 64 ] && grep -q "^cipherprobe scan: --shard '$bad'" "$T/bad.err"
	tap_check $? "--shard $bad: usage error naming the value (rc $rc: $(head -1 "$T/bad.err"))"
done

# GNU parallel, as docs/sharding.md runs it, with local jobs (no ssh)
if parallel --version 2>/dev/null | grep -q "GNU parallel"; then
	mkdir -p "$T/par"
	timeout -k 5 "$INTEG_SCAN_TIMEOUT" parallel -j3 --halt never \
		"$CIPHERPROBE" scan "${SCAN[@]}" --json --shard {}/3 -i "$T/list.txt" -o "$T/par/shard-{}.json" \
		::: 1 2 3 >"$T/par.log" 2>&1
	"$CIPHERPROBE" merge "${MERGE[@]}" -i "$T/list.txt" -o "$T/par/merged.json" "$T"/par/shard-*.json 2>"$T/par.err" &&
		"$PYTHON" "$T/same.py" "$T/one.json" "$T/par/merged.json" >"$T/par-same.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || tap_diag "$T/par.log" "$T/par-same.log"
	tap_check $rc "GNU parallel -j3 over the shards, merged: the one run's document"
else
	tap_skip "GNU parallel over the shards" "GNU parallel is not installed (package parallel)"
fi

if "$PYTHON" -c 'import yaml' 2>/dev/null; then
	"$PYTHON" - "$top_srcdir/docs/k8s-shard-job.yaml" >"$T/yaml.log" 2>&1 <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
jobs = [d for d in docs if d.get("kind") == "Job"]
idx = [j for j in jobs if j["spec"].get("completionMode") == "Indexed"]
assert len(idx) == 1, "one Indexed Job"
spec = idx[0]["spec"]
assert spec["completions"] == spec["parallelism"], spec
cmd = " ".join(sum((c.get("command", []) + c.get("args", []) for c in spec["template"]["spec"]["containers"]), []))
assert "JOB_COMPLETION_INDEX" in cmd and "--shard" in cmd, cmd
assert any("merge" in " ".join(c.get("command", []) + c.get("args", []))
           for j in jobs for c in j["spec"]["template"]["spec"]["containers"]), "a merge step"
EOF
	rc=$?
	[ $rc -eq 0 ] || tap_diag "$T/yaml.log"
	tap_check $rc "docs/k8s-shard-job.yaml parses: an Indexed Job with --shard from JOB_COMPLETION_INDEX, and a merge Job"
else
	tap_skip "docs/k8s-shard-job.yaml parses" "python3-yaml is not installed"
fi

integ_end
