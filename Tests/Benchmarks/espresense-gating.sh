#!/usr/bin/env bash
# What an ESPresense node's own filtering and report gating costs in accuracy (issue 19): a
# simulated trace of the demo store with its ground truth is turned into what ESPresense nodes
# would publish — one node per store sensor, the room named as the sensor — sent through a real
# mosquitto, recorded with `mosquitto_sub -v`, converted with `footfall convert mqtt --format
# espresense` and scored with `footfall replay --truth`, once per node setting:
#
#   every      each advertisement reported (skip_dist 0, skip_ms 0, max_dist 0)
#   default    ESPresense's defaults: a device again only when its filtered distance moved by
#              0.5 m or 5 s passed since its last report; none beyond 16 m (MODES=no-max: the
#              same without that limit)
#
# The node is modelled on ESPresense 3.3 (src/BleFingerprint.cpp, lib/filtering/
# FilteredDistance.cpp): its distance is 10^((rssi@1m - rssi) / (10 × absorption)) with the
# default absorption 3.5 and rssi@1m (an iBeacon's measured power; -65 dBm for a phone, an
# Apple fingerprint; -71 dBm for a static address), smoothed by its spike filter and 1-Euro
# filter (min cutoff 0.1, beta 0.001, d-cutoff 0.005); a report carries the last
# advertisement's raw `rssi`, which is what Footfall reads. Simplifications: the node checks
# whether to report right after each advertisement (the firmware's report loop runs about that
# often), every advertisement in the trace reaches the node (no scan-window losses), phones are
# fingerprinted (`apple:…` with their rotating mac), and nodes publish at QoS 0 as ESPresense
# does. ESPresense 4 reports a windowed median of the RSSI as `rssi` instead and gates on 5 s
# slots; not modelled.
#
# A report's time is when the node sent it (the advertisement's trace time): the recording is
# matched message by message, per topic and in order, to what was published, and each line
# given that time (`mosquitto_sub -F '%U %t %p'` form); the match is checked byte for byte.
#
#   bash Tests/Benchmarks/espresense-gating.sh            (make bench runs it)
#   HOURS=1 SEED=3 bash Tests/Benchmarks/espresense-gating.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

HOURS=${HOURS:-0.5}
SEED=${SEED:-7}
MODES=${MODES:-every default}
WORK=${WORK:-.build/espresense-gating}
SWIFT=${SWIFT:-swift}
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
STORE=calibration/demo-store

command -v mosquitto_sub >/dev/null && command -v mosquitto_pub >/dev/null && [[ -x "$MOSQUITTO" ]] ||
  { echo "needs mosquitto and mosquitto-clients (sudo apt-get install mosquitto mosquitto-clients)" >&2; exit 1; }

mkdir -p "$WORK"
source Tests/Benchmarks/load-common.sh
release_footfall

trace="$WORK/trace-$HOURS-$SEED.csv"
truth="$WORK/trace-$HOURS-$SEED.truth.csv"
if [[ ! -s "$trace" || ! -s "$truth" ]]; then
  "$FOOTFALL" simulate --store "$STORE" --hours "$HOURS" --seed "$SEED" --quiet --out "$trace" >&2
fi

broker_port=$(start_broker)
broker=$(<"$WORK/mosquitto.pid")
pids=("$broker")
trap 'kill "${pids[@]}" 2>/dev/null || true; wait' EXIT

# The trace itself, as the pipeline would get it from Footfall's own sensors: the baseline.
"$FOOTFALL" replay "$trace" --store "$STORE" --truth "$truth" --json >"$WORK/report-direct.json"

for mode in $MODES; do
  recording="$WORK/recording-$mode.txt"
  mosquitto_sub -h 127.0.0.1 -p "$broker_port" -q 1 -v -t 'espresense/#' >"$recording" &
  sub=$!
  pids+=("$sub")
  # Published until the recorder has it: then it is subscribed.
  until grep -q '^espresense/ready ' "$recording"; do
    mosquitto_pub -h 127.0.0.1 -p "$broker_port" -q 1 -t espresense/ready -m "$mode"
    sleep 0.2
  done
  python3 Tests/Benchmarks/espresense-nodes.py publish "$trace" "$mode" "$broker_port" "$WORK/published-$mode.txt" >"$WORK/nodes-$mode.txt"
  # The nodes' last message, on their own connection after every report.
  until grep -q '^espresense/done ' "$recording"; do sleep 0.2; done
  kill "$sub"
  wait "$sub" 2>/dev/null || true
  python3 Tests/Benchmarks/espresense-nodes.py timed "$WORK/published-$mode.txt" "$recording" "$WORK/timed-$mode.txt"
  "$FOOTFALL" convert mqtt "$WORK/timed-$mode.txt" --format espresense --store "$STORE" --out "$WORK/converted-$mode.csv" >"$WORK/convert-$mode.txt"
  "$FOOTFALL" replay "$WORK/converted-$mode.csv" --store "$STORE" --truth "$truth" --json >"$WORK/report-$mode.json"
done

python3 - "$WORK" "$HOURS" "$SEED" $MODES <<'PY'
import json, sys
work, hours, seed, modes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
def report(name):
    with open(f"{work}/report-{name}.json") as f:
        return json.load(f)
print(f"ESPresense nodes in the demo store ({hours} h simulated, seed {seed}), through mosquitto, `footfall convert mqtt` and `footfall replay --truth`:")
print(f"  {'node setting':14} {'messages':>9} {'observations':>12} {'error median':>12} {'p90':>7} {'zone accuracy':>13} {'visits true/missed/false':>24} {'passers-by as visitors':>22}")
def row(name, messages, r):
    e, v = r["position_error_m"], r["visits"]
    visits = f"{v['true']}/{v['missed']}/{v['false']}"
    print(f"  {name:14} {messages:>9} {r['observations']:>12} {e['median']:>10.2f} m {e['p90']:>5.2f} m {100 * r['zone_accuracy']:>12.1f}% {visits:>24} {100 * v['passers_by_as_visitors']:>21.1f}%")
row("(the trace)", "-", report("direct"))
for mode in modes:
    with open(f"{work}/nodes-{mode}.txt") as f:
        nodes = json.load(f)
    row(mode, nodes["messages"], report(mode))
PY
