#!/usr/bin/env python3
"""make-attack-authz.py - write the attacker's authorisation suite
tests/cases/attack-authz-*/ (issue 10, hole 1 and its audit).

Every case starts from the same registry (FIXTURE below): a victim with
VICTIM-MNT (password victim-pw-1), a PGP-only victim PGPV-MNT (alice's
key) and one object of every class, and a stranger with EVIL-MNT
(password evil-pw-6, key-cert of bob's key) and a few objects of his own.

  attack-authz-<class>          the stranger's mail: every way to touch
                                the victim's <class> object (add his
                                mntner to mnt-by, replace mnt-by, add
                                himself to mnt-lower/mnt-routes/
                                mnt-domains/mnt-ref, auth:, mnt-irt,
                                delete, and riding on a mntner the same
                                mail created); every object must fail and
                                the queries show the store unchanged
  attack-authz-<class>-control  the victim's same request: succeeds
  attack-authz-<special>        the critical takeovers and the same-mail
                                attacks, each with a -control

The signed cases are signed like make-cases.py's (its helpers are
imported), at 2026-01-01 11:59:00 UTC, so they replay forever.

usage: tests/keys/make-attack-authz.py    (from anywhere; needs gpg)
then   tests/cases/run --update attack-authz-...   and read expected/.
"""
import importlib.util
import os
import shutil
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('make_cases', os.path.join(HERE, 'make-cases.py'))
mc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mc)


VICTIM_HASH = 'MD5-PW $1$ViCtImSa$H7qi2hzuEzYMcF6D.yOo7/'       # victim-pw-1
EVIL_HASH = 'MD5-PW $1$EvIlSaLt$dGT76hMXv6sIssAl3OVCk1'         # evil-pw-6
IRT_HASH = 'MD5-PW $1$IrTsAlTv$Qftg7rmLA8P89NFpRDvip1'          # victim-irt-2
EVIL_PW = 'password:       evil-pw-6\n'
VICTIM_PW = 'password:       victim-pw-1\n'
IRT_PW = 'password:       victim-irt-2\n'
SECRET = 'evil-pw-6\nvictim-pw-1\nvictim-irt-2\n'


def obj(*lines):
    """An object from (attribute, value) pairs."""
    return ''.join('%-16s%s\n' % (a + ':', v) for a, v in lines)


def attrs(text):
    return [(l.split(':', 1)[0], l.split(':', 1)[1].strip()) for l in text.splitlines() if l]


def add(text, attr, value):
    """@text with one more @attr line, before source:."""
    a = attrs(text)
    i = [k for k, _ in a].index('source')
    return obj(*(a[:i] + [(attr, value)] + a[i:]))


def repl(text, attr, value):
    """@text with its @attr lines replaced by one (at the first's place)."""
    out, done = [], False
    for k, v in attrs(text):
        if k == attr:
            if not done:
                out.append((k, value))
                done = True
        else:
            out.append((k, v))
    return obj(*out)


def delete(text):
    return text + 'delete:         attack\n'


# ------------------------------------------------------------------ fixture

V = {}      # the victim's objects by class
E = {}      # the stranger's own objects

V['mntner'] = obj(('mntner', 'VICTIM-MNT'), ('descr', 'The victim'), ('admin-c', 'VP1-TEST'),
                  ('upd-to', 'victim-upd@example.net'), ('auth', VICTIM_HASH),
                  ('mnt-by', 'VICTIM-MNT'), ('source', 'TEST'))
PGPV = None     # filled in by setup(): needs alice's key id
E['mntner'] = obj(('mntner', 'EVIL-MNT'), ('descr', 'The stranger'), ('admin-c', 'EP1-TEST'),
                  ('upd-to', 'evil@example.org'), ('auth', EVIL_HASH),
                  ('mnt-by', 'EVIL-MNT'), ('source', 'TEST'))
V['person'] = obj(('person', 'Victim Person'), ('address', 'Victim Street 1'),
                  ('phone', '+31 20 123 4567'), ('e-mail', 'vp1@example.net'),
                  ('nic-hdl', 'VP1-TEST'), ('mnt-ref', 'VICTIM-MNT'), ('mnt-by', 'VICTIM-MNT'),
                  ('source', 'TEST'))
E['person'] = obj(('person', 'Evil Person'), ('address', 'Evil Street 1'),
                  ('phone', '+31 20 666 6666'), ('e-mail', 'ep1@example.org'),
                  ('nic-hdl', 'EP1-TEST'), ('mnt-by', 'EVIL-MNT'), ('source', 'TEST'))
