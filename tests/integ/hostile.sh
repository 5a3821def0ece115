#!/bin/bash
# SPDX-License-Identifier: MIT
# Hostile servers: one tlsfake process with a listener per misbehaviour, a
# well-behaved tlsfake listener and a real openssl s_server, all in ONE scan
# with short timeouts.  Every target must give exactly one record with the
# kind of result a user should see, end within its deadline, and leave the
# good targets of the same run fully and correctly scanned; the run as a
# whole must end in bounded time; --json must be valid JSON and --text free
# of raw control characters although a certificate subject carries ESC[31m,
# an OSC title, BEL and bytes 0xff 0xfe.  TAP.  Loopback only.
#
# What each behaviour must give (tests/servers/README.md has the wire side):
#   close        error protocol   every connection closed before a word
#   reset        error reset      every hello answered with an RST
#   silent       error timeout    connects, never answers
#   trickle      the ServerHello comes at 1 byte/s: within --timeout 2
#                not even its headers arrive (a per-probe deadline that is
#                absolute: an idle timer would be held open for ever, which
#                the elapsed bound catches), while hellos for versions it
#                lacks get a whole protocol_version alert at once.  So either
#                error timeout, or ok with nothing supported and "timeouts"
#                counted at TLS 1.2 and 1.3 (it speaks TLS, too slowly: the
#                set may be incomplete, as the timeouts say); never a suite
#   garbage/http error protocol, message says it is not TLS
#   bigrecord    error protocol   record over 2^14+2048
#   bigmsg       error protocol   handshake message over our cap
#   alert        ok, nothing supported (handshake_failure to every hello)
#   unoffered / unoffered-version / unoffered-group: in "violations", and
#                never counted: no suite / version / TLS 1.3 group accepted
#   sh-alert, sh-hang, onebyte, pad-reject, max-suites=128, evil-cert:
#                the configured set, exactly (a ServerHello followed by an
#                alert or by silence still means accepted; the scanner pads
#                out of 256..511 bytes and offers at most 128 suites, both
#                also read back from tlsfake's --stats)
#   hrr (groups 24:23): the full TLS 1.3 set although every suite probe
#                draws a HelloRetryRequest; groups exactly secp384r1, secp256r1
#   pq-only:     TLS 1.3 with its three suites, group X25519MLKEM768
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
INTEG_SCAN_TIMEOUT=${HOSTILE_SCAN_TIMEOUT:-45}
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
FAKE="$top_builddir/tests/servers/tlsfake"

integ_have_scanner || { echo "Bail out! no cipherprobe"; exit 1; }
[ -x "$FAKE" ] || { echo "Bail out! $FAKE is not built"; exit 1; }

# The accepted set every accept-like listener is given, in server order.
S13="0x1301:0x1302:0x1303"
S12="0xC02F:0xC030:0xCCA8:0xC013:0xC014:0x009C:0x009D:0x002F:0x0035"
S="suites=$S13:$S12"
# shellcheck disable=SC2054 # commas inside tlsfake listener specs
LISTENERS=(
	"good=accept,$S,groups=29:23:24"
	"close=close"
	"reset=reset"
	"silent=silent"
	"trickle=trickle,$S"
	"garbage=garbage"
	"http=http"
	"bigrecord=bigrecord"
	"bigmsg=bigmsg"
	"alert=alert"
	"unoffered=accept,unoffered,$S"
	"unoffered-version=accept,unoffered-version,$S"
	"unoffered-group=accept,unoffered-group,$S"
	"sh-alert=accept,sh-alert,$S"
	"sh-hang=accept,sh-hang,$S"
	"onebyte=accept,onebyte,$S"
	"pad-reject=accept,pad-reject,$S"
	"max-suites=accept,max-suites=128,$S"
	"hrr=accept,hrr,groups=24:23,$S"
	"pq-only=accept,pq-only,$S"
	"evil-cert=accept,evil-cert,$S"
)
"$FAKE" --port-file "$T/ports" --stats "$T/stats" --max-seconds 150 "${LISTENERS[@]}" \
	>"$T/tlsfake.log" 2>&1 </dev/null &
