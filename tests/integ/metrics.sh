#!/bin/bash
# SPDX-License-Identifier: MIT
# scan --metrics FILE: the Prometheus exposition of a real scan of a
# loopback openssl s_server passes promtool, holds the values the
# server's configuration implies (written here by hand), replaces the
# file atomically; the example alert rules load and fire as documented
# (promtool test rules).  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
m=$T/cipherprobe.prom
SCAN=(--no-groups --no-preference)

if ! command -v promtool >/dev/null 2>&1; then
	echo "# promtool is missing: apt-get install prometheus (tools/debian-test.txt lists it)"
	tap_not_ok "promtool installed"
	integ_end
fi

# TLS 1.2 only, two suites: accepted_suites{version="TLSv1.2"} is 2 and
# every other version probed is 0
integ_start_openssl two rsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384
tap_check $? "server with two TLS 1.2 suites up"
port=$SRV_PORT
refused=$("$PYTHON" "$INTEG_DIR/netutil.py" refused-port)

echo "an old file" >"$m"
out=$T/scan.json
integ_scan "$out" "${SCAN[@]}" --metrics "$m" "127.0.0.1:$port" "127.0.0.1:$refused" "127.0.0.1:$port"
rc=$?
[ $rc -le 2 ] && [ -s "$m" ] && ! grep -q "an old file" "$m"
tap_check $? "--metrics replaces the file (scan rc $rc)"
promtool check metrics <"$m" >"$T/promtool.out" 2>&1
prc=$?
tap_diag "$T/promtool.out"
tap_check $prc "promtool check metrics accepts the file"

L="target=\"127.0.0.1:$port\",host=\"127.0.0.1\",port=\"$port\",sni=\"\",address=\"127.0.0.1\""
R="target=\"127.0.0.1:$refused\",host=\"127.0.0.1\",port=\"$refused\",sni=\"\",address=\"127.0.0.1\""
has() { grep -qxF "$1" "$m" || { echo "# missing: $1"; return 1; }; }

has "cipherprobe_accepted_suites{$L,version=\"TLSv1.2\"} 2" &&
	has "cipherprobe_accepted_suites{$L,version=\"TLSv1.3\"} 0" &&
	has "cipherprobe_accepted_suites{$L,version=\"TLSv1.1\"} 0"
tap_check $? "accepted_suites: 2 at TLSv1.2, 0 at TLSv1.3 and TLSv1.1"
has "cipherprobe_target_scan_ok{$L} 1" && has "cipherprobe_target_scan_ok{$R} 0"
tap_check $? "scan_ok: 1 for the server, 0 for the refused port"
[ "$(grep -c "^cipherprobe_target_scan_ok{$L}" "$m")" -eq 1 ]
tap_check $? "the target given twice is one series"
! grep -q "^cipherprobe_accepted_suites{$R" "$m" && ! grep -q "^cipherprobe_target_compatible{$R" "$m" &&
	! grep -q "^cipherprobe_certificate_expiry_seconds{$R" "$m"
tap_check $? "the refused target has no suites, verdict or certificate samples"
has 'cipherprobe_targets{state="scanned"} 2' && has 'cipherprobe_targets{state="error"} 1'
tap_check $? "targets: 2 scanned (the server twice), 1 error"

# the certificate: notAfter (openssl's own reading) minus the run's end
not_after=$(date -u -d "$(openssl x509 -noout -enddate -in "$T/rsa.crt" | cut -d= -f2)" +%s)
now=$(sed -n 's/^cipherprobe_last_run_timestamp_seconds \([0-9][0-9]*\)$/\1/p' "$m")
has "cipherprobe_certificate_expiry_seconds{$L} $((not_after - ${now:-0}))"
tap_check $? "expiry_seconds = notAfter - last_run_timestamp ($not_after - ${now:-?})"

# the verdict as the JSON document of the same run gives it
"$PYTHON" - "$out" "$m" "$L" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
v = doc["targets"][0]["verdict"]
lines = set(open(sys.argv[2]).read().splitlines())
lab = sys.argv[3]
want = ["cipherprobe_target_compatible{%s} %d" % (lab, 1 if v["compatible"] else 0)]
for axis in ("version", "suite", "group", "signature", "certificate"):
    n = sum(1 for c in v["causes"] if c["axis"] == axis)
    want.append('cipherprobe_verdict_causes{%s,axis="%s"} %d' % (lab, axis, n))
missing = [w for w in want if w not in lines]
for w in missing:
    print("# missing: " + w)
sys.exit(1 if missing else 0)
PY
tap_check $? "compatible and causes per axis agree with the JSON verdict"

ok=0
for f in cipherprobe_target_scan_ok cipherprobe_target_compatible cipherprobe_certificate_expiry_seconds \
	cipherprobe_accepted_suites cipherprobe_verdict_causes cipherprobe_targets \
	cipherprobe_run_duration_seconds cipherprobe_last_run_timestamp_seconds; do
	grep -q "^# HELP $f " "$m" && grep -qx "# TYPE $f gauge" "$m" || { echo "# no HELP/TYPE for $f"; ok=1; }
done
tap_check $ok "every family has # HELP and # TYPE"

# --no-verdict: no compatible or causes samples at all
integ_scan "$out" "${SCAN[@]}" --no-verdict --metrics "$m" "127.0.0.1:$port"
! grep -q '^cipherprobe_target_compatible{' "$m" && ! grep -q '^cipherprobe_verdict_causes{' "$m" &&
	has "cipherprobe_target_scan_ok{$L} 1" && promtool check metrics <"$m" >/dev/null 2>&1
tap_check $? "--no-verdict: no verdict samples, the rest still valid"

# an unwritable place: exit 73, a message naming --metrics
integ_scan "$out" "${SCAN[@]}" --metrics "$T/no/such/dir/m.prom" "127.0.0.1:$port"
rc=$?
[ $rc -eq 73 ] && grep -q -- '--metrics' "$out.err"
tap_check $? "an unwritable --metrics file: exit 73 (got $rc): $(head -1 "$out.err")"
! ls "$T"/.cipherprobe* "$T"/*.tmp* >/dev/null 2>&1
tap_check $? "no temporary file left behind"

promtool check rules "$top_srcdir/docs/prometheus-alerts.yml" >"$T/rules.out" 2>&1
prc=$?
tap_diag "$T/rules.out"
tap_check $prc "promtool check rules docs/prometheus-alerts.yml"
(cd "$top_srcdir/tests/metrics" && promtool test rules alerts-test.yml) >"$T/rules-test.out" 2>&1
prc=$?
tap_diag "$T/rules-test.out"
tap_check $prc "the example alerts fire as documented (promtool test rules)"
integ_end
