#!/bin/sh
# install.sh - make and make install as an operator runs them:
#   - make install PREFIX=/opt/x DESTDIR=D installs the recipes (maildrop/,
#     contrib/www/ for the web server),
#     the man pages and autodbm-replay naming /opt/x/sbin/autodbm and
#     /opt/x/etc/autodbm/autodbm.conf, autodbm-query in /opt/x/bin, and the
#     programs read /opt/x/etc/autodbm/autodbm.conf by default;
#   - PREFIX=/usr puts the configuration in /etc/autodbm;
#   - make and make install with a library missing (a pkg-config directory
#     without gmime-3.0.pc) or without the compiler report what is missing
#     and the apt-get line, stop with an error and never run apt-get (an
#     apt-get and a sudo that record their calls come first in PATH);
#     make demo does run contrib/install-deps (it may install).
# The builds go to the test's directory (BUILD=, BIN=), starting from a
# copy of the checkout's plain build so that only what depends on
# SYSCONFDIR is rebuilt.  Runs once, with the plain build (AUTODBM_BIN is
# the checkout's bin/); prints ok/not ok lines.
set -u
BIN=${AUTODBM_BIN:?}
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ "$(cd "$BIN" && pwd)" != "$SRC/bin" ]; then
    echo "# skipped: install.sh runs with the plain build only"; exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
. "$(dirname "$0")/check.inc"
# A make of our own, not the jobserver of the make check that runs us.
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make -C "$SRC" --no-print-directory BUILD="$T/build" BIN="$T/bin" "$@"; }
mkdir -p "$T/build"
[ -d "$SRC/build/obj" ] && cp -Rp "$SRC/build/obj" "$SRC/build/libautodbm.a" "$T/build/" 2>/dev/null
cp -Rp "$SRC/bin" "$T/bin"

# --- PREFIX=/opt/x with DESTDIR --------------------------------------------
D=$T/dest
mk install PREFIX=/opt/x DESTDIR="$D" >"$T/install.out" 2>&1; rc=$?
check "make install PREFIX=/opt/x DESTDIR= exits 0" sh -c "[ $rc -eq 0 ] || { tail -20 '$T/install.out'; exit 1; }"
for p in autodbm autodbm-load autodbm-flush autodbm-whoisd autodbm-syncupdates autodbm-export autodbm-replay; do
    check "$p installed in /opt/x/sbin" test -x "$D/opt/x/sbin/$p"
done
check "autodbm-query installed in /opt/x/bin (a user command)" test -x "$D/opt/x/bin/autodbm-query"
check "autodbm-whoisd.service runs /opt/x/sbin/autodbm-whoisd -f -c /opt/x/etc/autodbm/autodbm.conf" \
    grep -qx 'ExecStart=/opt/x/sbin/autodbm-whoisd -f -c /opt/x/etc/autodbm/autodbm.conf' \
    "$D/opt/x/lib/systemd/system/autodbm-whoisd.service"
check "the example configuration in /opt/x/etc/autodbm" test -f "$D/opt/x/etc/autodbm/autodbm.conf.example"
check "man pages in /opt/x/share/man" test -f "$D/opt/x/share/man/man8/autodbm.8"
M=$D/opt/x/etc/autodbm/maildrop
check "postfix-master.cf runs /opt/x/sbin/autodbm -c /opt/x/etc/autodbm/autodbm.conf" \
    grep -q '^  argv=/opt/x/sbin/autodbm -c /opt/x/etc/autodbm/autodbm.conf$' "$M/postfix-master.cf"
check "aliases runs /opt/x/sbin/autodbm -c /opt/x/etc/autodbm/autodbm.conf" \
    grep -q '^auto-dbm: *"|/opt/x/sbin/autodbm -c /opt/x/etc/autodbm/autodbm.conf"$' "$M/aliases"
check "aliases names the installed procmailrc" \
    grep -q '/usr/bin/procmail -m /opt/x/etc/autodbm/maildrop/procmailrc"' "$M/aliases"
check "procmailrc and mailfilter name /opt/x/sbin/autodbm" \
    sh -c "grep -q '^AUTODBM=\${AUTODBM:-/opt/x/sbin/autodbm}\$' '$M/procmailrc' &&
           grep -q '^AUTODBM=\"/opt/x/sbin/autodbm\"\$' '$M/mailfilter'"
check "the web server recipes run /opt/x/sbin/autodbm-syncupdates with /opt/x/etc/autodbm/autodbm.conf" \
    sh -c "grep -q '\"/syncupdates\" => \"/opt/x/sbin/autodbm-syncupdates\"' '$D/opt/x/etc/autodbm/www/lighttpd.conf' &&
           grep -q '\"AUTODBM_CONF\" => \"/opt/x/etc/autodbm/autodbm.conf\"' '$D/opt/x/etc/autodbm/www/lighttpd.conf' &&
           grep -q 'SCRIPT_FILENAME /opt/x/sbin/autodbm-syncupdates;' '$D/opt/x/etc/autodbm/www/nginx.conf' &&
           grep -q 'AUTODBM_CONF /opt/x/etc/autodbm/autodbm.conf;' '$D/opt/x/etc/autodbm/www/nginx.conf'"
