#!/bin/sh
# delivery.sh - outgoing mail end to end: SMTP delivery to a test sink
# (tests/tools/smtpsink.c), queueing while no server listens, autodbm-flush
# delivering each queued message exactly once, permanent (550) and
# temporary (451) recipient failures, and Maildir delivery.
#
# The demo registry and conf/demo/sample.mail give one ack (FAILED: the
# PEER-MNT route is refused) and three notifications:
#   admin@example.net       the ack (the mail's From:)
#   hostmaster@example.net  mnt-nfy of DEMO-MNT
#   jane@example.net        notify: of the new person
#   security@peer.example   upd-to of PEER-MNT (auth failure)
#
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-delivery.XXXXXX") || exit 1
sink_pid=
cleanup() {
    [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
# is FILE COUNT: FILE has COUNT lines
lines() { test "$(grep -c '' "$1")" -eq "$2"; }

# The sink, built without sanitizers (it is a test tool, not the product).
if ! cc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
        -o "$T/smtpsink" "$SRC/tests/tools/smtpsink.c" 2>"$T/cc.err"; then
    check "tests/tools/smtpsink.c builds" false
    cat "$T/cc.err" | sed 's/^/# /'
    exit 1
fi

# start_sink DIR [ARGS...]: run the sink on $PORT (or any port if $PORT
# is empty), wait for it to listen, set $sink_pid and $PORT.
start_sink() {
    dir=$1; shift
    mkdir -p "$dir"
    rm -f "$T/port"
    "$T/smtpsink" -p "${PORT:-0}" -t 120 "$@" "$dir" >"$T/port" 2>>"$dir.log" &
    sink_pid=$!
    i=0
    while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do
        kill -0 "$sink_pid" 2>/dev/null || break
        sleep 0.05; i=$((i + 1))
    done
    PORT=$(cat "$T/port" 2>/dev/null)
    [ -n "$PORT" ]
}
stop_sink() {
    [ -n "$sink_pid" ] || return 0
    kill "$sink_pid" 2>/dev/null
    wait "$sink_pid" 2>/dev/null
    sink_pid=
}

# mkconf DIR DELIVERY: a configuration below DIR, the demo registry loaded
mkconf() {
    mkdir -p "$1"
    cat > "$1/autodbm.conf" <<CONF
source = TEST
database = db
robot_address = auto-dbm@example.net
delivery = $2
smtp_server = 127.0.0.1:${PORT:-25}
outbox = outbox
gnupg_home = gnupg
archive = archive
CONF
    "$BIN/autodbm-load" -c "$1/autodbm.conf" "$SRC/conf/demo/registry.rpsl" >/dev/null
}

# Recipients (envelope) of the messages in a sink directory, sorted.
envelope_to() { cat "$1"/*.eml 2>/dev/null | sed -n 's/^X-Envelope-To: <\(.*\)>$/\1/p' | sort; }
ALL4=$(printf '%s\n' admin@example.net hostmaster@example.net jane@example.net \
    security@peer.example | sort)

# ---------------------------------------------------------------- SMTP
# A port with nobody listening: take one from the sink, then stop it.
PORT=
start_sink "$T/probe"
stop_sink
check "a free port for the SMTP server ($PORT)" test -n "$PORT"

mkconf "$T/a" smtp
CA=$T/a/autodbm.conf
AUTODBM_LOG_STDERR=1 "$BIN/autodbm" -c "$CA" -t 2026-01-01T12:00:00Z \
    < "$SRC/conf/demo/sample.mail" >"$T/robot.out" 2>"$T/robot.err"; rc=$?
check "no SMTP server: the mail is still handled (exit 0)" test $rc -eq 0
check "no SMTP server: the failed delivery is logged" grep -q "delivered=0 queued=4 delivery-error=\"" "$T/robot.err"
LC="awk -f $SRC/tests/tools/logcheck.awk -v readme=$SRC/README"
check "... in a strict key=value line (README Logging)" $LC "$T/robot.err"
check "the update was applied" sh -c "'$BIN/autodbm-query' -c '$CA' -r 192.0.2.192 | grep -q DEMO-CUSTOMER-C"
"$BIN/autodbm-flush" -c "$CA" >"$T/flush.out" 2>"$T/flush.err"; rc=$?
check "autodbm-flush without a server exits 75" test $rc -eq 75
check "... and says all 4 messages stay queued" grep -qx "delivered 0, left queued 4" "$T/flush.out"

start_sink "$T/sink1"
check "the sink listens on the same port" test -n "$sink_pid"
"$BIN/autodbm-flush" -c "$CA" >"$T/flush.out" 2>"$T/flush.err"; rc=$?
check "autodbm-flush with the server exits 0" test $rc -eq 0
check "... and says 4 delivered, none left" grep -qx "delivered 4, left queued 0" "$T/flush.out"
check "the sink received 4 messages" test "$(ls "$T/sink1" | grep -c '\.eml$')" -eq 4
check "one message per recipient, each recipient once" test "$(envelope_to "$T/sink1")" = "$ALL4"
ok_to=1
for f in "$T"/sink1/*.eml; do
    env=$(sed -n 's/^X-Envelope-To: <\(.*\)>$/\1/p' "$f")
    # the header block of the message itself
    sed -n '/^X-Envelope/d; /^$/q; p' "$f" > "$T/hdr"
    [ "$(grep -ci '^To:' "$T/hdr")" -eq 1 ] || ok_to=0
    grep -qix "To: $env" "$T/hdr" || ok_to=0
    grep -qix "From: auto-dbm@example.net" "$T/hdr" || ok_to=0
    case $env in
        admin@example.net) cp "$T/hdr" "$T/ack.hdr"; cp "$f" "$T/ack.eml" ;;
        *) cat "$T/hdr" >> "$T/notify.hdr" ;;
    esac
done
check "each message has exactly one To:, its envelope recipient, From: the robot" test $ok_to -eq 1
check "the ack is auto-replied" grep -qx "Auto-Submitted: auto-replied" "$T/ack.hdr"
check "the ack answers the mail (In-Reply-To)" grep -qx "In-Reply-To: <demo-1@example.net>" "$T/ack.hdr"
check "the ack's subject" grep -qx "Subject: FAILED: demo update" "$T/ack.hdr"
check "the ack's body reports the failure" grep -q "^Number of objects processed with errors: *1" "$T/ack.eml"
check "notifications are auto-generated (3)" test "$(grep -cx "Auto-Submitted: auto-generated" "$T/notify.hdr")" -eq 3
check "notifications carry no In-Reply-To" sh -c "! grep -qi '^In-Reply-To:' '$T/notify.hdr'"
"$BIN/autodbm-flush" -c "$CA" >"$T/flush.out" 2>"$T/flush.err"; rc=$?
check "a second flush exits 0 and delivers nothing" sh -c "test $rc -eq 0 && grep -qx 'delivered 0, left queued 0' '$T/flush.out'"
check "... the sink still holds 4 messages" test "$(ls "$T/sink1" | grep -c '\.eml$')" -eq 4
# The same mail again (an MTA redelivery): handled before, not answered twice.
"$BIN/autodbm" -c "$CA" -t 2026-01-01T12:00:00Z < "$SRC/conf/demo/sample.mail" >/dev/null 2>&1; rc=$?
check "a redelivered mail exits 0 and sends nothing more" sh -c "test $rc -eq 0 && test \$(ls '$T/sink1' | grep -c '\.eml\$') -eq 4"
stop_sink

# 550 for one recipient, 451 for another, the robot delivering directly.
mkconf "$T/b" smtp
CB=$T/b/autodbm.conf
start_sink "$T/sink2" -r security@peer.example -f jane@example.net
AUTODBM_LOG_STDERR=1 "$BIN/autodbm" -c "$CB" -t 2026-01-01T12:00:00Z \
    < "$SRC/conf/demo/sample.mail" >"$T/robot.out" 2>"$T/robot.err"; rc=$?
check "with 550 and 451 recipients the robot exits 0" test $rc -eq 0
check "the other two were delivered" test "$(envelope_to "$T/sink2")" = "$(printf 'admin@example.net\nhostmaster@example.net')"
check "the 550 recipient was tried" grep -q "RCPT <security@peer.example> 550" "$T/sink2.log"
check "the refused message is logged with its recipient" \
    grep -q "delivery=dropped queue-id=[0-9]* to=security@peer.example reason=\"smtp 127.0.0.1:$PORT refused it for good: 550" "$T/robot.err"
check "... in a strict key=value line (README Logging)" $LC "$T/robot.err"
"$BIN/autodbm-flush" -c "$CB" >"$T/flush.out" 2>"$T/flush.err"; rc=$?
check "the 451 message stays queued (flush exits 75)" test $rc -eq 75
check "... only it: 1 left queued, the 550 one was dropped" grep -qx "delivered 0, left queued 1" "$T/flush.out"
check "the 451 recipient was tried again" test "$(grep -c "RCPT <jane@example.net> 451" "$T/sink2.log")" -eq 2
stop_sink
start_sink "$T/sink2"
"$BIN/autodbm-flush" -c "$CB" >"$T/flush.out" 2>"$T/flush.err"; rc=$?
check "once accepted the 451 message is delivered (exit 0, 1 delivered)" \
    sh -c "test $rc -eq 0 && grep -qx 'delivered 1, left queued 0' '$T/flush.out'"
check "the 550 recipient never got mail, the others once each" \
    test "$(envelope_to "$T/sink2")" = "$(printf 'admin@example.net\nhostmaster@example.net\njane@example.net')"
stop_sink

# ------------------------------------------------------------- Maildir
PORT=
mkconf "$T/m" maildir
"$BIN/autodbm" -c "$T/m/autodbm.conf" -t 2026-01-01T12:00:00Z \
    < "$SRC/conf/demo/sample.mail" >"$T/robot.out" 2>"$T/robot.err"; rc=$?
check "maildir delivery: exit 0" test $rc -eq 0
check "one file per message in outbox/new (4)" test "$(ls "$T/m/outbox/new" | wc -l)" -eq 4
check "nothing left in outbox/tmp" test -z "$(ls -A "$T/m/outbox/tmp")"
check "each file has one To:, the 4 recipients once each" \
    test "$(cat "$T"/m/outbox/new/* | grep -i '^To:' | sed 's/^To: //I' | sort)" = "$ALL4"
check "the ack in the outbox answers the mail" \
    sh -c "grep -l '^Auto-Submitted: auto-replied' '$T'/m/outbox/new/* | xargs grep -qx 'In-Reply-To: <demo-1@example.net>'"
"$BIN/autodbm-flush" -c "$T/m/autodbm.conf" >"$T/flush.out" 2>&1; rc=$?
check "maildir: nothing queued afterwards" sh -c "test $rc -eq 0 && grep -qx 'delivered 0, left queued 0' '$T/flush.out'"
