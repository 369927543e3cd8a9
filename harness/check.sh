#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: every test. Ends with "N passed, N failed[, N skipped]"
# counting each KUnit case, boot test and gate, and exits non-zero if any
# failed.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
start_log check
export LOG_STARTED=1
passed=0 failed=0 skipped=0
failures=()

# record NAME STATUS: STATUS is pass, fail or skip.
record() {
	case $2 in
	pass) passed=$((passed + 1)); say "      ok      $1" ;;
	skip) skipped=$((skipped + 1)); say "      skip    $1" ;;
	*) failed=$((failed + 1)); failures+=("$1"); say "      FAILED  $1" ;;
	esac
}

total=12
prepare_kernel 1 $total

phase 5/$total "KUnit: kunit.py run --kunitconfig=drivers/accel"
t=$SECONDS
rm -f "$OUT/kunit-result"
if "$TOP/harness/kunit.sh"; then krc=0; else krc=$?; fi
if [ -s "$OUT/kunit-result" ]; then
	read -r kp kf ks <"$OUT/kunit-result"
	passed=$((passed + ${kp:-0})); failed=$((failed + ${kf:-0})); skipped=$((skipped + ${ks:-0}))
	[ "${kf:-0}" -eq 0 ] || failures+=("KUnit: ${kf} cases")
fi
if [ "$krc" -ne 0 ] && [ "${kf:-0}" -eq 0 ]; then
	record "KUnit run (kunit.py exit status $krc)" fail
fi
say "      KUnit took $((SECONDS - t))s"

phase 6/$total "boot test: the make run demo in the booted kernel"
guest_cc "$TOP/harness/guest/accel-demo.c" "$OUT/guest/accel-demo"
if "$TOP/harness/boot.sh" "$OUT/guest/accel-demo" >"$OUT/log/boot-demo.log" 2>&1; then
	record "boot: load dummy_accel, open /dev/accel/accel0, VERSION, unload" pass
else
	sed 's/^/      | /' "$OUT/log/boot-demo.log"
	record "boot: load dummy_accel, open /dev/accel/accel0, VERSION, unload" fail
fi

# count_tap NAME FILE: add the TAP results of FILE ("ok", "not ok",
# "# SKIP") to the totals, prefixing each with NAME.
count_tap() {
	local line st
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*) st=skip ;;
		"ok "*) st=pass ;;
		"not ok "*) st=fail ;;
		*) continue ;;
		esac
		record "$1: ${line#*ok }" "$st"
	done <"$2"
}

phase 7/$total "kselftests in the booted kernel (tools/testing/selftests/accel)"
t=$SECONDS
if "$TOP/harness/boot.sh" "$TOP/harness/guest/kselftests.sh" >"$OUT/log/kselftest.log" 2>&1; then
	krc=0
else
	krc=$?
fi
count_tap kselftest "$OUT/log/kselftest.log"
grep -E '^=== .*: [0-9]+s$' "$OUT/log/kselftest.log" | sed 's/^/      /' || true
if [ "$krc" -ne 0 ] && ! grep -q '^not ok ' "$OUT/log/kselftest.log"; then
	tail -n 30 "$OUT/log/kselftest.log" | sed 's/^/      | /'
	record "kselftest run (exit status $krc, log $OUT/log/kselftest.log)" fail
fi
say "      kselftests took $((SECONDS - t))s (log: $OUT/log/kselftest.log)"

phase 8/$total "kselftests on the host, which has no accel device: every test skips"
host_tests=$(sed -n 's/^accel://p' "$STATE/kselftest-uml/kselftest-list.txt" 2>/dev/null)
[ -n "$host_tests" ] || record "host: no accel kselftests installed" fail
for tst in $host_tests; do
	"$STATE/kselftest-uml/accel/$tst" >"$OUT/log/host-$tst.log" 2>&1 || true
	if ! grep -q '^ok ' "$OUT/log/host-$tst.log" ||
	   grep -q '^not ok ' "$OUT/log/host-$tst.log" ||
	   grep '^ok ' "$OUT/log/host-$tst.log" | grep -vq '# SKIP'; then
		record "host: $tst skips without a device" fail
	else
		record "host: $tst skips without a device ($(grep -c '# SKIP' "$OUT/log/host-$tst.log") skipped)" pass
	fi
done

phase 9/$total "boot contract: make boot RUN=/bin/false exits non-zero"
if "$TOP/harness/boot.sh" /bin/false >>"$LOG" 2>&1; then
	record "boot: a failing program fails the boot" fail
else
	record "boot: a failing program fails the boot" pass
fi

# add_result NAME FILE: add "passed failed skipped" counts written by a gate script
add_result() {
	local p=0 f=0 sk=0
	[ ! -s "$2" ] || read -r p f sk <"$2"
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + sk))
	[ "$f" -eq 0 ] || failures+=("$1: $f")
}

phase 10/$total "make series: export, then git am + build each patch on the base"
t=$SECONDS
if "$TOP/harness/series.sh" --check; then
	record "series: every patch applies with git am and builds" pass
else
	record "series: every patch applies with git am and builds" fail
fi
say "      took $((SECONDS - t))s"

phase 11/$total "make lint: checkpatch --strict, kernel-doc, sparse, W=1, uapi"
rm -f "$OUT/lint-result"
"$TOP/harness/lint.sh" || true
[ -s "$OUT/lint-result" ] || record "lint did not finish (see $LOG)" fail
add_result lint "$OUT/lint-result"

phase 12/$total "make docs: htmldocs SPHINXDIRS=accel"
rm -f "$OUT/docs-result"
"$TOP/harness/docs.sh" || true
[ -s "$OUT/docs-result" ] || record "docs did not finish (see $LOG)" fail
add_result docs "$OUT/docs-result"

say ""
[ ${#failures[@]} -eq 0 ] || say "failed: ${failures[*]}"
line="$passed passed, $failed failed"
[ "$skipped" -eq 0 ] || line+=", $skipped skipped"
say "$line"
[ "$failed" -eq 0 ]
