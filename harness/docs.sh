#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# docs: make htmldocs SPHINXDIRS=accel with Sphinx from the Debian archive;
# any warning or error fails, and the pages must be new and document the
# API. One result "docs: ...".
source "$(dirname "$0")/lib.sh"
base_key
take_lock
standalone_start docs
need_pkgs "${DOCS_PKGS[@]}"
TALLY_LAYER=docs
O=$STATE/build-docs
# pages of an earlier build must not pass for this one
rm -rf "$O/Documentation/output/accel"
mkdir -p "$O"
out=$OUT/log/htmldocs.log
rc=0
make -C "$TREE" O="$O" SPHINXDIRS=accel htmldocs >"$out" 2>&1 || rc=$?
cat "$out" >>"$LOG"
{ grep -E 'WARNING|ERROR|CRITICAL' "$out" || :; } >"$OUT/log/htmldocs-warnings.log"
html=$O/Documentation/output/accel/index.html
# the API page pulls in the kernel-doc of drm_accel.[ch]
api=$(grep -lw accel_open "$O"/Documentation/output/accel/*.html 2>/dev/null | head -n1 || :)
if [ "$rc" -eq 0 ] && [ ! -s "$OUT/log/htmldocs-warnings.log" ] && [ -f "$html" ] &&
   [ -n "$api" ] && grep -qw DEFINE_DRM_ACCEL_FOPS "$api"; then
	tally "make htmldocs SPHINXDIRS=accel: 0 warnings" pass "" "$html"
else
	tally "make htmldocs SPHINXDIRS=accel: 0 warnings" fail "$OUT/log/htmldocs-warnings.log" \
		"exit $rc, $(wc -l <"$OUT/log/htmldocs-warnings.log") warnings, API page ${api:-missing}; log $out"
fi
[ "$failed" -eq 0 ]
