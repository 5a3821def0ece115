#!/bin/bash
# SPDX-License-Identifier: MIT
# Text output for a list (issue 13): one line per target in INPUT order
# (target, status, verdict, fix or error kind), then the summary naming
# the failed targets, counting those that fail without decryption too and
# what each recommended change fixes; <PROFILE> in the commands of a
# built-in profile unless --profile-name names it; the full detail only
# with -v.  Four loopback targets, listed so that the refused one (which
# finishes first) comes last.  Expectations by hand, from the man page and
# PANOS.md's rules: panos-recommended turns SHA1 off, so a server with only
# ECDHE-RSA-AES128-SHA needs auth-algo-sha1; Chrome offers no SSLv3, so an
# SSLv3-only server fails without the proxy too.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
FAKE="$top_builddir/tests/servers/tlsfake"
CP=$CIPHERPROBE

integ_start_openssl sha1 rsa -tls1_2 -cipher ECDHE-RSA-AES128-SHA
tap_check $? "SHA1-only server up"
sha1=127.0.0.1:$SRV_PORT
integ_start_openssl modern rsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
tap_check $? "modern server up"
modern=127.0.0.1:$SRV_PORT
"$FAKE" --port-file "$T/ports" --max-seconds 120 "ssl3=accept,versions=ssl3,suites=0x0004" \
	>"$T/tlsfake.log" 2>&1 </dev/null &
integ_track "$!"
for _ in $(seq 200); do [ -s "$T/ports" ] && break; sleep 0.05; done
legacy=127.0.0.1:$(awk '$1 == "ssl3" { print $2 }' "$T/ports")
[ "$legacy" != 127.0.0.1: ]
tap_check $? "SSLv3-only tlsfake listener up ($legacy)"
# a port nothing listens on: the connection is refused
refused=127.0.0.1:$("$PYTHON" "$INTEG_DIR/netutil.py" free-port)

printf '%s\n' "$sha1" "$modern" "$legacy" "$refused" >"$T/list.txt"
# the certificate is self-signed for 127.0.0.1: trust it, as a firewall
# with the root imported would, so only the suites decide
common=(--no-groups --no-preference --timeout 3 --ca-file "$T/rsa.crt" -i "$T/list.txt")
scan_text() { # OUT ARGS...
	local out=$1
	shift
	integ_run timeout -k 5 "$INTEG_SCAN_TIMEOUT" "$CP" scan --color never "$@" >"$out" 2>"$out.err"
}

out=$T/list.out
scan_text "$out" "${common[@]}"
rc=$?
[ $rc -eq 2 ]
tap_check $? "exit 2: one target could not be scanned (got $rc)"
tap_diag "$out"
# the table: a header, then the four lines in the order of the list
sed -n 1p "$out" | grep -Eq '^TARGET +STATUS +VERDICT +FIX$'
tap_check $? "the table starts with its header"
want=("$sha1 scanned incompatible auth-algo-sha1"
	"$modern scanned compatible -"
	"$legacy scanned fails without decryption too -"
	"$refused error no verdict refused")
for i in 0 1 2 3; do
	got=$(sed -n "$((i + 2))p" "$out" | tr -s ' ')
	[ "$got" = "${want[$i]}" ]
	tap_check $? "line $((i + 1)) in input order: '$got' (want '${want[$i]}')"
done
# aligned: the STATUS column starts at the same place on every line
cols=$(sed -n '1,5p' "$out" | awk '{ print index($0, $1 == "TARGET" ? "STATUS" : ($0 ~ / scanned / ? " scanned " : " error ")) + ($1 == "TARGET" ? 0 : 1) }' | sort -u | wc -l)
[ "$cols" -eq 1 ]
tap_check $? "the columns are aligned ($cols distinct STATUS columns)"
! grep -q '^VERDICT:' "$out"
tap_check $? "no per-target detail for a list without -v"
grep -qx '4 targets: 3 ok, 1 error; 1 compatible, 2 incompatible' "$out"
tap_check $? "the counts: 4 targets, 3 ok, 1 error, 1 compatible, 2 incompatible"
grep -qx "failed: refused $refused" "$out"
tap_check $? "the summary names the failed target and its error kind"
grep -q '^fails without decryption too: 1 target ' "$out"
tap_check $? "the summary counts the target that fails without decryption too"
grep -qx '  auth-algo-sha1 fixes 1' "$out"
tap_check $? "auth-algo-sha1 fixes 1"
grep -qx '  set profiles decryption <PROFILE> ssl-protocol-settings auth-algo-sha1 yes' "$out"
tap_check $? "the built-in profile's command says <PROFILE>"
grep -q -- '--profile-name NAME' "$out"
tap_check $? "with a hint to pass --profile-name"

out=$T/named.out
scan_text "$out" --profile-name Corp "${common[@]}"
grep -qx '  set profiles decryption Corp ssl-protocol-settings auth-algo-sha1 yes' "$out" &&
	! grep -q '<PROFILE>' "$out"
tap_check $? "--profile-name Corp: the commands name Corp, no placeholder"

out=$T/verbose.out
scan_text "$out" -v "${common[@]}"
[ "$(grep -c '^VERDICT:' "$out")" -eq 3 ] && grep -q "^$refused" "$out" &&
	grep -Eq '^TARGET +STATUS' "$out"
tap_check $? "-v: the detail of each scanned target ($(grep -c '^VERDICT:' "$out") verdicts), then the table"

