#!/bin/sh
# mirror.sh - two registries on loopback: A (robot + autodbm-whoisd with
# its NRTM server) and B, whose source AMIRROR autodbm-mirror -k keeps
# equal to A's TEST.  B catches up from serial 0; a mail to A's robot
# reaches B within a few seconds and B's whoisd answers it (-s AMIRROR),
# a delete too; a mail of 300 objects,
# autodbm-mirror (transactions of 7) killed with SIGKILL while it
# applies them and A's
# whoisd restarted: after the restart B's journal has exactly A's
# serials, ADD and DEL alike (no gap, no duplicate), and its objects are
# A's.  SIGTERM stops autodbm-mirror with 0.
#
# Every server runs in the foreground, is stopped by its pid, every wait
# is bounded (generous limits: a sanitizer build on a loaded machine).
# Run by tests/run-check with AUTODBM_BIN and AUTODBM_SRCDIR; prints
# "ok N NAME" / "not ok N NAME".
. "$(dirname "$0")/whoisd.inc"
nrtm() { timeout 60 python3 "$SRC/tests/nrtm/client.py" "$@"; }
export AUTODBM_LOG_STDERR=1

PKGS="lmdb zlib libcrypt gmime-3.0 libesmtp-1.0 gpgme"
cc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -I"$SRC/include" \
    -o "$T/mirrorstate" "$SRC/tests/tools/mirrorstate.c" "$SRC/build/libautodbm.a" \
    $(pkg-config --libs $PKGS) 2>"$T/cc.err"
check "tests/tools/mirrorstate.c builds" test -x "$T/mirrorstate"

# ---------------------------------------------------------------- setup
QPORT=$(free_port)
PORT=$(free_port)
while [ "$PORT" = "$QPORT" ]; do PORT=$(free_port); done
maildir_conf "$T/a/autodbm.conf" "whois_listen = 127.0.0.1:$QPORT" \
    "nrtm_listen = 127.0.0.1:$PORT" "nrtm_access = 127.0.0.1" \
    "nrtm_access_unfiltered = 127.0.0.1" "hierarchical_as_sets = no"
BQPORT=$(free_port)
while [ "$BQPORT" = "$QPORT" ] || [ "$BQPORT" = "$PORT" ]; do BQPORT=$(free_port); done
maildir_conf "$T/b/autodbm.conf" "mirror = AMIRROR 127.0.0.1:$PORT TEST" \
    "whois_listen = 127.0.0.1:$BQPORT" \
    "mirror_poll_interval = 1" "mirror_retry_min = 1" "mirror_retry_max = 2" \
    "mirror_read_timeout = 30" "lock_timeout = 30" "mirror_batch_size = 7"
cat > "$T/fixture.rpsl" <<'EOF'
person:         Net Person
address:        Street 3
phone:          +31 20 000 0001
e-mail:         np@example.net
nic-hdl:        NP1-TEST
mnt-by:         TX-MNT
source:         TEST

mntner:         TX-MNT
admin-c:        NP1-TEST
upd-to:         tx@example.net
auth:           MD5-PW $1$txsaltxx$ewaMfXWvAb3W5ALF54INR0
mnt-by:         TX-MNT
source:         TEST
EOF
check "A: load the fixture (serials 1-2)" \
    sh -c "'$BIN/autodbm-load' -c '$T/a/autodbm.conf' '$T/fixture.rpsl' >/dev/null"
