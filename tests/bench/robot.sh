#!/bin/sh
# robot.sh - timings of the mail robot (bin/autodbm), run by `make bench`
# after run.sh (or alone: make -C tests/bench robot).
#
#   sh robot.sh [PRELOAD [RUNS]]
#
# A store is preloaded with PRELOAD generated objects (default 5,000, by
# gen and autodbm-load --non-strict) plus the demo registry (DEMO-MNT,
# password "demo").  Then, with maildir delivery, each run timed by
# timeit from the robot's start to its exit (the mail processed, the ack
# and notifications committed to the queue and delivered into the
# outbox; wall time and peak RSS from wait4):
#
#   (a) a one-object mail (a person, AUTO-1, password): RUNS runs
#       (default 50), each a fresh Message-ID; median, p90, max
#   (b) a 1,000-object mail (1,000 persons with AUTO-n): median of 3
#   (c) 10 MB mails (issue 3: < 2 s, peak RSS < 64 MB), two shapes,
#       median of 3 and peak RSS each:
#       (c1) 1,000 new aut-nums of about 10 KB each (176 import/export
#            lines), under the default limits (max_mail_size 10M,
#            max_objects 1000, max_object_size 1M);
#       (c2) one modify of aut-num AS64500 with 190,000 import/export
#            lines (10 MB), with max_object_size and max_mail_size
#            raised to 16M in a second configuration (beyond what the
#            default limits accept: shown, not a pass/fail figure);
#       (c3) 10 new aut-nums of about 1 MB each (the biggest objects the
#            default max_object_size takes), default limits
#
# Every run must exit 0 with a SUCCESS ack; otherwise the script fails.
# Prints a summary with PASS/MISS per target (a miss does not fail).
# Everything goes to work/robot/, removed at the end unless KEEP=1.
set -eu
PRELOAD=${1:-5000}
RUNS=${2:-50}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${AUTODBM_BIN:-$top/bin}
work=$here/work/robot
for p in "$bin/autodbm" "$bin/autodbm-load" "$here/work/gen" "$here/work/timeit"; do
    [ -x "$p" ] || { echo "bench: $p is missing (make bench builds it)" >&2; exit 1; }
done
timeit=$here/work/timeit
rm -rf "$work"
mkdir -p "$work"
conf=$work/autodbm.conf
cat > "$conf" <<CONF
# written by tests/bench/robot.sh
source = TEST
database = db
robot_address = auto-dbm@bench.invalid
delivery = maildir
outbox = outbox
gnupg_home = gnupg
archive = archive
CONF
conf2=$work/autodbm-big.conf
{ cat "$conf"; printf 'max_object_size = 16M\nmax_mail_size = 16M\n'; } > "$conf2"

echo "robot bench: preloading $PRELOAD generated objects and the demo registry"
"$here/work/gen" -n "$PRELOAD" > "$work/preload.db" 2>/dev/null
"$bin/autodbm-load" -c "$conf" -q --non-strict "$work/preload.db" > /dev/null
"$bin/autodbm-load" -c "$conf" -q "$top/conf/demo/registry.rpsl" > /dev/null
# the (c) shapes create aut-nums AS42000xxxxx: an aut-num needs a covering
# as-block
cat > "$work/as-block.rpsl" <<'EOF'
as-block:       AS4200000000 - AS4294967294
descr:          Private 32-bit AS numbers, for the bench
mnt-by:         DEMO-MNT
mnt-lower:      DEMO-MNT
source:         TEST
EOF
"$bin/autodbm-load" -c "$conf" -q "$work/as-block.rpsl" > /dev/null
rm -f "$work/preload.db" "$work/as-block.rpsl"

# mail_head ID: the header of a bench mail
mail_head() {
    printf 'From: Bench Sender <bench@example.net>\nTo: auto-dbm@bench.invalid\n'
    printf 'Subject: bench %s\nDate: Thu, 01 Jan 2026 11:59:00 +0000\n' "$1"
    printf 'Message-ID: <%s@bench.invalid>\nMIME-Version: 1.0\n' "$1"
    printf 'Content-Type: text/plain; charset=us-ascii\n\npassword: demo\n\n'
}

