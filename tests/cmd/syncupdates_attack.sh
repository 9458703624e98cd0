#!/bin/sh
# syncupdates_attack.sh - a stranger against autodbm-syncupdates (the CGI
# run directly with CGI environment variables): each attack with a
# control proving the legitimate request still works.
#  - multipart amplification: a 10M body of tiny parts, of huge part
#    headers or of nested multiparts made GMime build gigabytes; bounded by
#    sync_max_parts and sync_max_part_header_size, nested multipart refused;
#  - a body shorter than its CONTENT_LENGTH (the connection dropped) was
#    applied as far as it went: refused, nothing applied;
#  - the store's writer lock was held while the response was written: a
#    client that does not read its (large) ack blocked every update;
#  - a slow body (a client sending a few bytes, then nothing) kept the CGI
#    waiting as long as the web server let it: sync_read_timeout -> 408;
#  - a client behind a trusted reverse proxy chose its own From-Host with
#    ORIGIN: X-Forwarded-For (the proxy's word) now comes first;
#  - not holes, kept as regressions: the victim's signature credited to
#    other text (unsigned text around the signed block, a second DATA
#    parameter or part, DATA in the query string of a POST, a base64
#    part), signed text in a charset with shift states (UTF-16, UTF-7),
#    the victim's old signed DATA replayed (as sent, CR LF, another
#    charset, base64, wrapped in the stranger's own signature);
#  - garbage requests (tests/tools/syncfuzz.py, a bounded loop): every one
#    answered, no crash; under the sanitizer build no report either.
# The registry is tests/cases/attack-authz-takeover-pgp's (VICTIM-MNT:
# victim-pw-1; EVIL-MNT: evil-pw-6).
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-syncatk.XXXXXX") || exit 1
holder=
cleanup() {
    [ -n "$holder" ] && kill "$holder" 2>/dev/null
    for h in "$T/sg" "$T/reg/gnupg"; do
        [ -d "$h" ] && gpgconf --homedir "$h" --kill gpg-agent 2>/dev/null
    done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
CASE=$SRC/tests/cases/attack-authz-takeover-pgp
CGI=$BIN/autodbm-syncupdates
Q=$BIN/autodbm-query
D=$T/reg
maildir_conf "$D/autodbm.conf" "gnupg_home = gnupg" "signature_max_age = 999999999" \
    "lock_timeout = 2" "sync_max_request_size = 10M"
"$BIN/autodbm-load" -q -c "$D/autodbm.conf" --non-strict "$CASE/objects.rpsl" >/dev/null
export AUTODBM_CONF="$D/autodbm.conf"

# cgi METHOD FILE [VAR=VALUE...]: run the CGI with FILE as the body;
# T/head gets the header lines, T/body the body
cgi() {
    m=$1 f=$2; shift 2
    env REQUEST_METHOD="$m" CONTENT_LENGTH="$(wc -c < "$f")" REMOTE_ADDR=192.0.2.66 \
        AUTODBM_LOG_STDERR=1 "$@" "$CGI" < "$f" > "$T/resp" 2> "$T/log"
    sed -n '1,/^\r*$/p' "$T/resp" | tr -d '\r' > "$T/head"
    sed '1,/^\r*$/d' "$T/resp" > "$T/body"
}
status() { head -1 "$T/head" | cut -d' ' -f2; }
is() { test "$(status)" = "$1"; }
body_has() { grep -q -- "$1" "$T/body"; }
# py FILE PROGRAM: FILE gets what the python program writes
py() { f=$1; shift; python3 -c "$@" > "$f"; }
# memory and time of one CGI run, in KB and s ("KB s")
costly() {
    /usr/bin/time -f '%M %e' -o "$T/cost" env REQUEST_METHOD=POST \
        CONTENT_LENGTH="$(wc -c < "$1")" CONTENT_TYPE="$2" REMOTE_ADDR=192.0.2.66 \
        "$CGI" < "$1" > "$T/resp" 2> "$T/log"
    sed -n '1,/^\r*$/p' "$T/resp" | tr -d '\r' > "$T/head"
    sed '1,/^\r*$/d' "$T/resp" > "$T/body"
}
small() { read kb s < "$T/cost"; test "$kb" -lt 200000; }
person() {  # person NIC REMARK [PASSWORD]: a person maintained by EVIL-MNT
    printf 'person:         Evil Two\naddress:        Evil Street 2\nphone:          +31 20 666 6667\ne-mail:         ep2@example.org\nremarks:        %s\nnic-hdl:        %s\nmnt-by:         EVIL-MNT\nsource:         TEST\n' "$2" "$1"
    [ -z "${3:-}" ] || printf 'password:       %s\n' "$3"
}
B=atk-boundary
MP="multipart/form-data; boundary=$B"

# ------------------------------------------- multipart amplification
person EV1-TEST one evil-pw-6 > "$T/p1"
{ printf -- '--%s\r\nContent-Disposition: form-data; name="DATA"\r\n\r\n' $B
  cat "$T/p1"; printf '\r\n--%s\r\nContent-Disposition: form-data; name="NEW"\r\n\r\nyes\r\n--%s--\r\n' $B $B; } > "$T/ok"
cgi POST "$T/ok" CONTENT_TYPE="$MP"
check "control: a multipart create of two parts: Create SUCCEEDED" body_has '^Create SUCCEEDED: \[person\] EV1-TEST'
py "$T/parts" "import sys; sys.stdout.buffer.write(b'--$B\r\n\r\n' * 500000 + b'--$B--\r\n')"
costly "$T/parts" "$MP"
check "500000 empty parts (9M): refused, 413" is 413
check "... naming sync_max_parts" body_has 'sync_max_parts'
check "... without gigabytes of memory" small
py "$T/hdrs" "import sys; sys.stdout.buffer.write(b'--$B\r\nContent-Disposition: form-data; name=\"DATA\"\r\n' + b'a:b\r\n' * 1000000 + b'\r\nx\r\n--$B--\r\n')"
costly "$T/hdrs" "$MP"
check "one part of a million header lines: refused, 413" is 413
check "... naming sync_max_part_header_size" body_has 'sync_max_part_header_size'
check "... without gigabytes of memory" small
py "$T/nest" "import sys; sys.stdout.buffer.write(b'--$B\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n' + b'--in\r\n\r\n' * 700000 + b'--in--\r\n--$B--\r\n')"
costly "$T/nest" "$MP"
check "a part that is itself multipart (700000 parts inside): refused, 400" is 400
check "... without gigabytes of memory" small
py "$T/nest2" "import sys; sys.stdout.buffer.write(b'--$B\r\nContent-type:\r\n  MultiPart/mixed; boundary=in\r\n\r\n--in\r\n\r\nx\r\n--in--\r\n--$B--\r\n')"
cgi POST "$T/nest2" CONTENT_TYPE="$MP"
check "... also with its Content-Type folded and in mixed case" is 400

# -------------------------- a body shorter than its CONTENT_LENGTH
enc() { python3 -c 'import sys, urllib.parse; sys.stdout.write(urllib.parse.quote_plus(open(sys.argv[1], "rb").read()))' "$1"; }
person EV2-TEST two evil-pw-6 > "$T/p2"
printf 'DATA=%s' "$(enc "$T/p2")" > "$T/f2"
cgi POST "$T/f2" CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=$(($(wc -c < "$T/f2") + 100))
check "a body 100 bytes short of its CONTENT_LENGTH: 400" is 400
check "... saying it is incomplete" body_has 'incomplete'
check "... nothing applied" sh -c "! $Q -r EV2-TEST"
cgi POST "$T/f2" CONTENT_TYPE=application/x-www-form-urlencoded
check "control: the whole body: Create SUCCEEDED" body_has '^Create SUCCEEDED: \[person\] EV2-TEST'

# ------------------- the writer lock is not held while the response is written
# 600 objects that fail (no password) make an ack far beyond a pipe's buffer; its reader
# never reads: the CGI blocks writing it
i=0
while [ $i -lt 600 ]; do person "EV9$i-TEST" x; echo; i=$((i + 1)); done > "$T/many"
printf 'DATA=%s' "$(enc "$T/many")" > "$T/fmany"
mkfifo "$T/fifo"
env REQUEST_METHOD=POST CONTENT_TYPE=application/x-www-form-urlencoded \
    CONTENT_LENGTH="$(wc -c < "$T/fmany")" REMOTE_ADDR=192.0.2.66 "$CGI" \
    < "$T/fmany" > "$T/fifo" 2>/dev/null &
slowcgi=$!
sleep 30 < "$T/fifo" &
holder=$!
i=0
while [ $i -lt 100 ] && [ "$(ps -o stat= -p $slowcgi 2>/dev/null | cut -c1)" = R ]; do
    sleep 0.1; i=$((i + 1))
done
sleep 1
person EV3-TEST three evil-pw-6 > "$T/p3"
printf 'DATA=%s' "$(enc "$T/p3")" > "$T/f3"
cgi POST "$T/f3" CONTENT_TYPE=application/x-www-form-urlencoded
check "an update while another client does not read its large ack: 200 (not 503)" is 200
check "... Create SUCCEEDED" body_has '^Create SUCCEEDED: \[person\] EV3-TEST'
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; holder=
kill "$slowcgi" 2>/dev/null; wait "$slowcgi" 2>/dev/null

# ------------------------------------------------------- a slow body
cp "$D/autodbm.conf" "$D/slow.conf"
echo "sync_read_timeout = 1" >> "$D/slow.conf"
{ printf 'DATA=x'; sleep 5; } | env REQUEST_METHOD=POST CONTENT_TYPE=application/x-www-form-urlencoded \
    CONTENT_LENGTH=1000 REMOTE_ADDR=192.0.2.66 AUTODBM_CONF="$D/slow.conf" "$CGI" > "$T/resp" 2> "$T/log"
sed -n '1,/^\r*$/p' "$T/resp" | tr -d '\r' > "$T/head"
sed '1,/^\r*$/d' "$T/resp" > "$T/body"
check "a body that stops coming: 408 after sync_read_timeout" is 408
check "... naming sync_read_timeout" body_has 'sync_read_timeout'
person EV4-TEST four evil-pw-6 > "$T/p4"
printf 'DATA=%s' "$(enc "$T/p4")" > "$T/f4"
{ head -c 10 "$T/f4"; sleep 0.5; tail -c +11 "$T/f4"; } | env REQUEST_METHOD=POST \
    CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH="$(wc -c < "$T/f4")" \
    REMOTE_ADDR=192.0.2.66 AUTODBM_CONF="$D/slow.conf" "$CGI" > "$T/resp" 2> "$T/log"
sed '1,/^\r*$/d' "$T/resp" > "$T/body"
check "control: a body that pauses within the timeout: Create SUCCEEDED" body_has '^Create SUCCEEDED: \[person\] EV4-TEST'

# ------------------------- ORIGIN through a trusted reverse proxy
# A reverse proxy (listed in sync_trusted_proxies) passes the client's
# form on, ORIGIN included, and names the client in X-Forwarded-For: the
# client's own ORIGIN must not choose the address the answers name.
cp "$D/autodbm.conf" "$D/proxy.conf"
echo "sync_trusted_proxies = 127.0.0.2" >> "$D/proxy.conf"
printf 'HELP=yes&ORIGIN=198.51.100.66' > "$T/fo"
cgi POST "$T/fo" CONTENT_TYPE=application/x-www-form-urlencoded REMOTE_ADDR=127.0.0.2 \
    HTTP_X_FORWARDED_FOR=203.0.113.5 AUTODBM_CONF="$D/proxy.conf"
check "ORIGIN from a client behind a reverse proxy (X-Forwarded-For set): the forwarded address" \
    body_has '^- From-Host: 203.0.113.5$'
cgi POST "$T/fo" CONTENT_TYPE=application/x-www-form-urlencoded REMOTE_ADDR=127.0.0.2 \
    AUTODBM_CONF="$D/proxy.conf"
check "control: ORIGIN from a trusted proxy application (no X-Forwarded-For): honoured" \
    body_has '^- From-Host: 198.51.100.66$'
cgi POST "$T/fo" CONTENT_TYPE=application/x-www-form-urlencoded \
    HTTP_X_FORWARDED_FOR=203.0.113.5 AUTODBM_CONF="$D/proxy.conf"
check "control: both from an untrusted client: REMOTE_ADDR" body_has '^- From-Host: 192.0.2.66$'

# ---------------------- signatures: credited only to the text they cover
# alice (PGPV-MNT's key) is the victim; bob's key-cert belongs to EVIL-MNT
SG=$T/sg
mkdir -p "$SG" && chmod 700 "$SG"
for k in alice bob; do
    gpg --homedir "$SG" --batch --quiet --import "$SRC/tests/keys/$k.sec.asc" 2>/dev/null
done
sign() {  # sign KEY FILE: FILE clearsigned by KEY now
    gpg --homedir "$SG" --batch --quiet --pinentry-mode loopback --passphrase '' \
        --local-user "$1@example.com" --clearsign < "$2"
}
mnt() {  # mnt DESCR AUTH: PGPV-MNT with that descr: and auth:
    printf 'mntner:         PGPV-MNT\ndescr:          %s\nadmin-c:        VP1-TEST\nupd-to:         pgpv-upd@example.net\nauth:           %s\nmnt-by:         PGPV-MNT\nsource:         TEST\n' "$1" "$2"
}
urlpost() {  # urlpost [VAR=VALUE...] NAME=FILE...: an urlencoded POST
    : > "$T/uf"; sep=
    while [ $# -gt 0 ]; do
        case $1 in
        *=/*) printf '%s%s=%s' "$sep" "${1%%=*}" "$(enc "${1#*=}")" >> "$T/uf"; sep='&'; shift ;;
        *) break ;;
        esac
    done
    cgi POST "$T/uf" CONTENT_TYPE="${CT:-application/x-www-form-urlencoded}" "$@"
}
# state DESCR: PGPV-MNT has that descr: and still alice's key only
state() {
    test "$($Q -r PGPV-MNT | sed -n 's/^descr: *//p')" = "$1" &&
        test "$($Q -r PGPV-MNT | sed -n 's/^auth: *//p')" = PGPKEY-AAC53B23
}
# failed DESCR: the ack has PGPV-MNT's modify FAILED and state DESCR holds
failed() { grep -q '^Modify FAILED: \[mntner\] PGPV-MNT' "$T/body" && state "$1"; }
mnt "taken" PGPKEY-3E5007CE > "$T/evil"
mnt "victim two" PGPKEY-AAC53B23 > "$T/v2"
sign alice "$T/v2" > "$T/v2.asc"
{ cat "$T/v2.asc"; echo; cat "$T/evil"; } > "$T/around"
urlpost DATA="$T/around"
check "the victim's signed block and the stranger's unsigned modify in one DATA: that one FAILED" \
    body_has '^Modify FAILED: \[mntner\] PGPV-MNT'
check "... control: the signed one applied, the key unchanged" \
    state 'victim two'
mnt "victim three" PGPKEY-AAC53B23 > "$T/v3"
sign alice "$T/v3" > "$T/v3.asc"
urlpost DATA="$T/evil" DATA="$T/v3.asc"
check "DATA twice, the stranger's first: only the first counts, FAILED" \
    failed 'victim two'
urlpost DATA="$T/v3.asc" DATA="$T/evil"
check "DATA twice, the signed first: it alone is applied" \
    state 'victim three'
mnt "victim four" PGPKEY-AAC53B23 > "$T/v4"
sign alice "$T/v4" > "$T/v4.asc"
urlpost DATA="$T/v4.asc" QUERY_STRING="DATA=$(enc "$T/evil")"
check "DATA in the query string of a POST: ignored, the body's applied" \
    state 'victim four'
mnt "victim five" PGPKEY-AAC53B23 > "$T/v5"
sign alice "$T/v5" > "$T/v5.asc"
{ printf -- '--%s\r\nContent-Disposition: form-data; name="DATA"\r\n\r\n' $B; cat "$T/evil"
  printf '\r\n--%s\r\nContent-Disposition: form-data; name="DATA"\r\n\r\n' $B; cat "$T/v5.asc"
  printf '\r\n--%s--\r\n' $B; } > "$T/m2"
cgi POST "$T/m2" CONTENT_TYPE="$MP"
check "two DATA parts, the stranger's first: FAILED, the second not read" \
    failed 'victim four'
{ cat "$T/v5.asc"; echo; cat "$T/evil"; } > "$T/around5"
{ printf -- '--%s\r\nContent-Disposition: form-data; name="DATA"\r\nContent-Transfer-Encoding: base64\r\n\r\n' $B
  base64 < "$T/around5"; printf '\r\n--%s--\r\n' $B; } > "$T/m3"
cgi POST "$T/m3" CONTENT_TYPE="$MP"
check "a base64 DATA part, signed block and unsigned modify: only the signed applied" \
    failed 'victim five'
mnt "victim six" PGPKEY-AAC53B23 > "$T/v6"
sign alice "$T/v6" > "$T/v6.asc"
for cs in UTF-16 UTF-7; do
    CT="application/x-www-form-urlencoded; charset=$cs" urlpost DATA="$T/v6.asc"
    check "signed DATA declared $cs: not processed, an error says why" \
        sh -c "grep -q 'Signed text in charset' '$T/body'"
    check "... not applied" state 'victim five'
done
# the victim's old signed DATA (v2, used above), replayed in other clothes
sed 's/$/\r/' "$T/v2.asc" > "$T/v2crlf"
urlpost DATA="$T/v2.asc"
check "the victim's old signed DATA replayed: refused (signature already used)" \
    sh -c "tr -s ' \n' '  ' < '$T/body' | grep -q 'was already used for an earlier update'"
check "... not applied" failed 'victim five'
urlpost DATA="$T/v2crlf"
check "... with CR LF line ends: refused" \
    failed 'victim five'
CT='application/x-www-form-urlencoded; charset=ISO-8859-1' urlpost DATA="$T/v2.asc"
check "... declared ISO-8859-1: refused" \
    failed 'victim five'
sign bob "$T/v2.asc" > "$T/wrapped"
urlpost DATA="$T/wrapped"
check "... wrapped in the stranger's own signature: refused" \
    failed 'victim five'

# -------------------------------------------- garbage requests (bounded)
# tests/tools/syncfuzz.py: random methods, types, charsets, boundaries,
# mangled bodies and lengths; every run must answer with a Status: line
# and exit 0 (under a sanitizer build: no report).  Seed and count may
# be set ($SYNCFUZZ_SEED, $SYNCFUZZ_RUNS) for a longer search.
( cd "$T" && python3 "$SRC/tests/tools/syncfuzz.py" "$CGI" "${SYNCFUZZ_RUNS:-150}" \
    "${SYNCFUZZ_SEED:-16}" > "$T/fuzz.out" 2>&1 )
check "$(tail -1 "$T/fuzz.out"): every garbage request answered, no crash" \
    sh -c "tail -1 '$T/fuzz.out' | grep -q 'failures=0\$' || cat '$T/fuzz.out'"
