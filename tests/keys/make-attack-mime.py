#!/usr/bin/env python3
"""make-attack-mime.py - write the MIME-shape attacker cases
tests/cases/attack-mime-*/ (issue 10, holes 2 and 8, the signed-blocks
bound) from the test keys of this folder, with the helpers of
make-cases.py (same keys, same faked signing time, see its header).

The cast: alice is the victim (her key-cert PGPKEY-AAC53B23 is an auth:
of TEST-MNT, which maintains TP1-TEST and itself); bob is the stranger,
with his own mntner EVIL-MNT and his own key-cert.  He has old mails of
alice (a part she once signed, with its detached signature, or a
clearsigned block) and full control of MIME, charsets and headers.  His
goal (EVIL) is TEST-MNT rewritten with his own key and upd-to:.  Every
attack mail must leave the store unchanged and credit no signature of
alice to his text; the control (mail.2, or the genuine part of the same
mail) proves that alice's signed text of the same shape still works.

usage: tests/keys/make-attack-mime.py        (from anywhere)
It rewrites every file but expected/ of the attack-mime-* cases; expected/
is then written with tests/cases/run --update and must be read before it
is committed.
"""
import base64
import importlib.util
import os
import quopri

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('make_cases', os.path.join(HERE, 'make-cases.py'))
mc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mc)
KEYS = mc.KEYS

MALLORY = 'Mallory <mallory@evil.example>'
ALICE = 'Alice Example <alice@example.com>'


def evil_mntner():
    """TEST-MNT as the stranger wants it: his key, his upd-to:."""
    return mc.mntner([KEYS['alice']['id8'], KEYS['carol']['id8'], KEYS['dave']['id8'],
                      KEYS['bob']['id8']]).replace('upd-to@example.net', 'mallory@evil.example')


def registry():
    """The starting store: the signed-case registry plus the stranger's
    own mntner and key-cert."""
    b = KEYS['bob']['id8']
    own = ('mntner:         EVIL-MNT\n'
           'descr:          The stranger\'s own maintainer\n'
           'admin-c:        TP1-TEST\n'
           'upd-to:         mallory@evil.example\n'
           'auth:           PGPKEY-%s\n'
           'mnt-by:         EVIL-MNT\n'
           'source:         TEST\n' % b)
    kc = mc.keycert('bob').replace('mnt-by:         TEST-MNT', 'mnt-by:         EVIL-MNT')
    return mc.objects(own, kc).replace('make-cases.py', 'make-attack-mime.py')


QUERIES = '-r TEST-MNT\n-r TP1-TEST\n'


def headers(name, n, frm):
    return ('From: %s\n'
            'To: auto-dbm@example.net\n'
            'Subject: update\n'
            'Date: Thu, 01 Jan 2026 11:59:00 +0000\n'
            'Message-ID: <attack-mime-%s.%d@example.com>\n'
            'MIME-Version: 1.0\n' % (frm, name, n))


def mail(name, entity, n=1, frm=MALLORY):
    """A mail whose body is @entity (its own header lines, a blank line,
    its body)."""
    return headers(name, n, frm) + entity


def text(body, charset='us-ascii', cte='7bit'):
    return ('Content-Type: text/plain; charset=%s\nContent-Transfer-Encoding: %s\n\n'
            % (charset, cte)) + body


def multipart(sub, parts, bd, preamble='', epilogue='', params=''):
    """A multipart entity; each part is an entity (headers, blank line,
    body) ending with a line end."""
    s = 'Content-Type: multipart/%s;%s boundary="%s"\n\n' % (sub, params, bd)
    s += preamble
    for p in parts:
        s += '--%s\n%s\n' % (bd, p)
    return s + '--%s--\n' % bd + epilogue


def sig_entity(sig):
    return ('Content-Type: application/pgp-signature; name="signature.asc"\n'
            'Content-Disposition: attachment; filename="signature.asc"\n\n' + sig)


