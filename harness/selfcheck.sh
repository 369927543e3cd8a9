#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# selfcheck: make check's own counting, fed with runs that went wrong,
# must turn each of them into a failure. Every check is one result
# "harness: ..." (make check counts them like any other); a check that
# cannot catch what it names fails. Needs no kernel: seconds.
source "$(dirname "$0")/lib.sh"
TALLY_LAYER=harness
W=$(mktemp -d "${TMPDIR:-/tmp}/accel-selfcheck.XXXXXX")
trap 'rm -rf "$W"' EXIT
printf 'k: s.skipped_for_a_reason | the reason\n' >"$W/skips"
printf 'k: a\nk: b\n' >"$W/expected"

# verdicts CMD...: run CMD with the tallies going to a scratch results
# file and the synthetic lists; print "pass fail xskip" of what it tallied
verdicts() {
	(
		RESULTS=$W/results EXPECTED_SKIPS=$W/skips EXPECTED_RESULTS=${EXP:-$W/expected}
		TALLY_LAYER=
		: >"$RESULTS"
		"$@" >/dev/null
		echo "$(grep -c '^pass' "$RESULTS") $(grep -c '^fail' "$RESULTS") $(grep -c '^xskip' "$RESULTS")"
	) || echo "the command failed"
}

# check WHAT WANT CMD...: one result: CMD's verdicts are WANT
check() {
	local what=$1 want=$2 got
	shift 2
	got=$(verdicts "$@")
	if [ "$got" = "$want" ]; then
		tally "$what" pass
	else
		tally "$what" fail "" "pass/fail/xskip $got, wanted $want"
	fi
}

# a kselftest run: a passing, a skipping and a failing test in program p,
# a stalled program q, the runner's own line
cat >"$W/tap" <<'TAP'
=== p
TAP version 13
ok 1 f.passes
ok 2 f.skips # SKIP no device
# p.c:12:f.fails:Expected 1 (1) == x (0)
not ok 3 f.fails
=== p: 3s
ok kmemleak: nothing leaked
=== q
ok 1 g.passed_before_the_stall
not ok 2 g.failed_before_the_stall
TAP

check "an unexpected skip is a failure" "0 1 0" tally "k: s.skipped" skip
check "a listed skip is an expected skip" "0 0 1" tally "k: s.skipped_for_a_reason" skip
check "a skipped kselftest is a failure, a failed one too" "3 3 0" count_tap "$W/tap"
check "a stalled program counts only its failures" "2 3 0" count_tap "$W/tap" q
# the list of failures at the end shows why a kselftest failed, under it
why() {
	count_tap "$W/tap"
	{ summarize || :; } | grep -A1 -x '  kselftest/p: f.fails' |
		grep -qx '      | p.c:12:f.fails:Expected 1 (1) == x (0)' && tally "x: why" pass
}
check "a failed kselftest's diagnostics follow it in the list of failures" "4 3 0" why
sed 's/$/\r/' "$W/tap" >"$W/tap-crlf"
printf 'kselftest/p: f.%s\n' passes skips fails >"$W/expected-tap"
printf 'kselftest/q: g.%s_before_the_stall\n' passed failed >>"$W/expected-tap"
printf 'kselftest: kmemleak: nothing leaked\n' >>"$W/expected-tap"
crlf() { count_tap "$W/tap-crlf"; count_layers; }
EXP=$W/expected-tap check "the console's CR LF lines count in the right layers" "3 3 0" crlf
stalled() { [ "$(stalled_program "$W/tap-crlf")" = q ] && tally "x: q" pass; }
check "the stalled program is the one that never finished" "1 0 0" stalled
# named RESULT...: pass if $RESULTS holds each RESULT (a name) as a failure
named() {
	local r
	for r in "$@"; do
		# not there: no "x:" result, and the check sees its verdicts differ
		awk -F '\t' -v r="$r" '$1 == "fail" && $2 == r { f = 1 } END { exit !f }' "$RESULTS" ||
			return 0
	done
	tally "x: each named" pass
}
# expected results: k lists a and b (the file names results, not numbers)
swapped() {
	tally "k: a" pass; tally "k: c" pass
	count_layers
	named "counts: missing k: b" "counts: unexpected k: c"
}
check "a result lost and another added, the count unchanged: both fail by name" "3 2 0" swapped
added() {
	tally "k: a" pass; tally "k: b" pass; tally "k: c" pass; tally "new: d" pass
	count_layers
	named "counts: unexpected k: c" "counts: unexpected new: d"
}
check "a result the list lacks, in a listed layer or another, fails by name" "5 2 0" added
twice() {
	tally "k: a" pass; tally "k: b" pass; tally "k: b" pass
	count_layers
	named "counts: unexpected k: b"
}
check "a listed result counted twice fails by name" "4 1 0" twice
# a failing result keeps its name whatever its detail: a note (an exit
# status), a KUnit status, the guest's count of leaks after " # "; a
# failure the list lacks (kunit.py did not run) is not unexpected too
printf '{"name": "", "test_cases": [], "sub_groups": [{"name": "s", "sub_groups": [],
	"test_cases": [{"name": "c", "status": "ERROR"}]}]}\n' >"$W/kunit.json"
