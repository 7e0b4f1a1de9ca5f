#!/usr/bin/env bash
# Observations per second posted by sensor gateways over HTTP (`POST /api/observations`, the
# `upstream:` section's http transport) into the locating daemon, against the same target as the
# other sources: 10,000 observations/s at under 10 % of one core.
#
# Simulates 2,000 devices that stay in the demo store (the simulator's staff, heard by its
# eight sensors, as daemon-load.sh does), starts the release `footfall run` with no source of its
# own and a token for each sensor in `api.sensor_tokens`, and posts each sensor's readings as a
# sensor gateway's uplink does with its defaults: requests of at most 500 observations, each
# sensor's sent once 500 wait or half a second has passed, on a kept-alive connection. After WARMUP
# seconds it samples the daemon's CPU time and resident memory from /proc over MEASURE seconds,
# and checks through the API that the pipeline kept up (observations counted, none dropped, no
# batch refused).
#
#   bash Tests/Benchmarks/http-load.sh             (make bench runs it)
#   OBS_PER_SECOND=20000 bash Tests/Benchmarks/http-load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

OBS_PER_SECOND=${OBS_PER_SECOND:-10000}
DEVICES=${DEVICES:-2000}
WARMUP=${WARMUP:-20}
MEASURE=${MEASURE:-60}
WORK=${WORK:-.build/http-load}
SWIFT=${SWIFT:-swift}

mkdir -p "$WORK"
source Tests/Benchmarks/load-common.sh
release_footfall
trace=$(load_trace)

# The demo store with no source and a token for each of its sensors.
config="$WORK/store.yaml"
sed '/^sources:/,$d' calibration/demo-store/store.yaml >"$config"
sensors=$(awk -F, 'NR > 1 && NR < 100000 { print $2 }' "$trace" | sort -u)
{
  echo "sources: []"
  printf 'api:\n  listen: 127.0.0.1:0\n  tokens: [load]\n  sensor_tokens:\n'
  for s in $sensors; do echo "    $s: token-$s"; done
} >>"$config"

rm -rf "$WORK/data"
mkdir -p "$WORK/data"
"$FOOTFALL" run --config "$config" --data "$WORK/data" >"$WORK/daemon.log" 2>&1 &
pid=$!
pids=("$pid")
trap 'kill "${pids[@]}" 2>/dev/null || true; wait' EXIT
port=$(api_port)

# The sensor gateways: a generator paced by the clock, one kept-alive connection a sensor. A
# refused batch is counted and its first answer kept, for the summary.
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=Tests/Benchmarks python3 - "$trace" "$OBS_PER_SECOND" "$port" "$WORK/refused" <<'PY' &
import http.client, json, signal, sys, time
from load_trace import readings
trace, rate, port, refused_file = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = readings(trace)
sensors = sorted({r[0] for r in rows})
connections = {s: http.client.HTTPConnection("127.0.0.1", port) for s in sensors}
refused, first = 0, ""
def stop(*_):
    with open(refused_file, "w") as f:
        f.write(f"{refused} {first}\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
# As the uplink sends (upstream's defaults): a sensor's readings in requests of at most
# BATCH_SIZE, sent once that many wait or FLUSH_INTERVAL has passed since its last request.
BATCH_SIZE, FLUSH_INTERVAL = 500, 0.5
waiting = {s: [] for s in sensors}
last = {s: time.monotonic() for s in sensors}
step, index, start, tick = 0.05, 0, time.monotonic(), 0
while True:
    tick += 1
    now = time.time()
    for _ in range(int(rate * step)):
        sensor, device, rssi = rows[index]
        index = (index + 1) % len(rows)
        waiting[sensor].append({"time": now, "device": device, "rssi": rssi, "radio": "ble"})
    for sensor, items in waiting.items():
        while items and (len(items) >= BATCH_SIZE or time.monotonic() - last[sensor] >= FLUSH_INTERVAL):
            batch, items[:] = items[:BATCH_SIZE], items[BATCH_SIZE:]
            last[sensor] = time.monotonic()
            body = json.dumps({"sensor": sensor, "sent_at": time.time(), "observations": batch}, separators=(",", ":"))
            connection = connections[sensor]
            connection.request("POST", "/api/observations", body=body,
                               headers={"Authorization": f"Bearer token-{sensor}", "Content-Type": "application/json"})
            answer = connection.getresponse()
            text = answer.read()
            if answer.status >= 300:
                refused += 1
                first = first or f"{answer.status} {text[:200]!r}"
    time.sleep(max(0, start + tick * step - time.monotonic()))
PY
sender=$!
pids+=("$sender")

measure
kill "$sender" 2>/dev/null || true
wait "$sender" 2>/dev/null || true
read -r refused answer <"$WORK/refused" || { refused=0; answer=""; }

awk -v cpu="$cpu" -v wall="$wall" -v rate="$rate" -v peak="$peak" -v hwm="$hwm" -v tracked="$tracked" \
    -v dropped="$dropped" -v refused="$refused" -v target="$OBS_PER_SECOND" 'BEGIN {
  printf "daemon fed over HTTP (POST /api/observations): %.0f observations/s (target %d), %d devices tracked, %d inputs dropped, %d batches refused\n", rate, target, tracked, dropped, refused
  printf "  CPU %.1f%% of one core over %.0f s; RSS peak %.1f MB while measured, high-water mark %.1f MB\n", cpu, wall, peak, hwm
  ok = (cpu < 10 && dropped == 0 && refused == 0 && rate > 0.95 * target)
  printf "  target (under 10%% of a core, keeping up): %s\n", ok ? "met" : "NOT met"
}'
if [[ "$refused" != 0 ]]; then echo "  first refusal: $answer"; fi
