#!/bin/bash
# SPDX-License-Identifier: MIT
# Certificate chains as the firewall judges them, end to end: a test CA
# (root, intermediate, leaves) is made here with openssl, real `openssl
# s_server`s on 127.0.0.1 serve chosen chains, and `cipherprobe scan`
# must report certificate.chain as each chain was built: complete and
# trusted through --ca-file, unknown root without it, incomplete (the
# intermediate not sent, named), self-signed, expired, not yet valid, name
# mismatch; bad --ca-file inputs; and the interception warning with
# --forward-trust-ca.  Expected values come from how the chains were built
# (subjects printed by openssl), never from cipherprobe.  TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
if [ "$INTEG_MODE" = selftest ]; then
	echo "1..0 # SKIP no selftest mode"
	exit 0
fi
integ_have_scanner || { echo "Bail out! no cipherprobe binary"; exit 1; }
T=$INTEG_TMP

# ---------------------------------------------------------------- the CA

# sign NAME ISSUER START END EXT: NAME.csr -> NAME.crt, signed by ISSUER
# (ISSUER.crt / ISSUER.key) with openssl ca, valid START..END
# (YYYYMMDDHHMMSSZ), extensions from the file EXT.
sign() {
	openssl ca -batch -config "$T/ca.cnf" -cert "$T/$2.crt" -keyfile "$T/$2.key" \
		-in "$T/$1.csr" -out "$T/$1.crt" -startdate "$4" -enddate "$5" \
		-extfile "$T/$3" -notext >>"$T/ca.log" 2>&1
}
csr() { # csr NAME CN: a P-256 key and a request
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=$2" -keyout "$T/$1.key" -out "$T/$1.csr" >>"$T/ca.log" 2>&1
}
ts() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

make_ca() {
	mkdir -p "$T/newcerts" && : >"$T/index.txt" && echo 1000 >"$T/serial" || return 1
	cat >"$T/ca.cnf" <<-EOF
	[ ca ]
	default_ca = dflt
	[ dflt ]
	database = $T/index.txt
	new_certs_dir = $T/newcerts
	serial = $T/serial
	default_md = sha256
	policy = pol
	unique_subject = no
	email_in_dn = no
	[ pol ]
	commonName = supplied
	EOF
	printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$T/ca.ext"
	# leaves say where their issuer is (AIA caIssuers, never fetched:
	# nothing listens there), as public ones do; noaia.ext leaves do not
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:good.test\n' >"$T/noaia.ext"
	{ cat "$T/noaia.ext"; echo 'authorityInfoAccess=caIssuers;URI:http://127.0.0.1:9/inter.crt'; } >"$T/leaf.ext"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj "/CN=cipherprobe Test Root" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-keyout "$T/root.key" -out "$T/root.crt" >>"$T/ca.log" 2>&1 &&
		csr inter "cipherprobe Test Intermediate" &&
		sign inter root ca.ext "$(ts '-1 day')" "$(ts '+30 days')" &&
		csr good good.test &&
		sign good inter leaf.ext "$(ts '-1 day')" "$(ts '+30 days')" &&
		csr noaia good.test &&
		sign noaia inter noaia.ext "$(ts '-1 day')" "$(ts '+30 days')" &&
		csr expired good.test &&
		sign expired inter leaf.ext "$(ts '-60 days')" "$(ts '-2 days')" &&
		csr future good.test &&
		sign future inter leaf.ext "$(ts '+2 days')" "$(ts '+30 days')" &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
			-subj "/CN=good.test" -addext "subjectAltName=DNS:good.test" \
			-keyout "$T/self.key" -out "$T/self.crt" >>"$T/ca.log" 2>&1
}
if make_ca; then
	tap_ok "test CA made: root, intermediate, good/expired/not-yet-valid/self-signed leaves"
else
	tap_diag "$T/ca.log" | tail -20
	tap_not_ok "test CA made"
	integ_end
fi
subject() { openssl x509 -noout -subject -nameopt RFC2253 -in "$T/$1.crt" | sed 's/^subject=//'; }
ROOT=$(subject root)
INTER=$(subject inter)
echo "# root: $ROOT; intermediate: $INTER"

