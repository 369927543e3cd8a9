#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# boot: run a host program inside the UML kernel built by build.sh uml.
#
#   boot.sh [--noload] [--shell] PROGRAM [ARGS...]
#
# The guest root is a hostfs directory: busybox-static, the modules
# (modules_install + depmod), the kselftests when installed, and /job with
# the program (plus, for a dynamic binary, the libraries ldd lists). /init
# loads dummy_accel with $MODPARAMS, runs the program as root and writes
# its status and dmesg to /job. Exit status: the program's, 1 if the
# guest died or the kernel log shows a BUG/WARNING/Oops/KASAN/lockdep/leak
# report, 3 if the guest did not finish in $BOOT_TIMEOUT seconds (900).
source "$(dirname "$0")/lib.sh"
base_key
take_lock

noload= shell=
while [ $# -gt 0 ]; do
	case $1 in
	--noload) noload=1; shift ;;
	--shell) shell=1; shift ;;
	*) break ;;
	esac
done
O=$STATE/build-uml
LINUX=$O/linux
[ -x "$LINUX" ] || die "no UML kernel at $LINUX: run 'make build' first"
ROOT=$STATE/root-uml

# The root is rebuilt when the kernel or its modules change.
make_root() {
	local stamp release
	stamp=$(stat -c %Y "$LINUX" "$O/modules.order" "$TOP/harness/guest/init" 2>/dev/null | sha1sum)
	[ "$(cat "$ROOT/.stamp" 2>/dev/null)" = "$stamp" ] && return 0
	rm -rf "$ROOT"
	mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,root,etc,job,lib,usr}
	ln -s bin "$ROOT/sbin"; ln -s ../bin "$ROOT/usr/bin"; ln -s ../bin "$ROOT/usr/sbin"
	cp /bin/busybox "$ROOT/bin/busybox"
	local a
	for a in $(/bin/busybox --list); do
		[ -e "$ROOT/bin/$a" ] || ln -s busybox "$ROOT/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOT/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$ROOT/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$ROOT/etc/group"
	cp "$TOP/harness/guest/init" "$ROOT/init"
	logged "modules_install" make -C "$TREE" ARCH=um O="$O" \
		INSTALL_MOD_PATH="$ROOT" modules_install
	release=$(cat "$O/include/config/kernel.release")
	logged "depmod" depmod -b "$ROOT" "$release"
	echo "$stamp" >"$ROOT/.stamp"
}

# The kselftests change without the kernel changing: copy them every time.
copy_kselftests() {
	rm -rf "$ROOT/kselftest"
	[ ! -d "$STATE/kselftest-uml" ] || cp -a "$STATE/kselftest-uml" "$ROOT/kselftest"
}

# Copy the program, and the shared libraries of a dynamic one, into /job.
stage_job() {
	local prog=$1 lib
	rm -rf "$ROOT/job"; mkdir -p "$ROOT/job"
	cp "$prog" "$ROOT/job/"
	chmod +x "$ROOT/job/$(basename "$prog")"
	if ldd "$prog" >/dev/null 2>&1; then
		for lib in $(ldd "$prog" 2>/dev/null | grep -o '/[^ ]*'); do
			mkdir -p "$ROOT$(dirname "$lib")"
			cp -L "$lib" "$ROOT$lib"
		done
	fi
}

make_root
copy_kselftests
if [ -n "$shell" ]; then
	stage_job /bin/true
else
	prog=${1:?usage: boot.sh [--noload] [--shell] PROGRAM [ARGS...]}; shift
	[ -f "$prog" ] || die "RUN=$prog: no such file"
	stage_job "$prog"
fi
{
	printf 'MODPARAMS=%q\n' "${MODPARAMS:-}"
	printf 'JOB_PROG=%q\n' "$(basename "${prog:-true}")"
	printf 'JOB_ARGS=%q\n' "$*"
	printf 'JOB_NOLOAD=%q\n' "$noload"
	printf 'JOB_SHELL=%q\n' "$shell"
} >"$ROOT/job/env"

umldir=$(mktemp -d "${TMPDIR:-/tmp}/accel-uml.XXXXXX")
trap 'rm -rf "$umldir"' EXIT
console="con=null ssl=null con0=null,fd:1"
[ -n "$shell" ] && console="con=null ssl=null con0=fd:0,fd:1"
# a log buffer large enough that the splat check still sees the whole run
kcmd=(mem=512M log_buf_len=8M root=/dev/root rootfstype=hostfs hostfs="$ROOT" rw init=/init
      uml_dir="$umldir" quiet $console ${BOOT_ARGS:-})
rc=0
if [ -n "$shell" ]; then
	"$LINUX" "${kcmd[@]}" || rc=$?
	exit 0
fi
timeout "${BOOT_TIMEOUT:-900}" "$LINUX" "${kcmd[@]}" </dev/null || rc=$?
if [ "$rc" -eq 124 ] && [ ! -f "$ROOT/job/status" ]; then
	echo "boot: the guest did not finish in ${BOOT_TIMEOUT:-900}s: killed" >&2
	exit 3
fi
if [ ! -f "$ROOT/job/status" ]; then
	echo "boot: the guest died before the job finished (UML exit status $rc)" >&2
	exit 1
fi
status=$(cat "$ROOT/job/status")
# Any kernel report fails the run, whatever the program said.
if grep -nE "$SPLAT_RE" \
	"$ROOT/job/dmesg" >"$ROOT/job/splats"; then
	echo "boot: kernel reports in dmesg:" >&2
	sed 's/^/  | /' "$ROOT/job/splats" | head -n 40 >&2
	cp "$ROOT/job/dmesg" "$OUT/log/dmesg-splat.log"
	echo "boot: full log in $OUT/log/dmesg-splat.log" >&2
	exit 1
fi
exit "$status"