V['role'] = obj(('role', 'Victim Role'), ('address', 'Victim Street 2'),
                ('e-mail', 'vr1@example.net'), ('admin-c', 'VP1-TEST'), ('tech-c', 'VP1-TEST'),
                ('nic-hdl', 'VR1-TEST'), ('mnt-ref', 'VICTIM-MNT'), ('mnt-by', 'VICTIM-MNT'),
                ('source', 'TEST'))
V['organisation'] = obj(('organisation', 'ORG-VA1-TEST'), ('org-name', 'Victim Org'),
                        ('org-type', 'OTHER'), ('address', 'Victim Street 3'),
                        ('e-mail', 'org@example.net'), ('mnt-ref', 'VICTIM-MNT'),
                        ('mnt-by', 'VICTIM-MNT'), ('source', 'TEST'))
V['irt'] = obj(('irt', 'IRT-VICTIM'), ('address', 'Victim Street 4'),
               ('e-mail', 'irt@example.net'), ('admin-c', 'VP1-TEST'), ('tech-c', 'VP1-TEST'),
               ('auth', IRT_HASH), ('irt-nfy', 'irt-nfy@example.net'), ('mnt-by', 'VICTIM-MNT'),
               ('source', 'TEST'))
V['as-block'] = obj(('as-block', 'AS64496 - AS64511'), ('descr', 'Victim ASNs'),
                    ('mnt-by', 'VICTIM-MNT'), ('mnt-lower', 'VICTIM-MNT'), ('source', 'TEST'))
V['aut-num'] = obj(('aut-num', 'AS64500'), ('as-name', 'VICTIM-AS'), ('admin-c', 'VP1-TEST'),
                   ('tech-c', 'VP1-TEST'), ('mnt-by', 'VICTIM-MNT'), ('source', 'TEST'))
V['as-set'] = obj(('as-set', 'AS64500:AS-VICTIM'), ('admin-c', 'VP1-TEST'),
                  ('tech-c', 'VP1-TEST'), ('mnt-by', 'VICTIM-MNT'), ('source', 'TEST'))
V['route-set'] = obj(('route-set', 'AS64500:RS-VICTIM'), ('admin-c', 'VP1-TEST'),
                     ('tech-c', 'VP1-TEST'), ('mnt-by', 'VICTIM-MNT'), ('source', 'TEST'))
V['filter-set'] = obj(('filter-set', 'AS64500:FLTR-VICTIM'), ('filter', 'ANY'),
                      ('admin-c', 'VP1-TEST'), ('tech-c', 'VP1-TEST'),
                      ('mnt-by', 'VICTIM-MNT'), ('source', 'TEST'))
V['inetnum'] = obj(('inetnum', '192.0.2.0 - 192.0.2.255'), ('netname', 'VICTIM-NET'),
                   ('country', 'NL'), ('org', 'ORG-VA1-TEST'), ('admin-c', 'VP1-TEST'),
                   ('tech-c', 'VP1-TEST'), ('status', 'ALLOCATED PA'), ('mnt-by', 'VICTIM-MNT'),
                   ('mnt-lower', 'VICTIM-MNT'), ('mnt-routes', 'VICTIM-MNT'),
                   ('mnt-domains', 'VICTIM-MNT'), ('mnt-irt', 'IRT-VICTIM'), ('source', 'TEST'))
E['inetnum'] = obj(('inetnum', '198.51.100.0 - 198.51.100.255'), ('netname', 'EVIL-NET'),
                   ('country', 'NL'), ('admin-c', 'EP1-TEST'), ('tech-c', 'EP1-TEST'),
                   ('status', 'ASSIGNED PA'), ('mnt-by', 'EVIL-MNT'), ('source', 'TEST'))
V['inet6num'] = obj(('inet6num', '2001:db8::/32'), ('netname', 'VICTIM-NET-6'),
                    ('country', 'NL'), ('org', 'ORG-VA1-TEST'), ('admin-c', 'VP1-TEST'),
                    ('tech-c', 'VP1-TEST'), ('status', 'ALLOCATED-BY-RIR'),
                    ('mnt-by', 'VICTIM-MNT'), ('mnt-lower', 'VICTIM-MNT'),
                    ('mnt-routes', 'VICTIM-MNT'), ('mnt-domains', 'VICTIM-MNT'),
                    ('mnt-irt', 'IRT-VICTIM'), ('source', 'TEST'))
