#!/usr/bin/env bash
# Observations per second through a real MQTT broker into the daemon (issue 19's target:
# 10,000 observations/s at under 10 % of one core, as over HTTP; daemon-load.sh measures the
# same store from a replayed trace).
#
# Simulates 2,000 devices that stay in the demo store (the simulator's staff, heard by its eight
# sensors, as daemon-load.sh does), starts a mosquitto on 127.0.0.1 and the release `footfall
# run` with a `type: mqtt` source, and publishes the trace's readings to the broker at
# OBS_PER_SECOND, as the store's nodes would: FORMAT=espresense sends one message an
# observation (each sensor an ESPresense room, `espresense/devices/<id>/<room>` with one id
# level a room, which the daemon does not read — the device is the payload's `id` — through
# one `mosquitto_pub -l` a room); FORMAT=footfall sends each sensor's readings as a sensor gateway's
# batch ten times a second. After WARMUP seconds it samples the daemon's CPU time and resident
# memory from /proc over MEASURE seconds (the broker's CPU too, apart), and checks through the
# API that the pipeline kept up (observations counted, none dropped, no message refused).
#
#   bash Tests/Benchmarks/mqtt-load.sh              (make bench runs it)
#   FORMAT=footfall OBS_PER_SECOND=20000 bash Tests/Benchmarks/mqtt-load.sh
#   FLOOR=1 bash Tests/Benchmarks/mqtt-load.sh     (also a bare C subscriber, mosquitto_sub at
#                                                   QOS to /dev/null, measured beside the daemon:
#                                                   what libmosquitto alone costs at this load)
set -euo pipefail
cd "$(dirname "$0")/../.."

OBS_PER_SECOND=${OBS_PER_SECOND:-10000}
DEVICES=${DEVICES:-2000}
WARMUP=${WARMUP:-20}
MEASURE=${MEASURE:-60}
FORMAT=${FORMAT:-espresense}
QOS=${QOS:-1}
FLOOR=${FLOOR:-0}
WORK=${WORK:-.build/mqtt-load}
SWIFT=${SWIFT:-swift}
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}

[[ "$FORMAT" == espresense || "$FORMAT" == footfall ]] || { echo "FORMAT must be espresense or footfall" >&2; exit 2; }
command -v mosquitto_pub >/dev/null && [[ -x "$MOSQUITTO" ]] ||
  { echo "needs mosquitto and mosquitto-clients (sudo apt-get install mosquitto mosquitto-clients)" >&2; exit 1; }

mkdir -p "$WORK"
source Tests/Benchmarks/load-common.sh
release_footfall
trace=$(load_trace)

broker_port=$(start_broker)
broker=$(<"$WORK/mosquitto.pid")
pids=("$broker")
trap 'kill "${pids[@]}" 2>/dev/null || true; wait' EXIT

config=$(write_config <<EOF
  - type: mqtt
    url: mqtt://127.0.0.1:$broker_port
    format: $FORMAT
EOF
)
rm -rf "$WORK/data"
mkdir -p "$WORK/data"
"$FOOTFALL" run --config "$config" --data "$WORK/data" >"$WORK/daemon.log" 2>&1 &
pid=$!
pids+=("$pid")
port=$(api_port "connected to mqtt://")
metrics() { curl -fsS "http://127.0.0.1:$port/metrics"; }

# The nodes: a generator paced by the clock, writing each reading to its room's mosquitto_pub.
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=Tests/Benchmarks python3 - "$trace" "$OBS_PER_SECOND" "$FORMAT" "$broker_port" "$QOS" <<'PY' &
import json, signal, subprocess, sys, time
from load_trace import readings
trace, rate, fmt, port, qos = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
rows = readings(trace)
sensors = sorted({r[0] for r in rows})
topic = {s: (f"espresense/devices/bench/{s}" if fmt == "espresense" else f"footfall/demo-store/sensors/{s}") for s in sensors}
pubs = {s: subprocess.Popen(["mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-q", qos, "-i", f"node-{s}", "-l", "-t", topic[s]],
                            stdin=subprocess.PIPE, text=True, bufsize=1 << 16) for s in sensors}
# The script's exit trap sends SIGTERM: the publishers go too (they would otherwise stay,
# retrying against the stopped broker).
def stop(*_):
    for p in pubs.values():
        p.kill()
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
# ESPresense names a static random address by its twelve hex digits.
def espresense(device, rssi):
    mac = device[len("ble:"):].replace(":", "")
    return f'{{"id":"{mac}","rssi":{rssi},"mac":"{mac}","distance":3.2}}'
step, index, start = 0.1, 0, time.monotonic()
tick = 0
while True:
    tick += 1
    due = int(rate * step)
    now = time.time()
    batches = {s: [] for s in sensors}
    for _ in range(due):
        sensor, device, rssi = rows[index]
        index = (index + 1) % len(rows)
        if fmt == "espresense":
            pubs[sensor].stdin.write(espresense(device, rssi) + "\n")
        else:
            batches[sensor].append({"time": now, "device": device, "rssi": rssi, "radio": "ble"})
    for sensor, items in batches.items():
        if items:
            pubs[sensor].stdin.write(json.dumps({"sensor": sensor, "sent_at": now, "observations": items}, separators=(",", ":")) + "\n")
    for p in pubs.values():
        p.stdin.flush()
    time.sleep(max(0, start + tick * step - time.monotonic()))
PY
pids+=("$!")

measured=("$broker")
if [[ "$FLOOR" == 1 ]]; then
  mosquitto_sub -h 127.0.0.1 -p "$broker_port" -q "$QOS" -i floor -t "${FORMAT/footfall/footfall\/demo-store}/#" >/dev/null &
  pids+=("$!")
  measured+=("$!")
fi
measure "${measured[@]}"
rejected=$(metrics | { grep -E '^footfall_mqtt_rejected_total' || true; } | awk '{ s += $2 } END { print s + 0 }')

awk -v cpu="$cpu" -v bcpu="${others_cpu[0]}" -v wall="$wall" -v rate="$rate" -v peak="$peak" -v hwm="$hwm" -v tracked="$tracked" \
    -v dropped="$dropped" -v rejected="$rejected" -v target="$OBS_PER_SECOND" -v format="$FORMAT" -v qos="$QOS" 'BEGIN {
  printf "daemon with an mqtt source (%s, QoS %s): %.0f observations/s (target %d), %d devices tracked, %d inputs dropped, %d messages refused\n", format, qos, rate, target, tracked, dropped, rejected
  printf "  CPU %.1f%% of one core over %.0f s (mosquitto %.1f%%); RSS peak %.1f MB while measured, high-water mark %.1f MB\n", cpu, wall, bcpu, peak, hwm
  ok = (cpu < 10 && dropped == 0 && rejected == 0 && rate > 0.95 * target)
  printf "  target (under 10%% of a core, keeping up): %s\n", ok ? "met" : "NOT met"
}'
if [[ "$FLOOR" == 1 ]]; then
  echo "  a bare mosquitto_sub -q $QOS on the same messages: ${others_cpu[1]}% of one core"
fi
