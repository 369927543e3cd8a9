#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kunit [NAME [KUNITCONFIG...]]: the accel KUnit suites through the
# kernel's own runner, tools/testing/kunit/kunit.py, in a build directory
# of its own per NAME (incremental, ccache). NAME defaults to kunit, the
# kunitconfigs to drivers/accel. Writes "passed failed skipped reports" to
# $OUT/NAME-result, reports being the lines of the kernel log that show a
# BUG, WARNING, KASAN, lockdep or debugobjects report.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
name=${1:-kunit}
shift || true
[ $# -gt 0 ] || set -- drivers/accel
O=$STATE/build-$name
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
mkdir -p "$O"
standalone_start "$name"
out=$OUT/log/$name-output.log
args=()
for k in "$@"; do args+=(--kunitconfig="$k"); done
rc=0
rm -f "$O/test.log" "$OUT/$name-result"
(cd "$TREE" && python3 tools/testing/kunit/kunit.py run "${args[@]}" \
	--build_dir="$O" --jobs="$JOBS" --make_options CC="ccache gcc" \
	--timeout=900) >"$out" 2>&1 || rc=$?
cat "$out" >>"$LOG"
# kunit.py ends with "Testing complete. Ran N tests: passed: P[, failed: F][, skipped: S]..."
summary=$(grep -a 'Testing complete' "$out" | tail -n1 || true)
if [ -z "$summary" ]; then
	grep -aE 'error|ERROR|Error' "$out" | tail -n 15 | sed 's/^/  | /' >&2
	die "kunit.py did not run the tests (log: $out)"
fi
grep -aE '\[(FAILED|SKIPPED)\]|# .*(FAIL|SKIP)' "$out" | head -n 40 | sed 's/^/      /' || true
say "      ${summary#*] }"
# the raw kernel log: reports that fail no test case still count
reports=0
if [ -s "$O/test.log" ]; then
	{ grep -aE "$SPLAT_RE" "$O/test.log" || :; } >"$OUT/log/$name-reports.log"
	reports=$(wc -l <"$OUT/log/$name-reports.log")
	head -n 20 "$OUT/log/$name-reports.log" | sed 's/^/      | /'
else
	say "      no kernel log at $O/test.log"
	reports=1
fi
num() {	# num WORD: the count after "WORD: " in the summary, 0 if none
	local n
	n=$(sed -n "s/.*$1: \([0-9]*\).*/\1/p" <<<"$summary")
	echo "${n:-0}"
}
# a crashed case and a case without a result count as failed
echo "$(num passed) $(($(num failed) + $(num crashed) + $(num errors))) $(num skipped) $reports" \
	>"$OUT/$name-result"
exit "$rc"
