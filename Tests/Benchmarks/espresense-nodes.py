"""ESPresense nodes emulated from a Footfall trace, for espresense-gating.sh (which says what is
modelled and what is not).

  python3 espresense-nodes.py publish TRACE MODE BROKER_PORT SCHEDULE
      Publishes what the nodes would, one node per sensor, to 127.0.0.1:BROKER_PORT at QoS 0
      on one connection, ending with `espresense/done`; writes each message's trace time, topic
      and payload to SCHEDULE and prints the counts as JSON.
  python3 espresense-nodes.py timed SCHEDULE RECORDING OUT
      Gives each message of a `mosquitto_sub -v` RECORDING the time it was published at (the
      n-th message on a topic is the n-th published to it), as `mosquitto_sub -F '%U %t %p'`
      lines in OUT; fails when a message is missing, extra or changed.
"""
import hashlib
import json
import math
import socket
import sys
from collections import defaultdict, deque

# ESPresense 3.3's defaults (include/defaults.h, src/BleFingerprintCollection.h, src/rssi.h).
ABSORPTION = 3.5
RX_REF_RSSI = -65
DEFAULT_TX = -6
APPLE_TX = 0
ONE_EURO = (0.1, 0.001, 0.005)  # min cutoff, beta, d-cutoff
SPIKE_THRESHOLD = 1.0
NUM_READINGS = 12
SETTINGS = {
    "every": {"skip_distance": 0.0, "skip_ms": 0, "max_distance": 0.0},
    "default": {"skip_distance": 0.5, "skip_ms": 5000, "max_distance": 16.0},
    "no-max": {"skip_distance": 0.5, "skip_ms": 5000, "max_distance": 0.0},
}


