#!/usr/bin/env python3
"""make-i12-loader.py - write the cases of issue 12 item 1
(tests/cases/loader-keycert-*/): key-certs loaded with autodbm-load must
authorise signed mail as key-certs created by mail do.  Uses the helpers
and test keys of make-cases.py.

loader-keycert-no-fingerpr: objects.rpsl holds alice's key-cert with
certif: only (no method:, owner:, fingerpr:), as a hand-written bootstrap
or an old dump has it.  The loader generates them from the key; alice's
clearsigned update of TP1-TEST then succeeds (before: "signed by an
unknown key ... no key-cert object holds its fingerprint").

loader-keycert-wrong-fingerpr: alice's key-cert carries bob's fingerprint
and user ID (wrong generated values), bob has his own key-cert.  The
loader replaces them by alice's (with a warning); bob's signed update of
TP1-TEST, maintained by a mntner that names only alice's key-cert, fails
(before: bob's signature counted for PGPKEY-AAC53B23), and alice's
succeeds (mail.2, the control).

usage: tests/keys/make-i12-loader.py        (from anywhere)
then tests/cases/run --update loader-keycert-...; read expected/ before
committing.
"""
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('make_cases', os.path.join(HERE, 'make-cases.py'))
mc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mc)
KEYS = mc.KEYS


def headers(name, n, who):
    return ('From: %s Example <%s@example.com>\n'
            'To: auto-dbm@example.net\n'
            'Subject: signed update\n'
            'Date: Thu, 01 Jan 2026 11:59:00 +0000\n'
            'Message-ID: <loader-%s.%d@example.com>\n'
            'MIME-Version: 1.0\n'
            'Content-Type: text/plain; charset=us-ascii\n'
            'Content-Transfer-Encoding: 7bit\n\n' % (who.capitalize(), who, name, n))


def signed(home, name, n, who, remark):
    return headers(name, n, who) + mc.clearsign(home, who, mc.person(remark))


def objects(*keycerts):
    head = ('# Starting registry of an autodbm-load case (tests/keys/make-i12-loader.py).\n'
            '# TEST-MNT: MD5-PW "kumquat-42" and PGPKEY-%s only.\n\n' % KEYS['alice']['id8'])
    return head + '\n'.join([mc.mntner([KEYS['alice']['id8']]), mc.PERSON] + list(keycerts))


def write_case(name, files):
    mc.write_case(name, files, 'loader-keycert-')


def build(home):
    A = KEYS['alice']['id8']
    B = KEYS['bob']['id8']
    write_case('no-fingerpr', {
        'objects.rpsl': objects(mc.keycert('alice', generated=False)),
        'mail': signed(home, 'no-fingerpr', 1, 'alice', 'changed by alice, key-cert loaded'),
        'queries': 'PGPKEY-%s\n-r TP1-TEST\n' % A,
    })
    write_case('wrong-fingerpr', {
        'objects.rpsl': objects(mc.keycert('alice', fpr_of='bob'), mc.keycert('bob')),
        'mail': signed(home, 'wrong-fingerpr', 1, 'bob', 'changed by bob'),
        'mail.2': signed(home, 'wrong-fingerpr', 2, 'alice', 'changed by alice'),
        'queries': 'PGPKEY-%s\nPGPKEY-%s\n-r TP1-TEST\n' % (A, B),
    })


def main():
    mc.run(build)


if __name__ == '__main__':
    main()
