#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: every test. Each result is "LAYER: test" and goes through
# tally (lib.sh) into $RESULTS, whatever script produced it; the name is
# the same in every run, what varies is tally's note. At the end the
# results must be, by name, those harness/expected-results lists (make
# expected-results rewrites it from this run's), and a skip is a failure
# unless harness/expected-skips lists it. Ends with "N passed, N failed,
# N expected skips" and exits non-zero if any failed.
source "$(dirname "$0")/lib.sh"
source "$TOP/harness/layers.sh"
base_key
take_lock
start_log check
export LOG_STARTED=1
export RESULTS=$OUT/results.txt PHASE_TIMES=$OUT/phase-times.txt
: >"$RESULTS"
: >"$PHASE_TIMES"
total=18
prepare_kernel 1 $total
# make check's own counting must catch the runs that went wrong
"$TOP/harness/selfcheck.sh" || :
guest_cc "$TOP/harness/guest/accel-demo.c" "$OUT/guest/accel-demo"

phase 5/$total "KUnit: kunit.py run --kunitconfig=drivers/accel, and the debug variant built in and booted"
# kunit_variant NAME WHAT KUNITCONFIG...: one KUnit configuration
kunit_variant() {
	local name=$1 what=$2 t=$SECONDS
	shift 2
	say "      $name: $what"
	KUNIT_ARGS="${KUNIT_ARGS:-}" "$TOP/harness/kunit.sh" "$name" "$@" || :
	say "      KUnit $name took $((SECONDS - t))s"
}
kunit_variant kunit "the accel suites" drivers/accel
# The debug build is also the configuration with everything built in
# (DRM=y, DRM_ACCEL=y, dummy_accel=y): booted with the guest's root, its
# device must exist before any module loads, and work.
KUNIT_ARGS="$(builtin_kconfig_args)" kunit_variant kunit-debug \
	"the same under KASAN, lockdep, debugobjects; DRM, the core and dummy_accel built in" \
	drivers/accel drivers/accel/tests/debug.kunitconfig
builtin_layer
phase 6/$total "the kselftests under KASAN, lockdep and kmemleak: the debug kernel booted"
debug_boot_layer 20

phase 7/$total "boot test: the make run demo in the booted kernel"
if "$TOP/harness/boot.sh" "$OUT/guest/accel-demo" >"$OUT/log/boot-demo.log" 2>&1; then
	tally "boot: load dummy_accel, open /dev/accel/accel0, VERSION, unload" pass
else
	sed 's/^/      | /' "$OUT/log/boot-demo.log"
	tally "boot: load dummy_accel, open /dev/accel/accel0, VERSION, unload" fail
fi

phase 8/$total "kselftests in the booted kernel (tools/testing/selftests/accel)"
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
tally_guest "kselftest: the guest ran them all, exit status 0, no kernel report" "$out" "$log"
say "      kselftests took $((SECONDS - t))s"

phase 9/$total "x86_64 SMP guest under QEMU (2 vCPUs, PREEMPT): the kselftests 64-bit and 32-bit, the KUnit module; udev and a render user"
t=$SECONDS
build_x86_64_and_kselftests
say "      x86_64 kernel and 32-bit kselftests built in $((SECONDS - t))s"
qemu_guest_layer x86_64 x86_64 kselftest-x86_64 kunit-x86_64-guest
udev_layer

# The x86_64 debug guest (KASAN, lockdep, debugobjects) is make matrix's:
# its kernel's cold build (684 s) and its run (1151 s) were 38% of a cold
# make check on a 2-core machine, which took 79 minutes with it.

phase 10/$total "DRM=m without the accel core (uml-noaccel), booted: the accel_disabled suite as a module"
noaccel_layer

phase 11/$total "Debian's own amd64 and arm64 configurations with the series (linux-config-6.1, arm64 cross-built)"
"$TOP/harness/debian.sh" || :
"$TOP/harness/debian.sh" debian-arm64 || :

phase 12/$total "ABI for distributions: abidiff of drm.ko, base against series (Debian's config, the builds of phase 11)"
"$TOP/harness/abi.sh" || :

phase 13/$total "kselftests on the host, which has no accel device: every test skips"
[ -n "$progs" ] || tally "host: accel kselftests installed" fail
for tst in $progs; do
	"$STATE/kselftest-uml/accel/$tst" >"$OUT/log/host-$tst.log" 2>&1 || :
	want=$(expected_count "kselftest/$tst")
	n=$(grep -cE '^(not )?ok ' "$OUT/log/host-$tst.log" || :)
	sk=$(grep -cE '^ok .*# SKIP' "$OUT/log/host-$tst.log" || :)
	if [ "$n" -eq "$sk" ] && [ "$n" = "$want" ]; then
		tally "host: $tst skips every test without a device" pass "" "$sk of $want"
	else
		tally "host: $tst skips every test without a device" fail "" \
			"$sk skipped of $n results, $want expected"
	fi
done

phase 14/$total "boot contract: make boot [ARCH=x86_64] RUN=<program> exits with the program's status"
contract /bin/false 1
contract_script
GUEST_ARCH=x86_64 contract /bin/false 1
GUEST_ARCH=x86_64 contract_script

phase 15/$total "make series: export, then git am + build each patch on the base"
t=$SECONDS
if "$TOP/harness/series.sh" --check; then
	tally "series: every patch applies with git am and builds what it adds" pass
else
	tally "series: every patch applies with git am and builds what it adds" fail
fi
say "      took $((SECONDS - t))s"

phase 16/$total "make lint: checkpatch --strict, kernel-doc, sparse, W=1, uapi"
"$TOP/harness/lint.sh" || :

phase 17/$total "make docs: htmldocs SPHINXDIRS=accel"
"$TOP/harness/docs.sh" || :

phase 18/$total "the results are, by name, those harness/expected-results lists"
count_layers
phase_times

summarize "$([ "$stalls" -eq 0 ] || echo "$stalls known UML stall retried")"
