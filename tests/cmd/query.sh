#!/bin/sh
# query.sh - command test of autodbm-query against a store filled by
# autodbm-load: key and lookup queries, inverse queries, the address
# relations on a small hand-made inetnum hierarchy, referenced contacts,
# auth: filtering, -T, the no-match answer, and every object of the RIPE
# test database found again by its key.
#
# Run by tests/run-check with AUTODBM_BIN (the programs) and
# AUTODBM_SRCDIR (the source tree); prints "ok NAME" / "not ok NAME".
set -u

bin=${AUTODBM_BIN:-$(cd "$(dirname "$0")/../../bin" && pwd)}
srcdir=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
corpus=$srcdir/../shared/corpus

tmp=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-query.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n_fail=0
ok() { echo "ok $1"; }
nok() { echo "not ok $1"; n_fail=$((n_fail + 1)); shift; for l in "$@"; do echo "# $l"; done; }

# write a configuration for a store below directory $1
mkconf() {
    mkdir -p "$1"
    cat > "$1/autodbm.conf" <<EOF
# test configuration; relative paths are relative to this file
source = TEST
database = db
robot_address = auto-dbm@test.invalid
delivery = maildir
outbox = outbox
gnupg_home = gnupg
archive = archive
EOF
}

# run a query: q ARGS...; sets $out (stdout), $rc (exit status)
CONF=
q() {
    "$bin/autodbm-query" -c "$CONF" "$@" >"$tmp/q.out" 2>"$tmp/q.err"
    rc=$?
    out=$(cat "$tmp/q.out")
}

# the first line of every object printed, white space folded
heads() {
    printf '%s\n' "$out" | awk '
        /^[ \t]*$/ { inobj = 0; next }
        !inobj { inobj = 1; gsub(/[ \t]+/, " "); print }'
}

# check NAME EXPECTED: the heads of $out equal EXPECTED (newline-separated)
check_heads() {
    got=$(heads)
    if [ "$rc" = 0 ] && [ "$got" = "$2" ]; then ok "$1"; else
        nok "$1" "exit $rc" "expected: $(echo "$2" | tr '\n' '|')" \
            "got:      $(echo "$got" | tr '\n' '|')" "$(head -c 300 "$tmp/q.err")"
    fi
}

# ------------------------------------------------------------------ data

mkconf "$tmp/s"
CONF=$tmp/s/autodbm.conf
cat > "$tmp/small.db" <<'EOF'
mntner:         TEST-MNT
descr:          test maintainer
admin-c:        TP1-TEST
upd-to:         test@example.net
auth:           MD5-PW $1$abcdefgh$0123456789abcdefghijkl
mnt-by:         TEST-MNT
source:         TEST

mntner:         OTHER-MNT
descr:          another maintainer
admin-c:        OP1-TEST
upd-to:         other@example.net
auth:           BCRYPT-PW $2b$12$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234
mnt-by:         OTHER-MNT
source:         TEST

person:         Test Person
address:        Street 1
phone:          +31 20 000 0000
e-mail:         tp@example.net
nic-hdl:        TP1-TEST
mnt-by:         TEST-MNT
source:         TEST

person:         Other Person
address:        Street 2
phone:          +31 20 000 0001
nic-hdl:        OP1-TEST
mnt-by:         OTHER-MNT
source:         TEST

role:           Test Role
address:        Street 3
e-mail:         noc@example.net
admin-c:        TP1-TEST
tech-c:         OP1-TEST
nic-hdl:        TR1-TEST
mnt-by:         TEST-MNT
source:         TEST

aut-num:        AS65001
as-name:        TEST-AS
admin-c:        TP1-TEST
tech-c:         TR1-TEST
mnt-by:         TEST-MNT
source:         TEST

inetnum:        10.0.0.0 - 10.255.255.255
netname:        NET-A
country:        NL
admin-c:        TP1-TEST
tech-c:         TR1-TEST
status:         ALLOCATED UNSPECIFIED
mnt-by:         TEST-MNT
source:         TEST

inetnum:        10.1.0.0 - 10.1.255.255
netname:        NET-B
country:        NL
admin-c:        OP1-TEST
tech-c:         OP1-TEST
status:         ALLOCATED PA
mnt-by:         OTHER-MNT
source:         TEST

inetnum:        10.1.0.0 - 10.1.3.255
netname:        NET-S
country:        NL
admin-c:        OP1-TEST
tech-c:         OP1-TEST
status:         SUB-ALLOCATED PA
mnt-by:         OTHER-MNT
source:         TEST

inetnum:        10.1.0.0 - 10.1.0.255
netname:        NET-C
country:        NL
admin-c:        TP1-TEST
tech-c:         OP1-TEST
status:         ASSIGNED PA
mnt-by:         TEST-MNT
source:         TEST

