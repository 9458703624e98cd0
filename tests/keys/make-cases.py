#!/usr/bin/env python3
"""make-cases.py - write the signed mail cases tests/cases/pgp-*/ from the
test keys of this folder (see README).  Run once by a maintainer after a
change to the cases; the output is committed and make check never runs
this (it needs gpg, which only writes the signatures here).

Every signature is made with gpg --faked-system-time at 2026-01-01
11:59:00 UTC, one minute before the case runner's default clock
(-t 2026-01-01T12:00:00Z), so the mails replay forever.

usage: tests/keys/make-cases.py        (from anywhere)
It rewrites objects.rpsl, mail, mail.N, keyring, args and queries of the
pgp-* cases; expected/ is then written with tests/cases/run --update and
must be read before it is committed.
"""
import base64
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, '..', 'cases')
SIGTIME = '20260101T115900!'

KEYS = {}   # name -> dict(fpr, id8, pub)


def gpg(home, *args, data=None):
    cmd = ['gpg', '--homedir', home, '--batch', '--quiet', '--pinentry-mode', 'loopback',
           '--passphrase', '', '--no-auto-check-trustdb'] + list(args)
    r = subprocess.run(cmd, input=data, capture_output=True, check=True)
    return r.stdout


def setup(home):
    for k in ('alice', 'bob', 'carol', 'dave'):
        gpg(home, '--import', os.path.join(HERE, k + '.sec.asc'))
        out = gpg(home, '--with-colons', '--list-keys', k + '@example.com').decode()
        fpr = [l.split(':')[9] for l in out.splitlines() if l.startswith('fpr:')][0]
        with open(os.path.join(HERE, k + '.pub.asc')) as f:
            pub = f.read()
        KEYS[k] = {'fpr': fpr, 'id8': fpr[-8:], 'pub': pub,
                   'uid': '%s Example <%s@example.com>' % (k.capitalize(), k)}


def clearsign(home, key, text):
    return gpg(home, '--faked-system-time', SIGTIME, '--local-user', KEYS[key]['fpr'],
               '--clearsign', data=text.encode()).decode()


def detach(home, key, data):
    return gpg(home, '--faked-system-time', SIGTIME, '--local-user', KEYS[key]['fpr'],
               '--armor', '--detach-sign', data=data).decode()


def spaced(fpr):
    g = [fpr[i:i + 4] for i in range(0, 40, 4)]
    return ' '.join(g[:5]) + '  ' + ' '.join(g[5:])


def certif(armored):
    return ''.join('certif:         %s\n' % l if l else 'certif:\n'
                   for l in armored.rstrip('\n').split('\n'))


def keycert(key, name=None, generated=True, fpr_of=None):
    k = KEYS[key]
    f = KEYS[fpr_of or key]
    s = 'key-cert:       %s\n' % (name or 'PGPKEY-' + k['id8'])
    if generated:
        s += 'method:         PGP\nowner:          %s\nfingerpr:       %s\n' % (
            f['uid'], spaced(f['fpr']))
    return s + certif(k['pub']) + 'mnt-by:         TEST-MNT\nsource:         TEST\n'


MNTNER_HEAD = '''mntner:         TEST-MNT
descr:          Maintainer of the test registry
admin-c:        TP1-TEST
upd-to:         upd-to@example.net
mnt-nfy:        mnt-nfy@example.net
auth:           MD5-PW $1$TeStSaLt$71i7IldTiesbig8KEbqu..
'''


def mntner(pgpkeys):
    s = MNTNER_HEAD
    for k in pgpkeys:
        s += 'auth:           PGPKEY-%s\n' % k
    return s + 'mnt-by:         TEST-MNT\nsource:         TEST\n'


PERSON = '''person:         Test Person
address:        Example Street 1
address:        Amsterdam
phone:          +31 20 123 4567
e-mail:         tp1@example.net
nic-hdl:        TP1-TEST
mnt-by:         TEST-MNT
source:         TEST
'''


def person(remark):
    return PERSON.replace('nic-hdl:', 'remarks:        %s\nnic-hdl:' % remark)


def new_person(n):
    return '''person:         Second Person
address:        Example Street %d
phone:          +31 20 765 4321
e-mail:         sp%d@example.net
nic-hdl:        SP%d-TEST
mnt-by:         TEST-MNT
source:         TEST
''' % (n, n, n)


def objects(*extra, mnt=None):
    head = ('# Starting registry of a signed mail case (tests/keys/make-cases.py).\n'
            '# TEST-MNT: MD5-PW "kumquat-42" and the PGPKEY- lines below.\n\n')
    mnt = mnt if mnt is not None else mntner([KEYS['alice']['id8'], KEYS['carol']['id8'],
                                               KEYS['dave']['id8']])
    base = [mnt, PERSON, keycert('alice'), keycert('carol'), keycert('dave')]
    return head + '\n'.join(base + list(extra))


