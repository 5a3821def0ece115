#!/bin/bash
# SPDX-License-Identifier: MIT
# docs/cipherprobe.schema.json against what cipherprobe writes: a
# single-target scan, a list with errors, --jsonl line by line, a --state
# file, diff --json, profile show / list --json and profile show
# --proxy-hello --json all validate; the schema's closed objects hold
# exactly the keys the JSON loader accepts (read from its source); and a
# document with an unknown key or a wrong type fails validation, as the
# loader (cipherprobe diff) refuses it.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
V=("$PYTHON" "$top_srcdir/tests/validate-json.py")
SCHEMA=$top_srcdir/docs/cipherprobe.schema.json
if ! "$PYTHON" -c 'import jsonschema' 2>/dev/null; then
	echo "1..0 # SKIP python3-jsonschema is not installed (tools/debian-test.txt)"
	exit 0
fi
integ_have_scanner || { echo "Bail out! no cipherprobe"; exit 1; }

# valid NAME TYPE FILE...: FILE validates as TYPE
valid() {
	local name=$1 kind=$2
	shift 2
	"${V[@]}" --as "$kind" "$@" >"$T/v.log" 2>&1
	local st=$?
	[ $st -eq 0 ] || tap_diag "$T/v.log"
	tap_check $st "$name validates ($kind)"
}

"${V[@]}" --help >/dev/null && "$PYTHON" - "$SCHEMA" <<'EOF'
import json, sys, jsonschema
jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))
EOF
tap_check $? "the schema is a valid draft 2020-12 JSON Schema"

integ_start_openssl one rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256
tap_check $? "server up"
port=$SRV_PORT
refused=$("$PYTHON" "$INTEG_DIR/netutil.py" free-port)

integ_scan "$T/one.json" --no-groups "127.0.0.1:$port"
valid "a single-target scan" scan "$T/one.json"

printf '127.0.0.1:%s\n127.0.0.1:%s\nbad host name!\n[::1\n127.0.0.1:%s,sni.example\n' \
	"$port" "$refused" "$port" >"$T/list.txt"
integ_scan "$T/list.json" --no-groups --no-preference -i "$T/list.txt"
valid "a list with errors" scan "$T/list.json"
"$PYTHON" - "$T/list.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
kinds = [t["error"]["kind"] for t in d["targets"] if t["status"] == "error"]
assert len(d["targets"]) == 5 and kinds.count("input") == 2 and "refused" in kinds, kinds
assert d["summary"]["recommendation"] is not None
EOF
tap_check $? "that list holds error records (input, refused) and a recommendation"

timeout 120 "$CIPHERPROBE" scan -q --jsonl --no-groups --no-preference -i "$T/list.txt" \
	>"$T/list.jsonl" 2>"$T/jsonl.err"
[ "$(wc -l <"$T/list.jsonl")" -eq 5 ]
tap_check $? "--jsonl wrote 5 lines"
valid "--jsonl, line by line" jsonl "$T/list.jsonl"
"$PYTHON" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    assert list(o)[0] == "schema" and o["schema"] == 1, o
' "$T/list.jsonl"
tap_check $? "every --jsonl line starts with \"schema\": 1"

integ_scan "$T/st.json" --no-groups --no-preference --state "$T/state.json" "127.0.0.1:$port"
valid "a --state file" scan "$T/state.json"

# diff: the same target, then with its server gone (unreachable for one
# run: named, not yet a regression)
_integ_stop
integ_scan "$T/gone.json" --no-groups "127.0.0.1:$port"
timeout 60 "$CIPHERPROBE" diff --json "$T/one.json" "$T/gone.json" >"$T/diff.json" 2>"$T/diff.err"
"$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["unreachable"] == 1 and d["regressions"] == 0, d
assert any(c["what"] == "unreachable" and c["kind"] == "change" for c in d["changes"]), d
assert [s["kind"] for s in d["sites"]] == ["unreachable"], d
' "$T/diff.json"
tap_check $? "diff --json names the server gone for one run as unreachable, not a regression"
timeout 60 "$CIPHERPROBE" diff --json "$T/one.json" "$T/list.json" >"$T/diff2.json" 2>"$T/diff2.err"
valid "diff --json (changes, added)" diff "$T/diff.json" "$T/diff2.json"

