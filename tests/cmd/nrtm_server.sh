#!/bin/sh
# nrtm_server.sh - command test of autodbm-whoisd's NRTM server on
# loopback: every refusal of a bad request with its exact bytes, -q
# answers, version 3 and version 1 ranges after mails to the robot (a
# person is a gap in version 3 and a placeholder in version 1, auth:
# hashes are replaced), an address not in nrtm_access refused (from
# 127.0.0.2), an unfiltered one (127.0.0.3) sent persons but no hashes, the fourth connection from one address refused, a -k
# stream that gets the robot's next commit within a few seconds, a
# mirrored source re-served with its own serials (written by
# tests/nrtm/mirrorput.c as autodbm-mirror writes them), and a
# slow reader of a large range with the server's memory bounded while
# it answers others.
#
# Every server runs in the foreground (-f), is stopped by its pid, and
# every client has a timeout.  Run by tests/run-check with AUTODBM_BIN and
# AUTODBM_SRCDIR; prints "ok N NAME" / "not ok N NAME".
. "$(dirname "$0")/whoisd.inc"
N=$SRC/tests/nrtm
nrtm() { timeout 60 python3 "$N/client.py" "$@"; }

# ---------------------------------------------------------------- setup
QPORT=$(free_port)
PORT=$(free_port)
while [ "$PORT" = "$QPORT" ]; do PORT=$(free_port); done
maildir_conf "$T/s/autodbm.conf" "whois_listen = 127.0.0.1:$QPORT" \
    "nrtm_listen = 127.0.0.1:$PORT" "nrtm_access = 127.0.0.1, 127.0.0.3, ::1" \
    "nrtm_access_unfiltered = 127.0.0.3" \
    "nrtm_banner = no" "hierarchical_as_sets = no" "whois_idle_timeout = 5"
cat > "$T/fixture.rpsl" <<'EOF'
person:         Net Person
address:        Street 3
phone:          +31 20 000 0001
e-mail:         np@example.net
nic-hdl:        NP1-TEST
mnt-by:         TX-MNT
source:         TEST

mntner:         TX-MNT
admin-c:        NP1-TEST
upd-to:         tx@example.net
auth:           MD5-PW $1$txsaltxx$ewaMfXWvAb3W5ALF54INR0
mnt-by:         TX-MNT
source:         TEST
EOF
check "load the fixture (serials 1-2)" sh -c "'$BIN/autodbm-load' -c '$T/s/autodbm.conf' '$T/fixture.rpsl' >/dev/null"
# mail I [OBJECTS]: a mail to the robot with password tx
mail() {
    printf 'From: Tx <tx@example.net>\nTo: auto-dbm@example.net\nMessage-ID: <nrtm-%s@example.net>\n\n' "$1"
    printf '%s\n' "$2"
    printf 'password: tx\n'
}
robot() { mail "$1" "$2" | "$BIN/autodbm" -c "$T/s/autodbm.conf" >/dev/null 2>>"$T/robot.err"; }
asset() { printf 'as-set: AS-NRTM%s\nmembers: AS65001\nadmin-c: NP1-TEST\ntech-c: NP1-TEST\nmnt-by: TX-MNT\nsource: TEST\n' "$1"; }
check "mail 1: a person, a mntner, an as-set (serials 3-5)" robot 1 "$(printf 'person:  Tx Person\naddress: Street 1\nphone:   +31 20 000 0000\ne-mail:  tx@example.net\nnic-hdl: TX1-TEST\nmnt-by:  TX-MNT\nsource:  TEST\n\nmntner: NEW1-MNT\nadmin-c: NP1-TEST\nupd-to: tx@example.net\nauth: MD5-PW $1$txsaltxx$ewaMfXWvAb3W5ALF54INR0\nmnt-by: NEW1-MNT\nsource: TEST\n\n'; asset 1)"
check "mail 2: the as-set deleted (serial 6)" robot 2 "$(asset 1; printf 'delete: test\n')"
start "$T/s"
S=$pid
check "the server listens on the NRTM port" wait_port "$PORT"

