#!/bin/bash
# SPDX-License-Identifier: MIT
# The bash completion (completion/cipherprobe) cannot drift from the
# program: sourced with bash-completion and driven through COMP_WORDS as
# bash does on <TAB>, it must offer every command `cipherprobe --help` lists
# and every option each `cipherprobe COMMAND --help` defines (and no option
# the help does not define); its value lists must match the data files they
# come from (ciphersuites/clients.tsv, panos-versions.tsv, panos-flags.tsv)
# and be accepted by the program; -i, -o and the like complete file names.
# No network.  TAP; the plan comes last.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${CIPHERPROBE:=$top_srcdir/cipherprobe}"
: "${BASH_COMPLETION:=/usr/share/bash-completion/bash_completion}"
COMPLETION=${COMPLETION:-$top_srcdir/completion/cipherprobe}

n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
	n=$((n + 1)) fail=1
	echo "not ok $n - $1"
	shift
	local d
	for d in "$@"; do echo "# $d"; done
}

if [ ! -r "$BASH_COMPLETION" ]; then
	echo "1..0 # SKIP bash-completion is not installed ($BASH_COMPLETION)"
	exit 0
fi
# shellcheck disable=SC1090
. "$BASH_COMPLETION" >/dev/null 2>&1
if ! declare -F _init_completion >/dev/null; then
	echo "Bail out! $BASH_COMPLETION defines no _init_completion"
	exit 99
fi
# shellcheck disable=SC1090
if ! . "$COMPLETION" || ! complete -p cipherprobe >/dev/null 2>&1; then
	echo "Bail out! $COMPLETION registers no completion for cipherprobe"
	exit 99
fi
func=$(complete -p cipherprobe | sed -n 's/.*-F \([^ ]*\) .*/\1/p')

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# comp WORD...: what <TAB> offers after typing the words (the last one is
# the word being completed), one candidate a line, sorted
comp() {
	(
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		"$func" cipherprobe "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
		printf '%s\n' "${COMPREPLY[@]}"
	) | grep -v '^$' | sort -u
}

# missing WANT HAVE: the lines of file WANT that are not in file HAVE
missing() { comm -23 <(sort -u "$1") <(sort -u "$2") | tr '\n' ' '; }

