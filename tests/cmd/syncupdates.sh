#!/bin/sh
# syncupdates.sh - autodbm-syncupdates, the CGI (issue 16):
#  1. run directly with CGI environment variables (no web server): every
#     status code (200, 400, 403, 405, 413, 415, 503 with Retry-After) and
#     parameter (DATA, NEW, HELP, DIFF, REDIRECT, ORIGIN; the path form
#     /SOURCE), urlencoded and multipart bodies, passwords and clearsigned
#     DATA, the attacker's cases (a signature over other text, a
#     stranger's mntner, a replayed signature), the client address and
#     trusted proxies, charsets (ISO-8859-1 form data, characters beyond
#     Latin-1), notifications queued naming the client's address;
#  2. behind lighttpd (mod_cgi; the recipe contrib/www/lighttpd.conf) on a
#     free loopback port, with curl:
#     create, modify and delete with passwords, clearsigned DATA, NEW=yes
#     on an existing object, HELP, GET with DATA (403), an oversized body
#     (413), a Latin-1 form post, notifications naming 127.0.0.1; 8 clients
#     posting at once while the mail robot runs (all answered, each update
#     applied once, the journal gapless: tests/tools/crashtool.c state);
#     the form in headless Chromium (tests/tools/browser.py: typed,
#     submitted, the ack read from the result page, a screenshot kept in
#     $AUTODBM_ARTIFACTS, default build/artifacts);
#  3. behind nginx and fcgiwrap (the recipe contrib/www/nginx.conf): a
#     create, a modify by multipart, HELP by the path form, 403 and 413.
# The registry is tests/cases/pgp-replay's (TEST-MNT: MD5-PW kumquat-42
# and alice's key; its signed mail's text is the clearsigned DATA, with
# signature_max_age wide enough for its date).
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-sync.XXXXXX") || exit 1
holder= httpd= nginx= fcgi=
cleanup() {
    [ -n "$holder" ] && kill "$holder" 2>/dev/null
    [ -n "$httpd" ] && kill "$httpd" 2>/dev/null
    [ -n "$nginx" ] && kill "$nginx" 2>/dev/null
    [ -n "$fcgi" ] && kill "$fcgi" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
n=0
. "$(dirname "$0")/check.inc"
CASE=$SRC/tests/cases/pgp-replay
CGI=$BIN/autodbm-syncupdates

# mkreg DIR: a registry below DIR (its configuration DIR/autodbm.conf)
mkreg() {
    maildir_conf "$1/autodbm.conf" "gnupg_home = gnupg" "archive = archive" \
        "signature_max_age = 999999999" "lock_timeout = 2" \
        "sync_max_request_size = 64K" "sync_trusted_proxies = 127.0.0.2, 2001:db8::/32"
    "$BIN/autodbm-load" -q -c "$1/autodbm.conf" --non-strict "$CASE/objects.rpsl" >/dev/null
}
D=$T/direct
mkreg "$D"
export AUTODBM_CONF="$D/autodbm.conf"

# enc FILE: FILE's bytes percent-encoded (application/x-www-form-urlencoded)
enc() { od -An -v -tx1 "$1" | tr -s ' \n' '  ' | awk '{
    for (i = 1; i <= NF; i++) {
        c = $i; d = sprintf("%d", "0x" c) + 0
        if (c ~ /^(3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a])$/) printf "%c", d
        else if (c == "20") printf "+"
        else printf "%%%s", toupper(c)
    } }'; }
# cgi METHOD FILE [VAR=VALUE...]: run the CGI with FILE as the body;
# T/head gets the header lines, T/body the body
cgi() {
    m=$1 f=$2; shift 2
    env REQUEST_METHOD="$m" CONTENT_LENGTH="$(wc -c < "$f")" REMOTE_ADDR=192.0.2.7 \
        AUTODBM_LOG_STDERR=1 "$@" "$CGI" < "$f" > "$T/resp" 2> "$T/log"
    cat "$T/log" >> "$T/alllog"
    sed -n '1,/^\r*$/p' "$T/resp" | tr -d '\r' > "$T/head"
    sed '1,/^\r*$/d' "$T/resp" > "$T/body"
}
# post BODYFILE [VAR=VALUE...]: an urlencoded POST
post() { f=$1; shift; cgi POST "$f" CONTENT_TYPE=application/x-www-form-urlencoded "$@"; }
status() { head -1 "$T/head" | cut -d' ' -f2; }
is() { test "$(status)" = "$1"; }
body_has() { grep -q -- "$1" "$T/body"; }
# form FILE NAME=FILE...: an urlencoded body of the parameters, each value
# read from a file (or given after ':' as is)
form() {
    out=$1; shift; sep=
    : > "$out"
    for p in "$@"; do
        name=${p%%=*} v=${p#*=}
        case $v in
        :*) printf '%s%s=%s' "$sep" "$name" "${v#:}" >> "$out" ;;
        *) printf '%s%s=%s' "$sep" "$name" "$(enc "$v")" >> "$out" ;;
        esac
        sep='&'
    done
}
Q=$BIN/autodbm-query
empty=$T/empty; : > "$empty"

