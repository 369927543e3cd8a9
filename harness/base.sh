#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# base: make $TREE a git repository whose tag "base" is the pristine 6.1
# tree, from Debian's linux-source-6.1 or from KERNEL_SRC=<dir>.
# Done once per base; later runs only check it.
source "$(dirname "$0")/lib.sh"
base_key
take_lock

# Check that a directory holds a 6.1 kernel tree; echo its version.
check_61() {
	local dir=$1 v p s
	[ -f "$dir/Makefile" ] && [ -d "$dir/kernel" ] ||
		die "KERNEL_SRC=$dir: expected a Linux 6.1 source tree, found no kernel Makefile there"
	v=$(sed -n 's/^VERSION = //p' "$dir/Makefile" | head -n1)
	p=$(sed -n 's/^PATCHLEVEL = //p' "$dir/Makefile" | head -n1)
	s=$(sed -n 's/^SUBLEVEL = //p' "$dir/Makefile" | head -n1)
	[ "$v.$p" = 6.1 ] ||
		die "KERNEL_SRC=$dir: expected a Linux 6.1 tree, found $v.$p.$s"
	echo "6.1.$s"
}

# The test bed's fixes to the base (harness/base-fixes/*.patch; see each
# one's header): applied before the base is committed, so a change to
# them makes the base again.
fixes=$(cat "$TOP"/harness/base-fixes/*.patch 2>/dev/null | sha256sum | cut -c1-16)

if [ -f "$STATE/base-version" ] && git -C "$TREE" rev-parse -q --verify base >/dev/null 2>&1 &&
	[ "$(cat "$STATE/base-fixes" 2>/dev/null)" = "$fixes" ]; then
	[ -z "${KERNEL_SRC:-}" ] || check_61 "$KERNEL_SRC" >/dev/null
	say "    base: $(cat "$STATE/base-version") (cached in $TREE)"
	exit 0
fi

tmp=$STATE/tree.tmp
rm -rf "$tmp" "$TREE"
mkdir -p "$tmp"
if [ -n "${KERNEL_SRC:-}" ]; then
	ver=$(check_61 "$KERNEL_SRC")
	[ ! -e "$KERNEL_SRC/.config" ] ||
		die "KERNEL_SRC=$KERNEL_SRC has been configured in-tree: run 'make mrproper' there first"
	say "    copying $KERNEL_SRC ($ver)"
	rsync -a --exclude=/.git "$KERNEL_SRC/" "$tmp/"
	desc="$ver from $(realpath "$KERNEL_SRC")"
else
	need_pkgs linux-source-6.1
	deb=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	tarball=$(ls /usr/src/linux-source-6.1.tar.xz)
	say "    unpacking $tarball (Debian $deb)"
	tar -xJf "$tarball" -C "$tmp" --strip-components=1
	ver=$(check_61 "$tmp")
	desc="$ver (Debian linux-source-6.1 $deb)"
fi

# Debian's and the kernel's .gitignore files hide parts of the tree (new
# dotfiles, everything for Debian's packaging); -f adds them all.
for p in "$TOP"/harness/base-fixes/*.patch; do
	[ -f "$p" ] || continue
	if patch -d "$tmp" -p1 -s -f --dry-run <"$p" >/dev/null; then
		patch -d "$tmp" -p1 -s -f <"$p"
		say "    test-bed fix applied: $(basename "$p")"
	else
		say "    test-bed fix not applied (this base differs): $(basename "$p")"
	fi
done
git -C "$tmp" init -q -b base-work
git -C "$tmp" add -fA
git -C "$tmp" "${GIT_ID[@]}" commit -q -m "base: Linux $desc"
git -C "$tmp" tag base
git -C "$tmp" config core.autocrlf false
mv "$tmp" "$TREE"
echo "$desc" >"$STATE/base-version"
echo "$fixes" >"$STATE/base-fixes"
say "    base: $desc"
