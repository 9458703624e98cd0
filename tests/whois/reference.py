#!/usr/bin/env python3
"""reference.py - what a correct server answers for an as-set, computed
by brute force from the RPSL file itself (independent of autodbm's code):

  reference.py FILE asns SET     the ASNs of SET, recursively, one a line
  reference.py FILE v4 SET       the IPv4 prefixes their routes originate
  reference.py FILE v6 SET       the IPv6 prefixes of their route6 objects

Members are members: items and, for sets with mbrs-by-ref:, the aut-nums
whose member-of: names the set and whose mnt-by: is listed (or ANY).
"""
import ipaddress
import sys


def objects(path):
    obj = []
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line.strip():
            if obj:
                yield obj
            obj = []
        elif line[0] in ' \t+' and obj:
            obj[-1][1] += ' ' + line.strip()
        elif ':' in line:
            k, v = line.split(':', 1)
            obj.append([k.strip().lower(), v.split('#')[0].strip()])
    if obj:
        yield obj


def values(o, name):
    return [x.strip().upper() for k, v in o if k == name for x in v.split(',') if x.strip()]


objs = list(objects(sys.argv[1]))
sets = {o[0][1].upper(): o for o in objs if o[0][0] == 'as-set'}
autnums = [o for o in objs if o[0][0] == 'aut-num']


def asns(name, seen):
    if name in seen or name not in sets:
        return set()
    seen.add(name)
    o = sets[name]
    found = set()
    for m in values(o, 'members'):
        if m.startswith('AS') and m[2:].isdigit():
            found.add(int(m[2:]))
        else:
            found |= asns(m, seen)
    mbrs = values(o, 'mbrs-by-ref')
    for a in autnums:
        if name in values(a, 'member-of') and ('ANY' in mbrs or set(values(a, 'mnt-by')) & set(mbrs)):
            found.add(int(a[0][1].upper()[2:]))
    return found


what, top = sys.argv[2], sys.argv[3].upper()
members = asns(top, set())
if what == 'asns':
    for a in sorted(members):
        print(a)
else:
    cls = 'route' if what == 'v4' else 'route6'
    nets = set()
    for o in objs:
        if o[0][0] == cls and int(dict(o)['origin'].upper()[2:]) in members:
            nets.add(ipaddress.ip_network(o[0][1]))
    for n in sorted(nets):
        print(n)
