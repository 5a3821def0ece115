#!/bin/bash
# SPDX-License-Identifier: MIT
# --proxy-hello end to end, on loopback only: tcpdump captures on lo the
# ClientHello `openssl s_client` sends to a local `openssl s_server`;
# `cipherprobe scan --proxy-hello` then replays it to a recorder
# (tests/capture/tool.py), which must receive exactly the captured records,
# byte for byte.  The same from pcapng and from hex dumps in every form the
# man page names; a server_name rewrite checked against an independent
# rewrite; errors that name the file.  Expected bytes come from tool.py's
# own pcap reader, never from cipherprobe's.  Without a usable tcpdump the
# capture cases are skipped and the hello caught by the recorder stands in
# for it.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
TOOL="$top_srcdir/tests/capture/tool.py"
integ_have_scanner || { echo "Bail out! no cipherprobe"; exit 1; }

# the recorder: every connection's hello saved in $T/rec/N.bin
mkdir -p "$T/rec"
"$PYTHON" "$TOOL" recorder "$T/rec" "$T/rec.port" >"$T/rec.log" 2>&1 </dev/null &
integ_track "$!"
for _ in $(seq 200); do [ -s "$T/rec.port" ] && break; sleep 0.05; done
RP=$(cat "$T/rec.port" 2>/dev/null)
[ -n "$RP" ]
tap_check $? "recorder listening on 127.0.0.1:${RP:-?}"

integ_start_openssl srv ecdsa || { echo "Bail out! s_server did not start"; exit 1; }
SNI=capture.example.test

# ---- the capture --------------------------------------------------------
tcpdump_ok=no
TCPDUMP=${TCPDUMP:-tcpdump}
if command -v "$TCPDUMP" >/dev/null 2>&1; then
	"$TCPDUMP" -i lo -U --immediate-mode -s 0 -w "$T/cap.pcap" "tcp port $SRV_PORT" \
		>"$T/tcpdump.out" 2>"$T/tcpdump.err" </dev/null &
	TD=$!
	integ_track "$TD"
	for _ in $(seq 100); do grep -q listening "$T/tcpdump.err" && break; kill -0 "$TD" 2>/dev/null || break; sleep 0.05; done
	if grep -q listening "$T/tcpdump.err"; then
		echo Q | timeout 10 openssl s_client -connect "127.0.0.1:$SRV_PORT" -servername "$SNI" \
			>"$T/s_client.out" 2>&1 </dev/null
		sleep 0.5
		kill -TERM "$TD" 2>/dev/null
		wait "$TD" 2>/dev/null
		"$PYTHON" "$TOOL" hello "$T/cap.pcap" "$T/hello.bin" >"$T/hello.sni" 2>"$T/hello.err" &&
			tcpdump_ok=yes
	fi
	[ "$tcpdump_ok" = yes ] || tap_diag "$T/tcpdump.err" "$T/hello.err" 2>/dev/null
fi
if [ "$tcpdump_ok" = yes ]; then
	[ "$(cat "$T/hello.sni")" = "$SNI" ]
	tap_check $? "tcpdump on lo caught s_client's ClientHello ($(wc -c <"$T/hello.bin") bytes, SNI $(cat "$T/hello.sni"))"
