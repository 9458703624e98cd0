#!/bin/sh
# sources.sh - command test of several sources in one store: the own
# source TEST and a mirrored source RIPE-MIRROR (loaded with autodbm-load
# --source) holding the same keys.  autodbm-query: default queries see
# TEST only, -s RIPE-MIRROR the mirror, -s in the order given, -a both,
# an unknown -s refused, query_sources as the default; the robot: a
# stranger's create, modify and delete of objects of the mirrored source
# (with his own valid maintainer, the source in another case too) are
# refused with a clear error and change nothing, his own-source update
# goes through; autodbm-whoisd: -q sources, -s, !s, !s-lc, !j and a
# bgpq4-like session over both sources.
#
# Every server runs in the foreground (-f), is stopped by its pid, and
# every client has a timeout.  Run by tests/run-check with AUTODBM_BIN and
# AUTODBM_SRCDIR; prints "ok N NAME" / "not ok N NAME".
. "$(dirname "$0")/whoisd.inc"

# ---------------------------------------------------------------- setup
PORT=$(free_port)
conf=$T/s/autodbm.conf
maildir_conf "$conf" "whois_listen = 127.0.0.1:$PORT" "archive = none"
cat > "$T/own.db" <<'EOF'
mntner:         TEST-MNT
descr:          the registry's maintainer
admin-c:        TP1-TEST
upd-to:         test@example.net
auth:           MD5-PW $1$TeStSaLt$71i7IldTiesbig8KEbqu..
mnt-by:         TEST-MNT
source:         TEST

mntner:         EVIL-MNT
descr:          the stranger's own maintainer
admin-c:        TP1-TEST
upd-to:         evil@example.org
auth:           MD5-PW $1$EvIlSaLt$dGT76hMXv6sIssAl3OVCk1
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

as-set:         AS-EXAMPLE
members:        AS64500
admin-c:        TP1-TEST
tech-c:         TP1-TEST
mnt-by:         TEST-MNT
source:         TEST

route:          192.0.2.0/24
origin:         AS64500
mnt-by:         TEST-MNT
source:         TEST
EOF
cat > "$T/mirror.db" <<'EOF'
mntner:         EVIL-MNT
descr:          the mirror's copy, with the stranger's password
admin-c:        TP1-TEST
upd-to:         evil@example.org
auth:           MD5-PW $1$EvIlSaLt$dGT76hMXv6sIssAl3OVCk1
mnt-by:         EVIL-MNT
source:         RIPE-MIRROR

person:         Mirror Person
address:        Street 9
phone:          +31 20 000 0009
nic-hdl:        TP1-TEST
mnt-by:         EVIL-MNT
source:         RIPE-MIRROR

aut-num:        AS64500
as-name:        MIRROR-AS
admin-c:        TP1-TEST
tech-c:         TP1-TEST
mnt-by:         EVIL-MNT
source:         RIPE-MIRROR

aut-num:        AS64501
as-name:        ONLY-MIRROR-AS
admin-c:        TP1-TEST
tech-c:         TP1-TEST
mnt-by:         EVIL-MNT
source:         RIPE-MIRROR

as-set:         AS-EXAMPLE
members:        AS64501
admin-c:        TP1-TEST
tech-c:         TP1-TEST
mnt-by:         EVIL-MNT
source:         RIPE-MIRROR

route:          198.51.100.0/24
origin:         AS64500
mnt-by:         EVIL-MNT
source:         RIPE-MIRROR

route:          203.0.113.0/24
origin:         AS64501
mnt-by:         EVIL-MNT
source:         RIPE-MIRROR
EOF
check "load the own source" "$BIN/autodbm-load" -q -c "$conf" "$T/own.db"
check "load the mirrored source" "$BIN/autodbm-load" -q -c "$conf" --non-strict \
    --source RIPE-MIRROR --serial 41 "$T/mirror.db"

# q ARGS...: autodbm-query; the answer in $T/q, the exit status in $rc
q() { "$BIN/autodbm-query" -c "$conf" "$@" > "$T/q" 2>&1; rc=$?; }

