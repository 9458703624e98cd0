#!/bin/sh
# lock.sh - a store held by a stuck writer: the robot gives up after
# lock_timeout with exit 75 (the MTA retries) and changes nothing; once the
# lock is free the same mail is applied.  autodbm-flush likewise.
# Run by tests/run-check with AUTODBM_BIN set; prints ok/not ok lines.
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d)
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$T"' EXIT
n=0
. "$(dirname "$0")/check.inc"
if ! command -v flock >/dev/null 2>&1; then
    echo "not ok 1 flock(1) is needed for this test (util-linux)"; exit 1
fi
maildir_conf "$T/autodbm.conf" "archive = none" "lock_timeout = 2"
C="-c $T/autodbm.conf"
"$BIN/autodbm-load" -q $C "$SRC/conf/demo/registry.rpsl" >/dev/null
check "the loader leaves a writer lock file" test -f "$T/db/writer.lock"

flock -o "$T/db/writer.lock" sleep 30 &
holder=$!
sleep 0.5
start=$(date +%s)
"$BIN/autodbm" $C -t 2026-01-01T12:00:00Z < "$SRC/conf/demo/sample.mail" >"$T/out" 2>&1; rc=$?
took=$(( $(date +%s) - start ))
check "locked store: robot exits 75" test $rc -eq 75
check "... after about lock_timeout seconds (took ${took}s)" test $took -ge 1 -a $took -le 10
check "... nothing applied" sh -c "! '$BIN/autodbm-query' $C -r JD1-TEST >/dev/null"
check "... nothing sent" sh -c "! ls '$T/outbox/new/'* >/dev/null 2>&1"
"$BIN/autodbm-flush" $C >"$T/out" 2>&1; rc=$?
check "locked store: autodbm-flush exits 75" test $rc -eq 75
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; holder=

"$BIN/autodbm" $C -t 2026-01-01T12:00:00Z < "$SRC/conf/demo/sample.mail" >"$T/out" 2>&1; rc=$?
check "lock free again: the same mail is applied (exit 0)" test $rc -eq 0
check "... the object is there" sh -c "'$BIN/autodbm-query' $C -r JD1-TEST | grep -q '^nic-hdl: *JD1-TEST'"
check "... the ack and notifications are delivered" sh -c "test \$(ls '$T/outbox/new' | wc -l) -eq 4"