def signed(part, sig, bd='SIG', preamble='This is an OpenPGP/MIME signed message\n', extra=()):
    """multipart/signed of @part with the detached signature @sig."""
    return multipart('signed', [part, sig_entity(sig)] + list(extra), bd, preamble=preamble,
                     params=' micalg=pgp-sha512; protocol="application/pgp-signature";')


def upd_person(remark):
    return mc.person(remark)


def write_case(name, files):
    # mails are ASCII but for windows-1252 bytes
    mc.write_case(name, files, 'attack-mime-', 'latin-1')


def main():
    mc.run(build)


def build(home):
    def detach(key, part):
        return mc.detach(home, key, mc.crlf(part).encode())

    def clearsign(key, t):
        return mc.clearsign(home, key, t)

    def clearsign_bytes(key, b):
        """clearsign bytes in any charset; the result as a latin-1 str"""
        return mc.gpg(home, '--faked-system-time', mc.SIGTIME, '--local-user',
                      KEYS[key]['fpr'], '--clearsign', data=b).decode('latin-1')

    EVIL = evil_mntner()
    # P: a harmless part alice once signed (PGP/MIME), with its signature
    P = text(upd_person('harmless change signed by alice'))
    PSIG = detach('alice', P)
    alice_mail = mail('original', signed(P, PSIG), frm=ALICE)
    E = text(EVIL)
    # where the stranger signs with his own key his goal is TP1-TEST
    # instead (TEST-MNT rewritten with his key would test issue 10 hole 1,
    # a submitted mntner vouching for itself, not the MIME walk)
    EVILP = mc.PERSON.replace('Example Street 1', 'Evil Street 666').replace(
        'tp1@example.net', 'mallory@evil.example')

    # --- hole 2: signature wrapping by a text search for the boundary ---
    # the exact attack of the issue: the preamble of a multipart/mixed
    # holds --SIG, P, --SIG; then a multipart/signed with boundary SIG
    # over the stranger's part, with alice's signature of P
    wrap = multipart('mixed', [signed(E, PSIG)], 'outer',
                     preamble='--SIG\n%s\n--SIG\n' % P)
    write_case('wrap-preamble', {
        'objects.rpsl': registry(),
        'mail': mail('wrap-preamble', wrap),
        'mail.2': alice_mail,
        'queries': QUERIES,
    })
    # the same, what `autodbm -p` credits to each piece
    write_case('wrap-preamble-parse', {
        'objects.rpsl': registry(),
        'mail': mail('wrap-preamble-parse', wrap),
        'args': '-p -t 2026-01-01T12:00:00Z\n',
    })
    # P between --SIG lines inside the text of an earlier part
    write_case('wrap-in-part', {
        'objects.rpsl': registry(),
        'mail': mail('wrap-in-part', multipart('mixed', [
            text('Some notes.\n--SIG\n%s\n--SIG\nEnd of notes.\n' % P), signed(E, PSIG)],
            'outer')),
        'mail.2': alice_mail,
        'queries': QUERIES,
    })
    # alice's whole original mail forwarded as message/rfc822, then the
    # stranger's multipart/signed with the same boundary
    write_case('wrap-rfc822', {
        'objects.rpsl': registry(),
        'mail': mail('wrap-rfc822', multipart('mixed', [
            'Content-Type: message/rfc822\n\n' + alice_mail, signed(E, PSIG)], 'outer')),
        'mail.2': alice_mail,
        'queries': QUERIES,
    })
    # two multipart/signed with one boundary and one signature: alice's
    # genuine one first (it counts), the stranger's second (it must not)
    write_case('duplicate-boundary', {
        'objects.rpsl': registry(),
        'mail': mail('duplicate-boundary', multipart('mixed', [
            signed(P, PSIG), signed(E, PSIG)], 'outer')),
        'queries': QUERIES,
    })
    # the outer multipart/mixed and the multipart/signed share a boundary
    write_case('same-boundary-nested', {
        'objects.rpsl': registry(),
        'mail': mail('same-boundary-nested', multipart('mixed', [
            P, signed(E, PSIG)], 'SIG')),
        'mail.2': alice_mail,
        'queries': QUERIES,
    })
    # the wrapping attack of a mail with CRLF line ends; control: alice's
    # mail with CRLF line ends verifies
    write_case('wrap-crlf', {
        'objects.rpsl': registry(),
        'mail': mc.crlf(mail('wrap-crlf', wrap)),
        'mail.2': mc.crlf(alice_mail),
        'queries': QUERIES,
    })

    # --- the stranger's text beside or around a genuine signed part ---
    write_case('mixed-unsigned', {
        'objects.rpsl': registry(),
        'mail': mail('mixed-unsigned', multipart('mixed', [signed(P, PSIG), E], 'outer')),
        'queries': QUERIES,
    })
    # multipart/alternative: the text/plain alternative is the one read
    write_case('alternative', {
        'objects.rpsl': registry(),
        'mail': mail('alternative', multipart('alternative', [signed(P, PSIG), E], 'alt')),
        'mail.2': mail('alternative', multipart('alternative', [
            signed(P, PSIG),
            'Content-Type: text/html; charset=us-ascii\n\n<p>signed</p>\n'], 'alt'), 2, ALICE),
        'queries': QUERIES,
    })
    # alice's signed mail attached as message/rfc822 beside the stranger's text
    write_case('rfc822', {
        'objects.rpsl': registry(),
        'mail': mail('rfc822', multipart('mixed', [
            E, 'Content-Type: message/rfc822\n\n' + alice_mail], 'outer')),
        'mail.2': alice_mail,
        'queries': QUERIES,
    })
    # a third part in alice's multipart/signed, and text in its preamble
    # and epilogue
    write_case('signed-extra-parts', {
        'objects.rpsl': registry(),
        'mail': mail('signed-extra-parts', signed(
            P, PSIG, preamble=EVIL + '\n', extra=[E]) + '\n' + EVIL),
        'queries': QUERIES,
    })
    # nested: the stranger signs (his own key) a multipart/mixed holding
    # alice's multipart/signed and his text; his text has only his key
    inner = multipart('mixed', [signed(P, PSIG), text(EVILP)], 'inner')
    write_case('nested-signed', {
        'objects.rpsl': registry(),
        'mail': mail('nested-signed', signed(inner, detach('bob', inner), bd='outer-sig')),
        'queries': QUERIES,
    })
    # nested inline in PGP/MIME: alice's clearsigned text, then the
    # stranger's, in a part he signed himself
    CS = clearsign('alice', upd_person('inline change signed by alice'))
    part = text(CS + '\n' + EVILP)
    write_case('nested-inline-in-mime', {
        'objects.rpsl': registry(),
        'mail': mail('nested-inline-in-mime', signed(part, detach('bob', part))),
        'queries': QUERIES,
    })
    # nested inline: alice's block dash-escaped inside the stranger's own
    # clearsigned block, his text beside it
    write_case('nested-inline', {
        'objects.rpsl': registry(),
        'mail': mail('nested-inline', text(clearsign('bob', CS + '\n' + EVILP))),
        'queries': QUERIES,
    })

    # --- inline clearsigned shapes ---
    # the stranger's text right after the END line, no blank line; a
    # second mail with it glued before the BEGIN line
    write_case('inline-glued', {
        'objects.rpsl': registry(),
        'mail': mail('inline-glued', text(CS + EVIL)),
        'mail.2': mail('inline-glued', text(EVIL + CS), 2),
        'queries': QUERIES,
    })
    # after the END line behind a lone CR (one line for an LF reader)
    lines = CS.rstrip('\n')
    write_case('inline-lone-cr', {
        'objects.rpsl': registry(),
        'mail': mail('inline-lone-cr', text(lines + '\r' + EVIL, cte='8bit')),
        'queries': QUERIES,
    })
    # his lines in the armor headers (after Hash:) and inside the signed
    # text, dash-escaped
    head, rest = CS.split('\n\n', 1)
    write_case('inline-armor-header', {
        'objects.rpsl': registry(),
        'mail': mail('inline-armor-header', text(head + '\n' + EVIL + '\n' + rest)),
        'queries': QUERIES,
    })
    sig_at = CS.index('-----BEGIN PGP SIGNATURE-----')
    escaped = ''.join('- ' + l + '\n' for l in EVIL.split('\n') if l)
    write_case('inline-dash-escape', {
        'objects.rpsl': registry(),
        'mail': mail('inline-dash-escape', text(CS[:sig_at] + '\n' + escaped + CS[sig_at:])),
        'queries': QUERIES,
    })
    # transfer encodings outside the signed text: base64 of the block and
    # his text; quoted-printable hiding the line end after END; control:
    # another block of alice alone in base64
    write_case('inline-base64', {
        'objects.rpsl': registry(),
        'mail': mail('inline-base64', text(base64.encodebytes((CS + '\n' + EVIL).encode())
                                           .decode(), cte='base64')),
        'mail.2': mail('inline-base64', text(base64.encodebytes(clearsign(
            'alice', upd_person('base64 control signed by alice')).encode()).decode(),
            cte='base64'), 2, ALICE),
        'queries': QUERIES,
    })
    qp = (quopri.encodestring(CS.rstrip('\n').encode()).decode() + '=0A' +
          EVIL.replace('\n', '=0A') + '\n')
    write_case('inline-qp', {
        'objects.rpsl': registry(),
        'mail': mail('inline-qp', text(qp, cte='quoted-printable')),
        'queries': QUERIES,
    })

    # --- hole 8: signed bytes read through a charset that is not signed ---
    # alice signed a remark holding "+AAo-notify: ..."; read as UTF-7 it
    # becomes a line of its own.  Control: the same block as us-ascii.
    U7 = clearsign('alice', upd_person('ticket 4711 +AAo-notify: mallory@evil.example'))
    write_case('utf7-inline', {
        'objects.rpsl': registry(),
        'mail': mail('utf7-inline', text(U7, charset='utf-7')),
        'mail.2': mail('utf7-inline', text(U7), 2, ALICE),
        'queries': QUERIES,
    })
    write_case('utf7-inline-parse', {
        'objects.rpsl': registry(),
        'mail': mail('utf7-inline-parse', text(U7, charset='utf-7')),
        'args': '-p -t 2026-01-01T12:00:00Z\n',
    })
    # in PGP/MIME the charset is inside the signed part: refused all the same
    U7P = text(upd_person('ticket 4711 +AAo-notify: mallory@evil.example'), charset='utf-7')
    write_case('utf7-mime', {
        'objects.rpsl': registry(),
        'mail': mail('utf7-mime', signed(U7P, detach('alice', U7P)), frm=ALICE),
        'queries': QUERIES,
    })
    # a stateful encoding: ISO-2022-JP (escape sequences); control: an
    # ASCII-compatible one, windows-1252, with a non-ASCII remark
    w1252 = clearsign_bytes('alice', upd_person('caf\u00e9 \u20ac').encode('cp1252'))
    write_case('charsets', {
        'objects.rpsl': registry(),
        'mail': mail('charsets', text(U7, charset='iso-2022-jp')),
        'mail.2': mail('charsets', text(w1252, charset='windows-1252', cte='8bit'), 2, ALICE),
        'queries': QUERIES,
    })

    # --- the bound on signed blocks (max_signed_blocks = 2 here) ---
    three = ''.join(clearsign('alice', upd_person('block %d' % i)) + '\n' for i in (1, 2, 3))
    two = ''.join(clearsign('alice', upd_person('block %d' % i)) + '\n' for i in (4, 5))
    write_case('signed-blocks-limit', {
        'objects.rpsl': registry(),
        'conf': 'max_signed_blocks = 2\n',
        'mail': mail('signed-blocks-limit', text(three), frm=ALICE),
        'mail.2': mail('signed-blocks-limit', text(two), 2, ALICE),
        'queries': QUERIES,
    })


if __name__ == '__main__':
    main()
