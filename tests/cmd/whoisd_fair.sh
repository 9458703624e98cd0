#!/bin/sh
# whoisd_fair.sh - one heavy client must not stall the others: while a
# few connections send set expansions ("!a") of thousands of ASNs
# and routes again and again, a control client's exact-key queries ("!m",
# RIPE-style "-r") are answered promptly (tests/whois/fair.py).  The
# bound is relative to the time H of one heavy query alone: the median
# control answer within H / 4 (a server computing the heavy answers in
# its event loop makes the control wait for the computation under way,
# some H / 2 on average and more), every one within 10 s.
#
# Run by tests/run-check with AUTODBM_BIN and AUTODBM_SRCDIR; prints
# "ok N NAME" / "not ok N NAME".
. "$(dirname "$0")/whoisd.inc"

# a registry of the fixture plus AS-HEAVY: 4,000 ASNs with 20 routes
# each
mkdir -p "$T/s"
cp "$W/fixture.rpsl" "$T/heavy.rpsl"
awk 'BEGIN {
    printf "\nas-set:         AS-HEAVY\n"
    for (l = 0; l < 40; l++) {
        printf "members:        "
        for (k = 0; k < 100; k++)
            printf "%sAS%d", (k ? ", " : ""), 100000 + l * 100 + k
        printf "\n"
    }
    printf "tech-c:         EX1-TEST\nadmin-c:        EX1-TEST\nmnt-by:         EX-MNT\nsource:         TEST\n\n"
    for (i = 0; i < 80000; i++)
        printf "route:          %d.%d.%d.0/24\norigin:         AS%d\nmnt-by:         EX-MNT\nsource:         TEST\n\n",
               11 + int(i / 65536), int(i / 256) % 256, i % 256, 100000 + i % 4000
}' >> "$T/heavy.rpsl"
port=$(free_port)
maildir_conf "$T/s/autodbm.conf" "whois_listen = 127.0.0.1:$port" \
    "whois_max_connections_per_address = 20"
check "load 4,000 ASNs and 80,000 routes" sh -c "'$BIN/autodbm-load' -c '$T/s/autodbm.conf' '$T/heavy.rpsl' >'$T/load.out' 2>&1 || { tail -n 5 '$T/load.out'; false; }"
rm -f "$T/heavy.rpsl"
start "$T/s"
S=$pid
wait_port "$port"

# fair HEAVY: 4 connections sending HEAVY for 6 s, the control client
# its exact-key queries
fair() {
    timeout 150 python3 "$W/fair.py" "$port" "$1" 4 6 '!mAUT-NUM,AS13335' \
        '!mROUTE,193.0.0.0/21AS3333' '-r AS13335' > "$T/fair" || { cat "$T/fair"; return 1; }
    read -r h med max nc nh < "$T/fair"
    echo "one heavy alone ${h}s; control answers: median ${med}s, max ${max}s ($nc; $nh heavy answers)"
    awk -v h="$h" -v med="$med" -v max="$max" 'BEGIN { exit !(med < h / 4 && max < 10) }'
}
check "!a of 80,000 routes from 4 connections: control queries answered promptly" fair '!aAS-HEAVY'
sed 's/^/# H, median, max, controls, heavies: /' "$T/fair"
check "the server runs" alive "$S" "$T/s"
stop "$S"
check "SIGTERM: exits 0" test "$stop_rc" = 0