person() {  # person NIC REMARK [PASSWORD]: a person maintained by TEST-MNT
    printf 'person:         Sync Person\naddress:        Example Street 9\nphone:          +31 20 555 0000\ne-mail:         sp@example.net\nremarks:        %s\nnic-hdl:        %s\nmnt-by:         TEST-MNT\nsource:         TEST\n' "$2" "$1"
    [ -z "${3:-}" ] || printf 'password:       %s\n' "$3"
}

# ------------------------------------------------------ 1. the CGI alone
cgi GET "$empty"
check "GET without parameters: 200" is 200
check "... text/plain; charset=utf-8" grep -qi '^Content-Type: text/plain; charset=utf-8$' "$T/head"
check "... the help text" body_has 'You have requested Help information'
check "... the origin is the client's address" body_has '^- From-Host: 192.0.2.7$'
check "... the footer names a sync update" body_has '^Handled sync update (TEST, '
cgi GET "$empty" QUERY_STRING=HELP=yes
check "GET ?HELP=yes: 200 and the help text" sh -c "test $(status) = 200 && grep -q 'Help information' '$T/body'"
person SP1-TEST one kumquat-42 > "$T/p1"
cgi GET "$empty" QUERY_STRING="DATA=$(enc "$T/p1")"
check "GET with DATA: 403" is 403
check "... with an empty body" test ! -s "$T/body"
check "... nothing applied" sh -c "! $Q -r SP1-TEST"
cgi PUT "$empty"
check "PUT: 405" is 405
check "... Allow: GET, POST" grep -q '^Allow: GET, POST$' "$T/head"
cgi POST "$empty"
check "POST without a Content-Type: 400" is 400
printf 'DATA=x' > "$T/x"
cgi POST "$T/x" CONTENT_TYPE=text/plain
check "POST of text/plain: 415" is 415
post "$empty"
check "POST with an empty body: 400" is 400
head -c 70000 /dev/zero | tr '\0' a | sed 's/^/DATA=/' > "$T/big"
post "$T/big"
check "a body beyond sync_max_request_size: 413" is 413
post "$T/big" CONTENT_LENGTH=
check "... also without CONTENT_LENGTH (read up to the limit)" is 413
form "$T/f" DATA="$T/p1" DIFF=:yes
post "$T/f"
check "DIFF=yes: 400" is 400
check "... 'the DIFF method is not actually supported'" body_has 'DIFF method is not actually supported by the Syncupdates interface'
form "$T/f" NEW=:yes
post "$T/f"
check "NEW=yes without DATA: 400 'DATA parameter is missing'" sh -c "test $(status) = 400 && grep -q 'DATA parameter is missing' '$T/body'"
form "$T/f" DATA="$T/p1" NEW=:yes
post "$T/f" PATH_INFO=/RIPE
check "the path /RIPE of a TEST registry: 400 'Invalid source specified: RIPE'" sh -c "test $(status) = 400 && grep -q 'Invalid source specified: RIPE' '$T/body'"
form "$T/f" DATA="$T/p1" NEW=:yes HELP=:yes
post "$T/f"
check "HELP beats NEW: the help text" sh -c "test $(status) = 200 && grep -q 'Help information' '$T/body'"
check "... nothing applied" sh -c "! $Q -r SP1-TEST"

form "$T/f" DATA="$T/p1" NEW=:yes REDIRECT=:yes DIFF=:no
post "$T/f" PATH_INFO=/test
check "create with a password (NEW=yes, REDIRECT, DIFF=no, path /test): 200" is 200
check "... Create SUCCEEDED" body_has '^Create SUCCEEDED: \[person\] SP1-TEST'
check "... plain HTTP: the insecure-HTTP warning" sh -c "tr '\n' ' ' < '$T/body' | grep -q 'used insecure HTTP, which will be removed'"
check "... stored" sh -c "$Q -r SP1-TEST | grep -q '^remarks: *one'"
check "... the password is not echoed" sh -c "! grep -q kumquat '$T/body' '$T/log'"
check "... one log line naming the client, the status and the outcome" \
    sh -c "grep -q 'client=192.0.2.7 .*status=200 outcome=applied' '$T/log'"