V['route'] = obj(('route', '192.0.2.0/24'), ('origin', 'AS64500'), ('mnt-by', 'VICTIM-MNT'),
                 ('source', 'TEST'))
V['route6'] = obj(('route6', '2001:db8::/32'), ('origin', 'AS64500'), ('mnt-by', 'VICTIM-MNT'),
                  ('source', 'TEST'))
V['domain'] = obj(('domain', '2.0.192.in-addr.arpa'), ('admin-c', 'VP1-TEST'),
                  ('tech-c', 'VP1-TEST'), ('zone-c', 'VP1-TEST'), ('nserver', 'ns1.example.net'),
                  ('nserver', 'ns2.example.net'), ('mnt-by', 'VICTIM-MNT'), ('source', 'TEST'))

RIDER = obj(('mntner', 'RIDER-MNT'), ('descr', 'Created by the same mail'),
            ('admin-c', 'EP1-TEST'), ('upd-to', 'evil@example.org'), ('auth', EVIL_HASH),
            ('mnt-by', 'RIDER-MNT'), ('source', 'TEST'))


def fixture():
    order = ['mntner', 'pgpv', 'person', 'role', 'organisation', 'irt', 'key-cert', 'as-block',
             'aut-num', 'as-set', 'route-set', 'filter-set', 'inetnum', 'inet6num', 'route',
             'route6', 'domain']
    parts = []
    for k in order:
        if k in V:
            parts.append(V[k])
        if k == 'pgpv':
            parts.append(PGPV)
    parts += [E['mntner'], E['person'], E['key-cert'], E['inetnum']]
    return ('# Registry of the attack-authz cases (tests/keys/make-attack-authz.py).\n'
            '# The victim: VICTIM-MNT (MD5-PW victim-pw-1), PGPV-MNT (PGP only, alice),\n'
            '# irt IRT-VICTIM (victim-irt-2).  The stranger: EVIL-MNT (MD5-PW\n'
            '# evil-pw-6 and bob\'s key-cert PGPKEY-%s).\n\n' % mc.KEYS['bob']['id8']
            + '\n'.join(parts))


def setup_keys():
    global PGPV
    A, B = mc.KEYS['alice']['id8'], mc.KEYS['bob']['id8']
    PGPV = obj(('mntner', 'PGPV-MNT'), ('descr', 'A victim with a key only'),
               ('admin-c', 'VP1-TEST'), ('upd-to', 'pgpv-upd@example.net'),
               ('auth', 'PGPKEY-' + A), ('mnt-by', 'PGPV-MNT'), ('source', 'TEST'))
    V['key-cert'] = mc.keycert('alice').replace('TEST-MNT', 'PGPV-MNT')
    E['key-cert'] = mc.keycert('bob').replace('TEST-MNT', 'EVIL-MNT')
    V['pgp-person'] = obj(('person', 'Key Person'), ('address', 'Victim Street 5'),
                          ('phone', '+31 20 123 4569'), ('e-mail', 'kp1@example.net'),
                          ('nic-hdl', 'KP1-TEST'), ('mnt-by', 'PGPV-MNT'), ('source', 'TEST'))


def key_of(text):
    return attrs(text)[0][1]


def cls_of(text):
    return attrs(text)[0][0]


# ------------------------------------------------------------------ cases

def mail(name, body, sender='Evil Stranger <evil@example.org>', n=1):
    return ('From: %s\n'
            'To: auto-dbm@example.net\n'
            'Subject: \n'
            'Date: Thu, 01 Jan 2026 11:59:00 +0000\n'
            'Message-ID: <%s.%d@example.org>\n'
            'MIME-Version: 1.0\n'
            'Content-Type: text/plain; charset=us-ascii\n'
            'Content-Transfer-Encoding: 7bit\n\n%s' % (sender, name, n, body))


def query_of(text):
    """autodbm-query arguments showing @text's object."""
    c = cls_of(text)
    k = key_of(text)
    if c in ('person', 'role'):
        k = dict(attrs(text))['nic-hdl']
    exact = '-x ' if c in ('inetnum', 'inet6num', 'route', 'route6') else ''
    return '-r -B %s-T %s %s\n' % (exact, c, k)


WRITTEN = []


def write(name, files):
    files = dict(files)
    files.setdefault('objects.rpsl', fixture())
    mc.write_case(name, files, 'attack-authz-')
    WRITTEN.append('attack-authz-' + name)