out=$T/single.out
scan_text "$out" --no-groups --no-preference --timeout 3 --ca-file "$T/rsa.crt" "$sha1"
grep -q '^VERDICT: incompatible' "$out" && ! grep -Eq '^TARGET +STATUS' "$out" &&
	grep -qx '  set profiles decryption <PROFILE> ssl-protocol-settings auth-algo-sha1 yes' "$out"
tap_check $? "a single target keeps its full detail, with <PROFILE> in the fix"

out=$T/list.json
integ_scan "$out" "${common[@]}"
"$PYTHON" -c 'import json,sys
d=json.load(open(sys.argv[1]))
t=d["targets"]
assert [x["input"] for x in t] == sys.argv[2:], [x["input"] for x in t]
assert t[0]["verdict"]["fix"]["commands"][0] == "set profiles decryption <PROFILE> ssl-protocol-settings auth-algo-sha1 yes", t[0]["verdict"]["fix"]
assert any(c["blocked_by"] == "client" for c in t[2]["verdict"]["causes"]), t[2]["verdict"]
assert t[3]["error"]["kind"] == "refused", t[3]["error"]
r=d["summary"]["recommendation"]
assert r["change_fixes"] == {"auth-algo-sha1": 1}, r
assert "set profiles decryption <PROFILE> ssl-protocol-settings auth-algo-sha1 yes" in r["commands"], r' \
	"$out" "$sha1" "$modern" "$legacy" "$refused" 2>&1 | tap_diag
tap_check "${PIPESTATUS[0]}" "JSON: input order, <PROFILE> in fix and summary commands, change_fixes"

# a Strata Cloud Manager profile: the fix as the SCM patch, no CLI commands
printf '{"name": "Corp", "ssl_protocol_settings": {"min_version": "tls1-2", "auth_algo_sha1": false}}\n' >"$T/scm.json"
out=$T/scm.out
scan_text "$out" --profile "$T/scm.json" "${common[@]}"
grep -qx '  {"ssl_protocol_settings":{"auth_algo_sha1":true}}' "$out" && ! grep -q 'set profiles' "$out"
tap_check $? "SCM profile: the summary gives the SCM patch, not set commands"

# "did you mean" for a mistyped built-in and an unknown client
out=$T/typo.out
scan_text "$out" --profile panos-recomended "$modern"
rc=$?
[ $rc -eq 66 ] && grep -q "did you mean 'panos-recommended'?" "$out.err" &&
	grep -q 'panos-default, panos-recommended' "$out.err" && grep -q '^cipherprobe scan: ' "$out.err"
tap_check $? "--profile panos-recomended: exit 66, did you mean 'panos-recommended' (rc $rc): $(cat "$out.err")"
scan_text "$out" --client edge "$modern"
rc=$?
[ $rc -eq 64 ] && grep -q "unknown client 'edge'; known clients: chrome, firefox, safari, any" "$out.err"
tap_check $? "--client edge: the known clients listed (rc $rc): $(cat "$out.err")"
timeout 30 "$CP" profile show --client firefx panos-recommended >"$out" 2>"$out.err"
rc=$?
[ $rc -eq 64 ] && grep -q "did you mean 'firefox'?" "$out.err"
tap_check $? "profile show --client firefx: did you mean 'firefox' (rc $rc)"
timeout 30 "$CP" profile show panos-defualt >"$out" 2>"$out.err"
rc=$?
[ $rc -eq 66 ] && grep -q "^cipherprobe profile: .*did you mean 'panos-default'?" "$out.err"
tap_check $? "profile show panos-defualt: did you mean 'panos-default' (rc $rc)"

# one prefix: getopt's own messages name the subcommand too
for c in scan demo diff; do
	timeout 30 "$CP" "$c" --no-such-option >"$out" 2>"$out.err"
	head -1 "$out.err" | grep -q "^cipherprobe $c: unrecognized option"
	tap_check $? "$c: getopt's message starts 'cipherprobe $c: ': $(head -1 "$out.err")"
done
# every --help mentions --version
for c in scan demo diff profile suites; do
	timeout 30 "$CP" "$c" --help 2>&1 | grep -q -- "'cipherprobe --version'"
	tap_check $? "$c --help mentions --version"
done
timeout 30 "$CP" --help 2>&1 | grep -q -- "'cipherprobe --version'"
tap_check $? "the top-level help mentions --version"

# NO_COLOR (no-color.org): only a non-empty value turns colour off.  On a
# terminal (a pty), --color auto colours the refused target's error line.
on_tty() { # NO_COLOR-VALUE|unset: the scan's output on a pty, as repr()
	"$PYTHON" -c 'import os,pty,subprocess,sys
m,s=pty.openpty()
env=dict(os.environ)
env.pop("NO_COLOR", None)
if sys.argv[1] != "unset": env["NO_COLOR"]=sys.argv[1]
p=subprocess.run(sys.argv[2:], stdout=s, stderr=subprocess.DEVNULL, env=env, timeout=60)
os.close(s)
out=b""
while True:
    try: b=os.read(m, 65536)
    except OSError: break
    if not b: break
    out+=b
print("ESC" if b"\x1b[" in out else "plain")' "$1" "$CP" scan -q --no-groups "$refused"
}
[ "$(on_tty unset)" = ESC ] && [ "$(on_tty '')" = ESC ] && [ "$(on_tty 1)" = plain ]
tap_check $? "NO_COLOR: unset and empty keep colour on a terminal, 1 turns it off"
integ_end
