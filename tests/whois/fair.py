#!/usr/bin/env python3
"""fair.py - fairness of autodbm-whoisd (tests/cmd/whoisd_fair.sh):
heavy "!" commands from a few connections must not delay a control
client's cheap queries.  Loopback only, every socket with a timeout,
every loop bounded.

  fair.py PORT HEAVY CONNS SECONDS CONTROL...

HEAVY is a "!" command ("!aAS-HEAVY"), CONTROL the cheap queries the
control client sends in turn ("!" commands on one persistent connection,
others as one-shot RIPE-style queries read to the close).  First HEAVY
alone, three times: its best time H.  Then CONNS connections send HEAVY
again and again ("!!" mode, each answer read whole) for SECONDS, and
meanwhile the control client sends its queries, one every 0.1 s, timing
each answer.  Prints "H MEDIAN MAX CONTROLS HEAVIES" (seconds; CONTROLS
answers of the control client, HEAVIES answers of the heavy ones).
"""
import socket
import sys
import threading
import time


def connect(port):
    return socket.create_connection(('127.0.0.1', port), timeout=30)


class Reader:
    def __init__(self, s):
        self.s, self.buf = s, b''

    def fill(self):
        b = self.s.recv(1 << 20)
        if not b:
            raise EOFError('closed')
        self.buf += b

    def line(self):
        while b'\n' not in self.buf:
            self.fill()
        i = self.buf.index(b'\n') + 1
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def take(self, n):
        while len(self.buf) < n:
            self.fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def answer(self):
        """One "!" answer: A<n> data C, C, D or F."""
        first = self.line()
        if first.startswith(b'A'):
            self.take(int(first[1:]))
            if self.line() != b'C\n':
                raise ValueError('no C after the data')
        elif first[:1] not in (b'C', b'D', b'F'):
            raise ValueError('not an answer: %r' % first[:80])
        return first


def persistent(port):
    s = connect(port)
    s.sendall(b'!!\n')
    return s, Reader(s)


def timed(r, s, cmd):
    t0 = time.monotonic()
    s.sendall(cmd.encode() + b'\n')
    first = r.answer()
    if first.startswith(b'F'):
        raise ValueError('%s: %r' % (cmd, first))
    return time.monotonic() - t0


def oneshot(port, query):
    t0 = time.monotonic()
    s = connect(port)
    s.sendall(query.encode() + b'\n')
    got = b''
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    s.close()
    if b'%ERROR' in got or not got:
        raise ValueError('%s: %r' % (query, got[:200]))
    return time.monotonic() - t0


def main():
    port, heavy, conns, seconds = (int(sys.argv[1]), sys.argv[2],
                                   int(sys.argv[3]), float(sys.argv[4]))
    controls = sys.argv[5:]
    s, r = persistent(port)
    h = min(timed(r, s, heavy) for _ in range(3))
    s.close()

    stop = threading.Event()
    heavies = [0] * conns
    errors = []

    def hammer(i):
        try:
            hs, hr = persistent(port)
            while not stop.is_set():
                timed(hr, hs, heavy)
                heavies[i] += 1
            hs.close()
        except Exception as e:  # reported, the test fails
            errors.append('heavy %d: %s' % (i, e))

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(conns)]
    for t in threads:
        t.start()
    time.sleep(min(1.0, seconds / 4))
    lat = []
    try:
        cs, cr = persistent(port)
        end = time.monotonic() + seconds
        k = 0
        while time.monotonic() < end and not errors:
            q = controls[k % len(controls)]
            k += 1
            lat.append(timed(cr, cs, q) if q.startswith('!')
                       else oneshot(port, q))
            time.sleep(0.1)
        cs.close()
    except Exception as e:
        errors.append('control: %s' % e)
    finally:
        stop.set()
        for t in threads:
            t.join(120)
    if errors or not lat:
        print('errors:', *errors)
        sys.exit(1)
    lat.sort()
    print('%.3f %.3f %.3f %d %d' % (h, lat[len(lat) // 2], lat[-1], len(lat),
                                    sum(heavies)))


main()
