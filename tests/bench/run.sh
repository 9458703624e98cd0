#!/bin/sh
# run.sh - the benchmark run behind `make bench` (see README).
#
#   sh run.sh N Q
#
# Generates N objects, times autodbm-load into a fresh store (wall time,
# objects/s, peak RSS), times mdb_load of N records of the same sizes,
# times Q look-ups of each kind with qbench, and prints a summary with
# PASS/MISS against the targets.  A miss is reported, not an error.
# The generated dump and the stores (about 2.5 GB for N=1,000,000) are
# removed at the end unless KEEP=1.
set -eu
N=${1:-1000000}
Q=${2:-5000}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$here/work
bin=$top/bin

for p in "$bin/autodbm-load" "$work/gen" "$work/timeit" "$work/qbench"; do
    [ -x "$p" ] || { echo "bench: $p is missing (make bench builds it)" >&2; exit 1; }
done
command -v mdb_load >/dev/null 2>&1 || { echo "bench: mdb_load missing (lmdb-utils)" >&2; exit 1; }

rm -rf "$work/db" "$work/mdb" "$work/registry.db" "$work/registry.mdb" "$work/outbox"
mkdir -p "$work/mdb"
cat > "$work/autodbm.conf" <<CONF
# written by tests/bench/run.sh
source = TEST
database = db
robot_address = auto-dbm@bench.invalid
delivery = maildir
outbox = outbox
gnupg_home = gnupg
archive = archive
CONF

echo "bench: generating $N objects"
"$work/timeit" "$work/gen.res" "$work/gen" -n "$N" -q "$work/samples.txt" \
    > "$work/registry.db"
echo "bench: $(wc -c < "$work/registry.db") bytes of RPSL in $(cut -d' ' -f1 "$work/gen.res") s"

echo "bench: autodbm-load --non-strict"
set +e
"$work/timeit" "$work/load.res" "$bin/autodbm-load" -c "$work/autodbm.conf" \
    --non-strict "$work/registry.db" > "$work/load.out" 2> "$work/load.err"
set -e
tail -n 1 "$work/load.err" "$work/load.out" 2>/dev/null | grep -v '^==>' | grep . || true
read -r load_s load_rss load_rc < "$work/load.res"
if [ "$load_rc" != 0 ]; then
    echo "bench: autodbm-load exited $load_rc; first messages:"
    head -n 5 "$work/load.err"
fi
db_bytes=$(du -sk "$work/db" | cut -f1)

echo "bench: mdb_load of $N records of the same sizes"
"$work/gen" -n "$N" -f mdb > "$work/registry.mdb"
"$work/timeit" "$work/mdb.res" mdb_load -f "$work/registry.mdb" "$work/mdb"
read -r mdb_s mdb_rss mdb_rc < "$work/mdb.res"
rm -f "$work/registry.mdb"
[ "$mdb_rc" = 0 ] || echo "bench: mdb_load exited $mdb_rc"

echo "bench: queries ($Q of each kind)"
"$work/qbench" "$work/db" "$work/samples.txt" "$Q" | tee "$work/query.out"
worst=$(sed -n 's/^qbench: worst p99 \([0-9.]*\) us$/\1/p' "$work/query.out")

awk -v n="$N" -v ls="$load_s" -v lrss="$load_rss" -v ms="$mdb_s" \
    -v mrss="$mdb_rss" -v worst="${worst:-}" -v dbk="$db_bytes" 'BEGIN {
    rate = ls > 0 ? n / ls : 0
    ratio = ms > 0 ? ls / ms : 0
    printf "\n%-34s %14s %12s %6s\n", "summary (N=" n ")", "measured", "target", ""
    printf "%-34s %14.3f %12s\n", "autodbm-load wall seconds", ls, ""
    printf "%-34s %14.0f %12s %6s\n", "load objects/s", rate, ">= 200000",
           (rate >= 200000 ? "PASS" : "MISS")
    printf "%-34s %14.3f %12s\n", "mdb_load wall seconds", ms, ""
    printf "%-34s %14.2f %12s %6s\n", "load time / mdb_load time", ratio,
           "<= 3", (ratio <= 3 ? "PASS" : "MISS")
    printf "%-34s %14.1f %12s\n", "loader peak RSS MiB", lrss / 1024, ""
    printf "%-34s %14.1f %12s\n", "mdb_load peak RSS MiB", mrss / 1024, ""
    printf "%-34s %14.1f %12s\n", "store size on disk MiB", dbk / 1024, ""
    if (worst == "")
        printf "%-34s %14s %12s %6s\n", "worst query p99 us", "-", "< 1000", "MISS"
    else
        printf "%-34s %14.1f %12s %6s\n", "worst query p99 us", worst,
               "< 1000", (worst < 1000 ? "PASS" : "MISS")
}'

if [ "${KEEP:-0}" != 1 ]; then
    rm -rf "$work/db" "$work/mdb" "$work/registry.db" "$work/outbox"
fi