def headers(name, n=1, ctype='text/plain; charset=us-ascii', extra=''):
    mid = '<pgp-%s.%d@example.com>' % (name, n)
    return ('From: Alice Example <alice@example.com>\n'
            'To: auto-dbm@example.net\n'
            'Subject: signed update\n'
            'Date: Thu, 01 Jan 2026 11:59:00 +0000\n'
            'Message-ID: %s\n'
            'MIME-Version: 1.0\n'
            'Content-Type: %s\n%s\n' % (mid, ctype, extra))


def plain_mail(name, body, n=1):
    return headers(name, n, extra='Content-Transfer-Encoding: 7bit\n') + body


def crlf(s):
    return s.replace('\r\n', '\n').replace('\n', '\r\n')


def pgpmime_mail(home, name, key, part, n=1):
    """multipart/signed over @part (headers + body, LF line ends)."""
    sig = detach(home, key, crlf(part).encode())
    b = 'signed-%s' % name
    ctype = ('multipart/signed; micalg=pgp-sha512;\n protocol="application/pgp-signature";'
             ' boundary="%s"' % b)
    return (headers(name, n, ctype) +
            'This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\n'
            '--%s\n%s\n--%s\n'
            'Content-Type: application/pgp-signature; name="signature.asc"\n'
            'Content-Description: OpenPGP digital signature\n'
            'Content-Disposition: attachment; filename="signature.asc"\n\n'
            '%s\n--%s--\n' % (b, part, b, sig.rstrip('\n'), b))


def write_case(name, files, prefix='pgp-', encoding=None):
    """tests/cases/PREFIX+NAME/ holds exactly @files (and its expected/);
    the other generators (make-attack-*.py, ...) write theirs with it."""
    d = os.path.join(CASES, prefix + name)
    os.makedirs(d, exist_ok=True)
    for stale in set(os.listdir(d)) - set(files) - {'expected'}:
        os.remove(os.path.join(d, stale))
    for f, text in files.items():
        with open(os.path.join(d, f), 'w', newline='', encoding=encoding) as fp:
            fp.write(text)


def run(build):
    """The test keys in a throwaway GnuPG home, build(home), then the home
    removed: every generator's main."""
    home = tempfile.mkdtemp()
    try:
        setup(home)
        build(home)
    finally:
        shutil.rmtree(home)


def main():
    run(build)


