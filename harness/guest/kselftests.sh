#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the installed accel kselftests in the guest, each program's TAP on
# stdout for the host to count. A program that runs past its time is
# killed, and the kernel's view of the blocked and running tasks (sysrq w
# and l) is printed to tell where it hung. With kmemleak in the kernel,
# a last TAP line says whether the whole run leaked. With arguments, only
# the programs named (make check reruns those after a known stall). Exit
# non-zero if any failed.
rc=0
kmemleak=/sys/kernel/debug/kmemleak
# forget what boot left behind: only the tests' leaks count (an object is
# reported, and so cleared, by the second scan that sees it)
[ -w $kmemleak ] && echo scan >$kmemleak && echo scan >$kmemleak && echo clear >$kmemleak
# the programs the selftests' install target listed, as run_kselftest.sh reads them
tests=$(sed -n 's/^accel://p' /kselftest/kselftest-list.txt 2>/dev/null)
[ -n "$tests" ] || { echo "not ok no accel kselftests in /kselftest/kselftest-list.txt"; exit 1; }
[ $# -eq 0 ] || tests="$*"
cd /kselftest/accel || exit 1
for t in $tests; do
	echo "=== $t"
	start=$(date +%s)
	timeout 300 ./$t
	st=$?
	if [ $st -eq 124 ] || [ $st -eq 143 ]; then
		echo "not ok $t timed out after 300s"
		echo w >/proc/sysrq-trigger
		echo l >/proc/sysrq-trigger
		dmesg | tail -n 120
	fi
	[ $st -eq 0 ] || rc=1
	echo "=== $t: $(( $(date +%s) - start ))s"
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
		echo "not ok kmemleak: $n unreferenced objects after the accel kselftests"
		sed 's/^/# /' $kmemleak | head -n 80
		rc=1
	fi
else
	echo "not ok kmemleak: no $kmemleak (CONFIG_DEBUG_KMEMLEAK)"
	rc=1
fi
exit $rc
