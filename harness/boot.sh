#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# boot: run a host program inside the UML kernel built by build.sh uml
# (or by the build configuration $BOOT_BUILD names: uml-noaccel, or a
# KUnit build such as kunit-debug, whose kernel has no modules).
#
#   boot.sh [--noload] [--shell] PROGRAM [ARGS...]
#
# The guest root is a hostfs directory: busybox-static, the modules
# (modules_install + depmod), the kselftests when installed, and /job with
# the program (plus, for a dynamic binary, the libraries ldd lists). /init
# loads dummy_accel with $MODPARAMS, runs the program as root and writes
# its kernel log and status to /job. Exit status: the program's; 1 if the
# guest died, left no status or kernel log, UML exited non-zero, or the
# kernel log or console shows a BUG/WARNING/Oops/KASAN/lockdep/hung task/
# leak report; 3 if the guest did not finish in $BOOT_TIMEOUT seconds
# (900), 4 if it stalled in the known UML livelock. $BOOT_OUTCOME, if
# set, names a file that gets one line: "status N", "reports", "died",
# "stall" or "stall-livelock".
source "$(dirname "$0")/lib.sh"
base_key
take_lock

source "$TOP/harness/guest-root.sh"
guest_start uml "$@"
LINUX=$O/linux
[ -x "$LINUX" ] || die "no UML kernel at $LINUX: run 'make build' first"
guest_setup um "boot.sh [--noload] [--shell] PROGRAM [ARGS...]" "$@"

umldir=$(mktemp -d "${TMPDIR:-/tmp}/accel-uml.XXXXXX")
trap 'rm -rf "$umldir"' EXIT
console="con=null ssl=null con0=null,fd:1"
[ -n "$shell" ] && console="con=null ssl=null con0=fd:0,fd:1"
# A log buffer large enough that the splat check still sees the whole run;
# the console shows warnings and worse (loglevel 5), so that a guest that
# never writes its log still shows, and is checked for, what went wrong.
kcmd=(mem=512M log_buf_len=8M loglevel=5 root=/dev/root rootfstype=hostfs hostfs="$ROOT"
      rw init=/init uml_dir="$umldir" $console ${BOOT_ARGS:-})
if [ -n "$shell" ]; then
	"$LINUX" "${kcmd[@]}" || :
	exit 0
fi

rm -f "$ROOT/job/status" "$ROOT/job/dmesg"
cons=$umldir/console.log
# the file exists before tail looks for it: the shell of the
# background job may not have opened it yet
: >"$cons"
# its own process group, so that a kill takes the guest's processes too
setsid "$LINUX" "${kcmd[@]}" </dev/null >"$cons" 2>&1 &
pid=$!
# the console as it comes; tail reads the file once more after UML exits
tail -n +1 -f --pid="$pid" "$cons" &
tailpid=$!
limit=$((SECONDS + ${BOOT_TIMEOUT:-900}))
while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$limit" ]; do
	sleep 1
done
stalled=
if kill -0 "$pid" 2>/dev/null; then
	# Where is the kernel? UML 6.1 can livelock in a page fault loop
	# under flush_tlb_kernel_range() when vfree() flushes the TLB (seen
	# when module init memory is freed): that stack is its signature.
	gdb -p "$pid" -batch -ex 'thread apply all bt 40' >"$umldir/stall-bt.txt" 2>&1 || :
	kill -9 -- -"$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || :
	stalled=1
fi
rc=0
wait "$pid" || rc=$?
wait "$tailpid" 2>/dev/null || :

if [ -n "$stalled" ]; then
	cp "$umldir/stall-bt.txt" "$OUT/log/stall-bt.log"
	echo "boot: the guest did not finish in ${BOOT_TIMEOUT:-900}s: killed; its stack: $OUT/log/stall-bt.log" >&2
	grep -E '^#[0-9]+ ' "$umldir/stall-bt.txt" | head -n 20 | sed 's/^/  | /' >&2
	guest_splats "$cons" "the console of the stalled guest" || :
	if grep -q flush_tlb_kernel_range "$umldir/stall-bt.txt"; then
		echo "boot: the stack is the known UML livelock in flush_tlb_kernel_range()" >&2
		outcome stall-livelock
		exit 4
	fi
	outcome stall
	exit 3
fi
# Fail closed: no status, no log or a UML that did not exit cleanly is a
# failure, whatever the program said.
if [ ! -f "$ROOT/job/status" ] || [ ! -f "$ROOT/job/dmesg" ]; then
	echo "boot: the guest died before the job finished (UML exit status $rc; no $([ -f "$ROOT/job/status" ] && echo 'kernel log' || echo 'exit status'))" >&2
	guest_splats "$cons" "the console" || :
	exit 1
fi
status=$(cat "$ROOT/job/status")
if [ "$rc" -ne 0 ]; then
	echo "boot: UML exited with status $rc after the job (status $status)" >&2
	outcome "uml-exit $rc"
	exit 1
fi
# Any kernel report fails the run, whatever the program said.
if ! guest_splats "$ROOT/job/dmesg" dmesg; then
	outcome reports
	exit 1
fi
outcome "status $status"
exit "$status"
