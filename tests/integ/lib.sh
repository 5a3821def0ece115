# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/integ/lib.sh: real TLS servers on loopback for cipherprobe's
# integration tests.  Sourced by tests/integ/*.sh, which are declarative:
#
#   . "$(dirname "$0")/lib.sh"
#   integ_begin "$@"
#   integ_case NAME openssl|gnutls rsa|ecdsa [SERVER OPTIONS...]
#   integ_end
#
# Each case starts one server on 127.0.0.1 (an ephemeral port), derives the
# accepted set from the server's own configuration (expect.py: `openssl
# ciphers -V -s`, `gnutls-cli --list`), proves that expectation with an
# independent client (openssl s_client / gnutls-cli), then scans the server
# with `cipherprobe scan --json --strategy single` and `--strategy eliminate`
# and compares both with the expectation and with each other (check.py).
# Output is TAP.  Options of every script:
#   --selftest   no cipherprobe: start the servers, derive and print the
#                expected sets, prove them with the reference clients, and
#                test check.py on documents built from the expectation
#   --keep       keep the scratch directory (printed) for inspection
# Environment: CIPHERPROBE (the binary; make check sets it), INTEG_SCAN_TIMEOUT
# (seconds per cipherprobe run, 120), INTEG_DEADLINE (seconds per script, 170),
# INTEG_ORACLE=no to skip the reference-client proof in scan mode.
#
# Every server started here is killed on exit, failure, timeout or signal.
# Nothing here ever contacts an address other than 127.0.0.1.
#
# For other test scripts (tests/integ/scan-dns.sh uses it): integ_begin/integ_end,
# integ_start_openssl / integ_start_gnutls NAME CERT [OPTIONS] (set SRV_PORT,
# SRV_PID, SRV_ARGV), integ_track PID (kill PID at exit), integ_scan OUT ARGS
# (validates OUT against docs/cipherprobe.schema.json), integ_validate FILE...,
# tap_ok / tap_not_ok / tap_skip / tap_check / tap_diag, $INTEG_TMP, $PYTHON.

if [ -z "${BASH_VERSION:-}" ]; then
	echo "Bail out! tests/integ/lib.sh needs bash"
	exit 99
fi
set -u

INTEG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$INTEG_DIR/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${CIPHERPROBE:=$top_builddir/cipherprobe}"
: "${INTEG_SCAN_TIMEOUT:=120}"
: "${INTEG_START_TIMEOUT:=10}"
: "${INTEG_DEADLINE:=170}"
: "${INTEG_ORACLE:=yes}"
: "${PYTHON:=python3}"
export top_srcdir
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the source tree

INTEG_MODE=scan
INTEG_KEEP=no
INTEG_TMP=
_integ_n=0
_integ_failed=0
_integ_pids=()
_integ_child=
_integ_watchdog=
SRV_PID=
SRV_PORT=
SRV_ARGV=

# ---------------------------------------------------------------- TAP

tap_ok() { _integ_n=$((_integ_n + 1)); echo "ok $_integ_n - $*"; }
tap_not_ok() {
	_integ_n=$((_integ_n + 1))
	_integ_failed=$((_integ_failed + 1))
	echo "not ok $_integ_n - $*"
}
tap_skip() { _integ_n=$((_integ_n + 1)); echo "ok $_integ_n - $1 # SKIP $2"; }
# tap_check STATUS DESCRIPTION: ok when STATUS is 0
tap_check() {
	if [ "$1" -eq 0 ]; then tap_ok "$2"; else tap_not_ok "$2"; fi
}
# Indent a file or stdin as TAP comments.
tap_diag() { sed -e 's/^/# /' "$@"; }

# ---------------------------------------------------------------- lifecycle

integ_cleanup() {
	local pid
	trap - EXIT INT TERM HUP
	[ -n "$_integ_watchdog" ] && kill "$_integ_watchdog" 2>/dev/null
	[ -n "$_integ_child" ] && kill "$_integ_child" 2>/dev/null
	for pid in "${_integ_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${_integ_pids[@]}" $_integ_child $_integ_watchdog; do
		wait "$pid" 2>/dev/null
	done
	if [ -n "$INTEG_TMP" ]; then
		if [ "$INTEG_KEEP" = yes ]; then
			echo "# scratch kept in $INTEG_TMP" >&7
		else
			rm -rf "$INTEG_TMP"
		fi
	fi
}

