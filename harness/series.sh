#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# series [--check]: export the composed series with git format-patch to
# out/series/ (cover letter from ./cover-letter, base-commit recorded).
# --check then applies the emitted files with git am on a clean copy of
# the base in a scratch branch and builds the UML kernel after each
# patch, naming the first patch that does not apply or build.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
standalone_start series

dest=$OUT/series
rm -rf "$dest"
mkdir -p "$dest"
git -C "$TREE" -c gc.auto=0 format-patch -q --cover-letter --base=base \
	--subject-prefix=PATCH -o "$dest" base..series
cover=$dest/0000-cover-letter.patch
subject=$(head -n1 "$TOP/cover-letter")
python3 - "$cover" "$TOP/cover-letter" "$STATE/base-version" <<'PY'
import sys
cover, text, base = sys.argv[1:]
lines = open(text).read().split("\n")
body = "\n".join(lines[2:]).rstrip("\n")
body += "\n\nBase: Linux %s.\n" % open(base).read().strip()
s = open(cover).read()
s = s.replace("*** SUBJECT HERE ***", lines[0]).replace("*** BLURB HERE ***", body)
open(cover, "w").write(s)
PY
n=$(ls "$dest" | grep -vc cover-letter)
say "    $n patches and a cover letter in $dest ($subject)"

[ "${1:-}" = --check ] || exit 0

# Apply the emitted files on the base, one patch at a time, and build.
# The work tree returns to the composed series whatever happens.
restore() {
	git -C "$TREE" am --abort >/dev/null 2>&1 || true
	git -C "$TREE" -c gc.auto=0 checkout -q -f series
	# the next build must merge the full configuration again
	rm -f "$STATE/build-uml/.frag-stamp"
}
trap restore EXIT
git -C "$TREE" -c gc.auto=0 checkout -q -f -B series-check base
i=0
for p in "$dest"/0*.patch; do
	case $p in *cover-letter*) continue ;; esac
	i=$((i + 1))
	if ! git -C "$TREE" "${GIT_ID[@]}" am -q "$p" >>"$LOG" 2>&1; then
		die "$(basename "$p") does not apply with git am on the base (see $LOG)"
	fi
	t=$SECONDS
	if ! PARTIAL_SERIES=1 "$TOP/harness/build.sh" uml all >>"$LOG" 2>&1; then
		die "the tree does not build after $(basename "$p") (see $LOG)"
	fi
	say "      ok  $(basename "$p") applies and builds ($((SECONDS - t))s)"
done