# ---------------------------------------------------------------- servers

# serve NAME CERT [CHAIN]: s_server with CERT's key, sending CHAIN after it;
# sets the variable NAME to 127.0.0.1:PORT.
serve() {
	local extra=()
	[ -n "${3:-}" ] && extra=(-cert_chain "$T/$3.crt")
	if integ_start_openssl "$1" "$2" "${extra[@]}"; then
		printf -v "$1" '127.0.0.1:%s' "$SRV_PORT"
		tap_ok "server $1 up: $2${3:+ + $3}"
	else
		printf -v "$1" '127.0.0.1:1'
		tap_not_ok "server $1 up"
	fi
}
serve complete good inter
serve leafonly good
serve noaiaonly noaia
serve selfsigned self
serve expiredsrv expired inter
serve futuresrv future inter
serve expiredleaf expired
cat "$T/inter.crt" "$T/root.crt" >"$T/interroot.crt"
serve withroot good interroot

# ---------------------------------------------------------------- checks

SCAN=(--no-verdict --no-groups --no-preference -p tls1.2)
# chain OUT INDEX: certificate.chain of targets[INDEX] as compact JSON
chain() {
	"$PYTHON" -c 'import json,sys
d=json.load(open(sys.argv[1])); c=d["targets"][int(sys.argv[2])]["certificate"]
print(json.dumps(c["chain"] if c else "no certificate", sort_keys=True))' "$1" "$2" 2>&1
}
# want TRUSTED ERRORS MISSING ANCHOR: the expected chain object
want() {
	"$PYTHON" -c 'import json,sys
m = None if sys.argv[3] == "-" else sys.argv[3]
print(json.dumps({"trusted": sys.argv[1] == "true", "errors": json.loads(sys.argv[2]),
                  "missing_issuer": m, "anchor": sys.argv[4]}, sort_keys=True))' "$@"
}
# case DESC WANT ARGS...: scan ARGS, compare target 0's chain with WANT
case_() {
	local desc=$1 exp=$2 out="$T/case.$_integ_n.json" got
	shift 2
	integ_scan "$out" "${SCAN[@]}" "$@"
	got=$(chain "$out" 0)
	if [ "$got" = "$exp" ]; then
		tap_ok "$desc"
	else
		echo "# want: $exp"
		echo "# got:  $got"
		head -5 "$out.err" | tap_diag
		tap_not_ok "$desc"
	fi
}

case_ "complete chain, root given with --ca-file: trusted" \
	"$(want true '[]' - "$ROOT")" --ca-file "$T/root.crt" "$complete,good.test"
case_ "complete chain, no --ca-file: unknown root" \
	"$(want false '["unknown-root"]' - "$ROOT")" "$complete,good.test"
case_ "root sent too but not trusted (badssl untrusted-root): unknown root" \
	"$(want false '["unknown-root"]' - "$ROOT")" "$withroot,good.test"
case_ "root sent too and given with --ca-file: trusted" \
	"$(want true '[]' - "$ROOT")" --ca-file "$T/root.crt" "$withroot,good.test"
case_ "leaf only: incomplete chain, the intermediate named as missing" \
	"$(want false '["incomplete-chain"]' "$INTER" "$INTER")" --ca-file "$T/root.crt" "$leafonly,good.test"
case_ "leaf only, and it names no place to fetch its issuer (no AIA): nobody can build the chain, an unknown root" \
	"$(want false '["unknown-root"]' - "$INTER")" --ca-file "$T/root.crt" "$noaiaonly,good.test"
case_ "self-signed leaf" \
	"$(want false '["self-signed"]' - "CN=good.test")" --ca-file "$T/root.crt" "$selfsigned,good.test"
case_ "expired leaf: expired, issuer still trusted" \
	"$(want true '["expired"]' - "$ROOT")" --ca-file "$T/root.crt" "$expiredsrv,good.test"
case_ "leaf not yet valid" \
	"$(want true '["not-yet-valid"]' - "$ROOT")" --ca-file "$T/root.crt" "$futuresrv,good.test"
