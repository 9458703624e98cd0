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

maildir_conf "$T/autodbm.conf" "gnupg_home = gnupg" "archive = archive"
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

# Key-certs (issue 12): method:, owner:, fingerpr: generated from certif:
# as the robot does; a wrong one replaced with a warning; a key the robot
# would refuse: an error (strict), loaded without fingerpr: (non-strict).
# kc NAME KEYFILE [EXTRA-LINES]: a key-cert paragraph
kc() {
    printf 'key-cert:       %s\n%s' "$1" "${3:-}"
    sed -e 's/^/certif:         /' -e 's/ *$//' "$SRC/tests/keys/$2"
    printf 'mnt-by:         DEMO-MNT\nsource:         TEST\n\n'
}
{ kc PGPKEY-AAC53B23 alice.pub.asc
  kc PGPKEY-3E5007CE bob.pub.asc 'fingerpr:       0EC8 43E0 414C FDC6 98AC  AE52 FBC7 3F79 AAC5 3B23
'
} > "$T/kc.rpsl"
rm -rf "$T/db" "$T/gnupg"
"$BIN/autodbm-load" $C "$T/kc.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "key-certs load strictly (exit 0)" sh -c "test $rc -eq 0 && grep -qx 'loaded 2 objects, 0 errors' '$T/out'"
"$BIN/autodbm-query" $C PGPKEY-AAC53B23 > "$T/q" 2>&1
check "a key-cert without fingerpr: gets it" grep -qx "fingerpr: *0EC8 43E0 414C FDC6 98AC  AE52 FBC7 3F79 AAC5 3B23" "$T/q"
check "... and method: and owner:" sh -c "grep -qx 'method: *PGP' '$T/q' && grep -qx 'owner: *Alice Example <alice@example.com>' '$T/q'"
"$BIN/autodbm-query" $C PGPKEY-3E5007CE > "$T/q" 2>&1
check "a wrong fingerpr: is replaced by the key's" sh -c "grep -qx 'fingerpr: *A291 9B07 EFBE DB5D 47B3  2D76 498F A4D6 3E50 07CE' '$T/q' && ! grep -q 0EC8 '$T/q'"
check "... with a warning naming file and line" grep -qx "$T/kc.rpsl:14: warning: Supplied attribute 'fingerpr' has been replaced with a generated value" "$T/err"
kc PGPKEY-DEADBEEF bob.pub.asc 'fingerpr:       A291 9B07 EFBE DB5D 47B3  2D76 498F A4D6 3E50 07CE
' > "$T/kc2.rpsl"
rm -rf "$T/db" "$T/gnupg"
"$BIN/autodbm-load" $C "$T/kc2.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "strict: a key-cert not named after its key is refused (65)" sh -c "test $rc -eq 65 && grep -q \"^$T/kc2.rpsl:1: The key-cert name must be PGPKEY-3E5007CE\" '$T/err'"
"$BIN/autodbm-load" $C --non-strict "$T/kc2.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "non-strict: loaded without fingerpr:, with a warning" sh -c "test $rc -eq 0 && grep -q 'warning: key-cert PGPKEY-DEADBEEF loaded without fingerpr: (The key-cert name must be' '$T/err' && ! '$BIN/autodbm-query' $C PGPKEY-DEADBEEF | grep -q '^fingerpr:'"
rm -rf "$T/db" "$T/gnupg"

