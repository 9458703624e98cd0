#!/bin/sh
# pgp.sh - timings of signed mail (issue 4), run by `make bench` after
# robot.sh (or alone: make -C tests/bench pgp).
#
#   sh pgp.sh [RUNS]
#
# A store holds BENCH-MNT (auth: PGPKEY- of the test key alice,
# tests/keys/) and alice's key-cert, loaded with autodbm-load (which
# imports the key).  The mails are clearsigned by alice with gpg in batch
# mode from a scratch GnuPG home, at the current time, before any timing;
# each run has its own Message-ID and its own signature (a signature is
# refused the second time: replay detection).
#
#   (a) a one-object signed mail (a person, AUTO-1): RUNS runs (default
#       30) after one warm-up run that is not counted, median; target:
#       robot <= 1.5 x a bare `gpg --verify` of the same signed text.
#       The comparison: same machine, same run, in alternation (robot
#       run i, then gpg --verify of run i's text, against the robot's
#       GnuPG home); each timed the same way, from just before the shell
#       forks it to just after it was reaped, in microseconds
#       (bash's $EPOCHREALTIME; timeit's milliseconds are too coarse for
#       a 5 ms command): the robot from process start to exit, by which
#       the ack is queued (delivery = maildir), gpg from start to exit.
#       For the reading, in the same loop and timed the same way: the
#       same mail without its signature (the robot without any OpenPGP
#       work; refused for want of credentials, so no object is created)
#       and `gpg --version` (what GPGME runs to probe the engine: twice
#       per process that verifies, see src/registry/pgp.c).
#   (b) a 1,000-object signed mail (1,000 persons, AUTO-n): median of 3
#       (timeit); target < 0.5 s
#
# Every signed robot run must exit 0 with a SUCCESS ack.  Prints PASS/MISS
# per target (a miss does not fail).  Work in work/pgp/, removed unless
# KEEP=1.  Needs bash (re-executes itself with it).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
export LC_ALL=C     # $EPOCHREALTIME with a '.'
set -eu
RUNS=${1:-30}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${AUTODBM_BIN:-$top/bin}
work=$here/work/pgp
keys=$top/tests/keys
for p in "$bin/autodbm" "$bin/autodbm-load" "$here/work/timeit"; do
    [ -x "$p" ] || { echo "bench: $p is missing (make bench builds it)" >&2; exit 1; }
done
command -v gpg >/dev/null || { echo "bench: gpg is needed to sign the mails" >&2; exit 1; }
timeit=$here/work/timeit
rm -rf "$work"
mkdir -p "$work/signer"
chmod 700 "$work/signer"
conf=$work/autodbm.conf
cat > "$conf" <<CONF
# written by tests/bench/pgp.sh
source = TEST
database = db
robot_address = auto-dbm@bench.invalid
delivery = maildir
outbox = outbox
gnupg_home = gnupg
archive = archive
CONF
G="gpg --homedir $work/signer --batch --quiet --pinentry-mode loopback --passphrase="
$G --import "$keys/alice.sec.asc" 2>/dev/null
fpr=$($G --with-colons --list-keys alice@example.com | awk -F: '$1 == "fpr" { print $10; exit }')
id8=$(echo "$fpr" | cut -c33-40)
spaced=$(echo "$fpr" | sed 's/\(....\)/\1 /g; s/ $//' |
         awk '{ for (i = 1; i <= 10; i++) printf "%s%s", $i, (i == 5 ? "  " : (i < 10 ? " " : "\n")) }')

{
    printf 'mntner:         BENCH-MNT\nadmin-c:        BP1-TEST\nupd-to:         upd@bench.invalid\n'
    printf 'auth:           PGPKEY-%s\nmnt-by:         BENCH-MNT\nsource:         TEST\n\n' "$id8"
    printf 'person:         Bench Person\naddress:        Street 1\nphone:          +31 20 000 0000\n'
    printf 'nic-hdl:        BP1-TEST\nmnt-by:         BENCH-MNT\nsource:         TEST\n\n'
    printf 'key-cert:       PGPKEY-%s\nmethod:         PGP\nowner:          Alice Example <alice@example.com>\n' "$id8"
    printf 'fingerpr:       %s\n' "$spaced"
    sed 's/^/certif:         /; s/^certif: *$/certif:/' "$keys/alice.pub.asc"
    printf 'mnt-by:         BENCH-MNT\nsource:         TEST\n'
} > "$work/registry.rpsl"
"$bin/autodbm-load" -c "$conf" -q --non-strict "$work/registry.rpsl" > "$work/load.out"

# persons N: N person objects with AUTO-n keys
persons() {
    i=1
    while [ "$i" -le "$1" ]; do
        printf 'person:         Signed Person %d\naddress:        Street %d\n' "$i" "$i"
        printf 'phone:          +31 20 555 %04d\ne-mail:         p%d@bench.invalid\n' "$((i % 10000))" "$i"
        printf 'nic-hdl:        AUTO-%d\n' "$i"
        printf 'mnt-by:         BENCH-MNT\nsource:         TEST\n\n'
        i=$((i + 1))
    done
}
# mail ID SIGNEDFILE: a plain mail carrying the clearsigned text
mail() {
    printf 'From: Bench Sender <bench@example.net>\nTo: auto-dbm@bench.invalid\n'
    printf 'Subject: pgp bench %s\nMessage-ID: <%s@bench.invalid>\nMIME-Version: 1.0\n' "$1" "$1"
    printf 'Content-Type: text/plain; charset=us-ascii\n\n'
    cat "$2"
}

