#!/usr/bin/env python3
"""make-attack-squat.py - write the key-cert squatting cases of issue 10
(tests/cases/attack-squat-*/) from the test keys of this folder, with the
helpers of make-cases.py, the cast of make-attack-mime.py (alice the
victim, the stranger with EVIL-MNT) and the stranger's key of
make-attack-keyring.py.

The attack: alice has no key-cert yet; her public key is public.  The
stranger registers a key-cert whose key lists her primary key as an
authentication-only subkey (bound by his own signature; no secret of
hers is needed).  Hole 4's fix refused her own key-cert afterwards ("a
key belongs to one key-cert only"): a denial of service on her
registration.  The owner of a primary key wins: her key-cert is
accepted with a warning, the stranger's key leaves the keyring, and his
key-cert authorises nothing with her key.

usage: tests/keys/make-attack-squat.py        (from anywhere)
then tests/cases/run --update attack-squat-...; read expected/ before
committing.
"""
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


red = _load('make_attack_red', 'make-attack-red.py')    # loads the others, one KEYS table
mc, am, ak = red.mc, red.am, red.ak
KEYS = mc.KEYS
MALLORY = am.MALLORY
ALICE = am.ALICE
STRANGER_PW = 'stranger-secret-7'
PW_HASH = '$1$StRaNgEr$rizP7DbXu5gANmh8WDaqj.'      # of STRANGER_PW


def mail(name, entity, n=1, frm=MALLORY):
    return am.headers(name, n, frm).replace('attack-mime-', 'attack-squat-') + entity


def write_case(name, files):
    mc.write_case(name, files, 'attack-squat-')


def evil_mntner(extra_auth=''):
    """EVIL-MNT, the stranger's own mntner (his password, bob's key)."""
    return ('mntner:         EVIL-MNT\n'
            'descr:          The stranger\'s own maintainer\n'
            'admin-c:        TP1-TEST\n'
            'upd-to:         mallory@evil.example\n'
            'auth:           MD5-PW %s\n'
            'auth:           PGPKEY-%s\n%s'
            'mnt-by:         EVIL-MNT\n'
            'source:         TEST\n' % (PW_HASH, KEYS['bob']['id8'], extra_auth))


def registry(*extra):
    """The signed-case registry without alice's key-cert (she has not
    registered it yet), with EVIL-MNT and bob's key-cert under it."""
    kc = mc.keycert('bob').replace('mnt-by:         TEST-MNT', 'mnt-by:         EVIL-MNT')
    objs = mc.objects(evil_mntner(), kc, *extra).replace('make-cases.py',
                                                         'make-attack-squat.py')
    objs = objs.replace(mc.keycert('alice') + '\n', '')
    assert 'PGPKEY-%s\nmethod' % KEYS['alice']['id8'] not in objs
    return objs


def unproven_key(victim_pub):
    """A key whose primary key is the victim's (signing) subkey packet,
    re-tagged, with a user ID whose "self-signature" is made by another
    key: no secret of the victim's, and no proof of holding the key."""
    import hashlib
    import struct
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    sub = [b for t, b in ak.packets(ak.dearmor(victim_pub)) if t == 14][0]
    priv = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b'not the victim').digest())
    uid = b'Stranger Example <stranger@example.org>'
    sig = ak.signature(priv, sub, 0x13, ak.hashed_key(sub) + b'\xb4' +
                       struct.pack('>I', len(uid)) + uid, 0x03)
    data = ak.old_packet(6, sub) + ak.old_packet(13, uid) + ak.old_packet(2, sig)
    return ak.fingerprint(sub), ak.armor('PUBLIC KEY BLOCK', data)


