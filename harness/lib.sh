# SPDX-License-Identifier: GPL-2.0
# Shared settings and helpers for the harness scripts. Sourced, not run.
#
# Everything generated lives in the cache (trees, build directories, which
# survive a fresh clone) or under out/ (logs, guest roots, the exported
# series). Nothing generated is ever committed.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$TOP/out}
CACHE=${ACCEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/accel-series}
JOBS=${JOBS:-$(nproc)}
mkdir -p "$OUT" "$CACHE"

# One log file per top-level command; every build step appends to it.
LOG=${LOG:-$OUT/log/latest.log}

say()  { printf '%s\n' "$*"; }
# phase N/M "text": the numbered progress lines of make run / make check;
# with $PHASE_TIMES set, each also goes there with the time it began.
phase() {
	printf '[%s] %s\n' "$1" "$2"
	[ -z "${PHASE_TIMES:-}" ] || printf '%s\t%s\t%s\n' "$1" "$(date +%s)" "$2" >>"$PHASE_TIMES"
}

# phase_times: how long each phase of $PHASE_TIMES took, up to now
phase_times() {
	say ""
	say "time per phase (s):"
	awk -F '\t' -v now="$(date +%s)" '
		{ n[NR] = $1; t[NR] = $2; w[NR] = substr($3, 1, 64) }
		END {
			for (i = 1; i <= NR; i++)
				printf "  %6d  [%s] %s\n", (i < NR ? t[i + 1] : now) - t[i], n[i], w[i]
			if (NR)
				printf "  %6d  in all\n", now - t[1]
		}' "$PHASE_TIMES"
}
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# tally "LAYER: test" STATUS [DETAIL-FILE] [NOTE]: count one result
# ($TALLY_LAYER, if set, is put in front of the name), STATUS pass, skip
# or fail, print it, and append it to $RESULTS when make check set it
# (every script of a run appends there; check.sh counts the file). The
# name is the result's identity, the same in every run and whether it
# passes or fails (count_layers finds it by name in the expected
# results): what varies (a count, a time, a path, an exit status) is
# NOTE, printed after the name in parentheses and kept as the first line
# of the detail. A skip is a failure unless harness/expected-skips lists
# the result; a failure shows the start of DETAIL-FILE, and its first
# lines go with the note into $RESULTS (a third column, lines separated
# by \036), for summarize's list of failures.
passed=0 failed=0 skipped=0
tally() {
	local name=$1 st=$2 file=${3:-} note=${4:-} why detail
	[ -z "${TALLY_LAYER:-}" ] || name="$TALLY_LAYER: $name"
	if [ "$st" = skip ]; then
		if why=$(expected_skip "$name"); then
			st=xskip
		else
			st=fail
			note="unexpected skip${note:+: $note}"
		fi
	fi
	detail=$note
	case $st in
	pass) passed=$((passed + 1)); say "      ok      $name${note:+ ($note)}" ;;
	xskip) skipped=$((skipped + 1)); say "      skip    $name (expected: $why)" ;;
	*)
		st=fail
		failed=$((failed + 1)); say "      FAILED  $name${note:+ ($note)}"
		if [ -n "$file" ]; then
			# head leaves the rest unread: sed may die of SIGPIPE
			sed 's/^/        | /' "$file" | head -n 30 || :
			detail+=${note:+$'\036'}$(head -n 4 "$file" | cut -c1-200 | tr '\n' '\036')
			detail=${detail%$'\036'}
		fi
		;;
	esac
	[ -z "${RESULTS:-}" ] || printf '%s\t%s\t%s\n' "$st" "$name" "$detail" >>"$RESULTS"
}

# tally_empty "LAYER: test" FILE [NOTE]: one result, which passes when
# FILE (what the check found wrong, one line each) is empty and fails
# showing it otherwise
tally_empty() {
	tally "$1" "$([ -s "$2" ] && echo fail || echo pass)" "$2" "${3:-}"
}

# tally_guest "LAYER: test" OUTCOME LOG: a guest's verdict, which passes
# when the boot script's OUTCOME is "status 0" and fails otherwise,
# showing the end of LOG and naming it
tally_guest() {
	if [ "$2" = "status 0" ]; then
		tally "$1" pass
	else
		tail -n 30 "$3" | sed 's/^/      | /'
		tally "$1" fail "" "$2, log $3"
	fi
}

# expected_skip NAME: succeed, printing the reason, if harness/expected-skips
# ($EXPECTED_SKIPS) lists NAME ("LAYER: test | reason" lines). A * in the
# LAYER part selects layers (kunit-x86_64*-guest: make check's guest and
# make matrix's debug guest); the test is named exactly, never by a
# pattern, so that a new test is never skipped unseen.
expected_skip() {
	local line entry
	while IFS= read -r line; do
		case $line in "#"* | "") continue ;; esac
		entry=${line%% | *}
		# shellcheck disable=SC2053 # the layer part is a pattern
		if [[ ${1%%: *} == ${entry%%: *} ]] && [ "${1#*: }" = "${entry#*: }" ]; then
			printf '%s' "${line#* | }"
			return 0
		fi
	done <"${EXPECTED_SKIPS:-$TOP/harness/expected-skips}"
	return 1
}

