#!/bin/sh
# docrefs.sh - comments in src/ and include/ point only at files of this
# repository: the design notes the code once cited (ARCHITECTURE.md,
# INTERFACE.md, FORMATS.md) are not in it, so what the code relies on is
# written in the headers themselves or in the README.  Checks, each an
# ok/not ok line; a failure names the file and line of the comment:
#   - every NAME.md a comment names exists in the repository (there is
#     none today);
#   - every relative path a comment names (at least one '/', ending in
#     .md .txt .c .h .inc .sh .py or .asc) exists, taken from the top of
#     the repository, from include/ (as #include reads it) or from the
#     commenting file's folder; "../" paths leave the repository and fail.
# Absolute paths (/etc/..., /dev/null) name the system, not the
# repository, and are not checked.  Bare names such as auth.txt cite
# RIPE's documentation the registry follows and are not paths.
#
# Run by tests/run-check (AUTODBM_BIN is not needed); DOCREFS_TOP=DIR checks
# the tree DIR instead of this one (how the test of this test is done).
set -u
SRC=${DOCREFS_TOP:-${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
. "$(dirname "$0")/check.inc"

# comments: "FILE:LINE:TEXT" for the comment text of every line of the C
# files (/* */ and //; string and character literals skipped).
(cd "$SRC" && find include src -type f \( -name '*.h' -o -name '*.c' -o -name '*.inc' \) |
    LC_ALL=C sort | while read -r f; do
        awk -v f="$f" '
            BEGIN { inc = 0 }
            {
                s = $0; out = ""; i = 1; n = length(s)
                while (i <= n) {
                    c = substr(s, i, 1); d = substr(s, i, 2)
                    if (inc) {
                        if (d == "*/") { inc = 0; i += 2; out = out " "; continue }
                        out = out c; i++; continue
                    }
                    if (d == "/*") { inc = 1; i += 2; continue }
                    if (d == "//") { out = out " " substr(s, i + 2); break }
                    if (c == "\"" || c == "\047") {
                        q = c; i++
                        while (i <= n && substr(s, i, 1) != q) {
                            if (substr(s, i, 1) == "\\") i++
                            i++
                        }
                        i++; continue
                    }
                    i++
                }
                if (out ~ /[^ \t]/) print f ":" FNR ":" out
            }' "$f"
    done) > "$T/comments"

[ -s "$T/comments" ] || { echo "not ok 1 no comments found under $SRC"; exit 1; }

# refs PATTERN: "FILE:LINE: TOKEN" for each token of a comment matching
# the extended regular expression PATTERN.
refs() {
    awk -v pat="$1" '{
        k = index($0, ":"); f = substr($0, 1, k - 1); r = substr($0, k + 1)
        k = index(r, ":"); line = substr(r, 1, k - 1); text = substr(r, k + 1)
        while (match(text, pat)) {
            print f ":" line ": " substr(text, RSTART, RLENGTH)
            text = substr(text, RSTART + RLENGTH)
        }
    }' "$T/comments"
}

# missing: the references (from refs) to files the repository does not have.
missing() {
    while read -r where tok; do
        f=${where%%:*}
        tok=${tok%.}
        case $tok in
        /*) continue ;;
        ../*|*/../*) echo "$where $tok: points outside the repository"; continue ;;
        esac
        [ -e "$SRC/$tok" ] || [ -e "$SRC/include/$tok" ] ||
            [ -e "$SRC/$(dirname "$f")/$tok" ] ||
            echo "$where $tok: no such file in the repository"
    done
}

mdrefs() {
    refs '[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md([^A-Za-z0-9_]|$)' | sed 's/[^A-Za-z0-9_]$//' |
        missing | tee "$T/md.out"
    test ! -s "$T/md.out"
}
pathrefs() {
    refs '[A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)+\.(md|txt|c|h|inc|sh|py|asc)([^A-Za-z0-9_]|$)' |
        sed 's/[^A-Za-z0-9_]$//' | grep -v ': /' | missing | tee "$T/path.out"
    test ! -s "$T/path.out"
}

check "comments name no .md file the repository lacks" mdrefs
check "comments name no path the repository lacks" pathrefs
