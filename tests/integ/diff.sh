#!/bin/sh
# SPDX-License-Identifier: MIT
# 'cipherprobe diff': exit statuses (0 no regression, 3 regression, 64
# usage, 65 unusable document, 66 missing file), the text layout and the
# --json counts, on the hand-written documents in tests/diff/.
# old.json -> new.json holds, by construction: www loses
# TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 at TLS 1.2 (its verdict stays
# compatible: a change, not a regression) and gets a new certificate,
# legacy's fix grows to auth-algo-sha1 + keyxchg-algo-rsa (weakens more: the
# regression) and its 3DES suite goes, intranet scans again and is
# compatible, cdn's IPv6 record is gone and shop is new: 1 regression,
# 3 improvements, 1 change, 1 info, 1 added, 1 removed; 3 sites.  In
# old.json intranet fails (a plain scan: no failure count), so comparing
# old.json with itself names it as unreachable, not as a regression.
: "${CIPHERPROBE:=./cipherprobe}"
: "${top_srcdir:=.}"
d="$top_srcdir/tests/diff"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
# check DESC CMD...: the command's stderr becomes TAP diagnostics on failure
check() {
	desc=$1; shift
	if "$@" 2>"$tmp/why"; then ok "$desc"; else notok "$desc"; sed 's/^/# /' "$tmp/why"; fi
}
# schema DESC [--as TYPE] FILE...: the files validate against
# docs/cipherprobe.schema.json (tests/validate-json.py); a skip without
# python3-jsonschema
schema() {
	desc=$1; shift
	v="${top_srcdir:-.}/tests/validate-json.py"
	if [ ! -f "$v" ]; then notok "$desc (no $v)"; return; fi
	python3 "$v" "$@" >"$tmp/why" 2>&1
	case $? in
	0) ok "$desc" ;;
	2) n=$((n + 1)); echo "ok $n - $desc # SKIP $(head -1 "$tmp/why")" ;;
	*) notok "$desc"; sed 's/^/# /' "$tmp/why" ;;
	esac
}
# status WANT DESC ARGS...: run cipherprobe diff ARGS, expect exit WANT;
# stdout in $tmp/out, stderr in $tmp/err
status() {
	want=$1 desc=$2; shift 2
	timeout 30 "$CIPHERPROBE" diff "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$desc"; else
		notok "$desc (exit $got, want $want)"; sed 's/^/# /' "$tmp/err"; fi
}
# has FILE TEXT: FILE contains the fixed string TEXT
has() {
	grep -F -e "$2" "$1" >/dev/null && return 0
	{ echo "'$2' not in:"; cat "$1"; } >&2
	return 1
}

if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP needs python3"
	exit 0
fi
echo "1..36"

status 0 "same document twice: exit 0" "$d/old.json" "$d/old.json"
check "same document: only the failing site named, all five compared" python3 - "$tmp/out" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
assert lines == ["unreachable intranet.example.com: unreachable (in both scans): timeout: "
                 "no answer to any hello within 8 s",
                 "0 regressions, 0 improvements, 1 change, 0 info, 1 unreachable; "
                 "5 targets compared, 0 added, 0 removed"], lines
PY

status 3 "a regression: exit 3" "$d/old.json" "$d/new.json"
check "text: one headline per site, worst first, the fix under it" python3 - "$tmp/out" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
assert lines == [
    "REGRESSION  legacy.example.net:8443: the fix now weakens the profile more: auth-algo-sha1, "
    "keyxchg-algo-rsa instead of auth-algo-sha1 (+1 more change)",
    "  fix: set profiles decryption Corp ssl-protocol-settings auth-algo-sha1 yes",
    "  fix: set profiles decryption Corp ssl-protocol-settings keyxchg-algo-rsa yes",
    "improvement intranet.example.com: answers again (the last scan failed with timeout: "
    "no answer to any hello within 8 s) (+1 more change)",
    "change      www.example.com: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 is no longer accepted "
    "at TLSv1.2 (+1 more change)",
    "added       shop.example.com [192.0.2.44]",
    "removed     cdn.example.org [2001:db8::5] (not in the new scan; not counted as a regression)",
    "1 regression, 3 improvements, 1 change, 1 info, 0 unreachable; 4 targets compared, 1 added, 1 removed",
], lines
PY
check "text: no colour when not asked and not a tty" python3 -c \
	'import sys; sys.exit(b"\x1b" in open(sys.argv[1], "rb").read())' "$tmp/out"

status 3 "--json with a regression: exit 3" --json "$d/old.json" "$d/new.json"
schema "--json validates against the JSON Schema (diff)" --as diff "$tmp/out"
check "--json: parses, counts match the changes listed" python3 - "$tmp/out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
kinds = [c["kind"] for c in j["changes"]]
for k, key in (("regression", "regressions"), ("improvement", "improvements"), ("info", "info"),
               ("change", "changed")):
    assert kinds.count(k) == j[key], (k, kinds, j[key])
