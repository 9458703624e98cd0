#!/bin/sh
# whoisd.sh - command test of autodbm-whoisd on loopback: the fixture
# registry tests/whois/fixture.rpsl loaded with autodbm-load, every "!"
# command against its golden answer (tests/whois/commands, golden/), the
# real clients bgpq4, bgpq3 and whois, whose prefix lists must equal the
# ones tests/whois/reference.py computes from the fixture by brute force,
# a commit seen by the next query, the limits (over-long line, idle
# timeout, connections per address), random garbage, SIGHUP, SIGTERM,
# and a slow reader of a 100,000-route answer with the server's memory
# bounded.
#
# Every server runs in the foreground (-f), is stopped by its pid, and
# every client has a timeout.  Run by tests/run-check with AUTODBM_BIN and
# AUTODBM_SRCDIR; prints "ok N NAME" / "not ok N NAME".
. "$(dirname "$0")/whoisd.inc"

# ---------------------------------------------------------------- setup
PORT=$(free_port)
LISTEN="127.0.0.1:$PORT"
V6=0
if have_v6; then V6=1; LISTEN="$LISTEN, [::1]:$PORT"; else echo "# skipped: no IPv6 loopback"; fi
maildir_conf "$T/s/autodbm.conf" "whois_listen = $LISTEN" "whois_idle_timeout = 2" \
    "whois_max_connections_per_address = 20"
check "autodbm-whoisd -h" sh -c "'$BIN/autodbm-whoisd' -h | grep -q -- -f"
check "load the fixture" "$BIN/autodbm-load" -c "$T/s/autodbm.conf" "$W/fixture.rpsl"
start "$T/s"
S=$pid
check "the server listens" wait_port "$PORT"

# ---------------------------------------------------------- golden answers
VERSION=$("$BIN/autodbm-whoisd" -V | sed 's/.* //')
VLEN=$(printf 'autodbm -- version %s' "$VERSION" | wc -c)
VLEN=$((VLEN + 1))
host=$(hostname)
golden() { # NAME BYTES
    client "$PORT" send "$2" | sed "s/ ($host)\$/ (HOST)/" > "$T/got"
    sed -e "s/@VERSION@/$VERSION/" -e "s/^A@VLEN@\$/A$VLEN/" "$W/golden/$1.out" > "$T/want"
    cmp -s "$T/got" "$T/want" || { diff "$T/want" "$T/got" | head -20; return 1; }
}
grep -v '^#' "$W/commands" | while IFS='|' read -r name bytes; do
    check "golden $name" golden "$name" "$bytes"
done > "$T/golden.log"
cat "$T/golden.log"
n=$((n + $(grep -c '^\(not \)\{0,1\}ok' "$T/golden.log")))
check "the server runs after the golden queries" alive "$S" "$T/s"