# expected_count LAYER: the number of results harness/expected-results
# ($EXPECTED_RESULTS) lists under LAYER (empty if none)
expected_count() {
	awk -v p="$1: " 'index($0, p) == 1 { n++ } END { if (n) print n }' \
		"${EXPECTED_RESULTS:-$TOP/harness/expected-results}"
}

# count_tap FILE [SKIP-PROGRAM]: tally the TAP results of a kselftest run,
# each "LAYER/PROGRAM: name" inside the "=== PROGRAM" section the guest
# runner prints around a program, "LAYER: name" outside; LAYER is
# $TAP_LAYER (kselftest), and LAYER-m32 after the runner's
# "@@ksft-dir /kselftest32" (the 32-bit build). The results of
# SKIP-PROGRAM count only if they failed. The guest's console ends lines
# with CR LF. A failed test's diagnostics (the "# file:line:" lines the
# harness prints before its result) are its detail; what follows " # " on
# a result line (a SKIP's reason, the runner's count of leaks) is its
# note, not its name.
count_tap() {
	local line st base=${TAP_LAYER:-kselftest} name note layer kunit= diag run=
	layer=$base
	diag=$(mktemp)
	while IFS= read -r line; do
		line=${line%$'\r'}
		# the KUnit module's KTAP is count_kunit_log's
		case $line in
		"@@kunit-begin@@") kunit=1; continue ;;
		"@@kunit-end@@") kunit=; continue ;;
		esac
		[ -z "$kunit" ] || continue
		case $line in
		"@@ksft-dir /kselftest32") base=${TAP_LAYER:-kselftest}-m32 layer=$base; continue ;;
		"=== "*": "*s) layer=$base run=; continue ;;
		"=== "*) layer=$base/${line#=== } run=; continue ;;
		# the name of the next result: 6.1's harness prints none on a SKIP
		"#  RUN "*) run=${line#\#  RUN } run=${run#"${run%%[! ]*}"} run=${run% ...}; continue ;;
		"ok "*"# SKIP"*) st=skip ;;
		"ok "*) st=pass ;;
		"not ok "*) st=fail ;;
		"# "*:[0-9]*:* | "# "*": Test "*) echo "${line#\# }" >>"$diag"; continue ;;
		*) continue ;;
		esac
		if [ "$layer" = "$base/${2:-}" ] && [ $st != fail ]; then
			: >"$diag"
			continue
		fi
		name=${line#*ok }
		name=${name#[0-9]* }
		case $name in "# SKIP"*) name="$run ${name}" ;; esac
		run=
		# TAP's " # " ends the name: a SKIP's reason or a comment, the note
		note=
		case $name in *" # "*) note=${name#* # } name=${name%% # *} ;; esac
		note=${note#SKIP}
		tally "$layer: $name" "$st" "$diag" "${note# }"
		: >"$diag"
	done <"$1"
	rm -f "$diag"
}

# builtin_kconfig_args: kunit.py arguments that make a UML KUnit kernel
# bootable with the guests' root (boot.sh): hostfs, devtmpfs, ELF and
# script binaries, the console channels boot.sh asks for. The KUnit
# suites run first, as in any kunit.py run, then /init.
builtin_kconfig_args() {
	local o
	for o in HOSTFS=y DEVTMPFS=y BINFMT_ELF=y BINFMT_SCRIPT=y NULL_CHAN=y TMPFS=y PROC_FS=y; do
		printf -- '--kconfig_add CONFIG_%s ' "$o"
	done
}

# tally_kunit_json LAYER JSON: a result "LAYER: suite.case[.param]" per
# case of a kunit.py --json file: PASS, SKIP, else failed (a crashed case
# and a case without a result are ERROR/FAIL)
tally_kunit_json() {
	local st case
	while IFS=$'\t' read -r st case; do
		case $st in
		PASS) tally "$1: $case" pass ;;
		SKIP) tally "$1: $case" skip ;;
		*) tally "$1: $case" fail "" "$st" ;;
		esac
	done < <(python3 "$TOP/harness/kunit-results.py" "$2")
}