else
	tap_skip "tcpdump capture on lo" "tcpdump missing or not allowed to capture here"
	# stand-in: the recorder catches s_client's hello, a pcap is written around it
	echo Q | timeout 10 openssl s_client -connect "127.0.0.1:$RP" -servername "$SNI" >/dev/null 2>&1 </dev/null
	cp "$(ls -t "$T"/rec/*.bin | head -1)" "$T/hello.bin" && rm -f "$T"/rec/*.bin &&
		"$PYTHON" "$TOOL" pcap "$T/hello.bin" "$T/cap.pcap"
	tap_check $? "s_client's ClientHello caught by the recorder and written as a pcap"
fi

# replay FILE TARGET [ARGS]: scan the recorder with --proxy-hello FILE
replay() {
	local file=$1 target=$2
	shift 2
	rm -f "$T"/rec/*.bin
	integ_run timeout -k 5 60 "$CIPHERPROBE" scan --json --proxy-hello "$file" --no-groups \
		--no-preference --no-cert -p tls1.2,tls1.3 --timeout 3 --retries 0 "$@" "$target" \
		>"$T/out.json" 2>"$T/out.err"
}
# received BIN: how many hellos the recorder got equal BIN
received() { "$PYTHON" "$TOOL" match "$T/rec" "$1"; }

replay "$T/cap.pcap" "127.0.0.1:$RP,$SNI"
n=$(received "$T/hello.bin")
[ "${n:-0}" -eq 1 ]
tap_check $? "pcap: the server received the captured records byte for byte (${n:-0} match)"
grep -q "replaying the ClientHello captured in $T/cap.pcap" "$T/out.err"
tap_check $? "pcap: the run says which hello it replays"
"$PYTHON" -c 'import json,sys
t=json.load(open(sys.argv[1]))["targets"][0]
assert t["proxy_hello"] == {"source": "capture", "sni_rewritten": False}, t.get("proxy_hello")' "$T/out.json" 2>&1 | tap_diag
tap_check "${PIPESTATUS[0]}" "pcap: JSON says the captured hello was replayed, SNI unchanged"

replay "$T/cap.pcap" "127.0.0.1:$RP"
n=$(received "$T/hello.bin")
[ "${n:-0}" -eq 1 ]
tap_check $? "pcap, target without SNI (IP literal): the captured records as they are"

# ---- server_name rewrite ------------------------------------------------
"$PYTHON" "$TOOL" sni "$T/hello.bin" other-name.example.org "$T/hello-other.bin"
replay "$T/cap.pcap" "127.0.0.1:$RP,other-name.example.org"
n=$(received "$T/hello-other.bin")
[ "${n:-0}" -eq 1 ] && ! cmp -s "$T/hello.bin" "$T/hello-other.bin"
tap_check $? "SNI rewrite: the server received the hello with only server_name changed (${n:-0} match)"
"$PYTHON" -c 'import json,sys
t=json.load(open(sys.argv[1]))["targets"][0]
assert t["proxy_hello"]["sni_rewritten"] is True, t.get("proxy_hello")' "$T/out.json" 2>&1 | tap_diag
tap_check "${PIPESTATUS[0]}" "SNI rewrite: JSON says server_name was rewritten"
integ_run timeout -k 5 60 "$CIPHERPROBE" scan --text --color never --proxy-hello "$T/cap.pcap" --no-groups \
	--no-preference --no-cert -p tls1.3 --timeout 3 --retries 0 "127.0.0.1:$RP,other-name.example.org" \
	>"$T/out.txt" 2>&1
grep -q "captured hello was replayed, its server_name rewritten to other-name.example.org" "$T/out.txt"
tap_check $? "SNI rewrite: the text output says so"

# ---- pcapng and hex dumps ------------------------------------------------
"$PYTHON" "$TOOL" pcapng "$T/cap.pcap" "$T/cap.pcapng"
replay "$T/cap.pcapng" "127.0.0.1:$RP,$SNI"
n=$(received "$T/hello.bin")
[ "${n:-0}" -eq 1 ]
tap_check $? "pcapng: the server received the captured records byte for byte"
for kind in eth6vlan sll sll6 split; do
	"$PYTHON" "$TOOL" pcap "$T/hello.bin" "$T/cap-$kind.pcap" all "$kind"
	replay "$T/cap-$kind.pcap" "127.0.0.1:$RP,$SNI"
	n=$(received "$T/hello.bin")
	[ "${n:-0}" -eq 1 ]
	tap_check $? "pcap ($kind): the server received the captured records byte for byte"
done
for style in plain colons xxd wireshark hexdump bare; do
	"$PYTHON" "$TOOL" hex "$T/hello.bin" "$style" "$T/hello.$style.txt"
	replay "$T/hello.$style.txt" "127.0.0.1:$RP,$SNI"
	n=$(received "$T/hello.bin")
	[ "${n:-0}" -eq 1 ]
	tap_check $? "hex dump ($style): the server received the captured records byte for byte"
done

# ---- against the real server: the replay is the proxy's handshake --------
integ_run timeout -k 5 60 "$CIPHERPROBE" scan --json --proxy-hello "$T/cap.pcap" --no-groups \
	--no-preference --timeout 3 "127.0.0.1:$SRV_PORT,$SNI" >"$T/srv.json" 2>"$T/srv.err"
"$PYTHON" -c 'import json,sys
t=json.load(open(sys.argv[1]))["targets"][0]
assert t["status"] == "ok", t["error"]
assert t["proxy_hello"]["source"] == "capture", t
n = t["verdict"]["negotiated"]
assert n and n["version"] == "TLSv1.3", t["verdict"]' "$T/srv.json" 2>&1 | tap_diag
tap_check "${PIPESTATUS[0]}" "s_server negotiates TLS 1.3 with its own client's hello, replayed"

# ---- profile show --proxy-hello --------------------------------------------
"$CIPHERPROBE" profile show --proxy-hello "$T/cap.pcap" >"$T/show.txt" 2>&1 &&
	grep -q "^Capture   $T/cap.pcap: packet" "$T/show.txt" && grep -q "^cipher suites" "$T/show.txt" &&
	grep -q "^extensions" "$T/show.txt" && grep -q "of 7 differ" "$T/show.txt"
tap_check $? "profile show --proxy-hello: the capture beside the model" || tap_diag "$T/show.txt"
"$CIPHERPROBE" profile show --proxy-hello "$T/hello.plain.txt" panos-default --client any --json >"$T/show.json" 2>&1
"$PYTHON" -c 'import json,sys
d=json.load(open(sys.argv[1]))
c=d["compare"]
assert d["model"] == {"profile": "panos-default", "client": "any", "sends_hello": True}, d["model"]
assert set(c) == {"ciphers", "groups", "signature_algorithms", "versions", "extensions", "key_shares", "alpn"}, c.keys()
assert "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" in c["ciphers"]["only_capture"], c["ciphers"]
assert d["differences"] == sum(not v.get("same", v.get("capture") == v.get("model")) for v in c.values()), d' \
	"$T/show.json" 2>&1 | tap_diag
tap_check "${PIPESTATUS[0]}" "profile show --proxy-hello --json: every axis compared"
# the model's own hello, caught by the recorder, matches the model exactly
ids=$("$CIPHERPROBE" profile show panos-recommended --client chrome --json |
	"$PYTHON" -c 'import json,sys; print(",".join(c["id"] for c in json.load(sys.stdin)["offer"]["ciphers"]))')
rm -f "$T"/rec/*.bin
integ_run timeout -k 5 60 "$CIPHERPROBE" scan --json --no-groups --no-preference --no-cert -p tls1.3 \
	--timeout 3 --retries 0 "127.0.0.1:$RP,model.example.test" >"$T/model.json" 2>"$T/model.err"
"$PYTHON" "$TOOL" pick "$T/rec" "$ids" "$T/model.bin" && "$PYTHON" "$TOOL" hex "$T/model.bin" plain "$T/model.hex" &&
	"$CIPHERPROBE" profile show --proxy-hello "$T/model.hex" >"$T/model-show.txt" 2>&1 &&
	grep -q "^0 of 7 differ: the model matches the capture" "$T/model-show.txt"
tap_check $? "profile show: the replay's own model hello, captured, matches the model" ||
	tap_diag "$T/model-show.txt"

# ---- errors name the file and what is wrong -------------------------------
# expect_error FILE STATUS TEXT
expect_error() {
	integ_run timeout -k 5 30 "$CIPHERPROBE" scan --proxy-hello "$1" "127.0.0.1:$RP" >"$T/err.out" 2>&1
	local rc=$?
	[ "$rc" -eq "$2" ] && grep -qF "$1" "$T/err.out" && grep -qF "$3" "$T/err.out"
	local ok=$?
	[ $ok -eq 0 ] || { echo "# exit $rc:"; tap_diag "$T/err.out"; }
	return $ok
}
head -c 10 "$T/cap.pcap" >"$T/cut-header.pcap"
head -c 60 "$T/cap.pcap" >"$T/cut-packet.pcap"
"$PYTHON" "$TOOL" pcap "$T/hello.bin" "$T/truncated.pcap" 100
printf 'GET / HTTP/1.1\r\n\r\n' >"$T/http.bin"
"$PYTHON" "$TOOL" pcap "$T/http.bin" "$T/nohello.pcap"
printf '16 03 01 zz\n' >"$T/bad.hex"
expect_error "$T/missing.pcap" 66 "No such file"
tap_check $? "missing file: exit 66, names the file"
expect_error "$T/truncated.pcap" 65 "truncated"
tap_check $? "hello cut short in the capture: exit 65, 'truncated'"
expect_error "$T/nohello.pcap" 65 "no TLS ClientHello found"
tap_check $? "capture without a hello: exit 65, 'no TLS ClientHello found'"
expect_error "$T/bad.hex" 65 "not a hex digit"
tap_check $? "bad hex dump: exit 65, names the bad character"
expect_error "$T/cut-header.pcap" 65 "not a readable pcap"
tap_check $? "capture cut in its header: exit 65, 'not a readable pcap'"
expect_error "$T/cut-packet.pcap" 65 "reading packet 1 failed"
tap_check $? "capture cut in a packet: exit 65, names the packet"
integ_end