# A signal can arrive while a command's output is redirected to a file:
# write to the script's own stdout, saved as fd 7 by integ_begin.
integ_signal() {
	echo "Bail out! $1 (after $_integ_n tests); servers stopped" >&7
	exit 1
}

# integ_begin "$@": parse the common options, make the scratch directory,
# make OpenSSL and GnuTLS ignore system-wide policy (both the servers and the
# expectation tools read the same, empty, configuration), arm the watchdog.
integ_begin() {
	local a
	for a in "$@"; do
		case $a in
		--selftest) INTEG_MODE=selftest ;;
		--keep) INTEG_KEEP=yes ;;
		-h | --help)
			sed -n '3,/^$/s/^# \{0,1\}//p' "$INTEG_DIR/lib.sh"
			exit 0
			;;
		*) echo "Bail out! unknown option '$a'"; exit 64 ;;
		esac
	done
	exec 7>&1
	trap integ_cleanup EXIT
	trap 'integ_signal interrupted' INT HUP
	trap 'integ_signal "terminated (deadline ${INTEG_DEADLINE}s?)"' TERM
	INTEG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cp-integ.XXXXXX") || {
		echo "Bail out! mktemp failed"
		exit 1
	}
	: >"$INTEG_TMP/openssl.cnf"
	: >"$INTEG_TMP/gnutls-priority"
	export OPENSSL_CONF="$INTEG_TMP/openssl.cnf"
	export GNUTLS_SYSTEM_PRIORITY_FILE="$INTEG_TMP/gnutls-priority"
	# The watchdog sends TERM to this script at the deadline; the trap then
	# stops every server.  Its own sleep dies with it.
	(
		exec >/dev/null 2>&1 </dev/null
		sleep "$INTEG_DEADLINE" &
		s=$!
		trap 'kill $s; exit 0' TERM
		wait $s && kill -TERM $$
	) &
	_integ_watchdog=$!
	if ! command -v "$PYTHON" >/dev/null 2>&1; then
		echo "Bail out! $PYTHON is needed (tools/debian-test.txt lists it)"
		exit 1
	fi
	echo "# mode: $INTEG_MODE; scratch: $INTEG_TMP"
}

# integ_end: the plan.  Under the TAP driver the "not ok" lines carry the
# failures, so the exit status is 0; a --selftest run exits 1 on any.
integ_end() {
	echo "1..$_integ_n"
	[ "$INTEG_MODE" = selftest ] && [ "$_integ_failed" -ne 0 ] && exit 1
	exit 0
}

# integ_run CMD...: run in the background and wait, so a TERM from the
# watchdog interrupts the wait instead of being deferred until CMD ends.
integ_run() {
	local rc
	"$@" &
	_integ_child=$!
	wait "$_integ_child"
	rc=$?
	_integ_child=
	return $rc
}

# ---------------------------------------------------------------- material

# integ_cert rsa|ecdsa: a self-signed certificate for 127.0.0.1/localhost,
# made once per script into $INTEG_TMP/TYPE.crt and TYPE.key.
integ_cert() {
	local t=$1 crt="$INTEG_TMP/$1.crt" key="$INTEG_TMP/$1.key" newkey
	[ -s "$crt" ] && return 0
	case $t in
	rsa) newkey=(-newkey rsa:2048) ;;
	ecdsa) newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
	*) echo "# integ_cert: unknown type $t"; return 1 ;;
	esac
	timeout 60 openssl req -x509 "${newkey[@]}" -nodes -days 2 \
		-subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout "$key" -out "$crt" >"$INTEG_TMP/req.log" 2>&1 ||
		{ tap_diag "$INTEG_TMP/req.log"; return 1; }
}

# integ_dhparam GROUP: RFC 7919 parameters as a PEM file (instant, unlike
# generating a prime); prints the path.
integ_dhparam() {
	local f="$INTEG_TMP/dh-$1.pem"
	[ -s "$f" ] || timeout 30 openssl genpkey -genparam -algorithm DH \
		-pkeyopt "group:$1" -out "$f" 2>"$INTEG_TMP/dh.log" || return 1
	echo "$f"
}

