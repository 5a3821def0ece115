#!/bin/bash
# SPDX-License-Identifier: MIT
# Memory errors and leaks under valgrind (memcheck), on the normal build:
# a representative scan (two openssl s_server targets, a tlsfake hostile
# set, a refused port, names through tests/stubdns, verdicts on), the same
# for the hostile servers that close or reset at once or trickle (a second
# run with --text output), and `cipherprobe demo` (its servers run on a
# thread).  Each run must not exit 99 (valgrind's --error-exitcode), lose no
# memory definitely or indirectly, and read or write nothing invalid.  TAP.
#
# valgrind and AddressSanitizer do not mix: an ASan/UBSan cipherprobe (the
# --enable-sanitizers build) is skipped, with the reason.  VALGRIND_CIPHERPROBE
# names another binary to test.  Loopback only.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${INTEG_DEADLINE:=300}"
INTEG_SCAN_TIMEOUT=150
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
BIN=${VALGRIND_CIPHERPROBE:-$CIPHERPROBE}
FAKE="$top_builddir/tests/servers/tlsfake"
STUBDNS="$top_builddir/tests/stubdns"
NTESTS=3

skip_all() {
	local i
	for ((i = 1; i <= NTESTS; i++)); do
		tap_skip "valgrind run $i of $NTESTS" "$1"
	done
	integ_end
}
[ -x "$BIN" ] || { echo "Bail out! $BIN is not built"; exit 1; }
command -v valgrind >/dev/null 2>&1 || skip_all "valgrind is not installed (tools/debian-test.txt)"
if ldd "$BIN" 2>/dev/null | grep -q 'lib[at]san\|libubsan' ||
	nm "$BIN" 2>/dev/null | grep -q ' __asan_init$\| __ubsan_handle'; then
	skip_all "$BIN is a sanitizer build (ASan and valgrind do not mix); .ci/run runs this on the normal build"
fi
[ -x "$FAKE" ] && [ -x "$STUBDNS" ] || { echo "Bail out! tlsfake or stubdns is not built"; exit 1; }

# shellcheck disable=SC2054 # commas inside valgrind options
VG=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
	--show-leak-kinds=definite,indirect --num-callers=30)

# vg_check NAME STATUS LOG DESCRIPTION
vg_check() {
	local name=$1 rc=$2 log=$3 what=$4 why=
	[ "$rc" -eq 99 ] && why="valgrind reported errors (exit 99); "
	[ "$rc" -eq 124 ] && why="${why}killed at the time limit; "
	grep -Eq '(definitely|indirectly) lost: [1-9]|are (definitely|indirectly) lost' "$log" &&
		why="${why}memory lost; "
	grep -Eq 'Invalid (read|write|free)|uninitialised|Mismatched free' "$log" &&
		why="${why}invalid access; "
	grep -q 'ERROR SUMMARY' "$log" || why="${why}no valgrind summary; "
	grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|All heap blocks' "$log" | sed 's/^==[0-9]*== */# /'
	if [ -n "$why" ]; then
		echo "# $name: ${why%; }; first report:"
		grep -E -A12 'Invalid|uninitialised|are (definitely|indirectly) lost' "$log" | head -40 | tap_diag
		tap_not_ok "$what"
	else
		tap_ok "$what"
	fi
}

# ---- servers: two real ones, the hostile set, a stub DNS, a refused port
integ_start_openssl s1 rsa -tls1_2 -cipher 'ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA' || skip_all "s_server did not start"
p1=$SRV_PORT
integ_start_openssl s2 ecdsa -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256 || skip_all "s_server did not start"
p2=$SRV_PORT
refused=$("$PYTHON" "$INTEG_DIR/netutil.py" refused-port) || skip_all "no refused port"
"$FAKE" --port-file "$T/ports" --max-seconds 280 \
	good=accept garbage=garbage http=http bigrecord=bigrecord bigmsg=bigmsg \
	alert=alert silent=silent unoffered=accept,unoffered unoffered-version=accept,unoffered-version \
	unoffered-group=accept,unoffered-group,hrr sh-alert=accept,sh-alert sh-hang=accept,sh-hang \
	onebyte=accept,onebyte hrr=accept,hrr,groups=24:23 pq-only=accept,pq-only \
	evil=accept,evil-cert,cert=ecdsa sslv2=sslv2 \
	close=close reset=reset trickle=trickle,interval=300 \
	>"$T/tlsfake.log" 2>&1 </dev/null &