# count_kunit_log LAYER LOG: the KUnit results a guest printed between
# @@kunit-begin@@ and @@kunit-end@@ in LOG (kselftests.sh --kunit),
# parsed by kunit.py parse; no results at all is a failure
count_kunit_log() {
	local layer=$1 ktap=$OUT/log/$1.ktap json=$OUT/log/$1.json
	tr -d '\r' <"$2" | sed -n '/^@@kunit-begin@@$/,/^@@kunit-end@@$/p' >"$ktap.raw"
	python3 "$TOP/harness/ktap-params.py" "$ktap.raw" "$ktap"
	rm -f "$json"
	(cd "$TREE" && python3 tools/testing/kunit/kunit.py parse --json="$json" "$ktap") \
		>"$OUT/log/$layer-parse.log" 2>&1 || :
	if [ ! -s "$json" ] || ! grep -q 'KTAP version\|TAP version' "$ktap"; then
		tally "$layer: the guest's KUnit module printed its results" fail "" "$ktap"
		return
	fi
	say "      $(grep -a 'Testing complete' "$OUT/log/$layer-parse.log" | tail -n1 | sed 's/^\[[^]]*\] //')"
	tally_kunit_json "$layer" "$json"
}

# m32_mismatches LAYER: the tests of $RESULTS whose result under
# LAYER-m32/PROGRAM (the 32-bit build) differs from the one under
# LAYER/PROGRAM (64-bit), or that only one build has; nothing if they
# agree. The layer's own results (LAYER: ...) are not per program.
m32_mismatches() {
	awk -F'\t' -v L="$1/" -v M="$1-m32/" '
		{ split($2, a, ": "); l = a[1] "/"; n = substr($2, length(a[1]) + 3) }
		index(l, L) == 1 && length(l) > length(L) { r64[substr(l, length(L) + 1) ": " n] = $1 }
		index(l, M) == 1 && length(l) > length(M) { r32[substr(l, length(M) + 1) ": " n] = $1 }
		END {
			for (k in r64)
				if (!(k in r32)) printf "%s: 64-bit %s, 32-bit missing\n", k, r64[k]
				else if (r32[k] != r64[k]) printf "%s: 64-bit %s, 32-bit %s\n", k, r64[k], r32[k]
			for (k in r32) if (!(k in r64)) printf "%s: 64-bit missing, 32-bit %s\n", k, r32[k]
		}' "$RESULTS"
}

# stalled_program FILE: the program a stalled kselftest run was in:
# started, never finished
stalled_program() {
	tr -d '\r' <"$1" |
		awk '/^=== [^ ]+$/ { p = $2 } /^=== [^ ]+: [0-9]+s$/ { p = "" } END { print p }'
}

# summarize [NOTE]: the failed results, then the closing line "N passed,
# N failed, N expected skips[, NOTE]" of $RESULTS; fails if any failed
summarize() {
	local passed failed skipped
	passed=$(grep -c '^pass' "$RESULTS" || :)
	failed=$(grep -c '^fail' "$RESULTS" || :)
	skipped=$(grep -c '^xskip' "$RESULTS" || :)
	say ""
	if [ "$failed" -gt 0 ]; then
		say "failed:"
		awk -F '\t' '$1 == "fail" {
			print "  " $2
			n = split($3, why, "\036")
			for (i = 1; i <= n; i++)
				print "      | " why[i]
		}' "$RESULTS"
	fi
	say "$passed passed, $failed failed, $skipped expected skips${1:+, $1}"
	[ "$failed" -eq 0 ]
}

# count_layers: the results of $RESULTS must be, by name, the ones the
# expected results ($EXPECTED_RESULTS, harness/expected-results) list,
# one line "LAYER: test" each: a result that should be there and is not
# fails as "counts: missing LAYER: test", one the file does not list as
# "counts: unexpected LAYER: test" (also a second result of a listed
# name). A result that failed answers its entry like a passing one, and
# is never unexpected too: it is a failure under its own name already.
# Also prints, per layer, results/listed (the counts are a by-product).
count_layers() {
	local exp=${EXPECTED_RESULTS:-$TOP/harness/expected-results} verdicts kind name
	verdicts=$(compare_names "$exp" "$RESULTS") || die "cannot compare $RESULTS with $exp"
	while IFS=$'\t' read -r kind name; do
		case $kind in
		missing | unexpected) tally "counts: $kind $name" fail ;;
		malformed) tally "counts: each line of the expected results is \"LAYER: test\"" fail "" "$exp: $name" ;;
		table) say "      $name" ;;
		esac
	done <<<"$verdicts"
}

