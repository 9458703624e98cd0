#!/usr/bin/env python3
"""syncfuzz.py - garbage requests for autodbm-syncupdates (the CGI run
directly): random methods, Content-Types, charsets, boundaries, bodies
(valid requests with bytes flipped, cut or repeated, stray % escapes,
NULs, CR, overlong UTF-8, clearsigned-looking armor), CONTENT_LENGTH
right, short, long, absent or garbage, PATH_INFO, QUERY_STRING and
Accept.  A run passes when the CGI exits 0, writes a "Status: NNN"
response and its standard error holds no sanitizer report.

usage: syncfuzz.py CGI N SEED   (the environment gives AUTODBM_CONF)
Prints one line per failure and "runs=N failures=F"; exit 1 on a failure.
"""
import os
import random
import subprocess
import sys

CGI, N, SEED = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(SEED)

OBJ = (b'person:         Fuzz Person\naddress:        Street 1\nphone:          +31 20 1\n'
       b'e-mail:         f@example.net\nnic-hdl:        FZ%d-TEST\nmnt-by:         EVIL-MNT\n'
       b'source:         TEST\npassword:       evil-pw-6\n')
ARMOR = (b'-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n%s\n-----BEGIN PGP SIGNATURE-----\n\n'
         b'iHUEARYIAB0WIQQOyEPgQUz9xpisrlL7xz95qsU7IwUCaVZhhAAKCRD7xz95qsU7\n=06DC\n'
         b'-----END PGP SIGNATURE-----\n')
JUNK = [b'%', b'%0', b'%00', b'%zz', b'%C0%AF', b'%E0%80%AF', b'%FF', b'+', b'&', b'=', b'&&',
        b'\x00', b'\r', b'\r\n', b'\n\n', b'\xc0\xaf', b'\xff\xfe', b'--', b'DATA=', b'NEW=yes',
        b'HELP=no', b'DIFF=yes', b'ORIGIN=::1', b'%0D%0A', b'-----END PGP SIGNATURE-----\n']
CHARSETS = [None, 'utf-8', 'ISO-8859-1', 'UTF-16', 'utf-7', 'koi8-r', 'no-such', 'windows-1252',
            '"utf-8"', 'x' * 300, '']


def pct(b):
    return b''.join(b'%%%02X' % c if rnd.random() < 0.7 and not chr(c).isalnum() else bytes([c])
                    for c in b)


def mutate(b):
    b = bytearray(b)
    for _ in range(rnd.randrange(0, 8)):
        op = rnd.randrange(5)
        i = rnd.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(i, len(b) - 1)] = rnd.randrange(256)
        elif op == 1:
            b[i:i] = rnd.choice(JUNK)
        elif op == 2:
            del b[i:i + rnd.randrange(1, 40)]
        elif op == 3 and b:
            j = rnd.randrange(len(b))
            b[i:i] = b[j:j + rnd.randrange(1, 200)] * rnd.randrange(1, 4)
        else:
            b = b[:i]
    return bytes(b)


def data(k):
    t = OBJ % k
    if rnd.random() < 0.3:
        t = ARMOR % t
    if rnd.random() < 0.2:
        t = t.replace(b'\n', b'\r\n')
    return t


def request(k):
    env = {'REQUEST_METHOD': rnd.choice(['POST'] * 6 + ['GET', 'PUT', 'HEAD', '', 'post']),
           'REMOTE_ADDR': rnd.choice(['192.0.2.9', '127.0.0.2', '', 'junk', '::1'])}
    kind = rnd.choice(['url', 'url', 'multi', 'multi', 'other', 'none'])
    cs = rnd.choice(CHARSETS)
    params = [b'DATA=' + pct(data(k))]
    for p in (b'NEW', b'HELP', b'DIFF', b'REDIRECT', b'ORIGIN'):
        if rnd.random() < 0.2:
            params.append(p + b'=' + rnd.choice([b'yes', b'no', b'', b'1.2.3.4', b'%00']))
    rnd.shuffle(params)
    if kind == 'multi':
        bd = rnd.choice([b'b', b'-', b'x' * 70, b'fuzz"b', b''])
        ct = 'multipart/form-data; boundary="%s"' % bd.decode()
        parts = []
        for p in params:
            name, _, v = p.partition(b'=')
            hdr = b'Content-Disposition: form-data; name="%s"\r\n' % name
            if rnd.random() < 0.3:
                hdr += b'Content-Type: text/plain; charset=%s\r\n' % rnd.choice(
                    [b'utf-7', b'iso-8859-1', b'utf-16le', b'bogus'])
            if rnd.random() < 0.2:
                hdr += b'Content-Transfer-Encoding: %s\r\n' % rnd.choice(
                    [b'base64', b'quoted-printable', b'8bit', b'x-uue'])
            parts.append(b'--' + bd + b'\r\n' + hdr + b'\r\n' + (data(k) if name == b'DATA' else v)
                         + b'\r\n')
        body = b''.join(parts) + b'--' + bd + b'--\r\n'
    else:
        ct = rnd.choice(['application/x-www-form-urlencoded', 'text/plain', 'application/json',
                         'multipart/form-data', ';;;', 'application/x-www-form-urlencoded;'])
        body = b'&'.join(params)
    if cs is not None and rnd.random() < 0.6:
        ct += '; charset=' + cs
    if kind != 'none':
        env['CONTENT_TYPE'] = ct
    if rnd.random() < 0.7:
        body = mutate(body)
    cl = rnd.choice(['ok'] * 5 + ['short', 'long', 'none', 'junk', 'neg'])
    env['CONTENT_LENGTH'] = {'ok': str(len(body)), 'short': str(max(0, len(body) - 7)),
                             'long': str(len(body) + 9), 'none': '', 'junk': '12abc',
                             'neg': '-1'}[cl]
    if rnd.random() < 0.3:
        env['QUERY_STRING'] = mutate(b'HELP=yes&DATA=' + pct(data(k))).decode('latin-1').replace('\0', '')
    if rnd.random() < 0.2:
        env['PATH_INFO'] = rnd.choice(['/TEST', '/test/', '/RIPE', '//', '/' + 'A' * 500, '/T%00'])
    if rnd.random() < 0.2:
        env['HTTP_ACCEPT'] = 'text/html'
    if rnd.random() < 0.2:
        env['HTTP_X_FORWARDED_FOR'] = rnd.choice(['203.0.113.1', ',', '1.2.3.4, junk', '::1,::2'])
    if rnd.random() < 0.1:
        env['HTTPS'] = 'on'
    return env, body


failures = 0
for k in range(N):
    env, body = request(k)
    full = dict(os.environ)
    full.update({a: b for a, b in env.items() if b != ''})
    r = subprocess.run([CGI], input=body, env=full, capture_output=True, timeout=120)
    bad = None
    if r.returncode != 0:
        bad = 'exit %d' % r.returncode
    elif not r.stdout.startswith(b'Status: '):
        bad = 'no Status: line'
    elif b'Sanitizer' in r.stderr or b'runtime error' in r.stderr:
        bad = 'sanitizer report'
    if bad:
        failures += 1
        name = 'fail-%d-%d' % (SEED, k)
        with open(name + '.body', 'wb') as f:
            f.write(body)
        with open(name + '.env', 'w') as f:
            f.write(repr(env) + '\n')
        with open(name + '.err', 'wb') as f:
            f.write(r.stderr[-4000:])
        print('%s: %s (%s.*)' % (k, bad, name))
print('runs=%d failures=%d' % (N, failures))
sys.exit(1 if failures else 0)
