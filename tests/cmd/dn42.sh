#!/bin/sh
# dn42.sh - the real dn42 registry (a community registry: several
# sources, its own classes, inet6num ranges, repeated single attributes)
# loads into a mirrored source with autodbm-load --source DN42
# --non-strict, every object findable by its class and key: in the store
# (tests/tools/storetool.c), and by a user, every one with a query
# "-rBG -s DN42 -T CLASS KEY" (-x for address classes) over one
# persistent (-k) connection to autodbm-whoisd, and a sample (the first
# object of each class, then every 500th) with autodbm-query -rB -s DN42
# -T CLASS KEY, its answer exactly the object as the dump has it in the
# display form (values in column 17).
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
command -v python3 >/dev/null 2>&1 || { echo "# skipped: no python3"; exit 0; }
T=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$T"' EXIT
n=0
. "$(dirname "$0")/check.inc"

cc -std=c11 -O1 $(pkg-config --cflags lmdb 2>/dev/null) -o "$T/storetool" \
    "$SRC/tests/tools/storetool.c" $(pkg-config --libs lmdb 2>/dev/null || echo -llmdb) \
    2>"$T/cc.err"
check "tests/tools/storetool.c builds" test -x "$T/storetool"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
maildir_conf "$T/autodbm.conf" "gnupg_home = gnupg" \
    "whois_listen = 127.0.0.1:$PORT" "whois_personal_exempt = 127.0.0.0/8" \
    "whois_log = no"
C="-c $T/autodbm.conf"

# One dump: every object file of every class folder, a blank line after
# each (the folders also hold filter.txt files, which are no objects).
find "$D" -mindepth 2 -type f ! -name 'filter*.txt' | LC_ALL=C sort >"$T/files"
xargs awk 'FNR == 1 && s { print "" } { s = 1; print } END { print "" }' \
    <"$T/files" >"$T/dump.rpsl"
objects=$(wc -l <"$T/files")

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