# compare_names EXPECTED RESULTS: what count_layers tallies, one line
# "KIND<TAB>what" each: "missing<TAB>LAYER: test", "unexpected<TAB>LAYER:
# test", "malformed<TAB>line" (an expected line without ": "), and last
# "table<TAB>LAYER results/listed ..." in the expected file's order of
# layers, then the others'. A name listed N times needs N results; the
# results of layer counts (count_layers' own) are not compared.
compare_names() {
	awk -F '\t' '
		function layer_of(n) { return index(n, ": ") ? substr(n, 1, index(n, ": ") - 1) : n }
		function seen(l) { if (!(l in lw)) { lw[l] = 0; lh[l] = 0; ord[++nl] = l } }
		FILENAME == ARGV[1] {
			if ($0 ~ /^#/ || $0 ~ /^[ \t]*$/) next
			if (!index($0, ": ")) { print "malformed\t" $0; next }
			if (!($0 in want)) lst[++ne] = $0
			want[$0]++; seen(layer_of($0)); lw[layer_of($0)]++
			next
		}
		layer_of($2) == "counts" { next }
		{
			if (!($2 in have)) got[++ng] = $2
			have[$2]++; if ($1 != "fail") ok[$2]++
			seen(layer_of($2)); lh[layer_of($2)]++
		}
		END {
			for (i = 1; i <= ne; i++)
				if (have[lst[i]] + 0 < want[lst[i]]) print "missing\t" lst[i]
			for (i = 1; i <= ng; i++)
				if (ok[got[i]] + 0 > want[got[i]] + 0) print "unexpected\t" got[i]
			t = ""
			for (i = 1; i <= nl; i++) t = t (i > 1 ? " " : "") ord[i] " " lh[ord[i]] "/" lw[ord[i]]
			print "table\t" t
		}' "$1" "$2"
}

# What a kernel report looks like in a log: BUG (KASAN's too), WARNING
# (lockdep's and debugobjects' too), Oops, UBSAN, kmemleak, panic, backtraces.
SPLAT_RE='BUG:|WARNING:|Oops|kernel BUG|KASAN|UBSAN|possible (circular|recursive) locking|INFO: (possible|inconsistent|suspicious)|blocked for more than|unreferenced object|Kernel panic|Call Trace'

# kcsan_elsewhere LOG OTHER: LOG without the KCSAN reports that name no
# DRM, accel or dummy_accel function (data races of the base kernel
# elsewhere, which KCSAN finds when it runs at all); those go to OTHER.
# A report with a drm_, accel_ or dummy_accel_ frame stays, and fails the
# run. A report is what KCSAN prints between two lines of "=".
kcsan_elsewhere() {
	awk -v other="$2" '
		function flush() {
			if (blk == "") return
			if (inkcsan && blk !~ /[^a-z0-9_](drm|accel|dummy_accel)_[a-z0-9_]+\+0x/) print blk > other
			else printf "%s", blk
			blk = ""; inkcsan = 0
		}
		{ sub(/\r$/, "") }
		/^(\[[ 0-9.]*\] )?=+$/ { if (open) { blk = blk $0 "\n"; open = 0; flush(); next } flush(); open = 1 }
		{ if (open) { blk = blk $0 "\n"; if ($0 ~ /BUG: KCSAN:/) inkcsan = 1 } else print }
		END { flush() }' "$1"
}

# Run a command with its output going to the log; on failure show the tail
# of the log and the log's path, so the cause is on the terminal.
logged() {
	local desc=$1; shift
	printf '\n### %s\n### %s\n' "$desc" "$*" >>"$LOG"
	if ! "$@" >>"$LOG" 2>&1; then
		printf 'error: %s failed; last lines of %s:\n' "$desc" "$LOG" >&2
		tail -n 25 "$LOG" | sed 's/^/  | /' >&2
		exit 1
	fi
}

# Install the Debian packages that are missing. The package lists are
# the machine's, not the cache's (a cache restored onto a new machine
# says nothing about them): they are refreshed when none is younger than
# a day, and once more if an install fails on lists that are stale.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "    installing: ${missing[*]}"
	[ "$(id -u)" -eq 0 ] || die "missing packages ${missing[*]}: run as root or install them"
	# an update that fails in part (a mirror mid-sync: "File has unexpected
	# size") need not fail the install, which decides
	if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ]; then
		apt-get update >>"$LOG" 2>&1 || say "    apt-get update: some lists failed, see $LOG"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${missing[@]}" >>"$LOG" 2>&1 || {
		apt-get update >>"$LOG" 2>&1 || say "    apt-get update: some lists failed, see $LOG"
		logged "apt-get install" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends "${missing[@]}"
	}
}

