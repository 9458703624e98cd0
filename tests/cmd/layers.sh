#!/bin/sh
# layers.sh - the include graph keeps the layers of README "Layout":
#
#     util < rpsl < store < registry < programs
#
# read from the #include "..." lines of include/**/*.h and src/**/*.c
# (and .inc files).  A file's folder is the one below include/ or src/
# (include/store/store.h and src/store/store.c are both "store"); an
# included "x/y.h" belongs to folder x, a bare "y.h" to the includer's own
# folder.  Every folder that is not one of the four library layers is a
# program (robot, load, query, flush, and any new one).  Checks, each an
# ok/not ok line; a failure names the file and line of the include:
#   - layer order: a library layer includes only its own or a lower layer;
#   - programs: a program includes the library layers and its own folder
#     (include/<prog>/), never another program;
#   - folder cycles: no two folders include each other;
#   - module cycles: no cycle among modules, a module being a folder and a
#     file name without extension (registry/process = process.h +
#     process.c): include/registry/authz.h including registry/process.h and
#     src/registry/process.c including registry/authz.h is the cycle
#     registry/authz -> registry/process -> registry/authz.  A cycle of
#     headers alone is one of these.
# The module cycles of today's tree are allowed below, by name, until they
# are broken; a new one, or a known one that grows, fails.
#
# And the module prefixes: every function a header include/LAYER/NAME.h
# declares (a declaration starting in column 0) is named NAME_* or
# LAYER_NAME_* (store_journal_* in include/store/journal.h), or starts with
# a prefix the header names in its "Prefix:" (or "Prefixes:") paragraph,
# written "proc_" or, for a prefix without '_', "x*()".
#
# Run by tests/run-check (AUTODBM_BIN is not needed); LAYERS_TOP=DIR checks
# the tree DIR instead of this one (how the test of this test is done).
set -u
SRC=${LAYERS_TOP:-${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
. "$(dirname "$0")/check.inc"

# The library layers, lowest first.
LAYERS="util rpsl store registry"

# Module cycles tolerated, one strongly connected set of modules a line
# (sorted, space-separated); none today.  A cycle not listed here, or a
# listed one that gains a module, fails.
ALLOWED_CYCLES=''

# edges: "FILE LINE TARGET" for every #include "TARGET" of the tree.
(cd "$SRC" && find include src -type f \( -name '*.h' -o -name '*.c' -o -name '*.inc' \) |
    LC_ALL=C sort | while read -r f; do
        awk -v f="$f" '
            /^[ \t]*#[ \t]*include[ \t]*"/ {
                t = $0; sub(/^[^"]*"/, "", t); sub(/".*/, "", t)
                print f, FNR, t
            }' "$f"
    done) > "$T/edges"

[ -s "$T/edges" ] || { echo "not ok 1 no #include lines found under $SRC"; exit 1; }

# rules.awk: reads the edges; MODE selects the check; prints one line per
# violation ("FILE:LINE: ...").
cat > "$T/rules.awk" <<'EOF'
function folder(path,   a) { split(path, a, "/"); return a[2] }
function base(path,   a, k, b) {
    k = split(path, a, "/"); b = a[k]; sub(/\.[^.]*$/, "", b); return b
}
function tfolder(f, t,   a) {
    if (index(t, "/") == 0) return folder(f)
    split(t, a, "/"); return a[1]
}
function tmodule(f, t,   a, k, b) {
    k = split(t, a, "/"); b = a[k]; sub(/\.[^.]*$/, "", b)
    return tfolder(f, t) "/" b
}
BEGIN {
    nl = split(layers, L, " ")
    for (i = 1; i <= nl; i++) rank[L[i]] = i
}
{
    f = $1; line = $2; t = $3
    from = folder(f); to = tfolder(f, t)
    where = f ":" line ": #include \"" t "\""
    if (mode == "layers") {
        if (!(from in rank)) {
            if (to != from && !(to in rank))
                print where ": the program " from " includes the program " to
        } else if (!(to in rank)) {
            print where ": the library layer " from " includes the program " to
        } else if (rank[to] > rank[from]) {
            print where ": the layer " from " includes the higher layer " to
        }
    } else if (mode == "folders") {
        if (from != to && !((from, to) in fw)) { fw[from, to] = where; order[++no] = from SUBSEP to }
    } else if (mode == "modules") {
        m = from "/" base(f); tm = tmodule(f, t)
        if (m == tm) next
        if (!((m, tm) in ew)) { ew[m, tm] = where; adj[m] = adj[m] " " tm }
        node[m] = 1; node[tm] = 1
    }
}
# Tarjan: strongly connected components of the module graph.
function visit(v,   k, i, w, a, comp, members, cn) {
    idx[v] = lowl[v] = ++counter; stack[++sp] = v; on[v] = 1
    k = split(adj[v], a, " ")
    for (i = 1; i <= k; i++) {
        w = a[i]
        if (!(w in idx)) { visit(w); if (lowl[w] < lowl[v]) lowl[v] = lowl[w] }
        else if (on[w] && idx[w] < lowl[v]) lowl[v] = idx[w]
    }
    if (lowl[v] == idx[v]) {
        cn = 0; members = ""
        do { w = stack[sp--]; on[w] = 0; comp[++cn] = w } while (w != v)
        if (cn > 1) {
            sortv(comp, cn)
            for (i = 1; i <= cn; i++) { members = members (i > 1 ? " " : "") comp[i]; incomp[comp[i]] = nscc + 1 }
            scc[++nscc] = members
        }
    }
}
function sortv(a, k,   i, j, x) {
    for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
}
END {
    if (mode == "folders") {
        for (i = 1; i <= no; i++) {
            split(order[i], p, SUBSEP)
            if ((p[2], p[1]) in fw && p[1] < p[2])
                print fw[p[1], p[2]] " and " fw[p[2], p[1]] ": the folders " p[1] " and " p[2] " include each other"
        }
    }
    if (mode == "modules") {
        for (v in node) if (!(v in idx)) visit(v)
        for (c = 1; c <= nscc; c++) {
            if (index(allowed, "\n" scc[c] "\n")) continue
            # the includes inside the cycle, each "FILE:LINE: #include"
            k = split(scc[c], ms, " "); detail = ""
            for (i = 1; i <= k; i++)
                for (j = 1; j <= k; j++)
                    if ((ms[i], ms[j]) in ew) detail = detail "\n  " ew[ms[i], ms[j]]
            print "module cycle: " scc[c] detail
        }
    }
}
EOF

run_rules() {
    awk -v mode="$1" -v layers="$LAYERS" -v allowed="$ALLOWED_CYCLES" -f "$T/rules.awk" "$T/edges" |
        tee "$T/$1.out"
    test ! -s "$T/$1.out"
}

# prefixes: "FILE:LINE: NAME" for each declared function whose prefix is
# neither its module's nor one its header names.
prefixes() {
    (cd "$SRC" && find include -type f -name '*.h' | LC_ALL=C sort | while read -r h; do
        awk -v h="$h" '
            BEGIN {
                k = split(h, part, "/"); layer = part[2]; mod = part[k]; sub(/\.h$/, "", mod)
            }
            /^ \* Prefix(es)?:/ { inp = 1 }
            inp && (/^ \*\/?$/ || /^ \*\//) { inp = 0 }
            inp {
                t = $0
                while (match(t, /[a-z][a-z0-9]*(_|\*\(\))/)) {
                    w = substr(t, RSTART, RLENGTH); sub(/\*\(\)$/, "", w)
                    allowed[w] = 1; t = substr(t, RSTART + RLENGTH)
                }
            }
            /^[A-Za-z]/ && !/^(typedef|static|enum|union|struct [A-Za-z_]+ *\{)/ &&
            match($0, /[A-Za-z_][A-Za-z0-9_]*\(/) {
                name = substr($0, RSTART, RLENGTH - 1)
                if (index(name, mod "_") == 1 || index(name, layer "_" mod "_") == 1) next
                for (w in allowed) if (index(name, w) == 1) next
                print h ":" FNR ": " name "(): not " mod "_* or " layer "_" mod "_*, " \
                    "and no \"Prefix:\" line of the header names its prefix"
            }' "$h"
    done) | tee "$T/prefixes.out"
    test ! -s "$T/prefixes.out"
}

check "layer order and programs (util < rpsl < store < registry < programs)" run_rules layers
check "no two folders include each other" run_rules folders
check "no include cycle between modules" run_rules modules
check "module prefixes match the header's name or its Prefix: line" prefixes