# What the stranger adds to each class of the victim's objects, besides
# mnt-by: the attributes that hand out rights.
EXTRA = {
    'mntner': [('auth', EVIL_HASH), ('mnt-ref', 'EVIL-MNT')],
    'person': [('mnt-ref', 'EVIL-MNT')],
    'role': [('mnt-ref', 'EVIL-MNT')],
    'organisation': [('mnt-ref', 'EVIL-MNT')],
    'irt': [('auth', EVIL_HASH), ('mnt-ref', 'EVIL-MNT')],
    'as-block': [('mnt-lower', 'EVIL-MNT')],
    'as-set': [('mnt-lower', 'EVIL-MNT')],
    'route-set': [('mnt-lower', 'EVIL-MNT')],
    'filter-set': [('mnt-lower', 'EVIL-MNT')],
    'inetnum': [('mnt-lower', 'EVIL-MNT'), ('mnt-routes', 'EVIL-MNT'),
                ('mnt-domains', 'EVIL-MNT')],
    'inet6num': [('mnt-lower', 'EVIL-MNT'), ('mnt-routes', 'EVIL-MNT'),
                 ('mnt-domains', 'EVIL-MNT')],
    'route': [('mnt-lower', 'EVIL-MNT'), ('mnt-routes', 'EVIL-MNT')],
    'route6': [('mnt-lower', 'EVIL-MNT'), ('mnt-routes', 'EVIL-MNT')],
}

# What the stranger creates in the victim's space (hierarchical checks).
CHILD = {
    'inetnum': obj(('inetnum', '192.0.2.128 - 192.0.2.255'), ('netname', 'EVIL-SUB'),
                   ('country', 'NL'), ('admin-c', 'EP1-TEST'), ('tech-c', 'EP1-TEST'),
                   ('status', 'ASSIGNED PA'), ('mnt-by', 'EVIL-MNT'), ('source', 'TEST')),
    'inet6num': obj(('inet6num', '2001:db8:1::/48'), ('netname', 'EVIL-SUB-6'),
                    ('country', 'NL'), ('admin-c', 'EP1-TEST'), ('tech-c', 'EP1-TEST'),
                    ('status', 'ASSIGNED'), ('mnt-by', 'EVIL-MNT'), ('source', 'TEST')),
    'route': obj(('route', '192.0.2.0/25'), ('origin', 'AS64501'), ('mnt-by', 'EVIL-MNT'),
                 ('source', 'TEST')),
    'route6': obj(('route6', '2001:db8::/48'), ('origin', 'AS64501'), ('mnt-by', 'EVIL-MNT'),
                  ('source', 'TEST')),
    'aut-num': obj(('aut-num', 'AS64501'), ('as-name', 'EVIL-AS'), ('admin-c', 'EP1-TEST'),
                   ('tech-c', 'EP1-TEST'), ('mnt-by', 'EVIL-MNT'), ('source', 'TEST')),
    'as-set': obj(('as-set', 'AS64500:AS-EVIL'), ('admin-c', 'EP1-TEST'),
                  ('tech-c', 'EP1-TEST'), ('mnt-by', 'EVIL-MNT'), ('source', 'TEST')),
    'route-set': obj(('route-set', 'AS64500:RS-EVIL'), ('admin-c', 'EP1-TEST'),
                     ('tech-c', 'EP1-TEST'), ('mnt-by', 'EVIL-MNT'), ('source', 'TEST')),
    'filter-set': obj(('filter-set', 'AS64500:FLTR-EVIL'), ('filter', 'ANY'),
                      ('admin-c', 'EP1-TEST'), ('tech-c', 'EP1-TEST'),
                      ('mnt-by', 'EVIL-MNT'), ('source', 'TEST')),
    'domain': obj(('domain', '1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'), ('admin-c', 'EP1-TEST'),
                  ('tech-c', 'EP1-TEST'), ('zone-c', 'EP1-TEST'),
                  ('nserver', 'ns1.example.org'), ('nserver', 'ns2.example.org'),
                  ('mnt-by', 'EVIL-MNT'), ('source', 'TEST')),
}
# the parent whose maintainers must authorise each child
PARENT = {'inetnum': 'inetnum', 'inet6num': 'inet6num', 'route': 'route',
          'route6': 'route6', 'aut-num': 'as-block', 'as-set': 'aut-num',
          'route-set': 'aut-num', 'filter-set': 'aut-num', 'domain': 'inet6num'}