if [ $V6 = 1 ]; then
    v6q() { timeout 10 python3 -c "
import socket; s = socket.create_connection(('::1', $PORT), 5); s.sendall(b'!gAS3333\n')
import sys; d = b''
while True:
    b = s.recv(4096)
    if not b: break
    d += b
sys.stdout.write(d.decode())" | grep -qx '193.0.0.0/21 193.0.10.0/23'; }
    check "answers on [::1] too" v6q
fi

# ----------------------------------------- real clients against the reference
ref() { python3 "$W/reference.py" "$W/fixture.rpsl" "$@"; }
prefixes() { sed -n 's/.* permit \([0-9a-f.:]*\/[0-9]*\).*/\1/p' | sort -u; }
same() { # NAME: $T/NAME.got equals $T/NAME.want, both non-empty
    [ -s "$T/$1.want" ] && cmp -s "$T/$1.got" "$T/$1.want" ||
        { echo "want: $(tr '\n' ' ' < "$T/$1.want")"; echo "got:  $(tr '\n' ' ' < "$T/$1.got")"; return 1; }
}
ref v4 AS-EXAMPLE | sort -u > "$T/v4.want"
ref v6 AS-EXAMPLE | sort -u > "$T/v6.want"
ref asns AS-EXAMPLE | sort -n > "$T/asns.want"
for tool in bgpq4 bgpq3; do
    if ! command -v $tool >/dev/null 2>&1; then echo "# skipped: $tool not installed"; continue; fi
    timeout 20 $tool -h "127.0.0.1:$PORT" -S TEST -l pl AS-EXAMPLE 2>"$T/$tool.err" | prefixes > "$T/v4.got"
    check "$tool -l pl AS-EXAMPLE: the reference's IPv4 prefixes" same v4
    timeout 20 $tool -6 -h "127.0.0.1:$PORT" -S TEST -l pl AS-EXAMPLE 2>>"$T/$tool.err" | prefixes > "$T/v6.got"
    check "$tool -6 -l pl AS-EXAMPLE: the reference's IPv6 prefixes" same v6
    timeout 20 $tool -f 3333 -h "127.0.0.1:$PORT" -S TEST -l fl AS-EXAMPLE 2>>"$T/$tool.err" |
        sed -n 's/.*permit //p' | sed 's/\[0-9\]+//g' | grep -o '[0-9][0-9]*' | grep -v '^0$' | sort -nu > "$T/asns.got"
    check "$tool -f 3333 AS-EXAMPLE: the reference's ASNs" same asns
    timeout 20 $tool -A -h "127.0.0.1:$PORT" -S TEST -l pl AS-EXAMPLE 2>>"$T/$tool.err" > "$T/agg"
    # aggregated: every reference prefix is covered by one of the lines
    agg_covers() {
        python3 -c '
import ipaddress, re, sys
nets = [ipaddress.ip_network(m) for m in re.findall(r"permit (\S+/\d+)", open(sys.argv[1]).read())]
want = [ipaddress.ip_network(l.strip()) for l in open(sys.argv[2]) if l.strip()]
bad = [str(w) for w in want if not any(w.subnet_of(n) for n in nets if n.version == w.version)]
print("not covered:", bad) if bad else None
sys.exit(1 if bad or not nets else 0)' "$T/agg" "$T/v4.want"
    }
    check "$tool -A -l pl AS-EXAMPLE covers the reference" agg_covers
done
if command -v whois >/dev/null 2>&1; then
    whois_g() {
        timeout 20 whois -h 127.0.0.1 -p "$PORT" '!gAS3333' > "$T/whois.got"
        cmp -s "$T/whois.got" "$W/golden/origin-v4.out" || { cat "$T/whois.got"; return 1; }
    }
    check "whois -h 127.0.0.1 -p PORT '!gAS3333'" whois_g
else
    echo "# skipped: whois not installed"
fi

# ------------------------------------------------ a commit, seen at once
cat > "$T/more.rpsl" <<'EOF'
route:          193.0.22.0/23
descr:          added while the server runs
origin:         AS3333
mnt-by:         EX-MNT
source:         TEST
EOF
commit_seen() {
    "$BIN/autodbm-load" -c "$T/s/autodbm.conf" "$T/more.rpsl" >/dev/null 2>&1 || return 1
    client "$PORT" send '!gAS3333\n' | grep -qx '193.0.0.0/21 193.0.10.0/23 193.0.22.0/23'
}
check "a route loaded while the server runs is in the next answer" commit_seen

# ---------------------------------------------------------------- limits
long=$(python3 -c 'print("!g" + "A" * 2000)')
too_long() {
    client "$PORT" send "$long\\n" > "$T/long"
    head -n 1 "$T/long" | grep -qx '%ERROR:107: input line too long' &&
        grep -qx '% Input exceeds the maximum line length.' "$T/long"
}
check "a line over 1024 bytes: %ERROR:107 and close" too_long
no_eol() {   # the same without a line end: the server must not wait for it
    client "$PORT" send "$long" | head -n 1 | grep -qx '%ERROR:107: input line too long'
}
check "1,500 bytes without a line end: %ERROR:107 and close" no_eol
# one persistence for both dialects: a RIPE-style query in "!!" mode is
# answered and the connection stays open (as IRRd); "-k" keeps it open
# for "!" commands (spec 3.2)
mixed() { # INPUT
    client "$PORT" send "$1" > "$T/mixed"
    grep -q '^aut-num: *AS13335$' "$T/mixed" && grep -qx 'autodbm -- version .*' "$T/mixed" ||
        { head -n 20 "$T/mixed"; return 1; }
}
check "!! then a RIPE-style query: answered, the connection stays open" mixed '!!\n-r AS13335\n!v\n'
check "-k then a ! command: the connection stays open" mixed '-k -r AS13335\n!v\n!q\n'
# exactly 1024 bytes before the line end: a query (RIPE counts the line,
# not its CR LF end), 1025 bytes: too long
at_limit() { # END
    q=$(python3 -c 'print("-r AS13335" + " " * 1014)')
    client "$PORT" send "$q$1" > "$T/limit"
    grep -q '^aut-num: *AS13335$' "$T/limit" || { head -n 3 "$T/limit"; return 1; }
}
check "a line of 1024 bytes ending in CR LF is a query" at_limit '\r\n'
check "a line of 1024 bytes ending in LF is a query" at_limit '\n'
over_limit() {
    q=$(python3 -c 'print("-r AS13335" + " " * 1015)')
    client "$PORT" send "$q\r\n" | head -n 1 | grep -qx '%ERROR:107: input line too long'
}
check "a line of 1025 bytes ending in CR LF: %ERROR:107" over_limit
idle() {
    client "$PORT" idle 2 > "$T/idle"
    grep -qx '%ERROR:305: connection has been closed' "$T/idle" &&
        grep -q '^closed after [2-4] s$' "$T/idle" || { cat "$T/idle"; return 1; }
}
check "idle for whois_idle_timeout (2 s): %ERROR:305 and close" idle
trickle() {
    client "$PORT" trickle 8 > "$T/trickle"
    grep -qx '%ERROR:305: connection has been closed' "$T/trickle" &&
        grep -q '^closed after [2-5] s$' "$T/trickle" || { cat "$T/trickle"; return 1; }
}
check "a line trickling in a byte a second: %ERROR:305 after 2 s too" trickle
many() {
    client "$PORT" many 30 > "$T/many"
    grep -qx 'refused 10 open 20' "$T/many" || { cat "$T/many"; return 1; }
}
check "30 connections from one address, 20 allowed: 10 get %ERROR:306" many
check "answers after the limits" golden members-recursive '!iAS-EXAMPLE,1\n'

# --------------------------------------------------------------- garbage
check "200 connections of random lines" sh -c "timeout 120 python3 '$W/client.py' $PORT garbage 200 14 | grep -qx 'sent 200'"
check "the server survived the garbage" alive "$S" "$T/s"
check "and answers" golden members-recursive '!iAS-EXAMPLE,1\n'
# NUL bytes in RIPE-style lines: refused, and a persistent connection
# goes on with the next query
nul_ripe() {
    client "$PORT" send '-k -r AS13335\n-r AS\0 13335\n-r AS15169\n-k\n' > "$T/nul"
    grep -qx 'F Queries may not contain null bytes' "$T/nul" &&
        grep -q '^aut-num: *AS13335$' "$T/nul" && grep -q '^aut-num: *AS15169$' "$T/nul" ||
        { head -n 40 "$T/nul"; return 1; }
}
check "a NUL byte in a RIPE-style line on a -k connection: refused, the next answered" nul_ripe
nul_once() { client "$PORT" send '-r AS\0 13335\n' | grep -qx 'F Queries may not contain null bytes'; }
check "... and without -k: refused, closed" nul_once
# 900 connections at once from one address (20 allowed): the rest get
# %ERROR:306, the server's memory stays bounded, others are answered
thousand() {
    client "$PORT" many 900 > "$T/many"
    cat "$T/many"
    # (a connection the server accepts late may not have its %ERROR:306
    # within the client's 0.2 s: counted as open)
    read -r _ refused _ open < "$T/many"
    [ "$refused" -ge 840 ] && [ $((refused + open)) = 900 ] || return 1
    rss=$(awk '/^VmRSS/ { print $2 }' /proc/$S/status)
    echo "server VmRSS $rss kB after 900 connections"
    [ "$rss" -lt $((65536 * 4)) ]
}
check "900 connections from one address (20 allowed): %ERROR:306, RSS bounded" thousand
ripe_after() { client "$PORT" send '-r AS13335\n' | grep -q '^aut-num: *AS13335$'; }
check "and answers RIPE-style queries" ripe_after

# --------------------------------------------------------------- signals
kill -HUP "$S"
sleep 0.3
check "SIGHUP: still running" kill -0 "$S"
check "SIGHUP: still answering" golden version '!v\n'
stop "$S"
check "SIGTERM: exits 0" test "$stop_rc" = 0
check "one log line per connection" sh -c "grep -c 'client=127.0.0.1 queries=' '$T/s/server.log' | awk '\$1 > 60 { ok = 1 } END { exit !ok }'"

# ------------------------------- out of file descriptors: pause, no spin
PORT5=$(free_port)
maildir_conf "$T/e/autodbm.conf" "whois_listen = 127.0.0.1:$PORT5" "database = $T/s/db" \
    "whois_max_connections_per_address = 1000"
(ulimit -n 40 && AUTODBM_LOG_STDERR=1 exec "$BIN/autodbm-whoisd" -c "$T/e/autodbm.conf" -f) \
    >"$T/e/server.log" 2>&1 &
E=$!
PIDS="$PIDS $E"
wait_port "$PORT5"
emfile() {
    client "$PORT5" many 60 > /dev/null
    sleep 1.5
    client "$PORT5" send '!iAS-NOPE\n' | grep -qx D || return 1
    k=$(grep -c 'accept: ' "$T/e/server.log")
    echo "$k accept failures logged"
    [ "$k" -ge 1 ] && [ "$k" -le 30 ]
}
check "60 connections with 40 file descriptors: accepting pauses (no spin), then answers" emfile
stop "$E"

# ------------------------------------------ a slow reader of a big answer
PORT2=$(free_port)
maildir_conf "$T/b/autodbm.conf" "whois_listen = 127.0.0.1:$PORT2"
head -n 16 "$W/fixture.rpsl" > "$T/big.rpsl"
awk 'BEGIN { for (i = 0; i < 100000; i++)
    printf "route:          10.%d.%d.%d/26\ndescr:          %0200d\norigin:         AS3333\nmnt-by:         EX-MNT\nsource:         TEST\n\n",
           int(i / 1024), int(i / 4) % 256, (i % 4) * 64, i }' >> "$T/big.rpsl"