# run_one MAIL [CONF]: time the robot on MAIL; appends "SECONDS RSS_KB" to $res.
# Fails unless it exits 0 and its ack says SUCCESS.
run_one() {
    rm -rf "$work/outbox"
    set +e
    "$timeit" "$work/one.res" "$bin/autodbm" -c "${2:-$conf}" < "$1" > "$work/robot.out" 2> "$work/robot.err"
    set -e
    read -r s rss rc < "$work/one.res"
    if [ "$rc" != 0 ]; then
        echo "robot bench: autodbm exited $rc on $1:" >&2
        head -n 5 "$work/robot.err" >&2
        exit 1
    fi
    ack=$(grep -l '^Auto-Submitted: auto-replied' "$work"/outbox/new/* 2>/dev/null | head -n 1)
    if [ -z "$ack" ] || ! grep -q '^Subject: SUCCESS' "$ack"; then
        echo "robot bench: no SUCCESS ack for $1:" >&2
        [ -n "$ack" ] && grep -m 5 -A 3 '^\*\*\*Error' "$ack" >&2
        exit 1
    fi
    echo "$s $rss" >> "$res"
}

# stats FILE: "median p90 max max_rss" of the runs in FILE
stats() {
    sort -n "$1" | awk '{ t[NR] = $1; if ($2 > r) r = $2 }
        END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
              p = t[int(NR * 0.9 + 0.999)]
              printf "%.4f %.4f %.4f %d\n", m, p, t[NR], r }'
}

# (a) one object
echo "robot bench: (a) $RUNS one-object mails"
res=$work/a.res
: > "$res"
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    { mail_head "a$i.$$"
      printf 'person:  Bench Person %d\naddress: Bench Street %d\nphone:   +31 20 000 %04d\n' $i $i $i
      printf 'e-mail:  bench%d@example.net\nnic-hdl: AUTO-1\nmnt-by:  DEMO-MNT\nsource:  TEST\n' $i
    } > "$work/a.mail"
    run_one "$work/a.mail"
done
read -r a_med a_p90 a_max a_rss <<EOF
$(stats "$res")
EOF

# measure NAME GEN [CONF]: three mails, each mail_head plus what the shell
# function GEN writes for run R (1-3), through the robot; leaves
# "median p90 max max_rss bytes" in $work/NAME.sum
measure() {
    res=$work/$1.res
    : > "$res"
    for r in 1 2 3; do
        { mail_head "$1$r.$$"; "$2" $r; } > "$work/$1.mail"
        run_one "$work/$1.mail" "${3:-$conf}"
    done
    echo "$(stats "$res") $(wc -c < "$work/$1.mail")" > "$work/$1.sum"
}

# (b) 1,000 objects
gen_b() {
    awk -v r=$1 'BEGIN { for (i = 1; i <= 1000; i++) {
        printf "person:  Bulk Person %d %d\naddress: Bulk Street %d\n", r, i, i
        printf "phone:   +31 20 %03d %04d\ne-mail:  bulk%d.%d@example.net\n", r, i, r, i
        printf "nic-hdl: AUTO-%d\nmnt-by:  DEMO-MNT\nsource:  TEST\n\n", i } }'
}
echo "robot bench: (b) 3 mails of 1,000 objects"
measure b gen_b
read -r b_med b_p90 b_max b_rss b_bytes < "$work/b.sum"

# (c1) 10 MB as 1,000 aut-nums of 10 KB, under the default limits
gen_c1() {
    awk -v r=$1 'BEGIN { for (o = 0; o < 1000; o++) {
        # AS4200rrrooo: written as text, mawk printf %d stops at 2^31-1
        printf "aut-num:        AS4200%03d%03d\nas-name:        BULK-AS%d\ndescr:          bench run %d\n", r, o, o, r
        for (i = 0; i < 88; i++) {
            a = 64512 + i
            printf "import:         from AS%d accept AS%d:AS-CUST%d\n", a, a, o
            printf "export:         to AS%d announce AS64500:AS-CUST%d\n", a, o }
        printf "admin-c:        DA1-TEST\ntech-c:         DN1-TEST\nmnt-by:         DEMO-MNT\nsource:         TEST\n\n" } }'
}
echo "robot bench: (c1) 3 mails of 1,000 aut-nums of 10 KB"
measure c1 gen_c1
read -r c1_med c1_p90 c1_max c1_rss c1_bytes < "$work/c1.sum"

# (c2) 10 MB: aut-num AS64500 with 190,000 policy lines, limits raised
gen_c2() {
    printf 'aut-num:        AS64500\nas-name:        DEMO-AS\ndescr:          bench run %d\n' $1
    awk 'BEGIN { for (i = 0; i < 95000; i++) {
        a = 64512 + i % 1000; b = 100 + int(i / 1000)
        printf "import:         from AS%d accept AS%d:AS-CUST%d\n", a, a, b
        printf "export:         to AS%d announce AS64500:AS-CUST%d\n", a, b } }'
    printf 'admin-c:        DA1-TEST\ntech-c:         DN1-TEST\nmnt-by:         DEMO-MNT\nsource:         TEST\n'
}
echo "robot bench: (c2) 3 mails of 10 MB (one aut-num)"
measure c2 gen_c2 "$conf2"
read -r c_med c_p90 c_max c_rss c_bytes < "$work/c2.sum"

# (c3) 10 MB as 10 aut-nums of 1 MB, under the default limits
gen_c3() {
    awk -v r=$1 'BEGIN { for (o = 0; o < 10; o++) {
        printf "aut-num:        AS4201%03d%03d\nas-name:        BIG-AS%d\ndescr:          bench run %d\n", r, o, o, r
        for (i = 0; i < 9400; i++) {
            a = 64512 + i % 1000; b = 100 + int(i / 1000)
            printf "import:         from AS%d accept AS%d:AS-CUST%d\n", a, a, b
            printf "export:         to AS%d announce AS64500:AS-CUST%d\n", a, b }
        printf "admin-c:        DA1-TEST\ntech-c:         DN1-TEST\nmnt-by:         DEMO-MNT\nsource:         TEST\n\n" } }'
}
echo "robot bench: (c3) 3 mails of 10 aut-nums of 1 MB"
measure c3 gen_c3
read -r c3_med c3_p90 c3_max c3_rss c3_bytes < "$work/c3.sum"

awk -v pre="$PRELOAD" -v runs="$RUNS" \
    -v am="$a_med" -v ap="$a_p90" -v ax="$a_max" -v ar="$a_rss" \
    -v bm="$b_med" -v bx="$b_max" -v br="$b_rss" -v bb="$b_bytes" \
    -v c1m="$c1_med" -v c1x="$c1_max" -v c1r="$c1_rss" -v c1b="$c1_bytes" \
    -v cm="$c_med" -v cx="$c_max" -v cr="$c_rss" -v cb="$c_bytes" \
    -v c3m="$c3_med" -v c3x="$c3_max" -v c3r="$c3_rss" -v c3b="$c3_bytes" 'BEGIN {
    printf "\n%-40s %12s %12s %6s\n", "robot summary (store: " pre "+10 objects)", "measured", "target", ""
    printf "%-40s %12.1f %12s %6s\n", "(a) 1 object, median ms of " runs, am * 1000, "< 15",
           (am * 1000 < 15 ? "PASS" : "MISS")
    printf "%-40s %12.1f %12s\n", "(a) 1 object, p90 ms", ap * 1000, ""
    printf "%-40s %12.1f %12s\n", "(a) 1 object, max ms", ax * 1000, ""
    printf "%-40s %12.1f %12s\n", "(a) peak RSS MiB", ar / 1024, ""
    printf "%-40s %12.3f %12s %6s\n", "(b) 1,000 objects (" int(bb / 1024) " KiB), median s", bm,
           "< 0.5", (bm < 0.5 ? "PASS" : "MISS")
    printf "%-40s %12.3f %12s\n", "(b) max s of 3", bx, ""
    printf "%-40s %12.1f %12s\n", "(b) peak RSS MiB", br / 1024, ""
    printf "%-40s %12.3f %12s %6s\n", "(c1) " sprintf("%.1f", c1b / 1048576) " MiB 1,000 aut-nums, median s", c1m,
           "< 2", (c1m < 2 ? "PASS" : "MISS")
    printf "%-40s %12.3f %12s\n", "(c1) max s of 3", c1x, ""
    printf "%-40s %12.1f %12s %6s\n", "(c1) peak RSS MiB", c1r / 1024, "< 64",
           (c1r / 1024 < 64 ? "PASS" : "MISS")
    printf "%-40s %12.3f %12s %6s\n", "(c2) " sprintf("%.1f", cb / 1048576) " MiB one aut-num, median s", cm,
           "< 2", (cm < 2 ? "PASS" : "MISS")
    printf "%-40s %12.3f %12s\n", "(c2) max s of 3", cx, ""
    printf "%-40s %12.1f %12s %6s\n", "(c2) peak RSS MiB (limits raised)", cr / 1024, "(< 64)",
           (cr / 1024 < 64 ? "pass" : "over")
    printf "%-40s %12.3f %12s %6s\n", "(c3) " sprintf("%.1f", c3b / 1048576) " MiB 10 aut-nums, median s", c3m,
           "< 2", (c3m < 2 ? "PASS" : "MISS")
    printf "%-40s %12.3f %12s\n", "(c3) max s of 3", c3x, ""
    printf "%-40s %12.1f %12s %6s\n", "(c3) peak RSS MiB", c3r / 1024, "< 64",
           (c3r / 1024 < 64 ? "PASS" : "MISS")
}'

if [ "${KEEP:-0}" != 1 ]; then
    rm -rf "$work"
fi