# ------------------------------------------------------- every refusal
# exact LINE WANT: the bytes of the answer to LINE (WANT: printf escapes)
exact() {
    nrtm "$PORT" req "$1" > "$T/got"
    printf "$2" > "$T/want"
    cmp -s "$T/got" "$T/want" || { echo "request: $1"; echo "want:"; cat "$T/want"; echo "got:"; cat "$T/got"; return 1; }
}
E405='%%ERROR:405: syntax error\n\n'
check "empty line: 405 no flags"            exact '' '%%ERROR:405: no flags passed\n\n'
check "no option: 405 no flags"             exact 'TEST:3:1-2' '%%ERROR:405: no flags passed\n\n'
check "unknown option: 405 with the parser's text" exact '-g TEST:3:1-2 -x' "%%ERROR:405: syntax error: 'x' is not a recognized option\n\n"
check "-g without argument"                 exact '-g' "%%ERROR:405: syntax error: Option 'g' requires an argument\n\n"
check "-q with -g: 405"                     exact '-g TEST:3:1-2 -q sources' '%%ERROR:405: -q cannot be used with any other options\n\n'
check "-q with -k: 405"                     exact '-k -q version' '%%ERROR:405: -q cannot be used with any other options\n\n'
check "-k alone: 405 with out -g"           exact '-k' '%%ERROR:405: -k cannot be used with out -g\n\n'
check "two -g: 405"                         exact '-g TEST:3:1-2 -g TEST:3:1-2' "%%ERROR:405: syntax error: Found multiple arguments for option 'g', but you asked for only one\n\n"
check "unknown source: 403 as given"        exact '-g NoSuch:3:1-LAST' '%%ERROR:403: unknown source NoSuch\n\n'
check "version 4: 406"                      exact '-g TEST:4:1-LAST' '%%ERROR:406: NRTM version mismatch\n\n'
check "version 0: 406"                      exact '-g TEST:0:1-LAST' '%%ERROR:406: NRTM version mismatch\n\n'
check "no range: 405"                       exact '-g TEST:3' "$E405"
check "no last: 405"                        exact '-g TEST:3:1' "$E405"
check "not a number: 405"                   exact '-g TEST:3:a-LAST' "$E405"
check "last < first: 405"                   exact '-g TEST:3:10-5' "$E405"
check "-q types: 405 unsupported"           exact '-q types' '%%ERROR:405: unsupported option for -q flag.\n\n'
check "first past newest: 401 Not within"   exact '-g TEST:3:7-LAST' '%%ERROR:401: invalid range: Not within 1-6\n\n'
check "up to date with -k: 401 Not within"  exact '-g TEST:3:7-LAST -k' '%%ERROR:401: invalid range: Not within 1-6\n\n'
check "last past newest: 401"               exact '-g TEST:3:1-9' '%%ERROR:401: invalid range: Not within 1-6\n\n'
check "serial 0: 401"                       exact '-g TEST:3:0-2' '%%ERROR:401: invalid range: Not within 1-6\n\n'
long=$(printf '%0130d' 0)
check "a 130-byte line: 405"                exact "-g $long" '%%ERROR:405: syntax error: request longer than 128 bytes\n\n'
check "-q version"                          exact '-q Version' '%% nrtm-server-0.1.0\n\n'
check "-q sources: X for an allowed client" exact '-q sources' 'TEST:3:X:1-6\n\n'
if python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.2', 0))" 2>/dev/null; then
    from2() { nrtm "$PORT" req "$1" 127.0.0.2 > "$T/got"; printf "$2" > "$T/want"; cmp -s "$T/got" "$T/want" || { cat "$T/got"; return 1; }; }
    check "127.0.0.2 (not in nrtm_access): 402" from2 '-g TEST:3:1-LAST' '%%ERROR:402: not authorised to mirror the database from IP address 127.0.0.2\n\n'
    check "127.0.0.2: -q sources says N"       from2 '-q sources' 'TEST:3:N:1-6\n\n'
    unfiltered() {
        nrtm "$PORT" req '-g TEST:3:1-LAST' 127.0.0.3 > "$T/unf"
        grep -qx 'ADD 1' "$T/unf" && grep -qx 'ADD 3' "$T/unf" &&
            grep -qx 'nic-hdl:        TX1-TEST' "$T/unf" &&
            grep -qx 'upd-to:         tx@example.net' "$T/unf" &&
            [ "$(grep -c '^auth: .*# Real value hidden for security$' "$T/unf")" -eq 2 ] &&
            ! grep -q txsaltxx "$T/unf" && ! grep -q 'THIS OBJECT IS MODIFIED' "$T/unf" ||
            { cat "$T/unf"; return 1; }
    }
    check "127.0.0.3 (nrtm_access_unfiltered): persons sent, auth: hashes still replaced" unfiltered
else
    echo "# skipped: cannot bind 127.0.0.2"
fi