check "... a notification (mnt-nfy:) queued naming the client's address" \
    sh -c "grep -l '^To: mnt-nfy@example.net' '$D'/outbox/new/* | xargs grep -l '^- From-Host: 192.0.2.7' | grep -q ."
check "... and no ack mailed" sh -c "! grep -q '^Subject: SUCCESS' '$D'/outbox/new/*"
post "$T/f"
check "NEW=yes on an existing object: 200" is 200
check "... 'Enforced new keyword specified, but the object already exists'" \
    sh -c "tr -s ' \n' '  ' < '$T/body' | grep -q 'Enforced new keyword specified, but the object already exists in the database'"
person SP1-TEST two wrong-pw > "$T/p1b"
form "$T/f" DATA="$T/p1b"
post "$T/f"
check "a modify with a wrong password: 200 with FAILED" sh -c "test $(status) = 200 && grep -q '^Modify FAILED: \[person\] SP1-TEST' '$T/body'"
check "... not applied" sh -c "$Q -r SP1-TEST | grep -q '^remarks: *one'"
sed -n '/^mntner: *TEST-MNT/,/^$/p' "$CASE/objects.rpsl" | sed 's/^descr:.*/descr:          taken/' > "$T/mnt"
printf 'password:       evil-pw-6\n' >> "$T/mnt"
form "$T/f" DATA="$T/mnt"
post "$T/f"
check "a stranger's modify of the mntner: FAILED" body_has '^Modify FAILED: \[mntner\] TEST-MNT'
check "... the mntner unchanged" sh -c "! $Q -r TEST-MNT | grep -q taken"

# multipart/form-data, modify then delete
B=sync-boundary-1
mp() {  # mp OUT FILE [NAME=VALUE...]: DATA from FILE and more fields
    out=$1 data=$2; shift 2
    { printf -- '--%s\r\nContent-Disposition: form-data; name="DATA"\r\n\r\n' $B
      cat "$data"; printf '\r\n'
      for p in "$@"; do printf -- '--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' $B "${p%%=*}" "${p#*=}"; done
      printf -- '--%s--\r\n' $B; } > "$out"
}
person SP1-TEST two kumquat-42 > "$T/p1c"
mp "$T/m" "$T/p1c"
cgi POST "$T/m" CONTENT_TYPE="multipart/form-data; boundary=$B"
check "multipart/form-data modify with a password: Modify SUCCEEDED" body_has '^Modify SUCCEEDED: \[person\] SP1-TEST'
check "... stored" sh -c "$Q -r SP1-TEST | grep -q '^remarks: *two'"
{ person SP1-TEST two; printf 'delete:         done\npassword:       kumquat-42\n'; } > "$T/p1d"
mp "$T/m" "$T/p1d"
cgi POST "$T/m" CONTENT_TYPE="multipart/form-data; boundary=$B"
check "multipart delete with a password: Delete SUCCEEDED" body_has '^Delete SUCCEEDED: \[person\] SP1-TEST'
check "... gone" sh -c "! $Q -r SP1-TEST"

# clearsigned DATA: alice's signed text of the pgp-replay case
sed -n '/^-----BEGIN PGP SIGNED MESSAGE-----/,/^-----END PGP SIGNATURE-----/p' "$CASE/mail" > "$T/signed"
sed 's/^remarks: *version 1/remarks:        version 9/' "$T/signed" > "$T/forged"
form "$T/f" DATA="$T/forged"
post "$T/f"
check "a signature over other text: FAILED" body_has '^Modify FAILED: \[person\] TP1-TEST'
check "... not applied" sh -c "! $Q -r TP1-TEST | grep -q 'version 9'"
form "$T/f" DATA="$T/signed"
post "$T/f"
check "clearsigned DATA: Modify SUCCEEDED, authorised by alice's key" \
    sh -c "grep -q '^Modify SUCCEEDED: \[person\] TP1-TEST' '$T/body' && grep -q 'Authorised by PGPKEY-AAC53B23' '$T/body'"
sed -n '/^-----BEGIN PGP SIGNED MESSAGE-----/,$p' "$CASE/mail.2" | sed '/^$/d;/^-----/d;/^Hash:/d' > "$T/v2"
sed -n '/^person:/,/^password:/p' "$CASE/mail.2" > "$T/v2"
form "$T/f" DATA="$T/v2"
post "$T/f"
check "... changed again with a password" sh -c "$Q -r TP1-TEST | grep -q 'version 2'"
form "$T/f" DATA="$T/signed"
post "$T/f"
check "the same signed DATA again (a replay): FAILED, signature already used" \
    sh -c "tr -s ' \n' '  ' < '$T/body' | grep -q 'was already used for an earlier update'"
