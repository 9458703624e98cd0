#!/bin/sh
# whoisd_ripe.sh - command test of autodbm-whoisd's RIPE-style queries on
# loopback: the fixture registry (tests/whois/fixture.rpsl and ripe.rpsl)
# loaded with autodbm-load; every query of tests/whois/ripe-queries sent
# with Debian's whois client (or raw bytes) and compared with its golden
# answer in tests/whois/ripe/ (the flags, grouping, filtering, hashes,
# system queries, templates, every %ERROR, -k persistence); the personal
# data limit (%ERROR:201) from 127.0.0.2 with a small limit while
# 127.0.0.1 stays exempt; whois_max_objects cutting an answer; and
# queries made while the robot commits mails, each answer holding all or
# none of a mail's objects.
#
# Every server runs in the foreground (-f), is stopped by its pid, and
# every client has a timeout.  Run by tests/run-check with AUTODBM_BIN and
# AUTODBM_SRCDIR; prints "ok N NAME" / "not ok N NAME".
. "$(dirname "$0")/whoisd.inc"

# ---------------------------------------------------------------- setup
PORT=$(free_port)
maildir_conf "$T/s/autodbm.conf" "whois_listen = 127.0.0.1:$PORT, 127.0.0.2:$PORT" \
    "whois_max_connections_per_address = 50" "whois_personal_limit = 3" \
    "whois_personal_exempt = 127.0.0.1" "archive = archive"
check "load the fixture" "$BIN/autodbm-load" -c "$T/s/autodbm.conf" "$W/fixture.rpsl" "$W/ripe.rpsl"
start "$T/s"
S=$pid
check "the server listens" wait_port "$PORT"

# ---------------------------------------------------------- golden answers
VERSION=$("$BIN/autodbm-whoisd" -V | sed 's/.* //')
host=$(hostname)
have_whois=1
command -v whois >/dev/null 2>&1 || { have_whois=0; echo "# skipped: whois not installed"; }
# ask HOW WHAT: the answer on stdout, the host name as (HOST)
ask() {
    if [ "$1" = whois ]; then
        # shellcheck disable=SC2086
        timeout 20 whois -h 127.0.0.1 -p "$PORT" $2
    else
        client "$PORT" send "$2"
    fi | sed "s/ ($host)\$/ (HOST)/"
}
golden() { # NAME HOW WHAT
    ask "$2" "$3" > "$T/got"
    sed "s/@VERSION@/$VERSION/" "$W/ripe/$1.out" > "$T/want"
    cmp -s "$T/got" "$T/want" || { diff "$T/want" "$T/got" | head -20; return 1; }
}
grep -v '^#' "$W/ripe-queries" | while IFS='|' read -r name how what; do
    if [ "$how" = whois ] && [ $have_whois = 0 ]; then continue; fi
    check "golden $name" golden "$name" "$how" "$what"
done > "$T/golden.log"
cat "$T/golden.log"
n=$((n + $(grep -c '^\(not \)\{0,1\}ok' "$T/golden.log")))
check "the server runs after the golden queries" alive "$S" "$T/s"
no_banner() {   # a "!" client never sees the RIPE banner
    client "$PORT" send '!!\n!gAS3333\n!q\n' > "$T/bang"
    [ "$(cat "$T/bang")" = "$(printf 'A27\n193.0.0.0/21 193.0.10.0/23\nC')" ] || { cat "$T/bang"; return 1; }
}
check "a \"!\" client gets no banner" no_banner

# ----------------------------------------------- the personal-data limit
# from127 BYTES: send BYTES from 127.0.0.2, print the answer
from127() {
    timeout 20 python3 -c '
import socket, sys
s = socket.socket(); s.settimeout(10); s.bind(("127.0.0.2", 0))
s.connect(("127.0.0.2", int(sys.argv[1])))
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
out = b""
while True:
    b = s.recv(65536)
    if not b: break
    out += b
sys.stdout.write(out.decode())' "$PORT" "$1"
}
limit() {
    # a limit of 3: NP1-TEST (one person) three times, the fourth refused
    for i in 1 2 3; do
        from127 'NP1-TEST\r\n' | grep -q '^nic-hdl: *NP1-TEST$' || { echo "query $i refused"; return 1; }
    done
    from127 'NP1-TEST\r\n' > "$T/denied"
    grep -qx '%ERROR:201: access denied for 127.0.0.2' "$T/denied" &&
        ! grep -q '^person:' "$T/denied" && grep -q '^% This query was served by' "$T/denied" ||
        { cat "$T/denied"; return 1; }
}
check "whois_personal_limit = 3: the fourth person from 127.0.0.2 gets %ERROR:201" limit
check "... logged as end=access-denied" grep -q 'client=127.0.0.2 .*end=access-denied' "$T/s/server.log"
limit_r() { from127 '-r NET-MNT\r\n' | grep -q '^mntner: *NET-MNT$'; }
check "... a query without personal data (-r) from 127.0.0.2 is answered" limit_r
limit_mid() {   # stops before the first person/role, objects before it kept
    from127 'AS3333\r\n' > "$T/denied2"
    grep -q '^aut-num: *AS3333$' "$T/denied2" && grep -qx '%ERROR:201: access denied for 127.0.0.2' "$T/denied2" &&
        ! grep -q '^person:\|^role:' "$T/denied2" || { cat "$T/denied2"; return 1; }
}
check "... an answer with persons stops at the first one with %ERROR:201" limit_mid
exempt() { client "$PORT" send 'NP1-TEST\r\n' | grep -q '^nic-hdl: *NP1-TEST$'; }
check "... 127.0.0.1 (whois_personal_exempt) is not limited" exempt