# ----------------------------------------------------- hostile clients
idle() {
    client "$PORT" idle 30 > "$T/idle"
    # whois_idle_timeout = 5: closed without a word after about 5 s
    grep -qx 'closed after [4-9] s' "$T/idle" && [ "$(wc -l < "$T/idle")" -eq 1 ] || { cat "$T/idle"; return 1; }
}
check "no request line: closed after whois_idle_timeout" idle
nolf() {
    client "$PORT" send "-g $long$long" > "$T/got"
    printf '%%ERROR:405: syntax error: request longer than 128 bytes\n\n' > "$T/want"
    cmp -s "$T/got" "$T/want" || { cat "$T/got"; return 1; }
}
check "260 bytes without a line end: 405" nolf
check "500 connections of random bytes and options" sh -c "timeout 300 python3 '$W/client.py' '$PORT' garbage 500 15 | grep -qx 'sent 500'"
check "... the server runs and answers" exact '-q sources' 'TEST:3:X:1-6\n\n'

# ------------------------------------------------------------- streams
# what a public mirror gets: registry/dummify's RIPE rules (the robot's
# timestamps as @TIME@)
want_v3() {
    cat <<'EOF'
%START Version: 3 TEST 1-6

ADD 2

mntner:         TX-MNT
admin-c:        DUMY-RIPE
upd-to:         unread@ripe.net
auth:           MD5-PW $1$SaltSalt$DummifiedMD5HashValue.   # Real value hidden for security
mnt-by:         TX-MNT
source:         TEST
remarks:        ****************************
remarks:        * THIS OBJECT IS MODIFIED
remarks:        * Please note that all data that is generally regarded as personal
remarks:        * data has been removed from this object.
remarks:        * To view the original object, please query the RIPE Database at:
remarks:        * http://www.ripe.net/whois
remarks:        ****************************

ADD 4

mntner:         NEW1-MNT
admin-c:        DUMY-RIPE
upd-to:         unread@ripe.net
auth:           MD5-PW $1$SaltSalt$DummifiedMD5HashValue.   # Real value hidden for security
mnt-by:         NEW1-MNT
created:        @TIME@
last-modified:  @TIME@
source:         TEST
remarks:        ****************************
remarks:        * THIS OBJECT IS MODIFIED
remarks:        * Please note that all data that is generally regarded as personal
remarks:        * data has been removed from this object.
remarks:        * To view the original object, please query the RIPE Database at:
remarks:        * http://www.ripe.net/whois
remarks:        ****************************

ADD 5

as-set:         AS-NRTM1
members:        AS65001
admin-c:        DUMY-RIPE
tech-c:         DUMY-RIPE
mnt-by:         TX-MNT
created:        @TIME@
last-modified:  @TIME@
source:         TEST
remarks:        ****************************
remarks:        * THIS OBJECT IS MODIFIED
remarks:        * Please note that all data that is generally regarded as personal
remarks:        * data has been removed from this object.
remarks:        * To view the original object, please query the RIPE Database at:
remarks:        * http://www.ripe.net/whois
remarks:        ****************************

DEL 6

as-set:         AS-NRTM1
members:        AS65001
admin-c:        DUMY-RIPE
tech-c:         DUMY-RIPE
mnt-by:         TX-MNT
created:        @TIME@
last-modified:  @TIME@
source:         TEST
remarks:        ****************************
remarks:        * THIS OBJECT IS MODIFIED
remarks:        * Please note that all data that is generally regarded as personal
remarks:        * data has been removed from this object.
remarks:        * To view the original object, please query the RIPE Database at:
remarks:        * http://www.ripe.net/whois
remarks:        ****************************

%END TEST

EOF
}
stream() { # LINE WANTFILE (the robot's timestamps as @TIME@)
    nrtm "$PORT" req "$1" |
        sed 's/^\(created\|last-modified\):\( *\)[0-9][-0-9T:]*Z$/\1:\2@TIME@/' > "$T/got"
    cmp -s "$T/got" "$2" || { diff "$2" "$T/got" | head -30; return 1; }
}
want_v3 > "$T/v3.want"
check "version 3, 1-LAST: persons are gaps, auth: hashes replaced" stream '-g test:3:1-last' "$T/v3.want"
check "... no password hash anywhere" sh -c "! grep -q 'txsaltxx' '$T/got'"
check "... no person, no serial 1 or 3" sh -c "! grep -q '^person:\|^ADD 1\$\|^ADD 3\$' '$T/got'"
sed -n '1,/^ADD 4$/p' "$T/v3.want" | sed '$d' | sed 's/1-6/2-3/' > "$T/v3b.want"
printf '%%END TEST\n\n' >> "$T/v3b.want"
check "version 3, 2-3: a range ending in a gap" stream '-g TEST:3:2-3' "$T/v3b.want"
# version 1: the same operations without serials, persons as RIPE's
# placeholder (registry/dummify)
cat > "$T/ph" <<'EOF'
ADD