check "... not applied" sh -c "$Q -r TP1-TEST | grep -q 'version 2'"
# multipart: the text as an uploaded file (curl -F DATA=@file), signed
mp "$T/m" "$T/forged"
cgi POST "$T/m" CONTENT_TYPE="multipart/form-data; boundary=$B"
check "multipart, a signature over other text: FAILED" body_has '^Modify FAILED: \[person\] TP1-TEST'

# charsets
person SP2-TEST "Flughafenstra$(printf '\337')e" kumquat-42 > "$T/latin1"
form "$T/f" DATA="$T/latin1"
post "$T/f" CONTENT_TYPE='application/x-www-form-urlencoded; charset=ISO-8859-1'
check "an ISO-8859-1 form post: Create SUCCEEDED" body_has '^Create SUCCEEDED: \[person\] SP2-TEST'
check "... stored as UTF-8" sh -c "$Q -r SP2-TEST | grep -q '^remarks: *Flughafenstraße$'"
post "$T/f" CONTENT_TYPE='application/x-www-form-urlencoded; charset=ISO-8859-1' HTTPS=on
check "over HTTPS: no insecure-HTTP warning" sh -c "grep -q 'SP2-TEST' '$T/body' && ! grep -q 'insecure HTTP' '$T/body'"
person SP3-TEST "$(printf 'Tverskaya \320\242\320\262 nbsp:\302\240: ctl:\001:')" kumquat-42 > "$T/utf8"
form "$T/f" DATA="$T/utf8"
post "$T/f" CONTENT_TYPE='application/x-www-form-urlencoded; charset=UTF-8'
check "beyond Latin-1 and controls become '?', no-break space a space (as RIPE)" \
    sh -c "$Q -r SP3-TEST | grep -q '^remarks: *Tverskaya ?? nbsp: : ctl:?:$'"
person SP4-TEST "$(printf 'caf\351')" kumquat-42 > "$T/l1b"
mp "$T/m" "$T/l1b"
cgi POST "$T/m" CONTENT_TYPE="multipart/form-data; boundary=$B; charset=ISO-8859-1"
check "multipart with the request's charset ISO-8859-1: decoded" sh -c "$Q -r SP4-TEST | grep -q '^remarks: *café$'"
post "$T/f" CONTENT_TYPE='application/x-www-form-urlencoded; charset=no-such-charset'
check "an unknown charset: UTF-8 is used, logged" grep -q 'unknown-charset=no-such-charset' "$T/log"

# the client address
cgi GET "$empty" QUERY_STRING='HELP=yes&ORIGIN=198.51.100.9' REMOTE_ADDR=192.0.2.8
check "ORIGIN from a client that is no trusted proxy: ignored" body_has '^- From-Host: 192.0.2.8$'
cgi GET "$empty" QUERY_STRING='HELP=yes&ORIGIN=198.51.100.9' REMOTE_ADDR=127.0.0.2
check "ORIGIN from a trusted proxy: the origin" body_has '^- From-Host: 198.51.100.9$'
cgi GET "$empty" QUERY_STRING='HELP=yes' REMOTE_ADDR=2001:db8::1 HTTP_X_FORWARDED_FOR='203.0.113.1, 203.0.113.2'
check "X-Forwarded-For from a trusted proxy (a prefix): its last address" body_has '^- From-Host: 203.0.113.2$'
cgi GET "$empty" QUERY_STRING='HELP=yes' HTTP_X_FORWARDED_FOR='203.0.113.1'
check "X-Forwarded-For from anyone else: ignored" body_has '^- From-Host: 192.0.2.7$'
cgi GET "$empty" QUERY_STRING='HELP=yes&ORIGIN=not%0Aan-address' REMOTE_ADDR=127.0.0.2
check "an ORIGIN that is no address: ignored" body_has '^- From-Host: 127.0.0.2$'

# the HTML form and the result page (a browser: Accept names text/html)
HTML='text/html,application/xhtml+xml;q=0.9,*/*;q=0.8'
cgi GET "$empty" HTTP_ACCEPT="$HTML"
check "a browser's GET without parameters: 200, text/html" \
    sh -c "test $(status) = 200 && grep -qi '^Content-Type: text/html; charset=utf-8$' '$T/head'"
check "... an HTML5 page with a textarea DATA and NEW and HELP, posting to this URL" \
    sh -c "head -1 '$T/body' | grep -qx '<!DOCTYPE html>' && grep -q '<textarea id=\"data\" name=\"DATA\"' '$T/body' && grep -q 'name=\"NEW\"' '$T/body' && grep -q 'name=\"HELP\"' '$T/body' && grep -q '<form method=\"post\" accept-charset=\"UTF-8\">' '$T/body'"