class FilteredDistance:
    """lib/filtering/FilteredDistance.cpp (ESPresense 3.3): a spike filter over the last twelve
    distances, then a 1-Euro filter."""

    def __init__(self):
        self.min_cutoff, self.beta, self.d_cutoff = ONE_EURO
        self.last_time = None
        self.x = self.dx = self.last_dist = 0.0
        self.readings = [0.0] * NUM_READINGS
        self.read_index = 0
        self.total = self.total_squared = 0.0

    @staticmethod
    def alpha(cutoff, dt):
        tau = 1.0 / (2 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def remove_spike(self, dist):
        old = self.readings[self.read_index]
        self.total -= old
        self.total_squared -= old * old
        self.readings[self.read_index] = dist
        self.total += dist
        self.total_squared += dist * dist
        self.read_index = (self.read_index + 1) % NUM_READINGS
        average = self.total / NUM_READINGS
        return average if abs(dist - average) > SPIKE_THRESHOLD else dist

    def add(self, dist, now):
        if self.last_time is None:
            self.x, self.dx, self.last_dist = dist, 0.0, dist
            self.readings = [dist] * NUM_READINGS
            self.total, self.total_squared = dist * NUM_READINGS, dist * dist * NUM_READINGS
        else:
            dt = max(now - self.last_time, 0.05)
            a, d_a = self.alpha(self.min_cutoff, dt), self.alpha(self.d_cutoff, dt)
            dist = self.remove_spike(dist)
            self.x += a * (dist - self.x)
            self.dx = d_a * ((dist - self.last_dist) / dt)
            self.last_dist = self.x + self.beta * self.dx
        self.last_time = now

    def variance(self):
        mean = self.total / NUM_READINGS
        return max(0.0, self.total_squared / NUM_READINGS - mean * mean)


class Fingerprint:
    """One device as one node sees it (src/BleFingerprint.cpp's seen/report)."""

    def __init__(self, device, tx_power, now):
        kind, _, rest = device.partition(":")
        if kind == "ibeacon":
            uuid, major, minor = rest.split(":")
            self.id = f"iBeacon:{uuid}-{major}-{minor}"
            self.ref = int(tx_power)
            # A beacon's own address is not in the trace; any stable one does (not read for beacons).
            self.mac = hashlib.sha1(device.encode()).hexdigest()[:12]
        elif kind == "ble-rpa":
            # A phone: an Apple "nearby" fingerprint, its rotating address as mac.
            self.mac = rest.replace(":", "")
            self.id = "apple:1007:11"
            self.ref = RX_REF_RSSI + APPLE_TX
        elif kind == "ble":
            self.mac = rest.replace(":", "")
            self.id = self.mac
            self.ref = RX_REF_RSSI + DEFAULT_TX
        else:
            raise SystemExit(f"{device}: a device ESPresense does not report (only BLE)")
        self.filter = FilteredDistance()
        self.first_seen = now
        self.seen = 0
        self.last_reported = 0.0
        self.last_reported_ms = 0

    def seen_at(self, rssi, now):
        self.seen += 1
        self.rssi = rssi
        self.raw = 10 ** ((self.ref - rssi) / (10 * ABSORPTION))
        self.filter.add(self.raw, now)
        self.dist = self.filter.last_dist

    def report(self, now, settings):
        """The report's JSON, or None when the node's gating holds it back."""
        if settings["max_distance"] > 0 and self.dist > settings["max_distance"]:
            return None
        now_ms = int(now * 1000)
        if (abs(self.dist - self.last_reported) < settings["skip_distance"] and self.last_reported_ms > 0
                and now_ms - self.last_reported_ms < settings["skip_ms"]):
            return None
        self.last_reported_ms = max(now_ms, 1)
        self.last_reported = self.dist
        report = {"mac": self.mac, "id": self.id, "rssi@1m": self.ref, "rssi": self.rssi,
                  "raw": round(self.raw, 2), "distance": round(self.dist, 2), "var": round(self.filter.variance(), 2),
                  "int": int((now - self.first_seen) * 1000 / self.seen)}
        return json.dumps(report, separators=(",", ":"))


def packet(kind, body):
    length, encoded = len(body), bytearray()
    while True:
        byte, length = length % 128, length // 128
        encoded.append(byte | (0x80 if length else 0))
        if not length:
            return bytes([kind]) + bytes(encoded) + body


def field(data):
    return len(data).to_bytes(2, "big") + data


def publish(trace, mode, port, schedule_path):
    settings = SETTINGS[mode]
    connection = socket.create_connection(("127.0.0.1", int(port)))
    connection.sendall(packet(0x10, field(b"MQTT") + bytes([4, 0x02]) + (60).to_bytes(2, "big") + field(f"espresense-nodes-{mode}".encode())))
    connack = connection.recv(4)
    if connack[:1] != b"\x20" or connack[3:4] != b"\x00":
        raise SystemExit(f"the broker refused the nodes' connection: {connack!r}")
    nodes = defaultdict(dict)  # sensor -> device -> Fingerprint
    advertisements = messages = 0
    pending = []
    with open(trace) as f, open(schedule_path, "w") as schedule:
        header = next(f).rstrip("\n").split(",")
        column = {name: header.index(name) for name in ("time", "sensor", "device", "rssi")}
        tx_column = header.index("tx_power") if "tx_power" in header else None
        for line in f:
            values = line.rstrip("\n").split(",")
            now, sensor, device = float(values[column["time"]]), values[column["sensor"]], values[column["device"]]
            rssi = int(float(values[column["rssi"]]))
            advertisements += 1
            fingerprint = nodes[sensor].get(device)
            if fingerprint is None:
                tx = values[tx_column] if tx_column is not None and values[tx_column] else None
                fingerprint = nodes[sensor][device] = Fingerprint(device, tx, now)
            fingerprint.seen_at(rssi, now)
            payload = fingerprint.report(now, settings)
            if payload is None:
                continue
            topic = f"espresense/devices/{fingerprint.id}/{sensor}"
            schedule.write(f"{now:.3f} {topic} {payload}\n")
            pending.append(packet(0x30, field(topic.encode()) + payload.encode()))
            messages += 1
            if len(pending) >= 500:
                connection.sendall(b"".join(pending))
                pending.clear()
    pending.append(packet(0x30, field(b"espresense/done") + mode.encode()))
    pending.append(b"\xe0\x00")
    connection.sendall(b"".join(pending))
    connection.close()
    print(json.dumps({"mode": mode, "advertisements": advertisements, "messages": messages, **settings}))


def timed(schedule_path, recording_path, out_path):
    published = defaultdict(deque)
    count = 0
    with open(schedule_path) as f:
        for line in f:
            time, topic, payload = line.rstrip("\n").split(" ", 2)
            published[topic].append((time, payload))
            count += 1
    matched = 0
    with open(recording_path) as f, open(out_path, "w") as out:
        for number, line in enumerate(f, 1):
            topic, _, payload = line.rstrip("\n").partition(" ")
            if not topic.startswith("espresense/devices/"):
                continue  # the script's ready and done markers
            if not published[topic]:
                raise SystemExit(f"{recording_path}:{number}: a message on {topic} that was not published (or once too often)")
            time, sent = published[topic].popleft()
            if sent != payload:
                raise SystemExit(f"{recording_path}:{number}: {topic}: the payload differs from the one published; messages were reordered or changed")
            out.write(f"{time} {topic} {payload}\n")
            matched += 1
    if matched != count:
        raise SystemExit(f"{recording_path}: {count - matched} of {count} published messages were not recorded")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "publish" and len(sys.argv) == 6:
        publish(*sys.argv[2:])
    elif command == "timed" and len(sys.argv) == 5:
        timed(*sys.argv[2:])
    else:
        raise SystemExit(__doc__)