inetnum:        10.1.1.0 - 10.1.1.127
netname:        NET-D
country:        NL
admin-c:        TP1-TEST
tech-c:         TP1-TEST
status:         ASSIGNED PA
mnt-by:         TEST-MNT
source:         TEST

inetnum:        10.1.8.0 - 10.1.8.255
netname:        NET-G
country:        NL
admin-c:        OP1-TEST
tech-c:         OP1-TEST
status:         ASSIGNED PA
mnt-by:         OTHER-MNT
source:         TEST

inetnum:        10.2.0.0 - 10.2.255.255
netname:        NET-E
country:        NL
admin-c:        OP1-TEST
tech-c:         OP1-TEST
status:         ALLOCATED PA
mnt-by:         OTHER-MNT
source:         TEST

route:          10.1.0.0/16
descr:          route of NET-B
origin:         AS65001
mnt-by:         OTHER-MNT
source:         TEST

inet6num:       2001:db8::/32
netname:        NET6-A
country:        NL
admin-c:        TP1-TEST
tech-c:         TP1-TEST
status:         ALLOCATED-BY-RIR
mnt-by:         TEST-MNT
source:         TEST

inet6num:       2001:db8:1::/48
netname:        NET6-B
country:        NL
admin-c:        TP1-TEST
tech-c:         TP1-TEST
status:         ASSIGNED
mnt-by:         TEST-MNT
source:         TEST
EOF

lo=$("$bin/autodbm-load" -c "$CONF" --non-strict "$tmp/small.db" 2>&1)
lrc=$?
if [ $lrc = 0 ] && printf '%s\n' "$lo" | grep -q 'loaded 16 objects, 0 errors'; then
    ok load-small
else
    nok load-small "exit $lrc" "$(printf '%s\n' "$lo" | tail -n 5)"
fi

# ------------------------------------------------------------ program

out=$("$bin/autodbm-query" -V 2>&1); rc=$?
case "$out" in "autodbm-query "[0-9]*) [ $rc = 0 ] && ok version || nok version "exit $rc";;
    *) nok version "$out";; esac
"$bin/autodbm-query" -h >/dev/null 2>&1 && ok help || nok help
"$bin/autodbm-query" -c "$CONF" -Z x >/dev/null 2>&1; rc=$?
[ $rc = 64 ] && ok bad-option || nok bad-option "exit $rc, expected 64"
"$bin/autodbm-query" -c "$CONF" >/dev/null 2>&1; rc=$?
[ $rc = 64 ] && ok no-argument || nok no-argument "exit $rc, expected 64"
"$bin/autodbm-query" -c "$CONF" -T nosuchclass x >/dev/null 2>&1; rc=$?
[ $rc = 64 ] && ok bad-type || nok bad-type "exit $rc, expected 64"
"$bin/autodbm-query" -c "$tmp/nonexistent.conf" TP1-TEST >/dev/null 2>&1; rc=$?
[ $rc = 78 ] && ok missing-conf || nok missing-conf "exit $rc, expected 78"

# ------------------------------------------------------------ key look-ups

q -r TP1-TEST
check_heads key-nic-hdl "person: Test Person"
q -r tp1-test
check_heads key-case-insensitive "person: Test Person"
q -r "Test Person"
check_heads lookup-person-name "person: Test Person"
q -r tp@example.net
check_heads lookup-e-mail "person: Test Person"
q -r NET-C
check_heads lookup-netname "inetnum: 10.1.0.0 - 10.1.0.255"
q AS65001
check_heads aut-num-with-contacts "aut-num: AS65001
person: Test Person
role: Test Role"
q -r AS65001
check_heads aut-num-r "aut-num: AS65001"

# each object once: the role references TP1-TEST, which is also asked for
q TR1-TEST
check_heads contacts-once "role: Test Role
person: Test Person
person: Other Person"

# one blank line after each object, none elsewhere
q AS65001
blanks=$(grep -c '^$' "$tmp/q.out")
objs=$(heads | wc -l)
ends=$(tail -c 2 "$tmp/q.out" | od -An -c | tr -d ' ')
if [ $rc = 0 ] && [ "$objs" = 3 ] && [ "$blanks" = 3 ] && [ "$ends" = '\n\n' ]; then
    ok blank-line-after-object; else
    nok blank-line-after-object "objects $objs, blank lines $blanks, ends '$ends'"; fi

# ------------------------------------------------------------ -B and auth

q -r TEST-MNT
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -Eq '^auth: +MD5-PW # Filtered$' &&
   ! printf '%s\n' "$out" | grep -q 'abcdefgh'; then ok auth-filtered; else
    nok auth-filtered "$out"; fi