check "... fit for a phone (viewport)" grep -q 'name="viewport" content="width=device-width' "$T/body"
if command -v xmllint >/dev/null 2>&1; then
    check "... which parses as HTML without errors (xmllint --html)" xmllint --html --noout "$T/body"
fi
cgi GET "$empty"
check "the same GET from a script: the help text, text/plain" \
    sh -c "grep -qi '^Content-Type: text/plain' '$T/head' && grep -q 'Help information' '$T/body'"
{ person SP6-TEST '<b>bold</b> & "quoted"' wrong-pw; } > "$T/h"
form "$T/f" DATA="$T/h"
post "$T/f" HTTP_ACCEPT="$HTML"
check "a browser's update: the ack as a page, in <pre>" \
    sh -c "grep -qi '^Content-Type: text/html' '$T/head' && grep -q '^<pre id=\"ack\">' '$T/body' && grep -q '^Create FAILED: \[person\] SP6-TEST' '$T/body'"
check "... escaped" sh -c "grep -q '&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;' '$T/body' && ! grep -q '<b>bold' '$T/body'"

# DATA by GET, allowed by configuration (the old CGI's way)
cp "$D/autodbm.conf" "$D/get.conf"
echo "sync_allow_get = yes" >> "$D/get.conf"
person SP7-TEST seven kumquat-42 > "$T/p7"
cgi GET "$empty" QUERY_STRING="DATA=$(enc "$T/p7")" AUTODBM_CONF="$D/get.conf"
check "sync_allow_get = yes: DATA by GET is applied" \
    sh -c "test $(status) = 200 && grep -q '^Create SUCCEEDED: \[person\] SP7-TEST' '$T/body'"
echo "sync_keep_unicode = yes" >> "$D/get.conf"
sed 's/SP3-TEST/SP8-TEST/' "$T/utf8" > "$T/utf8b"
form "$T/f" DATA="$T/utf8b"
post "$T/f" AUTODBM_CONF="$D/get.conf"
check "sync_keep_unicode = yes: beyond Latin-1 kept (controls still '?')" \
    sh -c "$Q -r SP8-TEST | grep -q '^remarks: *Tverskaya Тв nbsp: : ctl:?:$'"

# override refused (allow_override is off)
{ person SP2-TEST three; printf 'override:       admin,secret\n'; } > "$T/ov"
form "$T/f" DATA="$T/ov"
post "$T/f"
check "override: refused unless configured" sh -c "$Q -r SP2-TEST | grep -q 'Flughafen'"

# the store busy past lock_timeout: 503 and Retry-After, nothing changed
person SP5-TEST five kumquat-42 > "$T/p5"
form "$T/f" DATA="$T/p5"
if command -v flock >/dev/null 2>&1; then
    flock -o "$D/db/writer.lock" sleep 30 &
    holder=$!
    sleep 0.5
    post "$T/f"
    check "the store locked past lock_timeout: 503" is 503
    check "... Retry-After" grep -q '^Retry-After: [0-9]' "$T/head"
    check "... nothing applied" sh -c "! $Q -r SP5-TEST"
    kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; holder=
    post "$T/f"
    check "... applied once the lock is free" sh -c "test $(status) = 200 && $Q -r SP5-TEST >/dev/null"
else
    echo "ok $((n + 1)) # skip flock(1) is not installed"; n=$((n + 1))
fi
env AUTODBM_CONF="$T/none.conf" REQUEST_METHOD=GET "$CGI" > "$T/resp" 2>/dev/null
check "a configuration that does not read: 500" sh -c "head -1 '$T/resp' | grep -q '^Status: 500'"

check "every log line is of the documented form (tests/tools/logcheck.awk)" \
    awk -f "$SRC/tests/tools/logcheck.awk" -v readme="$SRC/README" "$T/alllog"

# ------------------------------------------------------ 2. behind lighttpd
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
if [ ! -x "$LIGHTTPD" ] || ! command -v curl >/dev/null 2>&1; then
    echo "not ok $((n + 1)) lighttpd and curl are needed (contrib/install-deps)"
    exit 1
fi
W=$T/web
mkreg "$W"
mkdir -p "$W/htdocs"
# a free loopback port: the kernel's choice for a socket bound to port 0
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MODDIR=$(dirname "$(find /usr/lib -name mod_cgi.so 2>/dev/null | head -1)")
# the recipe (contrib/www/lighttpd.conf) with this build's paths, as
# make install writes it with the installed ones
sed -e "s|/usr/local/sbin/autodbm-syncupdates|$CGI|" \
    -e "s|/usr/local/etc/autodbm/autodbm.conf|$W/autodbm.conf|" \
    "$SRC/contrib/www/lighttpd.conf" > "$W/recipe.conf"
