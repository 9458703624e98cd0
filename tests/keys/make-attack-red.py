#!/usr/bin/env python3
"""make-attack-red.py - write the red-team cases tests/cases/attack-red-*/
(issue 10: an outside attacker's review of the fixed robot) from the test
keys of this folder, with the helpers of make-cases.py and the cast of
make-attack-mime.py (alice the victim, bob the stranger with EVIL-MNT).

usage: tests/keys/make-attack-red.py        (from anywhere)
(The key-cert squatting weakness found by the red team is fixed; its
cases are written by make-attack-squat.py.)
It rewrites every file but expected/ of the attack-red-* cases; expected/
is then written with tests/cases/run --update and must be read before it
is committed.
"""
import base64
import importlib.util
import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


mc = _load('make_cases', 'make-cases.py')
am = _load('make_attack_mime', 'make-attack-mime.py')
ak = _load('make_attack_keyring', 'make-attack-keyring.py')
am.mc = ak.mc = mc          # one KEYS table for all
am.KEYS = mc.KEYS
KEYS = mc.KEYS
MALLORY = am.MALLORY
ALICE = am.ALICE
QUERIES = am.QUERIES


def mail(name, entity, n=1, frm=MALLORY):
    return am.headers(name, n, frm).replace('attack-mime-', 'attack-red-') + entity


def registry():
    return am.registry().replace('make-attack-mime.py', 'make-attack-red.py')


def write_case(name, files):
    mc.write_case(name, files, 'attack-red-', 'latin-1')


def armor_packets(data):
    """@data (binary packets) as a signature armor, CRC-24 included."""
    crc = ak.crc24(data)
    b64 = base64.b64encode(data).decode()
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return ('-----BEGIN PGP SIGNATURE-----\n\n' + '\n'.join(lines) + '\n=' +
            base64.b64encode(crc.to_bytes(3, 'big')).decode() +
            '\n-----END PGP SIGNATURE-----\n')


def sig_packet(armored):
    """The binary packets of the signature armor @armored."""
    body = armored.split('-----BEGIN PGP SIGNATURE-----\n', 1)[1].split('-----END', 1)[0]
    return base64.b64decode(''.join(l for l in body.split('\n')
                                    if l and ':' not in l and not l.startswith('=')))


def compressed(data):
    """@data in one compressed data packet (ZIP, new format)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = bytes([1]) + c.compress(data) + c.flush()
    return bytes([0xC0 | 8, 255]) + len(body).to_bytes(4, 'big') + body


def main():
    mc.run(build)


def build(home):
    def clearsign(key, t):
        return mc.clearsign(home, key, t)

    EVIL = am.evil_mntner()
    text = am.text

    # --- the signed text of a clearsigned block ends where gpg ends it ---
    # gpg ends the cleartext at the first line starting with five dashes
    # ("unexpected armor" is only logged), reads the signature that
    # follows, and then verifies every further armored signature over the
    # same text.  So a block whose BEGIN line is not exact, then alice's
    # signature, then the stranger's text, then her signature again under
    # an exact BEGIN line, verifies; the signed text must stop at the
    # first dashed line, as gpg's does.  Control: alice's block as she
    # sent it.
    CS = clearsign('alice', am.upd_person('inline change signed by alice'))
    head, rest = CS.split('-----BEGIN PGP SIGNATURE-----\n', 1)
    sigbody = rest.split('-----END PGP SIGNATURE-----\n', 1)[0]
    for what, begin, end in (
            ('early-end', '-----BEGIN PGP SIGNATURE----- x\n', '-----END PGP SIGNATURE----- x\n'),
            ('early-end-message', '-----BEGIN PGP MESSAGE-----\n', '-----END PGP MESSAGE-----\n'),
            ('early-end-dashes', '-----\n', '-----\n')):
        block = (head + begin + sigbody + end + '\n' + EVIL + '\n' +
                 '-----BEGIN PGP SIGNATURE-----\n' + sigbody + '-----END PGP SIGNATURE-----\n')
        write_case(what, {
            'objects.rpsl': registry(),
            'mail': mail(what, text(block)),
            'mail.2': mail(what, text(CS), 2, ALICE),
            'queries': QUERIES,
        })

    # --- one signature block, many signatures ---
    # gpg checks every signature packet of a block: alice's detached
    # signature 20000 times in one compressed packet is 3 KB of mail and
    # 40 s of gpg (a 10 MB mail: hours), behind the writer lock's queue.
    # A signature must be signature packets only.  Control: her mail.
    P = text(am.upd_person('harmless change signed by alice'))
    PSIG = mc.detach(home, 'alice', mc.crlf(P).encode())
    bomb = armor_packets(compressed(sig_packet(PSIG) * 20000))
    write_case('sig-compressed', {
        'objects.rpsl': registry(),
        'mail': mail('sig-compressed', am.signed(P, bomb), frm=ALICE),
        'mail.2': mail('sig-compressed', am.signed(P, PSIG), 2, ALICE),
        'queries': QUERIES,
    })
    # uncompressed, 51 copies in one clearsigned block: max_signed_blocks
    # (50) counts signatures, not blocks.  Control: the block with one.
    many = armor_packets(sig_packet(CS) * 51)
    write_case('sig-many-inline', {
        'objects.rpsl': registry(),
        'mail': mail('sig-many-inline', text(head + many), frm=ALICE),
        'mail.2': mail('sig-many-inline', text(CS), 2, ALICE),
        'queries': QUERIES,
    })


    # --- a key-cert whose key comes in a compressed packet ---
    # gpg unpacks it on import: bob's key with its user ID and
    # self-signature 20000 times is 14 KB compressed, 3.5 MB unpacked and
    # a minute of gpg (quadratic: a 1 MB key-cert, hours).  The stranger
    # (password of EVIL-MNT) submits it; control: the plain key.
    pk = ak.packets(ak.dearmor(KEYS['bob']['pub']))
    assert [t for t, _ in pk][:3] == [6, 13, 2]
    raw = [ak.old_packet(t, b) for t, b in pk]
    unpacked = raw[0] + (raw[1] + raw[2]) * 2000 + b''.join(raw[3:])
    zkey = ak.armor('PUBLIC KEY BLOCK', compressed(unpacked))
    bobkc = mc.keycert('bob', generated=False).replace('TEST-MNT', 'EVIL-MNT')
    evilpw = registry().replace('\n' + mc.keycert('bob').replace('TEST-MNT', 'EVIL-MNT'), '')
    assert 'key-cert:       PGPKEY-%s' % KEYS['bob']['id8'] not in evilpw
    write_case('keycert-compressed', {
        'objects.rpsl': evilpw.replace('EVIL-MNT\n', 'EVIL-MNT\nauth:           MD5-PW '
                                       '$1$StRaNgEr$rizP7DbXu5gANmh8WDaqj.\n', 1),
        'mail': mail('keycert-compressed', text(bobkc.replace(mc.certif(KEYS['bob']['pub']),
                                                              mc.certif(zkey)) +
                                                'password: stranger-secret-7\n')),
        'mail.2': mail('keycert-compressed', text(bobkc + 'password: stranger-secret-7\n'), 2),
        'secret': 'stranger-secret-7\n',
        'queries': 'PGPKEY-%s\n' % KEYS['bob']['id8'],
    })


if __name__ == '__main__':
    main()
