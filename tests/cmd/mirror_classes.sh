#!/bin/sh
# mirror_classes.sh - a mirrored registry's own classes (dn42's schema,
# tinc-key, registry) without the dn42 registry: a dump with objects of
# classes the schema does not know, loaded by autodbm-load --source MIRR
# --non-strict, is kept (warnings, not errors); the objects are found by
# autodbm-query and autodbm-whoisd (-s MIRR, by key and by -T CLASS; -T
# of such a class where no selected source has it is an unknown type;
# "!m"), they are in MIRR's export (autodbm-export), and one that comes
# through MIRR's journal (tests/nrtm/mirrorput.c, as autodbm-mirror
# writes) is re-served by the NRTM server and exported too; its DEL is
# re-served with the deleted text, and the object is gone.
# Run by tests/run-check with AUTODBM_BIN set.
. "$(dirname "$0")/whoisd.inc"
N=$SRC/tests/nrtm

PORT=$(free_port)
NPORT=$(free_port)
maildir_conf "$T/s/autodbm.conf" "whois_listen = 127.0.0.1:$PORT" \
    "nrtm_listen = 127.0.0.1:$NPORT" "nrtm_banner = no"
C="-c $T/s/autodbm.conf"
cat > "$T/dump.rpsl" <<'RPSL'
mntner:         MIRR-MNT
auth:           MD5-PW $1$abcdefgh$0123456789abcdefghijkl
mnt-by:         MIRR-MNT
source:         MIRR

schema:             FOO-SCHEMA
ref:                mirr.foo
key:                foo   required  single    primary schema
mnt-by:             MIRR-MNT
source:             MIRR

tinc-key:           NODE1-TINC
tinc-host:          node1
tinc-file:
                    Address=192.0.2.1
                    -----BEGIN RSA PUBLIC KEY-----
mnt-by:             MIRR-MNT
source:             MIRR
RPSL
SCHEMA='schema:         FOO-SCHEMA
ref:            mirr.foo
key:            foo   required  single    primary schema
mnt-by:         MIRR-MNT
source:         MIRR'
TINC='tinc-key:       NODE1-TINC
tinc-host:      node1
tinc-file:
                Address=192.0.2.1
                -----BEGIN RSA PUBLIC KEY-----
mnt-by:         MIRR-MNT
source:         MIRR'

"$BIN/autodbm-load" $C --source MIRR --serial 50 --non-strict "$T/dump.rpsl" >"$T/out" 2>"$T/err"; rc=$?
check "the dump loads into MIRR (0), the unknown classes as warnings" sh -c "test $rc -eq 0 && grep -qx 'loaded 3 objects, 0 errors, 2 warnings' '$T/out' && grep -q 'dump.rpsl:6: warning: unknown object class \"schema\": kept as text' '$T/err' && grep -q 'dump.rpsl:12: warning: unknown object class \"tinc-key\": kept as text' '$T/err'"

# autodbm-query
printf '%s\n\n' "$SCHEMA" >"$T/want.schema"
printf '%s\n\n' "$TINC" >"$T/want.tinc"
"$BIN/autodbm-query" $C -rB -s MIRR -T schema foo-schema >"$T/got" 2>&1
check "autodbm-query -s MIRR -T schema KEY: the object" cmp "$T/want.schema" "$T/got"
"$BIN/autodbm-query" $C -rB -s mirr NODE1-TINC >"$T/got" 2>&1
check "autodbm-query -s MIRR KEY: found by its key alone" cmp "$T/want.tinc" "$T/got"
"$BIN/autodbm-query" $C -r -s MIRR -T aut-num,tinc-key FOO-SCHEMA >"$T/got" 2>&1; rc=$?
check "... not with -T of other classes (1)" sh -c "test $rc -eq 1 && grep -q 'no entries found' '$T/got'"
"$BIN/autodbm-query" $C -r FOO-SCHEMA >"$T/got" 2>&1; rc=$?
check "... not in the own source, the default (1)" sh -c "test $rc -eq 1 && grep -q 'no entries found' '$T/got'"
"$BIN/autodbm-query" $C -r -T schema FOO-SCHEMA >"$T/got" 2>&1; rc=$?
check "-T schema where no selected source has one: unknown type (64)" sh -c "test $rc -eq 64 && grep -q 'unknown object type \"schema\"' '$T/got'"

