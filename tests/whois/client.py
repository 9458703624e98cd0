#!/usr/bin/env python3
"""client.py - the test client of tests/cmd/whoisd.sh (loopback only,
every socket with a timeout, every loop bounded).

  client.py PORT send BYTES        send BYTES (Python escapes: \\n \\r \\0),
                                   print what comes back until EOF
  client.py PORT slow PID QUERY    read the answer to QUERY slowly; print
                                   "BYTES PEAK_VMRSS_KB GROWTH_KB" of PID: its
                                   peak RSS, and how far its anonymous memory
                                   (heap) grew over what it was before
  client.py PORT idle SECONDS      connect, send nothing, print what comes
                                   back and "closed after N s" (or "open")
  client.py PORT send_idle BYTES SECONDS
                                   send BYTES, then print what comes back
                                   and "closed after N s" (at most SECONDS)
  client.py PORT trickle SECONDS   send "!gAS" one byte a second, for at most
                                   SECONDS; print what comes back and
                                   "closed after N s"
  client.py PORT many N            open N connections at once; print how
                                   many got %ERROR:306 and how many not
  client.py PORT garbage N SEED    N connections, each sending random lines
"""
import random
import socket
import sys
import time


def connect(port, timeout=10):
    return socket.create_connection(('127.0.0.1', port), timeout=timeout)


def read_all(s, limit=64 << 20):
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


def status(pid):
    d = dict(l.split(':', 1) for l in open('/proc/%s/status' % pid))
    return int(d['VmRSS'].split()[0]), int(d['RssAnon'].split()[0])


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    if mode == 'send':
        data = sys.argv[3].encode('latin-1').decode('unicode_escape').encode('latin-1')
        s = connect(port)
        s.sendall(data)
        sys.stdout.buffer.write(read_all(s))
    elif mode == 'slow':
        pid, query = sys.argv[3], sys.argv[4]
        s = connect(port, 30)
        base = status(pid)[1]
        s.sendall(query.encode() + b'\n')
        total = peak = peaka = n = 0
        t0 = time.time()
        while time.time() - t0 < 120:
            b = s.recv(16384)
            if not b:
                break
            total += len(b)
            n += 1
            if n % 16 == 0:
                r, a = status(pid)
                peak, peaka = max(peak, r), max(peaka, a)
            time.sleep(0.005)
        print(total, peak, peaka - base)
    elif mode == 'idle':
        wait = float(sys.argv[3])
        s = connect(port, wait + 10)
        t0 = time.time()
        out = read_all(s)
        sys.stdout.buffer.write(out)
        print('closed after %d s' % round(time.time() - t0))
    elif mode == 'send_idle':
        data = sys.argv[3].encode('latin-1').decode('unicode_escape').encode('latin-1')
        wait = float(sys.argv[4])
        s = connect(port, wait)
        t0 = time.time()
        s.sendall(data)
        out = read_all(s)
        sys.stdout.buffer.write(out.replace(b'<TIMEOUT>', b''))
        if out.endswith(b'<TIMEOUT>'):
            print('open after %d s' % round(time.time() - t0))
        else:
            print('closed after %d s' % round(time.time() - t0))
    elif mode == 'trickle':
        limit = float(sys.argv[3])
        s = connect(port, limit + 10)
        s.setblocking(False)
        t0, out = time.time(), b''
        data = b'!gAS' + b'3' * 100
        i = 0
        while time.time() - t0 < limit:
            try:
                s.send(data[i:i + 1])
                i += 1
            except OSError:
                break
            time.sleep(1)
            try:
                b = s.recv(4096)
                out += b
                if not b:
                    break
            except BlockingIOError:
                pass
            except OSError:
                break
        sys.stdout.buffer.write(out)
        print('closed after %d s' % round(time.time() - t0))
    elif mode == 'many':
        n = int(sys.argv[3])
        socks = []
        for _ in range(n):
            socks.append(connect(port))
        refused = other = 0
        for s in socks:
            s.settimeout(0.2)
            try:
                b = s.recv(4096)
            except socket.timeout:
                b = None
            if b and b.startswith(b'%ERROR:306'):
                refused += 1
            else:
                other += 1
        print('refused %d open %d' % (refused, other))
        for s in socks:
            s.close()
    elif mode == 'garbage':
        n, rnd = int(sys.argv[3]), random.Random(int(sys.argv[4]))
        for _ in range(n):
            s = connect(port, 5)
            lines = []
            for _ in range(rnd.randint(1, 5)):
                k = rnd.choice(['bytes', 'bang', 'ripe'])
                if k == 'bytes':
                    line = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 300)))
                elif k == 'bang':
                    line = b'!' + bytes(rnd.choice(b'!aAgG6iImMoOrRsStTjvVnq0123456789,./:^-+ *lLM')
                                        for _ in range(rnd.randint(0, 40)))
                else:
                    line = b'-' + bytes(rnd.choice(b'abcdefgikKlLmMqrsTtvVx -') for _ in range(rnd.randint(0, 30)))
                lines.append(line)
            try:
                # "!q" ends what "!!" or "-k" keeps open
                s.sendall(b'!!\n' * rnd.randint(0, 1) + b'\n'.join(lines) + b'\n!q\n')
                read_all(s, 1 << 20)
            except OSError:
                pass
            s.close()
        print('sent %d' % n)


main()