# class, key (as the store keys it) and query key of every object of the
# dump, in $T/want3; the sample's objects in the display form as
# $T/exp/N, their class and query key in $T/sample (N TAB class TAB key)
mkdir "$T/exp"
cat > "$T/expect.awk" <<'AWK'
function flush() {
    if (cls == "") return
    k = first
    if (cls == "person" || cls == "role") k = nichdl
    if (cls == "route" || cls == "route6") k = first origin
    q = cls == "person" || cls == "role" ? nichdl : first
    print cls "\t" toupper(k) "\t" q
    if (!(cls in seen) || nobj % 500 == 0) {
        f = dir "/" (nobj + 0)
        printf "%s\n", text > f
        close(f)
        print (nobj + 0) "\t" cls "\t" q > (dir "/../sample")
    }
    seen[cls] = 1
    nobj++
    cls = ""; nichdl = ""; origin = ""; text = ""
}
# the display form: "name:" padded to column 17, continuation lines
# indented to it, blanks at the ends gone
function display(line,    n, v) {
    if (line ~ /^[ \t+]/) {
        v = line
        sub(/^[ \t]+/, "", v)
        sub(/[ \t]+$/, "", v)
        return sprintf("%16s%s", "", v)
    }
    n = substr(line, 1, index(line, ":"))
    v = substr(line, index(line, ":") + 1)
    sub(/^[ \t]+/, "", v)
    sub(/[ \t]+$/, "", v)
    if (v == "") return n
    if (length(n) >= 16) return n " " v
    return sprintf("%-16s%s", n, v)
}
/^[ \t]*$/ { flush(); next }
/^[#%]/ { next }
{ text = text display($0) "\n" }
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
awk -v dir="$T/exp" -f "$T/expect.awk" "$T/dump.rpsl" >"$T/want3"
cut -f1,2 "$T/want3" | LC_ALL=C sort >"$T/want"
"$T/storetool" keys "$T/db" DN42 | LC_ALL=C sort >"$T/have"
check "every object is found by class and key in source DN42" cmp "$T/want" "$T/have"
check "dn42's own classes are kept (schema, registry, tinc-key)" \
    sh -c "grep -q '^schema	' '$T/have' && grep -q '^registry	' '$T/have' && grep -q '^tinc-key	' '$T/have'"
check "nothing went to the own source" sh -c "! '$T/storetool' keys '$T/db' | grep -q ."

# every object by a query of its class and key, over one -k connection;
# then a key no object has, which must be missing
cat > "$T/ask.py" <<'PY'
import socket, sys, threading, time
port, wantfile = int(sys.argv[1]), sys.argv[2]
ADDR = ('inetnum', 'inet6num', 'route', 'route6')
TRAILER = b'% This query was served by '
want = [l.rstrip('\n').split('\t') for l in open(wantfile)]

def keys(text):
    """(class, KEY) of each object of an answer, as expect.awk makes them"""
    out = []
    for para in text.split('\n\n'):
        cls = first = nichdl = origin = None
        for line in para.split('\n'):
            if not line or line[0] in '%#+ \t' or ':' not in line:
                continue
            name, val = line.split(':', 1)
            val = ' '.join(val.split('#', 1)[0].split())
            name = name.lower()
            if cls is None:
                cls, first = name, val
            if name == 'nic-hdl' and nichdl is None:
                nichdl = val
            if name == 'origin' and origin is None:
                origin = val
        if cls is None:
            continue
        k = first
        if cls in ('person', 'role'):
            k = nichdl or ''
        if cls in ('route', 'route6'):
            k = first + (origin or '')
        out.append((cls, k.upper()))
    return out

s = socket.create_connection(('127.0.0.1', port), timeout=30)
def send():
    s.sendall(b'-k\n')
    for cls, key, q in want:
        x = '-x ' if cls in ADDR else ''
        s.sendall(('-rBG -s DN42 -T %s %s%s\n' % (cls, x, q)).encode())
    s.sendall(b'-k\n')
t = threading.Thread(target=send)
t.start()
buf, answers = b'', []
deadline = time.time() + 120
while len(answers) < len(want) + 1 and time.time() < deadline:
    b = s.recv(1 << 20)
    if not b:
        break
    buf += b
    while True:
        i = buf.find(TRAILER)
        j = buf.find(b'\n', i) if i >= 0 else -1
        if j < 0:
            break
        answers.append(buf[:i].decode('utf-8', 'replace'))
        buf = buf[j + 1:]
t.join(30)
s.close()
answers = answers[1:]       # the first -k's (no key: an empty answer)
missing = 0
for i, (cls, key, q) in enumerate(want):
    if i >= len(answers) or (cls, key) not in keys(answers[i]):
        missing += 1
        if missing <= 5:
            print('not found: %s %s' % (cls, q))
print('answers %d missing %d' % (len(answers), missing))
PY
AUTODBM_LOG_STDERR=1 "$BIN/autodbm-whoisd" $C -f >"$T/server.log" 2>&1 &
SERVER=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1).close()" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 300 ] || break; sleep 0.1
done
printf 'schema\tNO-SUCH-SCHEMA\tNO-SUCH-SCHEMA\n' >"$T/nosuch"
cat "$T/want3" "$T/nosuch" >"$T/ask"
qstart=$(date +%s.%N)
timeout 300 python3 "$T/ask.py" "$PORT" "$T/ask" >"$T/asked" 2>&1
qend=$(date +%s.%N)
check "every object is found by autodbm-whoisd -s DN42 -T CLASS KEY ($objects)" \
    grep -qx "answers $((objects + 1)) missing 1" "$T/asked"
check "a key no object has is not found" \
    sh -c "grep -x 'not found: schema NO-SUCH-SCHEMA' '$T/asked' && test \$(grep -c '^not found' '$T/asked') -eq 1"
grep '^not found' "$T/asked" | grep -v NO-SUCH | sed 's/^/# /'
kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; SERVER=

# the sample with autodbm-query: exactly the object, in the display form
bad=0
while IFS='	' read -r i cls q; do
    case $cls in inetnum|inet6num|route|route6) x=-x ;; *) x= ;; esac
    "$BIN/autodbm-query" $C -rB -s DN42 -T "$cls" $x "$q" >"$T/got" 2>&1
    if ! cmp -s "$T/exp/$i" "$T/got"; then
        bad=$((bad + 1))
        [ $bad -le 3 ] && { echo "# $cls $q:"; diff "$T/exp/$i" "$T/got" | head -5 | sed 's/^/# /'; }
    fi
done <"$T/sample"
check "the sample ($(wc -l <"$T/sample") objects, each class) printed exactly by autodbm-query -rB -s DN42 -T CLASS KEY" \
    test $bad -eq 0 -a -s "$T/sample"
check "-T schema without -s DN42 is an unknown type" \
    sh -c "! '$BIN/autodbm-query' $C -T schema DN42-SCHEMA >/dev/null 2>'$T/q.err' && grep -q 'unknown object type' '$T/q.err'"

echo "# objects $objects, loaded $loaded, warnings $warnings, time" \
    "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s," \
    "queries $(awk -v a="$qstart" -v b="$qend" 'BEGIN { printf "%.2f", b - a }') s"
sed -n 's/^[^:]*:[0-9]*: warning: //p' "$T/err" |
    sed 's/Syntax error in .*/Syntax error in VALUE/; s/"[^"]*"/"X"/' |
    sort | uniq -c | sort -rn | sed 's/^ */# /'
