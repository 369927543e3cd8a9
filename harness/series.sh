#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# series [--check]: export the composed series with git format-patch to
# out/series/ (cover letter from ./cover-letter, base-commit recorded).
# --check then applies the emitted files with git am on a clean copy of
# the base in a scratch branch and, after each patch, builds what that
# patch adds: the UML kernel with the series' configuration (the accel
# core, dummy_accel and the KUnit module), every C file it adds compiled
# (accel_disabled_test.c in the DRM_ACCEL=n build, drm_ioc32.c for
# x86_64), the kselftests with lib.mk, htmldocs for the docs, and for
# MAINTAINERS the check of get_maintainer.pl --self-test=patterns on our
# entries. It names the first patch that does not apply or build.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
standalone_start series

dest=$OUT/series
rm -rf "$dest"
mkdir -p "$dest"
git -C "$TREE" -c gc.auto=0 format-patch -q --cover-letter --base=base \
	--subject-prefix=PATCH -o "$dest" base..series
cover=$dest/0000-cover-letter.patch
subject=$(head -n1 "$TOP/cover-letter")
python3 - "$cover" "$TOP/cover-letter" "$STATE/base-version" <<'PY'
import sys
cover, text, base = sys.argv[1:]
lines = open(text).read().split("\n")
body = "\n".join(lines[2:]).rstrip("\n")
body += "\n\nBase: Linux %s.\n" % open(base).read().strip()
s = open(cover).read()
s = s.replace("*** SUBJECT HERE ***", lines[0]).replace("*** BLURB HERE ***", body)
open(cover, "w").write(s)
PY
n=$(ls "$dest" | grep -vc cover-letter)
say "    $n patches and a cover letter in $dest ($subject)"

[ "${1:-}" = --check ] || exit 0
# after the docs patch the check runs make htmldocs
need_pkgs "${DOCS_PKGS[@]}"

# The same patches on the same base with the same harness and configs
# were checked and passed: say so and do not rebuild them
# (SERIES_RECHECK=1 checks them again). The key leaves out what changes
# with every export (commit ids, dates).
key=$( { for p in "$dest"/0*.patch; do grep -vE '^(From [0-9a-f]{40} |Date: )' "$p"; done
	cat "$STATE/base-version" "$0" "$TOP/harness/build.sh" "$TOP"/configs/*.config; } |
	sha1sum | cut -c1-12)
if [ -z "${SERIES_RECHECK:-}" ] && [ "$(cat "$STATE/series-checked" 2>/dev/null)" = "$key" ]; then
	say "      these $n patches (key $key) passed git am and the builds before: not checked again (SERIES_RECHECK=1 does)"
	exit 0
fi
rm -f "$STATE/series-checked"

# Apply the emitted files on the base, one patch at a time, and build.
# The work tree returns to the composed series whatever happens.
restore() {
	git -C "$TREE" am --abort >/dev/null 2>&1 || true
	git -C "$TREE" -c gc.auto=0 checkout -q -f series
	# the next build must merge the full configuration again
	rm -f "$STATE/build-uml/.frag-stamp"
}
trap restore EXIT

# object FILE.c: compile FILE.c's object in the UML build, or else alone
# in a build configured like the DRM_ACCEL=n one (uml-noaccel, the only one
# with accel_disabled_test.o), the x86_64 guest (the only one with
# CONFIG_COMPAT, for drm_ioc32.o) or the KUnit debug configuration (the
# only one with dummy_accel's suite), in directories of their own so that
# those builds are left as they are; it must be newer than the patch.
object() {
	local o=${1%.c}.o k arch d
	compiled_in "$STATE/build-uml" "$o" "$1" && return 0
	for k in $SHADOW_BUILDS; do
		arch=${k#*:}
		d=$(shadow_build "${k%:*}") || continue
		make -C "$TREE" ARCH=$arch O="$d" CC="ccache gcc" -j"$JOBS" \
			olddefconfig "$o" >>"$LOG" 2>&1 || continue
		compiled_in "$d" "$o" "$1" && return 0
	done
	die "$(basename "$p") adds or changes $1, which no build compiled (see $LOG)"
}

# compiled_in BUILD OBJECT FILE.c: BUILD compiled OBJECT after the patch,
# from FILE.c (kbuild's .OBJECT.cmd lists the sources it read)
compiled_in() {
	[ "$1/$2" -nt "$STATE/series-check.stamp" ] &&
		grep -qF "$3" "$1/${2%/*}/.${2##*/}.cmd"
}