check "load 100,000 routes" sh -c "'$BIN/autodbm-load' -c '$T/b/autodbm.conf' '$T/big.rpsl' >/dev/null 2>&1"
# (under ASan a small quarantine: freed memory it keeps is not the server's)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4
export ASAN_OPTIONS
start "$T/b"
B=$pid
wait_port "$PORT2"
# slow QUERY MAX: a slow reader of QUERY's answer; the server's heap grows
# by less than MAX kB (sanitizer builds: 40 MB, for the shadow memory and
# the redzones of the key list)
slow() {
    client "$PORT2" slow "$B" "$1" > "$T/slow"
    read -r bytes rss growth < "$T/slow"
    echo "bytes $bytes, peak VmRSS $rss kB, heap growth $growth kB"
    max=$2
    ldd "$BIN/autodbm-whoisd" 2>/dev/null | grep -q libasan && max=40960
    [ "$bytes" -gt 30000000 ] && [ "$rss" -lt 131072 ] && [ "$growth" -lt $max ]
}
# 100,000 objects of about 320 bytes: 32 MB that must never be held at
# once (the heap may grow by a list of 100,000 keys); the pages of the
# store's map the answer touched count in VmRSS, not in the heap
check "a slow reader of 100,000 route objects: server memory bounded" slow '!r10.0.0.0/8,M' 16384
sed 's/^/# bytes, peak VmRSS kB, heap growth kB: /' "$T/slow"
# the same as a RIPE-style answer (-M: the more specific routes): the
# engine's list of 100,000 matches (class and key each, some 16 MB,
# bounded by whois_max_objects), never the 36 MB of text
check "a slow reader of 100,000 route objects, RIPE-style: server memory bounded" slow '-r -M 10.0.0.0/8' 24576
sed 's/^/# bytes, peak VmRSS kB, heap growth kB: /' "$T/slow"
stop "$B"