# mail I TEXT: a mail to A's robot with password tx
mail() {
    printf 'From: Tx <tx@example.net>\nTo: auto-dbm@example.net\nMessage-ID: <mirror-%s@example.net>\n\n' "$1"
    printf '%s\n' "$2"
    printf 'password: tx\n'
}
robot() { mail "$1" "$2" | "$BIN/autodbm" -c "$T/a/autodbm.conf" >/dev/null 2>>"$T/robot.err"; }
asset() { printf 'as-set: AS-%s\nmembers: AS65001\nadmin-c: NP1-TEST\ntech-c: NP1-TEST\nmnt-by: TX-MNT\nsource: TEST\n\n' "$1"; }
bstate() { "$T/mirrorstate" "$T/b/db" AMIRROR; }
has() { bstate 2>/dev/null | grep -qx "$1"; }
# waitfor SECONDS COMMAND...: until COMMAND succeeds (checked every 0.1 s)
waitfor() {
    w=$(($1 * 10)); shift
    while [ $w -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; w=$((w - 1)); done
    "$@"
}
startmirror() {
    "$BIN/autodbm-mirror" -c "$T/b/autodbm.conf" -f >> "$T/b/mirror.log" 2>&1 &
    M=$!
    PIDS="$PIDS $M"
}
# newest: A's newest serial, from its -q sources answer (TEST:3:X:1-N)
newest() { nrtm "$PORT" req '-q sources' | sed -n 's/^TEST:3:[XN]:[0-9]*-\([0-9]*\)$/\1/p'; }
ms() { date +%s%3N; }

start "$T/a"
S=$pid
check "A: the NRTM server listens" wait_port "$PORT"
mkdir -p "$T/b"
startmirror

# ------------------------------------------------------------ catching up
check "B: AMIRROR catches up to A's serial 2 (from 0)" waitfor 30 has 'serial 2'
check "B: A's mntner and person are there" \
    sh -c "'$T/mirrorstate' '$T/b/db' AMIRROR | grep -qx 'mntner TX-MNT' &&
           '$T/mirrorstate' '$T/b/db' AMIRROR | grep -qx 'person NP1-TEST'"

# ----------------------------------------------------- a mail, a delete
t0=$(ms)
check "A: mail 1 creates AS-MIR1 (serial 3)" robot 1 "$(asset MIR1)"
check "B: AS-MIR1 arrives within 10 s" waitfor 10 has 'as-set AS-MIR1'
t1=$(ms)
echo "# propagation of a create: $((t1 - t0)) ms (mail to A's robot included)"
check "B: at serial 3" has 'serial 3'
start "$T/b"
BW=$pid
check "B: its whoisd listens" wait_port "$BQPORT"
check "B's whoisd answers -s AMIRROR AS-MIR1 with A's object" \
    sh -c "timeout 60 python3 '$W/client.py' '$BQPORT' send '-r -s AMIRROR AS-MIR1\r\n' | grep -qx 'as-set:         AS-MIR1'"
t0=$(ms)
check "A: mail 2 deletes AS-MIR1 (serial 4)" robot 2 "$(asset MIR1 | sed '/^$/d'; printf 'delete: test\n')"
check "B: AS-MIR1 is gone within 10 s" waitfor 10 sh -c "! '$T/mirrorstate' '$T/b/db' AMIRROR | grep -qx 'as-set AS-MIR1' && '$T/mirrorstate' '$T/b/db' AMIRROR | grep -qx 'serial 4'"
t1=$(ms)
echo "# propagation of a delete: $((t1 - t0)) ms"
check "B's whoisd: -s AMIRROR AS-MIR1 is no longer found" \
    sh -c "timeout 60 python3 '$W/client.py' '$BQPORT' send '-r -s AMIRROR AS-MIR1\r\n' | grep -q '^%ERROR:101: no entries found'"
stop "$BW"
check "B: B's whoisd stopped" test "$stop_rc" = 0
check "B: one log line per batch (source=AMIRROR batch=3-3 ... adds=1)" \
    grep -q 'autodbm-mirror: source=AMIRROR batch=3-3 serial=3 adds=1 dels=0' "$T/b/mirror.log"

# ------------------------- kill -9 while applying, A's server restarted
i=1
while [ $i -le 300 ]; do asset "BURST$i"; echo; i=$((i + 1)); done > "$T/big"
check "A: mail 3 creates 300 as-sets (serials 5-304)" robot 3 "$(cat "$T/big")"
# kill -9 as soon as B has applied some of them (transactions of 7): a
# tight loop (no sleep; at most 30 s), since B may need only a few
# hundred milliseconds for all 300
end=$(($(date +%s) + 30))
while bstate 2>/dev/null | grep -qx 'serial 4' && [ "$(date +%s)" -lt "$end" ]; do :; done
kill -KILL "$M" 2>/dev/null
wait "$M" 2>/dev/null
killed_at=$(bstate | sed -n 's/^serial //p')
echo "# B killed at serial $killed_at"
check "B was killed in the middle of the 300 (at a serial between 5 and 303)" \
    sh -c "[ '$killed_at' -gt 4 ] && [ '$killed_at' -lt 304 ]"
stop "$S"
check "A: the server stopped for its restart" test "$stop_rc" = 0
check "A: mail 4 while the server is down: AS-LATE, and AS-BURST7 deleted" \
    robot 4 "$(asset LATE; echo; asset BURST7 | sed '/^$/d'; printf 'delete: test\n')"
start "$T/a"
S=$pid
check "A: the NRTM server listens again" wait_port "$PORT"
startmirror
A_NEW=$(newest)
check "A: newest serial 306" sh -c "[ '$A_NEW' = 306 ] || { echo got $A_NEW; cat '$T/robot.err'; exit 1; }"
check "B: catches up to 306 after the restarts" waitfor 60 has 'serial 306'
nrtm "$PORT" req '-g TEST:3:1-LAST' | grep -E '^(ADD|DEL) [0-9]+$' > "$T/a.ops"
"$T/mirrorstate" -j "$T/b/db" AMIRROR > "$T/b.ops"
check "B's journal is A's stream, ADD and DEL alike: no gap, no duplicate" \
    sh -c "[ \$(wc -l < '$T/a.ops') -eq 306 ] && diff '$T/a.ops' '$T/b.ops'"
check "B holds the fixture, 299 bursts and AS-LATE (302 objects), not AS-BURST7" \
    sh -c "'$T/mirrorstate' '$T/b/db' AMIRROR > '$T/b.state' && grep -qx 'objects 302' '$T/b.state' &&
           grep -qx 'as-set AS-LATE' '$T/b.state' && ! grep -qx 'as-set AS-BURST7' '$T/b.state'"
check "B: nothing was refused" sh -c "! grep -q 'end=refused' '$T/b/mirror.log'"
check "every log line of autodbm-mirror is KEY=VALUE pairs of README" \
    awk -f "$SRC/tests/tools/logcheck.awk" -v readme="$SRC/README" "$T/b/mirror.log"

stop "$M"
check "SIGTERM stops autodbm-mirror with 0" test "$stop_rc" = 0
stop "$S"
echo "# $n checks"
