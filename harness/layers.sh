# SPDX-License-Identifier: GPL-2.0
# Layers make check and make matrix share: each boots a guest, runs what it
# names and tallies the results. Sourced after lib.sh, with $progs set to
# the kselftest programs.

# qemu_guest_layer ARCH BUILD LAYER [KUNIT_LAYER]: the kernel of build
# configuration BUILD (x86_64, x86_64-debug, arm64) in the QEMU guest of
# ARCH (x86_64, arm64) runs the kselftests 64-bit (LAYER/PROGRAM) and
# 32-bit (LAYER-m32/PROGRAM: i386, armhf), side by side, and then, with
# KUNIT_LAYER, the KUnit module
qemu_guest_layer() {
	local arch=$1 build=$2 layer=$3 klayer=${4:-}
	local t=$SECONDS log out p what="64-bit and 32-bit"
	log=$OUT/log/$layer.log
	rm -f "$OUT/log/$layer.outcome"
	BOOT_BUILD=$build BOOT_OUTCOME=$OUT/log/$layer.outcome BOOT_TIMEOUT=5400 \
		"$TOP/harness/boot-qemu.sh" "$arch" "$TOP/harness/guest/kselftests.sh" ${klayer:+--kunit} \
		>"$log" 2>&1 || :
	out=$(cat "$OUT/log/$layer.outcome" 2>/dev/null || echo died)
	grep -m1 'qemu: ' "$log" | tr -d '\r' || :
	TAP_LAYER=$layer count_tap "$log"
	if [ -n "$klayer" ]; then
		# the KUnit suites as a module (DRM=m) on 2 CPUs with preemption and
		# compat: what kunit.py --arch=x86_64 runs built in (make matrix)
		count_kunit_log "$klayer" "$log"
		what+=", and the KUnit module"
	fi
	tr -d '\r' <"$log" | grep -E '^(@@ksft-dir|=== .*: [0-9]+s$)' | sed 's/^/      /' || :
	tally_guest "$layer: the guest ran them all, $what, exit status 0, no kernel report" \
		"$out" "$log"
	# Side by side: each test has the same result from a 32-bit process, whose
	# core ioctls go through drm_compat_ioctl(), as from a 64-bit one.
	m32_mismatches "$layer" >"$OUT/log/$layer-compare.txt"
	for p in $progs; do
		printf '      %-24s 64-bit %s   32-bit %s\n' "$p" \
			"$(grep -c "^pass	$layer/$p: " "$RESULTS") passed" \
			"$(grep -c "^pass	$layer-m32/$p: " "$RESULTS") passed"
	done
	if [ -s "$OUT/log/$layer-compare.txt" ] || ! grep -q "^pass	$layer-m32/" "$RESULTS"; then
		tally "$layer: the 32-bit results equal the 64-bit ones" fail "$OUT/log/$layer-compare.txt"
	else
		tally "$layer: the 32-bit results equal the 64-bit ones" pass
	fi
	say "      $arch kselftests took $((SECONDS - t))s"
}

# udev_layer: the x86_64 guest runs Debian 12's own systemd-udevd with
# udev/70-accel.rules (harness/guest/udev.sh): the accel nodes get group
# render, mode 0660, the uaccess tag; a user outside render gets EACCES;
# then a user in group render, without any capability, runs
# accel_abi_test (results "udev: ..." and "udev/accel_abi_test: ...")
udev_layer() {
	local t=$SECONDS log=$OUT/log/udev.log out sysroot
	rm -f "$OUT/log/udev.outcome"
	# the libraries of the udev package's Depends, which udev_sysroot
	# copies from the host beside the unpacked udevadm
	need_pkgs libacl1 libblkid1 libcap2 libkmod2 libselinux1
	if ! sysroot=$(udev_sysroot); then
		tally "udev: the guest ran udevd and the render user's kselftests, exit status 0, no kernel report" \
			fail "" "Debian's udev could not be unpacked (see $LOG)"
		return
	fi
	JOB_SYSROOT=$sysroot BOOT_OUTCOME=$OUT/log/udev.outcome BOOT_TIMEOUT=1800 \
		"$TOP/harness/boot-qemu.sh" x86_64 "$TOP/harness/guest/udev.sh" >"$log" 2>&1 || :
	out=$(cat "$OUT/log/udev.outcome" 2>/dev/null || echo died)
	TAP_LAYER=udev count_tap "$log"
	tally_guest "udev: the guest ran udevd and the render user's kselftests, exit status 0, no kernel report" \
		"$out" "$log"
	say "      udev and the render user's kselftests took $((SECONDS - t))s"
}

