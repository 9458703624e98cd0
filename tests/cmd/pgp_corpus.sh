#!/bin/sh
# pgp_corpus.sh - issue 4's acceptance: every mail of the RIPE corpus that
# INDEX.txt marks as carrying a good signature (gpg: ... GOODSIG
# issuer=KEYID sigtime=T) gives, with `autodbm -p -t T`, a piece line
# "pgp FINGERPRINT good" with the full fingerprint of that key (or
# subkey); every BADSIG mail gives "bad" and never "good".
#
# The key-certs are loaded with autodbm-load --non-strict, which imports
# their keys into the GnuPG home; --rebuild-keyring then makes the home
# match the store from scratch.  Fingerprints are listed with gpg in batch
# mode from that home (tests may use gpg; the product never does).
# Run by tests/run-check with AUTODBM_BIN set; prints ok/not ok lines.
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CORPUS=$SRC/../shared/corpus
MAILS=$CORPUS/ripe-mails
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
notok() { n=$((n + 1)); echo "not ok $n $1"; sed 's/^/# /' "$T/out" | head -20; }
check() { # name, then a command that must succeed; $T/out is what it looked at
    name=$1; shift
    if "$@" >"$T/check.out" 2>&1; then ok "$name"; else notok "$name"; fi
}

if [ ! -f "$MAILS/INDEX.txt" ]; then
    notok "corpus present at $CORPUS"
    exit 1
fi

cat > "$T/autodbm.conf" <<CONF
source = TEST
database = db
robot_address = auto-dbm@example.net
delivery = maildir
outbox = outbox
gnupg_home = gnupg
archive = archive
CONF
C="-c $T/autodbm.conf"

"$BIN/autodbm-load" $C --non-strict "$CORPUS"/ripe-keys/keycert-objects/* >"$T/out" 2>&1
check "key-cert objects load" grep -q '^loaded [1-9][0-9]* objects, 0 errors' "$T/out"
check "their keys are imported by the load" grep -q '^keyring: removed 0, imported [1-9]' "$T/out"
"$BIN/autodbm-load" $C --rebuild-keyring >"$T/out" 2>&1
check "a rebuild removes and imports again" \
    grep -q '^keyring: removed [1-9][0-9]*, imported [1-9]' "$T/out"
gpg --homedir "$T/gnupg" --batch --no-auto-check-trustdb --with-colons --list-keys \
    2>"$T/out" | awk -F: '$1 == "fpr" { print $10 }' >"$T/fprs"
check "fingerprints listed" test -s "$T/fprs"

# One line per signature: MAIL GOODSIG|BADSIG ISSUER [SIGTIME]
awk '
/^[^ ].*\.mail[ \t]+\[/ { mail = $1; next }
/^  gpg:/ {
    nseg = split($0, seg, ";")
    for (i = 1; i <= nseg; i++) {
        if (!match(seg[i], /(GOODSIG|BADSIG) issuer=[0-9A-Fa-f]+/)) continue
        split(substr(seg[i], RSTART, RLENGTH), a, /[ =]/)
        t = ""
        if (match(seg[i], /sigtime=[0-9TZ:-]+/)) t = substr(seg[i], RSTART + 8, RLENGTH - 8)
        print mail, a[1], toupper(a[3]), t
    }
}' "$MAILS/INDEX.txt" >"$T/sigs"
ngood=$(grep -c ' GOODSIG ' "$T/sigs")
nbad=$(grep -c ' BADSIG ' "$T/sigs")
check "INDEX.txt lists good ($ngood) and bad ($nbad) signatures" test "$ngood" -gt 0 -a "$nbad" -gt 0

while read -r mail kind issuer sigtime; do
    fpr=$(grep -i "$issuer\$" "$T/fprs" | head -n 1 | tr a-f A-F)
    if [ -z "$fpr" ]; then
        echo "no fingerprint ends in $issuer" >"$T/out"; notok "$mail: key $issuer is in the keyring"; continue
    fi
    if [ "$kind" = GOODSIG ]; then
        "$BIN/autodbm" $C -p -t "$sigtime" <"$MAILS/$mail" >"$T/p" 2>&1
        grep '^% piece' "$T/p" >"$T/out"
        check "$mail: pgp $fpr good at $sigtime" \
            grep -Eq "^% piece [0-9]+: (.*,)?pgp $fpr good(,|\$)" "$T/out"
    else
        "$BIN/autodbm" $C -p <"$MAILS/$mail" >"$T/p" 2>&1
        grep '^% piece' "$T/p" >"$T/out"
        check "$mail: pgp $fpr bad" grep -Eq "^% piece [0-9]+: (.*,)?pgp $fpr bad(,|\$)" "$T/out"
        check "$mail: nothing good" sh -c "! grep -q good '$T/out'"
    fi
done <"$T/sigs"