"$CIPHERPROBE" profile show --json panos-default >"$T/show1.json" &&
	"$CIPHERPROBE" profile show --json --client firefox --panos-version 10.1 panos-recommended >"$T/show2.json" &&
	"$CIPHERPROBE" profile show --json --profile-name vsys1/Corp "$top_srcdir/tests/profile/running-config.xml" >"$T/show3.json"
tap_check $? "profile show --json ran"
valid "profile show --json" profile-show "$T/show1.json" "$T/show2.json" "$T/show3.json"
"$CIPHERPROBE" profile list --json "$top_srcdir/tests/profile/running-config.xml" >"$T/list-p.json"
valid "profile list --json" profile-list "$T/list-p.json"

# profile show --proxy-hello: a hello caught by the recorder, as a pcap
TOOL="$top_srcdir/tests/capture/tool.py"
mkdir -p "$T/rec"
"$PYTHON" "$TOOL" recorder "$T/rec" "$T/rec.port" >"$T/rec.log" 2>&1 </dev/null &
integ_track "$!"
for _ in $(seq 200); do [ -s "$T/rec.port" ] && break; sleep 0.05; done
echo Q | timeout 10 openssl s_client -connect "127.0.0.1:$(cat "$T/rec.port")" -servername cap.example \
	>/dev/null 2>&1 </dev/null
cp "$(ls -t "$T"/rec/*.bin | head -1)" "$T/hello.bin" && "$PYTHON" "$TOOL" pcap "$T/hello.bin" "$T/cap.pcap" &&
	"$CIPHERPROBE" profile show --json --proxy-hello "$T/cap.pcap" >"$T/ph.json"
tap_check $? "profile show --proxy-hello --json ran on a captured hello"
valid "profile show --proxy-hello --json" proxy-hello "$T/ph.json"

# The schema's closed objects and the loader's key lists (read from the
# source) name the same keys: a field added to one is added to the other.
"$PYTHON" - "$SCHEMA" "$top_srcdir/scanner/output/json.c" "$top_srcdir/scanner/output/diff.c" \
	"$top_srcdir/scanner/output/verdict.c" >"$T/keys.log" 2>&1 <<'EOF'
import json, re, sys
schema = json.load(open(sys.argv[1]))["$defs"]
src = "".join(open(p).read() for p in sys.argv[2:])
# verdict.c's lists are shared (cp_verdict_keys, cp_fix_keys): not static
lists = {m.group(1): re.findall(r'"([^"]+)"', m.group(2))
         for m in re.finditer(r'^(?:static )?const char \*const (?:cp_)?(\w+)\[\] = \{(.*?)\};', src, re.S | re.M)}
where = {
    "target_keys": schema["target"], "error_keys": schema["error"],
    "protocol_keys": schema["protocol"], "cipher_keys": schema["cipher"],
    "group_keys": schema["group"], "sigalg_keys": schema["signature_algorithm"],
    "cert_keys": schema["certificate"], "chain_keys": schema["chain"],
    "log_keys": schema["target"]["properties"]["log"],
    "proxy_hello_keys": schema["target"]["properties"]["proxy_hello"],
    "top_keys": schema["scan_document"], "tool_keys": schema["tool"],
    "summary_keys": schema["summary"], "recommendation_keys": schema["recommendation"],
    "interception_keys": schema["summary"]["properties"]["interception"]["oneOf"][1],
    "verdict_keys": schema["verdict"], "fix_keys": schema["fix"],
}
bad = 0
for name, sub in where.items():
    assert sub.get("additionalProperties") is False, name
    if name not in lists:
        print("no list", name); bad += 1; continue
    a, b = set(lists[name]), set(sub["properties"])
    if a != b:
        print(name, "loader only:", sorted(a - b), "schema only:", sorted(b - a)); bad += 1
