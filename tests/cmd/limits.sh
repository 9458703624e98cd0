#!/bin/sh
# limits.sh - the limits on incoming mail (conf.h, README "Limits"): each
# of max_mail_size, max_mime_depth, max_mime_parts, max_objects,
# max_object_size, max_passwords and max_line_length set low and exceeded:
# exit 0, one ack naming the limit, nothing applied, no notification, and
# a redelivery is not answered again.  Bad limit values are configuration
# errors (75).  Then a full store (a tiny tmpfs, root with unshare -m):
# exit 75, nothing changed, and the retry with space applies the mail.
#
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-limits.XXXXXX") || exit 1
cleanup() { umount "$T/full" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
MAIL=$SRC/conf/demo/sample.mail

# mkconf DIR EXTRA-LINE
mkconf() {
    mkdir -p "$1"
    printf 'source = TEST\ndatabase = db\nrobot_address = auto-dbm@example.net\ndelivery = maildir\noutbox = outbox\narchive = archive\n%s\n' "$2" > "$1/autodbm.conf"
    "$BIN/autodbm-load" -c "$1/autodbm.conf" "$SRC/conf/demo/registry.rpsl" >/dev/null
}
snapshot() { "$BIN/autodbm-query" -c "$1" -r -B -i mnt-by DEMO-MNT > "$2" 2>&1; }

# limit NAME CONF-LINE MAIL-FILE: the mail is beyond the limit NAME
limit() {
    d=$T/$1
    mkconf "$d" "$2"
    snapshot "$d/autodbm.conf" "$T/before"
    "$BIN/autodbm" -c "$d/autodbm.conf" < "$3" >"$T/out" 2>"$T/err"; rc=$?
    snapshot "$d/autodbm.conf" "$T/after"
    files=$(ls "$d/outbox/new" 2>/dev/null | wc -l)
    check "$1 ($2): exit 0, one message (the ack), nothing applied" \
        sh -c "test $rc -eq 0 && test $files -eq 1 && cmp -s '$T/before' '$T/after'"
    check "... the ack is FAILED and names $1" \
        sh -c "grep -q '^Subject: FAILED' '$d'/outbox/new/* && grep -q 'was not processed' '$d'/outbox/new/* && grep -q '$1' '$d'/outbox/new/*"
    "$BIN/autodbm" -c "$d/autodbm.conf" < "$3" >"$T/out" 2>"$T/err"; rc=$?
    check "... a redelivery exits 0 and is not answered again" \
        sh -c "test $rc -eq 0 && test \$(ls '$d/outbox/new' | wc -l) -eq 1"
}
# the demo mail with more lines added before its password line
grow() { sed '/^password:/d' "$MAIL"; cat; echo "password: demo"; }

limit max_mail_size "max_mail_size = 512" "$MAIL"
{ printf 'From: Demo Admin <admin@example.net>\nMessage-ID: <deep@example.net>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="a"\n\n--a\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: multipart/mixed; boundary="c"\n\n--c\nContent-Type: text/plain\n\n'
  sed '1,/^$/d' "$MAIL"; printf '\n--c--\n--b--\n--a--\n'; } > "$T/deep.mail"
limit max_mime_depth "max_mime_depth = 2" "$T/deep.mail"
{ printf 'From: Demo Admin <admin@example.net>\nMessage-ID: <parts@example.net>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="a"\n\n'
  for i in 1 2 3 4; do printf -- '--a\nContent-Type: text/plain\n\nremarks: part %s\n\n' $i; done
  printf -- '--a\nContent-Type: text/plain\n\n'; sed '1,/^$/d' "$MAIL"; printf '\n--a--\n'; } > "$T/parts.mail"
limit max_mime_parts "max_mime_parts = 3" "$T/parts.mail"
limit max_objects "max_objects = 2" "$MAIL"
printf 'remarks: %s\n' $(seq 1 40) | { echo; echo "person: Long Object"; cat; echo "nic-hdl: AUTO-9"; echo "source: TEST"; } | grow > "$T/obj.mail"
limit max_object_size "max_object_size = 300" "$T/obj.mail"
{ echo "password: a"; echo "password: b"; } | grow > "$T/pw.mail"
limit max_passwords "max_passwords = 2" "$T/pw.mail"
{ echo; printf 'remarks: '; printf 'x%.0s' $(seq 1 200); echo; } | grow > "$T/line.mail"
limit max_line_length "max_line_length = 100" "$T/line.mail"

# the defaults let the demo mail through
mkconf "$T/def" ""
"$BIN/autodbm" -c "$T/def/autodbm.conf" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
check "with the default limits the demo mail is applied (4 messages)" \
    sh -c "test $rc -eq 0 && test \$(ls '$T/def/outbox/new' | wc -l) -eq 4 && ! grep -q 'not processed' '$T'/def/outbox/new/*"
for bad in "max_objects = 0" "max_passwords = -1" "max_mail_size = lots" "max_mime_depth = 3x"; do
    printf 'source = TEST\n%s\n' "$bad" > "$T/bad.conf"
    "$BIN/autodbm" -c "$T/bad.conf" < "$MAIL" >"$T/out" 2>"$T/err"; rc=$?
    check "'$bad' is a configuration error naming the line (exit 75)" \
        sh -c "test $rc -eq 75 && grep -q 'bad.conf:2:' '$T/err'"
done

# ------------------------------------------------------------ store full
# A 2 MB tmpfs in a private mount namespace, filled up after the load:
# LMDB cannot write its pages.  Root only (mount).
full_run() { # sets rc; 1 when no tmpfs can be mounted here
    [ "$(id -u)" = 0 ] || return 1
    mkdir -p "$T/full"
    unshare -m sh -c 'mount -t tmpfs -o size=2m tmpfs "$1"' sh "$T/full" 2>/dev/null || return 1
    unshare -m sh -c '
        set -u
        F=$1 BIN=$2 SRC=$3 MAIL=$4
        mount -t tmpfs -o size=2m tmpfs "$F" || exit 99
        printf "source = TEST\ndatabase = db\nrobot_address = auto-dbm@example.net\ndelivery = maildir\noutbox = /tmp/none\narchive = none\nmap_size = 64K\n" > "$F/autodbm.conf"
        sed "s|outbox = /tmp/none|outbox = $5/outbox|" "$F/autodbm.conf" > "$F/c" && mv "$F/c" "$F/autodbm.conf"
        "$BIN/autodbm-load" -c "$F/autodbm.conf" "$SRC/conf/demo/registry.rpsl" >/dev/null || exit 98
        "$BIN/autodbm-query" -c "$F/autodbm.conf" -r -B -i mnt-by DEMO-MNT > "$5/before" 2>&1
        dd if=/dev/zero of="$F/fill" bs=4k 2>/dev/null
        "$BIN/autodbm" -c "$F/autodbm.conf" < "$MAIL" >"$5/out" 2>"$5/err"; echo $? > "$5/rc1"
        ls "$5/outbox/new" 2>/dev/null | wc -l > "$5/sent1"
        rm -f "$F/fill"
        "$BIN/autodbm-query" -c "$F/autodbm.conf" -r -B -i mnt-by DEMO-MNT > "$5/after" 2>&1
        "$BIN/autodbm" -c "$F/autodbm.conf" < "$MAIL" >"$5/out2" 2>"$5/err2"; echo $? > "$5/rc2"
        "$BIN/autodbm-query" -c "$F/autodbm.conf" -r 192.0.2.192 > "$5/after2" 2>&1
    ' sh "$T/full" "$BIN" "$SRC" "$MAIL" "$T"
    return 0
}
if full_run; then
    check "a full store (tmpfs full): exit 75" test "$(cat "$T/rc1" 2>/dev/null)" = 75
    check "... the store unchanged, nothing sent" \
        sh -c "diff '$T/before' '$T/after' && test \$(cat '$T/sent1') -eq 0"
    check "... with space again the retry applies the mail (exit 0, 4 messages)" \
        sh -c "test \$(cat '$T/rc2') = 0 && grep -q DEMO-CUSTOMER-C '$T/after2' && test \$(ls '$T/outbox/new' | wc -l) -eq 4"
else
    skip "a full store: exit 75" "no tmpfs mount here (needs root and unshare -m)"
fi