# ------------------------------------------------- a robot commit, atomic
# txmail I: adds the persons TX<I>1-TEST .. TX<I>5-TEST
txmail() {
    printf 'From: Tx <tx@example.net>\nTo: auto-dbm@example.net\nMessage-ID: <tx-%s@example.net>\n\n' "$1"
    for j in 1 2 3 4 5; do
        printf 'person:  Tx Person\naddress: Street %s\nphone:   +31 20 000 0000\ne-mail:  tx@example.net\nnic-hdl: TX%s%s-TEST\nmnt-by:  TX-MNT\nsource:  TEST\n\n' "$j" "$1" "$j"
    done
    printf 'password: tx\n'
}
atomic() {
    ( for i in 1 2 3 4 5 6 7 8; do
          txmail $i | "$BIN/autodbm" -c "$T/s/autodbm.conf" >/dev/null 2>>"$T/robot.err" || echo "robot $i failed" >> "$T/robot.err"
          sleep 0.1
      done; touch "$T/robot.done" ) &
    rp=$!
    # one client asking again and again until the robot is done
    timeout 120 python3 -c '
import os, socket, sys
port, done = int(sys.argv[1]), sys.argv[2]
k = 0
while k < 100000:
    last = os.path.exists(done)
    s = socket.create_connection(("127.0.0.1", port), 10)
    s.sendall(b"-r -T person -i mnt-by TX-MNT\r\n")
    out = b""
    while True:
        b = s.recv(65536)
        if not b: break
        out += b
    s.close()
    if b"% This query was served by" not in out:
        print("incomplete", out); sys.exit(1)
    print(out.count(b"\nperson:"))
    k += 1
    if last: break
' "$PORT" "$T/robot.done" > "$T/counts" || { cat "$T/counts"; return 1; }
    k=$(wc -l < "$T/counts")
    wait $rp
    [ -s "$T/robot.err" ] && { cat "$T/robot.err"; return 1; }
    echo "$k queries; persons seen: $(sort -nu "$T/counts" | tr '\n' ' ')"
    # every answer a whole number of mails; the last (begun after the
    # robot's end) all 40; more than two states seen (the queries ran
    # between the commits)
    awk '$1 % 5 != 0 { bad = 1 } END { exit bad }' "$T/counts" &&
        [ "$(tail -n 1 "$T/counts")" = 40 ] && [ "$(sort -nu "$T/counts" | wc -l)" -gt 2 ]
}
check "queries while the robot commits 8 mails of 5 persons: all or none of each" atomic
sed -n 's/^\([0-9]* queries; .*\)/# \1/p' "$T/check.out"
stop "$S"
check "SIGTERM: exits 0" test "$stop_rc" = 0

# ------------------------------------------------------- whois_max_objects
PORT2=$(free_port)
maildir_conf "$T/m/autodbm.conf" "whois_listen = 127.0.0.1:$PORT2" "database = $T/s/db" \
    "whois_max_objects = 2"
start "$T/m"
M=$pid
wait_port "$PORT2"
max_objects() {
    client "$PORT2" send '-k -r -i mnt-by NET-MNT\r\n-r NET-MNT\r\n' > "$T/cut"
    [ "$(grep -c '^[a-z0-9-]*: ' "$T/cut" | head -n 1)" -gt 0 ] &&
        [ "$(grep -c '^source: ' "$T/cut")" = 2 ] &&
        grep -qx '%ERROR:112: unsupported query' "$T/cut" &&
        tail -n 3 "$T/cut" | head -n 1 | grep -q '^% This query was served by' ||
        { cat "$T/cut"; return 1; }
}
check "whois_max_objects = 2: two objects, %ERROR:112, the connection closed (even with -k)" max_objects
check "... logged as end=object-limit" grep -q 'client=127.0.0.1 .*end=object-limit' "$T/m/server.log"
stop "$M"