sys.exit(1 if bad else 0)
EOF
st=$?
[ $st -eq 0 ] || tap_diag "$T/keys.log"
tap_check $st "the schema's closed objects hold exactly the loader's key lists"

# Mutations: each must fail validation, and cipherprobe diff refuses the
# unknown keys too (exit 65), so the schema is no looser than the loader.
mutate() { # mutate NAME PYTHON-EXPR-ON-d [loader]
	local name=$1 expr=$2 loader=${3:-}
	"$PYTHON" - "$T/list.json" "$T/bad.json" "$expr" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
EOF
	"${V[@]}" --as scan "$T/bad.json" >"$T/bad.log" 2>&1
	local vrc=$?
	[ $vrc -eq 1 ]
	tap_check $? "schema refuses $name (validator exit $vrc): $(head -1 "$T/bad.log" | cut -c1-160)"
	if [ -n "$loader" ]; then
		timeout 60 "$CIPHERPROBE" diff "$T/list.json" "$T/bad.json" >/dev/null 2>"$T/loader.err"
		local lrc=$?
		[ $lrc -eq 65 ] && grep -q "$loader" "$T/loader.err"
		tap_check $? "the loader refuses $name too (exit $lrc): $(head -1 "$T/loader.err")"
	fi
}
mutate "an unknown top-level key" 'd["extra"] = 1' "extra: unknown key"
mutate "an unknown target key" 'd["targets"][0]["owner"] = "x"' "owner: unknown key"
mutate "an unknown certificate key" 'd["targets"][0]["certificate"]["owner"] = "x"' "certificate.owner: unknown key"
mutate "an unknown verdict key" 'd["targets"][0]["verdict"]["owner"] = "x"' "verdict.owner: unknown key"
mutate "an unknown summary key" 'd["summary"]["owner"] = 1' "summary.owner: unknown key"
mutate "a port given as a string" 'd["targets"][0]["port"] = str(d["targets"][0]["port"])' "port: expected an integer"
mutate "a cipher id that is not hex" 'next(p for p in d["targets"][0]["protocols"] if p["ciphers"])["ciphers"][0]["id"] = "C013"' "not a hex code"
mutate "an unknown error kind" 'next(t for t in d["targets"] if t["error"])["error"]["kind"] = "oops"' "unknown kind"
mutate "schema 2" 'd["schema"] = 2' "schema: expected 1"
mutate "an error record with a verdict" 'e = next(t for t in d["targets"] if t["error"]); e["verdict"] = d["targets"][0]["verdict"]'
mutate "a cause with an unknown party" 'd["targets"][1]["verdict"] = None; d["targets"][0]["verdict"]["causes"] = [{"axis": "suite", "blocked_by": "nobody", "detail": ""}]'
printf '{"schema":1,"input":"x","host":null,"port":null,"sni":null,"address":null,"status":"ok","error":null,"protocols":[],"groups":[],"verdict":null,"owner":1}\n' >"$T/bad.jsonl"
"${V[@]}" "$T/bad.jsonl" >"$T/bad.log" 2>&1
[ $? -eq 1 ] && grep -q "owner" "$T/bad.log"
tap_check $? "schema refuses a --jsonl line with an unknown key: $(head -1 "$T/bad.log")"
sed 's/{"schema":1,/{/; s/,"owner":1//' "$T/bad.jsonl" >"$T/bad2.jsonl"
"${V[@]}" --as jsonl "$T/bad2.jsonl" >"$T/bad.log" 2>&1
[ $? -eq 1 ] && grep -q "'schema' is a required property" "$T/bad.log"
tap_check $? "schema refuses a --jsonl line without \"schema\""

integ_end
