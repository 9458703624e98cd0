#!/usr/bin/env python3
"""make-attack-limits.py - write the unsigned attack cases of issue 10 slice
"limits" (bcrypt cost, password budget, notifications, paragraphs) into
tests/cases/attack-limits-*/ (run from anywhere; expected/ is then made
with tests/cases/run --update NAME)."""
import os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'cases'))
import os, sys
base = open('auth-wrong-password/objects.rpsl').read()
def mail(name, body, frm='Mallory <mallory@evil.example>', n=''):
    return (f"From: {frm}\nTo: auto-dbm@example.net\nSubject:\n"
            f"Date: Thu, 01 Jan 2026 11:58:00 +0000\n"
            f"Message-ID: <{name}{n}.20260101115800@example.com>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n" + body)
def case(name, objs, mails, conf=None, queries=None, secret=None):
    os.makedirs(name, exist_ok=True)
    open(f'{name}/objects.rpsl','w').write(base + objs)
    for i, m in enumerate(mails):
        open(f'{name}/mail' + ('' if i == 0 else f'.{i+1}'), 'w').write(mail(name, m, n='' if i==0 else f'-{i+1}'))
    if conf: open(f'{name}/conf','w').write(conf)
    if queries: open(f'{name}/queries','w').write(queries)
    if secret: open(f'{name}/secret','w').write(secret)

B19 = '$2b$19$' + 'abcdefghijklmnopqrstuOabcdefghijklmnopqrstuvwxyz01234'
B31 = '$2b$31$' + 'abcdefghijklmnopqrstuOabcdefghijklmnopqrstuvwxyz01234'
B10 = '$2b$10$QAyEchd.Fr/gmJjH8nC8HO6B/nh0gA.ymn5VAUeC2sLIQVzW14m5W'   # stranger-pw
B12 = '$2b$12$nx6yajzOIVgq.jQl7TQH9eVN0F8Wx5xNU5I/9q.1V9Rxdn.qzagES'   # victim-pw
assert len(B19) == 60 and len(B10) == 60

def mntner(name, auth, extra=''):
    return (f"mntner:         {name}\ndescr:          maintainer\nadmin-c:        TP1-TEST\n"
            f"upd-to:         upd@evil.example\n{extra}auth:           {auth}\nmnt-by:         {name}\nsource:         TEST\n")

# 1. a stranger creates his own mntner whose bcrypt cost is a CPU bomb
case('attack-limits-bcrypt-create', '',
     [mntner('BOMB-MNT', 'BCRYPT-PW ' + B19) + "password:       whatever\n",
      mntner('BOMB2-MNT', 'BCRYPT-PW ' + B31) + "password:       whatever\n"],
     queries='-r BOMB-MNT\n-r BOMB2-MNT\n', secret='whatever\n')
# control: cost 10 create works (password matches the new hash)
case('attack-limits-bcrypt-control',
     '\n' + mntner('VICTIM-MNT', 'BCRYPT-PW ' + B12) + '\n' +
     "person:         Victim Person\naddress:        Street 1\nphone:          +31 20 123 4567\n"
     "e-mail:         v@example.net\nnic-hdl:        VP1-TEST\nmnt-by:         VICTIM-MNT\nsource:         TEST\n",
     [mntner('FINE-MNT', 'BCRYPT-PW ' + B10) + "password:       stranger-pw\n",
      "person:         Victim Person\naddress:        Street 2\nphone:          +31 20 123 4567\n"
      "e-mail:         v@example.net\nnic-hdl:        VP1-TEST\nmnt-by:         VICTIM-MNT\nsource:         TEST\n"
      "password:       victim-pw\n"],
     queries='-r FINE-MNT\n-r VP1-TEST\n', secret='stranger-pw\nvictim-pw\n')
# 2. a stored cost-19 hash (loaded non-strict): a wrong password answers at once, with a reason
case('attack-limits-bcrypt-stored',
     '\n' + mntner('SLOW-MNT', 'BCRYPT-PW ' + B19) + '\n' +
     "person:         Slow Person\naddress:        Street 1\nphone:          +31 20 123 4567\n"
     "e-mail:         s@example.net\nnic-hdl:        SP1-TEST\nmnt-by:         SLOW-MNT\nsource:         TEST\n",
     ["person:         Slow Person\naddress:        Street 9\nphone:          +31 20 123 4567\n"
      "e-mail:         s@example.net\nnic-hdl:        SP1-TEST\nmnt-by:         SLOW-MNT\nsource:         TEST\n"
      "password:       wrong-guess\n"],
     queries='-r SP1-TEST\n', secret='wrong-guess\n')

