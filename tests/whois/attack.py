#!/usr/bin/env python3
"""attack.py - hostile clients for tests/cmd/whoisd_attack.sh (loopback
only, source addresses 127.0.0.2 and up to play many clients; every
socket has a timeout, every loop is bounded).

  attack.py PORT PID flood SECONDS LINE
        one connection sends "!!" then LINE over and over for SECONDS
        without ever reading; prints "GROWTH_KB LINES": how far the
        server's anonymous memory (heap) grew, and how many lines went out
  attack.py PORT PID readers N PER LINE CONTROL
        N connections, PER from each source address (127.0.0.2 ...), each
        sends LINE and then reads nothing (a tiny receive buffer); while
        they hang, a control client (127.0.0.250) sends CONTROL; prints
        "control SECONDS FIRST_LINE_OF_ITS_ANSWER RSSANON_KB" (the server's
        heap while they hang)
  attack.py PORT PID waiter N LINE QUERY
        N slow readers of LINE (one address each) hang; a client sends
        QUERY and waits 1 s; then the readers go away; prints "before
        FIRST_LINE" (what came in that second, "-" for nothing) and
        "after SECONDS FIRST_LINE" (its answer once they left)
  attack.py PORT PID heavy QUERY CONTROL
        one client sends QUERY; 50 ms later a control client (127.0.0.250)
        sends CONTROL; prints "SECONDS CONTROL_SECONDS BYTES HEAP_KB
        FIRST": the time of the heavy answer, of the control's, the heavy
        answer's size, how far the server's peak RSS (VmHWM) rose, and
        the heavy answer's first line
  attack.py PORT PID hang N SECONDS LINE
        N slow readers of LINE (3 per address) hang for SECONDS, then go
"""
import socket
import sys
import time


def status(pid):
    d = dict(l.split(':', 1) for l in open('/proc/%s/status' % pid))
    return int(d['RssAnon'].split()[0])


def conn(port, src, timeout=10, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((src, 0))
    s.connect(('127.0.0.1', port))
    return s


def control(port, line):
    t0 = time.time()
    try:
        s = conn(port, '127.0.0.250', 10)
        s.sendall(line.encode() + b'\n')
        out = b''
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except OSError as e:
        out = b'<%s>' % type(e).__name__.encode()
    first = out.split(b'\n', 1)[0].decode('latin-1')
    return time.time() - t0, first


def main():
    port, pid, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    if mode == 'flood':
        secs, line = float(sys.argv[4]), sys.argv[5].encode() + b'\n'
        s = conn(port, '127.0.0.2', 1, rcvbuf=4096)
        base = status(pid)
        s.sendall(b'!!\n')
        s.setblocking(False)
        chunk = line * (4096 // len(line) + 1)
        t0, sent, peak = time.time(), 0, 0
        while time.time() - t0 < secs:
            try:
                sent += s.send(chunk)
            except BlockingIOError:
                time.sleep(0.01)
            except OSError:
                break
            peak = max(peak, status(pid) - base)
        peak = max(peak, status(pid) - base)
        print(peak, sent // len(line))
        s.close()
    elif mode == 'readers':
        n, per, line, ctl = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7]
        socks = []
        for i in range(n):
            src = '127.0.0.%d' % (2 + i // per)
            try:
                s = conn(port, src, 10, rcvbuf=4096)
                s.sendall(line.encode() + b'\n')
                socks.append(s)
            except OSError:
                pass
        time.sleep(1.0)  # let them all start their answers
        secs, first = control(port, ctl)
        print('control %.1f %s %d' % (secs, first, status(pid)))
        for s in socks:
            s.close()
    elif mode == 'waiter':
        n, line, query = int(sys.argv[4]), sys.argv[5], sys.argv[6]
        socks = []
        for i in range(n):
            s = conn(port, '127.0.0.%d' % (2 + i), 10, rcvbuf=4096)
            s.sendall(line.encode() + b'\n')
            socks.append(s)
        time.sleep(0.5)
        q = conn(port, '127.0.0.250', 10)
        q.sendall(query.encode() + b'\n')
        q.settimeout(1)
        try:
            got = q.recv(65536)
        except socket.timeout:
            got = b''
        print('before', got.split(b'\n', 1)[0].decode('latin-1') or '-')
        for s in socks:
            s.close()
        q.settimeout(10)
        t0, out = time.time(), got
        try:
            while True:
                b = q.recv(65536)
                if not b:
                    break
                out += b
        except OSError:
            pass
        print('after %.1f %s' % (time.time() - t0, out.split(b'\n', 1)[0].decode('latin-1')))
    elif mode == 'heavy':
        query, ctl = sys.argv[4], sys.argv[5]
        d = dict(l.split(':', 1) for l in open('/proc/%s/status' % pid))
        hwm0 = int(d['VmHWM'].split()[0])
        t0 = time.time()
        s = conn(port, '127.0.0.2', 100)
        s.sendall(query.encode() + b'\n')
        time.sleep(0.05)
        csecs, _ = control(port, ctl)
        out = b''
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            out += b
        secs = time.time() - t0
        d = dict(l.split(':', 1) for l in open('/proc/%s/status' % pid))
        hwm = int(d['VmHWM'].split()[0])
        print('%.2f %.2f %d %d %s' % (secs, csecs, len(out), hwm - hwm0,
                                      out.split(b'\n', 1)[0].decode('latin-1')))
    elif mode == 'hang':
        n, secs, line = int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
        socks = []
        for i in range(n):
            try:
                s = conn(port, '127.0.0.%d' % (2 + i // 3), 10, rcvbuf=4096)
                s.sendall(line.encode() + b'\n')
                socks.append(s)
            except OSError:
                pass
        time.sleep(secs)
        for s in socks:
            s.close()


main()