def build(home):
    text = am.text
    spw = 'password: %s\n' % STRANGER_PW
    sfpr, spub = ak.stranger_key(KEYS['alice']['pub'])
    sname = 'PGPKEY-' + sfpr[-8:]
    squat = ('key-cert:       %s\n' % sname + mc.certif(spub) +
             'mnt-by:         EVIL-MNT\nsource:         TEST\n')
    # EVIL-MNT as the stranger makes it: his squatting key-cert as auth
    evil_auth = evil_mntner('auth:           %s\n' % sname)
    alice_kc = mc.keycert('alice') + 'password: kumquat-42\n'
    CS = mc.clearsign(home, 'alice', mc.person('inline change signed by alice'))
    # alice's key signing a change of EVIL-MNT: it must not count for the
    # stranger's key-cert (her primary key binds to her own key-cert)
    evil_signed = mc.clearsign(home, 'alice', evil_auth.replace(
        'admin-c:', 'remarks:        signed with alice\'s key\nadmin-c:'))
    queries = '%s\nPGPKEY-%s\n-r TP1-TEST\n-r EVIL-MNT\n' % (sname, KEYS['alice']['id8'])

    # 1. the stranger squats (his key-cert, EVIL-MNT naming it);
    # 2. alice's key-cert create (TEST-MNT's password) succeeds, with a
    #    warning naming his key-cert; 3. her signed update succeeds;
    # 4. her key's signature over a change of EVIL-MNT is not his
    write_case('keycert', {
        'objects.rpsl': registry(),
        'mail': mail('keycert', text(squat + '\n' + evil_auth + spw)),
        'mail.2': mail('keycert', text(alice_kc), 2, ALICE),
        'mail.3': mail('keycert', text(CS), 3, ALICE),
        'mail.4': mail('keycert', text(evil_signed), 4),
        'secret': STRANGER_PW + '\nkumquat-42\n',
        'queries': queries,
    })
    # the same with the squatting key-cert already in the store (loaded,
    # placed before TEST-MNT and the other key-certs in the dump):
    # autodbm-load does not import it; alice's key-cert create and
    # signed update succeed
    objs = registry()
    first = objs.index('mntner:')
    write_case('keycert-loaded', {
        'objects.rpsl': objs[:first] + squat + '\n' + objs[first:],
        'mail': mail('keycert-loaded', text(alice_kc), 1, ALICE),
        'mail.2': mail('keycert-loaded', text(CS), 2, ALICE),
        'secret': 'kumquat-42\n',
        'queries': queries,
    })
    # control: the reverse stays refused.  With alice's key-cert stored,
    # the stranger's key-cert listing her primary key as a subkey is
    # refused (as in attack-keyring-lockout); her signed update succeeds
    write_case('keycert-reverse', {
        'objects.rpsl': registry(),
        'mail': mail('keycert-reverse', text(alice_kc), 1, ALICE),
        'mail.2': mail('keycert-reverse', text(squat + spw), 2),
        'mail.3': mail('keycert-reverse', text(CS), 3, ALICE),
        'secret': STRANGER_PW + '\nkumquat-42\n',
        'queries': queries,
    })
    # both key-certs in one mail, the stranger's first (neither key is in
    # the keyring yet, so both are accepted): at the keyring sync alice's
    # key wins, and her signed update succeeds
    write_case('keycert-one-mail', {
        'objects.rpsl': registry(),
        'mail': mail('keycert-one-mail', text(squat + '\n' + alice_kc + spw)),
        'mail.2': mail('keycert-one-mail', text(CS), 2, ALICE),
        'secret': STRANGER_PW + '\nkumquat-42\n',
        'queries': queries,
    })

    # carol's signing subkey as the primary key of the stranger's
    # key-cert (a user ID "self-signed" by another key: gpg finds it
    # invalid).  The owner of a primary key wins only when she proved to
    # hold it: such a key is refused, so carol keeps her key, and, when
    # the stranger comes first, her key-cert create still succeeds
    ufpr, upub = unproven_key(KEYS['carol']['pub'])
    uname = 'PGPKEY-' + ufpr[-8:]
    unproven = ('key-cert:       %s\n' % uname + mc.certif(upub) +
                'mnt-by:         EVIL-MNT\nsource:         TEST\n')
    CSC = mc.clearsign(home, 'carol', mc.person('inline change signed by carol'))
    cqueries = '%s\nPGPKEY-%s\n-r TP1-TEST\n' % (uname, KEYS['carol']['id8'])
    write_case('unproven-primary', {
        'objects.rpsl': registry(),
        'mail': mail('unproven-primary', text(unproven + spw)),
        'mail.2': mail('unproven-primary', text(CSC), 2, ALICE),
        'secret': STRANGER_PW + '\nkumquat-42\n',
        'queries': cqueries,
    })
    write_case('unproven-primary-first', {
        'objects.rpsl': registry().replace(mc.keycert('carol') + '\n', ''),
        'mail': mail('unproven-primary-first', text(unproven + spw)),
        'mail.2': mail('unproven-primary-first',
                       text(mc.keycert('carol') + 'password: kumquat-42\n'), 2, ALICE),
        'mail.3': mail('unproven-primary-first', text(CSC), 3, ALICE),
        'secret': STRANGER_PW + '\nkumquat-42\n',
        'queries': cqueries,
    })


if __name__ == '__main__':
    red.build = build
    red.main()
