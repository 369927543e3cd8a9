#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# boot-qemu: run a host program inside the kernel of a QEMU guest, with
# $BOOT_CPUS (2) vCPUs: the same contract as boot.sh.
#
#   boot-qemu.sh ARCH [--noload] [--shell] PROGRAM [ARGS...]
#
# ARCH x86_64: the kernel built by build.sh x86_64 (or by the build
# configuration $BOOT_BUILD names, x86_64-debug), on QEMU's default PC.
# ARCH arm64: the kernel of build.sh arm64 (cross-built) on QEMU's virt
# machine, a Cortex-A72 (AArch32 at EL0: 32-bit arm programs run); a
# PROGRAM must then be a script or an arm program.
# The guest root of guest-root.sh is packed as an initramfs, with the
# 64-bit kselftests in /kselftest and the 32-bit ones (-m32 on x86_64,
# armhf on arm64) in /kselftest32 when built. /init loads dummy_accel
# with $MODPARAMS, runs the program as root and prints the kernel log and
# the status on the console between markers. On x86_64, KVM is used when
# it boots a kernel on this machine, TCG (a thread per vCPU) otherwise;
# arm64 is always TCG; which one is printed. Exit status: the
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
arch=${1:?usage: boot-qemu.sh ARCH [--noload] [--shell] PROGRAM [ARGS...]}
shift
case $arch in
x86_64)	img=arch/x86/boot/bzImage console=ttyS0 ;;
arm64)	img=arch/arm64/boot/Image console=ttyAMA0 ;;
*)	die "boot-qemu.sh: ARCH is x86_64 or arm64, not '$arch'" ;;
esac
guest_start "$arch" "$@"
BZ=$O/$img
[ -f "$BZ" ] || die "no $arch kernel at $BZ: run 'make boot ARCH=$arch' or 'make run ARCH=$arch'"
JOB_CONSOLE=1 guest_setup "$arch" "boot-qemu.sh $arch [--noload] [--shell] PROGRAM [ARGS...]" "$@"
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
if [ "$arch" = arm64 ]; then
	qemu=qemu-system-aarch64
	accel=tcg why="TCG (an arm64 guest on an $(uname -m) host)"
	qargs=(-M virt -cpu cortex-a72)
else
	qemu=qemu-system-x86_64
	read -r accel why <<<"$(qemu_accel)"
	qargs=()
fi
if [ "$accel" = kvm ]; then
	qargs+=(-accel kvm -cpu host)
elif [ "$arch" = x86_64 ]; then
	qargs+=(-accel tcg,thread=multi -cpu max)
else
	qargs+=(-accel tcg,thread=multi)
fi
cpus=${BOOT_CPUS:-2}
echo "      qemu: $why, $cpus vCPUs" >&2
qargs+=(-smp "$cpus" -m "${BOOT_MEM:-2G}" -display none -monitor none -serial stdio
	-no-reboot -kernel "$BZ" -initrd "$initrd"
	-append "console=$console log_buf_len=8M loglevel=5 panic=-1 rdinit=/init ${BOOT_ARGS:-}")
if [ -n "$shell" ]; then
	"$qemu" "${qargs[@]}" || :
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/accel-qemu.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cons=$tmp/console.log
# the file exists before tail looks for it: the shell of the
# background job may not have opened it yet
: >"$cons"
setsid "$qemu" "${qargs[@]}" </dev/null >"$cons" 2>&1 &
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
