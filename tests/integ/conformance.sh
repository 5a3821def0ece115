#!/bin/sh
# SPDX-License-Identifier: MIT
# Verdict conformance suite (TAP): see tests/conformance/README.md.
#   tests/integ/conformance.sh [--oracle-only] [--case ID]... [--keep] [-v]
# make check sets top_srcdir, top_builddir and CIPHERPROBE.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
export top_srcdir
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
if ! command -v "${PYTHON:-python3}" >/dev/null 2>&1; then
	echo "Bail out! ${PYTHON:-python3} is needed (tools/debian-test.txt lists it)"
	exit 1
fi
exec "${PYTHON:-python3}" "$top_srcdir/tests/conformance/conformance.py" "$@"
