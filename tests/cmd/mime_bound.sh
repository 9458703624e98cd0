#!/bin/sh
# mime_bound.sh - hostile MIME structure is refused before it is built:
# a ~7 MB mail of tens of thousands of empty parts, a part with 500,000
# header lines, multiparts nested beyond max_mime_depth.  Each is answered
# (exit 0, one FAILED ack naming the limit) with a peak RSS under 200 MB
# and in a few seconds; a mail just within the limits is read, and a
# normal multipart mail is still processed.
#
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-mimeb.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
MAIL=$SRC/conf/demo/sample.mail
MAXKB=204800
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "1..0 # SKIP no /usr/bin/time"; exit 0; }

mkconf() {
    maildir_conf "$1/autodbm.conf" "archive = none"
    "$BIN/autodbm-load" -c "$1/autodbm.conf" "$SRC/conf/demo/registry.rpsl" >/dev/null
}
hdr() { printf 'From: Demo Admin <admin@example.net>\nMessage-ID: <%s@example.net>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="a"\n\n' "$1"; }

# attack NAME LIMIT MAIL: answered with an ack naming LIMIT, bounded
attack() {
    d=$T/$1
    mkconf "$d"
    $TIME -f '%M %e' -o "$T/$1.time" "$BIN/autodbm" -c "$d/autodbm.conf" < "$3" >"$T/out" 2>"$T/err"; rc=$?
    set -- "$1" "$2" "$(tail -n 1 "$T/$1.time")"
    echo "# $1: peak RSS ${3% *} KB, ${3#* } s"
    check "$1: exit 0, one FAILED ack naming $2" \
        sh -c "test $rc -eq 0 && test \$(ls '$d/outbox/new' | wc -l) -eq 1 && grep -q '^Subject: FAILED' '$d'/outbox/new/* && grep -q '$2' '$d'/outbox/new/*"
    check "... peak RSS under $MAXKB KB (${3% *})" test "${3% *}" -lt $MAXKB
}

# (a) ~7 MB of empty parts
{ hdr parts; awk 'BEGIN { for (i = 0; i < 1400000; i++) print "--a\n"; print "--a--" }'; } > "$T/parts.mail"
attack empty_parts max_mime_parts "$T/parts.mail"
# (b) one part with 500,000 header lines
{ hdr headers; printf -- '--a\n'; awk 'BEGIN { for (i = 0; i < 500000; i++) print "X-A: b" }'
  printf 'Content-Type: text/plain\n\nremarks: x\n--a--\n'; } > "$T/headers.mail"
attack header_lines max_header_size "$T/headers.mail"
# (c) 5,000 nested multiparts
{ hdr deep; awk 'BEGIN { for (i = 0; i < 5000; i++) printf "--%s\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n", (i ? "b" (i - 1) : "a"), i }'; } > "$T/deep.mail"
attack deep_nesting max_mime_depth "$T/deep.mail"

# (d) just within the limits: 999 parts whose header blocks together are
# just under max_header_size (512K) in three-byte fields: parsed, bounded
{ hdr within; awk 'BEGIN { for (p = 0; p < 998; p++) { print "--a"; for (i = 0; i < 174; i++) print "a:"; print "" }; print "--a--" }'; } > "$T/within.mail"
d=$T/within; mkconf "$d"
$TIME -f '%M %e' -o "$T/within.time" "$BIN/autodbm" -c "$d/autodbm.conf" < "$T/within.mail" >"$T/out" 2>"$T/err"; rc=$?
r=$(tail -n 1 "$T/within.time"); echo "# within: peak RSS ${r% *} KB, ${r#* } s"
check "999 parts, header blocks just under max_header_size: read (no text found), not refused" \
    sh -c "test $rc -eq 0 && grep -q 'No valid update found' '$d'/outbox/new/* && ! grep -q 'not processed' '$d'/outbox/new/*"
# (~70 MB; a sanitizer build takes about three times as much)
check "... peak RSS under $((MAXKB * 2)) KB (${r% *})" test "${r% *}" -lt $((MAXKB * 2))

# the control: the demo mail as the last of a few parts is applied
{ hdr control; for i in 1 2 3; do printf -- '--a\nContent-Type: text/plain\n\nremarks: part %s\n\n' $i; done
  printf -- '--a\nContent-Type: text/plain\n\n'; sed '1,/^$/d' "$MAIL"; printf '\n--a--\n'; } > "$T/control.mail"
mkconf "$T/ctl"
"$BIN/autodbm" -c "$T/ctl/autodbm.conf" < "$T/control.mail" >"$T/out" 2>"$T/err"; rc=$?
check "a multipart mail of 5 parts is applied (4 messages, none refused)" \
    sh -c "test $rc -eq 0 && test \$(ls '$T/ctl/outbox/new' | wc -l) -eq 4 && ! grep -q 'not processed' '$T'/ctl/outbox/new/*"