# Owner (issue 12): run by another user than the store's owner, the load
# is refused (77) before anything is written; the store's own user, or
# --ignore-owner, loads.  (The tests run as root: the store is nobody's.)
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
    chmod 711 "$T"      # nobody passes through to its directory
    mkdir -p "$T/own/db" && chown nobody "$T/own/db"
    printf 'source = TEST\ndatabase = db\ngnupg_home = gnupg\n' > "$T/own/autodbm.conf"
    "$BIN/autodbm-load" -c "$T/own/autodbm.conf" "$SRC/conf/demo/registry.rpsl" >"$T/out" 2>"$T/err"; rc=$?
    check "root loading into nobody's store is refused (77)" test $rc -eq 77
    check "... naming the owner and the fix" grep -q "belongs to nobody (uid [0-9]*), but autodbm-load runs as root (uid 0).*runuser -u nobody -- autodbm-load .*--ignore-owner" "$T/err"
    check "... and nothing is written" test ! -e "$T/own/db/data.mdb"
    "$BIN/autodbm-load" -c "$T/own/autodbm.conf" --rebuild-keyring >"$T/out" 2>"$T/err"; rc=$?
    check "--rebuild-keyring is refused too (77)" test $rc -eq 77
    rm -rf "$T/own/db"; chown nobody "$T/own"
    "$BIN/autodbm-load" -c "$T/own/autodbm.conf" "$SRC/conf/demo/registry.rpsl" >"$T/out" 2>"$T/err"; rc=$?
    check "a store to be created in nobody's directory is refused (77)" sh -c "test $rc -eq 77 && grep -q 'does not exist yet and its parent .* belongs to nobody' '$T/err' && test ! -e '$T/own/db'"
    su -s /bin/sh nobody -c "'$BIN/autodbm-load' -c '$T/own/autodbm.conf' '$SRC/conf/demo/registry.rpsl'" >"$T/out" 2>"$T/err"; rc=$?
    check "control: the owner itself loads (0)" sh -c "test $rc -eq 0 && grep -qx 'loaded 10 objects, 0 errors' '$T/out'"
    "$BIN/autodbm-load" -c "$T/own/autodbm.conf" --ignore-owner "$SRC/conf/demo/registry.rpsl" >"$T/out" 2>"$T/err"; rc=$?
    check "--ignore-owner overrides the check" test $rc -eq 0
fi
check "control: the same user loads into its own store" sh -c "'$BIN/autodbm-load' $C '$SRC/conf/demo/registry.rpsl' >/dev/null 2>&1"

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

# Several sources (issue 15): --source NAME loads a dump into a mirrored
# source, --serial records its serial, a non-empty source is refused
# with the command that replaces it, --source '*' follows each object's
# source:, non-strict keeps what is not understood, as warnings.
cc -std=c11 -O1 $(pkg-config --cflags lmdb 2>/dev/null) -o "$T/storetool" \
    "$SRC/tests/tools/storetool.c" $(pkg-config --libs lmdb 2>/dev/null || echo -llmdb) 2>"$T/cc.err"
check "tests/tools/storetool.c builds" test -x "$T/storetool"
rm -rf "$T/db" "$T/gnupg"
"$BIN/autodbm-load" $C "$SRC/conf/demo/registry.rpsl" >/dev/null 2>&1
cat > "$T/mirror.rpsl" <<'RPSL'
mntner:         OTHER-MNT
auth:           MD5-PW $1$abc$def
auth:           MD5-PW $1$xyz$uvw
upd-to:         x@example.net
mnt-by:         OTHER-MNT
source:         MIRR

aut-num:        AS65000
as-name:        MIRRORED
mnt-by:         OTHER-MNT
source:         MIRR

route:          10.0.0.0/8
origin:         AS65000
origin:         AS65002
mnt-by:         OTHER-MNT
source:         MIRR

inet6num:       fd00:0:0:0:0:0:0:0 - fd00:0:0:0:ffff:ffff:ffff:ffff
netname:        RANGE6
mnt-by:         OTHER-MNT
source:         MIRR

