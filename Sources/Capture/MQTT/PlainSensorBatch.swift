import WiFi

/// A sensor gateway's batch (docs/api.md: `{"sensor", "stream", "seq", "sent_at", "observations":
/// [{"time", "device", "rssi", "tx_power", "radio", "channel"}]}`), read straight from its bytes when every
/// member the batch needs is there with its type: the body of `POST /api/observations`, which
/// each sensor sends several times a second, is then read without building a document or
/// Foundation's decoder (a quarter of the daemon's work at 10,000 observations/s posted).
///
/// Only what `FlatJSONObject` reads strictly is read here (no name twice, numbers as RFC 8259
/// writes them, strings of UTF-8: where decoders differ), and only with the types a decoder asks
/// for: strings for `sensor`, `stream`, `device` and `radio`, numbers for the rest, `stream`, `seq`,
/// `tx_power`, `radio` and `channel` missing or null where not known. Anything else gives nil, and the caller decodes the
/// body as before, which says what is wrong with it; what is read here is what that decoder would
/// read. The values are not checked (an RSSI's range, an empty id): the caller checks them either
/// way.
public struct PlainSensorBatch: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var time: Double
        public var device: String
        public var rssi: Double
        public var txPower: Double?
        public var radio: String?
        public var channel: Double?

        public init(time: Double, device: String, rssi: Double, txPower: Double?, radio: String?, channel: Double?) {
            self.time = time
            self.device = device
            self.rssi = rssi
            self.txPower = txPower
            self.radio = radio
            self.channel = channel
        }
    }

    public var sensor: String
    /// The sensor gateway's numbering of the sensor's observations (`SensorBatchSequence`).
    public var stream: String?
    public var seq: Double?
    public var sentAt: Double
    public var observations: [Item]

    public init(sensor: String, stream: String? = nil, seq: Double? = nil, sentAt: Double, observations: [Item]) {
        self.sensor = sensor
        self.stream = stream
        self.seq = seq
        self.sentAt = sentAt
        self.observations = observations
    }

    static let members = ["sensor", "sent_at", "stream", "seq"].map { Array($0.utf8) }
    static let array = Array("observations".utf8)
    static let itemMembers = ["time", "device", "rssi", "tx_power", "radio", "channel"].map { Array($0.utf8) }

    /// The batch in `bytes`, or nil when it is not plain JSON with each member of its type.
    public static func read(_ bytes: [UInt8]) -> PlainSensorBatch? {
        guard let plain = FlatJSONObject.batch(bytes, members, array: array, items: itemMembers, strict: true),
              let sensor = plain.members[0]?.string, let sentAt = plain.members[1]?.number,
              let stream = optional(plain.members[2], \.string), let seq = optional(plain.members[3], \.number),
              let items = plain.items
        else { return nil }
        var observations: [Item] = []
        observations.reserveCapacity(items.count)
        for item in items {
            guard let time = item[0]?.number, let device = item[1]?.string, let rssi = item[2]?.number,
                  let txPower = optional(item[3], \.number), let radio = optional(item[4], \.string),
                  let channel = optional(item[5], \.number)
            else { return nil }
            observations.append(Item(time: time, device: device, rssi: rssi, txPower: txPower, radio: radio, channel: channel))
        }
        return PlainSensorBatch(sensor: sensor, stream: stream, seq: seq, sentAt: sentAt, observations: observations)
    }

    /// A member that may be left out: `.some(nil)` when missing or null, `.some(value)` when of
    /// its type, nil when of another type.
    private static func optional<T>(_ value: JSONValue?, _ read: KeyPath<JSONValue, T?>) -> T?? {
        guard let value, !value.isNull else { return .some(nil) }
        guard let typed = value[keyPath: read] else { return nil }
        return .some(typed)
    }
}
