#!/bin/sh
# sync.sh - timings of syncupdates (bin/autodbm-syncupdates) behind
# lighttpd, run by `make bench` after robot.sh (or alone: make -C
# tests/bench sync).
#
#   sh sync.sh [RUNS [CLIENTS [EACH]]]
#
# The demo registry (DEMO-MNT, password "demo") in a fresh store, maildir
# delivery; lighttpd with the recipe contrib/www/lighttpd.conf on a free
# loopback port.  Then:
#
#   (a) RUNS (default 50) one-object password updates (a modify of person
#       AUTO-1's successor, each with another remarks: line) posted with
#       curl, timed by curl from the request to the last byte of the
#       response (the update committed, the notifications queued); and,
#       in the same run and store, the same update by mail through the
#       robot, timed by timeit (from its start to its exit, delivery
#       included).  Goal: the median through lighttpd + CGI within 1.5x
#       of the robot's median;
#   (b) CLIENTS (default 8) clients posting EACH (default 25) creations
#       at once: updates per second (all of them over the wall time) and
#       the p99 latency of a request.
#
# Every request must answer 200 with SUCCEEDED; otherwise the script
# fails.  Prints a summary with PASS/MISS for the goal (a miss does not
# fail).  Everything goes to work/sync/, removed at the end unless KEEP=1.
set -eu
RUNS=${1:-50}
CLIENTS=${2:-8}
EACH=${3:-25}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${AUTODBM_BIN:-$top/bin}
work=$here/work/sync
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
for p in "$bin/autodbm" "$bin/autodbm-syncupdates" "$bin/autodbm-load" "$here/work/timeit" \
         "$LIGHTTPD"; do
    [ -x "$p" ] || { echo "bench: $p is missing (make bench builds it; lighttpd: contrib/install-deps)" >&2; exit 1; }
done
command -v curl >/dev/null 2>&1 || { echo "bench: curl is missing" >&2; exit 1; }
timeit=$here/work/timeit
rm -rf "$work"
mkdir -p "$work/htdocs"
httpd=
trap '[ -n "$httpd" ] && kill "$httpd" 2>/dev/null; [ "${KEEP:-0}" = 1 ] || rm -rf "$work"' EXIT
conf=$work/autodbm.conf
printf '%s\n' "# written by tests/bench/sync.sh" "source = TEST" "database = db" \
    "robot_address = auto-dbm@bench.invalid" "delivery = maildir" "outbox = outbox" \
    "gnupg_home = gnupg" "archive = archive" > "$conf"
"$bin/autodbm-load" -c "$conf" -q "$top/conf/demo/registry.rpsl" > /dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moddir=$(dirname "$(find /usr/lib -name mod_cgi.so 2>/dev/null | head -1)")
sed -e "s|/usr/local/sbin/autodbm-syncupdates|$bin/autodbm-syncupdates|" \
    -e "s|/usr/local/etc/autodbm/autodbm.conf|$conf|" \
    "$top/contrib/www/lighttpd.conf" > "$work/recipe.conf"
printf '%s\n' "server.document-root = \"$work/htdocs\"" "server.bind = \"127.0.0.1\"" \
    "server.port = $port" "server.modules = ( \"mod_alias\" )" \
    "server.modules-path = \"$moddir\"" "server.errorlog = \"$work/error.log\"" \
    "include \"$work/recipe.conf\"" > "$work/lighttpd.conf"
"$LIGHTTPD" -D -f "$work/lighttpd.conf" > "$work/lighttpd.out" 2>&1 &
httpd=$!
url=http://127.0.0.1:$port/syncupdates
i=0
until curl -s -o /dev/null "$url?HELP=yes"; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "bench: lighttpd does not answer" >&2; exit 1; }
    sleep 0.1
done

# person I NIC: a person maintained by DEMO-MNT with the password
person() {
    printf 'person:  Bench Person\naddress: Bench Street 1\nphone:   +31 20 000 0000\n'
    printf 'e-mail:  bench@example.net\nremarks: run %s\nnic-hdl: %s\nmnt-by:  DEMO-MNT\nsource:  TEST\npassword: demo\n' "$1" "$2"
}
# post FILE: time one request (seconds); fails without 200 and SUCCEEDED
post() {
    t=$(curl -sS -o "$work/resp" -w '%{http_code} %{time_total}' --data-urlencode DATA@"$1" "$url")
    case $t in 200\ *) ;; *) echo "bench: HTTP $t for $1" >&2; exit 1 ;; esac
    grep -q 'SUCCEEDED' "$work/resp" || { echo "bench: no SUCCEEDED for $1" >&2; head -40 "$work/resp" >&2; exit 1; }
    echo "${t#* }"
}
# median FILE: the median of the numbers in FILE, one a line
median() { sort -n "$1" | awk '{ t[NR] = $1 } END { print NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'; }