# built_what PATCH: build what the patch at HEAD adds beyond the kernel,
# die if it does not build; print what was built
built_what() {
	local f files out=() sel= docs= maint= hdr=$STATE/build-series-headers
	files=$(git -C "$TREE" diff --name-only --diff-filter=AM HEAD~1 HEAD)
	for f in $files; do
		case $f in
		drivers/*.c) object "$f"; out+=("${f##*/}") ;;
		tools/testing/selftests/accel/*) sel=1 ;;
		Documentation/accel/*) docs=1 ;;
		MAINTAINERS) maint=1 ;;
		esac
	done
	if [ -n "$sel" ]; then
		rm -rf "$hdr" "$STATE/build-series-kselftest"
		make -C "$TREE" ARCH=x86 O="$hdr" INSTALL_HDR_PATH="$hdr/usr" headers_install >>"$LOG" 2>&1 &&
		make -C "$TREE/tools/testing/selftests" TARGETS=accel O="$STATE/build-series-kselftest" \
			KHDR_INCLUDES="-isystem $hdr/usr/include" >>"$LOG" 2>&1 ||
			die "the kselftests do not build after $1 (see $LOG)"
		for f in $(sed -n 's/^TEST_GEN_PROGS *:\?= *//p' "$TREE/tools/testing/selftests/accel/Makefile"); do
			[ -x "$STATE/build-series-kselftest/kselftest/accel/$f" ] || die "$1: kselftest $f was not built"
		done
		out+=("kselftests")
	fi
	if [ -n "$docs" ]; then
		rm -rf "$STATE/build-series-docs"
		make -C "$TREE" O="$STATE/build-series-docs" SPHINXDIRS=accel htmldocs >"$OUT/log/series-htmldocs.log" 2>&1 &&
		! grep -qE 'WARNING|ERROR' "$OUT/log/series-htmldocs.log" &&
		[ -f "$STATE/build-series-docs/Documentation/output/accel/index.html" ] ||
			die "htmldocs SPHINXDIRS=accel fails or warns after $1 (see $OUT/log/series-htmldocs.log)"
		out+=("htmldocs")
	fi
	if [ -n "$maint" ]; then
		# what get_maintainer.pl --self-test=patterns checks, for our
		# entries only (the self-test reads the whole tree: 3 minutes):
		# every F: pattern matches a file of the tree
		local pat glob
		for pat in $(sed -n 's/^F:[[:space:]]*//p' "$TOP/MAINTAINERS"); do
			case $pat in */) glob=$pat** ;; *) glob=$pat ;; esac
			[ -n "$(git -C "$TREE" ls-files -- ":(glob)$glob" | head -n1)" ] ||
				die "MAINTAINERS: F: $pat matches no file after $1"
		done
		(cd "$TREE" && perl scripts/get_maintainer.pl --no-git --no-rolestats -f drivers/accel/drm_accel.c) |
			grep -qi 'accel' || die "get_maintainer.pl names no accel entry for drivers/accel/drm_accel.c after $1"
		out+=("MAINTAINERS patterns")
	fi
	echo "${out[*]}"
}

# the builds a patch's single objects are compiled in, from the whole series
shadow_builds_configure
git -C "$TREE" -c gc.auto=0 checkout -q -f -B series-check base
i=0
for p in "$dest"/0*.patch; do
	case $p in *cover-letter*) continue ;; esac
	i=$((i + 1))
	if ! git -C "$TREE" "${GIT_ID[@]}" am -q "$p" >>"$LOG" 2>&1; then
		die "$(basename "$p") does not apply with git am on the base (see $LOG)"
	fi
	t=$SECONDS
	touch "$STATE/series-check.stamp"
	if ! PARTIAL_SERIES=1 "$TOP/harness/build.sh" uml all >>"$LOG" 2>&1; then
		die "the tree does not build after $(basename "$p") (see $LOG)"
	fi
	what=$(built_what "$(basename "$p")") || exit 1
	say "      ok  $(basename "$p") applies and builds${what:+: $what} ($((SECONDS - t))s)"
done
echo "$key" >"$STATE/series-checked"
