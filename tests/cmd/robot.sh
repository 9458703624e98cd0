#!/bin/sh
# robot.sh - the command-line contract of autodbm (INTERFACE.md): -h, -V,
# usage errors (64), -t, the dry run -n, parse-only -p on RIPE's unsigned
# test mails, and exit 75 with nothing changed when the configuration is
# unusable or the store cannot be written.
#
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILS=$SRC/../shared/corpus/ripe-testmail
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-robot.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }

# mkconf DIR: a maildir configuration below DIR with the demo registry
mkconf() {
    maildir_conf "$1/autodbm.conf" "gnupg_home = gnupg" "archive = archive"
    "$BIN/autodbm-load" -c "$1/autodbm.conf" "$SRC/conf/demo/registry.rpsl" >/dev/null
}
# snapshot CONF FILE: what the queries show of the demo registry and the queue
snapshot() {
    {
        "$BIN/autodbm-query" -c "$1" -r -B -i mnt-by DEMO-MNT
        "$BIN/autodbm-query" -c "$1" -r -B -M 192.0.2.0/24
        "$BIN/autodbm-query" -c "$1" -r -B -T person 'Jane Doe'
        "$BIN/autodbm-query" -c "$1" -r -B AS64500
    } > "$2" 2>&1
}
# is the queue empty and nothing delivered?  (flush moves queued mail out)
nothing_sent() { # DIR
    test ! -d "$1/outbox/new" || test -z "$(ls -A "$1/outbox/new")"
}
queue_empty() { # CONF
    out=$("$BIN/autodbm-flush" -c "$1") && test "$out" = "delivered 0, left queued 0"
}
MAIL=$SRC/conf/demo/sample.mail
TIME=2026-01-01T12:00:00Z

# ---------------------------------------------------------------- options
"$BIN/autodbm" -h >"$T/out" 2>"$T/err"; rc=$?
check "-h exits 0" test $rc -eq 0
check "-h prints the usage on stdout" grep -q "^usage: autodbm .*-n.*-p.*-t" "$T/out"
"$BIN/autodbm" -V >"$T/out" 2>"$T/err"; rc=$?
check "-V exits 0 and prints 'autodbm VERSION'" sh -c "test $rc -eq 0 && grep -Eqx 'autodbm [0-9]+\.[0-9]+\.[0-9]+' '$T/out'"
"$BIN/autodbm" -Z </dev/null >"$T/out" 2>"$T/err"; rc=$?
check "an unknown option exits 64" test $rc -eq 64
check "... with the usage on stderr" grep -q "^usage: autodbm" "$T/err"
"$BIN/autodbm" extra </dev/null >"$T/out" 2>"$T/err"; rc=$?
check "an operand exits 64" test $rc -eq 64
"$BIN/autodbm" -c </dev/null >"$T/out" 2>"$T/err"; rc=$?
check "-c without its argument exits 64" test $rc -eq 64

mkconf "$T/o"
CO=$T/o/autodbm.conf
snapshot "$CO" "$T/before"
for t in yesterday 2026-13-01T00:00:00Z 2026-04-14 2026-04-14T11:33:44Zjunk 2026-04-14T11:33:44+02:00 ""; do
    "$BIN/autodbm" -c "$CO" -t "$t" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
    check "-t '$t' exits 64" test $rc -eq 64
done
check "... the time is named in the message" grep -q -- "-t: expected a time like" "$T/err"
snapshot "$CO" "$T/after"
check "... and nothing changed or was sent" sh -c "cmp -s '$T/before' '$T/after' && test ! -e '$T/o/outbox'"

# ---------------------------------------------------------------- -n
"$BIN/autodbm" -c "$CO" -n -t "$TIME" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
check "-n exits 0" test $rc -eq 0
check "-n prints the ack's subject first" sh -c "head -n 1 '$T/out' | grep -qx 'Subject: FAILED: demo update'"
check "-n prints the ack: the person and inetnum would be created" \
    sh -c "grep -q '^Create SUCCEEDED: \[person\] *JD1-TEST *Jane Doe' '$T/out' && grep -q '^Create SUCCEEDED: \[inetnum\] *192.0.2.192 - 192.0.2.255' '$T/out'"
