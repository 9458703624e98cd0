#!/bin/sh
# mirror_fake.sh - autodbm-mirror against a fake NRTM server
# (tests/tools/nrtmfake.py on 127.0.0.1, a free port) serving the golden
# streams of tests/nrtm-client/: the request it sends, a stream with
# gaps and a banner applied, streams that go backwards, end without
# %END, carry garbage or another source leave the mirror unchanged with
# the reason in the log, every kind of %ERROR gives its exit status, a
# -k stream is applied as it comes and SIGTERM stops it, objects of a
# class this registry does not know are added and deleted (found by
# autodbm-query -s), a read timeout
# reconnects from the serial reached, a refused connection fails --once
# with 75, the connection has TCP keepalive set (ss, when present), two
# sources run as two processes that SIGTERM stops, and bad configurations
# and options give 78 and 64.
# Run by tests/run-check with AUTODBM_BIN; prints ok/not ok lines.
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
G=$SRC/tests/nrtm-client
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-mirrorf.XXXXXX") || exit 1
fake_pid=
mirror_pid=
cleanup() {
    [ -n "$mirror_pid" ] && kill "$mirror_pid" 2>/dev/null && wait "$mirror_pid" 2>/dev/null
    [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
export AUTODBM_LOG_STDERR=1

PKGS="lmdb zlib libcrypt gmime-3.0 libesmtp-1.0 gpgme"
cc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -I"$SRC/include" \
    -o "$T/mirrorstate" "$SRC/tests/tools/mirrorstate.c" "$SRC/build/libautodbm.a" \
    $(pkg-config --libs $PKGS) 2>"$T/cc.err"
check "tests/tools/mirrorstate.c builds" test -x "$T/mirrorstate"

# fake ANSWER...: (re)start the fake server with these answers
fake() {
    if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; fi
    rm -f "$T/port" "$T/requests"
    python3 "$SRC/tests/tools/nrtmfake.py" "$T/port" "$T/requests" "$@" &
    fake_pid=$!
    i=0
    while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    PORT=$(cat "$T/port")
    maildir_conf "$T/conf" "mirror = MIRROR 127.0.0.1:$PORT TEST" \
        "mirror_retry_min = 1" "mirror_retry_max = 2" "mirror_poll_interval = 1" \
        "mirror_read_timeout = 3" "mirror_error_backoff = 2" "mirror_batch_size = 100" \
        "lock_timeout = 10"
}
# once: one --once run; its status in $rc, its log in $T/log
once() {
    "$BIN/autodbm-mirror" -c "$T/conf" --once > "$T/log" 2>&1
    rc=$?
}
state() { "$T/mirrorstate" "$T/db" MIRROR; }
# wait_for SECONDS COMMAND...: until COMMAND succeeds
wait_for() {
    w=$(($1 * 10)); shift
    while [ $w -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; w=$((w - 1)); done
    "$@"
}

# --- a stream with a banner and a gap (spec 7.1) ---------------------------
fake "$G/7.1-v3-gap/stream"
once
check "--once applies the 7.1 stream, exit 0" sh -c "[ $rc -eq 0 ] || { cat '$T/log'; exit 1; }"
check "the request asks from serial 1 with -g, no -k" grep -qx -- '-g TEST:3:1-LAST' "$T/requests"
state > "$T/s1"
check "the mirror is at serial 44 (the end of %START's range) with the two ADDs" \
    sh -c "grep -qx 'serial 44' '$T/s1' && grep -qx 'objects 2' '$T/s1' &&
           grep -qx 'route 192.0.2.0/24AS65000' '$T/s1' && grep -qx 'as-set AS65000:AS-CUSTOMERS' '$T/s1'"
check "one log line for the batch: 41-42 applied, the DEL of a missing object counted" \
    sh -c "grep -q 'source=MIRROR batch=41-44 serial=44 adds=2 dels=0 missing-dels=1\$' '$T/log' &&
           [ \$(grep -c 'batch=' '$T/log') -eq 1 ]"
check "the connection's line: end=complete applied=3" \
    grep -q 'source=MIRROR server=127.0.0.1:[0-9]* end=complete serial=44 applied=3' "$T/log"
check "every log line is KEY=VALUE pairs of README" \
    sh -c "grep -v '^autodbm-mirror: [a-z-]*=' '$T/log' | grep . && exit 1;
           awk -f '$SRC/tests/tools/logcheck.awk' -v readme='$SRC/README' '$T/log'"

# --- streams that must leave the mirror unchanged --------------------------
for c in bad-backwards:"serials must increase" bad-no-end:"without %END" \
         bad-garbage:"expected ADD, DEL or %END" bad-source:"asked for TEST" \
         bad-second-start:"a second %START" bad-cut-object:"inside the operation" \
         bad-not-rpsl:"is not RPSL"; do
    cs=${c%%:*}; why=${c#*:}
    # each on a fresh mirror (at serial 0, below every golden stream)
    rm -rf "$T/db"
    fake "$G/$cs/stream"
    once
    check "$cs: --once fails with 75" test $rc -eq 75
    check "$cs: the mirror is unchanged (empty, serial 0)" \
        sh -c "'$T/mirrorstate' '$T/db' MIRROR | tr '\n' ' ' | grep -qx 'serial 0 objects 0 '"
    check "$cs: the log says why ($why) and end=refused" \
        sh -c "grep -q 'end=refused' '$T/log' && grep -qF '$why' '$T/log'"
done

# --- replies, to a mirror at serial 44 (it asks from 45) ------------------
rm -rf "$T/db"
fake "$G/7.1-v3-gap/stream"
once
for c in 7.3a-uptodate:0:up-to-date irrd-uptodate:0:up-to-date \
         ripe-401-history:65:history-gone irrd-history:65:history-gone \
         7.4-403-unknown-source:78:config-error ripe-402:78:config-error \
         legacy-402:78:config-error 7.4-406-version:78:config-error \
         ripe-306:75:server-error; do
    cs=${c%%:*}; rest=${c#*:}; want=${rest%%:*}; end=${rest#*:}
    fake "$G/$cs/stream"
    once
    check "$cs: exit $want, end=$end" sh -c "[ $rc -eq $want ] && grep -q 'end=$end' '$T/log'"
done
fake "$G/ripe-401-history/stream"
once
check "history gone: the log tells the operator to load a dump with its serial" \
    grep -q 'mirroring of MIRROR stopped; load a fresh dump of TEST with autodbm-load --source MIRROR --serial SERIAL' "$T/log"

# --- nobody listening ------------------------------------------------------
kill "$fake_pid"; wait "$fake_pid" 2>/dev/null; fake_pid=
once
check "connection refused: --once exits 75, end=connect-failed" \
    sh -c "[ $rc -eq 75 ] && grep -q 'end=connect-failed' '$T/log'"

# --- a -k stream (spec 7.3): applied as it comes, SIGTERM stops -----------
rm -rf "$T/db"
cp "$G/7.3b-persistent/stream" "$T/k.hold"
fake "$G/7.3a-uptodate/stream" "$T/k.hold"
"$BIN/autodbm-mirror" -c "$T/conf" -f > "$T/klog" 2>&1 &
mirror_pid=$!
check "-k: the first answer (up to date) is followed by a new request with -k" \
    wait_for 10 sh -c "[ \$(grep -c -- '-g TEST:3:1-LAST -k' '$T/requests') -ge 2 ]"
check "-k: serials 45 and 48 are applied while the stream stays open" \
    wait_for 10 sh -c "'$T/mirrorstate' '$T/db' MIRROR | grep -qx 'serial 48'"
state > "$T/k1"
check "-k: the mirror holds aut-num AS65000 and route 192.0.2.0/25 (DEL 46 of a missing object)" \
    sh -c "grep -qx 'aut-num AS65000' '$T/k1' && grep -qx 'route 192.0.2.0/25AS65000' '$T/k1' &&
           grep -qx 'objects 2' '$T/k1'"
if command -v ss >/dev/null 2>&1; then
    check "-k: the connection has TCP keepalive (idle 60 s)" \
        sh -c "ss -tno state established '( dport = :$PORT )' | grep -q 'timer:(keepalive'"
fi
t0=$(date +%s)
kill -TERM "$mirror_pid"
wait "$mirror_pid"; mrc=$?
t1=$(date +%s)
mirror_pid=
check "SIGTERM: exit 0 within 2 s" sh -c "[ $mrc -eq 0 ] && [ $((t1 - t0)) -le 2 ]"
check "SIGTERM: end=shutdown logged" grep -q 'end=shutdown' "$T/klog"

# --- read timeout: reconnect from the serial reached -----------------------
cp "$G/7.3b-persistent/stream" "$T/t.hold"
fake "$T/t.hold"
rm -rf "$T/db"
"$BIN/autodbm-mirror" -c "$T/conf" -f > "$T/tlog" 2>&1 &
mirror_pid=$!
check "read timeout (3 s): end=timeout, then a new request from 49" \
    wait_for 15 sh -c "grep -q 'end=timeout' '$T/tlog' && grep -qx -- '-g TEST:3:49-LAST -k' '$T/requests'"
kill -TERM "$mirror_pid"; wait "$mirror_pid"; mirror_pid=

# --- two sources: one process each, SIGTERM stops them all ---------------
fake "$G/7.1-v3-gap/stream"
rm -rf "$T/db"
printf '%s\n' "mirror = SECOND 127.0.0.1:$PORT TEST" >> "$T/conf"
"$BIN/autodbm-mirror" -c "$T/conf" -f > "$T/two.log" 2>&1 &
mirror_pid=$!
check "two sources: both reach serial 44 (the answer of their first request)" \
    wait_for 15 sh -c "'$T/mirrorstate' '$T/db' MIRROR | grep -qx 'serial 44' &&
                       '$T/mirrorstate' '$T/db' SECOND | grep -qx 'serial 44'"
check "two sources: one process each under the one started" \
    sh -c "[ \$(pgrep -P $mirror_pid | wc -l) -eq 2 ]"
kill -TERM "$mirror_pid"
wait "$mirror_pid"; mrc=$?
mirror_pid=
check "two sources: SIGTERM, exit 0" test $mrc -eq 0

# --- a class this registry does not know: kept as text, then deleted ------
# (dn42's schema; its source: names the own source, TEST, and it still
# lands in MIRROR only); a first value longer than the store's keys is
# skipped and counted, the stream goes on
long=$(awk 'BEGIN { while (n++ < 600) printf "Y" }')
printf '%s\n' '%START Version: 3 TEST 41-42' '' 'ADD 41' '' \
    'schema:         FOO-SCHEMA' 'ref:            test.foo' 'source:         TEST' '' \
    'ADD 42' '' "schema:         $long" 'source:         TEST' '' '%END TEST' > "$T/oc.add"
printf '%s\n' '%START Version: 3 TEST 43-43' '' 'DEL 43' '' \
    'schema:         FOO-SCHEMA' 'ref:            test.foo' 'source:         TEST' '' \
    '%END TEST' > "$T/oc.del"
rm -rf "$T/db"
fake "$T/oc.add" "$T/oc.del"
once
check "unknown class: --once applies the ADD (0), the long key counted as unusable" \
    sh -c "[ $rc -eq 0 ] && grep -q 'batch=41-42 serial=42 adds=1 dels=0 unusable=1 unusable-serial=42' '$T/log' &&
           grep -q 'end=complete serial=42' '$T/log'"
"$BIN/autodbm-query" -c "$T/conf" -rB -s MIRROR -T schema foo-schema > "$T/q1" 2>&1; rc=$?
check "unknown class: found by -s MIRROR -T schema KEY after the ADD" \
    sh -c "[ $rc -eq 0 ] && grep -qx 'schema:         FOO-SCHEMA' '$T/q1' && grep -qx 'source:         TEST' '$T/q1'"
"$BIN/autodbm-query" -c "$T/conf" -r FOO-SCHEMA > "$T/q2" 2>&1; rc=$?
check "unknown class: not in the own source (its source: TEST notwithstanding)" \
    sh -c "[ $rc -eq 1 ] && grep -q 'no entries found' '$T/q2'"
once
check "unknown class: the DEL applied (0), a new request from 43" \
    sh -c "[ $rc -eq 0 ] && grep -q 'batch=43-43 serial=43 adds=0 dels=1' '$T/log' &&
           grep -qx -- '-g TEST:3:43-LAST' '$T/requests'"
"$BIN/autodbm-query" -c "$T/conf" -rB -s MIRROR -T schema foo-schema > "$T/q3" 2>&1; rc=$?
check "unknown class: -T schema after the DEL: no source has the class now (64)" \
    sh -c "[ $rc -eq 64 ] && grep -q 'unknown object type \"schema\"' '$T/q3'"
"$BIN/autodbm-query" -c "$T/conf" -rB -s MIRROR foo-schema > "$T/q4" 2>&1; rc=$?
check "unknown class: not found by its key after the DEL (1)" \
    sh -c "[ $rc -eq 1 ] && grep -q 'no entries found' '$T/q4'"
check "unknown class: every log line is KEY=VALUE pairs of README" \
    awk -f "$SRC/tests/tools/logcheck.awk" -v readme="$SRC/README" "$T/log"

# --- refused configurations and usage --------------------------------------
printf '%s\n' "source = TEST" "database = db" "mirror = test 127.0.0.1:1 OTHER" > "$T/own.conf"
"$BIN/autodbm-mirror" -c "$T/own.conf" --once > "$T/own.log" 2>&1; rc=$?
check "a mirror line for the own source: exit 78, said so" \
    sh -c "[ $rc -eq 78 ] && grep -q \"TEST is this registry's own source\" '$T/own.log'"
"$BIN/autodbm-mirror" -c "$T/conf" --once NOSUCH > "$T/ns.log" 2>&1; rc=$?
check "an unknown SOURCE argument: exit 78" \
    sh -c "[ $rc -eq 78 ] && grep -q 'no mirror line for source NOSUCH' '$T/ns.log'"
printf '%s\n' "source = TEST" "database = db" > "$T/none.conf"
"$BIN/autodbm-mirror" -c "$T/none.conf" > "$T/none.log" 2>&1; rc=$?
check "no mirror lines: exit 78 (before becoming a daemon)" test $rc -eq 78
"$BIN/autodbm-mirror" --bogus > /dev/null 2>&1; rc=$?
check "an unknown option: exit 64" test $rc -eq 64

echo "# $n checks"