assert (j["regressions"], j["improvements"], j["changed"], j["info"], j["compared"]) == (1, 3, 1, 1, 4), j
assert kinds == sorted(kinds, key=["regression", "change", "improvement", "info"].index), kinds
assert [(s["target"], s["kind"]) for s in j["sites"]] == [
    ("legacy.example.net:8443", "regression"), ("intranet.example.com", "improvement"),
    ("www.example.com", "change")], j["sites"]
assert [a["target"] for a in j["added"]] == ["shop.example.com"]
assert [(r["target"], r["address"]) for r in j["removed"]] == [("cdn.example.org", "2001:db8::5")]
c = j["changes"][1]
assert (c["target"], c["what"], c["version"], c["cipher"]) == \
    ("www.example.com", "cipher", "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), c
st = [c for c in j["changes"] if c["what"] == "unreachable"]
assert st and st[0]["kind"] == "improvement" and st[0]["target"] == "intranet.example.com", st
PY

status 0 "only improvements: exit 0" "$d/old.json" "$d/improved.json"
check "improvement listed, nothing else" python3 - "$tmp/out" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
assert lines == ["unreachable intranet.example.com: unreachable (in both scans): timeout: "
                 "no answer to any hello within 8 s",
                 "improvement legacy.example.net:8443: now compatible with the profile",
                 "0 regressions, 1 improvement, 1 change, 0 info, 1 unreachable; "
                 "5 targets compared, 0 added, 0 removed"], lines
PY
status 3 "the reverse of an improvement is a regression" --json "$d/improved.json" "$d/old.json"
check "reverse: one regression, 'no longer compatible' with the reason" python3 - "$tmp/out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["regressions"] == 1 and j["improvements"] == 0, j
assert j["sites"][0]["headline"].startswith("REGRESSION legacy.example.net:8443: no longer compatible"), j
assert j["sites"][0]["commands"][0] == "set profiles decryption Corp ssl-protocol-settings auth-algo-sha1 yes", j
c = j["changes"][0]
assert c["what"] == "compatible" and c["detail"].startswith("no longer compatible with the profile: server accepts only"), c
PY

timeout 30 "$CIPHERPROBE" diff "$d/old.json" - <"$d/new.json" >"$tmp/out" 2>"$tmp/err"
check "'-' reads NEW from standard input" test $? -eq 3

status 3 "--color always: accepted, exit 3 as without it" --color always "$d/old.json" "$d/new.json"
check "--color always colours the regressions" has "$tmp/out" "$(printf '\033[1;31mREGRESSION')"

status 0 "--help: exit 0" --help
check "--help: usage and exit statuses" has "$tmp/out" "Exit status: 0 no regression; 3 a regression"
status 3 "-q with a regression: exit 3" -q "$d/old.json" "$d/new.json"
check "-q: only the regression and its fix, and the summary" python3 - "$tmp/out" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 4 and lines[0].startswith("REGRESSION  legacy.example.net:8443: ") and \
    lines[1].startswith("  fix: ") and lines[3].startswith("1 regression, "), lines
PY
# old.json -> improved.json without the failing intranet target: legacy
# becomes compatible, nothing else
for f in old improved; do
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
d["targets"]=[t for t in d["targets"] if t["status"] == "ok"]; json.dump(d, open(sys.argv[2], "w"))' \
		"$d/$f.json" "$tmp/$f-ok.json"
done
status 0 "-q, an improvement only: exit 0" -q "$tmp/old-ok.json" "$tmp/improved-ok.json"
check "-q with nothing that matters prints nothing" test ! -s "$tmp/out"
status 64 "--expiry-warn with a bad value: exit 64" --expiry-warn soon "$d/old.json" "$d/new.json"
status 64 "no arguments: exit 64"
status 64 "one document: exit 64" "$d/old.json"
status 64 "unknown option: exit 64" --frobnicate "$d/old.json" "$d/new.json"
status 64 "--color with a bad value: exit 64" --color sometimes "$d/old.json" "$d/new.json"

status 65 "truncated JSON: exit 65" "$d/old.json" "$d/truncated.json"
check "truncated: message names the file, line and column" has "$tmp/err" \
	"truncated.json:25:64: premature end of input"
status 65 "schema 2: exit 65" "$d/schema2.json" "$d/old.json"
check "schema 2: message names the file and the field" has "$tmp/err" "schema2.json: schema: expected 1, got 2"

status 65 "targets not an array: exit 65" "$d/targets-object.json" "$d/old.json"
check "targets not an array: message names the field" has "$tmp/err" "targets-object.json: targets: expected an array"
status 65 "a target without input: exit 65" "$d/old.json" "$d/no-input.json"
check "no input: message names the target and field" has "$tmp/err" "no-input.json: targets[1].input: missing"

status 66 "missing file: exit 66" "$d/old.json" "$tmp/nonexistent.json"
check "missing file: message names it" has "$tmp/err" "$tmp/nonexistent.json: No such file or directory"
