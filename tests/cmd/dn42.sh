#!/bin/sh
# dn42.sh - the real dn42 registry (a community registry: several
# sources, its own classes, inet6num ranges, repeated single attributes)
# loads into a mirrored source with autodbm-load --source DN42
# --non-strict, every object findable by its class and key.
#
# The registry is not part of the repository: $AUTODBM_DN42 names a
# checkout's directory (the one holding data/<class>/<key>, one object
# per file) or its data/ directory.  Without it the test prints one
# "# skipped" line and exits 0.  Prints ok/not ok lines, and as "# "
# lines the numbers: objects, loaded, warnings by kind, time.
# Run by tests/run-check with AUTODBM_BIN set.
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
D=${AUTODBM_DN42:-}
[ -n "$D" ] && [ -d "$D/data" ] && D=$D/data
if [ -z "$D" ] || [ ! -d "$D/mntner" ]; then
    echo "# skipped: the dn42 registry (set AUTODBM_DN42 to a checkout)"; exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
. "$(dirname "$0")/check.inc"

cc -std=c11 -O1 $(pkg-config --cflags lmdb 2>/dev/null) -o "$T/storetool" \
    "$SRC/tests/tools/storetool.c" $(pkg-config --libs lmdb 2>/dev/null || echo -llmdb) \
    2>"$T/cc.err"
check "tests/tools/storetool.c builds" test -x "$T/storetool"

maildir_conf "$T/autodbm.conf" "gnupg_home = gnupg"
C="-c $T/autodbm.conf"

# One dump: every object file of every class folder, a blank line after
# each (the folders also hold filter.txt files, which are no objects).
for f in "$D"/*/*; do
    case $f in */filter*.txt) continue ;; esac
    cat "$f"; echo
done > "$T/dump.rpsl"
objects=$(ls "$D"/*/* | grep -vc '/filter[^/]*\.txt$')

start=$(date +%s.%N)
"$BIN/autodbm-load" $C --source DN42 --non-strict "$T/dump.rpsl" >"$T/out" 2>"$T/err"; rc=$?
end=$(date +%s.%N)
check "the load exits 0 (nothing rejected)" test $rc -eq 0
loaded=$(sed -n 's/^loaded \([0-9]*\) objects.*/\1/p' "$T/out")
warnings=$(sed -n 's/.* \([0-9]*\) warnings$/\1/p' "$T/out")
check "every object is loaded ($objects)" test "$loaded" = "$objects"
check "the warnings counted are the warnings printed" \
    test "$warnings" = "$(grep -c ': warning: ' "$T/err")"
check "no error lines" sh -c "! grep -v ': warning: ' '$T/err'"

# class and key of every object of the dump, as the store keys it
cat > "$T/expect.awk" <<'AWK'
function flush() {
    if (cls == "") return
    k = first
    if (cls == "person" || cls == "role") k = nichdl
    if (cls == "route" || cls == "route6") k = first origin
    print cls "\t" toupper(k)
    cls = ""; nichdl = ""; origin = ""
}
/^[ \t]*$/ { flush(); next }
/^[#%]/ { next }
/^[A-Za-z0-9_-]+:/ {
    name = tolower(substr($0, 1, index($0, ":") - 1))
    val = substr($0, index($0, ":") + 1)
    sub(/#.*/, "", val)
    gsub(/^[ \t]+|[ \t]+$/, "", val)
    gsub(/[ \t]+/, " ", val)
    if (cls == "") { cls = name; first = val }
    if (name == "nic-hdl" && nichdl == "") nichdl = val
    if (name == "origin" && origin == "") origin = val
}
END { flush() }
AWK
awk -f "$T/expect.awk" "$T/dump.rpsl" | LC_ALL=C sort >"$T/want"
"$T/storetool" keys "$T/db" DN42 | LC_ALL=C sort >"$T/have"
check "every object is found by class and key in source DN42" cmp "$T/want" "$T/have"
check "dn42's own classes are kept (schema, registry, tinc-key)" \
    sh -c "grep -q '^schema	' '$T/have' && grep -q '^registry	' '$T/have' && grep -q '^tinc-key	' '$T/have'"
check "nothing went to the own source" sh -c "! '$T/storetool' keys '$T/db' | grep -q ."

echo "# objects $objects, loaded $loaded, warnings $warnings, time" \
    "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s"
sed -n 's/^[^:]*:[0-9]*: warning: //p' "$T/err" |
    sed 's/Syntax error in .*/Syntax error in VALUE/; s/"[^"]*"/"X"/' |
    sort | uniq -c | sort -rn | sed 's/^ */# /'
