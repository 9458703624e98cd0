#!/usr/bin/env python3
"""client.py - the NRTM test client of tests/cmd/nrtm_server.sh (loopback
only, every socket with a timeout, every loop bounded).

  client.py PORT req LINE [SRCADDR]   send LINE + LF (Python escapes), print
                                      what comes back until the server closes
                                      (from SRCADDR, e.g. 127.0.0.2, if given)
  client.py PORT keep LINE OUT SECS   send LINE + LF, append what comes back to
                                      the file OUT as it comes, for at most SECS
                                      seconds (a -k stream: run it in the
                                      background)
  client.py PORT many N LINE          open N connections at once, then send
                                      LINE on each; print what each one got
                                      (line ends as "|"), one a line, in order
"""
import socket
import sys
import time


def connect(port, timeout=10, src=None):
    return socket.create_connection(('127.0.0.1', port), timeout=timeout,
                                    source_address=(src, 0) if src else None)


def read_all(s, limit=256 << 20):
    out = b''
    try:
        while len(out) < limit:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except socket.timeout:
        out += b'<TIMEOUT>'
    except ConnectionResetError:
        out += b'<RESET>'
    return out


def unescape(s):
    return s.encode('latin-1').decode('unicode_escape').encode('latin-1')


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    if mode == 'req':
        src = sys.argv[4] if len(sys.argv) > 4 else None
        s = connect(port, 20, src)
        s.sendall(unescape(sys.argv[3]) + b'\n')
        sys.stdout.buffer.write(read_all(s))
    elif mode == 'keep':
        out, secs = sys.argv[4], float(sys.argv[5])
        s = connect(port, 1)
        s.sendall(unescape(sys.argv[3]) + b'\n')
        t0 = time.time()
        with open(out, 'ab') as f:
            while time.time() - t0 < secs:
                try:
                    b = s.recv(65536)
                except socket.timeout:
                    continue
                if not b:
                    break
                f.write(b)
                f.flush()
    elif mode == 'many':
        n, line = int(sys.argv[3]), unescape(sys.argv[4])
        socks = [connect(port) for _ in range(n)]
        time.sleep(0.5)
        for s in socks:
            try:
                s.sendall(line + b'\n')
            except OSError:
                pass
        for s in socks:
            print(read_all(s).decode('latin-1').replace('\n', '|'))
    else:
        sys.exit('client.py: unknown mode ' + mode)


main()
