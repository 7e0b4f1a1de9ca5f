#!/usr/bin/env bash
# The daemon's CPU and memory under load (issue 7's target: under 10% of one core and under
# 100 MB RSS at 10,000 observations per second with 2,000 devices tracked).
#
# Simulates 2,000 devices that stay in the demo store (the simulator's staff, heard by its
# eight sensors), replays that trace through the release `footfall run` at the speed that makes
# exactly OBS_PER_SECOND observations a second (looping), lets it warm up, then samples the
# process's CPU time and resident memory from /proc over MEASURE seconds, and checks through
# the API that the pipeline kept up (observations counted, none dropped, devices tracked).
#
#   bash Tests/Benchmarks/daemon-load.sh            (make bench runs it)
#   OBS_PER_SECOND=20000 MEASURE=120 bash Tests/Benchmarks/daemon-load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

OBS_PER_SECOND=${OBS_PER_SECOND:-10000}
DEVICES=${DEVICES:-2000}
WARMUP=${WARMUP:-30}
MEASURE=${MEASURE:-60}
WORK=${WORK:-.build/daemon-load}
SWIFT=${SWIFT:-swift}

mkdir -p "$WORK"
source Tests/Benchmarks/load-common.sh
release_footfall
trace=$(load_trace)
observations=$(($(wc -l <"$trace") - 1))
first=$(sed -n 2p "$trace" | cut -d, -f1)
last=$(tail -n 1 "$trace" | cut -d, -f1)
speed=$(awk -v n="$observations" -v a="$first" -v b="$last" -v r="$OBS_PER_SECOND" 'BEGIN { printf "%.4f", r / (n / (b - a)) }')

config=$(write_config <<EOF
  - type: trace
    path: $(realpath "$trace")
    speed: $speed
    loop: true
EOF
)
rm -rf "$WORK/data"
mkdir -p "$WORK/data"
"$FOOTFALL" run --config "$config" --data "$WORK/data" >"$WORK/daemon.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
port=$(api_port)

measure
awk -v cpu="$cpu" -v wall="$wall" -v rate="$rate" -v peak="$peak" -v hwm="$hwm" -v tracked="$tracked" -v dropped="$dropped" \
    -v target="$OBS_PER_SECOND" 'BEGIN {
  printf "daemon under load: %.0f observations/s (target %d), %d devices tracked, %d inputs dropped\n", rate, target, tracked, dropped
  printf "  CPU %.1f%% of one core over %.0f s; RSS peak %.1f MB while measured, high-water mark %.1f MB\n", cpu, wall, peak, hwm
  ok = (cpu < 10 && hwm < 100 && dropped == 0 && rate > 0.95 * target)
  printf "  target (under 10%% of a core, under 100 MB, keeping up): %s\n", ok ? "met" : "NOT met"
}'
