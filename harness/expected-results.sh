#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# expected-results [matrix]: rewrite harness/expected-results from the
# results of the last complete make check ($OUT/results.txt), or, with
# "matrix", harness/expected-matrix from the last make matrix's
# ($OUT/matrix-results.txt): one line "LAYER: test" per result, the
# layers in the file's order (a new one last), the names of a layer
# sorted. The comments stay: the header (the file's first paragraph) and
# the block above each layer's names. make expected-results and make
# expected-matrix run it.
#
# When a test is added, renamed or removed, make check fails with
# "counts: unexpected LAYER: test" or "counts: missing LAYER: test";
# this brings the file in line with that run, and its diff goes with the
# test's change, for review. Writes nothing if the run did not reach its
# last phase (its results would lose what it never ran).
source "$(dirname "$0")/lib.sh"

# run_complete TIMES: the run whose phases TIMES lists (phase's
# $PHASE_TIMES) began its last one, "N/N"
run_complete() {
	[ -s "$1" ] && tail -n 1 "$1" | awk -F '\t' '{ split($1, p, "/") } END { exit !(p[1] != "" && p[1] == p[2]) }'
}

# result_names RESULTS: the names of RESULTS, sorted, each once, without
# count_layers' own (layer counts)
result_names() {
	awk -F '\t' 'index($2, ": ") && $2 !~ /^counts: / { print $2 }' "$1" | LC_ALL=C sort -u
}

# rewrite FILE NAMES NOTES: FILE with its names replaced by those of the
# file NAMES (sorted), on stdout, the comments kept; "new LAYER" and
# "dropped LAYER" lines go to NOTES for the layers that came or went
rewrite() {
	awk -v notes="$3" '
		function layer_of(n) { return substr(n, 1, index(n, ": ") - 1) }
		function add(l) { if (!(l in known)) { known[l] = 1; ord[++nl] = l; return 1 } return 0 }
		BEGIN { head = 1 }
		FILENAME == ARGV[1] {
			if ($0 ~ /^#/) { if (head) hdr = hdr $0 "\n"; else pend = pend $0 "\n"; next }
			if ($0 ~ /^[ \t]*$/) { head = 0; next }
			# an entry before any blank line: the comments above it are its layer'"'"'s
			if (head) { pend = hdr; hdr = ""; head = 0 }
			add(layer_of($0))
			com[layer_of($0)] = com[layer_of($0)] pend
			pend = ""
			next
		}
		{
			if (add(layer_of($0))) fresh[layer_of($0)] = 1
			list[layer_of($0)] = list[layer_of($0)] $0 "\n"
		}
		END {
			printf "%s", hdr
			for (i = 1; i <= nl; i++) {
				l = ord[i]
				if (!(l in list)) { print "dropped\t" l > notes; continue }
				if (l in fresh) print "new\t" l > notes
				printf "\n%s%s", com[l], list[l]
			}
			if (pend != "") printf "\n%s", pend
		}' "$1" "$2"
}

case ${1:-check} in
check) run="make check" results=$OUT/results.txt times=$OUT/phase-times.txt
       file=$TOP/harness/expected-results ;;
matrix) run="make matrix" results=$OUT/matrix-results.txt times=$OUT/matrix-phase-times.txt
	file=$TOP/harness/expected-matrix ;;
*) die "usage: $0 [matrix]" ;;
esac
[ -s "$results" ] || die "no results of $run in $results: run $run first"
run_complete "$times" ||
	die "the last $run did not finish (its last phase: $(tail -n 1 "$times" 2>/dev/null | cut -f1,3)): $file stays as it is"

W=$(mktemp -d "${TMPDIR:-/tmp}/accel-expected.XXXXXX")
trap 'rm -rf "$W"' EXIT
result_names "$results" >"$W/names"
: >"$W/notes"
rewrite "$file" "$W/names" "$W/notes" >"$W/new"
awk '!/^#/ && !/^[ \t]*$/' "$file" | LC_ALL=C sort >"$W/old-names"
cp "$W/new" "$file"

say "$file: $(wc -l <"$W/names") results in $(sed 's/: .*//' "$W/names" | sort -u | wc -l) layers, from $results"
say "  $(comm -13 "$W/old-names" "$W/names" | wc -l) added, $(comm -23 "$W/old-names" "$W/names" | wc -l) removed (git diff $file)"
while IFS=$'\t' read -r kind layer; do
	case $kind in
	new) say "  new layer $layer: add a comment above its names saying what its results are" ;;
	dropped) say "  layer $layer has no result in this run: its names and comment are gone" ;;
	esac
done <"$W/notes"
# a failed result stands for its test like a passing one, but a failure
# that only a broken run has (kunit.py did not run) is no test: look
awk -F '\t' '$1 == "fail" && $2 !~ /^counts: / { print "  listed, though it failed: " $2 }' "$results"
awk -F '\t' '$2 !~ /^counts: / { n[$2]++ } END { for (k in n) if (n[k] > 1) print "  listed once, though the run has it " n[k] " times: " k }' "$results"