# 3. many passwords against many auth: lines: the mail's crypt budget
case('attack-limits-password-checks', '',
     ["person:         Test Person\naddress:        Example Street 1\naddress:        Amsterdam\n"
      "phone:          +31 20 999 0001\ne-mail:         tp1@example.net\nnic-hdl:        TP1-TEST\n"
      "mnt-by:         TEST-MNT\nsource:         TEST\n"
      "password:       guess-1\npassword:       guess-2\npassword:       kumquat-42\n",
      "person:         Test Person\naddress:        Example Street 1\naddress:        Amsterdam\n"
      "phone:          +31 20 999 0002\ne-mail:         tp1@example.net\nnic-hdl:        TP1-TEST\n"
      "mnt-by:         TEST-MNT\nsource:         TEST\n"
      "password:       guess-1\npassword:       kumquat-42\n"],
     conf='max_password_checks = 2\n', queries='-r TP1-TEST\n', secret='guess-1\nguess-2\nkumquat-42\n')

def person(hdl, notify, mnt='OTHER-MNT'):
    return (f"person:         Stranger {hdl}\naddress:        Street 1\nphone:          +31 20 123 4567\n"
            f"e-mail:         s@evil.example\nnic-hdl:        {hdl}\n"
            + ''.join(f"notify:         {a}\n" for a in notify)
            + f"mnt-by:         {mnt}\nsource:         TEST\n")

# 4. one object with more notify:-like values than max_notify_values (3 here)
case('attack-limits-notify-values', '',
     [person('NV1-TEST', [f'n{i}@evil.example' for i in range(1, 5)]) + "password:       other-pw-9\n",
      person('NV2-TEST', [f'c{i}@evil.example' for i in range(1, 4)]) + "password:       other-pw-9\n"],
     conf='max_notify_values = 3\n', queries='-r NV1-TEST\n-r NV2-TEST\n', secret='other-pw-9\n')
# 5. many objects whose notifications go to more than max_recipients (5) addresses
case('attack-limits-notify-recipients', '',
     [person('NR1-TEST', [f'r{i}@evil.example' for i in range(1, 4)]) + '\n'
      + person('NR2-TEST', [f'r{i}@evil.example' for i in range(3, 6)] ) + '\n'
      + person('NR3-TEST', ['r6@evil.example']) + "password:       other-pw-9\n",
      person('NR4-TEST', [f'r{i}@evil.example' for i in range(1, 4)]) + '\n'
      + person('NR5-TEST', [f'r{i}@evil.example' for i in range(3, 6)]) + "password:       other-pw-9\n"],
     conf='max_notify_values = 3\nmax_recipients = 5\n',
     queries='-r NR1-TEST\n-r NR3-TEST\n-r NR4-TEST\n-r NR5-TEST\n', secret='other-pw-9\n')
# 6. a mail of many one-line paragraphs (max_paragraphs 5 here)
case('attack-limits-paragraphs', '',
     [''.join(f"junk line {i}\n\n" for i in range(5)) + person('NP1-TEST', []) + "password:       other-pw-9\n",
      ''.join(f"junk line {i}\n\n" for i in range(4)) + person('NP2-TEST', []) + "password:       other-pw-9\n"],
     conf='max_paragraphs = 5\n', queries='-r NP1-TEST\n-r NP2-TEST\n', secret='other-pw-9\n')

# 7. notify: values in display-name, comment and quoted-local-part forms are
#    notified at their address (one recipient per address)
case('attack-limits-notify-address', '',
     [person('NA1-TEST', ['Joe Bloggs <joe@example.org>', 'jane@example.org (Jane)',
                          '"Last, First" <lf@example.org>', '"odd..name"@example.org',
                          'JOE@example.org']) + "password:       other-pw-9\n"],
     conf='max_notify_values = 5\n', queries='-r NA1-TEST\n', secret='other-pw-9\n')
