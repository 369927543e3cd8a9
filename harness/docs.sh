#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# docs: make htmldocs SPHINXDIRS=accel with Sphinx from the Debian archive;
# any warning or error fails. Writes "passed failed skipped" to
# $OUT/docs-result.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
standalone_start docs
need_pkgs python3-sphinx python3-sphinx-rtd-theme python3-yaml graphviz
O=$STATE/build-docs
mkdir -p "$O"
out=$OUT/log/htmldocs.log
rc=0
make -C "$TREE" O="$O" SPHINXDIRS=accel htmldocs >"$out" 2>&1 || rc=$?
cat "$out" >>"$LOG"
{ grep -E 'WARNING|ERROR|CRITICAL' "$out" || :; } >"$OUT/log/htmldocs-warnings.log"
html=$O/Documentation/output/accel/index.html
if [ "$rc" -eq 0 ] && [ ! -s "$OUT/log/htmldocs-warnings.log" ] && [ -f "$html" ]; then
	tally "make htmldocs SPHINXDIRS=accel: 0 warnings ($html)" pass
else
	tally "make htmldocs SPHINXDIRS=accel (exit $rc, $(wc -l <"$OUT/log/htmldocs-warnings.log") warnings; log $out)" \
		fail "$OUT/log/htmldocs-warnings.log"
fi
echo "$passed $failed $skipped" >"$OUT/docs-result"
[ "$failed" -eq 0 ]
