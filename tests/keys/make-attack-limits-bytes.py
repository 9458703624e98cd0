#!/usr/bin/env python3
"""make-attack-limits-bytes.py - write the unsigned attack case of issue 10
hole 6 by bytes (max_notify_bytes) into tests/cases/attack-limits-notify-bytes/
(run from anywhere; expected/ is then made with
tests/cases/run --update attack-limits-notify-bytes).

The red team's shape, scaled down: the stranger's own mntners, each with
many mnt-nfy: addresses, all in mnt-by: of a few large persons he creates.
Each address gets every person, so a small mail makes many times its size
of outgoing mail.  Here 3 mntners x 3 mnt-nfy: = 9 addresses and
max_notify_bytes = 64K:
  mail    two persons of ~4.5 KB: ~90 KB of notifications, refused whole;
  mail.2  the control: one person, the notifications just under 64K
          (about 63 KB; the Message-ID: length varies a little by host),
          created, all 9 addresses notified;
  mail.3  the attack mail as a dry run (dry-run:): no notification is
          sent, so the bound does not apply: answered as a dry run.
"""
import os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'cases'))
name = 'attack-limits-notify-bytes'
base = open('auth-wrong-password/objects.rpsl').read()
OTHER_HASH = 'MD5-PW $1$OtHeRsLt$A5uFD4Sz2X85KL3Kn.tNV.'   # other-pw-9

def mail(body, n=''):
    return ("From: Mallory <mallory@evil.example>\nTo: auto-dbm@example.net\nSubject:\n"
            "Date: Thu, 01 Jan 2026 11:58:00 +0000\n"
            f"Message-ID: <{name}{n}.20260101115800@example.com>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n" + body)

def mntner(i):
    return (f"mntner:         EVIL{i}-MNT\ndescr:          the stranger's maintainer {i}\n"
            "admin-c:        TP1-TEST\nupd-to:         mallory@evil.example\n"
            + ''.join(f"mnt-nfy:        n{i}{j}@evil.example\n" for j in range(1, 4))
            + f"auth:           {OTHER_HASH}\nmnt-by:         EVIL{i}-MNT\nsource:         TEST\n")

def person(hdl, remarks):
    return (f"person:         Stranger {hdl}\naddress:        Street 1\nphone:          +31 20 123 4567\n"
            f"e-mail:         s@evil.example\nnic-hdl:        {hdl}\n"
            + ''.join(f"remarks:        padding line {k:03d} of a large object, "
                      "said once and told to every address\n" for k in range(remarks))
            + "mnt-by:         EVIL1-MNT\nmnt-by:         EVIL2-MNT\nmnt-by:         EVIL3-MNT\n"
            "source:         TEST\n")

PW = "password:       other-pw-9\n"
os.makedirs(name, exist_ok=True)
open(f'{name}/objects.rpsl', 'w').write(base + ''.join('\n' + mntner(i) for i in range(1, 4)))
attack = person('BY1-TEST', 45) + '\n' + person('BY2-TEST', 45) + PW
open(f'{name}/mail', 'w').write(mail(attack))
open(f'{name}/mail.2', 'w').write(mail(person('BY3-TEST', 67) + PW, '-2'))
open(f'{name}/mail.3', 'w').write(mail('dry-run:\n\n' + attack, '-3'))
open(f'{name}/conf', 'w').write('max_notify_bytes = 64K\n')
open(f'{name}/queries', 'w').write('-r BY1-TEST\n-r BY2-TEST\n-r BY3-TEST\n')
open(f'{name}/secret', 'w').write('other-pw-9\n')