q -r AS64500
check "default: the own source only" sh -c "[ $rc = 0 ] && grep -q TEST-AS '$T/q' && ! grep -q MIRROR-AS '$T/q'"
q -r AS64501
check "default: a key of the mirror alone is not found" sh -c "[ $rc = 1 ] && grep -q '^%ERROR:101' '$T/q'"
q -s RIPE-MIRROR AS64500
check "-s RIPE-MIRROR: the mirror's object and its contact" sh -c \
    "[ $rc = 0 ] && grep -q MIRROR-AS '$T/q' && grep -q 'Mirror Person' '$T/q' && ! grep -q 'TEST-AS\|Test Person' '$T/q'"
q -s ripe-mirror,TEST -r AS64500
check "-s in the order given" sh -c "[ $rc = 0 ] && [ \"\$(grep -o 'MIRROR-AS\|TEST-AS' '$T/q' | tr '\n' ' ')\" = 'MIRROR-AS TEST-AS ' ]"
q -a -r AS64500
check "-a: the own source, then the mirror" sh -c "[ $rc = 0 ] && [ \"\$(grep -o 'MIRROR-AS\|TEST-AS' '$T/q' | tr '\n' ' ')\" = 'TEST-AS MIRROR-AS ' ]"
q -s NOPE AS64500
check "-s NOPE: unknown source" sh -c "[ $rc = 1 ] && grep -q '^%ERROR:102: unknown source' '$T/q'"
q -a -r -i origin AS64500
check "-a -i origin over both" sh -c "[ $rc = 0 ] && [ \$(grep -c '^route:' '$T/q') = 2 ]"

maildir_conf "$T/d/autodbm.conf" "database = $T/s/db" "query_sources = RIPE-MIRROR, TEST"
"$BIN/autodbm-query" -c "$T/d/autodbm.conf" -r AS64500 > "$T/q" 2>&1
check "query_sources: the mirror first" sh -c "[ \"\$(grep -o 'MIRROR-AS\|TEST-AS' '$T/q' | tr '\n' ' ')\" = 'MIRROR-AS TEST-AS ' ]"

# ------------------------------------------------------------- the robot
# the mirrored source is in the store only: no mirror line in $conf
# state FILE: every object of both sources, as stored
state() { for k in AS64500 AS64501 203.0.113.0/24 198.51.100.0/24 EVIL-MNT TP1-TEST; do
    "$BIN/autodbm-query" -c "$conf" -a -B -r "$k"; done > "$1" 2>&1; }
state "$T/before"
mail() { # FILE ID: a mail of the stranger's, the body on stdin
    { printf '%s\n' "From: Evil Stranger <evil@example.org>" "To: auto-dbm@example.net" \
        "Subject: update" "Date: Thu, 01 Jan 2026 11:59:00 +0000" "Message-ID: <$2@example.org>" ""
      cat; } > "$1"
}
robot() { # MAIL: the robot's exit status in $rc, the ack in $T/ack
    rm -rf "$T/s/outbox"
    AUTODBM_LOG_STDERR=1 "$BIN/autodbm" -c "$conf" -t 2026-01-01T12:00:00Z < "$1" > "$T/robot.out" 2>&1
    rc=$?
    cat "$T/s/outbox/new/"* > "$T/ack" 2>/dev/null
}
# a person planted in the mirror (the source in another case), and the
# same person in his own source (the control)
cat > "$T/planted" <<'EOF'
person:         Planted Person
address:        Street 6
phone:          +31 20 000 0006
e-mail:         pp1@example.org
nic-hdl:        PP1-TEST
mnt-by:         EVIL-MNT
source:         Ripe-Mirror
EOF
{ cat; echo; cat "$T/planted"; printf '\npassword:       evil-pw-6\n'; } <<'EOF' | mail "$T/m1" attack1
aut-num:        AS64501
as-name:        HIJACKED-AS
admin-c:        TP1-TEST
tech-c:         TP1-TEST
mnt-by:         EVIL-MNT
source:         RIPE-MIRROR

route:          203.0.113.0/24
origin:         AS64501
descr:          changed by a stranger
mnt-by:         EVIL-MNT
source:         ripe-mirror

