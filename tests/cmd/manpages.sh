#!/bin/sh
# manpages.sh - the manual pages and the example configuration do not fall
# behind the programs:
#   - every option a program's -h shows (autodbm, autodbm-load,
#     autodbm-query, autodbm-flush, autodbm-whoisd, autodbm-syncupdates,
#     autodbm-export from
#     AUTODBM_BIN; contrib/autodbm-replay)
#     appears in its page contrib/man/PROGRAM.[158] (a missing page is a
#     "# skipped" line, not a failure);
#   - every configuration key of src/registry/conf.c appears in autodbm.conf(5) and
#     in conf/autodbm.conf.example (set or commented out);
#   - the Postfix service in autodbm(8)'s example has the flags of
#     maildrop/postfix-master.cf.
# Options are the words of the -h text that start with "-" or "--" after a
# blank, "[" or "|" ("-rB" counts as -r and -B); in a page, roff's "\-" is
# "-".  Run by tests/run-check with AUTODBM_BIN; prints ok/not ok lines.
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAN=$SRC/contrib/man
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
. "$(dirname "$0")/check.inc"

# options FILE: the options named in a -h text, one a line
options() {
    grep -oE '(^|[][ |])--?[A-Za-z][-A-Za-z]*' "$1" | sed 's/^[][ |]//' |
        while read -r o; do
            case $o in
            --*) echo "$o" ;;
            *) echo "${o#-}" | sed 's/./-&\n/g' | grep . ;;
            esac
        done | sort -u
}
# plain PAGE: the page's text with "\-" as "-" and without font escapes
plain() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' "$1"; }
# in_page PAGE OPTION...: each OPTION appears in PAGE as a word
in_page() {
    page=$1; shift
    plain "$page" > "$T/page.txt"
    missing=
    for o in "$@"; do
        grep -qE -- "(^|[^-A-Za-z0-9])$o([^-A-Za-z0-9]|\$)" "$T/page.txt" ||
            missing="$missing $o"
    done
    [ -z "$missing" ] || { echo "not in $page:$missing"; return 1; }
}

for prog in autodbm autodbm-load autodbm-query autodbm-flush autodbm-whoisd autodbm-syncupdates autodbm-export autodbm-replay; do
    if [ "$prog" = autodbm-replay ]; then
        sh "$SRC/contrib/autodbm-replay" -h > "$T/help" 2>&1
    else
        "$BIN/$prog" -h > "$T/help" 2>&1
    fi
    rc=$?
    check "$prog -h exits 0" test $rc -eq 0
    opts=$(options "$T/help")
    check "$prog -h names options (-c among them)" sh -c "echo '$opts' | grep -qx -- -c"
    page=
    for p in "$MAN/$prog".[158]; do [ -f "$p" ] && page=$p; done
    if [ -z "$page" ]; then
        echo "# skipped: no manual page contrib/man/$prog.[158] yet"
        continue
    fi
    # shellcheck disable=SC2086
    check "every option of $prog -h is in ${page#"$SRC"/}" in_page "$page" $opts
done

# The configuration keys: the names of conf.c's key table.
sed -n 's/^ *{ "\([a-z_0-9]*\)", K_.*/\1/p' "$SRC/src/registry/conf.c" > "$T/keys"
check "conf.c's key table read (more than 20 keys)" test "$(wc -l < "$T/keys")" -gt 20
keys_in() { # FILE PATTERN-PREFIX PATTERN-SUFFIX: every key matches
    missing=
    while read -r k; do
        grep -qE -- "$2$k$3" "$1" || missing="$missing $k"
    done < "$T/keys"
    [ -z "$missing" ] || { echo "missing in $1:$missing"; return 1; }
}
plain "$MAN/autodbm.conf.5" > "$T/conf5.txt"
check "every key of src/registry/conf.c is in autodbm.conf(5)" \
    keys_in "$T/conf5.txt" '(^|[^a-z_])' '([^a-z_]|$)'
check "every key of src/registry/conf.c is in conf/autodbm.conf.example" \
    keys_in "$SRC/conf/autodbm.conf.example" '^#? ?' ' *='
# archive's entry (up to the next .TP) says what "none" does
sed -n '/^\.B archive$/,/^\.TP/p' "$T/conf5.txt" > "$T/archive.txt"
check "autodbm.conf(5) documents archive = none" grep -q '"*none"*' "$T/archive.txt"

# autodbm(8)'s Postfix example uses the shipped service's flags.
flags=$(grep -v '^#' "$SRC/maildrop/postfix-master.cf" | sed -n 's/.*flags=\([A-Za-z]*\).*/\1/p' | head -n 1)
check "maildrop/postfix-master.cf has flags=" test -n "$flags"
plain "$MAN/autodbm.8" > "$T/autodbm8.txt"
check "autodbm(8) shows flags=$flags as maildrop/postfix-master.cf does" \
    sh -c "grep -o 'flags=[A-Za-z]*' '$T/autodbm8.txt' | sort -u | grep -qx 'flags=$flags' &&
           [ \$(grep -o 'flags=[A-Za-z]*' '$T/autodbm8.txt' | sort -u | wc -l) -eq 1 ]"

# The example configuration's pointer to the MTA's time limit names the
# file that sets it.
time_files=$(grep -o 'maildrop/[-a-z.]*' "$SRC/conf/autodbm.conf.example" | sort -u)
check "conf/autodbm.conf.example names a maildrop/ file" test -n "$time_files"
for f in $time_files; do
    check "conf/autodbm.conf.example: $f exists" test -f "$SRC/$f"
done
limit=$(sed -n 's/.*: \([0-9][0-9]*\) s in maildrop\/.*/\1/p' "$SRC/conf/autodbm.conf.example")
tfile=$(sed -n 's/.*: [0-9][0-9]* s in \(maildrop\/[-a-z.]*\).*/\1/p' "$SRC/conf/autodbm.conf.example")
check "conf/autodbm.conf.example: the ${limit:-?} s time limit is set in ${tfile:-?}" \
    grep -q "^autodbm_time_limit = ${limit:-none}s" "$SRC/${tfile:-none}"
