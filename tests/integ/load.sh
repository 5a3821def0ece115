#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/integ/load.sh: the load test at make-check size: 2000 targets (tests/load/run has the
# details; the full 10,000-target run is `make load-check` or
# `tests/load/run --targets 10000`).  LOAD_TARGETS overrides the size.
exec bash "${top_srcdir:-$(dirname "$0")/../..}/tests/load/run" --targets "${LOAD_TARGETS:-2000}" "$@"