tinc-key:       NODE1
tinc-host:      node1.example.net
source:         MIRR
RPSL
"$BIN/autodbm-load" $C --source mirr --serial 4711 "$T/mirror.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "--source strict: the unknown class is an error (65)" sh -c "test $rc -eq 65 && grep -q 'unknown object class \"tinc-key\"' '$T/err'"
"$BIN/autodbm-load" $C --source mirr --serial 4711 --non-strict "$T/mirror.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "--non-strict loads all 5, with warnings (0)" sh -c "test $rc -eq 0 && grep -qx 'loaded 5 objects, 0 errors, 3 warnings' '$T/out'"
check "... the repeated attribute is a warning" grep -q "mirror.rpsl:13: warning: Attribute \"origin\" appears more than once" "$T/err"
check "... the IPv6 range is a warning" grep -q "mirror.rpsl:19: warning: Syntax error in fd00" "$T/err"
check "... the unknown class is kept as text" grep -q "mirror.rpsl:24: warning: unknown object class \"tinc-key\": kept as text" "$T/err"
"$BIN/autodbm-load" $C --source mirr --serial 4711 --non-strict "$T/mirror.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "a loaded mirrored source is refused (73)" test $rc -eq 73
check "... with the exact command that replaces it" grep -qx "autodbm-load: source MIRR already holds objects, which a dump does not replace unless told to; to replace them: autodbm-load --replace -c $T/autodbm.conf --source mirr --serial 4711 --non-strict $T/mirror.rpsl" "$T/err"
"$BIN/autodbm-load" --replace $C --source mirr --serial 4711 --non-strict "$T/mirror.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "--replace loads it again (0)" sh -c "test $rc -eq 0 && grep -qx 'loaded 5 objects, 0 errors, 3 warnings' '$T/out'"
"$T/storetool" keys "$T/db" MIRR | LC_ALL=C sort > "$T/have"
printf 'aut-num\tAS65000\ninet6num\tFD00:0:0:0:0:0:0:0 - FD00:0:0:0:FFFF:FFFF:FFFF:FFFF\nmntner\tOTHER-MNT\nroute\t10.0.0.0/8AS65000\ntinc-key\tNODE1\n' > "$T/want"
check "every object is in source MIRR under its key" cmp "$T/want" "$T/have"
check "--serial is recorded" sh -c "test \"\$('$T/storetool' serial '$T/db' MIRR)\" = 4711"
check "the own source is untouched" sh -c "'$BIN/autodbm-query' $C -r DEMO-MNT | grep -q '^source: *TEST' && ! '$BIN/autodbm-query' $C -r AS65000 | grep -q MIRRORED"
"$BIN/autodbm-load" $C --source TEST "$T/mirror.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "--source naming the own source is a usage error (64)" test $rc -eq 64
"$BIN/autodbm-load" $C --serial 5 "$T/mirror.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "--serial without --source is a usage error (64)" test $rc -eq 64
sed -e 's/^source: *MIRR/source:         OTHER/' "$T/mirror.rpsl" > "$T/star.rpsl"
cat >> "$T/star.rpsl" <<'RPSL'

mntner:         STAR-MNT
auth:           MD5-PW $1$abc$def
upd-to:         x@example.net
mnt-by:         STAR-MNT
source:         TEST

route:          192.0.2.0/25
origin:         AS65001
mnt-by:         OTHER-MNT
source:         mirr # a comment

person:         No Source
nic-hdl:        NS1-TEST
RPSL
"$BIN/autodbm-load" $C --source '*' --non-strict "$T/star.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "--source '*': the object without source: is an error, MIRR is refused (65)" sh -c "test $rc -eq 65 && grep -qx 'loaded 6 objects, 2 errors, 3 warnings' '$T/out' && grep -q \"to replace them: autodbm-load --replace -c $T/autodbm.conf --source '\\*'\" '$T/err'"
check "... source OTHER is made and loaded" sh -c "'$T/storetool' keys '$T/db' OTHER | grep -c . | grep -qx 5"
check "... the registry's own source: goes to the own source" sh -c "'$BIN/autodbm-query' $C -r STAR-MNT | grep -q '^mntner: *STAR-MNT'"
check "... MIRR keeps what it had" sh -c "'$T/storetool' keys '$T/db' MIRR | LC_ALL=C sort | cmp - '$T/want'"
"$BIN/autodbm-load" $C --source '*' --replace --non-strict "$T/star.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "--source '*' --replace: MIRR now holds the route only" sh -c "'$T/storetool' keys '$T/db' MIRR | grep -qx 'route	192.0.2.0/25AS65001' && test \$('$T/storetool' keys '$T/db' MIRR | grep -c .) = 1"

# Format 3 (before issue 15): read as it is read-only, upgraded in place
# (logged) read-write.
rm -rf "$T/db" "$T/gnupg"
"$BIN/autodbm-load" $C "$SRC/conf/demo/registry.rpsl" >/dev/null 2>&1
"$T/storetool" setformat "$T/db" 3
"$BIN/autodbm-query" $C -r DEMO-MNT >"$T/out" 2>"$T/err"; rc=$?
check "a format 3 store answers queries (read-only)" sh -c "test $rc -eq 0 && grep -q '^mntner: *DEMO-MNT' '$T/out'"
"$BIN/autodbm-load" $C --source MIRR --non-strict "$T/mirror.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "a format 3 store opened read-write is upgraded, and logged" sh -c "test $rc -eq 0 && grep -q 'upgraded from format 3 to format 4' '$T/err'"
"$T/storetool" setformat "$T/db" 2
"$BIN/autodbm-query" $C -r DEMO-MNT >"$T/out" 2>"$T/err"; rc=$?
check "format 2 is refused" sh -c "test $rc -ne 0 && grep -q 'unsupported store format' '$T/err'"