# integ_bindlo: build the LD_PRELOAD shim that confines gnutls-serv (no
# address option: it binds 0.0.0.0 and ::) to 127.0.0.1 and ::1.  Prints the
# .so path; fails without a C compiler.
integ_bindlo() {
	local so="$INTEG_TMP/bindlo.so"
	[ -s "$so" ] || ${CC:-cc} -shared -fPIC -O1 -o "$so" "$INTEG_DIR/bindlo.c" -ldl \
		>"$INTEG_TMP/bindlo.log" 2>&1 || return 1
	echo "$so"
}

# ---------------------------------------------------------------- servers

# _integ_spawn NAME ENV-ASSIGNMENT-OR-"" ARGV...: start a server in the
# background, record its pid for cleanup and its argv (NUL-separated) for
# expect.py.
_integ_spawn() {
	local name=$1 envset=$2
	shift 2
	SRV_ARGV="$INTEG_TMP/$name.argv"
	printf '%s\0' "$@" >"$SRV_ARGV"
	if [ -n "$envset" ]; then
		env "$envset" "$@" >"$INTEG_TMP/$name.out" 2>"$INTEG_TMP/$name.err" </dev/null &
	else
		"$@" >"$INTEG_TMP/$name.out" 2>"$INTEG_TMP/$name.err" </dev/null &
	fi
	SRV_PID=$!
	integ_track "$SRV_PID"
}

# integ_track PID: a process this script started, to be killed at exit.
integ_track() { _integ_pids+=("$1"); }

_integ_elapsed_ok() { [ "$SECONDS" -lt "$1" ]; }

# integ_start_openssl NAME CERT [s_server options]: listens on 127.0.0.1:0
# and reads the port the kernel chose from s_server's "ACCEPT" line.
integ_start_openssl() {
	local name=$1 cert=$2 until
	shift 2
	integ_cert "$cert" || return 1
	_integ_spawn "$name" "" openssl s_server -accept 127.0.0.1:0 -www \
		-cert "$INTEG_TMP/$cert.crt" -key "$INTEG_TMP/$cert.key" "$@"
	until=$((SECONDS + INTEG_START_TIMEOUT))
	SRV_PORT=
	while [ -z "$SRV_PORT" ] && _integ_elapsed_ok "$until"; do
		kill -0 "$SRV_PID" 2>/dev/null || break
		SRV_PORT=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$INTEG_TMP/$name.out" 2>/dev/null)
		[ -n "$SRV_PORT" ] || sleep 0.05
	done
	if [ -z "$SRV_PORT" ]; then
		echo "# s_server did not start:"
		tap_diag "$INTEG_TMP/$name.err" | head -20
		return 1
	fi
	_integ_ready "$name"
}

# integ_start_gnutls NAME CERT [gnutls-serv options]: gnutls-serv cannot
# take port 0 and report it, so pick a free port and retry on a bind race.
integ_start_gnutls() {
	local name=$1 cert=$2 so envset='' try
	shift 2
	integ_cert "$cert" || return 1
	if so=$(integ_bindlo); then
		envset="LD_PRELOAD=$so"
	else
		echo "# no C compiler for the bind shim: gnutls-serv listens on all"
		echo "# interfaces during this test; it is only ever contacted on 127.0.0.1"
	fi
	for try in 1 2 3 4 5; do
		SRV_PORT=$("$PYTHON" "$INTEG_DIR/netutil.py" free-port) || return 1
		_integ_spawn "$name" "$envset" gnutls-serv --port "$SRV_PORT" --echo -q \
			--x509certfile "$INTEG_TMP/$cert.crt" --x509keyfile "$INTEG_TMP/$cert.key" "$@"
		_integ_ready "$name" quiet && return 0
		_integ_stop
		grep -qi 'in use\|bind' "$INTEG_TMP/$name.err" "$INTEG_TMP/$name.out" || break
		echo "# port $SRV_PORT was taken (attempt $try), retrying"
	done
	echo "# gnutls-serv did not start:"
	tap_diag "$INTEG_TMP/$name.out" "$INTEG_TMP/$name.err" | head -20
	return 1
}