# help_options TEXTFILE: the options a --help text defines, those that start
# an indented line ("  -i, --input FILE", "  -4, -6", "      --json"), as
# tests/man.sh reads them
help_options() {
	sed -n 's/^[[:space:]]\{1,\}\(-.*\)/\1/p' "$1" |
		while IFS= read -r rest; do
			while [[ $rest =~ ^(--?[A-Za-z0-9][-A-Za-z0-9]*)(,[[:space:]]*|[[:space:]]|=|$) ]]; do
				echo "${BASH_REMATCH[1]}"
				[[ ${BASH_REMATCH[2]} == ,* ]] || break
				rest=${rest:${#BASH_REMATCH[0]}}
			done
		done | sort -u
}

# --- commands
"$CIPHERPROBE" --help >"$tmp/help" 2>&1
sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' "$tmp/help" >"$tmp/commands"
if [ "$(wc -l <"$tmp/commands")" -ge 5 ]; then
	ok "cipherprobe --help lists $(wc -l <"$tmp/commands") commands"
else
	notok "cipherprobe --help lists the commands" "got: $(tr '\n' ' ' <"$tmp/commands")"
fi
comp cipherprobe "" >"$tmp/got"
m=$(missing "$tmp/commands" "$tmp/got")
if [ -z "$m" ]; then ok "'cipherprobe <TAB>' offers every command"
else notok "'cipherprobe <TAB>' offers every command" "missing: $m"; fi

# --- options of each command, both ways
while read -r cmd; do
	"$CIPHERPROBE" "$cmd" --help >"$tmp/help.$cmd" 2>&1
	help_options "$tmp/help.$cmd" >"$tmp/opts.$cmd"
	# a --help that defines fewer than three options was not read right
	if [ "$(wc -l <"$tmp/opts.$cmd")" -lt 3 ]; then
		notok "$cmd --help defines options" "read: $(tr '\n' ' ' <"$tmp/opts.$cmd")"
		continue
	fi
	comp cipherprobe "$cmd" - >"$tmp/got.$cmd"
	m=$(missing "$tmp/opts.$cmd" "$tmp/got.$cmd")
	if [ -z "$m" ]; then
		ok "'cipherprobe $cmd -<TAB>' offers all $(wc -l <"$tmp/opts.$cmd") options of its --help"
	else
		notok "'cipherprobe $cmd -<TAB>' offers every option of its --help" "missing: $m"
	fi
	# every command takes -h/--help, whether its --help says so or not
	printf '%s\n' -h --help >>"$tmp/opts.$cmd"
	m=$(missing "$tmp/got.$cmd" "$tmp/opts.$cmd")
	if [ -z "$m" ]; then
		ok "'cipherprobe $cmd -<TAB>' offers no option its --help lacks"
	else
		notok "'cipherprobe $cmd -<TAB>' offers no option its --help lacks" "unknown: $m"
	fi
done <"$tmp/commands"

# The getopt_long tables themselves (options a --help might forget).
for pair in scan:scanner/cmd_scan.c demo:scanner/demo.c diff:scanner/cmd_diff.c; do
	cmd=${pair%%:*} src=$top_srcdir/${pair#*:}
	# every entry's name, wherever the formatter puts the entries (one
	# or several a line, "{ " or "{")
	sed -n '/struct option long_opts\[\][[:space:]]*=/,/};[[:space:]]*$/p' "$src" |
		grep -o '{[[:space:]]*"[a-z0-9-]*"[[:space:]]*,' | sed 's/^{[[:space:]]*"\([a-z0-9-]*\)".*/--\1/' >"$tmp/table"
	if [ "$(wc -l <"$tmp/table")" -lt 3 ]; then
		notok "$src has a long option table" "read: $(tr '\n' ' ' <"$tmp/table")"
		continue
	fi
	comp cipherprobe "$cmd" - >"$tmp/got"
	m=$(missing "$tmp/table" "$tmp/got")
	if [ -z "$m" ]; then ok "'cipherprobe $cmd -<TAB>' offers all $(wc -l <"$tmp/table") options of ${pair#*:}'s table"
	else notok "'cipherprobe $cmd -<TAB>' offers every option of ${pair#*:}'s table" "missing: $m"; fi
done

# The options as the user types them: a prefix narrows, --opt=VALUE works.
comp cipherprobe scan --no- >"$tmp/got"
printf '%s\n' --no-cert --no-groups --no-preference --no-sigalgs --no-verdict >"$tmp/want"
if cmp -s "$tmp/want" "$tmp/got"; then ok "'scan --no-<TAB>' offers the five --no- options"
else notok "'scan --no-<TAB>' offers the five --no- options" "got: $(tr '\n' ' ' <"$tmp/got")"; fi

# --- values
# vals NAME WANTFILE WORD...: the completion's candidates equal WANTFILE
vals() {
	local name=$1 want=$2
	shift 2
	comp "$@" >"$tmp/got"
	if cmp -s <(sort -u "$want") "$tmp/got"; then
		ok "$name"
	else
		notok "$name" "want: $(sort -u "$want" | tr '\n' ' ')" "got:  $(tr '\n' ' ' <"$tmp/got")"
	fi
}
# accepted NAME CMD...: the program takes each candidate in $tmp/got in
# place of the word VALUE in CMD
accepted() {
	local name=$1 v bad=
	shift
	while read -r v; do
		"$CIPHERPROBE" "${@/#VALUE/$v}" >/dev/null 2>"$tmp/err" || bad="$bad $v($(head -1 "$tmp/err"))"
	done <"$tmp/got"
	if [ -z "$bad" ] && [ -s "$tmp/got" ]; then ok "$name"; else notok "$name" "refused:$bad"; fi
}

# the client models: the first column of ciphersuites/clients.tsv
grep -v '^#' "$top_srcdir/ciphersuites/clients.tsv" | cut -f1 | grep -v '^client$' | grep -v '^$' >"$tmp/want"
vals "'scan --client <TAB>' offers the clients of clients.tsv" "$tmp/want" cipherprobe scan --client ""
accepted "profile show --client takes each client offered" profile show panos-default --client VALUE
vals "'profile show X --client=<TAB>' offers the clients too" "$tmp/want" cipherprobe profile show panos-default --client=""

# the built-in profiles (cipherprobe(1), --profile)
cd "$tmp" || exit 99
mkdir empty && cd empty || exit 99
printf '%s\n' panos-default panos-recommended >"$tmp/want"
vals "'scan --profile <TAB>' in an empty directory offers the built-in profiles" "$tmp/want" cipherprobe scan --profile ""
accepted "profile show takes each built-in offered" profile show VALUE
vals "'profile show <TAB>' offers the built-in profiles" "$tmp/want" cipherprobe profile show ""
printf '%s\n' list show >"$tmp/want"
vals "'profile <TAB>' offers show and list" "$tmp/want" cipherprobe profile ""

# the PAN-OS releases the model knows, and the PAN-OS flags
grep -v '^#' "$top_srcdir/ciphersuites/panos-versions.tsv" | cut -f1 | grep -v '^panos$' | grep -v '^$' >"$tmp/want"
vals "'scan --panos-version <TAB>' offers the releases of panos-versions.tsv" "$tmp/want" cipherprobe scan --panos-version ""
accepted "profile show --panos-version takes each release offered" profile show panos-default --panos-version VALUE
grep -v '^#' "$top_srcdir/ciphersuites/panos-flags.tsv" | cut -f3 | grep -v '^element$' | grep -v '^$' >"$tmp/want"
vals "'suites --panos <TAB>' offers the flags of panos-flags.tsv" "$tmp/want" cipherprobe suites --panos ""
accepted "suites --panos takes each flag offered" suites --panos VALUE

# the registry filters: each value offered is one the program takes
for o in --kx --au --strength --tls; do
	comp cipherprobe suites "$o" "" >"$tmp/got"
	accepted "suites $o takes each value offered ($(wc -l <"$tmp/got"))" suites "$o" VALUE
done
printf '%s\n' always auto never >"$tmp/want"
vals "'diff --color <TAB>' offers auto, always, never" "$tmp/want" cipherprobe diff --color ""
printf '%s\n' eliminate single >"$tmp/want"
vals "'scan --strategy <TAB>' offers eliminate and single" "$tmp/want" cipherprobe scan --strategy ""
printf '%s\n' always incompatible regression >"$tmp/want"
vals "'scan --notify-on <TAB>' offers the three triggers" "$tmp/want" cipherprobe scan --notify-on ""
printf '%s\n' tls1.2,tls1.0 tls1.2,tls1.1 tls1.2,tls1.2 tls1.2,tls1.3 >"$tmp/want"
vals "'scan -p tls1.2,tls<TAB>' completes the item after the comma" "$tmp/want" cipherprobe scan -p tls1.2,tls

# --- file names
cd "$tmp" && mkdir files && cd files || exit 99
: >sites.txt
: >site-notes.md
: >old.json
: >other.txt
printf '%s\n' site-notes.md sites.txt >"$tmp/want"
vals "'scan -i si<TAB>' offers the files" "$tmp/want" cipherprobe scan -i si
vals "'scan --input=si<TAB>' offers the files" "$tmp/want" cipherprobe scan --input=si
vals "'demo -o si<TAB>' offers the files" "$tmp/want" cipherprobe demo -o si
vals "'scan --state si<TAB>' offers the files" "$tmp/want" cipherprobe scan --state si
printf '%s\n' panos-default panos-recommended old.json other.txt site-notes.md sites.txt >"$tmp/want"
vals "'scan --profile <TAB>' offers files and the built-ins" "$tmp/want" cipherprobe scan --profile ""
printf '%s\n' old.json >"$tmp/want"
vals "'diff <TAB>' offers .json files" "$tmp/want" cipherprobe diff ""

echo "1..$n"
exit $fail
