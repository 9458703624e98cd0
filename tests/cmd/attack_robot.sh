#!/bin/sh
# attack_robot.sh - what the replayed cases cannot show of the robot's
# side of issue 10 (tests/cases/attack-robot-*):
#  - "already handled" records written before issue 10 (the Message-ID
#    alone, "TIME ok=N failed=N") still stop a redelivery for
#    LEGACY_SEEN_MAX (7 days), and no longer after that: a Message-ID a
#    stranger took before the upgrade does not drop its owner's mail for
#    ever;
#  - a reused Message-ID is handled and logged (message-id-reused=);
#  - mails from auto-responders and lists are dropped with the reason in
#    the log line (the cases attack-robot-loop-* show nothing is sent);
#  - the archive holds clear-text passwords: files 0600, directories it
#    creates 0700, also under umask 000 (tests/unit/test_archive.c: also
#    over a .tmp left with mode 0644).
#
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-attack-robot.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"

TIME=2026-01-01T12:00:00Z      # 1767268800
# mkconf DIR: a maildir configuration below DIR with the cases' registry
mkconf() {
    maildir_conf "$1/autodbm.conf" "gnupg_home = gnupg" "archive = archive"
    "$BIN/autodbm-load" -q -c "$1/autodbm.conf" --non-strict \
        "$SRC/tests/cases/redelivery/objects.rpsl" >/dev/null
}
# mail MID NIC: Alice creates person NIC with the Message-ID MID
mail() {
    cat <<EOF
From: Alice Example <alice@example.com>
To: auto-dbm@example.net
Subject:
Date: Thu, 01 Jan 2026 11:58:00 +0000
Message-ID: <$1>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

person:         New Person
address:        Example Street 2
phone:          +31 20 765 4321
e-mail:         np@example.com
nic-hdl:        $2
mnt-by:         TEST-MNT
source:         TEST
password:       kumquat-42
EOF
}
acks() { grep -l "^To: alice@example.com" "$1"/outbox/new/* 2>/dev/null | wc -l; }
# robot DIR < MAIL: one run, the log line in DIR/log
robot() {
    AUTODBM_LOG_STDERR=1 "$BIN/autodbm" -c "$1/autodbm.conf" -t $TIME 2> "$1/log"
}

# ------------------------------------------------ records of the old format
D=$T/legacy
mkconf "$D"
# as the robot before issue 10 wrote them: 100 s and 30 days before TIME
printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n mid:<recent@example.com>\n 1767268700 ok=1 failed=0\n mid:<old@example.com>\n 1764676800 ok=1 failed=0\n mid:<help@example.com>\n help\nDATA=END\n' |
    mdb_load -s seen "$D/db" > "$T/mdb.out" 2>&1
check "an old-format record can be written (mdb_load)" test $? -eq 0
mail recent@example.com NP1-TEST | robot "$D"
check "a redelivery recorded by the old format (100 s ago) is not handled again" \
    grep -q 'outcome=already-handled' "$D/log"
check "... and not answered" test "$(acks "$D")" -eq 0
mail old@example.com NP2-TEST | robot "$D"
check "an old-format record of 30 days ago does not stop a mail" \
    grep -q 'outcome=applied .*ok=1' "$D/log"
check "... which is logged as a reused Message-ID" grep -q 'message-id-reused=' "$D/log"
check "... and answered" test "$(acks "$D")" -eq 1
mail old@example.com NP2-TEST | robot "$D"
check "its redelivery is recognised (new-format record)" \
    grep -q 'outcome=already-handled' "$D/log"
mail help@example.com NP3-TEST | robot "$D"
check "an old-format record without a time does not stop a mail" \
    grep -q 'outcome=applied .*ok=1' "$D/log"
mail fresh@example.com NP4-TEST | robot "$D"
check "a new Message-ID is not logged as reused" sh -c "! grep -q 'message-id-reused' '$D/log'"

# ------------------------------------------ auto-responders: logged reasons
D=$T/loops
mkconf "$D"
for w in "precedence-bulk:Precedence: bulk" "precedence-junk:Precedence: junk" \
         "precedence-list:Precedence: list" "list-id:List-Id" \
         "x-autoreply:X-Autoreply or X-Autorespond" "x-autorespond:X-Autoreply or X-Autorespond" \
         "x-loop:X-Loop names the robot"; do
    c=${w%%:*} why=${w#*:}
    robot "$D" < "$SRC/tests/cases/attack-robot-loop-$c/mail"
    check "$c: dropped, logged with reason \"$why...\"" \
        grep -q "outcome=dropped reason=\"$why" "$D/log"
done
check "none of them answered" test "$(acks "$D")" -eq 0

# ------------------------------------------------------------ archive modes
D=$T/modes
mkconf "$D"
mail modes@example.com NP1-TEST > "$T/modes.mail"
(umask 000 && robot "$D" < "$T/modes.mail")
day=$D/archive/2026-01-01
mode() { stat -c %a "$1"; }
check "under umask 000 the date directory is created 0700" test "$(mode "$day")" = 700
check "... the archive directory too" test "$(mode "$D/archive")" = 700
for f in "$day"/*.in "$day"/*.ack; do
    check "$(basename "$f" | sed 's/^[^.]*\.[^.]*\.//') file is 0600" test "$(mode "$f")" = 600
done
check "the mail (with its password) is archived" grep -q 'kumquat-42' "$day"/*.in
check "the ack is archived without it" sh -c "! grep -q 'kumquat-42' $day/*.ack"
mail modes2@example.com NP2-TEST | (umask 000 && robot "$D")
check "two mails archived" test "$(ls "$day"/*.in | wc -l)" -eq 2
check "no file or directory of the archive is open to group or others" \
    sh -c "test -z \"\$(find '$D/archive' -perm /077)\""
# a leftover .tmp of mode 0644: tests/unit/test_archive.c

# ------------------------------------ mistyped password: and override: lines
D=$T/mistyped
mkconf "$D"
mail typo@example.com NP3-TEST | sed -e 's/^password: .*/pasword:        kumquat-99\
password :      kumquat-98\
overide:        admin,kumquat-97\
override :      admin,kumquat-96\
password:       kumquat-42/' > "$T/typo.mail"
robot "$D" < "$T/typo.mail"
check "mistyped password: lines are counted in the log line" \
    grep -q 'mistyped-passwords=2' "$D/log"
check "mistyped override: lines are counted in the log line" \
    grep -q 'mistyped-overrides=2' "$D/log"
check "none of their values is logged or answered" \
    sh -c "! grep -rq 'kumquat-9' '$D/log' '$D/outbox'"
check "the genuine password still authorises the person" \
    grep -q 'Create SUCCEEDED: \[person\] NP3-TEST' "$D"/outbox/new/*

echo "1..$n"