def class_cases():
    classes = ['mntner', 'person', 'role', 'organisation', 'irt', 'key-cert', 'as-block',
               'aut-num', 'as-set', 'route-set', 'filter-set', 'inetnum', 'inet6num', 'route',
               'route6', 'domain']
    for c in classes:
        x = V[c]
        paras = [add(x, 'mnt-by', 'EVIL-MNT'),          # add his mntner
                 repl(x, 'mnt-by', 'EVIL-MNT')]          # replace the victim's
        for a, v in EXTRA.get(c, []):
            paras.append(add(x, a, v))
        if c == 'mntner':       # his own auth: only, the self-maintained takeover
            paras.append(repl(x, 'auth', EVIL_HASH))
        if c == 'irt':
            paras.append(repl(x, 'auth', EVIL_HASH))
        paras.append(delete(x))
        attack = paras + [RIDER, repl(x, 'mnt-by', 'RIDER-MNT')]   # rides on RIDER-MNT
        queries = query_of(x)
        if c in CHILD:
            attack.append(CHILD[c])
            attack.append(repl(CHILD[c], 'mnt-by', 'RIDER-MNT'))
            queries += query_of(CHILD[c])
        queries += '-r -B -T mntner RIDER-MNT\n'
        write(c, {'mail': mail('attack-authz-' + c, '\n'.join(attack) + '\n' + EVIL_PW),
                  'queries': queries, 'secret': SECRET})
        # the control: the victim makes the same changes, in one modify,
        # and creates the child object in his own space
        mod = add(x, 'mnt-by', 'EVIL-MNT')
        for a, v in EXTRA.get(c, []):
            mod = add(mod, a, v)
        ctl = [mod]
        cq = query_of(x)
        if c in CHILD:      # first: the change may hand the space to EVIL-MNT
            ctl.insert(0, repl(CHILD[c], 'mnt-by', 'VICTIM-MNT'))
            cq += query_of(CHILD[c])
        body = '\n'.join(ctl) + '\n' + VICTIM_PW
        if c == 'key-cert':
            body = mc.clearsign(HOME, 'alice', '\n'.join(ctl))
        elif c == 'irt':
            body += IRT_PW
        write(c + '-control', {'mail': mail('attack-authz-%s-control' % c, body,
                                            'Victim <victim@example.net>'),
                               'queries': cq, 'secret': SECRET})


HOME = None


def main():
    global HOME
    HOME = tempfile.mkdtemp()
    try:
        mc.setup(HOME)
        setup_keys()
        class_cases()
        special_cases()
    finally:
        shutil.rmtree(HOME)
    print('\n'.join(WRITTEN))


