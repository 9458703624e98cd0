#!/bin/sh
# mirror.sh - the NRTM client benchmark behind `make bench` (README):
# autodbm-mirror --once applying an NRTM v3 stream of N ADDs (the
# objects of gen.c, serials 1..N) served from a file through a loopback
# socket by tests/tools/nrtmfake.py (sendfile), into an empty mirrored
# source.  Reports entries/s (goal >= 100,000) and the client's peak RSS,
# and checks that the source holds the objects and is at serial N.
#
#   sh mirror.sh N
set -eu
N=${1:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$here/work/mirror
bin=$top/bin
for p in "$bin/autodbm-mirror" "$here/work/gen" "$here/work/timeit"; do
    [ -x "$p" ] || { echo "bench: $p is missing (make bench builds it)" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$work"
fake_pid=
trap '[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; [ "${KEEP:-0}" = 1 ] || rm -rf "$work"' EXIT

echo "bench: mirror: an NRTM stream of $N ADDs"
"$here/work/gen" -n "$N" | awk -v n="$N" '
    BEGIN { RS = ""; ORS = ""; print "%START Version: 3 TEST 1-" n "\n\n" }
    { k++; print "ADD " k "\n\n" $0 "\n\n" }
    END { print "%END TEST\n\n"; if (k != n) exit 1 }' > "$work/stream"
echo "bench: mirror: $(wc -c < "$work/stream") bytes"

python3 "$top/tests/tools/nrtmfake.py" "$work/port" "$work/requests" "$work/stream" &
fake_pid=$!
i=0
while [ ! -s "$work/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
cat > "$work/autodbm.conf" <<CONF
# written by tests/bench/mirror.sh
source = TEST
database = db
robot_address = auto-dbm@bench.invalid
delivery = maildir
outbox = outbox
mirror = BENCH 127.0.0.1:$(cat "$work/port") TEST
mirror_read_timeout = 60
CONF
set +e
export AUTODBM_LOG_STDERR=1
"$here/work/timeit" "$work/mirror.res" "$bin/autodbm-mirror" -c "$work/autodbm.conf" --once \
    > "$work/mirror.log" 2>&1
set -e
read -r secs rss rc < "$work/mirror.res"
tail -n 1 "$work/mirror.log"
serial=$(grep -o 'end=complete serial=[0-9]*' "$work/mirror.log" | sed 's/.*serial=//')
rate=$(awk -v n="$N" -v s="$secs" 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }')
verdict=MISS
[ "$rc" = 0 ] && [ "$serial" = "$N" ] && [ "$rate" -ge 100000 ] && verdict=PASS
echo "bench: mirror: $N entries in $secs s: $rate entries/s (goal >= 100000) $verdict;" \
     "peak RSS $((rss / 1024)) MB; exit $rc; serial ${serial:-none}"