# need_foreign_pkgs ARCH PKG:ARCH...: need_pkgs, with dpkg taking the
# packages of architecture ARCH first (i386: the 32-bit kselftests link
# i386 static libraries; arm64 and armhf: the arm64 guest's)
need_foreign_pkgs() {
	local a=$1
	shift
	if [ "$a" != "$(dpkg --print-architecture)" ] &&
	   ! dpkg --print-foreign-architectures | grep -qx "$a"; then
		[ "$(id -u)" -eq 0 ] || die "dpkg lacks the $a architecture: run as root"
		say "    dpkg --add-architecture $a"
		dpkg --add-architecture "$a"
		# an index that fails (a mirror mid-sync) need not be the one
		# the packages come from: the install decides
		apt-get update >>"$LOG" 2>&1 || say "    apt-get update: some lists failed, see $LOG"
	fi
	[ $# -eq 0 ] || need_pkgs "$@"
}

# unpacked_debs NAME PKG[:ARCH]...: print $STATE/debs/NAME, the files of
# the packages unpacked there (apt-get download, dpkg-deb -x), not
# installed: another architecture's busybox-static or kernel
# configuration, a udev for the guest. Unpacked again when the candidate
# versions change.
unpacked_debs() {
	local d=$STATE/debs/$1 want p tmp
	shift
	want=$(deb_candidates "$@")
	# no candidate (no package lists): what was unpacked before serves
	if [ "$(cat "$d/.versions" 2>/dev/null)" = "$want" ] ||
	   { [ -f "$d/.versions" ] && grep -q '=$' <<<"$want"; }; then
		echo "$d"
		return 0
	fi
	tmp=$d.new
	rm -rf "$tmp"
	mkdir -p "$tmp/.deb"
	if ! (cd "$tmp/.deb" && apt-get download "$@") >>"$LOG" 2>&1; then
		apt-get update >>"$LOG" 2>&1 || :
		(cd "$tmp/.deb" && apt-get download "$@") >>"$LOG" 2>&1 ||
			die "apt-get download $* failed (see $LOG)"
	fi
	for p in "$tmp"/.deb/*.deb; do
		dpkg-deb -x "$p" "$tmp"
	done
	rm -rf "$tmp/.deb"
	deb_candidates "$@" >"$tmp/.versions"
	rm -rf "$d"
	mv "$tmp" "$d"
	echo "$d"
}

# deb_candidates PKG...: "PKG=VERSION" of each package apt would take
deb_candidates() {
	local p
	for p in "$@"; do
		printf '%s=%s\n' "$p" "$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: //p')"
	done
}

# copy_libs ROOT PROGRAM: the shared libraries ldd lists for PROGRAM into
# ROOT at their own paths (none for a static program or a script); fails
# naming a library ldd does not find
copy_libs() {
	local lib libs
	libs=$(ldd "$2" 2>/dev/null) || return 0
	if grep -q 'not found' <<<"$libs"; then
		echo "$2: a library is missing: $(grep 'not found' <<<"$libs" | tr -s ' \t\n' ' ')" >&2
		return 1
	fi
	for lib in $(grep -o '/[^ ]*' <<<"$libs"); do
		mkdir -p "$1$(dirname "$lib")" && cp -L "$lib" "$1$lib" || return 1
	done
}

# sysroot_add ROOT DEST PROGRAM: a host program into ROOT at DEST, with
# its libraries
sysroot_add() {
	mkdir -p "$1$(dirname "$2")" && cp -L "$3" "$1$2" && copy_libs "$1" "$3"
}

# udev_sysroot: print $STATE/udev-sysroot, what the x86_64 guest needs to
# run Debian 12's own udev with the repository's rule (JOB_SYSROOT of
# harness/guest/udev.sh): udevadm, which is systemd-udevd too, and its
# libraries (the udev package unpacked, not installed: the host's udev
# stays as it is), Debian's rules in /lib/udev/rules.d with the seat
# rules of the systemd package (70-uaccess, 71-seat, 73-seat-late: what
# a Debian system with systemd runs after 70-accel.rules),
# udev/70-accel.rules in /etc/udev/rules.d, util-linux's setpriv
udev_sysroot() {
	local d s r=$STATE/udev-sysroot
	# called as a condition, where errexit is off: each step checked
	d=$(unpacked_debs udev udev) && [ -x "$d/bin/udevadm" ] || return 1
	s=$(unpacked_debs systemd systemd) && [ -f "$s/lib/udev/rules.d/71-seat.rules" ] || return 1
	rm -rf "$r"
	mkdir -p "$r/lib/systemd" "$r/lib/udev" "$r/etc/udev/rules.d" &&
	sysroot_add "$r" /usr/local/bin/udevadm "$d/bin/udevadm" &&
	ln -s /usr/local/bin/udevadm "$r/lib/systemd/systemd-udevd" &&
	cp -a "$d/lib/udev/rules.d" "$r/lib/udev/" &&
	cp "$s"/lib/udev/rules.d/{70-uaccess,71-seat,73-seat-late}.rules "$r/lib/udev/rules.d/" &&
	cp "$TOP/udev/70-accel.rules" "$r/etc/udev/rules.d/" &&
	sysroot_add "$r" /usr/local/bin/setpriv "$(command -v setpriv)" || return 1
	echo "$r"
}

# The packages every build needs (libnl-genl: accel_ras_test, linked
# statically into the guests' kselftests).
BUILD_PKGS=(build-essential bc bison flex libelf-dev libssl-dev python3
	    ccache kmod busybox-static rsync xz-utils git gdb pkg-config
	    libnl-genl-3-dev)
# What make htmldocs needs: make docs and the series check (after the
# docs patch) both run it, and each installs them itself.
DOCS_PKGS=(python3-sphinx python3-sphinx-rtd-theme python3-yaml graphviz)

# Key of the base tree: which kernel source the work tree is made from.
# Sets BASE_KEY, BASE_DESC and STATE (the per-base cache directory).
base_key() {
	if [ -n "${KERNEL_SRC:-}" ]; then
		local real
		real=$(realpath -m "$KERNEL_SRC")
		BASE_KEY=src-$(printf '%s' "$real" | sha1sum | cut -c1-12)
		BASE_DESC="KERNEL_SRC=$real"
	else
		BASE_KEY=debian-6.1
		BASE_DESC="Debian linux-source-6.1"
	fi
	STATE=$CACHE/$BASE_KEY
	TREE=$STATE/tree
	mkdir -p "$STATE"
}

# Serialise everything that touches the cache: a second run waits for the
# first. flock is released by the kernel when its holder dies, so an
# interrupted run leaves no stale lock behind.
take_lock() {
	[ -n "${ACCEL_LOCKED:-}" ] && return 0
	exec 9>"$CACHE/lock"
	if ! flock -n 9; then
		say "    another run holds $CACHE/lock; waiting for it"
		flock 9
	fi
	export ACCEL_LOCKED=1
}

# The configurations (NAME:ARCH), besides the UML build, in which make
# series --check and make lint compile single objects
SHADOW_BUILDS="uml-noaccel:um x86_64:x86_64 kunit-debug:um"

# shadow_builds_configure: configure each build of $SHADOW_BUILDS that has
# no .config yet from the composed tree (make series-check or make lint on
# a cache no make check has filled): configured only, nothing built
shadow_builds_configure() {
	local k name
	for k in $SHADOW_BUILDS; do
		name=${k%:*}
		[ ! -f "$STATE/build-$name/.config" ] || continue
		if [ "$name" = kunit-debug ]; then
			logged "configure kunit-debug" kunit_debug_py config
		else
			logged "configure $name" "$TOP/harness/build.sh" "$name" olddefconfig
		fi
	done
}

# shadow_build NAME: print $STATE/build-series-NAME, a build directory
# with the .config of build NAME (copied again when that changed), so that
# objects compiled there (a patch of the series, W=1) never end up in the
# guests' kernels; fail if build NAME has not been configured
shadow_build() {
	local b=$STATE/build-$1 s=$STATE/build-series-$1
	[ -f "$b/.config" ] || return 1
	mkdir -p "$s"
	cmp -s "$b/.config" "$s/.config" || cp "$b/.config" "$s/.config"
	echo "$s"
}

# The git identity used for the composed commits.
GIT_ID=(-c gc.auto=0 -c user.name="${GIT_AUTHOR_NAME:-Accel Series}"
	-c user.email="${GIT_AUTHOR_EMAIL:-accel-series@example.org}")

# Like logged, for long steps: print elapsed time and the step make is at
# every 30 seconds, so a cold build shows progress without its log.
logged_progress() {
	local desc=$1; shift
	printf '\n### %s\n### %s\n' "$desc" "$*" >>"$LOG"
	"$@" >>"$LOG" 2>&1 &
	local pid=$! start=$SECONDS rc=0 n=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		n=$((n + 1))
		if [ $((n % 30)) -eq 0 ]; then
			printf '      ... %dm%02ds, at %s\n' $(((SECONDS - start) / 60)) \
				$(((SECONDS - start) % 60)) \
				"$(grep -E '^  [A-Z]+ ' "$LOG" | tail -n1 | sed 's/^ *//')"
		fi
	done
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || die "$desc failed (exit status $rc); full log: $LOG"

}

# Start a log for a top-level command and say where it is.
start_log() {
	mkdir -p "$OUT/log"
	LOG=$OUT/log/$1-$(date +%Y%m%d-%H%M%S).log
	export LOG
	: >"$LOG"
	ln -sf "$(basename "$LOG")" "$OUT/log/latest.log"
	say "full log: $LOG"
}

# base_worktree: a work tree of the base alone (a git worktree of the
# composed tree at its base commit), created once; prints its path
base_worktree() {
	local w=$STATE/lint-base-tree
	if [ "$(git -C "$w" rev-parse HEAD 2>/dev/null)" != "$(git -C "$TREE" rev-parse base)" ]; then
		rm -rf "$w"
		git -C "$TREE" worktree prune
		git -C "$TREE" worktree add -q --detach "$w" base >&2
	fi
	echo "$w"
}

# build_tree NAME: the source tree of build configuration NAME: the base
# alone for a reference configuration (NAME ending in -base, make
# bench-base), else the composed tree
build_tree() {
	case $1 in
	*-base) base_worktree ;;
	*) echo "$TREE" ;;
	esac
}

