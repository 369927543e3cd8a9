#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# lint: the kernel's own static gates over the series. Each gate prints
# one "ok"/"FAILED" line; the result counts go to $OUT/lint-result for
# make check. Warnings the base tree already has are not ours: sparse,
# W=1 and kernel-doc output on files the series changes is compared with
# the same files of the base, and only new lines count.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
if [ -z "${LOG_STARTED:-}" ]; then
	standalone_start lint
	LOG_STARTED=1 "$TOP/harness/series.sh" >/dev/null
fi
# checkpatch runs spdxcheck.py, which needs ply and git for Debian's
# python3 (/usr/bin first on PATH below, whatever python3 the user has)
need_pkgs sparse python3-ply python3-git
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
TALLY_LAYER=lint
LINT=$OUT/lint
rm -rf "$LINT"; mkdir -p "$LINT"

# checkpatch --strict over every emitted patch, commit message included.
# FILE_PATH_CHANGES: the series adds MAINTAINERS entries in a patch of
# their own, so the patches before it that add files would all be told
# MAINTAINERS may need updating.
# UNKNOWN_COMMIT_ID: the cached tree is the base in one commit, without
# the kernel's history, so checkpatch finds no commit a Fixes: tag names
# (the tag's format is still checked). Pointing it at no repository
# instead would also turn its SPDX check off.
CHECKPATCH_IGNORE=FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID
for p in "$OUT"/series/0*.patch; do
	case $p in *cover-letter*) continue ;; esac
	r=$LINT/checkpatch-$(basename "$p" .patch).txt
	(cd "$TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --ignore "$CHECKPATCH_IGNORE" "$p") >"$r" 2>&1 || true
	if grep -q '^total: 0 errors, 0 warnings, 0 checks' "$r"; then
		tally "checkpatch --strict $(basename "$p")" pass
	else
		grep -E '^(ERROR|WARNING|CHECK)|^#[0-9]+: FILE' "$r" >"$r.short" || true
		tally "checkpatch --strict $(basename "$p")" fail "$r.short"
	fi
done

# Files of the series: the new ones and those a diff changes.
new_c=$(cd "$TOP" && ls drivers/accel/*.c drivers/accel/*/*.[ch] drivers/gpu/drm/drm_ras.c \
	include/drm/drm_accel.h include/drm/drm_ras.h include/uapi/drm/dummy_accel.h \
	include/uapi/drm/drm_ras.h)
changed=$(cd "$TOP" && sed -n 's/^+++ b\///p' Kconfig.patch patches/*.patch | grep -E '\.[ch]$' | sort -u)

# kernel-doc: nothing from our files, nothing new from the changed ones.
# (kernel-doc's exit status is its number of warnings: the output decides)
kdoc() { (cd "$1" && { perl "$TREE/scripts/kernel-doc" -none $2 2>&1 || :; } | sed -E 's/:[0-9]+:/:/' | sort); }
kdoc "$TREE" "$new_c" >"$LINT/kdoc-new.txt"
tally_empty "kernel-doc on the files the series adds" "$LINT/kdoc-new.txt"
base_dir=$STATE/lint-base
rm -rf "$base_dir"; mkdir -p "$base_dir"
for f in $changed; do
	mkdir -p "$base_dir/$(dirname "$f")"
	git -C "$TREE" show "base:$f" >"$base_dir/$f"
done
kdoc "$TREE" "$changed" >"$LINT/kdoc-changed.txt"
kdoc "$base_dir" "$changed" >"$LINT/kdoc-base.txt"
comm -23 "$LINT/kdoc-changed.txt" "$LINT/kdoc-base.txt" >"$LINT/kdoc-new-in-changed.txt"
# A kernel-doc that cannot run fails the same on base and series: its
# reStructuredText output must also document every name whose kernel-doc
# comment (or member) the diffs add.
(cd "$TREE" && perl scripts/kernel-doc -rst $changed 2>/dev/null) >"$LINT/kdoc-changed.rst" || :
for f in Kconfig.patch patches/*.patch; do
	sed -nE 's/^\+ \* ([A-Za-z_][A-Za-z0-9_]*)(\(\))? - .*/\1/p; s/^\+[[:space:]]*\* @([A-Za-z_][A-Za-z0-9_]*):.*/\1/p' "$TOP/$f"
done | sort -u >"$LINT/kdoc-added-names.txt"
while read -r id; do
	grep -qw -- "$id" "$LINT/kdoc-changed.rst" || echo "kernel-doc -rst does not document $id"
done <"$LINT/kdoc-added-names.txt" >>"$LINT/kdoc-new-in-changed.txt"
[ -s "$LINT/kdoc-added-names.txt" ] || echo "no kernel-doc comment found in the diffs" >>"$LINT/kdoc-new-in-changed.txt"
tally_empty "kernel-doc on the changed files: no new warning, every added name documented" \
	"$LINT/kdoc-new-in-changed.txt" "$(wc -l <"$LINT/kdoc-added-names.txt") added names"

# sparse (C=2 checks every file named, rebuilt or not) and W=1 over every
# C file of drivers/accel and the DRM objects the series changes, each in
# the builds that compile it: the UML kernel (core, dummy_accel, the
# KUnit module), the DRM_ACCEL=n one (accel_disabled_test.c), the
# x86_64 guest (accel_compat_test.c, drm_ioc32.c: CONFIG_COMPAT) and the
# KUnit debug configuration (dummy_accel_test.c). The objects are named
# one by one: a directory target would skip the modules in it.
ours=$(cd "$TOP" && ls drivers/accel/*.c drivers/accel/*/*.c)
# objs_in BUILD FILES...: the objects of FILES that BUILD compiles
objs_in() {
	local b=$1 f
	shift
	for f in "$@"; do [ ! -f "$b/${f%.c}.o" ] || echo "${f%.c}.o"; done
}
objs=$(objs_in "$STATE/build-uml" $(grep '^drivers/.*\.c$' <<<"$changed"))
warnings() {	# warnings TREE O OBJS [ARCH]: sparse + W=1 messages, line numbers dropped
	# make reports physical paths: a symlinked cache would hide every warning
	set -- "$(realpath "$1")" "$(realpath "$2")" "$3" "${4:-um}"
	make -C "$1" ARCH=$4 O="$2" CC="ccache gcc" -j"$JOBS" C=2 W=1 $3 \
		>"$LINT/make-$(basename "$2").log" 2>&1 ||
		die "sparse/W=1 build in $2 failed: $LINT/make-$(basename "$2").log"
	{ grep -E '(warning|error):' "$LINT/make-$(basename "$2").log" || :; } |
		sed -E 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/' | sed "s|$1/||; s|$2/||" |
		{ grep -E '^(drivers/accel/|drivers/gpu/drm/|include/drm/|include/uapi/drm/)' || :; } | sort -u
}
warnings "$TREE" "$STATE/build-uml" "$(objs_in "$STATE/build-uml" $ours) $objs" >"$LINT/sparse-w1.txt"
# The other configurations in directories of their own (those make
# series --check compiles in), configured as the real builds, so that the
# W=1 objects do not end up in the guests' kernels
for k in $SHADOW_BUILDS; do
	s=$(shadow_build "${k%:*}") || continue
	warnings "$TREE" "$s" "$(objs_in "$STATE/build-${k%:*}" $ours)" "${k#*:}" >>"$LINT/sparse-w1.txt"
done
sort -u -o "$LINT/sparse-w1.txt" "$LINT/sparse-w1.txt"
# the same objects of the base tree, built once in a worktree of its own
if [ ! -f "$STATE/build-lint-base/.stamp" ]; then
	base_worktree >/dev/null
	rm -rf "$STATE/build-lint-base"
	mkdir -p "$STATE/build-lint-base"
	logged "lint base config" make -C "$STATE/lint-base-tree" ARCH=um O="$STATE/build-lint-base" defconfig
	logged "lint base merge" env ARCH=um "$STATE/lint-base-tree/scripts/kconfig/merge_config.sh" \
		-m -O "$STATE/build-lint-base" "$STATE/build-lint-base/.config" "$TOP/configs/uml.config"
	logged "lint base olddefconfig" make -C "$STATE/lint-base-tree" ARCH=um O="$STATE/build-lint-base" olddefconfig
	logged "lint base prepare" make -C "$STATE/lint-base-tree" ARCH=um O="$STATE/build-lint-base" \
		CC="ccache gcc" -j"$JOBS" prepare
	touch "$STATE/build-lint-base/.stamp"
fi
base_objs=$(for o in $objs; do [ -f "$STATE/lint-base-tree/${o%.o}.c" ] && echo "$o"; done)
warnings "$STATE/lint-base-tree" "$STATE/build-lint-base" "$base_objs" >"$LINT/sparse-w1-base.txt"
comm -23 "$LINT/sparse-w1.txt" "$LINT/sparse-w1-base.txt" >"$LINT/sparse-w1-new.txt"
# sparse must have checked every C file of drivers/accel and every changed
# DRM file the configurations build: a gate that checked nothing passes
# nothing
checked=$(cat "$LINT"/make-build-{uml,series-uml-noaccel,series-x86_64,series-kunit-debug}.log 2>/dev/null |
	sed -n 's/^  CHECK *//p' | sort -u)
for f in $ours ${objs//.o/.c}; do
	grep -q -- "/$f\$" <<<"$checked" || echo "sparse did not check $f"
done >>"$LINT/sparse-w1-new.txt"
tally_empty "sparse C=2 and W=1 on drivers/accel and the changed DRM files: no new warning" \
	"$LINT/sparse-w1-new.txt" "$(wc -l <<<"$checked") files checked"
# put the objects back the way the normal build makes them
logged "rebuild after W=1" make -C "$TREE" ARCH=um O="$STATE/build-uml" CC="ccache gcc" -j"$JOBS" all

# uapi: exported by headers_install, and compiles alone as C90 and C++.
UAPI_HEADERS="dummy_accel drm_ras"
hdr=$STATE/build-headers/usr/include
uapi_clean() {
	local h
	for h in $UAPI_HEADERS; do
		[ -f "$hdr/drm/$h.h" ] || { echo "drm/$h.h not installed"; return 1; }
		gcc -std=c90 -Wall -Werror -fsyntax-only -I"$hdr" -x c -include "drm/$h.h" /dev/null &&
			g++ -Wall -Werror -fsyntax-only -I"$hdr" -x c++ -include "drm/$h.h" /dev/null &&
			(cd "$TREE" && perl usr/include/headers_check.pl "$hdr" x86 "$hdr/drm/$h.h") ||
			return 1
	done
}
if uapi_clean >"$LINT/uapi.txt" 2>&1; then
	tally "uapi: dummy_accel.h and drm_ras.h installed, C90, C++ and headers_check clean" pass
else
	tally "uapi: dummy_accel.h and drm_ras.h installed, C90, C++ and headers_check clean" fail \
		"$LINT/uapi.txt"
fi

# The kernel's own uapi header test (CONFIG_UAPI_HEADER_TEST), which UML
# cannot enable: an x86 configuration of its own, building only usr/.
H=$STATE/build-hdrtest
if [ ! -f "$H/.config" ] || ! grep -q '^CONFIG_UAPI_HEADER_TEST=y' "$H/.config"; then
	logged "hdrtest defconfig" make -C "$TREE" ARCH=x86 O="$H" defconfig
	"$TREE/scripts/config" --file "$H/.config" -e HEADERS_INSTALL -e UAPI_HEADER_TEST
	logged "hdrtest olddefconfig" make -C "$TREE" ARCH=x86 O="$H" olddefconfig
fi
rm -f "$H/usr/include/drm/dummy_accel.hdrtest" "$H/usr/include/drm/drm_ras.hdrtest"
if make -C "$TREE" ARCH=x86 O="$H" CC="ccache gcc" -j"$JOBS" usr/ >"$LINT/hdrtest.txt" 2>&1 &&
   [ -f "$H/usr/include/drm/dummy_accel.hdrtest" ] && [ -f "$H/usr/include/drm/drm_ras.hdrtest" ]; then
	tally "uapi: dummy_accel.h and drm_ras.h pass the kernel's header test (CONFIG_UAPI_HEADER_TEST, x86)" pass
else
	grep -E 'error|Error' "$LINT/hdrtest.txt" >"$LINT/hdrtest-errors.txt" || :
	tally "uapi: dummy_accel.h and drm_ras.h pass the kernel's header test (CONFIG_UAPI_HEADER_TEST, x86)" fail \
		"$LINT/hdrtest-errors.txt"
fi

# Kconfig: a driver entry written as later kernels write them ("depends on
# DRM_ACCEL" and nothing else) and sourced from drivers/accel/Kconfig must
# be limited to =m when DRM is =m (drivers/Makefile then enters
# drivers/accel/ as part of a module and a built-in driver would never be
# linked), and may be =y with DRM=y. Kconfig opens a sourced file relative
# to the current directory before $srctree, and make runs conf in the
# build directory: the probe's files there stand in for the tree's.
kconfig_probe() {	# kconfig_probe DRM_VALUE: print the probe driver's value
	local K=$STATE/build-kconfig-probe
	rm -rf "$K"
	mkdir -p "$K/drivers/accel/probe"
	sed 's|^source "drivers/accel/dummy/Kconfig"$|&\nsource "drivers/accel/probe/Kconfig"|' \
		"$TREE/drivers/accel/Kconfig" >"$K/drivers/accel/Kconfig"
	grep -q 'drivers/accel/probe/Kconfig' "$K/drivers/accel/Kconfig" || return 0
	printf 'config DRM_ACCEL_PROBE\n\ttristate "Kconfig probe"\n\tdepends on DRM_ACCEL\n\tselect CRC32\n' \
		>"$K/drivers/accel/probe/Kconfig"
	make -C "$TREE" ARCH=x86_64 O="$K" allnoconfig >>"$LINT/kconfig.txt" 2>&1 || return 0
	"$TREE/scripts/config" --file "$K/.config" -e MODULES --set-val DRM "$1" -e DRM_ACCEL \
		--set-val DRM_ACCEL_PROBE y
	make -C "$TREE" ARCH=x86_64 O="$K" olddefconfig >>"$LINT/kconfig.txt" 2>&1 || return 0
	echo "DRM=$1: $(grep -E '^CONFIG_(DRM|DRM_ACCEL|DRM_ACCEL_PROBE)=' "$K/.config" | tr '\n' ' ')" >>"$LINT/kconfig.txt"
	sed -n 's/^CONFIG_DRM_ACCEL_PROBE=//p' "$K/.config"
}
: >"$LINT/kconfig.txt"
if [ "$(kconfig_probe m)" = m ] && [ "$(kconfig_probe y)" = y ]; then
	tally "kconfig: a driver saying only 'depends on DRM_ACCEL' is =m with DRM=m, =y with DRM=y" pass
else
	tally "kconfig: a driver saying only 'depends on DRM_ACCEL' is =m with DRM=m, =y with DRM=y" fail "$LINT/kconfig.txt"
fi

say "      lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