cat > "$W/lighttpd.conf" <<CONF
server.document-root = "$W/htdocs"
server.bind = "127.0.0.1"
server.port = $port
server.modules = ( "mod_alias" )
server.modules-path = "$MODDIR"
server.errorlog = "$W/error.log"
include "$W/recipe.conf"
CONF
"$LIGHTTPD" -D -f "$W/lighttpd.conf" > "$W/stdout" 2>&1 &
httpd=$!
URL=http://127.0.0.1:$port/syncupdates
i=0
until curl -s -o /dev/null "$URL?HELP=yes"; do
    i=$((i + 1))
    [ $i -lt 50 ] || break
    sleep 0.1
done
check "lighttpd answers on 127.0.0.1:$port" curl -s -o /dev/null "$URL?HELP=yes"
export AUTODBM_CONF="$W/autodbm.conf"
C="curl -sS -m 30"
code() { $C -o "$T/body" -w '%{http_code}' "$@"; }

person SW1-TEST one kumquat-42 > "$T/w1"
check "curl: create with a password (--data-urlencode DATA@file, NEW=yes): 200" \
    test "$(code --data-urlencode DATA@"$T/w1" -d NEW=yes "$URL")" = 200
check "... Create SUCCEEDED" body_has '^Create SUCCEEDED: \[person\] SW1-TEST'
check "... the origin is the client, 127.0.0.1" body_has '^- From-Host: 127.0.0.1$'
check "... a notification queued naming 127.0.0.1" \
    sh -c "grep -l '^To: mnt-nfy@example.net' '$W'/outbox/new/* | xargs grep -l '^- From-Host: 127.0.0.1' | grep -q ."
check "curl: NEW=yes on the existing object: 200 with the enforced-new error" \
    sh -c "test \$($C -o '$T/body' -w '%{http_code}' --data-urlencode DATA@'$T/w1' -d NEW=yes '$URL') = 200 && tr -s ' \n' '  ' < '$T/body' | grep -q 'Enforced new keyword specified'"
person SW1-TEST two kumquat-42 > "$T/w2"
check "curl -F DATA=@file (multipart): modify with a password" \
    sh -c "$C -F DATA=@'$T/w2' '$URL' | grep -q '^Modify SUCCEEDED: \[person\] SW1-TEST'"
check "... stored" sh -c "$Q -r SW1-TEST | grep -q '^remarks: *two'"
{ person SW1-TEST two; printf 'delete:         done\npassword:       kumquat-42\n'; } > "$T/w3"
check "curl: delete with a password" \
    sh -c "$C --data-urlencode DATA@'$T/w3' '$URL' | grep -q '^Delete SUCCEEDED: \[person\] SW1-TEST'"
check "... gone" sh -c "! $Q -r SW1-TEST"
check "curl: clearsigned DATA: Modify SUCCEEDED" \
    sh -c "$C --data-urlencode DATA@'$T/signed' '$URL' | grep -q '^Modify SUCCEEDED: \[person\] TP1-TEST'"
check "curl: the same signed DATA again: refused as a replay" \
    sh -c "$C --data-urlencode DATA@'$T/v2' '$URL' >/dev/null && $C --data-urlencode DATA@'$T/signed' '$URL' | tr -s ' \n' '  ' | grep -q 'was already used for an earlier update'"
check "curl: a signature over other text: FAILED" \
    sh -c "$C --data-urlencode DATA@'$T/forged' '$URL' | grep -q '^Modify FAILED: \[person\] TP1-TEST'"
check "curl: ?HELP=yes: 200 and the help text" \
    sh -c "test \$($C -o '$T/body' -w '%{http_code}' '$URL?HELP=yes') = 200 && grep -q 'Help information' '$T/body'"
check "curl: GET with DATA: 403" test "$(code "$URL?DATA=x")" = 403
check "curl: DIFF=yes: 400" test "$(code -d DIFF=yes -d DATA=x "$URL")" = 400
check "curl: an oversized body: 413" test "$(code --data-binary @"$T/big" "$URL")" = 413
check "curl: a Latin-1 form post (charset=ISO-8859-1)" \
    sh -c "$C -H 'Content-Type: application/x-www-form-urlencoded; charset=ISO-8859-1' --data-urlencode DATA@'$T/latin1' '$URL' | grep -q '^Create SUCCEEDED: \[person\] SP2-TEST' && $Q -r SP2-TEST | grep -q 'Flughafenstraße'"
check "curl: the response is text/plain; charset=utf-8" \
    sh -c "$C -D - -o /dev/null '$URL?HELP=yes' | tr -d '\r' | grep -qi '^Content-Type: text/plain; charset=utf-8'"
check "curl as a browser (Accept: text/html): the form" \
    sh -c "$C -H 'Accept: text/html' '$URL' | grep -q '<textarea id=\"data\" name=\"DATA\"'"
