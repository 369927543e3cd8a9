#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench [ARCH=x86_64] [BENCH_BOOTS=3] [BENCH_PARAMS="rounds=21 ..."]:
# what accel costs. Brings the guest's kernel up to date, boots it
# $BENCH_BOOTS times (kmemleak off: it would time its own bookkeeping of
# every allocation) and runs harness/guest/bench.sh in each boot: the
# accel_bench module's table, ns per operation (median and min of its
# rounds). Ends with the ratios of every boot side by side, so that the
# spread between boots shows. Figures, not tests: nothing fails on a slow
# figure; the exit status is 1 only if a boot or the module failed.
source "$(dirname "$0")/lib.sh"
base_key
take_lock
arch=${GUEST_ARCH:-um}
boots=${BENCH_BOOTS:-3}
boot=$(boot_script "$arch")
start_log bench
prepare_kernel 1 5 "$arch"
B=$OUT/bench
rm -rf "$B"; mkdir -p "$B"
rc=0
for i in $(seq 1 "$boots"); do
	phase 5/5 "boot $i of $boots ($arch): accel_bench${BENCH_PARAMS:+ $BENCH_PARAMS}"
	# shellcheck disable=SC2086
	if ! BOOT_ARGS="kmemleak=off" MODPARAMS="num_devices=1" BOOT_TIMEOUT=1800 \
		"$boot" "$TOP/harness/guest/bench.sh" ${BENCH_PARAMS:-} >"$B/boot-$i.log" 2>&1; then
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