case_ "SNI the leaf does not cover: name mismatch" \
	"$(want true '["name-mismatch"]' - "$ROOT")" --ca-file "$T/root.crt" "$complete,other.test"
case_ "no SNI (IP literal) and no IP SAN: name mismatch against the address" \
	"$(want true '["name-mismatch"]' - "$ROOT")" --ca-file "$T/root.crt" "$complete"
case_ "several problems at once: incomplete, expired, name mismatch" \
	"$(want false '["incomplete-chain", "expired", "name-mismatch"]' "$INTER" "$INTER")" \
	--ca-file "$T/root.crt" "$expiredleaf,other.test"

# the text report: one line naming the problems
out="$T/text.out"
integ_run timeout -k 5 "$INTEG_SCAN_TIMEOUT" "$CIPHERPROBE" scan --text --color never "${SCAN[@]}" \
	--ca-file "$T/root.crt" "$leafonly,good.test" >"$out" 2>&1
grep -q "trust: *untrusted.*incomplete chain (missing issuer $INTER not sent)" "$out"
tap_check $? "text: the trust line names the incomplete chain and the missing issuer"
tap_diag <(grep "trust:" "$out")

# --ca-file inputs
"$CIPHERPROBE" scan "${SCAN[@]}" --ca-file "$T/nonexistent.pem" "$complete" >/dev/null 2>"$T/e1"
rc=$?
[ $rc -eq 66 ] && grep -q "nonexistent.pem" "$T/e1"
tap_check $? "--ca-file of a missing file: exit 66, the file named (got $rc: $(head -1 "$T/e1"))"
"$CIPHERPROBE" scan "${SCAN[@]}" --ca-file "$T/ca.cnf" "$complete" >/dev/null 2>"$T/e2"
rc=$?
[ $rc -eq 65 ] && grep -q "ca.cnf.*no PEM certificate" "$T/e2"
tap_check $? "--ca-file of a file without a certificate: exit 65, the file named (got $rc: $(head -1 "$T/e2"))"
"$CIPHERPROBE" scan "${SCAN[@]}" --no-cert --ca-file "$T/root.crt" "$complete" >/dev/null 2>"$T/e3"
[ $? -eq 64 ]
tap_check $? "--no-cert with --ca-file: usage error"

# interception: loopback targets are no evidence for the heuristic, a
# --forward-trust-ca match is
out="$T/icpt.json"
integ_scan "$out" "${SCAN[@]}" "$complete,good.test" "$complete,other.example"
[ "$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["interception"])' "$out")" = None ] &&
	! grep -q "being decrypted" "$out.err"
tap_check $? "two names from one private CA on loopback: no interception warning"
integ_scan "$out" "${SCAN[@]}" --forward-trust-ca "$T/inter.crt" "$complete,good.test" "$complete,other.example"
got=$("$PYTHON" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["summary"]["interception"], sort_keys=True))' "$out")
exp=$("$PYTHON" -c 'import json,sys; print(json.dumps({"issuer": sys.argv[1], "targets": 2}, sort_keys=True))' "$INTER")
[ "$got" = "$exp" ] && grep -q "this scan is being decrypted; results describe the proxy, not the servers" "$out.err"
tap_check $? "--forward-trust-ca: summary.interception $got and the warning on stderr"
out="$T/icpt.txt"
integ_run timeout -k 5 "$INTEG_SCAN_TIMEOUT" "$CIPHERPROBE" scan --text --color never "${SCAN[@]}" \
	--forward-trust-ca "$T/inter.crt" "$complete,good.test" >"$out" 2>/dev/null
grep -q "^WARNING: this scan is being decrypted" "$out"
tap_check $? "--forward-trust-ca: the warning in the text report"

# the scan document reads back (diff and --state load it)
integ_scan "$T/a.json" "${SCAN[@]}" --ca-file "$T/root.crt" "$leafonly,good.test"
"$CIPHERPROBE" diff "$T/a.json" "$T/a.json" >"$T/diff.out" 2>&1
rc=$?
[ $rc -eq 0 ]
tap_check $? "a document with certificate.chain loads back (diff exits $rc)"
[ $rc -eq 0 ] || tap_diag "$T/diff.out"

integ_end
