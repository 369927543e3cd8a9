#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# boot-x86_64: run a host program inside the x86_64 kernel built by
# build.sh x86_64 (or by the build configuration $BOOT_BUILD names,
# x86_64-debug), under QEMU with $BOOT_CPUS (2) vCPUs: the same contract
# as boot.sh.
#
#   boot-x86_64.sh [--noload] [--shell] PROGRAM [ARGS...]
#
# The guest root of guest-root.sh is packed as an initramfs, with the
# 64-bit kselftests in /kselftest and the 32-bit ones in /kselftest32 when
# built. /init loads dummy_accel with $MODPARAMS, runs the program as root
# and prints the kernel log and the status on the console between
# markers. KVM is used when it boots a kernel on this machine, TCG (a
# thread per vCPU) otherwise; which one is printed. Exit status: the
# program's; 1 if the guest died or left no status, or its kernel log
# shows a BUG/WARNING/Oops/hung task/leak report (KASAN and lockdep ones
# too, in a kernel that has them), as does the console after it (the
# power-off); 3 if it did not finish in $BOOT_TIMEOUT seconds (900).
# $BOOT_OUTCOME, if set, names a file that gets one line: "status N",
# "reports", "died" or "stall".
source "$(dirname "$0")/lib.sh"
base_key
take_lock
source "$TOP/harness/guest-root.sh"
guest_start x86_64 "$@"
BZ=$O/arch/x86/boot/bzImage
[ -f "$BZ" ] || die "no x86_64 kernel at $BZ: run 'make boot ARCH=x86_64' or 'make run ARCH=x86_64'"
JOB_CONSOLE=1 guest_setup x86_64 "boot-x86_64.sh [--noload] [--shell] PROGRAM [ARGS...]" "$@"
# gen_initramfs.sh calls usr/gen_init_cpio of the build directory; the
# list adds /dev/console without root privileges
initrd=$STATE/initramfs-$name.cpio
(cd "$O" && sh "$TREE/usr/gen_initramfs.sh" -o "$initrd" -u squash -g squash \
	"$ROOT" "$TOP/harness/guest/initramfs.list") >>"$LOG" 2>&1 ||
	die "packing the initramfs failed (see $LOG)"

# qemu_accel: the accelerator arguments, KVM if it brings this kernel to
# its first message, TCG otherwise. Known on the build machines: /dev/kvm
# can exist while KVM fails ("failed to set MSR 0x10a" with -cpu host).
# The verdict is kept for the cache's life; delete the file to probe again.
qemu_accel() {
	local f=$STATE/qemu-accel-x86_64 out
	if [ ! -s "$f" ]; then
		if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
			out=$(timeout 20 qemu-system-x86_64 -accel kvm -cpu host -smp 2 -m 256M \
				-display none -monitor none -serial stdio -no-reboot -kernel "$BZ" \
				-append "console=ttyS0 panic=-1 rdinit=/none" </dev/null 2>&1 | head -c 100000 || :)
			if grep -q 'Linux version' <<<"$out"; then
				echo "kvm KVM" >"$f"
			else
				echo "tcg TCG (KVM does not boot a kernel here: $(grep -m1 -iE 'error|fail' <<<"$out" || echo 'no console output in 20s'))" >"$f"
			fi
		else
			echo "tcg TCG (no usable /dev/kvm)" >"$f"
		fi
	fi
	cat "$f"
}
read -r accel why <<<"$(qemu_accel)"
if [ "$accel" = kvm ]; then
	qargs=(-accel kvm -cpu host)
else
	qargs=(-accel tcg,thread=multi -cpu max)
fi
cpus=${BOOT_CPUS:-2}
echo "      qemu: $why, $cpus vCPUs" >&2
qargs+=(-smp "$cpus" -m "${BOOT_MEM:-2G}" -display none -monitor none -serial stdio
	-no-reboot -kernel "$BZ" -initrd "$initrd"
	-append "console=ttyS0 log_buf_len=8M loglevel=5 panic=-1 rdinit=/init ${BOOT_ARGS:-}")
if [ -n "$shell" ]; then
	qemu-system-x86_64 "${qargs[@]}" || :
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/accel-qemu.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cons=$tmp/console.log
# the file exists before tail looks for it: the shell of the
# background job may not have opened it yet
: >"$cons"
setsid qemu-system-x86_64 "${qargs[@]}" </dev/null >"$cons" 2>&1 &
pid=$!
# the console as it comes, less the kernel log the guest prints at the end
tail -n +1 -f --pid="$pid" "$cons" | sed -u '/^@@accel-dmesg-begin@@/,/^@@accel-dmesg-end@@/d' &
tailpid=$!
limit=$((SECONDS + ${BOOT_TIMEOUT:-900}))
done_at=
while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$limit" ]; do
	# the guest said its status: give it 30 s to power off
	if [ -z "$done_at" ] && grep -q '^@@accel-status [0-9]*@@' "$cons"; then
		done_at=$SECONDS limit=$((SECONDS + 30))
	fi
	sleep 1
done
stalled=
if kill -0 "$pid" 2>/dev/null; then
	kill -9 -- -"$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || :
	if [ -n "$done_at" ]; then
		echo "boot: the guest did not power off within 30s of its status: killed" >&2
	else
		stalled=1
	fi
fi
wait "$pid" 2>/dev/null || :
wait "$tailpid" 2>/dev/null || :
cp "$cons" "$OUT/log/console-$name.log"

# the console without its CRs: the kernel log, and what it shows after
# the log (the power-off)
tr -d '\r' <"$cons" >"$tmp/console"
sed -n '/^@@accel-dmesg-begin@@$/,/^@@accel-dmesg-end@@$/p' "$tmp/console" >"$tmp/dmesg"
sed '1,/^@@accel-dmesg-end@@$/d' "$tmp/console" >"$tmp/after"
if [ -n "$stalled" ]; then
	echo "boot: the guest did not finish in ${BOOT_TIMEOUT:-900}s: killed (console: $OUT/log/console-$name.log)" >&2
	guest_splats "$cons" "the console of the stalled guest" || :
	outcome stall
	exit 3
fi
status=$(sed -n 's/^@@accel-status \([0-9]*\)@@$/\1/p' "$tmp/console" | tail -n 1)
# Fail closed: no status or no kernel log is a failure, whatever the
# program said.
if [ -z "$status" ] || ! grep -q '^@@accel-dmesg-end@@$' "$tmp/dmesg"; then
	echo "boot: the guest died before the job finished (no $([ -n "$status" ] && echo 'kernel log' || echo 'exit status'); console: $OUT/log/console-$name.log)" >&2
	guest_splats "$cons" "the console" || :
	exit 1
fi
# Any kernel report fails the run, whatever the program said.
if ! guest_splats "$tmp/dmesg" dmesg || ! guest_splats "$tmp/after" "the console after the log"; then
	outcome reports
	exit 1
fi
outcome "status $status"
exit "$status"
