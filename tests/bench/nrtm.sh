#!/bin/sh
# nrtm.sh - autodbm-whoisd's NRTM server streaming a long journal, run by
# `make bench` after whoisd.sh (or alone: make -C tests/bench nrtm).
#
#   sh nrtm.sh [N]
#
# A store of N generated objects (default 1,000,000: gen and
# autodbm-load --non-strict; each object is one journal entry), the
# server on a free loopback port.  nrtmread asks for "-g TEST:3:1-LAST"
# and reads to the close: the N entries as a public mirror gets them
# (persons and roles without abuse-mailbox: skipped, the rest through
# registry/dummify's RIPE rules), entries/s and MB/s; then again as a
# mirror of nrtm_access_unfiltered gets them (only password hashes
# replaced).  Then catd, a `cat` of the same
# bytes (the stream just received) through the same kind of socket,
# read by the same client in the same run: the machine's limit for
# moving those bytes (target: the server >= 50% of catd's rate).  The
# server's VmHWM (which counts the pages of the store's map it read) and
# RssAnon (its own memory) after the stream are reported too.  A miss is reported,
# not an error.
set -eu
N=${1:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$here/work/nrtm
bin=$top/bin
tools=$here/work
for p in "$bin/autodbm-load" "$bin/autodbm-whoisd" "$tools/gen" "$tools/catd" \
         "$tools/nrtmread"; do
    [ -x "$p" ] || { echo "bench: $p is missing (make bench builds it)" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$work"
spid= cpid=
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null
    [ -n "$cpid" ] && kill "$cpid" 2>/dev/null
    [ "${KEEP:-0}" = 1 ] || rm -rf "$work/db" "$work/registry.db" "$work/stream"
}
trap cleanup EXIT INT TERM
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
QPORT=$(free_port)
PORT=$(free_port)
cat > "$work/autodbm.conf" <<CONF
# written by tests/bench/nrtm.sh
source = TEST
database = db
robot_address = auto-dbm@bench.invalid
delivery = maildir
outbox = outbox
whois_listen = 127.0.0.1:$QPORT
whois_log = no
nrtm_listen = 127.0.0.1:$PORT
nrtm_banner = no
CONF
echo "bench: nrtm: generating and loading $N objects (one journal entry each)"
"$tools/gen" -n "$N" > "$work/registry.db"
"$bin/autodbm-load" -c "$work/autodbm.conf" --non-strict "$work/registry.db" \
    > "$work/load.out" 2> "$work/load.err" || { tail -n 3 "$work/load.err"; exit 1; }
rm -f "$work/registry.db"
# run MODE: stream -g TEST:3:1-LAST from the server (MODE public: as a
# public mirror gets it; unfiltered: as nrtm_access_unfiltered gets it),
# then the same bytes from catd; print the summary
run() {
    cp "$work/autodbm.conf" "$work/$1.conf"
    [ "$1" != unfiltered ] || echo "nrtm_access_unfiltered = 127.0.0.1" >> "$work/$1.conf"
    "$bin/autodbm-whoisd" -c "$work/$1.conf" -f > "$work/server.log" 2>&1 &
    spid=$!
    i=0
    while ! python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1).close()" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 300 ] || { echo "bench: the server does not start"; cat "$work/server.log"; exit 1; }
        sleep 0.1
    done
    echo "bench: nrtm: -g TEST:3:1-LAST from autodbm-whoisd ($1 mirror)"
    "$tools/nrtmread" "$PORT" "-g TEST:3:1-LAST" "$work/stream" > "$work/server.res"
    read -r sbytes ssecs < "$work/server.res"
    hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$spid/status")
    anon=$(sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$spid/status")
    units=$(grep -c '^\(ADD\|DEL\) [0-9]*$' "$work/stream" || true)
    tail -n 2 "$work/stream" | head -n 1 | grep -qx '%END TEST' || { echo "bench: the stream has no %END"; exit 1; }
    kill "$spid"; wait "$spid" 2>/dev/null || true; spid=
    echo "bench: nrtm: the same bytes through catd"
    rm -f "$work/catd.port"
    "$tools/catd" "$work/catd.port" "$work/stream" &
    cpid=$!
    i=0
    while [ ! -s "$work/catd.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    CPORT=$(cat "$work/catd.port")
    "$tools/nrtmread" "$CPORT" "-g TEST:3:1-LAST" > "$work/cat.res"
    read -r cbytes csecs < "$work/cat.res"
    kill "$cpid"; wait "$cpid" 2>/dev/null || true; cpid=
    [ "$cbytes" = "$sbytes" ] || echo "bench: catd sent $cbytes bytes, the server $sbytes"
    awk -v mode="$1" -v n="$N" -v units="$units" -v sb="$sbytes" -v ss="$ssecs" -v cs="$csecs" \
        -v hwm="$hwm" -v anon="$anon" 'BEGIN {
    srate = ss > 0 ? n / ss : 0
    crate = cs > 0 ? n / cs : 0
    ratio = crate > 0 ? srate / crate : 0
    smb = ss > 0 ? sb / 1048576 / ss : 0
    cmb = cs > 0 ? sb / 1048576 / cs : 0
    printf "\n%-40s %14s %12s %6s\n", "NRTM " mode " (entries=" n ")", "measured", "target", ""
    printf "%-40s %14d %12s\n", "units sent (the rest filtered out)", units, ""
    printf "%-40s %14.1f %12s\n", "stream MB", sb / 1048576, ""
    printf "%-40s %14.3f %12s\n", "autodbm-whoisd seconds", ss, ""
    printf "%-40s %14.0f %12s\n", "autodbm-whoisd journal entries/s", srate, ""
    printf "%-40s %14.1f %12s\n", "autodbm-whoisd MB/s", smb, ""
    printf "%-40s %14.3f %12s\n", "catd seconds (same bytes)", cs, ""
    printf "%-40s %14.1f %12s\n", "catd MB/s", cmb, ""
    printf "%-40s %13.0f%% %12s %6s\n", "server rate / catd rate", ratio * 100,
           ">= 50%", (ratio >= 0.5 ? "PASS" : "MISS")
    printf "%-40s %14.1f %12s\n", "server VmHWM MiB (with the map read)", hwm / 1024, ""
    printf "%-40s %14.1f %12s\n", "server RssAnon MiB after it (the heap)", anon / 1024, ""
}'
}
run public
run unfiltered
