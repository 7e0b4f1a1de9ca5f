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
$SWIFT build -c release --product footfall >&2
footfall=$($SWIFT build -c release --show-bin-path)/footfall

trace="$WORK/trace-$DEVICES.csv"
if [[ ! -s "$trace" ]]; then
  "$footfall" simulate --store demo-store --hours 0.05 --staff "$DEVICES" --shoppers-per-hour 0 --seed 3 --out "$trace" >&2
fi
observations=$(($(wc -l <"$trace") - 1))
first=$(sed -n 2p "$trace" | cut -d, -f1)
last=$(tail -n 1 "$trace" | cut -d, -f1)
speed=$(awk -v n="$observations" -v a="$first" -v b="$last" -v r="$OBS_PER_SECOND" 'BEGIN { printf "%.4f", r / (n / (b - a)) }')

config="$WORK/store.yaml"
sed '/^sources:/,$d' calibration/demo-store/store.yaml >"$config"
cat >>"$config" <<EOF
sources:
  - type: trace
    path: $(realpath "$trace")
    speed: $speed
    loop: true
api:
  listen: 127.0.0.1:0
  tokens: [load]
EOF
rm -rf "$WORK/data"
mkdir -p "$WORK/data"
"$footfall" run --config "$config" --data "$WORK/data" >"$WORK/daemon.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT

port=""
for _ in $(seq 1 100); do
  port=$(grep -oE '127\.0\.0\.1:[0-9]+ ' "$WORK/daemon.log" | head -n 1 | cut -d: -f2 | tr -d ' ' || true)
  [[ -n "$port" && "$port" != 0 ]] && break
  sleep 0.2
done
[[ -n "$port" ]] || { echo "the daemon did not start; see $WORK/daemon.log" >&2; exit 1; }
status() { curl -fsS -H "Authorization: Bearer load" "http://127.0.0.1:$port/api/status"; }
# Observations counted over all sensors, devices tracked, inputs dropped (from the status JSON).
counted() {
  local json
  json=$(status)
  local seen tracked dropped
  seen=$(grep -oE '"observations_by_sensor":\{[^}]*\}' <<<"$json" | grep -oE ':[0-9]+' | tr -d : | awk '{ s += $1 } END { print s + 0 }')
  tracked=$(grep -oE '"devices_tracked":[0-9]+' <<<"$json" | cut -d: -f2)
  dropped=$(grep -oE '"dropped_inputs":[0-9]+' <<<"$json" | cut -d: -f2)
  echo "$seen ${tracked:-0} ${dropped:-0}"
}

sleep "$WARMUP"
ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
read -r seen0 _ _ < <(counted)
cpu0=$(cpu)
start=$(date +%s.%N)
peak=0
for _ in $(seq 1 "$MEASURE"); do
  sleep 1
  rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
  (( rss > peak )) && peak=$rss
done
cpu1=$(cpu)
end=$(date +%s.%N)
read -r seen1 tracked dropped < <(counted)
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")

awk -v c0="$cpu0" -v c1="$cpu1" -v t="$ticks" -v s="$start" -v e="$end" -v n0="$seen0" -v n1="$seen1" \
    -v peak="$peak" -v hwm="$hwm" -v tracked="$tracked" -v dropped="$dropped" -v target="$OBS_PER_SECOND" 'BEGIN {
  wall = e - s; cpu = (c1 - c0) / t / wall * 100; rate = (n1 - n0) / wall
  printf "daemon under load: %.0f observations/s (target %d), %d devices tracked, %d inputs dropped\n", rate, target, tracked, dropped
  printf "  CPU %.1f%% of one core over %.0f s; RSS peak %.1f MB while measured, high-water mark %.1f MB\n", cpu, wall, peak / 1024, hwm / 1024
  ok = (cpu < 10 && hwm / 1024 < 100 && dropped == 0 && rate > 0.95 * target)
  printf "  target (under 10%% of a core, under 100 MB, keeping up): %s\n", ok ? "met" : "NOT met"
}'
