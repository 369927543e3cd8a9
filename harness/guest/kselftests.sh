#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the installed accel kselftests in the guest, each program's TAP on
# stdout for the host to count: those of /kselftest, then, where the guest
# has them (x86_64), the 32-bit build in /kselftest32 after a line
# "@@ksft-dir /kselftest32". A program that runs past its time is
# killed, and the kernel's view of the blocked and running tasks (sysrq w
# and l) is printed to tell where it hung. With kmemleak in the kernel,
# a last TAP line says whether the whole run leaked. With arguments, only
# the programs named (make check reruns those after a known stall). With
# --kunit first, the accel KUnit module is loaded at the end, with
# dummy_accel unloaded (the suites register devices of their own, from
# accel0 on), and the KTAP it wrote to the kernel log is printed between
# "@@kunit-begin@@" and "@@kunit-end@@" for the host's kunit.py parse;
# with --kunit-only, only that. With --no-m32, the 64-bit build only.
# With --first-failure, nothing more runs after a program that failed
# (make mutants: one failure is the answer). Exit non-zero if any failed.
rc=0
kmemleak=/sys/kernel/debug/kmemleak
kunit= ksft=1 m32=1 first=
while :; do
	case $1 in
	--first-failure) first=1 ;;
	--kunit) kunit=1 ;;
	--kunit-only) kunit=1 ksft= ;;
	--no-m32) m32= ;;
	*) break ;;
	esac
	shift
done
only="$*"
# run_dir DIR: the programs of DIR (or those named), then the kmemleak
# verdict on them
run_dir() {
	dir=$1
	# forget what boot left behind: only the tests' leaks count (an object is
	# reported, and so cleared, by the second scan that sees it)
	[ -w $kmemleak ] && echo scan >$kmemleak && echo scan >$kmemleak && echo clear >$kmemleak
	# the programs the selftests' install target listed, as run_kselftest.sh reads them
	tests=$(sed -n 's/^accel://p' "$dir/kselftest-list.txt" 2>/dev/null)
	[ -n "$tests" ] || { echo "not ok no accel kselftests in $dir/kselftest-list.txt"; rc=1; return; }
	[ -z "$only" ] || tests=$only
	cd "$dir/accel" || { rc=1; return; }
	for t in $tests; do
		echo "=== $t"
		start=$(date +%s)
		timeout 1800 ./$t
		st=$?
		if [ $st -eq 124 ] || [ $st -eq 143 ]; then
			echo "not ok $t timed out after 1800s"
			echo w >/proc/sysrq-trigger
			echo l >/proc/sysrq-trigger
			dmesg | tail -n 120
		fi
		[ $st -eq 0 ] || rc=1
		echo "=== $t: $(( $(date +%s) - start ))s"
		if [ -n "$first" ] && [ $rc -ne 0 ]; then
			echo "# --first-failure: $t failed, the rest is not run"
			return
		fi
	done
	if [ -w $kmemleak ]; then
		# kmemleak reports objects older than 5 s only, and an object on the
		# second scan that sees it
		sleep 6
		echo scan >$kmemleak
		echo scan >$kmemleak
		n=$(grep -c '^unreferenced object' $kmemleak)
		if [ "$n" -eq 0 ]; then
			echo "ok kmemleak: nothing leaked by the accel kselftests"
		else
			echo "not ok kmemleak: nothing leaked by the accel kselftests # $n unreferenced objects"
			sed 's/^/# /' $kmemleak | head -n 80
			rc=1
		fi
	else
		echo "not ok kmemleak: nothing leaked by the accel kselftests # no $kmemleak (CONFIG_DEBUG_KMEMLEAK)"
		rc=1
	fi
}

# run_kunit: the accel KUnit module's suites, its KTAP on stdout; the
# kernel log shows them as they run, the host counts their results
run_kunit() {
	grep -q '^dummy_accel ' /proc/modules && { rmmod dummy_accel || rc=1; }
	n=$(dmesg | wc -l)
	echo "@@kunit-begin@@"
	modprobe accel_kunit || { echo "# modprobe accel_kunit failed"; rc=1; }
	# a module's suites come without the header a boot's have
	echo "KTAP version 1"
	dmesg | tail -n +$((n + 1)) | sed 's/^\[[ 0-9.]*\] //'
	echo "@@kunit-end@@"
	rmmod accel_kunit || rc=1
}

if [ -n "$ksft" ]; then
	run_dir /kselftest
	[ -n "$first" ] && [ $rc -ne 0 ] && exit $rc
	if [ -n "$m32" ] && [ -d /kselftest32 ]; then
		echo "@@ksft-dir /kselftest32"
		run_dir /kselftest32
	fi
fi
[ -z "$kunit" ] || run_kunit
exit $rc
