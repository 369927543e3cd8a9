#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench [ARCH=x86_64] [BENCH_BOOTS=3] [BENCH_PARAMS="rounds=21 ..."]:
# what accel costs. Brings the guest's kernel up to date, builds
# bench/accel_bench.c against it as an external module (M=; the benchmark
# is a tool of this repository, not a patch of the series), boots it
# $BENCH_BOOTS times (kmemleak off: it would time its own bookkeeping of
# every allocation) and runs harness/guest/bench.sh in each boot: the
# accel_bench module's table, ns per operation (median and min of its
# rounds). Ends with the ratios of every boot side by side, so that the
# spread between boots shows. Figures, not tests: nothing fails on a slow
# figure; the exit status is 1 only if a boot or the module failed.
#
# bench.sh --base (make bench-base): the reference. The same accel_bench.c
# built as an external module (M=) against the base tree alone, booted in
# the base's own kernel (same configuration, without the series and
# accel.config): the render node and /dev/null figures of a kernel the
# series never touched.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
arch=${GUEST_ARCH:-um}
[ "$arch" != arm64 ] || die "make bench: ARCH=um or ARCH=x86_64 (the arm64 guest has no bench reference)"
boots=${BENCH_BOOTS:-3}
boot_script "$arch"
base=
[ "${1:-}" != --base ] || base=1

# bench_module NAME: bench/accel_bench.c, which is not part of the series,
# built outside the tree of build NAME as a driver author builds a module
# (M=), in $BENCH_KO
bench_module() {
	local m=$STATE/bench-module-$1 karch=um
	case $1 in x86_64*) karch=x86_64 ;; esac
	rm -rf "$m"
	mkdir -p "$m"
	cp "$TOP/bench/accel_bench.c" "$m/"
	echo 'obj-m := accel_bench.o' >"$m/Kbuild"
	logged "accel_bench M= ($1)" make -C "$(build_tree "$1")" ARCH="$karch" \
		O="$STATE/build-$1" M="$m" -j"$JOBS" modules
	BENCH_KO=$m/accel_bench.ko
}

opts=()
if [ -n "$base" ]; then
	start_log bench-base
	NOBUILD=1 prepare_kernel 1 5 "$arch"
	name=uml-base
	[ "$arch" = um ] || name=x86_64-base
	phase 4/5 "building the base alone ($name, no series) and accel_bench outside it (M=)"
	t=$SECONDS
	logged_progress "build $name" "$TOP/harness/build.sh" "$name" all
	bench_module "$name"
	say "      built in $((SECONDS - t))s: $BENCH_KO"
	export BOOT_BUILD=$name JOB_FILES=$BENCH_KO
	opts=(--noload)
	args=(--base)
	B=$OUT/bench-base
else
	start_log bench
	prepare_kernel 1 5 "$arch"
	bench_module "$(guest_build "$arch")"
	export JOB_FILES=$BENCH_KO
	args=()
	B=$OUT/bench
fi
rm -rf "$B"; mkdir -p "$B"
rc=0
for i in $(seq 1 "$boots"); do
	phase 5/5 "boot $i of $boots ($arch${base:+, the base alone}): accel_bench${BENCH_PARAMS:+ $BENCH_PARAMS}"
	# shellcheck disable=SC2086
	if ! BOOT_ARGS="kmemleak=off" MODPARAMS="num_devices=1" BOOT_TIMEOUT=1800 \
		"${BOOT[@]}" "${opts[@]}" "$TOP/harness/guest/bench.sh" "${args[@]}" ${BENCH_PARAMS:-} >"$B/boot-$i.log" 2>&1; then
		rc=1
		tail -n 20 "$B/boot-$i.log" | sed 's/^/      | /'
	fi
	tr -d '\r' <"$B/boot-$i.log" | sed -n '/^=== accel_bench/,$p' |
		grep -vE '^(init:|# |@@)' | tee "$B/table-$i.txt"
done

# The ratios (median and min) of each boot, one column pair per boot
say ""
say "ratios over $boots boots (median / min of each boot's rounds; log and tables in $B):"
for i in $(seq 1 "$boots"); do
	awk '$1 == "ratio" { print $2 "\t" $3 "/" $4 }' "$B/table-$i.txt" >"$B/ratios-$i.txt"
done
paste "$B"/ratios-*.txt | awk -F'\t' '{ printf "  %-44s", $1; for (i = 2; i <= NF; i += 2) printf " %13s", $i; printf "\n" }'
grep -h 'devices registered in a row' "$B"/table-*.txt | sed 's/^ */  /' || :
exit $rc