check "-n prints the ack: the route fails authorisation" grep -q "^Create FAILED: \[route\] *198.51.100.0/24AS64500" "$T/out"
snapshot "$CO" "$T/after"
check "-n changes nothing in the store" cmp "$T/before" "$T/after"
check "-n sends nothing" nothing_sent "$T/o"
check "-n queues nothing" queue_empty "$CO"
"$BIN/autodbm" -c "$CO" -t "$TIME" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
snapshot "$CO" "$T/after"
check "-n does not mark the mail handled: the real run applies it" \
    sh -c "test $rc -eq 0 && ! cmp -s '$T/before' '$T/after' && grep -q '^inetnum: *192.0.2.192 - 192.0.2.255' '$T/after'"
check "... and answers it (4 messages)" test "$(ls "$T/o/outbox/new" | wc -l)" -eq 4
check "... each with a Message-ID in the robot's domain (robot_address), not the host's" \
    test "$(cat "$T/o/outbox/new/"* | grep -ci '^Message-Id: <[^@]*@example.net>$')" -eq 4
"$BIN/autodbm" -c "$CO" -n -t 2026-01-02T08:00:00Z < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
check "-n of a mail handled before: exit 0, nothing on stdout" sh -c "test $rc -eq 0 && test ! -s '$T/out'"
check "... says on stderr that it was handled, and when (one line)" \
    sh -c "test \$(grep -c '' '$T/err') -eq 1 && grep -q '^autodbm: already handled on 2026-01-01T12:00:00Z (ok=2 failed=1): ' '$T/err'"

# ---------------------------------------------------------------- -p
# RIPE's parser tests (shared/corpus/ripe-mails/INDEX.txt) for the unsigned
# mails: one piece each, and its leading content.
P=$T/p
mkdir -p "$P"
printf 'source = TEST\ndatabase = db\ndelivery = maildir\noutbox = outbox\n' > "$P/autodbm.conf"
# piece_check NAME MAIL NPIECES EXPECTED-LEADING-LINES
piece_check() {
    "$BIN/autodbm" -c "$P/autodbm.conf" -p < "$MAILS/$2.mail" >"$T/p.out" 2>"$T/p.err"; prc=$?
    check "-p $2: exit 0" test $prc -eq 0
    check "-p $2: $3 piece(s), each marked unsigned" \
        sh -c "test \$(grep -c '^% piece [0-9]*: ' '$T/p.out') -eq $3 && test \$(grep -cx '% piece [0-9]*: unsigned' '$T/p.out') -eq $3 && head -n 1 '$T/p.out' | grep -qx '% piece 1: unsigned'"
    nl=$(printf '%s\n' "$4" | grep -c '')
    printf '%s\n' "$4" > "$T/p.want"
    sed -n "2,$((nl + 1))p" "$T/p.out" > "$T/p.got"
    check "-p $2: $1" diff "$T/p.want" "$T/p.got"
}
if [ -d "$MAILS" ]; then
    piece_check "starts with the two passwords, then the as-set" multipartAlternativeUnsigned 1 \
"password: password
password: password

as-set:      AS198792:AS-TEST"
    check "-p multipartAlternativeUnsigned: only the text/plain part (no HTML)" \
        sh -c "! grep -qi '<div\|<html' '$T/p.out' && test \$(grep -c '^as-set:' '$T/p.out') -eq 2"
    piece_check "the as-set of the binary text/plain part" multipartMixedUnsigned 1 \
"as-set:          AS1273:AS-CWW-V6
descr:           Cable & Wireless customers and PA IPv6 space"
    check "-p multipartMixedUnsigned: not read as a bounce; the members are there" \
        grep -q '^members: *AS-SURFNET' "$T/p.out"
    piece_check "the inetnum" simplePlainTextUtf8Encoded 1 \
"inetnum: 10.0.0.0 - 10.0.0.255
status:ASSIGNED PI"
    check "-p simplePlainTextUtf8Encoded: the body decoded as UTF-8" \
        grep -qx 'descr:Юникодное описание' "$T/p.out"
    piece_check "the first inetnum" simplePlainTextUnsigned 1 \