fake_pid=$!
integ_track "$fake_pid"
for _ in $(seq 200); do
	[ -f "$T/ports" ] && [ "$(wc -l <"$T/ports")" -eq ${#LISTENERS[@]} ] && break
	sleep 0.05
done
[ "$(wc -l <"$T/ports" 2>/dev/null)" = ${#LISTENERS[@]} ]
tap_check $? "tlsfake up with ${#LISTENERS[@]} listeners on 127.0.0.1"

integ_start_openssl sserver rsa -tls1_2 -cipher 'ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA'
rc=$?
expect="$T/sserver.expect.json"
[ $rc -eq 0 ] && "$PYTHON" "$INTEG_DIR/expect.py" openssl "$SRV_ARGV" --port "$SRV_PORT" >"$expect" 2>"$expect.err"
tap_check $? "openssl s_server up on 127.0.0.1:$SRV_PORT, its set derived from its configuration"
[ -s "$T/ports" ] && [ -s "$expect" ] || integ_end

awk '{ print "127.0.0.1:" $2 }' "$T/ports" >"$T/targets.txt"
echo "127.0.0.1:$SRV_PORT" >>"$T/targets.txt"
sserver_index=${#LISTENERS[@]}

ARGS=(--no-verdict --timeout 2 --connect-timeout 2 --retries 1 -i "$T/targets.txt")
# Text for people over the same targets, run beside the JSON run (half the
# wall time; the servers keep no state between connections).
timeout -k 5 "$INTEG_SCAN_TIMEOUT" "$CIPHERPROBE" scan --text -v "${ARGS[@]}" \
	>"$T/scan.txt" 2>"$T/scan.txt.err" </dev/null &
text_pid=$!
integ_track "$text_pid"
start=$(date +%s%N)
INTEG_VALIDATE=no integ_scan "$T/scan.json" "${ARGS[@]}"
rc=$?
wall_ms=$((($(date +%s%N) - start) / 1000000))
integ_validate "$T/scan.json" # after the clock
wait "$text_pid"
trc=$?
# Four 2 s probes in a row per target at most, each retried once with a
# back-off, a target waiting for its per-host slot: about 20 s for the
# slowest (sh-hang: every TLS 1.2 probe waits for the rest of the flight).
[ $rc -eq 2 ] && [ $wall_ms -le 40000 ]
tap_check $? "one run over $((sserver_index + 1)) targets ends in ${wall_ms} ms (bound 40000) with exit status 2 (got $rc$([ $rc -eq 124 ] && echo ": killed after ${INTEG_SCAN_TIMEOUT}s, the scan does not terminate"))"
if [ $rc -eq 124 ]; then
	echo "# The run never ended, so the checks on its records below fail for that"
	echo "# reason; tlsfake's accepted= counts show which listeners it kept hammering."
fi

kill "$fake_pid" 2>/dev/null    # final statistics are written at exit
wait "$fake_pid" 2>/dev/null

cat >"$T/check.py" <<'PY'
import json, re, sys

names = [l.split()[0] for l in open(sys.argv[1])]
doc_path, text_path, stats_path, sserver = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
S13 = ["0x1301", "0x1302", "0x1303"]
S12 = ["0xC02F", "0xC030", "0xCCA8", "0xC013", "0xC014", "0x009C", "0x009D", "0x002F", "0x0035"]
FULL = {"TLSv1.2": sorted(S12), "TLSv1.3": sorted(S13)}

def result(ok, what, why=()):
    for w in why:
        print("# " + w)
    print("RESULT %d %s" % (0 if ok else 1, what))

try:
    raw = open(doc_path, "rb").read()
    doc = json.loads(raw.decode("utf-8"))
    tl = doc["targets"]
    result(isinstance(tl, list), "--json output is valid UTF-8 JSON with a targets array")
except Exception as e:
    result(False, "--json output is valid UTF-8 JSON (%s: %s)" % (type(e).__name__, e))
    tl = []

by = {}
inputs = [l.strip() for l in open(sys.argv[6])]
counts = {}
for t in tl:
    counts[t.get("input")] = counts.get(t.get("input"), 0) + 1
result(len(tl) == len(inputs) and all(counts.get(i) == 1 for i in inputs) and
       [t.get("input") for t in tl] == inputs,
       "exactly one record per target, in input order (%d records for %d targets)" % (len(tl), len(inputs)))
for i, name in enumerate(names):
    hit = [t for t in tl if t.get("input") == inputs[i]]
    by[name] = hit[0] if hit else None

def sets(t):
    return {p["version"]: sorted(c["id"] for c in p["ciphers"]) for p in t["protocols"] if p["supported"]}

def groups(t, version=None):
    return sorted(g["id"] for g in t["groups"] if version is None or version in g.get("versions", []))

def err(t):
    return (t.get("error") or {}) if t else {}

def brief(t):
    if t is None:
        return "no record"
    return "status %s, error %s, sets %s, groups %s, violations %s, %s connections, %s ms" % (
        t["status"], t["error"], sets(t), groups(t), t["violations"][:3], t["connections"], t["elapsed_ms"])

def expect(name, desc, pred):
    t = by.get(name)
    try:
        ok = t is not None and bool(pred(t))
    except Exception as e:
        ok = False
        print("# %s: %s: %s" % (name, type(e).__name__, e))
    result(ok, "%s: %s" % (name, desc), [] if ok else ["%s: %s" % (name, brief(t))])

def is_error(kind, msg_re=None):
    return lambda t: t["status"] == "error" and err(t).get("kind") == kind and \
        (msg_re is None or re.search(msg_re, err(t).get("message", ""), re.I))

expect("good", "the well-behaved listener's configured set, groups x25519 secp256r1 secp384r1",
       lambda t: t["status"] == "ok" and sets(t) == FULL and groups(t) == [23, 24, 29] and not t["violations"])
expect("close", "error kind protocol (closed without a word)", is_error("protocol", "close"))
expect("reset", "error kind reset", is_error("reset"))
expect("silent", "error kind timeout", is_error("timeout"))
def slow_tls(t):
    if t["status"] == "error":
        return err(t).get("kind") == "timeout"
    tmo = {p["version"]: p["timeouts"] for p in t["protocols"]}
    return not sets(t) and tmo.get("TLSv1.2", 0) > 0 and tmo.get("TLSv1.3", 0) > 0
expect("trickle", "error timeout, or ok with TLS 1.2/1.3 timeouts counted and nothing accepted", slow_tls)
expect("garbage", "error kind protocol, message says it is not TLS", is_error("protocol", r"not (a )?TLS"))
expect("http", "error kind protocol, message says it is not TLS", is_error("protocol", r"not (a )?TLS|HTTP"))
expect("bigrecord", "error kind protocol (oversized record)", is_error("protocol"))
expect("bigmsg", "error kind protocol (oversized handshake message)", is_error("protocol"))
expect("alert", "ok, nothing supported, no groups, no violations",
       lambda t: t["status"] == "ok" and not sets(t) and not t["groups"] and not t["violations"])

def no_unoffered_suite(t):
    bad = []
    for v in t["violations"]:
        m = re.search(r"suite (0x[0-9A-Fa-f]{4}).* at (\S+), which was not offered", v)
        if m and m.group(1).upper().replace("0X", "0x") in sets(t).get(m.group(2), []):
            bad.append(v)
    return t["violations"] and not bad and not sets(t)
expect("unoffered", "unoffered suites in violations, none counted, nothing accepted", no_unoffered_suite)
expect("unoffered-version", "unoffered versions in violations, no version counted as supported",
       lambda t: any("version" in v for v in t["violations"]) and not sets(t))
expect("unoffered-group", "unoffered groups in violations, no TLS 1.3 group or suite counted",
       lambda t: any(re.search("group|curve", v) for v in t["violations"]) and
       not groups(t, "TLSv1.3") and "TLSv1.3" not in sets(t))
for name, why in (("sh-alert", "a ServerHello then an alert counts as accepted"),
                  ("sh-hang", "a ServerHello then silence counts as accepted"),
                  ("onebyte", "1-byte records"),
                  ("pad-reject", "no hello of 256..511 bytes"),
                  ("max-suites", "at most 128 suites per hello"),
                  ("evil-cert", "hostile certificate subject")):
    expect(name, "the configured set exactly (%s)" % why,
           lambda t: sets(t) == FULL and t["status"] == "ok")
expect("onebyte", "groups x25519 secp256r1 secp384r1 from 1-byte records",
       lambda t: groups(t) == [23, 24, 29])
expect("hrr", "the configured set although every suite probe draws a HelloRetryRequest",
       lambda t: sets(t) == FULL)
expect("hrr", "groups exactly secp384r1 and secp256r1, both in TLS 1.3",
       lambda t: groups(t) == [23, 24] and groups(t, "TLSv1.3") == [23, 24])
expect("pq-only", "group X25519MLKEM768 (4588) found through HelloRetryRequest",
       lambda t: 4588 in groups(t, "TLSv1.3"))
expect("pq-only", "TLS 1.3 supported with its three suites (only X25519MLKEM768 is accepted)",
       lambda t: sets(t).get("TLSv1.3") == sorted(S13))
expect("evil-cert", "the certificate's subject is reported", lambda t: "tlsfake" in t["certificate"]["subject"])

# Deadlines: a connection lasts at most --connect-timeout + --timeout (4 s)
# plus a 0.5 s back-off before its retry; 4 run at once per host.
slow = []
for name, t in by.items():
    if t is None:
        continue
    bound = min(30000, (t["connections"] + 3) // 4 * 4500 + 2000)
    if t["elapsed_ms"] > bound:
        slow.append("%s: %d ms for %d connections (bound %d)" % (name, t["elapsed_ms"], t["connections"], bound))
result(not slow and all(by.values()), "every target ends within its deadline (elapsed_ms <= ceil(connections/4) * 4.5 s + 2 s, and <= 30 s)", slow)
many = ["%s: %d connections" % (n, t["connections"]) for n, t in by.items() if t and t["connections"] > 100]
result(not many, "no target costs its server more than 100 connections", many)

# What tlsfake saw: every hello the scanner sent, as the server parsed it.
listen, conns = {}, []
for line in open(stats_path):
    f = line.split()
    if f[:1] == ["listener"]:
        kv = dict(x.split("=", 1) for x in f[2:])
        listen[f[1]] = kv
    elif f[:1] == ["conn"]:
        kv = dict(x.split("=", 1) for x in f[2:])
        kv["name"] = f[1]
        conns.append(kv)
tls = [c for c in conns if c["format"] == "tls"]
padded = [c for c in tls if 256 <= int(c["hello_len"]) <= 511]
result(tls and not padded, "no hello of 256..511 bytes reached any listener (%d hellos, %d in range)" % (len(tls), len(padded)))
big = [c for c in tls if int(c["suites"]) > 128]
result(tls and not big, "no hello offered more than 128 suites (%d did)" % len(big))
flood = ["%s: accepted=%s" % (n, kv["accepted"]) for n, kv in listen.items() if int(kv["accepted"]) > 100]
result(listen and not flood, "no tlsfake listener saw more than 100 connections", flood)

# The s_server target is checked by check.py (below); here its record exists.
result(tl and len(tl) > sserver and tl[sserver]["status"] == "ok", "the openssl s_server target is scanned (status ok)")

# Text output: valid UTF-8, no ESC, no C0 but \n and \t, no DEL, no C1.
try:
    raw = open(text_path, "rb").read()
    txt = raw.decode("utf-8")
    result(True, "--text output is valid UTF-8 (%d bytes)" % len(raw))
except UnicodeDecodeError as e:
    txt = raw.decode("utf-8", "replace")
    result(False, "--text output is valid UTF-8 (%s)" % e)
bad = sorted({"U+%04X" % ord(c) for c in txt
              if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f})
result(not bad, "--text output holds no raw control character (ESC, C0, DEL, C1)", ["found " + " ".join(bad)] if bad else [])
result("tlsfake" in txt and re.search(r"certificate", txt, re.I),
       "--text output shows the hostile certificate subject (so the check above saw it)")
PY

"$PYTHON" "$T/check.py" "$T/ports" "$T/scan.json" "$T/scan.txt" "$T/stats" "$sserver_index" \
	"$T/targets.txt" >"$T/check.txt" 2>&1
grep '^#' "$T/check.txt"
while read -r tag st what; do
	[ "$tag" = RESULT ] && tap_check "$st" "$what"
done <"$T/check.txt"
grep -q '^RESULT' "$T/check.txt" || { tap_diag "$T/check.txt" | tail -5; tap_not_ok "the checker ran"; }
[ $trc -le 2 ]
tap_check $? "the --text run ends with status 0..2 (got $trc$([ $trc -eq 124 ] && echo ', killed at its time limit'))"

"$PYTHON" "$INTEG_DIR/check.py" match "$expect" "$T/scan.json" --target "$sserver_index" \
	--port "$SRV_PORT" --label sserver | tap_diag
tap_check "${PIPESTATUS[0]}" "openssl s_server among hostile targets: the set its configuration gives, exactly"
integ_end
