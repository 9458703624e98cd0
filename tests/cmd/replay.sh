#!/bin/sh
# replay.sh - contrib/autodbm-replay: a single mail, an mbox (split, order,
# From_ line to Return-Path, bounces not answered), a Maildir (oldest
# first, -r removes handled mails), temporary failures (stop, -k),
# other exit codes, -n, -q, usage errors; the robot's archive (its root or
# a day folder: .in files only, at any depth; issue 12), -V.
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REPLAY=$SRC/contrib/autodbm-replay
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-replay-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
# acks WHO SUBJECT-START: number of acks to WHO whose subject starts so
acks() {
    c=0
    for f in "$T/outbox/new"/*; do
        [ -f "$f" ] || continue
        grep -q "^To: $1\$" "$f" && grep -q "^Subject: $2" "$f" && c=$((c + 1))
    done
    echo $c
}
outbox_count() { ls "$T/outbox/new" 2>/dev/null | grep -c ''; }

maildir_conf "$T/autodbm.conf" "gnupg_home = gnupg" "archive = archive"
C="-c $T/autodbm.conf"
"$BIN/autodbm-load" $C "$SRC/conf/demo/registry.rpsl" >/dev/null
R="$REPLAY -b $BIN/autodbm $C -t 2026-01-01T12:00:00Z"

# mail ID FROM SUBJECT REMARK: a person update for RP1-TEST
mail() {
    cat <<MAIL
From: $2
To: auto-dbm@example.net
Subject: $3
Date: Thu, 01 Jan 2026 11:59:00 +0000
Message-ID: <$1@example.net>

person:         Replay Person
address:        Replay Street 1
e-mail:         rp@example.net
nic-hdl:        RP1-TEST
remarks:        $4
mnt-by:         DEMO-MNT
source:         TEST

password:       demo
MAIL
}

# 1. a single mail
$R "$SRC/conf/demo/sample.mail" >"$T/out" 2>"$T/err"; rc=$?
check "single mail: exit 0" test $rc -eq 0
check "single mail: one line for the mail" grep -qx "$SRC/conf/demo/sample.mail: handled" "$T/out"
check "single mail: summary" grep -qx "replay: 1 mails: 1 handled, 0 temporary failures, 0 other exit codes, 0 not run" "$T/out"
check "single mail: the ack is sent" test "$(acks admin@example.net FAILED)" -eq 1
before=$(outbox_count)
$R "$SRC/conf/demo/sample.mail" >"$T/out" 2>"$T/err"; rc=$?
check "the same mail again: handled (exit 0)" test $rc -eq 0
check "... but not answered again" test "$(outbox_count)" -eq "$before"

# 2. an mbox: create, then modify (needs the create first), then a bounce
{
    echo "From ann@example.net Thu Jan  1 11:59:00 2026"
    mail mbox-1 "Ann <ann@example.net>" "create" "first version"
    echo
    echo "From ann@example.net Thu Jan  1 11:59:30 2026"
    mail mbox-2 "Ann <ann@example.net>" "modify" "second version"
    echo ">From here on: a quoted line, not a new mail"
    echo
    echo "From MAILER-DAEMON Thu Jan  1 11:59:40 2026"
    mail mbox-3 "Bob <bob@example.net>" "bounce" "third version"
} > "$T/mbox"
$R "$T/mbox" >"$T/out" 2>"$T/err"; rc=$?
check "mbox: exit 0" test $rc -eq 0
check "mbox: three mails" grep -qx "replay: 3 mails: 3 handled, 0 temporary failures, 0 other exit codes, 0 not run" "$T/out"
check "mbox: mails named FILE#N" grep -qx "$T/mbox#3: handled" "$T/out"
check "mbox: create and modify both succeeded (in order)" test "$(acks ann@example.net SUCCESS)" -eq 2
check "mbox: the modify is in the store" sh -c "'$BIN/autodbm-query' $C -r RP1-TEST | grep -q 'second version'"
check "mbox: the MAILER-DAEMON mail is not answered (From_ to Return-Path)" test "$(acks bob@example.net '')" -eq 0
check "mbox: ... and not applied" sh -c "! '$BIN/autodbm-query' $C -r RP1-TEST | grep -q 'third version'"

# 3. a Maildir: 999.* is older than 1000.* (numeric, not name order)
md=$T/kept
mkdir -p "$md/new" "$md/cur" "$md/tmp"
mail md-1 "Cy <cy@example.net>" "md first" "maildir one" > "$md/cur/999.1_0.host:2,S"
mail md-2 "Cy <cy@example.net>" "md second" "maildir two" > "$md/new/1000.2_0.host"
$R -r "$md" >"$T/out" 2>"$T/err"; rc=$?
check "Maildir: exit 0" test $rc -eq 0
check "Maildir: oldest first" sh -c "sed -n 1p '$T/out' | grep -q '/cur/999.1_0.host:2,S: handled'"
check "Maildir: the later update wins" sh -c "'$BIN/autodbm-query' $C -r RP1-TEST | grep -q 'maildir two'"
check "Maildir: -r removed the handled mails" test -z "$(find "$md/new" "$md/cur" -type f)"

# 4. temporary failures: a store that cannot be created
echo "not a directory" > "$T/afile"
sed "s|^database = .*|database = $T/afile/db|" "$T/autodbm.conf" > "$T/broken.conf"
mkdir -p "$T/two"
mail tf-1 "Dee <dee@example.net>" "tf 1" "tf one" > "$T/two/a"
mail tf-2 "Dee <dee@example.net>" "tf 2" "tf two" > "$T/two/b"
$REPLAY -b "$BIN/autodbm" -c "$T/broken.conf" -r "$T/two" >"$T/out" 2>"$T/err"; rc=$?
check "temporary failure: exit 75" test $rc -eq 75
check "temporary failure: the line says so" grep -qx "$T/two/a: temporary failure (exit 75)" "$T/out"
check "temporary failure: stops at the first, the rest not run" grep -qx "replay: 2 mails: 0 handled, 1 temporary failures, 0 other exit codes, 1 not run" "$T/out"
check "temporary failure: -r keeps failed mails" test -f "$T/two/a" -a -f "$T/two/b"
$REPLAY -b "$BIN/autodbm" -c "$T/broken.conf" -k "$T/two" >"$T/out" 2>"$T/err"; rc=$?
check "-k goes on after a failure" grep -qx "replay: 2 mails: 0 handled, 2 temporary failures, 0 other exit codes, 0 not run" "$T/out"
$R -r "$T/two" >"$T/out" 2>"$T/err"; rc=$?
check "after the fix the same folder replays (exit 0)" sh -c "test $rc -eq 0 && grep -qx 'replay: 2 mails: 2 handled, 0 temporary failures, 0 other exit codes, 0 not run' '$T/out'"
check "... and is emptied" test -z "$(ls "$T/two")"
check "... and the acks are sent" test "$(acks dee@example.net SUCCESS)" -eq 2

# 5. another exit code (a robot that says 64) gives exit 1
printf '#!/bin/sh\ncat >/dev/null\nexit 64\n' > "$T/fake"; chmod +x "$T/fake"
$REPLAY -b "$T/fake" "$SRC/conf/demo/sample.mail" >"$T/out" 2>"$T/err"; rc=$?
check "other exit code: exit 1" test $rc -eq 1
check "other exit code: counted" grep -qx "replay: 1 mails: 0 handled, 0 temporary failures, 1 other exit codes, 0 not run" "$T/out"
check "other exit code: the line names it" grep -q ": exit 64\$" "$T/out"

# 6. -n: the ack on stdout, nothing committed or sent; -q
before=$(outbox_count)
mail dry-1 "Eve <eve@example.net>" "dry" "dry run" > "$T/dry.mail"
$R -n "$T/dry.mail" >"$T/out" 2>"$T/err"; rc=$?
check "-n: exit 0 and the ack printed" sh -c "test $rc -eq 0 && grep -q '^Subject: SUCCESS' '$T/out'"
check "-n: nothing sent" test "$(outbox_count)" -eq "$before"
check "-n: nothing committed" sh -c "! '$BIN/autodbm-query' $C -r RP1-TEST | grep -q 'dry run'"
$R -q "$T/dry.mail" >"$T/out" 2>"$T/err"; rc=$?
check "-q: only the summary" sh -c "test $rc -eq 0 && test \$(grep -c '' '$T/out') -eq 1 && grep -q '^replay: 1 mails: 1 handled' '$T/out'"

# 7. usage and missing sources
$R "$T/missing" >"$T/out" 2>"$T/err"; rc=$?
check "missing source: exit 66, named" sh -c "test $rc -eq 66 && grep -q missing '$T/err'"
$R >"$T/out" 2>"$T/err"; rc=$?
check "no source: usage (64)" test $rc -eq 64
$R -n -r "$T/dry.mail" >"$T/out" 2>"$T/err"; rc=$?
check "-n with -r refused (64)" test $rc -eq 64
$REPLAY -b "$T/nonexistent" "$T/dry.mail" >"$T/out" 2>"$T/err"; rc=$?
check "a missing robot: exit 66" test $rc -eq 66

# 8. the robot's archive (issue 12): its .in files only, at any depth, in
# time order, into a fresh store; the .ack files are not mails
sed -e "s|^database = .*|database = db2|" -e "s|^archive = .*|archive = archive2|" \
    "$T/autodbm.conf" > "$T/fresh.conf"
"$BIN/autodbm-load" -c "$T/fresh.conf" "$SRC/conf/demo/registry.rpsl" >/dev/null
A=$T/arch
mkdir -p "$A/2026-01-01" "$A/2026-01-02"
mail ar-1 "Fay <fay@example.net>" "ar create" "archive one" > "$A/2026-01-01/235959.b7e1.in"
echo "Subject: SUCCESS: ar create" > "$A/2026-01-01/235959.b7e1.ack"
mail ar-2 "Fay <fay@example.net>" "ar modify" "archive two" > "$A/2026-01-02/000001.0a3c.in"
echo "Subject: SUCCESS: ar modify" > "$A/2026-01-02/000001.0a3c.ack"
RF="$REPLAY -b $BIN/autodbm -c $T/fresh.conf -t 2026-01-01T12:00:00Z"
$RF -r "$A" >"$T/out" 2>"$T/err"; rc=$?
check "archive root: exit 0, its two .in files (not 0 mails)" sh -c "test $rc -eq 0 && grep -qx 'replay: 2 mails: 2 handled, 0 temporary failures, 0 other exit codes, 0 not run' '$T/out'"
check "archive root: in time order, create before modify" sh -c "sed -n 1p '$T/out' | grep -q '2026-01-01/235959.b7e1.in: handled' && '$BIN/autodbm-query' -c '$T/fresh.conf' -r RP1-TEST | grep -q 'archive two'"
check "archive root: says what it found" grep -q "^autodbm-replay: $A: 2 mails (an archive: .* 2 other files skipped" "$T/err"
check "archive: -r removes nothing from it" sh -c "test \$(find '$A' -type f | grep -c '') -eq 4 && grep -q 'does not remove' '$T/err'"
$RF "$A/2026-01-02" >"$T/out" 2>"$T/err"; rc=$?
check "a day folder: its .in file only, not the .ack" sh -c "test $rc -eq 0 && grep -qx 'replay: 1 mails: 1 handled, 0 temporary failures, 0 other exit codes, 0 not run' '$T/out' && ! grep -q '[.]ack' '$T/out'"
mkdir -p "$T/plain/sub"
mail pl-1 "Fay <fay@example.net>" "plain" "plain one" > "$T/plain/sub/m1"
$RF "$T/plain" >"$T/out" 2>"$T/err"; rc=$?
check "a directory of subdirectories: says none found and why" sh -c "grep -qx 'replay: 0 mails: 0 handled, 0 temporary failures, 0 other exit codes, 0 not run' '$T/out' && grep -q '$T/plain: 0 mails (a directory: .* 1 subdirectories not entered)' '$T/err'"
$RF -q "$A" >"$T/out" 2>"$T/err"; rc=$?
check "-q: no found line" test ! -s "$T/err"

# 9. -V: the version, as the other programs print theirs
check "-V prints the version" sh -c "$REPLAY -b '$BIN/autodbm' -V | grep -qx \"autodbm-replay \$('$BIN/autodbm' -V | sed -n '1s/^autodbm //p')\""
check "-V names an autodbm version" sh -c "$REPLAY -b '$BIN/autodbm' -V | grep -q '^autodbm-replay [0-9]'"