person:         Placeholder Person Object
address:        Dummy address for DUMY-RIPE
phone:          +31205354444
nic-hdl:        DUMY-RIPE
remarks:        **********************************************************
remarks:        * This is a placeholder object to protect personal data.
remarks:        * To view the original object, please query the RIPE
remarks:        * Database at:
remarks:        * http://www.ripe.net/whois
remarks:        **********************************************************
source:         TEST

EOF
{
    printf '%%START Version: 1 TEST 1-6\n\n%%WARNING: NRTM version 1 is deprecated, please consider migrating to version 3!\n\n'
    cat "$T/ph"
    sed -n '/^ADD 2$/,/^ADD 4$/p' "$T/v3.want" | sed '$d'
    cat "$T/ph"
    sed -n '/^ADD 4$/,$p' "$T/v3.want"
} | sed 's/^\(ADD\|DEL\) [0-9]*$/\1/' > "$T/v1.want"
check "version 1, 1-LAST: placeholders keep the count" stream '-g TEST:1:1-LAST' "$T/v1.want"
check "... 6 operations for 6 serials" test "$(grep -c '^\(ADD\|DEL\)$' "$T/got")" -eq 6

# ------------------------------------------------ connections per address
many() {
    nrtm "$PORT" many 4 '-q version' > "$T/many"
    [ "$(grep -c '^% nrtm-server-' "$T/many")" -eq 3 ] &&
        [ "$(grep -c '^ERROR:306: connections exceeded||Number of connections from a single IP address|has exceeded the maximum number allowed (3).||$' "$T/many")" -eq 1 ] ||
        { cat "$T/many"; return 1; }
}
check "4 connections from one address: the 4th gets ERROR:306" many

# --------------------------------------------------------------- -k push
: > "$T/keep"
nrtm "$PORT" keep '-g TEST:3:6-LAST -k' "$T/keep" 40 &
KP=$!
PIDS="$PIDS $KP"
waitfor() { # PATTERN SECONDS: until $T/keep has a line PATTERN
    i=0
    while [ $i -lt $(($2 * 10)) ]; do
        grep -qx "$1" "$T/keep" && return 0
        sleep 0.1; i=$((i + 1))
    done
    cat "$T/keep"; return 1
}
check "-k: %START 6-6 and DEL 6" waitfor 'DEL 6' 10
check "-k: the start line" grep -qx '%START Version: 3 TEST 6-6' "$T/keep"
check "mail 3: a person and an as-set (serials 7-8)" robot 3 "$(printf 'person:  Tx Person\naddress: Street 2\nphone:   +31 20 000 0000\ne-mail:  tx@example.net\nnic-hdl: TX2-TEST\nmnt-by:  TX-MNT\nsource:  TEST\n\n'; asset 2)"
t0=$(date +%s%N)
check "-k: ADD 8 pushed within a few seconds of the commit" waitfor 'ADD 8' 15
t1=$(date +%s%N)
echo "# ADD 8 seen $(( (t1 - t0) / 1000000 )) ms after the robot ended (no limit tested)"
check "-k: the person (7) is a gap, no %END" sh -c "! grep -q '^ADD 7\$\|^person:\|^%END' '$T/keep'"
check "the server answers others meanwhile" exact '-q sources' 'TEST:3:X:1-8\n\n'
kill "$KP" 2>/dev/null
check "the server runs" alive "$S" "$T/s"

# ---------------------------------------------------- a mirrored source
# re-served as autodbm-mirror writes it: the origin's serials, with gaps
PKGS="lmdb zlib libcrypt gmime-3.0 libesmtp-1.0 gpgme"
cc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -I"$SRC/include" \
    -o "$T/mirrorput" "$N/mirrorput.c" "$SRC/build/libautodbm.a" \
    $(pkg-config --libs $PKGS) 2>"$T/cc.err"
