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
total=12
prepare_kernel 1 $total

# add_result NAME FILE: add the "passed failed skipped" counts a gate
# script wrote (a fourth field, if any, is the caller's)
add_result() {
	local p=0 f=0 sk=0
	[ ! -s "$2" ] || read -r p f sk _ <"$2"
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + sk))
	[ "$f" -eq 0 ] || failures+=("$1: $f")
}

# kunit_variant NAME WHAT KUNITCONFIG...: one KUnit configuration; its
# cases count one by one, plus one check that the kernel log holds no report.
kunit_variant() {
	local name=$1 what=$2 t=$SECONDS krc kf=0 kr=1
	shift 2
	say "      $name: $what"
	rm -f "$OUT/$name-result"
	if "$TOP/harness/kunit.sh" "$name" "$@"; then krc=0; else krc=$?; fi
	if [ -s "$OUT/$name-result" ]; then
		add_result "KUnit $name cases" "$OUT/$name-result"
		read -r _ kf _ kr <"$OUT/$name-result"
		if [ "$kr" -eq 0 ]; then
			tally "KUnit $name: no BUG, WARNING, KASAN or lockdep report in the log" pass
		else
			tally "KUnit $name: $kr report lines in $STATE/build-$name/test.log" fail
		fi
	fi
	if [ "$krc" -ne 0 ] && [ "$kf" -eq 0 ]; then
		tally "KUnit $name run (kunit.py exit status $krc)" fail
	fi
	say "      KUnit $name took $((SECONDS - t))s"
}

phase 5/$total "KUnit: kunit.py run --kunitconfig=drivers/accel, debug and DRM_ACCEL=n variants"
kunit_variant kunit "the accel suites" drivers/accel
kunit_variant kunit-debug "the same under KASAN, lockdep, debugobjects; dummy_accel built in" \
	drivers/accel drivers/accel/tests/debug.kunitconfig
if grep -aqE 'Initialized dummy_accel .* on accel[0-9]+' "$STATE/build-kunit-debug/test.log" 2>/dev/null; then
	tally "dummy_accel built in (=y): its device registers at boot" pass
else
	tally "dummy_accel built in (=y): its device registers at boot" fail
fi
kunit_variant kunit-noaccel "DRM with CONFIG_DRM_ACCEL=n" drivers/accel/tests/disabled.kunitconfig

phase 6/$total "boot test: the make run demo in the booted kernel"
guest_cc "$TOP/harness/guest/accel-demo.c" "$OUT/guest/accel-demo"
if "$TOP/harness/boot.sh" "$OUT/guest/accel-demo" >"$OUT/log/boot-demo.log" 2>&1; then
	tally "boot: load dummy_accel, open /dev/accel/accel0, VERSION, unload" pass
else
	sed 's/^/      | /' "$OUT/log/boot-demo.log"
	tally "boot: load dummy_accel, open /dev/accel/accel0, VERSION, unload" fail
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
		tally "$1: ${line#*ok }" "$st"
	done <"$2"
}

phase 7/$total "kselftests in the booted kernel (tools/testing/selftests/accel)"
t=$SECONDS
# They take about a minute. A guest that runs far longer has stalled: UML
# 6.1 can livelock in flush_tlb_kernel_range() when module init memory is
# freed (a page fault loop under __purge_vmap_area_lazy, seen twice in
# about a dozen runs). Such a run is killed and the kselftests run once more,
# which the output says; a second stall fails.
for attempt in 1 2; do
	krc=0
	BOOT_TIMEOUT=480 "$TOP/harness/boot.sh" "$TOP/harness/guest/kselftests.sh" \
		>"$OUT/log/kselftest.log" 2>&1 || krc=$?
	[ "$krc" -eq 3 ] && [ "$attempt" -eq 1 ] || break
	cp "$OUT/log/kselftest.log" "$OUT/log/kselftest-stalled.log"
	say "      the guest stalled after $((SECONDS - t))s (log: $OUT/log/kselftest-stalled.log); once more"
done
count_tap kselftest "$OUT/log/kselftest.log"
grep -E '^=== .*: [0-9]+s$' "$OUT/log/kselftest.log" | sed 's/^/      /' || true
if [ "$krc" -ne 0 ] && ! grep -q '^not ok ' "$OUT/log/kselftest.log"; then
	tail -n 30 "$OUT/log/kselftest.log" | sed 's/^/      | /'
	tally "kselftest run (exit status $krc, log $OUT/log/kselftest.log)" fail
fi
say "      kselftests took $((SECONDS - t))s (log: $OUT/log/kselftest.log)"

phase 8/$total "kselftests on the host, which has no accel device: every test skips"
host_tests=$(sed -n 's/^accel://p' "$STATE/kselftest-uml/kselftest-list.txt" 2>/dev/null)
[ -n "$host_tests" ] || tally "host: no accel kselftests installed" fail
for tst in $host_tests; do
	"$STATE/kselftest-uml/accel/$tst" >"$OUT/log/host-$tst.log" 2>&1 || true
	if ! grep -q '^ok ' "$OUT/log/host-$tst.log" ||
	   grep -q '^not ok ' "$OUT/log/host-$tst.log" ||
	   grep '^ok ' "$OUT/log/host-$tst.log" | grep -vq '# SKIP'; then
		tally "host: $tst skips without a device" fail
	else
		tally "host: $tst skips without a device ($(grep -c '# SKIP' "$OUT/log/host-$tst.log") skipped)" pass
	fi
done

phase 9/$total "boot contract: make boot RUN=/bin/false exits non-zero"
if "$TOP/harness/boot.sh" /bin/false >>"$LOG" 2>&1; then
	tally "boot: a failing program fails the boot" fail
else
	tally "boot: a failing program fails the boot" pass
fi

phase 10/$total "make series: export, then git am + build each patch on the base"
t=$SECONDS
if "$TOP/harness/series.sh" --check; then
	tally "series: every patch applies with git am and builds" pass
else
	tally "series: every patch applies with git am and builds" fail
fi
say "      took $((SECONDS - t))s"

phase 11/$total "make lint: checkpatch --strict, kernel-doc, sparse, W=1, uapi"
rm -f "$OUT/lint-result"
"$TOP/harness/lint.sh" || true
[ -s "$OUT/lint-result" ] || tally "lint did not finish (see $LOG)" fail
add_result lint "$OUT/lint-result"

phase 12/$total "make docs: htmldocs SPHINXDIRS=accel"
rm -f "$OUT/docs-result"
"$TOP/harness/docs.sh" || true
[ -s "$OUT/docs-result" ] || tally "docs did not finish (see $LOG)" fail
add_result docs "$OUT/docs-result"

say ""
[ ${#failures[@]} -eq 0 ] || say "failed: ${failures[*]}"
line="$passed passed, $failed failed"
[ "$skipped" -eq 0 ] || line+=", $skipped skipped"
say "$line"
[ "$failed" -eq 0 ]
