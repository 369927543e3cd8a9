#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: every test. Each result is "LAYER: test" and goes through
# tally (lib.sh) into $RESULTS, whatever script produced it; at the end
# every layer must have exactly the number of results that
# harness/expected-results gives it, and a skip is a failure unless
# harness/expected-skips lists it. Ends with "N passed, N failed, N
# expected skips" and exits non-zero if any failed.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
start_log check
export LOG_STARTED=1
export RESULTS=$OUT/results.txt
: >"$RESULTS"
total=14
prepare_kernel 1 $total
# make check's own counting must catch the runs that went wrong
"$TOP/harness/selfcheck.sh" || :

phase 5/$total "KUnit: kunit.py run --kunitconfig=drivers/accel, debug, DRM_ACCEL=n and x86_64 variants"
# kunit_variant NAME WHAT KUNITCONFIG...: one KUnit configuration
kunit_variant() {
	local name=$1 what=$2 t=$SECONDS
	shift 2
	say "      $name: $what"
	KUNIT_ARGS="${KUNIT_ARGS:-}" "$TOP/harness/kunit.sh" "$name" "$@" || :
	say "      KUnit $name took $((SECONDS - t))s"
}
kunit_variant kunit "the accel suites" drivers/accel
kunit_variant kunit-debug "the same under KASAN, lockdep, debugobjects; dummy_accel built in" \
	drivers/accel drivers/accel/tests/debug.kunitconfig
if grep -aqE 'Initialized dummy_accel .* on accel[0-9]+' "$STATE/build-kunit-debug/test.log" 2>/dev/null; then
	tally "kunit-debug: dummy_accel built in (=y): its device registers at boot" pass
else
	tally "kunit-debug: dummy_accel built in (=y): its device registers at boot" fail
fi
kunit_variant kunit-noaccel "DRM with CONFIG_DRM_ACCEL=n" drivers/accel/tests/disabled.kunitconfig
# QEMU is installed here; TCG with a thread per vCPU (KVM is not reliable
# on the build machines, see design.md)
need_pkgs qemu-system-x86
KUNIT_ARGS="--arch=x86_64 --qemu_args=-smp --qemu_args=2 --qemu_args=-accel --qemu_args=tcg,thread=multi" \
	kunit_variant kunit-x86_64 "x86_64 under QEMU: 2 CPUs, PREEMPT, 32-bit compat" \
	drivers/accel/tests/x86_64.kunitconfig

phase 6/$total "boot test: the make run demo in the booted kernel"
guest_cc "$TOP/harness/guest/accel-demo.c" "$OUT/guest/accel-demo"
if "$TOP/harness/boot.sh" "$OUT/guest/accel-demo" >"$OUT/log/boot-demo.log" 2>&1; then
	tally "boot: load dummy_accel, open /dev/accel/accel0, VERSION, unload" pass
else
	sed 's/^/      | /' "$OUT/log/boot-demo.log"
	tally "boot: load dummy_accel, open /dev/accel/accel0, VERSION, unload" fail
fi

phase 7/$total "kselftests in the booted kernel (tools/testing/selftests/accel)"
t=$SECONDS
progs=$(sed -n 's/^accel://p' "$STATE/kselftest-uml/kselftest-list.txt" 2>/dev/null)
# They take about a minute. UML 6.1 livelocks when a vfree() flushes the
# kernel TLB over the running task's own vmalloc'ed stack (seen in
# do_free_init() after module loads); configs/uml.config turns
# VMAP_STACK off, which avoids it. Should the stall come back, boot.sh
# recognises its stack: only that stall is retried, once; the first run's
# results count (its failures too), the stalled program and those after
# it run again, and the closing line reports the stall. Any other stall,
# or a second one, fails.
stalls=0 todo=() run=1
while :; do
	log=$OUT/log/kselftest-$run.log
	BOOT_OUTCOME=$OUT/log/kselftest-$run.outcome BOOT_TIMEOUT=480 \
		"$TOP/harness/boot.sh" "$TOP/harness/guest/kselftests.sh" "${todo[@]}" >"$log" 2>&1 || :
	out=$(cat "$OUT/log/kselftest-$run.outcome" 2>/dev/null || echo died)
	if [ "$out" = stall-livelock ] && [ "$run" -eq 1 ] && p=$(stalled_program "$log") && [ -n "$p" ]; then
		stalls=$((stalls + 1))
		say "      the guest stalled in $p after $((SECONDS - t))s: the known UML livelock (log: $log, stack: $OUT/log/stall-bt.log); $p and the programs after it run again"
		count_tap "$log" "$p"
		todo=($(sed -n "/^$p\$/,\$p" <<<"$progs"))
		run=2
		continue
	fi
	count_tap "$log"
	break
done
grep -hE '^=== .*: [0-9]+s$' "$OUT"/log/kselftest-[12].log | sed 's/^/      /' || :
if [ "$out" = "status 0" ]; then
	tally "kselftest: the guest ran them all, exit status 0, no kernel report" pass
else
	tail -n 30 "$log" | sed 's/^/      | /'
	tally "kselftest: the guest ran them all ($out, log $log)" fail
fi
say "      kselftests took $((SECONDS - t))s"

phase 8/$total "x86_64 SMP guest under QEMU (2 vCPUs, PREEMPT): the kselftests 64-bit and 32-bit"
t=$SECONDS
build_x86_64_and_kselftests
say "      x86_64 kernel and 32-bit kselftests built in $((SECONDS - t))s"
t=$SECONDS
log=$OUT/log/kselftest-x86_64.log
rm -f "$OUT/log/kselftest-x86_64.outcome"
BOOT_OUTCOME=$OUT/log/kselftest-x86_64.outcome BOOT_TIMEOUT=1500 \
	"$TOP/harness/boot-x86_64.sh" "$TOP/harness/guest/kselftests.sh" >"$log" 2>&1 || :
