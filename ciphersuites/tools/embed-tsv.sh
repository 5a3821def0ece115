#!/bin/sh
# SPDX-License-Identifier: MIT
# embed-tsv.sh SYMBOL HEADER FILE: a C file defining `const char SYMBOL[]`
# as FILE's text, verbatim, one string literal a line (backslashes and
# quotes escaped; TABs kept), so data files stay files people edit while
# the program needs no data directory at run time.
set -eu
sym=$1 hdr=$2 file=$3
echo "/* Generated from $(basename "$file"): edit that file. */"
echo "#include \"$hdr\""
echo "const char $sym[] ="
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/' "$file"
echo ';'
