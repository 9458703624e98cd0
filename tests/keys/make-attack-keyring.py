#!/usr/bin/env python3
"""make-attack-keyring.py - write the attack cases of issue 10, holes 3 and 4
(tests/cases/attack-keyring-*), from the test keys of this folder.

Run by a maintainer after a change to these cases; the output is committed
and make check never runs this.  It needs gpg (through make-cases.py, for
alice's clearsigned mails) and python3-cryptography (Ed25519, for the
stranger's key, built packet by packet so that it is the same every run).

Hole 3, replay by re-encoding: alice's signed change (the mail of the
pgp-replay case) is delivered, changed again by password, then replayed
with its signature packet encoded differently (a new-format packet header,
an old-format header with a two-byte length, the unhashed subpackets
rewritten): gpg verifies each, and each must be refused as a replay.

Hole 4, keyring lock-out: a stranger's key whose authentication-only
subkey is alice's primary key packet (re-tagged as a public-subkey packet,
bound by the stranger's own signature; no back-signature is needed for a
subkey that does not sign).  He submits it as his key-cert, maintained by
his own mntner, first in a dry run and then for real; afterwards alice's
genuine signed update must still succeed.

usage: tests/keys/make-attack-keyring.py        (from anywhere)
then tests/cases/run --update attack-keyring-...; read expected/ before
committing.
"""
import base64
import hashlib
import importlib.util
import os
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

HERE = os.path.dirname(os.path.abspath(__file__))

_spec = importlib.util.spec_from_file_location('make_cases', os.path.join(HERE, 'make-cases.py'))
mc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mc)

# ---- OpenPGP packets (RFC 4880), only what is needed here ---------------

ED25519_OID = bytes.fromhex('2B06010401DA470F01')
KEY_TIME = 1764547200           # 2025-12-01 00:00:00 UTC
SIG_TIME = 1764547260


def new_packet(tag, body):
    """A packet with a new-format header (one, two or five length octets)."""
    n = len(body)
    if n < 192:
        ln = bytes([n])
    elif n < 8384:
        n -= 192
        ln = bytes([(n >> 8) + 192, n & 0xFF])
    else:
        ln = b'\xff' + struct.pack('>I', n)
    return bytes([0xC0 | tag]) + ln + body


def old_packet(tag, body, lenlen=None):
    """A packet with an old-format header; @lenlen forces 1, 2 or 4 octets."""
    n = len(body)
    if lenlen is None:
        lenlen = 1 if n < 256 else 2 if n < 65536 else 4
    code = {1: 0, 2: 1, 4: 2}[lenlen]
    return bytes([0x80 | (tag << 2) | code]) + n.to_bytes(lenlen, 'big') + body


def packets(data):
    """[(tag, body)] of binary OpenPGP data."""
    out = []
    i = 0
    while i < len(data):
        h = data[i]
        i += 1
        assert h & 0x80
        if h & 0x40:
            tag = h & 0x3F
            o = data[i]
            if o < 192:
                n, i = o, i + 1
            elif o < 224:
                n, i = ((o - 192) << 8) + data[i + 1] + 192, i + 2
            else:
                assert o == 255, 'partial lengths are not used here'
                n, i = struct.unpack('>I', data[i + 1:i + 5])[0], i + 5
        else:
            tag = (h >> 2) & 0x0F
            lenlen = [1, 2, 4][h & 3]
            n = int.from_bytes(data[i:i + lenlen], 'big')
            i += lenlen
        out.append((tag, data[i:i + n]))
        i += n
    return out


def crc24(data):
    crc = 0xB704CE
    for b in data:
        crc ^= b << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def armor(kind, data):
    b = base64.b64encode(data).decode()
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    c = base64.b64encode(crc24(data).to_bytes(3, 'big')).decode()
    return ('-----BEGIN PGP %s-----\n\n%s\n=%s\n-----END PGP %s-----\n'
            % (kind, '\n'.join(lines), c, kind))


def dearmor(text):
    lines = text.strip().split('\n')
    body = lines[lines.index('') + 1:]
    b64 = ''.join(l for l in body if not l.startswith('=') and not l.startswith('-----'))
    return base64.b64decode(b64)


