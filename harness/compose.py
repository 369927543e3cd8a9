#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""compose: bring the work tree to base + series, one commit per entry.

The repository holds the series as an overlay of new files at their kernel
paths and unified diffs (Kconfig.patch, patches/*.patch) for files that
already exist. The manifest `series` lists the commits in order, each with
the kernel paths it owns. A file that more than one diff changes (a fix
that stands alone before the patch that builds on it) is listed by each
commit that changes it as "path (patches/NAME.patch)"; the diffs apply in
the order of the commits, each on the file as the ones before left it.
Every commit is built in a scratch index with git so the work tree is only touched at the end by a checkout, which rewrites
just the files whose content changed: untouched files keep their mtime
and a rebuild stays incremental.

usage: compose.py TOP TREE
"""
import os
import subprocess
import sys

OVERLAY_ROOTS = ("drivers", "include", "Documentation", "tools")
MAINTAINERS = "MAINTAINERS"
# Fixed dates make the commits of an unchanged series identical.
DATE = "2026-11-25T12:00:00+00:00"


def die(msg):
    sys.stderr.write("error: %s\n" % msg)
    sys.exit(1)


def git(tree, *args, env=None, data=None, check=True):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(("git", "-C", tree, "-c", "gc.auto=0") + args,
                       input=data, capture_output=True, env=e)
    if check and p.returncode:
        die("git %s: %s" % (" ".join(args[:2]), p.stderr.decode().strip()))
    return p


def parse_series(path):
    """Return [(subject, body, [paths])] from the manifest."""
    commits, cur, in_files = [], None, False
    for n, line in enumerate(open(path), 1):
        line = line.rstrip("\n")
        if line.startswith("=== "):
            cur = {"subject": line[4:].strip(), "files": [], "body": []}
            commits.append(cur)
            in_files = False
        elif cur is None:
            if line.strip() and not line.startswith("#"):
                die("%s:%d: text before the first '=== subject'" % (path, n))
        elif line == "files:":
            in_files = True
        elif in_files and line[:1] in ("\t", " ") and line.strip():
            cur["files"].append(line.strip())
        else:
            in_files = False
            cur["body"].append(line)
    out = []
    for c in commits:
        body = "\n".join(c["body"]).strip("\n")
        if not c["files"]:
            die("%s: commit '%s' owns no files" % (path, c["subject"]))
        out.append((c["subject"], body, c["files"]))
    return out


def overlay_files(top):
    files = set()
    for root in OVERLAY_ROOTS:
        for d, _, names in os.walk(os.path.join(top, root)):
            for name in names:
                files.add(os.path.relpath(os.path.join(d, name), top))
    if os.path.exists(os.path.join(top, MAINTAINERS)):
        files.add(MAINTAINERS)
    return files


def diff_paths(diff):
    """Paths a unified diff changes (the b/ side)."""
    paths = []
    for line in open(diff):
        if line.startswith("+++ "):
            p = line[4:].split("\t")[0].strip()
            if p != "/dev/null":
                paths.append(p[2:] if p.startswith("b/") else p)
    return paths


def diff_files(top):
    """Map each path a diff changes to the diffs that change it."""
    diffs = [os.path.join(top, "Kconfig.patch")]
    pdir = os.path.join(top, "patches")
    if os.path.isdir(pdir):
        diffs += sorted(os.path.join(pdir, f) for f in os.listdir(pdir)
                        if f.endswith(".patch"))
    owner = {}
    for d in diffs:
        if not os.path.exists(d):
            continue
        for p in diff_paths(d):
            owner.setdefault(p, []).append(d)
    return owner


def split_entry(top, entry):
    """'path' or 'path (patches/NAME.patch)' -> (path, diff or None)."""
    if entry.endswith(")") and " (" in entry:
        path, diff = entry[:-1].split(" (", 1)
        return path.strip(), os.path.join(top, diff.strip())
    return entry, None


def check_ownership(top, commits, overlay, diffs):
    """Resolve every commit's entries to (path, diff or None), each once."""
    claimed, resolved = {}, []
    for subject, _, files in commits:
        entries = []
        for entry in files:
            f, d = split_entry(top, entry)
            if f in overlay and f in diffs:
                die("%s is both a new file and changed by %s" %
                    (f, os.path.relpath(diffs[f][0], top)))
            if f in overlay:
                if d:
                    die("series: '%s' names a diff for %s, a new file" % (subject, f))
            elif f not in diffs:
                die("series: '%s' lists %s, which is neither a file of the "
                    "overlay nor changed by a diff" % (subject, f))
            elif d is None:
                if len(diffs[f]) > 1:
                    die("series: '%s' lists %s, which %s change: say which "
                        "diff, as '%s (patches/NAME.patch)'" %
                        (subject, f, " and ".join(os.path.relpath(x, top)
                                                  for x in diffs[f]), f))
                d = diffs[f][0]
            elif d not in diffs[f]:
                die("series: '%s' names %s for %s, which it does not change" %
                    (subject, os.path.relpath(d, top), f))
            key = (f, d)
            if key in claimed:
                die("series: %s is owned by '%s' and '%s'" % (entry, claimed[key], subject))
            claimed[key] = subject
            entries.append(key)
        resolved.append(entries)
    wanted = {(f, None) for f in overlay}
    wanted |= {(f, d) for f in diffs for d in diffs[f]}
    orphans = sorted("%s%s" % (f, " (%s)" % os.path.relpath(d, top) if d else "")
                     for f, d in wanted - set(claimed))
    if orphans:
        die("series: no commit owns %s" % ", ".join(orphans))
    return resolved


def merge_maintainers(base_text, ours):
    """Insert our sections into the base MAINTAINERS in sorted position.

    Titles compare case-blind. The base has a few entries out of order, so
    a section goes where the titles around it are in order themselves:
    before the first title that sorts after it and after one that sorts
    before it, both in sequence with their own neighbours.
    """
    lines = base_text.split("\n")
    start = lines.index("3C59X NETWORK DRIVER")
    for sec in [s.strip("\n") for s in ours.split("\n\n") if s.strip()]:
        title = sec.split("\n")[0].upper()
        heads = [i for i in range(start, len(lines))
                 if lines[i] and lines[i - 1] == "" and not lines[i][0].isspace()
                 and lines[i][1:2] != ":"]
        keys = [lines[i].upper() for i in heads]
        at = len(lines)
        for k in range(2, len(keys) - 1):
            if (keys[k - 1] < title < keys[k] and keys[k - 2] <= keys[k - 1]
                    and keys[k] <= keys[k + 1]):
                at = heads[k]
                break
        lines[at:at] = sec.split("\n") + [""]
    return "\n".join(lines)


def present(tree, env):
    out = git(tree, "ls-files", env=env).stdout.decode()
    return set(out.split("\n"))


def staged_view(path, text, paths):
    """The content of an overlay Kconfig or Makefile as of this commit.

    The overlay holds each file as it is at the end of the series. A
    Kconfig `source` or Makefile `obj-... += dir/` line that names a file or
    directory a later commit adds is left out until that commit, so that
    every commit builds; the commit that adds the directory updates the
    file. Repeated blank lines left behind collapse into one.
    """
    d = os.path.dirname(path)
    out = []
    for line in text.split("\n"):
        ref = None
        t = line.strip()
        if os.path.basename(path) == "Kconfig" and t.startswith("source "):
            ref = t.split('"')[1]
        elif os.path.basename(path) == "Makefile" and t.startswith("obj-") \
                and t.endswith("/"):
            ref = os.path.join(d, t.split()[-1])
        if ref and not any(p == ref or p.startswith(ref.rstrip("/") + "/")
                           for p in paths):
            continue
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out)


def main():
    top, tree = sys.argv[1], sys.argv[2]
    commits = parse_series(os.path.join(top, "series"))
    overlay = overlay_files(top)
    diffs = diff_files(top)
    entries = check_ownership(top, commits, overlay, diffs)

    index = os.path.join(tree, ".git", "accel-compose-index")
    if os.path.exists(index):
        os.unlink(index)
    ienv = {"GIT_INDEX_FILE": index}
    name = os.environ.get("GIT_AUTHOR_NAME", "Accel Series")
    mail = os.environ.get("GIT_AUTHOR_EMAIL", "accel-series@example.org")
    cenv = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": mail,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": mail,
            "GIT_AUTHOR_DATE": DATE, "GIT_COMMITTER_DATE": DATE}

    git(tree, "read-tree", "base", env=ienv)
    parent = git(tree, "rev-parse", "base").stdout.decode().strip()
    for (subject, body, _), files in zip(commits, entries):
        for f, diff in files:
            src = os.path.join(top, f)
            if f == MAINTAINERS:
                base_text = git(tree, "show", "base:" + f).stdout.decode()
                merged = merge_maintainers(base_text, open(src).read())
                blob = git(tree, "hash-object", "-w", "--stdin",
                           data=merged.encode()).stdout.decode().strip()
                mode = "100644"
            elif f in overlay:
                blob = git(tree, "hash-object", "-w", src).stdout.decode().strip()
                mode = "100755" if os.access(src, os.X_OK) else "100644"
            else:
                p = git(tree, "apply", "--cached", "--include=" + f, diff,
                        env=ienv, check=False)
                if p.returncode:
                    die("%s does not apply to %s (commit '%s'):\n%s\n"
                        "Refresh the diff against the file as the base and "
                        "the commits before this one leave it." %
                        (os.path.relpath(diff, top), f, subject,
                         p.stderr.decode().strip()))
                continue
            git(tree, "update-index", "--add", "--cacheinfo",
                "%s,%s,%s" % (mode, blob, f), env=ienv)
        paths = present(tree, ienv)
        for f in sorted(overlay & paths):
            if os.path.basename(f) not in ("Kconfig", "Makefile"):
                continue
            text = staged_view(f, open(os.path.join(top, f)).read(), paths)
            blob = git(tree, "hash-object", "-w", "--stdin",
                       data=text.encode()).stdout.decode().strip()
            git(tree, "update-index", "--add", "--cacheinfo",
                "100644,%s,%s" % (blob, f), env=ienv)
        t = git(tree, "write-tree", env=ienv).stdout.decode().strip()
        msg = "%s\n\n%s\n\nSigned-off-by: %s <%s>\n" % (subject, body, name, mail)
        parent = git(tree, "commit-tree", t, "-p", parent, env=cenv,
                     data=msg.encode()).stdout.decode().strip()
    os.unlink(index)

    git(tree, "update-ref", "refs/heads/series", parent)
    # A run killed inside git may leave a lock; we hold the harness lock.
    lock = os.path.join(tree, ".git", "index.lock")
    if os.path.exists(lock):
        os.unlink(lock)
    git(tree, "symbolic-ref", "HEAD", "refs/heads/series")
    git(tree, "reset", "-q", "--hard")
    print("    %d commits on base, tip %s" % (len(commits), parent[:12]))


if __name__ == "__main__":
    main()