# ------------------- the same store, a time limit and an object limit
# limited DIR PORT LINE...: a server of the big store with the LINEs
limited() {
    d=$1 p=$2; shift 2
    maildir_conf "$d/autodbm.conf" "whois_listen = 127.0.0.1:$p" "database = $T/b/db" "$@"
    start "$d"
    wait_port "$p" || { echo "# the server of $d does not listen:"; tail -n 5 "$d/server.log" | sed 's/^/# /'; }
}
PORT3=$(free_port)
limited "$T/c" "$PORT3" "whois_query_timeout = 2"
query_timeout() {
    client "$PORT3" slow "$pid" '!r10.0.0.0/8,M' > "$T/slow3"
    read -r bytes rss growth < "$T/slow3"
    echo "bytes $bytes"
    [ "$bytes" -gt 0 ] && [ "$bytes" -lt 30000000 ]
}
check "whois_query_timeout = 2: a slow reader of 32 MB is cut off" query_timeout
check "and the server answers the next query" sh -c "timeout 20 python3 '$W/client.py' $PORT3 send '!iAS-NOPE\\n' | grep -qx D"
stop "$pid"
PORT4=$(free_port)
limited "$T/d" "$PORT4" "whois_max_objects = 1000"
max_objects() {
    client "$PORT4" send '!!\n!gAS3333\n!v\n' > "$T/many-objects"
    [ "$(cat "$T/many-objects")" = 'F Query exceeded the limit of 1000 objects or items' ] ||
        { head -c 300 "$T/many-objects"; return 1; }
}
check "whois_max_objects = 1000: !g of 100,000 routes refused, connection closed" max_objects
check "... logged as end=limit" grep -q 'client=127.0.0.1 .*end=limit' "$T/d/server.log"
# the same limit on a query that collects objects (!r ...,M, !o): the
# objects collected before the limit are dropped with the answer (they
# were read again after the snapshot had ended: a crash)
objects_limit() { # QUERY
    client "$PORT4" send "$1\n" > "$T/obj-limit"
    [ "$(cat "$T/obj-limit")" = 'F Query exceeded the limit of 1000 objects or items' ] ||
        { head -c 300 "$T/obj-limit"; return 1; }
}
check "whois_max_objects = 1000: !r10.0.0.0/8,M refused" objects_limit '!r10.0.0.0/8,M'
check "... and the server answers the next query" objects_limit '!r10.0.0.0/8,M'
stop "$pid"

