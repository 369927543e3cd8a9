#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make boot RUN=<program> [MODPARAMS=...] and make shell: bring the kernel
# up to date (progress on stderr), then run the program in the guest and
# exit with its status.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
if [ "${1:-}" = --shell ]; then
	start_log shell >&2
	prepare_kernel 1 5 >&2
	phase 5/5 "guest shell" >&2
	exec "$TOP/harness/boot.sh" --shell
fi
[ -n "${RUN:-}" ] || die "usage: make boot RUN=<program> [MODPARAMS=\"...\"]"
[ -f "$RUN" ] || die "RUN=$RUN: no such file"
RUN=$(realpath "$RUN")
start_log boot >&2
prepare_kernel 1 5 >&2
phase 5/5 "booting: $RUN${MODPARAMS:+ (dummy_accel $MODPARAMS)}" >&2
exec "$TOP/harness/boot.sh" "$RUN"