# _integ_ready NAME [quiet]: the server accepts TCP connections on
# 127.0.0.1:$SRV_PORT and listens on loopback only.
_integ_ready() {
	local msg
	if ! "$PYTHON" "$INTEG_DIR/netutil.py" wait "$SRV_PORT" "$INTEG_START_TIMEOUT" ||
		! kill -0 "$SRV_PID" 2>/dev/null; then
		[ "${2:-}" = quiet ] || echo "# $1 is not accepting connections on 127.0.0.1:$SRV_PORT"
		return 1
	fi
	if ! msg=$("$PYTHON" "$INTEG_DIR/netutil.py" loopback-only "$SRV_PORT"); then
		echo "# $1: $msg"
		return 1
	fi
	echo "# $1: pid $SRV_PID, $msg port $SRV_PORT"
}

# integ_server_alive NAME: the server survived what was just done to it.
integ_server_alive() {
	kill -0 "$SRV_PID" 2>/dev/null && return 0
	echo "# $1: the server died; its last words:"
	tail -5 "$INTEG_TMP/$1.err" | tap_diag
	return 1
}

# ---------------------------------------------------------------- scanner

# integ_scan OUT ARGS...: cipherprobe scan --json ARGS > OUT, bounded by
# timeout(1); returns cipherprobe's exit status (124 on timeout).  OUT is
# validated against docs/cipherprobe.schema.json: a document that does not
# validate adds a "not ok" line naming it, whatever the caller checks next.
# INTEG_VALIDATE=no leaves that to the caller (integ_validate OUT), for one
# that times the scan.
integ_scan() {
	local out=$1 rc
	shift
	integ_run timeout -k 5 "$INTEG_SCAN_TIMEOUT" "$CIPHERPROBE" scan --json "$@" \
		>"$out" 2>"$out.err"
	rc=$?
	[ "${INTEG_VALIDATE:-yes}" = no ] || integ_validate "$out"
	return $rc
}

# integ_validate FILE...: each non-empty FILE validates against the JSON
# Schema (tests/validate-json.py); silent when it does.  Without
# python3-jsonschema, one skip per script says so.
_integ_noschema=
integ_validate() {
	local f files=() vrc
	for f in "$@"; do
		[ -n "$f" ] && [ -s "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] || return 0
	"$PYTHON" "$top_srcdir/tests/validate-json.py" "${files[@]}" >"$INTEG_TMP/validate.log" 2>&1
	vrc=$?
	case $vrc in
	0) ;;
	2)
		if [ -z "$_integ_noschema" ]; then
			_integ_noschema=1
			tap_skip "output validated against docs/cipherprobe.schema.json" \
				"$(head -1 "$INTEG_TMP/validate.log")"
		fi
		;;
	*)
		tap_diag "$INTEG_TMP/validate.log" | head -20
		tap_not_ok "schema: ${files[*]##*/} validate against docs/cipherprobe.schema.json"
		;;
	esac
	return 0
}

# integ_have_scanner: say why cipherprobe cannot be used (never a skip).
integ_have_scanner() {
	if [ ! -x "$CIPHERPROBE" ]; then
		echo "# $CIPHERPROBE is not built"
		return 1
	fi
}

# ---------------------------------------------------------------- a case

