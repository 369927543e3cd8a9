#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make matrix: the configurations distributions need, and the test beds
# too slow for make check's budget (see README.md for what runs where).
# The starred ones run in make check as well and are run again here, so
# that the matrix stands on its own. Results go through tally into
# $OUT/matrix-results.txt; they must be, by name, those
# harness/expected-matrix lists (make expected-matrix rewrites it from
# this run's). Ends with "N passed, N failed, N expected skips".
source "$(dirname "$0")/lib.sh"
source "$TOP/harness/layers.sh"
base_key
take_lock
start_log matrix
export LOG_STARTED=1
# the phases' times also tell make expected-matrix that the run was complete
export RESULTS=$OUT/matrix-results.txt PHASE_TIMES=$OUT/matrix-phase-times.txt
: >"$RESULTS"
: >"$PHASE_TIMES"
total=15
prepare_kernel 1 $total
guest_cc "$TOP/harness/guest/accel-demo.c" "$OUT/guest/accel-demo"
progs=$(sed -n 's/^accel://p' "$STATE/kselftest-uml/kselftest-list.txt" 2>/dev/null)
# timed NAME COMMAND...: run a step, print how long it took
timed() {
	local t=$SECONDS name=$1
	shift
	"$@" || :
	say "      $name took $((SECONDS - t))s"
}

phase 5/$total "1. UML: DRM=m, DRM_ACCEL=y, dummy_accel=m (make check's): the make run demo"
if "$TOP/harness/boot.sh" "$OUT/guest/accel-demo" >"$OUT/log/matrix-demo.log" 2>&1; then
	tally "uml: load dummy_accel, open /dev/accel/accel0, VERSION, unload" pass
else
	tally "uml: load dummy_accel, open /dev/accel/accel0, VERSION, unload" fail "$OUT/log/matrix-demo.log"
fi

phase 6/$total "2*. DRM=y, DRM_ACCEL=y, dummy_accel=y, booted (the kunit-debug build)"
timed "KUnit kunit-debug" env KUNIT_ARGS="$(builtin_kconfig_args)" "$TOP/harness/kunit.sh" kunit-debug \
	drivers/accel drivers/accel/tests/debug.kunitconfig
builtin_layer

phase 7/$total "3*. DRM=m, DRM_ACCEL=n (uml-noaccel), booted"
noaccel_layer

phase 8/$total "4. DRM=n (uml-nodrm): the accel options are not offered, the tree builds"
t=$SECONDS
if "$TOP/harness/build.sh" uml-nodrm all >"$OUT/log/matrix-nodrm.log" 2>&1; then
	n=$(grep -c 'DRM_ACCEL' "$STATE/build-uml-nodrm/.config" || :)
	# without DRM, kbuild does not even enter drivers/accel
	objs=$({ find "$STATE/build-uml-nodrm/drivers/accel" -name '*.o' 2>/dev/null || :; } | wc -l)
	tally "nodrm: the UML kernel builds without DRM; no DRM_ACCEL line in .config, no object in drivers/accel" \
		"$([ "$n" -eq 0 ] && [ "$objs" -eq 0 ] && [ -x "$STATE/build-uml-nodrm/linux" ] && echo pass || echo fail)" \
		"" "$n DRM_ACCEL lines, $objs objects"
else
	tally "nodrm: the UML kernel builds without DRM; no DRM_ACCEL line in .config, no object in drivers/accel" \
		fail "" "the build failed, log $OUT/log/matrix-nodrm.log"
fi
say "      DRM=n build took $((SECONDS - t))s"

phase 9/$total "5*. Debian's own amd64 and arm64 configurations with the series"
timed "Debian" "$TOP/harness/debian.sh"
timed "Debian arm64" "$TOP/harness/debian.sh" debian-arm64

phase 10/$total "6. x86_64 allmodconfig: W=1 and sparse on drm.ko and drivers/accel"
timed "allmodconfig" "$TOP/harness/debian.sh" allmodconfig

phase 11/$total "x86_64 debug guest (KASAN, lockdep, atomic sleep, debugobjects, kmemleak, hung task): kselftests, module cycles, KUnit module, make boot KERNEL=debug"
t=$SECONDS
build_x86_64_and_kselftests
logged_progress "build x86_64-debug" "$TOP/harness/build.sh" x86_64-debug all
say "      x86_64-debug kernel built in $((SECONDS - t))s"
# the stress programs run 3 minutes each on the debug kernel
STRESS_SECONDS=180 qemu_guest_layer x86_64 x86_64-debug kselftest-x86_64-debug kunit-x86_64-debug-guest
GUEST_ARCH=x86_64 GUEST_KERNEL=debug contract_script

phase 12/$total "x86_64 KCSAN guest (the data race detector, 2 vCPUs): the stress programs, 2-minute loops"
t=$SECONDS
logged_progress "build x86_64-kcsan" "$TOP/harness/build.sh" x86_64-kcsan all
say "      x86_64-kcsan kernel built in $((SECONDS - t))s"
x86_64_stress_layer x86_64-kcsan stress-x86_64-kcsan 120

phase 13/$total "KUnit through kunit.py: x86_64 (2 CPUs, PREEMPT, compat), the same under KCSAN, and DRM_ACCEL=n"
need_pkgs qemu-system-x86
qemu="--arch=x86_64 --qemu_args=-smp --qemu_args=2 --qemu_args=-accel --qemu_args=tcg,thread=multi"
timed "KUnit kunit-x86_64" env KUNIT_ARGS="$qemu" "$TOP/harness/kunit.sh" kunit-x86_64 \
	drivers/accel/tests/x86_64.kunitconfig
timed "KUnit kunit-kcsan" env KUNIT_ARGS="$qemu" "$TOP/harness/kunit.sh" kunit-kcsan \
	drivers/accel/tests/x86_64.kunitconfig drivers/accel/tests/kcsan.kunitconfig
# the race suite ran its threads on both CPUs (it fails otherwise; the
# figures are shown)
grep -ah 'CPUs online' "$STATE"/build-kunit-{x86_64,kcsan}/test.log 2>/dev/null | sed 's/^.*# /      /' || :
timed "KUnit kunit-noaccel" "$TOP/harness/kunit.sh" kunit-noaccel drivers/accel/tests/disabled.kunitconfig

phase 14/$total "arm64 guest under QEMU (virt, 2 vCPUs, TCG, PREEMPT): the kselftests 64-bit and 32-bit (armhf), make boot's contract"
t=$SECONDS
build_arm64_and_kselftests
say "      arm64 kernel and kselftests built in $((SECONDS - t))s"
qemu_guest_layer arm64 arm64 kselftest-arm64
# make boot's contract holds on arm64 too: a script, an arm binary (the
# demo, cross-built), and a host binary refused
t=$SECONDS
guest_cc "$TOP/harness/guest/accel-demo.c" "$OUT/guest/accel-demo-arm64" arm64
GUEST_ARCH=arm64 contract_script
GUEST_ARCH=arm64 contract "$OUT/guest/accel-demo-arm64" 0 "demo passed: /dev/accel/accel0 works"
GUEST_ARCH=arm64 contract /bin/true refused "not an arm program"
say "      make boot ARCH=arm64 contract took $((SECONDS - t))s"

phase 15/$total "the results are, by name, those harness/expected-matrix lists"
EXPECTED_RESULTS=$TOP/harness/expected-matrix count_layers
summarize
