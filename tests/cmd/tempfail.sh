#!/bin/sh
# tempfail.sh - every exit 75 of autodbm says why on standard error, in
# one line "autodbm: temporary failure: REASON" (Postfix pipe(8) puts
# the robot's output in the deferral reason that mailq shows): a locked
# store, a data.mdb the robot cannot write, an archive it cannot write, a
# store path that is a file, a missing or invalid configuration.  The
# reason names the cause (the file at fault) and says "store:" once.
# Without AUTODBM_LOG_STDERR, so the line is all there is on stderr.
#
# The unwritable cases run the robot as nobody (setpriv) when the test
# runs as root, whom permissions do not stop.
#
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-tempfail.XXXXXX") || exit 1
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
unset AUTODBM_LOG_STDERR
MAIL=$SRC/conf/demo/sample.mail
TIME=2026-01-01T12:00:00Z
chmod 755 "$T"

# mkconf DIR [EXTRA-LINE]: the demo registry below DIR
mkconf() {
    maildir_conf "$1/autodbm.conf" "archive = archive" "lock_timeout = 1" "${2:-}"
    "$BIN/autodbm-load" -q -c "$1/autodbm.conf" "$SRC/conf/demo/registry.rpsl" >/dev/null
}
# as_other CMD...: run CMD as a user permissions apply to
as_other() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
    else
        "$@"
    fi
}
# robot CONF [as_other]: one run; $rc, $T/err
robot() {
    ${2:-} "$BIN/autodbm" -c "$1" -t "$TIME" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
}
# said WHAT PATTERN: exit 75, one line on stderr, the form, the cause, no doubled prefix
said() {
    check "$1: exit 75" test $rc -eq 75
    check "$1: one line on stderr" test "$(grep -c '' "$T/err")" -eq 1
    check "$1: 'autodbm: temporary failure: ' and the cause" \
        grep -q "^autodbm: temporary failure: $2" "$T/err"
    check "$1: no doubled prefix" sh -c "! grep -Eq '(store: ){2}|(archive: ){2}|(configuration: ){2}' '$T/err'"
}

# ------------------------------------------------ a store locked by another writer
if command -v flock >/dev/null 2>&1; then
    mkconf "$T/l"
    flock -o "$T/l/db/writer.lock" sleep 30 &
    holder=$!
    sleep 0.3
    robot "$T/l/autodbm.conf"
    kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; holder=
    said "locked store" "store: still locked by another writer after 1 s$"
else
    skip "locked store" "no flock(1)"
fi

# ------------------------------------------------ data.mdb not writable
if [ "$(id -u)" != 0 ] || command -v setpriv >/dev/null 2>&1; then
    mkconf "$T/d"
    [ "$(id -u)" = 0 ] && chown -R nobody "$T/d"
    chmod a-w "$T/d/db/data.mdb"
    robot "$T/d/autodbm.conf" as_other
    said "data.mdb not writable" "store: $T/d/db/data.mdb: Permission denied$"
    check "... nothing delivered" test ! -e "$T/d/outbox/new/"*
    export AUTODBM_LOG_STDERR=1
    robot "$T/d/autodbm.conf" as_other
    unset AUTODBM_LOG_STDERR
    check "... the log line's reason is the same, 'store:' once" \
        grep -q "^autodbm: message-id=.* outcome=tempfail reason=\"store: $T/d/db/data.mdb: Permission denied\"" "$T/err"

    # ------------------------------------------------ the archive not writable
    mkconf "$T/a"
    mkdir -p "$T/a/archive"
    [ "$(id -u)" = 0 ] && chown -R nobody "$T/a"
    chmod a-w "$T/a/archive"
    robot "$T/a/autodbm.conf" as_other
    said "archive not writable" "archive: $T/a/archive/[^ ]*: Permission denied$"
    check "... nothing applied" sh -c "! '$BIN/autodbm-query' -c '$T/a/autodbm.conf' -r JD1-TEST >/dev/null 2>&1"
else
    skip "data.mdb not writable" "root without setpriv(1)"
fi

# ------------------------------------------------ the store path is a file
mkdir -p "$T/f"
: > "$T/f/db"
printf 'source = TEST\ndatabase = db\ndelivery = maildir\noutbox = outbox\narchive = none\nrobot_address = auto-dbm@example.net\n' > "$T/f/autodbm.conf"
robot "$T/f/autodbm.conf"
said "store path is a file" "store: $T/f/db: not a directory$"

# ------------------------------------------------ configuration
robot "$T/missing.conf"
said "missing configuration" "configuration: $T/missing.conf: No such file or directory$"
printf 'source = TEST\nbogus_key = 1\n' > "$T/bad.conf"
robot "$T/bad.conf"
said "invalid configuration" "configuration: $T/bad.conf:2: unknown key \"bogus_key\"$"

# ------------------------------------------------ once the cause is gone
chmod u+w "$T/d/db/data.mdb" 2>/dev/null
robot "$T/d/autodbm.conf" as_other
check "data.mdb writable again: the mail is handled (exit 0), nothing on stderr" \
    sh -c "test $rc -eq 0 && test ! -s '$T/err'"
