#!/bin/sh
# notify_matrix.sh - the notification matrix (seeds/notifications.txt),
# checked against a table computed here, independently of src/registry/notify.c,
# from the objects themselves.
#
# Replays tests/cases/matrix-overlap (one mail, five objects whose notify:,
# mnt-nfy:, irt-nfy: and ref-nfy: addresses overlap, every object
# succeeds).  The expected table "address -> objects" is derived by awk
# from the registry (objects.rpsl) and the mail:
#   notify: of the object (the stored version on modify, the new one on
#   create); mnt-nfy: of the mntners in mnt-by (old and new); irt-nfy: of
#   each irt added to or removed from mnt-irt:; ref-nfy: of each
#   organisation added to or removed from org:; notify: of the origin
#   aut-num of a new route.  Addresses compare case-insensitively; the
#   robot's own address is never told.
# Then every outgoing notification must have exactly one To:, no Cc:, and
# list exactly the objects of its address, and no address may get two.
#
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CASE=$SRC/tests/cases/matrix-overlap
ROBOT=auto-dbm@example.net
T=$(mktemp -d "${TMPDIR:-/tmp}/autodbm-matrix.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
n=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
notok() { n=$((n + 1)); echo "not ok $n $1"; }

cat > "$T/autodbm.conf" <<CONF
source = TEST
database = db
robot_address = $ROBOT
delivery = maildir
outbox = outbox
gnupg_home = gnupg
archive = archive
CONF
"$BIN/autodbm-load" -q -c "$T/autodbm.conf" --non-strict "$CASE/objects.rpsl" >/dev/null 2>&1 ||
    { notok "load the registry"; exit 1; }
"$BIN/autodbm" -c "$T/autodbm.conf" -t 2026-01-01T12:00:00Z < "$CASE/mail" >/dev/null 2>&1 ||
    { notok "run the robot"; exit 1; }
ok "robot ran"

# --- the expected table, from the objects -------------------------------
# Input: the registry, a line "@@MAIL@@", the update text of the mail.
# Output: "address<TAB>class: key" lines.
{ cat "$CASE/objects.rpsl"; echo; echo "@@MAIL@@"; echo;
  sed '1,/^$/d' "$CASE/mail" | grep -v '^password:'; echo; } | awk -v robot="$ROBOT" '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function lc(s) { return tolower(s) }
# finish the paragraph held in na/nm/vl
function flush(   cls, key, id, i) {
    if (na == 0) return
    cls = nm[1]; key = vl[1]
    if (cls == "person" || cls == "role")
        for (i = 1; i <= na; i++) if (nm[i] == "nic-hdl") key = vl[i]
    if (cls == "route" || cls == "route6")
        for (i = 1; i <= na; i++) if (nm[i] == "origin") key = key vl[i]
    id = cls ": " toupper(key)
    if (!inmail) {
        reg[id] = 1
        for (i = 1; i <= na; i++) regv[id, nm[i]] = regv[id, nm[i]] "," vl[i]
    } else {
        nobj++; mid[nobj] = id; mcls[nobj] = cls; mkey[nobj] = key
        for (i = 1; i <= na; i++) mv[nobj, nm[i]] = mv[nobj, nm[i]] "," vl[i]
    }
    na = 0
}
/^@@MAIL@@$/ { flush(); inmail = 1; next }
/^[#%]/ { next }
/^[ \t]*$/ { flush(); next }
/^[a-z0-9-]+:/ {
    na++; p = index($0, ":"); nm[na] = lc(substr($0, 1, p - 1)); vl[na] = trim(substr($0, p + 1))
    next
}
END {
    flush()
    for (o = 1; o <= nobj; o++) {
        id = mid[o]; old = (id in reg)
        # notify: of the stored version on modify, of the new one on create
        tell(old ? regv[id, "notify"] : mv[o, "notify"], id)
        # mnt-nfy: of the mntners of both versions
        split(mv[o, "mnt-by"] (old ? regv[id, "mnt-by"] : ""), ms, ",")
        delete seenm
        for (k in ms) if (ms[k] != "" && !(toupper(ms[k]) in seenm)) {
            seenm[toupper(ms[k])] = 1; tell(regv["mntner: " toupper(ms[k]), "mnt-nfy"], id)
        }
        refs(o, id, old, "mnt-irt", "irt", "irt-nfy")
        refs(o, id, old, "org", "organisation", "ref-nfy")
        if (!old && (mcls[o] == "route" || mcls[o] == "route6")) {
            split(mv[o, "origin"], or, ",")
            for (k in or) if (or[k] != "") tell(regv["aut-num: " toupper(or[k]), "notify"], id)
        }
    }
    for (a in want) print a "\t" want[a]
}
# the references added or removed: attribute values in exactly one version
function refs(o, id, old, attr, cls, nattr,   nv, ov, k, x, in_n, in_o) {
    split(mv[o, attr], nv, ","); split(old ? regv[id, attr] : "", ov, ",")
    delete in_n; delete in_o
    for (k in nv) if (nv[k] != "") in_n[toupper(nv[k])] = 1
    for (k in ov) if (ov[k] != "") in_o[toupper(ov[k])] = 1
    for (x in in_n) if (!(x in in_o)) tell(regv[cls ": " x, nattr], id)
    for (x in in_o) if (!(x in in_n)) tell(regv[cls ": " x, nattr], id)
}
# add object id to the list of every address in the comma list l
function tell(l, id,   v, k, a) {
    split(l, v, ",")
    for (k in v) {
        a = lc(v[k]); if (a == "" || a == lc(robot)) continue
        if (index("|" want[a] "|", "|" id "|") == 0) want[a] = want[a] (want[a] == "" ? "" : "|") id
    }
}' | while IFS='	' read -r addr objs; do
    echo "$objs" | tr '|' '\n' | sort | while read -r o; do printf '%s\t%s\n' "$addr" "$o"; done
done | sort > "$T/want"

# --- what the robot sent -------------------------------------------------
: > "$T/got"
: > "$T/addrs"
bad=0
for f in "$T"/outbox/new/*; do
    [ -f "$f" ] || continue
    grep -qi '^Auto-Submitted: auto-replied' "$f" && continue    # the ack
    tos=$(sed -n '/^$/q;/^To:/p' "$f" | wc -l)
    ccs=$(sed -n '/^$/q;/^Cc:/Ip' "$f" | wc -l)
    if [ "$tos" -ne 1 ] || [ "$ccs" -ne 0 ]; then bad=1; echo "# $f: $tos To:, $ccs Cc:"; fi
    to=$(sed -n 's/^To: *//p' "$f" | head -n 1 | tr 'A-Z' 'a-z')
    echo "$to" >> "$T/addrs"
    # the first attribute line of each object shown (new version on modify)
    awk -v to="$to" '
        /^OBJECT BELOW (CREATED|DELETED):$/ { want = 1; next }
        /^THIS IS THE NEW VERSION OF THE OBJECT:$/ { want = 1; next }
        want && /^[a-z0-9-]+:/ { line = $0; want = 0; o[++n] = line; next }
        END { for (i = 1; i <= n; i++) print to "\t" o[i] }' "$f" |
    awk -F '\t' '{
        p = index($2, ":"); cls = substr($2, 1, p - 1); v = substr($2, p + 1)
        sub(/^[ \t]+/, "", v); print $1 "\t" cls ": " toupper(v) }' >> "$T/got.raw"
done
# person/role are shown by their first line (person: name); the expected
# table keys them by nic-hdl: map through the registry
if [ -f "$T/got.raw" ]; then
    sed 's/^\([^\t]*\)\tperson: TEST PERSON$/\1\tperson: TP1-TEST/' "$T/got.raw" |
    awk -F '\t' '{ if ($2 ~ /^route6?: /) { } print }' | sort > "$T/got"
fi
# routes: the display key joins prefix and origin; the mail shows route: and
# origin: on separate lines - add the origin from the outbox text
if grep -q '	route6\{0,1\}: ' "$T/got"; then
    for f in "$T"/outbox/new/*; do
        [ -f "$f" ] || continue
        to=$(sed -n 's/^To: *//p' "$f" | head -n 1 | tr 'A-Z' 'a-z')
        awk -v to="$to" '/^route6?:/ { r = $2 } /^origin:/ && r != "" { print to "\t" r "\t" toupper($2); r = "" }' "$f"
    done | sort -u > "$T/origins"
    awk -F '\t' 'NR == FNR { o[$1 "\t" toupper($2)] = $3; next }
        { if (match($2, /^route6?: /)) { k = $1 "\t" substr($2, RLENGTH + 1); if (k in o) $2 = $2 o[k] }
          print $1 "\t" $2 }' "$T/origins" "$T/got" | sort > "$T/got.2"
    mv "$T/got.2" "$T/got"
fi

[ "$bad" -eq 0 ] && ok "each notification has one To: and no Cc:" || notok "each notification has one To: and no Cc:"
if [ -z "$(sort "$T/addrs" | uniq -d)" ]; then ok "one mail per address"; else
    notok "one mail per address"; sort "$T/addrs" | uniq -d | sed 's/^/# twice: /'; fi
if grep -qix "$ROBOT" "$T/addrs"; then notok "robot address not notified"; else ok "robot address not notified"; fi
if [ "$(wc -l < "$T/want")" -ge 10 ] && diff "$T/want" "$T/got" > "$T/diff"; then
    ok "address -> objects table matches ($(wc -l < "$T/want") pairs, $(sort -u "$T/addrs" | wc -l) addresses)"
else
    notok "address -> objects table matches"
    sed 's/^/# /' "$T/diff" | head -40
    echo "# want:"; sed 's/^/#   /' "$T/want"
fi
