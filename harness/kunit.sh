#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kunit [NAME [KUNITCONFIG...]]: the accel KUnit suites through the
# kernel's own runner, tools/testing/kunit/kunit.py, in a build directory
# of its own per NAME (incremental, ccache). NAME defaults to kunit, the
# kunitconfigs to drivers/accel. Each case (each parameter of a
# parameterised one) is one result "NAME: suite.case[.param]", from
# kunit.py's JSON; one more says whether the kernel log holds a BUG,
# WARNING, KASAN, lockdep or debugobjects report. $KUNIT_ARGS adds
# arguments of kunit.py (--arch=x86_64 ...). Exits non-zero if any failed.
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
json=$OUT/log/$name.json
read -r -a args <<<"${KUNIT_ARGS:-}"
for k in "$@"; do args+=(--kunitconfig="$k"); done
rc=0
rm -f "$O/test.log" "$json"
(cd "$TREE" && python3 tools/testing/kunit/kunit.py run "${args[@]}" \
	--build_dir="$O" --jobs="$JOBS" --make_options CC="ccache gcc" \
	--timeout=900 --json="$json") >"$out" 2>&1 || rc=$?
cat "$out" >>"$LOG"
# kunit.py ends with "Testing complete. Ran N tests: passed: P[, failed: F]..."
summary=$(grep -a 'Testing complete' "$out" | tail -n1 || true)
if [ -z "$summary" ] || [ ! -s "$json" ]; then
	grep -aE 'error|ERROR|Error' "$out" | tail -n 15 | sed 's/^/  | /' >&2
	tally "$name: kunit.py ran the tests" fail "" "exit status $rc, log $out"
	exit 1
fi
say "      ${summary#*] }"

tally_kunit_json "$name" "$json"

# the raw kernel log: reports that fail no test case still count
if [ -s "$O/test.log" ]; then
	rm -f "$OUT/log/$name-kcsan-elsewhere.log"
	kcsan_elsewhere "$O/test.log" "$OUT/log/$name-kcsan-elsewhere.log" | { grep -aE "$SPLAT_RE" || :; } >"$OUT/log/$name-reports.log"
	if [ -s "$OUT/log/$name-kcsan-elsewhere.log" ]; then
		say "      $(grep -c 'BUG: KCSAN' "$OUT/log/$name-kcsan-elsewhere.log") KCSAN reports with no DRM or accel frame (base kernel): $OUT/log/$name-kcsan-elsewhere.log"
		grep 'BUG: KCSAN' "$OUT/log/$name-kcsan-elsewhere.log" | sed 's/^.*BUG: /        /' | sort | uniq -c | head -n 10
	fi
	n=$(wc -l <"$OUT/log/$name-reports.log")
	if [ "$n" -eq 0 ]; then
		tally "$name: no BUG, WARNING, KASAN or lockdep report in the kernel log" pass
	else
		tally "$name: no BUG, WARNING, KASAN or lockdep report in the kernel log" fail \
			"$OUT/log/$name-reports.log" "$n report lines in $O/test.log"
	fi
else
	tally "$name: no BUG, WARNING, KASAN or lockdep report in the kernel log" fail "" \
		"no kernel log at $O/test.log"
fi
[ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] ||
	tally "$name: kunit.py exits 0 when no case failed" fail "" "exit status $rc, log $out"
[ "$failed" -eq 0 ]
