#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the build system from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
# the list of end-to-end cases (tests/integ/cases.am) from the directory
sh tools/gen-cases
autoreconf --install --force
