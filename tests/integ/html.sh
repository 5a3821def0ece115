#!/bin/bash
# SPDX-License-Identifier: MIT
# scan --html and report --html, checked in a real headless browser
# (Debian chromium): one table row per target, the fleet summary with its
# set commands, sorting (the page's #sort= hook, run on load), hostile
# certificate and SNI strings never becoming elements, and a synthetic
# 10,000-target document rendered within a size bound.  Keeps a
# screenshot (tests/html-artefacts/report.png under the build directory).
# Expectations come from the servers' configurations and the man page,
# never from a cipherprobe run.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# the 10,000-row page takes the browser a while on a loaded machine
: "${INTEG_DEADLINE:=400}"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
ART=${top_builddir:-.}/tests/html-artefacts
mkdir -p "$ART"
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}

# chrome_dom FILE#FRAGMENT OUT: the DOM after the page's script ran
chrome_dom() {
	timeout -k 5 150 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu \
		--user-data-dir="$T/chrome" --run-all-compositor-stages-before-draw \
		--dump-dom "file://$1" >"$2" 2>"$2.err"
}
# dom_facts DOM: "rows=N scripts=N order=INPUT|INPUT|... cmds=TEXT" from the
# dumped DOM, parsed (not grepped): rows of #targets' tbody, script elements
dom_facts() {
	"$PYTHON" - "$1" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.rows=[]; s.scripts=0; s.stack=[]; s.in_t=0; s.tbody=False
        s.cell=0; s.cur=None; s.pre=False; s.cmds=""; s.summary=False; s.imgs=0
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == "script": s.scripts += 1
        if tag == "img": s.imgs += 1
        if tag == "table" and a.get("id") == "targets": s.in_t = 1
        elif tag == "table" and s.in_t: s.in_t += 1
        if s.in_t == 1 and tag == "tbody": s.tbody = True
        if s.in_t == 1 and s.tbody and tag == "tr": s.rows.append(""); s.cell = 0
        if s.in_t == 1 and s.tbody and tag == "td": s.cell += 1
        if tag == "pre" and a.get("id") == "cmds": s.pre = True
        if a.get("id") == "summary": s.summary = True
    def handle_endtag(s, tag):
        if tag == "table" and s.in_t: s.in_t -= 1
        if tag == "tbody": s.tbody = False
        if tag == "pre": s.pre = False
    def handle_data(s, d):
        if s.in_t == 1 and s.tbody and s.rows and s.cell == 2: s.rows[-1] += d
        if s.pre: s.cmds += d
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print("rows=%d" % len(p.rows)); print("scripts=%d" % p.scripts); print("imgs=%d" % p.imgs)
print("summary=%s" % ("yes" if p.summary else "no"))
print("order=" + "|".join(p.rows)); print("cmds=" + p.cmds.replace("\n", "\\n"))
PY
}
fact() { sed -n "s/^$1=//p" "$2"; }

# 1. three servers and a hostile target
integ_start_openssl compat rsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
tap_check $? "compatible server up (TLS 1.2, ECDHE-RSA-AES128-GCM-SHA256)"
compat=127.0.0.1:$SRV_PORT
# a certificate whose subject is markup; "\/" is a slash in -subj
timeout 60 openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	-subj '/CN=<script>alert(1)<\/script>"'"'"'<img src=x>' -addext "subjectAltName=IP:127.0.0.1" \
	-keyout "$T/hostile.key" -out "$T/hostile.crt" >"$T/req.log" 2>&1
integ_start_openssl sha1 hostile -tls1_2 -cipher ECDHE-RSA-AES128-SHA
tap_check $? "SHA1-only server up (ECDHE-RSA-AES128-SHA), certificate subject with <script>"
sha1=127.0.0.1:$SRV_PORT
down=127.0.0.1:$("$PYTHON" "$INTEG_DIR/netutil.py" refused-port)
hostile="$compat,<script>alert(2)</script>"
if [ -x "$CHROMIUM" ]; then have_chrome=yes; else have_chrome=no; fi

html=$T/report.html
# both certificates trusted (--ca-file), so that only the suites decide
integ_scan "$T/scan.json" --no-groups --no-sigalgs --ca-file "$T/rsa.crt" --ca-file "$T/hostile.crt" --html "$html" "$compat" "$sha1" "$down" "$hostile"
rc=$?
[ -s "$html" ] && [ -s "$T/scan.json" ]
tap_check $? "scan --json --html writes both outputs (rc $rc: 2, a target could not be scanned)"
[ $rc -eq 2 ]
tap_check $? "exit status 2 (the refused port)"
! grep -Eq '(src|href)="(https?:)?//' "$html" && ! grep -q '@import\|url(' "$html"
tap_check $? "the page loads nothing from elsewhere"

