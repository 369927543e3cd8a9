#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# debian: Debian's own amd64 configuration for 6.1 (the archive's
# linux-config-6.1) with the series, as a distribution would take it.
#  - make listnewconfig offers, beyond what it offers on the base with the
#    same file, DRM_ACCEL and nothing else; make olddefconfig chooses the
#    values without asking (printed): the accel core off, as any new
#    subsystem without a default;
#  - with DRM_ACCEL=y and dummy_accel=m set the way a packager sets them
#    (scripts/config), drm.ko (with the core) and dummy_accel.ko build at
#    W=1 with no warning the base tree's drm.ko does not have.
# Only what that needs is built: modules_prepare and the modules, in
# $STATE/build-debian and, for the base, $STATE/build-debian-base, with
# Debian's DWARF debug info (BTF off: it needs pahole), which abi.sh
# compares (make abi). Results "debian: ...".
#
# debian.sh debian-arm64: the same with Debian's arm64 configuration
# (linux-config-6.1:arm64, unpacked from the archive, not installed),
# cross-built with gcc-aarch64-linux-gnu, without debug info: where the
# NPUs are. Results "debian-arm64: ...".
#
# debian.sh allmodconfig (make matrix): the same W=1 comparison, with
# sparse (C=2) too, on x86_64 allmodconfig instead; one result
# "allmodconfig: ...".
source "$(dirname "$0")/lib.sh"
base_key
take_lock
mode=${1:-debian}
standalone_start "$mode"
need_pkgs linux-config-6.1 sparse
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
TALLY_LAYER=$mode
karch=x86_64 cross= debcfg=1
case $mode in
debian)
	cfg=/usr/src/linux-config-6.1/config.amd64_none_amd64.xz
	cfgver="linux-config-6.1 $(dpkg-query -W -f='${Version}' linux-config-6.1)"
	;;
debian-arm64)
	need_pkgs gcc-aarch64-linux-gnu
	need_foreign_pkgs arm64
	# the arm64 file of the amd64 one's version; the lists may lack it
	# (a mirror that serves a foreign list of another size than its
	# Release says fails apt-get update for it)
	want=$(dpkg-query -W -f='${Version}' linux-config-6.1)
	[ "$(deb_candidates linux-config-6.1:arm64)" = "linux-config-6.1:arm64=$want" ] ||
		apt-get update >>"$LOG" 2>&1 || :
	d=$(unpacked_debs linux-config-arm64 linux-config-6.1:arm64)
	cfg=$d/usr/src/linux-config-6.1/config.arm64_none_arm64.xz
	got=$(sed -n 's/^linux-config-6.1:arm64=//p' "$d/.versions")
	cfgver="linux-config-6.1:arm64 $got"
	# another version is said, not failed: each check compares the series
	# with the base on the same file, and apt's lists are the machine's
	[ "$got" = "$want" ] ||
		say "      the archive's lists offer linux-config-6.1:arm64 $got, not $want as for amd64 (apt-get update failed for the arm64 list of that version, see $LOG)"
	karch=arm64 cross=aarch64-linux-gnu-
	;;
allmodconfig) debcfg= ;;
*) die "debian.sh [debian|debian-arm64|allmodconfig]" ;;
esac
[ -z "$debcfg" ] || [ -f "$cfg" ] || die "no $cfg"
O=$STATE/build-$mode
B=$STATE/build-$mode-base
D=$OUT/log/$mode
rm -rf "$D"; mkdir -p "$D" "$O" "$B"

# kmake TREE BUILD ARGS...: make in BUILD for $karch
kmake() {
	local t=$1 b=$2
	shift 2
	make -C "$t" ARCH=$karch O="$b" CROSS_COMPILE=$cross CC="ccache ${cross}gcc" -j"$JOBS" "$@"
}