q -r OTHER-MNT
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -Eq '^auth: +BCRYPT-PW # Filtered$'; then
    ok auth-filtered-bcrypt; else nok auth-filtered-bcrypt "$out"; fi
q -r -B TEST-MNT
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -Fq 'MD5-PW $1$abcdefgh$0123456789abcdefghijkl'; then
    ok auth-unfiltered-B; else nok auth-unfiltered-B "$out"; fi

# ------------------------------------------------------------ -T

q -r -T role TR1-TEST
check_heads type-role "role: Test Role"
q -r -T person TR1-TEST
if [ $rc = 1 ]; then ok type-excludes; else nok type-excludes "exit $rc" "$out"; fi
q -r -T route 10.1.0.0/16
check_heads type-route-address "route: 10.1.0.0/16"
q -r -T inetnum,route 10.1.0.0/16
check_heads type-list "inetnum: 10.1.0.0 - 10.1.255.255
route: 10.1.0.0/16"

# ------------------------------------------------------------ -i

q -r -i mnt-by OTHER-MNT
got=$(heads | sort)
exp=$(printf '%s\n' "inetnum: 10.1.0.0 - 10.1.255.255" "inetnum: 10.1.0.0 - 10.1.3.255" \
    "inetnum: 10.1.8.0 - 10.1.8.255" "inetnum: 10.2.0.0 - 10.2.255.255" \
    "mntner: OTHER-MNT" "person: Other Person" "route: 10.1.0.0/16" | sort)
[ $rc = 0 ] && [ "$got" = "$exp" ] && ok inverse-mnt-by ||
    nok inverse-mnt-by "exit $rc" "got: $(echo "$got" | tr '\n' '|')"
q -r -i mnt-by -T inetnum other-mnt
got=$(heads | sort)
exp=$(printf '%s\n' "inetnum: 10.1.0.0 - 10.1.255.255" "inetnum: 10.1.0.0 - 10.1.3.255" \
    "inetnum: 10.1.8.0 - 10.1.8.255" "inetnum: 10.2.0.0 - 10.2.255.255" | sort)
[ $rc = 0 ] && [ "$got" = "$exp" ] && ok inverse-type-case ||
    nok inverse-type-case "exit $rc" "got: $(echo "$got" | tr '\n' '|')"
q -r -i origin AS65001
check_heads inverse-origin "route: 10.1.0.0/16"
q -r -i admin-c,tech-c TR1-TEST
check_heads inverse-list "aut-num: AS65001
inetnum: 10.0.0.0 - 10.255.255.255"
q -i mnt-by NOBODY-MNT
[ $rc = 1 ] && ok inverse-no-match || nok inverse-no-match "exit $rc"

# ------------------------------------------------------------ addresses
# The relations on the inetnum hierarchy (-T inetnum), then with the
# route 10.1.0.0/16 that address queries also find.

A="inetnum: 10.0.0.0 - 10.255.255.255"
B="inetnum: 10.1.0.0 - 10.1.255.255"
S="inetnum: 10.1.0.0 - 10.1.3.255"
C="inetnum: 10.1.0.0 - 10.1.0.255"
D="inetnum: 10.1.1.0 - 10.1.1.127"
G="inetnum: 10.1.8.0 - 10.1.8.255"
E="inetnum: 10.2.0.0 - 10.2.255.255"

q -r -T inetnum "10.1.0.0 - 10.1.0.255"
check_heads addr-default-exact "$C"
q -r -T inetnum 10.1.0.0 - 10.1.0.255
check_heads addr-range-three-words "$C"
q -r -T inetnum 10.1.0.0/24
check_heads addr-prefix "$C"
q -r -T inetnum 10.1.1.5
check_heads addr-default-best "$D"
q -r -T inetnum -x 10.1.0.0/24
check_heads addr-x "$C"
q -r -T inetnum -x 10.1.1.5
[ $rc = 1 ] && printf '%s\n' "$out" | grep -q '^%ERROR:101: no entries found$' &&
    ok addr-x-no-match || nok addr-x-no-match "exit $rc" "$out"