compose() {
	python3 "$TOP/harness/compose.py" "$TOP" "$TREE"
}

# A gate script run alone (make kunit, make lint, make docs) starts its own
# log and brings the tree up to date; under make check, check.sh has done
# both and set LOG_STARTED.
standalone_start() {
	[ -z "${LOG_STARTED:-}" ] || return 0
	start_log "$1"
	need_pkgs "${BUILD_PKGS[@]}"
	"$TOP/harness/base.sh"
	compose
}

# guest_build ARCH: the build configuration of the guest kernel of ARCH
# (um, x86_64 or arm64), or of its debug kernel with $GUEST_KERNEL=debug
# (make boot [ARCH=x86_64] KERNEL=debug; UML's is the kunit-debug build,
# with everything built in); the plain one when it is empty
guest_build() {
	case ${1:-um}:${GUEST_KERNEL:-} in
	um:) echo uml ;;
	x86_64:) echo x86_64 ;;
	arm64:) echo arm64 ;;
	x86_64:debug) echo x86_64-debug ;;
	um:debug) echo kunit-debug ;;
	arm64:debug) die "KERNEL=debug: the arm64 guest has no debug kernel (ARCH=x86_64 or um have)" ;;
	*) die "KERNEL=$GUEST_KERNEL: the guest kernels are the plain one (no KERNEL=) and KERNEL=debug" ;;
	esac
}