# the configuration of TREE in BUILD: Debian's file or allmodconfig
configure() {
	if [ -n "$debcfg" ]; then
		xz -dc "$cfg" >"$2/.config"
	else
		logged "allmodconfig ($(basename "$2"))" kmake "$1" "$2" allmodconfig
	fi
}
settings=(-e DRM_ACCEL -m DRM_ACCEL_DUMMY -d DEBUG_INFO_DWARF5 -d DEBUG_INFO_DWARF4)
if [ "$mode" = debian ]; then
	# full DWARF types for abidiff (abi.sh); no MODVERSIONS: Debian 12's
	# libabigail (2.2) fails an assertion reading the __kcrctab of a 6.1
	# module (the CRCs change wherever a type an export uses does)
	settings+=(-d DEBUG_INFO_NONE -e DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -d DEBUG_INFO_REDUCED
		   -d DEBUG_INFO_SPLIT -d DEBUG_INFO_COMPRESSED -d DEBUG_INFO_BTF -d MODVERSIONS)
else
	# no debug info: it changes no warning and triples the compile time
	settings+=(-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -e DEBUG_INFO_NONE)
fi
base=$(base_worktree)
# vals BUILD: the lines of the options that matter here
vals() { grep -E '^(# )?CONFIG_(DRM|DRM_ACCEL|DRM_ACCEL_DUMMY|DRM_ACCEL_KUNIT_TEST|KUNIT)[= ]' "$1/.config" | sed 's/^/      /'; }
sparse=
if [ -n "$debcfg" ]; then
	say "      config: $cfg ($cfgver)"
	# 1. what olddefconfig does with Debian's file
	xz -dc "$cfg" >"$O/.config"
	kmake "$TREE" "$O" -s listnewconfig >"$D/listnewconfig.txt" 2>&1 ||
		die "make listnewconfig failed: $D/listnewconfig.txt"
	# Debian's file leaves out what its own build sets (the signing key,
	# BUILD_SALT): the base offers those as new too; ours are the rest
	xz -dc "$cfg" >"$B/.config"
	kmake "$base" "$B" -s listnewconfig >"$D/listnewconfig-base.txt" 2>&1 ||
		die "make listnewconfig failed on the base: $D/listnewconfig-base.txt"
	sed 's/^/      new: /' "$D/listnewconfig.txt"
	new=$(sed -n 's/=.*//p' "$D/listnewconfig.txt" | sort)
	ours=$(comm -23 <(echo "$new") <(sed -n 's/=.*//p' "$D/listnewconfig-base.txt" | sort) | tr '\n' ' ')
	# DRM_ACCEL is the only new option Debian's file can meet: dummy_accel
	# and the KUnit module hide behind it and KUNIT (off in Debian)
	tally "make listnewconfig offers, beyond what it offers on the base, the series' DRM_ACCEL only" \
		"$([ "$ours" = "CONFIG_DRM_ACCEL " ] && echo pass || echo fail)" "$D/listnewconfig.txt" \
		"offered: ${ours:-nothing}"
	logged "olddefconfig (Debian)" kmake "$TREE" "$O" olddefconfig
	vals "$O"
	st=fail
	if grep -qx '# CONFIG_DRM_ACCEL is not set' "$O/.config" && grep -qx 'CONFIG_DRM=m' "$O/.config" &&
	   ! grep -q '^CONFIG_DRM_ACCEL_DUMMY' "$O/.config"; then
		st=pass
	fi
	tally "olddefconfig, asking nothing: DRM=m as Debian has it, DRM_ACCEL off, dummy_accel not offered" $st

	# 2. the packager turns the core on and builds the dummy driver
	"$TREE/scripts/config" --file "$O/.config" "${settings[@]}"
	logged "olddefconfig (Debian + DRM_ACCEL)" kmake "$TREE" "$O" olddefconfig
	vals "$O"
	st=fail
	if grep -qx 'CONFIG_DRM_ACCEL=y' "$O/.config" && grep -qx 'CONFIG_DRM_ACCEL_DUMMY=m' "$O/.config"; then
		st=pass
	fi
	tally "with DRM_ACCEL=y: dummy_accel=m" $st