check "autodbm-syncupdates(8) installed" test -f "$D/opt/x/share/man/man8/autodbm-syncupdates.8"
check "autodbm(8) names /opt/x/etc/autodbm/autodbm.conf" \
    grep -q '/opt/x/etc/autodbm/autodbm.conf' "$D/opt/x/share/man/man8/autodbm.8"
check "no installed text file names /usr/local or /etc/autodbm" \
    sh -c "! grep -rIE '/usr/local/(s?bin|etc)|(^|[^-A-Za-z0-9_./])/etc/autodbm' '$D'"
check "the programs read /opt/x/etc/autodbm/autodbm.conf by default" \
    grep -q '/opt/x/etc/autodbm/autodbm.conf' "$D/opt/x/sbin/autodbm"

# --- PREFIX=/usr: configuration in /etc ------------------------------------
D=$T/debian
mk install PREFIX=/usr DESTDIR="$D" >"$T/install.out" 2>&1; rc=$?
check "make install PREFIX=/usr exits 0" test $rc -eq 0
check "PREFIX=/usr: the configuration in /etc/autodbm" test -f "$D/etc/autodbm/autodbm.conf.example"
check "PREFIX=/usr: nothing in /usr/etc" test ! -e "$D/usr/etc"
check "PREFIX=/usr: postfix-master.cf runs /usr/sbin/autodbm -c /etc/autodbm/autodbm.conf" \
    grep -q '^  argv=/usr/sbin/autodbm -c /etc/autodbm/autodbm.conf$' "$D/etc/autodbm/maildrop/postfix-master.cf"

# --- a real prefix: the default configuration is used ----------------------
P=$T/prefix
mk install PREFIX="$P" >"$T/install.out" 2>&1; rc=$?
check "make install PREFIX=(a directory) exits 0" test $rc -eq 0
printf 'database = db\nno_such_key = 1\n' > "$P/etc/autodbm/autodbm.conf"
(unset AUTODBM_CONF; cd "$T" && "$P/sbin/autodbm-flush") >"$T/flush.out" 2>&1; rc=$?
check "without -c autodbm-flush reads PREFIX/etc/autodbm/autodbm.conf (exit 78 for its bad key)" \
    sh -c "[ $rc -eq 78 ] && grep -q '$P/etc/autodbm/autodbm.conf:2' '$T/flush.out'"

# --- missing dependencies: report, stop, install nothing -------------------
mkdir -p "$T/fake" "$T/pc"
for f in apt-get sudo debconf-set-selections; do
    printf '#!/bin/sh\necho "%s $*" >> "%s/called"\nexit 0\n' "$f" "$T" > "$T/fake/$f"
    chmod 755 "$T/fake/$f"
done
for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
    [ -d "$d" ] && cp -p "$d"/*.pc "$T/pc/" 2>/dev/null
done
rm -f "$T/pc/gmime-3.0.pc"
FAKE="env PATH=$T/fake:$PATH PKG_CONFIG_LIBDIR=$T/pc PKG_CONFIG_PATH="
rm -rf "$T/build/obj/conf.o"          # something left to build
$FAKE make -C "$SRC" --no-print-directory BUILD="$T/build" BIN="$T/bin" >"$T/make.out" 2>&1; rc=$?
check "make without gmime-3.0 fails" test $rc -ne 0
check "... names the missing module" grep -q 'pkg-config modules: gmime-3.0$' "$T/make.out"
check "... and the command that installs it" grep -q 'apt-get install libgmime-3.0-dev$' "$T/make.out"
check "... compiles nothing" sh -c "! grep -q ' -c -o ' '$T/make.out'"
check "... runs no apt-get" test ! -e "$T/called"
$FAKE make -C "$SRC" --no-print-directory BUILD="$T/build" BIN="$T/bin" install \
    PREFIX=/opt/y DESTDIR="$T/dest2" >"$T/make.out" 2>&1; rc=$?
check "make install without gmime-3.0 fails, installs nothing" \
    sh -c "[ $rc -ne 0 ] && [ ! -e '$T/dest2' ] && grep -q 'gmime-3.0' '$T/make.out'"
check "... runs no apt-get" test ! -e "$T/called"
mk CC=/nonexistent/cc >"$T/make.out" 2>&1; rc=$?
check "make with CC=/nonexistent/cc fails naming the program" \
    sh -c "[ $rc -ne 0 ] && grep -q 'programs: /nonexistent/cc' '$T/make.out'"
# make demo may install: it calls contrib/install-deps (which, with
# gmime-3.0 still missing afterwards, gives up)
$FAKE make -C "$SRC" --no-print-directory BUILD="$T/build" BIN="$T/bin" demo >"$T/make.out" 2>&1
check "make demo with gmime-3.0 missing runs apt-get install" grep -q 'apt-get.* install ' "$T/called"
