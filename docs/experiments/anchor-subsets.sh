#!/usr/bin/env bash
# The Kolakowski robot with anchors left out: the twelve sets of anchors "Fewer receivers"
# (docs/positioning.md) tried settings on, all six among them, with and without the survey.
# Prints each row's locator and bar medians and their ratio, then the mean ratio and how many
# rows are 15 % below their bar. Extra arguments go to FootfallAccuracy (e.g. --set NAME=VALUE);
# environment variables reach it too (an experiment's switch).
#
#   swift build -c release --product FootfallAccuracy
#   bash docs/experiments/anchor-subsets.sh [--set NAME=VALUE]
set -euo pipefail
cd "$(dirname "$0")/../.."
accuracy=$(swift build -c release --show-bin-path)/FootfallAccuracy
for set in "" "4" "5" "6" "4 5" "1 4" "1 5" "3 4" "4 6" "5 6" "2 3" "1 2"; do
  args=()
  for s in $set; do args+=(--without-sensor "$s"); done
  "$accuracy" --only "kolakowski robot" ${args[@]+"${args[@]}"} "$@" 2>/dev/null | grep -E "^kolakowski robot" |
    awk -F'  +' -v set="[$set]" '{ split($4, a, " / "); split($6, b, " / ");
      printf "%-8s %-26s locator %s  bar %s  ratio %.3f\n", set, $1, a[1], b[1], a[1] / b[1] }'
done | tee /dev/stderr | awk '{ sum += $NF; n++; if ($NF <= 0.85) pass++ }
  END { printf "mean ratio %.4f over %d rows; %d rows at least 15 %% below their bar\n", sum / n, n, pass }'
