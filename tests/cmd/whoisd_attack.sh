#!/bin/sh
# whoisd_attack.sh - autodbm-whoisd against hostile clients on loopback
# (tests/whois/attack.py plays them, from source addresses 127.0.0.2 and
# up): after each attack the server must still answer a control client
# promptly, its memory stay bounded, and it must not crash; bgpq4 against
# the fixture (as in whoisd.sh) proves legitimate use still works.
#
# Every server runs in the foreground (-f), is stopped by its pid, every
# client has a timeout.  Run by tests/run-check with AUTODBM_BIN and
# AUTODBM_SRCDIR; prints "ok N NAME" / "not ok N NAME".
. "$(dirname "$0")/whoisd.inc"
attack() { timeout 120 python3 "$W/attack.py" "$@"; }
# sanitizer builds are some 5 times slower and keep freed memory a while:
# a small quarantine, time bounds scaled by $SLOW, memory bounds by $BIG
# (shadow memory and redzones count in RSS)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4
export ASAN_OPTIONS
SLOW=1 BIG=1
ldd "$BIN/autodbm-whoisd" 2>/dev/null | grep -q libasan && SLOW=5 BIG=10
# server DIR LINE...: a server of DIR/autodbm.conf (source TEST, a free
# port, the LINEs); sets $pid and $port
server() {
    d=$1; shift
    port=$(free_port)
    maildir_conf "$d/autodbm.conf" "whois_listen = 127.0.0.1:$port" "$@"
    start "$d"
    wait_port "$port"
}
# answers PORT: the control query gets its golden answer
answers() {
    client "$1" send '!gAS3333\n' | grep -qx '193.0.0.0/21 193.0.10.0/23'
}
# legit PORT: bgpq4 (when installed) builds AS-EXAMPLE's prefix list
legit() {
    command -v bgpq4 >/dev/null 2>&1 || return 0
    timeout 20 bgpq4 -h "127.0.0.1:$1" -S TEST -l pl AS-EXAMPLE > "$T/bgpq4.out" 2>&1 &&
        grep -q 'permit 193.0.0.0/21' "$T/bgpq4.out" || { cat "$T/bgpq4.out"; return 1; }
}

mkdir -p "$T/f"
maildir_conf "$T/f/autodbm.conf"
check "load the fixture" sh -c "'$BIN/autodbm-load' -c '$T/f/autodbm.conf' '$W/fixture.rpsl' >/dev/null 2>&1"

# ------------------------ pipelined lines from a client that never reads
# "!oEX-MNT" is 9 bytes in, some 3 kB out: the server must stop taking
# lines while the client's output is not read, not buffer every answer
server "$T/p" "database = $T/f/db"
P=$pid
flood() {
    attack "$port" "$P" flood 5 '!oEX-MNT' > "$T/flood"
    read -r growth lines < "$T/flood"
    echo "heap growth $growth kB after $lines lines"
    [ "$growth" -lt $((16384 * BIG)) ]
}
check "a client pipelining !o and never reading: server heap bounded" flood
check "the server runs after the flood" alive "$P" "$T/p"
check "and answers a control client" answers "$port"
check "bgpq4 still works" legit "$port"
stop "$P"

# ------------------- slow readers of big answers and LMDB's reader slots
# Each object answer in progress holds a read transaction (one of LMDB's
# 126 reader slots, shared with the robot and autodbm-query).  150 clients
# from 50 addresses (3 each, the default limit) ask for a 6 MB answer and
# read nothing: the control client must still be answered at once.
head -n 16 "$W/fixture.rpsl" > "$T/big.rpsl"
awk 'BEGIN { for (i = 0; i < 20000; i++)
    printf "route:          10.%d.%d.0/24\ndescr:          %0200d\norigin:         AS64500\nmnt-by:         OTHER-MNT\nsource:         TEST\n\n",
           int(i / 256), i % 256, i }' >> "$T/big.rpsl"
