#!/bin/sh
# deploy.sh - make check's entry to tests/mta/deploy: the README's
# installation steps run as written (make install into a prefix, the
# robot's account, the first maintainer, Postfix on loopback), a mail in
# by SMTP, the ack in a local Maildir (about 30 seconds).
#
# Like mta.sh it needs root and postfix; otherwise, or with
# AUTODBM_SKIP_MTA=1, it prints one "# skipped" line.  It runs once, with
# the plain build (it builds and installs its own copy).
# Run by tests/run-check with AUTODBM_BIN; prints "ok N NAME" / "not ok N NAME".
set -u
SRC=${AUTODBM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ "${AUTODBM_SKIP_MTA:-}" = 1 ]; then
    echo "# skipped: the deployment test (AUTODBM_SKIP_MTA=1)"; exit 0
fi
if [ "$(cd "${AUTODBM_BIN:-$SRC/bin}" && pwd)" != "$SRC/bin" ]; then
    echo "# skipped: the deployment test runs with the plain build only"; exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "# skipped: the deployment test needs root (tests/mta/deploy)"; exit 0
fi
if ! command -v postconf >/dev/null 2>&1; then
    echo "# skipped: the deployment test needs postfix"; exit 0
fi
exec "$SRC/tests/mta/deploy"
