#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make boot [ARCH=x86_64|arm64] RUN=<program> [MODPARAMS=...] and make
# shell: bring the kernel of the guest ($GUEST_ARCH: um, the default, or
# x86_64 or arm64 under QEMU) up to date (progress on stderr), then run the program in the
# guest and exit with its status.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
arch=${GUEST_ARCH:-um}
boot_script "$arch"
if [ "${1:-}" = --shell ]; then
	start_log shell >&2
	prepare_kernel 1 5 "$arch" >&2
	phase 5/5 "guest shell ($arch)" >&2
	exec "${BOOT[@]}" --shell
fi
[ -n "${RUN:-}" ] || die "usage: make boot RUN=<program> [MODPARAMS=\"...\"]"
[ -f "$RUN" ] || die "RUN=$RUN: no such file"
RUN=$(realpath "$RUN")
start_log boot >&2
prepare_kernel 1 5 "$arch" >&2
phase 5/5 "booting ($arch${GUEST_KERNEL:+, $GUEST_KERNEL}): $RUN${MODPARAMS:+ (dummy_accel $MODPARAMS)}" >&2
# UML's debug kernel has dummy_accel built in: its parameters go on the
# kernel's command line, and nothing is loaded
if [ "${BOOT_BUILD:-}" = kunit-debug ]; then
	for p in ${MODPARAMS:-}; do BOOT_ARGS="${BOOT_ARGS:-} dummy_accel.$p"; done
	export BOOT_ARGS
	exec "${BOOT[@]}" --noload "$RUN"
fi
exec "${BOOT[@]}" "$RUN"