def build(home):
    A, B, C, D = (KEYS[k]['id8'] for k in ('alice', 'bob', 'carol', 'dave'))
    upd = person('changed by a signed mail')
    pw = 'password:       kumquat-42\n'

    # key-cert create: generated attributes; supplied ones replaced
    kc = keycert('bob', generated=False).replace(
        'certif:', 'method:         X509\nowner:          Somebody Else <else@example.com>\n'
        'fingerpr:       0000 1111 2222 3333 4444  5555 6666 7777 8888 9999\ncertif:', 1)
    write_case('keycert-create', {
        'objects.rpsl': objects(),
        'mail': plain_mail('keycert-create', kc + '\n' + mntner([A, C, D, B]) + pw),
        'mail.2': plain_mail('keycert-create', clearsign(home, 'bob', person('signed by bob')), 2),
        'queries': 'PGPKEY-%s\n-r TP1-TEST\n' % B,
    })
    # two keys in one certif:
    two = gpg(home, '--armor', '--export', KEYS['bob']['fpr'], KEYS['alice']['fpr']).decode()
    write_case('keycert-two-keys', {
        'objects.rpsl': objects(),
        'mail': plain_mail('keycert-two-keys', 'key-cert:       PGPKEY-%s\n' % B + certif(two) +
                           'mnt-by:         TEST-MNT\nsource:         TEST\n' + pw),
        'queries': 'PGPKEY-%s\n' % B,
    })
    # a secret key
    with open(os.path.join(HERE, 'bob.sec.asc')) as f:
        sec = f.read()
    write_case('keycert-secret', {
        'objects.rpsl': objects(),
        'mail': plain_mail('keycert-secret', 'key-cert:       PGPKEY-%s\n' % B + certif(sec) +
                           'mnt-by:         TEST-MNT\nsource:         TEST\n' + pw),
        'queries': 'PGPKEY-%s\n' % B,
    })
    # the name does not match the key
    write_case('keycert-wrong-name', {
        'objects.rpsl': objects(),
        'mail': plain_mail('keycert-wrong-name', keycert('bob', name='PGPKEY-12345678',
                                                         generated=False) + pw),
        'queries': 'PGPKEY-12345678\n',
    })
    # delete: the key leaves the keyring after the commit; a later mail
    # signed by it fails although TEST-MNT names the key-cert again
    write_case('keycert-delete', {
        'objects.rpsl': objects(keycert('bob')),
        'mail': plain_mail('keycert-delete', keycert('bob') + 'delete:         not needed\n'
                           + pw + '\n' + mntner([A, C, D, B]) + pw),
        'mail.2': plain_mail('keycert-delete', clearsign(home, 'bob', person('signed by bob')), 2),
        'queries': 'PGPKEY-%s\n-r TP1-TEST\n' % B,
    })
    # inline clearsigned
    write_case('inline', {
        'objects.rpsl': objects(),
        'mail': plain_mail('inline', clearsign(home, 'alice', upd)),
        'queries': '-r TP1-TEST\n',
    })
    # PGP/MIME, text/plain signed part
    part = 'Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n' + upd
    write_case('mime', {
        'objects.rpsl': objects(),
        'mail': pgpmime_mail(home, 'mime', 'alice', part),
        'queries': '-r TP1-TEST\n',
    })
    # PGP/MIME over multipart/mixed with an attachment
    att = base64.encodebytes(bytes(range(0, 256)) * 2).decode()
    part = ('Content-Type: multipart/mixed; boundary="inner-mixed"\n\n'
            '--inner-mixed\nContent-Type: text/plain; charset=us-ascii\n'
            'Content-Transfer-Encoding: 7bit\n\n' + upd + '\n'
            '--inner-mixed\nContent-Type: application/octet-stream; name="blob.bin"\n'
            'Content-Transfer-Encoding: base64\n'
            'Content-Disposition: attachment; filename="blob.bin"\n\n' + att +
            '--inner-mixed--\n')
    write_case('mime-mixed', {
        'objects.rpsl': objects(),
        'mail': pgpmime_mail(home, 'mime-mixed', 'alice', part),
        'queries': '-r TP1-TEST\n',
    })
    # nested clearsign: bob inside, alice outside; TEST-MNT
    # accepts only bob's key-cert, so the inner signature must count
    write_case('nested', {
        'objects.rpsl': objects(keycert('bob'), mnt=mntner([B])),
        'mail': plain_mail('nested', clearsign(home, 'alice', clearsign(home, 'bob', upd))),
        'queries': '-r TP1-TEST\n',
    })
    # signed by a key the registry does not know
    write_case('unknown-key', {
        'objects.rpsl': objects(),
        'mail': plain_mail('unknown-key', clearsign(home, 'bob', upd)),
        'queries': '-r TP1-TEST\n',
    })
    # a key in the keyring without a key-cert in the store (the store is
    # the truth): TEST-MNT names PGPKEY-bob, which does not exist
    write_case('stale-keyring', {
        'objects.rpsl': objects(mnt=mntner([A, B])),
        'keyring': KEYS['bob']['pub'],
        'mail': plain_mail('stale-keyring', clearsign(home, 'bob', upd)),
        'queries': '-r TP1-TEST\n',
    })
    # signed by carol's signing subkey: counts for carol's key-cert
    write_case('subkey', {
        'objects.rpsl': objects(mnt=mntner([C])),
        'mail': plain_mail('subkey', clearsign(home, 'carol', upd)),
        'queries': '-r TP1-TEST\n',
    })
    # dave's key expired at 11:59:30, the robot runs at 12:00:00
    write_case('expired', {
        'objects.rpsl': objects(),
        'mail': plain_mail('expired', clearsign(home, 'dave', upd)),
        'queries': '-r TP1-TEST\n',
    })
    # the signed text was changed after signing
    write_case('tampered', {
        'objects.rpsl': objects(),
        'mail': plain_mail('tampered', clearsign(home, 'alice', upd).replace(
            'Example Street 1', 'Example Street 9')),
        'queries': '-r TP1-TEST\n',
    })
    # too old: the same kind of mail, the robot's clock 90 minutes later
    write_case('too-old', {
        'objects.rpsl': objects(),
        'mail': plain_mail('too-old', clearsign(home, 'alice', upd)),
        'args': '-t 2026-01-01T13:30:00Z\n',
        'queries': '-r TP1-TEST\n',
    })
    # replay: a signed change, a later change by password, then the first
    # signed text again in a new mail (new Message-ID): refused
    v1 = clearsign(home, 'alice', person('version 1'))
    write_case('replay', {
        'objects.rpsl': objects(),
        'mail': plain_mail('replay', v1),
        'mail.2': plain_mail('replay', person('version 2') + pw, 2),
        'mail.3': plain_mail('replay', v1, 3),
        'queries': '-r TP1-TEST\n',
    })
    # an MTA redelivery of a signed mail (same Message-ID): handled once
    write_case('redelivery', {
        'objects.rpsl': objects(),
        'mail': plain_mail('redelivery', clearsign(home, 'alice', upd)),
        'repeat': '2\n',
        'queries': '-r TP1-TEST\n',
    })
    # signature wrapping: an unsigned object after the signed block
    write_case('wrapping', {
        'objects.rpsl': objects(),
        'mail': plain_mail('wrapping', clearsign(home, 'alice', upd) + '\n' + new_person(2)),
        'queries': '-r TP1-TEST\n-r SP2-TEST\n',
    })
    # a key whose short id is a key-cert's name, with another fingerprint:
    # PGPKEY-<bob> in the store holds alice's key; bob signs
    write_case('shortid-collision', {
        'objects.rpsl': objects(keycert('alice', name='PGPKEY-' + B), mnt=mntner([B])),
        'keyring': KEYS['bob']['pub'],
        'mail': plain_mail('shortid-collision', clearsign(home, 'bob', upd)),
        'queries': '-r TP1-TEST\n',
    })


if __name__ == '__main__':
    main()
