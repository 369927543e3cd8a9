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
	say "      ok      make htmldocs SPHINXDIRS=accel: 0 warnings ($html)"
	echo "1 0 0" >"$OUT/docs-result"
else
	say "      FAILED  make htmldocs SPHINXDIRS=accel (exit $rc, $(wc -l <"$OUT/log/htmldocs-warnings.log") warnings; log $out)"
	sed 's/^/        | /' "$OUT/log/htmldocs-warnings.log" | head -n 20
	echo "0 1 0" >"$OUT/docs-result"
	exit 1
fi
