#!/bin/sh
# hostile.sh - hostile input: header injection through From/Subject,
# invalid UTF-8 and NUL bytes, 10,000 nested multiparts, a 100 MB mail
# (generated on the fly into the robot's stdin, never written to disk),
# mail loops (a bounce of our ack, Reply-To: the robot, notify: the
# robot) and a flood of mails from one sender (300 in the plain build, 50
# under the sanitizers, FLOOD=1000 in `make check-long`): each handled, answered once, in bounded time,
# with exactly one log line per mail.
#
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-hostile.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
case $BIN in */asan/*) flood=${FLOOD_ASAN:-50} ;; *) flood=${FLOOD:-300} ;; esac

mkdir -p "$T/r"
maildir_conf "$T/r/autodbm.conf" "archive = archive"
C=$T/r/autodbm.conf
"$BIN/autodbm-load" -c "$C" "$SRC/conf/demo/registry.rpsl" >/dev/null
export AUTODBM_LOG_STDERR=1
# run MAIL-FILE: the robot; sets rc, $T/err; NEW = the files it added to the outbox
run() {
    ls "$T/r/outbox/new" 2>/dev/null | sort > "$T/before"
    "$BIN/autodbm" -c "$C" < "$1" >"$T/out" 2>"$T/err"; rc=$?
    NEW=$(ls "$T/r/outbox/new" 2>/dev/null | sort | comm -13 "$T/before" - | sed "s|^|$T/r/outbox/new/|")
}
hdr() { sed -n '/^$/q; p' "$1"; }
snapshot() { "$BIN/autodbm-query" -c "$C" -r -B -i mnt-by DEMO-MNT > "$1" 2>&1; }
loglines() { test "$(grep -c 'message-id=' "$T/err")" -eq 1; }

# ------------------------------------------------------------ injection
cat > "$T/inj" <<'MAIL'
From: Evil <evil@example.net>
To: auto-dbm@example.net
Subject: =?utf-8?q?hello=0D=0ABcc:_victim2@evil.example=0D=0A=0D=0Abody?=
Message-ID: <inject-1@example.net>

person: x
MAIL
run "$T/inj"
check "header injection in Subject: exit 0, one ack" sh -c "test $rc -eq 0 && test \$(echo '$NEW' | grep -c .) -eq 1"
hdr "$NEW" > "$T/ack.hdr"
check "... no Bcc: or extra header reaches the ack" sh -c "! grep -qi '^Bcc:' '$T/ack.hdr' && ! grep -qi '^body' '$T/ack.hdr'"
check "... exactly one To:, the sender's address" \
    sh -c "test \$(grep -ci '^To:' '$T/ack.hdr') -eq 1 && grep -qi '^To: .*evil@example.net' '$T/ack.hdr'"
check "... one log line" loglines
cat > "$T/inj2" <<'MAIL'
From: =?utf-8?q?Evil=0D=0ABcc:_victim@evil.example?= <evil@example.net>
Reply-To: =?utf-8?q?x=0D=0ABcc:_victim3@evil.example?= <evil@example.net>
To: auto-dbm@example.net
Subject: injection in From
Message-ID: <inject-2@example.net>

person: x
MAIL
run "$T/inj2"
for f in $NEW; do hdr "$f"; done > "$T/ack.hdr"
check "header injection in From/Reply-To: exit 0, no Bcc: in anything sent" \
    sh -c "test $rc -eq 0 && ! grep -qi '^Bcc:' '$T/ack.hdr' && ! grep -qi 'victim' '$T/ack.hdr'"
check "... one log line" loglines

# ------------------------------------------------------------ bytes
printf 'From: Bytes <bytes@example.net>\nTo: auto-dbm@example.net\nSubject: bad \377\376 bytes \000 here\nMessage-ID: <bytes-1@example.net>\nContent-Type: text/plain; charset=utf-8\n\nperson: Bad \377 Bytes\naddress: nul \000 byte\nnic-hdl: AUTO-1\nsource: TEST\n\n\300\200 overlong \355\240\200 surrogate\n' > "$T/bytes"
run "$T/bytes"
check "invalid UTF-8 and NUL bytes: exit 0, one ack" sh -c "test $rc -eq 0 && test \$(echo '$NEW' | grep -c .) -eq 1"
check "... the ack is valid UTF-8" sh -c "iconv -f UTF-8 -t UTF-8 '$NEW' >/dev/null"
check "... and holds no NUL byte" sh -c "test \$(tr -d '\\000' < '$NEW' | wc -c) -eq \$(wc -c < '$NEW')"
check "... one log line" loglines

# ------------------------------------------------------------ deep MIME
awk 'BEGIN { n = 10000
    print "From: Deep <deep@example.net>\nMessage-ID: <deep-1@example.net>\nMIME-Version: 1.0"
    print "Content-Type: multipart/mixed; boundary=\"b0\"\n"
    for (i = 0; i < n; i++) printf "--b%d\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n", i, i + 1
    printf "--b%d\nContent-Type: text/plain\n\nperson: Deep Person\nnic-hdl: AUTO-1\nsource: TEST\n\n", n
    for (i = n; i >= 0; i--) printf "--b%d--\n", i }' > "$T/deep"
snapshot "$T/s0"
t0=$(date +%s)
run "$T/deep"
t1=$(date +%s)
snapshot "$T/s1"
check "10,000 nested multiparts: exit 0 in $((t1 - t0)) s (< 60)" test $rc -eq 0 -a $((t1 - t0)) -lt 60
check "... answered: the MIME limit, nothing changed" \
    sh -c "test \$(echo '$NEW' | grep -c .) -eq 1 && grep -q 'max_mime_depth' '$NEW' && cmp -s '$T/s0' '$T/s1'"
check "... one log line" loglines
rm -f "$T/deep"

# ------------------------------------------------------------ 100 MB
t0=$(date +%s)
ls "$T/r/outbox/new" | sort > "$T/before"
{ printf 'From: Big <big@example.net>\nTo: auto-dbm@example.net\nSubject: big\nMessage-ID: <big-1@example.net>\n\nperson: Big Person\nnic-hdl: AUTO-1\nsource: TEST\n\n'
  yes 'remarks: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' | head -c 104857600
} | "$BIN/autodbm" -c "$C" >"$T/out" 2>"$T/err"; rc=$?
t1=$(date +%s)
NEW=$(ls "$T/r/outbox/new" | sort | comm -13 "$T/before" - | sed "s|^|$T/r/outbox/new/|")
snapshot "$T/s1"
check "a 100 MB mail: exit 0 in $((t1 - t0)) s (< 60)" test $rc -eq 0 -a $((t1 - t0)) -lt 60
check "... answered with the size limit, to the sender, nothing changed" \
    sh -c "test \$(echo '$NEW' | grep -c .) -eq 1 && grep -q 'max_mail_size' '$NEW' && grep -qi '^To: .*big@example.net' '$NEW' && cmp -s '$T/s0' '$T/s1'"
big=$(ls -S "$T"/r/archive/*/*.in | head -n 1)
check "... the archive keeps at most max_mail_size + 1 bytes of it" test "$(wc -c < "$big")" -le 10485761
check "... one log line, saying so" sh -c "loglines() { test \$(grep -c 'message-id=' '$T/err') -eq 1; }; loglines && grep -q 'outcome=refused' '$T/err'"

