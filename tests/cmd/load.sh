#!/bin/sh
# load.sh - autodbm-load from the command line: strict and non-strict
# loads, per-object errors with file and line, gzip input, exit codes.
# Run by tests/run-check with AUTODBM_BIN set; prints ok/not ok lines.
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CORPUS=$SRC/../shared/corpus
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
. "$(dirname "$0")/check.inc"

cat > "$T/autodbm.conf" <<CONF
source = TEST
database = db
robot_address = auto-dbm@example.net
delivery = maildir
outbox = outbox
gnupg_home = gnupg
archive = archive
CONF
C="-c $T/autodbm.conf"

"$BIN/autodbm-load" $C "$SRC/conf/demo/registry.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "strict load of the demo registry exits 0" test $rc -eq 0
check "final count line" grep -qx "loaded 10 objects, 0 errors" "$T/out"
check "no error output" test ! -s "$T/err"
check "store directory created" test -f "$T/db/data.mdb"

# A file with one good and two bad objects.
cat > "$T/bad.rpsl" <<'RPSL'
person:         Good Person
e-mail:         good@example.net
nic-hdl:        GP1-TEST
mnt-by:         DEMO-MNT
source:         TEST

person:         Bad Person
e-mail:         bad@example.net
nic-hdl:        BP1-TEST
mnt-by:         DEMO-MNT
country:        NL
source:         TEST

inetnum:        10.0.0.0 - 9.0.0.0
netname:        BAD
country:        NL
admin-c:        GP1-TEST
tech-c:         GP1-TEST
status:         ASSIGNED PA
mnt-by:         DEMO-MNT
source:         TEST
RPSL
"$BIN/autodbm-load" $C "$T/bad.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "rejected objects give exit 65" test $rc -eq 65
check "count counts loaded and rejected" grep -qx "loaded 1 objects, 2 errors" "$T/out"
check "error names file and line of the attribute" grep -q "^$T/bad.rpsl:11: " "$T/err"
check "error for the bad inetnum names its line" grep -q "^$T/bad.rpsl:14: " "$T/err"
check "the good object is there" sh -c "'$BIN/autodbm-query' $C -r GP1-TEST | grep -q '^nic-hdl: *GP1-TEST'"
check "the bad one is not" sh -c "! '$BIN/autodbm-query' $C -r BP1-TEST >/dev/null"

# Non-strict accepts the unknown attribute.
"$BIN/autodbm-load" $C --non-strict "$T/bad.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "non-strict accepts legacy attributes" grep -qx "loaded 2 objects, 1 errors" "$T/out"

# gzip input, and paragraphs split across read chunks.
gzip -c "$SRC/conf/demo/registry.rpsl" > "$T/demo.rpsl.gz"
rm -rf "$T/db"
"$BIN/autodbm-load" $C "$T/demo.rpsl.gz" >"$T/out" 2>"$T/err"; rc=$?
check "gzip dump loads" sh -c "test $rc -eq 0 && grep -qx 'loaded 10 objects, 0 errors' '$T/out'"

# The RIPE test database (legacy data: non-strict).
if [ -f "$CORPUS/ripe-TEST.db" ]; then
    "$BIN/autodbm-load" $C --non-strict "$CORPUS/ripe-TEST.db" >"$T/out" 2>"$T/err"; rc=$?
    loaded=$(sed -n 's/^loaded \([0-9]*\) objects.*/\1/p' "$T/out")
    check "ripe-TEST.db loads non-strict (>= 200 objects)" test "${loaded:-0}" -ge 200
    # AS3257 is a RIPE object: load it into a registry whose source is RIPE,
    # strictly (every policy line must parse), from gzip.
    printf 'source = RIPE\ndatabase = ripedb\n' > "$T/ripe.conf"
    gzip -c "$CORPUS/AS3257.aut-num.txt" > "$T/as3257.gz"
    "$BIN/autodbm-load" -c "$T/ripe.conf" "$T/as3257.gz" >"$T/out" 2>"$T/err"; rc=$?
    check "AS3257 (470 KB aut-num) loads strictly" sh -c "test $rc -eq 0 && grep -qx 'loaded 1 objects, 0 errors' '$T/out'"
    check "AS3257 is found with its 9,567 lines" sh -c "'$BIN/autodbm-query' -c '$T/ripe.conf' -r AS3257 | grep -c '' | awk '{exit !(\$1 >= 9567)}'"
    "$BIN/autodbm-load" $C --non-strict "$T/as3257.gz" >"$T/out" 2>"$T/err"; rc=$?
    check "a foreign source is refused (exit 65)" test $rc -eq 65
    check "... with RIPE's message" grep -q "Unrecognized source: RIPE" "$T/err"
else
    check "corpus present at $CORPUS" false
fi

"$BIN/autodbm-load" $C "$T/missing.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "missing file gives exit 66" test $rc -eq 66
check "missing file is named" grep -q "missing.rpsl" "$T/err"

printf 'source = TEST\nbogus_key = 1\n' > "$T/bad.conf"
"$BIN/autodbm-load" -c "$T/bad.conf" "$T/bad.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "bad configuration gives exit 78" test $rc -eq 78
check "configuration error names file and line" grep -q "$T/bad.conf:2: unknown key" "$T/err"

"$BIN/autodbm-load" >"$T/out" 2>"$T/err"; rc=$?
check "no file argument is a usage error (64)" test $rc -eq 64
check "-V prints the version" sh -c "'$BIN/autodbm-load' -V | grep -q '^autodbm-load [0-9]'"