# ------------------- IPv6: a /64 is one client for the connection limit
# (in a network namespace of its own with 2001:db8::/64 and
# 2001:db8:1::/64 on its loopback; needs root and unshare, else skipped)
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
    maildir_conf "$T/v6/autodbm.conf" "whois_listen = [2001:db8::1]:4343" "database = $T/s/db" \
        "whois_max_connections_per_address = 2"
    cat > "$T/v6/run.sh" <<V6
ip link set lo up
for a in 2001:db8::1 2001:db8::a 2001:db8::b 2001:db8::c 2001:db8:1::a; do
    ip -6 addr add \$a/64 dev lo nodad || exit 1
done
AUTODBM_LOG_STDERR=1 '$BIN/autodbm-whoisd' -c '$T/v6/autodbm.conf' -f > '$T/v6/server.log' 2>&1 &
sp=\$!
timeout 30 python3 -c '
import socket, time
def conn(src):
    for _ in range(100):
        try:
            s = socket.create_connection(("2001:db8::1", 4343), 10, (src, 0))
            return s
        except ConnectionRefusedError:
            time.sleep(0.1)
    raise SystemExit("no server")
def answer(s):
    # a refused connection is told at once (the query is sent after a
    # second of silence only: unread, it would turn the close into a reset)
    s.settimeout(1)
    try:
        out = s.recv(65536)
        if out:
            return out
    except socket.timeout:
        out = b""
    s.settimeout(10)
    s.sendall(b"-r AS13335\r\n")
    while True:
        b = s.recv(65536)
        if not b:
            return out
        out += b
held = [conn("2001:db8::a"), conn("2001:db8::b")]
time.sleep(0.2)
third = answer(conn("2001:db8::c"))
other = answer(conn("2001:db8:1::a"))
print("same-64", "refused" if b"%ERROR:306" in third else "answered")
print("other-64", "refused" if b"%ERROR:306" in other else "answered")
'
kill \$sp; wait \$sp
V6
    v6_64() {
        unshare -n sh "$T/v6/run.sh" > "$T/v6/out" 2>&1
        grep -qx 'same-64 refused' "$T/v6/out" && grep -qx 'other-64 answered' "$T/v6/out" ||
            { cat "$T/v6/out"; tail -n 5 "$T/v6/server.log"; return 1; }
    }
    check "IPv6: a third connection from the same /64 (limit 2) gets %ERROR:306, another /64 not" v6_64
else
    echo "# skipped: IPv6 /64 grouping (needs root, ip and unshare -n)"
fi
