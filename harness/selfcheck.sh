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
printf 'k 2\nkselftest/p 3\nkselftest 1\n' >"$W/expected"

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
		tally "$what (pass/fail/xskip $got, wanted $want)" fail
	fi
}

# a kselftest run: a passing, a skipping and a failing test in program p,
# a stalled program q, the runner's own line
cat >"$W/tap" <<'TAP'
=== p
TAP version 13
ok 1 f.passes
ok 2 f.skips # SKIP no device
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
sed 's/$/\r/' "$W/tap" >"$W/tap-crlf"
printf 'kselftest/p 3\nkselftest/q 2\nkselftest 1\n' >"$W/expected-tap"
crlf() { count_tap "$W/tap-crlf"; count_layers; }
EXP=$W/expected-tap check "the console's CR LF lines count in the right layers" "3 3 0" crlf
stalled() { [ "$(stalled_program "$W/tap-crlf")" = q ] && tally "x: q" pass; }
check "the stalled program is the one that never finished" "1 0 0" stalled
layers() {
	tally "k: a" pass; tally "k: b" pass; tally "k: c" pass
	tally "kselftest/p: d" pass; tally "kselftest: e" pass; tally "new: f" pass
	count_layers
}
check "a layer with too many or too few results, or none listed, fails" "6 3 0" layers
# the x86_64 guest's run: the 64-bit build, then the 32-bit one, which
# disagrees on one test
printf '=== p\nok 1 a\nok 2 b\n=== p: 1s\n@@ksft-dir /kselftest32\n=== p\nok 1 a\nnot ok 2 b\n=== p: 1s\n' |
	sed 's/$/\r/' >"$W/tap-m32"
printf 'kx/p 2\nkx-m32/p 2\nkx 1\n' >"$W/expected-m32"
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