if [ $have_chrome = no ]; then
	for t in "one row per target" "summary and set commands" "script elements" "sort on load" "sort descending" "screenshot"; do
		tap_skip "$t" "chromium is not installed (tools/debian-test.txt)"
	done
else
	chrome_dom "$html" "$T/dom.html"
	dom_facts "$T/dom.html" >"$T/facts"
	tap_diag "$T/facts"
	[ "$(fact rows "$T/facts")" = 4 ]
	tap_check $? "the browser's DOM holds exactly one row per target (4)"
	[ "$(fact summary "$T/facts")" = yes ] && fact cmds "$T/facts" | grep -q '^set .*auth-algo-sha1 yes'
	tap_check $? "the fleet summary is there with the set command that turns on auth-algo-sha1"
	[ "$(fact scripts "$T/facts")" = 1 ] && [ "$(fact imgs "$T/facts")" = 0 ]
	tap_check $? "hostile subject and SNI: one script element (the page's own), no img"
	[ "$(fact order "$T/facts")" = "$compat|$sha1|$down|$hostile" ]
	tap_check $? "rows in input order without a sort"
	# #sort=verdict: incompatible first, then errors, then compatible; ties keep input order
	chrome_dom "$html#sort=verdict" "$T/dom-v.html"
	dom_facts "$T/dom-v.html" >"$T/facts-v"
	order=$(fact order "$T/facts-v")
	[ "$order" = "$sha1|$down|$hostile|$compat" ]
	tap_check $? "#sort=verdict: the incompatible SHA1 server, the two errors in input order, the compatible one: $order"
	chrome_dom "$html#sort=-index" "$T/dom-i.html"
	dom_facts "$T/dom-i.html" >"$T/facts-i"
	[ "$(fact order "$T/facts-i")" = "$hostile|$down|$sha1|$compat" ]
	tap_check $? "#sort=-index reverses the input order"
	rm -f "$ART/report.png"
	timeout -k 5 150 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --user-data-dir="$T/chrome" \
		--hide-scrollbars --window-size=1280,2000 --screenshot="$ART/report.png" "file://$html#sort=verdict" \
		>"$T/shot.log" 2>&1
	[ "$(head -c 8 "$ART/report.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	tap_check $? "screenshot kept: $ART/report.png"
fi

# 2. report --html from the saved document gives the same rows
integ_run timeout -k 5 120 "$CIPHERPROBE" report --html "$T/saved.html" "$T/scan.json" >"$T/rep.out" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '^<tr><td data-v=' "$T/saved.html")" = 4 ]
tap_check $? "report --html renders the saved scan, 4 rows (rc $rc)"

# 3. 10,000 targets: one real target under distinct names
"$PYTHON" "$top_srcdir/tests/html-synth.py" "$T/scan.json" "$sha1" 10000 "$T/big.json"
tap_check $? "synthetic 10,000-target document"
integ_run timeout -k 5 150 "$CIPHERPROBE" report --html "$T/big.html" "$T/big.json" >"$T/big.out" 2>&1
rc=$?
size=$(stat -c %s "$T/big.html" 2>/dev/null || echo 0)
[ $rc -eq 0 ] && [ "$size" -gt 0 ] && [ "$size" -lt $((40 * 1024 * 1024)) ]
tap_check $? "report --html of 10,000 targets: rc $rc, $size bytes (< 40 MB)"
if [ $have_chrome = no ]; then
	tap_skip "10,000 rows in the browser" "chromium is not installed (tools/debian-test.txt)"
else
	chrome_dom "$T/big.html#sort=-index" "$T/big-dom.html"
	dom_facts "$T/big-dom.html" >"$T/big-facts"
	[ "$(fact rows "$T/big-facts")" = 10000 ] &&
		fact order "$T/big-facts" | grep -q '^host-09999\.example:[0-9]*|host-09998\.example'
	tap_check $? "the browser's DOM holds 10,000 rows, sorted by #sort=-index (first: $(fact order "$T/big-facts" | cut -c1-40))"
fi

# 4. a damaged target is an error row, the others still shown
"$PYTHON" -c 'import json,sys
d=json.load(open(sys.argv[1])); d["targets"][1]["port"]="x"; json.dump(d, open(sys.argv[2], "w"))' \
	"$T/scan.json" "$T/damaged.json"
integ_run timeout -k 5 60 "$CIPHERPROBE" report --html "$T/damaged.html" "$T/damaged.json" >"$T/dmg.out" 2>&1
rc=$?
[ $rc -eq 65 ] && [ "$(grep -c '^<tr><td data-v=' "$T/damaged.html")" = 4 ] &&
	grep -q "cipherprobe report: .*damaged.json: targets\[1\]" "$T/dmg.out"
tap_check $? "a damaged target: exit 65, named on stderr, still 4 rows (rc $rc: $(head -c 200 "$T/dmg.out"))"
integ_end
