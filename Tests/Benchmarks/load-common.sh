# What the benchmark scripts share: the trace of DEVICES staff in the demo store, a
# store file with a given source and a token-only API on a free port, finding that port, reading
# the pipeline's counts from /api/status and sampling a process's CPU and memory from /proc.
# Sourced, not run; the caller sets OBS_PER_SECOND, DEVICES, WARMUP, MEASURE, WORK and SWIFT, and
# calls release_footfall (or sets FOOTFALL) before the rest.

# FOOTFALL: the release build's `footfall`, built with $SWIFT unless FOOTFALL names one already.
release_footfall() {
  if [[ -z "${FOOTFALL:-}" ]]; then
    $SWIFT build -c release --product footfall >&2
    FOOTFALL=$($SWIFT build -c release --show-bin-path)/footfall
  fi
}

# The trace of DEVICES devices that stay in the demo store (the simulator's staff), made once.
load_trace() {
  local trace="$WORK/trace-$DEVICES.csv"
  if [[ ! -s "$trace" ]]; then
    "$FOOTFALL" simulate --store demo-store --hours 0.05 --staff "$DEVICES" --shoppers-per-hour 0 --seed 3 --out "$trace" >&2
  fi
  echo "$trace"
}

# The demo store's file with its sources replaced by the YAML list items given on stdin.
write_config() {
  local config="$WORK/store.yaml"
  sed '/^sources:/,$d' calibration/demo-store/store.yaml >"$config"
  { echo "sources:"; cat; printf 'api:\n  listen: 127.0.0.1:0\n  tokens: [load]\n'; } >>"$config"
  echo "$config"
}

# Waits for the daemon logging to $WORK/daemon.log to name its API's port (its own "listening
# on" line: an mqtt source's broker is also on 127.0.0.1) and for an optional further line.
api_port() {
  local also=${1:-} port=""
  for _ in $(seq 1 300); do
    port=$(grep -aoE 'listening on 127\.0\.0\.1:[0-9]+' "$WORK/daemon.log" | head -n 1 | cut -d: -f2 || true)
    if [[ -n "$port" && "$port" != 0 ]] && { [[ -z "$also" ]] || grep -aq "$also" "$WORK/daemon.log"; }; then
      echo "$port"
      return
    fi
    sleep 0.2
  done
  echo "the daemon did not start; see $WORK/daemon.log" >&2
  return 1
}

status() { curl -fsS -H "Authorization: Bearer load" "http://127.0.0.1:$port/api/status"; }

# Observations counted over all sensors, devices tracked, inputs dropped (from the status JSON).
counted() {
  local json seen tracked dropped
  json=$(status)
  seen=$(grep -oE '"observations_by_sensor":\{[^}]*\}' <<<"$json" | grep -oE ':[0-9]+' | tr -d : | awk '{ s += $1 } END { print s + 0 }')
  tracked=$(grep -oE '"devices_tracked":[0-9]+' <<<"$json" | cut -d: -f2)
  dropped=$(grep -oE '"dropped_inputs":[0-9]+' <<<"$json" | cut -d: -f2)
  echo "$seen ${tracked:-0} ${dropped:-0}"
}

# A process's user and system CPU time, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# After WARMUP seconds, samples the daemon ($pid) over MEASURE seconds, and any other processes
# named, setting: wall, cpu (% of one core), others_cpu (their % each, in order), rate
# (observations/s), tracked, dropped, peak and hwm (resident MB).
measure() {
  local ticks s0 s1 e0 e1 start end rss i
  local -a o0=() o1=()
  sleep "$WARMUP"
  ticks=$(getconf CLK_TCK)
  read -r s0 _ _ < <(counted)
  e0=$(cpu_ticks "$pid")
  for i in "$@"; do o0+=("$(cpu_ticks "$i")"); done
  start=$(date +%s.%N)
  peak=0
  for _ in $(seq 1 "$MEASURE"); do
    sleep 1
    rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
    (( rss > peak )) && peak=$rss
  done
  e1=$(cpu_ticks "$pid")
  for i in "$@"; do o1+=("$(cpu_ticks "$i")"); done
  end=$(date +%s.%N)
  read -r s1 tracked dropped < <(counted)
  hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
  percent() { awk -v a="$1" -v b="$2" -v t="$ticks" -v w="$wall" 'BEGIN { printf "%.1f", (b - a) / t / w * 100 }'; }
  cpu=$(percent "$e0" "$e1")
  others_cpu=()
  for i in "${!o0[@]}"; do others_cpu+=("$(percent "${o0[$i]}" "${o1[$i]}")"); done
  rate=$(awk -v a="$s0" -v b="$s1" -v w="$wall" 'BEGIN { printf "%.0f", (b - a) / w }')
  peak=$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')
  hwm=$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')
}

# Starts a mosquitto on a free 127.0.0.1 port, its files under $WORK, and waits until it
# listens; echoes the port and leaves the broker's pid in $WORK/mosquitto.pid (the caller reads
# it with `broker=$(<"$WORK/mosquitto.pid")`: this runs in a subshell). Needs MOSQUITTO.
start_broker() {
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$WORK/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence false
max_inflight_messages 0
max_queued_messages 0
log_dest file $(realpath "$WORK")/mosquitto.log
user $(id -un)
EOF
  "$MOSQUITTO" -c "$WORK/mosquitto.conf" >/dev/null 2>&1 &
  echo $! >"$WORK/mosquitto.pid"
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
  echo "$port"
}