echo "pgp bench: signing $((RUNS + 1)) one-object mails and 3 1,000-object mails"
persons 1 > "$work/one.txt"
persons 1000 > "$work/big.txt"
i=0
while [ "$i" -le "$RUNS" ]; do
    # a different text per run (run 0: the warm-up): a different signature each time
    sed "s/Signed Person 1/Signed Person 1 run $i/" "$work/one.txt" |
        $G --local-user "$fpr" --clearsign > "$work/one-$i.asc"
    mail "one-$i" "$work/one-$i.asc" > "$work/one-$i.mail"
    i=$((i + 1))
done
for i in 1 2 3; do
    sed "s/^address:        Street \(.*\)/address:        Street \1 run $i/" "$work/big.txt" |
        $G --local-user "$fpr" --clearsign > "$work/big-$i.asc"
    mail "big-$i" "$work/big-$i.asc" > "$work/big-$i.mail"
done

ok_run() { # RESULT ACK-MARK: the run exited 0 and the newest ack says SUCCESS
    awk '{ exit $3 != 0 }' "$1" || { echo "bench: the robot failed" >&2; exit 1; }
    ack=$(grep -l '^Auto-Submitted: auto-replied' "$work"/outbox/new/* | xargs ls -t | head -n 1)
    grep -q '^Subject: SUCCESS' "$ack" || {
        echo "bench: the signed mail did not succeed:" >&2; sed -n '/^---/,$p' "$ack" >&2; exit 1; }
    rm -f "$work"/outbox/new/*
}

# usec CMD...: run CMD (stdin, stdout, stderr as redirected by the
# caller), set $us to its wall time in microseconds and $rc to its status
usec() {
    local t0 t1
    t0=$EPOCHREALTIME
    "$@"
    rc=$?
    t1=$EPOCHREALTIME
    us=$(( ${t1/./} - ${t0/./} ))
}
# unsigned N: mail N without its signature, as a new Message-ID
unsigned() {
    sed "s/^Message-ID: <one-/Message-ID: <unsigned-/; /^-----BEGIN PGP SIGNED MESSAGE-----/,/^\$/d;
         /^-----BEGIN PGP SIGNATURE-----/,\$d" "$work/one-$1.mail"
}

: > "$work/robot.runs"
: > "$work/gpg.runs"
: > "$work/unsigned.runs"
: > "$work/version.runs"
i=0
while [ "$i" -le "$RUNS" ]; do      # run 0: warm-up, not counted
    set +e
    usec "$bin/autodbm" -c "$conf" < "$work/one-$i.mail" > /dev/null 2>&1
    set -e
    r_us=$us
    echo "0 0 $rc" > "$work/r.res"
    ok_run "$work/r.res"
    set +e
    usec gpg --homedir "$work/gnupg" --batch --quiet --verify "$work/one-$i.asc" \
        > /dev/null 2>&1
    set -e
    [ "$rc" = 0 ] || { echo "bench: gpg --verify failed on one-$i.asc" >&2; exit 1; }
    g_us=$us
    unsigned "$i" > "$work/unsigned.mail"
    set +e
    usec "$bin/autodbm" -c "$conf" < "$work/unsigned.mail" > /dev/null 2>&1
    set -e
    [ "$rc" = 0 ] || { echo "bench: the robot failed on the unsigned mail" >&2; exit 1; }
    u_us=$us
    rm -f "$work"/outbox/new/*
    usec gpg --version > /dev/null 2>&1
    v_us=$us
    if [ "$i" -gt 0 ]; then
        echo "$r_us" >> "$work/robot.runs"
        echo "$g_us" >> "$work/gpg.runs"
        echo "$u_us" >> "$work/unsigned.runs"
        echo "$v_us" >> "$work/version.runs"
    fi
    i=$((i + 1))
done
: > "$work/big.runs"
for i in 1 2 3; do
    "$timeit" "$work/r.res" "$bin/autodbm" -c "$conf" < "$work/big-$i.mail" > /dev/null 2>&1 || true
    ok_run "$work/r.res"
    cat "$work/r.res" >> "$work/big.runs"
done

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
rm_=$(median "$work/robot.runs")
gm=$(median "$work/gpg.runs")
um=$(median "$work/unsigned.runs")
vm=$(median "$work/version.runs")
bm=$(median "$work/big.runs")
bb=$(wc -c < "$work/big-1.mail")
awk -v r="$rm_" -v g="$gm" -v u="$um" -v v="$vm" -v b="$bm" -v bb="$bb" -v runs="$RUNS" 'BEGIN {
    printf "%-44s %10s %10s %6s\n", "signed mail", "figure", "target", ""
    printf "%-44s %10.2f\n", "(a) 1 object, robot median ms of " runs, r / 1000
    printf "%-44s %10.2f\n", "    bare gpg --verify, median ms", g / 1000
    printf "%-44s %10.2f %10s %6s\n", "    robot / gpg --verify", r / g, "<= 1.5",
           (r / g <= 1.5 ? "PASS" : "MISS")
    printf "%-44s %10.2f\n", "    for reading: robot, same mail unsigned, ms", u / 1000
    printf "%-44s %10.2f\n", "    for reading: gpg --version, median ms", v / 1000
    printf "%-44s %10.3f %10s %6s\n", "(b) 1,000 objects (" int(bb / 1024) " KiB), median s", b,
           "< 0.5", (b < 0.5 ? "PASS" : "MISS")
}'
# the gpg-agents gpg started for the two homes
gpgconf --homedir "$work/signer" --kill gpg-agent 2>/dev/null || true
gpgconf --homedir "$work/gnupg" --kill gpg-agent 2>/dev/null || true
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