"inetnum: 109.69.68.0 - 109.69.68.7
netname: delete"
    check "-p simplePlainTextUnsigned: two inetnum paragraphs, the delete: line" \
        sh -c "test \$(grep -c '^inetnum: 109.69.68.0 - 109.69.68.7' '$T/p.out') -eq 2 && grep -qx 'delete: new subnet size' '$T/p.out'"
    "$BIN/autodbm" -c "$P/autodbm.conf" -p < "$MAILS/simpleHtmlTextUnsigned.mail" >"$T/p.out" 2>"$T/p.err"; prc=$?
    check "-p simpleHtmlTextUnsigned: exit 0, no piece (text/html only)" \
        sh -c "test $prc -eq 0 && ! grep -q '^% piece' '$T/p.out'"
    check "-p changes nothing: no store, no outbox created" \
        sh -c "test ! -e '$P/db' && test ! -e '$P/outbox'"
else
    check "corpus present at $MAILS" false
fi
cp "$T/after" "$T/before"
"$BIN/autodbm" -c "$CO" -p < "$MAIL" >"$T/p.out" 2>"$T/p.err"; prc=$?
snapshot "$CO" "$T/after"
check "-p on a registry: the piece is printed, the store unchanged, nothing sent" \
    sh -c "test $prc -eq 0 && grep -q '^person: *Jane Doe' '$T/p.out' && cmp -s '$T/before' '$T/after' && test \$(ls '$T/o/outbox/new' | wc -l) -eq 4"

# ---------------------------------------------------------------- exit 75
# An unusable configuration: the mail must be kept (src/robot/main.c), so 75.
"$BIN/autodbm" -c "$T/missing.conf" -t "$TIME" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
check "a missing configuration file exits 75 (mail kept)" test $rc -eq 75
check "... naming the file" grep -q "missing.conf" "$T/err"
printf 'source = TEST\nbogus_key = 1\n' > "$T/bad.conf"
"$BIN/autodbm" -c "$T/bad.conf" -t "$TIME" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
check "an invalid configuration exits 75 (mail kept)" test $rc -eq 75
check "... naming file and line" grep -q "bad.conf:2: unknown key" "$T/err"
mkdir -p "$T/confdir"
AUTODBM_CONF=$T/confdir "$BIN/autodbm" -t "$TIME" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
check "\$AUTODBM_CONF naming a directory exits 75" test $rc -eq 75

# The database path is a file: the store cannot be opened.
mkdir -p "$T/f"
: > "$T/f/db"
printf 'source = TEST\ndatabase = db\ndelivery = maildir\noutbox = outbox\nrobot_address = auto-dbm@example.net\n' > "$T/f/autodbm.conf"
"$BIN/autodbm" -c "$T/f/autodbm.conf" -t "$TIME" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
check "a file where the store directory should be: exit 75" test $rc -eq 75
check "... nothing changed, nothing sent" sh -c "test ! -s '$T/f/db' && test ! -e '$T/f/outbox'"

# The store read-only: a read-only bind mount (root) or permissions (others).
mkconf "$T/r"
CR=$T/r/autodbm.conf
snapshot "$CR" "$T/before"
ro_run() { # run the robot with $T/r/db read-only; sets rc
    if [ "$(id -u)" != 0 ]; then
        chmod a-w "$T/r/db" "$T/r/db"/*
        "$BIN/autodbm" -c "$CR" -t "$TIME" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
        chmod u+w "$T/r/db" "$T/r/db"/*
        return 0
    fi
    unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1"' sh "$T/r/db" 2>/dev/null || return 1
    unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"' \
        sh "$T/r/db" "$BIN/autodbm" -c "$CR" -t "$TIME" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
    return 0
}
if ro_run; then
    check "a read-only store: exit 75" test $rc -eq 75
    snapshot "$CR" "$T/after"
    check "... the store unchanged" cmp "$T/before" "$T/after"
    check "... nothing sent" nothing_sent "$T/r"
    check "... nothing queued" queue_empty "$CR"
    "$BIN/autodbm" -c "$CR" -t "$TIME" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
    check "... and the retry once it is writable applies the mail and answers it" \
        sh -c "test $rc -eq 0 && test \$(ls '$T/r/outbox/new' | wc -l) -eq 4"
else
    skip "a read-only store: exit 75" "no read-only bind mount here (unshare -m)"
fi