check "tests/nrtm/mirrorput.c builds" test -x "$T/mirrorput"
printf 'route: 10.1.0.0/16\norigin: AS65001\nmnt-by: M-MNT\nsource: MIRROR-A\n' > "$T/r1"
printf 'route: 10.2.0.0/16\norigin: AS65002\nmnt-by: M-MNT\nsource: MIRROR-A\n' > "$T/r2"
printf 'person: M Person\naddress: X\nphone: +1 1\nnic-hdl: MP1-MIRROR-A\nmnt-by: M-MNT\nsource: MIRROR-A\n' > "$T/p1"
mput() { "$T/mirrorput" "$T/s/db" MIRROR-A "$@"; }
check "MIRROR-A: serials 100, 105 (a person), 107" sh -c "'$T/mirrorput' '$T/s/db' MIRROR-A 100 add '$T/r1' && '$T/mirrorput' '$T/s/db' MIRROR-A 105 add '$T/p1' && '$T/mirrorput' '$T/s/db' MIRROR-A 107 add '$T/r2'"
check "-q sources lists the mirrored source (added while running)" exact '-q sources' 'TEST:3:X:1-8\nMIRROR-A:3:X:100-107\n\n'
R1='route:          10.1.0.0/16\norigin:         AS65001\nmnt-by:         M-MNT\nsource:         MIRROR-A\n\n'
R2='route:          10.2.0.0/16\norigin:         AS65002\nmnt-by:         M-MNT\nsource:         MIRROR-A\n\n'
check "-g mirror-a:3:100-LAST: its serials, the person a gap" exact '-g mirror-a:3:100-LAST' "%%START Version: 3 MIRROR-A 100-107\n\nADD 100\n\n${R1}ADD 107\n\n${R2}%%END MIRROR-A\n\n"
check "-g MIRROR-A:3:101-107: from the next serial there is" exact '-g MIRROR-A:3:101-107' "%%START Version: 3 MIRROR-A 101-107\n\nADD 107\n\n${R2}%%END MIRROR-A\n\n"
check "-g MIRROR-A:3:99-LAST: 401 with its range" exact '-g MIRROR-A:3:99-LAST' '%%ERROR:401: invalid range: Not within 100-107\n\n'
: > "$T/keep"
nrtm "$PORT" keep '-g MIRROR-A:3:107-LAST -k' "$T/keep" 30 &
KP=$!
PIDS="$PIDS $KP"
check "-k on MIRROR-A: ADD 107" waitfor 'ADD 107' 10
check "MIRROR-A: serial 110 deletes 10.1.0.0/16" mput 110 del "$T/r1"
check "-k on MIRROR-A: DEL 110 pushed" waitfor 'DEL 110' 15
kill "$KP" 2>/dev/null
stop "$S"
check "SIGTERM with an NRTM stream: exit 0" test "$stop_rc" = 0

# ---------------------------------- a slow reader of a large range, bounded
PORT2=$(free_port)
QPORT2=$(free_port)
maildir_conf "$T/b/autodbm.conf" "whois_listen = 127.0.0.1:$QPORT2" \
    "nrtm_listen = 127.0.0.1:$PORT2" "nrtm_banner = no"
awk 'BEGIN { for (i = 0; i < 100000; i++)
    printf "route:          10.%d.%d.%d/26\ndescr:          %0200d\norigin:         AS3333\nmnt-by:         EX-MNT\nsource:         TEST\n\n",
           int(i / 1024), int(i / 4) % 256, (i % 4) * 64, i }' > "$T/big.rpsl"
check "load 100,000 routes" sh -c "'$BIN/autodbm-load' -c '$T/b/autodbm.conf' --non-strict '$T/big.rpsl' >/dev/null 2>&1"
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4
export ASAN_OPTIONS
start "$T/b"
B=$pid
wait_port "$PORT2"
client "$PORT2" slow "$B" '-g TEST:3:1-LAST' > "$T/slow" &
SP=$!
PIDS="$PIDS $SP"
sleep 1
others() {
    i=0
    while [ $i -lt 5 ]; do
        nrtm "$PORT2" req '-q sources' | grep -qx 'TEST:3:X:1-100000' || return 1
        i=$((i + 1))
    done
}
check "while a slow reader streams: others are answered" others
wait "$SP"
slow() {
    read -r bytes rss growth < "$T/slow"
    echo "bytes $bytes, peak VmRSS $rss kB, heap growth $growth kB"
    # 100,000 entries of about 330 bytes: 33 MB that must never be held;
    # the store's map pages the walk touched count in VmRSS, not in the
    # heap (sanitizer builds: shadow memory and redzones add some)
    max=8192
    ldd "$BIN/autodbm-whoisd" 2>/dev/null | grep -q libasan && max=32768
    [ "$bytes" -gt 30000000 ] && [ "$rss" -lt 131072 ] && [ "$growth" -lt $max ]
}
check "a slow reader of 100,000 entries: server memory bounded" slow
sed 's/^/# bytes, peak VmRSS kB, heap growth kB: /' "$T/slow"
check "the server runs" alive "$B" "$T/b"
stop "$B"