person SW2-TEST web kumquat-42 > "$T/w4"
check "... the form posted: the ack in <pre>" \
    sh -c "$C -H 'Accept: text/html' --data-urlencode DATA@'$T/w4' -d NEW=yes '$URL' | grep -q '^Create SUCCEEDED: \[person\] SW2-TEST'"
check "the path form /syncupdates/TEST" \
    sh -c "$C '$URL/TEST?HELP=yes' | grep -q 'Help information'"
check "... /syncupdates/RIPE: 400 'Invalid source specified: RIPE'" \
    sh -c "test \$($C -o '$T/body' -w '%{http_code}' '$URL/RIPE?HELP=yes') = 400 && grep -q 'Invalid source specified: RIPE' '$T/body'"
# the form in a real browser: headless Chromium loads it (phone-sized),
# the text is typed into the textarea and the form submitted through the
# DevTools protocol (tests/tools/browser.py), the ack read from the
# resulting page; its screenshot is kept in $ART
ART=${AUTODBM_ARTIFACTS:-$SRC/build/artifacts}
CHROMIUM=$(command -v chromium || command -v chromium-browser || echo /usr/bin/chromium)
if [ -x "$CHROMIUM" ]; then
    person SB1-TEST "typed in a browser" kumquat-42 > "$T/b1"
    python3 "$SRC/tests/tools/browser.py" "$CHROMIUM" "$URL" "$T/b1" "$T/browser" > "$T/browser.err" 2>&1
    check "Chromium: the form filled and submitted, the result page came" \
        sh -c "test -s '$T/browser.html' || cat '$T/browser.err'"
    check "... its <pre> holds the ack: Create SUCCEEDED" \
        sh -c "sed -n '/<pre id=\"ack\">/,/<\/pre>/p' '$T/browser.html' | grep -q '^Create SUCCEEDED: \\[person\\] SB1-TEST'"
    check "... the object is stored" sh -c "$Q -r SB1-TEST | grep -q 'typed in a browser'"
    check "... a screenshot (PNG) taken" sh -c "head -c 8 '$T/browser.png' | od -An -c | grep -q 'P   N   G'"
    mkdir -p "$ART" && cp "$T/browser.png" "$ART/syncupdates-form-result.png" 2>/dev/null
else
    echo "not ok $((n + 1)) chromium is needed for the browser test (contrib/install-deps)"
    n=$((n + 1))
fi

# 8 clients posting at once, and the mail robot at the same time: every
# request answered, every update applied once, the journal gapless
PKGS="lmdb zlib libcrypt gmime-3.0 libesmtp-1.0 gpgme"
cc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -I"$SRC/include" \
    -o "$T/crashtool" "$SRC/tests/tools/crashtool.c" "$SRC/build/libautodbm.a" \
    $(pkg-config --libs $PKGS) 2>"$T/cc.err"
check "tests/tools/crashtool.c builds" test -x "$T/crashtool"
B=$("$T/crashtool" state "$W/db" | sed 's/^last=\([0-9]*\) .*/\1/')
keys= pids=
for c in 1 2 3 4 5 6 7 8; do
    for k in 1 2 3; do
        person "SC$c$k-TEST" "client $c update $k" kumquat-42 > "$T/c$c$k"
        keys="$keys person:SC$c$k-TEST"
    done
    ( for k in 1 2 3; do
          $C -o "$T/c$c$k.out" -w '%{http_code}\n' --data-urlencode DATA@"$T/c$c$k" "$URL" >> "$T/codes"
      done ) &
    pids="$pids $!"
done
for k in 1 2 3; do
    keys="$keys person:RC$k-TEST"
    { printf 'From: Robot Sender <rs%s@example.net>\nTo: auto-dbm@example.net\nSubject:\nMessage-ID: <sync-conc-%s@example.net>\n\n' $k $k
      person "RC$k-TEST" "mail $k" kumquat-42; } > "$T/mail$k"
    ( "$BIN/autodbm" -c "$W/autodbm.conf" < "$T/mail$k" > /dev/null 2>&1; echo $? >> "$T/robot.rc" ) &
    pids="$pids $!"
done
wait $pids
check "8 clients x 3 updates at once: every request answered 200" \
    sh -c "test \$(grep -c '^200\$' '$T/codes') -eq 24 && test \$(wc -l < '$T/codes') -eq 24"
check "... every ack says Create SUCCEEDED" \
    sh -c "test \$(cat '$T'/c[1-8][1-3].out | grep -c '^Create SUCCEEDED: ') -eq 24"
