/// What `footfall init` knows about a new store — its id, a rectangular floor, the doors, the
/// sensors and the API's secrets — and the store.yaml it starts from: the skeleton of
/// DESIGN.md with every other section present, commented, and left at its default.
///
/// Pure: the tokens come in from the caller, so the same draft always renders the same text.
public struct StoreDraft: Hashable, Sendable {
    public struct SensorPlacement: Hashable, Sendable {
        public var id: String
        public var position: Point3
        public init(id: String, position: Point3) {
            self.id = id
            self.position = position
        }
    }

    public var id: String
    /// The gateway's id in events; a chain wants it unique, so it starts from the store's.
    public var gateway: String
    /// The floor, metres: x along the street-side wall, y into the store.
    public var width: Double
    public var depth: Double
    public var entrances: [Point]
    public var sensors: [SensorPlacement]
    public var listen: String
    public var apiToken: String
    /// One per sensor, in the order of `sensors`.
    public var sensorTokens: [String]

    public init(
        id: String, gateway: String? = nil, width: Double, depth: Double, entrances: [Point], sensors: [SensorPlacement],
        listen: String = "127.0.0.1:8080", apiToken: String, sensorTokens: [String]
    ) {
        self.id = id
        self.gateway = gateway ?? "\(id)-gateway-1"
        self.width = width
        self.depth = depth
        self.entrances = entrances
        self.sensors = sensors
        self.listen = listen
        self.apiToken = apiToken
        self.sensorTokens = sensorTokens
    }

    public var outline: Polygon { Polygon(rectangleFrom: .zero, to: Point(x: width, y: depth)) }

    /// How far into the store the zone behind a door reaches, and how wide it is (metres).
    static let entranceZoneDepth = 4.0
    static let entranceZoneWidth = 6.0

    /// The floor just inside a door: `entranceZoneWidth` along the wall it is in, reaching
    /// `entranceZoneDepth` into the store, cut to the outline.
    public func entranceZone(at door: Point) -> Polygon {
        // The wall the door is nearest to decides which way is in.
        let walls: [(distance: Double, inward: Point)] = [
            (abs(door.y), Point(x: 0, y: 1)), (abs(depth - door.y), Point(x: 0, y: -1)),
            (abs(door.x), Point(x: 1, y: 0)), (abs(width - door.x), Point(x: -1, y: 0)),
        ]
        let inward = walls.min { $0.distance < $1.distance }!.inward
        let along = Point(x: abs(inward.y), y: abs(inward.x))
        let half = Self.entranceZoneWidth / 2
        let onWall = outline.nearestBoundaryPoint(to: door)
        let a = onWall - along * half
        let b = onWall + along * half + inward * Self.entranceZoneDepth
        func clampX(_ x: Double) -> Double { min(max(x, 0), width) }
        func clampY(_ y: Double) -> Double { min(max(y, 0), depth) }
        return Polygon(
            rectangleFrom: Point(x: clampX(min(a.x, b.x)), y: clampY(min(a.y, b.y))),
            to: Point(x: clampX(max(a.x, b.x)), y: clampY(max(a.y, b.y))))
    }

    /// The store file's text.
    public var yaml: String {
        var lines: [String] = []
        func add(_ line: String = "") { lines.append(line) }
        add("# Store \(id), written by `footfall init`. Coordinates are metres in the store's own frame: the")
        add("# origin at a corner, x along the street-side wall, y into the store. Every section and field is")
        add("# described in docs/configuration.md (/usr/share/doc/footfall/docs/ on a gateway).")
        add("store:")
        add("  id: \(id)")
        add("  gateway: \(gateway)    # this gateway's id in every event")
        add("  outline: \(Self.list(outline.vertices))")
        add("  entrances: [\(entrances.map(Self.point).joined(separator: ", "))]")
        add()
        add("# Zones are the sectors events name; where two overlap the one listed first wins. A start: the")
        add("# floor inside each door. Add the store's sectors, then draw them with `footfall zones render`.")
        add("zones:")
        for (index, door) in entrances.enumerated() {
            add("  - id: \(entrances.count == 1 ? "entrance" : "entrance-\(index + 1)")")
            add("    polygon: \(Self.list(entranceZone(at: door).vertices))")
        }
        add()
        add("# The receivers: x, y and height above the floor. `footfall calibrate fit` writes their path loss")
        add("# to fitted.yaml beside this file.")
        add("sensors:")
        for sensor in sensors {
            add("  - id: \(sensor.id)")
            add("    position: [\(Self.number(sensor.position.x)), \(Self.number(sensor.position.y)), \(Self.number(sensor.position.z))]")
        }
        let first = sensors.first?.id ?? "s1"
        add()
        add("# Where observations come from: this gateway's radios (docs/configuration.md, \"sources\").")
        add("sources: []")
        add("#  - type: hci          # a BlueZ adapter, heard as sensor \(first): stop bluetoothd first")
        add("#    adapter: hci0")
        add("#    sensor: \(first)")
        add("#  - type: pcap         # Wi-Fi probe requests: iw dev wlan0 set type monitor")
        add("#    interface: wlan0mon")
        add("#    sensor: \(first)")
        add()
        add("# Where events go: the profile store (docs/delivery.md); jsonl to \"-\" prints them to the journal.")
        add("sinks: []")
        add("#  - type: segment")
        add("#    url: https://api.segment.io/v1/batch")
        add("#    write_key: <the source's write key>")
        add()
        add("# The HTTP API and live map (docs/api.md). The tokens are random and secret: keep this file")
        add("# readable by the gateway's user only. 0.0.0.0:8080 lets sensor gateways in from the network.")
        add("api:")
        add("  listen: \(listen)")
        add("  tokens: [\"\(apiToken)\"]")
        add("  sensor_tokens:        # what a sensor gateway reporting as that sensor sends (its upstream.tokens)")
        for (sensor, token) in zip(sensors, sensorTokens) {
            add("    \(sensor.id): \"\(token)\"")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func list(_ points: [Point]) -> String { StoreFileText.points(points) }

    static func point(_ p: Point) -> String { StoreFileText.point(p) }

    /// To the centimetre: 40 rather than 40.0, 2.8 as it is, 3 rather than 3.0000000000000004.
    public static func number(_ value: Double) -> String { StoreFileText.number(value) }
}
