#!/bin/bash
# SPDX-License-Identifier: MIT
# tlsfake against independent clients: the real `openssl s_client` (its
# -trace/-msg output is OpenSSL's own reading of what tlsfake sent), and
# hand-built ClientHellos written here byte by byte from the RFCs for what
# s_client can no longer send (SSLv3, RC4, EXPORT, SSLv2, a padded hello).
# Prints TAP.  Servers listen on 127.0.0.1 (and ::1) ephemeral ports only.
# Needs bash (/dev/tcp, ${x:i:n}, <<<) even when make runs it with sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

: "${top_builddir:=.}"
FAKE=$top_builddir/tests/servers/tlsfake
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

if ! command -v openssl >/dev/null || ! command -v timeout >/dev/null; then
	echo "1..0 # SKIP needs openssl and timeout"
	exit 0
fi
if [ ! -x "$FAKE" ]; then
	echo "1..1"
	echo "not ok 1 - $FAKE not built"
	exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/tlsfake-smoke.XXXXXX") || exit 1
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- helpers -----------------------------------------------------------

# Waits up to 20 s for a port file with $2 lines.
wait_ports() {
	local i
	for i in $(seq 1 200); do
		[ -f "$1" ] && [ "$(wc -l <"$1")" -eq "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
port() { awk -v n="$1" '$1 == n { print $2 }' "$T/ports"; }

# sclient NAME ARGS...: one s_client run against a listener, output to stdout.
sclient() {
	local name=$1
	shift
	local err=$T/sclient.err.$BASHPID
	# stderr after stdout, so error lines never split a trace line
	timeout 5 openssl s_client -connect "127.0.0.1:$(port "$name")" \
		-servername tlsfake.test "$@" </dev/null 2>"$err"
	cat "$err"
	rm -f "$err"
}
# The trace of the last ServerHello (or HRR) received.
sh_trace() {
	awk '/^Received Record/ { inrec = 1 }
	     /^Sent Record/ { inrec = 0; keep = 0 }
	     inrec && /ServerHello, Length/ { buf = ""; keep = 1 }
	     inrec && /^    [A-Z][A-Za-z]+, Length/ && !/ServerHello/ { keep = 0 }
	     keep { buf = buf $0 "\n" }
	     END { printf "%s", buf }'
}
# All hex bytes s_client -msg printed for received messages of type $1.
msg_hex() {
	awk -v t="$1" '/^<<< / { keep = ($0 ~ (", " t "$")); next }
		/^>>> / { keep = 0; next }
		keep && /^    [0-9a-f][0-9a-f] / { printf "%s", $0 }' |
		tr -d ' \n'
}

h16() { printf '%04x' "$1"; }
h24() { printf '%06x' "$1"; }
hlen() { echo $((${#1} / 2)); }
# ext TYPE HEXDATA: one extension (RFC 8446 4.2)
ext() { echo "$(h16 "$1")$(h16 "$(hlen "$2")")$2"; }
# client_hello VERSION SUITES EXTS|- [SID]: a ClientHello handshake message
# (RFC 5246 7.4.1.2); "-" leaves the extensions block out altogether.
client_hello() {
	local ver=$1 suites=$2 exts=$3 sid=${4:-} body
	body="$ver$(printf 'a5%.0s' $(seq 1 32))$(printf '%02x' "$(hlen "$sid")")$sid"
	body="$body$(h16 "$(hlen "$suites")")${suites}0100"
	[ "$exts" != - ] && body="$body$(h16 "$(hlen "$exts")")$exts"
	echo "01$(h24 "$(hlen "$body")")$body"
}
# records TYPE VERSION HEX CHUNK: the hex split into records of CHUNK bytes
records() {
	local t=$1 v=$2 hex=$3 chunk=$4 out="" part
	while [ -n "$hex" ]; do
		part=${hex:0:$((chunk * 2))}
		hex=${hex:$((chunk * 2))}
		out="$out$t$v$(h16 "$(hlen "$part")")$part"
	done
	echo "$out"
}
# exchange PORT HEX NBYTES [slow] [SECONDS]: sends the bytes (one write per
# byte when slow), prints up to NBYTES of the answer as hex.
exchange() {
	local p=$1 hex=$2 want=$3 slow=${4:-} secs=${5:-3} i
	(
		exec 3<>"/dev/tcp/127.0.0.1/$p" || exit 1
		if [ "$slow" = slow ]; then
			for ((i = 0; i < ${#hex}; i += 2)); do
				printf '%b' "\\x${hex:i:2}" >&3
				sleep 0.002
			done
		else
			printf '%b' "$(echo "$hex" | sed 's/../\\x&/g')" >&3
		fi
		# dd bs=1 passes on every byte at once: what came before the
		# timeout is kept (head would lose its buffer when killed).
		timeout "$secs" dd bs=1 count="$want" status=none <&3 |
			od -An -v -tx1 | tr -d ' \n'
	) 2>/dev/null
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- the server --------------------------------------------------------

LISTENERS="
tls12=accept,versions=tls1.2,suites=0xC013
tls13=accept,timeout=1000
hrr=accept,groups=24:29,hrr,timeout=1000
pq=accept,pq-only
legacy=accept,versions=ssl3,suites=0x0004:0x0003,timeout=2000
v2=sslv2,kinds=0x010080:0x0700C0
pad=accept,versions=tls1.2,pad-reject
maxs=accept,versions=tls1.2,max-suites=10
one=accept,onebyte,versions=tls1.2
unoff=accept,versions=tls1.2,suites=0xC013,unoffered
unoffv=accept,versions=tls1.2,unoffered-version
unoffg=accept,unoffered-group,timeout=1000
shalert=accept,versions=tls1.2,sh-alert
shhang=accept,versions=tls1.2,sh-hang,timeout=1000
drip=accept,versions=tls1.2,suites=0xC013,sh-drip,interval=100
tls11=accept,versions=tls1.0:tls1.1,suites=0xC013
strict=accept,versions=tls1.2
evil=accept,versions=tls1.2,evil-cert
delay=accept,versions=tls1.2,delay=800
trickle=trickle,versions=tls1.2,interval=100
dhe=accept,versions=tls1.2,suites=0x009E
ecdsa=accept,cert=ecdsa,versions=tls1.2
corder=accept,versions=tls1.2,suites=0x002F:0xC02F,order=client
http=http
close=close
reset=reset
silent=silent,timeout=0
garbage=garbage
alert=alert
bigrec=bigrecord
bigmsg=bigmsg
"
nl=$(echo "$LISTENERS" | grep -c =)
# shellcheck disable=SC2086
"$FAKE" --port-file "$T/ports" --stats "$T/stats" --max-seconds 120 \
	$LISTENERS 2>"$T/fake.err" &
FAKE_PID=$!
PIDS=$FAKE_PID
if ! wait_ports "$T/ports" "$nl"; then
	echo "1..1"
	echo "not ok 1 - tlsfake did not start: $(head -c 500 "$T/fake.err")"
	exit 1
fi
check "port file lists every listener with a port" \
	test "$(awk 'NF == 2 && $2 > 0' "$T/ports" | wc -l)" -eq "$nl"
check "port file was renamed into place (no temporary left)" \
	test -z "$(ls "$T" | grep '\.tmp\.')"

# ---- accept: TLS 1.2 -----------------------------------------------------

out=$(sclient tls12 -tls1_2 -trace)
check "tls1.2: ServerHello picks 0xC013" \
	grep -q 'cipher_suite {0xC0, 0x13}' <<<"$(sh_trace <<<"$out")"
check "tls1.2: ServerHello says TLS 1.2" \
	grep -q 'server_version=0x303' <<<"$out"
check "tls1.2: Certificate and an ECDHE ServerKeyExchange follow" \
	bash -c 'grep -q "Certificate, Length" <<<"$1" &&
		grep -q "KeyExchangeAlgorithm=ECDHE" <<<"$1" &&
		grep -q "named_curve: ecdh_x25519 (29)" <<<"$1"' _ "$out"
# ClientHello, Length=N in the trace is the body; the stats count the header.
tls12_hello_len=$(($(grep -m1 -o 'ClientHello, Length=[0-9]*' <<<"$out" | cut -d= -f2) + 4))

# s_client stops at the dummy signature; read the whole flight raw.
got=$(exchange "$(port tls12)" "$(records 16 0301 "$(client_hello 0303 c013 -)" 16384)" 8000 "" 1)
check "tls1.2: the flight ends with ServerHelloDone" \
	bash -c 'test "${1:0:6}" = 160303 && test "${1: -8}" = 0e000000' _ "$got"

out=$(sclient tls12 -tls1_2 -cipher AES128-SHA -trace)
check "tls1.2: no common suite gets a handshake_failure alert" \
	grep -q 'description=handshake failure' <<<"$out"

out=$(sclient tls13 -tls1_2 -trace)
check "tls1.2 from a TLS 1.3 server carries the DOWNGRD sentinel" \
	grep -q '444F574E47524401' <<<"$(sh_trace <<<"$out")"

out=$(sclient dhe -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256 -trace)
check "DHE: 0x009E with ffdhe2048 p, g=2 in ServerKeyExchange" \
	bash -c 'grep -q "cipher_suite {0x00, 0x9E}" <<<"$1" &&
		grep -q "dh_p (len=256): FFFFFFFFFFFFFFFFADF85458A2BB4A9A" <<<"$1" &&
		grep -q "dh_g (len=1): 02" <<<"$1"' _ "$out"

out=$(sclient ecdsa -tls1_2 -trace)
check "cert=ecdsa: ECDSA suite 0xC02B and a 256-bit EC key" \
	bash -c 'grep -q "cipher_suite {0xC0, 0x2B}" <<<"$1" &&
		grep -q "id-ecPublicKey\|Server public key is 256 bit" <<<"$1"' _ "$out"

out=$(sclient corder -tls1_2 -cipher 'ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA' -trace)
check "order=client: the client's first accepted suite (0xC02F) wins" \
	grep -q 'cipher_suite {0xC0, 0x2F}' <<<"$(sh_trace <<<"$out")"

out=$(sclient tls11 -tls1_1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' -trace)
ske=$(awk '/ServerKeyExchange, Length/ { k = 1 } /^(Sent|Received) Record/ { k = 0 }
	k' <<<"$out")
check "tls1.1: TLS 1.1 ServerKeyExchange has no signature scheme field" \
	bash -c 'grep -q "server_version=0x302" <<<"$1" &&
		grep -q "KeyExchangeAlgorithm=ECDHE" <<<"$2" &&
		grep -q "Signature (len=256)" <<<"$2" &&
		! grep -q "Signature Algorithm" <<<"$2"' _ "$out" "$ske"

# Malformed hellos: an extension claiming 16 bytes with 4 left, and an
# extension given twice (RFC 8446 4.2).
got=$(exchange "$(port strict)" "$(records 16 0301 "$(client_hello 0303 c02f 000d001000020401)" 16384)" 7)
check "malformed hello: decode_error (50)" test "$got" = 15030100020232
got=$(exchange "$(port strict)" "$(records 16 0301 "$(client_hello 0303 c02f "$(ext 13 00020401)$(ext 13 00020401)")" 16384)" 7)
check "repeated extension: illegal_parameter (47)" test "$got" = 1503010002022f
got=$(exchange "$(port strict)" "$(records 16 0301 "$(client_hello 0303 c02f -)" 16384)" 6)
check "still answering after malformed hellos" test "${got:0:6}" = 160303

# ---- accept: TLS 1.3 -----------------------------------------------------

out=$(sclient tls13 -tls1_3 -groups X25519 -msg)
sh=$(msg_hex ServerHello <<<"$out")
check "tls1.3: ServerHello has supported_versions 0x0304" \
	grep -q '002b00020304' <<<"$sh"
check "tls1.3: ServerHello key_share is x25519 with a 32-byte key" \
	grep -q '00330024001d0020' <<<"$sh"

out=$(sclient hrr -tls1_3 -groups X25519:P-384 -msg)
check "hrr: first answer is a HelloRetryRequest (RFC 8446 random)" \
	grep -q '0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c' \
	<<<"$(msg_hex ServerHello <<<"$out")"
check "hrr: client sends a second ClientHello, gets a secp384r1 share" \
	bash -c 'test "$(grep -c "^>>> .*ClientHello" <<<"$1")" -eq 2 &&
		grep -q "003300650018006104" <<<"$2"' _ "$out" \
	"$(msg_hex ServerHello <<<"$out")"

out=$(sclient pq -tls1_3 -groups X25519 -trace)
check "pq-only: a client without X25519MLKEM768 gets handshake_failure" \
	grep -q 'description=handshake failure' <<<"$out"

# A PQ-capable hello: supported_groups {X25519MLKEM768}, empty key_share.
exts="$(ext 43 020304)$(ext 10 000211ec)$(ext 51 0000)$(ext 13 00020804)"
hex=$(records 16 0301 "$(client_hello 0303 1301 "$exts")" 16384)
got=$(exchange "$(port pq)" "$hex" 200 "" 2)
check "pq-only: HRR selecting 0x11EC for an empty key_share" \
	bash -c 'grep -q "^16030300..020000..0303cf21ad74" <<<"$1" &&
		grep -q "0033000211ec" <<<"$1"' _ "$got"

# ---- legacy, from hand-built hellos ------------------------------------

# SSLv3 hello offering RC4-MD5, split over two records, one byte per write.
ch=$(client_hello 0300 00040005 -)
hex="$(records 16 0300 "${ch:0:40}" 16384)$(records 16 0300 "${ch:40}" 16384)"
got=$(exchange "$(port legacy)" "$hex" 79 slow)
check "SSLv3 + RC4-MD5 (0x0004) from a hello spanning two records" \
	bash -c 'test "${1:0:6}" = 160300 && test "${1:10:2}" = 02 &&
		test "${1:18:4}" = 0300 && test "${1:152:4}" = 0004' _ "$got"

got=$(exchange "$(port legacy)" "$(records 16 0301 "$(client_hello 0303 0003 -)" 16384)" 79)
check "TLS 1.2 client, SSLv3-only server: SSLv3 with EXPORT RC4-40 (0x0003)" \
	bash -c 'test "${1:18:4}" = 0300 && test "${1:152:4}" = 0003' _ "$got"

got=$(exchange "$(port tls12)" "$(records 16 0301 "$(client_hello 0301 c013 -)" 16384)" 7)
check "client_version below the minimum gets protocol_version (70)" \
	test "$got" = 15030100020246

# SSLv2 CLIENT-HELLO: kinds RC4_128_WITH_MD5, DES_192_EDE3, RC2_128_CBC.
v2body="010002000900000010""0100800700c0030080$(printf '5a%.0s' $(seq 1 16))"
got=$(exchange "$(port v2)" "$(printf '%02x%02x' $((0x80 | $(hlen "$v2body") >> 8)) $(($(hlen "$v2body") & 255)))$v2body" 11)
check "sslv2: SERVER-HELLO, version 2, 2 common kinds (6 bytes)" \
	bash -c 'test "${1:0:1}" = 8 && test "${1:4:10}" = 0400010002 &&
		test "${1:18:4}" = 0006' _ "$got"

v2body="010002000300000010""060040$(printf '5a%.0s' $(seq 1 16))"
got=$(exchange "$(port v2)" "$(printf '80%02x' "$(hlen "$v2body")")$v2body" 5)
check "sslv2: no common kind gets ERROR NO-CIPHER-ERROR" test "$got" = 8003000001

# SSLv2-compatible hello (RFC 5246 E.2) for TLS 1.0, kinds 0x00002f, 0x000004.
v2body="010301000600000010""00002f000004$(printf '5a%.0s' $(seq 1 16))"
got=$(exchange "$(port legacy)" "$(printf '80%02x' "$(hlen "$v2body")")$v2body" 79)
check "SSLv2-compatible hello answered in SSLv3 with 0x0004" \
	bash -c 'test "${1:0:6}" = 160300 && test "${1:152:4}" = 0004' _ "$got"

# ---- politeness options ------------------------------------------------

# Hellos padded (RFC 7685) to 300 and to 600 bytes of handshake message.
padded() {
	local base pad
	base=$(client_hello 0303 c013 "$(ext 13 00020401)$(ext 21 "")")
	pad=$(($1 - $(hlen "$base")))
	client_hello 0303 c013 "$(ext 13 00020401)$(ext 21 "$(printf '00%.0s' $(seq 1 $pad))")"
}
check "hand-built padded hello is 300 bytes" test "$(hlen "$(padded 300)")" -eq 300
got=$(exchange "$(port pad)" "$(records 16 0301 "$(padded 300)" 16384)" 5 "" 2)
check "pad-reject: a 300-byte hello is never answered" test -z "$got"
got=$(exchange "$(port pad)" "$(records 16 0301 "$(padded 600)" 16384)" 6 "" 2)
check "pad-reject: a 600-byte hello is answered" \
	bash -c 'test "${1:0:6}" = 160303 && test "${1:10:2}" = 02' _ "$got"

out=$(sclient maxs -tls1_2 -trace)
check "max-suites=10: a 30-suite hello is closed on, unanswered" \
	grep -q 'has read 0 bytes' <<<"$out"
out=$(sclient maxs -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -trace)
check "max-suites=10: a 2-suite hello is answered" \
	grep -q 'cipher_suite {0xC0, 0x2F}' <<<"$out"

# ---- misbehaving answers -----------------------------------------------

out=$(sclient one -tls1_2 -msg)
check "onebyte: the flight arrives in hundreds of 1-byte records" \
	test "$(grep -c '^<<< .*RecordHeader' <<<"$out")" -gt 500
check "onebyte: s_client still reads the ServerHello" \
	grep -q '^<<< .*ServerKeyExchange' <<<"$out"

out=$(sclient unoff -tls1_2 -cipher AES128-SHA -trace)
check "unoffered: answers 0xC013 to a client that offered 0x002F only" \
	bash -c 'grep -q "cipher_suite {0xC0, 0x13}" <<<"$1" &&
		grep -qi "wrong cipher returned" <<<"$1"' _ "$out"

out=$(sclient unoffv -tls1_2 -msg)
check "unoffered-version: TLS 1.3 named to a TLS 1.2-only client" \
	grep -q '002b00020304' <<<"$(msg_hex ServerHello <<<"$out")"

out=$(sclient unoffg -tls1_3 -groups X25519 -msg)
check "unoffered-group: key_share for secp256r1, which was not offered" \
	grep -q '003300450017004104' <<<"$(msg_hex ServerHello <<<"$out")"

out=$(sclient shalert -tls1_2 -trace)
check "sh-alert: ServerHello, then a fatal handshake_failure" \
	bash -c 'grep -q "cipher_suite {0xC0, 0x2F}" <<<"$1" &&
		grep -q "description=handshake failure" <<<"$1"' _ "$out"

out=$(sclient shhang -tls1_2 -msg)
check "sh-hang: ServerHello, then nothing until the server's timeout" \
	bash -c 'grep -q "^<<< .*ServerHello" <<<"$1" &&
		! grep -q "^<<< .*Certificate" <<<"$1" &&
		grep -q "has read [1-9]" <<<"$1"' _ "$out"

out=$(sclient evil -tls1_2 -showcerts)
der=$(sed -n '/BEGIN CERT/,/END CERT/p' <<<"$out" | openssl x509 -outform DER |
	od -An -v -tx1 | tr -d ' \n')
check "evil-cert: subject carries ESC[31m and the bytes ff fe" \
	bash -c 'grep -q "1b5b33316d746c7366616b65fffe" <<<"$1" &&
		grep -q "1b5d303b6f776e656407" <<<"$1"' _ "$der"

t0=$(now_ms)
got=$(exchange "$(port delay)" "$(records 16 0301 "$(client_hello 0303 c02f -)" 16384)" 6)
t1=$(now_ms)
check "delay=800: the ServerHello comes after >= 800 ms" \
	bash -c 'test "${1:10:2}" = 02 && test $(($3 - $2)) -ge 790' _ "$got" "$t0" "$t1"

got=$(exchange "$(port trickle)" "$(records 16 0301 "$(client_hello 0303 c02f -)" 16384)" 100 "" 1)
check "trickle: a ServerHello at one byte per 100 ms (1 s: 3..15 bytes)" \
	bash -c 'test ${#1} -ge 6 && test ${#1} -le 30 && test "${1:0:6}" = 160303' _ "$got"

got=$(exchange "$(port drip)" "$(records 16 0301 "$(client_hello 0303 c013 -)" 16384)" 4000 "" 1)
check "sh-drip: the ServerHello record at once, then the flight at one byte per 100 ms (1 s: 3..15 bytes)" \
	bash -c 'l=$((16#${1:6:4})); rest=$((${#1} / 2 - 5 - l))
		test "${1:0:6}" = 160303 && test "${1:10:2}" = 02 &&
		test "${1:$(((5 + l) * 2)):6}" = 160303 && test $rest -ge 3 && test $rest -le 15' _ "$got"

# ---- hostile behaviours ------------------------------------------------

out=$(sclient http)
check "http: s_client sees no TLS (wrong version number)" \
	grep -q 'wrong version number' <<<"$out"
got=$(exchange "$(port http)" "$(records 16 0301 "$(client_hello 0303 c02f -)" 16384)" 24)
check "http: plaintext HTTP/1.1 400 Bad Request" \
	test "$got" = "$(printf 'HTTP/1.1 400 Bad Request' | od -An -v -tx1 | tr -d ' \n')"

out=$(sclient close)
check "close: no peer data" grep -q 'has read 0 bytes' <<<"$out"

out=$(sclient reset)
check "reset: connection reset by peer" \
	grep -q 'errno=104\|reset by peer' <<<"$out"

timeout 2 openssl s_client -connect "127.0.0.1:$(port silent)" </dev/null >"$T/silent" 2>&1
rc=$?
check "silent: s_client hangs until timeout(1) ends it" test "$rc" -eq 124

out=$(sclient garbage)
check "garbage: s_client rejects the bytes as not TLS" \
	grep -q 'wrong version number\|packet length too long\|unexpected message\|record layer failure' <<<"$out"

out=$(sclient alert -trace)
check "alert: a fatal handshake_failure, whatever was offered" \
	grep -q 'description=handshake failure' <<<"$out"

got=$(exchange "$(port bigrec)" "$(records 16 0301 "$(client_hello 0303 c02f -)" 16384)" 9)
check "bigrecord: record header announces 2^14+2049 bytes" \
	test "$got" = 1603034801020047fd

got=$(exchange "$(port bigmsg)" "$(records 16 0301 "$(client_hello 0303 c02f -)" 16384)" 9)
check "bigmsg: handshake header announces 2^24-1 bytes" \
	test "$got" = 160303400002ffffff

# ---- many at once, and the statistics ----------------------------------

for i in $(seq 1 40); do
	sclient tls12 -tls1_2 -trace >"$T/par.$i" &
done
# Three idle connections held open together on the silent listener.
exec 4<>"/dev/tcp/127.0.0.1/$(port silent)" 5<>"/dev/tcp/127.0.0.1/$(port silent)" \
	6<>"/dev/tcp/127.0.0.1/$(port silent)"
wait $(jobs -p | grep -v "^$FAKE_PID\$") 2>/dev/null
check "40 parallel clients all get a ServerHello" \
	test "$(cat "$T"/par.* | grep -c 'cipher_suite {0xC0, 0x13}')" -eq 40
sleep 1.5
check "stats: silent listener had >= 3 concurrent connections" \
	test "$(awk '$1 == "listener" && $2 == "silent"' "$T/stats" |
		grep -o 'max_concurrent=[0-9]*' | cut -d= -f2)" -ge 3
exec 4>&- 5>&- 6>&-

kill -TERM "$FAKE_PID"
wait "$FAKE_PID"
rc=$?
PIDS=""
check "SIGTERM: tlsfake exits 0" test "$rc" -eq 0
check "stats: close listener accepted exactly 1 connection, 0 hellos" \
	grep -q '^listener close .*accepted=1 .*hellos=0 ' "$T/stats"
check "stats: tls12 accepted 43 connections and parsed 43 hellos" \
	grep -q '^listener tls12 .*accepted=44 .*hellos=44 ' "$T/stats"
check "stats: the first tls12 hello's length and suite count are recorded" \
	grep -q "^conn tls12 n=1 hello_len=$tls12_hello_len suites=[1-9][0-9]* format=tls\$" "$T/stats"
check "stats: the SSLv2 hello is recorded as such, with 3 kinds" \
	grep -q '^conn v2 n=1 hello_len=[0-9]* suites=3 format=sslv2$' "$T/stats"
check "stats: pad listener saw hellos of 300 and 600 bytes" \
	bash -c 'grep -q "^conn pad n=1 hello_len=300 " "$1" &&
		grep -q "^conn pad n=2 hello_len=600 " "$1"' _ "$T/stats"

# ---- command line and IPv6 ---------------------------------------------

"$FAKE" --bind 0.0.0.0 a=accept >/dev/null 2>&1
check "--bind refuses a non-loopback address (exit 2)" test $? -eq 2
"$FAKE" a=nosuchbehaviour >/dev/null 2>&1
check "an unknown behaviour is a usage error (exit 2)" test $? -eq 2
"$FAKE" a=accept,suites=0xC013:zz >/dev/null 2>&1
check "a bad suite list is a usage error (exit 2)" test $? -eq 2

if grep -q ' lo$' /proc/net/if_inet6 2>/dev/null; then
	"$FAKE" --bind ::1 --port-file "$T/ports6" --max-seconds 30 \
		v6=accept,versions=tls1.2,suites=0xC013 2>/dev/null &
	PIDS=$!
	if wait_ports "$T/ports6" 1; then
		out=$(timeout 5 openssl s_client -connect "[::1]:$(awk '{print $2}' "$T/ports6")" \
			-tls1_2 -trace </dev/null 2>&1)
		check "--bind ::1: ServerHello over IPv6 loopback" \
			grep -q 'cipher_suite {0xC0, 0x13}' <<<"$out"
	else
		not_ok "--bind ::1: tlsfake did not start"
	fi
else
	ok "--bind ::1 # SKIP no IPv6 loopback"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
