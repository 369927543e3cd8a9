#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kunit [KUNITCONFIG_DIR]: the accel KUnit suites through the kernel's own
# runner, tools/testing/kunit/kunit.py, with drivers/accel/.kunitconfig, in
# a build directory of its own (incremental, ccache). Writes the parsed
# result line to $OUT/kunit-result.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
name=${KUNIT_NAME:-kunit}
kconfig=${1:-drivers/accel}
O=$STATE/build-$name
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
mkdir -p "$O"
standalone_start "$name"
out=$OUT/log/$name-output.log
rc=0
(cd "$TREE" && python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="$kconfig" --build_dir="$O" --jobs="$JOBS" \
	--make_options CC="ccache gcc" --timeout=600) >"$out" 2>&1 || rc=$?
cat "$out" >>"$LOG"
# kunit.py ends with "Testing complete. Ran N tests: passed: P[, failed: F][, skipped: S]..."
summary=$(grep -a 'Testing complete' "$out" | tail -n1 || true)
if [ -z "$summary" ]; then
	grep -aE 'error|ERROR|Error' "$out" | tail -n 15 | sed 's/^/  | /' >&2
	die "kunit.py did not run the tests (log: $out)"
fi
grep -aE '\[(FAILED|SKIPPED)\]|# .*(FAIL|SKIP)' "$out" | head -n 40 | sed 's/^/      /' || true
say "      ${summary#*] }"
num() { sed -n "s/.*$1: \([0-9]*\).*/\1/p" <<<"$summary"; }
printf '%s %s %s\n' "$(num passed || true)" "$(num failed || true)" "$(num skipped || true)" >"$OUT/$name-result"
exit "$rc"