def mpi(b):
    v = int.from_bytes(b, 'big')
    return struct.pack('>H', v.bit_length()) + v.to_bytes((v.bit_length() + 7) // 8, 'big')


def key_body(pub32, when):
    return (b'\x04' + struct.pack('>I', when) + bytes([22, len(ED25519_OID)]) + ED25519_OID +
            mpi(b'\x40' + pub32))


def fingerprint(body):
    return hashlib.sha1(b'\x99' + struct.pack('>H', len(body)) + body).hexdigest().upper()


def subpacket(typ, data):
    return bytes([len(data) + 1, typ]) + data


def signature(priv, issuer_body, sigtype, hashed_prefix, flags):
    """A v4 EdDSA/SHA-256 signature packet body over @hashed_prefix."""
    fpr = bytes.fromhex(fingerprint(issuer_body))
    hashed = (subpacket(2, struct.pack('>I', SIG_TIME)) + subpacket(33, b'\x04' + fpr) +
              subpacket(27, bytes([flags])))
    head = bytes([4, sigtype, 22, 8]) + struct.pack('>H', len(hashed)) + hashed
    digest = hashlib.sha256(hashed_prefix + head + b'\x04\xff' +
                            struct.pack('>I', len(head))).digest()
    unhashed = subpacket(16, fpr[-8:])
    sig = priv.sign(digest)
    return (head + struct.pack('>H', len(unhashed)) + unhashed + digest[:2] +
            mpi(sig[:32]) + mpi(sig[32:]))


def hashed_key(body):
    return b'\x99' + struct.pack('>H', len(body)) + body


def stranger_key(victim_pub, tag=6):
    """The stranger's public key: his primary key and user id, and the
    victim's primary key packet (@tag 6; 14: the victim's first subkey;
    @victim_pub None: the stranger's own primary key again) as an
    authentication-only subkey."""
    seed = hashlib.sha256(b'autodbm issue 10 stranger test key').digest()
    priv = Ed25519PrivateKey.from_private_bytes(seed)
    pub32 = priv.public_key().public_bytes_raw()
    pk = key_body(pub32, KEY_TIME)
    uid = b'Stranger Example <stranger@example.org>'
    victim = [b for t, b in packets(dearmor(victim_pub)) if t == tag][0] if victim_pub else pk
    selfsig = signature(priv, pk, 0x13, hashed_key(pk) + b'\xb4' + struct.pack('>I', len(uid))
                        + uid, 0x03)
    binding = signature(priv, pk, 0x18, hashed_key(pk) + hashed_key(victim), 0x20)
    data = (old_packet(6, pk) + old_packet(13, uid) + old_packet(2, selfsig) +
            old_packet(14, victim) + old_packet(2, binding))
    return fingerprint(pk), armor('PUBLIC KEY BLOCK', data)


# ---- re-encoded signatures (hole 3) ------------------------------------

def reencode_clearsigned(text, how):
    """@text with the signature packets of its clearsigned block encoded
    anew: 'new' (new-format header), 'old2' (old-format header with a
    two-byte length) or 'unhashed' (the unhashed subpackets rewritten)."""
    b = text.index('-----BEGIN PGP SIGNATURE-----')
    e = text.index('-----END PGP SIGNATURE-----') + len('-----END PGP SIGNATURE-----\n')
    out = b''
    for tag, body in packets(dearmor(text[b:e])):
        if how == 'new':
            out += new_packet(tag, body)
        elif how == 'old2':
            out += old_packet(tag, body, 2)
        else:
            hl = struct.unpack('>H', body[4:6])[0]
            ul = struct.unpack('>H', body[6 + hl:8 + hl])[0]
            rest = body[8 + hl + ul:]
            unhashed = body[8 + hl:8 + hl + ul] * 2     # each subpacket twice
            out += old_packet(tag, body[:6 + hl] + struct.pack('>H', len(unhashed)) +
                              unhashed + rest)
    return text[:b] + armor('SIGNATURE', out) + text[e:]


def write_case(name, files):
    """tests/cases/attack-keyring-NAME/ holds @files (and its expected/)."""
    mc.write_case(name, files, 'attack-keyring-')


def plain_mail(name, body, n=1, sender='Alice Example <alice@example.com>'):
    m = mc.plain_mail(name, body, n).replace('<pgp-%s.' % name, '<attack-keyring-%s.' % name)
    return m.replace('From: Alice Example <alice@example.com>', 'From: ' + sender)


STRANGER_MNT = '''mntner:         STRANGER-MNT
descr:          A stranger's own maintainer
admin-c:        TP1-TEST
upd-to:         stranger@example.org
auth:           MD5-PW $1$StRaNgEr$rizP7DbXu5gANmh8WDaqj.
mnt-by:         STRANGER-MNT
source:         TEST
'''
STRANGER_PW = 'stranger-secret-7'


def build(home):
    pw = 'password:       kumquat-42\n'
    # hole 3: the pgp-replay case's signed mail, replayed re-encoded
    v1 = mc.clearsign(home, 'alice', mc.person('version 1'))
    files = {
        'objects.rpsl': mc.objects(),
        'mail': plain_mail('replay-reencoded', v1),
        'mail.2': plain_mail('replay-reencoded', mc.person('version 2') + pw, 2),
        'queries': '-r TP1-TEST\n',
    }
    for n, how in ((3, 'new'), (4, 'old2'), (5, 'unhashed')):
        files['mail.%d' % n] = plain_mail('replay-reencoded', reencode_clearsigned(v1, how), n)
    write_case('replay-reencoded', files)

    # hole 4: the stranger's key-cert holding alice's key as a subkey
    sfpr, spub = stranger_key(mc.KEYS['alice']['pub'])
    name = 'PGPKEY-' + sfpr[-8:]
    kc = ('key-cert:       %s\n' % name + mc.certif(spub) +
          'mnt-by:         STRANGER-MNT\nsource:         TEST\n')
    spw = 'password:       %s\n' % STRANGER_PW
    stranger = 'Stranger Example <stranger@example.org>'
    write_case('lockout', {
        'objects.rpsl': mc.objects(STRANGER_MNT),
        'mail': plain_mail('lockout', 'dry-run:\n\n' + kc + spw, 1, stranger),
        'mail.2': plain_mail('lockout', kc + spw, 2, stranger),
        'mail.3': plain_mail('lockout', mc.clearsign(home, 'alice', mc.person('still mine')), 3),
        'secret': STRANGER_PW + '\nkumquat-42\n',
        'queries': '%s\n-r TP1-TEST\n' % name,
    })
    # the stranger's key-cert already in the store (stored before the
    # fix, or loaded): autodbm-load must not import it, else gpg merges
    # alice's key into it; alice's signed update still succeeds
    write_case('preexisting', {
        'objects.rpsl': mc.objects(STRANGER_MNT, kc),
        'mail': plain_mail('preexisting', mc.clearsign(home, 'alice', mc.person('still mine'))),
        'queries': '-r TP1-TEST\n',
    })
    # the same with carol's signing subkey: found through the keyring
    sfpr, spub = stranger_key(mc.KEYS['carol']['pub'], 14)
    kc = ('key-cert:       PGPKEY-%s\n' % sfpr[-8:] + mc.certif(spub) +
          'mnt-by:         STRANGER-MNT\nsource:         TEST\n')
    write_case('lockout-subkey', {
        'objects.rpsl': mc.objects(STRANGER_MNT),
        'mail': plain_mail('lockout-subkey', kc + spw, 1, stranger),
        'mail.2': plain_mail('lockout-subkey', mc.clearsign(home, 'carol',
                                                            mc.person('still mine')), 2),
        'secret': STRANGER_PW + '\nkumquat-42\n',
        'queries': 'PGPKEY-%s\n-r TP1-TEST\n' % sfpr[-8:],
    })
    # a key listing one key twice (its primary key as its subkey too)
    sfpr, spub = stranger_key(None)
    kc = ('key-cert:       PGPKEY-%s\n' % sfpr[-8:] + mc.certif(spub) +
          'mnt-by:         STRANGER-MNT\nsource:         TEST\n')
    write_case('key-twice', {
        'objects.rpsl': mc.objects(STRANGER_MNT),
        'mail': plain_mail('key-twice', kc + spw, 1, stranger),
        'secret': STRANGER_PW + '\nkumquat-42\n',
        'queries': 'PGPKEY-%s\n' % sfpr[-8:],
    })
    # hole 4 (c): a subkey counts only while its key-cert's own key holds
    # it.  carol removes her signing subkey from her key-cert (say it was
    # stolen); a signature by it must not count any more
    cpub = mc.KEYS['carol']['pub']
    stripped = armor('PUBLIC KEY BLOCK', b''.join(
        old_packet(t, b) for t, b in packets(dearmor(cpub))[:3]))     # key, uid, self-sig
    carol_kc = mc.keycert('carol')
    assert mc.certif(cpub) in carol_kc
    carol_stripped = carol_kc.replace(mc.certif(cpub), mc.certif(stripped))
    by_subkey = mc.clearsign(home, 'carol', mc.person('signed by the removed subkey'))
    write_case('removed-subkey', {
        'objects.rpsl': mc.objects(),
        'mail': plain_mail('removed-subkey', carol_stripped + pw),
        'mail.2': plain_mail('removed-subkey', by_subkey, 2),
        'secret': 'kumquat-42\n',
        'queries': 'PGPKEY-%s\n-r TP1-TEST\n' % mc.KEYS['carol']['id8'],
    })
    # the same with the keyring out of step (it still holds the subkey):
    # the key-cert's own key decides, not the keyring
    write_case('stale-subkey', {
        'objects.rpsl': mc.objects().replace(carol_kc, carol_stripped),
        'keyring': cpub,
        'mail': plain_mail('stale-subkey', by_subkey),
        'queries': '-r TP1-TEST\n',
    })
    # control of hole 4 (a): a key-cert that is fine, in a dry run, leaves
    # no key behind: bob's signature afterwards is by an unknown key
    write_case('dryrun-import', {
        'objects.rpsl': mc.objects(mnt=mc.mntner([mc.KEYS[k]['id8'] for k in
                                                  ('alice', 'carol', 'dave', 'bob')])),
        'mail': plain_mail('dryrun-import', 'dry-run:\n\n' + mc.keycert('bob') + pw),
        'mail.2': plain_mail('dryrun-import', mc.clearsign(home, 'bob', mc.person('by bob')), 2),
        'secret': 'kumquat-42\n',
        'queries': 'PGPKEY-%s\n-r TP1-TEST\n' % mc.KEYS['bob']['id8'],
    })


def main():
    mc.run(build)


if __name__ == '__main__':
    main()