# integ_case NAME SERVER CERT [SERVER OPTIONS...]
#   SERVER: openssl (s_server) or gnutls (gnutls-serv); CERT: rsa or ecdsa.
integ_case() {
	local name=$1 server=$2 cert=$3 bin ntests s rc ok expect
	shift 3
	case $server in
	openssl) bin=openssl ;;
	gnutls) bin=gnutls-serv ;;
	*) echo "Bail out! integ_case: unknown server $server"; exit 1 ;;
	esac
	ntests=5
	[ "$INTEG_MODE" = selftest ] && ntests=3
	if ! command -v "$bin" >/dev/null 2>&1; then
		for ((s = 0; s < ntests; s++)); do
			tap_skip "$name" "$bin is not installed"
		done
		return 0
	fi
	expect="$INTEG_TMP/$name.expect.json"
	echo "# --- $name: $server, $cert certificate, options: $*"
	if ! "integ_start_$server" "$name" "$cert" "$@"; then
		tap_not_ok "$name: $bin started on 127.0.0.1"
		for ((s = 1; s < ntests; s++)); do
			tap_not_ok "$name: (no server)"
		done
		return 0
	fi
	if integ_run timeout 300 "$PYTHON" "$INTEG_DIR/expect.py" "$server" "$SRV_ARGV" \
		--port "$SRV_PORT" >"$expect" 2>"$expect.err"; then
		"$PYTHON" "$INTEG_DIR/expect.py" show "$expect"
		tap_ok "$name: $bin up on 127.0.0.1:$SRV_PORT, expected set derived from its configuration"
	else
		tap_diag "$expect.err"
		tap_not_ok "$name: expected set derived from the server's configuration"
		for ((s = 1; s < ntests; s++)); do
			tap_not_ok "$name: (no expectation)"
		done
		_integ_stop
		return 0
	fi

	if [ "$INTEG_MODE" = selftest ] || [ "$INTEG_ORACLE" != no ]; then
		integ_run timeout 300 "$PYTHON" "$INTEG_DIR/expect.py" verify "$expect" \
			--port "$SRV_PORT" >"$INTEG_TMP/$name.oracle" 2>&1
		rc=$?
		cat "$INTEG_TMP/$name.oracle"
		integ_server_alive "$name" || rc=1
		tap_check $rc "$name: expectation confirmed by an independent client"
	else
		tap_skip "$name: expectation confirmed by an independent client" "INTEG_ORACLE=no"
	fi
	if [ "$INTEG_MODE" = selftest ]; then
		"$PYTHON" "$INTEG_DIR/check.py" selftest "$expect" --port "$SRV_PORT" | tap_diag
		tap_check "${PIPESTATUS[0]}" "$name: comparator accepts a correct document and catches mutations"
		_integ_stop
		return 0
	fi

	ok=yes
	integ_have_scanner || ok=no
	for s in single eliminate; do
		if [ $ok = no ]; then
			tap_not_ok "$name: --strategy $s (no cipherprobe binary)"
			continue
		fi
		integ_scan "$INTEG_TMP/$name.$s.json" --strategy "$s" "127.0.0.1:$SRV_PORT"
		rc=$?
		# 0, or 1 when the verdict against the default decryption profile
		# is "incompatible": both mean the scan itself completed.
		if [ $rc -gt 1 ]; then
			echo "# cipherprobe scan --strategy $s exited $rc$([ $rc -eq 124 ] && echo ' (timeout)')"
			head -20 "$INTEG_TMP/$name.$s.json.err" | tap_diag
		fi
		"$PYTHON" "$INTEG_DIR/check.py" match "$expect" "$INTEG_TMP/$name.$s.json" \
			--port "$SRV_PORT" --label "$s" | tap_diag
		[ "${PIPESTATUS[0]}" -eq 0 ] && [ $rc -le 1 ]
		rc=$?
		integ_server_alive "$name" || rc=1
		tap_check $rc "$name: cipherprobe --strategy $s matches the server's configuration"
	done
	if [ $ok = yes ]; then
		"$PYTHON" "$INTEG_DIR/check.py" same --fewer "$INTEG_TMP/$name.single.json" \
			"$INTEG_TMP/$name.eliminate.json" | tap_diag
		tap_check "${PIPESTATUS[0]}" \
			"$name: single and eliminate report the same sets, eliminate in no more handshakes"
	else
		tap_not_ok "$name: single and eliminate agree (no cipherprobe binary)"
	fi
	_integ_stop
}

# Stop the current case's server (the EXIT trap would, but one server at a
# time keeps a script's footprint small).
_integ_stop() {
	local p keep=()
	[ -n "$SRV_PID" ] || return 0
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	# forget it, so cleanup never signals a reused pid
	for p in "${_integ_pids[@]}"; do
		[ "$p" = "$SRV_PID" ] || keep+=("$p")
	done
	_integ_pids=("${keep[@]}")
	SRV_PID=
}