# cross_prefix ARCH: the CROSS_COMPILE of the kernel builds of ARCH
cross_prefix() {
	[ "$1" != arm64 ] || echo aarch64-linux-gnu-
}

# Phases shared by make run, make check and make boot: packages, base
# tree, composition, the build of the guest kernel of $3 (um, the
# default, or x86_64; its debug kernel with $GUEST_KERNEL=debug, whose
# build the boot scripts then use through $BOOT_BUILD). $1 is the number
# of the first phase, $2 the total.
prepare_kernel() {
	local n=$1 total=$2 arch=${3:-um} build
	build=$(guest_build "$arch")
	phase "$n/$total" "checking packages"
	need_pkgs "${BUILD_PKGS[@]}"
	phase "$((n + 1))/$total" "base tree ($BASE_DESC)"
	"$TOP/harness/base.sh"
	printf 'base: %s\n' "$(cat "$STATE/base-version")" >>"$LOG"
	phase "$((n + 2))/$total" "composing the series onto the base"
	compose
	# NOBUILD=1: the caller builds what it needs (make bench-base)
	[ -z "${NOBUILD:-}" ] || return 0
	local t=$SECONDS
	if [ "$arch" = arm64 ]; then
		phase "$((n + 3))/$total" "building the arm64 kernel (cross; SMP, PREEMPT, 32-bit compat; DRM=m, DRM_ACCEL=y, dummy_accel=m)"
		build_arm64_and_kselftests
		say "      built in $((SECONDS - t))s: $STATE/build-arm64/arch/arm64/boot/Image"
		return
	fi
	if [ "$arch" = x86_64 ]; then
		if [ "$build" = x86_64-debug ]; then
			phase "$((n + 3))/$total" "building the x86_64 debug kernel (KASAN, lockdep, debugobjects, kmemleak; DRM=m, dummy_accel=m)"
			export BOOT_BUILD=$build
		else
			phase "$((n + 3))/$total" "building the x86_64 kernel (SMP, PREEMPT, 32-bit compat; DRM=m, DRM_ACCEL=y, dummy_accel=m)"
		fi
		build_x86_64_and_kselftests "$build"
		grep -E '^CONFIG_(DRM|DRM_ACCEL|DRM_ACCEL_DUMMY|SMP|PREEMPT|IA32_EMULATION|KASAN)=' \
			"$STATE/build-$build/.config" >>"$LOG"
		say "      built in $((SECONDS - t))s: $STATE/build-$build/arch/x86/boot/bzImage"
		return
	fi
	if [ "$build" = kunit-debug ]; then
		phase "$((n + 3))/$total" "building the UML debug kernel (KASAN, lockdep, kmemleak; DRM, dummy_accel, vgem, udmabuf built in)"
		build_uml_debug_and_kselftests
		export BOOT_BUILD=$build
		say "      built in $((SECONDS - t))s: $STATE/build-$build/linux"
		return
	fi
	phase "$((n + 3))/$total" "building the UML kernel (DRM=m, DRM_ACCEL=y, dummy_accel=m)"
	build_uml_and_kselftests
	grep -E '^CONFIG_(DRM|DRM_ACCEL|DRM_ACCEL_DUMMY|UML_PCI_OVER_VIRTIO)=' \
		"$STATE/build-uml/.config" >>"$LOG"
	say "      built in $((SECONDS - t))s: $STATE/build-uml/linux"
}

# uapi_headers KARCH DIR: the uapi headers of kernel architecture KARCH,
# from the tree as it is, installed in DIR/usr/include
uapi_headers() {
	logged "headers_install ($1)" make -C "$TREE" ARCH="$1" O="$2" \
		INSTALL_HDR_PATH="$2/usr" headers_install
}

# kselftests_install CC HEADERS BUILD INSTALL: the accel kselftests built
# static by CC against the uapi headers of HEADERS (a uapi_headers DIR),
# in $STATE/BUILD, installed in $STATE/INSTALL
kselftests_install() {
	logged "kselftest install ($1)" make -C "$TREE/tools/testing/selftests" \
		TARGETS=accel O="$STATE/$3" CC="$1" LDFLAGS=-static \
		KHDR_INCLUDES="-isystem $2/usr/include" INSTALL_PATH="$STATE/$4" install
}

