#!/bin/sh
# logformat.sh - the log lines are machine-parseable (README "Logging",
# include/util/logline.h): tests/tools/logcheck.awk, the strict reader, refuses
# what is not KEY=VALUE with quoted and escaped values and keys the
# README does not list; every key and outcome the sources write is
# listed; and lines of the robot with awkward values (a Message-ID with
# quotes, spaces and a backslash, a configuration error quoting a key, a
# store error, a mail with no object: outcome=no-update, a bounce,
# mistyped passwords) parse.  The replay cases (tests/cases/run) and
# delivery.sh run the same reader on every line they produce.
#
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-logformat.XXXXXX") || exit 1
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
LC="awk -f $SRC/tests/tools/logcheck.awk -v readme=$SRC/README"
TIME=2026-01-01T12:00:00Z

# ------------------------------------------------ the reader is strict
printf '%s\n' \
 'autodbm: message-id=<a@b> from=x@example.net size=850+ outcome=applied objects=3 ok=2 failed=1 notifications=3 delivered=4 queued=0 time=17ms' \
 'autodbm: message-id=none from=none size=1 outcome=dropped reason="a \"b\" \\ c\n\x01" time=2ms' \
 'autodbm: temporary failure: store: /x/data.mdb: Permission denied' \
 'autodbm: already handled on 2026-01-01T12:00:00Z (ok=1 failed=0): x' \
 'autodbm-flush: delivery=dropped queue-id=3 to=a@b reason="smtp 127.0.0.1:25 refused it for good: 550 x"' > "$T/good"
check "the reader takes well-formed lines" $LC "$T/good"
bad() { # NAME LINE: the reader refuses LINE
    printf '%s\n' "$2" > "$T/bad"
    check "the reader refuses $1" sh -c "! $LC '$T/bad' >/dev/null"
}
bad "free text among the pairs (the old delivery:)" \
    'autodbm: message-id=<a@b> outcome=applied delivered=0 queued=4 delivery: 0 delivered, 4 left queued: x time=1ms'
bad "an unescaped quote in a quoted value" 'autodbm: outcome=dropped reason="a "b" c" time=1ms'
bad "a space in a bare value" 'autodbm: from=x y@example.net time=1ms'
bad "an empty bare value" 'autodbm: reason= time=1ms'
bad "two spaces between pairs" 'autodbm: outcome=applied  time=1ms'
bad "a raw control byte" "$(printf 'autodbm: reason="a\tb"')"
bad "an unknown escape" 'autodbm: reason="a\qb"'
bad "an unterminated quote" 'autodbm: reason="ab'
bad "a key the README does not list" 'autodbm: outcome=applied colour=blue'
bad "an outcome the README does not list" 'autodbm: outcome=partly'
bad "a line for people of an unknown form" 'autodbm: something happened'
bad "a line without the program" 'outcome=applied'

# ------------------------------------------------ the sources' keys and outcomes are listed
sed -n 's/.*logline_kv([^,]*, "\([a-z0-9-]*\)".*/\1/p' "$SRC"/src/*/*.c | sort -u > "$T/keys"
check "the sources write keys (found $(wc -l < "$T/keys"))" test "$(wc -l < "$T/keys")" -ge 20
sed 's/^\(.*\)$/autodbm: \1=x/; s/^autodbm: outcome=x$/autodbm: outcome=applied/' "$T/keys" > "$T/keylines"
check "... each is listed in the README's Logging paragraph" $LC "$T/keylines"
grep -ho 'outcome = [^;]*' "$SRC"/src/robot/*.c "$SRC/src/registry/submit.c" | grep -o '"[a-z-]*"' | tr -d '"' | sort -u > "$T/outcomes"
check "the robot sets outcomes (found $(wc -l < "$T/outcomes"))" test "$(wc -l < "$T/outcomes")" -ge 9
sed 's/^\(.*\)$/autodbm: outcome=\1/' "$T/outcomes" > "$T/outlines"
check "... each is listed in the README's Logging paragraph" $LC "$T/outlines"

# ------------------------------------------------ the robot's lines
mkdir -p "$T/r"
maildir_conf "$T/r/autodbm.conf" "archive = archive" "lock_timeout = 1"
"$BIN/autodbm-load" -q -c "$T/r/autodbm.conf" "$SRC/conf/demo/registry.rpsl" >/dev/null
export AUTODBM_LOG_STDERR=1
# robot [CONF] < MAIL: one run, its stderr appended to $T/log and in $T/err
robot() {
    "$BIN/autodbm" -c "${1:-$T/r/autodbm.conf}" -t "$TIME" >/dev/null 2>"$T/err"; rc=$?
    cat "$T/err" >> "$T/log"
}
mail() { # MESSAGE-ID BODY
    printf 'From: Someone <someone@example.org>\nTo: auto-dbm@example.net\nSubject: x\nDate: Thu, 01 Jan 2026 11:59:00 +0000\nMessage-ID: %s\n\n%s\n' "$1" "$2"
}
: > "$T/log"

mail '<no-update@example.org>' 'Hello, just text.' | robot
check "a mail with no object: outcome=no-update, the ack's error as reason" \
    grep -q '^autodbm: message-id=<no-update@example.org> from=someone@example.org size=[0-9]* outcome=no-update reason="No valid update found" objects=0 ok=0 failed=0 notifications=0 delivered=1 queued=0 time=[0-9]*ms$' "$T/err"

mail '<we"ird \x@example.org>' 'Hello.' | robot
check "a Message-ID with a quote, a space and a backslash is quoted and escaped" \
    grep -q '^autodbm: message-id="<we\\"ird \\\\x@example.org>" from=' "$T/err"

mail '<mistyped@example.org>' "$(printf 'person: A B\naddress: x\ne-mail: a@b.example\nnic-hdl: AUTO-1\nmnt-by: DEMO-MNT\nsource: TEST\npasswrd: secret\n')" | robot
check "mistyped passwords are counted as a pair" grep -q ' mistyped-passwords=1 ' "$T/err"

printf 'From: MAILER-DAEMON@example.org\nTo: auto-dbm@example.net\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <bounce@example.org>\nReturn-Path: <>\n\nx\n' | robot
check "a bounce: outcome=dropped with the reason quoted" \
    grep -q ' outcome=dropped reason="a bounce or delivery report" time=' "$T/err"

printf 'source = TEST\nrobot_address = "quoted"\n' > "$T/bad.conf"
mail '<conf@example.org>' 'x' | robot "$T/bad.conf"
check "an invalid configuration: outcome=tempfail, the quotes of the message escaped" \
    grep -q '^autodbm: outcome=tempfail reason="configuration: .*bad.conf:2: robot_address: not a mail address: \\"\\"quoted\\"\\"" time=[0-9]*ms$' "$T/err"

if command -v flock >/dev/null 2>&1; then
    flock -o "$T/r/db/writer.lock" sleep 30 &
    holder=$!
    sleep 0.3
    mail '<locked@example.org>' 'x' | robot
    kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; holder=
    check "a locked store: outcome=tempfail, 'store:' once" \
        grep -q ' outcome=tempfail reason="store: still locked by another writer after 1 s" time=' "$T/err"
fi
mail '<no-update@example.org>' 'Hello, just text.' | robot
check "the same mail again: outcome=already-handled" grep -q ' outcome=already-handled reason=' "$T/err"

check "every line the robot wrote parses, with listed keys" $LC "$T/log"
check "... and there were log lines ($(grep -c 'message-id=\|outcome=' "$T/log"))" \
    test "$(grep -c 'outcome=' "$T/log")" -ge 7
