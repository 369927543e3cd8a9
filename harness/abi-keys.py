#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""abi-keys: the ABI changes of an `abidiff --leaf-changes-only --harmless`
report, one key per line, for comparison with harness/abi-changes.

  added function NAME        removed function NAME
  added variable NAME        removed variable NAME
  changed function NAME      (a parameter or return type changed)
  changed type T             (its size or its members changed)
  member added T::M at the end / in the middle
  member removed T::M        member moved T::M (offset changed)
  member changed T::M        (its type changed)
  enumerator added E::V = N  enumerator removed E::V
  unparsed: LINE             (a line this script does not know: it fails
                              the check until someone reads it)

usage: abi-keys.py REPORT
"""
import re
import sys

SYM = re.compile(r"^\s*\[([ADC])\] '(function|variable) .*?'\s+\{([^}]*)\}")
# a function whose parameter or return types changed: its details follow,
# indented, up to the next blank line
SUBTYPE = re.compile(r"^\s*\[C\] '(function|variable) [^(']*?(\w+)(?:\(.*)?' "
                     r"has some sub-type changes:$")
TYPE = re.compile(r"^'(?:(struct|union|enum|typedef|class) )?([^']+?)'(?: at [^ ]+)? changed:$")
SIZE = re.compile(r"^\s+type size changed from (\d+) to (\d+) \(in bits\)$")
LIST = re.compile(r"^\s+(?:\d+|one) (data member insertion|data member deletion|"
                  r"enumerator insertion|enumerator deletion)s?:$")
MEMBER = re.compile(r"^\s+'(.*?)(\w+)', at offset (\d+) \(in bits\)")
MOVED = re.compile(r"^\s+'.*?(\w+)' offset changed from")
ENUM = re.compile(r"^\s+'(?:\w+::)?(\w+)' value '(-?\d+)'")
SKIP = re.compile(r"^(Leaf changes summary|Changed leaf types summary|"
                  r"Removed/Changed/Added (functions|variables) summary|"
                  r"Functions changes summary|Variables changes summary|"
                  r"\d+ (Added|Removed|Changed) (function|variable)s?:|"
                  r"(one|\d+) (function|variable)s? with some sub-type changes?:|"
                  r"\s+type size hasn't changed|\s+there are data member changes:|"
                  r"\s+(one|\d+) impacted interfaces?:|\s+(function|variable) .*|$)")


def keys(lines):
    out, ttype, old_size, mode = [], None, None, None
    verbs = {"A": "added", "D": "removed", "C": "changed"}
    detail = False
    for line in lines:
        line = line.rstrip("\n")
        if detail:
            detail = line.startswith("    ")
            if detail:
                continue
        m = SUBTYPE.match(line)
        if m:
            out.append("changed %s %s" % (m.group(1), m.group(2)))
            detail = True
            continue
        m = SYM.match(line)
        if m:
            out.append("%s %s %s" % (verbs[m.group(1)], m.group(2), m.group(3).split("@")[0]))
            continue
        m = TYPE.match(line)
        if m:
            ttype = " ".join(x for x in m.groups() if x)
            old_size, mode = None, None
            out.append("changed type " + ttype)
            continue
        m = SIZE.match(line)
        if m and ttype:
            old_size = int(m.group(1))
            continue
        m = LIST.match(line)
        if m and ttype:
            mode = m.group(1)
            continue
        if ttype and mode == "data member insertion":
            m = MEMBER.match(line)
            if m:
                where = "at the end" if old_size is not None and int(m.group(3)) >= old_size \
                    else "in the middle"
                out.append("member added %s::%s %s" % (ttype, m.group(2), where))
                continue
        if ttype and mode == "data member deletion":
            m = MEMBER.match(line)
            if m:
                out.append("member removed %s::%s" % (ttype, m.group(2)))
                continue
        if ttype and mode in ("enumerator insertion", "enumerator deletion"):
            m = ENUM.match(line)
            if m:
                verb = "added" if mode == "enumerator insertion" else "removed"
                out.append("enumerator %s %s::%s = %s" % (verb, ttype.split()[-1],
                                                        m.group(1), m.group(2)))
                continue
        m = MOVED.match(line)
        if m and ttype:
            out.append("member moved %s::%s" % (ttype, m.group(1)))
            continue
        if SKIP.match(line):
            continue
        out.append("unparsed: " + line.strip())
    return sorted(set(out))


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        for k in keys(f):
            print(k)