# ------------------------------------------------------------ loops
cat > "$T/notify" <<'MAIL'
From: Looper <looper@example.net>
To: auto-dbm@example.net
Message-ID: <loop-1@example.net>

person:  Loop Person
address: Example Street 9
e-mail:  looper@example.net
nic-hdl: AUTO-1
notify:  auto-dbm@example.net
mnt-by:  DEMO-MNT
source:  TEST

password: demo
MAIL
run "$T/notify"
check "notify: the robot: the object is created, the ack sent" \
    sh -c "test $rc -eq 0 && grep -l '^Auto-Submitted: auto-replied' $(echo $NEW) | grep -q ."
check "... nothing is sent to the robot's own address" sh -c "! grep -qi '^To: .*auto-dbm@example.net' $(echo $NEW)"
ack=$(grep -l '^Auto-Submitted: auto-replied' $NEW | head -n 1)
{ printf 'From: Mail Delivery System <MAILER-DAEMON@example.net>\nTo: auto-dbm@example.net\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <bounce-1@example.net>\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n--B\nContent-Type: text/plain\n\nThe mail could not be delivered.\n\n--B\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; looper@example.net\nAction: failed\nStatus: 5.1.1\n\n--B\nContent-Type: message/rfc822\n\n'
  cat "$ack"; printf '\n--B--\n'; } > "$T/bounce"
