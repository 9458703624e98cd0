#!/bin/sh
# concurrency.sh - several deliveries at once and several mails during an
# SMTP outage:
#   - 8 robots started at once (the store serialises the writers): all
#     exit 0, all 8 mails applied, the journal gapless, 8 acks;
#   - 5 mails while no SMTP server listens: each exits 0, every ack and
#     notification stays queued; once the server is back the next robot
#     run (a redelivery of mail 1, itself not answered again) delivers
#     every queued message exactly once; autodbm-flush then finds nothing.
#
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-conc.XXXXXX") || exit 1
sink_pid=
cleanup() {
    [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
PKGS="lmdb zlib libcrypt gmime-3.0 libesmtp-1.0 gpgme"
cc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -I"$SRC/include" \
    -o "$T/crashtool" "$SRC/tests/tools/crashtool.c" "$SRC/build/libautodbm.a" \
    $(pkg-config --libs $PKGS) 2>"$T/cc.err"
check "tests/tools/crashtool.c builds" test -x "$T/crashtool"
cc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
    -o "$T/smtpsink" "$SRC/tests/tools/smtpsink.c" 2>>"$T/cc.err"
check "tests/tools/smtpsink.c builds" test -x "$T/smtpsink"

# mkconf DIR DELIVERY [PORT]
mkconf() {
    mkdir -p "$1"
    cat > "$1/autodbm.conf" <<CONF
source = TEST
database = db
robot_address = auto-dbm@example.net
delivery = $2
smtp_server = 127.0.0.1:${3:-25}
outbox = outbox
archive = archive
CONF
    "$BIN/autodbm-load" -c "$1/autodbm.conf" "$SRC/conf/demo/registry.rpsl" >/dev/null
}
# mail I: creates person CC<I>-TEST, answered to sender<I>@example.net
mail() {
    nm=$(echo "$1" | tr 0-9 A-J)
    cat <<MAIL
From: Sender $1 <sender$1@example.net>
To: auto-dbm@example.net
Message-ID: <conc-$1@example.net>

person:  Concurrent Person$nm
address: Example Street $1
e-mail:  sender$1@example.net
nic-hdl: CC$1-TEST
mnt-by:  DEMO-MNT
source:  TEST

password: demo
MAIL
}
state() { "$T/crashtool" state "$1/db" $2; }

# ---------------------------------------------------------------- 8 at once
mkconf "$T/c" maildir
base=$(state "$T/c" "")
B=$(echo "$base" | sed 's/^last=\([0-9]*\) .*/\1/')
keys=
for i in 1 2 3 4 5 6 7 8; do mail $i > "$T/m$i"; keys="$keys person:CC$i-TEST"; done
pids=
for i in 1 2 3 4 5 6 7 8; do
    ( "$BIN/autodbm" -c "$T/c/autodbm.conf" < "$T/m$i" >/dev/null 2>"$T/e$i"; echo $? > "$T/rc$i" ) &
    pids="$pids $!"
done
wait $pids
check "8 robots at once: all exit 0" test "$(cat "$T"/rc? | sort -u)" = 0
s=$(state "$T/c" "$keys")
check "all 8 mails applied, journal gapless, queue empty ($s)" \
    test "$s" = "last=$((B + 8)) gapless=yes queue=0 present=8"
acks=$(grep -l '^Auto-Submitted: auto-replied' "$T"/c/outbox/new/* | xargs grep -h '^In-Reply-To:' | sort)
check "8 acks, one per mail" test "$(echo "$acks" | sort -u | wc -l)" -eq 8 -a "$(echo "$acks" | wc -l)" -eq 8
check "8 mails archived" test "$(ls "$T"/c/archive/*/*.in | wc -l)" -eq 8

# ---------------------------------------------------------------- outage
PORT=
"$T/smtpsink" -p 0 -t 60 "$T/probe" >"$T/port" 2>/dev/null &
sink_pid=$!
i=0; while [ ! -s "$T/port" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(cat "$T/port"); kill "$sink_pid"; wait "$sink_pid" 2>/dev/null; sink_pid=
check "a free port ($PORT)" test -n "$PORT"
mkconf "$T/s" smtp "$PORT"
allrc=0
for i in 1 2 3 4 5; do
    "$BIN/autodbm" -c "$T/s/autodbm.conf" < "$T/m$i" >/dev/null 2>&1 || allrc=1
done
check "5 mails without an SMTP server: each exits 0" test $allrc -eq 0
s=$(state "$T/s" "$keys")
q=$(echo "$s" | sed 's/.*queue=\([0-9]*\).*/\1/')
check "all 5 applied, their messages queued ($s)" \
    sh -c "echo '$s' | grep -q 'present=5' && test $q -ge 5"
mkdir -p "$T/sink"
"$T/smtpsink" -p "$PORT" -t 60 "$T/sink" >"$T/port" 2>/dev/null &
sink_pid=$!
i=0; while [ ! -s "$T/port" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
"$BIN/autodbm" -c "$T/s/autodbm.conf" < "$T/m1" >/dev/null 2>&1; rc=$?
check "the server back, a redelivery of mail 1 exits 0" test $rc -eq 0
check "... and delivers all $q queued messages (the queue is empty)" \
    test "$(ls "$T/sink" | grep -c '\.eml$')" -eq "$q" -a "$(state "$T/s" "" | sed 's/.*queue=\([0-9]*\).*/\1/')" -eq 0
ids=$(cat "$T"/sink/*.eml | grep -i '^Message-Id:' | sort)
check "... each exactly once (distinct Message-Ids)" test "$(echo "$ids" | sort -u | wc -l)" -eq "$q"
check "... 5 acks, one per mail (mail 1 not answered twice)" \
    test "$(cat "$T"/sink/*.eml | grep -h '^In-Reply-To: <conc-' | sort -u | wc -l)" -eq 5 -a \
         "$(cat "$T"/sink/*.eml | grep -c '^In-Reply-To: <conc-')" -eq 5
out=$("$BIN/autodbm-flush" -c "$T/s/autodbm.conf"); rc=$?
check "autodbm-flush afterwards: nothing left ($out)" test $rc -eq 0 -a "$out" = "delivered 0, left queued 0"
kill "$sink_pid" 2>/dev/null; wait "$sink_pid" 2>/dev/null; sink_pid=