cat "$W/fixture.rpsl" >> "$T/big.rpsl"
mkdir -p "$T/b"
maildir_conf "$T/b/autodbm.conf"
check "load 20,000 routes of OTHER-MNT" sh -c "'$BIN/autodbm-load' -c '$T/b/autodbm.conf' '$T/big.rpsl' >/dev/null 2>&1"
server "$T/r" "database = $T/b/db"
R=$pid
# readers LINE: 150 slow readers of LINE (3 per address); the control
# "!gAS3333" is answered at once and the heap stays bounded
readers() {
    attack "$port" "$R" readers 150 3 "$1" '!gAS3333' > "$T/readers"
    cat "$T/readers"
    read -r _ secs first heap < "$T/readers"
    [ "$first" = A27 ] && [ "${secs%.*}" -lt $((3 * SLOW)) ] && [ "$heap" -lt $((131072 * BIG)) ]
}
check "150 slow readers of !o (6 MB each): a control client is answered at once" readers '!oOTHER-MNT'
check "the server runs after the slow readers" alive "$R" "$T/r"
check "and answers" answers "$port"
check "bgpq4 still works" legit "$port"
# the same with RIPE-style answers: each holds a snapshot too, so they
# take the slots of whois_max_readers (beyond, a query waits) rather than
# every reader slot of LMDB
check "150 slow readers of -i mnt-by (6 MB each): a control client is answered at once" readers '-r -i mnt-by OTHER-MNT'
check "the server runs after the RIPE-style slow readers" alive "$R" "$T/r"
check "and answers" answers "$port"
ripe_answers() { client "$port" send '-r AS13335\n' | grep -q '^aut-num: *AS13335$'; }
check "and answers RIPE-style queries" ripe_answers
stop "$R"

# whois_max_readers = 2: a third object answer waits for a slot, and gets
# it once a slow reader leaves
server "$T/q" "database = $T/b/db" "whois_max_readers = 2"
Q=$pid
waiter() {
    attack "$port" "$Q" waiter 2 '!oOTHER-MNT' '!mmntner,EX-MNT' > "$T/waiter"
    cat "$T/waiter"
    grep -qx 'before -' "$T/waiter" && grep -q '^after 0\.[0-9] A' "$T/waiter"
}
check "whois_max_readers = 2: a third !m waits, then is answered" waiter
check "and answers after" answers "$port"
stop "$Q"

# ------------------------------------------ set-expansion bombs (by mail)
# AS-BOMB has 1,000 member sets that all name the same 1,000 sets of 50
# ASNs each (a million references to 1,000 names), and AS-D0 is a chain of
# 20,000 nested sets: each name must be expanded and held once, not once
# per reference, so time and memory stay small and the control client is
# not kept waiting.
python3 - "$W/fixture.rpsl" > "$T/bomb.rpsl" <<'PY'
import sys
out = [open(sys.argv[1]).read().rstrip('\n') + '\n\n']
def aset(name, members):
    s = 'as-set:         %s\n' % name
    for i in range(0, len(members), 50):
        s += 'members:        %s\n' % ', '.join(members[i:i + 50])
    return s + ('tech-c:         EX1-TEST\nadmin-c:        EX1-TEST\n'
                'mnt-by:         OTHER-MNT\nsource:         TEST\n\n')
out.append(aset('AS-BOMB', ['AS-W%d' % i for i in range(1000)]))
xs = ['AS-X%d' % i for i in range(1000)]
out += [aset('AS-W%d' % i, xs) for i in range(1000)]
out += [aset('AS-X%d' % i, ['AS%d' % (100000 + i * 50 + j) for j in range(50)]) for i in range(1000)]
out += [aset('AS-D%d' % i, ['AS-D%d' % (i + 1), 'AS%d' % (200000 + i)]) for i in range(20000)]
sys.stdout.write(''.join(out))
PY
mkdir -p "$T/x"
maildir_conf "$T/x/autodbm.conf"
check "load the set bombs" sh -c "'$BIN/autodbm-load' -c '$T/x/autodbm.conf' '$T/bomb.rpsl' >/dev/null 2>&1"
# heavy QUERY MAXRSS_KB FIRST: on a fresh server, the answer begins with
# FIRST, the control waits under 2 s, the peak RSS rises by less than
# MAXRSS_KB (the store's pages the expansion reads count too: some 14 MB
# here); the server still runs and answers after
heavy() {
    server "$T/y" "database = $T/x/db"
    attack "$port" "$pid" heavy "$1" '!gAS3333' > "$T/heavy"
    cat "$T/heavy"
    read -r secs csecs bytes heap first < "$T/heavy"
    alive "$pid" "$T/y" && answers "$port" && stop "$pid" &&
        [ "$first" = "$3" ] && [ "$heap" -lt $(($2 * BIG)) ] &&
        awk -v c="$csecs" -v s=$SLOW 'BEGIN { exit !(c < 2 * s) }'
}
check "!iAS-BOMB,1 (a million references): RSS bounded, control not kept waiting" heavy '!iAS-BOMB,1' 32768 A450000
check "!aAS-BOMB: the same" heavy '!aAS-BOMB' 32768 D
check "!iAS-D0,1 (20,000 nested sets)" heavy '!iAS-D0,1' 32768 A180000
server "$T/y" "database = $T/x/db"
check "bgpq4 still works" legit "$port"
stop "$pid"

