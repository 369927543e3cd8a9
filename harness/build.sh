#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build NAME [make targets...]: build the composed tree out of tree in
# $STATE/build-NAME from the base configuration and the fragments listed
# for NAME below, through ccache.
# The build directory is kept and reused, so a rebuild is incremental.
source "$(dirname "$0")/lib.sh"
base_key
take_lock

name=${1:?usage: build.sh NAME [targets]}; shift
case $name in
uml)	arch=um baseconf=defconfig frags=(uml.config accel.config) ;;
x86_64)	arch=x86_64 baseconf=alldefconfig frags=(x86_64.config guest.config accel.config) ;;
x86_64-debug)
	arch=x86_64 baseconf=alldefconfig frags=(x86_64.config guest.config accel.config x86_64-debug.config) ;;
x86_64-kcsan)
	arch=x86_64 baseconf=alldefconfig frags=(x86_64.config guest.config accel.config x86_64-kcsan.config) ;;
uml-noaccel)
	arch=um baseconf=defconfig frags=(uml.config noaccel.config) ;;
uml-nodrm)
	arch=um baseconf=defconfig frags=(uml.config nodrm.config) ;;
# the base without the series, for the reference figures of make bench-base
uml-base)
	arch=um baseconf=defconfig frags=(uml.config) ;;
x86_64-base)
	arch=x86_64 baseconf=alldefconfig frags=(x86_64.config guest.config) ;;
# cross-built (gcc-aarch64-linux-gnu), booted under QEMU's virt machine
arm64)	arch=arm64 baseconf=alldefconfig frags=(arm64.config guest.config accel.config) ;;
*)	die "unknown build configuration '$name'" ;;
esac
[ -z "${FRAGMENTS:-}" ] || read -r -a frags <<<"$FRAGMENTS"
frag_paths=("${frags[@]/#/$TOP/configs/}")
O=$STATE/build-$name
TREE=$(build_tree "$name")
mkdir -p "$O"
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
cross=
[ "$arch" != arm64 ] || cross=aarch64-linux-gnu-
MAKE=(make -C "$TREE" ARCH=$arch O="$O" CROSS_COMPILE=$cross CC="ccache ${cross}gcc" -j"$JOBS")

# Every option a fragment sets must survive olddefconfig: a dependency that
# is not met drops options without a word.
# A later fragment overrides an earlier one, as in merge_config.sh.
check_config() {
	local bad=() line opt want
	declare -A last=()
	while read -r line; do
		case $line in
		CONFIG_*=*)	opt=${line%%=*}; last[$opt]=$line ;;
		"# CONFIG_"*" is not set")
				opt=${line#\# }; opt=${opt%% *}; last[$opt]=$line ;;
		esac
	done < <(cat "${frag_paths[@]}")
	for opt in "${!last[@]}"; do
		want=${last[$opt]}
		if [[ $want == "#"* ]]; then
			grep -q "^$opt=" "$O/.config" && bad+=("$opt (wanted unset)")
		else
			grep -qx "$want" "$O/.config" || bad+=("$want")
		fi
	done
	[ ${#bad[@]} -eq 0 ] ||
		die "config $name: olddefconfig did not keep: ${bad[*]} (see $O/.config)"
}

stamp=$(cat "${frag_paths[@]}" | sha1sum | cut -c1-12)
# PARTIAL_SERIES=1 (series --check): a patch may come before the Kconfig
# of an option, so merge the fragments anew each time and check nothing.
if [ ! -f "$O/.config" ] || [ -n "${PARTIAL_SERIES:-}" ] ||
   [ "$(cat "$O/.frag-stamp" 2>/dev/null)" != "$stamp" ]; then
	logged "$baseconf ($name)" "${MAKE[@]}" "$baseconf"
	logged "merge_config ($name)" env ARCH=$arch "$TREE/scripts/kconfig/merge_config.sh" \
		-m -O "$O" "$O/.config" "${frag_paths[@]}"
	echo "$stamp" >"$O/.frag-stamp"
fi
logged "olddefconfig ($name)" "${MAKE[@]}" olddefconfig
[ -n "${PARTIAL_SERIES:-}" ] || check_config
logged "build ($name)" "${MAKE[@]}" "$@"
