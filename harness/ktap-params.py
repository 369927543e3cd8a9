#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ktap-params IN OUT: copy a KTAP log, marking as skipped the results of
a parameterised case whose parameters all skipped. KUnit 6.1 prints such a
parameter as a bare "ok N name" (without "# SKIP"), while its summary line
"# case: pass:0 fail:0 skip:N total:N" says they skipped: kunit.py parse
would count them as passed."""
import re
import sys

lines = open(sys.argv[1], errors="replace").read().split("\n")
summary = re.compile(r"^(\s*)# (\S+): pass:0 fail:0 skip:(\d+) total:(\d+)$")
result = re.compile(r"^\s*ok \d+ ")
indent = lambda s: len(s) - len(s.lstrip())
for i, line in enumerate(lines):
    m = summary.match(line)
    if not m or m.group(3) != m.group(4) or m.group(3) == "0":
        continue
    # the parameters' results: the more indented lines back to the case's
    # "# Subtest: name"; a result line as indented as the summary ends
    # the search (another case's)
    block = []
    for j in range(i - 1, -1, -1):
        if lines[j].strip() == "# Subtest: " + m.group(2):
            break
        if result.match(lines[j]) and indent(lines[j]) <= len(m.group(1)):
            block = []
            break
        if result.match(lines[j]) and "#" not in lines[j]:
            block.append(j)
    else:
        block = []
    for j in block:
        lines[j] += " # SKIP (all parameters skipped: %s)" % line.strip()
open(sys.argv[2], "w").write("\n".join(lines))
