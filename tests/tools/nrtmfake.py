#!/usr/bin/env python3
"""nrtmfake.py - a fake NRTM server for autodbm-mirror's tests: canned
answers on 127.0.0.1, a free port.

    nrtmfake.py PORTFILE LOGFILE ANSWER...

Binds 127.0.0.1 on a port the kernel picks and writes it to PORTFILE
(written at once, then renamed, so a reader never sees half of it).
Connection number i (from 0) reads one request line, appends it to
LOGFILE (one line per request), sends the bytes of the file ANSWER[i]
(the last one again for every further connection) and closes; a file
whose name ends in ".hold" is sent and the connection kept open until
the client closes it (a -k stream that goes quiet).  Serves one
connection at a time; exits after 10 minutes, or when killed.
"""
import os
import socket
import sys
import time


def main():
    if len(sys.argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    portfile, logfile, answers = sys.argv[1], sys.argv[2], sys.argv[3:]
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    end = time.time() + 600
    n = 0
    srv.settimeout(1.0)
    while time.time() < end:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        conn.settimeout(10.0)
        req = b""
        try:
            while b"\n" not in req and len(req) < 4096:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                req += chunk
        except socket.timeout:
            pass
        with open(logfile, "ab") as f:
            f.write(req.split(b"\n")[0].rstrip(b"\r") + b"\n")
        name = answers[min(n, len(answers) - 1)]
        n += 1
        try:
            with open(name, "rb") as f:
                conn.settimeout(None)
                conn.sendfile(f)
            if name.endswith(".hold"):
                conn.settimeout(None)
                while conn.recv(4096):
                    pass
        except OSError:
            pass
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
