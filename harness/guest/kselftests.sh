#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the installed accel kselftests in the guest, each program's TAP on
# stdout between markers the host counts. Exit non-zero if any failed.
rc=0
cd /kselftest/accel || { echo "no /kselftest/accel"; exit 1; }
for t in accel_abi_test accel_module_test; do
	echo "=== $t"
	start=$(date +%s)
	./$t || rc=1
	echo "=== $t: $(( $(date +%s) - start ))s"
done
exit $rc