# ------------------------------------------------- !t beyond the server's
# "!t1000" is IRRd's largest timeout; it may shorten whois_idle_timeout
# but not stretch it, or 1,000 such connections hold the server 1,000 s
server "$T/t" "database = $T/f/db" "whois_idle_timeout = 2"
stretch() {
    client "$port" send_idle '!!\n!t1000\n' 6 > "$T/stretch"
    cat "$T/stretch"
    grep -qx 'C' "$T/stretch" && grep -q '^closed after [2-4] s$' "$T/stretch"
}
check "!t1000 with whois_idle_timeout = 2: closed after 2 s all the same" stretch
shorten() {
    client "$port" send_idle '!!\n!t1\n' 6 > "$T/shorten"
    grep -q '^closed after [1-2] s$' "$T/shorten" || { cat "$T/shorten"; return 1; }
}
check "!t1 shortens it" shorten
stop "$pid"

# ------------------------------------- SIGTERM while answers are streaming
# 30 slow readers of 6 MB answers never finish: SIGTERM stops listening at
# once, waits 10 s for them, then exits 0 all the same
server "$T/s" "database = $T/b/db"
S=$pid
sigterm() {
    attack "$port" "$S" hang 30 20 '!oOTHER-MNT' &
    h=$!
    sleep 1.5
    t0=$(date +%s)
    kill -TERM "$S"
    i=0
    while kill -0 "$S" 2>/dev/null && [ $i -lt $((150 * SLOW)) ]; do sleep 0.1; i=$((i + 1)); done
    kill -0 "$S" 2>/dev/null && { kill -KILL "$S"; echo "still running after $((15 * SLOW)) s"; kill "$h"; return 1; }
    wait "$S"; rc=$?
    t=$(( $(date +%s) - t0 ))
    kill "$h" 2>/dev/null; wait "$h" 2>/dev/null
    echo "exit $rc after $t s"
    grep -q 'still busy after 10 s' "$T/s/server.log" && [ "$rc" = 0 ] && [ "$t" -le $((10 + 4 * SLOW)) ]
}
check "SIGTERM with 30 answers streaming: exits 0 after the 10 s drain" sigterm

# ------------------------------- list answers that nobody reads, en masse
# "!g" of an origin of 20,000 routes is some 300 kB computed whole; 300
# clients ask for it and read nothing.  whois_max_buffered = 16M: the
# answers held for clients all together stay under it (the client with
# the most unread is cut off), so the heap stays bounded.
server "$T/l" "database = $T/b/db" "whois_max_buffered = 16M"
L=$pid
lists() {
    attack "$port" "$L" readers 300 3 '!gAS64500' '!gAS3333' > "$T/lists"
    cat "$T/lists"
    read -r _ secs first heap < "$T/lists"
    # (not the control's answer: 300 lists computed one after the other
    # on the one thread can keep it waiting longer than its 10 s)
    [ "$heap" -lt $((49152 * BIG)) ]
}
check "300 unread !g of 20,000 routes, whois_max_buffered = 16M: heap bounded" lists
check "the server runs after the unread lists" alive "$L" "$T/l"
check "and answers" answers "$port"
stop "$L"

# ------------------------------------- an object answer over a limit
# EX-MNT maintains 16 objects, there are 10 routes; whois_max_objects = 5:
# !o and !r...,M get
# the F line and a close, and the server lives on (it dereferenced the
# snapshot it had already ended and died)
server "$T/o" "database = $T/f/db" "whois_max_objects = 5"
O=$pid
over() {
    client "$port" send "$1" > "$T/over"
    [ "$(cat "$T/over")" = 'F Query exceeded the limit of 5 objects or items' ] ||
        { head -c 300 "$T/over"; return 1; }
    alive "$O" "$T/o"
}
check "!oEX-MNT over whois_max_objects = 5: F, and the server lives" over '!oEX-MNT\n'
check "!r0.0.0.0/0,M over it too" over '!!\n!r0.0.0.0/0,M\n'
check "and answers" answers "$port"
stop "$O"