# The programs of the stress issue: module and drm.ko cycles, unplug
# race and fuzz (the ABI program runs on every bed but these)
STRESS_PROGS="accel_module_test accel_drm_module_test accel_stress_test"

# x86_64_stress_layer BUILD LAYER SECONDS: the kernel of build
# configuration BUILD (x86_64-debug, x86_64-kcsan) under QEMU runs the
# stress programs 64-bit, each timed loop bounded by SECONDS
# ($STRESS_SECONDS), then the kmemleak verdict (LAYER/PROGRAM, LAYER)
x86_64_stress_layer() {
	local build=$1 layer=$2 t=$SECONDS log out
	log=$OUT/log/$layer.log
	rm -f "$OUT/log/$layer.outcome"
	STRESS_SECONDS=$3 BOOT_BUILD=$build BOOT_OUTCOME=$OUT/log/$layer.outcome BOOT_TIMEOUT=3600 \
		"$TOP/harness/boot-qemu.sh" x86_64 "$TOP/harness/guest/kselftests.sh" --no-m32 $STRESS_PROGS \
		>"$log" 2>&1 || :
	out=$(cat "$OUT/log/$layer.outcome" 2>/dev/null || echo died)
	grep -m1 'qemu: ' "$log" | tr -d '\r' || :
	TAP_LAYER=$layer count_tap "$log"
	# what the loops did: cycles, calls, rounds, seeds
	tr -d '\r' <"$log" | grep -E '^(# accel_[a-z_]+\.c:[0-9]+:[a-z_0-9]+:.*([0-9]+ ([a-z/]+ )?(cycles|ioctls|reloads|rounds)[ ,]|seed)|=== .*: [0-9]+s$)' |
		sed -E 's/^# accel_[a-z_]+\.c:[0-9]+:/      /; s/^===/     /' || :
	tally_guest "$layer: the guest ran them all, exit status 0, no kernel report" "$out" "$log"
	say "      $build stress programs took $((SECONDS - t))s"
}

# builtin_layer: the kunit-debug kernel, which has DRM, the accel core and
# dummy_accel built in, booted with the guests' root: the device exists
# before any module loads, and works. That kernel has lockdep: 6.1 UML's
# own report on fork is in harness/known-base-reports.
builtin_layer() {
	local what="builtin: DRM=y, DRM_ACCEL=y, dummy_accel=y booted: accel0 exists before any module loads, and works"
	local log=$OUT/log/builtin.log rc=0 out
	BOOT_BUILD=kunit-debug BOOT_TIMEOUT=300 BOOT_OUTCOME=$OUT/log/builtin.outcome \
		"$TOP/harness/boot.sh" --noload "$OUT/guest/accel-demo" --builtin >"$log" 2>&1 || rc=$?
	out=$(cat "$OUT/log/builtin.outcome" 2>/dev/null || echo died)
	sed -n 's/^boot: known base-kernel reports/      known base-kernel reports/p' "$log"
	if [ "$rc" -eq 0 ]; then
		tally "$what" pass
	else
		tally "$what" fail "$log" "$out"
	fi
}

# debug_boot_layer: the same kunit-debug kernel (KASAN, lockdep,
# kmemleak; DRM, the core, dummy_accel, vgem and udmabuf built in) runs
# the kselftests that need no module reload: the ABI program and the
# unplug race and fuzz, each timed loop bounded by $1 seconds. A
# memory-safety bug on a path userspace reaches is a report, which fails
# the layer. Results as "kselftest-debug/PROGRAM: test".
DEBUG_BOOT_PROGS="accel_abi_test accel_stress_test"
debug_boot_layer() {
	local layer=kselftest-debug t=$SECONDS log=$OUT/log/kselftest-debug.log out
	rm -f "$OUT/log/$layer.outcome"
	STRESS_SECONDS=$1 BOOT_BUILD=kunit-debug BOOT_TIMEOUT=1800 BOOT_OUTCOME=$OUT/log/$layer.outcome \
		"$TOP/harness/boot.sh" --noload "$TOP/harness/guest/kselftests.sh" $DEBUG_BOOT_PROGS \
		>"$log" 2>&1 || :
	out=$(cat "$OUT/log/$layer.outcome" 2>/dev/null || echo died)
	sed -n 's/^boot: known base-kernel reports/      known base-kernel reports/p' "$log"
	TAP_LAYER=$layer count_tap "$log"
	tally_guest "$layer: the guest ran them all, exit status 0, no KASAN, lockdep or leak report" \
		"$out" "$log"
	say "      the debug boot took $((SECONDS - t))s"
}

