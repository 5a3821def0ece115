#!/bin/bash
# SPDX-License-Identifier: MIT
# A scan ended by SIGINT or SIGTERM removes the temporary files of its
# outputs (-o FILE writes .FILE.XXXXXX and renames it at the end) and dies
# of the signal: exit status 130 or 143 to the shell, no .out.json.*
# beside the output, and an output that existed keeps its old content.
# The target is a tlsfake listener that never answers, so the scan is
# still running when the signal comes, 1 s in.  TAP.  Loopback only.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integ/lib.sh"
integ_begin "$@"
T=$INTEG_TMP
FAKE="$top_builddir/tests/servers/tlsfake"

integ_have_scanner || { echo "Bail out! no cipherprobe"; exit 1; }
[ -x "$FAKE" ] || { echo "Bail out! $FAKE is not built"; exit 1; }

"$FAKE" --port-file "$T/ports" --max-seconds 60 "stall=silent,timeout=0" \
	>"$T/tlsfake.log" 2>&1 </dev/null &
integ_track $!
for _ in $(seq 200); do
	[ -s "$T/ports" ] && break
	sleep 0.05
done
port=$(awk '$1 == "stall" { print $2 }' "$T/ports" 2>/dev/null)
[ -n "$port" ]
tap_check $? "tlsfake silent up on 127.0.0.1:${port:-?}"
[ -n "$port" ] || integ_end

# A background job of a script starts with SIGINT ignored, and an ignored
# signal stays ignored (as under nohup): give the scan the default back.
DFL=("$PYTHON" -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(s, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])')

n=0
for sig in INT TERM; do
	n=$((n + 1))
	d="$T/run$n"
	mkdir "$d"
	# the second run replaces an output that exists, and saves a state
	[ $sig = TERM ] && echo previous >"$d/out.json"
	extra=()
	[ $sig = TERM ] && extra=(--state "$d/state.json")
	"${DFL[@]}" "$CIPHERPROBE" scan --json --no-verdict -q "${extra[@]}" -o "$d/out.json" \
		"127.0.0.1:$port" >"$d/stdout" 2>"$d/stderr" </dev/null &
	pid=$!
	integ_track "$pid"
	tmp=
	for _ in $(seq 100); do
		tmp=$(ls -A "$d" | grep '^\.out\.json\.')
		[ -n "$tmp" ] && break
		sleep 0.01
	done
	[ -n "$tmp" ]
	tap_check $? "SIG$sig: the scan writes its output to a temporary file first (${tmp:-none seen})"
	sleep 1
	kill -s $sig "$pid"
	start=$(date +%s%N)
	wait "$pid"
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	want=$((128 + $(kill -l $sig)))
	[ $rc -eq $want ]
	tap_check $? "SIG$sig: the scan dies of it: exit status $rc (want $want), $ms ms after the signal"
	left=$(ls -A "$d" | grep -v '^std\(out\|err\)$' | tr '\n' ' ')
	if [ $sig = TERM ]; then
		[ "$left" = "out.json " ] && [ "$(cat "$d/out.json")" = previous ]
		tap_check $? "SIG$sig: no temporary file left, the old output untouched, no state saved (left: ${left:-nothing})"
	else
		[ -z "$left" ]
		tap_check $? "SIG$sig: no temporary file left, no output (left: ${left:-nothing})"
	fi
	[ -s "$d/stderr" ] && tap_diag "$d/stderr" | head -5
done
integ_end
