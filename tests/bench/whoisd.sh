#!/bin/sh
# whoisd.sh - the query server autodbm-whoisd under load, run by `make
# bench` after robot.sh (or alone: make -C tests/bench whoisd).
#
#   sh whoisd.sh [N [SECONDS]]
#
# A store of N generated objects (default 900,000: gen and autodbm-load
# --non-strict) plus an as-set AS-BENCH of 10,000 ASNs and 100,000
# routes originated by them (10 each): 1,000,002 objects; the server on a free loopback
# port (whois_personal_limit off for loopback by default, connection
# limits raised).  Then, each for SECONDS (default 3):
#
#   (a) exact-key queries ("-r NIC-HDL", the keys gen -q sampled) over
#       persistent connections (-k) with 1, 8 and 64 concurrent clients,
#       stop-and-wait, by wbench; and the same client against echod, a
#       trivial epoll echo server, in the same run: the machine's limit
#       for one request/answer round trip (target: >= 50% of the echo
#       rate at 8 clients);
#   (b) new connections per second for one-shot queries as Debian's
#       whois makes them (connect, "-r KEY", read to the close), 8
#       clients;
#   (c) VmRSS of the server before and with 1,000 idle persistent
#       connections, and its heap (RssAnon; target: < 64 MB: VmRSS also
#       counts the pages of the store's map the queries before touched,
#       page cache shared with every reader, some 70 MB of a 1,000,000-
#       object store);
#   (d) bgpq4 -l pl AS-BENCH (the !a expansion of 10,000 ASNs into
#       100,000 prefixes): wall time (target: < 1 s), if bgpq4 is
#       installed.
#
# The clients share the 2 CPU cores with the server: the figures are the
# whole machine's.  Prints a summary in run.sh's style (a miss does not
# fail the run); fails only when a client or the server fails.
set -eu
N=${1:-900000}
SECS=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$here/work/whoisd
bin=$top/bin
tools=$here/work
for p in "$bin/autodbm-load" "$bin/autodbm-whoisd" "$tools/gen" "$tools/timeit" \
         "$tools/wbench" "$tools/echod"; do
    [ -x "$p" ] || { echo "bench: $p is missing (make bench builds it)" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$work"
spid= epid=
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null
    [ -n "$epid" ] && kill "$epid" 2>/dev/null
    [ "${KEEP:-0}" = 1 ] || rm -rf "$work/db" "$work/registry.db"
}
trap cleanup EXIT INT TERM
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)"

echo "whoisd: generating $N objects and AS-BENCH (10,000 ASNs, 100,000 routes)"
"$tools/gen" -n "$N" -q "$work/samples.txt" > "$work/registry.db"
awk 'BEGIN {
    printf "mntner:         BENCH-MNT\nadmin-c:        BENCH1-TEST\nupd-to:         bench@example.net\n"
    printf "auth:           MD5-PW $1$abcdefgh$0123456789abcdefghijkl\nmnt-by:         BENCH-MNT\nsource:         TEST\n\n"
    printf "as-set:         AS-BENCH\ndescr:          10,000 ASNs\n"
    for (l = 0; l < 100; l++) {
        printf "members:        "
        for (k = 0; k < 100; k++)
            printf "%sAS%d", (k ? ", " : ""), 100000 + l * 100 + k
        printf "\n"
    }
    printf "tech-c:         BENCH1-TEST\nadmin-c:        BENCH1-TEST\nmnt-by:         BENCH-MNT\nsource:         TEST\n\n"
    for (i = 0; i < 100000; i++)
        printf "route:          %d.%d.%d.0/24\norigin:         AS%d\nmnt-by:         BENCH-MNT\nsource:         TEST\n\n",
               11 + int(i / 65536), int(i / 256) % 256, i % 256, 100000 + i % 10000
}' >> "$work/registry.db"
sed -n 's/^key //p' "$work/samples.txt" > "$work/keys"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/autodbm.conf" <<CONF
# written by tests/bench/whoisd.sh
source = TEST
database = db
robot_address = auto-dbm@bench.invalid
delivery = maildir
outbox = outbox
whois_listen = 127.0.0.1:$PORT
whois_max_connections = 3000
whois_max_connections_per_address = 3000
whois_log = no
CONF
"$bin/autodbm-load" -c "$work/autodbm.conf" --non-strict "$work/registry.db" > "$work/load.out" 2>&1 ||
    { tail -n 5 "$work/load.out"; exit 1; }
tail -n 1 "$work/load.out"
rm -f "$work/registry.db"