check "... the robot's 3 mails meanwhile: exit 0" test "$(sort -u "$T/robot.rc")" = 0
s=$("$T/crashtool" state "$W/db" $keys)
check "... all 27 applied once, the journal gapless, the queue empty ($s)" \
    test "$s" = "last=$((B + 27)) gapless=yes queue=0 present=27"
kill "$httpd" 2>/dev/null; wait "$httpd" 2>/dev/null; httpd=
check "lighttpd stopped" sh -c "! curl -s -m 2 -o /dev/null '$URL'"

# ------------------------------------------------- 3. behind nginx + fcgiwrap
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
FCGIWRAP=$(command -v fcgiwrap || echo /usr/sbin/fcgiwrap)
if [ ! -x "$NGINX" ] || [ ! -x "$FCGIWRAP" ]; then
    echo "not ok $((n + 1)) nginx and fcgiwrap are needed (contrib/install-deps)"
    exit 1
fi
N=$T/nginx
mkreg "$N"
mkdir -p "$N/tmp"
cp /etc/nginx/fastcgi_params "$N/" 2>/dev/null ||
    printf 'fastcgi_param %s $%s;\n' QUERY_STRING query_string REQUEST_METHOD request_method \
        CONTENT_TYPE content_type CONTENT_LENGTH content_length REMOTE_ADDR remote_addr \
        HTTPS https > "$N/fastcgi_params"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|/usr/local/sbin/autodbm-syncupdates|$CGI|" \
    -e "s|/usr/local/etc/autodbm/autodbm.conf|$N/autodbm.conf|" \
    -e "s|unix:/run/fcgiwrap.socket|unix:$N/fcgiwrap.sock|" \
    "$SRC/contrib/www/nginx.conf" > "$N/recipe.conf"
cat > "$N/nginx.conf" <<CONF
daemon off;
user $(id -un) $(id -gn);
pid $N/nginx.pid;
error_log $N/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $N/tmp/body;
    fastcgi_temp_path $N/tmp/fastcgi;
    proxy_temp_path $N/tmp/proxy;
    uwsgi_temp_path $N/tmp/uwsgi;
    scgi_temp_path $N/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        include $N/recipe.conf;
    }
}
CONF
"$FCGIWRAP" -s "unix:$N/fcgiwrap.sock" > "$N/fcgiwrap.out" 2>&1 &
fcgi=$!
"$NGINX" -p "$N" -c "$N/nginx.conf" > "$N/nginx.out" 2>&1 &
nginx=$!
URL=http://127.0.0.1:$port/syncupdates
i=0
until curl -s -o /dev/null "$URL?HELP=yes" && [ -S "$N/fcgiwrap.sock" ]; do
    i=$((i + 1))
    [ $i -lt 50 ] || break
    sleep 0.1
done
export AUTODBM_CONF="$N/autodbm.conf"
check "nginx + fcgiwrap answer on 127.0.0.1:$port: the help text" \
    sh -c "$C '$URL?HELP=yes' | grep -q 'Help information' || cat '$N/error.log'"
person SN1-TEST one kumquat-42 > "$T/n1"
check "nginx: create with a password" \
    sh -c "$C --data-urlencode DATA@'$T/n1' -d NEW=yes '$URL' | grep -q '^Create SUCCEEDED: \\[person\\] SN1-TEST'"
check "... the origin is 127.0.0.1, in the notification too" \
    sh -c "grep -l '^To: mnt-nfy@example.net' '$N'/outbox/new/* | xargs grep -l '^- From-Host: 127.0.0.1' | grep -q ."
person SN1-TEST two kumquat-42 > "$T/n2"
check "nginx: modify by multipart (curl -F DATA=@file)" \
    sh -c "$C -F DATA=@'$T/n2' '$URL' | grep -q '^Modify SUCCEEDED: \\[person\\] SN1-TEST' && $Q -r SN1-TEST | grep -q '^remarks: *two'"
check "nginx: the path form /syncupdates/TEST" sh -c "$C '$URL/TEST?HELP=yes' | grep -q 'Help information'"
check "nginx: GET with DATA: 403" test "$(code "$URL?DATA=x")" = 403
got=$(code --data-binary @"$T/big" "$URL")
check "nginx: an oversized body: 413 (got $got)" test "$got" = 413
check "nginx: a large body of another type: 415" \
    test "$(code -H 'Content-Type: text/plain' --data-binary @"$T/big" "$URL")" = 415
check "nginx: PUT of a large body: 405" test "$(code -X PUT --data-binary @"$T/big" "$URL")" = 405
kill "$nginx" "$fcgi" 2>/dev/null; wait "$nginx" "$fcgi" 2>/dev/null; nginx= fcgi=
check "nginx and fcgiwrap stopped" sh -c "! curl -s -m 2 -o /dev/null '$URL'"