def special_cases():
    A, B, C = (mc.KEYS[k]['id8'] for k in ('alice', 'bob', 'carol'))
    # hole 1: the self-maintained mntner rewritten with the stranger's
    # password (the HOLD-MNT)
    take = repl(repl(V['mntner'], 'auth', EVIL_HASH), 'upd-to', 'evil@example.org')
    write('takeover-md5', {
        'mail': mail('attack-authz-takeover-md5', take + '\n' + EVIL_PW),
        'queries': '-r -B -T mntner VICTIM-MNT\n', 'secret': SECRET})
    write('takeover-md5-control', {
        'mail': mail('attack-authz-takeover-md5-control', take + '\n' + VICTIM_PW,
                     'Victim <victim@example.net>'),
        'queries': '-r -B -T mntner VICTIM-MNT\n', 'secret': SECRET})
    # ... and a PGP-only mntner rewritten with the stranger's key-cert,
    # signed by the stranger (bob)
    ptake = repl(repl(PGPV, 'auth', 'PGPKEY-' + B), 'upd-to', 'evil@example.org')
    write('takeover-pgp', {
        'mail': mail('attack-authz-takeover-pgp', mc.clearsign(HOME, 'bob', ptake)),
        'queries': '-r -B -T mntner PGPV-MNT\n'})
    write('takeover-pgp-control', {
        'mail': mail('attack-authz-takeover-pgp-control', mc.clearsign(HOME, 'alice', ptake),
                     'Victim <victim@example.net>'),
        'queries': '-r -B -T mntner PGPV-MNT\n'})
    # the takeover followed, in the same mail, by what it was for: a
    # change of an object the mntner maintains
    kp = add(V['pgp-person'], 'remarks', 'owned')
    write('takeover-pgp-then-use', {
        'objects.rpsl': fixture() + '\n' + V['pgp-person'],
        'mail': mail('attack-authz-takeover-pgp-then-use',
                     mc.clearsign(HOME, 'bob', ptake + '\n' + kp)),
        'queries': '-r -B -T mntner PGPV-MNT\n-r -B -T person KP1-TEST\n'})
    # a key-cert created by the stranger, then used in the same mail: his
    # new key-cert (carol's key, which gpg already knows: keyring) and a
    # mntner using it are his; the signed part then tries the victim's
    # objects (and, the control in the same mail, his own new mntner)
    kc = mc.keycert('carol').replace('TEST-MNT', 'EVIL-MNT')
    carol_mnt = repl(repl(RIDER, 'mntner', 'CAROL-MNT'), 'mnt-by', 'CAROL-MNT')
    carol_mnt = add(carol_mnt, 'auth', 'PGPKEY-' + C)
    signed = mc.clearsign(HOME, 'carol', '\n'.join([
        repl(PGPV, 'auth', 'PGPKEY-' + C),
        add(V['pgp-person'], 'mnt-by', 'CAROL-MNT'),
        add(V['person'], 'mnt-by', 'CAROL-MNT'),
        add(carol_mnt, 'remarks', 'signed by carol')]))
    write('keycert-then-use', {
        'objects.rpsl': fixture() + '\n' + V['pgp-person'],
        'keyring': mc.KEYS['carol']['pub'],
        'mail': mail('attack-authz-keycert-then-use',
                     kc + '\n' + carol_mnt + '\n' + EVIL_PW + '\n' + signed),
        'queries': ('-r -B -T mntner PGPV-MNT\n-r -B -T person KP1-TEST\n-r -B -T person VP1-TEST\n'
                    '-r -B -T key-cert PGPKEY-%s\n-r -B -T mntner CAROL-MNT\n' % C),
        'secret': SECRET})
    # a change the stranger may not make comes first in the mail; later
    # objects must not profit from it: the irt's auth: rewritten (fails),
    # then his own inetnum names the irt in mnt-irt:
    irt_take = repl(V['irt'], 'auth', EVIL_HASH)
    write('irt-same-mail', {
        'mail': mail('attack-authz-irt-same-mail',
                     irt_take + '\n' + add(E['inetnum'], 'mnt-irt', 'IRT-VICTIM') + '\n' +
                     EVIL_PW),
        'queries': '-r -B -T irt IRT-VICTIM\n-r -B -x -T inetnum 198.51.100.0 - 198.51.100.255\n',
        'secret': SECRET})
    write('irt-same-mail-control', {
        'mail': mail('attack-authz-irt-same-mail-control',
                     add(E['inetnum'], 'mnt-irt', 'IRT-VICTIM') + '\n' + EVIL_PW + IRT_PW),
        'queries': '-r -B -T inetnum 198.51.100.0 - 198.51.100.255\n',
        'secret': SECRET})
    # references to the victim's protected objects (mnt-ref:) from the
    # stranger's own objects, also through a mntner he creates in the mail
    ref = [add(E['inetnum'], 'org', 'ORG-VA1-TEST'),
           add(E['person'], 'mnt-ref', 'EVIL-MNT'),
           add(add(E['inetnum'], 'admin-c', 'VR1-TEST'), 'tech-c', 'VP1-TEST'),
           RIDER, add(repl(E['inetnum'], 'mnt-by', 'RIDER-MNT'), 'org', 'ORG-VA1-TEST')]
    write('ref-same-mail', {
        'mail': mail('attack-authz-ref-same-mail', '\n'.join(ref) + '\n' + EVIL_PW),
        'queries': '-r -B -T inetnum 198.51.100.0 - 198.51.100.255\n',
        'secret': SECRET})
    # a delete the stranger may not make (the victim's aut-num) must not
    # excuse the references of its object: his own contact EP2-TEST, which
    # the victim's aut-num names, stays (no dangling tech-c:)
    ep2 = repl(repl(E['person'], 'person', 'Evil Contact'), 'nic-hdl', 'EP2-TEST')
    asn = add(V['aut-num'], 'tech-c', 'EP2-TEST')
    write('delete-excuse', {
        'objects.rpsl': fixture() + '\n' + ep2 + '\n' + asn.replace('AS64500', 'AS64509'),
        'mail': mail('attack-authz-delete-excuse',
                     delete(ep2) + '\n' + delete(asn.replace('AS64500', 'AS64509')) + '\n' +
                     EVIL_PW),
        'queries': '-r -B -T person EP2-TEST\n-r -B -T aut-num AS64509\n',
        'secret': SECRET})
    # control: a pair the sender may delete goes in one mail (his contact
    # first, then his inetnum naming it)
    einet = add(E['inetnum'], 'admin-c', 'EP2-TEST')
    write('delete-excuse-control', {
        'objects.rpsl': fixture().replace(E['inetnum'], einet) + '\n' + ep2,
        'mail': mail('attack-authz-delete-excuse-control',
                     delete(ep2) + '\n' + delete(einet) + '\n' + EVIL_PW),
        'queries': '-r -B -T person EP2-TEST\n-r -B -T inetnum 198.51.100.0 - 198.51.100.255\n',
        'secret': SECRET})
    # deletes that only authorisation stops: victim objects nothing
    # references (the class cases' objects are referenced, so their
    # deletes stop at the reference check first)
    lone = [repl(repl(V['mntner'], 'mntner', 'LONE-MNT'), 'mnt-by', 'LONE-MNT'),
            repl(V['person'], 'nic-hdl', 'VP9-TEST'),
            repl(V['organisation'], 'organisation', 'ORG-VL9-TEST'),
            repl(V['irt'], 'irt', 'IRT-LONE'),
            mc.keycert('dave').replace('TEST-MNT', 'VICTIM-MNT')]
    write('delete-lone', {
        'objects.rpsl': fixture() + '\n' + '\n'.join(lone),
        'mail': mail('attack-authz-delete-lone',
                     '\n'.join(delete(o) for o in lone) + '\n' + EVIL_PW),
        'queries': ''.join(query_of(o) for o in lone),
        'secret': SECRET})
    write('delete-lone-control', {
        'objects.rpsl': fixture() + '\n' + '\n'.join(lone),
        'mail': mail('attack-authz-delete-lone-control',
                     '\n'.join(delete(o) for o in lone) + '\n' + VICTIM_PW,
                     'Victim <victim@example.net>'),
        'queries': ''.join(query_of(o) for o in lone),
        'secret': SECRET})
    # a legacy mntner without mnt-by: (a historic import): the stranger
    # adopts it by naming his own mntner in mnt-by: and his auth:
    legacy = obj(*[a for a in attrs(repl(V['mntner'], 'mntner', 'LEGACY-MNT'))
                   if a[0] != 'mnt-by'])
    adopt = add(repl(legacy, 'auth', EVIL_HASH), 'mnt-by', 'EVIL-MNT')
    write('legacy-mntner', {
        'objects.rpsl': fixture() + '\n' + legacy,
        'mail': mail('attack-authz-legacy-mntner', adopt + '\n' + EVIL_PW),
        'queries': query_of(legacy), 'secret': SECRET})
    write('legacy-mntner-control', {
        'objects.rpsl': fixture() + '\n' + legacy,
        'mail': mail('attack-authz-legacy-mntner-control',
                     add(legacy, 'mnt-by', 'LEGACY-MNT') + '\n' + VICTIM_PW,
                     'Victim <victim@example.net>'),
        'queries': query_of(legacy), 'secret': SECRET})
    # the victim's keys spelled otherwise (case, prefix form, no spaces,
    # a trailing dot, leading zeros) name the same stored objects: modify,
    # not a create the stranger's own mnt-by would authorise
    variants = [repl(repl(V['inetnum'], 'inetnum', '192.0.2.0/24'), 'mnt-by', 'EVIL-MNT'),
                repl(repl(V['inetnum'], 'inetnum', '192.0.2.0-192.0.2.255'), 'mnt-by', 'EVIL-MNT'),
                repl(repl(V['inet6num'], 'inet6num', '2001:0DB8:0000::/32'), 'mnt-by', 'EVIL-MNT'),
                repl(repl(V['route'], 'origin', 'as64500'), 'mnt-by', 'EVIL-MNT'),
                repl(repl(V['aut-num'], 'aut-num', 'as64500'), 'mnt-by', 'EVIL-MNT'),
                repl(repl(V['domain'], 'domain', '2.0.192.IN-ADDR.ARPA.'), 'mnt-by', 'EVIL-MNT'),
                repl(repl(take, 'mntner', 'victim-mnt'), 'mnt-by', 'victim-mnt'),
                repl(repl(V['person'], 'nic-hdl', 'vp1-test'), 'mnt-by', 'EVIL-MNT'),
                repl(repl(V['as-set'], 'as-set', 'as64500:as-victim'), 'mnt-by', 'EVIL-MNT')]
    write('key-variants', {
        'mail': mail('attack-authz-key-variants', '\n'.join(variants) + '\n' + EVIL_PW),
        'queries': ''.join(query_of(o) for o in [V['inetnum'], V['inet6num'], V['route'],
                                                 V['aut-num'], V['domain'], V['mntner'],
                                                 V['person'], V['as-set']]),
        'secret': SECRET})
    # a victim's organisation whose only mnt-ref: names a mntner that no
    # longer exists (a historic import): nobody may reference it (A6), in
    # particular not a stranger who creates that mntner in the mail that
    # references it
    dorg = repl(repl(V['organisation'], 'organisation', 'ORG-VD1-TEST'), 'mnt-ref', 'GONE-MNT')
    gone = repl(repl(RIDER, 'mntner', 'GONE-MNT'), 'mnt-by', 'GONE-MNT')
    write('dangling-mnt-ref', {
        'objects.rpsl': fixture() + '\n' + dorg,
        'mail': mail('attack-authz-dangling-mnt-ref',
                     add(gone, 'org', 'ORG-VD1-TEST') + '\n' + EVIL_PW),
        'queries': query_of(gone), 'secret': SECRET})
    write('dangling-mnt-ref-control', {
        'objects.rpsl': fixture() + '\n' + dorg,
        'mail': mail('attack-authz-dangling-mnt-ref-control', gone + '\n' + EVIL_PW),
        'queries': query_of(gone), 'secret': SECRET})
    # a victim's mntner naming a key-cert that does not exist (deleted, or
    # not created yet: a Warning only): a stranger with a key of that short
    # id (carol's key stands for a colliding one) creates the key-cert and
    # signs for the mntner in the same mail
    squat = obj(('mntner', 'SQUAT-MNT'), ('descr', 'Names a key-cert not there'),
                ('admin-c', 'VP1-TEST'), ('upd-to', 'squat-upd@example.net'),
                ('auth', VICTIM_HASH), ('auth', 'PGPKEY-' + C), ('mnt-by', 'SQUAT-MNT'),
                ('source', 'TEST'))
    ckc = mc.keycert('carol')
    for who, pw, kcm, sender in (('', EVIL_PW, 'EVIL-MNT', None),
                                 ('-control', VICTIM_PW, 'VICTIM-MNT',
                                  'Victim <victim@example.net>')):
        name = 'keycert-squat' + who
        body = (ckc.replace('TEST-MNT', kcm) + '\n' + pw + '\n' +
                mc.clearsign(HOME, 'carol', repl(squat, 'upd-to', 'carol@example.com')))
        write(name, {
            'objects.rpsl': fixture() + '\n' + squat,
            'keyring': mc.KEYS['carol']['pub'],
            'mail': mail('attack-authz-' + name, body, *([sender] if sender else [])),
            'queries': query_of(squat) + '-r -B -T key-cert PGPKEY-%s\n' % C,
            'secret': SECRET})
    # RIPE lets a mail create a mntner and then objects it maintains
    newm = repl(repl(RIDER, 'mntner', 'VNEW-MNT'), 'mnt-by', 'VNEW-MNT')
    newm = repl(repl(newm, 'auth', VICTIM_HASH), 'admin-c', 'VP1-TEST')
    newp = obj(('person', 'New Person'), ('address', 'Victim Street 9'),
               ('phone', '+31 20 123 4560'), ('e-mail', 'np@example.net'),
               ('nic-hdl', 'NP1-TEST'), ('mnt-by', 'VNEW-MNT'), ('source', 'TEST'))
    write('ride-control', {
        'mail': mail('attack-authz-ride-control',
                     '\n'.join([newm, newp, add(V['aut-num'], 'mnt-by', 'VNEW-MNT'),
                                add(V['inetnum'], 'mnt-lower', 'VNEW-MNT')])
                     + '\n' + VICTIM_PW, 'Victim <victim@example.net>'),
        'queries': ('-r -B -T mntner VNEW-MNT\n-r -B -T person NP1-TEST\n-r -B -T aut-num AS64500\n'
                    '-r -B -T inetnum 192.0.2.0 - 192.0.2.255\n'),
        'secret': SECRET})


if __name__ == '__main__':
    main()