else
	configure "$TREE" "$O"
	"$TREE/scripts/config" --file "$O/.config" "${settings[@]}"
	logged "olddefconfig (allmodconfig)" kmake "$TREE" "$O" olddefconfig
	vals "$O"
	sparse=C=2
fi

# 3. W=1 on drm.ko and drivers/accel, and on the base's drm.ko
t=$SECONDS
configure "$base" "$B"
"$base/scripts/config" --file "$B/.config" "${settings[@]}"
logged "olddefconfig ($mode, base)" kmake "$base" "$B" olddefconfig
# w1 TREE BUILD MODULES...: the W=1 messages of building MODULES, without
# line numbers, for the files of DRM and accel
w1() {
	local t b log
	t=$(realpath "$1") b=$(realpath "$2") log=$D/make-$(basename "$2").log
	shift 2
	logged_progress "modules_prepare ($(basename "$b"))" kmake "$t" "$b" modules_prepare
	# compiled anew each time (ccache replays a hit's warnings): an object
	# left from the last run would hide its warnings
	find "$b/drivers/gpu/drm" "$b/drivers/accel" -name '*.o' -delete 2>/dev/null || :
	# single .ko targets: their objects are built, nothing else is
	kmake "$t" "$b" W=1 $sparse "$@" >"$log" 2>&1 || die "W=1 build in $b failed: $log"
	{ grep -E '(warning|error):' "$log" || :; } |
		sed -E 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/' | sed "s|$t/||; s|$b/||" |
		{ grep -E '^(drivers/accel/|drivers/gpu/drm/|include/drm/|include/uapi/drm/)' || :; } | sort -u
}
w1 "$TREE" "$O" drivers/gpu/drm/drm.ko drivers/accel/dummy/dummy_accel.ko >"$D/w1.txt"
w1 "$base" "$B" drivers/gpu/drm/drm.ko >"$D/w1-base.txt"
comm -23 "$D/w1.txt" "$D/w1-base.txt" >"$D/w1-new.txt"
built=$(grep -cE '^  CC \[M\]  (drivers/gpu/drm|drivers/accel)/' "$D/make-build-$mode.log" || :)
for m in drivers/gpu/drm/drm.ko drivers/accel/dummy/dummy_accel.ko; do
	[ -f "$O/$m" ] || echo "$m was not built"
done >>"$D/w1-new.txt"
grep -qE 'CC \[M\]  drivers/(gpu/drm/\.\./\.\./)?accel/drm_accel\.o' "$D/make-build-$mode.log" ||
	echo "drivers/accel/drm_accel.c was not compiled into drm.ko" >>"$D/w1-new.txt"
tally_empty "W=1${sparse:+ and sparse}: drm.ko (the accel core in it) and dummy_accel.ko build, no warning the base's drm.ko lacks" \
	"$D/w1-new.txt" "$built objects"
# What a distribution ships: with KUnit off (Debian's config),
# dummy_accel.ko has no test code and exports nothing. With KUnit on (the
# UML build of phase 4), each of its exports is in the
# EXPORTED_FOR_KUNIT_TESTING namespace, for its suite alone.
if [ "$mode" = debian ]; then
	{
		grep -qx '# CONFIG_KUNIT is not set' "$O/.config" || echo "KUnit is on in Debian's config"
		nm "$O/drivers/accel/dummy/dummy_accel.ko" | grep -iE '__ksymtab|kunit|_test' || :
		symvers=$STATE/build-uml/Module.symvers
		if [ -f "$symvers" ]; then
			awk '$3 == "drivers/accel/dummy/dummy_accel" && $5 != "EXPORTED_FOR_KUNIT_TESTING"' "$symvers"
			grep -q 'drivers/accel/dummy/dummy_accel' "$symvers" || echo "the UML build exports nothing of dummy_accel"
		else
			echo "no $symvers (the UML build of make check's phase 4)"
		fi
	} >"$D/test-code.txt"
	tally_empty "dummy_accel.ko: no test code or export without KUnit; with it, exports only in EXPORTED_FOR_KUNIT_TESTING" \
		"$D/test-code.txt"
fi
say "      $mode build took $((SECONDS - t))s"
