#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, in the guest, with dummy_accel loaded (one device, accel0):
# load vgem for a render node, run accel_bench's open, ioctl and job
# figures, then unload dummy_accel so that accel_bench's own devices can
# take all 256 minors, and run its devices figures. Prints the module's
# table (its lines of the kernel log) on stdout. Arguments are more
# parameters of accel_bench (rounds=21 open_iters=1000, say).
# make bench-base (first argument --base): the module built outside a
# base tree without the series, only its open and ioctl figures (the
# render node and /dev/null); nothing else is loaded.
set -u
rc=0
# the lines accel_bench printed since the log had $1 lines
table() {
	dmesg | tail -n +$(($1 + 1)) | sed -n 's/^\[[ 0-9.]*\] //; s/^accel_bench: //p'
}
# the module, built outside the tree (M=) and copied beside this script
KO=/job/accel_bench.ko
# bench PARAMS...: load accel_bench with PARAMS, print its table
bench() {
	n=$(dmesg | wc -l)
	insmod "$KO" "$@" || rc=1
	table "$n"
	rmmod accel_bench 2>/dev/null
}

modprobe vgem || { echo "modprobe vgem failed"; exit 1; }
render=
for d in /sys/class/drm/renderD*; do
	case $(readlink "$d/device") in
	*/vgem) render=dri/$(basename "$d") ;;
	esac
done
[ -n "$render" ] || { echo "vgem has no render node"; exit 1; }

[ -f "$KO" ] || { echo "no $KO"; exit 1; }
if [ "${1:-}" = --base ]; then
	shift
	echo "=== accel_bench: open, ioctl (the base without the series, /dev/$render of vgem)"
	bench figures=open,ioctl render="$render" "$@"
	exit $rc
fi

[ -e /dev/accel/accel0 ] || { echo "no /dev/accel/accel0"; exit 1; }
echo "=== accel_bench: open, ioctl, job (accel0 of dummy_accel, /dev/$render of vgem)"
bench figures=open,ioctl,job render="$render" "$@"
rmmod dummy_accel || rc=1
echo "=== accel_bench: devices (no other accel driver loaded)"
bench figures=devices "$@"
exit $rc
