#!/bin/sh
# mirror_attack.sh - a stranger with his own maintainer in TEST who also
# runs the registry TEST mirrors as MIRROR (a fake NRTM server,
# tests/tools/nrtmfake.py, on 127.0.0.1).  His upstream sends, into
# MIRROR: a maintainer UP-MNT and a maintainer named like the registry's
# own TEST-MNT (both with his password; source: TEST, the registry's own
# name), an inetnum and an aut-num of his, a person, objects naming
# TEST's set in member-of:, garbage bytes (NUL, Latin-1).  Then: the
# mirrored objects stay in MIRROR (not found in TEST); his mails using
# UP-MNT, the mirror's TEST-MNT, the mirror's parents are refused and
# change nothing, his own-maintainer control goes through; re-served by
# autodbm-whoisd's NRTM and written by autodbm-export, no password hash
# and no person leaves; "!i" over TEST,MIRROR keeps TEST's set to TEST's
# members; -k clients that never read do not stop the query service.
#
# Every server runs in the foreground (-f), is stopped by its pid, and
# every client has a timeout.  Run by tests/run-check with AUTODBM_BIN
# and AUTODBM_SRCDIR; prints "ok N NAME" / "not ok N NAME".
. "$(dirname "$0")/whoisd.inc"
N=$SRC/tests/nrtm
nrtm() { timeout 60 python3 "$N/client.py" "$@"; }
export AUTODBM_LOG_STDERR=1

# ---------------------------------------------------------------- setup
QPORT=$(free_port)
PORT=$(free_port)
while [ "$PORT" = "$QPORT" ]; do PORT=$(free_port); done
# the stranger's password evil-pw-6 (the hash of tests/cmd/sources.sh)
EVIL='$1$EvIlSaLt$dGT76hMXv6sIssAl3OVCk1'
cat > "$T/own.db" <<EOF
mntner:         TEST-MNT
admin-c:        TP1-TEST
upd-to:         test@example.net
auth:           MD5-PW \$1\$TeStSaLt\$71i7IldTiesbig8KEbqu..
mnt-by:         TEST-MNT
source:         TEST

mntner:         EVIL-MNT
admin-c:        TP1-TEST
upd-to:         evil@example.org
auth:           MD5-PW $EVIL
mnt-by:         EVIL-MNT
source:         TEST

person:         Test Person
address:        Street 1
phone:          +31 20 000 0000
e-mail:         tp1@example.net
nic-hdl:        TP1-TEST
mnt-by:         TEST-MNT
source:         TEST

aut-num:        AS64500
as-name:        TEST-AS
admin-c:        TP1-TEST
tech-c:         TP1-TEST
mnt-by:         TEST-MNT
source:         TEST

as-set:         AS-REF
admin-c:        TP1-TEST
tech-c:         TP1-TEST
mbrs-by-ref:    TEST-MNT
mnt-by:         TEST-MNT
source:         TEST

inetnum:        192.0.2.0 - 192.0.2.255
netname:        TEST-NET
country:        NL
admin-c:        TP1-TEST
tech-c:         TP1-TEST
status:         ASSIGNED PA
mnt-by:         TEST-MNT
source:         TEST
EOF
# the upstream's stream (remote source TEST, local MIRROR)
{
printf '%%START Version: 3 TEST 1-20\n\n'
printf 'ADD 1\n\nmntner:         UP-MNT\nadmin-c:        TP1-TEST\nupd-to:         evil@example.org\nauth:           MD5-PW %s\nauth :          MD5-PW %s\nauth\t:         CRYPT-PW %s\nmnt-by:         UP-MNT\nsource:         TEST\n\n' "$EVIL" "$EVIL" "$EVIL"
printf 'ADD 2\n\nmntner:         TEST-MNT\nadmin-c:        TP1-TEST\nupd-to:         evil@example.org\nauth:           md5-pw\t%s\nmnt-by:         TEST-MNT\nsource:         TEST\n\n' "$EVIL"
printf 'ADD 3\n\ninetnum:        198.51.100.0 - 198.51.100.255\nnetname:        UP-NET\ncountry:        NL\nadmin-c:        TP1-TEST\ntech-c:         TP1-TEST\nstatus:         ASSIGNED PA\nmnt-by:         UP-MNT\nmnt-routes:     EVIL-MNT\nmnt-lower:      EVIL-MNT\nsource:         TEST\n\n'
printf 'ADD 4\n\naut-num:        AS64666\nas-name:        UP-AS\nmember-of:      AS-REF\nadmin-c:        TP1-TEST\ntech-c:         TP1-TEST\nmnt-by:         TEST-MNT\nmnt-routes:     EVIL-MNT\nsource:         TEST\n\n'
printf 'ADD 5\n\nperson:         Upstream Person\naddress:        Secret Street 5\nphone:          +31 20 555 5555\nnic-hdl:        UP1-TEST\nmnt-by:         UP-MNT\nsource:         TEST\n\n'
printf 'ADD 6\n\nrole:           Upstream Role\naddress:        Secret Street 6\nnic-hdl:        UR1-TEST\nmnt-by:         UP-MNT\nsource:         TEST\n\n'
printf 'ADD 7\n\nas-set:         AS-UP\nmembers:        AS64666\nremarks:        caf\351 \000 nul\nadmin-c:        TP1-TEST\ntech-c:         TP1-TEST\nmnt-by:         UP-MNT\nsource:         TEST\n\n'
printf 'ADD 8\n\nmntner:         UP2-MNT\nadmin-c:        TP1-TEST\nupd-to:         evil@example.org\nauth:           PGPKEY-11111111\n+MD5-PW %s\nauth:           BCRYPT-PW $2b$12$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234\nmnt-by:         UP2-MNT\nsource:         TEST\n\n' "$EVIL"
printf '%%END TEST\n'
} > "$T/up.stream"