# autodbm-export
"$BIN/autodbm-export" $C -d "$T/exp" MIRR >"$T/out" 2>&1; rc=$?
check "autodbm-export MIRR (0)" test $rc -eq 0
gzip -dc "$T/exp/mirr.db.gz" >"$T/dump.out" 2>&1
# has FILE TEXT: one paragraph of FILE is TEXT
has() { awk -v want="$2" '$0 == want { f = 1 } END { exit !f }' RS= "$1"; }
both() {
    has "$T/dump.out" "$SCHEMA" && has "$T/dump.out" "$TINC" &&
        test "$(grep -c '^schema:\|^tinc-key:' "$T/dump.out")" -eq 2
}
check "... the dump holds both objects as stored" both
check "... at serial 50" sh -c "test \"\$(cat '$T/exp/MIRR.CURRENTSERIAL')\" = 50"

# one that comes by MIRR's journal
PKGS="lmdb zlib libcrypt gmime-3.0 libesmtp-1.0 gpgme"
cc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -I"$SRC/include" \
    -o "$T/mirrorput" "$N/mirrorput.c" "$SRC/build/libautodbm.a" \
    $(pkg-config --libs $PKGS) 2>"$T/cc.err"
check "tests/nrtm/mirrorput.c builds" test -x "$T/mirrorput"
printf 'registry:       MIRR\nurl:            https://registry.example.net/\nsource:         MIRR\n' >"$T/reg"
check "MIRR serial 51 adds a registry object" "$T/mirrorput" "$T/s/db" MIRR 51 add "$T/reg"

# autodbm-whoisd: queries and NRTM
start "$T/s"
S=$pid
check "the server listens" wait_port "$PORT"
wait_port "$NPORT"
client "$PORT" send '-rBG -s MIRR -T tinc-key node1-tinc\n' >"$T/got"
check "whoisd -s MIRR -T tinc-key KEY: the object" grep -Fqx 'tinc-file:' "$T/got"
client "$PORT" send '-r -s MIRR -T registry MIRR\n' >"$T/got"
check "whoisd -s MIRR -T registry KEY: the one from the journal" grep -Fqx 'url:            https://registry.example.net/' "$T/got"
client "$PORT" send '-T schema FOO-SCHEMA\n' >"$T/got"
check "whoisd -T schema without -s MIRR: %ERROR:103" grep -Fqx "%ERROR:103: unknown object type 'schema'" "$T/got"
client "$PORT" send '!!\n!sMIRR\n!mschema,FOO-SCHEMA\n!q\n' >"$T/got"
check "whoisd !sMIRR !mschema,KEY: the object" sh -c "grep -Fqx 'ref:            mirr.foo' '$T/got' && grep -q '^A[0-9]' '$T/got'"
client "$NPORT" send '-g MIRR:3:51-LAST\n' >"$T/got"
printf '%%START Version: 3 MIRR 51-51\n\nADD 51\n\nregistry:       MIRR\nurl:            https://registry.example.net/\nsource:         MIRR\n\n%%END MIRR\n\n' >"$T/want"
check "NRTM -g MIRR:3:51-LAST re-serves it" cmp "$T/want" "$T/got"
stop "$S"
check "the server stops (0)" test "$stop_rc" = 0

"$BIN/autodbm-export" $C -d "$T/exp" MIRR >"$T/out" 2>&1
gzip -dc "$T/exp/mirr.db.gz" >"$T/dump.out" 2>&1
check "the export has it too, at serial 51" sh -c "grep -qx 'registry: *MIRR' '$T/dump.out' && test \$(grep -c '^schema:\\|^tinc-key:\\|^registry:' '$T/dump.out') -eq 3 && test \"\$(cat '$T/exp/MIRR.CURRENTSERIAL')\" = 51"

# and a DEL of it by MIRR's journal (as autodbm-mirror applies one)
check "MIRR serial 52 deletes the registry object" "$T/mirrorput" "$T/s/db" MIRR 52 del "$T/reg"
start "$T/s"
S=$pid
check "the server listens again" wait_port "$NPORT"
wait_port "$PORT"
client "$NPORT" send '-g MIRR:3:52-LAST\n' >"$T/got"
printf '%%START Version: 3 MIRR 52-52\n\nDEL 52\n\nregistry:       MIRR\nurl:            https://registry.example.net/\nsource:         MIRR\n\n%%END MIRR\n\n' >"$T/want"
check "NRTM -g MIRR:3:52-LAST re-serves the DEL with the deleted text" cmp "$T/want" "$T/got"
client "$PORT" send '-r -s MIRR MIRR\n' >"$T/got"
check "whoisd -s MIRR KEY: gone" grep -q '%ERROR:101: no entries found' "$T/got"
stop "$S"
check "the server stops (0)" test "$stop_rc" = 0