q -r -T inetnum -l 10.1.0.0/24
check_heads addr-l "$S"
q -r -T inetnum -l 10.1.1.5
check_heads addr-l-address "$D"
q -r -T inetnum -L 10.1.0.0/24
check_heads addr-L "$A
$B
$S
$C"
q -r -T inetnum -L 10.1.8.1
check_heads addr-L-address "$A
$B
$G"
q -r -T inetnum -m 10.1.0.0/16
check_heads addr-m "$S
$G"
q -r -T inetnum -m 10.0.0.0/8
check_heads addr-m-top "$B
$E"
q -r -T inetnum -M 10.1.0.0/16
check_heads addr-M "$S
$C
$D
$G"
q -r -T inetnum -M 10.0.0.0/8
check_heads addr-M-top "$B
$S
$C
$D
$G
$E"
q -r -T inetnum -m 10.1.8.0/24
[ $rc = 1 ] && ok addr-m-leaf || nok addr-m-leaf "exit $rc" "$out"
q -r 10.1.0.0/16
check_heads addr-with-route "$B
route: 10.1.0.0/16"
q -r 10.1.1.5
check_heads addr-best-with-route "$D
route: 10.1.0.0/16"
q -r -M 10.0.0.0/8
check_heads addr-M-with-route "$B
$S
$C
$D
$G
$E
route: 10.1.0.0/16"
q -T inetnum 10.1.1.0/25
check_heads addr-contacts "$D
person: Test Person"
q -r 2001:db8:1::/48
check_heads addr6-exact "inet6num: 2001:db8:1::/48"
q -r 2001:db8:1::1
check_heads addr6-best "inet6num: 2001:db8:1::/48"
q -r -l 2001:db8:1::/48
check_heads addr6-l "inet6num: 2001:db8::/32"
q -r -M 2001:db8::/32
check_heads addr6-M "inet6num: 2001:db8:1::/48"
q -r 192.0.2.1
[ $rc = 1 ] && ok addr-outside || nok addr-outside "exit $rc" "$out"

# ------------------------------------------------------------ no match

q NO-SUCH-KEY
if [ $rc = 1 ] && printf '%s\n' "$out" | grep -q '^%ERROR:101: no entries found$'; then
    ok no-match; else nok no-match "exit $rc" "$out"; fi
q -s TEST -r TP1-TEST
check_heads source-ours "person: Test Person"
q -s OTHERDB -r TP1-TEST
[ $rc = 1 ] && ok source-other || nok source-other "exit $rc" "$out"

# --------------------------------------------- the RIPE test database

db=$corpus/ripe-TEST.db
if [ ! -f "$db" ]; then
    nok ripe-test-db "corpus file $db is missing"
else
    mkconf "$tmp/r"
    CONF=$tmp/r/autodbm.conf
    # every object's class and key: class attribute value, nic-hdl for
    # person/role; route/route6 by prefix (with -x) and origin
    awk '
        function trim(s) { sub(/#.*/, "", s); gsub(/^[ \t]+|[ \t]+$/, "", s); gsub(/[ \t]+/, " ", s); return s }
        function flush() {
            if (cls != "") {
                k = key
                if (cls == "person" || cls == "role") k = hdl
                print cls "\t" k "\t" origin
            }
            cls = ""; key = ""; hdl = ""; origin = ""
        }
        /^[#%]/ { next }
        /^[ \t]*$/ { flush(); next }
        /^[A-Za-z0-9-]+:/ {
            name = tolower(substr($0, 1, index($0, ":") - 1))
            val = trim(substr($0, index($0, ":") + 1))
            if (cls == "") { cls = name; key = val }
            if (name == "nic-hdl") hdl = val
            if (name == "origin") origin = val
        }
        END { flush() }' "$db" > "$tmp/keys"
    nobj=$(wc -l < "$tmp/keys")
    lo=$("$bin/autodbm-load" -c "$CONF" --non-strict "$db" 2>&1)
    lrc=$?
    if [ $lrc = 0 ] && printf '%s\n' "$lo" | grep -q "loaded $nobj objects, 0 errors"; then
        ok "load-ripe-test-db ($nobj objects)"
    else
        nok load-ripe-test-db "exit $lrc, expected $nobj objects" "$(printf '%s\n' "$lo" | tail -n 5)"
    fi
    found=0 missing=0
    tab=$(printf '\t')
    while IFS=$tab read -r cls key origin; do
        if [ "$cls" = route ] || [ "$cls" = route6 ]; then
            q -r -x -T "$cls" "$key"
            want=$origin
        else
            q -r -T "$cls" "$key"
            want=
        fi
        if [ $rc = 0 ] && printf '%s\n' "$out" | grep -qi "^$cls:" &&
           { [ -z "$want" ] || printf '%s\n' "$out" | grep -qi "^origin: *$want\$"; }; then
            found=$((found + 1))
        else
            missing=$((missing + 1))
            [ $missing -le 10 ] && echo "# not found: -T $cls $key (exit $rc) $(head -c 200 "$tmp/q.err")"
        fi
    done < "$tmp/keys"
    if [ $missing = 0 ] && [ $found = "$nobj" ]; then
        ok "ripe-test-db-every-key ($found found)"
    else
        nok ripe-test-db-every-key "$found found, $missing not found"
    fi
    # a plain key query (no -T) finds the object too, for a sample
    q -r JS1-TEST
    check_heads ripe-test-db-plain-key "person: John Smith"
fi

[ $n_fail = 0 ]
