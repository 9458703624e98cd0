#!/bin/sh
# propagate.sh - the propagation benchmark behind `make bench` (README):
# registry A (the robot, autodbm-whoisd serving NRTM) and registry B
# (autodbm-mirror -k following A's TEST as AMIRROR) on loopback.  M mails
# (default 100) each create one as-set at A; for each, the time from the
# robot's exit (its commit is done) until autodbm-query on B finds the
# object in AMIRROR.  Reports p50, p99 and the worst (goal: p99 < 1 s;
# RIPE's own server polls every 15 s).  The wait per mail is bounded
# (20 s, counted as a miss).
#
#   sh propagate.sh M
set -eu
M=${1:-100}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$here/work/propagate
bin=$top/bin
for p in autodbm autodbm-load autodbm-whoisd autodbm-mirror autodbm-query; do
    [ -x "$bin/$p" ] || { echo "bench: $bin/$p is missing (make bench builds it)" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$work/a" "$work/b"
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; [ "${KEEP:-0}" = 1 ] || rm -rf "$work"' EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {
    i=0
    while [ $i -lt 300 ]; do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1).close()" 2>/dev/null && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
QPORT=$(free_port)
NPORT=$(free_port)
while [ "$NPORT" = "$QPORT" ]; do NPORT=$(free_port); done
common="source = TEST
database = db
robot_address = auto-dbm@bench.invalid
delivery = maildir
outbox = outbox
archive = none"
printf '%s\n' "$common" "whois_listen = 127.0.0.1:$QPORT" "nrtm_listen = 127.0.0.1:$NPORT" \
    "nrtm_access = 127.0.0.1" "hierarchical_as_sets = no" > "$work/a/autodbm.conf"
printf '%s\n' "$common" "mirror = AMIRROR 127.0.0.1:$NPORT TEST" > "$work/b/autodbm.conf"
cat > "$work/fixture.rpsl" <<'EOF'
person:         Bench Person
address:        Street 3
phone:          +31 20 000 0001
e-mail:         bp@bench.invalid
nic-hdl:        BP1-TEST
mnt-by:         BX-MNT
source:         TEST

mntner:         BX-MNT
admin-c:        BP1-TEST
upd-to:         bx@bench.invalid
auth:           MD5-PW $1$txsaltxx$ewaMfXWvAb3W5ALF54INR0
mnt-by:         BX-MNT
source:         TEST
EOF
"$bin/autodbm-load" -q -c "$work/a/autodbm.conf" "$work/fixture.rpsl" >/dev/null
AUTODBM_LOG_STDERR=1 "$bin/autodbm-whoisd" -c "$work/a/autodbm.conf" -f > "$work/a/whoisd.log" 2>&1 &
pids="$pids $!"
wait_port "$NPORT" || { echo "bench: propagate: A's NRTM server did not start" >&2; exit 1; }
AUTODBM_LOG_STDERR=1 "$bin/autodbm-mirror" -c "$work/b/autodbm.conf" -f > "$work/b/mirror.log" 2>&1 &
pids="$pids $!"
# B has caught up when it finds A's mntner
i=0
until "$bin/autodbm-query" -c "$work/b/autodbm.conf" -s AMIRROR -r BX-MNT >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 300 ] || { echo "bench: propagate: B never caught up" >&2; exit 1; }
    sleep 0.1
done

echo "bench: propagate: $M mails to A, each an as-set; time from A's commit to B's answer"
ns() { date +%s%N; }
: > "$work/times"
k=1
while [ $k -le "$M" ]; do
    printf 'From: Bx <bx@bench.invalid>\nTo: auto-dbm@bench.invalid\nMessage-ID: <prop-%s@bench.invalid>\n\nas-set: AS-PROP%s\nmembers: AS65001\nadmin-c: BP1-TEST\ntech-c: BP1-TEST\nmnt-by: BX-MNT\nsource: TEST\npassword: tx\n' \
        "$k" "$k" | "$bin/autodbm" -c "$work/a/autodbm.conf" >/dev/null 2>>"$work/robot.err"
    t0=$(ns)
    deadline=$((t0 + 20000000000))
    until "$bin/autodbm-query" -c "$work/b/autodbm.conf" -s AMIRROR -r AS-PROP$k >/dev/null 2>&1; do
        [ "$(ns)" -lt "$deadline" ] || break
    done
    t1=$(ns)
    echo $(((t1 - t0) / 1000)) >> "$work/times"
    k=$((k + 1))
done
sort -n "$work/times" | awk -v m="$M" '
    { v[NR] = $1 }
    END {
        p50 = v[int((NR - 1) * 0.50) + 1]; p99 = v[int((NR - 1) * 0.99) + 1]
        verdict = (NR == m && p99 < 1000000) ? "PASS" : "MISS"
        printf "bench: propagate: %d mails: p50 %.1f ms, p99 %.1f ms, worst %.1f ms (goal p99 < 1000 ms) %s\n",
            NR, p50 / 1000, p99 / 1000, v[NR] / 1000, verdict
    }'
