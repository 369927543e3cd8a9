#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kunit-results JSON: one line "STATUS<TAB>suite.case[.param]" per result
of a kunit.py --json file, STATUS being PASS, SKIP, FAIL or ERROR (a
crashed case, which may have no name)."""
import json
import sys


def walk(group, prefix):
    for case in group.get("test_cases", []):
        print("%s\t%s%s" % (case["status"], prefix,
                            case["name"] or "(a crashed case)"))
    for sub in group.get("sub_groups", []):
        walk(sub, prefix + sub["name"] + ".")


walk(json.load(open(sys.argv[1])), "")
