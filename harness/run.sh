#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make run [ARCH=x86_64|arm64]: build the series into a UML kernel (or an
# x86_64 or arm64 one booted under QEMU), boot it and show
# /dev/accel/accel0 working.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
start_log run
arch=${GUEST_ARCH:-um}
boot_script "$arch"
prepare_kernel 1 5 "$arch"
phase 5/5 "booting the $arch kernel: load dummy_accel, use /dev/accel/accel0, unload"
guest_cc "$TOP/harness/guest/accel-demo.c" "$OUT/guest/accel-demo-$arch" "$arch"
t=$SECONDS
if "${BOOT[@]}" "$OUT/guest/accel-demo-$arch"; then
	say "done: the guest ran the demo in $((SECONDS - t))s"
else
	die "the demo failed (see above; kernel log of the guest: $([ "$arch" = um ] && echo "$STATE/root-uml/job/dmesg" || echo "$OUT/log/console-$arch.log"))"
fi
