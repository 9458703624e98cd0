#!/bin/sh
# export.sh - command test of autodbm-export on a registry changed by
# robot mails:
#   - DIR/test.db.gz and DIR/TEST.CURRENTSERIAL, gzip that zcat reads, the
#     serial the journal's last;
#   - what a public mirror may see: no person, no role without
#     abuse-mailbox:, no personal data, no password hash (also one given
#     in lower case on a continuation line);
#   - --split: one file per class, together the objects of the dump;
#   - an unknown source or no -d: exit 64, the files of before unchanged;
#     no temporary file left behind;
#   - robots committing during repeated exports: every export's dump is
#     the store at its CURRENTSERIAL, and a reader never finds a file
#     gzip cannot read to its end.
#
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-export.XXXXXX") || exit 1
bg_pid= rd_pid=
cleanup() {
    [ -n "$bg_pid" ] && kill "$bg_pid" 2>/dev/null && wait "$bg_pid" 2>/dev/null
    [ -n "$rd_pid" ] && kill "$rd_pid" 2>/dev/null && wait "$rd_pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
PKGS="lmdb zlib libcrypt gmime-3.0 libesmtp-1.0 gpgme"
cc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -I"$SRC/include" \
    -o "$T/crashtool" "$SRC/tests/tools/crashtool.c" "$SRC/build/libautodbm.a" \
    $(pkg-config --libs $PKGS) 2>"$T/cc.err"
check "tests/tools/crashtool.c builds" test -x "$T/crashtool"
# the journal's last serial of the store below $1
last_serial() { "$T/crashtool" state "$1/db" | sed 's/^last=\([0-9]*\) .*/\1/'; }

A=$T/a
maildir_conf "$A/autodbm.conf" "archive = none"
"$BIN/autodbm-load" -c "$A/autodbm.conf" "$SRC/conf/demo/registry.rpsl" >/dev/null
check "the demo registry loads" test -n "$(last_serial "$A")"

# mail ID BODY-FILE: a mail to the robot with the demo password
mail() {
    printf 'From: Tester <tester@example.net>\nTo: auto-dbm@example.net\n'
    printf 'Message-ID: <export-%s@example.net>\nSubject: objects\n\n' "$1"
    cat "$2"
    printf '\npassword: demo\n'
}
# robot ID BODY-FILE: send it; fails unless exit 0 and every object succeeded
robot() {
    mail "$1" "$2" > "$T/mail.$1"
    "$BIN/autodbm" -c "$A/autodbm.conf" < "$T/mail.$1" >/dev/null 2>"$T/robot.err" || return 1
}
hash=$(openssl passwd -1 -salt abcdefgh secret2)
cat > "$T/objs1" <<EOF
person:  Secret Person
address: Hidden Street 9
phone:   +31 20 123 4567
e-mail:  secret@example.org
nic-hdl: SP1-TEST
mnt-by:  DEMO-MNT
source:  TEST

mntner:         DEMO-MNT
descr:          Maintainer of the demo registry
admin-c:        DA1-TEST
upd-to:         hostmaster@example.net
mnt-nfy:        hostmaster@example.net
auth:           MD5-PW \$1\$fEPxAIo1\$.2XlkEAft0irsXeOCB.T..
auth:           md5-pw
                $hash
mnt-by:         DEMO-MNT
source:         TEST

role:    Abuse Desk
address: Abuse Street 1
e-mail:  desk@example.org
abuse-mailbox: abuse@example.net
admin-c: SP1-TEST
tech-c:  SP1-TEST
nic-hdl: AD1-TEST
mnt-by:  DEMO-MNT
source:  TEST

as-set:  AS64500:AS-EXPORT
descr:   version 0
members: AS64500
tech-c:  SP1-TEST
admin-c: SP1-TEST
mnt-by:  DEMO-MNT
source:  TEST
EOF
robot 1 "$T/objs1"
check "a mail creates a person, a role with abuse-mailbox, an as-set" \
    test "$("$T/crashtool" state "$A/db" person:SP1-TEST role:AD1-TEST as-set:AS64500:AS-EXPORT | sed 's/.*present=//')" = 3
check "... and gives DEMO-MNT a second hash (md5-pw, on a continuation line)" \
    sh -c "'$BIN/autodbm-query' -c '$A/autodbm.conf' -B -r DEMO-MNT | grep -q '^ *[\$]1[\$]abcdefgh[\$]'"

out=$("$BIN/autodbm-export" -c "$A/autodbm.conf" -d "$T/x" 2>"$T/export.err"); rc=$?
check "autodbm-export -d DIR exits 0" test $rc -eq 0
check "it wrote DIR/test.db.gz and DIR/TEST.CURRENTSERIAL" test -s "$T/x/test.db.gz" -a -s "$T/x/TEST.CURRENTSERIAL"
check "zcat reads the dump to its end" sh -c "zcat '$T/x/test.db.gz' > '$T/dump' && gzip -t '$T/x/test.db.gz'"
last=$(last_serial "$A")
check "CURRENTSERIAL is the journal's last serial ($last)" test "$(cat "$T/x/TEST.CURRENTSERIAL")" = "$last"
check "the summary line names the objects and the serial ($out)" \
    sh -c "echo '$out' | grep -qx 'TEST: [0-9]* objects, 3 left out, serial $last'"
check "no person object in the dump" test "$(grep -c '^person:' "$T/dump")" -eq 0
check "no role without abuse-mailbox (DN1-TEST)" sh -c "! grep -q 'DN1-TEST' '$T/dump'"
check "the role with abuse-mailbox is there, dummified" \
    sh -c "grep -q '^nic-hdl: *AD1-TEST' '$T/dump' && grep -q '^abuse-mailbox: *abuse@example.net' '$T/dump' &&
           grep -q '^address: *Dummy address for AD1-TEST' '$T/dump'"
check "no personal data (names, streets, phones, mail addresses of persons)" \
    sh -c "! grep -E 'Secret Person|Hidden Street|123 4567|secret@example.org|desk@example.org|SP1-TEST|DA1-TEST|hostmaster@' '$T/dump'"
# no_hash FILE: every auth: line is RIPE's dummy, no hash of the registry's
no_hash() {
    grep -i '^auth' "$1" | grep -v '^auth: *MD5-PW [$]1[$]SaltSalt[$]DummifiedMD5HashValue[.]   # Real value hidden for security$' &&
        return 1
    ! grep -E 'fEPxAIo1|abcdefgh|pEeRsAlT|[$]2[aby][$]' "$1"
}
check "no password hash: every auth: is RIPE's dummy" no_hash "$T/dump"
check "the as-set is there with the dummy handle" \
    sh -c "sed -n '/^as-set: *AS64500:AS-EXPORT/,/^\$/p' '$T/dump' | grep -q '^tech-c: *DUMY-RIPE'"

# --split, and a second source that does not exist
"$BIN/autodbm-export" -c "$A/autodbm.conf" -q -d "$T/s" --split > "$T/split.out" 2>&1; rc=$?
check "--split exits 0, -q prints nothing" test $rc -eq 0 -a ! -s "$T/split.out"
check "--split writes one file per class (test.db.aut-num.gz, test.db.person.gz empty)" \
    sh -c "test -s '$T/s/test.db.aut-num.gz' && test -f '$T/s/test.db.person.gz' && test -z \"\$(zcat '$T/s/test.db.person.gz')\" &&
           test \$(ls '$T/s' | grep -c '^test\\.db\\..*\\.gz\$') -ge 21"
# one object a line, sorted
objects() { awk 'BEGIN { RS = ""; ORS = "\n" } { gsub(/\n/, "\001"); print }' | sort; }
zcat "$T/s/test.db.gz" | objects > "$T/all.sorted"
for f in "$T"/s/test.db.*.gz; do zcat "$f"; done | objects > "$T/split.sorted"
check "the split files together hold the objects of the dump, each once" \
    sh -c "cmp -s '$T/all.sorted' '$T/split.sorted' && test \$(wc -l < '$T/all.sorted') -ge 8"
check "the route file holds the routes only" \
    sh -c "zcat '$T/s/test.db.route.gz' | grep -q '^route:' && ! zcat '$T/s/test.db.route.gz' | grep -q '^inetnum:'"
cp "$T/x/test.db.gz" "$T/before.gz"
"$BIN/autodbm-export" -c "$A/autodbm.conf" -d "$T/x" TEST NOSUCH >/dev/null 2>"$T/err"; rc=$?
check "an unknown source: exit 64, named on stderr" sh -c "test $rc -eq 64 && grep -q 'NOSUCH' '$T/err'"
check "... and the files of before are unchanged" cmp -s "$T/x/test.db.gz" "$T/before.gz"
"$BIN/autodbm-export" -c "$A/autodbm.conf" >/dev/null 2>&1; rc=$?
check "no -d: exit 64" test $rc -eq 64
"$BIN/autodbm-export" -c "$A/autodbm.conf" -d "$T/x" "../x" >/dev/null 2>&1; rc=$?
"$BIN/autodbm-export" -c "$A/autodbm.conf" -d "$T/x" "" >/dev/null 2>&1; rc2=$?
check "a source named ../x or \"\": exit 64, nothing written" \
    sh -c "test $rc -eq 64 -a $rc2 -eq 64 && test ! -e '$T/x.db.gz' && cmp -s '$T/x/test.db.gz' '$T/before.gz' && test ! -e '$T/x/.db.gz'"
check "no temporary file left in DIR" test -z "$(ls -A "$T/x" "$T/s" | grep '^\.')"

# ------------------------------------------------ robots during exports
# Mail K changes the as-set's descr to "version K": one journal entry
# each, so the dump of an export at serial S must show version S - base.
base=$(last_serial "$A")
nmails=25
i=1
while [ $i -le $nmails ]; do
    sed "s/^descr:   version 0/descr:   version $i/" "$T/objs1" |
        awk 'BEGIN { RS = ""; ORS = "\n\n" } /^as-set:/' > "$T/objs.$i"
    i=$((i + 1))
done
(
    i=1
    while [ $i -le $nmails ]; do robot "c$i" "$T/objs.$i" || echo "mail $i failed" >> "$T/bg.err"; i=$((i + 1)); done
    touch "$T/bg.done"
) &
bg_pid=$!
# a reader that checks the published dump again and again
(
    while [ ! -f "$T/bg.done" ]; do
        if [ -f "$T/c/test.db.gz" ] && ! gzip -t "$T/c/test.db.gz" 2>/dev/null; then
            echo "a half dump seen" >> "$T/rd.err"
        fi
        sleep 0.02
    done
) &
rd_pid=$!
exports=0 bad=0 seen=
while [ ! -f "$T/bg.done" ] && [ $exports -lt 500 ]; do
    "$BIN/autodbm-export" -c "$A/autodbm.conf" -q -d "$T/c" >/dev/null 2>>"$T/c.err" || { bad=$((bad + 1)); continue; }
    exports=$((exports + 1))
    s=$(cat "$T/c/TEST.CURRENTSERIAL")
    v=$(zcat "$T/c/test.db.gz" | sed -n '/^as-set: *AS64500:AS-EXPORT/,/^$/s/^descr: *version //p')
    [ "$v" = "$((s - base))" ] || { bad=$((bad + 1)); echo "serial $s has version $v" >> "$T/c.err"; }
    seen="$seen $s"
done
wait "$bg_pid"; bg_pid=
wait "$rd_pid"; rd_pid=
check "the $nmails mails were applied" sh -c "test ! -s '$T/bg.err' && test $(last_serial "$A") -eq $((base + nmails))"
distinct=$(echo "$seen" | tr ' ' '\n' | grep . | sort -u | wc -l)
check "exports ran meanwhile at several serials ($exports exports, $distinct serials)" test "$distinct" -ge 3
check "every export's dump is the store at its CURRENTSERIAL" sh -c "test $bad -eq 0 || { head -5 '$T/c.err'; exit 1; }"
check "a reader never found a dump gzip cannot read" test ! -s "$T/rd.err"

# ------------------------------------------------ a stored text that is no object
cc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror -O1 \
    -o "$T/storetool" "$SRC/tests/tools/storetool.c" $(pkg-config --libs lmdb 2>/dev/null || echo -llmdb) \
    2>>"$T/cc.err"
"$T/storetool" spoil "$A/db" AS64500 >/dev/null 2>&1
check "storetool spoils aut-num AS64500" test $? -eq 0
out=$("$BIN/autodbm-export" -c "$A/autodbm.conf" -d "$T/x" 2>"$T/err"); rc=$?
check "an object that does not read: exit 0, a warning naming it" \
    sh -c "test $rc -eq 0 && grep -q 'aut-num AS64500: not an object, left out' '$T/err'"
check "... it is left out, the other objects are there" \
    sh -c "zcat '$T/x/test.db.gz' > '$T/dump2' && ! grep -q 'not an attribute' '$T/dump2' &&
           ! grep -q '^aut-num: *AS64500' '$T/dump2' && grep -q '^as-set: *AS64500:AS-EXPORT' '$T/dump2'"