integ_track "$!"
printf '%s\n' "vg.test A 127.0.0.1" "nx.test NXDOMAIN" >"$T/zone"
"$STUBDNS" --zone "$T/zone" --port-file "$T/dns.port" --max-seconds 280 >"$T/dns.log" 2>&1 &
integ_track "$!"
for _ in $(seq 300); do
	[ -s "$T/dns.port" ] && [ -f "$T/ports" ] && [ "$(wc -l <"$T/ports")" = 20 ] && break
	sleep 0.05
done
[ -s "$T/dns.port" ] && [ -s "$T/ports" ] || { echo "Bail out! tlsfake or stubdns did not start"; exit 1; }
dns=$(cat "$T/dns.port")

# close, reset and trickle go in the second run, with --retries 0: with a
# retry they make today's scanner reconnect without end (tests/integ/hostile.sh).
awk '$1 != "close" && $1 != "reset" && $1 != "trickle" { print "127.0.0.1:" $2 }' "$T/ports" >"$T/list1"
printf '%s\n' "127.0.0.1:$p1" "vg.test:$p2" "nx.test:$p2" "127.0.0.1:$refused" >>"$T/list1"
awk '$1 == "close" || $1 == "reset" || $1 == "trickle" || $1 == "evil" { print "127.0.0.1:" $2 }' \
	"$T/ports" >"$T/list2"
echo "# valgrind $(valgrind --version); $BIN"

# 1: the representative scan, JSON, verdicts against panos-recommended
integ_run timeout -k 5 "$INTEG_SCAN_TIMEOUT" "${VG[@]}" --log-file="$T/vg1.log" \
	"$BIN" scan --json --timeout 3 --connect-timeout 3 --resolver "127.0.0.1:$dns" \
	-i "$T/list1" >"$T/scan1.json" 2>"$T/scan1.err"
rc=$?
n=$("$PYTHON" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["targets"]))' "$T/scan1.json" 2>/dev/null)
echo "# scan 1: exit $rc, ${n:-no} records for $(wc -l <"$T/list1") targets"
[ "${n:-0}" -eq "$(wc -l <"$T/list1")" ] || rc=124
vg_check scan1 $rc "$T/vg1.log" "valgrind: scan of s_server, hostile tlsfake, refused, stub-DNS targets is clean"

# 2: close/reset/trickle and the hostile certificate, text output
integ_run timeout -k 5 "$INTEG_SCAN_TIMEOUT" "${VG[@]}" --log-file="$T/vg2.log" \
	"$BIN" scan --text -v --retries 0 --timeout 2 --connect-timeout 2 \
	-i "$T/list2" >"$T/scan2.txt" 2>"$T/scan2.err"
rc=$?
echo "# scan 2: exit $rc, $(wc -l <"$T/scan2.txt") lines of text"
vg_check scan2 $rc "$T/vg2.log" "valgrind: close/reset/trickle/evil-cert scan with --text output is clean"

# 3: the demo (a server thread beside the scan)
integ_run timeout -k 5 "$INTEG_SCAN_TIMEOUT" "${VG[@]}" --log-file="$T/vg3.log" \
	"$BIN" demo >"$T/demo.txt" 2>"$T/demo.err"
rc=$?
echo "# demo: exit $rc"
vg_check demo $rc "$T/vg3.log" "valgrind: cipherprobe demo is clean"
integ_end
