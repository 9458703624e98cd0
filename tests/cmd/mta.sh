#!/bin/sh
# mta.sh - make check's entry to the MTA tests (tests/mta/run): a private
# Postfix on loopback runs the robot through the master.cf pipe service,
# an aliases command, procmail and maildrop (about 10 seconds).
#
# tests/mta/run needs root and a machine where postfix may be installed.
# When that is not so, this wrapper prints one "# skipped" line and no
# ok/not ok line (nothing is counted as passed); run tests/mta/run
# directly to see it fail with the reason.  AUTODBM_SKIP_MTA=1 skips too.
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ "${AUTODBM_SKIP_MTA:-}" = 1 ]; then
    echo "# skipped: the MTA tests (AUTODBM_SKIP_MTA=1)"; exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "# skipped: the MTA tests need root (tests/mta/run)"; exit 0
fi
if ! command -v postconf >/dev/null 2>&1 && [ -e /usr/sbin/sendmail ]; then
    echo "# skipped: the MTA tests: another MTA provides /usr/sbin/sendmail and postfix is not installed"
    exit 0
fi
exec "$SRC/tests/mta/run"