EOF
robot "$T/m1"
refused() { # N: N objects refused as mirrored, none done
    [ "$rc" = 0 ] || { echo "exit $rc"; cat "$T/robot.out"; return 1; }
    [ "$(grep -c 'Source RIPE-MIRROR is mirrored from another registry' "$T/ack")" = "$1" ] &&
        grep -q 'Number of objects processed successfully:  0' "$T/ack" || { cat "$T/ack"; return 1; }
}
check "stranger's modify and create in the mirrored source refused (any case)" refused 3
# the mirror's own objects, exactly as loaded, each with a delete: line
awk 'BEGIN { RS = ""; ORS = "\n\n" }
     $2 == "AS64500" || $2 == "198.51.100.0/24" { print $0 "\ndelete:         stranger" }
     END { print "password:       evil-pw-6" }' "$T/mirror.db" | mail "$T/m2" attack2
robot "$T/m2"
check "stranger's delete of mirrored objects refused" refused 2
state "$T/after"
check "the store is unchanged" cmp "$T/before" "$T/after"
q -a -r PP1-TEST
check "nothing planted in any source" sh -c "[ $rc = 1 ]"
{ sed 's/^source:.*/source:         TEST/' "$T/planted"; printf '\npassword:       evil-pw-6\n'; } |
    mail "$T/m3" control
robot "$T/m3"
q -r PP1-TEST
check "control: his own-source update goes through" sh -c \
    "grep -q 'Number of objects processed successfully:  1' '$T/ack' && [ $rc = 0 ] && grep -q 'source: *TEST' '$T/q'"

# ------------------------------------------------------------ the server
start "$T/s"
S=$pid
check "the server listens" wait_port "$PORT"
# say BYTES WANT: the answer to BYTES equals WANT (printf format)
say() {
    client "$PORT" send "$1" > "$T/got"
    printf "$2" > "$T/want"
    cmp -s "$T/got" "$T/want" || { diff "$T/want" "$T/got" | head -20; return 1; }
}
check "!s-lc: the own source by default" say '!s-lc\n' 'A5\nTEST\nC\n'
check "!s selects, !s-lc lists" say '!!\n!sripe-mirror,TEST\n!s-lc\n!q\n' 'C\nA17\nRIPE-MIRROR,TEST\nC\n'
check "!s of an unknown source" say '!sTEST,NOPE\n' 'F One or more selected sources are unavailable.\n'
check "!i by default: TEST's set" say '!iAS-EXAMPLE,1\n' 'A8\nAS64500\nC\n'
check "!g by default: TEST's routes" say '!gAS64500\n' 'A13\n192.0.2.0/24\nC\n'
serials() { client "$PORT" send '!j-*\n' | grep -q '^RIPE-MIRROR:Y:'; }
check "!j-*: both sources" serials
# bgpq4 -S RIPE-MIRROR,TEST: the mirror's set first, routes from both
check "bgpq4-like session over two sources" say \
    '!!\n!nbgpq4 1.9\n!sRIPE-MIRROR,TEST\n!iAS-EXAMPLE,1\n!gas64501\n!gas64500\n!a4AS-EXAMPLE\n!sTEST\n!iAS-EXAMPLE,1\n!q\n' \
    'C\nC\nA8\nAS64501\nC\nA15\n203.0.113.0/24\nC\nA29\n192.0.2.0/24 198.51.100.0/24\nC\nA15\n203.0.113.0/24\nC\nC\nA8\nAS64500\nC\n'
ripe() { client "$PORT" send "$1\r\n" > "$T/q"; }
ripe '-q sources'
check "-q sources: both, with their serials" sh -c "grep -q '^TEST:3:N:1-' '$T/q' && grep -q '^RIPE-MIRROR:3:N:41-41$' '$T/q'"
ripe '-s RIPE-MIRROR -r AS64500'
check "RIPE -s RIPE-MIRROR" sh -c "grep -q MIRROR-AS '$T/q' && ! grep -q TEST-AS '$T/q'"
ripe '-r AS64501'
check "RIPE default: no entries in TEST" grep -q '^% No entries found in source TEST\.$' "$T/q"
ripe '-s NOPE AS64500'
check "RIPE -s NOPE: %ERROR:102" grep -q '^% "NOPE" is not a known source\.$' "$T/q"
stop "$S"
check "the server stops" test "$stop_rc" = 0