echo "sync bench: (a) $RUNS one-object updates through lighttpd + CGI, and by mail"
person 0 BP1-TEST > "$work/p.txt"
post "$work/p.txt" > /dev/null              # the object exists from here on
: > "$work/a-sync"; : > "$work/a-robot"
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    person "sync $i" BP1-TEST > "$work/p.txt"
    post "$work/p.txt" >> "$work/a-sync"
    { printf 'From: Bench <bench@example.net>\nTo: auto-dbm@bench.invalid\nSubject:\n'
      printf 'Message-ID: <sync-bench-%s.%s@bench.invalid>\n\n' $i $$
      person "mail $i" BP1-TEST; } > "$work/m.txt"
    "$timeit" "$work/one.res" "$bin/autodbm" -c "$conf" < "$work/m.txt" > /dev/null 2>&1 || {
        echo "bench: the robot failed" >&2; exit 1; }
    read -r s rss rc < "$work/one.res"
    echo "$s" >> "$work/a-robot"
done
a_sync=$(median "$work/a-sync")
a_robot=$(median "$work/a-robot")

echo "sync bench: (b) $CLIENTS clients x $EACH creations at once"
t0=$(date +%s.%N)
pids=
c=0
while [ $c -lt "$CLIENTS" ]; do
    c=$((c + 1))
    ( k=0
      while [ $k -lt "$EACH" ]; do
          k=$((k + 1))
          person "client $c" "BC$c$(printf %03d $k)-TEST" > "$work/c$c.txt"
          t=$(curl -sS -o "$work/c$c.resp" -w '%{http_code} %{time_total}' --data-urlencode DATA@"$work/c$c.txt" "$url")
          echo "$t" >> "$work/b-$c"
          grep -q 'Create SUCCEEDED' "$work/c$c.resp" || echo "FAILED" >> "$work/b-$c"
      done ) &
    pids="$pids $!"
done
wait $pids
t1=$(date +%s.%N)
cat "$work"/b-* > "$work/b-all"
if grep -qv '^200 ' "$work/b-all"; then
    echo "bench: a concurrent request failed:" >&2; grep -v '^200 ' "$work/b-all" | head -5 >&2; exit 1
fi
total=$(wc -l < "$work/b-all")
b_rate=$(awk -v n="$total" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')
b_p99=$(awk '{ print $2 }' "$work/b-all" | sort -n | awk '{ t[NR] = $1 } END { print t[int(NR * 0.99 + 0.999)] }')
b_med=$(awk '{ print $2 }' "$work/b-all" > "$work/b-t"; median "$work/b-t")

awk -v runs="$RUNS" -v as="$a_sync" -v ar="$a_robot" -v cl="$CLIENTS" -v n="$total" \
    -v rate="$b_rate" -v p99="$b_p99" -v bm="$b_med" 'BEGIN {
    printf "\n%-46s %12s %12s %6s\n", "syncupdates summary (demo registry)", "measured", "target", ""
    printf "%-46s %12.1f %12s\n", "(a) 1 object via lighttpd+CGI, median ms of " runs, as * 1000, ""
    printf "%-46s %12.1f %12s\n", "(a) the same by mail (robot), median ms", ar * 1000, ""
    printf "%-46s %12.2f %12s %6s\n", "(a) ratio sync / robot", as / ar, "<= 1.5",
           (as / ar <= 1.5 ? "PASS" : "MISS")
    printf "%-46s %12.1f %12s\n", "(b) " cl " clients, updates/s (" n " updates)", rate, ""
    printf "%-46s %12.1f %12s\n", "(b) median latency ms", bm * 1000, ""
    printf "%-46s %12.1f %12s\n", "(b) p99 latency ms", p99 * 1000, ""
}'
kill "$httpd" 2>/dev/null; wait "$httpd" 2>/dev/null; httpd=