# The uapi headers and the kselftests installed for the guests (static,
# 64-bit: the UML guest runs host programs), from the tree as it is.
build_kselftests() {
	# UML exports no uapi headers: the guest programs use x86's
	uapi_headers x86 "$STATE/build-headers"
	kselftests_install gcc "$STATE/build-headers" build-kselftest kselftest-uml
}

# The UML debug kernel, the build make check's debug KUnit run uses (the
# same arguments: kunit.py keeps its configuration), and the kselftests.
build_uml_debug_and_kselftests() {
	logged_progress "build kunit-debug" kunit_debug_py build --jobs="$JOBS"
	build_kselftests
}

# kunit_debug_py CMD [ARGS...]: kunit.py CMD (config, build) of the UML
# debug build, with the arguments make check's debug KUnit run gives it
kunit_debug_py() {
	local cmd=$1 args
	shift
	read -r -a args <<<"$(builtin_kconfig_args)"
	export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
	env -C "$TREE" python3 tools/testing/kunit/kunit.py "$cmd" "${args[@]}" \
		--kunitconfig=drivers/accel --kunitconfig=drivers/accel/tests/debug.kunitconfig \
		--build_dir="$STATE/build-kunit-debug" --make_options CC="ccache gcc" "$@"
}

# The UML kernel and its modules, and the kselftests.
build_uml_and_kselftests() {
	logged_progress "build uml" "$TOP/harness/build.sh" uml all
	build_kselftests
}

# build_x86_64_and_kselftests [BUILD]: the x86_64 kernel of build
# configuration BUILD (x86_64, the default, or x86_64-debug) and its
# modules, and the kselftests 64-bit and 32-bit (static, i386: the compat
# path of every ioctl). The 32-bit ones are built by Debian's i686 cross
# compiler, not gcc-multilib, which conflicts with every cross compiler
# (the arm64 guest's and Debian's arm64 configuration need two).
build_x86_64_and_kselftests() {
	local build=${1:-x86_64}
	need_pkgs qemu-system-x86 gcc-i686-linux-gnu libc6-dev-i386-cross
	need_foreign_pkgs i386 libnl-genl-3-dev:i386 libnl-3-dev:i386
	logged_progress "build $build" "$TOP/harness/build.sh" "$build" all
	build_kselftests
	kselftests_install i686-linux-gnu-gcc "$STATE/build-headers" build-kselftest-m32 kselftest-m32
}

# build_arm64_and_kselftests: the arm64 kernel (cross-built) and its
# modules, and the kselftests cross-built static, 64-bit and 32-bit arm
# (armhf: the compat path of every ioctl), each against the uapi headers
# of its architecture.
build_arm64_and_kselftests() {
	need_pkgs qemu-system-arm gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf \
		  libc6-dev-arm64-cross libc6-dev-armhf-cross
	need_foreign_pkgs arm64 libnl-genl-3-dev:arm64 libnl-3-dev:arm64
	need_foreign_pkgs armhf libnl-genl-3-dev:armhf libnl-3-dev:armhf
	logged_progress "build arm64" "$TOP/harness/build.sh" arm64 all
	cross_kselftests arm64 aarch64-linux-gnu kselftest-arm64
	cross_kselftests arm arm-linux-gnueabihf kselftest-armhf
}

# cross_kselftests KARCH TRIPLET NAME: the kselftests built by TRIPLET-gcc
# against the uapi headers of kernel architecture KARCH, installed in
# $STATE/NAME
cross_kselftests() {
	uapi_headers "$1" "$STATE/build-headers-$1"
	kselftests_install "$2-gcc" "$STATE/build-headers-$1" "build-$3" "$3"
}

# boot_script ARCH: set the array BOOT to the boot script of guest
# architecture ARCH (um, x86_64 or arm64) and its first arguments (not
# printed: a die in a command substitution would leave it empty)
boot_script() {
	case ${1:-um} in
	um) BOOT=("$TOP/harness/boot.sh") ;;
	x86_64 | arm64) BOOT=("$TOP/harness/boot-qemu.sh" "$1") ;;
	*) die "ARCH=$1: the guest is um (the default), x86_64 or arm64" ;;
	esac
}

# guest_cc SRC OUT [ARCH]: build a guest test program statically against
# the composed uapi headers, for the guest of ARCH (um or x86_64, the
# host's compiler; arm64, the cross compiler and arm64's headers)
guest_cc() {
	local src=$1 out=$2 cc=gcc hdr=$STATE/build-headers
	if [ "${3:-}" = arm64 ]; then
		cc=aarch64-linux-gnu-gcc hdr=$STATE/build-headers-arm64
	fi
	mkdir -p "$(dirname "$out")"
	logged "cc $(basename "$src")" "$cc" -static -O2 -Wall -Werror \
		-I"$hdr/usr/include" -o "$out" "$src" -lpthread
}
