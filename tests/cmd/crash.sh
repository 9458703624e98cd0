#!/bin/sh
# crash.sh - crash safety (tests/crash/run): kill -9 the robot at random
# points, 200 trials in the plain build, 50 under the sanitizers (slower;
# `make check-long` runs 1,000).
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
case $BIN in */asan/*) trials=${CRASH_TRIALS_ASAN:-50} ;; *) trials=${CRASH_TRIALS:-200} ;; esac
exec "$SRC/tests/crash/run" -n "$trials" "$BIN"