out=$(cat "$OUT/log/kselftest-x86_64.outcome" 2>/dev/null || echo died)
grep -m1 'qemu: ' "$log" | tr -d '\r' || :
TAP_LAYER=kselftest-x86_64 count_tap "$log"
tr -d '\r' <"$log" | grep -E '^(@@ksft-dir|=== .*: [0-9]+s$)' | sed 's/^/      /' || :
if [ "$out" = "status 0" ]; then
	tally "kselftest-x86_64: the guest ran them all, 64-bit and 32-bit, exit status 0, no kernel report" pass
else
	tail -n 30 "$log" | sed 's/^/      | /'
	tally "kselftest-x86_64: the guest ran them all, 64-bit and 32-bit ($out, log $log)" fail
fi
# Side by side: each test has the same result from a 32-bit process, whose
# core ioctls go through drm_compat_ioctl(), as from a 64-bit one.
m32_mismatches kselftest-x86_64 >"$OUT/log/kselftest-x86_64-compare.txt"
for p in $progs; do
	printf '      %-24s 64-bit %s   32-bit %s\n' "$p" \
		"$(grep -c "^pass	kselftest-x86_64/$p: " "$RESULTS") passed" \
		"$(grep -c "^pass	kselftest-x86_64-m32/$p: " "$RESULTS") passed"
done
if [ -s "$OUT/log/kselftest-x86_64-compare.txt" ] || ! grep -q "^pass	kselftest-x86_64-m32/" "$RESULTS"; then
	tally "kselftest-x86_64: the 32-bit results equal the 64-bit ones" fail "$OUT/log/kselftest-x86_64-compare.txt"
else
	tally "kselftest-x86_64: the 32-bit results equal the 64-bit ones" pass
fi
say "      x86_64 kselftests took $((SECONDS - t))s"

phase 9/$total "kselftests on the host, which has no accel device: every test skips"
[ -n "$progs" ] || tally "host: accel kselftests installed" fail
for tst in $progs; do
	"$STATE/kselftest-uml/accel/$tst" >"$OUT/log/host-$tst.log" 2>&1 || :
	want=$(expected_count "kselftest/$tst")
	n=$(grep -cE '^(not )?ok ' "$OUT/log/host-$tst.log" || :)
	sk=$(grep -cE '^ok .*# SKIP' "$OUT/log/host-$tst.log" || :)
	if [ "$n" -eq "$sk" ] && [ "$n" = "$want" ]; then
		tally "host: $tst skips every test without a device ($sk of $want)" pass
	else
		tally "host: $tst skips every test without a device ($sk skipped of $n results, $want expected)" fail
	fi
done

phase 10/$total "boot contract: make boot [ARCH=x86_64] RUN=<program> exits with the program's status"
# contract PROGRAM STATUS: through what make boot runs, the guest ran
# PROGRAM and the command returned its STATUS
contract() {
	local rc=0 out
	RUN=$1 BOOT_OUTCOME=$OUT/log/contract.outcome "$TOP/harness/boot-cmd.sh" \
		>"$OUT/log/contract.log" 2>&1 || rc=$?
	out=$(cat "$OUT/log/contract.outcome" 2>/dev/null || :)
	if [ "$rc" -eq "$2" ] && [ "$out" = "status $2" ] && { [ -z "${3:-}" ] || grep -q "$3" "$OUT/log/contract.log"; }; then
		tally "contract: make boot ARCH=${GUEST_ARCH:-um} RUN=$(basename "$1") exits $2, the program's status" pass
	else
		tally "contract: make boot ARCH=${GUEST_ARCH:-um} RUN=$(basename "$1") exits $2, the program's status (got $rc, $out)" \
			fail "$OUT/log/contract.log"
	fi
}
contract /bin/false 1
printf '#!/bin/sh\necho "contract: the guest ran me"\nexit 7\n' >"$OUT/guest/exit7.sh"
contract "$OUT/guest/exit7.sh" 7 "contract: the guest ran me"
GUEST_ARCH=x86_64 contract /bin/false 1
GUEST_ARCH=x86_64 contract "$OUT/guest/exit7.sh" 7 "contract: the guest ran me"

phase 11/$total "make series: export, then git am + build each patch on the base"
t=$SECONDS
if "$TOP/harness/series.sh" --check; then
	tally "series: every patch applies with git am and builds what it adds" pass
else
	tally "series: every patch applies with git am and builds what it adds" fail
fi
say "      took $((SECONDS - t))s"

phase 12/$total "make lint: checkpatch --strict, kernel-doc, sparse, W=1, uapi"
"$TOP/harness/lint.sh" || :

phase 13/$total "make docs: htmldocs SPHINXDIRS=accel"
"$TOP/harness/docs.sh" || :

phase 14/$total "every layer has the results harness/expected-results gives it"
count_layers

passed=$(grep -c '^pass' "$RESULTS" || :)
failed=$(grep -c '^fail' "$RESULTS" || :)
skipped=$(grep -c '^xskip' "$RESULTS" || :)
say ""
if [ "$failed" -gt 0 ]; then
	say "failed:"
	grep '^fail' "$RESULTS" | cut -f2 | sed 's/^/  /'
fi
line="$passed passed, $failed failed, $skipped expected skips"
[ "$stalls" -eq 0 ] || line+=", $stalls known UML stall retried"
say "$line"
[ "$failed" -eq 0 ]
