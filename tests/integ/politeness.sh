#!/bin/bash
# SPDX-License-Identifier: MIT
# Politeness: the per-host cap (--per-host, default 4) and the connection
# rate (--rate) seen from the server's side.  tlsfake --stats counts, per
# listener, the most connections open at once and every connection it
# accepted.  TAP.  Loopback only.
#
# Counting from the server is exact only if the server closes first: when
# the client closes and at once reconnects, tlsfake may accept the new
# connection before it reads the old one's close, and count one too many
# (seen: max_concurrent=3 under --per-host 2 while an LD_PRELOAD count of
# the scanner's own connect()/close() never passed 2).  So the capped
# listeners are `silent,timeout=200`: the server reads the hello, waits
# 200 ms and closes; the scanner only learns of it afterwards.  The
# server's count is then never above the scanner's, and every probe lasting
# 200 ms makes the scanner fill its cap, so "max == cap" shows the cap is
# both used and kept.  (EOF is not retried, so no retry path muddles it.)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
INTEG_SCAN_TIMEOUT=60
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
FAKE="$top_builddir/tests/servers/tlsfake"
integ_have_scanner || { echo "Bail out! no cipherprobe"; exit 1; }
[ -x "$FAKE" ] || { echo "Bail out! $FAKE is not built"; exit 1; }

S="suites=0x1301:0x1302:0xC02F:0xC030:0x009C"
SLOW="silent,timeout=200"
# shellcheck disable=SC2054 # commas inside tlsfake listener specs
LISTENERS=("ph2=$SLOW" "shared=$SLOW" "ph4=$SLOW" "fast1=accept,$S" "fast2=accept,$S")
"$FAKE" --port-file "$T/ports" --stats "$T/stats" --max-seconds 120 "${LISTENERS[@]}" \
	>"$T/tlsfake.log" 2>&1 </dev/null &
fake_pid=$!
integ_track "$fake_pid"
for _ in $(seq 200); do
	[ -f "$T/ports" ] && [ "$(wc -l <"$T/ports")" -eq ${#LISTENERS[@]} ] && break
	sleep 0.05
done
port() { awk -v n="$1" '$1 == n { print $2 }' "$T/ports"; }
[ -n "$(port fast2)" ]
tap_check $? "tlsfake up with ${#LISTENERS[@]} listeners"
[ -n "$(port fast2)" ] || integ_end

# stat LISTENER FIELD: from the statistics tlsfake writes at exit
stat() { awk -v n="$1" -v f="$2" '$1 == "listener" && $2 == n {
	for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' "$T/stats"; }
# conns JSON [INDEX...]: the scanner's "connections", summed
conns() {
	"$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1])); ix = [int(i) for i in sys.argv[2:]] or range(len(d["targets"]))
print(sum(d["targets"][i]["connections"] for i in ix))' "$@" 2>/dev/null || echo 0
}
field() {
	"$PYTHON" -c 'import json, sys
print(json.load(open(sys.argv[1]))["targets"][int(sys.argv[2])][sys.argv[3]])' "$@" 2>/dev/null || echo 0
}
SCAN=(--no-verdict --timeout 5 --connect-timeout 3)

# --per-host 2: one target, and three targets (different SNI) on one
# address:port, which share the cap.
p=$(port ph2) s=$(port shared)
integ_scan "$T/ph2.json" "${SCAN[@]}" --per-host 2 "127.0.0.1:$p" \
	"127.0.0.1:$s,a.test" "127.0.0.1:$s,b.test" "127.0.0.1:$s,c.test"
rc1=$?
integ_scan "$T/ph4.json" "${SCAN[@]}" "127.0.0.1:$(port ph4)"
rc2=$?

# --rate 20 over two targets: the limit is for all targets together.  The
# timed scans leave the schema check of their output until after the clock.
start=$(date +%s%N)
INTEG_VALIDATE=no integ_scan "$T/rate.json" "${SCAN[@]}" --no-groups -p tls1.2,tls1.3 --rate 20 "127.0.0.1:$(port fast1)" "127.0.0.1:$(port fast2)"
rc3=$?
rate_ms=$((($(date +%s%N) - start) / 1000000))
# the same without --rate, for contrast
start=$(date +%s%N)
INTEG_VALIDATE=no integ_scan "$T/norate.json" "${SCAN[@]}" --no-groups -p tls1.2,tls1.3 "127.0.0.1:$(port fast1)" "127.0.0.1:$(port fast2)"
rc4=$?
norate_ms=$((($(date +%s%N) - start) / 1000000))
integ_validate "$T/rate.json" "$T/norate.json"

kill "$fake_pid" 2>/dev/null   # final statistics are written at exit
wait "$fake_pid" 2>/dev/null
echo "# scans exited $rc1 $rc2 $rc3 $rc4"
grep '^listener' "$T/stats" | tap_diag
# the silent listeners are errors (exit 2), the fast ones are scanned
[ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && [ $rc3 -le 1 ] && [ $rc4 -le 1 ]
tap_check $? "every scan completed (exit status 2 for the closing listeners, 0 or 1 for the others)"

m=$(stat ph2 max_concurrent)
[ "${m:-99}" -eq 2 ]
tap_check $? "--per-host 2: at most 2 connections at once, and the cap is used (max_concurrent=$m)"
m=$(stat shared max_concurrent)
[ "${m:-99}" -le 2 ] && [ "${m:-0}" -ge 2 ]
tap_check $? "--per-host 2: three targets on one address:port share the cap (max_concurrent=$m)"
m=$(stat ph4 max_concurrent)
[ "${m:-99}" -le 4 ] && [ "${m:-0}" -ge 3 ]
tap_check $? "default --per-host (4): at most 4 at once, and close to it (max_concurrent=$m)"

n1=$(conns "$T/ph2.json" 0) a1=$(stat ph2 accepted)
n2=$(conns "$T/ph2.json" 1 2 3) a2=$(stat shared accepted)
[ "$n1" -gt 0 ] && [ "$n1" = "$a1" ] && [ "$n2" = "$a2" ]
tap_check $? "the scanner's \"connections\" equal what the server accepted ($n1/$a1, $n2/$a2)"

# N connections at 20 per second: the first at 0, the last no earlier
# than (N-1)/20 s after the first; the run's wall time must not be far
# above that either.
n=$(conns "$T/rate.json")
low=$(((n - 1) * 1000 / 20))
high=$((low * 2 + 5000))
[ "$n" -gt 10 ] && [ $rate_ms -ge $low ] && [ $rate_ms -le $high ]
tap_check $? "--rate 20: $n connections take ${rate_ms} ms (at least $low, at most $high)"
nn=$(conns "$T/norate.json")
[ "$nn" -gt 10 ] && [ $norate_ms -lt $((low / 2)) ]
tap_check $? "without --rate the same scan ($nn connections) takes ${norate_ms} ms, under half of that bound"
e1=$(field "$T/rate.json" 0 elapsed_ms) c1=$(field "$T/rate.json" 0 connections)
e2=$(field "$T/rate.json" 1 elapsed_ms) c2=$(field "$T/rate.json" 1 connections)
[ "$e1" -ge $(((c1 - 1) * 1000 / 20)) ] && [ "$e2" -ge $(((c2 - 1) * 1000 / 20)) ]
tap_check $? "--rate 20: each target's elapsed time covers its own connections at 20/s ($c1 in $e1 ms, $c2 in $e2 ms)"
integ_end