# noaccel_layer: DRM=m without the accel core (build uml-noaccel): drm.ko
# exports no accel symbol; booted, drm.ko and the KUnit module (its
# accel_disabled suite) load, the suite passes, and each accel device it
# makes is refused with one log line
noaccel_layer() {
	local t=$SECONDS log out sym n
	logged_progress "build uml-noaccel" "$TOP/harness/build.sh" uml-noaccel all
	sym=$(grep -cE '\s(accel|drm_accel)_[a-z_]*\s' "$STATE/build-uml-noaccel/Module.symvers" || :)
	grep -E '^CONFIG_DRM=|CONFIG_DRM_ACCEL[ =]' "$STATE/build-uml-noaccel/.config" | sed 's/^/      /'
	if [ -f "$STATE/build-uml-noaccel/drivers/gpu/drm/drm.ko" ] && [ "$sym" -eq 0 ]; then
		tally "noaccel: drm.ko built without DRM_ACCEL exports no accel symbol" pass
	else
		tally "noaccel: drm.ko built without DRM_ACCEL exports no accel symbol" fail "" \
			"$sym in Module.symvers"
	fi
	log=$OUT/log/noaccel.log
	BOOT_BUILD=uml-noaccel BOOT_TIMEOUT=300 BOOT_OUTCOME=$OUT/log/noaccel.outcome \
		"$TOP/harness/boot.sh" --noload "$TOP/harness/guest/kselftests.sh" --kunit-only >"$log" 2>&1 || :
	out=$(cat "$OUT/log/noaccel.outcome" 2>/dev/null || echo died)
	count_kunit_log noaccel-guest "$log"
	# the suite makes two accel devices (drm_dev_alloc, devm_drm_dev_alloc):
	# each refusal is one line naming the driver, no more
	n=$(grep -c 'accel_kunit: DRIVER_COMPUTE_ACCEL needs CONFIG_DRM_ACCEL$' \
		"$STATE/root-uml-noaccel/job/dmesg" 2>/dev/null || :)
	tally "noaccel: each refused accel device logged one line naming its driver" \
		"$([ "${n:-0}" -eq 2 ] && echo pass || echo fail)" "" "2 devices, ${n:-0} lines"
	if [ "$out" = "status 0" ]; then
		tally "noaccel: the guest loaded drm.ko and the KUnit module, exit status 0, no kernel report" pass
	else
		tally "noaccel: the guest loaded drm.ko and the KUnit module, exit status 0, no kernel report" \
			fail "" "$out, log $log"
	fi
	say "      DRM_ACCEL=n build and boot took $((SECONDS - t))s"
}

# contract PROGRAM STATUS [TEXT]: through what make boot runs (ARCH is
# $GUEST_ARCH, KERNEL $GUEST_KERNEL), the guest ran PROGRAM, the command
# returned its STATUS and printed TEXT; STATUS "refused": the command
# failed with TEXT and no guest status (the program never ran)
contract() {
	local rc=0 out ok=0 what="exits $2, the program's status"
	local name="make boot ARCH=${GUEST_ARCH:-um}${GUEST_KERNEL:+ KERNEL=$GUEST_KERNEL} RUN=$(basename "$1")"
	PHASE_TIMES= RUN=$1 BOOT_OUTCOME=$OUT/log/contract.outcome "$TOP/harness/boot-cmd.sh" \
		>"$OUT/log/contract.log" 2>&1 || rc=$?
	out=$(cat "$OUT/log/contract.outcome" 2>/dev/null || :)
	rm -f "$OUT/log/contract.outcome"
	if [ "$2" = refused ]; then
		what="is refused before any boot"
		# no guest status: the program never ran
		[ "$rc" -ne 0 ] && [ "${out#status}" = "$out" ] && ok=1
	elif [ "$rc" -eq "$2" ] && [ "$out" = "status $2" ]; then
		ok=1
	fi
	if [ "$ok" = 1 ] && { [ -z "${3:-}" ] || grep -q "$3" "$OUT/log/contract.log"; }; then
		tally "contract: $name $what" pass
	else
		tally "contract: $name $what" \
			fail "$OUT/log/contract.log" "got $rc, ${out:-no outcome}"
	fi
}

# contract_script: the contract with a script that says it ran, exit 7
contract_script() {
	printf '#!/bin/sh\necho "contract: the guest ran me"\nexit 7\n' >"$OUT/guest/exit7.sh"
	contract "$OUT/guest/exit7.sh" 7 "contract: the guest ran me"
}
