#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make mutants [MUTANTS="01 07"]: show that the tests bite. Each
# mutants/NN-*.patch is a small, realistic bug in our kernel code, with a
# header naming the layers that should catch it, fastest first:
#
#   Mutant: what the bug is
#   Layers: kunit boot
#   Expect: the tests that should catch it
#
# For each, the patch is applied to the composed tree, the layers run in
# order until one has a failed result (kunit: the KUnit suites, main
# configuration; boot: the kselftests in the booted UML kernel, any "not
# ok" or a kernel report, stopping at the first program that fails), and
# the tree is put back. Prints a table:
# mutant, caught by, time; exits non-zero if a mutant survived. The layers:
# kunit (main configuration, UML), kunit-debug (the debug configuration,
# the only one with dummy_accel's own suite), kunit-x86_64 (x86_64 under
# QEMU, with 32-bit compat), boot (the kselftests in UML) and boot-x86_64 (the
# kselftests 64- and 32-bit in the x86_64 SMP guest). Slow: not part of
# make check.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
start_log mutants
need_pkgs "${BUILD_PKGS[@]}" qemu-system-x86
"$TOP/harness/base.sh"
compose
M=$OUT/mutants
rm -rf "$M"; mkdir -p "$M"

# Put the tree back the way compose left it, whatever happens.
restore() { git -C "$TREE" -c gc.auto=0 checkout -q -f series; }
trap restore EXIT

# The kselftests and the guest programs, built once from the real tree.
phase 1/3 "building the unmutated kernel and the kselftests"
build_uml_and_kselftests
# the x86_64 guest and the 32-bit kselftests, if a mutant is run there
for patch in "$TOP"/mutants/[0-9]*.patch; do
	m=$(basename "$patch" .patch)
	[ -z "${MUTANTS:-}" ] || grep -qw "${m%%-*}" <<<"$MUTANTS" || continue
	if grep -q '^Layers:.*boot-x86_64' "$patch"; then
		build_x86_64_and_kselftests
		break
	fi
done

# kunit_failures NAME BUILD KUNIT.PY-ARGS...: the names of the KUnit
# results that are not PASS or SKIP, a kernel report in the log, or
# kunit.py's own failure
kunit_failures() {
	local name=$1 build=$STATE/$2 json=$M/$1-$2.json rc=0
	shift 2
	(cd "$TREE" && python3 tools/testing/kunit/kunit.py run "$@" \
		--build_dir="$build" --jobs="$JOBS" --make_options CC="ccache gcc" \
		--timeout=600 --json="$json") >"$M/$name-$(basename "$build").log" 2>&1 || rc=$?
	if [ ! -s "$json" ]; then
		echo "kunit.py exit status $rc, no results"
		return
	fi
	python3 "$TOP/harness/kunit-results.py" "$json" | awk -F'\t' '$1 != "PASS" && $1 != "SKIP" { print $2 }'
	grep -qaE "$SPLAT_RE" "$build/test.log" 2>/dev/null && echo "kernel report in the KUnit log"
	[ "$rc" -eq 0 ] || echo "kunit.py exit status $rc"
}

# layer_kunit NAME: the main configuration, as make check runs it
layer_kunit() {
	kunit_failures "$1" build-kunit --kunitconfig=drivers/accel
}

# layer_kunit_debug NAME: the debug configuration with dummy_accel and its
# suite built in, as make check runs it
layer_kunit_debug() {
	local args
	read -r -a args <<<"$(builtin_kconfig_args)"
	kunit_failures "$1" build-kunit-debug "${args[@]}" --kunitconfig=drivers/accel \
		--kunitconfig=drivers/accel/tests/debug.kunitconfig
}

# layer_kunit_x86_64 NAME: x86_64 under QEMU with compat, as make check
layer_kunit_x86_64() {
	kunit_failures "$1" build-kunit-x86_64 --arch=x86_64 \
		--kunitconfig=drivers/accel/tests/x86_64.kunitconfig \
		--qemu_args="-smp 2" --qemu_args="-accel tcg,thread=multi"
}

