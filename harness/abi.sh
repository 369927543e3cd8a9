#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# abi (make abi; make check runs it after the Debian phase): what the
# series does to the kernel's binary interface, as a distribution that
# carries it on a stable 6.1 kernel sees it. drm.ko of the base and of the
# series, built by debian.sh with Debian's configuration and its DWARF
# debug info, are compared with libabigail's abidiff (leaf changes, the
# harmless ones included). Each change becomes one key (abi-keys.py); the
# keys must be exactly those harness/abi-changes lists, each with its
# reason: a change not listed fails, and so does a listed one that no
# longer happens. vmlinux is not compared: with DRM=m no C file the series
# changes is built into it, which is checked. Results "abi: ...", the
# report in $OUT/abi/.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
if [ -z "${LOG_STARTED:-}" ]; then
	# make abi: the two builds are the Debian phase's
	standalone_start abi
	LOG_STARTED=1 "$TOP/harness/debian.sh" || :
fi
need_pkgs abigail-tools
TALLY_LAYER=abi
A=$OUT/abi
rm -rf "$A"; mkdir -p "$A"
O=$STATE/build-debian B=$STATE/build-debian-base
new=$O/drivers/gpu/drm/drm.ko old=$B/drivers/gpu/drm/drm.ko
LIST=${ABI_CHANGES:-$TOP/harness/abi-changes}

# 1. nothing of the series in vmlinux: every C file it adds or changes
# that Debian's build compiles is an object of a module (kbuild's .mod
# files list them)
: >"$A/vmlinux.txt"
# the objects of every module, as paths from the top (drm.mod names the
# accel core drivers/gpu/drm/../../accel/drm_accel.o)
(cd "$O" && cat $(find drivers -name '*.mod') | xargs -r realpath -m --relative-to=. | sort -u) \
	>"$A/module-objects.txt"
for f in $(git -C "$TREE" diff --name-only --diff-filter=AM base series -- '*.c'); do
	o=${f%.c}.o
	[ -f "$O/$o" ] || continue
	grep -qxF "$o" "$A/module-objects.txt" ||
		echo "$f: $o is built, and in no module" >>"$A/vmlinux.txt"
done
tally_empty "vmlinux: no C file of the series is built into it (Debian's config, DRM=m)" "$A/vmlinux.txt"

# 2. abidiff of drm.ko
# (grep reads all of readelf's output: grep -q would exit at the match,
# and readelf's next write fail with SIGPIPE, which pipefail reports)
for k in "$old" "$new"; do
	readelf -S "$k" 2>/dev/null | grep '\.debug_info' >/dev/null ||
		echo "$k: missing or without debug info"
done >"$A/inputs.txt"
if [ -s "$A/inputs.txt" ]; then
	tally "drm.ko: abidiff compares the base's and the series' builds" fail "$A/inputs.txt"
	exit 1
fi
rc=0
abidiff --leaf-changes-only --harmless --no-show-locs "$old" "$new" >"$A/drm.ko.abidiff" 2>&1 || rc=$?
# abidiff's status is a bit field: 1 error, 2 usage; 4 and 8 are changes
if [ $((rc & 3)) -ne 0 ]; then
	tally "drm.ko: abidiff compares the base's and the series' builds" fail "$A/drm.ko.abidiff" "status $rc"
	exit 1
fi
tally "drm.ko: abidiff compares the base's and the series' builds" pass
# a function or variable drm.ko does not export is marked internal: no
# module can use it (abidiff reads every global symbol of a module)
{ nm "$old"; nm "$new"; } | sed -n 's/.* __ksymtab_//p' | sort -u >"$A/exports.txt"
python3 "$TOP/harness/abi-keys.py" "$A/drm.ko.abidiff" |
	awk 'NR == FNR { ex[$0] = 1; next }
	     $2 ~ /^(function|variable)$/ && !($3 in ex) { $0 = $0 " (internal)" } 1' \
		"$A/exports.txt" - | LC_ALL=C sort >"$A/keys.txt"
sed -n 's/ | .*//p' "$LIST" | grep -v '^#' | LC_ALL=C sort -u >"$A/listed.txt"
LC_ALL=C comm -23 "$A/keys.txt" "$A/listed.txt" | sed 's/^/not in harness\/abi-changes: /' >"$A/unlisted.txt"
LC_ALL=C comm -13 "$A/keys.txt" "$A/listed.txt" | sed 's/^/listed, no longer happens: /' >"$A/stale.txt"
tally_empty "drm.ko: every change abidiff reports is in harness/abi-changes, with its reason" \
	"$A/unlisted.txt"
tally_empty "drm.ko: every change harness/abi-changes lists still happens" "$A/stale.txt"

# 3. the summary for distributions: the counts, and each changed type's
# size (bits, as abidiff gives it)
{
	grep -E '^(Removed/Changed/Added|Changed leaf types)' "$A/drm.ko.abidiff"
	awk "/^'.*' changed:\$/ { t = \$0; sub(/ changed:\$/, \"\", t) }
	     /type size changed from/ { print \"  \" t \": \" \$5 \" -> \" \$7 \" bits\" }" \
		"$A/drm.ko.abidiff"
	grep -E '^member (added|moved|removed)' "$A/keys.txt" | sed 's/^/  /'
} | tee "$A/summary.txt" | sed 's/^/      /'
say "      report: $A/drm.ko.abidiff, keys: $A/keys.txt"
[ "$failed" -eq 0 ]
