#!/bin/sh
# mirror_bootstrap.sh - a new mirror made as the README's "Bootstrapping a
# mirror" says, then followed over NRTM, equals its origin.  Registry A
# (robot, autodbm-whoisd with its NRTM server for a public mirror)
# takes mails; autodbm-export writes A's dump and CURRENTSERIAL; more
# mails change A after the export (create, modify, delete, a person);
# registry B loads the dump with autodbm-load --source AMIRROR --serial
# CURRENTSERIAL and autodbm-mirror --once asks for the rest.  Then A's
# export of TEST and B's export of AMIRROR hold the same bytes and the
# same serial, and so they do again after B's autodbm-mirror -k follows
# A's next mails.  A was killed with SIGKILL in between: B resumes from
# its serial.
#
# Every server runs in the foreground, is stopped by its pid, every wait
# is bounded.  Run by tests/run-check with AUTODBM_BIN and AUTODBM_SRCDIR;
# prints "ok N NAME" / "not ok N NAME".
. "$(dirname "$0")/whoisd.inc"
export AUTODBM_LOG_STDERR=1

QPORT=$(free_port)
PORT=$(free_port)
while [ "$PORT" = "$QPORT" ]; do PORT=$(free_port); done
maildir_conf "$T/a/autodbm.conf" "whois_listen = 127.0.0.1:$QPORT" \
    "nrtm_listen = 127.0.0.1:$PORT" "nrtm_access = 127.0.0.1" \
    "hierarchical_as_sets = no" "archive = none"
maildir_conf "$T/b/autodbm.conf" "mirror = AMIRROR 127.0.0.1:$PORT TEST" \
    "mirror_poll_interval = 1" "mirror_retry_min = 1" "mirror_retry_max = 2" \
    "mirror_read_timeout = 30" "lock_timeout = 30" "archive = none"
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
check "A: load the fixture" \
    sh -c "'$BIN/autodbm-load' -q -c '$T/a/autodbm.conf' '$T/fixture.rpsl' >/dev/null"
mail() {
    printf 'From: Tx <tx@example.net>\nTo: auto-dbm@example.net\nMessage-ID: <boot-%s@example.net>\n\n' "$1"
    printf '%s\n' "$2"
    printf 'password: tx\n'
}
robot() { mail "$1" "$2" | "$BIN/autodbm" -c "$T/a/autodbm.conf" >/dev/null 2>>"$T/robot.err"; }
asset() { printf 'as-set: AS-%s\nmembers: %s\nadmin-c: NP1-TEST\ntech-c: NP1-TEST\nmnt-by: TX-MNT\nsource: TEST\n\n' "$1" "${2:-AS65001}"; }
person() { printf 'person: %s\naddress: Street %s\nphone: +31 20 000 0002\ne-mail: p@example.net\nnic-hdl: %s\nmnt-by: TX-MNT\nsource: TEST\n\n' "$1" "$2" "$3"; }
waitfor() {
    w=$(($1 * 10)); shift
    while [ $w -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; w=$((w - 1)); done
    "$@"
}
# same: A's export of TEST and B's export of AMIRROR hold the same
# objects and the same serial
same() {
    rm -rf "$T/ea" "$T/eb"
    "$BIN/autodbm-export" -q -c "$T/a/autodbm.conf" -d "$T/ea" &&
    "$BIN/autodbm-export" -q -c "$T/b/autodbm.conf" -d "$T/eb" AMIRROR &&
    zcat "$T/ea/test.db.gz" > "$T/ea.txt" && zcat "$T/eb/amirror.db.gz" > "$T/eb.txt" &&
    [ -s "$T/ea.txt" ] && cmp -s "$T/ea.txt" "$T/eb.txt" &&
    cmp -s "$T/ea/TEST.CURRENTSERIAL" "$T/eb/AMIRROR.CURRENTSERIAL"
}
showdiff() { same || { diff "$T/ea.txt" "$T/eb.txt" | head -20; cat "$T/ea/TEST.CURRENTSERIAL" "$T/eb/AMIRROR.CURRENTSERIAL"; return 1; }; }

robot 1 "$(asset ONE; asset TWO 'AS65002, AS-ONE'; person 'Second Person' 4 SP2-TEST)"
check "A: mail 1 applied (AS-TWO there)" \
    sh -c "'$BIN/autodbm-query' -c '$T/a/autodbm.conf' -r AS-TWO | grep -q '^as-set: *AS-TWO'"
check "A: the export writes test.db.gz and TEST.CURRENTSERIAL 5" \
    sh -c "'$BIN/autodbm-export' -q -c '$T/a/autodbm.conf' -d '$T/boot' &&
           [ \"\$(cat '$T/boot/TEST.CURRENTSERIAL')\" = 5 ] && zcat '$T/boot/test.db.gz' | grep -q '^as-set: *AS-TWO'"
# changes after the export: a create, a modify, a delete, a person
robot 2 "$(asset THREE)"
robot 3 "$(asset ONE 'AS65009')"
robot 4 "$(asset TWO 'AS65002, AS-ONE' | sed '/^$/d'; printf 'delete: gone\n\n'; person 'Third Person' 5 TP3-TEST)"
start "$T/a"
S=$pid
check "A: the NRTM server listens" wait_port "$PORT"
check "B: autodbm-load --source AMIRROR --serial (the export's serial)" \
    sh -c "'$BIN/autodbm-load' -q --non-strict -c '$T/b/autodbm.conf' --source AMIRROR \
           --serial \"\$(cat '$T/boot/TEST.CURRENTSERIAL')\" '$T/boot/test.db.gz' >/dev/null"
check "B: autodbm-mirror --once applies what changed since the export" \
    sh -c "'$BIN/autodbm-mirror' -c '$T/b/autodbm.conf' --once >> '$T/b/mirror.log' 2>&1"
check "B: it took serials 6-9 from A (the export's 5 was its start)" \
    grep -q 'source=AMIRROR batch=6-8 serial=9 ' "$T/b/mirror.log"
check "B equals A: the exports of TEST and AMIRROR are the same bytes, same serial" showdiff
check "no person in either export, and AS-TWO deleted in both" \
    sh -c "! grep -q '^person:' '$T/eb.txt' && ! grep -q 'AS-TWO' '$T/eb.txt' && grep -q 'AS65009' '$T/eb.txt'"

# B follows with -k; A killed with SIGKILL and restarted in between
"$BIN/autodbm-mirror" -c "$T/b/autodbm.conf" -f >> "$T/b/mirror.log" 2>&1 &
M=$!
PIDS="$PIDS $M"
robot 5 "$(asset FOUR)"
check "B: -k brings AS-FOUR" waitfor 30 sh -c "'$BIN/autodbm-query' -c '$T/b/autodbm.conf' -s AMIRROR -r AS-FOUR | grep -q '^as-set: *AS-FOUR'"
kill -KILL "$S"; wait "$S" 2>/dev/null
robot 6 "$(asset FIVE; asset ONE 'AS65010')"
start "$T/a"
S=$pid
check "A: the NRTM server listens again after SIGKILL" wait_port "$PORT"
check "B: resumes and brings AS-FIVE" waitfor 30 sh -c "'$BIN/autodbm-query' -c '$T/b/autodbm.conf' -s AMIRROR -r AS-FIVE | grep -q '^as-set: *AS-FIVE'"
check "B equals A again" waitfor 30 same
showdiff >/dev/null 2>&1 || showdiff
stop "$M"
check "SIGTERM stops autodbm-mirror with 0" test "$stop_rc" = 0
stop "$S"
echo "# $n checks"