fake_pid=
cleanup_fake() { [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null; fake_pid=; }
trap 'cleanup_fake; cleanup' EXIT
python3 "$SRC/tests/tools/nrtmfake.py" "$T/fport" "$T/requests" "$T/up.stream" &
fake_pid=$!
i=0; while [ ! -s "$T/fport" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
conf=$T/s/autodbm.conf
maildir_conf "$conf" "whois_listen = 127.0.0.1:$QPORT" "archive = none" \
    "nrtm_listen = 127.0.0.1:$PORT" "nrtm_access = 127.0.0.1" "nrtm_banner = no" \
    "nrtm_max_connections_per_address = 3" \
    "mirror = MIRROR 127.0.0.1:$(cat "$T/fport") TEST" "mirror_read_timeout = 5" \
    "hierarchical_as_sets = no" "whois_idle_timeout = 5"
check "load the own source" "$BIN/autodbm-load" -q -c "$conf" "$T/own.db"
"$BIN/autodbm-mirror" -c "$conf" --once > "$T/mirror.log" 2>&1
rc=$?
cleanup_fake
check "the upstream's stream is applied (--once, exit 0)" \
    sh -c "[ $rc -eq 0 ] || { cat '$T/mirror.log'; exit 1; }"

# q ARGS...: autodbm-query; the answer in $T/q, the exit status in $rc
q() { "$BIN/autodbm-query" -c "$conf" "$@" > "$T/q" 2>&1; rc=$?; }
q -s MIRROR -B -r UP-MNT
check "MIRROR holds the upstream's UP-MNT" sh -c "[ $rc = 0 ] && grep -q '^mntner: *UP-MNT' '$T/q'"
q -B -r UP-MNT
check "source: TEST in the stream did not make UP-MNT the registry's own" sh -c "[ $rc = 1 ]"
q -B -r TEST-MNT
check "TEST's TEST-MNT is the registry's (its own hash)" \
    sh -c "[ $rc = 0 ] && grep -q TeStSaLt '$T/q' && ! grep -q EvIlSaLt '$T/q'"

# ------------------------------------------------------------- the robot
mail() { # FILE ID: a mail of the stranger's, the body on stdin
    { printf '%s\n' "From: Evil Stranger <evil@example.org>" "To: auto-dbm@example.net" \
        "Subject: update" "Date: Thu, 01 Jan 2026 11:59:00 +0000" "Message-ID: <$2@example.org>" ""
      cat; printf '\npassword:       evil-pw-6\n'; } > "$1"
}
robot() { # MAIL: the ack in $T/ack
    rm -rf "$T/s/outbox"
    "$BIN/autodbm" -c "$conf" -t 2026-01-01T12:00:00Z < "$1" > "$T/robot.out" 2>&1
    rc=$?
    cat "$T/s/outbox/new/"* > "$T/ack" 2>/dev/null
}
state() { for k in AS64500 AS64666 AS-REF UP-MNT TEST-MNT 198.51.100.0/24 192.0.2.0/24; do
    "$BIN/autodbm-query" -c "$conf" -a -B -r "$k"; done > "$1" 2>&1; }
state "$T/before"
# attacks: each alone, so that one refusal does not hide another
mail "$T/a1" a1 <<'EOF'
route:          198.51.100.0/24
origin:         AS64500
mnt-by:         UP-MNT
source:         TEST
EOF
mail "$T/a2" a2 <<'EOF'
aut-num:        AS64500
as-name:        HIJACKED-AS
admin-c:        TP1-TEST
tech-c:         TP1-TEST
mnt-by:         TEST-MNT
source:         TEST
EOF
mail "$T/a3" a3 <<'EOF'
route:          198.51.100.0/24
origin:         AS64666
mnt-by:         EVIL-MNT
source:         TEST
EOF
mail "$T/a4" a4 <<'EOF'
aut-num:        AS64501
as-name:        EVIL-AS
member-of:      AS-UP
admin-c:        TP1-TEST
tech-c:         TP1-TEST
mnt-by:         EVIL-MNT
source:         TEST
EOF
for a in a1 a2 a3 a4; do
    robot "$T/$a"
    check "$a: refused, nothing done" sh -c "[ $rc = 0 ] &&
        grep -q 'Number of objects processed successfully:  0' '$T/ack' || { cat '$T/ack'; exit 1; }"
done
state "$T/after"
check "the store is unchanged by the attacks" cmp "$T/before" "$T/after"
mail "$T/c1" c1 <<'EOF'
as-set:         AS-EVIL
members:        AS64500
admin-c:        TP1-TEST
tech-c:         TP1-TEST
mnt-by:         EVIL-MNT
source:         TEST
EOF
robot "$T/c1"
check "control: his own maintainer's update goes through" sh -c \
    "grep -q 'Number of objects processed successfully:  1' '$T/ack' || { cat '$T/ack'; exit 1; }"

# -------------------------------------------------------- what leaves
start "$T/s"
S=$pid
check "the server listens" wait_port "$PORT"
check "the query service listens" wait_port "$QPORT"
nrtm "$PORT" req '-g MIRROR:3:1-LAST' > "$T/nrtm.mirror"
nrtm "$PORT" req '-g TEST:3:1-LAST' > "$T/nrtm.own"
check "MIRROR re-served: the upstream's objects go out (UP2-MNT, AS-UP too)" \
    sh -c "grep -q '^mntner: *UP-MNT' '$T/nrtm.mirror' && grep -q '^mntner: *UP2-MNT' '$T/nrtm.mirror' &&
           grep -q '^as-set: *AS-UP' '$T/nrtm.mirror' && grep -q '^%END MIRROR' '$T/nrtm.mirror' || { cat '$T/nrtm.mirror'; exit 1; }"
for f in nrtm.mirror nrtm.own; do
    check "$f: no password hash leaves" sh -c "! grep -qi 'EvIlSaLt\|TeStSaLt\|abcdefghijklmnopqrstuv' '$T/$f'"
    check "$f: no person, no role without abuse-mailbox:" \
        sh -c "! grep -qi 'Upstream Person\|Upstream Role\|Secret Street\|Test Person\|555 5555' '$T/$f'"
done
"$BIN/autodbm-export" -c "$conf" -d "$T/export" TEST MIRROR > "$T/export.log" 2>&1
check "autodbm-export of both sources" sh -c "[ -s '$T/export/mirror.db.gz' ] && [ -s '$T/export/test.db.gz' ] || { ls '$T/export'; cat '$T/export.log'; exit 1; }"
check "the export: no password hash, no person" sh -c "gzip -dc '$T/export/'*.db.gz > '$T/export.txt' &&
    grep -q '^mntner: *UP-MNT' '$T/export.txt' &&
    ! grep -qi 'EvIlSaLt\|TeStSaLt\|abcdefghijklmnopqrstuv\|Upstream Person\|Secret Street\|Test Person' '$T/export.txt'"
check "!i over TEST,MIRROR: TEST's AS-REF keeps to TEST's members" \
    sh -c "timeout 60 python3 '$W/client.py' '$QPORT' send '!!\n!sTEST,MIRROR\n!iAS-REF\n!q\n' | tr '\n' ' ' | grep -qx 'C D '"

# the query service: no hash of a mirrored object either, however the
# upstream spelt its auth: attribute ("auth :", "auth<TAB>:")
wq() { timeout 60 python3 "$W/client.py" "$QPORT" send "$1" > "$T/wq"; }
for qq in '-s MIRROR UP-MNT' '-s MIRROR -B UP-MNT' '-a -B -r UP-MNT' '!!\n!sMIRROR\n!mmntner,UP-MNT\n!q'; do
    wq "$qq\n"
    check "query $(printf '%s' "$qq" | sed 's/\\n/ /g'): UP-MNT shown, no hash" \
        sh -c "grep -q 'UP-MNT' '$T/wq' && ! grep -q 'EvIlSaLt' '$T/wq' || { cat '$T/wq'; exit 1; }"
done

# -k clients that never read a range, and the query service
kpids=
for k in 1 2 3; do
    timeout 20 python3 -c "import socket,time
s=socket.create_connection(('127.0.0.1',$PORT),5); s.setsockopt(socket.SOL_SOCKET,socket.SO_RCVBUF,1024)
s.sendall(b'-g TEST:3:1-LAST -k\n'); time.sleep(8)" &
    kpids="$kpids $!"
done
sleep 1
check "with three -k clients that never read, a query is answered" \
    sh -c "timeout 60 python3 '$W/client.py' '$QPORT' send '-r AS64500\n' | grep -q 'TEST-AS'"
check "and a fourth NRTM connection from that address is refused (306)" \
    sh -c "timeout 60 python3 '$N/client.py' '$PORT' req '-q sources' | grep -q 'ERROR:306'"
for k in $kpids; do wait "$k"; done
check "the server is alive" alive "$S" "$T/s"
stop "$S"
check "the server stops on SIGTERM" test "$stop_rc" = 0
echo "# $n checks"