printf 'not ok kmemleak: nothing leaked # 3 unreferenced objects\n' >"$W/tap-note"
printf 'k: a\nk: s.c\nkselftest: kmemleak: nothing leaked\n' >"$W/expected-detail"
detail() {
	tally "k: a" fail "" "got 3, status 1"
	tally_kunit_json k "$W/kunit.json"
	count_tap "$W/tap-note"
	tally "k: kunit.py ran the tests" fail "" "exit status 1"
	count_layers
}
EXP=$W/expected-detail check "a failing result answers its entry whatever its detail, and fails once" \
	"0 4 0" detail
# the x86_64 guest's run: the 64-bit build, then the 32-bit one, which
# disagrees on one test
printf '=== p\nok 1 a\nok 2 b\n=== p: 1s\n@@ksft-dir /kselftest32\n=== p\nok 1 a\nnot ok 2 b\n=== p: 1s\n' |
	sed 's/$/\r/' >"$W/tap-m32"
printf 'kx/p: a\nkx/p: b\nkx-m32/p: a\nkx-m32/p: b\nkx: the 32-bit results equal the 64-bit ones\n' >"$W/expected-m32"
m32() {
	TAP_LAYER=kx count_tap "$W/tap-m32"
	if [ -n "$(m32_mismatches kx)" ]; then
		tally "kx: the 32-bit results equal the 64-bit ones" fail
	else
		tally "kx: the 32-bit results equal the 64-bit ones" pass
	fi
	count_layers
}
EXP=$W/expected-m32 check "the 32-bit build counts in its own layer; a result it does not share fails" "3 2 0" m32
# the KUnit module's KTAP after the kselftests belongs to count_kunit_log
printf '=== p\nok 1 a\n=== p: 1s\n@@kunit-begin@@\nok 1 accel_core # SKIP\nnot ok 2 x\n@@kunit-end@@\n' >"$W/tap-kunit"
check "the KUnit module's results are not counted as kselftest ones" "1 0 0" count_tap "$W/tap-kunit"
# a UML lockdep kernel's report on fork, which harness/known-base-reports
# takes: a boot with it passes, unless another report comes with it or
# the report lacks a line the entry needs
source "$TOP/harness/guest-root.sh"
cat >"$W/fork-rcu" <<'LOG'
Run /init as init process
WARNING: suspicious RCU usage
6.1.192 #19 Tainted: G                 N
-----------------------------
lib/maple_tree.c:860 suspicious rcu_dereference_check() usage!
stack backtrace:
Call Trace:
 [<60033540>] ? dump_trace+0x0/0x180
 [<6003e2c5>] force_flush_all+0x85/0x100
 [<6002f3f1>] fork_handler+0x41/0x80
dummy_accel dummy_accel.0: [drm] Initialized dummy_accel 1.0.0 20250101 for dummy_accel.0 on minor 0
LOG
splats() {
	mkdir -p "$W/log"
	if OUT=$W guest_splats "$1" test 2>/dev/null; then
		tally "x: no report but known ones" pass
	else
		tally "x: a report" fail
	fi
}
check "the base's known UML fork report lets a boot pass" "1 0 0" splats "$W/fork-rcu"
{ cat "$W/fork-rcu"; echo "BUG: KASAN: use-after-free in accel_open+0x1f/0x30"; } >"$W/fork-rcu-kasan"
check "another report beside a known one fails the boot" "0 1 0" splats "$W/fork-rcu-kasan"
sed '/fork_handler/d' "$W/fork-rcu" >"$W/fork-rcu-elsewhere"
check "a known report's first line without the lines its entry needs fails the boot" "0 1 0" \
	splats "$W/fork-rcu-elsewhere"
{ printf 'Call Trace:\n drm_release+0x10/0x20\n'; cat "$W/fork-rcu"; } >"$W/fork-rcu-trace"
check "a call trace before any report's first line fails the boot" "0 1 0" splats "$W/fork-rcu-trace"
# kcsan_race FRAME: a KCSAN report whose second racing access is in FRAME
kcsan_race() {
	cat <<LOG
[   12.000001] ==================================================================
[   12.000002] BUG: KCSAN: data-race in $1 / tick_nohz_idle_enter
[   12.000003]
[   12.000004] write to 0xffff88807dc1e0b8 of 8 bytes by task 0 on cpu 1:
[   12.000005]  tick_nohz_idle_enter+0x5c/0x90
[   12.000006]
[   12.000007] read to 0xffff88807dc1e0b8 of 8 bytes by task 73 on cpu 0:
[   12.000008]  $1+0x2a/0x80
[   12.000009] ==================================================================
LOG
}
kcsan_race tick_nohz_get_sleep_length >"$W/kcsan-base"
check "a KCSAN report with no DRM or accel frame (the base's race) lets a boot pass" "1 0 0" \
	splats "$W/kcsan-base"
{ cat "$W/kcsan-base"; kcsan_race dummy_accel_submit; } >"$W/kcsan-ours"
check "a KCSAN report with a dummy_accel frame beside the base's fails the boot" "0 1 0" \
	splats "$W/kcsan-ours"