run "$T/bounce"
check "a bounce of our ack: exit 0, dropped, nothing sent" sh -c "test $rc -eq 0 && test -z '$NEW'"
check "... one log line saying dropped" sh -c "test \$(grep -c 'message-id=' '$T/err') -eq 1 && grep -q 'outcome=dropped' '$T/err'"
printf 'From: Someone <someone@example.net>\nReply-To: auto-dbm@example.net\nMessage-ID: <loop-2@example.net>\n\nperson: x\n' > "$T/rt"
run "$T/rt"
check "Reply-To: the robot: dropped, nothing sent" sh -c "test $rc -eq 0 && test -z '$NEW' && grep -q 'outcome=dropped' '$T/err'"

# ------------------------------------------------------------ flood
mkdir -p "$T/f"
sed 's/^database = db/database = fdb/; s/^outbox = outbox/outbox = fout/' "$C" > "$T/r/flood.conf"
"$BIN/autodbm-load" -c "$T/r/flood.conf" "$SRC/conf/demo/registry.rpsl" >/dev/null
awk -v n="$flood" -v dir="$T/f" 'BEGIN { for (i = 1; i <= n; i++) {
    f = dir "/" i
    printf "From: Flood <flood@example.net>\nTo: auto-dbm@example.net\nMessage-ID: <flood-%d@example.net>\n\nperson:  Flood Person\naddress: Example Street\ne-mail:  flood@example.net\nnic-hdl: AUTO-1\nmnt-by:  DEMO-MNT\nsource:  TEST\n\npassword: demo\n", i > f
    close(f) } }'
t0=$(date +%s)
bad=0
i=1
: > "$T/flood.log"
while [ $i -le "$flood" ]; do
    "$BIN/autodbm" -c "$T/r/flood.conf" < "$T/f/$i" >/dev/null 2>>"$T/flood.log" || bad=$((bad + 1))
    i=$((i + 1))
done
t1=$(date +%s)
check "a flood of $flood mails from one sender: all exit 0 in $((t1 - t0)) s (< 300)" test $bad -eq 0 -a $((t1 - t0)) -lt 300
acks=$(grep -l '^Auto-Submitted: auto-replied' "$T"/r/fout/new/* | xargs grep -h '^In-Reply-To:')
check "... $flood acks, one per mail, none twice" \
    test "$(echo "$acks" | wc -l)" -eq "$flood" -a "$(echo "$acks" | sort -u | wc -l)" -eq "$flood"
check "... all applied (FP1-TEST to FP$flood-TEST exist, no more)" \
    sh -c "'$BIN/autodbm-query' -c '$T/r/flood.conf' -r FP1-TEST >/dev/null && '$BIN/autodbm-query' -c '$T/r/flood.conf' -r FP$flood-TEST >/dev/null && ! '$BIN/autodbm-query' -c '$T/r/flood.conf' -r FP$((flood + 1))-TEST >/dev/null"
check "... exactly one log line per mail" test "$(grep -c 'message-id=' "$T/flood.log")" -eq "$flood"