"$tools/echod" "$work/port" & epid=$!
i=0; while [ ! -s "$work/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
EPORT=$(cat "$work/port")
"$bin/autodbm-whoisd" -c "$work/autodbm.conf" -f > "$work/server.log" 2>&1 & spid=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1).close()" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat "$work/server.log"; exit 1; }; sleep 0.1
done

echo "whoisd: persistent exact-key queries, whoisd and echo, $SECS s each"
for c in 1 8 64; do
    "$tools/wbench" rate "$PORT" $c "$SECS" "$work/keys" whois | tee -a "$work/whois.rate"
    "$tools/wbench" rate "$EPORT" $c "$SECS" "$work/keys" echo | tee -a "$work/echo.rate"
done
echo "whoisd: one-shot queries, 8 clients"
"$tools/wbench" oneshot "$PORT" 8 "$SECS" "$work/keys" | tee "$work/oneshot"
echo "whoisd: 1,000 idle persistent connections"
"$tools/wbench" idle "$PORT" 1000 "$spid" | tee "$work/idle"
bgpq=-
if command -v bgpq4 >/dev/null 2>&1; then
    echo "whoisd: bgpq4 -l pl AS-BENCH"
    "$tools/timeit" "$work/bgpq.res" bgpq4 -h "127.0.0.1:$PORT" -S TEST -l pl AS-BENCH > "$work/bgpq.out"
    read -r bgpq bgpq_rss bgpq_rc < "$work/bgpq.res"
    [ "$bgpq_rc" = 0 ] || { echo "bgpq4 exited $bgpq_rc"; exit 1; }
    bgpq_n=$(grep -c ' permit ' "$work/bgpq.out" || true)
    echo "bgpq4: $bgpq_n prefixes in $bgpq s"
    [ "$bgpq_n" = 100000 ] || { echo "bgpq4: expected 100000 prefixes"; exit 1; }
fi
kill -0 "$spid" || { echo "the server died"; cat "$work/server.log"; exit 1; }

rate() { awk -v c="$2" '$2 == c { print $3 }' "$work/$1.rate"; }
awk -v w1="$(rate whois 1)" -v w8="$(rate whois 8)" -v w64="$(rate whois 64)" \
    -v e1="$(rate echo 1)" -v e8="$(rate echo 8)" -v e64="$(rate echo 64)" \
    -v os="$(cut -d' ' -f3 "$work/oneshot")" -v rb="$(cut -d' ' -f3 "$work/idle")" \
    -v ri="$(cut -d' ' -f4 "$work/idle")" -v ab="$(cut -d' ' -f5 "$work/idle")" \
    -v ai="$(cut -d' ' -f6 "$work/idle")" -v bg="$bgpq" -v n="$N" 'BEGIN {
    printf "\n%-34s %14s %12s %6s\n", "summary whoisd (N=" n ")", "measured", "target", ""
    printf "%-34s %14.0f %12s\n", "queries/s, 1 client", w1, ""
    printf "%-34s %14.0f %12s\n", "echo round trips/s, 1 client", e1, ""
    printf "%-34s %14.0f %12s\n", "queries/s, 8 clients", w8, ""
    printf "%-34s %14.0f %12s\n", "echo round trips/s, 8 clients", e8, ""
    r = e8 > 0 ? 100 * w8 / e8 : 0
    printf "%-34s %13.0f%% %12s %6s\n", "queries/echo at 8 clients", r, ">= 50%",
           (r >= 50 ? "PASS" : "MISS")
    printf "%-34s %14.0f %12s\n", "queries/s, 64 clients", w64, ""
    printf "%-34s %14.0f %12s\n", "echo round trips/s, 64 clients", e64, ""
    printf "%-34s %14.0f %12s\n", "one-shot connections/s, 8 clients", os, ""
    printf "%-34s %14.1f %12s\n", "server RSS MiB, no connection", rb / 1024, ""
    printf "%-34s %14.1f %12s\n", "server RSS MiB, 1,000 idle -k", ri / 1024, ""
    printf "%-34s %14.1f %12s\n", "server heap MiB, no connection", ab / 1024, ""
    printf "%-34s %14.1f %12s %6s\n", "server heap MiB, 1,000 idle -k", ai / 1024, "< 64",
           (ai / 1024 < 64 ? "PASS" : "MISS")
    if (bg == "-")
        printf "%-34s %14s %12s %6s\n", "bgpq4 !a 10,000 ASNs wall s", "-", "< 1", "MISS"
    else
        printf "%-34s %14.3f %12s %6s\n", "bgpq4 !a 10,000 ASNs wall s", bg, "< 1",
               (bg < 1 ? "PASS" : "MISS")
}'