# layer_boot NAME [ARCH]: the kselftests that did not pass in the booted
# kernel, UML or (boot-x86_64) the x86_64 SMP guest, 64- and 32-bit
layer_boot() {
	local log=$M/$1-boot-${2:-um}.log outf=$M/$1-boot-${2:-um}.outcome out
	if ! "$TOP/harness/build.sh" "${2:-uml}" all >>"$LOG" 2>&1; then
		echo "the ${2:-UML} kernel does not build"
		return
	fi
	rm -f "$outf"
	boot_script "${2:-um}"
	BOOT_OUTCOME=$outf BOOT_TIMEOUT=$([ "${2:-um}" = um ] && echo 480 || echo 900) \
		"${BOOT[@]}" "$TOP/harness/guest/kselftests.sh" --first-failure \
		>"$log" 2>&1 || :
	tr -d '\r' <"$log" | sed -n 's/^not ok [0-9]* *//p'
	# the x86_64 guest must have run the 32-bit build too (unless a
	# 64-bit program failed first)
	[ "${2:-um}" = um ] || grep -q '^@@ksft-dir /kselftest32\|^# --first-failure' "$log" ||
		echo "no 32-bit kselftests ran"
	out=$(cat "$outf" 2>/dev/null || echo died)
	case $out in
	"status 0") ;;
	"status "*) grep -q '^not ok ' "$log" || echo "kselftests.sh $out" ;;
	*) echo "guest: $out" ;;
	esac
}

layer_boot_x86_64() {
	layer_boot "$1" x86_64
}

phase 2/3 "running each mutant"
rows=() caught=0 total=0 t0=$SECONDS
for patch in "$TOP"/mutants/[0-9]*.patch; do
	m=$(basename "$patch" .patch)
	if [ -n "${MUTANTS:-}" ] && ! grep -qw "${m%%-*}" <<<"$MUTANTS"; then
		continue
	fi
	total=$((total + 1))
	what=$(sed -n 's/^Mutant: //p' "$patch")
	layers=$(sed -n 's/^Layers: //p' "$patch")
	t=$SECONDS
	restore
	if ! git -C "$TREE" apply "$patch" 2>"$M/$m-apply.log"; then
		rows+=("$m|does not apply: $(head -n1 "$M/$m-apply.log")|0")
		say "      $m: does not apply"
		continue
	fi
	by=""
	for layer in $layers; do
		say "      $m: $layer ($what)"
		"layer_${layer//-/_}" "$m" >"$M/$m-$layer.caught"
		if [ -s "$M/$m-$layer.caught" ]; then
			by="$layer: $(head -n 4 "$M/$m-$layer.caught" | paste -sd, | sed 's/,/, /g')"
			n=$(wc -l <"$M/$m-$layer.caught")
			[ "$n" -le 4 ] || by+=" (+$((n - 4)) more)"
			break
		fi
	done
	if [ -n "$by" ]; then
		caught=$((caught + 1))
	else
		by="SURVIVED ($layers)"
	fi
	rows+=("$m|$by|$((SECONDS - t))")
	say "        -> $by ($((SECONDS - t))s)"
done
restore

phase 3/3 "putting the builds back"
build_uml_and_kselftests
[ ! -f "$STATE/build-x86_64/.config" ] || logged_progress "build x86_64" "$TOP/harness/build.sh" x86_64 all
say ""
printf '%-34s %-6s %s\n' mutant time "caught by"
for r in "${rows[@]}"; do
	IFS='|' read -r m by s <<<"$r"
	printf '%-34s %5ss %s\n' "$m" "$s" "$by"
done
say ""
say "$caught of $total mutants caught in $((SECONDS - t0))s"
[ "$caught" -eq "$total" ]
